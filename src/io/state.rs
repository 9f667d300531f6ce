//! The I/O thread's state and its reactions: commands from other threads, PTY readiness,
//! SIGCHLD, timers, and handles' close callbacks. Everything here runs on the I/O thread.
//!
//! Tabs and panes: a [`Tab`] record here is one *pane* (one terminal: PTY, parser, `Term`,
//! child); a [`TabGroup`] is a *tab*, the ordered panes one window shows together. A tab's
//! first pane has the tab's id; a split adds a pane with a fresh id. Ids resolve as
//! `existing_tab` says: a live pane's id is that pane, a tab's id whose first pane has closed
//! is the tab's focused pane. A pane closing leaves its tab; the last one closes the tab.
//!
//! Pane (`Tab`) lifecycle:
//! * open: spawn on a PTY, register the child for reaping, poll the master.
//! * close (by request, end of output, or the child's exit): SIGHUP to the child's process
//!   group with a kill timer armed, then close the poll handle. Its close callback drops the
//!   tab: the master descriptor closes and the `Arc<TabShared>` is released.
//! * reaping: the one SIGCHLD handle runs `waitpid(pid, WNOHANG)` for each child we started
//!   (never `waitpid(-1)`: other children of the process are not ours). A child that ignores
//!   SIGHUP gets SIGKILL when its timer fires. No child is left unreaped.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use once_cell::unsync::OnceCell;
use slotmap::{SlotMap, new_key_type};

use super::ledger;
use super::sys::{self, Reap};
use super::uv::{self, HandleKey, Handles, LoopRef, Owner};
use super::*;
use crate::term::handler::PromptMark;
use crate::term::parser::Parser;
use crate::term::{Term, TermConfig, TermEvent};

new_key_type! {
    /// A tab in the I/O thread's slotmap (the handle's owner key).
    pub struct TabKey;
}

/// The fewest columns (lines) a pane must have to be split right (down): two panes of at least
/// two cells each, and a cell's room for the divider.
const MIN_SPLIT_COLS: usize = 5;
const MIN_SPLIT_LINES: usize = 5;

/// Bytes read in one `read` call.
const READ_CHUNK: usize = 64 * 1024;
/// Bytes drained from a tab whose child has exited, at most, before it closes.
const DRAIN_LIMIT: usize = 1 << 20;
/// After its output ends, how long a tab waits for the child's exit status before closing
/// without it (the PTY's EOF usually arrives just before SIGCHLD).
const EOF_GRACE_MS: u64 = 200;
/// How long after input was written to a tab its output is read between the reads of other,
/// busy tabs (so a typed key's echo waits for one read of another tab, not for a whole loop
/// turn of every busy tab's read budget): see [`IoState::read_tab`].
const TYPED_RECENTLY: std::time::Duration = std::time::Duration::from_secs(1);
/// Parse time one tab may take per loop turn, besides its byte budget: output that parses
/// slowly (`yes`: a line feed and a scroll every 2 bytes, ~8 MB/s) would otherwise keep the
/// loop on one tab for tens of milliseconds per turn, and with ten such tabs the UI's
/// commands (a typed key) waited hundreds of milliseconds for the turn to end.
const READ_TIME_BUDGET: std::time::Duration = std::time::Duration::from_micros(500);
/// Another tab read this recently: tabs compete for the loop, and [`READ_TIME_BUDGET`]
/// applies (a lone busy tab keeps its whole byte budget per turn, within
/// [`LONE_TIME_BUDGET`], so a program's frame is parsed, and drawn, in one piece rather than
/// cut into many partial frames).
const CONTENDED: std::time::Duration = std::time::Duration::from_millis(5);
/// Parse time a lone busy tab may take per loop turn: long enough that a full-screen frame
/// is parsed in one piece, short enough that the loop's other handles (a `msg` client's
/// socket, a watcher, a timer) wait a few milliseconds, not the 30 ms a 256 KiB budget of
/// `yes` output takes to parse (which made `msg stats` wait ~200 ms behind one flooding tab).
const LONE_TIME_BUDGET: std::time::Duration = std::time::Duration::from_millis(4);
/// How long, at most, other tabs' output waits after a key is written to a tab whose echo has
/// not come yet ([`IoState::wait_for_echo`]). An echo under load (the program, the tty
/// layer's worker and the window all scheduled in turn) takes 1–2 ms on a 2-core machine.
const ECHO_WAIT: std::time::Duration = std::time::Duration::from_millis(3);
/// At most one [`ECHO_WAIT`] per this much time: a client writing to a program that never
/// echoes, hundreds of times a second, cannot hold the other tabs back for more than a
/// third of the time. Keys typed by a person come further apart.
const ECHO_WAIT_SPACING: std::time::Duration = std::time::Duration::from_millis(10);
/// Bytes a busy tab reads per loop turn while a tab typed into waits: `yes` output parses at
/// a few MB/s with history compressed, so 1 KiB keeps the typed tab's wait for the busy
/// tabs' parsing near a quarter of a millisecond per read.
const INTERACTIVE_CHUNK: usize = 1024;

/// One pane: a terminal (PTY, parser, `Term`, child). (Named `Tab` from before panes: a tab
/// without splits is exactly one of these.)
pub(crate) struct Tab {
    /// The pane's id (the tab's id for a tab's first pane).
    id: TabId,
    /// The tab (group) it belongs to: a key of `IoState::groups`.
    tab: TabId,
    window: WindowId,
    master: File,
    pid: i32,
    poll: HandleKey,
    shared: Arc<TabShared>,
    parser: Parser,
    /// Bytes waiting for the program to read them (input, replies); `written` are done.
    pending: Vec<u8>,
    written: usize,
    /// Where the last paste queued whole ends in the input stream (a total of
    /// `meter.bytes_written`): until the program has read that far, the paste's rest does
    /// not count against [`MAX_PENDING_BYTES`] for what comes after it (typed keys).
    paste_end: u64,
    want_writable: bool,
    closing: bool,
    /// It closes because its program ended (EOF on the PTY, or the child reaped) rather than
    /// by a request: what `IoEvent::PaneClosed`'s `ended` says (a held pane is only one of
    /// these).
    ended: bool,
    child_alive: bool,
    exit: Option<i32>,
    /// Its working directory: the one it was started in, then what OSC 7 reported.
    cwd: Option<String>,
    /// Output ended; waiting (a grace timer) for the child's exit status.
    eof_timer: Option<HandleKey>,
    /// What it has cost so far (the ledger's figures).
    meter: super::ledger::TabMeter,
    /// The tab's automatic title parts and its name (`set-tab-title`): see [`TabTitle`].
    title: TabTitle,
    /// The armed one-shot look at the foreground process (`Owner::TitleCheck`), if any.
    title_timer: Option<HandleKey>,
    /// The armed deferred history compression (`Owner::HistoryCompress`), if any, and the
    /// cells it has compressed so far (their plain rows are freed: see `trim`).
    compress_timer: Option<HandleKey>,
    compressed_cells: usize,
    /// Lines that had entered the history when the compression's timer last looked, and
    /// when: the rate since then tells a flood from slower output.
    history_entered: (u64, Option<std::time::Instant>),
}

/// What a tab is called: the user's name for it, else the program's title (OSC 0/2), else
/// the name of the process in the terminal's foreground (`sleep` while `sleep 1000` runs,
/// the shell's at its prompt), as kitty and Ghostty do.
#[derive(Debug, Default)]
struct TabTitle {
    /// Set with `set-tab-title`; wins over the rest.
    user: Option<String>,
    /// The foreground process group leader's `/proc/PID/comm`, as last looked at.
    process: Option<String>,
    /// The foreground process group `process` was read for, and when: a look that finds
    /// the same group (`tcgetpgrp`, one ioctl) within [`TITLE_REREAD`] reads nothing from
    /// `/proc` (a tab flooding output is looked at every [`TITLE_CHECK_MS`]).
    pgid: Option<(i32, std::time::Instant)>,
    /// The title last reported (events, the UI), to report only changes.
    shown: String,
}

impl TabTitle {
    /// The title now, given the program's (OSC 0/2; empty when it set none).
    fn effective(&self, program_title: &str) -> String {
        if let Some(user) = &self.user {
            return user.clone();
        }
        if !program_title.is_empty() {
            return program_title.to_owned();
        }
        self.process.clone().unwrap_or_default()
    }
}

/// How long after output or input a tab looks at its foreground process again (ms): once
/// per burst, never while the tab is idle.
const TITLE_CHECK_MS: u64 = 100;
/// How long a tab's output must pause before the history it left plain is compressed (ms):
/// a flood that pushes more lines through than the scrollback keeps never compresses the
/// lines it pushes out (see `TermConfig::defer_compression_cells`).
const COMPRESS_QUIET_MS: u64 = 50;
/// Lines a second entering a tab's history from which its output counts as a flood, whose
/// compression waits for a pause. Slower output has its history compressed while it flows,
/// at a cost under 1% of a CPU (a line costs 1–2 µs to compress).
const FLOOD_LINES_PER_S: f64 = 5_000.0;
/// Blocks of history compressed per turn of the loop once output paused: 512 lines, about
/// 0.5–1 ms under the terminal's lock.
const COMPRESS_STEP_BLOCKS: usize = 8;
/// How long a foreground process group's name read from `/proc` is trusted while the same
/// group stays in the foreground (see `TabTitle::pgid`).
const TITLE_REREAD: std::time::Duration = std::time::Duration::from_secs(1);

struct Child {
    tab: Option<TabKey>,
    kill_timer: Option<HandleKey>,
}

/// A tab: an ordered group of panes in one window. Keyed by the tab's id (its first pane's)
/// in `IoState::groups`; it lives while any of its panes does.
pub(crate) struct TabGroup {
    /// Its panes' ids in order (never empty while the group exists).
    panes: Vec<TabId>,
    /// The pane with keyboard focus: the newest headless, the UI's choice once it reports
    /// a layout ([`Request::PaneLayout`]).
    focused: TabId,
    zoomed: bool,
    /// Each pane's rectangle as the UI last reported it (none headless).
    layout: Vec<PaneGeometry>,
}

pub(crate) struct Window {
    /// Its tabs' ids (keys of `IoState::groups`), in order.
    tabs: Vec<TabId>,
    geometry: Option<Geometry>,
    active_tab: Option<TabId>,
}

