//! The command line: `uvterm` (a window), `uvterm --headless`, `uvterm msg …`,
//! `uvterm replay …`. Parsing errors are reported by clap with a usage line and exit code 2.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::term::{Term, TermConfig, parser::Parser as VtParser};
use crate::{io, ipc};

#[derive(Parser, Debug)]
#[command(name = "uvterm", version, about = "A GPU-rendered, tabbed terminal emulator")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run this command (and its arguments) instead of the shell.
    #[arg(short = 'e', long = "command", num_args = 1.., allow_hyphen_values = true, value_name = "COMMAND")]
    pub run: Vec<String>,

    /// Start in this directory.
    #[arg(long, value_name = "DIR")]
    pub working_directory: Option<PathBuf>,

    /// The window's initial title.
    #[arg(long, short = 'T')]
    pub title: Option<String>,

    /// Override a configuration value: `-o font.size=14` (repeatable).
    #[arg(short = 'o', long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,

    /// Use this configuration file instead of $XDG_CONFIG_HOME/uvterm/uvterm.toml.
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,

    /// Run without a window: the I/O loop and the IPC server only (tabs are opened with
    /// `uvterm msg`).
    #[arg(long)]
    pub headless: bool,

    /// Serve IPC on this socket instead of $XDG_RUNTIME_DIR/uvterm/<pid>.sock.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,

    /// Print the names of the colour themes (`theme = "NAME"`): the built-in ones and those
    /// in $XDG_CONFIG_HOME/uvterm/themes/, one a line, and exit.
    #[arg(long)]
    pub list_themes: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Feed a recording of a program's output to a headless terminal and print the final screen.
    Replay {
        /// Terminal width in columns.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=4096))]
        cols: u16,
        /// Terminal height in lines.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=4096))]
        lines: u16,
        /// Print the scrollback (oldest first) before the screen.
        #[arg(long)]
        scrollback: bool,
        /// Keep the whole history as plain cells (`scrollback.compress = false`); the output
        /// is the same either way.
        #[arg(long)]
        no_compress: bool,
        /// The recording (`-` for standard input).
        file: PathBuf,
    },
    /// Talk to a running uvterm (socket from $UVTERM_SOCKET, else the newest instance).
    Msg {
        /// The instance's socket.
        #[arg(long, value_name = "PATH")]
        socket: Option<PathBuf>,
        /// Print the reply as received (one JSON object).
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        request: MsgCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum MsgCommand {
    /// Open a window with one tab; prints "WINDOW_ID TAB_ID".
    CreateWindow {
        #[arg(long, value_name = "DIR")]
        cwd: Option<String>,
        /// Run this command instead of the shell (everything after -e).
        #[arg(short = 'e', long = "command", num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Open a tab (in the newest window unless --window); prints "TAB_ID".
    CreateTab {
        #[arg(long, value_name = "ID")]
        window: Option<u64>,
        #[arg(long, value_name = "DIR")]
        cwd: Option<String>,
        #[arg(short = 'e', long = "command", num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Close a tab (a tab's id: every pane of it) or one pane (a pane's id): its program gets
    /// SIGHUP, then SIGKILL if it lingers.
    CloseTab { id: u64 },
    /// Split a tab's focused pane (a tab's id) or a pane (a pane's id): open a new pane to
    /// its right or below it in the same tab; prints the new pane's id.
    Split {
        /// The pane (or tab) to split.
        id: u64,
        /// Where the new pane goes: right or down.
        #[arg(long, value_name = "right|down", value_parser = ["right", "down"])]
        direction: String,
        /// Start in this directory (default: the split pane's working directory).
        #[arg(long, value_name = "DIR")]
        cwd: Option<String>,
        #[arg(short = 'e', long = "command", num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Close a window and every tab in it.
    CloseWindow { id: u64 },
    /// Windows, tabs with their panes (sizes, rectangles, focus), titles and child pids, as
    /// JSON.
    List,
    /// Send bytes to a tab's program; `\e`, `\n`, `\r`, `\t`, `\xNN`, `\uXXXX` understood.
    SendText { id: u64, text: String },
    /// Paste text into a tab as the clipboard would (taken literally; controls other than
    /// TAB and line ends become spaces; bracketed when the program asked).
    Paste { id: u64, text: String },
    /// Print a tab's screen (the `replay` text format).
    GetText {
        id: u64,
        #[arg(long)]
        scrollback: bool,
    },
    /// Resize a tab (and its PTY).
    Resize { id: u64, cols: u16, lines: u16 },
    /// Live counts: tabs, panes, windows, slots, uv_handles, fds, rss_bytes, children,
    /// gl_objects, gl_contexts, frames, subscribers, notifications_sent,
    /// notifications_dropped. With --tabs, the ledger: what each tab's panes cost.
    Stats {
        /// One entry per pane, naming its tab (heap_bytes, scrollback, PTY bytes, parse time,
        /// handles, fds, processes) and the process's totals beside their sum.
        #[arg(long)]
        tabs: bool,
    },
    /// The ledger as a table that refreshes (like top); q or Ctrl+C quits.
    Top {
        /// Print one table and exit.
        #[arg(long)]
        once: bool,
        /// Print this many tables and exit.
        #[arg(short = 'n', long = "iterations", value_name = "N")]
        iterations: Option<u64>,
        /// Seconds between refreshes (0.1-3600).
        #[arg(short = 'd', long = "delay", value_name = "SECONDS", default_value_t = 1.0)]
        delay: f64,
    },
    /// Keep the connection open and print one JSON object per line per event (tab, pane and
    /// window opened/closed, title, cwd, bell, notification, command started/finished,
    /// child exited, activity, silence, resource threshold, trimmed).
    Subscribe {
        /// The event kinds wanted, comma-separated (default: all).
        #[arg(long, value_delimiter = ',', value_name = "KIND,…")]
        events: Vec<String>,
    },
    /// Close everything and exit.
    Shutdown,
    /// Name a tab (the name wins over the program's title); an empty TEXT gives the
    /// automatic title back.
    SetTabTitle { id: u64, text: String },
    /// Toggle a window's fullscreen (the newest window without an id); --on / --off set it.
    Fullscreen {
        id: Option<u64>,
        #[arg(long, conflicts_with = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
    },
    /// Re-read the configuration file (and its includes and theme) now, as saving it does;
    /// prints "ok", or the error with its file and line (exit status 1, the running
    /// configuration kept).
    ReloadConfig,
}

/// This process's startup token, as kitty and foot pass theirs on: `XDG_ACTIVATION_TOKEN`
/// (Wayland) or else `DESKTOP_STARTUP_ID` (X11), when set and Unicode. A token the instance
/// would refuse (over 256 bytes, not printable ASCII) is left out with a warning: an odd
/// launcher must not stop the window from opening, it only loses its activation. (The
/// instance still refuses such a token sent to it directly.)
fn startup_token() -> Option<String> {
    let (key, token) = ["XDG_ACTIVATION_TOKEN", "DESKTOP_STARTUP_ID"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()).map(|v| (*k, v)))?;
    match crate::io::check_activation_token(&token) {
        Ok(()) => Some(token),
        Err(e) => {
            eprintln!("uvterm: ignoring {key}: {e}");
            None
        }
    }
}

impl MsgCommand {
    fn into_request(self) -> crate::ipc::protocol::Request {
        use crate::ipc::protocol::Request;
        match self {
            MsgCommand::CreateWindow { cwd, command } => {
                Request::CreateWindow { cwd, command, activation_token: startup_token() }
            }
            MsgCommand::CreateTab { window, cwd, command } => {
                Request::CreateTab { window, cwd, command }
            }
            MsgCommand::CloseTab { id } => Request::CloseTab { tab: id },
            MsgCommand::Split { id, direction, cwd, command } => {
                Request::Split { tab: id, direction, cwd, command }
            }
            MsgCommand::CloseWindow { id } => Request::CloseWindow { window: id },
            MsgCommand::List => Request::List {},
            MsgCommand::SendText { id, text } => Request::SendText { tab: id, text },
            MsgCommand::Paste { id, text } => Request::Paste { tab: id, text },
            MsgCommand::GetText { id, scrollback } => Request::GetText { tab: id, scrollback },
            MsgCommand::Resize { id, cols, lines } => Request::Resize { tab: id, cols, lines },
            MsgCommand::Stats { tabs } => Request::Stats { tabs },
            MsgCommand::Subscribe { events } => Request::Subscribe { events },
            // `top` asks for the ledger; the client draws it.
            MsgCommand::Top { .. } => Request::Stats { tabs: true },
            MsgCommand::Shutdown => Request::Shutdown {},
            MsgCommand::SetTabTitle { id, text } => Request::SetTabTitle { tab: id, title: text },
            MsgCommand::Fullscreen { id, on, off } => Request::Fullscreen {
                window: id,
                on: if on {
                    Some(true)
                } else if off {
                    Some(false)
                } else {
                    None
                },
            },
            MsgCommand::ReloadConfig => Request::ReloadConfig {},
        }
    }
}

pub fn main() -> ExitCode {
    crate::trace::init();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // Before any thread starts (and after the logger, which can then say if it fails).
    crate::io::fix_heap_thresholds();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Replay { cols, lines, scrollback, no_compress, file }) => {
            let config = TermConfig { compress_history: !no_compress, ..TermConfig::default() };
            replay(cols as usize, lines as usize, scrollback, config, &file)
        }
        Some(Command::Msg {
            socket,
            json: _,
            request: MsgCommand::Top { once, iterations, delay },
        }) => {
            let iterations = if once { Some(1) } else { iterations };
            ipc::top::run(socket, iterations, delay)
        }
        Some(Command::Msg { socket, json: _, request: MsgCommand::Subscribe { events } }) => {
            ipc::client::subscribe(events, socket)
        }
        Some(Command::Msg { socket, json, request }) => {
            let output = if json { ipc::client::Output::Json } else { ipc::client::Output::Plain };
            ipc::client::run(request.into_request(), socket, output)
        }
        None if cli.list_themes => {
            let names = crate::app::themes::names(crate::app::themes::user_dir().as_deref());
            crate::out::println(&names.join("\n")).err().unwrap_or(ExitCode::SUCCESS)
        }
        None if cli.headless => headless(cli),
        None => {
            if let Some(dir) = &cli.working_directory
                && !dir.is_dir()
            {
                eprintln!("uvterm: {} is not a directory", dir.display());
                return ExitCode::from(2);
            }
            crate::app::run(crate::app::GuiOptions {
                command: cli.run,
                working_directory: cli.working_directory,
                title: cli.title,
                overrides: cli.options,
                config_file: cli.config_file,
                socket: cli.socket,
            })
        }
    }
}

/// The headless daemon: the I/O loop and the IPC server, no window. The configuration
/// (`--config-file` or the default file, then `-o`) applies to its tabs exactly as to a
/// window's: `[terminal]`, `[scrollback]`, `[shell]`, `[colors]`, `[cursor]` and the window's
/// size in cells, and `[limits]`. Options that only make sense for a window are refused.
fn headless(cli: Cli) -> ExitCode {
    let window_only = [
        (!cli.run.is_empty(), "-e"),
        (cli.title.is_some(), "--title"),
        (cli.working_directory.is_some(), "--working-directory"),
    ];
    if let Some((_, option)) = window_only.iter().find(|(given, _)| *given) {
        eprintln!(
            "uvterm: {option} opens a window's first tab; with --headless open tabs with \
             `uvterm msg create-tab`"
        );
        return ExitCode::from(2);
    }
    if let Some(message) = crate::app::config::missing_config_file(cli.config_file.as_deref()) {
        eprintln!("uvterm: {message}");
        return ExitCode::from(2);
    }
    let config_path = cli.config_file.clone().or_else(crate::app::config::default_path);
    let (app_config, problems) = crate::app::config::load(config_path.as_deref(), &cli.options);
    for p in &problems {
        eprintln!("uvterm: {p}");
    }
    crate::pty::raise_fd_limit();
    let path = match ipc::socket::server_path(cli.socket.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("uvterm: cannot set up the IPC socket: {e}");
            return ExitCode::from(1);
        }
    };
    let config = io::IoConfig {
        // No window to resize: the tab applies size requests itself.
        term: crate::term::TermConfig { apply_resize_requests: true, ..app_config.term_config() },
        default_size: (app_config.window.columns, app_config.window.lines),
        ipc_socket: Some(path.clone()),
        ipc_codec: Some(ipc::protocol::JsonCodec::shared()),
        max_tabs: app_config.limits.max_tabs,
        termination_signals: true,
        shell: app_config.shell_command(),
        ledger: app_config.ledger_config(),
        shell_integration: app_config.shell_integration.0,
        ..io::IoConfig::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = match io::IoHandle::start(config, Box::new(tx)) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("uvterm: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    // The socket path on stdout, for scripts that start the daemon.
    // Nobody reading it is no reason to stop the daemon.
    let _ = crate::out::println(&path.display().to_string());
    // The daemon's clipboard is its own memory: the last OSC 52 write per selection, which
    // an allowed OSC 52 read answers (a selection never written answers empty).
    let mut clipboard: std::collections::HashMap<u8, Vec<u8>> = Default::default();
    // Each open tab's shared state, to take its coalesced events (OSC 52 writes among them).
    // Held weakly: the I/O thread drops the last reference when a tab closes, so the tab's
    // memory is freed (and trimmed) there, as it is without this map.
    let mut tabs: std::collections::HashMap<io::TabId, std::sync::Weak<io::TabShared>> =
        Default::default();
    'events: for event in rx {
        log::debug!("{event:?}");
        let events = match event {
            io::IoEvent::TabEvents(tab) => {
                tabs.get(&tab).and_then(|s| s.upgrade()).map(|s| s.ui.take(tab)).unwrap_or_default()
            }
            other => vec![other],
        };
        for event in events {
            match event {
                io::IoEvent::Stopped => break 'events,
                io::IoEvent::TabOpened { tab, shared, .. } => {
                    tabs.insert(tab, std::sync::Arc::downgrade(&shared.0));
                }
                io::IoEvent::PaneOpened { info, .. } => {
                    tabs.insert(info.id, std::sync::Arc::downgrade(&info.shared));
                }
                io::IoEvent::TabClosed { tab, .. } => {
                    tabs.remove(&tab);
                }
                io::IoEvent::PaneClosed { pane, .. } => {
                    tabs.remove(&pane);
                }
                // Only xterm's selection names (c, p, q, s, 0-7): at most 12 entries are kept.
                io::IoEvent::Clipboard { selection, mut data, .. }
                    if matches!(selection, b'c' | b'p' | b'q' | b's' | b'0'..=b'7') =>
                {
                    data.truncate(io::CLIPBOARD_REPLY_MAX);
                    clipboard.insert(selection, data);
                }
                io::IoEvent::ClipboardLoad { tab, selection, terminator } => {
                    let data = clipboard.get(&selection).cloned().unwrap_or_default();
                    let reply = io::Command::ClipboardReply { tab, selection, data, terminator };
                    let _ = handle.send(reply);
                }
                _ => (),
            }
        }
    }
    drop(tabs);
    handle.join();
    ExitCode::SUCCESS
}

fn replay(
    cols: usize,
    lines: usize,
    scrollback: bool,
    config: TermConfig,
    file: &PathBuf,
) -> ExitCode {
    let mut input: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("uvterm replay: cannot open {}: {e}", file.display());
                return ExitCode::from(1);
            }
        }
    };
    let mut term = Term::new(cols, lines, config);
    let mut parser = VtParser::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                term.advance(&mut parser, &buf[..n]);
                // Replies (DA, DSR…) have nowhere to go in a replay.
                drop(term.take_replies());
                term.take_events();
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                eprintln!("uvterm replay: cannot read {}: {e}", file.display());
                return ExitCode::from(1);
            }
        }
    }
    let text = term.text(scrollback);
    crate::out::print(&text).err().unwrap_or(ExitCode::SUCCESS)
}
