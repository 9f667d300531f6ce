#!/usr/bin/env python3
"""Tab churn against a running uvterm, for the leak checks.

    python3 tests/leak/churn.py --socket PATH --tabs N [--windows W] [--lines L] [--splits S]
                                [--direct]

Opens N tabs across W windows, in batches (against a headless daemon or the GUI: what was
open before the churn is the baseline and is left alone). Every tab sets a title, prints L coloured lines
and is resized; then the batch is closed in a shuffled order — some tabs end by their child
exiting, some by `close-tab`, some by `close-window`. Each batch also splits S of its tabs'
panes (`msg split`, right or down, some splits of splits; default: half the batch), and those
panes end in the same shuffle: by their program exiting, by `close-tab` of the pane's id, or
with their tab (`close-tab` of the tab's id) or window. Prints `stats` before and after (JSON)
and exits 1, naming what grew, if tabs, panes, windows, slots, libuv handles, descriptors or
event subscribers did not come back to where they started.

Each batch also has --subscribers event subscribers (`msg subscribe`) watching it: half are
`uvterm msg subscribe` processes killed mid-stream, half raw socket subscribers that read a
few events and hang up (or hang up at once, or never read); and it asks for the ledger
(`stats --tabs`) once.

By default every request goes through `uvterm msg` (the real client binary); `--direct`
speaks the same protocol on the socket itself (for runs of thousands of tabs, where starting
a client process per request would dominate).
"""
import argparse
import json
import os
import random
import socket
import subprocess
import sys
import time

UVTERM = os.environ.get("UVTERM_BIN", "target/release/uvterm")


class Instance:
    def __init__(self, path, direct):
        self.path = path
        self.direct = direct

    def request(self, obj):
        if self.direct:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(120)
                s.connect(self.path)
                s.sendall(json.dumps(obj).encode() + b"\n")
                s.shutdown(socket.SHUT_WR)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            reply = json.loads(data)
        else:
            reply = self.msg(obj)
        if not reply.get("ok"):
            raise RuntimeError(f"{obj['cmd']}: {reply.get('error')}")
        return reply

    def msg(self, obj):
        cmd = obj["cmd"]
        args = [UVTERM, "msg", "--socket", self.path, "--json", cmd]
        if cmd in ("create-window", "create-tab"):
            if obj.get("window") is not None:
                args += ["--window", str(obj["window"])]
            args += ["-e"] + obj["command"]
        elif cmd == "split":
            args += [str(obj["tab"]), "--direction", obj["direction"], "-e"] + obj["command"]
        elif cmd in ("close-tab", "get-text"):
            args.append(str(obj["tab"]))
            if obj.get("scrollback"):
                args.append("--scrollback")
        elif cmd == "close-window":
            args.append(str(obj["window"]))
        elif cmd == "resize":
            args += [str(obj["tab"]), str(obj["cols"]), str(obj["lines"])]
        elif cmd == "stats" and obj.get("tabs"):
            args.append("--tabs")
        out = subprocess.run(args, capture_output=True, timeout=120)
        if out.returncode == 2:
            raise RuntimeError(f"uvterm msg {cmd}: {out.stderr.decode().strip()}")
        return json.loads(out.stdout)


def tab_program(n, lines, stays):
    # Title, coloured output, a marker; then either exit or wait to be closed. (`n` names the
    # tab or pane in its title and marker: a number for a tab, "pN" for a split's pane.)
    script = (
        f"printf '\\033]2;churn tab {n}\\007'; i=0; "
        f"while [ $i -lt {lines} ]; do i=$((i+1)); "
        f"printf '\\033[3%dmline %d of tab {n}\\033[0m \\033[1mbold\\033[0m\\n' $((i%8)) $i; done; "
        f"echo done-{n}; "
    )
    script += "exec sleep 600" if stays else "exit 0"
    return ["/bin/sh", "-c", script]


