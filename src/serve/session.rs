//! What `serve` keeps between rebuilds, and how each rebuild is published.
//!
//! Rebuilding is the build itself ([`crate::pipeline`]) with a cache kept across
//! builds: a saved transcript is read and parsed again alone, linking is reused
//! while what it reads is unchanged, and every output's fingerprint is computed from
//! the view it is rendered from. The first build, and any after a book.toml or
//! `static/` change, is whole: written beside the output folder and swapped in at
//! once. Every other one updates the served folder in place: only files whose
//! fingerprint moved are written (each to a hidden temporary name, then renamed over
//! the old one, so a request sees the old file or the new one, never a part), and the
//! files the new manifest no longer lists are deleted.
//!
//! The search index is the one thing not brought up to date before an edit is
//! served: [`Session::reindex`] does it once edits go quiet, still on the rebuild
//! thread, so never during another rebuild.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::LoadedConfig;
use crate::model::Archive;
use crate::pipeline::{self, Cache, Settle};
use crate::site::manifest::Manifest;
use crate::theme::Theme;
use crate::{ArchiveStats, BuildOptions, BuildReport, Timings, lap, output};

/// What a rebuild must redo beyond the content, from the kinds of change seen. The
/// content folder is always rescanned: stating every transcript costs a few
/// milliseconds and catches changes the watcher missed; unchanged ones are not read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Redo {
    /// Templates or theme assets changed: reload the theme.
    pub(super) theme: bool,
    /// book.toml or `static/` changed: reload everything, write a whole new site.
    pub(super) everything: bool,
}

/// What the output folder holds, as this session last wrote it.
struct Published {
    dest: PathBuf,
    manifest: Manifest,
    /// The archive it was built from (the search index follows it).
    archive: Arc<Archive>,
}

/// What building the search index of the served site takes.
pub(super) struct IndexJob {
    /// The archive the served pages were built from.
    pub(super) archive: Arc<Archive>,
    /// How to build it.
    pub(super) opts: crate::search::SearchOptions,
    /// Which site it is for ([`Session::publish_index`] checks it is still served).
    pub(super) generation: u64,
}

/// A rebuild's outcome.
pub(super) struct Rebuilt {
    /// What was built, as `castbook build` reports it.
    pub(super) report: BuildReport,
    /// A transcript was still being written: build again soon to pick it up.
    pub(super) retry: bool,
}

/// Everything kept between rebuilds; see the module docs.
pub(super) struct Session {
    /// The configuration in force.
    pub(super) config: LoadedConfig,
    drafts: bool,
    /// `http://127.0.0.1:3000`: feeds and canonical links point at the preview.
    origin: String,
    cache: Cache,
    theme: Option<Theme>,
    published: Option<Published>,
    /// The search index lags behind the pages until it is brought up to date
    /// ([`Session::index_job`] and [`Session::publish_index`], or [`Session::reindex`]).
    search_stale: bool,
    /// Counts the sites published: an index built for an older one is not published.
    generation: u64,
    /// How reading waits for saves in progress.
    pub(super) settle: Settle,
}

impl Session {
    /// A session that has read nothing yet.
    pub(super) fn new(config: LoadedConfig, drafts: bool, origin: String) -> Session {
        Session {
            config,
            drafts,
            origin,
            cache: Cache::new(),
            theme: None,
            published: None,
            search_stale: false,
            generation: 0,
            settle: Settle::default(),
        }
    }

    /// Takes a reloaded book.toml: everything read under the old one is dropped.
    pub(super) fn set_config(&mut self, config: LoadedConfig) {
        self.config = config;
        self.cache.clear();
        self.theme = None;
        self.published = None;
        self.search_stale = false;
    }

    /// True when the pages are newer than the search index.
    pub(super) fn search_stale(&self) -> bool {
        self.search_stale
    }

    /// The options of `castbook build --no-minify --site-url <this server>`: what
    /// serve builds, and what a build of the same sources must equal.
    pub(super) fn build_options(&self) -> BuildOptions {
        BuildOptions {
            root: self.config.root.clone(),
            dest: None,
            site_url: Some(format!("{}{}", self.origin, super::base_path(&self.config))),
            drafts: self.drafts,
            // Readable source in the browser's inspector, and faster rebuilds.
            minify: false,
            // tower-livereload injects its own script into served pages.
            live_reload: None,
        }
    }

