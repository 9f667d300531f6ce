//! Screen captures as RGB pixels, and the polling helpers the X11 and Wayland GUI suites
//! share (included by tests/common/x11.rs and tests/common/wayland.rs).
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

pub struct Image {
    pub w: usize,
    pub h: usize,
    pub rgb: Vec<u8>,
}

impl Image {
    /// A binary PPM (P6, maxval 255).
    pub fn from_ppm(data: &[u8]) -> Option<Image> {
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while data.get(i)?.is_ascii_whitespace() {
                i += 1;
            }
            if data[i] == b'#' {
                while *data.get(i)? != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            while !data.get(i)?.is_ascii_whitespace() {
                i += 1;
            }
            fields.push(std::str::from_utf8(&data[start..i]).ok()?.to_owned());
        }
        if fields[0] != "P6" || fields[3] != "255" {
            return None;
        }
        let (w, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        let rgb = data.get(i + 1..i + 1 + w * h * 3)?.to_vec();
        Some(Image { w, h, rgb })
    }

    /// Write the image as a PPM (to look at a failed check's capture).
    pub fn save(&self, path: &Path) {
        let mut data = format!("P6\n{} {}\n255\n", self.w, self.h).into_bytes();
        data.extend_from_slice(&self.rgb);
        let _ = std::fs::write(path, data);
    }

    pub fn px(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.w + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Pixels of a rectangle (image pixels).
    pub fn region(&self, x0: f64, y0: f64, w: f64, h: f64) -> Vec<[u8; 3]> {
        let mut out = Vec::new();
        for y in y0.round() as usize..(y0 + h).round() as usize {
            for x in x0.round() as usize..(x0 + w).round() as usize {
                if x < self.w && y < self.h {
                    out.push(self.px(x, y));
                }
            }
        }
        out
    }
}

pub fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter().zip(b).all(|(x, y)| (*x as i32 - y as i32).abs() <= tol)
}

pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

/// Where a window's cells are in its captures (from `msg list`'s `geometry`), in pixels.
pub struct Cells {
    pub x0: f64,
    pub y0: f64,
    pub cw: f64,
    pub ch: f64,
}

impl Cells {
    pub fn of(window: &serde_json::Value) -> Cells {
        let g = &window["geometry"];
        Cells {
            x0: g["x0"].as_f64().unwrap(),
            y0: g["y0"].as_f64().unwrap(),
            cw: g["cell_width"].as_f64().unwrap(),
            ch: g["cell_height"].as_f64().unwrap(),
        }
    }

    /// The pixels of cells `cols` on `line`.
    pub fn pixels(&self, img: &Image, line: usize, cols: std::ops::Range<usize>) -> Vec<[u8; 3]> {
        img.region(
            self.x0 + cols.start as f64 * self.cw,
            self.y0 + line as f64 * self.ch,
            (cols.end - cols.start) as f64 * self.cw,
            self.ch,
        )
    }
}

/// The share of `px` within 24 of `color` on every channel (0 to 1).
pub fn share(px: &[[u8; 3]], color: [u8; 3]) -> f64 {
    px.iter().filter(|p| close(**p, color, 24)).count() as f64 / px.len().max(1) as f64
}
