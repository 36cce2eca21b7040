//! `castbook --version` names the commit it was built from: build.rs asks
//! build/commit.rs, tested here on real trees of each kind.

use std::path::Path;
use std::process::Command;

use crate::support::{in_ci, repo};

#[path = "../../build/commit.rs"]
mod commit;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgSign=false",
        ])
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || crate::support::tool_missing("git is not installed")
}

/// Whether the repository itself is a git checkout (a crates.io package or a tarball
/// of it is not; CI's clone is).
fn repo_is_a_checkout() -> bool {
    let top = Command::new("git")
        .arg("-C")
        .arg(repo())
        .args(["rev-parse", "--show-toplevel"])
        .output();
    let is = top.is_ok_and(|o| {
        o.status.success()
            && std::fs::canonicalize(String::from_utf8_lossy(&o.stdout).trim()).ok()
                == std::fs::canonicalize(repo()).ok()
    });
    assert!(
        is || !in_ci(),
        "CI=true but the repository is not a git checkout"
    );
    is
}

#[test]
fn version_names_the_commit_of_the_checkout() {
    let out = Command::new(env!("CARGO_BIN_EXE_castbook"))
        .arg("--version")
        .output()
        .unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    if !have_git() || !repo_is_a_checkout() {
        assert!(
            printed.starts_with(&format!("castbook {version}")),
            "{printed}"
        );
        return;
    }
    let head = git(&repo(), &["log", "-1", "--format=%H %cs"]);
    let (hash, date) = head.trim().split_once(' ').unwrap();
    assert_eq!(
        printed.trim(),
        format!("castbook {version} ({} {date})", &hash[..12])
    );
}

#[test]
fn a_crates_io_package_names_the_commit_cargo_packaged() {
    // As `cargo package` writes it, here inside an unrelated repository: the package's
    // own record wins.
    let dir = tempfile::tempdir().unwrap();
    let json = "{\n  \"git\": {\n    \"sha1\": \"4512783C70AFADDEE17AF612F7204537875306E2\"\n  },\n  \"path_in_vcs\": \"\"\n}";
    std::fs::write(dir.path().join(".cargo_vcs_info.json"), json).unwrap();
    if have_git() {
        git(dir.path(), &["init", "-q"]);
        git(
            dir.path(),
            &["commit", "-q", "--allow-empty", "-m", "other"],
        );
    }
    let found = commit::find(dir.path());
    assert_eq!(
        found.commit,
        Some(commit::Commit {
            hash: "4512783c70af".to_owned(),
            date: None
        })
    );
    assert_eq!(found.watch, [dir.path().join(".cargo_vcs_info.json")]);
    for bad in ["{}", "{\"git\": {\"sha1\": \"xyz\"}}", "{\"sha1\": 12}", ""] {
        assert_eq!(commit::from_vcs_info(bad), None, "{bad}");
    }
}

#[test]
fn git_names_the_commit_only_at_the_top_of_its_repository() {
    if !have_git() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    git(top, &["init", "-q"]);
    // No commit yet: nothing to name.
    assert_eq!(commit::find(top).commit, None);
    git(top, &["commit", "-q", "--allow-empty", "-m", "first"]);
    let head = git(top, &["log", "-1", "--format=%H %cs"]);
    let (hash, date) = head.trim().split_once(' ').unwrap();
    let found = commit::find(top);
    assert_eq!(
        found.commit,
        Some(commit::Commit {
            hash: hash[..12].to_owned(),
            date: Some(date.to_owned())
        })
    );
    // Cargo reruns the build script when HEAD moves; every watched file exists.
    assert!(
        found.watch.iter().any(|p| p.ends_with("HEAD")),
        "{:?}",
        found.watch
    );
    assert!(found.watch.iter().all(|p| p.is_file()), "{:?}", found.watch);

    // A copy of castbook vendored inside another project's repository.
    let vendored = top.join("vendor/castbook");
    std::fs::create_dir_all(&vendored).unwrap();
    let found = commit::find(&vendored);
    assert_eq!(found.commit, None);
    assert!(found.watch.is_empty());
}

#[test]
fn a_git_archive_tarball_names_its_commit() {
    // In a checkout the placeholder is still unexpanded.
    let placeholder = std::fs::read_to_string(repo().join("build/archive-commit")).unwrap();
    assert_eq!(commit::from_archive(&placeholder), None, "{placeholder}");
    if !have_git() || !repo_is_a_checkout() {
        return;
    }
    // `git archive` (GitHub's source downloads) expands it: .gitattributes' export-subst.
    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("src.tar");
    git(
        &repo(),
        &[
            "archive",
            "--format=tar",
            "-o",
            tar.to_str().unwrap(),
            "HEAD",
            "build/archive-commit",
        ],
    );
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let head = git(&repo(), &["log", "-1", "--format=%H %cs"]);
    let (hash, date) = head.trim().split_once(' ').unwrap();
    assert_eq!(
        commit::find(dir.path()).commit,
        Some(commit::Commit {
            hash: hash[..12].to_owned(),
            date: Some(date.to_owned())
        })
    );
    // Anything else names no commit.
    let bare = tempfile::tempdir().unwrap();
    assert_eq!(commit::find(bare.path()).commit, None);
    assert_eq!(commit::from_archive("4512783 2026-11-26"), None);
}
