//! Desktop notifications, the bell's urgency hint and fullscreen in the real binary under
//! Xvfb, with a private session D-Bus (`dbus-daemon --session`), a real notification server
//! on it (`dunst`, which has actions: `dunstctl action` invokes one as a click does) and
//! `dbus-monitor` counting the `Notify` calls that reach it.

#[path = "common/dbus.rs"]
mod dbus;
#[path = "common/x11.rs"]
mod x11;

use std::process::Command;
use std::time::{Duration, Instant};

use dbus::*;
use x11::*;

/// Poll `cond` every 50 ms for up to `secs` seconds.
fn wait(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The `Notify` calls seen so far whose arguments contain `needle`.
fn calls_with(monitor: &BusProcess, needle: &str) -> usize {
    notify_calls(&monitor.output()).iter().filter(|c| c.contains(needle)).count()
}

/// Type a shell command line into a tab (`send-text` escapes: `\\` is one backslash).
fn type_line(gui: &Gui, tab: u64, line: &str) {
    let out = gui.msg(&["send-text", &tab.to_string(), &format!("{line}\\n")]);
    assert!(out.status.success(), "send-text: {}", String::from_utf8_lossy(&out.stderr));
}

fn new_tab(gui: &Gui) -> u64 {
    let out = gui.msg(&["create-tab", "-e", "sh"]);
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a tab id")
}

fn stat(gui: &Gui, key: &str) -> u64 {
    gui.json(&["stats"])[key].as_u64().unwrap_or_else(|| panic!("no {key} in stats"))
}

#[test]
fn notifications_reach_the_desktop_for_tabs_not_looked_at_and_a_click_shows_the_tab() {
    let x = Xvfb::start();
    let bus = SessionBus::start("notify");
    let _dunst = dunst(&bus, &x.display);
    let monitor = monitor(&bus);
    let gui = Gui::start_with_env(
        &x,
        "notify",
        &["-o", "notifications.command_min_duration=1", "-e", "sh"],
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())],
    );
    let w = gui.window();
    let a = w["tabs"][0]["id"].as_u64().unwrap();
    // The window has the keyboard focus, as on a desktop.
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", "--sync", &xid]);
    let b = new_tab(&gui);
    let c = new_tab(&gui);
    // The newest tab is on display; a and b are in the background.
    assert!(wait(20, || gui.window()["active_tab"].as_u64() == Some(c)));
    type_line(&gui, c, "echo ready-$((1+1))");
    gui.wait_text(c, "\nready-2");

    // OSC 9 in a background tab: exactly one Notify, with its text.
    type_line(&gui, a, r"printf '\\033]9;from-background\\007'");
    assert!(
        wait(20, || calls_with(&monitor, "from-background") == 1),
        "no Notify; monitor:\n{}\nstderr: {}",
        monitor.output(),
        gui.stderr()
    );
    let call = notify_calls(&monitor.output()).into_iter().find(|c| c.contains("from-background"));
    let call = call.unwrap_or_default();
    assert!(call.starts_with("string \"uvterm\"\nuint32 0\nstring \"uvterm\"\n"), "{call}");
    assert!(call.contains("string \"default\""), "the server has actions: {call}");
    assert!(call.contains("desktop-entry") && call.contains("urgency"), "{call}");
    assert!(call.trim_end().ends_with("int32 -1"), "{call}");

    // Clicking it (dunst's default action) shows tab a.
    let clicked = Command::new("dunstctl")
        .args(["action", "0"])
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .output()
        .expect("dunstctl");
    assert!(clicked.status.success());
    assert!(
        wait(20, || gui.window()["active_tab"].as_u64() == Some(a)),
        "the click did not show tab {a}: {}\nmonitor:\n{}",
        gui.window(),
        monitor.output()
    );

    let focus = gui.xdotool(&["getwindowfocus"]);
    eprintln!("X focus after the click: {}", String::from_utf8_lossy(&focus.stdout).trim());
    // Tab a is looked at now: its notification stays off the desktop. (c's notification,
    // written after a's was parsed, marks when a's would have arrived.)
    type_line(&gui, a, r"printf '\\033]9;from-focused\\007'; echo a-$((1+1))");
    gui.wait_text(a, "\na-2");
    type_line(&gui, c, r"printf '\\033]9;sync-c\\007'");
    assert!(wait(20, || calls_with(&monitor, "sync-c") == 1));
    assert_eq!(calls_with(&monitor, "from-focused"), 0, "a focused tab's notification was shown");
    assert_eq!(calls_with(&monitor, "from-background"), 1, "shown once");

    // OSC 777 notify and kitty's OSC 99 reach Notify too.
    type_line(&gui, c, r"printf '\\033]777;notify;title-777;body-777\\007'");
    type_line(&gui, c, r"printf '\\033]99;;title-99\\007'");
    assert!(wait(20, || calls_with(&monitor, "title-777") == 1
        && calls_with(&monitor, "body-777") == 1
        && calls_with(&monitor, "title-99") == 1));

    // A flood of 1,000 from one tab: at most the tab's burst reaches the desktop (plus what
    // refills meanwhile, one per 2 s); every one of them is either sent or counted dropped.
    // (The monitor sees a call before its reply reaches uvterm's count: wait for the count.)
    assert!(wait(20, || stat(&gui, "notifications_sent") as usize
        == notify_calls(&monitor.output()).len()));
    let (sent0, dropped0) = (stat(&gui, "notifications_sent"), stat(&gui, "notifications_dropped"));
    type_line(
        &gui,
        b,
        r"i=0; while [ $i -lt 1000 ]; do i=$((i+1)); printf '\\033]9;flood-%d\\007' $i; done; echo flood-$((500*2))",
    );
    gui.wait_text(b, "\nflood-1000");
    let settled = wait(20, || {
        stat(&gui, "notifications_sent") - sent0 + stat(&gui, "notifications_dropped") - dropped0
            == 1000
    });
    let (sent, dropped) =
        (stat(&gui, "notifications_sent") - sent0, stat(&gui, "notifications_dropped") - dropped0);
    assert!(settled, "sent {sent} + dropped {dropped} != 1000");
    assert!((1..=6).contains(&sent), "{sent} of a flood of 1000 reached the desktop");
    assert_eq!(calls_with(&monitor, "flood-"), sent as usize, "every one sent was a Notify");
    eprintln!("flood of 1000: {sent} sent, {dropped} dropped");

    // A command that ran past the threshold in a background tab announces itself once; a
    // short one does not.
    type_line(
        &gui,
        c,
        r"printf '\\033]133;C\\007'; printf '\\033]133;D;0\\007'; echo short-$((1+1))",
    );
    gui.wait_text(c, "\nshort-2");
    type_line(&gui, c, r"printf '\\033]133;C\\007'; sleep 2; printf '\\033]133;D;3\\007'");
    assert!(
        wait(30, || calls_with(&monitor, "Command finished") == 1),
        "monitor:\n{}",
        monitor.output()
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(calls_with(&monitor, "Command finished"), 1, "the short command was announced");
    let call = notify_calls(&monitor.output())
        .into_iter()
        .find(|c| c.contains("Command finished"))
        .unwrap_or_default();
    assert!(call.contains("exit status 3"), "{call}");

    // The notifier thread goes with the process: a clean exit.
    assert!(gui.msg(&["shutdown"]).status.success());
    let mut gui = gui;
    assert!(wait(20, || gui.child.try_wait().ok().flatten().is_some()), "uvterm did not exit");
}

