//! Answers to the program's questions: DA1/2/3, DSR/DECXCPR, XTWINOPS reports, DECRQSS,
//! XTGETTCAP and DECRQCRA. Every answer is queued as a reply; nothing the program sent is
//! echoed back except values that are validated first (hex capability names).

use crate::*;

/// DA1: a VT420-class terminal (64) with 132 columns (1), selective erase (6), national
/// replacement character sets (9), DEC technical characters (15), terminal state
/// interrogation (17), horizontal scrolling (21), ANSI colour (22) and rectangular editing
/// (28). xterm also claims a printer (2), a locator (16) and user windows (18): we have none.
const PRIMARY_DA: &str = "?64;1;6;9;15;17;21;22;28c";

impl Term {
    pub(super) fn report_device_attributes(&mut self, which: DeviceAttributes) {
        match which {
            DeviceAttributes::Primary => self.reply_csi(PRIMARY_DA),
            DeviceAttributes::Secondary => {
                let v = version_number();
                self.reply_csi(&format!(">1;{v};0c"));
            }
            // DA3 is a VT400 feature: xterm does not answer it at the VT100 level.
            DeviceAttributes::Tertiary if self.conformance_level < 62 => (),
            DeviceAttributes::Tertiary => self.reply_dcs("!|00000000"),
        }
    }

    /// Cursor position as reports give it: 1-based, relative to the margins in origin mode.
    fn report_position(&self) -> (usize, usize) {
        let p = self.cursor.point;
        if self.modes.contains(Modes::ORIGIN) {
            (
                p.line.0.saturating_sub(self.margins.top.0) + 1,
                p.column.0.saturating_sub(self.margins.left.0) + 1,
            )
        } else {
            (p.line.0 + 1, p.column.0 + 1)
        }
    }

    pub(super) fn report_device_status(&mut self, n: u16, arg: u16, private: bool) {
        let body = match (private, n) {
            (false, 5) => "0n".to_owned(),
            (false, 6) => {
                let (line, col) = self.report_position();
                format!("{line};{col}R")
            }
            // DECXCPR: the page number is a VT300-and-later addition.
            (true, 6) => {
                let (line, col) = self.report_position();
                if self.conformance_level >= 63 {
                    format!("?{line};{col};1R")
                } else {
                    format!("?{line};{col}R")
                }
            }
            // No printer.
            (true, 15) => "?13n".to_owned(),
            // User-defined keys unlocked.
            (true, 25) => "?20n".to_owned(),
            // Keyboard: North American, ready, LK201.
            (true, 26) => "?27;1;0;0n".to_owned(),
            // No locator.
            (true, 53 | 55) => "?53n".to_owned(),
            (true, 56) => "?57;0n".to_owned(),
            // Macro space: none.
            (true, 62) => "0000*{".to_owned(),
            (true, 63) => {
                self.reply_dcs(&format!("{arg}!~0000"));
                return;
            }
            // Data integrity: no errors.
            (true, 75) => "?70n".to_owned(),
            // Multiple sessions: not configured.
            (true, 85) => "?83n".to_owned(),
            _ => return,
        };
        self.reply_csi(&body);
    }

