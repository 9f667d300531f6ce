//! The half-block "image" workload both `core_throughput` and `gui_compare` replay: what
//! chafa, timg and viu draw — every cell `▀` with its own truecolour foreground (upper pixel)
//! and background (lower pixel), redrawn in place from the home position once per frame, the
//! picture moving between frames as a video would (so no frame repeats the last one's colours).

use std::io::Write;

/// `frames` frames of a `cols` × (`lines` − 1) picture, as bytes a program would write.
pub fn half_block_frames(frames: usize, cols: usize, lines: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(frames * cols * lines.saturating_sub(1) * 42);
    for f in 0..frames {
        out.extend_from_slice(b"\x1b[H");
        for y in 0..lines.saturating_sub(1) {
            for x in 0..cols {
                // Two pixel rows per cell: upper -> foreground, lower -> background.
                let px = |row: usize| {
                    let (x, row) = (x + f * 3, row + f);
                    ((x * 255 / cols) as u8, (row * 255 / (2 * lines)) as u8, ((x ^ row) * 7) as u8)
                };
                let (u, l) = (px(2 * y), px(2 * y + 1));
                let _ = write!(
                    out,
                    "\x1b[38;2;{};{};{};48;2;{};{};{}m\u{2580}",
                    u.0, u.1, u.2, l.0, l.1, l.2
                );
            }
            out.extend_from_slice(b"\x1b[0m\r\n");
        }
    }
    out
}
