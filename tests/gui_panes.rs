//! Split panes in the real binary under Xvfb: splits by keyboard (xdotool) and by `uvterm msg
//! split`, each pane's `stty size` against what `msg list` reports and what is drawn (pixels
//! of a coloured marker inside the pane's rectangle), a divider drag (xdotool mouse) resizing
//! both panes with SIGWINCH, zoom, focus by direction, and mouse reports with pane-relative
//! cells; `panes.hold_exited` keeping an exited pane (its last screen and the exit status)
//! until Enter closes it, and the pane closing at once without it.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

const KEYLOG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/keylog.py");

/// One pane as `msg list` shows it: its terminal's size (cols, lines) and, once the window
/// reported its layout, its rectangle in window pixels.
#[derive(Debug, Clone, PartialEq)]
struct Pane {
    id: u64,
    cols: u64,
    lines: u64,
    rect: Option<(f64, f64, f64, f64)>,
    focused: bool,
}

fn panes(gui: &Gui) -> Vec<Pane> {
    let list = gui.json(&["list"]);
    let Some(tab) = list["windows"][0]["tabs"].as_array().and_then(|t| t.first().cloned()) else {
        return Vec::new();
    };
    tab["panes"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| Pane {
                    id: p["id"].as_u64().unwrap_or(0),
                    cols: p["cols"].as_u64().unwrap_or(0),
                    lines: p["lines"].as_u64().unwrap_or(0),
                    rect: match (
                        p["x"].as_f64(),
                        p["y"].as_f64(),
                        p["width"].as_f64(),
                        p["height"].as_f64(),
                    ) {
                        (Some(x), Some(y), Some(w), Some(h)) => Some((x, y, w, h)),
                        _ => None,
                    },
                    focused: p["focused"].as_bool().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The cell size of the first window (pixels).
fn cell(w: &serde_json::Value) -> (f64, f64) {
    let g = &w["geometry"];
    (g["cell_width"].as_f64().unwrap(), g["cell_height"].as_f64().unwrap())
}

/// Wait until the tab has `n` panes, each laid out by the window and its terminal at the size
/// of its rectangle (the window's Resize reached the PTY); returns them.
fn settled(gui: &Gui, n: usize, (cw, ch): (f64, f64)) -> Vec<Pane> {
    let mut last = Vec::new();
    let ok = wait_until(Duration::from_secs(20), || {
        last = panes(gui);
        last.len() == n
            && last.iter().all(|p| {
                p.rect.is_some_and(|(_, _, w, h)| {
                    (w / cw).round() as u64 == p.cols && (h / ch).round() as u64 == p.lines
                })
            })
    });
    assert!(ok, "panes never settled at {n}: {last:?}\nstderr: {}", gui.stderr());
    last
}

/// Waits until one pane is left, `id`, back at the whole tab's size `full` and drawn at it.
/// The pane list drops an exited pane before the window lays the tab out again, so a single
/// pane may show its old half for a moment; only the whole size ends the wait.
fn back_to_one(gui: &Gui, id: u64, full: &Pane, c: (f64, f64)) {
    let mut last = Vec::new();
    let ok = wait_until(Duration::from_secs(20), || {
        last = settled(gui, 1, c);
        (last[0].id, last[0].cols, last[0].lines) == (id, full.cols, full.lines)
    });
    assert!(ok, "never back to one pane {id} at {}x{}: {last:?}", full.cols, full.lines);
}

fn start(x: &Xvfb, name: &str, args: &[&str]) -> (Gui, serde_json::Value, String) {
    // Splits by key run the configured shell: plain sh, not the login shell and its rc files.
    let mut all = vec!["-o", "panes.dim_unfocused=0", "-o", "shell.program=\"sh\""];
    all.extend_from_slice(args);
    let gui = Gui::start(x, name, &all);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    (gui, w, xid)
}

/// The bounding box (x0, y0, x1, y1) of the pixels within 24 of `color`, if any.
fn bbox(img: &Image, color: [u8; 3]) -> Option<(usize, usize, usize, usize)> {
    let mut b: Option<(usize, usize, usize, usize)> = None;
    for y in 0..img.h {
        for x in 0..img.w {
            if close(img.px(x, y), color, 24) {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                });
            }
        }
    }
    b
}

#[test]
fn splits_by_key_and_msg_sizes_agree_and_each_pane_draws_inside_its_rectangle() {
    let x = Xvfb::start();
    let (gui, w, xid) = start(&x, "panes-split", &["-e", "sh"]);
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let full = settled(&gui, 1, c)[0].clone();
    gui.xdotool(&["key", "ctrl+shift+o"]);
    let two = settled(&gui, 2, c);
    let right = two.iter().find(|p| p.id != tab).unwrap().clone();
    let left = two.iter().find(|p| p.id == tab).unwrap().clone();
    assert!(right.focused && !left.focused, "the new pane has the keyboard: {two:?}");
    let (lr, rr) = (left.rect.unwrap(), right.rect.unwrap());
    assert!(lr.0 + lr.2 <= rr.0 && lr.1 == rr.1, "side by side: {two:?}");
    assert!(left.cols + right.cols < full.cols && left.cols + right.cols + 2 >= full.cols);
    assert_eq!((left.lines, right.lines), (full.lines, full.lines));
    // Split the right pane down through IPC.
    let out = gui.msg(&["split", &right.id.to_string(), "--direction", "down", "-e", "sh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let low: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    let three = settled(&gui, 3, c);
    let get = |id| three.iter().find(|p| p.id == id).unwrap().clone();
    let (top, bottom) = (get(right.id), get(low));
    assert_eq!(top.cols, right.cols);
    assert!(top.lines + bottom.lines < full.lines && top.lines + bottom.lines + 2 >= full.lines);
    assert!(bottom.rect.unwrap().1 >= top.rect.unwrap().1 + top.rect.unwrap().3);
    // Each pane's program sees the size `list` reports, and draws inside its rectangle.
    // Truecolour backgrounds no theme has: magenta-ish, teal, orange.
    let colours = [[250u8, 20, 200], [20, 200, 180], [240, 140, 10]];
    for (p, rgb) in three.iter().zip(colours) {
        // A script, so that no escape goes through `send-text`'s own.
        let script = gui.dir.join(format!("marker-{}.sh", p.id));
        let sgr = format!("48;2;{};{};{}", rgb[0], rgb[1], rgb[2]);
        std::fs::write(&script, format!("stty size; printf '\\033[{sgr}m      \\033[0m\\n'\n"))
            .unwrap();
        let cmd = format!("sh {}\n", script.display());
        assert!(gui.msg(&["send-text", &p.id.to_string(), &cmd]).status.success());
        gui.wait_text(p.id, &format!("{} {}", p.lines, p.cols));
    }
    for (p, rgb) in three.iter().zip(colours) {
        let img = gui.capture_when(xid.parse().unwrap(), Duration::from_secs(10), |img| {
            bbox(img, rgb).is_some()
        });
        let (x0, y0, x1, y1) = bbox(&img, rgb)
            .unwrap_or_else(|| panic!("pane {} drew no {rgb:?} marker: {three:?}", p.id));
        let (px, py, pw, ph) = p.rect.unwrap();
        assert!(
            x0 as f64 >= px && y0 as f64 >= py && (x1 as f64) < px + pw && (y1 as f64) < py + ph,
            "pane {}'s marker at {:?} is outside its rectangle {:?}",
            p.id,
            (x0, y0, x1, y1),
            p.rect
        );
        // Six cells wide, one line high: drawn at the pane's cell size, not the window's.
        assert_eq!((x1 - x0 + 1) as f64, 6.0 * c.0, "marker width");
    }
    let _ = tab;
}

#[test]
fn dragging_a_divider_resizes_both_panes_and_signals_both_programs() {
    let x = Xvfb::start();
    let sh = "trap 'echo WINCH' WINCH; echo ready; while :; do sleep 0.1; done";
    let (gui, w, xid) = start(&x, "panes-drag", &["-e", "sh", "-c", sh]);
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let out = gui.msg(&["split", &tab.to_string(), "--direction", "right", "-e", "sh", "-c", sh]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    let before = settled(&gui, 2, c);
    gui.wait_text(new, "ready");
    let winches = |id: u64| {
        let out = gui.msg(&["get-text", &id.to_string(), "--scrollback"]);
        String::from_utf8_lossy(&out.stdout).matches("WINCH").count()
    };
    // Let the split's own resizes arrive, then count.
    std::thread::sleep(Duration::from_millis(500));
    let (w0, w1) = (winches(tab), winches(new));
    let left = before.iter().find(|p| p.id == tab).unwrap().clone();
    let right = before.iter().find(|p| p.id == new).unwrap().clone();
    let (lr, rr) = (left.rect.unwrap(), right.rect.unwrap());
    let x_div = ((lr.0 + lr.2 + rr.0) / 2.0).round() as i64;
    let y = (lr.1 + lr.3 / 2.0) as i64;
    let to = x_div - (8.0 * c.0) as i64;
    gui.xdotool(&["mousemove", "--window", &xid, &x_div.to_string(), &y.to_string()]);
    gui.xdotool(&["mousedown", "1"]);
    gui.xdotool(&["mousemove", "--window", &xid, &(x_div - 20).to_string(), &y.to_string()]);
    gui.xdotool(&["mousemove", "--window", &xid, &to.to_string(), &y.to_string()]);
    gui.xdotool(&["mouseup", "1"]);
    let after = settled(&gui, 2, c);
    let l2 = after.iter().find(|p| p.id == tab).unwrap();
    let r2 = after.iter().find(|p| p.id == new).unwrap();
    assert_eq!(l2.cols, left.cols - 8, "the left pane lost 8 columns: {before:?} → {after:?}");
    assert_eq!(r2.cols, right.cols + 8, "the right pane gained them");
    assert!(
        wait_until(Duration::from_secs(10), || winches(tab) > w0 && winches(new) > w1),
        "both programs got SIGWINCH: {} → {}, {} → {}",
        w0,
        winches(tab),
        w1,
        winches(new)
    );
}

#[test]
fn focus_moves_by_direction_and_zoom_gives_one_pane_the_whole_tab() {
    let x = Xvfb::start();
    let (gui, w, _xid) = start(&x, "panes-focus", &["-e", "sh"]);
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let full = settled(&gui, 1, c)[0].clone();
    gui.xdotool(&["key", "ctrl+shift+o"]);
    let two = settled(&gui, 2, c);
    let new = two.iter().find(|p| p.id != tab).unwrap().id;
    gui.xdotool(&["type", "echo typed-in-right-$((1+1))\n"]);
    gui.wait_text(new, "typed-in-right-2");
    gui.xdotool(&["key", "ctrl+alt+Left"]);
    assert!(
        wait_until(Duration::from_secs(5), || panes(&gui).iter().any(|p| p.id == tab && p.focused)),
        "ctrl+alt+left focuses the left pane: {:?}",
        panes(&gui)
    );
    gui.xdotool(&["type", "echo typed-in-left-$((2+1))\n"]);
    gui.wait_text(tab, "typed-in-left-3");
    assert!(!gui.text(new).contains("typed-in-left"), "only the focused pane got the keys");
    gui.xdotool(&["key", "ctrl+alt+Left"]);
    gui.xdotool(&["key", "ctrl+alt+Right"]);
    assert!(
        wait_until(Duration::from_secs(5), || panes(&gui).iter().any(|p| p.id == new && p.focused)),
        "nothing left of the left pane; right goes back"
    );
    // Zoom: the focused pane's PTY gets the whole tab, then its half back.
    let half = panes(&gui).iter().find(|p| p.id == new).unwrap().cols;
    gui.xdotool(&["key", "ctrl+alt+Return"]);
    assert!(
        wait_until(Duration::from_secs(10), || {
            let list = gui.json(&["list"]);
            let p = panes(&gui);
            list["windows"][0]["tabs"][0]["zoomed"] == true
                && p.iter().any(|p| p.id == new && p.cols == full.cols && p.lines == full.lines)
        }),
        "zoomed to {}x{}: {:?}",
        full.cols,
        full.lines,
        panes(&gui)
    );
    gui.xdotool(&["type", "stty size\n"]);
    gui.wait_text(new, &format!("{} {}", full.lines, full.cols));
    gui.xdotool(&["key", "ctrl+alt+Return"]);
    let back = settled(&gui, 2, c);
    assert_eq!(back.iter().find(|p| p.id == new).unwrap().cols, half, "unzoomed");
    // Closing the focused pane gives its space to the other — also when it is the tab's
    // first pane, whose id is the tab's (the tab lives on in the split's pane).
    gui.xdotool(&["key", "ctrl+alt+Left"]);
    assert!(wait_until(Duration::from_secs(5), || panes(&gui)
        .iter()
        .any(|p| p.id == tab && p.focused)));
    gui.xdotool(&["key", "ctrl+shift+w"]);
    back_to_one(&gui, new, &full, c);
    // The shell's output, not the echo of the typed line.
    gui.xdotool(&["type", "echo still-$((40+2))\n"]);
    gui.wait_text(new, "still-42");
}

#[test]
fn mouse_reports_go_to_the_pane_under_the_pointer_with_pane_relative_cells() {
    let x = Xvfb::start();
    let log = std::env::temp_dir().join(format!("uvterm-panes-mouse-{}", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let (gui, w, xid) = start(&x, "panes-mouse", &["-e", "sh"]);
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let out = gui.msg(&[
        "split",
        &tab.to_string(),
        "--direction",
        "down",
        "-e",
        "python3",
        KEYLOG,
        log.to_str().unwrap(),
        "\\x1b[?1000;1006h",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let low: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    gui.wait_text(low, "READY");
    let ps = settled(&gui, 2, c);
    let p = ps.iter().find(|p| p.id == low).unwrap();
    let (px, py, _, _) = p.rect.unwrap();
    // The middle of the pane's cell at column 5, line 3 (0-based): SGR reports 6;4.
    let mx = (px + 5.5 * c.0) as i64;
    let my = (py + 3.5 * c.1) as i64;
    gui.xdotool(&["mousemove", "--window", &xid, &mx.to_string(), &my.to_string()]);
    gui.xdotool(&["click", "1"]);
    let mut got = String::new();
    let ok = wait_until(Duration::from_secs(10), || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let bytes: Vec<u8> = text
            .lines()
            .flat_map(|l| {
                (0..l.len() / 2)
                    .filter_map(move |i| u8::from_str_radix(&l[2 * i..2 * i + 2], 16).ok())
            })
            .collect();
        got = String::from_utf8_lossy(&bytes).into_owned();
        got.contains("\x1b[<0;6;4m")
    });
    assert!(ok, "the lower pane's program got {got:?}, not the press at 6;4 in its own cells");
    assert!(got.contains("\x1b[<0;6;4M"), "press then release: {got:?}");
    // The click focused the lower pane; the upper one got no report.
    assert!(panes(&gui).iter().any(|p| p.id == low && p.focused));
    assert!(!gui.text(tab).contains("[<0;"), "nothing echoed in the upper pane");
    let _ = std::fs::remove_file(&log);
}

#[test]
fn unfocused_panes_are_faded_towards_their_background() {
    let x = Xvfb::start();
    // The default fade (panes.dim_unfocused = 0.2), not the other tests' 0.
    let gui = Gui::start(&x, "panes-dim", &["-o", "shell.program=\"sh\"", "-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let rgb = [250u8, 20, 200];
    let script = gui.dir.join("marker.sh");
    std::fs::write(&script, "printf '\\033[48;2;250;20;200m      \\033[0m\\n'\n").unwrap();
    gui.msg(&["send-text", &tab.to_string(), &format!("sh {}\n", script.display())]);
    gui.xdotool(&["key", "ctrl+shift+o"]);
    let two = settled(&gui, 2, c);
    let left = two.iter().find(|p| p.id == tab).unwrap().clone();
    let (px, py, pw, ph) = left.rect.unwrap();
    // The pane's background: its last cell, empty.
    let bg_at =
        |img: &Image| img.px((px + pw - c.0 / 2.0) as usize, (py + ph - c.1 / 2.0) as usize);
    let faded = |bg: [u8; 3]| {
        let mix = |a: u8, b: u8| (a as f64 * 0.8 + b as f64 * 0.2).round() as u8;
        [mix(rgb[0], bg[0]), mix(rgb[1], bg[1]), mix(rgb[2], bg[2])]
    };
    let xid_n: u64 = xid.parse().unwrap();
    let img = gui
        .capture_when(xid_n, Duration::from_secs(10), |img| bbox(img, faded(bg_at(img))).is_some());
    let bg = bg_at(&img);
    assert!(bbox(&img, faded(bg)).is_some(), "the unfocused pane's marker is faded by 0.2");
    assert!(bbox(&img, rgb).is_none_or(|b| b.0 as f64 >= px + pw), "and not at full colour");
    gui.xdotool(&["key", "ctrl+alt+Left"]);
    let img = gui.capture_when(xid_n, Duration::from_secs(10), |img| bbox(img, rgb).is_some());
    let (x0, ..) = bbox(&img, rgb).expect("focused: the marker at full colour");
    assert!((x0 as f64) < px + pw, "inside the left pane");
}

/// The pixels of the cell whose top-left corner is at (x, y), `(cw, ch)` big.
fn cell_pixels(img: &Image, (x, y): (f64, f64), (cw, ch): (f64, f64)) -> Vec<[u8; 3]> {
    let (x0, y0) = (x.round() as usize, y.round() as usize);
    let mut px = Vec::new();
    for dy in 0..ch as usize {
        for dx in 0..cw as usize {
            px.push(img.px(x0 + dx, y0 + dy));
        }
    }
    px
}

/// How many pixels of two equally sized cells differ by more than `tol` in some channel.
fn differing(a: &[[u8; 3]], b: &[[u8; 3]], tol: i32) -> usize {
    a.iter().zip(b).filter(|(a, b)| !close(**a, **b, tol)).count()
}

#[test]
fn hold_exited_keeps_an_exited_pane_with_its_status_until_enter_closes_it() {
    let x = Xvfb::start();
    let (gui, w, xid) = start(&x, "panes-hold", &["-o", "panes.hold_exited=true", "-e", "sh"]);
    let xid_n: u64 = xid.parse().unwrap();
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let full = settled(&gui, 1, c)[0].clone();
    std::thread::sleep(Duration::from_millis(500));
    let base = gui.json(&["stats"]);
    let out = gui.msg(&["split", &tab.to_string(), "--direction", "right", "-e", "sh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    let two = settled(&gui, 2, c);
    let left = two.iter().find(|p| p.id == tab).unwrap().clone();
    let right = two.iter().find(|p| p.id == new).unwrap().clone();
    assert!(right.focused, "the new pane has the keyboard: {two:?}");
    // The right pane's last words: a teal marker. The left pane's top-left cell: a white `3`
    // on the notice's background (40;40;90), the reference the notice's digit must match.
    let teal = [20u8, 200, 180];
    let marker = gui.dir.join("marker.sh");
    std::fs::write(&marker, "printf '\\033[48;2;20;200;180m      \\033[0m\\n'; echo marked\n")
        .unwrap();
    let reference = gui.dir.join("reference.sh");
    std::fs::write(
        &reference,
        "printf '\\033[H\\033[2J\\033[38;2;255;255;255;48;2;40;40;90m3\\033[0m\\n'; echo ref-done\n",
    )
    .unwrap();
    gui.msg(&["send-text", &new.to_string(), &format!("sh {}\n", marker.display())]);
    gui.wait_text(new, "marked\n");
    gui.msg(&["send-text", &tab.to_string(), &format!("sh {}\n", reference.display())]);
    gui.wait_text(tab, "ref-done\n");
    assert!(gui.msg(&["send-text", &new.to_string(), "exit 3\n"]).status.success());
    // The I/O thread forgets the pane (`list` no longer shows it); the other keeps its size.
    let mut now = Vec::new();
    assert!(
        wait_until(Duration::from_secs(10), || {
            now = panes(&gui);
            now.len() == 1
        }),
        "the exited pane left `list`: {now:?}"
    );
    assert_eq!((now[0].id, now[0].cols, now[0].lines), (tab, left.cols, left.lines), "{now:?}");
    assert_eq!(now[0].rect, left.rect, "the live pane keeps its place while the other is held");
    // Its rectangle still shows its last screen, with the notice on its last line.
    let (rx, ry, _, _) = right.rect.unwrap();
    let notice_y = ry + (right.lines - 1) as f64 * c.1;
    let bar = [40u8, 40, 90];
    let img = gui.capture_when(xid_n, Duration::from_secs(10), |img| {
        bbox(img, teal).is_some()
            && close(img.px((rx + 0.5 * c.0) as usize, (notice_y + 1.0) as usize), bar, 8)
    });
    let (x0, y0, x1, y1) = bbox(&img, teal).expect("the held pane still shows its marker");
    let (px, py, pw, ph) = right.rect.unwrap();
    assert!(
        x0 as f64 >= px && y0 as f64 >= py && (x1 as f64) < px + pw && (y1 as f64) < py + ph,
        "the marker {:?} is inside the held pane {:?}",
        (x0, y0, x1, y1),
        right.rect
    );
    assert!(
        close(img.px((rx + 0.5 * c.0) as usize, (notice_y + 1.0) as usize), bar, 8),
        "the notice bar on the held pane's last line"
    );
    // "[process exited with status 3 - Enter closes]": the `3` is the 29th cell; drawn as the
    // terminal draws a white `3` on that background (the reference), unlike the blank cell
    // before it.
    let (lx, ly, _, _) = left.rect.unwrap();
    let want = cell_pixels(&img, (lx, ly), c);
    let digit = cell_pixels(&img, (rx + 28.0 * c.0, notice_y), c);
    let blank = cell_pixels(&img, (rx + 27.0 * c.0, notice_y), c);
    let lit = want.iter().filter(|p| p.iter().all(|&v| v > 160)).count();
    assert!(lit >= 4, "the reference `3` was drawn ({lit} light pixels)");
    assert!(differing(&want, &blank, 48) >= lit / 2, "the blank cell is not a `3`");
    assert!(
        differing(&want, &digit, 48) <= want.len() / 20,
        "the notice shows status 3: {} of {} pixels differ from a drawn `3`",
        differing(&want, &digit, 48),
        want.len()
    );
    // Keys other than Enter/Escape go nowhere; Enter closes it and the neighbour takes the
    // space.
    gui.xdotool(&["key", "x"]);
    std::thread::sleep(Duration::from_millis(300));
    let img = gui.capture(xid_n);
    assert!(
        bbox(&img, teal).is_some()
            && close(img.px((rx + 0.5 * c.0) as usize, (notice_y + 1.0) as usize), bar, 8),
        "another key leaves the held pane as it is"
    );
    assert!(!gui.text(tab).contains("ref-done\nx"), "nor reaches the other pane");
    gui.xdotool(&["key", "Return"]);
    back_to_one(&gui, tab, &full, c);
    gui.msg(&["send-text", &tab.to_string(), "stty size\n"]);
    gui.wait_text(tab, &format!("{} {}", full.lines, full.cols));
    let img = gui.capture_when(xid_n, Duration::from_secs(10), |img| bbox(img, teal).is_none());
    assert!(bbox(&img, teal).is_none(), "the held pane's screen is gone");
    // Again, closed by the close-pane key this time; while it is held, a split from it opens
    // beside the running pane (the one the I/O thread knows).
    let out = gui.msg(&["split", &tab.to_string(), "--direction", "down", "-e", "sh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let low: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    settled(&gui, 2, c);
    assert!(gui.msg(&["send-text", &low.to_string(), "exit\n"]).status.success());
    assert!(wait_until(Duration::from_secs(10), || panes(&gui).len() == 1), "held");
    gui.xdotool(&["key", "ctrl+shift+o"]);
    let mut now = Vec::new();
    assert!(
        wait_until(Duration::from_secs(10), || {
            now = panes(&gui);
            now.len() == 2 && now.iter().any(|p| p.id != tab && p.focused)
        }),
        "a split from the held pane: {now:?}"
    );
    let third = now.iter().find(|p| p.id != tab).unwrap().id;
    assert!(gui.msg(&["send-text", &third.to_string(), "exit\n"]).status.success());
    assert!(wait_until(Duration::from_secs(10), || panes(&gui).len() == 1), "held too");
    // Two held panes now: the close-pane key closes the focused one (the newest, right of
    // the live pane, which gets its columns back) without asking; Escape in the one below.
    gui.xdotool(&["key", "ctrl+shift+w"]);
    assert!(
        wait_until(Duration::from_secs(10), || {
            now = panes(&gui);
            now.len() == 1 && now[0].cols == full.cols && now[0].lines < full.lines
        }),
        "the live pane took the right one's columns: {now:?}"
    );
    gui.xdotool(&["key", "ctrl+alt+Down"]);
    gui.xdotool(&["key", "Escape"]);
    back_to_one(&gui, tab, &full, c);
    // Everything of the pane is gone: back at the baseline taken before the split.
    assert!(wait_until(Duration::from_secs(10), || gui.json(&["stats"])["children"]
        == base["children"]));
    let after = gui.json(&["stats"]);
    for key in ["tabs", "panes", "windows", "slots", "uv_handles", "fds", "children"] {
        assert_eq!(after[key], base[key], "{key}: {base} -> {after}");
    }
}

#[test]
fn without_hold_exited_an_exited_pane_closes_at_once() {
    let x = Xvfb::start();
    let (gui, w, _xid) = start(&x, "panes-nohold", &["-e", "sh"]);
    let c = cell(&w);
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let full = settled(&gui, 1, c)[0].clone();
    let out = gui.msg(&["split", &tab.to_string(), "--direction", "down", "-e", "sh"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pane id");
    settled(&gui, 2, c);
    assert!(gui.msg(&["send-text", &new.to_string(), "exit 3\n"]).status.success());
    back_to_one(&gui, tab, &full, c);
}
