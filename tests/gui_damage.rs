//! Damage tracking (src/render/mod.rs, ARCHITECTURE.md "Frames"): a window that redraws only
//! what changed shows exactly the pixels of one that redraws every frame whole
//! (`UVTERM_DAMAGE=0`), after output that colours, overwrites, erases, scrolls and moves the
//! cursor in steps far enough apart to be drawn as frames of their own — and those frames were
//! partial (the renderer's debug log says which rectangle each frame redrew). On GLX (frames
//! kept in the back buffer, rectangles presented) and on EGL (an offscreen kept frame).
//!
//! The scene keeps each row's instances from frame to frame and the renderer reuses a row
//! whose key did not change (`app::scene::cells`, `render::Renderer::build_frame`): every way
//! a kept row can go stale is a step of [`kept_rows_follow_every_change`], each step's pixels
//! compared with a window that draws every frame whole.

#[path = "common/x11.rs"]
mod x11;

use std::time::Duration;

use x11::*;

/// Output in steps, each drawn before the next (250 ms apart), ending with `DONE`.
const SCRIPT: &str = concat!(
    "printf '\\033[1;31mred \\033[42mgreen bg\\033[0m plain \\033[3mitalic\\033[0m\\n';",
    "i=0; while [ $i -lt 8 ]; do printf 'line %d \\033[38;5;%dmcolour\\033[0m\\n' $i $((i*30)); i=$((i+1)); done;",
    "sleep 0.25; printf '\\033[3;5HXY';",
    "sleep 0.25; printf '\\033[5;1H\\033[K';",
    "sleep 0.25; printf '\\033[2;8H\\033[44m  \\033[0m';",
    "sleep 0.25; printf '\\033[20;1Hbottom';",
    "sleep 0.25; printf '\\033[1;3r\\033[3;1H\\n\\033[r';",
    "sleep 0.25; printf '\\033[7;2H';",
    "sleep 0.25; printf '\\033[9;1HDONE';",
    "exec sleep 60"
);

/// Run the script in a fresh window; its final pixels and the rectangles its frames redrew
/// (from the debug log: `redrew Some([x, y, w, h])` or `redrew None`).
fn final_frame(
    x: &Xvfb,
    name: &str,
    damage: &str,
    platform: &str,
) -> (Image, Vec<Option<[i64; 4]>>, (u64, u64)) {
    let env = [
        ("UVTERM_DAMAGE", damage),
        ("UVTERM_GL_PLATFORM", platform),
        ("RUST_LOG", "uvterm::app::window=debug"),
    ];
    let gui = Gui::start_with_env(
        x,
        name,
        &["-o", "window.columns=60", "-o", "window.lines=20", "-e", "sh", "-c", SCRIPT],
        &env,
    );
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().expect("a tab id");
    gui.wait_text(tab, "DONE");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let size = (
        w["geometry"]["width"].as_u64().unwrap_or(0),
        w["geometry"]["height"].as_u64().unwrap_or(0),
    );
    // The frame after DONE, and nothing after it (the program sleeps).
    std::thread::sleep(Duration::from_millis(500));
    let img = gui.capture(xid);
    let rects = gui
        .stderr()
        .lines()
        .filter_map(|l| l.split_once("redrew ").map(|(_, r)| r.trim().to_owned()))
        .map(|r| {
            let nums: Vec<i64> = r
                .trim_start_matches("Some([")
                .trim_end_matches("])")
                .split(", ")
                .filter_map(|n| n.parse().ok())
                .collect();
            <[i64; 4]>::try_from(nums).ok()
        })
        .collect();
    (img, rects, size)
}

/// GLX (the default on X11): partial frames drawn into the back buffer, presented by copying
/// the redrawn rectangle.
#[test]
fn partial_frames_equal_full_redraws() {
    partial_equals_full("glx");
}

/// EGL: partial frames drawn into the offscreen kept frame, copied whole to the back buffer
/// and swapped.
#[test]
fn offscreen_partial_frames_equal_full_redraws() {
    partial_equals_full("egl");
}

