//! Timestamps for finding where time goes, printed to standard error only when asked:
//! `UVTERM_TRACE_START=1` prints each start-up phase (`start: PHASE MICROSECONDS`, counted
//! from [`init`] in `main`), `UVTERM_TRACE_LATENCY=1` each step of a key's way to the screen
//! (`latency: STEP MICROSECONDS`, same clock: key, PTY write, PTY read, UI woken, frame
//! drawn, swapped; finer ones between). `benches/latency.rs` reads the first; the second is
//! for a person with a profiler. Off (the default), each call is one relaxed atomic load.
//!
//! Owns a clock and two switches; touches nothing else.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use once_cell::sync::OnceCell;

static ORIGIN: OnceCell<Instant> = OnceCell::new();
/// Bit 0: start phases; bit 1: latency steps; 0x80: read from the environment.
static FLAGS: AtomicU8 = AtomicU8::new(0);

const START: u8 = 1;
const LATENCY: u8 = 2;
const READ: u8 = 0x80;

/// Start the clock (first thing in `main`) and read the switches.
pub fn init() {
    let _ = ORIGIN.set(Instant::now());
    let on = |k: &str| std::env::var_os(k).is_some_and(|v| v != "0");
    let flags = READ
        | if on("UVTERM_TRACE_START") { START } else { 0 }
        | if on("UVTERM_TRACE_LATENCY") { LATENCY } else { 0 };
    FLAGS.store(flags, Ordering::Relaxed);
}

fn micros() -> u128 {
    ORIGIN.get().map_or(0, |o| o.elapsed().as_micros())
}

/// A start-up phase reached (`UVTERM_TRACE_START`).
pub fn start(phase: &str) {
    if FLAGS.load(Ordering::Relaxed) & START != 0 {
        eprintln!("start: {phase} {}", micros());
    }
}

/// A step of input latency reached (`UVTERM_TRACE_LATENCY`).
pub fn latency(step: &str) {
    if FLAGS.load(Ordering::Relaxed) & LATENCY != 0 {
        eprintln!("latency: {step} {}", micros());
    }
}

/// Whether latency tracing is on (to skip building a step's label otherwise).
pub fn latency_on() -> bool {
    FLAGS.load(Ordering::Relaxed) & LATENCY != 0
}
