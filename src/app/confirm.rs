//! The in-window prompt: a one-line box over the middle of the terminal that asks before a
//! tab or window closes ("Close tab? `sleep` is running — Enter: close, Escape: keep") or
//! takes a tab's new name. While it shows, every key goes to it: Enter accepts, Escape
//! cancels, other keys are swallowed (or, renaming, edit the name). Nothing here blocks:
//! the I/O thread decided that something runs ([`crate::io::IoEvent::ConfirmClose`]) and the
//! answer goes back as an ordinary close or rename request.
//!
//! The decisions ([`Prompt::key`]) are pure and unit-tested; [`draw`] adds the box to a
//! frame's scene. Must not touch: PTYs and the loop (the caller sends the requests), GL.

use unicode_width::UnicodeWidthChar;

use super::input::Key;
use super::scene::{Layout, rgba};
use crate::io::TabId;
use crate::render::{GlyphDraw, GlyphId, Rect, Scene, fonts::Face};
use crate::term::style::Rgb;

/// The prompt's background (a dark red, unlike every other box uvterm draws, so tests can
/// find it in a screenshot).
pub const PROMPT_BACKGROUND: Rgb = Rgb::new(0x80, 0x18, 0x18);
/// Its text and border.
const PROMPT_FOREGROUND: Rgb = Rgb::new(0xff, 0xff, 0xff);
/// Longest tab name typed into the prompt, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// What the prompt asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Close `tab` (`None`: the whole window) after a yes.
    Close { tab: Option<CloseTarget>, question: String },
    /// A new name for `tab`, being typed.
    Rename { tab: TabId, name: String },
}

/// What a key did to the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Still open (a key swallowed, or the name edited).
    Open,
    /// Escape: closed, nothing done.
    Cancelled,
    /// Enter on a close question.
    Close(Option<CloseTarget>),
    /// Enter on a name (empty: the automatic title back).
    Rename(TabId, String),
}

/// What a close question is about: the whole tab `id` (every pane of it), or with `pane` the
/// one pane `id` (a tab's first pane has the tab's id, so the id alone cannot say which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseTarget {
    pub id: TabId,
    pub pane: bool,
}

impl Prompt {
    /// The question for closing: what runs, and how many tabs go.
    pub fn close(tab: Option<CloseTarget>, program: Option<&str>, tabs: usize) -> Prompt {
        let what = match (tab, tabs) {
            (Some(CloseTarget { pane: true, .. }), _) => "Close pane?".to_owned(),
            (Some(_), _) => "Close tab?".to_owned(),
            (None, 0 | 1) => "Close window?".to_owned(),
            (None, n) => format!("Close window with {n} tabs?"),
        };
        let running =
            program.map(|p| format!(" `{p}` is running —")).unwrap_or_else(|| " —".into());
        Prompt::Close { tab, question: format!("{what}{running} Enter: close, Escape: keep") }
    }

    /// The tab or pane the prompt is about (`None`: the whole window).
    pub fn subject(&self) -> Option<TabId> {
        match self {
            Prompt::Close { tab, .. } => tab.map(|t| t.id),
            Prompt::Rename { tab, .. } => Some(*tab),
        }
    }

    /// The line shown.
    pub fn text(&self) -> String {
        match self {
            Prompt::Close { question, .. } => question.clone(),
            Prompt::Rename { name, .. } => {
                format!("Tab title: {name}_ — Enter: set (empty: automatic), Escape: cancel")
            }
        }
    }

    /// A key pressed while the prompt shows (`text`: what it types; `ctrl`: Control held).
    pub fn key(&mut self, key: Key, text: Option<&str>, ctrl: bool) -> Outcome {
        match key {
            Key::Escape => return Outcome::Cancelled,
            Key::Enter => {
                return match self {
                    Prompt::Close { tab, .. } => Outcome::Close(*tab),
                    Prompt::Rename { tab, name } => Outcome::Rename(*tab, name.trim().to_owned()),
                };
            }
            _ => (),
        }
        if let Prompt::Rename { name, .. } = self {
            if key == Key::Backspace {
                name.pop();
            } else if let Some(text) = text.filter(|t| !ctrl && !t.chars().any(char::is_control)) {
                for c in text.chars() {
                    if name.chars().count() < MAX_NAME_CHARS {
                        name.push(c);
                    }
                }
            }
        }
        Outcome::Open
    }
}

