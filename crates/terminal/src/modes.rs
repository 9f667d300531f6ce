//! Terminal modes: the ANSI (SM/RM) and DEC private (DECSET/DECRST) modes uvterm knows, what
//! DECRQM answers for each, and the mouse/keyboard reporting state other layers read.

use crate::*;

bitflags::bitflags! {
    /// Boolean modes. Mouse tracking and encoding are kept apart (they are one-of-N).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Modes: u64 {
        /// DECCKM (1): cursor keys send SS3 sequences.
        const APP_CURSOR        = 1 << 0;
        /// DECCOLM (3): 132 columns.
        const COLUMN_132        = 1 << 1;
        /// DECSCNM (5): reverse video.
        const REVERSE_VIDEO     = 1 << 2;
        /// DECOM (6).
        const ORIGIN            = 1 << 3;
        /// DECAWM (7).
        const AUTOWRAP          = 1 << 4;
        /// DECSCLM (4): smooth scroll. Kept and reported; scrolling is always a jump.
        const SMOOTH_SCROLL     = 1 << 5;
        /// att610 (12): blinking cursor.
        const CURSOR_BLINK      = 1 << 6;
        /// DECTCEM (25).
        const SHOW_CURSOR       = 1 << 7;
        /// 40: allow DECCOLM.
        const ALLOW_COLUMN_MODE = 1 << 8;
        /// 45: reverse wraparound.
        const REVERSE_WRAP      = 1 << 9;
        /// DECNRCM (42): national replacement character sets.
        const NRCS              = 1 << 10;
        /// DECNKM (66) / DECKPAM: keypad sends application sequences.
        const APP_KEYPAD        = 1 << 11;
        /// DECBKM (67): backarrow sends BS.
        const BACKARROW_BS      = 1 << 12;
        /// DECLRMM (69): left/right margins enabled.
        const LR_MARGINS        = 1 << 13;
        /// DECNCSM (95): DECCOLM does not clear the screen.
        const NO_CLEAR_ON_COLM  = 1 << 14;
        /// 1004: focus in/out reports.
        const FOCUS_EVENTS      = 1 << 15;
        /// 1007: wheel sends arrows in the alternate screen.
        const ALTERNATE_SCROLL  = 1 << 16;
        /// 1034: eight-bit input (meta sets bit 8).
        const EIGHT_BIT_INPUT   = 1 << 17;
        /// 1036: meta sends ESC.
        const META_SENDS_ESC    = 1 << 18;
        /// 1039: alt sends ESC.
        const ALT_SENDS_ESC     = 1 << 19;
        /// 1042: bell sets urgency.
        const BELL_URGENT       = 1 << 20;
        /// 2004: bracketed paste.
        const BRACKETED_PASTE   = 1 << 21;
        /// 2026: synchronized output (the renderer holds frames while set).
        const SYNC_OUTPUT       = 1 << 22;
        /// IRM (ANSI 4): insert mode.
        const INSERT            = 1 << 23;
        /// LNM (ANSI 20): LF also returns the carriage.
        const LINEFEED_NEWLINE  = 1 << 24;
        /// KAM (ANSI 2): keyboard locked.
        const KEYBOARD_LOCK     = 1 << 25;
        /// SRM (ANSI 12): send/receive; set means no local echo (the default).
        const SEND_RECEIVE      = 1 << 26;
        /// 1048 and 1049's cursor save live in the saved cursor, not here; 47/1047/1049 in
        /// the active screen.
        const ALT_SCREEN        = 1 << 27;
        /// 41: xterm's more(1) fix for tabs after a wrap. Kept and reported only.
        const MORE_FIX          = 1 << 28;
        /// 1037: the Delete key sends DEL instead of `CSI 3 ~`.
        const DELETE_IS_DEL     = 1 << 29;
        /// 1045: xterm's extended reverse wraparound (also from the top line to the bottom).
        const REVERSE_WRAP_EXTENDED = 1 << 30;
    }
}

