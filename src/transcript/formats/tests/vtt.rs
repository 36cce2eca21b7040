//! WebVTT: voice spans and `Name:` prefixes carried over, YouTube's rolling captions,
//! blocks that are not cues, and every problem with its line and column.

use super::*;

#[test]
fn voices_and_prefixes_carry_over_and_cues_join_into_turns() {
    // The shape of the podcast namespace's example.vtt: a voice or a prefix only
    // where the speaker changes.
    let vtt = "WEBVTT\n\n\
        00:00:00.179 --> 00:00:02.399\n<v Ryan Peterman> When you first get\nstarted in podcasting, it's\n\n\
        00:00:02.400 --> 00:00:04.799\nalmost guaranteed that you're\ngoing to make mistakes.\n\n\
        00:00:09.500 --> 00:00:12.000\nStefan Mai: So is there an ideal\npodcast length?\n\n\
        00:00:12.100 --> 00:00:14.000\nNope.\n\n\
        00:00:15.000 --> 00:00:17.000\n<v Ryan Peterman>Be a guest.\n";
    let ep = clean(&with_sidecar("vtt", vtt, SIDECAR));
    assert_eq!(ep.chapters.len(), 1);
    assert_eq!(ep.chapters[0].title, None);
    let got = plain_turns(&ep);
    let t = |who: &str, at, ms, body: &str| T {
        who: who.into(),
        person: true,
        at,
        ms: Some(ms),
        body: body.into(),
    };
    assert_eq!(
        got,
        [
            t(
                "Ryan Peterman",
                0,
                (179, 4799),
                "When you first get started in podcasting, it's almost guaranteed that you're going to make mistakes."
            ),
            t(
                "Stefan Mai",
                9,
                (9500, 14000),
                "So is there an ideal podcast length? Nope."
            ),
            t("Ryan Peterman", 15, (15000, 17000), "Be a guest."),
        ]
    );
    assert_eq!(ep.chapters[0].turns[1].line, 11);
}

#[test]
fn identifiers_short_timestamps_and_pauses() {
    // Cue identifiers, no hours, and a pause of 3 s: a new paragraph in the same turn.
    let vtt = "WEBVTT\n\n1\n00:01.000 --> 00:03.000\nRyan: Hello there.\n\n\
               2\n00:06.000 --> 00:08.000\nHow are you?\n";
    let ep = clean(&with_sidecar("vtt", vtt, SIDECAR));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].who, "Ryan");
    assert!(got[0].person);
    assert_eq!(got[0].body, "Hello there.\n\nHow are you?");
    assert_eq!(got[0].ms, Some((1000, 8000)));
}

#[test]
fn youtube_rolling_captions_lose_their_repeats_and_word_timings() {
    let vtt = "WEBVTT\nKind: captions\nLanguage: en\n\n\
        00:00:00.000 --> 00:00:02.310 align:start position:0%\n \n\
        so<00:00:00.539><c> today</c><00:00:00.780><c> we're</c><00:00:01.020><c> going</c>\n\n\
        00:00:02.310 --> 00:00:02.320 align:start position:0%\nso today we're going\n \n\n\
        00:00:02.320 --> 00:00:05.030 align:start position:0%\nso today we're going\n\
        to<00:00:02.460><c> talk</c><00:00:02.700><c> about</c><00:00:03.000><c> captions</c>\n\n\
        00:00:05.030 --> 00:00:05.040 align:start position:0%\nto talk about captions\n \n";
    let ep = clean(&with_sidecar("vtt", vtt, SIDECAR));
    let got = plain_turns(&ep);
    // Nobody is named and the episode has one host: the host speaks.
    assert_eq!(
        got,
        [T {
            who: "Ryan Peterman".into(),
            person: true,
            at: 0,
            ms: Some((0, 5030)),
            body: "so today we're going to talk about captions".into(),
        }]
    );
}

#[test]
fn several_voices_in_a_cue_and_blocks_that_are_not_cues() {
    let vtt = "WEBVTT - with a title\n\nSTYLE\n::cue { color: yellow }\n\n\
        REGION\nid:fred width:40%\n\nNOTE This is a comment\nthat spans lines\n\n\
        00:00:01.000 --> 00:00:04.000\n<v Ryan>Hi!</v> <v Stefan>Hello &amp; welcome &lt;3</v>\n\n\
        00:00:04.000 --> 00:00:06.000\n<v.loud Stefan><i>*laughs*</i> 1. Yes\n";
    let ep = clean(&with_sidecar("vtt", vtt, SIDECAR));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].who.as_str(), got[0].ms),
        ("Ryan", Some((1000, 4000)))
    );
    assert_eq!(got[0].body, "Hi!");
    assert_eq!(
        (got[1].who.as_str(), got[1].ms),
        ("Stefan", Some((1000, 6000)))
    );
    // Plain text stays plain: Markdown syntax in it is escaped.
    assert_eq!(got[1].body, "Hello & welcome <3 \\*laughs\\* 1. Yes");
}

#[test]
fn a_colon_in_prose_is_not_a_speaker() {
    let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ryan>The thing is\n\n\
               00:02.000 --> 00:03.000\nHere's the thing: we went on\n\n\
               00:03.000 --> 00:04.000\nAmazon: the company, I mean\n";
    let ep = clean(&with_sidecar("vtt", vtt, SIDECAR));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].body,
        "The thing is Here's the thing: we went on Amazon: the company, I mean"
    );
}

#[test]
fn not_webvtt_is_an_error_at_line_one() {
    let (ep, diags) = run(&with_sidecar(
        "vtt",
        "1\n00:00:01,000 --> 00:00:02,000\nHi\n",
        SIDECAR,
    ));
    assert!(ep.is_none());
    assert_eq!(
        diags,
        ["error: content/ep.vtt:1:1: not a WebVTT file: the first line must be \"WEBVTT\""]
    );
}

#[test]
fn problems_have_their_line_and_column_and_one_does_not_hide_the_others() {
    let vtt = "WEBVTT\n\nstray text\n\n\
        00:00:10.000 --> 00:0x:12.000\n<v Ryan>Bad timing\n\n\
        00:00:10.000 --> 00:00:12.000\n<v Ryan>Good\n\n\
        00:00:05.000 --> 00:00:04.000\nBackwards\n\n\
        00:00:20.000 --> 00:61:00.000\nBad minutes\n";
    let (ep, diags) = run(&with_sidecar("vtt", vtt, SIDECAR));
    assert!(ep.is_none());
    assert_eq!(
        diags,
        [
            "warning: content/ep.vtt:3:1: text outside any cue is ignored",
            "error: content/ep.vtt:5:21: malformed cue timing: expected digits",
            "warning: content/ep.vtt:11:1: cue ends before it starts; its end is set to its start",
            "warning: content/ep.vtt:11:1: cue starts at 0:00:05.000, before the cue above it (0:00:10.000)",
            "error: content/ep.vtt:14:21: malformed cue timing: minutes must be two digits under 60",
        ]
    );
    // Each says what to do.
    let (_, diags) = parse_source(&with_sidecar("vtt", vtt, SIDECAR), &ParseOptions::default());
    for d in &diags {
        let help = d.help.as_deref().unwrap_or_default();
        assert!(!help.is_empty(), "{} has no help", d.headline());
        if d.message.contains("before the cue above it") {
            assert!(help.contains("file order"), "{help}");
        }
    }
}
