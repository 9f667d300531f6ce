//! Windows give their GL context and objects back however and whenever they close: when the
//! program exits before the first frame, when opened and closed back to back, while unmapped
//! (hidden), and while the X server is stalled (`SIGSTOP`), so the UI thread blocks in its X
//! calls while the I/O thread closes the windows and the events pile up. The UI thread may lag
//! the I/O thread by any amount (a fresh machine under valgrind lagged by minutes); each check
//! waits until the UI has handled every event (`stats.ui_backlog` 0), then compares windows,
//! GL contexts and objects, descriptors, slots and handles with the baseline.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use serde_json::Value;
use x11::*;

const KEYS: [&str; 9] = [
    "tabs",
    "windows",
    "slots",
    "uv_handles",
    "fds",
    "children",
    "gl_objects",
    "gl_contexts",
    "gl_objects_orphaned",
];

/// `stats` once the UI has caught up and two readings in a row agree.
fn settled(gui: &Gui) -> Value {
    let backlog = || gui.json(&["stats"])["ui_backlog"].as_u64();
    assert!(
        wait_until(Duration::from_secs(120), || backlog() == Some(0)),
        "the UI never handled its events (ui_backlog {:?}); stderr: {}",
        backlog(),
        gui.stderr()
    );
    let mut a = gui.json(&["stats"]);
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(250));
        let b = gui.json(&["stats"]);
        if KEYS.iter().all(|k| a[k] == b[k]) && b["ui_backlog"] == 0 {
            return b;
        }
        a = b;
    }
    a
}

/// Every count back at the baseline once the windows opened by `what` are gone.
fn at_baseline(gui: &Gui, base: &Value, what: &str) {
    assert!(
        wait_until(Duration::from_secs(60), || {
            let s = gui.json(&["stats"]);
            s["tabs"] == base["tabs"]
                && s["windows"] == base["windows"]
                && s["children"] == base["children"]
        }),
        "{what}: tabs/windows/children never came back; stderr: {}",
        gui.stderr()
    );
    let after = settled(gui);
    for k in KEYS {
        assert_eq!(after[k], base[k], "{what}: {k} went from {} to {}", base[k], after[k]);
    }
}

/// `create-window -e ARGS…`: the new window's id.
fn open_window(gui: &Gui, args: &[&str]) -> String {
    let mut cmd = vec!["create-window", "-e"];
    cmd.extend_from_slice(args);
    let out = gui.msg(&cmd);
    assert!(out.status.success(), "create-window: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace().next().expect("create-window prints WINDOW TAB").to_string()
}

#[test]
fn windows_closed_in_every_order_give_their_gl_back() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "lifecycle", &["-e", "sh", "-c", "exec sleep 3600"]);
    gui.window();
    let base = settled(&gui);
    assert_eq!(base["gl_contexts"], 1, "one window, one context: {base}");
    assert!(base["gl_objects"].as_u64().unwrap_or(0) > 0, "the renderer's objects are counted");

    // The program exits at once: the window is opened and closed in one burst of events,
    // most often before its first frame.
    for _ in 0..5 {
        open_window(&gui, &["true"]);
    }
    at_baseline(&gui, &base, "program exits at once");

    // Opened and closed by two requests back to back.
    for _ in 0..5 {
        let id = open_window(&gui, &["sleep", "100"]);
        assert!(gui.msg(&["close-window", &id]).status.success());
    }
    at_baseline(&gui, &base, "closed right after opening");

    // Shown, drawn, then unmapped (hidden), given output to draw while hidden, and closed.
    let id = open_window(&gui, &["sh", "-c", "read x; echo hidden-output; exec sleep 100"]);
    let shown = gui.window_n(1);
    let xid = shown["geometry"]["x11_window"].as_u64().expect("x11 window id").to_string();
    let tab = shown["tabs"][0]["id"].as_u64().expect("tab id");
    assert!(gui.xdotool(&["windowunmap", "--sync", &xid]).status.success());
    assert!(gui.msg(&["send-text", &tab.to_string(), "go\\n"]).status.success());
    gui.wait_text(tab, "hidden-output");
    assert!(gui.msg(&["close-window", &id]).status.success());
    at_baseline(&gui, &base, "closed while hidden");

    // The X server stalls: the UI thread blocks in X while the I/O thread opens and closes
    // windows (by request, by program exit, by closing their last tab).
    x.signal(libc::SIGSTOP);
    let a = open_window(&gui, &["sleep", "100"]);
    open_window(&gui, &["true"]);
    let c = open_window(&gui, &["sleep", "100"]);
    assert!(gui.msg(&["close-window", &a]).status.success());
    let tabs = gui.json(&["list"]);
    let last_tab = tabs["windows"]
        .as_array()
        .and_then(|ws| {
            ws.iter()
                .find(|w| w["id"].as_u64().map(|i| i.to_string()).as_deref() == Some(c.as_str()))
        })
        .and_then(|w| w["tabs"][0]["id"].as_u64());
    if let Some(t) = last_tab {
        assert!(gui.msg(&["close-tab", &t.to_string()]).status.success());
    }
    std::thread::sleep(Duration::from_millis(1500));
    let stalled = gui.json(&["stats"]);
    x.signal(libc::SIGCONT);
    at_baseline(&gui, &base, "closed while the X server was stalled");
    // The stall really held the UI back: events were still waiting while X was stopped.
    assert!(
        stalled["ui_backlog"].as_u64().unwrap_or(0) > 0,
        "the UI handled everything while X was stopped?: {stalled}"
    );
}

/// A title, a bell and the like reach the UI coalesced, in one `TabEvents` wake that the
/// backlog counts once; handling the events inside it must not count them again (the backlog
/// would wrap below 0 and never settle).
#[test]
fn coalesced_tab_events_leave_the_backlog_at_zero() {
    let x = Xvfb::start();
    let gui = Gui::start(
        &x,
        "coalesced",
        &["-e", "sh", "-c", "printf '\\033]2;coalesced-title\\007\\a'; exec sleep 3600"],
    );
    let xid = gui.window()["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    assert!(
        wait_until(Duration::from_secs(30), || {
            let name = gui.xdotool(&["getwindowname", &xid.to_string()]);
            String::from_utf8_lossy(&name.stdout).trim() == "coalesced-title"
        }),
        "the title never reached the window; stderr: {}",
        gui.stderr()
    );
    let backlog = || gui.json(&["stats"])["ui_backlog"].as_u64();
    assert!(
        wait_until(Duration::from_secs(30), || backlog() == Some(0)),
        "ui_backlog {:?} after the title and the bell were handled",
        backlog()
    );
}
