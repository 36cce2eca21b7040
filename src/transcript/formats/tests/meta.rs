//! Sidecars, `_defaults.yml`, `speakers:` and `chapters:`.

use super::*;

const VTT: &str = "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Ryan>Welcome.\n\n\
    00:00:06.000 --> 00:00:09.000\n<v Stefan>Thanks.\n\n\
    00:01:00.000 --> 00:01:30.000\nSo, early career.\n\n\
    00:01:30.000 --> 00:02:00.000\nI started at Amazon.\n\n\
    00:02:00.000 --> 00:02:30.000\n<v Ryan>And then?\n";

#[test]
fn defaults_are_inherited_nearest_first_and_the_transcript_wins() {
    let outer =
        "podcast_name: The Show\nhost_name: Ryan Peterman\nepisode_duration: 60\naudio_host: cdn\n";
    let inner = "podcast_name: The Show, season 1\n";
    let sidecar = "episode_title: Career story\nepisode_date: 15/08/2025\nguest_name: Stefan Mai\nepisode_duration: 91\n";
    let src = source(
        "content/s1/ep.vtt",
        VTT,
        &[
            (MetaKind::Sidecar, "content/s1/ep.yml", sidecar),
            (MetaKind::Defaults, "content/s1/_defaults.yml", inner),
            (MetaKind::Defaults, "content/_defaults.yml", outer),
        ],
    );
    let ep = clean(&src);
    assert_eq!(ep.front.podcast_name, "The Show, season 1");
    assert_eq!(ep.front.hosts, ["Ryan Peterman"]);
    assert_eq!(ep.front.duration_minutes, Some(91));
    assert_eq!(ep.front.extra["audio_host"], "cdn");
    // Today's format takes defaults too, and its own front matter wins.
    let txt = "---\npodcast_name: Own Show\nepisode_title: T\nepisode_date: 2025-01-01\n---\nRyan 00:00:01: Hi.\n";
    let src = source(
        "content/s1/ep.txt",
        txt,
        &[
            (MetaKind::Defaults, "content/s1/_defaults.yml", inner),
            (MetaKind::Defaults, "content/_defaults.yml", outer),
        ],
    );
    let ep = clean(&src);
    assert_eq!(ep.front.podcast_name, "Own Show");
    assert_eq!(ep.front.hosts, ["Ryan Peterman"]);
    assert_eq!(ep.front.duration_minutes, Some(60));
}

#[test]
fn missing_metadata_is_named_with_where_to_write_it() {
    let (ep, diags) = parse_source(
        &source("content/ep.vtt", VTT, &[]),
        &ParseOptions::default(),
    );
    assert!(ep.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].headline(),
        "error: content/ep.vtt: no metadata: this transcript has no sidecar and no _defaults.yml applies"
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("create content/ep.yml")
    );
    let sidecar = SIDECAR.replace("episode_date: 2025-08-15\n", "");
    let (_, diags) = parse_source(
        &with_sidecar("vtt", VTT, &sidecar),
        &ParseOptions::default(),
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].headline(),
        "error: content/ep.vtt: missing required field `episode_date`"
    );
    assert_eq!(
        diags[0].help.as_deref(),
        Some(
            "add a `episode_date: ...` line to content/ep.yml (beside the transcript) or to a _defaults.yml"
        )
    );
}

#[test]
fn sidecar_problems_point_into_the_sidecar() {
    let bad = format!("---\n{SIDECAR}episode_duration: [1\n---\n");
    let (ep, diags) = run(&with_sidecar("vtt", VTT, &bad));
    assert!(ep.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].starts_with("error: content/ep.yml:7:19: metadata is not valid YAML"),
        "{diags:?}"
    );
    let bad = SIDECAR.replace("2025-08-15", "2025-02-31");
    let (_, diags) = run(&with_sidecar("vtt", VTT, &bad));
    assert_eq!(
        diags,
        ["error: content/ep.yml:5:15: episode_date \"2025-02-31\" is not a real date"]
    );
    // A sidecar written like front matter, between `---` lines, reads the same.
    let ep = clean(&with_sidecar("vtt", VTT, &format!("---\n{SIDECAR}---\n")));
    assert_eq!(ep.front.episode_title, "Career story");
}

#[test]
fn chapters_listed_in_the_sidecar_split_turns_at_their_starts() {
    let sidecar = format!(
        "{SIDECAR}guest_background: [Early career, Growth]\nchapters:\n  - \"00:01:00 Early career\"\n  - \"00:01:45 Nothing here\"\n  - \"00:02:00 Growth\"\n  - \"00:09:00 After the end\"\n"
    );
    let (ep, diags) = run(&with_sidecar("vtt", VTT, &sidecar));
    assert_eq!(
        diags,
        [
            "warning: content/ep.yml:9:5: chapter \"Nothing here\" has no turns and is left out",
            "warning: content/ep.yml:9:5: chapter \"Nothing here\" is not listed in guest_background",
            "warning: content/ep.yml:11:5: chapter \"After the end\" is not listed in guest_background",
            "warning: content/ep.yml:11:5: chapter \"After the end\" starts after the transcript ends and is left out",
        ]
    );
    let ep = ep.unwrap();
    let got: Vec<_> = turns(&ep)
        .into_iter()
        .map(|(c, t)| (c, t.who, t.ms))
        .collect();
    // Stefan speaks across the start of "Early career": two turns.
    assert_eq!(
        got,
        [
            (None, "Ryan".to_owned(), Some((1000, 5000))),
            (None, "Stefan".to_owned(), Some((6000, 9000))),
            (
                Some("Early career".to_owned()),
                "Stefan".to_owned(),
                Some((60000, 120000))
            ),
            (
                Some("Growth".to_owned()),
                "Ryan".to_owned(),
                Some((120000, 150000))
            ),
        ]
    );
}

