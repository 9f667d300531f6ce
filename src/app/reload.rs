//! The live configuration reload, UI side (ARCHITECTURE.md, "Configuration: reload and
//! themes"): the I/O thread watches the files and says when they changed
//! (`IoEvent::ConfigChanged`) or when `uvterm msg reload-config` asks
//! (`IoEvent::ReloadConfig`); this re-reads and parses them, and applies a configuration
//! without problems live — colours, fonts, padding, cursor, keybindings, scrollback limit (the
//! I/O thread reconfigures every tab), opacity. A configuration with problems is not applied:
//! the running one stays and the problems are shown in every window's banner (until the next
//! good reload or Escape) and returned to `msg reload-config`; one whose problems only say
//! what was left out (`; ignored`: an unknown key) applies, as at start, with the banner
//! saying what was ignored. Also the action that opens the
//! configuration file in the user's editor.
//!
//! Must not touch: PTYs and the loop (it sends `io::Command`s).

use std::path::PathBuf;

use super::App;
use super::bindings;
use super::config::{self, Config};
use crate::io;
use crate::render::fonts::Fonts;

/// The header of a configuration file created by the edit action.
const NEW_FILE_HEADER: &str = "# uvterm configuration (TOML). Every key, with its default, is in \
uvterm.example.toml;\n# saving this file applies it at once (errors show in the window).\n";

impl App {
    /// Tell the I/O thread which files to watch, when that changed.
    pub(super) fn watch_files(&mut self, files: &[PathBuf]) {
        if self.watched.as_slice() == files {
            return;
        }
        self.watched = files.to_vec();
        let paths = files.iter().take(io::MAX_WATCHED_FILES).cloned().collect();
        let _ = self.sender.send(io::Command::WatchConfig { paths });
    }

