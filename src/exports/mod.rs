//! Per-episode podcast exports, written beside each episode page
//! (`episodes/<slug>/`): what podcast apps, players and caption tools read.
//!
//! | file | format | MIME type (podcast namespace) |
//! |---|---|---|
//! | `chapters.json` | Podcasting 2.0 JSON chapters 1.2.0 | `application/json+chapters` |
//! | `transcript.json` | Podcasting 2.0 JSON transcript 1.0.0 | `application/json` |
//! | `transcript.vtt` | WebVTT, `<v Speaker>` voice spans | `text/vtt` |
//! | `transcript.srt` | SubRip, the namespace's caption limits | `application/x-subrip` |
//!
//! Every format reads the same prepared [`Segment`]s: one per turn, with its speaker
//! (full name when the label resolves to a person), its plain text ([`text`]) and its
//! span in time ([`crate::timeline`]). Episodes are exported in parallel (rayon); each file
//! depends only on its own episode, so the output is deterministic.
//!
//! Cue shapes: the VTT has exactly one cue per turn (lines wrapped at the namespace's
//! recommended 65 characters; WebVTT sets no cue length limit), so it lines up with
//! `transcript.json` and the page's turn anchors (each cue's identifier is the turn
//! anchor). The SRT follows the namespace's limits for SRT captions (at most 2 lines
//! of 32 characters per cue), so a long turn becomes several cues, each timed in
//! proportion to its share of the turn's text.

mod chapters;
pub(crate) mod clean;
mod json;
mod srt;
pub(crate) mod text;
mod vtt;
mod wrap;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

#[cfg(doc)]
use crate::config::ExportsConfig;
use crate::model::{Archive, Episode, PersonId};
use crate::site::OutputSink;
pub use crate::site::layout::{
    CHAPTERS_JSON, ExportFile, TRANSCRIPT_JSON, TRANSCRIPT_SRT, TRANSCRIPT_VTT, TRANSCRIPTS,
    export_rel,
};
use crate::site::manifest::{Plan, fingerprint};
use crate::site::urls::SiteUrls;
pub(crate) use crate::text::one_line;

/// Writes the chosen exports (`files`, see [`ExportsConfig::files`]) of every episode
/// through `sink`, in parallel, and returns the number of files written.
pub fn write_exports(
    archive: &Archive,
    urls: &SiteUrls,
    files: &[ExportFile],
    sink: &dyn OutputSink,
) -> anyhow::Result<usize> {
    Ok(export(archive, urls, files, sink, Plan::Once)?.written)
}

/// What [`export`] did.
#[derive(Debug, Default)]
pub struct Exported {
    /// Files written.
    pub written: usize,
    /// Every export file (written or not) with its fingerprint, when the plan records.
    pub entries: Vec<(String, u64)>,
}

/// Writes the export files the plan wants, every episode in parallel.
pub fn export(
    archive: &Archive,
    urls: &SiteUrls,
    files: &[ExportFile],
    sink: &dyn OutputSink,
    plan: Plan<'_>,
) -> anyhow::Result<Exported> {
    let per_episode: Vec<Exported> = archive
        .episodes
        .par_iter()
        .map(|e| export_episode(&ExportView::new(archive, e, urls), files, sink, plan))
        .collect::<anyhow::Result<_>>()?;
    let mut all = Exported::default();
    for one in per_episode {
        all.written += one.written;
        all.entries.extend(one.entries);
    }
    Ok(all)
}

fn export_episode(
    view: &ExportView<'_>,
    files: &[ExportFile],
    sink: &dyn OutputSink,
    plan: Plan<'_>,
) -> anyhow::Result<Exported> {
    let mut out = Exported::default();
    let fp = if plan.records() { fingerprint(view) } else { 0 };
    let rels: Vec<_> = files
        .iter()
        .map(|&f| (f, export_rel(view.episode.slug.as_str(), f)))
        .collect();
    if rels
        .iter()
        .any(|(f, rel)| plan.wants(rel, file_fingerprint(fp, *f)))
    {
        for (file, bytes) in view.render(files) {
            let rel = export_rel(&view.episode.slug, file);
            if plan.wants(&rel, file_fingerprint(fp, file)) {
                sink.write(&rel, &bytes)?;
                out.written += 1;
            }
        }
    }
    if plan.records() {
        out.entries = rels
            .into_iter()
            .map(|(f, rel)| (rel, file_fingerprint(fp, f)))
            .collect();
    }
    Ok(out)
}

/// One export file's fingerprint: its episode's, told apart by the file's name.
fn file_fingerprint(episode: u64, file: ExportFile) -> u64 {
    fingerprint(&(episode, file.name))
}

/// What one episode's export files are made from, and nothing else: the exports
/// render from this alone, and their fingerprint is its hash.
pub(crate) struct ExportView<'a> {
    /// The episode: its title, slug, chapters, turns and duration.
    pub(crate) episode: &'a Episode,
    /// The name of each of its hosts and guests, whom turns resolve to.
    pub(crate) people: Vec<(PersonId, &'a str)>,
    /// Its show's name.
    pub(crate) podcast: &'a str,
    /// Where links point.
    pub(crate) urls: &'a SiteUrls,
}

impl<'a> ExportView<'a> {
    /// The view of `episode`'s exports.
    pub(crate) fn new(archive: &'a Archive, episode: &'a Episode, urls: &'a SiteUrls) -> Self {
        ExportView {
            episode,
            people: episode
                .hosts
                .iter()
                .chain(&episode.guests)
                .filter_map(|p| archive.people.get(p.index()).map(|x| (*p, x.name.as_str())))
                .collect(),
            podcast: archive
                .podcasts
                .get(episode.podcast.index())
                .map_or("", |p| p.name.as_str()),
            urls,
        }
    }

