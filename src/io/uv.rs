//! The FFI edge to libuv: the handle registry and thin wrappers over the handles the I/O core
//! uses (loop, async, poll, signal, timer, pipe). All `unsafe` of the I/O core is here.
//!
//! Ownership rule (ARCHITECTURE.md, "The ownership rule"): a handle is a heap block owned by the registry from the
//! moment it is initialised until its close callback runs. Its `data` pointer holds its
//! slotmap key (`KeyData::as_ffi`) — never an `Rc`, `Arc` or pointer to shared state. Every
//! callback looks the key up and does nothing if it is gone. The close callback is the only
//! place where the entry leaves the registry and the block is freed.
//!
//! Callbacks reach the I/O state through the *loop's* `data` pointer, which points at the
//! [`super::state::IoState`] owned by the I/O thread for the whole life of the loop (it is not
//! shared with any other thread, and no Rust reference to it is alive while `uv_run` runs).

use std::ffi::c_void;
use std::os::raw::c_int;

use libuv_sys2 as uv;
use slotmap::{Key, KeyData, SlotMap, new_key_type};

use super::state::IoState;

const _: () = assert!(std::mem::size_of::<usize>() == 8, "slotmap keys travel in pointers");

new_key_type! {
    /// A libuv handle in the registry.
    pub struct HandleKey;
}

/// What a handle is for: tells the callbacks and the close callback whom to notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The cross-thread wakeup (`uv_async_t`).
    Wakeup,
    /// The process's one SIGCHLD watcher.
    ChildSignal,
    /// SIGTERM / SIGINT / SIGHUP for a graceful shutdown (headless).
    Termination,
    /// A tab's PTY master (`uv_poll_t`).
    TabPoll(super::state::TabKey),
    /// Escalation to SIGKILL for a child that ignores SIGHUP.
    KillTimer(i32),
    /// A tab whose output ended waits this long for its child's exit status.
    EofGrace(super::state::TabKey),
    /// The IPC listening socket.
    IpcServer,
    /// An accepted IPC connection and its idle timer.
    IpcConn(super::control::ConnKey),
    IpcIdleTimer(super::control::ConnKey),
    /// The event stream's clock (silence and resource thresholds), open only while somebody
    /// subscribes.
    EventTick,
    /// A tab's one-shot look at its foreground process (the automatic title), armed by
    /// output or input, so an idle tab has no timer.
    TitleCheck(super::state::TabKey),
    /// A tab's deferred history compression: armed by output that left history plain, it
    /// compresses that history a few blocks at a time once the output has paused, then
    /// closes (see `IoState::arm_history_compression`).
    HistoryCompress(super::state::TabKey),
    /// A directory holding a configuration file the UI reads (`uv_fs_event_t`; see
    /// `io::watch`).
    ConfigWatch,
    /// The quiet period after a configuration file changed, before the UI is told (one-shot,
    /// open only after a change).
    ConfigSettle,
}

/// One registered handle.
pub struct Entry {
    raw: *mut uv::uv_handle_t,
    owner: Owner,
    closing: bool,
    /// Frees the block with the right type (set at allocation).
    free: unsafe fn(*mut uv::uv_handle_t),
}

/// The registry: every live libuv handle of the loop.
#[derive(Default)]
pub struct Handles {
    map: SlotMap<HandleKey, Entry>,
}

/// libuv handle types we allocate.
pub trait HandleType {}
impl HandleType for uv::uv_async_t {}
impl HandleType for uv::uv_poll_t {}
impl HandleType for uv::uv_signal_t {}
impl HandleType for uv::uv_timer_t {}
impl HandleType for uv::uv_pipe_t {}
impl HandleType for uv::uv_fs_event_t {}

unsafe fn free_block<T: HandleType>(raw: *mut uv::uv_handle_t) {
    // SAFETY: `raw` came from `Box::into_raw(Box<MaybeUninit<T>>)` in `Handles::alloc` and
    // is freed exactly once, from the close callback (or after a failed init).
    drop(unsafe { Box::from_raw(raw.cast::<std::mem::MaybeUninit<T>>()) });
}

