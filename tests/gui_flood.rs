//! A program floods a real window (Xvfb) with output that turns into UI events — titles,
//! icon names, bells, OSC 52 clipboard writes, OSC 7 directories, colour changes — for 4 s,
//! then reads one key. The window's process must not grow without bound while it does, and
//! the key must still arrive. The key's latency and the memory figures are printed (timings
//! are not pass/fail); the bound on memory is asserted: uncoalesced, 4 s of titles queued
//! ~4 million events and grew the process by ~2 GiB.

#[path = "common/x11.rs"]
mod x11;

use std::time::{Duration, Instant};

use x11::*;

/// Writes every event kind as fast as it can for `secs`, prints FLOODED, then records the
/// time of the first key it reads into LOG.
const FLOODER: &str = r#"
import os, sys, time, tty
log, secs = sys.argv[1], float(sys.argv[2])
tty.setraw(0)
unit = (b"\x1b]2;t\x07" * 50 + b"\x1b]1;icon\x07" + b"\x07" + b"\x1b]52;c;Y2xpcA==\x07"
        + b"\x1b]7;file:///tmp\x07" + b"\x1b]10;#ff0000\x07\x1b]11;#000000\x07")
n = 0
end = time.time() + secs
chunk = unit * 1000
while time.time() < end:
    os.write(1, chunk)
    n += 50 * 1000
os.write(1, b"\x1b]0;done\x07\r\nFLOODED %d\r\n" % n)
data = os.read(0, 16)
with open(log, "w") as f:
    f.write("%r %f\n" % (data, time.time()))
time.sleep(30)
"#;

fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}

#[test]
fn a_title_and_event_flood_keeps_memory_bounded_and_keys_flowing() {
    let x = Xvfb::start();
    let log = std::env::temp_dir().join(format!("uvterm-flood-key-{}", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let gui =
        Gui::start(&x, "flood", &["-e", "python3", "-c", FLOODER, log.to_str().unwrap(), "4"]);
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().unwrap();
    let xid = w["geometry"]["x11_window"].as_u64().unwrap().to_string();
    gui.xdotool(&["windowfocus", &xid]);
    let pid = gui.child.id();
    let before = rss(pid);
    let mut peak = before;
    // Sample memory through the flood, until the program says it is done.
    let deadline = Instant::now() + Duration::from_secs(60);
    let flooded = loop {
        peak = peak.max(rss(pid));
        let text = gui.text(tab);
        if let Some(line) = text.lines().find(|l| l.starts_with("FLOODED")) {
            break line.to_owned();
        }
        assert!(Instant::now() < deadline, "the flood never ended:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let sent = Instant::now();
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    gui.xdotool(&["key", "x"]);
    let mut latency = None;
    while sent.elapsed() < Duration::from_secs(120) {
        peak = peak.max(rss(pid));
        if let Ok(line) = std::fs::read_to_string(&log)
            && let Some(t) = line.split_whitespace().nth(1).and_then(|t| t.parse::<f64>().ok())
        {
            latency = Some(t - wall.as_secs_f64());
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let after = rss(pid);
    let titles: u64 = flooded.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    println!(
        "4 s flood ({titles} titles, a fiftieth as many bells, OSC 52, OSC 7 and colour sets): key \
         latency {}, RSS {} MiB before, peak {} MiB (+{} MiB), {} MiB after",
        latency.map_or("none (lost)".into(), |l| format!("{:.3} s", l)),
        before >> 20,
        peak >> 20,
        peak.saturating_sub(before) >> 20,
        after >> 20,
    );
    let _ = std::fs::remove_file(&log);
    assert!(titles > 10_000, "the flood was a flood: {flooded}");
    assert!(latency.is_some(), "the key never reached the program");
    // The bound: coalesced, the UI's queue holds at most one wake per tab; what the process
    // gains is the renderer's and the X server's doing, not the flood's size.
    assert!(
        peak.saturating_sub(before) < 64 << 20,
        "the window grew by {} MiB during the flood",
        peak.saturating_sub(before) >> 20
    );
}
