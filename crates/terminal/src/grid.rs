//! The grid: screen rows plus scrollback history in one ring buffer of rows.
//!
//! `rows` holds the history (oldest first) followed by the `lines` rows of the visible screen.
//! Scrolling the whole screen up is O(1): a row is pushed at the back (reusing the oldest
//! history row's allocation once the history is full), so the top screen row becomes the
//! newest history row. History memory grows with the lines actually produced, up to
//! `max_history`; nothing is preallocated.
//!
//! Every change that drops or duplicates a cell goes through [`release_cells`] / [`fill`] /
//! [`retain_cell`] so the side-table reference counts stay exact.

use std::collections::VecDeque;

use super::cell::Cell;
use super::index::Line;
use super::tables::SideTables;

bitflags::bitflags! {
    /// Per-row state.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct RowFlags: u8 {
        /// The row's last cell was followed by an automatic wrap: the logical line goes on in
        /// the next row. Reflow joins such rows.
        const WRAPPED        = 1 << 0;
        /// Some cell may hold a side-table reference (cleared when the row is wiped).
        const HAS_REFS       = 1 << 1;
        /// OSC 133 marks, kept for "jump to prompt".
        const PROMPT_START   = 1 << 2;
        const COMMAND_START  = 1 << 3;
        const OUTPUT_START   = 1 << 4;
        const COMMAND_END    = 1 << 5;
    }
}

impl RowFlags {
    pub const PROMPT_MARKS: RowFlags = RowFlags::PROMPT_START
        .union(RowFlags::COMMAND_START)
        .union(RowFlags::OUTPUT_START)
        .union(RowFlags::COMMAND_END);
}

/// One row of cells.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub(crate) cells: Vec<Cell>,
    pub(crate) flags: RowFlags,
}

impl Row {
    pub fn new(cols: usize) -> Self {
        Self { cells: vec![Cell::BLANK; cols], flags: RowFlags::empty() }
    }

    #[inline]
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    #[inline]
    pub fn flags(&self) -> RowFlags {
        self.flags
    }

    #[inline]
    pub fn is_wrapped(&self) -> bool {
        self.flags.contains(RowFlags::WRAPPED)
    }

    /// Number of cells up to and including the last one that is not default-blank.
    pub fn occupied_len(&self) -> usize {
        self.cells.iter().rposition(|c| !c.is_default()).map_or(0, |p| p + 1)
    }

    /// Release every reference and make the row `cols` default-blank cells.
    pub(crate) fn wipe(&mut self, cols: usize, tables: &mut SideTables) {
        if self.flags.contains(RowFlags::HAS_REFS) {
            release_cells(&self.cells, tables);
        }
        self.cells.clear();
        self.cells.resize(cols, Cell::BLANK);
        self.flags = RowFlags::empty();
    }

    /// Release every reference and fill with `blank` (which may carry an erase style).
    pub(crate) fn reset(&mut self, cols: usize, blank: Cell, tables: &mut SideTables) {
        self.wipe(cols, tables);
        if blank.holds_refs() {
            fill(&mut self.cells, blank, tables);
            self.flags |= RowFlags::HAS_REFS;
        } else if blank != Cell::BLANK {
            self.cells.fill(blank);
        }
    }

    /// Release the references of every cell (the row is about to be dropped).
    pub(crate) fn release(&mut self, tables: &mut SideTables) {
        if self.flags.contains(RowFlags::HAS_REFS) {
            release_cells(&self.cells, tables);
        }
        self.cells.clear();
        self.flags = RowFlags::empty();
    }
}

/// Drop the side-table references held by `cells` (the cells themselves are left as they are).
/// Runs of one style are released with one count adjustment.
pub(crate) fn release_cells(cells: &[Cell], tables: &mut SideTables) {
    let mut run_style = super::cell::StyleId::DEFAULT;
    let mut run_len = 0u32;
    for cell in cells {
        if !cell.holds_refs() {
            continue;
        }
        if let Some(id) = cell.cluster() {
            tables.clusters.release(id.0);
        }
        if cell.style() == run_style {
            run_len += 1;
        } else {
            tables.release_style_n(run_style, run_len);
            run_style = cell.style();
            run_len = 1;
        }
    }
    tables.release_style_n(run_style, run_len);
}

#[inline(always)]
pub(crate) fn release_cell(cell: Cell, tables: &mut SideTables) {
    if cell.holds_refs() {
        tables.release_style(cell.style());
        if let Some(id) = cell.cluster() {
            tables.clusters.release(id.0);
        }
    }
}

