//! The in-window resource overlay (Ctrl+Shift+M, action `ResourceOverlay`): every tab of the
//! window with its memory and activity, sorted by memory — the ledger of `uvterm msg stats
//! --tabs` for this window. It produces lines of text ([`lines`]) and draws them over the
//! cells with the scene's own glyph and rectangle lists ([`draw`]); the figures come from the
//! I/O thread (`IoEvent::Ledger`), asked for when the overlay opens and again, at most once a
//! second, as the window's tabs write.
//!
//! Owns the overlay's text and placement only. Must not touch: the terminal, the I/O core
//! (it reads a ledger it is given), GL.

use std::time::{Duration, Instant};

use crate::io::{Ledger, WindowId};
use crate::ipc::top::human_bytes;
use crate::render::fonts::Face;
use crate::render::{GlyphDraw, GlyphId, Rect, Scene};

use super::scene::{Layout, rgba};

/// How often an open overlay asks for fresh figures (`App::about_to_wait` wakes for it: the
/// only clock an idle window runs, and only while the overlay is open).
pub const REFRESH: Duration = Duration::from_secs(1);

/// An open overlay: its lines and when figures were last asked for.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub lines: Vec<String>,
    pub requested: Instant,
}

impl Overlay {
    /// Just opened: a placeholder until the figures arrive.
    pub fn opened() -> Overlay {
        Overlay { lines: vec!["uvterm: measuring…".into()], requested: Instant::now() }
    }

    /// Figures are due again.
    pub fn stale(&self) -> bool {
        self.requested.elapsed() >= REFRESH
    }
}

/// The overlay's title column, in characters (a longer title is cut).
const TITLE_CELLS: usize = 16;

/// The overlay's lines for `window`: a header with the process's figures, then one line per
/// tab of the window (title, memory, history, output, its program's CPU, idle time), the
/// largest heap first; the shown tab marked `*`.
pub fn lines(ledger: &Ledger, window: WindowId) -> Vec<String> {
    let t = &ledger.totals;
    let mut out = vec![
        format!(
            "uvterm  heap {}  tabs {}  unaccounted {}  rss {}  gpu~{}",
            human_bytes(t.heap_bytes),
            human_bytes(t.tabs_heap_bytes),
            if t.unaccounted_heap_bytes < 0 {
                format!("-{}", human_bytes(t.unaccounted_heap_bytes.unsigned_abs()))
            } else {
                human_bytes(t.unaccounted_heap_bytes as u64)
            },
            human_bytes(t.rss_bytes),
            human_bytes(t.gpu_bytes_estimate),
        ),
        format!(
            "{:>5} {:<TITLE_CELLS$} {:>8} {:>13} {:>8} {:>7} {:>8} {:>7}",
            "TAB", "TITLE", "HEAP", "SCROLLBACK", "READ", "CPU", "TRIMMED", "IDLE"
        ),
    ];
    let mut tabs: Vec<_> = ledger.tabs.iter().filter(|t| t.window == window).collect();
    tabs.sort_by_key(|t| std::cmp::Reverse(t.heap_bytes));
    for tab in tabs {
        // The title right after the id, cut to its column, so a narrow window shows it too.
        let title: String = tab.title.chars().take(TITLE_CELLS).collect();
        out.push(format!(
            "{:>4}{} {:<TITLE_CELLS$} {:>8} {:>13} {:>8} {:>6}s {:>8} {:>7}",
            tab.id.0,
            if tab.focused { '*' } else { ' ' },
            title,
            human_bytes(tab.heap_bytes),
            format!("{}/{}", tab.scrollback_lines, tab.scrollback_limit),
            human_bytes(tab.pty_bytes_read),
            format!("{:.1}", tab.processes_cpu_ms as f64 / 1000.0),
            human_bytes(tab.trimmed_bytes),
            tab.idle_ms.map_or("-".into(), |ms| format!("{:.1}s", ms as f64 / 1000.0)),
        ));
    }
    out
}

