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
    pub panes: PanesConfig,
    // --- issue 16 (safe close, shell integration) ---
    /// When closing a tab or window asks first (`"never"`, `"running"`, `"always"`).
    pub confirm_close: ConfirmClose,
    /// Inject uvterm's OSC 7 / OSC 133 scripts into interactive bash, zsh and fish.
    pub shell_integration: ShellIntegration,
    pub notifications: NotificationsConfig,
    pub bell: BellConfig,
    // --- issue 16 (live reload, themes, include) ---
    /// `theme = "NAME"` or `"light:NAME,dark:NAME"` (see [`super::themes`]): its `[colors]`
    /// lie under this file's own `[colors]` keys.
    pub theme: Option<String>,
    /// Files merged under this one, in order (later files win; this file's own keys win over
    /// all of them): relative to the including file's directory, `~/` expanded.
    pub include: Vec<String>,
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

    fn validate(&mut self, problems: &mut Vec<(String, String)>) {
        let bad = |f: &str| f.is_empty() || f.len() > MAX_FAMILY_LEN || f.contains('\0');
        if bad(&self.family) {
            let m =
                format!("font.family {:?} is not a family name; using the default", self.family);
            problems.push(("font.family".into(), m));
            self.family = FontConfig::default().family;
        }
        for (name, face) in [
            ("bold", &mut self.bold),
            ("italic", &mut self.italic),
            ("bold_italic", &mut self.bold_italic),
        ] {
            if face.family.as_deref().is_some_and(bad) {
                let key = format!("font.{name}.family");
                problems.push((key.clone(), format!("{key} is not a family name; ignored")));
                face.family = None;
            }
        }
        if let Err(e) = crate::render::fonts::parse_features(&self.features) {
            problems.push(("font.features".into(), format!("{e}; using the font's defaults")));
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

// ---- issue 17 (split panes, UI side): [panes]
/// `[panes]`: how split panes look.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanesConfig {
    /// How far panes without keyboard focus are faded towards their background colour, 0
    /// (not at all) to 1 (only the background shows). Ghostty's `unfocused-split-opacity`
    /// 0.7 is 0.3 here; WezTerm's default dims inactive panes to 0.8 brightness. Default 0.2.
    pub dim_unfocused: f32,
    /// The divider between two panes, in pixels (scaled by the HiDPI factor), 1 to 20.
    pub divider: u16,
    /// Keep a pane whose program exited open, showing its last screen and a notice with the
    /// exit status, until the user closes it (Enter or Escape in it, or the close-pane key);
    /// kitty's `--hold`, WezTerm's `exit_behavior = "Hold"`. Only a pane whose tab still has
    /// a running pane is held: a tab's last program exiting closes the tab as before.
    /// Default false (the pane closes at once and its neighbour takes its space).
    pub hold_exited: bool,
}

impl Default for PanesConfig {
    fn default() -> Self {
        Self { dim_unfocused: 0.2, divider: 2, hold_exited: false }
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

// ---- issue 16 (desktop notifications, the bell): [notifications], [bell]

/// When a desktop notification is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyWhen {
    /// Only for a tab the user is not looking at: not the active tab of its window, or its
    /// window does not have the keyboard focus.
    Unfocused,
    Always,
    Never,
}

/// `[notifications]`: desktop notifications (freedesktop Notifications over D-Bus) for
/// OSC 9, OSC 777 `notify`, kitty's OSC 99 and finished commands (OSC 133 D).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    /// When a program's notification (OSC 9/777/99) is shown.
    pub when: NotifyWhen,
    /// When a finished command (OSC 133 D after C) is announced.
    pub command_finished: NotifyWhen,
    /// Seconds a command must have run (OSC 133 C to D) to be announced; 5 by default, as
    /// kitty's `notify_on_cmd_finish` and Ghostty's `notify-on-command-finish-after`.
    pub command_min_duration: f64,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            when: NotifyWhen::Unfocused,
            command_finished: NotifyWhen::Unfocused,
            command_min_duration: 5.0,
        }
    }
}

/// `[bell]`: what BEL does besides `window.visual_bell`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BellConfig {
    /// A bell in a window without the keyboard focus sets its urgency hint (X11
    /// `WM_HINTS` urgency, Wayland xdg-activation), cleared when it gains the focus.
    pub urgent: bool,
}

impl Default for BellConfig {
    fn default() -> Self {
        Self { urgent: true }
    }
}

// ---- end of issue 16's block (notifications, bell)

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
    /// Opacity of the default background, 0 (clear) to 1 (opaque; the default), clamped;
    /// text, the cursor and colours programs set stay opaque. Below 1 at start the window is
    /// created with an alpha channel (a 32-bit visual on X11).
    pub opacity: f32,
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
        Self {
            padding: 4,
            columns: 80,
            lines: 24,
            visual_bell: true,
            backend: Backend::Auto,
            opacity: 1.0,
        }
    }
}

/// The longest `notifications.command_min_duration`, in seconds (a week).
pub const MAX_COMMAND_MIN_DURATION: f64 = 7.0 * 86400.0;

/// Where the configuration file is looked for.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("uvterm/uvterm.toml"))
}

/// `--config-file PATH` names a regular file that must exist (the default file may be
/// absent): the message for the user when it does not (no such file, a directory, a device
/// or other special file, or it cannot be looked at).
pub fn missing_config_file(path: Option<&Path>) -> Option<String> {
    let path = path?;
    let what = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => return None,
        Ok(m) if m.is_dir() => "is a directory, not a file".to_owned(),
        Ok(_) => "is not a regular file (a device, pipe or socket)".to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file".to_owned(),
        Err(e) => format!("cannot be read: {e}"),
    };
    Some(format!("--config-file {}: {what}", path.display()))
}

