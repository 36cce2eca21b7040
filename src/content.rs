//! Content discovery: walk the content folder and read transcript files.
//!
//! The walk never leaves the site root: a symlink is followed only when it resolves
//! inside the root, a symlink loop is reported instead of walked, and only regular
//! files are read (a FIFO or device is skipped, never opened for a blocking read).
//! The same walker copies `static/` for [`crate::output::Staging::copy_dir`].
//!
//! Each transcript is read with the metadata files it depends on (its sidecar,
//! chapters file and `_defaults.yml` files, see `content/sidecars.rs`) into one
//! [`Source`], so a parse, or a cache keyed on its bytes, sees all its inputs.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::Diagnostic;
use crate::transcript::{MetaKind, Source, SourceFile};

mod sidecars;

/// Transcripts found under the content folder, plus the problems met on the way.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Transcripts with their metadata files, sorted by display path.
    pub files: Vec<Source>,
    /// Warnings (symlinks not followed, loops) and errors (unreadable files or folders).
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds and reads every transcript (`.txt`, `.md`, `.vtt`, `.srt`, `.json`) under
/// `content_dir`, with the metadata files each depends on, in parallel.
///
/// `root` is the site root and `content_dir` the content folder (normally
/// `root.join(src)`). Problems with single files become diagnostics; only a missing or
/// unusable content folder is an `Err`.
pub fn discover(root: &Path, content_dir: &Path) -> anyhow::Result<Discovery> {
    let listing = list(root, content_dir)?;
    let mut diagnostics = listing.diagnostics;
    let mut files = read_all(&listing.root, listing.files, &mut diagnostics);
    // Walk order is per-folder; the contract is a global sort on the shown path.
    files.sort_by(|a, b| a.file.display.cmp(&b.file.display));
    Ok(Discovery { files, diagnostics })
}

/// Transcript files found under the content folder, not yet read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Each transcript and its metadata files, in walk order.
    pub files: Vec<Listed>,
    /// The site root, canonical: files a sidecar names must resolve inside it.
    pub root: PathBuf,
    /// Warnings (symlinks not followed, loops, sidecars without a transcript) and
    /// errors (unreadable folders).
    pub diagnostics: Vec<Diagnostic>,
}

/// One transcript found by [`list`], with the metadata files found beside and above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Path shown in diagnostics (`content/ep1.vtt`).
    pub display: String,
    /// Path to open.
    pub path: PathBuf,
    /// Its sidecar, `NAME.chapters.json` and `_defaults.yml` files (nearest first).
    /// The chapters file a sidecar names is only known once the sidecar is read.
    pub meta: Vec<ListedMeta>,
}

impl Listed {
    /// A transcript with no metadata files.
    pub fn alone(display: impl Into<String>, path: impl Into<PathBuf>) -> Listed {
        Listed {
            display: display.into(),
            path: path.into(),
            meta: Vec::new(),
        }
    }
}

/// A metadata file a listed transcript depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMeta {
    /// What it is to the transcript.
    pub kind: MetaKind,
    /// Path shown in diagnostics.
    pub display: String,
    /// Path to open.
    pub path: PathBuf,
}

impl ListedMeta {
    fn new(kind: MetaKind, display: &str, path: &Path) -> ListedMeta {
        ListedMeta {
            kind,
            display: display.to_owned(),
            path: path.to_path_buf(),
        }
    }
}

/// A transcript read with its metadata files, and the file-system metadata of
/// everything read (so a cache keyed on it can never pair old bytes with a new stamp).
#[derive(Debug)]
pub struct ReadSource {
    /// The transcript and its metadata files.
    pub source: Source,
    /// The transcript's file-system metadata.
    pub stamp: fs::Metadata,
    /// Every metadata file looked at (also the chapters file a sidecar names), with
    /// its file-system metadata, `None` when it could not be read.
    pub meta: Vec<(PathBuf, Option<fs::Metadata>)>,
}

