//! uvterm: a GPU-rendered, tabbed, multi-window terminal emulator.
//!
//! The library holds everything; `src/main.rs` only calls [`cli::main`]. Modules:
//! * [`term`] — the terminal core (pure: bytes in, screen state out), the `uvterm-terminal`
//!   package in `crates/terminal`, re-exported under its old path.
//! * [`io`] — the libuv I/O loop: tabs, PTYs, children, IPC connections.
//! * [`pty`] — spawning programs on pseudo-terminals.
//! * [`ipc`] — the socket protocol, server and `uvterm msg` client.
//! * [`render`] — the GL renderer, glyph atlas and fonts.
//! * [`app`] — the winit application: windows, tabs, input.
//! * [`paste`] — the text-to-bytes rule every paste path shares.
//! * [`cli`] — the command line; [`out`] — its stdout, quiet on a broken pipe.

pub mod app;
pub mod cli;
pub mod hash;
pub mod io;
pub mod ipc;
pub mod out;
pub mod paste;
pub mod pty;
pub mod render;
pub mod trace;

/// The terminal core lives in its own package (`crates/terminal`) so that the compiler keeps
/// it free of windowing, GL, PTY and libuv crates; it keeps its old path here.
pub use uvterm_terminal as term;
