//! Box-drawing (U+2500–U+257F) and block elements (U+2580–U+259F) drawn procedurally at the
//! exact cell size, as kitty and Ghostty do, so lines meet across cells with no gaps whatever
//! the font. Returns an alpha mask of `width × height`.

/// Arm weights: 0 none, 1 light, 2 heavy, 3 double. Order: up, right, down, left.
type Arms = [u8; 4];

fn arms(c: char) -> Option<Arms> {
    const TABLE: [(u32, Arms); 113] = [
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
        // Rounded corners, drawn square (they still join).
        (0x256D, [0, 1, 1, 0]),
        (0x256E, [0, 0, 1, 1]),
        (0x256F, [1, 0, 0, 1]),
        (0x2570, [1, 1, 0, 0]),
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

struct Canvas {
    w: i32,
    h: i32,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: u32, h: u32) -> Self {
        Self { w: w as i32, h: h as i32, px: vec![0; (w * h) as usize] }
    }

    /// Fill `[x0, x1) × [y0, y1)` (clipped) with `alpha`.
    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, alpha: u8) {
        for y in y0.max(0)..y1.min(self.h) {
            for x in x0.max(0)..x1.min(self.w) {
                let p = &mut self.px[(y * self.w + x) as usize];
                *p = (*p).max(alpha);
            }
        }
    }
}

/// The mask for `c` at `width × height` with light lines `light` pixels thick, or `None`
/// when `c` is not drawn procedurally.
pub fn render(c: char, width: u32, height: u32, light: u32) -> Option<Vec<u8>> {
    if width == 0 || height == 0 {
        return None;
    }
    let mut cv = Canvas::new(width, height);
    let (w, h) = (width as i32, height as i32);
    let code = c as u32;
    let t = light.max(1) as i32;
    if let Some(a) = arms(c) {
        lines(&mut cv, a, t);
        return Some(cv.px);
    }
    let frac_h = |n: i32| (h * n + 4) / 8;
    let frac_w = |n: i32| (w * n + 4) / 8;
    match code {
        // Dashed lines: 2, 3 or 4 segments.
        0x2504..=0x250B | 0x254C..=0x254F => {
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
            let th = if heavy { 2 * t } else { t };
            let len = if vertical { h } else { w };
            for s in 0..segments {
                let a = len * s / segments;
                let b = len * (s + 1) / segments - (len / segments / 3).max(1);
                if vertical {
                    let x = (w - th) / 2;
                    cv.rect(x, a, x + th, b, 255);
                } else {
                    let y = (h - th) / 2;
                    cv.rect(a, y, b, y + th, 255);
                }
            }
        }
        0x2571..=0x2573 => {
            // Anti-aliased diagonals corner to corner.
            let half = t as f32 / 2.0 + 0.5;
            let (wf, hf) = (w as f32, h as f32);
            let len = (wf * wf + hf * hf).sqrt();
            for y in 0..h {
                for x in 0..w {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let mut a: f32 = 0.0;
                    if code != 0x2572 {
                        // ╱ from bottom-left to top-right.
                        let d = (hf * px + wf * py - wf * hf).abs() / len;
                        a = a.max((half - d).clamp(0.0, 1.0));
                    }
                    if code != 0x2571 {
                        let d = (hf * px - wf * py).abs() / len;
                        a = a.max((half - d).clamp(0.0, 1.0));
                    }
                    cv.px[(y * w + x) as usize] = (a * 255.0) as u8;
                }
            }
        }
        0x2580 => cv.rect(0, 0, w, frac_h(4), 255),
        0x2581..=0x2588 => cv.rect(0, h - frac_h(code as i32 - 0x2580), w, h, 255),
        0x2589..=0x258F => cv.rect(0, 0, frac_w(0x2590 - code as i32), h, 255),
        0x2590 => cv.rect(frac_w(4), 0, w, h, 255),
        0x2591..=0x2593 => cv.rect(0, 0, w, h, [64u8, 128, 192][(code - 0x2591) as usize]),
        0x2594 => cv.rect(0, 0, w, frac_h(1), 255),
        0x2595 => cv.rect(w - frac_w(1), 0, w, h, 255),
        0x2596..=0x259F => {
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
            let (mx, my) = (w / 2, h / 2);
            if bits & 0b1000 != 0 {
                cv.rect(0, 0, mx, my, 255);
            }
            if bits & 0b0100 != 0 {
                cv.rect(mx, 0, w, my, 255);
            }
            if bits & 0b0010 != 0 {
                cv.rect(0, my, mx, h, 255);
            }
            if bits & 0b0001 != 0 {
                cv.rect(mx, my, w, h, 255);
            }
        }
        _ => return None,
    }
    Some(cv.px)
}

