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
