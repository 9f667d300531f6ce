//! Watching the configuration files for the live reload (ARCHITECTURE.md, "Configuration:
//! reload and themes"). The UI names the files it read ([`super::Request::WatchConfig`]);
//! this watches each file's *directory* with a `uv_fs_event_t` (inotify) and filters the
//! events by name, because editors save by writing a new file and renaming it over the old
//! one, which a watch on the old inode would lose. A burst of events (one save is several)
//! settles for [`SETTLE_MS`] after the last before the UI is told once
//! ([`super::IoEvent::ConfigChanged`]); the UI re-reads and applies. Nothing runs while
//! nothing changes: the settle timer is open only after an event.
//!
//! Owns: the watch handles (registry entries like every other handle, closed on shutdown),
//! the settle timer, and `msg reload-config` requests waiting for the UI's answer. Must not
//! touch: the configuration's contents (the UI parses them).

use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use super::control::ConnKey;
use super::uv::{HandleKey, Owner};
use super::{IoEvent, IoState, Response};

/// Quiet time after the last change before the UI re-reads, in milliseconds.
pub const SETTLE_MS: u64 = 80;
/// Most files one [`super::Request::WatchConfig`] may name.
pub const MAX_WATCHED_FILES: usize = 64;
/// Most `msg reload-config` requests waiting for the UI at once; more are refused.
pub const MAX_PENDING_RELOADS: usize = 64;

/// One watched directory and the names in it that matter.
struct Dir {
    handle: HandleKey,
    path: PathBuf,
    names: Vec<OsString>,
}

/// The watches of the configuration files.
#[derive(Default)]
pub(crate) struct Watches {
    dirs: Vec<Dir>,
    settle: Option<HandleKey>,
    /// `msg reload-config` requests sent to the UI: (request number, connection).
    pending: Vec<(u64, ConnKey)>,
    next_request: u64,
}

