//! Side tables: styles, hyperlinks and grapheme clusters, each stored once and shared by id.
//! Hyperlinks and clusters are deduplicated through a hash index ([`Interner`]); styles live
//! in a [`StyleTable`], which shares recent styles through a small cache instead (see there).
//!
//! Ownership is explicit: every id held anywhere (a cell, the pen, a style entry referring to a
//! hyperlink) is one counted reference. `retain` adds one, `release` drops one, and the entry is
//! freed the moment its count reaches zero — never guessed from a table size. Freed ids are
//! reused; trailing free slots are truncated so a burst of unique styles does not pin memory.
//! `SideTables::verify` recounts every reference from the grids and compares (tests only).

use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::cell::{ClusterId, StyleId};
use super::style::Style;
use super::style_table::StyleTable;

/// An id in the hyperlink table; 0 means "no hyperlink" and is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct LinkId(pub u32);

impl LinkId {
    pub const NONE: LinkId = LinkId(0);
}

/// An OSC 8 hyperlink.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hyperlink {
    /// The `id=` parameter, or a unique number for links opened without one (OSC 8 says two
    /// links without an id are never the same link).
    pub ident: LinkIdent,
    pub uri: Box<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkIdent {
    Explicit(Box<str>),
    Anonymous(u64),
}

/// Bookkeeping for one entry, kept apart from the value so the hot paths (counting, freeing)
/// touch one 16-byte record and never a cold value.
#[derive(Clone, Copy, Default)]
struct Meta {
    refs: u32,
    /// Owner-defined: the style table keeps the style's hyperlink id here, so freeing a style
    /// can release its link without reading the style.
    aux: u32,
    hash: u64,
}

/// A reference-counted, deduplicating table. Id 0 is reserved (the "none"/default value that
/// is never counted), so real entries start at 1. An entry is live exactly when its count is
/// non-zero; the hash index holds only ids.
pub struct Interner<T: Hash + Eq + Clone> {
    meta: Vec<Meta>,
    values: Vec<Option<T>>,
    index: HashTable<u32>,
    free: Vec<u32>,
    live: usize,
    /// Refuse to grow beyond this many live entries (the id space or memory bound).
    limit: u32,
}

#[inline]
fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    FxBuildHasher.hash_one(value)
}

impl<T: Hash + Eq + Clone> Interner<T> {
    pub fn new(limit: u32) -> Self {
        Self {
            meta: vec![Meta::default()],
            values: vec![None],
            index: HashTable::new(),
            free: Vec::new(),
            live: 0,
            limit,
        }
    }

    /// Look `value` up, adding it if new, and take one reference. `None` when the table is full.
    #[inline]
    pub fn intern(&mut self, value: &T) -> Option<u32> {
        self.intern_with(value, 0, T::clone)
    }

    /// Like [`Interner::intern`] for a borrowed form of the value (e.g. `&str` for
    /// `Box<str>`): nothing is allocated unless the value is new. `aux` is stored with a new
    /// entry and handed back when it is freed.
    #[inline]
    pub fn intern_with<Q>(&mut self, value: &Q, aux: u32, make: impl FnOnce(&Q) -> T) -> Option<u32>
    where
        Q: Hash + Eq + ?Sized,
        T: std::borrow::Borrow<Q>,
    {
        let hash = hash_of(value);
        let (values, meta) = (&self.values, &self.meta);
        let found = self.index.find(hash, |&id| {
            meta[id as usize].hash == hash
                && values[id as usize].as_ref().is_some_and(|v| v.borrow() == value)
        });
        if let Some(&id) = found {
            self.meta[id as usize].refs += 1;
            return Some(id);
        }
        if self.live >= self.limit as usize {
            return None;
        }
        self.insert_new(make(value), hash, aux)
    }

    #[cold]
    fn insert_new(&mut self, value: T, hash: u64, aux: u32) -> Option<u32> {
        let id = loop {
            match self.free.pop() {
                Some(id) if (id as usize) < self.meta.len() => break id,
                Some(_) => continue,
                None => {
                    let id = u32::try_from(self.meta.len()).ok()?;
                    self.meta.push(Meta::default());
                    self.values.push(None);
                    break id;
                }
            }
        };
        let slot = id as usize;
        self.meta[slot] = Meta { refs: 1, aux, hash };
        self.values[slot] = Some(value);
        self.live += 1;
        let meta = &self.meta;
        self.index.insert_unique(hash, id, |&id| meta[id as usize].hash);
        Some(id)
    }

