//! IPC against the real `uvterm --headless` daemon over its real Unix socket: connections
//! never leak, bad input gets an error or a clean close, many clients at once are served,
//! other users are refused, stale sockets are replaced, `uvterm msg` reports unreachable
//! instances.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/daemon.rs"]
mod daemon;

use daemon::{BIN, Daemon};

/// Read until the server closes the connection (or fail after 5 s).
fn read_to_close(s: &mut UnixStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut out = Vec::new();
    match s.read_to_end(&mut out) {
        Ok(_) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => panic!("the server did not close the connection: {e}"),
    }
}

#[test]
fn ten_thousand_connections_leave_nothing_behind() {
    let d = Daemon::start("churn");
    // Warm up once so lazily sized allocator pools exist before the baseline.
    let v = d.request(r#"{"cmd":"create-tab","command":["/bin/sleep","30"]}"#);
    d.request(&format!(r#"{{"cmd":"close-tab","tab":{}}}"#, v["tab"]));
    std::thread::sleep(Duration::from_millis(200));
    let base_fds = d.baseline();
    let base_rss = d.rss();
    let started = Instant::now();
    let mut connections = 0;
    for _ in 0..2500 {
        let created = d.request(r#"{"cmd":"create-tab","command":["/bin/sleep","30"]}"#);
        assert_eq!(created["ok"], true, "{created}");
        let list = d.request(r#"{"cmd":"list"}"#);
        assert_eq!(list["ok"], true);
        let stats = d.request(r#"{"cmd":"stats"}"#);
        assert!(stats["tabs"].as_u64().unwrap() >= 1);
        let closed = d.request(&format!(r#"{{"cmd":"close-tab","tab":{}}}"#, created["tab"]));
        assert_eq!(closed["ok"], true, "{closed}");
        connections += 4;
    }
    let elapsed = started.elapsed();
    // Tabs close (and children are reaped) asynchronously.
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.request(r#"{"cmd":"stats"}"#)["children"] != 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let after_fds = d.settle(base_fds);
    let after_rss = d.rss();
    println!(
        "{connections} connections in {elapsed:?}; fds {base_fds:?} -> {after_fds:?}; \
         rss {base_rss} -> {after_rss} ({:+} KiB)",
        (after_rss as i64 - base_rss as i64) / 1024
    );
    assert_eq!(after_fds, base_fds, "descriptors (total, sockets) back to baseline");
    assert!(
        after_rss.abs_diff(base_rss) <= 2 << 20,
        "RSS moved by more than 2 MiB: {base_rss} -> {after_rss}"
    );
    let stats = d.request(r#"{"cmd":"stats"}"#);
    assert_eq!((stats["tabs"].as_u64(), stats["windows"].as_u64()), (Some(0), Some(0)));
}

#[test]
fn malformed_input_gets_an_error_or_a_clean_close() {
    let d = Daemon::start("bad");
    d.request(r#"{"cmd":"stats"}"#);
    let base = d.baseline();
    let expect_error = |bytes: &[u8], what: &str| {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        let _ = s.write_all(bytes);
        let reply = read_to_close(&mut s);
        let v: serde_json::Value = serde_json::from_str(reply.lines().next().unwrap_or("{}"))
            .unwrap_or_else(|_| panic!("{what}: reply {reply:?}"));
        assert_eq!(v["ok"], false, "{what}: {reply}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{what}: {reply}");
    };
    expect_error(b"{not json\n", "invalid JSON");
    expect_error(b"\xff\xfe\n", "invalid UTF-8");
    expect_error(b"{\"cmd\":\"fly\"}\n", "unknown command");
    expect_error(b"{\"cmd\":\"close-tab\",\"tab\":\"seven\"}\n", "wrong argument type");
    expect_error(b"{\"cmd\":\"get-text\"}\n", "missing argument");
    expect_error(b"[1,2,3]\n", "not an object");
    expect_error(b"{\"cmd\":\"close-tab\",\"tab\":999999}\n", "no such tab");
    // Over 1 MiB without a newline: an error, then the close (the client may still be
    // writing when the server closes, so the write may fail).
    {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        let big = vec![b'a'; (1 << 20) + 4096];
        let _ = s.write_all(&big);
        let reply = read_to_close(&mut s);
        assert!(reply.contains("longer than 1 MiB"), "{reply:?}");
    }
    // Silent clients and half lines are closed by the idle timeout.
    for bytes in [&b""[..], b"{\"cmd\":\"st"] {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        s.write_all(bytes).unwrap();
        assert_eq!(read_to_close(&mut s), "", "idle connection closed without a reply");
    }
    // A client that disconnects mid-request.
    {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        s.write_all(b"{\"cmd\":\"li").unwrap();
        drop(s);
    }
    // EOF right away.
    {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(read_to_close(&mut s), "");
    }
    // A last line without its newline is still a request once the client's EOF comes: the
    // reply to a whole one, an error for half of one.
    for (bytes, ok) in [(&b"{\"cmd\":\"stats\"}"[..], true), (b"{\"cmd\":\"st", false)] {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        s.write_all(bytes).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let reply = read_to_close(&mut s);
        let v: serde_json::Value = serde_json::from_str(reply.lines().next().unwrap_or("{}"))
            .unwrap_or_else(|_| panic!("no reply to an unterminated line: {reply:?}"));
        assert_eq!(v["ok"], ok, "{reply}");
        assert_eq!(reply.lines().count(), 1, "{reply}");
    }
    // Several requests on one connection are all answered.
    {
        let mut s = UnixStream::connect(&d.socket).unwrap();
        s.write_all(b"{\"cmd\":\"stats\"}\n{\"cmd\":\"list\"}\n\n{\"cmd\":\"stats\"}\n").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let replies = read_to_close(&mut s);
        assert_eq!(replies.lines().count(), 3, "{replies}");
        assert!(
            replies.lines().all(|l| l.starts_with("{\"ok\":true") || l.contains("\"ok\":true"))
        );
    }
    // Still serving, and nothing held.
    assert_eq!(d.request(r#"{"cmd":"stats"}"#)["ok"], true);
    assert_eq!(d.settle(base), base, "descriptors after the bad clients");
}

#[test]
fn five_hundred_clients_at_once() {
    let d = Daemon::start("many");
    d.request(r#"{"cmd":"stats"}"#);
    let base = d.baseline();
    let socket = d.socket.clone();
    // All connect first, then all ask: 500 connections open at the same time.
    let streams: Vec<UnixStream> =
        (0..500).map(|_| UnixStream::connect(&socket).unwrap()).collect();
    let handles: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            std::thread::spawn(move || {
                s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                s.write_all(b"{\"cmd\":\"list\"}\n").unwrap();
                let mut reply = String::new();
                BufReader::new(&s).read_line(&mut reply).unwrap();
                reply
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|r| r.contains("\"ok\":true"))
        .count();
    assert_eq!(ok, 500, "every client answered");
    assert_eq!(d.settle(base), base);
}

#[test]
fn other_users_are_refused() {
    // Needs root to become `nobody` (CI runs as root). Not silently skipped: without root it
    // fails unless UVTERM_SKIP_ROOT_TESTS=1 says so explicitly.
    // SAFETY: geteuid has no memory effects.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var_os("UVTERM_SKIP_ROOT_TESTS").is_some(),
            "this test must run as root (to act as `nobody`); set UVTERM_SKIP_ROOT_TESTS=1 to skip it"
        );
        eprintln!("SKIPPED other_users_are_refused: not root and UVTERM_SKIP_ROOT_TESTS=1");
        return;
    }
    let d = Daemon::start("users");
    let base = d.baseline();
    let meta = std::fs::metadata(&d.socket).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "socket is 0600");
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", BIN, "msg", "--socket"])
            .arg(&d.socket)
            .args(args)
            .output()
            .unwrap()
    };
    // File permissions alone keep them out.
    let out = as_nobody(&["stats"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Even with the socket opened up, the peer-credential check refuses them.
    std::fs::set_permissions(&d.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&d.socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = as_nobody(&["stats"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("permission denied"), "{out:?}");
    assert_eq!(d.request(r#"{"cmd":"stats"}"#)["ok"], true, "the owner is still served");
    assert_eq!(d.settle(base), base);
}

#[test]
fn stale_sockets_are_replaced_and_clean_exit_removes_the_socket() {
    let d = Daemon::start("stale");
    let socket = d.socket.clone();
    let dir = d.dir.clone();
    // Kill it hard: the socket file stays behind.
    let mut d = d;
    d.child.kill().unwrap();
    d.child.wait().unwrap();
    std::mem::forget(d);
    assert!(socket.exists(), "a killed instance leaves its socket");
    let d2 = Daemon::start_at(&socket, dir);
    assert_eq!(d2.request(r#"{"cmd":"stats"}"#)["ok"], true, "the new instance serves there");
    // A second instance may not steal a live socket.
    let out = Command::new(BIN).args(["--headless", "--socket"]).arg(&socket).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another uvterm instance"), "{out:?}");
    // A clean shutdown removes the socket file.
    let out = d2.msg(&["shutdown"]);
    assert!(out.status.success(), "{out:?}");
    let mut d2 = d2;
    let status = d2.child.wait().unwrap();
    assert!(status.success());
    assert!(!socket.exists(), "the socket is removed on clean exit");
}

#[test]
fn msg_commands_and_exit_codes() {
    let d = Daemon::start("msg");
    let out = d.msg(&["create-window", "-e", "/bin/sh"]);
    assert!(out.status.success(), "{out:?}");
    let ids: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let (window, tab) = (ids[0], ids[1]);
    let out = d.msg(&[
        "create-tab",
        "--window",
        &window.to_string(),
        "-e",
        "/bin/sh",
        "-c",
        "echo second; sleep 30",
    ]);
    assert!(out.status.success(), "{out:?}");
    let tab2: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let out = d.msg(&["send-text", &tab.to_string(), r"printf '\x41%s\n' $((40+2))\r"]);
    assert!(out.status.success(), "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let out = d.msg(&["get-text", &tab.to_string()]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains("A42") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(text.contains("A42"), "{text}");
    assert_eq!(text.lines().count(), 24, "get-text prints the screen's lines");
    let out = d.msg(&["list"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tabs = list["windows"][0]["tabs"].as_array().unwrap();
    assert_eq!(tabs.len(), 2);
    assert!(tabs.iter().all(|t| t["pid"].as_u64().unwrap() > 1));
    let out = d.msg(&["resize", &tab2.to_string(), "100", "30"]);
    assert!(out.status.success());
    let out = d.msg(&["close-tab", "424242"]);
    assert_eq!(out.status.code(), Some(1), "an error reply exits 1");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tab 424242"));
    let out = d.msg(&["close-window", &window.to_string()]);
    assert!(out.status.success());
    let out = d.msg(&["--json", "stats"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["tabs", "windows", "slots", "uv_handles", "fds", "rss_bytes"] {
        assert!(v[key].is_u64(), "stats has {key}: {v}");
    }
}

/// `msg create-window` passes the client's `XDG_ACTIVATION_TOKEN` (else `DESKTOP_STARTUP_ID`)
/// on; the instance takes a bounded, printable one and refuses anything else with an error,
/// opening nothing.
#[test]
fn activation_tokens_are_passed_on_and_bounded() {
    let d = Daemon::start("token");
    let create = |env: &[(&str, &str)]| {
        Command::new(BIN)
            .args(["msg", "create-window", "-e", "/bin/sleep", "30"])
            .env("UVTERM_SOCKET", &d.socket)
            .env_remove("XDG_ACTIVATION_TOKEN")
            .env_remove("DESKTOP_STARTUP_ID")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let windows = || d.request(r#"{"cmd":"stats"}"#)["windows"].as_u64();
    let out = create(&[("XDG_ACTIVATION_TOKEN", "0123456789abcdef0123456789abcdef")]);
    assert!(out.status.success(), "{out:?}");
    let out = create(&[("DESKTOP_STARTUP_ID", "launcher-1-host-uvterm-0_TIME42")]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(windows(), Some(2));
    let long = "a".repeat(257);
    for (key, value) in [
        ("XDG_ACTIVATION_TOKEN", long.as_str()),
        ("XDG_ACTIVATION_TOKEN", "tok\x1ben"),
        ("DESKTOP_STARTUP_ID", "tok\ten"),
        ("DESKTOP_STARTUP_ID", "with space"),
    ] {
        // A launcher's odd token costs the window its activation, not its opening.
        let out = create(&[(key, value)]);
        assert!(out.status.success(), "{key}={value:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("ignoring {key}: activation token")), "{key}: {err}");
    }
    assert_eq!(windows(), Some(6));
    // Sent to the instance directly, such a token is refused, and nothing is opened.
    let v = d.request(&format!(
        r#"{{"cmd":"create-window","command":["/bin/true"],"activation_token":"{long}"}}"#
    ));
    assert_eq!(v["ok"], false, "{v}");
    let v = d.request(r#"{"cmd":"create-window","activation_token":"a\u0007b"}"#);
    assert!(v["error"].as_str().is_some_and(|e| e.contains("printable ASCII")), "{v}");
    let v = d.request(r#"{"cmd":"create-tab","activation_token":"x"}"#);
    assert_eq!(v["ok"], false, "create-tab takes no token: {v}");
    assert_eq!(windows(), Some(6));
}

#[test]
fn msg_without_an_instance_exits_2() {
    let out = Command::new(BIN)
        .args(["msg", "stats"])
        .env("UVTERM_SOCKET", "/nonexistent/uvterm.sock")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach uvterm") && err.contains("uvterm --headless"), "{err}");
    // No UVTERM_SOCKET and an empty runtime directory: the same, with a hint.
    let runtime = std::env::temp_dir().join(format!("uvterm-empty-rt-{}", std::process::id()));
    std::fs::create_dir_all(&runtime).unwrap();
    let out = Command::new(BIN)
        .args(["msg", "list"])
        .env_remove("UVTERM_SOCKET")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no running uvterm instance"));
    let _ = std::fs::remove_dir_all(&runtime);
}

/// Hex lines of the key recorder's log, as bytes.
fn logged(log: &std::path::Path) -> Vec<u8> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .flat_map(|l| (0..l.len() / 2).map(move |i| u8::from_str_radix(&l[2 * i..2 * i + 2], 16)))
        .map(|b| b.unwrap())
        .collect()
}

#[test]
fn msg_paste_defuses_controls_like_the_clipboard() {
    let d = Daemon::start("paste");
    let log = std::env::temp_dir().join(format!("uvterm-pastelog-{}", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let keylog = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/keylog.py");
    let log_s = log.to_str().unwrap();
    // The recorder turns bracketed paste on (DECSET 2004) before READY.
    let out = d.msg(&["create-window", "-e", "python3", keylog, log_s, "\\x1b[?2004h"]);
    assert!(out.status.success(), "{out:?}");
    let tab: u64 =
        String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().parse().unwrap();
    let ready = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&d.msg(&["get-text", &tab.to_string()]).stdout).contains("READY")
    {
        assert!(Instant::now() < ready, "the recorder did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // NUL, EOT, ENQ, BS, DEL and the rest of C0 become spaces; TAB stays; ESC and C1 go;
    // line ends become CR; the bracket cannot be closed from inside.
    let reply = d.request(&format!(
        r#"{{"cmd":"paste","tab":{tab},"text":"a\u0000b\u0004c\u0005d\be\u007ff\tg\u0003h\u001b[201~i\u009bj\r\nk"}}"#
    ));
    assert_eq!(reply["ok"], true, "{reply}");
    let want = b"\x1b[200~a b c d e f\tg h[201~ij\rk\x1b[201~";
    let deadline = Instant::now() + Duration::from_secs(10);
    while logged(&log).len() < want.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(String::from_utf8_lossy(&logged(&log)), String::from_utf8_lossy(want));
    let _ = std::fs::remove_file(&log);
}

/// A CLI command whose stdout reader is already gone: it must exit quietly (no panic, no
/// message), with status 141 as a program killed by SIGPIPE would.
fn into_closed_pipe(cmd: &mut Command) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(std::process::Stdio::piped()).output().unwrap()
}

#[test]
fn every_cli_path_exits_quietly_on_a_broken_pipe() {
    let d = Daemon::start("epipe");
    let out = d.msg(&["create-window", "-e", "sh", "-c", "seq 1 3000; sleep 30"]);
    assert!(out.status.success(), "{out:?}");
    let tab = String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_owned();
    let recording = std::env::temp_dir().join(format!("uvterm-epipe-{}", std::process::id()));
    std::fs::write(&recording, "x\r\n".repeat(5000)).unwrap();
    let rec = recording.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["msg", "get-text", &tab, "--scrollback"],
        &["msg", "get-text", &tab],
        &["msg", "list"],
        &["msg", "stats"],
        &["msg", "--json", "stats"],
        &["msg", "create-tab", "-e", "sleep", "30"],
        &["replay", "--cols", "80", "--lines", "24", "--scrollback", rec],
    ];
    for args in cases {
        let out = into_closed_pipe(Command::new(BIN).args(*args).env("UVTERM_SOCKET", &d.socket));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {out:?}");
        assert!(err.is_empty(), "{args:?} is quiet: {err}");
    }
    let _ = std::fs::remove_file(&recording);
}
