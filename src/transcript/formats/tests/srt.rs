//! SubRip: `Name:` prefixes carried over, the quirks caption tools leave, problems.

use super::*;

#[test]
fn cards_join_into_turns_and_prefixes_carry_over() {
    // The shape of the podcast namespace's example.srt.
    let srt = "1\n00:00:00,000 --> 00:00:02,760\nRyan: In today's episode,\nyou'll learn whether or not you\n\n\
               2\n00:00:02,760 --> 00:00:06,090\nshould have a podcast trailer.\n\n\
               3\n00:00:06,500 --> 00:00:08,000\nStefan: Hi Ryan, Stefan\nhere from Hello Interview.\n";
    let ep = clean(&with_sidecar("srt", srt, SIDECAR));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].who.as_str(), got[0].person), ("Ryan", true));
    assert_eq!(got[0].ms, Some((0, 6090)));
    assert_eq!(
        got[0].body,
        "In today's episode, you'll learn whether or not you should have a podcast trailer."
    );
    assert_eq!(
        (got[1].who.as_str(), got[1].ms),
        ("Stefan", Some((6500, 8000)))
    );
    assert_eq!(got[1].body, "Hi Ryan, Stefan here from Hello Interview.");
    assert_eq!(ep.chapters[0].turns[1].line, 11);
}

#[test]
fn missing_numbers_and_blank_lines_overlaps_and_tags() {
    let srt = "00:00:01.000 --> 00:00:03.000\n{\\an8}<i>Ryan: Hello</i>\n\
               2\n00:00:02,500 --> 00:00:02,500\n<font color=\"red\">overlap</font>\n\
               00:04,000 --> 00:05,000\nand <inaudible> on.\n\n\n";
    let ep = clean(&with_sidecar("srt", srt, SIDECAR));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].ms, Some((1000, 5000)));
    assert_eq!(got[0].body, "Hello overlap and \\<inaudible> on.");
}

#[test]
fn problems_have_their_line_and_column() {
    let srt = "1\n00:00:01,000 -> 00:00:02,000\nHi\n\n\
               2\n00:00:03,000 --> 00:00:02,000\nRyan: Later\n\n\
               garbage line\n\n\
               4\n00:00:04,000 --> 00:00:05,5000\nMore\n";
    let (ep, diags) = run(&with_sidecar("srt", srt, SIDECAR));
    assert!(ep.is_none());
    assert_eq!(
        diags,
        [
            "error: content/ep.srt:2:1: malformed cue timing: no \"-->\" between the start and end times",
            "warning: content/ep.srt:6:1: card ends before it starts; its end is set to its start",
            "error: content/ep.srt:9:1: malformed card: expected a card number or a timing line",
            "error: content/ep.srt:12:27: malformed cue timing: milliseconds must be 1 to 3 digits",
        ]
    );
}
