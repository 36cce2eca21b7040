//! `castbook init`: a scaffold that builds as is, and never a changed existing file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Site, repo, run_in};

const SCAFFOLD: [&str; 4] = [
    "book.toml",
    ".gitignore",
    ".github/workflows/pages.yml",
    "content/example-episode.txt",
];

/// Every file under `dir` (except the build output) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "public")
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn init_then_build_works_in_an_empty_folder() {
    let site = Site::empty();
    let run = site.run(&["init", "podcast"]);
    run.expect_code(0);
    let dir = site.path().join("podcast");
    for file in SCAFFOLD {
        assert!(dir.join(file).is_file(), "{file} missing\n{}", run.stdout);
        assert!(
            run.stdout.contains(file),
            "{file} not reported\n{}",
            run.stdout
        );
    }
    let toml = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    assert!(toml.contains("title = \"podcast\""), "{toml}");
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("/public/")
    );
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    for step in [
        "actions/checkout@v6",
        "actions/configure-pages@v6",
        "cargo install --locked --git https://github.com/castbook/castbook",
        "castbook build --site-url \"${{ steps.pages.outputs.base_url }}/\"",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ] {
        assert!(workflow.contains(step), "{step} missing from\n{workflow}");
    }

    // The example is clean: no warnings at all, and it builds.
    let check = run_in(&dir, &["check"]);
    check.expect_code(0);
    assert!(check.headlines().is_empty(), "{}", check.stderr);
    run_in(&dir, &["build"]).expect_code(0);
    assert!(dir.join("public/index.html").is_file());
    let episodes = std::fs::read_dir(dir.join("public/episodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").is_file() && !crate::support::is_year_dir(p))
        .count();
    assert_eq!(episodes, 1);
}

#[test]
fn init_again_changes_nothing() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    // The user edits a file; a second init must keep the edit.
    site.write("book.toml", "[book]\ntitle = \"Mine\"\n");
    let before = snapshot(site.path());
    let run = site.run(&["init"]);
    run.expect_code(0);
    assert_eq!(snapshot(site.path()), before, "init changed a file");
    for file in ["book.toml", ".gitignore", ".github/workflows/pages.yml"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(file) && l.contains("exists")),
            "{file} not reported as skipped\n{}",
            run.stdout
        );
    }
}

#[test]
fn init_in_an_existing_archive_adds_no_episode() {
    let site = Site::sample();
    let before = snapshot(site.path());
    let run = site.run(&["init", "."]);
    run.expect_code(0);
    let after = snapshot(site.path());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    assert!(!site.path().join("content/example-episode.txt").exists());
    assert!(site.path().join(".github/workflows/pages.yml").is_file());
    assert!(site.path().join(".gitignore").is_file());
}

#[test]
fn init_theme_copies_the_default_theme_without_overwriting() {
    let site = Site::sample();
    let run = site.run(&["init", "--theme"]);
    run.expect_code(0);
    let theme = site.path().join("themes/default");
    let base = theme.join("templates/base.html");
    assert_eq!(
        std::fs::read(&base).unwrap(),
        std::fs::read(repo().join("themes/default/templates/base.html")).unwrap()
    );
    // An edited theme file survives another `init --theme`, and the build uses it.
    let edited = std::fs::read_to_string(&base).unwrap().replacen(
        "</body>",
        "<p>CASTBOOK-THEME-EDIT</p></body>",
        1,
    );
    std::fs::write(&base, &edited).unwrap();
    site.run(&["init", "--theme"]).expect_code(0);
    assert_eq!(std::fs::read_to_string(&base).unwrap(), edited);
    site.run(&["build"]).expect_code(0);
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(home.contains("CASTBOOK-THEME-EDIT"));
}

#[test]
fn init_refuses_a_file_as_folder() {
    let site = Site::empty();
    site.write("taken", "x");
    let run = site.run(&["init", "taken"]);
    run.expect_code(2);
    assert_eq!(
        std::fs::read_to_string(site.path().join("taken")).unwrap(),
        "x"
    );
}
