//! Reflow: re-lay the main screen's soft-wrapped lines out at a new width.
//!
//! Rows joined by `WRAPPED` form logical lines; each is cut again at the new width (a wide
//! character that would straddle the edge moves to the next row behind a leading spacer). The
//! cursor stays on the cell it was on.
//!
//! Which rows end up on screen: when narrowing, the row that was at the top of the screen stays
//! at the top — new rows use up blank rows below the cursor before anything is pushed into the
//! history; when widening, the cursor keeps its screen line, pulling rows back from the history
//! where there are any. Either way the cursor stays on screen; content below it that no longer
//! fits is dropped. Cells only move, so reference counts move with them; any cell that is
//! dropped is released.

use std::collections::VecDeque;

use super::cell::Cell;
use super::grid::{Grid, Row, RowFlags, release_cell, release_cells, retain_cell};
use super::index::{Column, Line, Point};
use super::tables::SideTables;

/// Reflow `grid` to `cols` x `lines`. `cursor` is the main screen's cursor (and its pending
/// wrap); returns where it ends up.
pub(super) fn reflow(
    grid: &mut Grid,
    tables: &mut SideTables,
    cols: usize,
    lines: usize,
    cursor: (Point, bool),
) -> (Point, bool) {
    let (cursor_point, pending_wrap) = cursor;
    let narrowing = cols < grid.cols();
    let history = grid.history_len();
    let max_history = grid.max_history();
    let cursor_abs = history + cursor_point.line.0;
    let cursor_col = cursor_point.column.0;

    let rows = grid.take_rows(tables);
    let mut out: VecDeque<Row> = VecDeque::with_capacity(rows.len());
    let mut logical: Vec<Cell> = Vec::new();
    let mut marks = RowFlags::empty();
    let mut cursor_offset: Option<usize> = None;
    let mut top_offset: Option<usize> = None;
    let mut new_cursor: Option<(usize, usize, bool)> = None;
    let mut new_top: Option<usize> = None;
    let mut in_line = false;
    let total = rows.len();

    for (idx, row) in rows.into_iter().enumerate() {
        if !in_line {
            logical.clear();
            marks = row.flags & RowFlags::PROMPT_MARKS;
            cursor_offset = None;
            top_offset = None;
            in_line = true;
        }
        let wrapped = row.flags.contains(RowFlags::WRAPPED) && idx + 1 < total;
        let cells = row.cells;
        let mut len = if wrapped {
            let mut l = cells.len();
            if l > 0 && cells[l - 1].is_leading_spacer() {
                l -= 1;
            }
            l
        } else {
            cells.iter().rposition(|c| !c.is_default()).map_or(0, |p| p + 1)
        };
        if idx == history {
            top_offset = Some(logical.len());
        }
        if idx == cursor_abs {
            len = len.max(cursor_col.min(cells.len()));
            cursor_offset = Some(logical.len() + cursor_col + pending_wrap as usize);
        }
        logical.extend_from_slice(&cells[..len]);
        release_cells(&cells[len..], tables);
        if !wrapped {
            let first_row = out.len();
            let placed =
                rewrap(&logical, marks, cols, [cursor_offset, top_offset], tables, &mut out);
            if placed[0].is_some() {
                new_cursor = placed[0];
            }
            if let Some((row, _, _)) = placed[1] {
                new_top = Some(row.max(first_row));
            }
            in_line = false;
        }
    }

    let (mut cursor_row, cursor_col, wrap) =
        new_cursor.unwrap_or((out.len().saturating_sub(1), 0, false));
    if out.is_empty() {
        out.push_back(Row::new(cols));
        cursor_row = 0;
    }
    // Blank rows below the cursor are not content.
    while out.len() > cursor_row + 1 && out.back().is_some_and(|r| r.occupied_len() == 0) {
        out.pop_back();
    }
    // Where the screen starts (see the module comment), keeping the cursor on screen.
    let anchor = if narrowing {
        new_top.unwrap_or(0) as isize
    } else {
        cursor_row as isize - cursor_point.line.0 as isize
    };
    let lowest = (cursor_row + 1).saturating_sub(lines) as isize;
    let start = anchor.clamp(lowest, cursor_row as isize).max(0) as usize;
    while out.len() < start + lines {
        out.push_back(Row::new(cols));
    }
    while out.len() > start + lines {
        if let Some(mut row) = out.pop_back() {
            row.release(tables);
        }
    }
    while out.len() - lines > max_history {
        if let Some(mut row) = out.pop_front() {
            row.release(tables);
            cursor_row -= 1;
        }
    }
    let history = out.len() - lines;
    grid.replace_rows(out, cols, lines);
    let line = cursor_row - history;
    (Point::new(Line(line), Column(cursor_col.min(cols - 1))), wrap)
}

