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

/// Words for which a trailing `.` does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "etc.", "e.g.", "i.e.",
    "Inc.", "Ltd.", "Co.", "approx.",
];

/// A turn body being built.
#[derive(Debug, Default)]
pub(super) struct Prose {
    out: String,
    /// Where [`Prose::pay`] turns a run's line ends into spaces.
    scratch: Vec<u8>,
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
        let mut from = 0;
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            self.push_line(&text[from..nl]);
            self.paragraph();
            from = nl + 1;
        }
        self.push_line(&text[from..]);
    }

    /// Appends the lines of `lines`, trimmed, as if joined by a space (empty ones
    /// skipped): a caption's wrapped lines, read where they are in the source. Words
    /// never span a line, so each line goes through [`Prose::push_line`] on its own
    /// with the result of pushing them joined.
    pub(super) fn push_lines(&mut self, lines: &str) {
        // The usual caption: lines of plain words, no blank at either end of a line, no
        // empty line, no `\r`. Read in one go, a line end standing for a space.
        if is_plain_in::<true>(lines.as_bytes()) {
            self.push_plain::<true>(lines);
            return;
        }
        // Else a few lines at a time, so that one odd word (`*`, `[`, `_x`) sends only
        // its own lines one by one.
        for piece in pieces(lines, b'\n') {
            if is_plain_in::<true>(piece.as_bytes()) {
                self.push_plain::<true>(piece);
                continue;
            }
            for line in piece.split('\n') {
                let line = line.trim();
                if !line.is_empty() {
                    self.push_line(line);
                }
            }
        }
    }

    /// One line of [`Prose::push`].
    fn push_line(&mut self, line: &str) {
        if is_plain(line.as_bytes()) {
            self.push_plain::<false>(line);
            return;
        }
        // A long line (a cue's words copied out of its markup) is looked at a piece at
        // a time, so that one odd word sends only its piece word by word. The pieces
        // are cut at spaces, so their words are the line's.
        for piece in pieces(line, b' ') {
            if piece.len() < line.len() && is_plain(piece.as_bytes()) {
                self.push_plain::<false>(piece);
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
    fn push_plain<const NL: bool>(&mut self, line: &str) {
        let b = line.as_bytes();
        let sep = |c: u8| c == b' ' || (NL && c == b'\n');
        // Words are short: their ends are found by a plain loop, not a search call.
        let word_end = |from: usize| {
            let mut i = from;
            while i < b.len() && !sep(b[i]) {
                i += 1;
            }
            i
        };
        let mut pos = 0;
        // Runs are owed, not copied one by one: `line[owed..pos - 1]` (after a space)
        // is the output not yet written, copied in one go before anything else is.
        let mut owed: Option<usize> = None;
        // One pass over the sentence-end candidates; `pos` is where text not yet
        // looked at starts.
        let mut candidates = memchr::memchr3_iter(b'.', b'!', b'?', b);
        while pos < b.len() {
            let owed_len = owed.map_or(0, |from| pos - from);
            if self.soft || self.pending || (owed.is_none() && self.out.len() == self.para_start) {
                self.pay::<NL>(line, &mut owed, pos);
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
            let candidate = loop {
                match candidates.next() {
                    Some(c) if c < pos => {}
                    other => break other,
                }
            };
            let end = candidate.map_or(b.len(), word_end);
            let run = &line[pos..end];
            let para_len = self.out.len() + owed_len - self.para_start;
            if self.auto && para_len + run.len() + 1 >= MAX_BYTES {
                self.pay::<NL>(line, &mut owed, pos);
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
                            // `ends_sentence` for a final `.`, with the word's start
                            // and a `.` before its end (`U.S.`) found in one look back.
                            let mut start = rb.len() - 1;
                            let mut inner_dot = false;
                            while start > 0 && !sep(rb[start - 1]) {
                                start -= 1;
                                inner_dot |= rb[start] == b'.';
                            }
                            let word = &rb[start..];
                            let abbreviation = word.len() <= 7
                                && ABBREVIATIONS.iter().any(|a| a.as_bytes() == word);
                            self.count(!(inner_dot || abbreviation), para_len);
                        }
                        _ => {
                            let mut start = rb.len();
                            while start > 0 && !sep(rb[start - 1]) {
                                start -= 1;
                            }
                            self.after_word(&run[start..], para_len);
                        }
                    }
                }
            }
            pos = end + 1;
        }
        self.pay::<NL>(line, &mut owed, pos);
    }

    /// Writes the run [`Prose::push_plain`] owes, up to the word ending before `pos`;
    /// with `NL`, its line ends as spaces.
    fn pay<const NL: bool>(&mut self, line: &str, owed: &mut Option<usize>, pos: usize) {
        let Some(from) = owed.take() else {
            return;
        };
        self.out.push(' ');
        let run = &line[from..pos.min(line.len() + 1) - 1];
        if !NL {
            self.out.push_str(run);
            return;
        }
        // The run copied whole with its line ends made spaces, in one pass the compiler
        // vectorises, then checked as UTF-8 (a byte `\n` is never part of a wider
        // character: it is) to be appended: cheaper than a search and a copy for each
        // caption line.
        self.scratch.clear();
        self.scratch.extend_from_slice(run.as_bytes());
        for b in &mut self.scratch {
            *b = if *b == b'\n' { b' ' } else { *b };
        }
        if let Ok(spaced) = std::str::from_utf8(&self.scratch) {
            self.out.push_str(spaced);
            return;
        }
        let mut at = 0;
        for nl in memchr::memchr_iter(b'\n', run.as_bytes()) {
            self.out.push_str(&run[at..nl]);
            self.out.push(' ');
            at = nl + 1;
        }
        self.out.push_str(&run[at..]);
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

    /// Gives [`Prose::pay`] a buffer kept from an earlier turn.
    pub(super) fn reuse_scratch(&mut self, scratch: Vec<u8>) {
        self.scratch = scratch;
    }

    /// The Markdown body, and the scratch buffer for the next turn.
    pub(super) fn finish_parts(mut self) -> (String, Vec<u8>) {
        self.end_paragraph();
        (self.out, self.scratch)
    }

    /// A paragraph that would read as a turn line gets its timestamp's colon escaped.
    fn end_paragraph(&mut self) {
        let para = self.out.get(self.para_start..).unwrap_or("");
        // No colon where a turn line's timestamp would have one: most paragraphs.
        let reach = para.len().min(super::super::body::TURN_HEAD_REACH);
        if memchr::memchr(b':', &para.as_bytes()[..reach]).is_none() {
            return;
        }
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
    // Decided by the last byte for most words: a letter (no sentence end), `!` or
    // `?`, or a `.` with no closer after it.
    let b = word.as_bytes();
    match b.last() {
        Some(c) if c.is_ascii_alphanumeric() => return false,
        Some(b'!' | b'?') => return true,
        Some(b'.') => {
            let inner_dot = b[..b.len() - 1].contains(&b'.');
            return !(inner_dot || (b.len() <= 7 && ABBREVIATIONS.contains(&word)));
        }
        _ => {}
    }
    let core = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    match core.chars().last() {
        Some('!' | '?' | '…') => true,
        Some('.') => {
            let inner_dot = core[..core.len() - 1].contains('.');
            // The longest abbreviation has 7 bytes: most words are not looked up.
            !(inner_dot || (core.len() <= 7 && ABBREVIATIONS.contains(&core)))
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
fn is_plain(b: &[u8]) -> bool {
    is_plain_in::<false>(b)
}

/// [`is_plain`], or with `NL` the same for lines of words: `\n` is accepted where a
/// single space is (between two words), so a text it accepts is plain lines with no
/// blank at either end and no empty line among them.
fn is_plain_in<const NL: bool>(b: &[u8]) -> bool {
    let end = |c: Option<&u8>| matches!(c, Some(&b' ')) || (NL && matches!(c, Some(&b'\n')));
    if end(b.first()) || end(b.last()) {
        return false;
    }
    // Short passes, each one the compiler vectorises well or a SIMD search (one pass
    // testing every class at once ran out of registers): control characters (but
    // line ends with `NL`) and two blanks in a row (each byte against the next, as
    // two views), with the OR of all bytes (ASCII needs no look for wide spaces);
    // then the bytes never plain; then the bytes to look at closely.
    let control = |x: u8| u8::from(x < 0x20) & u8::from(!NL || x != b'\n');
    let blank = |c: u8| u8::from(c == b' ') | u8::from(NL && c == b'\n');
    let (mut bad, mut all) = b.last().map_or((0, 0), |&x| (control(x), x));
    let next = b.get(1..).unwrap_or_default();
    for (&x, &y) in b.iter().zip(next) {
        bad |= control(x) | (blank(x) & blank(y));
        all |= x;
    }
    bad == 0
        && memchr::memchr3(b'\\', b'`', b'*', b).is_none()
        && memchr::memchr3(b'~', b'[', 0x7f, b).is_none()
        && !syntax_to_escape(b)
        && (all < 0x80 || !wide_space(b))
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
