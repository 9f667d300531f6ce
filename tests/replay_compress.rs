//! Compressed history is invisible in the output: `uvterm replay --scrollback` prints the
//! same bytes with history compression on (the default) and off (`--no-compress`), on the
//! three text workloads of issue 19 (a recursive listing and a kernel log captured through a
//! PTY where they can run, a build log with colours), at two widths. The real binary, real
//! files. The history is long enough each time that most of it was compressed.

#[path = "common/workloads.rs"]
mod workloads;

use std::process::Command;

use uvterm::term::grid::HOT_ROWS;
use uvterm::term::history_block::BLOCK_ROWS;

fn replay(file: &std::path::Path, cols: usize, lines: usize, compress: bool) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_uvterm"));
    cmd.args(["replay", "--cols", &cols.to_string(), "--lines", &lines.to_string()]);
    cmd.arg("--scrollback");
    if !compress {
        cmd.arg("--no-compress");
    }
    let out = cmd.arg(file).output().expect("uvterm runs");
    assert!(out.status.success(), "replay failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn replay_scrollback_is_byte_identical_with_compression_on_and_off() {
    let dir = std::env::temp_dir().join(format!("uvterm-replay-compress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for w in workloads::all() {
        let file = dir.join(w.name.replace([' ', '/'], "_"));
        std::fs::write(&file, &w.bytes).expect("write the workload");
        for (cols, lines) in [(80, 24), (132, 50)] {
            let on = replay(&file, cols, lines, true);
            let off = replay(&file, cols, lines, false);
            let history = on.iter().filter(|&&b| b == b'\n').count() - lines;
            eprintln!("{} ({}) at {cols}x{lines}: {history} history lines", w.name, w.source);
            assert!(
                history > HOT_ROWS + 10 * BLOCK_ROWS,
                "{}: only {history} lines of history, too few to reach the codec",
                w.name
            );
            if on != off {
                let first = on.iter().zip(&off).position(|(a, b)| a != b).unwrap_or(0);
                panic!(
                    "{} at {cols}x{lines}: outputs differ from byte {first}: {:?} vs {:?}",
                    w.name,
                    String::from_utf8_lossy(&on[first..(first + 80).min(on.len())]),
                    String::from_utf8_lossy(&off[first..(first + 80).min(off.len())]),
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
