//! Block elements (U+2580–U+259F: eighths, halves, shades, quadrants) and the Symbols for
//! Legacy Computing sextants (U+1FB00–U+1FB3B).
//!
//! Every split of the cell is taken from the same rounded positions ([`split`]), so ▀ and ▄
//! partition a cell of odd height, a quadrant is exactly the corner of the halves, and the six
//! parts of a sextant cover every pixel once.

use super::Canvas;

/// The pixel where `n` of `d` parts of `size` end, rounded to the nearest pixel.
fn split(size: i32, n: i32, d: i32) -> i32 {
    (size * n * 2 + d) / (2 * d)
}

/// Block elements: eighths from one edge, halves, shades and quadrants.
pub(super) fn block(cv: &mut Canvas, code: u32) {
    let (w, h) = (cv.w, cv.h);
    let (mx, my) = (split(w, 1, 2), split(h, 1, 2));
    let k = code as i32;
    match code {
        0x2580 => cv.rect(0, 0, w, my, 255),
        // Lower one eighth … full block.
        0x2581..=0x2588 => cv.rect(0, split(h, 8 - (k - 0x2580), 8), w, h, 255),
        // Left seven eighths … left one eighth.
        0x2589..=0x258F => cv.rect(0, 0, split(w, 0x2590 - k, 8), h, 255),
        0x2590 => cv.rect(mx, 0, w, h, 255),
        // Light, medium and dark shade: a quarter, half and three quarters of full coverage.
        0x2591 => cv.rect(0, 0, w, h, 64),
        0x2592 => cv.rect(0, 0, w, h, 128),
        0x2593 => cv.rect(0, 0, w, h, 191),
        0x2594 => cv.rect(0, 0, w, split(h, 1, 8), 255),
        0x2595 => cv.rect(split(w, 7, 8), 0, w, h, 255),
        _ => {
            // Quadrants: bits upper-left, upper-right, lower-left, lower-right.
            let bits: u8 = match code {
                0x2596 => 0b0010,
                0x2597 => 0b0001,
                0x2598 => 0b1000,
                0x2599 => 0b1011,
                0x259A => 0b1001,
                0x259B => 0b1110,
                0x259C => 0b1101,
                0x259D => 0b0100,
                0x259E => 0b0110,
                _ => 0b0111,
            };
            let parts = [(0, 0, mx, my), (mx, 0, w, my), (0, my, mx, h), (mx, my, w, h)];
            for (i, &(x0, y0, x1, y1)) in parts.iter().enumerate() {
                if bits & (0b1000 >> i) != 0 {
                    cv.rect(x0, y0, x1, y1, 255);
                }
            }
        }
    }
}

/// The sextant mask of `code` (U+1FB00–U+1FB3B): bit `i` set fills part `i + 1` in Unicode's
/// numbering (1 top-left, 2 top-right, 3 middle-left, 4 middle-right, 5 bottom-left,
/// 6 bottom-right). The block skips the patterns that exist elsewhere: none, the left column
/// (▌), the right column (▐) and all six (█).
pub(super) fn sextant_bits(code: u32) -> u8 {
    let mut v = (code - 0x1FB00 + 1) as u8;
    if v >= 0b010101 {
        v += 1;
    }
    if v >= 0b101010 {
        v += 1;
    }
    v
}

/// The pixel rectangle `(x0, y0, x1, y1)` of sextant part `i` (0-based) in a `w × h` cell.
pub(super) fn sextant_part(w: i32, h: i32, i: usize) -> (i32, i32, i32, i32) {
    let xs = [0, split(w, 1, 2), w];
    let ys = [0, split(h, 1, 3), split(h, 2, 3), h];
    let (col, row) = (i % 2, i / 2);
    (xs[col], ys[row], xs[col + 1], ys[row + 1])
}

