#!/usr/bin/env python3
"""Record real xterm's answers to the conformance cases (cases.py) into xterm379.json.

    python3 tests/xterm/record.py [OUT.json]
    python3 tests/xterm/record.py --parity [OUT.json]

`--parity` plays `PARITY_CASES` into xterm379-parity.json, with the settings xterm's own
test suites (vttest) expect: the VT520 identity (`decTerminalID: 520`) and every window
operation allowed, title reports (XTWINOPS 20/21) included.

Starts a private Xvfb and `xterm` (the Debian package; the file name says which patch level
it was recorded with) running probe.py. xterm's resources: window operations allowed (so
CSI 18 t and resizes answer; title reports 20/21 stay disallowed, xterm's default), the
screen printed to a file for Media Copy, 80x24. The recording is committed; the terminal
core's tests compare against it, so CI needs no xterm.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = sys.argv[1:]
    parity = "--parity" in args
    args = [a for a in args if a != "--parity"]
    default = "xterm379-parity.json" if parity else "xterm379.json"
    out = args[0] if args else os.path.join(HERE, default)
    version = subprocess.run(["xterm", "-version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        printer = os.path.join(tmp, "printed")
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1600x1200x24",
                                 "-nolisten", "tcp"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            display = ":" + xvfb.stdout.readline().decode().strip()
            resources = [
                "XTerm*allowWindowOps: true",
                f"XTerm*printerCommand: cat >> {printer}",
                "XTerm*printerAutoClose: true",
                "XTerm*printerExtent: true",
                "XTerm*printAttributes: 0",
                "XTerm*printerFormFeed: false",
                "XTerm*utf8: 1",
            ]
            if parity:
                # uvterm's default colours, so that resets compare.
                resources += ["XTerm*decTerminalID: 520", "XTerm*foreground: #e5e5e5",
                              "XTerm*background: #000000", "XTerm*cursorColor: #e5e5e5"]
            args = ["xterm", "-geometry", "80x24", "-fa", "DejaVu Sans Mono", "-fs", "10"]
            for r in resources:
                args += ["-xrm", r]
            args += ["-e", sys.executable, os.path.join(HERE, "probe.py"), out, printer,
                     "PARITY_CASES" if parity else "CASES"]
            env = dict(os.environ, DISPLAY=display, LANG="C.UTF-8", PROBE_TERMINAL=version)
            subprocess.run(args, env=env, timeout=600, check=True)
        finally:
            xvfb.terminate()
            xvfb.wait()
    print(f"recorded {version} into {out}")


if __name__ == "__main__":
    main()
