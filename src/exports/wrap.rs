//! Greedy line breaking for captions, by characters (Unicode scalar values).
//!
//! Works on slices rather than words: a line is found by jumping `max` characters
//! ahead and looking back for a space, so a transcript of millions of words costs
//! one short scan per caption line.

use std::ops::Range;

/// Lines of at most `max` characters of a one-line `text` (words separated by single
/// spaces, as [`super::text`] makes them), broken at spaces. A word longer than
/// `max` is cut at `max` characters when `hard`, else kept whole on a line of its own.
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    max: usize,
    hard: bool,
    ascii: bool,
}

impl<'a> Lines<'a> {
    /// Lines of `text`, at most `max` (at least 1) characters each.
    pub(crate) fn new(text: &'a str, max: usize, hard: bool) -> Self {
        Lines {
            text,
            pos: 0,
            max: max.max(1),
            hard,
            ascii: text.is_ascii(),
        }
    }
}

impl Iterator for Lines<'_> {
    /// A line's byte range in the text and its length in characters.
    type Item = (Range<usize>, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.text.as_bytes();
        let n = b.len();
        while self.pos < n && b[self.pos] == b' ' {
            self.pos += 1;
        }
        if self.pos >= n {
            return None;
        }
        let start = self.pos;
        // `limit`: where the first character that would not fit starts.
        let window = (start + self.max).min(n);
        // Most windows of a text with some non-ASCII characters hold none of them.
        let (limit, chars) = if self.ascii || b[start..window].is_ascii() {
            (window, window - start)
        } else {
            self.advance(start, self.max)
        };
        let (end, next, chars) = if limit == n {
            (n, n, chars)
        } else if b[limit] == b' ' {
            (limit, limit + 1, chars)
        } else if let Some(sp) = b[start..limit].iter().rposition(|&c| c == b' ') {
            let end = start + sp;
            (end, end + 1, self.chars_in(start, end))
        } else if self.hard {
            (limit, limit, chars)
        } else {
            let end = b[limit..]
                .iter()
                .position(|&c| c == b' ')
                .map_or(n, |p| limit + p);
            (end, end, self.chars_in(start, end))
        };
        self.pos = next;
        // Every index above is a character boundary: ASCII spaces, `n`, or the
        // start of a character found by skipping continuation bytes.
        Some((start..end, chars))
    }
}

impl Lines<'_> {
    /// The byte index `max` characters after `start` (or the end) and the characters
    /// passed. Counts a window of `max` bytes at once (most text is mostly ASCII),
    /// then walks character by character for what multi-byte characters left over.
    fn advance(&self, start: usize, max: usize) -> (usize, usize) {
        let b = self.text.as_bytes();
        let n = b.len();
        let mut i = (start + max).min(n);
        let mut c = self.chars_in(start, i);
        // Finish a character the window cut.
        while i < n && is_continuation(b[i]) {
            i += 1;
        }
        while i < n && c < max {
            i += 1;
            c += 1;
            while i < n && is_continuation(b[i]) {
                i += 1;
            }
        }
        (i, c)
    }

    fn chars_in(&self, start: usize, end: usize) -> usize {
        let b = &self.text.as_bytes()[start..end];
        if self.ascii || b.is_ascii() {
            b.len()
        } else {
            b.iter().filter(|&&b| !is_continuation(b)).count()
        }
    }
}

/// `s.split('\n')`, with a faster search: core's `memchr` works a word at a time,
/// this compares 32 bytes per step in a loop the compiler vectorises. Every export
/// splits every transcript at its line or paragraph breaks, so it adds up.
pub(crate) fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match find_newline(r.as_bytes()) {
            // `\n` is ASCII, so both sides of it are character boundaries.
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The index of the first `\n` in `hay`.
fn find_newline(hay: &[u8]) -> Option<usize> {
    // Fixed-size arrays, so each step is a few vector compares with no bounds checks.
    let (chunks, tail) = hay.as_chunks::<32>();
    for (k, chunk) in chunks.iter().enumerate() {
        let mut hit = 0u8;
        for &x in chunk {
            hit |= u8::from(x == b'\n');
        }
        if hit != 0 {
            return chunk.iter().position(|&x| x == b'\n').map(|p| k * 32 + p);
        }
    }
    let base = chunks.len() * 32;
    tail.iter().position(|&x| x == b'\n').map(|p| base + p)
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lines(text: &str, max: usize, hard: bool) -> Vec<&str> {
        Lines::new(text, max, hard).map(|(r, _)| &text[r]).collect()
    }

    #[test]
    fn breaks_at_spaces() {
        assert_eq!(lines("aa bb cc dd", 5, true), ["aa bb", "cc dd"]);
        assert_eq!(lines("aa bb cc dd", 4, true), ["aa", "bb", "cc", "dd"]);
        assert_eq!(lines("aaaaaaa b", 3, true), ["aaa", "aaa", "a b"]);
        assert_eq!(lines("aaaaaaa b", 3, false), ["aaaaaaa", "b"]);
        assert_eq!(lines("ñé ü 👍👍 x", 5, true), ["ñé ü", "👍👍 x"]);
        assert_eq!(lines("", 5, true), Vec::<&str>::new());
    }

    proptest! {
        #[test]
        fn split_lines_is_split(s in "([a-zé]{0,40}\n{0,2}){0,6}") {
            let got: Vec<&str> = split_lines(&s).collect();
            let want: Vec<&str> = s.split('\n').collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn lines_keep_every_word_and_the_limit(
            words in proptest::collection::vec("[a-zé👍]{1,12}", 0..30),
            max in 1usize..20,
            hard in any::<bool>(),
        ) {
            let text = words.join(" ");
            let got: Vec<(&str, usize)> =
                Lines::new(&text, max, hard).map(|(r, c)| (&text[r], c)).collect();
            for (line, chars) in &got {
                prop_assert_eq!(*chars, line.chars().count());
                prop_assert!(!line.is_empty() && !line.starts_with(' ') && !line.ends_with(' '));
                prop_assert!(*chars <= max || (!hard && !line.contains(' ')), "{:?}", line);
            }
            let joined: String = got.iter().map(|(l, _)| l.replace(' ', "")).collect();
            prop_assert_eq!(joined, text.replace(' ', ""));
            if !hard {
                let rejoined: Vec<&str> = got.iter().flat_map(|(l, _)| l.split(' ')).collect();
                prop_assert_eq!(rejoined, words.iter().map(String::as_str).collect::<Vec<_>>());
            }
        }
    }
}
