//! The winit application: windows, tabs as the user sees them, keyboard, mouse, selection,
//! clipboard, search. Runs on the main (UI) thread and never blocks on I/O: the I/O thread
//! (one libuv loop, [`crate::io`]) owns every PTY; the UI sends it commands (woken with
//! `uv_async_send`) and is woken by it through the winit event loop proxy.
//!
//! Windows mirror the I/O thread's logical windows: whoever asks for a window (the start-up,
//! Ctrl+Shift+N, `uvterm msg create-window`), the I/O thread opens it and the UI creates the
//! real one when it hears of it.

pub mod actions;
pub mod bindings;
pub mod config;
pub mod input;
pub mod scene;
pub mod window;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use glutin::config::ConfigTemplateBuilder;
use winit::application::ApplicationHandler;
use winit::dpi::{PhysicalPosition, PhysicalSize};
use winit::event::{ElementState, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::keyboard::{KeyCode, KeyLocation, NamedKey, PhysicalKey};
use winit::platform::modifier_supplement::KeyEventExtModifierSupplement;
use winit::window::{WindowAttributes, WindowId as WinitWindowId};

use self::bindings::{Action, Binding};
use self::config::Config;
use self::input::{
    Key, KeyAction, KeyInput, KeyModes, KeypadKey, Mods, MouseAction, MouseButton, MouseInput,
    NavKey,
};
use self::window::{Search, Selection, SelectionKind, TabView, TermWindow};
use crate::io::{self, IoEvent, IoHandle, IoSender, OpenTab, TabId, WindowTarget};
use crate::pty::SpawnSpec;
use crate::render::fonts::Fonts;
use crate::term::index::{Column, StablePoint, StableRow};
use crate::term::modes::{Modes, MouseTracking};

/// What the command line asks of the GUI.
#[derive(Debug, Clone, Default)]
pub struct GuiOptions {
    /// Program and arguments instead of the shell.
    pub command: Vec<String>,
    pub working_directory: Option<PathBuf>,
    pub title: Option<String>,
    /// `-o key=value` configuration overrides.
    pub overrides: Vec<String>,
    pub config_file: Option<PathBuf>,
    pub socket: Option<PathBuf>,
}

/// The I/O thread's way into the winit loop. `backlog` counts events sent and not yet handled
/// (the UI decrements it as it finishes each one): `stats.ui_backlog`.
struct ProxySink {
    proxy: EventLoopProxy<IoEvent>,
    backlog: Arc<AtomicUsize>,
}

impl io::EventSink for ProxySink {
    fn send(&self, event: IoEvent) {
        self.backlog.fetch_add(1, Ordering::SeqCst);
        // The event loop is gone when the app exits; nothing to do then.
        if self.proxy.send_event(event).is_err() {
            self.backlog.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn backlog(&self) -> usize {
        self.backlog.load(Ordering::SeqCst)
    }

    fn embedder_counts(&self) -> io::EmbedderCounts {
        // Atomics the renderer keeps: reading them touches no GL.
        io::EmbedderCounts {
            gl_objects: crate::render::gl::live_objects(),
            gl_contexts: crate::render::gl::live_contexts(),
            frames: crate::render::gl::frames(),
            gl_objects_orphaned: crate::render::gl::orphaned_objects(),
        }
    }
}

/// Marks one I/O event handled when dropped (after every path through `user_event`).
struct Handled(Arc<AtomicUsize>);

impl Drop for Handled {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Run the GUI until the last window closes.
pub fn run(options: GuiOptions) -> ExitCode {
    if let Some(message) = config::missing_config_file(options.config_file.as_deref()) {
        eprintln!("uvterm: {message}");
        return ExitCode::from(2);
    }
    let config_path = options.config_file.clone().or_else(config::default_path);
    let (config, problems) = config::load(config_path.as_deref(), &options.overrides);
    for p in &problems {
        eprintln!("uvterm: {p}");
    }
    let (bindings, problems) = bindings::load(&config.keybindings);
    for p in &problems {
        eprintln!("uvterm: {p}");
    }
    crate::pty::raise_fd_limit();
    let fonts = match Fonts::new(&config.font.family, config.font.size, 1.0) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("uvterm: {e}");
            return ExitCode::from(1);
        }
    };
    let event_loop = match EventLoop::<IoEvent>::with_user_event().build() {
        Ok(el) => el,
        Err(e) => {
            eprintln!("uvterm: cannot open the display: {e}");
            return ExitCode::from(1);
        }
    };
    let socket = match crate::ipc::socket::server_path(options.socket.as_deref()) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("uvterm: IPC disabled: {e}");
            None
        }
    };
    let mut term = config.term_config();
    term.cell_pixels = (fonts.cell_width as u16, fonts.cell_height as u16);
    let io_config = io::IoConfig {
        term,
        default_size: (config.window.columns, config.window.lines),
        ipc_socket: socket,
        ipc_codec: Some(crate::ipc::protocol::JsonCodec::shared()),
        max_tabs: config.limits.max_tabs,
        termination_signals: true,
        shell: config.shell_command(),
        ..io::IoConfig::default()
    };
    let backlog = Arc::new(AtomicUsize::new(0));
    let sink = ProxySink { proxy: event_loop.create_proxy(), backlog: backlog.clone() };
    let io = match IoHandle::start(io_config, Box::new(sink)) {
        Ok(io) => io,
        Err(e) => {
            eprintln!("uvterm: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let sender = io.sender();
    let mut app = App {
        config,
        bindings,
        options,
        io: Some(io),
        sender,
        backlog,
        gl_config: None,
        windows: HashMap::new(),
        ids: HashMap::new(),
        base_font: (
            fonts.family.clone(),
            fonts.points,
            (fonts.cell_width as f64, fonts.cell_height as f64),
        ),
        spare_fonts: Some(fonts),
        clipboard: None,
        mods: Mods::default(),
        mouse: MouseState::default(),
        started: false,
        exit_code: 0,
    };
    if let Err(e) = event_loop.run_app(&mut app) {
        eprintln!("uvterm: {e}");
        return ExitCode::from(1);
    }
    if let Some(io) = app.io.take() {
        io.shutdown();
    }
    ExitCode::from(app.exit_code)
}

#[derive(Default)]
struct MouseState {
    pos: PhysicalPosition<f64>,
    window: Option<WinitWindowId>,
    /// The button held for a drag, and whether it belongs to the program (reported).
    held: Option<(MouseButton, bool)>,
    selecting: bool,
    last_click: Option<(Instant, (usize, usize), u8)>,
    /// Where the selecting button went down (stable row, column, kind).
    press_cell: Option<(u64, usize, SelectionKind)>,
    /// Sub-line wheel movement carried over (touchpads).
    wheel_acc: f64,
}

struct App {
    config: Config,
    bindings: Vec<Binding>,
    options: GuiOptions,
    io: Option<IoHandle>,
    sender: IoSender,
    /// Shared with the [`ProxySink`]: I/O events not handled yet.
    backlog: Arc<AtomicUsize>,
    gl_config: Option<glutin::config::Config>,
    windows: HashMap<WinitWindowId, TermWindow>,
    ids: HashMap<io::WindowId, WinitWindowId>,
    /// Family, points and unscaled cell size (pixels) from the configuration.
    base_font: (String, f32, (f64, f64)),
    /// The fonts loaded at start, until a window takes them.
    spare_fonts: Option<Fonts>,
    clipboard: Option<arboard::Clipboard>,
    mods: Mods,
    mouse: MouseState,
    started: bool,
    exit_code: u8,
}

impl ApplicationHandler<IoEvent> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.started {
            return;
        }
        self.started = true;
        let spec =
            self.spawn_spec(&self.options.command.clone(), self.options.working_directory.clone());
        let result = match &self.io {
            Some(io) => io.open_tab(OpenTab { window: WindowTarget::New, spec }),
            None => Err("not started".into()),
        };
        if let Err(e) = result {
            eprintln!("uvterm: {e}");
            self.exit_code = 1;
            event_loop.exit();
        }
    }

    fn user_event(&mut self, event_loop: &ActiveEventLoop, event: IoEvent) {
        let _handled = Handled(self.backlog.clone());
        let sender = self.sender.clone();
        match event {
            IoEvent::WindowOpened(id) => self.create_window(event_loop, id),
            IoEvent::TabOpened { window, tab, shared } => {
                let Some(w) = self.window_for(window) else { return };
                let title = shared.0.term.lock().map(|t| t.title().to_owned()).unwrap_or_default();
                w.tabs.push(TabView {
                    id: tab,
                    shared: shared.0,
                    display_offset: 0,
                    selection: None,
                    search: None,
                    title,
                });
                w.active = w.tabs.len() - 1;
                w.update_title();
                // The tab bar may have appeared: everything is resized.
                w.sync_size(&sender);
                w.window.request_redraw();
            }
            IoEvent::TabOutput(tab) => {
                if let Some(w) = self.window_of_tab(tab) {
                    if w.active_tab().is_some_and(|t| t.id == tab) {
                        w.window.request_redraw();
                    } else if let Some(t) = w.tabs.iter().find(|t| t.id == tab) {
                        // Not on display: let the next output notify again.
                        t.shared.dirty.store(false, Ordering::Release);
                    }
                }
            }
            IoEvent::TabEvents(tab) => {
                // Coalesced title/bell/clipboard/window events: at most one of each kind.
                let pending = self
                    .windows
                    .values()
                    .flat_map(|w| w.tabs.iter())
                    .find(|t| t.id == tab)
                    .map(|t| t.shared.ui.take(tab))
                    .unwrap_or_default();
                for event in pending {
                    self.user_event(event_loop, event);
                }
            }
            IoEvent::TitleChanged { tab, title } => {
                if let Some(w) = self.window_of_tab(tab) {
                    if let Some(t) = w.tabs.iter_mut().find(|t| t.id == tab) {
                        t.title = title;
                    }
                    w.update_title();
                    w.window.request_redraw();
                }
            }
            IoEvent::Bell(tab) => {
                let visual = self.config.window.visual_bell;
                if let Some(w) = self.window_of_tab(tab) {
                    if visual {
                        w.ring_bell();
                    }
                    if !w.focused {
                        w.window.request_user_attention(Some(
                            winit::window::UserAttentionType::Informational,
                        ));
                    }
                }
            }
            IoEvent::Clipboard { selection, data, .. } => {
                if let Ok(text) = String::from_utf8(data) {
                    self.set_clipboard(&text, selection != b'c');
                }
            }
            IoEvent::ResizeRequest { tab, cols, lines } => {
                if let Some(w) = self.window_of_tab(tab) {
                    let size = w.size_for(cols, lines);
                    let _ = w.window.request_inner_size(size);
                }
            }
            IoEvent::WindowRequest { tab, request } => {
                if let Some(w) = self.window_of_tab(tab) {
                    use crate::term::WindowRequest as R;
                    match request {
                        R::Iconify(on) => w.window.set_minimized(on),
                        R::Raise => w.window.focus_window(),
                        R::Maximize(n) => w.window.set_maximized(n != 0),
                        R::Fullscreen(n) => {
                            let on = match n {
                                0 => false,
                                1 => true,
                                _ => w.window.fullscreen().is_none(),
                            };
                            w.window.set_fullscreen(
                                on.then_some(winit::window::Fullscreen::Borderless(None)),
                            );
                        }
                        R::ResizePixels { width, height } => {
                            let size = w.window.inner_size();
                            let width = if width == 0 { size.width } else { width as u32 };
                            let height = if height == 0 { size.height } else { height as u32 };
                            let _ = w.window.request_inner_size(PhysicalSize::new(width, height));
                        }
                        R::Lower | R::Refresh => w.window.request_redraw(),
                        R::Move { x, y } => w.window.set_outer_position(
                            winit::dpi::PhysicalPosition::new(x as i32, y as i32),
                        ),
                    }
                }
            }
            IoEvent::ClipboardLoad { tab, selection, terminator } => {
                // Allowed by the configuration (the core asks only then): answer from the
                // real clipboard (`c`) or primary selection (anything else).
                let text = self.get_clipboard(selection != b'c').unwrap_or_default();
                let data = text.into_bytes();
                let _ = self.sender.send(io::Command::ClipboardReply {
                    tab,
                    selection,
                    data,
                    terminator,
                });
            }
            IoEvent::WorkingDirectory { .. } => (),
            IoEvent::TabClosed { tab, window, .. } => {
                if let Some(w) = self.window_for(window) {
                    if let Some(i) = w.tabs.iter().position(|t| t.id == tab) {
                        // The last reference to a large terminal: its memory goes back now.
                        io::release_tab(w.tabs.remove(i).shared);
                        if w.active >= w.tabs.len() {
                            w.active = w.tabs.len().saturating_sub(1);
                        } else if i < w.active {
                            w.active -= 1;
                        }
                    }
                    w.update_title();
                    w.sync_size(&sender);
                    w.window.request_redraw();
                }
            }
            IoEvent::WindowClosed(id) => {
                if let Some(wid) = self.ids.remove(&id)
                    && let Some(w) = self.windows.remove(&wid)
                {
                    // Its GL objects and context go with it (TermWindow's Drop).
                    drop(w);
                }
                if self.windows.is_empty() {
                    event_loop.exit();
                }
            }
            IoEvent::Stopped => event_loop.exit(),
        }
    }

    fn window_event(
        &mut self,
        event_loop: &ActiveEventLoop,
        wid: WinitWindowId,
        event: WindowEvent,
    ) {
        match event {
            WindowEvent::RedrawRequested => {
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.draw();
                }
            }
            WindowEvent::CloseRequested => {
                if let Some(w) = self.windows.get(&wid) {
                    let _ = self.sender.send(io::Command::CloseWindow { window: w.id });
                }
            }
            WindowEvent::Resized(_) => {
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.resized(&self.sender);
                }
            }
            WindowEvent::ScaleFactorChanged { scale_factor, .. } => {
                let (family, size, padding) = (
                    self.config.font.family.clone(),
                    self.config.font.size,
                    self.config.window.padding,
                );
                if let Some(w) = self.windows.get_mut(&wid) {
                    let points = w.fonts.points.max(1.0);
                    match Fonts::new(
                        &family,
                        if points > 0.0 { points } else { size },
                        scale_factor as f32,
                    ) {
                        Ok(f) => {
                            w.set_padding(padding);
                            w.set_fonts(f, &self.sender);
                        }
                        Err(e) => log::warn!("fonts for scale {scale_factor}: {e}"),
                    }
                }
            }
            WindowEvent::Focused(focused) => {
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.focused = focused;
                    w.last_input = Instant::now();
                    if let Some(t) = w.active_tab() {
                        let on = t
                            .shared
                            .term
                            .lock()
                            .is_ok_and(|t| t.modes().contains(Modes::FOCUS_EVENTS));
                        if on {
                            let bytes =
                                if focused { b"\x1b[I".to_vec() } else { b"\x1b[O".to_vec() };
                            let _ = self.sender.send(io::Command::Write { tab: t.id, bytes });
                        }
                    }
                    w.window.request_redraw();
                }
            }
            WindowEvent::ModifiersChanged(m) => {
                let s = m.state();
                self.mods = Mods {
                    shift: s.shift_key(),
                    ctrl: s.control_key(),
                    alt: s.alt_key(),
                    logo: s.super_key(),
                };
            }
            WindowEvent::KeyboardInput { event, is_synthetic: false, .. } => {
                self.key(event_loop, wid, &event);
            }
            WindowEvent::Ime(ime) => self.ime(wid, ime),
            WindowEvent::CursorMoved { position, .. } => self.mouse_moved(wid, position),
            WindowEvent::MouseInput { state, button, .. } => self.mouse_button(wid, state, button),
            WindowEvent::MouseWheel { delta, .. } => self.wheel(wid, delta),
            _ => (),
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        // Render on demand: wake only for postponed frames, the cursor blink and the bell.
        let now = Instant::now();
        let mut wake: Option<Instant> = None;
        let mut at = |t: Instant| wake = Some(wake.map_or(t, |w: Instant| w.min(t)));
        for w in self.windows.values_mut() {
            let blinking = w
                .active_tab()
                .and_then(|t| t.shared.term.lock().ok().map(|t| t.cursor_style().blinking))
                .unwrap_or(false);
            if w.tick_blink(now, blinking) {
                w.window.request_redraw();
            }
            if let Some(t) = w.next_blink(blinking) {
                at(t);
            }
            // A pending redraw and the end of a visual bell: redraw once due, else wake then.
            for deadline in [&mut w.redraw_at, &mut w.bell_until] {
                match *deadline {
                    Some(t) if t <= now => {
                        *deadline = None;
                        w.window.request_redraw();
                    }
                    Some(t) => at(t),
                    None => (),
                }
            }
        }
        event_loop.set_control_flow(match wake {
            Some(t) => ControlFlow::WaitUntil(t),
            None => ControlFlow::Wait,
        });
    }
}

