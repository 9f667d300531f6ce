//! What one terminal's memory is made of, and giving history back under a byte budget.
//!
//! Owns the accounting ([`HeapUsage`], one figure per part of the state) and the trimming by
//! bytes ([`Term::trim_history`]); the embedder owns the policy (which tab to trim, when, to
//! what budget — `scrollback.max_bytes`, `memory.budget`). Figures are the bytes the
//! allocator handed out for each part (capacities, not lengths), so a per-tab sum can be
//! compared with what the allocator reports for the process. Must not touch: the screen's
//! content (only the oldest history is ever dropped), descriptors, clocks.

use serde::Serialize;

use crate::Term;

/// Heap bytes held by one terminal, by part. Every figure is in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HeapUsage {
    /// The visible rows of both screens (primary and alternate): their cells (8 bytes each)
    /// and row headers.
    pub screen: usize,
    /// Scrollback rows kept as plain cells: cells, row headers and the ring's spare header
    /// slots.
    pub scrollback: usize,
    /// Scrollback kept compressed: block payloads and their bookkeeping.
    pub compressed: usize,
    /// Decoded copies of compressed blocks kept for scrolling and searching (a small LRU).
    pub decode_cache: usize,
    /// The side tables cells refer to: interned styles, hyperlinks (with their URIs and ids)
    /// and grapheme clusters (with their text).
    pub side_tables: usize,
}

impl HeapUsage {
    /// The sum of every part, in bytes.
    pub fn total(&self) -> usize {
        self.screen + self.scrollback + self.compressed + self.decode_cache + self.side_tables
    }

    /// The bytes of the history alone (plain, compressed and decoded copies): what
    /// [`Term::trim_history`] bounds.
    pub fn history(&self) -> usize {
        self.scrollback + self.compressed + self.decode_cache
    }
}

/// What [`Term::trim_history`] dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TrimReport {
    /// History lines dropped (the oldest ones).
    pub lines: usize,
    /// Heap bytes given back (the drop of [`HeapUsage::total`]); 0 when nothing was dropped.
    pub bytes: usize,
}

impl Term {
    /// Heap bytes this terminal holds, by part (see [`HeapUsage`]). Cheap enough for a stats
    /// request: one walk over the screen and plain history rows, none over compressed ones.
    pub fn heap_usage(&self) -> HeapUsage {
        let main = self.main_grid();
        let alt = if self.alt_active { &self.screen.grid } else { &self.inactive.grid };
        HeapUsage {
            screen: main.screen_heap_bytes() + alt.screen_heap_bytes() + alt.history_heap_bytes(),
            scrollback: main.history_heap_bytes(),
            compressed: main.compressed_heap_bytes(),
            decode_cache: main.decode_cache_heap_bytes(),
            side_tables: self.tables.heap_bytes(),
        }
    }

    /// Lines of scrollback in use (the primary screen's history, whichever screen is up).
    pub fn scrollback_len(&self) -> usize {
        self.main_grid().history_len()
    }

    /// The most lines of scrollback kept (`scrollback.lines`).
    pub fn scrollback_limit(&self) -> usize {
        self.main_grid().max_history()
    }

    /// Drop the oldest history lines until the history's heap bytes
    /// ([`HeapUsage::history`]) are at most `max_bytes` (0 drops it all). The screen is never
    /// touched. Stable row numbers ([`crate::grid::Grid::dropped`]) move on by the lines
    /// dropped, so selections and search hits on the remaining rows stay where they were.
    pub fn trim_history(&mut self, max_bytes: usize) -> TrimReport {
        let before = self.heap_usage().total();
        let (grid, tables) = self.main_grid_mut();
        let lines = grid.trim_history_to_bytes(max_bytes, tables);
        let after = self.heap_usage().total();
        TrimReport { lines, bytes: before.saturating_sub(after) }
    }
}

impl Term {
    /// Lines of scrollback kept compressed (the oldest ones; 0 with compression off).
    pub fn compressed_scrollback_len(&self) -> usize {
        self.main_grid().compressed_len()
    }

    /// Turn history compression on or off at run time (`scrollback.compress` reloaded):
    /// off decodes every compressed block back into plain rows.
    pub fn set_history_compression(&mut self, on: bool) {
        self.config.compress_history = on;
        let (grid, tables) = self.main_grid_mut();
        grid.set_compression(on, tables);
    }

