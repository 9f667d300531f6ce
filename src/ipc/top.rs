//! `uvterm msg top`: the ledger (`stats --tabs`) as a table that refreshes, like top(1),
//! drawn with plain ANSI (home, clear). `q` or Ctrl+C quits; `--once` / `-n N` print that
//! many tables and exit (for scripts and tests). The table's lines are also what the
//! window's overlay draws ([`table_lines`]).
//!
//! Owns the table's layout only; the figures are the instance's.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;

use super::protocol::Request;

/// A byte count as a short human figure (`512B`, `12.3K`, `4.0M`, `1.2G`; powers of 1024).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["K", "M", "G", "T"];
    if n < 1024 {
        return format!("{n}B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1}{}", UNITS[unit])
}

/// The ledger reply (`stats --tabs`) as lines of text: a totals header, then one row per
/// tab, sorted by heap (largest first). Each line is at most `width` characters.
pub fn table_lines(ledger: &Value, width: usize) -> Vec<String> {
    let u = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    let t = &ledger["totals"];
    let mut lines = vec![
        format!(
            "uvterm  heap {} (tabs {}, unaccounted {})  rss {}  fds {}  handles {}  subscribers {}",
            human_bytes(u(t, "heap_bytes")),
            human_bytes(u(t, "tabs_heap_bytes")),
            t.get("unaccounted_heap_bytes").and_then(Value::as_i64).map_or("?".into(), |v| {
                if v < 0 {
                    format!("-{}", human_bytes(v.unsigned_abs()))
                } else {
                    human_bytes(v as u64)
                }
            }),
            human_bytes(u(t, "rss_bytes")),
            u(t, "fds"),
            u(t, "uv_handles"),
            u(t, "subscribers"),
        ),
        format!(
            "{:>5} {:>4} {:>8} {:>15} {:>8} {:>8} {:>8} {:>8} {:>7} {:>8}  {}",
            "TAB",
            "WIN",
            "HEAP",
            "SCROLLBACK",
            "READ",
            "WRITTEN",
            "PARSE",
            "PROCRSS",
            "CPU",
            "TRIMMED",
            "TITLE"
        ),
    ];
    let mut tabs: Vec<&Value> = ledger
        .get("tabs")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    tabs.sort_by_key(|t| std::cmp::Reverse(u(t, "heap_bytes")));
    for tab in tabs {
        let mark =
            if tab.get("focused").and_then(Value::as_bool) == Some(true) { "*" } else { " " };
        lines.push(format!(
            "{:>4}{mark} {:>4} {:>8} {:>15} {:>8} {:>8} {:>7}ms {:>8} {:>6}s {:>8}  {}",
            u(tab, "id"),
            u(tab, "window"),
            human_bytes(u(tab, "heap_bytes")),
            format!("{}/{}", u(tab, "scrollback_lines"), u(tab, "scrollback_limit")),
            human_bytes(u(tab, "pty_bytes_read")),
            human_bytes(u(tab, "pty_bytes_written")),
            u(tab, "parse_ns") / 1_000_000,
            human_bytes(u(tab, "processes_rss_bytes")),
            format!("{:.1}", u(tab, "processes_cpu_ms") as f64 / 1000.0),
            human_bytes(u(tab, "trimmed_bytes")),
            tab.get("title").and_then(Value::as_str).unwrap_or(""),
        ));
    }
    for line in &mut lines {
        if let Some((cut, _)) = line.char_indices().nth(width) {
            line.truncate(cut);
        }
    }
    lines
}

/// Restores the terminal's settings when dropped.
struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    /// Non-canonical input without echo or signals (so `q` and Ctrl+C arrive as bytes);
    /// `None` when stdin is not a terminal.
    fn enter() -> Option<RawMode> {
        // SAFETY: isatty/tcgetattr/tcsetattr read and write only the termios we pass.
        unsafe {
            if libc::isatty(0) != 1 {
                return None;
            }
            let mut saved: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut saved) != 0 {
                return None;
            }
            let mut raw = saved;
            raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
            raw.c_cc[libc::VMIN] = 0;
            raw.c_cc[libc::VTIME] = 0;
            if libc::tcsetattr(0, libc::TCSANOW, &raw) != 0 {
                return None;
            }
            Some(RawMode { saved })
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `enter`.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &self.saved) };
    }
}