/// Largest configuration, include or theme file read, in bytes.
pub const MAX_CONFIG_FILE: u64 = 1 << 20;
/// How deep `include`s may nest (the configuration file is depth 0).
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// A configuration as loaded, with what was read to make it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    /// Messages for the user: each names its file (and line, where the file had one).
    pub problems: Vec<String>,
    /// Every file read or looked for: the configuration file, its includes, the user's theme
    /// file. What the live reload watches.
    pub files: Vec<PathBuf>,
    /// `theme = "light:X,dark:Y"`: the theme follows the desktop's preference.
    pub follows_desktop: bool,
}

/// Load the configuration: the file at `path` (if present) with `overrides` (`a.b=value`,
/// values in TOML syntax, bare words taken as strings) applied. Problems are returned as
/// messages for the user; whatever could not be used falls back to the defaults.
pub fn load(path: Option<&Path>, overrides: &[String]) -> (Config, Vec<String>) {
    let loaded = load_full(path, overrides, super::themes::Appearance::default());
    (loaded.config, loaded.problems)
}

/// [`load`], following `include`s and the theme, for the desktop's `appearance`; also says
/// which files were read (for the watcher) and whether the theme follows the desktop.
///
/// Order, lowest first: the defaults, the theme's `[colors]`, the included files in the order
/// listed (each after its own includes), the file's own keys, then `-o` overrides.
pub fn load_full(
    path: Option<&Path>,
    overrides: &[String],
    appearance: super::themes::Appearance,
) -> Loaded {
    let mut loader = Loader::default();
    let table = match path {
        Some(path) => {
            loader.stack.push(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()));
            loader.file(path, 0)
        }
        None => toml::Table::new(),
    };
    loader.finish(table, overrides, appearance)
}

/// Parse a configuration file's `text` (`None`: no file) named `name` in messages, with
/// `overrides` applied. Never fails: problems come back as messages, and whatever could not be
/// used falls back to the defaults (the fuzz target `config` holds it to that). `include`s
/// are not followed (there is no directory to resolve them against): each is a problem.
pub fn parse(name: &str, text: Option<&str>, overrides: &[String]) -> (Config, Vec<String>) {
    let mut loader = Loader::default();
    let table = text.map_or_else(toml::Table::new, |t| loader.table_of(name, t, None, 0, true));
    let loaded = loader.finish(table, overrides, super::themes::Appearance::default());
    (loaded.config, loaded.problems)
}

/// What loading reads: files, problems, the texts parsed (to locate a bad value's line).
#[derive(Default)]
struct Loader {
    files: Vec<PathBuf>,
    problems: Vec<String>,
    /// Each file parsed (to locate a bad value's line).
    sources: Vec<Source>,
    /// The last rank given to a source.
    rank: usize,
    /// The chain of files being included (canonical paths), for cycles.
    stack: Vec<PathBuf>,
}

/// A file parsed: its name in messages, its text, and its rank: the order its own keys were
/// merged in (a key of a higher rank wins; 0: a theme, under every file).
struct Source {
    name: String,
    text: String,
    rank: usize,
}

/// `toml`'s error as one line: `NAME, line L, column C (`the line`): message` (the line,
/// cut at 80 characters, names the key that is wrong).
fn located(name: &str, text: &str, e: &toml::de::Error) -> String {
    let message = plain(e.message(), "");
    match e.span().and_then(|s| text.get(..s.start)) {
        Some(before) => {
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let source: String =
                text.lines().nth(line - 1).unwrap_or("").trim().chars().take(80).collect();
            format!("{name}, line {line}, column {column} (`{source}`): {message}")
        }
        None => format!("{name}: {message}"),
    }
}

/// `~/x` → `$HOME/x`; a relative path → under `dir`.
fn resolve_include(dir: &Path, name: &str) -> PathBuf {
    if let Some(rest) = name.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    dir.join(name)
}

/// Merge `src` over `dst`: tables key by key, anything else replaced.
fn merge(dst: &mut toml::Table, src: toml::Table) {
    for (k, v) in src {
        match (dst.get_mut(&k), v) {
            (Some(toml::Value::Table(d)), toml::Value::Table(s)) => merge(d, s),
            (_, v) => {
                dst.insert(k, v);
            }
        }
    }
}

