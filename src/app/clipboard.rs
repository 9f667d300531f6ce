//! The system clipboard and primary selection, for copy, paste, middle-click paste and OSC 52.
//!
//! On X11, `arboard` (CLIPBOARD and PRIMARY selections). On Wayland, `smithay-clipboard`, on
//! the window's own Wayland connection: `wl_data_device` for the clipboard and
//! `zwp_primary_selection_v1` for the primary selection. It is chosen over `arboard`'s
//! `wayland-data-control` feature and `wl-clipboard-rs` because those speak only the
//! wlr/ext data-control protocol, which GNOME's mutter does not offer (arboard would then fall
//! back to X11 through Xwayland, or fail), while the core data device works on every
//! compositor; it is what Alacritty uses, maintained by the Smithay project, and it shares
//! winit's smithay-client-toolkit.
//!
//! smithay-clipboard's `load` waits without a deadline for the selection's owner to write its
//! data. The Wayland clipboard therefore lives on its own thread, and the UI waits at most
//! [`LOAD_TIMEOUT`] for an answer: a source that never writes costs one paste, not a hung
//! window. Text read is capped at [`MAX_PASTE_BYTES`].
//!
//! Owns only the clipboard objects; must not touch windows, tabs or PTYs. The Wayland worker
//! uses the display of the event loop: [`Clipboard`] must be dropped before the event loop
//! (the app does it in `exiting`).

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// How long a paste waits for the selection's owner on Wayland.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(2);
/// The most text one paste takes (bytes; cut at a character boundary): what the I/O thread
/// queues in one paste.
pub const MAX_PASTE_BYTES: usize = crate::io::MAX_PASTE_BYTES;

/// A request to the Wayland clipboard thread.
pub enum Request {
    Store { text: String, primary: bool },
    Load { primary: bool, reply: Sender<Option<String>> },
}

/// The clipboard of the display the windows are on.
pub enum Clipboard {
    X11(arboard::Clipboard),
    Wayland { requests: Sender<Request>, thread: Option<std::thread::JoinHandle<()>> },
}

/// A raw pointer to the event loop's `wl_display`, moved into the clipboard thread once.
struct DisplayPtr(*mut std::ffi::c_void);
// SAFETY: libwayland's `wl_display` is thread-safe for the use smithay-clipboard makes of it
// (its own event queue on the shared connection); the pointer is only handed over.
unsafe impl Send for DisplayPtr {}

impl Clipboard {
    /// The clipboard for `display`: Wayland's when the event loop runs on Wayland, X11's
    /// otherwise. `Err` when there is none (e.g. X11 without a server).
    pub fn new(display: raw_window_handle::RawDisplayHandle) -> Result<Clipboard, String> {
        if let raw_window_handle::RawDisplayHandle::Wayland(h) = display {
            let ptr = DisplayPtr(h.display.as_ptr());
            let (requests, rx) = channel::<Request>();
            let thread = std::thread::Builder::new()
                .name("uvterm-clipboard".into())
                .spawn(move || {
                    let ptr = ptr;
                    // SAFETY: the pointer is the live `wl_display` of winit's event loop,
                    // which outlives this thread: the app drops the `Clipboard` (joining this
                    // thread) in `exiting`, before the event loop closes the connection.
                    let cb = unsafe { smithay_clipboard::Clipboard::new(ptr.0) };
                    serve(cb, rx);
                })
                .map_err(|e| e.to_string())?;
            return Ok(Clipboard::Wayland { requests, thread: Some(thread) });
        }
        arboard::Clipboard::new().map(Clipboard::X11).map_err(|e| e.to_string())
    }

