//! Split panes through the I/O core's own API, as the window uses it (`io::Command`): the
//! `PaneOpened`/`PaneClosed`/`TabClosed` events the UI gets, the layout it reports coming back
//! in `list`, a bad layout refused, and every closed pane's terminal dropped (its
//! `Arc<TabShared>` released). Real PTYs, the real libuv loop.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use uvterm::io::{
    Command, IoConfig, IoEvent, PaneGeometry, SplitDirection, TabId, TabInfo, WindowTarget,
};

const T: Duration = Duration::from_secs(20);

fn split(lp: &Loop, target: TabId, direction: SplitDirection) -> TabInfo {
    let (tx, rx) = mpsc::channel();
    let spec = spec("/bin/sleep", &["60"]);
    lp.io.send(Command::Split { target, direction, spec, reply: Some(tx) }).unwrap();
    rx.recv_timeout(T).unwrap().unwrap()
}

fn rect(pane: TabId, x: u32, width: u32) -> PaneGeometry {
    PaneGeometry { pane, cols: (width / 10) as u16, lines: 24, x, y: 0, width, height: 480 }
}

#[test]
fn the_ui_hears_of_panes_and_its_layout_shows_in_list() {
    let lp = start(IoConfig::default());
    let tab = lp.open(WindowTarget::New, spec("/bin/sleep", &["60"])).unwrap();
    let a = split(&lp, tab.id, SplitDirection::Right);
    assert_eq!((a.tab, a.window), (tab.id, tab.window));
    let e = lp.wait_event(T, |e| matches!(e, IoEvent::PaneOpened { .. }));
    let IoEvent::PaneOpened { info, tab: t, beside, direction } = e else { unreachable!() };
    assert_eq!((info.id, t, beside, direction), (a.id, tab.id, tab.id, SplitDirection::Right));
    assert!(std::sync::Arc::ptr_eq(&info.shared, &a.shared), "the UI gets the pane's terminal");
    let b = split(&lp, a.id, SplitDirection::Down);

    // The UI's layout: `a` focused, rectangles in pixels.
    let layout = vec![rect(tab.id, 0, 400), rect(a.id, 400, 400), rect(b.id, 400, 400)];
    let send_layout = |focused: TabId, panes: Vec<PaneGeometry>| {
        let c = Command::PaneLayout { tab: tab.id, focused, zoomed: false, panes };
        lp.io.send(c).unwrap();
    };
    send_layout(a.id, layout.clone());
    let summary = &lp.io.list().unwrap()[0].tabs[0];
    assert_eq!(summary.focused_pane, a.id);
    let ids: Vec<TabId> = summary.panes.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![tab.id, a.id, b.id]);
    let pa = &summary.panes[1];
    assert_eq!((pa.x, pa.width, pa.height, pa.focused), (Some(400), Some(400), Some(480), true));
    // A layout naming a pane of no such tab, or focusing one, changes nothing.
    send_layout(TabId(999_999), layout.clone());
    let mut stray = layout.clone();
    stray.push(rect(TabId(999_999), 0, 10));
    send_layout(a.id, stray);
    let again = &lp.io.list().unwrap()[0].tabs[0];
    assert_eq!(again.focused_pane, a.id);
    assert_eq!(again.panes[2].x, Some(400));

    // A pane closes: PaneClosed (the tab lives on; closed by a request, not `ended`: the UI
    // never holds it open), its rectangle forgotten, its terminal dropped; the tab's last
    // pane: TabClosed with the tab's id.
    let weak_a = std::sync::Arc::downgrade(&a.shared);
    drop((a.shared, info));
    lp.io.send(Command::CloseTab { tab: a.id }).unwrap();
    let e =
        lp.wait_event(T, |e| matches!(e, IoEvent::PaneClosed { .. } | IoEvent::TabClosed { .. }));
    assert!(
        matches!(e, IoEvent::PaneClosed { pane, tab: t, window, ended: false, .. }
            if pane == a.id && t == tab.id && window == tab.window),
        "{e:?}"
    );
    assert!(wait_until(T, || weak_a.upgrade().is_none()), "the closed pane's terminal is dropped");
    let summary = &lp.io.list().unwrap()[0].tabs[0];
    assert_eq!(summary.panes.len(), 2);
    assert_eq!(summary.focused_pane, tab.id, "focus falls back to the pane before");
    let stats = lp.io.stats().unwrap();
    assert_eq!((stats.tabs, stats.panes), (1, 2));
    let (weak_t, weak_b) =
        (std::sync::Arc::downgrade(&tab.shared), std::sync::Arc::downgrade(&b.shared));
    drop((tab.shared, b.shared));
    lp.io.send(Command::CloseTab { tab: tab.id }).unwrap();
    let mut seen = Vec::new();
    loop {
        match lp.wait_event(T, |e| {
            matches!(
                e,
                IoEvent::PaneClosed { .. } | IoEvent::TabClosed { .. } | IoEvent::WindowClosed(_)
            )
        }) {
            IoEvent::WindowClosed(w) => {
                assert_eq!(w, tab.window);
                break;
            }
            e => seen.push(e),
        }
    }
    assert!(matches!(seen[0], IoEvent::PaneClosed { .. }), "{seen:?}");
    assert!(matches!(seen[1], IoEvent::TabClosed { tab: t, .. } if t == tab.id), "{seen:?}");
    assert_eq!(seen.len(), 2);
    assert!(wait_until(T, || weak_t.upgrade().is_none() && weak_b.upgrade().is_none()));
    assert!(wait_until(T, || lp.io.stats().unwrap().children == 0));
    let stats = lp.io.stats().unwrap();
    assert_eq!((stats.tabs, stats.panes, stats.windows), (0, 0, 0));
    lp.io.shutdown();
}

#[test]
fn a_pane_whose_program_exits_closes_as_ended_with_its_status() {
    // What the UI's `panes.hold_exited` keys on: `ended` and the status.
    let lp = start(IoConfig::default());
    let tab = lp.open(WindowTarget::New, spec("/bin/sleep", &["60"])).unwrap();
    let (tx, rx) = mpsc::channel();
    let spec = spec("/bin/sh", &["-c", "sleep 0.2; exit 3"]);
    lp.io
        .send(Command::Split {
            target: tab.id,
            direction: SplitDirection::Down,
            spec,
            reply: Some(tx),
        })
        .unwrap();
    let pane = rx.recv_timeout(T).unwrap().unwrap();
    let e =
        lp.wait_event(T, |e| matches!(e, IoEvent::PaneClosed { .. } | IoEvent::TabClosed { .. }));
    assert!(
        matches!(e, IoEvent::PaneClosed { pane: p, ended: true, exit: Some(3), .. } if p == pane.id),
        "{e:?}"
    );
    let stats = lp.io.stats().unwrap();
    assert_eq!((stats.tabs, stats.panes), (1, 1));
    lp.io.shutdown();
}
