//! The grid: screen rows plus scrollback history in one ring buffer of rows.
//!
//! `rows` holds the history (oldest first) followed by the `lines` rows of the visible screen.
//! Scrolling the whole screen up is O(1): a row is pushed at the back (reusing the oldest
//! history row's allocation once the history is full), so the top screen row becomes the
//! newest history row. History memory grows with the lines actually produced, up to
//! `max_history`; nothing is preallocated.
//!
//! History that has scrolled far off screen is kept compressed (`compress`): see
//! [`Grid`] and [`crate::history_block`]. Readers get rows as [`RowRef`]s, which decode on
//! demand; writers only ever touch the screen and the newest history rows, which stay plain.
//!
//! Every change that drops or duplicates a cell goes through [`release_cells`] / [`fill`] /
//! [`retain_cell`] so the side-table reference counts stay exact.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use super::cell::Cell;
use super::history_block::{BLOCK_ROWS, Block, DecodeCache, Encoder, RowRef};
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
    /// [`Row::occupied_len`] + 1 as measured when the row entered the history (0: not
    /// measured). Rows in the history are not written, so the figure holds until the row is
    /// compressed, and [`Row::stored_occupied_len`] saves a second scan of cells that are cold
    /// in the cache by then (that scan was a quarter of a flooding tab's parse time). Every
    /// way of writing a row that may already be measured clears it: [`Row::wipe`],
    /// `Grid::row_mut`, a width change and reflow.
    pub(crate) occupied_hint: u16,
}

impl Row {
    pub fn new(cols: usize) -> Self {
        Self { cells: vec![Cell::BLANK; cols], flags: RowFlags::empty(), occupied_hint: 0 }
    }

    /// Measure [`Row::occupied_len`] now (while the cells are in the cache) and keep it for
    /// [`Row::stored_occupied_len`].
    pub(crate) fn remember_occupied_len(&mut self) {
        let n = self.occupied_len();
        self.occupied_hint = u16::try_from(n + 1).unwrap_or(0);
    }

