//! Which commit a source tree is, for `castbook --version`. Shared by `build.rs` and the
//! tests (tests/suite/version.rs), which check each source below on real trees.
//!
//! Three kinds of tree reach the build:
//! - a crates.io package: cargo wrote `.cargo_vcs_info.json` with the commit it packaged;
//! - a git checkout: `git` says, but only when this folder is the repository's top (a
//!   vendored copy inside someone else's repository must not report *their* commit);
//! - a `git archive` tarball (GitHub's "Source code" downloads): git filled in the
//!   `export-subst` placeholders of `build/archive-commit` (see .gitattributes).
//!
//! Anything else (a copied folder, a tarball of a working tree) names no commit.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A commit: its abbreviated hash and, where known, its date (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Commit {
    /// The first 12 hex digits of the hash.
    pub(crate) hash: String,
    /// The committer date, when the source knows it.
    pub(crate) date: Option<String>,
}

impl std::fmt::Display for Commit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.date {
            Some(date) => write!(f, "{} {date}", self.hash),
            None => f.write_str(&self.hash),
        }
    }
}

/// What was found, and the files whose change should run the build script again.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The commit, if any source named one.
    pub(crate) commit: Option<Commit>,
    /// Existing files the answer depends on.
    pub(crate) watch: Vec<PathBuf>,
}

/// The commit of the source tree at `dir` (the crate's manifest folder).
pub(crate) fn find(dir: &Path) -> Found {
    let vcs_info = dir.join(".cargo_vcs_info.json");
    if let Ok(text) = std::fs::read_to_string(&vcs_info) {
        return Found {
            commit: from_vcs_info(&text),
            watch: vec![vcs_info],
        };
    }
    if let Some(found) = from_git(dir) {
        return found;
    }
    let archive = dir.join("build/archive-commit");
    match std::fs::read_to_string(&archive) {
        Ok(text) => Found {
            commit: from_archive(&text),
            watch: vec![archive],
        },
        Err(_) => Found::default(),
    }
}

/// `"sha1": "<40 hex>"` from cargo's `.cargo_vcs_info.json`; the format is cargo's and
/// fixed, so a search for the one key is enough (no JSON parser in the build script).
pub(crate) fn from_vcs_info(text: &str) -> Option<Commit> {
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    let hash = &value[..value.find('"')?];
    full_hash(hash).map(|hash| Commit { hash, date: None })
}

/// `<hash> <date>` as `git archive` writes it into `build/archive-commit`; `None` while
/// the placeholder is still unexpanded (any checkout, or a package made by cargo).
pub(crate) fn from_archive(text: &str) -> Option<Commit> {
    let mut words = text.split_whitespace();
    let hash = full_hash(words.next()?)?;
    let date = words.next().filter(|d| is_date(d)).map(str::to_owned);
    Some(Commit { hash, date })
}

fn from_git(dir: &Path) -> Option<Found> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    // Canonical paths: the manifest folder may be reached through a symlink.
    if std::fs::canonicalize(top.trim()).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    let mut found = Found::default();
    let paths = git(
        dir,
        &[
            "rev-parse",
            "--path-format=absolute",
            "--git-dir",
            "--git-common-dir",
        ],
    )?;
    let mut paths = paths.lines().map(PathBuf::from);
    let (git_dir, common_dir) = (paths.next()?, paths.next()?);
    // HEAD moves on checkout, its reflog on every commit, reset or checkout in this
    // worktree; the branch file or packed-refs move with the branch. Other branches'
    // files are left out: commits elsewhere must not rebuild this tree.
    let mut watch = vec![git_dir.join("HEAD"), git_dir.join("logs/HEAD")];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch.push(common_dir.join(branch.trim()));
    }
    watch.push(common_dir.join("packed-refs"));
    // A missing file would make cargo run the script on every build.
    found.watch = watch.into_iter().filter(|p| p.is_file()).collect();

    // An empty repository (no commit yet) names no commit; the watch list still applies.
    if let Some(out) = git(dir, &["log", "-1", "--format=%H %cs"]) {
        found.commit = from_archive(&out);
    }
    Some(found)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

fn full_hash(text: &str) -> Option<String> {
    // SHA-1 (40) or SHA-256 (64) object names.
    let ok = matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| text[..12].to_ascii_lowercase())
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}
