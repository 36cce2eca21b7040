//! Issue 15: transcripts from other tools. A generated corpus goes through every
//! format and back (via castbook's own exports, the front matter as a sidecar and the
//! chapters as `NAME.chapters.json`): the same episodes, chapters, turns, speakers,
//! words and times. Then `castbook import`, a site mixing formats with broken files,
//! and `serve` picking up sidecar and `_defaults.yml` edits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Site, generate};

/// Episodes in the round trip: enough for returning guests and several shows.
const EPISODES: usize = 8;

/// What castbook exported for one episode.
struct Exports {
    stem: String,
    front: String,
    chapters: String,
    json: Value,
    vtt: String,
    srt: String,
}

/// Builds `site` into `public/`, with every export turned on, and returns its exports
/// per slug, with each episode's source stem and front matter.
fn build_and_export(site: &Site) -> BTreeMap<String, Exports> {
    site.write(
        "book.toml",
        "[output.exports]\nchapters = true\nvtt = true\nsrt = true\njson = true\n",
    );
    site.run(&["build", "--no-minify"]).expect_code(0);
    let loaded = castbook::load(&castbook::LoadOptions {
        root: site.path().to_path_buf(),
        drafts: false,
    })
    .unwrap();
    let public = site.path().join("public/episodes");
    loaded
        .archive
        .episodes
        .iter()
        .map(|e| {
            let dir = public.join(&e.slug);
            let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
            let source = std::fs::read_to_string(site.path().join(&e.source)).unwrap_or_default();
            let front = source
                .strip_prefix("---\n")
                .and_then(|s| s.split_once("\n---\n"))
                .map_or(String::new(), |(fm, _)| format!("{fm}\n"));
            let stem = Path::new(&e.source)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let exports = Exports {
                stem,
                front,
                chapters: read("chapters.json"),
                json: serde_json::from_str(&read("transcript.json")).unwrap(),
                vtt: read("transcript.vtt"),
                srt: read("transcript.srt"),
            };
            (e.slug.clone(), exports)
        })
        .collect()
}

