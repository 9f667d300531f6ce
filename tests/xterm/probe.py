#!/usr/bin/env python3
"""Runs inside the terminal under test (see record.py): plays every case of cases.py and
writes what the terminal answered, and what its screen shows, to a JSON file.

    python3 probe.py OUT.json PRINTER_FILE [LIST]

LIST names the list of cases.py to play: `CASES` (the default; xterm379.json) or
`PARITY_CASES` (xterm379-parity.json).

Replies are delimited with a sentinel: after each chunk the probe asks for primary device
attributes and reads up to that answer, so a query that gets no reply costs one round trip,
not a timeout. The screen is read with Media Copy (CSI i), which xterm sends to its
printerCommand (appending to PRINTER_FILE).

With PRINTER_FILE `-` the screen is not read (terminals without a printer: uvterm's own
end-to-end test, tests/xterm_pty.rs); the per-row checksums recorded after every case still
show what the screen holds. OUT.json appears only once complete (written, then renamed).
"""
import fcntl
import json
import os
import re
import select
import struct
import sys
import termios
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OUT, PRINTER = sys.argv[1], sys.argv[2]
LIST = sys.argv[3] if len(sys.argv) > 3 else "CASES"
CASES = getattr(cases, LIST)
# RIS leaves xterm's colours, titles and title stack as they were: the parity cases, which
# look at those, also reset the colours (OSC 104, 105, 110-119), name the window and icon
# "uvterm", and pop whatever a case pushed.
PARITY_RESET = (b"\x1b]104\x07\x1b]105\x07" + b"".join(b"\x1b]%d\x07" % n for n in range(110, 120))
                + b"\x1b[23;0t" * 20 + b"\x1b]0;uvterm\x07")
FD = 0
SENTINEL = b"\x1b[c"
# A DA1 answer at the end of the buffer, in 7-bit or 8-bit (raw or UTF-8 encoded) form.
DA1_AT_END = re.compile(rb"(\x1b\[|\xc2\x9b|\x9b)\?[0-9;]*c$")


def winsize():
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(FD, termios.TIOCGWINSZ, b"\0" * 8))
    return rows, cols


def exchange(data):
    """Send `data`, then the sentinel; the bytes that came back before the sentinel's answer."""
    os.write(1, data + SENTINEL)
    buf = b""
    deadline = time.time() + 10
    while time.time() < deadline:
        r, _, _ = select.select([FD], [], [], 0.5)
        if r:
            buf += os.read(FD, 65536)
            # The last DA1 answer in the buffer is the sentinel's.
            for start in sorted({buf.rfind(b"\x1b[?"), buf.rfind(b"\x9b?"),
                                 buf.rfind(b"\xc2\x9b?")}, reverse=True):
                if start >= 0 and DA1_AT_END.match(buf[start:]):
                    return buf[:start]
    raise SystemExit(f"no sentinel answer after {data!r}; got {buf!r}")


def read_screen():
    before = os.path.getsize(PRINTER) if os.path.exists(PRINTER) else 0
    os.write(1, b"\x1b[i")
    size, stable_since = before, time.time()
    deadline = time.time() + 5
    while time.time() < deadline:
        time.sleep(0.02)
        now = os.path.getsize(PRINTER) if os.path.exists(PRINTER) else 0
        if now != size:
            size, stable_since = now, time.time()
        elif size > before and time.time() - stable_since > 0.15:
            break
    with open(PRINTER, "rb") as f:
        f.seek(before)
        text = f.read().decode("utf-8", "replace")
    # The cell after a wide character prints as U+FFFF.
    lines = [line.replace("\uffff", "").rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def main():
    tty.setraw(FD)
    results = []
    for case in CASES:
        # Start from a reset 80x24 terminal at its full conformance level (RIS leaves the
        # level a DECSCL chose).
        os.write(1, b"\x1b[64;1\"p\x1bc\x1b[8;24;80t")
        if LIST == "PARITY_CASES":
            os.write(1, PARITY_RESET)
        deadline = time.time() + 5
        while winsize() != (24, 80) and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        exchange(b"")
        steps = []

        def step(data):
            steps.append({"send": data.hex(), "reply": exchange(data).hex()})

        for chunk in case["setup"]:
            if chunk.startswith("@sleep"):
                time.sleep(float(chunk.split()[1]))
                steps.append({"send": "", "reply": exchange(b"").hex(), "sleep": True})
            else:
                step(chunk.encode("utf-8"))
        for q in case["queries"]:
            step(q.encode("utf-8"))
        step(b"\x1b[6n")
        step(b"\x1b[?6n")
        # Whole lines from here on: absolute coordinates.
        step(b"\x1b[?6l")
        rows, cols = winsize()
        for r in range(1, rows + 1):
            step(f"\x1b[{r};1;{r};1;{r};{cols}*y".encode())
        screen = None if PRINTER == "-" else read_screen()
        results.append({"name": case["name"], "rows": rows, "cols": cols, "steps": steps,
                        "screen": screen})
    with open(OUT + ".part", "w") as f:
        json.dump({"terminal": os.environ.get("PROBE_TERMINAL", "?"), "cases": results}, f,
                  indent=1, ensure_ascii=False)
        f.write("\n")
    os.rename(OUT + ".part", OUT)
    os.write(1, b"\x1bc")


if __name__ == "__main__":
    main()
