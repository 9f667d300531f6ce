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
    /// vte is in its ground state with no partial UTF-8 character: the next byte is free to
    /// take the fast path (see [`Parser::feed_fast`]).
    ground: bool,
    /// False only for the differential tests that check the fast paths against vte alone.
    fast_paths: bool,
    /// An incomplete UTF-8 sequence held back from the end of the last read (at most 3 bytes).
    carry: [u8; 4],
    carry_len: usize,
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
            ground: true,
            fast_paths: true,
            carry: [0; 4],
            carry_len: 0,
        }
    }

    /// A parser that sends every byte through vte (no fast paths): the reference the fast
    /// paths are tested against.
    pub fn without_fast_paths() -> Self {
        Self { fast_paths: false, ..Self::new() }
    }

    /// Feed bytes read from the program.
    ///
    /// A UTF-8 sequence cut off by the end of `bytes` is held back and completed with the next
    /// call: vte 0.15 loses the character that follows a sequence it had to complete across
    /// two calls, so it is never given one.
    pub fn advance<H: Handler>(&mut self, handler: &mut H, mut bytes: &[u8]) {
        if self.carry_len > 0 {
            let lead = self.carry[0];
            let want = utf8_len(lead).saturating_sub(self.carry_len);
            let take = bytes.iter().take(want).take_while(|b| (0x80..0xc0).contains(*b)).count();
            let mut joined = [0u8; 8];
            joined[..self.carry_len].copy_from_slice(&self.carry[..self.carry_len]);
            joined[self.carry_len..self.carry_len + take].copy_from_slice(&bytes[..take]);
            let len = self.carry_len + take;
            if take == want || take < bytes.len() {
                // Complete, or cut short by a byte that cannot continue it: vte decides.
                self.carry_len = 0;
                self.advance_whole(handler, &joined[..len]);
            } else {
                // Still incomplete and the read is used up.
                self.carry[..len].copy_from_slice(&joined[..len]);
                self.carry_len = len;
                return;
            }
            bytes = &bytes[take..];
        }
        let tail = incomplete_utf8_tail(bytes);
        let (body, rest) = bytes.split_at(bytes.len() - tail);
        self.advance_whole(handler, body);
        self.carry[..tail].copy_from_slice(rest);
        self.carry_len = tail;
    }

    /// Feed bytes that do not end inside a UTF-8 sequence.
    fn advance_whole<H: Handler>(&mut self, handler: &mut H, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            match self.track {
                Track::Normal => {
                    if self.pending_esc {
                        self.pending_esc = false;
                        if rest[0] == b']' {
                            self.feed(handler, &rest[..1]);
                            self.ground = false;
                            self.track = Track::Osc(0);
                            i += 1;
                            continue;
                        }
                    }
                    match find_osc_start(rest) {
                        OscStart::At(end) => {
                            self.feed_fast(handler, &rest[..end]);
                            self.ground = false;
                            self.track = Track::Osc(0);
                            i += end;
                        }
                        OscStart::MaybeAtEnd => {
                            self.feed_fast(handler, rest);
                            self.pending_esc = true;
                            i = bytes.len();
                        }
                        OscStart::None => {
                            self.feed_fast(handler, rest);
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
                        self.ground = true;
                        if t == 0x07 {
                            i += 1;
                        }
                    } else {
                        self.feed(handler, &[t]);
                        i += 1;
                        self.pending_esc = t == 0x1b;
                        // BEL, CAN and SUB end the string in ground; ESC starts a sequence.
                        self.ground = t != 0x1b;
                    }
                    self.discard_osc = false;
                }
            }
        }
    }

    #[inline]
    fn feed<H: Handler>(&mut self, handler: &mut H, bytes: &[u8]) {
        let mut performer = Performer {
            handler,
            discard_osc: self.discard_osc,
            dcs: &mut self.dcs,
            terminated: false,
        };
        self.vte.advance(&mut performer, bytes);
    }

    /// Feed bytes, taking the fast path wherever vte is known to be in its ground state:
    /// runs of printable ASCII go to [`Handler::print_ascii`] in one call and C0 controls
    /// straight to their action — exactly what vte would do, without a call per byte. Escape
    /// sequences and UTF-8 go through vte; `advance_until_terminated` stops it right after a
    /// sequence completes so the fast path resumes.
    fn feed_fast<H: Handler>(&mut self, handler: &mut H, mut bytes: &[u8]) {
        if !self.fast_paths {
            self.feed(handler, bytes);
            return;
        }
        while let Some(&b) = bytes.first() {
            if self.ground {
                match b {
                    0x20..=0x7e => {
                        let n = bytes
                            .iter()
                            .position(|b| !(0x20..=0x7e).contains(b))
                            .unwrap_or(bytes.len());
                        handler.print_ascii(&bytes[..n]);
                        bytes = &bytes[n..];
                        continue;
                    }
                    // DEL prints nothing.
                    0x7f => {
                        bytes = &bytes[1..];
                        continue;
                    }
                    0x00..=0x1a | 0x1c..=0x1f => {
                        let mut performer = Performer {
                            handler,
                            discard_osc: false,
                            dcs: &mut self.dcs,
                            terminated: false,
                        };
                        performer.execute(b);
                        bytes = &bytes[1..];
                        continue;
                    }
                    0x1b if bytes.get(1) == Some(&b'[') => {
                        let mut params = CsiParams::EMPTY;
                        if let Some((used, fin)) = parse_plain_csi(&bytes[2..], &mut params) {
                            let mut performer = Performer {
                                handler,
                                discard_osc: false,
                                dcs: &mut self.dcs,
                                terminated: false,
                            };
                            performer.dispatch_csi(&params, &[], fin as char);
                            bytes = &bytes[2 + used..];
                            continue;
                        }
                    }
                    0x80..=0xff => {
                        let n = bytes.iter().position(|&b| b < 0x80).unwrap_or(bytes.len());
                        let run = &bytes[..n];
                        bytes = &bytes[n..];
                        if let Ok(text) = std::str::from_utf8(run) {
                            // Whole, valid UTF-8 from ground: vte would print each character
                            // (C1 controls included, which `print` executes) and stay in
                            // ground, so do that without it.
                            let mut performer = Performer {
                                handler,
                                discard_osc: false,
                                dcs: &mut self.dcs,
                                terminated: false,
                            };
                            for c in text.chars() {
                                performer.print(c);
                            }
                        } else {
                            // Invalid or cut short: vte decides (replacement characters).
                            self.feed(handler, run);
                            self.ground = false;
                        }
                        continue;
                    }
                    _ => (),
                }
            }
            let mut performer = Performer {
                handler,
                discard_osc: self.discard_osc,
                dcs: &mut self.dcs,
                terminated: false,
            };
            let n = self.vte.advance_until_terminated(&mut performer, bytes).max(1);
            let last = bytes[n.min(bytes.len()) - 1];
            // A completed sequence leaves vte in ground unless the last byte it took was the
            // ESC that starts the next one (or part of a UTF-8 character).
            self.ground = performer.terminated && last != 0x1b && last < 0x80;
            bytes = &bytes[n.min(bytes.len())..];
        }
    }
}

