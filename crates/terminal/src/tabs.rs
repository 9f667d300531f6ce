//! Tab stops: HT/CBT movement and HTS/TBC/DECST8C.

use crate::*;

impl Term {
    /// HT / CHT. From the pending-wrap position the line wraps first (what xterm 379 does,
    /// with or without its more(1) fix, mode 41).
    pub(crate) fn tab(&mut self, count: usize) {
        if self.cursor.pending_wrap {
            self.wrap_line();
        }
        let edge = self.wrap_edge();
        let mut col = self.cursor.point.column.0;
        for _ in 0..count {
            if col >= edge {
                break;
            }
            col += 1;
            while col < edge && !self.tabs.is_stop(col) {
                col += 1;
            }
        }
        self.cursor.point.column = Column(col);
    }

    /// CBT: back to previous tab stops, stopping at the left margin only in origin mode
    /// (xterm 379: CBT ignores DECSLRM otherwise).
    pub(crate) fn backtab(&mut self, count: usize) {
        let start = if self.modes.contains(Modes::ORIGIN) { self.margins.left.0 } else { 0 };
        let mut col = self.cursor.point.column.0;
        for _ in 0..count {
            if col <= start {
                break;
            }
            col -= 1;
            while col > start && !self.tabs.is_stop(col) {
                col -= 1;
            }
        }
        self.cursor.point.column = Column(col);
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn set_tab_stop(&mut self) {
        let col = self.cursor.point.column.0;
        self.tabs.set(col, true);
    }

    pub(crate) fn clear_tab_stops(&mut self, mode: TabClear) {
        match mode {
            TabClear::Current => {
                let col = self.cursor.point.column.0;
                self.tabs.set(col, false);
            }
            TabClear::All => self.tabs.clear_all(),
        }
    }

    pub(crate) fn reset_tab_stops(&mut self) {
        self.tabs = TabStops::new(self.cols());
    }
}

/// Tab stops, one per column (HTS sets, TBC clears, DECST8C resets). A new terminal, and
/// every column a resize adds, gets xterm's default: a stop every 8 columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabStops {
    stops: Vec<bool>,
}

impl TabStops {
    /// The default stops for `cols` columns.
    pub fn new(cols: usize) -> Self {
        Self { stops: (0..cols).map(Self::default_at).collect() }
    }

    fn default_at(col: usize) -> bool {
        col.is_multiple_of(8) && col != 0
    }

    /// The number of columns covered.
    pub fn cols(&self) -> usize {
        self.stops.len()
    }

    /// Whether `col` has a stop (false beyond the last column).
    #[inline]
    pub fn is_stop(&self, col: usize) -> bool {
        self.stops.get(col).copied().unwrap_or(false)
    }

    /// Set or clear the stop at `col` (ignored beyond the last column).
    pub fn set(&mut self, col: usize, on: bool) {
        if let Some(stop) = self.stops.get_mut(col) {
            *stop = on;
        }
    }

    /// TBC 3: no stops at all.
    pub fn clear_all(&mut self) {
        self.stops.fill(false);
    }

    /// Follow a resize: columns kept keep their stops, new columns get the defaults.
    pub fn resize(&mut self, cols: usize) {
        let old = self.stops.len();
        self.stops.resize(cols, false);
        for col in old..cols {
            self.stops[col] = Self::default_at(col);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TabStops;

    #[test]
    fn defaults_every_eight_and_resize_keeps_user_stops() {
        let mut t = TabStops::new(20);
        let stops: Vec<usize> = (0..20).filter(|&c| t.is_stop(c)).collect();
        assert_eq!(stops, [8, 16]);
        t.set(3, true);
        t.set(8, false);
        t.resize(30);
        let stops: Vec<usize> = (0..30).filter(|&c| t.is_stop(c)).collect();
        assert_eq!(stops, [3, 16, 24]);
        t.resize(10);
        assert_eq!(t.cols(), 10);
        assert!(!t.is_stop(16), "beyond the last column there is no stop");
        t.clear_all();
        assert!((0..10).all(|c| !t.is_stop(c)));
        t.set(99, true); // ignored, no panic
    }
}