impl Loader {
    /// Read and parse the file at `path` (at include depth `depth`), its includes merged in.
    fn file(&mut self, path: &Path, depth: usize) -> toml::Table {
        self.files.push(path.to_path_buf());
        let name = path.display().to_string();
        let text = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                self.problems.push(format!("{name} is a directory, not a file"));
                return toml::Table::new();
            }
            Ok(m) if !m.is_file() => {
                // A device or a pipe: reading could block or never end.
                self.problems.push(format!("{name} is not a regular file; not read"));
                return toml::Table::new();
            }
            Ok(m) if m.len() > MAX_CONFIG_FILE => {
                self.problems.push(format!("{name}: larger than {MAX_CONFIG_FILE} bytes"));
                return toml::Table::new();
            }
            Ok(_) => read_bounded(path),
            Err(e) => Err(e),
        };
        match text {
            Ok(text) => self.table_of(&name, &text, path.parent(), depth, depth == 0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && depth == 0 => toml::Table::new(),
            Err(e) => {
                self.problems.push(format!("cannot read {name}: {e}"));
                toml::Table::new()
            }
        }
    }

    /// Parse `text` (named `name`), following its `include`s from `dir`.
    fn table_of(
        &mut self,
        name: &str,
        text: &str,
        dir: Option<&Path>,
        depth: usize,
        top: bool,
    ) -> toml::Table {
        let mut own = match text.parse::<toml::Table>() {
            Ok(t) => t,
            Err(e) => {
                let mut message = located(name, text, &e);
                if top {
                    message.push_str("; using the default configuration");
                }
                self.problems.push(message);
                return toml::Table::new();
            }
        };
        let source = self.sources.len();
        self.sources.push(Source { name: name.to_owned(), text: text.to_owned(), rank: 0 });
        let mut acc = toml::Table::new();
        let includes = match own.remove("include") {
            None => Vec::new(),
            Some(toml::Value::String(s)) => vec![s],
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .filter_map(|v| match v {
                    toml::Value::String(s) => Some(s),
                    other => {
                        self.problems
                            .push(format!("{name}: include: {other} is not a file name; ignored"));
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.problems.push(format!(
                    "{name}: include = {other}: expected a list of file names; ignored"
                ));
                Vec::new()
            }
        };
        for include in includes {
            let Some(dir) = dir else {
                self.problems.push(format!("{name}: include {include:?}: not available here"));
                continue;
            };
            if depth + 1 > MAX_INCLUDE_DEPTH {
                self.problems.push(format!(
                    "{name}: include {include:?}: includes nest deeper than {MAX_INCLUDE_DEPTH}"
                ));
                continue;
            }
            let path = resolve_include(dir, &include);
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if self.stack.contains(&canonical) {
                self.problems.push(format!(
                    "{name}: include {include:?}: a cycle ({} includes itself)",
                    path.display()
                ));
                continue;
            }
            self.stack.push(canonical);
            if !path.exists() {
                self.files.push(path.clone());
                self.problems.push(format!("{name}: include {}: no such file", path.display()));
            } else {
                let table = self.file(&path, depth + 1);
                merge(&mut acc, table);
            }
            self.stack.pop();
        }
        merge(&mut acc, own);
        self.rank += 1;
        self.sources[source].rank = self.rank;
        acc
    }

    /// Apply overrides and the theme, then make the configuration.
    fn finish(
        mut self,
        mut table: toml::Table,
        overrides: &[String],
        appearance: super::themes::Appearance,
    ) -> Loaded {
        for o in overrides {
            if let Err(e) = apply_override(&mut table, o) {
                self.problems.push(format!("-o {o}: {e}"));
            }
        }
        let follows_desktop = self.apply_theme(&mut table, appearance);
        let mut problems = self.problems;
        // Problems about a key, as (dotted path, message): located below by the file and
        // line that set the value the configuration uses, or the `-o` that did.
        let mut keyed = Vec::new();
        let mut config = match Config::deserialize(toml::Value::Table(table.clone())) {
            Ok(config) => config,
            Err(e) => {
                // Each bad key of a section is reported; the section keeps its defaults.
                let config = salvage(&table, &mut keyed);
                if keyed.is_empty() {
                    problems.push(format!("configuration: {}", plain(&e.to_string(), "")));
                }
                config
            }
        };
        config.validate(&table, &mut keyed);
        if !keyed.is_empty() {
            let whence = Whence::new(&self.sources, overrides);
            let mut placed: Vec<(Option<Place>, String)> =
                keyed.into_iter().map(|(path, m)| (whence.of(&path), m)).collect();
            // In the order of the files and lines (a section's keys come sorted by name).
            placed.sort_by_key(|(place, _)| match place {
                Some(Place::Line { file, line, .. }) => (*file, *line),
                _ => (usize::MAX, 0),
            });
            problems.extend(placed.into_iter().map(|(place, m)| match place {
                // The message starts with the key: `-o font.size 300 is out of range…`.
                Some(Place::Override) => format!("-o {m}"),
                Some(Place::Line { name, line, .. }) => format!("{name}, line {line}: {m}"),
                None => m,
            }));
        }
        Loaded { config, problems, files: self.files, follows_desktop }
    }

    /// Put the theme's `[colors]` under the table's own; true when it follows the desktop.
    fn apply_theme(
        &mut self,
        table: &mut toml::Table,
        appearance: super::themes::Appearance,
    ) -> bool {
        use super::themes::{self, ThemeChoice};
        let Some(value) = table.get("theme") else { return false };
        let Some(spec) = value.as_str() else {
            self.problems.push(format!("theme = {value}: expected a theme's name"));
            table.remove("theme");
            return false;
        };
        let choice = match ThemeChoice::parse(spec) {
            Ok(c) => c,
            Err(e) => {
                self.problems.push(e);
                return false;
            }
        };
        let dir = themes::user_dir();
        let found = themes::find(choice.pick(appearance), dir.as_deref(), &mut self.files);
        let (text, name) = match found {
            Ok(found) => found,
            Err(e) => {
                self.problems.push(e);
                return matches!(choice, ThemeChoice::Follow { .. });
            }
        };
        let first = self.sources.len();
        let mut theme = self.table_of(&name, &text, None, MAX_INCLUDE_DEPTH, false);
        for source in &mut self.sources[first..] {
            source.rank = 0;
        }
        for key in theme.keys().filter(|k| *k != "colors") {
            self.problems.push(format!("{name}: a theme holds only [colors]; {key} ignored"));
        }
        if let Some(toml::Value::Table(mut colors)) = theme.remove("colors") {
            if let Some(toml::Value::Table(own)) = table.remove("colors") {
                merge(&mut colors, own);
            }
            table.insert("colors".into(), toml::Value::Table(colors));
        }
        matches!(choice, ThemeChoice::Follow { .. })
    }
}

/// The configuration's top-level keys: its sections and switches.
const KEYS: [&str; 18] = [
    "font",
    "colors",
    "scrollback",
    "shell",
    "cursor",
    "window",
    "terminal",
    "limits",
    "keybindings",
    "memory",
    "events",
    "panes",
    "confirm_close",
    "shell_integration",
    "notifications",
    "bell",
    "theme",
    "include",
];

/// Keep the sections that are valid when another one is not; every bad key of a bad section
/// goes to `problems` as (dotted path, message).
fn salvage(table: &toml::Table, problems: &mut Vec<(String, String)>) -> Config {
    let mut c = Config::default();
    section(table, "font", &mut c.font, problems);
    section(table, "colors", &mut c.colors, problems);
    section(table, "scrollback", &mut c.scrollback, problems);
    section(table, "shell", &mut c.shell, problems);
    section(table, "cursor", &mut c.cursor, problems);
    section(table, "window", &mut c.window, problems);
    section(table, "terminal", &mut c.terminal, problems);
    section(table, "limits", &mut c.limits, problems);
    section(table, "keybindings", &mut c.keybindings, problems);
    section(table, "memory", &mut c.memory, problems);
    section(table, "events", &mut c.events, problems);
    section(table, "panes", &mut c.panes, problems);
    section(table, "confirm_close", &mut c.confirm_close, problems);
    section(table, "shell_integration", &mut c.shell_integration, problems);
    section(table, "notifications", &mut c.notifications, problems);
    section(table, "bell", &mut c.bell, problems);
    if let Some(toml::Value::String(theme)) = table.get("theme") {
        c.theme = Some(theme.clone());
    }
    for key in table.keys().filter(|k| !KEYS.contains(&k.as_str())) {
        problems.push((key.clone(), format!("unknown key `{key}`; ignored")));
    }
    c
}

/// The section (or top-level switch) `name` of `table` into `slot`, if it is valid; else
/// each of its keys that is bad on its own is a problem (serde stops at the first).
fn section<T: serde::de::DeserializeOwned>(
    table: &toml::Table,
    name: &str,
    slot: &mut T,
    problems: &mut Vec<(String, String)>,
) {
    let Some(value) = table.get(name) else { return };
    let e = match value.clone().try_into::<T>() {
        Ok(s) => {
            *slot = s;
            return;
        }
        Err(e) => e,
    };
    let before = problems.len();
    if let toml::Value::Table(keys) = value {
        for (key, v) in keys {
            let one = toml::Table::from_iter([(key.clone(), v.clone())]);
            if let Err(e) = toml::Value::Table(one).try_into::<T>() {
                problems.push(keyed(name, Some(key), &e.to_string()));
            }
        }
    }
    if problems.len() == before {
        problems.push(keyed(name, None, &e.to_string()));
    }
}

/// A section's deserialisation error as (dotted path, message), in words: `font.size: invalid
/// type: string "big", expected a number from 1 to 200; that section keeps its defaults`.
fn keyed(section: &str, key: Option<&str>, error: &str) -> (String, String) {
    // serde_toml's "MESSAGE\nin `a.b`" names the key below the section.
    let (head, inner) = match error.split_once("\nin `") {
        Some((head, rest)) => (head, rest.split('`').next().filter(|p| !p.is_empty())),
        None => (error, None),
    };
    let mut path = section.to_owned();
    if let Some(below) = inner.or(key) {
        if !below.starts_with('[') {
            path.push('.');
        }
        path.push_str(below);
    }
    let fallback = if matches!(section, "confirm_close" | "shell_integration") {
        "; using the default"
    } else {
        "; that section keeps its defaults"
    };
    let message = format!("{path}: {}{fallback}", plain(head.trim(), &path));
    (path, message)
}

/// What a numeric key takes, in words (for messages that would say `f32` or `u16`).
fn expected_number(path: &str) -> Option<&'static str> {
    Some(match path {
        "font.size" => "a number from 1 to 200",
        "window.opacity" | "panes.dim_unfocused" => "a number from 0 to 1",
        "window.columns" => "a whole number from 2 to 1000",
        "window.lines" => "a whole number from 1 to 1000",
        "window.padding" => "a whole number from 0 to 200",
        "panes.divider" => "a whole number from 1 to 20",
        "scrollback.lines" => "a whole number from 0 to 1000000",
        "events.silence_ms" => "a whole number of milliseconds from 10 to 86400000",
        "limits.max_tabs" => "a whole number of tabs, 1 or more",
        "notifications.command_min_duration" => "a number of seconds from 0 to 604800",
        _ => return None,
    })
}

