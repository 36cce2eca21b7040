//! URL slugs: `[a-z0-9-]+`, never empty, unique within their kind.
//!
//! Output paths are built from slugs only, so this module is what keeps every write
//! inside the output folder.

use std::collections::HashMap;

/// Longest slug kept, in bytes: folder names stay far below file-system limits.
const MAX_LEN: usize = 80;

/// Turns any text into `[a-z0-9-]+` (transliterating non-ASCII); `fallback` when
/// nothing is left (e.g. only punctuation).
pub fn slugify(text: &str, fallback: &str) -> String {
    try_slugify(text).unwrap_or_else(|| {
        // The fallback is castbook's own word, but it is still made safe.
        let f = slug::slugify(fallback);
        if f.is_empty() { "x".to_owned() } else { f }
    })
}

/// Turns text into `[a-z0-9-]+` like [`slugify`], or `None` when nothing is left, so
/// the caller can say which fallback it used.
pub fn try_slugify(text: &str) -> Option<String> {
    let s = truncate(&slug::slugify(text));
    (!s.is_empty()).then_some(s)
}

/// True when `s` is already a valid slug.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_LEN {
        return s.to_owned();
    }
    // Cut at a word boundary so slugs stay readable; slugify output is ASCII.
    let cut = s.get(..MAX_LEN).unwrap_or(s);
    let cut = match cut.rfind('-') {
        Some(i) if i > MAX_LEN / 2 => cut.get(..i).unwrap_or(cut),
        _ => cut,
    };
    cut.trim_end_matches('-').to_owned()
}

/// The key under which titles and names are compared: lower case, punctuation dropped,
/// whitespace collapsed, `/` and `_` treated as spaces (so "AI/ML" = "AI ML") and
/// hyphens dropped (so "lay-off" = "layoff").
/// Chapter titles that share a key share one topic page.
pub fn normalise_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let separators = |c: char| c.is_whitespace() || matches!(c, '/' | '_');
    for word in text.split(separators) {
        let start = out.len();
        if start > 0 {
            out.push(' ');
        }
        if word.is_ascii() {
            // The common case, without per-char Unicode case tables.
            out.extend(
                word.bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
        } else {
            out.extend(
                word.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase),
            );
        }
        // A word of only punctuation (or an empty split) leaves no trace.
        if out.len() == start + usize::from(start > 0) {
            out.truncate(start);
        }
    }
    out
}

/// Hands out unique slugs: the first claimant of `x` gets `x`, later ones `x-2`, `x-3`…
#[derive(Debug, Default)]
pub struct SlugSet {
    used: HashMap<String, usize>,
}

impl SlugSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set where `reserved` slugs are already taken (e.g. ids the theme uses).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        let mut set = Self::new();
        for r in reserved {
            set.used.insert((*r).to_owned(), 1);
        }
        set
    }

    /// Claims `wanted` (already a valid slug), returning it or the first free suffixed form.
    pub fn claim(&mut self, wanted: &str) -> String {
        if !self.used.contains_key(wanted) {
            self.used.insert(wanted.to_owned(), 1);
            return wanted.to_owned();
        }
        let mut n = self.used.get(wanted).copied().unwrap_or(1);
        loop {
            n += 1;
            let candidate = format!("{wanted}-{n}");
            if !self.used.contains_key(&candidate) {
                self.used.insert(wanted.to_owned(), n);
                self.used.insert(candidate.clone(), 1);
                return candidate;
            }
        }
    }

    /// True when `s` has been handed out or reserved.
    pub fn contains(&self, s: &str) -> bool {
        self.used.contains_key(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_transliterate_and_fall_back() {
        assert_eq!(slugify("Épisode 12 — Ça va?", "e"), "episode-12-ca-va");
        assert_eq!(slugify("?!", "episode"), "episode");
        assert_eq!(slugify("", "!!"), "x");
        assert_eq!(try_slugify("?!"), None);
        assert_eq!(try_slugify("Ça"), Some("ca".to_owned()));
        assert_eq!(try_slugify("???"), None);
        assert_eq!(try_slugify("Ça va"), Some("ca-va".to_owned()));
        assert_eq!(
            slugify("Are managers harder to layoff?", "t"),
            "are-managers-harder-to-layoff"
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let s = slugify(&"word ".repeat(40), "x");
        assert!(s.len() <= MAX_LEN && is_valid(&s), "{s}");
    }

    #[test]
    fn claims_are_unique_and_deterministic() {
        let mut set = SlugSet::with_reserved(&["main"]);
        assert_eq!(set.claim("a"), "a");
        assert_eq!(set.claim("a"), "a-2");
        assert_eq!(set.claim("a-2"), "a-2-2");
        assert_eq!(set.claim("a"), "a-3");
        assert_eq!(set.claim("main"), "main-2");
    }

    proptest! {
        #[test]
        fn slugify_is_always_valid(s in ".*") {
            let out = slugify(&s, "fallback");
            prop_assert!(is_valid(&out), "{:?} -> {:?}", s, out);
            prop_assert_eq!(slugify(&out, "fallback"), out.clone());
        }

        #[test]
        fn claims_never_collide(words in proptest::collection::vec("[a-c]{1,2}(-[0-9])?", 0..40)) {
            let mut set = SlugSet::new();
            let mut seen = std::collections::HashSet::new();
            for w in words {
                prop_assert!(seen.insert(set.claim(&w)));
            }
        }
    }
}
