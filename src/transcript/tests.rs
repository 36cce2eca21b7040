//! Unit tests of the transcript parser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn run(text: &str) -> (Option<ParsedEpisode>, Vec<Diagnostic>) {
    let src = SourceFile {
        display: "content/ep.txt".into(),
        bytes: text.as_bytes().to_vec(),
    };
    parse(&src, &ParseOptions::default())
}

/// Diagnostics of `text` as headlines, sorted like the CLI sorts them.
fn headlines(text: &str) -> Vec<String> {
    let mut ds = crate::diag::Diagnostics::new();
    ds.extend(run(text).1);
    ds.sort();
    ds.iter().map(Diagnostic::headline).collect()
}

fn parse_ok(text: &str) -> ParsedEpisode {
    let (ep, diags) = run(text);
    assert!(diags.is_empty(), "{diags:#?}");
    ep.expect("no diagnostics, so an episode")
}

/// Lines 1–7; the body starts on line 8.
const FM: &str = "---\npodcast_name: Pod\nepisode_title: Title\nhost_name: Ryan Peterman\n\
                  guest_name: Stefan Mai\nepisode_date: 15/08/2025\n---\n";

fn with_body(body: &str) -> String {
    format!("{FM}{body}")
}

/// `key: value` lines replacing the default front matter (body: one turn).
fn with_front(yaml: &str) -> String {
    format!("---\n{yaml}---\nRyan 00:00:01: Hi.\n")
}

fn turns(ep: &ParsedEpisode) -> Vec<&ParsedTurn> {
    ep.chapters.iter().flat_map(|c| &c.turns).collect()
}

// ----------------------------------------------------------------- the seed

#[test]
fn the_seed_parses_into_21_chapters_and_84_turns() {
    let text = include_str!("../../content/000_dbc843f6a71aa44d.txt");
    let (ep, diags) = run(text);
    assert!(diags.is_empty(), "{diags:#?}");
    let ep = ep.unwrap();
    assert_eq!(ep.chapters.len(), 21);
    assert_eq!(turns(&ep).len(), 84);
    assert_eq!(ep.front.hosts, ["Ryan Peterman"]);
    assert_eq!(ep.front.guests, ["Stefan Mai"]);
    assert_eq!(ep.front.date, jiff::civil::date(2025, 8, 15));
    assert_eq!(ep.front.duration_minutes, Some(91));
    assert_eq!(ep.front.career_start, Some(2002));
    assert_eq!(ep.front.company_size.as_deref(), Some("10s"));
    assert_eq!(ep.front.guest_background.len(), 21);
    assert_eq!(
        ep.front.guest_background[7],
        "Are managers harder to layoff?"
    );
    assert!(ep.front.extra.is_empty());
    let first = &ep.chapters[0];
    assert_eq!(first.title.as_deref(), Some("Early career at Amazon"));
    assert_eq!(first.line, 17);
    assert_eq!(first.turns[0].start, Timestamp(59));
    assert_eq!(first.turns[0].line, 18);
    assert!(first.turns[0].body.starts_with("Because you were"));
    for t in turns(&ep) {
        let want = match t.speaker.as_str() {
            "Ryan" => SpeakerRef {
                role: Role::Host,
                index: 0,
            },
            "Stefan" => SpeakerRef {
                role: Role::Guest,
                index: 0,
            },
            other => panic!("unexpected speaker {other}"),
        };
        assert_eq!(t.resolved, Some(want));
        assert!(!t.body.is_empty());
    }
    // Chapter titles are the guest_background list, in order.
    let titles: Vec<_> = ep.chapters.iter().filter_map(|c| c.title.clone()).collect();
    assert_eq!(titles, ep.front.guest_background);
}

#[test]
fn the_seed_with_crlf_and_bom_gives_the_same_episode() {
    let text = include_str!("../../content/000_dbc843f6a71aa44d.txt");
    let (lf, _) = run(text);
    let mut bytes = BOM.to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    let src = SourceFile {
        display: "content/ep.txt".into(),
        bytes,
    };
    let (crlf, diags) = parse(&src, &ParseOptions::default());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(crlf, lf);
}

// ----------------------------------------------------------------- encoding

#[test]
fn invalid_utf8_is_one_error_at_the_first_bad_byte() {
    let mut bytes = b"---\npodcast_name: P\xc3\xa9\xff\n".to_vec();
    bytes.extend_from_slice(b"more \xfe\n");
    let src = SourceFile {
        display: "content/ep.txt".into(),
        bytes,
    };
    let (ep, diags) = parse(&src, &ParseOptions::default());
    assert!(ep.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].headline(),
        "error: content/ep.txt:2:17: file is not valid UTF-8: invalid byte 0xFF"
    );
    assert_eq!(
        diags[0].source_line.as_deref(),
        Some("podcast_name: Pé\u{fffd}")
    );
}

#[test]
fn a_bom_does_not_shift_columns_on_line_one() {
    let mut bytes = BOM.to_vec();
    bytes.extend_from_slice(b"ab\xff");
    let src = SourceFile {
        display: "f".into(),
        bytes,
    };
    let (_, diags) = parse(&src, &ParseOptions::default());
    assert_eq!(diags[0].line, Some(1));
    assert_eq!(diags[0].column, Some(3));
}

#[test]
fn crlf_keeps_line_numbers_and_strips_carriage_returns() {
    let text =
        with_body("Transcript\n### One\nRyan 00:00:01:\n\nHello\n\nthere\n\nStefan 00:00:61:\n")
            .replace('\n', "\r\n");
    assert_eq!(
        headlines(&text),
        [
            "error: content/ep.txt:16:14: timestamp \"00:00:61\" is out of range: seconds must be under 60"
        ]
    );
    let ep = parse_ok(&text.replace("00:00:61", "00:00:09"));
    assert_eq!(ep.chapters[0].line, 9);
    assert_eq!(&*ep.chapters[0].turns[0].body, "Hello\n\nthere");
    assert_eq!(ep.chapters[0].turns[1].line, 16);
}

// ----------------------------------------------------------------- front matter delimiters

