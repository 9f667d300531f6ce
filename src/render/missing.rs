//! The replacement box for a character no installed font has: a rectangle the size of the
//! cell(s) with the code point in hexadecimal inside (kitty's and foot's behaviour: the
//! user sees that something is there, and what). Drawn procedurally with a 3 × 5 pixel
//! digit font scaled to the cell, so it needs no font. Pure: returns a coverage mask.

/// The hex digits 0–F, 3 × 5 pixels each, one row a byte (bit 2 = left column).
const DIGITS: [[u8; 5]; 16] = [
    [7, 5, 5, 5, 7], // 0
    [2, 6, 2, 2, 7], // 1
    [7, 1, 7, 4, 7], // 2
    [7, 1, 3, 1, 7], // 3
    [5, 5, 7, 1, 1], // 4
    [7, 4, 7, 1, 7], // 5
    [7, 4, 7, 5, 7], // 6
    [7, 1, 2, 2, 2], // 7
    [7, 5, 7, 5, 7], // 8
    [7, 5, 7, 1, 7], // 9
    [2, 5, 7, 5, 5], // A
    [6, 5, 6, 5, 6], // B
    [3, 4, 4, 4, 3], // C
    [6, 5, 5, 5, 6], // D
    [7, 4, 6, 4, 7], // E
    [7, 4, 6, 4, 4], // F
];

/// A `w × h` coverage mask (row-major, 255 = ink): a box outline `line` pixels thick with
/// the hex digits of `cp` inside, in two rows (4 digits: "D5"/"5C"; 5–6 digits: three a
/// row). `None` for an empty size.
pub fn render(cp: u32, w: u32, h: u32, line: u32) -> Option<Vec<u8>> {
    if w == 0 || h == 0 || w > 4096 || h > 4096 {
        return None;
    }
    let (w, h) = (w as usize, h as usize);
    let line = (line as usize).clamp(1, (w.min(h) / 4).max(1));
    let mut mask = vec![0u8; w * h];
    let mut fill = |x0: usize, y0: usize, x1: usize, y1: usize| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                mask[y * w + x] = 255;
            }
        }
    };
    // The box, inset by one pixel so neighbouring boxes stay apart.
    let (bx0, by0, bx1, by1) =
        (1.min(w - 1), 1.min(h - 1), w.saturating_sub(1), h.saturating_sub(1));
    fill(bx0, by0, bx1, by0 + line);
    fill(bx0, by1.saturating_sub(line), bx1, by1);
    fill(bx0, by0, bx0 + line, by1);
    fill(bx1.saturating_sub(line), by0, bx1, by1);
    let hex = format!("{:X}", cp.min(0x10FFFF));
    let hex = if hex.len() < 4 { format!("{hex:0>4}") } else { hex };
    let per_row = hex.len().div_ceil(2);
    let rows = [&hex[..per_row], &hex[per_row..]];
    // Digit pixel size: what fits inside the box with a pixel of margin and gap.
    let inner_w = bx1.saturating_sub(bx0 + 2 * line + 2);
    let inner_h = by1.saturating_sub(by0 + 2 * line + 2);
    let px = (inner_w / (per_row * 4)).min(inner_h / 11);
    if px == 0 {
        return Some(mask);
    }
    let text_w = per_row * 4 * px - px;
    let text_h = 11 * px;
    let x_start = (w - text_w) / 2;
    let y_start = (h - text_h) / 2;
    for (r, row) in rows.iter().enumerate() {
        for (k, d) in row.chars().enumerate() {
            let Some(glyph) = d.to_digit(16).map(|v| DIGITS[v as usize]) else { continue };
            let gx = x_start + k * 4 * px;
            let gy = y_start + r * 6 * px;
            for (yy, bits) in glyph.iter().enumerate() {
                for xx in 0..3 {
                    if bits & (4 >> xx) != 0 {
                        fill(gx + xx * px, gy + yy * px, gx + (xx + 1) * px, gy + (yy + 1) * px);
                    }
                }
            }
        }
    }
    Some(mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_has_an_outline_and_digits_inside() {
        let (w, h) = (20u32, 36u32);
        let m = render(0xD55C, w, h, 1).expect("a mask");
        assert_eq!(m.len(), (w * h) as usize);
        let at = |x: u32, y: u32| m[(y * w + x) as usize];
        assert_eq!(at(1, 1), 255, "top-left corner of the box");
        assert_eq!(at(18, 34), 255, "bottom-right corner");
        assert_eq!(at(0, 0), 0, "a pixel of margin");
        let inside: usize = (3..17)
            .flat_map(|x| (3..33).map(move |y| (x, y)))
            .filter(|&(x, y)| at(x, y) == 255)
            .count();
        assert!(inside > 10, "hex digits drawn inside: {inside} pixels");
        let other = render(0xD55D, w, h, 1).expect("a mask");
        assert_ne!(m, other, "the code point shows");
        assert_eq!(render(0x41, 0, 10, 1), None);
    }
}
