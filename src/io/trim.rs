//! Giving a closed tab's or a cleared history's memory back to the OS. glibc keeps freed
//! memory in its arenas (the grid's rows are small allocations, below the mmap threshold),
//! so without `malloc_trim` a closed tab with a full 10,000-line history kept tens of MiB
//! resident until the last tab closed. Trimming costs a walk of the arenas' free lists, so it
//! runs when a *large* terminal goes (at least [`TRIM_CELLS`] cells: tab churn with small
//! tabs keeps the batched trim of `state.rs`), as soon as it goes, on whichever thread drops
//! the last reference to it — the I/O thread headless, the UI thread when a window showed it.
//!
//! Owns only this policy; the terminal and the tab bookkeeping are not touched here.

use std::sync::Arc;

use super::{TabShared, sys};
use crate::term::Term;

/// Cells (history plus screen) from which freeing a terminal, or that much of its history,
/// trims the heap at once: 256 Ki cells, a few MiB (a 1000-column tab's 262 lines; an
/// 80-column tab's 3,277).
pub const TRIM_CELLS: usize = 256 * 1024;

/// The cells `term` holds in its history and on screen.
pub fn term_cells(term: &Term) -> usize {
    (term.grid().history_len() + term.lines()) * term.cols()
}

/// Drop a reference to a tab's shared state; when it was the last one and the terminal was
/// large, give the freed memory back to the OS now. Returns whether it trimmed.
pub fn release_tab(shared: Arc<TabShared>) -> bool {
    let Some(shared) = Arc::into_inner(shared) else { return false };
    let cells = term_cells(&shared.term.lock().unwrap_or_else(|p| p.into_inner()));
    drop(shared);
    if cells >= TRIM_CELLS {
        sys::trim_heap();
        return true;
    }
    false
}

/// After parsing output that dropped `cells` cells of history at once (ED 3, RIS, a smaller
/// history limit), or compressing that many cells of a flood's plain history: trim when that
/// was large. Returns whether it trimmed.
pub fn history_dropped(cells: usize) -> bool {
    if cells >= TRIM_CELLS {
        sys::trim_heap();
        return true;
    }
    false
}
