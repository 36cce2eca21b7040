//! Record chunks: what a result shows (speaker, time, chapter, episode, text) for a
//! run of consecutive records of one episode, fetched only for the results on screen.
//!
//! `search/d/<first doc>.bin` is a raw-DEFLATE stream that continues the prefix
//! `search/t.bin` ([`super::text`]); prefix and chunk together decode to the model's
//! bytes, then the chunk's payload: a JSON header, a zero byte, and the records' texts,
//! each table-encoded ([`TextModel::encode`]) and followed by [`END_OF_TEXT`]:
//! ```json
//! {"e": ["Episode title", "episodes/slug/", "Podcast", "2025-08-15"],
//!  "c": [["Chapter title", "chapter-slug", 12], ["Next chapter", "next-chapter", 3]],
//!  "s": ["Stefan Mai", "Ryan Peterman"],
//!  "d": [1, 2461, 0, 18, 1, 40],
//!  "a": [[2, "t-00-41-59-2"]]}
//! ```
//! `c` lists the chapters with how many of the chunk's records each holds, in order;
//! `d` holds two numbers per record: its speaker (an index into `s`) and its start in
//! seconds, less the previous record's (the first: from the episode's start). A
//! record's anchor is `t-HH-MM-SS` of its start unless `a` spells it (two turns
//! stamped the same second). The texts are the turns' Markdown as written: search.js
//! reduces one to plain text only for the snippets it shows (inserted as text, never
//! as HTML), which is cheaper than doing it here for every turn.

use std::io::Write as _;

use anyhow::Context as _;

use super::deflate::Deflater;
use super::text::{END_OF_TEXT, TextModel};
use crate::model::Timestamp;

/// A chunk being filled.
pub(super) struct ChunkBuilder<'a> {
    /// Doc id of the chunk's first record.
    pub(super) first: u32,
    episode: &'a [&'a str; 4],
    /// `[title, slug]` and record count of each chapter, in order.
    chapters: Vec<([&'a str; 2], u32)>,
    last_chapter: Option<u32>,
    speakers: Vec<&'a str>,
    docs: Vec<u8>,
    anchors: Vec<u8>,
    n_docs: u32,
    last_seconds: i64,
    text: Vec<u8>,
}

/// One record's display data.
pub(super) struct DocView<'a> {
    pub(super) speaker: &'a str,
    pub(super) start: Timestamp,
    pub(super) anchor: &'a str,
    /// The text, already table-encoded.
    pub(super) encoded: &'a [u8],
}