impl App {
    fn spawn_spec(&self, command: &[String], cwd: Option<PathBuf>) -> SpawnSpec {
        let (program, args) = if let Some((p, a)) = command.split_first() {
            (Some(p.into()), a.iter().map(Into::into).collect())
        } else if let Some(p) = &self.config.shell.program {
            (Some(p.into()), self.config.shell.args.iter().map(Into::into).collect())
        } else {
            (None, Vec::new())
        };
        SpawnSpec { program, args, cwd, ..SpawnSpec::default() }
    }

    fn window_for(&mut self, id: io::WindowId) -> Option<&mut TermWindow> {
        let wid = self.ids.get(&id)?;
        self.windows.get_mut(wid)
    }

    fn window_of_tab(&mut self, tab: TabId) -> Option<&mut TermWindow> {
        self.windows.values_mut().find(|w| w.tabs.iter().any(|t| t.id == tab))
    }

    fn create_window(&mut self, event_loop: &ActiveEventLoop, id: io::WindowId) {
        let (family, points, cell) = self.base_font.clone();
        let pad = self.config.window.padding as f64;
        let (columns, lines) = (self.config.window.columns as f64, self.config.window.lines as f64);
        let title = self.options.title.clone().unwrap_or_else(|| "uvterm".into());
        let attrs = WindowAttributes::default().with_title(title).with_inner_size(
            winit::dpi::LogicalSize::new(columns * cell.0 + 2.0 * pad, lines * cell.1 + 2.0 * pad),
        );
        let created = match &self.gl_config {
            Some(cfg) => glutin_winit::finalize_window(event_loop, attrs, cfg)
                .map(|w| (w, cfg.clone()))
                .map_err(|e| e.to_string()),
            None => {
                let template = ConfigTemplateBuilder::new();
                glutin_winit::DisplayBuilder::new()
                    .with_preference(glutin_winit::ApiPreference::PreferEgl)
                    .with_window_attributes(Some(attrs))
                    .build(event_loop, template, |configs| {
                        configs
                            .reduce(|a, b| {
                                if glutin::config::GlConfig::num_samples(&b)
                                    < glutin::config::GlConfig::num_samples(&a)
                                {
                                    b
                                } else {
                                    a
                                }
                            })
                            .unwrap_or_else(no_gl_config)
                    })
                    .map_err(|e| e.to_string())
                    .and_then(|(w, c)| w.map(|w| (w, c)).ok_or_else(|| "no window".to_string()))
            }
        };
        let result = created.and_then(|(window, cfg)| {
            self.gl_config = Some(cfg.clone());
            let scale = window.scale_factor() as f32;
            // The fonts loaded at start serve the first window at scale 1 (no second load).
            let fonts = match self.spare_fonts.take() {
                Some(f) if f.scale == scale => f,
                _ => Fonts::new(&family, points, scale)?,
            };
            // The size asked for above used unscaled cells; at this scale the font's cells
            // round differently: ask again for exactly columns × lines.
            let pad = (pad * scale as f64).round();
            let exact = PhysicalSize::new(
                (columns * fonts.cell_width as f64 + 2.0 * pad) as u32,
                (lines * fonts.cell_height as f64 + 2.0 * pad) as u32,
            );
            if window.inner_size() != exact {
                let _ = window.request_inner_size(exact);
            }
            window.set_ime_allowed(true);
            TermWindow::new(id, window, &cfg, fonts, &self.config)
        });
        match result {
            Ok(w) => {
                let wid = w.window.id();
                self.ids.insert(id, wid);
                self.windows.insert(wid, w);
            }
            Err(e) => {
                eprintln!("uvterm: cannot open a window: {e}");
                let _ = self.sender.send(io::Command::CloseWindow { window: id });
                if self.windows.is_empty() {
                    self.exit_code = 1;
                }
            }
        }
    }

