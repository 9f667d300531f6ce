//! The command line: `uvterm` (a window), `uvterm --headless`, `uvterm msg …`,
//! `uvterm replay …`. Parsing errors are reported by clap with a usage line and exit code 2.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::term::{Term, TermConfig, parser::Parser as VtParser};

#[derive(Parser, Debug)]
#[command(name = "uvterm", version, about = "A GPU-rendered, tabbed terminal emulator")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
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
        /// The recording (`-` for standard input).
        file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Replay { cols, lines, scrollback, file }) => {
            replay(cols as usize, lines as usize, scrollback, &file)
        }
        None => {
            eprintln!("uvterm: nothing to do yet; see `uvterm --help`");
            ExitCode::from(2)
        }
    }
}

fn replay(cols: usize, lines: usize, scrollback: bool, file: &PathBuf) -> ExitCode {
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
    let mut term = Term::new(cols, lines, TermConfig::default());
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
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("uvterm replay: cannot write: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
