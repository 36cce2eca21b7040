//! Fixtures for the render tests: an in-memory sink, a hand-built hostile archive,
//! and a small HTML tag scanner.

use std::collections::BTreeMap;

use jiff::civil::date;

use crate::model::*;

pub(crate) use crate::site::memory_sink::MemorySink;

pub(crate) const XSS: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

fn turn(label: &str, person: Option<u32>, secs: u32, body: &str) -> Turn {
    Turn {
        speaker_label: label.into(),
        person: person.map(PersonId),
        start: Timestamp(secs),
        times: None,
        anchor: Timestamp(secs).anchor(),
        body: body.into(),
        line: 1,
    }
}

fn chapter(title: &str, slug: &str, topic: Option<u32>, turns: Vec<Turn>) -> Chapter {
    Chapter {
        title: title.into(),
        slug: slug.into(),
        implicit: false,
        start: turns.first().map(|t| t.start).unwrap_or_default(),
        topic: topic.map(TopicId),
        line: 1,
        intro: String::new(),
        turns,
    }
}

fn episode(id: u32, podcast: u32, title: &str, slug: &str, d: jiff::civil::Date) -> Episode {
    Episode {
        id: EpisodeId(id),
        source: format!("content/{slug}.txt"),
        source_key: crate::model::SourceKey::UNKNOWN,
        slug: slug.into(),
        title: title.into(),
        podcast: PodcastId(podcast),
        date: d,
        duration_minutes: Some(91),
        description: None,
        hosts: vec![PersonId(0)],
        guests: vec![],
        chapters: Vec::new().into(),
        topics: vec![],
        audio_url: None,
        draft: false,
        extra: BTreeMap::new(),
        prev: None,
        next: None,
        related: vec![],
        terms: vec![],
    }
}

/// Two shows, three episodes, hostile text in every field that reaches a page.
pub(crate) fn archive() -> Archive {
    let mut e0 = episode(
        0,
        0,
        &format!("Career story {XSS}"),
        "career-story",
        date(2025, 8, 15),
    );
    e0.description = Some(format!(
        "About *growth* {XSS} [x](javascript:alert(3)) and [ok](https://example.com)."
    ));
    e0.guests = vec![PersonId(1)];
    e0.audio_url = Some("javascript:alert(4)".into());
    e0.extra.insert("note".into(), serde_json::json!(XSS));
    e0.topics = vec![TopicId(1)];
    e0.chapters = vec![
        chapter(
            "Early career",
            "early-career",
            Some(0),
            vec![
                turn("Ryan", Some(0), 59, "Welcome <inaudible> back."),
                turn(
                    "Stefan",
                    Some(1),
                    93,
                    &format!("I said {XSS} [y](javascript:alert(5))"),
                ),
            ],
        ),
        chapter(
            &format!("Topic {XSS}"),
            "topic-script",
            Some(1),
            vec![
                turn("Unknown Voice", None, 200, "Who am I?[^1]\n\n[^1]: Nobody."),
                turn("Stefan", Some(1), 260, "Me again[^1].\n\n[^1]: Someone."),
            ],
        ),
    ]
    .into();
    e0.prev = Some(EpisodeId(1));
    e0.related = vec![EpisodeId(1), EpisodeId(2)];
    e0.terms = vec![TermRef {
        taxonomy: 0,
        term: 0,
    }];

    let mut e1 = episode(1, 0, "Older & wiser", "older", date(2024, 1, 2));
    e1.guests = vec![PersonId(1)];
    e1.next = Some(EpisodeId(0));
    e1.terms = e0.terms.clone();
    e1.chapters = vec![chapter(
        "Early Career",
        "early-career",
        Some(0),
        vec![turn("Stefan", Some(1), 10, "Back then.")],
    )]
    .into();

    let mut e2 = episode(2, 1, "Other show", "other-show", date(2023, 5, 6));
    e2.hosts = vec![PersonId(2)];
    e2.duration_minutes = None;
    e2.chapters = vec![chapter(
        "Intro",
        "intro",
        None,
        vec![turn("Ann", Some(2), 0, "Hello.")],
    )]
    .into();

    Archive {
        podcasts: vec![
            Podcast {
                id: PodcastId(0),
                name: format!("Pod {XSS}"),
                slug: "pod".into(),
                episodes: vec![EpisodeId(0), EpisodeId(1)],
                hosts: vec![PersonId(0)],
            },
            Podcast {
                id: PodcastId(1),
                name: "Second Show".into(),
                slug: "second-show".into(),
                episodes: vec![EpisodeId(2)],
                hosts: vec![PersonId(2)],
            },
        ],
        episodes: vec![e0, e1, e2],
        people: vec![
            Person {
                id: PersonId(0),
                name: "Ryan Peterman".into(),
                slug: "ryan-peterman".into(),
                facts: PersonFacts::default(),
                hosted: vec![EpisodeId(0), EpisodeId(1)],
                guested: vec![],
                terms: vec![],
            },
            Person {
                id: PersonId(1),
                name: format!("Stefan {XSS}"),
                slug: "stefan-mai".into(),
                facts: PersonFacts {
                    biggest_role: Some(format!("Manager {XSS}")),
                    current_company: Some("Hello & Co".into()),
                    company_size: Some("10s".into()),
                    career_start: Some(2002),
                },
                hosted: vec![],
                guested: vec![EpisodeId(0), EpisodeId(1)],
                terms: vec![TermRef {
                    taxonomy: 0,
                    term: 0,
                }],
            },
            Person {
                id: PersonId(2),
                name: "Ann Host".into(),
                slug: "ann-host".into(),
                facts: PersonFacts::default(),
                hosted: vec![EpisodeId(2)],
                guested: vec![],
                terms: vec![],
            },
        ],
        topics: vec![
            Topic {
                id: TopicId(0),
                name: "Early career".into(),
                slug: "early-career".into(),
                chapters: vec![
                    ChapterRef {
                        episode: EpisodeId(0),
                        chapter: 0,
                    },
                    ChapterRef {
                        episode: EpisodeId(1),
                        chapter: 0,
                    },
                ],
                episodes: vec![],
            },
            Topic {
                id: TopicId(1),
                name: format!("Topic {XSS}"),
                slug: "topic-script".into(),
                chapters: vec![ChapterRef {
                    episode: EpisodeId(0),
                    chapter: 1,
                }],
                episodes: vec![EpisodeId(0)],
            },
        ],
        taxonomies: vec![Taxonomy {
            name: "company".into(),
            title: format!("Companies {XSS}"),
            singular: "Company".into(),
            field: "current_company".into(),
            per_guest: true,
            range: None,
            feed: true,
            terms: vec![Term {
                name: format!("Acme {XSS}"),
                slug: "acme-script".into(),
                people: vec![PersonId(1)],
                episodes: vec![EpisodeId(0), EpisodeId(1)],
            }],
        }],
    }
}

