//! Behaviour tests for the terminal core: sequence in, screen / reply out, one file per
//! sequence family. Every helper run also checks the structural invariants and that side-table
//! reference counts are exact.

use super::cell::Content;
use super::handler::{COLOR_BACKGROUND, CursorShape};
use super::index::Line;
use super::parser::Parser;
use super::style::{Attrs, Color, Rgb, Underline};
use super::*;

struct T {
    term: Term,
    parser: Parser,
}

impl T {
    fn new(cols: usize, lines: usize) -> Self {
        Self { term: Term::new(cols, lines, TermConfig::default()), parser: Parser::new() }
    }

    fn with_config(cols: usize, lines: usize, config: TermConfig) -> Self {
        Self { term: Term::new(cols, lines, config), parser: Parser::new() }
    }

    fn feed(&mut self, bytes: impl AsRef<[u8]>) -> &mut Self {
        self.term.advance(&mut self.parser, bytes.as_ref());
        if let Err(e) = self.term.verify_invariants() {
            panic!("invariant broken after {:?}: {e}", String::from_utf8_lossy(bytes.as_ref()));
        }
        self
    }

    fn screen(&self) -> Vec<String> {
        self.term.screen_lines()
    }

    fn line(&self, n: usize) -> String {
        self.screen()[n].clone()
    }

    fn cursor(&self) -> (usize, usize) {
        let p = self.term.cursor_point();
        (p.line.0, p.column.0)
    }

    fn replies(&mut self) -> String {
        String::from_utf8_lossy(&self.term.take_replies()).into_owned()
    }

    fn style_at(&self, line: usize, col: usize) -> Style {
        let cell = self.term.grid().row(Line(line)).cells()[col];
        self.term.style(cell.style())
    }

    fn cell(&self, line: usize, col: usize) -> Cell {
        self.term.grid().row(Line(line)).cells()[col]
    }
}

mod cursor;
mod history;
mod modes_screens;
mod osc;
mod printing;
mod properties;
mod replies;
mod resets;
mod resize;
mod scroll_edit;
mod sgr;
