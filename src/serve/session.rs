//! Incremental rebuilds: what `serve` keeps between builds, and how it finds the pages
//! an edit feeds.
//!
//! A [`Session`] holds the loaded configuration and theme, every transcript parsed
//! (keyed by its path, checked by length, modification and change time and inode), the
//! last linked archive, and a fingerprint of every page it last wrote into DEST.
//!
//! After an edit, only changed files are read and parsed again. When only the words of
//! turns changed, they are swapped into the kept archive (`Session::patch`: linking
//! reads nothing else of them, so this is what linking again would give); otherwise all
//! episodes are linked again (linking is cross-file: people, topics, neighbours,
//! related episodes). Then each page's fingerprint is recomputed from the new archive. A fingerprint hashes
//! what the page shows, by stable names rather than ids (ids shift when an episode is
//! added). An episode's *card* is what its list rows show (title, date, duration,
//! description, show, hosts, guests). An episode page takes its transcript's bytes, its
//! card, people (with their facts) and topics (with their counts), and the cards of its
//! neighbours and related episodes; a person page the cards it lists and, for a guest,
//! the chapters they speak in; a topic page its chapters (with the first turn it
//! quotes) and cards; index pages, feed and sitemap all cards, people and topics.
//! Every page also takes the site-wide values every template sees (`site.counts`, the
//! show list). Only pages whose fingerprint changed are rendered, through
//! [`render::render_jobs`]; pages that no longer exist are deleted. Data flows one way:
//! pages are only ever rendered from the archive, and affected pages found by comparing
//! fingerprints, never by tracking edits.
//!
//! Pages are written into the live DEST one file at a time, each to a hidden temporary
//! name beside it and renamed over the old one, so a request sees the old page or the
//! new one, never a part, and a page that exists before and after never 404s. A theme
//! change re-renders every page without re-parsing; book.toml or `static/` changes run
//! a whole build into a staging folder swapped in at once ([`crate::write_site`]).
//!
//! The search index is the one thing not rebuilt before the edit is served: it is
//! rebuilt afterwards, once edits go quiet ([`Session::reindex`]), still on the rebuild
//! thread, so never during another rebuild.

use std::collections::HashMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use rayon::prelude::*;
use rustc_hash::FxHasher;

use crate::config::LoadedConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Archive, Episode, PersonId, TopicId};
use crate::render::{self, Job};
use crate::site::{OutputSink, layout};
use crate::theme::Theme;
use crate::transcript::{ParseOptions, ParsedChapter, ParsedEpisode, ParsedTurn};
use crate::{ArchiveStats, BuildOptions, BuildReport, Timings, content, exports, lap, output};

/// What a rebuild must redo beyond the content, from the kinds of change seen. The
/// content folder is always rescanned: stating every transcript costs a few
/// milliseconds and catches changes the watcher missed; unchanged ones are not read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Redo {
    /// Templates or theme assets changed: reload the theme, re-render every page.
    pub(super) theme: bool,
    /// book.toml or `static/` changed: reload everything, write a whole new site.
    pub(super) everything: bool,
}

/// One transcript as last read.
struct Cached {
    stamp: Stamp,
    /// Hash of the file's bytes: what episode fingerprints take of the transcript.
    hash: u64,
    /// The parsed transcript. While `lent`, its turns' speakers and bodies are empty:
    /// they were moved into the last linked archive, see [`lend`].
    parsed: Option<ParsedEpisode>,
    lent: bool,
    diagnostics: Vec<Diagnostic>,
}

/// What says a file is unchanged without reading it. The change time and inode catch
/// a save that keeps the length and restores the modification time (`touch -r`, rsync).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ctime: (i64, i64),
    inode: u64,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec()), meta.ino())
        };
        #[cfg(not(unix))]
        let (ctime, inode) = ((0, 0), 0);
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            ctime,
            inode,
        }
    }
}

/// How long a transcript that disappeared is waited for before its removal is
/// published (see [`Session::load`]), per check.
const GAP_WAIT: std::time::Duration = std::time::Duration::from_millis(100);
/// How many times a vanished transcript is looked for again.
const GAP_CHECKS: usize = 3;

/// What DEST holds now, as last written by this session.
struct Published {
    dest: PathBuf,
    /// Output path of every page, feed and sitemap → fingerprint of what it shows.
    pages: HashMap<String, u64>,
    /// Episode slug → fingerprint of its exports (its transcript's bytes and the names
    /// it links).
    exports: HashMap<String, u64>,
}