#[test]
fn without_a_notification_server_notifications_are_dropped_and_nothing_hangs() {
    let x = Xvfb::start();
    let bus = SessionBus::start("noserver");
    let gui = Gui::start_with_env(
        &x,
        "noserver",
        &["-o", "notifications.when=always", "-e", "sh"],
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())],
    );
    let w = gui.window();
    let a = w["tabs"][0]["id"].as_u64().unwrap();
    type_line(&gui, a, "echo ready-$((1+1))");
    gui.wait_text(a, "\nready-2");
    // A bus whose Notifications name nobody owns (and may be activated by a service file
    // on this machine: then it is a real server, and the notification counts as sent).
    type_line(&gui, a, r"printf '\\033]9;nobody-listens\\007'");
    assert!(wait(20, || {
        stat(&gui, "notifications_sent") + stat(&gui, "notifications_dropped") == 1
    }));
    // Still serving, and it exits (the notifier thread joined) when asked.
    type_line(&gui, a, "echo alive-$((1+1))");
    gui.wait_text(a, "\nalive-2");
    assert!(gui.msg(&["shutdown"]).status.success());
    let mut gui = gui;
    assert!(wait(20, || gui.child.try_wait().ok().flatten().is_some()), "uvterm did not exit");
}

/// `xprop ARGS` on `display`: its stdout and its stderr.
fn xprop(display: &str, args: &[&str]) -> (String, String) {
    let out = Command::new("xprop")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xprop (install x11-utils)");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr))
}

