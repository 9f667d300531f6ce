//! Feed a file through the core alone (no window, no PTY), as `uvterm replay` does, and print
//! the time it took to stderr. For profiling the core without building the GUI:
//! `cargo run --release -p uvterm-terminal --example replay_core -- FILE [--no-compress]
//! [--defer]` (`--defer`: leave the newest history plain, as the window's I/O thread does
//! while output flows, [`TermConfig::defer_compression_cells`]).

use std::time::Instant;

use uvterm_terminal::{Term, TermConfig, parser::Parser};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: replay_core FILE [--no-compress] [--defer]");
        return std::process::ExitCode::from(2);
    };
    let flags: Vec<String> = args.collect();
    let compress = !flags.iter().any(|a| a == "--no-compress");
    let defer = flags.iter().any(|a| a == "--defer");
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("replay_core: cannot read {file}: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let config = TermConfig {
        compress_history: compress,
        // The I/O thread's allowance: 1.5 Mi cells.
        defer_compression_cells: if defer { 3 << 19 } else { 0 },
        ..TermConfig::default()
    };
    let mut term = Term::new(80, 24, config);
    let mut parser = Parser::new();
    let start = Instant::now();
    for chunk in bytes.chunks(64 * 1024) {
        term.advance(&mut parser, chunk);
        drop(term.take_replies());
        term.take_events();
    }
    let elapsed = start.elapsed();
    eprintln!(
        "{:.3} s, {} bytes, compress {compress}, history {} lines ({} compressed)",
        elapsed.as_secs_f64(),
        bytes.len(),
        term.scrollback_len(),
        term.compressed_scrollback_len()
    );
    std::process::ExitCode::SUCCESS
}