    fn set_clipboard(&mut self, text: &str, primary: bool) {
        if self.clipboard.is_none() {
            self.clipboard =
                arboard::Clipboard::new().map_err(|e| log::warn!("no clipboard: {e}")).ok();
        }
        let Some(cb) = self.clipboard.as_mut() else { return };
        use arboard::{LinuxClipboardKind, SetExtLinux};
        let kind =
            if primary { LinuxClipboardKind::Primary } else { LinuxClipboardKind::Clipboard };
        if let Err(e) = cb.set().clipboard(kind).text(text.to_owned()) {
            log::warn!("clipboard: {e}");
        }
    }

    fn get_clipboard(&mut self, primary: bool) -> Option<String> {
        if self.clipboard.is_none() {
            self.clipboard = arboard::Clipboard::new().ok();
        }
        use arboard::{GetExtLinux, LinuxClipboardKind};
        let kind =
            if primary { LinuxClipboardKind::Primary } else { LinuxClipboardKind::Clipboard };
        self.clipboard.as_mut()?.get().clipboard(kind).text().ok()
    }

    /// Bytes typed into the active tab (scrolls back to the bottom, resets the blink).
    fn type_text(&mut self, wid: WinitWindowId, bytes: Vec<u8>) {
        let Some(w) = self.windows.get_mut(&wid) else { return };
        w.last_input = Instant::now();
        w.blink_on = true;
        let Some(t) = w.active_tab_mut() else { return };
        if t.display_offset != 0 {
            t.display_offset = 0;
            w.window.request_redraw();
        }
        let Some(t) = w.active_tab() else { return };
        let _ = self.sender.send(io::Command::Write { tab: t.id, bytes });
    }