#[test]
fn missing_opening_delimiter_is_an_error_at_line_one() {
    assert_eq!(
        headlines("podcast_name: Pod\n---\nRyan 00:00:01: Hi\n"),
        ["error: content/ep.txt:1:1: missing front matter: the first line must be \"---\""]
    );
    assert_eq!(
        headlines(""),
        ["error: content/ep.txt:1:1: missing front matter: the first line must be \"---\""]
    );
    // Blank lines before the front matter are not allowed either.
    assert_eq!(headlines(&format!("\n{FM}Ryan 00:00:01: Hi\n")).len(), 1);
}

#[test]
fn unterminated_front_matter_is_an_error() {
    assert_eq!(
        headlines("---\npodcast_name: Pod\nRyan 00:00:01: Hi\n"),
        ["error: content/ep.txt:1:1: front matter is not terminated: no closing \"---\" line"]
    );
    // `----` and `--- x` are not delimiters; trailing blanks are allowed.
    assert_eq!(headlines("---\na: b\n----\n--- x\n").len(), 1);
    let ep = parse_ok(
        &(FM.replace("---\n", "---  \t\n")
            .replace("---  \t\np", "---\np")
            + "Ryan 00:00:01: Hi\n"),
    );
    assert_eq!(ep.front.podcast_name, "Pod");
    // No body at all.
    assert_eq!(headlines(FM), ["error: content/ep.txt: no turns found"]);
}

#[test]
fn oversized_front_matter_is_refused() {
    let big = format!(
        "---\nnotes: \"{}\"\n---\n",
        "x".repeat(front_matter::MAX_FRONT_MATTER_BYTES)
    );
    assert_eq!(
        headlines(&big),
        [
            "error: content/ep.txt: no turns found",
            "error: content/ep.txt:2: front matter is larger than 1 MiB",
        ]
    );
}

// ----------------------------------------------------------------- YAML errors

#[test]
fn yaml_syntax_errors_point_into_the_transcript_file() {
    let text =
        FM.replace("episode_title: Title", "episode_title: Why: this") + "Ryan 00:00:01: Hi\n";
    assert_eq!(
        headlines(&text),
        [
            "error: content/ep.txt:3:19: front matter is not valid YAML: mapping values are not allowed in this context"
        ]
    );
    let text =
        FM.replace("guest_name: Stefan Mai", "guest_name: [Stefan Mai") + "Ryan 00:00:01: Hi\n";
    let h = headlines(&text);
    assert_eq!(h.len(), 1);
    // The unclosed list swallows the next line, where YAML notices.
    assert_eq!(
        h[0],
        "error: content/ep.txt:6:13: front matter is not valid YAML: illegal placement of ':' indicator"
    );
}

#[test]
fn lone_carriage_returns_never_shift_diagnostics_past_the_file() {
    // YAML breaks lines at a lone `\r`, the file only at `\n` (a fuzzer find: an error
    // was reported at line 69 of a 13-line file). Positions follow the file.
    let text = with_front(
        "podcast_name: Pod\nepisode_title: T\r\r\r\r\r\r\r\rhost_name: Ryan\n\
         episode_date: 31/02/2025\n",
    );
    assert_eq!(
        headlines(&text),
        ["error: content/ep.txt:4:15: episode_date \"31/02/2025\" is not a real date"]
    );
    let text = with_front("podcast_name: Pod\r\r\r\r\r\r\r\r\r\r\repisode_title: [x\n");
    for h in headlines(&text) {
        let line: u32 = h
            .split(':')
            .nth(2)
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        assert!(line <= 4, "{h}");
    }
}

#[test]
fn duplicate_keys_are_a_yaml_error_without_library_jargon() {
    let text = FM.replace(
        "episode_title: Title\n",
        "episode_title: Title\nepisode_title: Again\n",
    ) + "Ryan 00:00:01: Hi\n";
    assert_eq!(
        headlines(&text),
        [
            "error: content/ep.txt:4:1: front matter is not valid YAML: duplicate mapping key: episode_title"
        ]
    );
}

#[test]
fn front_matter_must_be_a_mapping() {
    assert_eq!(
        headlines("---\njust a sentence\n---\nRyan 00:00:01: Hi\n"),
        [
            "error: content/ep.txt:2:1: front matter must be a mapping of keys to values, not a string"
        ]
    );
}

#[test]
fn alias_bombs_hit_the_budget() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("b{}", i - 1)
        };
        yaml.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let h = headlines(&with_front(&yaml));
    assert_eq!(h.len(), 1, "{h:?}");
    assert!(h[0].contains("front matter is not valid YAML"), "{h:?}");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("x: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let h = headlines(&with_front(&deep));
    assert!(h[0].contains("front matter is not valid YAML"), "{h:?}");
}

// ----------------------------------------------------------------- required fields

#[test]
fn every_missing_required_field_is_reported() {
    assert_eq!(
        headlines(&with_front("guest_name: Someone\n")),
        [
            "error: content/ep.txt: missing required field `episode_date`",
            "error: content/ep.txt: missing required field `episode_title`",
            "error: content/ep.txt: missing required field `host_name`",
            "error: content/ep.txt: missing required field `podcast_name`",
        ]
    );
    // An empty front matter is a mapping with no keys.
    assert_eq!(headlines("---\n---\nRyan 00:00:01: Hi\n").len(), 4);
    assert_eq!(
        headlines("---\n# only a comment\n---\nRyan 00:00:01: Hi\n").len(),
        4
    );
}

#[test]
fn a_misspelt_required_key_is_named_in_the_help() {
    let text = FM.replace("episode_title:", "Episode_Title:") + "Ryan 00:00:01: Hi\n";
    let (_, diags) = run(&text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "missing required field `episode_title`");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("the front matter has `Episode_Title`; the key is spelled `episode_title`")
    );
}

#[test]
fn empty_required_fields_are_errors_at_the_key() {
    let text = FM
        .replace("podcast_name: Pod", "podcast_name:")
        .replace("episode_title: Title", "episode_title: \"  \"")
        .replace("host_name: Ryan Peterman", "host_name: [\"\", ~]")
        .replace("episode_date: 15/08/2025", "episode_date: ~")
        + "Ryan 00:00:01: Hi\n";
    assert_eq!(
        headlines(&text),
        [
            "error: content/ep.txt:2:1: required field `podcast_name` is empty",
            "error: content/ep.txt:3:1: required field `episode_title` is empty",
            "error: content/ep.txt:4:1: `host_name` has no names: at least one host is required",
            "error: content/ep.txt:6:1: required field `episode_date` is empty",
        ]
    );
}

