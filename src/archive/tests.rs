use std::collections::BTreeMap;

use jiff::civil::date;

use super::*;
use crate::model::TermRef;
use crate::model::Timestamp;
use crate::transcript::{
    FrontMatter, FrontPositions, ParsedChapter, ParsedTurn, Place, SpeakerRef,
};

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
        at: FrontPositions::default(),
    }
}

fn turn(speaker: &str, resolved: Option<SpeakerRef>, secs: u32) -> ParsedTurn {
    ParsedTurn {
        speaker: speaker.to_owned(),
        resolved,
        start: Timestamp(secs),
        times: None,
        body: format!("{speaker} says something at {secs}").into(),
        line: 10 + secs,
    }
}

fn chapter(title: Option<&str>, turns: Vec<ParsedTurn>) -> ParsedChapter {
    ParsedChapter {
        title: title.map(str::to_owned),
        line: 5,
        intro: String::new(),
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
        source_key: crate::model::SourceKey::UNKNOWN,
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
fn names_without_letters_or_digits_get_a_fallback_slug_and_a_warning_naming_it() {
    let mut f1 = front("???", "???", &["Ann Host"], &["!!!"], (2024, 1, 2));
    f1.at = FrontPositions {
        podcast_name: Some(Place::here(2, 15)),
        episode_title: Some(Place::here(3, 16)),
        slug: None,
        hosts: vec![Place::here(4, 12)],
        guests: vec![Place::here(5, 13)],
    };
    // The same guest again, in a later file: one warning, at the first file.
    let mut f2 = front("Show", "«»", &["Ann Host"], &["!!!"], (2024, 1, 1));
    f2.at.episode_title = Some(Place::here(3, 16));
    f2.at.guests = vec![Place::here(5, 13)];
    // A `slug:` with nothing usable falls back to the title.
    let mut f3 = front("Show", "Real title", &["Ann Host"], &[], (2024, 1, 3));
    f3.slug = Some("---".into());
    f3.at.slug = Some(Place::here(7, 7));
    let (a, d) = link(vec![
        episode("content/a.txt", f1, &["x"]),
        episode("content/b.txt", f2, &["y"]),
        episode("content/c.txt", f3, &["z"]),
    ]);
    let headlines: Vec<String> = d.iter().map(|d| d.headline()).collect();
    let says = "has no letters or digits to make a web address from";
    assert_eq!(
        headlines,
        [
            format!(
                "warning: content/a.txt:3:16: episode_title \"???\" {says}; the episode is published at episodes/episode/"
            ),
            format!(
                "warning: content/b.txt:3:16: episode_title \"«»\" {says}; the episode is published at episodes/episode-2/"
            ),
            format!(
                "warning: content/c.txt:7:7: slug \"---\" {says}; the episode is published at episodes/real-title/"
            ),
            format!(
                "warning: content/a.txt:2:15: podcast_name \"???\" {says}; the show's slug is \"podcast\""
            ),
            format!(
                "warning: content/a.txt:5:13: guest_name \"!!!\" {says}; this person's page is people/person/"
            ),
        ]
    );
    let mut slugs: Vec<_> = a.episodes.iter().map(|e| e.slug.as_str()).collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["episode", "episode-2", "real-title"]);
    let guest = a.people.iter().find(|p| p.name == "!!!").unwrap();
    assert_eq!(guest.slug, "person");
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

// ----------------------------------------------------------------- taxonomies

fn taxonomy(name: &str, field: &str) -> TaxonomyConfig {
    TaxonomyConfig {
        name: name.into(),
        field: field.into(),
        title: None,
        singular: None,
        of: None,
        range: None,
        feed: false,
        line: Some(7),
    }
}

fn with_taxonomies(taxonomies: Vec<TaxonomyConfig>, language: &str) -> LinkOptions {
    LinkOptions {
        language: language.into(),
        taxonomies,
    }
}

/// Names of a taxonomy's terms, and per term the names of its people and the titles
/// of its episodes.
fn terms(a: &Archive, t: usize) -> Vec<(String, Vec<String>, Vec<String>)> {
    a.taxonomies[t]
        .terms
        .iter()
        .map(|term| {
            (
                term.name.clone(),
                term.people
                    .iter()
                    .map(|p| a.person(*p).name.clone())
                    .collect(),
                term.episodes
                    .iter()
                    .map(|e| a.episode(*e).title.clone())
                    .collect(),
            )
        })
        .collect()
}

fn facts_sample() -> Vec<ParsedEpisode> {
    let mut eps = Vec::new();
    for (i, (guests, company, year, format)) in [
        (
            &["Ann"][..],
            "Meta",
            2002,
            Some(serde_json::json!(["AMA", "Panel"])),
        ),
        (&["Ann"], "META.", 2004, None),
        (&["Ann"], "Meta", 2006, Some(serde_json::json!("ama"))),
        (
            &["Łukasz", "Cy"],
            "Stripe",
            1999,
            Some(serde_json::json!(["Panel"])),
        ),
        (&["Zoe"], "Apple", 2005, None),
    ]
    .into_iter()
    .enumerate()
    {
        let day = i8::try_from(i + 1).unwrap();
        let mut f = front(
            "Show",
            &format!("Ep {i}"),
            &["Host"],
            guests,
            (2024, 1, day),
        );
        f.current_company = Some(company.into());
        f.career_start = Some(year);
        if let Some(v) = format {
            f.extra.insert("format".into(), v);
        }
        eps.push(episode(&format!("content/{i}.txt"), f, &["Intro"]));
    }
    eps
}

#[test]
fn guest_facts_become_terms_of_the_first_guest_in_the_most_common_spelling() {
    let opts = with_taxonomies(vec![taxonomy("companies", "current_company")], "en");
    let (a, d) = link_with(facts_sample(), &opts);
    assert!(d.is_empty(), "{d:?}");
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        terms(&a, 0),
        [
            ("Apple".to_owned(), s(&["Zoe"]), s(&["Ep 4"])),
            ("Meta".to_owned(), s(&["Ann"]), s(&["Ep 2", "Ep 1", "Ep 0"])),
            // The fact describes the first guest: Cy is not at Stripe.
            ("Stripe".to_owned(), s(&["Łukasz"]), s(&["Ep 3"])),
        ]
    );
    let slugs: Vec<&str> = a.taxonomies[0]
        .terms
        .iter()
        .map(|t| t.slug.as_str())
        .collect();
    assert_eq!(slugs, ["apple", "meta", "stripe"]);
    let ann = a.people.iter().find(|p| p.name == "Ann").unwrap();
    assert_eq!(
        ann.terms,
        [TermRef {
            taxonomy: 0,
            term: 1
        }]
    );
    let cy = a.people.iter().find(|p| p.name == "Cy").unwrap();
    assert!(cy.terms.is_empty());
    let ep3 = a.episodes.iter().find(|e| e.title == "Ep 3").unwrap();
    assert_eq!(
        ep3.terms,
        [TermRef {
            taxonomy: 0,
            term: 2
        }]
    );
}

#[test]
fn episode_fields_give_every_guest_the_terms_and_lists_give_several() {
    let opts = with_taxonomies(vec![taxonomy("formats", "format")], "en");
    let (a, d) = link_with(facts_sample(), &opts);
    assert!(d.is_empty(), "{d:?}");
    let names: Vec<(String, Vec<String>)> =
        terms(&a, 0).into_iter().map(|(n, p, _)| (n, p)).collect();
    // People in the archive's (collation) order: Ann, Cy, Łukasz.
    assert_eq!(
        names,
        [
            // "AMA" once, "ama" once: a tie, and the newest spelling wins.
            ("ama".to_owned(), vec!["Ann".to_owned()]),
            (
                "Panel".to_owned(),
                vec!["Ann".to_owned(), "Cy".to_owned(), "Łukasz".to_owned()]
            ),
        ]
    );
    assert!(!a.taxonomies[0].per_guest);
}

#[test]
fn number_ranges_bucket_on_multiples_of_their_width_and_sort_ascending() {
    let mut t = taxonomy("career-start", "yoe-starting");
    t.range = Some(5);
    let (a, d) = link_with(facts_sample(), &with_taxonomies(vec![t], "en"));
    assert!(d.is_empty(), "{d:?}");
    let got: Vec<(String, String, Vec<String>)> = a.taxonomies[0]
        .terms
        .iter()
        .map(|t| {
            let people = t.people.iter().map(|p| a.person(*p).name.clone()).collect();
            (t.name.clone(), t.slug.clone(), people)
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "1995–1999".into(),
                "1995-1999".into(),
                vec!["Łukasz".to_owned()]
            ),
            (
                "2000–2004".into(),
                "2000-2004".into(),
                vec!["Ann".to_owned()]
            ),
            (
                "2005–2009".into(),
                "2005-2009".into(),
                vec!["Ann".to_owned(), "Zoe".to_owned()]
            ),
        ]
    );
}

