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

use rayon::prelude::*;

#[cfg(doc)]
use crate::config::ExportsConfig;
use crate::model::{Archive, Episode};
use crate::site::OutputSink;
pub use crate::site::layout::{
    CHAPTERS_JSON, ExportFile, TRANSCRIPT_JSON, TRANSCRIPT_SRT, TRANSCRIPT_VTT, TRANSCRIPTS,
    export_rel,
};
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
    archive
        .episodes
        .par_iter()
        .map(|e| write_episode(archive, e, urls, files, sink))
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

fn write_episode(
    archive: &Archive,
    episode: &Episode,
    urls: &SiteUrls,
    files: &[ExportFile],
    sink: &dyn OutputSink,
) -> anyhow::Result<usize> {
    let rendered = render_episode(archive, episode, urls, files);
    for (file, bytes) in &rendered {
        sink.write(&export_rel(&episode.slug, *file), bytes)?;
    }
    Ok(rendered.len())
}

/// The chosen export files of one episode, rendered in memory, in the order of `files`.
pub(crate) fn render_episode(
    archive: &Archive,
    episode: &Episode,
    urls: &SiteUrls,
    files: &[ExportFile],
) -> Vec<(ExportFile, Vec<u8>)> {
    // Segments feed every transcript format; the chapters alone don't need them.
    let needs_segments = files.iter().any(|f| *f != CHAPTERS_JSON);
    let segments = if needs_segments {
        segments(archive, episode)
    } else {
        Vec::new()
    };
    files
        .iter()
        .map(|&file| {
            let bytes = match file.name {
                n if n == CHAPTERS_JSON.name => chapters::render(archive, episode, urls),
                n if n == TRANSCRIPT_JSON.name => json::render(&segments),
                n if n == TRANSCRIPT_VTT.name => vtt::render(&segments),
                _ => srt::render(&segments),
            };
            (file, bytes)
        })
        .collect()
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
pub(crate) fn segments<'a>(archive: &'a Archive, episode: &'a Episode) -> Vec<Segment<'a>> {
    let turns: Vec<_> = episode.turns().collect();
    let texts: Vec<String> = turns.iter().map(|t| text::plain_text(&t.body)).collect();
    // Cue-based sources state every turn's times: those are kept to the millisecond.
    let duration = episode.duration_minutes.map(|m| u64::from(m) * 60);
    let spans = crate::model::turn_spans(&turns, |i| word_count(&texts[i]), duration);
    turns
        .iter()
        .zip(texts)
        .zip(spans)
        .map(|((turn, text), span)| {
            let name = turn
                .person
                .and_then(|p| archive.people.get(p.index()))
                .map_or(turn.speaker_label.as_str(), |p| p.name.as_str());
            Segment {
                speaker: one_line(name),
                anchor: &turn.anchor,
                text,
                span,
            }
        })
        .collect()
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
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
