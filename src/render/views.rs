//! Typed view structs: what templates see, borrowed from the archive.
//!
//! Templates never see `model` types, so the model can change without breaking
//! themes. Small per-entity views (an episode's list item, a person's link, a
//! topic's link) are built once per build in [`Shared`] and [`EpisodeItems`], and
//! converted once to Tera values: pages embed those by reference count (Tera clones
//! a `Value` met during serialization instead of serializing it again), so a list
//! or term page costs the size of its list of titles and URLs, never more.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use tera::Value;

use crate::model::{Archive, EpisodeId, PersonId, TermRef, TopicId};
use crate::site::urls::{SiteUrls, rel};
use crate::text::collate::Collation;

/// A named link: people, topics, shows.
#[derive(Debug, Serialize)]
pub struct Link<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL path (base-prefixed).
    pub url: String,
}

/// A show as linked from other pages.
#[derive(Debug, Serialize)]
pub struct PodcastLink<'a> {
    /// The show's name.
    pub name: &'a str,
    /// Its page; none when the archive holds a single show (no podcast pages then).
    pub url: Option<String>,
    /// How many episodes it has.
    pub episode_count: usize,
    /// Its own feed (`podcasts/<slug>/feed.xml`); only when it has a page.
    pub feed: Option<String>,
}

/// An episode as listed anywhere: no bodies, only what a list row shows.
#[derive(Debug, Serialize)]
pub struct EpisodeItem<'a> {
    /// `episode_title`.
    pub title: &'a str,
    /// Page URL path.
    pub url: String,
    /// ISO date, for `<time datetime>`.
    pub date: String,
    /// Human date: `15 August 2025`.
    pub date_display: String,
    /// Year, for grouping.
    pub year: i16,
    /// Human duration (`1 h 31 min`), when known.
    pub duration: Option<String>,
    /// ISO 8601 duration (`PT1H31M`), when known.
    pub duration_iso: Option<String>,
    /// The show.
    pub podcast: &'a PodcastLink<'a>,
    /// Guests, linked.
    pub guests: Vec<&'a Link<'a>>,
}

/// A topic as linked or listed.
#[derive(Debug, Serialize)]
pub struct TopicItem<'a> {
    /// Display name.
    pub name: &'a str,
    /// Page URL path.
    pub url: String,
    /// Distinct episodes it appears in.
    pub count: usize,
}

/// A taxonomy as linked from navigation, term pages and term lists.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct TermGroup<'a> {
    /// The taxonomy (`name`, `title`, `singular`, `url`, `count`).
    pub taxonomy: &'a Value,
    /// Its terms (term items), in the taxonomy's order.
    pub terms: Vec<&'a Value>,
}

/// A person as listed on index pages.
#[derive(Debug, Serialize)]
pub struct PersonItem<'a> {
    /// Full name.
    pub name: &'a str,
    /// Page URL path.
    pub url: String,
    /// Episodes in the listed role (hosted or guested).
    pub count: usize,
    /// `biggest_role`, when known.
    pub role: Option<&'a str>,
    /// `current_company`, when known.
    pub company: Option<&'a str>,
    /// Up to two initials (`GH` for Grace Hopper), for portrait placeholders.
    pub initials: String,
}

/// The first letters of the first and last words of `name`, upper-cased.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: Option<&&str>| w.and_then(|w| w.chars().find(|c| c.is_alphanumeric()));
    let mut out: String = first(words.first()).into_iter().collect();
    if words.len() > 1 {
        out.extend(first(words.last()));
    }
    out.to_uppercase()
}

/// A group of an alphabetical index.
#[derive(Debug, Serialize)]
pub struct LetterGroup<T> {
    /// `A`…`Z`, another letter, or `#` for names not starting with a letter.
    pub letter: String,
    /// Fragment id of the group (`letter-a`), safe in URLs.
    pub id: String,
    /// Entries, in index order.
    pub items: Vec<T>,
}

/// Small per-entity views built once per build and shared by every page.
pub struct Shared<'a> {
    /// The archive being rendered.
    pub archive: &'a Archive,
    /// URL builder.
    pub urls: &'a SiteUrls,
    /// One per podcast, by id.
    pub podcasts: Vec<PodcastLink<'a>>,
    /// One per person, by id.
    pub people: Vec<Link<'a>>,
    /// One per topic, by id.
    pub topics: Vec<TopicItem<'a>>,
    /// `people` as Tera values, by id.
    pub people_values: Vec<Value>,
    /// `topics` as Tera values, by id.
    pub topic_values: Vec<Value>,
    /// Speaker statistics, by episode id (episode pages show them, person pages sum them).
    pub(crate) stats: Vec<super::stats::EpisodeStats>,
    /// One per taxonomy, in book.toml's order.
    pub taxonomies: Vec<TaxonomyLink<'a>>,
    /// `taxonomies` as Tera values.
    pub taxonomy_values: Vec<Value>,
    /// Term items, by taxonomy then term.
    pub terms: Vec<Vec<TermItem<'a>>>,
    /// `terms` as Tera values.
    pub term_values: Vec<Vec<Value>>,
    /// The order of the site's language, for letter groups.
    pub collation: Collation,
}

