//! Record files: what a result shows (speaker, time, chapter, episode, text), in
//! chunks of consecutive records, fetched only for the results on screen.
//!
//! `search/d/<first doc>.json` holds docs `first..first + d.length`:
//! ```json
//! {"d": [[episode, chapter, "Speaker", seconds, "t-00-41-12", "Markdown source"]],
//!  "e": [["Episode title", "episodes/slug/", "Podcast", "2025-08-15"]],
//!  "c": [["Chapter title", "chapter-slug"]]}
//! ```
//! `episode` and `chapter` index the chunk's own `e` and `c` tables, so an episode's
//! title is written once per chunk, not once per turn. The text is the turn's
//! Markdown as written: search.js reduces it to plain text for the few snippets it
//! shows (inserted as text, never as HTML), which is cheaper than doing it here for
//! every turn.

use std::io::Write as _;

/// A chunk being filled; written out once it reaches its byte target.
pub(super) struct ChunkBuilder {
    /// Doc id of the chunk's first record.
    pub(super) first: u32,
    episodes: Vec<u8>,
    n_episodes: u32,
    chapters: Vec<u8>,
    n_chapters: u32,
    docs: Vec<u8>,
    n_docs: u32,
    /// Source-order key of the last episode/chapter added, to reuse table rows.
    last_episode: Option<u32>,
    last_chapter: Option<(u32, u32)>,
}

/// One record's display data.
pub(super) struct DocView<'a> {
    pub(super) speaker: &'a str,
    pub(super) seconds: u32,
    pub(super) anchor: &'a str,
    pub(super) text: &'a str,
}

impl ChunkBuilder {
    /// An empty chunk whose first record will be `first`.
    pub(super) fn new(first: u32) -> Self {
        ChunkBuilder {
            first,
            episodes: Vec::new(),
            n_episodes: 0,
            chapters: Vec::new(),
            n_chapters: 0,
            docs: Vec::with_capacity(32 * 1024),
            n_docs: 0,
            last_episode: None,
            last_chapter: None,
        }
    }

    /// Records added so far.
    pub(super) fn len(&self) -> u32 {
        self.n_docs
    }

    /// Approximate size of the finished file.
    pub(super) fn bytes(&self) -> usize {
        self.episodes.len() + self.chapters.len() + self.docs.len() + 16
    }

    /// Adds the next record; `episode` and `chapter` identify the rows it points at
    /// (their display data is only read the first time they are seen).
    pub(super) fn push(
        &mut self,
        episode: (u32, &[&str; 4]),
        chapter: (u32, &[&str; 2]),
        doc: &DocView<'_>,
    ) {
        if self.last_episode != Some(episode.0) {
            self.last_episode = Some(episode.0);
            push_row(&mut self.episodes, self.n_episodes, episode.1);
            self.n_episodes += 1;
            self.last_chapter = None;
        }
        if self.last_chapter != Some((episode.0, chapter.0)) {
            self.last_chapter = Some((episode.0, chapter.0));
            push_row(&mut self.chapters, self.n_chapters, chapter.1);
            self.n_chapters += 1;
        }
        if self.n_docs > 0 {
            self.docs.push(b',');
        } else {
            self.docs.extend_from_slice(b"{\"d\":[");
        }
        // Writing into a Vec cannot fail.
        let _ = write!(
            self.docs,
            "[{},{},",
            self.n_episodes - 1,
            self.n_chapters - 1
        );
        json_str(&mut self.docs, doc.speaker);
        let _ = write!(self.docs, ",{},", doc.seconds);
        json_str(&mut self.docs, doc.anchor);
        self.docs.push(b',');
        json_str(&mut self.docs, doc.text);
        self.docs.push(b']');
        self.n_docs += 1;
    }

    /// The finished JSON file (the records first: they are most of it, and are
    /// already in place).
    pub(super) fn finish(self) -> Vec<u8> {
        let mut out = if self.n_docs == 0 {
            b"{\"d\":[".to_vec()
        } else {
            self.docs
        };
        out.extend_from_slice(b"],\"e\":[");
        out.extend_from_slice(&self.episodes);
        out.extend_from_slice(b"],\"c\":[");
        out.extend_from_slice(&self.chapters);
        out.extend_from_slice(b"]}");
        out
    }
}

fn push_row(out: &mut Vec<u8>, n: u32, cells: &[&str]) {
    if n > 0 {
        out.push(b',');
    }
    out.push(b'[');
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, c);
    }
    out.push(b']');
}

/// Appends `s` as a JSON string literal (serde_json's escaping).
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Serialising a &str into a Vec cannot fail; on the impossible error the
    // literal would be cut short, which the JSON parser in the client would report.
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_json_with_shared_rows() {
        let mut c = ChunkBuilder::new(40);
        let ep = ["Ep \"1\"", "episodes/ep-1/", "Show", "2025-01-02"];
        let ch = ["Intro", "intro"];
        let doc = |t| DocView {
            speaker: "Ryan",
            seconds: 61,
            anchor: "t-00-01-01",
            text: t,
        };
        c.push((0, &ep), (0, &ch), &doc("Hi <b>"));
        c.push((0, &ep), (1, &["Next", "next"]), &doc("x"));
        assert_eq!(c.len(), 2);
        let v: serde_json::Value = serde_json::from_slice(&c.finish()).unwrap();
        assert_eq!(v["e"].as_array().unwrap().len(), 1);
        assert_eq!(v["e"][0][0], "Ep \"1\"");
        assert_eq!(v["c"][1][1], "next");
        assert_eq!(v["d"][0][5], "Hi <b>");
        assert_eq!(v["d"][1][1], 1);
        assert_eq!(v["d"][1][3], 61);
    }
}
