//! Transcripts written by other tools (SPEC §2b): WebVTT, SubRip, Podcasting 2.0 and
//! Whisper/WhisperX JSON, otter.ai text. Each is read into timed [`Cue`]s, which
//! [`assemble`] turns into the chapters and turns today's format gives, so linking,
//! pages, exports and search never see the difference.
//!
//! Positions are kept as a small [`Where`] and turned into a line, column and excerpt
//! (or a JSON path) only when a diagnostic needs one, by the format's [`Locate`].

mod assemble;
mod json;
mod otter;
mod prose;
mod srt;
mod text;
mod vtt;

#[cfg(test)]
mod tests;

pub(super) use assemble::{Context, assemble, distribute};
pub(super) use json::{Json, Read as JsonRead, read as read_json};
pub(super) use otter::{is_otter, read as read_otter};
pub(super) use srt::read as read_srt;
pub(super) use vtt::read as read_vtt;

use crate::diag::{Diagnostic, to_u32};

/// The kind of a transcript file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// `.txt` or `.md`: castbook's text format, or otter.ai's.
    Text,
    /// `.vtt`.
    Vtt,
    /// `.srt`.
    Srt,
    /// `.json`: Podcasting 2.0 or Whisper/WhisperX.
    Json,
}

impl Format {
    /// The format a display path names (text for anything unknown).
    pub(super) fn of(display: &str) -> Format {
        let ext = display.rsplit_once('.').map_or("", |(_, e)| e);
        if ext.eq_ignore_ascii_case("vtt") {
            Format::Vtt
        } else if ext.eq_ignore_ascii_case("srt") {
            Format::Srt
        } else if ext.eq_ignore_ascii_case("json") {
            Format::Json
        } else {
            Format::Text
        }
    }
}

/// Where something is in a transcript file, cheap to keep for every cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Where {
    /// A line (1-based), a column (1-based, in characters) and a span length.
    Line {
        /// Line.
        line: u32,
        /// Column.
        col: u32,
        /// Characters to underline.
        len: u32,
    },
    /// A field of the `index`th segment of a JSON transcript.
    Segment {
        /// Index in `segments`.
        index: usize,
        /// The field (`speaker`, `startTime`, …), or `""` for the segment itself.
        field: &'static str,
    },
}

impl Where {
    /// The line, for a turn's `line` (0 in JSON).
    pub(super) fn line(self) -> u32 {
        match self {
            Where::Line { line, .. } => line,
            Where::Segment { .. } => 0,
        }
    }
}

/// Turns a [`Where`] into a position on a diagnostic.
pub(super) trait Locate {
    /// `d`, placed at `at`.
    fn place(&self, at: Where, d: Diagnostic) -> Diagnostic;
}

/// Places line-based positions: finds the line's text for the excerpt.
pub(super) struct Lines<'a>(pub(super) &'a str);

impl Locate for Lines<'_> {
    fn place(&self, at: Where, d: Diagnostic) -> Diagnostic {
        match at {
            Where::Line { line, col, len } => {
                let source = self
                    .0
                    .split('\n')
                    .nth(line.saturating_sub(1) as usize)
                    .unwrap_or("")
                    .trim_end_matches('\r');
                d.at(line, col).with_source(source, len)
            }
            Where::Segment { .. } => d,
        }
    }
}

/// One timed piece of text, as the file gives it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cue {
    /// Start, in milliseconds.
    pub(super) start: u64,
    /// End, in milliseconds, when the format has one.
    pub(super) end: Option<u64>,
    /// Index into [`Cues::labels`]; `None` when nobody is named.
    pub(super) speaker: Option<u32>,
    /// Plain text, words separated by whitespace; `\n` is a paragraph break. Empty
    /// when `lines` holds the words instead.
    pub(super) text: String,
    /// Where it is.
    pub(super) at: Where,
    /// The words as lines of the source file, not copied out (a WebVTT cue with no
    /// markup): `text` is unused then.
    pub(super) lines: Option<SrcLines>,
}

/// A cue's words left in the source file: `src[from..to]`, whose lines, trimmed, with
/// empty ones skipped and joined by a space, are the cue's text. Read by
/// [`prose::Prose::push_lines`] straight from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SrcLines {
    /// Byte offset of the first word (not whitespace).
    pub(super) from: usize,
    /// Byte offset just past the last word.
    pub(super) to: usize,
    /// The text ends a sentence (see [`speaker_prefix`]).
    pub(super) ends_sentence: bool,
}

impl Cue {
    /// True when the cue's text ends a sentence: what [`speaker_prefix`] asks of the
    /// cue before a label that only looks like a name.
    fn ends_sentence(&self) -> bool {
        self.lines
            .map_or_else(|| text_ends_sentence(&self.text), |l| l.ends_sentence)
    }
}

/// True when `text` ends with sentence punctuation, maybe before closing quotes.
pub(super) fn text_ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')'])
        .ends_with(['.', '!', '?', '…'])
}

