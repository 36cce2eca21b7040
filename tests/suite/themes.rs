//! Themes and brands on the sample: `[brand]`, `additional-css`/`-js`, ejected and
//! edited themes, the bundled `magazine` theme, UI strings, broken templates.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{Run, Site, StaticServer, have_browser, run_e2e};

/// The sample with `html` added under `[output.html]` and `tail` appended.
fn sample_with(html: &str, tail: &str) -> Site {
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    assert!(toml.contains("[output.html]\n"));
    let toml = toml.replacen("[output.html]\n", &format!("[output.html]\n{html}\n"), 1);
    site.write("book.toml", format!("{toml}\n{tail}\n"));
    site
}

fn build(site: &Site) -> Run {
    site.run(&["build", "--no-minify"])
}

fn read(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.path().join("public").join(rel))
        .unwrap_or_else(|e| panic!("public/{rel}: {e}"))
}

/// The sample's one episode page, relative to `public/`.
fn episode_page(site: &Site) -> String {
    let dir = site.path().join("public/episodes");
    let slug = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| e.path().join("index.html").is_file() && !crate::support::is_year_dir(&e.path()))
        .unwrap()
        .file_name();
    format!("episodes/{}/index.html", slug.to_string_lossy())
}

fn brand_warnings(run: &Run) -> Vec<&str> {
    run.headlines()
        .into_iter()
        .filter(|h| h.contains("brand."))
        .collect()
}

#[test]
fn every_page_links_the_default_icon_without_a_brand_favicon() {
    let site = Site::sample();
    build(&site).expect_code(0);
    let icon = read(&site, "favicon.svg");
    assert!(icon.starts_with("<svg") && icon.len() < 1024, "{icon}");
    let ep = episode_page(&site);
    for page in ["index.html", ep.as_str(), "search/index.html", "404.html"] {
        let html = read(&site, page);
        let links: Vec<_> = html.match_indices("<link rel=\"icon\"").collect();
        assert_eq!(links.len(), 1, "{page}");
        assert!(
            html.contains("<link rel=\"icon\" href=\"/favicon.svg?v=")
                && html.contains("type=\"image/svg+xml\">"),
            "{page}"
        );
    }
}

#[test]
fn brand_accent_logo_favicon_and_fonts_reach_every_page() {
    let site = sample_with(
        "",
        r##"[brand]
logo = "static/logo.svg"
favicon = "static/logo.svg"
accent = "#d9480f"
font = "Inter, system-ui, sans-serif"
heading-font = "Georgia, serif"
social-image = "static/card.png"
"##,
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .write("static/card.png", "png");
    let run = build(&site);
    run.expect_code(0);
    assert!(brand_warnings(&run).is_empty(), "{}", run.stderr);
    let ep = episode_page(&site);
    for page in ["index.html", ep.as_str(), "guests/index.html"] {
        let html = read(&site, page);
        assert!(
            html.contains(
                "style=\"--accent: #d9480f; --font-body: Inter, system-ui, sans-serif; \
                 --font-ui: Georgia, serif\""
            ),
            "{page}"
        );
        assert!(
            html.contains("<img class=\"logo\" src=\"/logo.svg\""),
            "{page}"
        );
        assert!(
            html.contains("<link rel=\"icon\" href=\"/logo.svg\" type=\"image/svg+xml\">"),
            "{page}"
        );
        // The brand's icon replaces the default one: one icon link per page.
        assert_eq!(html.matches("rel=\"icon\"").count(), 1, "{page}");
        assert!(
            html.contains("<meta property=\"og:image\" content=\"/card.png\">"),
            "{page}"
        );
    }
    assert!(site.path().join("public/logo.svg").is_file());
}

#[test]
fn a_low_contrast_accent_or_unsafe_value_warns_naming_the_key() {
    let site = sample_with(
        "",
        "[brand]\naccent = \"#ffff66\"\ntext = \"#999999\"\nfont = \"x;}body{color:red\"\n",
    );
    let run = build(&site);
    run.expect_code(0);
    let warnings = brand_warnings(&run);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`brand.accent`") && w.contains("contrast")),
        "{}",
        run.stderr
    );
    assert!(
        warnings.iter().any(|w| w.contains("`brand.text`")),
        "{}",
        run.stderr
    );
    assert!(
        warnings.iter().any(|w| w.contains("`brand.font`")),
        "{}",
        run.stderr
    );
    let home = read(&site, "index.html");
    assert!(!home.contains("body{color"), "unsafe font reached the page");
    // A contrast warning does not drop the colour: it is the owner's call.
    assert!(home.contains("--accent: #ffff66"));
}