// ----------------------------------------------------------------- field types

#[test]
fn hosts_and_guests_are_a_string_or_a_list() {
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nepisode_date: 2025-01-02\n\
         host_name: [Ryan Peterman, \"\", Ana Lee]\nguest_name: \"  \"\n",
    ));
    assert_eq!(ep.front.hosts, ["Ryan Peterman", "Ana Lee"]);
    assert!(ep.front.guests.is_empty());
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nepisode_date: 2025-01-02\n\
         host_name:\n  - Ryan\nguest_name:\n  - Bo Li\n  - Cy Ng\n",
    ));
    assert_eq!(ep.front.hosts, ["Ryan"]);
    assert_eq!(ep.front.guests, ["Bo Li", "Cy Ng"]);
}

#[test]
fn wrong_types_are_errors_naming_the_key_at_its_line() {
    let text = with_front(
        "podcast_name: [a, b]\nepisode_title: {x: 1}\nhost_name: {a: b}\n\
         episode_date: [1]\nepisode_duration: -5\nyoe-starting: 20.5\n\
         draft: 3\ntopics: [ok, [nested]]\nguest_background: {a: 1}\n",
    );
    assert_eq!(
        headlines(&text),
        [
            "error: content/ep.txt:2:1: `podcast_name` must be a string, not a list",
            "error: content/ep.txt:3:1: `episode_title` must be a string, not a mapping",
            "error: content/ep.txt:4:1: `host_name` must be a string or a list of strings, not a mapping",
            "error: content/ep.txt:5:1: `episode_date` must be a date, not a list",
            "error: content/ep.txt:6:1: `episode_duration` must be a whole number of minutes, not \"-5\"",
            "error: content/ep.txt:7:1: `yoe-starting` must be a year (a whole number), not \"20.5\"",
            "error: content/ep.txt:8:1: `draft` must be true or false, not \"3\"",
            "error: content/ep.txt:9:14: `topics` entries must be strings, not a list",
            "error: content/ep.txt:10:1: `guest_background` must be a string or a list of strings, not a mapping",
        ]
    );
}

#[test]
fn scalars_are_read_as_written_for_text_fields() {
    let ep = parse_ok(&with_front(
        "podcast_name: 1984\nepisode_title: 1.10\nhost_name: [Ryan, true, 7]\nepisode_date: 01/02/2025\n\
         company_size: 0x1F\nbiggest_role: .inf\n",
    ));
    assert_eq!(ep.front.podcast_name, "1984");
    assert_eq!(ep.front.episode_title, "1.10");
    assert_eq!(ep.front.hosts, ["Ryan", "true", "7"]);
    assert_eq!(ep.front.company_size.as_deref(), Some("0x1F"));
    assert_eq!(ep.front.biggest_role.as_deref(), Some(".inf"));
    // An alias shows the value it stands for, not `*a`.
    let ep = parse_ok(&with_front(
        "podcast_name: &a 2025\nepisode_title: *a\nhost_name: Ryan\nepisode_date: 01/02/2025\n",
    ));
    assert_eq!(ep.front.episode_title, "2025");
}

#[test]
fn optional_fields_are_typed_and_blank_strings_are_none() {
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nhost_name: Ryan\nepisode_date: 2025-01-02\n\
         episode_duration: \"91\"\nyoe-starting: 2002\nepisode_description: |\n  Line one.\n\n  Line two.\n\
         biggest_role: \"   \"\ncurrent_company: ''\ncompany_size:\nslug: my-slug\n\
         audio_url: https://example.com/a.mp3\ntopics: Rust\ntags: [a, \"\", b]\ndraft: yes\n",
    ));
    let f = &ep.front;
    assert_eq!(f.duration_minutes, Some(91));
    assert_eq!(f.career_start, Some(2002));
    assert_eq!(f.description.as_deref(), Some("Line one.\n\nLine two."));
    assert_eq!(f.biggest_role, None);
    assert_eq!(f.current_company, None);
    assert_eq!(f.company_size, None);
    assert_eq!(f.slug.as_deref(), Some("my-slug"));
    assert_eq!(f.audio_url.as_deref(), Some("https://example.com/a.mp3"));
    assert_eq!(f.topics, ["Rust", "a", "b"]);
    assert!(f.draft);
    assert!(f.guest_background.is_empty());
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nhost_name: Ryan\nepisode_date: 2025-01-02\ndraft: false\n",
    ));
    assert!(!ep.front.draft);
    assert_eq!(ep.front.duration_minutes, None);
}

#[test]
fn unknown_keys_are_kept_as_json() {
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nhost_name: Ryan\nepisode_date: 2025-01-02\n\
         sponsor: Acme\nrating: 4.5\nlinks: {site: \"https://x.y\", count: 2}\nyoe_starting: 1999\nflag: y\n",
    ));
    let extra = &ep.front.extra;
    assert_eq!(extra["sponsor"], serde_json::json!("Acme"));
    assert_eq!(extra["rating"], serde_json::json!(4.5));
    assert_eq!(
        extra["links"],
        serde_json::json!({"site": "https://x.y", "count": 2})
    );
    assert_eq!(extra["yoe_starting"], serde_json::json!(1999));
    // YAML 1.1 booleans stay strings.
    assert_eq!(extra["flag"], serde_json::json!("y"));
}

#[test]
fn unknown_keys_holding_mappings_or_nested_lists_are_noted_with_their_position() {
    let ep = parse_ok(&with_front(
        "podcast_name: P\nepisode_title: T\nhost_name: Ryan\nepisode_date: 2025-01-02\n\
         links: {site: x}\nformats: [AMA, [a, b]]\npanel:\n  - name: Ann\nplain: [AMA, Panel]\n",
    ));
    // Still there for templates; not errors by themselves (no taxonomy asked yet).
    assert!(ep.front.extra.contains_key("links"));
    let noted: Vec<(&str, String)> = ep
        .front
        .nested_extra
        .iter()
        .map(|n| (n.key.as_str(), n.problem.headline()))
        .collect();
    assert_eq!(
        noted,
        [
            (
                "links",
                "error: content/ep.txt:6:8: `links` holds a mapping, but a taxonomy's field \
                 must be a value or a list of values"
                    .to_owned()
            ),
            (
                "formats",
                "error: content/ep.txt:7:16: `formats` holds a list inside a list, but a \
                 taxonomy's field must be a value or a list of values"
                    .to_owned()
            ),
            (
                "panel",
                "error: content/ep.txt:9:5: `panel` holds a mapping inside a list, but a \
                 taxonomy's field must be a value or a list of values"
                    .to_owned()
            ),
        ]
    );
}

