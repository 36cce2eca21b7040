//! The folders beside DEST: naming, recovery after kills, the spare, in-place writes.
//!
//! Names, for DEST `public`: `.public.castbook-staging-<pid>-<n>` (a build in progress),
//! `.public.castbook-old-<pid>-<n>` (the previous site, moved aside by the rename
//! fallback) and `.public.castbook-spare` (the previous site, kept to be overwritten).

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use anyhow::Context;
use rayon::prelude::*;
use walkdir::WalkDir;

use super::{MARKER, Spare};
use crate::content;

pub(super) const STAGING_TAG: &str = ".castbook-staging-";
pub(super) const OLD_TAG: &str = ".castbook-old-";
pub(super) const SPARE_TAG: &str = ".castbook-spare";
const GITIGNORE: &str = ".gitignore";

/// Staging folders alive in this process, so cleanup never takes a sibling build's.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static COUNTER: AtomicU64 = AtomicU64::new(0);

pub(super) fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn unregister(path: &Path) {
    live().retain(|p| p != path);
}

/// True when `dir` is castbook's output (has the marker) or is empty.
pub(super) fn is_owned(dir: &Path) -> anyhow::Result<bool> {
    if has_marker(dir) {
        return Ok(true);
    }
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot read folder `{}`", dir.display()))?;
    Ok(entries.next().is_none())
}

pub(super) fn has_marker(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// `.<dest name><tag><pid>-<n>`, e.g. `.public.castbook-staging-4242-0`.
pub(super) fn tagged_name(dest_name: &OsStr, tag: &str, pid: u32, n: u64) -> OsString {
    let mut name = OsString::from(".");
    name.push(dest_name);
    name.push(format!("{tag}{pid}-{n}"));
    name
}

fn spare_path(parent: &Path, dest_name: &OsStr) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(dest_name);
    name.push(SPARE_TAG);
    parent.join(name)
}

/// A fresh name for moving DEST aside.
pub(super) fn old_path(parent: &Path, dest_name: &OsStr) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent.join(tagged_name(dest_name, OLD_TAG, std::process::id(), n))
}

/// Parses a sibling's name as one of our pid-tagged folders for `dest_name`: (tag, pid).
pub(super) fn parse_tagged(name: &OsStr, dest_name: &OsStr) -> Option<(&'static str, u32)> {
    let bytes = name.as_encoded_bytes();
    let rest = bytes
        .strip_prefix(b".")?
        .strip_prefix(dest_name.as_encoded_bytes())?;
    for tag in [STAGING_TAG, OLD_TAG] {
        if let Some(ids) = rest.strip_prefix(tag.as_bytes()) {
            let text = std::str::from_utf8(ids).ok()?;
            let (pid, n) = text.split_once('-')?;
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            return Some((tag, pid.parse().ok()?));
        }
    }
    None
}

/// Things in `static/` that are never site content.
pub(super) fn is_junk_name(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    bytes == b".git"
        || bytes == b".DS_Store"
        || bytes == MARKER.as_bytes()
        || bytes == super::record::RECORD.as_bytes()
        || has(STAGING_TAG)
        || has(OLD_TAG)
        || has(SPARE_TAG)
}