pub struct IoState {
    pub(crate) lp: LoopRef,
    pub(crate) handles: Handles,
    tabs: SlotMap<TabKey, Tab>,
    /// Pane id → its terminal.
    tab_index: HashMap<TabId, TabKey>,
    /// Tab id → the tab's panes.
    groups: HashMap<TabId, TabGroup>,
    windows: BTreeMap<WindowId, Window>,
    children: HashMap<i32, Child>,
    wakeup: Option<HandleKey>,
    child_signal: OnceCell<HandleKey>,
    termination: Vec<HandleKey>,
    shared: Arc<Shared>,
    pub(crate) sink: Box<dyn EventSink>,
    pub(crate) config: IoConfig,
    next_id: u64,
    pub(crate) shutting_down: bool,
    pub(crate) read_buf: Box<[u8]>,
    pub(crate) ipc: Option<super::control::Server>,
    /// Tabs closed since the heap was last trimmed.
    closed_since_trim: usize,
    /// The event stream's clock, open while somebody subscribes.
    pub(crate) event_tick: Option<HandleKey>,
    /// Desktop notifications (OSC 9/777/99) dropped before reaching the UI: past
    /// [`MAX_NOTIFICATIONS_PER_READ`] in one read, or with the tab's queue full
    /// (`stats.notifications_dropped`, with the UI's own drops).
    notifications_dropped: u64,
    /// The configuration files' watches (issue 16, `io::watch`).
    pub(crate) watch: super::watch::Watches,
    /// The tab input was last written to, and when ([`TYPED_RECENTLY`]).
    typed: Option<(TabKey, std::time::Instant)>,
    /// The tab in `typed` has had no output since that write: other tabs' output waits for
    /// it until [`ECHO_WAIT`] after the write ([`IoState::wait_for_echo`]).
    echo_due: bool,
    /// When [`IoState::wait_for_echo`] last slept ([`ECHO_WAIT_SPACING`]).
    echo_waited: Option<std::time::Instant>,
    /// The tab output was last read from, and when: another tab read within the last
    /// [`CONTENDED`] means several tabs are busy, and the time budget applies.
    last_read: Option<(TabKey, std::time::Instant)>,
    /// Commands are being carried out ([`IoState::serve_commands`] does not nest).
    serving_commands: bool,
}

/// Trim the heap after this many tab closes (and whenever the last tab closes).
const TRIM_EVERY: usize = 64;