#[test]
fn a_chapters_json_beside_or_named_by_the_sidecar() {
    let chapters = r#"{"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Hello"},
        {"startTime": 30, "title": "An image", "toc": false},
        {"startTime": 59.5, "title": "Early career"}]}"#;
    let beside = source(
        "content/ep.vtt",
        VTT,
        &[
            (MetaKind::Sidecar, "content/ep.yml", SIDECAR),
            (MetaKind::Chapters, "content/ep.chapters.json", chapters),
        ],
    );
    let ep = clean(&beside);
    let titles: Vec<_> = ep.chapters.iter().map(|c| c.title.as_deref()).collect();
    assert_eq!(titles, [Some("Hello"), Some("Early career")]);
    assert_eq!(ep.chapters[1].turns[0].start.seconds(), 60);
    // Named by the sidecar, relative to it.
    let named = source(
        "content/ep.vtt",
        VTT,
        &[
            (
                MetaKind::Sidecar,
                "content/ep.yml",
                &format!("{SIDECAR}chapters: ../chapters/ep.json\n"),
            ),
            (MetaKind::Chapters, "chapters/ep.json", chapters),
        ],
    );
    assert_eq!(clean(&named).chapters.len(), 2);
    // Named but missing: an error at the name, and one that climbs out of the site.
    let missing = with_sidecar("vtt", VTT, &format!("{SIDECAR}chapters: ch.json\n"));
    let (ep, diags) = run(&missing);
    assert!(ep.is_none());
    assert_eq!(
        diags,
        ["error: content/ep.yml:6:11: chapters file `content/ch.json` cannot be read: not found"]
    );
    let outside = with_sidecar("vtt", VTT, &format!("{SIDECAR}chapters: ../../x.json\n"));
    assert_eq!(
        run(&outside).1,
        ["error: content/ep.yml:6:11: chapters file \"../../x.json\" is outside the site"]
    );
    let bad = source(
        "content/ep.vtt",
        VTT,
        &[
            (MetaKind::Sidecar, "content/ep.yml", SIDECAR),
            (
                MetaKind::Chapters,
                "content/ep.chapters.json",
                "{\"chapters\": [{\"title\": \"x\"}]}",
            ),
        ],
    );
    let (_, diags) = run(&bad);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].starts_with("error: content/ep.chapters.json:1:28: not a Podcasting 2.0 chapters file: missing field `startTime`"),
        "{diags:?}"
    );
}

#[test]
fn a_chapters_json_beside_a_transcript_with_headings_is_ignored_with_a_warning() {
    let text = "Transcript\n### Start\nRyan 00:00:00: Hi.\nStefan 00:00:10: Hello.\n";
    let src = source(
        "content/ep.md",
        text,
        &[
            (MetaKind::Sidecar, "content/ep.yml", SIDECAR),
            (
                MetaKind::Chapters,
                "content/ep.chapters.json",
                r#"{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Other"}]}"#,
            ),
        ],
    );
    let (ep, diags) = parse_source(&src, &ParseOptions::default());
    let titles: Vec<_> = ep
        .unwrap()
        .chapters
        .iter()
        .map(|c| c.title.clone())
        .collect();
    assert_eq!(titles, [Some("Start".to_owned())]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].headline(),
        "warning: content/ep.chapters.json: these chapters are ignored: the transcript has chapter headings of its own"
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("remove the `###` headings")
    );
}

#[test]
fn chapter_entries_and_defaults_chapters_are_checked() {
    let sidecar = format!("{SIDECAR}chapters: [\"Intro 00:00\", \"00:01:00\", 5]\n");
    let (_, diags) = run(&with_sidecar("vtt", VTT, &sidecar));
    assert_eq!(
        diags,
        [
            "error: content/ep.yml:6:12: chapter entry \"Intro 00:00\" does not start with a time like 01:02:03 or 12:30",
            "error: content/ep.yml:6:27: chapter entry \"00:01:00\" has no title after its time",
            "error: content/ep.yml:6:39: chapter entries must be strings, not a number",
        ]
    );
    let src = source(
        "content/ep.vtt",
        VTT,
        &[
            (MetaKind::Sidecar, "content/ep.yml", SIDECAR),
            (
                MetaKind::Defaults,
                "content/_defaults.yml",
                "chapters: [\"00:00 Intro\"]\n",
            ),
        ],
    );
    let (ep, diags) = run(&src);
    assert!(ep.is_some());
    assert_eq!(
        diags,
        [
            "warning: content/_defaults.yml:1:1: `chapters` in a _defaults.yml is ignored: chapters belong to one episode"
        ]
    );
}

#[test]
fn speakers_map_labels_in_todays_format_too() {
    let txt = "---\npodcast_name: P\nepisode_title: T\nhost_name: Ryan Peterman\nepisode_date: 2025-01-01\nspeakers:\n  R: Ryan Peterman\n---\nR 00:00:01: Hi.\n";
    let ep = clean(&source("content/ep.txt", txt, &[]));
    let t = &ep.chapters[0].turns[0];
    assert_eq!(t.speaker, "Ryan Peterman");
    assert!(t.resolved.is_some());
    assert!(!ep.front.extra.contains_key("speakers"));
    let bad = txt.replace("  R: Ryan Peterman\n", "  R: [x]\n");
    assert_eq!(
        run(&source("content/ep.txt", &bad, &[])).1,
        ["error: content/ep.txt:7:3: speaker label `R` maps to no name"]
    );
}