/// Whether process `pid` may still be building; unknown counts as gone.
fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// Repairs what killed builds left beside DEST: restores a DEST moved aside by an
/// interrupted swap, and turns dead staging and old folders into the spare or deletes them.
pub(super) fn recover(
    parent: &Path,
    name: &OsStr,
    dest: &Path,
    spare: Spare,
) -> anyhow::Result<()> {
    let listing = fs::read_dir(parent)
        .with_context(|| format!("cannot read folder `{}`", parent.display()))?;
    let own = std::process::id();
    let mut leftovers: Vec<(&'static str, PathBuf)> = Vec::new();
    for entry in listing.flatten() {
        let Some((tag, pid)) = parse_tagged(&entry.file_name(), name) else {
            continue;
        };
        let path = entry.path();
        let in_use = if pid == own {
            live().contains(&path)
        } else {
            pid_alive(pid)
        };
        if !in_use {
            leftovers.push((tag, path));
        }
    }
    leftovers.sort();
    if fs::symlink_metadata(dest).is_err()
        && let Some(index) = leftovers
            .iter()
            .position(|(tag, path)| *tag == OLD_TAG && has_marker(path))
    {
        let (_, old) = leftovers.remove(index);
        fs::rename(&old, dest).with_context(|| {
            format!(
                "failed to restore the previous site from `{}` to `{}`",
                old.display(),
                dest.display()
            )
        })?;
    }
    for (_, path) in leftovers {
        retire(&path, parent, name, spare);
    }
    Ok(())
}

/// Picks a free staging name and fills it: the spare if there is one (recycled = true),
/// else a new empty folder.
pub(super) fn open_staging(parent: &Path, name: &OsStr) -> anyhow::Result<(PathBuf, bool)> {
    let pid = std::process::id();
    let spare = spare_path(parent, name);
    let mut spare_usable = has_marker(&spare);
    for _ in 0..1000 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = parent.join(tagged_name(name, STAGING_TAG, pid, n));
        if fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        live().push(path.clone());
        if spare_usable {
            spare_usable = false;
            if fs::rename(&spare, &path).is_ok() {
                if sanitize(&path).is_ok() {
                    return Ok((path, true));
                }
                // A spare we cannot vet is not written into; start clean instead.
                let _ = remove_owned(&path);
                unregister(&path);
                continue;
            }
        }
        match fs::create_dir(&path) {
            Ok(()) => return Ok((path, false)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => unregister(&path),
            Err(err) => {
                unregister(&path);
                return Err(err).with_context(|| {
                    format!("failed to create staging folder `{}`", path.display())
                });
            }
        }
    }
    anyhow::bail!(
        "cannot find a free staging folder name in `{}`",
        parent.display()
    )
}

/// Makes a recycled tree safe to overwrite in place: removes symlinks and special
/// files (a write must never follow a link out of staging) and files with other hard
/// links (overwriting would change the other copy too, e.g. a `cp -al` backup).
fn sanitize(dir: &Path) -> anyhow::Result<()> {
    par_visit(dir, &|path, file_type| {
        if file_type.is_dir() {
            return Ok(true);
        }
        let shared = file_type.is_file() && fs::symlink_metadata(path)?.nlink_count() > 1;
        if !file_type.is_file() || shared {
            fs::remove_file(path)?;
        }
        Ok(false)
    })
}

/// Runs `visit` on every entry below `dir` (symlinks not followed), spread over
/// threads by second-level subtree: a site is wide and shallow (`episodes/<slug>/…`),
/// and one thread doing ~20k `lstat`/`unlink` calls was a visible part of a build.
/// `visit` returns whether to descend into a folder (false after removing it).
fn par_visit(
    dir: &Path,
    visit: &(dyn Fn(&Path, fs::FileType) -> anyhow::Result<bool> + Sync),
) -> anyhow::Result<()> {
    let read = |d: &Path| fs::read_dir(d).with_context(|| format!("cannot read `{}`", d.display()));
    let mut subtrees = Vec::new();
    for top in read(dir)? {
        let top = top?;
        let (path, file_type) = (top.path(), top.file_type()?);
        if visit(&path, file_type)? && file_type.is_dir() {
            for entry in read(&path)? {
                subtrees.push(entry?.path());
            }
        }
    }
    subtrees.par_iter().try_for_each(|root| {
        let mut walk = WalkDir::new(root).follow_links(false).into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.with_context(|| format!("cannot read `{}`", root.display()))?;
            let file_type = entry.file_type();
            if !visit(entry.path(), file_type)? && file_type.is_dir() {
                walk.skip_current_dir();
            }
        }
        Ok(())
    })
}

trait LinkCount {
    fn nlink_count(&self) -> u64;
}

impl LinkCount for fs::Metadata {
    #[cfg(unix)]
    fn nlink_count(&self) -> u64 {
        std::os::unix::fs::MetadataExt::nlink(self)
    }
    #[cfg(not(unix))]
    fn nlink_count(&self) -> u64 {
        1
    }
}

/// Keeps a previous site (or unfinished staging) as the spare, or deletes it when a
/// spare already exists or none is wanted. Best effort: a failure only costs speed on
/// the next build (or leaves the tree for the next build to delete).
pub(super) fn retire(tree: &Path, parent: &Path, name: &OsStr, spare: Spare) {
    if spare == Spare::Discard {
        let _ = remove_owned(tree);
        return;
    }
    if !has_marker(tree) {
        // Not provably ours unless empty; `remove_dir` only removes an empty folder.
        let _ = fs::remove_dir(tree);
        return;
    }
    let _ = write_gitignore(tree);
    if fs::rename(tree, spare_path(parent, name)).is_err() {
        let _ = remove_owned(tree);
    }
}

/// A `*` .gitignore, so git never lists castbook's hidden folders in the site root.
pub(super) fn write_gitignore(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(GITIGNORE);
    write_file(
        &path,
        b"# castbook's working copy of the site; see .castbook-output\n*\n",
    )
    .with_context(|| format!("failed to write `{}`", path.display()))
}

/// Deletes `dir` only if it is ours: marked (marker removed last, so a kill midway
/// leaves it recognisable) or empty. Returns whether it was deleted.
pub(super) fn remove_owned(dir: &Path) -> io::Result<bool> {
    let meta = fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Ok(false);
    }
    if has_marker(dir) {
        let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries
            .par_iter()
            .filter(|e| e.file_name() != MARKER)
            .try_for_each(|e| match e.file_type() {
                // std's remove_dir_all never follows symlinks inside the tree.
                Ok(t) if t.is_dir() => fs::remove_dir_all(e.path()),
                Ok(_) => fs::remove_file(e.path()),
                Err(err) => Err(err),
            })?;
        fs::remove_file(dir.join(MARKER))?;
    }
    match fs::remove_dir(dir) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::DirectoryNotEmpty => Ok(false),
        Err(err) => Err(err),
    }
}