impl Modes {
    /// The power-on state.
    pub fn initial() -> Self {
        Modes::AUTOWRAP
            | Modes::SHOW_CURSOR
            | Modes::SEND_RECEIVE
            | Modes::META_SENDS_ESC
            | Modes::ALT_SENDS_ESC
    }
}

/// Which mouse events are reported (one of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MouseTracking {
    #[default]
    None,
    /// 9: press only.
    X10,
    /// 1000: press and release.
    Normal,
    /// 1002: plus motion while a button is held.
    ButtonMotion,
    /// 1003: all motion.
    AnyMotion,
}

impl MouseTracking {
    pub fn from_mode(mode: u16) -> Option<Self> {
        Some(match mode {
            9 => Self::X10,
            1000 => Self::Normal,
            1002 => Self::ButtonMotion,
            1003 => Self::AnyMotion,
            _ => return None,
        })
    }
}

/// How mouse reports are encoded (one of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MouseEncoding {
    #[default]
    X10,
    /// 1005.
    Utf8,
    /// 1006.
    Sgr,
    /// 1015.
    Urxvt,
    /// 1016.
    SgrPixels,
}

impl MouseEncoding {
    pub fn from_mode(mode: u16) -> Option<Self> {
        Some(match mode {
            1005 => Self::Utf8,
            1006 => Self::Sgr,
            1015 => Self::Urxvt,
            1016 => Self::SgrPixels,
            _ => return None,
        })
    }
}

/// The boolean DEC private modes and their flag.
pub const PRIVATE_FLAGS: &[(u16, Modes)] = &[
    (1, Modes::APP_CURSOR),
    (3, Modes::COLUMN_132),
    (5, Modes::REVERSE_VIDEO),
    (6, Modes::ORIGIN),
    (4, Modes::SMOOTH_SCROLL),
    (7, Modes::AUTOWRAP),
    (12, Modes::CURSOR_BLINK),
    (25, Modes::SHOW_CURSOR),
    (40, Modes::ALLOW_COLUMN_MODE),
    (41, Modes::MORE_FIX),
    (42, Modes::NRCS),
    (45, Modes::REVERSE_WRAP),
    (66, Modes::APP_KEYPAD),
    (67, Modes::BACKARROW_BS),
    (69, Modes::LR_MARGINS),
    (95, Modes::NO_CLEAR_ON_COLM),
    (1004, Modes::FOCUS_EVENTS),
    (1007, Modes::ALTERNATE_SCROLL),
    (1034, Modes::EIGHT_BIT_INPUT),
    (1036, Modes::META_SENDS_ESC),
    (1037, Modes::DELETE_IS_DEL),
    (1039, Modes::ALT_SENDS_ESC),
    (1042, Modes::BELL_URGENT),
    (1045, Modes::REVERSE_WRAP_EXTENDED),
    (2004, Modes::BRACKETED_PASTE),
    (2026, Modes::SYNC_OUTPUT),
];

/// DEC private modes xterm knows that change nothing here (printer, Tektronix, scrollbar,
/// font shifting, margin bell, keyboard emulations, paste quirks…): DECSET/DECRST keep their
/// state and DECRQM reports it, as xterm does; `true` is xterm's default (DECPEX 19, font
/// shifting 35, scroll to the bottom on output 1010). DECPFF is 18, DECHEBM is 35.
pub const KEPT_MODES: &[(u16, bool)] = &[
    (13, false),
    (18, false),
    (19, true),
    (30, false),
    (35, true),
    (38, false),
    (44, false),
    (1010, true),
    (1011, false),
    (1044, false),
    (1050, false),
    (1051, false),
    (1060, false),
    (1061, false),
    (2001, false),
    (2002, false),
    (2003, false),
    (2005, false),
    (2006, false),
    (8452, false),
];

