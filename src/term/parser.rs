//! From bytes to [`Handler`] calls: vte's DEC-ANSI state machine plus our dispatch.
//!
//! vte (`vte::Parser`) does the byte-level state machine (UTF-8, CSI/OSC/DCS framing, parameter
//! collection with its own bounds: 32 parameters, 2 intermediates, values saturating at
//! 65535). `vte::ansi`'s ready-made `Processor`/`Handler` could not be used: its dispatcher is
//! private and has no way to reach DCS strings (DECRQSS), DECSLRM, DECRQCRA, the rectangle
//! operations, XTSAVE/XTRESTORE, G2/G3 shifts, OSC 7/133 or C1 controls, all of which uvterm
//! answers. So this module maps vte's raw actions to our typed [`Handler`].
//!
//! Bounds that vte leaves to us:
//! * OSC strings: vte (with `std`) buffers them in an unbounded `Vec`. We watch for `ESC ]`
//!   and count the string's bytes; past [`OSC_MAX`] the rest is dropped until the terminator
//!   and the truncated command is discarded. After a large string the vte parser is replaced so
//!   its buffer's memory is given back.
//! * DCS strings: collected only for the requests we answer, up to [`DCS_MAX`] bytes.

use vte::{Params, Perform};

use super::charset::{CharsetIndex, StandardCharset};
use super::handler::*;

