//! Podcast-native outputs of the sample (issue #6), built by the real binary:
//! the per-episode exports (chapters.json, transcript.json, WebVTT, SubRip, the
//! captions checked by independent npm parsers), the podcast-aware RSS feed (parsed
//! as XML), per-show feeds, JSON-LD and sharing meta, and in headless Chromium the
//! audio player's deep links.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Site, StaticServer, have_browser, repo, run_e2e, tool_missing};

/// The podcast namespace.
const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";
/// Longest a node script may run.
const LIMIT: Duration = Duration::from_secs(240);
/// The sample's only transcript file.
const SAMPLE_FILE: &str = "content/000_dbc843f6a71aa44d.txt";

/// Builds `site` for `https://example.org/archive/` into `<site>/out`, with every
/// export format on, and returns the folder of its only episode.
fn build(site: &Site) -> PathBuf {
    let toml = site.path().join("book.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap_or_default();
    config.push_str("\n[output.exports]\nchapters = true\nvtt = true\nsrt = true\njson = true\n");
    std::fs::write(&toml, config).unwrap();
    site.run(&[
        "build",
        "--site-url",
        "https://example.org/archive/",
        "-d",
        "out",
    ])
    .expect_code(0);
    only_episode(&site.path().join("out"))
}

fn only_episode(out: &Path) -> PathBuf {
    // `episodes/2025/` is the year's archive, not an episode.
    let dirs: Vec<PathBuf> = std::fs::read_dir(out.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !crate::support::is_year_dir(p))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.into_iter().next().unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The sample with `extra` front-matter lines added.
fn sample_with(extra: &str) -> Site {
    let site = Site::sample();
    let text = read(&site.path().join(SAMPLE_FILE));
    let text = text.replacen("---\n", &format!("---\n{extra}"), 1);
    site.write(SAMPLE_FILE, text);
    site
}

/// The text of every `<script type="application/ld+json">` element (the minifier
/// drops the quotes around the type).
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for open in [
        "<script type=application/ld+json>",
        "<script type=\"application/ld+json\">",
    ] {
        for rest in html.split(open).skip(1) {
            let j = rest.split("</script>").next().unwrap();
            out.push(serde_json::from_str(j).unwrap_or_else(|e| panic!("{e}: {j}")));
        }
    }
    out
}

#[test]
fn sample_exports_have_the_issues_counts() {
    let site = Site::sample();
    let ep = build(&site);
    let chapters = json(&ep.join("chapters.json"));
    assert_eq!(chapters["version"], "1.2.0");
    let list = chapters["chapters"].as_array().unwrap();
    assert_eq!(list.len(), 21);
    assert_eq!(list[0]["startTime"], 59);
    assert_eq!(list[0]["title"], "Early career at Amazon");
    assert!(
        list[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://example.org/archive/episodes/")
    );

    let transcript = json(&ep.join("transcript.json"));
    let segments = transcript["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 84);
    assert_eq!(segments[0]["speaker"], "Ryan Peterman");
    assert_eq!(segments[0]["startTime"], 59.0);
    // The last segment ends at episode_duration (91 minutes).
    assert_eq!(segments[83]["endTime"], 91.0 * 60.0);

    let vtt = read(&ep.join("transcript.vtt"));
    assert!(vtt.starts_with("WEBVTT\n"));
    assert_eq!(vtt.lines().filter(|l| l.contains(" --> ")).count(), 84);
}

#[test]
fn captions_pass_independent_parsers() {
    if !have_node_modules() {
        return;
    }
    let site = Site::sample();
    let ep = build(&site);
    let vtt = ep.join("transcript.vtt");
    let srt = ep.join("transcript.srt");
    let run = run_e2e(
        "captions.mjs",
        &[vtt.to_str().unwrap(), srt.to_str().unwrap()],
        LIMIT,
    );
    run.expect_success("node e2e/captions.mjs");
    let summary = run
        .output
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY "))
        .expect("no SUMMARY line");
    let summary: serde_json::Value = serde_json::from_str(summary).unwrap();
    assert_eq!(summary["vttCues"], 84);
    assert_eq!(summary["vttFirstStart"], 59);
    assert_eq!(summary["srtFirstStart"], 59);
    // A long turn becomes several SubRip cues (2 lines of 32 characters at most).
    assert!(summary["srtCues"].as_u64().unwrap() > 84, "{summary}");
}

/// node and `e2e/node_modules` (the caption parsers); see `tool_missing`.
fn have_node_modules() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node {
        return tool_missing("`node` is not on PATH");
    }
    for m in ["webvtt-parser", "srt-parser-2"] {
        if !repo().join("e2e/node_modules").join(m).is_dir() {
            return tool_missing(&format!(
                "e2e/node_modules/{m} is missing (run `npm ci` in e2e/)"
            ));
        }
    }
    true
}

/// The `podcast:` children of `node` named `name`.
fn podcast_tags<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| c.tag_name().namespace() == Some(PODCAST_NS) && c.tag_name().name() == name)
        .collect()
}

