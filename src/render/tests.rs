#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use jiff::civil::date;

use super::*;
use crate::config::Config;
use crate::model::*;

/// Collects written files in memory.
#[derive(Default)]
pub(crate) struct MemorySink(Mutex<BTreeMap<String, Vec<u8>>>);

impl OutputSink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        assert!(
            !rel.starts_with('/') && !rel.contains(".."),
            "unsafe path {rel}"
        );
        let mut files = self.0.lock().unwrap();
        assert!(
            files.insert(rel.to_owned(), bytes.to_vec()).is_none(),
            "{rel} written twice"
        );
        Ok(())
    }
}

impl MemorySink {
    fn text(&self, rel: &str) -> String {
        let files = self.0.lock().unwrap();
        let bytes = files
            .get(rel)
            .unwrap_or_else(|| panic!("{rel} not written"));
        String::from_utf8(bytes.clone()).unwrap()
    }
    fn names(&self) -> Vec<String> {
        self.0.lock().unwrap().keys().cloned().collect()
    }
}

const XSS: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

fn turn(label: &str, person: Option<u32>, secs: u32, body: &str) -> Turn {
    Turn {
        speaker_label: label.into(),
        person: person.map(PersonId),
        start: Timestamp(secs),
        anchor: Timestamp(secs).anchor(),
        body: body.into(),
        line: 1,
    }
}

fn chapter(title: &str, slug: &str, topic: Option<u32>, turns: Vec<Turn>) -> Chapter {
    Chapter {
        title: title.into(),
        slug: slug.into(),
        implicit: false,
        start: turns.first().map(|t| t.start).unwrap_or_default(),
        topic: topic.map(TopicId),
        line: 1,
        turns,
    }
}

fn episode(id: u32, podcast: u32, title: &str, slug: &str, d: jiff::civil::Date) -> Episode {
    Episode {
        id: EpisodeId(id),
        source: format!("content/{slug}.txt"),
        slug: slug.into(),
        title: title.into(),
        podcast: PodcastId(podcast),
        date: d,
        duration_minutes: Some(91),
        description: None,
        hosts: vec![PersonId(0)],
        guests: vec![],
        chapters: vec![],
        topics: vec![],
        audio_url: None,
        draft: false,
        extra: BTreeMap::new(),
        prev: None,
        next: None,
        related: vec![],
    }
}

