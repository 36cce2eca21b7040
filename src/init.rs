//! `castbook init`: scaffold a ready archive — `book.toml` with every key explained, one
//! example transcript, `.gitignore`, and a GitHub Pages workflow (or a GitLab Pages
//! pipeline, with `--ci gitlab`) — that builds as is.
//!
//! It never overwrites: every file is created with `create_new`, so an existing file
//! (even one appearing meanwhile) is left alone and reported as skipped. The example
//! transcript is added only to a content folder without transcripts (looked at with the
//! build's own walk, so linked folders and files count), so `init` in an existing
//! archive never adds an episode to it; an existing book.toml that cannot be read stops
//! `init` before it writes anything. `--theme` also copies the embedded
//! default theme to `themes/default/` for editing.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::{CONFIG_FILE, Config};

const BOOK_TOML: &str = include_str!("init/book.toml");
const EXAMPLE: &str = include_str!("init/example-episode.txt");
const GITIGNORE: &str = include_str!("init/gitignore");
const PAGES_YML: &str = include_str!("init/pages.yml");
const GITLAB_CI_YML: &str = include_str!("init/gitlab-ci.yml");

/// Which host's continuous integration publishes the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ci {
    /// GitHub Pages: `.github/workflows/pages.yml`, using the castbook action.
    #[default]
    Github,
    /// GitLab Pages: `.gitlab-ci.yml`, building into `public/` for the Pages address.
    Gitlab,
    /// No CI file: build and upload the output folder yourself.
    None,
}

/// Where the scaffold goes, and whether to copy the theme out too.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The archive folder; created when missing.
    pub dir: PathBuf,
    /// Also copy the default theme into `themes/default/`.
    pub theme: bool,
    /// The CI file to write.
    pub ci: Ci,
}

/// Why a file was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A file is already there (it was left untouched).
    Exists,
    /// The content folder already holds transcripts, so no example is added.
    HasTranscripts,
    /// The content folder cannot be read as one (it leads outside the archive, is not
    /// a folder, or is unreadable); `castbook check` says why.
    ContentUnusable,
}

/// What `init` did, with paths relative to the archive folder.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// The archive folder.
    pub dir: PathBuf,
    /// Files written.
    pub created: Vec<PathBuf>,
    /// Files not written, and why.
    pub skipped: Vec<(PathBuf, SkipReason)>,
}

