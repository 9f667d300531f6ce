//! Compressed history blocks: the codec that turns [`BLOCK_ROWS`] history rows into a few
//! hundred bytes and back, the small cache of decoded blocks, and [`RowRef`], the row a
//! reader gets whether it was plain or decoded.
//!
//! # Why these choices
//!
//! * **Codec: LZ4 (the `lz4_flex` crate).** Decoding is what a user waits on (scrolling back,
//!   searching), and LZ4 decodes at several GB/s; `lz4_flex` is maintained, pure Rust with a
//!   safe encoder and decoder (no C library to build, no `unsafe` in this core), and the
//!   block format needs nothing else. zstd packs better but needs a C library; the row
//!   transform below already leaves LZ4 far under the 2 bytes a cell the issue asks for.
//! * **Row transform before LZ4.** An 8-byte cell of plain text is 1 byte of character and 7
//!   of zeros or repeated style ids. Each row is written as: flags, cell count, the count up
//!   to the last non-default cell, then each of those cells' content word as a LEB128 varint
//!   (ASCII: one byte) and the style ids as runs (`length, id`). Trailing blank cells cost
//!   nothing; LZ4 then finds the repeats between lines (dates, paths, permissions).
//! * **Stored blocks.** Rows with no repeats for LZ4 (a random truecolour style in every
//!   cell) come out of it hardly smaller: a block LZ4 shrinks by less than an eighth is kept
//!   as transformed, and the [`Encoder`] stops trying LZ4 for a while (see
//!   [`STORED_STREAK`]).
//! * **[`BLOCK_ROWS`] = 64.** A page of up to 64 lines touches at most two blocks, so the
//!   [`CACHE_BLOCKS`] = 3 decoded blocks cover a page being scrolled through; 64 rows of a
//!   log are a few KiB of transformed text, enough for LZ4 to find repeats.
//!
//! # Reference counts
//!
//! A block keeps the side-table references its rows' cells held when they were plain:
//! nothing is released or taken when rows are compressed, and the block lists what it holds
//! (`styles`, `clusters`: id and count). Dropping a block releases exactly that list without
//! decoding; decoding a block back into plain rows hands the references to the rows. Decoded
//! copies in the cache hold none: they are only read while the grid (which holds the block)
//! is borrowed, and a block's copies leave the cache when the block goes.
//!
//! Owns the block format and the cache only; which rows are compressed, when, and the
//! history's order belong to [`crate::grid`].

use std::ops::Deref;
use std::sync::Arc;

use super::cell::Cell;
use super::grid::{Row, RowFlags};
use super::tables::SideTables;

/// Rows in one compressed block.
pub const BLOCK_ROWS: usize = 64;
/// Decoded blocks kept for scrolling and searching (least recently used goes first).
pub const CACHE_BLOCKS: usize = 3;

/// A history row as a reader sees it: borrowed from the grid when plain, or one row of a
/// decoded block (shared with the decode cache). Dereferences to [`Row`].
pub struct RowRef<'a>(Inner<'a>);

enum Inner<'a> {
    Plain(&'a Row),
    Decoded(Arc<[Row]>, usize),
}

impl<'a> RowRef<'a> {
    #[inline]
    pub(crate) fn plain(row: &'a Row) -> Self {
        RowRef(Inner::Plain(row))
    }

    #[inline]
    pub(crate) fn decoded(rows: Arc<[Row]>, index: usize) -> Self {
        RowRef(Inner::Decoded(rows, index))
    }
}

impl Deref for RowRef<'_> {
    type Target = Row;

    #[inline]
    fn deref(&self) -> &Row {
        match &self.0 {
            Inner::Plain(row) => row,
            Inner::Decoded(rows, i) => &rows[*i],
        }
    }
}

impl std::fmt::Debug for RowRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// A side-table id and how many references to it a block holds.
pub(crate) type IdCount = (u32, u32);

/// [`BLOCK_ROWS`] history rows, compressed. Holds the side-table references its cells hold
/// (listed in `styles` and `clusters`).
pub(crate) struct Block {
    /// Unique within the grid: the decode cache's key.
    pub(crate) id: u64,
    /// Rows stored.
    pub(crate) rows: usize,
    /// Length of the transformed rows before LZ4.
    raw_len: usize,
    /// The LZ4 block, or the transformed rows as they are when `stored`.
    data: Box<[u8]>,
    /// LZ4 did not pay for these rows (see [`Encoder`]): `data` is not compressed.
    stored: bool,
    /// (style id, references) held by the cells.
    styles: Box<[(u32, u32)]>,
    /// (cluster id, references) held by the cells.
    clusters: Box<[(u32, u32)]>,
}