/// Reads one listed transcript and its metadata files. A failed read of the
/// transcript is an error diagnostic, as in [`discover`]; a metadata file that cannot
/// be read is reported by the parse, where it matters. `root` is the canonical site
/// root ([`Listing::root`]).
pub fn read_listed(listed: &Listed, root: &Path) -> Result<ReadSource, Diagnostic> {
    let (bytes, stamp) = read_regular(&listed.path).map_err(|err| {
        Diagnostic::error(listed.display.as_str(), format!("cannot read file: {err}"))
    })?;
    let mut meta = Vec::with_capacity(listed.meta.len() + 1);
    let mut files = Vec::with_capacity(listed.meta.len() + 1);
    for m in &listed.meta {
        let (file, stamp) = sidecars::read_meta(m);
        if m.kind == MetaKind::Sidecar
            && let Some((named, path, named_stamp)) = sidecars::referenced_chapters(&file, root)
        {
            files.push(named);
            meta.push((path, named_stamp));
        }
        files.push(file);
        meta.push((m.path.clone(), stamp));
    }
    Ok(ReadSource {
        source: Source {
            file: SourceFile {
                display: listed.display.clone(),
                bytes,
            },
            meta: files,
        },
        stamp,
        meta,
    })
}

/// Walks the content folder like [`discover`] but reads nothing: `serve` stats the
/// files and re-reads only those that changed.
pub fn list(root: &Path, content_dir: &Path) -> anyhow::Result<Listing> {
    let root_canon = fs::canonicalize(root)
        .with_context(|| format!("cannot open the site root `{}`", root.display()))?;
    let meta = match fs::metadata(content_dir) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => bail!(
            "content folder `{}` does not exist; create it and put the transcripts (.txt or \
             .md files) in it, or point `[book] src` in book.toml at the folder that holds them",
            content_dir.display()
        ),
        Err(err) => {
            return Err(err).with_context(|| {
                format!("cannot open content folder `{}`", content_dir.display())
            });
        }
    };
    if !meta.is_dir() {
        bail!(
            "content folder `{}` is not a folder; point `[book] src` in book.toml at the folder \
             that holds the transcripts",
            content_dir.display()
        );
    }
    let content_canon = fs::canonicalize(content_dir)
        .with_context(|| format!("cannot open content folder `{}`", content_dir.display()))?;
    if !content_canon.starts_with(&root_canon) {
        bail!(
            "content folder `{}` resolves to `{}`, outside the site root `{}`; castbook reads \
             nothing outside the site root, so move the transcripts into the site",
            content_dir.display(),
            content_canon.display(),
            root_canon.display()
        );
    }

    let prefix = display_prefix(root, &root_canon, content_dir, &content_canon);
    let opts = WalkOptions {
        boundary: &root_canon,
        skip: &is_ignored_name,
        want_file: &sidecars::is_wanted_name,
    };
    let walked = walk(&content_canon, &prefix, &opts)?;
    let found: Vec<(String, PathBuf)> = walked
        .entries
        .into_iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| (e.display, e.path))
        .collect();
    let mut diagnostics = walked.diagnostics;
    let files = sidecars::group(found, &prefix, &mut diagnostics);
    Ok(Listing {
        files,
        root: root_canon,
        diagnostics,
    })
}

/// Reads listed transcripts and their metadata in parallel; a failed read of a
/// transcript becomes an error diagnostic.
fn read_all(root: &Path, to_read: Vec<Listed>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Source> {
    // The corpus is ~90 MB in ~1000 files: reading them on every core keeps discovery
    // well inside the parse-stage budget.
    let results: Vec<Result<ReadSource, Diagnostic>> = to_read
        .into_par_iter()
        .map(|listed| read_listed(&listed, root))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(read) => files.push(read.source),
            Err(diag) => diagnostics.push(diag),
        }
    }
    files
}

/// Names the content walk never looks at: hidden entries, editor leftovers, tool folders.
fn is_ignored_name(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    bytes.starts_with(b".")
        || bytes.ends_with(b"~")
        || (bytes.len() >= 2 && bytes.starts_with(b"#") && bytes.ends_with(b"#"))
        || bytes == b"__MACOSX"
        || bytes == b"node_modules"
}

/// The root-relative, `/`-separated form of the content folder (`""` when it is the root).
fn display_prefix(root: &Path, root_canon: &Path, dir: &Path, dir_canon: &Path) -> String {
    // Prefer the path as configured, so a symlinked `content/` still shows as `content/…`.
    let lexical = dir.strip_prefix(root).ok().filter(|rel| {
        rel.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    });
    let rel = match lexical {
        Some(rel) => rel,
        None => dir_canon.strip_prefix(root_canon).unwrap_or(Path::new("")),
    };
    join_display("", rel)
}

/// Appends `rel`'s components to `prefix` with `/`, showing non-UTF-8 names lossily.
pub(crate) fn join_display(prefix: &str, rel: &Path) -> String {
    let mut out = prefix.to_owned();
    for comp in rel.components() {
        if let Component::Normal(name) = comp {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&name.to_string_lossy());
        }
    }
    out
}