    /// [`Row::occupied_len`], from the figure kept by [`Row::remember_occupied_len`] when
    /// there is one.
    #[inline]
    pub(crate) fn stored_occupied_len(&self) -> usize {
        if self.occupied_hint == 0 {
            return self.occupied_len();
        }
        let n = usize::from(self.occupied_hint) - 1;
        debug_assert_eq!(n, self.occupied_len(), "stale occupied length of a history row");
        n
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
    ///
    /// Trailing blanks are skipped eight cells at a time with a branch-free OR of their bits
    /// (the compiler turns it into a few vector instructions): every row that leaves the hot
    /// history is measured this way before it is compressed, and a cell-by-cell search from
    /// the right was most of the cost of compressing a short line on a wide row.
    pub fn occupied_len(&self) -> usize {
        const CHUNK: usize = 8;
        let cells = &self.cells;
        let mut end = cells.len();
        while end >= CHUNK {
            let bits = cells[end - CHUNK..end].iter().fold(0u32, |acc, c| {
                let (content, style) = c.to_bits();
                acc | content | style
            });
            if bits != 0 {
                break;
            }
            end -= CHUNK;
        }
        cells[..end].iter().rposition(|c| !c.is_default()).map_or(0, |p| p + 1)
    }

    /// Release every reference and make the row `cols` default-blank cells.
    pub(crate) fn wipe(&mut self, cols: usize, tables: &mut SideTables) {
        if self.flags.contains(RowFlags::HAS_REFS) {
            release_cells(&self.cells, tables);
        }
        self.cells.clear();
        self.cells.resize(cols, Cell::BLANK);
        self.flags = RowFlags::empty();
        self.occupied_hint = 0;
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
        self.occupied_hint = 0;
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
///
/// History is kept in two parts, oldest first: `cold`, blocks of [`BLOCK_ROWS`] rows
/// compressed ([`crate::history_block`]), then the plain rows at the front of `rows` (the
/// newest history, followed by the screen). With compression on, plain history rows beyond
/// the newest `hot_rows` are compressed a block at a time.
pub struct Grid {
    rows: VecDeque<Row>,
    cols: usize,
    lines: usize,
    max_history: usize,
    /// Rows dropped off the front of the history so far: `absolute index + dropped` names a
    /// row stably while output scrolls (selections and search hits use it).
    dropped: u64,
    /// Compressed history, oldest first; each block holds `block_rows` rows.
    cold: VecDeque<Block>,
    /// Rows at the start of `cold.front()` already dropped from the history. They stay in the
    /// block (with their references) until the whole block goes: at most `block_rows - 1`.
    cold_skip: usize,
    /// Heap bytes of the blocks in `cold` (kept up to date so usage is O(1) to read).
    cold_bytes: usize,
    /// Compress history beyond `hot_rows` plain rows.
    compress: bool,
    /// Plain history rows kept before compressing (see [`HOT_ROWS`]).
    hot_rows: usize,
    /// Rows per block ([`BLOCK_ROWS`], smaller in tests).
    block_rows: usize,
    /// Cells of history beyond `hot_rows` left plain while output flows, until
    /// [`Grid::compress_deferred`] (0: compressed as it scrolls in). See
    /// [`crate::TermConfig::defer_compression_cells`].
    defer_cells: usize,
    next_block_id: u64,
    /// Makes the blocks (its buffer is reused).
    encoder: Encoder,
    /// Cell buffers of rows just compressed (empty, no references), handed to the rows that
    /// scroll into the history next, so that steady scrolling neither frees nor allocates a
    /// row's cells: at most `block_rows` of them.
    spare: Vec<Vec<Cell>>,
    /// Decoded blocks recently read. Readers hold `&Grid`, so this is the one piece of
    /// state they change; the lock is never contended (the `Term` is behind the embedder's).
    cache: Mutex<DecodeCache>,
}

/// Plain history rows kept before compressing: the newest 256 lines of history (a few
/// screens) stay as cells, so scrolling a few pages back, selecting recent output and the
/// rows a shrinking/growing screen pulls back never touch the codec, and output bursts are
/// compressed [`BLOCK_ROWS`] lines at a time. 256 lines of 80 columns are 160 KiB plain, a
/// fixed cost beside a 10,000-line history's few hundred KiB compressed.
pub const HOT_ROWS: usize = 256;

impl Grid {
    /// A blank grid of `cols` × `lines` keeping up to `max_history` lines of history, plain.
    pub fn new(cols: usize, lines: usize, max_history: usize) -> Self {
        let cols = cols.max(1);
        let lines = lines.max(1);
        let rows = (0..lines).map(|_| Row::new(cols)).collect();
        Self {
            rows,
            cols,
            lines,
            max_history,
            dropped: 0,
            cold: VecDeque::new(),
            cold_skip: 0,
            cold_bytes: 0,
            compress: false,
            hot_rows: HOT_ROWS,
            block_rows: BLOCK_ROWS,
            defer_cells: 0,
            next_block_id: 0,
            encoder: Encoder::default(),
            spare: Vec::new(),
            cache: Mutex::new(DecodeCache::default()),
        }
    }

    /// Turn history compression on or off; off decodes every compressed block back into
    /// plain rows.
    pub(crate) fn set_compression(&mut self, on: bool, tables: &mut SideTables) {
        self.compress = on;
        if on {
            self.compress_cold();
        } else {
            self.inflate_all(tables);
            self.spare = Vec::new();
        }
    }

    /// Change how many plain rows are kept and how many rows a block holds (tests and the
    /// fuzzer use small values so that short inputs reach the codec). Both at least 1.
    pub(crate) fn set_compression_geometry(
        &mut self,
        hot_rows: usize,
        block_rows: usize,
        tables: &mut SideTables,
    ) {
        self.inflate_all(tables);
        self.hot_rows = hot_rows;
        self.block_rows = block_rows.max(1);
        self.compress_cold();
    }

    /// Leave up to `cells` cells of history beyond the hot rows plain until
    /// [`Grid::compress_deferred`]; 0 compresses as rows scroll in. Lowering it compresses
    /// what is now over the limit at once.
    pub(crate) fn set_compression_deferral(&mut self, cells: usize) {
        self.defer_cells = cells;
        self.compress_cold();
    }

    /// Plain history rows kept before the scroll path compresses: the hot rows, plus the
    /// deferral's rows (at least one block's worth when deferring at all).
    fn compress_threshold(&self) -> usize {
        let deferred = if self.defer_cells == 0 {
            0
        } else {
            (self.defer_cells / self.cols).max(self.block_rows)
        };
        self.hot_rows + deferred
    }

    /// History rows left plain by the deferral that [`Grid::compress_deferred`] would
    /// compress now: 0 when compression is off or nothing waits.
    pub fn deferred_rows(&self) -> usize {
        if !self.compress {
            return 0;
        }
        let waiting = self.hot_len().saturating_sub(self.hot_rows);
        waiting - waiting % self.block_rows
    }

    /// Compress up to `max_blocks` blocks of the history the deferral left plain, oldest
    /// first, down to the hot rows. Returns whether more waits. The embedder calls it once
    /// output has paused, in small steps so that a reader of the terminal never waits long.
    pub(crate) fn compress_deferred(&mut self, max_blocks: usize) -> bool {
        let mut left = max_blocks;
        while left > 0 && self.deferred_rows() > 0 {
            self.compress_front_block();
            left -= 1;
        }
        self.after_compressing();
        self.deferred_rows() > 0
    }

    /// (plain history rows kept, rows per block): see [`Grid::set_compression_geometry`].
    pub(crate) fn compression_geometry(&self) -> (usize, usize) {
        (self.hot_rows, self.block_rows)
    }

    /// Whether history far off screen is kept compressed.
    pub fn compresses(&self) -> bool {
        self.compress
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

    /// Lines of history held in compressed blocks (the oldest ones).
    #[inline]
    pub fn compressed_len(&self) -> usize {
        self.cold.len() * self.block_rows - self.cold_skip
    }

    /// Plain rows of history (the newest ones).
    #[inline]
    fn hot_len(&self) -> usize {
        self.rows.len() - self.lines
    }

    /// Lines currently held in the scrollback.
    #[inline]
    pub fn history_len(&self) -> usize {
        self.compressed_len() + self.hot_len()
    }

    /// A row of the visible screen.
    #[inline]
    pub fn row(&self, line: Line) -> &Row {
        &self.rows[self.rows.len() - self.lines + line.0]
    }

    #[inline]
    pub(crate) fn row_mut(&mut self, line: Line) -> &mut Row {
        let base = self.rows.len() - self.lines;
        let row = &mut self.rows[base + line.0];
        row.occupied_hint = 0;
        row
    }

    /// A history row, 0 being the oldest (decoded when it is compressed).
    pub fn history_row(&self, index: usize) -> Option<RowRef<'_>> {
        if index < self.history_len() { self.absolute_row(index) } else { None }
    }

    /// All rows, history first (oldest first), then the screen; compressed rows are decoded
    /// a block at a time as the iteration reaches them.
    pub fn all_rows(&self) -> AllRows<'_> {
        AllRows { grid: self, front: 0, back: self.history_len() + self.lines }
    }

    /// A row counted from the top of the history (0 = oldest history row; the screen
    /// follows), decoded when it is compressed.
    pub fn absolute_row(&self, index: usize) -> Option<RowRef<'_>> {
        let cold = self.compressed_len();
        if index >= cold {
            return self.rows.get(index - cold).map(RowRef::plain);
        }
        let stored = index + self.cold_skip;
        let block = self.cold.get(stored / self.block_rows)?;
        let rows = self.cache.lock().unwrap_or_else(PoisonError::into_inner).get(block);
        Some(RowRef::decoded(rows, stored % self.block_rows))
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
            let mut row = if self.history_len() < self.max_history {
                self.spare_row()
            } else if self.cold.is_empty() {
                // History is full: recycle the oldest row's allocation.
                self.dropped += 1;
                self.rows.pop_front().unwrap_or_default()
            } else {
                self.drop_oldest(1, tables);
                self.spare_row()
            };
            row.reset(self.cols, blank, tables);
            self.rows.push_back(row);
            if self.compress {
                // The row that just left the screen: measured while it is still in the cache.
                let newest = self.rows.len() - self.lines - 1;
                if let Some(row) = self.rows.get_mut(newest) {
                    row.remember_occupied_len();
                }
            }
        }
        if self.compress && self.hot_len() >= self.compress_threshold() + self.block_rows {
            self.compress_cold();
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
        self.drop_cold(tables);
        let hot = self.hot_len();
        for mut row in self.rows.drain(..hot) {
            row.release(tables);
        }
        self.rows.shrink_to_fit();
    }

    /// Keep at most `max` lines of history from now on (a reloaded `scrollback.lines`): the
    /// oldest lines beyond it go at once.
    pub(crate) fn set_max_history(&mut self, max: usize, tables: &mut SideTables) {
        self.max_history = max;
        let excess = self.history_len().saturating_sub(max);
        if excess > 0 {
            self.clear_decode_cache();
            self.drop_oldest(excess, tables);
            self.rows.shrink_to_fit();
        }
    }

    /// Drop the `n` oldest history rows (fewer if the history is shorter). Rows of the front
    /// block are hidden (`cold_skip`) until the whole block can go.
    fn drop_oldest(&mut self, n: usize, tables: &mut SideTables) {
        let n = n.min(self.history_len());
        self.dropped += n as u64;
        let mut left = n;
        while left > 0 && !self.cold.is_empty() {
            let in_front = self.block_rows - self.cold_skip;
            if left < in_front {
                self.cold_skip += left;
                return;
            }
            left -= in_front;
            self.pop_cold_front(tables);
        }
        for mut row in self.rows.drain(..left) {
            row.release(tables);
        }
    }

    /// Drop the front block, releasing its references.
    fn pop_cold_front(&mut self, tables: &mut SideTables) {
        if let Some(block) = self.cold.pop_front() {
            block.release(tables);
            self.cold_bytes -= block.heap_bytes();
            self.cache.get_mut().unwrap_or_else(PoisonError::into_inner).forget(block.id);
        }
        self.cold_skip = 0;
    }

    /// Drop every compressed block.
    fn drop_cold(&mut self, tables: &mut SideTables) {
        for block in self.cold.drain(..) {
            block.release(tables);
        }
        self.cold = VecDeque::new();
        self.cold_skip = 0;
        self.cold_bytes = 0;
        self.encoder.trim(true);
        self.spare = Vec::new();
        self.cache.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// An empty row for the history, with the cells buffer of a row compressed earlier when
    /// there is one (the caller resets it to the width).
    #[inline]
    fn spare_row(&mut self) -> Row {
        Row {
            cells: self.spare.pop().unwrap_or_default(),
            flags: RowFlags::empty(),
            occupied_hint: 0,
        }
    }

    /// Compress plain history rows beyond the newest `hot_rows` (and beyond the deferral's
    /// allowance, see [`Grid::set_compression_deferral`]), a block at a time. The compressed
    /// rows' cell buffers are kept (up to a block's worth) for the rows that scroll in next.
    fn compress_cold(&mut self) {
        if !self.compress {
            return;
        }
        let threshold = self.compress_threshold();
        while self.hot_len() >= threshold + self.block_rows {
            self.compress_front_block();
        }
        self.after_compressing();
    }

    /// Compress the oldest `block_rows` plain history rows into a block. The caller checks
    /// that there are that many.
    fn compress_front_block(&mut self) {
        let block = self.encoder.encode(self.next_block_id, self.rows.range(..self.block_rows));
        self.next_block_id += 1;
        self.cold_bytes += block.heap_bytes();
        self.cold.push_back(block);
        // The block holds the rows' references now: the cells go without releasing.
        for row in self.rows.drain(..self.block_rows) {
            if self.spare.len() < self.block_rows {
                let mut cells = row.cells;
                cells.clear();
                self.spare.push(cells);
            }
        }
    }

    /// Give back what compressing left over: a large encoder buffer, unused row slots.
    fn after_compressing(&mut self) {
        self.encoder.trim(false);
        // A reflow decodes the whole history into plain rows and compresses it again: give
        // back the row slots it needed (a `VecDeque` never shrinks by itself), or every
        // resize would leave one row header per history line allocated for good.
        let wanted = self.rows.len() + self.block_rows;
        if self.rows.capacity() > 2 * wanted.max(1024) {
            self.rows.shrink_to(wanted);
        }
    }

    /// Decode the newest block back into plain rows (in front of the plain history). Returns
    /// false when there is none.
    fn inflate_back(&mut self, tables: &mut SideTables) -> bool {
        let Some(block) = self.cold.pop_back() else { return false };
        self.cold_bytes -= block.heap_bytes();
        self.cache.get_mut().unwrap_or_else(PoisonError::into_inner).forget(block.id);
        let skip = if self.cold.is_empty() { std::mem::take(&mut self.cold_skip) } else { 0 };
        let rows = match block.decode() {
            Some(rows) => rows,
            None => {
                debug_assert!(false, "corrupt history block {}", block.id);
                block.release(tables);
                (0..block.rows).map(|_| Row::new(self.cols)).collect()
            }
        };
        // The rows take over the block's references; hidden ones are released.
        for (i, mut row) in rows.into_iter().enumerate().rev() {
            if i < skip {
                row.release(tables);
            } else {
                self.rows.push_front(row);
            }
        }
        true
    }

    /// Decode every block back into plain rows.
    fn inflate_all(&mut self, tables: &mut SideTables) {
        while self.inflate_back(tables) {}
        self.cold = VecDeque::new();
    }

    /// Make sure at least `n` history rows (or all of them) are plain.
    fn ensure_hot(&mut self, n: usize, tables: &mut SideTables) {
        while self.hot_len() < n && self.inflate_back(tables) {}
    }

    /// Release every reference held by the grid (before the grid is dropped or replaced).
    pub(crate) fn release_all(&mut self, tables: &mut SideTables) {
        self.drop_cold(tables);
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
            self.inflate_all(tables);
            for row in self.rows.iter_mut() {
                row.occupied_hint = 0;
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
            self.ensure_hot(pulled, tables);
            self.lines += pulled;
            to_add -= pulled;
            shift = pulled as isize;
            for _ in 0..to_add {
                self.rows.push_back(Row::new(cols));
                self.lines += 1;
            }
        }
        self.compress_cold();
        shift
    }

    fn trim_history(&mut self, tables: &mut SideTables) {
        let over = self.history_len().saturating_sub(self.max_history);
        self.drop_oldest(over, tables);
    }

    /// Replace all rows (used by reflow). `rows` holds history then screen, all plain.
    pub(crate) fn replace_rows(&mut self, rows: VecDeque<Row>, cols: usize, lines: usize) {
        debug_assert!(rows.len() >= lines);
        debug_assert!(self.cold.is_empty(), "take_rows first");
        // Reflow renumbers everything: move the numbering past every old row.
        self.dropped += self.rows.len().max(rows.len()) as u64;
        self.rows = rows;
        // Reflow rewrote the rows' cells.
        self.rows.iter_mut().for_each(|r| r.occupied_hint = 0);
        self.cols = cols;
        self.lines = lines;
        self.compress_cold();
    }

    /// Every row (history then screen) as plain rows, leaving the grid empty until
    /// [`Grid::replace_rows`]: compressed history is decoded first.
    pub(crate) fn take_rows(&mut self, tables: &mut SideTables) -> VecDeque<Row> {
        self.inflate_all(tables);
        std::mem::take(&mut self.rows)
    }

    /// Heap bytes held by the rows (cells + row headers), compressed blocks and decoded
    /// copies: the sum of the four `*_heap_bytes` figures.
    pub fn heap_bytes(&self) -> usize {
        self.screen_heap_bytes()
            + self.history_heap_bytes()
            + self.compressed_heap_bytes()
            + self.decode_cache_heap_bytes()
    }

    /// Heap bytes of the visible screen's rows: their cells (capacity × 8 bytes) and their
    /// row headers in the ring.
    pub fn screen_heap_bytes(&self) -> usize {
        let base = self.rows.len() - self.lines;
        self.lines * std::mem::size_of::<Row>()
            + self.rows.range(base..).map(row_heap_bytes).sum::<usize>()
    }

    /// Heap bytes of the plain scrollback rows: their cells, and every row header slot of the
    /// ring that the screen does not use (spare capacity included, since it is allocated).
    pub fn history_heap_bytes(&self) -> usize {
        let hot = self.hot_len();
        (self.rows.capacity() - self.lines) * std::mem::size_of::<Row>()
            + self.rows.range(..hot).map(row_heap_bytes).sum::<usize>()
    }

    /// Heap bytes of the compressed history: block payloads, their reference lists, the
    /// block headers, the encoder's buffer and the cell buffers of compressed rows
    /// kept for reuse.
    pub fn compressed_heap_bytes(&self) -> usize {
        self.cold_bytes
            + self.cold.capacity() * std::mem::size_of::<Block>()
            + self.encoder.heap_bytes()
            + self.spare.capacity() * std::mem::size_of::<Vec<Cell>>()
            + self.spare.iter().map(|c| c.capacity() * std::mem::size_of::<Cell>()).sum::<usize>()
    }

    /// Heap bytes of the decoded copies of compressed blocks kept for readers.
    pub fn decode_cache_heap_bytes(&self) -> usize {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner).heap_bytes()
    }

    /// Forget the decoded copies of compressed blocks (their memory goes back; the next read
    /// of old history decodes again).
    pub(crate) fn clear_decode_cache(&mut self) {
        self.cache.get_mut().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Drop the oldest history rows until the history's heap bytes (plain, compressed and
    /// decoded) are at most `max_bytes`. Whole compressed blocks go first (they are the
    /// oldest). Returns the rows dropped.
    pub(crate) fn trim_history_to_bytes(
        &mut self,
        max_bytes: usize,
        tables: &mut SideTables,
    ) -> usize {
        let history_bytes = |g: &Grid| {
            g.history_heap_bytes() + g.compressed_heap_bytes() + g.decode_cache_heap_bytes()
        };
        if history_bytes(self) <= max_bytes {
            return 0;
        }
        self.clear_decode_cache();
        self.spare = Vec::new();
        let before = self.history_len();
        while !self.cold.is_empty() && history_bytes(self) > max_bytes {
            let visible = self.block_rows - self.cold_skip;
            self.dropped += visible as u64;
            self.pop_cold_front(tables);
        }
        if self.cold.is_empty() {
            self.cold = VecDeque::new();
            self.encoder.trim(true);
        }
        let mut bytes = history_bytes(self);
        let mut dropped = 0;
        while bytes > max_bytes && self.hot_len() > 0 {
            let Some(mut row) = self.rows.pop_front() else { break };
            bytes -= row_heap_bytes(&row);
            row.release(tables);
            dropped += 1;
            // The ring's spare header slots count too: give them back once what is left
            // fits, so the figure can reach the budget.
            let spare = (self.rows.capacity() - self.rows.len()) * std::mem::size_of::<Row>();
            if bytes.saturating_sub(spare) <= max_bytes {
                self.rows.shrink_to_fit();
                bytes = history_bytes(self);
            }
        }
        self.dropped += dropped as u64;
        if dropped > 0 {
            self.rows.shrink_to_fit();
        }
        before - self.history_len()
    }

    /// Count every side-table reference the grid holds into `styles` and `clusters` (id →
    /// references), checking each compressed block's list against its decoded cells. Tests.
    pub(crate) fn count_references(
        &self,
        styles: &mut HashMap<u32, u32>,
        clusters: &mut HashMap<u32, u32>,
    ) -> Result<(), String> {
        let count_row = |row: &Row,
                         styles: &mut HashMap<u32, u32>,
                         clusters: &mut HashMap<u32, u32>|
         -> Result<(), String> {
            for cell in row.cells() {
                if cell.style().0 != 0 {
                    *styles.entry(cell.style().0).or_default() += 1;
                    if !row.flags().contains(RowFlags::HAS_REFS) {
                        return Err("a row holds references without HAS_REFS".into());
                    }
                }
                if let Some(id) = cell.cluster() {
                    *clusters.entry(id.0).or_default() += 1;
                }
            }
            Ok(())
        };
        for block in &self.cold {
            let rows = block.decode().ok_or("a compressed block does not decode")?;
            if rows.len() != self.block_rows {
                return Err(format!("a block of {} rows, not {}", rows.len(), self.block_rows));
            }
            let (mut s, mut c) = (HashMap::new(), HashMap::new());
            for row in &rows {
                count_row(row, &mut s, &mut c)?;
            }
            let (held_s, held_c) = block.held();
            if s != held_s.iter().copied().collect() || c != held_c.iter().copied().collect() {
                return Err(format!("block {}: reference list differs from its cells", block.id));
            }
            for (id, n) in s {
                *styles.entry(id).or_default() += n;
            }
            for (id, n) in c {
                *clusters.entry(id).or_default() += n;
            }
        }
        if self.cold.is_empty() && self.cold_skip != 0 {
            return Err("rows hidden in a block that is gone".into());
        }
        for row in &self.rows {
            count_row(row, styles, clusters)?;
        }
        Ok(())
    }
}

/// Heap bytes of one row's cells (the row header is counted with the ring that holds it).
#[inline]
fn row_heap_bytes(row: &Row) -> usize {
    row.cells.capacity() * std::mem::size_of::<Cell>()
}

/// The iterator of [`Grid::all_rows`]: every row, oldest history row first.
pub struct AllRows<'a> {
    grid: &'a Grid,
    front: usize,
    back: usize,
}

impl<'a> Iterator for AllRows<'a> {
    type Item = RowRef<'a>;