/// After a block that LZ4 shrank by less than an eighth, this many blocks are stored
/// without trying it; the one after them tries again.
const STORED_STREAK: u32 = 15;

/// Makes [`Block`]s: keeps the transformed rows' buffer between blocks, and whether LZ4 has
/// been paying. Rows whose transform LZ4 finds no repeats in (a style of its own for every
/// cell, as colour-per-cell output makes: the `sgr` benchmark, whose blocks LZ4 leaves at
/// over 7/8 of their size) cost its time and save nothing; such blocks are stored as they
/// are, and only every [`STORED_STREAK`] + 1st block tries LZ4 until it pays again.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    scratch: Vec<u8>,
    /// Blocks still to store without trying LZ4.
    skip_lz4: u32,
}

impl Encoder {
    /// A block of `rows` (taking over their references).
    pub(crate) fn encode<'r, I>(&mut self, id: u64, rows: I) -> Block
    where
        I: IntoIterator<Item = &'r Row>,
    {
        let try_lz4 = self.skip_lz4 == 0;
        let block = Block::encode(id, rows, &mut self.scratch, try_lz4);
        self.skip_lz4 = match (try_lz4, block.stored) {
            (true, true) => STORED_STREAK,
            (true, false) => 0,
            (false, _) => self.skip_lz4 - 1,
        };
        block
    }

    /// Bytes held by the buffer.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.scratch.capacity()
    }

    /// Give the buffer back if it grew large (a block of very long rows); with `all`, in
    /// any case.
    pub(crate) fn trim(&mut self, all: bool) {
        if all || self.scratch.capacity() > 256 * 1024 {
            self.scratch = Vec::new();
        }
    }
}

impl Block {
    /// Transform `rows` (taking over their references) and compress them with LZ4 when
    /// `try_lz4` and it shrinks them by an eighth or more; else store them as they are.
    /// `scratch` is reused between calls (its length too: see [`write_row`]).
    fn encode<'r, I>(id: u64, rows: I, scratch: &mut Vec<u8>, try_lz4: bool) -> Block
    where
        I: IntoIterator<Item = &'r Row>,
    {
        // Each style run and cluster cell as (id, count), summed per id once the rows are
        // written: a sort of a few hundred pairs costs less than a hash map grown from
        // nothing for every block (SGR-heavy output has a style per word).
        let mut styles: Vec<IdCount> = Vec::new();
        let mut clusters: Vec<IdCount> = Vec::new();
        let mut count = 0;
        let mut end = 0;
        for row in rows {
            end = write_row(row, scratch, end, &mut styles, &mut clusters);
            count += 1;
        }
        let raw = &scratch[..end];
        let lz4 = try_lz4
            .then(|| lz4_flex::block::compress(raw))
            .filter(|c| c.len() <= raw.len() - raw.len() / 8);
        let stored = lz4.is_none();
        let data = lz4.unwrap_or_else(|| raw.to_vec()).into_boxed_slice();
        Block {
            id,
            rows: count,
            raw_len: raw.len(),
            data,
            stored,
            styles: sum_by_id(styles),
            clusters: sum_by_id(clusters),
        }
    }

    /// The rows back, exactly as they were given to [`Block::encode`]. `None` only if the
    /// block is corrupt (a bug: blocks never leave the process).
    pub(crate) fn decode(&self) -> Option<Vec<Row>> {
        let raw = if self.stored {
            std::borrow::Cow::Borrowed(&self.data[..])
        } else {
            std::borrow::Cow::Owned(lz4_flex::block::decompress(&self.data, self.raw_len).ok()?)
        };
        if raw.len() != self.raw_len {
            return None;
        }
        let mut reader = Reader { bytes: &raw, at: 0 };
        let mut rows = Vec::with_capacity(self.rows);
        for _ in 0..self.rows {
            rows.push(reader.row()?);
        }
        (reader.at == raw.len()).then_some(rows)
    }

    /// Release every reference the block holds (it is being dropped undecoded).
    pub(crate) fn release(&self, tables: &mut SideTables) {
        for &(id, n) in self.styles.iter() {
            tables.release_style_n(super::cell::StyleId(id), n);
        }
        for &(id, n) in self.clusters.iter() {
            tables.clusters.release_n(id, n);
        }
    }

