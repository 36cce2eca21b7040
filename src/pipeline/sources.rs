//! The transcripts as last read, kept between builds: a file is read again only when
//! its stat (length, modification and change time, inode) moved, and parsed again
//! only when its *inputs* changed: the bytes read (its own and those of its sidecar,
//! chapters file and `_defaults.yml` files), its path and the parse options, hashed
//! into the episode's [`SourceKey`]. A metadata file that changes, appears or goes
//! reads every transcript depending on it again.
//!
//! Reading waits for whole saves when asked ([`Settle`], serve only). A file that is a
//! new inode at its path (an editor's safe save renames a finished temporary file over
//! the old one; a new transcript) is read once it has been quiet (no write, by its
//! change time) for [`Settle::fresh`], the watcher's debounce: a renamed file is
//! complete the moment it appears, and by the time its event arrives that much has
//! passed. A file written in place (the same inode, truncated and rewritten) may be
//! read between two of its writes, so it must have been seen unchanged for the longer
//! [`Settle::quiet`]. Either is kept only if it is the file found settled and its
//! length, times and inode did not move while it was read; until then the last
//! version read stays in use.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::content;
use crate::diag::Diagnostic;
use crate::model::SourceKey;
use crate::site::manifest::{fingerprint, of_bytes};
use crate::transcript::{self, ParseOptions, ParsedEpisode};

/// How a live preview reads files that may be in the middle of a save.
#[derive(Debug, Clone)]
pub struct Settle {
    /// A file written in place is read once it has been seen unchanged for this long.
    /// Longer than the gaps between the parts of one save (an editor writing in chunks,
    /// a truncate followed by the write).
    pub quiet: Duration,
    /// A new file at a transcript's path (a save by rename, a new transcript, one
    /// deleted and written again) is read once it has had no write for this long.
    pub fresh: Duration,
    /// The longest one build waits for files to settle; past it they keep their last
    /// version and the caller is told to build again ([`Scan::unsettled`]).
    pub patience: Duration,
    /// How long a transcript that vanished is waited for before its removal counts:
    /// editors that save by deleting and writing again leave a moment with no file.
    pub vanish_grace: Duration,
}

impl Default for Settle {
    fn default() -> Self {
        Settle {
            quiet: Duration::from_millis(150),
            fresh: Duration::from_millis(50),
            patience: Duration::from_secs(2),
            vanish_grace: Duration::from_millis(300),
        }
    }
}

/// What says a file is unchanged without reading it. The change time and inode catch
/// a save that keeps the length and restores the modification time (`touch -r`, rsync).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ctime: (i64, i64),
    inode: u64,
}

impl Stamp {
    pub(crate) fn of(meta: &fs::Metadata) -> Stamp {
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

    /// How long ago the file was last written, renamed or had its attributes changed
    /// (its change time, which nobody can set back); `None` when it is in the future.
    fn quiet_for(&self) -> Option<Duration> {
        let changed = if cfg!(unix) {
            let (secs, nanos) = self.ctime;
            let secs = u64::try_from(secs).ok()?;
            let nanos = u32::try_from(nanos).ok()?;
            SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))?
        } else {
            self.modified?
        };
        SystemTime::now().duration_since(changed).ok()
    }
}

/// One transcript as last read.
struct Source {
    stamp: Stamp,
    /// The metadata files it was listed with: a new or removed one reads it again.
    listed_meta: Vec<PathBuf>,
    /// Every metadata file read with it (also the chapters file its sidecar names) and
    /// its stamp, `None` when it could not be read: a change to one reads it again.
    meta: Vec<(PathBuf, Option<Stamp>)>,
    /// Its inputs: equal keys parse alike.
    key: SourceKey,
    /// `None` when the file has errors.
    parsed: Option<Arc<ParsedEpisode>>,
    /// What linking reads of it ([`crate::archive::link_key`]).
    link_key: u64,
    diagnostics: Vec<Diagnostic>,
}

/// Every transcript read so far, by display path.
#[derive(Default)]
pub(crate) struct Sources {
    files: HashMap<String, Source>,
    /// Fingerprint of the parse options the kept parses were made with.
    options: u64,
}

/// The transcripts of one build.
pub(crate) struct Scan {
    /// Parsed transcripts (drafts left out unless asked for), by source path.
    pub(crate) episodes: Vec<(Arc<ParsedEpisode>, u64)>,
    /// What discovery and parsing said, unsorted.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Transcript files found.
    pub(crate) files: usize,
    /// Drafts left out.
    pub(crate) drafts_skipped: usize,
    /// Some file was still being written when patience ran out: it keeps its last
    /// version (or is left out if new) until the next build.
    pub(crate) unsettled: bool,
}

/// A file to (re)read.
struct Pending {
    listed: content::Listed,
    /// Its stat when first seen changed, and when.
    seen: (Stamp, Instant),
}

