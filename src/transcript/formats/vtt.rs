//! WebVTT (W3C WebVTT, as the podcast namespace and Apple Podcasts use it).
//!
//! - The file starts with `WEBVTT` (then a space, a tab or the line end); header
//!   lines up to the first blank line are skipped, as are `NOTE`, `STYLE` and
//!   `REGION` blocks.
//! - A cue is an optional identifier line, a timing line `start --> end [settings]`
//!   and payload lines up to an empty line; a line holding `-->` also starts a new
//!   cue. Times are `[HH:]MM:SS.mmm` (a `,` before the milliseconds, one-digit hours
//!   and short fractions are accepted too).
//! - The speaker is the voice span `<v Name>`, or a `Name:` prefix at the start of a
//!   cue; either carries over to the following cues until the next one. Several
//!   voices in one cue become consecutive pieces with the cue's times.
//! - Broadcast captions' `>>` speaker-change mark is dropped.
//! - YouTube's automatic captions (recognised by inline word timings such as
//!   `<00:00:01.310>`) repeat each line in the next cue and add 10 ms cues holding
//!   only repeats: from the first timed line on, a line equal to one of the previous
//!   cue's lines is dropped, and cues left empty are skipped.
//! - Problems: a first line that is not `WEBVTT` and a malformed timing line are
//!   errors; text outside any cue is ignored with a warning; a cue ending before it
//!   starts is kept with its end set to its start, with a warning.

use super::text::{Marks, clean};
use super::{
    Cue, Cues, Known, Where, has_arrow, is_plain_label, parse_timing, speaker_prefix, timing_error,
};
use crate::diag::{Diagnostic, to_u32};
use crate::transcript::{Cursor, Line};

mod in_place;

