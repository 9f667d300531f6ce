//! The control socket on the I/O loop: the server side of IPC, protocol-neutral.
//!
//! It owns the listening socket and the connections, and turns bytes into request lines and
//! reply lines into bytes; the embedder's [`ControlCodec`] turns lines into [`Request`]s and
//! results into lines, and every request goes through `IoState::execute` like the window's.
//! Must not touch: the wire format (the embedder's codec owns it).
//!
//! The listening socket and each accepted connection are libuv pipe handles in the I/O
//! core's registry; a connection's slotmap key is all its handles carry. A connection is
//! closed by the server — never left to the client — after EOF, on any protocol error
//! (overlong line, invalid UTF-8 or JSON, unknown command, wrong argument types), when the
//! client goes away, and after an idle timeout; replies are written before the close. Peers
//! of another uid are refused, and so is anything past the connection limit.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use slotmap::{SlotMap, new_key_type};

use super::uv::{HandleKey, Owner};
use super::{ControlCodec, Event, EventMask, IoState, Request, Response};

new_key_type! {
    /// An accepted connection.
    pub struct ConnKey;
}

/// Longest request line accepted (the connection is closed past it).
pub const MAX_LINE: usize = 1 << 20;
/// Connections served at once; more are answered with an error and closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// Reply bytes written to clients and not yet taken by them, over all connections. A client
/// that sends requests without reading the replies (pipelined `get-text --scrollback` of a
/// large history: megabytes each) would otherwise make the process hold unbounded memory;
/// past this budget a request is answered with a short error and its connection closed.
pub const MAX_QUEUED_REPLY_BYTES: usize = 64 << 20;
/// The same for one connection: past it, its next request is refused before it runs.
pub const MAX_CONN_QUEUED_REPLY_BYTES: usize = 4 << 20;
/// Event bytes a subscriber may leave unread: past this its queue is full, it gets a final
/// error line and is dropped (its memory never grows past the bound).
pub const SUBSCRIBER_QUEUE_BYTES: usize = 256 * 1024;
/// A subscriber dropped for a full queue has this long to read what was queued and the final
/// error line before its connection is closed anyway (its queue is bounded meanwhile: no
/// more events are queued for it).
pub const SLOW_SUBSCRIBER_DRAIN_MS: u64 = 10_000;
/// A connection with no complete request for this long is closed.
pub const IDLE_TIMEOUT_MS: u64 = 10_000;
/// After an error reply, how long the client may go on sending (discarded) before the
/// connection is closed anyway.
const DRAIN_MS: u64 = 1_000;

struct Conn {
    pipe: HandleKey,
    /// The accepted socket's descriptor (owned by `pipe`; only peeked at here).
    fd: i32,
    timer: Option<HandleKey>,
    /// Bytes of the request line being received.
    line: Vec<u8>,
    writes_in_flight: usize,
    /// Bytes of this connection's replies not yet written ([`MAX_QUEUED_REPLY_BYTES`]), one
    /// entry per write in flight, oldest first (libuv completes a stream's writes in order).
    queued: std::collections::VecDeque<usize>,
    /// Close once the replies in flight are written.
    close_after_write: bool,
    /// Shut the instance down once the reply is written.
    shutdown_after_write: bool,
    /// Error reply sent and write side shut: input is discarded until the peer hangs up
    /// (closing with unread input would reset the connection and could lose the reply).
    draining: bool,
    closing: bool,
    /// Subscribed to these events (`msg subscribe`): the connection stays open, with no
    /// idle timeout, until EOF, an error, a full queue or shutdown.
    subscriber: Option<EventMask>,
}

impl Conn {
    /// It takes no more requests: it is closing, or subscribed (its further input is
    /// ignored; its EOF ends the subscription).
    fn ignores_input(&self) -> bool {
        self.closing || self.close_after_write || self.draining || self.subscriber.is_some()
    }
}

pub struct Server {
    path: PathBuf,
    listener: Option<HandleKey>,
    conns: SlotMap<ConnKey, Conn>,
    /// Sum of every connection's `queued` bytes.
    queued_bytes: usize,
    /// The connection whose read buffer libuv is filling (reads are serial on the loop).
    idle_ms: u64,
    codec: Arc<dyn ControlCodec>,
    /// Connections with `subscriber` set.
    subscribers: usize,
}

