//! Newtype indices for the terminal core.
//!
//! Rows and columns are different things; keeping them in distinct types stops one from being
//! passed where the other is expected. `Line` counts screen rows from the top of the visible
//! screen (0-based), `Column` counts cells from the left edge (0-based).

use std::fmt;
use std::ops::{Add, RangeInclusive, Sub};

/// A screen row, 0 at the top of the visible screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Line(pub usize);

/// A cell column, 0 at the left edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Column(pub usize);

/// Arithmetic shared by [`Line`] and [`Column`]: offsets by a count of rows or cells, and
/// inclusive spans such as a scroll region (`top..=bottom`) or a margin pair
/// (`left..=right`). Subtraction of a larger count panics in debug builds as `usize` does;
/// call sites that may go below 0 use `saturating_sub`.
macro_rules! index_ops {
    ($t:ident) => {
        impl $t {
            /// `self + n`, stopping at `usize::MAX`.
            #[inline]
            pub const fn saturating_add(self, n: usize) -> Self {
                Self(self.0.saturating_add(n))
            }

            /// `self - n`, stopping at 0.
            #[inline]
            pub const fn saturating_sub(self, n: usize) -> Self {
                Self(self.0.saturating_sub(n))
            }

            /// How many indices `self..=end` covers (0 when `end < self`).
            #[inline]
            pub const fn span_len(self, end: Self) -> usize {
                (end.0 + 1).saturating_sub(self.0)
            }

            /// The indices `self..=end`, in order.
            #[inline]
            pub fn through(self, end: Self) -> impl DoubleEndedIterator<Item = Self> {
                (self.0..=end.0).map(Self)
            }

            /// The `n` indices starting at `self`: `self, self + 1, …, self + n - 1`.
            #[inline]
            pub fn span(self, n: usize) -> impl DoubleEndedIterator<Item = Self> {
                (self.0..self.0 + n).map(Self)
            }

            /// The raw indices `self..=end`, for slicing a row's cells.
            #[inline]
            pub const fn range_to(self, end: Self) -> RangeInclusive<usize> {
                self.0..=end.0
            }
        }

        impl Add<usize> for $t {
            type Output = Self;
            #[inline]
            fn add(self, n: usize) -> Self {
                Self(self.0 + n)
            }
        }

        impl Sub<usize> for $t {
            type Output = Self;
            #[inline]
            fn sub(self, n: usize) -> Self {
                Self(self.0 - n)
            }
        }

        impl PartialEq<usize> for $t {
            #[inline]
            fn eq(&self, other: &usize) -> bool {
                self.0 == *other
            }
        }

        impl PartialOrd<usize> for $t {
            #[inline]
            fn partial_cmp(&self, other: &usize) -> Option<std::cmp::Ordering> {
                self.0.partial_cmp(other)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

index_ops!(Line);
index_ops!(Column);

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
