//! Rendering: archive + theme + settings → every page of the site, written to a sink.
//!
//! Site-wide data (`site`, the base path) goes once into the Tera global context;
//! each page's context holds only that page's view. Pages render in parallel (rayon),
//! each written (and minified) as soon as it is rendered, so the whole site is never
//! held in memory. Markdown is rendered inside the per-episode task.
//!
//! Every output is fingerprinted from the view it is rendered from (see `pages`), so
//! under [`Plan::Changed`] only the files whose view moved are rendered at all.

pub mod brand;
mod browse;
mod derived;
mod feeds;
mod filters;
mod jsonld;
mod lazy;
mod lists;
mod minify;
mod pages;
mod stats;
mod transcript;
pub mod views;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{ColorScheme, LoadedConfig};
use crate::diag::Diagnostic;
use crate::model::{Archive, EpisodeId, PersonId, PodcastId, TermRef, TopicId};
use crate::site::manifest::{Plan, fingerprint, of_bytes};
use crate::site::urls::SiteUrls;
use crate::theme::{self, Theme};
use brand::BrandView;
pub use derived::Memo;
use views::{EpisodeItems, PodcastLink, Shared, TaxonomyLink};

/// Global-context key of the UI strings (`{{ ui.episodes }}`), see `theme::I18N_FILE`.
pub const STRINGS_VAR: &str = "ui";

pub use crate::site::OutputSink;

/// How to render, beyond what book.toml says.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Minify HTML pages (needs the `minify` cargo feature; ignored without it).
    pub minify: bool,
    /// `--site-url`, replacing `[output.html] site-url`.
    pub site_url_override: Option<String>,
    /// URL of the live-reload script; only `serve` sets it, so built sites carry none.
    pub live_reload: Option<String>,
}

/// What a render wrote.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Files written (pages, feeds, assets, robots.txt, …).
    pub files: usize,
    /// HTML pages among them.
    pub pages: usize,
    /// Total bytes written.
    pub bytes: u64,
    /// Of those, the theme's assets and the small fixed files (robots.txt, CNAME,
    /// `additional-css`/`-js`): files and bytes.
    pub assets: (usize, u64),
    /// The paths of those files, written or not (a build that keeps some from the
    /// previous one counts them as assets too).
    pub asset_paths: Vec<String>,
    /// Whether HTML was minified.
    pub minified: bool,
    /// Warnings about settings that limit the output (e.g. no absolute site URL).
    pub diagnostics: Vec<Diagnostic>,
    /// Every file of the render (written or not) with its fingerprint, when the plan
    /// records them.
    pub entries: Vec<(String, u64)>,
    /// Wall time of its parts: `shared` (the views every page shares), `pages` (every
    /// output's view fingerprinted, and rendered when the plan wants it), `files`
    /// (assets and small files).
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

/// How many files [`render_site`] writes for `archive` (for a progress bar's length),
/// not counting theme assets and the small fixed files.
pub fn page_count(archive: &Archive) -> u64 {
    // A page and a feed per show.
    let podcasts = if archive.podcasts.len() > 1 {
        2 * archive.podcasts.len()
    } else {
        0
    };
    // An index per taxonomy, a page per term, a feed per term where asked.
    let taxonomies: usize = archive
        .taxonomies
        .iter()
        .map(|t| 1 + t.terms.len() * if t.feed { 2 } else { 1 })
        .sum();
    // home, episodes, guests, hosts, topics, 404, search, feed, sitemap
    (9 + archive.episodes.len()
        + archive.people.len()
        + archive.topics.len()
        + podcasts
        + taxonomies
        + years(archive).len()) as u64
}

/// The years that have episodes, newest first: one `episodes/<year>/` page each.
pub fn years(archive: &Archive) -> Vec<i16> {
    let mut years: Vec<i16> = archive.episodes.iter().map(|e| e.date.year()).collect();
    // Episodes are newest first, so equal years are adjacent.
    years.dedup();
    years
}

/// The site's URLs: `[output.html] site-url` (or `site_url_override`) and `cname`.
pub fn site_urls(cfg: &LoadedConfig, site_url_override: Option<&str>) -> SiteUrls {
    let html_cfg = &cfg.config.output.html;
    let site_url = site_url_override.unwrap_or(&html_cfg.site_url);
    SiteUrls::new(site_url, html_cfg.cname.as_deref())
}

