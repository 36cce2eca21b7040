//! Transcript parser: one transcript's bytes, and the bytes of every metadata file it
//! depends on ([`Source`]) → a [`ParsedEpisode`] plus diagnostics.
//!
//! Pure (no I/O) so it runs on many files in parallel and can be fuzzed, and a cache
//! keyed on a [`Source`]'s bytes is exact. Linking episodes to each other (people,
//! topics, slugs) is [`crate::archive`]'s job.
//!
//! Besides castbook's own text format (SPEC §2), the formats other tools write are
//! read (`transcript/formats/`): WebVTT, SubRip, Podcasting 2.0 and Whisper/WhisperX JSON,
//! otter.ai text. Their metadata comes from a sidecar and `_defaults.yml` files
//! (`transcript/meta.rs`, docs/formats/); `_defaults.yml` applies to castbook's own format too.

mod body;
mod chapters;
mod formats;
mod front_matter;
mod meta;
mod read;
mod speakers;
#[cfg(test)]
mod tests;
mod to_text;
mod yaml;

use std::collections::BTreeMap;

use std::sync::Arc;

pub use to_text::{Imported, to_text};

use jiff::civil::Date;

use crate::diag::{self, Diagnostic};
use crate::model::{SourceKey, TimeSpan, Timestamp};

/// A transcript file as read from disk, before parsing.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in diagnostics: relative to the site root, `/`-separated (`content/ep1.txt`).
    pub display: String,
    /// Raw bytes; the parser checks UTF-8, strips a BOM and accepts CRLF.
    pub bytes: Vec<u8>,
}

/// What a metadata file is to the transcript that depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKind {
    /// `NAME.yml` (or `.yaml`) beside `NAME.vtt`: the episode's front-matter keys.
    Sidecar,
    /// A `_defaults.yml` of a folder holding the transcript: default keys.
    Defaults,
    /// A Podcasting 2.0 chapters.json: `NAME.chapters.json`, or the file the
    /// sidecar's `chapters:` names.
    Chapters,
}

/// A metadata file as read from disk, for the transcript that depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaFile {
    /// What it is.
    pub kind: MetaKind,
    /// Path shown in diagnostics, like [`SourceFile::display`].
    pub display: String,
    /// Its bytes, or why it could not be read (a missing chapters file the sidecar
    /// names, a file outside the site): the parse reports that where it is named.
    pub contents: Result<Vec<u8>, String>,
}

/// One transcript and every metadata file its parse reads: its sidecar, its chapters
/// file, and the `_defaults.yml` of each folder from its own up to the content
/// folder (nearest first). A cache keyed on all their bytes is exact.
#[derive(Debug, Clone)]
pub struct Source {
    /// The transcript.
    pub file: SourceFile,
    /// Its metadata files: sidecar, chapters file, then defaults nearest first.
    pub meta: Vec<MetaFile>,
}

impl Source {
    /// A transcript with no metadata files.
    pub fn alone(file: SourceFile) -> Source {
        Source {
            file,
            meta: Vec::new(),
        }
    }
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

/// Where the front-matter values later stages may warn about are (slugs are handed
/// out when linking); `None` or missing entries when unknown.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct FrontPositions {
    /// The value of `podcast_name`.
    pub podcast_name: Option<Place>,
    /// The value of `episode_title`.
    pub episode_title: Option<Place>,
    /// The value of `slug`.
    pub slug: Option<Place>,
    /// Each `host_name` entry, parallel to `FrontMatter::hosts` (line 0 when unknown).
    pub hosts: Vec<Place>,
    /// Each `guest_name` entry, parallel to `FrontMatter::guests` (line 0 when unknown).
    pub guests: Vec<Place>,
}

