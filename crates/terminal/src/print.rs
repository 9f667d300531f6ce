//! Printing: graphic characters into cells at the cursor — the ASCII fast path, wide
//! characters, grapheme clusters (zero-width marks, emoji ZWJ sequences), insert mode, the
//! pending wrap (xterm's "last column flag"), and REP.

use crate::*;

impl Term {
    /// Write one character of display width 1 or 2 at the cursor.
    #[inline]
    pub(crate) fn write_char(&mut self, c: char, width: usize) {
        if self.cursor.pending_wrap {
            if self.modes.contains(Modes::AUTOWRAP) {
                self.wrap_line();
            } else {
                self.cursor.pending_wrap = false;
            }
        }
        let mut edge = self.wrap_edge();
        if width == 2 && self.cursor.point.column.0 >= edge {
            if !self.modes.contains(Modes::AUTOWRAP) || edge == self.line_start() {
                // A wide character cannot be shown here at all (no wrap, or a one-column
                // margin): xterm drops it.
                return;
            }
            // Too wide for the last column: leave a padding cell and wrap first.
            let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
            let blank = Cell::leading_spacer();
            self.put_cells(line, col, &[blank]);
            self.wrap_line();
            edge = self.wrap_edge();
        }
        let line = self.cursor.point.line;
        let col = self.cursor.point.column.0;
        if self.modes.contains(Modes::INSERT) {
            self.shift_right(line, col, edge, width);
        }
        let style = self.pen_id();
        if width == 1 {
            self.put_cells(line, col, &[Cell::with_char(c, style, false)]);
        } else {
            self.put_cells(line, col, &[Cell::with_char(c, style, true), Cell::spacer(style)]);
        }
        let next = col + width;
        if next > edge {
            self.cursor.point.column = Column(edge.min(col + width - 1));
            self.cursor.pending_wrap = self.modes.contains(Modes::AUTOWRAP);
        } else {
            self.cursor.point.column = Column(next);
        }
        self.note_written(Point::new(line, Column(col)));
    }

    #[inline]
    pub(crate) fn note_written(&mut self, cell: Point) {
        self.last_written = Some((cell, self.cursor.point, self.cursor.pending_wrap));
    }

    /// The single-cell fast path (ASCII, and any other character of width 1 once charsets are
    /// applied): no insert mode, no wrap pending, and the target cell is a plain character.
    /// Returns false when the general path is needed.
    #[inline(always)]
    pub(crate) fn try_print_ascii(&mut self, c: char) -> bool {
        if self.cursor.pending_wrap || self.modes.contains(Modes::INSERT) {
            return false;
        }
        let style = match self.cursor.pen_id {
            Some(id) => id,
            None => return false,
        };
        let col = self.cursor.point.column.0;
        let edge = self.wrap_edge();
        let line = self.cursor.point.line;
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        let Some(cell) = row.cells.get_mut(col) else { return false };
        if cell.is_wide() || cell.is_spacer() || cell.cluster().is_some() {
            return false;
        }
        if cell.style().0 != 0 {
            tables.release_style(cell.style());
        }
        *cell = Cell::with_char(c, style, false);
        if style.0 != 0 {
            tables.retain_style(style);
            row.flags |= RowFlags::HAS_REFS;
        }
        if col >= edge {
            self.cursor.pending_wrap = self.modes.contains(Modes::AUTOWRAP);
        } else {
            self.cursor.point.column = Column(col + 1);
        }
        self.note_written(Point::new(line, Column(col)));
        true
    }

