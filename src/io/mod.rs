//! The I/O core: one libuv loop on its own thread drives every PTY, the IPC server and its
//! connections, timers and signals. It owns the tabs (their PTY masters, parsers and child
//! processes) and the logical windows that group them.
//!
//! Other threads talk to it through [`IoHandle`]: commands go into a queue and the loop is
//! woken with `uv_async_send` (which coalesces wakeups, so each wakeup drains the whole
//! queue). It talks back through an [`EventSink`] the embedder provides (the winit event
//! loop proxy in the GUI, a channel headless and in tests). Terminal state is shared as
//! `Arc<TabShared>`: parsed here as bytes arrive, read by the renderer under a short lock.
//!
//! Every request, the window's ([`Command`]) and IPC's (a line on the control socket, decoded
//! by the embedder's [`ControlCodec`]), becomes one [`Request`], validated and carried out in
//! one place (`IoState::execute`) against the limits below (ARCHITECTURE.md, "One command
//! path").
//!
//! Tabs and panes: every terminal (a PTY, its parser, its `Term`, its child) is a *pane*; a
//! *tab* is an ordered group of panes in one window. A tab's first pane has the tab's id, a
//! split's pane a fresh id from the same counter (never reused); a request naming a live
//! pane's id acts on that pane, one naming a tab whose first pane has closed acts on the
//! tab's focused pane (ARCHITECTURE.md, "Panes"). The internal `Tab` record in `state` is
//! one pane.
//!
//! Must not touch: windows, GL, input — those are the UI thread's; the IPC wire format (the
//! codec's). Names nothing from the `ipc`, `app` or `render` modules.

mod coalesce;
mod control;
pub use control::{MAX_LINE, SUBSCRIBER_QUEUE_BYTES};
mod ledger;
pub use ledger::{
    BUDGET_CHECK_BYTES, EVENT_KINDS, Event, EventMask, HeapParts, Ledger, LedgerConfig,
    LedgerTotals, MAX_PROCESSES_PER_TAB, ProcessLedger, TabLedger, WindowLedger, term_heap,
};
mod state;
mod sys;
mod trim;
pub(crate) mod uv;
mod watch;
pub use watch::{MAX_PENDING_RELOADS, MAX_WATCHED_FILES, SETTLE_MS};

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::pty::SpawnSpec;
use crate::term::{Term, TermConfig};

pub use coalesce::{MAX_PENDING_NOTICES, MAX_WINDOW_REQUESTS, UiEvents};
pub(crate) use state::IoState;
pub use state::TabKey;
pub(crate) use state::check_activation_token;
pub use sys::fix_heap_thresholds;
pub use sys::{allocator_in_use, current_uid, open_fds, peer_uid, rss_bytes};
pub use trim::{TRIM_CELLS, release_tab, term_cells};

/// A tab's or a pane's public id (stable for the process's life, never reused). Tabs and
/// panes share one counter: a tab's first pane has the tab's id, every other pane a fresh one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TabId(pub u64);

/// A window's public id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct WindowId(pub u64);

/// What a pane (one terminal) shares with the UI thread; `id` is the pane's id (for a tab's
/// first pane, the tab's id). The I/O thread parses into `term`; the renderer
/// locks it briefly to draw. `dirty` coalesces "output arrived" notifications: the I/O
/// thread notifies only when it flips false → true, the UI clears it when it draws.
pub struct TabShared {
    pub id: TabId,
    pub window: WindowId,
    pub term: Mutex<Term>,
    pub dirty: AtomicBool,
    /// Title, bell, clipboard, directory and window events not yet taken by the UI,
    /// coalesced so output cannot flood the UI (see [`UiEvents`]).
    pub ui: UiEvents,
}

/// A tab's shared state as carried by events (compared by identity).
#[derive(Clone)]
pub struct TabRef(pub Arc<TabShared>);

impl PartialEq for TabRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for TabRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TabRef({})", self.0.id.0)
    }
}

/// A tab or pane as returned when it opens.
#[derive(Clone)]
pub struct TabInfo {
    /// The new terminal's id: a new tab's id, or a split's new pane id.
    pub id: TabId,
    pub window: WindowId,
    /// The tab (group of panes) it belongs to: `id` itself for a new tab.
    pub tab: TabId,
    pub pid: i32,
    pub shared: Arc<TabShared>,
}

impl PartialEq for TabInfo {
    /// The same terminal (its shared state, by identity).
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl std::fmt::Debug for TabInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TabInfo")
            .field("id", &self.id)
            .field("window", &self.window)
            .field("tab", &self.tab)
            .finish()
    }
}

/// Which window a new tab goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowTarget {
    New,
    Existing(WindowId),
    /// The newest window, or a new one when there is none (`uvterm msg create-tab`).
    Newest,
}

