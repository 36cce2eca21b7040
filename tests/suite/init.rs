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
    let action = format!("- uses: castbook/castbook@v{}\n", env!("CARGO_PKG_VERSION"));
    for step in [
        "actions/checkout@v6",
        "actions/configure-pages@v6",
        &action,
        "castbook build --site-url \"${{ steps.pages.outputs.base_url }}/\"",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ] {
        assert!(workflow.contains(step), "{step} missing from\n{workflow}");
    }
    assert!(!workflow.contains("cargo install"), "{workflow}");
    assert!(!dir.join(".gitlab-ci.yml").exists());

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

/// Archives laid out as users keep them: `init` in each adds no example, says so, and
/// the next build publishes only the archive's own episodes.
#[test]
fn init_in_archives_of_every_shape_adds_no_episode_and_says_so() {
    let sample = std::fs::read_dir(repo().join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    let transcript = std::fs::read_to_string(sample).unwrap();
    // (name, files to write, symlinks to make (link, target), example path)
    type Layout<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let layouts: Vec<Layout<'_>> = vec![
        (
            "nested",
            vec!["content/2024/show/ep.txt"],
            vec![],
            "content",
        ),
        ("markdown", vec!["content/EP.MD"], vec![], "content"),
        (
            "shows folder linked in",
            vec!["shows/ep.txt"],
            vec![("content/shows", "../shows")],
            "content",
        ),
        (
            "transcript linked in",
            vec!["archive/ep.txt"],
            vec![("content/ep.txt", "../archive/ep.txt")],
            "content",
        ),
        (
            "content folder linked",
            vec!["real/ep.txt"],
            vec![("content", "real")],
            "content",
        ),
    ];
    for (name, files, links, src) in layouts {
        let site = Site::empty();
        std::fs::create_dir_all(site.path().join("content")).unwrap();
        for f in &files {
            site.write(f, &transcript);
        }
        for (link, target) in &links {
            let link = site.path().join(link);
            if link.is_dir() {
                std::fs::remove_dir(&link).unwrap();
            }
            std::os::unix::fs::symlink(target, link).unwrap();
        }
        let run = site.run(&["init"]);
        run.expect_code(0);
        let example = format!("{src}/example-episode.txt");
        assert!(
            !site.path().join(&example).exists(),
            "{name}: example added\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!(
                "skipped {example} (the content folder already has transcripts)"
            )),
            "{name}:\n{}",
            run.stdout
        );
        let build = site.run(&["build"]);
        build.expect_code(0);
        assert!(
            build.stdout.contains("1 episode"),
            "{name}: {}",
            build.stdout
        );
    }

    // A custom `[book] src`: the example is neither added there nor in `content/`.
    let site = Site::empty();
    site.write("book.toml", "[book]\nsrc = \"./transcripts/\"\n")
        .write("transcripts/ep.txt", &transcript);
    let run = site.run(&["init"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("already has transcripts"),
        "{}",
        run.stdout
    );
    assert!(!site.path().join("content").exists());
    assert!(!site.path().join("transcripts/example-episode.txt").exists());
}

