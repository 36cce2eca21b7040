use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::sources::{Settle, Sources};
use super::*;
use crate::transcript::ParseOptions;

fn transcript(title: &str, words: &str) -> String {
    format!(
        "---\npodcast_name: P\nhost_name: Hana Host\nguest_name: Gus Guest\n\
         episode_date: 01/02/2025\nepisode_title: {title}\n---\n### One\n\
         Hana 00:00:01:\n\nHello.\n\nGus 00:01:00:\n\n{words}\n"
    )
}

fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir(root.join("content")).unwrap();
    (dir, root)
}

fn scan(sources: &mut Sources, root: &Path, settle: Option<&Settle>) -> sources::Scan {
    sources
        .scan(
            root,
            &root.join("content"),
            &ParseOptions::default(),
            false,
            settle,
        )
        .unwrap()
}

/// Saved the way editors do: a new file renamed over the old one.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_file_is_parsed_again_only_when_its_inputs_change() {
    let (_dir, root) = site();
    let a = root.join("content/a.txt");
    std::fs::write(&a, transcript("A", "One.")).unwrap();
    std::fs::write(root.join("content/b.txt"), transcript("B", "Two.")).unwrap();
    let mut sources = Sources::default();
    let first = scan(&mut sources, &root, None);
    assert_eq!(first.episodes.len(), 2);
    // Nothing changed: the very same parses.
    let second = scan(&mut sources, &root, None);
    for ((x, kx), (y, ky)) in first.episodes.iter().zip(&second.episodes) {
        assert!(Arc::ptr_eq(x, y));
        assert_eq!(kx, ky);
    }
    // Saved again with the same text: read (its stat moved), not parsed again.
    save(&a, &transcript("A", "One."));
    let third = scan(&mut sources, &root, None);
    assert!(Arc::ptr_eq(&first.episodes[0].0, &third.episodes[0].0));
    // New words: a new parse with a new source key, and the same link key.
    save(&a, &transcript("A", "One, reworded."));
    let fourth = scan(&mut sources, &root, None);
    assert_ne!(
        first.episodes[0].0.source_key,
        fourth.episodes[0].0.source_key
    );
    assert_eq!(first.episodes[0].1, fourth.episodes[0].1);
    assert!(Arc::ptr_eq(&first.episodes[1].0, &fourth.episodes[1].0));
    // Gone from the folder, gone from the scan.
    std::fs::remove_file(&a).unwrap();
    assert_eq!(scan(&mut sources, &root, None).episodes.len(), 1);
}

#[test]
fn a_transcript_is_parsed_again_when_its_metadata_files_change_appear_or_go() {
    let (_dir, root) = site();
    let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Hana Host>Hello.\n";
    std::fs::write(root.join("content/a.vtt"), vtt).unwrap();
    std::fs::write(root.join("content/b.txt"), transcript("B", "Two.")).unwrap();
    let sidecar = root.join("content/a.yml");
    std::fs::write(&sidecar, "episode_title: A\nepisode_date: 2025-02-01\n").unwrap();
    let defaults = root.join("content/_defaults.yml");
    std::fs::write(&defaults, "podcast_name: P\nhost_name: Hana Host\n").unwrap();
    let mut sources = Sources::default();
    let first = scan(&mut sources, &root, None);
    assert_eq!(first.episodes.len(), 2, "{:?}", first.diagnostics);
    // The show of the episode read from a.vtt, wherever it is.
    let show = |scan: &sources::Scan| {
        let (p, _) = scan
            .episodes
            .iter()
            .find(|(p, _)| p.source.ends_with("a.vtt"))
            .unwrap();
        p.front.podcast_name.clone()
    };
    assert_eq!(show(&first), "P");
    // The transcript is untouched; its `_defaults.yml` changed.
    save(&defaults, "podcast_name: Q\nhost_name: Hana Host\n");
    let second = scan(&mut sources, &root, None);
    assert_eq!(show(&second), "Q");
    assert_ne!(
        first.episodes[0].0.source_key,
        second.episodes[0].0.source_key
    );
    // b.txt has front matter of its own, but defaults are its inputs too.
    assert!(!Arc::ptr_eq(&first.episodes[1].0, &second.episodes[1].0));
    // Moved into a folder of its own, then a nearer `_defaults.yml` appears: it wins.
    std::fs::create_dir(root.join("content/s")).unwrap();
    std::fs::rename(root.join("content/a.vtt"), root.join("content/s/a.vtt")).unwrap();
    std::fs::rename(&sidecar, root.join("content/s/a.yml")).unwrap();
    let third = scan(&mut sources, &root, None);
    assert_eq!(show(&third), "Q");
    std::fs::write(root.join("content/s/_defaults.yml"), "podcast_name: R\n").unwrap();
    let fourth = scan(&mut sources, &root, None);
    assert_eq!(show(&fourth), "R");
    // It goes again: back to the outer one.
    std::fs::remove_file(root.join("content/s/_defaults.yml")).unwrap();
    assert_eq!(show(&scan(&mut sources, &root, None)), "Q");
    // The sidecar goes: the transcript has no metadata and is reported.
    std::fs::remove_file(root.join("content/s/a.yml")).unwrap();
    let last = scan(&mut sources, &root, None);
    assert_eq!(last.episodes.len(), 1);
    assert!(
        last.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        last.diagnostics
    );
}

