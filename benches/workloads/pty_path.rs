//! The kernel's side of `cat` in a terminal, measured the same way for every benchmark:
//! the PTY's own ceiling (a reader that only counts bytes) and the scheduler's accounting of
//! a process's threads (Linux `/proc/PID/task/TID/`: `schedstat`, `status`), which shows
//! whether a terminal's reader was running, waiting for a CPU, or preempted.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use uvterm::pty::SpawnSpec;

/// `cat path` on a 120×40 PTY, read by a loop that only counts bytes: what the kernel can
/// deliver. The time from spawning `cat` to reaping it.
pub fn raw_pty_cat(path: &Path) -> Duration {
    model_cat(path, 0.0, 0.0).0
}

/// `cat path` on a 120×40 PTY read by a stand-in for a terminal that does no work but spends
/// CPU as one does: after each read the reader spins `reader_ns` nanoseconds per byte read
/// (its parsing), and a second thread spins `other_ns` per byte read in bursts, sleeping a
/// display refresh (16 ms) whenever nothing is owed (its frames). Returns the time from
/// spawning `cat` to reaping it and the reader thread's own CPU nanoseconds (its reads and
/// its spinning). With both at 0 it is [`raw_pty_cat`]: the kernel's ceiling.
///
/// Fed the CPU per MB a real terminal was measured to spend, it shows what the PTY and the
/// scheduler on this machine allow for that much work, apart from how the work is done.
pub fn model_cat(path: &Path, reader_ns: f64, other_ns: f64) -> (Duration, u64) {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let spin = |ns: f64| {
        let until = Instant::now() + Duration::from_nanos(ns as u64);
        while Instant::now() < until {
            std::hint::spin_loop();
        }
    };
    let owed = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let other = (other_ns > 0.0).then(|| {
        let (owed, done) = (owed.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                match owed.swap(0, Ordering::Relaxed) {
                    0 => std::thread::sleep(Duration::from_millis(16)),
                    bytes => spin(bytes as f64 * other_ns),
                }
            }
        })
    });
    let t = Instant::now();
    let spec = SpawnSpec {
        program: Some("/bin/cat".into()),
        args: vec![path.to_str().unwrap_or_default().into()],
        cols: 120,
        lines: 40,
        ..SpawnSpec::default()
    };
    let pty = uvterm::pty::spawn(&spec).expect("spawn cat");
    let mut master = std::fs::File::from(pty.master);
    let mut buf = vec![0u8; 64 * 1024];
    let mut fds = libc::pollfd { fd: master.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let cpu_before = thread_cpu_ns();
    loop {
        match master.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if reader_ns > 0.0 {
                    spin(n as f64 * reader_ns);
                }
                owed.fetch_add(n as u64, Ordering::Relaxed);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                // SAFETY: poll reads and writes only the one pollfd we pass.
                unsafe { libc::poll(&mut fds, 1, 1000) };
            }
            Err(_) => break,
        }
    }
    let cpu = thread_cpu_ns().saturating_sub(cpu_before);
    let mut status = 0;
    // SAFETY: reaps the child we started; writes only `status`.
    unsafe { libc::waitpid(pty.pid, &mut status, 0) };
    let elapsed = t.elapsed();
    done.store(true, Ordering::Relaxed);
    if let Some(other) = other {
        let _ = other.join();
    }
    (elapsed, cpu)
}

