//! The GL edge: the handful of OpenGL calls the renderer makes, through `glow`. All of the
//! renderer's `unsafe` is here.
//!
//! Contract for every method: the [`Gl`]'s context is current on this thread (the window that
//! owns it makes it current before drawing and before dropping its renderer), and objects
//! passed in were created by this same `Gl`. Every object created is counted in
//! [`live_objects`] and uncounted when deleted, so tests can prove that closing windows gives
//! GL resources back (Mesa keeps them out of valgrind's sight).
//!
//! Each `Gl` also keeps its own count. Objects still alive when a `Gl` is dropped could not be
//! deleted explicitly (its context could not be made current): they are freed by the driver
//! with their context, which is destroyed right after (contexts are never shared here), and
//! counted in [`orphaned_objects`] so a test can see that this path was taken.

use std::sync::atomic::{AtomicUsize, Ordering};

use glow::HasContext;

static LIVE_OBJECTS: AtomicUsize = AtomicUsize::new(0);
static LIVE_CONTEXTS: AtomicUsize = AtomicUsize::new(0);
static ORPHANED_OBJECTS: AtomicUsize = AtomicUsize::new(0);

/// GL objects (programs, shaders, buffers, vertex arrays, textures) currently alive.
pub fn live_objects() -> usize {
    LIVE_OBJECTS.load(Ordering::Relaxed)
}

static FRAMES: AtomicUsize = AtomicUsize::new(0);
static GPU_BYTES: AtomicUsize = AtomicUsize::new(0);

/// An estimate of the GPU memory the live textures (RGBA8: 4 bytes a texel) and vertex
/// buffers (their allocated capacity) take, in bytes — the ledger's `gpu_bytes_estimate`.
pub fn gpu_bytes_estimate() -> usize {
    GPU_BYTES.load(Ordering::Relaxed)
}

/// Frames presented so far, by every window: idle must leave this still.
pub fn frames() -> usize {
    FRAMES.load(Ordering::Relaxed)
}

/// Count one presented frame.
pub fn frame_presented() {
    FRAMES.fetch_add(1, Ordering::Relaxed);
}

/// GL contexts currently alive (one per window; counted by [`ContextCount`]).
pub fn live_contexts() -> usize {
    LIVE_CONTEXTS.load(Ordering::Relaxed)
}

/// GL objects that were not deleted explicitly but released with their context (see the
/// module's doc): 0 unless a window closed while its context could not be made current.
pub fn orphaned_objects() -> usize {
    ORPHANED_OBJECTS.load(Ordering::Relaxed)
}

/// One live GL context in [`live_contexts`], from creation until drop. Held by whatever owns
/// the context, so the count follows the context itself, not the renderer drawing with it.
pub struct ContextCount(());

impl ContextCount {
    /// Count a context just created.
    pub fn created() -> ContextCount {
        LIVE_CONTEXTS.fetch_add(1, Ordering::Relaxed);
        ContextCount(())
    }
}