impl<'a> ChunkBuilder<'a> {
    /// An empty chunk of `episode` (`[title, url, podcast, date]`) whose first record
    /// will be `first`.
    pub(super) fn new(first: u32, episode: &'a [&'a str; 4]) -> Self {
        ChunkBuilder {
            first,
            episode,
            chapters: Vec::new(),
            last_chapter: None,
            speakers: Vec::new(),
            docs: Vec::with_capacity(1024),
            anchors: Vec::new(),
            n_docs: 0,
            last_seconds: 0,
            text: Vec::with_capacity(32 * 1024),
        }
    }

    /// Records added so far.
    #[cfg(test)]
    pub(super) fn len(&self) -> u32 {
        self.n_docs
    }

    /// Adds the next record; `chapter` is its chapter's number in the episode and
    /// `[title, slug]`.
    pub(super) fn push(&mut self, chapter: (u32, [&'a str; 2]), doc: &DocView<'a>) {
        if self.last_chapter != Some(chapter.0) {
            self.last_chapter = Some(chapter.0);
            self.chapters.push((chapter.1, 0));
        }
        if let Some(c) = self.chapters.last_mut() {
            c.1 += 1;
        }
        let speaker = match self.speakers.iter().position(|s| *s == doc.speaker) {
            Some(i) => i,
            None => {
                self.speakers.push(doc.speaker);
                self.speakers.len() - 1
            }
        };
        if self.n_docs > 0 {
            self.docs.push(b',');
        }
        let seconds = i64::from(doc.start.seconds());
        // Written in place: a `format!` per record was a measurable share of the pass.
        let _ = write!(self.docs, "{speaker},{}", seconds - self.last_seconds);
        self.last_seconds = seconds;
        if !is_time_anchor(doc.anchor, doc.start) {
            if !self.anchors.is_empty() {
                self.anchors.push(b',');
            }
            let _ = write!(self.anchors, "[{},", self.n_docs);
            json_str(&mut self.anchors, doc.anchor);
            self.anchors.push(b']');
        }
        self.text.extend_from_slice(doc.encoded);
        self.text.push(END_OF_TEXT);
        self.n_docs += 1;
    }

    /// The payload (header, zero byte, texts), uncompressed.
    pub(super) fn payload(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.docs.len() + self.text.len() + 1024);
        out.extend_from_slice(b"{\"e\":");
        push_row(&mut out, self.episode);
        out.extend_from_slice(b",\"c\":[");
        for (i, (row, n)) in self.chapters.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_row(&mut out, row);
            out.pop();
            let _ = write!(out, ",{n}]");
        }
        out.extend_from_slice(b"],\"s\":");
        push_row(&mut out, &self.speakers);
        out.extend_from_slice(b",\"d\":[");
        out.extend_from_slice(&self.docs);
        out.push(b']');
        if !self.anchors.is_empty() {
            out.extend_from_slice(b",\"a\":[");
            out.extend_from_slice(&self.anchors);
            out.push(b']');
        }
        out.extend_from_slice(b"}\0");
        out.extend_from_slice(&self.text);
        out
    }

    /// The chunk file: the payload compressed as a continuation of the prefix.
    pub(super) fn finish(&self, deflater: &mut Deflater, model: &TextModel) -> Vec<u8> {
        deflater.compress(&self.payload(), &model.dict)
    }
}

/// Whether `anchor` is `t-HH-MM-SS` of `start` ([`Timestamp::anchor`]), checked
/// without building that string for every record.
fn is_time_anchor(anchor: &str, start: Timestamp) -> bool {
    let s = start.seconds();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    let b = anchor.as_bytes();
    let two = |at: usize, v: u32| {
        v < 100 && b.get(at..at + 2) == Some(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8][..])
    };
    if h >= 100 {
        return anchor == start.anchor();
    }
    b.len() == 10
        && b.starts_with(b"t-")
        && two(2, h)
        && b[4] == b'-'
        && two(5, m)
        && b[7] == b'-'
        && two(8, sec)
}

fn push_row(out: &mut Vec<u8>, cells: &[&str]) {
    out.push(b'[');
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, c);
    }
    out.push(b']');
}

/// Appends `s` as a JSON string literal (serde_json's escaping: never a raw control
/// byte, so the zero byte after the header is unambiguous).
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Serialising a &str into a Vec cannot fail; on the impossible error the
    // literal would be cut short, which the JSON parser in the client would report.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A decoded chunk, as the client reads it.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// `[title, url, podcast, date]` of the episode.
    pub episode: [String; 4],
    /// The chunk's records, in doc order.
    pub records: Vec<Record>,
}

/// One record of a decoded chunk.
#[derive(Debug, Clone)]
pub struct Record {
    /// Chapter `[title, slug]`.
    pub chapter: [String; 2],
    /// Speaker's name.
    pub speaker: String,
    /// Seconds from the episode's start.
    pub seconds: u32,
    /// The turn's anchor on the episode page.
    pub anchor: String,
    /// The turn's text (Markdown source).
    pub text: String,
}

#[derive(serde::Deserialize)]
struct Header {
    e: [String; 4],
    c: Vec<(String, String, usize)>,
    s: Vec<String>,
    d: Vec<i64>,
    #[serde(default)]
    a: Vec<(usize, String)>,
}

