//! Updating an output folder while it is served: one file at a time, each whole.
//!
//! A file goes to a hidden temporary name beside its final one (the server never
//! serves hidden names) and is renamed over it, which is atomic: a reader sees the old
//! file or the new one, never part of one, and a file that exists before and after
//! never goes missing. Removing a file also removes the folders it leaves empty.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::Context;

use super::check_rel;
use crate::site::OutputSink;

/// A live output folder, written file by file.
#[derive(Debug)]
pub struct Live {
    root: PathBuf,
    written: AtomicUsize,
    serial: AtomicU64,
}

impl Live {
    /// Writes into `root`, which must exist.
    pub fn new(root: &Path) -> Live {
        Live {
            root: root.to_path_buf(),
            written: AtomicUsize::new(0),
            serial: AtomicU64::new(0),
        }
    }

    /// Files written so far.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Deletes the file at `rel` (gone already is fine), then every folder above it
    /// that is left empty, up to the output root.
    pub fn remove(&self, rel: &str) -> anyhow::Result<()> {
        check_rel(rel)?;
        let path = self.root.join(rel);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("failed to remove `{}`", path.display()));
            }
            _ => {}
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            // Fails when something is still in it: then so are the folders above.
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}

impl OutputSink for Live {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        check_rel(rel)?;
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
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let live = Live::new(dir.path());
        live.write("episodes/a/index.html", b"one").unwrap();
        let path = dir.path().join("episodes/a/index.html");
        let before = fs::metadata(&path).unwrap();
        live.write("episodes/a/index.html", b"two").unwrap();
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
        assert_eq!(live.written(), 2);
        assert!(live.write("../x", b"").is_err());
        assert!(live.write("/x", b"").is_err());
    }

    #[test]
    fn removing_takes_the_folders_left_empty() {
        let dir = tempfile::tempdir().unwrap();
        let live = Live::new(dir.path());
        live.write("episodes/a/index.html", b"page").unwrap();
        live.write("episodes/a/transcript.vtt", b"vtt").unwrap();
        live.write("episodes/index.html", b"list").unwrap();
        live.write("search/d/0.json", b"{}").unwrap();
        live.remove("episodes/a/index.html").unwrap();
        assert!(dir.path().join("episodes/a").is_dir(), "not empty yet");
        live.remove("episodes/a/transcript.vtt").unwrap();
        assert!(!dir.path().join("episodes/a").exists());
        assert!(dir.path().join("episodes/index.html").exists());
        live.remove("search/d/0.json").unwrap();
        assert!(!dir.path().join("search").exists());
        assert!(dir.path().is_dir(), "the root stays");
        // Already gone: not an error.
        live.remove("episodes/a/index.html").unwrap();
    }
}
