//! The fingerprint of everything the search index is made from, so that a whole build
//! over a folder whose index was made from the same inputs keeps it instead of
//! compressing it again (the index is about a third of a build's work).
//!
//! The turns' text, times, anchors and chapter titles come from the transcripts: each
//! episode's [`SourceKey`](crate::model::SourceKey) stands for them (it hashes the
//! bytes read, sidecars included, and the parse options). What linking decides across
//! episodes is hashed as such: slugs, names, who speaks each turn, topics, podcasts.

use crate::model::Archive;
use crate::search::{FORMAT, SearchOptions};
use crate::site::manifest::fingerprint;

/// The index's inputs in `archive` with `opts`, for the binary `build_key`; `None`
/// when an episode's source is not tracked (an archive made in memory).
pub fn search_key(archive: &Archive, opts: &SearchOptions, build_key: u64) -> Option<u64> {
    let mut episodes = Vec::with_capacity(archive.episodes.len());
    for e in &archive.episodes {
        if e.source_key.is_unknown() {
            return None;
        }
        let chapters: Vec<_> = e
            .chapters
            .iter()
            .map(|c| {
                let speakers: Vec<_> = c.turns.iter().map(|t| t.person).collect();
                (&c.slug, c.topic, speakers)
            })
            .collect();
        episodes.push(fingerprint(&(
            e.source_key,
            &e.slug,
            &e.title,
            e.date,
            e.podcast,
            &e.guests,
            &e.topics,
            chapters,
        )));
    }
    let podcasts: Vec<_> = archive
        .podcasts
        .iter()
        .map(|p| (p.id, &p.slug, &p.name))
        .collect();
    let people: Vec<_> = archive
        .people
        .iter()
        .map(|p| (p.id, &p.slug, &p.name, p.is_guest()))
        .collect();
    let topics: Vec<_> = archive
        .topics
        .iter()
        .map(|t| (t.id, &t.slug, &t.name, t.episode_count()))
        .collect();
    let options = (
        &opts.language,
        opts.shard_bytes,
        opts.chunk_bytes,
        opts.chunk_level,
        opts.shard_level,
    );
    Some(fingerprint(&(
        build_key, FORMAT, options, episodes, podcasts, people, topics,
    )))
}