/// serde's wording for people: Rust type names become words, one line.
fn plain(message: &str, path: &str) -> String {
    let mut m = message.trim().replace('\n', " ").replace("unknown field", "unknown key");
    // toml's words for an integer beyond 64 bits.
    if let Some(big) = m.strip_suffix(" as i128, expected any valid TOML value") {
        let n = big.rsplit('`').nth(1).unwrap_or(big);
        return format!("{n} is too large a number");
    }
    // `expected struct FontConfig`: a section written as a value.
    if let Some(at) = m.find("expected struct ") {
        m.truncate(at);
        m.push_str("expected a table of keys");
    }
    for (ty, words) in [
        ("f32", "a number"),
        ("f64", "a number"),
        ("u8", "a whole number from 0 to 255"),
        ("u16", "a whole number from 0 to 65535"),
        ("u32", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
        ("i64", "a whole number"),
    ] {
        let said = format!("expected {ty}");
        if m.ends_with(&said) || m.contains(&format!("{said},")) {
            let words = expected_number(path).unwrap_or(words);
            m = m.replace(&said, &format!("expected {words}"));
        }
    }
    m
}

/// Where each key was set: by `-o` (which wins), else by the file of the highest rank that
/// has it (its line). Built only when there is a problem to locate.
struct Whence<'a> {
    overrides: &'a [String],
    /// (index in the order read, file name, its keys' dotted paths with their lines),
    /// highest rank first.
    files: Vec<(usize, &'a str, std::collections::HashMap<String, usize>)>,
}

impl<'a> Whence<'a> {
    fn new(sources: &'a [Source], overrides: &'a [String]) -> Self {
        let mut ranked: Vec<(usize, &Source)> = sources.iter().enumerate().collect();
        ranked.sort_by_key(|(_, s)| std::cmp::Reverse(s.rank));
        let files = ranked
            .into_iter()
            .map(|(file, s)| {
                let mut lines = std::collections::HashMap::new();
                if let Ok(table) = toml::de::DeTable::parse(&s.text) {
                    let starts: Vec<usize> = std::iter::once(0)
                        .chain(s.text.match_indices('\n').map(|(i, _)| i + 1))
                        .collect();
                    let line = |at: usize| starts.partition_point(|&s| s <= at);
                    key_lines(table.get_ref(), "", &line, &mut lines);
                }
                (file, s.name.as_str(), lines)
            })
            .collect();
        Whence { overrides, files }
    }

    /// Where the key at `path` (or the nearest key above it that was written: a whole
    /// section given at once) was set.
    fn of(&self, path: &str) -> Option<Place> {
        let under = |key: &str, path: &str| {
            key == path
                || path.strip_prefix(key).is_some_and(|r| r.starts_with(['.', '[']))
                || key.strip_prefix(path).is_some_and(|r| r.starts_with('.'))
        };
        if self
            .overrides
            .iter()
            .any(|o| o.split_once('=').is_some_and(|(k, _)| under(k.trim(), path)))
        {
            return Some(Place::Override);
        }
        let mut at = path.split('[').next().unwrap_or(path);
        loop {
            let found = self.files.iter().find_map(|(file, name, keys)| {
                keys.get(at).map(|&line| Place::Line { file: *file, name: name.to_string(), line })
            });
            if found.is_some() {
                return found;
            }
            at = at.rsplit_once('.')?.0;
        }
    }
}

/// Where a key was set.
enum Place {
    /// By `-o`.
    Override,
    /// `NAME, line LINE`; `file` orders the files as they were read.
    Line { file: usize, name: String, line: usize },
}

/// Every key of `table` (below `prefix`) with the line it is written on.
fn key_lines(
    table: &toml::de::DeTable,
    prefix: &str,
    line: &dyn Fn(usize) -> usize,
    out: &mut std::collections::HashMap<String, usize>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if let toml::de::DeValue::Table(t) = value.get_ref() {
            key_lines(t, &path, line, out);
        }
        out.entry(path).or_insert_with(|| line(key.span().start));
    }
}

