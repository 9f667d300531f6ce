//! Fuzz the terminal core: arbitrary bytes, cut into reads at arbitrary places, with resizes
//! in between. Checks that nothing panics, the cursor stays inside the grid, and every
//! side-table reference is accounted for (compressed history blocks included: the history is
//! compressed in tiny blocks so short inputs reach the codec, at once or deferred); that the
//! fast paths agree with vte alone; and that compressing history changes nothing a reader
//! sees.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uvterm::term::{Term, TermConfig, parser::Parser};

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    // The first bytes choose the geometry and how the rest is cut and resized.
    let cols = 1 + data[0] as usize % 40;
    let lines = 1 + data[1] as usize % 12;
    let scrollback = data[2] as usize % 64;
    let step = 1 + data[3] as usize % 97;
    let stream = &data[4..];
    let config = TermConfig { scrollback_lines: scrollback, ..TermConfig::default() };
    // Plain history rows kept and rows per compressed block.
    let geometry = (data[2] as usize / 64 % 4, 1 + data[3] as usize / 97 % 3);

    // Half the inputs defer compression (as the I/O thread does) and compress what waits a
    // block at a time between some chunks, as when output pauses.
    let defer = if data[1] >= 128 { 1 + data[1] as usize % 200 } else { 0 };
    let deferring = TermConfig { defer_compression_cells: defer, ..config.clone() };
    let mut term = Term::new(cols, lines, deferring);
    term.set_history_compression_geometry(geometry.0, geometry.1);
    let mut parser = Parser::new();
    for (i, chunk) in stream.chunks(step).enumerate() {
        term.advance(&mut parser, chunk);
        if i % 5 == 4 {
            term.compress_deferred_history(1);
        }
        if i % 7 == 6 {
            let c = 1 + chunk[0] as usize % 50;
            let l = 1 + chunk[chunk.len() - 1] as usize % 15;
            term.resize(c, l);
        }
        if let Err(e) = term.verify_invariants() {
            panic!("invariant broken: {e}");
        }
    }

    // Fast paths against vte alone, same bytes in one read, no resizes.
    let mut fast = Term::new(cols, lines, config.clone());
    fast.set_history_compression_geometry(geometry.0, geometry.1);
    let mut slow = Term::new(cols, lines, TermConfig { compress_history: false, ..config });
    fast.advance(&mut Parser::new(), stream);
    slow.advance(&mut Parser::without_fast_paths(), stream);
    assert_eq!(fast.text(true), slow.text(true));
    assert_eq!(fast.main_grid().dropped(), slow.main_grid().dropped());
    assert_eq!(fast.cursor_point(), slow.cursor_point());
    assert_eq!(fast.take_replies(), slow.take_replies());
});