/// Reads a file only if it is a regular file, without ever blocking on a FIFO; with
/// the metadata of the file actually read.
pub(crate) fn read_regular(path: &Path) -> io::Result<(Vec<u8>, fs::Metadata)> {
    let (file, meta) = open_regular(path)?;
    let len = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(len.saturating_add(1));
    // Reads the length just taken from the open file straight into the buffer, in one
    // system call as a rule: `File::read_to_end` asks for the length and position
    // again, reads in growing pieces from 8 KB and probes for more at the end, three to
    // five calls more a file (a VTT archive reads three files an episode). A file that
    // grows meanwhile is cut at its old length; serve, which reads files while they are
    // saved, keeps a read only if the length and times did not move (pipeline/sources).
    while bytes.len() < len {
        match rustix::io::read(&file, rustix::buffer::spare_capacity(&mut bytes)) {
            Ok(0) => break,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok((bytes, meta))
}

/// Opens `path` for reading if it is a regular file; a FIFO or device is an error, not a hang.
pub(crate) fn open_regular(path: &Path) -> io::Result<(fs::File, fs::Metadata)> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // The walk already skips FIFOs, but one could replace a file between the walk and
    // this open; O_NONBLOCK makes such an open return at once instead of hanging.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((file, meta))
}

/// What a walked entry is, after resolving symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// A folder (real, or a followed symlink to one).
    Dir,
    /// A regular file (real, or a followed symlink to one).
    File,
}

/// One folder or regular file found by [`walk`].
#[derive(Debug, Clone)]
pub(crate) struct WalkEntry {
    /// Path relative to the walk's start as the user sees it (through symlinks).
    pub(crate) rel: PathBuf,
    /// Root-relative `/`-separated path for diagnostics.
    pub(crate) display: String,
    /// Real path to read: for a symlinked file, its resolved target.
    pub(crate) path: PathBuf,
    /// Folder or file.
    pub(crate) kind: EntryKind,
}

/// Which entries a walk keeps, and where symlinks may lead.
pub(crate) struct WalkOptions<'a> {
    /// Canonical folder that followed symlinks must resolve inside (the site root).
    pub(crate) boundary: &'a Path,
    /// Names (of files, folders or links) that are neither listed nor descended into.
    pub(crate) skip: &'a (dyn Fn(&OsStr) -> bool + Sync),
    /// Names of regular files to list; others are silently left out.
    pub(crate) want_file: &'a (dyn Fn(&OsStr) -> bool + Sync),
}

/// What [`walk`] found.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    /// Folders and wanted files, parents before children, sorted by name within a folder.
    pub(crate) entries: Vec<WalkEntry>,
    /// Symlinks not followed, loops, unreadable folders.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Walks `start` (canonical, inside the boundary) in sorted order, following symlinks
/// only inside the boundary and never around a loop.
///
/// `display_prefix` is the root-relative form of `start`, used to name entries in
/// diagnostics. Only an unreadable `start` is an `Err`.
pub(crate) fn walk(
    start: &Path,
    display_prefix: &str,
    opts: &WalkOptions<'_>,
) -> anyhow::Result<Walked> {
    let mut walker = Walker {
        opts,
        prefix: display_prefix,
        out: Walked::default(),
        chain: Vec::new(),
    };
    walker.walk_tree(start, Path::new(""))?;
    Ok(walker.out)
}

struct Walker<'a> {
    opts: &'a WalkOptions<'a>,
    prefix: &'a str,
    out: Walked,
    /// Canonical folders holding each symlink followed to reach the current tree.
    /// A link whose target contains any of them (or the folder it sits in) leads back
    /// into itself: that is exactly the loop condition.
    chain: Vec<PathBuf>,
}