/// Longest OSC string kept (OSC 52 clipboard payloads are the large ones).
pub const OSC_MAX: usize = 4 << 20;
/// OSC strings larger than this make us drop vte's buffer afterwards.
const OSC_SHRINK: usize = 64 << 10;
/// Longest DCS request collected (DECRQSS and XTGETTCAP are short).
pub const DCS_MAX: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Track {
    Normal,
    /// Inside an OSC string; bytes seen so far.
    Osc(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DcsKind {
    Decrqss,
    Xtgettcap,
}

#[derive(Default)]
struct DcsState {
    kind: Option<DcsKind>,
    buf: Vec<u8>,
    overflow: bool,
}

/// Parser state for one terminal: vte's machine plus our bookkeeping.
pub struct Parser {
    vte: vte::Parser,
    track: Track,
    /// The previous chunk ended in ESC (an `ESC ]` may straddle two reads).
    pending_esc: bool,
    discard_osc: bool,
    dcs: DcsState,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Parser {
    pub fn new() -> Self {
        Self {
            vte: vte::Parser::new(),
            track: Track::Normal,
            pending_esc: false,
            discard_osc: false,
            dcs: DcsState::default(),
        }
    }

    /// Feed bytes read from the program.
    pub fn advance<H: Handler>(&mut self, handler: &mut H, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            match self.track {
                Track::Normal => {
                    if self.pending_esc {
                        self.pending_esc = false;
                        if rest[0] == b']' {
                            self.feed(handler, &rest[..1]);
                            self.track = Track::Osc(0);
                            i += 1;
                            continue;
                        }
                    }
                    match find_osc_start(rest) {
                        OscStart::At(end) => {
                            self.feed(handler, &rest[..end]);
                            self.track = Track::Osc(0);
                            i += end;
                        }
                        OscStart::MaybeAtEnd => {
                            self.feed(handler, rest);
                            self.pending_esc = true;
                            i = bytes.len();
                        }
                        OscStart::None => {
                            self.feed(handler, rest);
                            i = bytes.len();
                        }
                    }
                }
                Track::Osc(seen) => {
                    let term = rest.iter().position(|&b| matches!(b, 0x07 | 0x18 | 0x1a | 0x1b));
                    let data_len = term.unwrap_or(rest.len());
                    let room = OSC_MAX.saturating_sub(seen);
                    self.feed(handler, &rest[..data_len.min(room)]);
                    let seen = seen + data_len;
                    i += data_len;
                    self.track = Track::Osc(seen);
                    let Some(t) = term.map(|p| rest[p]) else { continue };
                    self.track = Track::Normal;
                    self.discard_osc = seen > OSC_MAX;
                    if seen > OSC_SHRINK {
                        // End the string with BEL ourselves, then start a fresh vte parser so its
                        // large buffer is freed; the real terminator is then parsed from ground,
                        // which has the same effect as parsing it at the end of the string.
                        self.feed(handler, b"\x07");
                        self.vte = vte::Parser::new();
                        if t == 0x07 {
                            i += 1;
                        }
                    } else {
                        self.feed(handler, &[t]);
                        i += 1;
                        self.pending_esc = t == 0x1b;
                    }
                    self.discard_osc = false;
                }
            }
        }
    }

    #[inline]
    fn feed<H: Handler>(&mut self, handler: &mut H, bytes: &[u8]) {
        let mut performer =
            Performer { handler, discard_osc: self.discard_osc, dcs: &mut self.dcs };
        self.vte.advance(&mut performer, bytes);
    }
}

enum OscStart {
    /// `ESC ]` found; the string starts at this offset.
    At(usize),
    /// No `ESC ]`, but the chunk ends in ESC.
    MaybeAtEnd,
    None,
}

#[inline]
fn find_osc_start(bytes: &[u8]) -> OscStart {
    let mut from = 0;
    while let Some(p) = memchr::memchr(0x1b, &bytes[from..]) {
        let p = from + p;
        match bytes.get(p + 1) {
            Some(b']') => return OscStart::At(p + 2),
            Some(_) => from = p + 1,
            None => return OscStart::MaybeAtEnd,
        }
    }
    OscStart::None
}

struct Performer<'a, H: Handler> {
    handler: &'a mut H,
    discard_osc: bool,
    dcs: &'a mut DcsState,
}

/// Collected CSI parameter groups.
struct Groups<'p> {
    items: [&'p [u16]; 32],
    len: usize,
}

impl<'p> Groups<'p> {
    fn new(params: &'p Params) -> Self {
        let mut items: [&[u16]; 32] = [&[]; 32];
        let mut len = 0;
        for group in params.iter().take(32) {
            items[len] = group;
            len += 1;
        }
        Self { items, len }
    }

    fn all(&self) -> &[&'p [u16]] {
        &self.items[..self.len]
    }

    /// The first value of parameter `i`, 0 when absent.
    #[inline]
    fn raw(&self, i: usize) -> u16 {
        self.all().get(i).and_then(|g| g.first()).copied().unwrap_or(0)
    }

    /// Parameter `i`, with 0/absent meaning `default`.
    #[inline]
    fn or(&self, i: usize, default: u16) -> u16 {
        match self.raw(i) {
            0 => default,
            v => v,
        }
    }

    /// Parameter `i` as a count (0/absent = 1).
    #[inline]
    fn count(&self, i: usize) -> usize {
        self.or(i, 1) as usize
    }

    fn firsts(&self) -> impl Iterator<Item = u16> + '_ {
        self.all().iter().map(|g| g.first().copied().unwrap_or(0))
    }

    fn rect(&self, start: usize) -> RectParams {
        RectParams {
            top: self.raw(start),
            left: self.raw(start + 1),
            bottom: self.raw(start + 2),
            right: self.raw(start + 3),
        }
    }
}

