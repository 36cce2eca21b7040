//! Topic pages: every chapter on a topic across the archive, with an excerpt of its
//! first turn, and the episodes tagged with it.

use serde::Serialize;

use super::{Out, PageCtx, PageMeta, PageVars, Summary, page};
use crate::model::TopicId;
use crate::render::views::{Anchor, Ts, Val};
use crate::site::urls::rel;

/// `topic` in `topic.html`.
#[derive(Serialize, Hash)]
pub(super) struct TopicView<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
    chapters: Vec<TopicChapter<'a>>,
    episodes: Vec<&'a Val>,
}

#[derive(Serialize, Hash)]
struct TopicChapter<'a> {
    title: &'a str,
    url: Anchor<'a>,
    start: Ts,
    /// The start of the chapter's first turn.
    excerpt: &'a str,
    episode: &'a Val,
}

pub(super) fn out<'a>(ctx: &PageCtx<'a>, id: TopicId) -> Option<Out<PageVars<'a, TopicView<'a>>>> {
    let s = ctx.shared;
    let t = s.archive.topic(id);
    let item = s.topic(id)?;
    let chapters = t
        .chapters
        .iter()
        .filter_map(|r| {
            let item = ctx.items.get(r.episode)?;
            let episode = ctx.items.value(r.episode)?;
            let e = s.archive.episode(r.episode);
            let c = e.chapters.get(r.chapter as usize)?;
            Some(TopicChapter {
                title: &c.title,
                url: Anchor {
                    page: &item.url,
                    id: &c.slug,
                },
                start: Ts(c.start),
                excerpt: s.excerpt(r.episode, r.chapter as usize),
                episode,
            })
        })
        .collect();
    let view = TopicView {
        name: &t.name,
        url: &item.url,
        count: item.count,
        chapters,
        episodes: t
            .episodes
            .iter()
            .filter_map(|e| ctx.items.value(*e))
            .collect(),
    };
    let rel_url = rel::topic(&t.slug);
    let mut meta = PageMeta::new(ctx, "topic", "topics", Some(t.name.clone()), &rel_url);
    meta.description = Some(Summary::Text(format!(
        "Every chapter about “{}” across the archive ({} episode{}).",
        t.name,
        item.count,
        if item.count == 1 { "" } else { "s" }
    )));
    Some(page("topic.html", meta, "topic", view, &rel_url))
}