/// The I/O thread's body.
pub(super) fn run(
    config: IoConfig,
    sink: Box<dyn EventSink>,
    shared: Arc<Shared>,
    ready: mpsc::Sender<std::io::Result<()>>,
) {
    let lp = match uv::Loop::new() {
        Ok(lp) => lp,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut state = Box::new(IoState {
        lp: lp.as_ref(),
        handles: Handles::default(),
        tabs: SlotMap::with_key(),
        tab_index: HashMap::new(),
        groups: HashMap::new(),
        windows: BTreeMap::new(),
        children: HashMap::new(),
        wakeup: None,
        child_signal: OnceCell::new(),
        termination: Vec::new(),
        shared: shared.clone(),
        sink,
        config,
        next_id: 0,
        shutting_down: false,
        read_buf: vec![0u8; READ_CHUNK].into_boxed_slice(),
        ipc: None,
        closed_since_trim: 0,
        event_tick: None,
        notifications_dropped: 0,
        watch: Default::default(),
        typed: None,
        echo_due: false,
        echo_waited: None,
        last_read: None,
        serving_commands: false,
    });
    if let Err(e) = state.start() {
        // Close whatever was opened, run the loop so the close callbacks free it, report.
        state.shutting_down = true;
        for key in state.handles.open_keys() {
            state.handles.close(key);
        }
        shared.queue.lock().unwrap_or_else(|p| p.into_inner()).wakeup = None;
        let state = lp.run(state);
        drop(state);
        let _ = ready.send(Err(e));
        return;
    }
    let _ = ready.send(Ok(()));
    let state = lp.run(state);
    debug_assert!(state.handles.is_empty(), "loop ended with handles registered");
    state.sink.send(IoEvent::Stopped);
    drop(state);
    drop(lp);
}

/// Notifications (OSC 9/777/99) one read of a tab's output may put on the event stream; the
/// rest of a burst is dropped.
const MAX_NOTIFICATIONS_PER_READ: usize = 8;

impl IoState {
    fn start(&mut self) -> std::io::Result<()> {
        let (key, ptr) = self.handles.open_async(self.lp, Owner::Wakeup)?;
        self.wakeup = Some(key);
        // The process's one SIGCHLD watcher, created with the loop so that "no tab" looks
        // the same before the first tab and after the last.
        self.ensure_child_signal()?;
        self.shared.queue.lock().unwrap_or_else(|p| p.into_inner()).wakeup = Some(ptr);
        if self.config.termination_signals {
            for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
                let key = self.handles.open_signal(self.lp, Owner::Termination, sig)?;
                // These alone must not keep the loop alive.
                self.handles.unref(key);
                self.termination.push(key);
            }
        }
        if let Some(path) = self.config.ipc_socket.clone() {
            let codec = self.config.ipc_codec.clone().ok_or_else(|| {
                std::io::Error::other("a control socket needs a codec (IoConfig::ipc_codec)")
            })?;
            self.start_ipc(&path, codec)?;
        }
        Ok(())
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    // -------------------------------------------------------------------- callbacks

    /// The close callback of a handle has run (its memory is already freed).
    pub(crate) fn handle_closed(&mut self, owner: Owner) {
        match owner {
            Owner::TabPoll(tab) => self.finish_tab_close(tab),
            Owner::KillTimer(pid) => {
                if let Some(child) = self.children.get_mut(&pid) {
                    child.kill_timer = None;
                }
            }
            Owner::EofGrace(tab) => {
                if let Some(tab) = self.tabs.get_mut(tab) {
                    tab.eof_timer = None;
                }
            }
            Owner::IpcServer | Owner::IpcConn(_) | Owner::IpcIdleTimer(_) => {
                self.ipc_handle_closed(owner)
            }
            Owner::EventTick => (),
            Owner::TitleCheck(tab) => {
                if let Some(tab) = self.tabs.get_mut(tab) {
                    tab.title_timer = None;
                }
            }
            // Its tab forgot it when it was closed (see `compress_history_step`).
            Owner::HistoryCompress(_) => (),
            Owner::ConfigWatch | Owner::ConfigSettle => (),
            Owner::Wakeup | Owner::ChildSignal | Owner::Termination => (),
        }
        self.maybe_finish();
    }

    /// Carry out the UI's waiting commands now, between two reads of a busy tab (see
    /// [`IoState::read_tab`]) rather than at the loop's next turn; not from inside a command.
    fn serve_commands(&mut self) {
        if self.serving_commands {
            return;
        }
        let waiting = {
            let q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            !q.commands.is_empty()
        };
        if waiting {
            self.serving_commands = true;
            self.on_wakeup();
            self.serving_commands = false;
        }
    }

    pub(crate) fn on_wakeup(&mut self) {
        loop {
            let batch = {
                let mut q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
                std::mem::take(&mut q.commands)
            };
            if batch.is_empty() {
                break;
            }
            for command in batch {
                self.handle_command(command);
            }
        }
    }

    pub(crate) fn on_signal(&mut self, owner: Owner, _signum: i32) {
        match owner {
            Owner::ChildSignal => self.reap_children(),
            Owner::Termination => self.begin_shutdown(),
            _ => (),
        }
    }

    pub(crate) fn on_timer(&mut self, key: HandleKey, owner: Owner) {
        match owner {
            Owner::KillTimer(pid) => {
                if self.children.contains_key(&pid) {
                    log::info!("child {pid} ignored SIGHUP; sending SIGKILL");
                    sys::signal_group(pid, libc::SIGKILL);
                }
                self.handles.close(key);
            }
            Owner::EofGrace(tab) => {
                self.handles.close(key);
                self.begin_close_tab(tab);
            }
            Owner::IpcIdleTimer(conn) => self.on_ipc_idle(conn),
            Owner::EventTick => self.on_event_tick(),
            Owner::TitleCheck(tab) => {
                self.handles.close(key);
                self.check_title(tab);
            }
            Owner::HistoryCompress(tab) => self.compress_history_step(key, tab),
            Owner::ConfigSettle => self.on_config_settled(key),
            _ => (),
        }
    }

    pub(crate) fn on_poll(&mut self, owner: Owner, status: i32, events: i32) {
        let Owner::TabPoll(key) = owner else { return };
        if status < 0 {
            log::warn!("polling a PTY failed: {}", uv::error_text(status));
            self.begin_close_tab(key);
            return;
        }
        if events & uv::WRITABLE != 0 {
            self.flush_tab(key);
        }
        if events & uv::READABLE != 0 {
            self.read_tab(key, self.config.read_budget, Some(READ_TIME_BUDGET));
        }
    }

    // -------------------------------------------------------------------- commands

    fn handle_command(&mut self, command: Command) {
        let (request, reply) = command.into_request();
        // The window's own input has nobody waiting for a refusal: it is shown in the window.
        let input_tab = match (&request, &reply) {
            (Request::Write { tab, .. } | Request::Paste { tab, .. }, ReplyTo::Nobody) => {
                Some(*tab)
            }
            _ => None,
        };
        let result = self.execute(request);
        if let (Some(tab), Err(reason)) = (input_tab, &result) {
            self.sink.send(IoEvent::InputRefused { tab, reason: reason.clone() });
        }
        if let ReplyTo::LedgerEvent(window) = reply {
            if let Ok(Response::Ledger(ledger)) = result {
                self.sink.send(IoEvent::Ledger { window, ledger });
            }
            return;
        }
        reply.send(result);
    }

    /// Validate and carry out one request — the only place requests from the window and
    /// from IPC are checked, so every size, string and count is bounded alike (see the
    /// limits in `io`'s module: [`MAX_GRID_SIZE`], [`MAX_WRITE_BYTES`], `max_tabs`…).
    pub(super) fn execute(&mut self, request: Request) -> Result<Response, String> {
        match request {
            Request::OpenTab(open) => {
                check_spec(&open.spec)?;
                if let Some(token) = &open.activation_token {
                    check_activation_token(token)?;
                }
                self.check_terminal_count()?;
                self.open_tab(open).map(Response::Tab)
            }
            Request::Paste { tab, text } => {
                if text.len() > MAX_PASTE_BYTES {
                    return Err(format!(
                        "{} bytes in one paste; the limit is {MAX_PASTE_BYTES}",
                        text.len()
                    ));
                }
                let key = self.existing_tab(tab)?;
                let bracketed = self.tabs.get(key).is_some_and(|t| {
                    t.shared
                        .term
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .modes()
                        .contains(crate::term::modes::Modes::BRACKETED_PASTE)
                });
                let bytes = crate::paste::paste_bytes(&text, bracketed);
                self.queue_input(key, tab, &bytes, true)
            }
            Request::Write { tab, bytes } => {
                let key = self.existing_tab(tab)?;
                if bytes.len() > MAX_WRITE_BYTES {
                    return Err(format!(
                        "{} bytes in one request; the limit is {MAX_WRITE_BYTES}",
                        bytes.len()
                    ));
                }
                self.queue_input(key, tab, &bytes, false)
            }
            Request::Resize { tab, cols, lines } => {
                check_size(cols, lines)?;
                let key = self.existing_tab(tab)?;
                self.resize_tab(key, cols, lines);
                Ok(Response::Done)
            }
            Request::ClosePane { pane } => {
                let key = self.existing_tab(pane)?;
                self.begin_close_tab(key);
                Ok(Response::Done)
            }
            Request::CloseTab { tab } => {
                // A tab's id: the whole tab; another pane's id: that pane.
                if let Some(group) = self.groups.get(&tab) {
                    let keys: Vec<TabKey> =
                        group.panes.iter().filter_map(|p| self.tab_index.get(p).copied()).collect();
                    for key in keys {
                        self.begin_close_tab(key);
                    }
                } else {
                    let key = self.existing_tab(tab)?;
                    self.begin_close_tab(key);
                }
                Ok(Response::Done)
            }
            Request::Split { target, direction, spec } => {
                check_spec(&spec)?;
                self.split(target, direction, spec).map(Response::Tab)
            }
            Request::PaneLayout { tab, focused, zoomed, panes } => {
                self.pane_layout(tab, focused, zoomed, panes)?;
                Ok(Response::Done)
            }
            Request::CloseWindow { window } => {
                if !self.windows.contains_key(&window) {
                    return Err(format!("no window {}", window.0));
                }
                self.close_window(window);
                Ok(Response::Done)
            }
            Request::List => Ok(Response::Windows(self.list())),
            Request::GetText { tab, scrollback } => {
                let key = self.existing_tab(tab)?;
                let shared = &self.tabs[key].shared;
                let term = shared.term.lock().unwrap_or_else(|p| p.into_inner());
                Ok(Response::Text {
                    text: term.text(scrollback),
                    cols: term.cols(),
                    lines: term.lines(),
                })
            }
            Request::WindowShown { window, geometry, active_tab } => {
                let before = self.cell_pixels_of(window);
                if let Some(w) = self.windows.get_mut(&window) {
                    w.geometry = Some(geometry);
                    w.active_tab = active_tab;
                }
                if self.cell_pixels_of(window) != before {
                    self.cell_size_changed(window);
                }
                self.window_moved(window);
                Ok(Response::Done)
            }
            Request::Fullscreen { window, on } => {
                let window = match window {
                    Some(w) if self.windows.contains_key(&w) => w,
                    Some(w) => return Err(format!("no window {}", w.0)),
                    // The newest window, as `create-tab` picks one.
                    None => *self.windows.keys().next_back().ok_or("no window")?,
                };
                self.sink.send(IoEvent::Fullscreen { window, on });
                Ok(Response::Done)
            }
            Request::Stats => Ok(Response::Stats(self.stats())),
            Request::WatchConfig { paths } => self.watch_config(paths),
            Request::ReloadConfig => Err("reload-config is answered on the control socket".into()),
            Request::ConfigReloaded { request, result } => {
                self.config_reloaded(request, result);
                Ok(Response::Done)
            }
            Request::Reconfigure { term, ledger } => {
                self.reconfigure(*term, ledger);
                Ok(Response::Done)
            }
            Request::Ledger => Ok(Response::Ledger(Box::new(self.ledger()))),
            Request::Subscribe { .. } => {
                Err("subscribing needs a connection of its own (the control socket)".into())
            }
            Request::Shutdown => {
                self.begin_shutdown();
                Ok(Response::Done)
            }
            Request::OpenTabInheriting { mut open, from } => {
                if open.spec.cwd.is_none() {
                    let key = self.existing_tab(from)?;
                    open.spec.cwd = self.tab_cwd(key);
                }
                self.execute(Request::OpenTab(open))
            }
            Request::CloseTabChecked { tab, pane, always } => {
                let first = self.existing_tab(tab)?;
                // A tab's id without `pane`: every pane of the tab; else the one pane.
                let keys: Vec<TabKey> = match self.groups.get(&tab) {
                    Some(group) if !pane => {
                        group.panes.iter().filter_map(|p| self.tab_index.get(p).copied()).collect()
                    }
                    _ => vec![first],
                };
                let program = keys.iter().find_map(|&k| self.running_program(k));
                if always || program.is_some() {
                    let window = self.tabs[first].window;
                    let event =
                        IoEvent::ConfirmClose { window, tab: Some(tab), pane, program, tabs: 1 };
                    self.sink.send(event);
                } else {
                    for key in keys {
                        self.begin_close_tab(key);
                    }
                }
                Ok(Response::Done)
            }
            Request::CloseWindowChecked { window, always } => {
                let Some(w) = self.windows.get(&window) else {
                    return Err(format!("no window {}", window.0));
                };
                let tabs = w.tabs.len();
                let keys = self.window_panes(window);
                let program = keys.iter().find_map(|&k| self.running_program(k));
                let last_with_several = self.windows.len() == 1 && keys.len() > 1;
                if always || program.is_some() || last_with_several {
                    let event =
                        IoEvent::ConfirmClose { window, tab: None, pane: false, program, tabs };
                    self.sink.send(event);
                } else {
                    self.close_window(window);
                }
                Ok(Response::Done)
            }
            Request::SetTabTitle { tab, title } => {
                let key = self.existing_tab(tab)?;
                let name = clean_title(&title);
                if let Some(t) = self.tabs.get_mut(key) {
                    t.title.user = (!name.is_empty()).then_some(name);
                }
                self.report_title(key);
                Ok(Response::Done)
            }
            Request::MoveTab { tab, index } => {
                let key = self.existing_tab(tab)?;
                let window = self.tabs[key].window;
                if let Some(w) = self.windows.get_mut(&window)
                    && let Some(from) = w.tabs.iter().position(|t| *t == tab)
                {
                    let id = w.tabs.remove(from);
                    let to = index.min(w.tabs.len());
                    w.tabs.insert(to, id);
                }
                Ok(Response::Done)
            }
            Request::ClipboardReply { tab, selection, mut data, terminator } => {
                let key = self.existing_tab(tab)?;
                data.truncate(CLIPBOARD_REPLY_MAX);
                let reply = match self.tabs.get(key) {
                    Some(t) => {
                        let mut term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                        term.clipboard_reply(selection, &data, terminator);
                        term.take_replies()
                    }
                    None => return Err(format!("no tab {}", tab.0)),
                };
                self.write_tab(key, &reply);
                Ok(Response::Done)
            }
        }
    }

    /// The terminal a request naming `id` acts on: the live pane with that id, else (a tab
    /// whose first pane has closed) the tab's focused pane; else the error a request naming
    /// a tab that is not open gets.
    fn existing_tab(&self, id: TabId) -> Result<TabKey, String> {
        if let Some(&key) = self.tab_index.get(&id) {
            return Ok(key);
        }
        self.groups
            .get(&id)
            .and_then(|g| {
                self.tab_index.get(&g.focused).or_else(|| self.tab_index.get(g.panes.first()?))
            })
            .copied()
            .ok_or_else(|| format!("no tab {} (nor a pane with that id)", id.0))
    }

    /// Refuse a new terminal (tab or pane) beyond `limits.max_tabs`, which bounds every
    /// terminal, panes of all tabs together.
    fn check_terminal_count(&self) -> Result<(), String> {
        if self.tabs.len() >= self.config.max_tabs {
            return Err(format!(
                "too many tabs: {} terminals (tabs and their panes) are open, the limit is {} \
                 (limits.max_tabs)",
                self.tabs.len(),
                self.config.max_tabs
            ));
        }
        Ok(())
    }

    /// The terminals of `window`'s tabs, every pane of each.
    fn window_panes(&self, window: WindowId) -> Vec<TabKey> {
        let Some(w) = self.windows.get(&window) else { return Vec::new() };
        w.tabs
            .iter()
            .filter_map(|t| self.groups.get(t))
            .flat_map(|g| g.panes.iter())
            .filter_map(|p| self.tab_index.get(p).copied())
            .collect()
    }

    /// The pixel size of a cell in `window`: its font's once it has reported a geometry, else
    /// the configured one (headless tabs, a window not shown yet).
    fn cell_pixels_of(&self, window: WindowId) -> (u16, u16) {
        match self.windows.get(&window).and_then(|w| w.geometry) {
            Some(g) => (g.cell_width.round() as u16, g.cell_height.round() as u16),
            None => self.config.term.cell_pixels,
        }
    }

    /// Where `window` is on the screen (XTWINOPS 13): its reported corners, else none.
    fn window_position_of(&self, window: WindowId) -> ((i32, i32), (i32, i32)) {
        match self.windows.get(&window).and_then(|w| w.geometry) {
            Some(g) => (g.position, g.text_position),
            None => ((0, 0), (0, 0)),
        }
    }

    /// The window reported its geometry (shown, resized or moved): its tabs answer XTWINOPS
    /// 13 with its position from now on.
    fn window_moved(&mut self, window: WindowId) {
        let (outer, text) = self.window_position_of(window);
        for key in self.window_panes(window) {
            if let Some(tab) = self.tabs.get(key) {
                let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                term.set_window_position(outer, text);
            }
        }
    }

    /// The window's cells changed size (font size, HiDPI scale): its tabs' pixel reports
    /// (XTWINOPS 14/16 t) and the pixel fields of their PTY window sizes follow.
    fn cell_size_changed(&mut self, window: WindowId) {
        let (cw, ch) = self.cell_pixels_of(window);
        for key in self.window_panes(window) {
            let Some(tab) = self.tabs.get(key) else { continue };
            let (cols, lines) = {
                let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                term.set_cell_pixels(cw, ch);
                (term.cols(), term.lines())
            };
            if let Err(e) = crate::pty::resize(&tab.master, cols as u16, lines as u16, cw, ch) {
                log::warn!("cannot resize tab {}: {e}", tab.id.0);
            }
        }
    }

    /// Every open tab's shared state (a reloaded configuration reaches each terminal).
    pub(crate) fn tab_shares(&self) -> Vec<Arc<TabShared>> {
        self.tabs.values().map(|t| t.shared.clone()).collect()
    }

    pub(crate) fn stats(&self) -> Stats {
        let ipc_slots = self.ipc.as_ref().map_or(0, |s| s.slots());
        let embedder = self.sink.embedder_counts();
        Stats {
            tabs: self.groups.len(),
            panes: self.tabs.len(),
            windows: self.windows.len(),
            slots: self.handles.len()
                + self.tabs.len()
                + self.groups.len()
                + ipc_slots
                + self.children.len(),
            uv_handles: self.lp.count_handles(),
            fds: sys::open_fds(),
            rss_bytes: sys::rss_bytes(),
            children: self.children.len(),
            gl_objects: embedder.gl_objects,
            gl_contexts: embedder.gl_contexts,
            frames: embedder.frames,
            gl_objects_orphaned: embedder.gl_objects_orphaned,
            ui_backlog: self.sink.backlog(),
            subscribers: self.subscribers(),
            notifications_sent: embedder.notifications_sent,
            notifications_dropped: self.notifications_dropped + embedder.notifications_dropped,
        }
    }

    pub(crate) fn list(&self) -> Vec<WindowInfo> {
        self.windows
            .iter()
            .map(|(&id, w)| WindowInfo {
                id,
                geometry: w.geometry,
                active_tab: w.active_tab,
                fullscreen: w.geometry.map(|g| g.fullscreen),
                tabs: w.tabs.iter().filter_map(|&t| self.tab_summary(t)).collect(),
            })
            .collect()
    }

    /// Tab `id` for `list`: the fields of the pane its id resolves to, and every pane.
    fn tab_summary(&self, id: TabId) -> Option<TabSummary> {
        let group = self.groups.get(&id)?;
        let tab = self.tabs.get(self.existing_tab(id).ok()?)?;
        let panes: Vec<PaneSummary> = group
            .panes
            .iter()
            .filter_map(|p| self.tab_index.get(p).and_then(|k| self.tabs.get(*k)))
            .map(|pane| {
                let term = pane.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                let rect = group.layout.iter().find(|g| g.pane == pane.id);
                PaneSummary {
                    id: pane.id,
                    pid: pane.pid,
                    cols: term.cols(),
                    lines: term.lines(),
                    focused: pane.id == group.focused,
                    title: pane.title.effective(term.title()),
                    cwd: pane.cwd.clone(),
                    x: rect.map(|r| r.x),
                    y: rect.map(|r| r.y),
                    width: rect.map(|r| r.width),
                    height: rect.map(|r| r.height),
                }
            })
            .collect();
        let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
        Some(TabSummary {
            id,
            title: tab.title.effective(term.title()),
            pid: tab.pid,
            cols: term.cols(),
            lines: term.lines(),
            cwd: tab.cwd.clone(),
            panes,
            focused_pane: group.focused,
            zoomed: group.zoomed,
        })
    }

    // -------------------------------------------------------------------- panes

    /// Open a pane beside `target` (see [`Request::Split`]).
    fn split(
        &mut self,
        target: TabId,
        direction: SplitDirection,
        mut spec: crate::pty::SpawnSpec,
    ) -> Result<TabInfo, String> {
        if self.shutting_down {
            return Err("uvterm is shutting down".into());
        }
        let key = self.existing_tab(target)?;
        let beside = &self.tabs[key];
        if beside.closing {
            return Err(format!("pane {} is closing", beside.id.0));
        }
        let (group_id, window, beside_id) = (beside.tab, beside.window, beside.id);
        let count = self.groups.get(&group_id).map_or(0, |g| g.panes.len());
        if count >= MAX_PANES_PER_TAB {
            return Err(format!(
                "tab {} has {count} panes; the limit is {MAX_PANES_PER_TAB}",
                group_id.0
            ));
        }
        self.check_terminal_count()?;
        let (cols, lines) = {
            let term = beside.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            (term.cols(), term.lines())
        };
        // Each half must keep a usable size (Ghostty and kitty refuse too): a split of a
        // sliver would give panes of no cell at all, drawn over each other.
        let (have, need, what) = match direction {
            SplitDirection::Right => (cols, MIN_SPLIT_COLS, "columns"),
            SplitDirection::Down => (lines, MIN_SPLIT_LINES, "lines"),
        };
        if have < need {
            return Err(format!(
                "pane {} is too small to split {} ({have} {what}; a split needs at least {need})",
                beside_id.0,
                direction.name()
            ));
        }
        let half = |n: usize| u16::try_from((n / 2).max(1)).unwrap_or(u16::MAX);
        let whole = |n: usize| u16::try_from(n.max(1)).unwrap_or(u16::MAX);
        (spec.cols, spec.lines) = match direction {
            SplitDirection::Right => (half(cols), whole(lines)),
            SplitDirection::Down => (whole(cols), half(lines)),
        };
        if spec.cwd.is_none() {
            spec.cwd = self.pane_cwd(key);
        }
        let (_, info) = self.spawn_pane(window, Some(group_id), spec)?;
        let Some(group) = self.groups.get_mut(&group_id) else {
            // Cannot happen: the target's tab lives while the target does.
            return Err(format!("no tab {}", group_id.0));
        };
        let at = group.panes.iter().position(|p| *p == beside_id);
        group.panes.insert(at.map_or(group.panes.len(), |i| i + 1), info.id);
        group.focused = info.id;
        self.sink.send(IoEvent::PaneOpened {
            info: info.clone(),
            tab: group_id,
            beside: beside_id,
            direction,
        });
        self.publish(Event::PaneOpened { pane: info.id, tab: group_id, window, pid: info.pid });
        Ok(info)
    }

    /// Where a pane's program works now: what it reported with OSC 7, else its foreground
    /// process's directory (`/proc`), else where it was started.
    fn pane_cwd(&self, key: TabKey) -> Option<std::path::PathBuf> {
        let tab = self.tabs.get(key)?;
        self.tab_cwd(key).or_else(|| tab.cwd.as_ref().map(Into::into))
    }

    /// The UI's layout of tab `tab` (see [`Request::PaneLayout`]): `focused` and every
    /// rectangle must name the tab's own panes; at most [`MAX_PANES_PER_TAB`] rectangles.
    fn pane_layout(
        &mut self,
        tab: TabId,
        focused: TabId,
        zoomed: bool,
        panes: Vec<PaneGeometry>,
    ) -> Result<(), String> {
        if panes.len() > MAX_PANES_PER_TAB {
            return Err(format!(
                "{} panes in one layout; the limit is {MAX_PANES_PER_TAB}",
                panes.len()
            ));
        }
        let group_id = if self.groups.contains_key(&tab) {
            tab
        } else {
            self.tabs.get(self.existing_tab(tab)?).map_or(tab, |t| t.tab)
        };
        let Some(group) = self.groups.get_mut(&group_id) else {
            return Err(format!("no tab {}", tab.0));
        };
        if !group.panes.contains(&focused) {
            return Err(format!("pane {} is not in tab {}", focused.0, group_id.0));
        }
        if let Some(stray) = panes.iter().find(|p| !group.panes.contains(&p.pane)) {
            return Err(format!("pane {} is not in tab {}", stray.pane.0, group_id.0));
        }
        group.focused = focused;
        group.zoomed = zoomed;
        group.layout = panes;
        Ok(())
    }

    // -------------------------------------------------------------------- tabs

    pub(crate) fn open_tab(&mut self, request: OpenTab) -> Result<TabInfo, String> {
        if self.shutting_down {
            return Err("uvterm is shutting down".into());
        }
        let window = match request.window {
            WindowTarget::Existing(id) if self.windows.contains_key(&id) => id,
            WindowTarget::Existing(id) => return Err(format!("no window {}", id.0)),
            WindowTarget::Newest => match self.windows.keys().next_back() {
                Some(&id) => id,
                None => WindowId(self.next_id()),
            },
            WindowTarget::New => WindowId(self.next_id()),
        };
        let activation_token = request.activation_token;
        let (_, info) = self.spawn_pane(window, None, request.spec)?;
        let id = info.id;
        self.groups.insert(
            id,
            TabGroup { panes: vec![id], focused: id, zoomed: false, layout: Vec::new() },
        );
        let new_window = !self.windows.contains_key(&window);
        self.windows
            .entry(window)
            .or_insert_with(|| Window { tabs: Vec::new(), geometry: None, active_tab: None })
            .tabs
            .push(id);
        if new_window {
            self.sink.send(IoEvent::WindowOpened { window, activation_token });
            self.publish(Event::WindowOpened { window });
        }
        self.sink.send(IoEvent::TabOpened { window, tab: id, shared: TabRef(info.shared.clone()) });
        self.publish(Event::TabOpened { tab: id, window, pid: info.pid });
        Ok(info)
    }

    /// Start a terminal in `window`: a new tab's first pane (`tab` None: the pane's id is the
    /// tab's) or a pane of tab `tab`. Spawns the program, polls its master and indexes it;
    /// the caller records it in its tab and window and tells the UI.
    fn spawn_pane(
        &mut self,
        window: WindowId,
        tab: Option<TabId>,
        mut spec: crate::pty::SpawnSpec,
    ) -> Result<(TabKey, TabInfo), String> {
        self.ensure_child_signal().map_err(|e| format!("cannot watch children: {e}"))?;
        if spec.program.is_none()
            && let Some((program, args)) = &self.config.shell
        {
            spec.program = Some(program.clone());
            spec.args = args.clone();
        }
        if spec.cols == 0 || spec.lines == 0 {
            (spec.cols, spec.lines) = self.config.default_size;
        }
        let (cw, ch) = self.cell_pixels_of(window);
        spec.cell_width = cw;
        spec.cell_height = ch;
        if let Some(path) = self.ipc.as_ref().map(|s| s.path().to_owned()) {
            spec.env.push(("UVTERM_SOCKET".into(), path.into_os_string()));
        }
        let id = TabId(self.next_id());
        let group = tab.unwrap_or(id);
        spec.env.push(("UVTERM_TAB".into(), id.0.to_string().into()));
        if self.config.shell_integration {
            crate::pty::shell_integration::inject(&mut spec);
        }
        let pty = crate::pty::spawn(&spec).map_err(|e| e.to_string())?;
        let pid = pty.pid;
        self.children.insert(pid, Child { tab: None, kill_timer: None });
        let master = File::from(pty.master);
        let term_config = TermConfig {
            cell_pixels: (cw, ch),
            defer_compression_cells: ledger::deferred_compression_cells(&self.config.ledger),
            ..self.config.term.clone()
        };
        let mut term = Term::new(spec.cols as usize, spec.lines as usize, term_config);
        let (outer, text) = self.window_position_of(window);
        term.set_window_position(outer, text);
        let shared = Arc::new(TabShared {
            id,
            window,
            term: Mutex::new(term),
            dirty: AtomicBool::new(false),
            ui: UiEvents::default(),
        });
        let fd = master.as_raw_fd();
        let key = self.tabs.insert(Tab {
            id,
            tab: group,
            window,
            master,
            pid,
            poll: HandleKey::default(),
            shared: shared.clone(),
            parser: Parser::new(),
            pending: Vec::new(),
            written: 0,
            paste_end: 0,
            want_writable: false,
            closing: false,
            ended: false,
            child_alive: true,
            exit: None,
            cwd: spec.cwd.as_ref().map(|p| p.to_string_lossy().into_owned()),
            eof_timer: None,
            meter: Default::default(),
            title: TabTitle::default(),
            title_timer: None,
            compress_timer: None,
            compressed_cells: 0,
            history_entered: (0, None),
        });
        match self.handles.open_poll(self.lp, Owner::TabPoll(key), fd, uv::READABLE) {
            Ok(poll) => self.tabs[key].poll = poll,
            Err(e) => {
                // No handle, so no close callback: undo here. The child is hung up and
                // reaped like any other.
                if let Some(tab) = self.tabs.remove(key) {
                    sys::signal_group(tab.pid, libc::SIGHUP);
                    self.arm_kill_timer(tab.pid);
                }
                return Err(format!("cannot watch the terminal: {e}"));
            }
        }
        if let Some(child) = self.children.get_mut(&pid) {
            child.tab = Some(key);
        }
        self.tab_index.insert(id, key);
        self.arm_title_check(key);
        Ok((key, TabInfo { id, window, tab: group, pid, shared }))
    }

    fn ensure_child_signal(&mut self) -> std::io::Result<()> {
        if self.child_signal.get().is_none() {
            let key = self.handles.open_signal(self.lp, Owner::ChildSignal, libc::SIGCHLD)?;
            let _ = self.child_signal.set(key);
        }
        Ok(())
    }

    /// Read what the program wrote, up to `budget` bytes (and, with `time`, until that much
    /// time has gone, at least one read), and parse it.
    ///
    /// Fairness: every readable tab gets up to `budget` bytes (and, while other tabs are
    /// busy too, [`READ_TIME_BUDGET`] of parsing, at least one read) per loop turn, so none
    /// starves and a turn stays short;
    /// and while another tab was typed into within [`TYPED_RECENTLY`], its output is read
    /// after each read of this one (a non-blocking read: nothing to read costs one syscall),
    /// so ten tabs flooding output delay an echo by one read's parse, not by ten budgets.
    ///
    /// While a tab typed into waits ([`TYPED_RECENTLY`]) and tabs compete, a busy tab gets
    /// one read of at most [`INTERACTIVE_CHUNK`] bytes per turn and the typed tab is read
    /// before it too. The UI's commands (the typed keys themselves) are carried out between
    /// any two reads rather than once per loop turn: a key waits for one read's parse, not for
    /// a turn of every busy tab (nor for a lone busy tab's whole byte budget). Once a key is
    /// written, the busy tabs wait for its echo, up to [`ECHO_WAIT`]
    /// ([`IoState::wait_for_echo`]).
    fn read_tab(&mut self, key: TabKey, budget: usize, time: Option<std::time::Duration>) {
        let turn_started = std::time::Instant::now();
        let contended =
            self.last_read.is_some_and(|(k, at)| k != key && turn_started - at < CONTENDED);
        let time = time.map(|t| if contended { t } else { LONE_TIME_BUDGET });
        let interactive = self
            .typed
            .filter(|&(k, at)| k != key && contended && at.elapsed() < TYPED_RECENTLY)
            .map(|(k, _)| k);
        let chunk = if interactive.is_some() { INTERACTIVE_CHUNK } else { READ_CHUNK };
        if let Some(typed) = interactive {
            self.read_tab(typed, budget, time);
        }
        let mut total = 0;
        let mut eof = false;
        // Cells of history freed at once (ED 3…), to give back to the OS after the reads.
        let mut history_freed = 0;
        // Output left history plain for the deferred compression.
        let mut deferred = false;
        loop {
            self.serve_commands();
            if contended {
                self.wait_for_echo(key);
            }
            let Some(tab) = self.tabs.get_mut(key) else { return };
            if tab.closing {
                break;
            }
            let n = match (&tab.master).read(&mut self.read_buf[..chunk]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // EIO: the other side is gone (the usual end of a PTY).
                Err(_) => {
                    eof = true;
                    break;
                }
            };
            let started = std::time::Instant::now();
            let (replies, events) = {
                let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                let history = term.grid().history_len();
                term.advance(&mut tab.parser, &self.read_buf[..n]);
                let dropped = history.saturating_sub(term.grid().history_len());
                history_freed = history_freed.max(dropped * term.cols());
                let added = term.grid().history_len().saturating_sub(history);
                tab.meter.rows_since_check += added as u64;
                deferred = term.deferred_history_lines() > 0;
                (term.take_replies(), term.take_events())
            };
            tab.meter.parse_ns += started.elapsed().as_nanos() as u64;
            if self.typed.is_some_and(|(k, _)| k == key) {
                self.echo_due = false;
            }
            tab.meter.bytes_read += n as u64;
            tab.meter.since_check += n as u64;
            total += n;
            if !replies.is_empty() {
                self.write_tab(key, &replies);
            }
            if !events.is_empty() {
                self.term_events(key, events);
            }
            if let Some((typed, at)) = self.typed
                && typed != key
            {
                if at.elapsed() < TYPED_RECENTLY {
                    self.read_tab(typed, budget, time);
                } else {
                    self.typed = None;
                }
            }
            if total >= budget
                || time.is_some_and(|t| turn_started.elapsed() >= t)
                || interactive.is_some()
            {
                break;
            }
        }
        if history_freed > 0 {
            trim::history_dropped(history_freed);
        }
        if total > 0 {
            self.last_read = Some((key, std::time::Instant::now()));
        }
        if total > 0 && crate::trace::latency_on() {
            crate::trace::latency(&format!("PTY read and parsed ({total} bytes)"));
        }
        if total > 0 {
            self.notify_output(key);
            self.output_metered(key);
            self.arm_title_check(key);
        }
        if deferred {
            self.arm_history_compression(key);
        }
        if eof {
            self.output_ended(key);
        }
    }

    /// Queue `bytes` for the tab's program, unless it already holds [`MAX_PENDING_BYTES`]
    /// it has not read; a `paste` is taken whole when nothing else waits, whatever its size
    /// (the request capped it at [`MAX_PASTE_BYTES`]), and what comes after it (keys typed
    /// while the program reads it) waits behind it, counted without it. A tab thus holds at
    /// most one paste and [`MAX_PENDING_BYTES`] besides.
    fn queue_input(
        &mut self,
        key: TabKey,
        tab: TabId,
        bytes: &[u8],
        paste: bool,
    ) -> Result<Response, String> {
        let Some(t) = self.tabs.get(key) else { return Err(format!("no tab {}", tab.0)) };
        let waiting = t.pending.len() - t.written;
        let paste_left = (t.paste_end.saturating_sub(t.meter.bytes_written) as usize).min(waiting);
        let whole_paste = paste && waiting == 0;
        if !whole_paste && waiting - paste_left + bytes.len() > MAX_PENDING_BYTES {
            // What was lost first: the window's banner shows the start of this.
            let refused = format!(
                "tab {} has not read its earlier input: {} bytes refused ({waiting} bytes \
                 wait; the limit is {MAX_PENDING_BYTES})",
                tab.0,
                bytes.len()
            );
            // Typed or pasted input that is lost must be seen, also when nobody waits for
            // the answer (the window's own writes).
            log::warn!("{refused}");
            return Err(refused);
        }
        self.write_tab(key, bytes);
        if whole_paste && let Some(t) = self.tabs.get_mut(key) {
            t.paste_end = t.meter.bytes_written + (t.pending.len() - t.written) as u64;
        }
        let now = std::time::Instant::now();
        self.typed = Some((key, now));
        self.echo_due = true;
        Ok(Response::Written(bytes.len()))
    }

    /// A key was written to a tab and its echo has not come yet: rather than parse `other`'s
    /// output now — each read of a flood wakes its writer and the tty layer's worker, and
    /// they and this thread then compete with the typed tab's program and the window for the
    /// CPUs — sleep until the echo is readable or [`ECHO_WAIT`] after the write has passed,
    /// then read it. Once per write, and at most once per [`ECHO_WAIT_SPACING`]: the other
    /// tabs lose at most that much time per key, and at most a third of their time however
    /// often a client writes.
    fn wait_for_echo(&mut self, other: TabKey) {
        let Some((typed, written_at)) = self.typed.filter(|_| self.echo_due) else { return };
        if typed == other {
            return;
        }
        self.echo_due = false;
        let until = written_at + ECHO_WAIT;
        let now = std::time::Instant::now();
        if self.echo_waited.is_some_and(|t| now.duration_since(t) < ECHO_WAIT_SPACING) {
            return;
        }
        let Some(tab) = self.tabs.get(typed) else { return };
        let left = until.saturating_duration_since(now);
        if tab.closing || left.is_zero() {
            return;
        }
        self.echo_waited = Some(now);
        if sys::wait_readable(tab.master.as_raw_fd(), left) {
            self.read_tab(typed, self.config.read_budget, Some(READ_TIME_BUDGET));
        }
    }

    /// The program's side of the PTY is closed. Its exit status is usually a moment away:
    /// wait briefly for it (the reap then closes the tab), else close without it.
    fn output_ended(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        if tab.closing || tab.eof_timer.is_some() {
            return;
        }
        tab.ended = true;
        if !tab.child_alive {
            self.begin_close_tab(key);
            return;
        }
        let poll = tab.poll;
        self.handles.poll_stop(poll);
        match self.handles.open_timer(self.lp, Owner::EofGrace(key), EOF_GRACE_MS, 0) {
            Ok(timer) => self.tabs[key].eof_timer = Some(timer),
            Err(_) => self.begin_close_tab(key),
        }
    }

    fn notify_output(&mut self, key: TabKey) {
        if let Some(tab) = self.tabs.get(key)
            && !tab.shared.dirty.swap(true, Ordering::AcqRel)
        {
            self.sink.send(IoEvent::TabOutput(tab.id));
        }
    }

    fn term_events(&mut self, key: TabKey, events: Vec<TermEvent>) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        let id = tab.id;
        let mut stream = Vec::new();
        // What one read produced is reported once per kind where only the latest matters
        // (the title the read left, its last working directory, a bell): a program that sets
        // its title a thousand times in one write gives one event with the title it set last,
        // and cannot fill every subscriber's queue in one loop turn.
        let (mut title_changed, mut bell, mut cwd) = (false, false, None);
        let mut notifications = 0;
        for event in events {
            match event {
                TermEvent::TitleChanged => title_changed = true,
                TermEvent::Bell => bell = true,
                TermEvent::ClipboardStore { selection, data } => coalesce::post(
                    &*self.sink,
                    &tab.shared,
                    IoEvent::Clipboard { tab: id, selection, data },
                ),
                TermEvent::WorkingDirectory(path) => cwd = Some(path),
                TermEvent::ResizeRequest { cols, lines } => {
                    if self.config.term.apply_resize_requests {
                        // The terminal resized itself; tell the program.
                        let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                        let (cw, ch) = term.cell_pixels();
                        drop(term);
                        let _ = crate::pty::resize(&tab.master, cols as u16, lines as u16, cw, ch);
                    }
                    coalesce::post(
                        &*self.sink,
                        &tab.shared,
                        IoEvent::ResizeRequest { tab: id, cols, lines },
                    );
                }
                TermEvent::Window(request) => coalesce::post(
                    &*self.sink,
                    &tab.shared,
                    IoEvent::WindowRequest { tab: id, request },
                ),
                // Only emitted when `allow_clipboard_read` is on; the embedder answers.
                TermEvent::ClipboardLoad { selection, terminator } => coalesce::post(
                    &*self.sink,
                    &tab.shared,
                    IoEvent::ClipboardLoad { tab: id, selection, terminator },
                ),
                TermEvent::ColorsChanged | TermEvent::CursorStyleChanged => (),
                TermEvent::SemanticPrompt { mark, exit_status } => match mark {
                    PromptMark::OutputStart => {
                        tab.meter.command_started = Some(std::time::Instant::now());
                        stream.push(Event::CommandStarted { tab: id });
                    }
                    PromptMark::CommandEnd => {
                        let duration_ms = tab
                            .meter
                            .command_started
                            .take()
                            .map(|t| t.elapsed().as_millis() as u64);
                        stream.push(Event::CommandFinished { tab: id, exit_status, duration_ms });
                        // The UI decides (focus, threshold) whether the desktop hears of it;
                        // only the latest finished command waits for it.
                        if let Some(duration_ms) = duration_ms {
                            coalesce::post_notice(
                                &*self.sink,
                                &tab.shared,
                                Notice::CommandFinished { exit_status, duration_ms },
                            );
                        }
                    }
                    PromptMark::PromptStart | PromptMark::CommandStart => (),
                },
                TermEvent::Notification { protocol, title, body } => {
                    // Bounded per read: the rest of a burst is dropped, not queued.
                    notifications += 1;
                    if notifications <= MAX_NOTIFICATIONS_PER_READ {
                        // For the desktop too: the UI decides whether to show it.
                        let notice = Notice::Message {
                            protocol: protocol.name(),
                            title: title.clone(),
                            body: body.clone(),
                        };
                        if !coalesce::post_notice(&*self.sink, &tab.shared, notice) {
                            self.notifications_dropped += 1;
                        }
                        stream.push(Event::Notification {
                            tab: id,
                            protocol: protocol.name(),
                            title,
                            body,
                        });
                    } else {
                        self.notifications_dropped += 1;
                    }
                }
            }
        }
        if title_changed {
            let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            let title = tab.title.effective(term.title());
            drop(term);
            if title != tab.title.shown {
                tab.title.shown = title.clone();
                stream.push(Event::TitleChanged { tab: id, title: title.clone() });
                coalesce::post(&*self.sink, &tab.shared, IoEvent::TitleChanged { tab: id, title });
            }
        }
        if let Some(path) = cwd {
            tab.cwd = Some(path.clone());
            stream.push(Event::CwdChanged { tab: id, cwd: path.clone() });
            coalesce::post(&*self.sink, &tab.shared, IoEvent::WorkingDirectory { tab: id, path });
        }
        if bell {
            stream.push(Event::Bell { tab: id });
            coalesce::post(&*self.sink, &tab.shared, IoEvent::Bell(id));
        }
        for event in stream {
            self.publish(event);
        }
    }

    /// Queue bytes for the program; never blocks: what the PTY does not take now is kept and
    /// written when it becomes writable.
    pub(crate) fn write_tab(&mut self, key: TabKey, bytes: &[u8]) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        if tab.closing || bytes.is_empty() {
            return;
        }
        tab.pending.extend_from_slice(bytes);
        self.flush_tab(key);
        self.arm_title_check(key);
        crate::trace::latency("PTY written");
    }

    fn flush_tab(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        while tab.written < tab.pending.len() {
            match (&tab.master).write(&tab.pending[tab.written..]) {
                Ok(0) => break,
                Ok(n) => {
                    tab.written += n;
                    tab.meter.bytes_written += n as u64;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => {
                    // The program is gone: nobody will read this.
                    tab.written = tab.pending.len();
                }
            }
        }
        let done = tab.written == tab.pending.len();
        if done {
            tab.pending.clear();
            tab.written = 0;
            if tab.pending.capacity() > 64 * 1024 {
                tab.pending.shrink_to(4096);
            }
        } else if tab.written > 64 * 1024 && tab.written * 2 > tab.pending.len() {
            tab.pending.drain(..tab.written);
            tab.written = 0;
        }
        if done == tab.want_writable {
            tab.want_writable = !done;
            let events = if done { uv::READABLE } else { uv::READABLE | uv::WRITABLE };
            let poll = tab.poll;
            if let Err(e) = self.handles.poll_events(poll, events) {
                log::warn!("cannot change PTY polling: {e}");
            }
        }
    }

    fn resize_tab(&mut self, key: TabKey, cols: u16, lines: u16) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        let (cols, lines) = (cols.max(1), lines.max(1));
        let (cw, ch) = {
            let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            term.resize(cols as usize, lines as usize);
            term.cell_pixels()
        };
        if let Err(e) = crate::pty::resize(&tab.master, cols, lines, cw, ch) {
            log::warn!("cannot resize tab {}: {e}", tab.id.0);
        }
        self.notify_output(key);
    }

    /// Start closing a tab: hang up its program and close its poll handle. The tab is
    /// dropped in the handle's close callback.
    pub(crate) fn begin_close_tab(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        if tab.closing {
            return;
        }
        tab.closing = true;
        let (pid, alive, poll) = (tab.pid, tab.child_alive, tab.poll);
        if let Some(timer) = tab.eof_timer.take() {
            self.handles.close(timer);
        }
        if let Some(timer) = tab.title_timer.take() {
            self.handles.close(timer);
        }
        if let Some(timer) = tab.compress_timer.take() {
            self.handles.close(timer);
        }
        if alive {
            sys::signal_group(pid, libc::SIGHUP);
            sys::signal_group(pid, libc::SIGCONT);
            self.arm_kill_timer(pid);
        }
        self.handles.close(poll);
    }

    fn arm_kill_timer(&mut self, pid: i32) {
        let Some(child) = self.children.get(&pid) else { return };
        if child.kill_timer.is_some() {
            return;
        }
        let ms = self.config.kill_timeout.as_millis() as u64;
        match self.handles.open_timer(self.lp, Owner::KillTimer(pid), ms, 0) {
            Ok(timer) => {
                if let Some(child) = self.children.get_mut(&pid) {
                    child.kill_timer = Some(timer);
                }
            }
            Err(e) => {
                log::warn!("no kill timer for {pid} ({e}); killing now");
                sys::signal_group(pid, libc::SIGKILL);
            }
        }
    }

    fn finish_tab_close(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.remove(key) else { return };
        self.tab_index.remove(&tab.id);
        if let Some(child) = self.children.get_mut(&tab.pid) {
            child.tab = None;
        }
        let window = tab.window;
        let (id, group_id, exit, ended) = (tab.id, tab.tab, tab.exit, tab.ended);
        // Dropping the tab closes the master and releases our share of the terminal (a
        // large one's memory goes back to the OS now, if no window still shows it).
        let shared = tab.shared.clone();
        drop(tab);
        let trimmed = trim::release_tab(shared);
        // The pane leaves its tab; focus goes to the pane before it (else the new first).
        let last = match self.groups.get_mut(&group_id) {
            Some(group) => {
                let at = group.panes.iter().position(|p| *p == id);
                group.panes.retain(|p| *p != id);
                group.layout.retain(|g| g.pane != id);
                if group.focused == id
                    && let Some(&next) = group.panes.get(at.map_or(0, |i| i.saturating_sub(1)))
                {
                    group.focused = next;
                }
                group.panes.is_empty()
            }
            None => true,
        };
        if !last {
            self.sink.send(IoEvent::PaneClosed { pane: id, tab: group_id, window, exit, ended });
            self.publish(Event::PaneClosed { pane: id, tab: group_id, window });
        } else {
            self.groups.remove(&group_id);
            self.sink.send(IoEvent::TabClosed { tab: group_id, window, exit });
            self.publish(Event::TabClosed { tab: group_id, window });
            if let Some(w) = self.windows.get_mut(&window) {
                w.tabs.retain(|t| *t != group_id);
                if w.tabs.is_empty() {
                    self.windows.remove(&window);
                    self.sink.send(IoEvent::WindowClosed(window));
                    self.publish(Event::WindowClosed { window });
                }
            }
        }
        self.closed_since_trim += 1;
        if trimmed {
            self.closed_since_trim = 0;
        } else if self.tabs.is_empty() || self.closed_since_trim >= TRIM_EVERY {
            self.closed_since_trim = 0;
            sys::trim_heap();
        }
    }

    pub(crate) fn close_window(&mut self, window: WindowId) {
        for key in self.window_panes(window) {
            self.begin_close_tab(key);
        }
    }

    fn reap_children(&mut self) {
        let pids: Vec<i32> = self.children.keys().copied().collect();
        for pid in pids {
            let status = match sys::try_reap(pid) {
                Reap::Running => continue,
                Reap::Exited(code) => Some(code),
                Reap::Gone => None,
            };
            let Some(child) = self.children.remove(&pid) else { continue };
            if let Some(timer) = child.kill_timer {
                self.handles.close(timer);
            }
            if let Some(key) = child.tab
                && let Some(tab) = self.tabs.get_mut(key)
            {
                tab.child_alive = false;
                tab.exit = status;
                if let Some(status) = status {
                    let tab = tab.id;
                    self.publish(Event::ChildExited { tab, pid, status });
                }
                let Some(tab) = self.tabs.get_mut(key) else { continue };
                if !tab.closing {
                    tab.ended = true;
                    // Keep the program's last words, then close.
                    if tab.eof_timer.is_none() {
                        self.read_tab(key, DRAIN_LIMIT, None);
                    }
                    self.begin_close_tab(key);
                }
            }
        }
        self.maybe_finish();
    }

    // -------------------------------------------------------------------- shutdown

    pub(crate) fn begin_shutdown(&mut self) {
        if self.shutting_down {
            return;
        }
        self.shutting_down = true;
        self.stop_ipc();
        let keys: Vec<TabKey> = self.tabs.keys().collect();
        for key in keys {
            self.begin_close_tab(key);
        }
        self.maybe_finish();
    }

    /// When shutting down and everything else is gone, close the loop's own handles; the loop
    /// ends when their close callbacks have run.
    fn maybe_finish(&mut self) {
        if !self.shutting_down || !self.tabs.is_empty() || !self.children.is_empty() {
            return;
        }
        if self.ipc.as_ref().is_some_and(|s| s.slots() > 0) {
            return;
        }
        let leftover = {
            let mut q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.wakeup = None;
            std::mem::take(&mut q.commands)
        };
        for command in leftover {
            // Replies are dropped: the waiting side sees the loop has stopped.
            drop(command);
        }
        if let Some(key) = self.wakeup.take() {
            self.handles.close(key);
        }
        if let Some(key) = self.event_tick.take() {
            self.handles.close(key);
        }
        self.stop_watching();
        if let Some(key) = self.child_signal.take() {
            self.handles.close(key);
        }
        for key in std::mem::take(&mut self.termination) {
            self.handles.close(key);
        }
    }
}

