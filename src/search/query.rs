//! Queries against written index files, evaluated exactly as `search.js` does, so
//! tests and benchmarks can check the index (and count the bytes a query fetches)
//! without a browser.
//!
//! A query's words are tokenised like the transcripts. Each word matches itself and,
//! at [`OTHER_FORM`] weight, the other forms of its stem in its shard (a word the
//! index lacks, by its stem); the last word, while the reader is still typing, also
//! matches up to [`MAX_EXPANSIONS`] longer words starting with it, most frequent
//! first, from at most [`MAX_PREFIX_SHARDS`] shards.
//! Records must match every word and every filter; when no record has every word,
//! records with some of them are returned instead (`partial`). Scores are BM25
//! without length normalisation (records are turns of very different lengths, and
//! the client cannot afford their lengths): per word `idf · tf·(k1+1)/(tf+k1)`;
//! equal scores rank the newer record (the larger doc id) first.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Deserialize;

use super::deflate::{END, inflate};
use super::docs::Chunk;
use super::encode::{ShardTerm, decode_postings, doc_of, read_shard, tf_of};
use super::text::TextModel;
use crate::text::tokenize::token_list;

type Shard = Vec<ShardTerm<String>>;

/// Largest decoded index file accepted (a guard against a corrupt stream).
const MAX_DECODED: usize = 64 << 20;

/// Most words the last, unfinished word expands to.
pub const MAX_EXPANSIONS: usize = 24;
/// Most shards fetched to expand the last word.
pub const MAX_PREFIX_SHARDS: usize = 2;
/// Shortest unfinished word that is expanded (a single letter matches too much).
pub const MIN_PREFIX_CHARS: usize = 2;
/// Weight of a word's other forms and completions against the word itself.
pub const OTHER_FORM: f64 = 0.5;
const K1: f64 = 1.2;

/// Reads index files by name relative to `search/` (`manifest.json`, `i/3.bin`).
pub type Fetch = Box<dyn Fn(&str) -> anyhow::Result<Vec<u8>>>;

/// An index opened through a [`Fetch`]; files are fetched once and kept.
pub struct Index {
    fetch: Fetch,
    manifest: Manifest,
    /// English only: the one stemmer search.js carries.
    stemmer: Option<Stemmer>,
    chunk_starts: Vec<u32>,
    shards: RefCell<HashMap<usize, Shard>>,
    chunks: RefCell<HashMap<usize, Chunk>>,
    /// `t.bin` as fetched (the prefix of every chunk stream), its decoded length and
    /// the model it decodes to.
    model: RefCell<Option<(Vec<u8>, usize, TextModel)>>,
    fetched: RefCell<BTreeMap<String, usize>>,
}

#[derive(Deserialize)]
struct Manifest {
    format: u32,
    docs: u32,
    lang: String,
    shards: Vec<String>,
    chunks: Vec<u32>,
}

/// Filters, by slug; empty strings are no filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Podcast slug.
    pub podcast: String,
    /// Guest (person) slug.
    pub guest: String,
    /// Topic slug.
    pub topic: String,
}

/// One result, with what the result list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Record id.
    pub doc: u32,
    /// Relevance.
    pub score: f64,
    /// Speaker's name.
    pub speaker: String,
    /// Seconds from the episode's start.
    pub seconds: u32,
    /// Site-relative link to the turn: `episodes/<slug>/#t-00-41-12`.
    pub url: String,
    /// Chapter title.
    pub chapter: String,
    /// Episode title.
    pub episode: String,
    /// Podcast name.
    pub podcast: String,
    /// The turn's text (Markdown source).
    pub text: String,
}

/// What a query found.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Records matching.
    pub total: usize,
    /// True when no record had every word and these have only some.
    pub partial: bool,
    /// The best `limit` records, best first.
    pub hits: Vec<Hit>,
    /// The indexed words the query matched (what the client highlights).
    pub forms: Vec<String>,
}

