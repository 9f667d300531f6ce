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

/// Two terminals fed the same bytes, one compressing its history (with `geometry` when
/// given) and one not.
fn pair(cols: usize, lines: usize, geometry: Option<(usize, usize)>) -> (T, T) {
    let mut on = T::with_config(cols, lines, TermConfig::default());
    if let Some((hot, block)) = geometry {
        on.term.set_history_compression_geometry(hot, block);
    }
    let off = TermConfig { compress_history: false, ..TermConfig::default() };
    (on, T::with_config(cols, lines, off))
}

fn feed_both(pair: &mut (T, T), bytes: &str) {
    pair.0.feed(bytes);
    pair.1.feed(bytes);
}

#[test]
fn compressed_history_reads_back_exactly_and_costs_under_two_bytes_a_cell() {
    let mut p = pair(80, 24, None);
    feed_both(&mut p, &numbered_lines(10_100, 70));
    let (on, off) = (&p.0.term, &p.1.term);
    assert_eq!(on.scrollback_len(), 10_000);
    assert!(on.compressed_scrollback_len() >= 10_000 - grid::HOT_ROWS - history_block::BLOCK_ROWS);
    assert_eq!(off.compressed_scrollback_len(), 0);
    assert_eq!(on.text(true), off.text(true), "history reads back as written");
    let usage = on.heap_usage();
    let per_cell = usage.history() as f64 / (10_000 * 80) as f64;
    assert!(per_cell < 2.0, "{per_cell:.3} bytes a cell: {usage:?}");
    assert!(usage.history() * 4 < off.heap_usage().history(), "{usage:?}");
    // Reading everything decodes block by block into a cache of a few blocks only.
    let usage = on.heap_usage();
    assert!(usage.decode_cache > 0, "text() went through the cache");
    let bound =
        history_block::CACHE_BLOCKS * history_block::BLOCK_ROWS * (80 * 8 + ROW_HEADER + 8) + 1024;
    assert!(usage.decode_cache <= bound, "{} > {bound}", usage.decode_cache);
    p.0.term.clear_history_decode_cache();
    assert_eq!(p.0.term.heap_usage().decode_cache, 0);
    // ED 3 gives it all back.
    feed_both(&mut p, "\x1b[3J");
    assert_eq!(p.0.term.heap_usage().history(), 0, "{:?}", p.0.term.heap_usage());
    assert_eq!(p.0.term.text(true), p.1.term.text(true));
}

#[test]
fn search_selection_and_links_reach_into_compressed_history() {
    let mut p = pair(40, 5, Some((4, 8)));
    let mut bytes =
        String::from("first \x1b]8;;http://example.com/old\x07link\x1b]8;;\x07 word\r\n");
    bytes.push_str(&numbered_lines(200, 30));
    feed_both(&mut p, &bytes);
    let term = &p.0.term;
    assert!(term.compressed_scrollback_len() > 150, "{}", term.compressed_scrollback_len());
    let hits = search::find_all(term, "example");
    assert!(hits.is_empty(), "link targets are not text");
    let hits = search::find_all(term, "FIRST");
    assert_eq!(hits.len(), 1);
    let dropped = term.grid().dropped();
    assert_eq!(hits[0].row.0, dropped, "the oldest row");
    assert_eq!(search::find_all(&p.1.term, "000123"), search::find_all(term, "000123"));
    // The OSC 8 link of a compressed row still resolves through its (kept) style.
    assert_eq!(search::link_at(term, 0, 6).as_deref(), Some("http://example.com/old"));
    // A double click on a word in compressed history.
    assert_eq!(selection::word_extent(term, 0, 12), ((0, 11), (0, 14)));
    // The text of a selection spanning compressed and plain rows.
    let s = selection::Selection {
        kind: selection::SelectionKind::Line,
        anchor: index::StablePoint::new(index::StableRow(dropped), index::Column(0)),
        head: index::StablePoint::new(index::StableRow(dropped + 2), index::Column(0)),
    };
    let on = selection::selection_text(term, &s);
    assert_eq!(on, selection::selection_text(&p.1.term, &s));
    assert!(on.starts_with("first link word\n000000 "), "{on:?}");
}

#[test]
fn styles_clusters_and_links_of_compressed_rows_are_held_and_released_exactly() {
    let mut p = pair(30, 4, Some((2, 4)));
    for i in 0..120 {
        feed_both(
            &mut p,
            &format!(
                "\x1b[38;5;{}m\x1b]8;;http://x/{i}\x07e\u{301}{i}\x1b]8;;\x07 中\x1b[m\r\n",
                i % 200
            ),
        );
    }
    p.0.term.verify_invariants().unwrap();
    assert!(p.0.term.compressed_scrollback_len() > 100);
    assert_eq!(p.0.term.tables().live(), p.1.term.tables().live());
    assert_eq!(p.0.term.text(true), p.1.term.text(true));
    // Trimming whole blocks releases what they held, exactly as plain rows would.
    let report = p.0.term.trim_history(p.0.term.heap_usage().history() / 3);
    assert!(report.lines > 0);
    p.0.term.verify_invariants().unwrap();
    p.1.term.trim_history(0);
    p.0.term.trim_history(0);
    p.0.term.verify_invariants().unwrap();
    assert_eq!(p.0.term.tables().live(), p.1.term.tables().live());
}

