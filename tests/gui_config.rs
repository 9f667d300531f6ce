//! Live configuration reload, themes and opacity in the real binary under Xvfb: an edit of
//! the configuration file (saved the way editors do, by renaming a new file over it, and in
//! place) changes the colours on screen; a broken edit keeps the old colours and names the
//! file and line (in `msg reload-config` and in a banner on screen); an included file's
//! edit applies; `theme = …` and `-o theme=…` draw the theme's background; an unknown theme
//! is a clear error; reloads leave the libuv handles and descriptors at their baseline;
//! `window.opacity` below 1 gives the window a 32-bit (ARGB) visual; a reload that turns
//! history compression on compresses a quiet tab's history.

#[path = "common/x11.rs"]
mod x11;

#[path = "common/daemon.rs"]
mod daemon;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use x11::*;

/// The banner's background (`app::window::BANNER_BACKGROUND`).
const BANNER: [u8; 3] = [0xb0, 0x20, 0x20];

fn rgb(hex: u32) -> [u8; 3] {
    [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8]
}

/// Share of the cells of lines 8..14, columns 30..70 (away from the prompt) that are `color`.
fn background_share(img: &Image, cells: &Cells, color: [u8; 3]) -> f64 {
    let mut px = Vec::new();
    for line in 8..14 {
        px.extend(cells.pixels(img, line, 30..70));
    }
    px.iter().filter(|p| close(**p, color, 6)).count() as f64 / px.len().max(1) as f64
}

/// Write `text` the way editors save: a new file renamed over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("toml.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A configuration file of its own directory (`Gui::start` empties the instance's
/// directory), passed with `--config-file`.
fn config_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("uvterm-cfgtest-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("uvterm.toml")
}

fn colours(bg: &str) -> String {
    format!("[colors]\nbackground = \"{bg}\"\n")
}

