//! Full-text search: a sharded index of every turn, written as static files for the
//! small client in `themes/default/static/search.js`.
//!
//! Output, under `search/` (URLs in it are site-relative; the client adds the base path):
//! - `manifest.json`: format, content version, record count, the first term of every
//!   shard and the first record of every record chunk (17 KB for 1000 episodes);
//! - `filters.json`: podcasts, guests and recurring topics for the filter controls;
//! - `i/<n>.bin`: term shards, terms sorted and cut into files of about
//!   [`SearchOptions::shard_bytes`] before compression, each term with its postings
//!   (format in [`encode`]), each file raw DEFLATE; a query fetches one shard per word;
//! - `t.bin`: the text model, a word table and a preset dictionary ([`text`]);
//! - `d/<first record>.bin`: record chunks (speaker, time, anchor, chapter, episode,
//!   Markdown text), compressed with the model, fetched only for the results shown
//!   (format in `docs.rs`).
//!
//! Every `.bin` file is raw DEFLATE, read in the browser by `DecompressionStream`
//! ([`deflate`]), so the index costs about a third of the transcripts' bytes.
//!
//! A record is a turn. Its terms are its words, its chapter title's words and its
//! speaker's name, folded by [`tokenize`]; words sharing a Snowball stem (stemmer
//! picked by `book.language`) are marked as one group in their shard, so a query
//! finds every form of a word and ranks the form typed first ([`query`]). Filters
//! are terms too (`!podcast`, `@guest`, `#topic`).
//! Building takes one parallel pass over the archive with bounded memory: postings
//! are packed `u32`s, record chunks are compressed and written as each episode ends.
//!
//! [`tokenize`]: crate::text::tokenize

mod collect;
pub mod deflate;
pub mod docs;
pub mod encode;
pub mod query;
mod scan;
pub mod text;

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Archive, Topic};
use crate::site::OutputSink;
use encode::{EncodedList, ShardTerm, encode_postings, write_shard};

/// Version of the file formats, checked by the client.
pub const FORMAT: u32 = 2;

/// How to build the index.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// `book.language` (`en`, `de-CH`…): picks the stemmer; other languages are not stemmed.
    pub language: String,
    /// Target size of a term shard, in bytes before compression.
    pub shard_bytes: usize,
    /// Target size of a record chunk's text, in bytes after word replacement and
    /// before compression (an episode's records are cut into chunks of similar sizes).
    pub chunk_bytes: usize,
    /// DEFLATE level of the record chunks (1–9): most of the index's bytes and of its
    /// build time.
    pub chunk_level: u32,
    /// DEFLATE level of the term shards (1: zlib-rs's quick strategy, 2.5× faster than
    /// level 2 for 21% more shard bytes, about 5% of the index; docs/search.md has the
    /// measurements).
    pub shard_level: u32,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            language: "en".to_owned(),
            shard_bytes: 16 * 1024,
            chunk_bytes: 16 * 1024,
            chunk_level: 2,
            shard_level: 1,
        }
    }
}

/// What [`write_index`] wrote, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct SearchReport {
    /// Records (turns) indexed.
    pub docs: usize,
    /// Distinct terms (words and filter keys).
    pub terms: usize,
    /// Distinct stems among the words.
    pub stems: usize,
    /// Term shard files.
    pub shards: usize,
    /// Record chunk files.
    pub chunks: usize,
    /// All files written, manifest included.
    pub files: usize,
    /// All bytes written.
    pub bytes: u64,
    /// Largest term shard, in bytes.
    pub largest_shard: usize,
    /// The stemmer used, if any (`English`).
    pub stemmer: Option<String>,
    /// Words in the text model's table.
    pub words: usize,
    /// Wall time of each stage: `model` (text model sampled), `records` (the pass
    /// over the archive, record files written), `merge` (the groups' postings joined),
    /// `stems`, `postings` (encoded), `shards` (written).
    pub stages: Vec<(&'static str, Duration)>,
    /// Wall time of the whole index build.
    pub elapsed: Duration,
}

