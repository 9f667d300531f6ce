//! Colours: the palette, its dynamic colours (OSC 10-19) and xterm's special colours (OSC 5),
//! and OSC 4/5/10-19/104/105/110-119 that set, reset and query them (xterm's ctlseqs,
//! "Operating System Commands"). Colour specifications are read by
//! [`crate::parser::parse_color_spec`].

use crate::*;

impl Term {
    pub(crate) fn set_color(&mut self, index: usize, color: Rgb) {
        if index < COLOR_COUNT {
            self.palette.0[index] = color;
            self.events.push(TermEvent::ColorsChanged);
        }
    }

    pub(crate) fn reset_color(&mut self, index: Option<usize>) {
        match index {
            Some(i) if i < COLOR_COUNT => self.palette.0[i] = self.config.palette.0[i],
            Some(_) => return,
            None => self.palette.0[..256].copy_from_slice(&self.config.palette.0[..256]),
        }
        self.events.push(TermEvent::ColorsChanged);
    }

    pub(crate) fn query_color(&mut self, osc: u16, number: usize, terminator: StringTerminator) {
        let Some(slot) = color_slot(osc, number) else { return };
        let Some(c) = self.palette.0.get(slot).copied() else { return };
        let prefix = if osc <= 5 { format!("{osc};{number}") } else { osc.to_string() };
        let body = format!(
            "{prefix};rgb:{:04x}/{:04x}/{:04x}",
            c.r as u16 * 257,
            c.g as u16 * 257,
            c.b as u16 * 257
        );
        let (intro, st) = (self.osc_intro(), self.string_terminator(terminator));
        self.replies.extend_from_slice(intro);
        self.replies.extend_from_slice(body.as_bytes());
        self.replies.extend_from_slice(st);
    }
}

/// The 256-colour palette and the three dynamic colours (xterm's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette(pub Box<[Rgb; COLOR_COUNT]>);

impl Default for Palette {
    fn default() -> Self {
        const BASE: [(u8, u8, u8); 16] = [
            (0x00, 0x00, 0x00),
            (0xcd, 0x00, 0x00),
            (0x00, 0xcd, 0x00),
            (0xcd, 0xcd, 0x00),
            (0x00, 0x00, 0xee),
            (0xcd, 0x00, 0xcd),
            (0x00, 0xcd, 0xcd),
            (0xe5, 0xe5, 0xe5),
            (0x7f, 0x7f, 0x7f),
            (0xff, 0x00, 0x00),
            (0x00, 0xff, 0x00),
            (0xff, 0xff, 0x00),
            (0x5c, 0x5c, 0xff),
            (0xff, 0x00, 0xff),
            (0x00, 0xff, 0xff),
            (0xff, 0xff, 0xff),
        ];
        let mut p = Box::new([Rgb::default(); COLOR_COUNT]);
        for (i, (r, g, b)) in BASE.iter().enumerate() {
            p[i] = Rgb::new(*r, *g, *b);
        }
        let level = |v: usize| if v == 0 { 0 } else { (55 + v * 40) as u8 };
        for i in 0..216 {
            p[16 + i] = Rgb::new(level(i / 36), level((i / 6) % 6), level(i % 6));
        }
        for i in 0..24 {
            let v = (8 + i * 10) as u8;
            p[232 + i] = Rgb::new(v, v, v);
        }
        p[COLOR_FOREGROUND] = Rgb::new(0xe5, 0xe5, 0xe5);
        p[COLOR_BACKGROUND] = Rgb::new(0x00, 0x00, 0x00);
        p[COLOR_CURSOR] = Rgb::new(0xe5, 0xe5, 0xe5);
        // OSC 13-19 as xterm derives them from the foreground and background: pointer fg/bg,
        // Tektronix fg/bg, highlight background, Tektronix cursor, highlight foreground.
        let (fg, bg) = (p[COLOR_FOREGROUND], p[COLOR_BACKGROUND]);
        for (i, c) in [fg, bg, fg, bg, fg, fg, bg].into_iter().enumerate() {
            p[COLOR_DYNAMIC_13 + i] = c;
        }
        // The special colours default to the foreground (xterm's XtDefaultForeground).
        for i in 0..5 {
            p[COLOR_SPECIAL + i] = fg;
        }
        Palette(p)
    }
}
