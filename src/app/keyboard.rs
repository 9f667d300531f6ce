//! Keyboard input: a winit key event becomes a [`KeyInput`], which goes to the search bar
//! when it is open, else to a bound [`Action`] (carried out by [`super::actions`] through
//! [`WindowActions`], the application's [`actions::ActionContext`]), else to the program as
//! the bytes [`input::encode_key`] gives for the tab's modes. Also input method (IME) text.
//!
//! The decisions — where a key goes ([`route_key`]), which modes encoding follows
//! ([`key_modes`]), what a key does to the search bar ([`edit_search`], [`refresh_search`])
//! — are functions of plain values and a core `Term`, unit-tested below without a window; the
//! `App` methods only fetch their inputs and carry the result out.
//!
//! Must not touch: PTYs and the loop (typed bytes go out as `io::Command::Write`), the mouse.

use std::time::Instant;

use winit::event::ElementState;
use winit::event_loop::ActiveEventLoop;
use winit::keyboard::{KeyCode, KeyLocation, NamedKey, PhysicalKey};
use winit::platform::modifier_supplement::KeyEventExtModifierSupplement;
use winit::window::WindowId as WinitWindowId;

use super::bindings::{self, Action, Binding};
use super::confirm::CloseTarget;
use super::input::{self, Key, KeyAction, KeyInput, KeyModes, KeypadKey, Mods, NavKey};
use super::window::{self, Search, TabView, TermWindow};
use super::{App, actions};
use crate::io::{self, OpenTab, WindowTarget};
use crate::render::fonts::Fonts;
use crate::term::Term;
use crate::term::modes::Modes;

impl App {
    /// Bytes typed into the active tab (scrolls back to the bottom, resets the blink).
    pub(super) fn type_text(&mut self, wid: WinitWindowId, bytes: Vec<u8>) {
        let Some(tab) = self.input_target(wid) else { return };
        crate::trace::latency("key");
        let _ = self.sender.send(io::Command::Write { tab, bytes });
    }

    /// Text pasted into the active tab, as [`App::type_text`]; the I/O thread brackets it
    /// (mode 2004, as the program has it when the paste is written) and takes it whole up to
    /// [`io::MAX_PASTE_BYTES`].
    pub(super) fn paste_text(&mut self, wid: WinitWindowId, text: String) {
        let Some(tab) = self.input_target(wid) else { return };
        let _ = self.sender.send(io::Command::Request(io::Request::Paste { tab, text }));
    }

    /// The active tab input goes to, if its program is still there; input scrolls its view
    /// back to the bottom and shows the cursor.
    fn input_target(&mut self, wid: WinitWindowId) -> Option<io::TabId> {
        let w = self.windows.get_mut(&wid)?;
        w.last_input = Instant::now();
        w.blink_on = true;
        let t = w.active_tab_mut()?;
        if t.display_offset != 0 {
            t.display_offset = 0;
            w.window.request_redraw();
        }
        w.active_tab().filter(|t| t.live()).map(|t| t.id)
    }

    pub(super) fn key(
        &mut self,
        event_loop: &ActiveEventLoop,
        wid: WinitWindowId,
        event: &winit::event::KeyEvent,
    ) {
        let Some(input) = translate_key(event, self.mods) else { return };
        // The in-window prompt (close? / tab name) takes every key while it shows.
        if self.windows.get(&wid).is_some_and(|w| w.prompt.is_some()) {
            self.prompt_key(wid, &input);
            return;
        }
        if input.key == Key::Escape
            && event.state == ElementState::Pressed
            && self.dismiss_banner(wid)
        {
            return;
        }
        // Escape closes the resource overlay (as it closes the search bar); the key is not
        // passed on.
        if input.key == Key::Escape
            && let Some(w) = self.windows.get_mut(&wid)
            && w.overlay.is_some()
        {
            if event.state == ElementState::Pressed {
                w.overlay = None;
                w.window.request_redraw();
            }
            return;
        }
        let search_open =
            self.windows.get(&wid).and_then(|w| w.active_tab()).is_some_and(|t| t.search.is_some());
        match route_key(&input, search_open, &self.bindings) {
            KeyRoute::Search => {
                // The paste keys paste into the query (its first line), not into the program.
                let paste = match bindings::lookup(&self.bindings, input.key, input.mods) {
                    Some(Action::Paste) => Some(false),
                    Some(Action::PastePrimary) => Some(true),
                    _ => None,
                };
                let pasted = match paste {
                    Some(primary) if input.action != KeyAction::Release => {
                        Some(self.get_clipboard(primary).unwrap_or_default())
                    }
                    _ => None,
                };
                self.search_key(wid, &input, pasted.as_deref());
                return;
            }
            KeyRoute::Action(action) => {
                self.action(event_loop, wid, action);
                return;
            }
            KeyRoute::Program => (),
        }
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let Some(t) = w.active_tab() else { return };
        if !t.live() {
            // A held pane (its program exited): Enter or Escape closes it, other keys go
            // nowhere.
            let id = t.id;
            if input.action == KeyAction::Press && matches!(input.key, Key::Enter | Key::Escape) {
                w.dismiss_held(id, &self.sender);
            }
            return;
        }
        let modes = {
            let Ok(term) = t.shared.term.lock() else { return };
            key_modes(&term, self.config.terminal.format_other_keys)
        };
        if let Some(bytes) = input::encode_key(&input, modes)
            && !bytes.is_empty()
        {
            self.type_text(wid, bytes);
        }
    }

