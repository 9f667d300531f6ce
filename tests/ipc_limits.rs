//! Every IPC request is bounded, against the real `uvterm --headless` daemon: sizes beyond the
//! cap the terminal core puts on programs' own size requests, overlong strings, input a
//! program does not read, and tabs beyond `limits.max_tabs` are refused with a clear error;
//! memory does not move and the daemon serves on.

use std::time::{Duration, Instant};

#[path = "common/daemon.rs"]
mod daemon;

use daemon::Daemon;

fn create_tab(d: &Daemon) -> serde_json::Value {
    d.request(r#"{"cmd":"create-tab","command":["/bin/sleep","30"]}"#)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn resize_beyond_the_cap_is_refused_and_memory_does_not_move() {
    let d = Daemon::start("resize-cap");
    let tab = create_tab(&d);
    assert_eq!(tab["ok"], true, "{tab}");
    let id = tab["tab"].to_string();
    // Settle: the first requests size allocator pools.
    assert!(d.msg(&["resize", &id, "100", "30"]).status.success());
    std::thread::sleep(Duration::from_millis(200));
    let before = d.rss();
    let out = d.msg(&["resize", &id, "65535", "65535"]);
    assert!(!out.status.success(), "an oversized resize must fail");
    let err = stderr(&out);
    assert!(err.contains("65535x65535") && err.contains("1-1000"), "unclear message: {err}");
    for (cols, lines) in [("1001", "10"), ("10", "1001"), ("0", "10")] {
        let out = d.msg(&["resize", &id, cols, lines]);
        assert!(!out.status.success(), "{cols}x{lines} accepted");
    }
    std::thread::sleep(Duration::from_millis(200));
    let after = d.rss();
    println!("daemon RSS {before} -> {after} bytes around `resize {id} 65535 65535`");
    assert!(
        after < before + 8 * 1024 * 1024,
        "RSS grew from {before} to {after} for a refused resize"
    );
    // The largest allowed size works, and the tab reports it.
    assert!(d.msg(&["resize", &id, "1000", "1000"]).status.success());
    let text = d.request(&format!(r#"{{"cmd":"get-text","tab":{id}}}"#));
    assert_eq!((text["cols"].as_u64(), text["lines"].as_u64()), (Some(1000), Some(1000)));
    // Serving on.
    assert_eq!(d.request(r#"{"cmd":"stats"}"#)["tabs"], 1);
}

#[test]
fn overlong_strings_are_refused() {
    let d = Daemon::start("strings");
    let cwd = format!("/{}", "a".repeat(5000));
    let r = d.request(&format!(r#"{{"cmd":"create-tab","cwd":"{cwd}"}}"#));
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("working directory longer"), "{r}");
    let args: Vec<String> = (0..1100).map(|i| format!("\"{i}\"")).collect();
    let r =
        d.request(&format!(r#"{{"cmd":"create-tab","command":["/bin/true",{}]}}"#, args.join(",")));
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("arguments"), "{r}");
    assert_eq!(d.request(r#"{"cmd":"stats"}"#)["tabs"], 0, "nothing was opened");
}

#[test]
fn input_a_program_does_not_read_is_bounded() {
    let d = Daemon::start("pending");
    let tab = create_tab(&d);
    let id = &tab["tab"];
    // `sleep` never reads: what the PTY does not take waits in the daemon, up to a bound.
    let chunk = "x".repeat(1000 * 1000);
    let mut refused = None;
    for i in 0..40 {
        let r = d.request(&format!(r#"{{"cmd":"send-text","tab":{id},"text":"{chunk}"}}"#));
        if r["ok"] == false {
            refused = Some((i, r));
            break;
        }
    }
    let (i, r) = refused.expect("40 MB of unread input were all accepted");
    assert!(i >= 10, "refused after only {i} MB");
    assert!(r["error"].as_str().unwrap().contains("has not read its earlier input"), "{r}");
    let rss = d.rss();
    assert!(rss < 200 * 1024 * 1024, "RSS {rss}");
    // The tab and the daemon carry on.
    assert_eq!(d.request(&format!(r#"{{"cmd":"close-tab","tab":{id}}}"#))["ok"], true);
}

#[test]
fn live_tabs_are_capped_by_the_configured_limit() {
    let d = Daemon::start_with("max-tabs", &["-o", "limits.max_tabs=3"]);
    let tabs: Vec<serde_json::Value> = (0..3).map(|_| create_tab(&d)).collect();
    assert!(tabs.iter().all(|t| t["ok"] == true), "{tabs:?}");
    let over = d.msg(&["create-tab", "-e", "/bin/sleep", "30"]);
    assert!(!over.status.success());
    let err = stderr(&over);
    assert!(err.contains("too many tabs") && err.contains("limits.max_tabs"), "{err}");
    let over = d.msg(&["create-window"]);
    assert!(!over.status.success(), "a new window's tab counts too");
    // Closing one makes room again.
    let first = tabs[0]["tab"].to_string();
    assert!(d.msg(&["close-tab", &first]).status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.request(r#"{"cmd":"stats"}"#)["tabs"] != 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(create_tab(&d)["ok"], true);
    assert_eq!(d.request(r#"{"cmd":"stats"}"#)["tabs"], 3);
}

#[test]
fn a_bad_limit_is_reported_and_clamped() {
    let out = std::process::Command::new(daemon::BIN)
        .args(["--headless", "--socket", "/nonexistent-dir/x.sock", "-o", "limits.max_tabs=0"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("limits.max_tabs 0 is out of range"), "{}", stderr(&out));
}

/// A client that sends request after request and never reads the replies (each a
/// multi-megabyte `get-text --scrollback`) cannot make the daemon hold more than the reply
/// budget: once 4 MiB wait unread on a connection (64 MiB on all), its next request gets a
/// short `busy` error before it runs and the connection is closed; the daemon serves
/// everyone else meanwhile.
#[test]
fn replies_nobody_reads_are_bounded() {
    use std::io::{Read, Write};
    let d = Daemon::start("unread");
    // About 6 MB of scrollback text.
    let tab = d.request(
        r#"{"cmd":"create-tab","command":["/bin/sh","-c","sleep 1; yes \"$(printf %0300d 0)\" | head -20000; echo READY; exec sleep 60"]}"#,
    );
    assert_eq!(tab["ok"], true, "{tab}");
    let id = tab["tab"].as_u64().expect("tab id");
    // Wide enough that no line wraps: 10,000 history lines of 300 characters, 3 MB a reply.
    assert_eq!(
        d.request(&format!(r#"{{"cmd":"resize","tab":{id},"cols":400,"lines":24}}"#))["ok"],
        true
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !d.request(&format!(r#"{{"cmd":"get-text","tab":{id}}}"#))["text"]
        .as_str()
        .unwrap_or("")
        .contains("READY")
    {
        assert!(Instant::now() < deadline, "the tab never printed its history");
        std::thread::sleep(Duration::from_millis(100));
    }
    let before = d.rss();
    let mut conn = std::os::unix::net::UnixStream::connect(&d.socket).expect("connect");
    conn.set_write_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let line = format!("{{\"cmd\":\"get-text\",\"tab\":{id},\"scrollback\":true}}\n");
    // 100 requests: about 300 MB of replies if nothing bounded them.
    let mut sent = 0;
    for _ in 0..100 {
        if conn.write_all(line.as_bytes()).is_err() {
            break;
        }
        sent += 1;
    }
    // The peak while the daemon works through them (seconds in a debug build).
    let mut peak = d.rss();
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(100));
        peak = peak.max(d.rss());
    }
    let stats = d.request(r#"{"cmd":"stats"}"#);
    assert_eq!(stats["tabs"], 1, "the daemon serves others meanwhile: {stats}");
    println!("{sent} unread get-text requests: daemon RSS {before} -> {peak} bytes");
    assert!(
        peak < before + 24 * 1024 * 1024,
        "unread replies grew the daemon from {before} to {peak} bytes"
    );
    // Reading now: at most the budget's worth of replies (then the `busy` error, unless the
    // server gave up on the connection first), and the connection ends.
    conn.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut all = Vec::new();
    let _ = conn.read_to_end(&mut all);
    let replies = all.iter().filter(|&&b| b == b'\n').count();
    let busy = String::from_utf8_lossy(&all[all.len().saturating_sub(200)..]).contains("busy");
    println!("read back {} bytes: {replies} lines, busy error seen: {busy}", all.len());
    assert!(replies < sent, "every one of {sent} replies was queued ({} bytes)", all.len());
    assert!(all.len() < 16 << 20, "{} bytes of replies were queued", all.len());
}
