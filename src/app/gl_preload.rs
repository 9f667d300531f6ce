//! Loading the X11 GL driver on a thread of its own while the main thread loads the fonts and
//! opens the display: an overlap at start-up (`cargo bench --bench latency`, section `start`).
//!
//! The first window's GLX configuration costs about as much as everything before it (about
//! 60 ms on Mesa's llvmpipe: mostly the dynamic loader mapping and relocating the DRI driver
//! and LLVM, then the driver's own set-up; `UVTERM_TRACE_START=1`, phase `window and GL config
//! made`). None of it needs winit's connection: the thread opens a private Xlib connection and
//! asks GLX for the screen's framebuffer configurations, which loads the same vendor library
//! and driver that the main connection will use. The dynamic loader keeps them mapped while
//! either connection holds them, so the main thread's GLX set-up then finds them loaded.
//!
//! The overlap is partial: glibc's loader lock is held for a whole `dlopen`, so winit's own
//! library loads wait while the driver's relocations run. Measured under Xvfb on a 2-core
//! machine, 40 starts each, interleaved: first frame at a median of 188 ms against 197 ms.
//!
//! Owns the thread and its connection, nothing else: no GL context is made and nothing is
//! drawn. [`GlPreload::wait`] must come before the main connection's GL display is made
//! (Mesa's set-up then never runs twice at once), and dropping the preload (which closes its
//! connection) after that display exists, so that the driver is never unloaded in between.
//! Only for X11 with GLX (the default there); Wayland and `UVTERM_GL_PLATFORM=egl` skip it.

use std::thread::JoinHandle;

use x11_dl::{glx::Glx, xlib::Xlib};

use super::config::Backend;

/// The preload thread (until [`GlPreload::wait`]) or what it opened (until dropped).
pub struct GlPreload {
    thread: Option<JoinHandle<Option<Opened>>>,
    opened: Option<Opened>,
}

/// A private Xlib connection on which GLX has been initialised.
struct Opened {
    xlib: Xlib,
    display: *mut x11_dl::xlib::Display,
    /// Keeps libGL loaded until the connection is closed.
    _glx: Glx,
}

// SAFETY: the connection is used by one thread at a time — the preload thread until it
// returns it, then the main thread, which only closes it — and Xlib's own locks are on
// (`XInitThreads` runs before the thread starts).
unsafe impl Send for Opened {}

impl GlPreload {
    /// Starts the preload when the first window will use GLX on X11: `backend` resolves to
    /// X11 (winit's `Auto` picks Wayland when `WAYLAND_DISPLAY` or `WAYLAND_SOCKET` is set)
    /// and `UVTERM_GL_PLATFORM` does not ask for EGL. `None` otherwise, or when libX11 cannot
    /// be loaded or the thread cannot start (the main thread then does all the work itself).
    pub fn start(backend: Backend) -> Option<GlPreload> {
        let wayland = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        let x11 = match backend {
            Backend::X11 => true,
            Backend::Wayland => false,
            Backend::Auto => !wayland("WAYLAND_DISPLAY") && !wayland("WAYLAND_SOCKET"),
        };
        let egl = std::env::var("UVTERM_GL_PLATFORM").is_ok_and(|v| v.eq_ignore_ascii_case("egl"));
        if !x11 || egl || std::env::var_os("DISPLAY").is_none() {
            return None;
        }
        let xlib = Xlib::open().ok()?;
        // SAFETY: no Xlib call has been made in this process yet (winit's come later, on
        // this thread); XInitThreads must precede any other for two connections to be used
        // from two threads.
        if unsafe { (xlib.XInitThreads)() } == 0 {
            return None;
        }
        let thread =
            std::thread::Builder::new().name("gl-preload".into()).spawn(move || open(xlib)).ok()?;
        Some(GlPreload { thread: Some(thread), opened: None })
    }

    /// Waits for the thread to finish (the driver is then loaded, or failed to load: either
    /// way the main thread goes on as without a preload).
    pub fn wait(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.opened = thread.join().ok().flatten();
        }
    }

    /// Whether the thread found GLX and the driver is loaded (after [`GlPreload::wait`]).
    pub fn loaded(&self) -> bool {
        self.opened.is_some()
    }
}

impl Drop for GlPreload {
    /// Closes the private connection (joining the thread first if [`GlPreload::wait`] was
    /// never called, so that the connection is never closed under it).
    fn drop(&mut self) {
        self.wait();
        if let Some(o) = self.opened.take() {
            // SAFETY: `display` came from XOpenDisplay and is closed once, here; nothing else
            // holds it.
            unsafe { (o.xlib.XCloseDisplay)(o.display) };
        }
    }
}

/// The thread: opens a connection to `$DISPLAY` and has GLX list the default screen's
/// framebuffer configurations (which loads the vendor library and its driver). `None` when the
/// display cannot be opened or has no GLX; the connection is then closed again.
fn open(xlib: Xlib) -> Option<Opened> {
    crate::trace::start("GL preload thread started");
    let glx = Glx::open().ok()?;
    // SAFETY: a null name opens `$DISPLAY`; the result is checked.
    let display = unsafe { (xlib.XOpenDisplay)(std::ptr::null()) };
    if display.is_null() {
        return None;
    }
    let opened = Opened { xlib, display, _glx: glx };
    let mut count = 0;
    // SAFETY: `display` is open and used only by this thread until returned; the list
    // glXGetFBConfigs returns (possibly null) is freed with XFree as GLX specifies.
    let configs = unsafe {
        let screen = (opened.xlib.XDefaultScreen)(display);
        (opened._glx.glXGetFBConfigs)(display, screen, &mut count)
    };
    if configs.is_null() {
        // SAFETY: as in Drop: opened here, closed once.
        unsafe { (opened.xlib.XCloseDisplay)(display) };
        return None;
    }
    // SAFETY: non-null, from glXGetFBConfigs.
    unsafe { (opened.xlib.XFree)(configs.cast()) };
    crate::trace::start("GL driver loaded (preload thread)");
    Some(opened)
}
