//! Full-text search: a sharded index of every turn, written as static files for the
//! small client in `themes/default/static/search.js`.
//!
//! Output, under `search/` (URLs in it are site-relative; the client adds the base path):
//! - `manifest.json`: format, content version, record count, the first term of every
//!   shard and the first record of every record chunk (a few KB);
//! - `filters.json`: podcasts, guests and recurring topics for the filter controls;
//! - `i/<n>.bin`: term shards, terms sorted and cut into files of about
//!   [`SearchOptions::shard_bytes`], each term with its postings (format in [`encode`]);
//!   a query fetches one shard per word;
//! - `d/<first record>.json`: record chunks (speaker, time, anchor, chapter, episode,
//!   plain text), fetched only for the results shown (format in `docs.rs`).
//!
//! A record is a turn. Its terms are its words, its chapter title's words and its
//! speaker's name, folded by [`tokenize`] and grouped by stem (Snowball, picked by
//! `book.language`); filters are terms too (`!podcast`, `@guest`, `#topic`).
//! Building takes one parallel pass over the archive with bounded memory: postings
//! are packed `u32`s, record text is written as soon as a chunk is full.

mod collect;
mod docs;
pub mod encode;
pub mod query;
pub mod tokenize;

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::model::Archive;
use crate::render::OutputSink;
use encode::{EncodedList, encode_postings, write_shard};

/// Version of the file formats, checked by the client.
pub const FORMAT: u32 = 1;

/// How to build the index.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// `book.language` (`en`, `de-CH`…): picks the stemmer; other languages are not stemmed.
    pub language: String,
    /// Target size of a term shard file, in bytes.
    pub shard_bytes: usize,
    /// Target size of a record chunk file, in bytes.
    pub chunk_bytes: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            language: "en".to_owned(),
            shard_bytes: 16 * 1024,
            chunk_bytes: 24 * 1024,
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
    /// Distinct postings lists (one per stem).
    pub lists: usize,
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
    let collected = collect::collect(archive, sink, opts.chunk_bytes.max(1))?;
    let algorithm = stemmer_for(&opts.language);
    let (terms, lists) = group_by_stem(collected.terms, algorithm);
    let encoded: Vec<EncodedList> = lists
        .par_iter()
        .map(|p| {
            let (form, bytes) = encode_postings(p);
            EncodedList {
                df: p.len() as u32,
                form,
                bytes,
            }
        })
        .collect();
    drop(lists);
    let cuts = partition(&terms, &encoded, opts.shard_bytes.max(1));
    let written = cuts
        .par_iter()
        .enumerate()
        .map(|(n, range)| {
            let shard = &terms[range.clone()];
            let mut local: FxHashMap<u32, u32> = FxHashMap::default();
            let mut refs: Vec<&EncodedList> = Vec::new();
            let entries: Vec<(&str, u32)> = shard
                .iter()
                .map(|(t, l)| {
                    let id = *local.entry(*l).or_insert_with(|| {
                        refs.push(&encoded[*l as usize]);
                        refs.len() as u32 - 1
                    });
                    (&**t, id)
                })
                .collect();
            let bytes = write_shard(&entries, &refs);
            sink.write(&format!("search/i/{n}.bin"), &bytes)?;
            Ok((bytes.len(), content_hash(&bytes)))
        })
        .collect::<anyhow::Result<Vec<(usize, u64)>>>()?;

    let version = written
        .iter()
        .map(|(_, h)| *h)
        .chain(collected.chunks.iter().map(|(_, h)| *h))
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
        lists: encoded.len(),
        shards: cuts.len(),
        chunks: collected.chunks.len(),
        files: cuts.len() + collected.chunks.len() + 2,
        bytes: written.iter().map(|(n, _)| *n as u64).sum::<u64>()
            + collected.bytes
            + (manifest.len() + filters.len()) as u64,
        largest_shard: written.iter().map(|(n, _)| *n).max().unwrap_or(0),
        stemmer: algorithm.map(|a| format!("{a:?}")),
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
    /// `[slug, name]` of every topic spanning two or more episodes, by name; the
    /// others are a chapter each, better found by their words.
    topics: Vec<[&'a str; 2]>,
}

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
            topics: a
                .topics
                .iter()
                .filter(|t| t.episode_count() > 1)
                .map(|t| [&*t.slug, &*t.name])
                .collect(),
        }
    }
}

