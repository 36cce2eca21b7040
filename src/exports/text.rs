//! Markdown → plain text for the exports: what a podcast app shows as a transcript
//! segment or caption, not what the page renders.
//!
//! Rules:
//! - markup goes (`*`, `_`, `` ` ``, link syntax → the link text, images → alt text);
//!   raw HTML stays as the text it is, as on the page (`<inaudible>` is speech);
//! - whitespace runs become one space and blocks (paragraphs, list items, quotes)
//!   are separated by one `\n`, with no whitespace at either end;
//! - ordered list items keep their number as written (`2012. Basically…` in a
//!   transcript is a spoken number that CommonMark reads as a list, and `1. 1. 1.`
//!   stays so, though the page renumbers it), bullets lose their marker;
//! - quotes stay as written: smart punctuation is the page's typography, and a
//!   caption file should carry the transcript's own characters.
//!
//! Speed: a big archive has ~100 MB of turn text, and most of it is already plain,
//! normalised prose. Such text is copied as it is ([`clean`] checks it, with
//! vectorised scans); the rest goes through pulldown-cmark. A body holding a
//! construct that reaches across blank lines (link reference definitions and
//! footnotes, fenced code, HTML blocks, indented code) is parsed whole; otherwise it is cut at blank
//! lines and only the blocks that need it are parsed ([`needs_whole_parse`]).
//! Property tests check this gives exactly what parsing the whole body would.

use super::wrap::split_lines;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::clean;

/// Plain text of a Markdown turn body; see the module docs for the rules.
pub(crate) fn plain_text(src: &str) -> String {
    let mut out = Plain::with_capacity(src.len());
    if clean::push_clean(&mut out, src) {
        return out.finish();
    }
    if needs_whole_parse(src) {
        push_markdown(&mut out, src);
    } else {
        for block in blocks(src) {
            out.block();
            if !clean::push_clean(&mut out, block) {
                push_markdown(&mut out, block);
            }
        }
    }
    out.finish()
}

/// The runs of non-blank lines of `src`.
fn blocks(src: &str) -> impl Iterator<Item = &str> {
    let mut lines = src.split_inclusive('\n');
    let mut offset = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        let mut end = offset;
        for line in lines.by_ref() {
            let at = offset;
            offset += line.len();
            if is_blank(line) {
                if start.is_some() {
                    break;
                }
            } else {
                start.get_or_insert(at);
                end = offset;
            }
        }
        start.and_then(|s| src.get(s..end))
    })
}

