//! Words for the search index, folded so that `search.js` and `highlight.js` compute
//! exactly the same tokens from a query or a page as this module does from a transcript.
//!
//! The rules, mirrored line for line in `themes/default/static/highlight.js`:
//! - a word is a run of characters that are Alphabetic, Numeric (`\p{N}`) or a
//!   combining mark (`\p{M}`); anything else separates words;
//! - an apostrophe (`'`, `’`, `ʼ`) between two word characters is dropped, so
//!   `don’t` is `dont` and `Stefan's` is `stefans`;
//! - characters of scripts written without spaces (Han, kana, Thai, Lao, Khmer,
//!   Myanmar) are one token each;
//! - folding: lowercase, compatibility decomposition (NFKD), lowercase again, drop
//!   combining marks (so `Café`, `CAFÉ` and `cafe` meet), then a few letters that
//!   do not decompose are spelled out (`ß` → `ss`, `ø` → `o`, `ς` → `σ`, …).
//!
//! These are UAX #29's word boundaries for everything a search box sees (letters and
//! digits joined, marks kept with their letter, ideographs one by one), without its
//! punctuation rules (`3.14`, `e.g.` split at the dot), which a query cannot rely on.
//! A crate implementation (`unicode-segmentation`) ran at 57 MB/s here, 5× slower
//! than this scanner, and Chromium's `Intl.Segmenter` disagrees with it on CJK, so
//! the two sides could not have shared it anyway.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Longest token indexed, in bytes; longer runs (hashes, run-together URLs) are skipped.
pub const MAX_TOKEN_BYTES: usize = 40;

/// Calls `emit` with every folded token of `text`, in order.
pub fn tokens(text: &str, mut emit: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut buf = String::with_capacity(32);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                buf.push(char::from(b.to_ascii_lowercase()));
            } else if !(b == b'\'' && !buf.is_empty() && starts_with_word_char(&text[i..])) {
                flush(&mut buf, &mut emit);
            }
            continue;
        }
        // Not ASCII: decode one character. `i` is always on a char boundary because
        // it only ever advances by whole characters.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_unspaced_script(c) {
            flush(&mut buf, &mut emit);
            fold_char(c, &mut buf);
            flush(&mut buf, &mut emit);
        } else if is_word_char(c) {
            fold_char(c, &mut buf);
        } else if !(is_apostrophe(c) && !buf.is_empty() && starts_with_word_char(&text[i..])) {
            flush(&mut buf, &mut emit);
        }
    }
    flush(&mut buf, &mut emit);
}

/// Folded tokens of `text`, collected (for queries and tests).
pub fn token_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokens(text, |t| out.push(t.to_owned()));
    out
}

fn flush(buf: &mut String, emit: &mut impl FnMut(&str)) {
    // A run of combining marks alone folds to nothing: not a token.
    if !buf.is_empty() && buf.len() <= MAX_TOKEN_BYTES {
        emit(buf);
    }
    buf.clear();
}

fn starts_with_word_char(rest: &str) -> bool {
    rest.chars().next().is_some_and(is_word_char)
}

/// Alphabetic, Numeric or a combining mark: `[\p{Alphabetic}\p{N}\p{M}]` in JavaScript.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Scripts written without spaces between words: each character is a token, so a
/// query's characters are found wherever they occur (the JS side uses the same ranges).
fn is_unspaced_script(c: char) -> bool {
    matches!(u32::from(c),
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3FFFF) // CJK Extensions B and later
}

/// Appends the folded form of one word character to `out`.
fn fold_char(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        decompose_compatible(lower, |d| {
            if is_combining_mark(d) {
                return;
            }
            for l in d.to_lowercase() {
                match l {
                    'ß' => out.push_str("ss"),
                    'æ' => out.push_str("ae"),
                    'œ' => out.push_str("oe"),
                    'ø' => out.push('o'),
                    'đ' | 'ð' => out.push('d'),
                    'þ' => out.push_str("th"),
                    'ł' => out.push('l'),
                    'ı' => out.push('i'),
                    'ς' => out.push('σ'),
                    _ => out.push(l),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_and_split_on_punctuation() {
        assert_eq!(
            token_list("Low performer quotas: the PIP, 3.14 e.g. foo_bar (x)"),
            ["low", "performer", "quotas", "the", "pip", "3", "14", "e", "g", "foo", "bar", "x"]
        );
    }

    #[test]
    fn apostrophes_inside_words_are_dropped() {
        assert_eq!(
            token_list("don’t Stefan's 'quoted' rock'n'roll it ’ s"),
            ["dont", "stefans", "quoted", "rocknroll", "it", "s"]
        );
    }

    #[test]
    fn diacritics_and_special_letters_fold() {
        assert_eq!(token_list("Café CAFÉ café"), ["cafe", "cafe", "cafe"]);
        assert_eq!(
            token_list("Straße Øresund Łódź İstanbul ΟΔΟΣ æon ﬁne Ｆｕｌｌ"),
            ["strasse", "oresund", "lodz", "istanbul", "οδοσ", "aeon", "fine", "full"]
        );
        // Decomposed input folds like precomposed input.
        assert_eq!(token_list("cafe\u{301}"), ["cafe"]);
        // A lone combining mark is not a token.
        assert!(token_list(" \u{301} ").is_empty());
    }

    #[test]
    fn ideographs_are_single_tokens() {
        assert_eq!(
            token_list("東京タワー and 北京abc"),
            ["東", "京", "タ", "ワ", "ー", "and", "北", "京", "abc"]
        );
    }

    #[test]
    fn emoji_dashes_and_markup_separate() {
        assert_eq!(
            token_list("yes—no 🎉party **bold** `code` [link](https://x.io/a)"),
            ["yes", "no", "party", "bold", "code", "link", "https", "x", "io", "a"]
        );
    }

    #[test]
    fn overlong_runs_are_skipped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(token_list(&format!("x {long} y")), ["x", "y"]);
        assert_eq!(token_list(&"b".repeat(MAX_TOKEN_BYTES)).len(), 1);
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        for s in ["", "'", "’", "a'", "'a", "\u{10FFFF}", "a\u{301}'\u{301}b", "\0x"] {
            let _ = token_list(s);
        }
    }
}
