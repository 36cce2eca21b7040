//! Metadata from every source a transcript has: its own front matter, the sidecar
//! beside it (`NAME.yml`), and the `_defaults.yml` of its folder and the folders above.
//!
//! Sources are merged key by key, highest precedence first: front matter, sidecar, then
//! defaults from the nearest folder up. `speakers:` maps merge label by label in the
//! same order; `chapters:` belongs to one episode, so only the front matter or the
//! sidecar may set it. The merged keys are checked as one front matter
//! ([`super::front_matter::check`]), each problem reported in the file it is in.

use serde_saphyr::Spanned;

use super::front_matter::{self, Front, MissingHelp};
use super::yaml::{Node, Pos, Yaml};
use super::{BOM, MetaFile, MetaKind, ParseOptions};
use crate::diag::Diagnostic;

/// What kind of source a YAML layer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LayerKind {
    /// The transcript's own front matter.
    FrontMatter,
    /// `NAME.yml` beside the transcript.
    Sidecar,
    /// A `_defaults.yml` of a folder holding the transcript.
    Defaults,
}

/// One YAML source of metadata keys.
pub(super) struct Layer<'a> {
    /// Its text and where it is.
    pub(super) yaml: Yaml<'a>,
    /// What it is.
    pub(super) kind: LayerKind,
}

/// One `speakers:` entry: a label in the transcript and the person it stands for.
#[derive(Debug, Clone)]
pub(super) struct SpeakerEntry {
    /// The label as the transcript writes it (`SPEAKER_00`).
    pub(super) label: String,
    /// The name it maps to.
    pub(super) name: String,
    /// The file holding the entry.
    pub(super) file: String,
    /// Where the name is in that file.
    pub(super) pos: Pos,
    /// From the front matter or sidecar (not a default): warned about when unused.
    pub(super) own: bool,
}

/// The merged `speakers:` maps.
#[derive(Debug, Clone, Default)]
pub(super) struct SpeakerMap {
    /// Entries, nearest source first; one per label.
    pub(super) entries: Vec<SpeakerEntry>,
}

impl SpeakerMap {
    /// The entry for `label`: written exactly so, else the only one equal ignoring case.
    pub(super) fn get(&self, label: &str) -> Option<&SpeakerEntry> {
        let label = label.trim();
        self.entries.iter().find(|e| e.label == label).or_else(|| {
            self.entries
                .iter()
                .find(|e| e.label.eq_ignore_ascii_case(label))
        })
    }
}

/// The `chapters:` key as written, for [`super::chapters::from_key`].
pub(super) struct ChaptersKey {
    /// Index of the layer it is in.
    pub(super) layer: usize,
    /// The key.
    pub(super) key: Spanned<String>,
    /// Its value: a list of `"HH:MM:SS Title"` or the path of a chapters.json.
    pub(super) value: Spanned<Node>,
}

/// Everything the metadata sources say, checked.
pub(super) struct Meta {
    /// The typed front matter (`None` after errors), and where `guest_background` is.
    pub(super) front: Front,
    /// `speakers:`, merged.
    pub(super) speakers: SpeakerMap,
    /// `chapters:`, when the front matter or sidecar has it.
    pub(super) chapters: Option<ChaptersKey>,
}

/// An error at the place serde_json stopped reading `file`: `{what}: {message}`, the
/// position on the diagnostic rather than repeated in the message.
pub(super) fn json_error(file: &str, what: &str, err: &serde_json::Error) -> Diagnostic {
    let shown = err.to_string();
    let msg = shown
        .rsplit_once(" at line ")
        .map_or(shown.as_str(), |(m, _)| m);
    Diagnostic::error(file, format!("{what}: {msg}")).at(
        crate::diag::to_u32(err.line()),
        crate::diag::to_u32(err.column()),
    )
}

/// The text of a metadata file, or the error that stops it being read (read failure,
/// not UTF-8). A BOM is dropped.
pub(super) fn decode(meta: &MetaFile) -> Result<&str, Diagnostic> {
    let bytes = match &meta.contents {
        Ok(bytes) => bytes,
        Err(reason) => {
            return Err(Diagnostic::error(
                meta.display.as_str(),
                format!("cannot read file: {reason}"),
            ));
        }
    };
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map_err(|err| super::utf8_error(&meta.display, bytes, err.valid_up_to()))
}

