//! Themes: the embedded default theme, overlaid file by file by `ROOT/themes/<name>/`.
//!
//! Bundled themes other than the default (`magazine`) are embedded overlays of the
//! default, laid under a site's own `themes/<name>/` of the same name.
//!
//! A theme folder holds `templates/` (Tera 2) and `static/` (CSS, JS, fonts, images,
//! written to the output root: `static/style.css` → `/style.css`). Other files (a
//! README) are ignored.
//!
//! Template resolution: every embedded template is registered as `default/<name>`
//! and Tera's fallback prefix makes `<name>` find it, unless the site's theme has its
//! own `templates/<name>`, which then wins everywhere: pages render `episode.html`,
//! the default `episode.html` extends `base.html`, and both resolve to the site's
//! file first. An override extends the default's blocks by naming it explicitly:
//! `{% extends "default/base.html" %}`. Components defined in an override also win
//! over same-named default components. Each template is parsed once per build.
//!
//! Functions available to templates (registered before templates, as Tera 2 checks
//! them when templates are added): `url(path="episodes/", absolute=false)` joins a
//! site-relative path onto `site-url`'s path (or its full URL with `absolute=true`);
//! `asset(path="style.css")` does the same for a theme asset and appends a content
//! hash (`?v=…`) so browsers refetch it when it changes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use tera::{Kwargs, State, Tera};

use crate::config::Config;

/// Prefix under which the embedded templates are always reachable.
pub const DEFAULT_PREFIX: &str = "default/";

/// The theme file holding UI strings by language.
pub const I18N_FILE: &str = "i18n.toml";
/// The language every string table falls back to.
pub const FALLBACK_LANGUAGE: &str = "en";

/// Global-context key holding `site-url`'s path (`/`, `/archive/`), read by `url()`.
pub const BASE_PATH_VAR: &str = "base_path";
/// Global-context key holding the site origin (`https://host`) or none, read by `url()`.
pub const ORIGIN_VAR: &str = "site_origin";

macro_rules! embed {
    ($theme:literal: $($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/", $theme, "/", $path)))),*]
    };
}

/// A theme's embedded files: (path inside its folder, contents).
pub type ThemeFiles = &'static [(&'static str, &'static [u8])];

/// Every file of `themes/default/`, embedded so a bare folder of transcripts builds.
/// A unit test walks the folder and fails when this list and the folder differ.
pub static DEFAULT_THEME: &[(&str, &[u8])] = embed![
    "default":
    "README.md",
    "i18n.toml",
    "static/castbook.js",
    "static/filters.js",
    "static/favicon.svg",
    "static/highlight.js",
    "static/search.js",
    "static/stem.js",
    "static/style.css",
    "templates/404.html",
    "templates/base.html",
    "templates/episode.html",
    "templates/episodes.html",
    "templates/feed.xml",
    "templates/index.html",
    "templates/partials/browse.html",
    "templates/partials/episode-item.html",
    "templates/partials/filters.html",
    "templates/people.html",
    "templates/person.html",
    "templates/podcast.html",
    "templates/search.html",
    "templates/sitemap.xml",
    "templates/taxonomy.html",
    "templates/term.html",
    "templates/topic.html",
    "templates/topics.html",
    "templates/year.html",
];

/// Every file of `themes/magazine/`: a second bundled theme, laid over the default
/// one like a site's own theme folder (so it holds only what differs).
pub static MAGAZINE_THEME: &[(&str, &[u8])] = embed![
    "magazine":
    "README.md",
    "static/magazine.css",
    "templates/base.html",
    "templates/index.html",
];

/// The bundled themes by name; `theme = "<name>"` in `[output.html]` picks one.
/// A test checks each list against its folder.
pub static BUNDLED: &[(&str, ThemeFiles)] =
    &[("default", DEFAULT_THEME), ("magazine", MAGAZINE_THEME)];

/// A file written to the output root as is (from a theme's `static/`).
#[derive(Debug, Clone)]
pub struct Asset {
    /// Output path, `/`-separated (`style.css`, `fonts/x.woff2`).
    pub path: String,
    /// Contents.
    pub bytes: Cow<'static, [u8]>,
}

/// A loaded theme: templates parsed once, assets ready to write.
pub struct Theme {
    /// Every template, parsed and checked; functions `url` and `asset` registered.
    pub tera: Tera,
    /// Files to copy to the output root, sorted by path.
    pub assets: Vec<Asset>,
    /// Template name → file it came from, for error messages.
    origins: BTreeMap<String, String>,
    /// Whether any template mentions `turns`; see [`Theme::wants_turn_views`].
    turn_views: bool,
    /// UI strings: language → key → text, merged from every layer's `i18n.toml`.
    i18n: BTreeMap<String, BTreeMap<String, String>>,
    /// Hash of every template, asset and string: part of every page's fingerprint.
    identity: u64,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.origins.keys().collect::<Vec<_>>())
            .field("assets", &self.assets.len())
            .finish()
    }
}

