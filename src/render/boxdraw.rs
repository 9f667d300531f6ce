//! Sprites: box drawing (U+2500–U+257F), block elements (U+2580–U+259F), the Symbols for
//! Legacy Computing sextants (U+1FB00–U+1FB3B) and the Powerline separators (U+E0B0–U+E0B7),
//! drawn procedurally at the exact cell size as kitty and Ghostty do, so that lines meet across
//! cells with no gaps and blocks tile whatever the font. Each call returns an alpha mask of
//! `width × height` pixels (row-major, one byte a pixel).
//!
//! This file owns the entry point, the canvas and the lines (light, heavy, double, dashed,
//! rounded, diagonal); [`blocks`] owns block elements, shades, quadrants and sextants;
//! [`powerline`] the Powerline triangles and half discs. Nothing here knows about fonts or GL.
//!
//! Geometry (the same for every cell of a grid, so neighbours line up): a light line is `t`
//! pixels thick and starts at `(size - t) / 2`; a heavy line is `2t` thick at `(size - 2t) / 2`
//! (it covers the light one); a double line is two light lines with a light line's gap
//! between them, centred on the light line.

mod blocks;
mod powerline;

/// Arm weights: 0 none, 1 light, 2 heavy, 3 double. Order: up, right, down, left.
type Arms = [u8; 4];

const UP: usize = 0;
const RIGHT: usize = 1;
const DOWN: usize = 2;
const LEFT: usize = 3;

