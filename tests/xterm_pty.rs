//! xterm conformance end to end: the probe that recorded real xterm 379
//! (`tests/xterm/probe.py`) runs as a program in a tab of the real binary — headless (the
//! tab is opened over IPC) and in a window on Xvfb — and sends every case through the real
//! PTY and the real libuv loop. Every reply it reads back, and the size the terminal has at
//! the end of each case (resize requests honoured: headless by resizing the tab, in the GUI
//! by resizing the window), must be xterm's, except where
//! `uvterm::term::conformance` says we differ on purpose. The per-row DECRQCRA
//! checksums every case ends with compare the screens.

#[path = "common/daemon.rs"]
mod daemon;
#[path = "common/x11.rs"]
mod x11;

use std::path::Path;
use std::time::Duration;

use daemon::Daemon;
use uvterm::term::conformance::{Recording, Step, expected_reply, occurrences, show};
use x11::{Gui, Xvfb, wait_until};

fn xterm() -> Recording {
    serde_json::from_str(include_str!("xterm/xterm379.json")).expect("the xterm recording")
}

/// The parity cases (`PARITY_CASES`), recorded with the VT520 identity and title reports on.
fn xterm_parity() -> Recording {
    serde_json::from_str(include_str!("xterm/xterm379-parity.json")).expect("the recording")
}

fn probe_command(out: &Path) -> Vec<String> {
    let probe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xterm/probe.py");
    vec!["python3".into(), probe.display().to_string(), out.display().to_string(), "-".into()]
}

fn parity_probe_command(out: &Path) -> Vec<String> {
    let mut command = probe_command(out);
    command.push("PARITY_CASES".into());
    command
}

/// Wait for the probe's result (it appears whole, renamed into place).
fn wait_for_result(out: &Path, mut alive: impl FnMut() -> bool) -> Recording {
    assert!(
        wait_until(Duration::from_secs(240), || out.exists() || !alive()),
        "the probe did not finish"
    );
    let text = std::fs::read_to_string(out).expect("the probe wrote no result (did it fail?)");
    serde_json::from_str(&text).expect("the probe's result")
}

/// Every difference between what uvterm answered through the PTY and what xterm answered.
/// `window`: a real window answered, so its position reports (XTWINOPS 13, listed in
/// conformance.rs for the headless core only) must be xterm's own.
fn differences(ours: &Recording, theirs: &Recording, window: bool) -> Vec<String> {
    let mut wrong = Vec::new();
    assert_eq!(ours.cases.len(), theirs.cases.len(), "every case played");
    for (o, t) in ours.cases.iter().zip(&theirs.cases) {
        assert_eq!(o.name, t.name);
        let (o_steps, t_steps): (Vec<&Step>, Vec<&Step>) = (
            o.steps.iter().filter(|s| !s.sleep).collect(),
            t.steps.iter().filter(|s| !s.sleep).collect(),
        );
        // Same size, same per-row checksums sent: the same steps.
        if (o.rows, o.cols) != (t.rows, t.cols) {
            wrong.push(format!(
                "{}: size {}x{}, xterm {}x{}",
                o.name, o.cols, o.rows, t.cols, t.rows
            ));
            continue;
        }
        assert_eq!(o_steps.len(), t_steps.len(), "{}: same steps", o.name);
        let nths = occurrences(t_steps.iter().copied());
        for ((os, ts), nth) in o_steps.iter().zip(&t_steps).zip(nths) {
            assert_eq!(os.send, ts.send, "{}: same bytes sent", o.name);
            let sent = ts.sent();
            let expected = if window && WINDOW_POSITION_CASES.contains(&t.name.as_str()) {
                ts.replied()
            } else {
                expected_reply(&t.name, ts, nth)
            };
            let got = os.replied();
            if got != expected {
                wrong.push(format!(
                    "{}: after {:?}\n      xterm: {:?}\n      uvterm: {:?}",
                    o.name,
                    show(&sent),
                    show(&expected),
                    show(&got)
                ));
            }
        }
    }
    wrong
}

/// Cases whose window-position answers a window gives exactly as xterm did: xterm 379 had no
/// window manager either, and `window.padding=2` is its internal border.
const WINDOW_POSITION_CASES: &[&str] = &["xtwinops_move"];

fn assert_conforms(ours: &Recording) {
    assert_conforms_to(ours, xterm(), 500, false);
}

fn assert_conforms_to(ours: &Recording, theirs: Recording, least_replies: usize, window: bool) {
    let wrong = differences(ours, &theirs, window);
    assert!(
        wrong.is_empty(),
        "{} differences from {} through the PTY:\n{}",
        wrong.len(),
        theirs.terminal,
        wrong.join("\n")
    );
    // The comparison is not vacuous: the probe read real answers.
    let replies = ours.cases.iter().flat_map(|c| &c.steps).filter(|s| !s.reply.is_empty()).count();
    assert!(replies > least_replies, "only {replies} replies read");
}

