//! Episode pages: metadata, people, chapters with their turns, neighbours, related
//! episodes and speaker statistics.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::{Out, PageCtx, PageMeta, PageVars, Summary, page};
use crate::model::{Chapter, Episode, EpisodeId, TopicId};
use crate::render::jsonld::{self, JsonLd};
use crate::render::lazy::{Excerpt, Lazy, Markdown, Sourced};
use crate::render::stats::StatView;
use crate::render::transcript;
use crate::render::views::{PodcastLink, Shared, TermGroup, Ts, Val};
use crate::site::layout;
use crate::site::urls::rel;

/// How many related episodes an episode page lists.
const RELATED_MAX: usize = 6;

/// `episode` in `episode.html`.
#[derive(Serialize, Hash)]
pub(super) struct EpisodeView<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a str,
    date_display: &'a str,
    year: i16,
    duration: Option<&'a str>,
    duration_iso: Option<&'a str>,
    podcast: &'a PodcastLink<'a>,
    guests: Vec<&'a Val>,
    hosts: Vec<&'a Val>,
    description_html: Option<Lazy<Markdown<'a>>>,
    chapters: Vec<ChapterView<'a>>,
    topics: Vec<&'a Val>,
    prev: Option<&'a Val>,
    next: Option<&'a Val>,
    related: Vec<&'a Val>,
    /// The player's source, resolved against the site (see `SiteUrls::resource`).
    audio_url: Option<String>,
    /// Talk time, share, words and turns per speaker, longest first.
    speakers: Vec<StatView<'a>>,
    /// The export files written beside the page (`[output.exports]`).
    downloads: Vec<DownloadView>,
    extra: &'a BTreeMap<String, serde_json::Value>,
    /// Its terms, by taxonomy.
    terms: Vec<TermGroup<'a>>,
}

/// A link to one of the episode's export files.
#[derive(Serialize, Hash)]
struct DownloadView {
    /// File name, also the link text (`transcript.vtt`).
    name: &'static str,
    /// Its MIME type, for the link's `type`.
    mime: &'static str,
    url: String,
}

#[derive(Serialize, Hash)]
struct ChapterView<'a> {
    title: &'a str,
    slug: &'a str,
    start: Ts,
    seconds: u32,
    implicit: bool,
    topic: Option<&'a Val>,
    /// More episodes on this chapter's topic than this one.
    topic_others: usize,
    /// The opening text and the turns, pre-rendered (see `transcript.rs`), made when
    /// the page renders.
    html: Lazy<ChapterTurns<'a>>,
    /// The opening text alone (text before the first turn), for themes that loop over
    /// `turns` instead of using `html`.
    #[serde(skip_serializing_if = "Option::is_none")]
    intro_html: Option<Lazy<Sourced<TurnText<'a>>>>,
    /// Structured turns, only for themes that ask for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    turns: Option<Vec<TurnView<'a>>>,
}

#[derive(Serialize, Hash)]
struct TurnView<'a> {
    anchor: &'a str,
    speaker: &'a str,
    person: Option<&'a Val>,
    start: Ts,
    seconds: u32,
    html: Lazy<Sourced<TurnText<'a>>>,
}

/// A turn's Markdown and the anchor its footnotes are prefixed with.
#[derive(Hash)]
struct TurnText<'a> {
    body: &'a str,
    anchor: &'a str,
}

/// What a chapter's turn markup is made from: its turns (identified by the episode's
/// inputs) and the page URL of each person who may speak in them.
struct ChapterTurns<'a> {
    episode: &'a Episode,
    index: usize,
    shared: &'a Shared<'a>,
}

impl Hash for ChapterTurns<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let content = self
            .episode
            .chapters
            .get(self.index)
            .map(|c| (&c.intro, &c.slug, &c.turns));
        Sourced {
            key: self.episode.source_key,
            at: (self.index, usize::MAX),
            content,
        }
        .hash(state);
        // A turn's speaker links to a host or guest of the episode.
        for p in self.episode.hosts.iter().chain(&self.episode.guests) {
            self.shared.person(*p).map(|l| &l.url).hash(state);
        }
    }
}

fn chapter_html(c: &ChapterTurns<'_>) -> String {
    let Some(chapter) = c.episode.chapters.get(c.index) else {
        return String::new();
    };
    let mut html = String::with_capacity(transcript::size_hint(chapter));
    transcript::push_turns(&mut html, chapter, c.shared);
    html
}