fn arms(c: char) -> Option<Arms> {
    const TABLE: [(u32, Arms); 109] = [
        (0x2500, [0, 1, 0, 1]),
        (0x2501, [0, 2, 0, 2]),
        (0x2502, [1, 0, 1, 0]),
        (0x2503, [2, 0, 2, 0]),
        (0x250C, [0, 1, 1, 0]),
        (0x250D, [0, 2, 1, 0]),
        (0x250E, [0, 1, 2, 0]),
        (0x250F, [0, 2, 2, 0]),
        (0x2510, [0, 0, 1, 1]),
        (0x2511, [0, 0, 1, 2]),
        (0x2512, [0, 0, 2, 1]),
        (0x2513, [0, 0, 2, 2]),
        (0x2514, [1, 1, 0, 0]),
        (0x2515, [1, 2, 0, 0]),
        (0x2516, [2, 1, 0, 0]),
        (0x2517, [2, 2, 0, 0]),
        (0x2518, [1, 0, 0, 1]),
        (0x2519, [1, 0, 0, 2]),
        (0x251A, [2, 0, 0, 1]),
        (0x251B, [2, 0, 0, 2]),
        (0x251C, [1, 1, 1, 0]),
        (0x251D, [1, 2, 1, 0]),
        (0x251E, [2, 1, 1, 0]),
        (0x251F, [1, 1, 2, 0]),
        (0x2520, [2, 1, 2, 0]),
        (0x2521, [2, 2, 1, 0]),
        (0x2522, [1, 2, 2, 0]),
        (0x2523, [2, 2, 2, 0]),
        (0x2524, [1, 0, 1, 1]),
        (0x2525, [1, 0, 1, 2]),
        (0x2526, [2, 0, 1, 1]),
        (0x2527, [1, 0, 2, 1]),
        (0x2528, [2, 0, 2, 1]),
        (0x2529, [2, 0, 1, 2]),
        (0x252A, [1, 0, 2, 2]),
        (0x252B, [2, 0, 2, 2]),
        (0x252C, [0, 1, 1, 1]),
        (0x252D, [0, 1, 1, 2]),
        (0x252E, [0, 2, 1, 1]),
        (0x252F, [0, 2, 1, 2]),
        (0x2530, [0, 1, 2, 1]),
        (0x2531, [0, 1, 2, 2]),
        (0x2532, [0, 2, 2, 1]),
        (0x2533, [0, 2, 2, 2]),
        (0x2534, [1, 1, 0, 1]),
        (0x2535, [1, 1, 0, 2]),
        (0x2536, [1, 2, 0, 1]),
        (0x2537, [1, 2, 0, 2]),
        (0x2538, [2, 1, 0, 1]),
        (0x2539, [2, 1, 0, 2]),
        (0x253A, [2, 2, 0, 1]),
        (0x253B, [2, 2, 0, 2]),
        (0x253C, [1, 1, 1, 1]),
        (0x253D, [1, 1, 1, 2]),
        (0x253E, [1, 2, 1, 1]),
        (0x253F, [1, 2, 1, 2]),
        (0x2540, [2, 1, 1, 1]),
        (0x2541, [1, 1, 2, 1]),
        (0x2542, [2, 1, 2, 1]),
        (0x2543, [2, 1, 1, 2]),
        (0x2544, [2, 2, 1, 1]),
        (0x2545, [1, 1, 2, 2]),
        (0x2546, [1, 2, 2, 1]),
        (0x2547, [2, 2, 1, 2]),
        (0x2548, [1, 2, 2, 2]),
        (0x2549, [2, 1, 2, 2]),
        (0x254A, [2, 2, 2, 1]),
        (0x254B, [2, 2, 2, 2]),
        (0x2550, [0, 3, 0, 3]),
        (0x2551, [3, 0, 3, 0]),
        (0x2552, [0, 3, 1, 0]),
        (0x2553, [0, 1, 3, 0]),
        (0x2554, [0, 3, 3, 0]),
        (0x2555, [0, 0, 1, 3]),
        (0x2556, [0, 0, 3, 1]),
        (0x2557, [0, 0, 3, 3]),
        (0x2558, [1, 3, 0, 0]),
        (0x2559, [3, 1, 0, 0]),
        (0x255A, [3, 3, 0, 0]),
        (0x255B, [1, 0, 0, 3]),
        (0x255C, [3, 0, 0, 1]),
        (0x255D, [3, 0, 0, 3]),
        (0x255E, [1, 3, 1, 0]),
        (0x255F, [3, 1, 3, 0]),
        (0x2560, [3, 3, 3, 0]),
        (0x2561, [1, 0, 1, 3]),
        (0x2562, [3, 0, 3, 1]),
        (0x2563, [3, 0, 3, 3]),
        (0x2564, [0, 3, 1, 3]),
        (0x2565, [0, 1, 3, 1]),
        (0x2566, [0, 3, 3, 3]),
        (0x2567, [1, 3, 0, 3]),
        (0x2568, [3, 1, 0, 1]),
        (0x2569, [3, 3, 0, 3]),
        (0x256A, [1, 3, 1, 3]),
        (0x256B, [3, 1, 3, 1]),
        (0x256C, [3, 3, 3, 3]),
        (0x2574, [0, 0, 0, 1]),
        (0x2575, [1, 0, 0, 0]),
        (0x2576, [0, 1, 0, 0]),
        (0x2577, [0, 0, 1, 0]),
        (0x2578, [0, 0, 0, 2]),
        (0x2579, [2, 0, 0, 0]),
        (0x257A, [0, 2, 0, 0]),
        (0x257B, [0, 0, 2, 0]),
        (0x257C, [0, 2, 0, 1]),
        (0x257D, [1, 0, 2, 0]),
        (0x257E, [0, 1, 0, 2]),
        (0x257F, [2, 0, 1, 0]),
    ];

    let code = c as u32;
    TABLE.iter().find(|(k, _)| *k == code).map(|(_, a)| *a)
}

/// An alpha mask being drawn.
struct Canvas {
    w: i32,
    h: i32,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Self {
        Self { w: w as i32, h: h as i32, px: vec![0; w as usize * h as usize] }
    }

