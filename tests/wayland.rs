//! The real window on Wayland: a headless sway 1.7 (wlroots), uvterm through Mesa llvmpipe
//! EGL, read back with `grim`, typed at with `wtype`, the clipboard reached with
//! `wl-copy`/`wl-paste`, resized and scaled with `swaymsg`. The X11 suite's checks where they
//! apply (tests/gui.rs, gui_input.rs). Every test fails if the compositor cannot start.
//!
//! Not driven here: the pointer (the headless seat has no pointer device; neither `wtype` nor
//! `swaymsg` makes one), so mouse selection, scrolling, middle-click paste and cursor shapes
//! are checked under X11 only; compose and the input method (text-input-v3) need a compose
//! keymap and an input-method client that Debian's headless set-up does not have; sway 1.7
//! has no wp-fractional-scale, so a 1.5 output scale reaches clients as 2.

#[path = "common/wayland.rs"]
mod wayland;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wayland::*;

const BLACK: [u8; 3] = [0, 0, 0];
const RED: [u8; 3] = [0xcd, 0, 0];
const GREEN: [u8; 3] = [0, 0xcd, 0];
const FG: [u8; 3] = [0xe5, 0xe5, 0xe5];
const KEYLOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/keylog.py");

/// Cell geometry of a `list` window entry, in window pixels.
/// Coloured text drawn in its cells, on both GL APIs; a native Wayland window (no Xwayland
/// here) with app_id `uvterm` and the title from OSC 2.
fn draw_known_screen(gl_api: &str) {
    let sway = Sway::start();
    let script = "printf '\\033[41m    \\033[0m\\033[32mGGGG\\033[0m\\n'; printf '\\033]2;pixels-test\\007'; exec sleep 60";
    let env = [("UVTERM_GL_API", gl_api), ("RUST_LOG", "uvterm=info")];
    let gui = Gui::start_with_env(&sway, "pixels", &["-e", "sh", "-c", script], &env);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "GGGG");
    assert!(w["geometry"]["x11_window"].is_null(), "a Wayland window, not an X11 one");
    let cells = Cells::of(&w);
    let img = gui.capture_when(Duration::from_secs(30), |img| {
        share(&cells.pixels(img, 0, 0..4), RED) > 0.98
    });
    let red = cells.pixels(&img, 0, 0..4);
    assert!(share(&red, RED) > 0.98, "red cells: {:.2} red", share(&red, RED));
    let g = cells.pixels(&img, 0, 4..8);
    let green_ink = g.iter().filter(|p| p[1] > 60 && p[0] < 60 && p[2] < 60).count();
    assert!(g.iter().any(|p| close(*p, GREEN, 40)), "some glyph pixels at full green");
    assert!(green_ink > 20, "green glyph pixels: {green_ink}");
    assert!(share(&g, BLACK) > 0.5, "mostly background around the glyphs");
    let empty = cells.pixels(&img, 0, 20..30);
    assert_eq!(share(&empty, BLACK), 1.0, "empty cells are plain background");
    // The compositor's view: app_id, shell, title.
    let ok = wait_until(Duration::from_secs(5), || gui.view()["name"] == "pixels-test");
    let v = gui.view();
    assert!(ok, "the title follows OSC 2: {:?}", v["name"]);
    assert_eq!(v["app_id"], "uvterm", "app_id");
    assert_eq!(v["shell"], "xdg_shell", "a native Wayland window");
    // sway offers xdg-decoration: server-side decorations (not "csd").
    assert_ne!(v["border"], "csd", "server-side decorations where offered");
    let log = gui.stderr();
    let want = if gl_api == "gles" { "Gles3" } else { "Gl33" };
    assert!(log.contains(want), "{want} context: {log}");
}

#[test]
fn wayland_window_draws_colours_and_text() {
    draw_known_screen("");
}

#[test]
fn wayland_gles_draws_the_same() {
    draw_known_screen("gles");
}