// ------------------------------------------------------------------------ where a tab is

impl IoState {
    /// What runs in the foreground of `key`'s terminal when it is not the tab's own program
    /// (the shell at its prompt is its own foreground group, the session leader): the
    /// foreground group leader's name, `?` when it cannot be read. `None` when the program
    /// itself is in front (or the terminal has no foreground group any more).
    fn running_program(&self, key: TabKey) -> Option<String> {
        let tab = self.tabs.get(key)?;
        if tab.closing || !tab.child_alive {
            return None;
        }
        let pgid = crate::pty::foreground::foreground_pgid(tab.master.as_raw_fd())?;
        if pgid == tab.pid {
            return None;
        }
        Some(crate::pty::foreground::process_name(pgid).unwrap_or_else(|| "?".into()))
    }

    /// Where a tab opened from `key` starts: the directory the shell reported (OSC 7), else
    /// the foreground process's working directory, else the tab's program's (`/proc`).
    /// Only existing directories count; `None` leaves the new tab in uvterm's own.
    fn tab_cwd(&self, key: TabKey) -> Option<std::path::PathBuf> {
        use crate::pty::foreground;
        let tab = self.tabs.get(key)?;
        let osc7 = {
            let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            // A directory on another machine (a shell over ssh) is no place for a local tab.
            let host = term.working_directory_host();
            let local = host.is_empty()
                || host.eq_ignore_ascii_case("localhost")
                || sys::host_name().is_some_and(|h| h.eq_ignore_ascii_case(host));
            term.working_directory().filter(|_| local).map(std::path::PathBuf::from)
        };
        let front = foreground::foreground_pgid(tab.master.as_raw_fd());
        osc7.into_iter()
            .chain(front.and_then(foreground::process_cwd))
            .chain(foreground::process_cwd(tab.pid))
            .find(|p| p.as_os_str().len() <= MAX_PATH_BYTES && p.is_dir())
    }