/// Add the prompt's box to `scene`: one line of text with a cell of margin, centred over the
/// middle line of the cells `l` lays out, hiding the text under it.
/// Where the prompt showing `text` is drawn in layout `l`: its box (x, y, width, height in
/// pixels) on the middle line, centred, at most the layout's width; and its width in cells.
pub fn bounds(text: &str, l: Layout) -> ([f32; 4], usize) {
    let cols = l.cols.max(1);
    let cells: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let width = (cells + 2).min(cols);
    let x = l.x0 + ((cols - width) / 2) as f32 * l.cell_w;
    let y = l.y0 + (l.lines / 2) as f32 * l.cell_h;
    ([x, y, width as f32 * l.cell_w, l.cell_h], width)
}

/// Draw the prompt showing `text` over the scene (see [`bounds`]).
pub fn draw(scene: &mut Scene, text: &str, l: Layout) {
    let ([x, y, w, _], width) = bounds(text, l);
    let inside = |gx: f32, gy: f32| gx >= x && gx < x + w && gy == y;
    // Instances leave the rows they were marked in.
    scene.forget_rows();
    scene.glyphs.retain(|g| !inside(g.x, g.y));
    scene.clear_text(y, x, x + w);
    scene.overlay.retain(|r| !(r.x >= x && r.x < x + w && r.y >= y && r.y < y + l.cell_h));
    scene.backgrounds.push(Rect { x, y, w, h: l.cell_h, color: rgba(PROMPT_BACKGROUND) });
    let fg = rgba(PROMPT_FOREGROUND);
    let thick = (l.cell_h / 16.0).round().max(1.0);
    for (ry, rh) in [(y, thick), (y + l.cell_h - thick, thick)] {
        scene.overlay.push(Rect { x, y: ry, w, h: rh, color: fg });
    }
    let mut col = 1usize;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if cw == 0 {
            continue;
        }
        if col + cw > width.saturating_sub(1) {
            break;
        }
        if c != ' ' {
            scene.glyphs.push(GlyphDraw {
                id: GlyphId::for_char(c, Face { bold: false, italic: false }, cw > 1),
                x: x + col as f32 * l.cell_w,
                y,
                color: fg,
            });
        }
        col += cw;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_questions_name_the_program() {
        let p = Prompt::close(Some(CloseTarget { id: TabId(3), pane: false }), Some("sleep"), 1);
        assert_eq!(p.text(), "Close tab? `sleep` is running — Enter: close, Escape: keep");
        let p = Prompt::close(None, None, 3);
        assert_eq!(p.text(), "Close window with 3 tabs? — Enter: close, Escape: keep");
        let p = Prompt::close(Some(CloseTarget { id: TabId(4), pane: true }), Some("top"), 1);
        assert_eq!(p.text(), "Close pane? `top` is running — Enter: close, Escape: keep");
        let p = Prompt::close(None, Some("vim"), 1);
        assert!(p.text().starts_with("Close window? `vim` is running"));
    }

    #[test]
    fn enter_confirms_escape_cancels_other_keys_are_swallowed() {
        let mut p =
            Prompt::close(Some(CloseTarget { id: TabId(3), pane: false }), Some("sleep"), 1);
        let before = p.clone();
        assert_eq!(p.key(Key::Char('y'), Some("y"), false), Outcome::Open);
        assert_eq!(p.key(Key::Backspace, None, false), Outcome::Open);
        assert_eq!(p, before, "a close question is not edited");
        assert_eq!(p.key(Key::Escape, None, false), Outcome::Cancelled);
        assert_eq!(
            p.key(Key::Enter, None, false),
            Outcome::Close(Some(CloseTarget { id: TabId(3), pane: false }))
        );
    }

    #[test]
    fn renaming_edits_and_sets_the_name() {
        let mut p = Prompt::Rename { tab: TabId(7), name: String::new() };
        for c in ["b", "u", "i", "l", "d", "x"] {
            p.key(Key::Char(c.chars().next().unwrap_or(' ')), Some(c), false);
        }
        p.key(Key::Backspace, None, false);
        // Control chords and control characters type nothing.
        p.key(Key::Char('u'), Some("\u{15}"), true);
        p.key(Key::Char('c'), Some("c"), true);
        assert!(p.text().starts_with("Tab title: build_"));
        assert_eq!(p.key(Key::Enter, None, false), Outcome::Rename(TabId(7), "build".into()));
        let mut long = Prompt::Rename { tab: TabId(7), name: String::new() };
        long.key(Key::Char('a'), Some(&"a".repeat(1000)), false);
        let Prompt::Rename { name, .. } = &long else { unreachable!() };
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
    }
}