// ----------------------------------------------------------------- dates

fn date_headlines(value: &str, format: Option<&str>) -> (Option<Date>, Vec<String>) {
    let text = FM.replace("15/08/2025", value) + "Ryan 00:00:01: Hi\n";
    let src = SourceFile {
        display: "content/ep.txt".into(),
        bytes: text.into_bytes(),
    };
    let opts = ParseOptions {
        date_format: format.map(str::to_owned),
    };
    let (ep, diags) = parse(&src, &opts);
    (
        ep.map(|e| e.front.date),
        diags.iter().map(Diagnostic::headline).collect(),
    )
}

#[test]
fn default_dates_are_day_first_or_iso() {
    use jiff::civil::date;
    assert_eq!(
        date_headlines("15/08/2025", None).0,
        Some(date(2025, 8, 15))
    );
    assert_eq!(date_headlines("5/8/2025", None).0, Some(date(2025, 8, 5)));
    assert_eq!(
        date_headlines("2025-08-15", None).0,
        Some(date(2025, 8, 15))
    );
    assert_eq!(
        date_headlines("\"29/02/2024\"", None).0,
        Some(date(2024, 2, 29))
    );
}

#[test]
fn a_date_that_does_not_exist_is_an_error_at_the_value() {
    let (_, h) = date_headlines("31/02/2025", None);
    assert_eq!(
        h,
        ["error: content/ep.txt:6:15: episode_date \"31/02/2025\" is not a real date"]
    );
    let (_, h) = date_headlines("2025-13-01", None);
    assert_eq!(
        h,
        ["error: content/ep.txt:6:15: episode_date \"2025-13-01\" is not a real date"]
    );
    let (_, h) = date_headlines("29/02/2025", None);
    assert_eq!(h.len(), 1);
}

#[test]
fn an_unparseable_date_is_an_error_at_the_value() {
    for bad in [
        "August 15, 2025",
        "2025/08/15",
        "15-08-2025",
        "15/08/25",
        "20250815",
        "2025-8-15",
    ] {
        let (date, h) = date_headlines(bad, None);
        assert_eq!(date, None);
        assert_eq!(
            h,
            [format!(
                "error: content/ep.txt:6:15: episode_date \"{bad}\" is not a date: expected DD/MM/YYYY or YYYY-MM-DD"
            )],
        );
    }
}

#[test]
fn a_configured_date_format_is_used_exactly() {
    use jiff::civil::date;
    let us = Some("%m/%d/%Y");
    assert_eq!(date_headlines("08/15/2025", us).0, Some(date(2025, 8, 15)));
    let (_, h) = date_headlines("15/08/2025", us);
    assert_eq!(
        h,
        [
            "error: content/ep.txt:6:15: episode_date \"15/08/2025\" does not match the date format \"%m/%d/%Y\""
        ]
    );
    let (_, h) = date_headlines("02/30/2025", us);
    assert_eq!(
        h,
        ["error: content/ep.txt:6:15: episode_date \"02/30/2025\" is not a real date"]
    );
    // ISO is not accepted when another format is configured.
    assert_eq!(date_headlines("2025-08-15", us).1.len(), 1);
}

// ----------------------------------------------------------------- turns

#[test]
fn turn_lines_are_recognised_in_every_timestamp_form() {
    let cases = [
        ("Ryan 00:01:33:", "Ryan", "00:01:33", 93),
        ("Ryan 1:02:03:", "Ryan", "1:02:03", 3723),
        ("Ryan 12:34:", "Ryan", "12:34", 754),
        ("Ryan 2:05:", "Ryan", "2:05", 125),
        ("Ryan 75:30:", "Ryan", "75:30", 4530),
        ("Speaker 1 00:00:05:", "Speaker 1", "00:00:05", 5),
        (
            "Dr. Ana de la Cruz 00:00:05:\t",
            "Dr. Ana de la Cruz",
            "00:00:05",
            5,
        ),
        ("Éva 00:00:05: Szia", "Éva", "00:00:05", 5),
    ];
    for (line, label, stamp, secs) in cases {
        let head = body::turn_head(line).unwrap_or_else(|| panic!("{line}"));
        assert_eq!((head.label, head.stamp), (label, stamp), "{line}");
        assert_eq!(body::stamp_value(head.stamp), Ok(Timestamp(secs)), "{line}");
    }
}

#[test]
fn prose_is_not_taken_for_a_turn() {
    for line in [
        "Ryan 00:01:33",
        "Ryan 00:01:33:x",
        "Ryan  00:01:33:",
        " Ryan 00:01:33:",
        "- Ryan 00:01:33:",
        "> Ryan 00:01:33:",
        "Ryan: 00:01:33:",
        "Note: we met at 10:30: it was fun",
        "Ryan 123:00:00:",
        "Ryan 00:1:33:",
        "Ryan 00:01:333:",
        "Ryan 00:01:33:44:",
        "Ryan 00-01-33:",
        "Ryan 00:01:33 :",
        "00:01:33:",
        "",
    ] {
        assert_eq!(body::turn_head(line), None, "{line:?}");
    }
    let long = format!("{} 00:00:01:", "x".repeat(61));
    assert_eq!(body::turn_head(&long), None);
    let ok = format!("{} 00:00:01:", "x".repeat(60));
    assert!(body::turn_head(&ok).is_some());
    assert!(body::turn_head("One Two Three Four Five Six 00:00:01:").is_some());
    assert_eq!(
        body::turn_head("One Two Three Four Five Six Seven 00:00:01:"),
        None
    );
}

