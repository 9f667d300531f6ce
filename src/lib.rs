//! uvterm: a GPU-rendered, tabbed, multi-window terminal emulator.
//!
//! The library holds everything; `src/main.rs` only calls [`cli::main`]. Modules:
//! * [`term`] — the terminal core (pure: bytes in, screen state out).
//! * [`cli`] — the command line.

pub mod cli;
pub mod io;
pub mod ipc;
pub mod pty;
pub mod term;
