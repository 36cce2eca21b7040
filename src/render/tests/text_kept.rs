//! No transcript text is lost: a property test from transcript text to the episode
//! page. Every non-blank line of a valid transcript's body that is not markup (a
//! heading, a turn line, the `Transcript` marker) appears in the page's text, and so
//! does the text after a turn line's timestamp. Headings are generated anywhere,
//! including between a turn and the lines that follow it, which is how text used to
//! fall out of the page.

use proptest::prelude::*;

use super::*;
use crate::transcript::{ParseOptions, SourceFile};

/// One line of a generated body.
#[derive(Debug, Clone)]
enum Line {
    Blank,
    /// Prose: words only, so its Markdown renders to the same text.
    Prose(String),
    /// `#`×level, a space, a title: a chapter heading.
    Heading(usize, String),
    /// `Speaker HH:MM:SS:` with optional text after it.
    Turn(&'static str, u32, Option<String>),
}

/// A word whose Markdown is itself: no emphasis, link, escape, entity or smart-quote
/// characters, and no list or quote marker where a line starts (words start with a
/// letter). Raw HTML and `&` are in: both must come out as the text they are.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z][a-z0-9]{0,7}[.,?!]?",
        1 => Just("<b>".to_owned()),
        1 => Just("&".to_owned()),
        1 => "#[a-z]{1,6}",
        1 => "\\([a-z]{1,5}\\)",
        1 => "[A-Za-zéçü東京]{1,4}",
    ]
}

fn words() -> impl Strategy<Value = String> {
    ("[A-Z][a-z]{0,7}", proptest::collection::vec(word(), 0..8)).prop_map(|(first, rest)| {
        std::iter::once(first)
            .chain(rest)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        2 => Just(Line::Blank),
        5 => words().prop_map(Line::Prose),
        2 => (1usize..=6, words()).prop_map(|(level, t)| Line::Heading(level, t)),
        3 => (
            prop_oneof![Just("Ryan"), Just("Stefan"), Just("Guest Speaker")],
            0u32..36_000,
            proptest::option::of(words()),
        )
            .prop_map(|(who, secs, inline)| Line::Turn(who, secs, inline)),
    ]
}

/// The transcript file, and the texts the page must show.
fn transcript(marker: bool, lines: &[Line]) -> (String, Vec<String>) {
    let mut text = String::from(
        "---\npodcast_name: Show\nepisode_title: Kept words\nhost_name: Ryan Peterman\n\
         guest_name: Stefan Mai\nepisode_date: 2025-08-15\n---\n",
    );
    if marker {
        text.push_str("Transcript\n");
    }
    let mut expected = Vec::new();
    let mut has_turn = false;
    for line in lines {
        match line {
            Line::Blank => text.push('\n'),
            Line::Prose(w) => {
                text.push_str(w);
                text.push('\n');
                expected.push(w.clone());
            }
            Line::Heading(level, t) => {
                text.push_str(&format!("{} {t}\n", "#".repeat(*level)));
            }
            Line::Turn(who, secs, inline) => {
                has_turn = true;
                let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
                text.push_str(&format!("{who} {h:02}:{m:02}:{s:02}:"));
                if let Some(w) = inline {
                    text.push(' ');
                    text.push_str(w);
                    expected.push(w.clone());
                }
                text.push('\n');
            }
        }
    }
    if !has_turn {
        text.push_str("Ryan 00:00:01: The end.\n");
    }
    (text, expected)
}

/// The text a reader sees in the page's body: no `<head>`, scripts or tags, entities
/// decoded, whitespace runs as one space.
fn page_text(html: &str) -> String {
    let body = html
        .split_once("<body")
        .and_then(|(_, b)| b.split_once('>'))
        .map_or(html, |(_, b)| b);
    let mut text = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        rest = &rest[open..];
        let skip_to = if rest.starts_with("<script") {
            "</script>"
        } else if rest.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        rest = rest
            .find(skip_to)
            .map_or("", |i| &rest[i + skip_to.len()..]);
    }
    text.push_str(rest);
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_line_of_a_transcript_is_on_its_page(
        marker in any::<bool>(),
        lines in proptest::collection::vec(line(), 1..40),
    ) {
        let (text, expected) = transcript(marker, &lines);
        let src = SourceFile { display: "content/ep.txt".into(), bytes: text.clone().into_bytes() };
        let (parsed, diags) = crate::transcript::parse(&src, &ParseOptions::default());
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).map(|d| d.headline()).collect();
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, text);
        let (archive, _) = crate::archive::link(vec![parsed.unwrap()]);
        let (sink, _) = build(&archive, &config("/"), &plain());
        let page = sink.text(&format!("episodes/{}/index.html", archive.episodes[0].slug));
        let shown = page_text(&page);
        for line in &expected {
            let want = line.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert!(shown.contains(&want), "{:?} is not on the page\n--- transcript\n{}", want, text);
        }
    }
}

#[test]
fn page_text_drops_markup_and_decodes_entities() {
    let html = "<head><title>x</title></head><body><p>a &lt;b&gt; &amp;\n c</p>\
                <script>var hidden = 1;</script><div>d</div></body>";
    assert_eq!(page_text(html), "a <b> & c d");
}
