//! Person pages: facts, shows, episodes hosted and guested (with the chapters a
//! guest speaks in) and talk totals.

use serde::Serialize;

use super::{Out, PageCtx, PageMeta, PageVars, Summary, page};
use crate::model::{EpisodeId, Person, PersonId};
use crate::render::jsonld::{self, JsonLd};
use crate::render::stats::StatView;
use crate::render::views::{Anchor, PodcastLink, TermGroup, Ts, Val};
use crate::site::urls::rel;

/// `person` in `person.html`.
#[derive(Serialize, Hash)]
pub(super) struct PersonView<'a> {
    name: &'a str,
    url: &'a str,
    is_host: bool,
    is_guest: bool,
    facts: Facts<'a>,
    podcasts: Vec<&'a PodcastLink<'a>>,
    hosted: Vec<&'a Val>,
    guested: Vec<Appearance<'a>>,
    /// Talk time, words and turns summed over their episodes.
    totals: Option<StatView<'a>>,
    /// Their terms as a guest, by taxonomy.
    terms: Vec<TermGroup<'a>>,
}

#[derive(Serialize, Hash)]
struct Facts<'a> {
    role: Option<&'a str>,
    company: Option<&'a str>,
    company_size: Option<&'a str>,
    career_start: Option<i32>,
    any: bool,
}

/// An episode a guest was on, with the chapters where they speak.
#[derive(Serialize, Hash)]
struct Appearance<'a> {
    episode: &'a Val,
    chapters: Vec<ChapterLink<'a>>,
}

#[derive(Serialize, Hash)]
struct ChapterLink<'a> {
    title: &'a str,
    url: Anchor<'a>,
    start: Ts,
}

pub(super) fn out<'a>(
    ctx: &PageCtx<'a>,
    id: PersonId,
) -> Option<Out<PageVars<'a, PersonView<'a>>>> {
    let s = ctx.shared;
    let p = s.archive.person(id);
    let link = s.person(id)?;
    let mut podcasts: Vec<&PodcastLink<'_>> = Vec::new();
    for e in p.hosted.iter().chain(&p.guested) {
        let show = &s.podcasts[s.archive.episode(*e).podcast.index()];
        if !podcasts.iter().any(|x| std::ptr::eq(*x, show)) {
            podcasts.push(show);
        }
    }
    let guested = p
        .guested
        .iter()
        .filter_map(|eid| {
            let item = ctx.items.get(*eid)?;
            let value = ctx.items.value(*eid)?;
            let e = s.archive.episode(*eid);
            let chapters = e
                .chapters
                .iter()
                .filter(|c| c.turns.iter().any(|t| t.person == Some(id)))
                .map(|c| ChapterLink {
                    title: &c.title,
                    url: Anchor {
                        page: &item.url,
                        id: &c.slug,
                    },
                    start: Ts(c.start),
                })
                .collect();
            Some(Appearance {
                episode: value,
                chapters,
            })
        })
        .collect();
    let f = &p.facts;
    let view = PersonView {
        name: &p.name,
        url: &link.url,
        is_host: p.is_host(),
        is_guest: p.is_guest(),
        facts: Facts {
            role: f.biggest_role.as_deref(),
            company: f.current_company.as_deref(),
            company_size: f.company_size.as_deref(),
            career_start: f.career_start,
            any: f.biggest_role.is_some()
                || f.current_company.is_some()
                || f.company_size.is_some()
                || f.career_start.is_some(),
        },
        podcasts,
        hosted: p
            .hosted
            .iter()
            .filter_map(|e| ctx.items.value(*e))
            .collect(),
        guested,
        totals: person_totals(ctx, id),
        terms: ctx.shared.term_groups(&p.terms),
    };
    let rel_url = rel::person(&p.slug);
    let section = if p.is_guest() { "guests" } else { "hosts" };
    let mut meta = PageMeta::new(ctx, "person", section, Some(p.name.clone()), &rel_url);
    meta.description = Some(Summary::Text(person_summary(p)));
    meta.json_ld = Some(JsonLd::Person(jsonld::person(p, s.urls)));
    Some(page("person.html", meta, "person", view, &rel_url))
}

/// A person's talk across every episode they are in: their time against the total
/// time of those episodes. `None` when they never speak.
fn person_totals<'a>(ctx: &PageCtx<'a>, id: PersonId) -> Option<StatView<'a>> {
    let s = ctx.shared;
    let p = s.archive.person(id);
    let link = s.person(id)?;
    let mut episodes: Vec<EpisodeId> = p.hosted.iter().chain(&p.guested).copied().collect();
    episodes.sort_unstable();
    episodes.dedup();
    let (mut ms, mut total, mut words, mut turns, mut count) = (0u64, 0u64, 0u64, 0u32, 0usize);
    for e in &episodes {
        let Some(stats) = s.stats(*e) else {
            continue;
        };
        let mine = stats.speakers.iter().find(|sp| sp.person == Some(id));
        if let Some(sp) = mine {
            ms += sp.ms;
            words += sp.words;
            turns += sp.turns;
            count += 1;
        }
        total += stats.total_ms;
    }
    if count == 0 {
        return None;
    }
    let mut v = StatView::new(link.name, Some(&link.url), ms, total, words);
    v.turn_count = turns;
    v.episodes = count;
    Some(v)
}

fn person_summary(p: &Person) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &p.facts.biggest_role {
        parts.push(r.clone());
    }
    let n = p.hosted.len() + p.guested.len();
    parts.push(format!("{n} episode{}", if n == 1 { "" } else { "s" }));
    format!("{}: {}", p.name, parts.join(", "))
}
