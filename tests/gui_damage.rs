//! Damage tracking (src/render/mod.rs, ARCHITECTURE.md "Frames"): a window that redraws only
//! what changed shows exactly the pixels of one that redraws every frame whole
//! (`UVTERM_DAMAGE=0`), after output that colours, overwrites, erases, scrolls and moves the
//! cursor in steps far enough apart to be drawn as frames of their own — and those frames were
//! partial (the renderer's debug log says which rectangle each frame redrew). On GLX (frames
//! kept in the back buffer, rectangles presented) and on EGL (an offscreen kept frame).

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