/// What a file holds, ready for [`assemble`].
#[derive(Debug, Default)]
pub(super) struct Cues {
    /// In file order.
    pub(super) cues: Vec<Cue>,
    /// Speaker labels in order of first use, with that first use.
    pub(super) labels: Vec<(String, Where)>,
    /// Times are the source's own, to the millisecond (not whole seconds).
    pub(super) exact: bool,
    /// The source marks its own paragraphs (`\n` in a text); none are added then.
    pub(super) explicit_paragraphs: bool,
    /// Label → index in `labels`: a lookup per cue stays cheap with many labels.
    index: rustc_hash::FxHashMap<String, u32>,
}

impl Cues {
    /// The index of `label`, added at `at` if new.
    pub(super) fn label(&mut self, label: &str, at: Where) -> u32 {
        if let Some(&i) = self.index.get(label) {
            return i;
        }
        let i = to_u32(self.labels.len());
        self.labels.push((label.to_owned(), at));
        self.index.insert(label.to_owned(), i);
        i
    }

    /// True when the file already used `label`.
    pub(super) fn has_label(&self, label: &str) -> bool {
        self.index.contains_key(label)
    }
}

/// Why a cue timestamp cannot be read: the message and the byte offset in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadTime {
    /// What is wrong.
    pub(super) msg: String,
    /// Byte offset of the problem in the timestamp.
    pub(super) at: usize,
}

