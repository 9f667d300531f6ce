//! Shaping compared with HarfBuzz itself: for each run the renderer shapes (programming
//! ligatures in Fira Code, emoji sequences in Noto Color Emoji, combining marks), the glyph
//! ids, clusters, advances and offsets harfrust gives must equal what `hb-shape` (Debian
//! `libharfbuzz-bin`) prints for the same font file and features. Then the same through
//! the renderer's fonts: each cluster gets the font that has it, and a character no
//! installed font has comes back as the visible replacement glyph.
//!
//! Needs `hb-shape`, `fc-match`, `fonts-firacode`, `fonts-lohit-deva` and `fonts-noto-color-emoji` (see
//! scripts/deps.sh): a missing one fails the test, it is never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use uvterm::render::fonts::{Face, FontSpec, Fonts, HbGlyph, MISSING};

/// The file fontconfig gives for a pattern (`fc-match -f %{file}`).
fn font_file(pattern: &str) -> PathBuf {
    let out = Command::new("fc-match")
        .args(["-f", "%{file}", pattern])
        .output()
        .expect("fc-match runs (fontconfig is installed)");
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(path.exists(), "fc-match {pattern}: {path:?}");
    path
}

/// What hb-shape prints for `text`: (glyph id, cluster as a UTF-8 byte offset, x advance,
/// x offset, y offset) per glyph, in font units.
fn hb_shape(font: &Path, text: &str, features: &[&str]) -> Vec<HbGlyph> {
    let mut cmd = Command::new("hb-shape");
    cmd.args(["--output-format=json", "--no-glyph-names", "--utf8-clusters"]);
    if !features.is_empty() {
        cmd.arg(format!("--features={}", features.join(",")));
    }
    // --text=: a text starting with '-' is not an option.
    let out = cmd
        .arg(format!("--font-file={}", font.display()))
        .arg(format!("--text={text}"))
        .output()
        .expect("hb-shape runs (libharfbuzz-bin)");
    assert!(out.status.success(), "hb-shape: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("hb-shape prints JSON");
    v.as_array()
        .expect("an array of glyphs")
        .iter()
        .map(|g| {
            let n = |k: &str| g[k].as_i64().unwrap_or_else(|| panic!("{k} in {g}"));
            (n("g") as u32, n("cl") as u32, n("ax") as i32, n("dx") as i32, n("dy") as i32)
        })
        .collect()
}

fn compare(font: &Path, text: &str, features: &[&str]) -> Vec<HbGlyph> {
    let want = hb_shape(font, text, features);
    let owned: Vec<String> = features.iter().map(|s| s.to_string()).collect();
    let got = Fonts::shape_file(font, 0, text, &owned).expect("harfrust shapes it");
    assert_eq!(got, want, "{text:?} with {features:?} in {}", font.display());
    got
}

#[test]
fn programming_ligatures_match_hb_shape_with_and_without_calt() {
    let fira = font_file("Fira Code");
    assert!(fira.to_string_lossy().contains("FiraCode"), "fonts-firacode installed: {fira:?}");
    for text in ["->", "=>", "!=", "===", "a->b", "x != y", "www"] {
        let on = compare(&fira, text, &[]);
        let off = compare(&fira, text, &["-calt", "-liga"]);
        if text != "www" {
            assert_ne!(on, off, "{text:?}: the ligature changes the glyphs");
        }
    }
}

#[test]
fn emoji_sequences_match_hb_shape() {
    let emoji = font_file("Noto Color Emoji");
    // A ZWJ family, a skin tone, a flag, a keycap, an emoji-presented heart.
    for text in ["👨\u{200D}👩\u{200D}👧", "👍🏽", "🇫🇷", "1\u{FE0F}\u{20E3}", "❤\u{FE0F}"]
    {
        let got = compare(&emoji, text, &[]);
        assert_eq!(got.len(), 1, "{text:?} is one glyph: {got:?}");
    }
}

#[test]
fn combining_marks_match_hb_shape() {
    let dejavu = font_file("DejaVu Sans Mono");
    compare(&dejavu, "e\u{301}a\u{308}", &[]);
    compare(&dejavu, "fi ffl", &[]);
}

/// Indic shaping: conjuncts (क्ष), a pre-base vowel sign drawn before its consonant (हि),
/// reph (र्) — glyphs reordered and merged as HarfBuzz does, in Lohit Devanagari.
#[test]
fn devanagari_clusters_match_hb_shape() {
    let lohit = font_file("Lohit Devanagari");
    assert!(lohit.to_string_lossy().contains("Lohit"), "fonts-lohit-deva installed: {lohit:?}");
    for text in ["नमस्ते", "हिन्दी", "क्षत्रिय", "धर्म"]
    {
        let got = compare(&lohit, text, &[]);
        assert!(got.len() < text.chars().count(), "{text:?} forms conjuncts/ligatures: {got:?}");
    }
    // Through the renderer: a family without Devanagari falls back to the font that has it,
    // and the run's glyphs are what hb-shape gives on that file.
    let mut f = fonts(&[]);
    let run = f.shape("हिन्दी", REGULAR).to_vec();
    let ids: Vec<u32> = run.iter().map(|g| g.id).collect();
    let want: Vec<u32> = hb_shape(&lohit, "हिन्दी", &[]).iter().map(|g| g.0).collect();
    assert_eq!(ids, want);
    assert!(run.iter().all(|g| f.font_path(g.font) == Some(lohit.as_path())), "{run:?}");
}

fn fonts(features: &[&str]) -> Fonts {
    let spec = FontSpec {
        family: "Fira Code".into(),
        features: features.iter().map(|s| s.to_string()).collect(),
        ..FontSpec::default()
    };
    Fonts::new(&spec, 12.0, 1.0).expect("Fira Code loads")
}

const REGULAR: Face = Face { bold: false, italic: false };

#[test]
fn the_renderer_shapes_runs_with_the_font_of_each_cluster() {
    let mut f = fonts(&[]);
    let fira = font_file("Fira Code");
    let emoji = font_file("Noto Color Emoji");
    // A ligature in a run: the glyphs hb-shape gives for the whole run.
    let run = f.shape("a->b", REGULAR).to_vec();
    let ids: Vec<u32> = run.iter().map(|g| g.id).collect();
    let want: Vec<u32> = hb_shape(&fira, "a->b", &[]).iter().map(|g| g.0).collect();
    assert_eq!(ids, want);
    assert!(run.iter().all(|g| f.font_path(g.font) == Some(fira.as_path())));
    // Emoji sequences inside a run: one glyph each, from the colour font.
    let run = f.shape("x👍🏽🇫🇷y", REGULAR).to_vec();
    assert_eq!(run.len(), 4, "x, thumb with tone, flag, y: {run:?}");
    for (g, text) in run[1..3].iter().zip(["👍🏽", "🇫🇷"]) {
        assert_eq!(f.font_path(g.font), Some(emoji.as_path()), "{text}");
        assert_eq!(g.id, hb_shape(&emoji, text, &[])[0].0, "{text}");
    }
    assert_eq!(run[1].cluster, 1, "clusters are byte offsets in the run");
    assert_eq!(run[2].cluster, 1 + "👍🏽".len() as u32);
    // Ligatures off through the configured features.
    let mut off = fonts(&["-calt", "-liga"]);
    let ids: Vec<u32> = off.shape("a->b", REGULAR).iter().map(|g| g.id).collect();
    let want: Vec<u32> = hb_shape(&fira, "a->b", &["-calt", "-liga"]).iter().map(|g| g.0).collect();
    assert_eq!(ids, want);
}

#[test]
fn a_character_no_font_has_becomes_the_replacement_glyph() {
    // U+10FFFD (a private-use code point) is in no installed font.
    let mut f = fonts(&[]);
    let run = f.shape("a\u{10FFFD}b", REGULAR).to_vec();
    assert_eq!(run.len(), 3);
    assert_eq!((run[1].font, run[1].id), (MISSING, 0x10FFFD));
    assert_ne!(run[0].font, MISSING);
    // Rasterized glyphs exist for the others.
    assert!(f.rasterize(run[0].font, run[0].id, 0).is_some());
}

#[test]
fn faces_come_from_the_family_and_are_synthetic_only_where_it_has_none() {
    // Fira Code has a Bold file and no italic: bold is real, italic is sheared.
    let mut f = fonts(&[]);
    let bold = Face { bold: true, italic: false };
    let italic = Face { bold: false, italic: true };
    assert_eq!(f.synthetic(REGULAR), (false, false));
    assert_eq!(f.synthetic(bold), (false, false));
    assert_eq!(f.synthetic(italic), (false, true));
    assert_eq!(f.synthetic(Face { bold: true, italic: true }), (false, true));
    let l = f.shape("|", italic)[0];
    assert_eq!(l.synth, 2, "the italic face's glyphs carry the shear");
    let upright = f.rasterize(l.font, l.id, 0).expect("|");
    let sheared = f.rasterize(l.font, l.id, 2).expect("sheared |");
    assert!(
        sheared.width > upright.width,
        "the shear widens a vertical stroke: {upright:?} {sheared:?}"
    );
    let emboldened = f.rasterize(l.font, l.id, 1).expect("bold |");
    let ink = |r: &uvterm::render::fonts::Raster| r.data.iter().map(|&a| a as u32).sum::<u32>();
    assert!(ink(&emboldened) > ink(&upright), "embolden adds ink");
    // DejaVu Sans Mono has all four faces: nothing synthetic.
    let spec = FontSpec { family: "DejaVu Sans Mono".into(), ..FontSpec::default() };
    let d = Fonts::new(&spec, 12.0, 1.0).expect("DejaVu Sans Mono");
    for face in [REGULAR, bold, italic, Face { bold: true, italic: true }] {
        assert_eq!(d.synthetic(face), (false, false), "{face:?}");
    }
    // A per-style family: bold from DejaVu Sans Mono Bold while the rest is Fira Code.
    let spec = FontSpec {
        family: "Fira Code".into(),
        bold_family: Some("DejaVu Sans Mono".into()),
        ..FontSpec::default()
    };
    let mut o = Fonts::new(&spec, 12.0, 1.0).expect("mixed families");
    let b = o.shape("b", bold)[0];
    let path = o.font_path(b.font).expect("a loaded font").to_string_lossy().into_owned();
    assert!(path.contains("DejaVuSansMono-Bold"), "{path}");
}

#[test]
fn bad_fonts_and_features_are_errors_not_panics() {
    let spec = FontSpec {
        family: "DejaVu Sans Mono".into(),
        features: vec!["?!".into()],
        ..Default::default()
    };
    let e = Fonts::new(&spec, 12.0, 1.0).err().expect("a bad feature is an error");
    assert!(e.contains("?!"), "{e}");
    let e = Fonts::shape_file(&PathBuf::from("/nonexistent.ttf"), 0, "a", &[]).unwrap_err();
    assert!(e.contains("nonexistent"), "{e}");
    let e = Fonts::shape_file(&PathBuf::from("/etc/hostname"), 0, "a", &[]).unwrap_err();
    assert!(e.contains("not a font"), "{e}");
}
