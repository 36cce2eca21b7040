//! Related episodes: TF-IDF similarity of what their chapters are about, preferring
//! episodes from other shows and with other guests.
//!
//! Each episode is a sparse vector over features of its chapter titles (and
//! `topics`/`tags`): the Snowball-stemmed words of the titles (`promotions` and
//! `promotion` meet), and the titles' topics themselves (the same whole title is
//! worth more than one shared word). A feature's weight is `(1 + ln tf) × idf`,
//! `idf = ln((N + 1) / df)`, and each vector is normalised, so the score of a pair is
//! the cosine of their vectors.
//!
//! Scores are accumulated through inverted lists (feature → episodes with their
//! weights), never over all pairs: the work for one episode is the length of the
//! lists of its features. Features on more than [`MAX_POSTING`] episodes are skipped
//! (their idf says little, and their lists would make the cost quadratic), so an
//! episode costs at most `features × MAX_POSTING` additions and the whole step is
//! linear in the archive's size. Scores go into a dense per-thread array rather than
//! a hash map: the additions are the hot loop.
//!
//! Ranking: the cosine, times [`OTHER_SHOW`] for an episode of another show and
//! times [`SAME_GUEST`] for one sharing a guest (the guest's page already lists
//! those), so the list leads readers somewhere new.

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::model::{Archive, EpisodeId};

/// Features on more episodes than this are ignored for relatedness.
const MAX_POSTING: usize = 200;

/// Score factor for an episode of another show.
const OTHER_SHOW: f32 = 1.25;

/// Score factor for an episode sharing a guest.
const SAME_GUEST: f32 = 0.5;

/// A whole topic (a normalised chapter title) counts this many times a word.
const TOPIC_TF: f32 = 2.0;

/// Words that say nothing about a chapter's subject.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "an", "and", "are", "as", "at", "be", "before", "by", "can",
    "do", "does", "for", "from", "get", "getting", "he", "her", "his", "how", "i", "in", "is",
    "it", "its", "me", "my", "of", "on", "or", "out", "part", "she", "so", "than", "that", "the",
    "their", "them", "they", "this", "to", "vs", "was", "we", "what", "when", "where", "which",
    "who", "why", "with", "you", "your",
];

/// A feature of an episode: a stemmed title word or a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Feature {
    Word(u32),
    Topic(u32),
}

/// Fills `Episode::related` for every episode, at most `count` each.
pub(super) fn compute(archive: &mut Archive, count: usize) {
    let n = archive.episodes.len();
    if n < 2 || count == 0 {
        return;
    }
    let vectors = vectors(archive);

    // Inverted lists: feature → (episode, weight), in episode order.
    let mut lists: FxHashMap<Feature, Vec<(u32, f32)>> = FxHashMap::default();
    for (e, v) in vectors.iter().enumerate() {
        for &(f, w) in v {
            lists.entry(f).or_default().push((e as u32, w));
        }
    }

    let a = &*archive;
    let related: Vec<Vec<EpisodeId>> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(scores, touched), e| {
                for &(f, w) in &vectors[e] {
                    let Some(list) = lists.get(&f) else { continue };
                    if list.len() > MAX_POSTING {
                        continue;
                    }
                    for &(other, w2) in list {
                        let slot = &mut scores[other as usize];
                        if *slot == 0.0 {
                            touched.push(other);
                        }
                        *slot += w * w2;
                    }
                }
                let me = &a.episodes[e];
                let mut ranked: Vec<(u32, f32)> = touched
                    .drain(..)
                    .filter(|&o| o as usize != e)
                    .map(|o| {
                        let other = &a.episodes[o as usize];
                        let mut s = scores[o as usize];
                        if other.podcast != me.podcast {
                            s *= OTHER_SHOW;
                        }
                        if other.guests.iter().any(|g| me.guests.contains(g)) {
                            s *= SAME_GUEST;
                        }
                        (o, s)
                    })
                    .collect();
                // Reset only what this episode touched: the array is reused.
                for &(o, _) in &ranked {
                    scores[o as usize] = 0.0;
                }
                scores[e] = 0.0;
                // Highest score first; ties go to the newer episode (lower id) for stable output.
                ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                ranked
                    .into_iter()
                    .filter(|r| r.1 > 0.0)
                    .take(count)
                    .map(|(id, _)| EpisodeId(id))
                    .collect()
            },
        )
        .collect();

    for (e, r) in archive.episodes.iter_mut().zip(related) {
        e.related = r;
    }
}

/// Each episode's normalised TF-IDF vector, sorted by feature.
fn vectors(archive: &Archive) -> Vec<Vec<(Feature, f32)>> {
    let stemmer = Stemmer::create(Algorithm::English);
    // Term frequencies per episode, words interned to ids (titles are short: this
    // pass is cheap next to parsing, and serial keeps the ids deterministic).
    let mut words: FxHashMap<String, u32> = FxHashMap::default();
    let mut counts: Vec<Vec<(Feature, f32)>> = Vec::with_capacity(archive.episodes.len());
    for e in &archive.episodes {
        let mut tf: FxHashMap<Feature, f32> = FxHashMap::default();
        let titles = e
            .chapters
            .iter()
            .filter(|c| !c.implicit)
            .map(|c| c.title.as_str())
            .chain(e.topics.iter().map(|t| archive.topic(*t).name.as_str()));
        for title in titles {
            crate::text::tokenize::tokens(title, |tok| {
                if tok.len() < 2 || tok.bytes().all(|b| b.is_ascii_digit()) {
                    return;
                }
                if STOP_WORDS.binary_search(&tok).is_ok() {
                    return;
                }
                let stem = stemmer.stem(tok);
                let next = words.len() as u32;
                let id = *words.entry(stem.into_owned()).or_insert(next);
                *tf.entry(Feature::Word(id)).or_default() += 1.0;
            });
        }
        for t in e
            .chapters
            .iter()
            .filter_map(|c| c.topic)
            .chain(e.topics.iter().copied())
        {
            *tf.entry(Feature::Topic(t.0)).or_default() += TOPIC_TF;
        }
        let mut v: Vec<(Feature, f32)> = tf.into_iter().collect();
        v.sort_unstable_by_key(|x| x.0);
        counts.push(v);
    }
    let mut df: FxHashMap<Feature, u32> = FxHashMap::default();
    for v in &counts {
        for (f, _) in v {
            *df.entry(*f).or_default() += 1;
        }
    }
    let n = archive.episodes.len() as f32;
    counts
        .into_iter()
        .map(|v| {
            let mut v: Vec<(Feature, f32)> = v
                .into_iter()
                .map(|(f, tf)| {
                    let d = df.get(&f).copied().unwrap_or(1).max(1) as f32;
                    (f, (1.0 + tf.ln()) * ((n + 1.0) / d).ln())
                })
                .filter(|x| x.1 > 0.0)
                .collect();
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