    /// Input method events: the composition is shown at the cursor; committed text is typed.
    pub(super) fn ime(&mut self, wid: WinitWindowId, ime: winit::event::Ime) {
        use winit::event::Ime;
        let Some(w) = self.windows.get_mut(&wid) else { return };
        match ime {
            Ime::Preedit(text, _) => {
                w.preedit = (!text.is_empty()).then_some(text);
                w.window.request_redraw();
            }
            Ime::Commit(text) => {
                w.preedit = None;
                w.window.request_redraw();
                // The prompt takes typed text too: a name being typed gets it, a question
                // swallows it.
                if let Some(prompt) = w.prompt.as_mut() {
                    prompt.key(Key::Char(' '), Some(&text), false);
                    return;
                }
                self.type_text(wid, text.into_bytes());
            }
            Ime::Enabled => (),
            Ime::Disabled => {
                w.preedit = None;
                w.window.request_redraw();
            }
        }
    }

    /// A key for the open search bar: edit the query, step through the matches, or close;
    /// `pasted`: the key was a paste key, and this is the clipboard's text.
    fn search_key(&mut self, wid: WinitWindowId, input: &KeyInput, pasted: Option<&str>) -> bool {
        let Some(w) = self.windows.get_mut(&wid) else { return false };
        let Some(t) = w.active_tab_mut() else { return false };
        let Some(search) = t.search.as_mut() else { return false };
        let edit = match pasted {
            Some(text) => paste_into_search(search, text),
            None => edit_search(search, input),
        };
        match edit {
            SearchEdit::Close => t.search = None,
            SearchEdit::Ignored => return true,
            edit @ (SearchEdit::Changed | SearchEdit::Stepped) => {
                let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(offset) = refresh_search(search, &term, edit == SearchEdit::Stepped) {
                    t.display_offset = offset;
                }
            }
        }
        w.window.request_redraw();
        true
    }

    /// A key for the open prompt ([`super::confirm`]): presses and repeats act, releases are
    /// swallowed too.
    fn prompt_key(&mut self, wid: WinitWindowId, input: &KeyInput) {
        use super::confirm::Outcome;
        if input.action == KeyAction::Release {
            return;
        }
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let Some(prompt) = w.prompt.as_mut() else { return };
        let outcome = prompt.key(input.key, input.text.as_deref(), input.mods.ctrl);
        if outcome != Outcome::Open {
            w.prompt = None;
        }
        w.window.request_redraw();
        let window = w.id;
        let request = match outcome {
            Outcome::Open | Outcome::Cancelled => return,
            Outcome::Close(Some(CloseTarget { id, pane: true })) => {
                io::Request::ClosePane { pane: id }
            }
            Outcome::Close(Some(CloseTarget { id, pane: false })) => {
                io::Request::CloseTab { tab: id }
            }
            Outcome::Close(None) => io::Request::CloseWindow { window },
            Outcome::Rename(tab, title) => io::Request::SetTabTitle { tab, title },
        };
        let _ = self.sender.send(io::Command::Request(request));
    }