    /// Brings the output folder up to date after `redo`. `Err` when the build could
    /// not run at all (unusable output folder, broken theme); content errors come back
    /// in the report, with the folder left as it was.
    pub(super) fn rebuild(&mut self, redo: &Redo) -> anyhow::Result<Rebuilt> {
        let start = Instant::now();
        let mut timings = Timings::new();
        let mut t = Instant::now();
        let dest = self.config.build_dir();
        if redo.everything {
            // Forgotten now, not when written: should this build stop (a broken theme,
            // a content error), the next one must still be whole.
            self.published = None;
        }
        output::check_dest(&self.config.root, &self.config.content_dir(), &dest)?;
        if redo.theme || self.theme.is_none() {
            // Dropped first: if the new theme is broken, the next rebuild tries again.
            self.theme = None;
            self.theme = Some(crate::theme::load(&self.config.root, &self.config.config)?);
            lap(&mut timings, "theme", &mut t);
        }
        let read = pipeline::read(
            &self.config,
            self.drafts,
            &mut self.cache,
            Some(&self.settle),
            &mut timings,
        )?;
        let stats = ArchiveStats::of(&read.archive);
        let mut diagnostics = read.diagnostics;
        let mut report = BuildReport {
            diagnostics: crate::diag::Diagnostics::new(),
            stats,
            files: 0,
            elapsed: Duration::ZERO,
            dest: dest.clone(),
            written: false,
            timings: Timings::new(),
            size: crate::output::size::SiteSize::default(),
            stage_sizes: Vec::new(),
        };
        if diagnostics.has_errors() {
            // The last good site stays, and so does its search index's due date.
            report.diagnostics = diagnostics;
            report.elapsed = start.elapsed();
            report.timings = timings;
            return Ok(Rebuilt {
                report,
                retry: read.unsettled,
            });
        }
        let Some(theme) = &self.theme else {
            anyhow::bail!("internal error: the theme was not loaded");
        };
        let opts = self.build_options();
        let search = self.config.config.output.html.search.enable;
        // Until it is written, the folder is a mix of old and new files: forget what
        // it held now, so a failure part-way makes the next rebuild a whole one.
        let previous = self
            .published
            .take()
            .filter(|p| p.dest == dest && dest.is_dir());
        let (written, manifest) = match previous {
            None => {
                let site = crate::write_site(
                    &read.archive,
                    &self.config,
                    theme,
                    &opts,
                    &dest,
                    &|_| {},
                    &mut timings,
                    &self.cache,
                )?;
                diagnostics.extend(site.diagnostics);
                self.search_stale = false;
                (site.files, site.manifest)
            }
            Some(previous) => {
                let updated = pipeline::update_site(
                    &read.archive,
                    &self.config,
                    theme,
                    &opts,
                    &dest,
                    &previous.manifest,
                    &self.cache,
                    &mut timings,
                )?;
                diagnostics.extend(updated.diagnostics);
                self.search_stale |= search && (updated.written > 0 || updated.removed > 0);
                (updated.written, updated.manifest)
            }
        };
        self.published = Some(Published {
            dest: dest.clone(),
            manifest,
            archive: read.archive,
        });
        self.generation += 1;
        diagnostics.sort();
        report.diagnostics = diagnostics;
        report.files = written;
        report.written = true;
        report.elapsed = start.elapsed();
        report.timings = timings;
        Ok(Rebuilt {
            report,
            retry: read.unsettled,
        })
    }

    /// What building the search index of the site served now needs, to build it off
    /// the rebuild thread; `None` (and no index due) when nothing is served.
    pub(super) fn index_job(&mut self) -> Option<IndexJob> {
        let Some(published) = self.published.as_ref() else {
            self.search_stale = false;
            return None;
        };
        Some(IndexJob {
            archive: Arc::clone(&published.archive),
            opts: crate::search_options(&self.config),
            generation: self.generation,
        })
    }

    /// Publishes an index built from [`Session::index_job`]'s archive: the index files
    /// whose bytes changed are written and those no longer used deleted. Returns
    /// `false`, writing nothing, when another site was published since.
    pub(super) fn publish_index(
        &mut self,
        generation: u64,
        files: pipeline::Files,
    ) -> anyhow::Result<bool> {
        let Some(published) = self
            .published
            .as_mut()
            .filter(|_| generation == self.generation)
        else {
            return Ok(false);
        };
        match pipeline::publish_index(files, &published.dest, &mut published.manifest) {
            Ok(_) => {
                self.search_stale = false;
                Ok(true)
            }
            Err(err) => {
                // The index files are now a mix: the next rebuild must be whole.
                self.published = None;
                Err(err)
            }
        }
    }

    /// Brings the search index up to date on this thread, as the background indexer
    /// does (`indexer.rs`).
    #[cfg(test)]
    pub(super) fn reindex(&mut self) -> anyhow::Result<()> {
        let Some(job) = self.index_job() else {
            return Ok(());
        };
        let never = std::sync::atomic::AtomicBool::new(false);
        if let Some(files) = pipeline::index_in_memory(&job.archive, &job.opts, &never)? {
            self.publish_index(job.generation, files)?;
        }
        Ok(())
    }
}
