//! The other GL edge: creating a window's GL context and surface with glutin (unsafe: it
//! takes the window's raw handle), making it current, swapping, resizing. A context asks for
//! OpenGL 3.3 core first and falls back to OpenGL ES 3.0 (`UVTERM_GL_API=gles`: ES only).
//!
//! Presenting: a whole frame is swapped; where the platform can copy a rectangle of the back
//! buffer to the window (GLX with `GLX_MESA_copy_sub_buffer`, which Mesa's software GLX has),
//! [`GlTarget::present_region`] sends only the damaged rectangle and the back buffer is never
//! swapped, so it keeps the last frame (see ARCHITECTURE.md, "Frames").
//!
//! Dropping a [`GlTarget`] destroys its surface and context on every path (normal close, a
//! failed window creation, exit). The context is made not current first: EGL and GLX only
//! mark a context that is still current for deletion, so a closed window's context would
//! otherwise live on until another one is made current on this thread.

use std::num::NonZeroU32;

use glutin::config::{Config, GetGlConfig};
use glutin::context::{
    ContextApi, ContextAttributesBuilder, GlProfile, NotCurrentGlContext, PossiblyCurrentContext,
    Version,
};
use glutin::display::{AsRawDisplay, GetDisplayExtensions, GetGlDisplay, GlDisplay, RawDisplay};
use glutin::prelude::{GlSurface, PossiblyCurrentGlContext};
use glutin::surface::{AsRawSurface, RawSurface, Surface, SwapInterval, WindowSurface};
use glutin_winit::GlWindow;
use raw_window_handle::HasWindowHandle;
use winit::window::Window;

/// A window's GL context and surface. Field order is drop order: the surface goes before the
/// context it was made current with.
pub struct GlTarget {
    surface: Surface<WindowSurface>,
    context: PossiblyCurrentContext,
    /// `glXCopySubBufferMESA` with its display and drawable, where the platform has it.
    copy_sub_buffer: Option<CopySubBuffer>,
    _count: super::gl::ContextCount,
}

/// `void glXCopySubBufferMESA(Display *, GLXDrawable, int x, int y, int width, int height)`.
type CopySubBufferFn =
    unsafe extern "C" fn(*const std::ffi::c_void, std::ffi::c_ulong, i32, i32, i32, i32);

struct CopySubBuffer {
    f: CopySubBufferFn,
    display: *const std::ffi::c_void,
    drawable: std::ffi::c_ulong,
}

/// The GLX display and drawable of `surface` and `glXCopySubBufferMESA`, when the display
/// lists `GLX_MESA_copy_sub_buffer` (GLX hands out a pointer for any name, so the extension
/// string decides).
fn copy_sub_buffer(
    display: &glutin::display::Display,
    surface: &Surface<WindowSurface>,
) -> Option<CopySubBuffer> {
    let (RawDisplay::Glx(dpy), RawSurface::Glx(drawable)) =
        (display.raw_display(), surface.raw_surface())
    else {
        return None;
    };
    let glutin::display::Display::Glx(glx) = display else { return None };
    if !glx.extensions().contains("GLX_MESA_copy_sub_buffer") {
        return None;
    }
    let f = display.get_proc_address(c"glXCopySubBufferMESA");
    if f.is_null() {
        return None;
    }
    // SAFETY: a non-null pointer GLX gave for this name, which the display lists: the
    // function has this C signature (GLX_MESA_copy_sub_buffer).
    let f = unsafe { std::mem::transmute::<*const std::ffi::c_void, CopySubBufferFn>(f) };
    Some(CopySubBuffer { f, display: dpy, drawable: drawable as std::ffi::c_ulong })
}

