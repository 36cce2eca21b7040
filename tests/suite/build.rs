//! `castbook build`: the site it writes, link integrity, output safety.

use crate::crawl::crawl;
use crate::support::{Site, generate};

fn assert_links_resolve(site: &Site, out: &str, base: &str) {
    let (broken, checked) = crawl(&site.path().join(out), base);
    assert!(checked > 100, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links at base {base}, e.g.:\n{:#?}",
        broken.len(),
        &broken[..broken.len().min(10)]
    );
}

#[test]
fn sample_builds_with_every_page_of_the_spec() {
    let site = Site::sample();
    let run = site.run(&["build", "--no-minify"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("built 1 podcast, 1 episode"),
        "{}",
        run.stdout
    );
    let out = site.path().join("public");
    for f in [
        "index.html",
        "episodes/index.html",
        "episodes/intern-to-microsoft-distinguished-engineer-in-11-promotions-career-story/index.html",
        "guests/index.html",
        "hosts/index.html",
        "people/stefan-mai/index.html",
        "people/ryan-peterman/index.html",
        "topics/index.html",
        "topics/low-performer-quotas/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    // One show: no podcast pages.
    assert!(!out.join("podcasts").exists());
    // No live-reload code in built output.
    let episode = std::fs::read_to_string(
        out.join("episodes/intern-to-microsoft-distinguished-engineer-in-11-promotions-career-story/index.html"),
    )
    .unwrap();
    assert!(!episode.to_lowercase().contains("livereload"));
    assert!(episode.contains("id=\"low-performer-quotas\""));
    // Turns are written compact (src/render/transcript.rs): unquoted ids.
    assert!(episode.contains("<div class=turn id=t-00-00-59>"));
    assert!(episode.contains("/people/stefan-mai/"));
}

#[test]
fn every_link_and_anchor_resolves_at_root_and_under_a_subpath() {
    let site = Site::sample();
    site.run(&["build", "--no-minify"]).expect_code(0);
    assert_links_resolve(&site, "public", "/");
    site.run(&["build", "--site-url", "/archive/", "-d", "sub"])
        .expect_code(0);
    assert_links_resolve(&site, "sub", "/archive/");
    let home = std::fs::read_to_string(site.path().join("sub/index.html")).unwrap();
    assert!(home.contains("/archive/"), "base path missing from links");
}

#[test]
fn generated_multi_show_corpus_builds_and_links_resolve() {
    let site = Site::empty();
    if !generate(30, &site.path().join("content")) {
        return;
    }
    site.run(&["build", "--site-url", "https://example.org/repo/"])
        .expect_code(0);
    assert_links_resolve(&site, "public", "/repo/");
    // Several shows: one page each.
    let podcasts = std::fs::read_dir(site.path().join("public/podcasts")).unwrap();
    assert!(podcasts.count() > 1);
    let feed = std::fs::read_to_string(site.path().join("public/feed.xml")).unwrap();
    assert!(
        feed.contains("<link>https://example.org/repo/episodes/"),
        "{}",
        &feed[..500.min(feed.len())]
    );
}

#[test]
fn content_errors_leave_the_previous_site_untouched() {
    let site = Site::sample();
    site.write("content/broken.txt", "---\npodcast_name: X\n");
    let first = site.run(&["build"]);
    first.expect_code(1);
    assert!(
        first.stderr.contains("nothing was written to") && !site.path().join("public").exists(),
        "{}",
        first.stderr
    );
    std::fs::remove_file(site.path().join("content/broken.txt")).unwrap();
    site.run(&["build"]).expect_code(0);
    let index = site.path().join("public/index.html");
    let before = std::fs::read(&index).unwrap();
    site.write("content/broken.txt", "---\npodcast_name: X\n");
    let run = site.run(&["build"]);
    run.expect_code(1);
    assert!(run.stderr.contains("content/broken.txt:"), "{}", run.stderr);
    assert!(run.stderr.contains("was left untouched"), "{}", run.stderr);
    assert_eq!(std::fs::read(&index).unwrap(), before);
}

#[test]
fn a_rebuild_leaves_no_stale_pages() {
    let site = Site::sample();
    site.write("content/extra.md", EXTRA_EPISODE);
    site.run(&["build"]).expect_code(0);
    let extra = site
        .path()
        .join("public/episodes/a-second-episode/index.html");
    assert!(extra.is_file());
    std::fs::remove_file(site.path().join("content/extra.md")).unwrap();
    site.run(&["build"]).expect_code(0);
    assert!(!extra.exists(), "stale page survived a rebuild");
    assert!(!site.path().join("public/people/jane-doe").exists());
}

/// Names beside DEST (in the site root) that castbook writes: its spare, staging and
/// old folders.
fn hidden_copies(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.castbook-"))
        .collect();
    names.sort();
    names
}

#[test]
fn builds_keep_a_hidden_spare_unless_keep_spare_is_off() {
    let site = Site::sample();
    site.run(&["build"]).expect_code(0);
    site.run(&["build"]).expect_code(0);
    assert_eq!(hidden_copies(&site), [".public.castbook-spare"]);
    let spare = site.path().join(".public.castbook-spare");
    assert!(
        spare.join("index.html").is_file(),
        "the spare is a whole site"
    );

    // Off: the spare there is used up and not replaced, and a folder without one
    // never gets one, however many builds run.
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    let toml = toml.replace(
        "build-dir = \"public\"",
        "build-dir = \"public\"\nkeep-spare = false",
    );
    assert!(toml.contains("keep-spare = false"), "{toml}");
    site.write("book.toml", &toml);
    for _ in 0..3 {
        let run = site.run(&["build"]);
        run.expect_code(0);
        assert!(!run.stderr.contains("unknown key"), "{}", run.stderr);
        assert!(
            hidden_copies(&site).is_empty(),
            "{:?}",
            hidden_copies(&site)
        );
    }
    // A content error leaves no copy behind either.
    site.write("content/broken.txt", "not a transcript\n");
    site.run(&["build"]).expect_code(1);
    assert!(
        hidden_copies(&site).is_empty(),
        "{:?}",
        hidden_copies(&site)
    );
    assert!(site.path().join("public/index.html").is_file());
}

#[test]
fn dangerous_destinations_are_refused() {
    let site = Site::sample();
    for dest in [".", "content", "/", "..", "content/out"] {
        let run = site.run(&["build", "-d", dest]);
        run.expect_code(2);
    }
    // A non-empty folder castbook did not write.
    site.write("mine/notes.txt", "precious");
    site.run(&["build", "-d", "mine"]).expect_code(2);
    assert_eq!(
        std::fs::read_to_string(site.path().join("mine/notes.txt")).unwrap(),
        "precious"
    );
    // Sources are never modified.
    let seed = std::fs::read(site.path().join("content/000_dbc843f6a71aa44d.txt")).unwrap();
    assert_eq!(
        seed,
        std::fs::read(crate::support::repo().join("content/000_dbc843f6a71aa44d.txt")).unwrap()
    );
}

#[test]
fn cname_and_static_files_are_written() {
    let site = Site::sample();
    site.write(
        "book.toml",
        "[output.html]\ncname = \"transcripts.example.com\"\n",
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.run(&["build"]).expect_code(0);
    let out = site.path().join("public");
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap().trim(),
        "transcripts.example.com"
    );
    assert!(out.join("logo.svg").is_file());
}

#[test]
fn every_build_ends_with_what_it_wrote_and_warns_past_the_hosts_limits() {
    let site = Site::sample();
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let run = site.run(&["build"]);
    run.expect_code(0);
    let last = run.stdout.lines().last().unwrap_or_default().to_owned();
    // The line counts what is on disk, kind by kind (castbook's marker and record of
    // the folder aside: they are not the site).
    let out = site.path().join("public");
    let files: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| {
            p.is_file()
                && !p.ends_with(castbook::output::MARKER)
                && !p.ends_with(castbook::output::record::RECORD)
        })
        .collect();
    let bytes: u64 = files.iter().map(|p| p.metadata().unwrap().len()).sum();
    let total = format!(
        "site {:.1} MB in {} files: ",
        bytes as f64 / 1e6,
        files.len()
    );
    assert!(last.starts_with(&total), "{last} vs {total}");
    for kind in ["pages ", "exports ", "search ", "static "] {
        assert!(last.contains(kind), "{last}");
    }
    assert!(!run.stderr.contains("max-site"), "{}", run.stderr);

    // --timings shows what each writing stage wrote.
    let run = site.run(&["build", "--timings"]);
    let exports = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("exports"))
        .unwrap_or_default()
        .to_owned();
    assert!(exports.ends_with(" 1 file"), "{}", run.stderr);

    // Past a limit (lowered here: the real ones are GitHub's and GitLab's), a warning
    // names the limit, the host and the keys that shrink the site; the build succeeds.
    site.write(
        "book.toml",
        "[build]\nmax-site-files = 10\nmax-site-mb = 0\n",
    );
    let run = site.run(&["build"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("limit 10: `[build] max-site-files`), over what GitLab Pages"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`[build] max-site-mb`), over what GitHub and GitLab Pages"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`[output.html.search] enable = false`"));
    assert!(run.stderr.contains("`[output.exports]` (chapters is on"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::sample();
    site.write(
        "content/extra.md",
        EXTRA_EPISODE.replace("---\nTranscript", "draft: true\n---\nTranscript"),
    );
    site.run(&["build"]).expect_code(0);
    assert!(
        !site
            .path()
            .join("public/episodes/a-second-episode")
            .exists()
    );
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(
        site.path()
            .join("public/episodes/a-second-episode/index.html")
            .is_file()
    );
}

#[test]
fn hostile_content_comes_out_inert() {
    let site = Site::sample();
    site.write("content/evil.md", HOSTILE);
    let run = site.run(&["build", "--no-minify"]);
    run.expect_code(0);
    let out = site.path().join("public");
    let mut all = String::new();
    for f in walk(&out) {
        if f.extension().is_some_and(|e| e == "html" || e == "xml") {
            all.push_str(&std::fs::read_to_string(&f).unwrap());
        }
    }
    let lower = all.to_lowercase();
    assert!(
        !lower.contains("<script>alert"),
        "script tag passed through"
    );
    assert!(
        !lower.contains("<img src=x onerror"),
        "onerror attribute passed through"
    );
    assert!(
        !lower.contains("href=\"javascript:"),
        "javascript: link passed through"
    );
    assert!(!lower.contains("<iframe"), "iframe passed through");
    // The text is still shown, escaped.
    assert!(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const EXTRA_EPISODE: &str = "---
podcast_name: The Peterman Pod
episode_title: A second episode
host_name: Ryan Peterman
guest_name: Jane Doe
episode_date: 2025-09-01
---
Transcript
### Getting started
Ryan 00:00:05: Welcome, Jane.

Jane 00:00:09:

Thanks for having me.
";

const HOSTILE: &str = r#"---
podcast_name: "<script>alert('pod')</script>"
episode_title: "<img src=x onerror=alert(1)> title"
host_name: "<script>alert('host')</script> Host"
guest_name: "Eve \" onmouseover=\"alert(1)"
episode_date: 2025-09-02
episode_description: "[click](javascript:alert(1)) <iframe src=x></iframe> <script>alert(1)</script>"
biggest_role: "</title><script>alert(1)</script>"
topics: ["<script>alert('topic')</script>"]
---
### <script>alert('chapter')</script>
Eve 00:00:01: <script>alert(1)</script> and [link](javascript:alert(1)) and <img src=x onerror=alert(1)>

Eve 00:00:05: [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org/)
"#;

#[test]
fn text_after_a_hash_line_inside_a_turn_stays_on_the_page_with_a_warning() {
    let site = Site::empty();
    site.write(
        "content/ep.txt",
        "---\npodcast_name: Show\nepisode_title: Numbers\nhost_name: Ann Host\n\
         episode_date: 2025-01-02\n---\nAnn 00:00:01:\nWe measured it.\n\
         # of users doubled that year\nand revenue went up too.\nAnn 00:00:09: Next.\n",
    );
    // `check` alone: `build` also warns about the site-url of a site without book.toml.
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert_eq!(
        run.headlines(),
        [
            "warning: content/ep.txt:10:1: text after the heading \"of users doubled that year\" \
          (line 9), before any turn, is shown as the chapter's opening text"
        ]
    );
    assert!(run.stderr.contains("\\#"), "{}", run.stderr);
    site.run(&["build", "--no-minify"]).expect_code(0);
    let page =
        std::fs::read_to_string(site.path().join("public/episodes/numbers/index.html")).unwrap();
    let intro = page
        .split("<div class=\"chapter-intro prose\">")
        .nth(1)
        .unwrap_or_default();
    assert!(
        intro.starts_with("<p>and revenue went up too.</p>"),
        "{}",
        &intro[..intro.len().min(200)]
    );
}

/// Minified pages are exactly what minify-html makes of the whole rendered page:
/// the fragments kept out of the minifier (turns, written compact) or minified apart
/// and once per build (the site-wide head tags, header and footer) change nothing.
/// Turns are left out of the comparison: castbook writes them itself, close to
/// minimal but not byte for byte (`<ol start="2">`, line breaks between blocks).
#[cfg(feature = "minify")]
#[test]
fn minified_pages_are_minify_html_of_the_whole_page() {
    let site = Site::sample();
    // Several shows and their pages: more header and footer variants.
    generate(12, &site.path().join("content/generated"));
    site.run(&["build", "-d", "small"]).expect_code(0);
    site.run(&["build", "--no-minify", "-d", "plain"])
        .expect_code(0);
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    let (mut compared, mut total) = (0, 0);
    for entry in walkdir::WalkDir::new(site.path().join("plain")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        total += 1;
        let plain = std::fs::read(entry.path()).unwrap();
        // Where a page escapes `<`, castbook re-escapes what the minifier unescapes
        // (src/render/minify.rs, `reescape`): those pages differ on purpose.
        if plain.windows(3).any(|w| w == b"&lt") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(site.path().join("plain"))
            .unwrap();
        let small = without_turns(&std::fs::read(site.path().join("small").join(rel)).unwrap());
        let expected = without_turns(&minify_html::minify(&plain, &cfg));
        assert!(
            small == expected,
            "{}: differs from minify-html of the whole page at byte {}",
            rel.display(),
            small
                .iter()
                .zip(&expected)
                .position(|(a, b)| a != b)
                .unwrap_or(0)
        );
        compared += 1;
    }
    assert!(
        total > 20 && compared * 10 >= total * 8,
        "{compared} of {total} pages compared"
    );
}

/// `html` without each chapter's turns (from its first turn to the end of its section).
#[cfg(feature = "minify")]
fn without_turns(html: &[u8]) -> Vec<u8> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut out = Vec::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = [&b"<div class=turn "[..], b"<div class=\"chapter-intro"]
        .iter()
        .filter_map(|m| find(rest, m))
        .min()
    {
        out.extend_from_slice(&rest[..start]);
        let end = find(&rest[start..], b"</section>").map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    out
}