/// A resize decodes the whole history to reflow it and compresses it again: afterwards the
/// history costs what it cost before (the plain rows' slots are given back), not a row
/// header per line.
#[test]
fn resizing_gives_back_what_the_reflow_decoded() {
    let mut t = T::with_config(80, 24, TermConfig::default());
    t.feed(numbered_lines(20_000, 40));
    let (before, len) = (t.term.heap_usage(), t.term.scrollback_len());
    // Widths the 47-character lines fit in: the same history, reflowed three times.
    for (cols, lines) in [(60, 5), (80, 24), (100, 30)] {
        t.term.resize(cols, lines);
    }
    t.term.clear_history_decode_cache();
    let after = t.term.heap_usage();
    assert_eq!(t.term.scrollback_len(), len, "history kept");
    // The plain part is back to the hot rows (a few hundred rows' worth), not 20,000 headers.
    let hot_bound = (grid::HOT_ROWS + 2 * history_block::BLOCK_ROWS) * (100 * 8 + ROW_HEADER);
    assert!(after.scrollback <= hot_bound, "{after:?} vs before {before:?}");
    assert!(after.history() < 2 * before.history() + hot_bound, "{after:?} vs {before:?}");
}

#[test]
fn resizing_and_turning_compression_off_keep_the_history() {
    let mut p = pair(50, 6, Some((3, 5)));
    let long: String = (0..300).map(|i| format!("line {i} {}\r\n", "x".repeat(i % 90))).collect();
    feed_both(&mut p, &long);
    for (cols, lines) in [(31, 6), (31, 20), (77, 3), (77, 9), (50, 6)] {
        p.0.term.resize(cols, lines);
        p.1.term.resize(cols, lines);
        p.0.term.verify_invariants().unwrap();
        assert_eq!(p.0.term.text(true), p.1.term.text(true), "at {cols}x{lines}");
        assert!(p.0.term.compressed_scrollback_len() > 0, "recompressed after reflow");
    }
    let text = p.0.term.text(true);
    p.0.term.set_history_compression(false);
    assert_eq!(p.0.term.compressed_scrollback_len(), 0);
    assert_eq!(p.0.term.text(true), text);
    p.0.term.verify_invariants().unwrap();
    p.0.term.set_history_compression(true);
    assert!(p.0.term.compressed_scrollback_len() > 0);
    assert_eq!(p.0.term.text(true), text);
}

#[test]
fn a_full_compressed_history_drops_its_oldest_lines_one_by_one() {
    let config = TermConfig { scrollback_lines: 30, ..TermConfig::default() };
    let mut t = T::with_config(10, 3, config);
    t.term.set_history_compression_geometry(4, 8);
    for i in 0..100 {
        t.feed(format!("{i}\r\n"));
        // Lines 0..=i are written and the cursor sits on the empty line after them.
        let above_screen = (i + 2usize).saturating_sub(3);
        let dropped = above_screen.saturating_sub(30);
        assert_eq!(t.term.scrollback_len(), above_screen.min(30), "after line {i}");
        assert_eq!(t.term.grid().dropped() as usize, dropped, "after line {i}");
        // The oldest line kept is always the first one not dropped.
        let first = t.term.text(true).lines().next().map(str::to_owned);
        assert_eq!(first, Some(dropped.to_string()), "after line {i}");
    }
    assert!(t.term.compressed_scrollback_len() >= 16);
}

#[test]
fn deferred_compression_leaves_a_flood_plain_and_compresses_it_when_asked() {
    // Deferring 40 rows' worth of cells: a flood longer than the 30-line scrollback pushes
    // its lines out plain, and only what is left is compressed afterwards.
    let config = TermConfig {
        scrollback_lines: 30,
        defer_compression_cells: 40 * 10,
        ..TermConfig::default()
    };
    let mut t = T::with_config(10, 3, config);
    t.term.set_history_compression_geometry(4, 8);
    let mut plain = T::with_config(
        10,
        3,
        TermConfig { scrollback_lines: 30, compress_history: false, ..TermConfig::default() },
    );
    let mut eager =
        T::with_config(10, 3, TermConfig { scrollback_lines: 30, ..Default::default() });
    eager.term.set_history_compression_geometry(4, 8);
    for i in 0..200 {
        let line = format!("{i}\r\n");
        t.feed(&line);
        plain.feed(&line);
        eager.feed(&line);
    }
    assert_eq!(
        eager.term.compressed_scrollback_len(),
        24,
        "eager: all but the hot rows, in blocks"
    );
    assert_eq!(t.term.compressed_scrollback_len(), 0, "the flood stayed plain");
    assert_eq!(t.term.deferred_history_lines(), 24, "three blocks wait");
    assert_eq!(t.term.text(true), plain.term.text(true));
    // One block per step, oldest first, until only the hot rows are plain.
    assert!(t.term.compress_deferred_history(1), "more waits after one block");
    assert_eq!(t.term.compressed_scrollback_len(), 8);
    assert!(!t.term.compress_deferred_history(usize::MAX), "nothing waits after the rest");
    assert_eq!(t.term.compressed_scrollback_len(), 24);
    assert_eq!(t.term.deferred_history_lines(), 0);
    assert_eq!(t.term.text(true), plain.term.text(true));
    assert!(t.term.verify_invariants().is_ok(), "{:?}", t.term.verify_invariants());
    // A flood after that consumes the compressed blocks from the oldest end, then goes on
    // plain; the history reads back as written throughout.
    for i in 200..260 {
        let line = format!("{i}\r\n");
        t.feed(&line);
        plain.feed(&line);
        assert_eq!(t.term.text(true), plain.term.text(true), "after line {i}");
    }
    assert!(t.term.verify_invariants().is_ok(), "{:?}", t.term.verify_invariants());
    // Turning the deferral off compresses what waits at once.
    let mut off = TermConfig { scrollback_lines: 30, ..TermConfig::default() };
    off.defer_compression_cells = 0;
    t.term.reconfigure(&off);
    assert_eq!(t.term.deferred_history_lines(), 0);
    assert_eq!(t.term.compressed_scrollback_len(), 24);
    assert_eq!(t.term.text(true), plain.term.text(true));
}
