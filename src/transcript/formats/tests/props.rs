//! Property tests: no input makes a reader panic, and a parse that succeeds gives
//! turns whose times ascend as the exports need them.

use proptest::prelude::*;

use super::*;

/// Parses `text` as `content/ep.<ext>` with a good sidecar; any outcome but a panic
/// is fine, and an episode has turns with valid times.
fn consistent(ext: &str, text: &str) {
    let src = with_sidecar(ext, text, SIDECAR);
    let (ep, diags) = crate::transcript::parse_source(&src, &ParseOptions::default());
    if let Some(ep) = ep {
        assert!(!diags.iter().any(crate::diag::Diagnostic::is_error));
        for t in ep.chapters.iter().flat_map(|c| &c.turns) {
            if let Some(span) = t.times {
                assert!(span.end >= span.start, "{span:?}");
                assert_eq!(
                    u64::from(t.start.seconds()),
                    (span.start / 1000).min(u64::from(u32::MAX))
                );
            }
        }
    }
    let _ = crate::transcript::to_text(&src, &ParseOptions::default());
}

fn timestamp() -> impl Strategy<Value = String> {
    (0u32..3, 0u32..70, 0u32..70, 0u32..1200, any::<bool>()).prop_map(|(h, m, s, ms, comma)| {
        let sep = if comma { ',' } else { '.' };
        format!("{h:02}:{m:02}:{s:02}{sep}{ms:03}")
    })
}

fn caption_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "<v [A-Za-z ]{0,12}>[ -~]{0,20}",
        "[A-Z][a-z]{0,8}: [ -~]{0,20}",
        "[a-z]{1,5}<00:00:0[0-9].[0-9]{3}><c> [a-z]{1,5}</c>",
        "&(amp|lt|gt|nbsp|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-z]{1,5});",
        Just(String::new()),
        Just(" ".to_owned()),
        Just("NOTE x".to_owned()),
    ]
}

fn cue_file(vtt: bool) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            any::<bool>(),
            timestamp(),
            timestamp(),
            proptest::collection::vec(caption_line(), 0..4),
        ),
        0..12,
    )
    .prop_map(move |cues| {
        let mut out = if vtt {
            "WEBVTT\n\n".to_owned()
        } else {
            String::new()
        };
        for (i, (numbered, start, end, lines)) in cues.into_iter().enumerate() {
            if numbered {
                out.push_str(&format!("{}\n", i + 1));
            }
            out.push_str(&format!("{start} --> {end}\n"));
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
            out.push('\n');
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn readers_never_panic_on_any_text(s in "\\PC*", ext in prop_oneof![Just("vtt"), Just("srt"), Just("json"), Just("txt")]) {
        consistent(ext, &s);
        consistent(ext, &format!("WEBVTT\n\n{s}"));
    }

    #[test]
    fn cue_files_never_panic(vtt in cue_file(true), srt in cue_file(false)) {
        consistent("vtt", &vtt);
        consistent("srt", &srt);
        consistent("srt", &vtt.replace('\n', "\r\n"));
    }

    #[test]
    fn json_shaped_files_never_panic(
        segs in proptest::collection::vec(
            (
                prop_oneof![Just("startTime"), Just("start"), Just("x")],
                prop_oneof![Just("1.5"), Just("\"2\""), Just("-3"), Just("null"), Just("[1]"), Just("1e400")],
                prop_oneof![Just("body"), Just("text")],
                "[ -!#-\\[\\]-~]{0,20}",
                prop_oneof![Just(""), Just(", \"speaker\": \"SPEAKER_00\""), Just(", \"speaker\": 5"),
                    Just(", \"words\": [{\"word\": \"a\", \"speaker\": \"SPEAKER_01\", \"start\": 0.5}]"),
                    Just(", \"words\": 3")],
            ),
            0..8,
        ),
        version in any::<bool>(),
    ) {
        let segs: Vec<String> = segs
            .into_iter()
            .map(|(k, v, b, text, extra)| format!("{{\"{k}\": {v}, \"{b}\": \"{text}\"{extra}}}"))
            .collect();
        let version = if version { "\"version\": \"1.0.0\", " } else { "" };
        consistent("json", &format!("{{{version}\"segments\": [{}]}}", segs.join(",\n")));
    }

    #[test]
    fn otter_shaped_files_never_panic(
        lines in proptest::collection::vec(
            prop_oneof!["[A-Z][a-z]{0,6}( [A-Z][a-z]{0,6})?  [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?", "[ -~]{0,30}", Just(String::new())],
            0..12,
        )
    ) {
        consistent("txt", &lines.join("\n"));
    }
}