/// A libuv error code as text.
pub fn error_text(code: c_int) -> String {
    // SAFETY: uv_strerror returns a pointer to a static string for any code.
    let s = unsafe { std::ffi::CStr::from_ptr(uv::uv_strerror(code)) };
    s.to_string_lossy().into_owned()
}

fn check(code: c_int, what: &str) -> std::io::Result<()> {
    if code < 0 {
        Err(std::io::Error::other(format!("{what}: {}", error_text(code))))
    } else {
        Ok(())
    }
}

impl Handles {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn owner(&self, key: HandleKey) -> Option<Owner> {
        self.map.get(key).map(|e| e.owner)
    }

    /// Allocate a zeroed handle block, register it, and put its key in `data`. The caller must
    /// initialise it with the matching `uv_*_init`, or call [`Handles::discard`] on failure.
    fn alloc<T: HandleType>(&mut self, owner: Owner) -> (HandleKey, *mut T) {
        let raw = Box::into_raw(Box::new(std::mem::MaybeUninit::<T>::zeroed())).cast::<T>();
        let key = self.map.insert(Entry {
            raw: raw.cast(),
            owner,
            closing: false,
            free: free_block::<T>,
        });
        // SAFETY: `raw` is a valid, zeroed block the size of T, which starts with the
        // uv_handle_t fields; setting `data` before init is allowed (init keeps it).
        unsafe { (*raw.cast::<uv::uv_handle_t>()).data = key_to_data(key) };
        (key, raw)
    }

    /// Forget a handle whose init failed (libuv never saw it: no close callback will come).
    fn discard(&mut self, key: HandleKey) {
        if let Some(e) = self.map.remove(key) {
            // SAFETY: the block was allocated by `alloc` and never initialised or closed.
            unsafe { (e.free)(e.raw) };
        }
    }

    /// Start closing a handle; its entry and memory go in the close callback.
    pub fn close(&mut self, key: HandleKey) {
        if let Some(e) = self.map.get_mut(key)
            && !e.closing
        {
            e.closing = true;
            // SAFETY: the handle is initialised and not yet closing; libuv will call
            // `on_close` once, later, from the loop.
            unsafe { uv::uv_close(e.raw, Some(on_close)) };
        }
    }

    /// Keys of every handle not yet closing (for shutdown).
    pub fn open_keys(&self) -> Vec<HandleKey> {
        self.map.iter().filter(|(_, e)| !e.closing).map(|(k, _)| k).collect()
    }

    fn raw<T>(&self, key: HandleKey) -> Option<*mut T> {
        self.map.get(key).filter(|e| !e.closing).map(|e| e.raw.cast::<T>())
    }
}

fn key_to_data(key: HandleKey) -> *mut c_void {
    key.data().as_ffi() as usize as *mut c_void
}

/// The registry key stored in a handle's `data`.
///
/// # Safety
/// `handle` must be a live handle allocated by [`Handles::alloc`].
unsafe fn handle_key(handle: *const uv::uv_handle_t) -> HandleKey {
    // SAFETY: the caller guarantees `handle` is live; `data` holds the key as an integer.
    let data = unsafe { (*handle).data } as usize as u64;
    HandleKey::from(KeyData::from_ffi(data))
}

/// The I/O state behind a handle's loop.
///
/// # Safety
/// `handle` must be live and belong to a loop whose `data` points at the running `IoState`,
/// and no other reference to that state may be alive (true inside libuv callbacks, which the
/// single-threaded loop runs one at a time).
unsafe fn state_of<'a>(handle: *const uv::uv_handle_t) -> &'a mut IoState {
    // SAFETY: see the function's contract.
    unsafe { &mut *((*(*handle).loop_).data.cast::<IoState>()) }
}

extern "C" fn on_close(handle: *mut uv::uv_handle_t) {
    // SAFETY: libuv passes the handle being closed; it is still our block until we free it.
    let (state, key) = unsafe { (state_of(handle), handle_key(handle)) };
    let Some(entry) = state.handles.map.remove(key) else { return };
    // SAFETY: the close callback is the one place a handle's memory is freed; libuv is done
    // with it now.
    unsafe { (entry.free)(entry.raw) };
    state.handle_closed(entry.owner);
}

