//! Body: chapter headings and `Speaker HH:MM:SS:` turns, scanned line by line.
//!
//! One pass, plain byte tests, no regex and no allocation per line: a turn's body is
//! one slice of the source, copied once when the turn ends.
//!
//! Rules where the spec is silent:
//! - A turn line is `Label TS:` then whitespace or the end of the line. The label
//!   starts the line with a letter or digit, has no `:`, at most 60 characters and 6
//!   words, and exactly one space before the timestamp. TS is `H:MM:SS`, `HH:MM:SS`,
//!   `M:SS` or `MM:SS`; in the two-field form the first field is minutes and may pass
//!   59 (`75:30` is 1:15:30). A seconds field, or the minutes of a three-field
//!   timestamp, of 60 or more is an error at that field.
//! - A line shaped like a turn line whose timestamp is not one (after the label, a
//!   word that starts with a digit, ends with a colon and holds another, made of
//!   letters, digits, dots and colons: `Ryan 00:0x:10:`, `Ryan 1:2:`) is read as
//!   text, as any other line, with a warning at the timestamp.
//! - A heading is CommonMark's ATX heading (up to 3 spaces, 1–6 `#`, a space, text;
//!   a closing `#` run needs a space before it, so `### C#` keeps its `#`). An empty
//!   heading is ordinary text. Headings are recognised everywhere, even inside what
//!   would be a fenced code block.
//! - `Transcript` (any case, optional `:`) or a heading of that text is skipped only
//!   as the first non-blank line of the body.
//! - Text outside any turn (before the first turn, or between a heading and its first
//!   turn, as after a `# line` that was meant as part of a turn) is kept as the
//!   chapter's opening text, with one warning per place. A chapter with opening text
//!   but no turn is kept; one with neither is left out with a warning.
//! - A turn's body keeps the indentation of its first line and inner blank lines; blank
//!   lines and trailing whitespace at its ends are dropped. A turn may be empty.

use std::collections::HashSet;

use super::{Line, ParsedChapter, ParsedTurn, span_chars};
use crate::diag::{Diagnostic, to_u32};
use crate::model::Timestamp;

/// A speaker label longer than this is prose, not a label.
const MAX_LABEL_CHARS: usize = 60;
/// A speaker label with more words than this is prose, not a label.
const MAX_LABEL_WORDS: usize = 6;
/// Bytes from a line's start within which [`turn_head`] finds the timestamp's colon
/// (the longest label, 4 bytes a char at most, a space and two digits).
pub(super) const TURN_HEAD_REACH: usize = MAX_LABEL_CHARS * 4 + 4;

/// A chapter heading as written, kept even when the chapter is dropped.
#[derive(Debug, Clone)]
pub(super) struct Heading<'a> {
    /// Heading text, trimmed, closing `#`s removed.
    pub(super) title: &'a str,
    /// 1-based line.
    pub(super) line: u32,
    /// 1-based column of the title text.
    pub(super) col: u32,
    /// The whole source line.
    pub(super) source: &'a str,
}

/// Where a speaker label is first used.
#[derive(Debug, Clone)]
pub(super) struct LabelUse<'a> {
    /// The label as written.
    pub(super) label: &'a str,
    /// 1-based line of its first turn.
    pub(super) line: u32,
    /// The whole source line.
    pub(super) source: &'a str,
}

/// What the body holds, before speakers are resolved.
#[derive(Debug, Default)]
pub(super) struct Body<'a> {
    /// Chapters that hold at least one turn.
    pub(super) chapters: Vec<ParsedChapter>,
    /// Every heading, in order (not the `Transcript` marker).
    pub(super) headings: Vec<Heading<'a>>,
    /// Distinct speaker labels in order of first use.
    pub(super) labels: Vec<LabelUse<'a>>,
}

