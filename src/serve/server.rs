//! HTTP: serves DEST under the site's base path, like GitHub Pages would.
//!
//! Every request path is decoded and checked here, segment by segment, before anything
//! touches the disk: `..`, `.`, backslashes, NUL, hidden names and anything not valid
//! UTF-8 are refused whatever their encoding, and the file found is canonicalised and
//! must lie inside DEST, so a symlink cannot lead out. Site files are then read whole
//! and checked to be one complete version ([`super::files`]); large or ranged files
//! are streamed by tower-http's `ServeFile`. Files are opened per request, by path, so
//! after a rebuild swaps DEST the next request reads the new tree.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tokio::net::TcpListener;
use tower::ServiceExt as _;
use tower_http::services::ServeFile;
use tower_livereload::LiveReloadLayer;

use super::files::{Read, read_consistent, whole_file};
use super::{AppState, overlay};

/// A connection that has not sent a full request head by then is closed, so idle and
/// half-open connections cannot pile up (hyper waits forever by default).
const HEADER_TIMEOUT: Duration = Duration::from_secs(15);

/// Characters kept as-is when a path segment is written back into a `Location`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The router: the site, the error overlay, and live reload (its script and event stream).
pub(super) fn router(app: Arc<AppState>, live_reload: LiveReloadLayer) -> Router {
    Router::new()
        .fallback(site)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            overlay::inject_overlay,
        ))
        .layer(live_reload)
        .with_state(app)
}

/// Accepts connections until `shutdown` completes. Each connection gets its own task, so
/// a slow or idle client only ever holds up itself.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
) {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or a connection reset while queued: back off
                    // briefly instead of spinning, and keep serving the connections we have.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            // Nagle would delay the last small packet of each response.
            let _ = stream.set_nodelay(true);
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_headers(100);
            // Errors here are the client's (reset, timeout, malformed request): the
            // connection is dropped and nothing else is affected.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    /// A file inside DEST (canonical path).
    File(PathBuf),
    /// The same place with a trailing slash (a folder), or the base path from `/`.
    Redirect(String),
    /// Nothing servable: missing, outside the base path, or refused.
    NotFound,
}

/// Splits a base path (`/`, `/repo/`) into decoded segments.
pub(super) fn base_segments(base: &str) -> Vec<String> {
    base.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect()
}

/// Decodes a request path into segments, refusing any that could name something other
/// than a plain file or folder of the site. `None` means refused.
pub(super) fn request_segments(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        // Decoded exactly once: `%252e` stays the literal name `%2e`, which never exists.
        let seg = percent_decode_str(raw).decode_utf8().ok()?;
        let bad = seg.starts_with('.') // `.`, `..`, and hidden files (GitHub Pages skips them too)
            || seg.contains(['/', '\\', '\0'])
            // A drive (`c:`) or stream (`x::$DATA`) on Windows; an ordinary name elsewhere.
            || (cfg!(windows) && seg.contains(':'))
            || seg.chars().any(char::is_control);
        if bad {
            return None;
        }
        out.push(seg.into_owned());
    }
    Some(out)
}

/// Encodes segments back into an absolute path (for redirects; never relative, so a
/// `Location` cannot point to another host).
pub(super) fn encode_path(segments: &[String], trailing_slash: bool) -> String {
    let mut out = String::from("/");
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(seg, SEGMENT));
    }
    if trailing_slash && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Maps a request path to a file of `dest` under `base` (decoded segments). Blocking:
/// touches the file system.
pub(super) fn resolve(dest: &Path, base: &[String], path: &str) -> Resolved {
    let Some(segments) = request_segments(path) else {
        return Resolved::NotFound;
    };
    let Some(rel) = segments.strip_prefix(base) else {
        // GitHub Pages answers `/` of a project site with 404; locally, lead to the site.
        return if segments.is_empty() {
            Resolved::Redirect(encode_path(base, true))
        } else {
            Resolved::NotFound
        };
    };
    let trailing_slash = path.ends_with('/');
    let Ok(root) = dest.canonicalize() else {
        return Resolved::NotFound;
    };
    let mut target = root.clone();
    target.extend(rel);
    let Some(found) = inside(&root, &target) else {
        return Resolved::NotFound;
    };
    if found.is_dir() {
        // Relative links inside the page need the slash form (`/` itself always has it).
        if !trailing_slash {
            return Resolved::Redirect(encode_path(&segments, true));
        }
        return match inside(&root, &found.join("index.html")) {
            Some(index) if index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if found.is_file() {
        Resolved::File(found)
    } else {
        Resolved::NotFound
    }
}

/// The canonical form of `path` if it exists and lies inside `root` (symlinks resolved).
fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

/// The site handler: resolve, then serve the file, the redirect or the 404 page.
async fn site(State(app): State<Arc<AppState>>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let mut resp = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served",
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    if app.loopback_only && !is_local_host(&req) {
        // A page elsewhere could reach a loopback server through a DNS name rebound to
        // 127.0.0.1 and read the drafts; real local visits name localhost or an IP.
        return plain(
            StatusCode::FORBIDDEN,
            "castbook serve answers only requests for localhost or 127.0.0.1",
        );
    }
    let site = app.site();
    let path = req.uri().path().to_owned();
    let (dest, base) = (site.dest.clone(), site.base.clone());
    let resolved = tokio::task::spawn_blocking(move || {
        match resolve(&dest, &base, &path) {
            // Once more: a lookup that raced a rebuild's swap may have walked into the
            // previous tree while it was being cleared; the next one sees the new tree.
            Resolved::NotFound => resolve(&dest, &base, &path),
            found => found,
        }
    })
    .await
    .unwrap_or(Resolved::NotFound);
    match resolved {
        Resolved::File(file) => serve_file(file, &site.dest, req).await,
        Resolved::Redirect(location) => {
            let location = match req.uri().query() {
                Some(q) => format!("{location}?{q}"),
                None => location,
            };
            match HeaderValue::try_from(location) {
                Ok(value) => {
                    let mut resp = StatusCode::TEMPORARY_REDIRECT.into_response();
                    resp.headers_mut().insert(header::LOCATION, value);
                    resp
                }
                Err(_) => not_found(&site.dest).await,
            }
        }
        Resolved::NotFound => not_found(&site.dest).await,
    }
}

/// Serves a file of DEST. Site files (pages, CSS, feeds) are read whole and checked
/// unchanged, see [`read_consistent`]; large or ranged files (audio in `static/`)
/// are streamed by tower-http instead.
async fn serve_file(file: PathBuf, dest: &Path, req: Request) -> Response {
    // Pages are always sent whole: the overlay and reload script are added to them, which
    // a byte range of one cannot take.
    let is_page = file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("html") || x.eq_ignore_ascii_case("htm"));
    let ranged = req.headers().contains_key(header::RANGE) && !is_page;
    let is_head = req.method() == Method::HEAD;
    if !ranged {
        let path = file.clone();
        let read = tokio::task::spawn_blocking(move || read_consistent(&path)).await;
        match read {
            Ok(Ok(Read::Whole(bytes))) => return whole_file(&file, bytes, is_head),
            Ok(Ok(Read::TooLarge)) => {}
            Ok(Ok(Read::Unsettled)) => {
                let mut resp = plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the site is being rebuilt, reload in a moment",
                );
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return resp;
            }
            // Gone since it was found (a rebuild removed it), or unreadable.
            Ok(Err(_)) | Err(_) => return not_found(dest).await,
        }
    }
    match ServeFile::new(&file).oneshot(req).await {
        Ok(resp) if resp.status() == StatusCode::NOT_FOUND => not_found(dest).await,
        Ok(resp) => resp.map(Body::new),
        Err(never) => match never {},
    }
}