/// A configuration problem as the window's top line shows it: the mistake first, then the
/// file's name (not its directories) and line, so that it fits 80 columns:
/// `"nope" is not a colour (expected #rrggbb) (uvterm.toml line 3)`; one about a `-o`
/// override likewise, its key last. Any other problem is returned as it is.
pub fn brief(problem: &str) -> String {
    // `-o KEY=VALUE: message`: the value may be long; the message leads, the key follows.
    if let Some((source, message)) = problem.strip_prefix("-o ").and_then(|p| p.split_once(": ")) {
        let key = source.split('=').next().unwrap_or(source);
        return format!("{message} (-o {key})");
    }
    let Some((path, rest)) = problem.split_once(", line ") else { return problem.to_owned() };
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (line, rest) = rest.split_at(digits);
    // ", column C (`the line`): message" (a TOML syntax error) or ": message".
    let message = match rest.strip_prefix(": ") {
        Some(m) => m,
        None => match rest.split_once("`): ") {
            Some((_, m)) if rest.starts_with(", column ") => m,
            _ => return problem.to_owned(),
        },
    };
    if line.is_empty() || path.is_empty() {
        return problem.to_owned();
    }
    let file = Path::new(path).file_name().map_or(path.into(), |f| f.to_string_lossy());
    format!("{message} ({file} line {line})")
}

/// The text of the file at `path`, at most [`MAX_CONFIG_FILE`] bytes (a file that grew since
/// its size was read is cut, and then fails to parse).
fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?.take(MAX_CONFIG_FILE).read_to_string(&mut text)?;
    Ok(text)
}

fn apply_override(table: &mut toml::Table, o: &str) -> Result<(), String> {
    let (key, value) = o.split_once('=').ok_or("expected key=value")?;
    let key = key.trim();
    if key.is_empty() {
        return Err("empty key".into());
    }
    let value: toml::Value = match format!("v = {value}").parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(value.trim().to_owned())),
        // A number too large for TOML, and what looks like a list, a table or a quoted
        // string, is one the user meant and broke: an error; any other bare word is a string.
        Err(e) => {
            let v = value.trim();
            let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
            let mut chars = v.chars();
            let first = chars.next();
            let numeric = (digit(first)
                || (first.is_some_and(|c| "+-.".contains(c)) && digit(chars.next())))
                && !v.contains(char::is_whitespace);
            if numeric && (e.message().contains("overflow") || e.message().contains("i128")) {
                return Err(format!("{v} is too large a number"));
            }
            // A bare word that only starts like a number (a font called `0xProto`) is a
            // string; a key that wants a number then says so.
            if v.starts_with(['[', '{', '"', '\'']) {
                return Err(format!("{v} is not a valid value: {}", plain(e.message(), "")));
            }
            toml::Value::String(v.to_owned())
        }
    };
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

/// Bring `value` of the key `name` into `min..=max`, saying so in `problems` when it was out
/// ("NAME VALUE is out of range (MIN-MAX); using USED").
fn clamp_reported<T: Ord + Copy + std::fmt::Display>(
    problems: &mut Vec<(String, String)>,
    name: &str,
    value: &mut T,
    min: T,
    max: T,
) {
    if !(min..=max).contains(value) {
        let used = (*value).clamp(min, max);
        let m = format!("{name} {value} is out of range ({min}-{max}); using {used}");
        problems.push((name.to_owned(), m));
        *value = used;
    }
}

