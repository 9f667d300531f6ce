//! Replay throughput of the terminal core, side by side with `alacritty_terminal` fed the same
//! bytes in the same run, plus heap bytes per scrollback cell for both (measured with a
//! counting allocator, so both are judged the same way).
//!
//! Run: `cargo bench --bench core_throughput` (prints a table; not a pass/fail test).
//! Each workload is fed to each core several times, alternating; the best run counts.

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use alacritty_terminal::event::VoidListener;
use alacritty_terminal::term::{Config as AlacrittyConfig, Term as AlacrittyTerm, test::TermSize};
use uvterm::term::{DEFER_COMPRESSION_CELLS, Term, TermConfig, parser::Parser};

#[path = "workloads/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, LIVE};

#[global_allocator]
static ALLOC: Counting = Counting;

#[path = "workloads/half_block.rs"]
mod half_block;

#[path = "workloads/streams.rs"]
mod streams;
use streams::Rng;

const COLS: usize = 120;
const LINES: usize = 40;
const SIZE: usize = 16 << 20;

fn dense_ascii() -> Vec<u8> {
    streams::dense_ascii(SIZE)
}

fn sgr_heavy() -> Vec<u8> {
    streams::sgr_heavy(SIZE)
}

fn unicode() -> Vec<u8> {
    streams::unicode(SIZE)
}

fn scroll_region() -> Vec<u8> {
    streams::scroll_region(SIZE, LINES)
}

fn full_redraw() -> Vec<u8> {
    streams::full_redraw(SIZE, COLS, LINES)
}

/// A half-block "image" as chafa/timg/viu draw one: every cell is `▀` with its own truecolour
/// foreground (upper pixel) and background (lower pixel), the screen redrawn in place from the
/// home position (CUP) 30 times. The picture moves between frames (as a video would), so every
/// frame brings new colours; `SGR 0` ends each row as those tools do.
fn half_block_image() -> Vec<u8> {
    half_block_frames(30)
}

/// `frames` frames of the moving half-block picture (the same bytes as `gui_compare`'s).
fn half_block_frames(frames: usize) -> Vec<u8> {
    half_block::half_block_frames(frames, COLS, LINES)
}

/// The core as the I/O thread configures it: history compression deferred while output
/// flows ([`DEFER_COMPRESSION_CELLS`]). What is still waiting when the bytes end is compressed
/// inside the timing, as the I/O thread does once output pauses, so the figure counts all the
/// work the history costs.
fn uvterm_config() -> TermConfig {
    TermConfig { defer_compression_cells: DEFER_COMPRESSION_CELLS, ..TermConfig::default() }
}

fn run_uvterm(bytes: &[u8]) -> Duration {
    let mut term = Term::new(COLS, LINES, uvterm_config());
    let mut parser = Parser::new();
    let start = Instant::now();
    for chunk in bytes.chunks(64 * 1024) {
        term.advance(&mut parser, chunk);
        black_box(term.take_replies());
    }
    while term.compress_deferred_history(usize::MAX) {}
    let t = start.elapsed();
    black_box(&term);
    t
}

fn alacritty_term() -> AlacrittyTerm<VoidListener> {
    let config = AlacrittyConfig { scrolling_history: 10_000, ..AlacrittyConfig::default() };
    AlacrittyTerm::new(config, &TermSize::new(COLS, LINES), VoidListener)
}

fn run_alacritty(bytes: &[u8]) -> Duration {
    let mut term = alacritty_term();
    let mut parser: vte::ansi::Processor = vte::ansi::Processor::new();
    let start = Instant::now();
    for chunk in bytes.chunks(64 * 1024) {
        parser.advance(&mut term, chunk);
    }
    let t = start.elapsed();
    black_box(&term);
    t
}

fn mbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / t.as_secs_f64() / (1 << 20) as f64
}