#[inline(always)]
pub(crate) fn retain_cell(cell: Cell, tables: &mut SideTables) {
    if cell.holds_refs() {
        tables.retain_style(cell.style());
        if let Some(id) = cell.cluster() {
            tables.clusters.retain(id.0);
        }
    }
}

/// Overwrite `cells` with copies of `value`, keeping reference counts exact.
#[inline]
pub(crate) fn fill(cells: &mut [Cell], value: Cell, tables: &mut SideTables) {
    // Take the new references first: `value` may be the last holder of its own style.
    if value.holds_refs() {
        tables.styles.retain_n(value.style().0, cells.len() as u32);
        if let Some(id) = value.cluster() {
            tables.clusters.retain_n(id.0, cells.len() as u32);
        }
    }
    release_cells(cells, tables);
    cells.fill(value);
}

/// The screen rows and history of one screen buffer (main or alternate).
pub struct Grid {
    rows: VecDeque<Row>,
    cols: usize,
    lines: usize,
    max_history: usize,
    /// Rows dropped off the front of the history so far: `absolute index + dropped` names a
    /// row stably while output scrolls (selections and search hits use it).
    dropped: u64,
}

impl Grid {
    pub fn new(cols: usize, lines: usize, max_history: usize) -> Self {
        let cols = cols.max(1);
        let lines = lines.max(1);
        let rows = (0..lines).map(|_| Row::new(cols)).collect();
        Self { rows, cols, lines, max_history, dropped: 0 }
    }

    #[inline]
    pub fn cols(&self) -> usize {
        self.cols
    }

    #[inline]
    pub fn lines(&self) -> usize {
        self.lines
    }

    #[inline]
    pub fn max_history(&self) -> usize {
        self.max_history
    }

    /// Rows dropped off the front of the history so far (see the field).
    #[inline]
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Lines currently held in the scrollback.
    #[inline]
    pub fn history_len(&self) -> usize {
        self.rows.len() - self.lines
    }

    /// A row of the visible screen.
    #[inline]
    pub fn row(&self, line: Line) -> &Row {
        &self.rows[self.rows.len() - self.lines + line.0]
    }

    #[inline]
    pub(crate) fn row_mut(&mut self, line: Line) -> &mut Row {
        let base = self.rows.len() - self.lines;
        &mut self.rows[base + line.0]
    }

    /// A history row, 0 being the oldest.
    pub fn history_row(&self, index: usize) -> Option<&Row> {
        if index < self.history_len() { self.rows.get(index) } else { None }
    }

    /// All rows, history first (oldest first), then the screen.
    pub fn all_rows(&self) -> impl ExactSizeIterator<Item = &Row> + DoubleEndedIterator {
        self.rows.iter()
    }

    /// A row counted from the top of the history (0 = oldest history row; the screen follows).
    pub fn absolute_row(&self, index: usize) -> Option<&Row> {
        self.rows.get(index)
    }

    #[inline]
    fn swap_rows(&mut self, a: Line, b: Line) {
        let base = self.rows.len() - self.lines;
        self.rows.swap(base + a.0, base + b.0);
    }

    /// Scroll the whole screen up by `n`: the top rows go into the history (when the grid keeps
    /// one), new rows filled with `blank` appear at the bottom.
    pub(crate) fn scroll_up_into_history(
        &mut self,
        n: usize,
        blank: Cell,
        tables: &mut SideTables,
    ) {
        let n = n.min(self.lines);
        if self.max_history == 0 {
            self.scroll_rows_up(Line(0), Line(self.lines - 1), n, blank, tables);
            return;
        }
        for _ in 0..n {
            let mut row = if self.history_len() >= self.max_history {
                // History is full: recycle the oldest row's allocation.
                self.dropped += 1;
                self.rows.pop_front().unwrap_or_default()
            } else {
                Row::default()
            };
            row.reset(self.cols, blank, tables);
            self.rows.push_back(row);
        }
    }

    /// Move rows `top..=bottom` up by `n`, filling the freed bottom rows with `blank`. Full-width
    /// rows only; the caller handles left/right margins.
    pub(crate) fn scroll_rows_up(
        &mut self,
        top: Line,
        bottom: Line,
        n: usize,
        blank: Cell,
        tables: &mut SideTables,
    ) {
        let height = bottom.0 + 1 - top.0;
        let n = n.min(height);
        for i in top.0..top.0 + height - n {
            self.swap_rows(Line(i), Line(i + n));
        }
        let cols = self.cols;
        for i in bottom.0 + 1 - n..=bottom.0 {
            self.row_mut(Line(i)).reset(cols, blank, tables);
        }
    }

