//! Typed view structs: what templates see, borrowed from the archive.
//!
//! Templates never see `model` types, so the model can change without breaking
//! themes. Small per-entity views (an episode's list item, a person's link, a
//! topic's link) are built once per build in [`Shared`] and [`EpisodeItems`], and
//! converted once to Tera values ([`Val`]): pages embed those by reference count
//! (Tera clones a `Value` met during serialization instead of serializing it again),
//! so a list or term page costs the size of its list of titles and URLs, never more.
//!
//! Every view is `Hash`: a page's fingerprint is the hash of the view it is rendered
//! from (see `crate::site::manifest`). A [`Val`] hashes as the view it was made from.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};
use tera::Value;

mod letters;
mod terms;

pub use letters::{LetterGroup, by_letter};
pub use terms::{TaxonomyLink, TermGroup, TermItem};

use super::derived::{self, Derived};
use crate::model::{Archive, EpisodeId, PersonId, Timestamp, TopicId};
use crate::site::layout::ExportFile;
use crate::site::manifest::fingerprint;
use crate::site::urls::{SiteUrls, rel};
use crate::text::collate::Collation;

/// A view converted once to a Tera value and shared by many pages; it hashes as the
/// view it was converted from.
#[derive(Debug)]
pub struct Val {
    value: Value,
    hash: u64,
}

impl Val {
    /// Converts `view` (and remembers its hash).
    pub fn new<T: Serialize + Hash>(view: &T) -> Val {
        Val {
            value: Value::from_serializable(view),
            hash: fingerprint(view),
        }
    }
}

/// Tera values kept from the last build, by the hash of the view each was made from:
/// most list items are the same from one build to the next, and converting thousands
/// of them again would cost more than hashing them.
#[derive(Debug, Default)]
pub struct ValCache {
    last: FxHashMap<u64, Value>,
    used: Mutex<FxHashMap<u64, Value>>,
}

impl ValCache {
    /// A cache holding the values of the last build.
    pub fn from_last(last: FxHashMap<u64, Value>) -> ValCache {
        ValCache {
            last,
            used: Mutex::default(),
        }
    }

    /// `view` as a Tera value, from the last build when it made the same one.
    pub fn val<T: Serialize + Hash>(&self, view: &T) -> Val {
        let hash = fingerprint(view);
        let value = self
            .last
            .get(&hash)
            .cloned()
            .unwrap_or_else(|| Value::from_serializable(view));
        self.used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, value.clone());
        Val { value, hash }
    }

    /// The values this build used: the next build's cache.
    pub fn into_used(self) -> FxHashMap<u64, Value> {
        self.used
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Serialize for Val {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl Hash for Val {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// A timestamp as templates see it (`00:41:12`), written out only when serialized.
#[derive(Debug, Clone, Copy, Hash)]
pub struct Ts(pub Timestamp);

impl Serialize for Ts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A link to a place on a page (`/episodes/x/#growth`), joined only when serialized.
#[derive(Debug, Clone, Copy, Hash)]
pub struct Anchor<'a> {
    /// The page's URL path.
    pub page: &'a str,
    /// The element id.
    pub id: &'a str,
}

impl Serialize for Anchor<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}#{}", self.page, self.id))
    }
}

/// A site URL made from a site-relative path when serialized: its path
/// (`/base/episodes/x/`), or with `absolute` its full URL where the site's address is
/// known (the path otherwise).
#[derive(Debug, Clone, Hash)]
pub struct Href<'a> {
    /// The site's URLs.
    pub urls: &'a SiteUrls,
    /// The site-relative path.
    pub rel: String,
    /// A full URL rather than a path.
    pub absolute: bool,
}

impl Serialize for Href<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.absolute {
            s.serialize_str(&self.urls.absolute_or_path(&self.rel))
        } else {
            s.serialize_str(&self.urls.path(&self.rel))
        }
    }
}

/// A named link: people, topics, shows.
#[derive(Debug, Serialize, Hash)]
pub struct Link<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL path (base-prefixed).
    pub url: String,
}

/// A show as linked from other pages.
#[derive(Debug, Serialize, Hash)]
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
#[derive(Debug, Serialize, Hash)]
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
#[derive(Debug, Serialize, Hash)]
pub struct TopicItem<'a> {
    /// Display name.
    pub name: &'a str,
    /// Page URL path.
    pub url: String,
    /// Distinct episodes it appears in.
    pub count: usize,
}

