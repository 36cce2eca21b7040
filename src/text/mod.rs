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
/// Counted on bytes, without decoding characters, several times faster: speaker
/// statistics count every turn of every episode on every build. Bytes of non-ASCII
/// characters count as word bytes, which is right for every character but the few
/// Unicode spaces (no-break, em, ideographic…): text with one of those is counted the
/// slow way.
pub fn word_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Every Unicode space past ASCII starts with one of these lead bytes (U+0085 and
    // U+00A0: C2; U+1680: E1; U+2000–U+205F: E2; U+3000: E3).
    let unicode_space = memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes)
        .chain(memchr::memchr_iter(0xE1, bytes))
        .any(|i| {
            text.get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(char::is_whitespace)
        });
    if unicode_space {
        return text.split_whitespace().count();
    }
    // A word starts wherever a non-space byte follows a space (or the start). Pairs
    // are counted in blocks of 255 into a byte, with no state carried from byte to
    // byte, so the loop vectorizes. ASCII whitespace: space, and tab to CR (9–13).
    let space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let mut words = usize::from(bytes.first().is_some_and(|&b| !space(b)));
    if let Some(last) = bytes.len().checked_sub(1) {
        for (left, right) in bytes[..last].chunks(255).zip(bytes[1..].chunks(255)) {
            let starts = left.iter().zip(right).fold(0u8, |n, (&a, &b)| {
                n.wrapping_add(u8::from(space(a) & !space(b)))
            });
            words += usize::from(starts);
        }
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
        // Every Unicode space past ASCII, alone in the text, beside non-space
        // characters with the same lead bytes.
        for c in
            "\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}".chars()
        {
            let text = format!("caf\u{e9}{c}don\u{2019}t\u{1681}x\u{3001}");
            assert_eq!(word_count(&text), 2, "{c:?}");
        }
        // Past one block of 255 pairs, and a word across the blocks' seam.
        let long = "word ".repeat(300) + &"x".repeat(600);
        assert_eq!(word_count(&long), 301);
        assert_eq!(word_count(&"ab ".repeat(1000)), 1000);
    }

    proptest! {
        #[test]
        fn counts_as_split_whitespace_does(text in "[ a-z\t\n\r\x0b\x0c\u{a0}\u{85}\u{1680}\u{2028}\u{3000}é’—.,]{0,600}",
            short in "[ a-z\t\u{a0}\u{1680}\u{3000}é’]{0,12}") {
            prop_assert_eq!(word_count(&text), text.split_whitespace().count());
            prop_assert_eq!(word_count(&short), short.split_whitespace().count());
        }
    }
}
