//! Transcript parser: one source file's text → a [`ParsedEpisode`] plus diagnostics.
//!
//! Pure (no I/O) so it runs on many files in parallel and can be fuzzed. Linking
//! episodes to each other (people, topics, slugs) is [`crate::archive`]'s job.

mod body;
mod front_matter;
mod speakers;
#[cfg(test)]
mod tests;
mod yaml;

use std::collections::BTreeMap;

use std::sync::Arc;

use jiff::civil::Date;

use crate::diag::{self, Diagnostic};
use crate::model::{SourceKey, Timestamp};

/// A transcript file as read from disk, before parsing.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in diagnostics: relative to the site root, `/`-separated (`content/ep1.txt`).
    pub display: String,
    /// Raw bytes; the parser checks UTF-8, strips a BOM and accepts CRLF.
    pub bytes: Vec<u8>,
}

/// Options that change how files are read.
#[derive(Debug, Clone, Default, Hash)]
pub struct ParseOptions {
    /// `[content] date-format` (strftime, e.g. `%d/%m/%Y`); `None` accepts `DD/MM/YYYY` and ISO.
    pub date_format: Option<String>,
}

/// Which front-matter list a speaker resolved into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// An entry of `host_name`.
    Host,
    /// An entry of `guest_name`.
    Guest,
}

/// A speaker label resolved to a host or guest of the same episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpeakerRef {
    /// Host or guest list.
    pub role: Role,
    /// Index into `FrontMatter::hosts` or `FrontMatter::guests`.
    pub index: usize,
}

/// The typed front matter of one transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    /// `podcast_name`.
    pub podcast_name: String,
    /// `episode_title`.
    pub episode_title: String,
    /// `host_name` (string or list), at least one.
    pub hosts: Vec<String>,
    /// `guest_name` (string or list), possibly empty.
    pub guests: Vec<String>,
    /// `episode_date`.
    pub date: Date,
    /// `episode_duration` in minutes.
    pub duration_minutes: Option<u32>,
    /// `episode_description` (Markdown source).
    pub description: Option<String>,
    /// `guest_background`: chapter titles in order.
    pub guest_background: Vec<String>,
    /// `biggest_role`.
    pub biggest_role: Option<String>,
    /// `current_company`.
    pub current_company: Option<String>,
    /// `company_size`.
    pub company_size: Option<String>,
    /// `yoe-starting`.
    pub career_start: Option<i32>,
    /// `slug` override.
    pub slug: Option<String>,
    /// `audio_url`.
    pub audio_url: Option<String>,
    /// `topics` and `tags`, merged in that order.
    pub topics: Vec<String>,
    /// `draft`.
    pub draft: bool,
    /// Every other key, kept for templates.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Keys of `extra` whose value no taxonomy can take terms from.
    pub nested_extra: Vec<NestedExtra>,
    /// Where some values are in the file, for warnings raised after parsing.
    pub at: FrontPositions,
}

/// A front-matter key castbook does not know whose value is a mapping, or a list
/// holding a list or a mapping. It is kept for templates like any other; linking
/// reports `problem` (an error at the value) only when a taxonomy names the key.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedExtra {
    /// The front-matter key.
    pub key: String,
    /// The error to report, pointing at the offending value.
    pub problem: Diagnostic,
}

/// 1-based (line, column) of the front-matter values later stages may warn about
/// (slugs are handed out when linking); `None` or missing entries when unknown.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct FrontPositions {
    /// The value of `podcast_name`.
    pub podcast_name: Option<(u32, u32)>,
    /// The value of `episode_title`.
    pub episode_title: Option<(u32, u32)>,
    /// The value of `slug`.
    pub slug: Option<(u32, u32)>,
    /// Each `host_name` entry, parallel to `FrontMatter::hosts`.
    pub hosts: Vec<(u32, u32)>,
    /// Each `guest_name` entry, parallel to `FrontMatter::guests`.
    pub guests: Vec<(u32, u32)>,
}

/// One turn as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTurn {
    /// The speaker label as written (`Ryan`).
    pub speaker: String,
    /// The host or guest the label resolves to.
    pub resolved: Option<SpeakerRef>,
    /// The turn's timestamp.
    pub start: Timestamp,
    /// Markdown body: inline text after the timestamp, then following lines, trimmed;
    /// shared with the linked turn (see `Turn::body`).
    pub body: Arc<str>,
    /// 1-based line of the `Speaker HH:MM:SS:` line.
    pub line: u32,
}

/// One chapter as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedChapter {
    /// Heading text, or `None` for the implicit chapter before the first heading.
    pub title: Option<String>,
    /// 1-based line of the heading (or of the first turn or text for the implicit chapter).
    pub line: u32,
    /// Markdown text between the heading and the first turn (warned about when not
    /// empty): kept so no word of a transcript is lost.
    pub intro: String,
    /// Turns in order (a chapter kept for its opening text may have none).
    pub turns: Vec<ParsedTurn>,
}