impl<H: Handler> Perform for Performer<'_, H> {
    #[inline(always)]
    fn print(&mut self, c: char) {
        self.handler.print(c);
    }

    #[inline]
    fn execute(&mut self, byte: u8) {
        match byte {
            0x07 => self.handler.bell(),
            0x08 => self.handler.backspace(),
            0x09 => self.handler.tab(1),
            0x0a..=0x0c => self.handler.linefeed(),
            0x0d => self.handler.carriage_return(),
            0x0e => self.handler.invoke_charset(CharsetIndex::G1, false),
            0x0f => self.handler.invoke_charset(CharsetIndex::G0, false),
            0x84 => self.handler.index(),
            0x85 => self.handler.next_line(),
            0x88 => self.handler.set_tab_stop(),
            0x8d => self.handler.reverse_index(),
            0x8e => self.handler.single_shift(CharsetIndex::G2),
            0x8f => self.handler.single_shift(CharsetIndex::G3),
            _ => (),
        }
    }

    fn hook(&mut self, _params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        self.dcs.buf.clear();
        self.dcs.overflow = false;
        self.dcs.kind = match (intermediates, action) {
            _ if ignore => None,
            ([b'$'], 'q') => Some(DcsKind::Decrqss),
            ([b'+'], 'q') => Some(DcsKind::Xtgettcap),
            _ => None,
        };
    }

    fn put(&mut self, byte: u8) {
        if self.dcs.kind.is_some() {
            if self.dcs.buf.len() < DCS_MAX {
                self.dcs.buf.push(byte);
            } else {
                self.dcs.overflow = true;
            }
        }
    }

    fn unhook(&mut self) {
        let kind = self.dcs.kind.take();
        if self.dcs.overflow {
            // Too long to be a real request; answer DECRQSS as invalid without echoing it.
            if kind == Some(DcsKind::Decrqss) {
                self.handler.request_status_string(b"\x00invalid");
            }
        } else {
            match kind {
                Some(DcsKind::Decrqss) => self.handler.request_status_string(&self.dcs.buf),
                Some(DcsKind::Xtgettcap) => self.handler.request_termcap(&self.dcs.buf),
                None => (),
            }
        }
        self.dcs.buf.clear();
        if self.dcs.buf.capacity() > 256 {
            self.dcs.buf.shrink_to(256);
        }
    }

    fn osc_dispatch(&mut self, params: &[&[u8]], bell_terminated: bool) {
        if self.discard_osc || params.is_empty() {
            return;
        }
        let terminator = if bell_terminated { StringTerminator::Bel } else { StringTerminator::St };
        let Some(code) = parse_decimal(params[0]) else { return };
        let h = &mut *self.handler;
        match code {
            0..=2 => {
                let text = join_lossy(&params[1..]);
                if code != 2 {
                    h.set_icon_name(&text);
                }
                if code != 1 {
                    h.set_title(&text);
                }
            }
            4 => {
                for pair in params[1..].chunks(2) {
                    let [index, spec] = pair else { break };
                    let Some(index) = parse_decimal(index).filter(|&i| i < 256) else { continue };
                    if *spec == b"?" {
                        h.query_color(4, index as usize, terminator);
                    } else if let Some(rgb) = parse_color_spec(spec) {
                        h.set_color(index as usize, rgb);
                    }
                }
            }
            7 => h.set_working_directory(&join_lossy(&params[1..])),
            8 => {
                if params.len() < 3 {
                    return;
                }
                let id = params[1]
                    .split(|&b| b == b':')
                    .find_map(|kv| kv.strip_prefix(b"id="))
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .filter(|v| !v.is_empty());
                let uri = join_lossy(&params[2..]);
                if uri.is_empty() {
                    h.set_hyperlink(None, None);
                } else {
                    h.set_hyperlink(id, Some(&uri));
                }
            }
            10..=12 => {
                // OSC 10;fg;bg;cursor: each following parameter is the next dynamic colour.
                for (offset, spec) in params[1..].iter().enumerate() {
                    let code = code as usize + offset;
                    if code > 12 {
                        break;
                    }
                    let index = COLOR_FOREGROUND + (code - 10);
                    if *spec == b"?" {
                        h.query_color(code as u16, index, terminator);
                    } else if let Some(rgb) = parse_color_spec(spec) {
                        h.set_color(index, rgb);
                    }
                }
            }
            52 => {
                if params.len() < 3 {
                    return;
                }
                let selection = params[1].first().copied().unwrap_or(b'c');
                if params[2] == b"?" {
                    h.clipboard_load(selection, terminator);
                } else {
                    h.clipboard_store(selection, params[2]);
                }
            }
            104 => {
                let indexes: Vec<usize> = params[1..]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| parse_decimal(p))
                    .filter(|&i| i < 256)
                    .map(|i| i as usize)
                    .collect();
                if params.len() == 1 || params[1..].iter().all(|p| p.is_empty()) {
                    h.reset_color(None);
                } else {
                    for i in indexes {
                        h.reset_color(Some(i));
                    }
                }
            }
            110..=112 => h.reset_color(Some(COLOR_FOREGROUND + (code as usize - 110))),
            133 => {
                let mark = match params.get(1).and_then(|p| p.first()) {
                    Some(b'A') => PromptMark::PromptStart,
                    Some(b'B') => PromptMark::CommandStart,
                    Some(b'C') => PromptMark::OutputStart,
                    Some(b'D') => PromptMark::CommandEnd,
                    _ => return,
                };
                h.prompt_mark(mark);
            }
            _ => (),
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        if ignore {
            return;
        }
        let p = Groups::new(params);
        let h = &mut *self.handler;
        match (action, intermediates) {
            ('@', []) => h.insert_blank(p.count(0)),
            ('A', []) => h.move_up(p.count(0)),
            ('B', []) => h.move_down(p.count(0)),
            ('C', []) | ('a', []) => h.move_forward(p.count(0)),
            ('D', []) => h.move_backward(p.count(0)),
            ('E', []) => h.move_down_and_cr(p.count(0)),
            ('F', []) => h.move_up_and_cr(p.count(0)),
            ('G', []) | ('`', []) => h.goto_col(p.count(0) - 1),
            ('H', []) | ('f', []) => h.goto(p.count(0) - 1, p.count(1) - 1),
            ('I', []) => h.tab(p.count(0)),
            ('J', []) | ('J', [b'?']) => {
                let mode = match p.raw(0) {
                    0 => EraseMode::Below,
                    1 => EraseMode::Above,
                    2 => EraseMode::All,
                    3 => EraseMode::Saved,
                    _ => return,
                };
                h.erase_display(mode, !intermediates.is_empty());
            }
            ('K', []) | ('K', [b'?']) => {
                let mode = match p.raw(0) {
                    0 => EraseMode::Below,
                    1 => EraseMode::Above,
                    2 => EraseMode::All,
                    _ => return,
                };
                h.erase_line(mode, !intermediates.is_empty());
            }
            ('L', []) => h.insert_lines(p.count(0)),
            ('M', []) => h.delete_lines(p.count(0)),
            ('P', []) => h.delete_chars(p.count(0)),
            ('S', []) => h.scroll_up(p.count(0)),
            // `CSI Ps T` is SD; with 5 parameters it is xterm's mouse highlight tracking.
            ('T', []) if p.len <= 1 => h.scroll_down(p.count(0)),
            ('W', [b'?']) if p.raw(0) == 5 => h.reset_tab_stops(),
            ('X', []) => h.erase_chars(p.count(0)),
            ('Z', []) => h.backtab(p.count(0)),
            ('b', []) => h.repeat_preceding(p.count(0)),
            ('c', []) if p.raw(0) == 0 => h.device_attributes(DeviceAttributes::Primary),
            ('c', [b'>']) if p.raw(0) == 0 => h.device_attributes(DeviceAttributes::Secondary),
            ('c', [b'=']) if p.raw(0) == 0 => h.device_attributes(DeviceAttributes::Tertiary),
            ('d', []) => h.goto_line(p.count(0) - 1),
            ('e', []) => h.move_down(p.count(0)),
            ('g', []) => match p.raw(0) {
                0 => h.clear_tab_stops(TabClear::Current),
                3 => h.clear_tab_stops(TabClear::All),
                _ => (),
            },
            ('h', []) => p.firsts().for_each(|m| h.set_ansi_mode(m, true)),
            ('l', []) => p.firsts().for_each(|m| h.set_ansi_mode(m, false)),
            ('h', [b'?']) => p.firsts().for_each(|m| h.set_private_mode(m, true)),
            ('l', [b'?']) => p.firsts().for_each(|m| h.set_private_mode(m, false)),
            ('m', []) => h.sgr(p.all()),
            // XTMODKEYS: vte always reports at least one (0) parameter.
            ('m', [b'>']) => match p.raw(0) {
                0 if p.len == 1 => h.set_modify_other_keys(None),
                4 => h.set_modify_other_keys(if p.len > 1 { Some(p.raw(1)) } else { None }),
                _ => (),
            },
            ('n', []) => h.device_status(p.raw(0), p.raw(1), false),
            ('n', [b'?']) => h.device_status(p.raw(0), p.raw(1), true),
            ('n', [b'>']) if p.raw(0) == 4 => h.set_modify_other_keys(None),
            ('p', [b'!']) => h.soft_reset(),
            ('p', [b'"']) => {
                let eight_bit = match p.len {
                    0 | 1 => None,
                    _ => Some(p.raw(1) != 1),
                };
                h.set_conformance_level(p.raw(0), eight_bit);
            }
            ('p', [b'$']) => h.report_mode(p.raw(0), false),
            ('p', [b'?', b'$']) => h.report_mode(p.raw(0), true),
            ('q', [b' ']) => {
                let style = match p.raw(0) {
                    0 => None,
                    n @ (1 | 2) => {
                        Some(CursorStyle { shape: CursorShape::Block, blinking: n == 1 })
                    }
                    n @ (3 | 4) => {
                        Some(CursorStyle { shape: CursorShape::Underline, blinking: n == 3 })
                    }
                    n @ (5 | 6) => Some(CursorStyle { shape: CursorShape::Beam, blinking: n == 5 }),
                    _ => return,
                };
                h.set_cursor_style(style);
            }
            ('q', [b'"']) => match p.raw(0) {
                0 | 2 => h.set_protected(false),
                1 => h.set_protected(true),
                _ => (),
            },
            ('q', [b'>']) if p.raw(0) == 0 => h.xtversion(),
            ('r', []) => {
                let top = Some(p.raw(0) as usize).filter(|&v| v != 0);
                let bottom = Some(p.raw(1) as usize).filter(|&v| v != 0);
                h.set_scroll_region(top, bottom);
            }
            ('r', [b'?']) => h.restore_private_modes(&p.firsts().collect::<Vec<_>>()),
            ('r', [b'$']) => h.change_rect_attrs(p.rect(0), &p.all()[p.len.min(4)..], false),
            ('s', []) => {
                let left = Some(p.raw(0) as usize).filter(|&v| v != 0);
                let right = Some(p.raw(1) as usize).filter(|&v| v != 0);
                h.set_lr_margins(left, right);
            }
            ('s', [b'?']) => h.save_private_modes(&p.firsts().collect::<Vec<_>>()),
            ('t', []) => h.window_op(&p.firsts().collect::<Vec<_>>()),
            ('t', [b'$']) => h.change_rect_attrs(p.rect(0), &p.all()[p.len.min(4)..], true),
            ('u', []) => h.restore_cursor(),
            ('u', [b'?']) => h.report_keyboard_flags(),
            ('u', [b'>']) => h.push_keyboard_flags(p.raw(0) as u8),
            ('u', [b'<']) => h.pop_keyboard_flags(p.count(0)),
            ('u', [b'=']) => {
                let mode = match p.raw(1) {
                    2 => KeyboardFlagsMode::Union,
                    3 => KeyboardFlagsMode::Difference,
                    _ => KeyboardFlagsMode::Replace,
                };
                h.set_keyboard_flags(p.raw(0) as u8, mode);
            }
            ('v', [b'$']) => h.copy_rect(p.rect(0), p.raw(5), p.raw(6)),
            ('x', [b'$']) => {
                if let Some(c) = char::from_u32(p.raw(0) as u32) {
                    h.fill_rect(c, p.rect(1));
                }
            }
            ('x', [b'*']) => h.set_attr_change_extent(p.raw(0)),
            ('y', [b'*']) => h.request_checksum(p.raw(0), p.raw(1), p.rect(2)),
            ('z', [b'$']) => h.erase_rect(p.rect(0), false),
            ('{', [b'$']) => h.erase_rect(p.rect(0), true),
            ('}', [b'\'']) => h.insert_columns(p.count(0)),
            ('~', [b'\'']) => h.delete_columns(p.count(0)),
            _ => log::trace!("unhandled CSI {intermediates:?} {action}"),
        }
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        let h = &mut *self.handler;
        match (intermediates, byte) {
            ([], b'7') => h.save_cursor(),
            ([], b'8') => h.restore_cursor(),
            ([b'#'], b'8') => h.decaln(),
            ([], b'D') => h.index(),
            ([], b'E') => h.next_line(),
            ([], b'H') => h.set_tab_stop(),
            ([], b'M') => h.reverse_index(),
            ([], b'N') => h.single_shift(CharsetIndex::G2),
            ([], b'O') => h.single_shift(CharsetIndex::G3),
            ([], b'Z') => h.device_attributes(DeviceAttributes::Primary),
            ([], b'c') => h.hard_reset(),
            ([], b'=') => h.set_keypad_application(true),
            ([], b'>') => h.set_keypad_application(false),
            ([], b'6') => h.back_index(),
            ([], b'9') => h.forward_index(),
            ([], b'n') => h.invoke_charset(CharsetIndex::G2, false),
            ([], b'o') => h.invoke_charset(CharsetIndex::G3, false),
            ([], b'~') => h.invoke_charset(CharsetIndex::G1, true),
            ([], b'}') => h.invoke_charset(CharsetIndex::G2, true),
            ([], b'|') => h.invoke_charset(CharsetIndex::G3, true),
            ([b' '], b'F') => h.set_eight_bit_controls(false),
            ([b' '], b'G') => h.set_eight_bit_controls(true),
            ([first, rest @ ..], fin) if rest.len() <= 1 => {
                let (index, set96) = match first {
                    b'(' => (CharsetIndex::G0, false),
                    b')' => (CharsetIndex::G1, false),
                    b'*' => (CharsetIndex::G2, false),
                    b'+' => (CharsetIndex::G3, false),
                    b'-' => (CharsetIndex::G1, true),
                    b'.' => (CharsetIndex::G2, true),
                    b'/' => (CharsetIndex::G3, true),
                    _ => return,
                };
                if let Some(set) = StandardCharset::from_scs(set96, rest.first().copied(), fin) {
                    h.designate_charset(index, set);
                }
            }
            _ => (),
        }
    }
}

