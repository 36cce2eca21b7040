//! One render per job: build the page's view, render its template, emit the file.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Tera, Value};

use super::stats::StatView;
use super::views::{EpisodeItems, PodcastLink, Shared, TermGroup};
use super::{Emitter, Job, browse, feeds, jsonld, lists, transcript};
use crate::markdown;
use crate::model::{EpisodeId, PersonId, TopicId};
use crate::site::urls::rel;
use crate::theme::Theme;

/// How many words of a chapter's first turn a topic page shows.
const EXCERPT_WORDS: usize = 30;
/// How many related episodes an episode page lists.
const RELATED_MAX: usize = 6;

/// Everything a page render reads, shared by all rayon tasks.
pub(super) struct PageCtx<'s> {
    pub shared: &'s Shared<'s>,
    pub items: &'s EpisodeItems<'s>,
    pub site: &'s super::SiteView<'s>,
    pub tera: &'s Tera,
    pub theme: &'s Theme,
    pub out: &'s Emitter<'s>,
}

/// What every page template sees as `page`.
#[derive(Serialize)]
pub(super) struct PageMeta {
    /// `home`, `episodes`, `episode`, `guests`, `hosts`, `person`, `topics`, `topic`,
    /// `podcast`, `taxonomy`, `term`, `year`, `search` or `404`.
    pub kind: &'static str,
    /// Nav section to mark current: `episodes`, `guests`, `hosts`, `topics` or empty.
    pub section: &'static str,
    /// Page title without the site title (none on the home page).
    pub title: Option<String>,
    /// URL path of the page.
    pub url: String,
    /// Absolute URL, when the site's address is known.
    pub canonical: Option<String>,
    /// Plain-text summary for `<meta name="description">`.
    pub description: Option<String>,
    /// OpenGraph `og:type`: `article` for episodes, `profile` for people, else `website`.
    pub og_type: &'static str,
    /// Absolute audio URL for `og:audio`, on episodes with audio.
    pub audio: Option<String>,
    /// schema.org JSON-LD, already escaped for a `<script>` element (see `jsonld.rs`).
    pub json_ld: Option<String>,
}

impl PageMeta {
    pub(super) fn new(
        ctx: &PageCtx<'_>,
        kind: &'static str,
        section: &'static str,
        title: Option<String>,
        rel_url: &str,
    ) -> Self {
        PageMeta {
            kind,
            section,
            title,
            url: ctx.shared.urls.path(rel_url),
            // Root-relative when the site's address is unknown (the build warns then):
            // still one URL per page, which is what a canonical link is for.
            canonical: Some(ctx.shared.urls.absolute_or_path(rel_url)),
            description: None,
            og_type: match kind {
                "episode" => "article",
                "person" => "profile",
                _ => "website",
            },
            audio: None,
            json_ld: None,
        }
    }
}

/// Renders one job and writes its file.
pub(super) fn render(ctx: &PageCtx<'_>, job: Job) -> anyhow::Result<()> {
    match job {
        Job::Episode(id) => episode(ctx, id),
        Job::Person(id) => person(ctx, id),
        Job::Topic(id) => topic(ctx, id),
        Job::Podcast(id) => lists::podcast(ctx, id),
        Job::Home => lists::home(ctx),
        Job::Episodes => lists::episodes(ctx),
        Job::Guests => lists::people(ctx, true),
        Job::Hosts => lists::people(ctx, false),
        Job::Topics => lists::topics(ctx),
        Job::NotFound => not_found(ctx),
        Job::Search => search(ctx),
        Job::Feed => feeds::feed(ctx),
        Job::PodcastFeed(id) => feeds::podcast_feed_file(ctx, id),
        Job::Sitemap => feeds::sitemap(ctx),
        Job::Taxonomy(i) => browse::taxonomy(ctx, i),
        Job::Term(r) => browse::term(ctx, r),
        Job::TermFeed(r) => feeds::term_feed(ctx, r),
        Job::Year(y) => browse::year(ctx, y),
    }
}

impl PageCtx<'_> {
    /// Renders `template` with `page` plus one named view and writes it as HTML.
    pub(super) fn page<T: Serialize>(
        &self,
        template: &str,
        meta: &PageMeta,
        key: &'static str,
        view: &T,
        rel_url: &str,
    ) -> anyhow::Result<()> {
        let mut context = Context::new();
        context.insert("page", meta);
        context.insert(key, view);
        let html = self.render_template(template, &context)?;
        self.out.page(&rel::file_of(rel_url), html)
    }

    /// Renders a template to a string, errors naming the template file and line.
    pub(super) fn render_template(&self, template: &str, ctx: &Context) -> anyhow::Result<String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| self.theme.describe_error(&e))
    }
}