impl Server {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Slotmap entries held (connections).
    pub fn slots(&self) -> usize {
        self.conns.len()
    }
}

impl IoState {
    pub(crate) fn start_ipc(
        &mut self,
        path: &Path,
        codec: Arc<dyn ControlCodec>,
    ) -> std::io::Result<()> {
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| std::io::Error::other("socket path contains NUL"))?;
        let listener = self.handles.open_pipe_server(self.lp, &c_path, 128)?;
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            self.handles.close(listener);
            return Err(e);
        }
        let idle_ms = std::env::var("UVTERM_IPC_IDLE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&v| v > 0)
            .unwrap_or(IDLE_TIMEOUT_MS);
        self.ipc = Some(Server {
            path: path.to_path_buf(),
            listener: Some(listener),
            conns: SlotMap::with_key(),
            queued_bytes: 0,
            idle_ms,
            codec,
            subscribers: 0,
        });
        log::info!("serving IPC on {}", path.display());
        Ok(())
    }

    /// Stop serving: close the listener and every connection, remove the socket file.
    pub(crate) fn stop_ipc(&mut self) {
        let Some(server) = self.ipc.as_mut() else { return };
        if let Some(listener) = server.listener.take() {
            self.handles.close(listener);
            let _ = std::fs::remove_file(&server.path);
        }
        let keys: Vec<ConnKey> = server.conns.keys().collect();
        for key in keys {
            self.close_conn(key);
        }
    }

    pub(crate) fn on_ipc_connection(&mut self, status: i32) {
        if status < 0 {
            log::warn!("IPC accept error: {}", crate::io::uv::error_text(status));
            return;
        }
        let Some(server) = self.ipc.as_mut() else { return };
        let Some(listener) = server.listener else { return };
        let key = server.conns.insert(Conn {
            pipe: HandleKey::default(),
            fd: -1,
            timer: None,
            line: Vec::new(),
            writes_in_flight: 0,
            queued: Default::default(),
            close_after_write: false,
            shutdown_after_write: false,
            draining: false,
            closing: false,
            subscriber: None,
        });
        let over_limit = server.conns.len() > MAX_CONNECTIONS;
        let idle_ms = server.idle_ms;
        let (pipe, fd) = match self.handles.accept_pipe(self.lp, listener, Owner::IpcConn(key)) {
            Ok(p) => p,
            Err(e) => {
                log::warn!("IPC accept failed: {e}");
                if let Some(s) = self.ipc.as_mut() {
                    s.conns.remove(key);
                }
                return;
            }
        };
        if let Some(conn) = self.conn_mut(key) {
            conn.pipe = pipe;
            conn.fd = fd;
        }
        if over_limit {
            self.reply_and_close(key, self.control_error("too many connections; try again"));
            return;
        }
        match crate::io::peer_uid(fd) {
            Ok(uid) if uid == crate::io::current_uid() => (),
            Ok(uid) => {
                log::warn!("refused an IPC connection from uid {uid}");
                self.reply_and_close(key, self.control_error("permission denied"));
                return;
            }
            Err(e) => {
                log::warn!("cannot check the IPC peer: {e}");
                self.close_conn(key);
                return;
            }
        }
        match self.handles.open_timer(self.lp, Owner::IpcIdleTimer(key), idle_ms, 0) {
            Ok(timer) => {
                if let Some(conn) = self.conn_mut(key) {
                    conn.timer = Some(timer);
                }
            }
            Err(e) => {
                log::warn!("no idle timer for an IPC connection ({e}); closing it");
                self.close_conn(key);
            }
        }
    }

    /// An error reply line in the codec's format.
    fn control_error(&self, message: &str) -> Vec<u8> {
        match self.ipc.as_ref() {
            Some(s) => s.codec.encode(Err(message.to_owned())),
            None => Vec::new(),
        }
    }

    fn conn_mut(&mut self, key: ConnKey) -> Option<&mut Conn> {
        self.ipc.as_mut().and_then(|s| s.conns.get_mut(key))
    }

    /// libuv asks where to put the next read: the loop's shared buffer (a read callback
    /// always follows before the next allocation).
    pub(crate) fn ipc_read_buffer(
        &mut self,
        _key: HandleKey,
        _suggested: usize,
    ) -> (*mut u8, usize) {
        (self.read_buf.as_mut_ptr(), self.read_buf.len())
    }

    pub(crate) fn on_ipc_read(&mut self, key: ConnKey, nread: isize) {
        if nread < 0 {
            // EOF or error: the client is done (or gone). A last line without its newline is
            // still a request on EOF, as a shell's `read` takes a file's last line (`printf
            // stats | socat - UNIX:…` gets its reply). Then finish what is in flight and close.
            if nread == super::uv::EOF {
                self.last_unterminated_request(key);
            }
            self.finish_conn(key);
            return;
        }
        if self.conn_mut(key).is_some_and(|c| c.draining) {
            return;
        }
        let n = nread as usize;
        let Some(server) = self.ipc.as_mut() else { return };
        let Some(conn) = server.conns.get_mut(key) else { return };
        if conn.ignores_input() {
            return;
        }
        let mut data = &self.read_buf[..n];
        let mut requests: Vec<Vec<u8>> = Vec::new();
        let mut too_long = false;
        while let Some(pos) = data.iter().position(|&b| b == b'\n') {
            if conn.line.len() + pos > MAX_LINE {
                too_long = true;
                break;
            }
            conn.line.extend_from_slice(&data[..pos]);
            requests.push(std::mem::take(&mut conn.line));
            data = &data[pos + 1..];
        }
        if !too_long {
            if conn.line.len() + data.len() > MAX_LINE {
                too_long = true;
            } else {
                conn.line.extend_from_slice(data);
            }
        }
        if conn.line.capacity() > 64 * 1024 && conn.line.len() < 4096 {
            conn.line.shrink_to(4096);
        }
        let timer = conn.timer;
        let idle_ms = server.idle_ms;
        for request in requests {
            if !self.handle_request(key, &request) {
                return;
            }
        }
        if too_long {
            self.reply_and_close(key, self.control_error("request line longer than 1 MiB"));
            return;
        }
        if let Some(timer) = timer {
            // Only complete requests count as activity: half a line does not keep it open.
            self.handles.timer_again(timer, idle_ms);
        }
    }

    /// On EOF: the partial line a client left without its newline, handled as its last request
    /// (nothing for a connection that ignores its input: [`Conn::ignores_input`]).
    fn last_unterminated_request(&mut self, key: ConnKey) {
        let Some(conn) = self.conn_mut(key) else { return };
        if conn.ignores_input() {
            return;
        }
        let line = std::mem::take(&mut conn.line);
        if !line.is_empty() {
            self.handle_request(key, &line);
        }
    }

    /// Handle one request line; false when the connection is being closed.
    fn handle_request(&mut self, key: ConnKey, line: &[u8]) -> bool {
        let Some(codec) = self.ipc.as_ref().map(|s| s.codec.clone()) else { return false };
        let text = match std::str::from_utf8(line) {
            Ok(t) => t.trim_end_matches('\r'),
            Err(_) => {
                self.reply_and_close(key, codec.encode(Err("request is not valid UTF-8".into())));
                return false;
            }
        };
        if text.trim().is_empty() {
            return true;
        }
        let request = match codec.decode(text) {
            Ok(r) => r,
            Err(message) => {
                self.reply_and_close(key, codec.encode(Err(message)));
                return false;
            }
        };
        if let Request::Subscribe { events } = request {
            return self.subscribe(key, events);
        }
        if let Request::ReloadConfig = request {
            // Answered when the UI has re-read its configuration (`io::watch`).
            if let Err(message) = self.reload_requested(key) {
                self.send_reply(key, codec.encode(Err(message)));
            }
            return true;
        }
        if let Request::Shutdown = request {
            // Carried out once the reply is written: shutting down closes this connection.
            if let Some(conn) = self.conn_mut(key) {
                conn.shutdown_after_write = true;
                conn.close_after_write = true;
            }
            self.send_reply(key, codec.encode(Ok(Response::Done)));
            return false;
        }
        // A client that does not read its replies gets no more work done for it: checked
        // before the request runs, so pipelined requests cannot keep the loop busy either.
        let (queued, mine) = self.ipc.as_ref().map_or((0, 0), |s| {
            (s.queued_bytes, s.conns.get(key).map_or(0, |c| c.queued.iter().sum::<usize>()))
        });
        if mine > MAX_CONN_QUEUED_REPLY_BYTES || queued > MAX_QUEUED_REPLY_BYTES {
            let message = format!(
                "busy: {} MiB of replies wait to be read; read replies before sending more",
                mine.max(queued) >> 20
            );
            self.reply_and_close(key, codec.encode(Err(message)));
            return false;
        }
        let reply = codec.encode(self.execute(request));
        let queued = self.ipc.as_ref().map_or(0, |s| s.queued_bytes);
        if queued + reply.len() > MAX_QUEUED_REPLY_BYTES {
            let message = format!(
                "busy: {} MiB of replies wait to be read; read replies before sending more",
                queued >> 20
            );
            self.reply_and_close(key, codec.encode(Err(message)));
            return false;
        }
        self.send_reply(key, reply);
        true
    }

    /// The reply to a request answered later (`msg reload-config`), if its connection is
    /// still open.
    pub(crate) fn reply_later(&mut self, key: ConnKey, result: Result<Response, String>) {
        let Some(codec) = self.ipc.as_ref().map(|s| s.codec.clone()) else { return };
        self.send_reply(key, codec.encode(result));
    }

    fn send_reply(&mut self, key: ConnKey, reply: Vec<u8>) {
        let Some(conn) = self.conn_mut(key) else { return };
        if conn.closing {
            return;
        }
        let pipe = conn.pipe;
        let len = reply.len();
        conn.writes_in_flight += 1;
        conn.queued.push_back(len);
        if let Some(server) = self.ipc.as_mut() {
            server.queued_bytes += len;
        }
        if let Err(e) = self.handles.pipe_write(pipe, reply) {
            log::debug!("IPC reply not sent: {e}");
            self.reply_done(key);
            self.close_conn(key);
        }
    }

    /// Answer, then end the connection: the reply is written and the write side shut, the
    /// rest of the client's input is discarded until it hangs up (or `DRAIN_MS` passes).
    fn reply_and_close(&mut self, key: ConnKey, reply: Vec<u8>) {
        self.reply_and_close_within(key, reply, DRAIN_MS);
    }

    /// [`Self::reply_and_close`], closing anyway after `drain_ms`.
    fn reply_and_close_within(&mut self, key: ConnKey, reply: Vec<u8>, drain_ms: u64) {
        self.send_reply(key, reply);
        let Some(conn) = self.conn_mut(key) else { return };
        if conn.closing {
            return;
        }
        conn.draining = true;
        let (pipe, timer) = (conn.pipe, conn.timer);
        if self.handles.pipe_shutdown(pipe).is_err() {
            self.close_conn(key);
            return;
        }
        match timer {
            Some(timer) => self.handles.timer_again(timer, drain_ms),
            None => match self.handles.open_timer(self.lp, Owner::IpcIdleTimer(key), drain_ms, 0) {
                Ok(t) => {
                    if let Some(conn) = self.conn_mut(key) {
                        conn.timer = Some(t);
                    }
                }
                Err(_) => self.close_conn(key),
            },
        }
    }

    /// The client finished sending (EOF) or vanished: close after in-flight replies.
    fn finish_conn(&mut self, key: ConnKey) {
        // A `reload-config` waiting for the UI still owes its reply (`io::watch`).
        let awaiting = self.awaits_reload(key);
        let Some(conn) = self.conn_mut(key) else { return };
        conn.close_after_write = true;
        if conn.writes_in_flight == 0 && !awaiting {
            self.close_conn(key);
        }
    }

    /// One reply of `key` is written (or failed): its bytes leave the budget.
    fn reply_done(&mut self, key: ConnKey) {
        let Some(server) = self.ipc.as_mut() else { return };
        let Some(conn) = server.conns.get_mut(key) else { return };
        conn.writes_in_flight = conn.writes_in_flight.saturating_sub(1);
        let len = conn.queued.pop_front().unwrap_or(0);
        server.queued_bytes = server.queued_bytes.saturating_sub(len);
    }

    pub(crate) fn on_ipc_written(&mut self, key: ConnKey, status: i32) {
        self.reply_done(key);
        let Some(conn) = self.conn_mut(key) else { return };
        let shutdown = conn.shutdown_after_write && conn.writes_in_flight == 0;
        if status < 0 || (conn.close_after_write && conn.writes_in_flight == 0) {
            self.close_conn(key);
        }
        if shutdown {
            let _ = self.execute(Request::Shutdown);
        }
    }

    pub(crate) fn on_ipc_idle(&mut self, key: ConnKey) {
        let idle_ms = self.ipc.as_ref().map_or(IDLE_TIMEOUT_MS, |s| s.idle_ms);
        if let Some(conn) = self.conn_mut(key)
            && !(conn.closing || conn.close_after_write || conn.draining)
            && let Some(timer) = conn.timer
            && crate::io::sys::has_pending_input(conn.fd)
        {
            // Not idle: the client's bytes wait in the socket while the loop was busy (timers
            // run before this turn's reads, so a flooded loop would otherwise drop a request
            // it has not read yet). Its read comes in this same turn.
            self.handles.timer_again(timer, idle_ms);
            return;
        }
        log::debug!("closing an idle IPC connection");
        self.close_conn(key);
    }

    fn close_conn(&mut self, key: ConnKey) {
        let Some(conn) = self.conn_mut(key) else { return };
        if conn.closing {
            return;
        }
        conn.closing = true;
        let (pipe, timer) = (conn.pipe, conn.timer.take());
        self.handles.close(pipe);
        if let Some(timer) = timer {
            self.handles.close(timer);
        }
    }

    /// A close callback of an IPC handle has run.
    pub(crate) fn ipc_handle_closed(&mut self, owner: Owner) {
        let Some(server) = self.ipc.as_mut() else { return };
        match owner {
            // The connection's pipe is its life: its entry goes with it.
            Owner::IpcConn(key) => {
                if let Some(conn) = server.conns.remove(key) {
                    // Writes cancelled by the close leave the budget with their connection.
                    let left: usize = conn.queued.iter().sum();
                    server.queued_bytes = server.queued_bytes.saturating_sub(left);
                    if conn.subscriber.is_some() {
                        server.subscribers -= 1;
                        self.update_event_tick();
                    }
                }
            }
            Owner::IpcIdleTimer(key) => {
                if let Some(conn) = server.conns.get_mut(key) {
                    conn.timer = None;
                }
            }
            _ => (),
        }
    }
}

