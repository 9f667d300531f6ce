//! Helpers shared by the integration tests: a real I/O loop with a channel sink.
#![allow(dead_code)]

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use uvterm::io::{IoConfig, IoEvent, IoHandle, OpenTab, TabInfo, WindowTarget};
use uvterm::pty::SpawnSpec;

pub struct Loop {
    pub io: IoHandle,
    pub events: Receiver<IoEvent>,
}

pub fn start(config: IoConfig) -> Loop {
    let (tx, rx) = std::sync::mpsc::channel();
    let io = IoHandle::start(config, Box::new(tx)).expect("start the I/O loop");
    Loop { io, events: rx }
}

pub fn spec(program: &str, args: &[&str]) -> SpawnSpec {
    SpawnSpec {
        program: Some(program.into()),
        args: args.iter().map(Into::into).collect(),
        cols: 80,
        lines: 24,
        ..SpawnSpec::default()
    }
}

impl Loop {
    pub fn open(&self, window: WindowTarget, spec: SpawnSpec) -> Result<TabInfo, String> {
        self.io.open_tab(OpenTab { window, spec, activation_token: None })
    }

    /// Wait for an event matching `pred`, failing after `timeout`.
    pub fn wait_event(&self, timeout: Duration, mut pred: impl FnMut(&IoEvent) -> bool) -> IoEvent {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) if pred(&e) => return e,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => panic!("no matching event within {timeout:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the loop stopped"),
            }
        }
    }
}

/// Poll `cond` until true or `timeout`.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

/// The tab's screen text.
pub fn screen(tab: &TabInfo) -> String {
    tab.shared.term.lock().unwrap().text(true)
}