/// One file of a theme, embedded or from the site's theme folder.
struct ThemeFile {
    /// Path inside the theme folder (`templates/base.html`).
    rel: String,
    bytes: Cow<'static, [u8]>,
    /// Shown in errors: `themes/x/templates/base.html`.
    origin: String,
}

/// Loads the embedded default theme overlaid with `ROOT/themes/<output.html.theme>/`.
/// A theme other than `default` must exist; `default` may be absent (the usual case).
pub fn load(root: &Path, config: &Config) -> anyhow::Result<Theme> {
    let name = &config.output.html.theme;
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!("book.toml: `output.html.theme` must be a folder name under themes/, not `{name}`");
    }
    let dir = root.join("themes").join(name);
    // A bundled theme other than the default is its first layer; the site's own
    // folder of the same name (if any) overrides both, file by file.
    let mut overlay = bundled_files(name);
    let bundled = name == "default" || !overlay.is_empty();
    if dir.is_dir() {
        overlay.extend(read_theme_dir(&dir, &format!("themes/{name}"))?);
    } else if !bundled {
        let names: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
        bail!(
            "book.toml: `output.html.theme = \"{name}\"` is not a bundled theme ({}) and \
             there is no folder `themes/{name}/` in `{}`; pick one of those or create the folder",
            names.join(", "),
            root.display()
        );
    }
    from_overlay(overlay)
}

/// The embedded files of bundled theme `name` other than the default, as an overlay.
fn bundled_files(name: &str) -> Vec<ThemeFile> {
    BUNDLED
        .iter()
        .filter(|(n, _)| *n == name && *n != "default")
        .flat_map(|(n, files)| {
            files.iter().map(move |(rel, bytes)| ThemeFile {
                rel: (*rel).to_owned(),
                bytes: Cow::Borrowed(*bytes),
                origin: format!("themes/{n}/{rel} (built in)"),
            })
        })
        .collect()
}

/// A bundled theme alone (the default, or another laid over it); `None` for an
/// unknown name.
pub fn bundled_theme(name: &str) -> Option<anyhow::Result<Theme>> {
    BUNDLED
        .iter()
        .any(|(n, _)| *n == name)
        .then(|| from_overlay(bundled_files(name)))
}

/// The embedded default theme alone.
pub fn default_theme() -> anyhow::Result<Theme> {
    from_overlay(Vec::new())
}

/// Builds a theme from the defaults plus `(path in theme folder, contents)` overrides;
/// for tests and tools that hold a theme in memory.
pub fn with_overrides(files: &[(&str, &str)]) -> anyhow::Result<Theme> {
    from_overlay(
        files
            .iter()
            .map(|(rel, text)| ThemeFile {
                rel: (*rel).to_owned(),
                bytes: Cow::Owned(text.as_bytes().to_vec()),
                origin: format!("themes/custom/{rel}"),
            })
            .collect(),
    )
}

/// Writes the embedded default theme into `dest` (e.g. `ROOT/themes/default`) for
/// `castbook init --theme`. Never overwrites a file; returns the files it wrote.
pub fn copy_default_theme(dest: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (rel, bytes) in DEFAULT_THEME {
        let path = dest.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        // create_new: an existing file (or one appearing meanwhile) is left alone.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, bytes)
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
                written.push(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| format!("failed to create `{}`", path.display()));
            }
        }
    }
    Ok(written)
}

