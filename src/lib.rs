//! castbook: a static site generator for podcast transcript archives.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`config`] (book.toml) → [`content`] (walk and read) → [`transcript`] (parse, in
//! parallel) → [`archive`] (link into the [`model`]) → render → [`output`] (stage and
//! swap in). [`load`] runs the first four stages (all `castbook check` needs);
//! [`build`] runs them all. What builds keep for the next one (serve's incremental
//! rebuilds) and how a live output folder is updated are in [`pipeline`], part of
//! the crate root. Modules import only from layers below their own; the table and
//! the test that keeps it are in `src/layers.rs`.

pub mod archive;
pub mod config;
pub mod content;
pub mod diag;
pub mod exports;
pub mod import;
pub mod init;
#[cfg(test)]
mod layers;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod slug;
pub mod text;
pub mod theme;
pub mod timeline;
pub mod transcript;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::LoadedConfig;
use crate::diag::Diagnostics;
use crate::model::Archive;
use crate::site::manifest::{Group, Manifest, Plan};

/// What to read: the site root and whether drafts count.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The site root (folder with book.toml and content/).
    pub root: PathBuf,
    /// Include episodes with `draft: true`.
    pub drafts: bool,
}

/// A parsed and linked archive, with every diagnostic found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The site's configuration.
    pub config: LoadedConfig,
    /// The linked archive (only the files without errors).
    pub archive: Arc<Archive>,
    /// Everything worth telling the user, sorted by file and line.
    pub diagnostics: Diagnostics,
    /// Transcript files read.
    pub files: usize,
    /// Draft episodes left out.
    pub drafts_skipped: usize,
    /// Wall time of each stage, in order (see [`Timings`]).
    pub timings: Timings,
}

/// Wall time per pipeline stage, in the order the stages ran: `castbook --timings`
/// prints them, and the benchmark notes (docs/performance.md) are built on them.
pub type Timings = Vec<(&'static str, Duration)>;

/// Records the time since `*since` as stage `name` and restarts the clock.
pub(crate) fn lap(timings: &mut Timings, name: &'static str, since: &mut Instant) {
    let now = Instant::now();
    timings.push((name, now - *since));
    *since = now;
}

/// Runs config → discovery → parsing → linking. `Err` is a configuration or
/// environment problem (exit 2); content problems are in `diagnostics`.
pub fn load(opts: &LoadOptions) -> anyhow::Result<Loaded> {
    load_with(opts, &mut pipeline::Cache::one_off())
}

/// [`load`] through `cache`.
fn load_with(opts: &LoadOptions, cache: &mut pipeline::Cache) -> anyhow::Result<Loaded> {
    let mut timings = Timings::new();
    let mut t = Instant::now();
    let config = config::load(&opts.root)?;
    lap(&mut timings, "config", &mut t);
    let read = pipeline::read(&config, opts.drafts, cache, None, &mut timings)?;
    Ok(Loaded {
        config,
        archive: read.archive,
        diagnostics: read.diagnostics,
        files: read.files,
        drafts_skipped: read.drafts_skipped,
        timings,
    })
}

/// Counts shown in the one-line summary of `check` and `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveStats {
    /// Shows.
    pub podcasts: usize,
    /// Episodes linked.
    pub episodes: usize,
    /// Chapters across all episodes.
    pub chapters: usize,
    /// Turns across all episodes.
    pub turns: usize,
    /// Hosts and guests.
    pub people: usize,
    /// Topics.
    pub topics: usize,
}

impl ArchiveStats {
    /// Counts the entities of an archive.
    pub fn of(archive: &Archive) -> Self {
        ArchiveStats {
            podcasts: archive.podcasts.len(),
            episodes: archive.episodes.len(),
            chapters: archive.chapter_count(),
            turns: archive.turn_count(),
            people: archive.people.len(),
            topics: archive.topics.len(),
        }
    }
}