#[test]
fn feed_is_podcast_rss_with_absolute_urls() {
    let site = sample_with("audio_url: media/episode.mp3\n");
    let ep = build(&site);
    let slug = ep.file_name().unwrap().to_str().unwrap().to_owned();
    let page = format!("https://example.org/archive/episodes/{slug}/");
    let xml = read(&site.path().join("out/feed.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss");
    assert_eq!(rss.attribute("version"), Some("2.0"));
    assert_eq!(rss.lookup_namespace_uri(Some("podcast")), Some(PODCAST_NS));
    let channel = rss.children().find(|c| c.has_tag_name("channel")).unwrap();
    let items: Vec<_> = channel
        .children()
        .filter(|c| c.has_tag_name("item"))
        .collect();
    assert_eq!(items.len(), 1);
    let item = items[0];
    let text = |name: &str| {
        item.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(text("link"), page);
    assert_eq!(text("guid"), page);

    let transcripts: Vec<(&str, &str)> = podcast_tags(item, "transcript")
        .iter()
        .map(|t| (t.attribute("url").unwrap(), t.attribute("type").unwrap()))
        .collect();
    assert_eq!(
        transcripts,
        [
            (format!("{page}transcript.vtt").as_str(), "text/vtt"),
            (
                format!("{page}transcript.json").as_str(),
                "application/json"
            ),
            (
                format!("{page}transcript.srt").as_str(),
                "application/x-subrip"
            ),
        ]
    );
    let chapters = podcast_tags(item, "chapters");
    assert_eq!(chapters.len(), 1);
    assert_eq!(
        chapters[0].attribute("url"),
        Some(format!("{page}chapters.json").as_str())
    );
    assert_eq!(
        chapters[0].attribute("type"),
        Some("application/json+chapters")
    );
    let people: Vec<(&str, Option<&str>, &str)> = podcast_tags(item, "person")
        .iter()
        .map(|p| {
            (
                p.text().unwrap(),
                p.attribute("role"),
                p.attribute("href").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            (
                "Ryan Peterman",
                Some("host"),
                "https://example.org/archive/people/ryan-peterman/"
            ),
            (
                "Stefan Mai",
                Some("guest"),
                "https://example.org/archive/people/stefan-mai/"
            ),
        ]
    );
    let enclosure = item
        .children()
        .find(|c| c.has_tag_name("enclosure"))
        .unwrap();
    assert_eq!(
        enclosure.attribute("url"),
        Some("https://example.org/archive/media/episode.mp3")
    );
    assert_eq!(enclosure.attribute("type"), Some("audio/mpeg"));
    assert_eq!(enclosure.attribute("length"), Some("0"));
    // Every URL the feed names that points into the site was written by the build.
    for t in transcripts
        .iter()
        .map(|t| t.0)
        .chain([chapters[0].attribute("url").unwrap()])
    {
        let rel = t.strip_prefix("https://example.org/archive/").unwrap();
        assert!(site.path().join("out").join(rel).is_file(), "{t}");
    }
    // A single show has no per-show feed.
    assert!(!site.path().join("out/podcasts").exists());
}

#[test]
fn several_shows_get_their_own_feeds() {
    let site = Site::sample();
    let text = read(&site.path().join(SAMPLE_FILE))
        .replace("podcast_name: The Peterman Pod", "podcast_name: Other Show")
        .replace("episode_title: Intern", "episode_title: Other intern");
    site.write("content/other.txt", text);
    site.run(&["build", "--site-url", "https://example.org/", "-d", "out"])
        .expect_code(0);
    let out = site.path().join("out");
    for (slug, title) in [
        ("the-peterman-pod", "The Peterman Pod"),
        ("other-show", "Other Show"),
    ] {
        let xml = read(&out.join(format!("podcasts/{slug}/feed.xml")));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let channel = doc
            .descendants()
            .find(|n| n.has_tag_name("channel"))
            .unwrap();
        let title_el = channel
            .children()
            .find(|c| c.has_tag_name("title"))
            .unwrap();
        assert_eq!(title_el.text(), Some(title));
        let items = channel
            .children()
            .filter(|c| c.has_tag_name("item"))
            .count();
        assert_eq!(items, 1, "{slug}");
        let html = read(&out.join(format!("podcasts/{slug}/index.html")));
        assert!(
            html.contains(&format!("href=/podcasts/{slug}/feed.xml")),
            "the show page links its feed"
        );
    }
    let all = read(&out.join("feed.xml"));
    let doc = roxmltree::Document::parse(&all).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        2
    );
}

#[test]
fn structured_data_and_sharing_meta() {
    let site = sample_with("audio_url: https://cdn.example/ep.mp3\n");
    let ep = build(&site);
    let html = read(&ep.join("index.html"));
    let ld = json_ld(&html);
    assert_eq!(ld.len(), 1);
    let e = &ld[0];
    assert_eq!(e["@context"], "https://schema.org");
    assert_eq!(e["@type"], "PodcastEpisode");
    assert_eq!(e["partOfSeries"]["@type"], "PodcastSeries");
    assert_eq!(e["partOfSeries"]["name"], "The Peterman Pod");
    assert_eq!(e["duration"], "PT1H31M");
    assert_eq!(e["author"][0]["@type"], "Person");
    assert_eq!(e["author"][0]["name"], "Ryan Peterman");
    assert_eq!(e["contributor"][0]["name"], "Stefan Mai");
    assert_eq!(
        e["associatedMedia"]["contentUrl"],
        "https://cdn.example/ep.mp3"
    );
    let clips = e["hasPart"].as_array().unwrap();
    assert_eq!(clips.len(), 21);
    assert!(clips.iter().all(|c| c["@type"] == "Clip"));
    assert_eq!(clips[0]["startOffset"], 59);
    assert_eq!(clips[0]["endOffset"], clips[1]["startOffset"]);
    assert_eq!(clips[20]["endOffset"], 91 * 60);
    for needle in [
        "rel=canonical",
        "property=og:title",
        "property=og:url",
        "content=article property=og:type",
        "content=https://cdn.example/ep.mp3 property=og:audio",
        "name=twitter:card",
        "<audio class=player controls",
    ] {
        assert!(html.contains(needle), "{needle:?} not on the episode page");
    }
    let person = read(&site.path().join("out/people/stefan-mai/index.html"));
    let ld = json_ld(&person);
    assert_eq!(ld[0]["@type"], "Person");
    assert_eq!(ld[0]["name"], "Stefan Mai");
    assert_eq!(ld[0]["worksFor"]["name"], "Hello Interview");
    // Every page has a canonical link and OpenGraph meta.
    for page in ["index.html", "episodes/index.html", "topics/index.html"] {
        let html = read(&site.path().join("out").join(page));
        assert!(
            html.contains("rel=canonical") && html.contains("og:title"),
            "{page}"
        );
    }
}

#[test]
fn a_hostile_title_cannot_close_the_json_ld_script() {
    let hostile = "Oops </script><script>alert(1)</script> <!-- &";
    let site = Site::sample();
    let text = read(&site.path().join(SAMPLE_FILE)).replace(
        "episode_title: Intern to Microsoft Distinguished Engineer in 11 Promotions (Career Story)",
        &format!("episode_title: \"{hostile}\""),
    );
    site.write(SAMPLE_FILE, text);
    for minify in [true, false] {
        let mut args = vec!["build", "-d", "out"];
        if !minify {
            args.push("--no-minify");
        }
        site.run(&args).expect_code(0);
        let ep = only_episode(&site.path().join("out"));
        let html = read(&ep.join("index.html"));
        assert!(!html.contains("<script>alert"), "minify={minify}");
        assert_eq!(
            html.matches("</script>").count(),
            html.matches("<script").count()
        );
        let ld = json_ld(&html);
        assert_eq!(ld.len(), 1, "minify={minify}");
        assert_eq!(ld[0]["name"], hostile);
    }
}

#[test]
fn speaker_statistics_on_episode_and_person_pages() {
    let site = Site::sample();
    let ep = build(&site);
    let html = read(&ep.join("index.html"));
    // Stefan talks from 00:01:33 for most of the 91 minutes; Ryan asks the questions.
    assert!(
        html.contains("85% of the talk · 13,813 words · 40 turns"),
        "Stefan's line"
    );
    assert!(
        html.contains("15% of the talk · 2,265 words · 44 turns"),
        "Ryan's line"
    );
    assert!(
        html.contains("style=width:84.7%"),
        "a bar as wide as the share"
    );
    let person = read(&site.path().join("out/people/stefan-mai/index.html"));
    assert!(person.contains("across 1 episode"), "person totals");
    assert!(person.contains("13,813 words · 40 turns"));
}

/// A mono 8-bit WAV of `seconds` of silence at 4 kHz (Chromium's decoders accept
/// 3 kHz and up): 4 KB a second, so 45 minutes is about 11 MB.
fn silent_wav(seconds: u32) -> Vec<u8> {
    const RATE: u32 = 4000;
    let data = RATE * seconds;
    let mut w = Vec::with_capacity(data as usize + 44);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&RATE.to_le_bytes());
    w.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    w.extend_from_slice(&1u16.to_le_bytes()); // block align
    w.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data.to_le_bytes());
    w.resize(w.len() + data as usize, 128); // 8-bit PCM is unsigned: 128 is silence
    w
}

