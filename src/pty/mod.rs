//! Spawning a program on a new pseudo-terminal (through `c_shim/pty_spawn.c`), resizing it,
//! and the environment it gets. Owns no loop state: the I/O core (`src/io`) polls the master
//! descriptor, writes to it and reaps the child.

use std::ffi::{CString, OsStr, OsString};
use std::fmt;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use once_cell::sync::OnceCell;

pub mod foreground;

/// What to run and where.
#[derive(Debug, Clone, Default)]
pub struct SpawnSpec {
    /// The program; `None` runs the user's shell.
    pub program: Option<OsString>,
    pub args: Vec<OsString>,
    pub cwd: Option<PathBuf>,
    /// Variables added to (or replacing) the inherited environment.
    pub env: Vec<(OsString, OsString)>,
    pub cols: u16,
    pub lines: u16,
    pub cell_width: u16,
    pub cell_height: u16,
}

/// A program running on a PTY.
#[derive(Debug)]
pub struct Pty {
    /// The master side: non-blocking, close-on-exec.
    pub master: OwnedFd,
    /// The child, a session and process-group leader.
    pub pid: i32,
}

/// Why a program could not be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpawnError {
    /// Not found on `PATH` (or not at the path given).
    NotFound(String),
    /// An argument or environment value contains a NUL byte.
    InvalidArgument(String),
    /// The working directory cannot be entered.
    WorkingDirectory { path: PathBuf, error: String },
    /// A step of setting up the PTY or the child failed.
    Os { step: &'static str, error: String },
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpawnError::NotFound(p) => write!(f, "{p}: command not found"),
            SpawnError::InvalidArgument(what) => write!(f, "invalid argument: {what}"),
            SpawnError::WorkingDirectory { path, error } => {
                write!(f, "cannot use {} as working directory: {error}", path.display())
            }
            SpawnError::Os { step, error } => write!(f, "{step} failed: {error}"),
        }
    }
}

impl std::error::Error for SpawnError {}

mod ffi {
    use std::os::raw::{c_char, c_int, c_long, c_ushort};

    #[repr(C)]
    pub struct SpawnOpts {
        pub file: *const c_char,
        pub argv: *const *const c_char,
        pub envp: *const *const c_char,
        pub cwd: *const c_char,
        pub rows: c_ushort,
        pub cols: c_ushort,
        pub xpixel: c_ushort,
        pub ypixel: c_ushort,
        pub nofile_soft: c_long,
    }

    #[repr(C)]
    pub struct SpawnResult {
        pub master_fd: c_int,
        pub pid: libc::pid_t,
        pub stage: c_int,
        pub error: c_int,
    }

    unsafe extern "C" {
        pub fn uvterm_pty_spawn(opts: *const SpawnOpts, result: *mut SpawnResult) -> c_int;
        pub fn uvterm_pty_resize(
            master_fd: c_int,
            rows: c_ushort,
            cols: c_ushort,
            xpixel: c_ushort,
            ypixel: c_ushort,
        ) -> c_int;
    }
}

/// The descriptor soft limit uvterm started with: children get it back (we raise our own).
static CHILD_NOFILE: OnceCell<i64> = OnceCell::new();

/// Raise our soft RLIMIT_NOFILE to the hard limit (a terminal with hundreds of tabs and IPC
/// clients needs descriptors), remembering the original for the programs we start.
pub fn raise_fd_limit() {
    let mut rl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct we pass; no other memory is touched.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } != 0 {
        return;
    }
    let _ = CHILD_NOFILE.set(rl.rlim_cur as i64);
    if rl.rlim_cur < rl.rlim_max {
        let raised = libc::rlimit { rlim_cur: rl.rlim_max, rlim_max: rl.rlim_max };
        // SAFETY: setrlimit only reads the struct we pass.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) };
    }
}

/// The user's shell: `$SHELL`, else the password database, else `/bin/sh`.
pub fn default_shell() -> OsString {
    if let Some(shell) = std::env::var_os("SHELL").filter(|s| !s.is_empty()) {
        return shell;
    }
    let mut buf = vec![0u8; 4096];
    let mut pwd: libc::passwd = unsafe_zeroed_passwd();
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r fills `pwd` with pointers into `buf`, which outlives their use here;
    // `result` is set to `&pwd` or null.
    let rc = unsafe {
        libc::getpwuid_r(libc::getuid(), &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result)
    };
    if rc == 0 && !result.is_null() && !pwd.pw_shell.is_null() {
        // SAFETY: pw_shell points to a NUL-terminated string inside `buf`.
        let shell = unsafe { std::ffi::CStr::from_ptr(pwd.pw_shell) };
        if !shell.to_bytes().is_empty() {
            return OsString::from_vec(shell.to_bytes().to_vec());
        }
    }
    OsString::from("/bin/sh")
}