    /// The name a person id of this episode stands for.
    pub(crate) fn name_of(&self, id: PersonId) -> Option<&'a str> {
        self.people.iter().find(|(p, _)| *p == id).map(|(_, n)| *n)
    }

    /// The names of its hosts, in order.
    pub(crate) fn host_names(&self) -> Vec<&'a str> {
        self.episode
            .hosts
            .iter()
            .filter_map(|h| self.name_of(*h))
            .collect()
    }

    /// The chosen export files, rendered in memory, in the order of `files`.
    pub(crate) fn render(&self, files: &[ExportFile]) -> Vec<(ExportFile, Vec<u8>)> {
        // Segments feed every transcript format; the chapters alone don't need them.
        let segments = if files.iter().any(|f| *f != CHAPTERS_JSON) {
            segments_of(self)
        } else {
            Vec::new()
        };
        files
            .iter()
            .map(|&file| {
                let bytes = match file.name {
                    n if n == CHAPTERS_JSON.name => chapters::render(self),
                    n if n == TRANSCRIPT_JSON.name => json::render(&segments),
                    n if n == TRANSCRIPT_VTT.name => vtt::render(&segments),
                    _ => srt::render(&segments),
                };
                (file, bytes)
            })
            .collect()
    }
}

impl Hash for ExportView<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let e = self.episode;
        // Title, chapters, turns and duration come from the episode's inputs alone.
        if e.source_key.is_unknown() {
            (&e.title, &e.chapters, e.duration_minutes).hash(state);
        } else {
            e.source_key.hash(state);
        }
        // Linking decides these.
        (&e.slug, &e.hosts, &e.guests, &self.people).hash(state);
        (self.podcast, self.urls).hash(state);
    }
}

/// The chosen export files of one episode, rendered in memory, in the order of `files`.
#[cfg(test)]
pub(crate) fn render_episode(
    archive: &Archive,
    episode: &Episode,
    urls: &SiteUrls,
    files: &[ExportFile],
) -> Vec<(ExportFile, Vec<u8>)> {
    ExportView::new(archive, episode, urls).render(files)
}

/// One turn, ready for any format.
#[derive(Debug, Clone)]
pub(crate) struct Segment<'a> {
    /// Full name when the label resolves to a person, else the label; whitespace
    /// normalised (a name from YAML may hold a newline, which would end a cue).
    pub(crate) speaker: Cow<'a, str>,
    /// The turn's anchor on the episode page (`t-00-41-12`).
    pub(crate) anchor: &'a str,
    /// Plain text: words separated by one space, blocks by one `\n`.
    pub(crate) text: String,
    /// When it is said.
    pub(crate) span: crate::timeline::Span,
}

/// The episode's turns as [`Segment`]s, in transcript order.
#[cfg(test)]
pub(crate) fn segments<'a>(archive: &'a Archive, episode: &'a Episode) -> Vec<Segment<'a>> {
    // Segments never read the URLs.
    static ROOT: std::sync::LazyLock<SiteUrls> =
        std::sync::LazyLock::new(|| SiteUrls::new("/", None));
    segments_of(&ExportView::new(archive, episode, &ROOT))
}

/// The turns of a view's episode as [`Segment`]s, in transcript order.
pub(crate) fn segments_of<'a>(view: &ExportView<'a>) -> Vec<Segment<'a>> {
    let episode = view.episode;
    let turns: Vec<_> = episode.turns().collect();
    let texts: Vec<String> = turns.iter().map(|t| text::plain_text(&t.body)).collect();
    // Cue-based sources state every turn's times: those are kept to the millisecond.
    let duration = episode.duration_minutes.map(|m| u64::from(m) * 60);
    let spans = crate::model::turn_spans(&turns, |i| crate::text::word_count(&texts[i]), duration);
    turns
        .iter()
        .zip(texts)
        .zip(spans)
        .map(|((turn, text), span)| {
            let name = turn
                .person
                .and_then(|p| view.name_of(p))
                .unwrap_or(turn.speaker_label.as_str());
            Segment {
                speaker: one_line(name),
                anchor: &turn.anchor,
                text,
                span,
            }
        })
        .collect()
}

/// Appends `ms` as `HH:MM:SS<sep>mmm` (hours at least two digits), the cue timestamp
/// of WebVTT (`b'.'`) and SRT (`b','`).
pub(crate) fn push_timestamp(out: &mut Vec<u8>, ms: u64, sep: u8) {
    // By hand rather than `write!`: a big archive has millions of cue timestamps.
    let (s, ms) = (ms / 1000, ms % 1000);
    let hours = s / 3600;
    if hours >= 100 {
        push_uint(out, hours);
    } else {
        out.extend_from_slice(&[digit(hours / 10), digit(hours)]);
    }
    let (m, s) = ((s / 60) % 60, s % 60);
    out.extend_from_slice(&[
        b':',
        digit(m / 10),
        digit(m),
        b':',
        digit(s / 10),
        digit(s),
        sep,
        digit(ms / 100),
        digit(ms / 10),
        digit(ms),
    ]);
}

/// The ASCII decimal digit of `d % 10`.
fn digit(d: u64) -> u8 {
    b'0' + (d % 10) as u8
}

/// Appends `v` in decimal (without the allocation of `to_string`).
pub(crate) fn push_uint(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = digit(v);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests;