/// Builds the search index of `archive` and writes it under `search/` through `sink`.
pub fn write_index(
    archive: &Archive,
    sink: &dyn OutputSink,
    opts: &SearchOptions,
) -> anyhow::Result<SearchReport> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let model = text::TextModel::of(archive);
    let model_file = model.file();
    sink.write("search/t.bin", &model_file)?;
    stages.push(("model", lap.elapsed()));
    lap = Instant::now();
    let chunking = collect::ChunkOptions {
        model: &model,
        bytes: opts.chunk_bytes,
        level: opts.chunk_level,
    };
    let collected = collect::collect(archive, sink, &chunking)?;
    let merge_time = lap.elapsed().saturating_sub(collected.pass_time);
    stages.push(("records", collected.pass_time));
    stages.push(("merge", merge_time));
    lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let algorithm = crate::text::stemmer_for(&opts.language);
    // `terms`: (term, stem group), sorted by term; `ids`: their term ids.
    let (terms, ids, stems) = stem_groups(&collected, algorithm);
    stage("stems");
    let encoded: Vec<EncodedList> = ids
        .par_iter()
        .map(|t| {
            let postings = collected.postings_of(*t);
            let keep_tf = postings.len() as u64 * u64::from(encode::TF_DOCS_DIVISOR)
                <= u64::from(collected.docs);
            let (form, bytes) = encode_postings(postings, keep_tf);
            EncodedList {
                df: postings.len() as u32,
                form,
                bytes,
            }
        })
        .collect();
    stage("postings");
    let cuts = partition(&terms, &encoded, opts.shard_bytes.max(1));
    let written = cuts
        .par_iter()
        .enumerate()
        .map_init(
            || deflate::Deflater::new(opts.shard_level),
            |deflater, (n, range)| {
                // Stem groups are numbered within the shard, in order of appearance.
                let mut local: FxHashMap<u32, u32> = FxHashMap::default();
                let shard: Vec<ShardTerm<&str>> = range
                    .clone()
                    .map(|i| {
                        let (term, group) = terms[i];
                        let next = local.len() as u32;
                        ShardTerm {
                            term,
                            group: *local.entry(group).or_insert(next),
                            list: encoded[i].clone(),
                        }
                    })
                    .collect();
                let bytes = deflater.compress(&write_shard(&shard), &[]);
                sink.write(&format!("search/i/{n}.bin"), &bytes)?;
                Ok((bytes.len(), content_hash(&bytes)))
            },
        )
        .collect::<anyhow::Result<Vec<(usize, u64)>>>()?;
    stage("shards");

    let version = written
        .iter()
        .map(|(_, h)| *h)
        .chain(collected.chunks.iter().map(|(_, h)| *h))
        .chain([content_hash(&model_file)])
        .fold(0xcbf2_9ce4_8422_2325_u64, |acc, h| {
            (acc ^ h).wrapping_mul(0x0100_0000_01b3)
        });
    let manifest = Manifest {
        format: FORMAT,
        v: format!("{:012x}", version & 0xFFFF_FFFF_FFFF),
        docs: collected.docs,
        lang: &opts.language,
        shards: cuts.iter().map(|r| first_term(&terms, r)).collect(),
        chunks: deltas(collected.chunks.iter().map(|(first, _)| *first)),
    };
    let manifest = serde_json::to_vec(&manifest)?;
    sink.write("search/manifest.json", &manifest)?;
    let filters = serde_json::to_vec(&Filters::of(archive))?;
    sink.write("search/filters.json", &filters)?;

    Ok(SearchReport {
        docs: collected.docs as usize,
        terms: terms.len(),
        stems,
        shards: cuts.len(),
        chunks: collected.chunks.len(),
        files: cuts.len() + collected.chunks.len() + 3,
        bytes: written.iter().map(|(n, _)| *n as u64).sum::<u64>()
            + collected.bytes
            + (manifest.len() + filters.len() + model_file.len()) as u64,
        largest_shard: written.iter().map(|(n, _)| *n).max().unwrap_or(0),
        stemmer: algorithm.map(|a| format!("{a:?}")),
        words: model.words(),
        stages,
        elapsed: start.elapsed(),
    })
}

/// `search/manifest.json`.
#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    /// Content hash, appended to every index URL (`?v=`) so caches never mix builds.
    v: String,
    docs: u32,
    lang: &'a str,
    /// First term of each shard (the first is always "").
    shards: Vec<&'a str>,
    /// First record of each chunk, as differences from the previous one.
    chunks: Vec<u32>,
}

