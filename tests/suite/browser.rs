//! Browser tests: the sample, built with `--site-url /archive/` by the real binary
//! and served under `/archive/` by a plain static file server on 127.0.0.1, is
//! driven in headless Chromium by the playwright-core scripts in `e2e/`.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{Site, StaticServer, generate, have_browser, run_e2e};

/// Longest a browser script may run before it is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(240);

/// Text from the sample's first and last turns (content/), which must be on the
/// episode page even without JavaScript.
const SAMPLE_PHRASES: &[&str] = &[
    "Because you were a senior manager in big tech",
    "send us an email",
];

/// Builds the sample for `/archive/` into `<site>/www/archive` and serves `www/`.
fn serve_sample(site: &Site) -> StaticServer {
    site.run(&["build", "--site-url", "/archive/", "-d", "www/archive"])
        .expect_code(0);
    StaticServer::start(&site.path().join("www/archive"), "/archive/")
}

#[test]
fn clicking_through_the_sample_reaches_episode_chapter_guest_and_topic() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    let server = serve_sample(&site);
    run_e2e("navigate.mjs", &[&server.url()], LIMIT).expect_success("node e2e/navigate.mjs");
}

#[test]
fn episode_page_fits_phone_and_desktop_and_reads_without_javascript() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    let server = serve_sample(&site);
    let shots = screenshot_dir();
    let shots_arg = shots.to_string_lossy().into_owned();
    let mut args = vec![server.url(), shots_arg];
    args.extend(SAMPLE_PHRASES.iter().map(|p| (*p).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_e2e("layout.mjs", &args, LIMIT).expect_success("node e2e/layout.mjs");
}

/// axe-core finds nothing on any kind of page, light or dark: the sample with a few
/// generated shows in the default theme, and the magazine theme with a brand accent
/// and background. Every page also links an icon that loads (no /favicon.ico 404).
#[test]
fn every_kind_of_page_passes_axe_in_light_and_dark() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    if !generate(8, &site.path().join("content/generated")) {
        return;
    }
    let server = serve_sample(&site);
    run_e2e("a11y.mjs", &[&server.url(), "default theme"], LIMIT)
        .expect_success("node e2e/a11y.mjs (default theme)");

    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    let toml = toml.replace(
        "[output.html]",
        "[brand]\naccent = \"#d9480f\"\nbackground = \"#fffdf8\"\n\n[output.html]\ntheme = \"magazine\"",
    );
    site.write("book.toml", &toml);
    let run = site.run(&["build", "--site-url", "/archive/", "-d", "www/archive"]);
    run.expect_code(0);
    assert!(!run.stderr.contains("brand."), "{}", run.stderr);
    run_e2e(
        "a11y.mjs",
        &[&server.url(), "magazine theme, brand colours"],
        LIMIT,
    )
    .expect_success("node e2e/a11y.mjs (magazine theme)");
}

/// `target/screenshots/` (next to `target/tmp/`, wherever the target folder is).
fn screenshot_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("screenshots")
}

#[test]
fn static_server_serves_a_subpath_like_github_pages() {
    let site = Site::empty();
    site.write("out/index.html", "<h1>home</h1>")
        .write("out/a b/index.html", "<h1>spaced</h1>")
        .write("out/style.css", "h1{}")
        .write("out/404.html", "<h1>missing</h1>")
        .write("secret.txt", "outside");
    let server = StaticServer::start(&site.path().join("out"), "/archive/");
    let get = |path: &str| crate::support::http_get(&server, path);
    assert_eq!(get("/archive/"), (200, "<h1>home</h1>".to_owned()));
    assert_eq!(get("/archive/a%20b/"), (200, "<h1>spaced</h1>".to_owned()));
    assert_eq!(get("/archive/a%20b").0, 301);
    assert_eq!(get("/archive").0, 301);
    assert_eq!(get("/archive/style.css?v=1"), (200, "h1{}".to_owned()));
    assert_eq!(get("/archive/nope/"), (404, "<h1>missing</h1>".to_owned()));
    assert_eq!(get("/archive/../secret.txt").0, 404);
    assert_eq!(get("/archive/%2e%2e/secret.txt").0, 404);
    assert_eq!(get("/index.html").0, 404);
}
