//! The terminal core: bytes in, screen state out. Pure — no I/O, no libuv, no PTY, no GL.
//!
//! It owns one terminal's state: the main grid with its scrollback, the alternate grid, the
//! side tables that cells reference (styles, hyperlinks, grapheme clusters), the cursor and
//! pen, modes, margins, tab stops, palette, titles, and the queue of replies for the program
//! (DA, DSR, DECRQSS…) and of events for the embedder (title, bell, clipboard…). Replies are
//! queued, never printed; the embedder writes them to the PTY (or drops them, as `replay`
//! does).
//!
//! Data flows one way: [`Term::advance`] runs bytes through [`parser::Parser`] (vte's state
//! machine), which calls the [`handler::Handler`] methods that `Term` implements here.
//! Readers (renderer, IPC `get-text`) look at [`Term::grid`], [`Term::cursor`] and
//! [`Term::style`].
//!
//! Memory layout: see [`cell`] (8-byte cells), [`tables`] (reference-counted side tables) and
//! [`grid`] (ring of rows, history grows with use).

pub mod cell;
pub mod charset;
pub mod conformance;
pub mod grid;
pub mod handler;
pub mod index;
pub mod modes;
pub mod parser;
mod rect;
mod reflow;
mod reports;
pub mod sgr;
pub mod style;
pub mod tables;
pub mod text;

use unicode_width::UnicodeWidthChar;

use cell::{Cell, Content, StyleId};
use charset::{CharsetIndex, Charsets, StandardCharset};
use grid::{Grid, RowFlags, fill, release_cell, release_cells, retain_cell};
use handler::*;
use index::{Column, Line, Point};
use modes::{ModeReport, Modes, MouseEncoding, MouseTracking};
use style::{Attrs, Rgb, Style};
use tables::{Hyperlink, LinkId, LinkIdent, SideTables};

pub use handler::{CursorShape, CursorStyle};

/// Default scrollback, in lines.
pub const DEFAULT_SCROLLBACK: usize = 10_000;
/// Bound on the title/icon-name stack (XTWINOPS 22/23).
const TITLE_STACK_MAX: usize = 16;
/// Bound on a title's length, in bytes.
const TITLE_MAX: usize = 4096;
/// Bound on the kitty keyboard flags stack, per screen.
const KEYBOARD_STACK_MAX: usize = 16;
/// Bound on the number of characters joined into one grapheme cluster.
const CLUSTER_MAX_BYTES: usize = 64;
/// Largest size a program may ask for (XTWINOPS 8, DECCOLM), per dimension.
const MAX_REQUESTED_SIZE: usize = 1000;

/// Settings the embedder chooses.
#[derive(Debug, Clone)]
pub struct TermConfig {
    pub scrollback_lines: usize,
    /// OSC 52 read (`?`): refused unless enabled.
    pub allow_clipboard_read: bool,
    /// XTWINOPS 20/21 (icon/title report): refused unless enabled.
    pub allow_title_report: bool,
    /// Apply XTWINOPS 8 / DECCOLM size requests to the terminal itself (headless tabs);
    /// when false only a [`TermEvent::ResizeRequest`] is emitted (the GUI resizes its window).
    pub apply_resize_requests: bool,
    /// The 256 palette colours plus default foreground, background and cursor.
    pub palette: Palette,
    /// Cursor style when the program asks for the default (DECSCUSR 0).
    pub cursor_style: CursorStyle,
    /// Cell size in pixels, for XTWINOPS 14/16 reports.
    pub cell_pixels: (u16, u16),
}

impl Default for TermConfig {
    fn default() -> Self {
        Self {
            scrollback_lines: DEFAULT_SCROLLBACK,
            allow_clipboard_read: false,
            allow_title_report: false,
            apply_resize_requests: false,
            palette: Palette::default(),
            cursor_style: CursorStyle::default(),
            cell_pixels: (8, 16),
        }
    }
}

/// The 256-colour palette and the three dynamic colours (xterm's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette(pub Box<[Rgb; COLOR_COUNT]>);

impl Default for Palette {
    fn default() -> Self {
        const BASE: [(u8, u8, u8); 16] = [
            (0x00, 0x00, 0x00),
            (0xcd, 0x00, 0x00),
            (0x00, 0xcd, 0x00),
            (0xcd, 0xcd, 0x00),
            (0x00, 0x00, 0xee),
            (0xcd, 0x00, 0xcd),
            (0x00, 0xcd, 0xcd),
            (0xe5, 0xe5, 0xe5),
            (0x7f, 0x7f, 0x7f),
            (0xff, 0x00, 0x00),
            (0x00, 0xff, 0x00),
            (0xff, 0xff, 0x00),
            (0x5c, 0x5c, 0xff),
            (0xff, 0x00, 0xff),
            (0x00, 0xff, 0xff),
            (0xff, 0xff, 0xff),
        ];
        let mut p = Box::new([Rgb::default(); COLOR_COUNT]);
        for (i, (r, g, b)) in BASE.iter().enumerate() {
            p[i] = Rgb::new(*r, *g, *b);
        }
        let level = |v: usize| if v == 0 { 0 } else { (55 + v * 40) as u8 };
        for i in 0..216 {
            p[16 + i] = Rgb::new(level(i / 36), level((i / 6) % 6), level(i % 6));
        }
        for i in 0..24 {
            let v = (8 + i * 10) as u8;
            p[232 + i] = Rgb::new(v, v, v);
        }
        p[COLOR_FOREGROUND] = Rgb::new(0xe5, 0xe5, 0xe5);
        p[COLOR_BACKGROUND] = Rgb::new(0x00, 0x00, 0x00);
        p[COLOR_CURSOR] = Rgb::new(0xe5, 0xe5, 0xe5);
        Palette(p)
    }
}

/// Things the embedder should act on; drained with [`Term::take_events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermEvent {
    TitleChanged,
    Bell,
    /// OSC 52 write: the decoded bytes for selection `c`/`p`/`s`/….
    ClipboardStore {
        selection: u8,
        data: Vec<u8>,
    },
    /// OSC 52 read, only when allowed: answer with [`Term::clipboard_reply`].
    ClipboardLoad {
        selection: u8,
        terminator: StringTerminator,
    },
    WorkingDirectory(String),
    /// XTWINOPS 8 / DECCOLM / DECSLPP: the program asks for this size (already applied when
    /// `apply_resize_requests`).
    ResizeRequest {
        cols: usize,
        lines: usize,
    },
    /// XTWINOPS window manipulation other than resizing.
    Window(WindowRequest),
    /// OSC 4/10/11/12/104/110-112 changed a colour.
    ColorsChanged,
    CursorStyleChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRequest {
    Iconify(bool),
    Raise,
    Lower,
    Refresh,
    /// 0 restore, 1 maximize, 2 vertically, 3 horizontally.
    Maximize(u16),
    /// 0 leave, 1 enter, 2 toggle.
    Fullscreen(u16),
    ResizePixels {
        width: u16,
        height: u16,
    },
}

/// The cursor and the "pen" that new characters are written with.
#[derive(Debug, Clone)]
pub struct Cursor {
    pub point: Point,
    /// The last column was just written: the next printable character wraps first.
    pub pending_wrap: bool,
    pen: Style,
    /// `pen` interned (holds one reference while `Some`).
    pen_id: Option<StyleId>,
    /// `pen.erase_style()` interned (holds one reference while `Some`).
    erase_id: Option<StyleId>,
    charsets: Charsets,
}

impl Cursor {
    fn new() -> Self {
        Self {
            point: Point::default(),
            pending_wrap: false,
            pen: Style::default(),
            pen_id: None,
            erase_id: None,
            charsets: Charsets::new(),
        }
    }

    pub fn pen(&self) -> &Style {
        &self.pen
    }
}

/// What DECSC saves.
#[derive(Debug, Clone)]
struct SavedCursor {
    point: Point,
    pending_wrap: bool,
    /// The pen without its hyperlink (links are not cursor state).
    pen: Style,
    charsets: Charsets,
    origin: bool,
}

/// Scroll region and left/right margins, inclusive, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Margins {
    top: usize,
    bottom: usize,
    left: usize,
    right: usize,
}

