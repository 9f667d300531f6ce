//! Prints side-table sizes after replaying a file (a development aid for memory work).
use uvterm::term::{Term, TermConfig, parser::Parser};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: table_stats FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mut term = Term::new(120, 40, TermConfig::default());
    term.advance(&mut Parser::new(), &bytes);
    let (styles, links, clusters) = term.tables().live();
    println!("live styles {styles}, links {links}, clusters {clusters}");
    println!("history {} lines, heap {} bytes", term.main_grid().history_len(), term.heap_bytes());
}