fn unsafe_zeroed_passwd() -> libc::passwd {
    // SAFETY: passwd is plain old data (integers and pointers); all-zero is a valid value.
    unsafe { std::mem::zeroed() }
}

/// Find `program` the way execvp would: a path with a `/` is used as is, anything else is
/// looked up in `PATH`. Only executable regular files count.
pub fn resolve_program(program: &OsStr) -> Result<PathBuf, SpawnError> {
    let is_exec = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.as_bytes().contains(&b'/') {
        let p = PathBuf::from(program);
        return if is_exec(&p) {
            Ok(p)
        } else {
            Err(SpawnError::NotFound(program.to_string_lossy().into_owned()))
        };
    }
    if program.is_empty() {
        return Err(SpawnError::NotFound(String::new()));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(program);
        if is_exec(&candidate) {
            return Ok(candidate);
        }
    }
    Err(SpawnError::NotFound(program.to_string_lossy().into_owned()))
}

/// The environment a program in a tab gets: ours, with the terminal's own variables set and
/// stale size variables removed, and the launcher's one-use activation tokens
/// (`XDG_ACTIVATION_TOKEN`, `DESKTOP_STARTUP_ID`: the first window spent them) removed.
pub fn child_environment(extra: &[(OsString, OsString)]) -> Vec<(OsString, OsString)> {
    const DROP: &[&str] = &[
        "LINES",
        "COLUMNS",
        "TERMCAP",
        "UVTERM_SOCKET",
        "UVTERM_TAB",
        "XDG_ACTIVATION_TOKEN",
        "DESKTOP_STARTUP_ID",
    ];
    let mut env: Vec<(OsString, OsString)> =
        std::env::vars_os().filter(|(k, _)| !DROP.iter().any(|d| k == d)).collect();
    let mut set = |k: &str, v: OsString| {
        env.retain(|(key, _)| key != k);
        env.push((k.into(), v));
    };
    set("TERM", "xterm-256color".into());
    set("COLORTERM", "truecolor".into());
    set("TERM_PROGRAM", "uvterm".into());
    set("TERM_PROGRAM_VERSION", env!("CARGO_PKG_VERSION").into());
    for (k, v) in extra {
        env.retain(|(key, _)| key != k);
        env.push((k.clone(), v.clone()));
    }
    env
}

fn cstring(bytes: &[u8], what: &str) -> Result<CString, SpawnError> {
    CString::new(bytes).map_err(|_| SpawnError::InvalidArgument(format!("{what} contains NUL")))
}

