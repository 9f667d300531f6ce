//! The style table: every [`Style`] a cell or the pen uses, stored once per entry and
//! reference counted exactly, like the other side tables ([`super::tables`]).
//!
//! Unlike hyperlinks and clusters, styles are not deduplicated through a hash index over the
//! whole table. Output that gives every few cells a new truecolour style (image viewers drawing
//! half blocks, lolcat, gradients) makes a new entry for almost every style change and frees it
//! again when the cells are overwritten or leave the scrollback; keeping a table-wide index in
//! step cost a hash probe into a large, cold table on both sides. Instead a small
//! set-associative cache maps a style's hash to the id that last held it: a style seen
//! recently (the common case: a prompt, a syntax theme, `ls --color`) gets the same id again,
//! and a style that is not in the cache gets a fresh entry. Two live entries may therefore hold
//! the same style; readers compare styles by value where it matters, and memory stays bounded
//! by the live cells (an entry lives only while something references it) and by the table's
//! limit.
//!
//! Each entry keeps the style and its count side by side (24 bytes), so counting, freeing and
//! checking a cache hit touch one record. A freed entry's style stays in place until its slot
//! is reused; the cache is validated on lookup (live and equal), never invalidated on free.
//!
//! Must not touch: cells or grids (callers pass ids in and out).

use super::style::Style;

/// One slot: the style and how many references it has (0: free).
#[derive(Clone, Copy, Default)]
struct Entry {
    style: Style,
    refs: u32,
}

/// Sets in the recent-style cache (two ways each): 4 KiB per terminal, allocated on the first
/// non-default style.
const CACHE_SETS: usize = 256;

/// Reference-counted styles, ids from 1 (0 is the default style and is never counted).
pub struct StyleTable {
    entries: Vec<Entry>,
    free: Vec<u32>,
    live: usize,
    /// Refuse to grow beyond this many live entries.
    limit: u32,
    /// `[set * 2]` most recent, `[set * 2 + 1]` the one before: `(id, tag)`, id 0 = empty. Hints
    /// only: an id is used after checking that its entry is live and holds the same style. The
    /// tag (the hash's low half) turns most misses away without reading the (cold) entry.
    cache: Vec<(u32, u32)>,
}

/// A hash of the style's 20 bytes, good enough to spread a cache of a few hundred sets and tag
/// its slots (multiply-xorshift over the packed fields).
#[inline(always)]
fn hash(style: &Style) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let a = (style.fg.packed() as u64) << 32 | style.bg.packed() as u64;
    let b = (style.underline_color.packed() as u64) << 32 | style.link.0 as u64;
    let c = (style.attrs.bits() as u64) << 8 | style.underline as u64;
    let h = (a.wrapping_mul(K) ^ b).wrapping_mul(K) ^ c;
    // Fold the high half down so both halves (set index and tag) depend on every field.
    let h = (h ^ (h >> 32)).wrapping_mul(K);
    h ^ (h >> 29)
}

impl StyleTable {
    pub fn new(limit: u32) -> Self {
        Self {
            entries: vec![Entry::default()],
            free: Vec::new(),
            live: 0,
            limit,
            cache: Vec::new(),
        }
    }

    /// An id for `style` with one reference for the caller: the id that recently held an equal
    /// style if the cache knows one, else a new entry. `None` when the table is full.
    /// `is_new` is set when an entry was created (its hyperlink then needs a reference).
    #[inline]
    pub fn intern(&mut self, style: &Style, is_new: &mut bool) -> Option<u32> {
        if self.cache.is_empty() {
            self.cache = vec![(0, 0); CACHE_SETS * 2];
        }
        let h = hash(style);
        let tag = h as u32;
        let set = (h >> 32) as usize % CACHE_SETS * 2;
        for way in 0..2 {
            let (id, slot_tag) = self.cache[set + way];
            if slot_tag == tag
                && id != 0
                && let Some(e) = self.entries.get_mut(id as usize)
                && e.refs > 0
                && e.style == *style
            {
                e.refs = e.refs.saturating_add(1);
                if way == 1 {
                    self.cache.swap(set, set + 1);
                }
                return Some(id);
            }
        }
        if self.live >= self.limit as usize {
            return None;
        }
        let id = self.insert_new(*style)?;
        *is_new = true;
        self.cache[set + 1] = self.cache[set];
        self.cache[set] = (id, tag);
        Some(id)
    }

    fn insert_new(&mut self, style: Style) -> Option<u32> {
        let id = loop {
            match self.free.pop() {
                Some(id) if (id as usize) < self.entries.len() => break id,
                Some(_) => continue,
                None => {
                    let id = u32::try_from(self.entries.len()).ok()?;
                    self.entries.push(Entry::default());
                    break id;
                }
            }
        };
        self.entries[id as usize] = Entry { style, refs: 1 };
        self.live += 1;
        Some(id)
    }

