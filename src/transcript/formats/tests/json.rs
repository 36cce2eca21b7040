//! Podcasting 2.0 and Whisper/WhisperX JSON: told apart by shape, word-level segments
//! joined into sentences, caption-line pairs, speakers, and problems with their path.

use super::*;

fn ryan_stefan(ext_json: &str) -> Source {
    with_sidecar("json", ext_json, SIDECAR)
}

#[test]
fn podcasting_word_level_segments_become_sentences() {
    // The namespace's example.json, with its guest and host as people.
    let json = r#"{
  "version": "1.0.0",
  "segments": [
    {"speaker": "Darth Vader", "startTime": 0.5, "endTime": 0.75, "body": "I"},
    {"speaker": "Darth Vader", "startTime": 1, "endTime": 1.25, "body": "am"},
    {"speaker": "Darth Vader", "startTime": 1.5, "endTime": 2.0, "body": "your"},
    {"speaker": "Darth Vader", "startTime": 2.25, "endTime": 2.50, "body": "father."},
    {"speaker": "Luke", "startTime": 2.75, "endTime": 3.0, "body": "Nooooo"}
  ]
}"#;
    let sidecar = "podcast_name: Star Pod\nepisode_title: Reveal\nhost_name: Darth Vader\n\
                   guest_name: Luke Skywalker\nepisode_date: 1980-05-21\n";
    let ep = clean(&with_sidecar("json", json, sidecar));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].who.as_str(), got[0].ms, got[0].body.as_str()),
        ("Darth Vader", Some((500, 2500)), "I am your father.")
    );
    assert_eq!(
        (got[1].who.as_str(), got[1].person, got[1].ms),
        ("Luke", true, Some((2750, 3000)))
    );
    // The spec's other example ends a body with "\n": the file sets its paragraphs.
    let ep = clean(&with_sidecar(
        "json",
        &json.replace("father.", "father.\\n"),
        sidecar,
    ));
    assert_eq!(plain_turns(&ep)[0].body, "I am your father.");
}

#[test]
fn caption_line_pairs_with_the_same_times_are_one_piece_of_text() {
    let json = r#"{"version":"1.0.0","segments":[
 {"speaker":"Ryan","startTime":1.0,"endTime":3.5,"body":"Because you were a senior"},
 {"speaker":"Ryan","startTime":1.0,"endTime":3.5,"body":"manager in big tech,"},
 {"speaker":"Stefan","startTime":4,"body":"Yeah."},
 {"speaker":"Stefan","startTime":"5.5","endTime":7,"body":"So for me personally."}]}"#;
    let ep = clean(&ryan_stefan(json));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].body,
        "Because you were a senior manager in big tech,"
    );
    assert_eq!(got[0].ms, Some((1000, 3500)));
    // A segment without an end ends where the next starts; a number in a string is read.
    assert_eq!(got[1].ms, Some((4000, 7000)));
    assert_eq!(got[1].body, "Yeah. So for me personally.");
}

#[test]
fn whisper_without_speakers_is_the_host_or_a_neutral_label() {
    let json = r#"{"text": " Hello there. General Kenobi.", "segments": [
  {"id": 0, "seek": 0, "start": 0.0, "end": 2.5, "text": " Hello there.", "tokens": [50364, 2425], "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.2, "no_speech_prob": 0.01},
  {"id": 1, "seek": 0, "start": 2.5, "end": 4.0, "text": " General Kenobi.", "tokens": [1], "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.2, "no_speech_prob": 0.01}
], "language": "en"}"#;
    let ep = clean(&ryan_stefan(json));
    let got = plain_turns(&ep);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].who.as_str(), got[0].person),
        ("Ryan Peterman", true)
    );
    assert_eq!(got[0].body, "Hello there. General Kenobi.");
    assert_eq!(got[0].ms, Some((0, 4000)));
    // Two hosts: nobody can be assumed, and that is not worth a warning.
    let two = SIDECAR.replace(
        "host_name: Ryan Peterman",
        "host_name: [Ryan Peterman, Ana Lee]",
    );
    let ep = clean(&with_sidecar("json", json, &two));
    assert_eq!(
        (plain_turns(&ep)[0].who.as_str(), plain_turns(&ep)[0].person),
        ("Speaker", false)
    );
}

const WHISPERX: &str = r#"{
  "segments": [
    {
      "start": 0.0, "end": 2.0, "text": " Welcome back.", "speaker": "SPEAKER_00",
      "words": [
        {"word": "Welcome", "start": 0.0, "end": 0.5, "score": 0.9, "speaker": "SPEAKER_00"},
        {"word": "back.", "start": 0.6, "end": 2.0, "score": 0.9, "speaker": "SPEAKER_00"}
      ]
    },
    {
      "start": 2.5, "end": 5.0, "text": " Thanks. Glad to be here.", "speaker": "SPEAKER_01",
      "words": [
        {"word": "Thanks.", "start": 2.5, "end": 3.0, "score": 0.8, "speaker": "SPEAKER_00"},
        {"word": "Glad", "start": 3.2, "end": 3.5, "score": 0.8, "speaker": "SPEAKER_01"},
        {"word": "to", "start": 3.5, "end": 3.6, "score": 0.8, "speaker": "SPEAKER_01"},
        {"word": "be", "start": 3.6, "end": 3.8, "score": 0.8, "speaker": "SPEAKER_01"},
        {"word": "here.", "start": 3.8, "end": 5.0, "score": 0.8, "speaker": "SPEAKER_01"}
      ]
    },
    {"start": 6.0, "end": 7.0, "text": " Producer here.", "speaker": "SPEAKER_02"}
  ],
  "word_segments": []
}"#;