    /// The references held: (style id, count) and (cluster id, count) lists.
    pub(crate) fn held(&self) -> (&[IdCount], &[IdCount]) {
        (&self.styles, &self.clusters)
    }

    /// Heap bytes: the LZ4 payload and the reference lists.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.data.len() + (self.styles.len() + self.clusters.len()) * 8
    }
}

/// Write `v` as a LEB128 varint at `buf[at..]` (at most 5 bytes); returns the index after it.
#[inline(always)]
fn put_varint(buf: &mut [u8], mut at: usize, mut v: u32) -> usize {
    while v >= 0x80 {
        buf[at] = v as u8 | 0x80;
        v >>= 7;
        at += 1;
    }
    buf[at] = v as u8;
    at + 1
}

/// The most bytes [`put_varint`] writes.
const VARINT_MAX: usize = 5;

/// Write one row in the transformed form (see the module's doc) at `out[at..]` and count the
/// references its cells hold; returns the index after it. The row is written through an
/// index rather than pushed byte by byte (a push per byte, length reloaded and capacity
/// checked each time, was most of its cost), and `out` is grown, zero-filled, only when it
/// is shorter than the row's worst case: it keeps its length from row to row and block to
/// block, the bytes past the returned index being scratch (zero-filling each row's worst
/// case was an eighth of a `yes` flood's parse time).
fn write_row(
    row: &Row,
    out: &mut Vec<u8>,
    at: usize,
    styles: &mut Vec<IdCount>,
    clusters: &mut Vec<IdCount>,
) -> usize {
    let cells = row.cells();
    let occupied = row.stored_occupied_len();
    let occupied_cells = &cells[..occupied];
    // The worst case: flags, two counts, each cell's content word and a style run (two
    // varints) for each cell.
    let need = at + 1 + (2 + 3 * occupied) * VARINT_MAX;
    if out.len() < need {
        out.resize(need, 0);
    }
    let buf = &mut out[..];
    buf[at] = row.flags().bits();
    let mut at = put_varint(buf, at + 1, cells.len() as u32);
    at = put_varint(buf, at, occupied as u32);
    // One pass: the content words, and whether any cell holds a reference (a style or a
    // cluster) at all: plain text holds none, and is then one run of the default style.
    let mut refs = false;
    for cell in occupied_cells {
        refs |= cell.holds_refs();
        at = put_varint(buf, at, cell.to_bits().0);
    }
    if occupied == 0 {
        return at;
    }
    if !refs {
        at = put_varint(buf, at, occupied as u32);
        return put_varint(buf, at, 0);
    }
    clusters.extend(occupied_cells.iter().filter_map(|c| c.cluster()).map(|id| (id.0, 1)));
    let mut i = 0;
    while i < occupied {
        let style = occupied_cells[i].style();
        let run = occupied_cells[i..].iter().take_while(|c| c.style() == style).count();
        at = put_varint(buf, at, run as u32);
        at = put_varint(buf, at, style.0);
        if style.0 != 0 {
            styles.push((style.0, run as u32));
        }
        i += run;
    }
    at
}

/// `pairs` of (id, count) as one pair per id, counts summed, sorted by id.
fn sum_by_id(mut pairs: Vec<IdCount>) -> Box<[IdCount]> {
    pairs.sort_unstable_by_key(|p| p.0);
    let mut out: Vec<IdCount> = Vec::with_capacity(pairs.len());
    for (id, n) in pairs {
        match out.last_mut() {
            Some(last) if last.0 == id => last.1 += n,
            _ => out.push((id, n)),
        }
    }
    out.into_boxed_slice()
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            v |= u32::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn row(&mut self) -> Option<Row> {
        let flags = RowFlags::from_bits_retain(self.byte()?);
        let len = self.varint()? as usize;
        let occupied = self.varint()? as usize;
        // Rows are at most a grid's width; a bigger count means a corrupt block.
        if occupied > len || len > u16::MAX as usize {
            return None;
        }
        let mut cells = Vec::with_capacity(len);
        for _ in 0..occupied {
            cells.push(Cell::from_bits(self.varint()?, 0));
        }
        let mut i = 0;
        while i < occupied {
            let run = self.varint()? as usize;
            let style = self.varint()?;
            if run == 0 || i + run > occupied {
                return None;
            }
            for cell in &mut cells[i..i + run] {
                *cell = Cell::from_bits(cell.to_bits().0, style);
            }
            i += run;
        }
        cells.resize(len, Cell::BLANK);
        Some(Row { cells, flags, occupied_hint: 0 })
    }
}