/// `WM_HINTS` of an X window as `xprop` prints it.
fn wm_hints(display: &str, xid: u64) -> String {
    xprop(display, &["-id", &xid.to_string(), "WM_HINTS"]).0
}

#[test]
fn an_unfocused_window_notifies_and_its_bell_sets_the_urgency_hint_until_it_gains_focus() {
    let x = Xvfb::start();
    let bus = SessionBus::start("urgent");
    let _dunst = dunst(&bus, &x.display);
    let monitor = monitor(&bus);
    let gui = Gui::start_with_env(
        &x,
        "urgent",
        &["-e", "sh"],
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())],
    );
    let w1 = gui.window();
    let (xid1, tab1) =
        (w1["geometry"]["x11_window"].as_u64().unwrap(), w1["tabs"][0]["id"].as_u64().unwrap());
    assert!(gui.msg(&["create-window", "-e", "sh"]).status.success());
    let w2 = gui.window_n(1);
    let (xid2, tab2) =
        (w2["geometry"]["x11_window"].as_u64().unwrap(), w2["tabs"][0]["id"].as_u64().unwrap());
    type_line(&gui, tab1, "echo ready-$((1+1))");
    gui.wait_text(tab1, "\nready-2");
    // Focus goes to window 1, then to window 2: window 1 has lost it.
    gui.xdotool(&["windowfocus", "--sync", &xid1.to_string()]);
    gui.xdotool(&["windowfocus", "--sync", &xid2.to_string()]);
    assert!(!wm_hints(&gui.display, xid1).contains("urgency"), "{}", wm_hints(&gui.display, xid1));
    // The active tab of a window without the focus is not looked at: it notifies.
    type_line(&gui, tab1, r"printf '\\033]9;window-bg\\007'");
    assert!(wait(20, || calls_with(&monitor, "window-bg") == 1), "monitor:\n{}", monitor.output());
    type_line(&gui, tab1, r"printf '\\007'");
    assert!(
        wait(20, || wm_hints(&gui.display, xid1).contains("urgency hint bit is set")),
        "no urgency hint: {}",
        wm_hints(&gui.display, xid1)
    );
    // Focus clears it.
    gui.xdotool(&["windowfocus", "--sync", &xid1.to_string()]);
    assert!(
        wait(20, || !wm_hints(&gui.display, xid1).contains("urgency")),
        "urgency hint kept: {}",
        wm_hints(&gui.display, xid1)
    );
    // In the focused window a bell sets no hint and a notification stays off the desktop;
    // window 2's notification, written after window 1's output was parsed, marks when they
    // would have arrived.
    type_line(&gui, tab1, r"printf '\\007\\033]9;window-fg\\007'; echo rang-$((1+1))");
    gui.wait_text(tab1, "\nrang-2");
    type_line(&gui, tab2, r"printf '\\033]9;sync-2\\007'");
    assert!(wait(20, || calls_with(&monitor, "sync-2") == 1));
    assert_eq!(calls_with(&monitor, "window-fg"), 0, "{}", gui.stderr());
    assert!(!wm_hints(&gui.display, xid1).contains("urgency"));
}

/// `_NET_WM_STATE` of an X window as `xprop` prints it.
fn wm_state(display: &str, xid: u64) -> String {
    xprop(display, &["-id", &xid.to_string(), "_NET_WM_STATE"]).0
}