/// The cues of a WebVTT file, or `None` when it is not one (an error is reported).
pub(in crate::transcript) fn read(
    file: &str,
    text: &str,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Cues> {
    read_with(file, text, known, diags, true)
}

/// [`read`] with every cue's words copied out of the source, as the general way
/// reads them: what the tests compare the words left in the source with.
#[cfg(test)]
pub(in crate::transcript) fn read_copied(
    file: &str,
    text: &str,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Cues> {
    read_with(file, text, known, diags, false)
}

/// [`read`]; `in_place` leaves the words of common cues in the source.
fn read_with(
    file: &str,
    text: &str,
    known: &Known<'_>,
    diags: &mut Vec<Diagnostic>,
    in_place: bool,
) -> Option<Cues> {
    let mut it = Cursor::new(text);
    let first = it.next().map_or("", |l| l.text);
    let signature = first
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    if !signature {
        diags.push(
            Diagnostic::error(file, "not a WebVTT file: the first line must be \"WEBVTT\"")
                .at(1, 1)
                .with_source(first, crate::transcript::span_chars(first))
                .with_help(
                    "a .vtt transcript starts with a line `WEBVTT`, a blank line, then the cues",
                ),
        );
        return None;
    }
    // Header lines, up to the first blank line.
    while it.next_if(|l| !l.text.trim().is_empty()).is_some() {}
    let mut r = Reader {
        file,
        src: text,
        known,
        diags,
        cues: Cues {
            exact: true,
            ..Cues::default()
        },
        speaker: None,
        rolling: false,
        previous: Vec::new(),
        cleaned: String::new(),
        voices: Vec::new(),
        pieces: Vec::new(),
        kept_pieces: Vec::new(),
        warned_stray: false,
        in_place,
        blank: in_place::blank_line(),
    };
    let mut block: Vec<Line<'_>> = Vec::new();
    while let Some(line) = it.next() {
        if line.text.is_empty() || (block.is_empty() && line.text.trim().is_empty()) {
            r.block(&block);
            block.clear();
            continue;
        }
        // Most cues are read in a few searches, not line by line.
        if block.is_empty()
            && let Some(after) = r.quick_cue(line, it)
        {
            it = after;
            continue;
        }
        // A timing line inside a cue's payload starts the next cue.
        if block.len() >= 2 && has_arrow(line.text) && r.is_cue(&block) {
            r.block(&block);
            block.clear();
        }
        block.push(line);
    }
    r.block(&block);
    Some(r.cues)
}

struct Reader<'a, 'd> {
    file: &'a str,
    /// The whole file, which [`Line`] offsets point into.
    src: &'a str,
    known: &'a Known<'a>,
    diags: &'d mut Vec<Diagnostic>,
    cues: Cues,
    /// The speaker carried over from the last voice span or `Name:` prefix.
    speaker: Option<u32>,
    /// YouTube's rolling captions were recognised.
    rolling: bool,
    /// The cleaned lines of the previous cue, for dropping rolling repeats.
    previous: Vec<String>,
    /// Buffers reused from cue to cue.
    cleaned: String,
    voices: Vec<(usize, u32)>,
    pieces: Vec<(usize, Option<u32>)>,
    kept_pieces: Vec<(usize, usize, Option<u32>)>,
    warned_stray: bool,
    /// Common cues keep their words in the source ([`Reader::src_cue`]).
    in_place: bool,
    /// Finds the empty line after a cue ([`Reader::quick_cue`]).
    blank: memchr::memmem::Finder<'static>,
}

/// True for the first line of a block that is skipped whole (`NOTE`, `STYLE`, `REGION`).
fn skipped_block(first: &str) -> bool {
    let keyword = |k: &str| {
        first
            .strip_prefix(k)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    matches!(first.as_bytes().first(), Some(b'N' | b'S' | b'R'))
        && (keyword("NOTE") || keyword("STYLE") || keyword("REGION"))
}

/// A cue's place for diagnostics: its timing line, the start time underlined.
fn timing_place(timing: &Line<'_>) -> Where {
    Where::Line {
        line: timing.no,
        col: 1,
        // `find(" -->")`, without building a substring searcher for every cue.
        len: crate::diag::to_u32(
            timing
                .text
                .as_bytes()
                .windows(4)
                .position(|w| w == b" -->")
                .unwrap_or(1),
        ),
    }
}

/// `s.trim()`, deciding at once for a line that starts and ends in visible ASCII.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let visible = |c: Option<&u8>| c.is_some_and(|&c| (0x21..0x7f).contains(&c));
    if visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// The common first line of a cue, `<v Name>words` with no other markup, as its name
/// and words; `None` for anything [`clean`] must look at (other tags, references,
/// whitespace to normalise in the name).
fn plain_voice(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("<v ")?;
    let close = memchr::memchr(b'>', rest.as_bytes())?;
    let name = &rest[..close];
    let words = &rest[close + 1..];
    // No other tag or reference, in the name or the words.
    (is_clean_name(name) && memchr::memchr2(b'<', b'&', rest.as_bytes()).is_none())
        .then_some((name, words))
}

/// True when [`clean`] keeps a voice name as it is: words separated by single spaces,
/// no other whitespace (`Zoë Brandt` as well as `Ann Lee`), no reference.
fn is_clean_name(name: &str) -> bool {
    is_plain_label(name.as_bytes())
        || (!name.is_empty()
            && !name.starts_with(' ')
            && !name.ends_with(' ')
            && !name.contains("  ")
            && !name.contains('&')
            && !name.chars().any(|c| c != ' ' && c.is_whitespace()))
}

impl Reader<'_, '_> {
    /// True when `block` starts like a cue (a timing line first or second).
    fn is_cue(&self, block: &[Line<'_>]) -> bool {
        block.iter().take(2).any(|l| has_arrow(l.text))
    }

    fn block(&mut self, block: &[Line<'_>]) {
        let Some(first) = block.first() else {
            return;
        };
        if skipped_block(first.text) {
            return;
        }
        let timing_at = if has_arrow(first.text) {
            0
        } else if block.get(1).is_some_and(|l| has_arrow(l.text)) {
            1
        } else {
            if !self.warned_stray {
                self.warned_stray = true;
                self.diags.push(
                    Diagnostic::warning(self.file, "text outside any cue is ignored")
                        .at(first.no, 1)
                        .with_source(first.text, crate::transcript::span_chars(first.text))
                        .with_help("a cue is a timing line like `00:01:02.000 --> 00:01:05.000`, then its text"),
                );
            }
            return;
        };
        let timing = block[timing_at];
        let (start, mut end) = match parse_timing(timing.text) {
            Ok(t) => t,
            Err(bad) => {
                self.diags.push(timing_error(
                    self.file,
                    timing.no,
                    timing.text,
                    &bad,
                    "00:01:02.000 --> 00:01:05.000",
                ));
                return;
            }
        };
        if end < start {
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    "cue ends before it starts; its end is set to its start",
                )
                .with_help(
                    "correct the end time (after the arrow): it must not be before the start",
                )
                .at(timing.no, 1)
                .with_source(timing.text, crate::transcript::span_chars(timing.text)),
            );
            end = start;
        }
        let at = timing_place(&timing);
        self.payload(
            start,
            end,
            at,
            block.get(timing_at + 1..).unwrap_or_default(),
        );
    }

    fn payload(&mut self, start: u64, end: u64, at: Where, payload: &[Line<'_>]) {
        if self.in_place && self.src_cue(start, end, at, payload) {
            return;
        }
        // Only YouTube's rolling captions need the lines kept for the next cue.
        let mut kept: Vec<String> = Vec::new();
        let mut text = String::with_capacity(payload.iter().map(|l| l.text.len() + 1).sum());
        // (byte offset in `text`, label index) where a voice starts.
        let mut voices = std::mem::take(&mut self.voices);
        voices.clear();
        let mut first_line = payload.first().map_or(0, |l| l.no);
        let mut cleaned = std::mem::take(&mut self.cleaned);
        // Markup, when there is any, is mostly a voice span opening the first line: the
        // lines after it are searched in one go, not one by one.
        let rest_plain = match payload {
            [_, second, .., last] => memchr::memchr2(
                b'<',
                b'&',
                self.src
                    .as_bytes()
                    .get(second.start..last.end)
                    .unwrap_or(b"<"),
            )
            .is_none(),
            [_, last] => memchr::memchr2(b'<', b'&', last.text.as_bytes()).is_none(),
            _ => false,
        };
        for (k, line) in payload.iter().enumerate() {
            // Most lines hold no markup at all: straight into the cue's text.
            if !self.rolling
                && ((k > 0 && rest_plain)
                    || memchr::memchr2(b'<', b'&', line.text.as_bytes()).is_none())
            {
                let trimmed = trim(line.text);
                if !trimmed.is_empty() {
                    if text.is_empty() {
                        first_line = line.no;
                    } else {
                        text.push(' ');
                    }
                    text.push_str(trimmed);
                }
                continue;
            }
            if !self.rolling
                && let Some((name, words)) = plain_voice(line.text)
            {
                // What the general path below does for this line, without its copies.
                let trimmed = trim(words);
                if trimmed.is_empty() {
                    continue;
                }
                let at = Where::Line {
                    line: line.no,
                    col: 1,
                    len: to_u32(name.chars().count() + 3),
                };
                let label = self.cues.label(name, at);
                if text.is_empty() {
                    first_line = line.no;
                } else {
                    text.push(' ');
                }
                voices.push((text.len(), label));
                text.push_str(trimmed);
                continue;
            }
            cleaned.clear();
            let mut marks = Marks::default();
            clean(line.text, true, &mut cleaned, &mut marks);
            self.rolling |= marks.timed;
            let trimmed = cleaned.trim();
            let repeat = self.rolling && self.previous.iter().any(|p| p == trimmed);
            if self.rolling {
                kept.push(trimmed.to_owned());
            }
            if repeat || trimmed.is_empty() {
                continue;
            }
            if text.is_empty() {
                first_line = line.no;
            } else {
                text.push(' ');
            }
            let lead = cleaned.len() - cleaned.trim_start().len();
            for v in &marks.voices {
                let at = Where::Line {
                    line: line.no,
                    col: v.col,
                    len: to_u32(v.name.chars().count() + 3),
                };
                let label = self.cues.label(&v.name, at);
                voices.push((
                    text.len() + v.at.saturating_sub(lead).min(trimmed.len()),
                    label,
                ));
            }
            text.push_str(trimmed);
        }
        if self.rolling {
            self.previous = kept;
        }
        self.cleaned = cleaned;
        if text.is_empty() {
            self.voices = voices;
            return;
        }
        // Text before the first voice keeps the carried speaker.
        let mut pieces = std::mem::take(&mut self.pieces);
        pieces.clear();
        pieces.push((0, self.speaker));
        pieces.extend(voices.iter().map(|&(i, l)| (i, Some(l))));
        self.voices = voices;
        // (start, end) in `text` and speaker of each piece with words.
        let mut kept_pieces = std::mem::take(&mut self.kept_pieces);
        kept_pieces.clear();
        let offset = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
        for (k, &(from, speaker)) in pieces.iter().enumerate() {
            let to = pieces.get(k + 1).map_or(text.len(), |p| p.0);
            let piece = text.get(from..to).unwrap_or("").trim();
            self.speaker = speaker;
            if piece.is_empty() {
                continue;
            }
            let piece = piece.strip_prefix(">>").map_or(piece, str::trim_start);
            let piece = match speaker_prefix(piece, self.known, &self.cues) {
                Some((label, rest)) if k == 0 => {
                    let at = Where::Line {
                        line: first_line,
                        col: 1,
                        len: to_u32(label.chars().count()),
                    };
                    self.speaker = Some(self.cues.label(label, at));
                    rest
                }
                _ => piece,
            };
            if !piece.is_empty() {
                let start = offset(piece);
                kept_pieces.push((start, start + piece.len(), self.speaker));
            }
        }
        self.pieces = pieces;
        // One piece (the usual cue) takes the text itself, not a copy of it.
        if let [(from, to, speaker)] = kept_pieces[..] {
            self.kept_pieces = kept_pieces;
            text.truncate(to);
            if from > 0 {
                text.drain(..from);
            }
            self.cues.cues.push(Cue {
                start,
                end: Some(end),
                speaker,
                text,
                at,
                lines: None,
            });
            return;
        }
        for &(from, to, speaker) in &kept_pieces {
            self.cues.cues.push(Cue {
                start,
                end: Some(end),
                speaker,
                text: text.get(from..to).unwrap_or("").to_owned(),
                at,
                lines: None,
            });
        }
        self.kept_pieces = kept_pieces;
    }
}
