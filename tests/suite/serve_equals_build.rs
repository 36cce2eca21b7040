//! Issue #14's sequence, as a user would try it: `castbook serve` on the sample plus 60
//! generated transcripts, eight ordinary saves (words in a turn, a new turn, a date, a
//! chapter rename, a guest fact, a deleted transcript, a new transcript, a turn given
//! to another speaker), then `castbook build --no-minify --site-url <serve's origin>`
//! of the same sources: the two folders must not differ in a single file. Each save
//! waits until serve has rebuilt, and the comparison until the search index is
//! updated (serve brings it up to date once edits go quiet).

use std::path::Path;

use crate::serve_client::{Server, save_by_rename};
use crate::support::{Site, generate, tree};

/// How many rebuilds (written or not) serve has reported.
fn builds(server: &Server) -> usize {
    server
        .log()
        .lines()
        .filter(|l| l.starts_with("built ") || l.starts_with("not rebuilt"))
        .count()
}

/// True once the search index was updated after the last rebuild, and no change is
/// pending: what serve serves then is complete.
fn caught_up(server: &Server) -> bool {
    let log = server.log();
    let lines: Vec<&str> = log.lines().collect();
    let last = |prefix: &str| lines.iter().rposition(|l| l.starts_with(prefix));
    match (
        last("search index updated"),
        last("built "),
        last("changed: "),
    ) {
        (Some(indexed), Some(built), changed) => {
            indexed > built && changed.is_none_or(|c| c < indexed)
        }
        _ => false,
    }
}

/// A save as the user makes it, and what it is.
type Save<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// `text` with its first occurrence of `from` replaced; fails if there is none.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not found");
    text.replacen(from, to, 1)
}

#[test]
fn eight_saves_under_serve_leave_what_a_build_makes() {
    let site = Site::sample();
    let generated = site.path().join("content/generated");
    if !generate(60, &generated) {
        return;
    }
    let mut server = Server::start(&site);
    let mut names: Vec<_> = std::fs::read_dir(&generated)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    let sample = site.path().join("content/000_dbc843f6a71aa44d.txt");
    let turn = |text: &str| {
        // The first turn line of a generated transcript, and its speaker's label.
        let line = text
            .lines()
            .find(|l| l.ends_with(':') && l.contains(" 00:"))
            .unwrap()
            .to_owned();
        let speaker = line.split(' ').next().unwrap().to_owned();
        (line, speaker)
    };
    let saves: Vec<Save<'_>> = vec![
        (
            "words in a turn",
            Box::new(|| {
                let t = read(&sample);
                save_by_rename(
                    &sample,
                    &edit(
                        &t,
                        "senior manager in big tech",
                        "senior manager at a big company",
                    ),
                );
            }),
        ),
        (
            "a new turn",
            Box::new(|| {
                let t = read(&names[0]);
                let (_, speaker) = turn(&t);
                let more = format!("{}\n{speaker} 09:59:00:\n\nOne more thing.\n", t.trim_end());
                save_by_rename(&names[0], &more);
            }),
        ),
        (
            "a date",
            Box::new(|| {
                let t = read(&names[1]);
                let line = t.lines().find(|l| l.starts_with("episode_date: ")).unwrap();
                save_by_rename(&names[1], &edit(&t, line, "episode_date: 01/01/2020"));
            }),
        ),
        (
            "a chapter rename",
            Box::new(|| {
                let t = read(&names[2]);
                let heading = t.lines().find(|l| l.starts_with("### ")).unwrap();
                std::fs::write(
                    &names[2],
                    edit(&t, heading, "### A chapter renamed under serve"),
                )
                .unwrap();
            }),
        ),
        (
            "a guest fact",
            Box::new(|| {
                let t = read(&sample);
                let line = t.lines().find(|l| l.starts_with("biggest_role: ")).unwrap();
                save_by_rename(
                    &sample,
                    &edit(&t, line, "biggest_role: Distinguished Engineer"),
                );
            }),
        ),
        (
            "a deleted transcript",
            Box::new(|| std::fs::remove_file(&names[3]).unwrap()),
        ),
        (
            "a new transcript",
            Box::new(|| {
                let t = read(&names[4]);
                let title = t
                    .lines()
                    .find(|l| l.starts_with("episode_title: "))
                    .unwrap();
                let new = edit(&t, title, "episode_title: A brand new episode under serve");
                save_by_rename(&generated.join("zzz-new.txt"), &new);
            }),
        ),
        (
            "a turn given to another speaker",
            Box::new(|| {
                let t = read(&names[5]);
                let (line, speaker) = turn(&t);
                let host = t
                    .lines()
                    .find_map(|l| l.strip_prefix("host_name: "))
                    .unwrap()
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .to_owned();
                let other = if speaker == host {
                    "Producer".to_owned()
                } else {
                    host
                };
                let given = line.replacen(&speaker, &other, 1);
                save_by_rename(&names[5], &edit(&t, &line, &given));
            }),
        ),
    ];
    for (what, save) in &saves {
        let before = builds(&server);
        save();
        server.poll(&format!("the rebuild after {what}"), |s| {
            (builds(s) > before).then_some(())
        });
    }
    server.poll("the search index to catch up", |s| {
        caught_up(s).then_some(())
    });
    assert!(!server.log().contains("not rebuilt"), "{}", server.log());
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let site_url = format!("http://127.0.0.1:{}/", server.port);
    site.run(&[
        "build",
        "--no-minify",
        "--site-url",
        &site_url,
        "-d",
        dest.to_str().unwrap(),
    ])
    .expect_code(0);
    let (served, built) = (tree(&site.path().join("public")), tree(&dest));
    let mut differ: Vec<String> = served
        .iter()
        .filter(|(rel, content)| built.get(*rel) != Some(*content))
        .map(|(rel, _)| format!("served differs or only served: {rel}"))
        .collect();
    differ.extend(
        built
            .keys()
            .filter(|rel| !served.contains_key(*rel))
            .map(|rel| format!("only built: {rel}")),
    );
    assert!(
        differ.is_empty(),
        "{} files differ:\n{}\n--- server\n{}",
        differ.len(),
        differ[..differ.len().min(20)].join("\n"),
        server.log()
    );
}
