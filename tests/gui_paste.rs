//! A paste larger than the I/O thread's limits for other writes, through a real X server's
//! clipboard (xclip) and Ctrl+Shift+V. A test binary of its own: its 20 MB keep both CPUs
//! busy for seconds, which the keyboard tests beside it must not share (xdotool remaps a
//! spare keycode for keys like KP_F1, a race a loaded machine loses).

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

/// A paste far larger than one write request (4 MiB) and than a tab may otherwise queue for
/// its program (16 MiB) arrives whole and in order: 20 MB through the X clipboard, into a
/// program that counts the bytes, the line ends (a pasted LF is sent as CR, as Enter) and the
/// distinct lines. The program reads nothing until the paste and keys typed after it are
/// queued: the keys wait behind the paste rather than being refused, and come after it.
/// A second paste on top of it is refused, and the window's banner says so until Escape in
/// that window (not in another) hides it. Once written, the paste's memory goes back to the
/// OS.
#[test]
fn a_twenty_megabyte_paste_arrives_whole() {
    let x = Xvfb::start();
    let line = "the quick brown fox jumps over the lazy dog 0123456789\n";
    let lines = 20_000_000 / line.len();
    let text = line.repeat(lines);
    let out = std::env::temp_dir().join(format!("uvterm-bigpaste-{}", std::process::id()));
    let go = std::env::temp_dir().join(format!("uvterm-bigpaste-go-{}", std::process::id()));
    let _ = std::fs::remove_file(&go);
    let script = format!(
        "stty raw -echo; echo READY; while [ ! -e '{go}' ]; do sleep 0.05; done; \
         head -c {n} > '{f}'; \
         printf 'bytes %s lines %s distinct %s\\n' $(wc -c < '{f}') \
         $(tr -dc '\\r' < '{f}' | wc -c) $(tr '\\r' '\\n' < '{f}' | sort -u | wc -l); \
         printf 'keys %s\\n' \"$(head -c 3)\"; rm -f '{f}' '{go}'; exec sleep 60",
        n = text.len(),
        f = out.display(),
        go = go.display()
    );
    let gui = Gui::start(&x, "bigpaste", &["-e", "sh", "-c", &script]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    gui.wait_text(tab, "READY");
    xclip_in(&gui.display, "clipboard", &text);
    let rss = |gui: &Gui| gui.json(&["stats"])["rss_bytes"].as_u64().unwrap_or(0);
    let before = rss(&gui);
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    gui.xdotool(&["key", "--clearmodifiers", "ctrl+shift+v"]);
    // Typed while more than 16 MiB of the paste waits for the program.
    gui.xdotool(&["type", "xyz"]);
    // A second paste on top of it is refused (a tab holds one paste and 16 MiB besides), and
    // the window says so in its banner (red, on the first line).
    gui.xdotool(&["key", "--clearmodifiers", "ctrl+shift+v"]);
    let xid_n: u64 = xid.parse().unwrap();
    let red = |img: &Image| (0..img.w).filter(|&x| img.px(x, 5) == [0xb0, 0x20, 0x20]).count();
    let img = gui.capture_when(xid_n, Duration::from_secs(10), |img| red(img) > img.w / 2);
    assert!(red(&img) > img.w / 2, "no banner for the refused paste");
    // Slack for the window to carry the keys out; the program waits for them either way.
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&go, b"").unwrap();
    let expected = format!("bytes {} lines {lines} distinct 1", text.len());
    let screen = gui.wait_text(tab, "keys ");
    assert!(screen.contains(&expected), "wanted {expected:?}:\n{screen}\n{}", gui.stderr());
    assert!(screen.contains("keys xyz"), "the keys came after the paste:\n{screen}");
    // Its memory goes back: the window holds no copy of the paste once it is written (the
    // clipboard's, the request's, the input queue's), nor keeps the heap they grew.
    let mut after = 0;
    let back = wait_until(Duration::from_secs(10), || {
        after = rss(&gui);
        after < before + 8 * 1024 * 1024
    });
    assert!(back, "RSS {before} before the paste, {after} after it");
    // Escape belongs to the window that shows the banner: in another window it reaches the
    // program (the tty echoes it as `^[`) and leaves this window's banner alone.
    let out = gui.msg(&["create-window", "-e", "sh", "-c", "echo W2; exec cat >/dev/null"]);
    assert!(out.status.success(), "create-window: {}", String::from_utf8_lossy(&out.stderr));
    let w2 = gui.window_n(1);
    let tab2 = w2["tabs"][0]["id"].as_u64().unwrap();
    let xid2 = w2["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.wait_text(tab2, "W2");
    gui.xdotool(&["windowmove", &xid2, "900", "0"]);
    gui.xdotool(&["windowfocus", &xid2]);
    std::thread::sleep(Duration::from_millis(150));
    gui.xdotool(&["type", "x"]);
    gui.xdotool(&["key", "Escape"]);
    gui.xdotool(&["type", "y"]);
    gui.wait_text(tab2, "x^[y");
    // (Window 1 was under window 2 until it moved: it may be drawing its exposed pixels.)
    let img = gui.capture_when(xid_n, Duration::from_secs(5), |img| red(img) > img.w / 2);
    assert!(red(&img) > img.w / 2, "the other window's Escape left this banner alone");
    // Here, Escape hides it.
    gui.xdotool(&["windowfocus", &xid]);
    std::thread::sleep(Duration::from_millis(150));
    gui.xdotool(&["key", "Escape"]);
    let img = gui.capture_when(xid_n, Duration::from_secs(10), |img| red(img) == 0);
    assert_eq!(red(&img), 0, "Escape hides the banner");
}
