//! The IPC socket's location and safety.
//!
//! `$XDG_RUNTIME_DIR/uvterm/<instance>.sock`, falling back to `/tmp/uvterm-<uid>/` — used only
//! after checking that it is a real directory (not a symlink) owned by us. The directory is
//! mode 0700 and the socket 0600; the server also checks each peer's uid (`SO_PEERCRED`).

use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

fn uid() -> u32 {
    crate::io::current_uid()
}

/// The directory sockets live in (created if missing, checked if present).
pub fn runtime_dir() -> std::io::Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        let base = PathBuf::from(xdg);
        if base.is_dir() {
            let dir = base.join("uvterm");
            ensure_private_dir(&dir)?;
            return Ok(dir);
        }
    }
    let dir = std::env::temp_dir().join(format!("uvterm-{}", uid()));
    ensure_private_dir(&dir)?;
    Ok(dir)
}

/// Create `dir` with mode 0700, or check that an existing one is a real directory owned by
/// us and not open to others.
fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => (),
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() || !meta.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is not a directory (refusing to use it for the IPC socket)",
            dir.display()
        )));
    }
    if meta.uid() != uid() {
        return Err(std::io::Error::other(format!(
            "{} belongs to another user (refusing to use it for the IPC socket)",
            dir.display()
        )));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Whether something answers on the socket at `path`.
pub fn is_live(path: &Path) -> bool {
    UnixStream::connect(path).is_ok()
}

/// Prepare `path` for binding: a socket left by a killed instance (nothing answers) is
/// removed; a live one, or anything that is not a socket, is an error.
pub fn clear_stale(path: &Path) -> std::io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    use std::os::unix::fs::FileTypeExt;
    if !meta.file_type().is_socket() {
        return Err(std::io::Error::other(format!(
            "{} exists and is not a socket",
            path.display()
        )));
    }
    match UnixStream::connect(path) {
        Ok(_) => Err(std::io::Error::other(format!(
            "another uvterm instance is serving {}",
            path.display()
        ))),
        Err(_) => {
            log::info!("replacing stale socket {}", path.display());
            std::fs::remove_file(path)
        }
    }
}

/// The socket path for a new instance: `explicit` if given, else `<runtime dir>/<pid>.sock`.
/// Stale sockets of killed instances in the runtime directory are removed on the way.
pub fn server_path(explicit: Option<&Path>) -> std::io::Result<PathBuf> {
    if let Some(path) = explicit {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(std::io::Error::other(format!("{} is not a directory", parent.display())));
        }
        clear_stale(path)?;
        return Ok(path.to_path_buf());
    }
    let dir = runtime_dir()?;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "sock") && !is_live(&p) {
                let _ = clear_stale(&p);
            }
        }
    }
    let path = dir.join(format!("{}.sock", std::process::id()));
    clear_stale(&path)?;
    Ok(path)
}

/// The socket `uvterm msg` talks to: `$UVTERM_SOCKET`, else the newest live socket in the
/// runtime directory.
pub fn client_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("UVTERM_SOCKET").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = runtime_dir().map_err(|e| format!("no runtime directory: {e}"))?;
    let mut sockets: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sock"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    sockets.sort();
    sockets
        .into_iter()
        .rev()
        .map(|(_, p)| p)
        .find(|p| is_live(p))
        .ok_or_else(|| format!("no running uvterm instance found in {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinked_fallback_directory_is_refused() {
        let base = std::env::temp_dir().join(format!("uvterm-sock-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let target = base.join("elsewhere");
        std::fs::create_dir(&target).unwrap();
        let link = base.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = ensure_private_dir(&link).unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
        // A plain directory is made private.
        let open = base.join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&open).unwrap();
        assert_eq!(std::fs::metadata(&open).unwrap().mode() & 0o777, 0o700);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn stale_sockets_are_cleared_and_files_refused() {
        let base = std::env::temp_dir().join(format!("uvterm-stale-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let sock = base.join("s.sock");
        drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
        assert!(sock.exists());
        clear_stale(&sock).unwrap();
        assert!(!sock.exists(), "a socket nobody listens on is removed");
        let file = base.join("f.sock");
        std::fs::write(&file, b"x").unwrap();
        assert!(clear_stale(&file).is_err(), "a regular file is not removed");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