#[test]
fn static_server_answers_byte_ranges() {
    use std::io::{Read, Write};
    let site = Site::empty();
    site.write("out/a.bin", "0123456789");
    let server = StaticServer::start(&site.path().join("out"), "/");
    let get = |range: &str| {
        let url = server.url();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET /a.bin HTTP/1.1\r\nHost: x\r\nRange: {range}\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    };
    let r = get("bytes=2-4");
    assert!(r.starts_with("HTTP/1.1 206"), "{r}");
    assert!(
        r.contains("Content-Range: bytes 2-4/10") && r.ends_with("\r\n\r\n234"),
        "{r}"
    );
    assert!(get("bytes=7-").ends_with("789"));
    assert!(get("bytes=-2").ends_with("89"));
    assert!(get("bytes=20-").starts_with("HTTP/1.1 416"));
}

#[test]
fn timestamps_seek_the_audio_player_in_chromium() {
    if !have_browser() {
        return;
    }
    // One sample built twice under one server: with audio (a silent WAV, long enough
    // for 00:41:12, copied from static/) and without.
    let with = sample_with("audio_url: audio/silence.wav\n");
    with.write("static/audio/silence.wav", silent_wav(45 * 60));
    let www = with.path().join("www");
    with.run(&["build", "--site-url", "/audio/", "-d", "www/audio"])
        .expect_code(0);
    let without = Site::sample();
    let plain_out = www.join("plain");
    without
        .run(&[
            "build",
            "--site-url",
            "/plain/",
            "-d",
            plain_out.to_str().unwrap(),
        ])
        .expect_code(0);
    let slug = only_episode(&www.join("audio"))
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let server = StaticServer::start(&www, "/");
    let a = format!("{}audio/episodes/{slug}/", server.url());
    let b = format!("{}plain/episodes/{slug}/", server.url());
    run_e2e("audio.mjs", &[&a, &b, "84"], LIMIT).expect_success("node e2e/audio.mjs");
}

