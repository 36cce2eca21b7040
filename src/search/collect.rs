//! The one pass over the archive: every turn becomes a record (doc), its words become
//! postings, and its display data goes into record chunks, compressed and written on
//! the way.
//!
//! Doc ids run through episodes oldest first (the archive's order reversed), then
//! chapters and turns in transcript order, so one episode's or chapter's records are
//! a contiguous range (filters encode as a few runs), equal scores rank newer
//! episodes first by the larger doc id, and a new episode takes ids after every
//! existing one: publishing it renames no older chunk file. A chunk never spans two
//! episodes, so its bytes depend on its episode alone (and the text model).
//! Episodes are cut into contiguous groups handled in parallel, each with its own
//! vocabulary; the groups' postings are then appended in doc order, so the result
//! does not depend on thread timing or count.

use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::deflate::Deflater;
use super::docs::{ChunkBuilder, DocView};
use super::encode::{MAX_TF, posting};
use super::scan::{Surfaces, Terms};
use super::text::TextModel;
use crate::model::{Archive, Episode};
use crate::site::OutputSink;
use crate::text::tokenize::{ascii_key, tokens};

/// Key prefix of a podcast filter term (`!<podcast slug>`); never a word's first byte.
pub(super) const PODCAST_KEY: char = '!';
/// Key prefix of a topic filter term (`#<topic slug>`).
pub(super) const TOPIC_KEY: char = '#';
/// Key prefix of a guest filter term (`@<person slug>`).
pub(super) const GUEST_KEY: char = '@';

/// Docs are packed with their tf into a `u32` (see [`posting`]), so at most 2^24.
const MAX_DOCS: usize = 1 << 24;
/// How many episode groups per worker thread: a few, to balance uneven episodes;
/// not many, as each group warms up a vocabulary table of its own.
const GROUPS_PER_THREAD: usize = 3;
/// Vocabulary table size reserved per group, so it never rehashes while warming up.
const VOCABULARY: usize = 1 << 15;

/// Everything the pass produced.
pub(super) struct Collected {
    /// Every term (word or filter key), indexed by term id.
    pub(super) names: Vec<Box<str>>,
    /// Term `t`'s postings are `postings[offsets[t]..offsets[t + 1]]`, sorted by doc.
    pub(super) offsets: Vec<usize>,
    /// All postings, term after term.
    pub(super) postings: Vec<u32>,
    /// Number of records.
    pub(super) docs: u32,
    /// First doc and content hash of every record chunk, ascending.
    pub(super) chunks: Vec<(u32, u64)>,
    /// Bytes of the record chunk files written.
    pub(super) bytes: u64,
    /// Wall time of the pass over the archive (the rest of `collect` is the merge).
    pub(super) pass_time: std::time::Duration,
}

impl Collected {
    /// The postings of term `t`.
    pub(super) fn postings_of(&self, t: usize) -> &[u32] {
        &self.postings[self.offsets[t]..self.offsets[t + 1]]
    }
}

/// Postings of one group of episodes, as `(local term id, posting)` pairs in doc
/// order: one flat vector instead of a vector per term keeps allocations few.
#[derive(Default)]
struct Local {
    /// ASCII terms of up to 16 bytes by their bytes packed into a `u128` (zero-padded:
    /// no term has a zero byte): most words, found without hashing a string.
    short: FxHashMap<u128, u32>,
    /// Longer terms.
    long: FxHashMap<Box<str>, u32>,
    /// Every term's text, back to back; term `id` is `text[spans[id]]`.
    text: String,
    spans: Vec<(u32, u32)>,
    pairs: Vec<(u32, u32)>,
    /// Per term: the doc it was last seen in, plus one (0: not yet), and its count
    /// there (side by side: one cache line per lookup).
    seen: Vec<(u32, u32)>,
    /// Terms of the current doc, in first-seen order.
    turn: Vec<u32>,
    /// Per term: how many postings it has in `pairs`.
    counts: Vec<u32>,
    chunks: Vec<(u32, u64)>,
}

impl Local {
    /// The local id of `term`, adding it when new.
    fn id(&mut self, term: &str) -> u32 {
        self.keyed_id(0, term)
    }