#[test]
fn people_and_terms_sort_in_the_site_language() {
    let opts = |lang: &str| with_taxonomies(vec![taxonomy("companies", "current_company")], lang);
    let mut eps = facts_sample();
    eps[4].front.current_company = Some("Łódź Labs".into());
    let (en, _) = link_with(eps.clone(), &opts("en"));
    let people: Vec<&str> = en.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(people, ["Ann", "Cy", "Host", "Łukasz", "Zoe"]);
    let companies: Vec<&str> = en.taxonomies[0]
        .terms
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(companies, ["Łódź Labs", "Meta", "Stripe"]);
    // Swedish sorts letters with a ring or dots after Z, Polish "Ł" after "L".
    eps[0].front.guests = vec!["Örjan".into()];
    let (sv, _) = link_with(eps, &opts("sv"));
    let people: Vec<&str> = sv.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(people, ["Ann", "Cy", "Host", "Łukasz", "Zoe", "Örjan"]);
}

#[test]
fn bad_taxonomy_input_is_reported_where_it_is() {
    let mut eps = facts_sample();
    // A mapping where a taxonomy wants values: the parser noted where it is.
    eps[1]
        .front
        .nested_extra
        .push(crate::transcript::NestedExtra {
            key: "format".into(),
            problem: Diagnostic::error("content/1.txt", "`format` holds a mapping").at(9, 9),
        });
    // No letters or digits for a URL (emoji would transliterate to words).
    eps[2].front.current_company = Some("?!".into());
    eps[3].front.career_start = None;
    eps[3]
        .front
        .extra
        .insert("start".into(), serde_json::json!("soon"));
    let mut range = taxonomy("starts", "start");
    range.range = Some(10);
    let opts = with_taxonomies(
        vec![
            taxonomy("formats", "format"),
            taxonomy("companies", "current_company"),
            taxonomy("typo", "yoe_starting"),
            range,
        ],
        "en",
    );
    let (a, d) = link_with(eps, &opts);
    let heads: Vec<String> = d.iter().map(Diagnostic::headline).collect();
    assert!(
        heads.contains(&"error: content/1.txt:9:9: `format` holds a mapping".to_owned()),
        "{heads:#?}"
    );
    let empty = heads
        .iter()
        .find(|h| h.starts_with("warning: content/2.txt: current_company \"?!\""))
        .unwrap_or_else(|| panic!("{heads:#?}"));
    assert!(empty.contains("/companies/term/"), "{empty}");
    assert!(a.taxonomies[1].terms.iter().any(|t| t.slug == "term"));
    let typo = d
        .iter()
        .find(|d| d.file == "book.toml")
        .unwrap_or_else(|| panic!("{heads:#?}"));
    assert_eq!(typo.line, Some(7));
    assert!(
        typo.message
            .contains("`taxonomies.field = \"yoe_starting\"`"),
        "{typo:?}"
    );
    assert!(
        typo.help
            .as_deref()
            .unwrap_or("")
            .contains("`yoe-starting`"),
        "{typo:?}"
    );
    assert!(
        heads
            .iter()
            .any(|h| h
                .starts_with("warning: content/3.txt: `start` is \"soon\", not a whole number")),
        "{heads:#?}"
    );
    assert!(a.taxonomies[3].terms.is_empty());
}