/// The Snowball stemmer for a language tag's primary subtag (`en-GB` → English).
pub fn stemmer_for(language: &str) -> Option<Algorithm> {
    let primary = language.trim().split(['-', '_']).next().unwrap_or("");
    Some(match primary.to_ascii_lowercase().as_str() {
        "" | "en" => Algorithm::English,
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Sorts the terms and merges the postings of words sharing a stem into one list:
/// returns `(term, list index)` sorted by term, and the lists.
fn group_by_stem(
    mut terms: Vec<(Box<str>, Vec<u32>)>,
    algorithm: Option<Algorithm>,
) -> (Vec<(Box<str>, u32)>, Vec<Vec<u32>>) {
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let stems: Vec<Option<String>> = match algorithm {
        Some(alg) => terms
            .par_iter()
            .map_init(
                || Stemmer::create(alg),
                |s, (t, _)| is_word(t).then(|| s.stem(t).into_owned()),
            )
            .collect(),
        None => vec![None; terms.len()],
    };
    // Words map to lists in order of first appearance, so output is deterministic.
    let mut by_stem: FxHashMap<&str, u32> = FxHashMap::default();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut entries = Vec::with_capacity(terms.len());
    for (i, stem) in stems.iter().enumerate() {
        let list = match stem {
            Some(s) => *by_stem.entry(s.as_str()).or_insert_with(|| {
                members.push(Vec::new());
                members.len() as u32 - 1
            }),
            None => {
                members.push(Vec::new());
                members.len() as u32 - 1
            }
        };
        members[list as usize].push(i);
        entries.push(list);
    }
    let mut postings: Vec<Option<Vec<u32>>> = terms
        .iter_mut()
        .map(|(_, p)| Some(std::mem::take(p)))
        .collect();
    let gathered: Vec<Vec<Vec<u32>>> = members
        .iter()
        .map(|m| m.iter().filter_map(|&i| postings[i].take()).collect())
        .collect();
    let lists = gathered.into_par_iter().map(merge_postings).collect();
    let out = terms
        .into_iter()
        .zip(entries)
        .map(|((t, _), l)| (t, l))
        .collect();
    (out, lists)
}

/// Facet keys (`!`, `@`, `#`) are not words: never stemmed.
fn is_word(term: &str) -> bool {
    !term.starts_with([collect::PODCAST_KEY, collect::GUEST_KEY, collect::TOPIC_KEY])
}

/// One sorted postings list from several: tfs of the same doc add up.
fn merge_postings(mut lists: Vec<Vec<u32>>) -> Vec<u32> {
    if lists.len() <= 1 {
        return lists.pop().unwrap_or_default();
    }
    let mut all: Vec<u32> = lists.concat();
    all.sort_unstable();
    let mut out: Vec<u32> = Vec::with_capacity(all.len());
    for p in all {
        match out.last_mut() {
            Some(last) if encode::doc_of(*last) == encode::doc_of(p) => {
                let tf = encode::tf_of(*last) + encode::tf_of(p);
                *last = encode::posting(encode::doc_of(p), tf);
            }
            _ => out.push(p),
        }
    }
    out
}

/// Cuts the sorted terms into shards of about `target` bytes. A cut never falls
/// between two terms sharing a list when it can be helped (the list would be
/// written twice).
fn partition(
    terms: &[(Box<str>, u32)],
    lists: &[EncodedList],
    target: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::new();
    let mut start = 0;
    let mut size = 0;
    let mut seen: FxHashMap<u32, ()> = FxHashMap::default();
    for (i, (term, list)) in terms.iter().enumerate() {
        if size >= target && i > start && terms[i - 1].1 != *list {
            cuts.push(start..i);
            start = i;
            size = 0;
            seen.clear();
        }
        size += term.len() + 3;
        if seen.insert(*list, ()).is_none() {
            size += lists[*list as usize].size();
        }
    }
    if start < terms.len() || cuts.is_empty() {
        cuts.push(start..terms.len());
    }
    cuts
}

fn first_term<'a>(terms: &'a [(Box<str>, u32)], range: &std::ops::Range<usize>) -> &'a str {
    // The first shard starts at "" so every term falls in some shard.
    if range.start == 0 {
        ""
    } else {
        terms.get(range.start).map_or("", |(t, _)| t)
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
