//! JSON transcripts, told apart by their shape:
//!
//! - **Podcasting 2.0** (`transcripts.md`): `{"version", "segments": [{"speaker"?,
//!   "startTime", "endTime"?, "body"}]}`, times in seconds. A segment may be a whole
//!   turn, a caption line, or a single word; all are joined with spaces, and a `\n`
//!   in a body is a paragraph break (the file then sets all paragraphs itself).
//! - **Whisper** (`{"text", "segments": [{"start", "end", "text", "words"?}]}`) and
//!   **WhisperX** (the same with `"speaker": "SPEAKER_00"` on segments and words).
//!   When a segment's words name other speakers than the segment, the segment is cut
//!   where the word speaker changes (WhisperX assigns whole segments by majority).
//!
//! The shape is decided by `version` or by the first segment's keys. A JSON file
//! shaped like Podcasting 2.0 chapters (`"chapters"` and no `"segments"`) is not a
//! transcript and is skipped. Type errors are reported per field with the JSON path
//! and its line (at most [`MAX_ERRORS`] per file); a segment without an end ends where
//! the next one starts.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

mod locate;

pub(in crate::transcript) use locate::Json;

use super::{Cue, Cues, Locate, Where, is_plain_label};
use crate::diag::Diagnostic;
use crate::transcript::meta::json_error;

/// Field errors reported per file before the rest are summed up in one line.
pub(crate) const MAX_ERRORS: usize = 10;

const SHAPES: &str = "a Podcasting 2.0 transcript {\"version\": \"1.0.0\", \"segments\": [{\"speaker\", \"startTime\", \"endTime\", \"body\"}]} or a Whisper/WhisperX transcript {\"segments\": [{\"start\", \"end\", \"text\", \"speaker\"?}]}";

/// What a JSON file turned out to be.
pub(in crate::transcript) enum Read {
    /// A transcript.
    Cues(Cues),
    /// A Podcasting 2.0 chapters file: not a transcript.
    Chapters,
    /// Unusable; errors were reported.
    Failed,
}

