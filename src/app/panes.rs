//! The panes of one tab as the user sees them: a binary tree of splits whose leaves are pane
//! ids, and its layout in physical pixels. Pure: no GL, no winit, no I/O — the window
//! (`app::window`) lays a tab out with [`PaneTree::layout`], draws each pane in its rectangle
//! and sends each pane's size to the I/O thread.
//!
//! Every pane's rectangle is a whole number of cells (the sub-cell rest of its area is left
//! blank), so a pane's PTY is never given a size it was not drawn at. Splits keep a ratio
//! (the first child's share of the cells along the split's axis), so a window resize keeps the
//! proportions; keyboard resizing and divider drags move a divider by whole cells.
//!
//! Neighbours by direction follow kitty and WezTerm: of the panes across the focused pane's
//! edge in that direction, the nearest, then the one sharing the longest stretch of that edge.
//! Equalizing follows Ghostty: each split's ratio is its children's pane counts along its axis.
//!
//! Must not touch: terminals, PTYs, the renderer (this only decides where panes go).

use crate::io::TabId;

/// How a split places its two children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Side by side: the first child on the left, a vertical divider between them.
    Horizontal,
    /// One above the other: the first child on top, a horizontal divider between them.
    Vertical,
}

/// A direction on screen (focus movement, keyboard resizing, where a new split goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Left,
    Right,
    Up,
    Down,
}

impl Direction {
    /// The axis a move in this direction crosses dividers of.
    pub fn axis(self) -> Axis {
        match self {
            Direction::Left | Direction::Right => Axis::Horizontal,
            Direction::Up | Direction::Down => Axis::Vertical,
        }
    }

    /// Whether the direction goes towards larger coordinates (right, down).
    fn forward(self) -> bool {
        matches!(self, Direction::Right | Direction::Down)
    }
}

/// A rectangle in physical pixels (origin: the window's top-left corner).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PxRect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl PxRect {
    /// Whether the point (pixels) lies inside (left/top edges included, right/bottom not).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && x < self.x + self.w && y >= self.y && y < self.y + self.h
    }
}

/// The sizes a layout works in, physical pixels: one cell, and the divider between panes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellMetrics {
    pub cell_w: f32,
    pub cell_h: f32,
    /// The divider's thickness (the gap between two panes), ≥ 0.
    pub divider: f32,
}

/// One pane's place: its rectangle (a whole number of cells, `cols × cell_w` by
/// `lines × cell_h` pixels) and its size in cells (each ≥ 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanePlace {
    pub pane: TabId,
    pub rect: PxRect,
    pub cols: usize,
    pub lines: usize,
}

/// One split's place: which split (its pre-order index in the tree, for
/// [`PaneTree::drag_divider`]), its axis, the area it divides and its divider's rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitPlace {
    pub index: usize,
    pub axis: Axis,
    pub area: PxRect,
    pub divider: PxRect,
    /// Cells along the axis shared by the two children.
    pub total: usize,
    /// Of those, the first child's.
    pub first: usize,
}

/// A layout: the visible panes (in tree order, left/top first) and the dividers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaneLayout {
    pub panes: Vec<PanePlace>,
    pub splits: Vec<SplitPlace>,
}

impl PaneLayout {
    /// The place of `pane`, if visible.
    pub fn place(&self, pane: TabId) -> Option<&PanePlace> {
        self.panes.iter().find(|p| p.pane == pane)
    }

    /// The pane whose area holds the point (pixels): its rectangle grown to the middle of the
    /// dividers and the blank rest around it, so every point of the tab area belongs to one
    /// pane (the nearest one).
    pub fn pane_at(&self, x: f32, y: f32) -> Option<&PanePlace> {
        let inside = self.panes.iter().find(|p| p.rect.contains(x, y));
        inside.or_else(|| {
            self.panes
                .iter()
                .min_by(|a, b| distance(&a.rect, x, y).total_cmp(&distance(&b.rect, x, y)))
        })
    }