/// The decoded blocks most recently read, most recent last (at most [`CACHE_BLOCKS`]).
#[derive(Default)]
pub(crate) struct DecodeCache {
    entries: Vec<(u64, Arc<[Row]>)>,
}

impl DecodeCache {
    /// The decoded rows of `block`, from the cache or decoded now.
    pub(crate) fn get(&mut self, block: &Block) -> Arc<[Row]> {
        if let Some(pos) = self.entries.iter().position(|(id, _)| *id == block.id) {
            let entry = self.entries.remove(pos);
            let rows = entry.1.clone();
            self.entries.push(entry);
            return rows;
        }
        let rows: Arc<[Row]> = match block.decode() {
            Some(rows) => rows.into(),
            None => {
                debug_assert!(false, "corrupt history block {}", block.id);
                (0..block.rows).map(|_| Row::default()).collect()
            }
        };
        if self.entries.len() >= CACHE_BLOCKS {
            self.entries.remove(0);
        }
        self.entries.push((block.id, rows.clone()));
        rows
    }

    /// Forget a block's decoded copy (the block is going).
    pub(crate) fn forget(&mut self, id: u64) {
        self.entries.retain(|(other, _)| *other != id);
    }

    pub(crate) fn clear(&mut self) {
        self.entries = Vec::new();
    }

    /// Heap bytes of the decoded copies (row headers and cells) and the entry list.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(u64, Arc<[Row]>)>()
            + self
                .entries
                .iter()
                .map(|(_, rows)| {
                    // The Arc's two counters, then the rows.
                    16 + rows
                        .iter()
                        .map(|r| std::mem::size_of::<Row>() + std::mem::size_of_val(r.cells()))
                        .sum::<usize>()
                })
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{ClusterId, StyleId};

    fn row(cells: &[Cell], flags: RowFlags, width: usize) -> Row {
        let mut v = cells.to_vec();
        v.resize(width, Cell::BLANK);
        Row { cells: v, flags, occupied_hint: 0 }
    }

    #[test]
    fn rows_round_trip_bit_for_bit_with_their_reference_lists() {
        let wide = Cell::with_char('中', StyleId(3), true);
        let rows = vec![
            row(&[], RowFlags::empty(), 10),
            row(
                &[Cell::with_char('a', StyleId(0), false), wide, Cell::spacer(StyleId(3))],
                RowFlags::HAS_REFS | RowFlags::WRAPPED,
                10,
            ),
            row(
                &[
                    Cell::blank(StyleId(7)),
                    Cell::with_cluster(ClusterId(5), StyleId(7), false),
                    Cell::BLANK,
                    Cell::with_char('\u{10FFFF}', StyleId(u32::MAX), false),
                ],
                RowFlags::HAS_REFS | RowFlags::PROMPT_START,
                4,
            ),
            row(&[Cell::blank(StyleId(7)); 6], RowFlags::HAS_REFS, 6),
            row(&[Cell::leading_spacer()], RowFlags::empty(), 1),
        ];
        let block = Encoder::default().encode(9, &rows);
        let back = block.decode().expect("decodes");
        assert_eq!(back.len(), rows.len());
        for (a, b) in rows.iter().zip(&back) {
            assert_eq!((a.cells(), a.flags()), (b.cells(), b.flags()));
            assert_eq!(b.cells.capacity(), b.cells.len(), "no spare capacity");
        }
        let (styles, clusters) = block.held();
        assert_eq!(styles, &[(3, 2), (7, 8), (u32::MAX, 1)]);
        assert_eq!(clusters, &[(5, 1)]);
    }

    #[test]
    fn plain_text_packs_far_under_two_bytes_a_cell() {
        let rows = repeated_text();
        let block = Encoder::default().encode(1, &rows);
        assert!(!block.stored, "LZ4 pays for repeated text");
        let per_cell = block.heap_bytes() as f64 / (BLOCK_ROWS * 80) as f64;
        assert!(per_cell < 0.5, "{per_cell} bytes a cell");
    }

    /// 64 rows of the same line of text, numbered: what LZ4 is for.
    fn repeated_text() -> Vec<Row> {
        let text = "drwxr-xr-x 2 root root 4096 Jan  1 00:00 some-directory-name";
        (0..BLOCK_ROWS)
            .map(|i| {
                let s = format!("{text}{i}");
                let cells: Vec<Cell> =
                    s.chars().map(|c| Cell::with_char(c, StyleId::DEFAULT, false)).collect();
                row(&cells, RowFlags::empty(), 80)
            })
            .collect()
    }

