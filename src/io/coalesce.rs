//! A tab's pending UI events, coalesced: the program's output can change the title, ring the
//! bell, write the clipboard (OSC 52), report its directory (OSC 7) or ask for window
//! operations millions of times a second, and queueing one UI event for each grew the UI's
//! queue by gigabytes and delayed typed keys by tens of seconds. Here only the latest state
//! of each kind is kept (window operations: the last [`MAX_WINDOW_REQUESTS`]), and the UI is
//! woken once per batch: the I/O thread sends [`IoEvent::TabEvents`] only when no wake is
//! already queued, and the UI's [`UiEvents::take`] re-arms it. So the UI's queue holds at
//! most one such event per tab, whatever the output (the same rule `TabShared::dirty`
//! applies to "output arrived").
//!
//! Desktop notifications are not state but messages: the first [`MAX_PENDING_NOTICES`] wait
//! in order and the rest are dropped (and counted by the caller) until the UI takes them; of
//! finished commands (OSC 133 D) only the latest waits.
//!
//! Owns the pending state only; it neither parses output nor touches windows.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::{EventSink, IoEvent, Notice, TabId, TabShared};
use crate::term::WindowRequest;
use crate::term::handler::StringTerminator;

/// Window operations (XTWINOPS) kept while the UI has not taken them; older ones are dropped.
pub const MAX_WINDOW_REQUESTS: usize = 8;
/// Distinct OSC 52 selections kept (each holds its latest data only).
const MAX_SELECTIONS: usize = 16;
/// Notifications (OSC 9/777/99) of one tab kept while the UI has not taken them; later ones
/// are dropped. Above the UI's per-tab burst (5), so the rate limit, not this queue, decides.
pub const MAX_PENDING_NOTICES: usize = 8;

#[derive(Default)]
struct Pending {
    /// A wake is queued for the UI and not yet taken.
    queued: bool,
    title: Option<String>,
    bell: bool,
    /// Latest data per selection letter (`c`, `p`, `s`, …), in first-written order.
    clipboard: Vec<(u8, Vec<u8>)>,
    cwd: Option<String>,
    /// OSC 52 reads waiting for an answer: one per selection (a repeated query is answered
    /// once), with the terminator to answer with.
    clipboard_loads: Vec<(u8, StringTerminator)>,
    resize: Option<(usize, usize)>,
    window: VecDeque<WindowRequest>,
    /// Notifications in arrival order, at most [`MAX_PENDING_NOTICES`].
    notices: Vec<Notice>,
    /// The latest finished command (a [`Notice::CommandFinished`]).
    command: Option<Notice>,
}

/// One tab's coalesced UI events (in `TabShared`, so they go when the tab goes).
#[derive(Default)]
pub struct UiEvents {
    pending: Mutex<Pending>,
}

