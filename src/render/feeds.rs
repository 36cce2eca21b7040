//! Machine-read files: `feed.xml` (RSS 2.0 with the Podcasting 2.0 `podcast`
//! namespace), one `podcasts/<slug>/feed.xml` per show when the archive has
//! several, one `<taxonomy>/<term>/feed.xml` per term of taxonomies with
//! `feed = true`, `sitemap.xml` and `robots.txt`. Their URLs are absolute whenever
//! the site's address is known.
//!
//! Per item, beside the usual RSS elements: one `podcast:transcript` per transcript
//! format written (`[output.exports]`, best first: [`layout::TRANSCRIPTS`], with the
//! namespace's MIME types), `podcast:chapters` for `chapters.json` when written, a
//! `podcast:person` per host (restated on every item, as the namespace asks: item-level people replace the channel's) and
//! per guest (`role="guest"`), and an `enclosure` when the episode has `audio_url`.

use serde::Serialize;

use super::lazy::Deferred;
use super::pages::{Out, PageCtx};
use super::views::date_rfc2822;
use crate::model::{Archive, Episode, PersonId, PodcastId, TermRef};
use crate::site::layout::{self, CHAPTERS_JSON, ExportFile, TRANSCRIPTS};
use crate::site::urls::{SiteUrls, rel};

/// The Podcasting 2.0 namespace URI.
const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";

/// What `feed.xml` is given: `channel` and `items`.
#[derive(Serialize, Hash)]
pub(super) struct FeedVars<'a> {
    channel: Channel,
    items: Vec<Deferred<ItemInput<'a>, FeedItem<'a>>>,
}

/// `channel` in `feed.xml`.
#[derive(Serialize, Hash)]
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

/// One of `items` in `feed.xml`, made from an [`ItemInput`] when the feed renders.
#[derive(Serialize)]
struct FeedItem<'a> {
    title: &'a str,
    link: String,
    pub_date: String,
    podcast: &'a str,
    guests: Vec<&'a str>,
    /// HTML, escaped once more as the XML's text.
    description_html: Option<String>,
    /// `enclosure`, when the episode has audio.
    enclosure: Option<Enclosure>,
    /// One per transcript format, best first.
    transcripts: Vec<FeedFile>,
    /// `chapters.json`, when written.
    chapters: Option<FeedFile>,
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
#[derive(Serialize, Hash)]
struct FeedPerson {
    name: String,
    role: &'static str,
    href: String,
}

/// `feed.xml` for the whole archive.
pub(super) fn feed<'a>(ctx: &PageCtx<'a>) -> Out<FeedVars<'a>> {
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
        people: people_of(a, urls, &hosts, "host"),
    };
    feed_out(ctx, "feed.xml".to_owned(), channel, a.episodes.iter())
}

/// One show's own feed, `podcasts/<slug>/feed.xml` (linked from the show's page),
/// when the archive holds several shows.
pub(super) fn podcast_feed<'a>(ctx: &PageCtx<'a>, id: PodcastId) -> Out<FeedVars<'a>> {
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
        people: people_of(a, urls, &p.hosts, "host"),
    };
    let episodes = p.episodes.iter().map(|e| a.episode(*e));
    feed_out(ctx, file, channel, episodes)
}

/// A term's own feed, `<taxonomy>/<term>/feed.xml`: the episodes carrying it.
pub(super) fn term_feed<'a>(ctx: &PageCtx<'a>, r: TermRef) -> Option<Out<FeedVars<'a>>> {
    let s = ctx.shared;
    let urls = s.urls;
    let a = s.archive;
    let t = a.taxonomies.get(r.taxonomy as usize)?;
    let term = t.terms.get(r.term as usize)?;
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
        people: people_of(a, urls, &hosts, "host"),
    };
    let episodes = term.episodes.iter().map(|e| a.episode(*e));
    Some(feed_out(ctx, file, channel, episodes))
}

/// A feed at `file` with `channel` and an item per episode.
fn feed_out<'a>(
    ctx: &PageCtx<'a>,
    file: String,
    channel: Channel,
    episodes: impl Iterator<Item = &'a Episode>,
) -> Out<FeedVars<'a>> {
    let s = ctx.shared;
    let items = episodes
        .map(|e| Deferred::new(item(s.archive, s.urls, &s.exports, e), make_item))
        .collect();
    Out {
        rel: file,
        template: "feed.xml",
        html: false,
        vars: FeedVars { channel, items },
    }
}

/// Everything a feed item is made from.
#[derive(Hash)]
pub(super) struct ItemInput<'a> {
    title: &'a str,
    slug: &'a str,
    date: jiff::civil::Date,
    podcast: &'a str,
    description: Option<&'a str>,
    audio_url: Option<&'a str>,
    /// Name and slug of each host, then of each guest.
    hosts: Vec<(&'a str, &'a str)>,
    guests: Vec<(&'a str, &'a str)>,
    urls: &'a SiteUrls,
    /// The export files written (`[output.exports]`): items link these alone.
    exports: &'a [ExportFile],
}

fn item<'a>(
    a: &'a Archive,
    urls: &'a SiteUrls,
    exports: &'a [ExportFile],
    e: &'a Episode,
) -> ItemInput<'a> {
    let people = |ids: &[PersonId]| -> Vec<(&'a str, &'a str)> {
        ids.iter()
            .filter_map(|id| a.people.get(id.index()))
            .map(|p| (p.name.as_str(), p.slug.as_str()))
            .collect()
    };
    ItemInput {
        title: &e.title,
        slug: &e.slug,
        date: e.date,
        podcast: &a.podcast(e.podcast).name,
        description: e.description.as_deref(),
        audio_url: e.audio_url.as_deref(),
        hosts: people(&e.hosts),
        guests: people(&e.guests),
        urls,
        exports,
    }
}

