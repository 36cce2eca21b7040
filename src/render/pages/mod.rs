//! One output per job: build its view, fingerprint it, and render its template and
//! write its file when the plan wants it.
//!
//! Every job goes through [`PageCtx::emit`] with an [`Out`]: the file, the template
//! and the values the template is given. The fingerprint is the hash of those values
//! with the template's name, the site-wide values every template sees and the theme
//! ([`super::Globals`]), so a new kind of page needs only its view (deriving `Hash`
//! next to `Serialize`) and its job: nothing else decides when it is rewritten.

mod episode;
mod person;
mod topic;

use std::hash::{Hash, Hasher};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use tera::{Context, Tera};

use super::jsonld::JsonLd;
use super::lazy::{Excerpt, Lazy};
use super::views::{EpisodeItems, Href, Shared};
use super::{Emitter, Job, browse, feeds, lists};
use crate::site::manifest::{Plan, fingerprint};
use crate::site::urls::rel;
use crate::theme::Theme;

/// Everything a page render reads, shared by all rayon tasks.
pub(super) struct PageCtx<'s> {
    pub shared: &'s Shared<'s>,
    pub items: &'s EpisodeItems<'s>,
    pub site: &'s super::SiteView<'s>,
    pub tera: &'s Tera,
    pub theme: &'s Theme,
    pub out: &'s Emitter<'s>,
    /// Which files to write.
    pub plan: Plan<'s>,
    /// Fingerprint of what every page sees besides its own view.
    pub globals: u64,
}

/// What every page template sees as `page`.
#[derive(Serialize, Hash)]
pub(super) struct PageMeta<'a> {
    /// `home`, `episodes`, `episode`, `guests`, `hosts`, `person`, `topics`, `topic`,
    /// `podcast`, `taxonomy`, `term`, `year`, `search` or `404`.
    pub kind: &'static str,
    /// Nav section to mark current: `episodes`, `guests`, `hosts`, `topics` or empty.
    pub section: &'static str,
    /// Page title without the site title (none on the home page).
    pub title: Option<String>,
    /// URL path of the page.
    pub url: Href<'a>,
    /// Absolute URL, when the site's address is known.
    pub canonical: Option<Href<'a>>,
    /// Plain-text summary for `<meta name="description">`.
    pub description: Option<Summary<'a>>,
    /// OpenGraph `og:type`: `article` for episodes, `profile` for people, else `website`.
    pub og_type: &'static str,
    /// Absolute audio URL for `og:audio`, on episodes with audio.
    pub audio: Option<String>,
    /// schema.org JSON-LD, already escaped for a `<script>` element (see `jsonld.rs`).
    pub json_ld: Option<JsonLd<'a>>,
}

/// A page's summary: written out, or the start of some Markdown (made when rendered).
#[derive(Hash)]
pub(super) enum Summary<'a> {
    /// Plain text.
    Text(String),
    /// An excerpt of Markdown source.
    Excerpt(Lazy<Excerpt<'a>>),
}

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Summary::Text(t) => s.serialize_str(t),
            Summary::Excerpt(e) => e.serialize(s),
        }
    }
}

impl<'a> PageMeta<'a> {
    pub(super) fn new(
        ctx: &PageCtx<'a>,
        kind: &'static str,
        section: &'static str,
        title: Option<String>,
        rel_url: &str,
    ) -> Self {
        PageMeta {
            kind,
            section,
            title,
            url: Href {
                urls: ctx.shared.urls,
                rel: rel_url.to_owned(),
                absolute: false,
            },
            // Root-relative when the site's address is unknown (the build warns then):
            // still one URL per page, which is what a canonical link is for.
            canonical: Some(Href {
                urls: ctx.shared.urls,
                rel: rel_url.to_owned(),
                absolute: true,
            }),
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

/// One file a job writes: where, with which template, from which values.
pub(super) struct Out<V> {
    /// Output path, relative to the output root.
    pub rel: String,
    /// Template name.
    pub template: &'static str,
    /// An HTML page (minified, counted as a page) rather than another text file.
    pub html: bool,
    /// The template's top-level variables: a struct or map.
    pub vars: V,
}

/// `page` plus one named view: what a page template is given.
pub(super) struct PageVars<'a, V> {
    pub meta: PageMeta<'a>,
    pub key: &'static str,
    pub view: V,
}

impl<V: Serialize> Serialize for PageVars<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("page", &self.meta)?;
        map.serialize_entry(self.key, &self.view)?;
        map.end()
    }
}

