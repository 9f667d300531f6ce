//! The configuration file (`$XDG_CONFIG_HOME/uvterm/uvterm.toml`) and `-o key=value`
//! overrides. No file is needed; a broken one is reported (with the line) and the defaults
//! are used; unknown keys are reported and ignored. See `uvterm.example.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::term::CursorShape;
use crate::term::style::Rgb;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub font: FontConfig,
    pub colors: ColorConfig,
    pub scrollback: ScrollbackConfig,
    pub shell: ShellConfig,
    pub cursor: CursorConfig,
    pub window: WindowConfig,
    pub terminal: TerminalConfig,
    pub limits: LimitsConfig,
    pub keybindings: Vec<KeyBinding>,
    pub memory: MemoryConfig,
    pub events: EventsConfig,
    // --- issue 16 (safe close, shell integration) ---
    /// When closing a tab or window asks first (`"never"`, `"running"`, `"always"`).
    pub confirm_close: ConfirmClose,
    /// Inject uvterm's OSC 7 / OSC 133 scripts into interactive bash, zsh and fish.
    pub shell_integration: ShellIntegration,
}

/// `confirm_close`: when closing a tab (Ctrl+Shift+W, the tab bar) or a window (the window
/// manager's close button) asks first, in the window, as kitty's `confirm_os_window_close`
/// and Ghostty's `confirm-close-surface` do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfirmClose {
    /// Close at once.
    Never,
    /// Ask when something other than the shell at its prompt runs (the PTY's foreground
    /// process group is not the shell's), or when the last window closes with several tabs.
    #[default]
    Running,
    /// Always ask.
    Always,
}

/// `shell_integration` (default true): see `pty::shell_integration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ShellIntegration(pub bool);

impl Default for ShellIntegration {
    fn default() -> Self {
        ShellIntegration(true)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FontConfig {
    pub family: String,
    /// Points.
    pub size: f32,
    // --- issue 14 (shaping): per-style families and OpenType features. ---
    /// `font.bold.family` etc. (Alacritty's names): another family for that style; unset,
    /// the regular family's bold/italic face (synthetic only where it has none).
    pub bold: FaceFamily,
    pub italic: FaceFamily,
    pub bold_italic: FaceFamily,
    /// OpenType feature settings in HarfBuzz's syntax, applied when shaping: `["-calt",
    /// "-liga"]` turns programming ligatures off (default: the font's defaults, ligatures on,
    /// as Ghostty and kitty do).
    pub features: Vec<String>,
}

/// A per-style family override.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaceFamily {
    pub family: Option<String>,
}

/// Longest family name accepted (bytes).
const MAX_FAMILY_LEN: usize = 256;

impl FontConfig {
    /// What the renderer's fonts take.
    pub fn spec(&self) -> crate::render::fonts::FontSpec {
        crate::render::fonts::FontSpec {
            family: self.family.clone(),
            bold_family: self.bold.family.clone(),
            italic_family: self.italic.family.clone(),
            bold_italic_family: self.bold_italic.family.clone(),
            features: self.features.clone(),
        }
    }

