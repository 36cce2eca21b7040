//! The one pass over the archive: every turn becomes a record (doc), its words become
//! postings, and its display data goes into record chunks written on the way.
//!
//! Doc ids run through episodes in archive order (newest first), then chapters and
//! turns in transcript order, so one episode's or chapter's records are a contiguous
//! range (filters encode as a few runs) and equal scores rank newer episodes first.
//! Episodes are cut into contiguous groups handled in parallel, each with its own
//! vocabulary; the groups' postings are then appended in doc order, so the result
//! does not depend on thread timing.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::docs::{ChunkBuilder, DocView, plain_text};
use super::encode::{MAX_TF, doc_of, posting, tf_of};
use super::tokenize::{token_list, tokens};
use crate::model::Archive;
use crate::render::OutputSink;

/// Key prefix of a podcast filter term (`!<podcast slug>`); never a word's first byte.
pub const PODCAST_KEY: char = '!';
/// Key prefix of a topic filter term (`#<topic slug>`).
pub const TOPIC_KEY: char = '#';
/// Key prefix of a guest filter term (`@<person slug>`).
pub const GUEST_KEY: char = '@';

/// Docs are packed with their tf into a `u32` (see [`posting`]), so at most 2^24.
const MAX_DOCS: usize = 1 << 24;
/// How many episode groups per worker thread: enough to balance uneven episodes.
const GROUPS_PER_THREAD: usize = 8;

/// Everything the pass produced.
pub(super) struct Collected {
    /// Terms with their postings (sorted by doc), in no particular order.
    pub terms: Vec<(Box<str>, Vec<u32>)>,
    /// Number of records.
    pub docs: u32,
    /// First doc and content hash of every record chunk, ascending.
    pub chunks: Vec<(u32, u64)>,
    /// Record chunk files written and their bytes.
    pub files: usize,
    pub bytes: u64,
}

/// Postings of one group of episodes.
#[derive(Default)]
struct Local {
    vocab: FxHashMap<Box<str>, u32>,
    postings: Vec<Vec<u32>>,
    chunks: Vec<(u32, u64)>,
}

impl Local {
    /// Counts one occurrence of `term` in `doc` (docs arrive in ascending order).
    fn add(&mut self, term: &str, doc: u32) {
        let id = match self.vocab.get(term) {
            Some(&id) => id,
            None => {
                let id = self.postings.len() as u32;
                self.vocab.insert(term.into(), id);
                self.postings.push(Vec::new());
                id
            }
        };
        let list = &mut self.postings[id as usize];
        match list.last_mut() {
            Some(p) if doc_of(*p) == doc => {
                if tf_of(*p) < MAX_TF {
                    *p += 1;
                }
            }
            _ => list.push(posting(doc, 1)),
        }
    }
}

/// Shared, read-only inputs of every group.
struct Pass<'a> {
    archive: &'a Archive,
    sink: &'a dyn OutputSink,
    chunk_bytes: usize,
    files: AtomicUsize,
    bytes: AtomicU64,
}

