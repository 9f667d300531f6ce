//! The IPC server on the I/O loop.
//!
//! The listening socket and each accepted connection are libuv pipe handles in the I/O
//! core's registry; a connection's slotmap key is all its handles carry. A connection is
//! closed by the server — never left to the client — after EOF, on any protocol error
//! (overlong line, invalid UTF-8 or JSON, unknown command, wrong argument types), when the
//! client goes away, and after an idle timeout; replies are written before the close. Peers
//! of another uid are refused, and so is anything past the connection limit.

use std::path::{Path, PathBuf};

use serde_json::json;
use slotmap::{SlotMap, new_key_type};

use super::protocol::{self, MAX_LINE, Request};
use crate::io::uv::{HandleKey, Owner};
use crate::io::{IoState, OpenTab, TabId, WindowId, WindowTarget};
use crate::pty::SpawnSpec;

new_key_type! {
    /// An accepted connection.
    pub struct ConnKey;
}

/// Connections served at once; more are answered with an error and closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// A connection with no complete request for this long is closed.
pub const IDLE_TIMEOUT_MS: u64 = 10_000;
/// After an error reply, how long the client may go on sending (discarded) before the
/// connection is closed anyway.
const DRAIN_MS: u64 = 1_000;

struct Conn {
    pipe: HandleKey,
    timer: Option<HandleKey>,
    /// Bytes of the request line being received.
    line: Vec<u8>,
    writes_in_flight: usize,
    /// Close once the replies in flight are written.
    close_after_write: bool,
    /// Shut the instance down once the reply is written.
    shutdown_after_write: bool,
    /// Error reply sent and write side shut: input is discarded until the peer hangs up
    /// (closing with unread input would reset the connection and could lose the reply).
    draining: bool,
    closing: bool,
}

pub struct Server {
    path: PathBuf,
    listener: Option<HandleKey>,
    conns: SlotMap<ConnKey, Conn>,
    /// The connection whose read buffer libuv is filling (reads are serial on the loop).
    idle_ms: u64,
}

impl Server {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Slotmap entries held (connections).
    pub fn slots(&self) -> usize {
        self.conns.len()
    }

    pub(crate) fn tab_closed(&mut self, _tab: TabId) {}
}

impl IoState {
    pub(crate) fn start_ipc(&mut self, path: &Path) -> std::io::Result<()> {
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
            idle_ms,
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
            timer: None,
            line: Vec::new(),
            writes_in_flight: 0,
            close_after_write: false,
            shutdown_after_write: false,
            draining: false,
            closing: false,
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
        }
        if over_limit {
            self.reply_and_close(key, protocol::error_reply("too many connections; try again"));
            return;
        }
        match crate::io::peer_uid(fd) {
            Ok(uid) if uid == crate::io::current_uid() => (),
            Ok(uid) => {
                log::warn!("refused an IPC connection from uid {uid}");
                self.reply_and_close(key, protocol::error_reply("permission denied"));
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
            // EOF or error: the client is done (or gone). Finish what is in flight, then close.
            self.finish_conn(key);
            return;
        }
        if self.conn_mut(key).is_some_and(|c| c.draining) {
            return;
        }
        let n = nread as usize;
        let Some(server) = self.ipc.as_mut() else { return };
        let Some(conn) = server.conns.get_mut(key) else { return };
        if conn.closing || conn.close_after_write || conn.draining {
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
            self.reply_and_close(key, protocol::error_reply("request line longer than 1 MiB"));
            return;
        }
        if let Some(timer) = timer {
            // Only complete requests count as activity: half a line does not keep it open.
            self.handles.timer_again(timer, idle_ms);
        }
    }

