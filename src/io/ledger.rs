//! The resource ledger, the memory budgets and the event stream's events: what each tab
//! costs (heap, history, PTY bytes, parse time, handles, descriptors, its program's process
//! tree), which history to trim when a budget is exceeded, and what subscribers are told.
//!
//! Owns the ledger's and the events' shapes, the per-tab meters and the trimming policy.
//! Must not touch: the terminal's storage (it asks the core for its heap figure and to trim
//! its history, nothing more), the wire format (the codec encodes events), handles.

use std::time::Instant;

use serde::Serialize;

use super::{TabId, WindowId, sys};
use crate::term::Term;

/// Budgets and thresholds (config keys `scrollback.max_bytes`, `memory.budget`,
/// `events.silence_ms`, `events.heap_threshold`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerConfig {
    /// Most heap bytes one tab's terminal may hold before its oldest history is trimmed;
    /// 0: no per-tab bound.
    pub scrollback_max_bytes: u64,
    /// Most heap bytes all tabs' terminals together may hold before history is trimmed,
    /// background tabs' first, the focused tab's last; 0: no bound.
    pub memory_budget: u64,
    /// Output after this many milliseconds of none is `activity`; none for this long after
    /// output is `silence`.
    pub silence_ms: u64,
    /// A tab's heap crossing this many bytes (up or down) is a `resource-threshold` event;
    /// 0: none.
    pub heap_threshold: u64,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self { scrollback_max_bytes: 0, memory_budget: 0, silence_ms: 5_000, heap_threshold: 0 }
    }
}

/// The history a tab's terminal leaves plain while output flows
/// ([`crate::term::TermConfig::defer_compression_cells`]): the core's
/// [`crate::term::DEFER_COMPRESSION_CELLS`], or none with a history or memory budget, so that
/// budgets always weigh compressed history and never trim lines only because their
/// compression was still to come.
pub fn deferred_compression_cells(ledger: &LedgerConfig) -> usize {
    if ledger.scrollback_max_bytes == 0 && ledger.memory_budget == 0 {
        crate::term::DEFER_COMPRESSION_CELLS
    } else {
        0
    }
}

/// Output bytes a tab reads between two budget checks: the check walks the history's rows,
/// so it runs once per this much output (or [`BUDGET_CHECK_ROWS`] new history rows,
/// whichever comes first), not per read.
pub const BUDGET_CHECK_BYTES: u64 = 64 * 1024;
/// New history rows between two budget checks (short lines grow the heap by a whole row
/// each: 1024 rows of 80 columns are 640 KiB).
pub const BUDGET_CHECK_ROWS: u64 = 1024;

/// What one tab has cost so far; kept beside the tab on the I/O thread.
#[derive(Debug, Default)]
pub(crate) struct TabMeter {
    pub bytes_read: u64,
    pub bytes_written: u64,
    /// Wall-clock time inside the parser, in nanoseconds.
    pub parse_ns: u64,
    pub trimmed_lines: u64,
    pub trimmed_bytes: u64,
    /// Heap bytes at the last check, and the history's part of them.
    pub heap: u64,
    pub history_heap: u64,
    /// Output bytes and new history rows since the last budget check.
    pub since_check: u64,
    pub rows_since_check: u64,
    pub last_output: Option<Instant>,
    /// Output arrived since the last `silence` event.
    pub active: bool,
    /// The heap was above `heap_threshold` at the last check.
    pub above_threshold: bool,
    /// OSC 133 C (the command's output starts) without its D yet.
    pub command_started: Option<Instant>,
}

/// Heap bytes of a terminal (screen, history, side tables): the core's figure, the one the
/// ledger adds up.
pub fn term_heap(term: &Term) -> u64 {
    term.heap_usage().total() as u64
}

/// History lines a terminal keeps now, and at most.
pub fn scrollback(term: &Term) -> (usize, usize) {
    (term.scrollback_len(), term.scrollback_limit())
}