/// The parts of a `Speaker HH:MM:SS: text` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TurnHead<'a> {
    /// The speaker label.
    pub(super) label: &'a str,
    /// The timestamp as written (`00:01:33`).
    pub(super) stamp: &'a str,
    /// Byte offset of the timestamp in the line.
    pub(super) stamp_at: usize,
    /// Text after the final colon, trimmed at the start; may be empty.
    pub(super) inline: &'a str,
    /// Byte offset of `inline` in the line.
    pub(super) inline_at: usize,
}

/// Recognises a turn line. Ordinary prose must not match: the label starts the line
/// with a letter or digit, has no colon, is short, and one space separates it from a
/// timestamp that ends in a colon followed by whitespace or the end of the line.
pub(super) fn turn_head(line: &str) -> Option<TurnHead<'_>> {
    scan_head(line).ok()
}

/// The offset of the colon that ends the timestamp of a turn line, or of a line shaped
/// like one ([`MalformedHead`]): the colon to escape for the line to read as plain
/// text, with no warning.
pub(super) fn stamp_colon(line: &str) -> Option<usize> {
    match scan_head(line) {
        Ok(head) => Some(head.stamp_at + head.stamp.len()),
        Err(Some(bad)) => Some(bad.stamp_at + bad.stamp.len()),
        Err(None) => None,
    }
}

/// A line shaped like a turn line whose timestamp is not one (`Ryan 00:0x:10:`,
/// `Ryan 1:2:`): a typo that would otherwise pass silently into the turn before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MalformedHead<'a> {
    /// The would-be timestamp, without its final colon.
    pub(super) stamp: &'a str,
    /// Byte offset of `stamp` in the line.
    pub(super) stamp_at: usize,
}

/// [`turn_head`], or why not: `Err(Some(..))` for a line that is shaped like a turn
/// line but whose timestamp is malformed, `Err(None)` for any other line.
fn scan_head(line: &str) -> Result<TurnHead<'_>, Option<MalformedHead<'_>>> {
    if !line.chars().next().is_some_and(char::is_alphanumeric) {
        return Err(None);
    }
    // The label has no colon, so the timestamp's first colon is the line's first one,
    // and it comes within the longest label (4 bytes a char at most), a space and two
    // digits. Most prose lines fail this one memchr-speed search.
    let mut limit = line.len().min(TURN_HEAD_REACH);
    while !line.is_char_boundary(limit) {
        limit -= 1;
    }
    let colon = line.get(..limit).and_then(|l| l.find(':')).ok_or(None)?;
    let space = line.get(..colon).and_then(|l| l.rfind(' ')).ok_or(None)?;
    match stamp_end(line.as_bytes(), space + 1) {
        Some(end) => head_at(line, space, end).ok_or(None),
        None => Err(malformed_head(line, space)),
    }
}

/// After the label ending before `space`: a word that starts with a digit, ends with
/// a colon, holds another colon and nothing but letters, digits, dots and colons
/// (`00:0x:10:`, `1:2:`, `0:00:00:00:`; not `1:` or an escaped `10:30\:`).
fn malformed_head(line: &str, space: usize) -> Option<MalformedHead<'_>> {
    let rest = line.get(space + 1..)?;
    let word = rest.split([' ', '\t']).next()?;
    let stamp = word.strip_suffix(':')?;
    let shaped = word.len() <= 12
        && stamp.starts_with(|c: char| c.is_ascii_digit())
        && stamp.contains(':')
        && stamp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'.');
    // The label must pass as one, as in a turn line.
    (shaped && head_at(line, space, space + 1 + word.len()).is_some()).then_some(MalformedHead {
        stamp,
        stamp_at: space + 1,
    })
}

/// Checks the label before the space at `space` and splits the rest of the line.
fn head_at(line: &str, space: usize, stamp_end: usize) -> Option<TurnHead<'_>> {
    let label = line.get(..space)?;
    if label.ends_with(char::is_whitespace)
        || label.chars().count() > MAX_LABEL_CHARS
        || label.split_whitespace().count() > MAX_LABEL_WORDS
    {
        return None;
    }
    let stamp = line.get(space + 1..stamp_end.checked_sub(1)?)?;
    let rest = line.get(stamp_end..)?;
    let inline = rest.trim_start();
    Some(TurnHead {
        label,
        stamp,
        stamp_at: space + 1,
        inline,
        inline_at: line.len() - inline.len(),
    })
}

