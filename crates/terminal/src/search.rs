//! Finding things in a terminal's text: case-insensitive search over the history and screen,
//! prompt marks (OSC 133), and the link under a cell (OSC 8 or a URL in the text). Pure: works
//! on a [`Term`], no window needed (tested below).

use crate::Term;
use crate::cell::Content;
use crate::grid::RowFlags;
use crate::index::{Column, StableRow};
use crate::selection::{Span, cell_char, run_around, text_end, wrapped};
use crate::tables::LinkId;

/// A search in progress: what is typed, where it matches, which match is shown.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Matches, oldest first.
    pub matches: Vec<Match>,
    /// Index into `matches` of the match on display.
    pub current: usize,
}

/// Where a search matched: from column `start` of stable row `row` to column `end` of stable
/// row `end_row` (inclusive; a wide character counts as both its cells). `end_row` is `row`
/// unless the match runs on across soft wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub row: StableRow,
    pub start: Column,
    pub end_row: StableRow,
    pub end: Column,
}

impl Search {
    /// The search bar's counter, `(shown, total)`: the matches still in the terminal, given
    /// `dropped` rows dropped off the history's front since they were found, and which of
    /// them is on display, counted from 1 (0 when that one has been dropped too, or there is
    /// none). Matches are oldest first, so the dropped ones are a prefix.
    pub fn counter(&self, dropped: u64) -> (usize, usize) {
        let gone = self.matches.partition_point(|m| m.end_row.0 < dropped);
        let total = self.matches.len() - gone;
        let shown = if self.current < gone || total == 0 { 0 } else { self.current - gone + 1 };
        (shown, total)
    }
}

impl Match {
    /// The cells it covers as one span per row, in absolute rows (a stable row less
    /// `dropped`, the rows dropped off the history's front), for a terminal `cols` wide;
    /// rows already dropped are left out.
    pub fn spans(&self, cols: usize, dropped: u64) -> Vec<Span> {
        let last_col = Column(cols.saturating_sub(1));
        (self.row.0..=self.end_row.0)
            .filter_map(|stable| {
                let row = usize::try_from(stable.checked_sub(dropped)?).ok()?;
                let start = if stable == self.row.0 { self.start } else { Column(0) };
                let end = if stable == self.end_row.0 { self.end } else { last_col };
                Some(Span { row, start, end })
            })
            .collect()
    }
}

/// Every case-insensitive occurrence of `query` in the history and screen, oldest first. A
/// logical line is searched whole: a match may run on across soft wraps (as in kitty, WezTerm
/// and Alacritty), never across a line end, and the padding cell a wrapped wide character
/// leaves is not text. Each cell counts with its whole grapheme cluster (`❤️` is `❤` + VS16),
/// and with the width printing gave it (crate::width): a match ending on a wide character ends
/// on its spacer column. A match starts at a cell's start; it may end inside a cluster, so `e`
/// finds `é` written as `e` + U+0301. One pass over the cells; the text of the longest
/// logical line is held at once.
pub fn find_all(term: &Term, query: &str) -> Vec<Match> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let grid = term.grid();
    let dropped = grid.dropped();
    let mut out = Vec::new();
    let mut text = String::new();
    // (byte offset in `text`, absolute row, column, wide) of each cell's start.
    let mut starts: Vec<(usize, usize, usize, bool)> = Vec::new();
    let mut search_line = |text: &str, starts: &[(usize, usize, usize, bool)]| {
        for (i, &(offset, row, col, _)) in starts.iter().enumerate() {
            if !text[offset..].starts_with(&needle) {
                continue;
            }
            let last_byte = offset + needle.len() - 1;
            let last = starts[i..].iter().take_while(|s| s.0 <= last_byte).last();
            let (end_row, end_cell, wide) = last.map_or((row, col, false), |s| (s.1, s.2, s.3));
            out.push(Match {
                row: StableRow(row as u64 + dropped),
                start: Column(col),
                end_row: StableRow(end_row as u64 + dropped),
                end: Column(if wide { end_cell + 1 } else { end_cell }),
            });
        }
    };
    for (abs, row) in grid.all_rows().enumerate() {
        for (col, c) in row.cells().iter().enumerate() {
            if c.is_spacer() || c.is_leading_spacer() {
                continue;
            }
            starts.push((text.len(), abs, col, c.is_wide()));
            match c.content() {
                Content::Char(ch) => text.extend(ch.to_lowercase()),
                Content::Cluster(id) => text.push_str(&term.cluster(id).to_lowercase()),
                Content::Empty => text.push(' '),
            }
        }
        if !row.is_wrapped() {
            search_line(&text, &starts);
            text.clear();
            starts.clear();
        }
    }
    search_line(&text, &starts);
    out
}