#[test]
fn whisperx_speakers_map_to_people_and_word_speakers_split_segments() {
    let sidecar =
        format!("{SIDECAR}speakers:\n  SPEAKER_00: Ryan Peterman\n  SPEAKER_01: Stefan Mai\n");
    let (ep, diags) = run(&ryan_stefan(&WHISPERX.replace("SPEAKER_02", "SPEAKER_01")));
    // Without the map, each label is warned about at its first use.
    assert_eq!(
        diags,
        [
            "warning: content/ep.json:4:70: segments[0].speaker: speaker \"SPEAKER_00\" is not a host or guest of this episode and has no mapping in `speakers:`",
            "warning: content/ep.json:11:81: segments[1].speaker: speaker \"SPEAKER_01\" is not a host or guest of this episode and has no mapping in `speakers:`",
        ]
    );
    assert!(ep.is_some());
    let (ep, diags) = run(&ryan_stefan_with(
        &WHISPERX.replace("SPEAKER_02", "SPEAKER_01"),
        &sidecar,
    ));
    assert!(diags.is_empty(), "{diags:?}");
    let got = plain_turns(&ep.unwrap());
    let short: Vec<_> = got
        .iter()
        .map(|t| (t.who.as_str(), t.person, t.ms, t.body.as_str()))
        .collect();
    assert_eq!(
        short,
        [
            (
                "Ryan Peterman",
                true,
                Some((0, 3000)),
                "Welcome back. Thanks."
            ),
            (
                "Stefan Mai",
                true,
                Some((3200, 7000)),
                "Glad to be here. Producer here."
            ),
        ]
    );
    // A label mapped to someone who is neither host nor guest is warned about where
    // the mapping is; a mapping no label uses too.
    let sidecar = format!("{sidecar}  SPEAKER_02: Pat Producer\n  SPEAKER_09: Nobody\n");
    let (_, diags) = run(&ryan_stefan_with(WHISPERX, &sidecar));
    assert_eq!(
        diags,
        [
            "warning: content/ep.yml:9:15: `speakers` maps \"SPEAKER_02\" to \"Pat Producer\", who is not a host or guest of this episode",
            "warning: content/ep.yml:10:15: `speakers` label \"SPEAKER_09\" is not used in the transcript",
        ]
    );
}

fn ryan_stefan_with(json: &str, sidecar: &str) -> Source {
    with_sidecar("json", json, sidecar)
}

#[test]
fn shapes_castbook_does_not_read_are_named_with_the_ones_it_does() {
    let (ep, diags) = run(&ryan_stefan(r#"{"results": {"utterances": []}}"#));
    assert!(ep.is_none());
    assert_eq!(
        diags,
        ["error: content/ep.json: JSON of unknown shape: no \"segments\" list"]
    );
    let (_, diags) = run(&ryan_stefan("[1, 2]"));
    assert_eq!(
        diags,
        ["error: content/ep.json:1:1: JSON of unknown shape: the top level is not an object"]
    );
    let (_, diags) = run(&ryan_stefan("{\"segments\": [\n  {\"start\": 1,}\n]}"));
    assert!(
        diags[0].starts_with("error: content/ep.json:2:15: not valid JSON"),
        "{diags:?}"
    );
    let (_, diags) = run(&ryan_stefan(r#"{"segments": [{"from": 1, "words": "x"}]}"#));
    assert_eq!(
        diags,
        [
            "error: content/ep.json:1:15: segments[0]: JSON of unknown shape: segments[0] has none of the keys castbook reads"
        ]
    );
    // A chapters file is not a transcript, and nothing to warn about.
    let (ep, diags) = run(&ryan_stefan(
        r#"{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}]}"#,
    ));
    assert!(ep.is_none() && diags.is_empty(), "{diags:?}");
}

#[test]
fn wrong_values_are_reported_at_their_path_and_line() {
    let json = "{\"version\": \"1.0.0\", \"segments\": [\n  {\"startTime\": 0, \"body\": \"Hi\"},\n  {\"startTime\": \"soon\", \"body\": 42, \"speaker\": [\"x\"]}\n]}";
    let (ep, diags) = run(&ryan_stefan(json));
    assert!(ep.is_none());
    assert_eq!(
        diags,
        [
            "error: content/ep.json:3:17: segments[1].startTime: `startTime` must be a number of seconds, not a string",
            "error: content/ep.json:3:33: segments[1].body: `body` must be a string, not a number",
            "error: content/ep.json:3:48: segments[1].speaker: `speaker` must be a string, not a list",
        ]
    );
}