/// `search/filters.json`: what the filter controls offer.
#[derive(Serialize)]
struct Filters<'a> {
    /// `[slug, name]` of every podcast.
    podcasts: Vec<[&'a str; 2]>,
    /// `[slug, name]` of every guest, by name.
    guests: Vec<[&'a str; 2]>,
    /// `[slug, name]` of the topics spanning the most episodes (at least
    /// [`FILTER_TOPIC_MIN_EPISODES`], at most [`FILTER_TOPICS`]), by name: a list a
    /// reader can scan; any other topic still filters by URL (`?topic=<slug>`).
    topics: Vec<[&'a str; 2]>,
}

/// Fewest episodes a topic spans to be offered as a filter.
const FILTER_TOPIC_MIN_EPISODES: usize = 3;
/// Most topics offered as filters.
const FILTER_TOPICS: usize = 300;

impl<'a> Filters<'a> {
    fn of(a: &'a Archive) -> Self {
        Filters {
            podcasts: a.podcasts.iter().map(|p| [&*p.slug, &*p.name]).collect(),
            guests: a
                .people
                .iter()
                .filter(|p| p.is_guest())
                .map(|p| [&*p.slug, &*p.name])
                .collect(),
            topics: {
                let mut counted: Vec<(usize, &Topic)> = a
                    .topics
                    .iter()
                    .map(|t| (t.episode_count(), t))
                    .filter(|(n, _)| *n >= FILTER_TOPIC_MIN_EPISODES)
                    .collect();
                // Most episodes first (stable: ties keep the archive's name order).
                counted.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
                counted.truncate(FILTER_TOPICS);
                // Back to name order, as `Archive::topics` is sorted.
                counted.sort_by_key(|(_, t)| t.id);
                counted.iter().map(|(_, t)| [&*t.slug, &*t.name]).collect()
            },
        }
    }
}

/// Sorts the terms and numbers their stem groups: returns `(term, group)` sorted by
/// term, the term ids in the same order, and the number of groups.
fn stem_groups(
    c: &collect::Collected,
    algorithm: Option<Algorithm>,
) -> (Vec<(&str, u32)>, Vec<usize>, usize) {
    let mut ids: Vec<usize> = (0..c.names.len()).collect();
    ids.par_sort_unstable_by(|a, b| c.names[*a].cmp(&c.names[*b]));
    let stems: Vec<Option<String>> = match algorithm {
        Some(alg) => ids
            .par_iter()
            .map_init(
                || Stemmer::create(alg),
                |s, t| {
                    let t = &c.names[*t];
                    is_word(t).then(|| s.stem(t).into_owned())
                },
            )
            .collect(),
        None => vec![None; ids.len()],
    };
    // Groups are numbered in term order, so the output is deterministic.
    let mut by_stem: FxHashMap<&str, u32> = FxHashMap::default();
    let mut groups = 0u32;
    let mut terms = Vec::with_capacity(ids.len());
    for (t, stem) in ids.iter().zip(&stems) {
        let mut new = || {
            groups += 1;
            groups - 1
        };
        let group = match stem {
            Some(s) => *by_stem.entry(s.as_str()).or_insert_with(new),
            None => new(),
        };
        terms.push((&*c.names[*t], group));
    }
    (terms, ids, groups as usize)
}

/// Facet keys (`!`, `@`, `#`) are not words: never stemmed.
fn is_word(term: &str) -> bool {
    !term.starts_with([collect::PODCAST_KEY, collect::GUEST_KEY, collect::TOPIC_KEY])
}

/// Cuts the sorted terms into shards of about `target` bytes. A cut never falls
/// between two neighbouring terms of one stem group, so a word's other forms are
/// in its shard (forms that sort apart can still land in different shards).
fn partition(
    terms: &[(&str, u32)],
    lists: &[EncodedList],
    target: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, (term, group)) in terms.iter().enumerate() {
        if size >= target && i > start && terms[i - 1].1 != *group {
            cuts.push(start..i);
            start = i;
            size = 0;
        }
        size += term.len() + 4 + lists[i].size();
    }
    if start < terms.len() || cuts.is_empty() {
        cuts.push(start..terms.len());
    }
    cuts
}

fn first_term<'a>(terms: &[(&'a str, u32)], range: &std::ops::Range<usize>) -> &'a str {
    // The first shard starts at "" so every term falls in some shard.
    if range.start == 0 {
        ""
    } else {
        terms.get(range.start).map_or("", |(t, _)| *t)
    }
}

fn deltas(values: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut prev = 0;
    values
        .map(|v| {
            let d = v - prev;
            prev = v;
            d
        })
        .collect()
}

/// A fast hash of a file's bytes, for the content version (not cryptographic: it
/// only has to change when the index does).
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher as _;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}