    /// Compress up to `max_blocks` blocks (of [`history_block::BLOCK_ROWS`] lines) of the
    /// history that [`TermConfig::defer_compression_cells`] left plain, oldest first. Returns
    /// whether more waits. Call it once output has paused, a few blocks at a time: each block
    /// costs tens of microseconds under the embedder's lock.
    ///
    /// [`TermConfig::defer_compression_cells`]: crate::TermConfig::defer_compression_cells
    /// [`history_block::BLOCK_ROWS`]: crate::history_block::BLOCK_ROWS
    pub fn compress_deferred_history(&mut self, max_blocks: usize) -> bool {
        self.main_grid_mut().0.compress_deferred(max_blocks)
    }

    /// Lines of history waiting for [`Term::compress_deferred_history`] (a whole number of
    /// blocks; 0 when nothing waits or compression is off).
    pub fn deferred_history_lines(&self) -> usize {
        self.main_grid().deferred_rows()
    }

    /// Take a reloaded configuration: the default palette (colours programs set with OSC 4/10/
    /// 11/12 are replaced, as Alacritty does on reload), the default cursor style, the
    /// permissions, and the scrollback limit (history beyond a lower limit goes at once).
    /// The cell size and the resize policy stay: they are the embedder's, not the file's.
    pub fn reconfigure(&mut self, config: &crate::TermConfig) {
        let keep = (self.config.cell_pixels, self.config.apply_resize_requests);
        self.palette = config.palette.clone();
        self.config.palette = config.palette.clone();
        self.config.cursor_style = config.cursor_style;
        self.config.allow_clipboard_read = config.allow_clipboard_read;
        self.config.allow_title_report = config.allow_title_report;
        (self.config.cell_pixels, self.config.apply_resize_requests) = keep;
        if config.compress_history != self.config.compress_history {
            self.set_history_compression(config.compress_history);
        }
        if config.defer_compression_cells != self.config.defer_compression_cells {
            self.config.defer_compression_cells = config.defer_compression_cells;
            self.main_grid_mut().0.set_compression_deferral(config.defer_compression_cells);
        }
        self.config.scrollback_lines = config.scrollback_lines;
        // The primary screen's grid keeps the history (the alternate screen keeps none).
        let (grid, tables) = self.main_grid_mut();
        grid.set_max_history(config.scrollback_lines, tables);
    }

    /// Forget the decoded copies of compressed history kept for scrolling (e.g. when the view
    /// returns to the bottom, or before trimming memory): [`HeapUsage::decode_cache`] drops
    /// to 0 and the next read of old history decodes again.
    pub fn clear_history_decode_cache(&mut self) {
        self.main_grid_mut().0.clear_decode_cache();
    }

    /// Keep `hot_rows` history rows plain and compress the rest in blocks of `block_rows`
    /// (defaults [`crate::grid::HOT_ROWS`] and [`crate::history_block::BLOCK_ROWS`]). For
    /// tests and the fuzzer, so that short inputs reach the codec; a terminal keeps its
    /// geometry through RIS.
    #[doc(hidden)]
    pub fn set_history_compression_geometry(&mut self, hot_rows: usize, block_rows: usize) {
        let (grid, tables) = self.main_grid_mut();
        grid.set_compression_geometry(hot_rows, block_rows, tables);
    }
}

#[cfg(test)]
mod reconfigure_tests {
    use crate::{Term, TermConfig};

    #[test]
    fn a_lower_scrollback_limit_drops_history_at_once_and_colours_change() {
        let mut t =
            Term::new(10, 3, TermConfig { scrollback_lines: 1000, ..TermConfig::default() });
        let mut p = crate::parser::Parser::new();
        for i in 0..500 {
            p.advance(&mut t, format!("line {i}\r\n").as_bytes());
        }
        assert!(t.grid().history_len() >= 490);
        let mut config = t.config().clone();
        config.scrollback_lines = 100;
        config.palette.0[crate::handler::COLOR_BACKGROUND] = crate::style::Rgb::new(1, 2, 3);
        t.reconfigure(&config);
        assert_eq!(t.grid().history_len(), 100);
        assert_eq!(
            t.palette().0[crate::handler::COLOR_BACKGROUND],
            crate::style::Rgb::new(1, 2, 3)
        );
        p.advance(&mut t, b"more\r\n");
        assert_eq!(t.grid().history_len(), 100, "the new limit holds as output goes on");
    }
}
