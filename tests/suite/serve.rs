//! `castbook serve` end to end: a real server on a free loopback port, driven by a raw
//! HTTP/1.1 client over `TcpStream` (so paths go out exactly as written, never
//! normalised). Nothing is timed: every wait polls until a generous deadline.

use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::serve_client::{DEADLINE, Server, get, save_by_rename};
use crate::support::{Site, have_browser, run_e2e};

/// The first episode page linked from the episode list.
fn first_episode(server: &Server) -> String {
    let list = server.get(&format!("{}episodes/", server.base));
    assert_eq!(list.status, 200, "{}", list.head);
    let prefix = format!("href=\"{}episodes/", server.base);
    list.body
        .match_indices(&prefix)
        .map(|(at, _)| {
            let start = at + "href=\"".len();
            let end = start + list.body[start..].find('"').expect("closing quote");
            list.body[start..end].to_owned()
        })
        // Not the link to the list itself, nor a year's archive (`episodes/2025/`).
        .find(|href| {
            let rest = &href[prefix.len() - "href=\"".len()..];
            !rest.is_empty()
                && !rest
                    .trim_end_matches('/')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        })
        .expect("an episode link")
}

fn transcript(site: &Site) -> std::path::PathBuf {
    std::fs::read_dir(site.path().join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a transcript in the sample")
}

const OVERLAY: &str = "castbook-error-overlay";

#[test]
fn serve_rebuilds_shows_errors_and_refuses_traversal() {
    let site = Site::sample();
    site.write("secret.txt", "TOP-SECRET-FILE");
    let mut server = Server::start(&site);
    let page = first_episode(&server);

    let first = server.get(&page);
    assert_eq!(first.status, 200, "{}", first.head);
    assert!(first.body.contains("senior manager in big tech"));
    // Live reload lives in served pages only, never in what `build` writes.
    assert!(first.body.contains("/_tower-livereload/event-stream"));
    let on_disk = std::fs::read_to_string(
        site.path()
            .join("public")
            .join(page.trim_start_matches('/'))
            .join("index.html"),
    )
    .unwrap();
    assert!(!on_disk.contains("tower-livereload"));
    assert_eq!(first.header("cache-control"), Some("no-store"));

    // An edit shows up.
    let file = transcript(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let edited = original.replace(
        "senior manager in big tech",
        "senior manager CASTBOOK-EDIT-ONE",
    );
    save_by_rename(&file, &edited);
    server.wait_for(&page, "the edited text", |r| {
        r.status == 200 && r.body.contains("CASTBOOK-EDIT-ONE")
    });

    // A content error keeps the last good site, with the error over it.
    let broken = edited.replace("episode_date: 15/08/2025", "episode_date: 31/02/2025");
    assert_ne!(
        broken, edited,
        "the sample's date line changed; update this test"
    );
    std::fs::write(&file, &broken).unwrap();
    let shown = server.wait_for(&page, "the error overlay", |r| r.body.contains(OVERLAY));
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains("CASTBOOK-EDIT-ONE"),
        "old site still served"
    );
    assert!(
        shown.body.contains("31/02/2025"),
        "the overlay names the bad date"
    );
    assert!(
        shown.body.contains("content/"),
        "the overlay names the file"
    );
    // Every HTML page carries it, the 404 page too.
    let missing = server.get(&format!("{}no-such-page/", server.base));
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains(OVERLAY));

    // Fixing it removes the overlay and shows the fix.
    let fixed = edited.replace("CASTBOOK-EDIT-ONE", "CASTBOOK-EDIT-TWO");
    save_by_rename(&file, &fixed);
    let good = server.wait_for(&page, "the fixed page", |r| {
        r.body.contains("CASTBOOK-EDIT-TWO") && !r.body.contains(OVERLAY)
    });
    assert_eq!(good.status, 200);

    probe_traversal(&server, &site);
    probe_malformed(&mut server, &page);
}

fn probe_traversal(server: &Server, site: &Site) {
    // A symlink planted in the output, leading out of it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.path().join("secret.txt"),
        site.path().join("public/leak.txt"),
    )
    .unwrap();
    let port = server.port;
    let targets = [
        "/../secret.txt".to_owned(),
        "/../book.toml".to_owned(),
        "/../../../../../../etc/passwd".to_owned(),
        "/%2e%2e/secret.txt".to_owned(),
        "/%2E%2E/secret.txt".to_owned(),
        "/..%2fsecret.txt".to_owned(),
        "/%2e%2e%2fsecret.txt".to_owned(),
        "/%252e%252e/secret.txt".to_owned(),
        "/%252e%252e%252fsecret.txt".to_owned(),
        "/..\\secret.txt".to_owned(),
        "/%2e%2e%5csecret.txt".to_owned(),
        "/%c0%ae%c0%ae/secret.txt".to_owned(),
        "/episodes/../../secret.txt".to_owned(),
        "/leak.txt".to_owned(),
        "/.castbook-output".to_owned(),
        "//secret.txt".to_owned(),
        format!("http://127.0.0.1:{port}/../secret.txt"),
        format!("http://127.0.0.1:{port}/%2e%2e/secret.txt"),
    ];
    for target in &targets {
        let resp = server.get(target);
        assert!(
            resp.status != 200 && resp.status != 0,
            "{target} answered {}\n{}",
            resp.status,
            resp.head
        );
        for leaked in ["TOP-SECRET-FILE", "[book]", "root:x:0"] {
            assert!(!resp.body.contains(leaked), "{target} leaked {leaked}");
        }
    }
}

