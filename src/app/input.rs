//! Keyboard and mouse to bytes for the program: xterm's encodings (cursor and keypad modes,
//! modifiers on every special key, Alt as ESC, Ctrl+symbols, modifyOtherKeys), the kitty
//! keyboard protocol (progressive enhancement flags, `CSI … u`), and mouse reports in every
//! tracking mode and encoding. Pure functions over our own key type, so the tables are tested
//! here without a window.

use crate::term::modes::{MouseEncoding, MouseTracking};

/// A key, as the layout produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key that produces a character: the character without Shift (`a`, `1`, `[`).
    Char(char),
    Enter,
    Tab,
    Backspace,
    Escape,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    Insert,
    Delete,
    PageUp,
    PageDown,
    /// The keypad's middle key with NumLock off (`KP_Begin`): xterm sends `CSI E` / `SS3 E`.
    Begin,
    /// F1…F24.
    F(u8),
    /// Keypad keys (application keypad mode changes them).
    Keypad(KeypadKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeypadKey {
    Digit(u8),
    Decimal,
    Divide,
    Multiply,
    Subtract,
    Add,
    Enter,
    Equal,
    /// The cursor and editing keys of the keypad with NumLock off (`KP_Up`, `KP_Home`,
    /// `KP_Prior`, `KP_Insert`, `KP_Begin`…): the same bytes as the main keys in every mode
    /// (xterm maps them onto those keys), but their own codes in the kitty protocol.
    Nav(NavKey),
}

/// The keypad's cursor and editing keys (NumLock off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavKey {
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
    Delete,
    Begin,
}

impl NavKey {
    /// The main key it acts as.
    pub fn main(self) -> Key {
        match self {
            NavKey::Up => Key::Up,
            NavKey::Down => Key::Down,
            NavKey::Left => Key::Left,
            NavKey::Right => Key::Right,
            NavKey::Home => Key::Home,
            NavKey::End => Key::End,
            NavKey::PageUp => Key::PageUp,
            NavKey::PageDown => Key::PageDown,
            NavKey::Insert => Key::Insert,
            NavKey::Delete => Key::Delete,
            NavKey::Begin => Key::Begin,
        }
    }

