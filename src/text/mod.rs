//! Words: how text is cut into search terms and which stemmer a language takes.
//!
//! Shared by linking (related episodes compare chapter-title words) and the search
//! index, so both fold and stem words the same way; `highlight.js` and `search.js`
//! mirror these rules in the browser. [`collate`] sorts names and terms for the
//! site's language; [`thousands`] writes counts for people to read.

pub mod collate;
pub mod tokenize;

use std::borrow::Cow;

use rust_stemmers::Algorithm;

/// The Snowball stemmer for a language tag's primary subtag (`en-GB` → English).
pub fn stemmer_for(language: &str) -> Option<Algorithm> {
    let primary = language.trim().split(['-', '_']).next().unwrap_or("");
    Some(match primary.to_ascii_lowercase().as_str() {
        "" | "en" => Algorithm::English,
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// `s` with whitespace runs as single spaces and trimmed; borrowed when already so.
pub fn one_line(s: &str) -> Cow<'_, str> {
    let clean = !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && !s.contains(|c: char| c.is_whitespace() && c != ' ')
        && !s.contains("  ");
    if clean {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// `12345` → `12,345`: counts in pages, the size report and the build summary.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many words `text` has, cut at whitespace: `text.split_whitespace().count()`.
///
/// ASCII text (nearly every transcript) is counted a byte at a time without decoding
/// characters or making slices, several times faster: speaker statistics count every
/// turn of every episode on every build.
pub fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // A word starts wherever a non-space byte follows a space (or the start). The
    // ASCII whitespace of `char::is_whitespace`: tab, LF, VT, FF, CR and space.
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let mut words = 0;
    let mut after_space = true;
    for &b in text.as_bytes() {
        let s = space(b);
        words += usize::from(after_space && !s);
        after_space = s;
    }
    words
}

#[cfg(test)]
mod word_count_tests {
    use proptest::prelude::*;

    use super::word_count;

    #[test]
    fn words_are_cut_at_every_kind_of_whitespace() {
        for text in [
            "",
            " ",
            "one",
            " one  two\tthree\nfour\r\nfive\x0bsix\x0cseven ",
            "no\u{a0}break and\u{2003}em\u{3000}space",
            "caf\u{e9} na\u{ef}ve",
        ] {
            assert_eq!(
                word_count(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        assert_eq!(word_count(" a b\x0bc "), 3);
    }

    proptest! {
        #[test]
        fn counts_as_split_whitespace_does(text in "[ a-z\t\n\r\x0b\x0c\u{a0}\u{2028}é.,]{0,60}") {
            prop_assert_eq!(word_count(&text), text.split_whitespace().count());
        }
    }
}
