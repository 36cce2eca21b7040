//! Bringing a live output folder up to date: only the files whose fingerprint moved
//! are written (each atomically), and the files the new manifest no longer lists are
//! deleted, with the folders they leave empty.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::Cache;
use crate::config::LoadedConfig;
use crate::diag::Diagnostic;
use crate::model::Archive;
use crate::output::Live;
use crate::site::OutputSink;
use crate::site::manifest::{Group, Manifest, Plan, of_bytes};
use crate::theme::Theme;
use crate::{BuildOptions, Timings, exports, lap, render, search, search_options};

/// What [`update_site`] did.
#[derive(Debug)]
pub struct Updated {
    /// Files written.
    pub written: usize,
    /// Files deleted.
    pub removed: usize,
    /// What the folder now holds.
    pub manifest: Manifest,
    /// Warnings about settings, as a whole build gives them.
    pub diagnostics: Vec<Diagnostic>,
}

/// Updates the live folder `dest`, which holds what `previous` lists, to the site of
/// `archive`: renders and writes only what changed, deletes what is gone. The search
/// index and `static/` files are left as they are (see [`reindex`]; a change under
/// `static/` needs a whole build). A failure part-way leaves a mix of old and new
/// files, so the caller must then build whole.
#[allow(clippy::too_many_arguments)]
pub fn update_site(
    archive: &Archive,
    config: &LoadedConfig,
    theme: &Theme,
    opts: &BuildOptions,
    dest: &Path,
    previous: &Manifest,
    cache: &Cache,
    timings: &mut Timings,
) -> anyhow::Result<Updated> {
    let live = Live::new(dest);
    let plan = Plan::Changed(previous);
    let render_opts = render::RenderOptions {
        minify: opts.minify,
        site_url_override: opts.site_url.clone(),
        live_reload: opts.live_reload.clone(),
    };
    let rendered = render::render(
        archive,
        config,
        theme,
        &render_opts,
        &live,
        &|_| {},
        plan,
        &cache.render,
    )?;
    // The parts of rendering, where an update's time goes.
    timings.extend(rendered.stages.iter().copied());
    let mut t = Instant::now();
    let urls = render::site_urls(config, opts.site_url.as_deref());
    let export_files = config.config.output.exports.files();
    let exported = exports::export(archive, &urls, &export_files, &live, plan)?;
    lap(timings, "exports", &mut t);
    let mut manifest = Manifest::new();
    manifest.extend(Group::Render, rendered.entries);
    manifest.extend(Group::Exports, exported.entries);
    for group in [Group::Search, Group::Static] {
        manifest.extend(group, owned(previous.group(group)));
    }
    let gone = previous.gone(&manifest);
    for rel in &gone {
        live.remove(rel)?;
    }
    if !gone.is_empty() {
        lap(timings, "delete", &mut t);
    }
    Ok(Updated {
        written: live.written(),
        removed: gone.len(),
        manifest,
        diagnostics: rendered.diagnostics,
    })
}

fn owned<'a>(entries: impl Iterator<Item = (&'a str, u64)>) -> Vec<(String, u64)> {
    entries.map(|(rel, fp)| (rel.to_owned(), fp)).collect()
}

/// Files built in memory: output path and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// What [`reindex`] did.
#[derive(Debug, Clone, Copy)]
pub struct Reindexed {
    /// Index files written (their bytes changed).
    pub written: usize,
    /// Index files deleted (no longer part of the index).
    pub removed: usize,
    /// Wall time.
    pub elapsed: Duration,
}

/// Builds the search index of `archive` in memory and brings the live folder's index
/// (as `manifest` lists it) up to it: [`index_in_memory`], then [`publish_index`].
/// If `cancel` is set meanwhile (an edit waits), it stops before writing anything and
/// returns `None`.
pub fn reindex(
    archive: &Archive,
    config: &LoadedConfig,
    dest: &Path,
    manifest: &mut Manifest,
    cancel: &AtomicBool,
) -> anyhow::Result<Option<Reindexed>> {
    let start = Instant::now();
    let Some(files) = index_in_memory(archive, &search_options(config), cancel)? else {
        return Ok(None);
    };
    let mut done = publish_index(files, dest, manifest)?;
    done.elapsed = start.elapsed();
    Ok(Some(done))
}

/// The files of `archive`'s search index, built in memory (nothing is written);
/// `None` when `cancel` was set before it was complete.
pub fn index_in_memory(
    archive: &Archive,
    opts: &search::SearchOptions,
    cancel: &AtomicBool,
) -> anyhow::Result<Option<Files>> {
    let memory = InMemory {
        files: Mutex::new(Vec::new()),
        cancel,
    };
    let built = search::write_index(archive, &memory, opts);
    if cancel.load(Ordering::SeqCst) {
        return Ok(None);
    }
    built?;
    Ok(Some(
        memory
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
    ))
}

/// Brings the live folder's search index (as `manifest` lists it) up to `files`: the
/// files whose bytes changed are written, each atomically, those no longer part of
/// the index are deleted, and `manifest` is updated.
pub fn publish_index(
    files: Files,
    dest: &Path,
    manifest: &mut Manifest,
) -> anyhow::Result<Reindexed> {
    let start = Instant::now();
    let live = Live::new(dest);
    let plan = Plan::Changed(manifest);
    let mut entries = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        let fp = of_bytes(&bytes);
        if plan.wants(&rel, fp) {
            live.write(&rel, &bytes)?;
        }
        entries.push((rel, fp));
    }
    let mut next = manifest.clone();
    next.clear_group(Group::Search);
    next.extend(Group::Search, entries);
    // `static/` still wins a path it shares with the index.
    next.extend(Group::Static, owned(manifest.group(Group::Static)));
    let gone = manifest.gone(&next);
    for rel in &gone {
        live.remove(rel)?;
    }
    *manifest = next;
    Ok(Reindexed {
        written: live.written(),
        removed: gone.len(),
        elapsed: start.elapsed(),
    })
}

/// Collects files in memory; every write fails once `cancel` is set, which ends the
/// writer early.
struct InMemory<'a> {
    files: Mutex<Files>,
    cancel: &'a AtomicBool,
}

impl OutputSink for InMemory<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            anyhow::bail!("cancelled: sources changed");
        }
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((rel.to_owned(), bytes.to_vec()));
        Ok(())
    }
}

/// Passes writes on to another sink and records each file's fingerprint (of its
/// bytes): how a whole build learns the manifest of what it cannot fingerprint from a
/// view (the search index).
pub(crate) struct Recording<'a> {
    inner: &'a dyn OutputSink,
    entries: Mutex<Vec<(String, u64)>>,
}

impl<'a> Recording<'a> {
    /// Records what is written to `inner`.
    pub(crate) fn new(inner: &'a dyn OutputSink) -> Self {
        Recording {
            inner,
            entries: Mutex::new(Vec::new()),
        }
    }

    /// Every file written, with its fingerprint.
    pub(crate) fn entries(self) -> Vec<(String, u64)> {
        self.entries
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl OutputSink for Recording<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.inner.write(rel, bytes)?;
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((rel.to_owned(), of_bytes(bytes)));
        Ok(())
    }
}