    pub(super) fn handle_window_op(&mut self, params: &[u16]) {
        let p = |i: usize| params.get(i).copied().unwrap_or(0);
        let (cw, ch) = self.config.cell_pixels;
        let (cols, lines) = (self.cols(), self.lines());
        match p(0) {
            1 => self.events.push(TermEvent::Window(WindowRequest::Iconify(false))),
            2 => self.events.push(TermEvent::Window(WindowRequest::Iconify(true))),
            4 => self
                .events
                .push(TermEvent::Window(WindowRequest::ResizePixels { height: p(1), width: p(2) })),
            5 => self.events.push(TermEvent::Window(WindowRequest::Raise)),
            6 => self.events.push(TermEvent::Window(WindowRequest::Lower)),
            7 => self.events.push(TermEvent::Window(WindowRequest::Refresh)),
            8 => {
                // 0 (or missing) keeps that dimension.
                let new_lines = if p(1) == 0 { lines } else { p(1) as usize };
                let new_cols = if p(2) == 0 { cols } else { p(2) as usize };
                self.request_resize(new_cols, new_lines);
            }
            9 => self.events.push(TermEvent::Window(WindowRequest::Maximize(p(1)))),
            10 => self.events.push(TermEvent::Window(WindowRequest::Fullscreen(p(1)))),
            // Window state: not iconified.
            11 => self.reply_csi("1t"),
            3 => self.events.push(TermEvent::Window(WindowRequest::Move { x: p(1), y: p(2) })),
            // Window position (13) or its text area's (13;2), as the embedder last said.
            13 => {
                let (window, text) = self.window_position;
                let (x, y) = if p(1) == 2 { text } else { window };
                self.reply_csi(&format!("3;{x};{y}t"));
            }
            14 => {
                let (h, w) = (lines * ch as usize, cols * cw as usize);
                self.reply_csi(&format!("4;{h};{w}t"));
            }
            15 => {
                let (h, w) = (lines * ch as usize, cols * cw as usize);
                self.reply_csi(&format!("5;{h};{w}t"));
            }
            16 => self.reply_csi(&format!("6;{ch};{cw}t")),
            18 => self.reply_csi(&format!("8;{lines};{cols}t")),
            19 => self.reply_csi(&format!("9;{lines};{cols}t")),
            // Title reports echo program-controlled text: refused unless enabled.
            20 if self.config.allow_title_report => {
                let label = self.title_report(&self.icon_name);
                let (osc, st) = (self.osc_intro(), self.st());
                self.replies.extend_from_slice(osc);
                self.replies.extend_from_slice(format!("L{label}").as_bytes());
                self.replies.extend_from_slice(st);
            }
            21 if self.config.allow_title_report => {
                let title = self.title_report(&self.title);
                let (osc, st) = (self.osc_intro(), self.st());
                self.replies.extend_from_slice(osc);
                self.replies.extend_from_slice(format!("l{title}").as_bytes());
                self.replies.extend_from_slice(st);
            }
            22 => self.push_title(p(1)),
            23 => self.pop_title(p(1)),
            // DECSLPP: `CSI Ps t` with Ps >= 24 sets the number of lines.
            n if n >= 24 => self.request_resize(cols, n as usize),
            _ => (),
        }
    }

    pub(super) fn report_status_string(&mut self, request: &[u8]) {
        // What xterm 379 gates by conformance level: the DECSCL setting is not reported at the
        // VT100 level (no reply at all), DECSLRM's margins are invalid below the VT420 level.
        if request == b"\"p" && self.conformance_level < 62 {
            return;
        }
        if request == b"s" && self.conformance_level < 64 {
            self.reply_dcs("0$r");
            return;
        }
        let m = self.margins;
        let answer = match request {
            b"m" => Some(format!("{}m", sgr::describe(&self.cursor.pen))),
            b"r" => Some(format!("{};{}r", m.top + 1, m.bottom + 1)),
            b"s" => Some(format!("{};{}s", m.left + 1, m.right + 1)),
            b" q" => {
                let style = self.cursor_style();
                let base = match style.shape {
                    CursorShape::Block => 1,
                    CursorShape::Underline => 3,
                    CursorShape::Beam => 5,
                };
                Some(format!("{} q", base + !style.blinking as u8))
            }
            b"\"p" => {
                let bits = if self.eight_bit_controls { 0 } else { 1 };
                Some(format!("{};{bits}\"p", self.conformance_level))
            }
            b"\"q" => {
                let on = self.cursor.pen.attrs.contains(Attrs::PROTECTED) as u8;
                Some(format!("{on}\"q"))
            }
            b"*x" => Some(format!("{}*x", if self.attr_change_rect { 2 } else { 1 })),
            // DECSASD and DECSSDT (VT520): there is no status line, so the main display is
            // always the active one and the status line type is "none".
            b"$}" => Some("0$}".to_owned()),
            b"$~" => Some("0$~".to_owned()),
            b"t" => Some(format!("{}t", self.lines())),
            b"$|" => Some(format!("{}$|", self.cols())),
            b"*|" => Some(format!("{}*|", self.lines())),
            _ => None,
        };
        match answer {
            Some(body) => self.reply_dcs(&format!("1$r{body}")),
            // Never echo an unknown request back.
            None => self.reply_dcs("0$r"),
        }
    }