impl UiEvents {
    /// Record `event` (title, bell, clipboard, directory, resize or window request of this
    /// tab), replacing any pending one of its kind. Returns true when the UI must be woken
    /// with [`IoEvent::TabEvents`] (no wake is queued yet). Other events are not coalesced
    /// here: they are returned as `Err` for the caller to send as they are.
    pub fn post(&self, event: IoEvent) -> Result<bool, IoEvent> {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            IoEvent::TitleChanged { title, .. } => p.title = Some(title),
            IoEvent::Bell(_) => p.bell = true,
            IoEvent::Clipboard { selection, data, .. } => {
                if let Some(slot) = p.clipboard.iter_mut().find(|(s, _)| *s == selection) {
                    slot.1 = data;
                } else if p.clipboard.len() < MAX_SELECTIONS {
                    p.clipboard.push((selection, data));
                }
            }
            IoEvent::WorkingDirectory { path, .. } => p.cwd = Some(path),
            IoEvent::ClipboardLoad { selection, terminator, .. } => {
                if let Some(slot) = p.clipboard_loads.iter_mut().find(|(s, _)| *s == selection) {
                    slot.1 = terminator;
                } else if p.clipboard_loads.len() < MAX_SELECTIONS {
                    p.clipboard_loads.push((selection, terminator));
                }
            }
            IoEvent::ResizeRequest { cols, lines, .. } => p.resize = Some((cols, lines)),
            IoEvent::WindowRequest { request, .. } => {
                if p.window.len() == MAX_WINDOW_REQUESTS {
                    p.window.pop_front();
                }
                p.window.push_back(request);
            }
            other => return Err(other),
        }
        Ok(!std::mem::replace(&mut p.queued, true))
    }

    /// Everything pending for tab `tab`, as the events the UI handles (at most one of each
    /// kind, window requests in order), and re-arm the wake.
    pub fn take(&self, tab: TabId) -> Vec<IoEvent> {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let p = std::mem::take(&mut *p);
        let mut out = Vec::new();
        out.extend(p.title.map(|title| IoEvent::TitleChanged { tab, title }));
        out.extend(p.cwd.map(|path| IoEvent::WorkingDirectory { tab, path }));
        out.extend(p.clipboard.into_iter().map(|(selection, data)| IoEvent::Clipboard {
            tab,
            selection,
            data,
        }));
        out.extend(
            p.clipboard_loads.into_iter().map(|(selection, terminator)| IoEvent::ClipboardLoad {
                tab,
                selection,
                terminator,
            }),
        );
        out.extend(p.resize.map(|(cols, lines)| IoEvent::ResizeRequest { tab, cols, lines }));
        out.extend(p.window.into_iter().map(|request| IoEvent::WindowRequest { tab, request }));
        out.extend(
            p.notices.into_iter().chain(p.command).map(|notice| IoEvent::Notify { tab, notice }),
        );
        if p.bell {
            out.push(IoEvent::Bell(tab));
        }
        out
    }

    /// Queue a desktop notification. Returns `None` when it was dropped (the tab's queue holds
    /// [`MAX_PENDING_NOTICES`] already), else whether the UI must be woken.
    pub fn post_notice(&self, notice: Notice) -> Option<bool> {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        match notice {
            Notice::CommandFinished { .. } => p.command = Some(notice),
            Notice::Message { .. } if p.notices.len() >= MAX_PENDING_NOTICES => return None,
            Notice::Message { .. } => p.notices.push(notice),
        }
        Some(!std::mem::replace(&mut p.queued, true))
    }

    /// How many events [`UiEvents::take`] would return now (for `msg stats` and tests).
    pub fn len(&self) -> usize {
        let p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        p.title.is_some() as usize
            + p.cwd.is_some() as usize
            + p.clipboard.len()
            + p.clipboard_loads.len()
            + p.resize.is_some() as usize
            + p.window.len()
            + p.notices.len()
            + p.command.is_some() as usize
            + p.bell as usize
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Send `event` of the tab `shared` to the UI through its coalescing (see the module doc).
pub(crate) fn post(sink: &dyn EventSink, shared: &TabShared, event: IoEvent) {
    match shared.ui.post(event) {
        Ok(true) => sink.send(IoEvent::TabEvents(shared.id)),
        Ok(false) => (),
        Err(event) => sink.send(event),
    }
}

/// Queue the desktop notification `notice` of the tab `shared` for the UI (see the module
/// doc); false when the tab's queue was full and it was dropped.
pub(crate) fn post_notice(sink: &dyn EventSink, shared: &TabShared, notice: Notice) -> bool {
    match shared.ui.post_notice(notice) {
        Some(true) => {
            sink.send(IoEvent::TabEvents(shared.id));
            true
        }
        Some(false) => true,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_events_leave_one_of_each_kind_and_one_wake() {
        let ui = UiEvents::default();
        let tab = TabId(7);
        let mut wakes = 0;
        for i in 0..1_000_000u32 {
            let events = [
                IoEvent::TitleChanged { tab, title: format!("t{i}") },
                IoEvent::Bell(tab),
                IoEvent::Clipboard { tab, selection: b'c', data: i.to_le_bytes().to_vec() },
                IoEvent::WorkingDirectory { tab, path: format!("/d{i}") },
                IoEvent::ResizeRequest { tab, cols: 80, lines: i as usize },
                IoEvent::WindowRequest { tab, request: WindowRequest::Iconify(i % 2 == 0) },
            ];
            for e in events {
                wakes += post(&ui, e) as usize;
            }
        }
        assert_eq!(wakes, 1, "one wake until the UI takes");
        assert_eq!(ui.len(), 5 + MAX_WINDOW_REQUESTS);
        let got = ui.take(tab);
        assert_eq!(got.len(), 5 + MAX_WINDOW_REQUESTS);
        assert!(got.contains(&IoEvent::TitleChanged { tab, title: "t999999".into() }));
        assert!(got.contains(&IoEvent::ResizeRequest { tab, cols: 80, lines: 999_999 }));
        assert_eq!(
            got.last(),
            Some(&IoEvent::Bell(tab)),
            "the bell rings once, after the state it follows"
        );
        assert!(ui.is_empty());
        // Taking re-arms the wake.
        assert!(post(&ui, IoEvent::Bell(tab)));
        assert!(!post(&ui, IoEvent::Bell(tab)));
    }

    #[test]
    fn other_events_pass_through() {
        let ui = UiEvents::default();
        assert_eq!(ui.post(IoEvent::TabOutput(TabId(1))), Err(IoEvent::TabOutput(TabId(1))));
        assert!(ui.is_empty());
    }

    #[test]
    fn notifications_keep_the_first_few_in_order_and_the_latest_finished_command() {
        let ui = UiEvents::default();
        let tab = TabId(3);
        let message = |i: usize| Notice::Message {
            protocol: "osc9",
            title: String::new(),
            body: format!("n{i}"),
        };
        let mut wakes = 0;
        let mut dropped = 0;
        for i in 0..1000 {
            match ui.post_notice(message(i)) {
                Some(wake) => wakes += wake as usize,
                None => dropped += 1,
            }
            ui.post_notice(Notice::CommandFinished { exit_status: Some(i as i32), duration_ms: 1 });
        }
        assert_eq!((wakes, dropped), (1, 1000 - MAX_PENDING_NOTICES));
        assert_eq!(ui.len(), MAX_PENDING_NOTICES + 1);
        let got = ui.take(tab);
        let expected: Vec<IoEvent> = (0..MAX_PENDING_NOTICES)
            .map(|i| IoEvent::Notify { tab, notice: message(i) })
            .chain([IoEvent::Notify {
                tab,
                notice: Notice::CommandFinished { exit_status: Some(999), duration_ms: 1 },
            }])
            .collect();
        assert_eq!(got, expected, "the first ones in order, then the last command");
        assert!(ui.is_empty());
        assert_eq!(ui.post_notice(message(0)), Some(true), "taking re-arms the wake");
    }

    fn post(ui: &UiEvents, e: IoEvent) -> bool {
        ui.post(e).unwrap_or(false)
    }
}
