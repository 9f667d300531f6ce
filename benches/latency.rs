//! Latency, fairness, idle cost, start-up and memory of uvterm's window beside Alacritty,
//! kitty and xterm, under one Xvfb (Mesa llvmpipe), in one run. Prints figures; not a
//! pass/fail test. Every terminal: DejaVu Sans Mono 12, 120×40 cells, cursor not blinking.
//!
//! * **echo** (typometer's method): the terminal runs `cat` on a red screen; a key is pressed
//!   and released through XTEST and the bench polls the pixels of the first line until they
//!   change (the kernel's echo drawn). After 26 keys of warm-up (every letter once, so no
//!   glyph is rasterized during the measurement), 40 keys, 40–70 ms apart (more than a
//!   display refresh: frame pacing after a previous frame is not what is measured). Median
//!   and p90.
//! * **fairness** (uvterm): `TABS` tabs (default 1000) in one window, 10 of them flooding
//!   (`yes`) and the shown one interactive (`cat`): its echo latency idle and under the flood
//!   (`KEYS`/2 keys each),
//!   the bytes each flooding tab got parsed in 5 s (min/max: 1.0 is perfectly fair, 0 is a
//!   starved tab), and the frames drawn meanwhile while nobody types (hidden tabs' output must
//!   draw nothing). Then the same with no terminal (`pty_path::bare_echo`): a PTY's echo,
//!   idle and under 10 `yes` floods drained by bare readers, the floor of the ratio.
//! * **idle**: CPU (user + system) and wake-ups (context switches of all threads, from
//!   `/proc/PID/task/*/status`) over `IDLE_SECS` seconds with a shell prompt; uvterm also with
//!   50 tabs.
//! * **start**: spawn → the program's first output visible (the red screen), median of
//!   `STARTS`; for uvterm also where the time goes (`UVTERM_TRACE_START=1` phases), and the
//!   GL driver's own floor under the same server: `glxinfo -B` spawn → exit (connect, load
//!   Mesa, make a context current, print its strings — no window drawn), median of `STARTS`.
//!   `uvterm-nocache` is this build compiling its GL programs at every start
//!   (`UVTERM_PROGRAM_CACHE=0`).
//! * **memory**: RSS with one window; for uvterm also the cost of each of 20 more tabs and of
//!   2 more windows (a GL context each).
//!
//! `uvterm-full` is the same build drawing every frame whole (`UVTERM_DAMAGE=0`): the
//! difference between the two columns is what damage tracking buys. `uvterm-egl` is the same
//! build on EGL (`UVTERM_GL_PLATFORM=egl`), whose software path presents whole frames.
//!
//! Run: `cargo bench --bench latency`. Knobs: `TERMINALS=uvterm,uvterm-full,alacritty,kitty,xterm`,
//! `SECTIONS=echo,fairness,idle,start,memory`, `KEYS=40`, `TABS=1000`, `IDLE_SECS=10`,
//! `STARTS=5`, `FLOOD_NICE=N` (the fairness section's floods run under `nice -n N`);
//! `UVTERM_BASELINE_BIN=PATH` adds a `uvterm-baseline` column (another build).

mod common;

#[path = "workloads/pty_path.rs"]
mod pty_path;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

/// The watched strip: the first two lines' worth of pixels, wide enough for 70 cells.
const STRIP: (u16, u16) = (800, 40);

/// Typometer-style key → echo latency: `keys` measured keys (after a warm-up), each the time
/// from the XTEST request being flushed to the first change of the pixels of the cell the
/// letter lands in.
fn echo(x: &X, terminal: &str, dir: &Path, extra: &[&str], keys: usize) -> Option<Vec<Duration>> {
    x.wait_gone();
    let script = format!("{RED_SCREEN}; exec cat");
    let _t = Running::start(x, terminal, &script, dir, extra);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
    std::thread::sleep(Duration::from_millis(300));
    x.focus_top();
    let mut typist = Typist::new(x)?;
    typist.warm_up()?;
    typist.measure(keys)
}

/// Types letters (a, b, c, … cycling) on one line and times each one's echo.
///
/// Watching a whole strip of the screen with GetImage every 100 µs keeps the single-threaded
/// X server busy copying pixels, which delays the terminals that present frames with large
/// PutImage requests (every GL one under Xvfb) far more than xterm's small drawing requests:
/// so the warm-up finds where each letter lands (the left edge of the changed pixels moves
/// one cell a key) and each measured key watches only its own cell.
struct Typist<'a> {
    x: &'a X,
    codes: Vec<u8>,
    typed: usize,
    /// Left edge of the first key's cell, the cell width, the line's top and height (px).
    cells: Option<(i32, f64, i16, u16)>,
}

