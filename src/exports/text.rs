//! Markdown → plain text for the exports: what a podcast app shows as a transcript
//! segment or caption, not what the page renders.
//!
//! Rules:
//! - markup goes (`*`, `_`, `` ` ``, link syntax → the link text, images → alt text);
//!   raw HTML stays as the text it is, as on the page (`<inaudible>` is speech);
//! - whitespace runs become one space and blocks (paragraphs, list items, quotes)
//!   are separated by one `\n`, with no whitespace at either end;
//! - ordered list items keep their number (`2012. Basically…` in a transcript is
//!   a spoken number that CommonMark reads as a list), bullets lose their marker;
//! - quotes stay as written: smart punctuation is the page's typography, and a
//!   caption file should carry the transcript's own characters.
//!
//! Most turns contain no character Markdown gives a meaning to, and those skip the
//! parser: [`needs_markdown`] decides, and a property test checks both paths agree.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Plain text of a Markdown turn body; see the module docs for the rules.
pub(crate) fn plain_text(src: &str) -> String {
    if needs_markdown(src) {
        from_markdown(src)
    } else {
        from_plain(src)
    }
}

/// Bytes that can start Markdown syntax anywhere in a line (emphasis, code, links,
/// HTML, entities, escapes, strikethrough, tables).
const INLINE: &[u8] = b"*_`[<>&\\~|";

/// Bytes that start Markdown syntax only at the start of a line (after spaces):
/// headings, list items, setext underlines, ordered lists.
const LINE_START: &[u8] = b"#-+=0123456789";

/// A 256-entry table for the byte scan of [`needs_markdown`].
const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}
static INLINE_TABLE: [bool; 256] = table(INLINE);
static LINE_START_TABLE: [bool; 256] = table(LINE_START);

/// True unless `src` is certainly rendered by CommonMark as its own words: no
/// inline syntax character anywhere, no block marker starting a line, and no line
/// indented by a tab or four spaces (an indented code block may span blank lines,
/// which the plain path would read as a paragraph break). Over-approximates:
/// a `true` only costs a parse.
pub(crate) fn needs_markdown(src: &str) -> bool {
    let bytes = src.as_bytes();
    let mut at_line_start = true;
    let mut indent = 0usize;
    for &b in bytes {
        if INLINE_TABLE[b as usize] {
            return true;
        }
        if at_line_start {
            match b {
                b' ' => {
                    indent += 1;
                    if indent >= 4 {
                        return true;
                    }
                    continue;
                }
                b'\t' => return true,
                b'\n' | b'\r' => {
                    indent = 0;
                    continue;
                }
                _ if LINE_START_TABLE[b as usize] => return true,
                _ => at_line_start = false,
            }
        } else if b == b'\n' {
            at_line_start = true;
            indent = 0;
        }
    }
    false
}

/// The plain path: blank lines separate blocks, all other whitespace is one space.
fn from_plain(src: &str) -> String {
    let mut out = Plain::with_capacity(src.len());
    for line in src.lines() {
        if line.trim().is_empty() {
            out.block();
        } else {
            out.space();
            out.text(line);
        }
    }
    out.finish()
}

/// The parser path: pulldown-cmark events, markup dropped.
fn from_markdown(src: &str) -> String {
    let mut opts: Options = crate::markdown::options();
    opts.remove(Options::ENABLE_SMART_PUNCTUATION);
    let mut out = Plain::with_capacity(src.len());
    // One entry per open list: the next item number, or None for a bullet list.
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new_ext(src, opts) {
        match event {
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => out.text(&t),
            Event::SoftBreak | Event::HardBreak => out.space(),
            Event::Rule => out.block(),
            Event::Start(Tag::List(first)) => {
                out.block();
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                out.block();
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                out.block();
                if let Some(Some(n)) = lists.last_mut() {
                    out.text(&format!("{n}."));
                    out.space();
                    *n = n.saturating_add(1);
                }
            }
            Event::End(TagEnd::TableCell) => out.space(),
            Event::Start(tag) if !is_inline(&tag) => out.block(),
            Event::End(end) if !is_inline_end(end) => out.block(),
            // Inline tags, footnote references, task markers: no text of their own.
            _ => {}
        }
    }
    out.finish()
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::TableCell
    )
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::TableCell
    )
}

