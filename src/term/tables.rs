//! Side tables: styles, hyperlinks and grapheme clusters, each stored once and shared by id.
//!
//! Ownership is explicit: every id held anywhere (a cell, the pen, a style entry referring to a
//! hyperlink) is one counted reference. `retain` adds one, `release` drops one, and the entry is
//! freed the moment its count reaches zero — never guessed from a table size. Freed ids are
//! reused; trailing free slots are truncated so a burst of unique styles does not pin memory.
//! `SideTables::verify` recounts every reference from the grids and compares (tests only).

use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::cell::{ClusterId, StyleId};
use super::style::Style;

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

struct Entry<T> {
    value: T,
    refs: u32,
}

/// A reference-counted, deduplicating table. Id 0 is reserved (the "none"/default value that
/// is never counted), so real entries start at 1.
pub struct Interner<T: Hash + Eq + Clone> {
    entries: Vec<Option<Entry<T>>>,
    index: FxHashMap<T, u32>,
    free: Vec<u32>,
    /// Refuse to grow beyond this many live entries (the id space or memory bound).
    limit: u32,
}

impl<T: Hash + Eq + Clone> Interner<T> {
    pub fn new(limit: u32) -> Self {
        Self { entries: vec![None], index: FxHashMap::default(), free: Vec::new(), limit }
    }

    /// Look `value` up, adding it if new, and take one reference. `None` when the table is full.
    pub fn intern(&mut self, value: &T) -> Option<u32> {
        if let Some(&id) = self.index.get(value) {
            self.retain(id);
            return Some(id);
        }
        if self.live() >= self.limit as usize {
            return None;
        }
        let entry = Some(Entry { value: value.clone(), refs: 1 });
        let id = loop {
            match self.free.pop() {
                Some(id) if (id as usize) < self.entries.len() => {
                    self.entries[id as usize] = entry;
                    break id;
                }
                Some(_) => continue,
                None => {
                    let id = u32::try_from(self.entries.len()).ok()?;
                    self.entries.push(entry);
                    break id;
                }
            }
        };
        self.index.insert(value.clone(), id);
        Some(id)
    }

    #[inline]
    pub fn retain(&mut self, id: u32) {
        if id == 0 {
            return;
        }
        if let Some(Some(e)) = self.entries.get_mut(id as usize) {
            e.refs = e.refs.saturating_add(1);
        } else {
            debug_assert!(false, "retain of a free id {id}");
        }
    }

    /// Drop one reference; returns the value if this freed the entry.
    #[inline]
    pub fn release(&mut self, id: u32) -> Option<T> {
        if id == 0 {
            return None;
        }
        let slot = self.entries.get_mut(id as usize)?;
        let entry = slot.as_mut()?;
        entry.refs -= 1;
        if entry.refs > 0 {
            return None;
        }
        let entry = slot.take()?;
        self.index.remove(&entry.value);
        if id as usize + 1 == self.entries.len() {
            // Truncate the free tail so the table shrinks back after a burst.
            while self.entries.len() > 1 && self.entries.last().is_some_and(Option::is_none) {
                self.entries.pop();
            }
            if self.entries.capacity() > 64 && self.entries.len() < self.entries.capacity() / 4 {
                self.entries.shrink_to(self.entries.len() * 2);
            }
            let len = self.entries.len() as u32;
            self.free.retain(|&f| f < len);
            if self.free.capacity() > 64 && self.free.len() < self.free.capacity() / 4 {
                self.free.shrink_to_fit();
            }
        } else {
            self.free.push(id);
        }
        if self.index.capacity() > 64 && self.index.len() < self.index.capacity() / 4 {
            self.index.shrink_to_fit();
        }
        Some(entry.value)
    }

    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        self.entries.get(id as usize)?.as_ref().map(|e| &e.value)
    }

    pub fn refs(&self, id: u32) -> u32 {
        self.entries.get(id as usize).and_then(|e| e.as_ref()).map_or(0, |e| e.refs)
    }

    /// Number of live entries.
    pub fn live(&self) -> usize {
        self.index.len()
    }

    /// Ids of all live entries with their counts.
    pub fn counts(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.entries.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|e| (i as u32, e.refs)))
    }

    /// Approximate heap bytes used by the table structure (not the values' own heap data).
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Option<Entry<T>>>()
            + self.index.capacity() * (std::mem::size_of::<T>() + 4 + 1)
            + self.free.capacity() * 4
    }
}

/// The three side tables of one terminal, shared by its main and alternate screens.
pub struct SideTables {
    pub styles: Interner<Style>,
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
            styles: Interner::new(MAX_STYLES),
            links: Interner::new(MAX_LINKS),
            clusters: Interner::new(MAX_CLUSTERS),
        }
    }

    /// Intern a style (one reference for the caller). The style's link gains a reference for
    /// the table entry when the entry is new.
    pub fn intern_style(&mut self, style: &Style) -> StyleId {
        if style.is_default() {
            return StyleId::DEFAULT;
        }
        let before = self.styles.live();
        match self.styles.intern(style) {
            Some(id) => {
                if self.styles.live() > before {
                    self.links.retain(style.link.0);
                }
                StyleId(id)
            }
            None => StyleId::DEFAULT,
        }
    }

    #[inline]
    pub fn retain_style(&mut self, id: StyleId) {
        self.styles.retain(id.0);
    }

    #[inline]
    pub fn release_style(&mut self, id: StyleId) {
        if let Some(style) = self.styles.release(id.0) {
            self.links.release(style.link.0);
        }
    }

    #[inline]
    pub fn style(&self, id: StyleId) -> Style {
        self.styles.get(id.0).copied().unwrap_or_default()
    }

    pub fn intern_cluster(&mut self, text: &str) -> Option<ClusterId> {
        let key: Box<str> = text.into();
        self.clusters.intern(&key).map(ClusterId)
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

    pub fn heap_bytes(&self) -> usize {
        self.styles.heap_bytes() + self.links.heap_bytes() + self.clusters.heap_bytes()
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
        assert_eq!(t.release(a), Some(10));
        assert_eq!(t.live(), 1);
        let c = t.intern(&30).unwrap();
        assert_eq!(c, a, "freed id is reused");
        t.release(b);
        t.release(c);
        assert_eq!(t.live(), 0);
        assert_eq!(t.entries.len(), 1, "free tail truncated");
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