/// One terminal's complete state.
pub struct Term {
    main: Grid,
    alt: Grid,
    alt_active: bool,
    tables: SideTables,
    cursor: Cursor,
    /// DECSC slots: main screen, alternate screen.
    saved: [Option<SavedCursor>; 2],
    modes: Modes,
    mouse_tracking: MouseTracking,
    mouse_encoding: MouseEncoding,
    /// XTSAVE'd private modes.
    saved_modes: Vec<(u16, bool)>,
    margins: Margins,
    tabs: Vec<bool>,
    title: String,
    icon_name: String,
    title_stack: Vec<(String, String)>,
    palette: Palette,
    cursor_style: Option<CursorStyle>,
    /// Kitty keyboard protocol flag stacks: main screen, alternate screen.
    keyboard_flags: [Vec<u8>; 2],
    modify_other_keys: u16,
    /// The last printed graphic character (REP).
    preceding: Option<char>,
    /// A zero-width joiner was just attached: the next character may join its cluster.
    after_zwj: bool,
    /// Where the last graphic character went, and the cursor (with its pending wrap) right
    /// after: while the cursor is still there, zero-width characters attach to that cell.
    last_written: Option<(Point, Point, bool)>,
    conformance_level: u16,
    eight_bit_controls: bool,
    /// DECSACE: DECCARA/DECRARA act on a rectangle (true) or a stream (false).
    attr_change_rect: bool,
    working_directory: Option<String>,
    next_anonymous_link: u64,
    replies: Vec<u8>,
    events: Vec<TermEvent>,
    dirty: bool,
    config: TermConfig,
}

impl Drop for Term {
    fn drop(&mut self) {
        // Not needed for memory (the tables die with us) but keeps the counting honest in
        // debug builds: every reference is handed back before the tables go.
        if cfg!(debug_assertions) && !std::thread::panicking() {
            self.release_everything();
            debug_assert_eq!(self.tables.live(), (0, 0, 0), "side-table references leaked");
        }
    }
}

impl Term {
    pub fn new(cols: usize, lines: usize, config: TermConfig) -> Self {
        let cols = cols.max(1);
        let lines = lines.max(1);
        Self {
            main: Grid::new(cols, lines, config.scrollback_lines),
            alt: Grid::new(cols, lines, 0),
            alt_active: false,
            tables: SideTables::new(),
            cursor: Cursor::new(),
            saved: [None, None],
            modes: Modes::initial(),
            mouse_tracking: MouseTracking::None,
            mouse_encoding: MouseEncoding::X10,
            saved_modes: Vec::new(),
            margins: Margins { top: 0, bottom: lines - 1, left: 0, right: cols - 1 },
            tabs: default_tabs(cols),
            title: String::new(),
            icon_name: String::new(),
            title_stack: Vec::new(),
            palette: config.palette.clone(),
            cursor_style: None,
            keyboard_flags: [Vec::new(), Vec::new()],
            modify_other_keys: 0,
            preceding: None,
            after_zwj: false,
            last_written: None,
            conformance_level: 64,
            eight_bit_controls: false,
            attr_change_rect: false,
            working_directory: None,
            next_anonymous_link: 0,
            replies: Vec::new(),
            events: Vec::new(),
            dirty: true,
            config,
        }
    }

    // ---------------------------------------------------------------- reading the state

    #[inline]
    /// The pixel size of a cell, for XTWINOPS 14/16 t (the embedder's font).
    pub fn cell_pixels(&self) -> (u16, u16) {
        self.config.cell_pixels
    }

    /// The embedder's font changed size.
    pub fn set_cell_pixels(&mut self, width: u16, height: u16) {
        self.config.cell_pixels = (width.max(1), height.max(1));
    }

    pub fn cols(&self) -> usize {
        self.main.cols()
    }

    #[inline]
    pub fn lines(&self) -> usize {
        self.main.lines()
    }

    /// The grid on display (main or alternate).
    #[inline]
    pub fn grid(&self) -> &Grid {
        if self.alt_active { &self.alt } else { &self.main }
    }

    /// The main grid (with the scrollback), whichever is on display.
    pub fn main_grid(&self) -> &Grid {
        &self.main
    }

    pub fn is_alt_screen(&self) -> bool {
        self.alt_active
    }

    pub fn cursor(&self) -> &Cursor {
        &self.cursor
    }

    pub fn cursor_point(&self) -> Point {
        self.cursor.point
    }

    /// The cursor style to draw (the program's choice or the configured default).
    pub fn cursor_style(&self) -> CursorStyle {
        self.cursor_style.unwrap_or(self.config.cursor_style)
    }

    pub fn modes(&self) -> Modes {
        self.modes
    }

    pub fn mouse_tracking(&self) -> MouseTracking {
        self.mouse_tracking
    }

    pub fn mouse_encoding(&self) -> MouseEncoding {
        self.mouse_encoding
    }

    /// Current kitty keyboard protocol flags.
    pub fn keyboard_flags(&self) -> u8 {
        self.keyboard_flags[self.alt_active as usize].last().copied().unwrap_or(0)
    }

