//! Configuration: `book.toml` → [`Config`], with unknown keys reported as warnings.
//!
//! `book.toml` is optional; without it every default applies and the site root's
//! folder name becomes the title. Keys follow mdBook's names where meanings overlap.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::site::layout::{
    CHAPTERS_JSON, ExportFile, TRANSCRIPT_JSON, TRANSCRIPT_SRT, TRANSCRIPT_VTT, TRANSCRIPTS,
};

mod taxonomy;

pub use taxonomy::{GUEST_FIELDS, RESERVED_NAMES, TaxonomyConfig, TaxonomyOf};

/// The file name castbook reads its settings from.
pub const CONFIG_FILE: &str = "book.toml";

/// Every setting of a site, after defaults are applied.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct Config {
    /// `[book]`: title, description, language, content folder.
    pub book: BookConfig,
    /// `[build]`: where the site is written.
    pub build: BuildConfig,
    /// `[output.html]`: URLs, theme, domain.
    pub output: OutputConfig,
    /// `[brand]`: a show's look without editing templates.
    pub brand: BrandConfig,
    /// `[content]`: how transcripts are read.
    pub content: ContentConfig,
    /// `[[taxonomies]]`: front-matter fields the archive can be browsed and filtered by.
    pub taxonomies: Vec<TaxonomyConfig>,
}

/// `[book]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct BookConfig {
    /// Site title; defaults to the site root's folder name.
    pub title: Option<String>,
    /// One-sentence description for the home page, meta tags and the feed.
    pub description: Option<String>,
    /// Who publishes the archive.
    pub authors: Vec<String>,
    /// `<html lang>`, e.g. `en`.
    pub language: String,
    /// Folder holding the transcripts, relative to the root (mdBook's `src`).
    pub src: PathBuf,
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            title: None,
            description: None,
            authors: Vec::new(),
            language: "en".to_owned(),
            src: PathBuf::from("content"),
        }
    }
}

/// `[build]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct BuildConfig {
    /// Output folder, relative to the root unless absolute.
    pub build_dir: PathBuf,
    /// Warn when the site grows past this many megabytes (10^6 bytes): GitHub and
    /// GitLab Pages publish at most 1 GB.
    pub max_site_mb: u64,
    /// Warn when the site has more files than this: GitLab Pages publishes at most
    /// 200,000 (Cloudflare Pages 20,000).
    pub max_site_files: u64,
    /// Keep the previous site beside the output (`.<build-dir>.castbook-spare/`) for the
    /// next build to write over: fast rebuilds, at the cost of a second copy on disk.
    pub keep_spare: bool,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            build_dir: PathBuf::from("public"),
            max_site_mb: 1_000,
            max_site_files: 200_000,
            keep_spare: true,
        }
    }
}

/// `[output]`: castbook reads `html` and `exports`; other renderers' tables are left
/// to them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct OutputConfig {
    /// `[output.html]`.
    pub html: HtmlConfig,
    /// `[output.exports]`.
    pub exports: ExportsConfig,
}

/// `[output.exports]`: which podcast files are written beside each episode page. Pages
/// and feeds link only to the ones written. Each transcript format is another full copy
/// of the text, so only `chapters.json` is on by default (docs/podcast-outputs.md says
/// which app reads what, and why).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "kebab-case")]
pub struct ExportsConfig {
    /// `chapters.json`: Podcasting 2.0 chapters (`podcast:chapters`).
    pub chapters: bool,
    /// `transcript.vtt`: WebVTT, which Apple Podcasts ingests and browsers show as captions.
    pub vtt: bool,
    /// `transcript.srt`: SubRip captions.
    pub srt: bool,
    /// `transcript.json`: the Podcasting 2.0 JSON transcript.
    pub json: bool,
}

impl ExportsConfig {
    /// The export files to write, in the order feeds list them (transcripts best first,
    /// then chapters).
    pub fn files(self) -> Vec<ExportFile> {
        let mut files: Vec<ExportFile> = TRANSCRIPTS
            .into_iter()
            .filter(|f| self.writes(*f))
            .collect();
        if self.chapters {
            files.push(CHAPTERS_JSON);
        }
        files
    }

