//! The site's shared vocabulary, below every stage that writes output: where each
//! file lives and how it is addressed ([`urls`], [`layout`]), where written files
//! go ([`OutputSink`]) and what a build wrote where ([`manifest`]). Render, exports
//! and search all write through these and never import one another.

pub mod layout;
pub mod manifest;
pub mod urls;

#[cfg(test)]
pub(crate) mod memory_sink;

/// Where rendered files go; implemented over the staging folder (and in memory in tests).
pub trait OutputSink: Sync {
    /// Writes `bytes` at `rel` (`/`-separated, relative to the output root), creating folders.
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()>;
}

/// Files and bytes: what a stage wrote, or a kind of file in the site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Files written.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

impl std::ops::Add for Tally {
    type Output = Tally;
    fn add(self, other: Tally) -> Tally {
        Tally {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
        }
    }
}

impl std::ops::Sub for Tally {
    type Output = Tally;
    fn sub(self, other: Tally) -> Tally {
        Tally {
            files: self.files.saturating_sub(other.files),
            bytes: self.bytes.saturating_sub(other.bytes),
        }
    }
}

/// A sink that passes writes on and counts them, so each stage's share of the site is
/// known without the stages keeping their own counts.
pub struct Counted<'a> {
    inner: &'a dyn OutputSink,
    files: std::sync::atomic::AtomicU64,
    bytes: std::sync::atomic::AtomicU64,
}

impl<'a> Counted<'a> {
    /// Counts what is written through `inner`.
    pub fn new(inner: &'a dyn OutputSink) -> Self {
        Counted {
            inner,
            files: 0.into(),
            bytes: 0.into(),
        }
    }

    /// What was written so far.
    pub fn tally(&self) -> Tally {
        use std::sync::atomic::Ordering::Relaxed;
        Tally {
            files: self.files.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        }
    }
}

impl OutputSink for Counted<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        use std::sync::atomic::Ordering::Relaxed;
        self.inner.write(rel, bytes)?;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Relaxed);
        Ok(())
    }
}
