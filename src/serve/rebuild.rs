//! The rebuild thread: one build at a time, edits made meanwhile coalesce into one more.
//!
//! Builds run on a plain thread, not the tokio runtime: `build` may start a runtime of
//! its own (search indexing), which tokio forbids inside another.
//!
//! Rebuilds are incremental ([`Session`]): only the files whose fingerprint moved are
//! written; book.toml or `static/` changes write the whole site. The search index is
//! rebuilt after the pages are served, once no change has arrived for
//! [`SEARCH_IDLE`], in the background ([`Indexer`]): a save arriving meanwhile
//! abandons it and is served without waiting for it. A transcript still being written
//! when a rebuild reads it keeps its last version; the rebuild is then run again once
//! it may have settled.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use tower_livereload::Reloader;

use super::indexer::Indexer;
use super::session::{Redo, Session};
use super::watch::{ChangeKind, ChangeSet, Watch, WatchMsg, WatchPaths};
use super::{AppState, EventSink, ServeEvent, SiteSnapshot, overlay};
use crate::BuildReport;

/// Quiet time after a rebuild before the search index is brought up to date: a burst
/// of saves re-renders pages several times but indexes once.
const SEARCH_IDLE: Duration = Duration::from_millis(250);

/// Everything a build needs, owned by the rebuild thread.
pub(super) struct Builder {
    /// What the last builds read and wrote, and the configuration in force.
    pub(super) session: Session,
    /// `http://127.0.0.1:3000`: where this server is.
    pub(super) origin: String,
    /// What the server serves and overlays.
    pub(super) app: Arc<AppState>,
    /// Tells open pages to reload.
    pub(super) reloader: Reloader,
    /// Where to report.
    pub(super) events: EventSink,
    /// Builds the search index in the background.
    pub(super) indexer: Indexer,
    /// When to build again for a transcript that was still being written.
    pub(super) retry_at: Option<Instant>,
}

impl Builder {
    /// The build before serving starts. `Err` when it could not run at all.
    pub(super) fn first_build(&mut self) -> anyhow::Result<()> {
        let rebuilt = self.session.rebuild(&Redo {
            theme: true,
            everything: true,
        })?;
        self.note_retry(rebuilt.retry);
        self.publish(&rebuilt.report);
        Ok(())
    }

    fn note_retry(&mut self, retry: bool) {
        self.retry_at = retry.then(|| Instant::now() + self.session.settle.quiet);
    }

    /// A build after `changes`: reloads book.toml when it changed, rebuilds what the
    /// changes feed, and publishes the outcome. Nothing here ends serving; failures go
    /// to the overlay.
    fn rebuild(&mut self, changes: &ChangeSet, watch: &mut Watch) {
        (self.events)(ServeEvent::Rebuilding(changes));
        if changes.has(ChangeKind::Config) {
            match crate::config::load(&self.session.config.root) {
                Ok(config) => {
                    // Watch the sources where book.toml now says they are, even if the
                    // build below fails: the fix will be made there.
                    if let Some(err) = watch.retarget(WatchPaths::new(&config)) {
                        (self.events)(ServeEvent::Warning(&err));
                    }
                    self.session.set_config(config);
                }
                Err(err) => return self.fail(&err),
            }
        }
        let redo = Redo {
            theme: changes.has(ChangeKind::Theme),
            everything: changes.has(ChangeKind::Config) || changes.has(ChangeKind::Static),
        };
        match self.session.rebuild(&redo) {
            Ok(rebuilt) => {
                self.note_retry(rebuilt.retry);
                self.publish(&rebuilt.report);
            }
            Err(err) => self.fail(&err),
        }
    }

    /// Starts building the search index of the site served, in the background.
    fn start_index(&mut self) {
        if let Some(job) = self.session.index_job() {
            self.indexer.start(job);
        }
    }