    /// Look at `key`'s foreground process soon ([`TITLE_CHECK_MS`]), unless a look is
    /// already armed: output and input arm it, so an idle tab keeps no timer.
    fn arm_title_check(&mut self, key: TabKey) {
        let owner = Owner::TitleCheck(key);
        if let Err(e) = self.arm_tab_timer(key, owner, TITLE_CHECK_MS, |t| &mut t.title_timer) {
            log::debug!("no title check for a tab: {e}");
        }
    }

    /// Open a one-shot timer of `key`'s, kept in the field `slot` picks, unless one is
    /// armed there already, the tab closes or the loop shuts down. Unreferenced: such a
    /// timer alone never keeps the loop alive.
    fn arm_tab_timer(
        &mut self,
        key: TabKey,
        owner: Owner,
        ms: u64,
        slot: fn(&mut Tab) -> &mut Option<HandleKey>,
    ) -> std::io::Result<()> {
        let Some(tab) = self.tabs.get_mut(key) else { return Ok(()) };
        if tab.closing || slot(tab).is_some() || self.shutting_down {
            return Ok(());
        }
        let timer = self.handles.open_timer(self.lp, owner, ms, 0)?;
        self.handles.unref(timer);
        *slot(&mut self.tabs[key]) = Some(timer);
        Ok(())
    }

