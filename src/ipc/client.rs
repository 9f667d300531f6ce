//! `uvterm msg`: send one request to a running instance and print the reply.
//!
//! Exit codes: 0 ok, 1 the instance answered with an error, 2 no instance could be reached
//! (or it did not answer).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::protocol::Request;

/// How long to wait for the instance.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How a reply is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `create-window`: "WINDOW TAB"; `create-tab`: "TAB"; `get-text`: the text; others: the
    /// reply's JSON without `ok`, or nothing.
    Plain,
    /// The reply line as received.
    Json,
}

/// Send `request` and print the reply.
pub fn run(request: Request, socket: Option<PathBuf>, output: Output) -> ExitCode {
    let path = match socket.map(Ok).unwrap_or_else(super::socket::client_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "uvterm msg: {e}.\nStart one with `uvterm` (a window) or `uvterm --headless`, \
                 or point UVTERM_SOCKET (or --socket) at its socket."
            );
            return ExitCode::from(2);
        }
    };
    let reply = match exchange(&path, &request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "uvterm msg: cannot reach uvterm at {}: {e}.\nIs it running? Start one with \
                 `uvterm` or `uvterm --headless`.",
                path.display()
            );
            return ExitCode::from(2);
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&reply) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("uvterm msg: unreadable reply ({e}): {reply}");
            return ExitCode::from(2);
        }
    };
    if value.get("ok").and_then(|v| v.as_bool()) != Some(true) {
        let error = value.get("error").and_then(|v| v.as_str()).unwrap_or("unknown error");
        if output == Output::Json
            && let Err(code) = crate::out::println(reply.trim_end())
        {
            return code;
        }
        eprintln!("uvterm msg: {error}");
        return ExitCode::from(1);
    }
    if output == Output::Json {
        return crate::out::println(reply.trim_end()).err().unwrap_or(ExitCode::SUCCESS);
    }
    let id = |k: &str| value.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    let printed = match request {
        Request::CreateWindow { .. } => {
            crate::out::println(&format!("{} {}", id("window"), id("tab")))
        }
        Request::CreateTab { .. } => crate::out::println(&id("tab").to_string()),
        Request::Split { .. } => crate::out::println(&id("pane").to_string()),
        Request::GetText { .. } => {
            crate::out::print(value.get("text").and_then(|v| v.as_str()).unwrap_or_default())
        }
        Request::List {} | Request::Stats { .. } => {
            let mut v = value.clone();
            if let Some(map) = v.as_object_mut() {
                map.remove("ok");
            }
            crate::out::println(&v.to_string())
        }
        Request::ReloadConfig {} => crate::out::println("ok"),
        _ => Ok(()),
    };
    printed.err().unwrap_or(ExitCode::SUCCESS)
}

/// The socket `uvterm msg` talks to, or the message to print (exit status 2).
pub fn socket_path(socket: Option<PathBuf>) -> Result<PathBuf, String> {
    socket.map(Ok).unwrap_or_else(super::socket::client_path).map_err(|e| {
        format!(
            "uvterm msg: {e}.\nStart one with `uvterm` (a window) or `uvterm --headless`, or \
             point UVTERM_SOCKET (or --socket) at its socket."
        )
    })
}

/// One request, its reply decoded: `Ok` for `"ok":true`, else the error message.
pub fn request_value(
    path: &std::path::Path,
    request: &Request,
) -> std::io::Result<Result<serde_json::Value, String>> {
    let reply = exchange(path, request)?;
    let value: serde_json::Value = serde_json::from_str(&reply).map_err(std::io::Error::other)?;
    if value.get("ok").and_then(|v| v.as_bool()) == Some(true) {
        Ok(Ok(value))
    } else {
        let error = value.get("error").and_then(|v| v.as_str()).unwrap_or("unknown error");
        Ok(Err(error.to_owned()))
    }
}

/// Longest event line accepted from the instance (a longer one ends the subscription).
const MAX_EVENT_LINE: u64 = 1 << 20;

/// `uvterm msg subscribe`: print each event line as it comes until the instance closes the
/// stream (exit 0), refuses or drops us (exit 1), or cannot be reached (exit 2).
pub fn subscribe(events: Vec<String>, socket: Option<PathBuf>) -> ExitCode {
    let path = match socket_path(socket) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut stream = match UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("uvterm msg: cannot reach uvterm at {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut line = match serde_json::to_vec(&Request::Subscribe { events }) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("uvterm msg: {e}");
            return ExitCode::from(2);
        }
    };
    line.push(b'\n');
    // The write side stays open: closing it (EOF) ends the subscription.
    if let Err(e) = stream.write_all(&line) {
        eprintln!("uvterm msg: cannot subscribe: {e}");
        return ExitCode::from(2);
    }
    let mut reader = BufReader::new(&stream);
    let mut first = true;
    loop {
        let mut text = String::new();
        match (&mut reader).take(MAX_EVENT_LINE).read_line(&mut text) {
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) => (),
            Err(e) => {
                eprintln!("uvterm msg: the event stream broke: {e}");
                return ExitCode::from(2);
            }
        }
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("uvterm msg: unreadable event ({e})");
                return ExitCode::from(2);
            }
        };
        if value.get("ok").and_then(|v| v.as_bool()) == Some(false) {
            let error = value.get("error").and_then(|v| v.as_str()).unwrap_or("unknown error");
            eprintln!("uvterm msg: {error}");
            return ExitCode::from(1);
        }
        // The first line acknowledges the subscription; events follow.
        if first {
            first = false;
            continue;
        }
        if let Err(code) = crate::out::print(&text) {
            return code;
        }
    }
}

fn exchange(path: &std::path::Path, request: &Request) -> std::io::Result<String> {
    let mut stream = UnixStream::connect(path)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    // The server may answer (a refusal) and close before reading: a failed write is not the
    // end, the reply may be waiting.
    let sent = stream.write_all(&line).and_then(|_| stream.shutdown(std::net::Shutdown::Write));
    let mut reply = String::new();
    let read = BufReader::new(&stream).read_line(&mut reply);
    if reply.is_empty() {
        sent?;
        read?;
        return Err(std::io::Error::other("the connection closed without a reply"));
    }
    Ok(reply)
}