/// Everything kept between rebuilds; see the module docs.
pub(super) struct Session {
    /// The configuration in force.
    pub(super) config: LoadedConfig,
    drafts: bool,
    /// `http://127.0.0.1:3000/base/`: feeds and canonical links point at the preview.
    origin: String,
    files: HashMap<String, Cached>,
    theme: Option<Theme>,
    /// The archive last linked (holding the texts lent by `files`).
    archive: Archive,
    /// What linking said about it (slug collisions), kept for builds that patch it.
    link_diagnostics: Vec<Diagnostic>,
    published: Option<Published>,
    /// The search index lags behind the pages until [`Session::reindex`] runs.
    search_stale: bool,
}

impl Session {
    /// A session that has read nothing yet.
    pub(super) fn new(config: LoadedConfig, drafts: bool, origin: String) -> Session {
        Session {
            config,
            drafts,
            origin,
            files: HashMap::new(),
            theme: None,
            archive: Archive::default(),
            link_diagnostics: Vec::new(),
            published: None,
            search_stale: false,
        }
    }

    /// Takes a reloaded book.toml: everything read under the old one is dropped.
    pub(super) fn set_config(&mut self, config: LoadedConfig) {
        self.config = config;
        self.files.clear();
        self.archive = Archive::default();
        self.theme = None;
        self.published = None;
        self.search_stale = false;
    }

    /// True when the pages are newer than the search index.
    pub(super) fn search_stale(&self) -> bool {
        self.search_stale
    }