impl GlTarget {
    /// Create a context and surface for `window`, compatible with `config`, and make it
    /// current.
    pub fn new(window: &Window, config: &Config) -> Result<GlTarget, String> {
        let display = config.display();
        let raw = window.window_handle().map_err(|e| e.to_string())?.as_raw();
        let core = ContextAttributesBuilder::new()
            .with_profile(GlProfile::Core)
            .with_context_api(ContextApi::OpenGl(Some(Version::new(3, 3))))
            .build(Some(raw));
        let es = ContextAttributesBuilder::new()
            .with_context_api(ContextApi::Gles(Some(Version::new(3, 0))))
            .build(Some(raw));
        // UVTERM_GL_API=gles takes the fallback path on purpose (to test it, or to dodge a
        // driver whose desktop GL is broken).
        let gles_only =
            std::env::var("UVTERM_GL_API").is_ok_and(|v| v.eq_ignore_ascii_case("gles"));
        // SAFETY: `raw` is the handle of a live window that outlives the context (the window
        // owns this target and drops it first).
        let not_current = unsafe {
            if gles_only {
                display.create_context(config, &es)
            } else {
                display
                    .create_context(config, &core)
                    .or_else(|_| display.create_context(config, &es))
            }
            .map_err(|e| format!("no OpenGL 3.3 or GLES 3.0 context: {e}"))?
        };
        let attrs =
            window.build_surface_attributes(Default::default()).map_err(|e| e.to_string())?;
        // SAFETY: as above, the window outlives the surface.
        let surface = unsafe { display.create_window_surface(config, &attrs) }
            .map_err(|e| format!("no window surface: {e}"))?;
        // Counted from here: the context exists, and dropping `not_current` destroys it.
        let count = super::gl::ContextCount::created();
        let context = not_current.make_current(&surface).map_err(|e| e.to_string())?;
        // Vsync where the driver has it (real GPUs); a no-op under Xvfb.
        let _ = surface.set_swap_interval(&context, SwapInterval::Wait(NonZeroU32::MIN));
        let copy_sub_buffer = copy_sub_buffer(&display, &surface);
        crate::trace::start("GL context current");
        Ok(GlTarget { surface, context, copy_sub_buffer, _count: count })
    }

    /// Whether [`GlTarget::present_region`] can present a rectangle alone.
    pub fn can_present_region(&self) -> bool {
        self.copy_sub_buffer.is_some()
    }

    /// Present the rectangle `[x, y, w, h]` (window pixels, top-left origin) of the back
    /// buffer in a window `width × height` pixels: a small rectangle is copied alone and the
    /// back buffer is left as it is; a large one is swapped (Mesa's software GLX copies a
    /// rectangle through the socket but a whole frame through shared memory: a full-screen
    /// redraw took twice as long by rectangle). Returns whether the back buffer still holds
    /// the frame (a swap keeps it when the buffer age says 1, as Mesa's software GLX does);
    /// when not, the next frame must be drawn whole.
    pub fn present_region(&self, rect: [i32; 4], width: i32, height: i32) -> Result<bool, String> {
        let [x, y, w, h] = rect;
        let large = (w as i64 * h as i64) * 4 >= width as i64 * height as i64;
        match &self.copy_sub_buffer {
            Some(c) if !large => {
                // SAFETY: the display and drawable belong to this live surface, whose
                // context is current (the caller drew with it); GLX's origin is the bottom
                // left.
                unsafe { (c.f)(c.display, c.drawable, x, height - (y + h), w, h) };
                Ok(true)
            }
            _ => {
                self.swap()?;
                Ok(self.surface.buffer_age() == 1)
            }
        }
    }

    pub fn make_current(&self) -> Result<(), String> {
        self.context.make_current(&self.surface).map_err(|e| e.to_string())
    }

    pub fn swap(&self) -> Result<(), String> {
        self.surface.swap_buffers(&self.context).map_err(|e| e.to_string())
    }

    pub fn resize(&self, window: &Window) {
        window.resize_surface(&self.surface, &self.context);
    }

    /// Whether this target's context is current on this thread.
    pub fn is_current(&self) -> bool {
        self.context.is_current()
    }