    /// Put `text` on the clipboard (`primary`: the primary selection).
    pub fn store(&mut self, text: &str, primary: bool) {
        match self {
            Clipboard::X11(cb) => {
                use arboard::SetExtLinux;
                let kind = kind(primary);
                if let Err(e) = cb.set().clipboard(kind).text(text.to_owned()) {
                    log::warn!("clipboard: {e}");
                }
            }
            Clipboard::Wayland { requests, .. } => {
                let _ = requests.send(Request::Store { text: text.to_owned(), primary });
            }
        }
    }

    /// The clipboard's text (`primary`: the primary selection's), if any.
    pub fn load(&mut self, primary: bool) -> Option<String> {
        let text = match self {
            Clipboard::X11(cb) => {
                use arboard::GetExtLinux;
                // arboard gives an owner 4 s to hand the text over (a multi-megabyte paste
                // from a slow owner can take longer): say so rather than paste nothing
                // silently. An empty selection is no error.
                match cb.get().clipboard(kind(primary)).text() {
                    Ok(text) => Some(text),
                    Err(arboard::Error::ContentNotAvailable) => None,
                    Err(e) => {
                        log::warn!("paste: the {} could not be read: {e}", name(primary));
                        None
                    }
                }
            }
            Clipboard::Wayland { requests, .. } => {
                let (reply, answer) = channel();
                requests.send(Request::Load { primary, reply }).ok()?;
                match answer.recv_timeout(LOAD_TIMEOUT) {
                    Ok(text) => text,
                    Err(_) => {
                        log::warn!(
                            "paste: the {}'s owner gave no text within {LOAD_TIMEOUT:?}",
                            name(primary)
                        );
                        None
                    }
                }
            }
        };
        text.map(cap)
    }
}

impl Drop for Clipboard {
    fn drop(&mut self) {
        if let Clipboard::Wayland { requests, thread } = self {
            // Closing the channel ends the thread, which drops smithay's clipboard (joining
            // its worker). A thread stuck in a load is left; it ends with the process.
            let (closed, _) = channel();
            *requests = closed;
            if let Some(t) = thread.take() {
                let (done_tx, done_rx) = channel();
                std::thread::spawn(move || {
                    let _ = t.join();
                    let _ = done_tx.send(());
                });
                let _ = done_rx.recv_timeout(LOAD_TIMEOUT);
            }
        }
    }
}

/// The selection's name, for messages.
fn name(primary: bool) -> &'static str {
    if primary { "primary selection" } else { "clipboard" }
}

fn kind(primary: bool) -> arboard::LinuxClipboardKind {
    if primary {
        arboard::LinuxClipboardKind::Primary
    } else {
        arboard::LinuxClipboardKind::Clipboard
    }
}

/// The Wayland clipboard thread: one request at a time until the UI drops its sender.
fn serve(cb: smithay_clipboard::Clipboard, rx: Receiver<Request>) {
    for request in rx {
        match request {
            Request::Store { text, primary: false } => cb.store(text),
            Request::Store { text, primary: true } => cb.store_primary(text),
            Request::Load { primary, reply } => {
                let text = if primary { cb.load_primary() } else { cb.load() };
                let text = text
                    .map_err(|e| log::warn!("paste: the {} could not be read: {e}", name(primary)));
                let _ = reply.send(text.ok());
            }
        }
    }
}

/// `text` cut to at most [`MAX_PASTE_BYTES`], at a character boundary (with a warning: the
/// rest is not pasted).
fn cap(mut text: String) -> String {
    if text.len() > MAX_PASTE_BYTES {
        log::warn!(
            "the clipboard holds {} bytes; only the first {MAX_PASTE_BYTES} are pasted",
            text.len()
        );
        text.truncate(text.floor_char_boundary(MAX_PASTE_BYTES));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_cuts_at_a_character_boundary() {
        let s = "é".repeat(MAX_PASTE_BYTES / 2 + 1);
        let c = cap(s);
        assert!(c.len() <= MAX_PASTE_BYTES);
        assert!(c.chars().all(|ch| ch == 'é'));
        assert_eq!(cap("abc".into()), "abc");
    }
}