/// A request to open a tab.
#[derive(Debug, Clone)]
pub struct OpenTab {
    pub window: WindowTarget,
    pub spec: SpawnSpec,
    /// The requester's startup-notification token (`XDG_ACTIVATION_TOKEN` on Wayland,
    /// `DESKTOP_STARTUP_ID` on X11) that lets a new window take focus (xdg-activation); at
    /// most [`MAX_ACTIVATION_TOKEN_BYTES`] of printable ASCII. Passed on with
    /// [`IoEvent::WindowOpened`] when the tab opens a new window, ignored otherwise.
    pub activation_token: Option<String>,
}

/// A snapshot of one window for `list`.
#[derive(Debug, Clone, Serialize)]
pub struct WindowInfo {
    pub id: WindowId,
    pub tabs: Vec<TabSummary>,
    /// Where the window draws its cells (reported by the GUI; absent headless).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
    /// The tab on display (GUI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_tab: Option<TabId>,
    /// Whether the window is fullscreen (GUI; as last reported with its geometry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullscreen: Option<bool>,
}

/// A GUI window's layout in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Geometry {
    pub width: u32,
    pub height: u32,
    /// Top-left corner of the first cell.
    pub x0: f32,
    pub y0: f32,
    pub cell_width: f32,
    pub cell_height: f32,
    pub cols: usize,
    pub lines: usize,
    /// The X11 window id (for xdotool / xwd), when on X11.
    pub x11_window: Option<u64>,
    /// The window's top-left corner on the screen (winit's outer position: where XTWINOPS 3
    /// moves it), for XTWINOPS 13; `(0, 0)` where the platform cannot tell.
    pub position: (i32, i32),
    /// The text area's top-left corner on the screen (the client area's position plus the
    /// padding before the first cell), for XTWINOPS `13;2`.
    pub text_position: (i32, i32),
    /// The window is fullscreen (F11, `msg fullscreen`, XTWINOPS 10).
    pub fullscreen: bool,
}

/// One tab for `list`. `title`, `pid`, `cols`, `lines` and `cwd` are those of the pane the
/// tab's id resolves to (its first pane while that lives, else its focused pane), so they
/// agree with what `get-text`/`resize` on the tab's id act on.
#[derive(Debug, Clone, Serialize)]
pub struct TabSummary {
    pub id: TabId,
    pub title: String,
    pub pid: i32,
    pub cols: usize,
    pub lines: usize,
    pub cwd: Option<String>,
    /// The tab's panes in order (at least one).
    pub panes: Vec<PaneSummary>,
    /// The pane with keyboard focus (GUI: as the window reported it; headless: the newest).
    pub focused_pane: TabId,
    /// One pane fills the tab (GUI zoom); false headless.
    pub zoomed: bool,
}

/// One pane for `list`: its grid size in cells and, once a window has laid it out, its
/// rectangle in physical pixels inside the window (absent headless).
#[derive(Debug, Clone, Serialize)]
pub struct PaneSummary {
    pub id: TabId,
    pub pid: i32,
    pub cols: usize,
    pub lines: usize,
    pub focused: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// Where a split puts the new pane beside its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitDirection {
    /// To the right: the target's columns are shared.
    Right,
    /// Below: the target's lines are shared.
    Down,
}

impl SplitDirection {
    /// `right` or `down`; anything else is an error naming both.
    pub fn parse(name: &str) -> Result<SplitDirection, String> {
        match name {
            "right" => Ok(SplitDirection::Right),
            "down" => Ok(SplitDirection::Down),
            other => Err(format!("unknown split direction {other:?}: use right or down")),
        }
    }

    /// Its name on the wire and the command line.
    pub fn name(self) -> &'static str {
        match self {
            SplitDirection::Right => "right",
            SplitDirection::Down => "down",
        }
    }
}

/// Where the window draws one pane (reported by the UI with [`Request::PaneLayout`]): its
/// grid in cells and its rectangle in physical pixels inside the window (x, y: the top-left
/// corner from the window's top-left; width, height: its extent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaneGeometry {
    pub pane: TabId,
    pub cols: u16,
    pub lines: u16,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Most panes one tab may hold; a split beyond is refused.
pub const MAX_PANES_PER_TAB: usize = 64;

/// Live counts: what closing tabs must give back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Tabs (groups of panes).
    pub tabs: usize,
    /// Panes (terminals: PTY, parser, child) in all tabs; equals `tabs` without splits.
    pub panes: usize,
    pub windows: usize,
    /// Entries in all of the loop's slotmaps (handles, tabs, IPC connections) and children
    /// not yet reaped.
    pub slots: usize,
    /// Handles known to libuv (`uv_walk`).
    pub uv_handles: usize,
    /// Open descriptors of the process (`/proc/self/fd`).
    pub fds: usize,
    pub rss_bytes: u64,
    /// Child processes not yet reaped.
    pub children: usize,
    /// GL objects (programs, buffers, vertex arrays, textures) the GUI's renderers hold, and
    /// its GL contexts: counted by our own code, since Mesa keeps them out of valgrind's
    /// sight. Both 0 headless.
    pub gl_objects: usize,
    pub gl_contexts: usize,
    /// Frames the GUI has presented since it started (0 headless): a still screen draws none.
    pub frames: usize,
    /// GL objects that were released with their context instead of being deleted explicitly
    /// (a window closed while its context could not be made current); 0 normally.
    pub gl_objects_orphaned: usize,
    /// Events the I/O thread has sent that the UI has not handled yet (0 headless).
    pub ui_backlog: usize,
    /// Connections subscribed to the event stream (`msg subscribe`).
    pub subscribers: usize,
    /// Desktop notifications the notification server accepted (GUI; 0 headless).
    pub notifications_sent: u64,
    /// Desktop notifications dropped: past the rate limits, the per-read or per-tab queue
    /// bounds, or refused by (or without) a notification server.
    pub notifications_dropped: u64,
}

