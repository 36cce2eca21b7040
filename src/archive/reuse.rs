//! What linking reads of a transcript, and what it merely copies.
//!
//! [`link_key`] hashes everything [`super::link`] reads to place an episode among
//! the others (path, show, title, date, people and their facts, slug, topics, draft,
//! chapter titles, each turn's speaker and timestamp, and every field a taxonomy may
//! take terms from: duration, guest backgrounds, extra keys). What it only copies
//! into the episode (turn texts, line numbers, description, audio) is left out, and [`relink`] puts a new parse's copy of those into an episode linked
//! before: while no link key moved, that is exactly what linking again would give.
//! Both destructure the parsed types without `..`, so a new field cannot be added
//! without deciding which side it is on.

use std::sync::Arc;

use crate::model::{Chapter, Episode, Turn};
use crate::transcript::{FrontMatter, ParsedChapter, ParsedEpisode, ParsedTurn};

/// The hash of everything linking reads of `p` beyond what it copies.
pub fn link_key(p: &ParsedEpisode) -> u64 {
    let ParsedEpisode {
        source,
        front,
        chapters,
        source_key: _,
    } = p;
    let FrontMatter {
        podcast_name,
        episode_title,
        hosts,
        guests,
        date,
        biggest_role,
        current_company,
        company_size,
        career_start,
        slug,
        topics,
        draft,
        // Copied by linking, never read: `relink` takes them from the new parse.
        description: _,
        audio_url: _,
        // Copied, and read by taxonomies over any field (`[[taxonomies]] field`).
        duration_minutes,
        extra,
        guest_background,
        nested_extra,
        // Where linking's slug warnings point.
        at,
    } = front;
    // JSON values have no `Hash`; their text stands for them.
    let extra = serde_json::to_string(extra).unwrap_or_default();
    let nested: Vec<&str> = nested_extra.iter().map(|n| n.key.as_str()).collect();
    let shape: Vec<(&Option<String>, Vec<_>)> = chapters
        .iter()
        .map(|c| {
            let ParsedChapter {
                title,
                line: _,
                // Copied: `relink` takes it from the new parse.
                intro: _,
                turns,
            } = c;
            let turns: Vec<_> = turns
                .iter()
                .map(|t| {
                    let ParsedTurn {
                        speaker,
                        resolved,
                        start,
                        // Copied: `relink` takes them from the new parse.
                        times: _,
                        body: _,
                        line: _,
                    } = t;
                    (speaker, resolved, start)
                })
                .collect();
            (title, turns)
        })
        .collect();
    crate::site::manifest::fingerprint(&(
        source,
        (podcast_name, episode_title, hosts, guests, date, slug),
        (biggest_role, current_company, company_size, career_start),
        (topics, draft, at),
        (duration_minutes, extra, guest_background, nested),
        shape,
    ))
}

/// `linked` (an episode linked from an earlier parse of the same file) with what
/// linking copies taken from `p`; `None` if their chapters and turns do not pair up
/// one to one, which equal link keys rule out.
pub fn relink(linked: &Episode, p: &ParsedEpisode) -> Option<Episode> {
    if linked.chapters.len() != p.chapters.len()
        || linked
            .chapters
            .iter()
            .zip(&p.chapters)
            .any(|(c, pc)| c.turns.len() != pc.turns.len())
    {
        return None;
    }
    let chapters: Vec<Chapter> = linked
        .chapters
        .iter()
        .zip(&p.chapters)
        .map(|(c, pc)| Chapter {
            title: c.title.clone(),
            slug: c.slug.clone(),
            implicit: c.implicit,
            start: c.start,
            topic: c.topic,
            line: pc.line,
            intro: pc.intro.clone(),
            turns: c
                .turns
                .iter()
                .zip(&pc.turns)
                .map(|(t, pt)| Turn {
                    speaker_label: t.speaker_label.clone(),
                    person: t.person,
                    start: t.start,
                    times: pt.times,
                    anchor: t.anchor.clone(),
                    body: Arc::clone(&pt.body),
                    line: pt.line,
                })
                .collect(),
        })
        .collect();
    let f = &p.front;
    Some(Episode {
        source_key: p.source_key,
        description: f.description.clone(),
        duration_minutes: f.duration_minutes,
        audio_url: f.audio_url.clone(),
        extra: f.extra.clone(),
        chapters: chapters.into(),
        ..linked.clone()
    })
}
