//! A private X server (Xvfb with Mesa llvmpipe) and the real `uvterm` binary in it, driven
//! through IPC, read back with `xwd`, typed at with `xdotool`.
#![allow(dead_code)]

#[path = "image.rs"]
mod image;
pub use image::*;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_uvterm");

pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    /// A fresh X server on a display number it picks itself (`-displayfd`), so parallel
    /// tests and leftovers of killed runs never collide.
    pub fn start() -> Xvfb {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (install the xvfb package)");
        let mut line = String::new();
        let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
        let n = line.trim();
        if !matches!(read, Some(Ok(_))) || n.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Xvfb did not start");
        }
        Xvfb { display: format!(":{n}"), child }
    }
}

impl Xvfb {
    /// Stop (`SIGSTOP`) or resume (`SIGCONT`) the X server: a stalled X connection for tests
    /// of what the UI does when its X calls block.
    pub fn signal(&self, signal: i32) {
        // SAFETY: signals our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        self.signal(libc::SIGCONT);
        // SIGTERM, so that the server removes its lock file and socket. Xvfb can miss it
        // (seen once: it slept on in epoll_wait with its 10-minute timeout and the test
        // waited for it for good), so after 5 s it is killed.
        // SAFETY: signals our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Gui {
    pub child: Child,
    pub socket: PathBuf,
    pub dir: PathBuf,
    pub display: String,
}

impl Gui {
    /// Start `uvterm ARGS…` on `x` with a private socket and an empty config directory.
    pub fn start(x: &Xvfb, name: &str, args: &[&str]) -> Gui {
        Gui::start_with_env(x, name, args, &[])
    }

    /// The private directory (socket, config, logs) of the instance `name`; removed when the
    /// `Gui` is dropped.
    pub fn dir_for(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("uvterm-gui-{name}-{}", std::process::id()))
    }