    /// Move rows `top..=bottom` down by `n`, filling the freed top rows with `blank`.
    pub(crate) fn scroll_rows_down(
        &mut self,
        top: Line,
        bottom: Line,
        n: usize,
        blank: Cell,
        tables: &mut SideTables,
    ) {
        let height = bottom.0 + 1 - top.0;
        let n = n.min(height);
        for i in (top.0 + n..=bottom.0).rev() {
            self.swap_rows(Line(i), Line(i - n));
        }
        let cols = self.cols;
        for i in top.0..top.0 + n {
            self.row_mut(Line(i)).reset(cols, blank, tables);
        }
    }

    /// Drop the whole history.
    pub(crate) fn clear_history(&mut self, tables: &mut SideTables) {
        let history = self.history_len();
        self.dropped += history as u64;
        for mut row in self.rows.drain(..history) {
            row.release(tables);
        }
        self.rows.shrink_to_fit();
    }

    fn trim_history(&mut self, tables: &mut SideTables) {
        while self.history_len() > self.max_history {
            if let Some(mut row) = self.rows.pop_front() {
                row.release(tables);
                self.dropped += 1;
            }
        }
    }

    /// Release every reference held by the grid (before the grid is dropped or replaced).
    pub(crate) fn release_all(&mut self, tables: &mut SideTables) {
        for row in self.rows.iter_mut() {
            row.release(tables);
        }
        self.rows.clear();
    }

    /// Resize without reflow (the alternate screen, or a main screen whose width is unchanged):
    /// rows are cut or padded at the right; lines are added or removed at the bottom, or — when
    /// `keep_line` would fall off the screen — taken from the top into the history.
    /// Returns how many rows the content moved up (the caller moves the cursor by that much).
    pub(crate) fn resize_truncate(
        &mut self,
        cols: usize,
        lines: usize,
        keep_line: Line,
        tables: &mut SideTables,
    ) -> isize {
        let cols = cols.max(1);
        let lines = lines.max(1);
        if cols != self.cols {
            for row in self.rows.iter_mut() {
                if row.cells.len() > cols {
                    let cut = cols;
                    // A wide character split by the new edge loses its right half: blank it.
                    if row.cells[cut - 1].is_wide() {
                        let old = row.cells[cut - 1];
                        tables.retain_style(old.style());
                        release_cell(old, tables);
                        row.cells[cut - 1] = Cell::blank(old.style());
                    }
                    release_cells(&row.cells[cut..], tables);
                    row.cells.truncate(cut);
                    row.flags.remove(RowFlags::WRAPPED);
                } else {
                    row.cells.resize(cols, Cell::BLANK);
                }
            }
            self.cols = cols;
        }
        let mut shift: isize = 0;
        if lines < self.lines {
            // Remove blank rows below the cursor first, then move the rest into history.
            let mut to_remove = self.lines - lines;
            while to_remove > 0 && self.lines - 1 > keep_line.0 {
                let last = self.rows.len() - 1;
                if self.rows[last].occupied_len() != 0 {
                    break;
                }
                if let Some(mut row) = self.rows.pop_back() {
                    row.release(tables);
                }
                self.lines -= 1;
                to_remove -= 1;
            }
            // Whatever is left goes from the top of the screen into the history.
            self.lines -= to_remove;
            shift = -(to_remove as isize);
            if self.max_history == 0 {
                for _ in 0..to_remove {
                    if let Some(mut row) = self.rows.pop_front() {
                        row.release(tables);
                    }
                }
            }
            self.trim_history(tables);
        } else if lines > self.lines {
            // Pull rows back from the history first (as xterm and Alacritty do), then add blanks.
            let mut to_add = lines - self.lines;
            let pulled = to_add.min(self.history_len());
            self.lines += pulled;
            to_add -= pulled;
            shift = pulled as isize;
            for _ in 0..to_add {
                self.rows.push_back(Row::new(cols));
                self.lines += 1;
            }
        }
        shift
    }

    /// Replace all rows (used by reflow). `rows` holds history then screen.
    pub(crate) fn replace_rows(&mut self, rows: VecDeque<Row>, cols: usize, lines: usize) {
        debug_assert!(rows.len() >= lines);
        // Reflow renumbers everything: move the numbering past every old row.
        self.dropped += self.rows.len().max(rows.len()) as u64;
        self.rows = rows;
        self.cols = cols;
        self.lines = lines;
    }

    pub(crate) fn take_rows(&mut self) -> VecDeque<Row> {
        std::mem::take(&mut self.rows)
    }

    /// Heap bytes held by the rows (cells + row headers): [`Grid::screen_heap_bytes`] plus
    /// [`Grid::history_heap_bytes`].
    pub fn heap_bytes(&self) -> usize {
        self.screen_heap_bytes() + self.history_heap_bytes()
    }

