#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::query::{Filter, Index};
use super::*;
use crate::text::stemmer_for;
use crate::transcript::{ParseOptions, SourceFile};

use crate::site::memory_sink::MemorySink;

/// Opens the index a build wrote into a sink.
trait IndexOf {
    fn index(&self) -> Index;
}

impl IndexOf for MemorySink {
    fn index(&self) -> Index {
        let files = self.0.clone();
        Index::open(Box::new(move |name| {
            let files = files.lock().unwrap();
            files
                .get(&format!("search/{name}"))
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("no {name}"))
        }))
        .unwrap()
    }
}

const EP1: &str = "---
podcast_name: The Peterman Pod
guest_name: Stefan Mai
host_name: Ryan Peterman
episode_date: 2025-08-15
episode_title: Intern to Distinguished Engineer
topics: [Careers]
---
### Low performer quotas
Ryan 00:41:12:

Were there quotas for low performers at Meta?

Stefan 00:41:30:

Yes. Every org had a **quota**, and managers were promoted for hitting it. Café culture, naïvely.

### Job hopping
Stefan 00:50:00:

Job hopping is fine if you learn. The promotion comes later; don’t rush.
";

const EP2: &str = "---
podcast_name: Other Show
guest_name: Ada Lovelace
host_name: Grace Hopper
episode_date: 2024-01-02
episode_title: Engines
---
### Low performer quotas
Grace 00:00:10:

Tell me about the analytical engine and quotas.

Ada 00:01:00:

The engine weaves algebraic patterns. <script>alert(1)</script> is just text here.
";

fn build(sources: &[&str], opts: &SearchOptions) -> (MemorySink, SearchReport) {
    let parsed = sources
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let src = SourceFile {
                display: format!("content/ep{i}.txt"),
                bytes: text.as_bytes().to_vec(),
            };
            let (ep, diags) = crate::transcript::parse(&src, &ParseOptions::default());
            assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
            ep.unwrap()
        })
        .collect();
    let (archive, _) = crate::archive::link(parsed);
    let sink = MemorySink::default();
    let report = write_index(&archive, &sink, opts).unwrap();
    (sink, report)
}

fn sample() -> (MemorySink, SearchReport) {
    build(&[EP1, EP2], &SearchOptions::default())
}

fn urls(index: &Index, q: &str, typing: bool, f: &Filter) -> Vec<String> {
    let r = index.search(q, typing, f, 10).unwrap();
    r.hits.into_iter().map(|h| h.url).collect()
}

#[test]
fn a_word_finds_its_turn_with_everything_a_result_shows() {
    let (sink, report) = sample();
    assert_eq!(report.docs, 5);
    assert_eq!(report.stemmer.as_deref(), Some("English"));
    let index = sink.index();
    let r = index
        .search("quota managers", false, &Filter::default(), 10)
        .unwrap();
    assert_eq!(r.total, 1);
    let hit = &r.hits[0];
    assert_eq!(hit.speaker, "Stefan Mai");
    assert_eq!(hit.seconds, 41 * 60 + 30);
    assert_eq!(
        hit.url,
        "episodes/intern-to-distinguished-engineer/#t-00-41-30"
    );
    assert_eq!(hit.chapter, "Low performer quotas");
    assert_eq!(hit.episode, "Intern to Distinguished Engineer");
    assert_eq!(hit.podcast, "The Peterman Pod");
    assert!(
        hit.text.starts_with("Yes. Every org had a **quota**, and"),
        "{}",
        hit.text
    );
}

#[test]
fn words_match_across_stems_case_and_diacritics() {
    let (sink, _) = sample();
    let index = sink.index();
    let none = Filter::default();
    // "promotion" and "promoted" share the stem "promot".
    assert_eq!(urls(&index, "PROMOTIONS", false, &none).len(), 2);
    assert_eq!(urls(&index, "cafe NAIVELY", false, &none).len(), 1);
    assert_eq!(urls(&index, "dont", false, &none).len(), 1);
    // The speaker's name and the chapter title are searchable too.
    assert_eq!(
        urls(&index, "stefan hopping", false, &none),
        ["episodes/intern-to-distinguished-engineer/#t-00-50-00"]
    );
}

#[test]
fn the_form_typed_ranks_above_other_forms_of_its_stem() {
    let (sink, _) = sample();
    let index = sink.index();
    // "promoted" is in Stefan's 00:41:30 turn, "promotion" in his 00:50:00 turn.
    let r = index
        .search("promotion", false, &Filter::default(), 10)
        .unwrap();
    assert_eq!(r.total, 2);
    assert!(r.hits[0].url.ends_with("#t-00-50-00"), "{:?}", r.hits);
    assert!(r.hits[0].score > r.hits[1].score);
    assert_eq!(r.forms, ["promotion", "promoted"]);
    let r = index
        .search("promoted", false, &Filter::default(), 10)
        .unwrap();
    assert!(r.hits[0].url.ends_with("#t-00-41-30"), "{:?}", r.hits);
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let (sink, _) = sample();
    let index = sink.index();
    let none = Filter::default();
    assert!(urls(&index, "algeb", false, &none).is_empty());
    assert_eq!(urls(&index, "algeb", true, &none).len(), 1);
    // A trailing space ends the word.
    assert!(urls(&index, "algeb ", true, &none).is_empty());
    // Only the last word: "algeb" then is a whole word, found nowhere.
    assert!(
        index
            .search("algeb engine", true, &none, 10)
            .unwrap()
            .partial
    );
    assert!(
        !index
            .search("engine algeb", true, &none, 10)
            .unwrap()
            .partial
    );
}

