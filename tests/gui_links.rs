//! Ctrl+click on URLs that soft-wrap, through a real X server: the click is sent with xdotool
//! (XTEST) and a stand-in `xdg-open` on PATH records what uvterm asked it to open.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

/// In 39 columns (a split pane's width) two URLs wrap onto a second row, one of them inside
/// its query (`?x` | `=1`): a Ctrl+click on either row opens each whole, once per click.
#[test]
fn ctrl_click_on_any_row_of_a_wrapped_url_opens_it_whole() {
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