    /// Close a tab or a pane (`Some`) or this window (`None`) as `confirm_close` says: at
    /// once, or through the I/O thread, which closes when nothing runs and otherwise answers
    /// with `IoEvent::ConfirmClose` (the UI never waits on it).
    pub(super) fn close_checked(&mut self, window: io::WindowId, target: Option<CloseTarget>) {
        use super::config::ConfirmClose;
        let mode = self.config.confirm_close;
        let request = match (mode, target) {
            (ConfirmClose::Never, Some(CloseTarget { id, pane: true })) => {
                io::Request::ClosePane { pane: id }
            }
            (ConfirmClose::Never, Some(CloseTarget { id, pane: false })) => {
                io::Request::CloseTab { tab: id }
            }
            (ConfirmClose::Never, None) => io::Request::CloseWindow { window },
            (_, Some(CloseTarget { id, pane })) => {
                io::Request::CloseTabChecked { tab: id, pane, always: mode == ConfirmClose::Always }
            }
            (_, None) => {
                io::Request::CloseWindowChecked { window, always: mode == ConfirmClose::Always }
            }
        };
        let _ = self.sender.send(io::Command::Request(request));
    }

    fn action(&mut self, event_loop: &ActiveEventLoop, wid: WinitWindowId, action: Action) {
        let _ = event_loop;
        if !self.windows.contains_key(&wid) {
            return;
        }
        actions::perform(&mut WindowActions { app: self, wid }, action);
    }
}

/// The keyboard actions' view of the application: one window (the one the key was pressed
/// in) and its active tab.
struct WindowActions<'a> {
    app: &'a mut App,
    wid: WinitWindowId,
}

impl WindowActions<'_> {
    fn window(&self) -> Option<&TermWindow> {
        self.app.windows.get(&self.wid)
    }

    fn window_mut(&mut self) -> Option<&mut TermWindow> {
        self.app.windows.get_mut(&self.wid)
    }

    fn tab(&self) -> Option<&TabView> {
        self.window().and_then(|w| w.active_tab())
    }
}

