//! Taxonomies (issue 16): term pages list exactly the guests whose front matter has
//! the term, number ranges bucket correctly, year archives hold their year, and the
//! pages, the sitemap and the navigation agree; bad input is reported where it is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::crawl::attr_values;
use crate::support::{Site, generate};

/// The sample's four career facts: (taxonomy name, front-matter key, range width).
const CAREER: &[(&str, &str, Option<i64>)] = &[
    ("companies", "current_company", None),
    ("roles", "biggest_role", None),
    ("company-sizes", "company_size", None),
    ("career-start", "yoe-starting", Some(5)),
];

/// One transcript's front matter, as plain `key: value` lines (enough for the
/// sample's and gen-corpus' files).
fn front_matter(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("---"));
    lines
        .take_while(|l| *l != "---")
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Every transcript's front matter.
fn corpus(content: &Path) -> Vec<BTreeMap<String, String>> {
    let mut files: Vec<_> = std::fs::read_dir(content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files.iter().map(|p| front_matter(p)).collect()
}

/// Case, punctuation and spacing ignored, as terms are gathered.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn decode(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Text of the first `<h1>`.
fn h1(html: &str) -> String {
    let (_, rest) = html.split_once("<h1>").unwrap();
    decode(rest.split_once("</h1>").unwrap().0)
}

/// Names linked in each `term-guest-name` paragraph of a term page.
fn term_guests(html: &str) -> BTreeSet<String> {
    html.split("class=\"term-guest-name\">")
        .skip(1)
        .map(|part| {
            let (_, after) = part.split_once("\">").unwrap();
            decode(after.split_once("</a>").unwrap().0)
        })
        .collect()
}

/// The first guest of a transcript (whom the guest facts describe).
fn first_guest(fm: &BTreeMap<String, String>) -> Option<String> {
    let g = fm.get("guest_name")?;
    let g = g.trim_start_matches('[').trim_end_matches(']');
    g.split(',').next().map(|s| s.trim().to_owned())
}

/// Term folder name → page, for every term of a taxonomy.
fn term_pages(out: &Path, taxonomy: &str) -> BTreeMap<String, String> {
    std::fs::read_dir(out.join(taxonomy))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let slug = p.file_name().unwrap().to_string_lossy().into_owned();
            (slug, std::fs::read_to_string(p.join("index.html")).unwrap())
        })
        .collect()
}

