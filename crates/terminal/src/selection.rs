//! Selection: what a drag, double or triple click, or a block drag covers, and the text it
//! copies. Rows are stable (`absolute + Grid::dropped`) so a selection stays on its text while
//! output scrolls. Pure: works on a [`Term`], no window needed (tested below).

use crate::Term;
use crate::cell::Content;
use crate::grid::RowFlags;
use crate::index::{Column, StablePoint};

/// How a selection grows from its anchor (xterm's click counts, and Alt for a block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionKind {
    /// Cell to cell, in reading order (a drag).
    Simple,
    /// Whole words, following soft wraps (double click).
    Word,
    /// Whole lines (triple click).
    Line,
    /// A rectangle of columns (Alt+drag).
    Block,
}

/// A selection between two cells, rows numbered stably (`absolute + Grid::dropped`), so it
/// stays on its text while output scrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub kind: SelectionKind,
    /// Where it started.
    pub anchor: StablePoint,
    /// Where it ends now.
    pub head: StablePoint,
}

/// A highlighted span: absolute row (0 = oldest history row) and columns `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub row: usize,
    pub start: Column,
    pub end: Column,
}

impl Span {
    /// Whether the span covers cell `col` of absolute row `row`.
    pub fn contains(&self, row: usize, col: usize) -> bool {
        self.row == row && (self.start.0..=self.end.0).contains(&col)
    }
}

/// The spans a selection covers, in absolute rows.
pub fn selection_spans(term: &Term, s: &Selection, dropped: u64) -> Vec<Span> {
    let cols = term.cols();
    let grid = term.grid();
    let total = grid.history_len() + grid.lines();
    let to_abs = |r: u64| r.checked_sub(dropped).map(|a| a as usize);
    let (mut a, mut b) = (s.anchor, s.head);
    if b < a {
        std::mem::swap(&mut a, &mut b);
    }
    let (Some(ar), Some(br)) = (to_abs(a.row.0), to_abs(b.row.0)) else { return Vec::new() };
    let br = br.min(total.saturating_sub(1));
    let mut out = Vec::new();
    match s.kind {
        SelectionKind::Block => {
            let (c0, c1) = (s.anchor.column.min(s.head.column), s.anchor.column.max(s.head.column));
            for row in ar..=br {
                out.push(Span { row, start: c0, end: c1 });
            }
        }
        SelectionKind::Line => {
            // Whole logical lines: rows joined by soft wraps, as xterm, kitty, Alacritty and
            // WezTerm select them.
            let (ar, br) = (logical_line(term, ar).0, logical_line(term, br).1);
            for row in ar..=br {
                out.push(Span { row, start: Column(0), end: Column(cols - 1) });
            }
        }
        SelectionKind::Simple | SelectionKind::Word => {
            let (mut ar, mut br) = (ar, br);
            let (mut c0, mut c1) = (a.column.0, b.column.0);
            if s.kind == SelectionKind::Word {
                (ar, c0) = word_extent(term, ar, c0).0;
                (br, c1) = word_extent(term, br, c1).1;
            }
            for row in ar..=br {
                let start = if row == ar { c0 } else { 0 };
                let end = if row == br { c1 } else { cols - 1 };
                out.push(Span { row, start: Column(start), end: Column(end) });
            }
        }
    }
    out
}

/// Characters that belong to a "word" for double-click selection (URLs and paths stay whole).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || "_-./~:@%+=?&#*$".contains(c)
}

pub(crate) fn cell_char(term: &Term, abs: usize, col: usize) -> char {
    // A wide character's right half belongs to its word.
    let row = term.grid().absolute_row(abs);
    if col > 0 && row.and_then(|r| r.cells().get(col).copied()).is_some_and(|c| c.is_spacer()) {
        return cell_char(term, abs, col - 1);
    }
    term.grid()
        .absolute_row(abs)
        .and_then(|r| r.cells().get(col).copied())
        .and_then(|c| match c.content() {
            Content::Char(ch) => Some(ch),
            Content::Cluster(_) => Some('x'),
            Content::Empty => None,
        })
        .unwrap_or(' ')
}