/// Terminals (panes of all tabs together) open at once unless configured otherwise
/// (`limits.max_tabs`).
pub const DEFAULT_MAX_TABS: usize = 4096;
/// The highest `limits.max_tabs` accepted.
pub const MAX_TABS_LIMIT: usize = 100_000;
/// Largest grid a request may ask for, per dimension: the cap the terminal core applies to
/// the program's own size requests (XTWINOPS 8, DECCOLM), so no path asks for more.
pub const MAX_GRID_SIZE: usize = crate::term::MAX_REQUESTED_SIZE;
/// Longest working directory a request may name, in bytes (Linux's `PATH_MAX`).
pub const MAX_PATH_BYTES: usize = 4096;
/// Longest activation token a request may carry, in bytes (printable ASCII only). Real ones
/// are short: wlroots and KWin make 32-character UUIDs, Mutter about 40 characters, X11
/// startup IDs under 100.
pub const MAX_ACTIVATION_TOKEN_BYTES: usize = 256;
/// Most arguments (program included) a request may pass to a new tab's program.
pub const MAX_ARGS: usize = 1024;
/// Longest single argument, in bytes (Linux's `MAX_ARG_STRLEN`).
pub const MAX_ARG_BYTES: usize = 128 * 1024;
/// Most bytes one request may queue for a tab's program.
pub const MAX_WRITE_BYTES: usize = 4 << 20;
/// Most bytes a tab may hold for a program that does not read them; a request that would
/// queue more is refused (the bytes already queued stay).
pub const MAX_PENDING_BYTES: usize = 16 << 20;
/// The most text one paste (`Request::Paste`) may carry (bytes): a paste is queued whole
/// when nothing else waits for the program, even past [`MAX_PENDING_BYTES`] and
/// [`MAX_WRITE_BYTES`], as Alacritty, kitty and xterm take a clipboard of tens of megabytes
/// in one piece; the clipboard is read up to this much.
pub const MAX_PASTE_BYTES: usize = 64 << 20;