impl<'a> Typist<'a> {
    fn new(x: &'a X) -> Option<Typist<'a>> {
        let codes: Vec<u8> = (b'a'..=b'z').filter_map(|c| x.keycode(c as u32)).collect();
        if codes.is_empty() {
            eprintln!("no keycodes for letters");
            return None;
        }
        Some(Typist { x, codes, typed: 0, cells: None })
    }

    /// 26 keys watched over the whole strip: each letter's cell is known afterwards.
    fn warm_up(&mut self) -> Option<()> {
        let mut lefts = Vec::new();
        let (mut top, mut bottom) = (i32::MAX, 0);
        for _ in 0..26 {
            let before = self.x.region(0, 0, STRIP.0, STRIP.1);
            let start = Instant::now();
            self.x.tap(self.codes[self.typed % self.codes.len()]);
            self.typed += 1;
            let after = loop {
                let now = self.x.region(0, 0, STRIP.0, STRIP.1);
                if now != before {
                    // Let the frame finish before comparing.
                    std::thread::sleep(Duration::from_millis(30));
                    break self.x.region(0, 0, STRIP.0, STRIP.1);
                }
                if start.elapsed() > Duration::from_secs(5) {
                    eprintln!("warm-up key {}: no echo within 5 s", self.typed);
                    return None;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            let w = STRIP.0 as usize;
            let changed = (0..before.len() / 4)
                .filter(|&i| before[i * 4..i * 4 + 3] != after[i * 4..i * 4 + 3]);
            let (mut left, mut t, mut b) = (usize::MAX, usize::MAX, 0);
            for i in changed {
                left = left.min(i % w);
                t = t.min(i / w);
                b = b.max(i / w);
            }
            if left != usize::MAX {
                lefts.push(left as i32);
                top = top.min(t as i32);
                bottom = bottom.max(b as i32);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (first, last) = (*lefts.first()?, *lefts.last()?);
        let cw = (last - first) as f64 / (lefts.len() - 1).max(1) as f64;
        if cw < 3.0 {
            eprintln!("cannot find the cells: left edges {lefts:?}");
            return None;
        }
        self.cells = Some((first, cw, top as i16, (bottom - top + 1).max(1) as u16));
        Some(())
    }

    /// The region of the cell the next key's letter lands in.
    fn next_cell(&self) -> Option<(i16, i16, u16, u16)> {
        let (first, cw, top, h) = self.cells?;
        // The first warm-up key landed at `first`; key n lands at first + n·cw.
        let x = first as f64 + self.typed as f64 * cw;
        Some((x.round() as i16, top, cw.floor().max(1.0) as u16, h))
    }

    fn measure(&mut self, n: usize) -> Option<Vec<Duration>> {
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let (cx, cy, cw, ch) = self.next_cell()?;
            let before = self.x.region(cx, cy, cw, ch);
            let start = Instant::now();
            self.x.tap(self.codes[self.typed % self.codes.len()]);
            self.typed += 1;
            loop {
                if self.x.region(cx, cy, cw, ch) != before {
                    out.push(start.elapsed());
                    break;
                }
                if start.elapsed() > Duration::from_secs(5) {
                    eprintln!("key {k}: no change in its cell within 5 s");
                    return None;
                }
                std::thread::sleep(Duration::from_micros(100));
            }
            // Uneven gaps over a display refresh, so that nothing periodic lines up.
            std::thread::sleep(Duration::from_millis(40 + (k as u64 * 7) % 31));
        }
        Some(out)
    }
}

/// Every JSON value under `key`, anywhere in `v`.
fn find<'a>(v: &'a serde_json::Value, key: &str, out: &mut Vec<&'a serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.push(x);
                }
                find(x, key, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| find(x, key, out)),
        _ => (),
    }
}

fn first_u64(v: &serde_json::Value, key: &str) -> Option<u64> {
    let mut out = Vec::new();
    find(v, key, &mut out);
    out.iter().find_map(|v| v.as_u64())
}

/// uvterm started with its own socket in `dir`.
struct Uv {
    run: Running,
    socket: PathBuf,
}

fn start_uvterm(x: &X, terminal: &str, dir: &Path, script: &str, extra: &[&str]) -> Option<Uv> {
    let socket = dir.join(format!("{terminal}.sock"));
    let _ = std::fs::remove_file(&socket);
    let sock = socket.to_str()?.to_owned();
    let mut args = vec!["--socket", &sock];
    args.extend_from_slice(extra);
    let run = Running::start(x, terminal, script, dir, &args);
    if !wait_window(&socket) {
        eprintln!("{terminal}: no window");
        return None;
    }
    Some(Uv { run, socket })
}

fn create_tab(socket: &Path, command: &[&str]) -> Option<u64> {
    let req = serde_json::json!({"cmd": "create-tab", "command": command});
    let reply = request(socket, &req.to_string());
    first_u64(&reply, "id").or_else(|| first_u64(&reply, "tab"))
}

/// Bytes read from each listed tab's PTY so far (`stats --tabs`).
fn bytes_read(socket: &Path, tabs: &[u64]) -> Vec<u64> {
    let reply = request(socket, r#"{"cmd":"stats","tabs":true}"#);
    let mut entries = Vec::new();
    find(&reply, "pty_bytes_read", &mut entries);
    let mut by_id = std::collections::HashMap::new();
    let mut objs = Vec::new();
    collect_tab_objects(&reply, &mut objs);
    for o in objs {
        if let (Some(id), Some(b)) =
            (o.get("id").and_then(|v| v.as_u64()), o.get("pty_bytes_read").and_then(|v| v.as_u64()))
        {
            by_id.insert(id, b);
        }
    }
    tabs.iter().map(|t| by_id.get(t).copied().unwrap_or(0)).collect()
}

fn collect_tab_objects<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            if m.contains_key("pty_bytes_read") {
                out.push(v);
            }
            m.values().for_each(|x| collect_tab_objects(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_tab_objects(x, out)),
        _ => (),
    }
}

fn frames(socket: &Path) -> Option<u64> {
    first_u64(&request(socket, r#"{"cmd":"stats"}"#), "frames")
}

struct Fairness {
    idle: Vec<Duration>,
    flood: Vec<Duration>,
    /// Bytes each flooding tab had parsed over the window.
    per_tab: Vec<u64>,
    window: Duration,
    frames_hidden: Option<u64>,
    open_time: Duration,
}

fn fairness(x: &X, terminal: &str, dir: &Path, tabs: usize, keys: usize) -> Option<Fairness> {
    x.wait_gone();
    let go = dir.join("go");
    let _ = std::fs::remove_file(&go);
    let uv = start_uvterm(x, terminal, dir, "exec sleep 100000", &[])?;
    let opened = Instant::now();
    let idle_tabs = tabs.saturating_sub(12);
    for _ in 0..idle_tabs {
        create_tab(&uv.socket, &["sleep", "100000"])?;
    }
    // FLOOD_NICE=N runs the floods at that niceness: what is left of the echo's delay is then
    // the terminal's own scheduling rather than ten `yes` processes competing for the CPUs.
    let nice = std::env::var("FLOOD_NICE").ok().and_then(|n| n.parse::<u8>().ok());
    let yes = nice.map_or("yes".to_owned(), |n| format!("nice -n {n} yes"));
    let wait = format!("while [ ! -e '{}' ]; do sleep 0.5; done; exec {yes}", go.display());
    let mut flooders = Vec::new();
    for _ in 0..10 {
        flooders.push(create_tab(&uv.socket, &["sh", "-c", &wait])?);
    }
    let interactive = format!("{RED_SCREEN}; exec cat");
    create_tab(&uv.socket, &["sh", "-c", &interactive])?;
    let open_time = opened.elapsed();
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(60))?;
    std::thread::sleep(Duration::from_millis(500));
    x.focus_top();
    let mut typist = Typist::new(x)?;
    typist.warm_up()?;
    let idle = typist.measure(keys / 2)?;
    std::fs::write(&go, b"").ok()?;
    std::thread::sleep(Duration::from_secs(1));
    let frames_before = frames(&uv.socket);
    let before = bytes_read(&uv.socket, &flooders);
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(2));
    let frames_hidden = frames(&uv.socket).zip(frames_before).map(|(a, b)| a.saturating_sub(b));
    let flood = typist.measure(keys / 2)?;
    let after = bytes_read(&uv.socket, &flooders);
    let window = t0.elapsed();
    let per_tab = after.iter().zip(&before).map(|(a, b)| a.saturating_sub(*b)).collect();
    drop(uv.run);
    Some(Fairness { idle, flood, per_tab, window, frames_hidden, open_time })
}

struct Idle {
    cpu_percent: f64,
    wakeups_per_s: f64,
}

fn idle(x: &X, terminal: &str, dir: &Path, tabs: usize, secs: u64) -> Option<Idle> {
    x.wait_gone();
    let script = format!("{RED_SCREEN}; PS1='$ ' exec sh -i");
    let (run, _socket);
    if tabs > 1 {
        let uv = start_uvterm(x, terminal, dir, &script, &[])?;
        for _ in 1..tabs {
            create_tab(&uv.socket, &["sh", "-c", &script])?;
        }
        run = uv.run;
        _socket = Some(uv.socket);
    } else {
        run = Running::start(x, terminal, &script, dir, &[]);
        _socket = None;
    }
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(60))?;
    std::thread::sleep(Duration::from_secs(2));
    let pid = run.child.id();
    let (cpu0, cs0, t0) = (cpu_ticks(pid)?, context_switches(pid), Instant::now());
    std::thread::sleep(Duration::from_secs(secs));
    let (cpu1, cs1, t) = (cpu_ticks(pid)?, context_switches(pid), t0.elapsed().as_secs_f64());
    Some(Idle {
        cpu_percent: (cpu1 - cpu0) as f64 / clock_ticks() / t * 100.0,
        wakeups_per_s: (cs1 - cs0) as f64 / t,
    })
}