/// Sextants: a 2 × 3 grid of parts.
pub(super) fn sextant(cv: &mut Canvas, code: u32) {
    let bits = sextant_bits(code);
    for i in 0..6 {
        if bits & (1 << i) != 0 {
            let (x0, y0, x1, y1) = sextant_part(cv.w, cv.h, i);
            cv.rect(x0, y0, x1, y1, 255);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use super::*;

    const SIZES: [(u32, u32); 5] = [(7, 15), (8, 16), (9, 19), (12, 25), (19, 40)];

    fn mask(c: char, w: u32, h: u32) -> Vec<u8> {
        render(c, w, h, 1).unwrap_or_else(|| panic!("{c:?} is drawn"))
    }

    /// Each pixel is covered by exactly one of `masks`, fully.
    fn partition(masks: &[Vec<u8>]) -> bool {
        (0..masks[0].len()).all(|i| {
            let on: Vec<u8> = masks.iter().map(|m| m[i]).filter(|&a| a != 0).collect();
            on == [255]
        })
    }

    fn union(masks: &[Vec<u8>]) -> Vec<u8> {
        (0..masks[0].len()).map(|i| masks.iter().map(|m| m[i]).max().unwrap_or(0)).collect()
    }

    #[test]
    fn halves_eighths_and_quadrants_partition_the_cell() {
        for (w, h) in SIZES {
            let m = |c| mask(c, w, h);
            assert!(partition(&[m('▀'), m('▄')]), "▀ ▄ at {w}x{h}");
            assert!(partition(&[m('▌'), m('▐')]), "▌ ▐ at {w}x{h}");
            assert!(partition(&[m('▘'), m('▝'), m('▖'), m('▗')]), "quadrants at {w}x{h}");
            assert_eq!(union(&[m('▘'), m('▝')]), m('▀'), "the top quadrants make ▀");
            assert_eq!(union(&[m('▘'), m('▝'), m('▖')]), m('▛'));
            assert_eq!(union(&[m('▘'), m('▗')]), m('▚'));
            assert!(m('█').iter().all(|&a| a == 255));
            assert!(
                partition(&[m('▔'), {
                    let seven: Vec<u8> = m('▇');
                    seven
                }]),
                "▔ and ▇ at {w}x{h}"
            );
            // ▀ fills exactly the top rows, half the height rounded.
            let top = m('▀');
            let rows = (0..h).filter(|&y| top[(y * w) as usize] == 255).count() as u32;
            assert_eq!(rows, h.div_ceil(2));
            assert!((0..rows).all(|y| (0..w).all(|x| top[(y * w + x) as usize] == 255)));
            // Eighths grow one step at a time from their edge.
            let mut last = 0;
            for c in ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] {
                let n = m(c).iter().filter(|&&a| a == 255).count();
                assert!(n >= last, "{c} grows");
                last = n;
            }
        }
    }

    #[test]
    fn shades_have_a_quarter_half_and_three_quarters_density() {
        for (w, h) in SIZES {
            for (c, want) in [('░', 0.25), ('▒', 0.5), ('▓', 0.75)] {
                let m = mask(c, w, h);
                let density = m.iter().map(|&a| a as f64).sum::<f64>() / (255.0 * m.len() as f64);
                assert!((density - want).abs() < 0.01, "{c}: {density} at {w}x{h}");
            }
        }
    }

    /// The inverse of [`sextant_bits`]: the code of a 6-bit pattern.
    fn sextant_code(bits: u8) -> Option<char> {
        (0x1FB00..=0x1FB3B).find(|&c| sextant_bits(c) == bits).and_then(char::from_u32)
    }

    #[test]
    fn sextants_partition_the_cell_and_combine_their_parts() {
        let all: Vec<u8> = (0x1FB00..=0x1FB3B).map(sextant_bits).collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 60, "60 distinct patterns");
        assert!(!all.iter().any(|b| [0, 0b010101, 0b101010, 0b111111].contains(b)));
        assert_eq!(sextant_bits(0x1FB00), 0b000001, "U+1FB00 is sextant-1");
        assert_eq!(sextant_bits(0x1FB3B), 0b111110, "U+1FB3B is sextant-23456");
        for (w, h) in SIZES {
            let parts: Vec<Vec<u8>> = (0..6)
                .map(|i| sextant_code(1 << i).map(|c| mask(c, w, h)).unwrap_or_default())
                .collect();
            assert!(partition(&parts), "the six parts cover every pixel once at {w}x{h}");
            for code in 0x1FB00..=0x1FB3B {
                let bits = sextant_bits(code);
                let chosen: Vec<Vec<u8>> = (0..6)
                    .map(|i| {
                        if bits & (1 << i) != 0 {
                            parts[i].clone()
                        } else {
                            vec![0; parts[i].len()]
                        }
                    })
                    .collect();
                let c = char::from_u32(code).unwrap_or(' ');
                assert_eq!(mask(c, w, h), union(&chosen), "U+{code:X} at {w}x{h}");
            }
            // The middle-left part is a third of the height.
            let (_, y0, _, y1) = sextant_part(w as i32, h as i32, 2);
            assert!(((y1 - y0) as f32 - h as f32 / 3.0).abs() <= 1.0);
        }
    }
}