fn make_item<'a>(i: &ItemInput<'a>) -> FeedItem<'a> {
    let urls = i.urls;
    let export = |f| urls.absolute_or_path(&layout::export_rel(i.slug, f));
    let mut people = people(urls, &i.hosts, "host");
    people.extend(self::people(urls, &i.guests, "guest"));
    FeedItem {
        title: i.title,
        link: urls.absolute_or_path(&rel::episode(i.slug)),
        pub_date: date_rfc2822(i.date),
        podcast: i.podcast,
        guests: i.guests.iter().map(|(name, _)| *name).collect(),
        description_html: i.description.map(|d| crate::markdown::to_html(d, "desc")),
        enclosure: i
            .audio_url
            .and_then(|u| urls.resource_absolute(u))
            .map(|url| Enclosure {
                mime: audio_mime(&url),
                url,
                length: 0,
            }),
        transcripts: i
            .exports
            .iter()
            .filter(|f| TRANSCRIPTS.contains(f))
            .map(|f| FeedFile {
                url: export(*f),
                mime: f.mime,
            })
            .collect(),
        chapters: i.exports.contains(&CHAPTERS_JSON).then(|| FeedFile {
            url: export(CHAPTERS_JSON),
            mime: CHAPTERS_JSON.mime,
        }),
        people,
    }
}

fn people(urls: &SiteUrls, list: &[(&str, &str)], role: &'static str) -> Vec<FeedPerson> {
    list.iter()
        .map(|(name, slug)| FeedPerson {
            name: crate::text::one_line(name).into_owned(),
            role,
            href: urls.absolute_or_path(&rel::person(slug)),
        })
        .collect()
}

/// The `podcast:person` of every person in `ids`.
fn people_of(
    a: &Archive,
    urls: &SiteUrls,
    ids: &[PersonId],
    role: &'static str,
) -> Vec<FeedPerson> {
    let list: Vec<(&str, &str)> = ids
        .iter()
        .filter_map(|id| a.people.get(id.index()))
        .map(|p| (p.name.as_str(), p.slug.as_str()))
        .collect();
    people(urls, &list, role)
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

/// What `sitemap.xml` is given: `urls`, made when it renders.
#[derive(Serialize, Hash)]
pub(super) struct SitemapVars<'a> {
    urls: Deferred<SitemapInput<'a>, Vec<SitemapUrl>>,
}

/// Everything the sitemap lists.
#[derive(Hash)]
pub(super) struct SitemapInput<'a> {
    /// Slug and date of every episode.
    episodes: Vec<(&'a str, jiff::civil::Date)>,
    people: Vec<&'a str>,
    topics: Vec<&'a str>,
    /// Show slugs, when shows have pages.
    podcasts: Vec<&'a str>,
    /// Years with episodes, newest first.
    years: Vec<i16>,
    /// Each taxonomy's name and its terms' slugs.
    taxonomies: Vec<(&'a str, Vec<&'a str>)>,
    urls: &'a SiteUrls,
}

/// One of `urls` in `sitemap.xml`.
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

pub(super) fn sitemap<'a>(ctx: &PageCtx<'a>) -> Out<SitemapVars<'a>> {
    let s = ctx.shared;
    let a = s.archive;
    let input = SitemapInput {
        episodes: a
            .episodes
            .iter()
            .map(|e| (e.slug.as_str(), e.date))
            .collect(),
        people: a.people.iter().map(|p| p.slug.as_str()).collect(),
        topics: a.topics.iter().map(|t| t.slug.as_str()).collect(),
        podcasts: if a.podcasts.len() > 1 {
            a.podcasts.iter().map(|p| p.slug.as_str()).collect()
        } else {
            Vec::new()
        },
        years: super::years(a),
        taxonomies: a
            .taxonomies
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.terms.iter().map(|x| x.slug.as_str()).collect(),
                )
            })
            .collect(),
        urls: s.urls,
    };
    Out {
        rel: "sitemap.xml".to_owned(),
        template: "sitemap.xml",
        html: false,
        vars: SitemapVars {
            urls: Deferred::new(input, sitemap_urls),
        },
    }
}

fn sitemap_urls(i: &SitemapInput<'_>) -> Vec<SitemapUrl> {
    let urls = i.urls;
    let plain = |r: &str| SitemapUrl {
        loc: urls.absolute_or_path(r),
        lastmod: None,
    };
    let mut list: Vec<SitemapUrl> = ["", "episodes/", "guests/", "hosts/", "topics/"]
        .into_iter()
        .map(plain)
        .collect();
    list.extend(i.episodes.iter().map(|(slug, date)| SitemapUrl {
        loc: urls.absolute_or_path(&rel::episode(slug)),
        lastmod: Some(date.to_string()),
    }));
    list.extend(i.people.iter().map(|p| plain(&rel::person(p))));
    list.extend(i.topics.iter().map(|t| plain(&rel::topic(t))));
    list.extend(i.podcasts.iter().map(|p| plain(&rel::podcast(p))));
    list.extend(i.years.iter().map(|y| plain(&rel::year(*y))));
    for (name, terms) in &i.taxonomies {
        list.push(plain(&rel::taxonomy(name)));
        list.extend(terms.iter().map(|slug| plain(&rel::term(name, slug))));
    }
    list
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