/// Builds `site` without minifying and checks every career taxonomy's term pages
/// against the front matter, then the sitemap and the navigation against the files.
fn check_site(site: &Site) {
    site.run(&["build", "--no-minify"]).expect_code(0);
    let out = site.path().join("public");
    let files = corpus(&site.path().join("content"));
    let mut term_urls = BTreeSet::new();
    for (taxonomy, key, range) in CAREER {
        let pages = term_pages(&out, taxonomy);
        assert!(!pages.is_empty(), "no term pages under {taxonomy}/");
        let mut covered = BTreeSet::new();
        for (slug, html) in &pages {
            term_urls.insert(format!("/{taxonomy}/{slug}/"));
            let name = h1(html);
            let has = |value: &str| match range {
                Some(width) => {
                    let (lo, hi) = name.split_once('–').expect("a range like 2000–2004");
                    let (lo, hi): (i64, i64) = (lo.parse().unwrap(), hi.parse().unwrap());
                    assert_eq!(hi - lo + 1, *width, "{name}");
                    assert_eq!(lo.rem_euclid(*width), 0, "{name} starts on a multiple");
                    let v: i64 = value.parse().unwrap();
                    (lo..=hi).contains(&v)
                }
                None => fold(value) == fold(&name),
            };
            let expected: BTreeSet<String> = files
                .iter()
                .filter(|fm| fm.get(*key).is_some_and(|v| has(v)))
                .filter_map(first_guest)
                .collect();
            for fm in files
                .iter()
                .filter(|fm| fm.get(*key).is_some_and(|v| has(v)))
            {
                covered.insert(fm.get(*key).unwrap().clone());
            }
            assert_eq!(term_guests(html), expected, "{taxonomy}/{slug}/ ({name})");
        }
        // Every value of the field is on some term page.
        let all: BTreeSet<String> = files
            .iter()
            .filter_map(|fm| fm.get(*key).cloned())
            .collect();
        assert_eq!(covered, all, "{taxonomy}: values without a term page");
        // The index links every term page, and only those.
        let index = std::fs::read_to_string(out.join(taxonomy).join("index.html")).unwrap();
        let linked: BTreeSet<String> = attr_values(&index, &["href"])
            .into_iter()
            .filter(|h| h.starts_with(&format!("/{taxonomy}/")) && *h != format!("/{taxonomy}/"))
            .collect();
        let files: BTreeSet<String> = pages.keys().map(|s| format!("/{taxonomy}/{s}/")).collect();
        assert_eq!(linked, files, "{taxonomy}/index.html links");
    }
    // Year archives: each lists exactly that year's episodes.
    let mut years: BTreeMap<String, usize> = BTreeMap::new();
    for fm in &files {
        let date = fm.get("episode_date").unwrap();
        let year = date.rsplit('/').next().unwrap().to_owned();
        *years.entry(year).or_default() += 1;
    }
    for (year, n) in &years {
        let html = std::fs::read_to_string(out.join("episodes").join(year).join("index.html"))
            .unwrap_or_else(|_| panic!("no page for {year}"));
        assert_eq!(
            html.matches("<li class=\"ep\">").count(),
            *n,
            "episodes/{year}/"
        );
        term_urls.insert(format!("/episodes/{year}/"));
    }
    // The sitemap lists every taxonomy, term and year page.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let locs: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split_once("</loc>").unwrap().0.to_owned())
        .collect();
    for url in &term_urls {
        assert!(locs.contains(url), "{url} missing from sitemap.xml");
    }
    let browse: BTreeSet<String> = CAREER.iter().map(|(t, _, _)| format!("/{t}/")).collect();
    for url in &browse {
        assert!(locs.contains(url), "{url} missing from sitemap.xml");
    }
    // The footer navigation of every kind of page links exactly the taxonomies.
    for page in [
        "index.html",
        "guests/index.html",
        "episodes/index.html",
        "companies/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let (_, footer) = html.split_once("<footer class=\"site-footer\">").unwrap();
        let (_, nav) = footer.split_once("class=\"footer-nav\"").unwrap();
        let nav = nav.split_once("</nav>").unwrap().0;
        let linked: BTreeSet<String> = attr_values(nav, &["href"]).into_iter().collect();
        assert_eq!(linked, browse, "{page}: footer navigation");
    }
}

#[test]
fn sample_term_pages_sitemap_and_navigation_agree() {
    let site = Site::sample();
    check_site(&site);
    let out = site.path().join("public");
    // The sample's guest, under each of the four facts.
    for page in [
        "companies/hello-interview/index.html",
        "roles/senior-engineering-manager-at-meta/index.html",
        "company-sizes/10s/index.html",
        "career-start/2000-2004/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert_eq!(
            term_guests(&html),
            BTreeSet::from(["Stefan Mai".to_owned()]),
            "{page}"
        );
    }
    // `feed = true` on companies: a feed per term, linked from its page.
    let feed = std::fs::read_to_string(out.join("companies/hello-interview/feed.xml")).unwrap();
    assert!(
        feed.contains("<item>") && feed.contains("Intern to Microsoft"),
        "{feed}"
    );
    let page = std::fs::read_to_string(out.join("companies/hello-interview/index.html")).unwrap();
    assert!(page.contains("href=\"/companies/hello-interview/feed.xml\""));
    // The episode and person pages show their terms.
    let person = std::fs::read_to_string(out.join("people/stefan-mai/index.html")).unwrap();
    for href in [
        "/companies/hello-interview/",
        "/career-start/2000-2004/",
        "/company-sizes/10s/",
    ] {
        assert!(
            person.contains(&format!("href=\"{href}\"")),
            "person page lacks {href}"
        );
    }
    let episodes = std::fs::read_to_string(out.join("episodes/index.html")).unwrap();
    assert!(episodes.contains("id=\"filter-data\""));
    assert!(episodes.contains("href=\"/episodes/2025/\""));
}

