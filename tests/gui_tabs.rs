//! Safe close and tabs that know where they are (issue 16), in the real binary under Xvfb,
//! driven with real key events (XTEST through xdotool): Ctrl+Shift+W on a tab running
//! `sleep` asks in the window (a prompt box seen in the pixels) until Enter, Escape keeps the
//! tab, a tab at its prompt closes at once, `confirm_close=never` never asks; Ctrl+Shift+T
//! opens the new tab where the active one is (its `/proc` cwd, or OSC 7 when sent);
//! Ctrl+Shift+PageUp/PageDown move the active tab (`msg list` order follows); the keyboard
//! rename prompt names a tab.

#[path = "common/x11.rs"]
mod x11;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use x11::*;

/// The prompt box's background (`app::confirm::PROMPT_BACKGROUND`).
const PROMPT_BG: [u8; 3] = [0x80, 0x18, 0x18];

fn tabs(gui: &Gui) -> Vec<Value> {
    gui.json(&["list"])["windows"][0]["tabs"].as_array().cloned().unwrap_or_default()
}

fn tab_ids(gui: &Gui) -> Vec<u64> {
    tabs(gui).iter().filter_map(|t| t["id"].as_u64()).collect()
}

fn open_tab(gui: &Gui, command: &[&str]) -> u64 {
    let mut args = vec!["create-tab", "-e"];
    args.extend_from_slice(command);
    let out = gui.msg(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn prompt_pixels(img: &Image) -> usize {
    img.rgb.chunks(3).filter(|p| close([p[0], p[1], p[2]], PROMPT_BG, 6)).count()
}

/// The window's pixels once the prompt box shows (`shown`) or is gone.
fn prompt_shown(gui: &Gui, xid: u64, shown: bool) -> bool {
    // A box one cell high and tens of cells wide: far more than a stray pixel.
    let img =
        gui.capture_when(xid, Duration::from_secs(10), |img| (prompt_pixels(img) > 500) == shown);
    prompt_pixels(&img) > 500
}

fn focus(gui: &Gui, xid: u64) {
    gui.xdotool(&["windowfocus", &xid.to_string()]);
    std::thread::sleep(Duration::from_millis(200));
}

fn shell_env(dir: &Path) -> Vec<(String, String)> {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    vec![
        ("SHELL".into(), "/bin/bash".into()),
        ("HOME".into(), home.display().to_string()),
        ("PS1".into(), "$ ".into()),
    ]
}

fn start(x: &Xvfb, name: &str, args: &[&str]) -> Gui {
    let env = shell_env(&std::env::temp_dir().join(format!("uvterm-tabs-home-{name}")));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // `-e` takes everything after it: the options go first.
    let mut all = args.to_vec();
    all.extend_from_slice(&["-e", "bash", "--norc", "--noprofile"]);
    Gui::start_with_env(x, name, &all, &env)
}

#[test]
fn closing_a_busy_tab_asks_in_the_window_until_enter() {
    let x = Xvfb::start();
    let gui = start(&x, "confirm", &[]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let first = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(first, "$");
    let busy = open_tab(&gui, &["bash", "--norc", "--noprofile"]);
    gui.wait_text(busy, "$");
    gui.msg(&["send-text", &busy.to_string(), "sleep 1000\\r"]);
    assert!(
        wait_until(Duration::from_secs(10), || tabs(&gui)
            .iter()
            .any(|t| t["id"] == busy && t["title"] == "sleep")),
        "the busy tab is titled by its foreground process: {:?}",
        tabs(&gui)
    );
    focus(&gui, xid);
    assert!(!prompt_shown(&gui, xid, false), "no prompt before the key");
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(prompt_shown(&gui, xid, true), "Ctrl+Shift+W on `sleep` shows the prompt");
    // Other keys are swallowed while it shows; the tab stays.
    gui.xdotool(&["key", "y"]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(tab_ids(&gui).contains(&busy), "still open while asking");
    assert!(prompt_shown(&gui, xid, true), "a stray key does not answer");
    gui.xdotool(&["key", "Escape"]);
    assert!(!prompt_shown(&gui, xid, false), "Escape closes the prompt");
    std::thread::sleep(Duration::from_millis(300));
    assert!(tab_ids(&gui).contains(&busy), "Escape keeps the tab");
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(prompt_shown(&gui, xid, true));
    gui.xdotool(&["key", "Return"]);
    assert!(
        wait_until(Duration::from_secs(10), || !tab_ids(&gui).contains(&busy)),
        "Enter closes the tab"
    );
    assert!(!prompt_shown(&gui, xid, false));
    // A tab at its prompt closes at once.
    let idle = open_tab(&gui, &["bash", "--norc", "--noprofile"]);
    gui.wait_text(idle, "$");
    focus(&gui, xid);
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(
        wait_until(Duration::from_secs(10), || !tab_ids(&gui).contains(&idle)),
        "a shell at its prompt closes without asking"
    );
    assert!(!prompt_shown(&gui, xid, false), "and no prompt showed");
    assert_eq!(tab_ids(&gui), vec![first]);
}

#[test]
fn confirm_close_never_closes_at_once() {
    let x = Xvfb::start();
    let gui = start(&x, "confirm-never", &["-o", "confirm_close=never"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let first = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(first, "$");
    let busy = open_tab(&gui, &["sleep", "1000"]);
    assert!(wait_until(Duration::from_secs(10), || tab_ids(&gui).len() == 2));
    focus(&gui, xid);
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(
        wait_until(Duration::from_secs(10), || !tab_ids(&gui).contains(&busy)),
        "confirm_close=never closes a busy tab at once"
    );
}

fn proc_cwd(pid: u64) -> PathBuf {
    std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default()
}

/// The tab that is not in `before`, once there is one.
fn new_tab(gui: &Gui, before: &[u64]) -> Value {
    let mut found = None;
    assert!(
        wait_until(Duration::from_secs(15), || {
            found = tabs(gui).into_iter().find(|t| !before.contains(&t["id"].as_u64().unwrap()));
            found.is_some()
        }),
        "no new tab: {:?}",
        tabs(gui)
    );
    found.unwrap()
}

#[test]
fn new_tabs_open_where_the_active_tab_is() {
    let x = Xvfb::start();
    let gui = start(&x, "cwd", &["-o", "shell_integration=false"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let first = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(first, "$");
    let there = gui.dir.join("x");
    std::fs::create_dir_all(&there).unwrap();
    // A plain shell sends no OSC 7: the directory comes from /proc.
    gui.msg(&[
        "send-text",
        &first.to_string(),
        &format!("cd '{}'; echo in-$((1+1))\\r", there.display()),
    ]);
    gui.wait_text(first, "in-2");
    focus(&gui, xid);
    gui.xdotool(&["key", "ctrl+shift+t"]);
    let second = new_tab(&gui, &[first]);
    let pid = second["pid"].as_u64().unwrap();
    assert!(
        wait_until(Duration::from_secs(5), || proc_cwd(pid) == there),
        "the new tab starts in {} (it is in {})",
        there.display(),
        proc_cwd(pid).display()
    );
    // OSC 7 (percent-encoded) wins over the process's own directory.
    let reported = gui.dir.join("y z");
    std::fs::create_dir_all(&reported).unwrap();
    let url = format!("file://localhost{}", reported.display()).replace(' ', "%20");
    let id = second["id"].as_u64().unwrap();
    // The new tab runs $SHELL (its prompt is /etc/bash.bashrc's): wait for any prompt.
    assert!(wait_until(Duration::from_secs(15), || !gui.text(id).trim().is_empty()));
    gui.msg(&[
        "send-text",
        &id.to_string(),
        &format!("printf '\\\\033]7;%s\\\\007' '{url}'; echo sent-$((2+2))\\r"),
    ]);
    gui.wait_text(id, "sent-4");
    focus(&gui, xid);
    gui.xdotool(&["key", "ctrl+shift+t"]);
    let third = new_tab(&gui, &[first, id]);
    let pid = third["pid"].as_u64().unwrap();
    assert!(
        wait_until(Duration::from_secs(5), || proc_cwd(pid) == reported),
        "OSC 7's {} wins (the new tab is in {})",
        reported.display(),
        proc_cwd(pid).display()
    );
    // A directory on another host (a shell over ssh) is ignored: /proc's answer again (the
    // third tab, active now, is in `reported`).
    let foreign = gui.dir.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    let url = format!("file://elsewhere.invalid{}", foreign.display());
    let id = third["id"].as_u64().unwrap();
    assert!(wait_until(Duration::from_secs(15), || !gui.text(id).trim().is_empty()));
    gui.msg(&[
        "send-text",
        &id.to_string(),
        &format!("printf '\\\\033]7;%s\\\\007' '{url}'; echo sent-$((3+3))\\r"),
    ]);
    gui.wait_text(id, "sent-6");
    focus(&gui, xid);
    let before = tab_ids(&gui);
    gui.xdotool(&["key", "ctrl+shift+t"]);
    let fourth = new_tab(&gui, &before);
    let pid = fourth["pid"].as_u64().unwrap();
    assert!(
        wait_until(Duration::from_secs(5), || proc_cwd(pid) == reported),
        "a foreign host's OSC 7 is ignored: {} (the new tab is in {})",
        reported.display(),
        proc_cwd(pid).display()
    );
}

#[test]
fn tabs_move_with_the_keyboard_and_take_a_typed_name() {
    let x = Xvfb::start();
    let gui = start(&x, "move", &["-o", "shell_integration=false"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let a = w["tabs"][0]["id"].as_u64().unwrap();
    let b = open_tab(&gui, &["bash", "--norc", "--noprofile"]);
    let c = open_tab(&gui, &["bash", "--norc", "--noprofile"]);
    assert!(wait_until(Duration::from_secs(10), || tab_ids(&gui) == vec![a, b, c]));
    gui.wait_text(c, "$");
    focus(&gui, xid);
    // C is active (the newest): left, left, then left again wraps to the end.
    gui.xdotool(&["key", "ctrl+shift+Prior"]);
    assert!(
        wait_until(Duration::from_secs(5), || tab_ids(&gui) == vec![a, c, b]),
        "{:?}",
        tab_ids(&gui)
    );
    gui.xdotool(&["key", "ctrl+shift+Prior"]);
    assert!(wait_until(Duration::from_secs(5), || tab_ids(&gui) == vec![c, a, b]));
    gui.xdotool(&["key", "ctrl+shift+Next"]);
    assert!(wait_until(Duration::from_secs(5), || tab_ids(&gui) == vec![a, c, b]));
    let active = || gui.json(&["list"])["windows"][0]["active_tab"].as_u64();
    assert_eq!(active(), Some(c), "the moved tab stays active");
    // Rename from the keyboard: the prompt shows, the typed name wins.
    gui.xdotool(&["key", "ctrl+shift+alt+t"]);
    assert!(prompt_shown(&gui, xid, true), "the rename prompt shows");
    gui.xdotool(&["type", "--delay", "20", "logs"]);
    gui.xdotool(&["key", "Return"]);
    assert!(
        wait_until(Duration::from_secs(5), || tabs(&gui)
            .iter()
            .any(|t| t["id"] == c && t["title"] == "logs")),
        "{:?}",
        tabs(&gui)
    );
    assert!(!prompt_shown(&gui, xid, false));
}