    fn paste(&mut self, wid: WinitWindowId, primary: bool) {
        let Some(text) = self.get_clipboard(primary) else { return };
        let Some(w) = self.windows.get(&wid) else { return };
        let Some(t) = w.active_tab() else { return };
        let bracketed =
            t.shared.term.lock().is_ok_and(|t| t.modes().contains(Modes::BRACKETED_PASTE));
        self.type_text(wid, input::paste_bytes(&text, bracketed));
    }

    fn key(
        &mut self,
        event_loop: &ActiveEventLoop,
        wid: WinitWindowId,
        event: &winit::event::KeyEvent,
    ) {
        let Some(input) = translate_key(event, self.mods) else { return };
        if input.action != KeyAction::Release {
            // Search mode takes the keyboard.
            if self.search_key(wid, &input) {
                return;
            }
            if let Some(action) = bindings::lookup(&self.bindings, input.key, input.mods)
                && action != Action::None
            {
                self.action(event_loop, wid, action);
                return;
            }
        }
        let Some(w) = self.windows.get(&wid) else { return };
        let Some(t) = w.active_tab() else { return };
        let modes = {
            let Ok(term) = t.shared.term.lock() else { return };
            let m = term.modes();
            KeyModes {
                app_cursor: m.contains(Modes::APP_CURSOR),
                app_keypad: m.contains(Modes::APP_KEYPAD),
                backarrow_bs: m.contains(Modes::BACKARROW_BS),
                delete_is_del: m.contains(Modes::DELETE_IS_DEL),
                alt_esc: m.intersects(Modes::ALT_SENDS_ESC | Modes::META_SENDS_ESC),
                kitty: term.keyboard_flags(),
                modify_other_keys: term.modify_other_keys(),
                format_other_keys: self.config.terminal.format_other_keys,
            }
        };
        if let Some(bytes) = input::encode_key(&input, modes)
            && !bytes.is_empty()
        {
            self.type_text(wid, bytes);
        }
    }

