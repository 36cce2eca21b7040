//! An [`OutputSink`] that keeps written files in memory, for the unit tests of every
//! stage that writes through a sink (render, exports, search).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::OutputSink;

/// Collects written files in memory; refuses unsafe paths and a file written twice.
#[derive(Default, Clone)]
pub(crate) struct MemorySink(pub(crate) Arc<Mutex<BTreeMap<String, Vec<u8>>>>);

impl OutputSink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        assert!(
            !rel.starts_with('/') && !rel.contains(".."),
            "unsafe path {rel}"
        );
        let mut files = self.0.lock().unwrap();
        assert!(
            files.insert(rel.to_owned(), bytes.to_vec()).is_none(),
            "{rel} written twice"
        );
        Ok(())
    }
}

impl MemorySink {
    /// The file at `rel`, as UTF-8; panics when it was not written.
    pub(crate) fn text(&self, rel: &str) -> String {
        let files = self.0.lock().unwrap();
        let bytes = files
            .get(rel)
            .unwrap_or_else(|| panic!("{rel} not written"));
        String::from_utf8(bytes.clone()).unwrap()
    }

    /// Every path written, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        self.0.lock().unwrap().keys().cloned().collect()
    }
}