    fn next(&mut self) -> Option<RowRef<'a>> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.grid.absolute_row(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for AllRows<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.grid.absolute_row(self.back)
    }
}

impl ExactSizeIterator for AllRows<'_> {}

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
    fn compressed_rows_hand_their_cell_buffers_to_the_rows_that_scroll_in_next() {
        let (mut grid, mut tables) = lettered(8, 3, 1000);
        grid.set_compression(true, &mut tables);
        grid.set_compression_geometry(4, 2, &mut tables);
        let plain = grid.compressed_heap_bytes();
        for _ in 0..6 {
            grid.scroll_up_into_history(1, Cell::BLANK, &mut tables);
        }
        // Six plain rows reached 4 hot + a block of 2: a and b went into a block, and their
        // cell buffers (8 cells each) wait for the next rows, counted with the compressed part.
        assert_eq!((grid.compressed_len(), grid.hot_len(), grid.spare.len()), (2, 4, 2));
        assert!(grid.spare.iter().all(|c| c.is_empty() && c.capacity() >= 8));
        let with_spare = grid.compressed_heap_bytes();
        assert!(with_spare >= plain + 2 * 8 * 8, "{with_spare} bytes");
        grid.scroll_up_into_history(1, Cell::BLANK, &mut tables);
        assert_eq!(grid.spare.len(), 1, "the new history row took a spare buffer");
        assert_eq!(grid.compressed_heap_bytes(), with_spare - 8 * 8);
        assert_eq!(first_chars(&grid), "abc.......");
        assert!(grid.row(Line(2)).cells().len() == 8 && grid.row(Line(2)).occupied_len() == 0);
        // Turning compression off gives the spare buffers back.
        grid.set_compression(false, &mut tables);
        assert!(grid.spare.is_empty());
        assert_eq!(first_chars(&grid), "abc.......");
    }

    #[test]
    fn history_rows_keep_their_measured_length_until_written_and_compress_the_same() {
        let (mut grid, mut tables) = lettered(8, 3, 1000);
        grid.set_compression(true, &mut tables);
        grid.set_compression_geometry(4, 2, &mut tables);
        let y = Cell::with_char('y', StyleId::DEFAULT, false);
        for n in 0..12 {
            // The bottom line holds `n % 8 + 1` cells, then scrolls up three times.
            let width = n % 8 + 1;
            fill(&mut grid.row_mut(Line(2)).cells[..width], y, &mut tables);
            assert_eq!(grid.row(Line(2)).occupied_hint, 0, "a written screen row is unmeasured");
            grid.scroll_up_into_history(1, Cell::BLANK, &mut tables);
            let newest = grid.rows.len() - grid.lines - 1;
            let row = &grid.rows[newest];
            assert_eq!(usize::from(row.occupied_hint), row.occupied_len() + 1);
            assert_eq!(row.stored_occupied_len(), row.occupied_len());
        }
        // Rows pulled back onto the screen and written there are measured again.
        grid.resize_truncate(8, 5, Line(0), &mut tables);
        fill(&mut grid.row_mut(Line(0)).cells[..8], y, &mut tables);
        assert_eq!(grid.row(Line(0)).occupied_hint, 0);
        assert_eq!(grid.row(Line(0)).occupied_len(), 8);
        // Compressed and decoded, every row is what was written.
        let before: Vec<usize> = grid.all_rows().map(|r| r.occupied_len()).collect();
        grid.set_compression(false, &mut tables);
        let after: Vec<usize> = grid.all_rows().map(|r| r.occupied_len()).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn occupied_len_finds_the_last_non_default_cell_at_every_position() {
        for width in [0, 1, 7, 8, 9, 16, 17, 80, 81] {
            assert_eq!(Row::new(width).occupied_len(), 0, "blank row of {width}");
            for at in 0..width {
                for cell in [
                    Cell::with_char('y', StyleId::DEFAULT, false),
                    Cell::blank(StyleId(3)),
                    Cell::from_bits(0, 1 << 31),
                    Cell::from_bits(1 << 31, 0),
                ] {
                    let mut row = Row::new(width);
                    row.cells[at] = cell;
                    if at > 0 {
                        row.cells[0] = Cell::with_char('x', StyleId::DEFAULT, false);
                    }
                    assert_eq!(row.occupied_len(), at + 1, "width {width}, cell {at}: {cell:?}");
                }
            }
        }
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
