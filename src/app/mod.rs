//! The winit application: windows, tabs as the user sees them, keyboard, mouse, selection,
//! clipboard, search. Runs on the main (UI) thread and never blocks on I/O: the I/O thread
//! (one libuv loop, [`crate::io`]) owns every PTY; the UI sends it commands (woken with
//! `uv_async_send`) and is woken by it through the winit event loop proxy.
//!
//! Windows mirror the I/O thread's logical windows: whoever asks for a window (the start-up,
//! Ctrl+Shift+N, `uvterm msg create-window`), the I/O thread opens it and the UI creates the
//! real one when it hears of it.
//!
//! This file owns the `App` (its windows, the configuration, the clipboard, the modifier
//! and mouse state), [`run`], and the `ApplicationHandler` that dispatches winit's events:
//! I/O events to `io_events.rs`, keys to `keyboard.rs`, the mouse to `mouse.rs`. Must not touch:
//! PTYs and the loop (it sends `io::Command`s to the I/O thread).

pub mod actions;
pub mod bindings;
mod clipboard;
pub mod config;
pub mod confirm;
mod gl_preload;
pub mod input;
mod io_events;
mod keyboard;
mod mouse;
pub mod notify;
pub mod overlay;
pub mod panes;
mod portal;
mod reload;
pub mod scene;
pub mod themes;
pub mod window;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{
    ActiveEventLoop, AsyncRequestSerial, ControlFlow, EventLoop, EventLoopProxy,
};
use winit::window::WindowId as WinitWindowId;

use self::bindings::Binding;
use self::config::Config;
use self::input::Mods;
use self::mouse::MouseState;
use self::window::TermWindow;
use crate::io::{self, IoEvent, IoHandle, IoSender, OpenTab, WindowTarget};
use crate::pty::SpawnSpec;
use crate::render::fonts::Fonts;
use crate::term::modes::Modes;

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
/// (the UI decrements it as it finishes each one): `stats.ui_backlog`. The notifier thread
/// sends through a clone of it.
#[derive(Clone)]
struct ProxySink {
    proxy: EventLoopProxy<IoEvent>,
    backlog: Arc<AtomicUsize>,
    /// Each window's GL figures, as the UI thread last published them (after a frame).
    gpu: WindowGpuTable,
    /// The desktop notifications' counts (`stats.notifications_sent` / `_dropped`).
    notifications: Arc<notify::Counters>,
}