/// The value at the dotted `path` of `table` as written (`1e308`, which an `f32` holds as
/// infinity), else `used`.
fn written(table: &toml::Table, path: &str, used: impl std::fmt::Display) -> String {
    let mut parts = path.split('.');
    let mut value = parts.next().and_then(|p| table.get(p));
    for part in parts {
        value = value.and_then(|v| v.get(part));
    }
    match value {
        Some(toml::Value::Float(f)) if !f.is_finite() || f.abs() >= 1e16 => format!("{f:e}"),
        Some(v @ (toml::Value::Float(_) | toml::Value::Integer(_))) => v.to_string(),
        _ => used.to_string(),
    }
}

impl Config {
    /// Bring values into their ranges (the merged `table` gives them as written, for the
    /// messages); each problem is (dotted path, message).
    fn validate(&mut self, table: &toml::Table, problems: &mut Vec<(String, String)>) {
        let mut out = |key: &str, message: String| problems.push((key.to_owned(), message));
        if !(self.font.size.is_finite() && (1.0..=200.0).contains(&self.font.size)) {
            let size = written(table, "font.size", self.font.size);
            out("font.size", format!("font.size {size} is out of range (1-200); using 11"));
            self.font.size = 11.0;
        }
        if self.colors.palette.len() != 16 {
            out(
                "colors.palette",
                format!(
                    "colors.palette has {} colours, 16 are needed; using the default palette",
                    self.colors.palette.len()
                ),
            );
            self.colors.palette = ColorConfig::default().palette;
        }
        if self.scrollback.lines > 1_000_000 {
            out("scrollback.lines", "scrollback.lines above 1000000; using 1000000".into());
            self.scrollback.lines = 1_000_000;
        }
        if !(self.panes.dim_unfocused.is_finite()
            && (0.0..=1.0).contains(&self.panes.dim_unfocused))
        {
            let dim = written(table, "panes.dim_unfocused", self.panes.dim_unfocused);
            out(
                "panes.dim_unfocused",
                format!("panes.dim_unfocused {dim} is out of range (0-1); using 0.2"),
            );
            self.panes.dim_unfocused = 0.2;
        }
        if !(1..=20).contains(&self.panes.divider) {
            let px = self.panes.divider.clamp(1, 20);
            out(
                "panes.divider",
                format!(
                    "panes.divider {} is out of range (1-20 pixels); using {px}",
                    self.panes.divider
                ),
            );
            self.panes.divider = px;
        }
        if self.window.opacity.is_finite() {
            let used = self.window.opacity.clamp(0.0, 1.0);
            if used != self.window.opacity {
                let o = written(table, "window.opacity", self.window.opacity);
                out(
                    "window.opacity",
                    format!("window.opacity {o} is out of range (0-1); using {used}"),
                );
            }
            self.window.opacity = used;
        } else {
            let o = written(table, "window.opacity", self.window.opacity);
            out(
                "window.opacity",
                format!("window.opacity {o} is not a number from 0 to 1; using 1"),
            );
            self.window.opacity = 1.0;
        }
        let d = self.notifications.command_min_duration;
        if !(d.is_finite() && (0.0..=MAX_COMMAND_MIN_DURATION).contains(&d)) {
            let shown = written(table, "notifications.command_min_duration", d);
            out(
                "notifications.command_min_duration",
                format!(
                    "notifications.command_min_duration {shown} is out of range \
                     (0-{MAX_COMMAND_MIN_DURATION} seconds); using 5"
                ),
            );
            self.notifications.command_min_duration = 5.0;
        }
        self.font.validate(problems);
        clamp_reported(problems, "events.silence_ms", &mut self.events.silence_ms, 10, 86_400_000);
        clamp_reported(problems, "window.columns", &mut self.window.columns, 2, 1000);
        clamp_reported(problems, "window.lines", &mut self.window.lines, 1, 1000);
        clamp_reported(problems, "window.padding", &mut self.window.padding, 0, 200);
        let max_tabs = crate::io::MAX_TABS_LIMIT;
        clamp_reported(problems, "limits.max_tabs", &mut self.limits.max_tabs, 1, max_tabs);
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
            // The I/O thread's choice (`io::ledger::deferred_compression_cells`).
            defer_compression_cells: 0,
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
    fn window_sizes_out_of_range_are_clamped_and_reported() {
        let o = ["window.columns=0", "window.lines=65535", "window.padding=1000"].map(String::from);
        let (c, problems) = parse("t", None, &o);
        assert_eq!((c.window.columns, c.window.lines, c.window.padding), (2, 1000, 200));
        for (key, used) in [("window.columns 0", 2), ("window.lines 65535", 1000)] {
            let said = format!("using {used}");
            assert!(
                problems.iter().any(|p| p.starts_with(&format!("-o {key}")) && p.ends_with(&said)),
                "{problems:?}"
            );
        }
        assert!(problems.iter().any(|p| p.starts_with("-o window.padding 1000")), "{problems:?}");
        let (c, problems) = parse("t", None, &["window.opacity=2".to_owned()]);
        assert_eq!(c.window.opacity, 1.0);
        assert!(problems.iter().any(|p| p.starts_with("-o window.opacity 2")), "{problems:?}");
        let o = ["window.columns=1000", "window.lines=1", "window.padding=0"].map(String::from);
        let (c, problems) = parse("t", None, &o);
        assert!(problems.is_empty(), "the limits themselves are fine: {problems:?}");
        assert_eq!((c.window.columns, c.window.lines, c.window.padding), (1000, 1, 0));
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
        assert_eq!(format!("{:?}", config.notifications), format!("{:?}", d.notifications));
        assert_eq!(format!("{:?}", config.bell), format!("{:?}", d.bell));
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
    fn notification_keys_parse_and_bad_ones_are_reported() {
        let (c, problems) = parse(
            "t",
            Some(
                "[notifications]\nwhen = \"always\"\ncommand_finished = \"never\"\n\
                  command_min_duration = 2\n[bell]\nurgent = false\n",
            ),
            &[],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.notifications.when, NotifyWhen::Always);
        assert_eq!(c.notifications.command_finished, NotifyWhen::Never);
        assert_eq!(c.notifications.command_min_duration, 2.0);
        assert!(!c.bell.urgent);
        let (c, problems) = parse("t", None, &["notifications.command_min_duration=-1".into()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("command_min_duration"), "{problems:?}");
        assert_eq!(c.notifications.command_min_duration, 5.0);
        let (c, problems) = parse("t", None, &["notifications.when=sometimes".into()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("-o notifications.when: "), "{problems:?}");
        assert_eq!(c.notifications.when, NotifyWhen::Unfocused, "the section keeps its defaults");
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
                problems[0].starts_with("-o memory.budget: ") && problems[0].contains(words),
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

#[cfg(test)]
mod reload_tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("uvterm-cfg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn includes_merge_in_order_and_the_file_wins() {
        let d = dir("include");
        std::fs::write(d.join("a.toml"), "[font]\nsize = 12\n[colors]\nforeground = \"#aaaaaa\"\n")
            .unwrap();
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/b.toml"), "[font]\nsize = 13\n[cursor]\nstyle = \"beam\"\n")
            .unwrap();
        let main = d.join("uvterm.toml");
        std::fs::write(
            &main,
            "include = [\"a.toml\", \"sub/b.toml\"]\n[colors]\nbackground = \"#010101\"\n",
        )
        .unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.config.font.size, 13.0, "the later include wins");
        assert_eq!(l.config.colors.foreground.0, Rgb::new(0xaa, 0xaa, 0xaa));
        assert_eq!(l.config.colors.background.0, Rgb::new(1, 1, 1));
        assert_eq!(l.config.cursor.style, CursorStyleName::Beam);
        assert_eq!(l.files, [main.clone(), d.join("a.toml"), d.join("sub/b.toml")]);
        // The file's own keys win over its includes.
        std::fs::write(&main, "include = [\"a.toml\"]\n[font]\nsize = 15\n").unwrap();
        assert_eq!(load_full(Some(&main), &[], Default::default()).config.font.size, 15.0);
        // Cycles and missing files are errors naming the file.
        std::fs::write(d.join("a.toml"), "include = [\"uvterm.toml\"]\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(l.problems.iter().any(|p| p.contains("cycle")), "{:?}", l.problems);
        std::fs::write(&main, "include = [\"missing.toml\"]\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(
            l.problems.iter().any(|p| p.contains("missing.toml: no such file")),
            "{:?}",
            l.problems
        );
        assert!(l.files.contains(&d.join("missing.toml")), "a missing include is watched");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_bad_value_is_located_by_file_and_line() {
        let d = dir("line");
        let main = d.join("uvterm.toml");
        std::fs::write(&main, "[font]\nsize = 12\n\n[colors]\nbackground = \"blue\"\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert_eq!(l.problems.len(), 1, "{:?}", l.problems);
        let p = &l.problems[0];
        assert!(p.contains("uvterm.toml, line 5") && p.contains("not a colour"), "{p}");
        std::fs::write(&main, "[font]\nsize = 12\n[colors\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(l.problems[0].contains("uvterm.toml, line 3"), "{:?}", l.problems);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn themes_lie_under_explicit_colors() {
        let (c, problems) = parse("t", Some("theme = \"nord\"\n"), &[]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.colors.background.0, Rgb::new(0x2e, 0x34, 0x40));
        let (c, problems) =
            parse("t", Some("theme = \"Nord\"\n[colors]\nforeground = \"#ffffff\"\n"), &[]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.colors.background.0, Rgb::new(0x2e, 0x34, 0x40));
        assert_eq!(c.colors.foreground.0, Rgb::new(0xff, 0xff, 0xff), "explicit keys win");
        let (c, problems) = parse("t", None, &["theme=dracula".into()]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.colors.background.0, Rgb::new(0x28, 0x2a, 0x36));
        let (_, problems) = parse("t", None, &["theme=bogus".into()]);
        assert!(
            problems[0].contains("unknown theme") && problems[0].contains("nord"),
            "{problems:?}"
        );
        let mut l = Loader::default();
        let t =
            l.table_of("t", "theme = \"light:solarized-light,dark:solarized-dark\"", None, 0, true);
        let light = l.finish(t, &[], crate::app::themes::Appearance::Light);
        assert!(light.follows_desktop);
        assert_eq!(light.config.colors.background.0, Rgb::new(0xfd, 0xf6, 0xe3));
    }

    /// Range errors name the file and line that set the value; type errors say what the key
    /// takes in words (no `f32`, `usize`), on one line, every bad key of a section.
    #[test]
    fn problems_are_located_and_worded_for_people() {
        let d = dir("words");
        let main = d.join("uvterm.toml");
        let inc = d.join("inc.toml");
        std::fs::write(
            &inc,
            "[window]
opacity = 0.5
",
        )
        .unwrap();
        std::fs::write(
            &main,
            "include = [\"inc.toml\"]\n[font]\nsize = -3\n\n[panes]\ndivider = 99\n",
        )
        .unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        let problems = &l.problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        let size = problems.iter().find(|p| p.contains("font.size -3 is out of range"));
        assert!(size.is_some_and(|p| p.contains("uvterm.toml, line 3: ")), "{problems:?}");
        let divider = problems.iter().find(|p| p.contains("panes.divider 99"));
        assert!(divider.is_some_and(|p| p.contains("uvterm.toml, line 6: ")), "{problems:?}");
        // The included file's value is located in it; the file's own key wins over it.
        std::fs::write(&inc, "[window]\nopacity = 5\n").unwrap();
        std::fs::write(&main, "include = [\"inc.toml\"]\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(l.problems[0].contains("inc.toml, line 2: window.opacity 5"), "{:?}", l.problems);
        std::fs::write(&main, "include = [\"inc.toml\"]\n[window]\nopacity = 7\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(
            l.problems[0].contains("uvterm.toml, line 3: window.opacity 7"),
            "{:?}",
            l.problems
        );

        // Type errors: in words, one line, each bad key (not only the first).
        std::fs::write(&main, "[font]\nsize = \"big\"\nfamily = 7\n[scrollback]\nlines = -5\n")
            .unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        let p = &l.problems;
        assert_eq!(p.len(), 3, "{p:?}");
        for (line, words) in [
            (2, "font.size: invalid type: string \"big\", expected a number from 1 to 200"),
            (3, "font.family: invalid type: integer `7`, expected a string"),
            (5, "scrollback.lines: invalid value: integer `-5`, expected a whole number from 0"),
        ] {
            let at = format!("uvterm.toml, line {line}: {words}");
            assert!(p.iter().any(|m| m.contains(&at)), "{at}\n{p:?}");
        }
        for m in p {
            assert!(!m.contains('\n') && !m.contains("f32") && !m.contains("usize"), "{m}");
        }
        std::fs::write(&main, "[window]\nopacity = \"x\"\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert_eq!(
            l.problems,
            [format!(
                "{}, line 2: window.opacity: invalid type: string \"x\", expected a number from \
                 0 to 1; that section keeps its defaults",
                main.display()
            )]
        );
        // A number too large for an f32 is shown as written, not as `inf`.
        std::fs::write(&main, "[font]\nsize = 1e308\n").unwrap();
        let l = load_full(Some(&main), &[], Default::default());
        assert!(l.problems[0].contains("font.size 1e308 is out of range"), "{:?}", l.problems);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn override_problems_say_what_is_wrong() {
        let one = |o: &str| {
            let (_, p) = parse("t", None, &[o.to_owned()]);
            assert_eq!(p.len(), 1, "{o}: {p:?}");
            p[0].clone()
        };
        let p = one("window.columns=99999999999999999999");
        assert!(p.contains("99999999999999999999 is too large a number") && !p.contains("string"));
        let p = one("font.size=1e400");
        assert!(p.contains("1e400 is too large a number") && !p.contains("string"), "{p}");
        let p = one("confirm_close=maybe");
        assert!(p.starts_with("-o confirm_close: unknown variant `maybe`"), "{p}");
        assert!(!p.contains('[') || p.contains("expected one of"), "{p}");
        let p = one("font.size=-3");
        assert_eq!(p, "-o font.size -3 is out of range (1-200); using 11");
        let p = one("window.lines=[1,");
        assert!(p.contains("is not a valid value"), "{p}");
        // Bare words are strings still.
        let (c, p) = parse("t", None, &["shell.program=./my shell".into()]);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.shell.program.as_deref(), Some("./my shell"));
        // Even one that starts like a number (a font named 0xProto); a number key says so.
        let (c, p) = parse("t", None, &["font.family=0xProto".into()]);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(c.font.family, "0xProto");
        let p = one("window.columns=12abc");
        assert!(p.starts_with("-o window.columns") && p.contains("a whole number"), "{p}");
    }

    #[test]
    fn only_regular_files_are_configuration_files() {
        let say = |p: &str| missing_config_file(Some(Path::new(p))).unwrap_or_default();
        assert!(say("/etc").ends_with("is a directory, not a file"), "{}", say("/etc"));
        assert!(say("/dev/zero").ends_with("is not a regular file (a device, pipe or socket)"));
        assert!(say("/nonexistent/x.toml").ends_with("no such file"));
        // The default path (or an include) being a device is a problem, not an endless read.
        let l = load_full(Some(Path::new("/dev/zero")), &[], Default::default());
        assert_eq!(l.problems, ["/dev/zero is not a regular file; not read"]);
    }

    #[test]
    fn the_banner_puts_the_mistake_first_and_the_file_short() {
        assert_eq!(
            brief("/home/u/.config/uvterm/uvterm.toml, line 3: font.size 300 is out of range"),
            "font.size 300 is out of range (uvterm.toml line 3)"
        );
        assert_eq!(
            brief("/a/b/uvterm.toml, line 2, column 9 (`x = = 1`): invalid key"),
            "invalid key (uvterm.toml line 2)"
        );
        assert_eq!(brief("-o font.size -3 is out of range"), "-o font.size -3 is out of range");
        let long = "9".repeat(40);
        assert_eq!(
            brief(&format!("-o window.columns={long}: {long} is too large a number")),
            format!("{long} is too large a number (-o window.columns)")
        );
    }

    #[test]
    fn opacity_is_clamped_and_bad_values_reported() {
        let (c, problems) = parse("t", None, &["window.opacity=0.8".into()]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.window.opacity, 0.8);
        assert_eq!(parse("t", None, &["window.opacity=7".into()]).0.window.opacity, 1.0);
        assert_eq!(parse("t", None, &["window.opacity=-1".into()]).0.window.opacity, 0.0);
        for bad in ["window.opacity=nan", "window.opacity=opaque"] {
            let (c, problems) = parse("t", None, &[bad.into()]);
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert_eq!(c.window.opacity, 1.0);
        }
    }
}
