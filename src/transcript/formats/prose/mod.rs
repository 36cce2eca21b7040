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
//! [`MAX_BYTES`] of text without sentence ends).

/// Sentences per paragraph when the source gives no paragraphs of its own.
pub(super) const SENTENCES: u32 = 5;
/// Paragraph length (in bytes, about 200 words) after which a paragraph ends anyway,
/// for text without punctuation (automatic captions).
pub(super) const MAX_BYTES: usize = 1200;

mod masks;

pub(super) use masks::Masks;

/// Bytes looked at together when a whole text is not plain ([`pieces`]).
const PIECE: usize = 128;

/// `text` cut at the first `sep` byte after every [`PIECE`] bytes or more, the
/// separators left out.
fn pieces(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let cut = t
            .as_bytes()
            .get(PIECE..)
            .and_then(|b| memchr::memchr(sep, b))
            .map(|i| PIECE + i);
        match cut.and_then(|i| Some((t.get(..i)?, t.get(i + 1..)?))) {
            Some((piece, after)) => {
                rest = Some(after);
                Some(piece)
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// Words for which a trailing `.` does not end a sentence (looked up as
/// [`ABBREVIATION_KEYS`]).
const ABBREVIATIONS: [&str; 16] = [
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "etc.", "e.g.", "i.e.",
    "Inc.", "Ltd.", "Co.", "approx.",
];

/// A turn body being built.
#[derive(Debug, Default)]
pub(super) struct Prose {
    out: String,
    /// The classes of the bytes of the text being pushed, kept from text to text.
    masks: Masks,
    /// Byte offset where the current paragraph starts.
    para_start: usize,
    /// Sentences ended in the current paragraph.
    sentences: u32,
    /// A paragraph break is due before the next word.
    pending: bool,
    /// A break is due at the next word if it does not start in lower case.
    soft: bool,
    /// Count sentences into paragraphs.
    auto: bool,
}

impl Prose {
    /// Starts a new paragraph before the next word (no effect at the start).
    pub(super) fn paragraph(&mut self) {
        if !self.out.is_empty() {
            self.pending = true;
        }
    }

    /// Appends plain text: whitespace separates words, `\n` starts a paragraph.
    pub(super) fn push(&mut self, text: &str) {
        let mut m = std::mem::take(&mut self.masks);
        let mut from = 0;
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            self.push_line(&text[from..nl], &mut m);
            self.paragraph();
            from = nl + 1;
        }
        self.push_line(&text[from..], &mut m);
        self.masks = m;
    }

    /// Appends the lines of `lines`, trimmed, as if joined by a space (empty ones
    /// skipped): a caption's wrapped lines, read where they are in the source. Words
    /// never span a line, so each line goes through [`Prose::push_line`] on its own
    /// with the result of pushing them joined.
    pub(super) fn push_lines(&mut self, lines: &str) {
        let mut m = std::mem::take(&mut self.masks);
        // The usual caption: lines of plain words, no blank at either end of a line, no
        // empty line, no `\r`. Read in one go, a line end standing for a space.
        if plain_masked::<true>(lines.as_bytes(), &mut m, self.auto) {
            self.push_plain::<true>(lines, &m);
            self.masks = m;
            return;
        }
        // Else a few lines at a time, so that one odd word (`*`, `[`, `_x`) sends only
        // its own lines one by one.
        for piece in pieces(lines, b'\n') {
            if plain_masked::<true>(piece.as_bytes(), &mut m, self.auto) {
                self.push_plain::<true>(piece, &m);
                continue;
            }
            for line in piece.split('\n') {
                let line = line.trim();
                if !line.is_empty() {
                    self.push_line(line, &mut m);
                }
            }
        }
        self.masks = m;
    }

    /// One line of [`Prose::push`]; `m` is scratch space for its masks.
    fn push_line(&mut self, line: &str, m: &mut Masks) {
        if plain_masked::<false>(line.as_bytes(), m, self.auto) {
            self.push_plain::<false>(line, m);
            return;
        }
        // A long line (a cue's words copied out of its markup) is looked at a piece at
        // a time, so that one odd word sends only its piece word by word. The pieces
        // are cut at spaces, so their words are the line's.
        for piece in pieces(line, b' ') {
            if piece.len() < line.len() && plain_masked::<false>(piece.as_bytes(), m, self.auto) {
                self.push_plain::<false>(piece, m);
            } else {
                for word in piece.split_whitespace() {
                    self.word(word);
                }
            }
        }
    }

    /// [`Prose::push`] for a line [`is_plain`] accepts, with the same result: a run of
    /// words up to the next one that may end a sentence is copied whole (none of its
    /// words needs escaping, ends a sentence or is due a paragraph break), then that
    /// word is looked at. Only a paragraph's first word goes through [`Prose::word`].
    /// With `NL`, a `\n` separates words as a space does (and is written as one).
    /// `m` holds the masks of `line` ([`plain_masked`]).
    fn push_plain<const NL: bool>(&mut self, line: &str, m: &Masks) {
        let b = line.as_bytes();
        let word_end = |from: usize| m.sep_from(from).unwrap_or(b.len());
        // The start of the word ending at `end`, no earlier than `from`.
        let word_start =
            |from: usize, end: usize| m.sep_before(end).map_or(from, |s| (s + 1).max(from));
        let mut pos = 0;
        // Runs are owed, not copied one by one: `line[owed..pos - 1]` (after a space)
        // is the output not yet written, copied in one go before anything else is.
        let mut owed: Option<usize> = None;
        // `pos` is where text not yet looked at starts.
        while pos < b.len() {
            let owed_len = owed.map_or(0, |from| pos - from);
            if self.soft || self.pending || (owed.is_none() && self.out.len() == self.para_start) {
                self.pay::<NL>(line, m, &mut owed, pos);
                let end = word_end(pos);
                self.word(&line[pos..end]);
                pos = end + 1;
                continue;
            }
            if !self.auto {
                // No sentences to count: the rest of the line is one run.
                owed.get_or_insert(pos);
                pos = b.len() + 1;
                break;
            }
            let candidate = m.end_from(pos);
            let end = candidate.map_or(b.len(), word_end);
            let run = &line[pos..end];
            let para_len = self.out.len() + owed_len - self.para_start;
            if self.auto && para_len + run.len() + 1 >= MAX_BYTES {
                self.pay::<NL>(line, m, &mut owed, pos);
                for w in run.split(|c: char| c == ' ' || (NL && c == '\n')) {
                    self.word(w);
                }
            } else {
                owed.get_or_insert(pos);
                if self.auto && candidate.is_some() {
                    let rb = run.as_bytes();
                    let para_len = para_len + run.len() + 1;
                    // The last byte decides most words (as in `ends_sentence`): the
                    // word's start is only looked for when it does not.
                    match rb.last() {
                        Some(c) if c.is_ascii_alphanumeric() => self.count(false, para_len),
                        Some(b'!' | b'?') => self.count(true, para_len),
                        Some(b'.') => {
                            // `ends_sentence` for a final `.`, the word's start and a `.`
                            // before its end (`U.S.`) found in the masks.
                            let dot = end - 1;
                            let start = word_start(pos, dot);
                            let ends =
                                !(m.dot_within(start, dot) || is_abbreviation(&b[start..end]));
                            self.count(ends, para_len);
                        }
                        _ => self.after_word(&line[word_start(pos, end)..end], para_len),
                    }
                }
            }
            pos = end + 1;
        }
        self.pay::<NL>(line, m, &mut owed, pos);
    }

    /// Writes the run [`Prose::push_plain`] owes, up to the word ending before `pos`;
    /// with `NL`, its line ends as spaces (found in `m`, the masks of `line`).
    fn pay<const NL: bool>(&mut self, line: &str, m: &Masks, owed: &mut Option<usize>, pos: usize) {
        let Some(from) = owed.take() else {
            return;
        };
        self.out.push(' ');
        let to = pos.min(line.len() + 1) - 1;
        let mut at = from;
        if NL {
            while let Some(nl) = m.nl_within(at, to) {
                self.out.push_str(&line[at..nl]);
                self.out.push(' ');
                at = nl + 1;
            }
        }
        self.out.push_str(&line[at..to]);
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
        } else if !self.out.is_empty() {
            self.out.push(' ');
        }
        let at_start = self.out.len() == self.para_start;
        push_escaped(&mut self.out, word, at_start);
        if self.auto {
            self.after_word(word, self.out.len() - self.para_start);
        }
    }

    /// Counts a sentence `word` ends, or ends an overlong paragraph; `para_len` is the
    /// paragraph's length up to and with `word`.
    fn after_word(&mut self, word: &str, para_len: usize) {
        self.count(ends_sentence(word), para_len);
    }

    /// [`Prose::after_word`] once it is known whether the word ends a sentence.
    fn count(&mut self, sentence_end: bool, para_len: usize) {
        if sentence_end {
            self.sentences += 1;
            if self.sentences >= SENTENCES {
                self.soft = true;
            }
        } else if para_len >= MAX_BYTES {
            self.pending = true;
        }
    }

    /// An empty body with room for `bytes` of text, written into `buf` (cleared: a
    /// buffer kept from turn to turn saves an allocation per turn); `auto` starts a
    /// paragraph every few sentences.
    pub(super) fn with_buffer(auto: bool, mut buf: String, bytes: usize) -> Prose {
        buf.clear();
        buf.reserve(bytes + bytes / 32 + 8);
        Prose {
            out: buf,
            auto,
            ..Prose::default()
        }
    }

    /// The Markdown body.
    #[cfg(test)]
    pub(super) fn finish(self) -> String {
        self.finish_parts().0
    }

    /// Gives the masks' buffers kept from an earlier turn.
    pub(super) fn reuse_masks(&mut self, masks: Masks) {
        self.masks = masks;
    }

    /// The Markdown body, and the masks' buffers for the next turn.
    pub(super) fn finish_parts(mut self) -> (String, Masks) {
        self.end_paragraph();
        (self.out, self.masks)
    }

    /// A paragraph that would read as a turn line, or as one with a malformed time
    /// (which would be warned about), gets its timestamp's colon escaped.
    fn end_paragraph(&mut self) {
        let para = self.out.get(self.para_start..).unwrap_or("");
        // No colon where a turn line's timestamp would have one: most paragraphs.
        let reach = para.len().min(super::super::body::TURN_HEAD_REACH);
        if memchr::memchr(b':', &para.as_bytes()[..reach]).is_none() {
            return;
        }
        if let Some(at) = super::super::body::stamp_colon(para) {
            let colon = self.para_start + at;
            if self.out.is_char_boundary(colon) {
                self.out.insert(colon, '\\');
            }
        }
    }
}

/// True when `word` ends a sentence: `.`, `!`, `?` or `…`, maybe before closing
/// quotes or brackets, and not a known abbreviation or initialism (`U.S.`).
fn ends_sentence(word: &str) -> bool {
    // Decided by the last byte for most words: a letter (no sentence end), `!` or
    // `?`, or a `.` with no closer after it.
    let b = word.as_bytes();
    match b.last() {
        Some(c) if c.is_ascii_alphanumeric() => return false,
        Some(b'!' | b'?') => return true,
        Some(b'.') => {
            let inner_dot = b[..b.len() - 1].contains(&b'.');
            return !(inner_dot || is_abbreviation(b));
        }
        _ => {}
    }
    let core = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    match core.chars().last() {
        Some('!' | '?' | '…') => true,
        Some('.') => {
            let inner_dot = core[..core.len() - 1].contains('.');
            !(inner_dot || is_abbreviation(core.as_bytes()))
        }
        _ => false,
    }
}

/// True for a word after which a `.` does not end a sentence: one of [`ABBREVIATION_KEYS`]
/// (compared as numbers: most words checked end a sentence, and a string compare per
/// abbreviation cost more than the rest of counting them).
fn is_abbreviation(word: &[u8]) -> bool {
    word.len() <= 7 && ABBREVIATION_KEYS.contains(&key(word))
}

/// A word of up to 7 bytes as a number, its length in the top byte: equal numbers are
/// equal words.
const fn key(word: &[u8]) -> u64 {
    let mut k = (word.len() as u64) << 56;
    let mut i = 0;
    while i < word.len() && i < 7 {
        k |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// [`ABBREVIATIONS`] as [`key`]s.
const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        keys[i] = key(ABBREVIATIONS[i].as_bytes());
        i += 1;
    }
    keys
};

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
    // Copied in runs between the escapes, each `\` written before its character.
    let mut copied = 0;
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
            out.push_str(&word[copied..i]);
            out.push('\\');
            copied = i;
        }
    }
    out.push_str(&word[copied..]);
}

