//! Structured data (schema.org JSON-LD) for episode and person pages, and the
//! escaping that makes any JSON safe inside a `<script>` element.
//!
//! An episode is a `PodcastEpisode`: `partOfSeries` its show (`PodcastSeries`),
//! hosts as `author` and guests as `contributor` (each a `Person` with the URL of
//! their page), chapters as `Clip`s in `hasPart` (`startOffset`/`endOffset` in
//! seconds: a chapter ends where the next starts, the last at the episode's
//! duration), `duration` and, with audio, `associatedMedia`.

use serde_json::{Map, Value, json};

use super::views::duration_iso;
use crate::model::{Archive, Episode, Person, PersonId};
use crate::site::urls::{SiteUrls, rel};

/// The JSON-LD of an episode page, ready to go between `<script>` tags.
pub(super) fn episode(archive: &Archive, e: &Episode, urls: &SiteUrls) -> String {
    let page = rel::episode(&e.slug);
    let show = archive.podcast(e.podcast);
    let series_url = if archive.podcasts.len() > 1 {
        rel::podcast(&show.slug)
    } else {
        String::new()
    };
    let mut doc = Map::new();
    doc.insert("@context".into(), "https://schema.org".into());
    doc.insert("@type".into(), "PodcastEpisode".into());
    doc.insert("name".into(), e.title.as_str().into());
    doc.insert("url".into(), urls.absolute_or_path(&page).into());
    doc.insert("datePublished".into(), e.date.to_string().into());
    if let Some(d) = &e.description {
        doc.insert("description".into(), crate::markdown::excerpt(d, 60).into());
    }
    if let Some(m) = e.duration_minutes {
        doc.insert("duration".into(), duration_iso(m).into());
    }
    doc.insert(
        "partOfSeries".into(),
        json!({
            "@type": "PodcastSeries",
            "name": show.name,
            "url": urls.absolute_or_path(&series_url),
        }),
    );
    let people = |ids: &[PersonId]| -> Vec<Value> {
        ids.iter()
            .filter_map(|p| archive.people.get(p.index()))
            .map(|p| person_ref(p, urls))
            .collect()
    };
    if !e.hosts.is_empty() {
        doc.insert("author".into(), people(&e.hosts).into());
    }
    if !e.guests.is_empty() {
        doc.insert("contributor".into(), people(&e.guests).into());
    }
    if let Some(audio) = e
        .audio_url
        .as_deref()
        .and_then(|u| urls.resource_absolute(u))
    {
        doc.insert(
            "associatedMedia".into(),
            json!({"@type": "AudioObject", "contentUrl": audio}),
        );
    }
    let duration = e.duration_minutes.map(|m| u64::from(m) * 60);
    // Clips must ascend, so each starts no earlier than the one before.
    let starts: Vec<u64> = e.chapter_starts().into_iter().map(u64::from).collect();
    let clips: Vec<Value> = e
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut clip = Map::new();
            clip.insert("@type".into(), "Clip".into());
            clip.insert("name".into(), c.title.as_str().into());
            clip.insert("position".into(), (i + 1).into());
            clip.insert("startOffset".into(), starts[i].into());
            let end = starts.get(i + 1).copied().or(duration);
            if let Some(end) = end.filter(|&end| end > starts[i]) {
                clip.insert("endOffset".into(), end.into());
            }
            clip.insert(
                "url".into(),
                urls.absolute_or_path(&format!("{page}#{}", c.slug)).into(),
            );
            Value::Object(clip)
        })
        .collect();
    if !clips.is_empty() {
        doc.insert("hasPart".into(), clips.into());
    }
    script_json(&Value::Object(doc))
}

/// The JSON-LD of a person page.
pub(super) fn person(p: &Person, urls: &SiteUrls) -> String {
    let mut doc = Map::new();
    doc.insert("@context".into(), "https://schema.org".into());
    doc.insert("@type".into(), "Person".into());
    doc.insert("name".into(), p.name.as_str().into());
    doc.insert(
        "url".into(),
        urls.absolute_or_path(&rel::person(&p.slug)).into(),
    );
    if let Some(role) = &p.facts.biggest_role {
        doc.insert("jobTitle".into(), role.as_str().into());
    }
    if let Some(company) = &p.facts.current_company {
        doc.insert(
            "worksFor".into(),
            json!({"@type": "Organization", "name": company}),
        );
    }
    script_json(&Value::Object(doc))
}

fn person_ref(p: &Person, urls: &SiteUrls) -> Value {
    json!({
        "@type": "Person",
        "name": p.name,
        "url": urls.absolute_or_path(&rel::person(&p.slug)),
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
