//! Reading one transcript with its metadata, whatever its format: what
//! [`super::parse_source`] checks into an episode and `castbook import` rewrites.

use super::chapters::{self, MetaChapter};
use super::formats::{self, Context, Cues, Format, Lines, Locate};
use super::front_matter::MissingHelp;
use super::meta::{self, Layer, LayerKind, Meta, SpeakerMap};
use super::speakers::{self, Titled};
use super::yaml::Yaml;
use super::{
    BOM, FrontMatter, MetaFile, MetaKind, ParseOptions, ParsedChapter, SourceFile, body,
    is_delimiter, lines, span_chars, utf8_error,
};
use crate::diag::Diagnostic;

/// What one transcript says, read with its metadata.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// The checked metadata; `None` after an error in it.
    pub(crate) front: Option<FrontMatter>,
    /// Chapters holding at least one turn.
    pub(crate) chapters: Vec<ParsedChapter>,
    /// Every problem found.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The transcript itself (not its metadata) has errors.
    pub(crate) body_failed: bool,
    /// Indices in `diagnostics` of the errors about metadata missing altogether (no
    /// metadata, a required key nowhere): `castbook import` writes keys to fill in.
    pub(crate) missing_metadata: Vec<usize>,
}

impl Read {
    /// Nothing usable, for these reasons.
    fn failed(diagnostics: Vec<Diagnostic>) -> Read {
        Read {
            diagnostics,
            body_failed: true,
            ..Read::default()
        }
    }
}

/// Reads `src` and its metadata files; see the module docs.
pub(crate) fn read(src: &SourceFile, metas: &[MetaFile], opts: &ParseOptions) -> Read {
    let file = src.display.as_str();
    let mut diags = Vec::new();
    // A BOM is invisible in editors, so columns on line 1 are counted after it.
    let bytes = src.bytes.strip_prefix(BOM).unwrap_or(&src.bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            diags.push(utf8_error(file, bytes, err.valid_up_to()));
            return Read::failed(diags);
        }
    };
    let format = Format::of(file);

    // Sidecar first, then defaults nearest first: the order of precedence.
    let mut texts: Vec<(&MetaFile, &str)> = Vec::new();
    for m in metas.iter().filter(|m| m.kind == MetaKind::Sidecar) {
        push_decoded(m, &mut texts, &mut diags);
    }
    for m in metas.iter().filter(|m| m.kind == MetaKind::Defaults) {
        push_decoded(m, &mut texts, &mut diags);
    }
    let has_meta_files = metas.iter().any(|m| m.kind != MetaKind::Chapters);

    let mut layers: Vec<Layer<'_>> = Vec::new();
    let mut body_from = 0usize;
    if format == Format::Text {
        let mut ls = lines(text);
        match ls.next() {
            Some(opening) if is_delimiter(opening.text) => {
                let Some(closing) = ls.find(|l| is_delimiter(l.text)) else {
                    diags.push(
                        Diagnostic::error(
                            file,
                            "front matter is not terminated: no closing \"---\" line",
                        )
                        .at(1, 1)
                        .with_source(opening.text, 3)
                        .with_help("end the front matter with a line that is exactly \"---\""),
                    );
                    return Read::failed(diags);
                };
                layers.push(Layer {
                    yaml: Yaml::new(
                        file,
                        text.get(opening.end..closing.start).unwrap_or(""),
                        opening.no.saturating_add(1),
                    ),
                    kind: LayerKind::FrontMatter,
                });
                body_from = closing.end;
            }
            first if !has_meta_files => {
                let first = first.map_or("", |l| l.text);
                diags.push(
                    Diagnostic::error(file, "missing front matter: the first line must be \"---\"")
                        .at(1, 1)
                        .with_source(first, span_chars(first))
                        .with_help(format!(
                            "start the file with a \"---\" line, the YAML front matter \
                             (podcast_name, episode_title, host_name, episode_date, ...), then another \
                             \"---\" line; or put those keys in {} beside it",
                            super::sidecar_name(file)
                        )),
                );
                return Read::failed(diags);
            }
            _ => {}
        }
    }
    layers.extend(
        texts
            .iter()
            .map(|(m, t)| meta::layer(&m.display, m.kind, t)),
    );
    let has_front_matter = layers
        .first()
        .is_some_and(|l| l.kind == LayerKind::FrontMatter);
    let missing = if has_front_matter {
        MissingHelp::FrontMatter
    } else {
        MissingHelp::Sidecar(super::sidecar_name(file))
    };
    let before_meta = diags.len();
    let meta = if layers.is_empty() {
        if !has_meta_files {
            diags.push(
                Diagnostic::error(
                    file,
                    "no metadata: this transcript has no sidecar and no _defaults.yml applies",
                )
                .with_help(format!(
                    "create {} with podcast_name, episode_title, host_name and episode_date \
                         (`castbook import` writes a transcript with a block to fill in instead)",
                    super::sidecar_name(file)
                )),
            );
        }
        None
    } else {
        Some(meta::read(file, &layers, opts, &missing, &mut diags))
    };
    // Errors on the transcript with no line: "no metadata", "missing required field".
    let missing_metadata: Vec<usize> = (before_meta..diags.len())
        .filter(|&i| {
            diags
                .get(i)
                .is_some_and(|d| d.is_error() && d.file == file && d.line.is_none())
        })
        .collect();
    let yamls: Vec<&Yaml<'_>> = layers.iter().map(|l| &l.yaml).collect();
    let meta_chapters = chapters::resolve(
        meta.as_ref().and_then(|m| m.chapters.as_ref()),
        &yamls,
        metas,
        &mut diags,
    );
    let front = meta.as_ref().and_then(|m| m.front.front.as_ref());
    let empty = SpeakerMap::default();
    let speakers = meta.as_ref().map_or(&empty, |m| &m.speakers);

    let before_body = diags.len();
    let known = formats::Known { speakers, front };
    let body_text = text.get(body_from..).unwrap_or("");
    let by_line = Lines(text);
    let by_path = formats::Json(text);
    let cues: Option<(Cues, &dyn Locate)> = match format {
        Format::Text if formats::is_otter(body_text) => Some((
            formats::read_otter(file, text, body_from, &mut diags),
            &by_line,
        )),
        Format::Text => None,
        Format::Vtt => match formats::read_vtt(file, text, &known, &mut diags) {
            Some(c) => Some((c, &by_line)),
            None => return Read::failed(diags),
        },
        Format::Srt => Some((formats::read_srt(file, text, &known, &mut diags), &by_line)),
        Format::Json => match formats::read_json(file, text, &mut diags) {
            formats::JsonRead::Cues(c) => Some((c, &by_path)),
            // A chapters file is not a transcript: nothing to say about it.
            formats::JsonRead::Chapters => return Read::default(),
            formats::JsonRead::Failed => return Read::failed(diags),
        },
    };
    let chapters = match cues {
        Some((cues, locate)) => {
            let incomplete = diags
                .get(before_body..)
                .unwrap_or_default()
                .iter()
                .any(Diagnostic::is_error);
            let cx = Context {
                file,
                src: text,
                front,
                speakers,
                chapters: &meta_chapters,
                locate,
                incomplete,
            };
            let chapters = formats::assemble(&cx, cues, &mut diags);
            // A file whose every cue was malformed already says so.
            if chapters.is_empty() && !incomplete {
                diags.push(Diagnostic::error(file, "no turns found").with_help(
                    "the file holds no cue with text; check that it is the transcript you meant",
                ));
            }
            if let (Some(front), Some(meta)) = (front, &meta) {
                check_background(file, front, meta, &yamls, &meta_chapters, &[], &mut diags);
            }
            chapters
        }
        None => text_body(
            file,
            text,
            body_from,
            front,
            speakers,
            meta.as_ref(),
            &yamls,
            &meta_chapters,
            &mut diags,
        ),
    };
    let body_failed = diags
        .get(before_body..)
        .unwrap_or_default()
        .iter()
        .any(|d| d.is_error() && d.file == file);
    Read {
        front: meta.and_then(|m| m.front.front),
        chapters,
        diagnostics: diags,
        body_failed,
        missing_metadata,
    }
}