/// The ANSI modes and their flag.
pub const ANSI_FLAGS: &[(u16, Modes)] = &[
    (2, Modes::KEYBOARD_LOCK),
    (4, Modes::INSERT),
    (12, Modes::SEND_RECEIVE),
    (20, Modes::LINEFEED_NEWLINE),
];

pub fn private_flag(mode: u16) -> Option<Modes> {
    PRIVATE_FLAGS.iter().find(|(m, _)| *m == mode).map(|(_, f)| *f)
}

pub fn ansi_flag(mode: u16) -> Option<Modes> {
    ANSI_FLAGS.iter().find(|(m, _)| *m == mode).map(|(_, f)| *f)
}

/// ANSI modes of the VT500 that xterm knows and never sets (GATM, SRTM, VEM, HEM, PUM,
/// FEAM, FETM, MATM, TTM, SATM, TSM, EBM): DECRQM says "permanently reset" for them.
pub const ANSI_PERMANENTLY_RESET: &[u16] = &[1, 5, 7, 10, 11, 13, 14, 15, 16, 17, 18, 19];

/// DECRQM answer values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ModeReport {
    NotRecognized = 0,
    Set = 1,
    Reset = 2,
    PermanentlySet = 3,
    PermanentlyReset = 4,
}

impl ModeReport {
    pub fn from_bool(on: bool) -> Self {
        if on { Self::Set } else { Self::Reset }
    }
}

impl Term {
    /// Apply a size the program asked for (XTWINOPS 8, DECCOLM, DECSLPP).
    pub(crate) fn request_resize(&mut self, cols: usize, lines: usize) {
        let cols = cols.clamp(1, MAX_REQUESTED_SIZE);
        let lines = lines.clamp(1, MAX_REQUESTED_SIZE);
        if self.config.apply_resize_requests {
            self.resize(cols, lines);
        }
        self.events.push(TermEvent::ResizeRequest { cols, lines });
    }

    pub(crate) fn set_private_mode_inner(&mut self, mode: u16, on: bool) {
        if let Some(flag) = modes::private_flag(mode) {
            match mode {
                3 => {
                    if !self.modes.contains(Modes::ALLOW_COLUMN_MODE) {
                        return;
                    }
                    self.modes.set(flag, on);
                    let lines = self.lines();
                    self.request_resize(if on { 132 } else { 80 }, lines);
                    self.reset_margins();
                    if !self.modes.contains(Modes::NO_CLEAR_ON_COLM) {
                        self.erase_display(EraseMode::All, false);
                    }
                    self.set_cursor(Line(0), Column(0));
                    return;
                }
                6 => {
                    self.modes.set(flag, on);
                    self.home_cursor();
                    return;
                }
                7 if !on => self.cursor.pending_wrap = false,
                12 => self.events.push(TermEvent::CursorStyleChanged),
                // DECSLRM is a VT420 feature: below level 4 xterm ignores DECLRMM.
                69 if self.conformance_level < 64 => return,
                69 if !on => {
                    self.margins.left = Column(0);
                    self.margins.right = Column(self.cols() - 1);
                }
                _ => (),
            }
            self.modes.set(flag, on);
            return;
        }
        if let Some(tracking) = MouseTracking::from_mode(mode) {
            if on {
                self.mouse_tracking = tracking;
            } else if self.mouse_tracking == tracking {
                self.mouse_tracking = MouseTracking::None;
            }
            return;
        }
        if let Some(encoding) = MouseEncoding::from_mode(mode) {
            if on {
                self.mouse_encoding = encoding;
            } else if self.mouse_encoding == encoding {
                self.mouse_encoding = MouseEncoding::X10;
            }
            return;
        }
        if let Some(i) = KEPT_MODES.iter().position(|(m, _)| *m == mode) {
            let default = KEPT_MODES[i].1;
            // xterm's function-key emulations (terminfo, Sun, legacy, VT220) are one of N.
            const KEYBOARDS: [u16; 4] = [1050, 1051, 1060, 1061];
            if on && KEYBOARDS.contains(&mode) {
                self.kept_modes.retain(|m| !KEYBOARDS.contains(m));
            }
            self.kept_modes.retain(|&m| m != mode);
            if on != default {
                self.kept_modes.push(mode);
            }
            return;
        }
        match mode {
            47 => {
                if on {
                    self.enter_alt_screen(false, false);
                } else {
                    self.leave_alt_screen(false, false);
                }
            }
            1047 => {
                if on {
                    self.enter_alt_screen(false, false);
                } else {
                    self.leave_alt_screen(false, true);
                }
            }
            1048 => {
                if on {
                    self.save_cursor();
                } else {
                    self.restore_cursor();
                }
            }
            1049 => {
                if on {
                    if !self.alt_active {
                        self.enter_alt_screen(true, true);
                    }
                } else if self.alt_active {
                    self.leave_alt_screen(true, false);
                }
            }
            _ => log::trace!("unknown private mode {mode}"),
        }
    }

