//! Shell integration out of the box: small bash, zsh and fish scripts (in the repository's
//! `shell-integration/`, embedded here) that report the working directory (OSC 7) and mark
//! prompts and commands (OSC 133 A, B, C, D;status), injected into an interactive shell the
//! way kitty and Ghostty do it — through the environment, never by editing the user's files:
//!
//! * bash: started as `bash --posix` with `ENV` naming our script, which POSIX mode reads
//!   instead of the startup files; the script turns POSIX mode off, puts `ENV` back and reads
//!   the files bash would have read (`/etc/profile` and the first of `~/.bash_profile`,
//!   `~/.bash_login`, `~/.profile` for a login shell; `/etc/bash.bashrc` and `~/.bashrc`
//!   otherwise).
//! * zsh: `ZDOTDIR` names our directory, whose `.zshenv` restores the user's `ZDOTDIR` (zsh
//!   then reads their `.zprofile`, `.zshrc`, `.zlogin` from it) and reads their `.zshenv`.
//! * fish: our directory goes first in `XDG_DATA_DIRS`, so fish reads our
//!   `fish/vendor_conf.d/uvterm.fish`, which puts `XDG_DATA_DIRS` back.
//!
//! Only a shell started interactively (no arguments but `-l`, `--login`, `-i`) whose
//! program's basename is `bash`, `zsh` or `fish` is touched. The scripts are written once per
//! process to a private directory (`$XDG_RUNTIME_DIR/uvterm/shell-integration-<hash>/`, else
//! `/tmp/uvterm-<uid>/…`; directories 0700, checked to be ours). Owns nothing else; runs on
//! the I/O thread before a tab's program is spawned.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use once_cell::sync::OnceCell;

use super::SpawnSpec;

/// The scripts, by path under the integration directory.
const FILES: &[(&str, &str)] = &[
    ("bash/uvterm.bash", include_str!("../../shell-integration/bash/uvterm.bash")),
    ("zsh/.zshenv", include_str!("../../shell-integration/zsh/.zshenv")),
    (
        "fish/vendor_conf.d/uvterm.fish",
        include_str!("../../shell-integration/fish/vendor_conf.d/uvterm.fish"),
    ),
];

/// The shells uvterm integrates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    /// The shell a program is, by its basename (`/usr/bin/zsh` → zsh; a login shell's
    /// leading `-` is allowed).
    pub fn of(program: &OsStr) -> Option<Shell> {
        let base = Path::new(program).file_name()?.as_bytes();
        let base = base.strip_prefix(b"-").unwrap_or(base);
        match base {
            b"bash" => Some(Shell::Bash),
            b"zsh" => Some(Shell::Zsh),
            b"fish" => Some(Shell::Fish),
            _ => None,
        }
    }
}

/// Rewrite `spec` so that the shell it starts loads uvterm's integration: arguments and
/// environment only. A program that is not bash, zsh or fish, a shell given a command or a
/// script (any argument but `-l`, `--login`, `-i`), or a directory that cannot be written
/// leave `spec` as it was. Never fails: without the integration the shell still starts.
pub fn inject(spec: &mut SpawnSpec) {
    let program = spec.program.clone().unwrap_or_else(super::default_shell);
    let Some(shell) = Shell::of(&program) else { return };
    if !spec.args.iter().all(|a| matches!(a.as_bytes(), b"-l" | b"--login" | b"-i")) {
        return;
    }
    let Some(dir) = directory() else { return };
    // The user's value of a variable: the request's own, else uvterm's environment.
    let user = |spec: &SpawnSpec, key: &str| -> Option<OsString> {
        match spec.env.iter().rev().find(|(k, _)| k == key) {
            Some((_, v)) => Some(v.clone()),
            None => std::env::var_os(key),
        }
    };
    let mut set = Vec::<(OsString, OsString)>::new();
    match shell {
        Shell::Bash => {
            if let Some(env) = user(spec, "ENV") {
                set.push(("UVTERM_BASH_ORIG_ENV".into(), env));
            }
            if user(spec, "POSIXLY_CORRECT").is_some() {
                set.push(("UVTERM_BASH_POSIXLY_CORRECT".into(), "1".into()));
            }
            set.push(("ENV".into(), dir.join("bash/uvterm.bash").into_os_string()));
            set.push(("UVTERM_BASH_INJECT".into(), "1".into()));
            spec.args.insert(0, "--posix".into());
        }
        Shell::Zsh => {
            if let Some(zdotdir) = user(spec, "ZDOTDIR") {
                set.push(("UVTERM_ZSH_ORIG_ZDOTDIR".into(), zdotdir));
            }
            set.push(("ZDOTDIR".into(), dir.join("zsh").into_os_string()));
        }
        Shell::Fish => {
            let orig = user(spec, "XDG_DATA_DIRS").filter(|v| !v.is_empty());
            let mut dirs = dir.clone().into_os_string();
            dirs.push(":");
            dirs.push(orig.clone().unwrap_or_else(|| "/usr/local/share:/usr/share".into()));
            if let Some(orig) = orig {
                set.push(("UVTERM_FISH_ORIG_XDG_DATA_DIRS".into(), orig));
            }
            set.push(("UVTERM_FISH_XDG_DATA_DIR".into(), dir.into_os_string()));
            set.push(("XDG_DATA_DIRS".into(), dirs));
        }
    }
    spec.program = Some(program);
    spec.env.extend(set);
}

