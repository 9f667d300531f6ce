//! Finding things in a terminal's text: case-insensitive search over the history and screen,
//! prompt marks (OSC 133), and the link under a cell (OSC 8 or a URL in the text). Pure: works
//! on a [`Term`], no window needed (tested below).

use crate::Term;
use crate::cell::Content;
use crate::grid::RowFlags;
use crate::index::{Column, StableRow};
use crate::selection::cell_char;

/// A search in progress: what is typed, where it matches, which match is shown.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// Matches, oldest first.
    pub matches: Vec<Match>,
    /// Index into `matches` of the match on display.
    pub current: usize,
}

/// Where a search matched: a stable row and the columns `[start, end]` (a wide character
/// counts as both its cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub row: StableRow,
    pub start: Column,
    pub end: Column,
}

/// Every case-insensitive occurrence of `query` in the history and screen: (stable row, start
/// column, end column). Each cell counts with its whole grapheme cluster (`❤️` is `❤` + VS16),
/// and with the width printing gave it (crate::width): a match ending on a wide character ends
/// on its spacer column. A match starts at a cell's start; it may end inside a cluster, so `e`
/// finds `é` written as `e` + U+0301.
pub fn find_all(term: &Term, query: &str) -> Vec<Match> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let grid = term.grid();
    let dropped = grid.dropped();
    let mut out = Vec::new();
    let mut text = String::new();
    // (byte offset in `text`, column) of each cell's start.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (abs, row) in grid.all_rows().enumerate() {
        text.clear();
        starts.clear();
        for (col, c) in row.cells().iter().enumerate() {
            if c.is_spacer() || c.is_leading_spacer() {
                continue;
            }
            starts.push((text.len(), col));
            match c.content() {
                Content::Char(ch) => text.extend(ch.to_lowercase()),
                Content::Cluster(id) => text.push_str(&term.cluster(id).to_lowercase()),
                Content::Empty => text.push(' '),
            }
        }
        for (i, &(offset, col)) in starts.iter().enumerate() {
            if !text[offset..].starts_with(&needle) {
                continue;
            }
            let last_byte = offset + needle.len() - 1;
            let last = starts[i..].iter().take_while(|(o, _)| *o <= last_byte).last();
            let end_cell = last.map_or(col, |&(_, c)| c);
            let end = if row.cells()[end_cell].is_wide() { end_cell + 1 } else { end_cell };
            out.push(Match {
                row: StableRow(abs as u64 + dropped),
                start: Column(col),
                end: Column(end),
            });
        }
    }
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

/// The link under a cell: its OSC 8 hyperlink, or a URL written in the text around it.
pub fn link_at(term: &Term, abs: usize, col: usize) -> Option<String> {
    let row = term.grid().absolute_row(abs)?;
    let cell = *row.cells().get(col)?;
    let style = term.style(cell.style());
    if let Some(link) = term.hyperlink(style.link) {
        // The program chose the target: hand only well-known schemes to the desktop.
        return openable(&link.uri).then(|| link.uri.to_string());
    }
    // A URL written in the text.
    let text: Vec<char> = (0..row.cells().len()).map(|c| cell_char(term, abs, c)).collect();
    let is_url_char = |c: char| !c.is_whitespace() && !"<>\"'`|".contains(c);
    let (mut s, mut e) = (col, col);
    if !is_url_char(text[col]) {
        return None;
    }
    while s > 0 && is_url_char(text[s - 1]) {
        s -= 1;
    }
    while e + 1 < text.len() && is_url_char(text[e + 1]) {
        e += 1;
    }
    let word: String = text[s..=e].iter().collect();
    let start = URL_PREFIXES.iter().filter_map(|p| word.find(p)).min()?;
    let url = word[start..].trim_end_matches(['.', ',', ')', ']', ';', ':', '!', '?']);
    (start + s <= col && url.len() > 8).then(|| url.to_owned())
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

    #[test]
    fn search_finds_in_history_and_screen() {
        let t = term("Needle one\r\nhay\r\nneedle two\r\n", 20, 2);
        let hits = find_all(&t, "NEEDLE");
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[0].start, hits[0].end), (Column(0), Column(5)));
        assert!(hits[0].row < hits[1].row, "oldest first");
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
}
