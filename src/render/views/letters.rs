//! Alphabetical indexes: entries grouped under their first letter, as the site's
//! language files them.

use serde::Serialize;

use crate::text::collate::Collation;

/// A group of an alphabetical index.
#[derive(Debug, Serialize, Hash)]
pub struct LetterGroup<T> {
    /// `A`…`Z`, another letter, or `#` for names not starting with a letter.
    pub letter: String,
    /// Fragment id of the group (`letter-a`), safe in URLs.
    pub id: String,
    /// Entries, in index order.
    pub items: Vec<T>,
}

/// Groups entries by the first letter of their key, as the site's language files
/// them: "É" under "E", "Ł" after "L", Swedish "Ö" after "Z". Groups come in
/// collation order, names not starting with a letter last under `#`; entries keep
/// their order within a group.
pub fn by_letter<T>(
    items: impl IntoIterator<Item = (String, T)>,
    collation: &Collation,
) -> Vec<LetterGroup<T>> {
    let mut groups: Vec<LetterGroup<T>> = Vec::new();
    let mut other: Vec<T> = Vec::new();
    for (key, item) in items {
        let first = key.chars().find(|c| !c.is_whitespace());
        let Some(c) = first.filter(|c| c.is_alphabetic()) else {
            other.push(item);
            continue;
        };
        let letter = index_letter(c, collation);
        match groups
            .iter_mut()
            .find(|g| collation.same_letter(&g.letter, &letter))
        {
            Some(g) => {
                // "Ł" and "L" share a group in English: head it with the plain letter.
                if letter.is_ascii() && !g.letter.is_ascii() {
                    g.id = letter_id(&letter);
                    g.letter = letter;
                }
                g.items.push(item);
            }
            None => groups.push(LetterGroup {
                id: letter_id(&letter),
                letter,
                items: vec![item],
            }),
        }
    }
    groups.sort_by(|a, b| collation.cmp(&a.letter, &b.letter));
    if !other.is_empty() {
        groups.push(LetterGroup {
            id: letter_id("#"),
            letter: "#".to_owned(),
            items: other,
        });
    }
    groups
}

/// The heading a first letter files under: upper case, and without its accent when
/// the language counts the accented letter as the same one ("É" → "E", but Swedish
/// "Ö" stays).
fn index_letter(c: char, collation: &Collation) -> String {
    use unicode_normalization::UnicodeNormalization;
    let upper: String = c.to_uppercase().collect();
    let base: String = upper.nfd().take(1).collect();
    if base != upper && collation.same_letter(&base, &upper) {
        base
    } else {
        upper
    }
}

fn letter_id(letter: &str) -> String {
    if letter == "#" {
        return "letter-other".to_owned();
    }
    let mut id = String::from("letter-");
    for c in letter.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else {
            id.push_str(&format!("u{:x}", u32::from(c)));
        }
    }
    id
}
