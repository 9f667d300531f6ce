//! The `Handler` trait: what a parsed byte stream asks a terminal to do, in typed form.
//!
//! `parser.rs` turns vte's raw actions (print / execute / CSI / ESC / OSC / DCS) into calls on
//! this trait; [`super::Term`] implements it. Keeping the two apart lets the parser be tested
//! with a recording handler and keeps escape-sequence syntax out of the screen model.

use super::charset::{CharsetIndex, StandardCharset};
use super::style::Rgb;

/// ED / EL extent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseMode {
    /// From the cursor to the end (of line or screen).
    Below,
    /// From the start to the cursor, inclusive.
    Above,
    All,
    /// ED 3: the scrollback.
    Saved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabClear {
    Current,
    All,
}

/// DECSCUSR shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CursorShape {
    #[default]
    Block,
    Underline,
    Beam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CursorStyle {
    pub shape: CursorShape,
    pub blinking: bool,
}

/// Which DA was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAttributes {
    Primary,
    Secondary,
    Tertiary,
}

/// OSC 133 semantic prompt marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptMark {
    PromptStart,
    CommandStart,
    OutputStart,
    CommandEnd,
}

/// Which protocol a desktop notification came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyProtocol {
    /// `OSC 9 ; body ST` (iTerm2, also Windows Terminal and foot).
    Osc9,
    /// `OSC 777 ; notify ; title ; body ST` (urxvt's notify extension, used by foot, VTE).
    Osc777,
    /// `OSC 99 ; metadata ; payload ST` (kitty's desktop notifications).
    Kitty,
}

impl NotifyProtocol {
    /// The name scripts see (`osc9`, `osc777`, `osc99`).
    pub fn name(self) -> &'static str {
        match self {
            NotifyProtocol::Osc9 => "osc9",
            NotifyProtocol::Osc777 => "osc777",
            NotifyProtocol::Kitty => "osc99",
        }
    }
}

/// Dynamic colour slots after the 256-colour palette (OSC 10/11/12).
pub const COLOR_FOREGROUND: usize = 256;
pub const COLOR_BACKGROUND: usize = 257;
pub const COLOR_CURSOR: usize = 258;
/// OSC 13-19 (pointer foreground/background, Tektronix foreground/background, highlight
/// background, Tektronix cursor, highlight foreground): slot `COLOR_DYNAMIC_13 + (osc - 13)`.
/// Kept and reported only: uvterm draws none of them.
pub const COLOR_DYNAMIC_13: usize = 259;
/// xterm's special colours (OSC 5 0-4, also OSC 4 256-260): bold, underline, blink,
/// reverse, italic. Kept and reported only.
pub const COLOR_SPECIAL: usize = 266;
pub const COLOR_COUNT: usize = 271;

/// The palette slot an OSC colour number names: OSC 4's index (0-260, 256 and up being the
/// special colours), OSC 5's special colour (0-4), or the dynamic colour of OSC 10-19.
pub fn color_slot(osc: u16, number: usize) -> Option<usize> {
    match osc {
        4 if number < 256 => Some(number),
        4 if number < 261 => Some(COLOR_SPECIAL + number - 256),
        5 if number < 5 => Some(COLOR_SPECIAL + number),
        10..=12 => Some(COLOR_FOREGROUND + osc as usize - 10),
        13..=19 => Some(COLOR_DYNAMIC_13 + osc as usize - 13),
        _ => None,
    }
}

/// How a string reply is terminated: as the request was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringTerminator {
    Bel,
    St,
}

/// A rectangle in 1-based terminal coordinates as received (before origin/margin mapping);
/// 0 or a missing value means the default (screen edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RectParams {
    pub top: u16,
    pub left: u16,
    pub bottom: u16,
    pub right: u16,
}

/// Kitty keyboard protocol: how `CSI = flags ; mode u` applies flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyboardFlagsMode {
    Replace,
    Union,
    Difference,
}

