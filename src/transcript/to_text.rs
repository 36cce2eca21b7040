//! Any readable transcript → castbook's own text format (SPEC §2), for
//! `castbook import`: a front matter block with the metadata found (and the
//! required keys still missing, empty, to fill in), then the chapters as `###`
//! headings and the turns as `Name HH:MM:SS:` lines.
//!
//! Kept: words, speakers (mapped through `speakers:`), turn starts (to the second),
//! chapters, paragraphs, and every metadata key but `speakers` and `chapters` (whose
//! content is now in the text). Not kept: milliseconds and end times, which the text
//! format has no place for.

use std::fmt::Write;

use super::front_matter::{self, REQUIRED};
use super::meta::{self, Layer, LayerKind};
use super::read;
use super::yaml::{Yaml, to_json};
use super::{MetaKind, ParseOptions, Source, body, is_delimiter, lines};
use crate::diag::Diagnostic;

/// The text `castbook import` writes, or why it cannot.
#[derive(Debug)]
pub struct Imported {
    /// castbook's text format; `None` when the transcript itself cannot be read.
    pub text: Option<String>,
    /// Problems found on the way (metadata problems do not stop an import).
    pub diagnostics: Vec<Diagnostic>,
}

/// Rewrites `src` in castbook's text format; see the module docs.
pub fn to_text(src: &Source, opts: &ParseOptions) -> Imported {
    let mut read = read::read(&src.file, &src.meta, opts);
    // Missing metadata is what the block written is for, not a problem to report.
    for &i in read.missing_metadata.iter().rev() {
        if i < read.diagnostics.len() {
            read.diagnostics.remove(i);
        }
    }
    if read.chapters.is_empty() || read.body_failed {
        return Imported {
            text: None,
            diagnostics: read.diagnostics,
        };
    }
    let mut out = String::with_capacity(src.file.bytes.len() + 1024);
    out.push_str("---\n");
    let keys = metadata_keys(src);
    for name in REQUIRED {
        match keys.iter().find(|(k, _)| k == name) {
            Some((k, v)) => push_key(&mut out, k, v),
            None => {
                let hint = match name {
                    "episode_date" => "DD/MM/YYYY or YYYY-MM-DD",
                    "host_name" => "a name, or a list [Name One, Name Two]",
                    _ => "text",
                };
                let _ = writeln!(out, "{name}: \"\"  # fill in: {hint}");
            }
        }
    }
    for (k, v) in keys.iter().filter(|(k, _)| !REQUIRED.contains(&k.as_str())) {
        push_key(&mut out, k, v);
    }
    if !keys.iter().any(|(k, _)| k == "guest_name") {
        out.push_str("guest_name: []  # fill in: the guests, if any\n");
    }
    let mut speakers: Vec<&str> = Vec::new();
    for t in read.chapters.iter().flat_map(|c| &c.turns) {
        if !speakers.contains(&t.speaker.as_str()) {
            speakers.push(&t.speaker);
        }
    }
    let _ = writeln!(
        out,
        "# speakers in this transcript: {}",
        speakers.join(", ")
    );
    out.push_str("---\nTranscript\n");
    for chapter in &read.chapters {
        if let Some(title) = &chapter.title {
            let _ = writeln!(out, "### {}", one_line(title));
        }
        for t in &chapter.turns {
            let _ = writeln!(out, "{} {}:\n", label(&t.speaker), t.start);
            if !t.body.is_empty() {
                out.push_str(&t.body);
                out.push_str("\n\n");
            }
        }
    }
    Imported {
        text: Some(out),
        diagnostics: read.diagnostics,
    }
}

/// The metadata keys of every source, merged key by key (nearest wins), without
/// `speakers` and `chapters`; values as JSON (which YAML reads as it is).
fn metadata_keys(src: &Source) -> Vec<(String, serde_json::Value)> {
    let mut texts: Vec<(&super::MetaFile, &str)> = Vec::new();
    for kind in [MetaKind::Sidecar, MetaKind::Defaults] {
        for m in src.meta.iter().filter(|m| m.kind == kind) {
            if let Ok(t) = meta::decode(m) {
                texts.push((m, t));
            }
        }
    }
    let bytes = src
        .file
        .bytes
        .strip_prefix(super::BOM)
        .unwrap_or(&src.file.bytes);
    let text = std::str::from_utf8(bytes).unwrap_or("");
    let mut layers: Vec<Layer<'_>> = Vec::new();
    let mut ls = lines(text);
    if let Some(open) = ls.next().filter(|l| is_delimiter(l.text))
        && let Some(close) = ls.find(|l| is_delimiter(l.text))
    {
        layers.push(Layer {
            yaml: Yaml::new(
                &src.file.display,
                text.get(open.end..close.start).unwrap_or(""),
                2,
            ),
            kind: LayerKind::FrontMatter,
        });
    }
    layers.extend(
        texts
            .iter()
            .map(|(m, t)| meta::layer(&m.display, m.kind, t)),
    );
    let mut keys: Vec<(String, serde_json::Value)> = Vec::new();
    let mut ignored = Vec::new();
    for layer in &layers {
        let Some(entries) = front_matter::load(&layer.yaml, "metadata", &mut ignored) else {
            continue;
        };
        for (k, v) in entries {
            if k.value != "speakers"
                && k.value != "chapters"
                && !keys.iter().any(|(n, _)| *n == k.value)
            {
                keys.push((k.value, to_json(&v.value)));
            }
        }
    }
    keys
}

fn push_key(out: &mut String, key: &str, value: &serde_json::Value) {
    let v = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned());
    let _ = writeln!(out, "{key}: {v}");
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A speaker label that castbook's turn-line rules accept (a letter or digit first,
/// no colon, at most 6 words and 60 characters); "Speaker" if nothing is left.
fn label(name: &str) -> String {
    let cleaned = name.replace(':', "-");
    let cleaned = cleaned.trim_start_matches(|c: char| !c.is_alphanumeric());
    let words: Vec<&str> = cleaned.split_whitespace().take(6).collect();
    let mut l: String = words.join(" ").chars().take(60).collect();
    l.truncate(l.trim_end().len());
    let ok = body::turn_head(&format!("{l} 00:00:00:")).is_some_and(|h| h.label == l);
    if ok { l } else { "Speaker".to_owned() }
}