fn read_theme_dir(dir: &Path, shown: &str) -> anyhow::Result<Vec<ThemeFile>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| format!("failed to read theme folder `{shown}`"))?;
        // Regular files only: a symlink could lead outside the site.
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let rel = rel.join("/");
        if !(rel.starts_with("templates/") || rel.starts_with("static/") || rel == I18N_FILE) {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("failed to read `{shown}/{rel}`"))?;
        files.push(ThemeFile {
            origin: format!("{shown}/{rel}"),
            rel,
            bytes: Cow::Owned(bytes),
        });
    }
    Ok(files)
}

fn from_overlay(overlay: Vec<ThemeFile>) -> anyhow::Result<Theme> {
    let defaults = DEFAULT_THEME.iter().map(|(rel, bytes)| ThemeFile {
        rel: (*rel).to_owned(),
        bytes: Cow::Borrowed(*bytes),
        origin: format!("themes/default/{rel} (built in)"),
    });
    // By name: a site's file replaces a bundled theme's file of the same name.
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut origins = BTreeMap::new();
    let mut assets: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
    let mut i18n: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut add = |file: ThemeFile, is_default: bool| -> anyhow::Result<()> {
        if file.rel == I18N_FILE {
            let text = std::str::from_utf8(&file.bytes)
                .map_err(|_| anyhow::anyhow!("{}: not UTF-8", file.origin))?;
            let tables: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(text)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: {}; it must hold tables of strings like `[en] episodes = \"Episodes\"`",
                        file.origin,
                        e.message().trim()
                    )
                })?;
            for (lang, strings) in tables {
                i18n.entry(lang.to_ascii_lowercase())
                    .or_default()
                    .extend(strings);
            }
        } else if let Some(name) = file.rel.strip_prefix("templates/") {
            let text = String::from_utf8(file.bytes.into_owned())
                .map_err(|_| anyhow::anyhow!("{}: template is not UTF-8", file.origin))?;
            let name = if is_default {
                format!("{DEFAULT_PREFIX}{name}")
            } else {
                name.to_owned()
            };
            origins.insert(name.clone(), file.origin);
            templates.insert(name, text);
        } else if let Some(path) = file.rel.strip_prefix("static/") {
            assets.insert(path.to_owned(), file.bytes);
        }
        Ok(())
    };
    for file in defaults {
        add(file, true)?;
    }
    for file in overlay {
        add(file, false)?;
    }

    let assets: Vec<Asset> = assets
        .into_iter()
        .map(|(path, bytes)| Asset { path, bytes })
        .collect();
    let versions: HashMap<String, String> = assets
        .iter()
        .map(|a| (a.path.clone(), content_hash(&a.bytes)))
        .collect();

    let turn_views = templates
        .iter()
        .any(|(_, text)| mentions_word(text, "turns"));
    let identity = crate::site::manifest::fingerprint(&(
        &templates,
        assets
            .iter()
            .map(|a| (&a.path, crate::site::manifest::of_bytes(&a.bytes)))
            .collect::<Vec<_>>(),
        &i18n,
    ));
    let mut tera = Tera::new();
    tera.set_fallback_prefixes([DEFAULT_PREFIX])
        .map_err(|e| describe(&e, &origins))?;
    register_functions(&mut tera, Arc::new(versions));
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| describe(&e, &origins))?;
    Ok(Theme {
        tera,
        assets,
        origins,
        turn_views,
        i18n,
        identity,
    })
}

fn register_functions(tera: &mut Tera, versions: Arc<HashMap<String, String>>) {
    tera.register_function("url", |kwargs: Kwargs, state: &State| {
        let path = kwargs.must_get::<&str>("path")?;
        let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
        join_url(state, path, absolute)
    });
    tera.register_function("asset", move |kwargs: Kwargs, state: &State| {
        let path = kwargs.must_get::<&str>("path")?;
        let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
        let mut url = join_url(state, path, absolute)?;
        match versions.get(path.trim_start_matches('/')) {
            Some(v) => {
                url.push_str("?v=");
                url.push_str(v);
                Ok(url)
            }
            None => Err(tera::Error::message(format!(
                "asset(path=\"{path}\"): no such file in the theme's static/ folder"
            ))),
        }
    });
}

