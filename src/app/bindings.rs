//! Keyboard shortcuts: the defaults (kitty/Alacritty-like) and the config file's
//! `[[keybindings]]` entries, which add to or replace them (`action = "None"` unbinds).

use super::config::KeyBinding;
use super::input::{Key, KeypadKey, Mods};
pub use super::panes::Direction as PaneDirection;

/// Cells one [`Action::ResizePane`] moves a divider.
pub const PANE_RESIZE_STEP: usize = 1;

/// What a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NewTab,
    CloseTab,
    NextTab,
    PreviousTab,
    /// Alt+1…9: the n-th tab (0-based).
    GotoTab(usize),
    NewWindow,
    Copy,
    Paste,
    PastePrimary,
    IncreaseFontSize,
    DecreaseFontSize,
    ResetFontSize,
    ScrollPageUp,
    ScrollPageDown,
    ScrollToTop,
    ScrollToBottom,
    Search,
    PreviousPrompt,
    NextPrompt,
    /// Show or hide the resource overlay: the window's tabs with their memory and activity.
    ResourceOverlay,
    // --- issue 17 (split panes) ---
    /// Split the focused pane: a new pane on its right.
    SplitRight,
    /// Split the focused pane: a new pane below it.
    SplitDown,
    /// Give the keyboard to the pane beside the focused one in that direction.
    FocusPane(PaneDirection),
    /// Move the divider of the focused pane's split on that axis by one cell that way
    /// (Ghostty's resize_split; the step is [`PANE_RESIZE_STEP`] cells).
    ResizePane(PaneDirection),
    /// Give every pane of the tab an equal share.
    EqualizePanes,
    /// Show the focused pane over the whole tab, or every pane again.
    ZoomPane,
    /// Close the focused pane (the tab, when it is the only one).
    ClosePane,
    // --- issue 16 (tabs that know where they are) ---
    /// Move the active tab one place left / right in the tab bar (wrapping around).
    MoveTabLeft,
    MoveTabRight,
    /// Name the active tab: a prompt in the window (kitty's `set_tab_title`).
    SetTabTitle,
    /// The window's fullscreen on or off (F11).
    ToggleFullscreen,
    /// Open the configuration file in $VISUAL / $EDITOR / vi, in a new tab.
    EditConfig,
    /// Unbind: the key goes to the program.
    None,
}

