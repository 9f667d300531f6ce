//! Heap accounting, trimming history by bytes, and compressed history.

use super::*;

const ROW_HEADER: usize = std::mem::size_of::<grid::Row>();

/// `n` numbered lines of `width` characters each.
fn numbered_lines(n: usize, width: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let line = format!("{i:06} ");
        out.push_str(&line);
        for k in 0..width.saturating_sub(line.len()) {
            out.push((b'a' + ((i + k) % 26) as u8) as char);
        }
        out.push_str("\r\n");
    }
    out
}

#[test]
fn ten_thousand_lines_cost_eight_bytes_a_cell_plus_row_headers_and_ed3_gives_them_back() {
    let config = TermConfig { compress_history: false, ..TermConfig::default() };
    let mut t = T::with_config(80, 24, config);
    let base = t.term.heap_usage();
    assert_eq!(base.scrollback, 0, "a fresh terminal has no history bytes");
    assert_eq!(base.screen, 2 * 24 * (80 * 8 + ROW_HEADER), "two screens of 80x24");
    t.feed(numbered_lines(10_100, 70));
    assert_eq!(t.term.scrollback_len(), 10_000);
    assert_eq!(t.term.scrollback_limit(), 10_000);
    let usage = t.term.heap_usage();
    let cells = 10_000 * 80 * 8;
    // Everything the history holds: cells plus headers (some spare ring slots allowed).
    let low = cells + 10_000 * ROW_HEADER;
    let high = low + low / 10;
    let held = usage.scrollback + usage.compressed;
    assert!(held <= high, "history {held} bytes, expected at most {high}");
    assert!(held >= low, "history {held} bytes, expected at least {low}");
    assert_eq!(usage.total(), t.term.heap_bytes());
    t.feed("\x1b[3J");
    let after = t.term.heap_usage();
    assert_eq!(t.term.scrollback_len(), 0);
    assert_eq!(after.history(), 0, "ED 3 gives every history byte back: {after:?}");
    assert_eq!(after.screen, base.screen);
}

#[test]
fn trim_history_drops_the_oldest_lines_until_under_the_budget() {
    let mut t = T::new(40, 5);
    t.feed(numbered_lines(2_000, 30));
    let before = t.term.heap_usage();
    let history_before = t.term.scrollback_len();
    let top_before = t.term.grid().dropped();
    let budget = before.history() / 4;
    let report = t.term.trim_history(budget);
    let after = t.term.heap_usage();
    assert!(after.history() <= budget, "{} > {budget}", after.history());
    assert!(report.lines > 0 && report.bytes > 0, "{report:?}");
    assert_eq!(t.term.scrollback_len(), history_before - report.lines);
    assert_eq!(report.bytes, before.total() - after.total());
    assert_eq!(t.term.grid().dropped(), top_before + report.lines as u64, "stable numbering");
    // The newest history is what remains, and the screen is untouched.
    let text = t.term.text(true);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.last().is_some_and(|l| l.is_empty()), "cursor line");
    assert!(lines[lines.len() - 2].starts_with("001999 "), "{:?}", &lines[lines.len() - 3..]);
    let oldest_kept = 2_000 + 1 - 5 - t.term.scrollback_len();
    assert!(lines[0].starts_with(&format!("{oldest_kept:06} ")), "{}", lines[0]);
    t.term.verify_invariants().unwrap();
    // A budget already met drops nothing; 0 drops everything.
    assert_eq!(t.term.trim_history(usize::MAX), TrimReport::default());
    let all = t.term.trim_history(0);
    assert_eq!(all.lines, history_before - report.lines);
    assert_eq!((t.term.scrollback_len(), t.term.heap_usage().history()), (0, 0));
    t.term.verify_invariants().unwrap();
}

#[test]
fn trimming_releases_the_styles_and_links_of_dropped_lines() {
    let mut t = T::new(20, 3);
    for i in 0..50 {
        t.feed(format!("\x1b[38;2;{i};1;2m\x1b]8;;http://x/{i}\x07L{i}\x1b]8;;\x07\x1b[m\r\n"));
    }
    let (styles, links, _) = t.term.tables().live();
    assert!(styles >= 40 && links >= 40, "{styles} {links}");
    t.term.trim_history(0);
    t.term.verify_invariants().unwrap();
    let (styles, links, _) = t.term.tables().live();
    assert!(styles <= 4 && links <= 4, "only the screen's remain: {styles} {links}");
}
