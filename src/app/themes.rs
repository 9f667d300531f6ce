//! Colour themes: the built-in schemes (assets/themes/, embedded), the user's theme files
//! (`$XDG_CONFIG_HOME/uvterm/themes/NAME.toml`), and `theme = "light:X,dark:Y"`, which picks
//! one by the desktop's colour-scheme preference (ARCHITECTURE.md, "Configuration: reload and
//! themes").
//!
//! A theme file has the configuration's own format restricted to one `[colors]` section
//! (foreground, background, cursor, selection, palette), so a theme file can also be
//! `include`d. Owns: naming, finding and reading themes. Must not touch: the configuration's
//! other sections (the loader in `config.rs` merges the theme under the user's `[colors]`).

use std::path::{Path, PathBuf};

/// The built-in themes: normalized name → the file's text. Each file names its upstream
/// project, author and licence in its header (licence texts in assets/themes/LICENSES.md).
pub const BUILTIN: &[(&str, &str)] = &[
    ("catppuccin-latte", include_str!("../../assets/themes/catppuccin-latte.toml")),
    ("catppuccin-mocha", include_str!("../../assets/themes/catppuccin-mocha.toml")),
    ("dracula", include_str!("../../assets/themes/dracula.toml")),
    ("gruvbox-dark", include_str!("../../assets/themes/gruvbox-dark.toml")),
    ("gruvbox-light", include_str!("../../assets/themes/gruvbox-light.toml")),
    ("nord", include_str!("../../assets/themes/nord.toml")),
    ("one-dark", include_str!("../../assets/themes/one-dark.toml")),
    ("rose-pine", include_str!("../../assets/themes/rose-pine.toml")),
    ("solarized-dark", include_str!("../../assets/themes/solarized-dark.toml")),
    ("solarized-light", include_str!("../../assets/themes/solarized-light.toml")),
    ("tokyo-night", include_str!("../../assets/themes/tokyo-night.toml")),
    ("tomorrow-night", include_str!("../../assets/themes/tomorrow-night.toml")),
];

/// Longest theme name accepted (bytes): it becomes a file name.
pub const MAX_NAME_LEN: usize = 64;
/// Largest theme file read (bytes); a real one is well under 1 KiB.
pub const MAX_THEME_FILE: u64 = 64 * 1024;

/// The desktop's colour-scheme preference (the XDG settings portal's
/// `org.freedesktop.appearance` `color-scheme`: 1 prefers dark, 2 prefers light, 0 none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Appearance {
    /// Dark: also what is assumed when the desktop cannot be asked (uvterm's own colours are
    /// dark).
    #[default]
    Dark,
    /// Light: also "no preference" (the portal's 0), which desktops use for their default,
    /// light style.
    Light,
}

impl Appearance {
    /// The portal's `color-scheme` value → a preference (1 dark; 0 and 2 light; others dark).
    pub fn from_portal(value: u32) -> Appearance {
        match value {
            0 | 2 => Appearance::Light,
            _ => Appearance::Dark,
        }
    }
}

/// What `theme = "…"` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeChoice {
    /// One theme, always.
    One(String),
    /// `light:X,dark:Y` (either order): X while the desktop prefers light, Y otherwise.
    Follow { light: String, dark: String },
}

impl ThemeChoice {
    /// Parse the value of `theme`. Names are normalized (see [`normalize`]).
    ///
    /// # Errors
    /// An empty or overlong name, a name with a path separator, or a `light:`/`dark:` form
    /// that lacks one of the two.
    pub fn parse(spec: &str) -> Result<ThemeChoice, String> {
        if !spec.contains(':') {
            return Ok(ThemeChoice::One(normalize(spec)?));
        }
        let (mut light, mut dark) = (None, None);
        for part in spec.split(',') {
            let (which, name) = part.split_once(':').ok_or_else(|| {
                format!("theme {spec:?}: expected \"NAME\" or \"light:NAME,dark:NAME\"")
            })?;
            let slot = match which.trim().to_ascii_lowercase().as_str() {
                "light" => &mut light,
                "dark" => &mut dark,
                other => {
                    return Err(format!(
                        "theme {spec:?}: {other:?} is neither \"light\" nor \"dark\""
                    ));
                }
            };
            *slot = Some(normalize(name)?);
        }
        match (light, dark) {
            (Some(light), Some(dark)) => Ok(ThemeChoice::Follow { light, dark }),
            _ => Err(format!("theme {spec:?}: name both a light: and a dark: theme")),
        }
    }

    /// The theme to use under `appearance`.
    pub fn pick(&self, appearance: Appearance) -> &str {
        match (self, appearance) {
            (ThemeChoice::One(name), _) => name,
            (ThemeChoice::Follow { light, .. }, Appearance::Light) => light,
            (ThemeChoice::Follow { dark, .. }, Appearance::Dark) => dark,
        }
    }
}

