//! Plain text from a caption or transcription file → a turn's Markdown body.
//!
//! Turn bodies are Markdown, but these files hold plain text: `*laughs*` is what
//! was written, not emphasis, and a line `1. Yes` is not a list. So text is escaped
//! where Markdown would read it otherwise, and only there (most text is copied as
//! it is): `\`, `` ` ``, `*`, `~` and `[` anywhere; `_` at a word's edge (inside a
//! word it is literal anyway); `&` only before what looks like a character reference;
//! `<` only before what could open a tag or an autolink; at a paragraph's start a
//! block marker (`#`, `-`, `+`, `>`, `=`, `12.`, `3)`); and the colon after a
//! timestamp when a paragraph would read as a castbook turn line (`Sure 10:30: ok`),
//! so `castbook import` output reads back the same.
//!
//! Paragraphs: words are joined by one space; a new paragraph starts where
//! [`Prose::paragraph`] is called (a pause, an explicit line break) and, unless the
//! source sets its own paragraphs, after every [`SENTENCES`] sentences, at a sentence
//! end followed by a word that does not start in lower case (and after
//! [`MAX_WORDS`] words of text without sentence ends).

use crate::diag::to_u32;

/// Sentences per paragraph when the source gives no paragraphs of its own.
pub(super) const SENTENCES: u32 = 5;
/// Words after which a paragraph ends anyway, for text without punctuation
/// (automatic captions).
pub(super) const MAX_WORDS: u32 = 200;

/// Words for which a trailing `.` does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "etc.", "e.g.", "i.e.",
    "Inc.", "Ltd.", "Co.", "approx.",
];

/// A turn body being built.
#[derive(Debug, Default)]
pub(super) struct Prose {
    out: String,
    /// Byte offset where the current paragraph starts.
    para_start: usize,
    /// Sentences ended in the current paragraph.
    sentences: u32,
    /// Words in the current paragraph.
    words: u32,
    /// A paragraph break is due before the next word.
    pending: bool,
    /// A break is due at the next word if it does not start in lower case.
    soft: bool,
    /// Count sentences into paragraphs.
    auto: bool,
}

impl Prose {
    /// An empty body; `auto` starts a paragraph every few sentences.
    pub(super) fn new(auto: bool) -> Prose {
        Prose {
            auto,
            ..Prose::default()
        }
    }

    /// Starts a new paragraph before the next word (no effect at the start).
    pub(super) fn paragraph(&mut self) {
        if !self.out.is_empty() {
            self.pending = true;
        }
    }

    /// Appends plain text: whitespace separates words, `\n` starts a paragraph.
    pub(super) fn push(&mut self, text: &str) {
        if memchr::memchr(b'\n', text.as_bytes()).is_none() {
            self.push_line(text);
            return;
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.paragraph();
            }
            self.push_line(line);
        }
    }

    /// One line of [`Prose::push`].
    fn push_line(&mut self, line: &str) {
        if is_plain(line.as_bytes()) {
            self.push_plain(line);
        } else {
            for word in line.split_whitespace() {
                self.word(word);
            }
        }
    }

    /// [`Prose::push`] for a line [`is_plain`] accepts, with the same result: runs of
    /// words that need no decision (nothing to escape, no sentence end, no paragraph
    /// break due) are copied whole; only the words around them go through
    /// [`Prose::word`]. Most text is such runs.
    fn push_plain(&mut self, line: &str) {
        let b = line.as_bytes();
        let word_end = |from: usize| memchr::memchr(b' ', &b[from..]).map_or(b.len(), |i| from + i);
        let mut pos = 0;
        while pos < b.len() {
            let at_start = self.out.len() == self.para_start;
            if !(self.soft || self.pending || at_start) {
                // Words up to the next one that may end a sentence.
                let candidate =
                    memchr::memchr3(b'.', b'!', b'?', &b[pos..]).map_or(b.len(), |i| pos + i);
                let word_start =
                    memchr::memrchr(b' ', &b[pos..candidate]).map_or(pos, |i| pos + i + 1);
                if word_start > pos {
                    let run = &line[pos..word_start - 1];
                    let words = to_u32(memchr::memchr_iter(b' ', run.as_bytes()).count() + 1);
                    if self.auto && self.words + words >= MAX_WORDS {
                        for w in run.split(' ') {
                            self.word(w);
                        }
                    } else {
                        self.out.push(' ');
                        self.out.push_str(run);
                        self.words += words;
                    }
                    pos = word_start;
                    continue;
                }
            }
            let end = word_end(pos);
            self.word(&line[pos..end]);
            pos = end + 1;
        }
    }

    /// Appends one word (no whitespace in it).
    pub(super) fn word(&mut self, word: &str) {
        if self.soft {
            self.soft = false;
            if !word.starts_with(char::is_lowercase) {
                self.pending = true;
            }
        }
        if self.pending {
            self.pending = false;
            self.end_paragraph();
            self.out.push_str("\n\n");
            self.para_start = self.out.len();
            self.sentences = 0;
            self.words = 0;
        } else if !self.out.is_empty() {
            self.out.push(' ');
        }
        let at_start = self.out.len() == self.para_start;
        push_escaped(&mut self.out, word, at_start);
        self.words += 1;
        if self.auto && ends_sentence(word) {
            self.sentences += 1;
            if self.sentences >= SENTENCES {
                self.soft = true;
            }
        } else if self.auto && self.words >= MAX_WORDS {
            self.pending = true;
        }
    }

    /// The Markdown body.
    pub(super) fn finish(mut self) -> String {
        self.end_paragraph();
        self.out
    }

    /// A paragraph that would read as a turn line gets its timestamp's colon escaped.
    fn end_paragraph(&mut self) {
        let para = self.out.get(self.para_start..).unwrap_or("");
        if let Some(head) = super::super::body::turn_head(para) {
            let colon = self.para_start + head.stamp_at + head.stamp.len();
            if self.out.is_char_boundary(colon) {
                self.out.insert(colon, '\\');
            }
        }
    }
}