// ------------------------------------------------------------------------ the event stream

impl IoState {
    /// Connections subscribed to the event stream.
    pub(crate) fn subscribers(&self) -> usize {
        self.ipc.as_ref().map_or(0, |s| s.subscribers)
    }

    /// Make `key` a subscriber: no idle timeout from now on, a reply naming the kinds, then
    /// one line per event. Returns false (the request loop stops) — nothing after a subscribe
    /// request is read.
    fn subscribe(&mut self, key: ConnKey, events: EventMask) -> bool {
        let Some(server) = self.ipc.as_mut() else { return false };
        let codec = server.codec.clone();
        let Some(conn) = server.conns.get_mut(key) else { return false };
        if conn.subscriber.is_some() {
            return false;
        }
        conn.subscriber = Some(events);
        server.subscribers += 1;
        if let Some(timer) = conn.timer.take() {
            self.handles.close(timer);
        }
        self.update_event_tick();
        self.send_reply(key, codec.encode(Ok(Response::Subscribed(events.names()))));
        false
    }

    /// Send `event` to every subscriber that wants it. A subscriber whose unread events
    /// exceed [`SUBSCRIBER_QUEUE_BYTES`] gets a final error line and is dropped.
    pub(crate) fn publish(&mut self, event: Event) {
        let Some(server) = self.ipc.as_ref() else { return };
        if server.subscribers == 0 {
            return;
        }
        let targets: Vec<(ConnKey, usize)> = server
            .conns
            .iter()
            .filter(|(_, c)| !c.closing && !c.draining)
            .filter(|(_, c)| c.subscriber.is_some_and(|m| m.wants(&event)))
            .map(|(k, c)| (k, c.queued.iter().sum::<usize>()))
            .collect();
        if targets.is_empty() {
            return;
        }
        let codec = server.codec.clone();
        let line = codec.encode_event(&event);
        for (key, queued) in targets {
            if queued + line.len() > SUBSCRIBER_QUEUE_BYTES {
                log::info!("dropping a subscriber that does not read its events");
                let message = format!(
                    "subscriber too slow: {queued} bytes of events unread (the limit is \
                     {SUBSCRIBER_QUEUE_BYTES}); dropped"
                );
                self.reply_and_close_within(
                    key,
                    codec.encode(Err(message)),
                    SLOW_SUBSCRIBER_DRAIN_MS,
                );
            } else {
                self.send_reply(key, line.clone());
            }
        }
    }
}