/// The integration directory, written on first use (once per process); `None` when it
/// cannot be made private or written (logged once).
pub fn directory() -> Option<PathBuf> {
    static DIR: OnceCell<Option<PathBuf>> = OnceCell::new();
    DIR.get_or_init(|| match write_files() {
        Ok(dir) => Some(dir),
        Err(e) => {
            log::warn!("no shell integration: {e}");
            None
        }
    })
    .clone()
}

/// A 64-bit FNV-1a of the scripts: a new uvterm with other scripts gets its own directory.
fn content_hash() -> u64 {
    use crate::hash::{FNV1A_EMPTY, fnv1a_extend};
    FILES.iter().fold(FNV1A_EMPTY, |h, (path, text)| {
        fnv1a_extend(fnv1a_extend(fnv1a_extend(h, path.as_bytes()), &[0]), text.as_bytes())
    })
}

/// A directory of ours that nobody else can write: created 0700, or found a real directory
/// (not a link) owned by us without group or other access.
fn private_dir(path: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => (),
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(path)?;
    // SAFETY: geteuid has no failure mode and touches no memory.
    let uid = unsafe { libc::geteuid() };
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "{} is not a private directory of ours",
            path.display()
        )));
    }
    Ok(())
}

fn write_files() -> std::io::Result<PathBuf> {
    let base = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| Path::new(d).is_absolute()) {
        Some(runtime) => {
            let base = PathBuf::from(runtime).join("uvterm");
            private_dir(&base)?;
            base
        }
        None => {
            // SAFETY: geteuid has no failure mode and touches no memory.
            let uid = unsafe { libc::geteuid() };
            let base = std::env::temp_dir().join(format!("uvterm-{uid}"));
            private_dir(&base)?;
            base
        }
    };
    let dir = base.join(format!("shell-integration-{:016x}", content_hash()));
    private_dir(&dir)?;
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(parent)?;
        }
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            continue;
        }
        // Written beside and renamed: a shell starting now never reads half a script.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(program: &str, args: &[&str]) -> SpawnSpec {
        SpawnSpec {
            program: Some(program.into()),
            args: args.iter().map(Into::into).collect(),
            ..SpawnSpec::default()
        }
    }

    fn env<'a>(spec: &'a SpawnSpec, key: &str) -> Option<&'a OsStr> {
        spec.env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_os_str())
    }

    #[test]
    fn shells_are_known_by_basename() {
        assert_eq!(Shell::of(OsStr::new("/usr/bin/bash")), Some(Shell::Bash));
        assert_eq!(Shell::of(OsStr::new("-zsh")), Some(Shell::Zsh));
        assert_eq!(Shell::of(OsStr::new("fish")), Some(Shell::Fish));
        assert_eq!(Shell::of(OsStr::new("/bin/sh")), None);
        assert_eq!(Shell::of(OsStr::new("bashful")), None);
    }

    #[test]
    fn interactive_shells_only() {
        let mut s = spec("bash", &["-l"]);
        inject(&mut s);
        assert_eq!(s.args, vec![OsString::from("--posix"), "-l".into()]);
        let script = PathBuf::from(env(&s, "ENV").expect("ENV"));
        assert!(script.ends_with("bash/uvterm.bash"), "{script:?}");
        let text = std::fs::read_to_string(&script).expect("written");
        assert!(text.contains("133;A"));
        let mode = std::fs::metadata(script.parent().and_then(Path::parent).expect("dir"))
            .expect("dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private: {mode:o}");
        for (program, args) in [("bash", &["-c", "true"][..]), ("bash", &["--norc"]), ("sh", &[])] {
            let mut s = spec(program, args);
            inject(&mut s);
            assert!(s.env.is_empty(), "{program} {args:?}");
        }
    }

    #[test]
    fn the_users_variables_are_kept_for_the_scripts() {
        let mut s = spec("/usr/bin/zsh", &[]);
        s.env.push(("ZDOTDIR".into(), "/home/u/zdot".into()));
        inject(&mut s);
        assert_eq!(env(&s, "UVTERM_ZSH_ORIG_ZDOTDIR"), Some(OsStr::new("/home/u/zdot")));
        assert!(PathBuf::from(env(&s, "ZDOTDIR").expect("ZDOTDIR")).join(".zshenv").is_file());
        let mut s = spec("fish", &["-l"]);
        s.env.push(("XDG_DATA_DIRS".into(), "/opt/share".into()));
        inject(&mut s);
        let dirs = env(&s, "XDG_DATA_DIRS").expect("set").to_string_lossy().into_owned();
        assert!(dirs.ends_with(":/opt/share"), "{dirs}");
        assert_eq!(env(&s, "UVTERM_FISH_ORIG_XDG_DATA_DIRS"), Some(OsStr::new("/opt/share")));
    }
}