/// A decimal number of at most 9 digits.
fn parse_decimal(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, b| acc * 10 + (b - b'0') as u32))
}

fn join_lossy(parts: &[&[u8]]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(&String::from_utf8_lossy(part));
    }
    out
}

/// X11 colour specifications: `rgb:R/G/B` (1–4 hex digits each) and `#RGB`, `#RRGGBB`,
/// `#RRRGGGBBB`, `#RRRRGGGGBBBB`.
pub fn parse_color_spec(spec: &[u8]) -> Option<super::style::Rgb> {
    fn scale(hex: &[u8]) -> Option<u8> {
        if hex.is_empty() || hex.len() > 4 {
            return None;
        }
        let s = std::str::from_utf8(hex).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        let max = (1u32 << (4 * hex.len())) - 1;
        Some(((v * 255 + max / 2) / max) as u8)
    }
    if let Some(rest) = spec.strip_prefix(b"rgb:") {
        let mut it = rest.split(|&b| b == b'/');
        let (r, g, b) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        return Some(super::style::Rgb::new(scale(r)?, scale(g)?, scale(b)?));
    }
    if let Some(hex) = spec.strip_prefix(b"#") {
        if hex.is_empty() || hex.len() % 3 != 0 || hex.len() > 12 {
            return None;
        }
        let n = hex.len() / 3;
        // `#` forms keep the most significant digits.
        let chan = |i: usize| -> Option<u8> {
            let part = &hex[i * n..(i + 1) * n];
            let s = std::str::from_utf8(part).ok()?;
            let v = u32::from_str_radix(s, 16).ok()?;
            Some(match n {
                1 => (v << 4) as u8,
                2 => v as u8,
                3 => (v >> 4) as u8,
                _ => (v >> 8) as u8,
            })
        };
        return Some(super::style::Rgb::new(chan(0)?, chan(1)?, chan(2)?));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::style::Rgb;

    #[derive(Default)]
    struct Recorder {
        printed: String,
        titles: Vec<String>,
        rqss: Vec<Vec<u8>>,
        csi_moves: Vec<usize>,
    }

    impl Handler for Recorder {
        fn print(&mut self, c: char) {
            self.printed.push(c);
        }
        fn set_title(&mut self, t: &str) {
            self.titles.push(t.to_owned());
        }
        fn request_status_string(&mut self, r: &[u8]) {
            self.rqss.push(r.to_vec());
        }
        fn move_up(&mut self, n: usize) {
            self.csi_moves.push(n);
        }
    }

    #[test]
    fn osc_split_across_reads() {
        let mut p = Parser::new();
        let mut r = Recorder::default();
        p.advance(&mut r, b"ab\x1b");
        p.advance(&mut r, b"]2;hello");
        p.advance(&mut r, b" world\x07cd");
        assert_eq!(r.titles, vec!["hello world"]);
        assert_eq!(r.printed, "abcd");
    }

    #[test]
    fn oversized_osc_is_dropped_and_parsing_recovers() {
        let mut p = Parser::new();
        let mut r = Recorder::default();
        p.advance(&mut r, b"\x1b]2;");
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..5 {
            p.advance(&mut r, &chunk);
        }
        p.advance(&mut r, b"\x1b\\after\x1b]2;ok\x1b\\");
        assert_eq!(r.titles, vec!["ok"], "the oversized title is discarded");
        assert_eq!(r.printed, "after");
    }

    #[test]
    fn large_but_allowed_osc_is_delivered() {
        let mut p = Parser::new();
        let mut r = Recorder::default();
        let mut seq = b"\x1b]2;".to_vec();
        seq.extend(std::iter::repeat_n(b'y', 100_000));
        seq.extend(b"\x1b\\z");
        p.advance(&mut r, &seq);
        assert_eq!(r.titles.len(), 1);
        assert_eq!(r.titles[0].len(), 100_000);
        assert_eq!(r.printed, "z", "ST after a large OSC is not printed");
    }

    #[test]
    fn dcs_request_is_collected_and_bounded() {
        let mut p = Parser::new();
        let mut r = Recorder::default();
        p.advance(&mut r, b"\x1bP$qm\x1b\\");
        assert_eq!(r.rqss, vec![b"m".to_vec()]);
        let mut big = b"\x1bP$q".to_vec();
        big.extend(std::iter::repeat_n(b'a', DCS_MAX * 2));
        big.extend(b"\x1b\\");
        p.advance(&mut r, &big);
        assert_eq!(r.rqss.len(), 2);
        assert!(r.rqss[1].len() < 16, "an overlong request is not echoed");
    }

    #[test]
    fn huge_parameters_saturate() {
        let mut p = Parser::new();
        let mut r = Recorder::default();
        p.advance(&mut r, b"\x1b[1000000000A");
        assert_eq!(r.csi_moves, vec![65535]);
    }

    #[test]
    fn color_specs() {
        assert_eq!(parse_color_spec(b"rgb:ff/80/00"), Some(Rgb::new(255, 128, 0)));
        assert_eq!(parse_color_spec(b"rgb:ffff/0000/8080"), Some(Rgb::new(255, 0, 128)));
        assert_eq!(parse_color_spec(b"rgb:f/0/8"), Some(Rgb::new(255, 0, 136)));
        assert_eq!(parse_color_spec(b"#ff8000"), Some(Rgb::new(255, 128, 0)));
        assert_eq!(parse_color_spec(b"#f80"), Some(Rgb::new(0xf0, 0x80, 0)));
        assert_eq!(parse_color_spec(b"rgb:ff/80"), None);
        assert_eq!(parse_color_spec(b"bogus"), None);
    }
}