    /// The local id of `term` whose [`keyed_tokens`] key is `key` (0: not given).
    fn keyed_id(&mut self, key: u128, term: &str) -> u32 {
        // A folded token can be short ASCII without having been given a key (`café`):
        // it must land in the same map as the same word given one.
        let key = if key != 0 {
            key
        } else {
            ascii_key(term).unwrap_or(0)
        };
        let next = self.spans.len() as u32;
        let id = if key != 0 {
            // `get` first: almost every lookup finds the word, and is cheaper than `entry`.
            match self.short.get(&key) {
                Some(&id) => id,
                None => *self.short.entry(key).or_insert(next),
            }
        } else {
            match self.long.get(term) {
                Some(&id) => id,
                None => *self.long.entry(term.into()).or_insert(next),
            }
        };
        if id == next {
            let start = self.text.len() as u32;
            self.text.push_str(term);
            self.spans.push((start, term.len() as u32));
            self.seen.push((0, 0));
            self.counts.push(0);
        }
        id
    }

    /// The text of term `id`.
    fn name(&self, id: usize) -> &str {
        let (start, len) = self.spans[id];
        self.text
            .get(start as usize..(start + len) as usize)
            .unwrap_or("")
    }

    /// Counts one occurrence of term `id` in `doc` (the doc being built).
    fn add(&mut self, id: u32, doc: u32) {
        let seen = &mut self.seen[id as usize];
        if seen.0 != doc + 1 {
            *seen = (doc + 1, 0);
            self.turn.push(id);
        }
        seen.1 += 1;
    }

    /// Ends `doc`: its terms become postings.
    fn end_doc(&mut self, doc: u32) {
        for id in self.turn.drain(..) {
            self.counts[id as usize] += 1;
            self.pairs
                .push((id, posting(doc, self.seen[id as usize].1.min(MAX_TF))));
        }
    }
}

/// The record being scanned, as the scanner's [`Terms`].
struct Turn<'a> {
    local: &'a mut Local,
    doc: u32,
}

impl Terms for Turn<'_> {
    fn id(&mut self, key: u128, term: &str) -> u32 {
        self.local.keyed_id(key, term)
    }

    fn add(&mut self, id: u32) {
        self.local.add(id, self.doc);
    }
}

/// Shared, read-only inputs of every group.
struct Pass<'a> {
    archive: &'a Archive,
    sink: &'a dyn OutputSink,
    model: &'a TextModel,
    chunk_bytes: usize,
    level: u32,
    bytes: AtomicU64,
}

/// How [`collect`] cuts and compresses record chunks.
pub(super) struct ChunkOptions<'a> {
    /// The text model chunks are encoded and compressed with.
    pub(super) model: &'a TextModel,
    /// Target size of a chunk's encoded text, in bytes.
    pub(super) bytes: usize,
    /// DEFLATE level.
    pub(super) level: u32,
}

/// The archive's episodes in doc order (oldest first).
pub(super) fn doc_order(archive: &Archive) -> impl Iterator<Item = &Episode> {
    archive.episodes.iter().rev()
}

/// Walks the archive: postings for every term and record chunks written to `sink`
/// as `search/d/<first doc>.bin`.
pub(super) fn collect(
    archive: &Archive,
    sink: &dyn OutputSink,
    chunks: &ChunkOptions<'_>,
) -> anyhow::Result<Collected> {
    let start = std::time::Instant::now();
    let mut bases = Vec::with_capacity(archive.episodes.len() + 1);
    let mut total = 0usize;
    for e in doc_order(archive) {
        bases.push(total as u32);
        total += e.chapters.iter().map(|c| c.turns.len()).sum::<usize>();
        anyhow::ensure!(
            total < MAX_DOCS,
            "search: more than {MAX_DOCS} turns is more than the index format holds"
        );
    }
    bases.push(total as u32);
    let groups = groups(&bases, rayon::current_num_threads() * GROUPS_PER_THREAD);
    let pass = Pass {
        archive,
        sink,
        model: chunks.model,
        chunk_bytes: chunks.bytes.max(1),
        level: chunks.level,
        bytes: AtomicU64::new(0),
    };
    let locals = groups
        .par_iter()
        .map(|g| collect_group(&pass, g.clone(), bases[g.start]))
        .collect::<anyhow::Result<Vec<Local>>>()?;
    let pass_time = start.elapsed();
    let mut merged = merge(locals);
    merged.docs = total as u32;
    merged.bytes = pass.bytes.into_inner();
    merged.pass_time = pass_time;
    Ok(merged)
}