/// If a timestamp shape (`D:DD:`, `DD:DD:`, `D:DD:DD:` or `DD:DD:DD:`) followed by
/// whitespace or the end of line starts at `at`, the offset just past its final colon.
fn stamp_end(b: &[u8], at: usize) -> Option<usize> {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let colon = |i: usize| b.get(i) == Some(&b':');
    let first_len = if digit(at + 1) { 2 } else { 1 };
    let c1 = at + first_len;
    if !(digit(at) && colon(c1) && digit(c1 + 1) && digit(c1 + 2) && colon(c1 + 3)) {
        return None;
    }
    let c2 = c1 + 3;
    let end = if digit(c2 + 1) && digit(c2 + 2) && colon(c2 + 3) {
        c2 + 4
    } else {
        c2 + 1
    };
    match b.get(end) {
        None | Some(b' ' | b'\t') => Some(end),
        Some(_) => None,
    }
}

/// A timestamp's fields are in range, or which one is not (index, name).
pub(super) fn stamp_value(stamp: &str) -> Result<Timestamp, (usize, &'static str)> {
    let mut fields = [0u32; 3];
    let mut n = 0;
    for part in stamp.split(':') {
        let value = part.bytes().fold(0u32, |acc, d| {
            acc.saturating_mul(10)
                .saturating_add(u32::from(d.wrapping_sub(b'0')))
        });
        if let Some(f) = fields.get_mut(n) {
            *f = value;
        }
        n += 1;
    }
    let (h, m, s) = match n {
        3 => (fields[0], fields[1], fields[2]),
        _ => (0, fields[0], fields[1]),
    };
    // In MM:SS the minutes may pass 59 (75:30 is 1:15:30); in H:MM:SS they may not.
    if n == 3 && m >= 60 {
        return Err((1, "minutes"));
    }
    if s >= 60 {
        return Err((n - 1, "seconds"));
    }
    Ok(Timestamp(
        h.saturating_mul(3600)
            .saturating_add(m.saturating_mul(60))
            .saturating_add(s),
    ))
}

/// A chapter heading: up to 3 spaces, 1 to 6 `#`, a space, then non-empty text.
/// Returns the title (closing `#`s removed) and its byte offset in the line.
pub(super) fn heading(line: &str) -> Option<(&str, usize)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = line.get(indent..)?;
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let after = rest.get(hashes..)?;
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let mut title = after.trim();
    let stripped = title.trim_end_matches('#');
    // As in CommonMark, `### C#` keeps its `#`: a closing run needs a space before it.
    if stripped.len() != title.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
        title = stripped.trim_end();
    }
    if title.is_empty() {
        return None;
    }
    let offset = line.len() - after.trim_start().len();
    Some((title, offset))
}

/// The optional marker line that opens the transcript.
fn is_transcript_marker(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_suffix(':').unwrap_or(s);
    s.eq_ignore_ascii_case("transcript")
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

/// A turn whose body is still being read.
struct OpenTurn<'a> {
    label: &'a str,
    start: Timestamp,
    line: u32,
    /// Byte range of the body in the whole text, once it has a non-blank line.
    body: Option<(usize, usize)>,
}