impl<V: Hash> Hash for PageVars<'_, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.meta, self.key, &self.view).hash(state);
    }
}

/// The [`Out`] of an HTML page at `rel_url` (a page URL, `episodes/x/`).
pub(super) fn page<'a, V>(
    template: &'static str,
    meta: PageMeta<'a>,
    key: &'static str,
    view: V,
    rel_url: &str,
) -> Out<PageVars<'a, V>> {
    Out {
        rel: rel::file_of(rel_url),
        template,
        html: true,
        vars: PageVars { meta, key, view },
    }
}

/// Builds the view of one job and emits it; returns its manifest entry.
pub(super) fn run(ctx: &PageCtx<'_>, job: Job) -> anyhow::Result<Option<(String, u64)>> {
    let entry = match job {
        Job::Episode(id) => episode::out(ctx, id).map(|o| ctx.emit(o)),
        Job::Person(id) => person::out(ctx, id).map(|o| ctx.emit(o)),
        Job::Topic(id) => topic::out(ctx, id).map(|o| ctx.emit(o)),
        Job::Podcast(id) => Some(ctx.emit(lists::podcast(ctx, id))),
        Job::Home => Some(ctx.emit(lists::home(ctx))),
        Job::Episodes => Some(ctx.emit(lists::episodes(ctx))),
        Job::Guests => Some(ctx.emit(lists::people(ctx, true))),
        Job::Hosts => Some(ctx.emit(lists::people(ctx, false))),
        Job::Topics => Some(ctx.emit(lists::topics(ctx))),
        Job::NotFound => Some(ctx.emit(not_found(ctx))),
        Job::Search => Some(ctx.emit(search(ctx))),
        Job::Feed => Some(ctx.emit(feeds::feed(ctx))),
        Job::PodcastFeed(id) => Some(ctx.emit(feeds::podcast_feed(ctx, id))),
        Job::Sitemap => Some(ctx.emit(feeds::sitemap(ctx))),
        Job::Taxonomy(i) => browse::taxonomy(ctx, i).map(|o| ctx.emit(o)),
        Job::Term(r) => browse::term(ctx, r).map(|o| ctx.emit(o)),
        Job::TermFeed(r) => feeds::term_feed(ctx, r).map(|o| ctx.emit(o)),
        Job::Year(y) => Some(ctx.emit(browse::year(ctx, y))),
    };
    entry.transpose()
}

impl PageCtx<'_> {
    /// Fingerprints `out` and, when the plan wants its file, renders and writes it.
    /// Returns the file's manifest entry (fingerprint 0 when the plan records none).
    pub(super) fn emit<V: Serialize + Hash>(&self, out: Out<V>) -> anyhow::Result<(String, u64)> {
        let fp = if self.plan.records() {
            fingerprint(&(self.globals, out.template, &out.rel, &out.vars))
        } else {
            0
        };
        if self.plan.wants(&out.rel, fp) {
            let context = Context::from_serialize(&out.vars)
                .map_err(|e| anyhow::anyhow!("internal error: a view of {}: {e}", out.rel))?;
            let text = self.render_template(out.template, &context)?;
            if out.html {
                self.out.page(&out.rel, text)?;
            } else {
                self.out.file(&out.rel, text.as_bytes())?;
            }
        }
        Ok((out.rel, fp))
    }

    /// Renders a template to a string, errors naming the template file and line.
    pub(super) fn render_template(&self, template: &str, ctx: &Context) -> anyhow::Result<String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| self.theme.describe_error(&e))
    }
}

/// `page` alone: the search and 404 pages show only site-wide values.
#[derive(Serialize, Hash)]
pub(super) struct MetaOnly<'a> {
    page: PageMeta<'a>,
}

fn search<'a>(ctx: &PageCtx<'a>) -> Out<MetaOnly<'a>> {
    let meta = PageMeta::new(
        ctx,
        "search",
        "search",
        Some("Search".to_owned()),
        "search/",
    );
    Out {
        rel: rel::file_of("search/"),
        template: "search.html",
        html: true,
        vars: MetaOnly { page: meta },
    }
}

fn not_found<'a>(ctx: &PageCtx<'a>) -> Out<MetaOnly<'a>> {
    let mut meta = PageMeta::new(
        ctx,
        "404",
        "",
        Some("Page not found".to_owned()),
        "404.html",
    );
    // A 404 page is served at whatever URL was missed: no canonical for it.
    meta.canonical = None;
    Out {
        rel: "404.html".to_owned(),
        template: "404.html",
        html: true,
        vars: MetaOnly { page: meta },
    }
}