impl std::fmt::Display for ArchiveStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {}, {}, {}",
            plural(self.podcasts, "podcast", "podcasts"),
            plural(self.episodes, "episode", "episodes"),
            plural(self.chapters, "chapter", "chapters"),
            plural(self.turns, "turn", "turns"),
            plural(self.people, "person", "people"),
            plural(self.topics, "topic", "topics"),
        )
    }
}

/// What `check` found.
#[derive(Debug)]
#[must_use]
pub struct CheckReport {
    /// Sorted diagnostics.
    pub diagnostics: Diagnostics,
    /// Counts of the linked archive.
    pub stats: ArchiveStats,
    /// Transcript files read.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time per stage.
    pub timings: Timings,
}

/// Parses and links everything and writes nothing.
pub fn check(opts: &LoadOptions) -> anyhow::Result<CheckReport> {
    let start = Instant::now();
    let loaded = load(opts)?;
    Ok(CheckReport {
        stats: ArchiveStats::of(&loaded.archive),
        diagnostics: loaded.diagnostics,
        files: loaded.files,
        elapsed: start.elapsed(),
        timings: loaded.timings,
    })
}

/// Everything `castbook build` needs to know.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Output folder; `None` uses `[build] build-dir`.
    pub dest: Option<PathBuf>,
    /// Overrides `[output.html] site-url`.
    pub site_url: Option<String>,
    /// Include `draft: true` episodes.
    pub drafts: bool,
    /// Minify HTML (when built with the `minify` feature).
    pub minify: bool,
    /// Live-reload script URL; only `serve` sets it, so built sites carry no reload code.
    pub live_reload: Option<String>,
}