/// One request to the I/O core, from the window (through [`Command`]) or from IPC (through
/// a [`ControlCodec`]). Every request is validated and carried out in one place
/// (`IoState::execute`), so both paths are bounded alike.
#[derive(Debug, Clone)]
pub enum Request {
    /// Open a tab (in a new window, an existing one, or the newest).
    OpenTab(OpenTab),
    /// Bytes for the tab's program (keyboard input, paste, `send-text`); at most
    /// [`MAX_WRITE_BYTES`], and refused while [`MAX_PENDING_BYTES`] wait unread.
    Write { tab: TabId, bytes: Vec<u8> },
    /// The embedder's answer to an [`IoEvent::ClipboardLoad`] (an allowed OSC 52 read): at
    /// most [`CLIPBOARD_REPLY_MAX`] bytes of the selection, written to the program as OSC 52.
    ClipboardReply {
        tab: TabId,
        selection: u8,
        data: Vec<u8>,
        terminator: crate::term::handler::StringTerminator,
    },
    /// Paste `text` into a tab as the clipboard would: its controls defused and, when the
    /// program set bracketed paste (DECSET 2004), between the brackets
    /// (`crate::paste::paste_bytes`); bounded as [`Request::Write`] is.
    Paste { tab: TabId, text: String },
    /// Resize a tab and its PTY; 1..=[`MAX_GRID_SIZE`] columns and lines.
    Resize { tab: TabId, cols: u16, lines: u16 },
    /// Hang up a tab's program and close the tab. A tab's id closes the whole tab (every
    /// pane); a pane's id that is not a tab's closes that pane only.
    CloseTab { tab: TabId },
    /// Hang up one pane's program and close that pane only, even when its id is its tab's
    /// (the window's "close pane" key; the tab closes with its last pane). (i17ui hook.)
    ClosePane { pane: TabId },
    /// Open a new pane beside `target` (a pane's id, or a tab's id: its focused pane) in the
    /// same tab and window, running `spec` (its size is ignored: half the target's columns
    /// (right) or lines (down); without a working directory, the target's: its OSC 7
    /// directory, else its foreground process's). Refused beyond [`MAX_PANES_PER_TAB`].
    /// Answered with [`Response::Tab`] and announced with [`IoEvent::PaneOpened`].
    Split { target: TabId, direction: SplitDirection, spec: SpawnSpec },
    /// The UI tells how a tab's panes are laid out (for `list`): which has focus, whether one
    /// is zoomed, and each pane's rectangle. The PTYs' sizes still change only through
    /// [`Request::Resize`], one per pane. Panes not named keep no geometry.
    PaneLayout { tab: TabId, focused: TabId, zoomed: bool, panes: Vec<PaneGeometry> },
    /// Close every tab of a window (the window goes with its last tab).
    CloseWindow { window: WindowId },
    /// Every window with its tabs.
    List,
    /// A tab's screen as text (the `replay` format), with the scrollback first if asked.
    GetText { tab: TabId, scrollback: bool },
    /// The GUI tells where a window draws and which tab it shows (for `list`).
    WindowShown { window: WindowId, geometry: Geometry, active_tab: Option<TabId> },
    /// Make a window fullscreen (`on`: `Some(true)`), leave fullscreen (`Some(false)`) or
    /// toggle (`None`); `window` `None`: the newest window. Carried out by the GUI
    /// ([`IoEvent::Fullscreen`]); headless nothing changes.
    Fullscreen { window: Option<WindowId>, on: Option<bool> },
    /// Live counts (see [`Stats`]).
    Stats,
    /// What each tab costs (see [`Ledger`]); reads `/proc`, so heavier than `Stats`.
    Ledger,
    /// Keep the connection open and send it the events named (control socket only; see
    /// [`Event`]). Refused on the window's path.
    Subscribe { events: EventMask },
    /// Close everything (children are hung up, then killed after the timeout) and stop.
    Shutdown,
    // --- issue 16 (safe close, tabs that know where they are) ---
    /// Open a tab in the working directory of tab `from` (when the request names none):
    /// its OSC 7 directory, else its foreground process's, else its program's (`/proc`).
    /// The rest is [`Request::OpenTab`]'s.
    OpenTabInheriting { open: OpenTab, from: TabId },
    /// Close a tab (every pane of it) or, with `pane`, the one pane `tab`, unless something
    /// runs in one of them (or, `always`, in any case): then it stays and the embedder gets
    /// [`IoEvent::ConfirmClose`] to ask the user.
    CloseTabChecked { tab: TabId, pane: bool, always: bool },
    /// Close a window the same way: it asks when `always`, when one of its panes runs
    /// something, or when it is the last window and holds several tabs or panes.
    CloseWindowChecked { window: WindowId, always: bool },
    /// Name a tab (the name wins over the program's title); an empty `title` gives the
    /// automatic title back. Controls are dropped and the name is capped at
    /// [`MAX_TAB_TITLE_BYTES`].
    SetTabTitle { tab: TabId, title: String },
    /// Move a tab to position `index` of its window's tabs (clamped to the last).
    MoveTab { tab: TabId, index: usize },
    // --- issue 16 (live configuration reload) ---
    /// Watch these configuration files (at most [`MAX_WATCHED_FILES`]) instead of the ones
    /// watched before; a change is an [`IoEvent::ConfigChanged`]. The window's path only.
    WatchConfig { paths: Vec<std::path::PathBuf> },
    /// `msg reload-config`: the UI re-reads its configuration and the reply says whether it
    /// could ([`IoEvent::ReloadConfig`]). Control socket only.
    ReloadConfig,
    /// The UI's answer to [`IoEvent::ReloadConfig`] `request`: `Err` carries the problems
    /// (file and line) of a configuration that was not applied.
    ConfigReloaded { request: u64, result: Result<(), String> },
    /// A reloaded configuration: the template for new tabs and every open tab's terminal
    /// take `term` (`Term::reconfigure`: colours, cursor, scrollback limit), the budgets take
    /// `ledger`. The window's path only.
    Reconfigure { term: Box<TermConfig>, ledger: LedgerConfig },
}

/// Longest name `set-tab-title` keeps, in bytes (cut on a character boundary).
pub const MAX_TAB_TITLE_BYTES: usize = 1024;

/// What a successful [`Request`] gives back.
#[derive(Debug, Clone)]
pub enum Response {
    /// The tab opened (or, for [`Request::Split`], the pane).
    Tab(TabInfo),
    /// Bytes queued for the program.
    Written(usize),
    /// The windows and their tabs.
    Windows(Vec<WindowInfo>),
    /// A tab's text, and its size in cells.
    Text { text: String, cols: usize, lines: usize },
    /// Live counts.
    Stats(Stats),
    /// The ledger.
    Ledger(Box<Ledger>),
    /// Subscribed to these event kinds; events follow.
    Subscribed(Vec<&'static str>),
    /// Done; nothing to report.
    Done,
}

/// Turns request lines into [`Request`]s and results into reply lines, for the control
/// socket. The embedder supplies it (uvterm's JSON lines codec): the I/O core owns the
/// socket and its connections, never the wire format.
pub trait ControlCodec: Send + Sync + std::fmt::Debug + 'static {
    /// One request line (UTF-8, without its newline) → a request, or the message of an
    /// error reply (the connection is then closed).
    fn decode(&self, line: &str) -> Result<Request, String>;
    /// A request's result → one reply line, newline included.
    fn encode(&self, result: Result<Response, String>) -> Vec<u8>;
    /// An event for a subscriber → one line, newline included.
    fn encode_event(&self, event: &Event) -> Vec<u8>;
}