    fn validate(&mut self, problems: &mut Vec<String>) {
        let bad = |f: &str| f.is_empty() || f.len() > MAX_FAMILY_LEN || f.contains('\0');
        if bad(&self.family) {
            problems.push(format!(
                "font.family {:?} is not a family name; using the default",
                self.family
            ));
            self.family = FontConfig::default().family;
        }
        for (name, face) in [
            ("bold", &mut self.bold),
            ("italic", &mut self.italic),
            ("bold_italic", &mut self.bold_italic),
        ] {
            if face.family.as_deref().is_some_and(bad) {
                problems.push(format!("font.{name}.family is not a family name; ignored"));
                face.family = None;
            }
        }
        if let Err(e) = crate::render::fonts::parse_features(&self.features) {
            problems.push(format!("{e}; using the font's defaults"));
            self.features.clear();
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColorConfig {
    pub foreground: HexColor,
    pub background: HexColor,
    pub cursor: HexColor,
    /// Selection background.
    pub selection: HexColor,
    /// The 16 ANSI colours (black … bright white).
    pub palette: Vec<HexColor>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrollbackConfig {
    pub lines: usize,
    /// Keep history far off screen compressed (issue 19: ≤ 2 bytes a cell for text output).
    pub compress: bool,
    /// Most heap bytes one tab's history may hold; past it its oldest history is trimmed.
    /// 0 (the default): no bound but `lines`.
    pub max_bytes: ByteSize,
}

// ---- issue 19 (ledger, budgets, event stream): [memory], [events], scrollback.max_bytes

/// A size in bytes: an integer, or a string with a unit (`"512KiB"`, `"64MiB"`, `"2GiB"`,
/// `"1G"`; units are powers of 1024).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ByteSize;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a size: a number of bytes, or a string such as \"64MiB\"")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ByteSize, E> {
                u64::try_from(n)
                    .map(ByteSize)
                    .map_err(|_| E::custom(format!("{n} is negative; a size is 0 or more bytes")))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ByteSize, E> {
                parse_byte_size(s).map(ByteSize).ok_or_else(|| {
                    E::custom(format!(
                        "{s:?} is not a size (bytes, or a number with KiB, MiB or GiB)"
                    ))
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `"64MiB"` → 67108864; units K/KiB/KB, M/MiB/MB, G/GiB/GB are all powers of 1024.
fn parse_byte_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return None,
    };
    n.checked_mul(1 << shift)
}

/// `[memory]`: the process's budget for its terminals.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryConfig {
    /// Most heap bytes all tabs' terminals together may hold; past it the oldest history of
    /// background tabs is trimmed first, the focused tab's last. 0 (the default): no budget.
    pub budget: ByteSize,
}

/// `[events]`: thresholds of the event stream (`uvterm msg subscribe`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventsConfig {
    /// Milliseconds without output that make `silence` (and output after them `activity`).
    pub silence_ms: u64,
    /// A tab's heap crossing this many bytes is a `resource-threshold` event; 0: none.
    pub heap_threshold: ByteSize,
}

impl Default for EventsConfig {
    fn default() -> Self {
        Self {
            silence_ms: crate::io::LedgerConfig::default().silence_ms,
            heap_threshold: ByteSize(0),
        }
    }
}

impl Config {
    /// Budgets and event thresholds as the I/O core takes them.
    pub fn ledger_config(&self) -> crate::io::LedgerConfig {
        crate::io::LedgerConfig {
            scrollback_max_bytes: self.scrollback.max_bytes.0,
            memory_budget: self.memory.budget.0,
            silence_ms: self.events.silence_ms,
            heap_threshold: self.events.heap_threshold.0,
        }
    }
}

// ---- end of issue 19's block

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShellConfig {
    /// Default: $SHELL, else the password database, else /bin/sh.
    pub program: Option<String>,
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CursorConfig {
    pub style: CursorStyleName,
    pub blinking: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CursorStyleName {
    Block,
    Beam,
    Underline,
}

impl From<CursorStyleName> for CursorShape {
    fn from(s: CursorStyleName) -> Self {
        match s {
            CursorStyleName::Block => CursorShape::Block,
            CursorStyleName::Beam => CursorShape::Beam,
            CursorStyleName::Underline => CursorShape::Underline,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WindowConfig {
    /// Pixels between the window edge and the cells (scaled by the HiDPI factor).
    pub padding: u16,
    /// Initial size in cells.
    pub columns: u16,
    pub lines: u16,
    /// Flash the window on BEL.
    pub visual_bell: bool,
    /// Which display system to open windows on ([`Backend`]); `UVTERM_BACKEND` overrides it.
    pub backend: Backend,
}

/// The display system windows open on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Native Wayland when `WAYLAND_DISPLAY` is set, X11 otherwise (winit's own choice).
    #[default]
    Auto,
    /// Wayland only: fail to start without a Wayland compositor.
    Wayland,
    /// X11 only (under a Wayland session: through Xwayland).
    X11,
}

impl Backend {
    /// `UVTERM_BACKEND` (`auto`, `wayland` or `x11`, any case) if set, else `configured`.
    /// An unknown value is an error for the user.
    pub fn from_env(configured: Backend) -> Result<Backend, String> {
        match std::env::var("UVTERM_BACKEND") {
            Err(_) => Ok(configured),
            Ok(v) => match v.to_ascii_lowercase().as_str() {
                "" => Ok(configured),
                "auto" => Ok(Backend::Auto),
                "wayland" => Ok(Backend::Wayland),
                "x11" => Ok(Backend::X11),
                _ => Err(format!("UVTERM_BACKEND={v:?}: expected auto, wayland or x11")),
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TerminalConfig {
    /// Let programs read the clipboard with OSC 52 (off: a known exfiltration vector).
    pub allow_clipboard_read: bool,
    /// Let programs read the window title back (CSI 21 t; off: an injection vector).
    pub allow_title_report: bool,
    /// xterm's `formatOtherKeys: 1`: keys reported under modifyOtherKeys are sent as
    /// `CSI code ; m u` instead of `CSI 27 ; m ; code ~`.
    pub format_other_keys: bool,
}

/// Bounds on what requests (from the window or `uvterm msg`) may make the process hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Tabs open at once in this process, all windows together; opening one more is refused
    /// with an error (`uvterm msg create-tab` exits non-zero).
    pub max_tabs: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self { max_tabs: crate::io::DEFAULT_MAX_TABS }
    }
}

/// One keybinding: `{ key = "T", mods = "Control|Shift", action = "NewTab" }`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyBinding {
    pub key: String,
    #[serde(default)]
    pub mods: String,
    pub action: String,
}

/// A colour written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HexColor(pub Rgb);

impl<'de> Deserialize<'de> for HexColor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_hex(&s).map(HexColor).ok_or_else(|| {
            serde::de::Error::custom(format!("{s:?} is not a colour (expected #rrggbb)"))
        })
    }
}

fn parse_hex(s: &str) -> Option<Rgb> {
    let hex = s.strip_prefix('#').or_else(|| s.strip_prefix("0x"))?;
    if hex.len() != 6 {
        return None;
    }
    let v = u32::from_str_radix(hex, 16).ok()?;
    Some(Rgb::new((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

impl Default for FontConfig {
    fn default() -> Self {
        Self {
            family: "DejaVu Sans Mono".into(),
            size: 11.0,
            bold: FaceFamily::default(),
            italic: FaceFamily::default(),
            bold_italic: FaceFamily::default(),
            features: Vec::new(),
        }
    }
}

impl Default for ColorConfig {
    fn default() -> Self {
        let p = crate::term::Palette::default();
        Self {
            foreground: HexColor(p.0[crate::term::handler::COLOR_FOREGROUND]),
            background: HexColor(p.0[crate::term::handler::COLOR_BACKGROUND]),
            cursor: HexColor(p.0[crate::term::handler::COLOR_CURSOR]),
            selection: HexColor(Rgb::new(0x44, 0x55, 0x77)),
            palette: p.0[..16].iter().map(|c| HexColor(*c)).collect(),
        }
    }
}

impl Default for ScrollbackConfig {
    fn default() -> Self {
        Self { lines: crate::term::DEFAULT_SCROLLBACK, compress: true, max_bytes: ByteSize(0) }
    }
}

impl Default for CursorConfig {
    fn default() -> Self {
        Self { style: CursorStyleName::Block, blinking: false }
    }
}

impl Default for WindowConfig {
    fn default() -> Self {
        Self { padding: 4, columns: 80, lines: 24, visual_bell: true, backend: Backend::Auto }
    }
}

/// Where the configuration file is looked for.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("uvterm/uvterm.toml"))
}

/// `--config-file PATH` names a file that must exist (the default file may be absent): the
/// message for the user when it does not.
pub fn missing_config_file(path: Option<&Path>) -> Option<String> {
    let path = path?;
    (!path.is_file()).then(|| format!("--config-file {}: no such file", path.display()))
}

/// Load the configuration: the file at `path` (if present) with `overrides` (`a.b=value`,
/// values in TOML syntax, bare words taken as strings) applied. Problems are returned as
/// messages for the user; whatever could not be used falls back to the defaults.
pub fn load(path: Option<&Path>, overrides: &[String]) -> (Config, Vec<String>) {
    let mut problems = Vec::new();
    let mut text = None;
    if let Some(path) = path {
        match std::fs::read_to_string(path) {
            Ok(t) => text = Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (),
            Err(e) => problems.push(format!("cannot read {}: {e}", path.display())),
        }
    }
    let name = path.map_or_else(|| "configuration".into(), |p| p.display().to_string());
    let (config, more) = parse(&name, text.as_deref(), overrides);
    problems.extend(more);
    (config, problems)
}

/// Parse a configuration file's `text` (`None`: no file) named `name` in messages, with
/// `overrides` applied. Never fails: problems come back as messages, and whatever could not be
/// used falls back to the defaults (the fuzz target `config` holds it to that).
pub fn parse(name: &str, text: Option<&str>, overrides: &[String]) -> (Config, Vec<String>) {
    let mut problems = Vec::new();
    let mut table = toml::Table::new();
    if let Some(text) = text {
        match text.parse::<toml::Table>() {
            Ok(t) => table = t,
            Err(e) => problems.push(format!("{name}: {e}; using the default configuration")),
        }
    }
    for o in overrides {
        if let Err(e) = apply_override(&mut table, o) {
            problems.push(format!("-o {o}: {e}"));
        }
    }
    match Config::deserialize(toml::Value::Table(table.clone())) {
        Ok(mut config) => {
            config.validate(&mut problems);
            (config, problems)
        }
        Err(e) => {
            // Each bad section is reported once, by name, and keeps its defaults; the whole
            // table's error is shown only when no section could be blamed (it would repeat).
            let before = problems.len();
            let config = salvage(table, &mut problems);
            if !problems[before..].iter().any(|p| p.starts_with('[')) {
                problems.push(format!("configuration: {e}"));
            }
            (config, problems)
        }
    }
}

/// Keep the sections that are valid when another one is not.
fn salvage(table: toml::Table, problems: &mut Vec<String>) -> Config {
    let mut config = Config::default();
    macro_rules! section {
        ($name:literal, $field:ident) => {
            if let Some(v) = table.get($name) {
                match v.clone().try_into() {
                    Ok(s) => config.$field = s,
                    Err(e) => problems.push(format!(
                        "[{}]: {}; that section keeps its defaults",
                        $name,
                        e.to_string().trim_end()
                    )),
                }
            }
        };
    }
    section!("font", font);
    section!("colors", colors);
    section!("scrollback", scrollback);
    section!("shell", shell);
    section!("cursor", cursor);
    section!("window", window);
    section!("terminal", terminal);
    section!("limits", limits);
    section!("keybindings", keybindings);
    section!("memory", memory);
    section!("events", events);
    section!("confirm_close", confirm_close);
    section!("shell_integration", shell_integration);
    config.validate(problems);
    config
}

fn apply_override(table: &mut toml::Table, o: &str) -> Result<(), String> {
    let (key, value) = o.split_once('=').ok_or("expected key=value")?;
    let key = key.trim();
    if key.is_empty() {
        return Err("empty key".into());
    }
    let value: toml::Value = format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.trim().to_owned()));
    let parts: Vec<&str> = key.split('.').collect();
    let mut cur = table;
    for part in &parts[..parts.len() - 1] {
        let entry =
            cur.entry(part.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = entry.as_table_mut().ok_or_else(|| format!("{part} is not a section"))?;
    }
    cur.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

impl Config {
    fn validate(&mut self, problems: &mut Vec<String>) {
        if !(self.font.size.is_finite() && (1.0..=200.0).contains(&self.font.size)) {
            problems
                .push(format!("font.size {} is out of range (1-200); using 11", self.font.size));
            self.font.size = 11.0;
        }
        self.font.validate(problems);
        if self.colors.palette.len() != 16 {
            problems.push(format!(
                "colors.palette has {} colours, 16 are needed; using the default palette",
                self.colors.palette.len()
            ));
            self.colors.palette = ColorConfig::default().palette;
        }
        if self.scrollback.lines > 1_000_000 {
            problems.push("scrollback.lines above 1000000; using 1000000".into());
            self.scrollback.lines = 1_000_000;
        }
        if !(10..=86_400_000).contains(&self.events.silence_ms) {
            let ms = self.events.silence_ms.clamp(10, 86_400_000);
            problems.push(format!(
                "events.silence_ms {} is out of range (10-86400000); using {ms}",
                self.events.silence_ms
            ));
            self.events.silence_ms = ms;
        }
        self.window.columns = self.window.columns.clamp(2, 1000);
        self.window.lines = self.window.lines.clamp(1, 1000);
        self.window.padding = self.window.padding.min(200);
        if !(1..=crate::io::MAX_TABS_LIMIT).contains(&self.limits.max_tabs) {
            let max = self.limits.max_tabs.clamp(1, crate::io::MAX_TABS_LIMIT);
            problems.push(format!(
                "limits.max_tabs {} is out of range (1-{}); using {max}",
                self.limits.max_tabs,
                crate::io::MAX_TABS_LIMIT
            ));
            self.limits.max_tabs = max;
        }
    }

    /// `[shell]` as the I/O core takes it: `None` runs the user's shell.
    pub fn shell_command(&self) -> Option<(std::ffi::OsString, Vec<std::ffi::OsString>)> {
        let program = self.shell.program.as_ref()?;
        Some((program.into(), self.shell.args.iter().map(Into::into).collect()))
    }

    /// The terminal core's settings derived from this configuration.
    pub fn term_config(&self) -> crate::term::TermConfig {
        let mut palette = crate::term::Palette::default();
        for (i, c) in self.colors.palette.iter().enumerate().take(16) {
            palette.0[i] = c.0;
        }
        palette.0[crate::term::handler::COLOR_FOREGROUND] = self.colors.foreground.0;
        palette.0[crate::term::handler::COLOR_BACKGROUND] = self.colors.background.0;
        palette.0[crate::term::handler::COLOR_CURSOR] = self.colors.cursor.0;
        crate::term::TermConfig {
            scrollback_lines: self.scrollback.lines,
            compress_history: self.scrollback.compress,
            allow_clipboard_read: self.terminal.allow_clipboard_read,
            allow_title_report: self.terminal.allow_title_report,
            apply_resize_requests: false,
            palette,
            cursor_style: crate::term::CursorStyle {
                shape: self.cursor.style.into(),
                blinking: self.cursor.blinking,
            },
            cell_pixels: (8, 16),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `uvterm.example.toml` with its settings uncommented (prose stays commented).
    fn example_uncommented() -> String {
        let text = include_str!("../../uvterm.example.toml");
        let is_setting = |rest: &str| {
            let key = rest.split(" = ").next().unwrap_or("");
            rest.starts_with('[')
                || rest.starts_with("    \"")
                || rest == "]"
                || (rest.contains(" = ")
                    && !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        };
        text.lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if is_setting(rest) => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn confirm_close_and_shell_integration_keys() {
        let (c, problems) = parse("t", None, &[]);
        assert!(problems.is_empty());
        assert_eq!(c.confirm_close, ConfirmClose::Running);
        assert!(c.shell_integration.0, "on by default");
        let o = ["confirm_close=never".to_owned(), "shell_integration=false".to_owned()];
        let (c, problems) = parse("t", None, &o);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.confirm_close, ConfirmClose::Never);
        assert!(!c.shell_integration.0);
        let (c, _) = parse("t", Some("confirm_close = \"always\""), &[]);
        assert_eq!(c.confirm_close, ConfirmClose::Always);
        let (c, problems) = parse("t", Some("confirm_close = \"sometimes\""), &[]);
        assert_eq!(c.confirm_close, ConfirmClose::Running, "a bad value keeps the default");
        assert!(problems.iter().any(|p| p.contains("confirm_close")), "{problems:?}");
    }

    #[test]
    fn the_example_config_documents_the_real_defaults() {
        let text = example_uncommented();
        assert!(text.contains("\n[font]\n") && text.contains("\nfamily = "), "{text}");
        let (config, problems) = load(Some(&write(&text)), &[]);
        assert!(problems.is_empty(), "{problems:?}");
        let d = Config::default();
        assert_eq!(format!("{:?}", config.font), format!("{:?}", d.font));
        assert_eq!(format!("{:?}", config.colors), format!("{:?}", d.colors));
        assert_eq!(format!("{:?}", config.scrollback), format!("{:?}", d.scrollback));
        assert_eq!(format!("{:?}", config.cursor), format!("{:?}", d.cursor));
        assert_eq!(format!("{:?}", config.window), format!("{:?}", d.window));
        assert_eq!(format!("{:?}", config.terminal), format!("{:?}", d.terminal));
        assert_eq!(format!("{:?}", config.limits), format!("{:?}", d.limits));
        assert_eq!(config.confirm_close, d.confirm_close);
        assert_eq!(config.shell_integration, d.shell_integration);
        // The shell section is an example, not the default (which depends on the user).
        assert_eq!(config.shell.program.as_deref(), Some("/bin/bash"));
        // The bindings it shows are the defaults: loading them changes nothing.
        assert_eq!(config.keybindings.len(), 2);
        let (bindings, problems) = super::super::bindings::load(&config.keybindings);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(bindings.len(), super::super::bindings::defaults().len());
    }

    fn write(text: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!(
            "uvterm-config-{}-{}.toml",
            std::process::id(),
            text.len()
        ));
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn no_file_means_defaults() {
        let (c, problems) = load(Some(Path::new("/nonexistent/uvterm.toml")), &[]);
        assert!(problems.is_empty());
        assert_eq!(c.font.family, "DejaVu Sans Mono");
        assert_eq!(c.scrollback.lines, 10_000);
    }

    #[test]
    fn a_valid_file_is_used() {
        let p = write(
            "[font]\nsize = 14.5\n[colors]\nbackground = \"#102030\"\n[cursor]\nstyle = \"beam\"\n",
        );
        let (c, problems) = load(Some(&p), &[]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.font.size, 14.5);
        assert_eq!(c.colors.background.0, Rgb::new(0x10, 0x20, 0x30));
        assert_eq!(c.cursor.style, CursorStyleName::Beam);
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn broken_files_are_reported_and_defaults_used() {
        let p = write("[font\nsize = ");
        let (c, problems) = load(Some(&p), &[]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("using the default"), "{problems:?}");
        assert_eq!(c.font.size, 11.0);
        std::fs::remove_file(p).unwrap();
        // A bad value keeps the other sections.
        let p = write("[font]\nsize = 13\n[colors]\nbackground = \"blue\"\n[bogus]\nx = 1\n");
        let (c, problems) = load(Some(&p), &[]);
        assert!(problems.iter().any(|m| m.contains("not a colour")), "{problems:?}");
        assert_eq!(c.font.size, 13.0, "the valid section survives");
        std::fs::remove_file(p).unwrap();
    }

    /// A bad size is reported once, in words, naming its section (not serde's "did not match
    /// any variant of untagged enum" twice), and the other overrides still apply.
    #[test]
    fn a_bad_size_is_reported_once_in_words() {
        for (value, words) in [
            ("-1", "negative"),
            ("\"10XB\"", "not a size"),
            ("1.5", "a number of bytes, or a string such as"),
        ] {
            let o = [format!("memory.budget={value}"), "font.size=13".to_owned()];
            let (c, problems) = parse("test", None, &o);
            assert_eq!(problems.len(), 1, "{value}: {problems:?}");
            assert!(
                problems[0].starts_with("[memory]: ") && problems[0].contains(words),
                "{problems:?}"
            );
            assert_eq!(c.font.size, 13.0, "{value}: the other override applies");
        }
        let (c, problems) = parse("test", None, &["memory.budget=\"64MiB\"".to_owned()]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.memory.budget, ByteSize(64 << 20));
    }

    #[test]
    fn overrides() {
        let (c, problems) = load(
            None,
            &["font.size=20".into(), "font.family=Noto Mono".into(), "window.padding=0".into()],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.font.size, 20.0);
        assert_eq!(c.font.family, "Noto Mono");
        assert_eq!(c.window.padding, 0);
        let (_, problems) = load(None, &["nonsense".into(), "font.size=-3".into()]);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn font_keys_parse_and_bad_ones_are_reported() {
        let (c, problems) = load(
            None,
            &[
                r#"font.features=["-calt","-liga"]"#.into(),
                r#"font.bold.family="DejaVu Sans Mono""#.into(),
            ],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.font.features, ["-calt", "-liga"]);
        assert_eq!(c.font.spec().bold_family.as_deref(), Some("DejaVu Sans Mono"));
        assert_eq!(c.font.spec().italic_family, None);
        let many = format!("font.features=[{}]", vec!["\"-calt\""; 65].join(","));
        for bad in [r#"font.features=["no good!"]"#.to_string(), many, "font.family=".into()] {
            let (c, problems) = load(None, std::slice::from_ref(&bad));
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert!(c.font.features.is_empty() && !c.font.family.is_empty(), "{bad}");
        }
    }
}

#[cfg(test)]
mod backend_tests {
    use super::*;

    #[test]
    fn backend_key() {
        let (c, problems) = load(None, &[]);
        assert!(problems.is_empty());
        assert_eq!(c.window.backend, Backend::Auto);
        for (v, want) in [("wayland", Backend::Wayland), ("x11", Backend::X11)] {
            let (c, problems) = load(None, &[format!("window.backend={v}")]);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(c.window.backend, want);
        }
        let (c, problems) = load(None, &["window.backend=mir".into()]);
        assert!(
            problems.iter().any(|p| p.contains("mir")),
            "an unknown backend is reported: {problems:?}"
        );
        assert_eq!(c.window.backend, Backend::Auto);
    }
}