/// Per-window GL figures the UI thread publishes for the ledger (`msg stats --tabs`).
type WindowGpuTable = Arc<Mutex<BTreeMap<io::WindowId, io::WindowGpu>>>;

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

    fn window_gpu(&self) -> Vec<(io::WindowId, io::WindowGpu)> {
        // Held only for a copy on either side.
        match self.gpu.lock() {
            Ok(table) => table.iter().map(|(&id, &g)| (id, g)).collect(),
            Err(poisoned) => poisoned.into_inner().iter().map(|(&id, &g)| (id, g)).collect(),
        }
    }

    fn embedder_counts(&self) -> io::EmbedderCounts {
        // Atomics the renderer keeps: reading them touches no GL.
        io::EmbedderCounts {
            gl_objects: crate::render::gl::live_objects(),
            gl_contexts: crate::render::gl::live_contexts(),
            frames: crate::render::gl::frames(),
            gl_objects_orphaned: crate::render::gl::orphaned_objects(),
            gpu_bytes_estimate: crate::render::gl::gpu_bytes_estimate() as u64,
            notifications_sent: self.notifications.sent.load(Ordering::Relaxed),
            notifications_dropped: self.notifications.dropped.load(Ordering::Relaxed),
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
    let config_path = reload::config_path(options.config_file.as_deref());
    let appearance = themes::Appearance::default();
    let loaded = config::load_full(config_path.as_deref(), &options.overrides, appearance);
    let follows_desktop = loaded.follows_desktop;
    let (config, problems, files) = (loaded.config, loaded.problems, loaded.files);
    crate::trace::start("config loaded");
    for p in &problems {
        eprintln!("uvterm: {p}");
    }
    let (bindings, binding_problems) = bindings::load(&config.keybindings);
    for p in &binding_problems {
        eprintln!("uvterm: {p}");
    }
    // The first problem also shows on the windows' top line (Escape or a good save hides it).
    let startup_error = problems
        .first()
        .or(binding_problems.first())
        .map(|p| format!("{} (every problem: stderr)", config::brief(p)));
    crate::pty::raise_fd_limit();
    let backend = match config::Backend::from_env(config.window.backend) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("uvterm: {e}");
            return ExitCode::from(2);
        }
    };
    // The GL driver loads on another thread while the fonts load and the display opens.
    let gl_preload = gl_preload::GlPreload::start(backend);
    let fonts = match Fonts::new(&config.font.spec(), config.font.size, 1.0) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("uvterm: {e}");
            return ExitCode::from(1);
        }
    };
    crate::trace::start("fonts loaded");
    let event_loop = match build_event_loop(backend) {
        Ok(el) => el,
        Err(e) => {
            eprintln!("uvterm: cannot open the display ({backend:?}): {e}");
            return ExitCode::from(1);
        }
    };
    crate::trace::start("event loop built (display open)");
    let display =
        raw_window_handle::HasDisplayHandle::display_handle(&event_loop).map(|h| h.as_raw()).ok();
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
        ledger: config.ledger_config(),
        shell_integration: config.shell_integration.0,
        config_reload: true,
        ..io::IoConfig::default()
    };
    let backlog = Arc::new(AtomicUsize::new(0));
    let gpu = WindowGpuTable::default();
    let notifications = Arc::new(notify::Counters::default());
    let sink = ProxySink {
        proxy: event_loop.create_proxy(),
        backlog: backlog.clone(),
        gpu: gpu.clone(),
        notifications: notifications.clone(),
    };
    let notifier = notify::Notifier::new(notifications, Box::new(sink.clone()));
    let io = match IoHandle::start(io_config, Box::new(sink)) {
        Ok(io) => io,
        Err(e) => {
            eprintln!("uvterm: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    crate::trace::start("I/O thread started");
    let sender = io.sender();
    let waker = (event_loop.create_proxy(), backlog.clone());
    let mut app = App {
        config,
        bindings,
        options,
        io: Some(io),
        sender,
        backlog,
        gpu,
        gl_config: None,
        gl_preload,
        windows: HashMap::new(),
        ids: HashMap::new(),
        base_font: (
            fonts.spec.clone(),
            fonts.points,
            (fonts.cell_width as f64, fonts.cell_height as f64),
        ),
        spare_fonts: Some(fonts),
        display,
        token_used: false,
        activation: None,
        deferred: VecDeque::new(),
        clipboard: None,
        mods: Mods::default(),
        mouse: MouseState::default(),
        started: false,
        exit_code: 0,
        notifier,
        config_path,
        appearance,
        watched: Vec::new(),
        config_error: startup_error,
        portal: None,
        portal_shared: portal::Shared::default(),
        waker,
    };
    app.watch_files(&files);
    app.update_portal(follows_desktop);
    if let Err(e) = event_loop.run_app(&mut app) {
        eprintln!("uvterm: {e}");
        return ExitCode::from(1);
    }
    if let Some(io) = app.io.take() {
        io.shutdown();
    }
    app.notifier.shutdown();
    ExitCode::from(app.exit_code)
}

/// The winit event loop on the chosen backend. `Auto` leaves the choice to winit: Wayland when
/// `WAYLAND_DISPLAY` (or `WAYLAND_SOCKET`) is set, X11 otherwise.
fn build_event_loop(backend: config::Backend) -> Result<EventLoop<IoEvent>, String> {
    use winit::platform::wayland::EventLoopBuilderExtWayland;
    use winit::platform::x11::EventLoopBuilderExtX11;
    let mut builder = EventLoop::<IoEvent>::with_user_event();
    match backend {
        config::Backend::Auto => (),
        config::Backend::Wayland => {
            builder.with_wayland();
        }
        config::Backend::X11 => {
            builder.with_x11();
        }
    }
    builder.build().map_err(|e| without_source_location(&e.to_string()).to_owned())
}

/// `message` without the source location winit puts in its OS errors ("os error at
/// /…/winit-0.30.13/src/platform_impl/linux/mod.rs:788: Failed to open connection to X
/// server"): the user gets the reason alone. Other messages come back as they are.
fn without_source_location(message: &str) -> &str {
    message
        .strip_prefix("os error at ")
        .and_then(|rest| rest.split_once(": "))
        .map_or(message, |(_, reason)| reason)
}

/// How long a new window waits for the activation token asked of the focused window before
/// it is created without one (the compositor answers within a round trip; one that never
/// answers must not keep the window from opening).
const ACTIVATION_TIMEOUT: Duration = Duration::from_millis(300);

/// A logical window whose real window waits for an xdg-activation token
/// (`WindowEvent::ActivationTokenDone` with `serial`), until `deadline`.
struct PendingActivation {
    window: io::WindowId,
    serial: AsyncRequestSerial,
    deadline: Instant,
}

struct App {
    config: Config,
    bindings: Vec<Binding>,
    options: GuiOptions,
    io: Option<IoHandle>,
    sender: IoSender,
    /// Shared with the [`ProxySink`]: I/O events not handled yet.
    backlog: Arc<AtomicUsize>,
    /// Shared with the [`ProxySink`]: each window's GL figures for the ledger.
    gpu: WindowGpuTable,
    gl_config: Option<glutin::config::Config>,
    /// The GL driver loading on its own thread (X11 with GLX), until the first window's GL
    /// display exists.
    gl_preload: Option<gl_preload::GlPreload>,
    windows: HashMap<WinitWindowId, TermWindow>,
    ids: HashMap<io::WindowId, WinitWindowId>,
    /// Family, points and unscaled cell size (pixels) from the configuration.
    base_font: (crate::render::fonts::FontSpec, f32, (f64, f64)),
    /// The fonts loaded at start, until a window takes them.
    spare_fonts: Option<Fonts>,
    /// The display the event loop runs on (Wayland or X11), for the clipboard.
    display: Option<raw_window_handle::RawDisplayHandle>,
    /// Whether the launcher's activation token was given to the first window.
    token_used: bool,
    /// A new window waiting for the activation token asked of the focused window.
    activation: Option<PendingActivation>,
    /// The I/O events that arrived while `activation` waits, handled in order once the window
    /// exists (its tab, output and closing among them: none is dropped).
    deferred: VecDeque<IoEvent>,
    /// Created on first use; dropped in `exiting` (before the display closes).
    clipboard: Option<clipboard::Clipboard>,
    mods: Mods,
    mouse: MouseState,
    started: bool,
    exit_code: u8,
    /// Desktop notifications: the rate limits and the notifier thread (joined on exit).
    notifier: notify::Notifier,
    // --- issue 16 (live reload, themes) ---
    /// The configuration file read (`--config-file`, else the default path).
    config_path: Option<PathBuf>,
    /// The desktop's colour-scheme preference, for `theme = "light:X,dark:Y"`.
    appearance: themes::Appearance,
    /// The files the I/O thread watches for us.
    watched: Vec<PathBuf>,
    /// The banner of a configuration that was not applied (new windows show it too).
    config_error: Option<String>,
    /// The settings portal's watcher, while `theme = "light:X,dark:Y"` is configured, and
    /// the preference it stores.
    portal: Option<portal::Portal>,
    portal_shared: portal::Shared,
    /// Wakes the UI from another thread as the I/O thread does (the portal's changes).
    waker: (EventLoopProxy<IoEvent>, Arc<AtomicUsize>),
}

impl ApplicationHandler<IoEvent> for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.started {
            return;
        }
        self.started = true;
        crate::trace::start("resumed");
        // On Wayland the clipboard is made at once: smithay-clipboard learns which seat is
        // in use (and the serial a selection needs) from the input events it sees, so one
        // made at the first paste would have seen none ("no events received on any seat").
        if matches!(self.display, Some(raw_window_handle::RawDisplayHandle::Wayland(_))) {
            self.clipboard();
        }
        let spec =
            self.spawn_spec(&self.options.command.clone(), self.options.working_directory.clone());
        let result = match &self.io {
            Some(io) => {
                io.open_tab(OpenTab { window: WindowTarget::New, spec, activation_token: None })
            }
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
        if self.activation.is_some() {
            self.deferred.push_back(event);
            return;
        }
        self.io_event(event_loop, event);
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
                    let (id, figures) = (w.id, w.gpu_figures());
                    if let Ok(mut table) = self.gpu.lock() {
                        table.insert(id, figures);
                    }
                }
            }
            WindowEvent::CloseRequested => {
                // Asks first when something runs (`confirm_close`).
                if let Some(w) = self.windows.get(&wid) {
                    let window = w.id;
                    self.close_checked(window, None);
                }
            }
            WindowEvent::Moved(_) => {
                // XTWINOPS 13 answers the new position (the I/O thread holds it per window).
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.report(&self.sender);
                }
            }
            WindowEvent::Resized(_) => {
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.resized(&self.sender);
                }
            }
            WindowEvent::ScaleFactorChanged { scale_factor, .. } => {
                let (family, size, padding) =
                    (self.config.font.spec(), self.config.font.size, self.config.window.padding);
                if let Some(w) = self.windows.get_mut(&wid) {
                    w.forget_size();
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
                    log::debug!("window {} focused: {focused}", w.id.0);
                    if focused && !w.focused {
                        // The bell's urgency hint has served its purpose.
                        w.window.request_user_attention(None);
                    }
                    w.focused = focused;
                    w.last_input = Instant::now();
                    if let Some(t) = w.active_tab().filter(|t| t.live()) {
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
            WindowEvent::Occluded(occluded) => {
                // A window nobody sees gives its kept frame back; the next frame (once shown
                // again) is drawn whole.
                if let Some(w) = self.windows.get_mut(&wid) {
                    if occluded {
                        w.release_frame();
                    } else {
                        w.window.request_redraw();
                    }
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
                // Ctrl turns the pointer into a hand over a link.
                if let Some(w) = self.mouse_window() {
                    self.update_hover(w);
                }
            }
            WindowEvent::KeyboardInput { event, is_synthetic: false, .. } => {
                self.key(event_loop, wid, &event);
            }
            WindowEvent::Ime(ime) => self.ime(wid, ime),
            WindowEvent::ActivationTokenDone { serial, token }
                if self.activation.as_ref().is_some_and(|p| p.serial == serial) =>
            {
                self.activated(event_loop, Some(token));
            }
            WindowEvent::CursorMoved { position, .. } => self.mouse_moved(wid, position),
            WindowEvent::CursorLeft { .. } => self.mouse_left(wid),
            WindowEvent::MouseInput { state, button, .. } => self.mouse_button(wid, state, button),
            WindowEvent::MouseWheel { delta, .. } => self.wheel(wid, delta),
            _ => (),
        }
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        // The portal's thread is joined before the process goes on to exit.
        self.portal = None;
        // The Wayland clipboard's thread uses the event loop's connection: it goes first.
        self.clipboard = None;
        // The notifier thread sends through the event loop's proxy: joined before it goes.
        self.notifier.shutdown();
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        // Render on demand: wake only for postponed frames, the cursor blink and the bell.
        let now = Instant::now();
        if self.activation.as_ref().is_some_and(|p| p.deadline <= now) {
            log::debug!("no activation token within {ACTIVATION_TIMEOUT:?}: window without one");
            self.activated(event_loop, None);
        }
        let mut wake: Option<Instant> = self.activation.as_ref().map(|p| p.deadline);
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
            // An open resource overlay: fresh figures once a second, output or not (a tab's
            // memory changes after its output stops: the history is compressed then).
            if let Some(o) = w.overlay.as_mut() {
                if o.stale() {
                    o.requested = now;
                    let _ = self.sender.send(io::Command::Ledger { window: w.id });
                }
                at(o.requested + overlay::REFRESH);
            }
            // A hidden tab's repaint grace: look for its output again once it is over.
            for g in &mut w.tabs {
                g.rearm_due(now);
                if let Some(t) = g.rearm_at() {
                    at(t);
                }
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

    fn clipboard(&mut self) -> Option<&mut clipboard::Clipboard> {
        if self.clipboard.is_none() {
            let display = self.display?;
            self.clipboard = clipboard::Clipboard::new(display)
                .map_err(|e| log::warn!("no clipboard: {e}"))
                .ok();
        }
        self.clipboard.as_mut()
    }

    fn set_clipboard(&mut self, text: &str, primary: bool) {
        if let Some(cb) = self.clipboard() {
            cb.store(text, primary);
        }
    }

    pub(super) fn get_clipboard(&mut self, primary: bool) -> Option<String> {
        self.clipboard()?.load(primary)
    }

    fn paste(&mut self, wid: WinitWindowId, primary: bool) {
        let Some(text) = self.get_clipboard(primary) else { return };
        self.paste_text(wid, text);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn winit_source_locations_are_dropped_from_messages() {
        let winit = "os error at /root/.cargo/registry/src/x/winit-0.30.13/src/platform_impl/\
                     linux/mod.rs:788: Failed to open connection to X server";
        assert_eq!(super::without_source_location(winit), "Failed to open connection to X server");
        assert_eq!(super::without_source_location("no GL: config"), "no GL: config");
    }
}
