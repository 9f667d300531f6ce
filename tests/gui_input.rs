//! Keyboard, mouse, selection, clipboard, tabs and windows through a real X server: keys and
//! clicks are sent with xdotool (XTEST), the clipboard is read and written with xclip, and a
//! program in the tab records the bytes it receives.

#[path = "common/x11.rs"]
mod x11;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use x11::*;

const KEYLOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/keylog.py");

/// A tab running the key recorder; `setup` are escape sequences it sends first.
struct Recorder {
    gui: Gui,
    log: PathBuf,
    xid: String,
    read: usize,
}

impl Recorder {
    fn start(x: &Xvfb, name: &str, setup: &str) -> Recorder {
        let log = std::env::temp_dir().join(format!("uvterm-keylog-{name}-{}", std::process::id()));
        let _ = std::fs::remove_file(&log);
        let gui = Gui::start(x, name, &["-e", "python3", KEYLOG, log.to_str().unwrap(), setup]);
        let w = gui.window();
        let tab = w["tabs"][0]["id"].as_u64().unwrap();
        gui.wait_text(tab, "READY");
        let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
        gui.xdotool(&["windowfocus", &xid]);
        std::thread::sleep(Duration::from_millis(150));
        Recorder { gui, log, xid, read: 0 }
    }

    /// Everything received since the last call, as bytes.
    fn received(&mut self, min: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let bytes: Vec<u8> = lines[self.read.min(lines.len())..]
                .iter()
                .flat_map(|l| {
                    (0..l.len() / 2)
                        .map(move |i| u8::from_str_radix(&l[2 * i..2 * i + 2], 16).unwrap())
                })
                .collect();
            if bytes.len() >= min || Instant::now() > deadline {
                self.read = lines.len();
                return bytes;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn key(&mut self, keys: &str) -> Vec<u8> {
        self.gui.xdotool(&["key", "--clearmodifiers", keys]);
        self.received(1)
    }
}

/// How many times `unit` is repeated to make `s` (0 if `s` is anything else).
fn repeats(s: &str, unit: &str) -> usize {
    let n = s.len() / unit.len();
    if unit.repeat(n) == s { n } else { 0 }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace('\x1b', "\\e")
}

#[test]
fn key_encodings_match_the_table() {
    let x = Xvfb::start();
    let mut r = Recorder::start(&x, "keys", "");
    let table: &[(&str, &str)] = &[
        ("a", "a"),
        ("shift+a", "A"),
        ("ctrl+a", "\x01"),
        ("alt+x", "\x1bx"),
        ("ctrl+bracketleft", "\x1b"),
        ("ctrl+space", "\0"),
        ("Return", "\r"),
        ("Tab", "\t"),
        ("shift+Tab", "\x1b[Z"),
        ("BackSpace", "\x7f"),
        ("Escape", "\x1b"),
        ("Up", "\x1b[A"),
        ("shift+Up", "\x1b[1;2A"),
        ("ctrl+Left", "\x1b[1;5D"),
        ("alt+Right", "\x1b[1;3C"),
        ("Home", "\x1b[H"),
        ("End", "\x1b[F"),
        ("Insert", "\x1b[2~"),
        ("Delete", "\x1b[3~"),
        ("shift+Delete", "\x1b[3;2~"),
        ("Prior", "\x1b[5~"),
        ("Next", "\x1b[6~"),
        ("F1", "\x1bOP"),
        ("F4", "\x1bOS"),
        ("F5", "\x1b[15~"),
        ("F12", "\x1b[24~"),
        ("ctrl+F5", "\x1b[15;5~"),
        ("shift+F1", "\x1b[1;2P"),
        ("ctrl+shift+End", "\x1b[1;6F"),
    ];
    let mut wrong = Vec::new();
    for (keys, want) in table {
        let got = r.key(keys);
        if got != want.as_bytes() {
            wrong.push(format!("{keys}: got {:?}, want {:?}", show(&got), show(want.as_bytes())));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn application_cursor_keypad_and_kitty_modes() {
    let x = Xvfb::start();
    // DECCKM on, then the kitty protocol's "disambiguate" and "report event types" flags.
    let mut r = Recorder::start(&x, "modes", "\\x1b[?1h\\x1b=");
    assert_eq!(show(&r.key("Up")), "\\eOA");
    assert_eq!(show(&r.key("End")), "\\eOF");
    assert_eq!(show(&r.key("KP_5")), "\\eOu", "application keypad");
    assert_eq!(show(&r.key("KP_Enter")), "\\eOM");
    let x2 = Xvfb::start();
    let mut k = Recorder::start(&x2, "kitty", "\\x1b[>3u");
    // `xdotool key ctrl+a` lets go of Ctrl before `a`; a person releases `a` first.
    k.gui.xdotool(&["keydown", "ctrl", "keydown", "a", "keyup", "a", "keyup", "ctrl"]);
    assert_eq!(show(&k.received(12)), "\\e[97;5u\\e[97;5:3u", "press and release reported");
    // Ctrl let go first: the release of `a` carries no modifiers, as kitty reports it.
    k.gui.xdotool(&["keydown", "ctrl", "keydown", "a", "keyup", "ctrl", "keyup", "a"]);
    assert_eq!(show(&k.received(12)), "\\e[97;5u\\e[97;1:3u");
    assert_eq!(show(&k.key("Escape")), "\\e[27u\\e[27;1:3u");
    let a = k.key("a");
    assert!(show(&a).starts_with('a'), "plain text stays text: {}", show(&a));
}

#[test]
fn selection_copy_paste_and_paste_injection() {
    let x = Xvfb::start();
    // Bracketed paste on, and two lines of text to select.
    let mut r = Recorder::start(&x, "paste", "\\x1b[?2004hfirst words here\\r\\nsecond line\\r\\n");
    let w = r.gui.window();
    // The setup text comes before READY: line 0 holds "first words here", line 1 "second
    // line", line 2 "READY".
    let at = |col: f64, line: f64| cell_center(&w, col, line);
    let mv = |r: &Recorder, p: &[String]| {
        r.gui.xdotool(&["mousemove", "--window", &r.xid, &p[0], &p[1]]);
    };
    // Drag from "words" to the end of "here": primary selection gets it.
    mv(&r, &at(6.0, 0.0));
    r.gui.xdotool(&["mousedown", "1"]);
    mv(&r, &at(10.0, 0.0));
    mv(&r, &at(15.0, 0.0));
    r.gui.xdotool(&["mouseup", "1"]);
    assert!(
        wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary") == "words here"),
        "primary: {:?}",
        xclip_out(&r.gui.display, "primary")
    );
    // Ctrl+drag selects a block.
    mv(&r, &at(0.0, 0.0));
    r.gui.xdotool(&["keydown", "ctrl", "mousedown", "1"]);
    mv(&r, &at(2.0, 1.0));
    mv(&r, &at(4.0, 1.0));
    r.gui.xdotool(&["mouseup", "1", "keyup", "ctrl"]);
    assert!(
        wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary")
            == "first\nsecon"),
        "block: {:?}",
        xclip_out(&r.gui.display, "primary")
    );
    // Drag again for the clipboard test.
    mv(&r, &at(6.0, 0.0));
    r.gui.xdotool(&["mousedown", "1"]);
    mv(&r, &at(15.0, 0.0));
    r.gui.xdotool(&["mouseup", "1"]);
    assert!(
        wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary") == "words here")
    );
    // Ctrl+Shift+C copies it to the clipboard.
    r.gui.xdotool(&["key", "ctrl+shift+c"]);
    assert!(wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "clipboard")
        == "words here"));
    // Double-click: a word; triple-click: the line.
    mv(&r, &at(2.0, 1.0));
    r.gui.xdotool(&["click", "--repeat", "2", "--delay", "50", "1"]);
    assert!(wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary") == "second"));
    // (Past the double-click interval, so the next clicks start a new count.)
    std::thread::sleep(Duration::from_millis(500));
    r.gui.xdotool(&["click", "--repeat", "3", "--delay", "50", "1"]);
    assert!(wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary")
        == "second line"));
    // Paste (bracketed, since the program asked), and the injection case: ESC is stripped so
    // the pasted "\e[201~" cannot end the bracket.
    r.received(0);
    xclip_in(&r.gui.display, "clipboard", "evil\x1b[201~rm -rf /tmp/x\n");
    r.gui.xdotool(&["windowfocus", &r.xid]);
    let got = r.key("ctrl+shift+v");
    let got = [got, r.received(0)].concat();
    assert_eq!(show(&got), "\\e[200~evil[201~rm -rf /tmp/x\r\\e[201~");
    // Controls that would act instead of being seen (NUL, ^D, ^E, BS, DEL, ^C…) arrive as
    // spaces, from the clipboard and from the primary selection alike (xterm's rule).
    let evil = "echo hi\x08\x08\x7frm\x04x\x05y\x03z\tw\n";
    let want = "\\e[200~echo hi   rm x y z\tw\r\\e[201~";
    xclip_in(&r.gui.display, "clipboard", evil);
    r.gui.xdotool(&["windowfocus", &r.xid]);
    let got = r.key("ctrl+shift+v");
    assert_eq!(show(&[got, r.received(0)].concat()), want, "clipboard");
    xclip_in(&r.gui.display, "primary", evil);
    r.gui.xdotool(&["windowfocus", &r.xid]);
    let got = r.key("shift+Insert");
    assert_eq!(show(&[got, r.received(0)].concat()), want, "primary");
}

#[test]
fn tab_and_window_shortcuts() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "tabs", &["-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    let focus = || {
        gui.xdotool(&["windowfocus", &xid]);
        std::thread::sleep(Duration::from_millis(100));
    };
    let tabs = || gui.json(&["list"])["windows"][0]["tabs"].as_array().map_or(0, |t| t.len());
    let active = || gui.json(&["list"])["windows"][0]["active_tab"].as_u64();
    focus();
    gui.xdotool(&["key", "ctrl+shift+t"]);
    assert!(wait_until(Duration::from_secs(10), || tabs() == 2), "ctrl+shift+t opens a tab");
    gui.xdotool(&["key", "ctrl+shift+t"]);
    assert!(wait_until(Duration::from_secs(10), || tabs() == 3));
    let list = gui.json(&["list"]);
    let ids: Vec<u64> = list["windows"][0]["tabs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert!(
        wait_until(Duration::from_secs(5), || active() == Some(ids[2])),
        "the new tab is active"
    );
    gui.xdotool(&["key", "alt+1"]);
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[0])), "alt+1");
    gui.xdotool(&["key", "ctrl+Tab"]);
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[1])), "ctrl+tab");
    gui.xdotool(&["key", "ctrl+shift+Tab"]);
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[0])), "ctrl+shift+tab");
    gui.xdotool(&["key", "ctrl+Next"]);
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[1])), "ctrl+pagedown");
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(wait_until(Duration::from_secs(10), || tabs() == 2), "ctrl+shift+w closes the tab");
    // A second window in the same process.
    gui.xdotool(&["key", "ctrl+shift+n"]);
    assert!(wait_until(Duration::from_secs(10), || gui.json(&["list"])["windows"]
        .as_array()
        .map_or(0, |w| w.len())
        == 2));
    let second = gui.window_n(1);
    // IPC create-window opens a real window too.
    let out = gui.msg(&["create-window", "-e", "sh"]);
    assert!(out.status.success());
    let third = gui.window_n(2);
    assert!(third["geometry"]["x11_window"].as_u64().is_some());
    // Closing the last tab of a window closes the window; the last window, the program.
    for win in [&second, &third] {
        let tab = win["tabs"][0]["id"].as_u64().unwrap();
        gui.msg(&["close-tab", &tab.to_string()]);
    }
    assert!(wait_until(Duration::from_secs(10), || gui.json(&["list"])["windows"]
        .as_array()
        .map_or(0, |w| w.len())
        == 1));
    let mut gui = gui;
    let remaining: Vec<u64> = gui.json(&["list"])["windows"][0]["tabs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(remaining, [ids[0], ids[2]], "ctrl+shift+w closed the active tab");
    for id in remaining {
        gui.msg(&["close-tab", &id.to_string()]);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = gui.child.try_wait().unwrap() {
            break Some(s);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.is_some_and(|s| s.success()), "closing the last window ends uvterm: {status:?}");
}

#[test]
fn a_hundred_tabs_by_keyboard_leave_stats_at_baseline() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "churn", &["-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(200));
    // Let the first frame and glyphs settle, then take the baseline.
    std::thread::sleep(Duration::from_millis(500));
    let base = gui.json(&["stats"]);
    let tabs = || gui.json(&["stats"])["tabs"].as_u64().unwrap_or(0);
    for i in 0..100 {
        gui.xdotool(&["key", "ctrl+shift+t"]);
        assert!(wait_until(Duration::from_secs(10), || tabs() == 2), "tab {i} opened");
        gui.xdotool(&["key", "ctrl+shift+w"]);
        assert!(wait_until(Duration::from_secs(10), || tabs() == 1), "tab {i} closed");
    }
    assert!(wait_until(Duration::from_secs(10), || gui.json(&["stats"])["children"]
        == base["children"]));
    std::thread::sleep(Duration::from_millis(300));
    let after = gui.json(&["stats"]);
    for key in
        ["tabs", "windows", "slots", "uv_handles", "fds", "children", "gl_objects", "gl_contexts"]
    {
        assert_eq!(after[key], base[key], "{key}: {base} -> {after}");
    }
    assert!(base["gl_objects"].as_u64().unwrap() > 0, "the renderer's objects are counted");
}

#[test]
fn mouse_reporting_alternate_scroll_and_middle_click() {
    let x = Xvfb::start();
    // Button-event tracking, SGR encoding.
    let mut r = Recorder::start(&x, "mouse", "\\x1b[?1002h\\x1b[?1006h");
    let w = r.gui.window();
    let mv = |r: &Recorder, col: f64, line: f64| {
        let p = cell_center(&w, col, line);
        r.gui.xdotool(&["mousemove", "--window", &r.xid, &p[0], &p[1]]);
    };
    mv(&r, 4.0, 2.0);
    r.gui.xdotool(&["click", "1"]);
    assert_eq!(show(&r.received(18)), "\\e[<0;5;3M\\e[<0;5;3m", "press and release");
    // An XTEST click of button 4 reaches winit as one or two wheel notches (the press, and
    // under Xvfb the release too); each notch is one report.
    r.gui.xdotool(&["click", "4"]);
    std::thread::sleep(Duration::from_millis(300));
    let got = show(&r.received(1));
    assert!(repeats(&got, "\\e[<64;5;3M") >= 1, "wheel up: {got}");
    r.gui.xdotool(&["mousedown", "3"]);
    mv(&r, 6.0, 3.0);
    r.gui.xdotool(&["mouseup", "3"]);
    assert_eq!(show(&r.received(29)), "\\e[<2;5;3M\\e[<34;7;4M\\e[<2;7;4m", "a right-button drag");
    // Shift takes the mouse back from the program: nothing is reported.
    r.gui.xdotool(&["keydown", "shift", "click", "1", "keyup", "shift"]);
    assert_eq!(show(&r.key("z")), "z", "shift+click is not reported");

    // The alternate screen with alternate scroll: the wheel sends cursor keys. Middle click
    // pastes the primary selection.
    let x2 = Xvfb::start();
    let mut a = Recorder::start(&x2, "altscroll", "\\x1b[?1049h\\x1b[?1007h");
    let w2 = a.gui.window();
    let p = cell_center(&w2, 3.0, 3.0);
    a.gui.xdotool(&["mousemove", "--window", &a.xid, &p[0], &p[1]]);
    // Three lines a notch.
    a.gui.xdotool(&["click", "4"]);
    std::thread::sleep(Duration::from_millis(300));
    let up = show(&a.received(9));
    assert!(repeats(&up, "\\e[A").is_multiple_of(3) && repeats(&up, "\\e[A") > 0, "wheel up: {up}");
    a.gui.xdotool(&["click", "5"]);
    std::thread::sleep(Duration::from_millis(300));
    let down = show(&a.received(9));
    assert!(
        repeats(&down, "\\e[B").is_multiple_of(3) && repeats(&down, "\\e[B") > 0,
        "wheel down: {down}"
    );
    xclip_in(&a.gui.display, "primary", "from primary");
    a.gui.xdotool(&["click", "2"]);
    assert_eq!(show(&a.received(12)), "from primary");
}

/// Pixels of the window close to `color`.
fn count(img: &Image, color: [u8; 3]) -> usize {
    (0..img.h)
        .flat_map(|y| (0..img.w).map(move |x| (x, y)))
        .filter(|&(x, y)| close(img.px(x, y), color, 6))
        .count()
}

/// A focused window whose program prints a red marker line, `lines` numbered lines under it
/// and `END`, then runs `then`; with the window's description and X id.
fn marker_window(x: &Xvfb, name: &str, lines: u32, then: &str) -> (Gui, serde_json::Value, u64) {
    let script = format!(
        r"printf '\033[48;2;255;0;0mMARKER          \033[0m\n'; seq 1 {lines}; echo END; {then}"
    );
    let gui = Gui::start(x, name, &["-e", "sh", "-c", &script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    gui.wait_text(tab, "END");
    gui.xdotool(&["windowfocus", &xid.to_string()]);
    std::thread::sleep(Duration::from_millis(150));
    (gui, w, xid)
}

/// xterm gives a selection up when output rewrites its text (Alacritty and kitty clear it
/// too): the highlight goes, while output elsewhere leaves a selection alone.
#[test]
fn output_that_rewrites_selected_text_clears_the_selection() {
    let x = Xvfb::start();
    // Two lines of words; each trigger file makes the program write once more: the first
    // over "these" on line 1, the second on line 3, away from any selection.
    let dir = std::env::temp_dir().join(format!("uvterm-selrewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (one, two) = (dir.join("one"), dir.join("two"));
    let wait = |f: &PathBuf| format!("while [ ! -e '{}' ]; do sleep 0.05; done", f.display());
    let script = format!(
        "printf 'keep these words\\r\\nchange these words\\r\\n'; {}; \
         printf '\\033[2;8HTHOSE\\033[5;1HONE'; {}; \
         printf '\\033[4;1Hunrelated\\033[5;1HTWO'; exec cat >/dev/null",
        wait(&one),
        wait(&two)
    );
    let green = [0, 255, 0];
    let gui = Gui::start(
        &x,
        "selrewrite",
        &["-o", "colors.selection=#00ff00", "-e", "sh", "-c", &script],
    );
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let xs = xid.to_string();
    gui.wait_text(tab, "change these words");
    let select = |line: f64| {
        let (a, b) = (cell_center(&w, 7.0, line), cell_center(&w, 11.0, line));
        gui.xdotool(&["mousemove", "--window", &xs, &a[0], &a[1]]);
        gui.xdotool(&["mousedown", "1"]);
        gui.xdotool(&["mousemove", "--window", &xs, &b[0], &b[1]]);
        gui.xdotool(&["mouseup", "1"]);
    };
    let highlighted = || count(&gui.capture(xid), green) > 0;
    select(1.0);
    assert!(wait_until(Duration::from_secs(5), highlighted), "the drag selects");
    std::fs::write(&one, "").unwrap();
    gui.wait_text(tab, "ONE");
    assert!(
        wait_until(Duration::from_secs(5), || !highlighted()),
        "rewriting the selected text clears the selection"
    );
    select(0.0);
    assert!(wait_until(Duration::from_secs(5), highlighted), "a new selection");
    std::fs::write(&two, "").unwrap();
    gui.wait_text(tab, "TWO");
    // The frame after the output is drawn before the highlight is looked at again.
    std::thread::sleep(Duration::from_millis(300));
    assert!(highlighted(), "output on other lines leaves the selection alone");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scrollback_by_keys_and_wheel_and_search() {
    let x = Xvfb::start();
    // A red marker line, then enough lines to push it into the scrollback.
    let (gui, w, xid) = marker_window(&x, "scroll", 200, "exec cat >/dev/null");
    let red = || count(&gui.capture(xid), [255, 0, 0]);
    let shows = |want: bool| wait_until(Duration::from_secs(5), || (red() > 0) == want);
    assert!(shows(false), "the marker starts off screen");
    gui.xdotool(&["key", "shift+Home"]);
    assert!(shows(true), "shift+home shows the top of the scrollback");
    gui.xdotool(&["key", "shift+End"]);
    assert!(shows(false), "shift+end returns to the bottom");
    let p = cell_center(&w, 5.0, 5.0);
    gui.xdotool(&["mousemove", "--window", &xid.to_string(), &p[0], &p[1]]);
    gui.xdotool(&["click", "--repeat", "80", "--delay", "5", "4"]);
    assert!(shows(true), "the wheel scrolls back");
    gui.xdotool(&["key", "x"]);
    assert!(shows(false), "typing returns to the bottom");
    gui.xdotool(&["key", "--repeat", "20", "shift+Prior"]);
    assert!(shows(true), "shift+pageup scrolls back");
    gui.xdotool(&["key", "shift+End"]);
    assert!(shows(false));
    // Search: the view moves to the match, highlighted as the current one.
    gui.xdotool(&["key", "ctrl+shift+f"]);
    gui.xdotool(&["type", "marker"]);
    let current = [0xff, 0x70, 0x10];
    assert!(
        wait_until(Duration::from_secs(5), || {
            let img = gui.capture(xid);
            count(&img, current) > 0 && count(&img, [255, 0, 0]) > 0
        }),
        "search scrolls to the highlighted match"
    );
    // Ctrl+U clears the query (no match left to highlight); typing finds it again.
    gui.xdotool(&["key", "ctrl+u"]);
    assert!(
        wait_until(Duration::from_secs(5), || count(&gui.capture(xid), current) == 0),
        "ctrl+u clears the query"
    );
    // The paste keys paste into the query (not into the program behind the bar).
    xclip_in(&x.display, "clipboard", "mark\nmore lines");
    gui.xdotool(&["key", "ctrl+shift+v"]);
    assert!(
        wait_until(Duration::from_secs(5), || count(&gui.capture(xid), current) > 0),
        "a pasted query finds the match again"
    );
    gui.xdotool(&["key", "Escape"]);
    assert!(
        wait_until(Duration::from_secs(5), || count(&gui.capture(xid), current) == 0),
        "escape ends the search"
    );
}

#[test]
fn a_scrolled_back_view_stays_put_while_output_arrives() {
    let x = Xvfb::start();
    // A red marker line, history under it, then a line every 50 ms for ever.
    let (gui, _, xid) =
        marker_window(&x, "scrollkeep", 100, "while :; do echo tick; sleep 0.05; done");
    let red = || count(&gui.capture(xid), [255, 0, 0]);
    gui.xdotool(&["key", "shift+Home"]);
    assert!(wait_until(Duration::from_secs(5), || red() > 0), "shift+home shows the marker");
    // 3 s is 60 more lines, more than a screen: a view that slid with the output would have
    // lost the marker by then.
    std::thread::sleep(Duration::from_secs(3));
    assert!(red() > 0, "the scrolled-back view stayed on the marker while lines arrived");
    gui.xdotool(&["key", "shift+End"]);
    assert!(
        wait_until(Duration::from_secs(5), || red() == 0),
        "shift+end follows the output again"
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(red(), 0, "at the bottom the view keeps following the output");
}

#[test]
fn ctrl_click_opens_links_with_xdg_open() {
    let x = Xvfb::start();
    // A stand-in xdg-open on PATH that records what it was asked to open.
    let opener = FakeOpener::new("links");
    let text = opener.dir.join("text");
    std::fs::write(
        &text,
        "see https://example.com/plain here\n\x1b]8;;https://example.org/osc8\x1b\\click me\x1b]8;;\x1b\\\n\x1b]8;;javascript:alert(1)\x1b\\evil\x1b]8;;\x1b\\\nEND\n",
    )
    .unwrap();
    let script = format!("cat '{}'; exec cat >/dev/null", text.display());
    let gui =
        Gui::start_with_env(&x, "links", &["-e", "sh", "-c", &script], &[("PATH", &opener.path)]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.wait_text(tab, "END");
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    let ctrl_click = |col: f64, line: f64| ctrl_click(&gui, &w, col, line);
    let read = || opener.opened();
    ctrl_click(10.0, 0.0);
    assert!(
        wait_until(Duration::from_secs(5), || read() == "https://example.com/plain\n"),
        "url in text: {:?}",
        read()
    );
    ctrl_click(2.0, 1.0);
    assert!(
        wait_until(Duration::from_secs(5), || read()
            == "https://example.com/plain\nhttps://example.org/osc8\n"),
        "osc 8 link: {:?}",
        read()
    );
    // A plain click opens nothing; nor does a link with an unknown scheme.
    let p = cell_center(&w, 2.0, 1.0);
    gui.xdotool(&["mousemove", "--window", &xid, &p[0], &p[1]]);
    gui.xdotool(&["click", "1"]);
    ctrl_click(1.0, 2.0);
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(read().lines().count(), 2, "{:?}", read());
    drop(gui);
}

#[test]
fn compose_sequences_type_composed_text() {
    let x = Xvfb::start();
    let mut r = Recorder::start(&x, "compose", "");
    r.gui.xdotool(&["key", "Multi_key", "apostrophe", "e"]);
    assert_eq!(show(&r.received(1)), "é");
}

/// Keys xterm 379 sends (recorded under Xvfb the same way), checked through the whole path:
/// X key event, winit, our encoder, the PTY.
fn check(r: &mut Recorder, table: &[(&str, &str)], what: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    for (keys, want) in table {
        let got = r.key(keys);
        if got != want.as_bytes() {
            wrong.push(format!(
                "{what} {keys}: got {:?}, want {:?}",
                show(&got),
                show(want.as_bytes())
            ));
        }
    }
    wrong
}

#[test]
fn keypad_with_numlock_off_sends_the_cursor_and_editing_keys() {
    let normal: &[(&str, &str)] = &[
        ("KP_Up", "\x1b[A"),
        ("KP_Down", "\x1b[B"),
        ("KP_Left", "\x1b[D"),
        ("KP_Right", "\x1b[C"),
        ("KP_Home", "\x1b[H"),
        ("KP_End", "\x1b[F"),
        ("KP_Prior", "\x1b[5~"),
        ("KP_Next", "\x1b[6~"),
        ("KP_Insert", "\x1b[2~"),
        ("KP_Delete", "\x1b[3~"),
        ("KP_Begin", "\x1b[E"),
        ("shift+KP_Up", "\x1b[1;2A"),
        ("ctrl+KP_Delete", "\x1b[3;5~"),
        // The keypad's other named keys are the keys they name.
        ("KP_Tab", "\t"),
        ("KP_F1", "\x1bOP"),
    ];
    let mut wrong = Vec::new();
    let x = Xvfb::start();
    let mut r = Recorder::start(&x, "kp-normal", "");
    wrong.extend(check(&mut r, normal, "normal"));
    // DECKPAM does not change them; DECCKM does, for the cursor keys and Begin.
    let x2 = Xvfb::start();
    let mut r2 = Recorder::start(&x2, "kp-app", "\\x1b=\\x1b[?1h");
    let app: &[(&str, &str)] = &[
        ("KP_Up", "\x1bOA"),
        ("KP_Home", "\x1bOH"),
        ("KP_Begin", "\x1bOE"),
        ("KP_Prior", "\x1b[5~"),
        ("KP_Insert", "\x1b[2~"),
        ("KP_Delete", "\x1b[3~"),
        ("KP_Enter", "\x1bOM"),
        ("KP_Add", "\x1bOk"),
    ];
    wrong.extend(check(&mut r2, app, "DECKPAM+DECCKM"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ctrl_punctuation_and_modified_enter_at_each_modify_other_keys_level() {
    let level0: &[(&str, &str)] = &[
        ("ctrl+grave", "\0"),
        ("ctrl+1", "1"),
        ("ctrl+9", "9"),
        ("ctrl+semicolon", ";"),
        ("ctrl+apostrophe", "'"),
        ("ctrl+comma", ","),
        ("ctrl+period", "."),
        ("ctrl+Return", "\r"),
    ];
    let level1: &[(&str, &str)] = &[
        ("ctrl+grave", "\0"),
        ("ctrl+1", "\x1b[27;5;49~"),
        ("ctrl+9", "\x1b[27;5;57~"),
        ("ctrl+semicolon", "\x1b[27;5;59~"),
        ("ctrl+apostrophe", "\x1b[27;5;39~"),
        ("ctrl+comma", "\x1b[27;5;44~"),
        ("ctrl+period", "\x1b[27;5;46~"),
        ("ctrl+shift+1", "\x1b[27;6;33~"),
        ("ctrl+a", "\x01"),
        ("ctrl+Return", "\x1b[27;5;13~"),
        ("shift+Return", "\x1b[27;2;13~"),
        ("ctrl+shift+Return", "\x1b[27;6;13~"),
    ];
    let level2: &[(&str, &str)] = &[
        ("ctrl+grave", "\x1b[27;5;96~"),
        ("ctrl+a", "\x1b[27;5;97~"),
        ("alt+a", "\x1b[27;3;97~"),
        ("shift+Return", "\x1b[27;2;13~"),
        ("ctrl+Escape", "\x1b[27;5;27~"),
        ("shift+BackSpace", "\x1b[27;2;127~"),
    ];
    let mut wrong = Vec::new();
    for (level, table) in [(0, level0), (1, level1), (2, level2)] {
        let x = Xvfb::start();
        let setup = format!("\\x1b[>4;{level}m");
        let mut r = Recorder::start(&x, &format!("mok{level}"), &setup);
        wrong.extend(check(&mut r, table, &format!("level {level}")));
    }
    // kitty, flags 3: Enter, Tab and Backspace keep their legacy bytes and report no release.
    let x = Xvfb::start();
    let mut k = Recorder::start(&x, "kitty-enter", "\\x1b[>3u");
    wrong.extend(check(&mut k, &[("Return", "\r"), ("Tab", "\t"), ("BackSpace", "\x7f")], "kitty"));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn copy_across_a_wrap_left_by_a_wide_character() {
    let x = Xvfb::start();
    // 79 `a`, then `中` does not fit in column 80: a padding cell, and the wrap.
    let a79 = "a".repeat(79);
    let mut r = Recorder::start(&x, "widewrap", &format!("{a79}中文z\\r\\n"));
    let w = r.gui.window();
    let at = |col: f64, line: f64| cell_center(&w, col, line);
    let mv = |r: &Recorder, p: &[String]| {
        r.gui.xdotool(&["mousemove", "--window", &r.xid, &p[0], &p[1]]);
    };
    mv(&r, &at(0.0, 0.0));
    r.gui.xdotool(&["mousedown", "1"]);
    mv(&r, &at(2.0, 1.0));
    mv(&r, &at(4.0, 1.0));
    r.gui.xdotool(&["mouseup", "1"]);
    let want = format!("{a79}中文z");
    assert!(
        wait_until(Duration::from_secs(5), || xclip_out(&r.gui.display, "primary") == want),
        "primary: {:?}",
        xclip_out(&r.gui.display, "primary")
    );
    r.received(0);
}