/// Counts only the embedder can know, reported by `stats` beside the I/O core's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbedderCounts {
    /// GL objects (programs, buffers, vertex arrays, textures) the renderers hold.
    pub gl_objects: usize,
    /// GL contexts alive.
    pub gl_contexts: usize,
    /// Frames presented since the start.
    pub frames: usize,
    /// GL objects released with their context instead of deleted explicitly.
    pub gl_objects_orphaned: usize,
    /// Estimated GPU memory of those objects, in bytes (textures by size, buffers by their
    /// allocated length).
    pub gpu_bytes_estimate: u64,
    /// Desktop notifications the server accepted.
    pub notifications_sent: u64,
    /// Desktop notifications the GUI dropped (rate limits, a full queue, no server).
    pub notifications_dropped: u64,
}

/// Commands for the I/O thread, as other threads send them: each becomes one [`Request`]
/// (with somewhere to send its result) and goes through the same validation and execution
/// as IPC requests.
pub enum Command {
    OpenTab {
        request: OpenTab,
        reply: Option<mpsc::Sender<Result<TabInfo, String>>>,
    },
    /// Bytes for the tab's program (keyboard input, paste, `send-text`).
    Write {
        tab: TabId,
        bytes: Vec<u8>,
    },
    Resize {
        tab: TabId,
        cols: u16,
        lines: u16,
    },
    /// Close one pane (see [`Request::ClosePane`]).
    ClosePane {
        pane: TabId,
    },
    CloseTab {
        tab: TabId,
    },
    /// Split a pane (see [`Request::Split`]); the result also arrives as
    /// [`IoEvent::PaneOpened`].
    Split {
        target: TabId,
        direction: SplitDirection,
        spec: SpawnSpec,
        reply: Option<mpsc::Sender<Result<TabInfo, String>>>,
    },
    /// How a tab's panes are laid out (see [`Request::PaneLayout`]).
    PaneLayout {
        tab: TabId,
        focused: TabId,
        zoomed: bool,
        panes: Vec<PaneGeometry>,
    },
    CloseWindow {
        window: WindowId,
    },
    List {
        reply: mpsc::Sender<Vec<WindowInfo>>,
    },
    /// The GUI tells where a window draws and which tab it shows (for `list`).
    WindowShown {
        window: WindowId,
        geometry: Geometry,
        active_tab: Option<TabId>,
    },
    Stats {
        reply: mpsc::Sender<Stats>,
    },
    /// The ledger, answered with [`IoEvent::Ledger`] for `window` (the UI thread never waits
    /// on the I/O thread).
    Ledger {
        window: WindowId,
    },
    /// The answer to an [`IoEvent::ClipboardLoad`]: the selection's text (at most
    /// [`CLIPBOARD_REPLY_MAX`] bytes are sent), written to the program as OSC 52.
    ClipboardReply {
        tab: TabId,
        selection: u8,
        data: Vec<u8>,
        terminator: crate::term::handler::StringTerminator,
    },
    /// Close everything (children are hung up, then killed after the timeout) and stop.
    Shutdown,
    /// Any other request whose result nobody waits for (refusals are logged).
    Request(Request),
    /// See [`Request::WatchConfig`].
    WatchConfig {
        paths: Vec<std::path::PathBuf>,
    },
    /// See [`Request::ConfigReloaded`].
    ConfigReloaded {
        request: u64,
        result: Result<(), String>,
    },
    /// See [`Request::Reconfigure`].
    Reconfigure {
        term: Box<TermConfig>,
        ledger: LedgerConfig,
    },
}

/// Where a [`Command`]'s result goes.
pub(crate) enum ReplyTo {
    Nobody,
    Tab(mpsc::Sender<Result<TabInfo, String>>),
    Windows(mpsc::Sender<Vec<WindowInfo>>),
    Stats(mpsc::Sender<Stats>),
    /// As an [`IoEvent::Ledger`] for this window, through the sink.
    LedgerEvent(WindowId),
}

