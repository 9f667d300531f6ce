#!/usr/bin/env python3
"""Record what a real program writes to a terminal, for the golden replay tests.

    python3 tests/golden/record.py NAME COLS LINES -- 'shell command'  < keys.txt

runs the command on a fresh PTY of COLS x LINES (TERM=xterm-256color), types the scripted
keys, and saves every byte the program wrote to tests/golden/NAME.bin. The key script has
one step per line: text to type (with \\e \\r \\n \\t \\xNN escapes), or `@wait SECONDS`.
Queries the program sends (DA, DSR) are answered the way xterm would, so programs that wait
for an answer do not stall. Recordings are made once and committed; the expected screens
(NAME.screen) were checked by hand against the program and against tmux.
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def unescape(text):
    # \e is ESC (an unescaped one); \\ is a literal backslash for the program to see.
    text = re.sub(r"(?<!\\)\\e", r"\\x1b", text)
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1")


def answer_queries(data, fd, lines):
    # Primary DA, cursor position (best effort: claims the top-left), and DSR status.
    for _ in re.finditer(rb"\x1b\[c|\x1b\[0c", data):
        os.write(fd, b"\x1b[?62;22c")
    for _ in re.finditer(rb"\x1b\[5n", data):
        os.write(fd, b"\x1b[0n")


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        print(__doc__)
        sys.exit(2)
    name, cols, lines, command = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[5]
    steps = [l.rstrip("\n") for l in sys.stdin]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(lines),
                          LANG="C.UTF-8", LC_ALL="C.UTF-8", PS1="$ ", HOME="/tmp/golden-home",
                          HISTFILE="/dev/null", LESSHISTFILE="-")
        os.makedirs("/tmp/golden-home", exist_ok=True)
        os.execvp("sh", ["sh", "-c", command])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    out = bytearray()

    def pump(seconds):
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return True
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out.extend(data)
            answer_queries(data, fd, lines)

    alive = pump(1.0)
    for step in steps:
        if not alive:
            break
        if step.startswith("@wait "):
            alive = pump(float(step.split()[1]))
        elif step:
            for ch in unescape(step):
                os.write(fd, bytes([ch]))
                alive = pump(0.03)
            alive = pump(0.3)
    pump(1.0)
    # The recording ends here, with the program still on screen; what it writes while being
    # hung up is not part of it.
    recorded = bytes(out)
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        pass
    pump(0.5)
    os.waitpid(pid, 0)
    path = os.path.join(HERE, name + ".bin")
    with open(path, "wb") as f:
        f.write(recorded)
    print(f"{path}: {len(out)} bytes")


if __name__ == "__main__":
    main()
