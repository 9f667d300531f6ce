//! Golden tests: real programs' output (recorded on a PTY by tests/golden/record.py) replayed
//! through the real `uvterm replay` binary, compared with the expected screens kept beside
//! them. The expected screens were checked by hand and are identical to tmux's view of the
//! same bytes (tests/golden/tmux_reference.sh), except where tmux prints DEC line-drawing
//! characters as their ASCII letters.

use std::path::Path;
use std::process::Command;

#[test]
fn real_program_recordings_replay_to_the_expected_screens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let manifest = std::fs::read_to_string(dir.join("manifest.txt")).expect("manifest");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (name, cols, lines) = (fields[0], fields[1], fields[2]);
        let scrollback = fields.get(3) == Some(&"--scrollback");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_uvterm"));
        cmd.args(["replay", "--cols", cols, "--lines", lines]);
        if scrollback {
            cmd.arg("--scrollback");
        }
        let out = cmd.arg(dir.join(format!("{name}.bin"))).output().expect("run uvterm replay");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let screen =
            if scrollback { format!("{name}.scrollback.screen") } else { format!("{name}.screen") };
        let expected = std::fs::read(dir.join(&screen)).expect("expected screen");
        let lines_n: usize = lines.parse().expect("lines");
        let got_lines = String::from_utf8_lossy(&out.stdout).lines().count();
        if !scrollback {
            assert_eq!(got_lines, lines_n, "{name}: replay prints exactly the screen's lines");
        }
        if out.stdout != expected {
            failures.push(format!(
                "{screen}:\n--- expected\n{}\n--- got\n{}",
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        checked += 1;
    }
    assert!(checked >= 10, "manifest lists the recordings");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn replay_reports_bad_arguments_and_missing_files() {
    let bin = env!("CARGO_BIN_EXE_uvterm");
    let out =
        Command::new(bin).args(["replay", "--cols", "0", "--lines", "5", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "zero columns is a usage error");
    let out = Command::new(bin)
        .args(["replay", "--cols", "80", "--lines", "24", "/nonexistent/file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /nonexistent/file"));
}
