//! Reading transcripts from other tools against castbook's own format (issue 15), in
//! process: `cargo bench --bench formats`.
//!
//! Uses the sites `bench/formats.sh` derives (run it once first): N episodes
//! (`CASTBOOK_BENCH_EPISODES`, default 1000) as castbook text, WebVTT, Podcasting 2.0
//! JSON, SRT, WhisperX JSON and otter.ai text, each with its sidecar and chapters file,
//! under `target/bench-corpus/formats-nN/`. Parsing runs on one thread, so the figures
//! hold steady on a busy machine better than a whole `castbook check` does; `read` is
//! content discovery and reading (all cores, as in a build).

// A benchmark whose setup fails has nothing to measure: stopping loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::LazyLock;

use castbook::content;
use castbook::transcript::{ParseOptions, Source, parse_source};
use divan::Bencher;

fn main() {
    divan::main();
}

const FORMATS: [&str; 6] = ["text", "vtt", "json", "srt", "whisperx", "otter"];

/// The site of one format.
fn site(format: &str) -> PathBuf {
    let n = std::env::var("CASTBOOK_BENCH_EPISODES").unwrap_or_else(|_| "1000".to_owned());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-corpus/formats-n{n}"))
        .join(format);
    assert!(
        root.join("content").is_dir(),
        "{} is missing: run bench/formats.sh first",
        root.display()
    );
    root
}

/// Every site's sources, read once.
static SOURCES: LazyLock<Vec<(&'static str, Vec<Source>)>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|f| {
            let root = site(f);
            let found = content::discover(&root, &root.join("content")).expect("discover");
            (*f, found.files)
        })
        .collect()
});

fn sources(format: &str) -> &'static [Source] {
    &SOURCES.iter().find(|(f, _)| *f == format).unwrap().1
}

/// Parsing every transcript of a site with its metadata, on one thread.
#[divan::bench(args = FORMATS, sample_count = 10)]
fn parse(b: Bencher, format: &str) {
    let files = sources(format);
    let opts = ParseOptions::default();
    b.bench(|| {
        files
            .iter()
            .map(|f| parse_source(f, &opts).0.is_some())
            .filter(|ok| *ok)
            .count()
    });
}

/// Content discovery and reading of a site (walk, sidecars, all files), all cores.
#[divan::bench(args = FORMATS, sample_count = 10)]
fn read(format: &str) {
    let root = site(format);
    divan::black_box(content::discover(&root, &root.join("content")).expect("discover"));
}
