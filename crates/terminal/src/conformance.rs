//! uvterm against real xterm 379: the recording's format, and where we deliberately answer
//! or draw differently, with why.
//!
//! The conformance cases (`tests/xterm/cases.py`) were played in real xterm 379 by
//! `tests/xterm/probe.py` and recorded (`tests/xterm/xterm379.json`). Everywhere else the
//! core must answer and draw exactly as xterm did; [`REPLIES`] and [`SCREENS`] are the
//! exceptions, each with its reason. Two tests hold them to the recording: the core's replay
//! (`xterm_tests.rs`) and the same probe run through a real PTY in the real binary
//! (`tests/xterm_pty.rs`).

use serde::Deserialize;

/// What the probe writes: every case, as one terminal answered it.
#[derive(Debug, Deserialize)]
pub struct Recording {
    /// Which terminal (`XTerm(379)`).
    pub terminal: String,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    /// The terminal's size at the end of the case.
    pub rows: usize,
    pub cols: usize,
    pub steps: Vec<Step>,
    /// The final screen's lines (read through Media Copy; absent where the terminal has no
    /// printer).
    pub screen: Option<Vec<String>>,
}

/// Bytes sent, and the bytes the terminal answered before the next sentinel.
#[derive(Debug, Deserialize)]
pub struct Step {
    /// Hex.
    pub send: String,
    /// Hex.
    pub reply: String,
    /// A pause in the case, not a query.
    #[serde(default)]
    pub sleep: bool,
}

impl Step {
    pub fn sent(&self) -> Vec<u8> {
        unhex(&self.send)
    }

    pub fn replied(&self) -> Vec<u8> {
        unhex(&self.reply)
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

/// What uvterm must answer where xterm answered `step` in `case`: xterm's reply, or ours
/// where [`REPLIES`] lists a deliberate difference.
pub fn expected_reply(case: &str, step: &Step) -> Vec<u8> {
    let sent = step.sent();
    REPLIES
        .iter()
        .find(|d| d.case == case && d.sent.as_bytes() == sent.as_slice())
        .map_or_else(|| step.replied(), |d| d.ours.to_vec())
}

/// Bytes for a failure message: escapes visible.
pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\x1b', "\\e").replace('\x07', "\\a")
}

/// A reply that differs on purpose.
pub struct ReplyDifference {
    /// The recorded case.
    pub case: &'static str,
    /// The bytes the probe sent in that step.
    pub sent: &'static str,
    /// What we answer instead of xterm's reply.
    pub ours: &'static [u8],
    pub why: &'static str,
}

/// A final screen that differs on purpose.
pub struct ScreenDifference {
    pub case: &'static str,
    /// Our screen's lines, trailing empty lines dropped.
    pub ours: &'static [&'static str],
    pub why: &'static str,
}

const fn reply(
    case: &'static str,
    sent: &'static str,
    ours: &'static [u8],
    why: &'static str,
) -> ReplyDifference {
    ReplyDifference { case, sent, ours, why }
}

