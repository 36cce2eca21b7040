//! `chapters.json`: Podcasting 2.0 JSON chapters, version 1.2.0.
//!
//! Per the namespace's `jsonChapters.md`: a `version` and a `chapters` array of
//! objects in ascending `startTime` order, each with `startTime` (seconds; whole
//! seconds here, written as integers like the spec's examples), a `title` and a
//! `url` ("a web page … related to the topic of this chapter": the chapter's
//! section on the episode page, absolute when the site's address is known). The
//! optional episode-level `title`, `podcastName` and `author` (the hosts) are set.
//! `toc` is left out (true: every chapter is a real one), as are `img` and `endTime`.

use serde::Serialize;

use super::ExportView;
use crate::site::urls::rel;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Chapters<'a> {
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    title: &'a str,
    podcast_name: &'a str,
    chapters: Vec<Chapter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Chapter<'a> {
    start_time: u32,
    title: &'a str,
    url: String,
}

/// The `chapters.json` of a view's episode.
pub(super) fn render(view: &ExportView<'_>) -> Vec<u8> {
    let (episode, urls) = (view.episode, view.urls);
    let page = rel::episode(&episode.slug);
    let hosts = view.host_names();
    // The spec wants ascending start times.
    let chapters = episode
        .chapters
        .iter()
        .zip(episode.chapter_starts())
        .map(|(c, start)| Chapter {
            start_time: start,
            title: &c.title,
            url: urls.absolute_or_path(&format!("{page}#{}", c.slug)),
        })
        .collect();
    let doc = Chapters {
        version: "1.2.0",
        author: (!hosts.is_empty()).then(|| hosts.join(", ")),
        title: &episode.title,
        podcast_name: view.podcast,
        chapters,
    };
    // Serializing plain structs of strings and integers cannot fail; an empty
    // object would still be valid JSON should it ever.
    serde_json::to_vec(&doc).unwrap_or_else(|_| b"{}".to_vec())
}