    pub(super) fn report_termcap(&mut self, request: &[u8]) {
        for name_hex in request.split(|&b| b == b';') {
            let valid_hex = !name_hex.is_empty()
                && name_hex.len() <= 64
                && name_hex.len() % 2 == 0
                && name_hex.iter().all(u8::is_ascii_hexdigit);
            if !valid_hex {
                self.reply_dcs("0+r");
                return;
            }
            let name = hex_decode(name_hex);
            let value = match name.as_slice() {
                b"TN" | b"name" => Some("xterm-256color"),
                b"Co" | b"colors" => Some("256"),
                b"RGB" => Some("8/8/8"),
                _ => None,
            };
            let hex = String::from_utf8_lossy(name_hex).into_owned();
            match value {
                Some(v) => self.reply_dcs(&format!("1+r{hex}={}", hex_encode(v.as_bytes()))),
                None => {
                    self.reply_dcs(&format!("0+r{hex}"));
                    return;
                }
            }
        }
    }
}

/// Our version as one number for DA2: major * 10000 + minor * 100 + patch.
fn version_number() -> u32 {
    let mut parts = env!("CARGO_PKG_VERSION").split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    major * 10000 + minor * 100 + patch
}

impl Term {
    /// A title reported back (only when enabled): in hex when XTSMTITLE 1 asked for it, else
    /// without its control characters, so it cannot end the report early or smuggle a
    /// sequence in.
    fn title_report(&self, s: &str) -> String {
        if self.title_modes & TITLE_QUERY_HEX != 0 {
            hex_encode(s.as_bytes())
        } else {
            s.chars().filter(|c| !c.is_control()).collect()
        }
    }
}

fn hex_decode(hex: &[u8]) -> Vec<u8> {
    hex.chunks(2)
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .filter_map(|s| u8::from_str_radix(s, 16).ok())
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

impl Term {
    /// DECRQCRA, as xterm computes it: the 16-bit two's-complement negation of the sum over
    /// the rectangle of each cell's value —
    /// * a character: the low 8 bits of its code (VT520s had 8-bit cells), plus 0x80 bold,
    ///   0x40 blink, 0x20 inverse, 0x10 single underline; hidden (SGR 8) characters count as
    ///   a space with those attributes; the right half of a wide character counts 0xFF;
    /// * a written blank (a space, or a cell erased to a background colour): 0x20 plus the
    ///   attributes;
    /// * an empty cell (never written, or erased to the defaults): 0 — except the rectangle's
    ///   very first cell, which counts as a space when empty (what xterm 379 answers).
    ///
    /// A grapheme cluster counts its first character (xterm would have precomposed it).
    pub(super) fn rect_checksum(&self, rect: RectParams) -> u16 {
        use super::cell::Content;
        use super::style::{Color, Underline};
        let Some((top, left, bottom, right)) = self.rect_bounds(rect) else { return 0 };
        let grid = self.grid();
        let mut sum: u32 = 0;
        let mut first = true;
        for line in top..=bottom {
            let row = grid.row(super::index::Line(line));
            for cell in &row.cells()[left..=right] {
                let style = self.tables.style(cell.style());
                let mut bits = 0;
                if style.attrs.contains(Attrs::BOLD) {
                    bits |= 0x80;
                }
                if style.attrs.contains(Attrs::BLINK) {
                    bits |= 0x40;
                }
                if style.attrs.contains(Attrs::INVERSE) {
                    bits |= 0x20;
                }
                if style.underline == Underline::Single {
                    bits |= 0x10;
                }
                let hidden = style.attrs.contains(Attrs::HIDDEN);
                let value = if cell.is_spacer() {
                    if cell.is_wide() { 0 } else { 0xFF + bits }
                } else {
                    match cell.content() {
                        Content::Empty if bits == 0 && style.bg == Color::DEFAULT => {
                            if first {
                                0x20
                            } else {
                                0
                            }
                        }
                        Content::Empty => 0x20 + bits,
                        _ if hidden => 0x20 + bits,
                        Content::Char(c) => (c as u32 & 0xFF) + bits,
                        Content::Cluster(id) => {
                            self.tables.cluster(id).chars().next().map_or(0, |c| c as u32 & 0xFF)
                                + bits
                        }
                    }
                };
                first = false;
                sum = sum.wrapping_add(value);
            }
        }
        (sum as u16).wrapping_neg()
    }

    /// A rectangle's 0-based inclusive bounds on screen: origin-relative and clipped to the
    /// margins in origin mode; `None` when empty.
    pub(super) fn rect_bounds(&self, r: RectParams) -> Option<(usize, usize, usize, usize)> {
        let m = self.margins;
        let (base_top, base_left, max_bottom, max_right) = if self.modes.contains(Modes::ORIGIN) {
            (m.top.0, m.left.0, m.bottom.0, m.right.0)
        } else {
            (0, 0, self.lines() - 1, self.cols() - 1)
        };
        let top = base_top + (r.top.max(1) as usize - 1);
        let left = base_left + (r.left.max(1) as usize - 1);
        let bottom = if r.bottom == 0 {
            max_bottom
        } else {
            (base_top + r.bottom as usize - 1).min(max_bottom)
        };
        let right = if r.right == 0 {
            max_right
        } else {
            (base_left + r.right as usize - 1).min(max_right)
        };
        (top <= bottom && left <= right).then_some((top, left, bottom, right))
    }
}

impl Term {
    pub(crate) fn csi_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9b" } else { b"\x1b[" }
    }

    pub(crate) fn dcs_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x90" } else { b"\x1bP" }
    }

    pub(crate) fn osc_intro(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9d" } else { b"\x1b]" }
    }

    pub(crate) fn st(&self) -> &'static [u8] {
        if self.eight_bit_controls { b"\x9c" } else { b"\x1b\\" }
    }

    pub(crate) fn string_terminator(&self, t: StringTerminator) -> &'static [u8] {
        match t {
            StringTerminator::Bel => b"\x07",
            StringTerminator::St => self.st(),
        }
    }

    pub(crate) fn reply_csi(&mut self, body: &str) {
        let intro = self.csi_intro();
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
    }

    pub(crate) fn reply_dcs(&mut self, body: &str) {
        let (intro, st) = (self.dcs_intro(), self.st());
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
        self.replies.extend_from_slice(st);
    }

    /// The reply to an allowed OSC 52 read.
    pub fn clipboard_reply(&mut self, selection: u8, data: &[u8], terminator: StringTerminator) {
        let osc = self.osc_intro();
        let st = self.string_terminator(terminator);
        let encoded = base64_encode(data);
        self.replies.extend_from_slice(osc);
        self.replies.extend_from_slice(format!("52;{};", selection as char).as_bytes());
        self.replies.extend_from_slice(encoded.as_bytes());
        self.replies.extend_from_slice(st);
    }

    pub(crate) fn report_mode(&mut self, mode: u16, private: bool) {
        // xterm answers ANSI-mode DECRQM only from the VT200 level up (DEC modes always).
        if !private && self.conformance_level < 62 {
            return;
        }
        let report = if private {
            self.private_mode_report(mode)
        } else {
            match modes::ansi_flag(mode) {
                Some(flag) => ModeReport::from_bool(self.modes.contains(flag)),
                None if modes::ANSI_PERMANENTLY_RESET.contains(&mode) => {
                    ModeReport::PermanentlyReset
                }
                None => ModeReport::NotRecognized,
            }
        };
        let marker = if private { "?" } else { "" };
        self.reply_csi(&format!("{marker}{mode};{}$y", report as u8));
    }
}