#[test]
fn a_headless_tab_answers_as_xterm_does() {
    let daemon = Daemon::start("xterm-conformance");
    let out = daemon.dir.join("uvterm.json");
    let created = daemon.request(
        &serde_json::json!({"cmd": "create-tab", "command": probe_command(&out)}).to_string(),
    );
    assert_eq!(created["ok"], true, "{created}");
    let alive = format!("/proc/{}", daemon.pid());
    let result = wait_for_result(&out, || Path::new(&alive).exists());
    assert_conforms(&result);
}

#[test]
fn a_window_answers_as_xterm_does() {
    let x = Xvfb::start();
    let name = "xterm-conformance";
    // The probe writes into the instance's private directory (made by `Gui::start`).
    let out = Gui::dir_for(name).join("uvterm.json");
    // The window opens at 100x30; the probe starts every case with `CSI 8;24;80 t`, which
    // must resize the window (and with it the tab) to 80x24 before the case runs.
    let mut args = vec!["-o", "window.columns=100", "-o", "window.lines=30", "-e"];
    let probe = probe_command(&out);
    args.extend(probe.iter().map(String::as_str));
    let mut gui = Gui::start(&x, name, &args);
    let result = wait_for_result(&out, || matches!(gui.child.try_wait(), Ok(None)));
    assert_conforms(&result);
}

/// The parity cases need title reports: allowed here on the command line, which is also the
/// headless daemon's configuration path under test.
#[test]
fn a_headless_tab_answers_as_xterm_does_beyond_the_first_cases() {
    let daemon = Daemon::start_with("xterm-parity", &["-o", "terminal.allow_title_report=true"]);
    let out = daemon.dir.join("uvterm-parity.json");
    let created = daemon.request(
        &serde_json::json!({"cmd": "create-tab", "command": parity_probe_command(&out)})
            .to_string(),
    );
    assert_eq!(created["ok"], true, "{created}");
    let alive = format!("/proc/{}", daemon.pid());
    let result = wait_for_result(&out, || Path::new(&alive).exists());
    assert_conforms_to(&result, xterm_parity(), 400, false);
}

/// In the window XTWINOPS 3 moves it and 13 reports where it went, as xterm's recording has it
/// (with xterm's 2-pixel internal border as the padding).
#[test]
fn a_window_answers_as_xterm_does_beyond_the_first_cases() {
    let x = Xvfb::start();
    let name = "xterm-parity";
    let out = Gui::dir_for(name).join("uvterm-parity.json");
    let mut args = vec!["-o", "terminal.allow_title_report=true", "-o", "window.padding=2", "-e"];
    let probe = parity_probe_command(&out);
    args.extend(probe.iter().map(String::as_str));
    let mut gui = Gui::start(&x, name, &args);
    let result = wait_for_result(&out, || matches!(gui.child.try_wait(), Ok(None)));
    assert_conforms_to(&result, xterm_parity(), 400, true);
}

// ------------------------------------------------------------------ configuration and OSC 52

/// `ask.py` asking each chunk; one that starts with an OSC 52 read waits for a late answer.
fn ask_command(out: &Path, chunks: &[&[u8]]) -> Vec<String> {
    let ask = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xterm/ask.py");
    let mut command = vec!["python3".into(), ask.display().to_string(), out.display().to_string()];
    command.extend(chunks.iter().map(|c| {
        let hex: String = c.iter().map(|b| format!("{b:02x}")).collect();
        if c.ends_with(b";?\x07") || c.ends_with(b";?\x1b\\") { format!("w{hex}") } else { hex }
    }));
    command
}

/// The replies `ask.py` read, one per chunk.
fn wait_for_answers(out: &Path, mut alive: impl FnMut() -> bool) -> Vec<Vec<u8>> {
    assert!(
        wait_until(Duration::from_secs(60), || out.exists() || !alive()),
        "ask.py did not finish"
    );
    let text = std::fs::read_to_string(out).expect("ask.py wrote no result (did it fail?)");
    let hex: Vec<String> = serde_json::from_str(&text).expect("ask.py's result");
    hex.iter()
        .map(|h| {
            (0..h.len() / 2)
                .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
                .collect()
        })
        .collect()
}

/// Ask questions in a new tab of a headless daemon; the replies.
fn ask_headless(daemon: &Daemon, chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let out = daemon.dir.join(format!("answers-{}.json", chunks.len()));
    let created = daemon.request(
        &serde_json::json!({"cmd": "create-tab", "command": ask_command(&out, chunks)}).to_string(),
    );
    assert_eq!(created["ok"], true, "{created}");
    let alive = format!("/proc/{}", daemon.pid());
    wait_for_answers(&out, || Path::new(&alive).exists())
}

const TITLE_AND_CLIPBOARD: &[&[u8]] = &[
    b"\x1b]2;from the program\x07\x1b[21t",
    b"\x1b]52;c;aGVsbG8=\x07",
    b"\x1b]52;c;?\x07",
    b"\x1b]52;p;?\x1b\\",
];