/// A 1-based line and column, in the transcript or in the metadata file (sidecar or
/// `_defaults.yml`) the value came from.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct Place {
    /// The metadata file's display path; `None` for the transcript itself.
    pub file: Option<String>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl Place {
    /// A place in the transcript itself.
    pub fn here(line: u32, col: u32) -> Self {
        Place {
            file: None,
            line,
            col,
        }
    }
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
    /// Exact start and end in milliseconds, from cue-based sources (see [`TimeSpan`]).
    pub times: Option<TimeSpan>,
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

/// Parses one transcript file that has no metadata files beside it; see [`parse_source`].
pub fn parse(src: &SourceFile, opts: &ParseOptions) -> (Option<ParsedEpisode>, Vec<Diagnostic>) {
    parse_with(src, &[], opts)
}

/// Parses one transcript with its metadata: front matter, chapters and turns, with
/// every problem found.
///
/// Returns `None` when any diagnostic is an error, and, with no diagnostic, for a
/// JSON file that is a chapters file rather than a transcript. Never panics and runs
/// in time linear in the size of the files, whatever their content.
pub fn parse_source(src: &Source, opts: &ParseOptions) -> (Option<ParsedEpisode>, Vec<Diagnostic>) {
    parse_with(&src.file, &src.meta, opts)
}

fn parse_with(
    src: &SourceFile,
    meta: &[MetaFile],
    opts: &ParseOptions,
) -> (Option<ParsedEpisode>, Vec<Diagnostic>) {
    let read = read::read(src, meta, opts);
    let episode = match read.front {
        Some(front) if !read.diagnostics.iter().any(Diagnostic::is_error) => Some(ParsedEpisode {
            source: src.display.clone(),
            front,
            chapters: read.chapters,
            source_key: SourceKey::UNKNOWN,
        }),
        _ => None,
    };
    (episode, read.diagnostics)
}

/// The path a sidecar's `chapters:` gives, when it names a chapters file (rather
/// than listing the chapters). For content discovery, which must read that file too.
pub fn chapters_reference(sidecar: &[u8]) -> Option<String> {
    // Most sidecars have no `chapters:` at all: no need to parse them here.
    if !sidecar.windows(8).any(|w| w == b"chapters") {
        return None;
    }
    let bytes = sidecar.strip_prefix(BOM).unwrap_or(sidecar);
    let text = std::str::from_utf8(bytes).ok()?;
    let layer = meta::layer("", MetaKind::Sidecar, text);
    let entries = front_matter::load(&layer.yaml, "metadata", &mut Vec::new())?;
    let (_, value) = entries.iter().find(|(k, _)| k.value == "chapters")?;
    match &value.value {
        yaml::Node::Str(s) => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// The sidecar path of a transcript's display path: `content/ep.vtt` → `content/ep.yml`.
pub fn sidecar_name(display: &str) -> String {
    let stem = match display.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') && !stem.is_empty() => stem,
        _ => display,
    };
    format!("{stem}.yml")
}

/// Resolves `rel` (a `/`-separated relative path, as a sidecar's `chapters:` gives
/// it) against the folder of the display path `base`. `None` when it is absolute or
/// climbs above the site root.
pub fn relative_display(base: &str, rel: &str) -> Option<String> {
    if rel.is_empty() || rel.starts_with('/') || rel.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for comp in rel.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
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
/// Like `split_inclusive('\n')`, but each line end is found by a SIMD search (a
/// caption file has a line every few dozen bytes).
fn lines(text: &str) -> Cursor<'_> {
    Cursor::new(text)
}

/// The lines [`lines`] gives, as a cursor a reader can also move past several lines
/// read in one go (a VTT cue: `formats::vtt`).
#[derive(Debug, Clone, Copy)]
struct Cursor<'a> {
    text: &'a str,
    /// Where the next line starts.
    pos: usize,
    /// The number of the line before it.
    no: u32,
}

impl<'a> Cursor<'a> {
    /// At the start of `text`.
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            pos: 0,
            no: 0,
        }
    }

    /// The next line if `keep` takes it.
    fn next_if(&mut self, keep: impl Fn(&Line<'a>) -> bool) -> Option<Line<'a>> {
        let mut ahead = *self;
        let line = ahead.next().filter(|l| keep(l))?;
        *self = ahead;
        Some(line)
    }
}

impl<'a> Iterator for Cursor<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let text = self.text;
        let start = self.pos;
        if start >= text.len() {
            return None;
        }
        let rest = text.as_bytes().get(start..)?;
        let end = memchr::memchr(b'\n', rest).map_or(text.len(), |i| start + i + 1);
        let raw = text.get(start..end)?;
        self.no = self.no.saturating_add(1);
        self.pos = end;
        let t = raw.strip_suffix('\n').unwrap_or(raw);
        let t = t.strip_suffix('\r').unwrap_or(t);
        Some(Line {
            no: self.no,
            start,
            end,
            text: t,
        })
    }
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