#[test]
fn edits_apply_live_and_broken_edits_keep_the_running_colours() {
    let x = Xvfb::start();
    let path = config_file("reload");
    std::fs::write(&path, colours("#102030")).unwrap();
    let config = path.to_str().unwrap();
    let gui = Gui::start(&x, "reload", &["--config-file", config, "-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let cells = &cells;
    let shows = |color: u32| move |img: &Image| background_share(img, cells, rgb(color)) > 0.95;
    let img = gui.capture_when(xid, Duration::from_secs(20), shows(0x102030));
    assert!(shows(0x102030)(&img), "the file's background at start; stderr: {}", gui.stderr());

    // Saved by rename, like vim and most editors.
    let t = Instant::now();
    save_by_rename(&path, &colours("#305070"));
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x305070));
    assert!(shows(0x305070)(&img), "an edit saved by rename applies; stderr: {}", gui.stderr());
    println!("rename → new colours on screen: {:?}", t.elapsed());

    // Written in place.
    let t = Instant::now();
    std::fs::write(&path, colours("#207020")).unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x207020));
    assert!(shows(0x207020)(&img), "an edit written in place applies");
    println!("in-place write → new colours on screen: {:?}", t.elapsed());

    // A broken edit: the running colours stay, the error names the file and the line.
    std::fs::write(&path, "# comment\n[colors]\nbackground = \"nope\"\n").unwrap();
    let banner = |img: &Image| {
        let px = cells.pixels(img, 0, 0..40);
        px.iter().filter(|p| close(**p, BANNER, 6)).count() * 3 > px.len()
    };
    let img = gui.capture_when(xid, Duration::from_secs(10), banner);
    assert!(banner(&img), "a broken edit shows the banner");
    assert!(shows(0x207020)(&img), "and keeps the running colours");
    let out = gui.msg(&["reload-config"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "reload-config of a broken file fails");
    assert!(err.contains("uvterm.toml, line 3") && err.contains("not a colour"), "{err}");

    // Escape dismisses the banner; a good reload takes it away too.
    gui.xdotool(&["windowfocus", &xid.to_string()]);
    gui.xdotool(&["key", "Escape"]);
    let img = gui.capture_when(xid, Duration::from_secs(10), |i| !banner(i));
    assert!(!banner(&img), "Escape dismisses the banner");

    // An unknown key is only left out, as at start: the rest applies and the banner says so.
    std::fs::write(&path, format!("bogus = 1\n{}", colours("#306090"))).unwrap();
    let applied = |i: &Image| shows(0x306090)(i) && banner(i);
    let img = gui.capture_when(xid, Duration::from_secs(10), applied);
    assert!(applied(&img), "an unknown key: the rest applies, the banner says what was left out");
    gui.xdotool(&["key", "Escape"]);

    // An include: the included file's edit applies, and the file's own keys win.
    let inc = path.with_file_name("colours.toml");
    std::fs::write(&inc, colours("#503010")).unwrap();
    std::fs::write(&path, "include = [\"colours.toml\"]\n").unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x503010));
    assert!(shows(0x503010)(&img), "the included file's colours");
    save_by_rename(&inc, &colours("#405060"));
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x405060));
    assert!(shows(0x405060)(&img), "an included file's edit applies");
    let out = gui.msg(&["reload-config"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");

    // Reloads leave handles and descriptors at their baseline.
    let stats = |k: &str| gui.json(&["stats"])[k].as_u64().unwrap();
    let (handles, fds) = (stats("uv_handles"), stats("fds"));
    for i in 0..40 {
        std::fs::write(&inc, colours(&format!("#4050{:02x}", 0x60 + i))).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        if i % 4 == 0 {
            assert!(gui.msg(&["reload-config"]).status.success());
        }
    }
    // The last edit lands after its settle time, which may be after the handles are back:
    // wait for both (a lost last edit still fails, after the timeout).
    let last = shows(0x405087);
    let settled = |img: &Image| stats("uv_handles") == handles && stats("fds") == fds && last(img);
    let img = gui.capture_when(xid, Duration::from_secs(10), settled);
    assert_eq!(
        (stats("uv_handles"), stats("fds")),
        (handles, fds),
        "after 40 edits and 10 reloads"
    );
    assert!(last(&img), "the last edit is what shows");
    drop(gui);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn turning_compression_on_by_a_reload_compresses_a_quiet_tab() {
    // A tab flooded with compression off, then quiet: the reload that turns compression on
    // compresses its history without waiting for more output.
    let x = Xvfb::start();
    let path = config_file("compress");
    std::fs::write(&path, "[scrollback]\ncompress = false\n").unwrap();
    let config = path.to_str().unwrap();
    let gui = Gui::start(
        &x,
        "compress",
        &["--config-file", config, "-e", "sh", "-c", "seq 1 30000; exec sleep 60"],
    );
    let tab = |gui: &Gui| gui.json(&["stats", "--tabs"])["tabs"][0].clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    let full = loop {
        let t = tab(&gui);
        if t["scrollback_lines"] == 10_000 || Instant::now() > deadline {
            break t;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(full["scrollback_lines"], 10_000, "the flood's history; stderr: {}", gui.stderr());
    assert_eq!(full["heap_parts"]["compressed"], 0, "plain while compression is off: {full}");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&path, "[scrollback]\ncompress = true\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let t = tab(&gui);
        let plain = t["heap_parts"]["scrollback"].as_u64().unwrap_or(u64::MAX);
        if plain < 10_000 * 80 * 8 / 8 || Instant::now() > deadline {
            break t;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(after["heap_parts"]["compressed"].as_u64() > Some(0), "{after}");
    assert!(
        after["heap_parts"]["scrollback"].as_u64() < Some(10_000 * 80),
        "the quiet tab's history was compressed after the reload: {after}"
    );
    assert_eq!(after["scrollback_lines"], 10_000, "{after}");
}

#[test]
fn themes_by_name_on_the_command_line_and_unknown_ones() {
    let x = Xvfb::start();
    let path = config_file("theme");
    std::fs::write(&path, "theme = \"nord\"\n").unwrap();
    let gui = Gui::start(&x, "theme", &["--config-file", path.to_str().unwrap(), "-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let nord = |img: &Image| background_share(img, &cells, rgb(0x2e3440)) > 0.95;
    assert!(nord(&gui.capture_when(xid, Duration::from_secs(20), nord)), "Nord's background");
    drop(gui);

    let gui = Gui::start(&x, "theme-o", &["-o", "theme=dracula", "-e", "sh"]);
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let dracula = |img: &Image| background_share(img, &cells, rgb(0x282a36)) > 0.95;
    let img = gui.capture_when(xid, Duration::from_secs(20), dracula);
    assert!(dracula(&img), "-o theme=dracula draws Dracula's background");
    drop(gui);

    let gui = Gui::start(&x, "theme-bad", &["-o", "theme=no-such-theme", "-e", "sh"]);
    gui.window();
    let err = gui.stderr();
    assert!(err.contains("unknown theme \"no-such-theme\"") && err.contains("nord"), "{err}");

    let out = Command::new(BIN).arg("--list-themes").output().unwrap();
    let names = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        names.lines().count() >= 12 && names.lines().any(|l| l == "solarized-light"),
        "{names}"
    );
}

#[test]
fn opacity_below_one_gives_the_window_an_alpha_channel() {
    let x = Xvfb::start();
    let depth = |gui: &Gui| {
        let xid = gui.window()["geometry"]["x11_window"].as_u64().unwrap();
        let out = Command::new("xwininfo")
            .args(["-id", &xid.to_string()])
            .env("DISPLAY", &gui.display)
            .output()
            .expect("xwininfo (x11-utils)");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find_map(|l| l.trim().strip_prefix("Depth: ").map(|d| d.trim().to_owned()))
            .unwrap_or_default()
    };
    let gui = Gui::start(
        &x,
        "opacity",
        &["-o", "window.opacity=0.5", "-o", "colors.background=\"#8080ff\"", "-e", "sh"],
    );
    assert_eq!(depth(&gui), "32", "an ARGB visual; stderr: {}", gui.stderr());
    // No compositor under Xvfb: the window's own pixels are the premultiplied background.
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let half = |img: &Image| background_share(img, &cells, [0x40, 0x40, 0x80]) > 0.95;
    let img = gui.capture_when(xid, Duration::from_secs(20), half);
    assert!(half(&img), "the background drawn at half opacity (premultiplied)");
    drop(gui);
    let gui = Gui::start(&x, "opaque", &["-e", "sh"]);
    assert_eq!(depth(&gui), "24", "opaque windows keep the default visual");
}

/// Ctrl+Shift+, opens the configuration file in `$VISUAL` in a new tab, creating the file
/// (with a commented header) when there is none.
#[test]
fn the_edit_key_opens_the_file_in_the_editor() {
    let x = Xvfb::start();
    // The default path ($XDG_CONFIG_HOME/uvterm/uvterm.toml: `Gui` points it at its own
    // empty directory); the editor script lives beside it in a directory of its own.
    let dir = config_file("edit").parent().unwrap().to_path_buf();
    let path = Gui::dir_for("edit").join("config/uvterm/uvterm.toml");
    let editor = dir.join("editor.sh");
    let seen = dir.join("editor-args");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\necho \"$@\" > {}\nexec sleep 100\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let gui =
        Gui::start_with_env(&x, "edit", &["-e", "sh"], &[("VISUAL", editor.to_str().unwrap())]);
    let xid = gui.window()["geometry"]["x11_window"].as_u64().unwrap();
    assert!(!path.exists());
    gui.xdotool(&["windowfocus", &xid.to_string()]);
    std::thread::sleep(Duration::from_millis(200));
    gui.xdotool(&["key", "ctrl+shift+comma"]);
    let opened = wait_until(Duration::from_secs(20), || {
        std::fs::read_to_string(&seen).is_ok_and(|s| s.trim() == path.to_str().unwrap())
    });
    assert!(opened, "the editor ran with the file; stderr: {}", gui.stderr());
    let tabs = gui.json(&["list"])["windows"][0]["tabs"].as_array().map_or(0, Vec::len);
    assert_eq!(tabs, 2, "in a new tab");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# uvterm configuration"), "{text}");
    // The directory did not exist at start: saving the created file applies it all the same
    // (its header says so), with no `reload-config`.
    let w = gui.window();
    let cells = Cells::of(&w);
    let shows = |img: &Image| background_share(img, &cells, rgb(0x603020)) > 0.95;
    std::fs::write(&path, format!("{text}{}", colours("#603020"))).unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows);
    assert!(shows(&img), "saving the created file applies it; stderr: {}", gui.stderr());
    drop(gui);
    let _ = std::fs::remove_dir_all(dir);
}

/// A new user has no `$XDG_CONFIG_HOME/uvterm/` when uvterm starts: creating it with a file
/// applies the file, and so do later saves; removing the directory and making it again with
/// a file applies that file, and doing so again and again leaves no watch behind.
#[test]
fn a_config_directory_made_after_start_is_watched() {
    let x = Xvfb::start();
    let gui = Gui::start(&x, "newdir", &["-e", "sh"]);
    let dir = Gui::dir_for("newdir").join("config/uvterm");
    assert!(!dir.exists());
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let cells = &cells;
    let shows = |color: u32| move |img: &Image| background_share(img, cells, rgb(color)) > 0.95;
    let stats = |k: &str| gui.json(&["stats"])[k].as_u64().unwrap();

    // `mkdir -p`, then the file, as a user (or a dotfile manager) does.
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("uvterm.toml");
    std::fs::write(&path, colours("#203040")).unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x203040));
    assert!(shows(0x203040)(&img), "the new file applies; stderr: {}", gui.stderr());

    // Later saves, by rename and in place.
    save_by_rename(&path, &colours("#304050"));
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x304050));
    assert!(shows(0x304050)(&img), "a later save by rename applies");
    std::fs::write(&path, colours("#405060")).unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x405060));
    assert!(shows(0x405060)(&img), "a later save in place applies");

    // The directory goes away and comes back (a dotfile manager relinking it), four times:
    // each time the watch moves up to the ancestor and back down, and the file applies.
    let handles = stats("uv_handles");
    for i in 0..4 {
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        let colour = 0x506070 + i;
        std::fs::write(&path, colours(&format!("#{colour:06x}"))).unwrap();
        let img = gui.capture_when(xid, Duration::from_secs(10), shows(colour));
        assert!(shows(colour)(&img), "the remade directory's file applies ({i})");
    }
    // The moved watches were closed: no more handles than before (a leak of one a move
    // would be four or eight more; the count before may hold a timer that has closed since).
    let back = wait_until(Duration::from_secs(10), || stats("uv_handles") <= handles);
    assert!(back, "uv_handles {} after, {handles} before", stats("uv_handles"));

    // The file becomes a symbolic link into a directory made now (a dotfile manager: stow,
    // home-manager): the link applies, and so do later saves of its target.
    let dots = Gui::dir_for("newdir").join("dotfiles");
    std::fs::create_dir_all(&dots).unwrap();
    let target = dots.join("real.toml");
    std::fs::write(&target, colours("#607080")).unwrap();
    eprintln!("STEP symlink");
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x607080));
    assert!(
        shows(0x607080)(&img),
        "the new link applies; stats {}; stderr {}",
        gui.json(&["stats"]),
        gui.stderr()
    );
    for (i, colour) in [0x708090_u32, 0x8090a0].into_iter().enumerate() {
        if i == 0 {
            std::fs::write(&target, colours(&format!("#{colour:06x}"))).unwrap();
        } else {
            save_by_rename(&target, &colours(&format!("#{colour:06x}")));
        }
        let img = gui.capture_when(xid, Duration::from_secs(10), shows(colour));
        assert!(shows(colour)(&img), "a save of the link's target applies ({i})");
    }
    let out = gui.msg(&["reload-config"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Headless there is no window configuration: `reload-config` is a clear error, answered and
/// closed like any request (descriptors at their baseline after many).
#[test]
fn reload_config_headless_is_a_clear_error() {
    let d = daemon::Daemon::start("reload-headless");
    let before = d.baseline();
    for _ in 0..200 {
        let reply = d.request(r#"{"cmd":"reload-config"}"#);
        assert_eq!(reply["ok"], false, "{reply}");
        assert!(reply["error"].as_str().unwrap_or("").contains("headless"), "{reply}");
    }
    assert_eq!(d.settle(before), before, "every connection was closed");
}

/// A private session bus (`dbus-daemon --session`), stopped when dropped.
struct Bus {
    child: std::process::Child,
    address: String,
}

impl Bus {
    fn start() -> Bus {
        use std::io::BufRead;
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon (install the dbus package)");
        let mut address = String::new();
        let out = child.stdout.take().unwrap();
        std::io::BufReader::new(out).read_line(&mut address).unwrap();
        Bus { child, address: address.trim().to_owned() }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `theme = "light:X,dark:Y"` follows the desktop's preference from the settings portal and
/// switches live when it changes. The portal is examples/fake_portal.rs (the real
/// xdg-desktop-portal needs a desktop session's backends) on a private session bus.
#[test]
fn a_desktop_following_theme_switches_live() {
    use std::io::{BufRead, Write};
    let bus = Bus::start();
    let exe = std::env::current_exe().unwrap();
    let fake = exe.parent().unwrap().parent().unwrap().join("examples/fake_portal");
    let mut portal = Command::new(&fake)
        .arg("2")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (built by cargo test)", fake.display()));
    let mut lines = std::io::BufReader::new(portal.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().and_then(Result::ok).as_deref(), Some("ready"));
    let mut to_portal = portal.stdin.take().unwrap();

    let x = Xvfb::start();
    let theme = "theme=light:solarized-light,dark:solarized-dark";
    let gui = Gui::start_with_env(
        &x,
        "portal",
        &["-o", theme, "-e", "sh"],
        &[("DBUS_SESSION_BUS_ADDRESS", &bus.address)],
    );
    let w = gui.window();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap();
    let cells = Cells::of(&w);
    let cells = &cells;
    let shows = |color: u32| move |img: &Image| background_share(img, cells, rgb(color)) > 0.95;
    let img = gui.capture_when(xid, Duration::from_secs(20), shows(0xfdf6e3));
    assert!(shows(0xfdf6e3)(&img), "the desktop prefers light; stderr: {}", gui.stderr());
    writeln!(to_portal, "1").unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0x002b36));
    assert!(shows(0x002b36)(&img), "the desktop switched to dark");
    writeln!(to_portal, "2").unwrap();
    let img = gui.capture_when(xid, Duration::from_secs(10), shows(0xfdf6e3));
    assert!(shows(0xfdf6e3)(&img), "and back to light");
    // The portal's thread is stopped and joined on exit: the process ends, and cleanly.
    let mut gui = gui;
    gui.msg(&["shutdown"]);
    let exited =
        wait_until(Duration::from_secs(20), || gui.child.try_wait().ok().flatten().is_some());
    assert!(exited, "uvterm exits with the portal's thread running");
    assert!(gui.child.wait().unwrap().success(), "stderr: {}", gui.stderr());
    drop(gui);
    drop(to_portal);
    let _ = portal.kill();
    let _ = portal.wait();
}