#[test]
fn inline_text_starts_the_body_and_paragraphs_are_kept() {
    let ep = parse_ok(&with_body(
        "Ryan 00:00:01: First words.\n\nSecond paragraph.\n\n\n  \nStefan 00:00:02:\n\n\nLine one\nline two  \n\n- a list\n\n\n",
    ));
    let t = turns(&ep);
    assert_eq!(&*t[0].body, "First words.\n\nSecond paragraph.");
    assert_eq!(&*t[1].body, "Line one\nline two  \n\n- a list");
    assert_eq!(t[0].line, 8);
    assert_eq!(t[1].line, 14);
}

#[test]
fn a_turn_may_have_an_empty_body() {
    let ep = parse_ok(&with_body("Ryan 00:00:01:\nStefan 00:00:02:   \n"));
    assert_eq!(turns(&ep).len(), 2);
    assert!(turns(&ep).iter().all(|t| t.body.is_empty()));
}

#[test]
fn out_of_range_timestamps_are_errors_at_the_field() {
    assert_eq!(
        headlines(&with_body(
            "Ryan 00:61:00: a\nStefan 1:00:60: b\nRyan 99:75: c\n"
        )),
        [
            "error: content/ep.txt:8:9: timestamp \"00:61:00\" is out of range: minutes must be under 60",
            "error: content/ep.txt:9:13: timestamp \"1:00:60\" is out of range: seconds must be under 60",
            "error: content/ep.txt:10:9: timestamp \"99:75\" is out of range: seconds must be under 60",
        ]
    );
}

#[test]
fn timestamps_going_backwards_are_warned_at_the_turn() {
    let text =
        with_body("Ryan 00:02:00: a\nStefan 00:01:00: b\nRyan 00:01:00: c\nStefan 00:00:30: d\n");
    assert_eq!(
        headlines(&text),
        [
            "warning: content/ep.txt:9:8: timestamp 00:01:00 is earlier than the previous turn's 00:02:00",
            "warning: content/ep.txt:11:8: timestamp 00:00:30 is earlier than the previous turn's 00:01:00",
        ]
    );
    assert!(run(&text).0.is_some());
}

#[test]
fn a_turn_line_with_a_malformed_time_is_warned_about_and_kept_as_text() {
    let text = with_body(
        "Ryan 00:00:01: Hello.\nRyan 00:0x:10: bad time\nStefan 00:00:20: Hi.\n\
         Stefan 1:2: short fields\nRyan 00:01:33:44: too many\n",
    );
    assert_eq!(
        headlines(&text),
        [
            "warning: content/ep.txt:9:6: this line looks like a turn line, but \"00:0x:10\" is not a timestamp: it is read as text of the turn before it",
            "warning: content/ep.txt:11:8: this line looks like a turn line, but \"1:2\" is not a timestamp: it is read as text of the turn before it",
            "warning: content/ep.txt:12:6: this line looks like a turn line, but \"00:01:33:44\" is not a timestamp: it is read as text of the turn before it",
        ]
    );
    let (ep, _) = run(&text);
    let ep = ep.expect("warnings only");
    let t = turns(&ep);
    assert_eq!(t.len(), 2);
    assert_eq!(&*t[0].body, "Hello.\nRyan 00:0x:10: bad time");
    // Before any turn, the line is opening text, with the warnings for both.
    let text = with_body("Ryan 0:0:1: Hi.\nRyan 00:00:02: Hello.\n");
    let lines = headlines(&text);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"0:0:1\" is not a timestamp: it is read as text")),
        "{lines:?}"
    );
    // Prose, an escaped colon and a single field are not taken for turn lines.
    for line in [
        "Step 1: do it",
        "Genesis 1:1\\: in the beginning",
        "Note: we met at 10:30: it was fun",
        "We met at 10:30pm and left",
        "- Ryan 00:0x:10: in a list",
        "Ryan 00-01-33: dashes",
        "One Two Three Four Five Six Seven 00:0x:01: a long label",
    ] {
        let text = with_body(&format!("Ryan 00:00:01: Hello.\n{line}\n"));
        assert_eq!(headlines(&text), Vec::<String>::new(), "{line:?}");
    }
}

#[test]
fn no_turns_at_all_is_an_error() {
    assert_eq!(
        headlines(&with_body("Transcript\n\nJust prose.\nMore prose.\n")),
        [
            "error: content/ep.txt: no turns found",
            "warning: content/ep.txt:10:1: text before the first turn is shown as the transcript's opening text",
        ]
    );
}

// ----------------------------------------------------------------- chapters

#[test]
fn turns_before_the_first_heading_form_an_implicit_chapter() {
    let ep = parse_ok(&with_body(
        "\n\nRyan 00:00:01: a\nStefan 00:00:02: b\n## Next\nRyan 00:00:03: c\n",
    ));
    assert_eq!(ep.chapters.len(), 2);
    assert_eq!(ep.chapters[0].title, None);
    assert_eq!(ep.chapters[0].line, 10);
    assert_eq!(ep.chapters[0].turns.len(), 2);
    assert_eq!(ep.chapters[1].title.as_deref(), Some("Next"));
    assert_eq!(ep.chapters[1].line, 12);
}

#[test]
fn headings_of_every_level_start_chapters() {
    let ep = parse_ok(&with_body(
        "# One\nRyan 00:00:01: a\n###### Six ###\nRyan 00:00:02: b\n   ### Why C#\nRyan 00:00:03: c\n##\tTabbed  #\nRyan 00:00:04: d\n",
    ));
    let titles: Vec<_> = ep
        .chapters
        .iter()
        .map(|c| c.title.as_deref().unwrap())
        .collect();
    assert_eq!(titles, ["One", "Six", "Why C#", "Tabbed"]);
}

#[test]
fn hash_lines_that_are_not_headings_stay_in_the_body() {
    let ep = parse_ok(&with_body(
        "Ryan 00:00:01: a\n#hashtag\n####### seven\n    # indented code\n###\n## ##\n",
    ));
    assert_eq!(ep.chapters.len(), 1);
    assert_eq!(
        &*ep.chapters[0].turns[0].body,
        "a\n#hashtag\n####### seven\n    # indented code\n###\n## ##"
    );
}