#[test]
fn an_episode_titled_like_a_year_does_not_take_the_years_url() {
    let mut eps = facts_sample();
    eps[0].front.episode_title = "1984".into();
    let (a, _) = link(eps);
    assert!(a.episodes.iter().any(|e| e.slug == "episode-1984"));
}

/// Parses a transcript text as `content/t.txt`.
fn parse_text(text: &str) -> ParsedEpisode {
    parse_at("content/t.txt", text)
}

fn parse_at(display: &str, text: &str) -> ParsedEpisode {
    let src = crate::transcript::SourceFile {
        display: display.to_owned(),
        bytes: text.as_bytes().to_vec(),
    };
    let (parsed, diags) =
        crate::transcript::parse(&src, &crate::transcript::ParseOptions::default());
    let mut parsed = parsed.unwrap_or_else(|| panic!("{diags:?}"));
    // Distinct inputs, distinct keys (what the pipeline hands out).
    parsed.source_key = crate::model::SourceKey(1 + text.len() as u64);
    parsed
}

const HEAD: &str = "---\npodcast_name: P\nhost_name: Hana Host\nguest_name: Gus Guest\n\
                    episode_date: 01/02/2025\nepisode_title: T\nepisode_description: First.\n---\n";

fn body(words: &str) -> String {
    format!(
        "Hana 00:00:01:\n\nHello.\n\n### One\nGus 00:01:00:\n\n{words}\n\nHana 00:02:00:\n\nSecond.\n"
    )
}