/// The absolute rows with a prompt mark (OSC 133 A), oldest first.
pub fn prompt_rows(term: &Term) -> Vec<usize> {
    term.grid()
        .all_rows()
        .enumerate()
        .filter(|(_, r)| r.flags().contains(RowFlags::PROMPT_START))
        .map(|(i, _)| i)
        .collect()
}

/// What a Ctrl+click may open: URLs detected in text start with one of these, and OSC 8
/// links must.
const URL_PREFIXES: [&str; 10] = [
    "https://",
    "http://",
    "file://",
    "ftp://",
    "sftp://",
    "ssh://",
    "git://",
    "gemini://",
    "gopher://",
    "mailto:",
];

fn openable(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    URL_PREFIXES.iter().any(|p| lower.starts_with(p)) && !uri.chars().any(char::is_control)
}

/// The most cells a URL written in the text is followed over, each way from the clicked cell
/// (rounded up to whole rows): 4 KiB of an ASCII URL, 52 rows at 80 columns. A run of URL
/// characters that goes on past it is not opened at all, rather than opened cut.
pub const MAX_URL_CHARS: usize = 4096;

/// Characters a URL written in the text may hold: anything but blanks and the quotes and
/// brackets that usually surround one (`<>"'` and backquote), and `|`.
fn is_url_char(c: char) -> bool {
    !c.is_whitespace() && !"<>\"'`|".contains(c)
}

/// A link and the cells it covers: what [`link_under`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What it opens: the OSC 8 hyperlink's URI, or the URL written in the text.
    pub target: String,
    /// Its cells, one span per row, top to bottom (absolute rows; a wide character's spacer
    /// included): drawn underlined while the pointer is over it, as kitty, WezTerm and
    /// Windows Terminal do.
    pub spans: Vec<Span>,
}

/// What [`link_under`] opens at a cell: its target only.
pub fn link_at(term: &Term, abs: usize, col: usize) -> Option<String> {
    link_under(term, abs, col).map(|l| l.target)
}

