//! Shaped text in the real window under Xvfb, read back from the X server, on OpenGL 3.3
//! and on GLES: emoji sequences drawn as their single glyphs (compared with the same emoji
//! drawn alone), a flag in its colours, a visible box for a character no installed font
//! has, and a programming ligature that `font.features` turns off.
//!
//! Needs `fonts-firacode` and `fonts-noto-color-emoji` (scripts/deps.sh), and no installed
//! font with Hangul (a fresh Debian box has none; `fc-list :lang=ko` checks it).

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

const BLACK: [u8; 3] = [0, 0, 0];

fn ink(px: &[[u8; 3]]) -> usize {
    px.iter().filter(|p| !close(**p, BLACK, 30)).count()
}

fn coloured(px: &[[u8; 3]]) -> usize {
    px.iter().filter(|p| p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0) > 60).count()
}

/// Pixels that differ clearly between two same-sized regions.
fn differ(a: &[[u8; 3]], b: &[[u8; 3]]) -> usize {
    a.iter().zip(b).filter(|(p, q)| !close(**p, **q, 60)).count()
}

/// Lines printed: 0 a ZWJ family and a lone man; 1 a toned thumb, a plain one and the tone
/// alone; 2 the French flag; 3 Hangul (no font); 4 an arrow in Fira Code.
const SCRIPT: &str = "printf '%s\\n' '👨\u{200D}👩\u{200D}👧  👨' '👍🏽  👍  🏽' '🇫🇷' '한' '->'; \
                      printf 'done'; exec sleep 60";

fn start(x: &Xvfb, name: &str, gl_api: &str, features: Option<&str>) -> (Gui, Cells, u64) {
    let mut args = vec!["-o", "font.family=Fira Code"];
    if let Some(f) = features {
        args.extend(["-o", f]);
    }
    args.extend(["-e", "sh", "-c", SCRIPT]);
    let env = [("UVTERM_GL_API", gl_api), ("RUST_LOG", "uvterm=info")];
    let gui = Gui::start_with_env(x, name, &args, &env);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "done");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    (gui, Cells::of(&w), xid)
}

fn shaped_text_is_drawn(gl_api: &str) {
    let x = Xvfb::start();
    let (gui, cells, xid) = start(&x, &format!("shaping{gl_api}"), gl_api, None);
    let img = gui.capture_when(xid, Duration::from_secs(30), |img| {
        ink(&cells.pixels(img, 4, 0..2)) > 5 && coloured(&cells.pixels(img, 2, 0..2)) > 30
    });
    let log = gui.stderr();
    let api = if gl_api == "gles" { "Gles3" } else { "Gl33" };
    assert!(log.contains(api), "{api} context: {log}");

    // The family is one glyph of its own, not the man drawn first (the unshaped result).
    let family = cells.pixels(&img, 0, 0..2);
    let man = cells.pixels(&img, 0, 4..6);
    // (Noto Color Emoji draws this family in greys: ink, not colour, is what shows it.)
    assert!(ink(&family) > 30, "a family glyph: {} pixels", ink(&family));
    assert!(differ(&family, &man) > family.len() / 10, "the family is not the lone man");

    // The toned thumb: not the plain thumb, and no separate tone swatch.
    let toned = cells.pixels(&img, 1, 0..2);
    let plain = cells.pixels(&img, 1, 4..6);
    let swatch = cells.pixels(&img, 1, 8..10);
    assert!(coloured(&toned) > 30, "a colour thumb");
    assert!(differ(&toned, &plain) > toned.len() / 20, "the tone changes the thumb");
    assert!(differ(&toned, &swatch) > toned.len() / 10, "not the tone swatch");
    assert!(ink(&cells.pixels(&img, 1, 2..4)) == 0, "nothing drawn after the thumb");

    // The flag in its colours across the two cells of its two regional indicators: blue on
    // the left cell, red on the right one, not two boxed letters nor a flag squeezed into one.
    let left = cells.pixels(&img, 2, 0..1);
    let right = cells.pixels(&img, 2, 1..2);
    let blue = left.iter().filter(|p| p[2] > 120 && p[0] < 80).count();
    let red = right.iter().filter(|p| p[0] > 180 && p[1] < 110 && p[2] < 110).count();
    assert!(blue > 5 && red > 5, "French flag colours: {blue} blue left, {red} red right");

    // Hangul no font has: a visible box (its left edge a vertical line of ink).
    let hangul = cells.pixels(&img, 3, 0..2);
    assert!(ink(&hangul) > 20, "a replacement box is drawn: {} pixels", ink(&hangul));
    let (w, h) = ((2.0 * cells.cw) as usize, cells.ch as usize);
    let edge =
        (0..w / 2).any(|c| (0..h).filter(|r| !close(hangul[r * w + c], BLACK, 30)).count() > h / 2);
    assert!(edge, "the box has a vertical edge");

    // The arrow: a ligature with the default features, the two glyphs with them off. The
    // first window goes first: with no window manager a new window at the same place shows
    // the old one's pixels until it draws.
    let on = cells.pixels(&img, 4, 0..2);
    drop(gui);
    let (gui_off, cells_off, xid_off) = start(
        &x,
        &format!("shaping-off{gl_api}"),
        gl_api,
        Some("font.features=[\"-calt\",\"-liga\"]"),
    );
    let img_off = gui_off.capture_when(xid_off, Duration::from_secs(30), |img| {
        ink(&cells_off.pixels(img, 4, 0..2)) > 5
    });
    let off = cells_off.pixels(&img_off, 4, 0..2);
    assert_eq!(on.len(), off.len(), "same cells in both windows");
    assert!(differ(&on, &off) > 10, "the ligature is drawn only with ligatures on");
    assert!(
        !gui_off.stderr().contains("font.features"),
        "the features are accepted: {}",
        gui_off.stderr()
    );
}

#[test]
fn shaped_text_is_drawn_on_gl33() {
    shaped_text_is_drawn("");
}

#[test]
fn shaped_text_is_drawn_on_gles() {
    shaped_text_is_drawn("gles");
}