    /// Write printable ASCII into the cursor's row from `col`, all with the pen's (interned)
    /// style, which the caller guarantees. The run fits before the wrap edge.
    #[inline]
    pub(crate) fn write_ascii_cells(&mut self, col: usize, bytes: &[u8]) {
        let line = self.cursor.point.line;
        let end = col + bytes.len();
        let cells = self.grid().row(line).cells();
        if cells.get(col).is_some_and(|c| c.is_spacer())
            || cells.get(end).is_some_and(|c| c.is_spacer())
        {
            self.split_wide_at(line, col);
            self.split_wide_at(line, end);
        }
        let style = self.cursor.pen_id.unwrap_or_default();
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        let Some(cells) = row.cells.get_mut(col..end) else { return };
        if style.0 != 0 {
            tables.styles.retain_n(style.0, bytes.len() as u32);
        }
        if row.flags.contains(RowFlags::HAS_REFS) {
            release_cells(cells, tables);
        }
        for (cell, &b) in cells.iter_mut().zip(bytes) {
            *cell = Cell::with_char(b as char, style, false);
        }
        if style.0 != 0 {
            row.flags |= RowFlags::HAS_REFS;
        }
    }

    /// Overwrite cells starting at `col` on `line` (clipped to the row), keeping wide
    /// characters whole and reference counts exact.
    pub(crate) fn put_cells(&mut self, line: Line, col: usize, cells: &[Cell]) {
        let cols = self.cols();
        if col >= cols {
            return;
        }
        let end = (col + cells.len()).min(cols);
        self.split_wide_at(line, col);
        self.split_wide_at(line, end);
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        for (dst, src) in row.cells[col..end].iter_mut().zip(cells) {
            // Retain before release: `src` may share the style `dst` holds the last reference to.
            retain_cell(*src, tables);
            release_cell(*dst, tables);
            *dst = *src;
            if src.holds_refs() {
                row.flags |= RowFlags::HAS_REFS;
            }
        }
        // A wide cell clipped at the right edge loses its spacer: make it a blank.
        if end < col + cells.len() && cells[end - col - 1].is_wide() {
            let last = &mut row.cells[end - 1];
            let old = *last;
            let new = Cell::blank(old.style());
            retain_cell(new, tables);
            release_cell(old, tables);
            *last = new;
        }
    }

    /// Make `col` a clean boundary on `line`: if a wide character straddles it (its left half
    /// at `col - 1`, its spacer at `col`), replace both halves with blanks.
    pub(crate) fn split_wide_at(&mut self, line: Line, col: usize) {
        if col == 0 || col >= self.cols() {
            return;
        }
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        if row.cells[col].is_spacer() && row.cells[col - 1].is_wide() {
            for i in [col - 1, col] {
                let old = row.cells[i];
                let new = Cell::blank(old.style());
                retain_cell(new, tables);
                release_cell(old, tables);
                row.cells[i] = new;
            }
        }
    }

    /// Attach a zero-width character (combining mark, ZWJ, variation selector) to the cell
    /// before the cursor.
    pub(crate) fn attach_zero_width(&mut self, c: char) {
        self.after_zwj = c == '\u{200D}';
        let Some((line, col)) = self.previous_cell() else { return };
        let cell = self.grid().row(line).cells()[col];
        // The cluster's text, built in a reused string (clusters are bounded).
        let mut text = std::mem::take(&mut self.cluster_scratch);
        text.clear();
        let mut add = |s: &str| -> bool {
            let room = text.len() + s.len() <= CLUSTER_MAX_BYTES;
            if room {
                text.push_str(s);
            }
            room
        };
        let base_ok = match cell.content() {
            Content::Empty => false,
            Content::Char(base) => add(base.encode_utf8(&mut [0; 4])),
            Content::Cluster(id) => add(self.tables.cluster(id)),
        };
        let interned = if base_ok && add(c.encode_utf8(&mut [0; 4])) {
            // VS16 widens only an emoji presentation sequence Unicode lists (❤️), never `A️`.
            let widen = c == crate::width::VS16 && crate::width::is_emoji_presentation(&text);
            self.tables.intern_cluster(&text).map(|id| (id, widen))
        } else {
            None
        };
        self.cluster_scratch = text;
        let Some((id, widen)) = interned else { return };
        let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
        let row = grid.row_mut(line);
        let target = &mut row.cells[col];
        if let Some(old) = target.cluster() {
            tables.clusters.release(old.0);
        }
        target.set_cluster(id);
        row.flags |= RowFlags::HAS_REFS;
        // An emoji presentation sequence: the narrow base becomes wide when there is room.
        if widen && !target.is_wide() && col + 1 < row.cells.len() {
            let next = row.cells[col + 1];
            if next.is_empty() && !next.is_spacer() && !next.is_wide() {
                let style = row.cells[col].style();
                row.cells[col].set_wide(true);
                let spacer = Cell::spacer(style);
                retain_cell(spacer, tables);
                release_cell(next, tables);
                row.cells[col + 1] = spacer;
                if self.cursor.point.column.0 == col + 1 && !self.cursor.pending_wrap {
                    let edge = self.wrap_edge();
                    if col + 2 > edge {
                        self.cursor.pending_wrap = self.modes.contains(Modes::AUTOWRAP);
                    } else {
                        self.cursor.point.column = Column(col + 2);
                    }
                }
            }
        }
    }