/// The YAML of a sidecar or defaults file. One written like front matter (between two
/// `---` lines) is read between them, so a block cut from a transcript can be pasted.
pub(super) fn layer<'a>(display: &'a str, kind: MetaKind, text: &'a str) -> Layer<'a> {
    let kind = match kind {
        MetaKind::Defaults => LayerKind::Defaults,
        _ => LayerKind::Sidecar,
    };
    let mut lines = super::lines(text);
    let yaml = match lines.next() {
        Some(first) if super::is_delimiter(first.text) => {
            let end = lines
                .find(|l| super::is_delimiter(l.text))
                .map_or(text.len(), |l| l.start);
            Yaml::new(display, text.get(first.end..end).unwrap_or(""), 2)
        }
        _ => Yaml::new(display, text, 1),
    };
    Layer { yaml, kind }
}

/// Reads and merges `layers` (highest precedence first) and checks the result.
pub(super) fn read(
    transcript: &str,
    layers: &[Layer<'_>],
    opts: &ParseOptions,
    missing: &MissingHelp,
    diags: &mut Vec<Diagnostic>,
) -> Meta {
    let mut failed = false;
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut entries = Vec::new();
    let mut speaker_maps = Vec::new();
    let mut chapters: Option<ChaptersKey> = None;
    for (i, layer) in layers.iter().enumerate() {
        let what = match layer.kind {
            LayerKind::FrontMatter => "front matter",
            LayerKind::Sidecar | LayerKind::Defaults => "metadata",
        };
        let Some(list) = front_matter::load(&layer.yaml, what, diags) else {
            failed = true;
            continue;
        };
        for (key, value) in list {
            match key.value.as_str() {
                "speakers" => speaker_maps.push((i, key, value)),
                "chapters" if layer.kind == LayerKind::Defaults => diags.push(
                    layer
                        .yaml
                        .pos(&key.referenced)
                        .apply(Diagnostic::warning(
                            layer.yaml.file,
                            "`chapters` in a _defaults.yml is ignored: chapters belong to one episode",
                        ))
                        .with_help("move it to the sidecar of the episode (NAME.yml)"),
                ),
                "chapters" => {
                    if chapters.is_none() {
                        chapters = Some(ChaptersKey {
                            layer: i,
                            key,
                            value,
                        });
                    }
                }
                _ => {
                    if seen.insert(key.value.clone()) {
                        entries.push((i, key, value));
                    }
                }
            }
        }
    }
    let yamls: Vec<&Yaml<'_>> = layers.iter().map(|l| &l.yaml).collect();
    // After a YAML error, the keys it hides would only be reported missing.
    let mut front = if failed {
        Front::default()
    } else {
        front_matter::check(transcript, &yamls, entries, opts, missing, diags)
    };
    let mut speakers = SpeakerMap::default();
    for (i, key, value) in speaker_maps {
        if let Some(layer) = layers.get(i)
            && !add_speakers(&mut speakers, layer, &key, &value, diags)
        {
            failed = true;
        }
    }
    if failed {
        front.front = None;
    }
    Meta {
        front,
        speakers,
        chapters,
    }
}

/// Adds the entries of one `speakers:` map that nearer sources did not set. False
/// after an error.
fn add_speakers(
    map: &mut SpeakerMap,
    layer: &Layer<'_>,
    key: &Spanned<String>,
    value: &Spanned<Node>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let yaml = &layer.yaml;
    let pairs = match &value.value {
        Node::Null => return true,
        Node::Map(pairs) => pairs,
        other => {
            diags.push(
                yaml.error_at(
                    &key.referenced,
                    format!(
                        "`speakers` must be a mapping from labels to names, not {}",
                        other.kind()
                    ),
                )
                .with_help("write one `LABEL: Full Name` per line under `speakers:`, e.g. `SPEAKER_00: Stefan Mai`"),
            );
            return false;
        }
    };
    let mut ok = true;
    for (label, name) in pairs {
        let label_text = label.value.trim();
        if map.entries.iter().any(|e| e.label == label_text) {
            continue;
        }
        let written = match &name.value {
            Node::Seq(_) | Node::Map(_) => None,
            _ => yaml.raw_scalar(name),
        };
        let written = written.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
        match written.filter(|n| !n.is_empty()) {
            Some(n) => map.entries.push(SpeakerEntry {
                label: label_text.to_owned(),
                name: n,
                file: yaml.file.to_owned(),
                pos: yaml.pos(&name.referenced),
                own: layer.kind != LayerKind::Defaults,
            }),
            None => {
                ok = false;
                diags.push(
                    yaml.error_at(
                        &label.referenced,
                        format!("speaker label `{label_text}` maps to no name"),
                    )
                    .with_help(format!(
                        "write the person's full name after the colon: `{label_text}: Full Name`"
                    )),
                );
            }
        }
    }
    ok
}