    #[inline]
    pub fn retain(&mut self, id: u32) {
        self.retain_n(id, 1);
    }

    /// Add `n` references at once.
    #[inline]
    pub fn retain_n(&mut self, id: u32, n: u32) {
        if id == 0 || n == 0 {
            return;
        }
        match self.meta.get_mut(id as usize) {
            Some(m) if m.refs > 0 => m.refs = m.refs.saturating_add(n),
            _ => debug_assert!(false, "retain of a free id {id}"),
        }
    }

    /// Drop one reference; returns the entry's `aux` if this freed it.
    #[inline(always)]
    pub fn release(&mut self, id: u32) -> Option<u32> {
        self.release_n(id, 1)
    }

    /// Drop `n` references; returns the entry's `aux` if this freed it.
    #[inline(always)]
    pub fn release_n(&mut self, id: u32, n: u32) -> Option<u32> {
        if id == 0 || n == 0 {
            return None;
        }
        let m = self.meta.get_mut(id as usize)?;
        if m.refs > n {
            m.refs -= n;
            return None;
        }
        debug_assert_eq!(m.refs, n, "released more references than held");
        if m.refs == 0 {
            return None;
        }
        m.refs = 0;
        Some(self.free_entry(id))
    }

    #[cold]
    fn free_entry(&mut self, id: u32) -> u32 {
        let slot = id as usize;
        let Meta { aux, hash, .. } = self.meta[slot];
        if std::mem::needs_drop::<T>() {
            // Plain-data values (styles) are left in place until the slot is reused.
            self.values[slot] = None;
        }
        if let Ok(found) = self.index.find_entry(hash, |&other| other == id) {
            found.remove();
        }
        self.live -= 1;
        if slot + 1 == self.meta.len() {
            // Truncate the free tail so the table shrinks back after a burst.
            while self.meta.len() > 1 && self.meta.last().is_some_and(|m| m.refs == 0) {
                self.meta.pop();
                self.values.pop();
            }
            let len = self.meta.len();
            if self.meta.capacity() > 64 && len < self.meta.capacity() / 4 {
                self.meta.shrink_to(len * 2);
                self.values.shrink_to(len * 2);
            }
            self.free.retain(|&f| (f as usize) < len);
            if self.free.capacity() > 64 && self.free.len() < self.free.capacity() / 4 {
                self.free.shrink_to_fit();
            }
        } else {
            self.free.push(id);
        }
        if self.index.capacity() > 64 && self.index.len() < self.index.capacity() / 4 {
            let meta = &self.meta;
            self.index.shrink_to_fit(|&id| meta[id as usize].hash);
        }
        aux
    }

    /// The value of a live entry.
    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        if self.meta.get(id as usize)?.refs == 0 {
            return None;
        }
        self.values.get(id as usize)?.as_ref()
    }

    pub fn refs(&self, id: u32) -> u32 {
        self.meta.get(id as usize).map_or(0, |m| m.refs)
    }

    /// Number of live entries.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Ids of all live entries with their counts.
    pub fn counts(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.meta.iter().enumerate().filter(|(_, m)| m.refs > 0).map(|(i, m)| (i as u32, m.refs))
    }

    /// Approximate heap bytes used by the table structure (not the values' own heap data).
    pub fn heap_bytes(&self) -> usize {
        self.meta.capacity() * (std::mem::size_of::<Meta>() + std::mem::size_of::<Option<T>>())
            + self.index.capacity() * (4 + 1)
            + self.free.capacity() * 4
    }

    /// Heap bytes owned by the live values themselves (`size` of each, e.g. a string's
    /// length), on top of [`Interner::heap_bytes`].
    pub fn value_heap_bytes(&self, size: impl Fn(&T) -> usize) -> usize {
        self.values.iter().flatten().map(size).sum()
    }
}

/// The three side tables of one terminal, shared by its main and alternate screens.
pub struct SideTables {
    pub styles: StyleTable,
    pub links: Interner<Hyperlink>,
    pub clusters: Interner<Box<str>>,
}

/// Live styles are bounded so a program printing a unique truecolor per cell cannot grow the
/// table without end; when full, new cells fall back to the closest thing we can store (the
/// default style). 2^22 entries is far above any real screen+scrollback need.
const MAX_STYLES: u32 = 1 << 22;
const MAX_LINKS: u32 = 1 << 20;
const MAX_CLUSTERS: u32 = 1 << 22;

impl Default for SideTables {
    fn default() -> Self {
        Self::new()
    }
}

