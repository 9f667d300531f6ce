//! IPC: scripting a running uvterm over a Unix socket (`uvterm msg …`).
//!
//! * [`socket`] — where the socket lives and how it is made safe (private directory, mode
//!   0600, stale sockets replaced).
//! * [`protocol`] — one JSON object per line, request → reply.
//! * the server side lives in the I/O core (`io::control`): connections are libuv handles
//!   like any other (slotmap key in `data`, freed in the close callback).
//! * [`client`] — `uvterm msg`; [`top`] — `uvterm msg top`, the ledger as a table.

pub mod client;
pub mod protocol;
pub mod socket;
pub mod top;
