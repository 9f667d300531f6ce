//! The few process syscalls the I/O core needs (signals, reaping, counting descriptors and
//! memory), wrapped so the rest of `src/io` stays safe.

/// What `waitpid(pid, WNOHANG)` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reap {
    Running,
    /// Exited: the exit code, or 128 + the signal that killed it.
    Exited(i32),
    /// Not (or no longer) our child.
    Gone,
}

pub fn try_reap(pid: i32) -> Reap {
    let mut status: libc::c_int = 0;
    loop {
        // SAFETY: waitpid only writes the status integer we pass.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if rc == 0 {
            return Reap::Running;
        }
        if rc == pid {
            return Reap::Exited(if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else if libc::WIFSIGNALED(status) {
                128 + libc::WTERMSIG(status)
            } else {
                // Stopped/continued are not reported with these flags.
                return Reap::Running;
            });
        }
        if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return Reap::Gone;
    }
}

/// Send `signal` to the process group led by `pid`, and to `pid` itself (in case it left
/// its group).
pub fn signal_group(pid: i32, signal: i32) {
    if pid <= 0 {
        return;
    }
    // SAFETY: kill has no memory effects; a stale pid at worst fails with ESRCH.
    unsafe {
        libc::kill(-pid, signal);
        libc::kill(pid, signal);
    }
}

/// Open file descriptors of this process.
pub fn open_fds() -> usize {
    match std::fs::read_dir("/proc/self/fd") {
        // The directory handle itself is one of the entries.
        Ok(dir) => dir.count().saturating_sub(1),
        Err(_) => 0,
    }
}

/// Resident set size in bytes.
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
    // SAFETY: sysconf only reads a configuration value.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * if page > 0 { page as u64 } else { 4096 }
}

/// This process's real uid.
pub fn current_uid() -> u32 {
    // SAFETY: getuid cannot fail and has no memory effects.
    unsafe { libc::getuid() }
}

/// The uid of the process at the other end of a connected Unix socket (`SO_PEERCRED`).
pub fn peer_uid(fd: i32) -> std::io::Result<u32> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, which is that large.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc == 0 { Ok(cred.uid) } else { Err(std::io::Error::last_os_error()) }
}

/// Give freed heap memory back to the system. glibc keeps freed memory in its arenas; a
/// terminal whose tabs come and go (each with megabytes of scrollback) would otherwise keep
/// its peak RSS for ever.
pub fn trim_heap() {
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe { libc::malloc_trim(0) };
}