/// `glxinfo -B` spawn → exit under `x`: what loading Mesa and making a GL context current
/// costs any program on this driver. `None` when glxinfo is missing or fails.
fn glx_floor(x: &X) -> Option<Duration> {
    let start = Instant::now();
    let status = std::process::Command::new("glxinfo")
        .arg("-B")
        .env("DISPLAY", &x.display)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| start.elapsed())
}

fn startup(x: &X, terminal: &str, dir: &Path) -> Option<Duration> {
    x.wait_gone();
    let script = format!("{RED_SCREEN}; exec sleep 60");
    let start = Instant::now();
    let _t = Running::start(x, terminal, &script, dir, &[]);
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30)).map(|_| start.elapsed())
}

/// uvterm's own account of its start (`UVTERM_TRACE_START=1`: one `start: PHASE US` line on
/// standard error per phase, microseconds since `main`).
fn start_phases(x: &X, terminal: &str, dir: &Path) -> Vec<(String, u64)> {
    x.wait_gone();
    let log = dir.join("start.log");
    let Ok(file) = std::fs::File::create(&log) else { return Vec::new() };
    let script = format!("{RED_SCREEN}; exec sleep 60");
    let child = command(terminal, &script, dir, &[])
        .env("DISPLAY", &x.display)
        .env("UVTERM_TRACE_START", "1")
        .stderr(file)
        .spawn();
    let spawned = Instant::now();
    let Ok(child) = child else { return Vec::new() };
    let run = Running { child };
    let visible =
        x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30)).map(|_| spawned.elapsed());
    std::thread::sleep(Duration::from_millis(200));
    drop(run);
    let mut phases: Vec<(String, u64)> = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("start: ")?;
            let (phase, us) = rest.rsplit_once(' ')?;
            Some((phase.to_owned(), us.parse().ok()?))
        })
        .collect();
    phases.sort_by_key(|p| p.1);
    if let Some(v) = visible {
        phases.push(("red visible (bench's clock: since spawn)".into(), v.as_micros() as u64));
    }
    phases
}

