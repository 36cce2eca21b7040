//! `castbook serve`: build, serve DEST on loopback, watch the sources, rebuild, reload.
//!
//! Three actors, sharing one explicit [`AppState`] (no globals):
//! - the HTTP server (`server`) on a tokio runtime: reads DEST per request, under the
//!   site's base path, with the error overlay (`overlay`) and live reload
//!   (tower-livereload, which injects its script only into served pages: `build` output
//!   never carries it, so `BuildOptions::live_reload` stays `None`);
//! - the watcher ([`watch`]): debounced file events → [`ChangeSet`]s on a channel;
//! - the rebuild thread (`rebuild`): takes every change queued so far, runs one
//!   rebuild, then looks again, so builds never overlap and edits made during a build
//!   coalesce into exactly one more. Rebuilds are the build with a cache kept between
//!   them ([`crate::pipeline`], driven by `session`): an edited transcript is parsed
//!   again and only the files whose fingerprint moved are written, each to a temporary
//!   file renamed into DEST, so no request sees a half-written page; files no longer
//!   part of the site are deleted; book.toml and `static/` changes swap a whole new
//!   site in atomically (`output`). A build stopped by content errors leaves the last
//!   good site in place while the overlay shows why.

mod files;
mod indexer;
mod overlay;
mod rebuild;
mod server;
mod session;
#[cfg(test)]
mod tests;
pub mod watch;

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use anyhow::Context;

pub use watch::{ChangeKind, ChangeSet};
use watch::{Watch, WatchMsg, WatchPaths};

use crate::BuildReport;
use crate::config::LoadedConfig;

/// What `castbook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Interface to listen on: `127.0.0.1` unless the user chose to expose the site.
    pub host: String,
    /// TCP port; 0 picks a free one (the URL printed tells which).
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Include episodes marked `draft: true`.
    pub drafts: bool,
}