/// True when `b` is words separated by single spaces with nothing [`Prose::word`]
/// would treat specially inside a word: nothing to escape, no control character, no
/// space at either end, no whitespace but single ASCII spaces, no `…`.
#[cfg(test)]
fn is_plain(b: &[u8]) -> bool {
    is_plain_in::<false>(b)
}

/// [`is_plain_in`], with its masks made in `m` for [`Prose::push_plain`].
/// `ends` marks sentence ends too, for text whose sentences are counted.
fn plain_masked<const NL: bool>(b: &[u8], m: &mut Masks, ends: bool) -> bool {
    let end = |c: Option<&u8>| matches!(c, Some(&b' ')) || (NL && matches!(c, Some(&b'\n')));
    if end(b.first()) || end(b.last()) {
        return false;
    }
    // The vector pass finds control characters, two blanks in a row and whether all
    // is ASCII (which needs no look for wide spaces); SIMD searches find the bytes
    // never plain; the bytes to look at closely are found and looked at.
    m.scan::<NL>(b, ends);
    !m.control
        && !m.double_sep
        && memchr::memchr3(b'\\', b'`', b'*', b).is_none()
        && memchr::memchr3(b'~', b'[', 0x7f, b).is_none()
        && !syntax_to_escape(b)
        && (!m.wide || !wide_space(b))
}

