//! The error overlay: while the last rebuild failed, every served HTML page (the last
//! good site) carries a banner with the diagnostics, so the author sees the problem in
//! the browser without watching the terminal.
//!
//! Injected per response by [`inject_overlay`], never written to DEST: `build` output
//! stays clean.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use crate::diag::Diagnostics;

/// Pages larger than this are served without the overlay rather than buffered whole.
const MAX_INJECT_BYTES: usize = 64 * 1024 * 1024;

/// How many diagnostics the banner lists; the terminal has them all.
const MAX_LISTED: usize = 50;

/// The banner for a rebuild that stopped on content errors.
pub(super) fn for_diagnostics(diagnostics: &Diagnostics) -> String {
    let errors = diagnostics.error_count();
    let summary = format!(
        "castbook: {errors} error{} — showing the last good build; fix and save to update",
        if errors == 1 { "" } else { "s" }
    );
    let mut text = String::new();
    // Errors first: they are why the page is stale; warnings follow for context.
    let ordered = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .chain(diagnostics.iter().filter(|d| !d.is_error()));
    for (i, d) in ordered.enumerate() {
        if i == MAX_LISTED {
            let _ = write!(
                text,
                "… and {} more (see the terminal)",
                diagnostics.len() - MAX_LISTED
            );
            break;
        }
        let _ = writeln!(text, "{d}\n");
    }
    banner(&summary, text.trim_end())
}

/// The banner for a rebuild that could not run at all (e.g. a broken book.toml).
pub(super) fn for_error(error: &anyhow::Error) -> String {
    banner(
        "castbook: the site could not be rebuilt — showing the last good build",
        &format!("error: {error:#}"),
    )
}

/// A self-contained banner: inline styles only, so it looks the same on any theme, and
/// `<details>` so readers can fold it away without JavaScript.
fn banner(summary: &str, details: &str) -> String {
    format!(
        concat!(
            r#"<div id="castbook-error-overlay" role="alert" style="position:fixed;left:0;"#,
            r#"right:0;bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;"#,
            r#"padding:.75rem 1.25rem;background:#2b0b0b;color:#ffe3e3;"#,
            r#"border-top:4px solid #e03131;box-shadow:0 -4px 16px rgba(0,0,0,.4);"#,
            r#"font:14px/1.45 system-ui,sans-serif;text-align:left">"#,
            r#"<details open><summary style="cursor:pointer;font-weight:bold">{}</summary>"#,
            r#"<pre style="white-space:pre-wrap;margin:.75rem 0 0;font:13px/1.45 "#,
            r#"ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:inherit;"#,
            r#"background:none">{}</pre></details></div>"#
        ),
        escape_html(summary),
        escape_html(details)
    )
}

/// Escapes text for HTML element content and quoted attributes. Diagnostics quote
/// transcript text, which is untrusted.
pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Inserts `overlay` before the last `</body>` (any case), or at the end without one.
pub(super) fn inject(html: &[u8], overlay: &str) -> Vec<u8> {
    let at = rfind_ascii_ci(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + overlay.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(overlay.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Middleware: never let the browser cache a page (its overlay or reload script would go
/// stale), and add the overlay to HTML responses while the last rebuild failed.
pub(super) async fn inject_overlay(
    State(app): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    // A 304 would skip both the overlay and the reload script, so validators are dropped.
    for name in [header::IF_NONE_MATCH, header::IF_MODIFIED_SINCE] {
        req.headers_mut().remove(name);
    }
    let is_head = req.method() == Method::HEAD;
    let mut resp = next.run(req).await;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let Some(overlay) = app.overlay() else {
        return resp;
    };
    if !is_injectable(&resp) {
        return resp;
    }
    let length = resp
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let Some(length) = length.filter(|&n| n <= MAX_INJECT_BYTES) else {
        return resp;
    };
    if is_head {
        // No body to change, but the length must match what GET would send.
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, (length + overlay.len()).into());
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_INJECT_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            // The file vanished or failed mid-read; let the browser retry.
            let mut failed = Response::new(Body::from("failed to read the page, reload"));
            *failed.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            return failed;
        }
    };
    let html = inject(&bytes, &overlay);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, html.len().into());
    Response::from_parts(parts, Body::from(html))
}

fn is_injectable(resp: &Response) -> bool {
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A range of a page, or a compressed one, cannot be edited as text.
    html && resp.status() != StatusCode::PARTIAL_CONTENT
        && !resp.headers().contains_key(header::CONTENT_ENCODING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", "<div>o</div>");
        assert_eq!(out, b"<html><body><p>x</p><div>o</div></BODY></html>");
        assert_eq!(inject(b"<p>x", "<i>"), b"<p>x<i>");
        assert_eq!(inject(b"", "<i>"), b"<i>");
    }

    #[test]
    fn diagnostics_are_escaped_and_errors_come_first() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning(
            "content/a.txt",
            "speaker <b>x</b> unresolved",
        ));
        ds.push(Diagnostic::error("content/b.txt", "bad <script>alert(1)</script>").at(3, 1));
        let html = for_diagnostics(&ds);
        assert!(html.contains("castbook: 1 error —"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        let err = html.find("content/b.txt:3:1").unwrap_or(usize::MAX);
        let warn = html.find("content/a.txt").unwrap_or(0);
        assert!(err < warn, "{html}");
        assert!(html.contains(r#"role="alert""#));
    }

    #[test]
    fn long_lists_are_cut() {
        let mut ds = Diagnostics::new();
        for i in 0..(MAX_LISTED + 5) {
            ds.push(Diagnostic::error(format!("content/{i}.txt"), "bad"));
        }
        assert!(for_diagnostics(&ds).contains("… and 5 more"));
    }
}