    /// The cell the last printed character went to (left of the cursor, or under it when a
    /// wrap is pending, or at the end of the previous row when it wrapped).
    pub(crate) fn previous_cell(&self) -> Option<(Line, usize)> {
        let p = self.cursor.point;
        if let Some((cell, after, wrap)) = self.last_written
            && after == p
            && wrap == self.cursor.pending_wrap
        {
            let cells = self.grid().row(cell.line).cells();
            return (!cells[cell.column.0].is_empty() || cells[cell.column.0].cluster().is_some())
                .then_some((cell.line, cell.column.0));
        }
        let mut line = p.line;
        let mut col = if self.cursor.pending_wrap {
            p.column.0
        } else if p.column.0 > 0 {
            p.column.0 - 1
        } else if line.0 > 0 && self.grid().row(Line(line.0 - 1)).is_wrapped() {
            line = Line(line.0 - 1);
            self.cols() - 1
        } else {
            return None;
        };
        let cells = self.grid().row(line).cells();
        if cells[col].is_spacer() && col > 0 {
            col -= 1;
        }
        if cells[col].is_leading_spacer() {
            return None;
        }
        Some((line, col))
    }

    /// True when the previous cell ends with a zero-width joiner: the next character joins it.
    pub(crate) fn previous_ends_with_zwj(&self) -> bool {
        let Some((line, col)) = self.previous_cell() else { return false };
        match self.grid().row(line).cells()[col].content() {
            Content::Cluster(id) => self.tables.cluster(id).ends_with('\u{200D}'),
            _ => false,
        }
    }

    /// True when the last printed cell's cluster starts with a pictograph (an emoji base).
    pub(crate) fn previous_is_pictographic(&self) -> bool {
        let Some((line, col)) = self.previous_cell() else { return false };
        let first = match self.grid().row(line).cells()[col].content() {
            Content::Char(c) => Some(c),
            Content::Cluster(id) => self.tables.cluster(id).chars().next(),
            Content::Empty => None,
        };
        first.is_some_and(is_pictographic)
    }

    /// The automatic wrap: mark the row as continued and move to the next line's start.
    pub(crate) fn wrap_line(&mut self) {
        let line = self.cursor.point.line;
        self.grid_mut().row_mut(line).flags |= RowFlags::WRAPPED;
        self.index_no_wrap_reset();
        let left = if self.in_lr_margins() { self.margins.left } else { Column(0) };
        self.cursor.point.column = left;
        self.cursor.pending_wrap = false;
    }