/// The last column of a row that can hold text: the one before the padding a wrapped wide
/// character left in the last column (a leading spacer), else the last.
pub(crate) fn text_end(term: &Term, abs: usize) -> usize {
    let last = term.cols().saturating_sub(1);
    let padded = term
        .grid()
        .absolute_row(abs)
        .and_then(|r| r.cells().get(last).copied())
        .is_some_and(|c| c.is_leading_spacer());
    if padded { last.saturating_sub(1) } else { last }
}

/// How many rows a logical line (rows joined by soft wraps) is followed over, each way from
/// the row a selection's end is on: a triple-clicked line, and a double-clicked word, reach at
/// most this many rows above and below it. Bounds the work of each frame that draws the
/// selection: a 1 MB file without a newline is 13 108 rows at 80 columns, 256 rows are 20 KiB
/// of it. (xterm, kitty, Alacritty and WezTerm set no such bound.)
pub const MAX_WRAP_ROWS: usize = 256;

/// Whether absolute row `abs` soft-wraps onto the next.
pub(crate) fn wrapped(term: &Term, abs: usize) -> bool {
    term.grid().absolute_row(abs).is_some_and(|r| r.is_wrapped())
}

/// The first and last absolute rows of the logical line through absolute row `abs`: the rows
/// soft wraps join to it, at most [`MAX_WRAP_ROWS`] each way. A hard line end (a row without
/// the wrap flag) ends it, as in xterm.
pub fn logical_line(term: &Term, abs: usize) -> (usize, usize) {
    let total = term.grid().history_len() + term.grid().lines();
    let mut start = abs;
    while start > 0 && abs - start < MAX_WRAP_ROWS && wrapped(term, start - 1) {
        start -= 1;
    }
    let mut end = abs;
    while end + 1 < total && end - abs < MAX_WRAP_ROWS && wrapped(term, end) {
        end += 1;
    }
    (start, end)
}

/// A run of cells whose characters pass a test, around a cell and across soft wraps.
pub(crate) struct Run {
    /// First (absolute row, column).
    pub start: (usize, usize),
    /// Last (absolute row, column); a wide character's last cell is its spacer.
    pub end: (usize, usize),
    /// The run goes on past the row limit (at `start` or `end`): it was cut there.
    pub cut: bool,
}

/// The run of cells around (`abs`, `col`) whose characters pass `keep` ([`cell_char`]: a
/// wide character's spacer counts as the character), following soft wraps and the padding a
/// wrapped wide character left (a leading spacer), at most `max_rows` rows each way. A cell
/// that fails `keep` is a run of itself.
pub(crate) fn run_around(
    term: &Term,
    abs: usize,
    col: usize,
    keep: impl Fn(char) -> bool + Copy,
    max_rows: usize,
) -> Run {
    let (s, e) = bounds(term, abs, col, keep);
    if !keep(cell_char(term, abs, col)) {
        return Run { start: (abs, s), end: (abs, e), cut: false };
    }
    let mut cut = false;
    let mut start = (abs, s);
    while start.1 == 0
        && start.0 > 0
        && wrapped(term, start.0 - 1)
        && keep(cell_char(term, start.0 - 1, text_end(term, start.0 - 1)))
    {
        if abs - start.0 >= max_rows {
            cut = true;
            break;
        }
        start = (start.0 - 1, bounds(term, start.0 - 1, text_end(term, start.0 - 1), keep).0);
    }
    let mut end = (abs, e);
    while end.1 == text_end(term, end.0)
        && wrapped(term, end.0)
        && keep(cell_char(term, end.0 + 1, 0))
    {
        if end.0 - abs >= max_rows {
            cut = true;
            break;
        }
        end = (end.0 + 1, bounds(term, end.0 + 1, 0, keep).1);
    }
    Run { start, end, cut }
}

/// The word around a cell (absolute row, column), following soft wraps at most
/// [`MAX_WRAP_ROWS`] rows each way: its first and last (row, column).
pub fn word_extent(term: &Term, abs: usize, col: usize) -> ((usize, usize), (usize, usize)) {
    let run = run_around(term, abs, col, is_word_char, MAX_WRAP_ROWS);
    (run.start, run.end)
}

/// The word around a cell within its row: `[start, end]` columns.
pub fn word_bounds(term: &Term, abs: usize, col: usize) -> (usize, usize) {
    bounds(term, abs, col, is_word_char)
}