impl Index {
    /// Opens the index whose files `fetch` reads.
    pub fn open(fetch: Fetch) -> anyhow::Result<Index> {
        let bytes = fetch("manifest.json")?;
        let manifest: Manifest = serde_json::from_slice(&bytes).context("search/manifest.json")?;
        anyhow::ensure!(manifest.format == super::FORMAT, "unknown index format");
        let mut at = 0;
        let chunk_starts = manifest
            .chunks
            .iter()
            .map(|d| {
                at += d;
                at
            })
            .collect();
        let fetched = RefCell::new(BTreeMap::from([("manifest.json".to_owned(), bytes.len())]));
        let stemmer = (crate::text::stemmer_for(&manifest.lang) == Some(Algorithm::English))
            .then(|| Stemmer::create(Algorithm::English));
        Ok(Index {
            fetch,
            manifest,
            stemmer,
            chunk_starts,
            shards: RefCell::default(),
            chunks: RefCell::default(),
            model: RefCell::default(),
            fetched,
        })
    }

    /// Opens the index written under `<site>/search/`.
    pub fn open_dir(site: &std::path::Path) -> anyhow::Result<Index> {
        let dir = site.join("search");
        Index::open(Box::new(move |name| {
            std::fs::read(dir.join(name)).with_context(|| format!("search/{name}"))
        }))
    }

    /// Records in the index.
    pub fn docs(&self) -> u32 {
        self.manifest.docs
    }

    /// Files fetched so far and their sizes.
    pub fn fetched(&self) -> BTreeMap<String, usize> {
        self.fetched.borrow().clone()
    }

    fn get(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let bytes = (self.fetch)(name)?;
        self.fetched
            .borrow_mut()
            .insert(name.to_owned(), bytes.len());
        Ok(bytes)
    }

    /// The shard that holds `term`.
    fn shard_of(&self, term: &str) -> usize {
        self.manifest
            .shards
            .partition_point(|first| first.as_str() <= term)
            .saturating_sub(1)
    }

    fn with_shard<T>(&self, n: usize, f: impl FnOnce(&Shard) -> T) -> anyhow::Result<T> {
        if !self.shards.borrow().contains_key(&n) {
            let name = format!("i/{n}.bin");
            let shard = read_shard(&inflate(&self.get(&name)?, MAX_DECODED)?)
                .with_context(|| format!("search/{name}"))?;
            self.shards.borrow_mut().insert(n, shard);
        }
        let shards = self.shards.borrow();
        let shard = shards.get(&n).context("shard vanished")?;
        Ok(f(shard))
    }

