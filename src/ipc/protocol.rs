//! The IPC protocol: one JSON object per line. A request names its command in `cmd`; a reply
//! is `{"ok":true,…}` or `{"ok":false,"error":"…"}`.
//!
//! [`JsonCodec`] is what the I/O core's control socket is given: it turns a line into an
//! `io::Request` and a result into a line. It owns the wire format only; whether a request
//! may be carried out (sizes, limits, ids) is decided by the I/O core, for IPC and the window
//! alike. Must not touch: `io::IoState` or anything else on the loop.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::io::{self, OpenTab, Response, TabId, WindowId, WindowTarget};
use crate::pty::SpawnSpec;

/// Longest request line accepted (the connection is closed past it).
pub use crate::io::MAX_LINE;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Request {
    CreateWindow {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<String>,
        /// Program and arguments; absent: the user's shell.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        command: Vec<String>,
        /// The client's startup token (`XDG_ACTIVATION_TOKEN` / `DESKTOP_STARTUP_ID`), with
        /// which the new window asks the compositor for focus (xdg-activation); bounded by
        /// the I/O core (`io::MAX_ACTIVATION_TOKEN_BYTES`, printable ASCII).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        activation_token: Option<String>,
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
    /// Split pane (or tab: its focused pane) `tab`: a new pane to the `right` or `down`
    /// (any other direction is refused when the request is read).
    Split {
        tab: u64,
        direction: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cwd: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        command: Vec<String>,
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
    /// Live counts; with `tabs`, the ledger: what each tab costs (`io::Ledger`).
    Stats {
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        tabs: bool,
    },
    /// Keep the connection open and receive one JSON object per line per event; `events`
    /// names the kinds wanted (`io::EVENT_KINDS`), none: all.
    Subscribe {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        events: Vec<String>,
    },
    Shutdown {},
}

/// The JSON-lines codec for the control socket.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonCodec;

impl JsonCodec {
    /// The codec, shared, as `io::IoConfig::ipc_codec` takes it.
    pub fn shared() -> std::sync::Arc<dyn io::ControlCodec> {
        std::sync::Arc::new(JsonCodec)
    }
}

/// A request line → the I/O core's request (the error message when it is not one).
pub fn decode(line: &str) -> Result<io::Request, String> {
    let request: Request =
        serde_json::from_str(line).map_err(|e| format!("invalid request: {e}"))?;
    if let Request::Subscribe { events } = &request {
        if events.len() > io::EVENT_KINDS.len() * 4 {
            return Err(format!("more than {} event names", io::EVENT_KINDS.len() * 4));
        }
        io::EventMask::parse(events)?;
    }
    if let Request::Split { direction, .. } = &request {
        io::SplitDirection::parse(direction)?;
    }
    Ok(request.into_io())
}

impl Request {
    /// The I/O core's request for this wire request.
    pub fn into_io(self) -> io::Request {
        let spec = |cwd: Option<String>, command: Vec<String>| SpawnSpec {
            program: command.first().map(Into::into),
            args: command.iter().skip(1).map(Into::into).collect(),
            cwd: cwd.map(Into::into),
            ..SpawnSpec::default()
        };
        match self {
            Request::CreateWindow { cwd, command, activation_token } => {
                io::Request::OpenTab(OpenTab {
                    window: WindowTarget::New,
                    spec: spec(cwd, command),
                    activation_token,
                })
            }
            Request::CreateTab { window, cwd, command } => {
                let window =
                    window.map_or(WindowTarget::Newest, |w| WindowTarget::Existing(WindowId(w)));
                io::Request::OpenTab(OpenTab {
                    window,
                    spec: spec(cwd, command),
                    activation_token: None,
                })
            }
            Request::CloseTab { tab } => io::Request::CloseTab { tab: TabId(tab) },
            Request::Split { tab, direction, cwd, command } => io::Request::Split {
                target: TabId(tab),
                // Checked by `decode`; a direction it did not see splits to the right.
                direction: io::SplitDirection::parse(&direction)
                    .unwrap_or(io::SplitDirection::Right),
                spec: spec(cwd, command),
            },
            Request::CloseWindow { window } => {
                io::Request::CloseWindow { window: WindowId(window) }
            }
            Request::List {} => io::Request::List,
            Request::SendText { tab, text } => {
                io::Request::Write { tab: TabId(tab), bytes: unescape(&text) }
            }
            Request::Paste { tab, text } => io::Request::Paste { tab: TabId(tab), text },
            Request::GetText { tab, scrollback } => {
                io::Request::GetText { tab: TabId(tab), scrollback }
            }
            Request::Resize { tab, cols, lines } => {
                io::Request::Resize { tab: TabId(tab), cols, lines }
            }
            Request::Stats { tabs: false } => io::Request::Stats,
            Request::Stats { tabs: true } => io::Request::Ledger,
            Request::Subscribe { events } => match io::EventMask::parse(&events) {
                Ok(events) => io::Request::Subscribe { events },
                // Decoding cannot fail here; the codec refuses unknown kinds first.
                Err(_) => io::Request::Subscribe { events: io::EventMask::ALL },
            },
            Request::Shutdown {} => io::Request::Shutdown,
        }
    }
}

/// A result → its reply line.
pub fn encode(result: Result<Response, String>) -> Vec<u8> {
    let fields = match result {
        Err(message) => return error_reply(&message),
        // A split's pane: its id in `pane`, its tab's in `tab`.
        Ok(Response::Tab(tab)) if tab.tab != tab.id => {
            json!({ "window": tab.window.0, "tab": tab.tab.0, "pane": tab.id.0 })
        }
        Ok(Response::Tab(tab)) => json!({ "window": tab.window.0, "tab": tab.id.0 }),
        Ok(Response::Written(n)) => json!({ "bytes": n }),
        Ok(Response::Windows(windows)) => json!({ "windows": windows }),
        Ok(Response::Text { text, cols, lines }) => {
            json!({ "text": text, "cols": cols, "lines": lines })
        }
        Ok(Response::Stats(stats)) => match serde_json::to_value(stats) {
            Ok(v) => v,
            Err(e) => return error_reply(&e.to_string()),
        },
        Ok(Response::Ledger(ledger)) => match serde_json::to_value(ledger) {
            Ok(v) => v,
            Err(e) => return error_reply(&e.to_string()),
        },
        Ok(Response::Subscribed(kinds)) => json!({ "subscribed": kinds }),
        Ok(Response::Done) => json!({}),
    };
    ok_reply(fields)
}

impl io::ControlCodec for JsonCodec {
    fn decode(&self, line: &str) -> Result<io::Request, String> {
        decode(line)
    }

    fn encode(&self, result: Result<Response, String>) -> Vec<u8> {
        encode(result)
    }

    fn encode_event(&self, event: &io::Event) -> Vec<u8> {
        let mut line = serde_json::to_vec(event)
            .unwrap_or_else(|_| br#"{"event":"error","error":"unencodable event"}"#.to_vec());
        line.push(b'\n');
        line
    }
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
            Request::Stats { tabs: false }
        );
        assert_eq!(
            serde_json::to_string(&Request::Stats { tabs: false }).unwrap(),
            r#"{"cmd":"stats"}"#
        );
        assert!(decode(r#"{"cmd":"subscribe","events":["bell","nope"]}"#).is_err());
        assert!(matches!(
            decode(r#"{"cmd":"subscribe","events":["bell"]}"#),
            Ok(io::Request::Subscribe { .. })
        ));
        assert_eq!(serde_json::to_string(&Request::List {}).unwrap(), r#"{"cmd":"list"}"#);
        assert!(
            serde_json::from_str::<Request>(r#"{"cmd":"resize","tab":1,"cols":70000,"lines":2}"#)
                .is_err()
        );
    }

    #[test]
    fn split_requests_decode_and_bad_directions_are_refused() {
        let r = decode(r#"{"cmd":"split","tab":3,"direction":"down","command":["sh","-i"]}"#);
        match r {
            Ok(io::Request::Split { target, direction, spec }) => {
                assert_eq!((target, direction), (TabId(3), io::SplitDirection::Down));
                assert_eq!(spec.program.as_deref(), Some(std::ffi::OsStr::new("sh")));
                assert_eq!(spec.cwd, None, "no --cwd: the target's directory, chosen later");
            }
            other => panic!("{other:?}"),
        }
        let e = decode(r#"{"cmd":"split","tab":3,"direction":"left"}"#).unwrap_err();
        assert!(e.contains("right or down"), "{e}");
        assert!(decode(r#"{"cmd":"split","tab":3}"#).is_err(), "a direction is required");
        assert!(decode(r#"{"cmd":"split","direction":"right"}"#).is_err(), "an id too");
        assert_eq!(
            serde_json::to_string(&Request::Split {
                tab: 7,
                direction: "right".into(),
                cwd: None,
                command: vec![]
            })
            .unwrap(),
            r#"{"cmd":"split","tab":7,"direction":"right"}"#
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\eb\n\x41\\\u00e9"), b"a\x1bb\nA\\\xc3\xa9".to_vec());
        assert_eq!(unescape(r"\q\x4"), br"\q\x4".to_vec());
    }
}
