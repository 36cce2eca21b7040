//! The stages of a build, with what they keep between builds: one pipeline for
//! `castbook build` and `castbook serve`.
//!
//! A [`Cache`] lives across builds. `serve` keeps one; a one-off build uses a
//! throwaway ([`Cache::one_off`]) and pays for nothing it would not use:
//! - **sources**: every transcript as last read; a file is read again only when its
//!   stat moved and parsed again only when its inputs did (`sources`);
//! - **linking**, memoised on what it reads, so a change to what it only copies
//!   (a turn's words, the description) reuses the last archive (`link`);
//! - **derived data** per episode (speaker statistics), by the episode's inputs
//!   ([`crate::render::Memo`]).
//!
//! Every file a build writes has a fingerprint made from the data it is rendered from
//! ([`crate::site::manifest`]). A whole build ([`crate::write_site`]) writes everything into
//! a staging folder swapped in at once and returns the manifest; an update
//! ([`update_site`]) writes into the live folder only the files whose fingerprint
//! moved, each atomically, and deletes the files the new manifest no longer lists.
//! The search index, the slowest part, is brought up to date separately
//! ([`reindex`]), still writing only the files whose bytes changed.

mod link;
mod publish;
mod search_key;
mod sources;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

pub(crate) use publish::Recording;
pub use publish::{
    Files, Reindexed, Updated, index_in_memory, publish_index, reindex, update_site,
};
pub use search_key::search_key;
pub use sources::Settle;

use crate::config::LoadedConfig;
use crate::diag::Diagnostics;
use crate::model::Archive;
use crate::transcript::ParseOptions;
use crate::{Timings, archive, content, lap, render, transcript};

/// What builds keep for the next one; see the module docs.
pub struct Cache {
    sources: sources::Sources,
    link: Option<link::Memo>,
    /// Derived per-episode data render reuses.
    pub(crate) render: render::Memo,
    /// False for a one-off build: nothing is kept, nothing fingerprinted.
    keep: bool,
    /// Whether a one-off build gives each episode its [`crate::model::SourceKey`]
    /// (a build whose output folder records what it was made from).
    keys: bool,
}

impl Cache {
    /// A cache for a series of builds of one site (a live preview).
    pub fn new() -> Cache {
        Cache {
            sources: sources::Sources::default(),
            link: None,
            render: render::Memo::default(),
            keep: true,
            keys: true,
        }
    }

    /// A cache for a single build: it keeps nothing and fingerprints nothing.
    pub fn one_off() -> Cache {
        Cache {
            keep: false,
            keys: false,
            ..Cache::new()
        }
    }

    /// A cache for a single build that keys each episode by its sources (hashing every
    /// byte read, a few ms per 100 MB), for a build that records its output.
    pub fn one_off_keyed() -> Cache {
        Cache {
            keys: true,
            ..Cache::one_off()
        }
    }

    /// Whether builds with this cache fingerprint what they write (for updates).
    pub fn keeps(&self) -> bool {
        self.keep
    }

    /// Forgets everything read (after book.toml changed what reading means).
    pub fn clear(&mut self) {
        let (keep, keys) = (self.keep, self.keys);
        *self = Cache::new();
        (self.keep, self.keys) = (keep, keys);
    }
}

impl Default for Cache {
    fn default() -> Self {
        Cache::new()
    }
}

/// The content stages' result: the linked archive and what they said.
#[derive(Debug)]
pub struct Read {
    /// The linked archive (only the files without errors).
    pub archive: Arc<Archive>,
    /// Everything worth telling the user, sorted by file and line.
    pub diagnostics: Diagnostics,
    /// Transcript files found.
    pub files: usize,
    /// Draft episodes left out.
    pub drafts_skipped: usize,
    /// Some file was still being written (under [`Settle`]): it was left as last read,
    /// and a build soon after will pick it up.
    pub unsettled: bool,
}

/// Discovery, parsing and linking for a loaded configuration, reusing `cache`.
/// `settle` (serve) waits for saves in progress. `Err` is an environment problem
/// (no content folder); content problems are diagnostics.
pub fn read(
    config: &LoadedConfig,
    drafts: bool,
    cache: &mut Cache,
    settle: Option<&Settle>,
    timings: &mut Timings,
) -> anyhow::Result<Read> {
    let mut t = Instant::now();
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(config.diagnostics.iter().cloned());
    let parse = ParseOptions {
        date_format: config.config.content.date_format.clone(),
    };
    let link_opts = archive::LinkOptions::of(&config.config);
    let (archive, files, drafts_skipped, unsettled) = if cache.keep {
        let scan =
            cache
                .sources
                .scan(&config.root, &config.content_dir(), &parse, drafts, settle)?;
        lap(timings, "read", &mut t);
        diagnostics.extend(scan.diagnostics);
        let (archive, link_diags) = link::link(&mut cache.link, scan.episodes, true, &link_opts);
        diagnostics.extend(link_diags);
        lap(timings, "link", &mut t);
        (archive, scan.files, scan.drafts_skipped, scan.unsettled)
    } else {
        let found = content::discover(&config.root, &config.content_dir())?;
        diagnostics.extend(found.diagnostics);
        lap(timings, "read", &mut t);
        let files = found.files.len();
        // Each file's bytes are freed as soon as it is parsed, not after the last one,
        // so the raw corpus and its parsed copy are not both held at the peak.
        let results: Vec<_> = found
            .files
            .into_par_iter()
            .map(|f| {
                let (parsed, diags) = transcript::parse_source(&f, &parse);
                let keyed = parsed.map(|mut p| {
                    if cache.keys {
                        p.source_key = sources::source_key(&f, &parse);
                    }
                    p
                });
                (keyed, diags)
            })
            .collect();
        lap(timings, "parse", &mut t);
        let mut episodes = Vec::with_capacity(results.len());
        let mut drafts_skipped = 0;
        for (episode, diags) in results {
            diagnostics.extend(diags);
            match episode {
                Some(e) if e.front.draft && !drafts => drafts_skipped += 1,
                Some(e) => episodes.push(e),
                None => {}
            }
        }
        let (archive, link_diags) = archive::link_with(episodes, &link_opts);
        diagnostics.extend(link_diags);
        lap(timings, "link", &mut t);
        (Arc::new(archive), files, drafts_skipped, false)
    };
    diagnostics.sort();
    Ok(Read {
        archive,
        diagnostics,
        files,
        drafts_skipped,
        unsettled,
    })
}