impl actions::ActionContext for WindowActions<'_> {
    fn open_tab(&mut self, new_window: bool) {
        let Some(w) = self.window() else { return };
        let target = if new_window { WindowTarget::New } else { WindowTarget::Existing(w.id) };
        let l = w.layout();
        let from = w.active_group().map(|g| g.live_target());
        let mut spec = self.app.spawn_spec(&[], None);
        spec.cols = l.cols as u16;
        spec.lines = l.lines as u16;
        let open = OpenTab { window: target, spec, activation_token: None };
        // The I/O thread knows where the active tab is (OSC 7, else its foreground
        // process's directory): it resolves the new tab's directory.
        let command = match from {
            Some(from) => io::Command::Request(io::Request::OpenTabInheriting { open, from }),
            None => io::Command::OpenTab { request: open, reply: None },
        };
        let _ = self.app.sender.send(command);
    }

    /// The whole tab, every pane of it.
    fn close_tab(&mut self) {
        let Some(w) = self.window() else { return };
        let (window, group) = (w.id, w.active_group().map(|g| g.id));
        if let Some(group) = group {
            self.app.close_checked(window, Some(CloseTarget { id: group, pane: false }));
        }
    }

    fn move_tab(&mut self, index: usize) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        if index >= w.tabs.len() || w.active >= w.tabs.len() {
            return;
        }
        let tab = w.tabs.remove(w.active);
        let id = tab.id;
        w.tabs.insert(index, tab);
        w.active = index;
        // The I/O thread's order follows (what `msg list` shows).
        let _ = sender.send(io::Command::Request(io::Request::MoveTab { tab: id, index }));
        w.report(&sender);
    }

    fn rename_tab(&mut self) {
        let Some(w) = self.window_mut() else { return };
        let Some(tab) = w.active_tab().map(|t| t.id) else { return };
        w.prompt = Some(super::confirm::Prompt::Rename { tab, name: String::new() });
    }

    fn tab_count(&self) -> usize {
        self.window().map_or(0, |w| w.tabs.len())
    }

    fn active_tab(&self) -> usize {
        self.window().map_or(0, |w| w.active)
    }

    fn select_tab(&mut self, index: usize) {
        let Some(w) = self.app.windows.get_mut(&self.wid) else { return };
        w.active = index;
        w.update_title();
        w.sync_size(&self.app.sender);
        w.window.request_redraw();
    }

    fn selection_text(&self) -> Option<String> {
        let t = self.tab()?;
        let s = t.selection?;
        let term = t.shared.term.lock().ok()?;
        Some(window::selection_text(&term, &s))
    }

    fn set_clipboard(&mut self, text: &str) {
        self.app.set_clipboard(text, false);
    }

    fn paste(&mut self, primary: bool) {
        self.app.paste(self.wid, primary);
    }

    fn font_points(&self) -> (f32, f32) {
        let configured = self.app.config.font.size;
        (self.window().map_or(configured, |w| w.fonts.points), configured)
    }

    fn set_font_points(&mut self, points: f32) {
        let family = self.app.config.font.spec();
        let Some(w) = self.app.windows.get_mut(&self.wid) else { return };
        match Fonts::new(&family, points, w.fonts.scale) {
            Ok(f) => w.set_fonts(f, &self.app.sender),
            Err(e) => log::warn!("{e}"),
        }
    }

    /// The focused pane's lines.
    fn page_lines(&self) -> usize {
        self.window().map_or(0, |w| {
            let id = w.active_tab().map(|t| t.id);
            id.and_then(|id| w.pane_layout_of(id)).unwrap_or_else(|| w.layout()).lines
        })
    }

    fn history_len(&self) -> usize {
        self.tab().map_or(0, |t| t.shared.term.lock().map(|t| t.grid().history_len()).unwrap_or(0))
    }

    fn display_offset(&self) -> usize {
        self.tab().map_or(0, |t| t.display_offset)
    }

    fn set_display_offset(&mut self, offset: usize) {
        if let Some(t) = self.window_mut().and_then(|w| w.active_tab_mut()) {
            t.display_offset = offset;
        }
    }

    fn edit_config(&mut self) {
        self.app.edit_config(self.wid);
    }

    fn toggle_overlay(&mut self) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        if w.overlay.take().is_none() {
            w.overlay = Some(super::overlay::Overlay::opened());
            let _ = sender.send(io::Command::Ledger { window: w.id });
        }
    }

    fn toggle_fullscreen(&mut self) {
        let sender = self.app.sender.clone();
        if let Some(w) = self.window_mut() {
            w.set_fullscreen(None, &sender);
        }
    }

    fn toggle_search(&mut self) {
        if let Some(t) = self.window_mut().and_then(|w| w.active_tab_mut()) {
            t.search = if t.search.is_some() { None } else { Some(Search::default()) };
        }
    }

    fn prompt_rows(&self) -> Vec<usize> {
        self.tab().map_or_else(Vec::new, |t| {
            let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            window::prompt_rows(&term)
        })
    }

    fn redraw(&mut self) {
        if let Some(w) = self.window() {
            w.window.request_redraw();
        }
    }

    fn split_pane(&mut self, down: bool) {
        // (From a held pane: beside the tab's running one, which the I/O thread knows.)
        let Some(target) = self.window().and_then(|w| w.active_group()).map(|g| g.live_target())
        else {
            return;
        };
        // The I/O thread starts it in the focused pane's directory (OSC 7, else its
        // foreground process's), as it does for a new tab.
        let spec = self.app.spawn_spec(&[], None);
        let direction = if down { io::SplitDirection::Down } else { io::SplitDirection::Right };
        let _ = self.app.sender.send(io::Command::Split { target, direction, spec, reply: None });
    }

    fn focus_pane(&mut self, dir: bindings::PaneDirection) -> bool {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return false };
        let (area, m) = (w.area(), w.cell_metrics());
        let Some(g) = w.active_group_mut() else { return false };
        let Some(next) = g.tree.neighbour(g.focused, dir, area, m) else { return false };
        // Moving away from a zoomed pane shows every pane again (as Ghostty does).
        if g.tree.set_zoom(None) {
            w.sync_size(&sender);
        }
        w.focus_pane(next, &sender)
    }

    fn resize_pane(&mut self, dir: bindings::PaneDirection, cells: usize) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        let (area, m) = (w.area(), w.cell_metrics());
        let Some(g) = w.active_group_mut() else { return };
        let focused = g.focused;
        if g.tree.zoomed().is_none() && g.tree.resize(focused, dir, cells, area, m) {
            w.sync_size(&sender);
            w.window.request_redraw();
        }
    }

    fn equalize_panes(&mut self) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        let Some(g) = w.active_group_mut() else { return };
        g.tree.equalize();
        w.sync_size(&sender);
        w.window.request_redraw();
    }

    fn toggle_zoom(&mut self) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        let Some(g) = w.active_group_mut() else { return };
        let zoom = if g.tree.zoomed().is_some() { None } else { Some(g.focused) };
        if g.tree.set_zoom(zoom) {
            // The zoomed pane's PTY gets the whole tab's size, and back.
            w.sync_size(&sender);
            w.window.request_redraw();
        }
    }

    fn close_pane(&mut self) {
        let sender = self.app.sender.clone();
        let Some(w) = self.window_mut() else { return };
        let Some(g) = w.active_group() else { return };
        // A held pane is the UI's alone: it goes without asking anybody.
        if g.pane(g.focused).is_some_and(|p| !p.live()) {
            let id = g.focused;
            w.dismiss_held(id, &sender);
            return;
        }
        // The focused pane alone, or the whole tab when it is the last; asking first as
        // `confirm_close` says.
        let target = if g.panes.len() > 1 {
            CloseTarget { id: g.focused, pane: true }
        } else {
            CloseTarget { id: g.id, pane: false }
        };
        let window = w.id;
        self.app.close_checked(window, Some(target));
    }
}