    pub fn modify_other_keys(&self) -> u16 {
        self.modify_other_keys
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn icon_name(&self) -> &str {
        &self.icon_name
    }

    pub fn working_directory(&self) -> Option<&str> {
        self.working_directory.as_deref()
    }

    pub fn palette(&self) -> &Palette {
        &self.palette
    }

    pub fn config(&self) -> &TermConfig {
        &self.config
    }

    /// The style a cell's id stands for.
    #[inline]
    pub fn style(&self, id: StyleId) -> Style {
        self.tables.style(id)
    }

    /// The text of a grapheme cluster.
    pub fn cluster(&self, id: cell::ClusterId) -> &str {
        self.tables.cluster(id)
    }

    pub fn hyperlink(&self, id: LinkId) -> Option<&Hyperlink> {
        self.tables.link(id)
    }

    pub fn tables(&self) -> &SideTables {
        &self.tables
    }

    /// True when something changed since the last [`Term::take_dirty`].
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Bytes the terminal wants sent to the program (replies to queries).
    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.replies)
    }

    pub fn has_replies(&self) -> bool {
        !self.replies.is_empty()
    }

    pub fn take_events(&mut self) -> Vec<TermEvent> {
        std::mem::take(&mut self.events)
    }

    /// Heap bytes held by grids and side tables (for stats and benchmarks).
    pub fn heap_bytes(&self) -> usize {
        self.main.heap_bytes() + self.alt.heap_bytes() + self.tables.heap_bytes()
    }

    // ---------------------------------------------------------------- driving it

    /// Feed bytes through a parser. The parser is kept by the caller (it belongs to the
    /// stream, not the screen).
    pub fn advance(&mut self, parser: &mut parser::Parser, bytes: &[u8]) {
        parser.advance(self, bytes);
    }

    /// Resize, reflowing soft-wrapped lines of the main screen when the width changes.
    pub fn resize(&mut self, cols: usize, lines: usize) {
        let cols = cols.max(1);
        let lines = lines.max(1);
        if cols == self.cols() && lines == self.lines() {
            return;
        }
        let old_cols = self.cols();
        // The main screen's cursor: the live one, or the one saved by 1049 while the
        // alternate screen is up.
        let main_cursor = if self.alt_active {
            self.saved[0].as_ref().map(|s| (s.point, s.pending_wrap)).unwrap_or_default()
        } else {
            (self.cursor.point, self.cursor.pending_wrap)
        };
        let (main_point, main_wrap) = if cols != old_cols {
            reflow::reflow(&mut self.main, &mut self.tables, cols, lines, main_cursor)
        } else {
            let shift =
                self.main.resize_truncate(cols, lines, main_cursor.0.line, &mut self.tables);
            (shift_point(main_cursor.0, shift, lines, cols), main_cursor.1)
        };
        let alt_point = if self.alt_active { self.cursor.point } else { Point::default() };
        let alt_shift = self.alt.resize_truncate(cols, lines, alt_point.line, &mut self.tables);
        if self.alt_active {
            self.cursor.point = shift_point(self.cursor.point, alt_shift, lines, cols);
            self.cursor.pending_wrap = false;
            if let Some(s) = self.saved[0].as_mut() {
                s.point = main_point;
                s.pending_wrap = main_wrap;
            }
            if let Some(s) = self.saved[1].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
            }
        } else {
            self.cursor.point = main_point;
            self.cursor.pending_wrap = main_wrap;
            if let Some(s) = self.saved[0].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
                s.pending_wrap = false;
            }
            if let Some(s) = self.saved[1].as_mut() {
                s.point = clamp_point(s.point, lines, cols);
            }
        }
        self.tabs.resize(cols, false);
        for c in old_cols..cols {
            self.tabs[c] = c % 8 == 0 && c != 0;
        }
        self.margins = Margins { top: 0, bottom: lines - 1, left: 0, right: cols - 1 };
        self.dirty = true;
    }

    /// Change the scrollback limit at run time.
    pub fn set_scrollback(&mut self, lines: usize) {
        self.config.scrollback_lines = lines;
        self.main.set_max_history(lines, &mut self.tables);
    }

    /// The reply to an allowed OSC 52 read.
    pub fn clipboard_reply(&mut self, selection: u8, data: &[u8], terminator: StringTerminator) {
        let osc = self.osc_intro();
        let st = self.string_terminator(terminator);
        let encoded = base64_encode(data);
        self.replies.extend_from_slice(osc);
        self.replies.extend_from_slice(format!("52;{};", selection as char).as_bytes());
        self.replies.extend_from_slice(encoded.as_bytes());
        self.replies.extend_from_slice(st);
    }

    /// Recount every side-table reference from the cells and the pen, and compare with the
    /// tables' counts. For tests: any mismatch is a bug in reference keeping.
    pub fn verify_references(&self) -> Result<(), String> {
        use std::collections::HashMap;
        let mut styles: HashMap<u32, u32> = HashMap::new();
        let mut clusters: HashMap<u32, u32> = HashMap::new();
        let mut links: HashMap<u32, u32> = HashMap::new();
        for grid in [&self.main, &self.alt] {
            for row in grid.all_rows() {
                for cell in row.cells() {
                    if cell.style().0 != 0 {
                        *styles.entry(cell.style().0).or_default() += 1;
                        if !row.flags().contains(RowFlags::HAS_REFS) {
                            return Err("a row holds references without HAS_REFS".into());
                        }
                    }
                    if let Some(id) = cell.cluster() {
                        *clusters.entry(id.0).or_default() += 1;
                    }
                }
            }
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
        for grid in [&self.main, &self.alt] {
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
        if self.tabs.len() != cols {
            return Err("tab stops not sized to the grid".into());
        }
        self.verify_references()
    }

    // ---------------------------------------------------------------- internals: pen

    fn grid_mut(&mut self) -> &mut Grid {
        if self.alt_active { &mut self.alt } else { &mut self.main }
    }

    /// The interned pen (cached; the cache holds one reference).
    #[inline]
    fn pen_id(&mut self) -> StyleId {
        match self.cursor.pen_id {
            Some(id) => id,
            None => {
                let id = self.tables.intern_style(&self.cursor.pen);
                self.cursor.pen_id = Some(id);
                id
            }
        }
    }

    /// The blank cell erasing operations write (xterm's background-colour erase).
    #[inline]
    fn erase_cell(&mut self) -> Cell {
        let id = match self.cursor.erase_id {
            Some(id) => id,
            None => {
                let id = self.tables.intern_style(&self.cursor.pen.erase_style());
                self.cursor.erase_id = Some(id);
                id
            }
        };
        Cell::blank(id)
    }

    /// A written blank: a space in the erase style. xterm tells these apart from erased
    /// (empty) cells, and so must we, for DECRQCRA: ECH, ICH, DECIC, SR, DECERA, DECSERA and
    /// the erasures to the left of the cursor (EL 1, ED 1) write blanks; erasures to the right,
    /// whole-line erasures, scrolling and deletions leave cells empty.
    #[inline]
    fn written_blank(&mut self) -> Cell {
        let erased = self.erase_cell();
        Cell::with_char(' ', erased.style(), false)
    }

    fn set_pen(&mut self, pen: Style) {
        if pen == self.cursor.pen {
            return;
        }
        if let Some(id) = self.cursor.pen_id.take() {
            self.tables.release_style(id);
        }
        if pen.bg != self.cursor.pen.bg
            && let Some(id) = self.cursor.erase_id.take()
        {
            self.tables.release_style(id);
        }
        self.cursor.pen = pen;
    }

    /// Set the pen's hyperlink, keeping the pen's own reference on it.
    fn set_pen_link(&mut self, link: LinkId) {
        let old = self.cursor.pen.link;
        if old == link {
            self.tables.links.release(link.0);
            return;
        }
        let pen = Style { link, ..self.cursor.pen };
        self.set_pen(pen);
        self.tables.links.release(old.0);
    }

    fn release_pen(&mut self) {
        for id in [self.cursor.pen_id.take(), self.cursor.erase_id.take()].into_iter().flatten() {
            self.tables.release_style(id);
        }
        let link = std::mem::take(&mut self.cursor.pen.link);
        self.tables.links.release(link.0);
    }

    fn release_everything(&mut self) {
        self.release_pen();
        self.main.release_all(&mut self.tables);
        self.alt.release_all(&mut self.tables);
    }

    // ---------------------------------------------------------------- internals: geometry

    /// The right edge the cursor wraps at: the right margin when the cursor is inside the
    /// margins, else the screen edge.
    #[inline]
    fn wrap_edge(&self) -> usize {
        if self.cursor.point.column.0 <= self.margins.right {
            self.margins.right
        } else {
            self.cols() - 1
        }
    }

    #[inline]
    fn in_lr_margins(&self) -> bool {
        let c = self.cursor.point.column.0;
        c >= self.margins.left && c <= self.margins.right
    }

    #[inline]
    fn in_tb_margins(&self) -> bool {
        let l = self.cursor.point.line.0;
        l >= self.margins.top && l <= self.margins.bottom
    }

    fn set_cursor(&mut self, line: usize, col: usize) {
        self.cursor.point =
            Point::new(Line(line.min(self.lines() - 1)), Column(col.min(self.cols() - 1)));
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    /// Left margin to return to: the margin when the cursor is right of it, else column 0.
    fn line_start(&self) -> usize {
        if self.cursor.point.column.0 >= self.margins.left { self.margins.left } else { 0 }
    }

    // ---------------------------------------------------------------- internals: printing

    /// Write one character of display width 1 or 2 at the cursor.
    #[inline]
    fn write_char(&mut self, c: char, width: usize) {
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
        self.dirty = true;
    }

    #[inline]
    fn note_written(&mut self, cell: Point) {
        self.last_written = Some((cell, self.cursor.point, self.cursor.pending_wrap));
    }

    /// The ASCII fast path: width 1, identity charset, no insert mode, no wrap pending, and the
    /// target cell is a plain character. Returns false when the general path is needed.
    #[inline(always)]
    fn try_print_ascii(&mut self, c: char) -> bool {
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
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
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
        self.dirty = true;
        true
    }

    /// Write printable ASCII into the cursor's row from `col`, all with the pen's (interned)
    /// style, which the caller guarantees. The run fits before the wrap edge.
    #[inline]
    fn write_ascii_cells(&mut self, col: usize, bytes: &[u8]) {
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
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
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
    fn put_cells(&mut self, line: Line, col: usize, cells: &[Cell]) {
        let cols = self.cols();
        if col >= cols {
            return;
        }
        let end = (col + cells.len()).min(cols);
        self.split_wide_at(line, col);
        self.split_wide_at(line, end);
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
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
    fn split_wide_at(&mut self, line: Line, col: usize) {
        if col == 0 || col >= self.cols() {
            return;
        }
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
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

    /// Fill `line[from..to)` with `value` (clipped), keeping wide characters whole.
    fn fill_cells(&mut self, line: Line, from: usize, to: usize, value: Cell, kind: Erase) {
        let to = to.min(self.cols());
        if from >= to {
            return;
        }
        self.split_wide_at(line, from);
        self.split_wide_at(line, to);
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
        let row = grid.row_mut(line);
        if kind != Erase::All {
            for i in from..to {
                let old = row.cells[i];
                if tables.style(old.style()).attrs.contains(Attrs::PROTECTED) {
                    continue;
                }
                // DECSED/DECSEL/DECSERA erase characters but keep the cell's rendition; for
                // DECSED a cell that was empty stays empty (what xterm's checksums show). The
                // right half of a wide character goes with its left half (same style, so both
                // or neither are protected).
                let stays_empty = old.content() == Content::Empty && !old.is_spacer();
                let new = if kind == Erase::UnprotectedWritten && stays_empty {
                    old
                } else {
                    value.restyled(old.style())
                };
                retain_cell(new, tables);
                release_cell(old, tables);
                row.cells[i] = new;
            }
            return;
        }
        fill(&mut row.cells[from..to], value, tables);
        if value.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
        if from == 0 && to == row.cells.len() && !value.holds_refs() {
            row.flags.remove(RowFlags::HAS_REFS);
        }
    }

    /// Shift `line[col..=edge]` right by `n`, dropping what passes `edge`, blanking the gap.
    fn shift_right(&mut self, line: Line, col: usize, edge: usize, n: usize) {
        if col > edge {
            return;
        }
        let blank = self.written_blank();
        let n = n.min(edge + 1 - col);
        self.split_wide_at(line, col);
        self.split_wide_at(line, edge + 1);
        // The cells that will be pushed past the edge may start a wide pair that would be cut.
        self.split_wide_at(line, edge + 1 - n);
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
        let row = grid.row_mut(line);
        let seg = &mut row.cells[col..=edge];
        let len = seg.len();
        release_cells(&seg[len - n..], tables);
        seg.copy_within(0..len - n, n);
        for c in &mut seg[..n] {
            retain_cell(blank, tables);
            *c = blank;
        }
        if blank.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
    }

    /// Shift `line[col+n..=edge]` left to `col`, blanking the freed cells at the edge.
    fn shift_left(&mut self, line: Line, col: usize, edge: usize, n: usize) {
        if col > edge {
            return;
        }
        let blank = self.erase_cell();
        let n = n.min(edge + 1 - col);
        self.split_wide_at(line, col);
        self.split_wide_at(line, col + n);
        self.split_wide_at(line, edge + 1);
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
        let row = grid.row_mut(line);
        let seg = &mut row.cells[col..=edge];
        let len = seg.len();
        release_cells(&seg[..n], tables);
        seg.copy_within(n..len, 0);
        for c in &mut seg[len - n..] {
            retain_cell(blank, tables);
            *c = blank;
        }
        if blank.holds_refs() {
            row.flags |= RowFlags::HAS_REFS;
        }
    }

    /// Attach a zero-width character (combining mark, ZWJ, variation selector) to the cell
    /// before the cursor.
    fn attach_zero_width(&mut self, c: char) {
        self.after_zwj = c == '\u{200D}';
        let Some((line, col)) = self.previous_cell() else { return };
        let cell = self.grid().row(line).cells()[col];
        // The cluster's text, built in a stack buffer (clusters are bounded).
        let mut buf = [0u8; CLUSTER_MAX_BYTES];
        let mut len = 0;
        let mut push = |s: &str| -> bool {
            if len + s.len() > CLUSTER_MAX_BYTES {
                return false;
            }
            buf[len..len + s.len()].copy_from_slice(s.as_bytes());
            len += s.len();
            true
        };
        let base_ok = match cell.content() {
            Content::Empty => false,
            Content::Char(base) => push(base.encode_utf8(&mut [0; 4])),
            Content::Cluster(id) => push(self.tables.cluster(id)),
        };
        if !base_ok || !push(c.encode_utf8(&mut [0; 4])) {
            return;
        }
        let Ok(text) = std::str::from_utf8(&buf[..len]) else { return };
        let Some(id) = self.tables.intern_cluster(text) else { return };
        let (grid, tables) = if self.alt_active {
            (&mut self.alt, &mut self.tables)
        } else {
            (&mut self.main, &mut self.tables)
        };
        let row = grid.row_mut(line);
        let target = &mut row.cells[col];
        if let Some(old) = target.cluster() {
            tables.clusters.release(old.0);
        }
        target.set_cluster(id);
        row.flags |= RowFlags::HAS_REFS;
        // VS16 asks for emoji presentation: a narrow base becomes wide when there is room.
        if c == '\u{FE0F}' && !target.is_wide() && col + 1 < row.cells.len() {
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
        self.dirty = true;
    }

    /// The cell the last printed character went to (left of the cursor, or under it when a
    /// wrap is pending, or at the end of the previous row when it wrapped).
    fn previous_cell(&self) -> Option<(Line, usize)> {
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
    fn previous_ends_with_zwj(&self) -> bool {
        let Some((line, col)) = self.previous_cell() else { return false };
        match self.grid().row(line).cells()[col].content() {
            Content::Cluster(id) => self.tables.cluster(id).ends_with('\u{200D}'),
            _ => false,
        }
    }

    /// The automatic wrap: mark the row as continued and move to the next line's start.
    fn wrap_line(&mut self) {
        let line = self.cursor.point.line;
        self.grid_mut().row_mut(line).flags |= RowFlags::WRAPPED;
        self.index_no_wrap_reset();
        let left = if self.in_lr_margins() { self.margins.left } else { 0 };
        self.cursor.point.column = Column(left);
        self.cursor.pending_wrap = false;
    }

    // ---------------------------------------------------------------- internals: scrolling

    fn index_no_wrap_reset(&mut self) {
        let line = self.cursor.point.line.0;
        if line == self.margins.bottom {
            if self.in_lr_margins() {
                self.scroll_up_region(self.margins.top, self.margins.bottom, 1);
            }
        } else if line + 1 < self.lines() {
            self.cursor.point.line = Line(line + 1);
        }
        self.dirty = true;
    }

    /// Scroll lines `top..=bottom` (within the left/right margins) up by `n`.
    fn scroll_up_region(&mut self, top: usize, bottom: usize, n: usize) {
        let n = n.min(bottom + 1 - top);
        if n == 0 {
            return;
        }
        let blank = self.erase_cell();
        let full_width = self.margins.left == 0 && self.margins.right == self.cols() - 1;
        if full_width {
            let full_screen = top == 0 && bottom == self.lines() - 1;
            let tables = &mut self.tables;
            let grid = if self.alt_active { &mut self.alt } else { &mut self.main };
            if full_screen && !self.alt_active {
                grid.scroll_up_into_history(n, blank, tables);
            } else {
                grid.scroll_rows_up(Line(top), Line(bottom), n, blank, tables);
            }
        } else {
            let (left, right) = (self.margins.left, self.margins.right);
            self.move_rect_rows(top, bottom, left, right, n, true, blank);
        }
        self.dirty = true;
    }

    /// Scroll lines `top..=bottom` (within the left/right margins) down by `n`.
    fn scroll_down_region(&mut self, top: usize, bottom: usize, n: usize) {
        let n = n.min(bottom + 1 - top);
        if n == 0 {
            return;
        }
        let blank = self.erase_cell();
        if self.margins.left == 0 && self.margins.right == self.cols() - 1 {
            let tables = &mut self.tables;
            let grid = if self.alt_active { &mut self.alt } else { &mut self.main };
            grid.scroll_rows_down(Line(top), Line(bottom), n, blank, tables);
        } else {
            let (left, right) = (self.margins.left, self.margins.right);
            self.move_rect_rows(top, bottom, left, right, n, false, blank);
        }
        self.dirty = true;
    }

    /// Move the cells of columns `left..=right` of rows `top..=bottom` up (or down) by `n`
    /// rows, blanking the rows uncovered. Used when left/right margins are set.
    #[allow(clippy::too_many_arguments)]
    fn move_rect_rows(
        &mut self,
        top: usize,
        bottom: usize,
        left: usize,
        right: usize,
        n: usize,
        up: bool,
        blank: Cell,
    ) {
        for line in top..=bottom {
            self.split_wide_at(Line(line), left);
            self.split_wide_at(Line(line), right + 1);
        }
        let tables = &mut self.tables;
        let grid = if self.alt_active { &mut self.alt } else { &mut self.main };
        let height = bottom + 1 - top;
        let n = n.min(height);
        // Drop the references of the rows that are scrolled out.
        let gone: Vec<usize> =
            if up { (top..top + n).collect() } else { (bottom + 1 - n..=bottom).collect() };
        for line in &gone {
            release_cells(&grid.row(Line(*line)).cells()[left..=right], tables);
        }
        let moves: Vec<(usize, usize)> = if up {
            (top..top + height - n).map(|dst| (dst + n, dst)).collect()
        } else {
            (top + n..=bottom).rev().map(|dst| (dst - n, dst)).collect()
        };
        for (src, dst) in moves {
            let seg: Vec<Cell> = grid.row(Line(src)).cells()[left..=right].to_vec();
            let src_refs = grid.row(Line(src)).flags().contains(RowFlags::HAS_REFS);
            let row = grid.row_mut(Line(dst));
            row.cells[left..=right].copy_from_slice(&seg);
            if src_refs {
                row.flags |= RowFlags::HAS_REFS;
            }
        }
        let cleared: Vec<usize> =
            if up { (bottom + 1 - n..=bottom).collect() } else { (top..top + n).collect() };
        for line in cleared {
            let row = grid.row_mut(Line(line));
            for c in &mut row.cells[left..=right] {
                retain_cell(blank, tables);
                *c = blank;
            }
            if blank.holds_refs() {
                row.flags |= RowFlags::HAS_REFS;
            }
        }
    }

    // ---------------------------------------------------------------- internals: replies

    fn csi_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9b" } else { b"\x1b[" }
    }

    fn dcs_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x90" } else { b"\x1bP" }
    }

    fn osc_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9d" } else { b"\x1b]" }
    }

    fn st(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9c" } else { b"\x1b\\" }
    }

    fn string_terminator(&self, t: StringTerminator) -> &'static [u8] {
        match t {
            StringTerminator::Bel => b"\x07",
            StringTerminator::St => self.st(),
        }
    }

    fn reply_csi(&mut self, body: &str) {
        let intro = self.csi_intro();
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
    }

    fn reply_dcs(&mut self, body: &str) {
        let (intro, st) = (self.dcs_intro(), self.st());
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
        self.replies.extend_from_slice(st);
    }

    // ---------------------------------------------------------------- internals: screens

    fn enter_alt_screen(&mut self, save_cursor: bool, clear: bool) {
        if save_cursor {
            self.save_cursor_slot(0);
        }
        if !self.alt_active {
            self.alt_active = true;
            self.modes.insert(Modes::ALT_SCREEN);
        }
        if clear {
            let blank = self.erase_cell();
            let cols = self.cols();
            let tables = &mut self.tables;
            for line in 0..self.alt.lines() {
                self.alt.row_mut(Line(line)).reset(cols, blank, tables);
            }
        }
        self.dirty = true;
    }

    fn leave_alt_screen(&mut self, restore_cursor: bool, clear_alt: bool) {
        if self.alt_active {
            if clear_alt {
                let cols = self.cols();
                let tables = &mut self.tables;
                for line in 0..self.alt.lines() {
                    self.alt.row_mut(Line(line)).wipe(cols, tables);
                }
            }
            self.alt_active = false;
            self.modes.remove(Modes::ALT_SCREEN);
        }
        if restore_cursor {
            self.restore_cursor_slot(0);
        }
        self.dirty = true;
    }

    fn save_cursor_slot(&mut self, slot: usize) {
        self.saved[slot] = Some(SavedCursor {
            point: self.cursor.point,
            pending_wrap: self.cursor.pending_wrap,
            pen: Style { link: LinkId::NONE, ..self.cursor.pen },
            charsets: self.cursor.charsets,
            origin: self.modes.contains(Modes::ORIGIN),
        });
    }

    fn restore_cursor_slot(&mut self, slot: usize) {
        let link = self.cursor.pen.link;
        match self.saved[slot].clone() {
            Some(s) => {
                self.set_pen(Style { link, ..s.pen });
                self.cursor.charsets = s.charsets;
                self.modes.set(Modes::ORIGIN, s.origin);
                let p = clamp_point(s.point, self.lines(), self.cols());
                self.cursor.point = p;
                self.cursor.pending_wrap = s.pending_wrap && p == s.point;
            }
            None => {
                // Nothing saved: home, default rendition, origin mode off (xterm).
                self.set_pen(Style { link, ..Style::default() });
                self.cursor.charsets = Charsets::new();
                self.modes.remove(Modes::ORIGIN);
                self.cursor.point = Point::default();
                self.cursor.pending_wrap = false;
            }
        }
        self.dirty = true;
    }

    fn reset_margins(&mut self) {
        self.margins =
            Margins { top: 0, bottom: self.lines() - 1, left: 0, right: self.cols() - 1 };
    }

    fn home_cursor(&mut self) {
        if self.modes.contains(Modes::ORIGIN) {
            self.set_cursor(self.margins.top, self.margins.left);
        } else {
            self.set_cursor(0, 0);
        }
    }

    /// Apply a size the program asked for (XTWINOPS 8, DECCOLM, DECSLPP).
    fn request_resize(&mut self, cols: usize, lines: usize) {
        let cols = cols.clamp(1, MAX_REQUESTED_SIZE);
        let lines = lines.clamp(1, MAX_REQUESTED_SIZE);
        if self.config.apply_resize_requests {
            self.resize(cols, lines);
        }
        self.events.push(TermEvent::ResizeRequest { cols, lines });
    }

    fn set_private_mode_inner(&mut self, mode: u16, on: bool) {
        if let Some(flag) = modes::private_flag(mode) {
            match mode {
                3 => {
                    if !self.modes.contains(Modes::ALLOW_COLUMN_MODE) {
                        return;
                    }
                    self.modes.set(flag, on);
                    let lines = self.lines();
                    self.request_resize(if on { 132 } else { 80 }, lines);
                    self.reset_margins();
                    if !self.modes.contains(Modes::NO_CLEAR_ON_COLM) {
                        self.erase_display(EraseMode::All, false);
                    }
                    self.set_cursor(0, 0);
                    return;
                }
                6 => {
                    self.modes.set(flag, on);
                    self.home_cursor();
                    return;
                }
                7 if !on => self.cursor.pending_wrap = false,
                12 => self.events.push(TermEvent::CursorStyleChanged),
                69 if !on => {
                    self.margins.left = 0;
                    self.margins.right = self.cols() - 1;
                }
                _ => (),
            }
            self.modes.set(flag, on);
            self.dirty = true;
            return;
        }
        if let Some(tracking) = MouseTracking::from_mode(mode) {
            if on {
                self.mouse_tracking = tracking;
            } else if self.mouse_tracking == tracking {
                self.mouse_tracking = MouseTracking::None;
            }
            return;
        }
        if let Some(encoding) = MouseEncoding::from_mode(mode) {
            if on {
                self.mouse_encoding = encoding;
            } else if self.mouse_encoding == encoding {
                self.mouse_encoding = MouseEncoding::X10;
            }
            return;
        }
        match mode {
            47 => {
                if on {
                    self.enter_alt_screen(false, false);
                } else {
                    self.leave_alt_screen(false, false);
                }
            }
            1047 => {
                if on {
                    self.enter_alt_screen(false, false);
                } else {
                    self.leave_alt_screen(false, true);
                }
            }
            1048 => {
                if on {
                    self.save_cursor_slot(self.alt_active as usize);
                } else {
                    self.restore_cursor_slot(self.alt_active as usize);
                }
            }
            1049 => {
                if on {
                    if !self.alt_active {
                        self.enter_alt_screen(true, true);
                    }
                } else if self.alt_active {
                    self.leave_alt_screen(true, false);
                }
            }
            _ => log::trace!("unknown private mode {mode}"),
        }
    }

    /// DECRQM's answer for a private mode.
    fn private_mode_report(&self, mode: u16) -> ModeReport {
        if let Some(flag) = modes::private_flag(mode) {
            return ModeReport::from_bool(self.modes.contains(flag));
        }
        if let Some(t) = MouseTracking::from_mode(mode) {
            return ModeReport::from_bool(self.mouse_tracking == t);
        }
        if let Some(e) = MouseEncoding::from_mode(mode) {
            return ModeReport::from_bool(self.mouse_encoding == e);
        }
        match mode {
            47 | 1047 | 1049 => ModeReport::from_bool(self.alt_active),
            // Always ANSI mode (no VT52 emulation): "set", as xterm answers.
            2 => ModeReport::Set,
            // Autorepeat belongs to the window system; xterm answers "permanently reset".
            8 => ModeReport::PermanentlyReset,
            // Save-cursor is an action; xterm answers "set".
            1048 => ModeReport::Set,
            // Grapheme clustering is always on.
            2027 => ModeReport::PermanentlySet,
            // Highlight mouse tracking: known, never enabled.
            1001 => ModeReport::PermanentlyReset,
            _ => ModeReport::NotRecognized,
        }
    }

    fn erase_display(&mut self, mode: EraseMode, selective: bool) {
        // xterm's selective ED (DECSED) leaves written blanks; plain ED leaves empty cells.
        let blank = if selective { self.written_blank() } else { self.erase_cell() };
        let kind = if selective { Erase::UnprotectedWritten } else { Erase::All };
        let cols = self.cols();
        let p = self.cursor.point;
        match mode {
            EraseMode::Below => {
                self.fill_cells(p.line, p.column.0, cols, blank, kind);
                for line in p.line.0 + 1..self.lines() {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
                if !selective {
                    self.grid_mut().row_mut(p.line).flags.remove(RowFlags::WRAPPED);
                }
            }
            EraseMode::Above => {
                for line in 0..p.line.0 {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
                let written = self.written_blank();
                self.fill_cells(p.line, 0, p.column.0 + 1, written, kind);
            }
            EraseMode::All => {
                for line in 0..self.lines() {
                    self.fill_cells(Line(line), 0, cols, blank, kind);
                    if !selective {
                        self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
                    }
                }
            }
            EraseMode::Saved => {
                if !selective && !self.alt_active {
                    self.main.clear_history(&mut self.tables);
                }
            }
        }
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn full_reset(&mut self) {
        let (cols, lines) = (self.cols(), self.lines());
        self.release_everything();
        let title = std::mem::take(&mut self.title);
        let icon = std::mem::take(&mut self.icon_name);
        let config = self.config.clone();
        let replies = std::mem::take(&mut self.replies);
        let events = std::mem::take(&mut self.events);
        let next_link = self.next_anonymous_link;
        let cwd = self.working_directory.take();
        // The old tables are empty now; a fresh Term replaces everything else.
        let old = std::mem::replace(self, Term::new(cols, lines, config));
        // `old` holds nothing any more; forget its debug check by dropping it normally.
        drop(old);
        self.title = title;
        self.icon_name = icon;
        self.replies = replies;
        self.events = events;
        self.next_anonymous_link = next_link;
        self.working_directory = cwd;
        self.events.push(TermEvent::ColorsChanged);
        self.events.push(TermEvent::CursorStyleChanged);
    }
}

impl Handler for Term {
    #[inline(always)]
    fn print(&mut self, c: char) {
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

    fn print_ascii(&mut self, mut run: &[u8]) {
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
        self.dirty = true;
    }

    fn bell(&mut self) {
        self.events.push(TermEvent::Bell);
    }

    fn backspace(&mut self) {
        let p = self.cursor.point;
        if self.cursor.pending_wrap {
            self.cursor.pending_wrap = false;
        }
        let start = self.line_start();
        if p.column.0 > start {
            self.cursor.point.column = Column(p.column.0 - 1);
        } else if self.modes.contains(Modes::REVERSE_WRAP | Modes::AUTOWRAP)
            && p.line.0 > 0
            && self.grid().row(Line(p.line.0 - 1)).is_wrapped()
        {
            // Reverse wraparound: back onto the end of the previous (wrapped) line.
            let edge = self.wrap_edge();
            self.cursor.point = Point::new(Line(p.line.0 - 1), Column(edge));
        }
        self.dirty = true;
    }

    fn tab(&mut self, count: usize) {
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

    fn backtab(&mut self, count: usize) {
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

    fn linefeed(&mut self) {
        self.index();
        if self.modes.contains(Modes::LINEFEED_NEWLINE) {
            self.carriage_return();
        }
    }

    fn carriage_return(&mut self) {
        self.cursor.point.column = Column(self.line_start());
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn index(&mut self) {
        self.index_no_wrap_reset();
        self.cursor.pending_wrap = false;
    }

    fn next_line(&mut self) {
        self.index();
        self.carriage_return();
    }

    fn reverse_index(&mut self) {
        let line = self.cursor.point.line.0;
        if line == self.margins.top {
            if self.in_lr_margins() {
                self.scroll_down_region(self.margins.top, self.margins.bottom, 1);
            }
        } else if line > 0 {
            self.cursor.point.line = Line(line - 1);
        }
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn back_index(&mut self) {
        let col = self.cursor.point.column.0;
        if col == self.margins.left && self.in_tb_margins() {
            self.insert_columns_at(self.margins.left, 1);
        } else if col > 0 {
            self.cursor.point.column = Column(col - 1);
        }
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn forward_index(&mut self) {
        let col = self.cursor.point.column.0;
        if col == self.margins.right && self.in_tb_margins() {
            self.delete_columns_at(self.margins.left, 1);
        } else if col + 1 < self.cols() {
            self.cursor.point.column = Column(col + 1);
        }
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn set_tab_stop(&mut self) {
        let col = self.cursor.point.column.0;
        self.tabs[col] = true;
    }

    fn clear_tab_stops(&mut self, mode: TabClear) {
        match mode {
            TabClear::Current => {
                let col = self.cursor.point.column.0;
                self.tabs[col] = false;
            }
            TabClear::All => self.tabs.iter_mut().for_each(|t| *t = false),
        }
    }

    fn reset_tab_stops(&mut self) {
        self.tabs = default_tabs(self.cols());
    }

    fn invoke_charset(&mut self, index: CharsetIndex, gr: bool) {
        self.cursor.charsets.invoke(index, gr);
    }

    fn single_shift(&mut self, index: CharsetIndex) {
        self.cursor.charsets.single_shift(index);
    }

    fn designate_charset(&mut self, index: CharsetIndex, charset: StandardCharset) {
        self.cursor.charsets.designate(index, charset);
    }

    fn move_up(&mut self, n: usize) {
        let line = self.cursor.point.line.0;
        let top = if line >= self.margins.top { self.margins.top } else { 0 };
        let col = self.cursor.point.column.0;
        self.set_cursor(line.saturating_sub(n).max(top), col);
    }

    fn move_down(&mut self, n: usize) {
        let line = self.cursor.point.line.0;
        let bottom =
            if line <= self.margins.bottom { self.margins.bottom } else { self.lines() - 1 };
        let col = self.cursor.point.column.0;
        self.set_cursor(line.saturating_add(n).min(bottom), col);
    }

    fn move_forward(&mut self, n: usize) {
        let col = self.cursor.point.column.0;
        let right = if col <= self.margins.right { self.margins.right } else { self.cols() - 1 };
        let line = self.cursor.point.line.0;
        self.set_cursor(line, col.saturating_add(n).min(right));
    }

    fn move_backward(&mut self, n: usize) {
        let col = self.cursor.point.column.0;
        let left = self.line_start();
        let line = self.cursor.point.line.0;
        self.set_cursor(line, col.saturating_sub(n).max(left));
    }

    fn move_down_and_cr(&mut self, n: usize) {
        self.move_down(n);
        self.carriage_return();
    }

    fn move_up_and_cr(&mut self, n: usize) {
        self.move_up(n);
        self.carriage_return();
    }

    fn goto(&mut self, line: usize, col: usize) {
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(
                line.saturating_add(m.top).min(m.bottom),
                col.saturating_add(m.left).min(m.right),
            );
        } else {
            self.set_cursor(line, col);
        }
    }

    fn goto_line(&mut self, line: usize) {
        let col = self.cursor.point.column.0;
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(line.saturating_add(m.top).min(m.bottom), col);
        } else {
            self.set_cursor(line, col);
        }
    }

    fn goto_col(&mut self, col: usize) {
        let line = self.cursor.point.line.0;
        if self.modes.contains(Modes::ORIGIN) {
            let m = self.margins;
            self.set_cursor(line, col.saturating_add(m.left).min(m.right));
        } else {
            self.set_cursor(line, col);
        }
    }

    fn insert_blank(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_lr_margins() {
            return;
        }
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let edge = self.margins.right;
        self.shift_right(line, col, edge, n);
        self.dirty = true;
    }

    fn delete_chars(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_lr_margins() {
            return;
        }
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let edge = self.margins.right;
        self.shift_left(line, col, edge, n);
        self.dirty = true;
    }

    fn erase_chars(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        let (line, col) = (self.cursor.point.line, self.cursor.point.column.0);
        let blank = self.written_blank();
        self.fill_cells(line, col, col.saturating_add(n), blank, Erase::All);
        self.dirty = true;
    }

    fn insert_lines(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_tb_margins() || !self.in_lr_margins() {
            return;
        }
        let line = self.cursor.point.line.0;
        self.scroll_down_region(line, self.margins.bottom, n);
        self.cursor.point.column = Column(self.margins.left);
    }

    fn delete_lines(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        if !self.in_tb_margins() || !self.in_lr_margins() {
            return;
        }
        let line = self.cursor.point.line.0;
        let blank = self.erase_cell();
        let full_width = self.margins.left == 0 && self.margins.right == self.cols() - 1;
        if full_width {
            let bottom = self.margins.bottom;
            let tables = &mut self.tables;
            let grid = if self.alt_active { &mut self.alt } else { &mut self.main };
            grid.scroll_rows_up(Line(line), Line(bottom), n, blank, tables);
        } else {
            let (l, r, b) = (self.margins.left, self.margins.right, self.margins.bottom);
            self.move_rect_rows(line, b, l, r, n, true, blank);
        }
        self.cursor.point.column = Column(self.margins.left);
        self.dirty = true;
    }

    fn insert_columns(&mut self, n: usize) {
        if self.in_tb_margins() && self.in_lr_margins() {
            self.insert_columns_at(self.cursor.point.column.0, n);
        }
    }

    fn delete_columns(&mut self, n: usize) {
        if self.in_tb_margins() && self.in_lr_margins() {
            self.delete_columns_at(self.cursor.point.column.0, n);
        }
    }

    fn scroll_up(&mut self, n: usize) {
        self.scroll_up_region(self.margins.top, self.margins.bottom, n);
    }

    fn scroll_left(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        self.delete_columns_at(self.margins.left, n);
    }

    fn scroll_right(&mut self, n: usize) {
        self.cursor.pending_wrap = false;
        self.insert_columns_at(self.margins.left, n);
    }

    fn scroll_down(&mut self, n: usize) {
        self.scroll_down_region(self.margins.top, self.margins.bottom, n);
    }

    fn erase_display(&mut self, mode: EraseMode, selective: bool) {
        Term::erase_display(self, mode, selective);
    }

    fn erase_line(&mut self, mode: EraseMode, selective: bool) {
        let blank = self.erase_cell();
        let kind = if selective { Erase::Unprotected } else { Erase::All };
        let p = self.cursor.point;
        let cols = self.cols();
        match mode {
            EraseMode::Below => self.fill_cells(p.line, p.column.0, cols, blank, kind),
            EraseMode::Above => {
                let written = self.written_blank();
                self.fill_cells(p.line, 0, p.column.0 + 1, written, kind)
            }
            EraseMode::All => self.fill_cells(p.line, 0, cols, blank, kind),
            EraseMode::Saved => return,
        }
        if !selective && mode != EraseMode::Above {
            self.grid_mut().row_mut(p.line).flags.remove(RowFlags::WRAPPED);
        }
        self.cursor.pending_wrap = false;
        self.dirty = true;
    }

    fn repeat_preceding(&mut self, n: usize) {
        let Some(c) = self.preceding else { return };
        // Printing one character many times is periodic once every row holds it: drop whole
        // rows' worth of repeats beyond a screenful, so a hostile `CSI 65535 b` stream costs
        // work in proportion to the screen, not to the count. The screen and cursor end up
        // exactly as if every repeat had been printed; only fewer identical rows scroll into
        // the history.
        let width = if (c as u32) < 0x7f { 1 } else { c.width().unwrap_or(1).clamp(1, 2) };
        let span = (self.margins.right + 1 - self.margins.left).max(1);
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

    fn decaln(&mut self) {
        self.reset_margins();
        self.set_pen(Style { link: self.cursor.pen.link, ..Style::default() });
        let cols = self.cols();
        let e = Cell::with_char('E', StyleId::DEFAULT, false);
        for line in 0..self.lines() {
            self.fill_cells(Line(line), 0, cols, e, Erase::All);
            self.grid_mut().row_mut(Line(line)).flags.remove(RowFlags::WRAPPED);
        }
        self.set_cursor(0, 0);
    }

    fn save_cursor(&mut self) {
        self.save_cursor_slot(self.alt_active as usize);
    }

    fn restore_cursor(&mut self) {
        self.restore_cursor_slot(self.alt_active as usize);
    }

    fn set_scroll_region(&mut self, top: Option<usize>, bottom: Option<usize>) {
        let top = top.unwrap_or(1).saturating_sub(1);
        let bottom = bottom.unwrap_or(self.lines()).min(self.lines()).saturating_sub(1);
        if top >= bottom {
            return;
        }
        self.margins.top = top;
        self.margins.bottom = bottom;
        self.home_cursor();
    }

    fn set_lr_margins(&mut self, left: Option<usize>, right: Option<usize>) {
        if !self.modes.contains(Modes::LR_MARGINS) {
            // Without DECLRMM, `CSI s` is SCOSC.
            self.save_cursor();
            return;
        }
        let left = left.unwrap_or(1).saturating_sub(1);
        let right = right.unwrap_or(self.cols()).min(self.cols()).saturating_sub(1);
        if left >= right {
            return;
        }
        self.margins.left = left;
        self.margins.right = right;
        self.home_cursor();
    }

    fn set_ansi_mode(&mut self, mode: u16, on: bool) {
        if let Some(flag) = modes::ansi_flag(mode) {
            self.modes.set(flag, on);
        }
    }

    fn set_private_mode(&mut self, mode: u16, on: bool) {
        self.set_private_mode_inner(mode, on);
    }

    fn report_mode(&mut self, mode: u16, private: bool) {
        let report = if private {
            self.private_mode_report(mode)
        } else {
            match modes::ansi_flag(mode) {
                Some(flag) => ModeReport::from_bool(self.modes.contains(flag)),
                None if modes::ANSI_PERMANENTLY_RESET.contains(&mode) => {
                    ModeReport::PermanentlyReset
                }
                None => ModeReport::NotRecognized,
            }
        };
        let marker = if private { "?" } else { "" };
        self.reply_csi(&format!("{marker}{mode};{}$y", report as u8));
    }

    fn save_private_modes(&mut self, list: &[u16]) {
        for &mode in list {
            let on = match self.private_mode_report(mode) {
                ModeReport::Set | ModeReport::PermanentlySet => true,
                ModeReport::Reset | ModeReport::PermanentlyReset => false,
                ModeReport::NotRecognized => continue,
            };
            match self.saved_modes.iter_mut().find(|(m, _)| *m == mode) {
                Some(entry) => entry.1 = on,
                None => self.saved_modes.push((mode, on)),
            }
        }
    }

    fn restore_private_modes(&mut self, list: &[u16]) {
        for &mode in list {
            if let Some(&(_, on)) = self.saved_modes.iter().find(|(m, _)| *m == mode) {
                self.set_private_mode_inner(mode, on);
            }
        }
    }

    fn set_keypad_application(&mut self, on: bool) {
        self.modes.set(Modes::APP_KEYPAD, on);
    }

    fn sgr(&mut self, params: &parser::CsiParams) {
        let mut pen = self.cursor.pen;
        sgr::apply_params(&mut pen, params);
        self.set_pen(pen);
    }

    fn set_cursor_style(&mut self, style: Option<CursorStyle>) {
        self.cursor_style = style;
        self.events.push(TermEvent::CursorStyleChanged);
        self.dirty = true;
    }

    fn set_protected(&mut self, on: bool) {
        let mut pen = self.cursor.pen;
        pen.attrs.set(Attrs::PROTECTED, on);
        self.set_pen(pen);
    }

    fn device_attributes(&mut self, which: DeviceAttributes) {
        self.report_device_attributes(which);
    }

    fn device_status(&mut self, n: u16, arg: u16, private: bool) {
        self.report_device_status(n, arg, private);
    }

    fn xtversion(&mut self) {
        self.reply_dcs(&format!(">|uvterm({})", env!("CARGO_PKG_VERSION")));
    }

    fn window_op(&mut self, params: &[u16]) {
        self.handle_window_op(params);
    }

    fn request_checksum(&mut self, id: u16, _page: u16, rect: RectParams) {
        // A VT400 feature: below that conformance level xterm does not answer.
        if self.conformance_level < 64 {
            return;
        }
        let sum = self.rect_checksum(rect);
        self.reply_dcs(&format!("{id}!~{sum:04X}"));
    }

    fn request_status_string(&mut self, request: &[u8]) {
        self.report_status_string(request);
    }

    fn request_termcap(&mut self, request: &[u8]) {
        self.report_termcap(request);
    }

    fn soft_reset(&mut self) {
        self.modes.insert(Modes::SHOW_CURSOR | Modes::AUTOWRAP);
        self.modes.remove(
            Modes::INSERT
                | Modes::ORIGIN
                | Modes::APP_CURSOR
                | Modes::APP_KEYPAD
                | Modes::REVERSE_WRAP
                | Modes::LR_MARGINS
                | Modes::KEYBOARD_LOCK,
        );
        self.reset_margins();
        let link = self.cursor.pen.link;
        self.set_pen(Style { link, ..Style::default() });
        self.cursor.charsets = Charsets::new();
        self.cursor.pending_wrap = false;
        self.saved[self.alt_active as usize] = None;
        self.dirty = true;
    }

    fn hard_reset(&mut self) {
        self.full_reset();
    }

    fn set_conformance_level(&mut self, level: u16, eight_bit: Option<bool>) {
        if !(61..=65).contains(&level) {
            return;
        }
        self.soft_reset();
        self.conformance_level = level;
        self.eight_bit_controls = level > 61 && eight_bit.unwrap_or(true);
    }

    fn set_eight_bit_controls(&mut self, on: bool) {
        if self.conformance_level > 61 {
            self.eight_bit_controls = on;
        }
    }

    fn fill_rect(&mut self, c: char, rect: RectParams) {
        self.rect_fill(c, rect);
    }

    fn erase_rect(&mut self, rect: RectParams, selective: bool) {
        self.rect_erase(rect, selective);
    }

    fn copy_rect(&mut self, src: RectParams, dst_top: u16, dst_left: u16) {
        self.rect_copy(src, dst_top, dst_left);
    }

    fn change_rect_attrs(&mut self, rect: RectParams, attrs: &[&[u16]], reverse: bool) {
        self.rect_change_attrs(rect, attrs, reverse);
    }

    fn set_attr_change_extent(&mut self, extent: u16) {
        match extent {
            0 | 1 => self.attr_change_rect = false,
            2 => self.attr_change_rect = true,
            _ => (),
        }
    }

    fn set_title(&mut self, title: &str) {
        self.title = truncate_utf8(title, TITLE_MAX).to_owned();
        self.events.push(TermEvent::TitleChanged);
    }

    fn set_icon_name(&mut self, name: &str) {
        self.icon_name = truncate_utf8(name, TITLE_MAX).to_owned();
    }

    fn push_title(&mut self) {
        if self.title_stack.len() >= TITLE_STACK_MAX {
            self.title_stack.remove(0);
        }
        self.title_stack.push((self.title.clone(), self.icon_name.clone()));
    }

    fn pop_title(&mut self) {
        if let Some((title, icon)) = self.title_stack.pop() {
            self.title = title;
            self.icon_name = icon;
            self.events.push(TermEvent::TitleChanged);
        }
    }

    fn set_color(&mut self, index: usize, color: Rgb) {
        if index < COLOR_COUNT {
            self.palette.0[index] = color;
            self.events.push(TermEvent::ColorsChanged);
            self.dirty = true;
        }
    }

    fn reset_color(&mut self, index: Option<usize>) {
        match index {
            Some(i) if i < COLOR_COUNT => self.palette.0[i] = self.config.palette.0[i],
            Some(_) => return,
            None => self.palette.0[..256].copy_from_slice(&self.config.palette.0[..256]),
        }
        self.events.push(TermEvent::ColorsChanged);
        self.dirty = true;
    }

    fn query_color(&mut self, osc: u16, index: usize, terminator: StringTerminator) {
        let Some(c) = self.palette.0.get(index).copied() else { return };
        let prefix = if osc == 4 { format!("4;{index}") } else { osc.to_string() };
        let body = format!(
            "{prefix};rgb:{:04x}/{:04x}/{:04x}",
            c.r as u16 * 257,
            c.g as u16 * 257,
            c.b as u16 * 257
        );
        let (intro, st) = (self.osc_intro(), self.string_terminator(terminator));
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
        self.replies.extend_from_slice(st);
    }

    fn set_working_directory(&mut self, uri: &str) {
        if let Some(path) = file_uri_path(uri) {
            self.working_directory = Some(path.clone());
            self.events.push(TermEvent::WorkingDirectory(path));
        }
    }

    fn set_hyperlink(&mut self, id: Option<&str>, uri: Option<&str>) {
        let link = match uri {
            None => LinkId::NONE,
            Some(uri) => {
                let ident = match id {
                    Some(id) => LinkIdent::Explicit(id.into()),
                    None => {
                        self.next_anonymous_link += 1;
                        LinkIdent::Anonymous(self.next_anonymous_link)
                    }
                };
                let link = Hyperlink { ident, uri: uri.into() };
                match self.tables.links.intern(&link) {
                    Some(id) => LinkId(id),
                    None => LinkId::NONE,
                }
            }
        };
        self.set_pen_link(link);
    }

    fn clipboard_store(&mut self, selection: u8, base64: &[u8]) {
        if let Some(data) = base64_decode(base64) {
            self.events.push(TermEvent::ClipboardStore { selection, data });
        }
    }

    fn clipboard_load(&mut self, selection: u8, terminator: StringTerminator) {
        if self.config.allow_clipboard_read {
            self.events.push(TermEvent::ClipboardLoad { selection, terminator });
        }
    }

    fn prompt_mark(&mut self, mark: PromptMark) {
        let flag = match mark {
            PromptMark::PromptStart => RowFlags::PROMPT_START,
            PromptMark::CommandStart => RowFlags::COMMAND_START,
            PromptMark::OutputStart => RowFlags::OUTPUT_START,
            PromptMark::CommandEnd => RowFlags::COMMAND_END,
        };
        let line = self.cursor.point.line;
        self.grid_mut().row_mut(line).flags |= flag;
    }

    fn push_keyboard_flags(&mut self, flags: u8) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
        if stack.len() >= KEYBOARD_STACK_MAX {
            stack.remove(0);
        }
        stack.push(flags & 0x1f);
    }

    fn pop_keyboard_flags(&mut self, n: usize) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
        let keep = stack.len().saturating_sub(n);
        stack.truncate(keep);
    }

    fn set_keyboard_flags(&mut self, flags: u8, mode: KeyboardFlagsMode) {
        let stack = &mut self.keyboard_flags[self.alt_active as usize];
        let current = stack.last().copied().unwrap_or(0);
        let new = match mode {
            KeyboardFlagsMode::Replace => flags,
            KeyboardFlagsMode::Union => current | flags,
            KeyboardFlagsMode::Difference => current & !flags,
        } & 0x1f;
        match stack.last_mut() {
            Some(top) => *top = new,
            None => stack.push(new),
        }
    }

    fn report_keyboard_flags(&mut self) {
        let flags = self.keyboard_flags();
        self.reply_csi(&format!("?{flags}u"));
    }

    fn set_modify_other_keys(&mut self, level: Option<u16>) {
        self.modify_other_keys = level.unwrap_or(0).min(2);
    }
}

impl Term {
    /// Printing beyond the ASCII fast path: charsets, widths, clusters, insert mode.
    fn print_general(&mut self, c: char) {
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
        let width = if (c as u32) < 0x7f { 1 } else { c.width().unwrap_or(0) };
        if width == 0 {
            self.attach_zero_width(c);
            return;
        }
        self.after_zwj = false;
        self.preceding = Some(c);
        self.write_char(c, width.min(2));
    }

    /// DECIC / DECBI: insert `n` blank columns at `col` in every line of the scroll region.
    fn insert_columns_at(&mut self, col: usize, n: usize) {
        let (top, bottom, right) = (self.margins.top, self.margins.bottom, self.margins.right);
        for line in top..=bottom {
            self.shift_right(Line(line), col, right, n);
        }
        self.dirty = true;
    }

    /// DECDC / DECFI: delete `n` columns at `col` in every line of the scroll region.
    fn delete_columns_at(&mut self, col: usize, n: usize) {
        let (top, bottom, right) = (self.margins.top, self.margins.bottom, self.margins.right);
        for line in top..=bottom {
            self.shift_left(Line(line), col, right, n);
        }
        self.dirty = true;
    }
}

/// Which cells an erasure touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Erase {
    /// Every cell (ED, EL, ECH, DECERA).
    All,
    /// Cells not protected by DECSCA (DECSEL, DECSERA).
    Unprotected,
    /// Unprotected cells that hold something (DECSED: empty cells stay empty).
    UnprotectedWritten,
}

/// Extended_Pictographic, approximately: the characters an emoji ZWJ sequence joins (UAX #29
/// GB11 joins `ExtPict Extend* ZWJ × ExtPict`; nothing else continues a cluster after ZWJ).
fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA
        | 0x231A..=0x23FF | 0x24C2 | 0x25AA..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935
        | 0x2B05..=0x2B55 | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

fn default_tabs(cols: usize) -> Vec<bool> {
    (0..cols).map(|c| c % 8 == 0 && c != 0).collect()
}

fn clamp_point(p: Point, lines: usize, cols: usize) -> Point {
    Point::new(Line(p.line.0.min(lines - 1)), Column(p.column.0.min(cols - 1)))
}

fn shift_point(p: Point, shift: isize, lines: usize, cols: usize) -> Point {
    let line = (p.line.0 as isize + shift).clamp(0, lines as isize - 1) as usize;
    clamp_point(Point::new(Line(line), p.column), lines, cols)
}

fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The path of a `file://host/path` URI (percent-decoded), or a bare absolute path.
fn file_uri_path(uri: &str) -> Option<String> {
    let path = if let Some(rest) = uri.strip_prefix("file://") {
        let slash = rest.find('/')?;
        &rest[slash..]
    } else if uri.starts_with('/') {
        uri
    } else {
        return None;
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    (!s.contains('\0')).then_some(s)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    out
}

pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b'\r' | b'\n' | b' ' => continue,
            _ => return None,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod xterm_tests;