#[test]
fn the_transcript_marker_is_not_a_chapter() {
    for marker in [
        "Transcript",
        "transcript",
        "TRANSCRIPT:",
        "# Transcript",
        "### transcript ###",
    ] {
        let ep = parse_ok(&with_body(&format!(
            "\n{marker}\n### A\nRyan 00:00:01: a\n"
        )));
        assert_eq!(ep.chapters.len(), 1, "{marker}");
        assert_eq!(ep.chapters[0].title.as_deref(), Some("A"));
    }
    // Only as the first line of the body.
    assert_eq!(
        headlines(&with_body("### A\nRyan 00:00:01: a\n### Transcript\n")),
        ["warning: content/ep.txt:10:5: chapter \"Transcript\" has no turns and is left out"]
    );
}

#[test]
fn a_heading_with_no_turns_is_dropped_with_a_warning() {
    let text = with_body("### Empty\n\n### Full\nRyan 00:00:01: a\n### Trailing\n");
    assert_eq!(
        headlines(&text),
        [
            "warning: content/ep.txt:8:5: chapter \"Empty\" has no turns and is left out",
            "warning: content/ep.txt:12:5: chapter \"Trailing\" has no turns and is left out",
        ]
    );
    let ep = run(&text).0.unwrap();
    assert_eq!(ep.chapters.len(), 1);
}

#[test]
fn text_outside_turns_is_kept_as_opening_text_with_one_warning_per_place() {
    let text = with_body(
        "Transcript\nIntro line.\nMore intro.\n### A\nNote under A.\n\nAnother.\nRyan 00:00:01: a\nbody\n",
    );
    assert_eq!(
        headlines(&text),
        [
            "warning: content/ep.txt:9:1: text before the first turn is shown as the transcript's opening text",
            "warning: content/ep.txt:12:1: text after the heading \"A\" (line 11), before any turn, is shown as the chapter's opening text",
        ]
    );
    let ep = run(&text).0.unwrap();
    // The text before any heading opens an implicit chapter of its own.
    assert_eq!(ep.chapters.len(), 2);
    assert_eq!(ep.chapters[0].title, None);
    assert_eq!(ep.chapters[0].line, 9);
    assert_eq!(ep.chapters[0].intro, "Intro line.\nMore intro.");
    assert!(ep.chapters[0].turns.is_empty());
    assert_eq!(ep.chapters[1].intro, "Note under A.\n\nAnother.");
    assert_eq!(&*ep.chapters[1].turns[0].body, "a\nbody");
}

#[test]
fn a_hash_line_inside_a_turn_starts_a_chapter_that_keeps_the_text_after_it() {
    // `# of users ...` is a heading (the documented rule), so it ends Ryan's turn; what
    // follows it up to the next turn opens the new chapter instead of vanishing.
    let text = with_body(
        "Ryan 00:00:01:\nWe measured it.\n# of users doubled that year\nand revenue too.\r\n\r\nReally.\nStefan 00:00:09: Wow.\n### Show notes\nLinks below.\n",
    );
    assert_eq!(
        headlines(&text),
        [
            "warning: content/ep.txt:11:1: text after the heading \"of users doubled that year\" (line 10), before any turn, is shown as the chapter's opening text",
            "warning: content/ep.txt:16:1: text after the heading \"Show notes\" (line 15), before any turn, is shown as the chapter's opening text",
        ]
    );
    let ep = run(&text).0.unwrap();
    let shape: Vec<_> = ep
        .chapters
        .iter()
        .map(|c| (c.title.as_deref(), c.intro.as_str(), c.turns.len()))
        .collect();
    assert_eq!(
        shape,
        [
            (None, "", 1),
            (
                Some("of users doubled that year"),
                "and revenue too.\n\nReally.",
                1
            ),
            (Some("Show notes"), "Links below.", 0),
        ]
    );
    assert_eq!(&*ep.chapters[0].turns[0].body, "We measured it.");
}

// ----------------------------------------------------------------- speakers

fn speakers(hosts: &str, guests: &str, body: &str) -> (Vec<Option<SpeakerRef>>, Vec<String>) {
    let text = format!(
        "---\npodcast_name: P\nepisode_title: T\nepisode_date: 2025-01-02\nhost_name: {hosts}\nguest_name: {guests}\n---\n{body}"
    );
    let (ep, _) = run(&text);
    let resolved = ep.map_or_else(Vec::new, |ep| {
        turns(&ep).iter().map(|t| t.resolved).collect()
    });
    (resolved, headlines(&text))
}

const HOST0: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Host,
    index: 0,
});
const HOST1: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Host,
    index: 1,
});
const GUEST0: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Guest,
    index: 0,
});
const GUEST1: Option<SpeakerRef> = Some(SpeakerRef {
    role: Role::Guest,
    index: 1,
});

#[test]
fn labels_resolve_by_full_or_first_name_ignoring_case() {
    let (r, h) = speakers(
        "[Ryan Peterman, Ana Lee]",
        "Stefan Mai",
        "Ryan 00:00:01: a\nana 00:00:02: b\nSTEFAN MAI 00:00:03: c\nStefan   Mai 00:00:04: d\nryan peterman 00:00:05: e\n",
    );
    assert_eq!(r, [HOST0, HOST1, GUEST0, GUEST0, HOST0]);
    assert!(h.is_empty(), "{h:?}");
}

#[test]
fn unresolved_labels_warn_once_at_their_first_turn() {
    let (r, h) = speakers(
        "Ryan Peterman",
        "Stefan Mai",
        "Producer 00:00:01: a\nRyan 00:00:02: b\nProducer 00:00:03: c\nRyan P. 00:00:04: d\n",
    );
    assert_eq!(r, [None, HOST0, None, None]);
    assert_eq!(
        h,
        [
            "warning: content/ep.txt:8:1: speaker \"Producer\" is not a host or guest of this episode",
            "warning: content/ep.txt:11:1: speaker \"Ryan P.\" is not a host or guest of this episode",
        ]
    );
}

#[test]
fn a_shared_first_name_is_ambiguous_unless_the_full_name_is_used() {
    let (r, h) = speakers(
        "Alex Kim",
        "[Alex Lee, Bo Li]",
        "Alex 00:00:01: a\nAlex Lee 00:00:02: b\nAlex 00:00:03: c\nBo 00:00:04: d\n",
    );
    assert_eq!(r, [None, GUEST0, None, GUEST1]);
    assert_eq!(
        h,
        [
            "warning: content/ep.txt:8:1: speaker \"Alex\" is ambiguous: it is the first name of \"Alex Kim\" and \"Alex Lee\""
        ]
    );
}