    /// Fill `[x0, x1) × [y0, y1)` (clipped) with at least `alpha`.
    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, alpha: u8) {
        for y in y0.max(0)..y1.min(self.h) {
            for x in x0.max(0)..x1.min(self.w) {
                let p = &mut self.px[(y * self.w + x) as usize];
                *p = (*p).max(alpha);
            }
        }
    }

    /// Anti-aliased fill of the pixels in `[x0, x1) × [y0, y1)` (clipped): each pixel's alpha
    /// is the share of its 4×4 sample points (pixel units, origin at the cell's top-left
    /// corner) for which `inside` holds.
    fn shade(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, inside: impl Fn(f32, f32) -> bool) {
        const N: i32 = 4;
        for y in y0.max(0)..y1.min(self.h) {
            for x in x0.max(0)..x1.min(self.w) {
                let mut hits = 0;
                for sy in 0..N {
                    for sx in 0..N {
                        let fx = x as f32 + (sx as f32 + 0.5) / N as f32;
                        let fy = y as f32 + (sy as f32 + 0.5) / N as f32;
                        hits += i32::from(inside(fx, fy));
                    }
                }
                let a = (hits * 255 / (N * N)) as u8;
                let p = &mut self.px[(y * self.w + x) as usize];
                *p = (*p).max(a);
            }
        }
    }

    /// Mirror left to right.
    fn flip_horizontal(&mut self) {
        let w = self.w as usize;
        for row in self.px.chunks_mut(w.max(1)) {
            row.reverse();
        }
    }
}

/// Whether `c` is drawn here rather than from a font.
pub fn covers(c: char) -> bool {
    matches!(c as u32, 0x2500..=0x259F | 0x1FB00..=0x1FB3B | 0xE0B0..=0xE0B7)
}

/// The mask for `c` at `width × height` with light lines `light` pixels thick (the font's
/// underline thickness; at least 1), or `None` when `c` is not drawn procedurally or the cell
/// is empty.
pub fn render(c: char, width: u32, height: u32, light: u32) -> Option<Vec<u8>> {
    if width == 0 || height == 0 || !covers(c) {
        return None;
    }
    let mut cv = Canvas::new(width, height);
    let t = light.clamp(1, width.min(height).max(1)) as i32;
    let code = c as u32;
    if let Some(a) = arms(c) {
        lines(&mut cv, a, t);
    } else {
        match code {
            0x2504..=0x250B | 0x254C..=0x254F => dashes(&mut cv, code, t),
            0x256D..=0x2570 => arc(&mut cv, code, t),
            0x2571..=0x2573 => diagonals(&mut cv, code, t),
            0x2580..=0x259F => blocks::block(&mut cv, code),
            0x1FB00..=0x1FB3B => blocks::sextant(&mut cv, code),
            0xE0B0..=0xE0B7 => powerline::separator(&mut cv, code, t),
            _ => return None,
        }
    }
    Some(cv.px)
}

/// The pixel bands `[start, end)` a line of `weight` covers across a cell `size` pixels wide
/// (or high): one band for light and heavy, two for double (the first nearer 0).
fn bands(size: i32, t: i32, weight: u8) -> ([(i32, i32); 2], usize) {
    let light = (size - t) / 2;
    match weight {
        2 => {
            let heavy = (size - 2 * t) / 2;
            ([(heavy, heavy + 2 * t), (0, 0)], 1)
        }
        3 => ([(light - t, light), (light + t, light + 2 * t)], 2),
        _ => ([(light, light + t), (0, 0)], 1),
    }
}

/// The span `[lo, hi)` all the bands of `weights` cover (the joint an arm must reach).
fn joint(size: i32, t: i32, weights: &[u8]) -> Option<(i32, i32)> {
    let mut span: Option<(i32, i32)> = None;
    for &w in weights.iter().filter(|&&w| w != 0) {
        let (b, n) = bands(size, t, w);
        for &(lo, hi) in &b[..n] {
            span = Some(span.map_or((lo, hi), |(a, z)| (a.min(lo), z.max(hi))));
        }
    }
    span
}

