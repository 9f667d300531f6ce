//! Memory goes back to the OS when a busy tab closes and when a history is cleared (ED 3),
//! not only when the last tab closes: two 1000×24 tabs, each with a full 10,000-line
//! history, in the real I/O loop. The figures are printed; the assertions allow a stated
//! margin (a quarter of one tab's share stays: allocator slack, the screen, the loop).

mod common;

use std::time::Duration;

use common::*;
use uvterm::io::{Command, IoConfig, IoEvent, WindowTarget, rss_bytes};
use uvterm::term::TermConfig;

const T: Duration = Duration::from_secs(60);
const HISTORY: usize = 10_000;
const MIB: f64 = 1024.0 * 1024.0;

/// Fill a 1000-column history with 12,000 full lines, then wait for a line of input and
/// clear the history with ED 3.
fn filler() -> uvterm::pty::SpawnSpec {
    let script =
        "yes \"$(printf '%0999d' 7)\" | head -n 12000; read x; printf '\\033[3JCLEARED'; sleep 60";
    let mut s = spec("/bin/sh", &["-c", script]);
    s.cols = 1000;
    s
}

fn mib(b: u64) -> f64 {
    b as f64 / MIB
}

#[test]
fn closing_a_busy_tab_and_ed3_give_memory_back() {
    let config = IoConfig {
        // Plain history (the worst case): compressed, these repeated lines would take a few
        // hundred KiB and there would be little to give back.
        term: TermConfig {
            scrollback_lines: HISTORY,
            compress_history: false,
            ..TermConfig::default()
        },
        ..IoConfig::default()
    };
    let lp = start(config);
    let baseline = rss_bytes();
    let a = lp.open(WindowTarget::New, filler()).unwrap();
    let b = lp.open(WindowTarget::Existing(a.window), filler()).unwrap();
    for t in [&a, &b] {
        assert!(
            wait_until(T, || t.shared.term.lock().unwrap().grid().history_len() == HISTORY),
            "the history filled"
        );
    }
    let full = rss_bytes();
    let per_tab = full.saturating_sub(baseline) / 2;
    // Our references to the terminals go first: only the loop's remain.
    let (a_id, b_id) = (a.id, b.id);
    let b_shared = b.shared.clone();
    drop((a, b));
    lp.io.send(Command::CloseTab { tab: a_id }).unwrap();
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == a_id));
    let after_close = rss_bytes();
    lp.io.send(Command::Write { tab: b_id, bytes: b"\n".to_vec() }).unwrap();
    assert!(wait_until(T, || b_shared.term.lock().unwrap().text(false).contains("CLEARED")));
    assert_eq!(b_shared.term.lock().unwrap().grid().history_len(), 0);
    // The trim follows the read that cleared it, on the I/O thread: let it run.
    std::thread::sleep(Duration::from_millis(200));
    let after_ed3 = rss_bytes();
    println!(
        "RSS: baseline {:.1} MiB; two 1000x24 tabs with {HISTORY}-line histories {:.1} MiB \
         ({:.1} MiB each); one closed {:.1} MiB (gave back {:.1} MiB); ED 3 in the other \
         {:.1} MiB ({:.1} MiB above baseline)",
        mib(baseline),
        mib(full),
        mib(per_tab),
        mib(after_close),
        mib(full.saturating_sub(after_close)),
        mib(after_ed3),
        mib(after_ed3.saturating_sub(baseline)),
    );
    assert!(per_tab > 20 << 20, "each history holds tens of MiB: {:.1}", mib(per_tab));
    let margin = per_tab / 4;
    assert!(
        full.saturating_sub(after_close) + margin >= per_tab,
        "closing a busy tab gives its memory back (within a quarter of it)"
    );
    assert!(
        after_ed3.saturating_sub(baseline) <= margin,
        "after ED 3 in the last tab, the process is back within a quarter of a tab's share \
         of its baseline"
    );
    lp.io.send(Command::CloseTab { tab: b_id }).unwrap();
    lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == b_id));
}