    /// Whether `file` is written.
    pub fn writes(self, file: ExportFile) -> bool {
        match file.name {
            n if n == CHAPTERS_JSON.name => self.chapters,
            n if n == TRANSCRIPT_VTT.name => self.vtt,
            n if n == TRANSCRIPT_SRT.name => self.srt,
            n if n == TRANSCRIPT_JSON.name => self.json,
            _ => false,
        }
    }
}

impl Default for ExportsConfig {
    fn default() -> Self {
        ExportsConfig {
            chapters: true,
            vtt: false,
            srt: false,
            json: false,
        }
    }
}

/// Light, dark, or following the reader's system.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorScheme {
    /// Light colours unless the reader switches.
    Light,
    /// Dark colours unless the reader switches.
    Dark,
    /// Follow `prefers-color-scheme`.
    #[default]
    Auto,
}

/// `[output.html]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct HtmlConfig {
    /// Where the site is published: `/`, `/repo/` or `https://user.github.io/repo/`.
    pub site_url: String,
    /// Theme folder name under `themes/`; files there override the embedded default.
    pub theme: String,
    /// Custom domain written to `CNAME`.
    pub cname: Option<String>,
    /// The colour scheme readers see first.
    pub default_theme: ColorScheme,
    /// `[output.html.search]`.
    pub search: SearchConfig,
    /// Stylesheets (paths relative to the site root) copied to the output and linked
    /// on every page after the theme's own.
    pub additional_css: Vec<PathBuf>,
    /// Scripts (paths relative to the site root) copied and loaded on every page.
    pub additional_js: Vec<PathBuf>,
    /// `[output.html.strings]`: replacements for the theme's UI strings.
    pub strings: BTreeMap<String, String>,
}

/// `[output.html.search]`: mdBook's key for turning the search index off.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct SearchConfig {
    /// Write `/search/`, its index and the search box on every page.
    pub enable: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enable: true }
    }
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            site_url: "/".to_owned(),
            theme: "default".to_owned(),
            cname: None,
            default_theme: ColorScheme::Auto,
            search: SearchConfig::default(),
            additional_css: Vec::new(),
            additional_js: Vec::new(),
            strings: BTreeMap::new(),
        }
    }
}

/// `[brand]`: checked when rendering (`render/brand.rs`), where a bad value is a
/// warning naming its key and the theme's own value stays.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct BrandConfig {
    /// Logo path relative to the output root (e.g. `logo.svg` from `static/logo.svg`).
    pub logo: Option<String>,
    /// Favicon path (like `logo`) or URL.
    pub favicon: Option<String>,
    /// Accent colour: `#rgb`, `#rrggbb`, `rgb(r, g, b)` or a basic colour name.
    pub accent: Option<String>,
    /// Page background of the light scheme (same forms as `accent`).
    pub background: Option<String>,
    /// Body text colour of the light scheme (same forms as `accent`).
    pub text: Option<String>,
    /// CSS `font-family` for body text.
    pub font: Option<String>,
    /// CSS `font-family` for headings and the interface (navigation, lists).
    pub heading_font: Option<String>,
    /// Default `og:image` (path like `logo`, or URL) for link previews.
    pub social_image: Option<String>,
}

/// `[content]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case")]
pub struct ContentConfig {
    /// strftime format of `episode_date`; unset accepts `DD/MM/YYYY` and ISO dates.
    pub date_format: Option<String>,
}

/// A loaded configuration plus where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The settings.
    pub config: Config,
    /// Absolute (canonical) site root.
    pub root: PathBuf,
    /// Warnings about the file (unknown keys).
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedConfig {
    /// The site title: `[book] title`, else the root folder's name.
    pub fn title(&self) -> String {
        self.config.book.title.clone().unwrap_or_else(|| {
            self.root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Podcast transcripts".to_owned())
        })
    }

    /// Absolute content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.book.src)
    }

    /// Absolute output folder (`[build] build-dir`).
    pub fn build_dir(&self) -> PathBuf {
        self.root.join(&self.config.build.build_dir)
    }
}

