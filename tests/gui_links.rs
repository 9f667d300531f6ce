//! Ctrl+click on URLs that soft-wrap, through a real X server: the click is sent with xdotool
//! (XTEST) and a stand-in `xdg-open` on PATH records what uvterm asked it to open.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

/// Whether cells `c0..=c1` of `line` have an underline: a pixel row in the lower half of the
/// line lit (brighter than the dark background) across all of them. Glyphs alone never light
/// a whole pixel row of a run of letters (the URL below holds no `_`).
fn underlined(img: &Image, w: &serde_json::Value, line: usize, c0: usize, c1: usize) -> bool {
    let g = &w["geometry"];
    let (x0, y0) = (g["x0"].as_f64().unwrap(), g["y0"].as_f64().unwrap());
    let (cw, ch) = (g["cell_width"].as_f64().unwrap(), g["cell_height"].as_f64().unwrap());
    let top = (y0 + (line as f64 + 0.5) * ch) as usize;
    let bottom = (y0 + (line as f64 + 1.0) * ch) as usize;
    let (left, right) =
        ((x0 + c0 as f64 * cw) as usize + 1, (x0 + (c1 + 1) as f64 * cw) as usize - 1);
    (top..bottom.min(img.h)).any(|y| {
        (left..right.min(img.w)).all(|x| img.px(x, y).iter().map(|&v| v as u32).sum::<u32>() > 240)
    })
}

/// In 39 columns (a split pane's width) two URLs wrap onto a second row, one of them inside
/// its query (`?x` | `=1`). The pointer over either row of a URL underlines all of it, and
/// only it; moved off, the underline goes. A Ctrl+click on either row opens each whole, once
/// per click.
#[test]
fn a_wrapped_url_is_underlined_under_the_pointer_and_opens_whole_by_ctrl_click() {
    let x = Xvfb::start();
    let opener = FakeOpener::new("wrapped-links");
    let long = "https://example.com/abcdefghijklmnopqrstuvwxyz/end";
    let query = "https://example.com/a_b?x=1";
    // Rows: 0-1 the long URL, 2-3 the query URL (13 dashes and a space put `?x` in the last
    // columns of row 2), 4 END.
    let text = opener.dir.join("text");
    std::fs::write(&text, format!("see {long}\n{} {query}. more\nEND\n", "-".repeat(13))).unwrap();
    let script = format!("cat '{}'; exec cat >/dev/null", text.display());
    let gui = Gui::start_with_env(
        &x,
        "wrapped-links",
        &["-o", "window.columns=39", "-o", "window.lines=10", "-e", "sh", "-c", &script],
        &[("PATH", &opener.path)],
    );
    let w = gui.window();
    assert_eq!(w["geometry"]["cols"].as_u64(), Some(39), "{w}");
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    let screen = gui.wait_text(tab, "END");
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows.len() > 4 && rows[4].starts_with("END"), "the URLs wrap: {screen:?}");
    assert!(rows[2].ends_with("?x") && rows[3].starts_with("=1"), "{screen:?}");
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    // Hover: rows 0 (`see ` then the URL from column 4) and 1 (its last 15 characters).
    let xid_n: u64 = xid.parse().unwrap();
    let point = |col: f64, line: f64| {
        let p = cell_center(&w, col, line);
        gui.xdotool(&["mousemove", "--window", &xid, &p[0], &p[1]]);
    };
    let whole = |img: &Image| underlined(img, &w, 0, 4, 38) && underlined(img, &w, 1, 0, 14);
    let none = |img: &Image| !underlined(img, &w, 0, 4, 38) && !underlined(img, &w, 1, 0, 14);
    point(1.0, 4.0);
    let img = gui.capture_when(xid_n, Duration::from_secs(10), none);
    assert!(none(&img), "no underline before the pointer comes");
    for (col, line) in [(10.0, 0.0), (5.0, 1.0)] {
        point(col, line);
        let img = gui.capture_when(xid_n, Duration::from_secs(10), whole);
        assert!(whole(&img), "the whole URL is underlined with the pointer at {col}, {line}");
        assert!(!underlined(&img, &w, 0, 0, 2), "`see` is not");
        assert!(!underlined(&img, &w, 1, 15, 15), "nor what follows it");
    }
    point(1.0, 4.0);
    let img = gui.capture_when(xid_n, Duration::from_secs(10), none);
    assert!(none(&img), "the underline goes with the pointer");
    let ctrl_click = |col: f64, line: f64| ctrl_click(&gui, &w, col, line);
    let read = || opener.opened();
    let mut want = String::new();
    for (col, line, url) in
        [(10.0, 0.0, long), (5.0, 1.0, long), (20.0, 2.0, query), (0.0, 3.0, query)]
    {
        ctrl_click(col, line);
        want.push_str(url);
        want.push('\n');
        assert!(
            wait_until(Duration::from_secs(5), || read() == want),
            "click on {col}, {line}: {:?}",
            read()
        );
    }
    drop(gui);
}
