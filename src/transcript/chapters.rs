//! Chapters given beside a transcript: a `chapters:` list of `"HH:MM:SS Title"` in
//! the sidecar, or a Podcasting 2.0 chapters.json (named by `chapters:`, or
//! `NAME.chapters.json` beside the transcript).
//!
//! Rules where the spec is silent:
//! - A list entry's time is `H:MM:SS`, `HH:MM:SS` or `MM:SS`, optionally with a
//!   fraction (`.5`, `.250`); the title is the rest of the entry.
//! - From a chapters.json, chapters with `"toc": false` (not meant for a table of
//!   contents) and chapters without a title are left out; `startTime` is in seconds.
//! - Chapters out of order are sorted by start, with a warning.

use serde::Deserialize;

use super::meta::ChaptersKey;
use super::yaml::{Node, Pos, Yaml};
use super::{MetaFile, MetaKind};
use crate::diag::Diagnostic;

/// One chapter from the metadata.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MetaChapter {
    /// Start, in milliseconds.
    pub(super) start: u64,
    /// Its title.
    pub(super) title: String,
    /// The file that gives it.
    pub(super) file: String,
    /// Where in that file (line 0 when unknown, as in JSON).
    pub(super) pos: Pos,
}

impl MetaChapter {
    /// A diagnostic about this chapter, placed where it is written.
    pub(super) fn warning(&self, msg: String) -> Diagnostic {
        self.pos.apply(Diagnostic::warning(self.file.as_str(), msg))
    }
}

/// The chapters of a transcript: from `chapters:` when set, else from a
/// `NAME.chapters.json` among `metas`. Sorted by start.
pub(super) fn resolve(
    key: Option<&ChaptersKey>,
    yamls: &[&Yaml<'_>],
    metas: &[MetaFile],
    diags: &mut Vec<Diagnostic>,
) -> Vec<MetaChapter> {
    let mut chapters = match key {
        Some(key) => match yamls.get(key.layer) {
            Some(yaml) => from_key(key, yaml, metas, diags),
            None => Vec::new(),
        },
        None => match metas.iter().find(|m| m.kind == MetaKind::Chapters) {
            Some(meta) => from_file(meta, diags),
            None => Vec::new(),
        },
    };
    sort(&mut chapters, diags);
    chapters
}

fn from_key(
    key: &ChaptersKey,
    yaml: &Yaml<'_>,
    metas: &[MetaFile],
    diags: &mut Vec<Diagnostic>,
) -> Vec<MetaChapter> {
    match &key.value.value {
        Node::Null => Vec::new(),
        Node::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let text = match &item.value {
                    Node::Str(_) => yaml.raw_scalar(item),
                    _ => None,
                };
                let pos = yaml.pos(&item.referenced);
                match text.as_deref().map(parse_entry) {
                    Some(Ok((start, title))) => out.push(MetaChapter {
                        start,
                        title: title.to_owned(),
                        file: yaml.file.to_owned(),
                        pos,
                    }),
                    Some(Err(why)) => diags.push(
                        pos.apply(Diagnostic::error(yaml.file, format!("chapter entry {why}")))
                            .with_help("write each chapter as \"HH:MM:SS Title\", e.g. \"00:12:30 Early career\""),
                    ),
                    None => diags.push(
                        pos.apply(Diagnostic::error(
                            yaml.file,
                            format!("chapter entries must be strings, not {}", item.value.kind()),
                        ))
                        .with_help("write each chapter as \"HH:MM:SS Title\", e.g. \"00:12:30 Early career\""),
                    ),
                }
            }
            out
        }
        Node::Map(_) => {
            diags.push(
                yaml.error_at(&key.key.referenced, "`chapters` must be a list or the path of a chapters.json, not a mapping")
                    .with_help("write `chapters: [\"00:00:00 Intro\", \"00:12:30 Early career\"]` or `chapters: NAME.chapters.json`"),
            );
            Vec::new()
        }
        _ => {
            let rel = yaml.raw_scalar(&key.value).unwrap_or_default();
            let rel = rel.trim();
            let pos = yaml.pos(&key.value.referenced);
            let Some(display) = super::relative_display(yaml.file, rel) else {
                diags.push(
                    pos.apply(Diagnostic::error(
                        yaml.file,
                        format!("chapters file {rel:?} is outside the site"),
                    ))
                    .with_help("give a path relative to this file, inside the site folder"),
                );
                return Vec::new();
            };
            match metas
                .iter()
                .find(|m| m.kind == MetaKind::Chapters && m.display == display)
            {
                Some(meta) if meta.contents.is_ok() => from_file(meta, diags),
                found => {
                    let reason = match found.map(|m| &m.contents) {
                        Some(Err(reason)) => reason.as_str(),
                        _ => "not found",
                    };
                    diags.push(
                        pos.apply(Diagnostic::error(
                            yaml.file,
                            format!("chapters file `{display}` cannot be read: {reason}"),
                        ))
                        .with_help(format!(
                            "the path is relative to {}; fix it, or remove `chapters:`",
                            yaml.file
                        )),
                    );
                    Vec::new()
                }
            }
        }
    }
}

