//! uvterm's window beside Alacritty, kitty and xterm, under the same Xvfb (Mesa llvmpipe), in
//! the same run (prints figures; not a pass/fail test). Each terminal runs with DejaVu Sans
//! Mono 12, 120×40 cells, its defaults otherwise:
//!
//! * **start → first output drawn**: from spawning the terminal to its window showing the
//!   first thing its program printed (a screen cleared to a truecolor red), read from the X
//!   server pixel by pixel; the median of several starts.
//! * **full redraw**: a program in the terminal redraws all 120×40 cells with dense coloured
//!   text (a different 256-colour foreground every cell, backgrounds in runs), and ends each
//!   frame by recolouring the first line, which is what the probe watches; the next frame is
//!   asked for 50 ms after that one is visible (more than a display refresh, so frame pacing
//!   is not what is measured). The median time from asking to seeing: parse + render +
//!   present, the latency a user sees for a full-screen update.
//! * **idle CPU**: user + system time of the terminal's process over 10 s with a shell
//!   prompt and nothing happening.
//! * **cat**: `cat` of each workload inside the terminal, timed by the shell around `cat`
//!   (median of `CAT_ROUNDS`, the terminals interleaved in every round): `log` (a log-like
//!   file, text with some colours), and the core benchmark's streams (`ascii`, `sgr`,
//!   `unicode`, `scroll`, `redraw`: `benches/workloads/streams.rs`), `CAT_MB` each, and
//!   `image` (the half-block picture redrawn in place 30 times). Throughput in MB/s, and each
//!   uvterm column's ratio to Alacritty's. Beside each: the terminal's busiest thread (its
//!   PTY reader) — its CPU time and its time runnable but waiting for a CPU, as percentages
//!   of the cat's wall time, and how many times it was preempted —, the CPU milliseconds each
//!   MB cost all the terminal's threads together and its reader alone, the same file
//!   through a PTY whose reader only counts bytes (the kernel's ceiling), and through a PTY
//!   read by a stand-in that only spends each terminal's measured CPU per byte
//!   (`pty_path::model_cat`): what this machine allows for that much work.
//!
//! `uvterm` shapes text with the font's default features (ligatures on); `uvterm-noliga` is
//! the same binary with `font.features=["-calt","-liga"]` (ligatures off): the cost of
//! ligatures is the difference between the two columns. With `UVTERM_BASELINE_BIN=PATH`, a
//! `uvterm-baseline` column runs another build (e.g. the commit before shaping) in the same
//! run, so a change's cost is a ratio measured side by side.
//!
//! Run: `cargo bench --bench gui_compare` (needs Xvfb; peers that are not installed are
//! shown as such). Knobs: `TERMINALS=uvterm,uvterm-noliga,alacritty,kitty,xterm`,
//! `SECTIONS=start,redraw,idle,cat`, `WORKLOADS=log,ascii,sgr,unicode,scroll,redraw,image`,
//! `CAT_MB=50`, `CAT_ROUNDS=3`, `FRAMES=60`, `STARTS=5`, `IDLE_SECS=10`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
use x11rb::rust_connection::RustConnection;

#[path = "workloads/half_block.rs"]
mod half_block;

#[path = "workloads/streams.rs"]
mod streams;

#[path = "workloads/pty_path.rs"]
mod pty_path;

const COLS: usize = 120;
const LINES: usize = 40;
const RED: [u8; 3] = [255, 0, 0];
const BLUE: [u8; 3] = [0, 0, 255];
/// Where the probe looks, in root-window pixels: inside the first line of a window at the
/// origin (no window manager: every terminal's window is placed at +0+0), clear of glyphs
/// since the marker line is blank.
const PROBE: (i16, i16) = (60, 8);
/// The same, well inside the window (for the red screen of a fresh start).
const PROBE_MIDDLE: (i16, i16) = (200, 200);

struct X {
    _server: Server,
    display: String,
    conn: RustConnection,
    root: u32,
}