    fn build_options(&self) -> BuildOptions {
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

    /// Brings DEST up to date after `redo`. `Err` when the build could not run at all
    /// (unusable output folder, broken theme); content errors come back in the report,
    /// with DEST left as it was.
    pub(super) fn rebuild(&mut self, redo: Redo) -> anyhow::Result<BuildReport> {
        let start = Instant::now();
        let mut timings = Timings::new();
        let mut t = Instant::now();
        // Loading takes the texts back from the archive the index would be built from.
        let index_pending = std::mem::replace(&mut self.search_stale, false);
        let dest = self.config.build_dir();
        output::check_dest(&self.config.root, &self.config.content_dir(), &dest)?;
        let whole = redo.everything
            || self
                .published
                .as_ref()
                .is_none_or(|p| p.dest != dest || !dest.is_dir());
        // A theme loaded now (changed, or broken until now) may change every page.
        let theme_changed = redo.theme || self.theme.is_none();
        if theme_changed {
            // Dropped first: if the new theme is broken, the next rebuild tries again.
            self.theme = None;
            self.theme = Some(crate::theme::load(&self.config.root, &self.config.config)?);
            lap(&mut timings, "theme", &mut t);
        }
        let (archive, mut diagnostics) = self.load(&mut timings)?;
        let stats = ArchiveStats::of(&archive);
        let not_written = |diagnostics, timings| BuildReport {
            diagnostics,
            stats,
            files: 0,
            elapsed: start.elapsed(),
            dest: dest.clone(),
            written: false,
            timings,
        };
        if diagnostics.has_errors() {
            // The archive holds the lent texts, so it is kept. The search index now
            // waits for the next good build: the archive is no longer the one served.
            self.archive = archive;
            return Ok(not_written(diagnostics, timings));
        }
        let Some(theme) = &self.theme else {
            anyhow::bail!("internal error: the theme was not loaded");
        };
        let search = self.config.config.output.html.search.enable;
        let written = if whole {
            let opts = self.build_options();
            let site = crate::write_site(
                &archive,
                &self.config,
                theme,
                &opts,
                &dest,
                &|_| {},
                &mut timings,
            )?;
            diagnostics.extend(site.diagnostics);
            let (pages, exports) = fingerprints(&archive, &self.files, search);
            self.published = Some(Published {
                dest: dest.clone(),
                pages: pages.into_iter().map(|(_, path, fp)| (path, fp)).collect(),
                exports,
            });
            self.search_stale = false;
            site.files
        } else {
            let written = self.update_in_place(&archive, &dest, theme_changed, &mut timings)?;
            self.search_stale = search && (index_pending || written > 0);
            written
        };
        self.archive = archive;
        diagnostics.sort();
        Ok(BuildReport {
            diagnostics,
            stats,
            files: written,
            elapsed: start.elapsed(),
            dest,
            written: true,
            timings,
        })
    }

    /// Scans the content folder, parses what changed, links everything.
    fn load(&mut self, timings: &mut Timings) -> anyhow::Result<(Archive, Diagnostics)> {
        let mut t = Instant::now();
        let mut listing = content::list(&self.config.root, &self.config.content_dir())?;
        // Editors that save by deleting and writing again leave a moment with the file
        // missing; a rebuild in it would publish the site without that episode (404s
        // until the next save). A transcript that vanished gets a short grace period:
        // a real deletion is published at most GAP_WAIT × GAP_CHECKS later.
        for _ in 0..GAP_CHECKS {
            let listed: std::collections::HashSet<&str> =
                listing.files.iter().map(|(d, _)| d.as_str()).collect();
            if self.files.keys().all(|k| listed.contains(k.as_str())) {
                break;
            }
            std::thread::sleep(GAP_WAIT);
            listing = content::list(&self.config.root, &self.config.content_dir())?;
        }
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(self.config.diagnostics.iter().cloned());
        diagnostics.extend(listing.diagnostics);
        let mut listed = std::collections::HashSet::with_capacity(listing.files.len());
        let mut to_read = Vec::new();
        for (display, path) in listing.files {
            let same = match (self.files.get(&display), fs::metadata(&path)) {
                (Some(cached), Ok(meta)) => cached.stamp == Stamp::of(&meta),
                _ => false,
            };
            if !same {
                to_read.push((display.clone(), path));
            }
            listed.insert(display);
        }
        let removed = self.files.keys().any(|k| !listed.contains(k));
        lap(timings, "scan", &mut t);
        let parse_opts = ParseOptions {
            date_format: self.config.config.content.date_format.clone(),
        };
        let mut fresh: Vec<(String, Result<Cached, Diagnostic>)> = to_read
            .into_par_iter()
            .map(|(display, path)| {
                let read = content::read_listed(&display, &path).map(|(src, meta)| {
                    let (parsed, diagnostics) = crate::transcript::parse(&src, &parse_opts);
                    Cached {
                        stamp: Stamp::of(&meta),
                        hash: hash_bytes(&src.bytes),
                        parsed,
                        lent: false,
                        diagnostics,
                    }
                });
                (display, read)
            })
            .collect();
        lap(timings, "parse", &mut t);
        let patched = if removed {
            None
        } else {
            self.patch(&mut fresh)
        };
        let (archive, link_diags) = match patched {
            Some(archive) => {
                lap(timings, "patch", &mut t);
                (archive, self.link_diagnostics.clone())
            }
            None => {
                self.take_back_texts();
                self.files.retain(|display, _| listed.contains(display));
                for (display, read) in fresh {
                    match read {
                        Ok(cached) => {
                            self.files.insert(display, cached);
                        }
                        // Unreadable now: reported, and read again next time.
                        Err(diag) => {
                            self.files.remove(&display);
                            diagnostics.push(diag);
                        }
                    }
                }
                // `link` consumes its input, and the cache must outlive it. Copying 90 MB
                // of turns would cost more than linking, so the texts are lent instead:
                // moved into the archive, and moved back before the next link.
                let drafts = self.drafts;
                let episodes: Vec<ParsedEpisode> = self
                    .files
                    .par_iter_mut()
                    .filter_map(|(_, c)| {
                        let p = c.parsed.as_mut().filter(|p| drafts || !p.front.draft)?;
                        c.lent = true;
                        Some(lend(p))
                    })
                    .collect();
                lap(timings, "lend", &mut t);
                let (archive, link_diags) = crate::archive::link_with(
                    episodes,
                    &crate::archive::LinkOptions::of(&self.config.config),
                );
                self.link_diagnostics.clone_from(&link_diags);
                lap(timings, "link", &mut t);
                (archive, link_diags)
            }
        };
        for cached in self.files.values() {
            diagnostics.extend(cached.diagnostics.iter().cloned());
        }
        diagnostics.extend(link_diags);
        diagnostics.sort();
        Ok((archive, diagnostics))
    }

    /// The fast path: when every changed transcript differs from its last version only
    /// in the words of its turns (same front matter, chapter titles, speakers and
    /// timestamps), linking again would give the same archive with those words (and
    /// line numbers) swapped, since linking reads nothing else of them. So they are
    /// swapped into the last archive instead. `None` (and `fresh` untouched) otherwise:
    /// new or unreadable files, errors, changed names or structure all link again.
    /// Also taken with no change at all (a theme edit): the archive is reused whole.
    fn patch(&mut self, fresh: &mut Vec<(String, Result<Cached, Diagnostic>)>) -> Option<Archive> {
        for (display, read) in fresh.iter() {
            let new = read.as_ref().ok()?.parsed.as_ref()?;
            let old = self.files.get(display).filter(|c| c.lent)?;
            let episode = self
                .archive
                .episodes
                .iter()
                .find(|e| &e.source == display)?;
            if old.parsed.as_ref()?.front != new.front || !same_shape(new, episode) {
                return None;
            }
        }
        let mut archive = std::mem::take(&mut self.archive);
        for (display, read) in fresh.drain(..) {
            let Ok(mut new) = read else { continue };
            let (Some(parsed), Some(episode)) = (
                new.parsed.as_mut(),
                archive.episodes.iter_mut().find(|e| e.source == display),
            ) else {
                continue;
            };
            swap_texts(episode, lend(parsed));
            new.lent = true;
            self.files.insert(display, new);
        }
        Some(archive)
    }

    /// Moves the turns' texts from the last archive back into the parsed transcripts
    /// they were lent from. An entry that cannot take them back (which only a bug
    /// could cause) is dropped, so its file is read again.
    fn take_back_texts(&mut self) {
        let archive = std::mem::take(&mut self.archive);
        let mut linked: HashMap<String, Episode> = archive
            .episodes
            .into_iter()
            .map(|e| (e.source.clone(), e))
            .collect();
        self.files.retain(|display, cached| {
            if !cached.lent {
                return true;
            }
            cached.lent = false;
            match (cached.parsed.as_mut(), linked.remove(display)) {
                (Some(p), Some(mut e)) => take_back(p, &mut e),
                _ => false,
            }
        });
    }

    /// Renders into DEST the pages whose fingerprint changed (all of them after a theme
    /// change) and deletes those that are gone. Returns the number of files written.
    fn update_in_place(
        &mut self,
        archive: &Archive,
        dest: &Path,
        theme_changed: bool,
        timings: &mut Timings,
    ) -> anyhow::Result<usize> {
        let mut t = Instant::now();
        let search = self.config.config.output.html.search.enable;
        let (Some(theme), Some(published)) = (&self.theme, &mut self.published) else {
            anyhow::bail!("internal error: nothing published to update");
        };
        let (now, exports_now) = fingerprints(archive, &self.files, search);
        let mut jobs = Vec::new();
        let mut pages = HashMap::with_capacity(now.len());
        for (job, path, fp) in now {
            if theme_changed || published.pages.get(&path) != Some(&fp) {
                jobs.push(job);
            }
            pages.insert(path, fp);
        }
        let gone: Vec<String> = published
            .pages
            .keys()
            .filter(|p| !pages.contains_key(*p))
            .cloned()
            .collect();
        lap(timings, "diff", &mut t);
        let sink = InPlace::new(dest);
        let opts = self.build_options();
        let render_opts = render::RenderOptions {
            minify: opts.minify,
            site_url_override: opts.site_url.clone(),
            live_reload: None,
        };
        // Until every page is written, DEST is a mix of old and new pages: forget the
        // fingerprints now, so a failure part-way makes the next rebuild a whole one.
        let Some(published) = self.published.take() else {
            anyhow::bail!("internal error: nothing published to update");
        };
        render::render_jobs(
            archive,
            &self.config,
            theme,
            &render_opts,
            &sink,
            &|_| {},
            &jobs,
            theme_changed,
        )?;
        lap(timings, "render", &mut t);
        let urls = render::site_urls(&self.config, opts.site_url.as_deref());
        // Exports show the episode alone: neighbours and related episodes re-render
        // their pages, not their exports.
        let episodes: Vec<&Episode> = archive
            .episodes
            .iter()
            .filter(|e| published.exports.get(&e.slug) != exports_now.get(&e.slug))
            .collect();
        episodes.par_iter().try_for_each(|e| {
            for (file, bytes) in exports::render_episode(archive, e, &urls) {
                sink.write(&layout::export_rel(&e.slug, file), &bytes)?;
            }
            anyhow::Ok(())
        })?;
        lap(timings, "exports", &mut t);
        for path in &gone {
            remove_page(dest, path)?;
        }
        if !gone.is_empty() {
            lap(timings, "delete", &mut t);
        }
        self.published = Some(Published {
            dest: dest.to_path_buf(),
            pages,
            exports: exports_now,
        });
        Ok(sink.files.load(Ordering::Relaxed))
    }

    /// Rebuilds the search index of the archive last written. It is built in memory
    /// and written only when complete, so a search never meets an index half old, half
    /// new (beyond the moments of writing its files); if `cancel` is set meanwhile (an
    /// edit is waiting) it stops, writes nothing and returns `None`, staying due.
    pub(super) fn reindex(&mut self, cancel: &AtomicBool) -> anyhow::Result<Option<Duration>> {
        let start = Instant::now();
        let Some(published) = &self.published else {
            self.search_stale = false;
            return Ok(Some(start.elapsed()));
        };
        let memory = InMemory {
            files: std::sync::Mutex::new(Vec::new()),
            cancel,
        };
        let built = crate::search::write_index(
            &self.archive,
            &memory,
            &crate::search_options(&self.config),
        );
        if cancel.load(Ordering::SeqCst) {
            return Ok(None);
        }
        built?;
        let sink = InPlace::new(&published.dest);
        let files = memory
            .files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (rel, bytes) in &files {
            sink.write(rel, bytes)?;
        }
        self.search_stale = false;
        Ok(Some(start.elapsed()))
    }
}

/// Collects files in memory; every write fails once `cancel` is set, which ends the
/// writer early.
struct InMemory<'a> {
    files: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
    cancel: &'a AtomicBool,
}