#[test]
fn an_ejected_template_and_stylesheet_both_win() {
    let site = Site::sample();
    site.run(&["init", "--theme"]).expect_code(0);
    let theme = site.path().join("themes/default");
    let edit = |rel: &str, from: &str, to: &str| {
        let path = theme.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "templates/episode.html",
        "<article class=\"episode\">",
        "<article class=\"episode\"><p class=\"castbook-ejected-edit\">EDITED</p>",
    );
    edit(
        "static/style.css",
        "--accent: #b5441c;",
        "--accent: #123456; /* EJECTED-CSS-EDIT */",
    );
    build(&site).expect_code(0);
    let ep = read(&site, &episode_page(&site));
    assert!(ep.contains("castbook-ejected-edit"));
    assert!(read(&site, "style.css").contains("EJECTED-CSS-EDIT"));
    // The page links the edited stylesheet under a new version, so caches refetch it.
    let stock = Site::sample();
    build(&stock).expect_code(0);
    let version = |html: &str| {
        let i = html.find("style.css?v=").unwrap();
        html[i..i + 20].to_owned()
    };
    assert_ne!(version(&ep), version(&read(&stock, "index.html")));
}

#[test]
fn the_magazine_theme_builds_with_its_own_home_and_the_default_pages() {
    let site = sample_with("theme = \"magazine\"", "[brand]\naccent = \"#d9480f\"\n");
    let run = build(&site);
    run.expect_code(0);
    let home = read(&site, "index.html");
    assert!(home.contains("class=\"mag-cards\""), "{home}");
    assert!(home.contains("<span class=\"mag-portrait\" aria-hidden=\"true\">SM</span>"));
    assert!(home.contains("magazine.css?v="));
    assert!(home.contains("--accent: #d9480f"));
    let ep = read(&site, &episode_page(&site));
    assert!(ep.contains("magazine.css?v=") && ep.contains("class=\"transcript\""));
    assert!(site.path().join("public/magazine.css").is_file());
    // The magazine look differs from the default's home.
    assert!(!home.contains("class=\"home-grid\""));

    let unknown = sample_with("theme = \"glossy\"", "");
    let run = build(&unknown);
    run.expect_code(2);
    assert!(
        run.stderr.contains("`output.html.theme = \"glossy\"`")
            && run.stderr.contains("default, magazine"),
        "{}",
        run.stderr
    );
    assert!(!unknown.path().join("public").exists());
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_broken_template_names_file_and_line_and_leaves_the_site_untouched() {
    let site = Site::sample();
    build(&site).expect_code(0);
    let before = snapshot(&site.path().join("public"));
    site.write(
        "themes/default/templates/episode.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ episode.title </h1>\n{% endblock main %}\n",
    );
    let run = build(&site);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("themes/default/templates/episode.html:3:"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.path().join("public")), before);

    // A template that parses but fails while rendering is named the same way.
    site.write(
        "themes/default/templates/episode.html",
        "{% extends \"base.html\" %}\n{% block main %}\n\n<h1>{{ episode.no_such_field }}</h1>\n{% endblock main %}\n",
    );
    let run = build(&site);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("themes/default/templates/episode.html:4:"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.path().join("public")), before);
}

#[test]
fn additional_css_and_js_are_copied_and_linked_after_the_theme() {
    let site = sample_with(
        "additional-css = [\"brand/extra.css\"]\nadditional-js = [\"brand/extra.js\"]",
        "",
    );
    site.write("brand/extra.css", "body { outline: 0; }")
        .write("brand/extra.js", "void 0;");
    build(&site).expect_code(0);
    let home = read(&site, "index.html");
    let theme_css = home.find("/style.css?v=").unwrap();
    let extra_css = home
        .find("<link rel=\"stylesheet\" href=\"/brand/extra.css?v=")
        .unwrap();
    assert!(theme_css < extra_css);
    let theme_js = home.find("/castbook.js?v=").unwrap();
    let extra_js = home.find("<script src=\"/brand/extra.js?v=").unwrap();
    assert!(theme_js < extra_js);
    assert_eq!(read(&site, "brand/extra.css"), "body { outline: 0; }");
    assert_eq!(read(&site, "brand/extra.js"), "void 0;");

    std::fs::remove_file(site.path().join("brand/extra.js")).unwrap();
    let run = build(&site);
    run.expect_code(2);
    assert!(
        run.stderr.contains("`output.html.additional-js`") && run.stderr.contains("brand/extra.js"),
        "{}",
        run.stderr
    );
}