/// Draw the arms of a box-drawing character from its edges to the joint.
///
/// Each arm runs from its edge towards the centre and stops where it meets the lines across
/// it: at the far side of a light or heavy crossing line; at the near line of a double line
/// that runs through (╤ touches the lower line), at the far one of a double corner (╓); and a
/// double arm's two lines stop at the inner or outer line of a crossing double (╔'s outer
/// corner is closed, ╬ leaves the four inner corners open).
fn lines(cv: &mut Canvas, a: Arms, t: i32) {
    let (w, h) = (cv.w, cv.h);
    for dir in [UP, RIGHT, DOWN, LEFT] {
        let weight = a[dir];
        if weight == 0 {
            continue;
        }
        let vertical = dir == UP || dir == DOWN;
        // Sizes across and along the arm.
        let (across, along) = if vertical { (w, h) } else { (h, w) };
        // The crossing arms (on each side: lower coordinate first) and the opposite arm.
        let (side_lo, side_hi) = if vertical { (a[LEFT], a[RIGHT]) } else { (a[UP], a[DOWN]) };
        let opposite = a[(dir + 2) % 4];
        // Toward the centre from the low edge (up, left) or from the high edge (down, right).
        let from_low = dir == UP || dir == LEFT;
        let cross_double = side_lo == 3 || side_hi == 3;
        let (own, n) = bands(across, t, weight);
        let (cross, _) = bands(along, t, 3);
        for (i, &(b0, b1)) in own[..n].iter().enumerate() {
            // How far the arm reaches, as the span of the joint it must cover.
            let (lo, hi) = if side_lo == 0 && side_hi == 0 {
                // Nothing crosses: reach the far side of the arm's own joint.
                joint(along, t, &[weight, opposite]).unwrap_or((along / 2, along / 2))
            } else if weight == 3 && cross_double {
                // Double meets double: line i (0 = the low side) stops at the inner crossing
                // line when an arm leaves on its side, else at the outer one (a closed corner).
                let side_arm = if i == 0 { side_lo } else { side_hi };
                if side_arm != 0 {
                    if from_low { (cross[0].0, cross[0].1) } else { (cross[1].0, cross[1].1) }
                } else {
                    (cross[0].0, cross[1].1)
                }
            } else if weight == 3 {
                // Double meets light or heavy: both lines reach across the crossing line.
                joint(along, t, &[side_lo, side_hi]).unwrap_or((along / 2, along / 2))
            } else if cross_double {
                if opposite != 0 && opposite != 3 {
                    // A light or heavy line running through a double one (╪, ╫).
                    (cross[0].0, cross[1].1)
                } else if side_lo != 0 && side_hi != 0 {
                    // Into a double line that runs through (╤, ╟): touch the near line.
                    if from_low { (cross[0].0, cross[0].1) } else { (cross[1].0, cross[1].1) }
                } else {
                    // A corner with a double line (╒, ╓): reach the far line.
                    (cross[0].0, cross[1].1)
                }
            } else {
                joint(along, t, &[side_lo, side_hi]).unwrap_or((along / 2, along / 2))
            };
            let (s0, s1) = if from_low { (0, hi) } else { (lo, along) };
            if vertical {
                cv.rect(b0, s0, b1, s1, 255);
            } else {
                cv.rect(s0, b0, s1, b1, 255);
            }
        }
    }
}

/// Dashed lines: 2, 3 or 4 dashes a cell, light or heavy, on the same rows (columns) as the
/// solid line. Each dash has half a gap on either side, so the pattern tiles across cells.
fn dashes(cv: &mut Canvas, code: u32, t: i32) {
    let (segments, heavy, vertical) = match code {
        0x2504 => (3, false, false),
        0x2505 => (3, true, false),
        0x2506 => (3, false, true),
        0x2507 => (3, true, true),
        0x2508 => (4, false, false),
        0x2509 => (4, true, false),
        0x250A => (4, false, true),
        0x250B => (4, true, true),
        0x254C => (2, false, false),
        0x254D => (2, true, false),
        0x254E => (2, false, true),
        _ => (2, true, true),
    };
    let (w, h) = (cv.w, cv.h);
    let (along, across) = if vertical { (h, w) } else { (w, h) };
    let ([(b0, b1), _], _) = bands(across, t, if heavy { 2 } else { 1 });
    // The gap: a quarter of a segment, at least a pixel, never the whole segment.
    let seg = along / segments;
    let gap = (seg / 4).max(1).min((seg - 1).max(0));
    for s in 0..segments {
        let a = along * s / segments + gap / 2;
        let b = along * (s + 1) / segments - (gap - gap / 2);
        if vertical {
            cv.rect(b0, a, b1, b, 255);
        } else {
            cv.rect(a, b0, b, b1, 255);
        }
    }
}

