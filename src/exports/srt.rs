//! `transcript.srt`: SubRip captions within the namespace's limits.
//!
//! The namespace's `transcripts.md` asks SRT transcripts for podcasts to keep to at
//! most 2 lines per cue and 32 characters per line, and to start a new cue when the
//! speaker changes, with the speaker's name and a colon. So:
//! - every turn starts a new cue whose text begins `Speaker Name:`;
//! - words fill lines of at most [`MAX_LINE`] characters, two lines to a cue; a word
//!   longer than a line is cut into line-sized pieces (the only way to keep the limit);
//!   paragraph breaks flow on (a 2-line card has no room to show them);
//! - a turn's cues share its span in proportion to their share of its spoken text
//!   (by UTF-8 length; the name does not count), back to back, the last ending
//!   with the turn; each lasts at least 1 ms;
//! - blocks are `N`, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the text, a blank line; numbers
//!   count from 1; line ends are `\n`.
//!
//! SRT has no escaping: text is written as is (it never holds a blank line, which is
//! the only thing that would break a block).

use super::wrap::Lines;
use super::wrap::split_lines;
use super::{Segment, push_timestamp, push_uint};
use crate::timeline::mul_div;

/// The namespace's maximum characters per SRT line.
pub(crate) const MAX_LINE: usize = 32;
/// The namespace's maximum lines per SRT cue.
pub(crate) const MAX_LINES: usize = 2;

/// The `transcript.srt` of an episode's segments (UTF-8).
pub(super) fn render(segments: &[Segment<'_>]) -> Vec<u8> {
    let bytes: usize = segments.iter().map(|s| s.text.len() * 3 / 2 + 64).sum();
    let mut out = Vec::with_capacity(bytes);
    // Reused across turns: the turn as one line.
    let mut flat = String::new();
    let mut number = 0u64;
    for s in segments {
        flatten(&mut flat, s);
        // Time runs over the spoken text only: the name is not said.
        let name = if s.speaker.is_empty() {
            0
        } else {
            s.speaker.len() + 1
        };
        let spoken = flat.len().saturating_sub(name).max(1) as u64;
        let span = s.span.end.saturating_sub(s.span.start);
        let time_at =
            |byte: usize| s.span.start + mul_div(span, byte.saturating_sub(name) as u64, spoken);
        let mut lines = Lines::new(&flat, MAX_LINE, true).peekable();
        while let Some((first, _)) = lines.next() {
            let mut card = [first.clone(), first.start..first.start];
            let mut count = 1;
            while count < MAX_LINES {
                match lines.next() {
                    Some((line, _)) => {
                        card[count] = line;
                        count += 1;
                    }
                    None => break,
                }
            }
            let start = time_at(first.start);
            // A card lasts until the next one starts; the last until the turn ends.
            let end = match lines.peek() {
                Some((next, _)) => time_at(next.start),
                None => s.span.end,
            };
            number += 1;
            push_uint(&mut out, number);
            out.push(b'\n');
            push_timestamp(&mut out, start, b',');
            out.extend_from_slice(b" --> ");
            push_timestamp(&mut out, end.max(start + 1), b',');
            for line in &card[..count] {
                out.push(b'\n');
                out.extend_from_slice(flat.as_bytes().get(line.clone()).unwrap_or_default());
            }
            out.extend_from_slice(b"\n\n");
        }
    }
    out
}

/// Writes `Speaker: text` into `flat` as one line (paragraph breaks flow on: caption
/// cards are too small for them to show).
fn flatten(flat: &mut String, s: &Segment<'_>) {
    flat.clear();
    if !s.speaker.is_empty() {
        flat.push_str(&s.speaker);
        flat.push(':');
    }
    for para in split_lines(&s.text) {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(para);
    }
}