impl Walker<'_> {
    fn display(&self, rel: &Path) -> String {
        join_display(self.prefix, rel)
    }

    /// Walks one real tree; `rel_base` is where it appears in the user's view.
    fn walk_tree(&mut self, real_start: &Path, rel_base: &Path) -> anyhow::Result<()> {
        let skip = self.opts.skip;
        let iter = WalkDir::new(real_start)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skip(e.file_name()));
        for item in iter {
            let entry = match item {
                Ok(entry) => entry,
                Err(err) => {
                    let at = err.path().unwrap_or(real_start);
                    let rel = rel_base.join(at.strip_prefix(real_start).unwrap_or(Path::new("")));
                    if err.depth() == 0 && self.chain.is_empty() {
                        bail!("cannot read folder `{}`: {err}", at.display());
                    }
                    let display = self.display(&rel);
                    let reason = err
                        .io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string);
                    self.out.diagnostics.push(Diagnostic::error(
                        display,
                        format!("cannot read folder: {reason}"),
                    ));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let rel = rel_base.join(
                entry
                    .path()
                    .strip_prefix(real_start)
                    .unwrap_or(entry.path()),
            );
            let file_type = entry.file_type();
            if file_type.is_dir() {
                self.push(rel, entry.into_path(), EntryKind::Dir);
            } else if file_type.is_file() {
                if (self.opts.want_file)(entry.file_name()) {
                    self.push(rel, entry.into_path(), EntryKind::File);
                }
            } else if file_type.is_symlink() {
                self.symlink(entry.path(), rel)?;
            }
            // FIFOs, sockets and devices are not regular files: never listed, never opened.
        }
        Ok(())
    }

    fn push(&mut self, rel: PathBuf, path: PathBuf, kind: EntryKind) {
        let display = self.display(&rel);
        self.out.entries.push(WalkEntry {
            rel,
            display,
            path,
            kind,
        });
    }

    fn warn(&mut self, display: String, message: String, help: &str) {
        let diag = Diagnostic::warning(display, message);
        let diag = if help.is_empty() {
            diag
        } else {
            diag.with_help(help)
        };
        self.out.diagnostics.push(diag);
    }

    fn symlink(&mut self, link: &Path, rel: PathBuf) -> anyhow::Result<()> {
        let display = self.display(&rel);
        let name = link.file_name().unwrap_or(OsStr::new(""));
        let target = match fs::canonicalize(link) {
            Ok(target) => target,
            Err(err) if is_loop_error(&err) => {
                self.warn(
                    display,
                    "symlink loop: the link leads back to itself; not followed".into(),
                    "point the link at a real file or folder, or remove it",
                );
                return Ok(());
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                // A broken link could have been a folder; warn unless its name says it
                // would have been ignored anyway.
                if (self.opts.want_file)(name) || Path::new(name).extension().is_none() {
                    self.warn(
                        display,
                        "broken symlink: its target does not exist".into(),
                        "",
                    );
                }
                return Ok(());
            }
            Err(err) => {
                self.warn(display, format!("cannot resolve symlink: {err}"), "");
                return Ok(());
            }
        };
        let meta = match fs::metadata(&target) {
            Ok(meta) => meta,
            Err(err) => {
                self.warn(display, format!("cannot resolve symlink: {err}"), "");
                return Ok(());
            }
        };
        let is_dir = meta.is_dir();
        let wanted_file = meta.is_file() && (self.opts.want_file)(name);
        if !is_dir && !wanted_file {
            return Ok(());
        }
        if !target.starts_with(self.opts.boundary) {
            self.warn(
                display,
                format!(
                    "symlink leads outside the site root (to `{}`); not followed",
                    target.display()
                ),
                "castbook reads nothing outside the site root: copy the files into the site instead",
            );
            return Ok(());
        }
        if !is_dir {
            self.push(rel, target, EntryKind::File);
            return Ok(());
        }
        let parent = match link.parent().map(fs::canonicalize) {
            Some(Ok(parent)) => parent,
            Some(Err(err)) => {
                self.warn(display, format!("cannot resolve symlink: {err}"), "");
                return Ok(());
            }
            None => return Ok(()),
        };
        if self
            .chain
            .iter()
            .chain(std::iter::once(&parent))
            .any(|dir| dir.starts_with(&target))
        {
            let shown = target
                .strip_prefix(self.opts.boundary)
                .map_or_else(|_| target.display().to_string(), |p| join_display("", p));
            self.warn(
                display,
                format!("symlink loop: the link leads back to `{shown}`, which contains it; not followed"),
                "a link to a folder must not point at a folder that holds the link",
            );
            return Ok(());
        }
        self.push(rel.clone(), target.clone(), EntryKind::Dir);
        self.chain.push(parent);
        let result = self.walk_tree(&target, &rel);
        self.chain.pop();
        result
    }
}

/// True when resolving a path failed because symlinks lead around in a circle.
fn is_loop_error(err: &io::Error) -> bool {
    #[cfg(unix)]
    {
        err.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        false
    }
}

#[cfg(all(test, unix))]
mod tests;
