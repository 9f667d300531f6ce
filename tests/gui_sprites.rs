//! Sprites in the real window under Xvfb + Mesa llvmpipe, on OpenGL 3.3 and on GLES: rounded
//! corners, a continuous row of ─, ▀ and a sextant, drawn procedurally at the cell size
//! (src/render/boxdraw.rs) and read back from the X server pixel by pixel.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

const BLACK: [u8; 3] = [0, 0, 0];
const FG: [u8; 3] = [0xe5, 0xe5, 0xe5];

/// The window's cell grid in pixels (whole cells: uvterm's cells are integer-sized).
struct Cells {
    x0: usize,
    y0: usize,
    cw: usize,
    ch: usize,
}

impl Cells {
    /// The colour of pixel `(x, y)` inside the cell at `line`, `col`.
    fn px(&self, img: &Image, line: usize, col: usize, x: usize, y: usize) -> [u8; 3] {
        img.px(self.x0 + col * self.cw + x, self.y0 + line * self.ch + y)
    }

    fn fg(&self, img: &Image, line: usize, col: usize, x: usize, y: usize) -> bool {
        close(self.px(img, line, col, x, y), FG, 40)
    }

    fn bg(&self, img: &Image, line: usize, col: usize, x: usize, y: usize) -> bool {
        close(self.px(img, line, col, x, y), BLACK, 40)
    }
}

/// Line 0: `╭─╮ ┌─┐`; line 1: eight `─`; line 2: `▀`; line 3: sextant-1 (U+1FB00) and
/// sextant-23456 (U+1FB3B).
fn sprites_are_drawn(name: &str, gl_api: &str) {
    let x = Xvfb::start();
    let script = "printf '╭─╮ ┌─┐\\n────────\\n▀\\n\u{1FB00}\u{1FB3B}\\nMARK'; exec sleep 60";
    let env = [("UVTERM_GL_API", gl_api), ("RUST_LOG", "uvterm=info")];
    let gui = Gui::start_with_env(&x, name, &["-e", "sh", "-c", script], &env);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "MARK");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let g = &w["geometry"];
    let num = |k: &str| g[k].as_f64().unwrap_or(0.0);
    let c = Cells {
        x0: num("x0").round() as usize,
        y0: num("y0").round() as usize,
        cw: num("cell_width").round() as usize,
        ch: num("cell_height").round() as usize,
    };
    assert!(c.cw >= 4 && c.ch >= 6, "cells of a usable size: {}x{}", c.cw, c.ch);
    eprintln!("{name}: cells {}x{} at ({}, {})", c.cw, c.ch, c.x0, c.y0);
    // Wait for a frame with ▀ drawn.
    let img = gui.capture_when(xid, Duration::from_secs(30), |img| c.fg(img, 2, 0, 0, 0));

    // The row of ─ is one unbroken line across eight cells; find its rows.
    let rows: Vec<usize> = (0..c.ch)
        .filter(|&y| (0..8 * c.cw).all(|x| c.fg(&img, 1, x / c.cw, x % c.cw, y)))
        .collect();
    assert!(!rows.is_empty(), "a row of ─ is continuous across cells");
    let row = rows[0];
    assert!((0..8 * c.cw).all(|x| c.bg(&img, 1, x / c.cw, x % c.cw, 0)), "nothing above it");
    // ┌ (cell 4): its vertical arm's column, from its bottom edge.
    let cols: Vec<usize> = (0..c.cw).filter(|&x| c.fg(&img, 0, 4, x, c.ch - 1)).collect();
    assert!(!cols.is_empty(), "┌ reaches the bottom edge");
    let col = cols[0];
    assert!(c.fg(&img, 0, 4, col, row), "┌'s corner pixel is foreground");
    assert!(c.bg(&img, 0, 0, col, row), "╭'s corner pixel is background (rounded)");
    assert!(c.bg(&img, 0, 2, col, row), "╮'s too");
    // The arc still joins its neighbours on the same row and column as the straight lines.
    assert!(c.fg(&img, 0, 0, c.cw - 1, row), "╭ meets ─ on its row");
    assert!(c.fg(&img, 0, 0, col, c.ch - 1), "╭ goes down on ┌'s column");
    assert!(c.fg(&img, 0, 2, 0, row), "╮ meets ─ from the left");
    let anti_aliased = (0..c.ch).any(|y| {
        (0..c.cw).any(|x| {
            let p = c.px(&img, 0, 0, x, y);
            p[0] > 40 && p[0] < 200
        })
    });
    assert!(anti_aliased, "the arc is anti-aliased");
    // ▀ fills exactly the top half.
    let half = c.ch / 2;
    for y in 0..c.ch {
        let line_fg = (0..c.cw).all(|x| c.fg(&img, 2, 0, x, y));
        let line_bg = (0..c.cw).all(|x| c.bg(&img, 2, 0, x, y));
        if y < half {
            assert!(line_fg, "▀ row {y} is filled");
        } else if y >= c.ch.div_ceil(2) {
            assert!(line_bg, "▀ row {y} is empty");
        } else {
            assert!(line_fg || line_bg, "▀'s middle row is all or nothing");
        }
    }
    // Sextant-1 fills its top-left part and nothing else; sextant-23456 the rest.
    let (mx, t1, t2) = (c.cw / 2, c.ch / 3, 2 * c.ch / 3);
    for y in 0..c.ch {
        for x in 0..c.cw {
            // Skip the pixels on a split, which round either way.
            if x + 1 == mx || x == mx || y + 1 == t1 || y == t1 {
                continue;
            }
            let in_part = x < mx && y < t1;
            assert_eq!(c.fg(&img, 3, 0, x, y), in_part, "sextant-1 at ({x}, {y})");
            assert_eq!(c.bg(&img, 3, 0, x, y), !in_part, "sextant-1 at ({x}, {y})");
            assert_eq!(c.fg(&img, 3, 1, x, y), !in_part, "sextant-23456 at ({x}, {y})");
        }
    }
    let _ = t2;
    let log = gui.stderr();
    if gl_api == "gles" {
        assert!(log.contains("Gles3") && log.contains("OpenGL ES"), "a GLES context: {log}");
    } else {
        assert!(log.contains("Gl33"), "OpenGL 3.3 core: {log}");
    }
}

#[test]
fn sprites_are_drawn_pixel_exact_on_gl33() {
    sprites_are_drawn("sprites", "");
}

#[test]
fn sprites_are_drawn_pixel_exact_on_gles() {
    sprites_are_drawn("sprites-gles", "gles");
}
