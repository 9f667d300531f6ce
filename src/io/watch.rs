//! Watching the configuration files for the live reload (ARCHITECTURE.md, "Configuration:
//! reload and themes"). The UI names the files it read ([`super::Request::WatchConfig`]);
//! this watches each file's *directory* with a `uv_fs_event_t` (inotify) and filters the
//! events by name, because editors save by writing a new file and renaming it over the old
//! one, which a watch on the old inode would lose. A burst of events (one save is several)
//! settles for [`SETTLE_MS`] after the last before the UI is told once
//! ([`super::IoEvent::ConfigChanged`]); the UI re-reads and applies. Nothing runs while
//! nothing changes: the settle timer is open only after an event. A directory that does not
//! exist (a new user's `~/.config/uvterm/`) is waited for on its nearest existing ancestor,
//! and the watch moves down as it appears (and back up if it goes away).
//!
//! Owns: the watch handles (registry entries like every other handle, closed on shutdown),
//! the settle timer, and `msg reload-config` requests waiting for the UI's answer. Must not
//! touch: the configuration's contents (the UI parses them).

use std::ffi::{CString, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

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
    /// An ancestor of a file's directory that does not exist yet: `names` are the next
    /// components on the way down, and an event about one of them moves the watch down
    /// ([`IoState::rearm_watches`]).
    ancestor: bool,
    /// The directory's (device, inode) when its watch was made: inotify watches an inode,
    /// so a directory removed and made again under the same path needs a new watch.
    inode: Option<(u64, u64)>,
}

/// The (device, inode) of the directory at `path`, if there is one.
fn inode(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().filter(|m| m.is_dir()).map(|m| (m.dev(), m.ino()))
}

/// The watches of the configuration files.
#[derive(Default)]
pub(crate) struct Watches {
    dirs: Vec<Dir>,
    /// The files the UI named last (what [`IoState::rearm_watches`] watches again).
    files: Vec<PathBuf>,
    settle: Option<HandleKey>,
    /// `msg reload-config` requests sent to the UI: (request number, connection).
    pending: Vec<(u64, ConnKey)>,
    next_request: u64,
}

