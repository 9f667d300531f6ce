//! The byte streams both `core_throughput` (replayed into the cores) and `gui_compare` (`cat`
//! in each terminal's window) measure: dense ASCII, SGR-heavy colour, unicode, a scroll region
//! and cursor-addressed full redraws. Deterministic (a fixed xorshift seed each), so every run
//! and every terminal gets the same bytes.

/// A small deterministic generator (xorshift) so every run feeds the same bytes.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Append `n` bytes, each `first` plus a random number below `span`.
    pub fn push_bytes(&mut self, out: &mut Vec<u8>, n: usize, first: u8, span: u64) {
        for _ in 0..n {
            out.push(first + self.below(span) as u8);
        }
    }
}

/// Lines of 60–119 printable ASCII characters, about `size` bytes.
pub fn dense_ascii(size: usize) -> Vec<u8> {
    let mut r = Rng(1);
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        let len = 60 + r.below(60) as usize;
        r.push_bytes(&mut out, len, b' ', 95);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Short words each after an SGR: 256-colour and truecolour foregrounds, bold 256-colour
/// backgrounds, resets; about `size` bytes.
pub fn sgr_heavy(size: usize) -> Vec<u8> {
    let mut r = Rng(2);
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        for _ in 0..12 {
            match r.below(4) {
                0 => out.extend(format!("\x1b[38;5;{}m", r.below(256)).bytes()),
                1 => out.extend(
                    format!("\x1b[38;2;{};{};{}m", r.below(256), r.below(256), r.below(256))
                        .bytes(),
                ),
                2 => out.extend(format!("\x1b[1;48;5;{}m", r.below(256)).bytes()),
                _ => out.extend(b"\x1b[0m"),
            }
            let len = 3 + r.below(6) as usize;
            r.push_bytes(&mut out, len, b'a', 26);
        }
        out.extend_from_slice(b"\x1b[0m\r\n");
    }
    out
}

/// Lines of CJK wide characters, Latin letters with combining marks and ASCII; about `size`
/// bytes.
pub fn unicode(size: usize) -> Vec<u8> {
    let mut r = Rng(3);
    let cjk: Vec<char> = "漢字文化圏中国語日本語한국어정보처리".chars().collect();
    let latin: Vec<char> = "aeiouyçñßøåé".chars().collect();
    let marks = ['\u{301}', '\u{308}', '\u{323}', '\u{30a}'];
    let mut s = String::with_capacity(size);
    while s.len() < size {
        for _ in 0..40 {
            match r.below(3) {
                0 => s.push(cjk[r.below(cjk.len() as u64) as usize]),
                1 => {
                    s.push(latin[r.below(latin.len() as u64) as usize]);
                    s.push(marks[r.below(4) as usize]);
                }
                _ => s.push((b'a' + r.below(26) as u8) as char),
            }
        }
        s.push_str("\r\n");
    }
    s.into_bytes()
}

/// Lines scrolling inside a scroll region (DECSTBM 5 to `lines` − 5) of a `lines`-line
/// screen; about `size` bytes.
pub fn scroll_region(size: usize, lines: usize) -> Vec<u8> {
    let mut r = Rng(4);
    let mut out = Vec::with_capacity(size);
    out.extend(format!("\x1b[5;{}r\x1b[{};1H", lines - 5, lines - 5).bytes());
    while out.len() < size {
        let len = 40 + r.below(70) as usize;
        r.push_bytes(&mut out, len, b'!', 90);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Whole `cols` × `lines` screens redrawn in place, line by line (CUP, one colour a line,
/// EL at the end); about `size` bytes.
pub fn full_redraw(size: usize, cols: usize, lines: usize) -> Vec<u8> {
    let mut r = Rng(5);
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        out.extend_from_slice(b"\x1b[H");
        for line in 1..=lines {
            out.extend(format!("\x1b[{line};1H\x1b[3{}m", r.below(8)).bytes());
            r.push_bytes(&mut out, cols - 1, b'A', 26);
            out.extend_from_slice(b"\x1b[K");
        }
    }
    out
}