    /// DECRQM's answer for a private mode.
    pub(crate) fn private_mode_report(&self, mode: u16) -> ModeReport {
        if mode == 69 && self.conformance_level < 64 {
            return ModeReport::NotRecognized;
        }
        if let Some(flag) = modes::private_flag(mode) {
            return ModeReport::from_bool(self.modes.contains(flag));
        }
        if let Some(t) = MouseTracking::from_mode(mode) {
            return ModeReport::from_bool(self.mouse_tracking == t);
        }
        if let Some(e) = MouseEncoding::from_mode(mode) {
            return ModeReport::from_bool(self.mouse_encoding == e);
        }
        if let Some(&(_, default)) = KEPT_MODES.iter().find(|(m, _)| *m == mode) {
            return ModeReport::from_bool(default != self.kept_modes.contains(&mode));
        }
        match mode {
            47 | 1047 | 1049 => ModeReport::from_bool(self.alt_active),
            // Cursor blinking by the user's setting (xterm's cursorBlink resource) is never
            // overridden: permanently set, as xterm answers.
            14 => ModeReport::PermanentlySet,
            // Logging: not compiled in xterm either.
            46 => ModeReport::PermanentlyReset,
            // DECHCCM (VT520): the screen is the whole page, so the display always follows
            // the cursor — coupled, permanently.
            60 => ModeReport::PermanentlySet,
            // Always ANSI mode (no VT52 emulation): "set", as xterm answers.
            2 => ModeReport::Set,
            // Autorepeat belongs to the window system; xterm answers "permanently reset".
            8 => ModeReport::PermanentlyReset,
            // Save-cursor is an action; xterm answers "set".
            1048 => ModeReport::Set,
            // Grapheme clustering is always on.
            2027 => ModeReport::PermanentlySet,
            // Highlight mouse tracking: known, never enabled.
            1001 => ModeReport::PermanentlyReset,
            _ => ModeReport::NotRecognized,
        }
    }

    pub(crate) fn save_private_modes(&mut self, list: &[u16]) {
        for &mode in list {
            let on = match self.private_mode_report(mode) {
                ModeReport::Set | ModeReport::PermanentlySet => true,
                ModeReport::Reset | ModeReport::PermanentlyReset => false,
                ModeReport::NotRecognized => continue,
            };
            match self.saved_modes.iter_mut().find(|(m, _)| *m == mode) {
                Some(entry) => entry.1 = on,
                None => self.saved_modes.push((mode, on)),
            }
        }
    }

    pub(crate) fn restore_private_modes(&mut self, list: &[u16]) {
        for &mode in list {
            if let Some(&(_, on)) = self.saved_modes.iter().find(|(m, _)| *m == mode) {
                self.set_private_mode_inner(mode, on);
            }
        }
    }
}
