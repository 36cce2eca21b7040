//! Linking, memoised on what it reads.
//!
//! Linking is cross-file (people, topics, slugs, neighbours, related episodes), but
//! it reads only part of each transcript: its path, its front matter (but for the
//! fields it merely copies) and the shape of its body (chapter titles, each turn's
//! speaker and timestamp), hashed into a *link key* ([`crate::archive::link_key`]).
//! When every key is the one of the last link, linking again would give the same
//! archive but for what it copies, so the last archive is reused: episodes whose
//! inputs are unchanged are shared as they are, and the others get their copied
//! fields (turn texts, line numbers, description…) from the new parse
//! ([`crate::archive::relink`]). A typo fixed in a turn never pays for a whole link.

use std::sync::Arc;

use crate::archive;
use crate::diag::Diagnostic;
use crate::model::Archive;
use crate::transcript::ParsedEpisode;

/// The last link, kept to be reused.
pub(crate) struct Memo {
    /// (source path, link key) of every episode linked, in source order.
    keys: Vec<(String, u64)>,
    /// What book.toml asked of linking (language, taxonomies), as written by `Debug`.
    options: String,
    archive: Arc<Archive>,
    diagnostics: Vec<Diagnostic>,
}

/// Links `episodes` (sorted by source path, each with its link key), reusing `memo`
/// when linking would read the same; `memo` becomes this link. With no memo to keep
/// (`keep` false), the parses are moved into the archive rather than copied when
/// nothing else holds them.
pub(crate) fn link(
    memo: &mut Option<Memo>,
    episodes: Vec<(Arc<ParsedEpisode>, u64)>,
    keep: bool,
    opts: &archive::LinkOptions,
) -> (Arc<Archive>, Vec<Diagnostic>) {
    let options = if keep {
        format!("{opts:?}")
    } else {
        String::new()
    };
    let keys: Vec<(String, u64)> = if keep {
        episodes
            .iter()
            .map(|(p, k)| (p.source.clone(), *k))
            .collect()
    } else {
        Vec::new()
    };
    if let Some(m) = memo
        .as_mut()
        .filter(|m| keep && m.keys == keys && m.options == options)
        && let Some(archive) = reuse(&m.archive, &episodes)
    {
        m.archive = Arc::new(archive);
        return (Arc::clone(&m.archive), m.diagnostics.clone());
    }
    let parsed: Vec<ParsedEpisode> = episodes
        .into_iter()
        .map(|(p, _)| Arc::try_unwrap(p).unwrap_or_else(|shared| (*shared).clone()))
        .collect();
    let (archive, diagnostics) = archive::link_with(parsed, opts);
    let archive = Arc::new(archive);
    *memo = keep.then(|| Memo {
        keys,
        options,
        archive: Arc::clone(&archive),
        diagnostics: diagnostics.clone(),
    });
    (archive, diagnostics)
}

/// The last archive with every episode whose inputs changed relinked from its new
/// parse; `None` if one cannot be (which equal link keys rule out: a bug).
fn reuse(last: &Archive, episodes: &[(Arc<ParsedEpisode>, u64)]) -> Option<Archive> {
    let mut archive = last.clone();
    let by_source: std::collections::HashMap<&str, &ParsedEpisode> = episodes
        .iter()
        .map(|(p, _)| (p.source.as_str(), &**p))
        .collect();
    for e in &mut archive.episodes {
        let p = by_source.get(e.source.as_str())?;
        if p.source_key != e.source_key || p.source_key.is_unknown() {
            *e = archive::relink(e, p)?;
        }
    }
    Some(archive)
}
