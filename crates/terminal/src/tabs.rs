//! Tab stops: HT/CBT movement and HTS/TBC/DECST8C.

use crate::*;

impl Term {
    pub(crate) fn tab(&mut self, count: usize) {
        let edge = self.wrap_edge();
        let mut col = self.cursor.point.column.0;
        for _ in 0..count {
            if col >= edge {
                break;
            }
            col += 1;
            while col < edge && !self.tabs[col] {
                col += 1;
            }
        }
        self.cursor.point.column = Column(col);
        self.dirty = true;
    }

    pub(crate) fn backtab(&mut self, count: usize) {
        let start = self.line_start();
        let mut col = self.cursor.point.column.0;
        for _ in 0..count {
            if col <= start {
                break;
            }
            col -= 1;
            while col > start && !self.tabs[col] {
                col -= 1;
            }
        }
        self.cursor.point.column = Column(col);
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    pub(crate) fn set_tab_stop(&mut self) {
        let col = self.cursor.point.column.0;
        self.tabs[col] = true;
    }

    pub(crate) fn clear_tab_stops(&mut self, mode: TabClear) {
        match mode {
            TabClear::Current => {
                let col = self.cursor.point.column.0;
                self.tabs[col] = false;
            }
            TabClear::All => self.tabs.iter_mut().for_each(|t| *t = false),
        }
    }

    pub(crate) fn reset_tab_stops(&mut self) {
        self.tabs = default_tabs(self.cols());
    }
}

pub(crate) fn default_tabs(cols: usize) -> Vec<bool> {
    (0..cols).map(|c| c % 8 == 0 && c != 0).collect()
}