/// Rounded corners (╭╮╯╰): a quarter circle, anti-aliased, tangent to the light lines it
/// joins, which run straight (pixel-exact, as ─ and │) from the arc to the cell's edges.
fn arc(cv: &mut Canvas, code: u32, t: i32) {
    let (w, h) = (cv.w, cv.h);
    let ([(x0, _), _], _) = bands(w, t, 1);
    let ([(y0, _), _], _) = bands(h, t, 1);
    // The light lines' centres.
    let (xc, yc) = (x0 as f32 + t as f32 / 2.0, y0 as f32 + t as f32 / 2.0);
    // As round as the cell allows, leaving at least a pixel of straight line at each edge so
    // that the edge pixels are exactly those of ─ and │.
    let r = (xc.min(yc).min(w as f32 - xc).min(h as f32 - yc) - 1.0).max(t as f32 / 2.0);
    // Which way the arms go: right or left, down or up.
    let (right, down) = match code {
        0x256D => (true, true),
        0x256E => (false, true),
        0x256F => (false, false),
        _ => (true, false),
    };
    let acx = if right { xc + r } else { xc - r };
    let acy = if down { yc + r } else { yc - r };
    // Straight parts, on exactly the rows and columns of ─ and │.
    let (sx0, sx1) = if right { (acx.floor() as i32, w) } else { (0, acx.ceil() as i32) };
    cv.rect(sx0, y0, sx1, y0 + t, 255);
    let (sy0, sy1) = if down { (acy.floor() as i32, h) } else { (0, acy.ceil() as i32) };
    cv.rect(x0, sy0, x0 + t, sy1, 255);
    // The arc, in the quarter facing the corner.
    let half = t as f32 / 2.0;
    cv.shade(0, 0, w, h, |x, y| {
        let in_quarter =
            (if right { x <= acx } else { x >= acx }) && (if down { y <= acy } else { y >= acy });
        let d = ((x - acx).powi(2) + (y - acy).powi(2)).sqrt();
        in_quarter && (d - r).abs() <= half
    });
}

