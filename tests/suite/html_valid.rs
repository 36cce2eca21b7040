//! HTML validity: the Nu HTML Checker (`vnu.jar` from npm `vnu-jar`, run with the
//! machine's Java) reports no errors on the built pages, minified or not.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Site, generate, have_vnu, vnu_jar};

/// Pages of the sample that must exist and be valid (every other page is checked too).
const SAMPLE_PAGES: &[&str] = &[
    "index.html",
    "episodes/index.html",
    "guests/index.html",
    "hosts/index.html",
    "topics/index.html",
    "404.html",
    // Taxonomies (the sample's book.toml declares four): index, term, range, year.
    "companies/index.html",
    "companies/hello-interview/index.html",
    "career-start/index.html",
    "career-start/2000-2004/index.html",
    "episodes/2025/index.html",
];

/// Page kinds whose first instance (in file-name order) must exist: an episode, a
/// person, a topic.
const PAGE_KINDS: &[&str] = &["episodes", "people", "topics"];

#[test]
fn sample_pages_are_valid_html_without_minify() {
    if !have_vnu() {
        return;
    }
    let site = Site::sample();
    site.run(&["build", "--no-minify"]).expect_code(0);
    assert_valid(&site.path().join("public"), SAMPLE_PAGES, &[]);
}

#[test]
fn sample_pages_are_valid_html_minified() {
    if !have_vnu() {
        return;
    }
    let site = Site::sample();
    site.run(&["build"]).expect_code(0);
    assert_valid(&site.path().join("public"), SAMPLE_PAGES, &[]);
}

#[test]
fn magazine_theme_with_a_brand_is_valid_html() {
    if !have_vnu() {
        return;
    }
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    let toml = toml.replacen(
        "[output.html]\n",
        "[output.html]\ntheme = \"magazine\"\nadditional-css = [\"x.css\"]\n",
        1,
    );
    site.write(
        "book.toml",
        format!(
            "{toml}\n[brand]\nlogo = \"static/logo.svg\"\nfavicon = \"static/logo.svg\"\n\
             social-image = \"static/logo.svg\"\naccent = \"#d9480f\"\n"
        ),
    )
    .write("x.css", "")
    .write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>",
    );
    site.run(&["build", "--no-minify"]).expect_code(0);
    assert_valid(&site.path().join("public"), SAMPLE_PAGES, &[]);
}

#[test]
fn generated_multi_show_corpus_is_valid_html() {
    if !have_vnu() {
        return;
    }
    let site = Site::empty();
    if !generate(20, &site.path().join("content")) {
        return;
    }
    // The sample's taxonomies, so term pages and filters with many terms are checked.
    std::fs::copy(
        crate::support::repo().join("book.toml"),
        site.path().join("book.toml"),
    )
    .unwrap();
    site.run(&["build"]).expect_code(0);
    // Several shows: podcast pages exist and are checked with the rest.
    let generated: Vec<&str> = SAMPLE_PAGES
        .iter()
        .copied()
        .filter(|p| {
            !p.contains("hello-interview") && !p.contains("2000-2004") && !p.contains("2025")
        })
        .collect();
    assert_valid(
        &site.path().join("public"),
        &generated,
        &[
            "podcasts",
            "companies",
            "roles",
            "company-sizes",
            "career-start",
        ],
    );
}

/// Checks every `.html` file under `out` with vnu (one JVM for all), after making
/// sure the `required` pages and one page of each kind in `PAGE_KINDS` and
/// `extra_kinds` are among them.
fn assert_valid(out: &Path, required: &[&str], extra_kinds: &[&str]) {
    for rel in required {
        assert!(out.join(rel).is_file(), "missing page {rel}");
    }
    for kind in PAGE_KINDS.iter().chain(extra_kinds) {
        let first = first_page(&out.join(kind));
        assert!(first.is_some(), "no page under {kind}/");
    }
    let mut pages = Vec::new();
    collect_html(out, &mut pages);
    pages.sort();
    let result = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--format", "text"])
        .args(&pages)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    let errors = report
        .lines()
        .filter(|l| l.starts_with("Error:") || l.starts_with("Fatal"))
        .count();
    assert!(
        result.status.success() && errors == 0,
        "Nu HTML Checker: {errors} error(s) in {} pages under {} (exit {:?}):\n{}",
        pages.len(),
        out.display(),
        result.status.code(),
        annotate(&report, out)
    );
    eprintln!("vnu: {} pages valid under {}", pages.len(), out.display());
}

/// The first `*/index.html` one level under `dir` (file-name order).
fn first_page(dir: &Path) -> Option<PathBuf> {
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.unwrap().path().join("index.html"))
        .filter(|p| p.is_file())
        .collect();
    subs.sort();
    subs.into_iter().next()
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            collect_html(&p, out);
        } else if p.extension().is_some_and(|e| e == "html") {
            out.push(p);
        }
    }
}

/// The report with paths made relative to `out` and, under each location line
/// (`From line L, column C; to line L2, column C2 in resource file:PATH`), the
/// source text there, so errors in minified one-line pages can be read.
fn annotate(report: &str, out: &Path) -> String {
    let prefix = format!("file:{}/", out.display());
    let mut text = String::new();
    for line in report.lines() {
        text.push_str(&line.replace(&prefix, ""));
        text.push('\n');
        if let Some(snippet) = snippet_at(line) {
            text.push_str(&format!("    source: {snippet}\n"));
        }
    }
    text
}

fn snippet_at(line: &str) -> Option<String> {
    let rest = line.strip_prefix("From line ")?;
    let (from, rest) = rest.split_once("; to line ")?;
    let (to, file) = rest.split_once(" in resource file:")?;
    let pos = |s: &str| -> Option<(usize, usize)> {
        let (l, c) = s.split_once(", column ")?;
        Some((l.trim().parse().ok()?, c.trim().parse().ok()?))
    };
    let ((l1, c1), (l2, c2)) = (pos(from)?, pos(to)?);
    let source = std::fs::read_to_string(file.trim()).ok()?;
    let chars: Vec<char> = source.lines().nth(l1 - 1)?.chars().collect();
    let start = c1.saturating_sub(60).max(1) - 1;
    let end = if l2 == l1 { c2 + 40 } else { c1 + 100 }.min(chars.len());
    Some(chars[start.min(end)..end].iter().collect())
}