/// Creates whatever of the scaffold is missing in `opts.dir`; never overwrites.
pub fn init(opts: &InitOptions) -> anyhow::Result<InitReport> {
    let dir = &opts.dir;
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` exists and is not a folder", dir.display());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create folder `{}`", dir.display()))?;
    let config = existing_config(dir)?;
    let mut report = InitReport {
        dir: dir.clone(),
        ..InitReport::default()
    };

    let build_dir = config.build.build_dir.to_string_lossy().into_owned();
    let files = [
        Some((PathBuf::from(CONFIG_FILE), book_toml(dir))),
        Some((PathBuf::from(".gitignore"), gitignore(&config))),
        ci_file(opts.ci, &build_dir),
    ];
    for (rel, text) in files.into_iter().flatten() {
        write_new(dir, rel, &text, &mut report)?;
    }

    let example = config.book.src.join("example-episode.txt");
    // An example already there is simply "exists"; other transcripts mean a real archive.
    let content = match content_state(dir, &dir.join(&config.book.src)) {
        _ if dir.join(&example).exists() => None,
        ContentState::Empty => None,
        ContentState::HasTranscripts => Some(SkipReason::HasTranscripts),
        ContentState::Unusable => Some(SkipReason::ContentUnusable),
    };
    match content {
        Some(why) => report.skipped.push((example, why)),
        None => write_new(dir, example, EXAMPLE, &mut report)?,
    }

    if opts.theme {
        copy_theme(dir, &mut report)?;
    }
    Ok(report)
}

/// The settings of an archive already there (so the example lands in its content folder
/// and the workflow uploads its output folder); defaults without a book.toml. A
/// book.toml that cannot be read is an error: guessing its content folder could put
/// the example episode beside real transcripts.
fn existing_config(dir: &Path) -> anyhow::Result<Config> {
    if !dir.join(CONFIG_FILE).exists() {
        return Ok(Config::default());
    }
    let loaded = crate::config::load(dir).with_context(|| {
        format!(
            "`init` reads the existing `{}` to find the content and output folders; fix it \
             first",
            dir.join(CONFIG_FILE).display()
        )
    })?;
    Ok(loaded.config)
}

/// Writes `text` to `dir/rel` unless something is there; records which happened.
fn write_new(dir: &Path, rel: PathBuf, text: &str, report: &mut InitReport) -> anyhow::Result<()> {
    let path = dir.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create folder `{}`", parent.display()))?;
    }
    // create_new is atomic: no check-then-write window in which a file could be clobbered.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .with_context(|| format!("failed to write `{}`", path.display()))?;
            report.created.push(rel);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            report.skipped.push((rel, SkipReason::Exists));
        }
        Err(e) => return Err(e).with_context(|| format!("failed to create `{}`", path.display())),
    }
    Ok(())
}

fn copy_theme(dir: &Path, report: &mut InitReport) -> anyhow::Result<()> {
    let theme_rel = Path::new("themes").join("default");
    let written = crate::theme::copy_default_theme(&dir.join(&theme_rel))?;
    for (rel, _) in crate::theme::DEFAULT_THEME {
        let rel = theme_rel.join(rel);
        if written.contains(&dir.join(&rel)) {
            report.created.push(rel);
        } else {
            report.skipped.push((rel, SkipReason::Exists));
        }
    }
    Ok(())
}

/// What the content folder holds, as a build would see it.
enum ContentState {
    /// Missing, or no transcript in it.
    Empty,
    /// At least one transcript.
    HasTranscripts,
    /// A build could not read it (outside the root, not a folder, unreadable).
    Unusable,
}

/// Looks at `content` with the build's own walk, so whatever a build would publish
/// (transcripts in symlinked folders, linked files, any extension it reads) counts.
fn content_state(root: &Path, content: &Path) -> ContentState {
    match std::fs::symlink_metadata(content) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ContentState::Empty,
        _ => {}
    }
    match crate::content::list(root, content) {
        Ok(listing) if listing.files.is_empty() => ContentState::Empty,
        Ok(_) => ContentState::HasTranscripts,
        Err(_) => ContentState::Unusable,
    }
}

fn book_toml(dir: &Path) -> String {
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|d| {
            d.components()
                .next_back()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
        })
        .filter(|n| !n.is_empty() && n != "/")
        .unwrap_or_else(|| "Podcast transcripts".to_owned());
    // A TOML basic string, escaped by the toml crate itself (names may hold quotes).
    let title = toml::Value::String(name).to_string();
    BOOK_TOML.replace("@TITLE@", &title)
}

fn gitignore(config: &Config) -> String {
    let build_dir = &config.build.build_dir;
    let line = if build_dir.is_relative() {
        let mut pattern = String::from("/");
        for c in build_dir.to_string_lossy().trim_end_matches('/').chars() {
            // Characters with a meaning in .gitignore patterns are matched literally.
            if "*?[]!# \\".contains(c) {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('/');
        pattern
    } else {
        format!(
            "# (the build folder is outside this folder: {})",
            build_dir.display()
        )
    };
    GITIGNORE.replace("@BUILD_DIR_IGNORE@", &line)
}

/// The CI file for `ci`, as (path in the archive, text).
fn ci_file(ci: Ci, build_dir: &str) -> Option<(PathBuf, String)> {
    match ci {
        Ci::Github => Some((
            PathBuf::from(".github/workflows/pages.yml"),
            pages_yml(build_dir),
        )),
        Ci::Gitlab => Some((PathBuf::from(".gitlab-ci.yml"), gitlab_ci_yml())),
        Ci::None => None,
    }
}

/// The castbook action at this castbook's version, e.g. `castbook/castbook@v0.1.0`: the
/// workflow keeps installing the release it was written for until the user raises it.
fn action_ref() -> String {
    let repo = env!("CARGO_PKG_REPOSITORY");
    let repo = repo.strip_prefix("https://github.com/").unwrap_or(repo);
    format!("{repo}@v{}", env!("CARGO_PKG_VERSION"))
}

fn pages_yml(build_dir: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars: safe whatever the folder's name.
    let path = serde_json::to_string(build_dir).unwrap_or_else(|_| "public".to_owned());
    PAGES_YML
        .replace("@ACTION@", &action_ref())
        .replace("@BUILD_DIR@", &path)
}

/// GitLab Pages publishes `public/` whatever `build-dir` says, so the job builds there.
fn gitlab_ci_yml() -> String {
    GITLAB_CI_YML
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace(
            "@RELEASES@",
            &format!("{}/releases", env!("CARGO_PKG_REPOSITORY")),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled() {
        let yml = pages_yml("public");
        assert!(
            !yml.contains("@ACTION@") && !yml.contains("@BUILD_DIR@"),
            "{yml}"
        );
        assert!(yml.contains("path: \"public\""));
        let action = format!("- uses: castbook/castbook@v{}\n", env!("CARGO_PKG_VERSION"));
        assert!(yml.contains(&action), "{yml}");
        assert!(!yml.contains("cargo install"), "{yml}");
        assert!(yml.contains("${{ steps.pages.outputs.base_url }}/"));
        let gitlab = gitlab_ci_yml();
        assert!(!gitlab.contains("@VERSION@") && !gitlab.contains("@RELEASES@"));
        assert!(gitlab.contains(&format!(
            "CASTBOOK_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(gitlab.contains("https://github.com/castbook/castbook/releases/download"));
        assert_eq!(
            gitignore(&Config::default()).lines().last(),
            Some("/public/")
        );
    }

    #[test]
    fn book_toml_parses_without_warnings_and_matches_the_defaults() {
        let dir = Path::new("/tmp/My \"Show\"");
        let text = book_toml(dir);
        let (config, warnings) = crate::config::parse(&text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.book.title.as_deref(), Some("My \"Show\""));
        let defaults = Config::default();
        assert_eq!(config.build, defaults.build);
        assert_eq!(config.output, defaults.output);
        assert_eq!(config.content, defaults.content);
        // Every commented-out key must also parse once uncommented.
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with("[[") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (config, warnings) = crate::config::parse(&uncommented).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.taxonomies.len(), 2);
    }
}
