//! Machine-read files: `feed.xml` (RSS 2.0 with the Podcasting 2.0 `podcast`
//! namespace), one `podcasts/<slug>/feed.xml` per show when the archive has
//! several, one `<taxonomy>/<term>/feed.xml` per term of taxonomies with
//! `feed = true`, `sitemap.xml` and `robots.txt`. Their URLs are absolute whenever the
//! site's address is known.
//!
//! Per item, beside the usual RSS elements: one `podcast:transcript` per transcript
//! format ([`layout::TRANSCRIPTS`], with the namespace's MIME types),
//! `podcast:chapters` for `chapters.json`, a `podcast:person` per host (restated on
//! every item, as the namespace asks: item-level people replace the channel's) and
//! per guest (`role="guest"`), and an `enclosure` when the episode has `audio_url`.

use serde::Serialize;
use tera::Context;

use super::pages::PageCtx;
use super::views::date_rfc2822;
use crate::markdown;
use crate::model::{Archive, Episode, PersonId, PodcastId, TermRef};
use crate::site::layout::{self, CHAPTERS_JSON, TRANSCRIPTS};
use crate::site::urls::{SiteUrls, rel};

/// The Podcasting 2.0 namespace URI.
const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";

/// `channel` in `feed.xml`.
#[derive(Serialize)]
struct Channel {
    title: String,
    link: String,
    self_url: Option<String>,
    description: String,
    language: String,
    last_build_date: Option<String>,
    /// The namespace URI, for `xmlns:podcast`.
    podcast_ns: &'static str,
    /// The show's hosts: every host of the archive's shows on the site feed.
    people: Vec<FeedPerson>,
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
    /// `enclosure`, when the episode has audio.
    enclosure: Option<Enclosure>,
    /// One per transcript format, best first.
    transcripts: Vec<FeedFile>,
    /// `chapters.json`.
    chapters: FeedFile,
    /// Hosts, then guests.
    people: Vec<FeedPerson>,
}

/// A `podcast:transcript` or `podcast:chapters` target.
#[derive(Serialize)]
struct FeedFile {
    url: String,
    #[serde(rename = "type")]
    mime: &'static str,
}

/// An RSS `enclosure`: the length is unknown at build time, and `0` is what the
/// RSS Advisory Board recommends then.
#[derive(Serialize)]
struct Enclosure {
    url: String,
    #[serde(rename = "type")]
    mime: &'static str,
    length: u64,
}

/// A `podcast:person`.
#[derive(Serialize)]
struct FeedPerson {
    name: String,
    role: &'static str,
    href: String,
}

/// Writes `feed.xml` for the whole archive.
pub(super) fn feed(ctx: &PageCtx<'_>) -> anyhow::Result<()> {
    let s = ctx.shared;
    let urls = s.urls;
    let a = s.archive;
    let site = ctx.site;
    let mut hosts: Vec<PersonId> = a.podcasts.iter().flat_map(|p| p.hosts.clone()).collect();
    hosts.sort_unstable();
    hosts.dedup();
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
        podcast_ns: PODCAST_NS,
        people: people(a, urls, &hosts, "host"),
    };
    write_feed(ctx, "feed.xml", &channel, a.episodes.iter())
}

/// Writes one show's own feed, `podcasts/<slug>/feed.xml` (linked from the show's
/// page), when the archive holds several shows.
pub(super) fn podcast_feed_file(ctx: &PageCtx<'_>, id: PodcastId) -> anyhow::Result<()> {
    let s = ctx.shared;
    let urls = s.urls;
    let a = s.archive;
    let site = ctx.site;
    let p = a.podcast(id);
    let page = rel::podcast(&p.slug);
    let file = rel::podcast_feed(&p.slug);
    let channel = Channel {
        title: p.name.clone(),
        link: urls.absolute_or_path(&page),
        self_url: urls.absolute(&file),
        description: format!("Transcripts of {} ({})", p.name, site.title),
        language: site.language.to_owned(),
        last_build_date: p.episodes.first().map(|e| date_rfc2822(a.episode(*e).date)),
        podcast_ns: PODCAST_NS,
        people: people(a, urls, &p.hosts, "host"),
    };
    let episodes = p.episodes.iter().map(|e| a.episode(*e));
    write_feed(ctx, &file, &channel, episodes)
}

