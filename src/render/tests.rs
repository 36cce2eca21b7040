use super::*;
use crate::config::Config;

mod support;
mod text_kept;
use support::{MemorySink, XSS, archive, assert_unique_ids, attr_values, links, tags};

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
    build_with(&theme::default_theme().unwrap(), archive, cfg, opts)
}

fn build_with(
    theme: &Theme,
    archive: &Archive,
    cfg: &LoadedConfig,
    opts: &RenderOptions,
) -> (MemorySink, RenderReport) {
    let sink = MemorySink::default();
    let count = AtomicUsize::new(0);
    let report = render_site(archive, cfg, theme, opts, &sink, &|n| {
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
        "company/index.html",
        "company/acme-script/index.html",
        "company/acme-script/feed.xml",
        "episodes/2025/index.html",
        "episodes/2024/index.html",
        "episodes/2023/index.html",
        "filters.js",
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
    // Feeds are not pages: the site's feed and sitemap, each show's feed, and each
    // term's feed (the test taxonomy asks for them).
    let term_feeds: usize = a.taxonomies.iter().map(|t| t.terms.len()).sum();
    assert_eq!(
        report.pages as u64,
        page_count(&a) - 2 - a.podcasts.len() as u64 - term_feeds as u64
    );
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
        // Turns: compact markup (see `transcript.rs`), the speaker first in `.who`.
        "<div class=turn id=t-00-00-59><p class=who>",
        "<p class=who><a href=/people/ryan-peterman/>Ryan</a> <a class=ts href=#t-00-00-59>00:00:59</a></p><p>Welcome",
        "<a class=ts href=#t-00-01-33>00:01:33</a></p><p>I said",
        "<p class=who><span>Unknown Voice</span> <a class=ts href=",
        "<a href=\"#early-career\" data-t=\"59\"><span class=\"ts\">00:00:59</span>",
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
            // The one inline script: base.html's constant colour-scheme snippet.
            let (_, inline) = html.split_once("<script>").expect("scheme script");
            let (inline, _) = inline.split_once("</script>").unwrap();
            assert!(
                inline.contains("localStorage.getItem(\"castbook-scheme\")")
                    && !html.contains("{{")
                    && html.matches("<script>").count() == 1,
                "{name}: {inline}"
            );
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
                if tag == "script"
                    && attrs
                        .iter()
                        .any(|(a, v)| a == "type" && v == "application/ld+json")
                {
                    // Structured data is inert, and escaped so it cannot end its element
                    // (checked in detail by `structured_data_cannot_close_its_script`).
                } else if tag == "script"
                    && attrs
                        .iter()
                        .any(|(a, v)| a == "type" && v == "application/json")
                {
                    // The filters' data: numbers only (checked below).
                    let (_, data) = html.split_once("filter-data").expect("filter data");
                    let (_, data) = data.split_once('>').unwrap();
                    let (data, _) = data.split_once("</script>").unwrap();
                    assert!(
                        data.starts_with("{\"rows\":[")
                            && data.bytes().all(|b| b"{}[],:\"rows0123456789".contains(&b)),
                        "{name}: {data}"
                    );
                } else if tag == "script" && attrs.is_empty() {
                    // The scheme snippet, checked above.
                } else if tag == "script" {
                    scripts += 1;
                    assert!(
                        attrs.iter().any(|(a, v)| a == "src"
                            && [
                                "/castbook.js",
                                "/highlight.js",
                                "/stem.js",
                                "/search.js",
                                "/filters.js"
                            ]
                            .iter()
                            .any(|s| v.contains(s))),
                        "{name}: {attrs:?}"
                    );
                }
            }
            // Episode pages also load highlight.js, for words a search leads to; the
            // search page loads it, stem.js and search.js; the filtered lists filters.js.
            let episode_page = a
                .episodes
                .iter()
                .any(|e| *name == format!("episodes/{}/index.html", e.slug));
            let expected = if name == "search/index.html" {
                4
            } else if episode_page
                || ["episodes/index.html", "guests/index.html"].contains(&name.as_str())
            {
                2
            } else {
                1
            };
            assert_eq!(scripts, expected, "{name}: only the theme's own scripts");
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
        let cfg = config(site);
        let (sink, _) = build(&a, &cfg, &plain());
        // Pages link the export files written beside them.
        let urls = crate::site::urls::SiteUrls::new(site, None);
        crate::exports::write_exports(&a, &urls, &cfg.config.output.exports.files(), &sink)
            .unwrap();
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
fn a_theme_can_loop_over_structured_turns() {
    let a = archive();
    let theme = theme::with_overrides(&[(
        "templates/episode.html",
        "{% for c in episode.chapters %}{% for t in c.turns %}[{{ t.anchor }}|{{ t.speaker }}|{% if t.person %}{{ t.person.url }}{% endif %}|{{ t.start }}|{{ t.html | safe }}]{% endfor %}{% endfor %}",
    )])
    .unwrap();
    assert!(theme.wants_turn_views());
    assert!(!theme::default_theme().unwrap().wants_turn_views());
    let (sink, _) = build_with(&theme, &a, &config("/"), &plain());
    let html = sink.text("episodes/career-story/index.html");
    assert!(html.starts_with("[t-00-00-59|Ryan|/people/ryan-peterman/|00:00:59|<p>Welcome &lt;inaudible&gt; back.</p>\n]"), "{html}");
    assert!(
        html.contains("[t-00-03-20|Unknown Voice||00:03:20|"),
        "{html}"
    );
    assert!(
        html.contains("Stefan &lt;script&gt;") || html.contains("I said &lt;script&gt;"),
        "{html}"
    );
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
    // The feed, the sitemap and the test taxonomy's one term feed are not pages.
    assert_eq!(report.pages as u64, page_count(&a) - 3);
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

/// The text of every `<script type="application/ld+json">` element of `html`.
fn json_ld(html: &str) -> Vec<&str> {
    let open = "<script type=\"application/ld+json\">";
    html.split(open)
        .skip(1)
        .map(|rest| rest.split("</script>").next().unwrap_or(""))
        .collect()
}

#[test]
fn structured_data_cannot_close_its_script() {
    // The episode title holds `</script>` (see `XSS`): it must not end the element.
    let a = archive();
    let (sink, _) = build(&a, &config("https://h.example/"), &plain());
    let html = sink.text("episodes/career-story/index.html");
    let blocks = json_ld(&html);
    assert_eq!(blocks.len(), 1, "{html}");
    assert!(!blocks[0].contains(['<', '>', '&']), "{}", blocks[0]);
    let v: serde_json::Value = serde_json::from_str(blocks[0]).unwrap();
    assert_eq!(v["@type"], "PodcastEpisode");
    assert_eq!(v["name"].as_str().unwrap(), format!("Career story {XSS}"));
    assert_eq!(v["partOfSeries"]["@type"], "PodcastSeries");
    assert_eq!(v["hasPart"][0]["@type"], "Clip");
    assert_eq!(v["hasPart"][0]["startOffset"], 59);
    let person = sink.text("people/stefan-mai/index.html");
    let blocks = json_ld(&person);
    let v: serde_json::Value = serde_json::from_str(blocks[0]).unwrap();
    assert_eq!(v["@type"], "Person");
    assert_eq!(v["url"], "https://h.example/people/stefan-mai/");
    // OpenGraph and the canonical URL, with the title escaped in attributes.
    for needle in [
        "<link rel=\"canonical\" href=\"https://h.example/episodes/career-story/\">",
        "<meta property=\"og:url\" content=\"https://h.example/episodes/career-story/\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta name=\"twitter:card\" content=\"summary\">",
        "<meta property=\"og:title\" content=\"Career story &lt;script&gt;",
    ] {
        assert!(html.contains(needle), "{needle} not in the episode page");
    }
    // X reads og:title and og:description when its own tags are missing: no copies.
    assert!(!html.contains("twitter:title") && !html.contains("twitter:description"));
}

#[test]
fn fingerprints_decide_which_files_an_update_writes() {
    use crate::site::manifest::{Group, Manifest, Plan};
    let a = archive();
    let cfg = config("https://example.com/");
    let theme = theme::default_theme().unwrap();
    let memo = Memo::default();
    let render_with = |a: &Archive, plan: Plan<'_>| {
        let sink = MemorySink::default();
        let report = render(a, &cfg, &theme, &plain(), &sink, &|_| {}, plan, &memo).unwrap();
        (sink.names(), report)
    };
    // A whole render's entries are exactly the files it writes.
    let (written, report) = render_with(&a, Plan::All);
    let mut listed: Vec<String> = report.entries.iter().map(|(r, _)| r.clone()).collect();
    listed.sort();
    assert_eq!(listed, written);
    let mut manifest = Manifest::new();
    manifest.extend(Group::Render, report.entries.clone());
    // The same site again: nothing to write, the same fingerprints.
    let (again, report2) = render_with(&a, Plan::Changed(&manifest));
    assert!(again.is_empty(), "{again:?}");
    let mut m2 = Manifest::new();
    m2.extend(Group::Render, report2.entries);
    assert_eq!(m2, manifest);
    // A one-off render fingerprints nothing.
    assert!(render_with(&a, Plan::Once).1.entries.is_empty());
    // Renaming an episode changes what lists it and its own page, nothing else.
    let mut b = a.clone();
    b.episodes[2].title = "Other show, renamed".into();
    let (changed, _) = render_with(&b, Plan::Changed(&manifest));
    for rel in [
        "episodes/other-show/index.html",
        "episodes/index.html",
        "index.html",
        "feed.xml",
        "people/ann-host/index.html",
        "podcasts/second-show/index.html",
        "podcasts/second-show/feed.xml",
    ] {
        assert!(
            changed.iter().any(|c| c == rel),
            "{rel} not rewritten: {changed:?}"
        );
    }
    for rel in [
        "episodes/older/index.html",
        "people/stefan-mai/index.html",
        "topics/early-career/index.html",
        "404.html",
        "style.css",
    ] {
        assert!(
            !changed.iter().any(|c| c == rel),
            "{rel} rewritten: {changed:?}"
        );
    }
    // New words in a turn change the episode page and its speakers' talk totals.
    let mut c = a.clone();
    let mut chapters = c.episodes[1].chapters.to_vec();
    chapters[0].turns[0].body = "Back then, and a good deal more words than before.".into();
    c.episodes[1].chapters = chapters.into();
    let (changed, _) = render_with(&c, Plan::Changed(&manifest));
    for rel in [
        "episodes/older/index.html",
        "people/stefan-mai/index.html",
        "topics/early-career/index.html",
    ] {
        assert!(
            changed.iter().any(|c| c == rel),
            "{rel} not rewritten: {changed:?}"
        );
    }
    assert!(
        !changed.iter().any(|c| c == "episodes/index.html"),
        "{changed:?}"
    );
}

#[test]
fn speaker_statistics_group_turns_by_person_or_label() {
    let a = archive();
    let e = &a.episodes[0];
    let st = stats::episode(e);
    let turns: u32 = st.speakers.iter().map(|s| s.turns).sum();
    assert_eq!(turns as usize, e.turns().count());
    assert_eq!(st.total_ms, st.speakers.iter().map(|s| s.ms).sum::<u64>());
    assert!(st.speakers.windows(2).all(|w| w[0].ms >= w[1].ms));
    let unknown = st
        .speakers
        .iter()
        .find(|s| s.label == "Unknown Voice")
        .unwrap();
    assert_eq!(unknown.person, None);
    // One entry per person, whatever label they spoke under.
    let mut people: Vec<_> = st.speakers.iter().filter_map(|s| s.person).collect();
    let n = people.len();
    people.sort_unstable();
    people.dedup();
    assert_eq!(people.len(), n);
}

#[test]
fn speaker_statistics_use_the_times_a_cue_source_stated() {
    let a = archive();
    let mut e = a.episodes[0].clone();
    let mut chapters = e.chapters.to_vec();
    let mut at = 0;
    for t in chapters.iter_mut().flat_map(|c| c.turns.iter_mut()) {
        t.times = Some(crate::model::TimeSpan {
            start: at,
            end: at + 1234,
        });
        at += 2000;
    }
    e.chapters = chapters.into();
    let n = e.turns().count() as u64;
    assert!(n > 1);
    // Not estimated from start seconds and word counts: the stated 1234 ms each.
    assert_eq!(stats::episode(&e).total_ms, n * 1234);
}

/// docs/themes.md documents every variable each page template receives as a table
/// row `| \`var.key\` | … |`. This renders every page with probe templates that list
/// the top-level keys of their views, and compares both ways, so the guide cannot
/// drift from the view structs.
#[test]
fn docs_themes_md_documents_every_template_variable() {
    use std::collections::{BTreeMap, BTreeSet};
    let views = [
        ("index.html", "home", "index.html"),
        ("episodes.html", "episodes", "episodes/index.html"),
        (
            "episode.html",
            "episode",
            "episodes/career-story/index.html",
        ),
        ("people.html", "people", "guests/index.html"),
        ("person.html", "person", "people/stefan-mai/index.html"),
        ("topics.html", "topics", "topics/index.html"),
        ("topic.html", "topic", "topics/early-career/index.html"),
        ("podcast.html", "podcast", "podcasts/pod/index.html"),
        ("taxonomy.html", "taxonomy", "company/index.html"),
        ("term.html", "term", "company/acme-script/index.html"),
        ("year.html", "year", "episodes/2025/index.html"),
    ];
    let probe = |var: &str| format!("{{% for k, v in {var} %}}{var}.{{{{ k }}}}\n{{% endfor %}}");
    let mut files: Vec<(String, String)> = views
        .iter()
        .map(|(t, var, _)| (format!("templates/{t}"), probe(var)))
        .collect();
    files.push((
        "templates/404.html".into(),
        format!("{}{}", probe("page"), probe("site")),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let theme = theme::with_overrides(&files).unwrap();
    let a = archive();
    let (sink, _) = build_with(&theme, &a, &config("https://example.com/"), &plain());
    let mut rendered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |text: &str| {
        for line in text.lines().filter(|l| !l.is_empty()) {
            let (var, key) = line.split_once('.').unwrap();
            rendered
                .entry(var.to_owned())
                .or_default()
                .insert(key.to_owned());
        }
    };
    add(&sink.text("404.html"));
    for (_, _, file) in views.iter().filter(|v| !v.2.is_empty()) {
        add(&sink.text(file));
    }

    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/themes.md"),
    )
    .unwrap();
    let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in doc.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((name, _)) = rest.split_once('`') else {
            continue;
        };
        if let Some((var, key)) = name.split_once('.')
            && !key.contains('.')
        {
            documented
                .entry(var.to_owned())
                .or_default()
                .insert(key.to_owned());
        }
    }
    for (var, keys) in &rendered {
        assert_eq!(
            documented.get(var),
            Some(keys),
            "docs/themes.md: the rows `{var}.…` must list exactly what templates get"
        );
    }
    // podcast.html only renders for several shows; it must still be documented.
    assert!(documented.contains_key("podcast"));
}