/// Replies kept different on purpose.
pub const REPLIES: &[ReplyDifference] = &[
    // Identity: we say who we are, and claim only what we have.
    reply(
        "device_attributes",
        "\x1b[c",
        b"\x1b[?64;1;6;9;15;17;21;22;28c",
        NO_PRINTER_LOCATOR_WINDOWS,
    ),
    reply(
        "device_attributes",
        "\x1b[0c",
        b"\x1b[?64;1;6;9;15;17;21;22;28c",
        NO_PRINTER_LOCATOR_WINDOWS,
    ),
    reply("decscl_levels", "\x1b[c", b"\x1b[?64;1;6;9;15;17;21;22;28c", NO_PRINTER_LOCATOR_WINDOWS),
    reply("device_attributes", "\x1b[>c", b"\x1b[>1;100;0c", NOT_XTERM),
    reply("device_attributes", "\x1b[>0c", b"\x1b[>1;100;0c", NOT_XTERM),
    reply("s8c1t_replies", "\x1b[>c", b"\x9b>1;100;0c", NOT_XTERM),
    reply("device_attributes", "\x1b[>0q", b"\x1bP>|uvterm(0.1.0)\x1b\\", NOT_XTERM),
    // Title reports: xterm answered because the recording enabled every window operation;
    // its default (and ours) refuses them, and our config can allow them.
    reply("xtwinops_reports", "\x1b[20t", b"", TITLE_REPORTS),
    reply("xtwinops_reports", "\x1b[21t", b"", TITLE_REPORTS),
    // Modes we implement and xterm 379 does not, or the other way round.
    reply("decrqm_dec_default", "\x1b[?95$p", b"\x1b[?95;2$y", "DECNCSM is implemented here"),
    reply(
        "decrqm_dec_default",
        "\x1b[?2026$p",
        b"\x1b[?2026;2$y",
        "synchronized output is implemented here",
    ),
    reply("decrqm_ansi_default", "\x1b[3$p", b"\x1b[3;0$y", "no CRM (showing control characters)"),
    reply("decrqm_dec_default", "\x1b[?80$p", b"\x1b[?80;0$y", "no sixel graphics"),
    reply(
        "decrqm_dec_default",
        "\x1b[?1001$p",
        b"\x1b[?1001;4$y",
        "highlight mouse tracking is never enabled",
    ),
    reply("decrqm_dec_default", "\x1b[?1034$p", b"\x1b[?1034;2$y", ALT_IS_ESC),
    reply("decrqm_dec_default", "\x1b[?1036$p", b"\x1b[?1036;1$y", ALT_IS_ESC),
    reply("decrqm_dec_default", "\x1b[?1039$p", b"\x1b[?1039;1$y", ALT_IS_ESC),
    reply("decrqm_dec_default", "\x1b[?1035$p", b"\x1b[?1035;0$y", XTERM_GUI_MODE),
    reply("decrqm_dec_default", "\x1b[?1040$p", b"\x1b[?1040;0$y", XTERM_GUI_MODE),
    reply("decrqm_dec_default", "\x1b[?1041$p", b"\x1b[?1041;0$y", XTERM_GUI_MODE),
    reply("decrqm_dec_default", "\x1b[?1043$p", b"\x1b[?1043;0$y", XTERM_GUI_MODE),
    reply("decrqm_dec_default", "\x1b[?1046$p", b"\x1b[?1046;0$y", XTERM_GUI_MODE),
    // xterm's boldColors shows bold 31 as 91 and reports it so; we report what was set.
    reply(
        "decrqss_sgr",
        "\x1bP$qm\x1b\\",
        b"\x1bP1$r0;1;4;7;3;31;42m\x1b\\",
        "we report the colour the program set, not xterm's bold-as-bright substitution",
    ),
    // The issue asks for DECRQSS of DECSACE; xterm 379 answers it as invalid.
    reply(
        "decrqss_attribute_change_extent",
        "\x1bP$q*x\x1b\\",
        b"\x1bP1$r2*x\x1b\\",
        "DECRQSS answers DECSACE, as the VT520 does",
    ),
    // xterm's UTF-8 mode adds 0x80 to characters shown through G2/G3 shifts and shifts the
    // character after a UK pound sign into GR (see the screens below): we do not copy that.
    reply("g2_g3_locking_shifts", "\x1b[1;1;1;1;1;80*y", b"\x1bP1!~FF5D\x1b\\", SHIFT_QUIRK),
    reply("g2_g3_locking_shifts", "\x1b[2;1;2;1;2;80*y", b"\x1bP2!~FEDA\x1b\\", SHIFT_QUIRK),
    reply("single_shifts", "\x1b[1;1;1;1;1;80*y", b"\x1bP1!~FEC9\x1b\\", SHIFT_QUIRK),
    reply("uk_set", "\x1b[1;1;1;1;1;80*y", b"\x1bP1!~FE36\x1b\\", SHIFT_QUIRK),
    // xterm's REP repeats the last *byte* of a UTF-8 character; we repeat the character.
    reply("repeat", "\x1b[6n", b"\x1b[2;7R", REP_WIDE),
    reply("repeat", "\x1b[?6n", b"\x1b[?2;7;1R", REP_WIDE),
    reply("repeat", "\x1b[2;1;2;1;2;80*y", b"\x1bP2!~FC9D\x1b\\", REP_WIDE),
];

/// Screens kept different on purpose.
pub const SCREENS: &[ScreenDifference] = &[
    ScreenDifference {
        case: "checksum_attributes",
        ours: &["ABCDEFGHIJK"],
        why: "screen text keeps hidden (SGR 8) characters, as a selection copies them; xterm's printer blanks them",
    },
    ScreenDifference {
        case: "g2_g3_locking_shifts", ours: &["───£", "abc"], why: SHIFT_QUIRK
    },
    ScreenDifference { case: "uk_set", ours: &["£a£#"], why: SHIFT_QUIRK },
    ScreenDifference { case: "repeat", ours: &["abbbb", "漢漢漢"], why: REP_WIDE },
];

const NO_PRINTER_LOCATOR_WINDOWS: &str =
    "DA1 claims only what we have: no printer (2), locator (16) or user windows (18)";
const NOT_XTERM: &str = "we identify as uvterm, not as an xterm patch level programs would key on";
const TITLE_REPORTS: &str =
    "title reports echo program-set text (an injection vector): off unless allowed";
const ALT_IS_ESC: &str = "Alt/Meta send ESC before the key by default, as modern terminals do";
const XTERM_GUI_MODE: &str =
    "an xterm GUI behaviour (numlock, selection, pop-on-bell, titeInhibit) we do not have";
const SHIFT_QUIRK: &str =
    "G2/G3 and UK characters are counted and shown as the DEC charsets define them";
const REP_WIDE: &str = "REP repeats the whole (wide) character";
