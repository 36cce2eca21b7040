//! Structured data (schema.org JSON-LD) for episode and person pages, and the
//! escaping that makes any JSON safe inside a `<script>` element.
//!
//! An episode is a `PodcastEpisode`: `partOfSeries` its show (`PodcastSeries`),
//! hosts as `author` and guests as `contributor` (each a `Person` with the URL of
//! their page), chapters as `Clip`s in `hasPart` (`startOffset`/`endOffset` in
//! seconds: a chapter ends where the next starts, the last at the episode's
//! duration), `duration` and, with audio, `associatedMedia`.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::views::duration_iso;
use crate::model::{Archive, Episode, Person, PersonFacts, PersonId};
use crate::site::urls::{SiteUrls, rel};

/// The JSON-LD of a page: what it is made from, made into a string (escaped for a
/// `<script>` element) only when the page renders; it hashes as what it is made from.
#[derive(Hash)]
pub(super) enum JsonLd<'a> {
    /// An episode page's.
    Episode(EpisodeLd<'a>),
    /// A person page's.
    Person(PersonLd<'a>),
}

impl Serialize for JsonLd<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let json = match self {
            JsonLd::Episode(e) => e.render(),
            JsonLd::Person(p) => p.render(),
        };
        s.serialize_str(&json)
    }
}

/// A person as an episode's JSON-LD names them: name and page.
#[derive(Hash)]
struct PersonRef<'a> {
    name: &'a str,
    slug: &'a str,
}

/// Everything an episode's JSON-LD is made from.
#[derive(Hash)]
pub(super) struct EpisodeLd<'a> {
    title: &'a str,
    slug: &'a str,
    date: jiff::civil::Date,
    description: Option<&'a str>,
    duration_minutes: Option<u32>,
    show: &'a str,
    /// The show's page, when the archive has several shows.
    show_slug: Option<&'a str>,
    hosts: Vec<PersonRef<'a>>,
    guests: Vec<PersonRef<'a>>,
    audio_url: Option<&'a str>,
    /// Title and anchor of each chapter.
    chapters: Vec<(&'a str, &'a str)>,
    starts: Vec<u32>,
    urls: &'a SiteUrls,
}

/// What the JSON-LD of an episode page is made from.
pub(super) fn episode<'a>(
    archive: &'a Archive,
    e: &'a Episode,
    urls: &'a SiteUrls,
) -> EpisodeLd<'a> {
    let show = archive.podcast(e.podcast);
    let people = |ids: &[PersonId]| -> Vec<PersonRef<'a>> {
        ids.iter()
            .filter_map(|p| archive.people.get(p.index()))
            .map(|p| PersonRef {
                name: &p.name,
                slug: &p.slug,
            })
            .collect()
    };
    EpisodeLd {
        title: &e.title,
        slug: &e.slug,
        date: e.date,
        description: e.description.as_deref(),
        duration_minutes: e.duration_minutes,
        show: &show.name,
        show_slug: (archive.podcasts.len() > 1).then_some(show.slug.as_str()),
        hosts: people(&e.hosts),
        guests: people(&e.guests),
        audio_url: e.audio_url.as_deref(),
        chapters: e
            .chapters
            .iter()
            .map(|c| (c.title.as_str(), c.slug.as_str()))
            .collect(),
        starts: e.chapter_starts(),
        urls,
    }
}