impl Sources {
    /// Lists the content folder, reads and parses what changed since the last call and
    /// returns every transcript. `settle` (serve) waits for saves to finish.
    pub(crate) fn scan(
        &mut self,
        root: &Path,
        content_dir: &Path,
        parse: &ParseOptions,
        drafts: bool,
        settle: Option<&Settle>,
    ) -> anyhow::Result<Scan> {
        let options = fingerprint(parse);
        if options != self.options {
            self.files.clear();
            self.options = options;
        }
        let mut listing = content::list(root, content_dir)?;
        if let Some(settle) = settle {
            listing = self.wait_for_vanished(listing, root, content_dir, settle)?;
        }
        let mut diagnostics = listing.diagnostics;
        let files = listing.files.len();
        let listed: HashSet<&str> = listing.files.iter().map(|l| l.display.as_str()).collect();
        self.files
            .retain(|display, _| listed.contains(display.as_str()));
        let mut pending = Vec::new();
        for l in &listing.files {
            let stamp = fs::metadata(&l.path).map(|m| Stamp::of(&m)).ok();
            let same = matches!((self.files.get(&l.display), stamp),
                (Some(c), Some(s)) if c.stamp == s && same_meta(c, l));
            if !same {
                pending.push(Pending {
                    listed: l.clone(),
                    // An unstattable file is read at once: the read reports why it fails.
                    seen: (stamp.unwrap_or(Stamp::ZERO), Instant::now()),
                });
            }
        }
        let (read, unsettled) = self.read(pending, &listing.root, parse, settle);
        for (display, result) in read {
            match result {
                Ok(source) => {
                    self.files.insert(display, source);
                }
                // Unreadable now (or gone since it was listed): reported, which stops
                // this build, and read again next time. Its last version stays, so
                // should it be gone, its removal still gets the grace period.
                Err(diag) => diagnostics.push(diag),
            }
        }
        let mut sorted: Vec<(&String, &Source)> = self.files.iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut episodes = Vec::with_capacity(sorted.len());
        let mut drafts_skipped = 0;
        for (_, source) in sorted {
            diagnostics.extend(source.diagnostics.iter().cloned());
            match &source.parsed {
                Some(p) if p.front.draft && !drafts => drafts_skipped += 1,
                Some(p) => episodes.push((Arc::clone(p), source.link_key)),
                None => {}
            }
        }
        Ok(Scan {
            episodes,
            diagnostics,
            files,
            drafts_skipped,
            unsettled,
        })
    }

    /// Gives a transcript that vanished since the last scan a grace period to come
    /// back: a build in the gap of a delete-and-write save would publish the site
    /// without that episode (404s until the next save).
    fn wait_for_vanished(
        &self,
        mut listing: content::Listing,
        root: &Path,
        content_dir: &Path,
        settle: &Settle,
    ) -> anyhow::Result<content::Listing> {
        let start = Instant::now();
        loop {
            let listed: HashSet<&str> = listing.files.iter().map(|l| l.display.as_str()).collect();
            if self.files.keys().all(|k| listed.contains(k.as_str()))
                || start.elapsed() >= settle.vanish_grace
            {
                return Ok(listing);
            }
            std::thread::sleep(POLL.min(settle.vanish_grace));
            listing = content::list(root, content_dir)?;
        }
    }

    /// Reads and parses `pending` (in parallel), waiting for whole saves under
    /// `settle`. Returns what was read and whether some file never settled.
    #[allow(clippy::type_complexity)]
    fn read(
        &self,
        mut pending: Vec<Pending>,
        root: &Path,
        parse: &ParseOptions,
        settle: Option<&Settle>,
    ) -> (Vec<(String, Result<Source, Diagnostic>)>, bool) {
        let start = Instant::now();
        let mut done = Vec::with_capacity(pending.len());
        loop {
            let (ready, waiting): (Vec<Pending>, Vec<Pending>) = match settle {
                None => (pending, Vec::new()),
                Some(s) => pending.into_iter().partition(|p| self.settled(p, s)),
            };
            let results: Vec<(Pending, Option<Result<Source, Diagnostic>>)> = ready
                .into_par_iter()
                .map(|p| {
                    let last = self.files.get(&p.listed.display);
                    // What was judged settled is what must be read.
                    let expect = settle.is_some().then_some(p.seen.0);
                    let read = read_one(&p.listed, root, parse, expect, last);
                    (p, read)
                })
                .collect();
            pending = waiting;
            for (p, read) in results {
                match read {
                    Some(r) => done.push((p.listed.display, r)),
                    // Written to while being read: wait for it again.
                    None => pending.push(Pending {
                        seen: (Stamp::ZERO, Instant::now()),
                        ..p
                    }),
                }
            }
            let Some(settle) = settle else {
                return (done, false);
            };
            if pending.is_empty() {
                return (done, false);
            }
            if start.elapsed() >= settle.patience {
                return (done, true);
            }
            std::thread::sleep(POLL);
            for p in &mut pending {
                // A file that moved again starts its quiet time over.
                if let Ok(meta) = fs::metadata(&p.listed.path) {
                    let now = Stamp::of(&meta);
                    if now != p.seen.0 {
                        p.seen = (now, Instant::now());
                    }
                }
            }
        }
    }