    /// `start`, with extra environment variables for uvterm.
    pub fn start_with_env(x: &Xvfb, name: &str, args: &[&str], env: &[(&str, &str)]) -> Gui {
        let dir = Gui::dir_for(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("config")).unwrap();
        let socket = dir.join("gui.sock");
        let child = Command::new(BIN)
            .arg("--socket")
            .arg(&socket)
            .args(["-o", "font.size=12", "-o", "window.padding=4"])
            .args(args)
            .env("DISPLAY", &x.display)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_RUNTIME_DIR", &dir)
            .env_remove("WAYLAND_DISPLAY")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
            .spawn()
            .expect("start uvterm");
        Gui { child, socket, dir, display: x.display.clone() }
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    pub fn msg(&self, args: &[&str]) -> Output {
        Command::new(BIN).arg("msg").arg("--socket").arg(&self.socket).args(args).output().unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.msg(args);
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// Wait for the first window to report its geometry; returns the `list` entry.
    pub fn window(&self) -> serde_json::Value {
        self.window_n(0)
    }

    pub fn window_n(&self, n: usize) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let list = self.json(&["list"]);
            let w = &list["windows"][n];
            if w["geometry"].is_object() {
                return w.clone();
            }
            assert!(Instant::now() < deadline, "no window; stderr: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn text(&self, tab: u64) -> String {
        String::from_utf8_lossy(&self.msg(&["get-text", &tab.to_string()]).stdout).into_owned()
    }

    pub fn wait_text(&self, tab: u64, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.text(tab);
            if t.contains(needle) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {needle:?}; screen:\n{t}\nstderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn xdotool(&self, args: &[&str]) -> Output {
        Command::new("xdotool").args(args).env("DISPLAY", &self.display).output().expect("xdotool")
    }

    /// The window's pixels once `drawn` holds for them (or the last capture after `timeout`,
    /// for the caller's assertions to explain). A first frame can take seconds on a machine
    /// whose Mesa has no shader cache yet: a fixed sleep before one capture is not enough.
    pub fn capture_when(
        &self,
        xid: u64,
        timeout: Duration,
        mut drawn: impl FnMut(&Image) -> bool,
    ) -> Image {
        let deadline = Instant::now() + timeout;
        loop {
            let img = self.capture(xid);
            if drawn(&img) || Instant::now() >= deadline {
                return img;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The window's pixels (RGB, top row first), from the X server.
    pub fn capture(&self, xid: u64) -> Image {
        let xwd = Command::new("xwd")
            .args(["-silent", "-id", &xid.to_string()])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xwd (install x11-apps)");
        assert!(xwd.status.success(), "xwd failed");
        let mut convert = Command::new("convert")
            .args(["xwd:-", "-depth", "8", "rgb:-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("convert (install imagemagick)");
        let mut stdin = convert.stdin.take().unwrap();
        let data = xwd.stdout;
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&data);
        });
        let out = convert.wait_with_output().unwrap();
        writer.join().unwrap();
        let size = Command::new("xwininfo")
            .args(["-id", &xid.to_string()])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xwininfo");
        let info = String::from_utf8_lossy(&size.stdout);
        let get = |k: &str| -> usize {
            info.lines()
                .find(|l| l.trim_start().starts_with(k))
                .and_then(|l| l.split(':').nth(1))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        let (w, h) = (get("Width"), get("Height"));
        assert_eq!(out.stdout.len(), w * h * 3, "capture size");
        Image { w, h, rgb: out.stdout }
    }
}

impl Drop for Gui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::env::var_os("UVTERM_KEEP_TEST_DIRS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Pointer coordinates (as xdotool arguments) of the middle of a cell of a `list` window.
pub fn cell_center(w: &serde_json::Value, col: f64, line: f64) -> Vec<String> {
    let g = &w["geometry"];
    let (x0, y0) = (g["x0"].as_f64().unwrap(), g["y0"].as_f64().unwrap());
    let (cw, ch) = (g["cell_width"].as_f64().unwrap(), g["cell_height"].as_f64().unwrap());
    vec![
        ((x0 + (col + 0.5) * cw) as i64).to_string(),
        ((y0 + (line + 0.5) * ch) as i64).to_string(),
    ]
}

/// Ctrl+click the middle of a cell of window `w` (a `list` window entry) with xdotool.
pub fn ctrl_click(gui: &Gui, w: &serde_json::Value, col: f64, line: f64) {
    let xid = w["geometry"]["x11_window"].as_u64().unwrap_or(0).to_string();
    let p = cell_center(w, col, line);
    gui.xdotool(&["mousemove", "--window", &xid, &p[0], &p[1]]);
    gui.xdotool(&["keydown", "ctrl", "click", "1", "keyup", "ctrl"]);
}

/// A stand-in `xdg-open` in a directory of its own that appends each argument it gets to a
/// log, for the link tests: put `path` in uvterm's environment as `PATH`. The directory goes
/// when this is dropped.
pub struct FakeOpener {
    pub dir: PathBuf,
    pub log: PathBuf,
    /// `PATH` with the stand-in first.
    pub path: String,
}

impl FakeOpener {
    pub fn new(name: &str) -> FakeOpener {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("uvterm-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("opened");
        let _ = std::fs::remove_file(&log);
        let fake = dir.join("xdg-open");
        std::fs::write(&fake, format!("#!/bin/sh\necho \"$1\" >> '{}'\n", log.display())).unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        FakeOpener { dir, log, path }
    }

    /// What it was asked to open so far, one line each.
    pub fn opened(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for FakeOpener {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The text of an X selection (`clipboard` or `primary`), read with xclip.
pub fn xclip_out(display: &str, selection: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", selection])
        .env("DISPLAY", display)
        .output()
        .expect("xclip (install the xclip package)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Own an X selection with `text` (xclip serves it from the background until another owner
/// takes it).
pub fn xclip_in(display: &str, selection: &str, text: &str) {
    use std::io::Write;
    let mut child = Command::new("xclip")
        .args(["-i", "-selection", selection])
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        .spawn()
        .expect("xclip");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    child.wait().unwrap();
}