impl EpisodeLd<'_> {
    /// The JSON-LD of the episode page, ready to go between `<script>` tags.
    fn render(&self) -> String {
        let urls = self.urls;
        let page = rel::episode(self.slug);
        let series_url = self.show_slug.map_or_else(String::new, rel::podcast);
        let mut doc = Map::new();
        doc.insert("@context".into(), "https://schema.org".into());
        doc.insert("@type".into(), "PodcastEpisode".into());
        doc.insert("name".into(), self.title.into());
        doc.insert("url".into(), urls.absolute_or_path(&page).into());
        doc.insert("datePublished".into(), self.date.to_string().into());
        if let Some(d) = self.description {
            doc.insert("description".into(), crate::markdown::excerpt(d, 60).into());
        }
        if let Some(m) = self.duration_minutes {
            doc.insert("duration".into(), duration_iso(m).into());
        }
        doc.insert(
            "partOfSeries".into(),
            json!({
                "@type": "PodcastSeries",
                "name": self.show,
                "url": urls.absolute_or_path(&series_url),
            }),
        );
        let people = |list: &[PersonRef<'_>]| -> Vec<Value> {
            list.iter()
                .map(|p| person_ref(p.name, p.slug, urls))
                .collect()
        };
        if !self.hosts.is_empty() {
            doc.insert("author".into(), people(&self.hosts).into());
        }
        if !self.guests.is_empty() {
            doc.insert("contributor".into(), people(&self.guests).into());
        }
        if let Some(audio) = self.audio_url.and_then(|u| urls.resource_absolute(u)) {
            doc.insert(
                "associatedMedia".into(),
                json!({"@type": "AudioObject", "contentUrl": audio}),
            );
        }
        let duration = self.duration_minutes.map(|m| u64::from(m) * 60);
        // Clips must ascend, so each starts no earlier than the one before.
        let starts: Vec<u64> = self.starts.iter().map(|s| u64::from(*s)).collect();
        let clips: Vec<Value> = self
            .chapters
            .iter()
            .enumerate()
            .map(|(i, (title, slug))| {
                let mut clip = Map::new();
                clip.insert("@type".into(), "Clip".into());
                clip.insert("name".into(), (*title).into());
                clip.insert("position".into(), (i + 1).into());
                clip.insert("startOffset".into(), starts[i].into());
                let end = starts.get(i + 1).copied().or(duration);
                if let Some(end) = end.filter(|&end| end > starts[i]) {
                    clip.insert("endOffset".into(), end.into());
                }
                clip.insert(
                    "url".into(),
                    urls.absolute_or_path(&format!("{page}#{slug}")).into(),
                );
                Value::Object(clip)
            })
            .collect();
        if !clips.is_empty() {
            doc.insert("hasPart".into(), clips.into());
        }
        script_json(&Value::Object(doc))
    }
}

/// Everything a person's JSON-LD is made from.
#[derive(Hash)]
pub(super) struct PersonLd<'a> {
    name: &'a str,
    slug: &'a str,
    facts: &'a PersonFacts,
    urls: &'a SiteUrls,
}

/// What the JSON-LD of a person page is made from.
pub(super) fn person<'a>(p: &'a Person, urls: &'a SiteUrls) -> PersonLd<'a> {
    PersonLd {
        name: &p.name,
        slug: &p.slug,
        facts: &p.facts,
        urls,
    }
}

impl PersonLd<'_> {
    /// The JSON-LD of the person page.
    fn render(&self) -> String {
        let mut doc = Map::new();
        doc.insert("@context".into(), "https://schema.org".into());
        doc.insert("@type".into(), "Person".into());
        doc.insert("name".into(), self.name.into());
        doc.insert(
            "url".into(),
            self.urls.absolute_or_path(&rel::person(self.slug)).into(),
        );
        if let Some(role) = &self.facts.biggest_role {
            doc.insert("jobTitle".into(), role.as_str().into());
        }
        if let Some(company) = &self.facts.current_company {
            doc.insert(
                "worksFor".into(),
                json!({"@type": "Organization", "name": company}),
            );
        }
        script_json(&Value::Object(doc))
    }
}

fn person_ref(name: &str, slug: &str, urls: &SiteUrls) -> Value {
    json!({
        "@type": "Person",
        "name": name,
        "url": urls.absolute_or_path(&rel::person(slug)),
    })
}

/// `value` as JSON that cannot end or confuse the `<script>` element holding it:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` (so no `</script>`
/// or `<!--` can appear), and U+2028/U+2029 as escapes too. These characters only
/// ever occur inside JSON strings, where the escapes mean the same thing.
pub(super) fn script_json(value: &Value) -> String {
    // Serializing a `Value` cannot fail (its map keys are strings).
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = json!({"name": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(!s.contains('\u{2028}'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