class Subscribers:
    """Event subscribers for one batch: client processes and raw sockets."""

    def __init__(self, path, count, rnd):
        self.procs = []
        self.socks = []
        self.rnd = rnd
        for i in range(count):
            if i % 2 == 0:
                self.procs.append(subprocess.Popen(
                    [UVTERM, "msg", "--socket", path, "subscribe"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(120)
                s.connect(path)
                kinds = rnd.choice([[], ["tab-opened", "tab-closed"], ["title-changed", "bell"]])
                s.sendall(json.dumps({"cmd": "subscribe", "events": kinds}).encode() + b"\n")
                ack = b""
                while not ack.endswith(b"\n"):
                    chunk = s.recv(1)
                    if not chunk:
                        raise RuntimeError("subscribe: the connection closed")
                    ack += chunk
                if not json.loads(ack).get("ok"):
                    raise RuntimeError(f"subscribe: {ack!r}")
                self.socks.append(s)

    def end(self):
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()
        for s in self.socks:
            fate = self.rnd.choice(["read", "close", "shutdown"])
            try:
                if fate == "read":
                    s.settimeout(0.2)
                    try:
                        s.recv(4096)
                    except socket.timeout:
                        pass
                elif fate == "shutdown":
                    # EOF first: the server ends the subscription cleanly.
                    s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            s.close()


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--tabs", type=int, default=200)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--splits", type=int, default=-1,
                    help="panes split off each batch's tabs (default: half the batch)")
    ap.add_argument("--direct", action="store_true")
    ap.add_argument("--subscribers", type=int, default=4,
                    help="event subscribers per batch (`msg subscribe`), ended mid-stream")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--gui-windows", action="store_true",
                    help="the instance is the GUI: wait until every window of a batch has its "
                         "own GL context (shown and drawn) before closing it")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    inst = Instance(args.socket, args.direct)

    def stats():
        s = inst.request({"cmd": "stats"})
        s.pop("ok", None)
        return s

    def settled_stats():
        # The UI thread may lag far behind the I/O thread (valgrind, a fresh machine's Mesa
        # compiling every shader without a disk cache): what it holds (windows, GL contexts and
        # objects) is compared only once it has handled every event sent to it.
        wait_for(lambda: stats().get("ui_backlog", 0) == 0, args.timeout,
                 "the UI to handle every event")
        # A connection the previous client just closed may still be open for a moment (longer
        # under valgrind): the baseline is two equal readings in a row.
        keys = ("fds", "slots", "uv_handles", "gl_objects", "gl_contexts", "ui_backlog",
                "subscribers")
        a = stats()
        for _ in range(20):
            time.sleep(0.3)
            b = stats()
            if all(a.get(k) == b.get(k) for k in keys):
                return b
            a = b
        return a

    # The GUI's baseline is taken once its first window has drawn: until then the driver
    # and the window system may hold descriptors they let go with the first frame (a
    # loaded machine's valgrind run read 37 fds before it and 36 after the churn).
    if args.gui_windows:
        wait_for(lambda: stats().get("frames", 0) > 0, args.timeout, "the first frame")
    before = settled_stats()
    print("stats before:", json.dumps(before), flush=True)
    made = 0
    ended = {"exit": 0, "close-tab": 0, "close-window": 0}
    panes_ended = {"exit": 0, "close-pane": 0, "with-tab": 0, "with-window": 0}
    panes_made = 0
    peak_contexts = before["gl_contexts"]
    started = time.time()
    while made < args.tabs:
        batch = min(args.batch, args.tabs - made)
        nwin = max(1, min(args.windows, batch))
        window_fates = [rnd.choice(["close-window", "tabs"]) for _ in range(nwin)]
        window_ids = [None] * nwin
        tabs = []  # (n, tab id, window index, fate)
        subscribers = Subscribers(args.socket, args.subscribers, rnd)
        for k in range(batch):
            n = made + k
            w = k % nwin
            if window_fates[w] == "close-window":
                fate = "close-window"
            elif k < nwin:
                # A window's first tab holds it open until the closing step.
                fate = "close-tab"
            else:
                fate = rnd.choice(["exit", "close-tab"])
            program = tab_program(n, args.lines, stays=(fate != "exit"))
            if window_ids[w] is None:
                r = inst.request({"cmd": "create-window", "command": program})
                window_ids[w] = r["window"]
            else:
                r = inst.request({"cmd": "create-tab", "window": window_ids[w], "command": program})
            tabs.append((n, r["tab"], w, fate))
            # A resize while it prints.
            try:
                inst.request({"cmd": "resize", "tab": r["tab"],
                              "cols": rnd.randint(40, 160), "lines": rnd.randint(10, 50)})
            except RuntimeError:
                pass  # the tab may have finished and closed already
        # Split panes off the tabs that stay (and off earlier splits), each with its fate.
        panes = []  # (tag, pane id, fate)
        targets = [(tab, fate) for n, tab, w, fate in tabs if fate != "exit"]
        nsplits = args.splits if args.splits >= 0 else batch // 2
        for k in range(nsplits if targets else 0):
            target, tab_fate = rnd.choice(targets)
            fate = rnd.choice(["exit", "close-pane", "with-tab"])
            tag = f"p{panes_made}"
            panes_made += 1
            try:
                r = inst.request({"cmd": "split", "tab": target,
                                  "direction": rnd.choice(["right", "down"]),
                                  "command": tab_program(tag, args.lines // 4,
                                                         stays=(fate != "exit"))})
            except RuntimeError as e:
                if "too small to split" in str(e):
                    continue  # a window drew the target as a sliver: refused, as it should be
                raise
            if fate == "with-tab" and tab_fate == "close-window":
                fate = "with-window"
            panes.append((tag, r["pane"], fate))
            # The size the window would give it (a split of a split of a split… starts with
            # a sliver of its target's columns or lines), while it prints.
            try:
                inst.request({"cmd": "resize", "tab": r["pane"],
                              "cols": rnd.randint(40, 160), "lines": rnd.randint(10, 50)})
            except RuntimeError:
                pass  # it may have finished and closed already
            if fate != "exit":
                # A later split may split this pane (its tab's fate is its own).
                targets.append((r["pane"], tab_fate))
        # Every tab and pane that stays prints all its output before it is closed.
        staying = [(n, tab, w, fate) for n, tab, w, fate in tabs]
        staying += [(tag, pane, None, fate) for tag, pane, fate in panes]
        for n, tab, w, fate in staying:
            if fate == "exit":
                continue

            def printed(tab=tab, n=n):
                # The marker may have been wrapped at a narrow size before the resize came: the
                # whole history, lines joined.
                r = inst.request({"cmd": "get-text", "tab": tab, "scrollback": True})
                return f"done-{n}" in r["text"].replace("\n", "")
            wait_for(printed, args.timeout, f"tab {n}'s output")
        # The ledger of a full batch: every tab's figures and process tree.
        ledger = inst.request({"cmd": "stats", "tabs": True})
        if len(ledger["tabs"]) < before["tabs"]:
            raise RuntimeError(f"stats --tabs lists {len(ledger['tabs'])} tabs")
        if args.gui_windows:
            want = before["gl_contexts"] + nwin
            wait_for(lambda: stats()["gl_contexts"] >= want, args.timeout,
                     f"{nwin} windows to be shown")
            shown = stats()
            peak_contexts = max(peak_contexts, shown["gl_contexts"])
        actions = [("close-tab", tab) for n, tab, w, fate in tabs if fate == "close-tab"]
        actions += [("close-window", window_ids[w]) for w in range(nwin)
                    if window_fates[w] == "close-window"]
        actions += [("close-pane", pane) for tag, pane, fate in panes if fate == "close-pane"]
        rnd.shuffle(actions)
        for cmd, target in actions:
            if cmd == "close-pane":
                # Its tab (or window) may have been closed first, taking the pane with it.
                try:
                    inst.request({"cmd": "close-tab", "tab": target})
                except RuntimeError as e:
                    if "no tab" not in str(e):
                        raise
                continue
            key = "tab" if cmd == "close-tab" else "window"
            inst.request({"cmd": cmd, key: target})
        for n, tab, w, fate in tabs:
            ended[fate] += 1
        for tag, pane, fate in panes:
            panes_ended[fate] += 1
        subscribers.end()
        wait_for(lambda: (lambda s: s["tabs"] == before["tabs"]
                          and s.get("panes") == before.get("panes"))(stats()),
                 args.timeout, "the batch's tabs and panes to close")
        made += batch
    settled = ("tabs", "panes", "windows", "children")
    wait_for(lambda: (lambda s: all(s.get(k) == before.get(k) for k in settled))(stats()),
             args.timeout, "every tab, window and child to go")
    # Descriptors and handles of closed connections go a moment after their close.
    after = settled_stats()
    elapsed = time.time() - started
    print("stats after: ", json.dumps(after), flush=True)
    print(f"{made} tabs in {elapsed:.1f}s; ended by child exit {ended['exit']}, "
          f"close-tab {ended['close-tab']}, close-window {ended['close-window']}", flush=True)
    print(f"{panes_made} split panes; ended by child exit {panes_ended['exit']}, close-tab of the "
          f"pane {panes_ended['close-pane']}, with their tab {panes_ended['with-tab']}, with "
          f"their window {panes_ended['with-window']}", flush=True)
    if args.gui_windows:
        print(f"GL contexts: {before['gl_contexts']} before, {peak_contexts} at the peak, "
              f"{after['gl_contexts']} after", flush=True)
    # GL objects and contexts: 0 headless; in the GUI, each window's renderer must give its
    # programs, buffers, textures and context back.
    grew = [k for k in ("tabs", "panes", "windows", "slots", "uv_handles", "fds", "children",
                        "gl_objects", "gl_contexts", "gl_objects_orphaned", "subscribers")
            if after.get(k) != before.get(k)]
    if grew:
        for k in grew:
            print(f"LEAK: {k} went from {before[k]} to {after[k]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