/// The site's own `404.html` with status 404, or a minimal page when the site has none
/// yet (e.g. the first build failed); both are HTML, so the overlay shows on them.
async fn not_found(dest: &Path) -> Response {
    let dest = dest.to_path_buf();
    let page = tokio::task::spawn_blocking(move || {
        let root = dest.canonicalize().ok()?;
        match read_consistent(&inside(&root, &root.join("404.html"))?) {
            Ok(Read::Whole(bytes)) => Some(bytes),
            _ => None,
        }
    })
    .await
    .ok()
    .flatten();
    let body = page.unwrap_or_else(|| {
        b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>\
          </head><body><main><h1>Not found</h1><p>There is no page here.</p></main></body></html>"
            .to_vec()
    });
    let len = body.len();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::NOT_FOUND;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Known length, so the overlay middleware may add to it.
    headers.insert(header::CONTENT_LENGTH, len.into());
    resp
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Whether the request names this machine (`localhost`, `*.localhost`, a loopback IP),
/// or names nothing at all (HTTP/1.0).
fn is_local_host(req: &Request) -> bool {
    let Some(host) = req.headers().get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    is_local_name(host)
}

/// `host[:port]` is a loopback name or address.
pub(super) fn is_local_name(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]:3000`
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("public/episodes/one")).unwrap();
        std::fs::write(d.join("public/index.html"), "home").unwrap();
        std::fs::write(d.join("public/episodes/one/index.html"), "one").unwrap();
        std::fs::write(d.join("public/style.css"), "css").unwrap();
        std::fs::write(d.join("public/.castbook-output"), "marker").unwrap();
        std::fs::write(d.join("secret.txt"), "secret").unwrap();
        dir
    }

    fn file(dest: &Path, rel: &str) -> Resolved {
        Resolved::File(dest.canonicalize().unwrap().join(rel))
    }

    #[test]
    fn serves_files_and_folders_at_the_root() {
        let dir = site();
        let dest = dir.path().join("public");
        assert_eq!(resolve(&dest, &[], "/"), file(&dest, "index.html"));
        assert_eq!(resolve(&dest, &[], "/style.css"), file(&dest, "style.css"));
        assert_eq!(
            resolve(&dest, &[], "/episodes/one/"),
            file(&dest, "episodes/one/index.html")
        );
        assert_eq!(
            resolve(&dest, &[], "/episodes/one"),
            Resolved::Redirect("/episodes/one/".into())
        );
        assert_eq!(resolve(&dest, &[], "/nope/"), Resolved::NotFound);
        assert_eq!(resolve(&dest, &[], "/episodes/"), Resolved::NotFound);
    }

    #[test]
    fn serves_under_the_base_path_only() {
        let dir = site();
        let dest = dir.path().join("public");
        let base = base_segments("/my%20show/");
        assert_eq!(base, ["my show"]);
        assert_eq!(
            resolve(&dest, &base, "/my%20show/"),
            file(&dest, "index.html")
        );
        assert_eq!(
            resolve(&dest, &base, "/my%20show"),
            Resolved::Redirect("/my%20show/".into())
        );
        assert_eq!(
            resolve(&dest, &base, "/"),
            Resolved::Redirect("/my%20show/".into())
        );
        assert_eq!(resolve(&dest, &base, "/style.css"), Resolved::NotFound);
        assert_eq!(
            resolve(&dest, &base, "/my%20show/style.css"),
            file(&dest, "style.css")
        );
    }

    #[test]
    fn traversal_is_refused_in_every_encoding() {
        let dir = site();
        let dest = dir.path().join("public");
        for path in [
            "/../secret.txt",
            "/episodes/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "/..\\secret.txt",
            "/..%5csecret.txt",
            "/.%2e/secret.txt",
            "/%c0%ae%c0%ae/secret.txt",
            "/%00/secret.txt",
            "/style.css%00.html",
            "/./style.css",
            "/.castbook-output",
            "/%2fetc/passwd",
            "//etc/passwd",
        ] {
            assert_eq!(resolve(&dest, &[], path), Resolved::NotFound, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_dest_are_refused() {
        let dir = site();
        let dest = dir.path().join("public");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), dest.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dest.join("up")).unwrap();
        std::os::unix::fs::symlink(dest.join("style.css"), dest.join("alias.css")).unwrap();
        assert_eq!(resolve(&dest, &[], "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&dest, &[], "/up/secret.txt"), Resolved::NotFound);
        assert_eq!(resolve(&dest, &[], "/up/"), Resolved::NotFound);
        // A link that stays inside DEST is fine.
        assert_eq!(resolve(&dest, &[], "/alias.css"), file(&dest, "style.css"));
    }

    #[test]
    fn redirects_never_leave_the_host() {
        let dir = site();
        let dest = dir.path().join("public");
        std::fs::create_dir_all(dest.join("evil.example")).unwrap();
        // `//evil.example` would be protocol-relative; segments are rebuilt from `/`.
        assert_eq!(
            resolve(&dest, &[], "//evil.example"),
            Resolved::Redirect("/evil.example/".into())
        );
    }

    #[test]
    fn missing_dest_is_not_found() {
        let dir = site();
        assert_eq!(
            resolve(&dir.path().join("nothing"), &[], "/"),
            Resolved::NotFound
        );
    }

    #[test]
    fn local_host_names() {
        for ok in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:3000",
            "127.0.0.2",
            "[::1]:3000",
            "LOCALHOST.",
            "site.localhost:80",
        ] {
            assert!(is_local_name(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:3000",
            "10.0.0.1",
            "localhost.evil.example",
        ] {
            assert!(!is_local_name(bad), "{bad}");
        }
    }
}