    #[test]
    fn rows_lz4_cannot_shrink_are_stored_and_lz4_is_tried_again_later() {
        // Ideographs in pseudo-random order, each with a style of its own: no 4-byte repeats
        // for LZ4 to find.
        let mut x: u32 = 1;
        let rows: Vec<Row> = (0..BLOCK_ROWS)
            .map(|_| {
                let cells: Vec<Cell> = (0..40)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        let c = char::from_u32(0x4E00 + (x >> 16) % 20_000).unwrap_or('x');
                        Cell::with_char(c, StyleId(1 + x % 100_000), false)
                    })
                    .collect();
                row(&cells, RowFlags::HAS_REFS, 40)
            })
            .collect();
        let mut encoder = Encoder::default();
        let block = encoder.encode(0, &rows);
        assert!(block.stored, "{} of {} bytes", block.data.len(), block.raw_len);
        assert_eq!(block.data.len(), block.raw_len);
        let back = block.decode().expect("decodes");
        assert!(rows.iter().zip(&back).all(|(a, b)| a.cells() == b.cells()));
        let held: u32 = block.held().0.iter().map(|p| p.1).sum();
        let want = rows.iter().flat_map(|r| r.cells()).filter(|c| c.style().0 != 0).count();
        assert_eq!(held as usize, want, "a stored block holds its rows' references too");
        // The next blocks are stored without trying LZ4, even text it would shrink; the one
        // after them tries it, and it pays again.
        let text = repeated_text();
        for id in 1..=u64::from(STORED_STREAK) {
            assert!(encoder.encode(id, &text).stored, "block {id}");
        }
        let block = encoder.encode(99, &text);
        assert!(!block.stored);
        assert!(encoder.encode(100, &text).heap_bytes() < block.raw_len / 4);
    }

    #[test]
    fn varints_are_leb128_of_the_shortest_length() {
        let edges = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1f_ffff, 0x20_0000, 0xfff_ffff];
        let more = [0x1000_0000, u32::MAX, 0x4e2d, 0x1_f600];
        for v in edges.into_iter().chain(more) {
            let mut buf = [0xaau8; VARINT_MAX + 1];
            let end = put_varint(&mut buf, 1, v);
            let bits = 32 - v.leading_zeros().min(31);
            assert_eq!(end - 1, bits.div_ceil(7) as usize, "{v:#x}");
            let mut reader = Reader { bytes: &buf[1..end], at: 0 };
            assert_eq!(reader.varint(), Some(v), "{v:#x}");
            assert_eq!(reader.at, end - 1);
            assert_eq!(buf[0], 0xaa, "nothing before `at` is touched");
        }
    }

    #[test]
    fn a_corrupt_block_is_refused_not_trusted() {
        let rows = vec![row(&[Cell::with_char('x', StyleId(0), false)], RowFlags::empty(), 3)];
        let mut block = Block::encode(1, &rows, &mut Vec::new(), true);
        block.raw_len += 1;
        assert!(block.decode().is_none());
        let mut cache = DecodeCache::default();
        if !cfg!(debug_assertions) {
            assert_eq!(cache.get(&block).len(), 1, "blank rows stand in");
        }
        block.data = vec![0xff; 4].into_boxed_slice();
        assert!(block.decode().is_none());
        cache.clear();
    }

    #[test]
    fn the_cache_keeps_the_most_recent_blocks() {
        let rows = vec![row(&[Cell::with_char('x', StyleId(0), false)], RowFlags::empty(), 3)];
        let mut encoder = Encoder::default();
        let blocks: Vec<Block> = (0..5).map(|id| encoder.encode(id, &rows)).collect();
        let mut cache = DecodeCache::default();
        for b in &blocks {
            cache.get(b);
        }
        let ids: Vec<u64> = cache.entries.iter().map(|e| e.0).collect();
        assert_eq!(ids, [2, 3, 4]);
        cache.get(&blocks[2]);
        let ids: Vec<u64> = cache.entries.iter().map(|e| e.0).collect();
        assert_eq!(ids, [3, 4, 2], "a hit becomes the most recent");
        assert!(cache.heap_bytes() > 3 * 3 * 8);
        cache.forget(4);
        assert_eq!(cache.entries.len(), 2);
    }
}