/// Start `spec` on a new PTY.
pub fn spawn(spec: &SpawnSpec) -> Result<Pty, SpawnError> {
    let program = spec.program.clone().unwrap_or_else(default_shell);
    let file = resolve_program(&program)?;
    if let Some(cwd) = &spec.cwd
        && let Err(e) = std::fs::read_dir(cwd)
    {
        return Err(SpawnError::WorkingDirectory { path: cwd.clone(), error: e.to_string() });
    }
    let c_file = cstring(file.as_os_str().as_bytes(), "program path")?;
    let mut c_args = vec![cstring(program.as_bytes(), "program")?];
    for a in &spec.args {
        c_args.push(cstring(a.as_bytes(), "argument")?);
    }
    let mut c_env = Vec::new();
    for (k, v) in child_environment(&spec.env) {
        let mut entry = k.into_vec();
        if entry.contains(&b'=') {
            return Err(SpawnError::InvalidArgument("environment name contains '='".into()));
        }
        entry.push(b'=');
        entry.extend_from_slice(v.as_bytes());
        c_env.push(cstring(&entry, "environment")?);
    }
    let c_cwd = match &spec.cwd {
        Some(cwd) => Some(cstring(cwd.as_os_str().as_bytes(), "working directory")?),
        None => None,
    };
    let argv: Vec<*const libc::c_char> =
        c_args.iter().map(|c| c.as_ptr()).chain(std::iter::once(std::ptr::null())).collect();
    let envp: Vec<*const libc::c_char> =
        c_env.iter().map(|c| c.as_ptr()).chain(std::iter::once(std::ptr::null())).collect();
    let opts = ffi::SpawnOpts {
        file: c_file.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        cwd: c_cwd.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        rows: spec.lines.max(1),
        cols: spec.cols.max(1),
        xpixel: spec.cols.saturating_mul(spec.cell_width),
        ypixel: spec.lines.saturating_mul(spec.cell_height),
        nofile_soft: CHILD_NOFILE.get().copied().unwrap_or(-1) as libc::c_long,
    };
    let mut result = ffi::SpawnResult { master_fd: -1, pid: -1, stage: 0, error: 0 };
    // SAFETY: every pointer in `opts` points into CStrings/Vecs alive for this call; the C
    // side only reads them (and the child execs or exits). `result` is written by it.
    let rc = unsafe { ffi::uvterm_pty_spawn(&opts, &mut result) };
    if rc != 0 {
        let error = std::io::Error::from_raw_os_error(result.error).to_string();
        return Err(match result.stage {
            9 => SpawnError::WorkingDirectory { path: spec.cwd.clone().unwrap_or_default(), error },
            10 if result.error == libc::ENOENT => {
                SpawnError::NotFound(program.to_string_lossy().into_owned())
            }
            stage => SpawnError::Os { step: stage_name(stage), error },
        });
    }
    // SAFETY: the shim returned a freshly opened descriptor that nothing else owns.
    let master = unsafe { OwnedFd::from_raw_fd(result.master_fd) };
    Ok(Pty { master, pid: result.pid })
}

fn stage_name(stage: i32) -> &'static str {
    match stage {
        1 => "opening a pseudo-terminal",
        2 => "unlocking the pseudo-terminal",
        3 => "opening the terminal device",
        4 => "creating the exec-report pipe",
        5 => "fork",
        6 => "setsid",
        7 => "setting the controlling terminal",
        8 => "redirecting standard descriptors",
        9 => "changing directory",
        10 => "exec",
        _ => "spawn",
    }
}

/// Tell the program its window size (TIOCSWINSZ; the kernel sends it SIGWINCH).
pub fn resize(
    master: &impl AsRawFd,
    cols: u16,
    lines: u16,
    cell_w: u16,
    cell_h: u16,
) -> std::io::Result<()> {
    // SAFETY: plain ioctl on a descriptor we own; the shim builds the winsize itself.
    let rc = unsafe {
        ffi::uvterm_pty_resize(
            master.as_raw_fd(),
            lines.max(1),
            cols.max(1),
            cols.saturating_mul(cell_w),
            lines.saturating_mul(cell_h),
        )
    };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_programs_are_reported_clearly() {
        let spec = SpawnSpec {
            program: Some("definitely-not-a-command-xyz".into()),
            cols: 80,
            lines: 24,
            ..SpawnSpec::default()
        };
        let err = spawn(&spec).unwrap_err();
        assert_eq!(err, SpawnError::NotFound("definitely-not-a-command-xyz".into()));
        assert_eq!(err.to_string(), "definitely-not-a-command-xyz: command not found");
    }

    #[test]
    fn bad_working_directory_is_reported() {
        let spec = SpawnSpec {
            program: Some("/bin/true".into()),
            cwd: Some("/nonexistent/dir".into()),
            cols: 80,
            lines: 24,
            ..SpawnSpec::default()
        };
        assert!(matches!(spawn(&spec), Err(SpawnError::WorkingDirectory { .. })));
    }

    #[test]
    fn nul_in_arguments_is_rejected() {
        let spec = SpawnSpec {
            program: Some("/bin/echo".into()),
            args: vec![OsString::from_vec(b"a\0b".to_vec())],
            cols: 80,
            lines: 24,
            ..SpawnSpec::default()
        };
        assert!(matches!(spawn(&spec), Err(SpawnError::InvalidArgument(_))));
    }

    #[test]
    fn environment_is_terminal_flavoured() {
        let env = child_environment(&[("UVTERM_SOCKET".into(), "/tmp/x.sock".into())]);
        let get = |k: &str| env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(get("TERM"), Some("xterm-256color".into()));
        assert_eq!(get("COLORTERM"), Some("truecolor".into()));
        assert_eq!(get("UVTERM_SOCKET"), Some("/tmp/x.sock".into()));
        assert_eq!(get("LINES"), None);
    }
}
