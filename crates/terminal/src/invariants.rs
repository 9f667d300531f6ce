//! Invariants the tests check after every step: side-table reference counts match the cells
//! that hold them, the cursor and margins lie inside the grid, rows have the grid's width, wide
//! characters have their spacers.

use crate::*;

impl Term {
    /// Recount every side-table reference from the cells and the pen, and compare with the
    /// tables' counts. For tests: any mismatch is a bug in reference keeping.
    pub fn verify_references(&self) -> Result<(), String> {
        use std::collections::HashMap;
        let mut styles: HashMap<u32, u32> = HashMap::new();
        let mut clusters: HashMap<u32, u32> = HashMap::new();
        let mut links: HashMap<u32, u32> = HashMap::new();
        for grid in [&self.screen.grid, &self.inactive.grid] {
            // Compressed blocks count by their reference lists, checked against their cells
            // (rows hidden at the front of the oldest block included: they hold theirs).
            grid.count_references(&mut styles, &mut clusters)?;
        }
        for id in [self.cursor.pen_id, self.cursor.erase_id].into_iter().flatten() {
            if id.0 != 0 {
                *styles.entry(id.0).or_default() += 1;
            }
        }
        if self.cursor.pen.link.0 != 0 {
            *links.entry(self.cursor.pen.link.0).or_default() += 1;
        }
        for (id, refs) in self.tables.styles.counts() {
            let style = self.tables.style(StyleId(id));
            if style.link.0 != 0 {
                *links.entry(style.link.0).or_default() += 1;
            }
            let expected = styles.remove(&id).unwrap_or(0);
            if expected != refs {
                return Err(format!("style {id}: table says {refs}, counted {expected}"));
            }
        }
        if let Some((id, n)) = styles.into_iter().next() {
            return Err(format!("style {id} referenced {n} times but not in the table"));
        }
        for (id, refs) in self.tables.clusters.counts() {
            let expected = clusters.remove(&id).unwrap_or(0);
            if expected != refs {
                return Err(format!("cluster {id}: table says {refs}, counted {expected}"));
            }
        }
        if let Some((id, _)) = clusters.into_iter().next() {
            return Err(format!("cluster {id} referenced but not in the table"));
        }
        for (id, refs) in self.tables.links.counts() {
            let expected = links.remove(&id).unwrap_or(0);
            if expected != refs {
                return Err(format!("link {id}: table says {refs}, counted {expected}"));
            }
        }
        if let Some((id, _)) = links.into_iter().next() {
            return Err(format!("link {id} referenced but not in the table"));
        }
        Ok(())
    }

    /// Check structural invariants (cursor inside the grid, rows of the right width…).
    pub fn verify_invariants(&self) -> Result<(), String> {
        let (cols, lines) = (self.cols(), self.lines());
        let p = self.cursor.point;
        if p.line.0 >= lines || p.column.0 >= cols {
            return Err(format!("cursor {p} outside {cols}x{lines}"));
        }
        let m = self.margins;
        if m.top > m.bottom || m.bottom >= lines || m.left > m.right || m.right >= cols {
            return Err(format!("bad margins {m:?}"));
        }
        for grid in [&self.screen.grid, &self.inactive.grid] {
            if grid.cols() != cols || grid.lines() != lines {
                return Err("grid size differs from the terminal's".into());
            }
            for row in grid.all_rows() {
                if row.cells().len() != cols {
                    return Err(format!(
                        "row of {} cells in a {cols}-column grid",
                        row.cells().len()
                    ));
                }
                for (i, c) in row.cells().iter().enumerate() {
                    if c.is_wide() && !row.cells().get(i + 1).is_some_and(|n| n.is_spacer()) {
                        return Err(format!("wide cell at {i} without its spacer"));
                    }
                    if c.is_spacer() && !(i > 0 && row.cells()[i - 1].is_wide()) {
                        return Err(format!("spacer at {i} without a wide cell before it"));
                    }
                }
            }
            if grid.history_len() > grid.max_history() {
                return Err("history over its limit".into());
            }
        }
        if self.tabs.cols() != cols {
            return Err("tab stops not sized to the grid".into());
        }
        self.verify_references()
    }
}