/// Decodes a metadata file into `texts`, or reports why it cannot be read.
fn push_decoded<'a>(
    m: &'a MetaFile,
    texts: &mut Vec<(&'a MetaFile, &'a str)>,
    diags: &mut Vec<Diagnostic>,
) {
    match meta::decode(m) {
        Ok(t) => texts.push((m, t)),
        Err(d) => diags.push(d),
    }
}

/// The body of castbook's text format (after the front matter, if any): headings
/// and turn lines, as [`body::parse`] reads them.
#[allow(clippy::too_many_arguments)]
fn text_body(
    file: &str,
    text: &str,
    from: usize,
    front: Option<&FrontMatter>,
    speakers: &SpeakerMap,
    meta: Option<&Meta>,
    yamls: &[&Yaml<'_>],
    meta_chapters: &[MetaChapter],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ParsedChapter> {
    let body_lines = lines(text).skip_while(|l| l.start < from);
    let body = body::parse(file, text, body_lines, diags);
    let mut chapters = body.chapters;
    if !meta_chapters.is_empty() {
        if body.headings.is_empty() {
            chapters = formats::distribute(chapters, meta_chapters, diags);
        } else if let Some(first) = meta_chapters.first() {
            diags.push(
                first
                    .warning(
                        "these chapters are ignored: the transcript has chapter headings of its own"
                            .to_owned(),
                    )
                    .with_help(
                        "keep one list of chapters: remove the `###` headings from the \
                         transcript, or these chapters",
                    ),
            );
        }
    }
    if let (Some(front), Some(meta)) = (front, meta) {
        speakers::resolve(file, front, speakers, &body.labels, &mut chapters, diags);
        let titles: Vec<Titled<'_>> = body.headings.iter().map(Titled::from).collect();
        let from_meta = if body.headings.is_empty() {
            meta_chapters
        } else {
            &[]
        };
        check_background(file, front, meta, yamls, from_meta, &titles, diags);
    }
    chapters
}

/// Compares `guest_background` with the chapter titles: the headings, or the
/// metadata's chapters.
fn check_background(
    file: &str,
    front: &FrontMatter,
    meta: &Meta,
    yamls: &[&Yaml<'_>],
    meta_chapters: &[MetaChapter],
    headings: &[Titled<'_>],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(yaml) = yamls.get(meta.front.background_layer) else {
        return;
    };
    let mut titles: Vec<Titled<'_>> = meta_chapters
        .iter()
        .map(|c| Titled {
            title: &c.title,
            file: &c.file,
            line: c.pos.line,
            col: c.pos.col,
            source: &c.pos.source,
        })
        .collect();
    titles.extend_from_slice(headings);
    speakers::check_guest_background(file, front, yaml, &meta.front.background_at, &titles, diags);
}
