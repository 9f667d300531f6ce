//! A private session D-Bus for a test (`dbus-daemon --session` on a socket in a temporary
//! directory), a real notification server on it (`dunst`, on the test's X server), and
//! `dbus-monitor` watching it. Each is killed and reaped when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The bus daemon and its address (`unix:path=…`).
pub struct SessionBus {
    child: Child,
    pub address: String,
    pub dir: PathBuf,
}

impl SessionBus {
    /// Start a session bus whose socket lives in a directory of its own (named after `name`).
    pub fn start(name: &str) -> SessionBus {
        let dir = std::env::temp_dir().join(format!("uvterm-dbus-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bus directory");
        let listen = format!("unix:path={}", dir.join("bus").display());
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1", "--nopidfile"])
            .arg(format!("--address={listen}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (install the dbus-daemon package)");
        let mut line = String::new();
        let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
        let address = line.trim().to_owned();
        if !matches!(read, Some(Ok(_))) || address.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dbus-daemon did not start");
        }
        SessionBus { child, address, dir }
    }

    /// `dbus-send` on this bus, to `dest`; its standard output.
    pub fn send(&self, args: &[&str]) -> String {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args(args)
            .output()
            .expect("dbus-send (install the dbus-bin package)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Whether some connection owns `name` on this bus.
    pub fn has_owner(&self, name: &str) -> bool {
        self.send(&[
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .contains("boolean true")
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A program on the bus, killed and reaped when dropped.
pub struct BusProcess {
    child: Child,
    /// Where its standard output goes.
    pub log: PathBuf,
}

impl Drop for BusProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl BusProcess {
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Start `dunst` (a real notification server with actions) on `bus`, drawing on `display`,
/// with notifications that never expire; returns once it owns the Notifications name.
pub fn dunst(bus: &SessionBus, display: &str) -> BusProcess {
    let conf = bus.dir.join("dunstrc");
    std::fs::write(
        &conf,
        "[global]\n    notification_limit = 0\n    idle_threshold = 0\n\
         [urgency_low]\n    timeout = 0\n[urgency_normal]\n    timeout = 0\n\
         [urgency_critical]\n    timeout = 0\n",
    )
    .expect("dunstrc");
    let log = bus.dir.join("dunst.log");
    let child = Command::new("dunst")
        .arg("-conf")
        .arg(&conf)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::fs::File::create(&log).expect("dunst log"))
        .stderr(Stdio::null())
        .spawn()
        .expect("dunst (install the dunst package)");
    let server = BusProcess { child, log };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !bus.has_owner("org.freedesktop.Notifications") {
        assert!(Instant::now() < deadline, "dunst never owned org.freedesktop.Notifications");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// `dbus-monitor` on `bus`, printing every message to a log; returns once it is listening.
pub fn monitor(bus: &SessionBus) -> BusProcess {
    let log = bus.dir.join("monitor.log");
    let child = Command::new("dbus-monitor")
        .arg("--address")
        .arg(&bus.address)
        .stdout(std::fs::File::create(&log).expect("monitor log"))
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor (install the dbus-bin package)");
    let m = BusProcess { child, log };
    // A monitor gives up its unique name when it becomes one: that signal is the first thing
    // it prints.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !m.output().contains("NameLost") {
        assert!(Instant::now() < deadline, "dbus-monitor never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    m
}

/// The `Notify` method calls in a `dbus-monitor` log, each as its arguments' lines.
pub fn notify_calls(log: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let mut current: Option<String> = None;
    for line in log.lines() {
        if !line.starts_with(' ') {
            calls.extend(current.take());
            if line.starts_with("method call") && line.contains("member=Notify") {
                current = Some(String::new());
            }
        } else if let Some(c) = current.as_mut() {
            c.push_str(line.trim());
            c.push('\n');
        }
    }
    calls.extend(current);
    calls
}