/// The cells around a cell within its row whose characters pass `keep`: `[start, end]`
/// columns (the cell alone when it fails `keep`).
fn bounds(term: &Term, abs: usize, col: usize, keep: impl Fn(char) -> bool) -> (usize, usize) {
    let cols = term.cols();
    if !keep(cell_char(term, abs, col)) {
        return (col, col);
    }
    let (mut s, mut e) = (col, col);
    while s > 0 && keep(cell_char(term, abs, s - 1)) {
        s -= 1;
    }
    while e + 1 < cols && keep(cell_char(term, abs, e + 1)) {
        e += 1;
    }
    (s, e)
}

/// The selected text: lines joined by `\n` (not where a line soft-wraps), trailing spaces cut.
pub fn selection_text(term: &Term, s: &Selection) -> String {
    let dropped = term.grid().dropped();
    let spans = selection_spans(term, s, dropped);
    let mut out = String::new();
    for (i, span) in spans.iter().enumerate() {
        let Some(row) = term.grid().absolute_row(span.row) else { continue };
        let mut line = String::new();
        for cell in row.cells().iter().take(span.end.0 + 1).skip(span.start.0) {
            // A wide character's right half, and the padding a wide character that did not
            // fit left in the last column (a leading spacer): neither is in the output.
            if cell.is_spacer() || cell.is_leading_spacer() {
                continue;
            }
            match cell.content() {
                Content::Empty => line.push(' '),
                Content::Char(c) => line.push(c),
                Content::Cluster(id) => line.push_str(term.cluster(id)),
            }
        }
        let wrapped = row.flags().contains(RowFlags::WRAPPED) && s.kind != SelectionKind::Block;
        if wrapped && span.end.0 + 1 >= row.cells().len() {
            out.push_str(&line);
        } else {
            out.push_str(line.trim_end());
            if i + 1 < spans.len() {
                out.push('\n');
            }
        }
    }
    out
}

/// What the selected cells from stable row `from` on hold: one `(stable row, hash of the
/// row's selected cells)` per span of `spans` (from [`selection_spans`] with the same
/// `dropped`) whose stable row is `from` or later. Pass the stable row of the screen's first
/// line as the earlier frame saw it ([`first_screen_row`]): rows above it were history then,
/// and output never rewrites history, while a screen row that output rewrote and then
/// scrolled into the history within one frame is still compared. Compare two of these with
/// [`selection_text_changed`] to clear a selection whose text output rewrote, as xterm does
/// (it gives the selection up when a write touches it) and as Alacritty and kitty do. Costs at
/// most one pass over the selected cells of those rows.
pub fn selection_fingerprint(
    term: &Term,
    spans: &[Span],
    dropped: u64,
    from: u64,
) -> Vec<(u64, u64)> {
    let grid = term.grid();
    spans
        .iter()
        .filter(|s| s.row as u64 + dropped >= from)
        .filter_map(|s| {
            let row = grid.absolute_row(s.row)?;
            let cells = row.cells();
            let end = (s.end.0 + 1).min(cells.len());
            let selected = cells.get(s.start.0.min(end)..end)?;
            // FNV-1a over the cells' content (characters, clusters, wide halves); styles are
            // left out: a recoloured selection still holds its text.
            let hash = selected.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, c| {
                (h ^ u64::from(c.to_bits().0)).wrapping_mul(0x0100_0000_01b3)
            });
            Some((s.row as u64 + dropped, hash))
        })
        .collect()
}

/// The stable row (rows dropped off the history's front plus the history's length) of the
/// screen's first line: what [`selection_fingerprint`] takes as `from`.
pub fn first_screen_row(term: &Term) -> u64 {
    term.grid().dropped() + term.grid().history_len() as u64
}