    /// The records of `term` (a word or a filter key) with their weighted tf: the
    /// word itself counts fully, its other forms (same stem group) and, when
    /// `prefix`, the most frequent words it begins, count [`OTHER_FORM`]; a word the
    /// index lacks is found by its stem. Returns `doc → tf` and the forms used.
    fn lookup(
        &self,
        term: &str,
        prefix: bool,
    ) -> anyhow::Result<(BTreeMap<u32, f64>, Vec<String>)> {
        let first = self.shard_of(term);
        // Terms are named by (shard, index in shard).
        let mut found: Vec<(usize, usize, f64)> = Vec::new();
        self.with_shard(first, |s| {
            if let Some(e) = s.iter().position(|t| t.term == term) {
                found.push((first, e, 1.0));
                for (i, t) in s.iter().enumerate() {
                    if i != e && t.group == s[e].group {
                        found.push((first, i, OTHER_FORM));
                    }
                }
            }
        })?;
        if found.is_empty()
            && let Some((n, e)) = self.by_stem(term)?
        {
            self.with_shard(n, |s| {
                for (i, t) in s.iter().enumerate() {
                    if t.group == s[e].group {
                        found.push((n, i, OTHER_FORM));
                    }
                }
            })?;
        }
        if prefix {
            let mut expansions: Vec<(usize, usize, u32)> = Vec::new();
            let last = (first + MAX_PREFIX_SHARDS).min(self.manifest.shards.len());
            for n in first..last {
                if n > first && !self.manifest.shards[n].starts_with(term) {
                    break;
                }
                self.with_shard(n, |s| {
                    for (i, t) in s.iter().enumerate() {
                        if t.term != term && t.term.starts_with(term) {
                            expansions.push((n, i, t.list.df));
                        }
                    }
                })?;
            }
            // Most frequent completions first (stable: ties stay in term order).
            expansions.sort_by_key(|e| std::cmp::Reverse(e.2));
            let mut added = 0;
            for (n, i, _) in expansions {
                if added == MAX_EXPANSIONS {
                    break;
                }
                if !found.iter().any(|f| f.0 == n && f.1 == i) {
                    found.push((n, i, OTHER_FORM));
                    added += 1;
                }
            }
        }
        let mut tf: BTreeMap<u32, f64> = BTreeMap::new();
        let mut forms = Vec::new();
        for (n, i, weight) in found {
            self.with_shard(n, |s| -> anyhow::Result<()> {
                let t = &s[i];
                forms.push(t.term.clone());
                for p in decode_postings(t.list.form, t.list.df, &t.list.bytes)? {
                    *tf.entry(doc_of(p)).or_insert(0.0) += weight * f64::from(tf_of(p));
                }
                Ok(())
            })??;
        }
        Ok((tf, forms))
    }

    /// A word that is not in the index, by its stem: the first indexed word that
    /// starts with the stem and has the same stem (`promotions` → `promot` →
    /// `promoted`), as (shard, index). Needs the stemmer; a word's forms usually
    /// sort right after their stem, so this rarely costs a shard of its own.
    fn by_stem(&self, term: &str) -> anyhow::Result<Option<(usize, usize)>> {
        let Some(stemmer) = &self.stemmer else {
            return Ok(None);
        };
        let stem = stem_ascii(stemmer, term);
        let first = self.shard_of(&stem);
        let last = (first + MAX_PREFIX_SHARDS).min(self.manifest.shards.len());
        for n in first..last {
            if n > first && !self.manifest.shards[n].starts_with(&stem) {
                break;
            }
            let hit = self.with_shard(n, |s| {
                s.iter()
                    .position(|t| t.term.starts_with(&stem) && stem_ascii(stemmer, &t.term) == stem)
            })?;
            if let Some(i) = hit {
                return Ok(Some((n, i)));
            }
        }
        Ok(None)
    }