    /// The split whose divider is within `slop` pixels of the point, the innermost first.
    pub fn divider_at(&self, x: f32, y: f32, slop: f32) -> Option<&SplitPlace> {
        self.splits.iter().rev().find(|s| {
            let d = s.divider;
            let grown = match s.axis {
                Axis::Horizontal => PxRect { x: d.x - slop, w: d.w + 2.0 * slop, ..d },
                Axis::Vertical => PxRect { y: d.y - slop, h: d.h + 2.0 * slop, ..d },
            };
            grown.contains(x, y)
        })
    }
}

/// Distance (pixels) from a point to a rectangle (0 inside).
fn distance(r: &PxRect, x: f32, y: f32) -> f32 {
    let dx = (r.x - x).max(x - (r.x + r.w)).max(0.0);
    let dy = (r.y - y).max(y - (r.y + r.h)).max(0.0);
    dx.hypot(dy)
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Leaf(TabId),
    Split {
        axis: Axis,
        /// The first child's share of the cells along `axis`, in (0, 1).
        ratio: f32,
        first: Box<Node>,
        second: Box<Node>,
    },
}

impl Node {
    fn contains(&self, pane: TabId) -> bool {
        match self {
            Node::Leaf(p) => *p == pane,
            Node::Split { first, second, .. } => first.contains(pane) || second.contains(pane),
        }
    }

    fn leaves(&self, out: &mut Vec<TabId>) {
        match self {
            Node::Leaf(p) => out.push(*p),
            Node::Split { first, second, .. } => {
                first.leaves(out);
                second.leaves(out);
            }
        }
    }

    /// Panes along `axis` (Ghostty's equalize weight): a split on the same axis adds its
    /// children's, any other node counts one.
    fn weight(&self, along: Axis) -> usize {
        match self {
            Node::Split { axis, first, second, .. } if *axis == along => {
                first.weight(along) + second.weight(along)
            }
            _ => 1,
        }
    }

    fn equalize(&mut self) {
        if let Node::Split { axis, ratio, first, second } = self {
            first.equalize();
            second.equalize();
            let (a, b) = (first.weight(*axis), second.weight(*axis));
            *ratio = a as f32 / (a + b) as f32;
        }
    }

    fn first_leaf(&self) -> TabId {
        match self {
            Node::Leaf(p) => *p,
            Node::Split { first, .. } => first.first_leaf(),
        }
    }

    fn last_leaf(&self) -> TabId {
        match self {
            Node::Leaf(p) => *p,
            Node::Split { second, .. } => second.last_leaf(),
        }
    }
}

/// Cells of size `cell` (pixels) that fit in `extent` pixels, at least 1.
fn cells_in(extent: f32, cell: f32) -> usize {
    if cell <= 0.0 || !extent.is_finite() {
        return 1;
    }
    // A hair of tolerance: 3 × 8.0 px computed as 23.999… still holds three cells.
    ((extent + 1e-3) / cell).floor().max(1.0) as usize
}

/// The first child's cells of a split with `total` cells and `ratio`: rounded, and leaving at
/// least one cell to each child when there are two.
fn first_cells(ratio: f32, total: usize) -> usize {
    if total < 2 {
        return 1;
    }
    let r = if ratio.is_finite() { ratio.clamp(0.0, 1.0) } else { 0.5 };
    ((r * total as f32).round() as usize).clamp(1, total - 1)
}

/// The pane tree of one tab. Never empty: the last pane's close closes the tab instead.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneTree {
    root: Node,
    /// The pane shown over the whole tab area, if one is zoomed.
    zoomed: Option<TabId>,
}

/// What [`PaneTree::remove`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// Not in this tree.
    NotFound,
    /// It was the only pane: the tree is unchanged (the tab goes with it).
    Last,
    /// Removed; its sibling took its space, and this pane of the sibling (the one nearest
    /// to where the removed pane was) is the one to focus if the removed one had focus.
    Removed { neighbour: TabId },
}

impl PaneTree {
    /// A tree of one pane.
    pub fn new(pane: TabId) -> PaneTree {
        PaneTree { root: Node::Leaf(pane), zoomed: None }
    }

