#!/usr/bin/env python3
"""What real xterm does with VARIATION SELECTOR-16 (U+FE0F), in UTF-8 mode (`-u8`).

    python3 tests/xterm/vs16.py

Starts a private Xvfb and `xterm -u8`, prints each case at a known column and asks for the
cursor position (CPR). Not part of xterm379.json: record.py's xterm reads bytes as Latin-1
(its `repeat` case shows 漢 as three characters), so it cannot show VS16. Recorded with
XTerm(379) on Debian 12:

    A+VS16 bc at col 78:      CPR 1;80   (one line: VS16 after A is ignorable)
    U+2627+VS16 bc at col 78: CPR 1;80   (☧ likewise)
    U+2764+VS16 bc at col 78: CPR 1;80   (xterm keeps ❤️ one cell; uvterm, kitty, Ghostty and
                                          WezTerm follow emoji-variation-sequences.txt: two)
    U+2764+VS16 x at col 1:   CPR 1;3
    A+VS16 x at col 1:        CPR 1;3
"""
import os
import select
import subprocess
import sys
import tempfile
import time
import tty

CASES = [
    ("A+VS16 bc at col 78", "\x1b[1;78HA\ufe0fbc"),
    ("U+2627+VS16 bc at col 78", "\x1b[1;78H\u2627\ufe0fbc"),
    ("U+2764+VS16 bc at col 78", "\x1b[1;78H\u2764\ufe0fbc"),
    ("U+2764+VS16 x at col 1", "\x1b[1;1H\u2764\ufe0fx"),
    ("A+VS16 x at col 1", "\x1b[1;1HA\ufe0fx"),
]


def probe(out):
    """Inside xterm: play each case and write the cursor reports to `out`."""
    fd = sys.stdin.fileno()
    tty.setraw(fd)
    lines = []
    for name, setup in CASES:
        os.write(1, b"\x1b[2J\x1b[H" + setup.encode() + b"\x1b[6n")
        buf, end = b"", time.time() + 3
        while not buf.endswith(b"R") and time.time() < end:
            if select.select([fd], [], [], 0.2)[0]:
                buf += os.read(fd, 100)
        lines.append(f"{name}: CPR {buf.decode(errors='replace')[2:-1]}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--probe":
        probe(sys.argv[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "vs16.txt")
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24",
                                 "-nolisten", "tcp"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            display = ":" + xvfb.stdout.readline().decode().strip()
            env = dict(os.environ, DISPLAY=display, LANG="C.UTF-8", LC_ALL="C.UTF-8")
            subprocess.run(["xterm", "-u8", "-geometry", "80x24", "-fa", "DejaVu Sans Mono",
                            "-fs", "10", "-e", sys.executable, os.path.abspath(__file__),
                            "--probe", out], env=env, timeout=60, check=True)
        finally:
            xvfb.terminate()
            xvfb.wait()
        with open(out) as f:
            print(f.read(), end="")


if __name__ == "__main__":
    main()
