//! A private Wayland compositor (sway 1.7, headless wlroots backend, pixman renderer) and the
//! real `uvterm` binary in it on Mesa llvmpipe EGL, driven through IPC and `swaymsg`, read back
//! with `grim` (wlr-screencopy), typed at with `wtype` (virtual keyboard), with the clipboard
//! reached by `wl-copy`/`wl-paste` (data-control).
//!
//! sway refuses to run as root, and CI runs as root: the set-up creates an unprivileged user
//! ([`USER`], idempotently) and runs sway, uvterm and every client tool as that user
//! (`setpriv`), with a private 0700 `XDG_RUNTIME_DIR` it owns. Run by another user, everything
//! runs as that user. The test binary's directory may be closed to that user (`/root/…`): the
//! uvterm binary and helper scripts are copied into the instance's directory when so.
//!
//! Anything that keeps the compositor from starting panics: a Wayland test fails, it never
//! skips. Every process started here is killed and every directory removed on drop.
//!
//! A seat with no input device has no keyboard at all: each `wtype` run would add one and take
//! it away, so windows lose the keyboard focus between runs and the first key of each run is
//! pressed before the client can bind the new `wl_keyboard` (it arrives in `enter`'s array of
//! held keys, which clients must not replay). A real desktop always has a keyboard, so
//! [`Sway::start`] keeps one virtual keyboard on the seat for the compositor's life.
#![allow(dead_code)]

#[path = "image.rs"]
mod image;
pub use image::*;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_uvterm");
/// The unprivileged user the compositor and its clients run as when the tests run as root.
pub const USER: &str = "uvterm-test";

