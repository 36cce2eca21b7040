use std::collections::BTreeMap;

use jiff::civil::date;

use super::*;
use crate::model::Timestamp;
use crate::transcript::{FrontMatter, ParsedChapter, ParsedTurn, SpeakerRef};

fn front(
    podcast: &str,
    title: &str,
    hosts: &[&str],
    guests: &[&str],
    d: (i16, i8, i8),
) -> FrontMatter {
    FrontMatter {
        podcast_name: podcast.to_owned(),
        episode_title: title.to_owned(),
        hosts: hosts.iter().map(|s| (*s).to_owned()).collect(),
        guests: guests.iter().map(|s| (*s).to_owned()).collect(),
        date: date(d.0, d.1, d.2),
        duration_minutes: None,
        description: None,
        guest_background: Vec::new(),
        biggest_role: None,
        current_company: None,
        company_size: None,
        career_start: None,
        slug: None,
        audio_url: None,
        topics: Vec::new(),
        draft: false,
        extra: BTreeMap::new(),
        nested_extra: Vec::new(),
    }
}

fn turn(speaker: &str, resolved: Option<SpeakerRef>, secs: u32) -> ParsedTurn {
    ParsedTurn {
        speaker: speaker.to_owned(),
        resolved,
        start: Timestamp(secs),
        body: format!("{speaker} says something at {secs}"),
        line: 10 + secs,
    }
}

fn chapter(title: Option<&str>, turns: Vec<ParsedTurn>) -> ParsedChapter {
    ParsedChapter {
        title: title.map(str::to_owned),
        line: 5,
        turns,
    }
}

const HOST0: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Host,
    index: 0,
});
const GUEST0: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Guest,
    index: 0,
});

fn episode(source: &str, f: FrontMatter, chapters: &[&str]) -> ParsedEpisode {
    ParsedEpisode {
        source: source.to_owned(),
        front: f,
        chapters: chapters
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let s = u32::try_from(i).unwrap() * 100;
                chapter(
                    Some(t),
                    vec![turn("Ann", HOST0, s), turn("Bob", GUEST0, s + 30)],
                )
            })
            .collect(),
    }
}

fn sample() -> Vec<ParsedEpisode> {
    let mut g = front(
        "Show A",
        "Second",
        &["Ann Host"],
        &["Bob Guest"],
        (2025, 2, 1),
    );
    g.biggest_role = Some("CTO".into());
    let mut h = front(
        "Show A",
        "First",
        &["Ann Host"],
        &["Bob Guest"],
        (2024, 1, 1),
    );
    h.biggest_role = Some("Engineer".into());
    h.current_company = Some("Acme".into());
    vec![
        episode("content/b.txt", g, &["Career start", "Hiring!"]),
        episode("content/a.txt", h, &["career  START?", "Layoffs"]),
        episode(
            "content/c.txt",
            front(
                "Show B",
                "Other show",
                &["Cat Host"],
                &["ann host"],
                (2024, 6, 1),
            ),
            &["Layoffs", "Layoffs"],
        ),
    ]
}

#[test]
fn episodes_are_newest_first_with_prev_next_per_show() {
    let (a, d) = link(sample());
    assert!(d.is_empty(), "{d:?}");
    let titles: Vec<_> = a.episodes.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Second", "Other show", "First"]);
    let second = &a.episodes[0];
    let first = &a.episodes[2];
    assert_eq!(second.prev, Some(first.id));
    assert_eq!(first.next, Some(second.id));
    assert_eq!(a.episodes[1].prev, None);
    assert_eq!(a.episodes[1].next, None);
    assert_eq!(a.podcasts.len(), 2);
    assert_eq!(a.podcast(first.podcast).episodes, [second.id, first.id]);
}

#[test]
fn one_person_per_name_across_roles_and_shows() {
    let (a, _) = link(sample());
    let names: Vec<_> = a.people.iter().map(|p| p.name.as_str()).collect();
    // "ann host" (guest on Show B) is the same person as "Ann Host"; the common spelling wins.
    assert_eq!(names, ["Ann Host", "Bob Guest", "Cat Host"]);
    let ann = &a.people[0];
    assert_eq!(ann.slug, "ann-host");
    assert_eq!(ann.hosted.len(), 2);
    assert_eq!(ann.guested.len(), 1);
    // Facts come from the newest episode stating each one.
    let bob = &a.people[1];
    assert_eq!(bob.facts.biggest_role.as_deref(), Some("CTO"));
    assert_eq!(bob.facts.current_company.as_deref(), Some("Acme"));
    // Speakers resolve to ids.
    let t = &a.episodes[0].chapters[0].turns[1];
    assert_eq!(t.person, Some(bob.id));
}