/// The backend can be forced: `UVTERM_BACKEND=x11` with no X server fails to open a display
/// instead of silently taking Wayland; `window.backend = "wayland"` opens on Wayland.
#[test]
fn the_backend_can_be_forced() {
    let sway = Sway::start();
    let gui =
        Gui::start_with_env(&sway, "x11-forced", &["-e", "true"], &[("UVTERM_BACKEND", "x11")]);
    let mut child = gui;
    let status =
        wait_until(Duration::from_secs(20), || matches!(child.child.try_wait(), Ok(Some(_))));
    assert!(status, "uvterm with UVTERM_BACKEND=x11 and no X server exits");
    assert!(child.stderr().contains("cannot open the display (X11)"), "{}", child.stderr());
    drop(child);
    let gui =
        Gui::start(&sway, "wl-forced", &["-o", "window.backend=wayland", "-e", "sleep", "60"]);
    let w = gui.window();
    assert!(w["geometry"]["x11_window"].is_null());
    assert_eq!(gui.view()["shell"], "xdg_shell");
    let bad = Gui::start_with_env(&sway, "bad", &["-e", "true"], &[("UVTERM_BACKEND", "mir")]);
    let mut bad = bad;
    assert!(wait_until(Duration::from_secs(10), || matches!(bad.child.try_wait(), Ok(Some(_)))));
    assert!(bad.stderr().contains("expected auto, wayland or x11"), "{}", bad.stderr());
}

/// A tab running the key recorder (tests/common/keylog.py).
struct Recorder<'a> {
    gui: Gui<'a>,
    log: PathBuf,
    read: usize,
}

impl<'a> Recorder<'a> {
    fn start(sway: &'a Sway, name: &str, setup: &str) -> Recorder<'a> {
        let log = sway.dir.join(format!("keylog-{name}"));
        std::fs::write(&log, "").unwrap();
        give(sway, &log);
        let script = readable(sway, std::path::Path::new(KEYLOG));
        let gui = Gui::start(
            sway,
            name,
            &["-e", "python3", script.to_str().unwrap(), log.to_str().unwrap(), setup],
        );
        let w = gui.window();
        let tab = w["tabs"][0]["id"].as_u64().unwrap();
        gui.wait_text(tab, "READY");
        gui.view();
        Recorder { gui, log, read: 0 }
    }

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

    /// What one `wtype` run makes the program read.
    fn wtype(&mut self, args: &[&str], min: usize) -> Vec<u8> {
        self.gui.sway.wtype(args);
        self.received(min)
    }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).escape_debug().to_string()
}

/// Keys through the compositor's virtual keyboard, each `wtype` run with its own keymap (a
/// keymap change per run): no key lost, every encoding as under X11.
#[test]
fn wayland_keys_in_every_mode() {
    let sway = Sway::start();
    let mut r = Recorder::start(&sway, "keys", "");
    // Several runs in a row, each a keymap change: the first key of each arrives.
    for word in ["abc", "xyz", "1 2"] {
        let got = r.wtype(&[word], word.len());
        assert_eq!(show(&got), show(word.as_bytes()), "wtype {word:?}");
    }
    let cases: &[(&[&str], &str)] = &[
        (&["-k", "Return"], "\r"),
        (&["-k", "BackSpace"], "\x7f"),
        (&["-k", "Up"], "\x1b[A"),
        (&["-k", "F5"], "\x1b[15~"),
        (&["-M", "ctrl", "a", "-m", "ctrl"], "\x01"),
        (&["-M", "alt", "x", "-m", "alt"], "\x1bx"),
        (&["-M", "ctrl", "-k", "Left", "-m", "ctrl"], "\x1b[1;5D"),
        // (wtype's keymap has one level per key: Shift+a stays `a`; Shift+Tab is Back-Tab.)
        (&["-M", "shift", "-k", "Tab", "-m", "shift"], "\x1b[Z"),
    ];
    for (args, want) in cases {
        let got = r.wtype(args, want.len());
        assert_eq!(show(&got), show(want.as_bytes()), "wtype {args:?}");
    }
    drop(r);
    // Application cursor keys (DECCKM) with DECKPAM on.
    let mut r = Recorder::start(&sway, "keys-app", "\\x1b[?1h\\x1b=");
    assert_eq!(show(&r.wtype(&["-k", "Up"], 3)), show(b"\x1bOA"), "DECCKM Up");
    assert_eq!(show(&r.wtype(&["-k", "End"], 3)), show(b"\x1bOF"), "DECCKM End");
    // (Keypad keys are told by their physical key code, which wtype's made-up keymap does not
    // give: DECKPAM is checked under X11.)
    drop(r);
    // The kitty keyboard protocol: disambiguate and report event types.
    let mut k = Recorder::start(&sway, "keys-kitty", "\\x1b[>3u");
    let got = k.wtype(&["-M", "ctrl", "a", "-m", "ctrl"], 12);
    assert_eq!(show(&got), show(b"\x1b[97;5u\x1b[97;5:3u"), "kitty Ctrl+a press and release");
    let got = k.wtype(&["-k", "Escape"], 14);
    assert_eq!(show(&got), show(b"\x1b[27u\x1b[27;1:3u"), "kitty Escape");
}

