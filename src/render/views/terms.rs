//! Taxonomies and their terms as templates see them: navigation links, term items,
//! and an episode's or person's terms grouped by taxonomy.

use serde::Serialize;

use super::{Shared, Val};
use crate::model::{Archive, TermRef};
use crate::site::urls::{SiteUrls, rel};

/// A taxonomy as linked from navigation, term pages and term lists.
#[derive(Debug, Serialize, Hash)]
pub struct TaxonomyLink<'a> {
    /// `name` in book.toml: URL segment and filter key.
    pub name: &'a str,
    /// Heading of its index page (`Companies`).
    pub title: &'a str,
    /// Label of one term (`Company`).
    pub singular: &'a str,
    /// Index page URL path.
    pub url: String,
    /// How many terms it has.
    pub count: usize,
}

/// A term as linked or listed.
#[derive(Debug, Serialize, Hash)]
pub struct TermItem<'a> {
    /// Display name.
    pub name: &'a str,
    /// Page URL path.
    pub url: String,
    /// Guests carrying it.
    pub guest_count: usize,
    /// Episodes carrying it.
    pub episode_count: usize,
}

/// An episode's or person's terms in one taxonomy.
#[derive(Debug, Serialize, Hash)]
pub struct TermGroup<'a> {
    /// The taxonomy (`name`, `title`, `singular`, `url`, `count`).
    pub taxonomy: &'a Val,
    /// Its terms (term items), in the taxonomy's order.
    pub terms: Vec<&'a Val>,
}

/// The link of every taxonomy and the item of every term, by taxonomy then term.
pub(super) fn links<'a>(
    archive: &'a Archive,
    urls: &SiteUrls,
) -> (Vec<TaxonomyLink<'a>>, Vec<Vec<TermItem<'a>>>) {
    let taxonomies = archive
        .taxonomies
        .iter()
        .map(|t| TaxonomyLink {
            name: &t.name,
            title: &t.title,
            singular: &t.singular,
            url: urls.path(&rel::taxonomy(&t.name)),
            count: t.terms.len(),
        })
        .collect();
    let terms = archive
        .taxonomies
        .iter()
        .map(|t| {
            t.terms
                .iter()
                .map(|term| TermItem {
                    name: &term.name,
                    url: urls.path(&rel::term(&t.name, &term.slug)),
                    guest_count: term.people.len(),
                    episode_count: term.episodes.len(),
                })
                .collect()
        })
        .collect();
    (taxonomies, terms)
}

impl<'a> Shared<'a> {
    /// The list item of a term.
    pub fn term(&self, r: TermRef) -> Option<&TermItem<'a>> {
        self.terms.get(r.taxonomy as usize)?.get(r.term as usize)
    }

    /// The list item of a term, as a Tera value.
    pub fn term_value(&self, r: TermRef) -> Option<&Val> {
        self.term_values
            .get(r.taxonomy as usize)?
            .get(r.term as usize)
    }

    /// Sorted term references grouped by taxonomy, as templates list them.
    pub fn term_groups(&self, refs: &[TermRef]) -> Vec<TermGroup<'_>> {
        let mut groups: Vec<TermGroup<'_>> = Vec::new();
        let mut current: Option<u32> = None;
        for r in refs {
            let (Some(taxonomy), Some(term)) = (
                self.taxonomy_values.get(r.taxonomy as usize),
                self.term_value(*r),
            ) else {
                continue;
            };
            match groups.last_mut() {
                Some(g) if current == Some(r.taxonomy) => g.terms.push(term),
                _ => groups.push(TermGroup {
                    taxonomy,
                    terms: vec![term],
                }),
            }
            current = Some(r.taxonomy);
        }
        groups
    }
}
