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
