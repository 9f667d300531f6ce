//! 1,000 tabs through the real loop on real PTYs, each running a short-lived command or an
//! interactive `sh` with output (some flooding their history, closed while its compression
//! waits); half end by the child exiting, half are closed from outside.
//! Afterwards everything they took is back: slotmap entries, libuv handles and descriptors
//! equal the baseline before the first tab, no child is left (`waitpid(-1)` says so), and
//! every tab's terminal has been dropped.
//!
//! Alone in its own test binary: it counts the whole process's descriptors.

mod common;

use std::sync::Weak;
use std::time::Duration;

use common::*;
use uvterm::io::{Command, IoConfig, IoEvent, TabShared, WindowTarget};

const TABS: usize = 1000;
const T: Duration = Duration::from_secs(20);

#[test]
fn a_thousand_tabs_come_and_go_without_a_trace() {
    let lp = start(IoConfig { kill_timeout: Duration::from_millis(500), ..IoConfig::default() });
    let baseline = lp.io.stats().unwrap();
    let mut weaks: Vec<Weak<TabShared>> = Vec::with_capacity(TABS);
    for i in 0..TABS {
        if i % 2 == 0 {
            // A short-lived command: the child exits, the tab closes itself.
            let tab = lp
                .open(WindowTarget::New, spec("/bin/sh", &["-c", &format!("echo short-lived {i}")]))
                .unwrap_or_else(|e| panic!("tab {i}: {e}"));
            let id = tab.id;
            lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == id));
            assert!(
                screen(&tab).contains(&format!("short-lived {i}")),
                "tab {i}: {:?}",
                screen(&tab)
            );
            weaks.push(std::sync::Arc::downgrade(&tab.shared));
        } else {
            // An interactive shell, fed a command, then closed from outside.
            let tab = lp
                .open(WindowTarget::New, spec("/bin/sh", &["-i"]))
                .unwrap_or_else(|e| panic!("tab {i}: {e}"));
            let marker = format!("interactive {}", i * 7);
            // One in ten floods its history first and is closed while that history still
            // waits for its deferred compression (its timer armed).
            let flood = if i % 20 == 1 { "seq 1 2000; " } else { "" };
            lp.io
                .send(Command::Write {
                    tab: tab.id,
                    bytes: format!("{flood}echo interactive $(({i}*7))\n").into_bytes(),
                })
                .unwrap();
            assert!(
                wait_until(T, || screen(&tab).contains(&marker)),
                "tab {i}: {:?}",
                screen(&tab)
            );
            let id = tab.id;
            lp.io.send(Command::CloseTab { tab: id }).unwrap();
            lp.wait_event(T, |e| matches!(e, IoEvent::TabClosed { tab, .. } if *tab == id));
            weaks.push(std::sync::Arc::downgrade(&tab.shared));
        }
    }
    // Children are reaped on SIGCHLD, a moment after their tabs close.
    assert!(wait_until(T, || lp.io.stats().unwrap().children == 0), "children left unreaped");
    let after = lp.io.stats().unwrap();
    println!("baseline {baseline:?}\nafter    {after:?}");
    assert_eq!(after.tabs, 0);
    assert_eq!(after.windows, 0);
    assert_eq!(after.slots, baseline.slots, "slotmap entries");
    assert_eq!(after.uv_handles, baseline.uv_handles, "live libuv handles");
    assert_eq!(after.fds, baseline.fds, "open descriptors");
    let alive = weaks.iter().filter(|w| w.upgrade().is_some()).count();
    assert_eq!(alive, 0, "terminals still referenced after their tabs closed");
    // No child of this process is left, zombie or not.
    // SAFETY: waitpid only writes the status integer.
    let rc = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
    assert_eq!(rc, -1);
    assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ECHILD));
    lp.io.shutdown();
}
