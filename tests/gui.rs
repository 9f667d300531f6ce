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

struct Cells {
    x0: f64,
    y0: f64,
    cw: f64,
    ch: f64,
}

impl Cells {
    fn of(window: &serde_json::Value) -> Cells {
        let g = &window["geometry"];
        Cells {
            x0: g["x0"].as_f64().unwrap(),
            y0: g["y0"].as_f64().unwrap(),
            cw: g["cell_width"].as_f64().unwrap(),
            ch: g["cell_height"].as_f64().unwrap(),
        }
    }

    /// The pixels of cells `cols` on `line`.
    fn pixels(&self, img: &Image, line: usize, cols: std::ops::Range<usize>) -> Vec<[u8; 3]> {
        img.region(
            self.x0 + cols.start as f64 * self.cw,
            self.y0 + line as f64 * self.ch,
            (cols.end - cols.start) as f64 * self.cw,
            self.ch,
        )
    }
}

fn share(px: &[[u8; 3]], color: [u8; 3]) -> f64 {
    px.iter().filter(|p| close(**p, color, 24)).count() as f64 / px.len().max(1) as f64
}

#[test]
fn colours_text_and_box_drawing_are_drawn_in_their_cells() {
    let x = Xvfb::start();
    let script = "printf '\\033[41m    \\033[0m\\033[32mGGGG\\033[0m\\n\\033(0lqqqk\\nx   x\\nmqqqj\\033(B\\n'; printf '\\033]2;pixels-test\\007'; exec sleep 60";
    let gui = Gui::start(&x, "pixels", &["-e", "sh", "-c", script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "GGGG");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let cells = Cells::of(&w);
    // Let a frame land after the output.
    std::thread::sleep(Duration::from_millis(300));
    let img = gui.capture(xid);

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