/// Which directories to watch for `paths`, each with the names in it that matter, and
/// whether it stands in for a directory that does not exist (an ancestor). A file's
/// directory that is missing is replaced by its nearest existing ancestor, watched for the
/// next component of the way down (a new user's `~/.config/uvterm/` appears when the file is
/// first saved). At most two directories a path (the file's and, for a symbolic link, its
/// target's).
fn wanted_dirs(paths: &[PathBuf]) -> Vec<(PathBuf, Vec<OsString>, bool)> {
    let mut wanted: Vec<(PathBuf, Vec<OsString>, bool)> = Vec::new();
    let mut add = |dir: PathBuf, name: &std::ffi::OsStr, ancestor: bool| match wanted
        .iter_mut()
        .find(|(d, _, _)| *d == dir)
    {
        Some((_, names, a)) => {
            *a |= ancestor;
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        None => wanted.push((dir, vec![name.to_owned()], ancestor)),
    };
    let mut file = |path: &Path| {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if dir.is_dir() {
            add(dir.into(), name, false);
            return;
        }
        // The nearest ancestor that is a directory, and the component below it.
        let mut below = dir;
        for up in dir.ancestors().skip(1) {
            let up = if up.as_os_str().is_empty() { Path::new(".") } else { up };
            if up.is_dir() {
                if let Some(next) = below.file_name() {
                    add(up.into(), next, true);
                }
                return;
            }
            below = up;
        }
    };
    for path in paths {
        file(path);
        if let Ok(target) = path.canonicalize()
            && target != *path
        {
            file(&target);
        }
    }
    wanted
}

impl IoState {
    /// Watch `paths` from now on, instead of what was watched before. Each file's directory
    /// is watched (and, for a symbolic link, its target's directory too); a directory that
    /// does not exist yet is waited for by watching its nearest existing ancestor, and the
    /// watch moves down as the missing directories appear (then the UI is told, since the
    /// file may have come with them). A directory watched before keeps its watch, and a
    /// settle under way goes on: the UI names its files after every reload, and a save that
    /// lands meanwhile (an editor's truncate, then its write) must not fall between two
    /// watches.
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
        self.watch.files = paths;
        if self.rearm_watches() {
            // A directory appeared while the UI read: its file may have come with it.
            self.settle_then_tell();
        }
        Ok(Response::Done)
    }

    /// Watch the directories [`wanted_dirs`] gives for the files named last: a directory
    /// watched before keeps its handle, one no longer wanted is closed. The number of
    /// watches is bounded by twice [`MAX_WATCHED_FILES`]. A directory made between looking
    /// for it and watching its ancestor would never be seen from there (its creation came
    /// before the watch), so the look is repeated until it agrees with the watches (a few
    /// times at most). Returns whether it had to look again.
    fn rearm_watches(&mut self) -> bool {
        const MAX_LOOKS: usize = 4;
        let mut wanted = wanted_dirs(&self.watch.files);
        for look in 0..MAX_LOOKS {
            self.rearm_once(wanted);
            // The look after watching is the next round's, if it does not agree.
            wanted = wanted_dirs(&self.watch.files);
            let agree = wanted.iter().all(|(path, _, ancestor)| {
                self.watch.dirs.iter().any(|d| d.path == *path && d.ancestor == *ancestor)
            });
            if agree {
                return look > 0;
            }
        }
        true
    }

    /// Make the watches `wanted` (from [`wanted_dirs`]) and close the others.
    fn rearm_once(&mut self, wanted: Vec<(PathBuf, Vec<OsString>, bool)>) {
        let mut old = std::mem::take(&mut self.watch.dirs);
        for (path, names, ancestor) in wanted {
            // The same directory (not one made again under its path) keeps its watch.
            let now = inode(&path);
            if let Some(i) = old.iter().position(|d| d.path == path && d.inode == now) {
                let mut kept = old.swap_remove(i);
                kept.names = names;
                kept.ancestor = ancestor;
                self.watch.dirs.push(kept);
                continue;
            }
            let Ok(c) = CString::new(path.as_os_str().as_bytes()) else { continue };
            match self.handles.open_fs_event(self.lp, Owner::ConfigWatch, &c) {
                Ok(handle) => {
                    self.watch.dirs.push(Dir { handle, path, names, ancestor, inode: now })
                }
                Err(e) => log::info!("not watching {}: {e}", path.display()),
            }
        }
        for gone in old {
            self.handles.close(gone.handle);
        }
    }

    /// Close every watch and the settle timer (a new set, or shutdown).
    pub(crate) fn stop_watching(&mut self) {
        self.watch.files.clear();
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
        let Some(dir) = self.watch.dirs.iter_mut().find(|d| d.handle == key) else { return };
        // The names that matter, and the directory's own (libuv names the directory itself
        // when it is deleted or moved): other entries' events (a busy home directory's, when
        // it is the ancestor watched) cost no more than this comparison.
        let own = dir.path.file_name().map(OsStrExt::as_bytes);
        if let Some(name) = name
            && !dir.names.iter().any(|n| n.as_bytes() == name)
            && own != Some(name)
        {
            return;
        }
        if name.is_none() || name == own {
            // The watched directory itself went (or moved): its watch is on an inode that is
            // gone, even when a new directory (maybe with the same inode number) already
            // stands at its path. Mark it so that the re-arm below makes a new one.
            dir.inode = None;
        }
        // The watches follow what the event may have changed: a missing directory appeared
        // (the watch moves down), the watched one went away (its nearest ancestor is watched
        // until it is back), or the file became a symbolic link or now points elsewhere (its
        // target's directory is watched too). Watches kept keep their handles. The file may
        // have come or gone with it: the UI re-reads after the settle time.
        self.rearm_watches();
        self.settle_then_tell();
    }

    /// Tell the UI to re-read once the files have been quiet for [`SETTLE_MS`] (the settle
    /// timer, started or pushed back).
    fn settle_then_tell(&mut self) {
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
        let defer_compression_cells = super::ledger::deferred_compression_cells(&ledger);
        self.config.term = crate::term::TermConfig { cell_pixels, defer_compression_cells, ..term };
        self.config.ledger = ledger;
        for shared in self.tab_shares() {
            let mut t = shared.term.lock().unwrap_or_else(|p| p.into_inner());
            t.reconfigure(&self.config.term);
        }
        // Compression turned on (or a deferral changed) leaves history waiting in quiet tabs.
        self.arm_waiting_history_compression();
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

#[cfg(test)]
mod tests {
    use super::wanted_dirs;
    use std::ffi::OsString;

    #[test]
    fn a_missing_directory_is_waited_for_on_its_nearest_ancestor() {
        let base = std::env::temp_dir().join(format!("uvterm-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("here")).unwrap();
        let files =
            [base.join("here/a.toml"), base.join("new/uvterm/uvterm.toml"), base.join("b.toml")];
        let names = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let want = vec![
            (base.join("here"), names(&["a.toml"]), false),
            // The base directory holds b.toml and is the ancestor of the missing new/uvterm.
            (base.clone(), names(&["new", "b.toml"]), true),
        ];
        assert_eq!(wanted_dirs(&files), want);
        std::fs::create_dir_all(base.join("new")).unwrap();
        assert_eq!(wanted_dirs(&files[1..2]), [(base.join("new"), names(&["uvterm"]), true)]);
        std::fs::create_dir_all(base.join("new/uvterm")).unwrap();
        let dir = base.join("new/uvterm");
        assert_eq!(wanted_dirs(&files[1..2]), [(dir, names(&["uvterm.toml"]), false)]);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
