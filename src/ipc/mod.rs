//! IPC: scripting a running uvterm over a Unix socket (`uvterm msg …`).
//!
//! * [`socket`] — where the socket lives and how it is made safe (private directory, mode
//!   0600, stale sockets replaced).
//! * [`protocol`] — one JSON object per line, request → reply.
//! * [`server`] — the server side, on the I/O loop: connections are libuv handles like any
//!   other (slotmap key in `data`, freed in the close callback), and every connection is
//!   closed by the server after EOF, on bad input, on overlong lines and on idle timeout.
//! * [`client`] — `uvterm msg`.

pub mod client;
pub mod protocol;
pub mod server;
pub mod socket;
