//! `castbook init`: scaffold a ready archive — `book.toml` with every key explained, one
//! example transcript, `.gitignore`, and a GitHub Pages workflow — that builds as is.
//!
//! It never overwrites: every file is created with `create_new`, so an existing file
//! (even one appearing meanwhile) is left alone and reported as skipped. The example
//! transcript is added only to a content folder without transcripts, so `init` in an
//! existing archive never adds an episode to it. `--theme` also copies the embedded
//! default theme to `themes/default/` for editing.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::{CONFIG_FILE, Config};

const BOOK_TOML: &str = include_str!("init/book.toml");
const EXAMPLE: &str = include_str!("init/example-episode.txt");
const GITIGNORE: &str = include_str!("init/gitignore");
const PAGES_YML: &str = include_str!("init/pages.yml");

/// Where the scaffold goes, and whether to copy the theme out too.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The archive folder; created when missing.
    pub dir: PathBuf,
    /// Also copy the default theme into `themes/default/`.
    pub theme: bool,
}

/// Why a file was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A file is already there (it was left untouched).
    Exists,
    /// The content folder already holds transcripts, so no example is added.
    HasTranscripts,
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
    let config = existing_config(dir);
    let mut report = InitReport {
        dir: dir.clone(),
        ..InitReport::default()
    };

    let build_dir = config.build.build_dir.to_string_lossy().into_owned();
    let files = [
        (PathBuf::from(CONFIG_FILE), book_toml(dir)),
        (PathBuf::from(".gitignore"), gitignore(&config)),
        (
            PathBuf::from(".github/workflows/pages.yml"),
            pages_yml(&build_dir),
        ),
    ];
    for (rel, text) in files {
        write_new(dir, rel, &text, &mut report)?;
    }

    let example = config.book.src.join("example-episode.txt");
    // An example already there is simply "exists"; other transcripts mean a real archive.
    if !dir.join(&example).exists() && has_transcripts(&dir.join(&config.book.src)) {
        report.skipped.push((example, SkipReason::HasTranscripts));
    } else {
        write_new(dir, example, EXAMPLE, &mut report)?;
    }

    if opts.theme {
        copy_theme(dir, &mut report)?;
    }
    Ok(report)
}

/// The settings of an archive already there (so the example lands in its content folder
/// and the workflow uploads its output folder); defaults otherwise, or if unreadable.
fn existing_config(dir: &Path) -> Config {
    if !dir.join(CONFIG_FILE).is_file() {
        return Config::default();
    }
    crate::config::load(dir).map_or_else(|_| Config::default(), |c| c.config)
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

/// Whether `content` holds any transcript (`.txt`/`.md`, not hidden), at any depth.
fn has_transcripts(content: &Path) -> bool {
    walkdir::WalkDir::new(content)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .any(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("txt") || x.eq_ignore_ascii_case("md"))
        })
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

fn pages_yml(build_dir: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars: safe whatever the folder's name.
    let path = serde_json::to_string(build_dir).unwrap_or_else(|_| "public".to_owned());
    PAGES_YML
        .replace("@REPOSITORY@", env!("CARGO_PKG_REPOSITORY"))
        .replace("@BUILD_DIR@", &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled() {
        let yml = pages_yml("public");
        assert!(
            !yml.contains("@REPOSITORY@") && !yml.contains("@BUILD_DIR@"),
            "{yml}"
        );
        assert!(yml.contains("path: \"public\""));
        assert!(yml.contains("--git https://github.com/castbook/castbook castbook"));
        assert!(yml.contains("${{ steps.pages.outputs.base_url }}/"));
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
