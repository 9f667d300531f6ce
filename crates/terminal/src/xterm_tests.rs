//! The core against real xterm: every case of `tests/xterm/cases.py`, as xterm 379 answered
//! it under Xvfb (`tests/xterm/xterm379.json`, recorded by `tests/xterm/record.py`), replayed
//! here byte for byte. Each case compares every reply, the final size and the screen's text;
//! the per-line DECRQCRA checksums at the end of every case compare attributes too.
//!
//! Where we answer differently on purpose, [`super::conformance`] says what we answer
//! and why.

use super::conformance::{
    Case, PARITY_RESET, REPLIES, Recording, SCREENS, expected_reply, occurrences, show,
};
use super::parser::Parser;
use super::{Term, TermConfig, TermEvent};

fn xterm() -> Recording {
    serde_json::from_str(include_str!("../../../tests/xterm/xterm379.json")).expect("recording")
}

/// The parity cases, recorded with the VT520 identity and title reports allowed.
fn xterm_parity() -> Recording {
    serde_json::from_str(include_str!("../../../tests/xterm/xterm379-parity.json"))
        .expect("recording")
}

/// Replay one recorded case; every difference from xterm, described.
fn replay(case: &Case) -> Vec<String> {
    replay_with(case, TermConfig { apply_resize_requests: true, ..TermConfig::default() })
}

/// A parity case: title reports allowed (the recording allowed every window operation), and
/// the probe's extra reset (colours, titles) played first as it was in xterm.
fn replay_parity(case: &Case) -> Vec<String> {
    let config = TermConfig {
        apply_resize_requests: true,
        allow_title_report: true,
        ..TermConfig::default()
    };
    replay_with(case, config)
}

fn replay_with(case: &Case, config: TermConfig) -> Vec<String> {
    let parity = config.allow_title_report;
    let mut term = Term::new(80, 24, config);
    let mut parser = Parser::new();
    if parity {
        term.advance(&mut parser, PARITY_RESET);
        let _ = term.take_replies();
        let _ = term.take_events();
    }
    let mut wrong = Vec::new();
    let steps: Vec<_> = case.steps.iter().filter(|s| !s.sleep).collect();
    for (step, nth) in steps.iter().zip(occurrences(steps.iter().copied())) {
        let send = step.sent();
        term.advance(&mut parser, &send);
        let ours = term.take_replies();
        // What an embedder does with the rest (resizes are applied by the core here).
        let _: Vec<TermEvent> = term.take_events();
        let expected = expected_reply(&case.name, step, nth);
        if ours != expected {
            wrong.push(format!(
                "{}: after {:?}\n      xterm: {:?}\n      ours:  {:?}",
                case.name,
                show(&send),
                show(&expected),
                show(&ours)
            ));
        }
    }
    if (term.lines(), term.cols()) != (case.rows, case.cols) {
        wrong.push(format!(
            "{}: size {}x{}, xterm {}x{}",
            case.name,
            term.cols(),
            term.lines(),
            case.cols,
            case.rows
        ));
    }
    let mut screen = term.screen_lines();
    while screen.last().is_some_and(|l| l.is_empty()) {
        screen.pop();
    }
    let expected_screen: Vec<String> = match SCREENS.iter().find(|d| d.case == case.name) {
        Some(d) => d.ours.iter().map(|l| l.to_string()).collect(),
        None => case.screen.clone().expect("xterm's screen was recorded"),
    };
    if screen != expected_screen {
        wrong.push(format!(
            "{}: screen\n      xterm: {:?}\n      ours:  {:?}",
            case.name, expected_screen, screen
        ));
    }
    wrong
}

/// Replay every case of `recording` (at least `least` of them) and fail listing each difference.
fn assert_replays_as_xterm(recording: Recording, least: usize, replay: fn(&Case) -> Vec<String>) {
    assert!(recording.terminal.contains("379"), "recorded with {}", recording.terminal);
    assert!(recording.cases.len() > least, "all cases recorded");
    let wrong: Vec<String> = recording.cases.iter().flat_map(replay).collect();
    assert!(
        wrong.is_empty(),
        "{} differences from {}:\n{}",
        wrong.len(),
        recording.terminal,
        wrong.join("\n")
    );
}

#[test]
fn the_core_answers_and_draws_as_xterm_does() {
    assert_replays_as_xterm(xterm(), 50, replay);
}

#[test]
fn the_core_answers_and_draws_as_xterm_does_beyond_the_first_cases() {
    assert_replays_as_xterm(xterm_parity(), 60, replay_parity);
}

#[test]
fn every_deliberate_difference_names_a_recorded_step() {
    let mut recording = xterm();
    recording.cases.extend(xterm_parity().cases);
    for d in REPLIES {
        assert!(!d.why.is_empty());
        let found = recording
            .cases
            .iter()
            .any(|c| c.name == d.case && c.steps.iter().any(|s| s.sent() == d.sent.as_bytes()));
        assert!(found, "no step {:?} in case {}", d.sent, d.case);
    }
    for d in SCREENS {
        assert!(!d.why.is_empty());
        assert!(recording.cases.iter().any(|c| c.name == d.case), "no case {}", d.case);
    }
}