/// Heap bytes per cell once the scrollback is full of dense text.
fn bytes_per_cell(make: &dyn Fn(&[u8]) -> Box<dyn std::any::Any>) -> f64 {
    let mut text = Vec::new();
    let mut r = Rng(9);
    for _ in 0..(10_000 + LINES + 10) {
        for _ in 0..COLS - 1 {
            text.push(b'a' + r.below(26) as u8);
        }
        text.extend_from_slice(b"\r\n");
    }
    let before = LIVE.load(Ordering::Relaxed);
    let term = make(&text);
    let after = LIVE.load(Ordering::Relaxed);
    drop(term);
    (after - before) as f64 / ((10_000 + LINES) * COLS) as f64
}

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(7);
    type Workload = (&'static str, fn() -> Vec<u8>, f64);
    let workloads: [Workload; 6] = [
        ("dense ASCII", dense_ascii, 2.0),
        ("SGR-heavy colour (256 + truecolor)", sgr_heavy, 1.5),
        ("unicode: CJK wide + combining", unicode, 1.2),
        ("scrolling in a scroll region", scroll_region, 1.2),
        ("cursor-addressed full redraws", full_redraw, 1.2),
        ("half-block image, 30 frames in place", half_block_image, 1.5),
    ];
    println!("terminal core replay throughput, {COLS}x{LINES}, 10000 lines scrollback");
    println!("{rounds} rounds; each round feeds the same bytes to both cores back to back.");
    println!("MB/s: best round; ratio: median of the per-round ratios (range in brackets).\n");
    println!(
        "{:<38} {:>8} {:>10} {:>7} {:>14} {:>7}",
        "workload", "uvterm", "alacritty", "ratio", "range", "target"
    );
    let mut all_met = true;
    let dump = std::env::var_os("DUMP_DIR");
    // ONLY=<substring> runs just the matching workloads.
    let only = std::env::var("ONLY").unwrap_or_default();
    for (i, (name, generate, target)) in workloads.into_iter().enumerate() {
        if !name.contains(only.as_str()) {
            continue;
        }
        let bytes = generate();
        if let Some(dir) = &dump {
            // For profiling `uvterm replay` on exactly these bytes.
            let path = std::path::Path::new(dir).join(format!("workload{i}.bin"));
            if let Err(e) = std::fs::write(&path, &bytes) {
                eprintln!("cannot write {}: {e}", path.display());
            }
        }
        let mut best_ours = Duration::MAX;
        let mut best_theirs = Duration::MAX;
        let mut ratios = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let ours = run_uvterm(&bytes);
            let theirs = run_alacritty(&bytes);
            best_ours = best_ours.min(ours);
            best_theirs = best_theirs.min(theirs);
            ratios.push(theirs.as_secs_f64() / ours.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[ratios.len() / 2];
        let ours = mbps(bytes.len(), best_ours);
        let theirs = mbps(bytes.len(), best_theirs);
        let met = ratio >= target;
        all_met &= met;
        println!(
            "{name:<38} {ours:>8.1} {theirs:>10.1} {ratio:>6.2}x {:>14} {:>7}",
            format!("[{:.2}-{:.2}]", ratios[0], ratios[ratios.len() - 1]),
            format!("{}{target}x", if met { ">=" } else { "<" })
        );
    }
    let ours = bytes_per_cell(&|text| {
        let mut term = Term::new(COLS, LINES, uvterm_config());
        term.advance(&mut Parser::new(), text);
        while term.compress_deferred_history(usize::MAX) {}
        Box::new(term)
    });
    let theirs = bytes_per_cell(&|text| {
        let mut term = alacritty_term();
        let mut parser: vte::ansi::Processor = vte::ansi::Processor::new();
        parser.advance(&mut term, text);
        Box::new(term)
    });
    println!("\nheap bytes per scrollback cell (10000 full lines of {COLS} columns):");
    println!("  uvterm {ours:.2} B   alacritty {theirs:.2} B   ({:.1}x smaller)", theirs / ours);
    println!("\nall throughput targets met: {}", if all_met { "yes" } else { "NO" });
}