#[test]
fn chapter_titles_that_normalise_alike_share_a_topic() {
    let (a, _) = link(sample());
    let names: Vec<_> = a.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Career start", "Hiring!", "Layoffs"]);
    let career = &a.topics[0];
    assert_eq!(career.slug, "career-start");
    assert_eq!(career.chapters.len(), 2);
    let layoffs = &a.topics[2];
    assert_eq!(layoffs.chapters.len(), 3);
    assert_eq!(layoffs.episode_count(), 2);
    // Within one episode, repeated chapter titles get distinct anchors.
    let other = &a.episodes[1];
    assert_eq!(other.chapters[0].slug, "layoffs");
    assert_eq!(other.chapters[1].slug, "layoffs-2");
}

#[test]
fn slug_collisions_get_a_suffix_and_a_warning_naming_both_files() {
    let eps = vec![
        episode(
            "content/b.txt",
            front("S", "Same title", &["H"], &[], (2024, 1, 2)),
            &["x"],
        ),
        episode(
            "content/a.txt",
            front("S", "Same Title!", &["H"], &[], (2024, 1, 1)),
            &["y"],
        ),
    ];
    let (a, d) = link(eps);
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].headline(),
        "warning: content/b.txt: slug \"same-title\" is already used by content/a.txt; \
         this episode is published as \"same-title-2\""
    );
    let slugs: Vec<_> = a.episodes.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["same-title-2", "same-title"]);
}

#[test]
fn implicit_chapter_and_turn_anchors() {
    let mut p = episode(
        "content/a.txt",
        front("S", "T", &["H"], &[], (2024, 1, 1)),
        &[],
    );
    p.chapters.push(chapter(
        None,
        vec![turn("H", HOST0, 5), turn("H", HOST0, 5)],
    ));
    p.chapters
        .push(chapter(Some("T 00 00 05"), vec![turn("X", None, 65)]));
    let (a, _) = link(vec![p]);
    let e = &a.episodes[0];
    assert!(e.chapters[0].implicit);
    assert_eq!(e.chapters[0].title, "Introduction");
    assert_eq!(e.chapters[0].topic, None);
    assert_eq!(e.chapters[0].start, Timestamp(5));
    let anchors: Vec<_> = e.turns().map(|t| t.anchor.as_str()).collect();
    assert_eq!(anchors, ["t-00-00-05", "t-00-00-05-2", "t-00-01-05"]);
    // A chapter whose slug would look like a turn anchor is moved out of the way.
    assert_eq!(e.chapters[1].slug, "ch-t-00-00-05");
    assert_eq!(e.turns().nth(2).and_then(|t| t.person), None);
}

#[test]
fn related_episodes_share_rare_topics_or_guests() {
    let (a, _) = link(sample());
    let second = &a.episodes[0];
    let first = &a.episodes[2];
    assert_eq!(second.related.first(), Some(&first.id));
    assert!(!second.related.contains(&second.id));
}

#[test]
fn related_episodes_follow_chapter_words_and_prefer_other_shows_and_guests() {
    let ep = |src: &str, show: &str, title: &str, guest: &str, day: i8, chapters: &[&str]| {
        episode(
            src,
            front(show, title, &["Ann Host"], &[guest], (2025, 1, day)),
            chapters,
        )
    };
    let (a, _) = link(vec![
        ep(
            "content/x.txt",
            "Show A",
            "X",
            "Gus",
            5,
            &["Scaling Kafka at Meta", "Burnout"],
        ),
        ep(
            "content/y.txt",
            "Show A",
            "Y",
            "Gus",
            4,
            &["Kafka in production"],
        ),
        ep(
            "content/z.txt",
            "Show B",
            "Z",
            "Zoe",
            3,
            &["Kafka in production"],
        ),
        ep("content/w.txt", "Show B", "W", "Wes", 2, &["Gardening"]),
    ]);
    let id = |t: &str| a.episodes.iter().find(|e| e.title == t).unwrap().id;
    let x = a.episode(id("X"));
    // Y and Z share one title word with X ("Kafka"); Z is on another show with
    // another guest, so it comes first. W shares nothing and is not related.
    assert_eq!(x.related, [id("Z"), id("Y")]);
    // Y and Z share a whole chapter title: each is the other's first related.
    assert_eq!(a.episode(id("Y")).related.first(), Some(&id("Z")));
    assert!(a.episode(id("W")).related.is_empty());
}

#[test]
fn normalise_ignores_case_punctuation_and_spacing() {
    assert_eq!(
        normalise("  Are managers   harder to layoff? "),
        "are managers harder to layoff"
    );
    assert_eq!(normalise("AI/ML"), "ai ml");
    assert_eq!(normalise("Amazon vs. Meta"), normalise("amazon VS meta"));
    assert_eq!(normalise("?!"), "");
}
