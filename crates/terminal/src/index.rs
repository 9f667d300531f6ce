//! Newtype indices for the terminal core.
//!
//! Rows and columns are different things; keeping them in distinct types stops one from being
//! passed where the other is expected. `Line` counts screen rows from the top of the visible
//! screen (0-based), `Column` counts cells from the left edge (0-based).

use std::fmt;

/// A screen row, 0 at the top of the visible screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Line(pub usize);

/// A cell column, 0 at the left edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Column(pub usize);

/// A position on the visible screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Point {
    pub line: Line,
    pub column: Column,
}

impl Point {
    pub const fn new(line: Line, column: Column) -> Self {
        Self { line, column }
    }
}

/// A row of a grid's whole history (scrollback and screen), numbered stably: its absolute
/// index (0 = the oldest row kept) plus the rows the history has dropped before it
/// ([`crate::grid::Grid::dropped`]). It keeps naming the same text while output scrolls, until
/// that text leaves the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StableRow(pub u64);

/// A cell by stable row and column: where a selection starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StablePoint {
    pub row: StableRow,
    pub column: Column,
}

impl StablePoint {
    pub const fn new(row: StableRow, column: Column) -> Self {
        Self { row, column }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.line.0, self.column.0)
    }
}