    /// The loader for [`super::gl::Gl::new`].
    pub fn loader(&self) -> impl FnMut(&std::ffi::CStr) -> *const std::ffi::c_void + '_ {
        let display = self.context.config().display();
        move |name| display.get_proc_address(name)
    }
}

impl Drop for GlTarget {
    fn drop(&mut self) {
        if self.context.is_current()
            && let Err(e) = self.context.make_not_current_in_place()
        {
            log::warn!("cannot release a closing window's GL context: {e}");
        }
    }
}

/// The GL driver's shared libraries, loaded on a thread of their own while the main thread
/// loads fonts and starts the I/O thread: the first window's GL display then finds them
/// loaded. Start it after the event loop exists: the dynamic loader serialises every
/// `dlopen` behind one lock, so a preload running while winit opens its X11 libraries
/// delays the display connection by as much as it saves. Loading Mesa's DRI driver is the largest single step of a
/// start under llvmpipe (libLLVM's relocations: 35–45 ms measured here with a small C program
/// timing `dlopen`), and nothing before the GL display needs it.
///
/// Mesa installs one driver file under every driver's name (`swrast_dri.so`, `iris_dri.so`,
/// … are hard links, and the dynamic loader knows a file it has loaded by its inode), so
/// loading `swrast_dri.so` loads whichever of them the display will pick. Where that file is
/// missing, or NVIDIA's kernel driver is loaded (`/proc/driver/nvidia`: its own GL library
/// will serve), only the vendor libraries are loaded.
/// `UVTERM_GL_PRELOAD=0` turns it off.
///
/// Holds one reference on each library it loaded until [`DriverPreload::finish`] (or drop)
/// joins the thread and gives them back: by then the GL display holds its own, so nothing is
/// unloaded while in use; if the display never loaded them, they are unloaded then.
pub struct DriverPreload {
    thread: Option<std::thread::JoinHandle<Vec<Library>>>,
}

/// A `dlopen` handle, closed on drop.
struct Library(std::ptr::NonNull<std::ffi::c_void>);

// SAFETY: a dlopen handle is a process-wide token: dlclose may be called from any thread.
unsafe impl Send for Library {}

impl Drop for Library {
    fn drop(&mut self) {
        // SAFETY: a handle dlopen returned, closed once (this value owns it).
        unsafe { libc::dlclose(self.0.as_ptr()) };
    }
}

/// Load `path` the way Mesa's loader does (`RTLD_NOW | RTLD_GLOBAL`: every relocation is
/// done here, not on first use). `None` when it cannot be loaded (the display will say why).
fn load(path: &str) -> Option<Library> {
    let c = std::ffi::CString::new(path).ok()?;
    // SAFETY: a NUL-terminated path; running a shared library's initialisers is what the
    // GL display would do when loading the same file.
    let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    std::ptr::NonNull::new(handle).map(Library)
}

