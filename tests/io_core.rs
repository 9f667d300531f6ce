//! The libuv I/O core with real PTYs and the real loop: output, input with back-pressure,
//! replies, fairness between tabs, child lifecycle.

mod common;

use std::time::{Duration, Instant};

use common::*;
use uvterm::io::{Command, IoConfig, IoEvent, WindowTarget};

const T: Duration = Duration::from_secs(10);

#[test]
fn output_reaches_the_terminal_and_exit_closes_the_tab() {
    let lp = start(IoConfig::default());
    let tab = lp
        .open(WindowTarget::New, spec("/bin/sh", &["-c", "printf 'one\\ntwo\\n'; exit 3"]))
        .unwrap();
    let ev = lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { .. }));
    assert_eq!(ev, IoEvent::TabClosed { tab: tab.id, window: tab.window, exit: Some(3) });
    assert!(screen(&tab).starts_with("one\ntwo\n"), "last output kept: {:?}", screen(&tab));
    lp.wait_event(T, |e| *e == IoEvent::WindowClosed(tab.window));
    let weak = std::sync::Arc::downgrade(&tab.shared);
    drop(tab);
    assert!(weak.upgrade().is_none(), "the terminal is dropped with its tab");
}

#[test]
fn input_is_delivered_whole_through_partial_writes() {
    // 4 MB through a PTY whose reader is slower than us: the write queue keeps what the PTY
    // does not take, the loop never blocks, nothing is lost.
    let lp = start(IoConfig::default());
    let tab = lp
        .open(
            WindowTarget::New,
            spec("/bin/sh", &["-c", "stty raw -echo; head -c 4000000 | wc -c"]),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..4 {
        lp.io.send(Command::Write { tab: tab.id, bytes: chunk.clone() }).unwrap();
    }
    // The loop still answers while megabytes are queued.
    let started = Instant::now();
    lp.io.stats().unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    lp.wait_event(Duration::from_secs(30), |e| matches!(e, IoEvent::TabClosed { .. }));
    assert!(screen(&tab).contains("4000000"), "{:?}", screen(&tab));
}

#[test]
fn terminal_replies_go_back_to_the_program() {
    let lp = start(IoConfig::default());
    // The program asks for status (DSR 5) and the cursor position, and prints what it got.
    let script = "stty raw -echo; printf '\\033[5n\\033[3;7H\\033[6n'; r=$(dd bs=1 count=10 2>/dev/null | od -An -c | tr -d ' \\n'); printf '\\033[10;1Hgot:%s\\n' \"$r\"";
    let tab = lp.open(WindowTarget::New, spec("/bin/sh", &["-c", script])).unwrap();
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { .. }));
    let text = screen(&tab);
    assert!(text.contains("got:033[0n033[3;7R"), "{text:?}");
}

#[test]
fn a_flooding_tab_does_not_starve_another() {
    let lp = start(IoConfig::default());
    let flood = lp.open(WindowTarget::New, spec("/usr/bin/yes", &["flooding"])).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let quiet = lp
        .open(WindowTarget::New, spec("/bin/sh", &["-c", "echo quiet-tab-output; sleep 5"]))
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(5), || screen(&quiet).contains("quiet-tab-output")),
        "the quiet tab's output was starved"
    );
    let latency = started.elapsed();
    assert!(latency < Duration::from_secs(3), "took {latency:?}");
    assert!(screen(&flood).contains("flooding"));
    lp.io.send(Command::CloseTab { tab: flood.id }).unwrap();
    lp.io.send(Command::CloseTab { tab: quiet.id }).unwrap();
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == flood.id));
}

/// A key written to a tab makes the other tabs' output wait for its echo, up to 3 ms
/// (`io::state::ECHO_WAIT`): keys to a program that never echoes (a password prompt) must
/// not hold floods back beyond that, and the floods go on being parsed between the keys.
#[test]
fn keys_to_a_tab_that_never_echoes_do_not_stall_floods() {
    let lp = start(IoConfig::default());
    let floods: Vec<_> = (0..2)
        .map(|_| lp.open(WindowTarget::New, spec("/usr/bin/yes", &["flooding"])).unwrap())
        .collect();
    let silent = lp
        .open(WindowTarget::New, spec("/bin/sh", &["-c", "stty -echo; echo ready; exec sleep 60"]))
        .unwrap();
    assert!(wait_until(T, || screen(&silent).contains("ready")));
    // Lines each flood has scrolled out so far (history plus what left it).
    let lines = |t: &uvterm::io::TabInfo| {
        let term = t.shared.term.lock().unwrap();
        term.grid().history_len() as u64 + term.grid().dropped()
    };
    for round in 0..20 {
        let before: Vec<u64> = floods.iter().map(lines).collect();
        for _ in 0..10 {
            lp.io.send(Command::Write { tab: silent.id, bytes: b"x".to_vec() }).unwrap();
        }
        // Answered after the keys above were carried out.
        lp.io.stats().unwrap();
        assert!(
            wait_until(T, || floods.iter().zip(&before).all(|(t, &b)| lines(t) > b)),
            "round {round}: a flood stopped being parsed while keys went to a silent tab"
        );
    }
    assert!(screen(&silent).contains("ready"), "no echo: {:?}", screen(&silent));
    for t in floods.iter().chain([&silent]) {
        lp.io.send(Command::CloseTab { tab: t.id }).unwrap();
    }
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == silent.id));
}