impl SideTables {
    pub fn new() -> Self {
        Self {
            styles: StyleTable::new(MAX_STYLES),
            links: Interner::new(MAX_LINKS),
            clusters: Interner::new(MAX_CLUSTERS),
        }
    }

    /// Intern a style (one reference for the caller). The style's link gains a reference for
    /// the table entry when the entry is new.
    #[inline]
    pub fn intern_style(&mut self, style: &Style) -> StyleId {
        if style.is_default() {
            return StyleId::DEFAULT;
        }
        let mut is_new = false;
        match self.styles.intern(style, &mut is_new) {
            Some(id) => {
                if is_new {
                    // A new entry holds a reference on its hyperlink.
                    self.links.retain(style.link.0);
                }
                StyleId(id)
            }
            None => StyleId::DEFAULT,
        }
    }

    #[inline(always)]
    pub fn retain_style(&mut self, id: StyleId) {
        self.styles.retain_n(id.0, 1);
    }

    #[inline(always)]
    pub fn release_style(&mut self, id: StyleId) {
        if let Some(link) = self.styles.release_n(id.0, 1) {
            self.links.release(link);
        }
    }

    #[inline]
    pub fn release_style_n(&mut self, id: StyleId, n: u32) {
        if let Some(link) = self.styles.release_n(id.0, n) {
            self.links.release(link);
        }
    }

    #[inline]
    pub fn style(&self, id: StyleId) -> Style {
        self.styles.get(id.0).copied().unwrap_or_default()
    }

    pub fn intern_cluster(&mut self, text: &str) -> Option<ClusterId> {
        self.clusters.intern_with(text, 0, |t: &str| Box::from(t)).map(ClusterId)
    }

    #[inline]
    pub fn cluster(&self, id: ClusterId) -> &str {
        self.clusters.get(id.0).map_or("", |s| s)
    }

    pub fn link(&self, id: LinkId) -> Option<&Hyperlink> {
        self.links.get(id.0)
    }

    /// Live entries in each table: (styles, links, clusters).
    pub fn live(&self) -> (usize, usize, usize) {
        (self.styles.live(), self.links.live(), self.clusters.live())
    }

    /// Heap bytes of the three tables: their slots and indexes, plus the text of clusters and
    /// the URIs and ids of hyperlinks.
    pub fn heap_bytes(&self) -> usize {
        let link_text = |l: &Hyperlink| {
            l.uri.len()
                + match &l.ident {
                    LinkIdent::Explicit(id) => id.len(),
                    LinkIdent::Anonymous(_) => 0,
                }
        };
        self.styles.heap_bytes()
            + self.links.heap_bytes()
            + self.links.value_heap_bytes(link_text)
            + self.clusters.heap_bytes()
            + self.clusters.value_heap_bytes(|c| c.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_frees_at_zero_and_reuses() {
        let mut t: Interner<u64> = Interner::new(100);
        let a = t.intern(&10).unwrap();
        let b = t.intern(&20).unwrap();
        assert_eq!(t.intern(&10), Some(a));
        assert_eq!(t.refs(a), 2);
        assert!(t.release(a).is_none());
        assert_eq!(t.release(a), Some(0), "freed");
        assert_eq!(t.get(a), None);
        assert_eq!(t.live(), 1);
        let c = t.intern(&30).unwrap();
        assert_eq!(c, a, "freed id is reused");
        t.release(b);
        t.release(c);
        assert_eq!(t.live(), 0);
        assert_eq!(t.meta.len(), 1, "free tail truncated");
    }

    #[test]
    fn interner_limit_refuses() {
        let mut t: Interner<u64> = Interner::new(2);
        assert!(t.intern(&1).is_some());
        assert!(t.intern(&2).is_some());
        assert!(t.intern(&3).is_none());
        assert!(t.intern(&1).is_some(), "existing values still found");
    }

    #[test]
    fn style_entry_owns_a_link_reference() {
        let mut t = SideTables::new();
        let link = LinkId(
            t.links
                .intern(&Hyperlink { ident: LinkIdent::Anonymous(1), uri: "http://x".into() })
                .unwrap(),
        );
        let style = Style { link, ..Style::default() };
        let s = t.intern_style(&style);
        let s2 = t.intern_style(&style);
        assert_eq!(s, s2);
        assert_eq!(t.links.refs(link.0), 2, "pen + style entry");
        t.links.release(link.0);
        t.release_style(s);
        assert_eq!(t.links.live(), 1);
        t.release_style(s2);
        assert_eq!(t.links.live(), 0, "last style gone frees the link");
    }
}