/// Cut one logical line into rows of `cols` cells and append them to `out`. For each tracked
/// offset (a cell index in the logical line, possibly just past its end) returns where it
/// landed: (row index in `out`, column, pending wrap).
fn rewrap(
    logical: &[Cell],
    marks: RowFlags,
    cols: usize,
    offsets: [Option<usize>; 2],
    tables: &mut SideTables,
    out: &mut VecDeque<Row>,
) -> [Option<(usize, usize, bool)>; 2] {
    let mut placed: [Option<(usize, usize, bool)>; 2] = [None, None];
    let mut place = |index: usize, at: (usize, usize, bool)| {
        for (k, off) in offsets.iter().enumerate() {
            if *off == Some(index) && placed[k].is_none() {
                placed[k] = Some(at);
            }
        }
    };
    let mut row = Row { cells: Vec::with_capacity(cols), flags: marks, occupied_hint: 0 };
    let mut i = 0;
    while i < logical.len() {
        let cell = logical[i];
        if cell.is_spacer() || cell.is_leading_spacer() {
            // A spacer whose wide cell was not placed (cannot happen for a valid grid).
            place(i, (out.len(), row.cells.len().min(cols - 1), false));
            release_cell(cell, tables);
            i += 1;
            continue;
        }
        let wide = cell.is_wide();
        let width = if wide { 2 } else { 1 };
        if row.cells.len() + width > cols {
            if wide && cols < 2 {
                // No row can hold it: keep its style as a blank.
                let blank = Cell::blank(cell.style());
                retain_cell(blank, tables);
                release_cell(cell, tables);
                place(i, (out.len(), 0, false));
                if let Some(s) = logical.get(i + 1).filter(|c| c.is_spacer()) {
                    release_cell(*s, tables);
                    i += 1;
                    place(i, (out.len(), 0, false));
                }
                if !row.cells.is_empty() {
                    row.flags |= RowFlags::WRAPPED;
                    finish_row(&mut row, cols, out);
                }
                push_cell(&mut row, blank);
                i += 1;
                continue;
            }
            while row.cells.len() < cols {
                push_cell(&mut row, Cell::leading_spacer());
            }
            row.flags |= RowFlags::WRAPPED;
            finish_row(&mut row, cols, out);
        }
        let col = row.cells.len();
        place(i, (out.len(), col, false));
        push_cell(&mut row, cell);
        if wide {
            place(i + 1, (out.len(), col + 1, false));
            match logical.get(i + 1) {
                Some(s) if s.is_spacer() => {
                    push_cell(&mut row, *s);
                    i += 1;
                }
                _ => {
                    let s = Cell::spacer(cell.style());
                    retain_cell(s, tables);
                    push_cell(&mut row, s);
                }
            }
        }
        i += 1;
    }
    // Offsets at or past the end of the content (the cursor after the last character).
    for (k, off) in offsets.iter().enumerate() {
        let Some(off) = *off else { continue };
        if placed[k].is_some() || off < logical.len() {
            continue;
        }
        let extra = off - logical.len();
        let col = row.cells.len() + extra;
        placed[k] = Some(if col < cols {
            (out.len(), col, false)
        } else if extra == 0 {
            // Right after a full row: the last column with a wrap pending.
            (out.len(), cols - 1, true)
        } else {
            (out.len() + col / cols, col % cols, false)
        });
    }
    finish_row(&mut row, cols, out);
    // A cursor placed past the rows made gets blank rows to stand on.
    let needed = placed.iter().flatten().map(|p| p.0 + 1).max().unwrap_or(0);
    while out.len() < needed {
        out.push_back(Row::new(cols));
    }
    placed
}

#[inline]
fn push_cell(row: &mut Row, cell: Cell) {
    if cell.holds_refs() {
        row.flags |= RowFlags::HAS_REFS;
    }
    row.cells.push(cell);
}

fn finish_row(row: &mut Row, cols: usize, out: &mut VecDeque<Row>) {
    row.cells.resize(cols, Cell::BLANK);
    out.push_back(std::mem::take(row));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::StyleId;

    fn row_text(grid: &Grid, abs: usize) -> String {
        let row = grid.absolute_row(abs).expect("row");
        row.cells()
            .iter()
            .map(|c| match c.content() {
                crate::cell::Content::Char(ch) => ch,
                _ => ' ',
            })
            .collect::<String>()
            .trim_end()
            .to_owned()
    }

    #[test]
    fn a_soft_wrapped_line_rejoins_and_the_cursor_follows_its_character() {
        // "abcdef" written on a 4-column screen: "abcd" (wrapped) + "ef", cursor after 'f'.
        let mut grid = Grid::new(4, 3, 10);
        let mut tables = SideTables::new();
        for (i, ch) in "abcdef".chars().enumerate() {
            let cell = Cell::with_char(ch, StyleId::DEFAULT, false);
            let row = grid.row_mut(Line(i / 4));
            row.cells[i % 4] = cell;
        }
        grid.row_mut(Line(0)).flags |= RowFlags::WRAPPED;
        let cursor = (Point::new(Line(1), Column(2)), false);
        let (p, wrap) = reflow(&mut grid, &mut tables, 8, 3, cursor);
        assert_eq!(row_text(&grid, 0), "abcdef");
        assert!(!grid.absolute_row(0).is_some_and(|r| r.is_wrapped()));
        assert_eq!((p, wrap), (Point::new(Line(0), Column(6)), false));
        // And back: narrower again splits it, marking the wrap.
        let (p, wrap) = reflow(&mut grid, &mut tables, 3, 3, (p, false));
        assert_eq!((row_text(&grid, 0), row_text(&grid, 1)), ("abc".into(), "def".into()));
        assert!(grid.absolute_row(0).is_some_and(|r| r.is_wrapped()));
        // Just past 'f', which now ends its row: the last column, with the wrap pending.
        assert_eq!((p, wrap), (Point::new(Line(1), Column(2)), true));
        assert_eq!((grid.cols(), grid.lines()), (3, 3));
    }
}