    /// Arm the deferred compression of every tab whose history waits for it (after a
    /// reload turned compression on: a quiet tab would otherwise wait for its next output).
    pub(super) fn arm_waiting_history_compression(&mut self) {
        let waiting: Vec<TabKey> = self
            .tabs
            .iter()
            .filter(|(_, t)| {
                t.shared.term.lock().unwrap_or_else(|p| p.into_inner()).deferred_history_lines() > 0
            })
            .map(|(k, _)| k)
            .collect();
        for key in waiting {
            self.arm_history_compression(key);
        }
    }

    /// Compress `key`'s deferred history once its output pauses ([`COMPRESS_QUIET_MS`]),
    /// unless that is already armed. Output arms it, so an idle tab keeps no timer.
    fn arm_history_compression(&mut self, key: TabKey) {
        let owner = Owner::HistoryCompress(key);
        let ms = COMPRESS_QUIET_MS;
        if let Err(e) = self.arm_tab_timer(key, owner, ms, |t| &mut t.compress_timer) {
            // The history then stays plain until the next output tries again: bounded by
            // the deferral's cells, and nothing is lost.
            log::debug!("no deferred history compression for a tab: {e}");
        }
    }

    /// The deferred compression's timer fired: while the tab's output goes on, look again
    /// when it may have paused; once it has, compress [`COMPRESS_STEP_BLOCKS`] blocks per
    /// turn of the loop (other tabs, commands and the renderer's reads come in between) and
    /// close the timer when nothing waits.
    fn compress_history_step(&mut self, timer: HandleKey, key: TabKey) {
        let quiet = std::time::Duration::from_millis(COMPRESS_QUIET_MS);
        let Some(tab) = self.tabs.get_mut(key) else {
            self.handles.close(timer);
            return;
        };
        let since = tab.meter.last_output.map_or(quiet, |t| t.elapsed());
        let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
        // Lines that have entered the history so far (dropped ones included).
        let entered = term.grid().dropped() + term.grid().history_len() as u64;
        let now = std::time::Instant::now();
        let (before, looked) = std::mem::replace(&mut tab.history_entered, (entered, Some(now)));
        let lines_per_s = entered.saturating_sub(before) as f64
            / looked.map_or(quiet, |t| now - t).as_secs_f64().max(1e-3);
        // A flood: its lines may leave the scrollback before they are worth compressing.
        // Slower output compresses as it goes, or a tab that never pauses would keep its
        // history plain for as long as it runs.
        if since < quiet && lines_per_s >= FLOOD_LINES_PER_S && !self.shutting_down {
            drop(term);
            self.handles.timer_again(timer, COMPRESS_QUIET_MS);
            return;
        }
        let more = !self.shutting_down && {
            let waiting = term.deferred_history_lines();
            let more = term.compress_deferred_history(COMPRESS_STEP_BLOCKS);
            let done = waiting.saturating_sub(term.deferred_history_lines());
            tab.compressed_cells += done * term.cols();
            more
        };
        drop(term);
        if more {
            self.handles.timer_again(timer, 1);
        } else {
            // Forgotten now rather than in the close callback, so that output arriving
            // before that callback arms a new one.
            tab.compress_timer = None;
            self.handles.close(timer);
            // The plain rows of a flood's history went back to the allocator: to the OS
            // too, when they were many (as for a cleared history).
            trim::history_dropped(std::mem::take(&mut tab.compressed_cells));
        }
    }

