//! Which files of the content folder are transcripts, and which metadata files each
//! transcript depends on (SPEC §2b).
//!
//! - Transcripts: `.txt`, `.md`, `.vtt`, `.srt`, `.json`, except chapters files
//!   (`chapters.json`, `NAME.chapters.json`).
//! - `NAME.yml` (or `NAME.yaml`) is the sidecar of each transcript `NAME.*` in the same
//!   folder; `NAME.chapters.json` its chapters. `_defaults.yml` (or `.yaml`) applies
//!   to every transcript in its folder and below, nearest first.
//! - A sidecar with no transcript beside it is warned about and otherwise ignored;
//!   with both `.yml` and `.yaml`, the `.yml` is used, with a warning.
//! - The chapters file a sidecar names (`chapters: ch/ep1.json`) is found when the
//!   transcript is read, since only the sidecar's content says which it is; it must
//!   be inside the site root.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::transcript::{MetaFile, MetaKind, relative_display};

use super::{Listed, ListedMeta};

/// Extensions the content walk lists (any letter case).
const WANTED: [&str; 7] = ["txt", "md", "vtt", "srt", "json", "yml", "yaml"];

/// True for the names the content walk lists: transcripts and metadata files.
pub(super) fn is_wanted_name(name: &OsStr) -> bool {
    Path::new(name).extension().is_some_and(|ext| {
        let ext = ext.as_encoded_bytes();
        WANTED
            .iter()
            .any(|w| ext.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// A listed file's folder (display form) and name.
fn split(display: &str) -> (&str, &str) {
    display.rsplit_once('/').unwrap_or(("", display))
}

/// `name` without its last extension, and the extension (lower case).
fn stem_ext(name: &str) -> (&str, String) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext.to_ascii_lowercase()),
        _ => (name, String::new()),
    }
}

fn is_defaults(name: &str) -> bool {
    let (stem, ext) = stem_ext(name);
    stem == "_defaults" && (ext == "yml" || ext == "yaml")
}

/// `NAME.chapters.json` → `Some("NAME")`; plain `chapters.json` → `Some("")`.
fn chapters_stem(name: &str) -> Option<&str> {
    let lower = name.to_ascii_lowercase();
    if lower == "chapters.json" {
        return Some("");
    }
    lower
        .ends_with(".chapters.json")
        .then(|| &name[..name.len() - ".chapters.json".len()])
}

/// Sorts the listed files into transcripts, each with the metadata files it
/// depends on. `content` is the content folder's display path (`content`).
pub(super) fn group(
    files: Vec<(String, PathBuf)>,
    content: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Listed> {
    // (folder, stem) → sidecar; folder → defaults; (folder, stem) → chapters.
    let mut sidecars: BTreeMap<(String, String), (String, PathBuf)> = BTreeMap::new();
    let mut defaults: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    let mut chapters: BTreeMap<(String, String), (String, PathBuf)> = BTreeMap::new();
    let mut transcripts: Vec<(String, PathBuf)> = Vec::new();
    for (display, path) in files {
        let (dir, name) = split(&display);
        let (stem, ext) = stem_ext(name);
        let (dir, stem) = (dir.to_owned(), stem.to_owned());
        if is_defaults(name) {
            keep_one(&mut defaults, dir, (display, path), diagnostics);
        } else if ext == "yml" || ext == "yaml" {
            keep_one(&mut sidecars, (dir, stem), (display, path), diagnostics);
        } else if let Some(of) = chapters_stem(name) {
            if !of.is_empty() {
                let of = of.to_owned();
                chapters.insert((dir, of), (display, path));
            }
        } else {
            transcripts.push((display, path));
        }
    }
    let mut used: HashSet<(String, String)> = HashSet::new();
    let listed = transcripts
        .into_iter()
        .map(|(display, path)| {
            let (dir, name) = split(&display);
            let key = (dir.to_owned(), stem_ext(name).0.to_owned());
            let mut meta = Vec::new();
            if let Some((d, p)) = sidecars.get(&key) {
                meta.push(ListedMeta::new(MetaKind::Sidecar, d, p));
                used.insert(key.clone());
            }
            if let Some((d, p)) = chapters.get(&key) {
                meta.push(ListedMeta::new(MetaKind::Chapters, d, p));
            }
            // Defaults from this folder up to the content folder, nearest first.
            let mut folder = dir;
            loop {
                if let Some((d, p)) = defaults.get(folder) {
                    meta.push(ListedMeta::new(MetaKind::Defaults, d, p));
                }
                if folder == content || folder.is_empty() || !folder.starts_with(content) {
                    break;
                }
                folder = split(folder).0;
            }
            Listed {
                display,
                path,
                meta,
            }
        })
        .collect();
    for (key, (display, _)) in &sidecars {
        if !used.contains(key) {
            diagnostics.push(
                Diagnostic::warning(
                    display.as_str(),
                    "metadata file with no transcript beside it; it is ignored",
                )
                .with_help(format!(
                    "a sidecar holds the metadata of the transcript with the same name ({0}.vtt, \
                     {0}.srt, {0}.json, {0}.txt or {0}.md); default keys for a whole folder go in \
                     its _defaults.yml",
                    key.1
                )),
            );
        }
    }
    listed
}

/// Keeps the `.yml` of a `.yml`/`.yaml` pair, warning about the other.
fn keep_one<K: Ord>(
    map: &mut BTreeMap<K, (String, PathBuf)>,
    key: K,
    file: (String, PathBuf),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (kept, dropped) = match map.remove(&key) {
        None => (file, None),
        Some(old) if old.0.ends_with(".yml") => (old, Some(file)),
        Some(old) => (file, Some(old)),
    };
    if let Some((dropped, _)) = dropped {
        diagnostics.push(
            Diagnostic::warning(
                dropped.as_str(),
                format!("ignored: {} is used instead", kept.0),
            )
            .with_help("keep one of the two files"),
        );
    }
    map.insert(key, kept);
}

/// Reads a listed metadata file; a failure is kept as the reason, for the parse to
/// report where the file matters.
pub(super) fn read_meta(m: &ListedMeta) -> (MetaFile, Option<fs::Metadata>) {
    let (contents, stamp) = match super::read_regular(&m.path) {
        Ok((bytes, meta)) => (Ok(bytes), Some(meta)),
        Err(err) => (Err(err.to_string()), None),
    };
    (
        MetaFile {
            kind: m.kind,
            display: m.display.clone(),
            contents,
        },
        stamp,
    )
}

/// The chapters file a sidecar's `chapters:` names, read (or why it cannot be), with
/// the path read and its metadata. `root` is the canonical site root: the file must
/// resolve inside it.
pub(super) fn referenced_chapters(
    sidecar: &MetaFile,
    root: &Path,
) -> Option<(MetaFile, PathBuf, Option<fs::Metadata>)> {
    let bytes = sidecar.contents.as_ref().ok()?;
    let rel = crate::transcript::chapters_reference(bytes)?;
    let display = relative_display(&sidecar.display, &rel)?;
    let path = root.join(&display);
    let inside = fs::canonicalize(&path).map(|c| c.starts_with(root));
    let (contents, stamp) = match inside {
        Ok(false) => (Err("it is outside the site root".to_owned()), None),
        Err(err) => (Err(err.to_string()), None),
        Ok(true) => match super::read_regular(&path) {
            Ok((bytes, meta)) => (Ok(bytes), Some(meta)),
            Err(err) => (Err(err.to_string()), None),
        },
    };
    Some((
        MetaFile {
            kind: MetaKind::Chapters,
            display,
            contents,
        },
        path,
        stamp,
    ))
}