    /// Runs `query`; `typing` expands the last word as a prefix.
    pub fn search(
        &self,
        query: &str,
        typing: bool,
        filter: &Filter,
        limit: usize,
    ) -> anyhow::Result<Results> {
        let mut words = token_list(query);
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(w.clone()));
        if words.is_empty() {
            return Ok(Results::default());
        }
        let ends_open = typing && !query.ends_with(char::is_whitespace);
        let mut clauses = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let prefix = ends_open && i + 1 == words.len() && w.chars().count() >= MIN_PREFIX_CHARS;
            clauses.push(self.lookup(w, prefix)?);
        }
        let mut required: Vec<BTreeMap<u32, f64>> = Vec::new();
        for (key, slug) in [
            ('!', &filter.podcast),
            ('@', &filter.guest),
            ('#', &filter.topic),
        ] {
            if !slug.is_empty() {
                required.push(self.lookup(&format!("{key}{slug}"), false)?.0);
            }
        }
        let n = f64::from(self.manifest.docs);
        let mut scores: BTreeMap<u32, (f64, usize)> = BTreeMap::new();
        let mut forms = Vec::new();
        for (c, f) in &clauses {
            let df = c.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for (doc, tf) in c {
                let s = scores.entry(*doc).or_insert((0.0, 0));
                s.0 += idf * tf * (K1 + 1.0) / (tf + K1);
                s.1 += 1;
            }
            forms.extend(f.iter().cloned());
        }
        let allowed = |d: u32| required.iter().all(|r| r.contains_key(&d));
        let mut all: Vec<(u32, f64)> = scores
            .iter()
            .filter(|(d, s)| s.1 == clauses.len() && allowed(**d))
            .map(|(d, s)| (*d, s.0))
            .collect();
        let partial = all.is_empty() && clauses.len() > 1;
        if partial {
            all = scores
                .iter()
                .filter(|(d, _)| allowed(**d))
                .map(|(d, s)| (*d, s.0))
                .collect();
        }
        // Equal scores: the newer episode (the larger doc id) first.
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        let total = all.len();
        let hits = all
            .into_iter()
            .take(limit)
            .map(|(doc, score)| self.hit(doc, score))
            .collect::<anyhow::Result<Vec<Hit>>>()?;
        Ok(Results {
            total,
            partial,
            hits,
            forms,
        })
    }

    /// The record `doc`, as a result with `score`.
    pub fn hit(&self, doc: u32, score: f64) -> anyhow::Result<Hit> {
        let k = self
            .chunk_starts
            .partition_point(|s| *s <= doc)
            .saturating_sub(1);
        let first = self.chunk_starts.get(k).copied().unwrap_or(0);
        if !self.chunks.borrow().contains_key(&k) {
            let chunk = self.chunk(first)?;
            self.chunks.borrow_mut().insert(k, chunk);
        }
        let chunks = self.chunks.borrow();
        let chunk = chunks.get(&k).context("chunk vanished")?;
        let r = chunk
            .records
            .get((doc - first) as usize)
            .with_context(|| format!("doc {doc} is not in chunk {first}"))?;
        let [episode, url, podcast, _date] = &chunk.episode;
        Ok(Hit {
            doc,
            score,
            speaker: r.speaker.clone(),
            seconds: r.seconds,
            url: format!("{url}#{}", r.anchor),
            chapter: r.chapter[0].clone(),
            episode: episode.clone(),
            podcast: podcast.clone(),
            text: r.text.clone(),
        })
    }

    /// Fetches and decodes the chunk whose first record is `first`, as search.js
    /// does: the model file and the chunk file concatenated are one DEFLATE stream.
    fn chunk(&self, first: u32) -> anyhow::Result<Chunk> {
        if self.model.borrow().is_none() {
            let prefix = self.get("t.bin")?;
            let mut ended = prefix.clone();
            ended.extend_from_slice(&END);
            let bytes = inflate(&ended, MAX_DECODED).context("search/t.bin")?;
            let model = TextModel::from_bytes(&bytes).context("search/t.bin")?;
            *self.model.borrow_mut() = Some((prefix, bytes.len(), model));
        }
        let name = format!("d/{first}.bin");
        let file = self.get(&name)?;
        let model = self.model.borrow();
        let (prefix, skip, model) = model.as_ref().context("no text model")?;
        let mut stream = prefix.clone();
        stream.extend_from_slice(&file);
        let bytes = inflate(&stream, MAX_DECODED).with_context(|| format!("search/{name}"))?;
        let payload = bytes
            .get(*skip..)
            .with_context(|| format!("search/{name}: shorter than the model"))?;
        Chunk::parse(payload, model).with_context(|| format!("search/{name}"))
    }

    /// First record of every chunk, ascending.
    pub fn chunk_starts(&self) -> &[u32] {
        &self.chunk_starts
    }

    /// Every record of the chunk whose first record is `first`, freshly fetched.
    pub fn records(&self, first: u32) -> anyhow::Result<Chunk> {
        self.chunk(first)
    }
}

/// The stem of a plain `a`–`z` word; any other word as it is (search.js stems only
/// those, so both sides agree on every word).
pub fn stem_ascii(stemmer: &Stemmer, word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()) {
        stemmer.stem(word).into_owned()
    } else {
        word.to_owned()
    }
}
