//! The resource overlay (Ctrl+Shift+M) and the ledger of a real window, under Xvfb: the key
//! opens a box of the window's tabs over the cells and closes it again; `stats --tabs` names
//! the tab the window shows and the renderer's GPU estimate.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

/// The overlay's box colour (`app::overlay`).
const BOX: [u8; 3] = [0x10, 0x10, 0x30];

#[test]
fn the_overlay_toggles_and_the_ledger_knows_the_window() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "overlay", &["-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let g = &w["geometry"];
    let (x0, y0) = (g["x0"].as_f64().unwrap(), g["y0"].as_f64().unwrap());
    let (cw, ch) = (g["cell_width"].as_f64().unwrap(), g["cell_height"].as_f64().unwrap());
    // The header line's first 30 cells: the box covers them once the overlay is up.
    let boxed = |img: &Image| {
        let px = img.region(x0, y0, cw * 30.0, ch);
        px.iter().filter(|p| close(**p, BOX, 8)).count() * 2 > px.len()
    };
    gui.xdotool(&["windowfocus", &xid.to_string()]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(!boxed(&gui.capture(xid)), "no overlay before the key");
    gui.xdotool(&["key", "ctrl+shift+m"]);
    let img = gui.capture_when(xid, Duration::from_secs(20), boxed);
    assert!(boxed(&img), "Ctrl+Shift+M draws the overlay's box over the cells");
    gui.xdotool(&["key", "ctrl+shift+m"]);
    let img = gui.capture_when(xid, Duration::from_secs(20), |i| !boxed(i));
    assert!(!boxed(&img), "Ctrl+Shift+M again takes it away");

    let ledger = gui.json(&["stats", "--tabs"]);
    let t = &ledger["tabs"][0];
    assert_eq!(t["id"], tab);
    assert_eq!(t["focused"], true, "the tab the window shows: {t}");
    assert!(t["heap_bytes"].as_u64().unwrap() > 0);
    let totals = &ledger["totals"];
    assert!(totals["gl_objects"].as_u64().unwrap() > 0, "{totals}");
    // At least the glyph atlas (RGBA8) is on the GPU.
    assert!(totals["gpu_bytes_estimate"].as_u64().unwrap() >= 256 * 256 * 4, "{totals}");
}