/// A cue timestamp: `[H…:]MM:SS` then `.` or `,` and 1 to 3 digits of fraction (a
/// missing fraction is accepted too). Hours take any number of digits; minutes and
/// seconds are two digits under 60. Returns milliseconds.
pub(super) fn parse_timestamp(t: &str) -> Result<u64, BadTime> {
    let bad = |msg: &str, at: usize| BadTime {
        msg: msg.to_owned(),
        at,
    };
    let b = t.as_bytes();
    // Byte by byte, no allocation: a caption file has two timestamps a cue.
    let mut fields = [(0usize, 0u64, 0usize); 3]; // (offset, value, digits)
    let mut n = 0;
    let mut i = 0;
    loop {
        let start = i;
        let mut value = 0u64;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            value = value.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 || !matches!(b.get(i), None | Some(b':' | b'.' | b',')) {
            return Err(bad("expected digits", start));
        }
        if n == 3 {
            return Err(bad("expected MM:SS.mmm or HH:MM:SS.mmm", 0));
        }
        fields[n] = (start, value, digits);
        n += 1;
        if b.get(i) == Some(&b':') {
            i += 1;
        } else {
            break;
        }
    }
    let (h, (m_at, m, m_digits), (s_at, s, s_digits)) = match n {
        2 => (0, fields[0], fields[1]),
        3 => (fields[0].1, fields[1], fields[2]),
        _ => return Err(bad("expected MM:SS.mmm or HH:MM:SS.mmm", 0)),
    };
    if m_digits != 2 || m >= 60 {
        return Err(bad("minutes must be two digits under 60", m_at));
    }
    if s_digits != 2 || s >= 60 {
        return Err(bad("seconds must be two digits under 60", s_at));
    }
    let ms = if i < b.len() {
        // At a `.` or `,`: 1 to 3 digits of fraction, then the end.
        let f = &b[i + 1..];
        if f.is_empty() || f.len() > 3 || !f.iter().all(u8::is_ascii_digit) {
            return Err(bad("milliseconds must be 1 to 3 digits", i + 1));
        }
        let v = f.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        v * 10u64.pow(3 - f.len() as u32)
    } else {
        0
    };
    Ok(((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// True when `s` holds `-->` (a cue timing line), found by its `>`.
pub(super) fn has_arrow(s: &str) -> bool {
    let b = s.as_bytes();
    // Timing lines start with a digit (perhaps after blanks); text lines rarely do.
    let starts_like_timing = match b.first() {
        Some(d) if d.is_ascii_digit() => true,
        Some(b' ' | b'\t') => s.trim_start().starts_with(|c: char| c.is_ascii_digit()),
        _ => false,
    };
    starts_like_timing
        && memchr::memchr_iter(b'>', b).any(|i| i >= 2 && b[i - 1] == b'-' && b[i - 2] == b'-')
}

/// A `start --> end` timing line, times in ms, plus anything after the end (cue
/// settings). `Err` says what is wrong and at which byte.
pub(super) fn parse_timing(line: &str) -> Result<(u64, u64), BadTime> {
    match usual_timing(line.as_bytes()) {
        Some(times) => Ok(times),
        None => any_timing(line),
    }
}

/// [`parse_timing`] for any line.
pub(super) fn any_timing(line: &str) -> Result<(u64, u64), BadTime> {
    let b = line.as_bytes();
    let arrow = memchr::memchr_iter(b'>', b)
        .find(|&i| i >= 2 && b[i - 1] == b'-' && b[i - 2] == b'-')
        .map(|i| i - 2);
    let Some(arrow) = arrow else {
        return Err(BadTime {
            msg: "no \"-->\" between the start and end times".into(),
            at: 0,
        });
    };
    let left = &line[..arrow];
    let start_at = left.len() - left.trim_start().len();
    let start = parse_timestamp(left.trim()).map_err(|e| BadTime {
        at: start_at + e.at,
        ..e
    })?;
    let right = &line[arrow + 3..];
    let end_at = arrow + 3 + (right.len() - right.trim_start().len());
    let end_text = right.split_whitespace().next().unwrap_or("");
    let end = parse_timestamp(end_text).map_err(|e| BadTime {
        at: end_at + e.at,
        ..e
    })?;
    Ok((start, end))
}

/// The usual timing line, `HH:MM:SS.mmm --> HH:MM:SS.mmm` (`,` too), perhaps with
/// settings after a blank, read by position: what [`parse_timing`] reads it as, or
/// `None` for anything else, left to it.
pub(super) fn usual_timing(b: &[u8]) -> Option<(u64, u64)> {
    let head = b.get(..29)?;
    if !matches!(b.get(29), None | Some(b' ' | b'\t')) || head.get(12..17)? != b" --> " {
        return None;
    }
    let time = |t: &[u8]| {
        let ok = t[2] == b':'
            && t[5] == b':'
            && matches!(t[8], b'.' | b',')
            && [0, 1, 3, 4, 6, 7, 9, 10, 11]
                .iter()
                .all(|&i| t[i].is_ascii_digit());
        if !ok {
            return None;
        }
        let n = |i: usize, len: usize| {
            t[i..i + len]
                .iter()
                .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
        };
        let (h, m, s, ms) = (n(0, 2), n(3, 2), n(6, 2), n(9, 3));
        (m < 60 && s < 60).then_some(((h * 60 + m) * 60 + s) * 1000 + ms)
    };
    Some((time(&head[..12])?, time(&head[17..])?))
}

/// Labels a caption's `Name:` prefix may name: the `speakers:` map, the hosts and
/// guests (full or first name), and labels the file already used.
pub(in crate::transcript) struct Known<'a> {
    /// `speakers:` labels.
    pub(in crate::transcript) speakers: &'a crate::transcript::meta::SpeakerMap,
    /// Hosts and guests, when the metadata is good.
    pub(in crate::transcript) front: Option<&'a crate::transcript::FrontMatter>,
}

impl Known<'_> {
    fn contains(&self, label: &str, cues: &Cues) -> bool {
        self.speakers.get(label).is_some()
            || cues.has_label(label)
            || self.front.is_some_and(|f| {
                matches!(
                    crate::transcript::speakers::resolve_label(label, f),
                    crate::transcript::speakers::Resolution::Person(_)
                )
            })
    }
}

/// True when a speaker label needs no normalising: printable ASCII, single-spaced,
/// no space at either end. Most labels are, and are looked up as they are.
pub(super) fn is_plain_label(label: &[u8]) -> bool {
    label.first().is_some_and(|&c| c != b' ')
        && label.last().is_some_and(|&c| c != b' ')
        && label.iter().all(|&c| (0x20..0x7f).contains(&c))
        // Labels are short: a plain look, not a searcher built per call.
        && !label.windows(2).any(|w| w == b"  ")
}

/// A speaker prefix at the start of a caption (`Sarah: In today's episode`): the
/// label and the text after it.
///
/// Captions are cut anywhere, so prose with a colon must not pass for a speaker: the
/// label has at most 6 words and 60 characters and no sentence punctuation, and a
/// label not [`Known`] must also look like a name (at most 4 words, each capitalised
/// or a number) and follow a caption that ended a sentence (or none).
pub(super) fn speaker_prefix<'t>(
    text: &'t str,
    known: &Known<'_>,
    cues: &Cues,
) -> Option<(&'t str, &'t str)> {
    // The label is short: look for its colon in the first 64 bytes only.
    let mut limit = text.len().min(64);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let colon = memchr::memchr(b':', text.as_bytes().get(..limit)?)?;
    let label = text.get(..colon)?.trim_end();
    let rest = text.get(colon + 1..)?;
    let first = label.chars().next()?;
    let shaped = first.is_alphanumeric()
        && label.chars().count() <= 60
        && label.split_whitespace().count() <= 6
        && !label.contains([',', ';', '!', '?', '"', '(', ')'])
        && (rest.is_empty() || rest.starts_with(char::is_whitespace))
        // `10: …` is a number, not a name.
        && !label.bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        return None;
    }
    let accepted = known.contains(label, cues) || {
        let name_like = label.split_whitespace().count() <= 4
            && !label.contains('.')
            && label
                .split_whitespace()
                .all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
        let after_sentence = cues.cues.last().is_none_or(Cue::ends_sentence);
        name_like && after_sentence
    };
    accepted.then(|| (label, rest.trim_start()))
}

/// Error for a malformed timing line at `line` (1-based), the caret at byte `at`.
pub(super) fn timing_error(
    file: &str,
    line: u32,
    text: &str,
    bad: &BadTime,
    example: &str,
) -> Diagnostic {
    let col = text.get(..bad.at).map_or(1, |p| p.chars().count() + 1);
    Diagnostic::error(file, format!("malformed cue timing: {}", bad.msg))
        .at(line, to_u32(col))
        .with_source(text, 1)
        .with_help(format!("write the timing line like `{example}`"))
}