impl Command {
    /// The request this command makes, and where its result goes.
    pub(crate) fn into_request(self) -> (Request, ReplyTo) {
        match self {
            Command::OpenTab { request, reply } => {
                (Request::OpenTab(request), reply.map_or(ReplyTo::Nobody, ReplyTo::Tab))
            }
            Command::Write { tab, bytes } => (Request::Write { tab, bytes }, ReplyTo::Nobody),
            Command::Resize { tab, cols, lines } => {
                (Request::Resize { tab, cols, lines }, ReplyTo::Nobody)
            }
            Command::CloseTab { tab } => (Request::CloseTab { tab }, ReplyTo::Nobody),
            Command::ClosePane { pane } => (Request::ClosePane { pane }, ReplyTo::Nobody),
            Command::Split { target, direction, spec, reply } => (
                Request::Split { target, direction, spec },
                reply.map_or(ReplyTo::Nobody, ReplyTo::Tab),
            ),
            Command::PaneLayout { tab, focused, zoomed, panes } => {
                (Request::PaneLayout { tab, focused, zoomed, panes }, ReplyTo::Nobody)
            }
            Command::CloseWindow { window } => (Request::CloseWindow { window }, ReplyTo::Nobody),
            Command::List { reply } => (Request::List, ReplyTo::Windows(reply)),
            Command::WindowShown { window, geometry, active_tab } => {
                (Request::WindowShown { window, geometry, active_tab }, ReplyTo::Nobody)
            }
            Command::Stats { reply } => (Request::Stats, ReplyTo::Stats(reply)),
            Command::Ledger { window } => (Request::Ledger, ReplyTo::LedgerEvent(window)),
            Command::ClipboardReply { tab, selection, data, terminator } => {
                (Request::ClipboardReply { tab, selection, data, terminator }, ReplyTo::Nobody)
            }
            Command::Shutdown => (Request::Shutdown, ReplyTo::Nobody),
            Command::Request(request) => (request, ReplyTo::Nobody),
            Command::WatchConfig { paths } => (Request::WatchConfig { paths }, ReplyTo::Nobody),
            Command::ConfigReloaded { request, result } => {
                (Request::ConfigReloaded { request, result }, ReplyTo::Nobody)
            }
            Command::Reconfigure { term, ledger } => {
                (Request::Reconfigure { term, ledger }, ReplyTo::Nobody)
            }
        }
    }
}

impl ReplyTo {
    /// Hand over a result; one nobody waits for is logged when it is a refusal.
    pub(crate) fn send(self, result: Result<Response, String>) {
        // A receiver that has gone away no longer wants the answer: nothing to do.
        match (self, result) {
            (ReplyTo::Tab(tx), Ok(Response::Tab(info))) => drop(tx.send(Ok(info))),
            (ReplyTo::Tab(tx), Err(e)) => drop(tx.send(Err(e))),
            (ReplyTo::Windows(tx), Ok(Response::Windows(w))) => drop(tx.send(w)),
            (ReplyTo::Stats(tx), Ok(Response::Stats(s))) => drop(tx.send(s)),
            (ReplyTo::Nobody, Err(e)) => log::info!("request refused: {e}"),
            // Dropping the sender tells the waiting side there is no answer.
            _ => (),
        }
    }
}

/// What the I/O thread tells the embedder.
#[derive(Debug, Clone, PartialEq)]
pub enum IoEvent {
    /// A new window: the UI creates the real one, activated with `activation_token` (see
    /// [`OpenTab::activation_token`]) when there is one.
    WindowOpened {
        window: WindowId,
        activation_token: Option<String>,
    },
    TabOpened {
        window: WindowId,
        tab: TabId,
        shared: TabRef,
    },
    /// New output was parsed (sent once until the UI clears `TabShared::dirty`).
    TabOutput(TabId),
    /// The tab has UI events pending: take them with `TabShared::ui` (sent once until taken;
    /// the title, bell, clipboard, directory and window events below arrive this way).
    TabEvents(TabId),
    TitleChanged {
        tab: TabId,
        title: String,
    },
    Bell(TabId),
    /// Input the window sent (typed keys, a paste) was refused, `reason` says why (a tab
    /// not reading its input: [`MAX_PENDING_BYTES`]): nobody else would see the loss.
    InputRefused {
        tab: TabId,
        reason: String,
    },
    /// A desktop notification the tab asks for (coalesced: at most
    /// [`MAX_PENDING_NOTICES`] wait per tab); the UI decides whether to show it.
    Notify {
        tab: TabId,
        notice: Notice,
    },
    /// Show this tab and focus its window: its notification was clicked (sent by the GUI's
    /// notifier thread, with the notification server's xdg-activation token when it gave one).
    FocusTab {
        tab: TabId,
        activation_token: Option<String>,
    },
    /// Fullscreen on, off or toggled (`None`) for `window` ([`Request::Fullscreen`]).
    Fullscreen {
        window: WindowId,
        on: Option<bool>,
    },
    /// OSC 52: put `data` on the clipboard (`c`) or primary selection (`p`, `s`).
    Clipboard {
        tab: TabId,
        selection: u8,
        data: Vec<u8>,
    },
    /// OSC 52 query (only when `terminal.allow_clipboard_read` is on): answer with
    /// [`Command::ClipboardReply`], or not at all.
    ClipboardLoad {
        tab: TabId,
        selection: u8,
        terminator: crate::term::handler::StringTerminator,
    },
    WorkingDirectory {
        tab: TabId,
        path: String,
    },
    /// The program asked for a size (headless tabs have been resized already).
    ResizeRequest {
        tab: TabId,
        cols: usize,
        lines: usize,
    },
    /// Other XTWINOPS requests (iconify, maximize…), for the window.
    WindowRequest {
        tab: TabId,
        request: crate::term::WindowRequest,
    },
    /// A split opened a pane: `info.id` is the new pane's id, `tab` the tab it joins,
    /// `beside` the pane it was split from and `direction` the side it opens on. (A tab's
    /// first pane comes with [`IoEvent::TabOpened`] instead.)
    PaneOpened {
        info: TabInfo,
        tab: TabId,
        beside: TabId,
        direction: SplitDirection,
    },
    /// A pane closed and its tab lives on (the tab's last pane closing is
    /// [`IoEvent::TabClosed`] instead, naming the tab's id); `exit` as for `TabClosed`;
    /// `ended`: its program ended by itself (EOF or exit) rather than a request closing it
    /// (what the UI holds open under `panes.hold_exited`).
    PaneClosed {
        pane: TabId,
        tab: TabId,
        window: WindowId,
        exit: Option<i32>,
        ended: bool,
    },
    /// The tab is gone (its last pane closed; `tab` is the tab's id); `exit` is that pane's
    /// program's status when it had exited.
    TabClosed {
        tab: TabId,
        window: WindowId,
        exit: Option<i32>,
    },
    WindowClosed(WindowId),
    /// The ledger a window asked for ([`Command::Ledger`]).
    Ledger {
        window: WindowId,
        ledger: Box<Ledger>,
    },
    /// A checked close found something to ask about ([`Request::CloseTabChecked`],
    /// [`Request::CloseWindowChecked`]): nothing was closed. `tab` is the tab to close, or
    /// `None` for the whole window; `program` is the name of what runs (the foreground
    /// process group's leader, `/proc/PID/comm`), `None` when nothing runs; `tabs` is how
    /// many tabs would close.
    ConfirmClose {
        window: WindowId,
        tab: Option<TabId>,
        /// `tab` names one pane to close alone (else the whole tab `tab`).
        pane: bool,
        program: Option<String>,
        tabs: usize,
    },
    /// A watched configuration file changed (and has been quiet for [`SETTLE_MS`]): re-read
    /// it.
    ConfigChanged,
    /// Every open terminal took a reloaded configuration ([`Request::Reconfigure`]: palette,
    /// cursor, …): every window draws again. A frame the UI drew right after asking could
    /// still show the old one, and a quiet screen would keep it.
    Reconfigured,
    /// `msg reload-config`: re-read the configuration and answer with
    /// [`Command::ConfigReloaded`] for `request`.
    ReloadConfig {
        request: u64,
    },
    /// The loop has stopped; nothing more will come.
    Stopped,
}