#[test]
fn a_headless_daemon_refuses_title_and_clipboard_reads_by_default() {
    let daemon = Daemon::start("defaults");
    let replies = ask_headless(&daemon, TITLE_AND_CLIPBOARD);
    assert_eq!(replies, vec![Vec::<u8>::new(); 4], "no reply at all: {replies:?}");
}

#[test]
fn a_headless_daemon_applies_command_line_options() {
    let daemon = Daemon::start_with(
        "options",
        &["-o", "terminal.allow_title_report=true", "-o", "terminal.allow_clipboard_read=true"],
    );
    let replies = ask_headless(&daemon, TITLE_AND_CLIPBOARD);
    assert_eq!(show(&replies[0]), show(b"\x1b]lfrom the program\x1b\\"));
    assert!(replies[1].is_empty());
    // Answered from the daemon's own clipboard: the last OSC 52 write; a selection never
    // written answers empty.
    assert_eq!(show(&replies[2]), show(b"\x1b]52;c;aGVsbG8=\x07"));
    assert_eq!(show(&replies[3]), show(b"\x1b]52;p;\x1b\\"));
}

#[test]
fn a_headless_daemon_applies_the_configuration_file() {
    let dir = std::env::temp_dir().join(format!("uvterm-config-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("shell-ran");
    let shell = dir.join("shell.sh");
    std::fs::write(&shell, format!("#!/bin/sh\necho \"$1\" > {}\n", marker.display())).unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&shell).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&shell, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let config = dir.join("uvterm.toml");
    std::fs::write(
        &config,
        format!(
            "[terminal]\nallow_title_report = true\n[shell]\nprogram = \"{}\"\nargs = [\"configured\"]\n\
             [window]\ncolumns = 100\nlines = 30\n",
            shell.display()
        ),
    )
    .unwrap();
    let daemon = Daemon::start_with("config-file", &["--config-file", config.to_str().unwrap()]);
    // [terminal] applies.
    let replies = ask_headless(&daemon, &[b"\x1b]2;t\x07\x1b[21t", b"\x1b[18t"]);
    assert_eq!(show(&replies[0]), show(b"\x1b]lt\x1b\\"));
    // [window] gives a tab opened without a size its size.
    assert_eq!(show(&replies[1]), show(b"\x1b[8;30;100t"));
    // [shell] runs for a tab opened without a command.
    let created = daemon.request(&serde_json::json!({"cmd": "create-tab"}).to_string());
    assert_eq!(created["ok"], true, "{created}");
    assert!(wait_until(Duration::from_secs(20), || marker.exists()), "the configured shell ran");
    assert!(
        wait_until(Duration::from_secs(5), || std::fs::read_to_string(&marker)
            .is_ok_and(|s| s.trim() == "configured")),
        "with its arguments"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_headless_daemon_refuses_window_only_options() {
    let out = std::process::Command::new(daemon::BIN)
        .args(["--headless", "-e", "true"])
        .output()
        .expect("run uvterm");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-e") && err.contains("--headless"), "{err}");
}

#[test]
fn a_missing_config_file_is_an_error() {
    let out = std::process::Command::new(daemon::BIN)
        .args(["--headless", "--config-file", "/nonexistent/uvterm.toml"])
        .output()
        .expect("run uvterm");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/uvterm.toml") && err.contains("no such file"), "{err}");
}

/// Put text on the X clipboard (xclip stays in the background to serve it).
fn set_x_clipboard(x: &Xvfb, text: &str) -> std::process::Child {
    use std::io::Write;
    let mut child = std::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-quiet"])
        .env("DISPLAY", &x.display)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("xclip (install the xclip package)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    child
}

fn ask_in_window(name: &str, options: &[&str]) -> Vec<Vec<u8>> {
    let x = Xvfb::start();
    let mut xclip = set_x_clipboard(&x, "from X");
    let out = Gui::dir_for(name).join("answers.json");
    let chunks: &[&[u8]] = &[b"\x1b]52;c;?\x07", b"\x1b]52;c;?\x1b\\"];
    let mut args: Vec<&str> = options.to_vec();
    args.push("-e");
    let command = ask_command(&out, chunks);
    args.extend(command.iter().map(String::as_str));
    let mut gui = Gui::start(&x, name, &args);
    let replies = wait_for_answers(&out, || matches!(gui.child.try_wait(), Ok(None)));
    let _ = xclip.kill();
    let _ = xclip.wait();
    replies
}

#[test]
fn a_window_refuses_clipboard_reads_by_default() {
    let replies = ask_in_window("osc52-default", &[]);
    assert_eq!(replies, vec![Vec::<u8>::new(); 2], "no reply at all: {replies:?}");
}

#[test]
fn a_window_answers_clipboard_reads_from_the_x_clipboard_when_allowed() {
    let replies = ask_in_window("osc52-allowed", &["-o", "terminal.allow_clipboard_read=true"]);
    // "from X", base64, terminated as asked.
    assert_eq!(show(&replies[0]), show(b"\x1b]52;c;ZnJvbSBY\x07"));
    assert_eq!(show(&replies[1]), show(b"\x1b]52;c;ZnJvbSBY\x1b\\"));
}