    /// Publishes the index the background job finished, if it is still for the site
    /// served, reporting how it went.
    fn index_finished(&mut self) {
        let Some(done) = self.indexer.finished() else {
            return;
        };
        let published = done
            .files
            .and_then(|files| self.session.publish_index(done.generation, files));
        match published {
            Ok(true) => (self.events)(ServeEvent::SearchIndexed(done.took)),
            // Another site was published meanwhile: its index comes next.
            Ok(false) => {}
            Err(err) => (self.events)(ServeEvent::Warning(&format!(
                "the search index could not be updated: {err:#}"
            ))),
        }
    }

    /// Serves a written site without overlay, or keeps the last good one with the
    /// diagnostics over it; then reloads open pages either way.
    fn publish(&self, report: &BuildReport) {
        let mut moved_to = None;
        if report.written {
            let mut site = SiteSnapshot::of(&self.session.config);
            site.dest.clone_from(&report.dest);
            if site.base != self.app.site().base {
                // book.toml changed site-url: the site now lives at another path.
                let path = super::server::encode_path(&site.base, true);
                moved_to = Some(format!("{}{path}", self.origin));
            }
            self.app.set_site(site);
            self.app.set_overlay(None);
        } else {
            self.app
                .set_overlay(Some(overlay::for_diagnostics(&report.diagnostics)));
        }
        self.reloader.reload();
        (self.events)(ServeEvent::Built(report));
        if let Some(url) = &moved_to {
            (self.events)(ServeEvent::Listening {
                url,
                exposed: !self.app.loopback_only,
            });
        }
    }

    fn fail(&self, err: &anyhow::Error) {
        self.app.set_overlay(Some(overlay::for_error(err)));
        self.reloader.reload();
        (self.events)(ServeEvent::Failed(err));
    }
}

/// Starts the rebuild thread, fed by `watch` through `rx`; it ends on [`WatchMsg::Stop`].
pub(super) fn spawn(builder: Builder, watch: Watch, rx: Receiver<WatchMsg>) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("castbook-rebuild".to_owned())
        .spawn(move || rebuild_loop(builder, watch, &rx))?;
    Ok(())
}

fn rebuild_loop(mut builder: Builder, mut watch: Watch, rx: &Receiver<WatchMsg>) {
    // Blocks until something happens; then takes everything queued meanwhile, including
    // what arrived during the previous build, so that becomes one build. While the search
    // index lags behind, or a transcript was still being written, waits only so long.
    loop {
        let retry = builder.retry_at;
        let index_due = builder.session.search_stale() && !builder.indexer.busy();
        let wait = match (retry, index_due) {
            (Some(at), _) => Some(at.saturating_duration_since(Instant::now())),
            (None, true) => Some(SEARCH_IDLE),
            (None, false) => None,
        };
        let first = match wait {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(msg) => msg,
                Err(RecvTimeoutError::Timeout) if retry.is_some() => {
                    // Read again what was still being written.
                    WatchMsg::Changed(ChangeSet::of_kind(ChangeKind::Content))
                }
                Err(RecvTimeoutError::Timeout) => {
                    builder.start_index();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            },
            None => match rx.recv() {
                Ok(msg) => msg,
                Err(_) => return,
            },
        };
        let mut changes = ChangeSet::default();
        let mut stop = false;
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            match msg {
                WatchMsg::Changed(set) => changes.merge(set),
                WatchMsg::Error(err) => {
                    (builder.events)(ServeEvent::Warning(&format!("file watching: {err}")))
                }
                WatchMsg::Indexed => builder.index_finished(),
                WatchMsg::Stop => stop = true,
            }
        }
        if stop {
            builder.indexer.abandon();
            return;
        }
        if !changes.is_empty() {
            // Whatever it indexes is about to be replaced.
            builder.indexer.abandon();
        }
        // A source folder created or deleted since the last batch changes what to watch.
        if let Some(err) = watch.refresh() {
            (builder.events)(ServeEvent::Warning(&err));
        }
        if !changes.is_empty() {
            builder.rebuild(&changes, &mut watch);
        }
    }
}
