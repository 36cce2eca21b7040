//! Facet filters of the guests and episodes lists: every taxonomy, plus podcast,
//! host and year.
//!
//! The page carries the facets as checkboxes (rendered by the template, with counts
//! over every row) and one compact JSON: for each row of the list, in page order,
//! the numbers of the facet terms it has. `filters.js` combines the checked terms
//! (AND across facets, OR within one), hides the other rows, updates the counts and
//! keeps the choice in the URL. Without JavaScript the form stays hidden and the
//! term and year pages do the same job.

use serde::Serialize;
use tera::Value;

use super::views::Shared;
use crate::model::{Episode, Person};
use crate::site::urls::rel;

/// Facets with more terms than this start folded.
const OPEN_UP_TO: usize = 6;

/// Markup or JSON already safe to embed as is: given to templates as Tera's safe
/// string, hashed as its text.
#[derive(Debug, Hash)]
pub(super) struct SafeText(String);

impl Serialize for SafeText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Value::safe_string(&self.0).serialize(s)
    }
}

/// `filters` on the guests and episodes lists.
#[derive(Debug, Serialize, Hash)]
pub(super) struct FiltersView {
    /// The facets, in order: taxonomies (book.toml's order), podcast, host, year.
    pub facets: Vec<Facet>,
    /// `{"rows":[[term id, …], …]}`, one row per list entry in page order; already
    /// safe inside a `<script type="application/json">` element.
    pub data: SafeText,
    /// Rows before filtering.
    pub total: usize,
}

/// One facet: a group of checkboxes.
#[derive(Debug, Serialize, Hash)]
pub(super) struct Facet {
    /// URL parameter: the taxonomy's name, or `podcast`, `host`, `year`.
    pub key: String,
    /// `taxonomy`, `podcast`, `host` or `year` (templates label the last three).
    pub kind: &'static str,
    /// The taxonomy's title; none for the built-in facets.
    pub label: Option<String>,
    /// The taxonomy's index page; none for the built-in facets.
    pub url: Option<String>,
    /// True when it has few terms and starts unfolded.
    pub open: bool,
    /// Its terms, in display order.
    pub terms: Vec<FacetTerm>,
}

/// One checkbox.
#[derive(Debug, Serialize, Hash)]
pub(super) struct FacetTerm {
    /// Value in the URL (`?company=meta`): the term's slug.
    pub value: String,
    /// Display name.
    pub name: String,
    /// Rows having it, before filtering.
    pub count: usize,
    /// Its number in `data`'s rows.
    pub id: usize,
    /// Its page (term, show, person or year), the no-JavaScript way there.
    pub url: Option<String>,
}

/// A facet before counting: its terms, and which of them each row has.
struct Spec {
    key: String,
    kind: &'static str,
    label: Option<String>,
    url: Option<String>,
    /// (value, name, page) per term.
    terms: Vec<(String, String, Option<String>)>,
    /// Smallest number of terms worth a facet (a single show filters nothing).
    min_terms: usize,
}

/// Filters of the episodes list; rows are `episodes` in page order.
pub(super) fn for_episodes<'e>(
    s: &Shared<'_>,
    episodes: impl Iterator<Item = &'e Episode>,
) -> FiltersView {
    let years = super::years(s.archive);
    let specs = specs(s, &years);
    let rows = episodes
        .map(|e| {
            let mut row = Vec::new();
            for r in &e.terms {
                row.push((r.taxonomy as usize, r.term as usize));
            }
            let base = s.archive.taxonomies.len();
            row.push((base, e.podcast.index()));
            row.extend(e.hosts.iter().map(|h| (base + 1, h.index())));
            if let Some(y) = years.iter().position(|y| *y == e.date.year()) {
                row.push((base + 2, y));
            }
            row
        })
        .collect();
    build(specs, rows)
}

/// Filters of the guests list; rows are `guests` in page order. A guest has the
/// shows, hosts and years of the episodes they were a guest on.
pub(super) fn for_guests<'p>(
    s: &Shared<'_>,
    guests: impl Iterator<Item = &'p Person>,
) -> FiltersView {
    let years = super::years(s.archive);
    let specs = specs(s, &years);
    let rows = guests
        .map(|p| {
            let mut row = Vec::new();
            for r in &p.terms {
                row.push((r.taxonomy as usize, r.term as usize));
            }
            let base = s.archive.taxonomies.len();
            for e in &p.guested {
                let e = s.archive.episode(*e);
                row.push((base, e.podcast.index()));
                row.extend(e.hosts.iter().map(|h| (base + 1, h.index())));
                if let Some(y) = years.iter().position(|y| *y == e.date.year()) {
                    row.push((base + 2, y));
                }
            }
            row
        })
        .collect();
    build(specs, rows)
}

