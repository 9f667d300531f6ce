//! The resource ledger (`msg stats --tabs`), the memory budgets and the event stream
//! (`msg subscribe`), against the real `uvterm --headless` daemon: real programs in real
//! PTYs, the real Unix socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "common/daemon.rs"]
mod daemon;

use daemon::{BIN, Daemon, wait_for};

fn ledger(d: &Daemon) -> Value {
    let v = d.request(r#"{"cmd":"stats","tabs":true}"#);
    assert_eq!(v["ok"], true, "{v}");
    v
}

fn stats(d: &Daemon) -> Value {
    let v = d.request(r#"{"cmd":"stats"}"#);
    assert_eq!(v["ok"], true, "{v}");
    v
}

fn tab_of(ledger: &Value, id: u64) -> Option<Value> {
    ledger["tabs"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned()
}

fn open(d: &Daemon, command: &[&str]) -> u64 {
    let v = d.request(&serde_json::json!({"cmd": "create-tab", "command": command}).to_string());
    assert_eq!(v["ok"], true, "{v}");
    v["tab"].as_u64().unwrap()
}

/// A raw subscriber: the request sent, the acknowledgement read.
fn subscribe(d: &Daemon, events: &[&str]) -> (UnixStream, BufReader<UnixStream>) {
    let mut s = UnixStream::connect(&d.socket).unwrap();
    let req = serde_json::json!({"cmd": "subscribe", "events": events});
    s.write_all(format!("{req}\n").as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut ack = String::new();
    reader.read_line(&mut ack).unwrap();
    let ack: Value = serde_json::from_str(&ack).unwrap();
    assert_eq!(ack["ok"], true, "{ack}");
    (s, reader)
}

/// The daemon's slots, handles and descriptors (from its own stats) once they settle.
fn settled_counts(d: &Daemon, want: Option<(u64, u64, u64)>) -> (u64, u64, u64) {
    let read = || {
        let s = stats(d);
        // The stats connection itself is one descriptor, one slot, one handle plus timer.
        (
            s["slots"].as_u64().unwrap(),
            s["uv_handles"].as_u64().unwrap(),
            s["fds"].as_u64().unwrap(),
        )
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = read();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = read();
        let done = match want {
            Some(w) => now == w,
            None => now == last,
        };
        if done || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

#[test]
fn every_event_kind_comes_from_a_real_program() {
    let d = Daemon::start_with(
        "events",
        &[
            "-o",
            "events.silence_ms=300",
            "-o",
            "events.heap_threshold=1000000",
            // Plain history, so 20,000 short lines surely cross the threshold.
            "-o",
            "scrollback.compress=false",
        ],
    );
    let (_s, mut events) = subscribe(&d, &[]);
    // Each sequence from the program itself: title, cwd, bell, three notification protocols,
    // OSC 133 C and D with status 3, a pause (silence, then activity), 20,000 lines (its heap
    // crosses the threshold), then exit 4.
    let script = r#"printf '\033]2;hello\007\033]7;file:///tmp\007\007'
printf '\033]9;nine\007\033]777;notify;Title;Body\007\033]99;i=1:d=0;kit\033\\\033]99;i=1:p=body;ty\033\\'
printf '\033]133;C\007'; sleep 0.5; printf '\033]133;D;3\007'
sleep 0.8; seq 1 20000; sleep 0.8; exit 4"#;
    let tab = open(&d, &["/bin/sh", "-c", script]);
    let mut seen: Vec<Value> = Vec::new();
    loop {
        let mut line = String::new();
        let n = events.read_line(&mut line).expect("events keep coming until the tab closes");
        assert!(n > 0, "the stream ended early; seen: {seen:?}");
        let v: Value = serde_json::from_str(&line).unwrap();
        let done = v["event"] == "window-closed";
        seen.push(v);
        if done {
            break;
        }
    }
    let find = |kind: &str| -> Value {
        seen.iter()
            .find(|e| e["event"] == kind)
            .unwrap_or_else(|| panic!("no {kind} event in {seen:#?}"))
            .clone()
    };
    for kind in [
        "tab-opened",
        "title-changed",
        "cwd-changed",
        "bell",
        "notification",
        "command-started",
        "command-finished",
        "child-exited",
        "silence",
        "activity",
        "resource-threshold",
        "tab-closed",
    ] {
        assert_eq!(find(kind)["tab"], tab, "{kind} names its tab");
    }
    find("window-opened");
    assert_eq!(find("title-changed")["title"], "hello");
    assert_eq!(find("cwd-changed")["cwd"], "/tmp");
    let notes: Vec<&Value> = seen.iter().filter(|e| e["event"] == "notification").collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(
        (notes[0]["protocol"].as_str(), notes[0]["body"].as_str()),
        (Some("osc9"), Some("nine"))
    );
    assert_eq!(
        (notes[1]["title"].as_str(), notes[1]["body"].as_str()),
        (Some("Title"), Some("Body"))
    );
    assert_eq!(
        (notes[2]["protocol"].as_str(), notes[2]["title"].as_str(), notes[2]["body"].as_str()),
        (Some("osc99"), Some("kit"), Some("ty"))
    );
    let finished = find("command-finished");
    assert_eq!(finished["exit_status"], 3);
    assert!(finished["duration_ms"].as_u64().is_some(), "{finished}");
    assert_eq!(find("child-exited")["status"], 4);
    let threshold = find("resource-threshold");
    assert_eq!(
        (threshold["resource"].as_str(), threshold["above"].as_bool()),
        (Some("heap"), Some(true))
    );
    assert!(threshold["value"].as_u64().unwrap() > 1_000_000);
    // Opened before closed, and the window after its last tab.
    let pos = |k: &str| seen.iter().position(|e| e["event"] == k).unwrap();
    assert!(pos("tab-opened") < pos("title-changed") && pos("tab-closed") < pos("window-closed"));
}

#[test]
fn a_filtered_subscription_gets_only_its_kinds_and_msg_subscribe_prints_lines() {
    let d = Daemon::start("events-filter");
    let mut client = Command::new(BIN)
        .args(["msg", "subscribe", "--events", "bell,tab-closed"])
        .env("UVTERM_SOCKET", &d.socket)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(10, "the subscriber", || (stats(&d)["subscribers"] == 1).then_some(()));
    let tab = open(&d, &["/bin/sh", "-c", "printf '\\033]2;x\\007\\007'; sleep 0.3"]);
    let mut out = BufReader::new(client.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        lines.push(serde_json::from_str::<Value>(&l).unwrap());
    }
    assert_eq!(lines[0], serde_json::json!({"event": "bell", "tab": tab}));
    assert_eq!(lines[1]["event"], "tab-closed");
    d.msg(&["shutdown"]);
    // Shutdown closes the stream: the client ends with success.
    assert!(client.wait().unwrap().success());
    // Unknown kinds are refused before anything is held.
    let refused = Command::new(BIN)
        .args(["msg", "subscribe", "--events", "bell,nope"])
        .env("UVTERM_SOCKET", &d.socket)
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

#[test]
fn ten_thousand_lines_of_scrollback_cost_cells_times_eight_and_go_back() {
    // Plain history: the figure is cells × 8 (compressed history is measured by the core's
    // own tests).
    let d = Daemon::start_with("ledger-heap", &["-o", "scrollback.compress=false"]);
    let tab = open(&d, &["/bin/sh"]);
    let base = wait_for(10, "the tab in the ledger", || tab_of(&ledger(&d), tab));
    let base_heap = base["heap_bytes"].as_u64().unwrap();
    let alloc_before = ledger(&d)["totals"]["heap_bytes"].as_u64().unwrap();
    d.request(&format!(r#"{{"cmd":"send-text","tab":{tab},"text":"seq 1 10100\n"}}"#));
    let full = wait_for(30, "10,000 lines of history", || {
        tab_of(&ledger(&d), tab).filter(|t| t["scrollback_lines"] == 10_000)
    });
    let l = ledger(&d);
    let heap = full["heap_bytes"].as_u64().unwrap();
    let cells = (10_000 + 24) * 80 * 8u64;
    // Cells × 8 bytes, plus at most 64 bytes of row overhead (header, spare capacity) a row.
    assert!(heap >= cells, "heap {heap} < cells×8 {cells}");
    assert!(heap <= cells + 10_024 * 64, "heap {heap} is more than cells×8 {cells} + row overhead");
    // The allocator's growth matches the tab's within 10% + 1 MiB (the shell's own buffers,
    // the ledger's strings, allocator rounding).
    let alloc_growth = l["totals"]["heap_bytes"].as_u64().unwrap() as i64 - alloc_before as i64;
    let tab_growth = heap as i64 - base_heap as i64;
    let margin = tab_growth / 10 + (1 << 20);
    eprintln!(
        "10,000 lines × 80 columns: heap {heap} B (cells × 8 = {cells} B, {:.2} B a cell); \
         allocator grew {alloc_growth} B, the tab's figure {tab_growth} B",
        heap as f64 / ((10_024 * 80) as f64)
    );
    assert!(
        (alloc_growth - tab_growth).abs() <= margin,
        "allocator grew {alloc_growth}, the tab's figure {tab_growth} (margin {margin})"
    );
    let t = &l["totals"];
    assert_eq!(
        t["unaccounted_heap_bytes"].as_i64().unwrap(),
        t["heap_bytes"].as_i64().unwrap() - t["tabs_heap_bytes"].as_i64().unwrap()
    );
    assert_eq!(full["fds"], 1);
    assert!(full["uv_handles"].as_u64().unwrap() >= 1);
    assert!(full["processes"][0]["comm"] == "sh", "{}", full["processes"]);
    // ED 3 clears the history: back to the screen's rows.
    d.request(&format!(
        r#"{{"cmd":"send-text","tab":{tab},"text":"printf '\\e[H\\e[2J\\e[3J'\n"}}"#
    ));
    let cleared = wait_for(10, "the history cleared", || {
        tab_of(&ledger(&d), tab).filter(|t| t["scrollback_lines"] == 0)
    });
    let after = cleared["heap_bytes"].as_u64().unwrap();
    assert!(after <= base_heap + 24 * 80 * 8, "after ED 3: {after}, base {base_heap}");
    d.request(&format!(r#"{{"cmd":"close-tab","tab":{tab}}}"#));
    wait_for(10, "the tab gone", || tab_of(&ledger(&d), tab).is_none().then_some(()));
    assert_eq!(ledger(&d)["totals"]["tabs_heap_bytes"], 0);
}

#[test]
fn a_flood_is_compressed_once_its_output_pauses_and_its_timer_goes() {
    // Compression on (the default): the I/O thread leaves a flood's history plain while it
    // flows and compresses it once the tab has been quiet for a moment, then closes the timer.
    let d = Daemon::start_with("ledger-defer", &[]);
    let tab = open(&d, &["/bin/sh"]);
    wait_for(10, "the tab in the ledger", || tab_of(&ledger(&d), tab));
    let counts_before = settled_counts(&d, None);
    // 30,000 lines through a 10,000-line scrollback.
    d.request(&format!(r#"{{"cmd":"send-text","tab":{tab},"text":"seq 1 30000\n"}}"#));
    wait_for(30, "10,000 lines of history", || {
        tab_of(&ledger(&d), tab).filter(|t| t["scrollback_lines"] == 10_000)
    });
    let plain_cells = 10_000 * 80 * 8u64;
    let started = Instant::now();
    let t = wait_for(20, "the history compressed", || {
        tab_of(&ledger(&d), tab).filter(|t| {
            let p = &t["heap_parts"];
            p["compressed"].as_u64() > Some(0)
                && p["scrollback"].as_u64() < Some(plain_cells / 8)
                // Its PTY's poll handle only: the compression's timer (and the title's) closed.
                && t["uv_handles"] == 1
        })
    });
    let parts = &t["heap_parts"];
    eprintln!(
        "10,000 lines after a 30,000-line flood, {} ms after the history filled: plain {} B, \
         compressed {} B",
        started.elapsed().as_millis(),
        parts["scrollback"],
        parts["compressed"]
    );
    // Everything but the hot rows (256 lines) and a part block is compressed: a short
    // `seq` line costs far under a byte a cell.
    assert!(parts["compressed"].as_u64().unwrap() < plain_cells / 20, "{t}");
    assert_eq!(t["scrollback_lines"], 10_000);
    // The tab's text is intact: the history still starts 10,000 lines above the prompt.
    let out = d.msg(&["get-text", &tab.to_string(), "--scrollback"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.iter().any(|l| l.trim() == "30000"), "the last line of the flood is kept");
    assert!(lines.iter().any(|l| l.trim() == "20100"), "lines 10,000 back are kept");
    assert!(!lines.iter().any(|l| l.trim() == "100"), "the oldest lines went");
    // No timer or handle is left behind.
    assert_eq!(settled_counts(&d, Some(counts_before)), counts_before);
}

#[test]
fn output_slower_than_a_flood_is_compressed_while_it_flows() {
    // 100 lines every 30 ms (about 3,000 lines a second, under the flood rate) for about
    // 6 s: the history is compressed while the program still writes, not only at its end.
    let d = Daemon::start_with("ledger-slow", &[]);
    let script = "for i in $(seq 1 200); do seq 1 100; sleep 0.03; done; echo DONE; exec sleep 60";
    let tab = open(&d, &["/bin/sh", "-c", script]);
    let t = wait_for(20, "compressed history", || {
        tab_of(&ledger(&d), tab).filter(|t| t["heap_parts"]["compressed"].as_u64() > Some(0))
    });
    let out = d.msg(&["get-text", &tab.to_string()]);
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(!screen.contains("DONE"), "compressed only after the output ended: {t}");
    let lines = t["scrollback_lines"].as_u64().unwrap();
    eprintln!("compressed while writing, at {lines} lines of history: {}", t["heap_parts"]);
    assert!(lines < 20_000, "{t}");
}

#[test]
fn yes_shows_in_its_own_tabs_bytes_and_cpu_only() {
    let d = Daemon::start("ledger-yes");
    let busy = open(&d, &["yes"]);
    let idle = open(&d, &["/bin/sleep", "60"]);
    let l = wait_for(30, "yes to write 4 MiB", || {
        let l = ledger(&d);
        let read = tab_of(&l, busy)?["pty_bytes_read"].as_u64()?;
        (read > 4 << 20).then_some(l)
    });
    let (b, i) = (tab_of(&l, busy).unwrap(), tab_of(&l, idle).unwrap());
    assert_eq!(i["pty_bytes_read"], 0, "{i}");
    assert_eq!(i["parse_ns"], 0);
    assert!(b["parse_ns"].as_u64().unwrap() > 0);
    assert_eq!(b["processes"][0]["comm"], "yes");
    assert_eq!(i["processes"][0]["comm"], "sleep");
    let busy_cpu = b["processes_cpu_ms"].as_u64().unwrap();
    assert!(busy_cpu > i["processes_cpu_ms"].as_u64().unwrap(), "{b} vs {i}");
    assert!(b["processes_rss_bytes"].as_u64().unwrap() > 0);
    // `msg top --once` shows both, the larger heap first.
    let out = d.msg(&["top", "--once"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 4, "{text}");
}

#[test]
fn budgets_trim_history_and_the_ledger_says_so() {
    // Plain history, so the bounds are reached by few lines (the policy does not depend on
    // the codec).
    let plain = ["-o", "scrollback.compress=false"];
    let d =
        Daemon::start_with("budget", &[&plain[..], &["-o", "scrollback.max_bytes=1MiB"]].concat());
    let (_s, mut events) = subscribe(&d, &["trimmed"]);
    let tab = open(&d, &["/bin/sh", "-c", "seq 1 20000; exec sleep 60"]);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    let trimmed: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (trimmed["tab"].as_u64(), trimmed["reason"].as_str()),
        (Some(tab), Some("scrollback.max_bytes"))
    );
    let t = wait_for(20, "the output read", || {
        tab_of(&ledger(&d), tab).filter(|t| t["pty_bytes_read"].as_u64() >= Some(108_894))
    });
    assert!(t["trimmed_lines"].as_u64().unwrap() > 0, "{t}");
    assert!(t["trimmed_bytes"].as_u64().unwrap() > 0, "{t}");
    // Checked every 1024 new history rows (or 64 KiB of output): the history is at most that
    // many 80-column rows over the bound; the screen and side tables come on top.
    let history = t["heap_parts"]["scrollback"].as_u64().unwrap();
    assert!(history <= (1 << 20) + 1024 * (80 * 8 + 32), "{t}");
    assert_eq!(ledger(&d)["totals"]["scrollback_max_bytes"], 1 << 20);

    // The process budget: the largest background tab gives first.
    let d = Daemon::start_with("budget-all", &[&plain[..], &["-o", "memory.budget=4MiB"]].concat());
    // 5,000 lines of 80 columns: about 3.3 MiB, under the budget; 3,000 more in another tab
    // go over it.
    let big = open(&d, &["/bin/sh", "-c", "seq 1 5000; exec sleep 60"]);
    wait_for(20, "the big tab's history", || {
        tab_of(&ledger(&d), big).filter(|t| t["scrollback_lines"].as_u64() > Some(4900))
    });
    assert_eq!(tab_of(&ledger(&d), big).unwrap()["trimmed_lines"], 0);
    let small = open(&d, &["/bin/sh", "-c", "seq 1 3000; exec sleep 60"]);
    let l = wait_for(20, "a trim", || {
        let l = ledger(&d);
        (tab_of(&l, big)?["trimmed_lines"].as_u64()? > 0).then_some(l)
    });
    assert_eq!(tab_of(&l, small).unwrap()["trimmed_lines"], 0, "{l}");
    // Checked at the same checkpoints: the small tab may have written up to that many rows
    // since the trim (in a fresh chroot the ledger was read 566 rows after it).
    let bound = (4 << 20) + 1024 * (80 * 8 + 32);
    assert!(l["totals"]["tabs_heap_bytes"].as_u64().unwrap() <= bound, "{l}");
}

#[test]
fn subscribers_come_and_go_leaving_nothing_behind() {
    let d = Daemon::start("sub-churn");
    // Warm up: one subscriber and one tab, so lazily made things exist before the baseline.
    drop(subscribe(&d, &[]));
    let warm = open(&d, &["/bin/true"]);
    wait_for(10, "the warm-up tab gone", || tab_of(&ledger(&d), warm).is_none().then_some(()));
    let base = settled_counts(&d, None);
    let base_fds = d.baseline();
    for _ in 0..10_000 {
        let (s, _r) = subscribe(&d, &["bell"]);
        drop(s);
    }
    assert_eq!(settled_counts(&d, Some(base)), base, "slots, handles, fds after 10,000 cycles");
    assert_eq!(d.settle(base_fds), base_fds);

    // 100 `msg subscribe` processes killed mid-stream, while a tab keeps changing its title.
    let title_loop = |pad: usize, pause: &str| {
        format!(
            "pad=$(printf '%{pad}s' x); i=0; while :; do i=$((i+1)); \
             printf '\\033]2;%d%s\\007' $i \"$pad\"; sleep {pause}; done"
        )
    };
    let mut clients: Vec<std::process::Child> = (0..100)
        .map(|_| {
            Command::new(BIN)
                .args(["msg", "subscribe"])
                .env("UVTERM_SOCKET", &d.socket)
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for(20, "100 subscribers", || (stats(&d)["subscribers"] == 100).then_some(()));
    let tab = open(&d, &["/bin/sh", "-c", &title_loop(100, "0.01")]);
    std::thread::sleep(Duration::from_millis(500));
    for c in &mut clients {
        let _ = c.kill();
    }
    for c in &mut clients {
        let _ = c.wait();
    }
    d.request(&format!(r#"{{"cmd":"close-tab","tab":{tab}}}"#));
    wait_for(10, "the tab gone", || tab_of(&ledger(&d), tab).is_none().then_some(()));
    wait_for(10, "no subscribers", || (stats(&d)["subscribers"] == 0).then_some(()));
    assert_eq!(settled_counts(&d, Some(base)), base, "slots, handles, fds after the kills");
    assert_eq!(d.settle(base_fds), base_fds);

    // A subscriber that never reads is dropped with a final error line, its queue bounded.
    let (slow, mut slow_reader) = subscribe(&d, &["title-changed"]);
    let tab = open(&d, &["/bin/sh", "-c", &title_loop(4000, "0.002")]);
    // Not reading for a while: the queue fills and the subscriber is dropped; it then has
    // SLOW_SUBSCRIBER_DRAIN_MS to take what was queued and the final line.
    std::thread::sleep(Duration::from_secs(4));
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut rest = String::new();
    slow_reader.read_to_string(&mut rest).expect("the slow reader's stream ends");
    let last: Value = serde_json::from_str(rest.lines().last().unwrap()).unwrap();
    assert_eq!(last["ok"], false);
    assert!(last["error"].as_str().unwrap().contains("too slow"), "{last}");
    // What it was sent is bounded by the queue (plus what the socket buffers hold).
    assert!(rest.len() < 16 << 20, "{} bytes queued for a reader that never read", rest.len());
    drop(slow);
    d.request(&format!(r#"{{"cmd":"close-tab","tab":{tab}}}"#));
    wait_for(10, "the tab gone", || tab_of(&ledger(&d), tab).is_none().then_some(()));
    assert_eq!(settled_counts(&d, Some(base)), base, "slots, handles, fds after the slow reader");
    assert_eq!(d.settle(base_fds), base_fds);
}

/// A burst of title changes (and bells, and notifications) in a tab: each read reports the
/// title it left once (never an earlier OSC's slot filled with a later title), so a reader
/// that keeps up is never dropped, the last event carries the final title, and a burst of
/// notifications is bounded per read.
#[test]
fn bursts_of_titles_are_reported_once_per_read_and_keep_readers() {
    let d = Daemon::start("title-burst");
    let (_s, mut events) = subscribe(&d, &["title-changed", "bell", "notification"]);
    let script = "i=0; while [ $i -lt 20000 ]; do printf '\\033]2;t%d\\007\\007\\033]9;n%d\\007' \
                  $i $i; i=$((i+1)); done; printf '\\033]2;done\\007'; sleep 30";
    let tab = open(&d, &["sh", "-c", script]);
    let (mut titles, mut bells, mut notes) = (Vec::new(), 0usize, 0usize);
    loop {
        let mut line = String::new();
        events.read_line(&mut line).expect("the subscriber keeps up and is never dropped");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_ne!(v["ok"], false, "dropped: {v}");
        assert_eq!(v["tab"], tab, "{v}");
        match v["event"].as_str() {
            Some("title-changed") => {
                let t = v["title"].as_str().unwrap().to_owned();
                if t == "done" {
                    break;
                }
                titles.push(t);
            }
            Some("bell") => bells += 1,
            Some("notification") => notes += 1,
            other => panic!("unexpected {other:?}: {v}"),
        }
    }
    // Titles only move forward: t0..t19999 in order, none reported twice in a row.
    let numbers: Vec<u32> = titles.iter().map(|t| t[1..].parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "titles in order, no repeats");
    assert!(!numbers.is_empty() && numbers.len() <= 20_000);
    assert!(bells >= 1 && bells <= numbers.len() + 1, "{bells} bells for {} reads", numbers.len());
    assert!(notes <= 8 * (numbers.len() + 1), "{notes} notifications");
}

/// The ledger names each tab as the tab bar and `list` do: its foreground process when the
/// program set no title, the user's name once it has one.
#[test]
fn the_ledger_titles_tabs_as_the_tab_bar_does() {
    let d = Daemon::start("ledger-title");
    let tab = open(&d, &["sleep", "30"]);
    let title = |d: &Daemon| tab_of(&ledger(d), tab).map(|t| t["title"].clone());
    wait_for(10, "the foreground process's name", || (title(&d)? == "sleep").then_some(()));
    let named = d.msg(&["set-tab-title", &tab.to_string(), "My Tab"]);
    assert!(named.status.success(), "{}", String::from_utf8_lossy(&named.stderr));
    wait_for(10, "the user's name", || (title(&d)? == "My Tab").then_some(()));
    let listed = d.request(r#"{"cmd":"list"}"#);
    let in_list = listed["windows"][0]["tabs"]
        .as_array()
        .and_then(|tabs| tabs.iter().find(|t| t["id"] == tab).cloned());
    assert_eq!(in_list.map(|t| t["title"].clone()), title(&d), "{listed}");
}
