//! Fuzz the configuration parser (`app::config::parse`: the file's text and a `-o` override).
//! Checks that nothing panics and that whatever comes out is within the documented ranges —
//! a broken file falls back to defaults, it never yields an unusable configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uvterm::app::config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line is a `-o` override, the rest the file.
    let (over, file) = text.split_once('\n').unwrap_or((text, ""));
    let (c, _problems) = config::parse("fuzz.toml", Some(file), &[over.to_owned()]);
    assert!(c.font.size.is_finite() && (1.0..=200.0).contains(&c.font.size));
    assert_eq!(c.colors.palette.len(), 16);
    assert!(c.scrollback.lines <= 1_000_000);
    assert!((1..=uvterm::io::MAX_TABS_LIMIT).contains(&c.limits.max_tabs));
    assert!((2..=1000).contains(&c.window.columns) && (1..=1000).contains(&c.window.lines));
    let _ = c.term_config();
});
