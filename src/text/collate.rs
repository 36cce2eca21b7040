//! Sorting names and terms the way a reader of the site's language expects.
//!
//! Byte or lower-case order files "Łukasz" after "Zed" and "Émile" after "Zoë";
//! the Unicode Collation Algorithm with CLDR's tailoring for `[book] language` puts
//! them where a Polish, French or Swedish index would (Swedish sorts "Ö" after "Z",
//! on purpose). Digit runs compare by value, so "10s" comes before "100s".
//!
//! The collator is `icu_collator` (ICU4X, the Unicode Consortium's own Rust
//! implementation, data compiled in). `feruca` was the lighter alternative, but it
//! only knows the root order: a site in Swedish, Danish or Polish would be sorted
//! as if it were English.

use std::cmp::Ordering;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::Locale;

/// A collator for one language, plus a primary-strength one for "same letter?"
/// questions (index groups: "É" files under "E"; "Ł" under "L" in English but after
/// it in Polish).
#[derive(Debug)]
pub struct Collation {
    full: CollatorBorrowed<'static>,
    primary: CollatorBorrowed<'static>,
}

impl Default for Collation {
    /// The root (language-neutral) order.
    fn default() -> Self {
        Collation::for_language("")
    }
}

impl Collation {
    /// The order of a BCP 47 language tag (`en`, `pl`, `sv-SE`); an empty, unknown or
    /// malformed tag gets the root order, which suits most Latin-script languages.
    pub fn for_language(tag: &str) -> Collation {
        let locale = tag
            .trim()
            .replace('_', "-")
            .parse::<Locale>()
            .unwrap_or(Locale::UNKNOWN);
        let mut prefs = CollatorPreferences::from(&locale);
        prefs.numeric_ordering = Some(CollationNumericOrdering::True);
        #[allow(clippy::expect_used)]
        let make = |strength: Option<Strength>| {
            let mut options = CollatorOptions::default();
            options.strength = strength;
            Collator::try_new(prefs, options)
                .or_else(|_| Collator::try_new(CollatorPreferences::default(), options))
                // The root data is compiled into icu_collator: only a bug there gets here.
                .expect("the root collation is compiled in")
        };
        Collation {
            full: make(None),
            primary: make(Some(Strength::Primary)),
        }
    }

    /// Compares two strings; strings equal to the collator (rare: only invisible
    /// differences) are ordered by their bytes, so sorting is deterministic.
    pub fn cmp(&self, a: &str, b: &str) -> Ordering {
        self.full.compare(a, b).then_with(|| a.cmp(b))
    }

    /// A key whose byte order is [`Collation::cmp`]'s order (without the final byte
    /// tie-break): for sorting many strings, each key is built once.
    pub fn sort_key(&self, s: &str) -> Vec<u8> {
        let mut key = Vec::with_capacity(s.len() * 2 + 8);
        // Writing into a Vec cannot fail.
        let _ = self.full.write_sort_key_to(s, &mut key);
        key
    }

    /// Sorts `items` by the collation order of `name(item)`, ties by bytes.
    pub fn sort_by_name<T>(&self, items: &mut [T], name: impl Fn(&T) -> &str) {
        items.sort_by_cached_key(|t| {
            let n = name(t);
            (self.sort_key(n), n.to_owned())
        });
    }

    /// True when two letters differ at most by accent or case in this language
    /// ("e" and "É" in English; not "l" and "Ł" in Polish, nor "o" and "ö" in Swedish).
    pub fn same_letter(&self, a: &str, b: &str) -> bool {
        self.primary.compare(a, b) == Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(lang: &str, names: &[&str]) -> Vec<String> {
        let c = Collation::for_language(lang);
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        c.sort_by_name(&mut v, String::as_str);
        v
    }

    #[test]
    fn letters_with_marks_sort_beside_their_base_letter() {
        let names = ["Zed", "Łukasz", "Lena", "Émile", "Eve", "adam", "Mia"];
        assert_eq!(
            sorted("en", &names),
            ["adam", "Émile", "Eve", "Lena", "Łukasz", "Mia", "Zed"]
        );
        assert_eq!(sorted("pl", &names), sorted("en", &names));
    }

    #[test]
    fn the_site_language_decides() {
        let names = ["Zed", "Ölund", "Oscar", "Åsa"];
        assert_eq!(sorted("en", &names), ["Åsa", "Ölund", "Oscar", "Zed"]);
        assert_eq!(sorted("sv", &names), ["Oscar", "Zed", "Åsa", "Ölund"]);
    }

    #[test]
    fn numbers_compare_by_value_and_bad_tags_fall_back_to_root() {
        let sizes = ["100000s", "10s", "1000s", "100s"];
        assert_eq!(sorted("en", &sizes), ["10s", "100s", "1000s", "100000s"]);
        assert_eq!(sorted("not a tag!", &sizes), sorted("", &sizes));
        let c = Collation::for_language("en_GB");
        assert_eq!(c.cmp("b", "a"), Ordering::Greater);
        assert_eq!(c.cmp("a", "A"), Ordering::Less);
    }

    #[test]
    fn same_letter_ignores_accents_and_case_but_not_other_letters() {
        let c = Collation::for_language("en");
        assert!(c.same_letter("E", "é"));
        assert!(c.same_letter("O", "Ö"));
        assert!(!c.same_letter("L", "M"));
        // English files "Ł" under L; Polish and Swedish count their letters apart.
        assert!(c.same_letter("L", "Ł"));
        assert!(!Collation::for_language("pl").same_letter("L", "Ł"));
        assert!(!Collation::for_language("sv").same_letter("O", "Ö"));
    }
}