    /// Heap bytes of the visible screen's rows: their cells (capacity × 8 bytes) and their
    /// row headers in the ring.
    pub fn screen_heap_bytes(&self) -> usize {
        let base = self.rows.len() - self.lines;
        self.lines * std::mem::size_of::<Row>()
            + self.rows.range(base..).map(row_heap_bytes).sum::<usize>()
    }

    /// Heap bytes of the scrollback: its rows' cells, and every row header slot of the ring
    /// that the screen does not use (spare capacity included, since it is allocated).
    pub fn history_heap_bytes(&self) -> usize {
        let history = self.history_len();
        (self.rows.capacity() - self.lines) * std::mem::size_of::<Row>()
            + self.rows.range(..history).map(row_heap_bytes).sum::<usize>()
    }

    /// Drop the oldest history rows until the history's heap bytes
    /// ([`Grid::history_heap_bytes`]) are at most `max_bytes`. Returns the rows dropped.
    pub(crate) fn trim_history_to_bytes(
        &mut self,
        max_bytes: usize,
        tables: &mut SideTables,
    ) -> usize {
        let mut bytes = self.history_heap_bytes();
        if bytes <= max_bytes {
            return 0;
        }
        let mut dropped = 0;
        while bytes > max_bytes && self.history_len() > 0 {
            let Some(mut row) = self.rows.pop_front() else { break };
            bytes -= row_heap_bytes(&row);
            row.release(tables);
            dropped += 1;
            // The ring's spare header slots count too: give them back once the ring is
            // mostly empty so the figure can reach the budget.
            if bytes.saturating_sub(self.spare_header_bytes()) <= max_bytes {
                self.rows.shrink_to_fit();
                bytes = self.history_heap_bytes();
            }
        }
        self.dropped += dropped as u64;
        if dropped > 0 {
            self.rows.shrink_to_fit();
        }
        dropped
    }

    fn spare_header_bytes(&self) -> usize {
        (self.rows.capacity() - self.rows.len()) * std::mem::size_of::<Row>()
    }
}

/// Heap bytes of one row's cells (the row header is counted with the ring that holds it).
#[inline]
fn row_heap_bytes(row: &Row) -> usize {
    row.cells.capacity() * std::mem::size_of::<Cell>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::StyleId;

    /// A grid whose rows each start with a letter, `a` at the top.
    fn lettered(cols: usize, lines: usize, history: usize) -> (Grid, SideTables) {
        let mut grid = Grid::new(cols, lines, history);
        let mut tables = SideTables::new();
        for line in 0..lines {
            let c = Cell::with_char((b'a' + line as u8) as char, StyleId::DEFAULT, false);
            fill(&mut grid.row_mut(Line(line)).cells[..1], c, &mut tables);
        }
        (grid, tables)
    }

    fn first_chars(grid: &Grid) -> String {
        grid.all_rows()
            .map(|r| match r.cells()[0].content() {
                crate::cell::Content::Char(c) => c,
                _ => '.',
            })
            .collect()
    }

    #[test]
    fn the_ring_keeps_at_most_max_history_rows_and_counts_the_dropped() {
        let (mut grid, mut tables) = lettered(4, 3, 2);
        grid.scroll_up_into_history(1, Cell::BLANK, &mut tables);
        assert_eq!((grid.history_len(), grid.dropped()), (1, 0));
        assert_eq!(first_chars(&grid), "abc.");
        // Three more: b, c and a blank row go into the history, which keeps the newest two.
        grid.scroll_up_into_history(3, Cell::BLANK, &mut tables);
        assert_eq!((grid.history_len(), grid.dropped()), (2, 2), "a and b are gone");
        assert_eq!(first_chars(&grid), "c....");
        // Stable numbering: absolute index + dropped names the same row before and after.
        let oldest = grid.absolute_row(0).map(|r| r.cells()[0].content());
        assert_eq!(oldest, Some(crate::cell::Content::Char('c')));
        grid.clear_history(&mut tables);
        assert_eq!((grid.history_len(), grid.lines()), (0, 3));
    }

    #[test]
    fn without_history_the_screen_scrolls_in_place() {
        let (mut grid, mut tables) = lettered(4, 3, 0);
        grid.scroll_up_into_history(1, Cell::BLANK, &mut tables);
        assert_eq!((grid.history_len(), first_chars(&grid).as_str()), (0, "bc."));
        grid.scroll_rows_down(Line(0), Line(2), 1, Cell::BLANK, &mut tables);
        assert_eq!(first_chars(&grid), ".bc");
        grid.scroll_rows_up(Line(1), Line(2), 5, Cell::BLANK, &mut tables);
        assert_eq!(first_chars(&grid), "...", "n beyond the region clears it");
    }
}
