#!/usr/bin/env python3
"""Ask the terminal it runs in some questions and write down the answers (tests/xterm_pty.rs).

    python3 ask.py OUT.json HEX...

Each HEX is a chunk of bytes to send; after each the primary device attributes are asked
for as a sentinel (as probe.py does), so a question without an answer costs one round
trip. A chunk written `wHEX` is for an answer the terminal gives later than its sentinel
(OSC 52 reads, which the embedder answers): the sentinel is sent once a reply has come, or
after two seconds without one. OUT.json gets the list of replies (hex), one per chunk, and
appears only when whole.
"""
import json
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
OUT, CHUNKS = sys.argv[1], sys.argv[2:]
sys.argv = [sys.argv[0], OUT, "-"]
import probe  # noqa: E402


def late(data):
    os.write(1, data)
    buf = b""
    deadline = time.time() + 2
    while time.time() < deadline:
        r, _, _ = select.select([probe.FD], [], [], 0.1)
        if r:
            buf += os.read(probe.FD, 65536)
        elif buf:
            break
    return buf + probe.exchange(b"")


def main():
    out, chunks = OUT, CHUNKS
    probe.tty.setraw(probe.FD)
    probe.exchange(b"")
    replies = [(late(bytes.fromhex(c[1:])) if c.startswith("w") else
                probe.exchange(bytes.fromhex(c))).hex() for c in chunks]
    with open(out + ".part", "w") as f:
        json.dump(replies, f)
    os.rename(out + ".part", out)


if __name__ == "__main__":
    main()