fn partial_equals_full(platform: &str) {
    let x = Xvfb::start();
    let (full, full_rects, size) =
        final_frame(&x, &format!("damage-off-{platform}"), "0", platform);
    let (partial, rects, _) = final_frame(&x, &format!("damage-on-{platform}"), "1", platform);
    assert_eq!((full.w, full.h), (partial.w, partial.h), "same window size");
    let differing = (0..full.h)
        .flat_map(|y| (0..full.w).map(move |x| (x, y)))
        .filter(|&(x, y)| full.px(x, y) != partial.px(x, y))
        .count();
    if differing > 0 {
        full.save(&std::env::temp_dir().join(format!("damage-off-{platform}.ppm")));
        partial.save(&std::env::temp_dir().join(format!("damage-on-{platform}.ppm")));
    }
    assert_eq!(differing, 0, "pixels differing between partial and full redraws");
    // Without damage tracking every frame is whole; with it, the steps after the first
    // frame redrew less than the window.
    let area = (size.0 * size.1) as i64;
    assert!(!full_rects.is_empty(), "the debug log names each frame's rectangle");
    assert!(
        full_rects.iter().all(|r| r.is_some_and(|r| r[2] * r[3] == area)),
        "UVTERM_DAMAGE=0 draws whole frames: {full_rects:?}"
    );
    let small = rects.iter().flatten().filter(|r| r[2] * r[3] < area / 4).count();
    assert!(small >= 4, "the steps were drawn as partial frames: {rects:?}");
}

/// One window driven through the changes a kept row must follow, its pixels after each step.
/// Its pixels after each step, and how many frames reused kept rows (the renderer's debug log:
/// `frame of N groups, K rows kept`).
fn steps(x: &Xvfb, name: &str, damage: &str) -> (Vec<(&'static str, Image)>, usize) {
    // Coloured lines (red on the first: the style the step "style id reused" recolours),
    // enough to fill the screen and some history, then an interactive shell.
    let script = concat!(
        "printf '\\033[31mred\\033[0m \\033[32mgreen\\033[0m first\\n';",
        "i=0; while [ $i -lt 30 ]; do printf 'line %d \\033[3%dmcolour\\033[0m \\033[4mu\\033[0m\\n' $i $((i%8)); i=$((i+1)); done;",
        "PS1='$ ' exec sh -i"
    );
    let env = [("UVTERM_DAMAGE", damage), ("RUST_LOG", "uvterm::render=debug")];
    let gui = Gui::start_with_env(
        x,
        name,
        &["-o", "window.columns=60", "-o", "window.lines=20", "-e", "sh", "-c", script],
        &env,
    );
    let w = gui.window();
    let tab = w["tabs"][0]["id"].as_u64().expect("a tab id").to_string();
    gui.wait_text(tab.parse().unwrap_or(0), "line 29");
    let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
    let win = xid.to_string();
    gui.xdotool(&["windowfocus", &win]);
    std::thread::sleep(Duration::from_millis(300));
    let mut shots = Vec::new();
    let mut step = |label: &'static str, act: &dyn Fn()| {
        act();
        // Long enough for the change and its frame (frames are paced to the refresh).
        std::thread::sleep(Duration::from_millis(600));
        shots.push((label, gui.capture(xid)));
    };
    let send = |text: &str| {
        gui.msg(&["send-text", &tab, text]);
    };
    step("start", &|| {});
    step("typing (echo, cursor moves)", &|| {
        gui.xdotool(&["type", "--delay", "30", "echo hi"]);
    });
    step("command output scrolls", &|| {
        gui.xdotool(&["key", "Return"]);
    });
    // The screen cleared (every red cell gone, so the red style's id is free) and written
    // again in blue in one frame: the same cells with the same style id, another colour.
    step("style id reused", &|| {
        send("clear; printf '\\033[34mred\\033[0m \\033[32mgreen\\033[0m first\\\\n'\\r");
    });
    step("selection", &|| {
        gui.xdotool(&["mousemove", "--window", &win, "30", "12"]);
        gui.xdotool(&["mousedown", "1"]);
        gui.xdotool(&["mousemove", "--window", &win, "200", "30"]);
        gui.xdotool(&["mousemove", "--window", &win, "250", "40"]);
        gui.xdotool(&["mouseup", "1"]);
    });
    step("history lines", &|| {
        send("i=0; while [ $i -lt 25 ]; do echo more $i; i=$((i+1)); done\\r");
    });
    step("scrolled back", &|| {
        gui.xdotool(&["key", "shift+Prior"]);
    });
    step("back at the bottom", &|| {
        gui.xdotool(&["key", "shift+Next"]);
    });
    step("palette changed (OSC 4)", &|| {
        send("printf '\\033]4;3;rgb:ff/00/ff\\007\\033[33mmagenta\\033[0m\\\\n'\\r");
    });
    step("new tab", &|| {
        gui.xdotool(&["key", "ctrl+shift+t"]);
    });
    step("tab switched back", &|| {
        gui.xdotool(&["key", "ctrl+Prior"]);
    });
    step("pane split", &|| {
        gui.xdotool(&["key", "ctrl+shift+o"]);
    });
    step("typing in the new pane", &|| {
        gui.xdotool(&["type", "--delay", "30", "echo pane"]);
        gui.xdotool(&["key", "Return"]);
    });
    step("search bar", &|| {
        gui.xdotool(&["key", "ctrl+alt+Left"]);
        gui.xdotool(&["key", "ctrl+shift+f"]);
        gui.xdotool(&["type", "--delay", "30", "line"]);
    });
    step("search closed", &|| {
        gui.xdotool(&["key", "Escape"]);
    });
    let kept = gui
        .stderr()
        .lines()
        .filter_map(|l| l.split_once(" groups, ")?.1.strip_suffix(" rows kept")?.parse().ok())
        .filter(|&k: &usize| k > 0)
        .count();
    (shots, kept)
}

