//! Related episodes: episodes that share rare topics or guests.
//!
//! Scored through inverted lists (topic → episodes, guest → episodes) weighted by
//! inverse document frequency, so the cost is the sum of posting-list lengths, not
//! all pairs of episodes. Topics shared by very many episodes say little about
//! relatedness and would make the lists long, so they are skipped.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Archive, EpisodeId};

/// Topics or guests on more episodes than this are ignored for relatedness.
const MAX_POSTING: usize = 200;

/// A guest in common counts this much more than a topic of the same rarity.
const GUEST_WEIGHT: f64 = 2.0;

/// Fills `Episode::related` for every episode, at most `count` each.
pub(super) fn compute(archive: &mut Archive, count: usize) {
    let n = archive.episodes.len();
    if n < 2 {
        return;
    }
    let idf = |df: usize| ((n as f64 + 1.0) / (df as f64)).ln().max(0.0);

    // Posting lists, deduplicated and restricted to informative features.
    let topic_lists: Vec<(Vec<EpisodeId>, f64)> = archive
        .topics
        .iter()
        .map(|t| {
            let mut eps: Vec<EpisodeId> = t.chapters.iter().map(|c| c.episode).collect();
            eps.extend(&t.episodes);
            eps.sort_unstable();
            eps.dedup();
            let w = idf(eps.len());
            (eps, w)
        })
        .collect();
    let guest_lists: Vec<(&[EpisodeId], f64)> = archive
        .people
        .iter()
        .map(|p| (p.guested.as_slice(), GUEST_WEIGHT * idf(p.guested.len())))
        .collect();

    let related: Vec<Vec<EpisodeId>> = archive
        .episodes
        .par_iter()
        .map(|e| {
            let mut scores: HashMap<EpisodeId, f64> = HashMap::new();
            let mut add = |list: &[EpisodeId], w: f64| {
                if list.len() > MAX_POSTING || w <= 0.0 {
                    return;
                }
                for &other in list {
                    if other != e.id {
                        *scores.entry(other).or_default() += w;
                    }
                }
            };
            let mut topics: Vec<usize> = e
                .chapters
                .iter()
                .filter_map(|c| c.topic.map(|t| t.index()))
                .chain(e.topics.iter().map(|t| t.index()))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            for t in topics {
                if let Some((list, w)) = topic_lists.get(t) {
                    add(list, *w);
                }
            }
            for g in &e.guests {
                if let Some((list, w)) = guest_lists.get(g.index()) {
                    add(list, *w);
                }
            }
            let mut ranked: Vec<(EpisodeId, f64)> = scores.into_iter().collect();
            // Highest score first; ties go to the newer episode (lower id) for stable output.
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(count).map(|(id, _)| id).collect()
        })
        .collect();

    for (e, r) in archive.episodes.iter_mut().zip(related) {
        e.related = r;
    }
}