/// CommonMark's blank line: only spaces and tabs (and its `\n` or `\r\n` ending).
fn is_blank(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// True when `src` holds a construct whose meaning reaches across a blank line, so
/// its blocks cannot be converted one by one: a line starting (after up to 3
/// spaces) with `[` (link reference and footnote definitions, which links and
/// references anywhere else resolve against), a code fence character or `<` (HTML
/// blocks, some of which run past blank lines), or an indented line after a blank
/// one (a list item's continuation, or indented code). A lone `\r` (a line ending
/// to CommonMark, not to the block splitter) also sends the body to the parser.
pub(crate) fn needs_whole_parse(src: &str) -> bool {
    if src.contains('\r') {
        let b = src.as_bytes();
        let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
        if (0..b.len()).any(lone) {
            return true;
        }
    }
    let mut after_blank = false;
    split_lines(src).any(|line| {
        if is_blank(line) {
            after_blank = true;
            return false;
        }
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim_start_matches(' ');
        let whole = (indented && after_blank)
            || line.len() - trimmed.len() >= 4
            || trimmed.starts_with(['\t', '`', '~', '<', '[']);
        after_blank = false;
        whole
    })
}

/// The parser path: pulldown-cmark events, markup dropped.
fn push_markdown(out: &mut Plain, src: &str) {
    let mut opts: Options = crate::markdown::options();
    opts.remove(Options::ENABLE_SMART_PUNCTUATION);
    // One entry per open list: true when ordered.
    let mut lists: Vec<bool> = Vec::new();
    // A list number was just written: the item's text follows on the same line,
    // even when a loose list wraps it in a paragraph.
    let mut number_written = false;
    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        let after_number = std::mem::take(&mut number_written);
        match event {
            Event::Start(Tag::Paragraph) if after_number => {}
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
                lists.push(first.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                out.block();
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                out.block();
                if lists.last() == Some(&true) {
                    // The number as written (the item's source starts at its marker),
                    // not CommonMark's renumbering from the first item: it is what was
                    // said, and it keeps each item independent of the ones before it.
                    let marker = src.get(range.start..).unwrap_or("").trim_start();
                    let digits = marker.len()
                        - marker
                            .trim_start_matches(|c: char| c.is_ascii_digit())
                            .len();
                    if let Some(number) = marker.get(..digits + 1).filter(|_| digits > 0) {
                        // Digits and their delimiter, `.` or `)`.
                        out.word(number);
                        out.space();
                        number_written = true;
                    }
                }
            }
            Event::End(TagEnd::TableCell) => out.space(),
            Event::Start(tag) if !is_inline(&tag) => out.block(),
            Event::End(end) if !is_inline_end(end) => out.block(),
            // Inline tags, footnote references, task markers: no text of their own.
            _ => {}
        }
    }
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
pub(super) enum Gap {
    /// Nothing: the word continues the previous one (`**bold**ness`).
    None,
    Space,
    Block,
}

/// Plain-text builder: collapses whitespace, never emits it at either end.
pub(crate) struct Plain {
    pub(super) out: String,
    pub(super) gap: Gap,
}

impl Plain {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Plain {
            out: String::with_capacity(n),
            gap: Gap::None,
        }
    }

    pub(super) fn space(&mut self) {
        self.gap = self.gap.max(Gap::Space);
    }

    pub(super) fn block(&mut self) {
        self.gap = Gap::Block;
    }

    /// Appends `t`, whose whitespace (any Unicode whitespace) becomes one space.
    fn text(&mut self, t: &str) {
        // The common case: at most one space at either end, normalised in between.
        let inner = t.strip_prefix(' ').unwrap_or(t);
        let inner = inner.strip_suffix(' ').unwrap_or(inner);
        if clean::is_normalised(inner) {
            if t.starts_with(' ') {
                self.space();
            }
            if !inner.is_empty() {
                self.word(inner);
            }
            if t.ends_with(' ') && t.len() > 1 {
                self.space();
            }
            return;
        }
        for (i, piece) in t.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space();
            }
            if !piece.is_empty() {
                self.word(piece);
            }
        }
    }

    /// Appends `w`, which holds no whitespace but single spaces between characters,
    /// after the pending gap.
    pub(super) fn word(&mut self, w: &str) {
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

    pub(super) fn finish(self) -> String {
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
            ("1. one\n1. two\n\n7) seven", "1. one\n1. two\n7) seven"),
            ("  3. *three*", "3. three"),
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
            (
                "a\u{a0}b  c\u{3000}d \u{2019}e\u{2019}\u{2003}",
                "a b c d \u{2019}e\u{2019}",
            ),
            ("", ""),
            ("   \n\n  ", ""),
        ];
        for (src, want) in cases {
            assert_eq!(plain_text(src), want, "{src:?}");
        }
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

        /// Converting block by block, with the plain path where it applies, gives
        /// exactly what parsing the whole body gives.
        #[test]
        fn blockwise_equals_whole(
            parts in proptest::collection::vec(
                prop_oneof![
                    "[a-zA-Z ,.'\"?!:;()é👍]{1,10}",
                    Just("\n".to_owned()), Just("\n\n".to_owned()), Just("\n   ".to_owned()),
                    Just("\n    ".to_owned()), Just("\t".to_owned()), Just("\u{a0}".to_owned()),
                    Just("\u{2003}".to_owned()), Just("\r\n".to_owned()), Just("\r".to_owned()),
                    Just("\n- ".to_owned()), Just("\n1. ".to_owned()), Just("\n2) ".to_owned()),
                    Just("\n> ".to_owned()), Just("\n# ".to_owned()), Just("\n---".to_owned()),
                    Just("\n===".to_owned()), Just("```".to_owned()), Just("\n~~~".to_owned()),
                    Just("*".to_owned()), Just("_".to_owned()), Just("`".to_owned()),
                    Just("[x](y)".to_owned()), Just("\n[x]: /u".to_owned()), Just("[^1]".to_owned()),
                    Just("<b>".to_owned()), Just("\n<div>".to_owned()), Just("&amp;".to_owned()),
                    Just("\\".to_owned()), Just("|".to_owned()), Just("\n|-|".to_owned()),
                    Just("2012".to_owned()),
                    Just("\n  ".to_owned()),
                    Just("\n* ".to_owned()),
                    Just("\n+ ".to_owned()),
                    Just("\n10. ".to_owned()),
                    Just("\n\t".to_owned()),
                    Just(" 3. ".to_owned()),
                ],
                0..16,
            )
        ) {
            let src = parts.concat();
            let mut whole = Plain::with_capacity(0);
            push_markdown(&mut whole, &src);
            prop_assert_eq!(plain_text(&src), whole.finish(), "{:?}", src);
        }
    }
}