/// Every change a kept row must follow (typing, output, a style id reused for another
/// colour, selection, scrollback, the palette, tabs, panes, the search bar) gives the same
/// pixels as drawing every frame whole, step by step.
#[test]
fn kept_rows_follow_every_change() {
    let x = Xvfb::start();
    let (full, _) = steps(&x, "rows-full", "0");
    let (partial, kept) = steps(&x, "rows-partial", "1");
    assert_eq!(full.len(), partial.len());
    assert!(kept >= 5, "frames reused kept rows ({kept} did)");
    // Every step changed the picture (so each was really taken).
    for pair in partial.windows(2) {
        let ((_, a), (label, b)) = (&pair[0], &pair[1]);
        let changed = a.w != b.w
            || a.h != b.h
            || (0..a.h).any(|y| (0..a.w).any(|x| a.px(x, y) != b.px(x, y)));
        assert!(changed, "the step {label:?} changed nothing on the screen");
    }
    let mut bad = Vec::new();
    for (k, ((label, f), (_, p))) in full.iter().zip(&partial).enumerate() {
        assert_eq!((f.w, f.h), (p.w, p.h), "{label}: same window size");
        let differing = (0..f.h)
            .flat_map(|y| (0..f.w).map(move |x| (x, y)))
            .filter(|&(x, y)| f.px(x, y) != p.px(x, y))
            .count();
        if differing > 0 {
            f.save(&std::env::temp_dir().join(format!("rows-full-{k}.ppm")));
            p.save(&std::env::temp_dir().join(format!("rows-partial-{k}.ppm")));
            bad.push(format!("{label}: {differing} pixels"));
        }
    }
    assert!(bad.is_empty(), "partial frames differ from whole ones after: {bad:?}");
}

/// A flood's frames come at half the display's rate (`app::window::frame_period`), and a
/// frame it postpones is drawn later, never dropped: a window that printed 200,000 lines and
/// then a last screen shows exactly the pixels of one that printed only that screen.
#[test]
fn a_flood_ends_on_its_last_screen() {
    const LAST: &str =
        "printf '\\033[2J\\033[H\\033[41mflood over\\033[0m\\n\\033[44m  \\033[0m DONE';";
    let x = Xvfb::start();
    let open = |name: &str, script: String| {
        let gui = Gui::start(
            &x,
            name,
            &["-o", "window.columns=60", "-o", "window.lines=20", "-e", "sh", "-c", &script],
        );
        let w = gui.window();
        let tab = w["tabs"][0]["id"].as_u64().expect("a tab id");
        let xid = w["geometry"]["x11_window"].as_u64().expect("an X11 window id");
        (gui, tab, xid)
    };
    let (reference, tab, xid) = open("flood-reference", format!("{LAST} exec sleep 60"));
    reference.wait_text(tab, "DONE");
    std::thread::sleep(Duration::from_millis(500));
    let expected = reference.capture(xid);
    let (flood, tab, xid) = open("flood", format!("seq 1 200000; {LAST} exec sleep 60"));
    let text = flood.wait_text(tab, "DONE");
    assert!(text.contains("flood over"), "the last screen is the terminal's: {text}");
    let shown = flood.capture_when(xid, Duration::from_secs(10), |img| {
        (img.w, img.h) == (expected.w, expected.h)
            && (0..img.h).all(|y| (0..img.w).all(|x| img.px(x, y) == expected.px(x, y)))
    });
    let differing = (0..shown.h.min(expected.h))
        .flat_map(|y| (0..shown.w.min(expected.w)).map(move |x| (x, y)))
        .filter(|&(x, y)| shown.px(x, y) != expected.px(x, y))
        .count();
    if differing > 0 {
        shown.save(&std::env::temp_dir().join("flood-last-screen.ppm"));
        expected.save(&std::env::temp_dir().join("flood-reference.ppm"));
    }
    assert_eq!((shown.w, shown.h), (expected.w, expected.h), "same window size");
    assert_eq!(differing, 0, "pixels of the flood's last screen differing from the reference");
}
