//! Output that turns into UI events, at full speed: titles, icon names, bells, OSC 52
//! clipboard writes, OSC 7 directories, XTWINOPS resize and window requests, all at once,
//! from `yes` (millions a second). The embedder does not drain its events during the flood,
//! as a busy UI would not: the queue must stay bounded (coalesced per tab), and what is
//! pending must be the latest state. Memory growth is printed, not asserted as a figure
//! beyond the bound.

mod common;

use std::time::{Duration, Instant};

use common::*;
use uvterm::io::{IoConfig, IoEvent, MAX_WINDOW_REQUESTS, WindowTarget, rss_bytes};

/// One unit of every event kind the terminal turns output into.
const EVERY_KIND: &str = concat!(
    "\x1b]0;title\x07",
    "\x1b]1;icon\x07",
    "\x1b]2;window title\x07",
    "\x07",
    "\x1b]52;c;Y2xpcA==\x07",
    "\x1b]52;p;cHJpbWFyeQ==\x07",
    "\x1b]7;file:///tmp\x07",
    "\x1b[8;30;100t",
    "\x1b[2t\x1b[1t\x1b[5t",
    "\x1b]10;#ff0000\x07\x1b]11;#000000\x07\x1b]4;1;#00ff00\x07",
    "\x1b[3 q",
);

#[test]
fn an_event_flood_leaves_a_bounded_queue() {
    let lp = start(IoConfig::default());
    let before = rss_bytes();
    let tab = lp.open(WindowTarget::New, spec("yes", &[EVERY_KIND])).unwrap();
    let start = Instant::now();
    let flood = Duration::from_secs(3);
    // Drain nothing for the whole flood, as a UI busy drawing would not.
    let mut peak = 0u64;
    while start.elapsed() < flood {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(rss_bytes());
    }
    let queued: Vec<IoEvent> = lp.events.try_iter().collect();
    let wakes = queued.iter().filter(|e| matches!(e, IoEvent::TabEvents(_))).count();
    let pending = tab.shared.ui.len();
    let bytes = tab.shared.term.lock().unwrap().title().len();
    println!(
        "event flood for {flood:?}: {} events queued ({wakes} wakes), {pending} pending in the \
         tab, RSS {} MiB -> peak {} MiB (+{} MiB)",
        queued.len(),
        before >> 20,
        peak >> 20,
        peak.saturating_sub(before) >> 20,
    );
    assert!(bytes > 0, "the flood was parsed");
    // Uncoalesced, this is millions of events; coalesced: one wake per tab, plus the few
    // events that are not state (the tab opening, output notifications).
    assert_eq!(wakes, 1, "one wake until the UI takes");
    assert!(queued.len() <= 8, "the UI queue stays bounded: {} events", queued.len());
    // Every kind is pending, once (window requests: the last few).
    let taken = tab.shared.ui.take(tab.id);
    assert_eq!(pending, taken.len());
    assert!(taken.len() <= 6 + MAX_WINDOW_REQUESTS, "{taken:?}");
    for kind in ["TitleChanged", "Bell", "Clipboard", "WorkingDirectory", "ResizeRequest"] {
        assert!(taken.iter().any(|e| format!("{e:?}").starts_with(kind)), "{kind}: {taken:?}");
    }
    // The latest title: the one the last read left (a read may end between the unit's OSC 0
    // and OSC 2, so either of the two titles the flood sets).
    let title = taken.iter().find_map(|e| match e {
        IoEvent::TitleChanged { title, .. } => Some(title.as_str()),
        _ => None,
    });
    assert!(matches!(title, Some("window title" | "title")), "{taken:?}");
    // Taking re-arms the wake: the flood goes on, so a new one comes.
    lp.wait_event(Duration::from_secs(10), |e| *e == IoEvent::TabEvents(tab.id));
    lp.io.send(uvterm::io::Command::CloseTab { tab: tab.id }).unwrap();
    lp.wait_event(Duration::from_secs(10), |e| matches!(e, IoEvent::TabClosed { .. }));
}
