//! Heap bytes per scrollback cell on ordinary text output (issue 19: a build log, `dmesg`,
//! `ls -lR /usr/share`), with history compression on and off, beside `alacritty_terminal`
//! fed the same bytes; and the time to draw a page of compressed history (decode + extract
//! the text of every row), cold (nothing cached) and while scrolling (line by line).
//!
//! Run: `cargo bench --bench scrollback_memory` (prints a table; not a pass/fail test).
//! Workloads: `tests/common/workloads.rs` (captured through a PTY where the program runs).
//!
//! Bytes per cell, two ways:
//! * `history`: uvterm's own figure, `Term::heap_usage().history()` (plain rows, compressed
//!   blocks, decoded copies) over history lines × columns;
//! * `allocator`: what a counting global allocator saw the whole terminal keep (screen,
//!   tables and all), over (history + screen lines) × columns — the only figure that can be
//!   taken the same way for Alacritty.

#[path = "../tests/common/workloads.rs"]
mod workloads;

use std::hint::black_box;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use alacritty_terminal::event::VoidListener;
use alacritty_terminal::grid::Dimensions;
use alacritty_terminal::term::{Config as AlacrittyConfig, Term as AlacrittyTerm, test::TermSize};
use uvterm::term::{Term, TermConfig, parser::Parser};

#[path = "workloads/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, LIVE};

#[global_allocator]
static ALLOC: Counting = Counting;

const COLS: usize = 80;
const LINES: usize = 24;
const HISTORY: usize = 10_000;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// A uvterm terminal fed `bytes`, the bytes the allocator saw it keep, and the time the
/// feeding took.
fn uvterm(bytes: &[u8], compress: bool) -> (Term, isize, Duration) {
    let before = live();
    let start = Instant::now();
    let config = TermConfig {
        scrollback_lines: HISTORY,
        compress_history: compress,
        ..TermConfig::default()
    };
    let mut term = Term::new(COLS, LINES, config);
    let mut parser = Parser::new();
    for chunk in bytes.chunks(64 * 1024) {
        term.advance(&mut parser, chunk);
        drop(term.take_replies());
    }
    let elapsed = start.elapsed();
    drop(parser);
    let kept = live() - before;
    (term, kept, elapsed)
}

/// Alacritty's heap per cell, whole terminal over all its cells, and its history lines.
fn alacritty(bytes: &[u8]) -> (f64, usize) {
    let before = live();
    let config = AlacrittyConfig { scrolling_history: HISTORY, ..AlacrittyConfig::default() };
    let mut term = AlacrittyTerm::new(config, &TermSize::new(COLS, LINES), VoidListener);
    let mut parser: vte::ansi::Processor = vte::ansi::Processor::new();
    for chunk in bytes.chunks(64 * 1024) {
        parser.advance(&mut term, chunk);
    }
    drop(parser);
    let kept = live() - before;
    let history = term.grid().history_size();
    let per_cell = kept as f64 / ((history + LINES) * COLS) as f64;
    black_box(&term);
    (per_cell, history)
}

/// Decode and extract `pages` pages of the oldest history: each page cold (decode cache
/// emptied first), then the same span scrolled through line by line (cache warm). Returns the
/// mean time per page for each.
fn page_times(term: &mut Term, pages: usize) -> (Duration, Duration) {
    let history = term.scrollback_len();
    let span = history.saturating_sub(LINES).max(1);
    let mut text = String::with_capacity(COLS * LINES * 2);
    let mut cold = Duration::ZERO;
    for p in 0..pages {
        let top = (p * 997) % span;
        term.clear_history_decode_cache();
        let start = Instant::now();
        text.clear();
        for abs in top..top + LINES {
            if let Some(row) = term.grid().absolute_row(abs) {
                term.row_text(&row, &mut text);
            }
        }
        cold += start.elapsed();
        black_box(&text);
    }
    term.clear_history_decode_cache();
    let start = Instant::now();
    for top in 0..pages {
        text.clear();
        for abs in top..top + LINES {
            if let Some(row) = term.grid().absolute_row(abs) {
                term.row_text(&row, &mut text);
            }
        }
        black_box(&text);
    }
    let warm = start.elapsed();
    (cold / pages as u32, warm / pages as u32)
}

fn main() {
    println!("heap bytes per scrollback cell, {COLS}x{LINES}, {HISTORY} lines of history\n");
    println!(
        "{:<20} {:>12} {:>12} {:>12} {:>12} {:>11}   source",
        "workload", "on:history", "on:alloc", "off:history", "off:alloc", "alacritty"
    );
    let mut pages = Vec::new();
    let mut speeds = Vec::new();
    for w in workloads::all() {
        let (mut on, on_kept, on_time) = uvterm(&w.bytes, true);
        let (off, off_kept, off_time) = uvterm(&w.bytes, false);
        // The feeding speed, best of three each (the first runs above warm up).
        let best =
            |compress| (0..3).map(|_| uvterm(&w.bytes, compress).2).min().unwrap_or(Duration::MAX);
        let (on_time, off_time) = (on_time.min(best(true)), off_time.min(best(false)));
        let mbps = |t: Duration| w.bytes.len() as f64 / t.as_secs_f64() / (1 << 20) as f64;
        speeds.push((w.name, mbps(on_time), mbps(off_time)));
        assert_eq!(on.text(true), off.text(true), "{}: history differs", w.name);
        let history = on.scrollback_len();
        let all_cells = ((history + LINES) * COLS) as f64;
        let history_cells = (history * COLS).max(1) as f64;
        on.clear_history_decode_cache();
        let on_history = on.heap_usage().history() as f64 / history_cells;
        let off_history = off.heap_usage().history() as f64 / history_cells;
        let (theirs, their_history) = alacritty(&w.bytes);
        println!(
            "{:<20} {:>12.3} {:>12.3} {:>12.3} {:>12.3} {:>11.2}   {} ({} lines kept{})",
            w.name,
            on_history,
            on_kept as f64 / all_cells,
            off_history,
            off_kept as f64 / all_cells,
            theirs,
            w.source,
            history,
            if their_history == history {
                String::new()
            } else {
                format!(", alacritty {their_history}")
            },
        );
        drop(off);
        pages.push((w.name, page_times(&mut on, 400)));
    }
    println!("\ntime to draw a page ({LINES} rows: decode + extract text) of compressed history:");
    println!("{:<20} {:>14} {:>22}", "workload", "cold (µs)", "scrolling 1 line (µs)");
    for (name, (cold, warm)) in pages {
        println!(
            "{name:<20} {:>14.1} {:>22.1}",
            cold.as_secs_f64() * 1e6,
            warm.as_secs_f64() * 1e6
        );
    }
    // Baseline: the same page from plain (uncompressed) history.
    let w = workloads::build_log();
    let (mut plain, _, _) = uvterm(&w.bytes, false);
    let (cold, warm) = page_times(&mut plain, 400);
    println!(
        "{:<20} {:>14.1} {:>22.1}",
        "(plain history)",
        cold.as_secs_f64() * 1e6,
        warm.as_secs_f64() * 1e6
    );
    println!("\nreplay throughput of the workloads (MB/s, best of 4): what compressing costs");
    println!("{:<20} {:>10} {:>10}", "workload", "on", "off");
    for (name, on, off) in speeds {
        println!("{name:<20} {on:>10.1} {off:>10.1}");
    }
}
