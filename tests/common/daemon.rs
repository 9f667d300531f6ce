//! The real `uvterm --headless` daemon on a private socket, for tests that talk to it over
//! IPC: start, requests, its descriptors and memory seen from outside, clean-up on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_uvterm");

pub struct Daemon {
    pub child: Child,
    pub socket: PathBuf,
    pub dir: PathBuf,
}

impl Daemon {
    pub fn start(name: &str) -> Daemon {
        let dir = std::env::temp_dir().join(format!("uvterm-ipc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        Self::start_at(&socket, dir)
    }

    pub fn start_at(socket: &Path, dir: PathBuf) -> Daemon {
        Self::start_at_with(socket, dir, &[])
    }

    /// `start`, with extra command-line arguments (`-o key=value`, `--config-file`).
    pub fn start_with(name: &str, args: &[&str]) -> Daemon {
        let dir = std::env::temp_dir().join(format!("uvterm-ipc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("d.sock");
        Self::start_at_with(&socket, dir, args)
    }

    pub fn start_at_with(socket: &Path, dir: PathBuf, args: &[&str]) -> Daemon {
        let mut child = Command::new(BIN)
            .args(["--headless", "--socket"])
            .arg(socket)
            .args(args)
            // No user configuration file: only what the test passes applies.
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("UVTERM_IPC_IDLE_MS", "400")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the daemon");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), socket.display().to_string(), "the daemon prints its socket");
        Daemon { child, socket: socket.to_path_buf(), dir }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Descriptors of the daemon, and how many are sockets (seen from outside, with no
    /// connection of ours open).
    pub fn fds(&self) -> (usize, usize) {
        let entries: Vec<String> = std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .flatten()
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .map(|p| p.display().to_string())
            .collect();
        let sockets = entries.iter().filter(|e| e.starts_with("socket:")).count();
        (entries.len(), sockets)
    }

    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap()
            * 1024
    }

    pub fn request(&self, line: &str) -> serde_json::Value {
        let mut s = UnixStream::connect(&self.socket).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(line.as_bytes()).unwrap();
        s.write_all(b"\n").unwrap();
        let mut reply = String::new();
        BufReader::new(&s).read_line(&mut reply).unwrap();
        serde_json::from_str(&reply).unwrap_or_else(|e| panic!("bad reply {reply:?}: {e}"))
    }

    /// The daemon's descriptors once they stop changing (connections close asynchronously).
    pub fn baseline(&self) -> (usize, usize) {
        let mut last = self.fds();
        let mut stable_since = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(5);
        while stable_since.elapsed() < Duration::from_millis(300) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.fds();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
        last
    }

    /// Wait until the daemon's descriptors are back to `fds` (closing is asynchronous).
    pub fn settle(&self, fds: (usize, usize)) -> (usize, usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let now = self.fds();
            if now == fds || Instant::now() > deadline {
                return now;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn msg(&self, args: &[&str]) -> std::process::Output {
        Command::new(BIN).arg("msg").args(args).env("UVTERM_SOCKET", &self.socket).output().unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Poll `f` until it returns Some (or fail after `secs` seconds, saying `what`), every 50 ms.
pub fn wait_for<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
