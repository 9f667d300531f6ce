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
use uvterm::term::conformance::{Recording, Step, expected_reply, show};
use x11::{Gui, Xvfb, wait_until};

fn xterm() -> Recording {
    serde_json::from_str(include_str!("xterm/xterm379.json")).expect("the xterm recording")
}

fn probe_command(out: &Path) -> Vec<String> {
    let probe = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xterm/probe.py");
    vec!["python3".into(), probe.display().to_string(), out.display().to_string(), "-".into()]
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
fn differences(ours: &Recording, theirs: &Recording) -> Vec<String> {
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
        for (os, ts) in o_steps.iter().zip(&t_steps) {
            assert_eq!(os.send, ts.send, "{}: same bytes sent", o.name);
            let sent = ts.sent();
            let expected = expected_reply(&t.name, ts);
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

fn assert_conforms(ours: &Recording) {
    let theirs = xterm();
    let wrong = differences(ours, &theirs);
    assert!(
        wrong.is_empty(),
        "{} differences from {} through the PTY:\n{}",
        wrong.len(),
        theirs.terminal,
        wrong.join("\n")
    );
    // The comparison is not vacuous: the probe read real answers.
    let replies = ours.cases.iter().flat_map(|c| &c.steps).filter(|s| !s.reply.is_empty()).count();
    assert!(replies > 500, "only {replies} replies read");
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