/// The link under a cell (absolute row, column): its OSC 8 hyperlink (the cells around it
/// that carry the same one, across soft wraps), or a URL written in the text around it. A
/// written URL follows soft wraps (a click on any of its rows opens it whole, as in kitty,
/// WezTerm and Alacritty), counts a wide character once and skips the padding a wrapped wide
/// character leaves; it starts with one of the known schemes (matched in any case) and loses
/// trailing sentence punctuation and unbalanced closing brackets (`(see https://x.org/a_(b)).`
/// opens `https://x.org/a_(b)`). Bounded: at most [`MAX_URL_CHARS`] cells each way are read.
pub fn link_under(term: &Term, abs: usize, col: usize) -> Option<Link> {
    let row = term.grid().absolute_row(abs)?;
    let cell = *row.cells().get(col)?;
    if cell.is_leading_spacer() {
        // The padding before a wide character that wrapped belongs to what it pads (one row
        // on: never padding itself, so this recurses once at most).
        let next = term.grid().absolute_row(abs + 1)?.cells().first().copied()?;
        return (row.is_wrapped() && !next.is_leading_spacer())
            .then(|| link_under(term, abs + 1, 0))
            .flatten();
    }
    let style = term.style(cell.style());
    if let Some(link) = term.hyperlink(style.link) {
        // The program chose the target: hand only well-known schemes to the desktop.
        return openable(&link.uri).then(|| Link {
            target: link.uri.to_string(),
            spans: hyperlink_spans(term, abs, col, style.link),
        });
    }
    // A URL written in the text: the run of URL characters around the cell, across wraps.
    let max_rows = MAX_URL_CHARS.div_ceil(term.cols().max(1));
    let run = run_around(term, abs, col, is_url_char, max_rows);
    if run.cut || !is_url_char(cell_char(term, abs, col)) {
        return None;
    }
    // Its text, the byte offset of the clicked cell's character in it, and where each
    // character's cells are: (byte offset, absolute row, first column, last column).
    let mut text = String::new();
    let mut clicked = 0;
    let mut places: Vec<(usize, usize, usize, usize)> = Vec::new();
    for r in run.start.0..=run.end.0 {
        let row = term.grid().absolute_row(r)?;
        let first = if r == run.start.0 { run.start.1 } else { 0 };
        let last = if r == run.end.0 { run.end.1 } else { usize::MAX };
        for (c, cell) in row.cells().iter().enumerate().take(last.saturating_add(1)).skip(first) {
            // A wide character's right half, and the padding before one that wrapped.
            if cell.is_spacer() || cell.is_leading_spacer() {
                continue;
            }
            if r == abs && c <= col {
                clicked = text.len();
            }
            places.push((text.len(), r, c, c + cell.is_wide() as usize));
            match cell.content() {
                Content::Char(ch) => text.push(ch),
                Content::Cluster(id) => text.push_str(term.cluster(id)),
                Content::Empty => return None,
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let (start, prefix) =
        URL_PREFIXES.iter().filter_map(|p| lower.find(p).map(|i| (i, p.len()))).min()?;
    let url = trim_url_end(&text[start..]);
    let inside = (start..start + url.len()).contains(&clicked);
    if !inside || url.len() <= prefix {
        return None;
    }
    let mut spans: Vec<Span> = Vec::new();
    for &(_, r, first, last) in places.iter().filter(|p| (start..start + url.len()).contains(&p.0))
    {
        match spans.last_mut() {
            Some(span) if span.row == r => span.end = Column(last),
            _ => spans.push(Span { row: r, start: Column(first), end: Column(last) }),
        }
    }
    Some(Link { target: url.to_owned(), spans })
}

/// The cells around (`abs`, `col`) that carry OSC 8 hyperlink `link`, within the row and on
/// across soft wraps, at most [`MAX_URL_CHARS`] cells' rows each way: one span per row.
fn hyperlink_spans(term: &Term, abs: usize, col: usize, link: LinkId) -> Vec<Span> {
    let has = |r: usize, c: usize| {
        term.grid()
            .absolute_row(r)
            .and_then(|row| row.cells().get(c).copied())
            .is_some_and(|cell| term.style(cell.style()).link == link)
    };
    let along = |r: usize, from: usize| {
        let (mut s, mut e) = (from, from);
        while s > 0 && has(r, s - 1) {
            s -= 1;
        }
        while e + 1 < term.cols() && has(r, e + 1) {
            e += 1;
        }
        Span { row: r, start: Column(s), end: Column(e) }
    };
    let max_rows = MAX_URL_CHARS.div_ceil(term.cols().max(1));
    let mut spans = vec![along(abs, col)];
    while let Some(first) = spans.first().copied()
        && first.start.0 == 0
        && first.row > 0
        && abs - first.row < max_rows
        && wrapped(term, first.row - 1)
        && has(first.row - 1, text_end(term, first.row - 1))
    {
        spans.insert(0, along(first.row - 1, text_end(term, first.row - 1)));
    }
    while let Some(last) = spans.last().copied()
        && last.end.0 >= text_end(term, last.row)
        && last.row - abs < max_rows
        && wrapped(term, last.row)
        && has(last.row + 1, 0)
    {
        spans.push(along(last.row + 1, 0));
    }
    spans
}

/// A URL without what follows it in a sentence: trailing `.,;:!?`, and closing brackets
/// `)` `]` that have no opening one in it. One pass over it.
fn trim_url_end(url: &str) -> &str {
    // Closing brackets without an opening one: those may go.
    let unopened = |open: char, close: char| {
        url.matches(close).count().saturating_sub(url.matches(open).count())
    };
    let (mut parens, mut brackets) = (unopened('(', ')'), unopened('[', ']'));
    let mut end = url.len();
    while let Some(last) = url[..end].chars().next_back() {
        match last {
            '.' | ',' | ';' | ':' | '!' | '?' => (),
            ')' if parens > 0 => parens -= 1,
            ']' if brackets > 0 => brackets -= 1,
            _ => break,
        }
        end -= 1;
    }
    &url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TermConfig;
    use crate::parser::Parser;

    fn term(bytes: &str, cols: usize, lines: usize) -> Term {
        let mut t = Term::new(cols, lines, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    /// Output that pushes matches out of the history takes them out of the counter.
    #[test]
    fn the_counter_leaves_out_matches_dropped_from_the_history() {
        let m = |row: u64| Match {
            row: StableRow(row),
            start: Column(0),
            end_row: StableRow(row),
            end: Column(1),
        };
        let mut s = Search { query: "x".into(), matches: vec![m(2), m(5), m(9)], current: 1 };
        assert_eq!(s.counter(0), (2, 3));
        assert_eq!(s.counter(3), (1, 2), "the first match left the history");
        assert_eq!(s.counter(6), (0, 1), "the one on display left too");
        assert_eq!(s.counter(10), (0, 0));
        s.current = 2;
        assert_eq!(s.counter(6), (1, 1));
    }

    #[test]
    fn search_finds_in_history_and_screen() {
        let t = term("Needle one\r\nhay\r\nneedle two\r\n", 20, 2);
        let hits = find_all(&t, "NEEDLE");
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[0].start, hits[0].end), (Column(0), Column(5)));
        assert!(hits[0].row < hits[1].row, "oldest first");
    }

    /// A match runs on across a soft wrap, never across a line end, and covers one span per
    /// row; a wrapped wide character's padding cell is not text.
    #[test]
    fn matches_run_on_across_soft_wraps() {
        // 10 columns: "0123456789" wraps into "abcdef", then a hard line end.
        let t = term("0123456789abcdef\r\n89ab", 10, 4);
        let hits = find_all(&t, "789ab");
        assert_eq!(hits.len(), 1, "not across the line end: {hits:?}");
        let m = hits[0];
        assert_eq!(
            (m.row, m.start, m.end_row, m.end),
            (StableRow(0), Column(7), StableRow(1), Column(1))
        );
        assert_eq!(
            m.spans(10, 0),
            vec![
                Span { row: 0, start: Column(7), end: Column(9) },
                Span { row: 1, start: Column(0), end: Column(1) },
            ]
        );
        assert_eq!(find_all(&t, "f8").len(), 0, "a line end is not crossed");
        // Over three rows: the middle one is covered whole.
        let t = term(&"x".repeat(25), 10, 4);
        let all = find_all(&t, &"x".repeat(25));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].spans(10, 0)[1], Span { row: 1, start: Column(0), end: Column(9) });
        // 9 columns: `中` does not fit after 8 `a`s and wraps, leaving a padding cell.
        let t = term(&format!("{}中z", "a".repeat(8)), 9, 3);
        let hits = find_all(&t, "a中z");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(
            (hits[0].row, hits[0].end_row, hits[0].end),
            (StableRow(0), StableRow(1), Column(2))
        );
        // Rows dropped off the history are left out of the spans.
        assert_eq!(all[0].spans(10, 1).len(), 2);
    }

    #[test]
    fn links_and_urls() {
        let t = term(
            "see https://example.com/a_b). \x1b]8;;http://x.org/\x1b\\link\x1b]8;;\x1b\\",
            60,
            2,
        );
        assert_eq!(link_at(&t, 0, 10).as_deref(), Some("https://example.com/a_b"));
        assert_eq!(link_at(&t, 0, 1), None);
        assert_eq!(link_at(&t, 0, 31).as_deref(), Some("http://x.org/"));
        let odd = term("\x1b]8;;javascript:alert(1)\x1b\\click\x1b]8;;\x1b\\", 20, 1);
        assert_eq!(link_at(&odd, 0, 1), None, "unknown schemes are not opened");
    }

    /// A URL that soft-wraps opens whole from a click on any of its rows (39 columns, as in
    /// a split pane), its query included.
    #[test]
    fn a_url_that_soft_wraps_opens_whole_from_each_of_its_rows() {
        let url = "https://example.com/abcdefghijklmnopqrstuvwxyz/end";
        let t = term(&format!("see {url}\r\nnext"), 39, 4);
        assert!(t.grid().absolute_row(0).unwrap().is_wrapped());
        for (row, col) in [(0, 4), (0, 20), (0, 38), (1, 0), (1, 14)] {
            assert_eq!(link_at(&t, row, col).as_deref(), Some(url), "at {row}, {col}");
        }
        assert_eq!(link_at(&t, 1, 15), None, "past its end");
        assert_eq!(link_at(&t, 0, 2), None, "before it");
        assert_eq!(link_at(&t, 2, 1), None, "the next line");
        // The wrap falls inside the query: `?x` on the first row, `=1` on the second.
        let q = "https://example.com/a_b?x=1";
        let t = term(&format!("{} {q}. more", "-".repeat(13)), 39, 4);
        assert_eq!(link_at(&t, 0, 20).as_deref(), Some(q));
        assert_eq!(link_at(&t, 1, 0).as_deref(), Some(q));
        assert_eq!(link_at(&t, 1, 1).as_deref(), Some(q));
        // A URL that fills a row and then ends there is not joined to the next row.
        let full = format!("https://example.com/{}", "z".repeat(19));
        let t = term(&format!("{full}\r\nmore"), 39, 4);
        assert_eq!(link_at(&t, 0, 10).as_deref(), Some(full.as_str()));
        assert_eq!(link_at(&t, 1, 0), None);
    }

    /// The cells a link covers, for the hover underline: a written URL's without what
    /// surrounds it, across its wrap; an OSC 8 link's whole run, across its wrap too.
    #[test]
    fn a_link_knows_its_cells() {
        let span = |row, start, end| Span { row, start: Column(start), end: Column(end) };
        let url = "https://example.com/abcdefghijklmnopqrstuvwxyz/end";
        let t = term(&format!("see {url}. next\r\nnext"), 39, 4);
        let link = link_under(&t, 1, 3).unwrap();
        assert_eq!(link.target, url);
        assert_eq!(link.spans, vec![span(0, 4, 38), span(1, 0, 14)], "the full stop is left out");
        assert_eq!(link_under(&t, 0, 10), Some(link));
        // Wide characters: each covers both its cells.
        let t = term("x https://例え.jp/ y", 30, 2);
        let link = link_under(&t, 0, 16).unwrap();
        assert_eq!(link.target, "https://例え.jp/");
        assert_eq!(link.spans, vec![span(0, 2, 17)]);
        // OSC 8: the cells that carry the link, across the wrap, and no further.
        let t = term(
            &format!("ab \x1b]8;;http://x.org/\x1b\\{}\x1b]8;;\x1b\\ cd", "L".repeat(12)),
            10,
            3,
        );
        let link = link_under(&t, 1, 0).unwrap();
        assert_eq!(link.target, "http://x.org/");
        assert_eq!(link.spans, vec![span(0, 3, 9), span(1, 0, 4)], "7 + 5 cells");
        assert_eq!(link_under(&t, 0, 2), None);
        assert_eq!(link_under(&t, 1, 5), None);
    }

    /// Wide characters in a URL count once, whichever half is clicked, and the padding a wide
    /// character that did not fit leaves in the last column is not part of it.
    #[test]
    fn a_wrapped_url_with_wide_characters_and_padding() {
        let url = "https://a例え.jp/パス/end";
        let t = term(&format!("{url} x"), 20, 4);
        assert!(t.grid().absolute_row(0).unwrap().cells()[19].is_leading_spacer());
        for (row, col) in [(0, 0), (0, 9), (0, 10), (0, 18), (0, 19), (1, 0), (1, 1), (1, 5)] {
            assert_eq!(link_at(&t, row, col).as_deref(), Some(url), "at {row}, {col}");
        }
        assert_eq!(link_at(&t, 1, 7), None);
    }

    /// Trailing punctuation is the sentence's, not the URL's; balanced parentheses are the
    /// URL's (as in Wikipedia's), and so is a query.
    #[test]
    fn trailing_punctuation_and_parentheses() {
        let cases = [
            (
                "(see https://en.wikipedia.org/wiki/Rust_(language)).",
                "https://en.wikipedia.org/wiki/Rust_(language)",
            ),
            ("at https://example.com/a?b=1&c=2, then", "https://example.com/a?b=1&c=2"),
            ("is it https://example.com/q?", "https://example.com/q"),
            ("[https://example.com/x]", "https://example.com/x"),
            ("HTTPS://EXAMPLE.COM/Up!", "HTTPS://EXAMPLE.COM/Up"),
        ];
        for (text, want) in cases {
            let t = term(text, 80, 2);
            let col = text.find(['h', 'H']).unwrap_or(0) + 9;
            assert_eq!(link_at(&t, 0, col).as_deref(), Some(want), "{text}");
        }
        let t = term("https://", 80, 2);
        assert_eq!(link_at(&t, 0, 2), None, "a scheme alone is no link");
    }

    /// A run of URL characters longer than MAX_URL_CHARS is not followed to its end (nor
    /// opened cut), and odd cells never panic.
    #[test]
    fn a_huge_url_is_bounded_and_odd_cells_are_none() {
        let huge = format!("https://example.com/{}", "a".repeat(3 * MAX_URL_CHARS));
        let t = term(&huge, 80, 4);
        let rows = t.grid().history_len() + 4;
        assert_eq!(link_at(&t, 0, 5), None);
        assert_eq!(link_at(&t, rows / 2, 5), None);
        assert_eq!(link_at(&t, 0, 80), None, "a column past the row");
        assert_eq!(link_at(&t, rows + 5, 0), None, "a row past the screen");
        let t = term("\x1b]8;;https://x.org/\x1b\\ab\x1b]8;;\x1b\\ https://y.org/", 12, 2);
        assert_eq!(link_at(&t, 0, 0).as_deref(), Some("https://x.org/"));
        assert_eq!(link_at(&t, 1, 0).as_deref(), Some("https://y.org/"));
    }
}