#[test]
fn relinking_what_linking_copies_gives_what_linking_again_gives() {
    let before = format!("{HEAD}{}", body("First."));
    let after = format!(
        "{}{}",
        HEAD.replace("First.", "A *new* description."),
        body("First,\nnow in *two* lines.")
    );
    let other = || {
        parse_at(
            "content/u.txt",
            "---\npodcast_name: P\nhost_name: Other Host\nguest_name: Gus Guest\n\
             episode_date: 02/02/2025\nepisode_title: U\n---\n### One\nOther 00:00:01: Hi.\n",
        )
    };
    let (old, _) = link(vec![parse_text(&before), other()]);
    let new = parse_text(&after);
    assert_eq!(link_key(&parse_text(&before)), link_key(&new));
    let i = old
        .episodes
        .iter()
        .position(|e| e.source == "content/t.txt")
        .unwrap();
    let relinked = relink(&old.episodes[i], &new).unwrap();
    let (again, _) = link(vec![new.clone(), other()]);
    assert_eq!(format!("{relinked:?}"), format!("{:?}", again.episodes[i]));
}

#[test]
fn link_keys_move_with_what_linking_reads() {
    let base = format!("{HEAD}{}", body("First."));
    let key = link_key(&parse_text(&base));
    for changed in [
        base.replace("### One", "### Two"),
        base.replace("Gus 00:01:00", "Hana 00:01:00"),
        base.replace("Gus 00:01:00", "Gus 00:01:01"),
        base.replace("01/02/2025", "02/02/2025"),
        base.replace("episode_title: T", "episode_title: T2"),
        base.replace(
            "guest_name: Gus Guest",
            "guest_name: Gus Guest\nbiggest_role: CTO",
        ),
    ] {
        assert_ne!(link_key(&parse_text(&changed)), key, "{changed}");
    }
    for same in [
        base.replace("Second.", "Second, longer."),
        base.replace("First.", "Other words."),
        base.replace("Hello.", "Hello\n\nthere."),
    ] {
        assert_eq!(link_key(&parse_text(&same)), key, "{same}");
    }
}