struct Scanner<'a, 'd> {
    file: &'a str,
    text: &'a str,
    diags: &'d mut Vec<Diagnostic>,
    body: Body<'a>,
    label_seen: HashSet<&'a str>,
    chapter: Option<ParsedChapter>,
    /// Byte range of the open chapter's text before its first turn, if any.
    intro: Option<(usize, usize)>,
    turn: Option<OpenTurn<'a>>,
    turn_count: usize,
    previous: Option<(Timestamp, &'a str)>,
}

/// Scans the body lines (after the closing `---`) of `text`.
pub(super) fn parse<'a>(
    file: &'a str,
    text: &'a str,
    lines: impl Iterator<Item = Line<'a>>,
    diags: &mut Vec<Diagnostic>,
) -> Body<'a> {
    let mut s = Scanner {
        file,
        text,
        diags,
        body: Body::default(),
        label_seen: HashSet::new(),
        chapter: None,
        intro: None,
        turn: None,
        turn_count: 0,
        previous: None,
    };
    let mut seen_content = false;
    for line in lines {
        let t = line.text;
        if is_blank(t) {
            continue;
        }
        let first_content = !seen_content;
        seen_content = true;
        let heading = heading(t);
        if first_content && is_transcript_marker(heading.map_or(t, |(title, _)| title)) {
            continue;
        }
        if let Some((title, at)) = heading {
            s.start_chapter(line, title, at);
            continue;
        }
        let malformed = match scan_head(t) {
            Ok(head) => {
                s.start_turn(line, &head);
                continue;
            }
            Err(malformed) => malformed,
        };
        if let Some(bad) = malformed {
            s.warn_malformed_head(line, bad);
        }
        if let Some(turn) = &mut s.turn {
            let end = line.start + t.len();
            turn.body = Some(turn.body.map_or((line.start, end), |(from, _)| (from, end)));
        } else {
            s.opening_text(line);
        }
    }
    s.finish_chapter();
    if s.turn_count == 0 {
        s.diags
            .push(Diagnostic::error(file, "no turns found").with_help(
                "a turn starts with a line like \"Name 00:01:23:\" followed by what they said",
            ));
    }
    s.body
}