/// Trim the oldest history of `term` until its history takes at most `max_history_bytes`;
/// returns the lines and heap bytes given back.
pub fn trim_history(term: &mut Term, max_history_bytes: u64) -> (u64, u64) {
    let report = term.trim_history(usize::try_from(max_history_bytes).unwrap_or(usize::MAX));
    (report.lines as u64, report.bytes as u64)
}

/// A terminal's heap by part, as the ledger shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HeapParts {
    /// Both screens' visible rows.
    pub screen: u64,
    /// History kept as plain cells, compressed, and decoded copies of compressed blocks.
    pub scrollback: u64,
    pub compressed: u64,
    pub decode_cache: u64,
    /// Styles, hyperlinks and grapheme clusters the cells refer to.
    pub side_tables: u64,
}

impl HeapParts {
    pub fn of(term: &Term) -> HeapParts {
        let h = term.heap_usage();
        HeapParts {
            screen: h.screen as u64,
            scrollback: h.scrollback as u64,
            compressed: h.compressed as u64,
            decode_cache: h.decode_cache as u64,
            side_tables: h.side_tables as u64,
        }
    }

    /// The history's bytes (what `trim_history` bounds).
    pub fn history(&self) -> u64 {
        self.scrollback + self.compressed + self.decode_cache
    }
}

/// One process of a tab's program tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessLedger {
    pub pid: i32,
    pub ppid: i32,
    /// The kernel's command name (at most 15 bytes).
    pub comm: String,
    pub rss_bytes: u64,
    /// User plus system CPU time, in milliseconds.
    pub cpu_ms: u64,
}

/// Most processes listed per tab (the sums still cover the whole tree).
pub const MAX_PROCESSES_PER_TAB: usize = 64;

/// What one pane (terminal) costs (`uvterm msg stats --tabs`: one entry per pane; without
/// splits, one per tab).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TabLedger {
    /// The pane's id (a tab's first pane: the tab's id).
    pub id: TabId,
    /// The tab it belongs to.
    pub tab: TabId,
    pub window: WindowId,
    pub title: String,
    /// In the tab its window shows (GUI); trimmed last.
    pub focused: bool,
    /// Heap bytes of its terminal (screen, history, side tables): the sum of `heap_parts`.
    pub heap_bytes: u64,
    /// The same by part (bytes).
    pub heap_parts: HeapParts,
    pub scrollback_lines: usize,
    pub scrollback_limit: usize,
    /// Bytes read from its PTY (the program's output) and written to it (input, replies).
    pub pty_bytes_read: u64,
    pub pty_bytes_written: u64,
    /// Time spent parsing its output, in nanoseconds.
    pub parse_ns: u64,
    /// History trimmed by the budgets so far: lines and heap bytes.
    pub trimmed_lines: u64,
    pub trimmed_bytes: u64,
    /// Its libuv handles (the PTY poll, timers) and descriptors (the PTY master).
    pub uv_handles: usize,
    pub fds: usize,
    /// Its program and every descendant (from /proc), at most [`MAX_PROCESSES_PER_TAB`].
    pub processes: Vec<ProcessLedger>,
    /// Sums over the whole tree.
    pub processes_rss_bytes: u64,
    pub processes_cpu_ms: u64,
    /// Milliseconds since its last output; absent when there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_ms: Option<u64>,
}

/// One window: its tabs and what its own GL context holds (absent headless).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowLedger {
    pub id: WindowId,
    pub tabs: Vec<TabId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_tab: Option<TabId>,
    /// GL objects of this window's context (after its latest frame).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gl_objects: Option<usize>,
    /// Estimated GPU memory of this window's textures (glyph atlas) and vertex buffers, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_bytes_estimate: Option<u64>,
}