    /// Add `n` references to a live entry.
    #[inline]
    pub fn retain_n(&mut self, id: u32, n: u32) {
        if id == 0 || n == 0 {
            return;
        }
        match self.entries.get_mut(id as usize) {
            Some(e) if e.refs > 0 => e.refs = e.refs.saturating_add(n),
            _ => debug_assert!(false, "retain of a free style {id}"),
        }
    }

    /// Drop `n` references; returns the freed style's hyperlink id if this freed the entry.
    #[inline(always)]
    pub fn release_n(&mut self, id: u32, n: u32) -> Option<u32> {
        if id == 0 || n == 0 {
            return None;
        }
        let e = self.entries.get_mut(id as usize)?;
        if e.refs > n {
            e.refs -= n;
            return None;
        }
        debug_assert_eq!(e.refs, n, "released more style references than held");
        if e.refs == 0 {
            return None;
        }
        e.refs = 0;
        Some(self.free_entry(id))
    }

    #[inline]
    fn free_entry(&mut self, id: u32) -> u32 {
        let slot = id as usize;
        let link = self.entries[slot].style.link.0;
        self.live -= 1;
        if slot + 1 == self.entries.len() {
            self.truncate_free_tail();
        } else {
            self.free.push(id);
        }
        link
    }

    /// The last entry was freed: drop the free tail so the table shrinks back after a burst.
    #[cold]
    fn truncate_free_tail(&mut self) {
        while self.entries.len() > 1 && self.entries.last().is_some_and(|e| e.refs == 0) {
            self.entries.pop();
        }
        let len = self.entries.len();
        if self.entries.capacity() > 64 && len < self.entries.capacity() / 4 {
            self.entries.shrink_to(len * 2);
        }
        self.free.retain(|&f| (f as usize) < len);
        if self.free.capacity() > 64 && self.free.len() < self.free.capacity() / 4 {
            self.free.shrink_to_fit();
        }
        if len == 1 {
            // Nothing styled is left: give the cache back too.
            self.cache = Vec::new();
        }
    }

    /// The style of a live entry.
    #[inline]
    pub fn get(&self, id: u32) -> Option<&Style> {
        self.entries.get(id as usize).filter(|e| e.refs > 0).map(|e| &e.style)
    }

    pub fn refs(&self, id: u32) -> u32 {
        self.entries.get(id as usize).map_or(0, |e| e.refs)
    }

    /// Number of live entries.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Ids of all live entries with their counts.
    pub fn counts(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.entries.iter().enumerate().filter(|(_, e)| e.refs > 0).map(|(i, e)| (i as u32, e.refs))
    }

    /// Heap bytes: the entries, the free list and the cache.
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.free.capacity() * 4
            + self.cache.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Color;

    fn red(n: u8) -> Style {
        Style { fg: Color::rgb(n, 0, 0), ..Style::default() }
    }

    #[test]
    fn recent_styles_share_an_id_and_free_at_zero() {
        let mut t = StyleTable::new(100);
        let mut new = false;
        let a = t.intern(&red(1), &mut new).unwrap_or(0);
        assert!(new && a != 0);
        new = false;
        assert_eq!(t.intern(&red(1), &mut new), Some(a));
        assert!(!new, "found, not created");
        assert_eq!(t.refs(a), 2);
        assert_eq!(t.release_n(a, 1), None);
        assert_eq!(t.release_n(a, 1), Some(0), "freed at zero");
        assert_eq!(t.get(a), None);
        assert_eq!(t.live(), 0);
        assert_eq!(t.entries.len(), 1, "free tail truncated");
        assert!(t.cache.is_empty(), "cache given back when nothing is styled");
    }

    #[test]
    fn a_freed_id_is_never_handed_out_for_its_old_style() {
        let mut t = StyleTable::new(100);
        let mut new = false;
        let a = t.intern(&red(1), &mut new).unwrap_or(0);
        let b = t.intern(&red(2), &mut new).unwrap_or(0);
        t.release_n(a, 1);
        // `a`'s slot is reused for another style; the cache still names `a` for red(1).
        let c = t.intern(&red(3), &mut new).unwrap_or(0);
        assert_eq!(c, a, "freed id reused");
        let d = t.intern(&red(1), &mut new).unwrap_or(0);
        assert_ne!(d, c, "the stale cache hint was checked");
        assert_eq!(t.get(d), Some(&red(1)));
        assert_eq!(t.get(c), Some(&red(3)));
        for id in [b, c, d] {
            t.release_n(id, 1);
        }
        assert_eq!(t.live(), 0);
    }

    #[test]
    fn limit_refuses_new_entries_but_finds_cached_ones() {
        let mut t = StyleTable::new(2);
        let mut new = false;
        assert!(t.intern(&red(1), &mut new).is_some());
        assert!(t.intern(&red(2), &mut new).is_some());
        assert!(t.intern(&red(3), &mut new).is_none());
        assert!(t.intern(&red(1), &mut new).is_some(), "existing styles still found");
    }
}
