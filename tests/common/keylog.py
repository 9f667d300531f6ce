#!/usr/bin/env python3
"""Runs in a tab during the input tests: puts the terminal in raw mode, writes the escape
sequences given as arguments (to switch modes: app cursor keys, bracketed paste, kitty
flags…), prints READY, then logs every read from the terminal as one line of hex to LOG."""
import os
import sys
import termios
import tty

log_path = sys.argv[1]
setup = bytes(sys.argv[2], "utf-8").decode("unicode_escape").encode("latin-1") if len(sys.argv) > 2 else b""
fd = 0
tty.setraw(fd)
os.write(1, setup + b"READY\r\n")
with open(log_path, "a") as log:
    while True:
        data = os.read(fd, 4096)
        if not data:
            break
        log.write(data.hex() + "\n")
        log.flush()