struct Memory {
    one: u64,
    per_tab: Option<f64>,
    per_window: Option<f64>,
}

fn memory(x: &X, terminal: &str, dir: &Path) -> Option<Memory> {
    x.wait_gone();
    let script = format!("{RED_SCREEN}; exec sleep 600");
    if !terminal.starts_with("uvterm") {
        let run = Running::start(x, terminal, &script, dir, &[]);
        x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
        std::thread::sleep(Duration::from_secs(1));
        return Some(Memory { one: rss_kib(run.child.id())?, per_tab: None, per_window: None });
    }
    let uv = start_uvterm(x, terminal, dir, &script, &[])?;
    x.wait_color(PROBE_MIDDLE, RED, Duration::from_secs(30))?;
    std::thread::sleep(Duration::from_secs(1));
    let pid = uv.run.child.id();
    let one = rss_kib(pid)?;
    for _ in 0..20 {
        create_tab(&uv.socket, &["sh", "-c", &script])?;
    }
    std::thread::sleep(Duration::from_secs(2));
    let tabs = rss_kib(pid)?;
    for _ in 0..2 {
        let req = serde_json::json!({"cmd": "create-window", "command": ["sh", "-c", &script]});
        request(&uv.socket, &req.to_string());
    }
    std::thread::sleep(Duration::from_secs(3));
    let windows = rss_kib(pid)?;
    Some(Memory {
        one,
        per_tab: Some((tabs as f64 - one as f64) / 20.0),
        per_window: Some((windows as f64 - tabs as f64) / 2.0),
    })
}