/// Every start tag of `html` with its attributes, quotes respected, skipping the
/// contents of `<title>` (RCDATA: minify-html leaves `<` unescaped there, which is
/// inert since only `</title` ends it, and that stays escaped).
pub(crate) fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let name_end = html[i + 1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |n| i + 1 + n);
        let name = html[i + 1..name_end].to_ascii_lowercase();
        let mut j = name_end;
        let mut attrs = Vec::new();
        while j < b.len() && b[j] != b'>' {
            if b[j].is_ascii_whitespace() || b[j] == b'/' {
                j += 1;
                continue;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>') {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let end = html[j + 1..]
                        .find(char::from(q))
                        .map_or(b.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_owned();
                    j = end + 1;
                } else {
                    let end = html[j..]
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .map_or(b.len(), |e| j + e);
                    value = html[j..end].to_owned();
                    j = end;
                }
            }
            attrs.push((attr, value.replace("&amp;", "&")));
        }
        if name == "title" {
            let close = html[j..].find("</title>").map_or(b.len(), |c| j + c);
            assert!(!html[j..close].to_ascii_lowercase().contains("</title"));
            j = close;
        }
        if !name.starts_with('/') && !name.starts_with('!') {
            out.push((name, attrs));
        }
        i = j.max(i + 1);
    }
    out
}

/// `(attribute, value)` of every href and src in `html`.
pub(crate) fn links(html: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (_, attrs) in tags(html) {
        for (attr, value) in attrs {
            match attr.as_str() {
                "href" => out.push(("href", value)),
                "src" => out.push(("src", value)),
                _ => {}
            }
        }
    }
    out
}

pub(crate) fn attr_values(html: &str, attr: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .flat_map(|(_, attrs)| attrs)
        .filter(|(a, _)| a == attr)
        .map(|(_, v)| v)
        .collect()
}

pub(crate) fn assert_unique_ids(html: &str) {
    let mut ids = attr_values(html, "id");
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
}