/// Where a key event goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyRoute {
    /// The open search bar takes the keyboard.
    Search,
    /// A bound shortcut ([`super::bindings`]).
    Action(Action),
    /// The program, as the bytes [`input::encode_key`] gives.
    Program,
}

/// Where `input` goes: releases always to the program (which decides by its keyboard
/// protocol whether to report them); else the search bar when open, else a shortcut bound
/// to something other than `None` (which unbinds a default), else the program.
pub(super) fn route_key(input: &KeyInput, search_open: bool, bindings: &[Binding]) -> KeyRoute {
    if input.action == KeyAction::Release {
        return KeyRoute::Program;
    }
    if search_open {
        return KeyRoute::Search;
    }
    match bindings::lookup(bindings, input.key, input.mods) {
        Some(action) if action != Action::None => KeyRoute::Action(action),
        _ => KeyRoute::Program,
    }
}

/// The modes of `term` that keyboard encoding depends on (DECCKM, DECKPAM, DECBKM, mode
/// 1037, Alt/Meta sends Escape, the kitty flags, modifyOtherKeys), with the configured
/// `format_other_keys`.
pub(super) fn key_modes(term: &Term, format_other_keys: bool) -> KeyModes {
    let m = term.modes();
    KeyModes {
        app_cursor: m.contains(Modes::APP_CURSOR),
        app_keypad: m.contains(Modes::APP_KEYPAD),
        backarrow_bs: m.contains(Modes::BACKARROW_BS),
        delete_is_del: m.contains(Modes::DELETE_IS_DEL),
        alt_esc: m.intersects(Modes::ALT_SENDS_ESC | Modes::META_SENDS_ESC),
        kitty: term.keyboard_flags(),
        modify_other_keys: term.modify_other_keys(),
        format_other_keys,
    }
}

/// What a key did to the search bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchEdit {
    /// Escape: close it.
    Close,
    /// The query changed: search again, from the newest match ([`refresh_search`]).
    Changed,
    /// The current match moved: search again, keeping it.
    Stepped,
    /// Nothing to do (a control key, a Ctrl chord); the key is still the search bar's.
    Ignored,
}

/// Apply a key to the search bar. Escape closes. Enter or Up steps to the older match,
/// Shift+Enter or Down to the newer one, wrapping (the search starts at the newest, so Enter
/// walks up the scrollback, as in WezTerm and in Alacritty's backward search). Backspace
/// deletes a character, Ctrl+W a word (and the spaces after it), Ctrl+U the whole query, as
/// in a shell's line editor and Alacritty's search; text without Ctrl is typed.
pub(super) fn edit_search(search: &mut Search, input: &KeyInput) -> SearchEdit {
    let n = search.matches.len();
    let older = |current: usize| (current + n - 1) % n;
    let newer = |current: usize| (current + 1) % n;
    match input.key {
        Key::Escape => return SearchEdit::Close,
        Key::Enter | Key::Up | Key::Down if n == 0 => return SearchEdit::Ignored,
        Key::Enter if input.mods.shift => search.current = newer(search.current),
        Key::Enter | Key::Up => search.current = older(search.current),
        Key::Down => search.current = newer(search.current),
        Key::Backspace => {
            search.query.pop();
            return SearchEdit::Changed;
        }
        Key::Char('u') if input.mods.ctrl => {
            search.query.clear();
            return SearchEdit::Changed;
        }
        Key::Char('w') if input.mods.ctrl => {
            let kept = search.query.trim_end().trim_end_matches(|c: char| !c.is_whitespace());
            search.query.truncate(kept.len());
            return SearchEdit::Changed;
        }
        _ => match input.text.as_deref() {
            Some(text)
                if !text.is_empty() && !text.chars().any(char::is_control) && !input.mods.ctrl =>
            {
                search.query.push_str(text);
                return SearchEdit::Changed;
            }
            _ => return SearchEdit::Ignored,
        },
    }
    SearchEdit::Stepped
}