fn main() {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.into());
    let num = |k: &str, d: usize| env(k, "").parse().unwrap_or(d);
    let default_terminals = if std::env::var_os("UVTERM_BASELINE_BIN").is_some() {
        "uvterm,uvterm-full,uvterm-egl,uvterm-baseline,alacritty,kitty,xterm"
    } else {
        "uvterm,uvterm-full,uvterm-egl,alacritty,kitty,xterm"
    };
    let terminals: Vec<String> = env("TERMINALS", default_terminals)
        .split(',')
        .map(str::to_owned)
        .filter(|t| {
            let ok = installed(t);
            if !ok {
                println!("{t}: not installed, skipped");
            }
            ok
        })
        .collect();
    let sections = env("SECTIONS", "echo,fairness,idle,start,memory");
    let on = |s: &str| sections.split(',').any(|x| x == s);
    let (keys, tabs) = (num("KEYS", 40), num("TABS", 1000));
    let (idle_secs, starts) = (num("IDLE_SECS", 10) as u64, num("STARTS", 5));

    let dir = std::env::temp_dir().join(format!("uvterm-latency-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("config")).expect("temp dir");
    let x = X::start();
    println!("Xvfb {} 1920x1080x24 (Mesa llvmpipe); {}", x.display, machine_load());
    println!("{}", pty_path::cpu_idle());
    println!("each terminal: DejaVu Sans Mono 12, {COLS}x{LINES} cells, cursor not blinking");
    let col = |name: &str| print!("{name:<44}");
    let header = |ts: &[String]| {
        col("");
        ts.iter().for_each(|t| print!("{t:>16}"));
        println!();
    };

    if on("echo") {
        println!("\n# key -> echo visible (XTEST press -> pixels change; {keys} keys)");
        let mut results: Vec<Option<Vec<Duration>>> = Vec::new();
        for t in &terminals {
            results.push(echo(&x, t, &dir, &[], keys));
        }
        header(&terminals);
        for (label, p) in [("median", 50), ("p90", 90)] {
            col(label);
            for r in &mut results {
                print!("{:>16}", r.as_mut().map_or("failed".into(), |v| ms(percentile(v, p))));
            }
            println!();
        }
    }

    // The many-tab sections run each uvterm build once (not again without damage tracking).
    let uvterms: Vec<String> = terminals
        .iter()
        .filter(|t| t.starts_with("uvterm") && *t != "uvterm-full" && *t != "uvterm-egl")
        .cloned()
        .collect();
    if on("fairness") && !uvterms.is_empty() {
        let nice = std::env::var("FLOOD_NICE").map(|n| format!(", floods at nice {n}"));
        println!(
            "\n# fairness: {tabs} tabs, 10 flooding (yes{}), the shown one interactive (cat)",
            nice.unwrap_or_default()
        );
        let results: Vec<Option<Fairness>> =
            uvterms.iter().map(|t| fairness(&x, t, &dir, tabs, keys)).collect();
        header(&uvterms);
        let row = |label: &str, f: &dyn Fn(&Fairness) -> String| {
            col(label);
            for r in &results {
                print!("{:>16}", r.as_ref().map_or("failed".into(), f));
            }
            println!();
        };
        row(&format!("opening {tabs} tabs"), &|f| format!("{:.1} s", f.open_time.as_secs_f64()));
        row("echo median, idle", &|f| ms(percentile(&mut f.idle.clone(), 50)));
        row("echo p90, idle", &|f| ms(percentile(&mut f.idle.clone(), 90)));
        row("echo median, 10 tabs flooding", &|f| ms(percentile(&mut f.flood.clone(), 50)));
        row("echo p90, 10 tabs flooding", &|f| ms(percentile(&mut f.flood.clone(), 90)));
        row("  = flood / idle (median)", &|f| {
            let (a, b) =
                (percentile(&mut f.flood.clone(), 50), percentile(&mut f.idle.clone(), 50));
            format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64().max(1e-9))
        });
        row("flooding tabs parsed, MB/s each (min)", &|f| {
            let min = f.per_tab.iter().min().copied().unwrap_or(0);
            format!("{:.1}", min as f64 / 1e6 / f.window.as_secs_f64())
        });
        row("flooding tabs parsed, MB/s each (max)", &|f| {
            let max = f.per_tab.iter().max().copied().unwrap_or(0);
            format!("{:.1}", max as f64 / 1e6 / f.window.as_secs_f64())
        });
        row("  = min/max (1 = fair, 0 = starved)", &|f| {
            let (min, max) = (
                f.per_tab.iter().min().copied().unwrap_or(0),
                f.per_tab.iter().max().copied().unwrap_or(0),
            );
            format!("{:.2}", min as f64 / max.max(1) as f64)
        });
        row("frames drawn in 2 s of hidden output", &|f| {
            f.frames_hidden.map_or("?".into(), |n| n.to_string())
        });
        // The same floods with no terminal: the kernel's echo path alone.
        let nice = std::env::var("FLOOD_NICE").ok().and_then(|n| n.parse::<u8>().ok());
        let mut idle = pty_path::bare_echo(0, keys.max(40), None);
        let mut flood = pty_path::bare_echo(10, keys.max(40), nice);
        if idle.is_empty() || flood.is_empty() {
            println!("bare PTY echo, no terminal: failed");
        } else {
            let (i, f) = (percentile(&mut idle, 50), percentile(&mut flood, 50));
            println!(
                "bare PTY echo, no terminal (median): idle {}, 10 floods {} = {:.2}x",
                ms(i),
                ms(f),
                f.as_secs_f64() / i.as_secs_f64().max(1e-9)
            );
        }
    }

    if on("idle") {
        println!("\n# idle over {idle_secs} s, a shell prompt (CPU, wake-ups of all threads)");
        let mut cases: Vec<(String, usize)> = terminals.iter().map(|t| (t.clone(), 1)).collect();
        cases.extend(uvterms.iter().map(|t| (t.clone(), 50)));
        for (t, n) in &cases {
            let label = if *n > 1 { format!("{t}, {n} tabs") } else { t.clone() };
            match idle(&x, t, &dir, *n, idle_secs) {
                Some(i) => println!(
                    "{label:<28} CPU {:>6.2} %   wake-ups {:>7.1} /s",
                    i.cpu_percent, i.wakeups_per_s
                ),
                None => println!("{label:<28} failed"),
            }
        }
    }

    if on("start") {
        println!("\n# start -> first output visible (median of {starts})");
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); terminals.len()];
        let mut floor = Vec::new();
        for _ in 0..starts {
            for (i, t) in terminals.iter().enumerate() {
                if let Some(d) = startup(&x, t, &dir) {
                    times[i].push(d);
                }
            }
            x.wait_gone();
            floor.extend(glx_floor(&x));
        }
        header(&terminals);
        col("median");
        for t in &mut times {
            print!("{:>16}", if t.is_empty() { "failed".into() } else { ms(median(t)) });
        }
        println!();
        if floor.is_empty() {
            println!("glxinfo -B (driver floor): not run (mesa-utils missing?)");
        } else {
            println!("glxinfo -B (driver floor, spawn -> exit): {}", ms(median(&mut floor)));
        }
        for t in &uvterms {
            let phases = start_phases(&x, t, &dir);
            if !phases.is_empty() {
                println!("{t} phases (ms since main):");
                for (p, us) in phases {
                    println!("  {:>8.1}  {p}", us as f64 / 1000.0);
                }
            }
        }
    }

    if on("memory") {
        println!("\n# memory (RSS)");
        for t in &terminals {
            match memory(&x, t, &dir) {
                Some(m) => {
                    print!("{t:<28} one window {:>7.1} MiB", m.one as f64 / 1024.0);
                    if let Some(p) = m.per_tab {
                        print!("   + {:.0} KiB a tab", p);
                    }
                    if let Some(p) = m.per_window {
                        print!("   + {:.1} MiB a window", p / 1024.0);
                    }
                    println!();
                }
                None => println!("{t:<28} failed"),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