/// Draw the four arms from the cell centre to its edges.
fn lines(cv: &mut Canvas, a: Arms, t: i32) {
    let (w, h) = (cv.w, cv.h);
    let thick = |weight: u8| match weight {
        2 => 2 * t,
        _ => t,
    };
    // The centre lines; double lines sit one line-width either side.
    let cx = (w - t) / 2;
    let cy = (h - t) / 2;
    let gap = t;
    // How far each arm reaches past the centre, so joints are filled.
    let reach_v = a[1].max(a[3]);
    let reach_h = a[0].max(a[2]);
    let ext = |weight: u8| match weight {
        0 => 0,
        3 => gap + t,
        w => thick(w) / 2 + t / 2,
    };
    let ev = ext(reach_v);
    let eh = ext(reach_h);
    for (i, &weight) in a.iter().enumerate() {
        if weight == 0 {
            continue;
        }
        let vertical = i % 2 == 0;
        let offsets: Vec<i32> =
            if weight == 3 { vec![-gap - t / 2, gap + t - t / 2] } else { vec![0] };
        let th = if weight == 3 { t } else { thick(weight) };
        for off in offsets {
            if vertical {
                let x0 = cx + t / 2 - th / 2 + off;
                let (y0, y1) = if i == 0 { (0, cy + t + ev) } else { (cy - ev, h) };
                cv.rect(x0, y0, x0 + th, y1, 255);
            } else {
                let y0 = cy + t / 2 - th / 2 + off;
                let (x0, x1) = if i == 1 { (cx - eh, w) } else { (0, cx + t + eh) };
                cv.rect(x0, y0, x1, y0 + th, 255);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizontal_lines_reach_both_edges_at_the_same_row() {
        let (w, h) = (9, 18);
        let m = render('─', w, h, 1).unwrap();
        let rows: Vec<u32> = (0..h).filter(|&y| m[(y * w) as usize] == 255).collect();
        assert_eq!(rows.len(), 1);
        let y = rows[0];
        assert!((0..w).all(|x| m[(y * w + x) as usize] == 255), "a solid line edge to edge");
        // A corner joins the same row: ┌'s horizontal arm is on that row at the right edge.
        let c = render('┌', w, h, 1).unwrap();
        assert_eq!(c[(y * w + w - 1) as usize], 255);
        assert_eq!(c[(y * w) as usize], 0, "no arm to the left");
        let v = render('│', w, h, 1).unwrap();
        let col: Vec<u32> = (0..w).filter(|&x| v[x as usize] == 255).collect();
        assert_eq!(c[((h - 1) * w + col[0]) as usize], 255, "┌'s vertical arm meets │");
    }

    #[test]
    fn blocks_fill_their_part() {
        let (w, h) = (8, 16);
        let full = render('█', w, h, 1).unwrap();
        assert!(full.iter().all(|&p| p == 255));
        let lower = render('▄', w, h, 1).unwrap();
        assert_eq!(lower[0], 0);
        assert_eq!(lower[((h - 1) * w) as usize], 255);
        assert_eq!(lower.iter().filter(|&&p| p == 255).count(), (w * h / 2) as usize);
        assert!(render('A', w, h, 1).is_none());
    }
}