impl Action {
    pub(crate) fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "NewTab" => Action::NewTab,
            "CloseTab" => Action::CloseTab,
            "NextTab" => Action::NextTab,
            "PreviousTab" => Action::PreviousTab,
            "NewWindow" => Action::NewWindow,
            "Copy" => Action::Copy,
            "Paste" => Action::Paste,
            "PastePrimary" => Action::PastePrimary,
            "IncreaseFontSize" => Action::IncreaseFontSize,
            "DecreaseFontSize" => Action::DecreaseFontSize,
            "ResetFontSize" => Action::ResetFontSize,
            "ScrollPageUp" => Action::ScrollPageUp,
            "ScrollPageDown" => Action::ScrollPageDown,
            "ScrollToTop" => Action::ScrollToTop,
            "ScrollToBottom" => Action::ScrollToBottom,
            "Search" => Action::Search,
            "PreviousPrompt" => Action::PreviousPrompt,
            "NextPrompt" => Action::NextPrompt,
            "ResourceOverlay" => Action::ResourceOverlay,
            "SplitRight" => Action::SplitRight,
            "SplitDown" => Action::SplitDown,
            "FocusPaneLeft" => Action::FocusPane(PaneDirection::Left),
            "FocusPaneRight" => Action::FocusPane(PaneDirection::Right),
            "FocusPaneUp" => Action::FocusPane(PaneDirection::Up),
            "FocusPaneDown" => Action::FocusPane(PaneDirection::Down),
            "ResizePaneLeft" => Action::ResizePane(PaneDirection::Left),
            "ResizePaneRight" => Action::ResizePane(PaneDirection::Right),
            "ResizePaneUp" => Action::ResizePane(PaneDirection::Up),
            "ResizePaneDown" => Action::ResizePane(PaneDirection::Down),
            "EqualizePanes" => Action::EqualizePanes,
            "ZoomPane" => Action::ZoomPane,
            "ClosePane" => Action::ClosePane,
            "MoveTabLeft" => Action::MoveTabLeft,
            "MoveTabRight" => Action::MoveTabRight,
            "SetTabTitle" => Action::SetTabTitle,
            "ToggleFullscreen" => Action::ToggleFullscreen,
            "EditConfig" => Action::EditConfig,
            "None" => Action::None,
            other => {
                let n = other.strip_prefix("GotoTab")?.parse::<usize>().ok()?;
                Action::GotoTab(n.checked_sub(1)?)
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub mods: Mods,
    pub action: Action,
}

fn m(shift: bool, ctrl: bool, alt: bool) -> Mods {
    Mods { shift, ctrl, alt, logo: false }
}

pub fn defaults() -> Vec<Binding> {
    let cs = m(true, true, false);
    let c = m(false, true, false);
    let s = m(true, false, false);
    let ca = m(false, true, true);
    let csl = Mods { shift: true, ctrl: true, alt: false, logo: true };
    let mut v = vec![
        Binding { key: Key::Char('t'), mods: cs, action: Action::NewTab },
        // One pane: the tab closes with it.
        Binding { key: Key::Char('w'), mods: cs, action: Action::ClosePane },
        Binding { key: Key::Tab, mods: c, action: Action::NextTab },
        Binding { key: Key::Tab, mods: cs, action: Action::PreviousTab },
        Binding { key: Key::PageDown, mods: c, action: Action::NextTab },
        Binding { key: Key::PageUp, mods: c, action: Action::PreviousTab },
        Binding { key: Key::Char('n'), mods: cs, action: Action::NewWindow },
        Binding { key: Key::Char('c'), mods: cs, action: Action::Copy },
        Binding { key: Key::Char('v'), mods: cs, action: Action::Paste },
        Binding { key: Key::Insert, mods: s, action: Action::PastePrimary },
        Binding { key: Key::Char('='), mods: c, action: Action::IncreaseFontSize },
        // Keys match by their unshifted character: Ctrl+Shift+Plus is Ctrl+Shift+= on a US
        // layout, and Ctrl+Shift++ where Plus is a key of its own (kitty binds both, and the
        // keypad's, as Alacritty does).
        Binding { key: Key::Char('='), mods: cs, action: Action::IncreaseFontSize },
        Binding { key: Key::Char('+'), mods: cs, action: Action::IncreaseFontSize },
        Binding { key: Key::Keypad(KeypadKey::Add), mods: c, action: Action::IncreaseFontSize },
        Binding { key: Key::Char('-'), mods: c, action: Action::DecreaseFontSize },
        Binding { key: Key::Char('-'), mods: cs, action: Action::DecreaseFontSize },
        Binding {
            key: Key::Keypad(KeypadKey::Subtract),
            mods: c,
            action: Action::DecreaseFontSize,
        },
        Binding { key: Key::Char('0'), mods: c, action: Action::ResetFontSize },
        Binding { key: Key::PageUp, mods: s, action: Action::ScrollPageUp },
        Binding { key: Key::PageDown, mods: s, action: Action::ScrollPageDown },
        Binding { key: Key::Home, mods: s, action: Action::ScrollToTop },
        Binding { key: Key::End, mods: s, action: Action::ScrollToBottom },
        Binding { key: Key::Char('f'), mods: cs, action: Action::Search },
        Binding { key: Key::Char('z'), mods: cs, action: Action::PreviousPrompt },
        Binding { key: Key::Char('x'), mods: cs, action: Action::NextPrompt },
        Binding { key: Key::Char('m'), mods: cs, action: Action::ResourceOverlay },
        // Split panes: Ghostty's Linux defaults, but for zoom.
        Binding { key: Key::Char('o'), mods: cs, action: Action::SplitRight },
        Binding { key: Key::Char('e'), mods: cs, action: Action::SplitDown },
        // Not Ghostty's Ctrl+Shift+Enter: under modifyOtherKeys that chord is the program's
        // (CSI 27;6;13~); Ctrl+Alt is the pane keys' family here (focus by arrow).
        Binding { key: Key::Enter, mods: ca, action: Action::ZoomPane },
        Binding { key: Key::Char('='), mods: csl, action: Action::EqualizePanes },
        Binding { key: Key::PageUp, mods: cs, action: Action::MoveTabLeft },
        Binding { key: Key::PageDown, mods: cs, action: Action::MoveTabRight },
        Binding { key: Key::Char('t'), mods: m(true, true, true), action: Action::SetTabTitle },
        Binding { key: Key::F(11), mods: Mods::default(), action: Action::ToggleFullscreen },
        Binding { key: Key::Char(','), mods: cs, action: Action::EditConfig },
    ];
    for (key, dir) in [
        (Key::Left, PaneDirection::Left),
        (Key::Right, PaneDirection::Right),
        (Key::Up, PaneDirection::Up),
        (Key::Down, PaneDirection::Down),
    ] {
        v.push(Binding { key, mods: ca, action: Action::FocusPane(dir) });
        v.push(Binding { key, mods: csl, action: Action::ResizePane(dir) });
    }
    for n in 1..=9u8 {
        v.push(Binding {
            key: Key::Char((b'0' + n) as char),
            mods: m(false, false, true),
            action: Action::GotoTab(n as usize - 1),
        });
    }
    v
}

fn parse_key(s: &str) -> Option<Key> {
    Some(match s {
        "Tab" => Key::Tab,
        "Enter" | "Return" => Key::Enter,
        "Backspace" => Key::Backspace,
        "Escape" => Key::Escape,
        "Up" => Key::Up,
        "Down" => Key::Down,
        "Left" => Key::Left,
        "Right" => Key::Right,
        "Home" => Key::Home,
        "End" => Key::End,
        "Insert" => Key::Insert,
        "Delete" => Key::Delete,
        "PageUp" => Key::PageUp,
        "PageDown" => Key::PageDown,
        "Space" => Key::Char(' '),
        "Equal" => Key::Char('='),
        "Minus" => Key::Char('-'),
        "Plus" => Key::Char('+'),
        _ => {
            if let Some(n) = s.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()) {
                return (1..=24).contains(&n).then_some(Key::F(n));
            }
            let mut chars = s.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            Key::Char(c.to_ascii_lowercase())
        }
    })
}