#[test]
fn language_picks_the_strings_and_book_toml_overrides_them() {
    let site = sample_with("", "[output.html.strings]\nepisodes = \"Sendungen\"\n");
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        toml.replacen("language = \"en\"", "language = \"de\"", 1),
    );
    let run = build(&site);
    run.expect_code(0);
    let home = read(&site, "index.html");
    assert!(home.contains("<html lang=\"de\""));
    assert!(home.contains(">Sendungen</a>"), "override wins");
    assert!(home.contains(">Gäste</a>") && home.contains(">Zum Inhalt springen<"));
    let ep = read(&site, &episode_page(&site));
    assert!(ep.contains(">Kapitel <span"));
    assert!(ep.contains(">15. August 2025</time>"), "dates in German");
    assert!(read(&site, "topics/index.html").contains("<h1>Themen</h1>"));
    assert!(read(&site, "404.html").contains("<h1>Seite nicht gefunden</h1>"));
    assert!(read(&site, "guests/index.html").contains("1 Gast, nach Namen."));
}

#[test]
fn the_scheme_toggle_is_there_without_flash_and_hidden_without_javascript() {
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        toml.replacen("default-theme = \"auto\"", "default-theme = \"dark\"", 1),
    );
    build(&site).expect_code(0);
    let home = read(&site, "index.html");
    assert!(home.contains("data-theme=\"dark\""));
    let script = home
        .find("localStorage.getItem(\"castbook-scheme\")")
        .unwrap();
    assert!(
        script < home.find("/style.css?v=").unwrap(),
        "applied before CSS"
    );
    assert!(home.contains(
        "<button class=\"scheme-toggle\" type=\"button\" aria-pressed=\"false\" hidden>"
    ));
}

#[test]
fn the_scheme_toggle_switches_remembers_and_applies_before_scripts_in_chromium() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    site.run(&["build", "--site-url", "/archive/", "-d", "www/archive"])
        .expect_code(0);
    let server = StaticServer::start(&site.path().join("www/archive"), "/archive/");
    run_e2e(
        "scheme.mjs",
        &[&server.url()],
        std::time::Duration::from_secs(240),
    )
    .expect_success("node e2e/scheme.mjs");
}

/// The code blocks of docs/themes.md's worked example, in order, without the list
/// indentation: (language, text).
fn worked_example_blocks() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(crate::support::repo().join("docs/themes.md")).unwrap();
    let (_, example) = doc.split_once("## Worked example").unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in example.lines() {
        let t = line.trim_start();
        if let Some(lang) = t.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => current = Some((lang.to_owned(), String::new())),
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line.strip_prefix("   ").unwrap_or(line));
            text.push('\n');
        }
    }
    blocks
}

#[test]
fn the_worked_example_in_docs_themes_md_builds_as_described() {
    let blocks = worked_example_blocks();
    let langs: Vec<&str> = blocks.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(langs, ["toml", "css", "jinja"]);
    let site = Site::sample();
    site.write("book.toml", &blocks[0].1)
        .write("brand/nightshift.css", &blocks[1].1)
        .write("themes/magazine/templates/base.html", &blocks[2].1)
        .write(
            "static/nightshift.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>",
        )
        .write("static/nightshift-card.png", "png");
    let run = build(&site);
    run.expect_code(0);
    // "The build says nothing about contrast."
    assert!(brand_warnings(&run).is_empty(), "{}", run.stderr);
    let home = read(&site, "index.html");
    assert!(
        home.contains("<html lang=\"de\" data-theme=\"dark\""),
        "{home}"
    );
    assert!(home.contains(">Sendungen</a>") && home.contains(">Neueste Sendungen<"));
    assert!(home.contains("class=\"mag-cards\"") && home.contains("magazine.css?v="));
    assert!(home.contains("<meta name=\"theme-color\" content=\"#0b1026\">"));
    assert!(home.contains("/brand/nightshift.css?v="));
    assert!(home.contains("--accent: #b45309; --brand-bg: #fdf8f0"));
}