/// Diagonals ╱ ╲ ╳, anti-aliased, corner to corner so they continue into the next cell.
fn diagonals(cv: &mut Canvas, code: u32, t: i32) {
    let (wf, hf) = (cv.w as f32, cv.h as f32);
    let len = (wf * wf + hf * hf).sqrt();
    let half = t as f32 / 2.0;
    let (w, h) = (cv.w, cv.h);
    cv.shade(0, 0, w, h, |x, y| {
        // ╱ from bottom-left to top-right; ╲ from top-left to bottom-right.
        let rising = (hf * x + wf * y - wf * hf).abs() / len <= half;
        let falling = (hf * x - wf * y).abs() / len <= half;
        match code {
            0x2571 => rising,
            0x2572 => falling,
            _ => rising || falling,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odd and even widths and heights, small to large; thicker lines on the larger cells.
    const SIZES: [(u32, u32, u32); 7] =
        [(7, 15, 1), (8, 16, 1), (9, 19, 1), (12, 25, 1), (12, 25, 2), (19, 40, 2), (19, 40, 3)];

    fn mask(c: char, w: u32, h: u32, t: u32) -> Vec<u8> {
        render(c, w, h, t).unwrap_or_else(|| panic!("{c:?} is drawn"))
    }

    fn at(m: &[u8], w: u32, x: i32, y: i32) -> u8 {
        m[(y * w as i32 + x) as usize]
    }

    /// The positions along an edge that are fully drawn; panics on partial coverage (a line
    /// end must be pixel-exact where it meets the next cell).
    fn edge(m: &[u8], w: u32, h: u32, dir: usize) -> Vec<i32> {
        let (w_, h_) = (w as i32, h as i32);
        let points: Vec<(i32, i32)> = match dir {
            UP => (0..w_).map(|x| (x, 0)).collect(),
            DOWN => (0..w_).map(|x| (x, h_ - 1)).collect(),
            LEFT => (0..h_).map(|y| (0, y)).collect(),
            _ => (0..h_).map(|y| (w_ - 1, y)).collect(),
        };
        let mut out = Vec::new();
        for (i, &(x, y)) in points.iter().enumerate() {
            match at(m, w, x, y) {
                0 => {}
                255 => out.push(i as i32),
                a => panic!("partial alpha {a} on an edge at ({x}, {y})"),
            }
        }
        out
    }

    fn band_pixels(size: u32, t: u32, weight: u8) -> Vec<i32> {
        if weight == 0 {
            return Vec::new();
        }
        let (b, n) = bands(size as i32, t as i32, weight);
        b[..n].iter().flat_map(|&(lo, hi)| lo..hi).collect()
    }

    /// Every line character's arms reach each edge on exactly the pixels of the straight
    /// line of that weight (so it meets ─ ━ ═ │ ┃ ║ in the next cell), and nothing else
    /// touches an edge.
    #[test]
    fn lines_meet_neighbouring_cells_on_the_same_rows_and_columns() {
        let mut codes: Vec<(u32, Arms)> = (0x2500..=0x257F)
            .filter_map(|c| char::from_u32(c).and_then(|ch| arms(ch).map(|a| (c, a))))
            .collect();
        // Rounded corners join like the square ones.
        codes.extend([
            (0x256D, [0, 1, 1, 0]),
            (0x256E, [0, 0, 1, 1]),
            (0x256F, [1, 0, 0, 1]),
            (0x2570, [1, 1, 0, 0]),
        ]);
        assert_eq!(codes.len(), 113, "every straight, joined and rounded line character");
        for (w, h, t) in SIZES {
            for &(code, a) in &codes {
                let c = char::from_u32(code).unwrap_or(' ');
                let m = mask(c, w, h, t);
                for dir in [UP, RIGHT, DOWN, LEFT] {
                    let across = if dir == UP || dir == DOWN { w } else { h };
                    assert_eq!(
                        edge(&m, w, h, dir),
                        band_pixels(across, t, a[dir]),
                        "{c} at {w}x{h} t={t}, arm {dir}"
                    );
                }
            }
        }
    }

    /// Joints are closed: ┼ ╋ ┌ ╔ fill their centre or outer corner; ╬ leaves its inner
    /// corners open; ╒ and ╓ close their corner across both lines.
    #[test]
    fn joints_are_closed_and_double_corners_drawn() {
        for (w, h, t) in SIZES {
            let ti = t as i32;
            let lx = (w as i32 - ti) / 2;
            let ly = (h as i32 - ti) / 2;
            for c in ['┼', '╋', '┌', '┍', '┎', '┏', '╆', '╪', '╫'] {
                assert_eq!(at(&mask(c, w, h, t), w, lx, ly), 255, "{c} centre at {w}x{h}");
            }
            let (dx1, dx2) = (lx - ti, lx + ti);
            let (dy1, dy2) = (ly - ti, ly + ti);
            let m = mask('╔', w, h, t);
            assert_eq!(at(&m, w, dx1, dy1), 255, "╔ outer corner");
            assert_eq!(at(&m, w, dx2, dy2), 255, "╔ inner corner");
            assert_eq!(at(&m, w, lx, ly), 0, "╔ gap between its lines");
            assert_eq!(at(&m, w, dx1, dy2 + ti), 255, "╔ outer line continues down");
            let m = mask('╬', w, h, t);
            assert_eq!(at(&m, w, lx, ly), 0, "╬ centre is open");
            assert_eq!(at(&m, w, dx1, dy1), 255);
            assert_eq!(at(&m, w, dx1, ly), 0, "╬'s vertical lines are broken by the gap");
            let m = mask('╒', w, h, t);
            assert_eq!(at(&m, w, lx, dy1), 255, "╒: the vertical reaches the top line");
            assert_eq!(at(&m, w, lx, ly), 255, "╒: and passes the gap");
            let m = mask('╓', w, h, t);
            assert_eq!(at(&m, w, dx1, ly), 255, "╓: the horizontal reaches the left line");
            let m = mask('╤', w, h, t);
            assert_eq!(at(&m, w, lx, dy2), 255, "╤: the stem touches the lower line");
            assert_eq!(at(&m, w, lx, ly), 0, "╤: but does not cross the gap");
        }
    }

    /// ╭'s corner pixel (the outer pixel where ┌'s lines cross) is background; the arc is one stroke from the
    /// right edge's line to the bottom edge's line (8-connected through pixels at least half
    /// covered), and the straight ends are those of ─ and │.
    #[test]
    fn rounded_corners_are_arcs_continuous_with_the_lines() {
        for (w, h, t) in SIZES {
            let ti = t as i32;
            let (lx, ly) = ((w as i32 - ti) / 2, (h as i32 - ti) / 2);
            let (rx, by) = (lx + ti - 1, ly + ti - 1);
            // The square corner's outer pixel, which the arc cuts off.
            for (c, x, y) in [('┌', lx, ly), ('┐', rx, ly), ('┘', rx, by), ('└', lx, by)] {
                assert_eq!(at(&mask(c, w, h, t), w, x, y), 255, "{c}");
            }
            for (c, from, to, corner) in [
                ('╭', (w as i32 - 1, ly), (lx, h as i32 - 1), (lx, ly)),
                ('╮', (0, ly), (lx, h as i32 - 1), (rx, ly)),
                ('╯', (0, ly), (lx, 0), (rx, by)),
                ('╰', (w as i32 - 1, ly), (lx, 0), (lx, by)),
            ] {
                let m = mask(c, w, h, t);
                let a = at(&m, w, corner.0, corner.1);
                assert_eq!(a, 0, "{c}'s corner pixel is background at {w}x{h} t={t}");
                assert!(m.iter().any(|&a| a > 0 && a < 255), "{c} is anti-aliased");
                let mut seen = vec![false; m.len()];
                let mut stack = vec![from];
                while let Some((x, y)) = stack.pop() {
                    if x < 0 || y < 0 || x >= w as i32 || y >= h as i32 {
                        continue;
                    }
                    let i = (y * w as i32 + x) as usize;
                    if seen[i] || m[i] < 128 {
                        continue;
                    }
                    seen[i] = true;
                    for (dx, dy) in
                        [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
                    {
                        stack.push((x + dx, y + dy));
                    }
                }
                assert!(
                    seen[(to.1 * w as i32 + to.0) as usize],
                    "{c} is continuous at {w}x{h} t={t}"
                );
            }
        }
    }

    /// A row of ─ is one unbroken line; dashes sit on the same rows and tile with equal gaps.
    #[test]
    fn dashes_sit_on_the_solid_line_and_tile() {
        for (w, h, t) in SIZES {
            let solid = mask('─', w, h, t);
            let rows: Vec<i32> = (0..h as i32).filter(|&y| at(&solid, w, 0, y) == 255).collect();
            for (c, n) in [('╌', 2), ('┄', 3), ('┈', 4)] {
                let m = mask(c, w, h, t);
                for y in 0..h as i32 {
                    let on = (0..w as i32).filter(|&x| at(&m, w, x, y) == 255).count();
                    assert_eq!(on > 0, rows.contains(&y), "{c} row {y} at {w}x{h}");
                }
                // Runs along the line, counting across two cells side by side.
                let y = rows[0];
                let row: Vec<bool> =
                    (0..2 * w as i32).map(|x| at(&m, w, x % w as i32, y) == 255).collect();
                let dashes = row.windows(2).filter(|p| !p[0] && p[1]).count() + usize::from(row[0]);
                if w as usize >= 2 * n {
                    // Room for a dash and a gap each (7 pixels cannot hold four of each).
                    assert_eq!(dashes, 2 * n, "{c}: {n} dashes a cell at {w}x{h}");
                    assert!(row.iter().filter(|&&on| !on).count() >= 2 * n, "{c} has gaps");
                }
            }
        }
    }

    #[test]
    fn only_the_sprite_ranges_are_drawn() {
        assert!(render('A', 8, 16, 1).is_none());
        assert!(render('\u{1FB3C}', 8, 16, 1).is_none());
        assert!(render('\u{E0B8}', 8, 16, 1).is_none());
        assert!(render('─', 0, 16, 1).is_none());
        for c in (0x2500..=0x259F).chain(0x1FB00..=0x1FB3B).chain(0xE0B0..=0xE0B7) {
            let ch = char::from_u32(c).unwrap_or(' ');
            let m = mask(ch, 9, 19, 1);
            assert_eq!(m.len(), 9 * 19);
            assert!(m.iter().any(|&a| a > 0), "U+{c:04X} draws something");
            // Huge light thickness is clamped to the cell, never a panic.
            assert!(render(ch, 3, 2, 50).is_some());
        }
    }
}
