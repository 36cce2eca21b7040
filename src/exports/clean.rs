//! The fast path of [`super::text`]: text that is already plain, normalised prose
//! is copied, not parsed.
//!
//! "Clean" means CommonMark would render it as its own words and whitespace
//! normalisation would not change it: no byte that can start inline syntax
//! (`` *_`[<>&\~| ``), no control character but `\n`, no Unicode whitespace but
//! single ASCII spaces, no space at the start or end of a line, and no line starting
//! with a block marker (`#`, `-`, `+`, `=`, an ordered list's `12.` or `3)`). Such
//! text is its lines joined by spaces, with a blank line making a block break.
//!
//! The byte checks are one branch-free loop over the text, which the compiler
//! vectorises; lines are then found with `memchr` (via `split`) and copied whole.

use super::text::Plain;
use super::wrap::split_lines;

/// If `src` is clean, appends its plain text to `out` and returns true; otherwise
/// leaves `out` as it was and returns false.
pub(crate) fn push_clean(out: &mut Plain, src: &str) -> bool {
    if !clean_bytes::<true>(src.as_bytes()) {
        return false;
    }
    let (len, gap) = (out.out.len(), out.gap);
    for line in split_lines(src) {
        if line.is_empty() {
            out.block();
        } else if starts_block(line.as_bytes()) {
            // Undo: the caller parses the whole text instead.
            out.out.truncate(len);
            out.gap = gap;
            return false;
        } else {
            out.space();
            out.word(line);
        }
    }
    if out.out.len() == len {
        // Nothing written: a blank text adds no break, as with the parser.
        out.gap = gap;
    }
    true
}

/// True when a line starting with `line` may be a block marker: an ATX heading,
/// a bullet, a thematic break or setext underline, or an ordered list item.
fn starts_block(line: &[u8]) -> bool {
    matches!(line.first(), Some(b'#' | b'-' | b'+' | b'=')) || ordered_marker(line)
}

/// True when `line` starts with digits followed by `.` or `)`: maybe an ordered
/// list item (CommonMark's limit of 9 digits is not checked; being wrong here
/// only costs a parse).
pub(super) fn ordered_marker(line: &[u8]) -> bool {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && matches!(line.get(digits), Some(b'.' | b')'))
}

/// True when `t` is one line of normalised text: no whitespace but single ASCII
/// spaces between other characters (Markdown syntax is not looked at). For the
/// text pieces pulldown-cmark hands out.
pub(super) fn is_normalised(t: &str) -> bool {
    clean_bytes::<false>(t.as_bytes())
}

/// The byte checks of a clean text (see the module docs), except line starts.
/// `MARKDOWN`: also refuse inline syntax, and allow `\n` (line breaks).
fn clean_bytes<const MARKDOWN: bool>(b: &[u8]) -> bool {
    let n = b.len();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    if n < 3 {
        return !(b.iter().any(|&x| bad_single::<MARKDOWN>(x)) || n == 2 && bad_pair(first, last));
    }
    // Equal-length views of the text shifted by 0, 1 and 2 bytes, so the loop has no
    // bounds checks and no early exit: both would stop vectorisation.
    let m = n - 2;
    let (x, y, z) = (&b[..m], &b[1..m + 1], &b[2..]);
    let mut bad = false;
    for i in 0..m {
        bad |= bad_single::<MARKDOWN>(x[i]) | bad_pair(x[i], y[i]) | bad_triple(x[i], y[i], z[i]);
    }
    bad |=
        bad_single::<MARKDOWN>(b[n - 2]) | bad_single::<MARKDOWN>(last) | bad_pair(b[n - 2], last);
    !bad
}

/// A control character other than `\n` (or any, without `MARKDOWN`), or with
/// `MARKDOWN` a byte that starts inline Markdown syntax.
#[inline(always)]
fn bad_single<const MARKDOWN: bool>(x: u8) -> bool {
    let control = (x < 0x20) & (!MARKDOWN | (x != b'\n')) | (x == 0x7F);
    control | (MARKDOWN & markup(x))
}

