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
    keyed_tokens(text, |_, t| emit(t));
}

/// Like [`tokens`], also passing each ASCII token of up to 16 bytes packed into a
/// `u128` (its bytes, little-endian, zero-padded; 0 when not given), built as the
/// token is read, so an indexer can look it up without hashing a string.
pub fn keyed_tokens(text: &str, mut emit: impl FnMut(u128, &str)) {
    // Fast path for the common case, a run of ASCII letters and digits ending at
    // ASCII punctuation or space: emitted as a slice of `text` (lowercased into
    // `buf` only when it has capitals). Anything else (an apostrophe inside a word,
    // a non-ASCII character) is handed to `general` from the word's start; between
    // tokens the general loop holds no state, so both paths give the same tokens.
    let bytes = text.as_bytes();
    let mut buf = String::with_capacity(32);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !b.is_ascii_alphanumeric() {
            if b.is_ascii() {
                i += 1;
            } else {
                i = general(text, i, &mut buf, &mut emit);
            }
            continue;
        }
        let start = i;
        let mut key = [0u8; 16];
        let mut upper = false;
        while let Some(&c) = bytes.get(i).filter(|c| c.is_ascii_alphanumeric()) {
            upper |= c.is_ascii_uppercase();
            if let Some(k) = key.get_mut(i - start) {
                *k = c.to_ascii_lowercase();
            }
            i += 1;
        }
        let simple_end = match bytes.get(i) {
            None => true,
            Some(&c) => c.is_ascii() && !(c == b'\'' && starts_with_word_char(&text[i + 1..])),
        };
        if !simple_end {
            i = general(text, start, &mut buf, &mut emit);
            continue;
        }
        let len = i - start;
        if len > MAX_TOKEN_BYTES {
            continue;
        }
        let key = if len <= 16 {
            u128::from_le_bytes(key)
        } else {
            0
        };
        if upper {
            buf.clear();
            buf.push_str(&text[start..i]);
            buf.make_ascii_lowercase();
            emit(key, &buf);
            buf.clear();
        } else {
            emit(key, &text[start..i]);
        }
    }
}

/// The tokenizer, one character at a time, from `from` (a char boundary, with no
/// token under way) until it has emitted one token or reached the end; returns
/// where it stopped (a char boundary with no token under way).
fn general(text: &str, from: usize, buf: &mut String, emit: &mut impl FnMut(u128, &str)) -> usize {
    let bytes = text.as_bytes();
    buf.clear();
    let mut key: u128 = 0;
    let mut ascii = true;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                let lower = b.to_ascii_lowercase();
                if buf.len() < 16 {
                    key |= u128::from(lower) << (8 * buf.len());
                }
                buf.push(char::from(lower));
            } else if !(b == b'\'' && !buf.is_empty() && starts_with_word_char(&text[i..]))
                && flush(buf, key, ascii, emit)
            {
                return i;
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
            // Ends the token before it (if any) and is a token of its own.
            flush(buf, key, ascii, emit);
            fold_char(c, buf);
            flush(buf, 0, false, emit);
            return i;
        } else if is_word_char(c) {
            fold_char(c, buf);
            ascii = false;
        } else if !(is_apostrophe(c) && !buf.is_empty() && starts_with_word_char(&text[i..]))
            && flush(buf, key, ascii, emit)
        {
            return i;
        }
    }
    flush(buf, key, ascii, emit);
    i
}

/// Folded tokens of `text`, collected (for queries and tests).
pub fn token_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokens(text, |t| out.push(t.to_owned()));
    out
}

/// Emits the token in `buf`, if any, and empties it; true when `buf` held one
/// (even one too long to emit, or marks that folded to nothing).
fn flush(buf: &mut String, key: u128, ascii: bool, emit: &mut impl FnMut(u128, &str)) -> bool {
    let had = !buf.is_empty();
    // A run of combining marks alone folds to nothing: not a token.
    if had && buf.len() <= MAX_TOKEN_BYTES {
        emit(if ascii && buf.len() <= 16 { key } else { 0 }, buf);
    }
    buf.clear();
    had
}

/// The key [`keyed_tokens`] gives an ASCII token of up to 16 bytes.
pub fn ascii_key(token: &str) -> Option<u128> {
    let b = token.as_bytes();
    (b.len() <= 16 && b.is_ascii()).then(|| {
        let mut k = [0u8; 16];
        k[..b.len()].copy_from_slice(b);
        u128::from_le_bytes(k)
    })
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
            [
                "low",
                "performer",
                "quotas",
                "the",
                "pip",
                "3",
                "14",
                "e",
                "g",
                "foo",
                "bar",
                "x"
            ]
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
            [
                "strasse", "oresund", "lodz", "istanbul", "οδοσ", "aeon", "fine", "full"
            ]
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
            [
                "yes", "no", "party", "bold", "code", "link", "https", "x", "io", "a"
            ]
        );
    }

    #[test]
    fn overlong_runs_are_skipped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(token_list(&format!("x {long} y")), ["x", "y"]);
        assert_eq!(token_list(&"b".repeat(MAX_TOKEN_BYTES)).len(), 1);
    }

    #[test]
    fn keys_are_the_packed_bytes_of_short_ascii_tokens() {
        let mut got = Vec::new();
        keyed_tokens("Hi café 0123456789abcdefg ok", |k, t| {
            got.push((k, t.to_owned()))
        });
        for (k, t) in &got {
            assert!(*k == 0 || Some(*k) == ascii_key(t), "{t}");
        }
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].0, ascii_key("hi").unwrap());
        assert_eq!(got[1], (0, "cafe".to_owned()), "café was not ASCII");
        assert_eq!(got[2].0, 0, "17 bytes");
    }

    /// The one-character-at-a-time tokenizer over the whole text.
    fn reference(text: &str) -> Vec<(u128, String)> {
        let mut out = Vec::new();
        let mut buf = String::new();
        let mut i = 0;
        while i < text.len() {
            i = general(text, i, &mut buf, &mut |k, t: &str| {
                out.push((k, t.to_owned()))
            });
        }
        out
    }

    fn fast(text: &str) -> Vec<(u128, String)> {
        let mut out = Vec::new();
        keyed_tokens(text, |k, t| out.push((k, t.to_owned())));
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_path_equals_the_general_tokenizer(
            text in "[a-zA-Z0-9 '’ʼé東ｱ\\-_.,\u{301}\u{2014}]{0,60}"
        ) {
            proptest::prop_assert_eq!(fast(&text), reference(&text));
        }
    }

    #[test]
    fn fast_path_equals_the_general_tokenizer_on_the_sample() {
        let sample = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/content"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect::<String>();
        let tricky = "Don't STOP—it's 90’s café! ÉCOLE x'y 'q' a\u{301}b 東京 ＡＢ ok_go 1,000 ";
        for text in [sample.as_str(), tricky] {
            assert_eq!(fast(text), reference(text));
        }
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        for s in [
            "",
            "'",
            "’",
            "a'",
            "'a",
            "\u{10FFFF}",
            "a\u{301}'\u{301}b",
            "\0x",
        ] {
            let _ = token_list(s);
        }
    }
}
