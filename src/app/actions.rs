//! Keyboard actions (the bound shortcuts of [`super::bindings`]) and what each does, written
//! against a small [`ActionContext`] rather than the application itself, so the decisions —
//! which tab is next, how far a page scrolls, where the previous prompt is — are unit-tested
//! with a fake context (below). The application implements the context over its windows, the
//! clipboard and the I/O core (`app::WindowActions`). Alacritty's `ActionContext` is the model.
//!
//! Must not touch: windows, GL, the clipboard or the I/O core directly — only through the
//! context.

use super::bindings::{Action, PANE_RESIZE_STEP, PaneDirection};

/// What a keyboard action may read and change: the window the key was pressed in and its
/// active tab.
pub trait ActionContext {
    /// Open a tab in this window (`new_window`: in a new window), in the active tab's
    /// working directory.
    fn open_tab(&mut self, new_window: bool);
    /// Close the active tab.
    fn close_tab(&mut self);
    /// Tabs in this window.
    fn tab_count(&self) -> usize;
    /// The active tab's index.
    fn active_tab(&self) -> usize;
    /// Show the tab at `index` (in range).
    fn select_tab(&mut self, index: usize);
    /// The active tab's selected text, if it has a selection.
    fn selection_text(&self) -> Option<String>;
    /// Put text on the clipboard.
    fn set_clipboard(&mut self, text: &str);
    /// Paste the clipboard (`primary`: the primary selection) into the active tab.
    fn paste(&mut self, primary: bool);
    /// The window's font size, in points, and the configured one.
    fn font_points(&self) -> (f32, f32);
    /// Change the window's font size.
    fn set_font_points(&mut self, points: f32);
    /// Lines on screen (a page).
    fn page_lines(&self) -> usize;
    /// Lines of history the active tab has.
    fn history_len(&self) -> usize;
    /// Lines the active tab's view is scrolled back (0: following the output).
    fn display_offset(&self) -> usize;
    fn set_display_offset(&mut self, offset: usize);
    /// Open the search bar, or close it when open.
    fn toggle_search(&mut self);
    /// Absolute rows (0 = oldest history row) with a prompt mark (OSC 133 A), oldest first.
    fn prompt_rows(&self) -> Vec<usize>;
    /// Open the resource overlay (asking the I/O core for the figures), or close it.
    fn toggle_overlay(&mut self);
    /// The window's fullscreen on when off, off when on.
    fn toggle_fullscreen(&mut self);
    /// The window must be drawn again.
    fn redraw(&mut self);
    /// Split the focused pane: a new one on its right (`down`: below it), in the focused
    /// pane's working directory.
    fn split_pane(&mut self, down: bool);
    /// Give the keyboard to the pane beside the focused one in `dir`, if there is one (a zoom
    /// ends first). Returns whether focus moved.
    fn focus_pane(&mut self, dir: PaneDirection) -> bool;
    /// Move the focused pane's divider on `dir`'s axis `cells` cells that way.
    fn resize_pane(&mut self, dir: PaneDirection, cells: usize);
    /// Equal shares for every pane of the tab.
    fn equalize_panes(&mut self);
    /// Zoom the focused pane to the whole tab, or unzoom.
    fn toggle_zoom(&mut self);
    /// Close the focused pane (with it the tab, when it is the last).
    fn close_pane(&mut self);
    /// Move the active tab to `index` (in range); it stays the active tab.
    fn move_tab(&mut self, index: usize);
    /// Open the prompt that names the active tab.
    fn rename_tab(&mut self);
    /// Open the configuration file in the user's editor, in a new tab.
    fn edit_config(&mut self);
}

/// Smallest font size the shortcuts go down to, in points.
const MIN_POINTS: f32 = 4.0;

