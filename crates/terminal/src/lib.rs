//! The terminal core: bytes in, screen state out. Pure — no I/O, no libuv, no PTY, no GL:
//! it is its own package (`uvterm-terminal`) so that the compiler keeps it that way.
//!
//! It owns one terminal's state: the primary and the alternate [`Screen`] (each with its
//! grid, saved cursor and keyboard-flag stack; the primary's grid keeps the scrollback), the
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
//!
//! Files by responsibility: `dispatch.rs` maps each parsed sequence to an operation;
//! `print.rs` (graphic characters), `scroll.rs` (scrolling, margins), `edit.rs` (erase,
//! insert, delete), `screen.rs` (the two screens, resize), `tabs.rs`, `modes.rs`,
//! `reports.rs` (replies), `colours.rs`, `osc.rs` (titles, links, clipboard, cwd),
//! `rect.rs` (rectangle operations), `reflow.rs`, `invariants.rs` (checks for tests);
//! [`selection`] and [`search`] read a `Term`'s text for the embedder.
//! Must not touch: descriptors, threads, clocks, the window — the embedder owns those.

pub mod cell;
pub mod charset;
mod colours;
pub mod conformance;
mod dispatch;
mod edit;
pub mod grid;
pub mod handler;
pub mod history;
pub mod history_block;
pub mod index;
mod invariants;
pub mod modes;
mod osc;
pub mod parser;
mod print;
mod rect;
mod reflow;
mod reports;
mod screen;
mod scroll;
pub mod search;
pub mod selection;
pub mod sgr;
pub mod style;
pub mod style_table;
pub mod tables;
mod tabs;
pub mod text;
pub mod width;
mod x11_colours;

pub use colours::Palette;
pub use history::{HeapUsage, TrimReport};

use cell::{Cell, Content, StyleId};
use charset::{CharsetIndex, Charsets, StandardCharset};
use grid::{Grid, RowFlags, fill, release_cell, release_cells, retain_cell};
use handler::*;
use index::{Column, Line, Point};
use modes::{ModeReport, Modes, MouseEncoding, MouseTracking};
use style::{Attrs, Rgb, Style};
use tables::{Hyperlink, LinkId, LinkIdent, SideTables};

use edit::Erase;
use osc::{TITLE_QUERY_HEX, base64_encode};
use scroll::Margins;

pub use screen::Screen;
pub use tabs::TabStops;

pub use handler::{CursorShape, CursorStyle};
pub use osc::NOTIFY_TEXT_MAX;

/// Default scrollback, in lines.
pub const DEFAULT_SCROLLBACK: usize = 10_000;
/// Bound on the kitty keyboard flags stack, per screen.
const KEYBOARD_STACK_MAX: usize = 16;
/// Largest size a program may ask for (XTWINOPS 8, DECCOLM), per dimension; embedders cap
/// their own size requests (window, IPC) at the same bound.
pub const MAX_REQUESTED_SIZE: usize = 1000;

/// What the embedders (the GUI's and the headless I/O threads) give
/// [`TermConfig::defer_compression_cells`]: 1.5 Mi cells, 12 MiB of plain rows, enough for the
/// default 10,000-line scrollback of up to 157 columns.
pub const DEFER_COMPRESSION_CELLS: usize = 3 << 19;