impl Drop for ContextCount {
    fn drop(&mut self) {
        LIVE_CONTEXTS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Which flavour of GL the context speaks (it decides the GLSL header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// OpenGL 3.3 core: `#version 330 core`.
    Gl33,
    /// OpenGL ES 3.0: `#version 300 es`.
    Gles3,
}

pub struct Gl {
    gl: glow::Context,
    api: Api,
    /// Where linked programs are kept between runs, when the driver can hand them out.
    program_cache: Option<ProgramCache>,
    /// Objects this context has created and not deleted.
    live: std::cell::Cell<usize>,
    /// This context's share of [`gpu_bytes_estimate`], in bytes.
    gpu_bytes: std::cell::Cell<usize>,
}

/// One vertex attribute of an instance buffer.
#[derive(Debug, Clone, Copy)]
pub struct Attrib {
    pub location: u32,
    pub components: i32,
    /// `true`: normalised unsigned bytes; `false`: 32-bit floats.
    pub bytes: bool,
    pub offset: i32,
}

pub struct Program(glow::Program);
pub struct Uniform(glow::UniformLocation);
pub struct Texture {
    raw: glow::Texture,
    pub width: i32,
    pub height: i32,
}
/// A vertex array with one per-instance buffer.
/// An offscreen colour target the renderer keeps between frames (its persistent frame):
/// a framebuffer object and the RGBA8 texture it draws into.
pub struct Framebuffer {
    fbo: glow::Framebuffer,
    texture: Texture,
}

impl Framebuffer {
    /// Its size in pixels.
    pub fn size(&self) -> (i32, i32) {
        (self.texture.width, self.texture.height)
    }
}

pub struct Instances {
    vao: glow::VertexArray,
    vbo: glow::Buffer,
    capacity: usize,
}

impl Gl {
    /// Wrap a context whose functions `loader` resolves.
    pub fn new(loader: impl FnMut(&std::ffi::CStr) -> *const std::ffi::c_void) -> Gl {
        // SAFETY: the loader resolves functions of the context the caller made current.
        let gl = unsafe { glow::Context::from_loader_function_cstr(loader) };
        // SAFETY: a plain query on the current context.
        let version = unsafe { gl.get_parameter_string(glow::VERSION) };
        let api = if version.contains("OpenGL ES") { Api::Gles3 } else { Api::Gl33 };
        crate::trace::start("GL functions loaded");
        let program_cache = ProgramCache::new(&gl, api);
        Gl {
            gl,
            api,
            program_cache,
            live: std::cell::Cell::new(0),
            gpu_bytes: std::cell::Cell::new(0),
        }
    }

    fn created(&self) {
        self.live.set(self.live.get() + 1);
        LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed);
    }

    fn deleted(&self) {
        self.live.set(self.live.get().saturating_sub(1));
        LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
    }

    /// Objects this context has created and not deleted.
    pub fn live_objects(&self) -> usize {
        self.live.get()
    }

    /// This context's estimated GPU memory (its textures and vertex buffers), in bytes.
    pub fn gpu_bytes(&self) -> usize {
        self.gpu_bytes.get()
    }

    fn gpu_add(&self, bytes: usize) {
        self.gpu_bytes.set(self.gpu_bytes.get() + bytes);
        GPU_BYTES.fetch_add(bytes, Ordering::Relaxed);
    }

    fn gpu_sub(&self, bytes: usize) {
        self.gpu_bytes.set(self.gpu_bytes.get().saturating_sub(bytes));
        GPU_BYTES.fetch_sub(bytes, Ordering::Relaxed);
    }

    pub fn api(&self) -> Api {
        self.api
    }

    /// The largest texture side the driver allows.
    pub fn max_texture_size(&self) -> i32 {
        // SAFETY: a plain query on the current context.
        unsafe { self.gl.get_parameter_i32(glow::MAX_TEXTURE_SIZE) }
    }

    /// The largest window side (pixels) the driver draws into: the smaller of its largest
    /// viewport and renderbuffer sides. Past it llvmpipe draws nothing (above 16384) or
    /// crashes in its rasterizer threads (a 32767-pixel window).
    pub fn max_drawable_side(&self) -> u32 {
        let mut viewport = [0_i32; 2];
        // SAFETY: plain queries on the current context; MAX_VIEWPORT_DIMS writes two integers.
        let renderbuffer = unsafe {
            self.gl.get_parameter_i32_slice(glow::MAX_VIEWPORT_DIMS, &mut viewport);
            self.gl.get_parameter_i32(glow::MAX_RENDERBUFFER_SIZE)
        };
        // A driver that answers nothing (0) leaves the check to the X11 and Wayland limits.
        [viewport[0], viewport[1], renderbuffer]
            .into_iter()
            .filter(|&v| v > 0)
            .min()
            .map_or(u32::MAX, |v| v as u32)
    }

    /// "vendor / renderer / version", for the log.
    pub fn describe(&self) -> String {
        // SAFETY: plain queries on the current context.
        unsafe {
            format!(
                "{} / {} / {}",
                self.gl.get_parameter_string(glow::VENDOR),
                self.gl.get_parameter_string(glow::RENDERER),
                self.gl.get_parameter_string(glow::VERSION)
            )
        }
    }

    pub fn program(&self, vertex: &str, fragment: &str) -> Result<Program, String> {
        let header = match self.api {
            Api::Gl33 => "#version 330 core\n",
            Api::Gles3 => "#version 300 es\nprecision highp float;\n",
        };
        let name = format!("{header}{vertex}\0{fragment}");
        if let Some(p) = self.cached_program(&name) {
            crate::trace::start("GL program loaded from the cache");
            return Ok(p);
        }
        // SAFETY: objects are created, used and (on failure) deleted on the current context.
        unsafe {
            let program = self.gl.create_program()?;
            self.created();
            if self.program_cache.is_some() {
                self.gl.program_binary_retrievable_hint(program, true);
            }
            let mut shaders = Vec::new();
            for (kind, src) in [(glow::VERTEX_SHADER, vertex), (glow::FRAGMENT_SHADER, fragment)] {
                let shader = self.gl.create_shader(kind)?;
                self.gl.shader_source(shader, &format!("{header}{src}"));
                self.gl.compile_shader(shader);
                if !self.gl.get_shader_compile_status(shader) {
                    let log = self.gl.get_shader_info_log(shader);
                    self.gl.delete_shader(shader);
                    for s in shaders {
                        self.gl.delete_shader(s);
                    }
                    self.gl.delete_program(program);
                    self.deleted();
                    return Err(format!("shader compilation failed: {log}"));
                }
                self.gl.attach_shader(program, shader);
                shaders.push(shader);
            }
            self.gl.link_program(program);
            for s in shaders {
                self.gl.detach_shader(program, s);
                self.gl.delete_shader(s);
            }
            if !self.gl.get_program_link_status(program) {
                let log = self.gl.get_program_info_log(program);
                self.gl.delete_program(program);
                self.deleted();
                return Err(format!("shader linking failed: {log}"));
            }
            crate::trace::start("GL program linked");
            if let Some(cache) = &self.program_cache
                && let Some(binary) = self.gl.get_program_binary(program)
            {
                cache.store(&name, &binary);
            }
            Ok(Program(program))
        }
    }

    /// The program built from `name` (its header and sources) as the cache kept it, if it
    /// has one for this driver and the driver takes it back; `None` otherwise (nothing left
    /// behind, and the GL errors a refused binary raised are cleared).
    fn cached_program(&self, name: &str) -> Option<Program> {
        let binary = self.program_cache.as_ref()?.load(name)?;
        // SAFETY: objects are created, used and (on failure) deleted on the current context;
        // the driver checks the binary it is given (a refused one fails to link).
        unsafe {
            let program = self.gl.create_program().ok()?;
            self.gl.program_binary(program, &binary);
            if self.gl.get_program_link_status(program) {
                self.created();
                return Some(Program(program));
            }
            self.gl.delete_program(program);
            for _ in 0..16 {
                if self.gl.get_error() == glow::NO_ERROR {
                    break;
                }
            }
        }
        None
    }

    pub fn delete_program(&self, p: Program) {
        // SAFETY: a program of this context, not used afterwards (moved in).
        unsafe { self.gl.delete_program(p.0) };
        self.deleted();
    }

    pub fn uniform(&self, p: &Program, name: &str) -> Option<Uniform> {
        // SAFETY: a query on a program of this context.
        unsafe { self.gl.get_uniform_location(p.0, name) }.map(Uniform)
    }

    pub fn use_program(&self, p: &Program) {
        // SAFETY: a program of this context.
        unsafe { self.gl.use_program(Some(p.0)) };
    }

    pub fn set_vec2(&self, u: &Uniform, x: f32, y: f32) {
        // SAFETY: the uniform belongs to the program in use.
        unsafe { self.gl.uniform_2_f32(Some(&u.0), x, y) };
    }

    pub fn set_int(&self, u: &Uniform, v: i32) {
        // SAFETY: the uniform belongs to the program in use.
        unsafe { self.gl.uniform_1_i32(Some(&u.0), v) };
    }

    pub fn instances(&self, stride: i32, attribs: &[Attrib]) -> Result<Instances, String> {
        // SAFETY: creates and configures objects of the current context.
        unsafe {
            let vao = self.gl.create_vertex_array()?;
            self.created();
            let vbo = match self.gl.create_buffer() {
                Ok(vbo) => vbo,
                Err(e) => {
                    self.gl.delete_vertex_array(vao);
                    self.deleted();
                    return Err(e);
                }
            };
            self.created();
            self.gl.bind_vertex_array(Some(vao));
            self.gl.bind_buffer(glow::ARRAY_BUFFER, Some(vbo));
            for a in attribs {
                let (ty, normalized) =
                    if a.bytes { (glow::UNSIGNED_BYTE, true) } else { (glow::FLOAT, false) };
                self.gl.vertex_attrib_pointer_f32(
                    a.location,
                    a.components,
                    ty,
                    normalized,
                    stride,
                    a.offset,
                );
                self.gl.vertex_attrib_divisor(a.location, 1);
                self.gl.enable_vertex_attrib_array(a.location);
            }
            self.gl.bind_vertex_array(None);
            Ok(Instances { vao, vbo, capacity: 0 })
        }
    }

    pub fn delete_instances(&self, i: Instances) {
        // SAFETY: objects of this context, not used afterwards.
        unsafe {
            self.gl.delete_buffer(i.vbo);
            self.gl.delete_vertex_array(i.vao);
        }
        self.gpu_sub(i.capacity);
        self.deleted();
        self.deleted();
    }

    /// Upload `data` (whole instances) and draw `count` instanced quads.
    pub fn draw_instances(&self, i: &mut Instances, data: &[u8], count: usize) {
        if count == 0 {
            return;
        }
        // SAFETY: objects of this context; `data` outlives the upload call.
        unsafe {
            self.gl.bind_vertex_array(Some(i.vao));
            self.gl.bind_buffer(glow::ARRAY_BUFFER, Some(i.vbo));
            if data.len() > i.capacity {
                let capacity = data.len().next_power_of_two();
                self.gl.buffer_data_size(glow::ARRAY_BUFFER, capacity as i32, glow::STREAM_DRAW);
                self.gpu_add(capacity - i.capacity);
                i.capacity = capacity;
            }
            self.gl.buffer_sub_data_u8_slice(glow::ARRAY_BUFFER, 0, data);
            self.gl.draw_arrays_instanced(glow::TRIANGLE_STRIP, 0, 4, count as i32);
            self.gl.bind_vertex_array(None);
        }
    }

    pub fn texture(&self, width: i32, height: i32) -> Result<Texture, String> {
        // SAFETY: creates and sizes a texture of the current context (contents undefined
        // until uploaded; the atlas only samples what it wrote).
        unsafe {
            let raw = self.gl.create_texture()?;
            self.created();
            self.gl.bind_texture(glow::TEXTURE_2D, Some(raw));
            for (p, v) in [
                // Glyphs are drawn at their pixel size on whole pixels: nearest sampling is
                // exact, and cheaper than linear on software renderers.
                (glow::TEXTURE_MIN_FILTER, glow::NEAREST),
                (glow::TEXTURE_MAG_FILTER, glow::NEAREST),
                (glow::TEXTURE_WRAP_S, glow::CLAMP_TO_EDGE),
                (glow::TEXTURE_WRAP_T, glow::CLAMP_TO_EDGE),
            ] {
                self.gl.tex_parameter_i32(glow::TEXTURE_2D, p, v as i32);
            }
            self.gl.tex_image_2d(
                glow::TEXTURE_2D,
                0,
                glow::RGBA8 as i32,
                width,
                height,
                0,
                glow::RGBA,
                glow::UNSIGNED_BYTE,
                glow::PixelUnpackData::Slice(None),
            );
            self.gpu_add(texture_bytes(width, height));
            Ok(Texture { raw, width, height })
        }
    }

    pub fn delete_texture(&self, t: Texture) {
        // SAFETY: a texture of this context, not used afterwards.
        unsafe { self.gl.delete_texture(t.raw) };
        self.gpu_sub(texture_bytes(t.width, t.height));
        self.deleted();
    }

    /// Write RGBA pixels into a region of a texture.
    pub fn upload(&self, t: &Texture, x: i32, y: i32, w: i32, h: i32, rgba: &[u8]) {
        if w <= 0 || h <= 0 || rgba.len() < (w * h * 4) as usize {
            return;
        }
        // SAFETY: the region lies in the texture (the atlas checks it) and `rgba` holds
        // w*h*4 bytes.
        unsafe {
            self.gl.bind_texture(glow::TEXTURE_2D, Some(t.raw));
            self.gl.pixel_store_i32(glow::UNPACK_ALIGNMENT, 1);
            self.gl.tex_sub_image_2d(
                glow::TEXTURE_2D,
                0,
                x,
                y,
                w,
                h,
                glow::RGBA,
                glow::UNSIGNED_BYTE,
                glow::PixelUnpackData::Slice(Some(rgba)),
            );
        }
    }

    pub fn bind_texture(&self, t: &Texture) {
        // SAFETY: a texture of this context.
        unsafe {
            self.gl.active_texture(glow::TEXTURE0);
            self.gl.bind_texture(glow::TEXTURE_2D, Some(t.raw));
        }
    }

    /// A `width × height` offscreen target (a texture and a framebuffer object), counted as
    /// two objects; `Err` when the driver refuses (the caller then draws to the window).
    pub fn framebuffer(&self, width: i32, height: i32) -> Result<Framebuffer, String> {
        let texture = self.texture(width, height)?;
        // SAFETY: objects of the current context; the texture is complete (NEAREST, no mips).
        unsafe {
            let fbo = match self.gl.create_framebuffer() {
                Ok(f) => f,
                Err(e) => {
                    self.delete_texture(texture);
                    return Err(e);
                }
            };
            self.created();
            self.gl.bind_framebuffer(glow::FRAMEBUFFER, Some(fbo));
            self.gl.framebuffer_texture_2d(
                glow::FRAMEBUFFER,
                glow::COLOR_ATTACHMENT0,
                glow::TEXTURE_2D,
                Some(texture.raw),
                0,
            );
            let status = self.gl.check_framebuffer_status(glow::FRAMEBUFFER);
            self.gl.bind_framebuffer(glow::FRAMEBUFFER, None);
            let fb = Framebuffer { fbo, texture };
            if status != glow::FRAMEBUFFER_COMPLETE {
                self.delete_framebuffer(fb);
                return Err(format!("offscreen framebuffer incomplete (0x{status:x})"));
            }
            Ok(fb)
        }
    }

    pub fn delete_framebuffer(&self, fb: Framebuffer) {
        // SAFETY: objects of this context, not used afterwards.
        unsafe {
            self.gl.bind_framebuffer(glow::FRAMEBUFFER, None);
            self.gl.delete_framebuffer(fb.fbo);
        }
        self.deleted();
        self.delete_texture(fb.texture);
    }

    /// Draw into `fb` from now on (`None`: the window's back buffer).
    pub fn bind_framebuffer(&self, fb: Option<&Framebuffer>) {
        // SAFETY: a state change on the current context.
        unsafe { self.gl.bind_framebuffer(glow::FRAMEBUFFER, fb.map(|f| f.fbo)) };
    }

    /// Copy all of `fb` to the window's back buffer (same size; pixels, not scaled).
    pub fn blit_to_window(&self, fb: &Framebuffer) {
        let (w, h) = fb.size();
        // SAFETY: state changes and a copy on the current context; both targets are w × h.
        unsafe {
            self.gl.disable(glow::SCISSOR_TEST);
            self.gl.bind_framebuffer(glow::READ_FRAMEBUFFER, Some(fb.fbo));
            self.gl.bind_framebuffer(glow::DRAW_FRAMEBUFFER, None);
            self.gl.blit_framebuffer(0, 0, w, h, 0, 0, w, h, glow::COLOR_BUFFER_BIT, glow::NEAREST);
            self.gl.bind_framebuffer(glow::FRAMEBUFFER, None);
        }
    }

    /// Limit drawing (and clearing) to a rectangle in window pixels, top-left origin, of a
    /// target `height` pixels tall; `None`: no limit.
    pub fn scissor(&self, rect: Option<[i32; 4]>, height: i32) {
        // SAFETY: state changes on the current context.
        unsafe {
            match rect {
                Some([x, y, w, h]) => {
                    self.gl.enable(glow::SCISSOR_TEST);
                    self.gl.scissor(x, height - (y + h), w, h);
                }
                None => self.gl.disable(glow::SCISSOR_TEST),
            }
        }
    }

    /// Start drawing a `width × height` frame (pixels): the viewport, premultiplied
    /// blending, and a clear to `clear` (RGBA, 0-1) when given, within the scissor.
    pub fn begin_frame(&self, width: i32, height: i32, clear: Option<[f32; 4]>) {
        // SAFETY: state changes on the current context.
        unsafe {
            self.gl.viewport(0, 0, width, height);
            if let Some([r, g, b, a]) = clear {
                self.gl.clear_color(r, g, b, a);
                self.gl.clear(glow::COLOR_BUFFER_BIT);
            }
            // Premultiplied alpha wherever blending is on.
            self.gl.blend_func(glow::ONE, glow::ONE_MINUS_SRC_ALPHA);
        }
    }

    /// Blend what is drawn next over what is there (glyphs, overlays), or replace it
    /// (opaque backgrounds: no read of the framebuffer, which software renderers feel).
    pub fn set_blending(&self, on: bool) {
        // SAFETY: a state change on the current context.
        unsafe {
            if on {
                self.gl.enable(glow::BLEND);
            } else {
                self.gl.disable(glow::BLEND);
            }
        }
    }
}

impl Drop for Gl {
    fn drop(&mut self) {
        let left = self.live.replace(0);
        if left > 0 {
            // Freed by the driver with the context, which its owner destroys next.
            log::warn!("{left} GL objects released with their context, not deleted explicitly");
            LIVE_OBJECTS.fetch_sub(left, Ordering::Relaxed);
            ORPHANED_OBJECTS.fetch_add(left, Ordering::Relaxed);
        }
        // Whatever memory they held goes with the context too.
        GPU_BYTES.fetch_sub(self.gpu_bytes.replace(0), Ordering::Relaxed);
    }
}

/// Bytes of an RGBA8 texture of this size.
fn texture_bytes(width: i32, height: i32) -> usize {
    width.max(0) as usize * height.max(0) as usize * 4
}

/// Linked programs kept on disk between runs (`glGetProgramBinary` / `glProgramBinary`), so a
/// start does not compile GLSL: under Mesa the first compilation of a process costs 12–16 ms
/// (its GLSL compiler's one-time set-up), the second 0.5 ms — measured with
/// `UVTERM_TRACE_START=1`. Mesa's own shader cache does not spare that set-up.
///
/// One file per program and API under `$XDG_CACHE_HOME/uvterm/programs` (else
/// `~/.cache/…`), named by a hash of the program's sources, so the directory holds at most
/// as many files as there are programs. A file starts with a magic number, the driver's
/// identity (vendor, renderer, version strings), the binary's format, its length and a
/// checksum: anything that does not match — another driver, a truncated or corrupt file,
/// one larger than [`PROGRAM_CACHE_MAX`] — is ignored and rewritten after a normal build,
/// never trusted. `UVTERM_PROGRAM_CACHE=0` turns it off.
struct ProgramCache {
    dir: std::path::PathBuf,
    /// Vendor, renderer and version strings, and the API, joined.
    driver: String,
}

/// The largest program binary kept or read back, in bytes.
pub const PROGRAM_CACHE_MAX: usize = 4 << 20;
const PROGRAM_CACHE_MAGIC: &[u8; 8] = b"UVTPROG1";

impl ProgramCache {
    /// A cache for the current context's driver, if it hands out program binaries and a
    /// cache directory is known.
    fn new(gl: &glow::Context, api: Api) -> Option<ProgramCache> {
        if std::env::var_os("UVTERM_PROGRAM_CACHE").is_some_and(|v| v == "0") {
            return None;
        }
        let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
            Some(dir) => std::path::PathBuf::from(dir),
            None => std::path::PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
        };
        // SAFETY: plain queries on the current context.
        let (formats, driver) = unsafe {
            (
                gl.get_parameter_i32(glow::NUM_PROGRAM_BINARY_FORMATS),
                format!(
                    "{}\n{}\n{}\n{api:?}",
                    gl.get_parameter_string(glow::VENDOR),
                    gl.get_parameter_string(glow::RENDERER),
                    gl.get_parameter_string(glow::VERSION)
                ),
            )
        };
        (formats > 0).then(|| ProgramCache { dir: base.join("uvterm").join("programs"), driver })
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.join(format!("{:016x}.bin", crate::hash::fnv1a(name.as_bytes())))
    }

