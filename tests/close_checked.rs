//! Safe close on the I/O side (issue 16): a checked close of a tab or window closes at once
//! when its shell is at its prompt, and otherwise leaves everything open and answers
//! `IoEvent::ConfirmClose` naming what runs; `always` asks anyway; the last window asks when
//! it holds several tabs; a new tab opened from another starts in its directory. A real
//! libuv loop and real PTYs, no window.

mod common;

use std::time::Duration;

use common::*;
use uvterm::io::{Command, IoConfig, IoEvent, OpenTab, Request, WindowTarget};

const T: Duration = Duration::from_secs(10);

fn shell(l: &Loop, window: WindowTarget) -> uvterm::io::TabInfo {
    let tab = l.open(window, spec("sh", &[])).expect("open sh");
    // The prompt is up: the shell is in the foreground of its terminal.
    assert!(wait_until(T, || screen(&tab).contains('$') || screen(&tab).contains('#')));
    tab
}

fn request(l: &Loop, request: Request) {
    l.io.send(Command::Request(request)).expect("the loop runs");
}

/// Whether `pid` has a child process called `name` (`/proc/PID/task/PID/children`).
fn child_named(pid: i32, name: &str) -> bool {
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    children
        .split_whitespace()
        .any(|c| std::fs::read_to_string(format!("/proc/{c}/comm")).is_ok_and(|n| n.trim() == name))
}

fn tabs_open(l: &Loop) -> usize {
    l.io.stats().expect("stats").tabs
}

#[test]
fn a_busy_tab_is_asked_about_an_idle_one_closes() {
    let l = start(IoConfig::default());
    let idle = shell(&l, WindowTarget::New);
    let busy = l
        .open(WindowTarget::Existing(idle.window), spec("bash", &["--norc", "--noprofile"]))
        .expect("open bash");
    assert!(wait_until(T, || screen(&busy).contains('$') || screen(&busy).contains('#')));
    l.io.send(Command::Write { tab: busy.id, bytes: b"sleep 1000\n".to_vec() }).unwrap();
    // Until sleep runs (the shell forked it and gave it the terminal's foreground).
    assert!(
        wait_until(T, || child_named(busy.pid, "sleep")),
        "sleep never started:\n{}",
        screen(&busy)
    );
    request(&l, Request::CloseTabChecked { tab: busy.id, pane: false, always: false });
    let e =
        l.wait_event(T, |e| matches!(e, IoEvent::ConfirmClose { .. } | IoEvent::TabClosed { .. }));
    let asked = match e {
        IoEvent::ConfirmClose { program, tab, .. } => {
            assert_eq!(tab, Some(busy.id));
            program
        }
        other => panic!("closed while sleep ran: {other:?}"),
    };
    assert_eq!(asked.as_deref(), Some("sleep"), "the question names the program");
    assert_eq!(tabs_open(&l), 2, "asking closed nothing");
    // The window with a busy tab is asked about too, with its tab count.
    request(&l, Request::CloseWindowChecked { window: idle.window, always: false });
    let e = l.wait_event(T, |e| matches!(e, IoEvent::ConfirmClose { .. }));
    assert_eq!(
        e,
        IoEvent::ConfirmClose {
            window: idle.window,
            tab: None,
            pane: false,
            program: Some("sleep".into()),
            tabs: 2
        }
    );
    // `always` asks about an idle tab; without it, the idle tab closes at once.
    request(&l, Request::CloseTabChecked { tab: idle.id, pane: false, always: true });
    let e = l.wait_event(T, |e| matches!(e, IoEvent::ConfirmClose { .. }));
    assert!(matches!(e, IoEvent::ConfirmClose { program: None, tab: Some(t), .. } if t == idle.id));
    request(&l, Request::CloseTabChecked { tab: idle.id, pane: false, always: false });
    l.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == idle.id));
    // The plain close (what Enter sends, and `msg close-tab`) never asks.
    request(&l, Request::CloseTab { tab: busy.id });
    l.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == busy.id));
    assert!(wait_until(T, || tabs_open(&l) == 0));
}

#[test]
fn the_last_window_asks_when_it_holds_several_tabs() {
    let l = start(IoConfig::default());
    let a = shell(&l, WindowTarget::New);
    let _b = shell(&l, WindowTarget::Existing(a.window));
    request(&l, Request::CloseWindowChecked { window: a.window, always: false });
    let e = l.wait_event(T, |e| matches!(e, IoEvent::ConfirmClose { .. }));
    assert_eq!(
        e,
        IoEvent::ConfirmClose { window: a.window, tab: None, pane: false, program: None, tabs: 2 }
    );
    // Another window with one idle tab closes at once.
    let c = shell(&l, WindowTarget::New);
    request(&l, Request::CloseWindowChecked { window: c.window, always: false });
    l.wait_event(T, |e| matches!(e, IoEvent::WindowClosed(w) if *w == c.window));
    assert_eq!(tabs_open(&l), 2);
}

#[test]
fn a_tab_opened_from_another_starts_in_its_directory() {
    let l = start(IoConfig::default());
    let from = shell(&l, WindowTarget::New);
    let dir = std::env::temp_dir().join(format!("uvterm-inherit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cd = format!("cd '{}'\n", dir.display());
    l.io.send(Command::Write { tab: from.id, bytes: cd.into_bytes() }).unwrap();
    assert!(wait_until(T, || std::fs::read_link(format!("/proc/{}/cwd", from.pid))
        .is_ok_and(|p| p == dir)));
    let open = OpenTab {
        window: WindowTarget::Existing(from.window),
        spec: spec("sh", &[]),
        activation_token: None,
    };
    request(&l, Request::OpenTabInheriting { open, from: from.id });
    let e = l.wait_event(T, |e| matches!(e, IoEvent::TabOpened { tab, .. } if *tab != from.id));
    let IoEvent::TabOpened { shared, .. } = e else { unreachable!() };
    let list = l.io.list().unwrap();
    let new = list[0].tabs.iter().find(|t| t.id == shared.0.id).expect("listed");
    assert_eq!(new.cwd.as_deref(), dir.to_str(), "listed in the inherited directory");
    let cwd = std::fs::read_link(format!("/proc/{}/cwd", new.pid)).unwrap();
    assert_eq!(cwd, dir);
    // Naming a tab that is not there is refused, not a panic.
    request(
        &l,
        Request::OpenTabInheriting {
            open: OpenTab {
                window: WindowTarget::New,
                spec: spec("sh", &[]),
                activation_token: None,
            },
            from: uvterm::io::TabId(999_999),
        },
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(l.io.list().unwrap().len(), 1, "no window for a refused request");
    let _ = std::fs::remove_dir_all(&dir);
}