    /// The armed look: the foreground process's name, reported when the title changes.
    fn check_title(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        if tab.closing {
            return;
        }
        let pgid = crate::pty::foreground::foreground_pgid(tab.master.as_raw_fd());
        if let (Some(now), Some((seen, at))) = (pgid, tab.title.pgid)
            && now == seen
            && at.elapsed() < TITLE_REREAD
        {
            // The same group leads and its name was read lately. (A leader that execs
            // another program or renames itself keeps its group: hence the re-read.)
            return;
        }
        let name = pgid.and_then(crate::pty::foreground::process_name);
        tab.title.pgid = pgid.filter(|_| name.is_some()).map(|g| (g, std::time::Instant::now()));
        if name.is_some() && name != tab.title.process {
            tab.title.process = name;
            self.report_title(key);
        }
    }

    /// Tell the UI and the event stream `key`'s title if it changed.
    fn report_title(&mut self, key: TabKey) {
        let Some(tab) = self.tabs.get_mut(key) else { return };
        let title = {
            let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            tab.title.effective(term.title())
        };
        if title == tab.title.shown {
            return;
        }
        tab.title.shown = title.clone();
        let id = tab.id;
        coalesce::post(
            &*self.sink,
            &tab.shared,
            IoEvent::TitleChanged { tab: id, title: title.clone() },
        );
        self.publish(Event::TitleChanged { tab: id, title });
    }
}

/// A tab name as `set-tab-title` keeps it: controls dropped, surrounding space trimmed, at
/// most [`MAX_TAB_TITLE_BYTES`] (cut on a character boundary).
fn clean_title(title: &str) -> String {
    let mut name: String = title.chars().filter(|c| !c.is_control()).collect();
    name = name.trim().to_owned();
    name.truncate(name.floor_char_boundary(MAX_TAB_TITLE_BYTES));
    name
}

/// A size a request may ask for: 1..=[`MAX_GRID_SIZE`] columns and lines, the bound the core
/// puts on the program's own size requests.
fn check_size(cols: u16, lines: u16) -> Result<(), String> {
    let ok = |n: u16| (1..=MAX_GRID_SIZE).contains(&(n as usize));
    if ok(cols) && ok(lines) {
        Ok(())
    } else {
        Err(format!(
            "size {cols}x{lines} is out of range: 1-{MAX_GRID_SIZE} columns and 1-{MAX_GRID_SIZE} \
             lines"
        ))
    }
}

/// An activation token a request may pass on to the compositor: 1..=
/// [`MAX_ACTIVATION_TOKEN_BYTES`] bytes of printable ASCII (what xdg-activation and X11
/// startup notification produce), so nothing odd reaches the Wayland or X11 connection.
pub(crate) fn check_activation_token(token: &str) -> Result<(), String> {
    if token.is_empty() || token.len() > MAX_ACTIVATION_TOKEN_BYTES {
        return Err(format!(
            "activation token must be 1-{MAX_ACTIVATION_TOKEN_BYTES} bytes, got {}",
            token.len()
        ));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("activation token must be printable ASCII without spaces".into());
    }
    Ok(())
}

/// What a new tab may be given to run: a bounded working directory and command line, and
/// a size within [`check_size`] (0 means the default size).
fn check_spec(spec: &crate::pty::SpawnSpec) -> Result<(), String> {
    if let Some(cwd) = &spec.cwd
        && cwd.as_os_str().len() > MAX_PATH_BYTES
    {
        return Err(format!("working directory longer than {MAX_PATH_BYTES} bytes"));
    }
    let args = spec.program.iter().chain(&spec.args);
    if args.clone().count() > MAX_ARGS {
        return Err(format!("more than {MAX_ARGS} command arguments"));
    }
    if args.clone().any(|a| a.len() > MAX_ARG_BYTES) {
        return Err(format!("a command argument longer than {MAX_ARG_BYTES} bytes"));
    }
    if spec.cols != 0 && spec.lines != 0 {
        check_size(spec.cols, spec.lines)?;
    }
    Ok(())
}

// ------------------------------------------------------------------------ ledger, budgets

