//! Search: the index `castbook build` writes for the sample (files, formats, record
//! anchors, a query evaluated in Rust), and headless Chromium finding a sample turn
//! among 1000 generated episodes with `e2e/search.mjs`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use castbook::search::deflate::inflate;
use castbook::search::encode::{ShardTerm, decode_postings, doc_of, read_shard};
use castbook::search::query::{Filter, Index, stem_ascii};

use crate::support::{Site, StaticServer, generate, have_browser, run_e2e};

/// Longest the browser script may run.
const LIMIT: Duration = Duration::from_secs(300);

/// The sample's episode page.
const SAMPLE_EPISODE: &str =
    "episodes/intern-to-microsoft-distinguished-engineer-in-11-promotions-career-story/";

/// A word only the sample's transcript has in this form (the generated episodes
/// imitate the sample and say "pivot", "pivots", …, but never "pivoting").
const SAMPLE_WORD: &str = "pivoting";

/// A term shard file, decompressed and parsed.
fn shard(path: &Path) -> Vec<ShardTerm<String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_shard(&inflate(&bytes, 1 << 26).unwrap()).unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap()
}

/// Checks every index file under `<out>/search/` against the others and the pages.
fn check_index(out: &Path) {
    let dir = out.join("search");
    assert!(
        dir.join("manifest.json").is_file(),
        "no search index in {} (is search::write_index called by the build?)",
        out.display()
    );
    assert!(dir.join("index.html").is_file(), "no search page");
    let manifest = json(&dir.join("manifest.json"));
    let docs = manifest["docs"].as_u64().unwrap() as u32;
    assert!(docs > 0);

    // Shards: terms sorted across all of them, each starting at its manifest
    // boundary; every postings list strictly ascending, within the records, df right.
    let bounds: Vec<String> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bounds[0], "");
    let mut previous = String::new();
    for (n, bound) in bounds.iter().enumerate() {
        let shard = shard(&dir.join(format!("i/{n}.bin")));
        assert!(!shard.is_empty(), "shard {n} is empty");
        if n > 0 {
            assert_eq!(&shard[0].term, bound, "shard {n} starts at its boundary");
        }
        for t in &shard {
            assert!(
                t.term > previous || (n == 0 && previous.is_empty()),
                "{} after {previous}",
                t.term
            );
            previous = t.term.clone();
            let postings = decode_postings(t.list.form, t.list.df, &t.list.bytes).unwrap();
            assert_eq!(postings.len(), t.list.df as usize, "df of {}", t.term);
            assert!(
                postings.windows(2).all(|w| doc_of(w[0]) < doc_of(w[1])),
                "postings of {} ascend",
                t.term
            );
            assert!(postings.iter().all(|p| doc_of(*p) < docs));
        }
    }
    assert!(
        !dir.join(format!("i/{}.bin", bounds.len())).exists(),
        "stray shard"
    );

    // Record chunks: they cover every record once, one episode each; every record's
    // anchor is on its page.
    let index = Index::open_dir(out).unwrap();
    let mut next = 0u32;
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    for &first in index.chunk_starts() {
        assert_eq!(first, next, "chunks are contiguous");
        let chunk = index.records(first).unwrap();
        assert!(!chunk.records.is_empty());
        next += chunk.records.len() as u32;
        let url = &chunk.episode[1];
        let html = pages
            .entry(url.to_owned())
            .or_insert_with(|| std::fs::read_to_string(out.join(url).join("index.html")).unwrap());
        for r in &chunk.records {
            let anchor = &r.anchor;
            assert!(
                html.contains(&format!("id={anchor}"))
                    || html.contains(&format!("id=\"{anchor}\"")),
                "{url}#{anchor}"
            );
        }
    }
    assert_eq!(next, docs, "the chunks hold every record");
    assert_eq!(
        std::fs::read_dir(dir.join("d")).unwrap().count(),
        index.chunk_starts().len(),
        "stray record chunks"
    );
    assert!(dir.join("t.bin").is_file(), "no text model");
    let filters = json(&dir.join("filters.json"));
    assert!(
        filters["podcasts"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
}

#[test]
fn the_sample_build_writes_a_consistent_index_that_finds_its_turns() {
    let site = Site::sample();
    site.run(&["build", "--no-minify"]).expect_code(0);
    let out = site.path().join("public");
    check_index(&out);

    let index = Index::open_dir(&out).unwrap();
    let r = index
        .search("amazon advertising", false, &Filter::default(), 5)
        .unwrap();
    let top = &r.hits[0];
    assert_eq!(top.speaker, "Stefan Mai");
    assert_eq!(top.chapter, "Early career at Amazon");
    assert_eq!(top.url, format!("{SAMPLE_EPISODE}#t-00-01-33"));
    // A form the sample never uses finds the ones it does, by their stem.
    let r = index
        .search("pivots", false, &Filter::default(), 5)
        .unwrap();
    assert!(r.forms.contains(&"pivoting".to_owned()), "{:?}", r.forms);
    // One query reads the manifest, one shard per word and the records shown.
    let fetched: usize = index.fetched().values().sum();
    assert!(fetched < 200_000, "{fetched} bytes: {:?}", index.fetched());
}

/// Bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn the_index_costs_at_most_0_4_of_the_transcripts_bytes() {
    let site = Site::sample();
    let content = site.path().join("content/generated");
    if !generate(200, &content) {
        return;
    }
    site.run(&["build"]).expect_code(0);
    let out = site.path().join("public");
    let transcripts = bytes_under(&site.path().join("content"));
    // All of search/, its page included.
    let index = bytes_under(&out.join("search"));
    let ratio = index as f64 / transcripts as f64;
    println!("search index: {index} bytes for {transcripts} bytes of transcripts ({ratio:.3}×)");
    assert!(
        ratio <= 0.4,
        "the search index is {ratio:.3}× the transcripts' bytes ({index} of {transcripts})"
    );
    // And it still finds the sample's turns among the generated ones.
    let r = Index::open_dir(&out)
        .unwrap()
        .search(SAMPLE_WORD, false, &Filter::default(), 1)
        .unwrap();
    assert!(r.hits[0].url.starts_with(SAMPLE_EPISODE), "{:?}", r.hits);
}