/// Renders the whole site through `sink`, calling `progress(1)` per file written.
pub fn render_site(
    archive: &Archive,
    cfg: &LoadedConfig,
    theme: &Theme,
    opts: &RenderOptions,
    sink: &dyn OutputSink,
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<RenderReport> {
    render(
        archive,
        cfg,
        theme,
        opts,
        sink,
        progress,
        Plan::Once,
        &Memo::default(),
    )
}

/// Renders the site through `sink`: every file, or under [`Plan::Changed`] only
/// those whose fingerprint moved. `memo` carries derived data between builds.
#[allow(clippy::too_many_arguments)]
pub fn render(
    archive: &Archive,
    cfg: &LoadedConfig,
    theme: &Theme,
    opts: &RenderOptions,
    sink: &dyn OutputSink,
    progress: &(dyn Fn(u64) + Sync),
    plan: Plan<'_>,
    memo: &Memo,
) -> anyhow::Result<RenderReport> {
    let mut lap = std::time::Instant::now();
    let mut stages = Vec::new();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = std::time::Instant::now();
    };
    let html_cfg = &cfg.config.output.html;
    let urls = site_urls(cfg, opts.site_url_override.as_deref());
    let mut diagnostics = Vec::new();
    if urls.origin().is_none() {
        diagnostics.push(Diagnostic::warning(
            crate::config::CONFIG_FILE,
            "`output.html.site-url` has no host, so feed.xml and sitemap.xml use root-relative \
             URLs; set it to the site's full address (or set `cname`)",
        ));
    }
    let brand = brand::view(&cfg.config.brand, &urls, &mut diagnostics);
    let extras = Extras::read(cfg)?;
    let language = SiteView::language_of(cfg);
    let mut shared = Shared::with_memo(archive, &urls, language, memo);
    shared.exports = cfg.config.output.exports.files();
    let (strings, unknown) = theme.strings(language, &html_cfg.strings);
    diagnostics.extend(
        unknown
            .into_iter()
            .map(|m| Diagnostic::warning(crate::config::CONFIG_FILE, m)),
    );
    let items = EpisodeItems::with_dates(&shared, &views::DateStyle::from_strings(&strings));

    let mut tera = theme.tera.clone();
    let site = SiteView::new(cfg, &urls, &shared, brand, &extras, opts);
    let minify = opts.minify && minify::AVAILABLE;
    // What every template sees besides its own view: part of every fingerprint.
    let globals = if plan.records() {
        fingerprint(&(
            &site,
            &strings,
            &urls,
            minify,
            theme.identity(),
            &shared.exports,
        ))
    } else {
        0
    };
    let globals_ctx = tera.global_context();
    globals_ctx.insert("site", &site);
    globals_ctx.insert(STRINGS_VAR, &strings);
    globals_ctx.insert(theme::BASE_PATH_VAR, urls.base());
    globals_ctx.insert(theme::ORIGIN_VAR, &urls.origin());

    let out = Emitter {
        sink,
        progress,
        minify,
        memo: minify::Memo::default(),
        files: AtomicUsize::new(0),
        pages: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
    };
    let ctx = pages::PageCtx {
        shared: &shared,
        items: &items,
        site: &site,
        tera: &tera,
        theme,
        out: &out,
        plan,
        globals,
    };
    stage("shared");
    let all = jobs(archive, html_cfg.search.enable);
    let mut entries: Vec<(String, u64)> = all
        .par_iter()
        .map(|job| pages::run(&ctx, *job))
        .filter_map(Result::transpose)
        .collect::<anyhow::Result<_>>()?;
    stage("pages");

    let before = (
        out.files.load(Ordering::Relaxed),
        out.bytes.load(Ordering::Relaxed),
    );
    // Small files, in the order a whole build writes them (a later one wins a path).
    let mut fixed: Vec<(String, Vec<u8>)> = theme
        .assets
        .iter()
        .map(|a| (a.path.clone(), a.bytes.to_vec()))
        .collect();
    fixed.push((".nojekyll".to_owned(), Vec::new()));
    fixed.push(("robots.txt".to_owned(), feeds::robots(&urls).into_bytes()));
    fixed.extend(extras.files.iter().cloned());
    if let Some(cname) = &html_cfg.cname {
        fixed.push(("CNAME".to_owned(), format!("{cname}\n").into_bytes()));
    }
    let asset_paths: Vec<String> = fixed.iter().map(|(rel, _)| rel.clone()).collect();
    for (rel, bytes) in fixed {
        let fp = if plan.records() { of_bytes(&bytes) } else { 0 };
        if plan.wants(&rel, fp) {
            out.file(&rel, &bytes)?;
        }
        if plan.records() {
            entries.push((rel, fp));
        }
    }
    let assets = (
        out.files.load(Ordering::Relaxed) - before.0,
        out.bytes.load(Ordering::Relaxed) - before.1,
    );
    if !plan.records() {
        entries.clear();
    }
    drop(items);
    memo.keep_vals(shared.vals.into_used());
    stage("files");
    Ok(RenderReport {
        files: out.files.load(Ordering::Relaxed),
        pages: out.pages.load(Ordering::Relaxed),
        bytes: out.bytes.load(Ordering::Relaxed),
        assets,
        asset_paths,
        minified: out.minify,
        diagnostics,
        entries,
        stages,
    })
}