/// [`is_plain`], or with `NL` the same for lines of words: `\n` is accepted where a
/// single space is (between two words), so a text it accepts is plain lines with no
/// blank at either end and no empty line among them.
#[cfg(test)]
fn is_plain_in<const NL: bool>(b: &[u8]) -> bool {
    plain_masked::<NL>(b, &mut Masks::default(), true)
}

/// `_` at a word's edge, `&` before a reference, `<` before what could open a tag (as
/// in `push_escaped`): bytes [`is_plain`] finds and then looks at closely.
fn syntax_to_escape(b: &[u8]) -> bool {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let prev = |i: usize| i.checked_sub(1).map_or(0, at);
    memchr::memchr3_iter(b'_', b'&', b'<', b).any(|i| match b[i] {
        b'_' => !(prev(i).is_ascii_alphanumeric() && at(i + 1).is_ascii_alphanumeric()),
        b'&' => reference_bytes(&b[i + 1..]),
        _ => at(i + 1).is_ascii_alphabetic() || matches!(at(i + 1), b'/' | b'!' | b'?'),
    })
}

/// Non-ASCII whitespace (NBSP, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000,
/// U+1680, U+0085) or `…` (U+2026), by their UTF-8 bytes.
fn wide_space(b: &[u8]) -> bool {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b).any(|i| match b[i] {
        0xC2 => matches!(at(i + 1), 0x85 | 0xA0),
        0xE2 => {
            (at(i + 1) == 0x80 && matches!(at(i + 2), 0x80..=0x8A | 0xA6 | 0xA8 | 0xA9 | 0xAF))
                || (at(i + 1) == 0x81 && at(i + 2) == 0x9F)
        }
        _ => at(i + 1) == 0x80 && at(i + 2) == 0x80,
    }) || memchr::memchr_iter(0xE1, b).any(|i| at(i + 1) == 0x9A && at(i + 2) == 0x80)
}

fn is_special(c: u8) -> bool {
    matches!(c, b'\\' | b'`' | b'*' | b'~' | b'[' | b'_' | b'&' | b'<')
}

/// [`looks_like_reference`] on bytes, looking no further than a name can be long.
fn reference_bytes(rest: &[u8]) -> bool {
    let head = &rest[..rest.len().min(33)];
    match memchr::memchr(b';', head) {
        Some(j) => {
            j > 0
                && head[..j]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || c == b'#')
        }
        None => false,
    }
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
mod tests;
