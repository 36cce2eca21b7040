//! Tests per format, on small fixtures written from each format's documentation
//! (W3C WebVTT, the podcast namespace's transcripts.md and its examples, Whisper and
//! WhisperX output, otter.ai's text export).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod in_place;
mod json;
mod meta;
mod otter;
mod props;
mod srt;
mod timing;
mod vtt;

use crate::transcript::{
    MetaFile, MetaKind, ParseOptions, ParsedEpisode, Source, SourceFile, parse_source,
};

/// A sidecar with the required keys: Ryan Peterman hosts, Stefan Mai is the guest.
pub(super) const SIDECAR: &str = "podcast_name: The Peterman Pod\nepisode_title: Career story\n\
    host_name: Ryan Peterman\nguest_name: Stefan Mai\nepisode_date: 2025-08-15\n";

/// `display` holding `text`, with metadata files `(kind, display, text)`.
pub(super) fn source(display: &str, text: &str, metas: &[(MetaKind, &str, &str)]) -> Source {
    Source {
        file: SourceFile {
            display: display.to_owned(),
            bytes: text.as_bytes().to_vec(),
        },
        meta: metas
            .iter()
            .map(|(kind, d, t)| MetaFile {
                kind: *kind,
                display: (*d).to_owned(),
                contents: Ok(t.as_bytes().to_vec()),
            })
            .collect(),
    }
}

/// `content/ep.<ext>` with `content/ep.yml` holding `sidecar`.
pub(super) fn with_sidecar(ext: &str, text: &str, sidecar: &str) -> Source {
    source(
        &format!("content/ep.{ext}"),
        text,
        &[(MetaKind::Sidecar, "content/ep.yml", sidecar)],
    )
}

/// Parses and returns the episode (or `None`) and the diagnostics' headlines, in
/// the order a run prints them (by file, line and column).
pub(super) fn run(src: &Source) -> (Option<ParsedEpisode>, Vec<String>) {
    let (ep, diags) = parse_source(src, &ParseOptions::default());
    let mut all = crate::diag::Diagnostics::new();
    all.extend(diags);
    all.sort();
    (ep, all.iter().map(|d| d.headline()).collect())
}

/// Parses a source that must give an episode without warnings.
pub(super) fn clean(src: &Source) -> ParsedEpisode {
    let (ep, diags) = parse_source(src, &ParseOptions::default());
    assert!(diags.is_empty(), "{diags:#?}");
    ep.expect("an episode")
}

/// A turn as the tests compare it.
#[derive(Debug, PartialEq)]
pub(super) struct T {
    /// Speaker as the turn shows it.
    pub(super) who: String,
    /// Resolved to a host or guest.
    pub(super) person: bool,
    /// Start in seconds.
    pub(super) at: u32,
    /// Exact times.
    pub(super) ms: Option<(u64, u64)>,
    /// Markdown body.
    pub(super) body: String,
}

/// Every turn of `ep`, in order, with its chapter's title.
pub(super) fn turns(ep: &ParsedEpisode) -> Vec<(Option<String>, T)> {
    ep.chapters
        .iter()
        .flat_map(|c| {
            c.turns.iter().map(|t| {
                (
                    c.title.clone(),
                    T {
                        who: t.speaker.clone(),
                        person: t.resolved.is_some(),
                        at: t.start.seconds(),
                        ms: t.times.map(|s| (s.start, s.end)),
                        body: t.body.to_string(),
                    },
                )
            })
        })
        .collect()
}

/// Only the turns, without chapters.
pub(super) fn plain_turns(ep: &ParsedEpisode) -> Vec<T> {
    turns(ep).into_iter().map(|(_, t)| t).collect()
}