/// Everything a terminal can be asked to do. Default methods ignore the request, so partial
/// handlers (tests, recorders) only write what they need.
#[allow(unused_variables)]
pub trait Handler {
    /// A graphic character, after the parser decoded UTF-8.
    fn print(&mut self, c: char) {}
    /// A run of printable ASCII (0x20..=0x7e), the parser's fast path. Must behave exactly like
    /// `print` called for each byte.
    fn print_ascii(&mut self, run: &[u8]) {
        for &b in run {
            self.print(b as char);
        }
    }
    fn bell(&mut self) {}
    fn backspace(&mut self) {}
    /// SPA (`true`, ESC V) / EPA (`false`, ESC W): start or end an ISO guarded area.
    fn guarded_area(&mut self, start: bool) {}
    /// HT and CHT.
    fn tab(&mut self, count: usize) {}
    /// CBT.
    fn backtab(&mut self, count: usize) {}
    /// LF, VT and FF: index, plus carriage return in LNM mode.
    fn linefeed(&mut self) {}
    fn carriage_return(&mut self) {}
    /// IND.
    fn index(&mut self) {}
    /// NEL.
    fn next_line(&mut self) {}
    /// RI.
    fn reverse_index(&mut self) {}
    /// DECBI.
    fn back_index(&mut self) {}
    /// DECFI.
    fn forward_index(&mut self) {}
    fn set_tab_stop(&mut self) {}
    fn clear_tab_stops(&mut self, mode: TabClear) {}
    /// DECST8C: a stop every 8 columns.
    fn reset_tab_stops(&mut self) {}
    /// SI/SO/LS2/LS3 (`gr == false`) and LS1R/LS2R/LS3R (`gr == true`).
    fn invoke_charset(&mut self, index: CharsetIndex, gr: bool) {}
    /// SS2 / SS3.
    fn single_shift(&mut self, index: CharsetIndex) {}
    fn designate_charset(&mut self, index: CharsetIndex, charset: StandardCharset) {}

    fn move_up(&mut self, n: usize) {}
    fn move_down(&mut self, n: usize) {}
    fn move_forward(&mut self, n: usize) {}
    fn move_backward(&mut self, n: usize) {}
    /// CNL.
    fn move_down_and_cr(&mut self, n: usize) {}
    /// CPL.
    fn move_up_and_cr(&mut self, n: usize) {}
    /// CUP / HVP, 0-based, relative to the origin in origin mode.
    fn goto(&mut self, line: usize, col: usize) {}
    /// VPA, 0-based.
    fn goto_line(&mut self, line: usize) {}
    /// CHA / HPA, 0-based.
    fn goto_col(&mut self, col: usize) {}

    fn insert_blank(&mut self, n: usize) {}
    fn delete_chars(&mut self, n: usize) {}
    fn erase_chars(&mut self, n: usize) {}
    fn insert_lines(&mut self, n: usize) {}
    fn delete_lines(&mut self, n: usize) {}
    /// DECIC / DECDC.
    /// SL (`CSI Ps SP @`): shift the scroll region's columns left.
    fn scroll_left(&mut self, n: usize) {}
    /// SR (`CSI Ps SP A`): shift the scroll region's columns right.
    fn scroll_right(&mut self, n: usize) {}
    fn insert_columns(&mut self, n: usize) {}
    fn delete_columns(&mut self, n: usize) {}
    /// SU.
    fn scroll_up(&mut self, n: usize) {}
    /// SD.
    fn scroll_down(&mut self, n: usize) {}
    /// ED / DECSED.
    fn erase_display(&mut self, mode: EraseMode, selective: bool) {}
    /// EL / DECSEL.
    fn erase_line(&mut self, mode: EraseMode, selective: bool) {}
    /// REP.
    fn repeat_preceding(&mut self, n: usize) {}
    fn decaln(&mut self) {}

    /// DECSC (and SCOSC).
    fn save_cursor(&mut self) {}
    /// DECRC (and SCORC).
    fn restore_cursor(&mut self) {}
    /// DECSTBM, 1-based as received (`None` = default).
    fn set_scroll_region(&mut self, top: Option<usize>, bottom: Option<usize>) {}
    /// `CSI Pl ; Pr s`: DECSLRM (1-based as received) when DECLRMM is set, else SCOSC.
    fn set_lr_margins(&mut self, left: Option<usize>, right: Option<usize>) {}

    /// SM / RM for ANSI modes.
    fn set_ansi_mode(&mut self, mode: u16, on: bool) {}
    /// DECSET / DECRST.
    fn set_private_mode(&mut self, mode: u16, on: bool) {}
    /// DECRQM.
    fn report_mode(&mut self, mode: u16, private: bool) {}
    /// XTSAVE.
    fn save_private_modes(&mut self, modes: &[u16]) {}
    /// XTRESTORE.
    fn restore_private_modes(&mut self, modes: &[u16]) {}
    fn set_keypad_application(&mut self, on: bool) {}

    /// SGR: the parameters (each with its `:` sub-parameters); decoded by [`super::sgr`].
    fn sgr(&mut self, params: &super::parser::CsiParams) {}
    fn set_cursor_style(&mut self, style: Option<CursorStyle>) {}
    /// DECSCA.
    fn set_protected(&mut self, on: bool) {}