/// Something the user should hear about; the binary decides how to print it.
#[derive(Debug)]
pub enum ServeEvent<'a> {
    /// Sources changed; a rebuild starts.
    Rebuilding(&'a ChangeSet),
    /// A build ran: written, or stopped by content errors (then the old site stays).
    Built(&'a BuildReport),
    /// A build could not run at all (a broken book.toml, an unusable output folder).
    Failed(&'a anyhow::Error),
    /// The server accepts connections at `url`; `exposed` when reachable from other machines.
    Listening {
        /// Where to point a browser.
        url: &'a str,
        /// True when bound to a non-loopback interface.
        exposed: bool,
    },
    /// The search index caught up with the pages, taking this long (it is rebuilt
    /// after an edit is served, not before).
    SearchIndexed(std::time::Duration),
    /// Trouble that does not stop serving (watcher errors, no browser to open).
    Warning(&'a str),
}

/// Receives [`ServeEvent`]s from the server and the rebuild thread.
pub type EventSink = Arc<dyn Fn(ServeEvent<'_>) + Send + Sync>;

/// What the server serves; replaced whole after each good build.
#[derive(Debug, Clone)]
pub struct SiteSnapshot {
    /// The output folder.
    pub dest: PathBuf,
    /// Decoded segments of the base path (`/repo/` → `["repo"]`).
    pub base: Vec<String>,
}

impl SiteSnapshot {
    /// The folder and base path a configuration builds and serves.
    pub fn of(config: &LoadedConfig) -> SiteSnapshot {
        SiteSnapshot {
            dest: config.build_dir(),
            base: server::base_segments(&base_path(config)),
        }
    }
}

/// State shared by the server and the rebuild thread.
#[derive(Debug)]
pub struct AppState {
    site: RwLock<Arc<SiteSnapshot>>,
    /// The overlay HTML while the last rebuild failed.
    overlay: RwLock<Option<Arc<str>>>,
    /// Refuse requests naming other hosts (DNS rebinding) when bound to loopback.
    loopback_only: bool,
}

impl AppState {
    fn new(site: SiteSnapshot, loopback_only: bool) -> AppState {
        AppState {
            site: RwLock::new(Arc::new(site)),
            overlay: RwLock::new(None),
            loopback_only,
        }
    }

    /// What is served now.
    pub fn site(&self) -> Arc<SiteSnapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn set_site(&self, site: SiteSnapshot) {
        *self.site.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(site);
    }

    /// The overlay to inject, if the last rebuild failed.
    pub fn overlay(&self) -> Option<Arc<str>> {
        self.overlay
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_overlay(&self, html: Option<String>) {
        *self.overlay.write().unwrap_or_else(PoisonError::into_inner) = html.map(Arc::from);
    }
}

/// The base path pages link with (`site-url`'s path; its origin does not matter locally).
fn base_path(config: &LoadedConfig) -> String {
    crate::site::urls::SiteUrls::new(&config.config.output.html.site_url, None)
        .base()
        .to_owned()
}

/// Builds, serves and watches until Ctrl-C (or SIGTERM). `Err` when the site cannot be
/// served at all: unreadable book.toml, address in use, unusable output folder.
pub fn run(opts: &ServeOptions, events: EventSink) -> anyhow::Result<()> {
    let config = crate::config::load(&opts.root)?;
    let (listener, addr) = bind(&opts.host, opts.port)?;
    let exposed = !addr.ip().is_loopback();

    let shown = if addr.ip().is_unspecified() {
        // 0.0.0.0 is not an address to browse to; this machine is.
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    let origin = format!("http://{shown}");

    let app = Arc::new(AppState::new(SiteSnapshot::of(&config), !exposed));
    let live_reload = tower_livereload::LiveReloadLayer::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut builder = rebuild::Builder {
        session: session::Session::new(config, opts.drafts, origin.clone()),
        origin: origin.clone(),
        app: Arc::clone(&app),
        reloader: live_reload.reloader(),
        events: Arc::clone(&events),
        indexer: indexer::Indexer::new(tx.clone())?,
        retry_at: None,
    };
    // Watching starts before the first build, so an edit made during it is not lost.
    let watch = match Watch::start(WatchPaths::new(&builder.session.config), tx.clone()) {
        Ok(watch) => Some(watch),
        Err(err) => {
            // Still worth serving: the site is there, it just will not follow edits.
            events(ServeEvent::Warning(&format!(
                "cannot watch the sources ({err:#}); pages will not rebuild on changes"
            )));
            None
        }
    };
    // The first build fails hard only when it cannot run at all; content errors are
    // shown in the overlay over whatever DEST held before (or the bare 404 page).
    builder.first_build()?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    if let Some(watch) = watch {
        rebuild::spawn(builder, watch, rx)?;
    }

    let url = format!("{origin}{}", server::encode_path(&app.site().base, true));
    let result = runtime.block_on(async {
        listener
            .set_nonblocking(true)
            .context("failed to configure the listening socket")?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("failed to hand the socket to the runtime")?;
        events(ServeEvent::Listening { url: &url, exposed });
        if opts.open
            && let Err(e) = open::that_detached(&url)
        {
            events(ServeEvent::Warning(&format!(
                "could not open a browser: {e}"
            )));
        }
        let router = server::router(app, live_reload);
        server::serve(listener, router, shutdown_signal()).await;
        anyhow::Ok(())
    });
    // Open connections (live-reload streams, file reads) are not waited for: Ctrl-C
    // means stop now.
    runtime.shutdown_background();
    // The rebuild thread is told to stop but not awaited: a build in progress is simply
    // abandoned at exit, and `output` recovers its staging folder on the next build.
    // A send error means the thread already ended: nothing to stop.
    let _ = tx.send(WatchMsg::Stop);
    result
}

/// Binds the listening socket now, so a busy port fails before the first build.
fn bind(host: &str, port: u16) -> anyhow::Result<(TcpListener, SocketAddr)> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve the host `{host}` to listen on"))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match TcpListener::bind(addr) {
            Ok(listener) => {
                let bound = listener.local_addr().unwrap_or(*addr);
                return Ok((listener, bound));
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    match last {
        Some((addr, e)) if e.kind() == std::io::ErrorKind::AddrInUse => Err(anyhow::anyhow!(
            "cannot listen on {addr}: the port is in use (another `castbook serve`?); choose \
             another with -p"
        )),
        Some((addr, e)) => Err(e).with_context(|| format!("cannot listen on {addr}")),
        None => anyhow::bail!("the host `{host}` has no address to listen on"),
    }
}

/// Completes on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, Ctrl-C keeps its default effect (exit).
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