/// What `build` did.
#[derive(Debug)]
#[must_use]
pub struct BuildReport {
    /// Sorted diagnostics of the run.
    pub diagnostics: Diagnostics,
    /// Counts of the linked archive.
    pub stats: ArchiveStats,
    /// Files written (pages, assets, exports, static files).
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The output folder.
    pub dest: PathBuf,
    /// False when content errors stopped the build; the previous site is then untouched.
    pub written: bool,
    /// Wall time per stage (render includes minifying and writing each page).
    pub timings: Timings,
    /// Bytes and files by kind (empty when nothing was written).
    pub size: output::size::SiteSize,
    /// Bytes and files per writing stage, for `--timings`.
    pub stage_sizes: Vec<(&'static str, site::Tally)>,
}

/// Runs the whole pipeline and swaps the new site into place. Content errors leave
/// the previous output untouched; `progress(n)` is called as files are written.
pub fn build(opts: &BuildOptions, progress: &(dyn Fn(u64) + Sync)) -> anyhow::Result<BuildReport> {
    let start = Instant::now();
    // Episodes are keyed by their sources so that the search index can be recorded
    // and kept by a later build (see output/record.rs).
    let loaded = load_with(
        &LoadOptions {
            root: opts.root.clone(),
            drafts: opts.drafts,
        },
        &mut pipeline::Cache::one_off_keyed(),
    )?;
    let mut timings = loaded.timings;
    let mut t = Instant::now();
    let dest = match &opts.dest {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => std::env::current_dir()?.join(d),
        None => loaded.config.build_dir(),
    };
    output::check_dest(&loaded.config.root, &loaded.config.content_dir(), &dest)?;
    // Templates are checked before anything is written, so a broken theme fails cleanly.
    let theme = theme::load(&loaded.config.root, &loaded.config.config)?;
    lap(&mut timings, "theme", &mut t);
    let stats = ArchiveStats::of(&loaded.archive);
    if loaded.diagnostics.has_errors() {
        return Ok(BuildReport {
            diagnostics: loaded.diagnostics,
            stats,
            files: 0,
            elapsed: start.elapsed(),
            dest,
            written: false,
            timings,
            size: output::size::SiteSize::default(),
            stage_sizes: Vec::new(),
        });
    }
    let written = write_site(
        &loaded.archive,
        &loaded.config,
        &theme,
        opts,
        &dest,
        progress,
        &mut timings,
        &pipeline::Cache::one_off(),
    )?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(written.diagnostics);
    diagnostics.sort();
    Ok(BuildReport {
        diagnostics,
        stats,
        files: written.files,
        elapsed: start.elapsed(),
        dest,
        written: true,
        timings,
        size: written.size,
        stage_sizes: written.stage_sizes,
    })
}

/// What [`write_site`] wrote.
#[derive(Debug)]
pub struct SiteWritten {
    /// Files written (pages, assets, exports, search index, static files).
    pub files: usize,
    /// Bytes and files by kind.
    pub size: output::size::SiteSize,
    /// Bytes and files per writing stage, in the order the stages ran (for `--timings`).
    pub stage_sizes: Vec<(&'static str, site::Tally)>,
    /// Warnings met on the way (settings, `static/` symlinks, size limits), unsorted.
    pub diagnostics: Vec<diag::Diagnostic>,
    /// Every file written with its fingerprint, for later updates (empty when `cache`
    /// is a one-off's: nothing is fingerprinted then).
    pub manifest: Manifest,
}

/// Writes every file of the site for a linked, error-free `archive` into a staging
/// folder beside `dest` and swaps it in: the back half of [`build`], shared with
/// `serve`, which keeps `cache` (and its archive and theme) between builds and gets
/// the manifest its updates start from ([`pipeline::update_site`]). Laps go into
/// `timings`.
#[allow(clippy::too_many_arguments)]
pub fn write_site(
    archive: &Archive,
    config: &LoadedConfig,
    theme: &theme::Theme,
    opts: &BuildOptions,
    dest: &std::path::Path,
    progress: &(dyn Fn(u64) + Sync),
    timings: &mut Timings,
    cache: &pipeline::Cache,
) -> anyhow::Result<SiteWritten> {
    let mut t = Instant::now();
    let keep_spare = config.config.build.keep_spare;
    let spare = if keep_spare {
        output::Spare::Keep
    } else {
        output::Spare::Discard
    };
    let staging = output::Staging::begin_with(dest, spare)?;
    // A tree recycled from an earlier build of this binary needs only the pages and
    // exports whose fingerprint moved (see output/record.rs); a build whose folder
    // will be recycled in turn records what it writes for that build.
    let key = output::record::build_key();
    let previous = staging.previous(key);
    let plan = if !previous.manifest.is_empty() {
        Plan::Changed(&previous.manifest)
    } else if cache.keeps() || keep_spare {
        Plan::All
    } else {
        Plan::Once
    };
    lap(timings, "stage", &mut t);
    let render_opts = render::RenderOptions {
        minify: opts.minify,
        site_url_override: opts.site_url.clone(),
        live_reload: opts.live_reload.clone(),
    };
    let mut size = output::size::SiteSize::default();
    let mut stage_sizes = Vec::new();
    let sink = site::Counted::new(&staging);
    let rendered = render::render(
        archive,
        config,
        theme,
        &render_opts,
        &sink,
        progress,
        plan,
        &cache.render,
    )?;
    let assets = site::Tally {
        files: rendered.assets.0 as u64,
        bytes: rendered.assets.1,
    };
    let written = sink.tally();
    let (kept, kept_assets) = keep_unchanged(
        &staging,
        plan,
        &previous,
        &rendered.entries,
        &rendered.asset_paths,
    );
    size.pages = written - assets + kept - kept_assets;
    size.statics = assets + kept_assets;
    stage_sizes.push(("render", written));
    lap(timings, "render", &mut t);
    let urls = render::site_urls(config, opts.site_url.as_deref());
    let export_files = config.config.output.exports.files();
    let sink = site::Counted::new(&staging);
    let exported = exports::export(archive, &urls, &export_files, &sink, plan)?;
    let written = sink.tally();
    size.exports = written + keep_unchanged(&staging, plan, &previous, &exported.entries, &[]).0;
    stage_sizes.push(("exports", written));
    lap(timings, "exports", &mut t);
    let mut manifest = Manifest::new();
    manifest.extend(Group::Render, rendered.entries);
    manifest.extend(Group::Exports, exported.entries);
    let mut search_key = None;
    if config.config.output.html.search.enable {
        let search_opts = search_options(config);
        if plan.records() {
            search_key = pipeline::search_key(archive, &search_opts, key);
        }
        let sink = site::Counted::new(&staging);
        let same = previous
            .search
            .as_ref()
            .filter(|index| search_key == Some(index.key));
        if let Some(index) = same {
            // Made from the same inputs by this binary, and untouched since: kept whole.
            for (rel, _, bytes) in &index.files {
                staging.keep(rel);
                size.search = size.search
                    + site::Tally {
                        files: 1,
                        bytes: *bytes,
                    };
            }
            let files = index.files.iter().map(|(rel, fp, _)| (rel.clone(), *fp));
            manifest.extend(Group::Search, files);
        } else if plan.records() {
            let recording = pipeline::Recording::new(&sink);
            search::write_index(archive, &recording, &search_opts)?;
            manifest.extend(Group::Search, recording.entries());
        } else {
            search::write_index(archive, &sink, &search_opts)?;
        }
        size.search = size.search + sink.tally();
        stage_sizes.push(("search", sink.tally()));
        lap(timings, "search", &mut t);
    }
    let mut diagnostics = rendered.diagnostics;
    let static_dir = config.root.join("static");
    let copied = staging.copy_dir(&static_dir, &config.root)?;
    diagnostics.extend(copied.diagnostics);
    if plan.records() {
        // Never compared: an update leaves `static/` files alone (see `Plan::wants`).
        manifest.extend(Group::Static, copied.paths.into_iter().map(|f| (f, 0)));
    }
    let copied = site::Tally {
        files: copied.files as u64,
        bytes: copied.bytes,
    };
    size.statics = size.statics + copied;
    stage_sizes.push(("static", copied));
    lap(timings, "static", &mut t);
    if keep_spare && plan.records() {
        let record = output::record::encode(staging.path(), &manifest, key, search_key);
        staging.write_record(&record)?;
    }
    staging.commit()?;
    lap(timings, "commit", &mut t);
    diagnostics.extend(size.check(&config.config));
    Ok(SiteWritten {
        files: usize::try_from(size.total().files).unwrap_or(usize::MAX),
        size,
        stage_sizes,
        diagnostics,
        manifest,
    })
}

/// Keeps the files of `entries` that `plan` did not write (the recycled tree holds
/// them as `previous` recorded): all of them tallied, and those among `assets`.
fn keep_unchanged(
    staging: &output::Staging,
    plan: Plan<'_>,
    previous: &output::record::Previous,
    entries: &[(String, u64)],
    assets: &[String],
) -> (site::Tally, site::Tally) {
    let (mut kept, mut kept_assets) = (site::Tally::default(), site::Tally::default());
    for (rel, fp) in entries {
        if !plan.wants(rel, *fp)
            && let Some(&bytes) = previous.lens.get(rel)
        {
            staging.keep(rel);
            let one = site::Tally { files: 1, bytes };
            kept = kept + one;
            if assets.contains(rel) {
                kept_assets = kept_assets + one;
            }
        }
    }
    (kept, kept_assets)
}

/// How the search index is built for a configuration.
pub fn search_options(config: &LoadedConfig) -> search::SearchOptions {
    search::SearchOptions {
        language: config.config.book.language.clone(),
        ..search::SearchOptions::default()
    }
}

/// Pages are written straight into the staging folder as they are rendered.
impl site::OutputSink for output::Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        output::Staging::write(self, rel, bytes)
    }
}
