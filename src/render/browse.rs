//! Browsing pages: a taxonomy's index of terms, a page per term (its guests and their
//! episodes), and a page per year of episodes. They work without JavaScript, which
//! is what the filters on the list pages fall back to.

use serde::Serialize;

use super::lists::person_item;
use super::pages::{Out, PageCtx, PageMeta, PageVars, Summary, page};
use super::views::{LetterGroup, PersonItem, Val, by_letter};
use crate::model::{EpisodeId, TermRef};
use crate::site::urls::rel;

/// `taxonomy` in `taxonomy.html`.
#[derive(Serialize, Hash)]
pub(super) struct TaxonomyView<'a> {
    name: &'a str,
    title: &'a str,
    singular: &'a str,
    url: &'a str,
    /// True when terms describe guests (`current_company`), false for episode fields.
    per_guest: bool,
    /// True when terms are number ranges (`2000–2004`).
    ranged: bool,
    total: usize,
    /// Every term (term items), in order.
    terms: Vec<&'a Val>,
    /// The same terms by letter; empty for ranges.
    groups: Vec<LetterGroup<&'a Val>>,
}

pub(super) fn taxonomy<'a>(
    ctx: &PageCtx<'a>,
    index: u32,
) -> Option<Out<PageVars<'a, TaxonomyView<'a>>>> {
    let s = ctx.shared;
    let i = index as usize;
    let (t, link, values) = (
        s.archive.taxonomies.get(i)?,
        s.taxonomies.get(i)?,
        s.term_values.get(i)?,
    );
    let groups = if t.range.is_some() {
        Vec::new()
    } else {
        by_letter(
            t.terms.iter().zip(values).map(|(t, v)| (t.name.clone(), v)),
            &s.collation,
        )
    };
    let view = TaxonomyView {
        name: &t.name,
        title: &t.title,
        singular: &t.singular,
        url: &link.url,
        per_guest: t.per_guest,
        ranged: t.range.is_some(),
        total: t.terms.len(),
        terms: values.iter().collect(),
        groups,
    };
    let rel_url = rel::taxonomy(&t.name);
    let section = if t.per_guest { "guests" } else { "episodes" };
    let mut meta = PageMeta::new(ctx, "taxonomy", section, Some(t.title.clone()), &rel_url);
    meta.description = Some(Summary::Text(format!(
        "{} of the archive's {}, with their {}.",
        t.title,
        if t.per_guest { "guests" } else { "episodes" },
        if t.per_guest {
            "guests and episodes"
        } else {
            "episodes"
        },
    )));
    Some(page("taxonomy.html", meta, "taxonomy", view, &rel_url))
}

/// `term` in `term.html`.
#[derive(Serialize, Hash)]
pub(super) struct TermView<'a> {
    name: &'a str,
    url: &'a str,
    /// The taxonomy (`name`, `title`, `singular`, `url`, `count`).
    taxonomy: &'a Val,
    guest_count: usize,
    episode_count: usize,
    /// Its guests, each with their episodes carrying the term.
    guests: Vec<TermGuest<'a>>,
    /// Every episode carrying it, newest first (episode items).
    episodes: Vec<&'a Val>,
    /// Those of them no guest above lists (episodes without guests).
    unlisted: Vec<&'a Val>,
    /// Its own feed, when the taxonomy has `feed = true`.
    feed: Option<String>,
}

/// A guest on a term page.
#[derive(Serialize, Hash)]
struct TermGuest<'a> {
    /// The person item; `count` is how many of their episodes carry the term.
    person: PersonItem<'a>,
    /// Those episodes (episode items), newest first.
    episodes: Vec<&'a Val>,
}

