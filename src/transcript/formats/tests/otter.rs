//! otter.ai's text export, and castbook's own turn lines without front matter.

use super::*;

#[test]
fn otter_speaker_lines_paragraphs_and_signature() {
    let txt = "Ryan Peterman  0:05\nBecause you were a senior manager in big tech, how did you start?\n\n\
               Stefan Mai  1:33\nYeah, so for me personally, it was Amazon.\nIt was 2002.\n\n\
               Ryan Peterman  1:02:03\nAnd then?\n\nTranscribed by https://otter.ai\n";
    let ep = clean(&with_sidecar("txt", txt, SIDECAR));
    let got = plain_turns(&ep);
    let short: Vec<_> = got
        .iter()
        .map(|t| (t.who.as_str(), t.person, t.at, t.ms, t.body.as_str()))
        .collect();
    assert_eq!(
        short,
        [
            (
                "Ryan Peterman",
                true,
                5,
                None,
                "Because you were a senior manager in big tech, how did you start?"
            ),
            (
                "Stefan Mai",
                true,
                93,
                None,
                "Yeah, so for me personally, it was Amazon.\n\nIt was 2002."
            ),
            ("Ryan Peterman", true, 3723, None, "And then?"),
        ]
    );
    assert_eq!(ep.chapters[0].turns[1].line, 4);
}

#[test]
fn otter_text_before_the_first_speaker_is_warned_about() {
    let txt = "Interview notes\n\nUnknown Speaker  0:00\nHello.\n";
    let (ep, diags) = run(&with_sidecar("txt", txt, SIDECAR));
    // "Interview notes" is not a speaker line, so this is castbook's own format, where
    // the first line must be a turn.
    assert!(ep.is_none());
    assert!(
        diags.iter().any(|d| d.contains("no turns found")),
        "{diags:?}"
    );
    let txt = "Unknown Speaker  0:00\nHello.\n\nnot a speaker line\n";
    let (ep, diags) = run(&with_sidecar("md", txt, SIDECAR));
    assert_eq!(
        diags,
        [
            "warning: content/ep.md:1:1: speaker \"Unknown Speaker\" is not a host or guest of this episode and has no mapping in `speakers:`"
        ]
    );
    assert_eq!(
        plain_turns(&ep.unwrap())[0].body,
        "Hello.\n\nnot a speaker line"
    );
}

#[test]
fn castbook_turn_lines_without_front_matter_read_like_with_it() {
    let body = "Transcript\n### Early career\nRyan 00:00:59:\n\nHow did you start?\n\n\
                Stefan 00:01:33:\n\nAt Amazon, in *2012*.\n";
    let with_front = format!("---\n{SIDECAR}---\n{body}");
    let a = clean(&source("content/ep.txt", &with_front, &[]));
    let b = clean(&with_sidecar("txt", body, SIDECAR));
    assert_eq!(turns(&a), turns(&b));
    // The same values; their places are in the file that holds them.
    let place = |file: Option<&str>, line| crate::transcript::Place {
        file: file.map(str::to_owned),
        line,
        col: 15,
    };
    assert_eq!(a.front.at.podcast_name, Some(place(None, 2)));
    assert_eq!(
        b.front.at.podcast_name,
        Some(place(Some("content/ep.yml"), 1))
    );
    let (mut fa, mut fb) = (a.front.clone(), b.front.clone());
    fa.at = Default::default();
    fb.at = Default::default();
    assert_eq!(fa, fb);
    assert_eq!(b.chapters[0].title.as_deref(), Some("Early career"));
    // Markdown stays Markdown in castbook's own format.
    assert_eq!(&*b.chapters[0].turns[1].body, "At Amazon, in *2012*.");
}