/// Carry out a keyboard action.
pub fn perform(ctx: &mut impl ActionContext, action: Action) {
    match action {
        Action::NewTab => ctx.open_tab(false),
        Action::NewWindow => ctx.open_tab(true),
        Action::CloseTab => ctx.close_tab(),
        Action::NextTab | Action::PreviousTab | Action::GotoTab(_) => {
            let n = ctx.tab_count();
            if n == 0 {
                return;
            }
            let active = ctx.active_tab();
            let index = match action {
                Action::NextTab => (active + 1) % n,
                Action::PreviousTab => (active + n - 1) % n,
                Action::GotoTab(i) if i < n => i,
                _ => active,
            };
            ctx.select_tab(index);
        }
        Action::Copy => {
            if let Some(text) = ctx.selection_text().filter(|t| !t.is_empty()) {
                ctx.set_clipboard(&text);
            }
        }
        Action::Paste => ctx.paste(false),
        Action::PastePrimary => ctx.paste(true),
        Action::IncreaseFontSize | Action::DecreaseFontSize | Action::ResetFontSize => {
            let (points, configured) = ctx.font_points();
            ctx.set_font_points(match action {
                Action::IncreaseFontSize => points + 1.0,
                Action::DecreaseFontSize => (points - 1.0).max(MIN_POINTS),
                _ => configured,
            });
        }
        Action::ScrollPageUp
        | Action::ScrollPageDown
        | Action::ScrollToTop
        | Action::ScrollToBottom => {
            let (lines, history, offset) =
                (ctx.page_lines(), ctx.history_len(), ctx.display_offset());
            ctx.set_display_offset(match action {
                Action::ScrollPageUp => (offset + lines).min(history),
                Action::ScrollPageDown => offset.saturating_sub(lines),
                Action::ScrollToTop => history,
                _ => 0,
            });
            ctx.redraw();
        }
        Action::Search => {
            ctx.toggle_search();
            ctx.redraw();
        }
        Action::ResourceOverlay => {
            ctx.toggle_overlay();
            ctx.redraw();
        }
        Action::ToggleFullscreen => ctx.toggle_fullscreen(),
        Action::PreviousPrompt | Action::NextPrompt => {
            let history = ctx.history_len();
            let top = history - ctx.display_offset().min(history);
            let prompts = ctx.prompt_rows();
            let target = if action == Action::PreviousPrompt {
                prompts.iter().rev().find(|&&r| r < top).copied()
            } else {
                prompts.iter().find(|&&r| r > top).copied()
            };
            if let Some(row) = target {
                ctx.set_display_offset(history.saturating_sub(row));
            } else if action == Action::NextPrompt {
                // No prompt below: back to the live screen.
                ctx.set_display_offset(0);
            }
            ctx.redraw();
        }
        Action::SplitRight => ctx.split_pane(false),
        Action::SplitDown => ctx.split_pane(true),
        Action::FocusPane(dir) => {
            ctx.focus_pane(dir);
        }
        Action::ResizePane(dir) => ctx.resize_pane(dir, PANE_RESIZE_STEP),
        Action::EqualizePanes => ctx.equalize_panes(),
        Action::ZoomPane => ctx.toggle_zoom(),
        Action::ClosePane => ctx.close_pane(),
        Action::MoveTabLeft | Action::MoveTabRight => {
            let n = ctx.tab_count();
            if n < 2 {
                return;
            }
            let active = ctx.active_tab();
            ctx.move_tab(if action == Action::MoveTabLeft {
                (active + n - 1) % n
            } else {
                (active + 1) % n
            });
            ctx.redraw();
        }
        Action::SetTabTitle => {
            ctx.rename_tab();
            ctx.redraw();
        }
        Action::EditConfig => ctx.edit_config(),
        Action::None => (),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window with tabs, a view and a clipboard, recording what the actions did.
    #[derive(Default)]
    struct Fake {
        tabs: usize,
        active: usize,
        opened: Vec<bool>,
        closed: usize,
        selection: Option<String>,
        clipboard: Option<String>,
        pasted: Vec<bool>,
        points: f32,
        history: usize,
        offset: usize,
        search: bool,
        overlay: bool,
        fullscreen: bool,
        prompts: Vec<usize>,
        redraws: usize,
        /// What the pane actions asked for, in order.
        panes: Vec<String>,
        /// The tab order, by original index, as moves left it.
        order: Vec<usize>,
        renames: usize,
        edits: usize,
    }

    impl ActionContext for Fake {
        fn edit_config(&mut self) {
            self.edits += 1;
        }
        fn open_tab(&mut self, new_window: bool) {
            self.opened.push(new_window);
        }
        fn close_tab(&mut self) {
            self.closed += 1;
        }
        fn tab_count(&self) -> usize {
            self.tabs
        }
        fn active_tab(&self) -> usize {
            self.active
        }
        fn select_tab(&mut self, index: usize) {
            assert!(index < self.tabs, "selected tab {index} of {}", self.tabs);
            self.active = index;
        }
        fn selection_text(&self) -> Option<String> {
            self.selection.clone()
        }
        fn set_clipboard(&mut self, text: &str) {
            self.clipboard = Some(text.to_owned());
        }
        fn paste(&mut self, primary: bool) {
            self.pasted.push(primary);
        }
        fn font_points(&self) -> (f32, f32) {
            (self.points, 11.0)
        }
        fn set_font_points(&mut self, points: f32) {
            self.points = points;
        }
        fn page_lines(&self) -> usize {
            24
        }
        fn history_len(&self) -> usize {
            self.history
        }
        fn display_offset(&self) -> usize {
            self.offset
        }
        fn set_display_offset(&mut self, offset: usize) {
            assert!(offset <= self.history, "scrolled past the history");
            self.offset = offset;
        }
        fn toggle_search(&mut self) {
            self.search = !self.search;
        }
        fn toggle_overlay(&mut self) {
            self.overlay = !self.overlay;
        }
        fn toggle_fullscreen(&mut self) {
            self.fullscreen = !self.fullscreen;
        }
        fn prompt_rows(&self) -> Vec<usize> {
            self.prompts.clone()
        }
        fn redraw(&mut self) {
            self.redraws += 1;
        }
        fn split_pane(&mut self, down: bool) {
            self.panes.push(format!("split down={down}"));
        }
        fn focus_pane(&mut self, dir: PaneDirection) -> bool {
            self.panes.push(format!("focus {dir:?}"));
            true
        }
        fn resize_pane(&mut self, dir: PaneDirection, cells: usize) {
            self.panes.push(format!("resize {dir:?} {cells}"));
        }
        fn equalize_panes(&mut self) {
            self.panes.push("equalize".into());
        }
        fn toggle_zoom(&mut self) {
            self.panes.push("zoom".into());
        }
        fn close_pane(&mut self) {
            self.panes.push("close".into());
        }
        fn move_tab(&mut self, index: usize) {
            assert!(index < self.tabs, "moved to {index} of {}", self.tabs);
            if self.order.is_empty() {
                self.order = (0..self.tabs).collect();
            }
            let t = self.order.remove(self.active);
            self.order.insert(index, t);
            self.active = index;
        }
        fn rename_tab(&mut self) {
            self.renames += 1;
        }
    }

    #[test]
    fn pane_actions_reach_the_window() {
        let mut f = Fake::default();
        for a in [
            Action::SplitRight,
            Action::SplitDown,
            Action::FocusPane(PaneDirection::Up),
            Action::ResizePane(PaneDirection::Left),
            Action::EqualizePanes,
            Action::ZoomPane,
            Action::ClosePane,
        ] {
            perform(&mut f, a);
        }
        assert_eq!(
            f.panes,
            [
                "split down=false",
                "split down=true",
                "focus Up",
                "resize Left 1",
                "equalize",
                "zoom",
                "close"
            ]
        );
    }

    #[test]
    fn tabs_move_left_and_right_wrapping_and_stay_active() {
        let mut f = Fake { tabs: 3, active: 1, ..Fake::default() };
        perform(&mut f, Action::MoveTabRight);
        assert_eq!((f.active, f.order.clone()), (2, vec![0, 2, 1]));
        perform(&mut f, Action::MoveTabRight);
        assert_eq!((f.active, f.order.clone()), (0, vec![1, 0, 2]), "the last wraps to the first");
        perform(&mut f, Action::MoveTabLeft);
        assert_eq!((f.active, f.order.clone()), (2, vec![0, 2, 1]), "the first wraps to the last");
        let mut one = Fake { tabs: 1, ..Fake::default() };
        perform(&mut one, Action::MoveTabLeft);
        assert!(one.order.is_empty(), "a lone tab does not move");
        perform(&mut one, Action::SetTabTitle);
        assert_eq!(one.renames, 1);
    }

    #[test]
    fn tabs_cycle_both_ways_and_goto_ignores_missing_tabs() {
        let mut f = Fake { tabs: 3, ..Fake::default() };
        perform(&mut f, Action::PreviousTab);
        assert_eq!(f.active, 2, "previous from the first wraps to the last");
        perform(&mut f, Action::NextTab);
        assert_eq!(f.active, 0, "next from the last wraps to the first");
        perform(&mut f, Action::GotoTab(1));
        assert_eq!(f.active, 1);
        perform(&mut f, Action::GotoTab(7));
        assert_eq!(f.active, 1, "no ninth tab: stay");
        let mut none = Fake::default();
        perform(&mut none, Action::NextTab); // no tab: nothing to select, no panic
        perform(&mut f, Action::NewTab);
        perform(&mut f, Action::NewWindow);
        perform(&mut f, Action::CloseTab);
        assert_eq!((f.opened, f.closed), (vec![false, true], 1));
    }

    #[test]
    fn copy_needs_a_non_empty_selection_and_paste_knows_which_buffer() {
        let mut f = Fake::default();
        perform(&mut f, Action::Copy);
        assert_eq!(f.clipboard, None);
        f.selection = Some(String::new());
        perform(&mut f, Action::Copy);
        assert_eq!(f.clipboard, None, "an empty selection leaves the clipboard alone");
        f.selection = Some("ls -l".into());
        perform(&mut f, Action::Copy);
        assert_eq!(f.clipboard.as_deref(), Some("ls -l"));
        perform(&mut f, Action::Paste);
        perform(&mut f, Action::PastePrimary);
        assert_eq!(f.pasted, [false, true]);
    }

    #[test]
    fn font_size_steps_stop_at_the_minimum_and_reset_to_the_configured_size() {
        let mut f = Fake { points: 5.0, ..Fake::default() };
        perform(&mut f, Action::IncreaseFontSize);
        assert_eq!(f.points, 6.0);
        for _ in 0..5 {
            perform(&mut f, Action::DecreaseFontSize);
        }
        assert_eq!(f.points, MIN_POINTS);
        perform(&mut f, Action::ResetFontSize);
        assert_eq!(f.points, 11.0);
    }

    #[test]
    fn paging_stays_within_the_history() {
        let mut f = Fake { history: 30, ..Fake::default() };
        perform(&mut f, Action::ScrollPageUp);
        assert_eq!(f.offset, 24);
        perform(&mut f, Action::ScrollPageUp);
        assert_eq!(f.offset, 30, "no further than the oldest line");
        perform(&mut f, Action::ScrollPageDown);
        assert_eq!(f.offset, 6);
        perform(&mut f, Action::ScrollPageDown);
        assert_eq!(f.offset, 0);
        perform(&mut f, Action::ScrollToTop);
        assert_eq!(f.offset, 30);
        perform(&mut f, Action::ScrollToBottom);
        assert_eq!(f.offset, 0);
        assert_eq!(f.redraws, 6);
    }

    #[test]
    fn prompt_jumps_put_the_prompt_at_the_top_and_next_past_the_last_goes_live() {
        // 100 history lines; prompts at absolute rows 10, 50 and 110 (on screen).
        let mut f = Fake { history: 100, prompts: vec![10, 50, 110], ..Fake::default() };
        perform(&mut f, Action::PreviousPrompt);
        assert_eq!(f.offset, 50, "row 50 at the top of the view");
        perform(&mut f, Action::PreviousPrompt);
        assert_eq!(f.offset, 90);
        perform(&mut f, Action::PreviousPrompt);
        assert_eq!(f.offset, 90, "no earlier prompt: stay");
        perform(&mut f, Action::NextPrompt);
        assert_eq!(f.offset, 50);
        perform(&mut f, Action::NextPrompt);
        assert_eq!(f.offset, 0, "row 110 is on the live screen: offset saturates at 0");
        f.prompts = vec![10];
        f.offset = 90;
        perform(&mut f, Action::NextPrompt);
        assert_eq!(f.offset, 0, "no later prompt: back to the live screen");
    }

    #[test]
    fn search_toggles() {
        let mut f = Fake::default();
        perform(&mut f, Action::Search);
        assert!(f.search);
        perform(&mut f, Action::Search);
        assert!(!f.search);
        perform(&mut f, Action::None);
        assert_eq!(f.redraws, 2);
    }

    #[test]
    fn the_resource_overlay_toggles() {
        let mut f = Fake::default();
        perform(&mut f, Action::ResourceOverlay);
        assert!(f.overlay);
        perform(&mut f, Action::ResourceOverlay);
        assert!(!f.overlay);
        assert_eq!(f.redraws, 2);
        assert_eq!(Action::parse("ResourceOverlay"), Some(Action::ResourceOverlay));
    }

    #[test]
    fn fullscreen_toggles() {
        let mut f = Fake::default();
        perform(&mut f, Action::ToggleFullscreen);
        assert!(f.fullscreen);
        perform(&mut f, Action::ToggleFullscreen);
        assert!(!f.fullscreen);
        assert_eq!(Action::parse("ToggleFullscreen"), Some(Action::ToggleFullscreen));
    }
}
