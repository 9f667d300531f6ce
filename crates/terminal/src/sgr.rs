//! SGR (Select Graphic Rendition): parameter groups to style changes, and back (for DECRQSS).
//!
//! Both the `;` form (`38;2;R;G;B`, `38;5;N`) and the ITU `:` form (`38:2::R:G:B`,
//! `38:2:R:G:B`, `38:5:N`, `4:3`) are understood.

use std::fmt::Write;

use super::style::{Attrs, Color, ColorKind, Style, Underline};

/// Parameter groups as SGR reads them: by index.
pub trait SgrParams {
    fn count(&self) -> usize;
    fn group(&self, i: usize) -> &[u16];
}

impl SgrParams for [&[u16]] {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn group(&self, i: usize) -> &[u16] {
        self.get(i).copied().unwrap_or(&[])
    }
}

impl SgrParams for super::parser::CsiParams {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn group(&self, i: usize) -> &[u16] {
        super::parser::CsiParams::group(self, i)
    }
}

/// Apply SGR parameters as parsed, with the commonest single-parameter forms first.
#[inline]
pub fn apply_params(style: &mut Style, params: &super::parser::CsiParams) {
    if params.len() == 1 {
        let g = params.group(0);
        if g.len() == 1 {
            match g[0] {
                0 => return reset(style),
                30..=37 => return style.fg = Color::indexed((g[0] - 30) as u8),
                39 => return style.fg = Color::DEFAULT,
                40..=47 => return style.bg = Color::indexed((g[0] - 40) as u8),
                49 => return style.bg = Color::DEFAULT,
                _ => (),
            }
        }
    }
    apply(style, params);
}

/// Apply SGR parameter groups to `style`. An empty list means SGR 0.
#[inline]
pub fn apply<P: SgrParams + ?Sized>(style: &mut Style, params: &P) {
    let n = params.count();
    if n == 0 {
        reset(style);
        return;
    }
    let mut i = 0;
    while i < n {
        let group = params.group(i);
        let p = group.first().copied().unwrap_or(0);
        match p {
            0 => reset(style),
            1 => style.attrs.insert(Attrs::BOLD),
            2 => style.attrs.insert(Attrs::DIM),
            3 => style.attrs.insert(Attrs::ITALIC),
            4 => {
                style.underline = match group.get(1) {
                    None => Underline::Single,
                    Some(0) => Underline::None,
                    Some(1) => Underline::Single,
                    Some(2) => Underline::Double,
                    Some(3) => Underline::Curly,
                    Some(4) => Underline::Dotted,
                    Some(5) => Underline::Dashed,
                    Some(_) => style.underline,
                }
            }
            5 => style.attrs.insert(Attrs::BLINK),
            6 => style.attrs.insert(Attrs::RAPID_BLINK),
            7 => style.attrs.insert(Attrs::INVERSE),
            8 => style.attrs.insert(Attrs::HIDDEN),
            9 => style.attrs.insert(Attrs::STRIKE),
            21 => style.underline = Underline::Double,
            22 => style.attrs.remove(Attrs::BOLD | Attrs::DIM),
            23 => style.attrs.remove(Attrs::ITALIC),
            24 => style.underline = Underline::None,
            25 => style.attrs.remove(Attrs::BLINK | Attrs::RAPID_BLINK),
            27 => style.attrs.remove(Attrs::INVERSE),
            28 => style.attrs.remove(Attrs::HIDDEN),
            29 => style.attrs.remove(Attrs::STRIKE),
            30..=37 => style.fg = Color::indexed((p - 30) as u8),
            38 => {
                if let Some(c) = extended_color(params, &mut i) {
                    style.fg = c;
                }
            }
            39 => style.fg = Color::DEFAULT,
            40..=47 => style.bg = Color::indexed((p - 40) as u8),
            48 => {
                if let Some(c) = extended_color(params, &mut i) {
                    style.bg = c;
                }
            }
            49 => style.bg = Color::DEFAULT,
            53 => style.attrs.insert(Attrs::OVERLINE),
            55 => style.attrs.remove(Attrs::OVERLINE),
            58 => {
                if let Some(c) = extended_color(params, &mut i) {
                    style.underline_color = c;
                }
            }
            59 => style.underline_color = Color::DEFAULT,
            90..=97 => style.fg = Color::indexed((p - 90 + 8) as u8),
            100..=107 => style.bg = Color::indexed((p - 100 + 8) as u8),
            _ => (),
        }
        i += 1;
    }
}

/// SGR 0: everything but the hyperlink and DECSCA protection (which are not SGR state).
fn reset(style: &mut Style) {
    let protected = style.attrs & Attrs::PROTECTED;
    *style = Style { link: style.link, attrs: protected, ..Style::default() };
}

/// Parse the colour after 38/48/58 at group `*i`: in the group itself (`:` form) or in the
/// parameters that follow (`;` form, which `*i` then skips).
#[inline]
fn extended_color<P: SgrParams + ?Sized>(params: &P, i: &mut usize) -> Option<Color> {
    let group = params.group(*i);
    if group.len() > 1 {
        // Colon form: everything is in this group.
        return match group[1] {
            5 => group.get(2).and_then(|&n| u8::try_from(n).ok()).map(Color::indexed),
            2 => {
                let rgb = match group.len() {
                    n if n >= 6 => &group[3..6],
                    5 => &group[2..5],
                    _ => return None,
                };
                rgb_from(rgb)
            }
            _ => None,
        };
    }
    let n = params.count();
    let first = |k: usize| params.group(k).first().copied();
    match first(*i + 1) {
        Some(5) => {
            let v = first(*i + 2);
            *i = (*i + 2).min(n - 1);
            v.and_then(|v| u8::try_from(v).ok()).map(Color::indexed)
        }
        Some(2) => {
            let (r, g, b) = (first(*i + 2), first(*i + 3), first(*i + 4));
            *i = (*i + 4).min(n - 1);
            rgb_from(&[r?, g?, b?])
        }
        _ => {
            *i = (*i + 1).min(n - 1);
            None
        }
    }
}