/// Wait up to `delay` for a key on stdin; true when it was `q`, `Q` or Ctrl+C.
fn quit_pressed(delay: Duration) -> bool {
    let mut fds = libc::pollfd { fd: 0, events: libc::POLLIN, revents: 0 };
    let ms = delay.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: poll reads one pollfd we own.
    let ready = unsafe { libc::poll(&mut fds, 1, ms) };
    if ready <= 0 {
        return false;
    }
    let mut buf = [0u8; 64];
    // SAFETY: read writes at most buf.len() bytes into buf.
    let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
    n > 0 && buf[..n as usize].iter().any(|&b| matches!(b, b'q' | b'Q' | 0x03))
}

/// The terminal's width in columns (120 when stdout is not a terminal).
fn terminal_width() -> usize {
    let mut ws = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes only the winsize we pass.
    let rc = unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut ws) };
    if rc == 0 && ws.ws_col > 0 { ws.ws_col as usize } else { 120 }
}

/// `uvterm msg top`: `iterations` tables (`None`: until `q`), `delay` seconds apart.
pub fn run(socket: Option<PathBuf>, iterations: Option<u64>, delay: f64) -> ExitCode {
    if !(0.1..=3600.0).contains(&delay) {
        eprintln!("uvterm msg top: --delay must be 0.1-3600 seconds");
        return ExitCode::from(2);
    }
    let path = match super::client::socket_path(socket) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // SAFETY: isatty only queries the descriptor.
    let interactive = unsafe { libc::isatty(1) } == 1 && iterations.is_none();
    let raw = if interactive { RawMode::enter() } else { None };
    let delay = Duration::from_secs_f64(delay);
    let mut shown = 0u64;
    loop {
        let ledger = match super::client::request_value(&path, &Request::Stats { tabs: true }) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                drop(raw);
                eprintln!("uvterm msg top: {e}");
                return ExitCode::from(1);
            }
            Err(e) => {
                drop(raw);
                eprintln!("uvterm msg top: cannot reach uvterm at {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let lines = table_lines(&ledger, terminal_width());
        let mut text = String::new();
        if interactive {
            // Home and clear: redraw in place.
            text.push_str("\x1b[H\x1b[2J");
        } else if shown > 0 {
            text.push('\n');
        }
        for line in lines {
            text.push_str(&line);
            // The raw mode keeps output processing (OPOST/ONLCR): the tty turns `\n` into
            // `\r\n` itself.
            text.push('\n');
        }
        if let Err(code) = crate::out::print(&text) {
            return code;
        }
        shown += 1;
        if iterations.is_some_and(|n| shown >= n) {
            return ExitCode::SUCCESS;
        }
        if raw.is_some() {
            if quit_pressed(delay) {
                return ExitCode::SUCCESS;
            }
        } else {
            std::thread::sleep(delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_top() {
        assert_eq!(human_bytes(512), "512B");
        assert_eq!(human_bytes(1536), "1.5K");
        assert_eq!(human_bytes(5 << 20), "5.0M");
    }

    #[test]
    fn the_table_sorts_tabs_by_heap() {
        let ledger = serde_json::json!({
            "tabs": [
                {"id": 1, "heap_bytes": 100, "title": "small"},
                {"id": 2, "heap_bytes": 9000, "title": "big", "focused": true},
            ],
            "totals": {"heap_bytes": 20000, "tabs_heap_bytes": 9100, "unaccounted_heap_bytes": 10900}
        });
        let lines = table_lines(&ledger, 200);
        assert_eq!(lines.len(), 4);
        assert!(lines[2].contains("big") && lines[2].contains("2*"), "{lines:?}");
        assert!(lines[3].contains("small"));
        assert!(table_lines(&ledger, 10).iter().all(|l| l.chars().count() <= 10));
    }
}