impl IoState {
    /// Watch `paths` from now on, instead of what was watched before. Each file's directory
    /// is watched (and, for a symbolic link, its target's directory too); a directory that
    /// cannot be watched (it does not exist) is skipped with a log line. A directory watched
    /// before keeps its watch, and a settle under way goes on: the UI names its files after
    /// every reload, and a save that lands meanwhile (an editor's truncate, then its write)
    /// must not fall between two watches.
    ///
    /// # Errors
    /// More than [`MAX_WATCHED_FILES`] paths, or a path longer than `MAX_PATH_BYTES`.
    pub(crate) fn watch_config(&mut self, paths: Vec<PathBuf>) -> Result<Response, String> {
        if paths.len() > MAX_WATCHED_FILES {
            return Err(format!("at most {MAX_WATCHED_FILES} files can be watched"));
        }
        if paths.iter().any(|p| p.as_os_str().len() > super::MAX_PATH_BYTES) {
            return Err(format!("a path is longer than {} bytes", super::MAX_PATH_BYTES));
        }
        if self.shutting_down {
            self.stop_watching();
            return Ok(Response::Done);
        }
        let mut wanted: Vec<(PathBuf, Vec<OsString>)> = Vec::new();
        let mut add = |path: &std::path::Path| {
            let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
            let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir.into() };
            match wanted.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, names)) if names.iter().any(|n| n == name) => (),
                Some((_, names)) => names.push(name.to_owned()),
                None => wanted.push((dir, vec![name.to_owned()])),
            }
        };
        for path in &paths {
            add(path);
            if let Ok(target) = path.canonicalize()
                && target != *path
            {
                add(&target);
            }
        }
        let mut old = std::mem::take(&mut self.watch.dirs);
        for (path, names) in wanted {
            if let Some(i) = old.iter().position(|d| d.path == path) {
                let mut kept = old.swap_remove(i);
                kept.names = names;
                self.watch.dirs.push(kept);
                continue;
            }
            let Ok(c) = CString::new(path.as_os_str().as_bytes()) else { continue };
            match self.handles.open_fs_event(self.lp, Owner::ConfigWatch, &c) {
                Ok(handle) => self.watch.dirs.push(Dir { handle, path, names }),
                Err(e) => log::info!("not watching {}: {e}", path.display()),
            }
        }
        for gone in old {
            self.handles.close(gone.handle);
        }
        Ok(Response::Done)
    }

    /// Close every watch and the settle timer (a new set, or shutdown).
    pub(crate) fn stop_watching(&mut self) {
        for dir in std::mem::take(&mut self.watch.dirs) {
            self.handles.close(dir.handle);
        }
        if let Some(timer) = self.watch.settle.take() {
            self.handles.close(timer);
        }
    }

    /// An inotify event in a watched directory: `name` is the entry that changed (None when
    /// libuv could not tell, which counts as a change).
    pub(crate) fn on_config_event(&mut self, key: HandleKey, name: Option<&[u8]>, status: i32) {
        if status < 0 {
            log::info!("watching the configuration failed: {}", super::uv::error_text(status));
            return;
        }
        let Some(dir) = self.watch.dirs.iter().find(|d| d.handle == key) else { return };
        if let Some(name) = name
            && !dir.names.iter().any(|n| n.as_bytes() == name)
        {
            return;
        }
        match self.watch.settle {
            Some(timer) => self.handles.timer_again(timer, SETTLE_MS),
            None => match self.handles.open_timer(self.lp, Owner::ConfigSettle, SETTLE_MS, 0) {
                Ok(timer) => self.watch.settle = Some(timer),
                // No timer: tell the UI at once rather than never.
                Err(_) => self.sink.send(IoEvent::ConfigChanged),
            },
        }
    }

    /// The settle timer fired: the files have been quiet for [`SETTLE_MS`].
    pub(crate) fn on_config_settled(&mut self, key: HandleKey) {
        self.handles.close(key);
        if self.watch.settle == Some(key) {
            self.watch.settle = None;
        }
        self.sink.send(IoEvent::ConfigChanged);
    }

    /// `msg reload-config` on connection `conn`: ask the UI, answer when it replies
    /// ([`Self::config_reloaded`]).
    ///
    /// # Errors
    /// Headless (no configuration is applied), or too many requests waiting.
    pub(crate) fn reload_requested(&mut self, conn: ConnKey) -> Result<(), String> {
        if !self.config.config_reload {
            return Err("this instance has no window configuration to reload (headless)".into());
        }
        if self.watch.pending.len() >= MAX_PENDING_RELOADS {
            return Err("busy: too many reload-config requests waiting".into());
        }
        self.watch.next_request += 1;
        let request = self.watch.next_request;
        self.watch.pending.push((request, conn));
        self.sink.send(IoEvent::ReloadConfig { request });
        Ok(())
    }

    /// A reloaded configuration for new tabs and every open one (`Request::Reconfigure`).
    pub(crate) fn reconfigure(
        &mut self,
        term: crate::term::TermConfig,
        ledger: super::LedgerConfig,
    ) {
        let cell_pixels = self.config.term.cell_pixels;
        self.config.term = crate::term::TermConfig { cell_pixels, ..term };
        self.config.ledger = ledger;
        for shared in self.tab_shares() {
            let mut t = shared.term.lock().unwrap_or_else(|p| p.into_inner());
            t.reconfigure(&self.config.term);
        }
        self.sink.send(IoEvent::Reconfigured);
    }

    /// Whether connection `conn` waits for the UI's answer to its `reload-config`.
    pub(crate) fn awaits_reload(&self, conn: ConnKey) -> bool {
        self.watch.pending.iter().any(|(_, c)| *c == conn)
    }

    /// The UI's answer to reload `request`: the reply of the connection that asked (if it is
    /// still there).
    pub(crate) fn config_reloaded(&mut self, request: u64, result: Result<(), String>) {
        let Some(i) = self.watch.pending.iter().position(|(r, _)| *r == request) else { return };
        let (_, conn) = self.watch.pending.swap_remove(i);
        self.reply_later(conn, result.map(|()| Response::Done));
    }
}