// ------------------------------------------------------------------------------------ loop

/// An initialised libuv loop, heap-allocated so its address never moves.
pub struct Loop {
    raw: *mut uv::uv_loop_t,
}

/// A reference to the running loop, kept in the I/O state to open handles with.
#[derive(Clone, Copy)]
pub struct LoopRef(*mut uv::uv_loop_t);

impl LoopRef {
    /// Number of handles libuv knows of (counted with `uv_walk`), closing ones included.
    pub fn count_handles(self) -> usize {
        extern "C" fn count(_: *mut uv::uv_handle_t, arg: *mut c_void) {
            // SAFETY: `arg` is the `usize` counter passed below, alive for the walk.
            unsafe { *arg.cast::<usize>() += 1 };
        }
        let mut n: usize = 0;
        // SAFETY: uv_walk calls `count` synchronously for each handle with our counter.
        unsafe { uv::uv_walk(self.0, Some(count), (&mut n as *mut usize).cast()) };
        n
    }
}

impl Loop {
    pub fn new() -> std::io::Result<Self> {
        let raw = Box::into_raw(Box::new(std::mem::MaybeUninit::<uv::uv_loop_t>::zeroed()))
            .cast::<uv::uv_loop_t>();
        // SAFETY: `raw` is a valid block for a uv_loop_t.
        let rc = unsafe { uv::uv_loop_init(raw) };
        if rc < 0 {
            // SAFETY: init failed, libuv holds nothing; free our block.
            drop(unsafe { Box::from_raw(raw.cast::<std::mem::MaybeUninit<uv::uv_loop_t>>()) });
            check(rc, "uv_loop_init")?;
        }
        Ok(Self { raw })
    }

    pub fn as_ref(&self) -> LoopRef {
        LoopRef(self.raw)
    }

    /// Run until no handle is left, with `state` reachable from callbacks; hands it back.
    pub fn run(&self, state: Box<IoState>) -> Box<IoState> {
        let raw = Box::into_raw(state);
        // SAFETY: `raw` stays valid for the whole run (we reclaim it right after); no Rust
        // reference to the state is alive across `uv_run`, so the callbacks' exclusive
        // references never alias.
        unsafe {
            (*self.raw).data = raw.cast();
            uv::uv_run(self.raw, uv::uv_run_mode_UV_RUN_DEFAULT);
            (*self.raw).data = std::ptr::null_mut();
            Box::from_raw(raw)
        }
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        // SAFETY: by now every handle is closed (the loop ran until none was left); closing
        // frees libuv's internal resources, then our block is freed.
        unsafe {
            let rc = uv::uv_loop_close(self.raw);
            debug_assert_eq!(rc, 0, "loop closed with handles open: {}", error_text(rc));
            if rc == 0 {
                drop(Box::from_raw(self.raw.cast::<std::mem::MaybeUninit<uv::uv_loop_t>>()));
            }
        }
    }
}

// ------------------------------------------------------------------------------------ async

/// A `uv_async_t` pointer another thread may call `uv_async_send` on.
#[derive(Clone, Copy)]
pub struct AsyncPtr(*mut uv::uv_async_t);

// SAFETY: uv_async_send is the one libuv function documented as thread-safe; the pointer is
// only used for it, and only while the handle is open (guarded by the queue's mutex).
unsafe impl Send for AsyncPtr {}

impl AsyncPtr {
    pub fn send(self) {
        // SAFETY: see `unsafe impl Send`: the caller holds the queue lock, under which the
        // I/O thread clears the pointer before closing the handle.
        unsafe { uv::uv_async_send(self.0) };
    }
}

extern "C" fn on_async(handle: *mut uv::uv_async_t) {
    // SAFETY: a live async handle of our loop.
    let state = unsafe { state_of(handle.cast()) };
    state.on_wakeup();
}