impl<'a> Shared<'a> {
    /// Builds every small view once; `language` is `[book] language`.
    pub fn new(archive: &'a Archive, urls: &'a SiteUrls, language: &str) -> Self {
        let multi_show = archive.podcasts.len() > 1;
        let podcasts: Vec<PodcastLink<'a>> = archive
            .podcasts
            .iter()
            .map(|p| PodcastLink {
                name: &p.name,
                url: multi_show.then(|| urls.path(&rel::podcast(&p.slug))),
                episode_count: p.episodes.len(),
                feed: multi_show.then(|| urls.path(&rel::podcast_feed(&p.slug))),
            })
            .collect();
        let people: Vec<Link<'a>> = archive
            .people
            .iter()
            .map(|p| Link {
                name: &p.name,
                url: urls.path(&rel::person(&p.slug)),
            })
            .collect();
        let topics: Vec<TopicItem<'a>> = archive
            .topics
            .iter()
            .map(|t| TopicItem {
                name: &t.name,
                url: urls.path(&rel::topic(&t.slug)),
                count: t.episode_count(),
            })
            .collect();
        let taxonomies: Vec<TaxonomyLink<'a>> = archive
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
        let terms: Vec<Vec<TermItem<'a>>> = archive
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
        Shared {
            archive,
            urls,
            people_values: values(&people),
            topic_values: values(&topics),
            stats: super::stats::all(archive),
            podcasts,
            people,
            topics,
            taxonomy_values: values(&taxonomies),
            term_values: terms.iter().map(|t| values(t)).collect(),
            taxonomies,
            terms,
            collation: Collation::for_language(language),
        }
    }

    /// The list item of a term.
    pub fn term(&self, r: TermRef) -> Option<&TermItem<'a>> {
        self.terms.get(r.taxonomy as usize)?.get(r.term as usize)
    }

    /// The list item of a term, as a Tera value.
    pub fn term_value(&self, r: TermRef) -> Option<&Value> {
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

    /// The link of a person.
    pub fn person(&self, id: PersonId) -> Option<&Link<'a>> {
        self.people.get(id.index())
    }

    /// The link of a person, as a Tera value.
    pub fn person_value(&self, id: PersonId) -> Option<&Value> {
        self.people_values.get(id.index())
    }

    /// The list item of a topic.
    pub fn topic(&self, id: TopicId) -> Option<&TopicItem<'a>> {
        self.topics.get(id.index())
    }

    /// The list item of a topic, as a Tera value.
    pub fn topic_value(&self, id: TopicId) -> Option<&Value> {
        self.topic_values.get(id.index())
    }
}

/// Converts each item to a Tera value once.
pub fn values<T: Serialize>(items: &[T]) -> Vec<Value> {
    items.iter().map(Value::from_serializable).collect()
}

/// Episode list items, built after [`Shared`] since they borrow its people and shows.
pub struct EpisodeItems<'s> {
    /// One per episode, by id.
    pub items: Vec<EpisodeItem<'s>>,
    /// `items` as Tera values, by id.
    pub values: Vec<Value>,
}

impl<'s> EpisodeItems<'s> {
    /// Builds every episode's list item, dates in English.
    pub fn new(shared: &'s Shared<'s>) -> Self {
        Self::with_dates(shared, &DateStyle::default())
    }

    /// Builds every episode's list item, human dates written in `dates`' style.
    pub fn with_dates(shared: &'s Shared<'s>, dates: &DateStyle) -> Self {
        let items = shared
            .archive
            .episodes
            .iter()
            .map(|e| EpisodeItem {
                title: &e.title,
                url: shared.urls.path(&rel::episode(&e.slug)),
                date: e.date.to_string(),
                date_display: dates.display(e.date),
                year: e.date.year(),
                duration: e.duration_minutes.map(duration_display),
                duration_iso: e.duration_minutes.map(duration_iso),
                podcast: &shared.podcasts[e.podcast.index()],
                guests: e.guests.iter().filter_map(|g| shared.person(*g)).collect(),
            })
            .collect::<Vec<_>>();
        EpisodeItems {
            values: values(&items),
            items,
        }
    }

    /// The item of an episode.
    pub fn get(&self, id: EpisodeId) -> Option<&EpisodeItem<'s>> {
        self.items.get(id.index())
    }

    /// The item of an episode, as a Tera value.
    pub fn value(&self, id: EpisodeId) -> Option<&Value> {
        self.values.get(id.index())
    }
}

/// How human dates are written: a pattern and month names, from the theme's UI
/// strings `date_format` (`{day}. {month} {year}`) and `months` (twelve names
/// separated by spaces).
#[derive(Debug, Clone, Default)]
pub struct DateStyle {
    /// Pattern with `{day}`, `{month}` and `{year}`; none means English.
    format: Option<String>,
    /// Twelve month names.
    months: Vec<String>,
}

impl DateStyle {
    /// The style of a strings table; English when either key is missing or
    /// `months` does not hold twelve names.
    pub fn from_strings(strings: &BTreeMap<String, String>) -> DateStyle {
        let months: Vec<String> = strings
            .get("months")
            .map(|m| m.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        match strings.get("date_format") {
            Some(f) if months.len() == 12 => DateStyle {
                format: Some(f.clone()),
                months,
            },
            _ => DateStyle::default(),
        }
    }

    /// `15 August 2025`, `15. August 2025`, `15 août 2025`.
    pub fn display(&self, date: Date) -> String {
        let (Some(format), Some(month)) = (
            &self.format,
            usize::try_from(date.month() - 1)
                .ok()
                .and_then(|i| self.months.get(i)),
        ) else {
            return date_display(date);
        };
        format
            .replace("{day}", &date.day().to_string())
            .replace("{month}", month)
            .replace("{year}", &date.year().to_string())
    }
}

/// `15 August 2025`.
pub fn date_display(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// `Fri, 15 Aug 2025 00:00:00 +0000` (RFC 2822, for RSS).
pub fn date_rfc2822(date: Date) -> String {
    date.strftime("%a, %d %b %Y 00:00:00 +0000").to_string()
}

/// `45 min`, `1 h 31 min`, `2 h`.
pub fn duration_display(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `PT1H31M`.
pub fn duration_iso(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("PT{m}M"),
        (h, m) => format!("PT{h}H{m}M"),
    }
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

#[cfg(test)]
mod tests;