/// The uid and gid to run as: [`USER`]'s when root (created if missing), else our own.
fn identity() -> (u32, u32) {
    static ID: OnceLock<(u32, u32)> = OnceLock::new();
    *ID.get_or_init(|| {
        // SAFETY: geteuid/getegid cannot fail.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        if uid != 0 {
            return (uid, gid);
        }
        let lookup = || -> Option<(u32, u32)> {
            let id = |flag: &str| -> Option<u32> {
                let out = Command::new("id").args([flag, USER]).output().ok()?;
                String::from_utf8_lossy(&out.stdout).trim().parse().ok()
            };
            Some((id("-u")?, id("-g")?))
        };
        if let Some(ids) = lookup() {
            return ids;
        }
        let out = Command::new("useradd")
            .args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
            .args(["--shell", "/bin/sh", USER])
            .output()
            .expect("useradd (the passwd package)");
        // Another test process may have created it meanwhile: look again either way.
        lookup().unwrap_or_else(|| {
            panic!("cannot create the user {USER}: {}", String::from_utf8_lossy(&out.stderr))
        })
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `path` can be read and executed by `uid`/`gid` through every directory above it.
fn reachable_by(path: &Path, uid: u32, gid: u32) -> bool {
    let ok = |p: &Path, bits: u32| {
        std::fs::metadata(p).is_ok_and(|m| {
            let mode = m.permissions().mode();
            if m.uid() == uid {
                mode & (bits << 6) == bits << 6
            } else if m.gid() == gid {
                mode & (bits << 3) == bits << 3
            } else {
                mode & bits == bits
            }
        })
    };
    ok(path, 0o5) && path.ancestors().skip(1).all(|a| a.as_os_str().is_empty() || ok(a, 0o1))
}

fn chown(path: &Path, uid: u32, gid: u32) {
    if is_root() {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown a test directory");
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The binary copy the test user runs when [`BIN`] is out of its reach, shared by the live
/// [`Sway`]s of this process (a debug binary is over 100 MiB: one copy, not one per test),
/// and removed with the last of them.
static SHARED_BIN: std::sync::Mutex<(usize, Option<PathBuf>)> = std::sync::Mutex::new((0, None));

fn shared_binary(uid: u32, gid: u32) -> PathBuf {
    if reachable_by(Path::new(BIN), uid, gid) {
        return PathBuf::from(BIN);
    }
    let mut shared = SHARED_BIN.lock().unwrap_or_else(|p| p.into_inner());
    shared.0 += 1;
    if let Some(path) = &shared.1 {
        return path.clone();
    }
    let dir = std::env::temp_dir().join(format!("uvterm-wl-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the binary's directory");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.join("uvterm");
    std::fs::copy(BIN, &copy).expect("copy the uvterm binary");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    shared.1 = Some(copy.clone());
    copy
}

fn release_shared_binary() {
    let mut shared = SHARED_BIN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(path) = shared.1.clone() {
        shared.0 = shared.0.saturating_sub(1);
        if shared.0 == 0 {
            shared.1 = None;
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// A headless sway and the private directory its clients share.
pub struct Sway {
    child: Option<Child>,
    /// A virtual keyboard held on the seat (see the module's doc comment).
    keyboard: Option<Child>,
    /// Owned by the test user: config, logs, the copied binary, per-instance directories.
    pub dir: PathBuf,
    /// `XDG_RUNTIME_DIR` (0700).
    pub runtime: PathBuf,
    pub display: String,
    pub swaysock: PathBuf,
    /// The uvterm binary the test user runs.
    pub bin: PathBuf,
    uid: u32,
    gid: u32,
}

impl Sway {
    /// sway on a 1280×800 headless output (`HEADLESS-1`), with uvterm's windows floating at
    /// the size they ask for (as under X11 with no window manager).
    pub fn start() -> Sway {
        let (uid, gid) = identity();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("uvterm-wl-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test directory");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        chown(&dir, uid, gid);
        let runtime = dir.join("run");
        std::fs::create_dir(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown(&runtime, uid, gid);
        let config = dir.join("sway.config");
        std::fs::write(
            &config,
            "output HEADLESS-1 resolution 1280x800 position 0 0\n\
             default_border none\n\
             default_floating_border none\n\
             for_window [app_id=\"uvterm\"] floating enable\n",
        )
        .unwrap();
        let bin = shared_binary(uid, gid);
        let swaysock = runtime.join("sway-ipc.sock");
        let log = std::fs::File::create(dir.join("sway.log")).unwrap();
        let mut sway = Sway {
            child: None,
            keyboard: None,
            display: String::new(),
            swaysock,
            bin,
            runtime,
            dir,
            uid,
            gid,
        };
        let child = sway
            .command("sway")
            .arg("-c")
            .arg(&config)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_RENDERER", "pixman")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sway (install the sway package)");
        sway.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let socket = std::fs::read_dir(&sway.runtime).ok().and_then(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .find(|n| n.starts_with("wayland-") && !n.ends_with(".lock"))
            });
            if let Some(s) = socket
                && sway.swaysock.exists()
            {
                sway.display = s;
                if sway.swaymsg(&["-t", "get_outputs"]).status.success() {
                    break;
                }
            }
            if let Some(Ok(Some(status))) = sway.child.as_mut().map(|c| c.try_wait()) {
                panic!("sway exited ({status}) at start:\n{}", sway.log());
            }
            assert!(Instant::now() < deadline, "sway did not start:\n{}", sway.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        // A keyboard on the seat for the compositor's life (an hour-long sleep of wtype's;
        // wtype's `-s` takes at most 2^32 µs).
        let keyboard = sway
            .command("wtype")
            .args(["-s", "3600000"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wtype (install the wtype package)");
        sway.keyboard = Some(keyboard);
        let has_keyboard = wait_until(Duration::from_secs(10), || {
            let out = sway.swaymsg(&["-t", "get_inputs"]);
            String::from_utf8_lossy(&out.stdout).contains("\"keyboard\"")
        });
        assert!(has_keyboard, "no virtual keyboard on the seat:\n{}", sway.log());
        sway
    }

    /// `program` run as the test user in the compositor's environment (a clean one: no
    /// `DISPLAY`, the runtime directory, `WAYLAND_DISPLAY`, `SWAYSOCK`).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = if is_root() {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={}", self.uid))
                .arg(format!("--regid={}", self.gid))
                .args(["--clear-groups", "--"])
                .arg(program);
            c
        } else {
            Command::new(program)
        };
        c.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
            .env("HOME", &self.dir)
            .env("USER", USER)
            .env("SHELL", "/bin/sh")
            .env("LANG", "C.UTF-8")
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("SWAYSOCK", &self.swaysock)
            .current_dir(&self.dir);
        if !self.display.is_empty() {
            c.env("WAYLAND_DISPLAY", &self.display);
        }
        c
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sway.log")).unwrap_or_default()
    }

    pub fn swaymsg(&self, args: &[&str]) -> Output {
        self.command("swaymsg").args(args).output().expect("swaymsg")
    }

    /// The compositor's tree (`swaymsg -t get_tree`).
    pub fn tree(&self) -> serde_json::Value {
        serde_json::from_slice(&self.swaymsg(&["-t", "get_tree"]).stdout)
            .unwrap_or(serde_json::Value::Null)
    }

    /// The views (windows) whose app_id is `app_id`, in tree order.
    pub fn views(&self, app_id: &str) -> Vec<serde_json::Value> {
        fn walk(n: &serde_json::Value, app_id: &str, out: &mut Vec<serde_json::Value>) {
            if n["app_id"] == app_id {
                out.push(n.clone());
            }
            for key in ["nodes", "floating_nodes"] {
                for c in n[key].as_array().into_iter().flatten() {
                    walk(c, app_id, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.tree(), app_id, &mut out);
        out
    }

    /// Type `args` with `wtype` (text, `-k KEY`, `-M ctrl` …) and wait for it to finish.
    pub fn wtype(&self, args: &[&str]) {
        let out = self.command("wtype").args(args).output().expect("wtype");
        assert!(out.status.success(), "wtype {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// The clipboard's text (`--primary`: the primary selection's), by `wl-paste`.
    pub fn paste(&self, primary: bool) -> String {
        let mut c = self.command("wl-paste");
        c.arg("--no-newline");
        if primary {
            c.arg("--primary");
        }
        let out = c.output().expect("wl-paste (install wl-clipboard)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Put `text` on the clipboard (or the primary selection) with `wl-copy`, which keeps
    /// serving it in the background until something else takes the selection.
    pub fn copy(&self, text: &str, primary: bool) {
        let mut c = self.command("wl-copy");
        if primary {
            c.arg("--primary");
        }
        // wl-copy forks a server that keeps the selection: no pipes to wait on.
        let status = c
            .arg("--")
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("wl-copy (install wl-clipboard)");
        assert!(status.success(), "wl-copy failed");
    }

    /// The pixels of a rectangle of the layout (logical coordinates), at the output's scale
    /// (`grim -g`).
    pub fn capture(&self, x: i64, y: i64, w: i64, h: i64) -> Image {
        let out = self
            .command("grim")
            .args(["-t", "ppm", "-g", &format!("{x},{y} {w}x{h}"), "-"])
            .output()
            .expect("grim (install the grim package)");
        assert!(out.status.success(), "grim: {}", String::from_utf8_lossy(&out.stderr));
        Image::from_ppm(&out.stdout).expect("grim wrote a PPM")
    }
}

impl Drop for Sway {
    fn drop(&mut self) {
        if let Some(mut k) = self.keyboard.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
        if let Some(mut child) = self.child.take() {
            // SIGTERM, so that sway removes its sockets; it exits at once headless.
            // SAFETY: signals our own child, which has not been waited for yet.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
            if !wait_until(Duration::from_secs(5), || matches!(child.try_wait(), Ok(Some(_)))) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        if std::env::var_os("UVTERM_KEEP_TEST_DIRS").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        release_shared_binary();
    }
}

/// uvterm in the compositor, with a private socket and an empty config directory.
pub struct Gui<'a> {
    pub sway: &'a Sway,
    pub child: Child,
    pub socket: PathBuf,
    /// The instance's own directory (config, stderr), inside the compositor's.
    pub dir: PathBuf,
}

impl<'a> Gui<'a> {
    pub fn start(sway: &'a Sway, name: &str, args: &[&str]) -> Gui<'a> {
        Gui::start_with_env(sway, name, args, &[])
    }

    pub fn start_with_env(
        sway: &'a Sway,
        name: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Gui<'a> {
        let dir = sway.dir.join(format!("gui-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("config")).unwrap();
        chown(&dir, sway.uid, sway.gid);
        chown(&dir.join("config"), sway.uid, sway.gid);
        let socket = sway.runtime.join(format!("{name}.sock"));
        let child = sway
            .command(&sway.bin)
            .arg("--socket")
            .arg(&socket)
            .args(["-o", "font.size=12", "-o", "window.padding=4"])
            .args(args)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("RUST_LOG", "uvterm=debug,warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
            .spawn()
            .expect("start uvterm");
        Gui { sway, child, socket, dir }
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    /// `uvterm msg ARGS…` as the test user (the server takes only its own uid).
    pub fn msg(&self, args: &[&str]) -> Output {
        self.sway
            .command(&self.sway.bin)
            .arg("msg")
            .arg("--socket")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("uvterm msg")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_slice(&self.msg(args).stdout).unwrap_or(serde_json::Value::Null)
    }

    /// The `list` entry of window `n` once it has reported its geometry.
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

    pub fn window(&self) -> serde_json::Value {
        self.window_n(0)
    }

    /// The compositor's view of this instance's windows (app_id `uvterm`, this pid).
    pub fn views(&self) -> Vec<serde_json::Value> {
        let pid = self.child.id() as u64;
        self.sway.views("uvterm").into_iter().filter(|v| v["pid"].as_u64() == Some(pid)).collect()
    }

    /// The first view once mapped with a size.
    pub fn view(&self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(v) = self.views().into_iter().next()
                && v["rect"]["width"].as_i64().unwrap_or(0) > 0
            {
                return v;
            }
            assert!(Instant::now() < deadline, "no view in sway; stderr: {}", self.stderr());
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

    /// The view's content (its `rect`, in logical pixels of the layout) at the output scale.
    pub fn capture(&self) -> Image {
        let v = self.view();
        let r = &v["rect"];
        let get = |k: &str| r[k].as_i64().unwrap_or(0);
        self.sway.capture(get("x"), get("y"), get("width"), get("height"))
    }

    /// [`Gui::capture`] once `drawn` holds (or the last capture after `timeout`).
    pub fn capture_when(&self, timeout: Duration, mut drawn: impl FnMut(&Image) -> bool) -> Image {
        let deadline = Instant::now() + timeout;
        loop {
            let img = self.capture();
            if drawn(&img) || Instant::now() >= deadline {
                return img;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Gui<'_> {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A file the test user can read: `path` itself when reachable, else a copy in `sway.dir`.
pub fn readable(sway: &Sway, path: &Path) -> PathBuf {
    if reachable_by(path, sway.uid, sway.gid) {
        return path.to_path_buf();
    }
    let copy = sway.dir.join(path.file_name().unwrap_or_default());
    std::fs::copy(path, &copy).expect("copy a helper file");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
    copy
}

/// Hand `path` (made by the test) to the test user.
pub fn give(sway: &Sway, path: &Path) {
    chown(path, sway.uid, sway.gid);
}
