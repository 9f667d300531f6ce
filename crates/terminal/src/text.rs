//! Screen text: the format `uvterm replay` and `uvterm msg get-text` print (README.md).
//!
//! One line per row, the cells' characters with trailing spaces removed; a wide character is
//! written once (its spacer adds nothing); combining marks follow their base character; empty
//! cells are spaces.

use super::Term;
use super::cell::Content;
use super::grid::Row;

impl Term {
    /// Append one row's text (without a newline).
    pub fn row_text(&self, row: &Row, out: &mut String) {
        let start = out.len();
        for cell in row.cells() {
            if cell.is_spacer() {
                continue;
            }
            match cell.content() {
                Content::Empty => out.push(' '),
                Content::Char(c) => out.push(c),
                Content::Cluster(id) => out.push_str(self.tables.cluster(id)),
            }
        }
        let trimmed = out[start..].trim_end_matches(' ').len();
        out.truncate(start + trimmed);
    }

    /// The visible screen (and, with `scrollback`, the history before it, oldest first), each
    /// line ending in `\n`: exactly `lines` lines plus the history.
    pub fn text(&self, scrollback: bool) -> String {
        let grid = self.grid();
        let mut out = String::with_capacity((grid.cols() + 1) * grid.lines());
        if scrollback {
            for i in 0..grid.history_len() {
                if let Some(row) = grid.history_row(i) {
                    self.row_text(&row, &mut out);
                    out.push('\n');
                }
            }
        }
        for line in 0..grid.lines() {
            self.row_text(grid.row(super::index::Line(line)), &mut out);
            out.push('\n');
        }
        out
    }

    /// The visible screen's lines as strings (tests and IPC).
    pub fn screen_lines(&self) -> Vec<String> {
        let grid = self.grid();
        (0..grid.lines())
            .map(|l| {
                let mut s = String::new();
                self.row_text(grid.row(super::index::Line(l)), &mut s);
                s
            })
            .collect()
    }
}