/// Length of a UTF-8 sequence from its lead byte (1 for anything that is not a lead byte).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// How many bytes at the end of `bytes` start a UTF-8 sequence that is not complete yet.
fn incomplete_utf8_tail(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=3.min(n) {
        let b = bytes[n - back];
        if (0x80..0xc0).contains(&b) {
            continue;
        }
        return if utf8_len(b) > back { back } else { 0 };
    }
    0
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
    if let Some(p) = memchr::memmem::find(bytes, b"\x1b]") {
        OscStart::At(p + 2)
    } else if bytes.last() == Some(&0x1b) {
        OscStart::MaybeAtEnd
    } else {
        OscStart::None
    }
}

struct Performer<'a, H: Handler> {
    handler: &'a mut H,
    discard_osc: bool,
    dcs: &'a mut DcsState,
    /// Set by every action after which vte is certainly in its ground state: a dispatched
    /// CSI/ESC/OSC, the end of a DCS, CAN/SUB. (A sequence can also end silently, e.g. an
    /// ignored CSI; then the fast path simply waits for the next of these.)
    terminated: bool,
}

/// Most values a CSI sequence may carry (parameters and sub-parameters together), as vte.
pub const MAX_CSI_VALUES: usize = 32;

/// CSI parameters: values, grouped into parameters with their `:` sub-parameters. Filled from
/// vte's `Params`, or directly by the fast path in [`Parser::feed_fast`]; both give the same
/// result for the same bytes (a property test checks it).
#[derive(Clone, Copy)]
pub struct CsiParams {
    values: [u16; MAX_CSI_VALUES],
    /// End (exclusive) in `values` of each group.
    ends: [u8; MAX_CSI_VALUES],
    groups: u8,
}