/// A field's value, whatever its JSON type, so one wrong value is reported at its
/// path instead of failing the whole file.
#[derive(Debug, Default, Clone, PartialEq)]
enum Field {
    #[default]
    Missing,
    Null,
    Num(f64),
    Str(String),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Field, E> {
                Ok(Field::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Field, E> {
                Ok(Field::Other("a boolean"))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
                Ok(Field::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
                Ok(Field::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
                Ok(Field::Num(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Field, E> {
                Ok(Field::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field::Other("a list"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field::Other("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

impl Field {
    fn kind(&self) -> &'static str {
        match self {
            Field::Missing => "missing",
            Field::Null => "null",
            Field::Num(_) => "a number",
            Field::Str(_) => "a string",
            Field::Other(k) => k,
        }
    }
    fn present(&self) -> bool {
        !matches!(self, Field::Missing)
    }
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    version: Field,
    #[serde(default)]
    segments: Option<Vec<Segment>>,
    #[serde(default)]
    chapters: Field,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Segment {
    #[serde(rename = "startTime")]
    start_time: Field,
    #[serde(rename = "endTime")]
    end_time: Field,
    body: Field,
    start: Field,
    end: Field,
    text: Field,
    speaker: Field,
    words: Words,
}

/// A segment's `words`: a list, or the kind of the wrong value it is.
#[derive(Default)]
enum Words {
    #[default]
    Missing,
    List(Vec<Word>),
    Wrong(&'static str),
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Words;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of words")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Words, A::Error> {
                let mut words = Vec::new();
                while let Some(w) = seq.next_element::<Word>()? {
                    words.push(w);
                }
                Ok(Words::List(words))
            }
            fn visit_unit<E>(self) -> Result<Words, E> {
                Ok(Words::Missing)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Words, E> {
                Ok(Words::Wrong("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Words, E> {
                Ok(Words::Wrong("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Words, E> {
                Ok(Words::Wrong("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Words, E> {
                Ok(Words::Wrong("a number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<Words, E> {
                Ok(Words::Wrong("a string"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Words, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Words::Wrong("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Word {
    word: Field,
    start: Field,
    end: Field,
    speaker: Field,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Podcasting,
    Whisper,
}

/// Reads a JSON transcript; see the module docs.
pub(in crate::transcript) fn read(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Read {
    let first = text.trim_start();
    if !first.is_empty() && !first.starts_with('{') {
        let (line, col) = crate::diag::line_col(text, text.len() - first.len());
        diags.push(
            Diagnostic::error(
                file,
                "JSON of unknown shape: the top level is not an object",
            )
            .at(line, col)
            .with_help(format!("castbook reads {SHAPES}")),
        );
        return Read::Failed;
    }
    let doc: Doc = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(err) => {
            let d = if err.is_syntax() || err.is_eof() {
                json_error(file, "not valid JSON", &err)
                    .with_help("check the file with a JSON validator; it may be cut short")
            } else {
                json_error(file, "JSON of unknown shape", &err)
                    .with_help(format!("castbook reads {SHAPES}"))
            };
            diags.push(d);
            return Read::Failed;
        }
    };
    let Some(segments) = doc.segments else {
        if doc.chapters.present() {
            return Read::Chapters;
        }
        diags.push(
            Diagnostic::error(file, "JSON of unknown shape: no \"segments\" list")
                .with_help(format!("castbook reads {SHAPES}")),
        );
        return Read::Failed;
    };
    let shape = if doc.version.present() {
        Some(Shape::Podcasting)
    } else {
        segments.iter().find_map(|s| {
            if s.start_time.present() || s.body.present() {
                Some(Shape::Podcasting)
            } else if s.start.present() || s.text.present() {
                Some(Shape::Whisper)
            } else {
                None
            }
        })
    };
    let mut r = Reader {
        file,
        text,
        diags,
        errors: 0,
        cues: Cues {
            exact: true,
            ..Cues::default()
        },
    };
    match shape {
        Some(Shape::Podcasting) => r.podcasting(segments),
        Some(Shape::Whisper) => r.whisper(segments),
        None if segments.is_empty() => {}
        None => {
            let d = Diagnostic::error(
                file,
                "JSON of unknown shape: segments[0] has none of the keys castbook reads",
            )
            .with_help(format!("castbook reads {SHAPES}"));
            let d = Json(text).place(
                Where::Segment {
                    index: 0,
                    field: "",
                },
                d,
            );
            r.diags.push(d);
            return Read::Failed;
        }
    }
    if r.errors > MAX_ERRORS {
        r.diags.push(Diagnostic::error(
            file,
            format!("and {} more errors like those above", r.errors - MAX_ERRORS),
        ));
    }
    if r.errors > 0 {
        return Read::Failed;
    }
    // A segment without an end ends where the next one starts.
    let starts: Vec<u64> = r.cues.cues.iter().map(|c| c.start).collect();
    for (i, cue) in r.cues.cues.iter_mut().enumerate() {
        if cue.end.is_none() {
            let next = starts
                .get(i + 1..)
                .and_then(|s| s.iter().find(|&&n| n > cue.start));
            cue.end = Some(next.copied().unwrap_or(cue.start + 1000));
        }
    }
    r.cues.explicit_paragraphs = r.cues.cues.iter().any(|c| c.text.contains('\n'));
    Read::Cues(r.cues)
}

struct Reader<'a, 'd> {
    file: &'a str,
    text: &'a str,
    diags: &'d mut Vec<Diagnostic>,
    errors: usize,
    cues: Cues,
}

impl Reader<'_, '_> {
    fn error(&mut self, index: usize, field: &'static str, msg: String) {
        self.errors += 1;
        if self.errors > MAX_ERRORS {
            return;
        }
        let d = Diagnostic::error(self.file, msg)
            .with_help("docs/formats/podcasting-json.md and docs/formats/whisper-json.md list the fields castbook reads");
        let d = Json(self.text).place(Where::Segment { index, field }, d);
        self.diags.push(d);
    }

    /// Seconds as a JSON number (or a string holding one) → ms.
    fn seconds(
        &mut self,
        index: usize,
        name: &'static str,
        f: &Field,
        required: bool,
    ) -> Option<u64> {
        let secs = match f {
            Field::Num(n) => Some(*n),
            Field::Str(s) => s.trim().parse::<f64>().ok(),
            Field::Missing | Field::Null if !required => return None,
            _ => None,
        };
        match secs.filter(|s| s.is_finite() && *s >= 0.0) {
            Some(s) => Some((s * 1000.0).round() as u64),
            None => {
                self.error(
                    index,
                    name,
                    format!("`{name}` must be a number of seconds, not {}", f.kind()),
                );
                None
            }
        }
    }

    fn string<'f>(
        &mut self,
        index: usize,
        name: &'static str,
        f: &'f Field,
        required: bool,
    ) -> Option<&'f str> {
        match f {
            Field::Str(s) => Some(s.as_str()),
            Field::Missing | Field::Null if !required => None,
            _ => {
                self.error(
                    index,
                    name,
                    format!("`{name}` must be a string, not {}", f.kind()),
                );
                None
            }
        }
    }

    /// [`Reader::string`], taking the string out of the field instead of copying it.
    fn take_string(
        &mut self,
        index: usize,
        name: &'static str,
        f: &mut Field,
        required: bool,
    ) -> Option<String> {
        self.string(index, name, f, required)?;
        match std::mem::take(f) {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }

    fn speaker(&mut self, index: usize, f: &Field) -> Option<u32> {
        let label = self.string(index, "speaker", f, false)?;
        let at = Where::Segment {
            index,
            field: "speaker",
        };
        if is_plain_label(label.as_bytes()) {
            return Some(self.cues.label(label, at));
        }
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        (!label.is_empty()).then(|| self.cues.label(&label, at))
    }

    fn podcasting(&mut self, segments: Vec<Segment>) {
        self.cues.cues.reserve(segments.len());
        for (i, mut s) in segments.into_iter().enumerate() {
            let start = self.seconds(i, "startTime", &s.start_time, true);
            let end = self.seconds(i, "endTime", &s.end_time, false);
            let body = self.take_string(i, "body", &mut s.body, true);
            let speaker = self.speaker(i, &s.speaker);
            if let (Some(start), Some(body)) = (start, body) {
                self.cues.cues.push(Cue {
                    start,
                    end: end.map(|e| e.max(start)),
                    speaker,
                    text: body,
                    at: Where::Segment {
                        index: i,
                        field: "",
                    },
                    lines: None,
                });
            }
        }
    }

    fn whisper(&mut self, segments: Vec<Segment>) {
        self.cues.cues.reserve(segments.len());
        for (i, s) in segments.into_iter().enumerate() {
            let start = self.seconds(i, "start", &s.start, true);
            let end = self.seconds(i, "end", &s.end, false);
            let text = self.string(i, "text", &s.text, true).map(str::trim);
            let speaker = self.speaker(i, &s.speaker);
            let (Some(start), Some(text)) = (start, text) else {
                continue;
            };
            let at = Where::Segment {
                index: i,
                field: "",
            };
            let words = match s.words {
                Words::List(words) => words,
                Words::Missing => Vec::new(),
                Words::Wrong(kind) => {
                    self.error(i, "words", format!("`words` must be a list, not {kind}"));
                    continue;
                }
            };
            let split = words
                .iter()
                .any(|w| matches!(&w.speaker, Field::Str(_)) && w.speaker != s.speaker);
            if !split {
                self.cues.cues.push(Cue {
                    start,
                    end: end.map(|e| e.max(start)),
                    speaker,
                    text: text.to_owned(),
                    at,
                    lines: None,
                });
                continue;
            }
            // Runs of words with one speaker; a word without one stays with the run.
            let mut run: Option<Cue> = None;
            for w in &words {
                let word = match &w.word {
                    Field::Str(t) => t.as_str(),
                    _ => continue,
                };
                let who = match &w.speaker {
                    Field::Str(_) => self.speaker(i, &w.speaker),
                    _ => run.as_ref().map_or(speaker, |r| r.speaker),
                };
                let w_start = self.seconds(i, "words.start", &w.start, false);
                let w_end = self.seconds(i, "words.end", &w.end, false);
                match &mut run {
                    Some(r) if r.speaker == who => {
                        // Whisper's words carry their leading space, WhisperX's do not.
                        if !word.starts_with(char::is_whitespace) {
                            r.text.push(' ');
                        }
                        r.text.push_str(word);
                        r.end = w_end.or(r.end);
                    }
                    _ => {
                        if let Some(done) = run.take() {
                            self.push_run(done);
                        }
                        run = Some(Cue {
                            start: w_start.unwrap_or(start).max(start),
                            end: w_end,
                            speaker: who,
                            text: word.to_owned(),
                            at,
                            lines: None,
                        });
                    }
                }
            }
            if let Some(mut done) = run.take() {
                done.end = end.or(done.end);
                self.push_run(done);
            }
        }
    }

    fn push_run(&mut self, mut cue: Cue) {
        cue.text = cue.text.trim().to_owned();
        cue.end = cue.end.map(|e| e.max(cue.start));
        self.cues.cues.push(cue);
    }
}
