//! The resource overlay (Ctrl+Shift+M) and the ledger of a real window, under Xvfb: the key
//! opens a box of the window's tabs over the cells and closes it again, as Escape does; `stats --tabs` names
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
    // Escape closes it too, and goes no further: the shell sees no Escape (it would take the
    // next key as an Alt chord, and `echo` would not run).
    gui.xdotool(&["key", "ctrl+shift+m"]);
    let img = gui.capture_when(xid, Duration::from_secs(20), boxed);
    assert!(boxed(&img), "the overlay is up again");
    gui.xdotool(&["key", "Escape"]);
    let img = gui.capture_when(xid, Duration::from_secs(20), |i| !boxed(i));
    assert!(!boxed(&img), "Escape takes the overlay away");
    gui.xdotool(&["type", "echo ov$((40+2))"]);
    gui.xdotool(&["key", "Return"]);
    gui.wait_text(tab, "ov42");

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

/// Per window, the ledger gives its own GL context's objects and GPU estimate; the windows'
/// figures add up to the process totals, and a closed window's share leaves the totals.
#[test]
fn the_ledger_splits_gl_figures_by_window() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "overlay-windows", &["-e", "sh"]);
    let first = gui.window()["id"].as_u64().unwrap();
    gui.msg(&["create-window", "-e", "sh"]);
    let second = gui.window_n(1)["id"].as_u64().unwrap();
    // Both windows have drawn (each publishes its figures after a frame) and nothing is in
    // flight: the windows' figures are complete.
    let complete = |l: &serde_json::Value| {
        let ws = l["windows"].as_array().cloned().unwrap_or_default();
        ws.len() == 2
            && ws.iter().all(|w| w["gl_objects"].as_u64().is_some_and(|n| n > 0))
            && ws.iter().map(|w| w["gl_objects"].as_u64().unwrap_or(0)).sum::<u64>()
                == l["totals"]["gl_objects"].as_u64().unwrap_or(u64::MAX)
    };
    let mut ledger = gui.json(&["stats", "--tabs"]);
    assert!(
        wait_until(Duration::from_secs(30), || {
            ledger = gui.json(&["stats", "--tabs"]);
            complete(&ledger)
        }),
        "two windows, each with its own GL figures adding up to the totals: {ledger}"
    );
    let windows = ledger["windows"].as_array().unwrap();
    for w in windows {
        // Each window's own glyph atlas (RGBA8, at least 256×256) is counted in its share.
        assert!(w["gpu_bytes_estimate"].as_u64().unwrap() >= 256 * 256 * 4, "{w}");
    }
    let gpu_sum: u64 = windows.iter().map(|w| w["gpu_bytes_estimate"].as_u64().unwrap()).sum();
    assert_eq!(gpu_sum, ledger["totals"]["gpu_bytes_estimate"].as_u64().unwrap(), "{ledger}");
    let second_objects =
        windows.iter().find(|w| w["id"] == second).and_then(|w| w["gl_objects"].as_u64()).unwrap();
    let total_before = ledger["totals"]["gl_objects"].as_u64().unwrap();

    gui.msg(&["close-window", &second.to_string()]);
    assert!(
        wait_until(Duration::from_secs(30), || {
            ledger = gui.json(&["stats", "--tabs"]);
            let ws = ledger["windows"].as_array().cloned().unwrap_or_default();
            ws.len() == 1
                && ledger["totals"]["gl_objects"].as_u64() == Some(total_before - second_objects)
        }),
        "the closed window's GL objects left the totals: {ledger}"
    );
    assert_eq!(ledger["windows"][0]["id"], first, "{ledger}");
}