/// Everything one transcript file says, checked but not yet linked to other files.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEpisode {
    /// Same as [`SourceFile::display`].
    pub source: String,
    /// The front matter.
    pub front: FrontMatter,
    /// Chapters in order; only chapters that hold a turn or opening text are kept.
    pub chapters: Vec<ParsedChapter>,
    /// The inputs it was parsed from; set by whoever read them (the parser sees
    /// bytes, not where they came from), [`SourceKey::UNKNOWN`] until then.
    pub source_key: SourceKey,
}

/// Parses one transcript: front matter, chapters and turns, with every problem found.
///
/// Returns `None` when any diagnostic is an error. Never panics and runs in time linear
/// in the size of the file, whatever its content.
pub fn parse(src: &SourceFile, opts: &ParseOptions) -> (Option<ParsedEpisode>, Vec<Diagnostic>) {
    let file = src.display.as_str();
    let mut diags = Vec::new();
    // A BOM is invisible in editors, so columns on line 1 are counted after it.
    let bytes = src.bytes.strip_prefix(BOM).unwrap_or(&src.bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            diags.push(utf8_error(file, bytes, err.valid_up_to()));
            return (None, diags);
        }
    };

    let mut lines = lines(text);
    let opening = lines.next();
    let Some(opening) = opening.filter(|l| is_delimiter(l.text)) else {
        let first = opening.map_or("", |l| l.text);
        diags.push(
            Diagnostic::error(file, "missing front matter: the first line must be \"---\"")
                .at(1, 1)
                .with_source(first, span_chars(first))
                .with_help(
                    "start the file with a \"---\" line, the YAML front matter \
                     (podcast_name, episode_title, host_name, episode_date, ...), then another \
                     \"---\" line",
                ),
        );
        return (None, diags);
    };
    let Some(closing) = lines.by_ref().find(|l| is_delimiter(l.text)) else {
        diags.push(
            Diagnostic::error(
                file,
                "front matter is not terminated: no closing \"---\" line",
            )
            .at(1, 1)
            .with_source(opening.text, 3)
            .with_help("end the front matter with a line that is exactly \"---\""),
        );
        return (None, diags);
    };
    let yaml = yaml::Yaml::new(
        file,
        text.get(opening.end..closing.start).unwrap_or(""),
        opening.no.saturating_add(1),
    );
    let front = front_matter::parse(&yaml, opts, &mut diags);
    let body = body::parse(file, text, lines, &mut diags);

    let mut chapters = body.chapters;
    if let Some(fm) = &front.front {
        speakers::resolve(file, fm, &body.labels, &mut chapters, &mut diags);
        speakers::check_guest_background(
            file,
            fm,
            &yaml,
            &front.background_at,
            &body.headings,
            &mut diags,
        );
    }

    let episode = match front.front {
        Some(front) if !diags.iter().any(Diagnostic::is_error) => Some(ParsedEpisode {
            source: src.display.clone(),
            front,
            chapters,
            source_key: SourceKey::UNKNOWN,
        }),
        _ => None,
    };
    (episode, diags)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One line of the source, without its line ending.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based line number in the original file.
    no: u32,
    /// Byte offset of the line's first byte in the text.
    start: usize,
    /// Byte offset just past the line ending (the next line's start).
    end: usize,
    /// The line without `\n` and without one `\r` before it.
    text: &'a str,
}

/// Splits on `\n` (CRLF accepted) and keeps the original line numbers and offsets.
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0usize;
    let mut no = 0u32;
    text.split_inclusive('\n').map(move |raw| {
        no = no.saturating_add(1);
        let line_start = start;
        start = start.saturating_add(raw.len());
        let t = raw.strip_suffix('\n').unwrap_or(raw);
        let t = t.strip_suffix('\r').unwrap_or(t);
        Line {
            no,
            start: line_start,
            end: start,
            text: t,
        }
    })
}

/// A front matter delimiter: exactly `---`, trailing blanks allowed.
fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == "---"
}

/// Length of a caret span over `s`, in characters, kept short enough to read.
fn span_chars(s: &str) -> u32 {
    diag::to_u32(s.chars().take(80).count())
}

fn utf8_error(file: &str, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let valid = bytes.get(..valid_up_to).unwrap_or_default();
    let prefix = std::str::from_utf8(valid).unwrap_or_default();
    let (line, col) = diag::line_col(prefix, prefix.len());
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let rest = bytes.get(line_start..).unwrap_or_default();
    let line_bytes = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let shown = String::from_utf8_lossy(line_bytes);
    let bad = bytes.get(valid_up_to).copied().unwrap_or(0);
    Diagnostic::error(
        file,
        format!("file is not valid UTF-8: invalid byte 0x{bad:02X}"),
    )
    .at(line, col)
    .with_source(shown.trim_end_matches('\r'), 1)
    .with_help("save the transcript as UTF-8")
}
