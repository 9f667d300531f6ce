//! The real window under Xvfb + Mesa llvmpipe: what is drawn (read back from the X server and
//! checked pixel by pixel), typing through the X server, resizing, titles, configuration.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

const BLACK: [u8; 3] = [0, 0, 0];
const RED: [u8; 3] = [0xcd, 0, 0];
const GREEN: [u8; 3] = [0, 0xcd, 0];
const FG: [u8; 3] = [0xe5, 0xe5, 0xe5];

#[test]
fn colours_text_and_box_drawing_are_drawn_in_their_cells() {
    let (_x, gui) = draw_known_screen("pixels", "");
    assert!(gui.stderr().contains("Gl33"), "OpenGL 3.3 core first: {}", gui.stderr());
}

/// The same pixels through the fallback renderer path (GLSL ES 3.0 shaders, GLES context).
#[test]
fn the_gles_fallback_draws_the_same() {
    let (_x, gui) = draw_known_screen("pixels-gles", "gles");
    let log = gui.stderr();
    assert!(log.contains("Gles3") && log.contains("OpenGL ES"), "a GLES context: {log}");
}

/// Print coloured text and a box, read the window back and check it cell by cell.
fn draw_known_screen(name: &str, gl_api: &str) -> (Xvfb, Gui) {
    let x = Xvfb::start();
    let script = "printf '\\033[41m    \\033[0m\\033[32mGGGG\\033[0m\\n\\033(0lqqqk\\nx   x\\nmqqqj\\033(B\\n'; printf '\\033]2;pixels-test\\007'; exec sleep 60";
    let env = [("UVTERM_GL_API", gl_api), ("RUST_LOG", "uvterm=info")];
    let gui = Gui::start_with_env(&x, name, &["-e", "sh", "-c", script], &env);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "GGGG");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let cells = Cells::of(&w);
    // Wait for a frame with the output (the checks below then say what is wrong with it).
    let img = gui.capture_when(xid, Duration::from_secs(30), |img| {
        share(&cells.pixels(img, 0, 0..4), RED) > 0.98
    });

    // Cells 0-3 of line 0: red background, nothing else.
    let red = cells.pixels(&img, 0, 0..4);
    assert!(share(&red, RED) > 0.98, "red cells: {:.2} red", share(&red, RED));
    // Cells 4-7: green glyphs on black.
    let g = cells.pixels(&img, 0, 4..8);
    let green_ink = g.iter().filter(|p| p[1] > 60 && p[0] < 60 && p[2] < 60).count();
    assert!(g.iter().any(|p| close(*p, GREEN, 40)), "some glyph pixels at full green");
    assert!(green_ink > 20, "green glyph pixels: {green_ink}");
    assert!(share(&g, BLACK) > 0.5, "mostly background around the glyphs");
    assert!(!g.iter().any(|p| close(*p, RED, 30)), "no red where green text is");
    // An empty cell: background only.
    let empty = cells.pixels(&img, 0, 20..30);
    assert_eq!(share(&empty, BLACK), 1.0, "empty cells are plain background");
    // Box drawing: the top edge ┌───┐ is one unbroken horizontal line across the cells, and
    // the left edge one unbroken vertical line down lines 1-3.
    let y_top = (cells.y0 + cells.ch) as usize..(cells.y0 + 2.0 * cells.ch) as usize;
    let x_span = (cells.x0 + 0.5 * cells.cw) as usize..(cells.x0 + 4.5 * cells.cw) as usize;
    let full_row = y_top.clone().find(|&y| x_span.clone().all(|x| close(img.px(x, y), FG, 40)));
    assert!(full_row.is_some(), "the box's top edge joins across cells");
    let x_left = (cells.x0 as usize)..(cells.x0 + cells.cw) as usize;
    let y_span = (cells.y0 + 1.5 * cells.ch) as usize..(cells.y0 + 3.5 * cells.ch) as usize;
    let full_col = x_left.clone().find(|&x| y_span.clone().all(|y| close(img.px(x, y), FG, 40)));
    assert!(full_col.is_some(), "the box's left edge joins across lines");
    // The window title follows OSC 2.
    assert!(wait_until(Duration::from_secs(5), || {
        let name = gui.xdotool(&["getwindowname", &xid.to_string()]);
        String::from_utf8_lossy(&name.stdout).trim() == "pixels-test"
    }));
    (x, gui)
}