    /// Whether a changed file can be read now. A new inode at its path must be quiet
    /// for [`Settle::fresh`] by its change time (or seen unchanged that long: a clock
    /// set back cannot stall it). The same inode written again must be *seen*
    /// unchanged for [`Settle::quiet`]: a write updates the file's times before its
    /// length and bytes, so a writer preempted in the middle of a write leaves a file
    /// whose change time looks quiet while it is not complete.
    fn settled(&self, p: &Pending, settle: &Settle) -> bool {
        let (stamp, since) = p.seen;
        let new_inode = self
            .files
            .get(&p.listed.display)
            .is_none_or(|c| c.stamp.inode != stamp.inode);
        if new_inode {
            stamp.quiet_for().is_some_and(|q| q >= settle.fresh) || since.elapsed() >= settle.fresh
        } else {
            since.elapsed() >= settle.quiet
        }
    }
}

/// How often waiting for saves looks again.
const POLL: Duration = Duration::from_millis(10);

impl Stamp {
    /// Never equal to a real file's stamp.
    const ZERO: Stamp = Stamp {
        len: u64::MAX,
        modified: None,
        ctime: (i64::MIN, 0),
        inode: 0,
    };
}

/// Reads and parses one transcript; `last` is what it was when last read, reused
/// when its inputs turn out unchanged (a `touch`, a save of the same text). With
/// `expect` (the stat found settled), `None` when the file read is not that one or
/// changed while it was read (a save in progress).
fn read_one(
    listed: &content::Listed,
    root: &Path,
    parse: &ParseOptions,
    expect: Option<Stamp>,
    last: Option<&Source>,
) -> Option<Result<Source, Diagnostic>> {
    let read = match content::read_listed(listed, root) {
        Ok(read) => read,
        Err(diag) => return Some(Err(diag)),
    };
    let src = read.source;
    let stamp = Stamp::of(&read.stamp);
    if let Some(expect) = expect {
        let after = fs::metadata(&listed.path).map(|m| Stamp::of(&m)).ok();
        if stamp != expect || after != Some(stamp) || src.file.bytes.len() as u64 != stamp.len {
            return None;
        }
    }
    let listed_meta: Vec<PathBuf> = listed.meta.iter().map(|m| m.path.clone()).collect();
    let meta: Vec<(PathBuf, Option<Stamp>)> = read
        .meta
        .iter()
        .map(|(path, m)| (path.clone(), m.as_ref().map(Stamp::of)))
        .collect();
    let key = source_key(&src, parse);
    if let Some(last) = last.filter(|l| l.key == key) {
        return Some(Ok(Source {
            stamp,
            listed_meta,
            meta,
            key,
            parsed: last.parsed.clone(),
            link_key: last.link_key,
            diagnostics: last.diagnostics.clone(),
        }));
    }
    let (parsed, diagnostics) = transcript::parse_source(&src, parse);
    let parsed = parsed.map(|mut p| {
        p.source_key = key;
        p
    });
    let link_key = parsed.as_ref().map_or(0, crate::archive::link_key);
    Some(Ok(Source {
        stamp,
        listed_meta,
        meta,
        key,
        parsed: parsed.map(Arc::new),
        link_key,
        diagnostics,
    }))
}

/// True when the metadata files `cached` was read with are unchanged and the listing
/// found no other (a new sidecar or `_defaults.yml`) and lost none.
fn same_meta(cached: &Source, listed: &content::Listed) -> bool {
    listed.meta.len() == cached.listed_meta.len()
        && listed
            .meta
            .iter()
            .zip(&cached.listed_meta)
            .all(|(m, p)| m.path == *p)
        && cached.meta.iter().all(|(path, stamp)| {
            let now = fs::metadata(path).ok().map(|m| Stamp::of(&m));
            now == *stamp
        })
}

/// The identity of a transcript's inputs: its path, its bytes, those of its metadata
/// files (with their paths and kinds) and the parse options.
pub(crate) fn source_key(src: &transcript::Source, parse: &ParseOptions) -> SourceKey {
    let meta: Vec<(&str, u8, Result<u64, &str>)> = src
        .meta
        .iter()
        .map(|m| {
            let contents = m.contents.as_deref().map(of_bytes).map_err(String::as_str);
            (m.display.as_str(), m.kind as u8, contents)
        })
        .collect();
    let key = fingerprint(&(&src.file.display, of_bytes(&src.file.bytes), meta, parse));
    // 0 means "unknown" (content is then hashed itself): never hand it out.
    SourceKey(key.max(1))
}
