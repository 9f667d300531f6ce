//! What a paste sends to the program: the one place every paste path (the clipboard, the
//! primary selection, `uvterm msg paste`) turns text into bytes, so they cannot differ.
//! Owns only the text-to-bytes rule; it does not read clipboards or touch tabs.
//!
//! Pasted text must arrive as *text*: a control character in it would act instead of being
//! seen. A pasted BS or DEL is applied by the kernel's line discipline as an erase, so what
//! runs is not what was shown (Ghostty's CVE-2026-26982 is this class); ^D ends input, ^C,
//! ^Z and ^\ signal, ESC could end a bracketed paste (`ESC [ 201 ~`) and send sequences of
//! its own. xterm replaces such characters with spaces (its `disallowedPasteControls`); we do
//! the same for every C0 control and DEL except TAB, LF and CR, which are text.

/// The text with its controls defused: ESC and the C1 controls (U+0080–U+009F, which a
/// terminal may read as `CSI`/`OSC` introducers) are removed, every other C0 control and DEL
/// becomes a space, TAB stays, and line ends (`\r\n`, `\n`, `\r`) become CR as a keyboard's
/// Enter would send.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' | '\u{80}'..='\u{9f}' => (),
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                out.push('\r');
            }
            '\r' | '\n' => out.push('\r'),
            '\t' => out.push('\t'),
            '\0'..='\x1f' | '\x7f' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The bytes for a paste of `text`: [`sanitize`]d, and between `ESC [ 200 ~` and
/// `ESC [ 201 ~` when the program set bracketed paste (DECSET 2004).
pub fn paste_bytes(text: &str, bracketed: bool) -> Vec<u8> {
    let clean = sanitize(text);
    let mut out = Vec::with_capacity(clean.len() + 12);
    if bracketed {
        out.extend_from_slice(b"\x1b[200~");
    }
    out.extend_from_slice(clean.as_bytes());
    if bracketed {
        out.extend_from_slice(b"\x1b[201~");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_but_tab_and_line_ends_becomes_a_space() {
        // NUL, EOT (^D), ENQ (^E), BS, DEL: the faults reported; then the whole C0 range.
        assert_eq!(paste_bytes("a\0b\x04c\x05d\x08e\x7ff", false), b"a b c d e f");
        assert_eq!(
            paste_bytes("echo hi\x08\x08\x08\x08\x08\x08\x08rm -rf x\n", true),
            b"\x1b[200~echo hi       rm -rf x\r\x1b[201~"
        );
        for c in (0u8..0x20).chain([0x7f]) {
            let got = sanitize(&format!("<{}>", c as char));
            let want = match c {
                b'\t' => "<\t>",
                b'\n' | b'\r' => "<\r>",
                0x1b => "<>",
                _ => "< >",
            };
            assert_eq!(got, want, "control {c:#04x}");
        }
        assert_eq!(sanitize("a\r\nb\rc\nd"), "a\rb\rc\rd");
    }

    #[test]
    fn escapes_and_c1_cannot_end_the_bracket() {
        assert_eq!(paste_bytes("a\nb", false), b"a\rb");
        assert_eq!(
            paste_bytes("x\x1b[201~rm -rf ~\n", true),
            b"\x1b[200~x[201~rm -rf ~\r\x1b[201~"
        );
        assert_eq!(paste_bytes("c1\u{9b}31m", false), b"c131m");
        assert_eq!(paste_bytes("ünï中\t文", false), "ünï中\t文".as_bytes());
    }
}