#[test]
fn generated_corpus_term_pages_list_exactly_their_guests() {
    let site = Site::empty();
    if !generate(60, &site.path().join("content")) {
        return;
    }
    std::fs::copy(
        crate::support::repo().join("book.toml"),
        site.path().join("book.toml"),
    )
    .unwrap();
    check_site(&site);
}

#[test]
fn bad_taxonomy_input_is_reported_where_it_is() {
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    let toml = toml.replace("field = \"current_company\"", "field = \"current_compnay\"");
    site.write("book.toml", &toml);
    let line = toml
        .lines()
        .position(|l| l.contains("current_compnay"))
        .unwrap()
        + 1;
    let run = site.run(&["build"]);
    run.expect_code(0);
    let expected = format!(
        "warning: book.toml:{line}: `taxonomies.field = \"current_compnay\"` (taxonomy `companies`)"
    );
    assert!(
        run.headlines().iter().any(|h| h.starts_with(&expected)),
        "{}",
        run.stderr
    );

    // A mapping where a taxonomy wants values: an error at the value, nothing written.
    let toml = format!("{toml}\n[[taxonomies]]\nname = \"formats\"\nfield = \"format\"\n");
    site.write("book.toml", &toml);
    let path = site.path().join("content/000_dbc843f6a71aa44d.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/000_dbc843f6a71aa44d.txt",
        text.replacen("---\n", "---\nformat: {kind: AMA}\n", 1),
    );
    let run = site.run(&["build", "-d", "fresh"]);
    run.expect_code(1);
    assert!(
        run.headlines().iter().any(|h| h
            .starts_with("error: content/000_dbc843f6a71aa44d.txt:2:9: `format` holds a mapping")),
        "{}",
        run.stderr
    );
    assert!(!site.path().join("fresh").exists());

    // A term with nothing to make a URL of: a fallback slug and a warning naming the file.
    site.write(
        "content/000_dbc843f6a71aa44d.txt",
        text.replacen("---\n", "---\nformat: \"?!\"\n", 1),
    );
    let run = site.run(&["build"]);
    run.expect_code(0);
    assert!(
        run.headlines().iter().any(|h| h.starts_with(
            "warning: content/000_dbc843f6a71aa44d.txt: format \"?!\" (taxonomy `formats`)"
        )),
        "{}",
        run.stderr
    );
    assert!(site.path().join("public/formats/term/index.html").is_file());

    // A taxonomy named like a page the site already has is a configuration error.
    site.write(
        "book.toml",
        format!("{toml}\n[[taxonomies]]\nname = \"guests\"\nfield = \"x\"\n"),
    );
    let run = site.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("`taxonomies[5].name`"),
        "{}",
        run.stderr
    );
}

#[test]
fn filters_combine_share_and_reload_in_chromium_by_keyboard() {
    if !crate::support::have_browser() {
        return;
    }
    let site = Site::empty();
    if !generate(60, &site.path().join("content")) {
        return;
    }
    std::fs::copy(
        crate::support::repo().join("book.toml"),
        site.path().join("book.toml"),
    )
    .unwrap();
    site.run(&["build", "--site-url", "/archive/", "-d", "www/archive"])
        .expect_code(0);
    let server = crate::support::StaticServer::start(&site.path().join("www/archive"), "/archive/");
    crate::support::run_e2e(
        "filters.mjs",
        &[&server.url()],
        std::time::Duration::from_secs(240),
    )
    .expect_success("node e2e/filters.mjs");
}