#[test]
fn typing_reaches_the_shell_and_resizing_resizes_the_pty() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "typing", &["-e", "env", "PS1=$ ", "sh"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.wait_text(tab, "$");
    // Real key events through the X server (XTEST).
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(200));
    gui.xdotool(&["type", "--delay", "20", "echo typed-$((40+2))"]);
    gui.xdotool(&["key", "Return"]);
    gui.wait_text(tab, "typed-42");
    // Resize the window: the tab and its PTY follow.
    gui.xdotool(&["windowsize", &xid, "500", "300"]);
    assert!(
        wait_until(Duration::from_secs(10), || {
            let w = gui.window();
            w["geometry"]["width"] == 500 && w["tabs"][0]["cols"] == w["geometry"]["cols"]
        }),
        "the tab did not follow the window: {}",
        gui.window()
    );
    let w = gui.window();
    let (cols, lines) =
        (w["geometry"]["cols"].as_u64().unwrap(), w["geometry"]["lines"].as_u64().unwrap());
    assert!(cols < 80, "narrower: {cols}");
    gui.msg(&["send-text", &tab.to_string(), "stty size\\r"]);
    gui.wait_text(tab, &format!("{lines} {cols}"));
}

/// A window made taller, then shorter again, shows its rows where they were: each of four
/// lines on its own background colour, read back cell by cell after each resize. The
/// program prints nothing more (cat), so the frame drawn right after the resize is what
/// stays: Mesa's software GLX learned the new size only at a swap, and that frame was drawn
/// into the old buffer, shifted by the change in height.
#[test]
fn a_resized_window_keeps_its_rows_in_place() {
    let x = Xvfb::start();
    let script =
        "for c in 41 42 44 45; do printf '\\033[%smRow %s\\033[0m\\n' $c $c; done; exec cat";
    let gui = Gui::start(&x, "resize-rows", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    gui.wait_text(tab, "Row 45");
    // The background of each line's first cell (a space-free cell: 'R' is drawn over it, so
    // the share of the colour is checked, not every pixel).
    let colours: [[u8; 3]; 4] = [RED, GREEN, [0, 0, 0xee], [0xcd, 0, 0xcd]];
    let rows_in_place = |img: &Image| {
        colours.iter().enumerate().all(|(line, &c)| share(&cells.pixels(img, line, 0..6), c) > 0.5)
    };
    let img = gui.capture_when(xid, Duration::from_secs(20), rows_in_place);
    assert!(rows_in_place(&img), "the lines on their backgrounds at the start");
    let height = w["geometry"]["height"].as_u64().unwrap();
    for (step, h) in [("taller", height + 200), ("shorter", height.saturating_sub(100))] {
        gui.xdotool(&["windowsize", &xid.to_string(), "600", &h.to_string()]);
        assert!(
            wait_until(Duration::from_secs(10), || gui.window()["geometry"]["height"] == h),
            "the window is {h} pixels tall: {}",
            gui.window()
        );
        let img = gui.capture_when(xid, Duration::from_secs(10), rows_in_place);
        if !rows_in_place(&img) {
            let path = std::env::temp_dir().join(format!("uvterm-resize-rows-{step}.ppm"));
            img.save(&path);
            panic!(
                "{step}: the lines are not on their backgrounds (capture in {})",
                path.display()
            );
        }
    }
}

#[test]
fn a_missing_command_is_reported() {
    let x = Xvfb::start();
    let mut gui = Gui::start(&x, "missing", &["-e", "no-such-program-here"]);
    let status = gui.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(gui.stderr().contains("no-such-program-here: command not found"), "{}", gui.stderr());
}

#[test]
fn a_broken_config_is_reported_and_defaults_used() {
    let x = Xvfb::start();
    let dir = std::env::temp_dir().join(format!("uvterm-badconf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("bad.toml");
    std::fs::write(&conf, "[font\nsize = \n").unwrap();
    let gui = Gui::start(&x, "badconf", &["--config-file", conf.to_str().unwrap(), "-e", "sh"]);
    let w = gui.window();
    assert!(w["geometry"]["cols"].as_u64().unwrap() > 10, "a window with defaults");
    assert!(gui.stderr().contains("bad.toml"), "the problem is named: {}", gui.stderr());
    let _ = std::fs::remove_dir_all(&dir);
}

/// With the atlas held to 256×256 pixels, pages of 100 different glyphs fill it again and
/// again: it must evict and re-rasterize, and what is drawn afterwards must be exactly what
/// was drawn before.
#[test]
fn a_full_glyph_atlas_evicts_and_redraws_the_same() {
    let x = Xvfb::start();
    let program = r#"
import sys
chars = [chr(c) for lo, hi in ((0x100, 0x250), (0x391, 0x3CA), (0x400, 0x460)) for c in range(lo, hi)]
print("\033[32mReference line: Wj0@%&\033[0m", flush=True)
for line in sys.stdin:
    n = int(line)
    page = (chars * 2)[n * 100 % len(chars):][:100]
    print("\033[3;1H\033[J" + "".join(page) + "\nPAGE%d" % n, flush=True)
"#;
    let script = format!("stty -echo; exec python3 -c '{program}'");
    let env = [("UVTERM_ATLAS_MAX_SIZE", "256"), ("RUST_LOG", "uvterm=info,uvterm::render=debug")];
    let gui = Gui::start_with_env(&x, "atlas", &["-e", "sh", "-c", &script], &env);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap().to_string();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    gui.wait_text(tab.parse().unwrap(), "Reference");
    // The reference line as it stays: drawn, and the same in two captures in a row.
    let mut last: Vec<[u8; 3]> = Vec::new();
    let settled = gui.capture_when(xid, Duration::from_secs(30), |img| {
        let line = cells.pixels(img, 0, 0..24);
        let drawn = line.iter().any(|p| close(*p, GREEN, 40));
        drawn && std::mem::replace(&mut last, line) == last
    });
    let before = cells.pixels(&settled, 0, 0..24);
    assert!(before.iter().any(|p| close(*p, GREEN, 40)), "the reference line is drawn");
    for n in 0..8 {
        gui.msg(&["send-text", &tab, &format!("{n}\\n")]);
        gui.wait_text(tab.parse().unwrap(), &format!("PAGE{n}"));
        // Each page is drawn before the next replaces it.
        std::thread::sleep(Duration::from_millis(150));
    }
    let log = gui.stderr();
    assert!(log.contains("evicting every glyph"), "the atlas filled up: {log}");
    let ink =
        |img: &Image| cells.pixels(img, 2, 0..80).iter().filter(|p| close(**p, FG, 40)).count();
    let page = gui.capture_when(xid, Duration::from_secs(30), |img| ink(img) > 500);
    assert!(ink(&page) > 500, "the last page is drawn");
    let last =
        gui.capture_when(xid, Duration::from_secs(10), |img| cells.pixels(img, 0, 0..24) == before);
    let after = cells.pixels(&last, 0, 0..24);
    if before != after {
        // What a failure needs to be understood: where the line differs, both captures, and
        // the renderer's account of its frames and atlas resets.
        let dir = std::env::temp_dir();
        settled.save(&dir.join("uvterm-atlas-before.ppm"));
        last.save(&dir.join("uvterm-atlas-after.ppm"));
        let width = (24.0 * cells.cw).round() as usize;
        let differ: Vec<(usize, usize)> = (0..before.len().min(after.len()))
            .filter(|&i| before[i] != after[i])
            .map(|i| (i % width, i / width))
            .collect();
        let log = gui.stderr();
        let frames: Vec<&str> =
            log.lines().filter(|l| l.contains("atlas") || l.contains("frame of")).collect();
        panic!(
            "the reference line looks different after evictions: {} of {} pixels differ, \
             first (x, y) {:?}, last {:?}; captures in {}; log:\n{}",
            differ.len(),
            before.len(),
            differ.first(),
            differ.last(),
            dir.display(),
            frames.join("\n")
        );
    }
}

/// Ctrl+= / Ctrl+- / Ctrl+0 change the font size of a running window: the cells grow, the
/// grid (and the PTY) shrink to fit the same window, and the original size comes back.
#[test]
fn font_size_changes_at_run_time() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "fontsize", &["-e", "env", "PS1=$ ", "sh"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    let cell = |w: &serde_json::Value| w["geometry"]["cell_width"].as_f64().unwrap();
    let base = cell(&w);
    gui.wait_text(tab, "$");
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..4 {
        gui.xdotool(&["key", "ctrl+equal"]);
    }
    assert!(
        wait_until(Duration::from_secs(10), || {
            let w = gui.window();
            cell(&w) > base && w["tabs"][0]["cols"] == w["geometry"]["cols"]
        }),
        "bigger cells: {}",
        gui.window()
    );
    let big = gui.window();
    assert!(big["geometry"]["cols"].as_u64() < w["geometry"]["cols"].as_u64(), "fewer columns");
    gui.msg(&["send-text", &tab.to_string(), "stty size\\r"]);
    let (lines, cols) =
        (big["geometry"]["lines"].as_u64().unwrap(), big["geometry"]["cols"].as_u64().unwrap());
    gui.wait_text(tab, &format!("{lines} {cols}"));
    gui.xdotool(&["key", "ctrl+0"]);
    assert!(wait_until(Duration::from_secs(10), || cell(&gui.window()) == base), "ctrl+0 resets");
    gui.xdotool(&["key", "ctrl+minus"]);
    assert!(wait_until(Duration::from_secs(10), || cell(&gui.window()) < base), "ctrl+- shrinks");
}

/// A HiDPI scale factor (as the desktop reports it) scales fonts and padding.
#[test]
fn the_hidpi_scale_factor_is_honoured() {
    let x = Xvfb::start();
    let one = Gui::start_with_env(&x, "scale1", &["-e", "sh"], &[("WINIT_X11_SCALE_FACTOR", "1")]);
    let g1 = one.window()["geometry"].clone();
    drop(one);
    let two = Gui::start_with_env(&x, "scale2", &["-e", "sh"], &[("WINIT_X11_SCALE_FACTOR", "2")]);
    let g2 = two.window()["geometry"].clone();
    let ratio = |k: &str| g2[k].as_f64().unwrap() / g1[k].as_f64().unwrap();
    assert!((1.8..=2.2).contains(&ratio("cell_width")), "cell width {g1} vs {g2}");
    assert!((1.8..=2.2).contains(&ratio("cell_height")), "cell height {g1} vs {g2}");
    assert_eq!(ratio("x0"), 2.0, "padding scales");
    assert_eq!(g1["cols"], g2["cols"], "the same grid in a window twice the size: {g1} vs {g2}");
}

/// Render on demand: nothing changes, nothing is drawn; output draws.
#[test]
fn a_still_screen_draws_no_frames() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "idle", &["-e", "sh", "-c", "echo ready; exec cat"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "ready");
    let frames = || gui.json(&["stats"])["frames"].as_u64().unwrap();
    // Whatever was pending lands first: the count settles (no frame for half a second).
    let mut still = frames();
    let settled = wait_until(Duration::from_secs(20), || {
        std::thread::sleep(Duration::from_millis(500));
        std::mem::replace(&mut still, frames()) == still
    });
    assert!(settled, "frames kept coming after the start: {still} so far");
    assert!(still > 0, "the first frames are counted");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(frames(), still, "frames drawn while nothing changed");
    gui.msg(&["send-text", &tab.to_string(), "more\\n"]);
    gui.wait_text(tab, "more");
    assert!(wait_until(Duration::from_secs(5), || frames() > still), "output is drawn");
}

/// Characters DejaVu Sans Mono lacks come from fallback fonts: CJK (two cells wide) and a
/// colour emoji, drawn in their cells.
#[test]
fn fallback_fonts_draw_cjk_and_colour_emoji() {
    let x = Xvfb::start();
    let script =
        "printf 'ab\\346\\274\\242\\345\\255\\227cd\\n\\360\\237\\230\\200\\n'; exec sleep 60";
    let gui = Gui::start(&x, "fallback", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "cd");
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let ink = |px: &[[u8; 3]]| px.iter().filter(|p| !close(**p, BLACK, 30)).count();
    let img = gui.capture_when(xid, Duration::from_secs(30), |img| {
        ink(&cells.pixels(img, 0, 2..4)) > 30 && ink(&cells.pixels(img, 1, 0..2)) > 30
    });
    // 漢字 takes cells 2-5, and 'c' is pushed to cell 6.
    let han = cells.pixels(&img, 0, 2..4);
    let zi = cells.pixels(&img, 0, 4..6);
    assert!(ink(&han) > 30 && ink(&zi) > 30, "CJK glyphs drawn: {} {}", ink(&han), ink(&zi));
    assert!(ink(&cells.pixels(&img, 0, 6..7)) > 5, "'c' after the wide characters");
    // 😀: colour pixels (not grey), over two cells.
    let emoji = cells.pixels(&img, 1, 0..2);
    let coloured = emoji.iter().filter(|p| p[0].abs_diff(p[2]) > 60).count();
    assert!(coloured > 30, "a colour emoji: {coloured} coloured pixels");
}

/// Answers each line it reads (`N 16t`, `N 8;20;70t`…: a sequence number and a query) by
/// sending `CSI query`, reading the reply and printing it with the PTY's window size (rows
/// cols xpixels ypixels) after `got N query`.
const WINDOW_OPS_PROBE: &str = r#"
import fcntl, os, select, struct, sys, termios, tty
for line in sys.stdin:
    n, q = line.split()
    saved = termios.tcgetattr(0)
    tty.setraw(0)
    os.write(1, b"\x1b[" + q.encode())
    reply = b""
    while not reply.endswith(b"t") and select.select([0], [], [], 1)[0]:
        reply += os.read(0, 100)
    termios.tcsetattr(0, termios.TCSADRAIN, saved)
    ws = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
    print("got", n, q, reply[2:].decode() or "-", "ws", *ws, flush=True)
"#;

/// XTWINOPS in the window: pixel reports follow the font (also after a size change), and
/// `CSI 8;rows;cols t` resizes the window.
#[test]
fn window_operations_report_and_resize_the_window() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "winops", &["-e", "python3", "-c", WINDOW_OPS_PROBE]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap().to_string();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    let asked = std::cell::Cell::new(0);
    let ask = |q: &str| {
        asked.set(asked.get() + 1);
        let tag = format!("got {} {q} ", asked.get());
        gui.msg(&["send-text", &tab, &format!("{} {q}\\r", asked.get())]);
        let text = gui.wait_text(tab.parse().unwrap(), &tag);
        let line = text.lines().find(|l| l.starts_with(&tag)).unwrap();
        line.split_whitespace().skip(3).map(str::to_owned).collect::<Vec<_>>()
    };
    let geometry = |w: &serde_json::Value| {
        let g = &w["geometry"];
        let n = |k: &str| g[k].as_f64().unwrap().round() as u64;
        (n("cell_width"), n("cell_height"), n("cols"), n("lines"))
    };
    let check = |(cw, ch, cols, lines): (u64, u64, u64, u64)| {
        let ws = format!("{lines} {cols} {} {}", cols * cw, lines * ch);
        assert_eq!(ask("16t").join(" "), format!("6;{ch};{cw}t ws {ws}"), "cell size");
        let area = format!("4;{};{}t ws {ws}", lines * ch, cols * cw);
        assert_eq!(ask("14t").join(" "), area, "text area");
        assert_eq!(ask("18t").join(" "), format!("8;{lines};{cols}t ws {ws}"), "characters");
    };
    let start = geometry(&w);
    check(start);
    // A bigger font: new cell size in the reports and in the PTY's pixel fields.
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(200));
    gui.xdotool(&["key", "ctrl+equal", "ctrl+equal"]);
    assert!(
        wait_until(Duration::from_secs(10), || {
            let w = gui.window();
            geometry(&w).1 > start.1 && w["tabs"][0]["cols"] == w["geometry"]["cols"]
        }),
        "bigger cells: {}",
        gui.window()
    );
    check(geometry(&gui.window()));
    gui.xdotool(&["key", "ctrl+0"]);
    assert!(wait_until(Duration::from_secs(10), || geometry(&gui.window()) == start));
    // A program asks for 70x20: the window is resized to hold exactly that.
    ask("8;20;70t");
    assert!(
        wait_until(Duration::from_secs(10), || {
            let w = gui.window();
            let (_, _, cols, lines) = geometry(&w);
            (cols, lines) == (70, 20) && w["tabs"][0]["cols"] == 70
        }),
        "resized to 70x20: {}",
        gui.window()
    );
    check(geometry(&gui.window()));
}