/// The kernel's own key → echo path, with no terminal: a byte written to the master of a PTY
/// running `cat` in raw mode, timed until its echo is readable, `keys` times 5 ms apart,
/// while `floods` other PTYs run `yes` (under `nice -n N` with `nice`), each drained by a
/// thread that only reads. Every process is as in the fairness section's window, less the
/// terminal's parsing and drawing: what that section's flood/idle ratio cannot go below on
/// this machine. Returns the latencies (empty when a PTY could not be started).
pub fn bare_echo(floods: usize, keys: usize, nice: Option<u8>) -> Vec<Duration> {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let spawn = |program: &str, args: &[&str]| {
        let spec = SpawnSpec {
            program: Some(program.into()),
            args: args.iter().map(Into::into).collect(),
            cols: 120,
            lines: 40,
            ..SpawnSpec::default()
        };
        uvterm::pty::spawn(&spec).ok()
    };
    let wait_readable = |fd: i32, ms: i32| {
        let mut p = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: poll reads and writes only the one pollfd we pass.
        unsafe { libc::poll(&mut p, 1, ms) > 0 }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let mut pids = Vec::new();
    let mut drains = Vec::new();
    for _ in 0..floods {
        let nice_n = nice.map(|n| n.to_string());
        let pty = match &nice_n {
            Some(n) => spawn("nice", &["-n", n, "yes"]),
            None => spawn("yes", &[]),
        };
        let Some(pty) = pty else { continue };
        pids.push(pty.pid);
        let stop = stop.clone();
        drains.push(std::thread::spawn(move || {
            let mut master = std::fs::File::from(pty.master);
            let fd = master.as_raw_fd();
            let mut buf = vec![0u8; 64 * 1024];
            while !stop.load(Ordering::Relaxed) {
                match master.read(&mut buf) {
                    Ok(0) => break,
                    Ok(_) => (),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        wait_readable(fd, 100);
                    }
                    Err(_) => break,
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    if let Some(pty) = spawn("sh", &["-c", "stty raw -echo; echo ready; exec cat"]) {
        pids.push(pty.pid);
        let mut master = std::fs::File::from(pty.master);
        let fd = master.as_raw_fd();
        let mut buf = [0u8; 256];
        let mut ready = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !String::from_utf8_lossy(&ready).contains("ready") && Instant::now() < deadline {
            wait_readable(fd, 100);
            if let Ok(n) = master.read(&mut buf) {
                ready.extend_from_slice(&buf[..n]);
            }
        }
        std::thread::sleep(Duration::from_millis(if floods > 0 { 500 } else { 100 }));
        for _ in 0..keys {
            let t = Instant::now();
            if master.write_all(b"x").is_err() {
                break;
            }
            let mut echoed = false;
            while !echoed && t.elapsed() < Duration::from_secs(2) {
                wait_readable(fd, 100);
                echoed = matches!(master.read(&mut buf), Ok(n) if n > 0);
            }
            if !echoed {
                break;
            }
            latencies.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for pid in pids {
        // SAFETY: signals and reaps the children started here (process-group leaders).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
    }
    for d in drains {
        let _ = d.join();
    }
    latencies
}

/// CPU nanoseconds the calling thread has used.
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// How an idle CPU waits, which sets how soon a sleeping reader or writer runs again: the
/// cpuidle driver, and in a virtual machine using `haltpoll` how long an idle virtual CPU
/// polls before it halts (0: it halts at once, and every wake-up goes through the host).
pub fn cpu_idle() -> String {
    let read = |p: &str| std::fs::read_to_string(p).ok().map(|s| s.trim().to_owned());
    let driver =
        read("/sys/devices/system/cpu/cpuidle/current_driver").unwrap_or_else(|| "none".into());
    match read("/sys/module/haltpoll/parameters/guest_halt_poll_ns") {
        Some(ns) => format!("cpuidle {driver}, guest_halt_poll_ns {ns}"),
        None => format!("cpuidle {driver}"),
    }
}

/// One thread's scheduler accounting, cumulative since it started.
#[derive(Debug, Clone, Default)]
pub struct ThreadSched {
    pub tid: u32,
    pub name: String,
    /// Nanoseconds on a CPU.
    pub run_ns: u64,
    /// Nanoseconds runnable but waiting for a CPU (on a run queue).
    pub wait_ns: u64,
    /// Times it was switched out while still runnable (`nonvoluntary_ctxt_switches`).
    pub preempted: u64,
}

/// Every thread of process `pid` (empty if it is gone or `/proc` lacks schedstat).
pub fn threads(pid: u32) -> Vec<ThreadSched> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let path = entry.path();
        let read = |f: &str| std::fs::read_to_string(path.join(f)).unwrap_or_default();
        let sched = read("schedstat");
        let mut fields = sched.split_whitespace().map(|f| f.parse::<u64>().unwrap_or(0));
        let (Some(run_ns), Some(wait_ns)) = (fields.next(), fields.next()) else { continue };
        let preempted = read("status")
            .lines()
            .find_map(|l| l.strip_prefix("nonvoluntary_ctxt_switches:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        out.push(ThreadSched {
            tid,
            name: read("comm").trim().to_owned(),
            run_ns,
            wait_ns,
            preempted,
        });
    }
    out
}

/// The thread that ran longest between two [`threads`] snapshots of one process, leaving
/// out Mesa's rasterizer threads (`llvmpipe-N`): a terminal's reader and parser (its only
/// thread, for xterm). Its figures are the differences.
/// Nanoseconds on a CPU between `before` and `after`, summed over every thread of the
/// process (threads that started in between count from zero).
pub fn total_run_ns(before: &[ThreadSched], after: &[ThreadSched]) -> u64 {
    after
        .iter()
        .map(|a| {
            let b = before.iter().find(|b| b.tid == a.tid).map_or(0, |b| b.run_ns);
            a.run_ns.saturating_sub(b)
        })
        .sum()
}

pub fn busiest(before: &[ThreadSched], after: &[ThreadSched]) -> Option<ThreadSched> {
    after
        .iter()
        .filter(|t| !t.name.starts_with("llvmpipe"))
        .map(|a| {
            let b = before.iter().find(|b| b.tid == a.tid).cloned().unwrap_or_default();
            ThreadSched {
                tid: a.tid,
                name: a.name.clone(),
                run_ns: a.run_ns.saturating_sub(b.run_ns),
                wait_ns: a.wait_ns.saturating_sub(b.wait_ns),
                preempted: a.preempted.saturating_sub(b.preempted),
            }
        })
        .max_by_key(|t| t.run_ns)
}
