//! Split panes on the I/O side, against the real `uvterm --headless` daemon: real programs
//! in real PTYs, the real libuv loop, the real Unix socket and the real `uvterm msg` client.
//! `msg split` opens panes with fresh ids; `list` shows each tab's panes; `get-text`,
//! `send-text` and `resize` on a pane's id reach that pane only; a pane closes by its
//! program's exit, by `close-tab PANE`, with its tab (`close-tab TAB`) or its window; bad
//! requests get errors; 1,000 split/close cycles leave `stats` exactly at its baseline.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use serde_json::{Value, json};

#[path = "common/daemon.rs"]
mod daemon;

use daemon::{Daemon, wait_for};

fn ok(v: Value) -> Value {
    assert_eq!(v["ok"], true, "{v}");
    v
}

fn stats(d: &Daemon) -> Value {
    ok(d.request(r#"{"cmd":"stats"}"#))
}

fn list(d: &Daemon) -> Value {
    ok(d.request(r#"{"cmd":"list"}"#))
}

/// The `list` entry of tab `id`, if it is open.
fn tab_entry(d: &Daemon, id: u64) -> Option<Value> {
    list(d)["windows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["tabs"].as_array().unwrap().clone())
        .find(|t| t["id"] == id)
}

fn pane_ids(tab: &Value) -> Vec<u64> {
    tab["panes"].as_array().unwrap().iter().map(|p| p["id"].as_u64().unwrap()).collect()
}

fn create_tab(d: &Daemon, command: &[&str]) -> u64 {
    let v = ok(d.request(&json!({"cmd": "create-tab", "command": command}).to_string()));
    v["tab"].as_u64().unwrap()
}

/// Split over the raw socket; the new pane's id.
fn split(d: &Daemon, target: u64, direction: &str, command: &[&str]) -> u64 {
    let req = json!({"cmd": "split", "tab": target, "direction": direction, "command": command});
    let v = ok(d.request(&req.to_string()));
    v["pane"].as_u64().unwrap_or_else(|| panic!("no pane id in {v}"))
}

/// `uvterm msg ARGS…`: stdout when it succeeded.
fn msg(d: &Daemon, args: &[&str]) -> String {
    let out = d.msg(args);
    assert!(out.status.success(), "msg {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn text(d: &Daemon, id: u64) -> String {
    ok(d.request(&json!({"cmd": "get-text", "tab": id}).to_string()))["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn send(d: &Daemon, id: u64, text: &str) {
    ok(d.request(&json!({"cmd": "send-text", "tab": id, "text": text}).to_string()));
}

fn wait_text(d: &Daemon, id: u64, needle: &str) -> String {
    wait_for(15, &format!("{needle:?} in pane {id}"), || {
        let t = text(d, id);
        t.contains(needle).then_some(t)
    })
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// `msg split` prints new ids; `list` shows the tab's panes in order with their sizes and the
/// focused one; `send-text`, `get-text` and `resize` on a pane's id reach that pane only.
#[test]
fn split_right_and_down_and_address_each_pane() {
    let d = Daemon::start("panes-split");
    let tab = create_tab(&d, &["/bin/sh"]);
    let right: u64 = msg(&d, &["split", &tab.to_string(), "--direction", "right", "-e", "/bin/sh"])
        .trim()
        .parse()
        .unwrap();
    let out = msg(
        &d,
        &["split", &right.to_string(), "--direction", "down", "--cwd", "/", "-e", "/bin/sh"],
    );
    let down: u64 = out.trim().parse().unwrap();
    assert!(right > tab && down > right, "fresh ids: {tab} {right} {down}");
    // The JSON reply names the pane and its tab.
    let json_reply: Value = serde_json::from_str(&msg(
        &d,
        &["--json", "split", &tab.to_string(), "--direction", "down", "-e", "/bin/sleep", "60"],
    ))
    .unwrap();
    assert_eq!(json_reply["tab"], tab, "{json_reply}");
    let fourth = json_reply["pane"].as_u64().unwrap();

    let entry = tab_entry(&d, tab).expect("the tab is listed");
    // Split panes go right after the pane they were split from.
    assert_eq!(pane_ids(&entry), vec![tab, fourth, right, down], "{entry}");
    assert_eq!(entry["focused_pane"], fourth, "headless: the newest pane has focus");
    let panes = entry["panes"].as_array().unwrap();
    let size = |id: u64| {
        let p = panes.iter().find(|p| p["id"] == id).unwrap();
        (count(p, "cols"), count(p, "lines"))
    };
    assert_eq!(size(tab), (80, 24));
    assert_eq!(size(right), (40, 24), "right: half the columns");
    assert_eq!(size(down), (40, 12), "down: half the lines of the pane split");
    assert_eq!(size(fourth), (80, 12));
    assert!(panes.iter().all(|p| p["pid"].as_u64().unwrap() > 1 && p.get("x").is_none()));
    assert_eq!(panes.iter().filter(|p| p["focused"] == true).count(), 1);
    // The tab's own fields are its first pane's.
    assert_eq!((count(&entry, "cols"), count(&entry, "lines")), (80, 24));
    assert_eq!(entry["pid"], panes[0]["pid"]);
    assert_eq!(panes.iter().find(|p| p["id"] == down).unwrap()["cwd"], "/");
    let s = stats(&d);
    assert_eq!((count(&s, "tabs"), count(&s, "panes")), (1, 4), "{s}");
    // One ledger entry per pane, naming its tab.
    let ledger = ok(d.request(r#"{"cmd":"stats","tabs":true}"#));
    let entries = ledger["tabs"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert!(entries.iter().all(|e| e["tab"] == tab && e["heap_bytes"].is_u64()), "{ledger}");

    // Each pane's program sees its own size, and only its own input.
    for (id, want) in [(tab, "24 80"), (right, "24 40"), (down, "12 40")] {
        msg(
            &d,
            &["send-text", &id.to_string(), &format!(r"echo pane-$((({id}*1000))); stty size\r")],
        );
        let t = wait_text(&d, id, want);
        assert!(t.contains(&format!("pane-{}", id * 1000)), "{t}");
    }
    for id in [tab, right, down] {
        let t = text(&d, id);
        for other in [tab, right, down].into_iter().filter(|o| *o != id) {
            assert!(
                !t.contains(&format!("pane-{}", other * 1000)),
                "pane {id} got {other}'s input: {t}"
            );
        }
    }
    send(&d, down, r"pwd\r");
    wait_text(&d, down, "\n/\n");
    // Resize one pane: its program sees it, its neighbours keep theirs.
    msg(&d, &["resize", &down.to_string(), "50", "10"]);
    send(&d, down, r"stty size\r");
    wait_text(&d, down, "10 50");
    let entry = tab_entry(&d, tab).unwrap();
    let sizes: Vec<(u64, u64)> = entry["panes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (count(p, "cols"), count(p, "lines")))
        .collect();
    assert_eq!(sizes, vec![(80, 24), (80, 12), (40, 24), (50, 10)]);
    assert_eq!(text(&d, down).lines().count(), 10, "get-text of a pane: its own screen");
}

/// A pane closes by its program's exit and by `close-tab PANE` (its tab lives on); a tab whose
/// first pane closed is still addressed by its id (its focused pane); `close-tab TAB` and
/// `close-window` take every pane. Subscribers hear `pane-opened` and `pane-closed`.
#[test]
fn panes_close_by_exit_by_id_with_their_tab_and_their_window() {
    let d = Daemon::start("panes-close");
    let mut sub = UnixStream::connect(&d.socket).unwrap();
    sub.write_all(
        b"{\"cmd\":\"subscribe\",\"events\":[\"pane-opened\",\"pane-closed\",\"tab-closed\"]}\n",
    )
    .unwrap();
    sub.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut events = BufReader::new(sub.try_clone().unwrap());
    let mut next_event = || {
        let mut line = String::new();
        events.read_line(&mut line).unwrap();
        serde_json::from_str::<Value>(&line).unwrap()
    };
    assert_eq!(next_event()["ok"], true);

    let tab = create_tab(&d, &["/bin/sh"]);
    let a = split(&d, tab, "right", &["/bin/sh"]);
    let b = split(&d, tab, "down", &["/bin/sh"]);
    assert_eq!(
        next_event(),
        json!({"event": "pane-opened", "pane": a, "tab": tab, "window": next_window(&d, tab), "pid": pid_of(&d, tab, a)})
    );
    assert_eq!(next_event()["pane"], b);

    // By its program's exit.
    send(&d, a, r"exit\r");
    let e = next_event();
    assert_eq!(
        (e["event"].as_str(), &e["pane"], &e["tab"]),
        (Some("pane-closed"), &json!(a), &json!(tab)),
        "{e}"
    );
    assert_eq!(pane_ids(&tab_entry(&d, tab).unwrap()), vec![tab, b]);
    // By close-tab of the pane's id.
    let c = split(&d, b, "right", &["/bin/sleep", "60"]);
    assert_eq!(next_event()["pane"], c);
    msg(&d, &["close-tab", &c.to_string()]);
    assert_eq!(next_event()["pane"], c);
    let entry = tab_entry(&d, tab).unwrap();
    assert_eq!(pane_ids(&entry), vec![tab, b]);
    assert_eq!(entry["focused_pane"], b, "focus falls back to the pane before the closed one");
    // The tab's first pane exits: the tab lives on, its id now the focused pane.
    send(&d, tab, r"exit\r");
    let e = next_event();
    assert_eq!((e["event"].as_str(), &e["pane"]), (Some("pane-closed"), &json!(tab)), "{e}");
    let entry = tab_entry(&d, tab).expect("the tab outlives its first pane");
    assert_eq!(pane_ids(&entry), vec![b]);
    send(&d, tab, r"echo via-tab-$((2*21))\r");
    wait_text(&d, b, "via-tab-42");
    assert!(text(&d, tab).contains("via-tab-42"), "get-text of the tab's id: its focused pane");
    let s = stats(&d);
    assert_eq!((count(&s, "tabs"), count(&s, "panes")), (1, 1), "{s}");
    // close-tab of the tab's id: every pane goes, the tab with the last one.
    split(&d, tab, "right", &["/bin/sleep", "60"]);
    assert_eq!(next_event()["event"], "pane-opened");
    msg(&d, &["close-tab", &tab.to_string()]);
    let closed: Vec<Value> = (0..2).map(|_| next_event()).collect();
    assert_eq!(closed[0]["event"], "pane-closed", "{closed:?}");
    assert_eq!(
        closed[1],
        json!({"event": "tab-closed", "tab": tab, "window": closed[0]["window"]})
    );
    assert!(tab_entry(&d, tab).is_none());
    // close-window: its tabs and all their panes.
    let out = msg(&d, &["create-window", "-e", "/bin/sleep", "60"]);
    let ids: Vec<u64> = out.split_whitespace().map(|v| v.parse().unwrap()).collect();
    let (window, wtab) = (ids[0], ids[1]);
    for dir in ["right", "down", "right"] {
        split(&d, wtab, dir, &["/bin/sleep", "60"]);
        assert_eq!(next_event()["event"], "pane-opened");
    }
    let second = create_tab(&d, &["/bin/sleep", "60"]);
    split(&d, second, "down", &["/bin/sleep", "60"]);
    assert_eq!(next_event()["event"], "pane-opened");
    assert_eq!(count(&stats(&d), "panes"), 6);
    msg(&d, &["close-window", &window.to_string()]);
    wait_for(15, "the window's panes to close", || {
        let s = stats(&d);
        (count(&s, "panes") == 0 && count(&s, "tabs") == 0 && count(&s, "windows") == 0)
            .then_some(())
    });
    let mut kinds = Vec::new();
    while kinds.iter().filter(|k| *k == "tab-closed").count() < 2 {
        kinds.push(next_event()["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(kinds.iter().filter(|k| *k == "pane-closed").count(), 4, "{kinds:?}");
}

fn next_window(d: &Daemon, tab: u64) -> Value {
    list(d)["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["tabs"].as_array().unwrap().iter().any(|t| t["id"] == tab))
        .map(|w| w["id"].clone())
        .unwrap()
}

fn pid_of(d: &Daemon, tab: u64, pane: u64) -> Value {
    let entry = tab_entry(d, tab).unwrap();
    entry["panes"].as_array().unwrap().iter().find(|p| p["id"] == pane).unwrap()["pid"].clone()
}

/// Unknown ids, a direction other than right/down and the 65th pane are refused with an error
/// that says why; nothing opens.
#[test]
fn bad_split_requests_are_refused() {
    let d = Daemon::start("panes-bad");
    let tab = create_tab(&d, &["/bin/sleep", "60"]);
    let out = d.msg(&["split", "424242", "--direction", "right"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tab 424242"), "{out:?}");
    let out = d.msg(&["split", &tab.to_string(), "--direction", "left"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses the direction: {out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("right"), "{out:?}");
    let v = d.request(&json!({"cmd": "split", "tab": tab, "direction": "up"}).to_string());
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["error"].as_str().unwrap().contains("use right or down"), "{v}");
    let v = d.request(&json!({"cmd": "split", "tab": tab}).to_string());
    assert_eq!(v["ok"], false, "a split needs a direction: {v}");
    let v = d.request(&json!({"cmd": "split", "tab": -1, "direction": "down"}).to_string());
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(count(&stats(&d), "panes"), 1, "nothing opened");
    // 64 panes fit in a tab; the 65th is refused.
    let mut last = tab;
    for i in 1..64 {
        last = split(
            &d,
            if i % 2 == 0 { tab } else { last },
            if i % 3 == 0 { "down" } else { "right" },
            &["/bin/sleep", "60"],
        );
    }
    assert_eq!(pane_ids(&tab_entry(&d, tab).unwrap()).len(), 64);
    let v = d.request(&json!({"cmd": "split", "tab": last, "direction": "down"}).to_string());
    assert_eq!(v["ok"], false, "{v}");
    assert!(v["error"].as_str().unwrap().contains("the limit is 64"), "{v}");
    // Another tab may still split.
    let other = create_tab(&d, &["/bin/sleep", "60"]);
    split(&d, other, "down", &["/bin/sleep", "60"]);
    let s = stats(&d);
    assert_eq!((count(&s, "tabs"), count(&s, "panes")), (2, 66), "{s}");
    // A pane too small to halve is refused (two cells each and room for the divider): a
    // window drawing a sliver would otherwise stack panes of no cell on one another.
    let narrow = create_tab(&d, &["/bin/sleep", "60"]);
    ok(d.request(&json!({"cmd": "resize", "tab": narrow, "cols": 4, "lines": 4}).to_string()));
    for direction in ["right", "down"] {
        let v =
            d.request(&json!({"cmd": "split", "tab": narrow, "direction": direction}).to_string());
        assert_eq!(v["ok"], false, "{v}");
        let e = v["error"].as_str().unwrap();
        assert!(e.contains("too small to split") && e.contains("at least 5"), "{e}");
    }
    ok(d.request(&json!({"cmd": "resize", "tab": narrow, "cols": 5, "lines": 5}).to_string()));
    split(&d, narrow, "right", &["/bin/sleep", "60"]);
    split(&d, narrow, "down", &["/bin/sleep", "60"]);
    assert_eq!(count(&stats(&d), "panes"), 69);
}

/// The daemon's figures that closing must give back, from its own `stats`.
fn counts(d: &Daemon) -> [u64; 7] {
    let s = stats(d);
    ["tabs", "panes", "windows", "slots", "uv_handles", "fds", "children"].map(|k| count(&s, k))
}

/// 1,000 split/close cycles, closing panes every way (their program exits, `close-tab` of the
/// pane, `close-tab` of their tab, `close-window`), in a shuffled order; afterwards `stats`
/// is exactly at its baseline in tabs, panes, windows, slots, libuv handles, descriptors and
/// children, and so are the daemon's descriptors seen from outside.
#[test]
fn a_thousand_split_close_cycles_leave_stats_at_baseline() {
    let d = Daemon::start("panes-churn");
    let keep = create_tab(&d, &["/bin/sh"]);
    // Warm up every path once, so lazily sized pools exist before the baseline.
    let warm = split(&d, keep, "right", &["/bin/true"]);
    wait_for(15, "the warm-up pane to close", || {
        (!pane_ids(&tab_entry(&d, keep).unwrap()).contains(&warm)).then_some(())
    });
    let base = wait_for(15, "a settled baseline", || {
        let a = counts(&d);
        std::thread::sleep(Duration::from_millis(200));
        (counts(&d) == a).then_some(a)
    });
    let outside = d.baseline();
    // A fixed shuffle of the four ways (xorshift), so a failure is reproducible.
    let mut seed: u32 = 0x9e37_79b9;
    let mut cycles = 0;
    while cycles < 1000 {
        for _ in 0..20 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let direction = if seed & 16 == 0 { "right" } else { "down" };
            match seed % 4 {
                // Its program exits.
                0 => {
                    split(&d, keep, direction, &["/bin/sh", "-c", "exit 0"]);
                }
                // close-tab of the pane's id.
                1 => {
                    let p = split(&d, keep, direction, &["/bin/sleep", "60"]);
                    ok(d.request(&json!({"cmd": "close-tab", "tab": p}).to_string()));
                }
                // close-tab of its tab's id (the tab and both panes go).
                2 => {
                    let t = create_tab(&d, &["/bin/sleep", "60"]);
                    split(&d, t, direction, &["/bin/cat"]);
                    ok(d.request(&json!({"cmd": "close-tab", "tab": t}).to_string()));
                }
                // close-window (a window, its tab and a split of a split).
                _ => {
                    let v = ok(d.request(
                        &json!({"cmd": "create-window", "command": ["/bin/sleep", "60"]})
                            .to_string(),
                    ));
                    let p = split(&d, v["tab"].as_u64().unwrap(), direction, &["/bin/sleep", "60"]);
                    split(&d, p, "down", &["/bin/sh"]);
                    ok(d.request(
                        &json!({"cmd": "close-window", "window": v["window"]}).to_string(),
                    ));
                }
            }
            cycles += 1;
        }
        wait_for(20, "the batch's panes to close", || {
            let s = stats(&d);
            (count(&s, "panes") == base[1] && count(&s, "children") == base[6]).then_some(())
        });
    }
    let after = wait_for(20, "stats back at the baseline", || {
        let now = counts(&d);
        (now == base).then_some(now)
    });
    println!(
        "baseline {base:?}\nafter    {after:?} (tabs, panes, windows, slots, uv_handles, fds, children)"
    );
    assert_eq!(d.settle(outside), outside, "the daemon's descriptors, seen from outside");
    assert_eq!(pane_ids(&tab_entry(&d, keep).unwrap()), vec![keep]);
}

/// A split without `--cwd` starts where its target works: the directory its program reported
/// with OSC 7, else its foreground process's current directory (`/proc`), else where the
/// target was started.
#[test]
fn a_split_starts_where_its_target_works() {
    let d = Daemon::start("panes-cwd");
    let v =
        d.request(&json!({"cmd": "create-tab", "cwd": "/usr", "command": ["/bin/sh"]}).to_string());
    let tab = ok(v)["tab"].as_u64().unwrap();
    let pwd_of = |pane: u64, marker: &str| {
        send(&d, pane, &format!(r"echo {marker}=$(pwd)\r"));
        let t = wait_text(&d, pane, &format!("{marker}=/"));
        // The output line (the echoed input line says `$(pwd)`), wherever the prompt put it.
        let at = t.find(&format!("{marker}=/")).unwrap() + marker.len() + 1;
        t[at..].split_whitespace().next().unwrap_or_default().to_owned()
    };
    // Where it was started (its shell is at its prompt there).
    let a = split(&d, tab, "right", &["/bin/sh"]);
    assert_eq!(pwd_of(a, "first"), "/usr");
    // The shell moved (no OSC 7): its /proc cwd.
    send(&d, tab, r"cd /var && echo moved\r");
    wait_text(&d, tab, "\nmoved");
    let b = split(&d, tab, "down", &["/bin/sh"]);
    assert_eq!(pwd_of(b, "second"), "/var");
    // OSC 7 wins over /proc (the shell stays in /var, it reports /etc).
    send(&d, tab, r"printf '\\033]7;file:///etc\\007'; echo reported\r");
    wait_text(&d, tab, "\nreported");
    let c = split(&d, tab, "right", &["/bin/sh"]);
    assert_eq!(pwd_of(c, "third"), "/etc");
    // --cwd wins over both.
    let v = d.request(
        &json!({"cmd": "split", "tab": tab, "direction": "down", "cwd": "/", "command": ["/bin/sh"]})
            .to_string(),
    );
    let e = ok(v)["pane"].as_u64().unwrap();
    assert_eq!(pwd_of(e, "fourth"), "/");
}