/// Every facet: the taxonomies, then podcast, host (indexed by person id) and year.
fn specs(s: &Shared<'_>, years: &[i16]) -> Vec<Spec> {
    let a = s.archive;
    let mut specs: Vec<Spec> = a
        .taxonomies
        .iter()
        .zip(&s.taxonomies)
        .zip(&s.terms)
        .map(|((t, link), items)| Spec {
            key: t.name.clone(),
            kind: "taxonomy",
            label: Some(t.title.clone()),
            url: Some(link.url.clone()),
            terms: t
                .terms
                .iter()
                .zip(items)
                .map(|(term, item)| (term.slug.clone(), term.name.clone(), Some(item.url.clone())))
                .collect(),
            min_terms: 1,
        })
        .collect();
    specs.push(Spec {
        key: "podcast".into(),
        kind: "podcast",
        label: None,
        url: None,
        terms: a
            .podcasts
            .iter()
            .zip(&s.podcasts)
            .map(|(p, link)| (p.slug.clone(), p.name.clone(), link.url.clone()))
            .collect(),
        min_terms: 2,
    });
    specs.push(Spec {
        key: "host".into(),
        kind: "host",
        label: None,
        url: None,
        terms: a
            .people
            .iter()
            .zip(&s.people)
            .map(|(p, link)| (p.slug.clone(), p.name.clone(), Some(link.url.clone())))
            .collect(),
        min_terms: 2,
    });
    specs.push(Spec {
        key: "year".into(),
        kind: "year",
        label: None,
        url: None,
        terms: years
            .iter()
            .map(|y| {
                (
                    y.to_string(),
                    y.to_string(),
                    Some(s.urls.path(&rel::year(*y))),
                )
            })
            .collect(),
        min_terms: 2,
    });
    specs
}

/// Counts each term over the rows, drops terms no row has and facets with too few
/// terms, numbers what is left, and writes the rows as JSON.
fn build(specs: Vec<Spec>, rows: Vec<Vec<(usize, usize)>>) -> FiltersView {
    let mut counts: Vec<Vec<usize>> = specs.iter().map(|f| vec![0; f.terms.len()]).collect();
    for row in &rows {
        let mut seen: Vec<(usize, usize)> = row.clone();
        seen.sort_unstable();
        seen.dedup();
        for (f, t) in seen {
            if let Some(c) = counts.get_mut(f).and_then(|c| c.get_mut(t)) {
                *c += 1;
            }
        }
    }
    // ids[f][t]: the term's number in the page, when it is shown.
    let mut ids: Vec<Vec<Option<usize>>> = Vec::with_capacity(specs.len());
    let mut facets = Vec::new();
    let mut next = 0;
    for (spec, counts) in specs.into_iter().zip(&counts) {
        let used = counts.iter().filter(|c| **c > 0).count();
        if used == 0 || used < spec.min_terms {
            ids.push(vec![None; counts.len()]);
            continue;
        }
        let mut facet_ids = vec![None; counts.len()];
        let mut terms = Vec::with_capacity(used);
        for (t, ((value, name, url), count)) in spec.terms.into_iter().zip(counts).enumerate() {
            if *count == 0 {
                continue;
            }
            if let Some(slot) = facet_ids.get_mut(t) {
                *slot = Some(next);
            }
            terms.push(FacetTerm {
                value,
                name,
                count: *count,
                id: next,
                url,
            });
            next += 1;
        }
        ids.push(facet_ids);
        facets.push(Facet {
            key: spec.key,
            kind: spec.kind,
            label: spec.label,
            url: spec.url,
            open: terms.len() <= OPEN_UP_TO,
            terms,
        });
    }
    let mut json = String::with_capacity(rows.len() * 24 + 16);
    json.push_str("{\"rows\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        let mut numbers: Vec<usize> = row
            .iter()
            .filter_map(|(f, t)| ids.get(*f)?.get(*t).copied().flatten())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        json.push('[');
        for (j, n) in numbers.iter().enumerate() {
            if j > 0 {
                json.push(',');
            }
            json.push_str(&n.to_string());
        }
        json.push(']');
    }
    json.push_str("]}");
    FiltersView {
        facets,
        // Only digits, commas, brackets and one key: nothing a script element could
        // be closed by.
        data: SafeText(json),
        total: rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &str, terms: &[&str], min_terms: usize) -> Spec {
        Spec {
            key: key.into(),
            kind: "taxonomy",
            label: None,
            url: None,
            terms: terms
                .iter()
                .map(|t| ((*t).to_owned(), (*t).to_owned(), None))
                .collect(),
            min_terms,
        }
    }

    #[test]
    fn unused_terms_and_thin_facets_are_dropped_and_rows_renumbered() {
        let specs = vec![
            spec("a", &["x", "y", "z"], 1),
            spec("podcast", &["one", "two"], 2),
            spec("b", &["p", "q"], 1),
        ];
        // Term "y" is never used; the podcast facet has only one used show.
        let rows = vec![
            vec![(0, 2), (1, 0), (2, 1)],
            vec![(0, 0), (0, 0), (1, 0)],
            vec![(2, 1), (2, 0)],
        ];
        let v = build(specs, rows);
        let keys: Vec<&str> = v.facets.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        let a: Vec<(&str, usize, usize)> = v.facets[0]
            .terms
            .iter()
            .map(|t| (t.value.as_str(), t.count, t.id))
            .collect();
        assert_eq!(a, [("x", 1, 0), ("z", 1, 1)]);
        let b: Vec<(&str, usize, usize)> = v.facets[1]
            .terms
            .iter()
            .map(|t| (t.value.as_str(), t.count, t.id))
            .collect();
        assert_eq!(b, [("p", 1, 2), ("q", 2, 3)]);
        assert_eq!(v.data.0, r#"{"rows":[[1,3],[0],[2,3]]}"#);
        assert_eq!(v.total, 3);
        assert!(v.facets.iter().all(|f| f.open));
    }
}