/// XTWINOPS 13 in the window: `CSI 13 t` answers where the window is and `CSI 13;2 t` where
/// its text area is (xterm: origins on the root window), following the window when xdotool
/// moves it and when a program moves it with XTWINOPS 3. Xvfb has no window manager, so the
/// window's outer corner is its client area's and the text area is offset only by the padding.
#[test]
fn window_position_reports_follow_the_window() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "winpos", &["-e", "python3", "-c", WINDOW_OPS_PROBE]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap().to_string();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    let (x0, y0) = (
        w["geometry"]["x0"].as_f64().unwrap().round() as i64,
        w["geometry"]["y0"].as_f64().unwrap().round() as i64,
    );
    let asked = std::cell::Cell::new(0);
    let ask = |q: &str| {
        asked.set(asked.get() + 1);
        let tag = format!("got {} {q} ", asked.get());
        gui.msg(&["send-text", &tab, &format!("{} {q}\\r", asked.get())]);
        let text = gui.wait_text(tab.parse().unwrap(), &tag);
        let line = text.lines().find(|l| l.starts_with(&tag)).unwrap();
        line.split_whitespace().nth(3).unwrap_or_default().to_owned()
    };
    let at = |x: i64, y: i64| {
        let position = serde_json::json!([x, y]);
        assert!(
            wait_until(Duration::from_secs(10), || gui.window()["geometry"]["position"]
                == position),
            "the window reports {position}: {}",
            gui.window()
        );
        assert_eq!(ask("13t"), format!("3;{x};{y}t"), "window position");
        assert_eq!(ask("13;2t"), format!("3;{};{}t", x + x0, y + y0), "text area position");
    };
    at(0, 0);
    gui.xdotool(&["windowmove", &xid, "120", "80"]);
    at(120, 80);
    // A program moves it (XTWINOPS 3; no reply).
    assert_eq!(ask("3;200;150t"), "-");
    at(200, 150);
}