/// One output file to render: a page, the feed or the sitemap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// `episodes/<slug>/index.html`.
    Episode(EpisodeId),
    /// `people/<slug>/index.html`.
    Person(PersonId),
    /// `topics/<slug>/index.html`.
    Topic(TopicId),
    /// `podcasts/<slug>/index.html` (only with several shows).
    Podcast(PodcastId),
    /// `podcasts/<slug>/feed.xml`, a show's own feed (only with several shows).
    PodcastFeed(PodcastId),
    /// `index.html`.
    Home,
    /// `episodes/index.html`.
    Episodes,
    /// `guests/index.html`.
    Guests,
    /// `hosts/index.html`.
    Hosts,
    /// `topics/index.html`.
    Topics,
    /// `404.html`.
    NotFound,
    /// `search/index.html`.
    Search,
    /// `feed.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
    /// `<taxonomy>/index.html`: a taxonomy's terms, by index in `Archive::taxonomies`.
    Taxonomy(u32),
    /// `<taxonomy>/<term>/index.html`.
    Term(TermRef),
    /// `<taxonomy>/<term>/feed.xml` (taxonomies with `feed = true`).
    TermFeed(TermRef),
    /// `episodes/<year>/index.html`.
    Year(i16),
}

/// Every term of every taxonomy.
fn term_refs(archive: &Archive) -> impl Iterator<Item = TermRef> + '_ {
    archive.taxonomies.iter().enumerate().flat_map(|(ti, t)| {
        (0..t.terms.len()).map(move |i| TermRef {
            taxonomy: crate::diag::to_u32(ti),
            term: crate::diag::to_u32(i),
        })
    })
}

/// Every job of a site, heaviest first, so the parallel loop does not end waiting on
/// one big page. `search` adds the search page.
pub fn jobs(archive: &Archive, search: bool) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::with_capacity(page_count(archive) as usize);
    jobs.extend([Job::Sitemap, Job::Feed, Job::Topics, Job::Episodes]);
    jobs.extend(archive.episodes.iter().map(|e| Job::Episode(e.id)));
    jobs.extend(archive.people.iter().map(|p| Job::Person(p.id)));
    jobs.extend(archive.topics.iter().map(|t| Job::Topic(t.id)));
    if archive.podcasts.len() > 1 {
        jobs.extend(archive.podcasts.iter().map(|p| Job::Podcast(p.id)));
        jobs.extend(archive.podcasts.iter().map(|p| Job::PodcastFeed(p.id)));
    }
    jobs.extend((0..archive.taxonomies.len()).map(|i| Job::Taxonomy(crate::diag::to_u32(i))));
    jobs.extend(term_refs(archive).map(Job::Term));
    jobs.extend(
        term_refs(archive)
            .filter(|r| archive.taxonomies[r.taxonomy as usize].feed)
            .map(Job::TermFeed),
    );
    jobs.extend(years(archive).into_iter().map(Job::Year));
    jobs.extend([Job::Home, Job::Guests, Job::Hosts, Job::NotFound]);
    if search {
        jobs.push(Job::Search);
    }
    jobs
}

/// Writes files through the sink, minifying HTML and counting.
struct Emitter<'a> {
    sink: &'a dyn OutputSink,
    progress: &'a (dyn Fn(u64) + Sync),
    minify: bool,
    /// Minified site-wide fragments (header, footer…), shared by every page.
    memo: minify::Memo,
    files: AtomicUsize,
    pages: AtomicUsize,
    bytes: AtomicU64,
}

impl Emitter<'_> {
    fn page(&self, rel: &str, html: String) -> anyhow::Result<()> {
        let bytes = minify::page(html, self.minify, &self.memo);
        self.pages.fetch_add(1, Ordering::Relaxed);
        self.file(rel, &bytes)
    }

    fn file(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.sink.write(rel, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        (self.progress)(1);
        Ok(())
    }
}

/// Site-wide values every template sees as `site`.
#[derive(Serialize, Hash)]
struct SiteView<'a> {
    title: String,
    description: Option<&'a str>,
    language: &'a str,
    authors: &'a [String],
    base_path: &'a str,
    origin: Option<&'a str>,
    color_scheme: &'static str,
    brand: BrandView,
    /// `[output.html] additional-css`, as URLs with a content hash.
    extra_css: Vec<String>,
    /// `[output.html] additional-js`, as URLs with a content hash.
    extra_js: Vec<String>,
    multi_show: bool,
    podcasts: &'a [PodcastLink<'a>],
    /// Every taxonomy (`name`, `title`, `singular`, `url`, `count`), for navigation.
    taxonomies: &'a [TaxonomyLink<'a>],
    urls: NavUrls,
    counts: Counts,
    live_reload: Option<&'a str>,
    generator: &'static str,
}