#[test]
fn all_words_must_match_else_some_do() {
    let (sink, _) = sample();
    let index = sink.index();
    // Both of the second show's turns: one says "quotas", the other is in a chapter
    // titled so.
    let r = index
        .search("engine quotas", false, &Filter::default(), 10)
        .unwrap();
    assert!(!r.partial);
    assert_eq!(r.total, 2);
    let r = index
        .search("engine zebra", false, &Filter::default(), 10)
        .unwrap();
    assert!(r.partial);
    assert_eq!(r.total, 2);
    let r = index
        .search("zebra", false, &Filter::default(), 10)
        .unwrap();
    assert_eq!(r.total, 0);
    assert_eq!(
        index
            .search("  ,. ", true, &Filter::default(), 10)
            .unwrap()
            .total,
        0
    );
}

#[test]
fn filters_narrow_by_podcast_guest_and_topic() {
    let (sink, _) = sample();
    let index = sink.index();
    let all = urls(&index, "quotas", false, &Filter::default());
    assert_eq!(all.len(), 4, "{all:?}");
    let f = |podcast: &str, guest: &str, topic: &str| Filter {
        podcast: podcast.into(),
        guest: guest.into(),
        topic: topic.into(),
    };
    assert_eq!(
        urls(&index, "quotas", false, &f("other-show", "", "")).len(),
        2
    );
    assert_eq!(
        urls(&index, "quotas", false, &f("", "stefan-mai", "")).len(),
        2
    );
    assert_eq!(
        urls(&index, "quotas", false, &f("", "", "low-performer-quotas")).len(),
        4
    );
    assert_eq!(urls(&index, "learn", false, &f("", "", "careers")).len(), 1);
    assert!(urls(&index, "quotas", false, &f("other-show", "stefan-mai", "")).is_empty());
    assert!(urls(&index, "quotas", false, &f("no-such-show", "", "")).is_empty());
}

#[test]
fn results_do_not_depend_on_shard_or_chunk_sizes() {
    let (one, _) = sample();
    let tiny = SearchOptions {
        shard_bytes: 1,
        chunk_bytes: 1,
        ..SearchOptions::default()
    };
    let (many, report) = build(&[EP1, EP2], &tiny);
    assert!(report.shards > 20, "{report:?}");
    assert_eq!(report.chunks, 5);
    let (a, b) = (one.index(), many.index());
    for q in ["quotas", "engine", "promot", "the", "stefan job", "qu"] {
        for typing in [false, true] {
            let ra = a.search(q, typing, &Filter::default(), 10).unwrap();
            let rb = b.search(q, typing, &Filter::default(), 10).unwrap();
            assert_eq!(ra.hits, rb.hits, "{q} {typing}");
        }
    }
}

#[test]
fn output_is_deterministic_and_text_is_data() {
    let (a, report) = sample();
    let (b, _) = sample();
    assert_eq!(*a.0.lock().unwrap(), *b.0.lock().unwrap());
    let names = a.names();
    assert_eq!(report.files, names.len());
    assert!(names.contains(&"search/manifest.json".to_owned()));
    assert!(names.contains(&"search/filters.json".to_owned()));
    let files = a.0.lock().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["search/manifest.json"]).unwrap();
    assert_eq!(manifest["shards"][0], "");
    assert_eq!(manifest["docs"], 5);
    let filters: serde_json::Value = serde_json::from_slice(&files["search/filters.json"]).unwrap();
    assert_eq!(
        filters["guests"][0],
        serde_json::json!(["ada-lovelace", "Ada Lovelace"])
    );
    // Topics on fewer than three episodes are not offered.
    assert_eq!(filters["topics"], serde_json::json!([]));
    assert!(names.contains(&"search/t.bin".to_owned()));
    drop(files);
    // Text is data: stored and given back as written.
    let index = a.index();
    let r = index
        .search("algebraic", false, &Filter::default(), 10)
        .unwrap();
    assert!(
        r.hits[0]
            .text
            .contains("<script>alert(1)</script> is just text"),
        "{:?}",
        r.hits
    );
}

#[test]
fn unknown_languages_are_not_stemmed() {
    assert!(stemmer_for("xx").is_none());
    assert_eq!(stemmer_for("de-CH"), Some(Algorithm::German));
    assert_eq!(stemmer_for(""), Some(Algorithm::English));
    let opts = SearchOptions {
        language: "xx".into(),
        ..SearchOptions::default()
    };
    let (sink, report) = build(&[EP1], &opts);
    assert_eq!(report.stemmer, None);
    let index = sink.index();
    assert_eq!(
        urls(&index, "promotion", false, &Filter::default()).len(),
        1
    );
}

#[test]
fn an_empty_archive_writes_an_empty_index() {
    let sink = MemorySink::default();
    let report = write_index(&Archive::default(), &sink, &SearchOptions::default()).unwrap();
    assert_eq!(report.docs, 0);
    let index = sink.index();
    assert_eq!(
        index
            .search("x", true, &Filter::default(), 10)
            .unwrap()
            .total,
        0
    );
}