impl Handles {
    pub fn open_async(
        &mut self,
        lp: LoopRef,
        owner: Owner,
    ) -> std::io::Result<(HandleKey, AsyncPtr)> {
        let (key, raw) = self.alloc::<uv::uv_async_t>(owner);
        // SAFETY: `raw` is a fresh block; the callback is ours.
        let rc = unsafe { uv::uv_async_init(lp.0, raw, Some(on_async)) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_async_init")?;
        }
        Ok((key, AsyncPtr(raw)))
    }
}

// ------------------------------------------------------------------------------------ signal

extern "C" fn on_signal(handle: *mut uv::uv_signal_t, signum: c_int) {
    // SAFETY: a live signal handle of our loop.
    let (state, key) = unsafe { (state_of(handle.cast()), handle_key(handle.cast())) };
    if let Some(owner) = state.handles.owner(key) {
        state.on_signal(owner, signum);
    }
}

impl Handles {
    pub fn open_signal(
        &mut self,
        lp: LoopRef,
        owner: Owner,
        signum: c_int,
    ) -> std::io::Result<HandleKey> {
        let (key, raw) = self.alloc::<uv::uv_signal_t>(owner);
        // SAFETY: `raw` is a fresh block.
        let rc = unsafe { uv::uv_signal_init(lp.0, raw) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_signal_init")?;
        }
        // SAFETY: the handle was just initialised.
        let rc = unsafe { uv::uv_signal_start(raw, Some(on_signal), signum) };
        if rc < 0 {
            self.close(key);
            check(rc, "uv_signal_start")?;
        }
        Ok(key)
    }

    /// Let the loop exit even while this handle is open (the termination signals).
    pub fn unref(&self, key: HandleKey) {
        if let Some(raw) = self.raw::<uv::uv_handle_t>(key) {
            // SAFETY: a live handle of ours.
            unsafe { uv::uv_unref(raw) };
        }
    }
}

// ------------------------------------------------------------------------------------ timer

extern "C" fn on_timer(handle: *mut uv::uv_timer_t) {
    // SAFETY: a live timer handle of our loop.
    let (state, key) = unsafe { (state_of(handle.cast()), handle_key(handle.cast())) };
    if let Some(owner) = state.handles.owner(key) {
        state.on_timer(key, owner);
    }
}

impl Handles {
    /// A timer that fires once after `ms` (and every `repeat_ms` after, if non-zero).
    pub fn open_timer(
        &mut self,
        lp: LoopRef,
        owner: Owner,
        ms: u64,
        repeat_ms: u64,
    ) -> std::io::Result<HandleKey> {
        let (key, raw) = self.alloc::<uv::uv_timer_t>(owner);
        // SAFETY: `raw` is a fresh block.
        let rc = unsafe { uv::uv_timer_init(lp.0, raw) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_timer_init")?;
        }
        // SAFETY: the handle was just initialised.
        let rc = unsafe { uv::uv_timer_start(raw, Some(on_timer), ms, repeat_ms) };
        if rc < 0 {
            self.close(key);
            check(rc, "uv_timer_start")?;
        }
        Ok(key)
    }

    /// Restart a timer to fire `ms` from now.
    pub fn timer_again(&self, key: HandleKey, ms: u64) {
        if let Some(raw) = self.raw::<uv::uv_timer_t>(key) {
            // SAFETY: a live timer of ours.
            unsafe { uv::uv_timer_start(raw, Some(on_timer), ms, 0) };
        }
    }
}

// ------------------------------------------------------------------------------------ fs event

extern "C" fn on_fs_event(
    handle: *mut uv::uv_fs_event_t,
    filename: *const std::os::raw::c_char,
    _events: c_int,
    status: c_int,
) {
    // SAFETY: a live fs-event handle of our loop.
    let (state, key) = unsafe { (state_of(handle.cast()), handle_key(handle.cast())) };
    // SAFETY: libuv passes a NUL-terminated name valid for the call, or null.
    let name = (!filename.is_null())
        .then(|| unsafe { std::ffi::CStr::from_ptr(filename) }.to_bytes().to_vec());
    if let Some(Owner::ConfigWatch) = state.handles.owner(key) {
        state.on_config_event(key, name.as_deref(), status);
    }
}