fn rgb_from(v: &[u16]) -> Option<Color> {
    let c = |x: u16| u8::try_from(x).ok();
    Some(Color::rgb(c(v[0])?, c(v[1])?, c(v[2])?))
}

/// The SGR parameters that recreate `style` from a reset (as DECRQSS reports them): always
/// starts with `0`.
pub fn describe(style: &Style) -> String {
    // In xterm's order: bold, underline, blink, inverse, invisible, faint, italic, crossed
    // out, double underline (then what xterm lacks: rapid blink, overline).
    let mut out = String::from("0");
    let a = style.attrs;
    let mut push = |on: bool, code: &str| {
        if on {
            out.push(';');
            out.push_str(code);
        }
    };
    push(a.contains(Attrs::BOLD), "1");
    match style.underline {
        Underline::None | Underline::Double => (),
        Underline::Single => push(true, "4"),
        Underline::Curly => push(true, "4:3"),
        Underline::Dotted => push(true, "4:4"),
        Underline::Dashed => push(true, "4:5"),
    }
    push(a.contains(Attrs::BLINK), "5");
    push(a.contains(Attrs::INVERSE), "7");
    push(a.contains(Attrs::HIDDEN), "8");
    push(a.contains(Attrs::DIM), "2");
    push(a.contains(Attrs::ITALIC), "3");
    push(a.contains(Attrs::STRIKE), "9");
    push(style.underline == Underline::Double, "21");
    push(a.contains(Attrs::RAPID_BLINK), "6");
    push(a.contains(Attrs::OVERLINE), "53");
    describe_color(&mut out, style.fg, 30, 90, 38);
    describe_color(&mut out, style.bg, 40, 100, 48);
    match style.underline_color.kind() {
        ColorKind::Default => (),
        ColorKind::Indexed(n) => {
            let _ = write!(out, ";58:5:{n}");
        }
        ColorKind::Rgb(c) => {
            let _ = write!(out, ";58:2::{}:{}:{}", c.r, c.g, c.b);
        }
    }
    out
}

fn describe_color(out: &mut String, color: Color, base: u16, bright: u16, ext: u16) {
    match color.kind() {
        ColorKind::Default => (),
        ColorKind::Indexed(n @ 0..=7) => {
            let _ = write!(out, ";{}", base + n as u16);
        }
        ColorKind::Indexed(n @ 8..=15) => {
            let _ = write!(out, ";{}", bright + n as u16 - 8);
        }
        ColorKind::Indexed(n) => {
            let _ = write!(out, ";{ext}:5:{n}");
        }
        ColorKind::Rgb(c) => {
            let _ = write!(out, ";{ext}:2::{}:{}:{}", c.r, c.g, c.b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sgr(groups: &[&[u16]]) -> Style {
        let mut s = Style::default();
        apply(&mut s, groups);
        s
    }

    #[test]
    fn semicolon_and_colon_truecolor_agree() {
        let a = sgr(&[&[38], &[2], &[10], &[20], &[30]]);
        let b = sgr(&[&[38, 2, 0, 10, 20, 30]]);
        let c = sgr(&[&[38, 2, 10, 20, 30]]);
        assert_eq!(a.fg, Color::rgb(10, 20, 30));
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn indexed_both_forms_and_following_params_still_apply() {
        let s = sgr(&[&[48], &[5], &[200], &[1]]);
        assert_eq!(s.bg, Color::indexed(200));
        assert!(s.attrs.contains(Attrs::BOLD));
        let s = sgr(&[&[48, 5, 200], &[3]]);
        assert_eq!(s.bg, Color::indexed(200));
        assert!(s.attrs.contains(Attrs::ITALIC));
    }

    #[test]
    fn underline_styles_and_color() {
        assert_eq!(sgr(&[&[4, 3]]).underline, Underline::Curly);
        assert_eq!(sgr(&[&[4, 5]]).underline, Underline::Dashed);
        assert_eq!(sgr(&[&[4], &[24]]).underline, Underline::None);
        assert_eq!(sgr(&[&[21]]).underline, Underline::Double);
        let s = sgr(&[&[58, 2, 0, 1, 2, 3]]);
        assert_eq!(s.underline_color, Color::rgb(1, 2, 3));
        assert_eq!(sgr(&[&[58, 5, 9], &[59]]).underline_color, Color::DEFAULT);
    }

    #[test]
    fn truncated_and_out_of_range_colours_are_ignored() {
        assert_eq!(sgr(&[&[38], &[2], &[1]]).fg, Color::DEFAULT);
        assert_eq!(sgr(&[&[38], &[5], &[300]]).fg, Color::DEFAULT);
        assert_eq!(sgr(&[&[38]]).fg, Color::DEFAULT);
        assert_eq!(sgr(&[&[38, 2, 0, 999, 0, 0]]).fg, Color::DEFAULT);
    }

    #[test]
    fn describe_round_trips() {
        let s = sgr(&[&[1], &[4, 3], &[38, 5, 123], &[41], &[58, 2, 0, 1, 2, 3], &[53]]);
        let text = describe(&s);
        let groups: Vec<Vec<u16>> = text
            .split(';')
            .map(|g| g.split(':').map(|v| v.parse().unwrap_or(0)).collect())
            .collect();
        let refs: Vec<&[u16]> = groups.iter().map(|g| g.as_slice()).collect();
        assert_eq!(sgr(&refs), s);
    }
}