#[cfg(test)]
mod tests {
    use crate::parser::Parser;
    use crate::{Term, TermConfig};

    fn reply_bytes(bytes: &str) -> Vec<u8> {
        let mut t = Term::new(10, 4, TermConfig::default());
        t.advance(&mut Parser::new(), bytes.as_bytes());
        t.take_replies()
    }

    fn replies(bytes: &str) -> String {
        String::from_utf8_lossy(&reply_bytes(bytes)).into_owned()
    }

    #[test]
    fn cursor_position_and_device_attributes() {
        assert_eq!(replies("\x1b[3;5H\x1b[6n"), "\x1b[3;5R");
        assert_eq!(replies("\x1b[c"), format!("\x1b[{}", super::PRIMARY_DA));
        assert_eq!(replies("\x1b[5n"), "\x1b[0n");
    }

    #[test]
    fn checksum_of_an_empty_and_a_written_rectangle() {
        // DECRQCRA over an empty screen: empty cells count 0, except the first, which counts
        // as a space (0x20), as xterm 379 answers.
        assert_eq!(replies("\x1b[7;1;1;1;4;10*y"), "\x1bP7!~FFE0\x1b\\");
        // 'A' (0x41) once: the negated sum, 16 bits.
        assert_eq!(replies("A\x1b[1;1;1;1;1;1*y"), "\x1bP1!~FFBF\x1b\\");
    }

    #[test]
    fn eight_bit_controls_change_the_introducers() {
        // S8C1T: CSI becomes the single byte 0x9b.
        assert_eq!(reply_bytes("\x1b G\x1b[6n"), b"\x9b1;1R");
    }
}