/// Walks the archive: postings for every term and record chunks written to `sink`
/// as `search/d/<first doc>.json`, each about `chunk_bytes` long.
pub(super) fn collect(
    archive: &Archive,
    sink: &dyn OutputSink,
    chunk_bytes: usize,
) -> anyhow::Result<Collected> {
    let mut bases = Vec::with_capacity(archive.episodes.len() + 1);
    let mut total = 0usize;
    for e in &archive.episodes {
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
        chunk_bytes,
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
    };
    let locals = groups
        .par_iter()
        .map(|g| collect_group(&pass, g.clone(), bases[g.start]))
        .collect::<anyhow::Result<Vec<Local>>>()?;

    // Merge in group order: each term's postings stay sorted by doc.
    let mut index: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut terms: Vec<(Box<str>, Vec<u32>)> = Vec::new();
    let mut chunks = Vec::new();
    for local in locals {
        chunks.extend(local.chunks);
        let mut postings = local.postings;
        for (term, id) in local.vocab {
            let list = std::mem::take(&mut postings[id as usize]);
            match index.get(&term) {
                Some(&gid) => terms[gid as usize].1.extend_from_slice(&list),
                None => {
                    index.insert(term.clone(), terms.len() as u32);
                    terms.push((term, list));
                }
            }
        }
    }
    Ok(Collected {
        terms,
        docs: total as u32,
        chunks,
        files: pass.files.into_inner(),
        bytes: pass.bytes.into_inner(),
    })
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

fn collect_group(pass: &Pass<'_>, episodes: Range<usize>, first_doc: u32) -> anyhow::Result<Local> {
    let a = pass.archive;
    let mut local = Local::default();
    let mut doc = first_doc;
    let mut chunk = ChunkBuilder::new(doc);
    let mut plain = String::new();
    let mut keys: Vec<String> = Vec::new();
    for ei in episodes {
        let e = &a.episodes[ei];
        let podcast = a.podcast(e.podcast);
        let url = crate::render::urls::rel::episode(&e.slug);
        let date = e.date.to_string();
        let ep_row = [e.title.as_str(), url.as_str(), podcast.name.as_str(), date.as_str()];
        // Filter terms every record of the episode carries.
        let mut ep_keys = vec![format!("{PODCAST_KEY}{}", podcast.slug)];
        ep_keys.extend(e.guests.iter().map(|p| format!("{GUEST_KEY}{}", a.person(*p).slug)));
        ep_keys.extend(e.topics.iter().map(|t| format!("{TOPIC_KEY}{}", a.topic(*t).slug)));
        for (ci, c) in e.chapters.iter().enumerate() {
            let topic = c.topic.map(|t| a.topic(t).slug.as_str()).unwrap_or("");
            let ch_row = [c.title.as_str(), c.slug.as_str(), topic];
            // The chapter title's words count in each of its turns, so a search for a
            // chapter's subject finds the chapter even where the words are not said.
            let title_words = token_list(&c.title);
            keys.clear();
            keys.extend(ep_keys.iter().cloned());
            if !topic.is_empty() {
                keys.push(format!("{TOPIC_KEY}{topic}"));
            }
            for t in &c.turns {
                plain_text(&t.body, &mut plain);
                tokens(&plain, |w| local.add(w, doc));
                for w in &title_words {
                    local.add(w, doc);
                }
                let speaker = t
                    .person
                    .map_or(t.speaker_label.as_str(), |p| a.person(p).name.as_str());
                tokens(speaker, |w| local.add(w, doc));
                for k in &keys {
                    local.add(k, doc);
                }
                let view = DocView {
                    speaker,
                    seconds: t.start.seconds(),
                    anchor: &t.anchor,
                    text: &plain,
                };
                chunk.push((ei as u32, &ep_row), (ci as u32, &ch_row), &view);
                doc += 1;
                if chunk.bytes() >= pass.chunk_bytes {
                    let full = std::mem::replace(&mut chunk, ChunkBuilder::new(doc));
                    write_chunk(pass, &mut local, full)?;
                }
            }
        }
    }
    if chunk.len() > 0 {
        write_chunk(pass, &mut local, chunk)?;
    }
    Ok(local)
}

fn write_chunk(pass: &Pass<'_>, local: &mut Local, chunk: ChunkBuilder) -> anyhow::Result<()> {
    let first = chunk.first;
    let bytes = chunk.finish();
    pass.sink.write(&format!("search/d/{first}.json"), &bytes)?;
    pass.files.fetch_add(1, Ordering::Relaxed);
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
        for _ in 0..300 {
            l.add("a", 1);
        }
        l.add("a", 2);
        l.add("b", 2);
        assert_eq!(l.postings[0], [posting(1, MAX_TF), posting(2, 1)]);
        assert_eq!(l.postings[1], [posting(2, 1)]);
    }
}