impl CsiParams {
    const EMPTY: CsiParams =
        CsiParams { values: [0; MAX_CSI_VALUES], ends: [0; MAX_CSI_VALUES], groups: 0 };

    fn from_vte(params: &Params) -> Self {
        let mut out = Self::EMPTY;
        let mut n = 0;
        for group in params.iter() {
            for &v in group {
                if n == MAX_CSI_VALUES {
                    return out;
                }
                out.values[n] = v;
                n += 1;
            }
            out.ends[out.groups as usize] = n as u8;
            out.groups += 1;
        }
        out
    }

    /// Number of parameters (groups).
    #[inline]
    pub fn len(&self) -> usize {
        self.groups as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.groups == 0
    }

    /// Parameter `i` with its sub-parameters (empty when absent).
    #[inline]
    pub fn group(&self, i: usize) -> &[u16] {
        if i >= self.groups as usize {
            return &[];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.values[start..self.ends[i] as usize]
    }

    /// Each parameter with its sub-parameters.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = &[u16]> + '_ {
        (0..self.groups as usize).map(move |i| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            &self.values[start..self.ends[i] as usize]
        })
    }

    /// The first value of parameter `i`, 0 when absent.
    #[inline]
    pub fn raw(&self, i: usize) -> u16 {
        if i >= self.groups as usize {
            return 0;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        if start < self.ends[i] as usize { self.values[start] } else { 0 }
    }
}

impl std::fmt::Debug for CsiParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Parse a plain CSI sequence — `ESC [` already consumed — made only of digits, `;` and `:`
/// and a final byte: the common case. Fills `p` and returns the bytes used and the final
/// byte; `None` for anything else (private markers, intermediates, embedded controls, too many
/// values, or a sequence cut off by the end of `bytes`), which vte then parses instead.
/// Values saturate at 65535 as in vte.
#[inline]
fn parse_plain_csi(bytes: &[u8], p: &mut CsiParams) -> Option<(usize, u8)> {
    // Counters live in registers and go into `p` once at the end (updating `p.groups` in
    // place cost a store-forwarding stall per sequence).
    let mut n = 0usize;
    let mut groups = 0usize;
    let mut value: u32 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            // The same as u16 `saturating_mul(10).saturating_add(digit)`, without branches.
            value = (value * 10 + digit as u32).min(u16::MAX as u32);
            continue;
        }
        match b {
            b';' | b':' => {
                if n == MAX_CSI_VALUES - 1 {
                    return None;
                }
                p.values[n] = value as u16;
                n += 1;
                value = 0;
                if b == b';' {
                    p.ends[groups] = n as u8;
                    groups += 1;
                }
            }
            0x40..=0x7e => {
                p.values[n] = value as u16;
                n += 1;
                p.ends[groups] = n as u8;
                p.groups = (groups + 1) as u8;
                return Some((i + 1, b));
            }
            _ => return None,
        }
    }
    None
}

/// CSI parameters as the dispatcher reads them.
struct Groups<'p> {
    params: &'p CsiParams,
}

