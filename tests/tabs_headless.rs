//! Tabs that know where they are, and shell integration (issue 16), against the real
//! `uvterm --headless` daemon: automatic titles from the foreground process, `set-tab-title`,
//! the integration scripts in stock bash, zsh and fish (a temporary HOME whose rc files
//! leave a marker), seen through `msg subscribe`, and the title timer's handles given back.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "common/daemon.rs"]
mod daemon;

use daemon::{BIN, Daemon, wait_for};

/// The daemon with its own HOME (rc files with markers), runtime dir and no configuration.
fn start(name: &str, args: &[&str]) -> (Daemon, PathBuf) {
    let dir = std::env::temp_dir().join(format!("uvterm-tabs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let home = dir.join("home");
    // fish reads $XDG_CONFIG_HOME/fish/config.fish (the daemon's XDG_CONFIG_HOME).
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::create_dir_all(dir.join("config/fish")).unwrap();
    std::fs::write(home.join(".bashrc"), "echo RC-bash-$((6*7))\nPS1='$ '\n").unwrap();
    std::fs::write(home.join(".zshrc"), "echo RC-zsh-$((6*7))\nPS1='%# '\n").unwrap();
    std::fs::write(dir.join("config/fish/config.fish"), "echo RC-fish-(math '6 * 7')\n").unwrap();
    let runtime = dir.join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .unwrap();
    let socket = dir.join("d.sock");
    let mut child = Command::new(BIN)
        .args(["--headless", "--socket"])
        .arg(&socket)
        .args(args)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("ZDOTDIR")
        .env_remove("ENV")
        .env_remove("XDG_DATA_DIRS")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the daemon");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), socket.display().to_string());
    (Daemon { child, socket, dir }, runtime)
}

fn open(d: &Daemon, command: &[&str]) -> u64 {
    let v = d.request(&serde_json::json!({"cmd": "create-tab", "command": command}).to_string());
    assert_eq!(v["ok"], true, "{v}");
    v["tab"].as_u64().unwrap()
}

fn send(d: &Daemon, tab: u64, text: &str) {
    let v =
        d.request(&serde_json::json!({"cmd": "send-text", "tab": tab, "text": text}).to_string());
    assert_eq!(v["ok"], true, "{v}");
}

fn text(d: &Daemon, tab: u64) -> String {
    let v = d.request(&serde_json::json!({"cmd": "get-text", "tab": tab}).to_string());
    v["text"].as_str().unwrap_or_default().to_owned()
}

fn wait_text(d: &Daemon, tab: u64, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let screen = text(d, tab);
        if screen.contains(needle) {
            return;
        }
        assert!(Instant::now() < deadline, "never saw {needle:?}; screen:\n{screen}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The tab's title as `msg list` shows it.
fn title(d: &Daemon, tab: u64) -> String {
    let list = d.request(r#"{"cmd":"list"}"#);
    list["windows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["tabs"].as_array().unwrap().iter())
        .find(|t| t["id"] == tab)
        .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

fn wait_title(d: &Daemon, tab: u64, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = title(d, tab);
        if now == want {
            return;
        }
        assert!(Instant::now() < deadline, "title {now:?}, never {want:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn subscribe(d: &Daemon) -> BufReader<UnixStream> {
    let mut s = UnixStream::connect(&d.socket).unwrap();
    let req = serde_json::json!({"cmd": "subscribe", "events": ["cwd-changed", "command-finished", "command-started"]});
    s.write_all(format!("{req}\n").as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut reader = BufReader::new(s);
    let mut ack = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while ack.is_empty() && Instant::now() < deadline {
        let _ = reader.read_line(&mut ack);
    }
    assert!(ack.contains("\"ok\":true"), "{ack}");
    reader
}

/// Events for `tab` read within `secs` seconds or until `done` says so.
fn events_until(
    reader: &mut BufReader<UnixStream>,
    tab: u64,
    secs: u64,
    mut done: impl FnMut(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    while Instant::now() < deadline && !done(&seen) {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(n) if n > 0 => {
                let v: Value = serde_json::from_str(&line).unwrap();
                if v["tab"] == tab {
                    seen.push(v);
                }
            }
            _ => (),
        }
    }
    seen
}

/// A directory whose name needs percent-encoding in a file URL (a space, a non-ASCII
/// letter).
fn odd_dir(root: &Path) -> PathBuf {
    let dir = root.join("with space é");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn stock_shells_report_cwd_and_finished_commands_and_still_read_their_rc_files() {
    let (d, runtime) = start("integration", &[]);
    let dir = odd_dir(&d.dir);
    let mut events = subscribe(&d);
    for shell in ["bash", "zsh", "fish"] {
        assert!(installed(shell), "{shell} is not installed (scripts/deps.sh installs it)");
        let tab = open(&d, &[shell]);
        // The user's own startup file still ran.
        wait_text(&d, tab, &format!("RC-{shell}-42"));
        let quoted = format!("'{}'", dir.display());
        send(&d, tab, &format!("cd {quoted}\\r"));
        send(&d, tab, "false\\r");
        let seen = events_until(&mut events, tab, 20, |seen| {
            seen.iter().any(|e| e["event"] == "command-finished" && e["exit_status"] == 1)
                && seen.iter().any(|e| e["cwd"] == dir.to_str().unwrap())
        });
        assert!(
            seen.iter().any(|e| e["event"] == "cwd-changed" && e["cwd"] == dir.to_str().unwrap()),
            "{shell}: OSC 7 with the percent-encoded directory: {seen:#?}"
        );
        assert!(
            seen.iter().any(|e| e["event"] == "command-started"),
            "{shell}: OSC 133 C: {seen:#?}"
        );
        assert!(
            seen.iter().any(|e| e["event"] == "command-finished" && e["exit_status"] == 1),
            "{shell}: OSC 133 D;1 after `false`: {seen:#?}"
        );
        // The shell's environment is the user's again: no injection variable is left.
        send(&d, tab, "env | grep -c -e UVTERM_BASH -e UVTERM_ZSH -e UVTERM_FISH; echo END-''2\\r");
        wait_text(&d, tab, "END-2");
        let screen = text(&d, tab);
        assert!(screen.lines().any(|l| l.trim() == "0"), "{shell} kept our variables:\n{screen}");
        let v = d.request(&serde_json::json!({"cmd": "close-tab", "tab": tab}).to_string());
        assert_eq!(v["ok"], true);
    }
    // The scripts were written to a private directory under the runtime dir.
    let base = runtime.join("uvterm");
    let meta = std::fs::metadata(&base).unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077, 0);
    let written: Vec<_> = std::fs::read_dir(&base).unwrap().flatten().collect();
    assert_eq!(written.len(), 1, "one integration directory");
}

#[test]
fn shell_integration_false_emits_nothing() {
    let (d, _) = start("no-integration", &["-o", "shell_integration=false"]);
    let mut events = subscribe(&d);
    let tab = open(&d, &["bash"]);
    wait_text(&d, tab, "RC-bash-42");
    send(&d, tab, "cd /tmp; false; echo DONE-$((2+2))\\r");
    wait_text(&d, tab, "DONE-4");
    let seen = events_until(&mut events, tab, 2, |_| false);
    assert!(seen.is_empty(), "no OSC 7 / 133 without the integration: {seen:#?}");
}

#[test]
fn titles_follow_the_foreground_process_the_program_and_the_user() {
    let (d, _) = start("titles", &["-o", "shell_integration=false"]);
    let tab = open(&d, &["bash", "--norc", "--noprofile"]);
    wait_title(&d, tab, "bash");
    send(&d, tab, "sleep 1000\\r");
    wait_title(&d, tab, "sleep");
    send(&d, tab, "\\x03");
    wait_title(&d, tab, "bash");
    // The program's own title (OSC 2) wins over the process name…
    send(&d, tab, "printf '\\\\033]2;from-osc\\\\007'\\r");
    wait_title(&d, tab, "from-osc");
    // …and the user's name wins over both; an empty name gives the automatic title back.
    let set = |t: &str| {
        let out = d.msg(&["set-tab-title", &tab.to_string(), t]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    set("mine\u{7}\u{1b}");
    wait_title(&d, tab, "mine");
    send(&d, tab, "sleep 1000\\r");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(title(&d, tab), "mine", "a renamed tab keeps its name");
    send(&d, tab, "\\x03");
    set("");
    wait_title(&d, tab, "from-osc");
    let out = d.msg(&["set-tab-title", "999999", "x"]);
    assert!(!out.status.success(), "an unknown tab is refused");
}

#[test]
fn title_timers_are_given_back_with_their_tabs() {
    let (d, _) = start("title-churn", &["-o", "shell_integration=false"]);
    let keeper = open(&d, &["sleep", "1000"]);
    let stats = || d.request(r#"{"cmd":"stats"}"#);
    std::thread::sleep(Duration::from_millis(300));
    let base = stats();
    for round in 0..20 {
        // Output arms the title check; closing at once leaves it armed half the time.
        let tab = open(&d, &["sh", "-c", "echo busy; sleep 1000"]);
        if round % 2 == 0 {
            wait_text(&d, tab, "busy");
        }
        let v = d.request(&serde_json::json!({"cmd": "close-tab", "tab": tab}).to_string());
        assert_eq!(v["ok"], true);
    }
    let settled = wait_for(10, "handles back at baseline", || {
        let now = stats();
        (now["tabs"] == base["tabs"]
            && now["uv_handles"] == base["uv_handles"]
            && now["slots"] == base["slots"])
            .then_some(now)
    });
    assert_eq!(settled["fds"], base["fds"], "{settled} vs {base}");
    let _ = keeper;
}