fn probe_malformed(server: &mut Server, page: &str) {
    let port = server.port;
    for request in [
        "GARBAGE\r\n\r\n".to_owned(),
        format!("GET /\0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        format!("GET /%zz%%% HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
        format!(
            "GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
            "a".repeat(200_000)
        ),
        format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}\r\n",
            "X-A: b\r\n".repeat(5000)
        ),
    ] {
        let resp = server.raw(&request);
        assert_ne!(resp.status, 200, "{}", &request[..request.len().min(60)]);
    }
    // Another site's name for this address (DNS rebinding) is refused.
    let rebound = server.raw(&format!(
        "GET {page} HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(rebound.status, 403);
    // An idle connection (no request at all) holds up nobody.
    let _idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let after = server.get(page);
    assert_eq!(after.status, 200, "still serving after malformed requests");
}

#[test]
fn serve_mounts_the_site_under_its_base_path() {
    let site = Site::sample();
    let toml = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write(
        "book.toml",
        toml.replace(
            "site-url = \"/\"",
            "site-url = \"https://user.github.io/show/\"",
        ),
    );
    let server = Server::start(&site);
    assert_eq!(server.base, "/show/");
    let home = server.get("/show/");
    assert_eq!(home.status, 200, "{}", home.head);
    assert!(
        home.body.contains("href=\"/show/"),
        "links carry the base path"
    );
    let root = server.get("/");
    assert_eq!(root.status, 307);
    assert_eq!(root.header("location"), Some("/show/"));
    let bare = server.get("/show");
    assert_eq!(bare.header("location"), Some("/show/"));
    // Outside the base path is outside the site, as on GitHub Pages.
    assert_eq!(server.get("/episodes/").status, 404);
    let page = first_episode(&server);
    assert!(page.starts_with("/show/episodes/"), "{page}");
    let folder = server.get(page.trim_end_matches('/'));
    assert_eq!(folder.status, 307);
    assert_eq!(folder.header("location"), Some(page.as_str()));
    assert_eq!(server.get(&page).status, 200);
}

#[test]
fn serve_survives_an_edit_storm() {
    let site = Site::sample();
    let mut server = Server::start(&site);
    let page = first_episode(&server);
    let file = transcript(&site);
    let original = std::fs::read_to_string(&file).unwrap();
    let port = server.port;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (requests, failures) = std::thread::scope(|scope| {
        // A reader keeps fetching the page: every answer must be a whole page.
        let reader = scope.spawn(|| {
            let (mut requests, mut failures) = (0, Vec::new());
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = get(port, &page);
                requests += 1;
                let length = r.header("content-length").and_then(|v| v.parse().ok());
                if r.status != 200 || length != Some(r.body_len) || !r.body.contains("</html>") {
                    failures.push(format!(
                        "{} {:?} vs {}\n{}",
                        r.status, length, r.body_len, r.head
                    ));
                }
            }
            (requests, failures)
        });
        // Dozens of saves within a few seconds, every third one invalid.
        for i in 0..30 {
            let text = if i % 3 == 2 {
                original.replace("episode_date: 15/08/2025", "episode_date: 31/02/2025")
            } else {
                original.replace("senior manager in big tech", &format!("STORM-{i}-EDIT"))
            };
            if i % 2 == 0 {
                save_by_rename(&file, &text);
            } else {
                std::fs::write(&file, &text).unwrap();
            }
            std::thread::sleep(Duration::from_millis(60));
        }
        save_by_rename(
            &file,
            &original.replace("senior manager in big tech", "STORM-LAST"),
        );
        server.wait_for(&page, "the last edit", |r| {
            r.body.contains("STORM-LAST") && !r.body.contains(OVERLAY)
        });
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap()
    });
    assert!(requests > 10, "the reader barely ran ({requests} requests)");
    assert!(
        failures.is_empty(),
        "{} of {requests} answers were not whole pages:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A small transcript: one show, one host, `guest`, and one chapter per title.
fn small_transcript(title: &str, date: &str, guest: &str, chapters: &[&str], text: &str) -> String {
    let mut out = format!(
        "---\npodcast_name: Test Show\nguest_name: {guest}\nhost_name: Hana Host\n\
         episode_date: {date}\nepisode_title: {title}\n---\n"
    );
    for (i, chapter) in chapters.iter().enumerate() {
        let first = guest.split_whitespace().next().unwrap_or(guest);
        out.push_str(&format!(
            "### {chapter}\nHana 00:0{i}:00:\n\nAsking about {chapter}.\n\n{first} 00:0{i}:30:\n\n{text}\n\n"
        ));
    }
    out
}

/// Identity and modification time of a file: a rewrite (even identical bytes) changes them.
fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((inode, meta.modified().ok()?))
}

/// How many rebuilds serve has reported as finished (written or not).
fn builds_done(server: &Server) -> usize {
    server
        .log()
        .lines()
        .filter(|l| l.starts_with("built ") || l.starts_with("not rebuilt"))
        .count()
}

#[test]
fn serve_rebuilds_only_the_pages_an_edit_feeds() {
    let site = Site::empty();
    site.write(
        "book.toml",
        "[book]\ntitle = \"Inc\"\n[output.exports]\nvtt = true\n",
    )
    .write(
        "content/a.txt",
        small_transcript(
            "Alpha Episode",
            "03/03/2025",
            "Ada Lovelace",
            &["Compilers", "Hiring"],
            "ALPHA-ORIGINAL words.",
        ),
    )
    .write(
        "content/b.txt",
        small_transcript(
            "Beta Episode",
            "02/02/2025",
            "Bob Builder",
            &["Compilers", "Databases"],
            "Beta words.",
        ),
    )
    .write(
        "content/c.txt",
        small_transcript(
            "Gamma Episode",
            "01/01/2025",
            "Cy Young",
            &["Testing"],
            "Gamma words.",
        ),
    );
    let mut server = Server::start(&site);
    let public = site.path().join("public");
    let file = |rel: &str| public.join(rel);
    let alpha = format!("{}episodes/alpha-episode/", server.base);
    assert_eq!(server.get(&alpha).status, 200, "{}", server.log());
    for rel in [
        "people/cy-young/index.html",
        "topics/testing/index.html",
        "topics/compilers/index.html",
        "episodes/gamma-episode/transcript.vtt",
    ] {
        assert!(file(rel).is_file(), "{rel} missing\n{}", server.log());
    }
    // Never fed by episode A: Gamma's guest, topic and exports.
    let unrelated = [
        "people/cy-young/index.html",
        "topics/testing/index.html",
        "episodes/gamma-episode/transcript.vtt",
    ];
    // Show A's list row (its card): title, date, guests.
    let listing_a = [
        "topics/compilers/index.html",
        "people/ada-lovelace/index.html",
        "people/hana-host/index.html",
        "episodes/index.html",
        "index.html",
        "feed.xml",
    ];
    let own_a = [
        "episodes/alpha-episode/index.html",
        "episodes/alpha-episode/transcript.vtt",
    ];
    let stamps = |list: &[&str]| -> Vec<_> { list.iter().map(|rel| stamp(&file(rel))).collect() };
    let check = |server: &Server, list: &[&str], before: &[_], rewritten: bool| {
        for (rel, was) in list.iter().zip(before) {
            assert_eq!(
                stamp(&file(rel)) != *was,
                rewritten,
                "{rel} should {}have been rewritten\n{}",
                if rewritten { "" } else { "not " },
                server.log()
            );
        }
    };

    // Editing words inside a transcript (not a chapter's first turn, which topic pages
    // quote) rewrites that episode's page and exports, and nothing that lists it.
    let (unrelated_0, listing_0, own_0) = (stamps(&unrelated), stamps(&listing_a), stamps(&own_a));
    let built = builds_done(&server);
    let a = site.path().join("content/a.txt");
    let text = std::fs::read_to_string(&a).unwrap();
    save_by_rename(&a, &text.replace("ALPHA-ORIGINAL", "ALPHA-EDITED"));
    server.wait_for(&alpha, "the edited episode", |r| {
        r.body.contains("ALPHA-EDITED")
    });
    server.poll("the rebuild to finish", |s| {
        (builds_done(s) > built).then_some(())
    });
    check(&server, &own_a, &own_0, true);
    check(&server, &listing_a, &listing_0, false);
    check(&server, &unrelated, &unrelated_0, false);
    let vtt = std::fs::read_to_string(file("episodes/alpha-episode/transcript.vtt")).unwrap();
    assert!(vtt.contains("ALPHA-EDITED"), "exports follow the edit");

    // Changing what A's list row shows (its date) rewrites every page listing it.
    let (listing_1, unrelated_1) = (stamps(&listing_a), stamps(&unrelated));
    let built = builds_done(&server);
    let text = std::fs::read_to_string(&a).unwrap();
    save_by_rename(&a, &text.replace("03/03/2025", "04/03/2025"));
    server.poll("the date rebuild", |s| {
        (builds_done(s) > built).then_some(())
    });
    check(&server, &listing_a, &listing_1, true);
    check(&server, &unrelated, &unrelated_1, false);
    assert!(
        server
            .get(&format!("{}episodes/", server.base))
            .body
            .contains("4 March 2025")
    );

    // Renaming a chapter moves it from one topic page to another.
    let compilers = format!("{}topics/compilers/", server.base);
    let testing = format!("{}topics/testing/", server.base);
    assert!(server.get(&compilers).body.contains("Alpha Episode"));
    assert!(!server.get(&testing).body.contains("Alpha Episode"));
    let built = builds_done(&server);
    let text = std::fs::read_to_string(&a).unwrap();
    save_by_rename(&a, &text.replace("### Compilers", "### Testing"));
    server.poll("the rename rebuild", |s| {
        (builds_done(s) > built).then_some(())
    });
    let moved = server.get(&testing);
    assert!(moved.body.contains("Alpha Episode"), "{}", server.log());
    let left = server.get(&compilers);
    assert_eq!(left.status, 200, "Beta still has a Compilers chapter");
    assert!(!left.body.contains("Alpha Episode"));
    assert!(left.body.contains("Beta Episode"));

    // Deleting a transcript removes its pages and exports.
    let gamma = format!("{}episodes/gamma-episode/", server.base);
    let built = builds_done(&server);
    std::fs::remove_file(site.path().join("content/c.txt")).unwrap();
    server.poll("the deletion rebuild", |s| {
        (builds_done(s) > built).then_some(())
    });
    assert_eq!(server.get(&gamma).status, 404, "{}", server.log());
    assert_eq!(
        server
            .get(&format!("{}people/cy-young/", server.base))
            .status,
        404
    );
    assert!(!file("episodes/gamma-episode").exists());
    assert!(
        !server
            .get(&format!("{}episodes/", server.base))
            .body
            .contains("Gamma Episode")
    );
    assert_eq!(server.get(&alpha).status, 200);
}

#[test]
fn an_open_page_reloads_by_itself_in_chromium_after_an_edit() {
    if !have_browser() {
        return;
    }
    let site = Site::sample();
    let server = Server::start(&site);
    let page = first_episode(&server);
    let url = format!("http://127.0.0.1:{}{page}", server.port);
    let file = transcript(&site);
    let file = file.to_string_lossy();
    let run = run_e2e(
        "livereload.mjs",
        &[
            &url,
            &file,
            "senior manager in big tech",
            "CASTBOOK-LIVE-RELOADED",
        ],
        DEADLINE * 4,
    );
    if run.code != Some(0) {
        eprintln!("--- server output\n{}", server.log());
    }
    run.expect_success("node e2e/livereload.mjs");
}

#[test]
fn serve_rerenders_every_page_after_a_theme_edit() {
    let site = Site::sample();
    site.run(&["init", "--theme"]).expect_code(0);
    let base_html = site.path().join("themes/default/templates/base.html");
    let template = std::fs::read_to_string(&base_html).unwrap();
    assert!(
        template.contains("</footer>"),
        "the theme's base.html changed; update this test"
    );
    let mut server = Server::start(&site);
    let page = first_episode(&server);
    let home = server.base.clone();
    assert!(!server.get(&home).body.contains("THEME-EDIT-MARK"));
    let built = builds_done(&server);
    save_by_rename(
        &base_html,
        &template.replace("</footer>", "THEME-EDIT-MARK</footer>"),
    );
    server.poll("the theme rebuild", |s| {
        (builds_done(s) > built).then_some(())
    });
    for target in [&home, &page, &format!("{home}topics/")] {
        let r = server.get(target);
        assert!(
            r.body.contains("THEME-EDIT-MARK"),
            "{target}\n{}",
            server.log()
        );
    }
    // A broken template keeps the site and shows the error.
    save_by_rename(
        &base_html,
        &template.replace("</footer>", "{% if %}</footer>"),
    );
    let shown = server.wait_for(&page, "the theme error overlay", |r| {
        r.body.contains(OVERLAY)
    });
    assert!(
        shown.body.contains("THEME-EDIT-MARK"),
        "old pages still served"
    );
    save_by_rename(&base_html, &template);
    server.wait_for(&page, "the fixed theme", |r| {
        !r.body.contains(OVERLAY) && !r.body.contains("THEME-EDIT-MARK")
    });
}