/// The most characters a paste adds to the search query.
pub(super) const MAX_PASTED_QUERY_CHARS: usize = 1024;

/// Paste `text` into the search query: its first line, control characters left out, at most
/// [`MAX_PASTED_QUERY_CHARS`] characters (the query is one line, matched within rows).
pub(super) fn paste_into_search(search: &mut Search, text: &str) -> SearchEdit {
    let line = text.split(['\n', '\r']).next().unwrap_or_default();
    let before = search.query.len();
    search.query.extend(line.chars().filter(|c| !c.is_control()).take(MAX_PASTED_QUERY_CHARS));
    if search.query.len() == before { SearchEdit::Ignored } else { SearchEdit::Changed }
}

/// Find the query's matches in `term` again. The current match is the newest one after an
/// edit, or stays where Enter moved it (`stepped`). Returns the display offset that shows
/// the current match's row, if there is a match.
pub(super) fn refresh_search(search: &mut Search, term: &Term, stepped: bool) -> Option<usize> {
    let keep = search.current;
    search.matches = window::find_all(term, &search.query);
    let last = search.matches.len().saturating_sub(1);
    search.current = if stepped { keep.min(last) } else { last };
    let m = search.matches.get(search.current)?;
    let grid = term.grid();
    let abs = m.row.0.saturating_sub(grid.dropped()) as usize;
    // Scroll so that the match's row is on screen.
    Some(grid.history_len().saturating_sub(abs))
}

/// A winit key event in our terms.
fn translate_key(event: &winit::event::KeyEvent, mods: Mods) -> Option<KeyInput> {
    use winit::keyboard::Key as W;
    let action = match (event.state, event.repeat) {
        (ElementState::Released, _) => KeyAction::Release,
        (ElementState::Pressed, true) => KeyAction::Repeat,
        (ElementState::Pressed, false) => KeyAction::Press,
    };
    let text =
        event.text.as_ref().map(|t| t.to_string()).filter(|t| !t.chars().all(char::is_control));
    // The Begin key: KP_Begin (the keypad's 5 with NumLock off) or Begin; winit has no name.
    let begin = match event.logical_key {
        W::Unidentified(winit::keyboard::NativeKey::Xkb(0xff9d)) => Some(true),
        W::Unidentified(winit::keyboard::NativeKey::Xkb(0xff58)) => Some(false),
        _ => None,
    };
    let key = if let Some(keypad) = begin {
        if keypad { Key::Keypad(KeypadKey::Nav(NavKey::Begin)) } else { Key::Begin }
    } else if event.location == KeyLocation::Numpad
        && matches!(event.logical_key, W::Named(n) if n != NamedKey::Enter)
    {
        // NumLock off: KP_Up, KP_Home, KP_Prior, KP_Insert, KP_Delete… are the cursor and
        // editing keys, as in xterm (which maps KP_Home…KP_Begin onto Home…Begin).
        // KP_Tab, KP_F1…KP_F4 and the like are the keys they name.
        let key = named_key(&event.logical_key)?;
        NavKey::from_main(key).map_or(key, |nav| Key::Keypad(KeypadKey::Nav(nav)))
    } else if event.location == KeyLocation::Numpad {
        let PhysicalKey::Code(code) = event.physical_key else { return None };
        let digit = |d| Key::Keypad(KeypadKey::Digit(d));
        match code {
            KeyCode::Numpad0 => digit(0),
            KeyCode::Numpad1 => digit(1),
            KeyCode::Numpad2 => digit(2),
            KeyCode::Numpad3 => digit(3),
            KeyCode::Numpad4 => digit(4),
            KeyCode::Numpad5 => digit(5),
            KeyCode::Numpad6 => digit(6),
            KeyCode::Numpad7 => digit(7),
            KeyCode::Numpad8 => digit(8),
            KeyCode::Numpad9 => digit(9),
            KeyCode::NumpadDecimal => Key::Keypad(KeypadKey::Decimal),
            KeyCode::NumpadDivide => Key::Keypad(KeypadKey::Divide),
            KeyCode::NumpadMultiply => Key::Keypad(KeypadKey::Multiply),
            KeyCode::NumpadSubtract => Key::Keypad(KeypadKey::Subtract),
            KeyCode::NumpadAdd => Key::Keypad(KeypadKey::Add),
            KeyCode::NumpadEnter => Key::Keypad(KeypadKey::Enter),
            KeyCode::NumpadEqual => Key::Keypad(KeypadKey::Equal),
            _ => {
                return named_key(&event.logical_key).map(|k| KeyInput {
                    key: k,
                    mods,
                    action,
                    text,
                });
            }
        }
    } else {
        match &event.logical_key {
            W::Named(_) => named_key(&event.logical_key)?,
            W::Character(_) => {
                let base = match event.key_without_modifiers() {
                    W::Character(s) => s.chars().next()?,
                    _ => return None,
                };
                Key::Char(base)
            }
            _ => return None,
        }
    };
    Some(KeyInput { key, mods, action, text })
}

