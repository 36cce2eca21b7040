//! Issue 13: a build over its own earlier output renders and writes only the pages and
//! exports whose fingerprint moved, keeps the search index when its inputs did not
//! change, and leaves byte for byte what a build into an empty folder makes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{self, Run, Site, generate};

/// Every file under `root` with its bytes, castbook's record of them aside.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    support::tree(root)
        .into_iter()
        .filter_map(|(rel, bytes)| Some((rel, bytes?)))
        .collect()
}

/// The files `--timings` says a stage wrote.
fn written(run: &Run, stage: &str) -> u64 {
    let line = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{stage} ")))
        .unwrap_or_else(|| panic!("no `{stage}` line in:\n{}", run.stderr));
    let files = line.trim_end().strip_suffix(" files").unwrap();
    let n = files.rsplit(' ').next().unwrap();
    n.replace(',', "").parse().unwrap()
}

/// Builds `site` over its output with `args`, then into a new folder, and checks that
/// the two are the same; returns the first build's run.
fn build_and_compare(site: &Site, args: &[&str], n: &mut usize) -> Run {
    let mut over = vec!["build", "--timings"];
    over.extend(args);
    let run = site.run(&over);
    run.expect_code(0);
    *n += 1;
    let fresh = format!("fresh-{n}");
    let mut into = vec!["build", "-d", &fresh];
    into.extend(args);
    site.run(&into).expect_code(0);
    let (a, b) = (
        tree(&site.path().join("public")),
        tree(&site.path().join(&fresh)),
    );
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "build {n} over the previous output differs from a new one in {} files: {:?}",
        differ.len(),
        &differ[..differ.len().min(10)]
    );
    std::fs::remove_dir_all(site.path().join(&fresh)).unwrap();
    run
}

#[test]
fn rebuilds_write_only_what_changed_and_equal_a_new_build() {
    let site = Site::sample();
    let generated = site.path().join("content/generated");
    if !generate(12, &generated) {
        return;
    }
    let mut n = 0;
    // The third build is the first to start from a folder a build recorded (the one
    // two builds back: see src/output.rs).
    for _ in 0..3 {
        build_and_compare(&site, &[], &mut n);
    }
    let run = build_and_compare(&site, &[], &mut n);
    assert_eq!(written(&run, "render"), 0, "{}", run.stderr);
    assert_eq!(written(&run, "exports"), 0, "{}", run.stderr);
    assert_eq!(written(&run, "search"), 0, "{}", run.stderr);
    // The size line still counts the whole site, and says that this build kept it.
    let size = run.stdout.lines().find(|l| l.starts_with("site ")).unwrap();
    assert!(
        !size.starts_with("site 0") && size.contains("search "),
        "{}",
        run.stdout
    );
    assert!(
        size.ends_with("; this build wrote 0.0 MB in 0 files and kept the rest"),
        "{size}"
    );

    // One transcript's words: its pages and the search index move, not the rest.
    let mut names: Vec<_> = std::fs::read_dir(&generated)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let text = std::fs::read_to_string(&names[0]).unwrap();
    let turn = text
        .lines()
        .find(|l| l.ends_with(':') && l.contains(" 00:"))
        .unwrap();
    let at = text.find(turn).unwrap() + turn.len();
    let edited = format!(
        "{}\n\nA sentence said once, zyzzyvaword.{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&names[0], edited).unwrap();
    for _ in 0..2 {
        let run = build_and_compare(&site, &[], &mut n);
        let pages = written(&run, "render");
        assert!(pages > 0 && pages < 30, "{pages} files:\n{}", run.stderr);
        assert!(written(&run, "search") > 0, "{}", run.stderr);
    }

    // An episode gone, a setting that every page shows, minification off: each build
    // equals a new one (no stale page, nothing kept that moved).
    std::fs::remove_file(&names[1]).unwrap();
    build_and_compare(&site, &[], &mut n);
    build_and_compare(&site, &[], &mut n);
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        toml.replacen("title = \"", "title = \"Renamed: ", 1),
    );
    build_and_compare(&site, &[], &mut n);
    let run = build_and_compare(&site, &[], &mut n);
    assert!(written(&run, "render") > 30, "{}", run.stderr);
    build_and_compare(&site, &["--no-minify"], &mut n);
    build_and_compare(&site, &["--no-minify"], &mut n);

    build_and_compare(&site, &[], &mut n);
    build_and_compare(&site, &[], &mut n);

    // A page edited by hand in the output is put right once its folder is recycled
    // (the record says it is unchanged; its length and time say otherwise).
    let index = site.path().join("public/index.html");
    std::fs::write(&index, "edited by hand").unwrap();
    build_and_compare(&site, &[], &mut n);
    build_and_compare(&site, &[], &mut n);
    assert_ne!(std::fs::read(&index).unwrap(), b"edited by hand");
}
