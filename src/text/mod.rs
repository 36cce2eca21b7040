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