/// The process, beside the sum of its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerTotals {
    /// The allocator's bytes in use (glibc `mallinfo2`: `uordblks + hblkhd`).
    pub heap_bytes: u64,
    /// The sum of the tabs' `heap_bytes`.
    pub tabs_heap_bytes: u64,
    /// `heap_bytes - tabs_heap_bytes` (negative if the tabs' figures overcount).
    pub unaccounted_heap_bytes: i64,
    pub rss_bytes: u64,
    pub fds: usize,
    pub tabs_fds: usize,
    pub uv_handles: usize,
    pub tabs_uv_handles: usize,
    /// GL objects and contexts the GUI holds, and an estimate of their GPU memory in bytes
    /// (atlas textures and vertex buffers); 0 headless.
    pub gl_objects: usize,
    pub gl_contexts: usize,
    pub gpu_bytes_estimate: u64,
    /// Budgets in force (0: none).
    pub scrollback_max_bytes: u64,
    pub memory_budget: u64,
    pub subscribers: usize,
}

/// `uvterm msg stats --tabs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub tabs: Vec<TabLedger>,
    pub windows: Vec<WindowLedger>,
    pub totals: LedgerTotals,
}

/// The process tree under `root`: `root` first, then its descendants breadth-first.
pub fn process_tree(all: &[sys::ProcStat], root: i32) -> Vec<&sys::ProcStat> {
    let mut out: Vec<&sys::ProcStat> = all.iter().filter(|p| p.pid == root).collect();
    let mut i = 0;
    while i < out.len() && out.len() < sys::MAX_PROCS_SCANNED {
        let parent = out[i].pid;
        out.extend(all.iter().filter(|p| p.ppid == parent && p.pid != root));
        i += 1;
    }
    out
}

// ------------------------------------------------------------------------------------ events

/// One event of the stream (`uvterm msg subscribe`); serialized with its kind in `event`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    WindowOpened {
        window: WindowId,
    },
    WindowClosed {
        window: WindowId,
    },
    TabOpened {
        tab: TabId,
        window: WindowId,
        pid: i32,
    },
    TabClosed {
        tab: TabId,
        window: WindowId,
    },
    /// A split opened `pane` in `tab` (a tab's first pane is `tab-opened`).
    PaneOpened {
        pane: TabId,
        tab: TabId,
        window: WindowId,
        pid: i32,
    },
    /// `pane` closed and `tab` lives on (the last pane's close is `tab-closed`).
    PaneClosed {
        pane: TabId,
        tab: TabId,
        window: WindowId,
    },
    TitleChanged {
        tab: TabId,
        title: String,
    },
    CwdChanged {
        tab: TabId,
        cwd: String,
    },
    Bell {
        tab: TabId,
    },
    /// OSC 9, OSC 777 notify or OSC 99; `protocol` is `osc9`, `osc777` or `osc99`.
    Notification {
        tab: TabId,
        protocol: &'static str,
        title: String,
        body: String,
    },
    /// OSC 133 C: the command's output starts.
    CommandStarted {
        tab: TabId,
    },
    /// OSC 133 D: its exit status when the shell sent one, and the time since C.
    CommandFinished {
        tab: TabId,
        exit_status: Option<i32>,
        duration_ms: Option<u64>,
    },
    /// The tab's program exited: its exit code, or 128 + the signal that killed it.
    ChildExited {
        tab: TabId,
        pid: i32,
        status: i32,
    },
    /// Output after at least `silence_ms` of none.
    Activity {
        tab: TabId,
        silent_ms: u64,
    },
    /// No output for `silence_ms` after some.
    Silence {
        tab: TabId,
        silence_ms: u64,
    },
    /// A ledger figure crossed its threshold (`above`: upwards).
    ResourceThreshold {
        tab: TabId,
        resource: &'static str,
        value: u64,
        threshold: u64,
        above: bool,
    },
    /// A budget trimmed this tab's oldest history.
    Trimmed {
        tab: TabId,
        lines: u64,
        bytes: u64,
        reason: &'static str,
    },
}

