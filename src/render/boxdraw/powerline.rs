//! The Powerline separators (private use U+E0B0–U+E0B7, as the Powerline and Nerd Fonts
//! patches define them): solid and thin triangles pointing right or left, solid and thin half
//! discs. Drawn anti-aliased over the whole cell height, so they meet the coloured cells
//! beside them with no seam.

use super::Canvas;

/// Draw separator `code`; left-pointing ones are the right-pointing ones mirrored.
pub(super) fn separator(cv: &mut Canvas, code: u32, t: i32) {
    let (w, h) = (cv.w, cv.h);
    let (wf, hf) = (w as f32, h as f32);
    let mid = hf / 2.0;
    let half = t as f32 / 2.0;
    // Right-pointing forms: the odd/even pairs E0B0/E0B2 etc. are mirror images.
    match code {
        // Solid triangle: the left edge, tip at the middle of the right edge.
        0xE0B0 | 0xE0B2 => cv.shade(0, 0, w, h, |x, y| x <= wf * (1.0 - (y - mid).abs() / mid)),
        // Thin arrow: the triangle's two slanted sides, `t` thick.
        0xE0B1 | 0xE0B3 => cv.shade(0, 0, w, h, |x, y| {
            let (dx, dy) = (wf, mid);
            let len = (dx * dx + dy * dy).sqrt();
            // Distance to the line through (0, 0)–(w, mid) (upper side) or (0, h)–(w, mid).
            let d = if y <= mid {
                (dy * x - dx * y).abs() / len
            } else {
                (dy * x - dx * (hf - y)).abs() / len
            };
            d <= half && x <= wf
        }),
        // Solid half disc: an ellipse centred on the left edge, as tall as the cell.
        0xE0B4 | 0xE0B6 => {
            cv.shade(0, 0, w, h, |x, y| (x / wf).powi(2) + ((y - mid) / mid).powi(2) <= 1.0)
        }
        // Thin half circle: the outline of that ellipse, `t` thick (distance to the ellipse
        // estimated from its implicit function and gradient).
        _ => cv.shade(0, 0, w, h, |x, y| {
            let (a, b) = ((wf - half).max(1.0), (mid - half).max(1.0));
            let (u, v) = (x / a, (y - mid) / b);
            let f = u * u + v * v - 1.0;
            let g = 2.0 * ((u / a).powi(2) + (v / b).powi(2)).sqrt();
            g > 0.0 && (f / g).abs() <= half
        }),
    }
    if matches!(code, 0xE0B2 | 0xE0B3 | 0xE0B6 | 0xE0B7) {
        cv.flip_horizontal();
    }
}

#[cfg(test)]
mod tests {
    use super::super::render;

    const SIZES: [(u32, u32); 5] = [(7, 15), (8, 16), (9, 19), (12, 25), (19, 40)];

    fn mask(c: char, w: u32, h: u32) -> Vec<u8> {
        render(c, w, h, 1).unwrap_or_else(|| panic!("{c:?} is drawn"))
    }

    fn col(m: &[u8], w: u32, h: u32, x: u32) -> Vec<u8> {
        (0..h).map(|y| m[(y * w + x) as usize]).collect()
    }

    #[test]
    fn triangles_touch_the_full_height_and_mirror() {
        for (w, h) in SIZES {
            for (c, x) in
                [('\u{E0B0}', 0), ('\u{E0B2}', w - 1), ('\u{E0B4}', 0), ('\u{E0B6}', w - 1)]
            {
                let m = mask(c, w, h);
                assert!(
                    col(&m, w, h, x).iter().all(|&a| a > 0),
                    "{c:?} covers its edge at {w}x{h}"
                );
                let inner: Vec<u8> = col(&m, w, h, x)[1..h as usize - 1].to_vec();
                assert!(inner.iter().all(|&a| a == 255), "{c:?}'s base is solid");
            }
            let right = mask('\u{E0B0}', w, h);
            let mid = h / 2;
            assert!(right[(mid * w + w - 1) as usize] > 0, "the tip reaches the far edge");
            assert_eq!(right[(w - 1) as usize], 0, "the top-right corner is empty");
            let left = mask('\u{E0B2}', w, h);
            for y in 0..h {
                for x in 0..w {
                    assert_eq!(right[(y * w + x) as usize], left[(y * w + w - 1 - x) as usize]);
                }
            }
            // Thin arrows: from the corners to the middle of the far edge, hollow inside.
            let thin = mask('\u{E0B1}', w, h);
            assert!(thin[0] > 0 && thin[((h - 1) * w) as usize] > 0, "corners at {w}x{h}");
            assert!(thin[(mid * w + w - 1) as usize] > 0, "tip");
            assert_eq!(thin[(mid * w) as usize], 0, "hollow");
            let arc = mask('\u{E0B5}', w, h);
            assert_eq!(arc[(mid * w) as usize], 0, "the thin half circle is hollow");
            assert!(arc[(mid * w + w - 1) as usize] > 0);
        }
    }
}
