//! Strings from the program: titles and the title stack (OSC 0/1/2, XTWINOPS 22/23), the
//! working directory (OSC 7), hyperlinks (OSC 8), the clipboard (OSC 52) and shell-integration
//! prompt marks (OSC 133). Every string is bounded before it is kept.

use crate::*;

impl Term {
    pub(crate) fn set_title(&mut self, title: &str) {
        let Some(title) = self.title_text(title) else { return };
        self.title = truncate_utf8(&title, TITLE_MAX).to_owned();
        self.events.push(TermEvent::TitleChanged);
    }

    pub(crate) fn set_icon_name(&mut self, name: &str) {
        let Some(name) = self.title_text(name) else { return };
        self.icon_name = truncate_utf8(&name, TITLE_MAX).to_owned();
    }

    /// A label as the program sent it: hex-decoded under XTSMTITLE 0 (`None` when it is not
    /// valid hex of UTF-8, which xterm ignores too).
    fn title_text(&self, text: &str) -> Option<String> {
        if self.title_modes & TITLE_SET_HEX == 0 {
            return Some(text.to_owned());
        }
        let bytes = text.as_bytes();
        if !bytes.len().is_multiple_of(2) || !bytes.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let decoded: Vec<u8> = bytes
            .chunks(2)
            .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect();
        String::from_utf8(decoded).ok()
    }

    /// XTWINOPS 22: push the icon name (`which` 0 or 1) and/or the title (0 or 2) as one
    /// entry; an entry keeps only what was pushed.
    pub(crate) fn push_title(&mut self, which: u16) {
        if which > 2 {
            return;
        }
        if self.title_stack.len() >= TITLE_STACK_MAX {
            self.title_stack.remove(0);
        }
        let title = (which != 1).then(|| self.title.clone());
        let icon = (which != 2).then(|| self.icon_name.clone());
        self.title_stack.push((title, icon));
    }

    /// XTWINOPS 23: pop the newest entry and restore the icon name (`which` 0 or 1) and/or
    /// the title (0 or 2) from it; a member the entry lacks comes from the nearest older
    /// entry that has it (xterm's `TryHigher`), or stays as it is.
    pub(crate) fn pop_title(&mut self, which: u16) {
        if which > 2 {
            return;
        }
        let Some((title, icon)) = self.title_stack.pop() else { return };
        let older_title = || self.title_stack.iter().rev().find_map(|(t, _)| t.clone());
        let older_icon = || self.title_stack.iter().rev().find_map(|(_, i)| i.clone());
        let title = title.or_else(older_title);
        let icon = icon.or_else(older_icon);
        if which != 2
            && let Some(icon) = icon
        {
            self.icon_name = icon;
        }
        if which != 1
            && let Some(title) = title
        {
            self.title = title;
            self.events.push(TermEvent::TitleChanged);
        }
    }

    pub(crate) fn set_working_directory(&mut self, uri: &str) {
        if let Some(path) = file_uri_path(uri) {
            let host = uri.strip_prefix("file://").and_then(|r| r.split('/').next());
            // Bounded like a DNS name: a longer "host" is kept cut, never allocated in full.
            let host: String = host.unwrap_or_default().chars().take(255).collect();
            self.working_directory_host = host;
            self.working_directory = Some(path.clone());
            self.events.push(TermEvent::WorkingDirectory(path));
        }
    }

    pub(crate) fn set_hyperlink(&mut self, id: Option<&str>, uri: Option<&str>) {
        let link = match uri {
            None => LinkId::NONE,
            Some(uri) => {
                let ident = match id {
                    Some(id) => LinkIdent::Explicit(id.into()),
                    None => {
                        self.next_anonymous_link += 1;
                        LinkIdent::Anonymous(self.next_anonymous_link)
                    }
                };
                let link = Hyperlink { ident, uri: uri.into() };
                match self.tables.links.intern(&link) {
                    Some(id) => LinkId(id),
                    None => LinkId::NONE,
                }
            }
        };
        self.set_pen_link(link);
    }

    pub(crate) fn clipboard_store(&mut self, selection: u8, base64: &[u8]) {
        if let Some(data) = base64_decode(base64) {
            self.events.push(TermEvent::ClipboardStore { selection, data });
        }
    }

