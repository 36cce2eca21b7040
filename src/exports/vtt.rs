//! `transcript.vtt`: WebVTT, one cue per turn.
//!
//! Per the W3C WebVTT spec and the namespace's `transcripts.md`:
//! - `WEBVTT`, a blank line, then cues separated by blank lines;
//! - each cue: an identifier (the turn's page anchor, so a cue maps to
//!   `…/#t-00-41-12`), `HH:MM:SS.mmm --> HH:MM:SS.mmm` with the end after the start
//!   and starts in order ([`super::timeline`] guarantees both), then the text;
//! - the text opens with a voice span `<v Speaker>` (the namespace: speaker names
//!   in a voice tag at the start of the caption, as Apple Podcasts ingests them),
//!   left open to the end of the cue as the spec allows;
//! - `&`, `<` and `>` in text and in the voice annotation are written as `&amp;`,
//!   `&lt;` and `&gt;`, so no text can open a tag or contain `-->`;
//! - lines are wrapped at 65 characters (the namespace's recommended maximum) and a
//!   paragraph break starts a new line; no line is ever empty, since a blank line
//!   would end the cue.

use super::{Segment, push_timestamp, width};

/// The namespace's recommended maximum line length for WebVTT.
pub(crate) const MAX_LINE: usize = 65;

/// The `transcript.vtt` of an episode's segments.
pub(super) fn render(segments: &[Segment<'_>]) -> String {
    let bytes: usize = segments.iter().map(|s| s.text.len() + 64).sum();
    let mut out = String::with_capacity(bytes + 8);
    out.push_str("WEBVTT\n");
    for s in segments {
        out.push('\n');
        // Anchors are `[a-z0-9-]`, but an identifier must not hold `-->` or a line break.
        if !s.anchor.is_empty() && !s.anchor.contains("-->") && !s.anchor.contains(['\n', '\r']) {
            out.push_str(s.anchor);
            out.push('\n');
        }
        push_timestamp(&mut out, s.span.start, '.');
        out.push_str(" --> ");
        push_timestamp(&mut out, s.span.end, '.');
        out.push('\n');
        let mut line_open = false;
        if !s.speaker.is_empty() {
            out.push_str("<v ");
            push_escaped(&mut out, &s.speaker);
            out.push('>');
            line_open = true;
        }
        push_wrapped(&mut out, &s.text);
        if line_open || !s.text.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// Appends `text` wrapped at [`MAX_LINE`] characters, escaped; paragraphs (`\n`)
/// start new lines. A word longer than a line is kept whole (WebVTT sets no limit,
/// and a split URL is worse than a long line).
fn push_wrapped(out: &mut String, text: &str) {
    for (p, para) in text.split('\n').enumerate() {
        if p > 0 {
            out.push('\n');
        }
        let mut len = 0usize;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let w = width(word);
            if len > 0 && len + 1 + w > MAX_LINE {
                out.push('\n');
                len = 0;
            } else if len > 0 {
                out.push(' ');
                len += 1;
            }
            push_escaped(out, word);
            len += w;
        }
    }
}

/// Appends `s` with WebVTT's escapes for `&`, `<` and `>`.
fn push_escaped(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}