/// A person as listed on index pages.
#[derive(Debug, Serialize, Hash)]
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
    pub people_values: Vec<Val>,
    /// `topics` as Tera values, by id.
    pub topic_values: Vec<Val>,
    /// Derived per-episode data (speaker statistics, chapter excerpts), by episode id.
    pub(crate) derived: Vec<Arc<Derived>>,
    /// Tera values of the last build, and those of this one.
    pub vals: ValCache,
    /// The export files written beside each episode page (`[output.exports]`): pages
    /// and feeds link these and no others.
    pub exports: Vec<ExportFile>,
    /// One per taxonomy, in book.toml's order.
    pub taxonomies: Vec<TaxonomyLink<'a>>,
    /// `taxonomies` as Tera values.
    pub taxonomy_values: Vec<Val>,
    /// Term items, by taxonomy then term.
    pub terms: Vec<Vec<TermItem<'a>>>,
    /// `terms` as Tera values.
    pub term_values: Vec<Vec<Val>>,
    /// The order of the site's language, for letter groups.
    pub collation: Collation,
}

impl<'a> Shared<'a> {
    /// Builds every small view once, with statistics computed afresh; `language` is
    /// `[book] language`.
    pub fn new(archive: &'a Archive, urls: &'a SiteUrls, language: &str) -> Self {
        Self::with_memo(archive, urls, language, &super::Memo::default())
    }

    /// Builds every small view once, reusing the derived data `memo` holds for
    /// episodes whose inputs did not change.
    pub fn with_memo(
        archive: &'a Archive,
        urls: &'a SiteUrls,
        language: &str,
        memo: &super::Memo,
    ) -> Self {
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
        let vals = ValCache::from_last(memo.take_vals());
        let (taxonomies, terms) = terms::links(archive, urls);
        Shared {
            archive,
            urls,
            people_values: values(&people, &vals),
            topic_values: values(&topics, &vals),
            taxonomy_values: values(&taxonomies, &vals),
            term_values: terms.iter().map(|t| values(t, &vals)).collect(),
            taxonomies,
            terms,
            collation: Collation::for_language(language),
            vals,
            derived: derived::all(archive, memo),
            exports: crate::site::layout::ALL.to_vec(),
            podcasts,
            people,
            topics,
        }
    }

    /// The speaker statistics of an episode.
    pub(crate) fn stats(&self, id: EpisodeId) -> Option<&super::stats::EpisodeStats> {
        self.derived.get(id.index()).map(|d| &d.stats)
    }

    /// The excerpt a topic page quotes from chapter `chapter` of an episode.
    pub(crate) fn excerpt(&self, id: EpisodeId, chapter: usize) -> &str {
        self.derived
            .get(id.index())
            .and_then(|d| d.excerpts.get(chapter))
            .map_or("", String::as_str)
    }

    /// The link of a person.
    pub fn person(&self, id: PersonId) -> Option<&Link<'a>> {
        self.people.get(id.index())
    }

    /// The link of a person, as a Tera value.
    pub fn person_value(&self, id: PersonId) -> Option<&Val> {
        self.people_values.get(id.index())
    }

    /// The list item of a topic.
    pub fn topic(&self, id: TopicId) -> Option<&TopicItem<'a>> {
        self.topics.get(id.index())
    }

    /// The list item of a topic, as a Tera value.
    pub fn topic_value(&self, id: TopicId) -> Option<&Val> {
        self.topic_values.get(id.index())
    }
}

/// Converts each item to a Tera value once (or takes the last build's).
pub fn values<T: Serialize + Hash>(items: &[T], cache: &ValCache) -> Vec<Val> {
    items.iter().map(|i| cache.val(i)).collect()
}

/// Episode list items, built after [`Shared`] since they borrow its people and shows.
pub struct EpisodeItems<'s> {
    /// One per episode, by id.
    pub items: Vec<EpisodeItem<'s>>,
    /// `items` as Tera values, by id.
    pub values: Vec<Val>,
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
            values: values(&items, &shared.vals),
            items,
        }
    }

    /// The item of an episode.
    pub fn get(&self, id: EpisodeId) -> Option<&EpisodeItem<'s>> {
        self.items.get(id.index())
    }

    /// The item of an episode, as a Tera value.
    pub fn value(&self, id: EpisodeId) -> Option<&Val> {
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

#[cfg(test)]
mod tests;