pub(super) fn term<'a>(ctx: &PageCtx<'a>, r: TermRef) -> Option<Out<PageVars<'a, TermView<'a>>>> {
    let s = ctx.shared;
    let a = s.archive;
    let t = a.taxonomies.get(r.taxonomy as usize)?;
    let (term, item, taxonomy) = (
        t.terms.get(r.term as usize)?,
        s.term(r)?,
        s.taxonomy_values.get(r.taxonomy as usize)?,
    );
    let mut listed: Vec<EpisodeId> = Vec::new();
    let guests = term
        .people
        .iter()
        .map(|p| {
            // A guest fact describes the first guest only.
            let theirs = |e: &EpisodeId| {
                let guests = &a.episode(*e).guests;
                if t.per_guest {
                    guests.first() == Some(p)
                } else {
                    guests.contains(p)
                }
            };
            let ids: Vec<EpisodeId> = term.episodes.iter().copied().filter(theirs).collect();
            listed.extend(&ids);
            let episodes: Vec<&Val> = ids.iter().filter_map(|e| ctx.items.value(*e)).collect();
            TermGuest {
                person: person_item(ctx, a.person(*p), episodes.len()),
                episodes,
            }
        })
        .collect();
    let view = TermView {
        name: &term.name,
        url: &item.url,
        taxonomy,
        guest_count: term.people.len(),
        episode_count: term.episodes.len(),
        guests,
        episodes: term
            .episodes
            .iter()
            .filter_map(|e| ctx.items.value(*e))
            .collect(),
        unlisted: term
            .episodes
            .iter()
            .filter(|e| !listed.contains(e))
            .filter_map(|e| ctx.items.value(*e))
            .collect(),
        feed: t
            .feed
            .then(|| s.urls.path(&rel::term_feed(&t.name, &term.slug))),
    };
    let rel_url = rel::term(&t.name, &term.slug);
    let section = if t.per_guest { "guests" } else { "episodes" };
    let title = format!("{}: {}", t.singular, term.name);
    let mut meta = PageMeta::new(ctx, "term", section, Some(title), &rel_url);
    let guests = term.people.len();
    let episodes = term.episodes.len();
    meta.description = Some(Summary::Text(format!(
        "{} {}: {guests} guest{} and {episodes} episode{}.",
        t.singular,
        term.name,
        if guests == 1 { "" } else { "s" },
        if episodes == 1 { "" } else { "s" },
    )));
    Some(page("term.html", meta, "term", view, &rel_url))
}

/// `year` in `year.html`.
#[derive(Serialize, Hash)]
pub(super) struct YearView<'a> {
    year: i16,
    url: String,
    total: usize,
    /// The year's episodes, newest first (episode items).
    episodes: Vec<&'a Val>,
    /// Every year with episodes, newest first.
    years: Vec<YearLink>,
}

/// A year as linked from year pages and the episode list.
#[derive(Serialize, Hash)]
struct YearLink {
    year: i16,
    url: String,
    count: usize,
}

pub(super) fn year<'a>(ctx: &PageCtx<'a>, year: i16) -> Out<PageVars<'a, YearView<'a>>> {
    let s = ctx.shared;
    let mine: Vec<&Val> = s
        .archive
        .episodes
        .iter()
        .filter(|e| e.date.year() == year)
        .filter_map(|e| ctx.items.value(e.id))
        .collect();
    let years = super::years(s.archive)
        .into_iter()
        .map(|y| YearLink {
            year: y,
            url: s.urls.path(&rel::year(y)),
            count: s
                .archive
                .episodes
                .iter()
                .filter(|e| e.date.year() == y)
                .count(),
        })
        .collect();
    let rel_url = rel::year(year);
    let view = YearView {
        year,
        url: s.urls.path(&rel_url),
        total: mine.len(),
        episodes: mine,
        years,
    };
    let mut meta = PageMeta::new(ctx, "year", "episodes", Some(year.to_string()), &rel_url);
    meta.description = Some(Summary::Text(format!(
        "Transcripts of the {} episode{} of {year}.",
        view.total,
        if view.total == 1 { "" } else { "s" }
    )));
    page("year.html", meta, "year", view, &rel_url)
}