/// Two shows, three episodes, hostile text in every field that reaches a page.
pub(crate) fn archive() -> Archive {
    let mut e0 = episode(
        0,
        0,
        &format!("Career story {XSS}"),
        "career-story",
        date(2025, 8, 15),
    );
    e0.description = Some(format!(
        "About *growth* {XSS} [x](javascript:alert(3)) and [ok](https://example.com)."
    ));
    e0.guests = vec![PersonId(1)];
    e0.audio_url = Some("javascript:alert(4)".into());
    e0.extra.insert("note".into(), serde_json::json!(XSS));
    e0.topics = vec![TopicId(1)];
    e0.chapters = vec![
        chapter(
            "Early career",
            "early-career",
            Some(0),
            vec![
                turn("Ryan", Some(0), 59, "Welcome <inaudible> back."),
                turn(
                    "Stefan",
                    Some(1),
                    93,
                    &format!("I said {XSS} [y](javascript:alert(5))"),
                ),
            ],
        ),
        chapter(
            &format!("Topic {XSS}"),
            "topic-script",
            Some(1),
            vec![
                turn("Unknown Voice", None, 200, "Who am I?[^1]\n\n[^1]: Nobody."),
                turn("Stefan", Some(1), 260, "Me again[^1].\n\n[^1]: Someone."),
            ],
        ),
    ];
    e0.prev = Some(EpisodeId(1));
    e0.related = vec![EpisodeId(1), EpisodeId(2)];

    let mut e1 = episode(1, 0, "Older & wiser", "older", date(2024, 1, 2));
    e1.guests = vec![PersonId(1)];
    e1.next = Some(EpisodeId(0));
    e1.chapters = vec![chapter(
        "Early Career",
        "early-career",
        Some(0),
        vec![turn("Stefan", Some(1), 10, "Back then.")],
    )];

    let mut e2 = episode(2, 1, "Other show", "other-show", date(2023, 5, 6));
    e2.hosts = vec![PersonId(2)];
    e2.duration_minutes = None;
    e2.chapters = vec![chapter(
        "Intro",
        "intro",
        None,
        vec![turn("Ann", Some(2), 0, "Hello.")],
    )];

    Archive {
        podcasts: vec![
            Podcast {
                id: PodcastId(0),
                name: format!("Pod {XSS}"),
                slug: "pod".into(),
                episodes: vec![EpisodeId(0), EpisodeId(1)],
                hosts: vec![PersonId(0)],
            },
            Podcast {
                id: PodcastId(1),
                name: "Second Show".into(),
                slug: "second-show".into(),
                episodes: vec![EpisodeId(2)],
                hosts: vec![PersonId(2)],
            },
        ],
        episodes: vec![e0, e1, e2],
        people: vec![
            Person {
                id: PersonId(0),
                name: "Ryan Peterman".into(),
                slug: "ryan-peterman".into(),
                facts: PersonFacts::default(),
                hosted: vec![EpisodeId(0), EpisodeId(1)],
                guested: vec![],
            },
            Person {
                id: PersonId(1),
                name: format!("Stefan {XSS}"),
                slug: "stefan-mai".into(),
                facts: PersonFacts {
                    biggest_role: Some(format!("Manager {XSS}")),
                    current_company: Some("Hello & Co".into()),
                    company_size: Some("10s".into()),
                    career_start: Some(2002),
                },
                hosted: vec![],
                guested: vec![EpisodeId(0), EpisodeId(1)],
            },
            Person {
                id: PersonId(2),
                name: "Ann Host".into(),
                slug: "ann-host".into(),
                facts: PersonFacts::default(),
                hosted: vec![EpisodeId(2)],
                guested: vec![],
            },
        ],
        topics: vec![
            Topic {
                id: TopicId(0),
                name: "Early career".into(),
                slug: "early-career".into(),
                chapters: vec![
                    ChapterRef {
                        episode: EpisodeId(0),
                        chapter: 0,
                    },
                    ChapterRef {
                        episode: EpisodeId(1),
                        chapter: 0,
                    },
                ],
                episodes: vec![],
            },
            Topic {
                id: TopicId(1),
                name: format!("Topic {XSS}"),
                slug: "topic-script".into(),
                chapters: vec![ChapterRef {
                    episode: EpisodeId(0),
                    chapter: 1,
                }],
                episodes: vec![EpisodeId(0)],
            },
        ],
    }
}

fn config(site_url: &str) -> LoadedConfig {
    let mut config = Config::default();
    config.book.title = Some(format!("Archive {XSS}"));
    config.book.description = Some(format!("Desc {XSS}"));
    config.output.html.site_url = site_url.into();
    LoadedConfig {
        config,
        root: std::path::PathBuf::from("/nonexistent"),
        diagnostics: vec![],
    }
}