impl Handles {
    /// Watch `path` (a directory: events name the entry that changed) with inotify. libuv
    /// opens one inotify descriptor per loop, on the first watch, kept until the loop closes.
    pub fn open_fs_event(
        &mut self,
        lp: LoopRef,
        owner: Owner,
        path: &std::ffi::CStr,
    ) -> std::io::Result<HandleKey> {
        let (key, raw) = self.alloc::<uv::uv_fs_event_t>(owner);
        // SAFETY: `raw` is a fresh block.
        let rc = unsafe { uv::uv_fs_event_init(lp.0, raw) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_fs_event_init")?;
        }
        // SAFETY: an initialised handle; `path` is a valid C string for the call (libuv copies
        // it); the callback is ours.
        let rc = unsafe { uv::uv_fs_event_start(raw, Some(on_fs_event), path.as_ptr(), 0) };
        if rc < 0 {
            self.close(key);
            check(rc, "watching a directory")?;
        }
        Ok(key)
    }
}

// ------------------------------------------------------------------------------------ poll

/// Readable / writable interest for a poll handle.
pub const READABLE: c_int = uv::uv_poll_event_UV_READABLE as c_int;
pub const WRITABLE: c_int = uv::uv_poll_event_UV_WRITABLE as c_int;

extern "C" fn on_poll(handle: *mut uv::uv_poll_t, status: c_int, events: c_int) {
    // SAFETY: a live poll handle of our loop.
    let (state, key) = unsafe { (state_of(handle.cast()), handle_key(handle.cast())) };
    if let Some(owner) = state.handles.owner(key) {
        state.on_poll(owner, status, events);
    }
}

impl Handles {
    /// Watch `fd` (which the poll handle does not own: the owner closes it after the handle's
    /// close callback).
    pub fn open_poll(
        &mut self,
        lp: LoopRef,
        owner: Owner,
        fd: c_int,
        events: c_int,
    ) -> std::io::Result<HandleKey> {
        let (key, raw) = self.alloc::<uv::uv_poll_t>(owner);
        // SAFETY: `raw` is a fresh block; `fd` is an open descriptor of the caller's.
        let rc = unsafe { uv::uv_poll_init(lp.0, raw, fd) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_poll_init")?;
        }
        if let Err(e) = self.poll_events(key, events) {
            self.close(key);
            return Err(e);
        }
        Ok(key)
    }

    /// Stop watching (the handle stays open until closed).
    pub fn poll_stop(&self, key: HandleKey) {
        if let Some(raw) = self.raw::<uv::uv_poll_t>(key) {
            // SAFETY: a live poll handle of ours.
            unsafe { uv::uv_poll_stop(raw) };
        }
    }

    /// Change the events a poll handle waits for.
    pub fn poll_events(&self, key: HandleKey, events: c_int) -> std::io::Result<()> {
        let Some(raw) = self.raw::<uv::uv_poll_t>(key) else { return Ok(()) };
        // SAFETY: a live poll handle of ours.
        let rc = unsafe { uv::uv_poll_start(raw, events, Some(on_poll)) };
        check(rc, "uv_poll_start")
    }
}

// ------------------------------------------------------------------------------------ pipe

/// The `nread` a read callback gets when the peer closed its write side (libuv's `UV_EOF`).
pub(crate) const EOF: isize = uv::uv_errno_t_UV_EOF as isize;

extern "C" fn on_connection(server: *mut uv::uv_stream_t, status: c_int) {
    // SAFETY: a live pipe server of our loop.
    let state = unsafe { state_of(server.cast()) };
    state.on_ipc_connection(status);
}

extern "C" fn on_alloc(handle: *mut uv::uv_handle_t, suggested: usize, buf: *mut uv::uv_buf_t) {
    // SAFETY: a live pipe of ours; `buf` is libuv's out-parameter.
    let (state, key) = unsafe { (state_of(handle), handle_key(handle)) };
    let (base, len) = state.ipc_read_buffer(key, suggested);
    // SAFETY: `buf` is valid for writing; the buffer we hand out stays alive and untouched
    // until the matching read callback.
    unsafe {
        (*buf).base = base.cast();
        (*buf).len = len;
    }
}