    /// Handle one request line; false when the connection is being closed.
    fn handle_request(&mut self, key: ConnKey, line: &[u8]) -> bool {
        let text = match std::str::from_utf8(line) {
            Ok(t) => t.trim_end_matches('\r'),
            Err(_) => {
                self.reply_and_close(key, protocol::error_reply("request is not valid UTF-8"));
                return false;
            }
        };
        if text.trim().is_empty() {
            return true;
        }
        let request: Request = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                self.reply_and_close(key, protocol::error_reply(&format!("invalid request: {e}")));
                return false;
            }
        };
        let shutdown = matches!(request, Request::Shutdown {});
        let reply = match self.execute(request) {
            Ok(fields) => protocol::ok_reply(fields),
            Err(message) => protocol::error_reply(&message),
        };
        if shutdown && let Some(conn) = self.conn_mut(key) {
            conn.shutdown_after_write = true;
            conn.close_after_write = true;
        }
        self.send_reply(key, reply);
        !shutdown
    }

    /// Carry out a request on the I/O thread; `Ok` carries the reply's fields.
    fn execute(&mut self, request: Request) -> Result<serde_json::Value, String> {
        let spec = |cwd: Option<String>, command: Vec<String>| SpawnSpec {
            program: command.first().map(Into::into),
            args: command.iter().skip(1).map(Into::into).collect(),
            cwd: cwd.map(Into::into),
            ..SpawnSpec::default()
        };
        match request {
            Request::CreateWindow { cwd, command } => {
                let request = OpenTab { window: WindowTarget::New, spec: spec(cwd, command) };
                let tab = self.open_tab(request)?;
                Ok(json!({ "window": tab.window.0, "tab": tab.id.0 }))
            }
            Request::CreateTab { window, cwd, command } => {
                let target = match window {
                    Some(w) if self.window_exists(WindowId(w)) => {
                        WindowTarget::Existing(WindowId(w))
                    }
                    Some(w) => return Err(format!("no window {w}")),
                    None => self
                        .list()
                        .last()
                        .map_or(WindowTarget::New, |w| WindowTarget::Existing(w.id)),
                };
                let tab = self.open_tab(OpenTab { window: target, spec: spec(cwd, command) })?;
                Ok(json!({ "window": tab.window.0, "tab": tab.id.0 }))
            }
            Request::CloseTab { tab } => {
                let key = self.tab_key(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                self.begin_close_tab(key);
                Ok(json!({}))
            }
            Request::CloseWindow { window } => {
                if !self.window_exists(WindowId(window)) {
                    return Err(format!("no window {window}"));
                }
                self.close_window(WindowId(window));
                Ok(json!({}))
            }
            Request::List {} => Ok(json!({ "windows": self.list() })),
            Request::SendText { tab, text } => {
                let key = self.tab_key(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                let bytes = protocol::unescape(&text);
                let n = bytes.len();
                self.write_tab(key, &bytes);
                Ok(json!({ "bytes": n }))
            }
            Request::Paste { tab, text } => {
                let key = self.tab_key(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                let shared = self.tab_shared(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                let bracketed = shared
                    .term
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .modes()
                    .contains(crate::term::modes::Modes::BRACKETED_PASTE);
                let bytes = crate::paste::paste_bytes(&text, bracketed);
                let n = bytes.len();
                self.write_tab(key, &bytes);
                Ok(json!({ "bytes": n }))
            }
            Request::GetText { tab, scrollback } => {
                let shared = self.tab_shared(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                let term = shared.term.lock().unwrap_or_else(|p| p.into_inner());
                Ok(
                    json!({ "text": term.text(scrollback), "cols": term.cols(), "lines": term.lines() }),
                )
            }
            Request::Resize { tab, cols, lines } => {
                if cols == 0 || lines == 0 {
                    return Err("cols and lines must be at least 1".into());
                }
                let key = self.tab_key(TabId(tab)).ok_or_else(|| format!("no tab {tab}"))?;
                let _ = key;
                self.handle_resize(TabId(tab), cols, lines);
                Ok(json!({}))
            }
            Request::Stats {} => serde_json::to_value(self.stats()).map_err(|e| e.to_string()),
            Request::Shutdown {} => Ok(json!({})),
        }
    }

    fn send_reply(&mut self, key: ConnKey, reply: Vec<u8>) {
        let Some(conn) = self.conn_mut(key) else { return };
        if conn.closing {
            return;
        }
        let pipe = conn.pipe;
        conn.writes_in_flight += 1;
        if let Err(e) = self.handles.pipe_write(pipe, reply) {
            log::debug!("IPC reply not sent: {e}");
            if let Some(conn) = self.conn_mut(key) {
                conn.writes_in_flight -= 1;
            }
            self.close_conn(key);
        }
    }

    /// Answer, then end the connection: the reply is written and the write side shut, the
    /// rest of the client's input is discarded until it hangs up (or `DRAIN_MS` passes).
    fn reply_and_close(&mut self, key: ConnKey, reply: Vec<u8>) {
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
            Some(timer) => self.handles.timer_again(timer, DRAIN_MS),
            None => match self.handles.open_timer(self.lp, Owner::IpcIdleTimer(key), DRAIN_MS, 0) {
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
        let Some(conn) = self.conn_mut(key) else { return };
        conn.close_after_write = true;
        if conn.writes_in_flight == 0 {
            self.close_conn(key);
        }
    }

    pub(crate) fn on_ipc_written(&mut self, key: ConnKey, status: i32) {
        let Some(conn) = self.conn_mut(key) else { return };
        conn.writes_in_flight = conn.writes_in_flight.saturating_sub(1);
        let shutdown = conn.shutdown_after_write && conn.writes_in_flight == 0;
        if status < 0 || (conn.close_after_write && conn.writes_in_flight == 0) {
            self.close_conn(key);
        }
        if shutdown {
            self.begin_shutdown();
        }
    }

    pub(crate) fn on_ipc_idle(&mut self, key: ConnKey) {
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
                server.conns.remove(key);
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