impl<'p> Groups<'p> {
    #[inline]
    fn new(params: &'p CsiParams) -> Self {
        Self { params }
    }

    /// The parameter groups with their sub-parameters (DECCARA).
    fn groups(&self) -> Vec<&'p [u16]> {
        self.params.iter().collect()
    }

    /// The first value of parameter `i`, 0 when absent.
    #[inline]
    fn raw(&self, i: usize) -> u16 {
        self.params.raw(i)
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
        self.params.iter().map(|g| g.first().copied().unwrap_or(0))
    }

    #[inline]
    fn len(&self) -> usize {
        self.params.len()
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
        // vte executes C1 controls found in a complete UTF-8 run but prints one that arrived
        // split across two reads; treat both alike.
        if ('\u{80}'..='\u{9f}').contains(&c) {
            self.execute(c as u8);
            return;
        }
        self.handler.print(c);
    }

    #[inline]
    fn terminated(&self) -> bool {
        self.terminated
    }

    #[inline]
    fn execute(&mut self, byte: u8) {
        // C0 controls inside a sequence are executed without leaving it; only CAN and SUB
        // abort to the ground state.
        if matches!(byte, 0x18 | 0x1a) {
            self.terminated = true;
        }
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
            0x96 => self.handler.guarded_area(true),
            0x97 => self.handler.guarded_area(false),
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
        self.terminated = true;
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
        self.terminated = true;
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
            4 | 5 => {
                // Pairs of number;spec; a bad number ends the list (as in xterm).
                for pair in params[1..].chunks(2) {
                    let [number, spec] = pair else { break };
                    let Some(number) = parse_decimal(number) else { break };
                    let Some(slot) = color_slot(code as u16, number as usize) else { continue };
                    if *spec == b"?" {
                        h.query_color(code as u16, number as usize, terminator);
                    } else if let Some(rgb) = parse_color_spec(spec) {
                        h.set_color(slot, rgb);
                    } else {
                        // xterm stops at a colour it cannot parse.
                        break;
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
            10..=19 => {
                // OSC 10;fg;bg;cursor…: each following parameter is the next dynamic colour.
                for (offset, spec) in params[1..].iter().enumerate() {
                    let code = code as usize + offset;
                    let Some(slot) = color_slot(code as u16, 0).filter(|_| code <= 19) else {
                        break;
                    };
                    if *spec == b"?" {
                        h.query_color(code as u16, 0, terminator);
                    } else if let Some(rgb) = parse_color_spec(spec) {
                        h.set_color(slot, rgb);
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
            104 | 105 => {
                let osc = code as u16 - 100;
                let slots: Vec<usize> = params[1..]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| parse_decimal(p))
                    .filter_map(|i| color_slot(osc, i as usize))
                    .collect();
                if params.len() == 1 || params[1..].iter().all(|p| p.is_empty()) {
                    if osc == 4 {
                        h.reset_color(None);
                    } else {
                        (0..5).for_each(|i| h.reset_color(Some(COLOR_SPECIAL + i)));
                    }
                } else {
                    for slot in slots {
                        h.reset_color(Some(slot));
                    }
                }
            }
            110..=119 => {
                if let Some(slot) = color_slot(code as u16 - 100, 0) {
                    h.reset_color(Some(slot));
                }
            }
            133 => {
                let mark = match params.get(1).and_then(|p| p.first()) {
                    Some(b'A') => PromptMark::PromptStart,
                    Some(b'B') => PromptMark::CommandStart,
                    Some(b'C') => PromptMark::OutputStart,
                    Some(b'D') => PromptMark::CommandEnd,
                    _ => return,
                };
                // `D ; status` (a bare `D` or one with `key=value` options has none).
                let status = match mark {
                    PromptMark::CommandEnd => params
                        .get(2)
                        .and_then(|p| std::str::from_utf8(p).ok())
                        .and_then(|p| p.parse::<i32>().ok()),
                    _ => None,
                };
                h.semantic_prompt(mark, status);
            }
            // OSC 9 ; text — iTerm2's notification. ConEmu's `9 ; N ; …` (progress and
            // other numbered commands) are not notifications and are ignored.
            9 => {
                let Some(first) = params.get(1) else { return };
                if !first.is_empty() && first.iter().all(u8::is_ascii_digit) {
                    return;
                }
                h.notify(NotifyProtocol::Osc9, "", &join_lossy(&params[1..]));
            }
            777 => {
                if params.get(1).map(|p| &p[..]) != Some(b"notify") {
                    return;
                }
                let title = params.get(2).map(|p| String::from_utf8_lossy(p)).unwrap_or_default();
                let body = if params.len() > 3 { join_lossy(&params[3..]) } else { String::new() };
                h.notify(NotifyProtocol::Osc777, &title, &body);
            }
            99 => {
                let metadata = params.get(1).copied().unwrap_or_default();
                let payload = params.get(2).copied().unwrap_or_default();
                h.kitty_notify(metadata, payload);
            }
            _ => (),
        }
    }

    fn csi_dispatch(&mut self, params: &Params, intermediates: &[u8], ignore: bool, action: char) {
        self.terminated = true;
        if ignore {
            return;
        }
        self.dispatch_csi(&CsiParams::from_vte(params), intermediates, action);
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        self.terminated = true;
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
            ([], b'V') => h.guarded_area(true),
            ([], b'W') => h.guarded_area(false),
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

impl<H: Handler> Performer<'_, H> {
    /// Act on a CSI sequence (from vte or from the fast path).
    #[inline]
    fn dispatch_csi(&mut self, params: &CsiParams, intermediates: &[u8], action: char) {
        if action == 'm' && intermediates.is_empty() {
            // The commonest sequence by far: straight to SGR.
            self.handler.sgr(params);
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
            ('T', []) if p.len() <= 1 => h.scroll_down(p.count(0)),
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
            // XTMODKEYS: vte always reports at least one (0) parameter.
            ('m', [b'>']) => match p.raw(0) {
                0 if p.len() == 1 => h.set_modify_other_keys(None),
                4 => h.set_modify_other_keys(if p.len() > 1 { Some(p.raw(1)) } else { None }),
                _ => (),
            },
            ('n', []) => h.device_status(p.raw(0), p.raw(1), false),
            ('n', [b'?']) => h.device_status(p.raw(0), p.raw(1), true),
            ('n', [b'>']) if p.raw(0) == 4 => h.set_modify_other_keys(None),
            ('p', [b'!']) => h.soft_reset(),
            ('p', [b'"']) => {
                let eight_bit = match p.len() {
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
            ('r', [b'$']) => {
                let g = p.groups();
                h.change_rect_attrs(p.rect(0), &g[g.len().min(4)..], false)
            }
            ('s', []) => {
                let left = Some(p.raw(0) as usize).filter(|&v| v != 0);
                let right = Some(p.raw(1) as usize).filter(|&v| v != 0);
                h.set_lr_margins(left, right);
            }
            ('s', [b'?']) => h.save_private_modes(&p.firsts().collect::<Vec<_>>()),
            ('t', []) => h.window_op(&p.firsts().collect::<Vec<_>>()),
            ('t', [b'>']) => p.firsts().for_each(|m| h.set_title_mode(m, true)),
            ('T', [b'>']) => p.firsts().for_each(|m| h.set_title_mode(m, false)),
            ('t', [b'$']) => {
                let g = p.groups();
                h.change_rect_attrs(p.rect(0), &g[g.len().min(4)..], true)
            }
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
            // DECSNLS: lines per screen.
            ('|', [b'*']) if p.raw(0) > 0 => h.window_op(&[8, p.raw(0), 0]),
            ('y', [b'*']) => h.request_checksum(p.raw(0), p.raw(1), p.rect(2)),
            ('z', [b'$']) => h.erase_rect(p.rect(0), false),
            ('{', [b'$']) => h.erase_rect(p.rect(0), true),
            ('@', [b' ']) => h.scroll_left(p.count(0)),
            ('A', [b' ']) => h.scroll_right(p.count(0)),
            ('}', [b'\'']) => h.insert_columns(p.count(0)),
            ('~', [b'\'']) => h.delete_columns(p.count(0)),
            _ => log::trace!("unhandled CSI {intermediates:?} {action}"),
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

/// An Xcms specification `prefix:A/B/C` with three decimal numbers: the prefix in lowercase
/// and the numbers (`None` for anything else).
fn xcms_triple(spec: &[u8]) -> Option<(Vec<u8>, [f64; 3])> {
    let colon = spec.iter().position(|&b| b == b':')?;
    let prefix = spec[..colon].to_ascii_lowercase();
    if !matches!(
        prefix.as_slice(),
        b"rgbi" | b"ciexyz" | b"cieuvy" | b"ciexyy" | b"cielab" | b"cieluv" | b"tekhvc"
    ) {
        return None;
    }
    let mut numbers = [0.0f64; 3];
    let mut parts = spec[colon + 1..].split(|&b| b == b'/');
    for n in &mut numbers {
        let text = parts.next()?;
        let ok = !text.is_empty()
            && text.len() <= 32
            && text.iter().all(|c| c.is_ascii_digit() || b".eE+-".contains(c));
        *n = std::str::from_utf8(text).ok().filter(|_| ok)?.parse().ok()?;
        if !n.is_finite() {
            return None;
        }
    }
    parts.next().is_none().then_some((prefix, numbers))
}

/// X11 colour specifications as XParseColor reads them: `rgb:R/G/B` (1–4 hex digits each,
/// prefix in any case), `#RGB`, `#RRGGBB`, `#RRRGGGBBB`, `#RRRRGGGGBBBB`, the X11 colour
/// names (X.Org's rgb.txt, in `x11_colours.rs`), `rgbi:` intensities (0.0-1.0) through
/// libX11's default intensity tables, and `CIEXYZ:`, `CIEuvY:`, `CIExyY:`, `CIELab:`,
/// `CIELuv:` and `TekHVC:` through its default matrix when the colour is inside the screen's
/// gamut (Lab and Luv by the CIE 1976 formulas, TekHVC as libX11 defines it, all relative
/// to libX11's default white). Channels end as a 24-bit TrueColor X server keeps them (the
/// top 8 of libX11's 16 bits). Colours outside the gamut (which libX11 compresses into it)
/// are not accepted (see `conformance.rs`).
pub fn parse_color_spec(spec: &[u8]) -> Option<super::style::Rgb> {
    fn scale(hex: &[u8]) -> Option<u8> {
        if hex.is_empty() || hex.len() > 4 {
            return None;
        }
        let s = std::str::from_utf8(hex).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        let max = (1u32 << (4 * hex.len())) - 1;
        // libX11 scales to 16 bits (truncating); a TrueColor X server keeps the top 8.
        Some(((v * 65535 / max) >> 8) as u8)
    }
    if let Some((prefix, [a, b, c])) = xcms_triple(spec) {
        use crate::x11_colours::{lab_to_xyz, luv_to_xyz, rgbi_level, tekhvc_to_xyz, xyz_levels};
        let (r, g, b) = match prefix.as_slice() {
            b"rgbi" => {
                let unit = |v: f64| (0.0..=1.0).contains(&v).then_some(v);
                (rgbi_level(0, unit(a)?), rgbi_level(1, unit(b)?), rgbi_level(2, unit(c)?))
            }
            b"ciexyz" => xyz_levels([a, b, c])?,
            // u'v'Y (CIE 1976) and xyY, to XYZ.
            b"cieuvy" if b > 0.0 => xyz_levels([
                9.0 * a * c / (4.0 * b),
                c,
                (12.0 - 3.0 * a - 20.0 * b) * c / (4.0 * b),
            ])?,
            b"ciexyy" if b > 0.0 => xyz_levels([a * c / b, c, (1.0 - a - b) * c / b])?,
            b"cielab" => xyz_levels(lab_to_xyz(a, b, c)?)?,
            b"cieluv" => xyz_levels(luv_to_xyz(a, b, c)?)?,
            b"tekhvc" => xyz_levels(tekhvc_to_xyz(a, b, c)?)?,
            _ => return None,
        };
        return Some(super::style::Rgb::new(r, g, b));
    }
    if spec.len() > 4 && spec[..4].eq_ignore_ascii_case(b"rgb:") {
        let rest = &spec[4..];
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
    crate::x11_colours::lookup(spec).map(|(r, g, b)| super::style::Rgb::new(r, g, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Rgb;

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
        // 16 bits truncated to 8, as the X server keeps them.
        assert_eq!(parse_color_spec(b"rgb:7fff/80ff/ffff"), Some(Rgb::new(0x7f, 0x80, 0xff)));
        // X11 names: any case, spaced or not; never with stray spaces.
        assert_eq!(parse_color_spec(b"Dark Slate Gray"), Some(Rgb::new(0x2f, 0x4f, 0x4f)));
        assert_eq!(parse_color_spec(b"DARKSLATEGRAY"), Some(Rgb::new(0x2f, 0x4f, 0x4f)));
        assert_eq!(parse_color_spec(b" red"), None);
        assert_eq!(parse_color_spec(b"gray101"), None);
        // rgbi: through libX11's default intensity tables (values xterm 379 showed).
        assert_eq!(parse_color_spec(b"rgbi:0/0/0"), Some(Rgb::new(0, 0, 0)));
        assert_eq!(parse_color_spec(b"rgbi:1/1/1"), Some(Rgb::new(0xff, 0xff, 0xff)));
        assert_eq!(parse_color_spec(b"rgbi:0.5/0.5/0.5"), Some(Rgb::new(0xc1, 0xbb, 0xbb)));
        assert_eq!(parse_color_spec(b"rgbi:.05/.05/.05"), Some(Rgb::new(0x4e, 0x4c, 0x4d)));
        assert_eq!(parse_color_spec(b"rgbi:2/0/0"), None);
        assert_eq!(parse_color_spec(b"rgbi:nan/0/0"), None);
        assert_eq!(parse_color_spec(b"rgbi:inf/0/0"), None);
        // CIE forms inside the gamut, through libX11's default matrix (xterm 379's values).
        assert_eq!(parse_color_spec(b"CIEXYZ:0.5/0.5/0.5"), Some(Rgb::new(0xdd, 0xb5, 0xa0)));
        assert_eq!(parse_color_spec(b"ciexyy:0.3/0.3/0.5"), Some(Rgb::new(0xd1, 0xb6, 0xb7)));
        assert_eq!(parse_color_spec(b"CIEuvY:0.2/0.45/0.5"), Some(Rgb::new(0xd1, 0xb6, 0xb7)));
        assert_eq!(parse_color_spec(b"CIEXYZ:2/0/0"), None, "outside the gamut");
        assert_eq!(parse_color_spec(b"CIEuvY:0.2/0/0.5"), None);
        assert_eq!(parse_color_spec(b"CIEXYZ:0.5/0.5"), None);
    }

    /// CIELab:, CIELuv: and TekHVC: against the CIE 1976 formulas (and TekHVC's definition)
    /// worked here, through the CIEXYZ:/CIEuvY: forms already checked against xterm.
    #[test]
    fn lab_luv_and_tekhvc_colour_specifications() {
        use super::super::style::Rgb;
        let spec = |s: String| parse_color_spec(s.as_bytes());
        let (white, black) = (Some(Rgb::new(0xff, 0xff, 0xff)), Some(Rgb::new(0, 0, 0)));
        // libX11's default white point.
        let (xn, yn, zn) = (0.9496644f64, 1.0f64, 1.4060403f64);
        assert_eq!(parse_color_spec(b"CIELab:100/0/0"), white);
        assert_eq!(parse_color_spec(b"cielab:0/0/0"), black);
        assert_eq!(parse_color_spec(b"CIELuv:100/0/0"), white);
        assert_eq!(parse_color_spec(b"CIELuv:0/40/40"), black);
        assert_eq!(parse_color_spec(b"TekHVC:0/100/0"), white);
        assert_eq!(parse_color_spec(b"TekHVC:200/0/50"), black);
        // Mid grey: L* 50 is Y = (66/116)^3 of the white, the same in every form.
        let y = (66.0f64 / 116.0).powi(3);
        let grey = spec(format!("rgbi:{y}/{y}/{y}"));
        assert!(grey.is_some_and(|g| g.r > 0x60 && g.r < 0xd0), "{grey:?}");
        assert_eq!(parse_color_spec(b"CIELab:50/0/0"), grey);
        assert_eq!(parse_color_spec(b"CIELuv:50/0/0"), grey);
        assert_eq!(parse_color_spec(b"TekHVC:123/50/0"), grey);
        // Below L* 8 the straight line: L* 4 is Y = 4 * 27 / 24389.
        let y = 4.0 * 27.0 / 24389.0;
        assert_eq!(parse_color_spec(b"CIELab:4/0/0"), spec(format!("rgbi:{y}/{y}/{y}")));
        // A saturated colour, L*a*b* 50/20/-30: X = Xn ((L+16)/116 + a/500)^3, Z likewise.
        let fy = 66.0f64 / 116.0;
        let (x, z) = (xn * (fy + 20.0 / 500.0).powi(3), zn * (fy + 30.0 / 200.0).powi(3));
        let lab = parse_color_spec(b"CIELab:50/20/-30");
        assert!(lab.is_some() && lab != grey, "{lab:?}");
        assert_eq!(lab, spec(format!("CIEXYZ:{x}/{}/{z}", yn * fy.powi(3))));
        // L*u*v* 50/20/-30: u' = u*/(13 L*) + u'n, v' likewise, Y as L*.
        let d = xn + 15.0 * yn + 3.0 * zn;
        let (un, vn) = (4.0 * xn / d, 9.0 * yn / d);
        let (u, v) = (20.0 / 650.0 + un, -30.0 / 650.0 + vn);
        let luv = parse_color_spec(b"CIELuv:50/20/-30");
        assert!(luv.is_some() && luv != grey && luv != lab, "{luv:?}");
        assert_eq!(luv, spec(format!("CIEuvY:{u}/{v}/{}", fy.powi(3))));
        // TekHVC 180/60/15: hue 180 degrees from best red (0.7127, 0.4931) around the white,
        // chroma C / (V * 7.50725) in u'v', Y as L* 60.
        let best_red = (0.4931 - vn).atan2(0.7127 - un);
        let (angle, r) = (best_red + std::f64::consts::PI, 15.0 / (60.0 * 7.50725));
        let (u, v) = (un + angle.cos() * r, vn + angle.sin() * r);
        let hvc = parse_color_spec(b"TekHVC:180/60/15");
        assert!(hvc.is_some_and(|c| c.g > c.r), "a blue-green: {hvc:?}");
        assert_eq!(hvc, spec(format!("CIEuvY:{u}/{v}/{}", (76.0f64 / 116.0).powi(3))));
        // Hue 0 points at best red: more red than green.
        assert!(parse_color_spec(b"TekHVC:0/50/10").is_some_and(|c| c.r > c.g));
        // Outside the valid ranges, or the gamut: refused.
        assert_eq!(parse_color_spec(b"CIELab:101/0/0"), None);
        assert_eq!(parse_color_spec(b"CIELuv:-1/0/0"), None);
        assert_eq!(parse_color_spec(b"TekHVC:361/50/0"), None);
        assert_eq!(parse_color_spec(b"TekHVC:0/50/101"), None);
        assert_eq!(parse_color_spec(b"CIELab:50/120/0"), None, "outside the gamut");
        assert_eq!(parse_color_spec(b"TekHVC:180/50/30"), None, "outside the gamut");
        assert_eq!(parse_color_spec(b"CIELab:50/0"), None);
    }
}