/// Joins the groups' postings into one array, term after term, each term's postings
/// in doc order (groups are taken in doc order): a counting sort whose scatter runs
/// in parallel, each group writing to its own, disjoint, slots.
fn merge(locals: Vec<Local>) -> Collected {
    let mut index: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<Box<str>> = Vec::new();
    let maps: Vec<Vec<u32>> = locals
        .iter()
        .map(|l| {
            (0..l.spans.len())
                .map(|id| {
                    let t = l.name(id);
                    *index.entry(t).or_insert_with(|| {
                        names.push(t.into());
                        names.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    drop(index);
    let mut offsets = vec![0usize; names.len() + 1];
    for (l, map) in locals.iter().zip(&maps) {
        for (id, n) in l.counts.iter().enumerate() {
            offsets[map[id] as usize + 1] += *n as usize;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    // Where each group's postings of each of its terms start.
    let mut running = offsets.clone();
    let cursors: Vec<Vec<usize>> = locals
        .iter()
        .zip(&maps)
        .map(|(l, map)| {
            l.counts
                .iter()
                .enumerate()
                .map(|(id, n)| {
                    let slot = &mut running[map[id] as usize];
                    let at = *slot;
                    *slot += *n as usize;
                    at
                })
                .collect()
        })
        .collect();
    let total = offsets.last().copied().unwrap_or(0);
    // Atomics only so that the groups can share the array; slots never overlap.
    let slots: Vec<AtomicU32> = (0..total).map(|_| AtomicU32::new(0)).collect();
    locals.par_iter().zip(cursors).for_each(|(l, mut cursor)| {
        for (id, p) in &l.pairs {
            let at = &mut cursor[*id as usize];
            if let Some(slot) = slots.get(*at) {
                slot.store(*p, Ordering::Relaxed);
            }
            *at += 1;
        }
    });
    let postings = slots.into_iter().map(AtomicU32::into_inner).collect();
    let chunks = locals.into_iter().flat_map(|l| l.chunks).collect();
    Collected {
        names,
        offsets,
        postings,
        docs: 0,
        chunks,
        bytes: 0,
        pass_time: std::time::Duration::ZERO,
    }
}

/// Cuts episodes into about `n` contiguous groups of similar record counts.
fn groups(bases: &[u32], n: usize) -> Vec<Range<usize>> {
    let episodes = bases.len().saturating_sub(1);
    let total = bases.last().copied().unwrap_or(0) as usize;
    let per = total.div_ceil(n.max(1)).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    for e in 0..episodes {
        if (bases[e + 1] - bases[start]) as usize >= per {
            out.push(start..e + 1);
            start = e + 1;
        }
    }
    if start < episodes {
        out.push(start..episodes);
    }
    out
}

/// Indexes episodes `episodes` (positions in doc order), whose first record is
/// `first_doc`.
fn collect_group(pass: &Pass<'_>, episodes: Range<usize>, first_doc: u32) -> anyhow::Result<Local> {
    let a = pass.archive;
    let mut local = Local::default();
    local.short.reserve(VOCABULARY);
    let in_order: Vec<&Episode> = doc_order(a)
        .skip(episodes.start)
        .take(episodes.len())
        .collect();
    // About one posting per 8 bytes of text: reserved once, not grown by copying.
    let text: usize = in_order
        .iter()
        .flat_map(|e| e.turns())
        .map(|t| t.body.len())
        .sum();
    local.pairs.reserve(text / 8);
    let mut deflater = Deflater::new(pass.level);
    let mut surfaces = Surfaces::with_capacity(VOCABULARY);
    let mut doc = first_doc;
    let mut keys: Vec<u32> = Vec::new();
    // Speaker → their name's term ids, for the current episode (a handful of speakers).
    let mut speakers: Vec<(&str, Vec<u32>)> = Vec::new();
    // The episode's encoded text, and where each turn's ends.
    let mut encoded: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for e in in_order {
        let podcast = a.podcast(e.podcast);
        // Filter terms every record of the episode carries.
        let mut ep_keys = vec![local.id(&format!("{PODCAST_KEY}{}", podcast.slug))];
        for p in &e.guests {
            ep_keys.push(local.id(&format!("{GUEST_KEY}{}", a.person(*p).slug)));
        }
        for t in &e.topics {
            ep_keys.push(local.id(&format!("{TOPIC_KEY}{}", a.topic(*t).slug)));
        }
        speakers.clear();
        encoded.clear();
        ends.clear();
        names.clear();
        let first = doc;
        for c in e.chapters.iter() {
            keys.clear();
            keys.extend(&ep_keys);
            if let Some(t) = c.topic {
                keys.push(local.id(&format!("{TOPIC_KEY}{}", a.topic(t).slug)));
            }
            // The chapter title's words count in each of its turns, so a search for a
            // chapter's subject finds the chapter even where the words are not said.
            tokens(&c.title, |w| {
                let id = local.id(w);
                keys.push(id);
            });
            for t in &c.turns {
                let speaker = t
                    .person
                    .map_or(t.speaker_label.as_str(), |p| a.person(p).name.as_str());
                let at = match speakers.iter().position(|(s, _)| *s == speaker) {
                    Some(i) => i,
                    None => {
                        let mut ids = Vec::new();
                        tokens(speaker, |w| ids.push(local.id(w)));
                        speakers.push((speaker, ids));
                        speakers.len() - 1
                    }
                };
                let mut turn = Turn {
                    local: &mut local,
                    doc,
                };
                surfaces.scan(&t.body, pass.model, &mut turn, &mut encoded);
                for &id in keys.iter().chain(&speakers[at].1) {
                    local.add(id, doc);
                }
                local.end_doc(doc);
                ends.push(encoded.len());
                names.push(speaker);
                doc += 1;
            }
        }
        write_chunks(
            pass,
            &mut local,
            &mut deflater,
            e,
            first,
            &encoded,
            &ends,
            &names,
        )?;
    }
    Ok(local)
}

/// Cuts one episode's records (from doc `first`; `ends[i]`: where record `i`'s
/// encoded text ends in `encoded`) into chunks of similar sizes, about
/// `chunk_bytes` of text each, and writes them.
#[allow(clippy::too_many_arguments)]
fn write_chunks(
    pass: &Pass<'_>,
    local: &mut Local,
    deflater: &mut Deflater,
    e: &Episode,
    first: u32,
    encoded: &[u8],
    ends: &[usize],
    speakers: &[&str],
) -> anyhow::Result<()> {
    if ends.is_empty() {
        return Ok(());
    }
    let podcast = pass.archive.podcast(e.podcast);
    let url = crate::site::urls::rel::episode(&e.slug);
    let date = e.date.to_string();
    let ep_row = [
        e.title.as_str(),
        url.as_str(),
        podcast.name.as_str(),
        date.as_str(),
    ];
    let parts = encoded.len().div_ceil(pass.chunk_bytes).max(1);
    let mut part = 1;
    let mut chunk = ChunkBuilder::new(first, &ep_row);
    let mut i = 0;
    let mut from = 0;
    for (ci, c) in e.chapters.iter().enumerate() {
        let ch_row = [c.title.as_str(), c.slug.as_str()];
        for t in &c.turns {
            let view = DocView {
                speaker: speakers[i],
                start: t.start,
                anchor: &t.anchor,
                encoded: &encoded[from..ends[i]],
            };
            chunk.push((ci as u32, ch_row), &view);
            from = ends[i];
            i += 1;
            if part < parts && from * parts >= part * encoded.len() && i < ends.len() {
                let next = ChunkBuilder::new(first + i as u32, &ep_row);
                write_chunk(pass, local, deflater, std::mem::replace(&mut chunk, next))?;
                part += 1;
            }
        }
    }
    write_chunk(pass, local, deflater, chunk)
}

fn write_chunk(
    pass: &Pass<'_>,
    local: &mut Local,
    deflater: &mut Deflater,
    chunk: ChunkBuilder<'_>,
) -> anyhow::Result<()> {
    let first = chunk.first;
    let bytes = chunk.finish(deflater, pass.model);
    pass.sink.write(&format!("search/d/{first}.bin"), &bytes)?;
    pass.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    local.chunks.push((first, super::content_hash(&bytes)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_every_episode_once() {
        let bases = [0, 10, 11, 40, 41, 41, 90];
        for n in [1, 2, 3, 8, 100] {
            let g = groups(&bases, n);
            assert_eq!(g.first().map(|r| r.start), Some(0));
            assert_eq!(g.last().map(|r| r.end), Some(6));
            assert!(g.windows(2).all(|w| w[0].end == w[1].start), "{g:?}");
        }
        assert!(groups(&[0], 4).is_empty());
    }

    #[test]
    fn local_counts_tf_and_caps_it() {
        let mut l = Local::default();
        let a = l.id("a");
        for _ in 0..300 {
            l.add(a, 1);
        }
        l.end_doc(1);
        let b = l.id("b");
        l.add(b, 2);
        let a2 = l.id("a");
        l.add(a2, 2);
        l.end_doc(2);
        assert_eq!(
            l.pairs,
            [
                (a, posting(1, MAX_TF)),
                (b, posting(2, 1)),
                (a, posting(2, 1))
            ]
        );
        let c = merge(vec![l]);
        assert_eq!(
            c.postings_of(a as usize),
            [posting(1, MAX_TF), posting(2, 1)]
        );
        assert_eq!(c.postings_of(b as usize), [posting(2, 1)]);
        // The same word with and without a key is one term.
        let mut l = Local::default();
        let x = l.keyed_id(0, "cafe");
        assert_eq!(l.keyed_id(ascii_key("cafe").unwrap(), "cafe"), x);
        assert_ne!(l.id("cafe0123456789abcdef"), x);
    }
}