/// `episode` in `episode.html`.
#[derive(Serialize)]
struct EpisodeView<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a str,
    date_display: &'a str,
    year: i16,
    duration: Option<&'a str>,
    duration_iso: Option<&'a str>,
    podcast: &'a PodcastLink<'a>,
    guests: Vec<&'a Value>,
    hosts: Vec<&'a Value>,
    description_html: Option<Value>,
    chapters: Vec<ChapterView<'a>>,
    topics: Vec<&'a Value>,
    prev: Option<&'a Value>,
    next: Option<&'a Value>,
    related: Vec<&'a Value>,
    /// The player's source, resolved against the site (see `SiteUrls::resource`).
    audio_url: Option<String>,
    /// Talk time, share, words and turns per speaker, longest first.
    speakers: Vec<StatView<'a>>,
    extra: &'a BTreeMap<String, serde_json::Value>,
    /// Its terms, by taxonomy.
    terms: Vec<TermGroup<'a>>,
}

#[derive(Serialize)]
struct ChapterView<'a> {
    title: &'a str,
    slug: &'a str,
    start: String,
    seconds: u32,
    implicit: bool,
    topic: Option<&'a Value>,
    /// More episodes on this chapter's topic than this one.
    topic_others: usize,
    /// The turns, pre-rendered (see `transcript.rs`).
    html: Value,
    /// Structured turns, only for themes that ask for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    turns: Option<Vec<TurnView<'a>>>,
}

#[derive(Serialize)]
struct TurnView<'a> {
    anchor: &'a str,
    speaker: &'a str,
    person: Option<&'a Value>,
    start: String,
    seconds: u32,
    html: Value,
}

fn episode(ctx: &PageCtx<'_>, id: EpisodeId) -> anyhow::Result<()> {
    let s = ctx.shared;
    let e = s.archive.episode(id);
    let Some(item) = ctx.items.get(id) else {
        return Ok(());
    };
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
        .map(|c| {
            let mut html = String::with_capacity(transcript::size_hint(c));
            transcript::push_turns(&mut html, c, s);
            ChapterView {
                title: &c.title,
                slug: &c.slug,
                start: c.start.to_string(),
                seconds: c.start.seconds(),
                implicit: c.implicit,
                topic: c.topic.and_then(|t| s.topic_value(t)),
                topic_others: c
                    .topic
                    .and_then(|t| s.topic(t))
                    .map_or(0, |t| t.count.saturating_sub(1)),
                html: Value::safe_string(&html),
                turns: with_turns.then(|| turn_views(ctx, c)),
            }
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
        description_html: e
            .description
            .as_deref()
            .map(|d| Value::safe_string(&markdown::to_html(d, "desc"))),
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
        extra: &e.extra,
        terms: s.term_groups(&e.terms),
    };
    let rel_url = rel::episode(&e.slug);
    let mut meta = PageMeta::new(ctx, "episode", "episodes", Some(e.title.clone()), &rel_url);
    meta.description = e.description.as_deref().map(|d| markdown::excerpt(d, 40));
    meta.audio = e
        .audio_url
        .as_deref()
        .and_then(|u| s.urls.resource_absolute(u));
    meta.json_ld = Some(jsonld::episode(s.archive, e, s.urls));
    ctx.page("episode.html", &meta, "episode", &view, &rel_url)
}

/// The speaker statistics of an episode, as shown on its page.
fn speaker_views<'a>(ctx: &PageCtx<'a>, id: EpisodeId) -> Vec<StatView<'a>> {
    let s = ctx.shared;
    let Some(stats) = s.stats.get(id.index()) else {
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
        let Some(stats) = s.stats.get(e.index()) else {
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

fn turn_views<'a>(ctx: &PageCtx<'a>, c: &'a crate::model::Chapter) -> Vec<TurnView<'a>> {
    c.turns
        .iter()
        .map(|t| TurnView {
            anchor: &t.anchor,
            speaker: &t.speaker_label,
            person: t.person.and_then(|p| ctx.shared.person_value(p)),
            start: t.start.to_string(),
            seconds: t.start.seconds(),
            html: Value::safe_string(&markdown::to_html(&t.body, &t.anchor)),
        })
        .collect()
}

/// `person` in `person.html`.
#[derive(Serialize)]
struct PersonView<'a> {
    name: &'a str,
    url: &'a str,
    is_host: bool,
    is_guest: bool,
    facts: Facts<'a>,
    podcasts: Vec<&'a PodcastLink<'a>>,
    hosted: Vec<&'a Value>,
    guested: Vec<Appearance<'a>>,
    /// Talk time, words and turns summed over their episodes.
    totals: Option<StatView<'a>>,
    /// Their terms as a guest, by taxonomy.
    terms: Vec<TermGroup<'a>>,
}

#[derive(Serialize)]
struct Facts<'a> {
    role: Option<&'a str>,
    company: Option<&'a str>,
    company_size: Option<&'a str>,
    career_start: Option<i32>,
    any: bool,
}