    /// Start the settings portal's watcher when the theme follows the desktop, stop (and join)
    /// it when it no longer does.
    pub(super) fn update_portal(&mut self, follows: bool) {
        if !follows {
            self.portal = None;
            return;
        }
        if self.portal.is_some() {
            return;
        }
        let (proxy, backlog) = self.waker.clone();
        // Counted like the I/O thread's events (`stats.ui_backlog`): the UI's `Handled`
        // takes one off for every event it handles.
        let wake = Box::new(move || {
            backlog.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if proxy.send_event(io::IoEvent::ConfigChanged).is_err() {
                backlog.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        match super::portal::Portal::start(self.portal_shared.clone(), wake) {
            Ok(p) => self.portal = Some(p),
            Err(e) => log::warn!("cannot watch the desktop's colour scheme: {e}"),
        }
    }

    /// Re-read the configuration and apply it; on problems keep the running one, show them in
    /// the windows and return them (one a line).
    pub(super) fn reload_config(&mut self) -> Result<(), String> {
        let appearance = super::portal::appearance(&self.portal_shared).unwrap_or(self.appearance);
        let loaded =
            config::load_full(self.config_path.as_deref(), &self.options.overrides, appearance);
        self.watch_files(&loaded.files);
        self.update_portal(loaded.follows_desktop);
        let (bindings, more) = bindings::load(&loaded.config.keybindings);
        let mut problems = loaded.problems;
        problems.extend(more);
        // What is ignored (an unknown key, say) is ignored here too, as at start; anything
        // else keeps the running configuration, whatever a problem says start would use.
        let (ignored, blocking): (Vec<String>, Vec<String>) =
            problems.into_iter().partition(|p| is_ignored(p));
        if !blocking.is_empty() {
            let problems: Vec<String> =
                blocking.iter().chain(&ignored).map(|p| kept_running(p)).collect();
            let message = problems.join("\n");
            self.show_config_error(Some(banner(&problems, "; not applied")));
            return Err(message);
        }
        self.apply_config(loaded.config, bindings);
        self.show_config_error((!ignored.is_empty()).then(|| banner(&ignored, "")));
        for p in &ignored {
            eprintln!("uvterm: {p}");
        }
        Ok(())
    }

    /// Show (or, with `None`, take away) the configuration error banner in every window.
    /// New windows show it too.
    fn show_config_error(&mut self, banner: Option<String>) {
        for w in self.windows.values_mut() {
            if w.banner != banner {
                w.banner = banner.clone();
                w.window.request_redraw();
            }
        }
        self.config_error = banner;
    }

    /// Escape in window `wid` hides the banner that window shows; true when it showed one
    /// (the key is used up; in a window without a banner it goes on to the program). The
    /// configuration error's banner is the same in every window and goes from all of them;
    /// another (refused input: `IoEvent::InputRefused`) from this window only, which then
    /// shows the configuration error again if there is one.
    pub(super) fn dismiss_banner(&mut self, wid: winit::window::WindowId) -> bool {
        let Some(w) = self.windows.get_mut(&wid) else { return false };
        let Some(shown) = w.banner.take() else { return false };
        w.window.request_redraw();
        if self.config_error.as_ref() == Some(&shown) {
            self.show_config_error(None);
        } else {
            w.banner = self.config_error.clone();
        }
        true
    }

    /// Apply a configuration that loaded without problems.
    fn apply_config(&mut self, new: Config, bindings: Vec<bindings::Binding>) {
        let mut term = new.term_config();
        term.cell_pixels = self.config.term_config().cell_pixels;
        let _ = self
            .sender
            .send(io::Command::Reconfigure { term: Box::new(term), ledger: new.ledger_config() });
        let font_changed =
            new.font.spec() != self.config.font.spec() || new.font.size != self.config.font.size;
        for w in self.windows.values_mut() {
            w.set_panes(&new.panes);
            w.set_padding(new.window.padding);
            w.set_look(new.colors.selection.0, new.window.opacity);
            if font_changed {
                match Fonts::new(&new.font.spec(), new.font.size, w.fonts.scale) {
                    Ok(f) => w.set_fonts(f, &self.sender),
                    Err(e) => log::warn!("fonts of the reloaded configuration: {e}"),
                }
            } else {
                w.sync_size(&self.sender);
            }
            w.window.request_redraw();
        }
        self.bindings = bindings;
        self.config = new;
    }

    /// Open the configuration file in `$VISUAL`, else `$EDITOR`, else `vi`, in a new tab of
    /// window `wid` (creating the file, with a commented header, when there is none). Saving
    /// it applies it through the watch.
    pub(super) fn edit_config(&mut self, wid: winit::window::WindowId) {
        let Some(path) = self.config_path.clone() else {
            log::warn!("no configuration path ($XDG_CONFIG_HOME and $HOME are unset)");
            return;
        };
        if !path.exists() {
            let created = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, NEW_FILE_HEADER));
            if let Err(e) = created {
                self.show_config_error(Some(format!("cannot create {}: {e}", path.display())));
                return;
            }
            let files = [path.clone()];
            self.watch_files(&files);
        }
        let editor = ["VISUAL", "EDITOR"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "vi".into());
        // "code --wait" and the like: words split on white space (no shell is involved).
        let mut command: Vec<String> = editor.split_whitespace().map(str::to_owned).collect();
        command.push(path.display().to_string());
        let Some(w) = self.windows.get(&wid) else { return };
        let l = w.layout();
        let mut spec = self.spawn_spec(&command, path.parent().map(PathBuf::from));
        spec.cols = l.cols as u16;
        spec.lines = l.lines as u16;
        let request =
            io::OpenTab { window: io::WindowTarget::Existing(w.id), spec, activation_token: None };
        let _ = self.sender.send(io::Command::OpenTab { request, reply: None });
    }
}

/// The configuration file's path: `--config-file`, else the default one.
pub(super) fn config_path(option: Option<&std::path::Path>) -> Option<PathBuf> {
    option.map(PathBuf::from).or_else(config::default_path)
}

/// The banner of a reload with `problems` (as [`kept_running`] words them): the first
/// mistake, then its file's name and line, so that the mistake shows at 80 columns, then
/// `outcome` (`"; not applied"`, or nothing when the problems were only ignored) and how many
/// more there are.
fn banner(problems: &[String], outcome: &str) -> String {
    let first = problems.first().map_or("", String::as_str);
    let more = match problems.len() {
        0 | 1 => String::new(),
        n => format!(" ({} more)", n - 1),
    };
    format!("{}{outcome}{more}", config::brief(first))
}

/// Whether a loading problem only says what was left out (an unknown key, a bad include
/// entry): the rest of the file applies, at start and on a reload alike.
fn is_ignored(problem: &str) -> bool {
    problem.ends_with("; ignored")
}

/// A loading problem as a reload reports it: without what loading at start would use instead
/// ("; using 0.2", "; using the default configuration", "; that section keeps its defaults"),
/// since a reload with a problem keeps the running configuration.
fn kept_running(problem: &str) -> String {
    let cut = ["; using ", "; that section keeps its defaults"]
        .iter()
        .filter_map(|m| problem.find(m))
        .min()
        .unwrap_or(problem.len());
    problem[..cut].to_owned()
}

#[cfg(test)]
mod tests {
    use super::{banner, is_ignored, kept_running};

    #[test]
    fn the_banner_shows_the_mistake_before_the_file() {
        let problems = [
            "/work/s8-user/cfg/uvterm/uvterm.toml, line 3: font.size: invalid type: string \
             \"big\", expected a number from 1 to 200"
                .to_owned(),
            "/work/s8-user/cfg/uvterm/uvterm.toml, line 4: font.family: x".to_owned(),
        ];
        let b = banner(&problems, "; not applied");
        assert_eq!(
            b,
            "font.size: invalid type: string \"big\", expected a number from 1 to 200 \
             (uvterm.toml line 3); not applied (1 more)"
        );
        assert!(b.find("font.size") < Some(10), "the mistake leads: {b}");
    }

    #[test]
    fn only_left_out_keys_let_a_reload_apply() {
        assert!(is_ignored("/c/uvterm.toml, line 1: unknown key `bogus`; ignored"));
        assert!(!is_ignored("/c/uvterm.toml, line 3: font.size 500 is out of range (1-200)"));
        assert!(!is_ignored("[font]: bad; that section keeps its defaults"));
    }

    #[test]
    fn reload_problems_do_not_promise_a_fallback() {
        assert_eq!(
            kept_running("panes.dim_unfocused 5 is out of range (0-1); using 0.2"),
            "panes.dim_unfocused 5 is out of range (0-1)"
        );
        assert_eq!(
            kept_running("t, line 1, column 3 (`a = = 1`): bad; using the default configuration"),
            "t, line 1, column 3 (`a = = 1`): bad"
        );
        assert_eq!(kept_running("[font]: bad; that section keeps its defaults"), "[font]: bad");
        assert_eq!(kept_running("no fallback here"), "no fallback here");
    }
}