#[test]
fn a_full_name_match_beats_a_first_name_match() {
    // "Kim" is a guest's full name and nobody's first name; "Kim Park" also exists.
    let (r, h) = speakers("Kim", "[Kim Park]", "Kim 00:00:01: a\n");
    assert_eq!(r, [HOST0]);
    assert!(h.is_empty(), "{h:?}");
}

#[test]
fn the_same_person_as_host_and_guest_is_not_ambiguous() {
    let (r, h) = speakers("Ryan Peterman", "Ryan Peterman", "Ryan 00:00:01: a\n");
    assert_eq!(r, [HOST0]);
    assert!(h.is_empty(), "{h:?}");
}

// ----------------------------------------------------------------- guest_background

#[test]
fn guest_background_and_headings_are_compared_normalised() {
    let text = "---\npodcast_name: P\nepisode_title: T\nepisode_date: 2025-01-02\nhost_name: Ryan\n\
                guest_background: [\"Are managers harder to lay-off?\", Job  hopping, Missing one]\n---\n\
                ### are managers HARDER to layoff\nRyan 00:00:01: a\n### Job hopping!\nRyan 00:00:02: b\n\
                ### Extra\nRyan 00:00:03: c\n";
    assert_eq!(
        headlines(text),
        [
            "warning: content/ep.txt:6:69: guest_background title \"Missing one\" has no matching chapter heading",
            "warning: content/ep.txt:12:5: chapter \"Extra\" is not listed in guest_background",
        ]
    );
}

#[test]
fn without_guest_background_headings_are_not_checked() {
    assert!(headlines(&with_body("### Anything\nRyan 00:00:01: a\n")).is_empty());
}

#[test]
fn normalised_titles_ignore_case_punctuation_and_spacing() {
    use speakers::normalize_title as n;
    assert_eq!(
        n("  Can you get out of a PIP? "),
        "can you get out of a pip"
    );
    assert_eq!(n("Passing OpenAI & Anthropic"), "passing openai anthropic");
    assert_eq!(n("Émile’s  story"), "émiles story");
    assert_eq!(n("AI/ML"), n("ai ml"));
    assert_eq!(n("lay-off"), n("Layoff"));
}

// ----------------------------------------------------------------- every problem

#[test]
fn every_problem_of_a_file_is_reported() {
    let text = "---\npodcast_name: P\nhost_name: Ryan\nepisode_date: 31/04/2025\nepisode_duration: long\n---\n\
                Intro.\nRyan 00:00:90: a\nZed 00:00:10: b\n";
    assert_eq!(
        headlines(text),
        [
            "error: content/ep.txt: missing required field `episode_title`",
            "error: content/ep.txt:4:15: episode_date \"31/04/2025\" is not a real date",
            "error: content/ep.txt:5:1: `episode_duration` must be a whole number of minutes, not \"long\"",
            "warning: content/ep.txt:7:1: text before the first turn is shown as the transcript's opening text",
            "error: content/ep.txt:8:12: timestamp \"00:00:90\" is out of range: seconds must be under 60",
        ]
    );
}

#[test]
fn diagnostics_carry_an_excerpt_with_a_caret() {
    let (_, diags) = run(&(FM.replace("15/08/2025", "31/02/2025") + "Ryan 00:00:01: Hi\n"));
    assert_eq!(
        diags[0].to_string(),
        "error: content/ep.txt:6:15: episode_date \"31/02/2025\" is not a real date\n  |\n\
         6 | episode_date: 31/02/2025\n  |               ^^^^^^^^^^"
    );
    let (_, diags) = run(&with_body("Ryan 00:00:01: a\nBo 00:00:02: b\n"));
    assert_eq!(
        diags[0].to_string(),
        "warning: content/ep.txt:9:1: speaker \"Bo\" is not a host or guest of this episode\n  |\n\
         9 | Bo 00:00:02: b\n  | ^^\n  = help: a label links to a person when it is their full or \
         first name as written in `host_name` or `guest_name`"
    );
}

// ----------------------------------------------------------------- scale

#[test]
fn ten_thousand_chapters_parse() {
    let mut text = String::from(FM);
    for i in 0..10_000u32 {
        text.push_str(&format!(
            "### Chapter {i}\nRyan {}:{:02}:{:02}: words\n\n",
            i / 3600,
            i / 60 % 60,
            i % 60
        ));
    }
    // How the time grows is measured by bench/scale.sh, not asserted here.
    let ep = parse_ok(&text);
    assert_eq!(ep.chapters.len(), 10_000);
}

#[test]
fn pathological_lines_parse() {
    // One huge line of words and digits, and a file of nothing but colons.
    let words = "a 1 ".repeat(500_000);
    let colons = ":".repeat(1_000_000);
    for body in [words, colons] {
        let h = headlines(&with_body(&body));
        assert_eq!(h.len(), 2);
    }
}