    /// The file's contents for this program and driver: header, then the binary.
    fn encode(&self, binary: &glow::ProgramBinary) -> Vec<u8> {
        let driver = self.driver.as_bytes();
        let mut out = Vec::with_capacity(40 + driver.len() + binary.buffer.len());
        out.extend_from_slice(PROGRAM_CACHE_MAGIC);
        out.extend_from_slice(&(driver.len() as u32).to_le_bytes());
        out.extend_from_slice(driver);
        out.extend_from_slice(&binary.format.to_le_bytes());
        out.extend_from_slice(&(binary.buffer.len() as u32).to_le_bytes());
        out.extend_from_slice(&crate::hash::fnv1a(&binary.buffer).to_le_bytes());
        out.extend_from_slice(&binary.buffer);
        out
    }

    /// The binary in `bytes` if they are a whole, intact file written for this driver.
    fn decode(&self, bytes: &[u8]) -> Option<glow::ProgramBinary> {
        let rest = bytes.strip_prefix(PROGRAM_CACHE_MAGIC)?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let (driver, rest) = rest.split_at_checked(u32::from_le_bytes(*len) as usize)?;
        if driver != self.driver.as_bytes() {
            return None;
        }
        let (format, rest) = rest.split_first_chunk::<4>()?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let (sum, rest) = rest.split_first_chunk::<8>()?;
        let len = u32::from_le_bytes(*len) as usize;
        if len != rest.len() || len == 0 || len > PROGRAM_CACHE_MAX {
            return None;
        }
        if crate::hash::fnv1a(rest) != u64::from_le_bytes(*sum) {
            return None;
        }
        Some(glow::ProgramBinary { buffer: rest.to_vec(), format: u32::from_le_bytes(*format) })
    }

