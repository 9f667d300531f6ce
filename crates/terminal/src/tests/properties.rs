//! Properties: the fast paths agree with vte alone, chunking never matters, invariants and
//! exact reference counts hold under hostile input with resizes.

use super::*;
use proptest::prelude::*;

/// Everything observable about a terminal, as text, for comparing two of them.
fn fingerprint(term: &mut Term) -> String {
    use std::fmt::Write;
    let mut out = term.text(true);
    let c = term.cursor();
    let _ = write!(out, "|cursor {} wrap {}", c.point, c.pending_wrap);
    let _ = write!(
        out,
        "|modes {:?} {:?} {:?}",
        term.modes(),
        term.mouse_tracking(),
        term.mouse_encoding()
    );
    let _ = write!(
        out,
        "|title {:?} {:?} cwd {:?}",
        term.title(),
        term.icon_name(),
        term.working_directory()
    );
    // Styles are printed with their hyperlink resolved: table ids are internal (the order in
    // which entries were freed decides which id a new one gets).
    let resolved = |style: &Style| {
        format!("{:?} {:?}", Style { link: LinkId::NONE, ..*style }, term.hyperlink(style.link))
    };
    let _ = write!(out, "|pen {}", resolved(term.cursor().pen()));
    for row in term.grid().all_rows() {
        let _ = write!(out, "|{:?}", row.flags());
        for cell in row.cells() {
            let text = match cell.content() {
                Content::Empty => String::new(),
                Content::Char(ch) => ch.to_string(),
                Content::Cluster(id) => term.cluster(id).to_owned(),
            };
            let style = term.style(cell.style());
            let _ = write!(out, "[{text}{}{}", cell.is_wide() as u8, cell.is_spacer() as u8);
            if !style.is_default() {
                out.push_str(&resolved(&style));
            }
            out.push(']');
        }
    }
    let _ = write!(out, "|replies {:?}", term.take_replies());
    let _ = write!(out, "|events {:?}", term.take_events());
    out
}