/// A program cannot ask for a window the X server or GL cannot allocate: XTWINOPS 4 (pixels)
/// and 8 (cells) are limited to 8192 pixels a side (30000×30000 pixels ended the X
/// connection, taking every window with it).
#[test]
fn program_resize_requests_are_limited_to_the_screen() {
    let x = Xvfb::start();
    let script = "printf '\\033[4;30000;30000t'; sleep 1; printf '\\033[8;1000;1000t'; sleep 1; \
                  echo survived; exec sleep 60";
    let mut gui = Gui::start(&x, "huge-resize", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "survived");
    std::thread::sleep(Duration::from_millis(500));
    assert!(matches!(gui.child.try_wait(), Ok(None)), "uvterm exited; stderr: {}", gui.stderr());
    let g = &gui.window()["geometry"];
    let (width, height) = (g["width"].as_u64().unwrap_or(0), g["height"].as_u64().unwrap_or(0));
    assert!(width <= 8192 && height <= 8192, "window {width}x{height} beyond 8192 pixels");
    assert!(width > 0 && height > 0);
}

/// A window made larger than the GL driver draws (32767 pixels a side, which crashed
/// llvmpipe's rasterizer threads inside uvterm) is left undrawn, with a warning, and drawn
/// again once it is smaller: the process and its tab live on.
#[test]
fn a_window_larger_than_the_driver_draws_survives_and_comes_back() {
    let x = Xvfb::start();
    let script = "printf '\\033[41m    \\033[0m\\n'; exec sleep 60";
    let mut gui = Gui::start(&x, "huge-window", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let red = |img: &Image| {
        (0..img.h).flat_map(|y| (0..img.w).map(move |x| (x, y))).any(|(x, y)| {
            let [r, g, b] = img.px(x, y);
            r > 150 && g < 60 && b < 60
        })
    };
    assert!(red(&gui.capture_when(xid, Duration::from_secs(10), red)), "drawn at first");
    let id = xid.to_string();
    gui.xdotool(&["windowsize", &id, "32767", "32767"]);
    assert!(
        wait_until(Duration::from_secs(10), || gui.stderr().contains("larger than the GL driver")),
        "the oversized window is reported: {}",
        gui.stderr()
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert!(matches!(gui.child.try_wait(), Ok(None)), "uvterm died; stderr: {}", gui.stderr());
    gui.xdotool(&["windowsize", &id, "400", "200"]);
    assert!(
        wait_until(Duration::from_secs(10), || gui.window()["geometry"]["width"] == 400),
        "the window shrank: {}",
        gui.window()["geometry"]
    );
    assert!(red(&gui.capture_when(xid, Duration::from_secs(10), red)), "drawn again");
}