extern "C" fn on_read(stream: *mut uv::uv_stream_t, nread: isize, _buf: *const uv::uv_buf_t) {
    // SAFETY: a live pipe of ours.
    let (state, key) = unsafe { (state_of(stream.cast()), handle_key(stream.cast())) };
    if let Some(Owner::IpcConn(conn)) = state.handles.owner(key) {
        state.on_ipc_read(conn, nread);
    }
}

/// A write in flight: libuv needs the bytes alive until the write callback; the request holds
/// the handle's key (not a pointer) so a closed connection is simply skipped. `repr(C)`: the
/// callback gets a pointer to `req` and turns it back into the whole request.
#[repr(C)]
struct WriteRequest {
    req: uv::uv_write_t,
    bytes: Vec<u8>,
    key: HandleKey,
}

extern "C" fn on_write(req: *mut uv::uv_write_t, status: c_int) {
    // SAFETY: `req` is the first field of a `WriteRequest` we boxed in `pipe_write`; libuv is
    // done with it now, so it is reclaimed exactly once here.
    let request = unsafe { Box::from_raw(req.cast::<WriteRequest>()) };
    // SAFETY: the handle is alive until its close callback, which libuv runs only after
    // pending write callbacks (with UV_ECANCELED).
    let state = unsafe { state_of(request.req.handle.cast()) };
    if let Some(Owner::IpcConn(conn)) = state.handles.owner(request.key) {
        state.on_ipc_written(conn, status);
    }
    drop(request.bytes);
}

extern "C" fn on_shutdown(req: *mut uv::uv_shutdown_t, _status: c_int) {
    // SAFETY: `req` was boxed in `pipe_shutdown`; libuv is done with it. Nothing else to do:
    // the connection closes on the peer's EOF or its drain timer.
    drop(unsafe { Box::from_raw(req) });
}

impl Handles {
    /// A pipe server listening on `path` (created with mode 0600 by the caller's umask).
    pub fn open_pipe_server(
        &mut self,
        lp: LoopRef,
        path: &std::ffi::CStr,
        backlog: c_int,
    ) -> std::io::Result<HandleKey> {
        let (key, raw) = self.alloc::<uv::uv_pipe_t>(Owner::IpcServer);
        // SAFETY: `raw` is a fresh block.
        let rc = unsafe { uv::uv_pipe_init(lp.0, raw, 0) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_pipe_init")?;
        }
        // SAFETY: an initialised pipe; `path` is a valid C string for the call.
        let rc = unsafe { uv::uv_pipe_bind(raw, path.as_ptr()) };
        if rc < 0 {
            self.close(key);
            check(rc, "binding the IPC socket")?;
        }
        // SAFETY: a bound pipe; the callback is ours.
        let rc = unsafe { uv::uv_listen(raw.cast(), backlog, Some(on_connection)) };
        if rc < 0 {
            self.close(key);
            check(rc, "listening on the IPC socket")?;
        }
        Ok(key)
    }

    /// Accept one pending connection into a new pipe handle and start reading.
    pub fn accept_pipe(
        &mut self,
        lp: LoopRef,
        server: HandleKey,
        owner: Owner,
    ) -> std::io::Result<(HandleKey, c_int)> {
        let Some(server_raw) = self.raw::<uv::uv_stream_t>(server) else {
            return Err(std::io::Error::other("server closed"));
        };
        let (key, raw) = self.alloc::<uv::uv_pipe_t>(owner);
        // SAFETY: `raw` is a fresh block.
        let rc = unsafe { uv::uv_pipe_init(lp.0, raw, 0) };
        if rc < 0 {
            self.discard(key);
            check(rc, "uv_pipe_init")?;
        }
        // SAFETY: both are initialised pipes of our loop.
        let rc = unsafe { uv::uv_accept(server_raw, raw.cast()) };
        if rc < 0 {
            self.close(key);
            check(rc, "accept")?;
        }
        let mut fd: uv::uv_os_fd_t = -1;
        // SAFETY: an initialised, connected pipe; `fd` is an out-parameter.
        unsafe { uv::uv_fileno(raw.cast(), &mut fd) };
        // SAFETY: connected pipe; callbacks are ours.
        let rc = unsafe { uv::uv_read_start(raw.cast(), Some(on_alloc), Some(on_read)) };
        if rc < 0 {
            self.close(key);
            check(rc, "uv_read_start")?;
        }
        Ok((key, fd))
    }