/// Byte strings that look like what programs send, plus garbage.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let csi_final = prop::sample::select(b"@ABCDEFGHIJKLMPSTXZ`abcdefghlmnqrstuxyz{}~".to_vec());
    let inter = prop::sample::select(vec![
        &b""[..],
        b"?",
        b">",
        b"=",
        b"<",
        b"!",
        b"\"",
        b"$",
        b"?$",
        b" ",
        b"*",
        b"'",
        b"#",
    ]);
    let param = prop_oneof![
        Just(String::new()),
        (0u32..200).prop_map(|n| n.to_string()),
        (0u32..100_000).prop_map(|n| n.to_string()),
        Just("38;2;1;2;3".to_owned()),
        Just("38:2::4:5:6".to_owned()),
        Just("48;5;200".to_owned()),
        Just("4:3".to_owned()),
    ];
    prop_oneof![
        4 => "[ -~]{1,30}".prop_map(|s| s.into_bytes()),
        2 => "[\u{a0}-\u{3ff}\u{4e00}-\u{4e20}\u{1f600}-\u{1f610}\u{300}-\u{36f}\u{200d}\u{fe0f}]{1,6}"
            .prop_map(|s| s.into_bytes()),
        2 => prop::sample::select(vec![&b"\r"[..], b"\n", b"\r\n", b"\t", b"\x08", b"\x07", b"\x0e", b"\x0f", b"\x1b"])
            .prop_map(|b| b.to_vec()),
        4 => (inter, prop::collection::vec(param, 0..5), csi_final).prop_map(|(i, ps, f)| {
            let mut v = b"\x1b[".to_vec();
            v.extend_from_slice(i);
            v.extend(ps.join(";").into_bytes());
            v.push(f);
            v
        }),
        1 => prop::sample::select(vec![
            &b"\x1b7"[..], b"\x1b8", b"\x1bD", b"\x1bE", b"\x1bM", b"\x1bH", b"\x1bc", b"\x1b#8",
            b"\x1b(0", b"\x1b(B", b"\x1b)0", b"\x1bN", b"\x1bO", b"\x1bn", b"\x1b=", b"\x1b>",
            b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[?69h", b"\x1b[2;10s", b"\x1b[?6h", b"\x1b[4h",
            b"\x1b[?7l", b"\x1b[?7h", b"\x1b[3;8r",
        ]).prop_map(|b| b.to_vec()),
        1 => ("[ -~]{0,20}", prop::sample::select(vec!["0", "2", "7", "8;id=a", "52;c", "4;1", "133"]),
              prop::bool::ANY)
            .prop_map(|(text, code, bel)| {
                let mut v = format!("\x1b]{code};{text}").into_bytes();
                v.extend_from_slice(if bel { b"\x07" } else { b"\x1b\\" });
                v
            }),
        1 => "[ -~]{0,10}".prop_map(|t| format!("\x1bP$q{t}\x1b\\").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 1..12),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(token(), 1..60).prop_map(|ts| ts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// The fast paths (ASCII runs, plain CSI, C0 in ground) do exactly what vte does.
    #[test]
    fn fast_paths_match_vte(bytes in stream(), cols in 1usize..30, lines in 1usize..10) {
        let mut fast = Term::new(cols, lines, TermConfig::default());
        let mut slow = Term::new(cols, lines, TermConfig::default());
        fast.advance(&mut Parser::new(), &bytes);
        slow.advance(&mut Parser::without_fast_paths(), &bytes);
        prop_assert_eq!(fingerprint(&mut fast), fingerprint(&mut slow), "input {:?}", String::from_utf8_lossy(&bytes));
    }

    /// Where reads split the stream changes nothing.
    #[test]
    fn chunking_does_not_matter(bytes in stream(), cuts in prop::collection::vec(0usize..2000, 0..20)) {
        let mut whole = Term::new(20, 6, TermConfig::default());
        whole.advance(&mut Parser::new(), &bytes);
        let mut pieces = Term::new(20, 6, TermConfig::default());
        let mut parser = Parser::new();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let cuts_used = cuts.clone();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            pieces.advance(&mut parser, &bytes[start..cut]);
            start = cut;
        }
        prop_assert_eq!(fingerprint(&mut whole), fingerprint(&mut pieces), "input {:?} cuts {:?}", String::from_utf8_lossy(&bytes), cuts_used);
    }

    /// Hostile input with resizes in between: never a panic, cursor inside the grid,
    /// rows the right width, and every side-table reference accounted for.
    #[test]
    fn invariants_hold_under_hostile_input(
        parts in prop::collection::vec((stream(), 1usize..40, 1usize..12), 1..6),
        scrollback in 0usize..50,
    ) {
        let config = TermConfig { scrollback_lines: scrollback, ..TermConfig::default() };
        let mut term = Term::new(10, 5, config);
        let mut parser = Parser::new();
        for (bytes, cols, lines) in parts {
            term.advance(&mut parser, &bytes);
            prop_assert!(term.verify_invariants().is_ok(), "{:?} after {:?}", term.verify_invariants(), String::from_utf8_lossy(&bytes));
            term.resize(cols, lines);
            prop_assert!(term.verify_invariants().is_ok(), "after resize: {:?}", term.verify_invariants());
            prop_assert!(term.main_grid().history_len() <= scrollback);
        }
    }

    /// Compressing history changes nothing a reader can see: the same stream (with resizes,
    /// which reflow and pull rows back from the history) gives the same rows, flags, styles,
    /// stable numbering and text with compression on (tiny blocks, so short streams reach
    /// the codec) and off, and reference counts stay exact with blocks in play.
    #[test]
    fn compressed_history_reads_back_as_written(
        parts in prop::collection::vec((stream(), 1usize..40, 1usize..12), 1..6),
        scrollback in 0usize..60,
        hot in 0usize..5,
        block in 1usize..5,
        deferred_cells in prop::sample::select(vec![0usize, 1, 30, 200]),
        idle_steps in prop::collection::vec(0usize..4, 6),
    ) {
        let plain = TermConfig { scrollback_lines: scrollback, compress_history: false, ..TermConfig::default() };
        // With a deferral, the history waits plain until the "output paused" steps below.
        let packed = TermConfig {
            compress_history: true,
            defer_compression_cells: deferred_cells,
            ..plain.clone()
        };
        let mut a = Term::new(10, 5, packed);
        a.set_history_compression_geometry(hot, block);
        let mut b = Term::new(10, 5, plain);
        let (mut pa, mut pb) = (Parser::new(), Parser::new());
        for (i, (bytes, cols, lines)) in parts.into_iter().enumerate() {
            a.advance(&mut pa, &bytes);
            b.advance(&mut pb, &bytes);
            if idle_steps[i] > 0 {
                a.compress_deferred_history(idle_steps[i]);
            }
            prop_assert!(a.verify_invariants().is_ok(), "{:?} after {:?}", a.verify_invariants(), String::from_utf8_lossy(&bytes));
            prop_assert_eq!(a.main_grid().dropped(), b.main_grid().dropped());
            prop_assert_eq!(fingerprint(&mut a), fingerprint(&mut b), "input {:?}", String::from_utf8_lossy(&bytes));
            a.resize(cols, lines);
            b.resize(cols, lines);
            prop_assert!(a.verify_invariants().is_ok(), "after resize: {:?}", a.verify_invariants());
            prop_assert_eq!(fingerprint(&mut a), fingerprint(&mut b), "after resize to {}x{}", cols, lines);
        }
        prop_assert_eq!(b.compressed_scrollback_len(), 0);
    }
}