pub(super) fn out<'a>(
    ctx: &PageCtx<'a>,
    id: EpisodeId,
) -> Option<Out<PageVars<'a, EpisodeView<'a>>>> {
    let s = ctx.shared;
    let e = s.archive.episode(id);
    let item = ctx.items.get(id)?;
    let mut topics: Vec<TopicId> = Vec::new();
    for t in e
        .chapters
        .iter()
        .filter_map(|c| c.topic)
        .chain(e.topics.iter().copied())
    {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let with_turns = ctx.theme.wants_turn_views();
    let chapters = e
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| ChapterView {
            title: &c.title,
            slug: &c.slug,
            start: Ts(c.start),
            seconds: c.start.seconds(),
            implicit: c.implicit,
            topic: c.topic.and_then(|t| s.topic_value(t)),
            topic_others: c
                .topic
                .and_then(|t| s.topic(t))
                .map_or(0, |t| t.count.saturating_sub(1)),
            html: Lazy::html(
                ChapterTurns {
                    episode: e,
                    index: i,
                    shared: s,
                },
                chapter_html,
            ),
            intro_html: (with_turns && !c.intro.is_empty()).then(|| {
                Lazy::html(
                    Sourced {
                        key: e.source_key,
                        at: (i, usize::MAX - 1),
                        content: TurnText {
                            body: &c.intro,
                            anchor: &c.slug,
                        },
                    },
                    |s| crate::markdown::to_html(s.content.body, s.content.anchor),
                )
            }),
            turns: with_turns.then(|| turn_views(ctx, e, i, c)),
        })
        .collect();
    let view = EpisodeView {
        title: item.title,
        url: &item.url,
        date: &item.date,
        date_display: &item.date_display,
        year: item.year,
        duration: item.duration.as_deref(),
        duration_iso: item.duration_iso.as_deref(),
        podcast: item.podcast,
        guests: e.guests.iter().filter_map(|p| s.person_value(*p)).collect(),
        hosts: e.hosts.iter().filter_map(|p| s.person_value(*p)).collect(),
        description_html: e.description.as_deref().map(|d| {
            Markdown {
                source: d,
                id: "desc",
            }
            .lazy()
        }),
        chapters,
        topics: topics.iter().filter_map(|t| s.topic_value(*t)).collect(),
        prev: e.prev.and_then(|p| ctx.items.value(p)),
        next: e.next.and_then(|n| ctx.items.value(n)),
        related: e
            .related
            .iter()
            .take(RELATED_MAX)
            .filter_map(|r| ctx.items.value(*r))
            .collect(),
        audio_url: e.audio_url.as_deref().and_then(|u| s.urls.resource(u)),
        speakers: speaker_views(ctx, id),
        downloads: s
            .exports
            .iter()
            .map(|f| DownloadView {
                name: f.name,
                mime: f.mime,
                url: s.urls.path(&layout::export_rel(&e.slug, *f)),
            })
            .collect(),
        extra: &e.extra,
        terms: s.term_groups(&e.terms),
    };
    let rel_url = rel::episode(&e.slug);
    let mut meta = PageMeta::new(ctx, "episode", "episodes", Some(e.title.clone()), &rel_url);
    meta.description = e.description.as_deref().map(|d| {
        Summary::Excerpt(
            Excerpt {
                source: d,
                words: 40,
            }
            .lazy(),
        )
    });
    meta.audio = e
        .audio_url
        .as_deref()
        .and_then(|u| s.urls.resource_absolute(u));
    meta.json_ld = Some(JsonLd::Episode(jsonld::episode(s.archive, e, s.urls)));
    Some(page("episode.html", meta, "episode", view, &rel_url))
}

/// The speaker statistics of an episode, as shown on its page.
fn speaker_views<'a>(ctx: &PageCtx<'a>, id: EpisodeId) -> Vec<StatView<'a>> {
    let s = ctx.shared;
    let Some(stats) = s.stats(id) else {
        return Vec::new();
    };
    stats
        .speakers
        .iter()
        .map(|sp| {
            let link = sp.person.and_then(|p| s.person(p));
            let name = link.map_or(sp.label.as_str(), |l| l.name);
            let mut v = StatView::new(
                name,
                link.map(|l| l.url.as_str()),
                sp.ms,
                stats.total_ms,
                sp.words,
            );
            v.turn_count = sp.turns;
            v
        })
        .collect()
}

fn turn_views<'a>(
    ctx: &PageCtx<'a>,
    e: &'a Episode,
    index: usize,
    c: &'a Chapter,
) -> Vec<TurnView<'a>> {
    c.turns
        .iter()
        .enumerate()
        .map(|(i, t)| TurnView {
            anchor: &t.anchor,
            speaker: &t.speaker_label,
            person: t.person.and_then(|p| ctx.shared.person_value(p)),
            start: Ts(t.start),
            seconds: t.start.seconds(),
            html: Lazy::html(
                Sourced {
                    key: e.source_key,
                    at: (index, i),
                    content: TurnText {
                        body: &t.body,
                        anchor: &t.anchor,
                    },
                },
                |s| crate::markdown::to_html(s.content.body, s.content.anchor),
            ),
        })
        .collect()
}