/// `"HH:MM:SS Title"` → (start in ms, title), or what is wrong with it.
fn parse_entry(s: &str) -> Result<(u64, &str), String> {
    let s = s.trim();
    let (time, title) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let title = title.trim();
    let Some(start) = parse_time(time) else {
        return Err(format!(
            "{s:?} does not start with a time like 01:02:03 or 12:30"
        ));
    };
    if title.is_empty() {
        return Err(format!("{s:?} has no title after its time"));
    }
    Ok((start, title))
}

/// `H:MM:SS`, `MM:SS` (minutes may pass 59), optionally `.fraction`, in ms.
fn parse_time(t: &str) -> Option<u64> {
    let (whole, frac) = t.split_once(['.', ',']).unwrap_or((t, ""));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = whole.split(':').collect();
    if !parts.iter().all(|p| digits(p)) || !(frac.is_empty() || digits(frac) && frac.len() <= 3) {
        return None;
    }
    let num = |p: &str| p.parse::<u64>().ok();
    let secs = match parts.as_slice() {
        [m, s] if s.len() == 2 => num(m)? * 60 + num(s).filter(|&s| s < 60)?,
        [h, m, s] if m.len() == 2 && s.len() == 2 => {
            num(h)? * 3600 + num(m).filter(|&m| m < 60)? * 60 + num(s).filter(|&s| s < 60)?
        }
        _ => return None,
    };
    let ms = if frac.is_empty() {
        0
    } else {
        num(frac)? * 10u64.pow(3 - frac.len() as u32)
    };
    secs.checked_mul(1000)?.checked_add(ms)
}

#[derive(Deserialize)]
struct ChaptersJson {
    chapters: Vec<ChapterJson>,
}

#[derive(Deserialize)]
struct ChapterJson {
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    toc: Option<bool>,
}

/// The chapters of a Podcasting 2.0 chapters.json.
fn from_file(meta: &MetaFile, diags: &mut Vec<Diagnostic>) -> Vec<MetaChapter> {
    let text = match super::meta::decode(meta) {
        Ok(text) => text,
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    };
    let doc: ChaptersJson = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(err) => {
            diags.push(
                super::meta::json_error(
                    &meta.display,
                    "not a Podcasting 2.0 chapters file",
                    &err,
                )
                .with_help(
                    "a chapters file is {\"version\": \"1.2.0\", \"chapters\": [{\"startTime\": 0, \"title\": \"Intro\"}, …]}",
                ),
            );
            return Vec::new();
        }
    };
    doc.chapters
        .into_iter()
        .filter(|c| c.toc != Some(false))
        .filter_map(|c| {
            let title = c.title?.split_whitespace().collect::<Vec<_>>().join(" ");
            let start = (c.start_time.is_finite() && c.start_time >= 0.0)
                .then(|| (c.start_time * 1000.0).round() as u64)?;
            (!title.is_empty()).then(|| MetaChapter {
                start,
                title,
                file: meta.display.clone(),
                pos: Pos::default(),
            })
        })
        .collect()
}

/// Sorts by start (stable), warning at the first chapter out of order.
fn sort(chapters: &mut [MetaChapter], diags: &mut Vec<Diagnostic>) {
    if let Some(w) = chapters.windows(2).find(|w| w[1].start < w[0].start) {
        diags.push(w[1].warning(format!(
            "chapter \"{}\" starts before the chapter above it; chapters are put in order of time",
            w[1].title
        )));
        chapters.sort_by_key(|c| c.start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_times() {
        assert_eq!(
            parse_entry("00:12:30 Early career"),
            Ok((750_000, "Early career"))
        );
        assert_eq!(parse_entry("1:02:03.5  Growth "), Ok((3_723_500, "Growth")));
        assert_eq!(parse_entry("75:30 Late"), Ok((4_530_000, "Late")));
        assert!(parse_entry("00:12:30").is_err());
        assert!(parse_entry("Intro 00:00").is_err());
        assert!(parse_entry("00:61:00 Bad").is_err());
        assert_eq!(parse_time("00:00.250"), Some(250));
        assert_eq!(parse_time("1:2:3"), None);
    }
}
