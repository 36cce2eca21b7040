//! What a build wrote where: every output path with the *fingerprint* of the data its
//! file is made from, and the stage that made it.
//!
//! A fingerprint is a hash of a file's inputs, not of its bytes: for a page, its view
//! (everything its template is given), the site-wide values every template sees and
//! the theme; for a copied file, its bytes. Equal fingerprints mean equal files, so a
//! writer told what the output folder already holds ([`Plan::Changed`]) renders and
//! writes only the files whose fingerprint moved, and every path of the previous
//! manifest missing from the new one is a leftover to delete.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

/// The stage that writes a file; a later stage's file wins a shared path, as it
/// would in a whole build (`static/` last, so a site can replace any file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Pages, feeds, the sitemap, theme assets and the small fixed files.
    Render,
    /// The per-episode podcast exports.
    Exports,
    /// The search index under `search/`.
    Search,
    /// Files copied from the site's `static/` folder.
    Static,
}

/// One file of a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Hash of what the file is made from.
    pub fingerprint: u64,
    /// Who writes it.
    pub group: Group,
}

/// Output path (`/`-separated, relative to the output root) → [`Entry`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    files: FxHashMap<String, Entry>,
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Manifest {
        Manifest::default()
    }

    /// Records the files of `group`; a path already recorded is taken over, as a
    /// later write would replace the file.
    pub fn extend(&mut self, group: Group, files: impl IntoIterator<Item = (String, u64)>) {
        for (rel, fingerprint) in files {
            self.files.insert(rel, Entry { fingerprint, group });
        }
    }

    /// The entry of `rel`, if the build writes it.
    pub fn get(&self, rel: &str) -> Option<Entry> {
        self.files.get(rel).copied()
    }

    /// How many files the manifest lists.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when it lists no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files of one group, with their fingerprints.
    pub fn group(&self, group: Group) -> impl Iterator<Item = (&str, u64)> {
        self.files
            .iter()
            .filter(move |(_, e)| e.group == group)
            .map(|(rel, e)| (rel.as_str(), e.fingerprint))
    }

    /// Drops every file of `group`.
    pub fn clear_group(&mut self, group: Group) {
        self.files.retain(|_, e| e.group != group);
    }

    /// Paths listed here and not in `newer`, sorted: what an update must delete.
    pub fn gone(&self, newer: &Manifest) -> Vec<String> {
        let mut gone: Vec<String> = self
            .files
            .keys()
            .filter(|rel| !newer.files.contains_key(*rel))
            .cloned()
            .collect();
        gone.sort();
        gone
    }

    /// Every path, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.files.keys().map(String::as_str).collect();
        paths.sort_unstable();
        paths
    }
}

/// Which files a writer must write, and whether to fingerprint them.
#[derive(Debug, Clone, Copy)]
pub enum Plan<'a> {
    /// All of them, fingerprinting nothing: a one-off build (`castbook build`), which
    /// must not pay for an update that never comes.
    Once,
    /// All of them, fingerprinted: a whole build of a folder that updates will follow.
    All,
    /// Those whose fingerprint differs from the folder's manifest: the folder is live
    /// and up to date as this manifest says (serve's incremental rebuilds).
    Changed(&'a Manifest),
}

impl Plan<'_> {
    /// Whether writers compute fingerprints (and report manifest entries) at all.
    pub fn records(&self) -> bool {
        !matches!(self, Plan::Once)
    }

    /// Whether the file at `rel`, made from inputs hashing to `fingerprint`, must be
    /// written. A file copied from `static/` is never overwritten by an update: in a
    /// whole build it is copied last and wins, and `static/` changes rebuild whole.
    pub fn wants(&self, rel: &str, fingerprint: u64) -> bool {
        match self {
            Plan::Once | Plan::All => true,
            Plan::Changed(manifest) => match manifest.get(rel) {
                Some(e) if e.group == Group::Static => false,
                Some(e) => e.fingerprint != fingerprint,
                None => true,
            },
        }
    }
}

/// The fingerprint of anything hashable: aHash with fixed keys, which mixes every
/// value it is fed with a folded multiply (unlike a multiply-add hasher, similar views
/// never cancel out), at several times SipHash's speed: every build fingerprints the
/// view of every page.
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    const KEYS: ahash::RandomState = ahash::RandomState::with_seeds(
        0x243f_6a88_85a3_08d3,
        0x1319_8a2e_0370_7344,
        0xa409_3822_299f_31d0,
        0x082e_fa98_ec4e_6c89,
    );
    KEYS.hash_one(value)
}

/// The fingerprint of a file written as these bytes (search files, theme assets):
/// rustc-hash's byte hash, several times faster than SipHash on long inputs and
/// still well mixed (it passes SMHasher), then the length.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    fingerprint(&h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_groups_take_over_and_updates_write_only_what_moved() {
        let mut m = Manifest::new();
        m.extend(
            Group::Render,
            [("a.html".to_owned(), 1), ("robots.txt".to_owned(), 2)],
        );
        m.extend(Group::Static, [("robots.txt".to_owned(), 9)]);
        assert_eq!(m.get("robots.txt").map(|e| e.group), Some(Group::Static));
        let plan = Plan::Changed(&m);
        assert!(!plan.wants("a.html", 1));
        assert!(plan.wants("a.html", 3));
        assert!(plan.wants("new.html", 1));
        // Whatever a page would be, `static/` keeps its file.
        assert!(!plan.wants("robots.txt", 5));
        assert!(Plan::All.wants("a.html", 1));

        let mut newer = Manifest::new();
        newer.extend(Group::Render, [("b.html".to_owned(), 1)]);
        newer.extend(Group::Static, [("robots.txt".to_owned(), 9)]);
        assert_eq!(m.gone(&newer), ["a.html"]);
        m.clear_group(Group::Render);
        assert_eq!(m.paths(), ["robots.txt"]);
    }
}