// ----------------------------------------------------------------- never panics

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_result_is_consistent(bytes: Vec<u8>) {
        let src = SourceFile {
            display: "p.txt".into(),
            bytes,
        };
        let (ep, diags) = parse(&src, &ParseOptions::default());
        assert_eq!(ep.is_some(), !diags.iter().any(Diagnostic::is_error));
        for d in &diags {
            assert!(!d.message.is_empty());
            assert!(!d.message.ends_with('.'));
        }
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("~".to_owned()),
            Just("[a, b]".to_owned()),
            Just("{a: 1}".to_owned()),
            Just("31/02/2025".to_owned()),
            Just("2025-08-15".to_owned()),
            Just("-3".to_owned()),
            Just("\"unterminated".to_owned()),
            Just("&a [*a]".to_owned()),
            "[ -~]{0,20}",
            "\\PC{0,12}",
        ]
    }

    fn turn_line() -> impl Strategy<Value = String> {
        (
            prop_oneof![
                Just("Ryan"),
                Just("Stefan Mai"),
                Just("Producer"),
                Just(""),
                Just("### Chapter")
            ],
            0u32..130,
            0u32..130,
            0u32..130,
            any::<bool>(),
            "[ -~]{0,15}",
        )
            .prop_map(|(who, h, m, s, long, text)| {
                if long {
                    format!("{who} {h:02}:{m:02}:{s:02}:{text}")
                } else {
                    format!("{who} {m}:{s:02}: {text}")
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_on_strings(s in "\\PC*") {
            any_result_is_consistent(s.into_bytes());
        }

        #[test]
        fn never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            any_result_is_consistent(b);
        }

        #[test]
        fn never_panics_on_front_matter_shaped_strings(s in "(---\n)?[-:#a-z0-9 \n\r\"'\\[\\]{}&*]{0,200}(\n---\n)?[-:#A-Za-z0-9 \n]{0,200}") {
            any_result_is_consistent(s.into_bytes());
        }

        #[test]
        fn near_valid_files_never_panic(
            keys in proptest::collection::vec(
                (prop_oneof![
                    Just("podcast_name"), Just("episode_title"), Just("host_name"),
                    Just("guest_name"), Just("episode_date"), Just("episode_duration"),
                    Just("yoe-starting"), Just("topics"), Just("draft"), Just("guest_background"),
                    Just("extra_key"),
                ], scalar()),
                0..12,
            ),
            lines in proptest::collection::vec(
                prop_oneof![turn_line(), "[ -~]{0,30}", Just(String::new()), Just("---".to_owned())],
                0..30,
            ),
            crlf in any::<bool>(),
        ) {
            let mut text = String::from("---\n");
            for (k, v) in keys {
                text.push_str(&format!("{k}: {v}\n"));
            }
            text.push_str("---\n");
            for l in lines {
                text.push_str(&l);
                text.push('\n');
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            any_result_is_consistent(text.into_bytes());
        }

        #[test]
        fn valid_files_round_trip_their_turns(
            turns in proptest::collection::vec(("[A-Z][a-z]{1,8}", 0u32..36_000, "[a-z][a-z ]{0,19}"), 1..20),
        ) {
            let mut text = String::from(FM);
            for (who, secs, said) in &turns {
                text.push_str(&format!("{who} {:02}:{:02}:{:02}:\n\n{}\n\n", secs / 3600, secs / 60 % 60, secs % 60, said));
            }
            let (ep, diags) = run(&text);
            prop_assert!(!diags.iter().any(Diagnostic::is_error), "{:?}", diags);
            let ep = ep.unwrap();
            let got: Vec<_> = ep.chapters.iter().flat_map(|c| &c.turns).collect();
            prop_assert_eq!(got.len(), turns.len());
            for (t, (who, secs, said)) in got.iter().zip(&turns) {
                prop_assert_eq!(&t.speaker, who);
                prop_assert_eq!(t.start, Timestamp(*secs));
                prop_assert_eq!(&*t.body, said.trim());
            }
        }
    }
}

/// Parses every file of a generated corpus (`CASTBOOK_CORPUS=dir`) and prints the
/// diagnostics; run with `cargo test --release --lib corpus -- --ignored --nocapture`.
#[test]
#[ignore = "needs a generated corpus in CASTBOOK_CORPUS"]
fn corpus_parses_without_errors() {
    let Some(dir) = std::env::var_os("CASTBOOK_CORPUS") else {
        return;
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files.push(SourceFile {
            display: path.display().to_string(),
            bytes,
        });
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let started = std::time::Instant::now();
    let results: Vec<_> = files
        .iter()
        .map(|f| parse(f, &ParseOptions::default()))
        .collect();
    let elapsed = started.elapsed();
    let rounds: u32 = std::env::var("CASTBOOK_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    if rounds > 0 {
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            for f in &files {
                std::hint::black_box(parse(f, &ParseOptions::default()));
            }
        }
        let per_round = started.elapsed() / rounds;
        println!(
            "steady state: {per_round:?} a round ({:.0} MB/s)",
            total as f64 / 1e6 / per_round.as_secs_f64()
        );
    }
    let mut errors = 0;
    let mut warnings = 0;
    for (ep, diags) in &results {
        for d in diags {
            println!("{}", d.headline());
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
        }
        assert_eq!(ep.is_some(), !diags.iter().any(Diagnostic::is_error));
    }
    println!(
        "{} files, {:.1} MB in {:?} on one thread ({:.0} MB/s): {errors} errors, {warnings} warnings",
        files.len(),
        total as f64 / 1e6,
        elapsed,
        total as f64 / 1e6 / elapsed.as_secs_f64()
    );
    assert_eq!(errors, 0);
}

/// Every transcript under `dir/content`, as the CLI would name it.
fn fixture_files(dir: &std::path::Path) -> Vec<SourceFile> {
    fn walk(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<SourceFile>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                let display = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(SourceFile {
                    display,
                    bytes: std::fs::read(&path).unwrap(),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &dir.join("content"), &mut out);
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

/// The fixtures' `expected.txt` list the exact headlines `castbook check` shows for
/// them (sorted as `Diagnostics::sort` sorts); `CASTBOOK_BLESS=1` rewrites them.
#[test]
fn fixtures_give_the_expected_headlines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bless = std::env::var_os("CASTBOOK_BLESS").is_some();
    let mut checked = 0;
    for kind in ["valid", "invalid"] {
        let mut dirs: Vec<_> = std::fs::read_dir(root.join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        dirs.sort();
        for dir in dirs {
            let mut diags = crate::diag::Diagnostics::new();
            let mut parsed = 0;
            let files = fixture_files(&dir);
            for file in &files {
                let (ep, ds) = parse(file, &ParseOptions::default());
                parsed += usize::from(ep.is_some());
                diags.extend(ds);
            }
            diags.sort();
            let got: String = diags.iter().map(|d| d.headline() + "\n").collect();
            let expected_path = dir.join("expected.txt");
            if bless {
                std::fs::write(&expected_path, &got).unwrap();
            }
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            assert_eq!(got, expected, "{}", dir.display());
            assert_eq!(kind == "valid", !diags.has_errors(), "{}", dir.display());
            if kind == "valid" {
                assert_eq!(parsed, files.len(), "{}", dir.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 20);
}
