//! Index pages: home, all episodes, guests/hosts, topics, and per-show pages.
//! They list shared items (titles, URLs, dates), never page bodies.

use serde::Serialize;

use super::filters::{self, FiltersView};
use super::pages::{Out, PageCtx, PageMeta, PageVars, Summary, page};
use super::views::{LetterGroup, PersonItem, PodcastLink, Shared, TermGroup, Val, by_letter};
use crate::model::{EpisodeId, PodcastId};
use crate::site::urls::rel;

/// Latest episodes on the home page.
const HOME_LATEST: usize = 10;
/// Guests with the most episodes on the home page.
const HOME_GUESTS: usize = 12;
/// Topics with the most episodes on the home page.
const HOME_TOPICS: usize = 30;
/// Terms per taxonomy on the home page.
const HOME_TERMS: usize = 8;

/// `home` in `index.html`.
#[derive(Serialize, Hash)]
pub(super) struct HomeView<'a> {
    podcasts: Vec<PodcastCard<'a>>,
    latest: Vec<&'a Val>,
    top_guests: Vec<PersonItem<'a>>,
    top_topics: Vec<&'a Val>,
    /// Per taxonomy, its terms with the most guests (episodes for episode fields).
    browse: Vec<TermGroup<'a>>,
}

#[derive(Serialize, Hash)]
struct PodcastCard<'a> {
    name: &'a str,
    url: Option<&'a str>,
    episode_count: usize,
    hosts: Vec<&'a Val>,
    latest: Option<&'a Val>,
}

fn card<'a>(ctx: &PageCtx<'a>, id: PodcastId) -> PodcastCard<'a> {
    let s = ctx.shared;
    let p = s.archive.podcast(id);
    let link: &PodcastLink<'_> = &s.podcasts[id.index()];
    PodcastCard {
        name: link.name,
        url: link.url.as_deref(),
        episode_count: link.episode_count,
        hosts: p.hosts.iter().filter_map(|h| s.person_value(*h)).collect(),
        latest: p.episodes.first().and_then(|e| ctx.items.value(*e)),
    }
}

pub(super) fn home<'a>(ctx: &PageCtx<'a>) -> Out<PageVars<'a, HomeView<'a>>> {
    let s = ctx.shared;
    let mut guests: Vec<_> = s.archive.people.iter().filter(|p| p.is_guest()).collect();
    guests.sort_by(|a, b| {
        b.guested
            .len()
            .cmp(&a.guested.len())
            .then_with(|| s.collation.cmp(&a.name, &b.name))
    });
    let mut topics: Vec<usize> = (0..s.topics.len()).collect();
    topics.sort_by(|&a, &b| {
        let (a, b) = (&s.topics[a], &s.topics[b]);
        b.count
            .cmp(&a.count)
            .then_with(|| s.collation.cmp(a.name, b.name))
    });
    topics.truncate(HOME_TOPICS);
    let view = HomeView {
        podcasts: s.archive.podcasts.iter().map(|p| card(ctx, p.id)).collect(),
        latest: ctx.items.values.iter().take(HOME_LATEST).collect(),
        top_guests: guests
            .into_iter()
            .take(HOME_GUESTS)
            .map(|p| person_item(ctx, p, p.guested.len()))
            .collect(),
        top_topics: topics.into_iter().map(|i| &s.topic_values[i]).collect(),
        browse: browse_blocks(s),
    };
    let mut meta = PageMeta::new(ctx, "home", "", None, "");
    meta.description = Some(Summary::Text(format!(
        "Transcripts of {} episode{}, searchable by guest and topic.",
        s.archive.episodes.len(),
        if s.archive.episodes.len() == 1 {
            ""
        } else {
            "s"
        }
    )));
    page("index.html", meta, "home", view, "")
}

/// Each taxonomy with its `HOME_TERMS` biggest terms, biggest first.
fn browse_blocks<'a>(s: &'a Shared<'a>) -> Vec<TermGroup<'a>> {
    s.archive
        .taxonomies
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let items = s.terms.get(i)?;
            let values = s.term_values.get(i)?;
            let size = |j: usize| {
                items.get(j).map_or(0, |item| {
                    if t.per_guest {
                        item.guest_count
                    } else {
                        item.episode_count
                    }
                })
            };
            let mut order: Vec<usize> = (0..values.len()).collect();
            // Stable: equal sizes keep the taxonomy's own order.
            order.sort_by_key(|&j| std::cmp::Reverse(size(j)));
            order.truncate(HOME_TERMS);
            Some(TermGroup {
                taxonomy: s.taxonomy_values.get(i)?,
                terms: order.into_iter().filter_map(|j| values.get(j)).collect(),
            })
        })
        .filter(|g| !g.terms.is_empty())
        .collect()
}

/// The list item of a person; `count` is what the list counts (episodes hosted,
/// guested, or carrying a term).
pub(super) fn person_item<'a>(
    ctx: &PageCtx<'a>,
    p: &'a crate::model::Person,
    count: usize,
) -> PersonItem<'a> {
    PersonItem {
        name: &p.name,
        url: ctx
            .shared
            .person(p.id)
            .map(|l| l.url.clone())
            .unwrap_or_default(),
        count,
        role: p.facts.biggest_role.as_deref(),
        company: p.facts.current_company.as_deref(),
        initials: super::views::initials(&p.name),
    }
}

/// `episodes` in `episodes.html`.
#[derive(Serialize, Hash)]
pub(super) struct EpisodesView<'a> {
    total: usize,
    years: Vec<YearGroup<'a>>,
    /// Facet filters over the rows, in page order.
    filters: FiltersView,
}