/// Settings the embedder chooses.
#[derive(Debug, Clone)]
pub struct TermConfig {
    /// The most lines of scrollback the primary screen keeps.
    pub scrollback_lines: usize,
    /// Keep history that has scrolled far off screen compressed (`scrollback.compress`):
    /// see [`grid`]. Off, every history row stays plain 8-byte cells.
    pub compress_history: bool,
    /// Cells of history beyond the newest [`grid::HOT_ROWS`] lines left plain while output
    /// flows, until the embedder calls [`Term::compress_deferred_history`] (once output has
    /// paused). 0, the default, compresses rows as they scroll in. A flood that pushes more
    /// lines through than the scrollback keeps then never compresses the lines it pushes out
    /// again; the cost is up to this many 8-byte cells held plain meanwhile
    /// ([`DEFER_COMPRESSION_CELLS`] is the embedders' choice).
    pub defer_compression_cells: usize,
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
            compress_history: true,
            defer_compression_cells: 0,
            allow_clipboard_read: false,
            allow_title_report: false,
            apply_resize_requests: false,
            palette: Palette::default(),
            cursor_style: CursorStyle::default(),
            cell_pixels: (8, 16),
        }
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
    /// OSC 133 A/B/C/D; `D ; status` carries the command's exit status.
    SemanticPrompt {
        mark: PromptMark,
        exit_status: Option<i32>,
    },
    /// A desktop notification (OSC 9, OSC 777 notify, OSC 99), each string at most
    /// `NOTIFY_TEXT_MAX` bytes.
    Notification {
        protocol: NotifyProtocol,
        title: String,
        body: String,
    },
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
    /// XTWINOPS 3: move the window's top-left corner to this screen position (pixels).
    Move {
        x: u16,
        y: u16,
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

/// One terminal's complete state.
pub struct Term {
    /// The screen on display: its grid is the one sequences act on.
    screen: Screen,
    /// The other screen: the primary while the alternate is up, else the alternate.
    inactive: Screen,
    /// The alternate screen is on display (`screen` is the alternate, `inactive` the primary).
    alt_active: bool,
    tables: SideTables,
    cursor: Cursor,
    modes: Modes,
    mouse_tracking: MouseTracking,
    mouse_encoding: MouseEncoding,
    /// [`modes::KEPT_MODES`] currently away from their default.
    kept_modes: Vec<u16>,
    /// XTSAVE'd private modes.
    saved_modes: Vec<(u16, bool)>,
    margins: Margins,
    tabs: TabStops,
    title: String,
    icon_name: String,
    /// XTWINOPS 22 entries: (title, icon name), each only if it was pushed.
    title_stack: Vec<(Option<String>, Option<String>)>,
    /// XTSMTITLE modes, one bit each (0-3); RIS clears them.
    title_modes: u8,
    /// [`Term::set_window_position`]: the window's and its text area's top-left corners.
    window_position: ((i32, i32), (i32, i32)),
    palette: Palette,
    cursor_style: Option<CursorStyle>,
    modify_other_keys: u16,
    /// The last printed graphic character (REP).
    preceding: Option<char>,
    /// A zero-width joiner was just attached: the next character may join its cluster.
    after_zwj: bool,
    /// The grapheme cluster being extended by a zero-width character, rebuilt on every
    /// attach (at most [`print::CLUSTER_MAX_BYTES`]; kept to reuse its allocation).
    cluster_scratch: String,
    /// Where the last graphic character went, and the cursor (with its pending wrap) right
    /// after: while the cursor is still there, zero-width characters attach to that cell.
    last_written: Option<(Point, Point, bool)>,
    conformance_level: u16,
    eight_bit_controls: bool,
    /// DECSACE: DECCARA/DECRARA act on a rectangle (true) or a stream (false).
    attr_change_rect: bool,
    /// SPA chose ISO protection (ED, EL and ECH spare guarded cells) until DECSCA or RIS.
    iso_protect: bool,
    working_directory: Option<String>,
    /// The host of the last OSC 7 URL (`file://HOST/path`; empty for none), so the
    /// embedder can ignore a directory on another machine.
    working_directory_host: String,
    next_anonymous_link: u64,
    /// A kitty notification (OSC 99) whose chunks (`d=0`) are still arriving.
    pending_notification: Option<osc::PendingNotification>,
    replies: Vec<u8>,
    events: Vec<TermEvent>,
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
        let mut term = Self {
            screen: Screen::new(cols, lines, config.scrollback_lines),
            inactive: Screen::new(cols, lines, 0),
            alt_active: false,
            tables: SideTables::new(),
            cursor: Cursor::new(),
            modes: Modes::initial(),
            mouse_tracking: MouseTracking::None,
            mouse_encoding: MouseEncoding::X10,
            kept_modes: Vec::new(),
            saved_modes: Vec::new(),
            margins: Margins::full(lines, cols),
            tabs: TabStops::new(cols),
            title: String::new(),
            icon_name: String::new(),
            title_stack: Vec::new(),
            title_modes: 0,
            window_position: ((0, 0), (0, 0)),
            palette: config.palette.clone(),
            cursor_style: None,
            modify_other_keys: 0,
            preceding: None,
            after_zwj: false,
            cluster_scratch: String::new(),
            last_written: None,
            conformance_level: 64,
            eight_bit_controls: false,
            attr_change_rect: false,
            iso_protect: false,
            working_directory: None,
            working_directory_host: String::new(),
            next_anonymous_link: 0,
            pending_notification: None,
            replies: Vec::new(),
            events: Vec::new(),
            config,
        };
        term.screen.grid.set_compression_deferral(term.config.defer_compression_cells);
        term.screen.grid.set_compression(term.config.compress_history, &mut term.tables);
        term
    }

    // ---------------------------------------------------------------- reading the state

    #[inline]
    /// Where the embedder's window is on the screen, for XTWINOPS 13 (pixels): its top-left
    /// corner, and the top-left corner of its text area (`13;2`).
    pub fn set_window_position(&mut self, window: (i32, i32), text_area: (i32, i32)) {
        self.window_position = (window, text_area);
    }

    /// The pixel size of a cell, for XTWINOPS 14/16 t (the embedder's font).
    pub fn cell_pixels(&self) -> (u16, u16) {
        self.config.cell_pixels
    }

    /// The embedder's font changed size.
    pub fn set_cell_pixels(&mut self, width: u16, height: u16) {
        self.config.cell_pixels = (width.max(1), height.max(1));
    }

    pub fn cols(&self) -> usize {
        self.screen.grid.cols()
    }

    #[inline]
    pub fn lines(&self) -> usize {
        self.screen.grid.lines()
    }

    /// The grid on display (main or alternate).
    #[inline]
    pub fn grid(&self) -> &Grid {
        &self.screen.grid
    }

    /// The main grid (with the scrollback), whichever is on display.
    pub fn main_grid(&self) -> &Grid {
        if self.alt_active { &self.inactive.grid } else { &self.screen.grid }
    }

    /// The main grid, mutable, with the side tables its cells refer to (whichever screen is
    /// on display: the history lives there).
    pub(crate) fn main_grid_mut(&mut self) -> (&mut Grid, &mut SideTables) {
        let grid = if self.alt_active { &mut self.inactive.grid } else { &mut self.screen.grid };
        (grid, &mut self.tables)
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
        self.screen.keyboard_flags.last().copied().unwrap_or(0)
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

    /// The host the program named with its last working directory (OSC 7's
    /// `file://HOST/path`): empty when it named none (`file:///path` or a bare path). A
    /// directory reported by a shell on another machine (over ssh) is not a place to open a
    /// local tab in; the embedder compares this with its own host name.
    pub fn working_directory_host(&self) -> &str {
        &self.working_directory_host
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

    /// Bytes the terminal wants sent to the program (replies to queries).
    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.replies)
    }

    pub fn take_events(&mut self) -> Vec<TermEvent> {
        std::mem::take(&mut self.events)
    }

    /// Heap bytes held by grids and side tables (for stats and benchmarks): the total of
    /// [`Term::heap_usage`].
    pub fn heap_bytes(&self) -> usize {
        self.heap_usage().total()
    }

    // ---------------------------------------------------------------- driving it

    /// Feed bytes through a parser. The parser is kept by the caller (it belongs to the
    /// stream, not the screen).
    pub fn advance(&mut self, parser: &mut parser::Parser, bytes: &[u8]) {
        parser.advance(self, bytes);
    }

    // ---------------------------------------------------------------- internals: pen

    pub(crate) fn grid_mut(&mut self) -> &mut Grid {
        &mut self.screen.grid
    }

    /// The interned pen (cached; the cache holds one reference).
    #[inline]
    pub(crate) fn pen_id(&mut self) -> StyleId {
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
    pub(crate) fn erase_cell(&mut self) -> Cell {
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
    pub(crate) fn written_blank(&mut self) -> Cell {
        let erased = self.erase_cell();
        Cell::with_char(' ', erased.style(), false)
    }

    pub(crate) fn set_pen(&mut self, pen: Style) {
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
    pub(crate) fn set_pen_link(&mut self, link: LinkId) {
        let old = self.cursor.pen.link;
        if old == link {
            self.tables.links.release(link.0);
            return;
        }
        let pen = Style { link, ..self.cursor.pen };
        self.set_pen(pen);
        self.tables.links.release(old.0);
    }

    pub(crate) fn release_pen(&mut self) {
        for id in [self.cursor.pen_id.take(), self.cursor.erase_id.take()].into_iter().flatten() {
            self.tables.release_style(id);
        }
        let link = std::mem::take(&mut self.cursor.pen.link);
        self.tables.links.release(link.0);
    }

    pub(crate) fn release_everything(&mut self) {
        self.release_pen();
        self.screen.grid.release_all(&mut self.tables);
        self.inactive.grid.release_all(&mut self.tables);
    }

    // ---------------------------------------------------------------- internals: cursor

    /// Move the cursor to `line`, `col`, clamped to the screen, leaving the pending-wrap state.
    pub(crate) fn set_cursor(&mut self, line: Line, col: Column) {
        self.cursor.point =
            Point::new(line.min(Line(self.lines() - 1)), col.min(Column(self.cols() - 1)));
        self.cursor.pending_wrap = false;
    }

    pub(crate) fn home_cursor(&mut self) {
        if self.modes.contains(Modes::ORIGIN) {
            self.set_cursor(self.margins.top, self.margins.left);
        } else {
            self.set_cursor(Line(0), Column(0));
        }
    }

    pub(crate) fn full_reset(&mut self) {
        let (cols, lines) = (self.cols(), self.lines());
        self.release_everything();
        let title = std::mem::take(&mut self.title);
        let icon = std::mem::take(&mut self.icon_name);
        let config = self.config.clone();
        let replies = std::mem::take(&mut self.replies);
        let events = std::mem::take(&mut self.events);
        let next_link = self.next_anonymous_link;
        let cwd = self.working_directory.take();
        let cwd_host = std::mem::take(&mut self.working_directory_host);
        let window_position = self.window_position;
        // xterm's RIS leaves 132-column mode (back to 80 columns) but keeps mode 40.
        let was_132 = self.modes.contains(Modes::COLUMN_132);
        let allow_colm = self.modes.contains(Modes::ALLOW_COLUMN_MODE);
        let geometry = self.main_grid().compression_geometry();
        // The old tables are empty now; a fresh Term replaces everything else.
        let old = std::mem::replace(self, Term::new(cols, lines, config));
        // `old` holds nothing any more; forget its debug check by dropping it normally.
        drop(old);
        self.set_history_compression_geometry(geometry.0, geometry.1);
        self.title = title;
        self.icon_name = icon;
        self.replies = replies;
        self.events = events;
        self.next_anonymous_link = next_link;
        self.working_directory = cwd;
        self.working_directory_host = cwd_host;
        self.window_position = window_position;
        self.modes.set(Modes::ALLOW_COLUMN_MODE, allow_colm);
        if was_132 {
            self.request_resize(80, lines);
        }
        self.events.push(TermEvent::ColorsChanged);
        self.events.push(TermEvent::CursorStyleChanged);
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod xterm_tests;