/// Key repeat comes from the compositor: wl_keyboard.repeat_info gives the delay and rate
/// (sway's defaults: 600 ms, 25 a second), and the client repeats a held key itself. Held
/// for two seconds, one `x` press becomes many; a quick tap stays one.
#[test]
fn wayland_key_repeat_follows_the_compositor() {
    let sway = Sway::start();
    let held = ["-P", "x", "-s", "2000", "-p", "x"];
    let mut r = Recorder::start(&sway, "repeat", "");
    let got = r.wtype(&held, 4);
    assert!(got.len() >= 4 && got.iter().all(|&b| b == b'x'), "a held key repeats: {}", show(&got));
    // Released long before the delay: exactly one `y`.
    let got = r.wtype(&["-P", "y", "-s", "50", "-p", "y"], 2);
    assert_eq!(show(&got), "y", "a tap does not repeat");
}

/// The cursor is drawn solid (focused) while typing: the keyboard focus is the window's.
#[test]
fn the_cursor_is_solid_while_typing() {
    let sway = Sway::start();
    let gui = Gui::start(&sway, "cursor", &["-e", "sh", "-c", "printf '\\033[2 q'; exec cat"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.view();
    sway.wtype(&["ab"]);
    gui.wait_text(tab, "ab");
    let cells = Cells::of(&w);
    // The cursor is on line 0, column 2: a filled block is mostly foreground colour; a hollow
    // one only at its edges.
    let img = gui
        .capture_when(Duration::from_secs(10), |img| share(&cells.pixels(img, 0, 2..3), FG) > 0.8);
    let cursor = cells.pixels(&img, 0, 2..3);
    assert!(
        share(&cursor, FG) > 0.8,
        "a solid cursor while the window has the keyboard: {:.2} filled",
        share(&cursor, FG)
    );
}

/// Paste (Ctrl+Shift+V, Shift+Insert for the primary selection) from `wl-copy`, and copy to
/// `wl-paste` (OSC 52 writes, clipboard and primary), on the window's own connection.
#[test]
fn wayland_clipboard_and_primary_selection() {
    let sway = Sway::start();
    let mut r = Recorder::start(&sway, "clip", "\\x1b[?2004h");
    sway.copy("from wl-copy", false);
    let got = r.wtype(&["-M", "ctrl", "-M", "shift", "v", "-m", "shift", "-m", "ctrl"], 24);
    assert_eq!(
        show(&got),
        show(b"\x1b[200~from wl-copy\x1b[201~"),
        "Ctrl+Shift+V; uvterm's stderr: {}",
        r.gui.stderr()
    );
    sway.copy("primary text", true);
    let got = r.wtype(&["-M", "shift", "-k", "Insert", "-m", "shift"], 24);
    assert_eq!(show(&got), show(b"\x1b[200~primary text\x1b[201~"), "Shift+Insert");
    drop(r);
    // OSC 52 writes, read back by another client. A Wayland selection is set with the serial
    // of an input event the client saw: the program copies after a key (as an editor yanks).
    let script = "echo READY; read x; printf '\\033]52;c;Y29waWVkIG91dA==\\007'; printf '\\033]52;p;cHJpbWFyeSBvdXQ=\\007'; echo DONE; exec sleep 60";
    let gui = Gui::start(&sway, "osc52", &["-e", "sh", "-c", script]);
    let tab = gui.window()["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "READY");
    gui.view();
    sway.wtype(&["-k", "Return"]);
    gui.wait_text(tab, "DONE");
    assert!(
        wait_until(Duration::from_secs(10), || sway.paste(false) == "copied out"),
        "OSC 52 c: wl-paste got {:?}",
        sway.paste(false)
    );
    assert!(
        wait_until(Duration::from_secs(10), || sway.paste(true) == "primary out"),
        "OSC 52 p: wl-paste --primary got {:?}",
        sway.paste(true)
    );
    // And pasting back what uvterm itself holds (it serves its own selection).
    let mut r = Recorder::start(&sway, "clip2", "");
    let got = r.wtype(&["-M", "ctrl", "-M", "shift", "v", "-m", "shift", "-m", "ctrl"], 10);
    assert_eq!(show(&got), "copied out", "a paste of another uvterm's OSC 52 copy");
    drop(gui);
}

/// The window resized by the compositor resizes the PTY (`stty size`).
#[test]
fn wayland_resize_reaches_stty_size() {
    let sway = Sway::start();
    let gui = Gui::start(&sway, "resize", &["-e", "sh"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let pid = gui.child.id();
    gui.view();
    let out = sway.swaymsg(&[&format!("[pid={pid}]"), "resize", "set", "700", "500"]);
    assert!(out.status.success(), "swaymsg resize: {}", String::from_utf8_lossy(&out.stdout));
    let resized = wait_until(Duration::from_secs(10), || {
        gui.window()["geometry"]["width"].as_u64() == Some(700)
    });
    assert!(resized, "the window follows: {}", gui.window()["geometry"]);
    let g = gui.window()["geometry"].clone();
    let (cols, lines) = (g["cols"].as_u64().unwrap(), g["lines"].as_u64().unwrap());
    assert_eq!(cols, ((700.0 - 8.0) / g["cell_width"].as_f64().unwrap()).floor() as u64);
    assert_eq!(lines, ((500.0 - 8.0) / g["cell_height"].as_f64().unwrap()).floor() as u64);
    gui.msg(&["send-text", &tab.to_string(), "stty size\n"]);
    gui.wait_text(tab, &format!("{lines} {cols}"));
}

/// A program sizes its floating window (XTWINOPS 8 in cells, 4 in pixels): winit applies a
/// Wayland size at once and sends no `Resized` for it, yet the grid, the PTY and `list` follow.
#[test]
fn wayland_program_resize_requests_resize_the_grid() {
    let sway = Sway::start();
    let gui = Gui::start(&sway, "xtwinops", &["-e", "sh"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.view();
    let geometry = || gui.window()["geometry"].clone();
    let (cw, ch) = (
        w["geometry"]["cell_width"].as_f64().unwrap(),
        w["geometry"]["cell_height"].as_f64().unwrap(),
    );
    gui.msg(&["send-text", &tab.to_string(), "printf '\\x5c033[8;12;50t'; stty size\n"]);
    let sized = wait_until(Duration::from_secs(10), || {
        let g = geometry();
        g["cols"].as_u64() == Some(50) && g["lines"].as_u64() == Some(12)
    });
    assert!(sized, "XTWINOPS 8: the grid follows: {}\n{}", geometry(), gui.text(tab));
    gui.msg(&["send-text", &tab.to_string(), "clear; stty size\n"]);
    gui.wait_text(tab, "12 50");
    // 4;HEIGHT;WIDTH in pixels: the grid is what fits in them.
    let (pw, ph) = (600_u64, 300_u64);
    gui.msg(&["send-text", &tab.to_string(), &format!("printf '\\x5c033[4;{ph};{pw}t'\n")]);
    let sized = wait_until(Duration::from_secs(10), || geometry()["width"].as_u64() == Some(pw));
    assert!(sized, "XTWINOPS 4: the window follows: {}", geometry());
    let g = geometry();
    assert_eq!(g["height"].as_u64(), Some(ph));
    let (cols, lines) =
        (((pw as f64 - 8.0) / cw).floor() as u64, ((ph as f64 - 8.0) / ch).floor() as u64);
    assert_eq!((g["cols"].as_u64(), g["lines"].as_u64()), (Some(cols), Some(lines)), "{g}");
    gui.msg(&["send-text", &tab.to_string(), "clear; stty size\n"]);
    gui.wait_text(tab, &format!("{lines} {cols}"));
    // The compositor's view is that size too.
    let view = gui.view();
    assert_eq!(view["rect"]["width"].as_u64(), Some(pw), "{view}");
}

/// Output scale 2 and 1.5 (sway 1.7 has no wp-fractional-scale: 1.5 reaches clients as
/// buffer scale 2): the cells are re-rasterised at the new size, the PTY's cell count and
/// pixel size follow, and text is still drawn.
#[test]
fn wayland_output_scale_rescales_cells_and_pty() {
    let sway = Sway::start();
    let script = "printf '\\033[32mGGGG\\033[0m\\n'; exec sh";
    let gui = Gui::start(&sway, "scale", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.view();
    let base = Cells::of(&w);
    for (scale, factor) in [("2", 2.0), ("1.5", 2.0), ("1", 1.0)] {
        let out = sway.swaymsg(&["output", "HEADLESS-1", "scale", scale]);
        assert!(out.status.success(), "swaymsg scale {scale}");
        let followed = wait_until(Duration::from_secs(10), || {
            let cw = gui.window()["geometry"]["cell_width"].as_f64().unwrap_or(0.0);
            (cw / base.cw - factor).abs() < 0.25
        });
        let g = gui.window()["geometry"].clone();
        assert!(followed, "scale {scale}: cells {} vs {} at 1", g["cell_width"], base.cw);
        // The PTY: `stty size` gives the window's grid; the pixel size follows the cells.
        gui.msg(&["send-text", &tab.to_string(), "clear; stty size\n"]);
        let (cols, lines) = (g["cols"].as_u64().unwrap(), g["lines"].as_u64().unwrap());
        gui.wait_text(tab, &format!("{lines} {cols}"));
        let cells = Cells::of(&gui.window());
        gui.msg(&["send-text", &tab.to_string(), "clear; tput setaf 2; echo GGGG; tput sgr0\n"]);
        gui.wait_text(tab, "GGGG");
        let img = gui.capture_when(Duration::from_secs(10), |img| {
            cells.pixels(img, 0, 0..4).iter().filter(|p| p[1] > 60 && p[0] < 60).count() > 20
        });
        let g = cells.pixels(&img, 0, 0..4);
        let ink = g.iter().filter(|p| p[1] > 60 && p[0] < 60 && p[2] < 60).count();
        if ink as f64 <= 20.0 * factor * factor {
            img.save(&std::env::temp_dir().join(format!("uvterm-wl-scale-{scale}.ppm")));
        }
        assert!(
            ink as f64 > 20.0 * factor * factor,
            "scale {scale}: {ink} green glyph pixels in a {}x{} capture; screen:\n{}",
            img.w,
            img.h,
            gui.text(tab)
        );
    }
}

/// Tabs and windows by keyboard: Ctrl+Shift+T, Ctrl+Tab, Ctrl+Shift+W, Ctrl+Shift+N.
#[test]
fn wayland_tabs_and_windows_by_keyboard() {
    let sway = Sway::start();
    let gui = Gui::start(&sway, "tabs", &["-e", "sh"]);
    gui.window();
    gui.view();
    let tabs = || gui.json(&["list"])["windows"][0]["tabs"].as_array().map_or(0, |t| t.len());
    let chord = |keys: &[&str]| {
        let mut args = Vec::new();
        for m in &keys[..keys.len() - 1] {
            args.extend(["-M", *m]);
        }
        args.extend(["-k", keys[keys.len() - 1]]);
        for m in keys[..keys.len() - 1].iter().rev() {
            args.extend(["-m", *m]);
        }
        sway.wtype(&args);
    };
    chord(&["ctrl", "shift", "t"]);
    assert!(wait_until(Duration::from_secs(10), || tabs() == 2), "ctrl+shift+t opens a tab");
    let active = || gui.json(&["list"])["windows"][0]["active_tab"].as_u64();
    let ids: Vec<u64> = gui.json(&["list"])["windows"][0]["tabs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[1])), "the new tab");
    chord(&["ctrl", "Tab"]);
    assert!(wait_until(Duration::from_secs(5), || active() == Some(ids[0])), "ctrl+tab");
    chord(&["ctrl", "shift", "w"]);
    assert!(wait_until(Duration::from_secs(10), || tabs() == 1), "ctrl+shift+w closes the tab");
    chord(&["ctrl", "shift", "n"]);
    let windows = || gui.json(&["list"])["windows"].as_array().map_or(0, |w| w.len());
    assert!(wait_until(Duration::from_secs(10), || windows() == 2), "ctrl+shift+n: a window");
    assert!(
        wait_until(Duration::from_secs(10), || gui.views().len() == 2),
        "two views in the compositor, app_id uvterm"
    );
}

/// The Wayland requests and events uvterm's connection logged (`WAYLAND_DEBUG=1`) that
/// activation involves, in order.
#[derive(Debug, Default)]
struct ActivationLog {
    /// Each new window's `wl_surface` id (`xdg_wm_base.get_xdg_surface`).
    surfaces: Vec<u32>,
    /// `xdg_activation_token_v1.set_surface`: the surface a token was asked for.
    asked_for: Vec<u32>,
    /// `xdg_activation_token_v1.done`: the tokens the compositor made.
    made: Vec<String>,
    /// `xdg_activation_v1.activate`: (token, surface).
    activated: Vec<(String, u32)>,
}

impl ActivationLog {
    fn parse(log: &str) -> ActivationLog {
        let surface = |l: &str| -> Option<u32> {
            let at = l.rfind("wl_surface@")? + "wl_surface@".len();
            l[at..].trim_end_matches(')').parse().ok()
        };
        let quoted = |l: &str| -> Option<String> {
            let start = l.find('"')? + 1;
            Some(l[start..start + l[start..].find('"')?].to_owned())
        };
        let mut out = ActivationLog::default();
        for l in log.lines() {
            let request = l.contains(" -> ");
            if request && l.contains(".get_xdg_surface(") {
                out.surfaces.extend(surface(l));
            } else if request
                && l.contains("xdg_activation_token_v1@")
                && l.contains(".set_surface(")
            {
                out.asked_for.extend(surface(l));
            } else if !request && l.contains("xdg_activation_token_v1@") && l.contains(".done(") {
                out.made.extend(quoted(l));
            } else if request
                && l.contains("xdg_activation_v1@")
                && l.contains(".activate(")
                && let (Some(t), Some(s)) = (quoted(l), surface(l))
            {
                out.activated.push((t, s));
            }
        }
        out
    }
}

/// Windows from `msg create-window` ask for activation (xdg-activation) as kitty's and foot's
/// do: with the client's own `XDG_ACTIVATION_TOKEN`, else with a token the focused window
/// obtains from the compositor; the window and its tab wait for it (none is lost). Observed
/// in uvterm's own protocol log (`WAYLAND_DEBUG=1`).
#[test]
fn msg_create_window_asks_for_activation() {
    let sway = Sway::start();
    let gui = Gui::start_with_env(&sway, "activation", &["-e", "sh"], &[("WAYLAND_DEBUG", "1")]);
    gui.window();
    gui.view();
    // The first window has keyboard focus (a token is asked of the focused window).
    assert!(
        wait_until(Duration::from_secs(10), || gui.stderr().contains("wl_keyboard@")
            && gui.stderr().contains(".enter(")),
        "the first window never got keyboard focus"
    );
    let created = |out: std::process::Output| -> (u64, u64) {
        assert!(out.status.success(), "{out:?}");
        let ids: Vec<u64> = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        (ids[0], ids[1])
    };
    // Shown by the UI: the window lists its tab as the one on display.
    let shown =
        |window: u64, tab: u64| {
            wait_until(Duration::from_secs(10), || {
                gui.json(&["list"])["windows"].as_array().into_iter().flatten().any(|w| {
                    w["id"].as_u64() == Some(window) && w["active_tab"].as_u64() == Some(tab)
                })
            })
        };

    // 1. The client's token, passed on.
    const TOKEN: &str = "uvterm-test-token-0123456789abcdef";
    let out = sway
        .command(&sway.bin)
        .arg("msg")
        .arg("--socket")
        .arg(&gui.socket)
        .args(["create-window", "-e", "sh"])
        .env("XDG_ACTIVATION_TOKEN", TOKEN)
        .output()
        .expect("uvterm msg");
    let (window, tab) = created(out);
    assert!(shown(window, tab), "window {window} shows tab {tab}; stderr: {}", gui.stderr());
    let got = wait_until(Duration::from_secs(10), || {
        let log = ActivationLog::parse(&gui.stderr());
        log.surfaces.len() >= 2 && log.activated.contains(&(TOKEN.to_owned(), log.surfaces[1]))
    });
    let log = ActivationLog::parse(&gui.stderr());
    assert!(got, "the second window is activated with the client's token: {log:?}");

    // 2. No token in the client's environment: one is asked of the focused window.
    let (window, _) = created(gui.msg(&["create-window", "-e", "sh"]));
    // A second tab at once, most likely while the window waits for its token: held, not lost.
    let out = gui.msg(&["create-tab", "--window", &window.to_string(), "-e", "sh"]);
    assert!(out.status.success(), "{out:?}");
    let tab: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0);
    assert!(shown(window, tab), "window {window} shows tab {tab}; stderr: {}", gui.stderr());
    let got = wait_until(Duration::from_secs(10), || {
        let log = ActivationLog::parse(&gui.stderr());
        log.surfaces.len() >= 3
            && log.activated.iter().any(|(t, s)| *s == log.surfaces[2] && log.made.contains(t))
    });
    let log = ActivationLog::parse(&gui.stderr());
    assert!(got, "the third window is activated with a token the compositor made: {log:?}");
    assert!(
        log.asked_for.iter().any(|s| log.surfaces[..2].contains(s)),
        "the token was asked for an existing window: {log:?}"
    );
    assert_eq!(
        log.activated.iter().filter(|(_, s)| *s == log.surfaces[2]).count(),
        1,
        "one activation for the third window: {log:?}"
    );
}

/// Fullscreen on Wayland (xdg-toplevel `set_fullscreen`): F11 and `msg fullscreen` toggle it,
/// sway's tree shows the view fullscreen on the output, and `msg list` says so.
#[test]
fn wayland_fullscreen_follows_f11_and_msg() {
    let sway = Sway::start();
    let gui = Gui::start(&sway, "fullscreen", &["-e", "sh"]);
    let id = gui.window()["id"].as_u64().expect("a window id").to_string();
    let state = |gui: &Gui| {
        let w = gui.window();
        (gui.view()["fullscreen_mode"].as_u64(), w["fullscreen"].as_bool())
    };
    assert_eq!(state(&gui), (Some(0), Some(false)));
    // A throwaway key first: the first key of a wtype run can be lost (a new keymap).
    sway.wtype(&["-k", "Shift_L", "-k", "F11"]);
    assert!(
        wait_until(Duration::from_secs(20), || state(&gui) == (Some(1), Some(true))),
        "F11: {:?}; stderr: {}",
        state(&gui),
        gui.stderr()
    );
    assert!(gui.msg(&["fullscreen"]).status.success());
    assert!(wait_until(Duration::from_secs(20), || state(&gui) == (Some(0), Some(false))));
    assert!(gui.msg(&["fullscreen", &id, "--on"]).status.success());
    assert!(wait_until(Duration::from_secs(20), || state(&gui) == (Some(1), Some(true))));
    assert!(gui.msg(&["fullscreen", &id, "--off"]).status.success());
    assert!(wait_until(Duration::from_secs(20), || state(&gui) == (Some(0), Some(false))));
}