/// A byte that can start inline Markdown syntax.
#[inline(always)]
fn markup(x: u8) -> bool {
    (x == b'*')
        | (x == b'_')
        | (x == b'`')
        | (x == b'[')
        | (x == b'<')
        | (x == b'>')
        | (x == b'&')
        | (x == b'\\')
        | (x == b'~')
        | (x == b'|')
}

/// Two spaces, a space at a line's end or start, U+0085 or U+00A0 (`C2 85`, `C2 A0`).
#[inline(always)]
fn bad_pair(x: u8, y: u8) -> bool {
    ((x == b' ') & ((y == b' ') | (y == b'\n')))
        | ((x == b'\n') & (y == b' '))
        | ((x == 0xC2) & ((y == 0x85) | (y == 0xA0)))
}

/// The other Unicode whitespace: U+1680 (`E1 9A 80`), U+2000–U+200A, U+2028,
/// U+2029, U+202F (`E2 80 …`), U+205F (`E2 81 9F`), U+3000 (`E3 80 80`).
#[inline(always)]
fn bad_triple(x: u8, y: u8, z: u8) -> bool {
    let e2_80 = (y == 0x80) & ((z <= 0x8A) | (z == 0xA8) | (z == 0xA9) | (z == 0xAF));
    let e2_81 = (y == 0x81) & (z == 0x9F);
    ((x == 0xE2) & (e2_80 | e2_81))
        | ((x == 0xE1) & (y == 0x9A) & (z == 0x80))
        | ((x == 0xE3) & (y == 0x80) & (z == 0x80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::text::Gap;

    fn clean(s: &str) -> Option<String> {
        let mut out = Plain::with_capacity(0);
        push_clean(&mut out, s).then(|| out.finish())
    }

    #[test]
    fn prose_is_clean() {
        let prose = "Yeah, so for me personally, I was one of those engineers.\nI didn\u{2019}t \
            \u{201c}know\u{201d} \u{2014} piñata 👍 2012 was 3 years…\n\n\nNext paragraph.";
        assert_eq!(
            clean(prose).as_deref(),
            Some(
                "Yeah, so for me personally, I was one of those engineers. I didn\u{2019}t \
                 \u{201c}know\u{201d} \u{2014} piñata 👍 2012 was 3 years…\nNext paragraph."
            )
        );
        assert_eq!(clean("").as_deref(), Some(""));
        assert_eq!(clean("\n\na\n").as_deref(), Some("a"));
    }

    #[test]
    fn anything_else_is_not() {
        for s in [
            " a",
            "a ",
            "a  b",
            "a \nb",
            "a\n b",
            "a\tb",
            "a\rb",
            "a*b",
            "a_b",
            "a`b",
            "a[b",
            "a<b",
            "a>b",
            "a&b",
            "a\\b",
            "a~b",
            "a|b",
            "a\n# b",
            "a\n- b",
            "+ b",
            "a\n===",
            "1. a",
            "a\n12) b",
            "a\u{a0}b",
            "a\u{85}b",
            "a\u{1680}b",
            "a\u{2000}b",
            "a\u{200a}b",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{202f}b",
            "a\u{205f}b",
            "a\u{3000}b",
            "a\u{7f}b",
            "*",
            " ",
            "ab\u{a0}",
        ] {
            assert_eq!(clean(s), None, "{s:?}");
        }
        // Characters that merely share a lead byte with whitespace are clean.
        assert!(clean("a\u{2019}b\u{2026}c\u{2030}d\u{3001}e\u{1681}f\u{a9}g").is_some());
    }

    #[test]
    fn normalised_pieces() {
        for ok in ["", "a", "*a* b", "a\u{2019}b"] {
            assert!(is_normalised(ok), "{ok:?}");
        }
        for ws in [" a", "a ", "a  b", "a\nb", "a\tb", "a\u{a0}b", "a\u{3000}"] {
            assert!(!is_normalised(ws), "{ws:?}");
        }
    }

    #[test]
    fn a_refused_text_leaves_the_output_alone() {
        let mut out = Plain::with_capacity(0);
        assert!(push_clean(&mut out, "first"));
        out.block();
        assert!(!push_clean(&mut out, "fine line\n- but a list"));
        assert!(out.gap == Gap::Block);
        assert_eq!(out.finish(), "first");
    }
}