/// A desktop notification a tab's program asked for, before the UI decides whether to show
/// it (the tab's focus, `notifications.when`, the rate limits).
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// OSC 9, OSC 777 `notify` or kitty's OSC 99 (`protocol`: `osc9`, `osc777`, `osc99`),
    /// title and body as the core kept them (bounded there).
    Message { protocol: &'static str, title: String, body: String },
    /// OSC 133 D: a command finished `duration_ms` milliseconds after its OSC 133 C, with the
    /// exit status the shell reported, if any.
    CommandFinished { exit_status: Option<i32>, duration_ms: u64 },
}

/// Where the I/O thread sends events.
pub trait EventSink: Send + 'static {
    fn send(&self, event: IoEvent);

    /// Events sent and not yet handled by the embedder (reported as `stats.ui_backlog`). A
    /// slow UI thread (valgrind, a stalled X server) lags behind the I/O thread; tests wait
    /// for 0 before they compare what the UI holds (windows, GL contexts) with a baseline.
    fn backlog(&self) -> usize {
        0
    }

    /// Counts only the embedder knows (the GUI's GL objects), for `stats`; read on the I/O
    /// thread, so it must not block. None headless.
    fn embedder_counts(&self) -> EmbedderCounts {
        EmbedderCounts::default()
    }

    /// Per window, what its GL context holds (the ledger's per-window figures); read on the
    /// I/O thread, so it must not block long. Empty headless.
    fn window_gpu(&self) -> Vec<(WindowId, WindowGpu)> {
        Vec::new()
    }
}

/// What one window's GL context holds, as the embedder last saw it (after its latest frame).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowGpu {
    /// GL objects (programs, buffers, vertex arrays, textures) of the window's context.
    pub gl_objects: usize,
    /// Estimated GPU memory of those objects, in bytes (textures by size, buffers by their
    /// allocated length).
    pub gpu_bytes_estimate: u64,
}

impl EventSink for mpsc::Sender<IoEvent> {
    fn send(&self, event: IoEvent) {
        // The receiver may be gone during shutdown; nothing to do then.
        let _ = mpsc::Sender::send(self, event);
    }
}