/// The paths Mesa would look for its DRI driver in: `LIBGL_DRIVERS_PATH` (`env`,
/// colon-separated), then the usual distribution directories (Debian's multiarch one,
/// Fedora's, Arch's).
fn dri_driver_paths(env: Option<&str>) -> Vec<String> {
    let mut dirs: Vec<String> = env
        .map(|v| v.split(':').filter(|d| !d.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    dirs.push(format!("/usr/lib/{}-linux-gnu/dri", std::env::consts::ARCH));
    dirs.push("/usr/lib64/dri".into());
    dirs.push("/usr/lib/dri".into());
    dirs.into_iter().map(|d| format!("{d}/swrast_dri.so")).collect()
}

/// Load the vendor library of GLX (`egl: false`) or EGL and the first DRI driver found: the
/// preload thread's work. Each library loaded is held until the returned value is dropped.
fn preload_libraries(egl: bool) -> Vec<Library> {
    let vendor: &[&str] = if egl {
        &["libEGL.so.1", "libEGL_mesa.so.0"]
    } else {
        &["libGL.so.1", "libGLX_mesa.so.0"]
    };
    let mut libs: Vec<Library> = vendor.iter().filter_map(|p| load(p)).collect();
    // NVIDIA's own driver loaded: the display will most likely use its GL, and Mesa's
    // driver (with libLLVM, which never unloads) would only cost memory.
    if std::path::Path::new("/proc/driver/nvidia").exists() {
        crate::trace::start("GL driver preloaded");
        return libs;
    }
    let env = std::env::var("LIBGL_DRIVERS_PATH").ok();
    if let Some(driver) = dri_driver_paths(env.as_deref())
        .iter()
        .filter(|p| std::path::Path::new(p).exists())
        .find_map(|p| load(p))
    {
        libs.push(driver);
    }
    crate::trace::start("GL driver preloaded");
    libs
}

impl DriverPreload {
    /// Start loading the driver for GLX (`egl: false`, X11's default) or EGL (Wayland, or
    /// `UVTERM_GL_PLATFORM=egl`). `None` when turned off or the thread cannot start (the
    /// display then loads everything itself, as without this).
    pub fn start(egl: bool) -> Option<DriverPreload> {
        if std::env::var_os("UVTERM_GL_PRELOAD").is_some_and(|v| v == "0") {
            return None;
        }
        let thread = std::thread::Builder::new()
            .name("gl-preload".into())
            .spawn(move || preload_libraries(egl))
            .ok()?;
        Some(DriverPreload { thread: Some(thread) })
    }

    /// Wait for the loading to end and give the references back (see the type's doc).
    pub fn finish(mut self) {
        self.join();
    }

    fn join(&mut self) {
        if let Some(t) = self.thread.take() {
            // A panic there (none is expected: dlopen reports failure as null) loses nothing.
            drop(t.join());
        }
    }
}

impl Drop for DriverPreload {
    fn drop(&mut self) {
        self.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_paths_follow_libgl_drivers_path_then_the_usual_places() {
        let paths = dri_driver_paths(Some("/a::/b"));
        assert_eq!(paths[0], "/a/swrast_dri.so");
        assert_eq!(paths[1], "/b/swrast_dri.so");
        assert!(paths[2].ends_with("-linux-gnu/dri/swrast_dri.so"), "{paths:?}");
        assert_eq!(paths.len(), 5);
        assert_eq!(dri_driver_paths(None).len(), 3);
    }

    /// Whether `name` is loaded in this process (`RTLD_NOLOAD` loads nothing; the probe's
    /// own reference is given back at once).
    fn is_loaded(name: &std::ffi::CStr) -> bool {
        // SAFETY: a NUL-terminated name; RTLD_NOLOAD never loads or initialises anything.
        let h = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
        if h.is_null() {
            return false;
        }
        // SAFETY: the reference the probe just took.
        unsafe { libc::dlclose(h) };
        true
    }

    /// The preload holds its libraries while running and gives every reference back when
    /// joined: nothing else in this test binary loads GL, so libGL is unloaded again (Mesa's
    /// libLLVM marks itself never-unloaded, so it is not the probe).
    #[test]
    fn preload_gives_its_libraries_back() {
        assert!(!is_loaded(c"libGL.so.1"), "something else loaded libGL: the check means nothing");
        let libs = preload_libraries(false);
        // libgl1 is a run-time dependency (scripts/deps.sh): the GUI cannot start without it.
        assert!(is_loaded(c"libGL.so.1"), "libGL.so.1 not loaded ({} libraries)", libs.len());
        drop(libs);
        assert!(!is_loaded(c"libGL.so.1"));
        // Through the thread, as `app::run` does it.
        let preload = DriverPreload::start(false);
        assert!(preload.is_some() || std::env::var_os("UVTERM_GL_PRELOAD").is_some());
        if let Some(p) = preload {
            p.finish();
        }
        assert!(!is_loaded(c"libGL.so.1"));
    }
}