/// Each `[output.exports]` key, alone and with the others: its file is beside the
/// episode page exactly when the page and the feed link it.
#[test]
fn each_export_key_adds_and_removes_its_files_and_links_together() {
    let formats = [
        ("chapters", "chapters.json"),
        ("vtt", "transcript.vtt"),
        ("srt", "transcript.srt"),
        ("json", "transcript.json"),
    ];
    let site = Site::sample();
    let base = read(&site.path().join("book.toml"));
    let build_with = |on: &[&str]| -> PathBuf {
        let mut toml = format!("{base}\n[output.exports]\n");
        for (key, _) in formats {
            toml.push_str(&format!("{key} = {}\n", on.contains(&key)));
        }
        site.write("book.toml", toml);
        // Built twice into the same folder: a format turned off must leave no file behind.
        site.run(&[
            "build",
            "--site-url",
            "https://example.org/archive/",
            "-d",
            "out",
        ])
        .expect_code(0);
        only_episode(&site.path().join("out"))
    };
    // The default: chapters.json alone.
    site.run(&[
        "build",
        "--site-url",
        "https://example.org/archive/",
        "-d",
        "out",
    ])
    .expect_code(0);
    let ep = only_episode(&site.path().join("out"));
    let names = |ep: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(ep)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "index.html")
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&ep), ["chapters.json"]);
    for everything in [true, false] {
        for (key, _) in formats {
            let on: Vec<&str> = if everything {
                formats
                    .iter()
                    .map(|(k, _)| *k)
                    .filter(|k| *k != key)
                    .collect()
            } else {
                vec![key]
            };
            let ep = build_with(&on);
            let written = names(&ep);
            let page = read(&ep.join("index.html"));
            let feed = read(&site.path().join("out/feed.xml"));
            for (k, f) in formats {
                let expect = on.contains(&k);
                assert_eq!(
                    written.iter().any(|n| n == f),
                    expect,
                    "{on:?}: {f} on disk"
                );
                assert_eq!(page.contains(f), expect, "{on:?}: {f} linked from the page");
                assert_eq!(feed.contains(f), expect, "{on:?}: {f} in the feed");
            }
        }
    }
    // With nothing on, the feed item has neither transcript nor chapters tags.
    let ep = build_with(&[]);
    assert!(names(&ep).is_empty());
    let feed = read(&site.path().join("out/feed.xml"));
    assert!(!feed.contains("podcast:transcript") && !feed.contains("podcast:chapters"));
}

