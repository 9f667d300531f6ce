//! What runs on a PTY right now: the foreground process group of a master (`tcgetpgrp`) and
//! the `/proc` look-ups about one process (its working directory and its command name).
//!
//! Owns nothing: every function is a single system call or file read, answered on the I/O
//! thread (which owns the masters). A process that has gone, a `/proc` that is not mounted
//! or a descriptor that is not a terminal all answer `None`; none of them is an error the
//! caller could act on. Linux-only, like the rest of uvterm.

use std::os::fd::RawFd;
use std::path::PathBuf;

/// The longest command name returned by [`process_name`], in bytes. The kernel's `comm` is at
/// most 15 bytes (`TASK_COMM_LEN` 16 with its NUL); the cap guards against a `/proc` that
/// answers something else.
pub const MAX_NAME_BYTES: usize = 64;

/// The foreground process group of the terminal whose master is `master_fd`, as
/// `tcgetpgrp(3)` reports it (POSIX: on the master of a Linux PTY it answers for the slave).
///
/// Returns `None` when the descriptor is not a terminal, is closed, or no process group is
/// in the foreground (the slave has no session any more). A shell at its prompt is its own
/// foreground group (its pid, since the PTY's child is the session leader); a job it runs in
/// the foreground has the job's group.
pub fn foreground_pgid(master_fd: RawFd) -> Option<i32> {
    if master_fd < 0 {
        return None;
    }
    // SAFETY: tcgetpgrp only reads the descriptor's terminal state; a bad or closed descriptor
    // makes it fail with EBADF/ENOTTY, which we report as None.
    let pgid = unsafe { libc::tcgetpgrp(master_fd) };
    (pgid > 0).then_some(pgid)
}

/// The working directory of process `pid`: the target of the `/proc/PID/cwd` link.
///
/// Returns `None` when the process is gone, belongs to another user without the right to
/// look (EACCES), or `pid` is not positive. A directory that was deleted reads as
/// "PATH (deleted)" from the kernel; it is reported as `None` too, since a new tab cannot
/// start there.
pub fn process_cwd(pid: i32) -> Option<PathBuf> {
    if pid <= 0 {
        return None;
    }
    let path = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
    if !path.is_absolute() || path.to_string_lossy().ends_with(" (deleted)") {
        return None;
    }
    Some(path)
}

/// The command name of process `pid` (`/proc/PID/comm`: the executable's basename, at most 15
/// bytes, or what the program set with `prctl(PR_SET_NAME)`), without its trailing newline and
/// capped at [`MAX_NAME_BYTES`] on a character boundary.
///
/// Returns `None` when the process is gone, `pid` is not positive or the name is empty.
pub fn process_name(pid: i32) -> Option<String> {
    if pid <= 0 {
        return None;
    }
    let bytes = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut name = text.trim_end_matches(['\n', '\0']).trim().to_string();
    if name.len() > MAX_NAME_BYTES {
        let mut end = MAX_NAME_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_found() {
        let me = std::process::id() as i32;
        let cwd = process_cwd(me).expect("our own cwd");
        assert_eq!(cwd, std::env::current_dir().expect("current_dir"));
        let name = process_name(me).expect("our own name");
        assert!(!name.is_empty() && name.len() <= 15, "{name:?}");
    }

    #[test]
    fn bad_pids_and_descriptors_answer_none() {
        assert_eq!(process_cwd(0), None);
        assert_eq!(process_cwd(-5), None);
        assert_eq!(process_name(0), None);
        // pid_max is at most 2^22 on Linux.
        assert_eq!(process_name(i32::MAX), None);
        assert_eq!(foreground_pgid(-1), None);
        let file = std::fs::File::open("/proc/self/comm").expect("open");
        use std::os::fd::AsRawFd;
        assert_eq!(foreground_pgid(file.as_raw_fd()), None, "not a terminal");
    }

    #[test]
    fn pty_foreground_group_is_the_shell_then_the_job() {
        let spec = crate::pty::SpawnSpec {
            program: Some("sh".into()),
            args: vec!["-c".into(), "exec sleep 30".into()],
            cols: 80,
            lines: 24,
            ..Default::default()
        };
        let pty = crate::pty::spawn(&spec).expect("spawn");
        use std::os::fd::AsRawFd;
        // The child is a session leader; after exec it is `sleep` and its group is in front.
        let mut seen = None;
        for _ in 0..200 {
            if process_name(pty.pid).as_deref() == Some("sleep") {
                seen = foreground_pgid(pty.master.as_raw_fd());
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // SAFETY: plain kill/waitpid on the child we spawned.
        unsafe {
            libc::kill(pty.pid, libc::SIGKILL);
            libc::waitpid(pty.pid, std::ptr::null_mut(), 0);
        }
        assert_eq!(seen, Some(pty.pid));
    }
}