#[test]
fn search_can_be_turned_off() {
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        format!("{toml}\n[output.html.search]\nenable = false\n"),
    );
    site.run(&["build"]).expect_code(0);
    assert!(!site.path().join("public/search").exists());
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(
        !home.contains("/search/"),
        "no link to a search page that is not there"
    );
}

#[test]
fn headless_chromium_finds_a_sample_turn_among_a_thousand_episodes() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    // gen-corpus wants an empty folder: a subfolder of content/, which is read at any depth.
    if !generate(1000, &site.path().join("content/generated")) {
        return;
    }
    site.run(&["build", "--site-url", "/archive/", "-d", "www/archive"])
        .expect_code(0);
    let out = site.path().join("www/archive");
    check_index(&out);

    // What the Rust evaluator of the same index ranks first is what the page must show.
    let index = Index::open_dir(&out).unwrap();
    let r = index
        .search(SAMPLE_WORD, true, &Filter::default(), 1)
        .unwrap();
    let expected = &r.hits[0].url;
    assert!(expected.starts_with(SAMPLE_EPISODE), "{expected}");

    // Every plain a–z word of the index with its stem, for search.js's stemmer.
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let mut pairs = Vec::new();
    for entry in std::fs::read_dir(out.join("search/i")).unwrap() {
        for t in shard(&entry.unwrap().path()) {
            if t.term.bytes().all(|b| b.is_ascii_lowercase()) {
                pairs.push((t.term.clone(), stem_ascii(&stemmer, &t.term)));
            }
        }
    }
    for w in [
        "skies",
        "dying",
        "generously",
        "communism",
        "arsenal",
        "agreed",
        "feed",
        "hoped",
    ] {
        pairs.push((w.to_owned(), stem_ascii(&stemmer, w)));
    }
    let stems = site.path().join("stems.json");
    std::fs::write(&stems, serde_json::to_vec(&pairs).unwrap()).unwrap();

    let server = StaticServer::start(&out, "/archive/");
    let url = server.url();
    let stems = stems.to_string_lossy().into_owned();
    run_e2e(
        "search.mjs",
        &[&url, SAMPLE_WORD, expected, "--stems", &stems],
        LIMIT,
    )
    .expect_success("node e2e/search.mjs");
}