    /// Input method events: the composition is shown at the cursor; committed text is typed.
    fn ime(&mut self, wid: WinitWindowId, ime: winit::event::Ime) {
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
                self.type_text(wid, text.into_bytes());
            }
            Ime::Enabled => (),
            Ime::Disabled => {
                w.preedit = None;
                w.window.request_redraw();
            }
        }
    }

    fn search_key(&mut self, wid: WinitWindowId, input: &KeyInput) -> bool {
        let Some(w) = self.windows.get_mut(&wid) else { return false };
        let Some(t) = w.tabs.get_mut(w.active) else { return false };
        let Some(search) = t.search.as_mut() else { return false };
        match input.key {
            Key::Escape => t.search = None,
            Key::Enter if !search.matches.is_empty() => {
                let n = search.matches.len();
                search.current = if input.mods.shift {
                    (search.current + n - 1) % n
                } else {
                    (search.current + 1) % n
                };
            }
            Key::Backspace => {
                search.query.pop();
            }
            _ => match input.text.as_deref() {
                Some(text)
                    if !text.is_empty()
                        && !text.chars().any(char::is_control)
                        && !input.mods.ctrl =>
                {
                    search.query.push_str(text);
                }
                _ => return true,
            },
        }
        if let Some(search) = t.search.as_mut() {
            let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
            let keep = search.current;
            search.matches = window::find_all(&term, &search.query);
            if input.key != Key::Enter {
                // Start at the newest match.
                search.current = search.matches.len().saturating_sub(1);
            } else {
                search.current = keep.min(search.matches.len().saturating_sub(1));
            }
            if let Some(m) = search.matches.get(search.current) {
                let grid = term.grid();
                let abs = m.row.0.saturating_sub(grid.dropped()) as usize;
                let history = grid.history_len();
                // Show the match: scroll so its row is on screen.
                t.display_offset = history.saturating_sub(abs);
            }
        }
        w.window.request_redraw();
        true
    }

    fn action(&mut self, event_loop: &ActiveEventLoop, wid: WinitWindowId, action: Action) {
        let _ = event_loop;
        if !self.windows.contains_key(&wid) {
            return;
        }
        actions::perform(&mut WindowActions { app: self, wid }, action);
    }

    /// Whether mouse events go to the program (it asked, and Shift is not held).
    fn mouse_reporting(
        &self,
        w: &TermWindow,
    ) -> Option<(MouseTracking, crate::term::modes::MouseEncoding)> {
        if self.mods.shift {
            return None;
        }
        let t = w.active_tab()?;
        let term = t.shared.term.lock().ok()?;
        let tracking = term.mouse_tracking();
        (tracking != MouseTracking::None).then(|| (tracking, term.mouse_encoding()))
    }

    fn report_mouse(&mut self, wid: WinitWindowId, action: MouseAction) -> bool {
        let Some(w) = self.windows.get(&wid) else { return false };
        let Some((tracking, encoding)) = self.mouse_reporting(w) else { return false };
        let Some((col, line)) = w.cell_at(self.mouse.pos) else { return true };
        let l = w.layout();
        let px = (
            (self.mouse.pos.x as f32 - l.x0).max(0.0) as u32,
            (self.mouse.pos.y as f32 - l.y0).max(0.0) as u32,
        );
        let event = MouseInput { action, col, line, px, mods: self.mods };
        if let Some(bytes) = input::encode_mouse(&event, tracking, encoding)
            && let Some(t) = w.active_tab()
        {
            let _ = self.sender.send(io::Command::Write { tab: t.id, bytes });
        }
        true
    }

    fn mouse_moved(&mut self, wid: WinitWindowId, pos: PhysicalPosition<f64>) {
        let old = self.windows.get(&wid).and_then(|w| w.cell_at(self.mouse.pos));
        self.mouse.pos = pos;
        self.mouse.window = Some(wid);
        let Some(w) = self.windows.get(&wid) else { return };
        let cell = w.cell_at(pos);
        if let Some((button, true)) = self.mouse.held {
            if cell != old {
                self.report_mouse(wid, MouseAction::Motion(Some(button)));
            }
            return;
        }
        if self.mouse.selecting {
            let Some(w) = self.windows.get_mut(&wid) else { return };
            let Some((col, line)) = cell else { return };
            let Some(t) = w.tabs.get_mut(w.active) else { return };
            let stable = stable_row(t, line);
            match t.selection.as_mut() {
                Some(s) => s.head = stable_point(stable, col),
                None => {
                    if let Some((row, c, kind)) = self.mouse.press_cell
                        && (row, c) != (stable, col)
                    {
                        let (anchor, head) = (stable_point(row, c), stable_point(stable, col));
                        t.selection = Some(Selection { kind, anchor, head });
                    }
                }
            }
            w.window.request_redraw();
            return;
        }
        if cell != old && self.mouse.held.is_none() {
            self.report_mouse(wid, MouseAction::Motion(None));
        }
    }

    fn mouse_button(
        &mut self,
        wid: WinitWindowId,
        state: ElementState,
        button: winit::event::MouseButton,
    ) {
        let b = match button {
            winit::event::MouseButton::Left => MouseButton::Left,
            winit::event::MouseButton::Middle => MouseButton::Middle,
            winit::event::MouseButton::Right => MouseButton::Right,
            _ => return,
        };
        let pressed = state == ElementState::Pressed;
        // Tab bar clicks switch tabs.
        if pressed
            && let Some(w) = self.windows.get_mut(&wid)
            && let Some(i) = w.tab_at(self.mouse.pos)
        {
            w.active = i;
            w.update_title();
            w.report(&self.sender);
            w.window.request_redraw();
            return;
        }
        if pressed {
            // Ctrl+click opens a link.
            if b == MouseButton::Left
                && self.mods.ctrl
                && let Some(url) = self.link_under_mouse(wid)
            {
                open_url(&url);
                return;
            }
            if self.report_mouse(wid, MouseAction::Press(b)) {
                self.mouse.held = Some((b, true));
                return;
            }
            self.mouse.held = Some((b, false));
            match b {
                MouseButton::Left => self.start_selection(wid),
                MouseButton::Middle => self.paste(wid, true),
                _ => (),
            }
        } else {
            if let Some((held, true)) = self.mouse.held {
                self.report_mouse(wid, MouseAction::Release(held));
            }
            self.mouse.held = None;
            if self.mouse.selecting {
                self.mouse.selecting = false;
                // The X11 way: what is selected is the primary selection.
                let text = self.windows.get(&wid).and_then(|w| {
                    let t = w.active_tab()?;
                    let s = t.selection?;
                    let term = t.shared.term.lock().ok()?;
                    Some(window::selection_text(&term, &s))
                });
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    self.set_clipboard(&text, true);
                }
            }
        }
    }

    fn link_under_mouse(&self, wid: WinitWindowId) -> Option<String> {
        let w = self.windows.get(&wid)?;
        let (col, line) = w.cell_at(self.mouse.pos)?;
        let t = w.active_tab()?;
        let term = t.shared.term.lock().ok()?;
        let history = term.grid().history_len();
        let abs = history - t.display_offset.min(history) + line;
        window::link_at(&term, abs, col)
    }

    fn start_selection(&mut self, wid: WinitWindowId) {
        let now = Instant::now();
        let Some(w) = self.windows.get_mut(&wid) else { return };
        let Some((col, line)) = w.cell_at(self.mouse.pos) else { return };
        let clicks = match self.mouse.last_click {
            Some((t, cell, n))
                if now.duration_since(t) < Duration::from_millis(400) && cell == (col, line) =>
            {
                n % 3 + 1
            }
            _ => 1,
        };
        self.mouse.last_click = Some((now, (col, line), clicks));
        let kind = match clicks {
            2 => SelectionKind::Word,
            3 => SelectionKind::Line,
            _ if self.mods.ctrl || self.mods.alt => SelectionKind::Block,
            _ => SelectionKind::Simple,
        };
        let Some(t) = w.tabs.get_mut(w.active) else { return };
        let stable = stable_row(t, line);
        // A plain click only clears; a drag from here selects (see `mouse_moved`).
        t.selection = (kind != SelectionKind::Simple).then_some(Selection {
            kind,
            anchor: stable_point(stable, col),
            head: stable_point(stable, col),
        });
        self.mouse.press_cell = Some((stable, col, kind));
        self.mouse.selecting = true;
        w.window.request_redraw();
    }

    fn wheel(&mut self, wid: WinitWindowId, delta: MouseScrollDelta) {
        let Some(w) = self.windows.get(&wid) else { return };
        let lines = match delta {
            MouseScrollDelta::LineDelta(_, y) => y as f64 * 3.0,
            MouseScrollDelta::PixelDelta(p) => p.y / w.fonts.cell_height as f64,
        };
        self.mouse.wheel_acc += lines;
        let steps = self.mouse.wheel_acc.trunc() as i32;
        self.mouse.wheel_acc -= steps as f64;
        if steps == 0 {
            return;
        }
        let button = if steps > 0 { MouseButton::WheelUp } else { MouseButton::WheelDown };
        if self.mouse_reporting(w).is_some() {
            for _ in 0..steps.unsigned_abs().div_ceil(3) {
                self.report_mouse(wid, MouseAction::Press(button));
            }
            return;
        }
        let Some(t) = w.active_tab() else { return };
        let (alt_scroll, app_cursor, history) = {
            let Ok(term) = t.shared.term.lock() else { return };
            (
                term.is_alt_screen() && term.modes().contains(Modes::ALTERNATE_SCROLL),
                term.modes().contains(Modes::APP_CURSOR),
                term.grid().history_len(),
            )
        };
        if alt_scroll {
            let arrow: &[u8] = match (steps > 0, app_cursor) {
                (true, true) => b"\x1bOA",
                (true, false) => b"\x1b[A",
                (false, true) => b"\x1bOB",
                (false, false) => b"\x1b[B",
            };
            let bytes = arrow.repeat(steps.unsigned_abs() as usize);
            let id = t.id;
            let _ = self.sender.send(io::Command::Write { tab: id, bytes });
            return;
        }
        let Some(w) = self.windows.get_mut(&wid) else { return };
        if let Some(t) = w.tabs.get_mut(w.active) {
            t.display_offset =
                (t.display_offset as i64 + steps as i64).clamp(0, history as i64) as usize;
        }
        w.window.request_redraw();
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
        let cwd = w
            .active_tab()
            .and_then(|t| {
                t.shared.term.lock().ok().and_then(|t| t.working_directory().map(PathBuf::from))
            })
            .filter(|p| p.is_dir());
        let target = if new_window { WindowTarget::New } else { WindowTarget::Existing(w.id) };
        let l = w.layout();
        let mut spec = self.app.spawn_spec(&[], cwd);
        spec.cols = l.cols as u16;
        spec.lines = l.lines as u16;
        let _ = self
            .app
            .sender
            .send(io::Command::OpenTab { request: OpenTab { window: target, spec }, reply: None });
    }

    fn close_tab(&mut self) {
        if let Some(t) = self.tab() {
            let _ = self.app.sender.send(io::Command::CloseTab { tab: t.id });
        }
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
        w.report(&self.app.sender);
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
        let family = self.app.config.font.family.clone();
        let Some(w) = self.app.windows.get_mut(&self.wid) else { return };
        match Fonts::new(&family, points, w.fonts.scale) {
            Ok(f) => w.set_fonts(f, &self.app.sender),
            Err(e) => log::warn!("{e}"),
        }
    }

    fn page_lines(&self) -> usize {
        self.window().map_or(0, |w| w.layout().lines)
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
}

/// glutin calls the config picker only with at least one configuration; should it ever not,
/// there is nothing to draw with: say so and stop.
fn no_gl_config() -> glutin::config::Config {
    eprintln!("uvterm: the display offers no OpenGL configuration");
    std::process::exit(1)
}

/// The stable number of the row on screen line `line` of a tab's view.
fn stable_row(t: &TabView, line: usize) -> u64 {
    let term = t.shared.term.lock().unwrap_or_else(|p| p.into_inner());
    let grid = term.grid();
    let history = grid.history_len();
    (history - t.display_offset.min(history) + line) as u64 + grid.dropped()
}

/// A selection end: the cell at `col` of stable row `row`.
fn stable_point(row: u64, col: usize) -> StablePoint {
    StablePoint::new(StableRow(row), Column(col))
}

/// Open a URL with xdg-open, without leaving a child behind (the shell exits at once).
fn open_url(url: &str) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let status = std::process::Command::new("sh")
            .args(["-c", "xdg-open \"$1\" >/dev/null 2>&1 &", "sh", &url])
            .status();
        if let Err(e) = status {
            log::warn!("cannot open {url}: {e}");
        }
    });
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