/// Reads `ROOT/book.toml` (optional). A syntax error or a wrong type is an `Err`
/// naming the key (exit 2); unknown keys become warnings.
pub fn load(root: &Path) -> anyhow::Result<LoadedConfig> {
    let root = root
        .canonicalize()
        .with_context(|| format!("site folder `{}` does not exist", root.display()))?;
    if !root.is_dir() {
        bail!("`{}` is not a folder", root.display());
    }
    let path = root.join(CONFIG_FILE);
    let (config, diagnostics) = match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    Ok(LoadedConfig {
        config,
        root,
        diagnostics,
    })
}

/// Parses book.toml text; unknown keys are returned as warnings.
pub fn parse(text: &str) -> anyhow::Result<(Config, Vec<Diagnostic>)> {
    let de = toml::Deserializer::parse(text).map_err(|e| config_error(text, &e))?;
    let mut unknown = Vec::new();
    let mut config: Config = serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))
        .map_err(|e| config_error(text, &e))?;
    validate(&config)?;
    taxonomy::find_lines(text, &mut config.taxonomies);
    let diagnostics = unknown
        .into_iter()
        // Other tools' tables (mdBook preprocessors, other renderers) share book.toml.
        .filter(|key| !key.starts_with("preprocessor") && !is_foreign_output(key))
        .map(|key| {
            let line = find_key_line(text, &key);
            let d = Diagnostic::warning(CONFIG_FILE, format!("unknown key `{key}` is ignored"));
            match line {
                Some(l) => d.at_line(l),
                None => d,
            }
        })
        .collect();
    Ok((config, diagnostics))
}

fn is_foreign_output(key: &str) -> bool {
    key.strip_prefix("output.").is_some_and(|rest| {
        let table = rest.split('.').next().unwrap_or(rest);
        table != "html" && table != "exports"
    })
}

fn config_error(text: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim().to_owned();
    match e.span() {
        Some(span) => {
            let (line, col) = crate::diag::line_col(text, span.start);
            match key_at_line(text, line) {
                Some(key) => anyhow::anyhow!("{CONFIG_FILE}:{line}:{col}: `{key}`: {msg}"),
                None => anyhow::anyhow!("{CONFIG_FILE}:{line}:{col}: {msg}"),
            }
        }
        None => anyhow::anyhow!("{CONFIG_FILE}: {msg}"),
    }
}

/// The dotted key (`output.html.site-url`) assigned on a 1-based line, so type errors
/// can name it: toml's own message only describes the value.
fn key_at_line(text: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let idx = usize::try_from(line).ok()?.checked_sub(1)?;
    let (key, _) = lines.get(idx)?.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = lines.get(..idx)?.iter().rev().find_map(|l| {
        let t = l.trim();
        // `[[taxonomies]]` opens an entry of an array of tables: its keys are named
        // `taxonomies.field`, good enough to find the line.
        t.starts_with('[').then(|| {
            t.split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['[', ']'])
                .trim()
        })
    });
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_owned(),
    })
}

fn validate(config: &Config) -> anyhow::Result<()> {
    let src = &config.book.src;
    if src.is_absolute()
        || src
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        bail!(
            "{CONFIG_FILE}: `book.src` must be a folder inside the site root, not `{}`",
            src.display()
        );
    }
    for (key, paths) in [
        ("additional-css", &config.output.html.additional_css),
        ("additional-js", &config.output.html.additional_js),
    ] {
        for p in paths {
            let outside = p.is_absolute()
                || p.components().any(|c| {
                    !matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::CurDir
                    )
                });
            if outside || p.as_os_str().is_empty() {
                bail!(
                    "{CONFIG_FILE}: `output.html.{key}` lists `{}`; give paths relative to \
                     the site root, inside it",
                    p.display()
                );
            }
        }
    }
    taxonomy::validate(&config.taxonomies)?;
    if let Some(cname) = &config.output.html.cname {
        let ok = !cname.is_empty()
            && cname
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !ok {
            bail!("{CONFIG_FILE}: `output.html.cname` must be a bare domain name, not `{cname}`");
        }
    }
    Ok(())
}