/// Every site URL a feed names (channel and item links, `atom:link`, transcripts,
/// chapters, people), in the main feed, each show's feed and each term feed, is a file
/// of the built site: with the default exports and with every format on.
#[test]
fn every_url_in_every_feed_resolves_to_a_file() {
    let site = Site::sample();
    if !crate::support::generate(12, &site.path().join("content/generated")) {
        return;
    }
    let origin = "https://example.org/archive/";
    for exports in [
        "",
        "\n[output.exports]\nvtt = true\nsrt = true\njson = true\n",
    ] {
        let toml = site.path().join("book.toml");
        let base = std::fs::read_to_string(&toml).unwrap_or_default();
        std::fs::write(&toml, format!("{base}{exports}")).unwrap();
        site.run(&["build", "--site-url", origin, "-d", "out"])
            .expect_code(0);
        std::fs::write(&toml, base).unwrap();
        let out = site.path().join("out");
        let feeds: Vec<PathBuf> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| p.file_name().is_some_and(|n| n == "feed.xml"))
            .collect();
        // The main feed, a feed per show (the generated corpus has several) and the
        // term feeds of the sample's `companies` taxonomy.
        assert!(feeds.len() > 3, "{feeds:?}");
        let mut checked = 0;
        for feed in &feeds {
            let xml = read(feed);
            let urls = xml
                .split(origin)
                .skip(1)
                .map(|rest| rest.split(['"', '<', '\'']).next().unwrap_or_default());
            for url in urls {
                let path = url.split('#').next().unwrap_or_default();
                let file = if path.is_empty() || path.ends_with('/') {
                    out.join(path).join("index.html")
                } else {
                    out.join(path)
                };
                assert!(
                    file.is_file(),
                    "{}: {origin}{url} is no file",
                    feed.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} URLs found");
    }
}