/// Before the swap, removes every file and folder of a recycled tree that this build
/// did not write (the marker aside). A fresh tree only holds our `.gitignore`.
pub(super) fn remove_unwritten(
    dir: &Path,
    recycled: bool,
    written: &HashSet<PathBuf>,
) -> anyhow::Result<()> {
    let unwritten = |rel: &Path| rel != Path::new(MARKER) && !written.contains(rel);
    if !recycled {
        if unwritten(Path::new(GITIGNORE)) {
            let path = dir.join(GITIGNORE);
            fs::remove_file(&path)
                .with_context(|| format!("failed to remove `{}`", path.display()))?;
        }
        return Ok(());
    }
    // Folders holding something this build wrote stay; any other folder goes whole.
    let mut kept: HashSet<&Path> = HashSet::with_capacity(written.len());
    for path in written {
        let mut at = Some(path.as_path());
        while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
            if !kept.insert(p) {
                break;
            }
            at = p.parent();
        }
    }
    par_visit(dir, &|path, file_type| {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let stale = || format!("failed to remove stale `{}`", path.display());
        if file_type.is_dir() {
            if kept.contains(rel) {
                return Ok(true);
            }
            // std's remove_dir_all never follows symlinks inside the tree.
            fs::remove_dir_all(path).with_context(stale)?;
        } else if unwritten(rel) {
            fs::remove_file(path).with_context(stale)?;
        }
        Ok(false)
    })
}

/// Removes what blocks writing `rel` in a recycled tree: a file where a folder is
/// needed, or a folder where a file goes, unless this build wrote it.
pub(super) fn clear_way(
    dir: &Path,
    rel: &Path,
    is_dir: bool,
    written: &HashSet<PathBuf>,
) -> anyhow::Result<()> {
    let comps: Vec<_> = rel.components().collect();
    let folders = if is_dir {
        comps.len()
    } else {
        comps.len().saturating_sub(1)
    };
    let mut prefix = PathBuf::new();
    for comp in &comps[..folders] {
        prefix.push(comp);
        let at = dir.join(&prefix);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) if !written.contains(&prefix) => {
                fs::remove_file(&at)
                    .with_context(|| format!("failed to remove stale `{}`", at.display()))?;
                return Ok(());
            }
            // Written by this build or absent: nothing here for us to clear.
            _ => return Ok(()),
        }
    }
    let at = dir.join(rel);
    let ours_below = written.iter().any(|w| w.starts_with(rel) && w != rel);
    if !is_dir && !ours_below && fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(&at)
            .with_context(|| format!("failed to remove stale `{}`", at.display()))?;
    }
    Ok(())
}

/// Writes `bytes` over whatever file is at `path`, in place: no truncation to zero, so
/// a same-size rewrite frees and allocates no blocks. Never follows a final symlink.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = open_for_overwrite(path)?;
    file.write_all(bytes)?;
    // Cuts a longer stale file to size; a no-op for a new or same-size one.
    file.set_len(bytes.len() as u64)
}

fn open_for_overwrite(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)
}

/// Copies `src` over `dst` in place, keeping `src`'s modification time. With
/// `quick_check`, a `dst` of the same size and time is taken as already copied.
pub(super) fn copy_file(src: &Path, dst: &Path, quick_check: bool) -> io::Result<u64> {
    let (mut from, meta) = content::open_regular(src)?;
    let modified = meta.modified()?;
    if quick_check
        && let Ok(old) = fs::symlink_metadata(dst)
        && old.is_file()
        && old.len() == meta.len()
        && old.modified().is_ok_and(|t| t == modified)
    {
        return Ok(meta.len());
    }
    let mut to = open_for_overwrite(dst)?;
    let copied = io::copy(&mut from, &mut to)?;
    to.set_len(copied)?;
    to.set_modified(modified)?;
    Ok(copied)
}

/// Swaps two folders in one step with `renameat2(RENAME_EXCHANGE)`; `Ok(false)` when the
/// OS or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(super) fn exchange(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(Errno::BUSY) => Err(io::Error::from(Errno::BUSY)).with_context(|| {
            format!(
                "failed to swap the new site into `{}`: is it a mount point? castbook replaces \
                 the output folder as a whole, so mount its parent folder instead",
                b.display()
            )
        }),
        Err(err) => Err(io::Error::from(err))
            .with_context(|| format!("failed to swap the new site into `{}`", b.display())),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(super) fn exchange(_a: &Path, _b: &Path) -> anyhow::Result<bool> {
    Ok(false)
}