fn parse_mods(s: &str) -> Option<Mods> {
    let mut mods = Mods::default();
    for part in s.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        match part.to_ascii_lowercase().as_str() {
            "shift" => mods.shift = true,
            "control" | "ctrl" => mods.ctrl = true,
            "alt" | "option" => mods.alt = true,
            "super" | "logo" | "command" => mods.logo = true,
            _ => return None,
        }
    }
    Some(mods)
}

/// The defaults with the configured bindings applied. Problems are described for the user.
pub fn load(config: &[KeyBinding]) -> (Vec<Binding>, Vec<String>) {
    let mut bindings = defaults();
    let mut problems = Vec::new();
    for b in config {
        let (Some(key), Some(mods), Some(action)) =
            (parse_key(&b.key), parse_mods(&b.mods), Action::parse(&b.action))
        else {
            problems.push(format!(
                "keybinding {{ key = {:?}, mods = {:?}, action = {:?} }} is not understood; ignored",
                b.key, b.mods, b.action
            ));
            continue;
        };
        bindings.retain(|x| !(x.key == key && x.mods == mods));
        bindings.push(Binding { key, mods, action });
    }
    (bindings, problems)
}

pub fn lookup(bindings: &[Binding], key: Key, mods: Mods) -> Option<Action> {
    let key = match key {
        Key::Char(c) => Key::Char(c.to_ascii_lowercase()),
        k => k,
    };
    bindings.iter().rev().find(|b| b.key == key && b.mods == mods).map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let cs = Mods { shift: true, ctrl: true, ..Mods::default() };
        let b = defaults();
        assert_eq!(lookup(&b, Key::Char('T'), cs), Some(Action::NewTab));
        assert_eq!(
            lookup(&b, Key::Char('3'), Mods { alt: true, ..Mods::default() }),
            Some(Action::GotoTab(2))
        );
        assert_eq!(lookup(&b, Key::Char('t'), Mods::default()), None);
        assert_eq!(lookup(&b, Key::Char('M'), cs), Some(Action::ResourceOverlay));
        assert_eq!(lookup(&b, Key::Char('o'), cs), Some(Action::SplitRight));
        assert_eq!(lookup(&b, Key::Char('w'), cs), Some(Action::ClosePane));
        let ca = Mods { ctrl: true, alt: true, ..Mods::default() };
        assert_eq!(lookup(&b, Key::Left, ca), Some(Action::FocusPane(PaneDirection::Left)));
        let csl = Mods { logo: true, ..cs };
        assert_eq!(lookup(&b, Key::Up, csl), Some(Action::ResizePane(PaneDirection::Up)));
        assert_eq!(lookup(&b, Key::Char('='), csl), Some(Action::EqualizePanes));
        // Ctrl+Shift+Plus on a US layout (Shift+=), and the keypad's + and −.
        assert_eq!(lookup(&b, Key::Char('='), cs), Some(Action::IncreaseFontSize));
        let c = m(false, true, false);
        assert_eq!(lookup(&b, Key::Keypad(KeypadKey::Add), c), Some(Action::IncreaseFontSize));
        assert_eq!(lookup(&b, Key::Keypad(KeypadKey::Subtract), c), Some(Action::DecreaseFontSize));
        assert_eq!(Action::parse("FocusPaneDown"), Some(Action::FocusPane(PaneDirection::Down)));
        assert_eq!(Action::parse("CloseTab"), Some(Action::CloseTab), "still bindable");
        assert_eq!(lookup(&b, Key::PageUp, cs), Some(Action::MoveTabLeft));
        assert_eq!(lookup(&b, Key::PageDown, cs), Some(Action::MoveTabRight));
        let csa = Mods { alt: true, ..cs };
        assert_eq!(lookup(&b, Key::Char('T'), csa), Some(Action::SetTabTitle));
        assert_eq!(lookup(&b, Key::F(11), Mods::default()), Some(Action::ToggleFullscreen));
        // One action per key: the overlay's shortcut collides with no other default.
        for x in &b {
            let same = b.iter().filter(|y| y.key == x.key && y.mods == x.mods).count();
            assert_eq!(same, 1, "{x:?} is bound twice");
        }
        let (b, problems) = load(&[
            KeyBinding { key: "T".into(), mods: "Control|Shift".into(), action: "None".into() },
            KeyBinding { key: "F5".into(), mods: "".into(), action: "NewWindow".into() },
            KeyBinding { key: "Nope".into(), mods: "Control".into(), action: "Copy".into() },
        ]);
        assert_eq!(problems.len(), 1);
        assert_eq!(lookup(&b, Key::Char('t'), cs), Some(Action::None));
        assert_eq!(lookup(&b, Key::F(5), Mods::default()), Some(Action::NewWindow));
    }
}

#[cfg(test)]
mod default_key_tests {
    use super::*;

    /// No key and modifier combination is bound twice by default (a second binding would
    /// silently shadow the first), and the configuration editor has its own key.
    #[test]
    fn no_default_key_is_bound_twice() {
        let d = defaults();
        for (i, a) in d.iter().enumerate() {
            for b in &d[i + 1..] {
                assert!(!(a.key == b.key && a.mods == b.mods), "{a:?} and {b:?}");
            }
        }
        let cs = Mods { shift: true, ctrl: true, ..Mods::default() };
        assert!(d.contains(&Binding { key: Key::Char(','), mods: cs, action: Action::EditConfig }));
    }
}
