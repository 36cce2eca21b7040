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

use super::Segment;
use super::push_timestamp;
use super::wrap::Lines;
use super::wrap::split_lines;

/// The namespace's recommended maximum line length for WebVTT.
pub(crate) const MAX_LINE: usize = 65;

/// The `transcript.vtt` of an episode's segments (UTF-8).
pub(super) fn render(segments: &[Segment<'_>]) -> Vec<u8> {
    let bytes: usize = segments.iter().map(|s| s.text.len() + 64).sum();
    let mut out = Vec::with_capacity(bytes + 8);
    out.extend_from_slice(b"WEBVTT\n");
    for s in segments {
        out.push(b'\n');
        // Anchors are `[a-z0-9-]`, but an identifier must not hold `-->` or a line break.
        if !s.anchor.is_empty() && !s.anchor.contains("-->") && !s.anchor.contains(['\n', '\r']) {
            out.extend_from_slice(s.anchor.as_bytes());
            out.push(b'\n');
        }
        push_timestamp(&mut out, s.span.start, b'.');
        out.extend_from_slice(b" --> ");
        push_timestamp(&mut out, s.span.end, b'.');
        out.push(b'\n');
        let mut line_open = false;
        if !s.speaker.is_empty() {
            out.extend_from_slice(b"<v ");
            push_escaped(&mut out, s.speaker.as_bytes());
            out.push(b'>');
            line_open = true;
        }
        push_wrapped(&mut out, &s.text);
        if line_open || !s.text.is_empty() {
            out.push(b'\n');
        }
    }
    out
}

/// Appends `text` wrapped at [`MAX_LINE`] characters, escaped; paragraphs (`\n`)
/// start new lines. A word longer than a line is kept whole (WebVTT sets no limit,
/// and a split URL is worse than a long line).
fn push_wrapped(out: &mut Vec<u8>, text: &str) {
    // One scan decides whether any line needs escaping at all (most turns don't).
    let escape = needs_escape(text.as_bytes());
    let mut first = true;
    for para in split_lines(text) {
        let bytes = para.as_bytes();
        for (range, _) in Lines::new(para, MAX_LINE, false) {
            let line = bytes.get(range).unwrap_or_default();
            if !first {
                out.push(b'\n');
            }
            first = false;
            if escape {
                push_escaped(out, line);
            } else {
                out.extend_from_slice(line);
            }
        }
    }
}

/// True when `b` holds `&`, `<` or `>`. A branch-free loop with a byte accumulator,
/// which the compiler vectorises (a `bool` fold or `any` it does not).
fn needs_escape(b: &[u8]) -> bool {
    let mut acc = 0u8;
    for &x in b {
        acc |= u8::from(x == b'&') | u8::from(x == b'<') | u8::from(x == b'>');
    }
    acc != 0
}

/// Appends `s` with WebVTT's escapes for `&`, `<` and `>`.
fn push_escaped(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            _ => out.push(b),
        }
    }
}