/// Settings of the I/O core.
#[derive(Debug, Clone)]
pub struct IoConfig {
    /// Template for every tab's terminal.
    pub term: TermConfig,
    /// Size of a tab opened without one.
    pub default_size: (u16, u16),
    /// How long a child may ignore SIGHUP before it gets SIGKILL.
    pub kill_timeout: Duration,
    /// Bytes read from one tab per loop iteration before the others get their turn.
    pub read_budget: usize,
    /// Serve the control socket here (the embedder prepares the path).
    pub ipc_socket: Option<PathBuf>,
    /// The control socket's wire format; required with `ipc_socket`.
    pub ipc_codec: Option<Arc<dyn ControlCodec>>,
    /// Tabs open at once, all windows together (1..=[`MAX_TABS_LIMIT`]).
    pub max_tabs: usize,
    /// Shut down gracefully on SIGTERM, SIGINT and SIGHUP (the headless daemon).
    pub termination_signals: bool,
    /// The program (and its arguments) for tabs opened without a command (`[shell]` in the
    /// configuration); `None` runs the user's shell.
    pub shell: Option<(std::ffi::OsString, Vec<std::ffi::OsString>)>,
    /// Budgets and event thresholds.
    pub ledger: LedgerConfig,
    /// Inject uvterm's shell integration (OSC 7, OSC 133) into interactive bash, zsh and
    /// fish started in tabs (`shell_integration`; see `pty::shell_integration`). Off in
    /// the default: the embedder opts in.
    pub shell_integration: bool,
    /// An embedder applies a configuration (the GUI): `msg reload-config` is passed to it
    /// as [`IoEvent::ReloadConfig`]. Off (headless): that request is refused.
    pub config_reload: bool,
}

/// Bound on the clipboard text one OSC 52 answer carries, in bytes (before base64).
pub const CLIPBOARD_REPLY_MAX: usize = 1 << 20;

impl Default for IoConfig {
    fn default() -> Self {
        Self {
            term: TermConfig::default(),
            default_size: (80, 24),
            kill_timeout: Duration::from_secs(3),
            read_budget: 256 * 1024,
            ipc_socket: None,
            ipc_codec: None,
            max_tabs: DEFAULT_MAX_TABS,
            termination_signals: false,
            shell: None,
            ledger: LedgerConfig::default(),
            shell_integration: false,
            config_reload: false,
        }
    }
}

/// The queue between other threads and the loop.
#[derive(Default)]
pub(crate) struct Shared {
    queue: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    commands: VecDeque<Command>,
    /// The loop's async handle; `None` once the loop is closing (sends then fail).
    wakeup: Option<uv::AsyncPtr>,
}

/// The I/O loop has stopped; the command was not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the I/O loop has stopped")
    }
}

impl std::error::Error for Stopped {}

/// The handle other threads hold on the I/O thread.
pub struct IoHandle {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A cheap, clonable sender of commands (for threads that do not own the loop).
#[derive(Clone)]
pub struct IoSender {
    shared: Arc<Shared>,
}

impl IoSender {
    pub fn send(&self, command: Command) -> Result<(), Stopped> {
        send(&self.shared, command)
    }
}

fn send(shared: &Shared, command: Command) -> Result<(), Stopped> {
    let mut queue = shared.queue.lock().unwrap_or_else(|p| p.into_inner());
    let Some(wakeup) = queue.wakeup else { return Err(Stopped) };
    queue.commands.push_back(command);
    // Under the lock: the loop clears `wakeup` under it before closing the handle.
    wakeup.send();
    Ok(())
}

impl IoHandle {
    /// Start the I/O thread.
    pub fn start(config: IoConfig, sink: Box<dyn EventSink>) -> std::io::Result<IoHandle> {
        let shared = Arc::new(Shared::default());
        let (ready_tx, ready_rx) = mpsc::channel();
        let loop_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("uvterm-io".into())
            .spawn(move || state::run(config, sink, loop_shared, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(IoHandle { shared, thread: Some(thread) }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(std::io::Error::other("the I/O thread failed to start"))
            }
        }
    }

    pub fn sender(&self) -> IoSender {
        IoSender { shared: self.shared.clone() }
    }

    pub fn send(&self, command: Command) -> Result<(), Stopped> {
        send(&self.shared, command)
    }

    /// Open a tab and wait for the result.
    pub fn open_tab(&self, request: OpenTab) -> Result<TabInfo, String> {
        let (tx, rx) = mpsc::channel();
        self.send(Command::OpenTab { request, reply: Some(tx) }).map_err(|e| e.to_string())?;
        rx.recv().map_err(|_| Stopped.to_string())?
    }

    pub fn stats(&self) -> Result<Stats, Stopped> {
        let (tx, rx) = mpsc::channel();
        self.send(Command::Stats { reply: tx })?;
        rx.recv().map_err(|_| Stopped)
    }

    pub fn list(&self) -> Result<Vec<WindowInfo>, Stopped> {
        let (tx, rx) = mpsc::channel();
        self.send(Command::List { reply: tx })?;
        rx.recv().map_err(|_| Stopped)
    }

    /// Ask the loop to stop and wait for it.
    pub fn shutdown(mut self) {
        let _ = self.send(Command::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Wait for the loop to stop on its own (a signal or an IPC `shutdown`).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for IoHandle {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = self.send(Command::Shutdown);
            let _ = t.join();
        }
    }
}