/// `"Solarized Dark"`, `"solarized_dark"` → `"solarized-dark"`: lower case, spaces and
/// underscores as hyphens.
///
/// # Errors
/// Empty, longer than [`MAX_NAME_LEN`], or with characters other than letters, digits,
/// `-`, `_`, `.`, space (no path separators: the name becomes a file name).
pub fn normalize(name: &str) -> Result<String, String> {
    let name = name.trim();
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.');
    if name.is_empty()
        || name.len() > MAX_NAME_LEN
        || !name.chars().all(ok)
        || name.starts_with('.')
    {
        return Err(format!(
            "theme {name:?} is not a theme name (letters, digits, '-', at most {MAX_NAME_LEN} bytes)"
        ));
    }
    Ok(name.to_lowercase().replace([' ', '_'], "-"))
}

/// The user's theme directory: `$XDG_CONFIG_HOME/uvterm/themes` (else `~/.config/…`).
pub fn user_dir() -> Option<PathBuf> {
    super::config::default_path()?.parent().map(|p| p.join("themes"))
}

/// The names of every theme: the built-ins and the user's `themes/*.toml`, sorted, each once.
pub fn names(dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
    if let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) {
        for e in entries.flatten().take(1024) {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "toml")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                && let Ok(n) = normalize(stem)
            {
                names.push(n);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Find theme `name` (normalized): the user's file `dir/NAME.toml` first, else the built-in.
/// Returns the file's text and the name to report in messages (the path, or `theme NAME`).
/// The user's file path is pushed onto `watched` whether or not it exists, so a theme file
/// created later is noticed.
///
/// # Errors
/// No such theme (the message names every known theme), or the user's file cannot be read or
/// is larger than [`MAX_THEME_FILE`].
pub fn find(
    name: &str,
    dir: Option<&Path>,
    watched: &mut Vec<PathBuf>,
) -> Result<(String, String), String> {
    if let Some(dir) = dir {
        let path = dir.join(format!("{name}.toml"));
        watched.push(path.clone());
        match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_THEME_FILE => {
                return Err(format!(
                    "{}: a theme file is at most {MAX_THEME_FILE} bytes",
                    path.display()
                ));
            }
            Ok(_) => {
                return std::fs::read_to_string(&path)
                    .map(|text| (text, path.display().to_string()))
                    .map_err(|e| format!("cannot read {}: {e}", path.display()));
            }
            Err(_) => (),
        }
    }
    match BUILTIN.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => Ok(((*text).to_owned(), format!("theme {name}"))),
        None => Err(format!("unknown theme {name:?}; known themes: {}", names(dir).join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_a_complete_scheme_with_its_licence() {
        assert!(BUILTIN.len() >= 12);
        for (name, text) in BUILTIN {
            assert_eq!(normalize(name).as_deref(), Ok(*name));
            assert!(text.contains("Licence: ") && text.contains("Upstream: "), "{name}");
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(table.len(), 1, "{name}: only [colors]");
            let colors = table["colors"].as_table().expect("colors");
            for key in ["foreground", "background", "cursor", "selection"] {
                assert!(colors.contains_key(key), "{name}: {key}");
            }
            assert_eq!(colors["palette"].as_array().map(Vec::len), Some(16), "{name}");
        }
    }

    #[test]
    fn choices_parse_and_pick() {
        assert_eq!(
            ThemeChoice::parse("Solarized Dark"),
            Ok(ThemeChoice::One("solarized-dark".into()))
        );
        let follow = ThemeChoice::parse("dark:nord, light:Gruvbox_Light").unwrap();
        assert_eq!(follow.pick(Appearance::Light), "gruvbox-light");
        assert_eq!(follow.pick(Appearance::Dark), "nord");
        for bad in ["", "light:nord", "dim:nord,dark:x", "../etc/passwd", "a/b", ".hidden"] {
            assert!(ThemeChoice::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Appearance::from_portal(1), Appearance::Dark);
        assert_eq!(Appearance::from_portal(2), Appearance::Light);
    }

    #[test]
    fn unknown_themes_name_the_known_ones_and_user_files_win() {
        let mut watched = Vec::new();
        let e = find("no-such", None, &mut watched).unwrap_err();
        assert!(e.contains("unknown theme") && e.contains("nord") && e.contains("dracula"), "{e}");
        let dir = std::env::temp_dir().join(format!("uvterm-themes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("nord.toml"), "[colors]\nbackground = \"#010203\"\n").unwrap();
        let (text, name) = find("nord", Some(&dir), &mut watched).unwrap();
        assert!(text.contains("#010203") && name.ends_with("nord.toml"), "{name}");
        assert_eq!(watched, [dir.join("nord.toml")]);
        assert!(names(Some(&dir)).iter().filter(|n| *n == "nord").count() == 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