/// Writes a term's own feed, `<taxonomy>/<term>/feed.xml`: the episodes carrying it.
pub(super) fn term_feed(ctx: &PageCtx<'_>, r: TermRef) -> anyhow::Result<()> {
    let s = ctx.shared;
    let urls = s.urls;
    let a = s.archive;
    let Some(t) = a.taxonomies.get(r.taxonomy as usize) else {
        return Ok(());
    };
    let Some(term) = t.terms.get(r.term as usize) else {
        return Ok(());
    };
    let page = rel::term(&t.name, &term.slug);
    let file = rel::term_feed(&t.name, &term.slug);
    let mut hosts: Vec<PersonId> = term
        .episodes
        .iter()
        .flat_map(|e| a.episode(*e).hosts.clone())
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    let channel = Channel {
        title: format!("{}: {} — {}", t.singular, term.name, ctx.site.title),
        link: urls.absolute_or_path(&page),
        self_url: urls.absolute(&file),
        description: format!(
            "Transcripts of the episodes of {} with {} {}",
            ctx.site.title, t.singular, term.name
        ),
        language: ctx.site.language.to_owned(),
        last_build_date: term
            .episodes
            .first()
            .map(|e| date_rfc2822(a.episode(*e).date)),
        podcast_ns: PODCAST_NS,
        people: people(a, urls, &hosts, "host"),
    };
    let episodes = term.episodes.iter().map(|e| a.episode(*e));
    write_feed(ctx, &file, &channel, episodes)
}

/// Renders `feed.xml`'s template for a channel and its episodes into `file`.
fn write_feed<'a>(
    ctx: &PageCtx<'_>,
    file: &str,
    channel: &Channel,
    episodes: impl Iterator<Item = &'a Episode>,
) -> anyhow::Result<()> {
    let s = ctx.shared;
    let items: Vec<FeedItem<'_>> = episodes.map(|e| item(s.archive, s.urls, e)).collect();
    let mut context = Context::new();
    context.insert("channel", channel);
    context.insert("items", &items);
    let xml = ctx.render_template("feed.xml", &context)?;
    ctx.out.file(file, xml.as_bytes())
}

fn item<'a>(a: &'a Archive, urls: &SiteUrls, e: &'a Episode) -> FeedItem<'a> {
    let export = |f| urls.absolute_or_path(&layout::export_rel(&e.slug, f));
    let mut people = people(a, urls, &e.hosts, "host");
    people.extend(self::people(a, urls, &e.guests, "guest"));
    FeedItem {
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
        enclosure: e
            .audio_url
            .as_deref()
            .and_then(|u| urls.resource_absolute(u))
            .map(|url| Enclosure {
                mime: audio_mime(&url),
                url,
                length: 0,
            }),
        transcripts: TRANSCRIPTS
            .iter()
            .map(|f| FeedFile {
                url: export(*f),
                mime: f.mime,
            })
            .collect(),
        chapters: FeedFile {
            url: export(CHAPTERS_JSON),
            mime: CHAPTERS_JSON.mime,
        },
        people,
    }
}

fn people(a: &Archive, urls: &SiteUrls, ids: &[PersonId], role: &'static str) -> Vec<FeedPerson> {
    ids.iter()
        .filter_map(|id| a.people.get(id.index()))
        .map(|p| FeedPerson {
            name: crate::text::one_line(&p.name).into_owned(),
            role,
            href: urls.absolute_or_path(&rel::person(&p.slug)),
        })
        .collect()
}

/// The MIME type of an audio URL, from its extension; MP3 when unknown, the
/// format almost every podcast uses.
fn audio_mime(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "m4a" | "mp4" | "m4b" => "audio/mp4",
        "aac" => "audio/aac",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "webm" | "weba" => "audio/webm",
        _ => "audio/mpeg",
    }
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
    list.extend(super::years(a).into_iter().map(|y| plain(&rel::year(y))));
    for t in &a.taxonomies {
        list.push(plain(&rel::taxonomy(&t.name)));
        list.extend(
            t.terms
                .iter()
                .map(|term| plain(&rel::term(&t.name, &term.slug))),
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_types_by_extension() {
        assert_eq!(audio_mime("https://x/a.MP3?x=1"), "audio/mpeg");
        assert_eq!(audio_mime("/a.m4a"), "audio/mp4");
        assert_eq!(audio_mime("/a.wav#t=3"), "audio/wav");
        assert_eq!(audio_mime("/stream"), "audio/mpeg");
    }
}
