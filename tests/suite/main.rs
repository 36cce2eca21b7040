//! Integration tests: run the real `castbook` binary on fixture sites and inspect
//! what it prints and writes. One test binary (compiles once), one module per feature.

#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

mod support;

// `castbook build`: pages, links, output safety, hostile content.
mod build;
// Link checker used by the build tests.
mod crawl;

// Issue #13: rebuilds over a recorded output folder write only what changed.
mod incremental;

// Issue #8: builds killed or out of disk, sources untouched, hostile inputs and sizes.
mod reliability;

// `castbook check`: diagnostics, summary line and exit codes.
mod check;

// `castbook serve`: rebuilds, error overlay, base path, refused traversal, edit storms.
#[cfg(feature = "serve")]
mod serve;

// Issue #14's sequence: eight saves under serve, then a build of the same sources,
// and not one file differs.
#[cfg(feature = "serve")]
mod serve_equals_build;

// The running server and raw HTTP client both serve test files use.
#[cfg(feature = "serve")]
mod serve_client;

// `castbook serve` against hostile clients: traversal encodings, malformed requests,
// idle and half-open connections, an edit storm with readers on several pages.
#[cfg(feature = "serve")]
mod serve_hostile;

// Themes and brands: [brand], additional CSS/JS, ejected themes, the magazine theme,
// UI strings, broken templates; the scheme toggle in headless Chromium (needs node,
// e2e/node_modules and /usr/bin/chromium).
mod themes;

// `.ci/advisories`: the RustSec check against the snapshot in ../shared/ (needs cargo-deny).
mod advisories;

// `castbook init`: a scaffold that builds, never overwriting.
mod init;

// Publishing: the castbook action's install script and the GitLab job against a local
// stand-in for a GitHub release; the release workflow's targets.
mod action;

// `castbook --version` names the commit: git checkouts, crates.io packages, tarballs.
mod version;

// HTML validity: the Nu HTML Checker on built pages (needs Java and e2e/node_modules).
mod html_valid;

// Headless Chromium clicking through a served site, layout and no-JS checks
// (needs node, e2e/node_modules and /usr/bin/chromium).
mod browser;

// Search: the index of the sample, and headless Chromium finding a sample turn among
// 1000 generated episodes (needs node, e2e/node_modules and /usr/bin/chromium).
mod search;

// Issue 15: transcripts from other tools (WebVTT, SRT, JSON, otter.ai) with sidecars
// and _defaults.yml; the round trip through every format; `castbook import`.
mod formats;

// Taxonomies: term, taxonomy and year pages against the front matter of the sample
// and a generated corpus; sitemap and navigation; bad input.
mod taxonomies;

// Podcast-native outputs: exports, podcast RSS, JSON-LD, speaker statistics, and
// audio deep links in headless Chromium (needs node, e2e/node_modules, /usr/bin/chromium).
mod podcast;