/// Whether a row seen in both fingerprints ([`selection_fingerprint`], `before` then `now`)
/// holds other text now. Rows only in one of them (before `from`, or added by a selection
/// that grew) say nothing.
pub fn selection_text_changed(before: &[(u64, u64)], now: &[(u64, u64)]) -> bool {
    now.iter().any(|(row, hash)| before.iter().any(|(r, h)| r == row && h != hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TermConfig;
    use crate::index::StableRow;
    use crate::parser::Parser;

    fn at(row: u64, column: usize) -> StablePoint {
        StablePoint::new(StableRow(row), Column(column))
    }

    fn term(bytes: &str, cols: usize, lines: usize) -> Term {
        let mut t = Term::new(cols, lines, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    #[test]
    fn selection_text_joins_wrapped_lines_and_trims() {
        let t = term("hello wonderful world\r\nsecond   \r\n", 10, 5);
        let s = Selection { kind: SelectionKind::Simple, anchor: at(0, 0), head: at(3, 5) };
        assert_eq!(selection_text(&t, &s), "hello wonderful world\nsecond");
        let w = Selection { kind: SelectionKind::Word, anchor: at(1, 2), head: at(1, 2) };
        assert_eq!(selection_text(&t, &w), "wonderful", "a word across a soft wrap");
        let b = Selection { kind: SelectionKind::Block, anchor: at(0, 1), head: at(1, 3) };
        assert_eq!(selection_text(&t, &b), "ell\nrfu");
        let l = Selection { kind: SelectionKind::Line, anchor: at(3, 2), head: at(3, 2) };
        assert_eq!(selection_text(&t, &l), "second");
    }

    /// 79 `a` then `中文z` in 80 columns: `中` does not fit in the last column, which keeps a
    /// padding cell (a leading spacer) and wraps. The padding is not text: xterm copies the
    /// line without it, whatever the selection's kind, and words run across it.
    #[test]
    fn the_padding_a_wide_character_leaves_at_a_wrap_is_not_copied() {
        use crate::search::find_all;
        let a79 = "a".repeat(79);
        let mut t = term(&format!("{a79}中文z\r\nnext"), 80, 4);
        assert!(t.grid().absolute_row(0).unwrap().cells()[79].is_leading_spacer());
        let whole = format!("{a79}中文z");
        let s = Selection { kind: SelectionKind::Simple, anchor: at(0, 0), head: at(1, 4) };
        assert_eq!(selection_text(&t, &s), whole);
        let w = Selection { kind: SelectionKind::Word, anchor: at(0, 3), head: at(0, 3) };
        assert_eq!(selection_text(&t, &w), whole, "a word runs across the padding");
        let b = Selection { kind: SelectionKind::Block, anchor: at(0, 0), head: at(1, 79) };
        assert_eq!(selection_text(&t, &b), format!("{a79}\n中文z"), "a block: rows, no padding");
        assert_eq!(find_all(&t, "a 中").len(), 0, "search does not see the padding either");
        // Reflow joins the row without the padding, and splits it again with a new one.
        let row_of_a = |t: &Term| {
            let lines: Vec<String> = t.text(true).lines().map(str::to_owned).collect();
            let r = lines.iter().position(|l| l.starts_with("aaa")).unwrap_or(0);
            (r as u64 + t.grid().dropped(), r)
        };
        t.resize(100, 4);
        let (r, _) = row_of_a(&t);
        let s = Selection { kind: SelectionKind::Simple, anchor: at(r, 0), head: at(r, 99) };
        assert_eq!(selection_text(&t, &s), whole, "reflowed wider");
        t.resize(80, 4);
        let (r, abs) = row_of_a(&t);
        assert!(t.grid().absolute_row(abs).unwrap().cells()[79].is_leading_spacer());
        let s = Selection { kind: SelectionKind::Simple, anchor: at(r, 0), head: at(r + 1, 4) };
        assert_eq!(selection_text(&t, &s), whole, "reflowed back");
    }

    /// Selection, search and reflow use the width printing stored (crate::width): `A️` is one
    /// cell, `❤️` two, before and after a reflow.
    #[test]
    fn vs16_widths_agree_in_selection_search_and_reflow() {
        use crate::search::find_all;
        let mut t = term("A\u{FE0F}bc\u{2764}\u{FE0F}d", 3, 4);
        let rows = |t: &Term| t.text(false).lines().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(rows(&t)[..2], ["A\u{FE0F}bc", "\u{2764}\u{FE0F}d"]);
        let s = Selection { kind: SelectionKind::Simple, anchor: at(0, 1), head: at(1, 0) };
        assert_eq!(selection_text(&t, &s), "bc\u{2764}\u{FE0F}");
        let hits = find_all(&t, "\u{2764}\u{FE0F}d");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].start.0, hits[0].end.0), (0, 2), "❤️ is columns 0-1, d column 2");
        assert_eq!(find_all(&t, "A\u{FE0F}bc").len(), 1);
        t.resize(6, 4);
        assert_eq!(rows(&t)[0], "A\u{FE0F}bc\u{2764}\u{FE0F}d", "reflowed: 1 + 2 + 2 + 1 cells");
        let all: Vec<String> = t.text(true).lines().map(str::to_owned).collect();
        let r = all.iter().position(|l| l.starts_with('A')).unwrap_or(0) as u64;
        let r = r + t.grid().dropped();
        let s = Selection { kind: SelectionKind::Simple, anchor: at(r, 3), head: at(r, 4) };
        assert_eq!(selection_text(&t, &s), "\u{2764}\u{FE0F}", "both halves select one ❤️");
    }

    /// 43 characters in 29 columns: one logical line on two rows. A triple click on either
    /// row selects both, joined without a newline (xterm, kitty, Alacritty, WezTerm); a hard
    /// line end still ends it, and a drag from a triple click grows by logical lines.
    #[test]
    fn a_triple_click_selects_the_whole_logical_line() {
        let line = "0123456789012345678901234567890123456789END";
        let t = term(&format!("{line}\r\nnext\r\n{}\r\nlast", "x".repeat(29)), 29, 6);
        let l = |a: StablePoint, h: StablePoint| {
            selection_text(&t, &Selection { kind: SelectionKind::Line, anchor: a, head: h })
        };
        assert_eq!(l(at(0, 3), at(0, 3)), line, "from the first row");
        assert_eq!(l(at(1, 2), at(1, 2)), line, "from the second row");
        assert_eq!(l(at(1, 20), at(1, 20)), line, "from past the text of the second row");
        assert_eq!(l(at(2, 0), at(2, 0)), "next", "a hard line end ends it");
        // A row filled to its last column and then ended is not joined to the next.
        assert_eq!(l(at(3, 5), at(3, 5)), "x".repeat(29));
        assert_eq!(l(at(4, 0), at(4, 0)), "last");
        // Dragging extends by logical lines, either way.
        assert_eq!(l(at(1, 3), at(2, 1)), format!("{line}\nnext"));
        assert_eq!(l(at(2, 1), at(0, 5)), format!("{line}\nnext"));
        assert_eq!(l(at(2, 1), at(1, 0)), format!("{line}\nnext"));
        let spans = selection_spans(
            &t,
            &Selection { kind: SelectionKind::Line, anchor: at(1, 3), head: at(1, 3) },
            0,
        );
        let rows: Vec<_> = spans.iter().map(|s| (s.row, s.start.0, s.end.0)).collect();
        assert_eq!(rows, [(0, 0, 28), (1, 0, 28)], "the highlight covers both rows");
    }

    /// The padding a wide character leaves at a wrap does not end a logical line.
    #[test]
    fn a_triple_click_follows_a_wrap_with_a_wide_character_padding() {
        let a79 = "a".repeat(79);
        let t = term(&format!("{a79}中文z\r\nnext"), 80, 4);
        assert!(t.grid().absolute_row(0).unwrap().cells()[79].is_leading_spacer());
        for (row, col) in [(0, 0), (1, 1), (1, 60)] {
            let s =
                Selection { kind: SelectionKind::Line, anchor: at(row, col), head: at(row, col) };
            assert_eq!(selection_text(&t, &s), format!("{a79}中文z"), "from {row}, {col}");
        }
    }

    /// A line without a newline that is thousands of rows long: a triple click or a double
    /// click in it follows at most MAX_WRAP_ROWS rows each way, so a frame's work stays
    /// bounded.
    #[test]
    fn a_huge_logical_line_is_followed_a_bounded_number_of_rows() {
        let rows = 3 * MAX_WRAP_ROWS + 10;
        let t = term(&"y".repeat(10 * rows), 10, 5);
        let mid = (rows / 2) as u64;
        let s = Selection { kind: SelectionKind::Line, anchor: at(mid, 4), head: at(mid, 4) };
        let spans = selection_spans(&t, &s, t.grid().dropped());
        assert_eq!(spans.len(), 2 * MAX_WRAP_ROWS + 1);
        assert_eq!(spans[0].row, rows / 2 - MAX_WRAP_ROWS);
        assert_eq!(selection_text(&t, &s).len(), 10 * (2 * MAX_WRAP_ROWS + 1));
        let (start, end) = word_extent(&t, rows / 2, 4);
        assert_eq!((start, end), ((rows / 2 - MAX_WRAP_ROWS, 0), (rows / 2 + MAX_WRAP_ROWS, 9)));
    }

    #[test]
    fn selection_survives_scrolling_output() {
        let mut t = Term::new(10, 3, TermConfig { scrollback_lines: 2, ..TermConfig::default() });
        let mut p = Parser::new();
        t.advance(&mut p, b"keep me\r\n");
        let dropped = t.grid().dropped();
        let s =
            Selection { kind: SelectionKind::Simple, anchor: at(dropped, 0), head: at(dropped, 6) };
        t.advance(&mut p, b"a\r\nb\r\nc\r\n");
        assert_eq!(selection_text(&t, &s), "keep me", "still on its text after scrolling");
        t.advance(&mut p, b"d\r\ne\r\nf\r\n");
        assert_eq!(selection_text(&t, &s), "", "its text left the history");
    }
    #[test]
    fn rewriting_selected_screen_text_changes_the_fingerprint_and_scrolling_does_not() {
        let mut t = term("one two\r\nthree\r\n", 10, 3);
        let dropped = t.grid().dropped();
        let from = first_screen_row(&t);
        let s = Selection { kind: SelectionKind::Simple, anchor: at(0, 4), head: at(1, 2) };
        let fp =
            |t: &Term| selection_fingerprint(t, &selection_spans(t, &s, dropped), dropped, from);
        let before = fp(&t);
        assert_eq!(before.len(), 2, "both rows are on the screen: {before:?}");
        // Output elsewhere on the screen, and a rewrite of the unselected `one `: no change.
        t.advance(&mut Parser::new(), b"\x1b[3;1Hxyz\x1b[1;1HONE ");
        assert!(!selection_text_changed(&before, &fp(&t)));
        // The same text written again over the selection: no change either.
        t.advance(&mut Parser::new(), b"\x1b[1;5Htwo");
        assert!(!selection_text_changed(&before, &fp(&t)));
        // Scrolling moves the first row into the history (the selection follows its text):
        // both rows are still compared, as the same stable rows, and hold the same text.
        t.advance(&mut Parser::new(), b"\x1b[3;1H\n");
        assert_eq!(first_screen_row(&t), from + 1);
        let scrolled = fp(&t);
        assert_eq!(scrolled.len(), 2, "{scrolled:?}");
        assert!(!selection_text_changed(&before, &scrolled), "{before:?} {scrolled:?}");
        // A rewrite of selected text still on the screen is seen.
        let mut t = term("one two\r\nthree\r\n", 10, 3);
        t.advance(&mut Parser::new(), b"\x1b[2;2HX");
        assert!(selection_text_changed(&before, &fp(&t)));
        // So is one that output then scrolled into the history before the next frame.
        let mut t = term("one two\r\nthree\r\n", 10, 3);
        t.advance(&mut Parser::new(), b"\x1b[1;5HTWO\x1b[3;1H\n\n\n\n");
        assert!(first_screen_row(&t) > from + 1, "both selected rows left the screen");
        assert!(selection_text_changed(&before, &fp(&t)));
        // Rows that were already history when the earlier fingerprint was taken are not
        // hashed again: a fingerprint from the later screen leaves them out.
        let later = selection_fingerprint(
            &t,
            &selection_spans(&t, &s, dropped),
            dropped,
            first_screen_row(&t),
        );
        assert!(later.is_empty(), "{later:?}");
    }

    #[test]
    fn fingerprint_rows_only_in_one_side_say_nothing() {
        assert!(!selection_text_changed(&[(1, 5)], &[(2, 6)]));
        assert!(selection_text_changed(&[(1, 5), (2, 6)], &[(2, 7)]));
        assert!(!selection_text_changed(&[], &[(2, 7)]));
    }
}