fn join_url(state: &State, path: &str, absolute: bool) -> tera::TeraResult<String> {
    let base = state
        .get::<String>(BASE_PATH_VAR)?
        .unwrap_or_else(|| "/".to_owned());
    let mut out = String::new();
    if absolute && let Some(origin) = state.get::<String>(ORIGIN_VAR)? {
        out.push_str(&origin);
    }
    out.push_str(&base);
    out.push_str(path.trim_start_matches('/'));
    Ok(out)
}

/// True when `word` occurs in `text` as a whole identifier (`c.turns`, not `returns`).
fn mentions_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The short content hash `asset()` appends as `?v=…`.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:08x}", fnv1a(bytes) as u32)
}

/// 64-bit FNV-1a: a stable, dependency-free content hash for cache busting.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Theme {
    /// Turns a Tera error (from loading or rendering) into one naming the template's
    /// file, line and column, followed by Tera's excerpt.
    pub fn describe_error(&self, err: &tera::Error) -> anyhow::Error {
        describe(err, &self.origins)
    }

    /// Whether episode pages must carry structured `chapters[].turns` views. They
    /// cost more than the rest of the page, so they are built only for a theme
    /// whose templates mention `turns`; the default theme uses the pre-rendered
    /// `chapters[].html`.
    pub fn wants_turn_views(&self) -> bool {
        self.turn_views
    }

    /// A hash of everything the theme holds (templates, assets, UI strings): a page
    /// rendered from the same view with a theme of the same identity is the same.
    pub fn identity(&self) -> u64 {
        self.identity
    }

    /// The UI strings for `language` (`de-AT` tries `de-at`, then `de`), each
    /// missing key taken from English, then `overrides` (`[output.html.strings]`).
    /// An override of a key the theme does not know is returned as a warning text.
    pub fn strings(
        &self,
        language: &str,
        overrides: &BTreeMap<String, String>,
    ) -> (BTreeMap<String, String>, Vec<String>) {
        let mut out = self
            .i18n
            .get(FALLBACK_LANGUAGE)
            .cloned()
            .unwrap_or_default();
        let lang = language.trim().to_ascii_lowercase().replace('_', "-");
        let primary = lang.split('-').next().unwrap_or_default();
        if let Some(table) = self.i18n.get(&lang).or_else(|| self.i18n.get(primary)) {
            out.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let mut unknown = Vec::new();
        for (k, v) in overrides {
            if !out.contains_key(k) {
                unknown.push(format!(
                    "`output.html.strings.{k}` is not a string of this theme (see its i18n.toml); \
                     it is available to templates as `ui.{k}` but nothing shows it"
                ));
            }
            out.insert(k.clone(), v.clone());
        }
        (out, unknown)
    }

    /// Languages the theme has a string table for.
    pub fn languages(&self) -> Vec<&str> {
        self.i18n.keys().map(String::as_str).collect()
    }

    /// True when the theme has a template of this name (own or default).
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }
}

fn describe(err: &tera::Error, origins: &BTreeMap<String, String>) -> anyhow::Error {
    let origin_of = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    };
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut msg = format!(
                "{}:{}:{}: {}\n{err}",
                origin_of(report.filename()),
                span.start_line,
                span.start_col + 1,
                report.message()
            );
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                msg.push_str(&format!("\ncaused by: {s}"));
                source = s.source();
            }
            anyhow::anyhow!(msg)
        }
        tera::ErrorKind::MissingParent { current, parent } => anyhow::anyhow!(
            "{}: extends \"{parent}\", which is not a template of this theme or the default one",
            origin_of(current)
        ),
        _ => {
            // Other errors carry template names inside their text; point at the files.
            let mut msg = format!("theme error: {err}");
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                msg.push_str(&format!("\ncaused by: {s}"));
                source = s.source();
            }
            let mentioned: Vec<String> = origins
                .iter()
                .filter(|(name, _)| msg.contains(name.as_str()))
                .map(|(name, origin)| format!("  {name}: {origin}"))
                .collect();
            if !mentioned.is_empty() {
                msg.push_str("\ntemplates involved:\n");
                msg.push_str(&mentioned.join("\n"));
            }
            anyhow::anyhow!(msg)
        }
    }
}

#[cfg(test)]
mod tests;
