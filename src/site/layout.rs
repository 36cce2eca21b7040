//! The files of a built site beside each episode page: the podcast exports, their
//! names and MIME types. Feeds, pages and JSON-LD link to them by these names; the
//! exports stage writes them; serve removes them with their episode.

#[cfg(doc)]
use super::urls::SiteUrls;
use super::urls::rel;

/// One export file: its name beside the episode page and its MIME type, for feeds
/// (`podcast:chapters`, `podcast:transcript`) and servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExportFile {
    /// File name inside `episodes/<slug>/`.
    pub name: &'static str,
    /// MIME type as the podcast namespace names it.
    pub mime: &'static str,
}

/// `chapters.json`: the namespace's `podcast:chapters` type is `application/json+chapters`.
pub const CHAPTERS_JSON: ExportFile = ExportFile {
    name: "chapters.json",
    mime: "application/json+chapters",
};
/// `transcript.json`: JSON transcript, `podcast:transcript type="application/json"`.
pub const TRANSCRIPT_JSON: ExportFile = ExportFile {
    name: "transcript.json",
    mime: "application/json",
};
/// `transcript.vtt`: WebVTT, `podcast:transcript type="text/vtt"`.
pub const TRANSCRIPT_VTT: ExportFile = ExportFile {
    name: "transcript.vtt",
    mime: "text/vtt",
};
/// `transcript.srt`: SubRip, `podcast:transcript type="application/x-subrip"`.
pub const TRANSCRIPT_SRT: ExportFile = ExportFile {
    name: "transcript.srt",
    mime: "application/x-subrip",
};
/// The transcript formats, best first (the namespace recommends WebVTT when a feed
/// offers only one), for one `podcast:transcript` tag each.
pub const TRANSCRIPTS: [ExportFile; 3] = [TRANSCRIPT_VTT, TRANSCRIPT_JSON, TRANSCRIPT_SRT];

/// Every export file, in the order feeds list them: transcripts best first, then chapters.
pub const ALL: [ExportFile; 4] = [
    TRANSCRIPT_VTT,
    TRANSCRIPT_JSON,
    TRANSCRIPT_SRT,
    CHAPTERS_JSON,
];

/// The site-relative path of an episode's export: `episodes/<slug>/transcript.vtt`;
/// pass it to [`SiteUrls::path`] or [`SiteUrls::absolute_or_path`] for a URL.
pub fn export_rel(episode_slug: &str, file: ExportFile) -> String {
    let mut p = rel::episode(episode_slug);
    p.push_str(file.name);
    p
}
