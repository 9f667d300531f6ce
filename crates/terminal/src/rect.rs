//! Rectangular area operations (VT420+): DECFRA, DECERA, DECSERA, DECCRA, DECCARA, DECRARA.
//! Coordinates are 1-based, relative to the origin in origin mode (see `rect_bounds`).

use std::collections::HashMap;

use super::cell::{Cell, StyleId};
use super::grid::{RowFlags, release_cell, retain_cell};
use super::handler::RectParams;
use super::index::Line;
use super::sgr;
use super::style::{Attrs, Underline};
use super::{Erase, Term};

impl Term {
    /// DECFRA: fill with a character in the current rendition.
    pub(super) fn rect_fill(&mut self, c: char, rect: RectParams) {
        let code = c as u32;
        if !((32..=126).contains(&code) || (160..=255).contains(&code)) {
            return;
        }
        let Some((top, left, bottom, right)) = self.rect_bounds(rect) else { return };
        let style = self.pen_id();
        let cell = Cell::with_char(c, style, false);
        for line in top..=bottom {
            self.fill_cells(Line(line), left, right + 1, cell, Erase::All);
        }
    }

    /// DECERA / DECSERA.
    pub(super) fn rect_erase(&mut self, rect: RectParams, selective: bool) {
        let Some((top, left, bottom, right)) = self.rect_bounds(rect) else { return };
        // Written blanks, as xterm fills erased rectangles (DECSERA keeps each rendition).
        let blank = self.written_blank();
        for line in top..=bottom {
            let kind = if selective { Erase::Unprotected } else { Erase::All };
            self.fill_cells(Line(line), left, right + 1, blank, kind);
        }
    }

    /// DECCRA: copy a rectangle (overlapping areas copy as if through a buffer).
    pub(super) fn rect_copy(&mut self, src: RectParams, dst_top: u16, dst_left: u16) {
        let Some((top, left, bottom, right)) = self.rect_bounds(src) else { return };
        let dst = RectParams { top: dst_top, left: dst_left, bottom: 0, right: 0 };
        let Some((dtop, dleft, max_bottom, max_right)) = self.rect_bounds(dst) else { return };
        let height = (bottom - top).min(max_bottom - dtop) + 1;
        let width = (right - left).min(max_right - dleft) + 1;
        let buffer: Vec<Vec<Cell>> = (0..height)
            .map(|i| self.grid().row(Line(top + i)).cells()[left..left + width].to_vec())
            .collect();
        // The buffer holds its own references while the copy overwrites (possibly) its source.
        for cells in &buffer {
            cells.iter().for_each(|c| retain_cell(*c, &mut self.tables));
        }
        for (i, cells) in buffer.iter().enumerate() {
            // A wide character cut by the source edge becomes a blank.
            let mut cells = cells.clone();
            // (The blanks keep the style, whose reference the buffer holds; clusters are only
            // ever on wide/narrow characters, never spacers, and a cut wide cell loses its own.)
            if cells.first().is_some_and(|c| c.is_spacer()) {
                cells[0] = Cell::blank(cells[0].style());
            }
            if cells.last().is_some_and(|c| c.is_wide()) {
                let last = cells.len() - 1;
                cells[last] = Cell::blank(cells[last].style());
            }
            self.put_cells(Line(dtop + i), dleft, &cells);
        }
        for cells in &buffer {
            cells.iter().for_each(|c| release_cell(*c, &mut self.tables));
        }
    }

    /// DECCARA (apply SGR) and DECRARA (toggle attributes), over a rectangle or a stream
    /// according to DECSACE.
    pub(super) fn rect_change_attrs(&mut self, rect: RectParams, groups: &[&[u16]], reverse: bool) {
        let Some((top, left, bottom, right)) = self.rect_bounds(rect) else { return };
        let cols = self.cols();
        let rect_mode = self.attr_change_rect;
        let mut cache: HashMap<StyleId, StyleId> = HashMap::new();
        for line in top..=bottom {
            let (from, to) = if rect_mode || top == bottom {
                (left, right)
            } else if line == top {
                (left, cols - 1)
            } else if line == bottom {
                (0, right)
            } else {
                (0, cols - 1)
            };
            for col in from..=to {
                let old = self.grid().row(Line(line)).cells()[col];
                let new_id = match cache.get(&old.style()) {
                    Some(id) => *id,
                    None => {
                        let mut style = self.tables.style(old.style());
                        if reverse {
                            toggle_attrs(&mut style, groups);
                        } else {
                            sgr::apply(&mut style, groups);
                        }
                        // The cache keeps one reference so the id stays alive for reuse.
                        let id = self.tables.intern_style(&style);
                        cache.insert(old.style(), id);
                        id
                    }
                };
                if new_id == old.style() {
                    continue;
                }
                let mut new = old;
                new.set_style(new_id);
                let (grid, tables) = (&mut self.screen.grid, &mut self.tables);
                let row = grid.row_mut(Line(line));
                retain_cell(new, tables);
                release_cell(old, tables);
                row.cells[col] = new;
                if new.holds_refs() {
                    row.flags |= RowFlags::HAS_REFS;
                }
            }
        }
        for id in cache.into_values() {
            self.tables.release_style(id);
        }
    }
}

/// DECRARA: 0 toggles all of bold, underline, blink, inverse; otherwise each named one.
fn toggle_attrs(style: &mut super::style::Style, groups: &[&[u16]]) {
    let list: Vec<u16> = if groups.is_empty() {
        vec![0]
    } else {
        groups.iter().map(|g| g.first().copied().unwrap_or(0)).collect()
    };
    for p in list {
        match p {
            0 => {
                style.attrs.toggle(Attrs::BOLD | Attrs::BLINK | Attrs::INVERSE);
                toggle_underline(style);
            }
            1 => style.attrs.toggle(Attrs::BOLD),
            4 => toggle_underline(style),
            5 => style.attrs.toggle(Attrs::BLINK),
            7 => style.attrs.toggle(Attrs::INVERSE),
            8 => style.attrs.toggle(Attrs::HIDDEN),
            _ => (),
        }
    }
}

fn toggle_underline(style: &mut super::style::Style) {
    style.underline =
        if style.underline == Underline::None { Underline::Single } else { Underline::None };
}

#[cfg(test)]
mod tests {
    use crate::parser::Parser;
    use crate::{Term, TermConfig};

    fn run(cols: usize, lines: usize, bytes: &str) -> Term {
        let mut t = Term::new(cols, lines, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t.verify_invariants().expect("invariants");
        t
    }

    #[test]
    fn fill_erase_and_copy_act_on_their_rectangle_only() {
        // DECFRA 'x' with top 1, left 2, bottom 2, right 3 (1-based, Pt;Pl;Pb;Pr).
        let t = run(5, 3, "\x1b[120;1;2;2;3$x");
        assert_eq!(t.screen_lines(), [" xx", " xx", ""]);
        // DECERA then clears line 2, column 3 only.
        let t = run(5, 3, "\x1b[120;1;2;2;3$x\x1b[2;3;2;3$z");
        assert_eq!(t.screen_lines(), [" xx", " x", ""]);
        // DECCRA copies the 2x2 block to the top-left corner.
        let t = run(5, 3, "\x1b[120;2;2;3;3$x\x1b[2;2;3;3;1;1;1;1$v");
        assert_eq!(t.screen_lines(), ["xx", "xxx", " xx"]);
    }

    #[test]
    fn a_rectangle_beyond_the_screen_is_clipped() {
        let t = run(4, 2, "\x1b[35;1;1;999;999$x");
        assert_eq!(t.screen_lines(), ["####", "####"]);
    }
}