    /// Every pane, in tree order (left/top first).
    pub fn panes(&self) -> Vec<TabId> {
        let mut v = Vec::new();
        self.root.leaves(&mut v);
        v
    }

    pub fn len(&self) -> usize {
        self.panes().len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, pane: TabId) -> bool {
        self.root.contains(pane)
    }

    /// The zoomed pane, if any.
    pub fn zoomed(&self) -> Option<TabId> {
        self.zoomed
    }

    /// Zoom `pane` to the whole tab area (`Some`), or show every pane again (`None`). A pane
    /// not in the tree, or the only pane, is not zoomed (nothing changes). Returns whether anything changed.
    pub fn set_zoom(&mut self, pane: Option<TabId>) -> bool {
        if pane.is_some_and(|p| !self.contains(p) || matches!(self.root, Node::Leaf(_))) {
            return false;
        }
        let new = pane;
        let changed = new != self.zoomed;
        self.zoomed = new;
        changed
    }

    /// Put `new` beside `target`: to its right (`Horizontal`) or below it (`Vertical`), the
    /// two sharing `target`'s space equally. With `before`, `new` goes left of / above it.
    /// Returns false (and changes nothing) when `target` is not in the tree or `new` already is.
    pub fn split(&mut self, target: TabId, new: TabId, axis: Axis, before: bool) -> bool {
        if self.contains(new) || !self.contains(target) {
            return false;
        }
        fn go(node: &mut Node, target: TabId, new: TabId, axis: Axis, before: bool) -> bool {
            match node {
                Node::Leaf(p) if *p == target => {
                    let (a, b) = if before { (new, target) } else { (target, new) };
                    *node = Node::Split {
                        axis,
                        ratio: 0.5,
                        first: Box::new(Node::Leaf(a)),
                        second: Box::new(Node::Leaf(b)),
                    };
                    true
                }
                Node::Leaf(_) => false,
                Node::Split { first, second, .. } => {
                    go(first, target, new, axis, before) || go(second, target, new, axis, before)
                }
            }
        }
        // A new pane is shown: whatever was zoomed is not any more (Ghostty does the same).
        self.zoomed = None;
        go(&mut self.root, target, new, axis, before)
    }

    /// Remove `pane`; its sibling takes its space.
    pub fn remove(&mut self, pane: TabId) -> Removed {
        if !self.contains(pane) {
            return Removed::NotFound;
        }
        if self.root == Node::Leaf(pane) {
            return Removed::Last;
        }
        fn go(node: &mut Node, pane: TabId) -> Option<TabId> {
            let Node::Split { first, second, .. } = node else { return None };
            let removed_first = **first == Node::Leaf(pane);
            if !removed_first && **second != Node::Leaf(pane) {
                return go(first, pane).or_else(|| go(second, pane));
            }
            let keep = if removed_first { &mut **second } else { &mut **first };
            let keep = std::mem::replace(keep, Node::Leaf(pane));
            // The kept subtree's pane nearest to the removed one: its first when the removed
            // pane was before it, its last otherwise.
            let near = if removed_first { keep.first_leaf() } else { keep.last_leaf() };
            *node = keep;
            Some(near)
        }
        match go(&mut self.root, pane) {
            Some(neighbour) => {
                if self.zoomed == Some(pane) || matches!(self.root, Node::Leaf(_)) {
                    self.zoomed = None;
                }
                Removed::Removed { neighbour }
            }
            None => Removed::NotFound,
        }
    }

    /// Give every split the share its pane counts call for (Ghostty's equalize).
    pub fn equalize(&mut self) {
        self.root.equalize();
    }

    /// Lay the tree out in `area` (physical pixels). Zoomed: only the zoomed pane, over the
    /// whole area.
    pub fn layout(&self, area: PxRect, m: CellMetrics) -> PaneLayout {
        let mut out = PaneLayout::default();
        match self.zoomed {
            Some(p) => out.panes.push(leaf_place(p, area, m)),
            None => walk(&self.root, area, m, &mut out, &mut 0),
        }
        out
    }

