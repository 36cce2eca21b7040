//! The rebuild thread: one build at a time, edits made meanwhile coalesce into one more.
//!
//! Builds run on a plain thread, not the tokio runtime: `build` may start a runtime of
//! its own (search indexing), which tokio forbids inside another.
//!
//! Every kind of change runs a full build for now. Incremental rebuilds (re-parse one
//! transcript, re-render only the pages it feeds) need the render pipeline to keep its
//! parsed archive between builds; [`ChangeSet`] already says what changed and where.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use tower_livereload::Reloader;

use super::watch::{ChangeKind, ChangeSet, Watch, WatchMsg, WatchPaths};
use super::{AppState, EventSink, ServeEvent, SiteSnapshot, overlay};
use crate::config::LoadedConfig;
use crate::{BuildOptions, BuildReport};

/// Everything a build needs, owned by the rebuild thread.
pub(super) struct Builder {
    /// The configuration of the last build that could run.
    pub(super) config: LoadedConfig,
    /// Include drafts.
    pub(super) drafts: bool,
    /// `http://127.0.0.1:3000`: where this server is, so feeds and canonical links in the
    /// preview point at it (and no "site-url has no host" warning repeats on every save).
    pub(super) origin: String,
    /// What the server serves and overlays.
    pub(super) app: Arc<AppState>,
    /// Tells open pages to reload.
    pub(super) reloader: Reloader,
    /// Where to report.
    pub(super) events: EventSink,
}

impl Builder {
    /// The build before serving starts. `Err` when it could not run at all.
    pub(super) fn first_build(&mut self) -> anyhow::Result<()> {
        let report = self.run_build()?;
        self.publish(&report);
        Ok(())
    }

    /// A build after `changes`: reloads book.toml when it changed, builds, and publishes
    /// the outcome. Nothing here ends serving; failures go to the overlay.
    fn rebuild(&mut self, changes: &ChangeSet, watch: &mut Watch) {
        (self.events)(ServeEvent::Rebuilding(changes));
        if changes.has(ChangeKind::Config) {
            match crate::config::load(&self.config.root) {
                Ok(config) => {
                    // Watch the sources where book.toml now says they are, even if the
                    // build below fails: the fix will be made there.
                    if let Some(err) = watch.retarget(WatchPaths::new(&config)) {
                        (self.events)(ServeEvent::Warning(&err));
                    }
                    self.config = config;
                }
                Err(err) => return self.fail(&err),
            }
        }
        match self.run_build() {
            Ok(report) => self.publish(&report),
            Err(err) => self.fail(&err),
        }
    }

    fn run_build(&self) -> anyhow::Result<BuildReport> {
        let opts = BuildOptions {
            root: self.config.root.clone(),
            dest: None,
            site_url: Some(format!("{}{}", self.origin, super::base_path(&self.config))),
            drafts: self.drafts,
            // Readable source in the browser's inspector, and faster rebuilds.
            minify: false,
            // tower-livereload injects its own script into served pages.
            live_reload: None,
        };
        crate::build(&opts, &|_| {})
    }

    /// Serves a written site without overlay, or keeps the last good one with the
    /// diagnostics over it; then reloads open pages either way.
    fn publish(&self, report: &BuildReport) {
        let mut moved_to = None;
        if report.written {
            let mut site = SiteSnapshot::of(&self.config);
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
    // what arrived during the previous build, so that becomes one build.
    while let Ok(first) = rx.recv() {
        let mut changes = ChangeSet::default();
        let mut stop = false;
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            match msg {
                WatchMsg::Changed(set) => changes.merge(set),
                WatchMsg::Error(err) => {
                    (builder.events)(ServeEvent::Warning(&format!("file watching: {err}")))
                }
                WatchMsg::Stop => stop = true,
            }
        }
        if stop {
            return;
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