/// What separates the next word from the text so far.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    /// Nothing: the word continues the previous one (`**bold**ness`).
    None,
    Space,
    Block,
}

/// Plain-text builder: collapses whitespace, never emits it at either end.
struct Plain {
    out: String,
    gap: Gap,
}

impl Plain {
    fn with_capacity(n: usize) -> Self {
        Plain {
            out: String::with_capacity(n),
            gap: Gap::None,
        }
    }

    fn space(&mut self) {
        self.gap = self.gap.max(Gap::Space);
    }

    fn block(&mut self) {
        self.gap = Gap::Block;
    }

    /// Appends `t`, whose whitespace becomes (at most) one space.
    fn text(&mut self, t: &str) {
        let mut rest = t;
        loop {
            let word_start = rest.trim_start();
            if word_start.len() != rest.len() {
                self.space();
            }
            if word_start.is_empty() {
                return;
            }
            let end = word_start
                .find(char::is_whitespace)
                .unwrap_or(word_start.len());
            let (word, after) = word_start.split_at(end);
            self.word(word);
            rest = after;
        }
    }

    fn word(&mut self, w: &str) {
        if !self.out.is_empty() {
            match self.gap {
                Gap::None => {}
                Gap::Space => self.out.push(' '),
                Gap::Block => self.out.push('\n'),
            }
        }
        self.gap = Gap::None;
        self.out.push_str(w);
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_goes_text_stays() {
        let cases = [
            ("plain words", "plain words"),
            ("  many   spaces\tand\ttabs  ", "many spaces and tabs"),
            ("*em* and **strong** and _u_", "em and strong and u"),
            ("**bold**ness", "boldness"),
            ("see [the docs](https://x.example) now", "see the docs now"),
            ("![a chart](c.png)", "a chart"),
            ("`async/await` works", "async/await works"),
            ("P&amp;L &amp; P&L", "P&L & P&L"),
            ("a <inaudible> b", "a <inaudible> b"),
            ("~~no~~ yes", "no yes"),
            ("line one\nline two", "line one line two"),
            ("para one\n\n\npara two", "para one\npara two"),
            ("2012. Basically I left", "2012. Basically I left"),
            ("- one\n- two", "one\ntwo"),
            ("> quoted *text*", "quoted text"),
            ("snake_case_name", "snake_case_name"),
            ("a \\* star", "a * star"),
            (
                "Unicode: piñata 👍 — “quoted”",
                "Unicode: piñata 👍 — “quoted”",
            ),
            ("don't \"quote\" -- me...", "don't \"quote\" -- me..."),
            ("note[^1]\n\n[^1]: the note", "note\nthe note"),
            ("", ""),
            ("   \n\n  ", ""),
        ];
        for (src, want) in cases {
            assert_eq!(plain_text(src), want, "{src:?}");
        }
    }

    #[test]
    fn the_fast_path_is_taken_for_prose() {
        assert!(!needs_markdown(
            "Yeah, so for me personally, I was one of those engineers.\n\nI did consulting."
        ));
        assert!(needs_markdown("a *b*"));
        assert!(needs_markdown("a\n- b"));
        assert!(needs_markdown("a\n\n    code"));
    }

    proptest! {
        /// Whatever the input, the output is normalised text.
        #[test]
        fn output_is_normalised(src in "[a-z *_`\\[\\]()<>&#\\-+=0-9.!\\\\~|\n\t]{0,80}") {
            let out = plain_text(&src);
            prop_assert_eq!(out.trim(), out.as_str());
            prop_assert!(!out.contains("  "));
            prop_assert!(!out.contains("\n\n"));
            prop_assert!(!out.contains(" \n") && !out.contains("\n ") && !out.contains('\t'));
        }

        /// Where the fast path is taken, it agrees with the parser.
        #[test]
        fn fast_path_agrees(src in "([a-zA-Z ,.'\"?!:;()é👍#=+0-9-]{0,12}(\n|\n\n|\n    |\t| \u{a0}|\r\n)?){0,8}") {
            if !needs_markdown(&src) {
                prop_assert_eq!(from_plain(&src), from_markdown(&src), "{:?}", src);
            }
        }
    }
}
