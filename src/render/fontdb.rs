//! Finding font files with fontconfig: the file of a family in a style (FcFontMatch), and
//! the fallback order for characters that family lacks (FcFontSort, with each font's
//! charset), as kitty and Alacritty ask fontconfig. Owns the fontconfig patterns it gets and
//! frees them; knows nothing of shaping or rasterizing (see [`super::fonts`]).
//!
//! The only `unsafe` here is the fontconfig FFI, each call with a `// SAFETY:` line.

use std::ffi::{CStr, CString, c_char, c_int};
use std::path::PathBuf;
use std::ptr::NonNull;

use fontconfig_sys as fc;
use fontconfig_sys::constants::{
    FC_CHARSET, FC_COLOR, FC_FAMILY, FC_FILE, FC_INDEX, FC_SLANT, FC_WEIGHT,
};

/// fontconfig's weight for "semibold": at or above it a face counts as bold.
const WEIGHT_BOLDISH: c_int = 180;
const WEIGHT_BOLD: c_int = 200;
const WEIGHT_REGULAR: c_int = 80;
const SLANT_ITALIC: c_int = 100;

/// A font file fontconfig chose, and what it says the face is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFile {
    pub path: PathBuf,
    /// The face inside a collection (`.ttc`), 0 otherwise.
    pub index: u32,
    /// The face is bold (fontconfig weight ≥ semibold).
    pub bold: bool,
    /// fontconfig says the face is italic or oblique (its 90-synthetic.conf says so of a
    /// roman face matched for italic too: [`super::fonts`] asks the font itself).
    pub italic: bool,
    /// The font has colour glyphs (emoji).
    pub color: bool,
    /// The family name fontconfig reports, for messages.
    pub family: String,
}

/// An owned fontconfig pattern, destroyed on drop.
struct Pattern(NonNull<fc::FcPattern>);

impl Pattern {
    /// A pattern for `family` (fontconfig's name syntax is not parsed: the family is taken
    /// literally), bold and/or italic, after the configuration's and the default
    /// substitutions (what `fc-match` does).
    fn query(family: &str, bold: bool, italic: bool) -> Option<Pattern> {
        let family = CString::new(family).ok()?;
        // SAFETY: FcPatternCreate has no preconditions; a null result is checked.
        let p = Pattern(NonNull::new(unsafe { fc::FcPatternCreate() })?);
        let weight = if bold { WEIGHT_BOLD } else { WEIGHT_REGULAR };
        let slant = if italic { SLANT_ITALIC } else { 0 };
        // SAFETY: p is a live pattern; the strings are NUL-terminated and outlive the
        // calls (fontconfig copies them).
        unsafe {
            fc::FcPatternAddString(p.0.as_ptr(), FC_FAMILY.as_ptr(), family.as_ptr().cast());
            fc::FcPatternAddInteger(p.0.as_ptr(), FC_WEIGHT.as_ptr(), weight);
            fc::FcPatternAddInteger(p.0.as_ptr(), FC_SLANT.as_ptr(), slant);
            fc::FcConfigSubstitute(std::ptr::null_mut(), p.0.as_ptr(), fc::FcMatchPattern);
            fc::FcDefaultSubstitute(p.0.as_ptr());
        }
        Some(p)
    }
}

impl Drop for Pattern {
    fn drop(&mut self) {
        // SAFETY: the pattern is owned by this value and destroyed once.
        unsafe { fc::FcPatternDestroy(self.0.as_ptr()) }
    }
}

/// Read the facts of a matched pattern (`p` must be a live pattern).
fn file_of(p: *mut fc::FcPattern) -> Option<FontFile> {
    let string = |key: &CStr| -> Option<String> {
        let mut s: *mut fc::FcChar8 = std::ptr::null_mut();
        // SAFETY: p is live; fontconfig returns a pointer into the pattern (not copied),
        // read before the pattern can go.
        let r = unsafe { fc::FcPatternGetString(p, key.as_ptr(), 0, &mut s) };
        if r != fc::FcResultMatch || s.is_null() {
            return None;
        }
        // SAFETY: a fontconfig string is NUL-terminated.
        Some(unsafe { CStr::from_ptr(s as *const c_char) }.to_string_lossy().into_owned())
    };
    let int = |key: &CStr| -> Option<c_int> {
        let mut v: c_int = 0;
        // SAFETY: p is live and v is a valid out-pointer.
        let r = unsafe { fc::FcPatternGetInteger(p, key.as_ptr(), 0, &mut v) };
        (r == fc::FcResultMatch).then_some(v)
    };
    let mut color: fc::FcBool = 0;
    // SAFETY: p is live and color is a valid out-pointer.
    let color_ok = unsafe { fc::FcPatternGetBool(p, FC_COLOR.as_ptr(), 0, &mut color) };
    Some(FontFile {
        path: PathBuf::from(string(FC_FILE)?),
        index: int(FC_INDEX).unwrap_or(0).max(0) as u32,
        bold: int(FC_WEIGHT).unwrap_or(WEIGHT_REGULAR) >= WEIGHT_BOLDISH,
        italic: int(FC_SLANT).unwrap_or(0) >= SLANT_ITALIC,
        color: color_ok == fc::FcResultMatch && color != 0,
        family: string(FC_FAMILY).unwrap_or_default(),
    })
}