    pub(crate) fn clipboard_load(&mut self, selection: u8, terminator: StringTerminator) {
        if self.config.allow_clipboard_read {
            self.events.push(TermEvent::ClipboardLoad { selection, terminator });
        }
    }

    pub(crate) fn prompt_mark(&mut self, mark: PromptMark) {
        let flag = match mark {
            PromptMark::PromptStart => RowFlags::PROMPT_START,
            PromptMark::CommandStart => RowFlags::COMMAND_START,
            PromptMark::OutputStart => RowFlags::OUTPUT_START,
            PromptMark::CommandEnd => RowFlags::COMMAND_END,
        };
        let line = self.cursor.point.line;
        self.grid_mut().row_mut(line).flags |= flag;
    }
}

/// Bound on a notification's title and on its body, in bytes.
pub const NOTIFY_TEXT_MAX: usize = 4096;

/// A kitty notification being assembled from `d=0` chunks.
#[derive(Debug, Clone, Default)]
pub(crate) struct PendingNotification {
    id: String,
    title: String,
    body: String,
}

impl Term {
    /// OSC 9 / OSC 777: a notification, its strings bounded to [`NOTIFY_TEXT_MAX`] bytes.
    pub(crate) fn notify(&mut self, protocol: NotifyProtocol, title: &str, body: &str) {
        self.events.push(TermEvent::Notification {
            protocol,
            title: truncate_utf8(title, NOTIFY_TEXT_MAX).to_owned(),
            body: truncate_utf8(body, NOTIFY_TEXT_MAX).to_owned(),
        });
    }

    /// OSC 99 (kitty's desktop notifications protocol): `i=` names a notification, `d=0`
    /// says more chunks follow, `p=title|body` says what the payload is (title by default),
    /// `e=1` that it is base64. Other payload kinds (icons, buttons, queries) are ignored.
    pub(crate) fn kitty_notify(&mut self, metadata: &[u8], payload: &[u8]) {
        let mut id = "";
        let mut done = true;
        let mut part = "title";
        let mut base64 = false;
        let metadata = String::from_utf8_lossy(metadata);
        for kv in metadata.split(':') {
            match kv.split_once('=') {
                Some(("i", v)) => id = v,
                Some(("d", v)) => done = v != "0",
                Some(("p", v)) => part = v,
                Some(("e", v)) => base64 = v == "1",
                _ => (),
            }
        }
        if part != "title" && part != "body" {
            return;
        }
        let text = if base64 {
            match base64_decode(payload) {
                Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                None => return,
            }
        } else {
            String::from_utf8_lossy(payload).into_owned()
        };
        let mut pending = match self.pending_notification.take() {
            Some(p) if p.id == id => p,
            // A chunk of another notification replaces the unfinished one (kitty does too).
            _ => PendingNotification { id: truncate_utf8(id, 64).to_owned(), ..Default::default() },
        };
        let target = if part == "title" { &mut pending.title } else { &mut pending.body };
        let room = NOTIFY_TEXT_MAX.saturating_sub(target.len());
        target.push_str(truncate_utf8(&text, room));
        if done {
            self.events.push(TermEvent::Notification {
                protocol: NotifyProtocol::Kitty,
                title: pending.title,
                body: pending.body,
            });
        } else {
            self.pending_notification = Some(pending);
        }
    }
}

pub(crate) fn truncate_utf8(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// The path of a `file://host/path` URI (percent-decoded), or a bare absolute path.
fn file_uri_path(uri: &str) -> Option<String> {
    let path = if let Some(rest) = uri.strip_prefix("file://") {
        let slash = rest.find('/')?;
        &rest[slash..]
    } else if uri.starts_with('/') {
        uri
    } else {
        return None;
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    (!s.contains('\0')).then_some(s)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    out
}

pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b'\r' | b'\n' | b' ' => continue,
            _ => return None,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// XTSMTITLE mode bits (`Term::title_modes`): labels set in hex, reported in hex.
pub(crate) const TITLE_SET_HEX: u8 = 1 << 0;
pub(crate) const TITLE_QUERY_HEX: u8 = 1 << 1;

/// Bound on the title/icon-name stack (XTWINOPS 22/23).
pub(crate) const TITLE_STACK_MAX: usize = 16;

/// Bound on a title's length, in bytes.
pub(crate) const TITLE_MAX: usize = 4096;