impl IoState {
    /// Output was read from `key`: activity after silence, and the budgets once per
    /// [`BUDGET_CHECK_BYTES`] of output.
    fn output_metered(&mut self, key: TabKey) {
        let silence = std::time::Duration::from_millis(self.config.ledger.silence_ms);
        let Some(tab) = self.tabs.get_mut(key) else { return };
        let now = std::time::Instant::now();
        let quiet = tab.meter.last_output.map(|t| now.duration_since(t));
        tab.meter.last_output = Some(now);
        tab.meter.active = true;
        let check = tab.meter.since_check >= BUDGET_CHECK_BYTES
            || tab.meter.rows_since_check >= ledger::BUDGET_CHECK_ROWS;
        let id = tab.id;
        if let Some(quiet) = quiet
            && quiet >= silence
        {
            self.publish(Event::Activity { tab: id, silent_ms: quiet.as_millis() as u64 });
        }
        if check {
            self.check_budgets(key);
        }
    }

    /// Measure `key`'s heap, report a threshold crossed, and trim history as the budgets say:
    /// first the tab's own `scrollback.max_bytes`, then `memory.budget` over all tabs
    /// (background tabs' oldest history first, the tabs windows show last).
    fn check_budgets(&mut self, key: TabKey) {
        let ledger = self.config.ledger;
        self.measure_heap(key);
        let history = self.tabs.get(key).map_or(0, |t| t.meter.history_heap);
        if ledger.scrollback_max_bytes > 0 && history > ledger.scrollback_max_bytes {
            self.trim_tab(key, ledger.scrollback_max_bytes, "scrollback.max_bytes");
        }
        if ledger.memory_budget == 0 {
            return;
        }
        let total: u64 = self.tabs.values().map(|t| t.meter.heap).sum();
        if total <= ledger.memory_budget {
            return;
        }
        let focused: Vec<TabId> = self.windows.values().filter_map(|w| w.active_tab).collect();
        let mut order: Vec<(bool, std::cmp::Reverse<u64>, TabKey)> = self
            .tabs
            .iter()
            .filter(|(_, t)| !t.closing)
            .map(|(k, t)| (focused.contains(&t.tab), std::cmp::Reverse(t.meter.heap), k))
            .collect();
        // Background tabs first, the largest first among them; shown tabs last.
        order.sort();
        let mut excess = total - ledger.memory_budget;
        for (_, _, k) in order {
            if excess == 0 {
                break;
            }
            let history = self.tabs.get(k).map_or(0, |t| t.meter.history_heap);
            let freed = self.trim_tab(k, history.saturating_sub(excess), "memory.budget");
            excess = excess.saturating_sub(freed);
        }
    }

    /// The heap of `key`'s terminal now (kept in its meter), with a `resource-threshold`
    /// event when it crossed `events.heap_threshold`.
    fn measure_heap(&mut self, key: TabKey) -> u64 {
        let threshold = self.config.ledger.heap_threshold;
        let Some(tab) = self.tabs.get_mut(key) else { return 0 };
        let parts =
            ledger::HeapParts::of(&tab.shared.term.lock().unwrap_or_else(|p| p.into_inner()));
        let heap = parts.screen + parts.history() + parts.side_tables;
        tab.meter.heap = heap;
        tab.meter.history_heap = parts.history();
        tab.meter.since_check = 0;
        tab.meter.rows_since_check = 0;
        if threshold > 0 && (heap > threshold) != tab.meter.above_threshold {
            tab.meter.above_threshold = heap > threshold;
            let (id, above) = (tab.id, heap > threshold);
            self.publish(Event::ResourceThreshold {
                tab: id,
                resource: "heap",
                value: heap,
                threshold,
                above,
            });
        }
        heap
    }

    /// Trim `key`'s oldest history down to `max_bytes` of heap; returns the bytes freed.
    fn trim_tab(&mut self, key: TabKey, max_bytes: u64, reason: &'static str) -> u64 {
        let Some(tab) = self.tabs.get_mut(key) else { return 0 };
        let (lines, bytes, cells) = {
            let mut term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            let (lines, bytes) = ledger::trim_history(&mut term, max_bytes);
            (lines, bytes, lines as usize * term.cols())
        };
        if lines == 0 {
            return 0;
        }
        tab.meter.trimmed_lines += lines;
        tab.meter.trimmed_bytes += bytes;
        tab.meter.heap = tab.meter.heap.saturating_sub(bytes);
        tab.meter.history_heap = tab.meter.history_heap.saturating_sub(bytes);
        let id = tab.id;
        trim::history_dropped(cells);
        self.notify_output(key);
        self.publish(Event::Trimmed { tab: id, lines, bytes, reason });
        bytes
    }

    /// The event clock: silence after activity, and the heap of tabs that wrote since their
    /// last check.
    fn on_event_tick(&mut self) {
        let silence = std::time::Duration::from_millis(self.config.ledger.silence_ms);
        let now = std::time::Instant::now();
        let keys: Vec<TabKey> = self.tabs.keys().collect();
        for key in keys {
            let Some(tab) = self.tabs.get_mut(key) else { continue };
            if tab.meter.since_check > 0 {
                self.check_budgets(key);
            }
            let Some(tab) = self.tabs.get_mut(key) else { continue };
            if tab.meter.active && tab.meter.last_output.is_some_and(|t| now - t >= silence) {
                tab.meter.active = false;
                let id = tab.id;
                let silence_ms = self.config.ledger.silence_ms;
                self.publish(Event::Silence { tab: id, silence_ms });
            }
        }
    }

    /// Open the event clock (the first subscriber) or close it (the last one left).
    pub(crate) fn update_event_tick(&mut self) {
        let wanted = self.subscribers() > 0 && !self.shutting_down;
        match (wanted, self.event_tick) {
            (true, None) => {
                let ms = (self.config.ledger.silence_ms / 4).clamp(25, 1000);
                match self.handles.open_timer(self.lp, Owner::EventTick, ms, ms) {
                    Ok(key) => {
                        // The clock alone must not keep the loop alive.
                        self.handles.unref(key);
                        self.event_tick = Some(key);
                    }
                    Err(e) => log::warn!("no event clock ({e}): no silence events"),
                }
            }
            (false, Some(key)) => {
                self.event_tick = None;
                self.handles.close(key);
            }
            _ => (),
        }
    }

    /// What each tab costs, and the process beside the sum of its parts.
    pub(crate) fn ledger(&mut self) -> Ledger {
        let procs = sys::scan_processes();
        let keys: Vec<TabKey> = self.tabs.keys().collect();
        for &key in &keys {
            self.measure_heap(key);
        }
        let focused: Vec<TabId> = self.windows.values().filter_map(|w| w.active_tab).collect();
        let now = std::time::Instant::now();
        let mut tabs: Vec<TabLedger> = self
            .tabs
            .values()
            .map(|tab| {
                let term = tab.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                let (scrollback_lines, scrollback_limit) = ledger::scrollback(&term);
                let heap_parts = ledger::HeapParts::of(&term);
                // The title the tab bar and `list` show: the user's name, the program's
                // title, else its foreground process's name.
                let title = tab.title.effective(term.title());
                drop(term);
                let tree = ledger::process_tree(&procs, tab.pid);
                let kill_timer =
                    self.children.get(&tab.pid).is_some_and(|c| c.kill_timer.is_some());
                TabLedger {
                    id: tab.id,
                    tab: tab.tab,
                    window: tab.window,
                    title,
                    focused: focused.contains(&tab.tab),
                    heap_bytes: tab.meter.heap,
                    heap_parts,
                    scrollback_lines,
                    scrollback_limit,
                    pty_bytes_read: tab.meter.bytes_read,
                    pty_bytes_written: tab.meter.bytes_written,
                    parse_ns: tab.meter.parse_ns,
                    trimmed_lines: tab.meter.trimmed_lines,
                    trimmed_bytes: tab.meter.trimmed_bytes,
                    uv_handles: 1
                        + usize::from(tab.eof_timer.is_some())
                        + usize::from(tab.title_timer.is_some())
                        + usize::from(tab.compress_timer.is_some())
                        + usize::from(kill_timer),
                    fds: 1,
                    processes_rss_bytes: tree.iter().map(|p| p.rss_bytes).sum(),
                    processes_cpu_ms: tree.iter().map(|p| p.cpu_ms).sum(),
                    processes: tree
                        .iter()
                        .take(MAX_PROCESSES_PER_TAB)
                        .map(|p| ProcessLedger {
                            pid: p.pid,
                            ppid: p.ppid,
                            comm: p.comm.clone(),
                            rss_bytes: p.rss_bytes,
                            cpu_ms: p.cpu_ms,
                        })
                        .collect(),
                    idle_ms: tab.meter.last_output.map(|t| (now - t).as_millis() as u64),
                }
            })
            .collect();
        tabs.sort_by_key(|t| t.id);
        let gpu: BTreeMap<WindowId, WindowGpu> = self.sink.window_gpu().into_iter().collect();
        let windows = self
            .windows
            .iter()
            .map(|(&id, w)| WindowLedger {
                id,
                tabs: w.tabs.clone(),
                active_tab: w.active_tab,
                gl_objects: gpu.get(&id).map(|g| g.gl_objects),
                gpu_bytes_estimate: gpu.get(&id).map(|g| g.gpu_bytes_estimate),
            })
            .collect();
        let heap_bytes = sys::allocator_in_use();
        let tabs_heap_bytes: u64 = tabs.iter().map(|t| t.heap_bytes).sum();
        let embedder = self.sink.embedder_counts();
        let totals = LedgerTotals {
            heap_bytes,
            tabs_heap_bytes,
            unaccounted_heap_bytes: heap_bytes as i64 - tabs_heap_bytes as i64,
            rss_bytes: sys::rss_bytes(),
            fds: sys::open_fds(),
            tabs_fds: tabs.iter().map(|t| t.fds).sum(),
            uv_handles: self.lp.count_handles(),
            tabs_uv_handles: tabs.iter().map(|t| t.uv_handles).sum(),
            gl_objects: embedder.gl_objects,
            gl_contexts: embedder.gl_contexts,
            gpu_bytes_estimate: embedder.gpu_bytes_estimate,
            scrollback_max_bytes: self.config.ledger.scrollback_max_bytes,
            memory_budget: self.config.ledger.memory_budget,
            subscribers: self.subscribers(),
        };
        Ledger { tabs, windows, totals }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_tokens_are_bounded_printable_ascii() {
        assert!(check_activation_token("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_activation_token("gnome-shell/uvterm/1234-0-host_TIME42").is_ok());
        assert!(check_activation_token(&"a".repeat(MAX_ACTIVATION_TOKEN_BYTES)).is_ok());
        let long = check_activation_token(&"a".repeat(MAX_ACTIVATION_TOKEN_BYTES + 1));
        assert!(long.is_err_and(|e| e.contains("1-256 bytes")));
        assert!(check_activation_token("").is_err());
        for bad in ["to\x1bken", "to\nken", "to ken", "tok\u{e9}n", "\x7f"] {
            let e = check_activation_token(bad);
            assert!(e.is_err_and(|e| e.contains("printable ASCII")), "{bad:?}");
        }
    }
}