/// `H:MM:SS` for otter's speaker lines.
fn clock(seconds: f64) -> String {
    let s = seconds as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Writes the corpus `a` in `format` into a new site.
fn derive(a: &BTreeMap<String, Exports>, format: &str) -> Site {
    let site = Site::empty();
    for e in a.values() {
        let segments = e.json["segments"].as_array().unwrap();
        let mut sidecar = e.front.clone();
        let (ext, body) = match format {
            "vtt" => ("vtt", e.vtt.clone()),
            "srt" => ("srt", e.srt.clone()),
            "json" => ("json", e.json.to_string()),
            "whisperx" => {
                // Speakers become SPEAKER_nn labels, mapped back by the sidecar.
                let mut labels: Vec<String> = Vec::new();
                let segs: Vec<Value> = segments
                    .iter()
                    .map(|s| {
                        let name = s["speaker"].as_str().unwrap().to_owned();
                        let i = labels.iter().position(|l| *l == name).unwrap_or_else(|| {
                            labels.push(name);
                            labels.len() - 1
                        });
                        serde_json::json!({
                            "start": s["startTime"], "end": s["endTime"],
                            "text": format!(" {}", s["body"].as_str().unwrap().replace('\n', " ")),
                            "speaker": format!("SPEAKER_{i:02}"),
                        })
                    })
                    .collect();
                sidecar.push_str("speakers:\n");
                for (i, name) in labels.iter().enumerate() {
                    sidecar.push_str(&format!("  SPEAKER_{i:02}: {}\n", serde_json::json!(name)));
                }
                (
                    "json",
                    serde_json::json!({"segments": segs, "language": "en"}).to_string(),
                )
            }
            "otter" => {
                let mut out = String::new();
                for s in segments {
                    out.push_str(&format!(
                        "{}  {}\n{}\n\n",
                        s["speaker"].as_str().unwrap(),
                        clock(s["startTime"].as_f64().unwrap()),
                        s["body"].as_str().unwrap()
                    ));
                }
                out.push_str("Transcribed by https://otter.ai\n");
                ("txt", out)
            }
            other => panic!("no format {other}"),
        };
        site.write(&format!("content/{}.{ext}", e.stem), body);
        site.write(&format!("content/{}.yml", e.stem), sidecar);
        site.write(&format!("content/{}.chapters.json", e.stem), &e.chapters);
    }
    site
}

/// A VTT cue as compared: speaker, words, start and end in ms.
type Cue = (String, Vec<String>, u64, u64);

fn vtt_cues(vtt: &str) -> Vec<Cue> {
    let ms = |t: &str| {
        let (hms, frac) = t.split_once('.').unwrap();
        let p: Vec<u64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        ((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + frac.parse::<u64>().unwrap()
    };
    vtt.split("\n\n")
        .filter_map(|block| {
            let mut lines = block.lines().skip_while(|l| !l.contains("-->"));
            let (start, end) = lines.next()?.split_once(" --> ")?;
            let text: Vec<&str> = lines.collect();
            let text = text.join(" ");
            let (speaker, words) = match text.strip_prefix("<v ") {
                Some(rest) => rest.split_once('>').unwrap(),
                None => ("", text.as_str()),
            };
            let words = words
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some((
                speaker.to_owned(),
                words.split_whitespace().map(str::to_owned).collect(),
                ms(start),
                ms(end),
            ))
        })
        .collect()
}

/// How closely a format keeps the original.
#[derive(Clone, Copy, PartialEq)]
enum Fidelity {
    /// Times to 1 ms, words as they were.
    Exact,
    /// Times to 1 ms; words may be cut (SRT cards cut words longer than a line).
    CutWords,
    /// Whole-second starts (otter, castbook's text); ends are estimated.
    Seconds,
}

fn ms_of(v: &Value) -> u64 {
    (v.as_f64().unwrap() * 1000.0).round() as u64
}

/// Compares the exports of `b` with those of `a`, episode by episode.
fn assert_same(
    a: &BTreeMap<String, Exports>,
    b: &BTreeMap<String, Exports>,
    what: &str,
    f: Fidelity,
) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: episodes"
    );
    let mut turns = 0;
    for (slug, x) in a {
        let y = &b[slug];
        let ctx = format!("{what}: {slug}");
        let chapters = |s: &str| -> Vec<(u64, String)> {
            let v: Value = serde_json::from_str(s).unwrap();
            v["chapters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["startTime"].as_u64().unwrap(),
                        c["title"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(
            chapters(&x.chapters),
            chapters(&y.chapters),
            "{ctx}: chapters"
        );
        let xs = x.json["segments"].as_array().unwrap();
        let ys = y.json["segments"].as_array().unwrap();
        assert_eq!(xs.len(), ys.len(), "{ctx}: turns");
        for (i, (p, q)) in xs.iter().zip(ys).enumerate() {
            turns += 1;
            let ctx = format!("{ctx}: turn {i}");
            assert_eq!(p["speaker"], q["speaker"], "{ctx}: speaker");
            let words = |v: &Value| -> Vec<String> {
                v["body"]
                    .as_str()
                    .unwrap()
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect()
            };
            if f == Fidelity::CutWords {
                assert_eq!(words(p).concat(), words(q).concat(), "{ctx}: words");
            } else {
                assert_eq!(words(p), words(q), "{ctx}: words");
            }
            let (ps, qs) = (ms_of(&p["startTime"]), ms_of(&q["startTime"]));
            if f == Fidelity::Seconds {
                assert_eq!(ps / 1000, qs / 1000, "{ctx}: start");
            } else {
                let (pe, qe) = (ms_of(&p["endTime"]), ms_of(&q["endTime"]));
                assert!(
                    ps.abs_diff(qs) <= 1 && pe.abs_diff(qe) <= 1,
                    "{ctx}: times {ps}-{pe} vs {qs}-{qe}"
                );
            }
        }
        if f == Fidelity::Exact {
            // The WebVTT written from it: the same words, speakers and times.
            let (cx, cy) = (vtt_cues(&x.vtt), vtt_cues(&y.vtt));
            assert_eq!(cx.len(), cy.len(), "{ctx}: vtt cues");
            for (p, q) in cx.iter().zip(&cy) {
                assert_eq!((&p.0, &p.1), (&q.0, &q.1), "{ctx}: vtt cue");
                assert!(
                    p.2.abs_diff(q.2) <= 1 && p.3.abs_diff(q.3) <= 1,
                    "{ctx}: vtt times"
                );
            }
        }
    }
    assert!(turns > EPISODES * 50, "{what}: only {turns} turns compared");
}

/// The counts `check` prints: podcasts, episodes, chapters, turns, people, topics.
fn counts(site: &Site) -> String {
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert!(run.headlines().is_empty(), "{}", run.stderr);
    let line = run.stdout.lines().last().unwrap();
    let (_, rest) = line.split_once(": ").unwrap();
    rest.to_owned()
}

#[test]
fn a_generated_corpus_survives_every_format() {
    let a_site = Site::empty();
    if !generate(EPISODES, &a_site.path().join("content")) {
        return;
    }
    let a = build_and_export(&a_site);
    let a_counts = counts(&a_site);
    for (format, fidelity) in [
        ("vtt", Fidelity::Exact),
        ("json", Fidelity::Exact),
        ("whisperx", Fidelity::Exact),
        ("srt", Fidelity::CutWords),
        ("otter", Fidelity::Seconds),
    ] {
        let b_site = derive(&a, format);
        assert_eq!(counts(&b_site), a_counts, "{format}");
        let b = build_and_export(&b_site);
        assert_same(&a, &b, format, fidelity);
        // No sidecar, chapters file or transcript is published.
        let published = walk(&b_site.path().join("public"));
        assert!(
            !published
                .iter()
                .any(|p| p.ends_with(".yml") || p.ends_with(".chapters.json")),
            "{format}: {published:?}"
        );
        if format == "vtt" {
            // `castbook import` of each: castbook's text, read back the same.
            let c_site = Site::empty();
            let mut args = vec!["import".to_owned(), "-o".to_owned()];
            args.push(c_site.path().join("content").display().to_string());
            for e in a.values() {
                args.push(format!("content/{}.vtt", e.stem));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = b_site.run(&args);
            run.expect_code(0);
            assert!(run.headlines().is_empty(), "{}", run.stderr);
            assert_eq!(counts(&c_site), a_counts, "import");
            assert_same(&a, &build_and_export(&c_site), "import", Fidelity::Seconds);
        }
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p: PathBuf = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

const SIDECAR: &str = "podcast_name: The Peterman Pod\nepisode_title: Career story\n\
    host_name: Ryan Peterman\nguest_name: Stefan Mai\nepisode_date: 15/08/2025\n\
    speakers:\n  SPEAKER_00: Ryan Peterman\n  SPEAKER_01: Stefan Mai\n\
    chapters:\n  - \"00:00:00 Early career\"\n  - \"00:01:00 Growth\"\n";

const VTT: &str = "WEBVTT\n\n00:00:01.250 --> 00:00:04.000\n<v SPEAKER_00>How did you *start*?\n\n\
    00:00:05.000 --> 00:00:09.500\n<v SPEAKER_01>At Amazon, in 2012.\n\n\
    00:01:00.000 --> 00:01:30.000\n<v SPEAKER_01>Then I became a manager.\n";

#[test]
fn import_writes_castbooks_format_with_the_metadata_to_fill_in() {
    let site = Site::empty();
    site.write("content/ep.vtt", VTT)
        .write("content/ep.yml", SIDECAR);
    let run = site.run(&["import", "content/ep.vtt", "-o", "out"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("wrote out/ep.txt (from content/ep.vtt)"),
        "{}",
        run.stdout
    );
    let text = std::fs::read_to_string(site.path().join("out/ep.txt")).unwrap();
    assert_eq!(
        text,
        "---\npodcast_name: \"The Peterman Pod\"\nepisode_title: \"Career story\"\n\
         host_name: \"Ryan Peterman\"\nepisode_date: \"15/08/2025\"\nguest_name: \"Stefan Mai\"\n\
         # speakers in this transcript: Ryan Peterman, Stefan Mai\n---\nTranscript\n\
         ### Early career\nRyan Peterman 00:00:01:\n\nHow did you \\*start\\*?\n\n\
         Stefan Mai 00:00:05:\n\nAt Amazon, in 2012.\n\n\
         ### Growth\nStefan Mai 00:01:00:\n\nThen I became a manager.\n\n"
    );
    // It reads back as the same episode, and import never overwrites.
    let again = site.run(&["import", "content/ep.vtt", "-o", "out"]);
    again.expect_code(1);
    assert_eq!(
        again.headlines(),
        ["error: content/ep.vtt: not written: out/ep.txt already exists"]
    );
    let back = Site::empty();
    back.write("content/ep.txt", &text);
    let run = back.run(&["check"]);
    run.expect_code(0);
    assert!(run.headlines().is_empty(), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 episode, 2 chapters, 3 turns, 2 people"),
        "{}",
        run.stdout
    );

    // Without metadata: the keys to fill in, empty, which `check` then asks for.
    let bare = Site::empty();
    bare.write("ep.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n");
    let run = bare.run(&["import", "ep.srt"]);
    run.expect_code(0);
    let text = std::fs::read_to_string(bare.path().join("ep.txt")).unwrap();
    assert!(
        text.starts_with(
            "---\npodcast_name: \"\"  # fill in: text\nepisode_title: \"\"  # fill in: text\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("---\nTranscript\nSpeaker 00:00:01:\n\nHello there.\n\n"),
        "{text}"
    );

    // A file that cannot be read as a transcript is an error with its place; the
    // others are still written.
    bare.write("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHi\n");
    bare.write("good.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n");
    let run = bare.run(&["import", "bad.vtt", "good.vtt", "missing.vtt", "-o", "more"]);
    run.expect_code(1);
    let headlines = run.headlines();
    assert_eq!(headlines.len(), 2, "{}", run.stderr);
    assert!(
        headlines[0].starts_with("error: bad.vtt:3:24: malformed cue timing"),
        "{headlines:?}"
    );
    assert!(
        headlines[1].starts_with("error: missing.vtt: cannot read file"),
        "{headlines:?}"
    );
    assert!(bare.path().join("more/good.txt").is_file());
}

#[test]
fn one_bad_file_never_hides_the_others_and_metadata_is_not_published() {
    let site = Site::empty();
    site.write(
        "content/_defaults.yml",
        "podcast_name: The Peterman Pod\nhost_name: Ryan Peterman\n",
    )
    .write("content/good.vtt", VTT)
    .write("content/good.yml", SIDECAR)
    .write(
        "content/bad.srt",
        "1\n00:00:01,000 --> 00:00:02;000\nRyan: Hi\n",
    )
    .write(
        "content/bad.yml",
        "episode_title: Bad\nepisode_date: 2025-02-30\n",
    )
    .write("content/shapeless.json", "{\"results\": []}")
    .write(
        "content/shapeless.yml",
        "episode_title: S\nepisode_date: 2025-01-01\n",
    )
    .write("content/lonely.yml", "episode_title: Nobody\n")
    .write("content/s2/notes.txt", "Ryan 00:00:01: Hi.\n")
    .write(
        "content/s2/notes.yml",
        "episode_title: Notes\nepisode_date: 2025-03-01\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(1);
    assert_eq!(
        run.headlines(),
        [
            "error: content/bad.srt:2:24: malformed cue timing: expected digits",
            "error: content/bad.yml:2:15: episode_date \"2025-02-30\" is not a real date",
            "warning: content/lonely.yml: metadata file with no transcript beside it; it is ignored",
            "error: content/shapeless.json: JSON of unknown shape: no \"segments\" list",
        ],
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("2 episodes"), "{}", run.stdout);
    site.write(
        "content/bad.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nRyan: Hi\n",
    )
    .write(
        "content/bad.yml",
        "episode_title: Bad\nepisode_date: 2025-02-28\n",
    )
    .write(
        "content/shapeless.json",
        "{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"Hi\"}]}",
    );
    let run = site.run(&["build"]);
    run.expect_code(0);
    let published = walk(&site.path().join("public"));
    assert!(
        !published
            .iter()
            .any(|p| p.ends_with(".yml") || p.contains("_defaults")),
        "{published:?}"
    );
    assert!(run.stdout.contains("4 episodes"), "{}", run.stdout);
}

#[test]
fn a_warning_about_a_value_from_a_metadata_file_points_into_that_file() {
    let site = Site::empty();
    site.write(
        "content/_defaults.yml",
        "podcast_name: \"???\"\nhost_name: Ryan Peterman\n",
    )
    .write(
        "content/good.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n",
    )
    .write(
        "content/good.yml",
        "episode_title: \"!!!\"\nepisode_date: 2025-01-01\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    let says = "has no letters or digits to make a web address from";
    assert_eq!(
        run.headlines(),
        [
            format!(
                "warning: content/_defaults.yml:1:15: podcast_name \"???\" {says}; the show's slug is \"podcast\""
            ),
            format!(
                "warning: content/good.yml:1:16: episode_title \"!!!\" {says}; the episode is published at episodes/episode/"
            ),
        ],
        "{}",
        run.stderr
    );
}

#[cfg(feature = "serve")]
#[test]
fn serve_picks_up_sidecar_chapters_and_defaults_edits() {
    use crate::serve_client::{Server, save_by_rename};
    let site = Site::empty();
    let sidecar = "episode_title: Career story\nhost_name: Ryan Peterman\nguest_name: Stefan Mai\n\
                   episode_date: 15/08/2025\nspeakers:\n  SPEAKER_00: Ryan Peterman\n  SPEAKER_01: Stefan Mai\n";
    site.write("content/_defaults.yml", "podcast_name: The Peterman Pod\n")
        .write("content/ep.vtt", VTT)
        .write("content/ep.yml", sidecar);
    let mut server = Server::start(&site);
    let page = format!("{}episodes/career-story/", server.base);
    // Who speaks the turn at 0:00:05, by the person page it links.
    let speaker_at_5 = |body: &str| -> String {
        // Turn markup is written compact (`<div class=turn id=t-00-00-05>`); a
        // minifier may also drop or keep quotes, so both spellings are looked for.
        let turn = body
            .split("id=t-00-00-05")
            .nth(1)
            .or_else(|| body.split("id=\"t-00-00-05\"").nth(1))
            .unwrap_or("");
        let turn = turn.split("class=turn").next().unwrap_or("");
        let turn = turn.split("class=\"turn\"").next().unwrap_or("");
        turn.split("/people/")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("")
            .to_owned()
    };
    let first = server.wait_for(&page, "the episode", |r| {
        r.status == 200 && r.body.contains("The Peterman Pod")
    });
    assert_eq!(speaker_at_5(&first.body), "stefan-mai");
    // A speakers mapping changed in the sidecar.
    save_by_rename(
        &site.path().join("content/ep.yml"),
        &sidecar.replace("SPEAKER_01: Stefan Mai", "SPEAKER_01: Ryan Peterman"),
    );
    server.wait_for(&page, "the remapped speaker", |r| {
        speaker_at_5(&r.body) == "ryan-peterman"
    });
    // A default changed in the folder above: every episode below sees it.
    save_by_rename(
        &site.path().join("content/_defaults.yml"),
        "podcast_name: The Renamed Pod\n",
    );
    server.wait_for(&page, "the new show name", |r| {
        r.body.contains("The Renamed Pod")
    });
    // A chapters file appearing beside the transcript.
    site.write(
        "content/ep.chapters.json",
        r#"{"version": "1.2.0", "chapters": [{"startTime": 60, "title": "Becoming a manager"}]}"#,
    );
    server.wait_for(&page, "the new chapter", |r| {
        r.body.contains("Becoming a manager")
    });
}
