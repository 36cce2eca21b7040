//! Transcript parser: one source file's text → a [`ParsedEpisode`] plus diagnostics.
//!
//! Pure (no I/O) so it runs on many files in parallel and can be fuzzed. Linking
//! episodes to each other (people, topics, slugs) is [`crate::archive`]'s job.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::Diagnostic;
use crate::model::Timestamp;

/// A transcript file as read from disk, before parsing.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in diagnostics: relative to the site root, `/`-separated (`content/ep1.txt`).
    pub display: String,
    /// Raw bytes; the parser checks UTF-8, strips a BOM and accepts CRLF.
    pub bytes: Vec<u8>,
}

/// Options that change how files are read.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// `[content] date-format` (strftime, e.g. `%d/%m/%Y`); `None` accepts `DD/MM/YYYY` and ISO.
    pub date_format: Option<String>,
}

/// Which front-matter list a speaker resolved into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An entry of `host_name`.
    Host,
    /// An entry of `guest_name`.
    Guest,
}

/// A speaker label resolved to a host or guest of the same episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Markdown body: inline text after the timestamp, then following lines, trimmed.
    pub body: String,
    /// 1-based line of the `Speaker HH:MM:SS:` line.
    pub line: u32,
}

/// One chapter as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedChapter {
    /// Heading text, or `None` for the implicit chapter before the first heading.
    pub title: Option<String>,
    /// 1-based line of the heading (or of the first turn for the implicit chapter).
    pub line: u32,
    /// Turns in order (a heading with no turns yields a chapter with none).
    pub turns: Vec<ParsedTurn>,
}

/// Everything one transcript file says, checked but not yet linked to other files.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEpisode {
    /// Same as [`SourceFile::display`].
    pub source: String,
    /// The front matter.
    pub front: FrontMatter,
    /// Chapters in order; only chapters that hold at least one turn are kept.
    pub chapters: Vec<ParsedChapter>,
}