/// `xprop -root _NET_SUPPORTING_WM_CHECK` on `display` (stdout, then stderr): names a window
/// once an EWMH window manager runs there.
fn wm_check(display: &str) -> String {
    let (out, err) = xprop(display, &["-root", "_NET_SUPPORTING_WM_CHECK"]);
    out + &err
}

/// A small EWMH window manager (evilwm) on `x`, once it has announced itself on the root
/// window. A WM process that exits before that is started again, at most three times in all
/// (the last time with the other core font); each exit (status and stderr) is printed, and
/// the panic after the last one or after 20 s gives all of them.
fn start_window_manager(x: &Xvfb) -> std::process::Child {
    let log = std::env::temp_dir().join(format!("uvterm-evilwm-{}.log", std::process::id()));
    let mut history = String::new();
    // `fixed`, then `cursor`: the two core fonts every X server must have to start; evilwm needs
    // one for its info window.
    for (attempt, font) in [(1, "fixed"), (2, "fixed"), (3, "cursor")] {
        let stderr = std::fs::File::create(&log).expect("evilwm log file");
        let mut wm = Command::new("evilwm")
            .args(["-fn", font])
            .env("DISPLAY", &x.display)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("evilwm (install the evilwm package)");
        let start = Instant::now();
        let mut exited = None;
        while start.elapsed() < Duration::from_secs(20) {
            if wm_check(&x.display).contains("window id") {
                let _ = std::fs::remove_file(&log);
                return wm;
            }
            if let Ok(Some(status)) = wm.try_wait() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let what = match exited {
            Some(status) => {
                format!("attempt {attempt}: evilwm exited ({status}); stderr: {text:?}")
            }
            None => {
                let _ = wm.kill();
                let _ = wm.wait();
                format!(
                    "attempt {attempt}: evilwm ran 20 s without announcing itself; stderr: \
                     {text:?}; root: {:?}",
                    wm_check(&x.display)
                )
            }
        };
        eprintln!("{what}");
        history.push_str(&what);
        history.push('\n');
        if exited.is_none() {
            break;
        }
    }
    let _ = std::fs::remove_file(&log);
    panic!("no window manager on {}:\n{history}", x.display);
}

#[test]
fn f11_and_msg_fullscreen_toggle_fullscreen_under_a_window_manager() {
    let x = Xvfb::start();
    // A window manager is what makes a window fullscreen (_NET_WM_STATE).
    let mut wm = start_window_manager(&x);
    let gui = Gui::start(&x, "fullscreen", &["-e", "sh"]);
    let w = gui.window();
    let id = w["id"].as_u64().unwrap().to_string();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let full = |gui: &Gui| gui.window()["fullscreen"].as_bool();
    let screen = |gui: &Gui| {
        let g = &gui.window()["geometry"];
        (g["width"].as_u64(), g["height"].as_u64()) == (Some(1280), Some(1024))
    };
    assert_eq!(full(&gui), Some(false));
    assert!(!screen(&gui));
    gui.xdotool(&["windowfocus", "--sync", &xid.to_string()]);
    gui.xdotool(&["key", "F11"]);
    assert!(wait(20, || full(&gui) == Some(true) && screen(&gui)), "F11: {}", gui.window());
    assert!(wm_state(&gui.display, xid).contains("_NET_WM_STATE_FULLSCREEN"));
    // msg: toggle (off), --on, --off; --on twice stays on.
    assert!(gui.msg(&["fullscreen"]).status.success());
    assert!(wait(20, || full(&gui) == Some(false) && !screen(&gui)), "{}", gui.window());
    assert!(gui.msg(&["fullscreen", &id, "--on"]).status.success());
    assert!(gui.msg(&["fullscreen", &id, "--on"]).status.success());
    assert!(wait(20, || full(&gui) == Some(true) && screen(&gui)), "{}", gui.window());
    assert!(gui.msg(&["fullscreen", &id, "--off"]).status.success());
    assert!(wait(20, || full(&gui) == Some(false) && !screen(&gui)));
    assert!(!wm_state(&gui.display, xid).contains("_NET_WM_STATE_FULLSCREEN"));
    // A window that is not there is an error.
    let out = gui.msg(&["fullscreen", "999999"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no window"));
    drop(gui);
    let _ = wm.kill();
    let _ = wm.wait();
}
