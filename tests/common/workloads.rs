//! The three "ordinary text" workloads of the compressed-history figures (issue 19): a
//! recursive long listing, a kernel log and a build log, as bytes a program wrote to a PTY.
//! Shared by `tests/replay_compress.rs` (byte-identical history with compression on and off)
//! and `benches/scrollback_memory.rs` (bytes per scrollback cell).
//!
//! The listing and the kernel log are captured from the real programs through a PTY
//! (`script`, so line ends are the PTY's `\r\n`); where a program cannot run here (`dmesg`
//! needs privileges in most containers) a deterministic stand-in of the same shape is
//! generated instead, and the workload's `source` says which was used.

#![allow(dead_code)]

use std::process::{Command, Stdio};

/// One workload: its name, where its bytes came from, and the bytes.
pub struct Workload {
    pub name: &'static str,
    pub source: String,
    pub bytes: Vec<u8>,
}

/// At most this many bytes of a captured program's output are kept.
const CAPTURE_LIMIT: usize = 3 << 20;
/// A capture with fewer lines than this is not the workload asked for (too short to fill a
/// 10,000-line history): the generated stand-in is used instead.
const MIN_LINES: usize = 12_000;

/// `command` run by `sh` on a PTY (through `script`), its output as the PTY gave it, at most
/// [`CAPTURE_LIMIT`] bytes; `None` when it did not run or printed fewer than `min_lines`.
pub fn capture(command: &str, min_lines: usize) -> Option<Vec<u8>> {
    let limited = format!("{command} 2>/dev/null | head -c {CAPTURE_LIMIT}");
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &limited, "/dev/null"])
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
    (out.status.success() && lines >= min_lines).then_some(out.stdout)
}

/// A small deterministic generator (xorshift) so every run makes the same bytes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: [&str; 16] = [
    "core", "net", "usb", "block", "drm", "sound", "input", "power", "crypto", "fs", "mm", "pci",
    "acpi", "thermal", "virtio", "ext4",
];

/// `ls -lR /usr/share`, or a listing of the same shape.
pub fn listing() -> Workload {
    if let Some(bytes) = capture("ls -lR /usr/share", MIN_LINES) {
        return Workload { name: "ls -lR /usr/share", source: "captured".into(), bytes };
    }
    let mut r = Rng(11);
    let mut out = String::new();
    let mut n = 0;
    while n < MIN_LINES + 2_000 {
        let dir = format!("/usr/share/{}/{}", r.pick(&WORDS), r.pick(&WORDS));
        out.push_str(&format!("\r\n{dir}:\r\ntotal {}\r\n", r.below(900)));
        for _ in 0..(3 + r.below(40)) {
            let (kind, perm) =
                if r.below(5) == 0 { ('d', "rwxr-xr-x") } else { ('-', "rw-r--r--") };
            out.push_str(&format!(
                "{kind}{perm} {} root root {:>6} {} {:>2} {:02}:{:02} {}-{}.{}\r\n",
                1 + r.below(3),
                r.below(200_000),
                r.pick(&["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Sep", "Oct"]),
                1 + r.below(28),
                r.below(24),
                r.below(60),
                r.pick(&WORDS),
                r.below(1000),
                r.pick(&["gz", "html", "txt", "png", "xml", "mo", "svg"]),
            ));
            n += 1;
        }
        n += 3;
    }
    Workload {
        name: "ls -lR /usr/share",
        source: "generated (no capture)".into(),
        bytes: out.into_bytes(),
    }
}

/// `dmesg`, or a kernel log of the same shape (timestamps, subsystems, devices).
pub fn kernel_log() -> Workload {
    // A kernel log is usually shorter than a full history: a captured one is played as
    // many times as it takes. Blocks are compressed on their own, so a repeat far back adds
    // nothing LZ4 could use.
    if let Some(once) = capture("dmesg", 200) {
        let lines = once.iter().filter(|&&b| b == b'\n').count();
        let times = MIN_LINES.div_ceil(lines);
        let source = format!("captured ({lines} lines, played {times} times)");
        return Workload { name: "dmesg", source, bytes: once.repeat(times) };
    }
    let mut r = Rng(12);
    let mut out = String::new();
    let mut t = 0u64;
    for _ in 0..MIN_LINES + 2_000 {
        t += r.below(40_000);
        let sub = r.pick(&WORDS);
        let line = match r.below(6) {
            0 => format!(
                "{sub} {}-{}: new high-speed USB device number {} using xhci_hcd",
                r.below(4),
                r.below(9),
                r.below(30)
            ),
            1 => format!("{sub}: loading out-of-tree module taints kernel."),
            2 => format!(
                "EXT4-fs (nvme0n1p{}): mounted filesystem with ordered data mode. Quota mode: none.",
                r.below(8)
            ),
            3 => format!(
                "audit: type=1400 audit({}.{:03}:{}): apparmor=\"STATUS\" operation=\"profile_load\" name=\"/usr/bin/{sub}\" pid={}",
                1_700_000_000 + t / 1000,
                r.below(1000),
                r.below(500),
                r.below(40_000)
            ),
            4 => format!(
                "{sub} 0000:{:02x}:{:02x}.{}: enabling device ({:04x} -> {:04x})",
                r.below(256),
                r.below(32),
                r.below(8),
                r.below(8),
                r.below(8)
            ),
            _ => format!(
                "IPv6: ADDRCONF(NETDEV_CHANGE): veth{:x}: link becomes ready",
                r.below(1 << 28)
            ),
        };
        out.push_str(&format!("[{:>5}.{:06}] {line}\r\n", t / 1_000_000, t % 1_000_000));
    }
    Workload {
        name: "dmesg",
        source: "generated (dmesg not readable here)".into(),
        bytes: out.into_bytes(),
    }
}

/// A build log: compiler command lines, coloured `Compiling` and warning lines (SGR, as
/// cargo and gcc print them on a terminal). Always generated.
pub fn build_log() -> Workload {
    let mut r = Rng(13);
    let mut out = String::new();
    for _ in 0..MIN_LINES + 2_000 {
        let (a, b) = (r.pick(&WORDS), r.pick(&WORDS));
        let line = match r.below(8) {
            0 => format!(
                "\x1b[1m\x1b[32m   Compiling\x1b[0m {a}-{b} v0.{}.{}",
                r.below(30),
                r.below(20)
            ),
            1 => format!(
                "\x1b[1msrc/{a}/{b}.c:{}:{}: \x1b[35mwarning: \x1b[0munused variable '\x1b[1m{b}_{}\x1b[0m' [\x1b[35m-Wunused-variable\x1b[0m]",
                r.below(2000),
                r.below(80),
                r.below(100)
            ),
            2 => format!("  {} |     int {b}_{} = {a}_init(ctx);", r.below(2000), r.below(100)),
            _ => format!(
                "cc -O2 -g -Wall -Wextra -fPIC -Iinclude -I/usr/include/{a} -DHAVE_{} -c src/{a}/{b}.c -o build/{a}/{b}.o",
                b.to_uppercase()
            ),
        };
        out.push_str(&line);
        out.push_str("\r\n");
    }
    Workload { name: "build log", source: "generated".into(), bytes: out.into_bytes() }
}

/// The three workloads, in the order the figures list them.
pub fn all() -> Vec<Workload> {
    vec![build_log(), kernel_log(), listing()]
}
