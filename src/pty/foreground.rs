//! What runs in a terminal now: the foreground process group of a PTY (`tcgetpgrp` on the
//! master) and what `/proc` tells about a process (its working directory, its command name).
//! Used for a new pane's or tab's working directory (the focused terminal's), titles from
//! the foreground process and the close confirmation.
//!
//! Owns nothing: it reads the kernel's answers and gives them back (`None` when the process
//! is gone or `/proc` says nothing). Must not touch: the loop, the terminal state.

use std::io::Read;
use std::os::fd::RawFd;
use std::path::PathBuf;

/// The foreground process group of the terminal whose master side is `master`
/// (`tcgetpgrp(3)`, which Linux answers on the master as on the slave), or `None` when there
/// is none (the session leader exited) or `master` is not a terminal.
pub fn foreground_pgid(master: RawFd) -> Option<i32> {
    // SAFETY: tcgetpgrp only reads the terminal's foreground group; a bad descriptor is an
    // error return (-1), not undefined behaviour.
    let pgid = unsafe { libc::tcgetpgrp(master) };
    (pgid > 0).then_some(pgid)
}

/// The working directory of process `pid` (`/proc/PID/cwd`), when it is readable (our own
/// user's processes) and still a directory (not deleted since).
pub fn process_cwd(pid: i32) -> Option<PathBuf> {
    if pid <= 0 {
        return None;
    }
    let path = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
    path.is_dir().then_some(path)
}

/// The kernel's command name of process `pid` (`/proc/PID/comm`: at most 15 bytes, the
/// program's file name unless the process renamed itself), without its newline.
pub fn process_name(pid: i32) -> Option<String> {
    if pid <= 0 {
        return None;
    }
    let file = std::fs::File::open(format!("/proc/{pid}/comm")).ok()?;
    let mut name = String::new();
    // Bounded: comm is 16 bytes with its newline; a longer read would be a different /proc.
    file.take(64).read_to_string(&mut name).ok()?;
    let name = name.trim_end_matches('\n');
    (!name.is_empty()).then(|| name.to_owned())
}

/// The working directory of what runs in a terminal: its foreground process group's leader's
/// (a shell's job, or the shell itself at its prompt), else its first program's (`child`).
/// `None` when neither can be read. (A program's OSC 7 report, when it sent one, is the
/// better answer; callers that have one use it first.)
pub fn working_directory(master: RawFd, child: i32) -> Option<PathBuf> {
    foreground_pgid(master).and_then(process_cwd).or_else(|| process_cwd(child))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_process_is_readable() {
        let me = std::process::id() as i32;
        assert_eq!(process_cwd(me), std::env::current_dir().ok());
        assert!(process_name(me).is_some_and(|n| !n.is_empty() && n.len() <= 15));
        assert_eq!(process_cwd(0), None);
        assert_eq!(process_name(-1), None);
        // Not a terminal: no foreground group.
        let file = std::fs::File::open("/proc/self/comm").ok();
        let fd = file.as_ref().map_or(-1, std::os::fd::AsRawFd::as_raw_fd);
        assert_eq!(foreground_pgid(fd), None);
    }
}
