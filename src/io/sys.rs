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

/// True when a connected socket has bytes waiting to be read (a non-blocking `MSG_PEEK`, which
/// consumes nothing). False on EOF, on error and for `fd < 0`.
pub fn has_pending_input(fd: i32) -> bool {
    if fd < 0 {
        return false;
    }
    let mut byte = 0u8;
    // SAFETY: recv writes at most one byte into `byte`; MSG_PEEK leaves it in the socket and
    // MSG_DONTWAIT never blocks. A descriptor that is not a socket gives an error (false).
    let n = unsafe {
        libc::recv(fd, (&mut byte as *mut u8).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT)
    };
    n > 0
}

/// Wait up to `timeout` for `fd` to become readable (or hung up); true if it did. Returns
/// early on a signal (false). For `fd < 0`, false at once.
pub fn wait_readable(fd: i32, timeout: std::time::Duration) -> bool {
    if fd < 0 {
        return false;
    }
    let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    let ts = libc::timespec {
        tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: libc::c_long::from(timeout.subsec_nanos() as i32),
    };
    // SAFETY: ppoll reads the one pollfd and the timespec we pass and writes only the
    // pollfd's `revents`; a null signal mask leaves the thread's mask as it is.
    let n = unsafe { libc::ppoll(&mut pfd, 1, &ts, std::ptr::null()) };
    n > 0
}

/// Give freed heap memory back to the system. glibc keeps freed memory in its arenas; a
/// terminal whose tabs come and go (each with megabytes of scrollback) would otherwise keep
/// its peak RSS for ever.
pub fn trim_heap() {
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe { libc::malloc_trim(0) };
}

/// Blocks from this size up (bytes) get their own `mmap` and go back to the OS when freed.
pub const MMAP_THRESHOLD: usize = 4 * 1024 * 1024;

/// Fix glibc's heap thresholds for the process (call before any thread starts). Left
/// dynamic, freeing one large block (a paste, a clipboard read) raises the mmap threshold to
/// its size, up to 32 MiB, and the trim threshold to twice that: the next blocks of that size
/// come from a thread's arena, and once freed stay resident, where `malloc_trim` does not
/// reach either (it leaves a thread arena's top alone) — a 20 MB paste left the window
/// 19 MiB larger for good. Fixed, blocks of [`MMAP_THRESHOLD`] and more are mapped and
/// unmapped, and an arena's free top over 128 KiB (glibc's default) goes back at once.
pub fn fix_heap_thresholds() {
    // SAFETY: mallopt only sets the allocator's own parameters; the value fits a c_int.
    let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int) };
    if ok == 0 {
        log::debug!("mallopt(M_MMAP_THRESHOLD) refused; heap thresholds stay dynamic");
    }
}

/// Heap bytes the allocator has handed out and not had back (glibc's `mallinfo2`:
/// `uordblks`, the arenas' bytes in use, plus `hblkhd`, the blocks served by `mmap`).
pub fn allocator_in_use() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's own counters and returns them by value.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as u64
}

/// One process as `/proc/PID/stat` describes it.
#[derive(Debug, Clone)]
pub struct ProcStat {
    pub pid: i32,
    pub ppid: i32,
    /// The command name (at most 15 bytes, the kernel's `comm`).
    pub comm: String,
    /// User plus system CPU time, in milliseconds.
    pub cpu_ms: u64,
    /// Resident set size, in bytes.
    pub rss_bytes: u64,
}

/// Most processes read from `/proc` for one ledger (the scan stops there).
pub const MAX_PROCS_SCANNED: usize = 65_536;

/// Every process of the system (at most [`MAX_PROCS_SCANNED`]), read from `/proc/*/stat`
/// (proc(5)); processes that vanish while being read are skipped.
pub fn scan_processes() -> Vec<ProcStat> {
    // SAFETY: sysconf only reads a configuration value.
    let (tick, page) =
        unsafe { (libc::sysconf(libc::_SC_CLK_TCK), libc::sysconf(libc::_SC_PAGESIZE)) };
    let tick = if tick > 0 { tick as u64 } else { 100 };
    let page = if page > 0 { page as u64 } else { 4096 };
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut out = Vec::new();
    for entry in dir.flatten().take(MAX_PROCS_SCANNED * 2) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        if let Some(stat) = parse_stat(pid, &text, tick, page) {
            out.push(stat);
        }
        if out.len() >= MAX_PROCS_SCANNED {
            break;
        }
    }
    out
}

/// `/proc/PID/stat`: `pid (comm) state ppid …`, the comm in parentheses may hold anything,
/// so fields are counted after its last `)`. utime and stime are fields 14 and 15, rss 24.
fn parse_stat(pid: i32, text: &str, tick: u64, page: u64) -> Option<ProcStat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_owned();
    let rest: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // rest[0] is field 3 (state).
    let field = |n: usize| rest.get(n - 3).and_then(|v| v.parse::<u64>().ok());
    let ppid = rest.get(1).and_then(|v| v.parse::<i32>().ok())?;
    let cpu_ticks = field(14)? + field(15)?;
    Some(ProcStat {
        pid,
        ppid,
        comm,
        cpu_ms: cpu_ticks * 1000 / tick,
        rss_bytes: field(24)? * page,
    })
}

/// This machine's host name (`gethostname(2)`), for telling a local OSC 7 directory from
/// one a shell on another machine reported; `None` when it cannot be read or is not UTF-8.
pub fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer we own.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    std::str::from_utf8(&buf[..end]).ok().filter(|h| !h.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn pending_input_is_seen_without_being_consumed() {
        let (mut client, mut server) = UnixStream::pair().expect("socketpair");
        assert!(!super::has_pending_input(server.as_raw_fd()), "nothing sent yet");
        client.write_all(b"{}\n").expect("write");
        assert!(super::has_pending_input(server.as_raw_fd()));
        assert!(super::has_pending_input(server.as_raw_fd()), "peeking consumes nothing");
        let mut buf = [0u8; 3];
        server.read_exact(&mut buf).expect("the bytes are all still there");
        assert_eq!(&buf, b"{}\n");
        assert!(!super::has_pending_input(server.as_raw_fd()), "all read");
        drop(client);
        assert!(!super::has_pending_input(server.as_raw_fd()), "EOF is not input");
        assert!(!super::has_pending_input(-1));
    }
}
