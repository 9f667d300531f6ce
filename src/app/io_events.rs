//! The application's reactions to the I/O thread's events ([`IoEvent`]): windows and tabs
//! opened and closed, output to draw, titles, bells, clipboard writes (OSC 52) and window
//! requests (XTWINOPS); and creating the real window (winit + glutin) for a logical one,
//! activated (xdg-activation) with the requester's token or one the focused window obtains.
//!
//! Must not touch: PTYs and the loop (it only sends `io::Command`s), keyboard and mouse input.

use std::sync::atomic::Ordering;

use glutin::config::ConfigTemplateBuilder;
use winit::dpi::PhysicalSize;
use winit::event_loop::ActiveEventLoop;
use winit::event_loop::AsyncRequestSerial;
use winit::window::{ActivationToken, WindowAttributes};

use super::App;
use super::window::{TabView, TermWindow};
use crate::io::{self, IoEvent, TabId};
use crate::render::fonts::Fonts;

impl App {
    /// React to one event from the I/O thread.
    pub(super) fn io_event(&mut self, event_loop: &ActiveEventLoop, event: IoEvent) {
        let sender = self.sender.clone();
        match event {
            IoEvent::WindowOpened { window, activation_token } => {
                // Activation as kitty and foot do it: the requester's token (`uvterm msg
                // create-window` passes its own), else one asked of the focused window
                // (Wayland), the window waiting for it; X11 needs neither.
                let token = activation_token.map(ActivationToken::from_raw);
                match token.is_none().then(|| self.request_activation_token()).flatten() {
                    Some(serial) => {
                        let deadline = std::time::Instant::now() + super::ACTIVATION_TIMEOUT;
                        self.activation =
                            Some(super::PendingActivation { window, serial, deadline });
                    }
                    None => self.create_window(event_loop, window, token),
                }
            }
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
                    bell: false,
                    activity: false,
                });
                w.active = w.tabs.len() - 1;
                w.update_title();
                // The tab bar may have appeared: everything is resized.
                w.sync_size(&sender);
                w.window.request_redraw();
            }
            IoEvent::Ledger { window, ledger } => {
                let Some(w) = self.window_for(window) else { return };
                if let Some(o) = w.overlay.as_mut() {
                    o.lines = super::overlay::lines(&ledger, window);
                    w.window.request_redraw();
                }
            }
            IoEvent::TabOutput(tab) => {
                if let Some(w) = self.window_of_tab(tab)
                    && let Some(o) = w.overlay.as_mut().filter(|o| o.stale())
                {
                    // Fresh figures while the window's tabs write, at most once a second.
                    o.requested = std::time::Instant::now();
                    let _ = sender.send(io::Command::Ledger { window: w.id });
                }
                if let Some(w) = self.window_of_tab(tab) {
                    if w.active_tab().is_some_and(|t| t.id == tab) {
                        w.window.request_redraw();
                    } else if let Some(t) = w.tabs.iter_mut().find(|t| t.id == tab) {
                        // Not on display: let the next output notify again, and mark the
                        // tab in the tab bar (once).
                        t.shared.dirty.store(false, Ordering::Release);
                        if !t.activity {
                            t.activity = true;
                            w.window.request_redraw();
                        }
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
                // Not through `user_event`: the sink counted this wake once, not the events
                // inside it (counting them again wrapped `ui_backlog` below 0).
                for event in pending {
                    self.io_event(event_loop, event);
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
                    let shown = w.active_tab().is_some_and(|t| t.id == tab);
                    if !shown && let Some(t) = w.tabs.iter_mut().find(|t| t.id == tab) {
                        t.bell = true;
                        w.window.request_redraw();
                    }
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
                    let size = w.clamp_program_size(w.size_for(cols, lines));
                    let _ = w.window.request_inner_size(size);
                }
            }
            IoEvent::WindowRequest { tab, request } => {
                // (The windows alone are borrowed: a move reports through the sender.)
                let window = self.windows.values_mut().find(|w| w.tabs.iter().any(|t| t.id == tab));
                if let Some(w) = window {
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
                            let size = w.clamp_program_size(PhysicalSize::new(width, height));
                            let _ = w.window.request_inner_size(size);
                        }
                        R::Lower | R::Refresh => w.window.request_redraw(),
                        R::Move { x, y } => {
                            w.window.set_outer_position(winit::dpi::PhysicalPosition::new(
                                x as i32, y as i32,
                            ));
                            // winit 0.30 queues the X11 move without flushing it and reports
                            // Moved only for some configure events: the round trip in
                            // `report` (reading the position) sends the move, and tells the
                            // I/O thread where the window now is for XTWINOPS 13.
                            w.report(&self.sender);
                        }
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
            IoEvent::ConfirmClose { window, tab, program, tabs } => {
                if let Some(w) = self.window_for(window) {
                    // The tab asked about is shown, so the user sees what would go.
                    if let Some(i) = tab.and_then(|t| w.tabs.iter().position(|v| v.id == t)) {
                        w.active = i;
                        w.update_title();
                    }
                    w.prompt = Some(super::confirm::Prompt::close(tab, program.as_deref(), tabs));
                    w.window.request_redraw();
                }
            }
            IoEvent::TabClosed { tab, window, .. } => {
                if let Some(w) = self.window_for(window) {
                    // A prompt about a tab that went by itself has nothing left to ask.
                    use super::confirm::Prompt;
                    if let Some(Prompt::Close { tab: Some(t), .. } | Prompt::Rename { tab: t, .. }) =
                        &w.prompt
                        && *t == tab
                    {
                        w.prompt = None;
                    }
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
                if let Ok(mut table) = self.gpu.lock() {
                    table.remove(&id);
                }
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

    /// Ask the focused window's compositor for an xdg-activation token (Wayland only; none
    /// when no uvterm window has focus or the compositor lacks xdg-activation).
    fn request_activation_token(&self) -> Option<AsyncRequestSerial> {
        use winit::platform::startup_notify::WindowExtStartupNotify;
        if !matches!(self.display, Some(raw_window_handle::RawDisplayHandle::Wayland(_))) {
            return None;
        }
        let focused = self.windows.values().find(|w| w.focused)?;
        focused.window.request_activation_token().ok()
    }

    /// The pending window's token arrived (or its wait ended, `None`): create the window,
    /// then handle the I/O events held meanwhile, in order, until one waits again.
    pub(super) fn activated(
        &mut self,
        event_loop: &ActiveEventLoop,
        token: Option<ActivationToken>,
    ) {
        if let Some(pending) = self.activation.take() {
            self.create_window(event_loop, pending.window, token);
        }
        while self.activation.is_none() {
            let Some(event) = self.deferred.pop_front() else { break };
            self.io_event(event_loop, event);
        }
    }

    fn window_for(&mut self, id: io::WindowId) -> Option<&mut TermWindow> {
        let wid = self.ids.get(&id)?;
        self.windows.get_mut(wid)
    }

    fn window_of_tab(&mut self, tab: TabId) -> Option<&mut TermWindow> {
        self.windows.values_mut().find(|w| w.tabs.iter().any(|t| t.id == tab))
    }

    fn create_window(
        &mut self,
        event_loop: &ActiveEventLoop,
        id: io::WindowId,
        token: Option<ActivationToken>,
    ) {
        let (family, points, cell) = self.base_font.clone();
        let pad = self.config.window.padding as f64;
        let (columns, lines) = (self.config.window.columns as f64, self.config.window.lines as f64);
        let title = self.options.title.clone().unwrap_or_else(|| "uvterm".into());
        let mut attrs = WindowAttributes::default().with_title(title).with_inner_size(
            winit::dpi::LogicalSize::new(columns * cell.0 + 2.0 * pad, lines * cell.1 + 2.0 * pad),
        );
        // app_id (Wayland) and WM_CLASS (X11) `uvterm`: what desktop files
        // (`StartupWMClass`) and compositor rules match. Decorations stay winit's default:
        // server-side where the compositor offers xdg-decoration, else client-side (with the
        // title) — GNOME offers none.
        attrs =
            winit::platform::wayland::WindowAttributesExtWayland::with_name(attrs, APP_ID, APP_ID);
        attrs = winit::platform::x11::WindowAttributesExtX11::with_name(attrs, APP_ID, APP_ID);
        // The launcher's startup token (XDG_ACTIVATION_TOKEN / DESKTOP_STARTUP_ID) activates
        // the first window (xdg-activation on Wayland, startup notification on X11). Tabs'
        // programs do not inherit it (`pty::child_environment`); the environment itself is
        // left alone (the I/O thread reads it).
        if let Some(token) = token {
            use winit::platform::startup_notify::WindowAttributesExtStartupNotify;
            attrs = attrs.with_activation_token(token);
        } else if self.windows.is_empty() && !self.token_used {
            use winit::platform::startup_notify::{
                EventLoopExtStartupNotify, WindowAttributesExtStartupNotify,
            };
            self.token_used = true;
            if let Some(token) = event_loop.read_token_from_env() {
                attrs = attrs.with_activation_token(token);
            }
        }
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
            Ok(mut w) => {
                // On Wayland a window has the focus once the compositor gives it the keyboard
                // (wl_keyboard.enter, winit's `Focused(true)`), not from its creation on: a
                // seat without a keyboard focuses nothing. X11 keeps the focused start (no
                // window manager under Xvfb sends FocusIn).
                if matches!(self.display, Some(raw_window_handle::RawDisplayHandle::Wayland(_))) {
                    w.focused = w.window.has_focus();
                }
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
}

/// The Wayland app_id and X11 WM_CLASS of every window (and the desktop file's name).
pub const APP_ID: &str = "uvterm";

/// glutin calls the config picker only with at least one configuration; should it ever not,
/// there is nothing to draw with: say so and stop.
fn no_gl_config() -> glutin::config::Config {
    eprintln!("uvterm: the display offers no OpenGL configuration");
    std::process::exit(1)
}