    /// Queue `bytes` for writing on a pipe; the write callback reports back.
    pub fn pipe_write(&mut self, key: HandleKey, bytes: Vec<u8>) -> std::io::Result<()> {
        let Some(raw) = self.raw::<uv::uv_stream_t>(key) else {
            return Err(std::io::Error::other("connection closed"));
        };
        // SAFETY: uv_write_t is plain data; zeroed is a valid starting state.
        let req: uv::uv_write_t = unsafe { std::mem::zeroed() };
        let mut request = Box::new(WriteRequest { req, bytes, key });
        // SAFETY: uv_buf_init only packs the pointer and length.
        let buf = unsafe {
            uv::uv_buf_init(request.bytes.as_mut_ptr().cast(), request.bytes.len() as u32)
        };
        let req_ptr = &mut request.req as *mut uv::uv_write_t;
        let request = Box::into_raw(request);
        // SAFETY: `req_ptr` points into the boxed request, which stays alive (leaked until
        // `on_write` reclaims it); the bytes it owns do not move.
        let rc = unsafe { uv::uv_write(req_ptr, raw, &buf, 1, Some(on_write)) };
        if rc < 0 {
            // SAFETY: libuv did not take the request; reclaim it.
            drop(unsafe { Box::from_raw(request) });
            check(rc, "uv_write")?;
        }
        Ok(())
    }

    /// Half-close a pipe: everything written so far is delivered, then the peer reads EOF.
    pub fn pipe_shutdown(&mut self, key: HandleKey) -> std::io::Result<()> {
        let Some(raw) = self.raw::<uv::uv_stream_t>(key) else {
            return Err(std::io::Error::other("connection closed"));
        };
        // SAFETY: uv_shutdown_t is plain data; zeroed is a valid starting state.
        let req: Box<uv::uv_shutdown_t> = Box::new(unsafe { std::mem::zeroed() });
        let req = Box::into_raw(req);
        // SAFETY: `req` stays alive until `on_shutdown` reclaims it; the stream is live.
        let rc = unsafe { uv::uv_shutdown(req, raw, Some(on_shutdown)) };
        if rc < 0 {
            // SAFETY: libuv did not take the request.
            drop(unsafe { Box::from_raw(req) });
            check(rc, "uv_shutdown")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What every callback relies on: the key in `data` finds the entry while the handle is
    /// registered, and never again once it is gone — not even after its slot is reused — so
    /// a callback that arrives after its handle was closed does nothing.
    #[test]
    fn a_key_outlives_its_entry_harmlessly() {
        let mut handles = Handles::default();
        let (key, raw) = handles.alloc::<uv::uv_timer_t>(Owner::Wakeup);
        // SAFETY: `raw` is the block just allocated, its `data` set by `alloc`.
        assert_eq!(unsafe { handle_key(raw.cast()) }, key, "the handle carries its key");
        assert_eq!(handles.owner(key), Some(Owner::Wakeup));
        handles.discard(key);
        assert_eq!(handles.owner(key), None, "a callback for a gone handle finds nothing");
        let (reused, _) = handles.alloc::<uv::uv_timer_t>(Owner::ChildSignal);
        assert_ne!(reused, key, "a reused slot gets a new version");
        assert_eq!(handles.owner(key), None, "an old key never reaches the slot's new handle");
        assert_eq!(handles.owner(reused), Some(Owner::ChildSignal));
        handles.discard(reused);
        assert!(handles.is_empty());
    }
}