#[test]
fn a_child_ignoring_sighup_is_killed_and_reaped() {
    let config = IoConfig { kill_timeout: Duration::from_millis(300), ..IoConfig::default() };
    let lp = start(config);
    let tab = lp
        .open(
            WindowTarget::New,
            spec("/bin/sh", &["-c", "trap '' HUP; echo ready; while :; do sleep 1; done"]),
        )
        .unwrap();
    assert!(wait_until(T, || screen(&tab).contains("ready")));
    let pid = tab.pid;
    lp.io.send(Command::CloseTab { tab: tab.id }).unwrap();
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { .. }));
    assert!(wait_until(T, || lp.io.stats().unwrap().children == 0), "the child was never reaped");
    // Gone for good: not even a zombie.
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "pid {pid} still exists");
}

#[test]
fn a_missing_command_is_an_error() {
    let lp = start(IoConfig::default());
    let err = lp.open(WindowTarget::New, spec("no-such-command-here", &[])).unwrap_err();
    assert_eq!(err, "no-such-command-here: command not found");
    let stats = lp.io.stats().unwrap();
    assert_eq!((stats.tabs, stats.windows, stats.children), (0, 0, 0));
}

#[test]
fn resize_reaches_the_program() {
    let lp = start(IoConfig::default());
    let tab = lp
        .open(
            WindowTarget::New,
            spec(
                "/bin/sh",
                &["-c", "trap 'stty size' WINCH; echo ready; while :; do sleep 0.05; done"],
            ),
        )
        .unwrap();
    assert!(wait_until(T, || screen(&tab).contains("ready")));
    lp.io.send(Command::Resize { tab: tab.id, cols: 100, lines: 30 }).unwrap();
    assert!(wait_until(T, || screen(&tab).contains("30 100")), "{:?}", screen(&tab));
    assert_eq!(tab.shared.term.lock().unwrap().cols(), 100);
    lp.io.send(Command::CloseTab { tab: tab.id }).unwrap();
}

#[test]
fn no_descriptor_is_inherited_by_children() {
    let lp = start(IoConfig::default());
    let first = lp.open(WindowTarget::New, spec("/bin/sh", &["-c", "sleep 30"])).unwrap();
    // The second child lists its descriptors: only 0, 1, 2 (and the one ls opens).
    let second = lp
        .open(
            WindowTarget::New,
            spec("/bin/sh", &["-c", "ls /proc/self/fd | tr '\\n' ' '; echo; sleep 30"]),
        )
        .unwrap();
    assert!(wait_until(T, || screen(&second).starts_with("0 ")), "{:?}", screen(&second));
    let text = screen(&second);
    let fds: Vec<&str> = text.lines().next().unwrap_or("").split_whitespace().collect();
    assert_eq!(fds, ["0", "1", "2", "3"], "inherited descriptors: {text:?}");
    lp.io.send(Command::CloseTab { tab: first.id }).unwrap();
    lp.io.send(Command::CloseTab { tab: second.id }).unwrap();
}

#[test]
fn windows_group_tabs_and_close_together() {
    let lp = start(IoConfig::default());
    let a = lp.open(WindowTarget::New, spec("/bin/sh", &["-c", "sleep 30"])).unwrap();
    let b =
        lp.open(WindowTarget::Existing(a.window), spec("/bin/sh", &["-c", "sleep 30"])).unwrap();
    assert_eq!(a.window, b.window);
    let list = lp.io.list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].tabs.len(), 2);
    lp.io.send(Command::CloseWindow { window: a.window }).unwrap();
    lp.wait_event(T, |e| *e == IoEvent::WindowClosed(a.window));
    assert_eq!(lp.io.stats().unwrap().tabs, 0);
}