#[test]
fn init_with_an_unreadable_book_toml_or_content_folder_adds_no_episode() {
    // A book.toml with an error: its content folder is unknown, so init stops first.
    let site = Site::empty();
    site.write("book.toml", "[book]\nsrc = \"transcripts\"\ntitle = 3\n")
        .write("transcripts/ep.txt", "x");
    let before = snapshot(site.path());
    let run = site.run(&["init"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("book.toml") && run.stderr.contains("fix it first"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(site.path()), before, "init wrote something");

    // A content folder leading outside the archive: nothing is written through it.
    let outside = Site::empty();
    let site = Site::empty();
    std::os::unix::fs::symlink(outside.path(), site.path().join("content")).unwrap();
    let run = site.run(&["init"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("skipped content/example-episode.txt (the content folder cannot be read"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
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

/// The `.gitlab-ci.yml` that `init --ci gitlab` wrote, as JSON.
pub fn gitlab_ci(site: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(site.join(".gitlab-ci.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The steps of `.github/workflows/pages.yml`'s build job, as JSON.
fn github_build_steps(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    workflow["jobs"]["build"]["steps"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn init_ci_github_writes_the_pages_workflow_with_the_action() {
    let site = Site::empty();
    let run = site.run(&["init", "--ci", "github"]);
    run.expect_code(0);
    assert!(run.stdout.contains("Settings → Pages"), "{}", run.stdout);
    assert!(!site.path().join(".gitlab-ci.yml").exists());
    let steps = github_build_steps(site.path());
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    let action = format!("castbook/castbook@v{}", env!("CARGO_PKG_VERSION"));
    // Checkout, Pages' address, castbook, then the build; one line installs castbook.
    assert_eq!(
        uses,
        [
            "actions/checkout@v6",
            "actions/configure-pages@v6",
            action.as_str(),
            "actions/upload-pages-artifact@v5",
        ]
    );
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert_eq!(
        runs,
        ["castbook build --site-url \"${{ steps.pages.outputs.base_url }}/\""]
    );
    // The same file as plain `init`.
    let default = Site::empty();
    default.run(&["init"]).expect_code(0);
    assert_eq!(
        std::fs::read(default.path().join(".github/workflows/pages.yml")).unwrap(),
        std::fs::read(site.path().join(".github/workflows/pages.yml")).unwrap()
    );
}

#[test]
fn init_ci_gitlab_writes_a_pages_job_for_the_project_pages_url() {
    let site = Site::empty();
    let run = site.run(&["init", "podcast", "--ci", "gitlab"]);
    run.expect_code(0);
    let dir = site.path().join("podcast");
    assert!(
        run.stdout.contains("podcast/.gitlab-ci.yml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Deploy → Pages"), "{}", run.stdout);
    assert!(
        !dir.join(".github").exists(),
        "a GitHub workflow was written too"
    );
    for file in ["book.toml", ".gitignore", "content/example-episode.txt"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }

    let ci = gitlab_ci(&dir);
    let jobs: Vec<&String> = ci.as_object().unwrap().keys().collect();
    assert_eq!(jobs, ["pages"], "one job, named as GitLab Pages wants");
    let job = &ci["pages"];
    assert_eq!(job["stage"].as_str(), Some("deploy"));
    assert_eq!(job["artifacts"]["paths"], serde_json::json!(["public"]));
    assert_eq!(
        job["rules"][0]["if"].as_str(),
        Some("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    );
    assert_eq!(
        job["variables"]["CASTBOOK_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        job["variables"]["CASTBOOK_DOWNLOAD"].as_str(),
        Some("https://github.com/castbook/castbook/releases/download")
    );
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        script
            .iter()
            .any(|l| l.starts_with("(cd .castbook && sha256sum -c "))
    );
    assert_eq!(
        script.last(),
        Some(&"castbook build --site-url \"$CI_PAGES_URL\" --dest-dir public")
    );
    // The job itself runs in tests/suite/action.rs against a local release.

    // The scaffold builds as is.
    run_in(&dir, &["build"]).expect_code(0);
}

#[test]
fn init_ci_none_writes_no_ci_file_and_a_wrong_host_is_refused() {
    let site = Site::empty();
    let run = site.run(&["init", "--ci", "none"]);
    run.expect_code(0);
    assert!(!site.path().join(".github").exists());
    assert!(!site.path().join(".gitlab-ci.yml").exists());
    assert!(site.path().join("book.toml").is_file());
    assert!(run.stdout.contains("any static host"), "{}", run.stdout);

    let other = Site::empty();
    let run = other.run(&["init", "--ci", "bitbucket"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("github, gitlab, none"),
        "{}",
        run.stderr
    );
    assert!(std::fs::read_dir(other.path()).unwrap().next().is_none());
}

#[test]
fn init_ci_gitlab_in_a_github_archive_adds_only_the_gitlab_file() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    let before = snapshot(site.path());
    let run = site.run(&["init", "--ci", "gitlab"]);
    run.expect_code(0);
    let after = snapshot(site.path());
    let added: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(added, [&PathBuf::from(".gitlab-ci.yml")]);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
}

/// The YAML block of the README that starts with `first_line`, as JSON.
fn readme_yaml(first_line: &str) -> serde_json::Value {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let fence = format!("```yaml\n{first_line}\n");
    let start = readme.find(&fence).expect("the README's example") + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    serde_saphyr::from_str(&readme[start..end]).unwrap()
}

#[test]
fn the_readme_shows_the_ci_files_init_writes() {
    let site = Site::empty();
    site.run(&["init", "--ci", "github"]).expect_code(0);
    site.run(&["init", "--ci", "gitlab"]).expect_code(0);

    // GitHub: the README's workflow is init's without names and comments: same steps.
    let shown = readme_yaml("name: Deploy transcripts to Pages");
    let shown_steps = shown["jobs"]["build"]["steps"].as_array().unwrap();
    let written = github_build_steps(site.path());
    let key = |steps: &[serde_json::Value]| -> Vec<String> {
        steps
            .iter()
            .map(|s| {
                let what = s["uses"].as_str().or(s["run"].as_str()).unwrap();
                format!("{what} {}", s["with"])
            })
            .collect()
    };
    assert_eq!(key(shown_steps), key(&written));

    // GitLab: the same job, comments aside.
    assert_eq!(readme_yaml("pages:"), gitlab_ci(site.path()));
}
