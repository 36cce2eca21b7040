//! SubRip (`.srt`), as caption tools and the podcast namespace write it.
//!
//! - Cards are separated by blank lines: an optional number line, a timing line
//!   `HH:MM:SS,mmm --> HH:MM:SS,mmm` (a `.` before the milliseconds, missing hours or
//!   short fractions are accepted too; anything after the end time is ignored), then
//!   the text lines. A card whose blank line is missing is still found: a number
//!   line followed by a timing line, or a timing line, starts a new card.
//! - The speaker is a `Name:` prefix at the start of a card, carried over to the
//!   following cards until the next one (the namespace: "start a new card when the
//!   speaker changes … the speaker's name, followed by a colon"). Broadcast captions'
//!   `>>` mark is dropped.
//! - `<i>`, `<b>`, `<u>`, `<s>`, `<font …>` tags and `{\an8}`-style override blocks are
//!   dropped; other text is kept as written.
//! - Overlapping and zero-length cards are kept. A card ending before it starts is
//!   kept with its end set to its start, with a warning; a malformed card is an error.

use super::text::{Marks, clean};
use super::{Cue, Cues, Known, Where, has_arrow, parse_timing, speaker_prefix, timing_error};
use crate::diag::{Diagnostic, to_u32};
use crate::transcript::{Line, lines, span_chars};

const EXAMPLE: &str = "00:01:02,000 --> 00:01:05,000";

/// The cues of a SubRip file.
pub(in crate::transcript) fn read(
    file: &str,
    text: &str,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Cues {
    let all: Vec<Line<'_>> = lines(text).collect();
    let mut cues = Cues {
        exact: true,
        ..Cues::default()
    };
    let mut speaker: Option<u32> = None;
    let mut i = 0;
    while i < all.len() {
        let line = all[i];
        if is_blank(line.text) {
            i += 1;
            continue;
        }
        // The card's timing line: this one, or the next after a number.
        let timing_at = if is_number(line.text) && all.get(i + 1).is_some_and(|l| !is_blank(l.text))
        {
            i + 1
        } else if has_arrow(line.text) {
            i
        } else {
            diags.push(
                Diagnostic::error(file, "malformed card: expected a card number or a timing line")
                    .at(line.no, 1)
                    .with_source(line.text, span_chars(line.text))
                    .with_help(format!(
                        "a card is its number, a timing line like `{EXAMPLE}`, its text, then a blank line"
                    )),
            );
            i = skip_card(&all, i + 1);
            continue;
        };
        let timing = all[timing_at];
        // The text runs to a blank line or the start of the next card.
        let mut end_at = timing_at + 1;
        while let Some(l) = all.get(end_at) {
            let next_card = has_arrow(l.text)
                || (is_number(l.text) && all.get(end_at + 1).is_some_and(|n| has_arrow(n.text)));
            if is_blank(l.text) || next_card {
                break;
            }
            end_at += 1;
        }
        let body = all.get(timing_at + 1..end_at).unwrap_or_default();
        i = end_at;
        let (start, mut end) = match parse_timing(timing.text) {
            Ok(t) => t,
            Err(bad) => {
                diags.push(timing_error(file, timing.no, timing.text, &bad, EXAMPLE));
                continue;
            }
        };
        if end < start {
            diags.push(
                Diagnostic::warning(
                    file,
                    "card ends before it starts; its end is set to its start",
                )
                .with_help(
                    "correct the end time (after the arrow): it must not be before the start",
                )
                .at(timing.no, 1)
                .with_source(timing.text, span_chars(timing.text)),
            );
            end = start;
        }
        let Some(first) = body.first() else {
            continue;
        };
        let mut text = String::new();
        let mut marks = Marks::default();
        for l in body {
            if !text.is_empty() {
                text.push(' ');
            }
            clean(l.text.trim(), false, &mut text, &mut marks);
        }
        let piece = text.trim();
        let piece = piece.strip_prefix(">>").map_or(piece, str::trim_start);
        let piece = match speaker_prefix(piece, known, &cues) {
            Some((label, rest)) => {
                let at = Where::Line {
                    line: first.no,
                    col: 1,
                    len: to_u32(label.chars().count()),
                };
                speaker = Some(cues.label(label, at));
                rest
            }
            None => piece,
        };
        if piece.is_empty() {
            continue;
        }
        cues.cues.push(Cue {
            start,
            end: Some(end),
            speaker,
            text: piece.to_owned(),
            lines: None,
            at: Where::Line {
                line: timing.no,
                col: 1,
                len: to_u32(timing.text.find(" -->").unwrap_or(1)),
            },
        });
    }
    cues
}

fn is_number(s: &str) -> bool {
    if !s
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b' ')
    {
        return false;
    }
    let t = s.trim();
    !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())
}

/// A line of nothing but spaces and tabs (a card separator).
fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// The index of the line after the card that holds line `i`.
fn skip_card(all: &[Line<'_>], mut i: usize) -> usize {
    while all
        .get(i)
        .is_some_and(|l| !is_blank(l.text) && !has_arrow(l.text))
    {
        i += 1;
    }
    i
}