fn named_key(key: &winit::keyboard::Key) -> Option<Key> {
    use winit::keyboard::Key as W;
    let W::Named(n) = key else { return None };
    Some(match n {
        NamedKey::Enter => Key::Enter,
        NamedKey::Tab => Key::Tab,
        NamedKey::Backspace => Key::Backspace,
        NamedKey::Escape => Key::Escape,
        NamedKey::ArrowUp => Key::Up,
        NamedKey::ArrowDown => Key::Down,
        NamedKey::ArrowLeft => Key::Left,
        NamedKey::ArrowRight => Key::Right,
        NamedKey::Home => Key::Home,
        NamedKey::End => Key::End,
        NamedKey::Insert => Key::Insert,
        NamedKey::Delete => Key::Delete,
        NamedKey::PageUp => Key::PageUp,
        NamedKey::PageDown => Key::PageDown,
        NamedKey::Space => Key::Char(' '),
        NamedKey::F1 => Key::F(1),
        NamedKey::F2 => Key::F(2),
        NamedKey::F3 => Key::F(3),
        NamedKey::F4 => Key::F(4),
        NamedKey::F5 => Key::F(5),
        NamedKey::F6 => Key::F(6),
        NamedKey::F7 => Key::F(7),
        NamedKey::F8 => Key::F(8),
        NamedKey::F9 => Key::F(9),
        NamedKey::F10 => Key::F(10),
        NamedKey::F11 => Key::F(11),
        NamedKey::F12 => Key::F(12),
        NamedKey::F13 => Key::F(13),
        NamedKey::F14 => Key::F(14),
        NamedKey::F15 => Key::F(15),
        NamedKey::F16 => Key::F(16),
        NamedKey::F17 => Key::F(17),
        NamedKey::F18 => Key::F(18),
        NamedKey::F19 => Key::F(19),
        NamedKey::F20 => Key::F(20),
        NamedKey::F21 => Key::F(21),
        NamedKey::F22 => Key::F(22),
        NamedKey::F23 => Key::F(23),
        NamedKey::F24 => Key::F(24),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::TermConfig;
    use crate::term::parser::Parser;

    fn term(bytes: &str) -> Term {
        let mut t = Term::new(10, 3, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t
    }

    fn key(key: Key, mods: Mods, text: Option<&str>) -> KeyInput {
        KeyInput { key, mods, action: KeyAction::Press, text: text.map(str::to_owned) }
    }

    const CTRL_SHIFT: Mods = Mods { shift: true, alt: false, ctrl: true, logo: false };

    #[test]
    fn releases_go_to_the_program_the_search_bar_comes_first_then_shortcuts() {
        let b = bindings::defaults();
        let new_tab = key(Key::Char('t'), CTRL_SHIFT, None);
        assert_eq!(route_key(&new_tab, false, &b), KeyRoute::Action(Action::NewTab));
        assert_eq!(route_key(&new_tab, true, &b), KeyRoute::Search, "search takes the keyboard");
        let release = KeyInput { action: KeyAction::Release, ..new_tab.clone() };
        assert_eq!(route_key(&release, true, &b), KeyRoute::Program);
        let a = key(Key::Char('a'), Mods::default(), Some("a"));
        assert_eq!(route_key(&a, false, &b), KeyRoute::Program, "not bound");
        let (unbound, problems) = bindings::load(&[super::super::config::KeyBinding {
            key: "T".into(),
            mods: "Control|Shift".into(),
            action: "None".into(),
        }]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(route_key(&new_tab, false, &unbound), KeyRoute::Program, "bound to None");
    }

    #[test]
    fn key_modes_follow_the_terminal() {
        let initial = key_modes(&term(""), false);
        assert_eq!(
            initial,
            KeyModes { alt_esc: true, ..KeyModes::default() },
            "power-on: only Alt sends Escape"
        );
        let set = key_modes(&term("\x1b[?1h\x1b=\x1b[?67h\x1b[?1037h\x1b[>4;2m\x1b[>1u"), true);
        assert_eq!(
            set,
            KeyModes {
                app_cursor: true,
                app_keypad: true,
                backarrow_bs: true,
                alt_esc: true,
                delete_is_del: true,
                kitty: 1,
                modify_other_keys: 2,
                format_other_keys: true,
            }
        );
        let no_esc = key_modes(&term("\x1b[?1036l\x1b[?1039l"), false);
        assert!(!no_esc.alt_esc, "neither Meta nor Alt sends Escape");
    }

    #[test]
    fn search_keys_edit_the_query_and_step_through_matches_that_scroll_into_view() {
        // Ten lines "foo 0" … "foo 9" on a 3-line screen: rows 0–6 in the history.
        let lines: Vec<String> = (0..10).map(|i| format!("foo {i}")).collect();
        let t = term(&lines.join("\r\n"));
        assert_eq!(t.grid().history_len(), 7);
        let none = Mods::default();
        let mut s = Search::default();
        for c in ["f", "o", "o"] {
            assert_eq!(
                edit_search(&mut s, &key(Key::Char('x'), none, Some(c))),
                SearchEdit::Changed
            );
        }
        assert_eq!(s.query, "foo");
        assert_eq!(refresh_search(&mut s, &t, false), Some(0), "the newest, on screen");
        assert_eq!((s.matches.len(), s.current), (10, 9));

        let enter = key(Key::Enter, none, Some("\r"));
        assert_eq!(edit_search(&mut s, &enter), SearchEdit::Stepped);
        assert_eq!(s.current, 8, "Enter goes up to the older match");
        let shift_enter = key(Key::Enter, Mods { shift: true, ..none }, Some("\r"));
        edit_search(&mut s, &shift_enter);
        edit_search(&mut s, &shift_enter);
        assert_eq!(s.current, 0, "Shift+Enter goes down, wrapping after the newest");
        assert_eq!(refresh_search(&mut s, &t, true), Some(7), "scrolled to the top");
        assert_eq!(s.current, 0, "the step is kept");
        assert_eq!(edit_search(&mut s, &key(Key::Up, none, None)), SearchEdit::Stepped);
        assert_eq!(s.current, 9, "Up goes up, wrapping before the oldest");
        edit_search(&mut s, &key(Key::Down, none, None));
        assert_eq!(s.current, 0, "Down goes down, wrapping");

        let ctrl_a = key(Key::Char('a'), Mods { ctrl: true, ..none }, Some("a"));
        assert_eq!(edit_search(&mut s, &ctrl_a), SearchEdit::Ignored);
        assert_eq!(edit_search(&mut s, &key(Key::Tab, none, Some("\t"))), SearchEdit::Ignored);
        assert_eq!(edit_search(&mut s, &key(Key::Backspace, none, None)), SearchEdit::Changed);
        assert_eq!(s.query, "fo");
        let ctrl = |c| key(Key::Char(c), Mods { ctrl: true, ..none }, Some(""));
        s.query = "error: file  ".into();
        assert_eq!(edit_search(&mut s, &ctrl('w')), SearchEdit::Changed);
        assert_eq!(s.query, "error: ", "Ctrl+W: the last word and the spaces after it");
        edit_search(&mut s, &ctrl('w'));
        edit_search(&mut s, &ctrl('w'));
        assert_eq!(s.query, "");
        s.query = "anything".into();
        assert_eq!(edit_search(&mut s, &ctrl('u')), SearchEdit::Changed);
        assert_eq!(s.query, "", "Ctrl+U clears");
        s.query = "nowhere".into();
        assert_eq!(refresh_search(&mut s, &t, false), None, "no match: the view stays");
        assert_eq!(edit_search(&mut s, &enter), SearchEdit::Ignored, "Enter without matches");
        assert_eq!(edit_search(&mut s, &key(Key::Up, none, None)), SearchEdit::Ignored);
        // A paste adds its first line, without controls, capped.
        s.query = "x ".into();
        assert_eq!(paste_into_search(&mut s, "foo\tbar\r\nsecond line"), SearchEdit::Changed);
        assert_eq!(s.query, "x foobar");
        assert_eq!(paste_into_search(&mut s, "\nonly a second line"), SearchEdit::Ignored);
        s.query.clear();
        paste_into_search(&mut s, &"é".repeat(5000));
        assert_eq!(s.query.chars().count(), MAX_PASTED_QUERY_CHARS);
        assert_eq!(edit_search(&mut s, &key(Key::Escape, none, None)), SearchEdit::Close);
    }
}