    fn load(&self, name: &str) -> Option<glow::ProgramBinary> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, and only a regular file: a FIFO or a device put in the cache's place
        // must not hold the start up.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(self.path(name))
            .ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        // Read at most the cap (plus a header's worth): a huge file is not read in whole.
        let limit = (PROGRAM_CACHE_MAX + 64 + self.driver.len()) as u64;
        let mut bytes = Vec::new();
        file.take(limit + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 > limit {
            return None;
        }
        self.decode(&bytes)
    }

    /// Keep `binary` for the next start (written to a temporary file and renamed, so a
    /// reader never sees half a file). Failures only mean the next start compiles.
    fn store(&self, name: &str, binary: &glow::ProgramBinary) {
        if binary.buffer.is_empty() || binary.buffer.len() > PROGRAM_CACHE_MAX {
            return;
        }
        let path = self.path(name);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&tmp, self.encode(binary)))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            log::debug!("program cache: cannot write {}: {e}", path.display());
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod program_cache_tests {
    use super::*;

    fn cache(dir: &std::path::Path, driver: &str) -> ProgramCache {
        ProgramCache { dir: dir.to_owned(), driver: driver.into() }
    }

    #[test]
    fn a_kept_program_comes_back_only_whole_and_for_the_same_driver() {
        let dir = std::env::temp_dir().join(format!("uvterm-progcache-{}", std::process::id()));
        let c = cache(&dir, "Mesa\nllvmpipe\n4.5\nGl33");
        let binary =
            glow::ProgramBinary { buffer: (0..=255u8).cycle().take(5000).collect(), format: 7 };
        c.store("rect", &binary);
        let back = c.load("rect").expect("stored program");
        assert_eq!((back.buffer, back.format), (binary.buffer.clone(), 7));
        // Another program, another driver: nothing.
        assert!(c.load("glyph").is_none());
        assert!(cache(&dir, "Mesa\nllvmpipe\n4.6\nGl33").load("rect").is_none());
        // Every truncation and a flipped byte anywhere are refused.
        let bytes = c.encode(&binary);
        for cut in [0, 7, 8, 12, 30, bytes.len() - 1] {
            assert!(c.decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        for at in [0, 9, 20, bytes.len() - 4000, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x40;
            assert!(c.decode(&bad).is_none(), "flipped byte {at}");
        }
        // Garbage in the file is ignored, and the next store replaces it.
        std::fs::write(c.path("rect"), b"UVTPROG1\xff\xff\xff\xff").unwrap_or_default();
        assert!(c.load("rect").is_none());
        c.store("rect", &binary);
        assert!(c.load("rect").is_some());
        // A FIFO in a program's place is refused at once (a blocking open would wait for a
        // writer for ever), and the next store replaces it.
        let fifo = std::ffi::CString::new(c.path("glyph").into_os_string().into_encoded_bytes());
        // SAFETY: mkfifo reads a NUL-terminated path that lives across the call.
        let made = fifo.map(|p| unsafe { libc::mkfifo(p.as_ptr(), 0o600) } == 0);
        assert_eq!(made, Ok(true), "mkfifo");
        assert!(c.load("glyph").is_none());
        c.store("glyph", &binary);
        assert!(c.load("glyph").is_some());
        std::fs::remove_file(c.path("glyph")).unwrap_or_default();
        // Too large to keep: not written.
        let huge = glow::ProgramBinary { buffer: vec![1; PROGRAM_CACHE_MAX + 1], format: 7 };
        c.store("huge", &huge);
        assert!(!c.path("huge").exists());
        // One file per program: storing again leaves no temporary files behind.
        let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(files, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
