//! The application's reactions to the I/O thread's events ([`IoEvent`]): windows and tabs
//! opened and closed, output to draw, titles, bells, clipboard writes (OSC 52) and window
//! requests (XTWINOPS); and creating the real window (winit + glutin) for a logical one,
//! activated (xdg-activation) with the requester's token or one the focused window obtains.
//!
//! Must not touch: PTYs and the loop (it only sends `io::Command`s), keyboard and mouse input.

use std::time::Instant;

use glutin::config::ConfigTemplateBuilder;
use winit::dpi::PhysicalSize;
use winit::event_loop::ActiveEventLoop;
use winit::event_loop::AsyncRequestSerial;
use winit::window::{ActivationToken, WindowAttributes};

use super::App;
use super::panes::Axis;
use super::window::{self, TabGroup, TabView, TermWindow};
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
                w.tabs.push(TabGroup::new(tab, pane_view(tab, shared.0)));
                w.active = w.tabs.len() - 1;
                w.update_title();
                // The tab bar may have appeared: everything is resized.
                w.sync_size(&sender);
                w.window.request_redraw();
            }
            IoEvent::ConfigChanged => {
                if let Err(e) = self.reload_config() {
                    eprintln!("uvterm: the configuration was not applied:\n{e}");
                }
            }
            IoEvent::Reconfigured => {
                for w in self.windows.values() {
                    w.window.request_redraw();
                }
            }
            IoEvent::ReloadConfig { request } => {
                let result = self.reload_config();
                let _ = sender.send(io::Command::ConfigReloaded { request, result });
            }
            IoEvent::Ledger { window, ledger } => {
                let Some(w) = self.window_for(window) else { return };
                if let Some(o) = w.overlay.as_mut() {
                    o.lines = super::overlay::lines(&ledger, window);
                    w.window.request_redraw();
                }
            }
            IoEvent::TabOutput(tab) => {
                crate::trace::latency("UI woken by output");
                if let Some(w) = self.window_of_tab(tab) {
                    if w.pane_visible(tab) {
                        w.window.request_redraw();
                    } else if let Some(i) = w.group_of(tab) {
                        // Not on display: mark its tab in the tab bar (once) when that tab is
                        // not the one shown, and leave its `dirty` flag set, so a hidden tab
                        // that floods output sends no more events (each one a wake-up of this
                        // thread and a search through every tab) until a frame draws it and
                        // clears the flag (`TermWindow::draw`: switching to it, a zoom ending).
                        if i != w.active && w.tabs[i].hidden_output(Instant::now()) {
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
                    .find_map(|w| w.pane(tab))
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
                    if let Some(t) = w.pane_mut(tab) {
                        t.title = title;
                    }
                    w.update_title();
                    w.window.request_redraw();
                }
            }
            IoEvent::InputRefused { tab, reason } => {
                // Shown in the window's banner (Escape hides it), as well as logged.
                if let Some(w) = self.window_of_tab(tab) {
                    w.banner = Some(format!("input not sent: {reason}"));
                    w.window.request_redraw();
                }
            }
            IoEvent::Bell(tab) => {
                let visual = self.config.window.visual_bell;
                let urgent = self.config.bell.urgent;
                if let Some(w) = self.window_of_tab(tab) {
                    let group = w.group_of(tab);
                    if let Some(i) = group.filter(|&i| i != w.active) {
                        w.tabs[i].bell = true;
                        w.window.request_redraw();
                    }
                    if visual {
                        w.ring_bell(Some(tab));
                    }
                    // The urgency hint (X11 WM_HINTS), cleared when the window gains focus.
                    if urgent && !w.focused {
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
                // A program may size the window only when it has its tab to itself: a pane
                // among others gets the size of its place (kitty ignores it too).
                if let Some(w) = window_of_tab(&mut self.windows, tab)
                    && w.group_of(tab).is_some_and(|g| w.tabs[g].panes.len() == 1)
                {
                    let size = window::clamp_window_size(w.size_for(cols, lines));
                    w.request_size(size, &self.sender);
                }
            }
            IoEvent::WindowRequest { tab, request } => {
                // (The windows alone are borrowed: a move reports through the sender.)
                let window = self.windows.values_mut().find(|w| w.pane(tab).is_some());
                if let Some(w) = window {
                    use crate::term::WindowRequest as R;
                    match request {
                        R::Iconify(on) => {
                            w.window.set_minimized(on);
                            w.forget_size();
                        }
                        R::Raise => w.window.focus_window(),
                        R::Maximize(n) => {
                            w.window.set_maximized(n != 0);
                            w.forget_size();
                        }
                        R::Fullscreen(n) => {
                            let on = match n {
                                0 => Some(false),
                                1 => Some(true),
                                _ => None,
                            };
                            w.set_fullscreen(on, &self.sender);
                        }
                        R::ResizePixels { width, height } => {
                            let size = w.inner_size();
                            let width = if width == 0 { size.width } else { width as u32 };
                            let height = if height == 0 { size.height } else { height as u32 };
                            let size = window::clamp_window_size(PhysicalSize::new(width, height));
                            w.request_size(size, &self.sender);
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
            IoEvent::ConfirmClose { window, tab, pane, program, tabs } => {
                if let Some(w) = self.window_for(window) {
                    // The tab asked about is shown, so the user sees what would go.
                    let shown = tab.and_then(|t| {
                        w.tabs.iter().position(|g| g.id == t).or_else(|| w.group_of(t))
                    });
                    if let Some(i) = shown {
                        w.active = i;
                        w.update_title();
                        // The I/O thread's idea of the shown tab (`msg list`, notifications)
                        // follows, whatever the answer.
                        w.report(&sender);
                    }
                    let target = tab.map(|id| super::confirm::CloseTarget { id, pane });
                    w.prompt =
                        Some(super::confirm::Prompt::close(target, program.as_deref(), tabs));
                    w.window.request_redraw();
                }
            }
            IoEvent::Notify { tab, notice } => self.notice(tab, notice),
            IoEvent::FocusTab { tab, activation_token } => {
                let Some(w) = self.window_of_tab(tab) else { return };
                if let Some(i) = w.group_of(tab) {
                    w.active = i;
                    // The pane that asked gets the keyboard too.
                    w.tabs[i].focused = tab;
                }
                w.update_title();
                w.report(&sender);
                w.window.request_redraw();
                // X11: _NET_ACTIVE_WINDOW through the window manager. Wayland: winit asks the
                // compositor for a token of its own (it cannot activate with the server's).
                if activation_token.is_some() {
                    log::debug!("notification clicked with an activation token");
                }
                w.window.focus_window();
            }
            IoEvent::Fullscreen { window, on } => {
                if let Some(w) = self.window_for(window) {
                    w.set_fullscreen(on, &sender);
                }
            }
            IoEvent::TabClosed { tab, window, .. } => {
                self.notifier.forget_tab(tab);
                if let Some(w) = self.window_for(window) {
                    let i = w.tabs.iter().position(|g| g.id == tab).or_else(|| w.group_of(tab));
                    // A prompt about a tab (or one of its panes) that went by itself has
                    // nothing left to ask.
                    let gone =
                        |id: TabId| id == tab || i.is_some_and(|i| w.tabs[i].pane(id).is_some());
                    if w.prompt.as_ref().and_then(|p| p.subject()).is_some_and(gone) {
                        w.prompt = None;
                    }
                    if let Some(i) = i {
                        // The last references to its terminals: their memory goes back now.
                        for pane in w.tabs.remove(i).panes {
                            io::release_tab(pane.shared);
                        }
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
            IoEvent::PaneOpened { info, tab, beside, direction } => {
                let Some(w) = self.window_for(info.window) else { return };
                let Some(g) =
                    w.tabs.iter().position(|g| g.id == tab).or_else(|| w.group_of(beside))
                else {
                    return;
                };
                let group = &mut w.tabs[g];
                let axis = match direction {
                    io::SplitDirection::Right => Axis::Horizontal,
                    io::SplitDirection::Down => Axis::Vertical,
                };
                let target = if group.tree.contains(beside) { beside } else { group.focused };
                if !group.tree.split(target, info.id, axis, false) {
                    return;
                }
                group.panes.push(pane_view(info.id, info.shared));
                // The new pane takes the keyboard, as in Ghostty, kitty and WezTerm; when
                // it opens in the tab on display.
                let shown = g == w.active;
                if shown {
                    w.focus_pane(info.id, &sender);
                } else {
                    w.tabs[g].focused = info.id;
                }
                w.sync_size(&sender);
                w.update_title();
                w.window.request_redraw();
            }
            IoEvent::PaneClosed { pane, window, exit, ended, .. } => {
                self.notifier.forget_tab(pane);
                // (A pane closed by a request goes at once whatever the configuration.)
                let hold = ended && self.config.panes.hold_exited;
                let Some(w) = self.window_for(window) else { return };
                if w.prompt.as_ref().and_then(|p| p.subject()) == Some(pane) {
                    w.prompt = None;
                }
                let Some(g) = w.group_of(pane) else { return };
                let group = &mut w.tabs[g];
                // `panes.hold_exited`: the pane stays with its last screen and a notice until
                // the user dismisses it (`TermWindow::dismiss_held`). A PaneClosed means
                // another pane of the tab still runs (the last one's is TabClosed), so the
                // tab keeps a live pane to report to the I/O thread.
                if hold && let Some(view) = group.pane_mut(pane) {
                    view.exited = Some(exit);
                    // Its layout report now leaves it out.
                    w.sync_size(&sender);
                    w.window.request_redraw();
                    return;
                }
                group.remove_pane(pane);
                if group.panes.is_empty() {
                    // (The I/O thread sends TabClosed for a tab's last pane; should a
                    // PaneClosed come instead, the tab goes the same way.)
                    w.tabs.remove(g);
                    if w.active >= w.tabs.len() {
                        w.active = w.tabs.len().saturating_sub(1);
                    } else if g < w.active {
                        w.active -= 1;
                    }
                }
                w.update_title();
                w.sync_size(&sender);
                w.window.request_redraw();
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

    /// A tab's desktop notification: shown (through [`super::notify::Notifier`], which
    /// applies the rate limits) when the configuration says so for a tab in its state —
    /// by default only when the user is not looking at the tab (a background tab, or a
    /// window without the keyboard focus).
    fn notice(&mut self, tab: TabId, notice: io::Notice) {
        use super::config::NotifyWhen;
        use super::notify::{Notification, Urgency};
        let n = &self.config.notifications;
        let (when, min_ms) = match notice {
            io::Notice::Message { .. } => (n.when, 0.0),
            io::Notice::CommandFinished { .. } => {
                (n.command_finished, n.command_min_duration * 1000.0)
            }
        };
        let Some(w) = self.windows.values().find(|w| w.pane(tab).is_some()) else {
            return;
        };
        let looked_at = w.focused && w.active_tab().is_some_and(|t| t.id == tab);
        log::debug!(
            "notification of tab {}: window focused {}, looked at {looked_at}",
            tab.0,
            w.focused
        );
        let show = match when {
            NotifyWhen::Never => false,
            NotifyWhen::Always => true,
            NotifyWhen::Unfocused => !looked_at,
        };
        let tab_title = w
            .pane(tab)
            .map(|t| t.title.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| APP_ID.to_owned());
        let notification = match notice {
            _ if !show => return,
            io::Notice::Message { title, body, .. } => {
                let summary = if title.is_empty() { tab_title } else { title };
                Notification::new(tab, &summary, &body, Urgency::Normal)
            }
            io::Notice::CommandFinished { exit_status, duration_ms } => {
                if (duration_ms as f64) < min_ms {
                    return;
                }
                let status = match exit_status {
                    Some(0) => "succeeded".to_owned(),
                    Some(s) => format!("failed (exit status {s})"),
                    None => "finished".to_owned(),
                };
                let body = format!(
                    "{status} after {} in {tab_title}",
                    super::notify::format_duration(duration_ms)
                );
                let urgency = if exit_status.is_some_and(|s| s != 0) {
                    Urgency::Critical
                } else {
                    Urgency::Normal
                };
                Notification::new(tab, "Command finished", &body, urgency)
            }
        };
        self.notifier.show(notification, std::time::Instant::now());
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

    /// The window showing pane (or tab) `tab`.
    fn window_of_tab(&mut self, tab: TabId) -> Option<&mut TermWindow> {
        window_of_tab(&mut self.windows, tab)
    }

    fn create_window(
        &mut self,
        event_loop: &ActiveEventLoop,
        id: io::WindowId,
        token: Option<ActivationToken>,
    ) {
        crate::trace::start("window asked for");
        let (family, points, cell) = self.base_font.clone();
        let pad = self.config.window.padding as f64;
        let (columns, lines) = (self.config.window.columns as f64, self.config.window.lines as f64);
        let title = self.options.title.clone().unwrap_or_else(|| "uvterm".into());
        // Within MAX_WINDOW_PX a side, unscaled here (the exact request below, once the scale
        // is known, is limited in pixels).
        let max = window::MAX_WINDOW_PX as f64;
        let mut attrs = WindowAttributes::default().with_title(title).with_inner_size(
            winit::dpi::LogicalSize::new(
                (columns * cell.0 + 2.0 * pad).min(max),
                (lines * cell.1 + 2.0 * pad).min(max),
            ),
        );
        // app_id (Wayland) and WM_CLASS (X11) `uvterm`: what desktop files
        // (`StartupWMClass`) and compositor rules match. Decorations stay winit's default:
        // server-side where the compositor offers xdg-decoration, else client-side (with the
        // title) — GNOME offers none.
        attrs =
            winit::platform::wayland::WindowAttributesExtWayland::with_name(attrs, APP_ID, APP_ID);
        attrs = winit::platform::x11::WindowAttributesExtX11::with_name(attrs, APP_ID, APP_ID);
        attrs = attrs.with_transparent(self.config.window.opacity < 1.0);
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
                // window.opacity below 1: the picker below prefers a configuration that
                // supports transparency (an ARGB visual on X11, alpha on Wayland); the
                // template does not require one (a display without any still gets a window,
                // opaque). Created opaque, a window needs a restart to become translucent.
                let transparent = self.config.window.opacity < 1.0;
                let template = ConfigTemplateBuilder::new();
                if let Some(preload) = &mut self.gl_preload {
                    preload.wait();
                    crate::trace::start(if preload.loaded() {
                        "GL driver preloaded"
                    } else {
                        "GL driver preload failed"
                    });
                }
                glutin_winit::DisplayBuilder::new()
                    // Mesa's EGL on X11 offers no ARGB visual: a translucent window asks
                    // GLX first (EGL stays the fallback, and Wayland's only choice).
                    .with_preference(if transparent {
                        glutin_winit::ApiPreference::FallbackEgl
                    } else {
                        gl_preference()
                    })
                    .with_window_attributes(Some(attrs))
                    .build(event_loop, template, |configs| {
                        use glutin::config::GlConfig;
                        let alpha = |c: &glutin::config::Config| {
                            transparent && c.supports_transparency().unwrap_or(false)
                        };
                        configs
                            .reduce(|a, b| {
                                if (alpha(&b), std::cmp::Reverse(b.num_samples()))
                                    > (alpha(&a), std::cmp::Reverse(a.num_samples()))
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
        crate::trace::start("window and GL config made");
        // The main connection now holds the driver: the preload's connection can go.
        self.gl_preload = None;
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
            let asked = PhysicalSize::new(
                (columns * fonts.cell_width as f64 + 2.0 * pad) as u32,
                (lines * fonts.cell_height as f64 + 2.0 * pad) as u32,
            );
            let exact = window::clamp_window_size(asked);
            if exact != asked && self.windows.is_empty() {
                eprintln!(
                    "uvterm: window.columns × window.lines at this font size is {}×{} pixels; \
                     a window side is at most {} pixels, so the window is {}×{}",
                    asked.width,
                    asked.height,
                    window::MAX_WINDOW_PX,
                    exact.width,
                    exact.height
                );
            }
            if window.inner_size() != exact {
                let _ = window.request_inner_size(exact);
            }
            window.set_ime_allowed(true);
            let w = TermWindow::new(id, window, &cfg, fonts, &self.config);
            crate::trace::start("GL context and renderer made");
            w
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
                w.banner = self.config_error.clone();
                let wid = w.window.id();
                self.ids.insert(id, wid);
                self.windows.insert(wid, w);
            }
            Err(e) => {
                eprintln!("uvterm: cannot open a window: {}", super::without_source_location(&e));
                let _ = self.sender.send(io::Command::CloseWindow { window: id });
                if self.windows.is_empty() {
                    self.exit_code = 1;
                }
            }
        }
    }
}

/// A new pane's view: following the output, nothing selected, its program's title so far.
fn pane_view(id: TabId, shared: std::sync::Arc<io::TabShared>) -> TabView {
    let title = shared.term.lock().map(|t| t.title().to_owned()).unwrap_or_default();
    TabView {
        id,
        shared,
        display_offset: 0,
        seen: (0, false),
        selection: None,
        selection_seen: None,
        search: None,
        title,
        exited: None,
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

/// On X11, GLX first: Mesa's software GLX presents a rectangle of the back buffer
/// (`GLX_MESA_copy_sub_buffer`, through MIT-SHM) where its EGL sends the whole frame through
/// the socket on every swap — measured under Xvfb, a typed key's frame is presented in
/// 0.3 ms against 9–13 ms (benches/latency.rs), for ~5 ms more set-up at start. EGL with
/// `UVTERM_GL_PLATFORM=egl` (and on Wayland, which has no GLX).
fn gl_preference() -> glutin_winit::ApiPreference {
    match std::env::var("UVTERM_GL_PLATFORM") {
        Ok(v) if v.eq_ignore_ascii_case("egl") => glutin_winit::ApiPreference::PreferEgl,
        _ => glutin_winit::ApiPreference::FallbackEgl,
    }
}

/// The window that shows `tab` (a tab's id or one of its panes'), borrowing only the windows.
fn window_of_tab(
    windows: &mut std::collections::HashMap<winit::window::WindowId, TermWindow>,
    tab: TabId,
) -> Option<&mut TermWindow> {
    windows.values_mut().find(|w| w.pane(tab).is_some() || w.tabs.iter().any(|g| g.id == tab))
}