/// Best-effort line of a dotted key, so unknown-key warnings point somewhere useful.
fn find_key_line(text: &str, dotted: &str) -> Option<u32> {
    let leaf = dotted.rsplit('.').next()?;
    text.lines().enumerate().find_map(|(i, line)| {
        let t = line.trim_start();
        let is_key = t
            .strip_prefix(leaf)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        let is_table = t.starts_with('[') && t.trim_end().ends_with(&format!("{leaf}]"));
        (is_key || is_table).then(|| crate::diag::to_u32(i + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let (c, d) = parse("").unwrap();
        assert_eq!(c, Config::default());
        assert!(d.is_empty());
        assert_eq!(c.output.html.site_url, "/");
        assert_eq!(c.build.build_dir, PathBuf::from("public"));
    }

    #[test]
    fn spec_example_parses() {
        let text = r##"
[book]
title = "The Peterman Pod — transcripts"
description = "..."
authors = ["Ryan"]
language = "en"
src = "content"
[build]
build-dir = "public"
[output.html]
site-url = "/archive/"
theme = "default"
cname = "transcripts.example.com"
default-theme = "dark"
[brand]
logo = "static/logo.svg"
accent = "#d9480f"
font = "Inter, system-ui, sans-serif"
[content]
date-format = "%d/%m/%Y"
"##;
        let (c, d) = parse(text).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.output.html.site_url, "/archive/");
        assert_eq!(c.output.html.default_theme, ColorScheme::Dark);
        assert_eq!(c.brand.accent.as_deref(), Some("#d9480f"));
        assert_eq!(c.content.date_format.as_deref(), Some("%d/%m/%Y"));
    }

    #[test]
    fn unknown_keys_warn_with_their_line() {
        let (_, d) =
            parse("[book]\ntitle = \"x\"\ncolour = 3\n[preprocessor.foo]\nx = 1\n").unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].headline(),
            "warning: book.toml:3: unknown key `book.colour` is ignored"
        );
    }

    #[test]
    fn wrong_type_is_an_error_naming_the_key() {
        let err = parse("[book]\ntitle = 5\n").unwrap_err().to_string();
        assert!(err.starts_with("book.toml:2:9: `book.title`:"), "{err}");
        assert!(err.contains("string"), "{err}");
        let err = parse("[output.html]\ndefault-theme = \"blue\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`output.html.default-theme`"), "{err}");
    }

    #[test]
    fn exports_default_to_chapters_and_each_format_is_one_key_away() {
        let (c, d) = parse("").unwrap();
        assert!(d.is_empty());
        let e = c.output.exports;
        assert!(e.chapters && !e.vtt && !e.srt && !e.json);
        let (c, d) = parse("[output.exports]\nsrt = true\nvtt = false\n").unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert!(c.output.exports.srt && !c.output.exports.vtt && c.output.exports.chapters);
        let (_, d) = parse("[output.exports]\nmp3 = true\n").unwrap();
        assert_eq!(
            d[0].headline(),
            "warning: book.toml:2: unknown key `output.exports.mp3` is ignored"
        );
        // Other renderers' tables stay theirs.
        let (_, d) = parse("[output.epub]\nx = 1\n").unwrap();
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn src_must_stay_inside_the_root() {
        assert!(parse("[book]\nsrc = \"../x\"\n").is_err());
        assert!(parse("[output.html]\ncname = \"a b\"\n").is_err());
        let err = parse("[output.html]\nadditional-css = [\"../x.css\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`output.html.additional-css`"), "{err}");
        assert!(parse("[output.html]\nadditional-js = [\"/etc/x.js\"]\n").is_err());
        let (c, _) = parse("[output.html]\nadditional-js = [\"js/x.js\"]\n").unwrap();
        assert_eq!(c.output.html.additional_js, [PathBuf::from("js/x.js")]);
    }
}