    /// Printing beyond the ASCII fast path: charsets, widths, clusters, insert mode.
    pub(crate) fn print_general(&mut self, c: char) {
        if c == '\u{7f}' {
            return;
        }
        let c = if self.cursor.charsets.is_identity() {
            c
        } else {
            let nrcs = self.modes.contains(Modes::NRCS);
            self.cursor.charsets.map(c, nrcs)
        };
        if self.after_zwj && is_pictographic(c) && self.previous_ends_with_zwj() {
            self.attach_zero_width(c);
            return;
        }
        // UAX #29 GB9: an emoji modifier (a skin tone) is Extend and joins the pictograph
        // before it — 👍🏽 is one two-cell cluster, as kitty, Ghostty and WezTerm keep it. A
        // modifier with no pictograph before it stands alone (a two-cell swatch).
        if matches!(c as u32, 0x1F3FB..=0x1F3FF) && self.previous_is_pictographic() {
            self.attach_zero_width(c);
            return;
        }
        let width = if (c as u32) < 0x7f { 1 } else { crate::width::char_width(c) };
        if width == 0 {
            self.attach_zero_width(c);
            return;
        }
        self.after_zwj = false;
        self.preceding = Some(c);
        if width == 1 {
            // Narrow characters (e.g. the half blocks image viewers draw) take the same
            // single-cell store as ASCII when nothing special is under the cursor.
            self.pen_id();
            if self.try_print_ascii(c) {
                return;
            }
        }
        self.write_char(c, width.min(2));
    }

    #[inline(always)]
    pub(crate) fn print(&mut self, c: char) {
        if (c as u32) < 0x7f && self.cursor.charsets.is_identity() {
            self.after_zwj = false;
            if self.try_print_ascii(c) {
                self.preceding = Some(c);
                return;
            }
            self.preceding = Some(c);
            self.write_char(c, 1);
            return;
        }
        self.print_general(c);
    }

    pub(crate) fn print_ascii(&mut self, mut run: &[u8]) {
        if !self.cursor.charsets.is_identity() || self.modes.contains(Modes::INSERT) {
            for &b in run {
                self.print(b as char);
            }
            return;
        }
        self.after_zwj = false;
        self.pen_id();
        while let Some(&first) = run.first() {
            if self.cursor.pending_wrap {
                self.print(first as char);
                run = &run[1..];
                continue;
            }
            let col = self.cursor.point.column.0;
            let edge = self.wrap_edge();
            let autowrap = self.modes.contains(Modes::AUTOWRAP);
            if !autowrap && col == edge {
                // Everything lands on the last column: only the final character shows.
                run = &run[run.len() - 1..];
            }
            let n = (edge + 1 - col).min(run.len());
            self.write_ascii_cells(col, &run[..n]);
            self.preceding = Some(run[n - 1] as char);
            run = &run[n..];
            if col + n > edge {
                self.cursor.point.column = Column(edge);
                self.cursor.pending_wrap = autowrap;
            } else {
                self.cursor.point.column = Column(col + n);
            }
            let line = self.cursor.point.line;
            self.note_written(Point::new(line, Column(col + n - 1)));
        }
    }

    pub(crate) fn repeat_preceding(&mut self, n: usize) {
        let Some(c) = self.preceding else { return };
        // Printing one character many times is periodic once every row holds it: drop whole
        // rows' worth of repeats beyond a screenful, so a hostile `CSI 65535 b` stream costs
        // work in proportion to the screen, not to the count. The screen and cursor end up
        // exactly as if every repeat had been printed; only fewer identical rows scroll into
        // the history.
        let width = if (c as u32) < 0x7f { 1 } else { crate::width::char_width(c).clamp(1, 2) };
        let span = self.margins.left.span_len(self.margins.right).max(1);
        let n = if !self.modes.contains(Modes::AUTOWRAP) {
            // Without autowrap the state stops changing once the edge is reached.
            n.min(self.cols() + 1)
        } else {
            let per_row = (span / width).max(1);
            let keep = per_row * (self.lines() + 2);
            if n > keep { keep + (n - keep) % per_row } else { n }
        };
        for _ in 0..n {
            self.print_general(c);
        }
    }
}

/// Extended_Pictographic, approximately: the characters an emoji ZWJ sequence joins (UAX #29
/// GB11 joins `ExtPict Extend* ZWJ × ExtPict`; nothing else continues a cluster after ZWJ).
fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA
        | 0x231A..=0x23FF | 0x24C2 | 0x25AA..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935
        | 0x2B05..=0x2B55 | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

/// Bound on the number of characters joined into one grapheme cluster.
pub(crate) const CLUSTER_MAX_BYTES: usize = 64;