/// The file fontconfig picks for `family` in a style (what `fc-match "family:bold"` prints).
/// `None` when fontconfig has no font at all.
pub fn match_font(family: &str, bold: bool, italic: bool) -> Option<FontFile> {
    let query = Pattern::query(family, bold, italic)?;
    let mut result = fc::FcResultMatch;
    // SAFETY: query is live; the returned pattern is owned by us (checked for null and
    // destroyed by Pattern's drop).
    let matched = unsafe { fc::FcFontMatch(std::ptr::null_mut(), query.0.as_ptr(), &mut result) };
    let matched = Pattern(NonNull::new(matched)?);
    file_of(matched.0.as_ptr())
}

/// Every installed font in fontconfig's order of preference for a family (FcFontSort,
/// trimmed to fonts that add coverage): the fallback list searched, in order, for a font
/// that has a grapheme cluster's characters.
pub struct Fallbacks {
    set: NonNull<fc::FcFontSet>,
    len: usize,
}

impl Fallbacks {
    /// The sorted list for `family` (regular style); `None` when fontconfig fails.
    pub fn sorted(family: &str) -> Option<Fallbacks> {
        let query = Pattern::query(family, false, false)?;
        let mut result = fc::FcResultMatch;
        // SAFETY: query is live; the returned set is ours, destroyed in Drop.
        let set = unsafe {
            fc::FcFontSort(
                std::ptr::null_mut(),
                query.0.as_ptr(),
                1,
                std::ptr::null_mut(),
                &mut result,
            )
        };
        let set = NonNull::new(set)?;
        // SAFETY: set is a live font set returned just now.
        let len = unsafe { set.as_ref().nfont }.max(0) as usize;
        Some(Fallbacks { set, len })
    }

    /// How many fonts are in the list.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The list is empty (fontconfig found no fonts).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn pattern(&self, i: usize) -> Option<*mut fc::FcPattern> {
        if i >= self.len {
            return None;
        }
        // SAFETY: i < nfont, so fonts[i] is within the set's array, which lives as long as
        // self.
        let p = unsafe { *self.set.as_ref().fonts.add(i) };
        (!p.is_null()).then_some(p)
    }

    /// The file of the `i`th font.
    pub fn file(&self, i: usize) -> Option<FontFile> {
        file_of(self.pattern(i)?)
    }

    /// The `i`th font has a glyph for `c` (its fontconfig charset says so).
    pub fn has_char(&self, i: usize, c: char) -> bool {
        let Some(p) = self.pattern(i) else { return false };
        let mut cs: *mut fc::FcCharSet = std::ptr::null_mut();
        // SAFETY: p is live; the charset pointer points into the pattern (not owned).
        let r = unsafe { fc::FcPatternGetCharSet(p, FC_CHARSET.as_ptr(), 0, &mut cs) };
        // SAFETY: cs was returned by fontconfig for a live pattern.
        r == fc::FcResultMatch
            && !cs.is_null()
            && unsafe { fc::FcCharSetHasChar(cs, c as u32) } != 0
    }
}

impl Drop for Fallbacks {
    fn drop(&mut self) {
        // SAFETY: the set was returned by FcFontSort, is owned by self and destroyed once.
        unsafe { fc::FcFontSetDestroy(self.set.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_file_and_sorts_fallbacks_with_charsets() {
        let f = match_font("monospace", false, false).expect("fontconfig finds a monospace font");
        assert!(f.path.exists(), "{f:?}");
        let list = Fallbacks::sorted("monospace").expect("a sorted list");
        assert!(!list.is_empty());
        assert!((0..list.len()).any(|i| list.has_char(i, 'A')), "some font has 'A'");
        assert!(!(0..list.len()).any(|i| list.has_char(i, '\u{10FFFD}')), "none has a PUA-B end");
    }
}
