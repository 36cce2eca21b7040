//! WebVTT cues whose words stay in the source ([`SrcLines`]) against the same file
//! read with every cue's words copied out: the same cues, speakers, labels, text and
//! diagnostics.

use proptest::prelude::*;

use crate::transcript::formats::{Cue, Known, text_ends_sentence, vtt};
use crate::transcript::meta::SpeakerMap;

/// A cue's text: its own, or its source lines trimmed and joined by a space.
fn words(src: &str, cue: &Cue) -> String {
    match cue.lines {
        Some(l) => src[l.from..l.to]
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        None => cue.text.clone(),
    }
}

/// Reads `vtt` both ways and checks they agree; returns how many cues stayed in the
/// source.
fn same_both_ways(vtt: &str) -> usize {
    let speakers = SpeakerMap::default();
    let known = Known {
        speakers: &speakers,
        front: None,
    };
    let (mut d_in, mut d_out) = (Vec::new(), Vec::new());
    let in_place = vtt::read("content/ep.vtt", vtt, &known, &mut d_in);
    let copied = vtt::read_copied("content/ep.vtt", vtt, &known, &mut d_out);
    assert_eq!(format!("{d_in:?}"), format!("{d_out:?}"));
    let (Some(a), Some(b)) = (in_place, copied) else {
        return 0;
    };
    assert_eq!(a.labels, b.labels, "{vtt:?}");
    assert_eq!(a.cues.len(), b.cues.len(), "{vtt:?}");
    for (x, y) in a.cues.iter().zip(&b.cues) {
        assert!(y.lines.is_none());
        assert_eq!(
            (x.start, x.end, x.speaker, x.at, words(vtt, x)),
            (y.start, y.end, y.speaker, y.at, y.text.clone()),
            "{vtt:?}"
        );
        if let Some(l) = x.lines {
            assert_eq!(l.ends_sentence, text_ends_sentence(&y.text), "{vtt:?}");
        }
    }
    a.cues.iter().filter(|c| c.lines.is_some()).count()
}

#[test]
fn common_cues_stay_in_the_source_and_read_the_same() {
    let vtt = "WEBVTT\n\n\
        1\n00:00:00.000 --> 00:00:02.000\n<v Ann Lee>  Hello there, this is a caption line\n  wrapped, with spaces.  \r\n\n\
        00:00:02.000 --> 00:00:04.000\nno voice: carried over.\n \nand a line after a blank one\n\n\
        00:00:04.000 --> 00:00:06.000\n<v Bob>One line.\n\n\
        00:00:06.000 --> 00:00:08.000\n<v Zoë Brandt>A name not in ASCII.\n";
    assert_eq!(same_both_ways(vtt), 4);
}

#[test]
fn a_cue_ends_where_the_line_by_line_reading_ends_it() {
    // A line that is empty but for its `\r`, a timing line, an identifier that is a
    // NOTE: each ends the cue (or starts a block) although no `\n\n` does.
    for (vtt, in_place) in [
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi\n\r\nstray\n\n",
            1,
        ),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi\n00:00:02.000 --> 00:00:03.000\nYo\n\n",
            2,
        ),
        (
            "WEBVTT\n\nid\n00:00:01.000 --> 00:00:02.000\n00:00:02.000 --> 00:00:03.000\nYo\n\n",
            1,
        ),
        ("WEBVTT\n\nNOTE\n00:00:01.000 --> 00:00:02.000\nHi\n\n", 0),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi\n \nthere\n\n",
            1,
        ),
    ] {
        assert_eq!(same_both_ways(vtt), in_place, "{vtt:?}");
    }
}

#[test]
fn prefixes_markup_and_odd_voices_are_read_the_general_way() {
    for (vtt, in_place) in [
        // A `Name:` prefix after a sentence, on one line and across two (the first
        // line shorter than the 64 bytes a prefix is looked for in).
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nAnn Lee: Hi there.\n", 0),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nDone.\n\n00:02.000 --> 00:03.000\nWell\nBob Li: hi\n",
            1,
        ),
        // `>>`, a voice with no words on its line, other markup.
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n>> Next speaker\n", 0),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>\nwords below\n",
            0,
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi <i>you</i>\n",
            0,
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\nP&amp;L\n", 0),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi\n<v Bob>Yo\n",
            0,
        ),
        // Voice names `clean` normalises.
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Zoë  Brandt>Hi\n", 0),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Zoë\u{a0}Brandt>Hi\n",
            0,
        ),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v  Zoë>Hi\n", 0),
    ] {
        assert_eq!(same_both_ways(vtt), in_place, "{vtt:?}");
    }
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ,.!?\"]{0,80}",
        "<v (Ann|Bob Li|Zoë Brandt|Zoë  B| Zoë|Zoë\u{a0}B|Zoë\t|)> ?[a-z .]{0,70}",
        "(Ann|Bob Li|Cy|[A-Z][a-z]{0,5}): [a-z .]{0,60}",
        ">> ?[a-z .]{0,20}",
        "[A-Z][a-z]{0,5}",
        "[a-z .]{0,20}\r",
        "[a-z]{1,10}[.?]\"?",
        "[ -~]{0,30}",
        // What makes a cue's lines more than plain words: a timing line (a new cue),
        // an arrow, markup, a reference, blanks.
        "( ?)00:00:0[0-9].000 --> 00:00:0[0-9].500",
        "(1|a) --> 2|[a-z ]{0,10}(>|&amp;|<i>)[a-z ]{0,10}",
        "NOTE( [a-z]{0,5})?|STYLE|REGION|WEBVTT",
        Just(String::new()),
        Just(" \t".to_owned()),
        Just("  ".to_owned()),
        Just("\r".to_owned()),
    ]
}

/// A timing line: the usual `HH:MM:SS.mmm` form (read in one go when the cue is
/// plain), the short one, with settings, or ending before it starts.
fn timing() -> impl Strategy<Value = String> {
    (0u32..50, 0u8..5).prop_map(|(secs, form)| match form {
        0 => format!("00:{secs:02}.000 --> 00:{:02}.500", secs + 1),
        1 => format!(
            "00:00:{secs:02}.000 --> 00:00:{:02}.500 align:start",
            secs + 1
        ),
        2 => format!("00:00:{:02}.000 --> 00:00:{secs:02}.500", secs + 1),
        _ => format!("00:00:{secs:02}.000 --> 00:00:{:02}.500", secs + 1),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn words_left_in_the_source_read_as_copied_ones(
        cues in proptest::collection::vec(
            (
                proptest::option::of("c[0-9]|NOTE|00:01.000 --> 00:02.000|[A-Z][a-z]{0,4}"),
                timing(),
                proptest::collection::vec(line(), 0..5),
                proptest::option::of("\n|\r\n|  \n|\n\n"),
            ),
            0..10,
        ),
        end in "|\n|\n\n",
    ) {
        let mut vtt = "WEBVTT\n\n".to_owned();
        for (id, timing, lines, gap) in cues {
            if let Some(id) = id {
                vtt.push_str(&id);
                vtt.push('\n');
            }
            vtt.push_str(&timing);
            vtt.push('\n');
            for l in lines {
                vtt.push_str(&l);
                vtt.push('\n');
            }
            vtt.push_str(gap.as_deref().unwrap_or("\n"));
        }
        // The last cue ends at the end of the file, after one line end or none.
        while vtt.ends_with("\n\n") {
            vtt.pop();
        }
        vtt.push_str(&end);
        same_both_ways(&vtt);
    }
}