    /// The layout as if nothing were zoomed (what focus movement and resizing work on).
    pub fn layout_unzoomed(&self, area: PxRect, m: CellMetrics) -> PaneLayout {
        let mut out = PaneLayout::default();
        walk(&self.root, area, m, &mut out, &mut 0);
        out
    }

    /// The pane next to `from` in `dir`, by the layout in `area`: of the panes beyond
    /// `from`'s edge on that side that share some of its extent across the direction, the
    /// nearest, then the one sharing the most (kitty's and WezTerm's rule).
    pub fn neighbour(
        &self,
        from: TabId,
        dir: Direction,
        area: PxRect,
        m: CellMetrics,
    ) -> Option<TabId> {
        let l = self.layout_unzoomed(area, m);
        let f = l.place(from)?.rect;
        let eps = 0.5;
        l.panes
            .iter()
            .filter(|p| p.pane != from)
            .filter_map(|p| {
                let r = p.rect;
                let (gap, overlap) = match dir {
                    Direction::Right => (r.x - (f.x + f.w), span(f.y, f.h, r.y, r.h)),
                    Direction::Left => (f.x - (r.x + r.w), span(f.y, f.h, r.y, r.h)),
                    Direction::Down => (r.y - (f.y + f.h), span(f.x, f.w, r.x, r.w)),
                    Direction::Up => (f.y - (r.y + r.h), span(f.x, f.w, r.x, r.w)),
                };
                (gap > -eps && overlap > eps).then_some((p.pane, gap, overlap))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1).then(b.2.total_cmp(&a.2)))
            .map(|(p, ..)| p)
    }

    /// Move the divider of the innermost split around `pane` on `dir`'s axis by `cells`
    /// cells in `dir` (Ghostty's resize_split). Each side keeps at least one cell. Returns
    /// whether a divider moved.
    pub fn resize(
        &mut self,
        pane: TabId,
        dir: Direction,
        cells: usize,
        area: PxRect,
        m: CellMetrics,
    ) -> bool {
        let l = self.layout_unzoomed(area, m);
        let path = self.path_to(pane);
        // The innermost split on the path with the right axis.
        let Some(split) = path
            .iter()
            .rev()
            .filter_map(|&i| l.splits.iter().find(|s| s.index == i))
            .find(|s| s.axis == dir.axis())
        else {
            return false;
        };
        let first = if dir.forward() {
            split.first.saturating_add(cells)
        } else {
            split.first.saturating_sub(cells)
        };
        self.set_first_cells(split, first)
    }

    /// Move split `index`'s divider to the pointer at `(x, y)` (pixels), snapped to whole
    /// cells: what dragging a divider does. Returns whether it moved.
    pub fn drag_divider(
        &mut self,
        index: usize,
        x: f32,
        y: f32,
        area: PxRect,
        m: CellMetrics,
    ) -> bool {
        let l = self.layout_unzoomed(area, m);
        let Some(split) = l.splits.iter().find(|s| s.index == index) else { return false };
        let (offset, cell) = match split.axis {
            Axis::Horizontal => (x - split.area.x, m.cell_w),
            Axis::Vertical => (y - split.area.y, m.cell_h),
        };
        if cell <= 0.0 || !offset.is_finite() {
            return false;
        }
        let first = (offset / cell).round().max(0.0) as usize;
        self.set_first_cells(split, first)
    }

    /// Give the split's first child `first` cells (clamped to leave one to each side).
    fn set_first_cells(&mut self, split: &SplitPlace, first: usize) -> bool {
        if split.total < 2 {
            return false;
        }
        let first = first.clamp(1, split.total - 1);
        if first == split.first {
            return false;
        }
        let Some(Node::Split { ratio, .. }) = self.split_mut(split.index) else { return false };
        *ratio = first as f32 / split.total as f32;
        true
    }

    /// The pre-order indexes of the splits from the root to `pane`.
    fn path_to(&self, pane: TabId) -> Vec<usize> {
        fn go(node: &Node, pane: TabId, counter: &mut usize, path: &mut Vec<usize>) -> bool {
            match node {
                Node::Leaf(p) => *p == pane,
                Node::Split { first, second, .. } => {
                    let me = *counter;
                    *counter += 1;
                    path.push(me);
                    if go(first, pane, counter, path) || go(second, pane, counter, path) {
                        return true;
                    }
                    path.pop();
                    false
                }
            }
        }
        let mut path = Vec::new();
        go(&self.root, pane, &mut 0, &mut path);
        path
    }