impl OutputSink for InMemory<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            anyhow::bail!("cancelled: sources changed");
        }
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((rel.to_owned(), bytes.to_vec()));
        Ok(())
    }
}

/// A copy of `p` for linking that takes its turns' speakers and bodies (the bulk of a
/// transcript) instead of copying them, leaving them empty in `p`.
fn lend(p: &mut ParsedEpisode) -> ParsedEpisode {
    ParsedEpisode {
        source: p.source.clone(),
        front: p.front.clone(),
        chapters: p
            .chapters
            .iter_mut()
            .map(|c| ParsedChapter {
                title: c.title.clone(),
                line: c.line,
                turns: c
                    .turns
                    .iter_mut()
                    .map(|t| ParsedTurn {
                        speaker: std::mem::take(&mut t.speaker),
                        resolved: t.resolved,
                        start: t.start,
                        body: std::mem::take(&mut t.body),
                        line: t.line,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Moves the texts [`lend`] took back from the linked episode; linking keeps every
/// chapter and turn in order, so they pair up one to one. False if they do not.
fn take_back(p: &mut ParsedEpisode, e: &mut Episode) -> bool {
    let same_shape = p.chapters.len() == e.chapters.len()
        && p.chapters
            .iter()
            .zip(&e.chapters)
            .all(|(pc, ec)| pc.turns.len() == ec.turns.len());
    if !same_shape {
        return false;
    }
    for (pc, ec) in p.chapters.iter_mut().zip(&mut e.chapters) {
        for (pt, et) in pc.turns.iter_mut().zip(&mut ec.turns) {
            pt.speaker = std::mem::take(&mut et.speaker_label);
            pt.body = std::mem::take(&mut et.body);
        }
    }
    true
}

/// Whether linking `p` would give `e` again but for the turns' words and line numbers:
/// same chapters (titles), same turns (speakers, timestamps), in the same order.
fn same_shape(p: &ParsedEpisode, e: &Episode) -> bool {
    p.source == e.source
        && p.chapters.len() == e.chapters.len()
        && p.chapters.iter().zip(&e.chapters).all(|(pc, ec)| {
            let title = match &pc.title {
                None => ec.implicit,
                Some(t) => !ec.implicit && *t == ec.title,
            };
            title
                && pc.turns.len() == ec.turns.len()
                && pc
                    .turns
                    .iter()
                    .zip(&ec.turns)
                    .all(|(pt, et)| pt.speaker == et.speaker_label && pt.start == et.start)
        })
}

/// Puts the words and line numbers of `p` (lent, see [`lend`]) into `e`, which
/// [`same_shape`] found to be `p` linked but for them.
fn swap_texts(e: &mut Episode, p: ParsedEpisode) {
    for (ec, pc) in e.chapters.iter_mut().zip(p.chapters) {
        ec.line = pc.line;
        for (et, pt) in ec.turns.iter_mut().zip(pc.turns) {
            et.body = pt.body;
            et.line = pt.line;
        }
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// Every job of the site with its output path and the fingerprint of what it shows;
/// and the fingerprint of each episode's exports, by slug.
#[allow(clippy::type_complexity)]
fn fingerprints(
    archive: &Archive,
    files: &HashMap<String, Cached>,
    search: bool,
) -> (Vec<(Job, String, u64)>, HashMap<String, u64>) {
    let fp = Fingerprints::new(archive, files);
    // Guest and topic pages hash the chapters they quote: worth both cores.
    let pages = render::jobs(archive, search)
        .into_par_iter()
        .map(|job| {
            let value = fp.of(job);
            (job, job.output_path(archive), value)
        })
        .collect();
    let exports = archive
        .episodes
        .iter()
        .map(|e| (e.slug.clone(), fp.own(e.id)))
        .collect();
    (pages, exports)
}

/// The hashes page fingerprints are made of, computed once per rebuild.
struct Fingerprints<'a> {
    archive: &'a Archive,
    /// Per episode, what its list row shows anywhere (title, date, duration,
    /// description, show, hosts, guests): not the transcript's text.
    cards: Vec<u64>,
    /// Per episode, its card plus its transcript's bytes and its chapters' topics: what
    /// its own page and exports show of it.
    own: Vec<u64>,
    /// What every page sees: `site.counts`, the show list.
    global: u64,
    /// All cards, people and topics: what index pages, feed and sitemap show.
    all: u64,
    /// Distinct episodes per topic, by topic index (counted once, not per link).
    topic_counts: Vec<usize>,
}

impl<'a> Fingerprints<'a> {
    fn new(archive: &'a Archive, files: &HashMap<String, Cached>) -> Self {
        let cards: Vec<u64> = archive
            .episodes
            .iter()
            .map(|e| {
                let mut h = FxHasher::default();
                (&e.source, &e.slug, &e.title, e.date, e.duration_minutes).hash(&mut h);
                (&e.description, &e.audio_url, e.draft).hash(&mut h);
                let show = archive.podcast(e.podcast);
                (&show.name, &show.slug).hash(&mut h);
                for p in e.hosts.iter().chain(&e.guests) {
                    person_link(archive, *p, &mut h);
                }
                e.hosts.len().hash(&mut h);
                h.finish()
            })
            .collect();
        let own: Vec<u64> = archive
            .episodes
            .iter()
            .zip(&cards)
            .map(|(e, card)| {
                let mut h = FxHasher::default();
                card.hash(&mut h);
                files.get(&e.source).map(|c| c.hash).hash(&mut h);
                for c in &e.chapters {
                    c.topic.map(|t| topic_name(archive, t)).hash(&mut h);
                }
                for t in &e.topics {
                    topic_name(archive, *t).hash(&mut h);
                }
                h.finish()
            })
            .collect();
        let mut g = FxHasher::default();
        let stats = ArchiveStats::of(archive);
        (stats.podcasts, stats.episodes, stats.people, stats.topics).hash(&mut g);
        archive.chapter_count().hash(&mut g);
        archive
            .people
            .iter()
            .filter(|p| p.is_guest())
            .count()
            .hash(&mut g);
        archive
            .people
            .iter()
            .filter(|p| p.is_host())
            .count()
            .hash(&mut g);
        for p in &archive.podcasts {
            (&p.name, &p.slug, p.episodes.len()).hash(&mut g);
        }
        let global = g.finish();
        let mut a = FxHasher::default();
        global.hash(&mut a);
        cards.hash(&mut a);
        for p in &archive.people {
            person_facts(archive, p.id, &mut a);
        }
        let topic_counts: Vec<usize> = archive.topics.iter().map(|t| t.episode_count()).collect();
        for t in &archive.topics {
            topic_name(archive, t.id).hash(&mut a);
        }
        topic_counts.hash(&mut a);
        Fingerprints {
            archive,
            cards,
            own,
            global,
            all: a.finish(),
            topic_counts,
        }
    }

    /// A topic as linked: (name, slug) and how many episodes it has.
    fn topic(&self, id: TopicId) -> ((&str, &str), usize) {
        let count = self.topic_counts.get(id.index()).copied().unwrap_or(0);
        (topic_name(self.archive, id), count)
    }

    fn card(&self, id: crate::model::EpisodeId) -> u64 {
        self.cards.get(id.index()).copied().unwrap_or(0)
    }

    fn own(&self, id: crate::model::EpisodeId) -> u64 {
        self.own.get(id.index()).copied().unwrap_or(0)
    }

    fn of(&self, job: Job) -> u64 {
        let a = self.archive;
        let mut h = FxHasher::default();
        self.global.hash(&mut h);
        std::mem::discriminant(&job).hash(&mut h);
        match job {
            Job::Episode(id) => {
                let e = a.episode(id);
                self.own(id).hash(&mut h);
                for p in e.hosts.iter().chain(&e.guests) {
                    person_facts(a, *p, &mut h);
                }
                for t in e
                    .chapters
                    .iter()
                    .filter_map(|c| c.topic)
                    .chain(e.topics.iter().copied())
                {
                    self.topic(t).hash(&mut h);
                }
                for id in e.prev.iter().chain(&e.next).chain(&e.related) {
                    self.card(*id).hash(&mut h);
                }
                // prev and next cannot be told apart by their cards alone.
                (e.prev.is_some(), e.next.is_some()).hash(&mut h);
            }
            Job::Person(id) => {
                let p = a.person(id);
                person_facts(a, id, &mut h);
                for e in &p.hosted {
                    self.card(*e).hash(&mut h);
                }
                // A guest's page links the chapters where they speak.
                for e in &p.guested {
                    self.card(*e).hash(&mut h);
                    for c in &a.episode(*e).chapters {
                        if c.turns.iter().any(|t| t.person == Some(id)) {
                            (&c.title, &c.slug, c.start.seconds()).hash(&mut h);
                        }
                    }
                }
            }
            Job::Topic(id) => {
                let t = a.topic(id);
                self.topic(id).hash(&mut h);
                // Each chapter with its episode's card and an excerpt of its first turn.
                for r in &t.chapters {
                    self.card(r.episode).hash(&mut h);
                    if let Some(c) = a.episode(r.episode).chapters.get(r.chapter as usize) {
                        (&c.title, &c.slug, c.start.seconds()).hash(&mut h);
                        c.turns.first().map(|t| &t.body).hash(&mut h);
                    }
                }
                for e in &t.episodes {
                    self.card(*e).hash(&mut h);
                }
            }
            Job::Podcast(id) | Job::PodcastFeed(id) => {
                let p = a.podcast(id);
                (&p.name, &p.slug).hash(&mut h);
                for e in &p.episodes {
                    self.card(*e).hash(&mut h);
                }
                for host in &p.hosts {
                    person_facts(a, *host, &mut h);
                }
            }
            // Pages that list the whole archive.
            Job::Home
            | Job::Episodes
            | Job::Guests
            | Job::Hosts
            | Job::Topics
            | Job::Feed
            | Job::Sitemap
            | Job::Taxonomy(_)
            | Job::Term(_)
            | Job::TermFeed(_)
            | Job::Year(_) => self.all.hash(&mut h),
            // They show only site-wide values.
            Job::NotFound | Job::Search => {}
        }
        h.finish()
    }
}

/// A person as linked: name and slug.
fn person_link(archive: &Archive, id: PersonId, h: &mut FxHasher) {
    let p = archive.person(id);
    (&p.name, &p.slug).hash(h);
}

/// A person with what their pages and links show about them.
fn person_facts(archive: &Archive, id: PersonId, h: &mut FxHasher) {
    let p = archive.person(id);
    let f = &p.facts;
    (&p.name, &p.slug).hash(h);
    (
        &f.biggest_role,
        &f.current_company,
        &f.company_size,
        f.career_start,
    )
        .hash(h);
    (p.hosted.len(), p.guested.len()).hash(h);
}

/// A topic's name and slug.
fn topic_name(archive: &Archive, id: TopicId) -> (&str, &str) {
    let t = archive.topic(id);
    (&t.name, &t.slug)
}

/// Deletes a page that no longer exists (with an episode's exports), then its folder
/// if that is now empty.
fn remove_page(dest: &Path, rel: &str) -> anyhow::Result<()> {
    output::check_rel(rel)?;
    let path = dest.join(rel);
    let remove = |p: &Path| match fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("failed to remove `{}`", p.display()))
        }
        _ => Ok(()),
    };
    remove(&path)?;
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    if rel.starts_with("episodes/") && rel != "episodes/index.html" {
        for file in [
            layout::CHAPTERS_JSON,
            layout::TRANSCRIPT_JSON,
            layout::TRANSCRIPT_VTT,
            layout::TRANSCRIPT_SRT,
        ] {
            remove(&dir.join(file.name))?;
        }
    }
    if dir != dest {
        // Fails when something else is still in it (e.g. a file from `static/`): kept then.
        let _ = fs::remove_dir(dir);
    }
    Ok(())
}

/// Writes files straight into the live DEST: each to a hidden temporary file beside
/// its final name (the server never serves hidden names), then renamed over it, which
/// is atomic, so a reader sees the old file or the new one.
struct InPlace {
    root: PathBuf,
    files: AtomicUsize,
    serial: AtomicU64,
}

impl InPlace {
    fn new(root: &Path) -> InPlace {
        InPlace {
            root: root.to_path_buf(),
            files: AtomicUsize::new(0),
            serial: AtomicU64::new(0),
        }
    }
}

impl OutputSink for InPlace {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        output::check_rel(rel)?;
        let path = self.root.join(rel);
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            anyhow::bail!("invalid output path `{rel}`");
        };
        fs::create_dir_all(dir)
            .with_context(|| format!("failed to create folder `{}`", dir.display()))?;
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{}.castbook-tmp-{}-{n}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, &path));
        if let Err(err) = written {
            let _ = fs::remove_file(&tmp);
            return Err(err).with_context(|| format!("failed to write `{}`", path.display()));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let sink = InPlace::new(dir.path());
        sink.write("episodes/a/index.html", b"one").unwrap();
        let before = fs::metadata(dir.path().join("episodes/a/index.html")).unwrap();
        sink.write("episodes/a/index.html", b"two").unwrap();
        let path = dir.path().join("episodes/a/index.html");
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // A new inode: a reader holding the old one keeps reading the old page.
            assert_ne!(fs::metadata(&path).unwrap().ino(), before.ino());
        }
        let _ = before;
        let names: Vec<_> = fs::read_dir(dir.path().join("episodes/a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["index.html"]);
        assert!(sink.write("../x", b"").is_err());
        assert!(sink.write("/x", b"").is_err());
    }

    #[test]
    fn lent_texts_come_back_whole() {
        let text = "---\npodcast_name: P\nhost_name: Hana Host\nguest_name: Gus Guest\n\
                    episode_date: 01/02/2025\nepisode_title: T\n---\nHana 00:00:01:\n\nHello.\n\n\
                    ### One\nGus 00:01:00:\n\nFirst *body*.\n\nHana 00:02:00:\n\nSecond.\n";
        let src = crate::transcript::SourceFile {
            display: "content/t.txt".to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        let (parsed, diags) = crate::transcript::parse(&src, &ParseOptions::default());
        let mut parsed = parsed.unwrap_or_else(|| panic!("{diags:?}"));
        let original = parsed.clone();
        let lent = lend(&mut parsed);
        assert_eq!(lent, original);
        assert!(
            parsed
                .chapters
                .iter()
                .flat_map(|c| &c.turns)
                .all(|t| t.body.is_empty())
        );
        let (mut archive, _) = crate::archive::link(vec![lent]);
        assert!(take_back(&mut parsed, &mut archive.episodes[0]));
        assert_eq!(parsed, original);
    }

    #[test]
    fn patching_words_gives_what_linking_again_gives() {
        let parse = |text: &str| {
            let src = crate::transcript::SourceFile {
                display: "content/t.txt".to_owned(),
                bytes: text.as_bytes().to_vec(),
            };
            let (parsed, diags) = crate::transcript::parse(&src, &ParseOptions::default());
            parsed.unwrap_or_else(|| panic!("{diags:?}"))
        };
        let head = "---\npodcast_name: P\nhost_name: Hana Host\nguest_name: Gus Guest\n\
                    episode_date: 01/02/2025\nepisode_title: T\n---\n";
        let before = format!(
            "{head}Hana 00:00:01:\n\nHello.\n\n### One\nGus 00:01:00:\n\nFirst.\n\nHana 00:02:00:\n\nSecond.\n"
        );
        let after = format!(
            "{head}Hana 00:00:01:\n\nHello,\nworld.\n\n### One\nGus 00:01:00:\n\nFirst *new*.\n\nHana 00:02:00:\n\nSecond.\n"
        );
        let (mut archive, _) = crate::archive::link(vec![parse(&before)]);
        let mut new = parse(&after);
        assert!(same_shape(&new, &archive.episodes[0]));
        swap_texts(&mut archive.episodes[0], lend(&mut new));
        let (relinked, _) = crate::archive::link(vec![parse(&after)]);
        assert_eq!(format!("{archive:?}"), format!("{relinked:?}"));
        // A renamed chapter or another speaker is not a words-only change.
        for changed in [
            after.replace("### One", "### Two"),
            after.replace("Gus 00:01", "Hana 00:01"),
        ] {
            assert!(!same_shape(&parse(&changed), &relinked.episodes[0]));
        }
    }

    #[test]
    fn removing_an_episode_page_takes_its_exports_and_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sink = InPlace::new(dir.path());
        sink.write("episodes/a/index.html", b"page").unwrap();
        sink.write("episodes/a/transcript.vtt", b"vtt").unwrap();
        sink.write("episodes/index.html", b"list").unwrap();
        remove_page(dir.path(), "episodes/a/index.html").unwrap();
        assert!(!dir.path().join("episodes/a").exists());
        assert!(dir.path().join("episodes/index.html").exists());
        // Already gone: not an error.
        remove_page(dir.path(), "episodes/a/index.html").unwrap();
    }
}