/// An episode a guest was on, with the chapters where they speak.
#[derive(Serialize)]
struct Appearance<'a> {
    episode: &'a Value,
    chapters: Vec<ChapterLink<'a>>,
}

#[derive(Serialize)]
struct ChapterLink<'a> {
    title: &'a str,
    url: String,
    start: String,
}

fn person(ctx: &PageCtx<'_>, id: PersonId) -> anyhow::Result<()> {
    let s = ctx.shared;
    let p = s.archive.person(id);
    let Some(link) = s.person(id) else {
        return Ok(());
    };
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
                    url: format!("{}#{}", item.url, c.slug),
                    start: c.start.to_string(),
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
        terms: s.term_groups(&p.terms),
    };
    let rel_url = rel::person(&p.slug);
    let section = if p.is_guest() { "guests" } else { "hosts" };
    let mut meta = PageMeta::new(ctx, "person", section, Some(p.name.clone()), &rel_url);
    meta.description = Some(person_summary(p));
    meta.json_ld = Some(jsonld::person(p, s.urls));
    ctx.page("person.html", &meta, "person", &view, &rel_url)
}

fn person_summary(p: &crate::model::Person) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &p.facts.biggest_role {
        parts.push(r.clone());
    }
    let n = p.hosted.len() + p.guested.len();
    parts.push(format!("{n} episode{}", if n == 1 { "" } else { "s" }));
    format!("{}: {}", p.name, parts.join(", "))
}

/// `topic` in `topic.html`.
#[derive(Serialize)]
struct TopicView<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
    chapters: Vec<TopicChapter<'a>>,
    episodes: Vec<&'a Value>,
}

#[derive(Serialize)]
struct TopicChapter<'a> {
    title: &'a str,
    url: String,
    start: String,
    excerpt: String,
    episode: &'a Value,
}

fn topic(ctx: &PageCtx<'_>, id: TopicId) -> anyhow::Result<()> {
    let s = ctx.shared;
    let t = s.archive.topic(id);
    let Some(item) = s.topic(id) else {
        return Ok(());
    };
    let chapters = t
        .chapters
        .iter()
        .filter_map(|r| {
            let item = ctx.items.get(r.episode)?;
            let episode = ctx.items.value(r.episode)?;
            let c = s
                .archive
                .episode(r.episode)
                .chapters
                .get(r.chapter as usize)?;
            Some(TopicChapter {
                title: &c.title,
                url: format!("{}#{}", item.url, c.slug),
                start: c.start.to_string(),
                excerpt: c
                    .turns
                    .first()
                    .map(|turn| markdown::excerpt(&turn.body, EXCERPT_WORDS))
                    .unwrap_or_default(),
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
    meta.description = Some(format!(
        "Every chapter about “{}” across the archive ({} episode{}).",
        t.name,
        item.count,
        if item.count == 1 { "" } else { "s" }
    ));
    ctx.page("topic.html", &meta, "topic", &view, &rel_url)
}

fn search(ctx: &PageCtx<'_>) -> anyhow::Result<()> {
    let meta = PageMeta::new(
        ctx,
        "search",
        "search",
        Some("Search".to_owned()),
        "search/",
    );
    let mut context = Context::new();
    context.insert("page", &meta);
    let html = ctx.render_template("search.html", &context)?;
    ctx.out.page(&rel::file_of("search/"), html)
}

fn not_found(ctx: &PageCtx<'_>) -> anyhow::Result<()> {
    let mut meta = PageMeta::new(
        ctx,
        "404",
        "",
        Some("Page not found".to_owned()),
        "404.html",
    );
    // A 404 page is served at whatever URL was missed: no canonical for it.
    meta.canonical = None;
    let mut context = Context::new();
    context.insert("page", &meta);
    let html = ctx.render_template("404.html", &context)?;
    ctx.out.page("404.html", html)
}
