//! The IPC protocol: one JSON object per line. A request names its command in `cmd`; a reply
//! is `{"ok":true,…}` or `{"ok":false,"error":"…"}`.

use serde::{Deserialize, Serialize};

/// Longest request line accepted (the connection is closed past it).
pub const MAX_LINE: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Request {
    CreateWindow {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<String>,
        /// Program and arguments; absent: the user's shell.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        command: Vec<String>,
    },
    CreateTab {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        command: Vec<String>,
    },
    CloseTab {
        tab: u64,
    },
    CloseWindow {
        window: u64,
    },
    List {},
    /// `text` may use `\e`, `\n`, `\r`, `\t`, `\xNN`, `\uXXXX` and `\\` escapes.
    SendText {
        tab: u64,
        text: String,
    },
    /// Paste `text` (taken literally, no escapes) as the clipboard would: controls defused
    /// by [`crate::paste::sanitize`], bracketed when the program set DECSET 2004.
    Paste {
        tab: u64,
        text: String,
    },
    GetText {
        tab: u64,
        #[serde(default)]
        scrollback: bool,
    },
    Resize {
        tab: u64,
        cols: u16,
        lines: u16,
    },
    Stats {},
    Shutdown {},
}

/// Decode the escapes `send-text` understands. Unknown escapes are kept as written.
pub fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('e') | Some('E') => out.push(0x1b),
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('a') => out.push(0x07),
            Some('b') => out.push(0x08),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(b) if hex.len() == 2 => out.push(b),
                    _ => {
                        out.extend_from_slice(b"\\x");
                        out.extend_from_slice(hex.as_bytes());
                    }
                }
            }
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => {
                        out.extend_from_slice(b"\\u");
                        out.extend_from_slice(hex.as_bytes());
                    }
                }
            }
            Some(other) => {
                out.push(b'\\');
                let mut buf = [0u8; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    out
}

/// An error reply line.
pub fn error_reply(message: &str) -> Vec<u8> {
    let mut line = serde_json::to_vec(&serde_json::json!({ "ok": false, "error": message }))
        .unwrap_or_else(|_| br#"{"ok":false,"error":"internal error"}"#.to_vec());
    line.push(b'\n');
    line
}

/// A success reply line carrying `fields` (an object) besides `"ok":true`.
pub fn ok_reply(fields: serde_json::Value) -> Vec<u8> {
    let mut object = serde_json::Map::new();
    object.insert("ok".into(), serde_json::Value::Bool(true));
    if let serde_json::Value::Object(map) = fields {
        object.extend(map);
    }
    let mut line = serde_json::to_vec(&serde_json::Value::Object(object))
        .unwrap_or_else(|_| br#"{"ok":false,"error":"internal error"}"#.to_vec());
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_reject_wrong_types() {
        let r: Request =
            serde_json::from_str(r#"{"cmd":"create-tab","window":3,"command":["htop"]}"#).unwrap();
        assert_eq!(
            r,
            Request::CreateTab { window: Some(3), cwd: None, command: vec!["htop".into()] }
        );
        assert!(serde_json::from_str::<Request>(r#"{"cmd":"close-tab","tab":"x"}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"cmd":"nope"}"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"cmd":"stats","extra":1}"#).is_err());
        assert_eq!(
            serde_json::from_str::<Request>(r#"{"cmd":"stats"}"#).unwrap(),
            Request::Stats {}
        );
        assert_eq!(serde_json::to_string(&Request::List {}).unwrap(), r#"{"cmd":"list"}"#);
        assert!(
            serde_json::from_str::<Request>(r#"{"cmd":"resize","tab":1,"cols":70000,"lines":2}"#)
                .is_err()
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\eb\n\x41\\\u00e9"), b"a\x1bb\nA\\\xc3\xa9".to_vec());
        assert_eq!(unescape(r"\q\x4"), br"\q\x4".to_vec());
    }
}