/// True when `word` ends a sentence: `.`, `!`, `?` or `…`, maybe before closing
/// quotes or brackets, and not a known abbreviation or initialism (`U.S.`).
fn ends_sentence(word: &str) -> bool {
    // Most words end in a letter: no sentence end, decided by the last byte.
    if word
        .as_bytes()
        .last()
        .is_some_and(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let core = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    match core.chars().last() {
        Some('!' | '?' | '…') => true,
        Some('.') => {
            let inner_dot = core[..core.len() - 1].contains('.');
            !(inner_dot || ABBREVIATIONS.contains(&core))
        }
        _ => false,
    }
}

/// Appends `word`, escaping Markdown syntax (see the module docs); `at_start` when it
/// opens a paragraph, where block markers count too.
fn push_escaped(out: &mut String, word: &str, at_start: bool) {
    let b = word.as_bytes();
    // `12.` or `3)` opening a paragraph is an ordered list marker: escape the delimiter.
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let list_at =
        (at_start && digits > 0 && matches!(b.get(digits), Some(b'.' | b')'))).then_some(digits);
    if at_start && matches!(b.first(), Some(b'#' | b'-' | b'+' | b'>' | b'=')) {
        out.push('\\');
    }
    if list_at.is_none() && !b.iter().any(|&c| is_special(c)) {
        out.push_str(word);
        return;
    }
    for (i, c) in word.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '~' | '[' => true,
            '_' => {
                let before = word[..i].chars().next_back();
                let after = word[i + 1..].chars().next();
                !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
            }
            '&' => looks_like_reference(&word[i + 1..]),
            '<' => word[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '.' | ')' => list_at == Some(i),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Byte classes for [`is_plain`]: 1 for a byte that is never plain (controls and
/// the bytes [`Prose::word`] may escape), 2 for the first byte of a UTF-8 sequence
/// that may be whitespace or `…` (looked at closely).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[0x7f] = 1;
    let specials = b"\\`*~[_&<";
    let mut k = 0;
    while k < specials.len() {
        t[specials[k] as usize] = 1;
        k += 1;
    }
    t[0xC2] = 2;
    t[0xE1] = 2;
    t[0xE2] = 2;
    t[0xE3] = 2;
    t
};

/// True when `b` is words separated by single spaces with nothing [`Prose::word`]
/// would treat specially inside a word: no byte to escape, no control character, no
/// space at either end, no whitespace but single ASCII spaces, no `…`.
fn is_plain(b: &[u8]) -> bool {
    if b.first() == Some(&b' ')
        || b.last() == Some(&b' ')
        || memchr::memmem::find(b, b"  ").is_some()
    {
        return false;
    }
    // One branch-free pass; the rare bytes that need a closer look are looked at after.
    let mut acc = 0u8;
    for &x in b {
        acc |= CLASS[x as usize];
    }
    if acc & 1 != 0 {
        return false;
    }
    if acc == 0 {
        return true;
    }
    // Non-ASCII whitespace (NBSP, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000,
    // U+1680, U+0085) and `…` (U+2026), by their UTF-8 bytes.
    let next = |i: usize, k: usize| b.get(i + k).copied().unwrap_or(0);
    !b.iter().enumerate().any(|(i, &x)| match x {
        0xC2 => matches!(next(i, 1), 0x85 | 0xA0),
        0xE1 => next(i, 1) == 0x9A && next(i, 2) == 0x80,
        0xE2 => {
            (next(i, 1) == 0x80 && matches!(next(i, 2), 0x80..=0x8A | 0xA6 | 0xA8 | 0xA9 | 0xAF))
                || (next(i, 1) == 0x81 && next(i, 2) == 0x9F)
        }
        0xE3 => next(i, 1) == 0x80 && next(i, 2) == 0x80,
        _ => false,
    })
}

fn is_special(c: u8) -> bool {
    matches!(c, b'\\' | b'`' | b'*' | b'~' | b'[' | b'_' | b'&' | b'<')
}

/// `amp;`, `#38;`, `#x26;`: the rest of a character reference after its `&`.
fn looks_like_reference(rest: &str) -> bool {
    let name = rest.split(';').next().unwrap_or("");
    rest.len() > name.len()
        && !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        let mut p = Prose::new(true);
        p.push(text);
        p.finish()
    }

    /// What the exports make of a body: Markdown → plain text.
    fn plain(body: &str) -> String {
        crate::exports::text::plain_text(body)
    }

    #[test]
    fn plain_text_is_copied() {
        assert_eq!(md("  Hello   there,\tfriend. "), "Hello there, friend.");
        assert_eq!(md("Q&A at AT&T, 5 < 6"), "Q&A at AT&T, 5 < 6");
        assert_eq!(md("snake_case stays"), "snake_case stays");
    }

    #[test]
    fn markdown_syntax_is_escaped_and_reads_back_as_written() {
        for text in [
            "*laughs* and _sighs_ with `code` [link](x) ~strike~ \\back",
            "# not a heading",
            "- not a list",
            "> not a quote",
            "12. not a list either",
            "3) nor this",
            "&amp; stays &amp; and <b>tags</b> and <https://x.y>",
            "Sure 10:30: that works",
            "+ plus",
        ] {
            let body = md(text);
            assert_eq!(plain(&body), text, "{body}");
            let html = crate::markdown::to_html(&body, "t");
            assert!(html.starts_with("<p>"), "{text} → {html}");
        }
        assert_eq!(md("Sure 10:30: that works"), "Sure 10:30\\: that works");
        assert_eq!(md("12. x"), "12\\. x");
    }

    /// The word-by-word path, for comparison with the fast one.
    fn slow(text: &str, auto: bool) -> String {
        let mut p = Prose::new(auto);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                p.paragraph();
            }
            for w in line.split_whitespace() {
                p.word(w);
            }
        }
        p.finish()
    }

    #[test]
    fn the_fast_path_gives_what_word_by_word_does() {
        let long = "word ".repeat(450);
        for text in [
            "One. Two! Three? Four. Five. six goes on. Seven. Eight.",
            "Mr. Smith met Dr. Jones at coinbase.com/jobs. It was 3.5 hours. Yes! Sure? OK. Then. More. x",
            "# heading-like start. 12. item. - dash. Sure 10:30: ok. A. B. C. D. E. F.",
            long.trim(),
            "ends with a dot.",
            ".",
            "a",
            "",
        ] {
            for auto in [true, false] {
                let mut p = Prose::new(auto);
                p.push(text);
                p.push(text);
                let fast = p.finish();
                assert_eq!(
                    fast,
                    slow(&format!("{text} {text}"), auto),
                    "{text:?} {auto}"
                );
            }
        }
        assert!(is_plain(
            b"plain words, curly \xE2\x80\x99quotes\xE2\x80\x99 ok".as_slice()
        ));
        assert!(!is_plain("nbsp\u{a0}here".as_bytes()));
        assert!(!is_plain("ellipsis…".as_bytes()));
        assert!(!is_plain(b"two  spaces"));
        assert!(!is_plain(b"snake_case"));
    }

    #[test]
    fn paragraphs_every_few_sentences_and_on_request() {
        let text = "One. Two! Three? Four. Five. six goes on. Seven. Eight.";
        assert_eq!(
            md(text),
            "One. Two! Three? Four. Five. six goes on.\n\nSeven. Eight."
        );
        // Abbreviations do not count.
        let abbrev = "Mr. Smith met Dr. Jones, e.g. at U.S. events, etc. and more. Yes.";
        assert_eq!(md(abbrev), abbrev);
        let mut p = Prose::new(false);
        p.push("One. Two. Three. Four. Five. Six.");
        p.paragraph();
        p.push("Next\nline");
        assert_eq!(
            p.finish(),
            "One. Two. Three. Four. Five. Six.\n\nNext\n\nline"
        );
    }
}