#[derive(Serialize, Hash)]
struct NavUrls {
    home: String,
    episodes: String,
    guests: String,
    hosts: String,
    topics: String,
    /// Empty when `[output.html.search] enable = false`.
    search: String,
    feed: String,
    feed_absolute: String,
}

#[derive(Serialize, Hash)]
struct Counts {
    episodes: usize,
    podcasts: usize,
    guests: usize,
    hosts: usize,
    people: usize,
    topics: usize,
    chapters: usize,
}

impl<'a> SiteView<'a> {
    /// `[book] language`, `en` when empty.
    fn language_of(cfg: &LoadedConfig) -> &str {
        let lang = cfg.config.book.language.trim();
        if lang.is_empty() { "en" } else { lang }
    }

    fn new(
        cfg: &'a LoadedConfig,
        urls: &'a SiteUrls,
        shared: &'a Shared<'a>,
        brand: BrandView,
        extras: &Extras,
        opts: &'a RenderOptions,
    ) -> Self {
        let a = shared.archive;
        let book = &cfg.config.book;
        SiteView {
            title: cfg.title(),
            description: book.description.as_deref(),
            language: Self::language_of(cfg),
            authors: &book.authors,
            base_path: urls.base(),
            origin: urls.origin(),
            color_scheme: match cfg.config.output.html.default_theme {
                ColorScheme::Light => "light",
                ColorScheme::Dark => "dark",
                ColorScheme::Auto => "auto",
            },
            brand,
            extra_css: extras.urls(urls, &cfg.config.output.html.additional_css),
            extra_js: extras.urls(urls, &cfg.config.output.html.additional_js),
            multi_show: a.podcasts.len() > 1,
            podcasts: &shared.podcasts,
            taxonomies: &shared.taxonomies,
            urls: NavUrls {
                home: urls.path(""),
                episodes: urls.path("episodes/"),
                guests: urls.path("guests/"),
                hosts: urls.path("hosts/"),
                topics: urls.path("topics/"),
                search: if cfg.config.output.html.search.enable {
                    urls.path("search/")
                } else {
                    String::new()
                },
                feed: urls.path("feed.xml"),
                feed_absolute: urls.absolute_or_path("feed.xml"),
            },
            counts: Counts {
                episodes: a.episodes.len(),
                podcasts: a.podcasts.len(),
                guests: a.people.iter().filter(|p| p.is_guest()).count(),
                hosts: a.people.iter().filter(|p| p.is_host()).count(),
                people: a.people.len(),
                topics: a.topics.len(),
                chapters: a.chapter_count(),
            },
            live_reload: opts.live_reload.as_deref(),
            generator: concat!("castbook ", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// `[output.html] additional-css` and `additional-js`: read once per render, written
/// at the same relative path in the output.
struct Extras {
    /// Output path (`/`-separated) → contents, in book.toml's order (CSS, then JS).
    files: Vec<(String, Vec<u8>)>,
}

impl Extras {
    fn read(cfg: &LoadedConfig) -> anyhow::Result<Extras> {
        let html = &cfg.config.output.html;
        let mut files = Vec::new();
        for (key, paths) in [
            ("additional-css", &html.additional_css),
            ("additional-js", &html.additional_js),
        ] {
            for p in paths {
                let path = cfg.root.join(p);
                let bytes = std::fs::read(&path).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: `output.html.{key}` lists `{}`, which cannot be read ({e}); \
                         fix the path (relative to the site root) or remove it",
                        crate::config::CONFIG_FILE,
                        p.display()
                    )
                })?;
                files.push((rel_path(p), bytes));
            }
        }
        Ok(Extras { files })
    }

    /// URLs of `paths`, each with a content hash so browsers refetch an edited file.
    fn urls(&self, urls: &SiteUrls, paths: &[std::path::PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                let rel = rel_path(p);
                let hash = self
                    .files
                    .iter()
                    .find(|(r, _)| *r == rel)
                    .map(|(_, b)| theme::content_hash(b))
                    .unwrap_or_default();
                format!("{}?v={hash}", urls.path(&rel))
            })
            .collect()
    }
}

/// `a/b.css` from a relative path (config validation keeps it inside the root).
fn rel_path(p: &std::path::Path) -> String {
    p.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
