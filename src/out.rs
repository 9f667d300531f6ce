//! The command line's results on stdout. A reader that goes away (`uvterm msg get-text 1 |
//! head`) ends the command quietly with status 141 (128 + SIGPIPE), as a C tool killed by the
//! signal would, where Rust's `println!` would panic: the process ignores SIGPIPE, because the
//! PTYs and sockets it writes to must report EPIPE rather than kill it.
//! Owns nothing but stdout; every CLI path prints through [`print`].

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

/// The exit status after the reader of stdout went away (128 + SIGPIPE).
pub const BROKEN_PIPE_STATUS: u8 = 141;

/// Write `text` to stdout and flush it. `Err` carries the status to exit with: 141, silently,
/// when the reader is gone; 1, with a message on stderr, for any other write error.
pub fn print(text: &str) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(ExitCode::from(BROKEN_PIPE_STATUS)),
        Err(e) => {
            eprintln!("uvterm: cannot write to stdout: {e}");
            Err(ExitCode::from(1))
        }
    }
}

/// [`print`] with a newline after `text`.
pub fn println(text: &str) -> Result<(), ExitCode> {
    print(&format!("{text}\n"))
}