impl Chunk {
    /// Reads a chunk's payload (what follows the model's bytes in the decoded stream).
    pub fn parse(payload: &[u8], model: &TextModel) -> anyhow::Result<Chunk> {
        let split = payload
            .iter()
            .position(|b| *b == 0)
            .context("record chunk without a header")?;
        let header: Header =
            serde_json::from_slice(&payload[..split]).context("record chunk header")?;
        let texts = model.decode_records(&payload[split + 1..])?;
        let n = header.d.len() / 2;
        anyhow::ensure!(
            texts.len() == n && header.c.iter().map(|c| c.2).sum::<usize>() == n,
            "record chunk: {n} records, {} texts",
            texts.len()
        );
        let chapters = header
            .c
            .iter()
            .flat_map(|(title, slug, n)| std::iter::repeat_n([title.clone(), slug.clone()], *n));
        let mut seconds = 0i64;
        let mut records = Vec::with_capacity(n);
        for ((i, (pair, text)), chapter) in header.d.chunks(2).zip(texts).enumerate().zip(chapters)
        {
            seconds += pair[1];
            let seconds = u32::try_from(seconds).context("record before the episode's start")?;
            let speaker = usize::try_from(pair[0]).ok().and_then(|s| header.s.get(s));
            records.push(Record {
                chapter,
                speaker: speaker.context("bad speaker")?.clone(),
                seconds,
                anchor: match header.a.iter().find(|(at, _)| *at == i) {
                    Some((_, a)) => a.clone(),
                    None => Timestamp(seconds).anchor(),
                },
                text,
            });
        }
        Ok(Chunk {
            episode: header.e,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_anchors_are_told_from_spelt_ones() {
        for secs in [0, 59, 61, 3599, 3600, 86_399, 359_999, 360_000, 999_999] {
            let t = Timestamp(secs);
            assert!(is_time_anchor(&t.anchor(), t), "{secs}");
            assert!(!is_time_anchor(&format!("{}-2", t.anchor()), t), "{secs}");
            assert!(!is_time_anchor(&Timestamp(secs + 1).anchor(), t), "{secs}");
        }
        assert!(!is_time_anchor("t-00-00-0x", Timestamp(0)));
        assert!(!is_time_anchor("", Timestamp(0)));
    }

    #[test]
    fn chunks_round_trip_with_shared_rows_and_odd_anchors() {
        let model = TextModel::from_sample(&["the manager said the manager said"; 5]);
        let ep = ["Ep \"1\"", "episodes/ep-1/", "Show", "2025-01-02"];
        let mut c = ChunkBuilder::new(40, &ep);
        let texts = ["Hi <b>\u{0} the manager", "x", "é"];
        let enc: Vec<Vec<u8>> = texts
            .iter()
            .map(|t| {
                let mut v = Vec::new();
                model.encode(t, &mut v);
                v
            })
            .collect();
        let doc = |i: usize, anchor: &'static str| DocView {
            speaker: if i == 1 { "Ada" } else { "Ryan" },
            start: Timestamp(61),
            anchor,
            encoded: &enc[i],
        };
        c.push((0, ["Intro", "intro"]), &doc(0, "t-00-01-01"));
        c.push((1, ["Next", "next"]), &doc(1, "t-00-01-01-2"));
        c.push((1, ["Next", "next"]), &doc(2, "t-00-01-01-3"));
        assert_eq!(c.len(), 3);
        let back = Chunk::parse(&c.payload(), &model).unwrap();
        assert_eq!(back.episode[0], "Ep \"1\"");
        let r = &back.records;
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].text, texts[0]);
        assert_eq!(r[0].anchor, "t-00-01-01");
        assert_eq!(r[1].anchor, "t-00-01-01-2");
        assert_eq!(
            (r[1].speaker.as_str(), r[2].speaker.as_str()),
            ("Ada", "Ryan")
        );
        assert_eq!(r[2].chapter[1], "next");
        assert_eq!(r[2].seconds, 61);
        assert_eq!(r[2].text, "é");
        assert_eq!(r[0].chapter[0], "Intro");
        let payload = c.payload();
        assert!(Chunk::parse(&payload[..payload.len() - 1], &model).is_err());
        assert!(Chunk::parse(b"{}", &model).is_err());
    }
}