impl<'a> Scanner<'a, '_> {
    fn start_chapter(&mut self, line: Line<'a>, title: &'a str, at: usize) {
        self.finish_chapter();
        let col = to_u32(at + 1);
        self.body.headings.push(Heading {
            title,
            line: line.no,
            col,
            source: line.text,
        });
        self.chapter = Some(ParsedChapter {
            title: Some(title.to_owned()),
            line: line.no,
            intro: String::new(),
            turns: Vec::new(),
        });
    }

    fn finish_chapter(&mut self) {
        self.finish_turn();
        let Some(mut chapter) = self.chapter.take() else {
            return;
        };
        if let Some(range) = self.intro.take() {
            chapter.intro = self.markdown(range);
        }
        if !chapter.turns.is_empty() || !chapter.intro.is_empty() {
            self.body.chapters.push(chapter);
            return;
        }
        if let Some(h) = self.body.headings.last() {
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    format!("chapter \"{}\" has no turns and is left out", h.title),
                )
                .at(h.line, h.col)
                .with_source(h.source, span_chars(h.title)),
            );
        }
    }

    fn start_turn(&mut self, line: Line<'a>, head: &TurnHead<'a>) {
        self.finish_turn();
        let label_chars = head.label.chars().count();
        let stamp_col = label_chars + 2;
        let start = match stamp_value(head.stamp) {
            Ok(ts) => Some(ts),
            Err((field, name)) => {
                // Fields before `field` are each two digits and a colon, except the
                // first, which may have one digit.
                let offset: usize = head.stamp.split(':').take(field).map(|p| p.len() + 1).sum();
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        format!(
                            "timestamp \"{}\" is out of range: {name} must be under 60",
                            head.stamp
                        ),
                    )
                    .at(line.no, to_u32(stamp_col + offset))
                    .with_source(line.text, 2)
                    .with_help("write timestamps as HH:MM:SS, H:MM:SS or MM:SS"),
                );
                None
            }
        };
        if let (Some(start), Some((prev, prev_text))) = (start, self.previous)
            && start < prev
        {
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    format!(
                        "timestamp {} is earlier than the previous turn's {prev_text}",
                        head.stamp
                    ),
                )
                .at(line.no, to_u32(stamp_col))
                .with_source(line.text, to_u32(head.stamp.len())),
            );
        }
        if let Some(start) = start {
            self.previous = Some((start, head.stamp));
        }
        let start = start.unwrap_or_default();
        if self.label_seen.insert(head.label) {
            self.body.labels.push(LabelUse {
                label: head.label,
                line: line.no,
                source: line.text,
            });
        }
        if self.chapter.is_none() {
            self.open_implicit_chapter(line.no);
        }
        let body = if head.inline.is_empty() {
            None
        } else {
            let from = line.start + head.inline_at;
            Some((from, line.start + line.text.len()))
        };
        self.turn = Some(OpenTurn {
            label: head.label,
            start,
            line: line.no,
            body,
        });
        self.turn_count += 1;
    }

    /// Warns about a line shaped like a turn line whose timestamp is not one; the line
    /// is then read as text, as before.
    fn warn_malformed_head(&mut self, line: Line<'a>, bad: MalformedHead<'a>) {
        let col = line
            .text
            .get(..bad.stamp_at)
            .map_or(1, |before| before.chars().count() + 1);
        let read_as = if self.turn.is_some() {
            "it is read as text of the turn before it"
        } else {
            "it is read as text"
        };
        self.diags.push(
            Diagnostic::warning(
                self.file,
                format!(
                    "this line looks like a turn line, but \"{}\" is not a timestamp: {read_as}",
                    bad.stamp
                ),
            )
            .at(line.no, to_u32(col))
            .with_source(line.text, span_chars(bad.stamp))
            .with_help(
                "write the time as H:MM:SS or MM:SS, two digits for minutes and seconds, \
                 then a colon: `Name 00:01:10: …`",
            ),
        );
    }

    /// The chapter holding turns (or text) before the first heading.
    fn open_implicit_chapter(&mut self, line: u32) {
        self.chapter = Some(ParsedChapter {
            title: None,
            line,
            intro: String::new(),
            turns: Vec::new(),
        });
    }

    /// The source text in `from..to` as Markdown: line endings as `\n`, no trailing blanks.
    fn markdown(&self, (from, to): (usize, usize)) -> String {
        match self.text.get(from..to) {
            // Line endings inside the slice are the only `\r\n` pairs, so this is
            // exactly "strip the `\r` of every line".
            Some(slice) if slice.contains('\r') => {
                slice.replace("\r\n", "\n").trim_end().to_owned()
            }
            Some(slice) => slice.trim_end().to_owned(),
            None => String::new(),
        }
    }

    fn finish_turn(&mut self) {
        let Some(turn) = self.turn.take() else {
            return;
        };
        let body = turn
            .body
            .map(|range| std::sync::Arc::<str>::from(self.markdown(range)))
            .unwrap_or_default();
        if let Some(chapter) = &mut self.chapter {
            chapter.turns.push(ParsedTurn {
                speaker: turn.label.to_owned(),
                resolved: None,
                start: turn.start,
                times: None,
                body,
                line: turn.line,
            });
        }
    }

    /// Text outside any turn: kept as the chapter's opening text, warned about once
    /// per chapter.
    fn opening_text(&mut self, line: Line<'a>) {
        let end = line.start + line.text.len();
        if let Some((from, _)) = self.intro {
            self.intro = Some((from, end));
            return;
        }
        self.intro = Some((line.start, end));
        if self.chapter.is_none() {
            self.open_implicit_chapter(line.no);
        }
        let heading = self
            .body
            .headings
            .last()
            .filter(|_| self.chapter.as_ref().is_some_and(|c| c.title.is_some()));
        let (msg, help) = match heading {
            Some(h) => (
                format!(
                    "text after the heading \"{}\" (line {}), before any turn, is shown as \
                     the chapter's opening text",
                    h.title, h.line
                ),
                "a line starting with \"# \" starts a chapter; if that line is part of what \
                 was said, write it as \"\\# ...\" to keep it in the turn",
            ),
            None => (
                "text before the first turn is shown as the transcript's opening text".to_owned(),
                "a turn starts with a line like \"Name 00:01:23:\"; text belongs to the turn \
                 above it",
            ),
        };
        self.diags.push(
            Diagnostic::warning(self.file, msg)
                .at(line.no, 1)
                .with_source(line.text, span_chars(line.text))
                .with_help(help),
        );
    }
}