    fn split_mut(&mut self, index: usize) -> Option<&mut Node> {
        fn go<'a>(node: &'a mut Node, index: usize, counter: &mut usize) -> Option<&'a mut Node> {
            if !matches!(node, Node::Split { .. }) {
                return None;
            }
            if *counter == index {
                return Some(node);
            }
            *counter += 1;
            let Node::Split { first, second, .. } = node else { return None };
            if let Some(n) = go(first, index, counter) {
                return Some(n);
            }
            go(second, index, counter)
        }
        go(&mut self.root, index, &mut 0)
    }
}

/// Length (pixels) shared by the spans `[a, a + al)` and `[b, b + bl)`.
fn span(a: f32, al: f32, b: f32, bl: f32) -> f32 {
    ((a + al).min(b + bl) - a.max(b)).max(0.0)
}

fn leaf_place(pane: TabId, area: PxRect, m: CellMetrics) -> PanePlace {
    let cols = cells_in(area.w, m.cell_w);
    let lines = cells_in(area.h, m.cell_h);
    PanePlace {
        pane,
        rect: PxRect {
            x: area.x,
            y: area.y,
            w: cols as f32 * m.cell_w,
            h: lines as f32 * m.cell_h,
        },
        cols,
        lines,
    }
}

/// Lay `node` out in `area`; splits are numbered in pre-order from `counter`.
fn walk(node: &Node, area: PxRect, m: CellMetrics, out: &mut PaneLayout, counter: &mut usize) {
    match node {
        Node::Leaf(p) => out.panes.push(leaf_place(*p, area, m)),
        Node::Split { axis, ratio, first, second } => {
            let index = *counter;
            *counter += 1;
            let d = m.divider.max(0.0);
            let (extent, cell) = match axis {
                Axis::Horizontal => (area.w, m.cell_w),
                Axis::Vertical => (area.h, m.cell_h),
            };
            let total = if extent - d >= cell { cells_in(extent - d, cell) } else { 1 };
            let n = first_cells(*ratio, total);
            let a_len = n as f32 * cell;
            let b_len = (extent - a_len - d).max(0.0);
            let (a, divider, b) = match axis {
                Axis::Horizontal => (
                    PxRect { w: a_len, ..area },
                    PxRect { x: area.x + a_len, w: d, ..area },
                    PxRect { x: area.x + a_len + d, w: b_len, ..area },
                ),
                Axis::Vertical => (
                    PxRect { h: a_len, ..area },
                    PxRect { y: area.y + a_len, h: d, ..area },
                    PxRect { y: area.y + a_len + d, h: b_len, ..area },
                ),
            };
            out.splits.push(SplitPlace { index, axis: *axis, area, divider, total, first: n });
            walk(first, a, m, out, counter);
            walk(second, b, m, out, counter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: CellMetrics = CellMetrics { cell_w: 8.0, cell_h: 16.0, divider: 2.0 };

    fn t(n: u64) -> TabId {
        TabId(n)
    }

    /// 80 × 24 cells of 8 × 16 px, at (2, 2): 640 × 384 px.
    fn area() -> PxRect {
        PxRect { x: 2.0, y: 2.0, w: 640.0, h: 384.0 }
    }

    /// Every pane's rectangle is whole cells, inside the area, and no two overlap.
    fn check(l: &PaneLayout, area: PxRect) {
        for p in &l.panes {
            assert_eq!(p.rect.w, p.cols as f32 * M.cell_w, "{p:?}");
            assert_eq!(p.rect.h, p.lines as f32 * M.cell_h, "{p:?}");
            assert!(p.rect.x >= area.x && p.rect.x + p.rect.w <= area.x + area.w + 1e-3, "{p:?}");
            assert!(p.rect.y >= area.y && p.rect.y + p.rect.h <= area.y + area.h + 1e-3, "{p:?}");
            for q in &l.panes {
                if q.pane != p.pane {
                    let shared = span(p.rect.x, p.rect.w, q.rect.x, q.rect.w)
                        * span(p.rect.y, p.rect.h, q.rect.y, q.rect.h);
                    assert_eq!(shared, 0.0, "{p:?} overlaps {q:?}");
                }
            }
        }
    }

    #[test]
    fn one_pane_gets_the_whole_area_like_an_unsplit_tab() {
        let tree = PaneTree::new(t(1));
        let l = tree.layout(area(), M);
        assert_eq!(l.panes.len(), 1);
        assert_eq!((l.panes[0].cols, l.panes[0].lines), (80, 24));
        assert_eq!(l.panes[0].rect, area());
        assert!(l.splits.is_empty());
        // A sub-cell rest is left blank, never given to the pane.
        let l = tree.layout(PxRect { w: 645.0, h: 390.0, ..area() }, M);
        assert_eq!((l.panes[0].cols, l.panes[0].lines, l.panes[0].rect.w), (80, 24, 640.0));
    }

    #[test]
    fn splits_share_the_cells_around_the_divider() {
        let mut tree = PaneTree::new(t(1));
        assert!(tree.split(t(1), t(2), Axis::Horizontal, false));
        let l = tree.layout(area(), M);
        check(&l, area());
        // 640 px − 2 px divider = 79 whole cells: 40 + 39 (rounded half to the first).
        let (a, b) = (l.place(t(1)).unwrap(), l.place(t(2)).unwrap());
        assert_eq!((a.cols, a.lines, b.cols, b.lines), (40, 24, 39, 24));
        assert_eq!(a.rect.x, 2.0);
        assert_eq!(l.splits[0].divider, PxRect { x: 322.0, y: 2.0, w: 2.0, h: 384.0 });
        assert_eq!(b.rect.x, 324.0, "the second pane starts after the divider");
        assert!(tree.split(t(2), t(3), Axis::Vertical, false));
        let l = tree.layout(area(), M);
        check(&l, area());
        let (b, c) = (l.place(t(2)).unwrap(), l.place(t(3)).unwrap());
        // 384 − 2 = 382 px: 23 lines, 12 + 11.
        assert_eq!((b.lines, c.lines, b.cols, c.cols), (12, 11, 39, 39));
        assert_eq!(c.rect.y, 2.0 + 12.0 * 16.0 + 2.0);
        assert_eq!(tree.panes(), [t(1), t(2), t(3)]);
        assert!(!tree.split(t(9), t(4), Axis::Vertical, false), "no such target");
        assert!(!tree.split(t(1), t(3), Axis::Vertical, false), "3 is there already");
        assert!(tree.split(t(1), t(4), Axis::Horizontal, true));
        assert_eq!(tree.panes(), [t(4), t(1), t(2), t(3)], "before: to the left");
    }

    #[test]
    fn tiny_areas_still_give_every_pane_a_cell() {
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Horizontal, false);
        let l = tree.layout(PxRect { x: 0.0, y: 0.0, w: 5.0, h: 5.0 }, M);
        assert_eq!(l.panes.len(), 3);
        assert!(l.panes.iter().all(|p| p.cols >= 1 && p.lines >= 1));
        let l = tree.layout(PxRect { x: 0.0, y: 0.0, w: f32::NAN, h: 0.0 }, M);
        assert!(l.panes.iter().all(|p| p.cols >= 1 && p.lines >= 1), "no panic, no zero size");
    }

    #[test]
    fn removing_a_pane_gives_its_space_to_its_sibling() {
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Vertical, false);
        assert_eq!(tree.remove(t(7)), Removed::NotFound);
        // 1 | (2 / 3): removing 1 gives the whole area to 2 and 3; the nearest is 2.
        assert_eq!(tree.remove(t(1)), Removed::Removed { neighbour: t(2) });
        let l = tree.layout(area(), M);
        check(&l, area());
        assert_eq!(l.place(t(2)).unwrap().cols, 80);
        assert_eq!(tree.remove(t(3)), Removed::Removed { neighbour: t(2) });
        assert_eq!(tree.layout(area(), M).place(t(2)).unwrap().lines, 24);
        assert_eq!(tree.remove(t(2)), Removed::Last);
        assert_eq!(tree.panes(), [t(2)], "the last pane stays (the tab closes instead)");
        // Removing the first of a pair focuses the sibling subtree's first pane.
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Horizontal, false);
        tree.split(t(1), t(4), Axis::Vertical, false);
        assert_eq!(tree.remove(t(2)), Removed::Removed { neighbour: t(3) });
        assert_eq!(tree.remove(t(3)), Removed::Removed { neighbour: t(4) }, "the last of (1 / 4)");
    }

    #[test]
    fn neighbours_by_direction_prefer_the_nearest_then_the_longest_shared_edge() {
        // 1 | (2 / 3), then 1 split down into 1 / 4:
        // +---+---+
        // | 1 | 2 |
        // +---+---+
        // | 4 | 3 |
        // +---+---+
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Vertical, false);
        tree.split(t(1), t(4), Axis::Vertical, false);
        let n = |from, dir| tree.neighbour(t(from), dir, area(), M);
        assert_eq!(n(1, Direction::Right), Some(t(2)));
        assert_eq!(n(1, Direction::Down), Some(t(4)));
        assert_eq!(n(4, Direction::Right), Some(t(3)));
        assert_eq!(n(3, Direction::Up), Some(t(2)));
        assert_eq!(n(3, Direction::Left), Some(t(4)));
        assert_eq!(n(1, Direction::Left), None, "nothing beyond the edge: no wrap");
        assert_eq!(n(1, Direction::Up), None);
        assert_eq!(n(9, Direction::Up), None, "unknown pane");
        // The top-right pane 2 split down again: from 1, Right goes to the pane sharing
        // most of 1's edge.
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Vertical, false);
        tree.resize(t(2), Direction::Up, 8, area(), M);
        // 2 is now 4 lines tall, 3 is 18: 3 shares more of 1's right edge.
        assert_eq!(tree.neighbour(t(1), Direction::Right, area(), M), Some(t(3)));
    }

    #[test]
    fn keyboard_resizing_moves_the_innermost_divider_on_the_axis_by_cells() {
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Vertical, false);
        let cols = |tree: &PaneTree, p| tree.layout(area(), M).place(t(p)).unwrap().cols;
        let lines = |tree: &PaneTree, p| tree.layout(area(), M).place(t(p)).unwrap().lines;
        assert!(tree.resize(t(1), Direction::Right, 5, area(), M));
        assert_eq!((cols(&tree, 1), cols(&tree, 2)), (45, 34));
        assert!(tree.resize(t(3), Direction::Left, 10, area(), M), "from the right side too");
        assert_eq!((cols(&tree, 1), cols(&tree, 3)), (35, 44));
        assert!(tree.resize(t(3), Direction::Up, 2, area(), M));
        assert_eq!((lines(&tree, 2), lines(&tree, 3)), (10, 13));
        assert!(!tree.resize(t(1), Direction::Up, 2, area(), M), "1 has no split on that axis");
        assert!(tree.resize(t(1), Direction::Right, 1000, area(), M));
        assert_eq!((cols(&tree, 1), cols(&tree, 2)), (78, 1), "each side keeps a cell");
        assert!(!tree.resize(t(1), Direction::Right, 1, area(), M), "nothing left to give");
        check(&tree.layout(area(), M), area());
        tree.equalize();
        assert_eq!((cols(&tree, 1), cols(&tree, 2)), (40, 39));
        assert_eq!((lines(&tree, 2), lines(&tree, 3)), (12, 11));
    }

    #[test]
    fn equalize_weighs_panes_along_the_axis() {
        // 1 | 2 | 3 made by splitting 1 then 2: (1 | (2 | 3)) — equal thirds, not 1/2 1/4 1/4.
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Horizontal, false);
        tree.equalize();
        let wide = PxRect { x: 0.0, y: 0.0, w: 8.0 * 90.0 + 4.0, h: 160.0 };
        let l = tree.layout(wide, M);
        let cols: Vec<usize> = l.panes.iter().map(|p| p.cols).collect();
        assert_eq!(cols, [30, 30, 30]);
    }

    #[test]
    fn zoom_shows_one_pane_over_the_whole_area() {
        let mut tree = PaneTree::new(t(1));
        assert!(!tree.set_zoom(Some(t(1))), "a lone pane is never zoomed");
        tree.split(t(1), t(2), Axis::Vertical, false);
        assert!(tree.set_zoom(Some(t(2))));
        let l = tree.layout(area(), M);
        assert_eq!(l.panes.len(), 1);
        assert_eq!((l.panes[0].pane, l.panes[0].cols, l.panes[0].lines), (t(2), 80, 24));
        assert!(l.splits.is_empty(), "no divider while zoomed");
        assert_eq!(tree.layout_unzoomed(area(), M).panes.len(), 2);
        assert!(!tree.set_zoom(Some(t(9))));
        assert_eq!(tree.zoomed(), Some(t(2)), "an unknown pane changes nothing");
        assert!(tree.set_zoom(None));
        assert_eq!(tree.layout(area(), M).panes.len(), 2);
        tree.set_zoom(Some(t(2)));
        assert_eq!(tree.remove(t(2)), Removed::Removed { neighbour: t(1) });
        assert_eq!(tree.zoomed(), None, "the zoomed pane closed: unzoomed");
        tree.split(t(1), t(3), Axis::Horizontal, false);
        tree.set_zoom(Some(t(1)));
        tree.split(t(3), t(4), Axis::Horizontal, false);
        assert_eq!(tree.zoomed(), None, "a new split unzooms");
    }

    #[test]
    fn dividers_are_hit_within_slop_and_dragging_snaps_to_cells() {
        let mut tree = PaneTree::new(t(1));
        tree.split(t(1), t(2), Axis::Horizontal, false);
        tree.split(t(2), t(3), Axis::Vertical, false);
        let l = tree.layout(area(), M);
        // The vertical divider at x 322..324; the horizontal one (in the right half) at y
        // 2 + 192 = 194..196.
        let v = l.divider_at(323.0, 100.0, 3.0).unwrap();
        assert_eq!((v.index, v.axis), (0, Axis::Horizontal));
        assert_eq!(l.divider_at(320.0, 100.0, 3.0).map(|s| s.index), Some(0), "within slop");
        assert_eq!(l.divider_at(310.0, 100.0, 3.0), None);
        let h = l.divider_at(400.0, 195.0, 3.0).unwrap();
        assert_eq!((h.index, h.axis), (1, Axis::Vertical));
        assert_eq!(l.divider_at(100.0, 195.0, 3.0), None, "not across the left pane");
        // Drag the first divider to x = 2 + 20.4 cells: 20 cells on the left.
        assert!(tree.drag_divider(0, 2.0 + 20.4 * 8.0, 100.0, area(), M));
        let l = tree.layout(area(), M);
        check(&l, area());
        assert_eq!((l.place(t(1)).unwrap().cols, l.place(t(2)).unwrap().cols), (20, 59));
        assert!(!tree.drag_divider(0, 2.0 + 20.2 * 8.0, 100.0, area(), M), "same cell: no move");
        assert!(tree.drag_divider(0, -500.0, 100.0, area(), M));
        assert_eq!(tree.layout(area(), M).place(t(1)).unwrap().cols, 1, "clamped to a cell");
        assert!(!tree.drag_divider(5, 0.0, 0.0, area(), M), "no such split");
        // Points map to panes, the dividers and blank rest to the nearest.
        let l = tree.layout(area(), M);
        assert_eq!(l.pane_at(3.0, 3.0).map(|p| p.pane), Some(t(1)));
        assert_eq!(l.pane_at(600.0, 380.0).map(|p| p.pane), Some(t(3)));
        assert_eq!(l.pane_at(1000.0, 10.0).map(|p| p.pane), Some(t(2)), "beyond: nearest");
    }
}
