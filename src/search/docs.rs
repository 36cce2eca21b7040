//! Record files: what a result shows (speaker, time, chapter, episode, text), in
//! chunks of consecutive records, fetched only for the results on screen.
//!
//! `search/d/<first doc>.json` holds docs `first..first + d.length`:
//! ```json
//! {"e": [["Episode title", "episodes/slug/", "Podcast", "2025-08-15"]],
//!  "c": [["Chapter title", "chapter-slug", "topic-slug-or-empty"]],
//!  "d": [[episode, chapter, "Speaker", seconds, "t-00-41-12", "plain text"]]}
//! ```
//! `episode` and `chapter` index the chunk's own `e` and `c` tables, so an episode's
//! title is written once per chunk, not once per turn.

use std::fmt::Write as _;

/// A chunk being filled; written out once it reaches its byte target.
pub(super) struct ChunkBuilder {
    /// Doc id of the chunk's first record.
    pub first: u32,
    episodes: String,
    n_episodes: u32,
    chapters: String,
    n_chapters: u32,
    docs: String,
    n_docs: u32,
    /// Source-order key of the last episode/chapter added, to reuse table rows.
    last_episode: Option<u32>,
    last_chapter: Option<(u32, u32)>,
}

/// One record's display data.
pub(super) struct DocView<'a> {
    pub speaker: &'a str,
    pub seconds: u32,
    pub anchor: &'a str,
    pub text: &'a str,
}

impl ChunkBuilder {
    /// An empty chunk whose first record will be `first`.
    pub fn new(first: u32) -> Self {
        ChunkBuilder {
            first,
            episodes: String::new(),
            n_episodes: 0,
            chapters: String::new(),
            n_chapters: 0,
            docs: String::with_capacity(32 * 1024),
            n_docs: 0,
            last_episode: None,
            last_chapter: None,
        }
    }

    /// Records added so far.
    pub fn len(&self) -> u32 {
        self.n_docs
    }

    /// Approximate size of the finished file.
    pub fn bytes(&self) -> usize {
        self.episodes.len() + self.chapters.len() + self.docs.len() + 16
    }

    /// Adds the next record; `episode` and `chapter` identify the rows it points at
    /// (their display data is only read the first time they are seen).
    pub fn push(
        &mut self,
        episode: (u32, &[&str; 4]),
        chapter: (u32, &[&str; 3]),
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
            self.docs.push(',');
        }
        // Writing into a String cannot fail.
        let _ = write!(
            self.docs,
            "[{},{},{},{},{},{}]",
            self.n_episodes - 1,
            self.n_chapters - 1,
            json_str(doc.speaker),
            doc.seconds,
            json_str(doc.anchor),
            json_str(doc.text)
        );
        self.n_docs += 1;
    }

    /// The finished JSON file.
    pub fn finish(self) -> Vec<u8> {
        format!(
            "{{\"e\":[{}],\"c\":[{}],\"d\":[{}]}}",
            self.episodes, self.chapters, self.docs
        )
        .into_bytes()
    }
}

fn push_row(out: &mut String, n: u32, cells: &[&str]) {
    if n > 0 {
        out.push(',');
    }
    out.push('[');
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_str(c));
    }
    out.push(']');
}

/// A JSON string literal (serde_json's escaping; it cannot fail on a `&str`).
pub(super) fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The plain text of a turn's Markdown, for snippets and for indexing: emphasis and
/// code markers dropped, `[text](url)` reduced to `text`, the five common entities
/// decoded, backslash escapes removed, whitespace runs collapsed to one space. It is
/// a cheap approximation of the rendered text (one pass, no parser), which is all a
/// snippet needs; it is inserted as text by search.js, never as HTML.
pub(super) fn plain_text(md: &str, out: &mut String) {
    out.clear();
    out.reserve(md.len());
    let b = md.as_bytes();
    let mut i = 0;
    let mut space = true; // at start: drop leading whitespace
    while i < b.len() {
        let c = b[i];
        match c {
            b'*' | b'`' => {
                i += 1;
                continue;
            }
            b'_' => {
                let prev_word = i > 0 && b[i - 1].is_ascii_alphanumeric();
                let next_word = b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
                i += 1;
                if prev_word && next_word {
                    out.push('_');
                    space = false;
                }
                continue;
            }
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                i += 1;
                out.push(char::from(b[i]));
                space = false;
                i += 1;
                continue;
            }
            b']' if b.get(i + 1) == Some(&b'(') => {
                // `[text](url)`: skip the `(url)` part (to the matching close paren).
                let mut depth = 0;
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\n' => break,
                        _ => {}
                    }
                    j += 1;
                }
                if j < b.len() && b[j] == b')' {
                    i = j + 1;
                    continue;
                }
                i += 1;
                continue;
            }
            b'[' => {
                i += 1;
                continue;
            }
            b'&' => {
                let entity = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&#39;", '\''),
                ]
                .into_iter()
                .find(|(e, _)| b[i..].starts_with(e.as_bytes()));
                if let Some((e, ch)) = entity {
                    out.push(ch);
                    i += e.len();
                } else {
                    out.push('&');
                    i += 1;
                }
                space = false;
                continue;
            }
            c if c.is_ascii_whitespace() => {
                if !space {
                    out.push(' ');
                    space = true;
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // A run of ordinary bytes up to the next byte the loop above treats specially.
        // Every stop is an ASCII byte, so the slice never splits a UTF-8 sequence.
        let start = i;
        while i < b.len()
            && !matches!(b[i], b'*' | b'`' | b'_' | b'\\' | b']' | b'[' | b'&')
            && !b[i].is_ascii_whitespace()
        {
            i += 1;
        }
        if i == start {
            // A special byte that fell through (e.g. a lone `\`): keep it.
            out.push(char::from(b[i]));
            i += 1;
        } else {
            out.push_str(&md[start..i]);
        }
        space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str) -> String {
        let mut s = String::new();
        plain_text(md, &mut s);
        s
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            plain("  **Bold** and _it_ and `code`,\n\nsee [the docs](https://x.io/(a)) &amp; more  "),
            "Bold and it and code, see the docs & more"
        );
        assert_eq!(plain(r"snake_case \*not emphasis\* a\b"), r"snake_case *not emphasis* a\b");
        assert_eq!(plain("[unclosed](link and é — ’"), "unclosed(link and é — ’");
        assert_eq!(plain("<script>&lt;"), "<script><");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn chunks_are_json_with_shared_rows() {
        let mut c = ChunkBuilder::new(40);
        let ep = ["Ep \"1\"", "episodes/ep-1/", "Show", "2025-01-02"];
        let ch = ["Intro", "intro", ""];
        let doc = |t| DocView {
            speaker: "Ryan",
            seconds: 61,
            anchor: "t-00-01-01",
            text: t,
        };
        c.push((0, &ep), (0, &ch), &doc("Hi <b>"));
        c.push((0, &ep), (1, &["Next", "next", "next-topic"]), &doc("x"));
        assert_eq!(c.len(), 2);
        let v: serde_json::Value = serde_json::from_slice(&c.finish()).unwrap();
        assert_eq!(v["e"].as_array().unwrap().len(), 1);
        assert_eq!(v["e"][0][0], "Ep \"1\"");
        assert_eq!(v["c"][1][2], "next-topic");
        assert_eq!(v["d"][0][5], "Hi <b>");
        assert_eq!(v["d"][1][1], 1);
        assert_eq!(v["d"][1][3], 61);
    }
}