/// Draw `lines` over the cells, from the top-left cell, on a dark box as wide as the longest
/// line (clipped to the window): the cells' glyphs and decorations under the box are taken
/// out of the scene, the box goes last among the backgrounds, the text among the glyphs.
pub fn draw(lines: &[String], layout: Layout, fg: [u8; 4], scene: &mut Scene) {
    if lines.is_empty() {
        return;
    }
    let l = layout;
    let max_cols = l.cols.max(1);
    let width = lines.iter().map(|s| s.chars().count()).max().unwrap_or(0).min(max_cols);
    let rows = lines.len().min(l.lines.max(1));
    let (x1, y1) = (l.x0 + width as f32 * l.cell_w, l.y0 + rows as f32 * l.cell_h);
    let inside = |x: f32, y: f32| x >= l.x0 && x < x1 && y >= l.y0 && y < y1;
    // Instances leave the rows they were marked in.
    scene.forget_rows();
    scene.glyphs.retain(|g| !inside(g.x, g.y));
    // The cells' text is in shaped runs: cut the box's span out of each line it covers (the
    // same `y` the scene gave the line), or the text would show through the box.
    for row in 0..rows {
        scene.clear_text(l.y0 + row as f32 * l.cell_h, l.x0, x1);
    }
    scene.overlay.retain(|r| !inside(r.x, r.y));
    scene.backgrounds.push(Rect {
        x: l.x0,
        y: l.y0,
        w: x1 - l.x0,
        h: y1 - l.y0,
        color: rgba(crate::term::style::Rgb::new(0x10, 0x10, 0x30)),
    });
    for (row, line) in lines.iter().take(rows).enumerate() {
        for (col, c) in line.chars().take(width).enumerate() {
            if c == ' ' || c.is_control() {
                continue;
            }
            scene.glyphs.push(GlyphDraw {
                id: GlyphId::for_char(c, Face { bold: row == 0, italic: false }, false),
                x: l.x0 + col as f32 * l.cell_w,
                y: l.y0 + row as f32 * l.cell_h,
                color: fg,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{LedgerTotals, TabId, TabLedger};

    fn tab(id: u64, window: u64, heap: u64) -> TabLedger {
        TabLedger {
            id: TabId(id),
            tab: TabId(id),
            window: WindowId(window),
            title: format!("t{id}"),
            focused: id == 2,
            heap_bytes: heap,
            heap_parts: Default::default(),
            scrollback_lines: 0,
            scrollback_limit: 10_000,
            pty_bytes_read: 0,
            pty_bytes_written: 0,
            parse_ns: 0,
            trimmed_lines: 0,
            trimmed_bytes: 0,
            uv_handles: 1,
            fds: 1,
            processes: Vec::new(),
            processes_rss_bytes: 0,
            processes_cpu_ms: 0,
            idle_ms: None,
        }
    }

    /// The box hides the cells' text under it (their shaped runs are cut), and only there.
    #[test]
    fn the_box_hides_the_text_runs_under_it() {
        use crate::render::fonts::Face;
        use crate::render::{RunCell, Scene, TextRun};
        let layout = Layout {
            x0: 0.0,
            y0: 0.0,
            cell_w: 10.0,
            cell_h: 20.0,
            cols: 20,
            lines: 4,
            tab_bar: 0.0,
            width: 200.0,
        };
        let mut scene = Scene::default();
        // Lines 0 and 3 hold 20 cells of text each.
        for line in [0usize, 3] {
            let start = scene.run_cells.len();
            let text_start = scene.run_text.len();
            for col in 0..20 {
                let byte = scene.run_text.len() as u32;
                scene.run_cells.push(RunCell {
                    byte,
                    x: col as f32 * 10.0,
                    wide: false,
                    color: [255; 4],
                });
                scene.run_text.push('x');
            }
            let (text_end, cells_end) = (scene.run_text.len(), scene.run_cells.len());
            scene.runs.push(TextRun {
                text: text_start..text_end,
                cells: start..cells_end,
                face: Face { bold: false, italic: false },
                y: line as f32 * 20.0,
            });
        }
        let lines = vec!["0123456789".to_owned(), "abc".to_owned()];
        draw(&lines, layout, [255; 4], &mut scene);
        let cells_at = |y: f32| -> Vec<f32> {
            scene
                .runs
                .iter()
                .filter(|r| r.y == y)
                .flat_map(|r| r.cells.clone().map(|i| scene.run_cells[i].x))
                .collect()
        };
        // Line 0: the box covers columns 0..10; the text of columns 10..20 is kept.
        assert_eq!(cells_at(0.0), (10..20).map(|c| c as f32 * 10.0).collect::<Vec<_>>());
        // Line 3 is below the box (two lines tall): untouched.
        assert_eq!(cells_at(60.0).len(), 20);
    }

    #[test]
    fn the_windows_tabs_sorted_by_memory() {
        let ledger = Ledger {
            tabs: vec![tab(1, 1, 10), tab(2, 1, 5000), tab(3, 9, 1 << 30)],
            windows: Vec::new(),
            totals: LedgerTotals {
                heap_bytes: 0,
                tabs_heap_bytes: 0,
                unaccounted_heap_bytes: -5,
                rss_bytes: 0,
                fds: 0,
                tabs_fds: 0,
                uv_handles: 0,
                tabs_uv_handles: 0,
                gl_objects: 0,
                gl_contexts: 0,
                gpu_bytes_estimate: 0,
                scrollback_max_bytes: 0,
                memory_budget: 0,
                subscribers: 0,
            },
        };
        let l = lines(&ledger, WindowId(1));
        assert_eq!(l.len(), 4, "{l:?}");
        assert!(l[2].trim_start().starts_with("2* t2 "), "{l:?}");
        assert!(l[3].trim_start().starts_with("1  t1 "), "{l:?}");
        // The columns line up under the header, the title's included.
        let at = |line: &str, word: &str| line.find(word);
        assert_eq!(at(&l[1], "TITLE"), at(&l[2], "t2"), "{l:?}");
        assert!(l.iter().skip(1).all(|line| line.chars().count() == l[1].chars().count()), "{l:?}");
        assert!(l[0].contains("unaccounted -5B"));
    }
}