#[test]
fn a_save_written_in_place_in_parts_is_read_only_once_whole() {
    let (_dir, root) = site();
    let a = root.join("content/a.txt");
    std::fs::write(&a, transcript("A", "Before.")).unwrap();
    let mut sources = Sources::default();
    let settle = Settle {
        quiet: Duration::from_millis(150),
        ..Settle::default()
    };
    // Settled long ago: read at once.
    std::thread::sleep(settle.quiet);
    assert_eq!(scan(&mut sources, &root, Some(&settle)).episodes.len(), 1);
    let after = transcript("A Growth story", "After, in full.");
    let (first, second) = after.split_at(after.len() / 2);
    std::thread::scope(|s| {
        // The same inode, truncated, then written in two parts 100 ms apart.
        let writer = s.spawn(|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&a).unwrap();
            f.write_all(first.as_bytes()).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(100));
            f.write_all(second.as_bytes()).unwrap();
        });
        std::thread::sleep(Duration::from_millis(20));
        let scan = scan(&mut sources, &root, Some(&settle));
        writer.join().unwrap();
        assert!(!scan.unsettled);
        assert_eq!(scan.episodes.len(), 1, "{:?}", scan.diagnostics);
        assert_eq!(scan.episodes[0].0.front.episode_title, "A Growth story");
    });
    // A save by rename is a new inode: complete at once, read after the short wait.
    save(&a, &transcript("A", "Renamed into place."));
    let t = Instant::now();
    let scan = scan(&mut sources, &root, Some(&settle));
    assert!(t.elapsed() < settle.quiet, "{:?}", t.elapsed());
    assert_eq!(
        &*scan.episodes[0].0.chapters[0].turns[1].body,
        "Renamed into place."
    );
}

#[test]
fn a_file_that_never_settles_keeps_its_last_version() {
    let (_dir, root) = site();
    let a = root.join("content/a.txt");
    std::fs::write(&a, transcript("A", "Before.")).unwrap();
    let mut sources = Sources::default();
    let settle = Settle {
        quiet: Duration::from_millis(100),
        patience: Duration::from_millis(300),
        ..Settle::default()
    };
    std::thread::sleep(settle.quiet);
    scan(&mut sources, &root, Some(&settle));
    let stop = std::sync::atomic::AtomicBool::new(false);
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(&a).unwrap();
    f.write_all(b"more ").unwrap();
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                f.write_all(b"more ").unwrap();
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let scan = scan(&mut sources, &root, Some(&settle));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(scan.unsettled);
        assert_eq!(&*scan.episodes[0].0.chapters[0].turns[1].body, "Before.");
    });
}

#[test]
fn linking_is_reused_while_what_it_reads_is_unchanged() {
    let (_dir, root) = site();
    let a = root.join("content/a.txt");
    std::fs::write(&a, transcript("A", "One.")).unwrap();
    std::fs::write(root.join("content/b.txt"), transcript("B", "Two.")).unwrap();
    let config = crate::config::load(&root).unwrap();
    let mut cache = Cache::new();
    let mut timings = Timings::new();
    let first = read(&config, false, &mut cache, None, &mut timings).unwrap();
    save(&a, &transcript("A", "One, reworded."));
    let second = read(&config, false, &mut cache, None, &mut timings).unwrap();
    // What a fresh link gives.
    let fresh = read(&config, false, &mut Cache::one_off(), None, &mut timings).unwrap();
    assert_eq!(
        format!("{:?}", second.archive),
        format!("{:?}", {
            // A one-off build does not key its sources: compare all but the keys.
            let mut a = (*fresh.archive).clone();
            for (e, s) in a.episodes.iter_mut().zip(&second.archive.episodes) {
                e.source_key = s.source_key;
            }
            a
        })
    );
    // The untouched episode is shared, not copied.
    let b = |r: &Read| {
        r.archive
            .episodes
            .iter()
            .find(|e| e.source == "content/b.txt")
            .map(|e| Arc::clone(&e.chapters))
            .unwrap()
    };
    assert!(Arc::ptr_eq(&b(&first), &b(&second)));
    // A renamed chapter links again.
    save(&a, &transcript("A", "One.").replace("### One", "### Other"));
    let third = read(&config, false, &mut cache, None, &mut timings).unwrap();
    assert_eq!(third.archive.topics.len(), 2);
}