impl X {
    fn start() -> X {
        use std::io::{BufRead, BufReader};
        // The server picks a free display number itself and tells it on stdout.
        let mut server = Server(
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1920x1080x24",
                    "-br",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb (install the xvfb package)"),
        );
        let mut line = String::new();
        let read = server.0.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
        let display = format!(":{}", line.trim());
        let connected = x11rb::connect(Some(&display));
        match (read, connected) {
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

    fn pixel(&self, (x, y): (i16, i16)) -> [u8; 3] {
        let reply = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, self.root, x, y, 1, 1, !0)
            .ok()
            .and_then(|c| c.reply().ok());
        match reply {
            // 24-bit depth, 32 bits a pixel, little-endian: B, G, R, pad.
            Some(r) if r.data.len() >= 3 => [r.data[2], r.data[1], r.data[0]],
            _ => [0, 0, 0],
        }
    }

    /// Poll until `at` shows `color`; the time it took, or None after `timeout`.
    fn wait_color(&self, at: (i16, i16), color: [u8; 3], timeout: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.pixel(at) == color {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        None
    }
}

/// The X server process, stopped when dropped.
struct Server(Child);

impl Server {
    fn stop(&mut self) {
        // SIGTERM, so that the server removes its lock file and socket.
        // SAFETY: signals our own child, not yet waited for.
        unsafe { libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How to start one terminal running `sh -c SCRIPT`.
fn command(terminal: &str, script: &str, dir: &Path) -> Command {
    let font = "DejaVu Sans Mono";
    let mut c = match terminal {
        "uvterm" | "uvterm-noliga" | "uvterm-baseline" => {
            // uvterm-baseline: another build of uvterm (e.g. the commit before a change) from
            // UVTERM_BASELINE_BIN, with its defaults, measured in the same run.
            let bin = match (terminal, std::env::var_os("UVTERM_BASELINE_BIN")) {
                ("uvterm-baseline", Some(path)) => PathBuf::from(path),
                _ => PathBuf::from(env!("CARGO_BIN_EXE_uvterm")),
            };
            let mut c = Command::new(bin);
            if terminal == "uvterm-noliga" {
                c.args(["-o", r#"font.features=["-calt","-liga"]"#]);
            }
            c.args(["-o", "font.size=12", "-o", &format!("font.family={font}")])
                .args([
                    "-o",
                    &format!("window.columns={COLS}"),
                    "-o",
                    &format!("window.lines={LINES}"),
                ])
                .args(["-e", "sh", "-c", script]);
            c
        }
        "alacritty" => {
            let mut c = Command::new("alacritty");
            c.args(["--config-file", "/dev/null", "-o", "font.size=12"])
                .args(["-o", &format!("font.normal.family=\"{font}\"")])
                .args(["-o", &format!("window.dimensions.columns={COLS}")])
                .args(["-o", &format!("window.dimensions.lines={LINES}")])
                .args(["-e", "sh", "-c", script]);
            c
        }
        "kitty" => {
            let mut c = Command::new("kitty");
            c.args([
                "--config",
                "NONE",
                "-o",
                "font_size=12",
                "-o",
                &format!("font_family={font}"),
            ])
            .args(["-o", &format!("initial_window_width={COLS}c")])
            .args(["-o", &format!("initial_window_height={LINES}c")])
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

fn installed(terminal: &str) -> bool {
    terminal.starts_with("uvterm")
        || Command::new("sh")
            .args(["-c", &format!("command -v {terminal} >/dev/null")])
            .status()
            .is_ok_and(|s| s.success())
}

struct Running {
    child: Child,
}

impl Running {
    fn start(x: &X, terminal: &str, script: &str, dir: &Path) -> Running {
        let child = command(terminal, script, dir)
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

/// Wait for the screen to be free of the previous terminal's window.
fn wait_gone(x: &X) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && (x.pixel(PROBE_MIDDLE) != [0, 0, 0]) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
}

const RED_SCREEN: &str = r"printf '\033[48;2;255;0;0m\033[2J'";

fn startup(x: &X, terminal: &str, dir: &Path) -> Option<Duration> {
    wait_gone(x);
    let script = format!("{RED_SCREEN}; exec sleep 60");
    let start = Instant::now();
    let _t = Running::start(x, terminal, &script, dir);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30)).map(|_| start.elapsed())
}

/// The program that draws frames on request (one line on the FIFO each).
const FRAME_PROGRAM: &str = r#"
import sys
cols, lines, frames, fifo = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = sys.stdout.buffer
words = b"the quick brown fox jumps over a lazy dog 0123456789 {}[]()<>=+-*/ "
with open(fifo, "rb") as go:
    for k in range(frames):
        if not go.readline():
            break
        parts = []
        for row in range(2, lines + 1):
            parts.append(b"\033[%d;1H" % row)
            for col in range(cols):
                if col % 10 == 0:
                    parts.append(b"\033[48;5;%dm" % (232 + (row + col // 10 + k) % 24))
                parts.append(b"\033[38;5;%dm" % (16 + (row * 7 + col + k) % 216))
                parts.append(words[(row * 13 + col + k) % len(words):][:1])
        marker = b"\033[48;2;255;0;0m" if k % 2 == 0 else b"\033[48;2;0;0;255m"
        parts.append(b"\033[1;1H" + marker + b" " * cols + b"\033[0m")
        out.write(b"".join(parts))
        out.flush()
import time
time.sleep(60)
"#;

fn full_redraw(x: &X, terminal: &str, dir: &Path, frames: usize) -> Option<Duration> {
    wait_gone(x);
    let program = dir.join("frames.py");
    std::fs::write(&program, FRAME_PROGRAM).ok()?;
    let fifo = dir.join(format!("go-{terminal}"));
    let _ = std::fs::remove_file(&fifo);
    let c = std::ffi::CString::new(fifo.to_str()?).ok()?;
    // SAFETY: mkfifo reads the NUL-terminated path only.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
        return None;
    }
    let script = format!(
        "{RED_SCREEN}; exec python3 '{}' {COLS} {LINES} {frames} '{}'",
        program.display(),
        fifo.display()
    );
    let _t = Running::start(x, terminal, &script, dir);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
    let mut go = std::fs::OpenOptions::new().write(true).open(&fifo).ok()?;
    let mut times = Vec::new();
    for k in 0..frames {
        let want = if k % 2 == 0 { RED } else { BLUE };
        // Frames apart by more than a display refresh, so that no terminal's frame pacing
        // (at most one frame per refresh) is what is measured.
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        go.write_all(b"\n").ok()?;
        go.flush().ok()?;
        // Frame 0's marker is red like the start screen: wait for a change only from frame 1.
        let t = x.wait_color(PROBE, want, Duration::from_secs(30));
        if t.is_none() {
            eprintln!("{terminal}: frame {k} never showed; the probe sees {:?}", x.pixel(PROBE));
            return None;
        }
        if k > 0 {
            times.push(start.elapsed());
        }
    }
    Some(median(&mut times))
}

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn idle_cpu(x: &X, terminal: &str, dir: &Path, secs: u64) -> Option<f64> {
    wait_gone(x);
    let script = format!("{RED_SCREEN}; PS1='$ ' exec sh -i");
    let t = Running::start(x, terminal, &script, dir);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
    std::thread::sleep(Duration::from_secs(2));
    let pid = t.child.id();
    let before = cpu_ticks(pid)?;
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let used = cpu_ticks(pid)? - before;
    // SAFETY: sysconf only reads a system constant.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(used as f64 / hz / start.elapsed().as_secs_f64() * 100.0)
}

/// One `cat` of `file` in `terminal`: its time, the scheduler's figures for the terminal's
/// busiest thread (its reader) over the run, when `/proc` has them, and the CPU time of all
/// its threads together (nanoseconds).
fn cat(x: &X, terminal: &str, dir: &Path, file: &Path) -> Option<Round> {
    wait_gone(x);
    let fifo = dir.join(format!("cat-{terminal}"));
    let result = dir.join(format!("cat-{terminal}.ms"));
    let _ = std::fs::remove_file(&fifo);
    let _ = std::fs::remove_file(&result);
    let c = std::ffi::CString::new(fifo.to_str()?).ok()?;
    // SAFETY: mkfifo reads the NUL-terminated path only.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
        return None;
    }
    let script = format!(
        "{RED_SCREEN}; read x < '{fifo}'; t0=$(date +%s%N); cat '{file}'; t1=$(date +%s%N); \
         echo $(( (t1 - t0) / 1000000 )) > '{result}'; exec sleep 60",
        fifo = fifo.display(),
        file = file.display(),
        result = result.display()
    );
    let t = Running::start(x, terminal, &script, dir);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
    let before = pty_path::threads(t.child.id());
    std::fs::write(&fifo, b"go\n").ok()?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        if let Some(ms) =
            std::fs::read_to_string(&result).ok().and_then(|s| s.trim().parse::<u64>().ok())
        {
            let after = pty_path::threads(t.child.id());
            let reader = pty_path::busiest(&before, &after);
            let all = pty_path::total_run_ns(&before, &after);
            return Some((Duration::from_millis(ms), reader, all));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// One `cat` round: wall time, the reader thread's scheduler figures, every thread's CPU
/// nanoseconds.
type Round = (Duration, Option<pty_path::ThreadSched>, u64);

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// A log-like file: words, numbers, some coloured tags.
fn make_file(path: &Path, mb: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("temp file"));
    let words = [
        "compiling",
        "uvterm",
        "v0.1.0",
        "(/work/main)",
        "warning:",
        "unused",
        "variable",
        "--> src/main.rs:12:5",
        "Finished",
        "release",
        "target(s)",
        "in",
        "0.42s",
        "error[E0308]:",
        "mismatched",
        "types",
        "expected",
        "`u32`,",
        "found",
        "`usize`",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut written = 0;
    let mut line = Vec::new();
    while written < mb << 20 {
        line.clear();
        for _ in 0..(6 + x % 10) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let w = words[(x % words.len() as u64) as usize];
            if x.is_multiple_of(11) {
                let _ = write!(line, "\x1b[1;3{}m{w}\x1b[0m ", 1 + x % 6);
            } else {
                let _ = write!(line, "{w} ");
            }
        }
        line.push(b'\n');
        written += line.len();
        f.write_all(&line).expect("write temp file");
    }
}

fn main() {
    let default_terminals = if std::env::var_os("UVTERM_BASELINE_BIN").is_some() {
        "uvterm,uvterm-noliga,uvterm-baseline,alacritty,kitty,xterm"
    } else {
        "uvterm,uvterm-noliga,alacritty,kitty,xterm"
    };
    let terminals: Vec<String> = std::env::var("TERMINALS")
        .unwrap_or_else(|_| default_terminals.into())
        .split(',')
        .map(str::to_owned)
        .collect();
    let env_num =
        |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let cat_mb = env_num("CAT_MB", 50);
    let cat_rounds = env_num("CAT_ROUNDS", 3).max(1);
    let frames = env_num("FRAMES", 60);
    let starts = env_num("STARTS", 5);
    let idle_secs = env_num("IDLE_SECS", 10) as u64;
    let list = |k: &str, d: &str| -> Vec<String> {
        std::env::var(k).unwrap_or_else(|_| d.into()).split(',').map(str::to_owned).collect()
    };
    let sections = list("SECTIONS", "start,redraw,idle,cat");
    let on = |s: &str| sections.iter().any(|x| x == s);
    let wanted = list("WORKLOADS", "log,ascii,sgr,unicode,scroll,redraw,image");

    let dir: PathBuf =
        std::env::temp_dir().join(format!("uvterm-gui-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("config")).expect("temp dir");
    // Each workload: its name, its file, its size in MB.
    let mut workloads: Vec<(String, PathBuf, f64)> = Vec::new();
    let size = cat_mb << 20;
    for name in wanted.iter().filter(|_| on("cat")) {
        let path = dir.join(format!("{name}.txt"));
        let bytes = match name.as_str() {
            "log" => {
                make_file(&path, cat_mb);
                None
            }
            "ascii" => Some(streams::dense_ascii(size)),
            "sgr" => Some(streams::sgr_heavy(size)),
            "unicode" => Some(streams::unicode(size)),
            "scroll" => Some(streams::scroll_region(size, LINES)),
            "redraw" => Some(streams::full_redraw(size, COLS, LINES)),
            "image" => Some(half_block::half_block_frames(30, COLS, LINES)),
            other => {
                println!("unknown workload {other}, skipped");
                continue;
            }
        };
        if let Some(b) = bytes {
            std::fs::write(&path, b).expect("write temp file");
        }
        let mb = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / (1 << 20) as f64);
        workloads.push((name.clone(), path, mb));
    }
    let x = X::start();
    let renderer = Command::new("glxinfo")
        .arg("-B")
        .env("DISPLAY", &x.display)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find(|l| l.contains("OpenGL renderer"))
                .map(|l| l.trim().to_owned())
        })
        .unwrap_or_else(|| "OpenGL renderer: unknown (glxinfo missing)".into());
    println!("Xvfb {} 1920x1080x24; {renderer}", x.display);
    println!("{}", pty_path::cpu_idle());
    println!("each terminal: DejaVu Sans Mono 12, {COLS}x{LINES} cells, its defaults otherwise");

    let present: Vec<&str> =
        terminals.iter().map(String::as_str).filter(|t| installed(t)).collect();
    for t in terminals.iter().filter(|t| !installed(t)) {
        println!("{t}: not installed, skipped");
    }
    // Interleave the terminals in every round so drift on a shared machine hits all alike.
    let mut start_times: Vec<Vec<Duration>> = vec![Vec::new(); present.len()];
    for _ in 0..if on("start") { starts } else { 0 } {
        for (i, t) in present.iter().enumerate() {
            if let Some(d) = startup(&x, t, &dir) {
                start_times[i].push(d);
            }
        }
    }
    let redraw: Vec<Option<Duration>> = present
        .iter()
        .map(|t| on("redraw").then(|| full_redraw(&x, t, &dir, frames)).flatten())
        .collect();
    let idle: Vec<Option<f64>> = present
        .iter()
        .map(|t| on("idle").then(|| idle_cpu(&x, t, &dir, idle_secs)).flatten())
        .collect();
    // cats[workload][terminal]: each round's time and the reader's scheduler figures.
    let mut cats: Vec<Vec<Vec<Round>>> = vec![vec![Vec::new(); present.len()]; workloads.len()];
    // raw[workload]: the same file through a PTY whose reader only counts bytes (its time
    // and the reader's CPU nanoseconds).
    let mut raw: Vec<Vec<(Duration, u64)>> = vec![Vec::new(); workloads.len()];
    for _ in 0..cat_rounds {
        for (w, (_, path, _)) in workloads.iter().enumerate() {
            for (i, t) in present.iter().enumerate() {
                if let Some(r) = cat(&x, t, &dir, path) {
                    cats[w][i].push(r);
                }
            }
            raw[w].push(pty_path::model_cat(path, 0.0, 0.0));
        }
    }

    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!();
    print!("{:<34}", "");
    for t in &present {
        print!("{t:>16}");
    }
    println!();
    if on("start") {
        print!("{:<34}", format!("start -> first output (median of {starts})"));
        for s in &mut start_times {
            let cell = if s.is_empty() { "failed".into() } else { ms(median(s)) };
            print!("{cell:>16}");
        }
        println!();
    }
    if on("redraw") {
        print!("{:<34}", format!("full redraw latency ({} frames)", frames.saturating_sub(1)));
        for r in &redraw {
            print!("{:>16}", r.map_or("failed".into(), ms));
        }
        println!();
    }
    if on("idle") {
        print!("{:<34}", format!("idle CPU over {idle_secs} s"));
        for c in &idle {
            print!("{:>16}", c.map_or("failed".into(), |c| format!("{c:.2} %")));
        }
        println!();
    }
    let alacritty = present.iter().position(|t| *t == "alacritty");
    let rate = |mb: f64, d: Duration| format!("{:.1} MB/s", mb / d.as_secs_f64().max(1e-9));
    for (((name, path, mb), rounds), raw) in workloads.iter().zip(&mut cats).zip(&mut raw) {
        // Each terminal's median round: its time and its reader's figures.
        let picked: Vec<Option<Round>> = rounds
            .iter_mut()
            .map(|v| {
                v.sort_by_key(|r| r.0);
                v.get(v.len() / 2).cloned()
            })
            .collect();
        let medians: Vec<Option<Duration>> =
            picked.iter().map(|r| r.as_ref().map(|r| r.0)).collect();
        print!("{:<34}", format!("cat {name} ({mb:.1} MB, median of {cat_rounds})"));
        for m in &medians {
            print!("{:>16}", m.map_or("failed".into(), |d| rate(*mb, d)));
        }
        println!();
        // Where the time went: the busiest thread's CPU and run-queue wait as shares of the
        // cat's wall time, and how often it was preempted (by `cat` and the tty layer's
        // flip-buffer worker, which each 4 KiB read wakes).
        print!("{:<34}", "  reader: run/wait % of wall, preempted");
        for r in &picked {
            let cell = match r {
                Some((d, Some(s), _)) => {
                    let pct = |ns: u64| ns as f64 / 1e7 / d.as_secs_f64().max(1e-9);
                    format!("{:.0}/{:.0} {}", pct(s.run_ns), pct(s.wait_ns), s.preempted)
                }
                _ => "".into(),
            };
            print!("{cell:>16}");
        }
        println!();
        // What each MB cost the terminal, on every thread together and on its reader: on a
        // machine with few cores, `cat` and the tty layer's worker compete for the same CPUs,
        // so the wall-clock rate is capped below the raw figure while these keep the ratio.
        print!("{:<34}", "  CPU ms per MB: all threads/reader");
        for r in &picked {
            let cell = match r {
                Some((_, reader, all)) if *all > 0 => {
                    let per_mb = |ns: u64| ns as f64 / 1e6 / mb.max(1e-9);
                    match reader {
                        Some(s) => format!("{:.1}/{:.1}", per_mb(*all), per_mb(s.run_ns)),
                        None => format!("{:.1}/-", per_mb(*all)),
                    }
                }
                _ => "".into(),
            };
            print!("{cell:>16}");
        }
        println!();
        let mut raw_times: Vec<Duration> = raw.iter().map(|r| r.0).collect();
        println!("{:<34}{:>16}", "  raw PTY, reader discards", rate(*mb, median(&mut raw_times)));
        // The same PTY read by a stand-in that does nothing but spend each terminal's CPU per
        // byte (its reader's beyond what the raw reader's own reads cost, and its other
        // threads' in frame-like bursts): what this machine's PTY and scheduler allow for that
        // much work, whatever the work is.
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len()).max(1) as f64;
        let mut raw_cpu: Vec<u64> = raw.iter().map(|r| r.1).collect();
        raw_cpu.sort_unstable();
        let raw_reader_ns = raw_cpu.get(raw_cpu.len() / 2).copied().unwrap_or(0) as f64 / bytes;
        print!("{:<34}", "  stand-in spending that CPU");
        for r in &picked {
            let cell = match r {
                Some((_, Some(reader), all)) if *all > 0 => {
                    let reader_ns = (reader.run_ns as f64 / bytes - raw_reader_ns).max(0.0);
                    let other_ns = all.saturating_sub(reader.run_ns) as f64 / bytes;
                    let mut times: Vec<Duration> = (0..cat_rounds)
                        .map(|_| pty_path::model_cat(path, reader_ns, other_ns).0)
                        .collect();
                    rate(*mb, median(&mut times))
                }
                _ => "".into(),
            };
            print!("{cell:>16}");
        }
        println!();
        let Some(Some(theirs)) = alacritty.map(|a| medians[a]) else { continue };
        print!("{:<34}", "  ratio to alacritty");
        for (t, m) in present.iter().zip(&medians) {
            let cell = match m {
                Some(d) if t.starts_with("uvterm") => {
                    format!("{:.2}x", theirs.as_secs_f64() / d.as_secs_f64().max(1e-9))
                }
                _ => "".into(),
            };
            print!("{cell:>16}");
        }
        println!();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