    fn device_attributes(&mut self, which: DeviceAttributes) {}
    /// DSR: `private` for `CSI ? Ps n`; `arg` is the second parameter (DECCKSR's id).
    fn device_status(&mut self, n: u16, arg: u16, private: bool) {}
    fn xtversion(&mut self) {}
    /// XTWINOPS with its raw parameters.
    fn window_op(&mut self, params: &[u16]) {}
    /// DECRQCRA.
    fn request_checksum(&mut self, id: u16, page: u16, rect: RectParams) {}
    /// DECRQSS: the request string (e.g. `m`, ` q`, `"p`).
    fn request_status_string(&mut self, request: &[u8]) {}
    /// XTGETTCAP: hex-encoded capability names separated by `;`.
    fn request_termcap(&mut self, request: &[u8]) {}

    /// DECSTR.
    fn soft_reset(&mut self) {}
    /// RIS.
    fn hard_reset(&mut self) {}
    /// DECSCL: level 61..=65 and 7/8-bit controls.
    fn set_conformance_level(&mut self, level: u16, eight_bit: Option<bool>) {}
    /// S7C1T / S8C1T.
    fn set_eight_bit_controls(&mut self, on: bool) {}

    /// Rectangle operations.
    fn fill_rect(&mut self, c: char, rect: RectParams) {}
    fn erase_rect(&mut self, rect: RectParams, selective: bool) {}
    fn copy_rect(&mut self, src: RectParams, dst_top: u16, dst_left: u16) {}
    /// DECCARA (`reverse == false`) and DECRARA (`reverse == true`): SGR groups to apply.
    fn change_rect_attrs(&mut self, rect: RectParams, attrs: &[&[u16]], reverse: bool) {}
    /// DECSACE: 1 = stream, 2 = rectangle (0 = default, stream).
    fn set_attr_change_extent(&mut self, extent: u16) {}

    fn set_title(&mut self, title: &str) {}
    fn set_icon_name(&mut self, name: &str) {}
    /// XTWINOPS 22/23: `which` 0 both, 1 icon name, 2 window title.
    fn push_title(&mut self, which: u16) {}
    fn pop_title(&mut self, which: u16) {}
    /// XTSMTITLE (`on`, `CSI > Ps t`) / XTRMTITLE (`CSI > Ps T`): title mode `mode` (0 set
    /// labels in hex, 1 query them in hex, 2 set in UTF-8, 3 query in UTF-8).
    fn set_title_mode(&mut self, mode: u16, on: bool) {}
    /// OSC 4 / 10 / 11 / 12 with a colour.
    fn set_color(&mut self, index: usize, color: Rgb) {}
    /// OSC 104 / 110 / 111 / 112; `None` resets the whole palette.
    fn reset_color(&mut self, index: Option<usize>) {}
    /// OSC 4 / 10 / 11 / 12 with `?`.
    /// OSC 4/5 (`number` is the index asked about) and 10-19 (`number` is ignored).
    fn query_color(&mut self, osc: u16, number: usize, terminator: StringTerminator) {}
    /// OSC 7.
    fn set_working_directory(&mut self, uri: &str) {}
    /// OSC 8: `None` ends the current link.
    fn set_hyperlink(&mut self, id: Option<&str>, uri: Option<&str>) {}
    /// OSC 52 with data.
    fn clipboard_store(&mut self, selection: u8, base64: &[u8]) {}
    /// OSC 52 with `?`.
    fn clipboard_load(&mut self, selection: u8, terminator: StringTerminator) {}
    /// OSC 133.
    fn prompt_mark(&mut self, mark: PromptMark) {}
    /// OSC 133 with what the mark carries: `D ; status` gives the command's exit status
    /// (FinalTerm's semantic prompts, as kitty, WezTerm and VS Code read them).
    fn semantic_prompt(&mut self, mark: PromptMark, exit_status: Option<i32>) {
        let _ = exit_status;
        self.prompt_mark(mark)
    }
    /// OSC 9 and OSC 777 notifications, already split into title and body.
    fn notify(&mut self, protocol: NotifyProtocol, title: &str, body: &str) {}
    /// OSC 99 (kitty): the metadata (`key=value` pairs separated by `:`) and the payload.
    fn kitty_notify(&mut self, metadata: &[u8], payload: &[u8]) {}

    /// Kitty keyboard protocol.
    fn push_keyboard_flags(&mut self, flags: u8) {}
    fn pop_keyboard_flags(&mut self, n: usize) {}
    fn set_keyboard_flags(&mut self, flags: u8, mode: KeyboardFlagsMode) {}
    fn report_keyboard_flags(&mut self) {}
    /// XTMODKEYS `CSI > 4 ; n m` (modifyOtherKeys); `None` resets.
    fn set_modify_other_keys(&mut self, level: Option<u16>) {}
}
