//! What rendering derives from each episode's content alone, computed for every
//! episode once per build (in parallel) and kept between the builds of a live
//! preview ([`Memo`]) for episodes whose inputs and people did not change: every
//! build needs all of it to fingerprint the pages that show it, and recomputing it
//! means reading every transcript's words.

use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::stats::{self, EpisodeStats};
use crate::markdown;
use crate::model::{Archive, Episode};
use crate::site::manifest::fingerprint;

/// How many words of a chapter's first turn a topic page shows.
pub(crate) const EXCERPT_WORDS: usize = 30;

/// What is derived from one episode.
#[derive(Debug)]
pub(crate) struct Derived {
    /// Who talks how long (person pages sum these).
    pub(crate) stats: EpisodeStats,
    /// Per chapter, the start of its first turn as plain text (topic pages quote it).
    pub(crate) excerpts: Vec<String>,
}

/// What render keeps between builds: derived data by the episode's source key and
/// people, and the Tera values of shared views (see `views::ValCache`). A one-off
/// build uses a fresh one.
#[derive(Debug, Default)]
pub struct Memo {
    derived: Mutex<FxHashMap<u64, Arc<Derived>>>,
    vals: Mutex<FxHashMap<u64, tera::Value>>,
}

impl Memo {
    /// Takes the Tera values kept from the last build.
    pub(crate) fn take_vals(&self) -> FxHashMap<u64, tera::Value> {
        std::mem::take(&mut *self.vals.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Keeps the Tera values of this build for the next.
    pub(crate) fn keep_vals(&self, vals: FxHashMap<u64, tera::Value>) {
        *self.vals.lock().unwrap_or_else(PoisonError::into_inner) = vals;
    }
}

/// The derived data of every episode, by episode id: from `memo` where an episode's
/// inputs and people are those it was computed for, computed otherwise. `memo` then
/// holds exactly these.
pub(crate) fn all(archive: &Archive, memo: &Memo) -> Vec<Arc<Derived>> {
    let lock = || memo.derived.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = std::mem::take(&mut *lock());
    let derived: Vec<(Option<u64>, Arc<Derived>)> = archive
        .episodes
        .par_iter()
        .map(|e| {
            // Speakers are people by id, so the ids are part of what the numbers mean.
            let key = (!e.source_key.is_unknown())
                .then(|| fingerprint(&(e.source_key, &e.hosts, &e.guests)));
            let derived = key
                .and_then(|k| kept.get(&k).cloned())
                .unwrap_or_else(|| Arc::new(derive(e)));
            (key, derived)
        })
        .collect();
    *lock() = derived
        .iter()
        .filter_map(|(k, d)| k.map(|k| (k, Arc::clone(d))))
        .collect();
    derived.into_iter().map(|(_, d)| d).collect()
}

fn derive(e: &Episode) -> Derived {
    Derived {
        stats: stats::episode(e),
        excerpts: e
            .chapters
            .iter()
            .map(|c| markdown::excerpt(c.excerpt_source(), EXCERPT_WORDS))
            .collect(),
    }
}
