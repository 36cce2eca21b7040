//! `transcript.json`: Podcasting 2.0 JSON transcript, version 1.0.0.
//!
//! Per the namespace's `transcripts.md`: `version` and `segments`, each segment with
//! `speaker`, `startTime`, `endTime` (seconds, float) and `body`. One segment per
//! turn (sentence-level fidelity, not word-level); `body` is the turn's plain text,
//! its paragraphs separated by `\n`.

use serde::Serialize;

use super::Segment;

#[derive(Serialize)]
struct Transcript<'a> {
    version: &'static str,
    segments: Vec<SegmentJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SegmentJson<'a> {
    speaker: &'a str,
    start_time: f64,
    end_time: f64,
    body: &'a str,
}

/// Milliseconds as seconds; `59000` → `59.0`, `75333` → `75.333` (JSON numbers are
/// written shortest-round-trip, so no float noise appears).
fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// The `transcript.json` of an episode's segments.
pub(super) fn render(segments: &[Segment<'_>]) -> Vec<u8> {
    let doc = Transcript {
        version: "1.0.0",
        segments: segments
            .iter()
            .map(|s| SegmentJson {
                speaker: &s.speaker,
                start_time: seconds(s.span.start),
                end_time: seconds(s.span.end),
                body: &s.text,
            })
            .collect(),
    };
    let bytes: usize = segments.iter().map(|s| s.text.len() + 80).sum();
    let mut out = Vec::with_capacity(bytes + 40);
    // Strings and finite floats always serialize; an empty document would still parse.
    match serde_json::to_writer(&mut out, &doc) {
        Ok(()) => out,
        Err(_) => b"{\"version\":\"1.0.0\",\"segments\":[]}".to_vec(),
    }
}
