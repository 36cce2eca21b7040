//! Stage benchmarks: each pipeline stage alone on a generated archive, in process.
//!
//! `cargo bench --bench stages` (add `-- --sample-count 5` for a quicker run). The
//! corpus comes from `../shared/tools/gen-corpus --episodes N --seed 1` (N from
//! `CASTBOOK_BENCH_EPISODES`, default 200), generated once into
//! `target/bench-corpus/stages-nN/`. Whole-process builds beside Hugo are
//! `bench/build.sh`; both are described in docs/performance.md.
//!
//! Writing stages go to a sink that keeps only byte counts, so they measure
//! castbook's work, not the file system.

// A benchmark whose setup fails has nothing to measure: stopping loudly is right.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use castbook::config::LoadedConfig;
use castbook::model::Archive;
use castbook::render::{OutputSink, RenderOptions};
use castbook::theme::Theme;
use castbook::transcript::{ParseOptions, ParsedEpisode, Source};
use castbook::{LoadOptions, content, exports, render, search, theme, transcript};
use divan::Bencher;
use rayon::prelude::*;

fn main() {
    divan::main();
}

/// Counts bytes and drops them.
#[derive(Default)]
struct NullSink(AtomicU64);

impl OutputSink for NullSink {
    fn write(&self, _rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.0.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

fn episodes() -> usize {
    std::env::var("CASTBOOK_BENCH_EPISODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The generated site root, made on first use.
static ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let n = episodes();
    let root = repo.join(format!("target/bench-corpus/stages-n{n}"));
    let stamp = root.join(".complete");
    if !stamp.exists() {
        let content = root.join("content");
        let _ = std::fs::remove_dir_all(&content);
        std::fs::create_dir_all(&root).expect("create the bench corpus folder");
        let tool = repo.join("../shared/tools/gen-corpus");
        let status = Command::new(&tool)
            .args(["--episodes", &n.to_string(), "--seed", "1"])
            .arg(&content)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
        assert!(status.success(), "gen-corpus failed");
        std::fs::write(&stamp, b"").expect("write the corpus stamp");
    }
    root
});

/// Files read once, for the parse benchmark.
static FILES: LazyLock<(LoadedConfig, Vec<Source>)> = LazyLock::new(|| {
    let config = castbook::config::load(&ROOT).expect("config");
    let found = content::discover(&config.root, &config.content_dir()).expect("discover");
    (config, found.files)
});

/// Parsed once, for the link benchmark.
static PARSED: LazyLock<Vec<ParsedEpisode>> = LazyLock::new(|| {
    FILES
        .1
        .par_iter()
        .filter_map(|f| transcript::parse_source(f, &ParseOptions::default()).0)
        .collect()
});

/// Loaded once, for the stages after linking.
static LOADED: LazyLock<(castbook::Loaded, Theme)> = LazyLock::new(|| {
    let loaded = castbook::load(&LoadOptions {
        root: ROOT.clone(),
        drafts: false,
    })
    .expect("load");
    let theme = theme::load(&loaded.config.root, &loaded.config.config).expect("theme");
    (loaded, theme)
});

fn archive() -> &'static Archive {
    &LOADED.0.archive
}

/// Reading every transcript (walk + read).
#[divan::bench(sample_count = 10)]
fn read() {
    let config = &FILES.0;
    divan::black_box(content::discover(&config.root, &config.content_dir()).expect("discover"));
}

/// Parsing every transcript, in parallel.
#[divan::bench(sample_count = 10)]
fn parse(b: Bencher) {
    let files = &FILES.1;
    b.bench(|| {
        files
            .par_iter()
            .map(|f| transcript::parse_source(f, &ParseOptions::default()))
            .collect::<Vec<_>>()
    });
}

/// Linking parsed episodes into the archive (people, topics, related episodes).
#[divan::bench(sample_count = 10)]
fn link(b: Bencher) {
    b.with_inputs(|| PARSED.clone())
        .bench_values(castbook::archive::link);
}

/// Rendering every page, with and without minification.
#[divan::bench(args = [false, true], sample_count = 10)]
fn render(b: Bencher, minify: bool) {
    let (loaded, theme) = &*LOADED;
    let opts = RenderOptions {
        minify,
        ..RenderOptions::default()
    };
    b.bench(|| {
        let sink = NullSink::default();
        render::render_site(archive(), &loaded.config, theme, &opts, &sink, &|_| {})
            .expect("render")
    });
}

/// chapters.json, transcript.json, VTT and SRT for every episode.
#[divan::bench(sample_count = 10)]
fn exports(b: Bencher) {
    let urls = render::site_urls(&LOADED.0.config, None);
    b.bench(|| {
        let sink = NullSink::default();
        exports::write_exports(archive(), &urls, &castbook::site::layout::ALL, &sink)
            .expect("exports")
    });
}

/// The search index.
#[divan::bench(sample_count = 10)]
fn search_index(b: Bencher) {
    let opts = search::SearchOptions::default();
    b.bench(|| {
        let sink = NullSink::default();
        search::write_index(archive(), &sink, &opts).expect("search")
    });
}

/// One of serve's rebuilds after a save: the pipeline with a kept cache reading the
/// saved transcript, linking, fingerprinting every output and writing what changed
/// into a live folder. `words` edits a turn (the usual typo fix), `front` the
/// description (which every page listing the episode shows). File system included.
#[divan::bench(args = ["words", "front"], sample_count = 10)]
fn serve_update(b: Bencher, kind: &str) {
    use castbook::pipeline::{self, Cache};
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    let content = root.join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    for entry in std::fs::read_dir(ROOT.join("content")).expect("corpus") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), content.join(entry.file_name())).expect("copy");
    }
    let config = castbook::config::load(&root).expect("config");
    let theme = theme::load(&config.root, &config.config).expect("theme");
    let opts = castbook::BuildOptions {
        root: root.clone(),
        dest: None,
        site_url: Some("http://127.0.0.1:3000/".into()),
        drafts: false,
        minify: false,
        live_reload: None,
    };
    let dest = config.build_dir();
    let mut cache = Cache::new();
    let mut timings = castbook::Timings::new();
    let read = pipeline::read(&config, false, &mut cache, None, &mut timings).expect("read");
    let site = castbook::write_site(
        &read.archive,
        &config,
        &theme,
        &opts,
        &dest,
        &|_| {},
        &mut timings,
        &cache,
    )
    .expect("whole build");
    let mut manifest = site.manifest;
    let mut names: Vec<_> = std::fs::read_dir(&content)
        .expect("content")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let file = names[0].clone();
    let text = std::fs::read_to_string(&file).expect("transcript");
    let anchor = if kind == "front" {
        "episode_description: "
    } else {
        ":\n\n"
    };
    let at = text.find(anchor).expect("an anchor to edit at") + anchor.len();
    let mut n = 0u32;
    b.bench_local(|| {
        n += 1;
        let edited = format!("{}Bench{n} {}", &text[..at], &text[at..]);
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, edited).expect("save");
        std::fs::rename(&tmp, &file).expect("save");
        let mut timings = castbook::Timings::new();
        let read = pipeline::read(&config, false, &mut cache, None, &mut timings).expect("read");
        let updated = pipeline::update_site(
            &read.archive,
            &config,
            &theme,
            &opts,
            &dest,
            &manifest,
            &cache,
            &mut timings,
        )
        .expect("update");
        manifest = updated.manifest;
    });
}
