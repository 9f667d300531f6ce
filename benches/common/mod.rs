//! What the GUI benchmarks share: a private Xvfb read pixel by pixel through x11rb, keys
//! typed through XTEST, the terminals started alike (DejaVu Sans Mono 12, 120×40 cells),
//! `/proc` figures, and uvterm's control socket spoken directly (a request line, a reply
//! line), so that opening a thousand tabs does not spawn a thousand clients.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, InputFocus, MapState};
use x11rb::rust_connection::RustConnection;

pub const COLS: usize = 120;
pub const LINES: usize = 40;
pub const RED: [u8; 3] = [255, 0, 0];
/// Well inside any terminal's window at the origin (no window manager: +0+0).
pub const PROBE_MIDDLE: (i16, i16) = (200, 200);
/// A program's first output: the whole screen cleared to a truecolour red, cursor home.
pub const RED_SCREEN: &str = r"printf '\033[48;2;255;0;0m\033[2J\033[H'";

pub struct X {
    _server: Server,
    pub display: String,
    pub conn: RustConnection,
    pub root: u32,
}

impl X {
    pub fn start() -> X {
        let mut server = Server(
            Command::new("Xvfb")
                .args(["-displayfd", "1", "-screen", "0", "1920x1080x24", "-br"])
                .args(["-nolisten", "tcp"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb (install the xvfb package)"),
        );
        let mut line = String::new();
        let read = server.0.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
        let display = format!(":{}", line.trim());
        match (read, x11rb::connect(Some(&display))) {
            (Some(Ok(_)), Ok((conn, screen))) => {
                let root = conn.setup().roots[screen].root;
                X { _server: server, display, conn, root }
            }
            _ => {
                server.stop();
                panic!("Xvfb did not start");
            }
        }
    }

    /// The pixels of a rectangle of the root window (BGRx, 4 bytes a pixel).
    pub fn region(&self, x: i16, y: i16, w: u16, h: u16) -> Vec<u8> {
        self.conn
            .get_image(ImageFormat::Z_PIXMAP, self.root, x, y, w, h, !0)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| r.data)
            .unwrap_or_default()
    }

    pub fn pixel(&self, at: (i16, i16)) -> [u8; 3] {
        let d = self.region(at.0, at.1, 1, 1);
        if d.len() >= 3 { [d[2], d[1], d[0]] } else { [0, 0, 0] }
    }

    /// Poll until `at` shows `color`; the time it took, or None after `timeout`.
    pub fn wait_color(
        &self,
        at: (i16, i16),
        color: [u8; 3],
        timeout: Duration,
    ) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.pixel(at) == color {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        None
    }

    /// Wait for the screen to be free of the previous terminal's window.
    pub fn wait_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && self.pixel(PROBE_MIDDLE) != [0, 0, 0] {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Give the keyboard focus to the topmost mapped window (no window manager runs, so the
    /// newest terminal's window is the last child of the root).
    pub fn focus_top(&self) -> bool {
        let Some(tree) = self.conn.query_tree(self.root).ok().and_then(|c| c.reply().ok()) else {
            return false;
        };
        for &w in tree.children.iter().rev() {
            let mapped = self
                .conn
                .get_window_attributes(w)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|a| a.map_state == MapState::VIEWABLE);
            if mapped {
                let _ = self.conn.set_input_focus(InputFocus::PARENT, w, 0u32);
                let _ = self.conn.get_input_focus().ok().and_then(|c| c.reply().ok());
                return true;
            }
        }
        false
    }

    /// The keycode that types `keysym` without modifiers.
    pub fn keycode(&self, keysym: u32) -> Option<u8> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self.conn.get_keyboard_mapping(min, max - min + 1).ok()?.reply().ok()?;
        let per = map.keysyms_per_keycode as usize;
        map.keysyms
            .chunks(per.max(1))
            .position(|syms| syms.first() == Some(&keysym))
            .map(|i| min + i as u8)
    }

    /// Press and release `code` through XTEST, flushed to the server.
    pub fn tap(&self, code: u8) {
        use x11rb::protocol::xtest::ConnectionExt as _;
        let _ = self.conn.xtest_fake_input(2, code, 0, x11rb::NONE, 0, 0, 0);
        let _ = self.conn.xtest_fake_input(3, code, 0, x11rb::NONE, 0, 0, 0);
        let _ = self.conn.flush();
    }
}

/// The X server process, stopped when dropped.
pub struct Server(Child);

impl Server {
    fn stop(&mut self) {
        // SAFETY: signals our own child, not yet waited for (SIGTERM: it cleans up).
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The uvterm binary a column runs: `uvterm-baseline` is `UVTERM_BASELINE_BIN` (another
/// build measured in the same run), anything else starting with `uvterm` this build.
pub fn uvterm_bin(terminal: &str) -> PathBuf {
    match (terminal, std::env::var_os("UVTERM_BASELINE_BIN")) {
        ("uvterm-baseline", Some(path)) => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_uvterm")),
    }
}

/// How to start one terminal running `sh -c SCRIPT`, cursor not blinking (a blink would be
/// a change of pixels nobody typed), with `extra` uvterm options.
pub fn command(terminal: &str, script: &str, dir: &Path, extra: &[&str]) -> Command {
    let font = "DejaVu Sans Mono";
    let mut c = match terminal {
        t if t.starts_with("uvterm") => {
            let mut c = Command::new(uvterm_bin(t));
            c.args(["-o", "font.size=12", "-o", &format!("font.family={font}")])
                .args(["-o", &format!("window.columns={COLS}")])
                .args(["-o", &format!("window.lines={LINES}")])
                .args(["-o", "cursor.blinking=false"])
                .args(extra)
                .args(["-e", "sh", "-c", script]);
            // uvterm-full: this build drawing every frame whole (no damage tracking).
            if t == "uvterm-full" {
                c.env("UVTERM_DAMAGE", "0");
            }
            // uvterm-egl: this build on EGL (whole frames sent through the socket on X11).
            if t == "uvterm-egl" {
                c.env("UVTERM_GL_PLATFORM", "egl");
            }
            // uvterm-nocache: this build compiling its GL programs at every start.
            if t == "uvterm-nocache" {
                c.env("UVTERM_PROGRAM_CACHE", "0");
            }
            c
        }
        "alacritty" => {
            let mut c = Command::new("alacritty");
            c.args(["--config-file", "/dev/null", "-o", "font.size=12"])
                .args(["-o", &format!("font.normal.family=\"{font}\"")])
                .args(["-o", &format!("window.dimensions.columns={COLS}")])
                .args(["-o", &format!("window.dimensions.lines={LINES}")])
                .args(["-o", "cursor.style.blinking=Never"])
                .args(["-e", "sh", "-c", script]);
            c
        }
        "kitty" => {
            let mut c = Command::new("kitty");
            c.args(["--config", "NONE", "-o", "font_size=12"])
                .args(["-o", &format!("font_family={font}")])
                .args(["-o", &format!("initial_window_width={COLS}c")])
                .args(["-o", &format!("initial_window_height={LINES}c")])
                .args(["-o", "cursor_blink_interval=0"])
                .args(["-o", "remember_window_size=no", "sh", "-c", script]);
            c
        }
        "xterm" => {
            let mut c = Command::new("xterm");
            c.args(["-fa", font, "-fs", "12", "-geometry", &format!("{COLS}x{LINES}")])
                .args(["-e", "sh", "-c", script]);
            c
        }
        other => panic!("unknown terminal {other}"),
    };
    c.env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_RUNTIME_DIR", dir)
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

pub fn installed(terminal: &str) -> bool {
    terminal.starts_with("uvterm")
        || Command::new("sh")
            .args(["-c", &format!("command -v {terminal} >/dev/null")])
            .status()
            .is_ok_and(|s| s.success())
}

/// A terminal started on the bench's X server; killed when dropped.
pub struct Running {
    pub child: Child,
}

impl Running {
    pub fn start(x: &X, terminal: &str, script: &str, dir: &Path, extra: &[&str]) -> Running {
        let child = command(terminal, script, dir, extra)
            .env("DISPLAY", &x.display)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {terminal}: {e}"));
        Running { child }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The `p`-th percentile (0–100) of sorted-in-place `v`.
pub fn percentile(v: &mut [Duration], p: usize) -> Duration {
    v.sort();
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[((v.len() - 1) * p).div_ceil(100).min(v.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// User + system CPU ticks of a process (all its threads).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name (which may hold spaces): utime is the 14th field, stime 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

pub fn clock_ticks() -> f64 {
    // SAFETY: sysconf only reads a system constant.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64
}

/// Context switches (voluntary + involuntary) of every thread of a process: each one is a
/// wake-up (or a preemption) of that thread.
pub fn context_switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|s| {
            s.lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split(':').nth(1)?.trim().parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

/// Resident set size of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// One request on uvterm's control socket; the reply parsed (Null on any failure).
pub fn request(socket: &Path, json: &str) -> serde_json::Value {
    use std::os::unix::net::UnixStream;
    let Ok(mut s) = UnixStream::connect(socket) else { return serde_json::Value::Null };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    if s.write_all(format!("{json}\n").as_bytes()).is_err() {
        return serde_json::Value::Null;
    }
    let mut line = String::new();
    let _ = BufReader::new(s).read_line(&mut line);
    serde_json::from_str(&line).unwrap_or(serde_json::Value::Null)
}

/// Wait for uvterm's socket to answer `list` with a window that has its geometry.
pub fn wait_window(socket: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let list = request(socket, r#"{"cmd":"list"}"#);
        if list.to_string().contains("\"geometry\":{") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// What the load on this machine was (it is shared): the 1-minute load average and cores.
pub fn machine_load() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "load average {} on {cores} cores",
        load.split(' ').take(3).collect::<Vec<_>>().join(" ")
    )
}