#[derive(Serialize, Hash)]
struct YearGroup<'a> {
    year: i16,
    id: String,
    /// The year's own page, `episodes/<year>/`.
    url: String,
    episodes: Vec<&'a Val>,
}

/// Groups episodes (newest first) by year, keeping their order.
fn by_year<'a>(ctx: &PageCtx<'a>, ids: impl Iterator<Item = EpisodeId>) -> Vec<YearGroup<'a>> {
    let mut years: Vec<YearGroup<'a>> = Vec::new();
    for id in ids {
        let (Some(item), Some(value)) = (ctx.items.get(id), ctx.items.value(id)) else {
            continue;
        };
        match years.last_mut() {
            Some(g) if g.year == item.year => g.episodes.push(value),
            _ => years.push(YearGroup {
                year: item.year,
                id: format!("year-{}", item.year),
                url: ctx.shared.urls.path(&rel::year(item.year)),
                episodes: vec![value],
            }),
        }
    }
    years
}

pub(super) fn episodes<'a>(ctx: &PageCtx<'a>) -> Out<PageVars<'a, EpisodesView<'a>>> {
    let episodes = &ctx.shared.archive.episodes;
    let view = EpisodesView {
        total: ctx.items.items.len(),
        years: by_year(ctx, episodes.iter().map(|e| e.id)),
        // `by_year` keeps the archive's order, so rows are in page order.
        filters: filters::for_episodes(ctx.shared, episodes.iter()),
    };
    let meta = PageMeta::new(
        ctx,
        "episodes",
        "episodes",
        Some("All episodes".into()),
        "episodes/",
    );
    page("episodes.html", meta, "episodes", view, "episodes/")
}

/// `people` in `people.html` (guests or hosts).
#[derive(Serialize, Hash)]
pub(super) struct PeopleView<'a> {
    /// `guests` or `hosts`.
    kind: &'static str,
    heading: &'static str,
    total: usize,
    groups: Vec<LetterGroup<PersonItem<'a>>>,
    /// Facet filters over the rows in page order (guests only).
    filters: Option<FiltersView>,
}

pub(super) fn people<'a>(ctx: &PageCtx<'a>, guests: bool) -> Out<PageVars<'a, PeopleView<'a>>> {
    let s = ctx.shared;
    let listed = s
        .archive
        .people
        .iter()
        .filter(|p| if guests { p.is_guest() } else { p.is_host() });
    let by_id = by_letter(listed.map(|p| (p.name.clone(), p)), &s.collation);
    let filters = guests.then(|| {
        let rows = by_id.iter().flat_map(|g| g.items.iter().copied());
        filters::for_guests(s, rows)
    });
    let groups: Vec<LetterGroup<PersonItem<'_>>> = by_id
        .into_iter()
        .map(|g| LetterGroup {
            letter: g.letter,
            id: g.id,
            items: g
                .items
                .into_iter()
                .map(|p| {
                    let count = if guests {
                        p.guested.len()
                    } else {
                        p.hosted.len()
                    };
                    person_item(ctx, p, count)
                })
                .collect(),
        })
        .collect();
    let (kind, heading, rel_url) = if guests {
        ("guests", "Guests", "guests/")
    } else {
        ("hosts", "Hosts", "hosts/")
    };
    let view = PeopleView {
        kind,
        heading,
        total: groups.iter().map(|g| g.items.len()).sum(),
        groups,
        filters,
    };
    let meta = PageMeta::new(ctx, kind, kind, Some(heading.to_owned()), rel_url);
    page("people.html", meta, "people", view, rel_url)
}

/// `topics` in `topics.html`.
#[derive(Serialize, Hash)]
pub(super) struct TopicsView<'a> {
    total: usize,
    groups: Vec<LetterGroup<&'a Val>>,
}

pub(super) fn topics<'a>(ctx: &PageCtx<'a>) -> Out<PageVars<'a, TopicsView<'a>>> {
    let s = ctx.shared;
    let groups = by_letter(
        s.topics
            .iter()
            .zip(&s.topic_values)
            .map(|(t, v)| (t.name.to_owned(), v)),
        &s.collation,
    );
    let view = TopicsView {
        total: s.topics.len(),
        groups,
    };
    let meta = PageMeta::new(ctx, "topics", "topics", Some("Topics".into()), "topics/");
    page("topics.html", meta, "topics", view, "topics/")
}

/// `podcast` in `podcast.html`.
#[derive(Serialize, Hash)]
pub(super) struct PodcastView<'a> {
    name: &'a str,
    url: Option<&'a str>,
    episode_count: usize,
    hosts: Vec<&'a Val>,
    latest: Option<&'a Val>,
    years: Vec<YearGroup<'a>>,
}

pub(super) fn podcast<'a>(ctx: &PageCtx<'a>, id: PodcastId) -> Out<PageVars<'a, PodcastView<'a>>> {
    let s = ctx.shared;
    let p = s.archive.podcast(id);
    let card = card(ctx, id);
    let view = PodcastView {
        name: card.name,
        url: card.url,
        episode_count: card.episode_count,
        hosts: card.hosts,
        latest: card.latest,
        years: by_year(ctx, p.episodes.iter().copied()),
    };
    let rel_url = rel::podcast(&p.slug);
    let mut meta = PageMeta::new(ctx, "podcast", "", Some(p.name.clone()), &rel_url);
    meta.description = Some(Summary::Text(format!(
        "Transcripts of every episode of {} ({}).",
        p.name,
        p.episodes.len()
    )));
    page("podcast.html", meta, "podcast", view, &rel_url)
}