fn build(
    archive: &Archive,
    cfg: &LoadedConfig,
    opts: &RenderOptions,
) -> (MemorySink, RenderReport) {
    let theme = theme::default_theme().unwrap();
    let sink = MemorySink::default();
    let count = AtomicUsize::new(0);
    let report = render_site(archive, cfg, &theme, opts, &sink, &|n| {
        count.fetch_add(n as usize, Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(count.load(Ordering::Relaxed), report.files);
    assert_eq!(sink.names().len(), report.files);
    (sink, report)
}

fn plain() -> RenderOptions {
    RenderOptions::default()
}

#[test]
fn writes_every_page_and_file() {
    let a = archive();
    let (sink, report) = build(&a, &config("/"), &plain());
    let names = sink.names();
    for f in [
        "index.html",
        "episodes/index.html",
        "episodes/career-story/index.html",
        "episodes/older/index.html",
        "guests/index.html",
        "hosts/index.html",
        "people/stefan-mai/index.html",
        "people/ryan-peterman/index.html",
        "topics/index.html",
        "topics/early-career/index.html",
        "podcasts/pod/index.html",
        "podcasts/second-show/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "style.css",
        "castbook.js",
    ] {
        assert!(names.contains(&f.to_owned()), "{f} missing from {names:?}");
    }
    assert!(!names.contains(&"CNAME".to_owned()));
    assert_eq!(report.pages as u64, page_count(&a) - 2);
    // No absolute address: one warning, root-relative feed, no Sitemap line.
    assert_eq!(report.diagnostics.len(), 1);
    assert!(!sink.text("robots.txt").contains("Sitemap"));
}

#[test]
fn episode_page_has_its_parts() {
    let a = archive();
    let (sink, _) = build(&a, &config("/"), &plain());
    let html = sink.text("episodes/career-story/index.html");
    for needle in [
        "<html lang=\"en\" data-theme=\"auto\"",
        "<meta charset=\"utf-8\">",
        "name=\"viewport\"",
        "<section class=\"chapter\" id=\"early-career\">",
        "<section class=\"chapter\" id=\"topic-script\">",
        "<div class=\"turn\" id=\"t-00-00-59\">",
        "<a class=\"ts\" href=\"#t-00-01-33\" data-t=\"93\">00:01:33</a>",
        "<a class=\"speaker\" href=\"/people/ryan-peterman/\">Ryan</a>",
        "<span class=\"speaker\">Unknown Voice</span>",
        "<a href=\"#early-career\"><span class=\"ts\">00:00:59</span>",
        "href=\"/episodes/older/\"",
        "rel=\"prev\"",
        "href=\"/topics/early-career/\"",
        "1 more episode on this topic",
        "href=\"/podcasts/pod/\"",
        "<time datetime=\"2025-08-15\">15 August 2025</time>",
        "1 h 31 min",
        "Welcome &lt;inaudible&gt; back.",
        "<a href=\"https://example.com\">ok</a>",
        "id=\"t-00-03-20_fn1\"",
        "id=\"t-00-04-20_fn1\"",
        "Skip to content",
        "<main id=\"main_content\"",
    ] {
        assert!(html.contains(needle), "{needle:?} not in episode page");
    }
    assert_eq!(html.matches("<h1>").count(), 1);
    // The unsafe audio URL is dropped rather than given to a player.
    assert!(!html.contains("<audio"));
    assert!(!html.contains("rel=\"next\""));
    assert_unique_ids(&html);
}

#[test]
fn person_and_topic_pages() {
    let a = archive();
    let (sink, _) = build(&a, &config("/"), &plain());
    let p = sink.text("people/stefan-mai/index.html");
    assert!(p.contains("<dt>Company size</dt><dd>10s</dd>"), "{p}");
    assert!(p.contains("<dd>2002</dd>"));
    assert!(p.contains("Hello &amp; Co"));
    assert!(p.contains("href=\"/episodes/career-story/#early-career\""));
    assert!(p.contains("Speaks in 2 chapters"));
    let t = sink.text("topics/early-career/index.html");
    assert!(t.contains("href=\"/episodes/career-story/#early-career\""));
    assert!(t.contains("href=\"/episodes/older/#early-career\""));
    assert!(t.contains("<p class=\"excerpt\">Back then.</p>"), "{t}");
    assert!(t.contains("Welcome &lt;inaudible&gt; back."), "{t}");
    assert!(t.contains("“Early Career”"), "variant spelling shown: {t}");
    let idx = sink.text("topics/index.html");
    assert!(idx.contains("id=\"letter-e\"") && idx.contains("id=\"letter-t\""));
    let guests = sink.text("guests/index.html");
    assert!(guests.contains("href=\"/people/stefan-mai/\""));
    assert!(!guests.contains("ryan-peterman"));
    let hosts = sink.text("hosts/index.html");
    assert!(hosts.contains("ryan-peterman") && hosts.contains("ann-host"));
}

#[test]
fn hostile_content_is_inert_everywhere() {
    let a = archive();
    for minify in [false, true] {
        let opts = RenderOptions { minify, ..plain() };
        let (sink, _) = build(&a, &config("/"), &opts);
        for name in sink.names().into_iter().filter(|n| n.ends_with(".html")) {
            let html = sink.text(&name);
            let mut scripts = 0;
            for (tag, attrs) in tags(&html) {
                assert!(
                    tag != "img" && tag != "iframe" && tag != "svg",
                    "{name}: <{tag}>"
                );
                for (attr, value) in &attrs {
                    assert!(!attr.starts_with("on"), "{name}: <{tag} {attr}>");
                    let v = value.to_ascii_lowercase();
                    assert!(
                        !v.trim_start().starts_with("javascript:"),
                        "{name}: {attr}={value}"
                    );
                }
                if tag == "script" {
                    scripts += 1;
                    assert!(
                        attrs
                            .iter()
                            .any(|(a, v)| a == "src" && v.contains("castbook.js"))
                    );
                }
            }
            assert_eq!(scripts, 1, "{name}: only the theme's own script");
        }
        for name in ["feed.xml", "sitemap.xml"] {
            let xml = sink.text(name);
            assert!(!xml.contains("<script") && !xml.contains("<img"), "{name}");
        }
        let feed = sink.text("feed.xml");
        assert!(feed.contains("Career story &lt;script&gt;"), "{feed}");
        // Description HTML is escaped once more inside the XML.
        assert!(feed.contains("&lt;em&gt;growth&lt;/em&gt;"), "{feed}");
    }
}

#[test]
fn subpath_site_prefixes_every_link() {
    let a = archive();
    let (sink, _) = build(&a, &config("https://user.github.io/archive/"), &plain());
    for name in sink.names().into_iter().filter(|n| n.ends_with(".html")) {
        let html = sink.text(&name);
        for (attr, url) in links(&html) {
            assert!(
                url.starts_with("/archive/") || url.starts_with('#') || url.starts_with("https://"),
                "{name}: {attr}={url}"
            );
        }
    }
    let feed = sink.text("feed.xml");
    assert!(feed.contains("<link>https://user.github.io/archive/episodes/career-story/</link>"));
    assert!(feed.contains("isPermaLink=\"true\""));
    let sitemap = sink.text("sitemap.xml");
    assert!(sitemap.contains("<loc>https://user.github.io/archive/topics/early-career/</loc>"));
    assert!(
        sink.text("robots.txt")
            .contains("Sitemap: https://user.github.io/archive/sitemap.xml")
    );
    let home = sink.text("index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://user.github.io/archive/\">"));
    assert!(home.contains("/archive/style.css?v="));
    assert!(!sink.text("404.html").contains("rel=\"canonical\""));
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let a = archive();
    for site in ["/", "/archive/"] {
        let (sink, _) = build(&a, &config(site), &plain());
        let files = sink.0.lock().unwrap().clone();
        let ids = |file: &str| -> Vec<String> {
            let html = String::from_utf8_lossy(&files[file]).into_owned();
            attr_values(&html, "id")
        };
        for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            for (_, url) in links(&html) {
                if url.starts_with("https://") {
                    continue;
                }
                let (path, frag) = url.split_once('#').unwrap_or((&url, ""));
                let target = if path.is_empty() {
                    name.clone()
                } else {
                    let rel = path
                        .strip_prefix(site)
                        .unwrap_or_else(|| panic!("{name}: {url}"));
                    let rel = rel.split('?').next().unwrap();
                    if rel.is_empty() || rel.ends_with('/') {
                        format!("{rel}index.html")
                    } else {
                        rel.to_owned()
                    }
                };
                assert!(
                    files.contains_key(&target),
                    "{name}: {url} → {target} missing"
                );
                if !frag.is_empty() {
                    assert!(
                        ids(&target).iter().any(|i| i == frag),
                        "{name}: #{frag} not in {target}"
                    );
                }
            }
        }
    }
}

#[test]
fn cname_brand_and_color_scheme() {
    let a = archive();
    let mut cfg = config("/");
    cfg.config.output.html.cname = Some("pod.example.com".into());
    cfg.config.output.html.default_theme = ColorScheme::Dark;
    cfg.config.brand.accent = Some("#d9480f".into());
    cfg.config.brand.font = Some("\"Inter\", sans-serif".into());
    cfg.config.brand.logo = Some("static/logo.svg".into());
    let (sink, report) = build(&a, &cfg, &plain());
    assert_eq!(sink.text("CNAME"), "pod.example.com\n");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let home = sink.text("index.html");
    assert!(home.contains("data-theme=\"dark\""));
    assert!(
        home.contains("style=\"--accent: #d9480f; --font-body: &quot;Inter&quot;, sans-serif\""),
        "{home}"
    );
    assert!(home.contains("<img class=\"logo\" src=\"/logo.svg\""));
    assert!(
        sink.text("feed.xml")
            .contains("https://pod.example.com/episodes/career-story/")
    );

    cfg.config.brand.accent = Some("red; background: url(x)".into());
    cfg.config.brand.logo = Some("javascript:alert(1)".into());
    let (sink, report) = build(&a, &cfg, &plain());
    assert_eq!(report.diagnostics.len(), 2, "{:?}", report.diagnostics);
    assert!(!sink.text("index.html").contains("--accent"));
}

#[test]
fn live_reload_only_when_asked() {
    let a = archive();
    let (sink, _) = build(&a, &config("/"), &plain());
    assert!(!sink.text("index.html").contains("livereload"));
    let opts = RenderOptions {
        live_reload: Some("/__livereload.js".into()),
        ..plain()
    };
    let (sink, _) = build(&a, &config("/"), &opts);
    assert!(
        sink.text("index.html")
            .contains("<script src=\"/__livereload.js\"></script>")
    );
}

#[test]
fn single_show_has_no_podcast_pages() {
    let mut a = archive();
    a.podcasts.truncate(1);
    a.episodes.truncate(2);
    a.people[2].hosted.clear();
    let (sink, report) = build(&a, &config("/"), &plain());
    assert!(!sink.names().iter().any(|n| n.starts_with("podcasts/")));
    assert_eq!(report.pages as u64, page_count(&a) - 2);
}

#[cfg(feature = "minify")]
#[test]
fn minified_pages_are_smaller_and_keep_structure() {
    let a = archive();
    let (big, _) = build(&a, &config("/"), &plain());
    let opts = RenderOptions {
        minify: true,
        ..plain()
    };
    let (small, report) = build(&a, &config("/"), &opts);
    assert!(report.minified);
    let (b, s) = (
        big.text("episodes/career-story/index.html"),
        small.text("episodes/career-story/index.html"),
    );
    assert!(s.len() < b.len());
    assert!(s.contains(" lang=en"), "{s}");
    assert!(s.contains("<head>") && s.contains("</p>"));
    assert!(s.contains("id=t-00-00-59") || s.contains("id=\"t-00-00-59\""));
    assert_eq!(big.text("feed.xml"), small.text("feed.xml"));
}

/// Every start tag of `html` with its attributes, quotes respected, skipping the
/// contents of `<title>` (RCDATA: minify-html leaves `<` unescaped there, which is
/// inert since only `</title` ends it, and that stays escaped).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let name_end = html[i + 1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(b.len(), |n| i + 1 + n);
        let name = html[i + 1..name_end].to_ascii_lowercase();
        let mut j = name_end;
        let mut attrs = Vec::new();
        while j < b.len() && b[j] != b'>' {
            if b[j].is_ascii_whitespace() || b[j] == b'/' {
                j += 1;
                continue;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>') {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let end = html[j + 1..]
                        .find(char::from(q))
                        .map_or(b.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_owned();
                    j = end + 1;
                } else {
                    let end = html[j..]
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .map_or(b.len(), |e| j + e);
                    value = html[j..end].to_owned();
                    j = end;
                }
            }
            attrs.push((attr, value.replace("&amp;", "&")));
        }
        if name == "title" {
            let close = html[j..].find("</title>").map_or(b.len(), |c| j + c);
            assert!(!html[j..close].to_ascii_lowercase().contains("</title"));
            j = close;
        }
        if !name.starts_with('/') && !name.starts_with('!') {
            out.push((name, attrs));
        }
        i = j.max(i + 1);
    }
    out
}

/// `(attribute, value)` of every href and src in `html`.
fn links(html: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (_, attrs) in tags(html) {
        for (attr, value) in attrs {
            match attr.as_str() {
                "href" => out.push(("href", value)),
                "src" => out.push(("src", value)),
                _ => {}
            }
        }
    }
    out
}

fn attr_values(html: &str, attr: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .flat_map(|(_, attrs)| attrs)
        .filter(|(a, _)| a == attr)
        .map(|(_, v)| v)
        .collect()
}

fn assert_unique_ids(html: &str) {
    let mut ids = attr_values(html, "id");
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
}