/// Every event kind, as `--events` names them.
pub const EVENT_KINDS: [&str; 17] = [
    "window-opened",
    "window-closed",
    "tab-opened",
    "tab-closed",
    "title-changed",
    "cwd-changed",
    "bell",
    "notification",
    "command-started",
    "command-finished",
    "child-exited",
    "activity",
    "silence",
    "resource-threshold",
    "trimmed",
    "pane-opened",
    "pane-closed",
];

impl Event {
    /// Its index in [`EVENT_KINDS`].
    pub fn kind(&self) -> usize {
        match self {
            Event::WindowOpened { .. } => 0,
            Event::WindowClosed { .. } => 1,
            Event::TabOpened { .. } => 2,
            Event::TabClosed { .. } => 3,
            Event::TitleChanged { .. } => 4,
            Event::CwdChanged { .. } => 5,
            Event::Bell { .. } => 6,
            Event::Notification { .. } => 7,
            Event::CommandStarted { .. } => 8,
            Event::CommandFinished { .. } => 9,
            Event::ChildExited { .. } => 10,
            Event::Activity { .. } => 11,
            Event::Silence { .. } => 12,
            Event::ResourceThreshold { .. } => 13,
            Event::Trimmed { .. } => 14,
            Event::PaneOpened { .. } => 15,
            Event::PaneClosed { .. } => 16,
        }
    }
}

/// Which event kinds a subscriber wants (bit `i`: [`EVENT_KINDS`]`[i]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMask(pub u32);

impl EventMask {
    pub const ALL: EventMask = EventMask((1 << EVENT_KINDS.len()) - 1);

    /// The kinds named (an empty list: all); an unknown name is an error naming the known.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<EventMask, String> {
        if names.is_empty() {
            return Ok(EventMask::ALL);
        }
        let mut mask = 0;
        for name in names {
            let name = name.as_ref();
            match EVENT_KINDS.iter().position(|k| *k == name) {
                Some(i) => mask |= 1 << i,
                None => {
                    return Err(format!(
                        "unknown event {name:?}; known: {}",
                        EVENT_KINDS.join(", ")
                    ));
                }
            }
        }
        Ok(EventMask(mask))
    }

    pub fn wants(self, event: &Event) -> bool {
        self.0 & (1 << event.kind()) != 0
    }

    /// The kinds, by name.
    pub fn names(self) -> Vec<&'static str> {
        EVENT_KINDS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_parse_names_and_refuse_unknown_ones() {
        assert_eq!(EventMask::parse::<&str>(&[]).unwrap(), EventMask::ALL);
        let m = EventMask::parse(&["bell", "tab-closed"]).unwrap();
        assert!(m.wants(&Event::Bell { tab: TabId(1) }));
        assert!(!m.wants(&Event::TitleChanged { tab: TabId(1), title: String::new() }));
        assert_eq!(m.names(), vec!["tab-closed", "bell"]);
        assert!(EventMask::parse(&["nope"]).unwrap_err().contains("command-finished"));
    }

    #[test]
    fn every_kind_has_its_name() {
        let e = Event::CommandFinished { tab: TabId(3), exit_status: Some(2), duration_ms: None };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["event"], EVENT_KINDS[e.kind()]);
        assert_eq!(v["tab"], 3);
        let e = Event::ResourceThreshold {
            tab: TabId(1),
            resource: "heap",
            value: 1,
            threshold: 1,
            above: true,
        };
        assert_eq!(serde_json::to_value(&e).unwrap()["event"], EVENT_KINDS[e.kind()]);
    }

    #[test]
    fn process_trees_follow_parents() {
        let p =
            |pid, ppid| sys::ProcStat { pid, ppid, comm: String::new(), cpu_ms: 0, rss_bytes: 0 };
        let all = vec![p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1)];
        let tree: Vec<i32> = process_tree(&all, 10).iter().map(|p| p.pid).collect();
        assert_eq!(tree, vec![10, 11, 12]);
        assert!(process_tree(&all, 99).is_empty());
    }
}