    /// The keypad key for a main cursor or editing key.
    pub fn from_main(key: Key) -> Option<NavKey> {
        Some(match key {
            Key::Up => NavKey::Up,
            Key::Down => NavKey::Down,
            Key::Left => NavKey::Left,
            Key::Right => NavKey::Right,
            Key::Home => NavKey::Home,
            Key::End => NavKey::End,
            Key::PageUp => NavKey::PageUp,
            Key::PageDown => NavKey::PageDown,
            Key::Insert => NavKey::Insert,
            Key::Delete => NavKey::Delete,
            Key::Begin => NavKey::Begin,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mods {
    pub shift: bool,
    pub alt: bool,
    pub ctrl: bool,
    pub logo: bool,
}

impl Mods {
    /// xterm's modifier parameter: 1 + shift(1) + alt(2) + ctrl(4) + meta/super(8).
    fn param(self) -> u8 {
        1 + self.shift as u8 + 2 * self.alt as u8 + 4 * self.ctrl as u8 + 8 * self.logo as u8
    }

    fn any(self) -> bool {
        self.shift || self.alt || self.ctrl || self.logo
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Press,
    Repeat,
    Release,
}

/// A key event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInput {
    pub key: Key,
    pub mods: Mods,
    pub action: KeyAction,
    /// The text the key produces with its modifiers (Shift applied, IME composed).
    pub text: Option<String>,
}

/// The terminal modes keyboard encoding depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyModes {
    pub app_cursor: bool,
    pub app_keypad: bool,
    /// DECBKM: Backspace sends BS instead of DEL.
    pub backarrow_bs: bool,
    /// Alt sends ESC before the key (xterm's metaSendsEscape / altSendsEscape).
    pub alt_esc: bool,
    /// Mode 1037: Delete sends DEL (0x7f) instead of `CSI 3 ~`.
    pub delete_is_del: bool,
    /// Kitty keyboard protocol flags (0: legacy).
    pub kitty: u8,
    /// xterm modifyOtherKeys level (0, 1, 2).
    pub modify_other_keys: u16,
    /// xterm's `formatOtherKeys` resource: modifyOtherKeys reports as `CSI code ; m u`
    /// instead of `CSI 27 ; m ; code ~`.
    pub format_other_keys: bool,
}

const KITTY_DISAMBIGUATE: u8 = 1;
const KITTY_EVENT_TYPES: u8 = 2;
const KITTY_ALTERNATE: u8 = 4;
const KITTY_ALL_KEYS: u8 = 8;
const KITTY_TEXT: u8 = 16;

/// The bytes a key sends, or `None` when it sends nothing.
pub fn encode_key(input: &KeyInput, modes: KeyModes) -> Option<Vec<u8>> {
    if modes.kitty != 0 {
        return kitty(input, modes);
    }
    if input.action == KeyAction::Release {
        return None;
    }
    legacy(input, modes)
}

fn csi(body: &str) -> Vec<u8> {
    format!("\x1b[{body}").into_bytes()
}

fn ss3(c: char) -> Vec<u8> {
    vec![0x1b, b'O', c as u8]
}

/// Cursor keys, Home/End and F1–F4: `CSI X` / `SS3 X`, or `CSI 1;m X` with modifiers.
fn letter_key(letter: char, mods: Mods, ss3_mode: bool) -> Vec<u8> {
    if mods.any() {
        csi(&format!("1;{}{letter}", mods.param()))
    } else if ss3_mode {
        ss3(letter)
    } else {
        csi(&letter.to_string())
    }
}

fn tilde_key(n: u8, mods: Mods) -> Vec<u8> {
    if mods.any() { csi(&format!("{n};{}~", mods.param())) } else { csi(&format!("{n}~")) }
}

/// F5–F12 codes (xterm).
fn f_tilde(n: u8) -> Option<u8> {
    Some(match n {
        5 => 15,
        6 => 17,
        7 => 18,
        8 => 19,
        9 => 20,
        10 => 21,
        11 => 23,
        12 => 24,
        _ => return None,
    })
}

/// Ctrl+character as a C0 control: Xlib's Control transformation (`XLookupString`), which is
/// what xterm sends at modifyOtherKeys 0 — `@`…`~` and space keep their low five bits (`a`→^A,
/// `` ` ``→NUL, `{`→ESC), `2`→NUL, `3`…`7`→ESC…US, `8`→DEL, `/`→US. `None`: the character
/// has no control form and is sent unchanged (`1`, `;`, `,`, `.`, `-`, `=`, `?`…).
/// `c` is the character with Shift applied (Ctrl+Shift+2 is Ctrl+`@`).
fn ctrl_char(c: char) -> Option<u8> {
    let b = u8::try_from(c).ok().filter(u8::is_ascii)?;
    Some(match b {
        b'@'..=b'~' | b' ' => b & 0x1f,
        b'2' => 0,
        b'3'..=b'7' => b - b'3' + 0x1b,
        b'8' => 0x7f,
        b'/' => 0x1f,
        _ => return None,
    })
}

/// xterm's modifyOtherKeys report for a key that would send `code`: `CSI 27 ; m ; code ~`,
/// or `CSI code ; m u` with formatOtherKeys 1.
fn other_key(mods: Mods, code: u32, csi_u: bool) -> Vec<u8> {
    if csi_u {
        csi(&format!("{code};{}u", mods.param()))
    } else {
        csi(&format!("27;{};{code}~", mods.param()))
    }
}

/// Whether xterm reports a key as `CSI 27;m;code~` at the program's modifyOtherKeys level
/// (xterm 379, checked key by key under Xvfb):
/// * level 1 reports only combinations that have no other form: Ctrl with a character Xlib
///   leaves unchanged (Ctrl+1, Ctrl+`;`, Ctrl+Shift+1…), Ctrl or Shift with Enter, Ctrl with
///   Tab. Ctrl+letters, Ctrl+Space, Alt+key keep their legacy bytes.
/// * level 2 reports every Shift/Alt/Ctrl combination of characters, Enter, Tab and Escape,
///   and Shift/Alt with Backspace (Ctrl+Backspace stays BS/DEL, Shift+Tab stays `CSI Z`).
fn reports_other_key(key: Key, m: Mods, shifted: char, level: u16) -> bool {
    let modified = m.shift || m.alt || m.ctrl;
    match (level, key) {
        (2, Key::Char(_) | Key::Escape | Key::Enter) => modified,
        (2, Key::Tab) => m.ctrl || m.alt,
        (2, Key::Backspace) => m.shift || m.alt,
        (1, Key::Char(_)) => m.ctrl && ctrl_char(shifted).is_none(),
        (1, Key::Enter) => m.ctrl || m.shift,
        (1, Key::Tab) => m.ctrl && !m.shift,
        _ => false,
    }
}

fn with_alt(mut bytes: Vec<u8>, alt: bool, modes: KeyModes) -> Vec<u8> {
    if alt && modes.alt_esc {
        bytes.insert(0, 0x1b);
    }
    bytes
}

fn legacy(input: &KeyInput, modes: KeyModes) -> Option<Vec<u8>> {
    let m = input.mods;
    // The character with Shift applied (what Xlib's lookup would give xterm).
    let shifted = match input.key {
        Key::Char(c) => input.text.as_deref().and_then(|t| t.chars().next()).unwrap_or(c),
        _ => '\0',
    };
    let level = modes.modify_other_keys;
    if level != 0 && reports_other_key(input.key, m, shifted, level) {
        let code = match input.key {
            Key::Enter => 13,
            Key::Tab => 9,
            Key::Escape => 27,
            Key::Backspace if modes.backarrow_bs => 8,
            Key::Backspace => 127,
            _ => shifted as u32,
        };
        return Some(other_key(m, code, modes.format_other_keys));
    }
    let bytes = match input.key {
        Key::Up => letter_key('A', m, modes.app_cursor),
        Key::Down => letter_key('B', m, modes.app_cursor),
        Key::Right => letter_key('C', m, modes.app_cursor),
        Key::Left => letter_key('D', m, modes.app_cursor),
        Key::Home => letter_key('H', m, modes.app_cursor),
        Key::End => letter_key('F', m, modes.app_cursor),
        Key::Begin => letter_key('E', m, modes.app_cursor),
        Key::Insert => tilde_key(2, m),
        Key::Delete if modes.delete_is_del && m == Mods::default() => vec![0x7f],
        Key::Delete => tilde_key(3, m),
        Key::PageUp => tilde_key(5, m),
        Key::PageDown => tilde_key(6, m),
        Key::F(n @ 1..=4) => letter_key((b'P' + n - 1) as char, m, true),
        Key::F(n @ 5..=12) => tilde_key(f_tilde(n)?, m),
        // F13–F24 are shifted F1–F12 (xterm's default).
        Key::F(n @ 13..=24) => {
            let shifted = Mods { shift: true, ..m };
            if n <= 16 {
                letter_key((b'P' + n - 13) as char, shifted, true)
            } else {
                tilde_key(f_tilde(n - 12)?, shifted)
            }
        }
        Key::F(_) => return None,
        Key::Enter => with_alt(b"\r".to_vec(), m.alt, modes),
        Key::Tab if m.shift => csi("Z"),
        Key::Tab => with_alt(b"\t".to_vec(), m.alt, modes),
        Key::Backspace => {
            // Ctrl+Backspace sends the other one of BS/DEL.
            let bs = modes.backarrow_bs != m.ctrl;
            with_alt(vec![if bs { 0x08 } else { 0x7f }], m.alt, modes)
        }
        Key::Escape => with_alt(vec![0x1b], m.alt, modes),
        Key::Keypad(k) => keypad(k, m, modes, input.text.as_deref())?,
        Key::Char(c) => {
            if m.ctrl {
                // Xlib's control form, else the character itself (xterm at level 0).
                let bytes = match ctrl_char(shifted) {
                    Some(b) => vec![b],
                    None => shifted.to_string().into_bytes(),
                };
                return Some(with_alt(bytes, m.alt, modes));
            }
            let text = input.text.clone().unwrap_or_else(|| c.to_string());
            if text.is_empty() {
                return None;
            }
            with_alt(text.into_bytes(), m.alt, modes)
        }
    };
    Some(bytes)
}

fn keypad(k: KeypadKey, m: Mods, modes: KeyModes, text: Option<&str>) -> Option<Vec<u8>> {
    if let KeypadKey::Nav(nav) = k {
        // xterm 379: DECKPAM does not change them; DECCKM does, as for the main keys.
        let main = KeyInput { key: nav.main(), mods: m, action: KeyAction::Press, text: None };
        return legacy(&main, modes);
    }
    if !modes.app_keypad || m.shift {
        return match k {
            KeypadKey::Enter => Some(b"\r".to_vec()),
            _ => text.map(|t| t.as_bytes().to_vec()).filter(|t| !t.is_empty()),
        };
    }
    let c = match k {
        KeypadKey::Digit(d) => (b'p' + d) as char,
        KeypadKey::Decimal => 'n',
        KeypadKey::Divide => 'o',
        KeypadKey::Multiply => 'j',
        KeypadKey::Subtract => 'm',
        KeypadKey::Add => 'k',
        KeypadKey::Enter => 'M',
        KeypadKey::Equal => 'X',
        KeypadKey::Nav(_) => return None,
    };
    Some(ss3(c))
}

/// The kitty keyboard protocol.
fn kitty(input: &KeyInput, modes: KeyModes) -> Option<Vec<u8>> {
    let flags = modes.kitty;
    let m = input.mods;
    let report_events = flags & KITTY_EVENT_TYPES != 0;
    if input.action == KeyAction::Release && !report_events {
        return None;
    }
    let all_keys = flags & KITTY_ALL_KEYS != 0;
    // The spec: Enter, Tab and Backspace report release only when all keys are escape codes
    // (so a shell left in the mode still gets exactly one CR per Enter).
    if input.action == KeyAction::Release
        && !all_keys
        && matches!(input.key, Key::Enter | Key::Tab | Key::Backspace)
    {
        return None;
    }
    let event = match input.action {
        KeyAction::Press => 1,
        KeyAction::Repeat => 2,
        KeyAction::Release => 3,
    };
    // Keys that keep their legacy encoding unless every key is reported.
    if !all_keys && input.action != KeyAction::Release {
        match input.key {
            Key::Char(_) if !m.ctrl && !m.alt && !m.logo => {
                return input.text.clone().filter(|t| !t.is_empty()).map(String::into_bytes);
            }
            Key::Enter | Key::Tab | Key::Backspace if !m.any() => {
                return legacy(input, KeyModes { kitty: 0, ..modes });
            }
            Key::Keypad(_) if !m.any() && flags & KITTY_DISAMBIGUATE == 0 => {
                return legacy(input, KeyModes { kitty: 0, ..modes });
            }
            _ => (),
        }
    }
    let mods_field = {
        let base = m.param();
        if report_events && event != 1 {
            format!("{base}:{event}")
        } else if base > 1 {
            base.to_string()
        } else {
            String::new()
        }
    };
    let with_mods = |prefix: String, suffix: char| -> Vec<u8> {
        if mods_field.is_empty() {
            if prefix == "1" { csi(&suffix.to_string()) } else { csi(&format!("{prefix}{suffix}")) }
        } else {
            csi(&format!("{prefix};{mods_field}{suffix}"))
        }
    };
    let (code, suffix): (u32, char) = match input.key {
        Key::Up => return Some(with_mods("1".into(), 'A')),
        Key::Down => return Some(with_mods("1".into(), 'B')),
        Key::Right => return Some(with_mods("1".into(), 'C')),
        Key::Left => return Some(with_mods("1".into(), 'D')),
        Key::Home => return Some(with_mods("1".into(), 'H')),
        Key::End => return Some(with_mods("1".into(), 'F')),
        Key::Begin => return Some(with_mods("1".into(), 'E')),
        Key::F(1) => return Some(with_mods("1".into(), 'P')),
        Key::F(2) => return Some(with_mods("1".into(), 'Q')),
        Key::F(3) => (13, '~'),
        Key::F(4) => return Some(with_mods("1".into(), 'S')),
        Key::F(n @ 5..=12) => (f_tilde(n)? as u32, '~'),
        // F13–F24: kitty's private-use key codes.
        Key::F(n @ 13..=24) => (57376 + (n as u32 - 13), 'u'),
        Key::F(_) => return None,
        Key::Insert => (2, '~'),
        Key::Delete => (3, '~'),
        Key::PageUp => (5, '~'),
        Key::PageDown => (6, '~'),
        Key::Enter => (13, 'u'),
        Key::Tab => (9, 'u'),
        Key::Backspace => (127, 'u'),
        Key::Escape => (27, 'u'),
        Key::Keypad(k) => (
            match k {
                KeypadKey::Digit(d) => 57399 + d as u32,
                KeypadKey::Decimal => 57409,
                KeypadKey::Divide => 57410,
                KeypadKey::Multiply => 57411,
                KeypadKey::Subtract => 57412,
                KeypadKey::Add => 57413,
                KeypadKey::Enter => 57414,
                KeypadKey::Equal => 57415,
                // The kitty spec's KP_LEFT (57417) … KP_BEGIN (57427).
                KeypadKey::Nav(nav) => match nav {
                    NavKey::Left => 57417,
                    NavKey::Right => 57418,
                    NavKey::Up => 57419,
                    NavKey::Down => 57420,
                    NavKey::PageUp => 57421,
                    NavKey::PageDown => 57422,
                    NavKey::Home => 57423,
                    NavKey::End => 57424,
                    NavKey::Insert => 57425,
                    NavKey::Delete => 57426,
                    NavKey::Begin => 57427,
                },
            },
            'u',
        ),
        Key::Char(c) => (c.to_lowercase().next().unwrap_or(c) as u32, 'u'),
    };
    let mut key_field = code.to_string();
    if flags & KITTY_ALTERNATE != 0
        && let Key::Char(_) = input.key
        && m.shift
        && let Some(shifted) = input.text.as_deref().and_then(|t| t.chars().next())
        && shifted as u32 != code
    {
        key_field = format!("{code}:{}", shifted as u32);
    }
    let text_field = if flags & KITTY_TEXT != 0 && input.action != KeyAction::Release {
        input
            .text
            .as_deref()
            .filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
            .map(|t| t.chars().map(|c| (c as u32).to_string()).collect::<Vec<_>>().join(":"))
    } else {
        None
    };
    let mut body = key_field;
    match (&text_field, mods_field.is_empty()) {
        (Some(t), true) => body.push_str(&format!(";;{t}")),
        (Some(t), false) => body.push_str(&format!(";{mods_field};{t}")),
        (None, false) => body.push_str(&format!(";{mods_field}")),
        (None, true) => (),
    }
    body.push(suffix);
    Some(csi(&body))
}

/// What the mouse did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseButton {
    Left,
    Middle,
    Right,
    WheelUp,
    WheelDown,
    WheelLeft,
    WheelRight,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseAction {
    Press(MouseButton),
    Release(MouseButton),
    /// Motion with the button held, if any.
    Motion(Option<MouseButton>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseInput {
    pub action: MouseAction,
    /// 0-based cell.
    pub col: usize,
    pub line: usize,
    /// Pixels from the text area's corner (for SGR-pixels).
    pub px: (u32, u32),
    pub mods: Mods,
}

/// The report for a mouse event in the program's tracking mode and encoding, if any.
pub fn encode_mouse(
    input: &MouseInput,
    tracking: MouseTracking,
    encoding: MouseEncoding,
) -> Option<Vec<u8>> {
    let button_code = |b: MouseButton| -> u32 {
        match b {
            MouseButton::Left => 0,
            MouseButton::Middle => 1,
            MouseButton::Right => 2,
            MouseButton::WheelUp => 64,
            MouseButton::WheelDown => 65,
            MouseButton::WheelLeft => 66,
            MouseButton::WheelRight => 67,
        }
    };
    let wheel = |b: MouseButton| button_code(b) >= 64;
    let (mut code, release) = match (tracking, input.action) {
        (MouseTracking::None, _) => return None,
        (MouseTracking::X10, MouseAction::Press(b)) if !wheel(b) => (button_code(b), false),
        (MouseTracking::X10, _) => return None,
        (_, MouseAction::Press(b)) => (button_code(b), false),
        (_, MouseAction::Release(b)) if wheel(b) => return None,
        (_, MouseAction::Release(b)) => (button_code(b), true),
        (MouseTracking::ButtonMotion, MouseAction::Motion(Some(b))) => (button_code(b) + 32, false),
        (MouseTracking::AnyMotion, MouseAction::Motion(b)) => {
            (b.map_or(3, button_code) + 32, false)
        }
        (_, MouseAction::Motion(_)) => return None,
    };
    if tracking != MouseTracking::X10 {
        let m = input.mods;
        code += 4 * m.shift as u32 + 8 * m.alt as u32 + 16 * m.ctrl as u32;
    }
    let (x, y) = (input.col as u32 + 1, input.line as u32 + 1);
    match encoding {
        MouseEncoding::Sgr | MouseEncoding::SgrPixels => {
            let (x, y) = if encoding == MouseEncoding::SgrPixels {
                (input.px.0 + 1, input.px.1 + 1)
            } else {
                (x, y)
            };
            Some(csi(&format!("<{code};{x};{y}{}", if release { 'm' } else { 'M' })))
        }
        MouseEncoding::Urxvt => {
            let code = if release { 3 + (code & !3) } else { code };
            Some(csi(&format!("{};{x};{y}M", code + 32)))
        }
        MouseEncoding::X10 | MouseEncoding::Utf8 => {
            // Release is button 3 in the old encodings (which button is not said).
            let code = if release { 3 + (code & !3) } else { code };
            let mut out = b"\x1b[M".to_vec();
            if encoding == MouseEncoding::Utf8 {
                for v in [code + 32, x + 32, y + 32] {
                    let c = char::from_u32(v).filter(|_| v < 2048)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            } else {
                // Coordinates past 223 cannot be expressed: no report (xterm).
                if x + 32 > 255 || y + 32 > 255 {
                    return None;
                }
                out.extend([(code + 32) as u8, (x + 32) as u8, (y + 32) as u8]);
            }
            Some(out)
        }
    }
}

/// Bytes for a paste (see [`crate::paste`]: one rule for every paste path).
pub use crate::paste::paste_bytes;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: Key, mods: Mods, text: Option<&str>) -> KeyInput {
        KeyInput { key, mods, action: KeyAction::Press, text: text.map(Into::into) }
    }

    const NONE: Mods = Mods { shift: false, alt: false, ctrl: false, logo: false };
    const SHIFT: Mods = Mods { shift: true, alt: false, ctrl: false, logo: false };
    const CTRL: Mods = Mods { shift: false, alt: false, ctrl: true, logo: false };
    const ALT: Mods = Mods { shift: false, alt: true, ctrl: false, logo: false };
    const CTRL_SHIFT: Mods = Mods { shift: true, alt: false, ctrl: true, logo: false };

    fn modes() -> KeyModes {
        KeyModes { alt_esc: true, ..KeyModes::default() }
    }

    fn enc(k: KeyInput, m: KeyModes) -> String {
        String::from_utf8_lossy(&encode_key(&k, m).unwrap_or_default()).into_owned()
    }

    #[test]
    fn xterm_key_table() {
        let app = KeyModes { app_cursor: true, ..modes() };
        let table: Vec<(KeyInput, KeyModes, &str)> = vec![
            (key(Key::Char('a'), NONE, Some("a")), modes(), "a"),
            (key(Key::Char('a'), SHIFT, Some("A")), modes(), "A"),
            (key(Key::Char('a'), CTRL, None), modes(), "\x01"),
            (key(Key::Char('a'), ALT, Some("a")), modes(), "\x1ba"),
            (key(Key::Char('['), CTRL, None), modes(), "\x1b"),
            (key(Key::Char(' '), CTRL, None), modes(), "\0"),
            (key(Key::Char('/'), CTRL, None), modes(), "\x1f"),
            (
                key(Key::Char('a'), Mods { alt: true, ctrl: true, ..NONE }, None),
                modes(),
                "\x1b\x01",
            ),
            (key(Key::Enter, NONE, None), modes(), "\r"),
            (key(Key::Enter, ALT, None), modes(), "\x1b\r"),
            (key(Key::Tab, SHIFT, None), modes(), "\x1b[Z"),
            (key(Key::Backspace, NONE, None), modes(), "\x7f"),
            (key(Key::Backspace, CTRL, None), modes(), "\x08"),
            (key(Key::Escape, NONE, None), modes(), "\x1b"),
            (key(Key::Up, NONE, None), modes(), "\x1b[A"),
            (key(Key::Up, NONE, None), app, "\x1bOA"),
            (key(Key::Up, SHIFT, None), app, "\x1b[1;2A"),
            (key(Key::Left, CTRL, None), modes(), "\x1b[1;5D"),
            (key(Key::Right, Mods { alt: true, ..NONE }, None), modes(), "\x1b[1;3C"),
            (key(Key::Home, NONE, None), modes(), "\x1b[H"),
            (key(Key::End, NONE, None), app, "\x1bOF"),
            (key(Key::End, CTRL_SHIFT, None), modes(), "\x1b[1;6F"),
            (key(Key::Insert, NONE, None), modes(), "\x1b[2~"),
            (key(Key::Delete, SHIFT, None), modes(), "\x1b[3;2~"),
            (key(Key::PageUp, NONE, None), modes(), "\x1b[5~"),
            (key(Key::PageDown, CTRL, None), modes(), "\x1b[6;5~"),
            (key(Key::F(1), NONE, None), modes(), "\x1bOP"),
            (key(Key::F(4), SHIFT, None), modes(), "\x1b[1;2S"),
            (key(Key::F(5), NONE, None), modes(), "\x1b[15~"),
            (key(Key::F(12), CTRL, None), modes(), "\x1b[24;5~"),
            (key(Key::F(13), NONE, None), modes(), "\x1b[1;2P"),
            (key(Key::F(24), NONE, None), modes(), "\x1b[24;2~"),
            (key(Key::Keypad(KeypadKey::Digit(5)), NONE, Some("5")), modes(), "5"),
            (
                key(Key::Keypad(KeypadKey::Digit(5)), NONE, Some("5")),
                KeyModes { app_keypad: true, ..modes() },
                "\x1bOu",
            ),
            (
                key(Key::Keypad(KeypadKey::Enter), NONE, None),
                KeyModes { app_keypad: true, ..modes() },
                "\x1bOM",
            ),
            (
                key(Key::Char('a'), CTRL, Some("a")),
                KeyModes { modify_other_keys: 2, ..modes() },
                "\x1b[27;5;97~",
            ),
            (key(Key::Backspace, NONE, None), KeyModes { backarrow_bs: true, ..modes() }, "\x08"),
            (key(Key::Delete, NONE, None), KeyModes { delete_is_del: true, ..modes() }, "\x7f"),
            (
                key(Key::Delete, SHIFT, None),
                KeyModes { delete_is_del: true, ..modes() },
                "\x1b[3;2~",
            ),
        ];
        for (k, m, want) in table {
            assert_eq!(enc(k.clone(), m), want, "{k:?} {m:?}");
        }
        let release =
            KeyInput { action: KeyAction::Release, ..key(Key::Char('a'), NONE, Some("a")) };
        assert_eq!(encode_key(&release, modes()), None);
    }

    /// xterm 379's bytes for Ctrl/Shift/Alt with characters, Enter, Tab, Backspace and Escape
    /// at modifyOtherKeys 0, 1 and 2, recorded key by key under Xvfb (xdotool into a raw-mode
    /// logger, `metaSendsEscape: true`). `text` is what the layout gives with Shift applied.
    #[test]
    fn xterm_modify_other_keys_table() {
        const CA: Mods = Mods { alt: true, ctrl: true, ..NONE };
        const SA: Mods = Mods { alt: true, shift: true, ..NONE };
        #[rustfmt::skip]
        let table: &[(Key, Mods, Option<&str>, [&str; 3])] = &[
            (Key::Char('`'), CTRL, Some("`"), ["\0", "\0", "\x1b[27;5;96~"]),
            (Key::Char('1'), CTRL, Some("1"), ["1", "\x1b[27;5;49~", "\x1b[27;5;49~"]),
            (Key::Char('9'), CTRL, Some("9"), ["9", "\x1b[27;5;57~", "\x1b[27;5;57~"]),
            (Key::Char('0'), CTRL, Some("0"), ["0", "\x1b[27;5;48~", "\x1b[27;5;48~"]),
            (Key::Char(';'), CTRL, Some(";"), [";", "\x1b[27;5;59~", "\x1b[27;5;59~"]),
            (Key::Char('\''), CTRL, Some("'"), ["'", "\x1b[27;5;39~", "\x1b[27;5;39~"]),
            (Key::Char(','), CTRL, Some(","), [",", "\x1b[27;5;44~", "\x1b[27;5;44~"]),
            (Key::Char('.'), CTRL, Some("."), [".", "\x1b[27;5;46~", "\x1b[27;5;46~"]),
            (Key::Char('-'), CTRL, Some("-"), ["-", "\x1b[27;5;45~", "\x1b[27;5;45~"]),
            (Key::Char('='), CTRL, Some("="), ["=", "\x1b[27;5;61~", "\x1b[27;5;61~"]),
            (Key::Char('2'), CTRL, Some("2"), ["\0", "\0", "\x1b[27;5;50~"]),
            (Key::Char('/'), CTRL, Some("/"), ["\x1f", "\x1f", "\x1b[27;5;47~"]),
            (Key::Char('['), CTRL, Some("["), ["\x1b", "\x1b", "\x1b[27;5;91~"]),
            (Key::Char('1'), CTRL_SHIFT, Some("!"), ["!", "\x1b[27;6;33~", "\x1b[27;6;33~"]),
            (Key::Char('a'), CTRL, Some("a"), ["\x01", "\x01", "\x1b[27;5;97~"]),
            (Key::Char('a'), CTRL_SHIFT, Some("A"), ["\x01", "\x01", "\x1b[27;6;65~"]),
            (Key::Char('a'), ALT, Some("a"), ["\x1ba", "\x1ba", "\x1b[27;3;97~"]),
            (Key::Char('a'), CA, Some("a"), ["\x1b\x01", "\x1b\x01", "\x1b[27;7;97~"]),
            (Key::Char('a'), SHIFT, Some("A"), ["A", "A", "\x1b[27;2;65~"]),
            (Key::Char('i'), CTRL, Some("i"), ["\t", "\t", "\x1b[27;5;105~"]),
            (Key::Char('m'), CTRL, Some("m"), ["\r", "\r", "\x1b[27;5;109~"]),
            (Key::Char(' '), SHIFT, Some(" "), [" ", " ", "\x1b[27;2;32~"]),
            (Key::Char(' '), CTRL, Some(" "), ["\0", "\0", "\x1b[27;5;32~"]),
            (Key::Char(' '), ALT, Some(" "), ["\x1b ", "\x1b ", "\x1b[27;3;32~"]),
            (Key::Char(' '), CTRL_SHIFT, Some(" "), ["\0", "\0", "\x1b[27;6;32~"]),
            (Key::Enter, CTRL, None, ["\r", "\x1b[27;5;13~", "\x1b[27;5;13~"]),
            (Key::Enter, SHIFT, None, ["\r", "\x1b[27;2;13~", "\x1b[27;2;13~"]),
            (Key::Enter, CTRL_SHIFT, None, ["\r", "\x1b[27;6;13~", "\x1b[27;6;13~"]),
            (Key::Tab, CTRL, None, ["\t", "\x1b[27;5;9~", "\x1b[27;5;9~"]),
            (Key::Tab, CTRL_SHIFT, None, ["\x1b[Z", "\x1b[Z", "\x1b[27;6;9~"]),
            (Key::Tab, ALT, None, ["\x1b\t", "\x1b\t", "\x1b[27;3;9~"]),
            (Key::Backspace, CTRL, None, ["\x08", "\x08", "\x08"]),
            (Key::Backspace, SHIFT, None, ["\x7f", "\x7f", "\x1b[27;2;127~"]),
            (Key::Backspace, ALT, None, ["\x1b\x7f", "\x1b\x7f", "\x1b[27;3;127~"]),
            (Key::Escape, CTRL, None, ["\x1b", "\x1b", "\x1b[27;5;27~"]),
            (Key::Escape, SHIFT, None, ["\x1b", "\x1b", "\x1b[27;2;27~"]),
            (Key::Keypad(KeypadKey::Add), CTRL, Some("+"), ["+", "+", "+"]),
            // Not recorded (xterm binds Alt+Return to full screen): Alt alone stays legacy.
            (Key::Enter, ALT, None, ["\x1b\r", "\x1b\r", "\x1b[27;3;13~"]),
            (Key::Char('1'), SA, Some("!"), ["\x1b!", "\x1b!", "\x1b[27;4;33~"]),
        ];
        let mut wrong = Vec::new();
        for &(k, m, text, want) in table {
            for (level, want) in want.iter().enumerate() {
                let modes = KeyModes { modify_other_keys: level as u16, ..modes() };
                let got = enc(key(k, m, text), modes);
                if got != *want {
                    wrong.push(format!("{k:?} {m:?} level {level}: {got:?}, want {want:?}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // formatOtherKeys 1 (recorded the same way): the same reports as CSI u.
        let csi_u = KeyModes { modify_other_keys: 2, format_other_keys: true, ..modes() };
        assert_eq!(enc(key(Key::Enter, CTRL_SHIFT, None), csi_u), "\x1b[13;6u");
        assert_eq!(enc(key(Key::Char('1'), CTRL, Some("1")), csi_u), "\x1b[49;5u");
        assert_eq!(enc(key(Key::Char('a'), ALT, Some("a")), csi_u), "\x1b[97;3u");
        let level1 = KeyModes { modify_other_keys: 1, ..csi_u };
        assert_eq!(enc(key(Key::Char('a'), CTRL, Some("a")), level1), "\x01");
    }

    /// The keypad with NumLock off reaches the encoder as the cursor and editing keys; xterm
    /// 379 (recorded under Xvfb) sends the same bytes in normal and application keypad modes,
    /// and `KP_Begin` is `CSI E` / `SS3 E` by DECCKM.
    #[test]
    fn keypad_cursor_keys_with_numlock_off() {
        let kp = KeyModes { app_keypad: true, ..modes() };
        let ckm = KeyModes { app_cursor: true, ..kp };
        assert_eq!(enc(key(Key::Begin, NONE, None), modes()), "\x1b[E");
        assert_eq!(enc(key(Key::Begin, NONE, None), kp), "\x1b[E");
        assert_eq!(enc(key(Key::Begin, NONE, None), ckm), "\x1bOE");
        assert_eq!(enc(key(Key::Begin, SHIFT, None), ckm), "\x1b[1;2E");
        assert_eq!(enc(key(Key::Begin, NONE, None), KeyModes { kitty: 1, ..modes() }), "\x1b[E");
        // The keypad's own keys: main-key bytes in every legacy mode (xterm 379).
        let nav = |k| Key::Keypad(KeypadKey::Nav(NavKey::from_main(k).unwrap()));
        #[rustfmt::skip]
        let table: &[(Key, Mods, &str, &str, u32)] = &[
            // key, mods, normal and DECKPAM, DECKPAM+DECCKM, kitty code
            (Key::Up, NONE, "\x1b[A", "\x1bOA", 57419),
            (Key::Down, NONE, "\x1b[B", "\x1bOB", 57420),
            (Key::Left, NONE, "\x1b[D", "\x1bOD", 57417),
            (Key::Right, NONE, "\x1b[C", "\x1bOC", 57418),
            (Key::Home, NONE, "\x1b[H", "\x1bOH", 57423),
            (Key::End, NONE, "\x1b[F", "\x1bOF", 57424),
            (Key::PageUp, NONE, "\x1b[5~", "\x1b[5~", 57421),
            (Key::PageDown, NONE, "\x1b[6~", "\x1b[6~", 57422),
            (Key::Insert, NONE, "\x1b[2~", "\x1b[2~", 57425),
            (Key::Delete, NONE, "\x1b[3~", "\x1b[3~", 57426),
            (Key::Begin, NONE, "\x1b[E", "\x1bOE", 57427),
            (Key::Up, SHIFT, "\x1b[1;2A", "\x1b[1;2A", 57419),
            (Key::Up, CTRL, "\x1b[1;5A", "\x1b[1;5A", 57419),
            (Key::Delete, CTRL, "\x1b[3;5~", "\x1b[3;5~", 57426),
        ];
        for &(k, m, plain, app, code) in table {
            assert_eq!(enc(key(nav(k), m, None), modes()), plain, "{k:?} {m:?}");
            assert_eq!(enc(key(nav(k), m, None), kp), plain, "{k:?} {m:?} DECKPAM");
            assert_eq!(enc(key(nav(k), m, None), ckm), app, "{k:?} {m:?} DECCKM");
            // kitty: with "disambiguate", the keypad's codes from the spec's table.
            let p = m.param();
            let want = if p > 1 { format!("\x1b[{code};{p}u") } else { format!("\x1b[{code}u") };
            assert_eq!(enc(key(nav(k), m, None), KeyModes { kitty: 1, ..modes() }), want);
        }
    }

    #[test]
    fn kitty_protocol() {
        let k = |flags| KeyModes { kitty: flags, ..modes() };
        // Disambiguate: plain text stays text, modified keys and Esc become CSI u.
        assert_eq!(enc(key(Key::Char('a'), NONE, Some("a")), k(1)), "a");
        assert_eq!(enc(key(Key::Char('a'), CTRL, None), k(1)), "\x1b[97;5u");
        assert_eq!(enc(key(Key::Char('a'), ALT, Some("a")), k(1)), "\x1b[97;3u");
        assert_eq!(enc(key(Key::Escape, NONE, None), k(1)), "\x1b[27u");
        assert_eq!(enc(key(Key::Enter, NONE, None), k(1)), "\r");
        assert_eq!(enc(key(Key::Enter, SHIFT, None), k(1)), "\x1b[13;2u");
        assert_eq!(enc(key(Key::Up, NONE, None), k(1)), "\x1b[A");
        assert_eq!(enc(key(Key::Up, CTRL, None), k(1)), "\x1b[1;5A");
        assert_eq!(enc(key(Key::F(3), NONE, None), k(1)), "\x1b[13~");
        assert_eq!(enc(key(Key::Delete, NONE, None), k(1)), "\x1b[3~");
        // Event types: repeats and releases are reported.
        let repeat = KeyInput { action: KeyAction::Repeat, ..key(Key::Char('a'), CTRL, None) };
        assert_eq!(enc(repeat, k(1 | 2)), "\x1b[97;5:2u");
        let release =
            KeyInput { action: KeyAction::Release, ..key(Key::Char('a'), NONE, Some("a")) };
        assert_eq!(enc(release.clone(), k(1 | 2)), "\x1b[97;1:3u");
        assert_eq!(encode_key(&release, k(1)), None);
        // Enter, Tab and Backspace: release only with "report all keys as escape codes".
        for (kk, code) in [(Key::Enter, 13), (Key::Tab, 9), (Key::Backspace, 127)] {
            for mods in [NONE, SHIFT] {
                let up = KeyInput { action: KeyAction::Release, ..key(kk, mods, None) };
                assert_eq!(encode_key(&up, k(1 | 2)), None, "{kk:?} {mods:?}");
                let p = if mods == NONE { 1 } else { 2 };
                assert_eq!(enc(up, k(1 | 2 | 8)), format!("\x1b[{code};{p}:3u"));
            }
            let repeat = KeyInput { action: KeyAction::Repeat, ..key(kk, NONE, None) };
            assert_ne!(enc(repeat.clone(), k(1 | 2)), "", "{kk:?} repeats still type");
            assert_eq!(enc(repeat, k(1 | 2 | 8)), format!("\x1b[{code};1:2u"));
        }
        // All keys as escape codes, with alternate keys and text.
        assert_eq!(enc(key(Key::Char('a'), NONE, Some("a")), k(8)), "\x1b[97u");
        assert_eq!(enc(key(Key::Char('a'), SHIFT, Some("A")), k(8 | 4)), "\x1b[97:65;2u");
        assert_eq!(enc(key(Key::Char('a'), NONE, Some("a")), k(8 | 16)), "\x1b[97;;97u");
        assert_eq!(
            enc(key(Key::Keypad(KeypadKey::Digit(1)), NONE, Some("1")), k(8)),
            "\x1b[57400u"
        );
    }

    #[test]
    fn mouse_reports() {
        let m = |action, col, line| MouseInput { action, col, line, px: (15, 33), mods: NONE };
        let press = m(MouseAction::Press(MouseButton::Left), 4, 2);
        let release = m(MouseAction::Release(MouseButton::Left), 4, 2);
        use MouseEncoding as E;
        use MouseTracking as T;
        let s = |t, e, i: &MouseInput| {
            encode_mouse(i, t, e).map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        assert_eq!(s(T::None, E::Sgr, &press), None);
        assert_eq!(s(T::X10, E::X10, &press).as_deref(), Some("\x1b[M %#"));
        assert_eq!(s(T::X10, E::X10, &release), None);
        assert_eq!(s(T::Normal, E::X10, &release).as_deref(), Some("\x1b[M#%#"));
        assert_eq!(s(T::Normal, E::Sgr, &press).as_deref(), Some("\x1b[<0;5;3M"));
        assert_eq!(s(T::Normal, E::Sgr, &release).as_deref(), Some("\x1b[<0;5;3m"));
        assert_eq!(s(T::Normal, E::Urxvt, &press).as_deref(), Some("\x1b[32;5;3M"));
        assert_eq!(s(T::Normal, E::SgrPixels, &press).as_deref(), Some("\x1b[<0;16;34M"));
        let wheel = m(MouseAction::Press(MouseButton::WheelDown), 0, 0);
        assert_eq!(s(T::Normal, E::Sgr, &wheel).as_deref(), Some("\x1b[<65;1;1M"));
        let drag = m(MouseAction::Motion(Some(MouseButton::Left)), 1, 1);
        assert_eq!(s(T::Normal, E::Sgr, &drag), None);
        assert_eq!(s(T::ButtonMotion, E::Sgr, &drag).as_deref(), Some("\x1b[<32;2;2M"));
        let hover = m(MouseAction::Motion(None), 1, 1);
        assert_eq!(s(T::ButtonMotion, E::Sgr, &hover), None);
        assert_eq!(s(T::AnyMotion, E::Sgr, &hover).as_deref(), Some("\x1b[<35;2;2M"));
        let ctrl = MouseInput { mods: CTRL, ..press };
        assert_eq!(s(T::Normal, E::Sgr, &ctrl).as_deref(), Some("\x1b[<16;5;3M"));
        // Far columns: none in X10 bytes, UTF-8 encoded with 1005.
        let far = m(MouseAction::Press(MouseButton::Left), 300, 0);
        assert_eq!(s(T::Normal, E::X10, &far), None);
        assert_eq!(s(T::Normal, E::Utf8, &far).map(|v| v.chars().count()), Some(6));
    }
}
