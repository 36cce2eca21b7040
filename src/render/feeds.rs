//! Machine-read files: `feed.xml` (RSS 2.0), `sitemap.xml`, `robots.txt`.
//! Their URLs are absolute whenever the site's address is known.

use serde::Serialize;
use tera::Context;

use super::pages::PageCtx;
use super::urls::{SiteUrls, rel};
use super::views::date_rfc2822;
use crate::markdown;

/// `channel` in `feed.xml`.
#[derive(Serialize)]
struct Channel {
    title: String,
    link: String,
    self_url: Option<String>,
    description: String,
    language: String,
    last_build_date: Option<String>,
}

/// One of `items` in `feed.xml`.
#[derive(Serialize)]
struct FeedItem<'a> {
    title: &'a str,
    link: String,
    pub_date: String,
    podcast: &'a str,
    guests: Vec<&'a str>,
    description_html: Option<String>,
}

pub(super) fn feed(ctx: &PageCtx<'_>) -> anyhow::Result<()> {
    let s = ctx.shared;
    let urls = s.urls;
    let a = s.archive;
    let items: Vec<FeedItem<'_>> = a
        .episodes
        .iter()
        .map(|e| FeedItem {
            title: &e.title,
            link: urls.absolute_or_path(&rel::episode(&e.slug)),
            pub_date: date_rfc2822(e.date),
            podcast: &a.podcast(e.podcast).name,
            guests: e
                .guests
                .iter()
                .map(|g| a.person(*g).name.as_str())
                .collect(),
            description_html: e
                .description
                .as_deref()
                .map(|d| markdown::to_html(d, "desc")),
        })
        .collect();
    let site = ctx.site;
    let channel = Channel {
        description: site
            .description
            .map_or_else(|| format!("Transcripts from {}", site.title), str::to_owned),
        title: site.title.clone(),
        link: urls.absolute_or_path(""),
        self_url: urls.absolute("feed.xml"),
        language: site.language.to_owned(),
        // The newest episode's date rather than the clock: identical input, identical output.
        last_build_date: a.episodes.first().map(|e| date_rfc2822(e.date)),
    };
    let mut context = Context::new();
    context.insert("channel", &channel);
    context.insert("items", &items);
    let xml = ctx.render_template("feed.xml", &context)?;
    ctx.out.file("feed.xml", xml.as_bytes())
}

/// One of `urls` in `sitemap.xml`.
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

pub(super) fn sitemap(ctx: &PageCtx<'_>) -> anyhow::Result<()> {
    let s = ctx.shared;
    let a = s.archive;
    let urls = s.urls;
    let plain = |r: &str| SitemapUrl {
        loc: urls.absolute_or_path(r),
        lastmod: None,
    };
    let mut list: Vec<SitemapUrl> = ["", "episodes/", "guests/", "hosts/", "topics/"]
        .into_iter()
        .map(plain)
        .collect();
    list.extend(a.episodes.iter().map(|e| SitemapUrl {
        loc: urls.absolute_or_path(&rel::episode(&e.slug)),
        lastmod: Some(e.date.to_string()),
    }));
    list.extend(a.people.iter().map(|p| plain(&rel::person(&p.slug))));
    list.extend(a.topics.iter().map(|t| plain(&rel::topic(&t.slug))));
    if a.podcasts.len() > 1 {
        list.extend(a.podcasts.iter().map(|p| plain(&rel::podcast(&p.slug))));
    }
    let mut context = Context::new();
    context.insert("urls", &list);
    let xml = ctx.render_template("sitemap.xml", &context)?;
    ctx.out.file("sitemap.xml", xml.as_bytes())
}

/// `robots.txt`: allow everything; point at the sitemap when its URL can be absolute
/// (the `Sitemap:` line requires an absolute URL).
pub(super) fn robots(urls: &SiteUrls) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if let Some(sitemap) = urls.absolute("sitemap.xml") {
        out.push_str(&format!("\nSitemap: {sitemap}\n"));
    }
    out
}
