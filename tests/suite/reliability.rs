//! Issue #8, "nothing panics, nothing is lost": faults and hostile inputs against the
//! real binary. A build killed at any moment, a full or read-only disk, `check` and
//! `build` next to sources they must not touch, hostile transcripts, book.toml files and
//! themes, non-UTF-8 file names, and inputs at hostile sizes. Nothing here is timed:
//! kill points are spread over a measured build, and the size tests only require that
//! the build finishes (bench/scale.sh reports the times).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::support::{Run, Site, repo};

/// The sample transcript, copied under other titles to make a corpus of any size.
const SEED: &str = "content/000_dbc843f6a71aa44d.txt";
const SEED_TITLE: &str =
    "episode_title: Intern to Microsoft Distinguished Engineer in 11 Promotions (Career Story)";

/// One entry of a folder snapshot: a file's length and content hash, a folder, or a
/// symlink's target. With `times`, files also carry their modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    File(u64, u64, Option<std::time::SystemTime>),
    Dir,
    Link(PathBuf),
}

/// Every entry under `dir` (relative paths, sorted), without following symlinks.
/// Paths for which `skip` is true (relative to `dir`) are left out with their contents,
/// and so is castbook's record of the folder.
fn snapshot(dir: &Path, times: bool, skip: &dyn Fn(&str) -> bool) -> BTreeMap<String, Node> {
    fn walk(
        base: &Path,
        dir: &Path,
        times: bool,
        skip: &dyn Fn(&str) -> bool,
        out: &mut BTreeMap<String, Node>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            // castbook's record of the folder holds modification times: not the site.
            if skip(&rel) || rel == castbook::output::record::RECORD {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, Node::Link(std::fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Node::Dir);
                walk(base, &path, times, skip, out);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let mut h = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut h);
                let mtime = times.then(|| meta.modified().unwrap());
                out.insert(rel, Node::File(bytes.len() as u64, h.finish(), mtime));
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, times, skip, &mut out);
    }
    out
}

fn no_skip(_: &str) -> bool {
    false
}

/// Short description of how two snapshots differ, for failure messages.
fn diff(a: &BTreeMap<String, Node>, b: &BTreeMap<String, Node>) -> String {
    let mut lines = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => lines.push(format!("- {k}")),
            Some(w) if w != v => lines.push(format!("~ {k}")),
            _ => {}
        }
    }
    lines.extend(
        b.keys()
            .filter(|k| !a.contains_key(*k))
            .map(|k| format!("+ {k}")),
    );
    let n = lines.len();
    lines.truncate(12);
    format!("{n} differences, e.g.\n{}", lines.join("\n"))
}

/// Asserts that a run ended as a diagnosed failure (exit 1 or 2), never a crash.
fn assert_diagnosed(run: &Run, what: &str) {
    assert!(
        run.code == 1 || run.code == 2,
        "{what}: exit {} (a signal or panic?)\n{}",
        run.code,
        run.stderr
    );
    assert_no_panic(run, what);
    assert!(
        run.stderr.lines().any(|l| l.starts_with("error")),
        "{what}: no error printed\n{}",
        run.stderr
    );
}

fn assert_no_panic(run: &Run, what: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "stack overflow", "SIGSEGV"] {
        assert!(!run.stderr.contains(bad), "{what}: {bad}\n{}", run.stderr);
    }
}

/// A site of `n` copies of the sample transcript, each under its own title.
fn corpus_site(n: usize) -> Site {
    let site = Site::empty();
    let seed = std::fs::read_to_string(repo().join(SEED)).unwrap();
    assert!(seed.contains(SEED_TITLE), "the sample's title changed");
    for i in 0..n {
        site.write(
            &format!("content/ep{i:03}.txt"),
            seed.replace(SEED_TITLE, &format!("episode_title: Episode number {i}")),
        );
    }
    site
}

// ---------------------------------------------------------------------------
// Nothing is lost

/// SIGKILL at points spread over a whole build, each during a real change of the site
/// (the content alternates between two versions): afterwards DEST is exactly the
/// previous site or exactly the new one, and the next build recovers.
#[test]
fn a_build_killed_at_any_point_leaves_the_old_site_or_the_new_one() {
    let site = corpus_site(12);
    let extra = "content/zz-extra.txt";
    let seed = std::fs::read_to_string(repo().join(SEED)).unwrap();
    let extra_text = seed
        .replace(SEED_TITLE, "episode_title: The extra episode")
        .replace("big tech", "KILL-TEST-EDIT");
    let skip_marker = |_: &str| false;

    // Version A (without the extra episode) and version B (with it), each built whole.
    site.run(&["build", "-d", "ref-a"]).expect_code(0);
    site.write(extra, &extra_text);
    let started = Instant::now();
    site.run(&["build", "-d", "ref-b"]).expect_code(0);
    let full = started.elapsed();
    let version_a = snapshot(&site.path().join("ref-a"), false, &skip_marker);
    let version_b = snapshot(&site.path().join("ref-b"), false, &skip_marker);
    assert_ne!(version_a, version_b);
    // Output does not depend on where it is written, so references compare with DEST.
    site.run(&["build"]).expect_code(0);
    let dest = site.path().join("public");
    assert_eq!(
        snapshot(&dest, false, &no_skip),
        version_b,
        "builds are not deterministic"
    );

    let mut on_disk_is_b = true;
    let (mut kept_old, mut got_new) = (0, 0);
    // Fractions of a full build, past its end too (a kill after exit is harmless).
    for percent in [2u32, 10, 25, 40, 55, 70, 80, 88, 94, 97, 100, 103, 110] {
        // Set the content to the other version, so the build changes the site.
        let extra_path = site.path().join(extra);
        if on_disk_is_b {
            let _ = std::fs::remove_file(&extra_path);
        } else {
            site.write(extra, &extra_text);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_castbook"))
            .arg("build")
            .current_dir(site.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * percent / 100);
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let now = snapshot(&dest, false, &no_skip);
        let (old, new) = if on_disk_is_b {
            (&version_b, &version_a)
        } else {
            (&version_a, &version_b)
        };
        if &now == old {
            kept_old += 1;
        } else if &now == new {
            got_new += 1;
            on_disk_is_b = !on_disk_is_b;
        } else {
            panic!(
                "killed at {percent}% ({status}): DEST is neither site\nvs old: {}\nvs new: {}",
                diff(old, &now),
                diff(new, &now)
            );
        }
    }
    eprintln!("kills: {kept_old} left the previous site, {got_new} the new one");
    assert!(kept_old > 0, "no kill landed during a build");

    // The next build repairs whatever the kills left and gives the exact site.
    site.run(&["build"]).expect_code(0);
    let expected = if site.path().join(extra).exists() {
        &version_b
    } else {
        &version_a
    };
    let now = snapshot(&dest, false, &no_skip);
    assert!(&now == expected, "{}", diff(expected, &now));
    // Killed builds leave at most castbook's own hidden spare beside DEST, not a pile.
    let beside: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(beside.len() <= 1, "leftovers beside DEST: {beside:?}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `script` with sh in a private mount namespace (root only), so the tmpfs it
/// mounts disappears with it; `None` when this machine cannot do that.
fn in_mount_namespace(script: &str, envs: &[(&str, &Path)]) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "--propagation", "private", "sh", "-c", script]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    Some(cmd.stdin(Stdio::null()).output().unwrap())
}

/// A full disk and a read-only disk under DEST: the build fails with a message naming
/// the cause, and the previous site stays byte-identical.
///
/// As root (CI), permissions do not stop writes, so the faults are real: DEST lives on
/// a small tmpfs in a private mount namespace, first filled up (ENOSPC), then remounted
/// read-only (EROFS). As another user, a read-only parent folder (chmod) stands in.
#[test]
fn a_full_or_read_only_disk_gives_a_clear_error_and_keeps_the_old_site() {
    let site = Site::sample();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_castbook"));
    if !is_root() {
        return read_only_parent_without_root(&site);
    }
    site.write("mnt/.keep", "");
    std::fs::remove_file(site.path().join("mnt/.keep")).unwrap();
    // The sample site is a few MB; the tmpfs holds it twice, then is filled.
    let script = r#"
set -u
mount -t tmpfs -o size=64m,mode=0755 castbook-test "$SITE/mnt" || exit 90
cd "$SITE"
snap() { (cd mnt/public && find . -print | LC_ALL=C sort | while read -r f; do
    if [ -f "$f" ]; then cksum "$f"; else echo "$f"; fi; done) }
"$BIN" build -d mnt/public >first.out 2>&1; echo "first=$?"
snap >before.txt
printf '%s\n' '---' 'podcast_name: The Peterman Pod' 'episode_title: Disk fault' \
  'host_name: Ryan Peterman' 'episode_date: 2025-09-01' '---' 'Ryan 00:00:01: Hi.' \
  >content/zz-new.txt
dd if=/dev/zero of=mnt/filler bs=64k >/dev/null 2>&1
"$BIN" build -d mnt/public >full.out 2>&1; echo "full=$?"
snap >after-full.txt
rm -f mnt/filler
mount -o remount,ro "$SITE/mnt" || exit 91
"$BIN" build -d mnt/public >ro.out 2>&1; echo "ro=$?"
snap >after-ro.txt
mount -o remount,rw "$SITE/mnt"
"$BIN" build -d mnt/public >last.out 2>&1; echo "last=$?"
test -f mnt/public/episodes/disk-fault/index.html && echo "new-page=yes"
"#;
    let Some(out) = in_mount_namespace(script, &[("SITE", site.path()), ("BIN", &bin)]) else {
        // Root without mount namespaces: neither chmod nor tmpfs can fault the disk.
        assert!(
            !crate::support::in_ci(),
            "CI=true but `unshare -m` is unavailable"
        );
        eprintln!("skipping: root without `unshare -m`, no way to fault the disk");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let read = |f: &str| std::fs::read_to_string(site.path().join(f)).unwrap_or_default();
    let report = format!(
        "script: {stdout}\n{}\n--- first\n{}\n--- full\n{}\n--- ro\n{}\n--- last\n{}",
        String::from_utf8_lossy(&out.stderr),
        read("first.out"),
        read("full.out"),
        read("ro.out"),
        read("last.out")
    );
    assert!(stdout.contains("first=0"), "first build failed\n{report}");
    let before = read("before.txt");
    assert!(before.lines().count() > 20, "{report}");

    for (step, out, after, cause) in [
        (
            "full",
            "full.out",
            "after-full.txt",
            "No space left on device",
        ),
        ("ro", "ro.out", "after-ro.txt", "Read-only file system"),
    ] {
        let code = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{step}=")))
            .unwrap_or("?");
        assert!(code == "1" || code == "2", "{step}: exit {code}\n{report}");
        let stderr = read(out);
        assert!(stderr.contains(cause), "{step}: cause not named\n{report}");
        assert!(stderr.contains("mnt/"), "{step}: path not named\n{report}");
        assert!(!stderr.contains("panicked"), "{step}\n{report}");
        assert_eq!(
            read(after),
            before,
            "{step}: the old site changed\n{report}"
        );
    }
    eprintln!(
        "full disk said: {}\nread-only disk said: {}",
        read("full.out").lines().next().unwrap_or(""),
        read("ro.out").lines().next().unwrap_or("")
    );
    // Once the disk has room again, the next build succeeds and shows the change.
    assert!(stdout.contains("last=0"), "{report}");
    assert!(stdout.contains("new-page=yes"), "{report}");
}

/// Without root, a folder without write permission refuses the staging folder.
fn read_only_parent_without_root(site: &Site) {
    use std::os::unix::fs::PermissionsExt;
    let out = site.path().join("out");
    let dest = out.join("public");
    let run = || crate::support::run_in(site.path(), &["build", "-d", dest.to_str().unwrap()]);
    run().expect_code(0);
    let before = snapshot(&dest, true, &no_skip);
    site.write("content/zz-new.txt", "---\npodcast_name: P\nepisode_title: Ro\nhost_name: H\nepisode_date: 2025-09-01\n---\nH 00:00:01: Hi.\n");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let failed = run();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_diagnosed(&failed, "read-only parent");
    assert!(
        failed.stderr.contains("Permission denied"),
        "{}",
        failed.stderr
    );
    assert_eq!(snapshot(&dest, true, &no_skip), before);
}

/// `check` writes nothing anywhere in the site (not even timestamps change), also when
/// it finds errors; `build` touches nothing outside DEST and its hidden spare.
#[test]
fn check_writes_nothing_and_build_never_modifies_sources() {
    let site = Site::sample();
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "themes/default/templates/partials/extra.html",
        "<p>unused override</p>",
    );
    site.write("content/notes/.hidden.txt", "not a transcript");
    site.write("content/readme.pdf", "%PDF-1.4");
    let sources = |s: &Site| {
        snapshot(s.path(), true, &|rel: &str| {
            rel == "public" || rel.starts_with(".public")
        })
    };
    let before = sources(&site);

    site.run(&["check"]).expect_code(0);
    assert_eq!(sources(&site), before, "check wrote into the site");
    assert!(!site.path().join("public").exists());

    site.write("content/broken.txt", "---\npodcast_name: X\n");
    let before_broken = snapshot(site.path(), true, &no_skip);
    site.run(&["check"]).expect_code(1);
    assert_eq!(
        snapshot(site.path(), true, &no_skip),
        before_broken,
        "check with errors wrote something"
    );
    std::fs::remove_file(site.path().join("content/broken.txt")).unwrap();

    let before = sources(&site);
    site.run(&["build"]).expect_code(0);
    site.run(&["build"]).expect_code(0);
    let after = sources(&site);
    assert!(
        after == before,
        "build modified sources: {}",
        diff(&before, &after)
    );
}

// ---------------------------------------------------------------------------
// No input crashes it

const FRONT: &str =
    "podcast_name: P\nepisode_title: T\nhost_name: Ryan\nepisode_date: 2025-08-15\n";
const BODY: &str = "### Chapter\nRyan 00:00:01: Hello.\n";

/// Hostile transcripts, each alone in a site: `check` and `build` end with a diagnostic
/// naming the file, never a panic, abort, overflow or hang.
#[test]
fn hostile_transcripts_get_diagnostics_never_crashes() {
    let billion_laughs = {
        let mut y = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            y.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        y
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "alias bomb",
            format!("---\n{FRONT}{billion_laughs}---\n{BODY}").into_bytes(),
        ),
        (
            "deep flow nesting",
            format!("---\n{FRONT}x: {}\n---\n{BODY}", "[".repeat(200_000)).into_bytes(),
        ),
        (
            "deep block nesting",
            format!(
                "---\n{FRONT}{}\n---\n{BODY}",
                (0..5_000)
                    .map(|i| format!("{}k:", " ".repeat(i)))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
            .into_bytes(),
        ),
        (
            "oversized front matter",
            format!("---\n{FRONT}x: \"{}\"\n---\n{BODY}", "y".repeat(3 << 20)).into_bytes(),
        ),
        (
            "unterminated huge front matter",
            format!("---\n{FRONT}{}", "k: v\n".repeat(400_000)).into_bytes(),
        ),
        ("binary", (0..=255u8).cycle().take(200_000).collect()),
        ("UTF-16", {
            let mut b = vec![0xff, 0xfe];
            for u in format!("---\n{FRONT}---\n{BODY}").encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            b
        }),
        (
            "tags and anchors",
            format!("---\n{FRONT}x: !!binary AAAA\ny: &x *x\n---\n{BODY}").into_bytes(),
        ),
        (
            "a 4 MB line with no newline and no turn",
            format!("---\n{FRONT}---\n{}", "Ryan said: ".repeat(400_000)).into_bytes(),
        ),
        ("only the fence", b"---".to_vec()),
        ("empty", Vec::new()),
    ];
    // NUL is valid UTF-8 text: such a file builds, with its NULs escaped like any text.
    let nul = Site::empty();
    nul.write(
        "content/nul.txt",
        format!("---\n{FRONT}---\n{BODY}\0<b>\0\n"),
    );
    let run = nul.run(&["build"]);
    run.expect_code(0);
    assert_no_panic(&run, "NUL bytes");
    for (what, bytes) in cases {
        let site = Site::empty();
        site.write("content/hostile.txt", &bytes);
        // Empty and binary files may simply have no turns: still an error naming it.
        for cmd in ["check", "build"] {
            let run = site.run(&[cmd]);
            assert_diagnosed(&run, &format!("{what} ({cmd})"));
            assert!(
                run.stderr.contains("content/hostile.txt"),
                "{what} ({cmd}): file not named\n{}",
                &run.stderr[..run.stderr.len().min(2000)]
            );
        }
        assert!(
            !site.path().join("public").exists(),
            "{what}: a site was written"
        );
    }
}

/// Hostile book.toml files and themes: a diagnostic and exit 2 (usage/config) or 1,
/// never a crash; the error names the file.
#[test]
fn hostile_config_and_themes_get_diagnostics_never_crashes() {
    let seed = std::fs::read(repo().join(SEED)).unwrap();
    let tomls: Vec<(&str, String)> = vec![
        ("deep arrays", format!("x = {}", "[".repeat(100_000))),
        (
            "deep inline tables",
            format!("x = {}", "{a=".repeat(100_000)),
        ),
        (
            "deep dotted key",
            format!("{} = 1", vec!["a"; 50_000].join(".")),
        ),
        (
            "wrong type deep",
            "[output.html]\nsite-url = [1, 2]\n".to_owned(),
        ),
        (
            "binary",
            String::from_utf8_lossy(&(0..=255u8).cycle().take(50_000).collect::<Vec<_>>())
                .into_owned(),
        ),
        ("NUL", "[book]\ntitle = \"a\0b\"\n".to_owned()),
        (
            "bad src traversal",
            "[book]\nsrc = \"../../../../etc\"\n".to_owned(),
        ),
        (
            "absolute build dir",
            "[build]\nbuild-dir = \"/\"\n".to_owned(),
        ),
    ];
    for (what, toml) in tomls {
        let site = Site::empty();
        site.write("content/ep.txt", &seed);
        site.write("book.toml", &toml);
        for cmd in ["check", "build"] {
            let run = site.run(&[cmd]);
            assert_no_panic(&run, what);
            if what == "bad src traversal" || what == "absolute build dir" {
                // Either refused or harmless; never a site written outside the root.
                assert!(run.code != 0 || cmd == "check", "{what}: {}", run.stderr);
            } else {
                assert_diagnosed(&run, &format!("book.toml {what} ({cmd})"));
                assert!(run.stderr.contains("book.toml"), "{what}: {}", run.stderr);
            }
        }
    }

    let themes: Vec<(&str, &str, String)> = vec![
        (
            "syntax error",
            "templates/episode.html",
            "{% if %}".to_owned(),
        ),
        (
            "includes itself",
            "templates/partials/episode-item.html",
            "{% include \"partials/episode-item.html\" %}".to_owned(),
        ),
        (
            "extends itself",
            "templates/episode.html",
            "{% extends \"episode.html\" %}".to_owned(),
        ),
        (
            "unknown filter",
            "templates/index.html",
            "{{ site.title | nope }}".to_owned(),
        ),
        (
            "missing variable",
            "templates/index.html",
            "{{ no.such.thing }}".to_owned(),
        ),
        (
            "deep nesting",
            "templates/index.html",
            "{% if true %}".repeat(20_000) + &"{% endif %}".repeat(20_000),
        ),
        (
            "binary",
            "templates/base.html",
            String::from_utf8_lossy(&(0..=255u8).cycle().take(20_000).collect::<Vec<_>>())
                .into_owned(),
        ),
    ];
    for (what, file, text) in themes {
        let site = Site::empty();
        site.write("content/ep.txt", &seed);
        site.write(&format!("themes/default/{file}"), &text);
        let run = site.run(&["build"]);
        assert_diagnosed(&run, &format!("theme {what}"));
        // Errors name the template they are found in (for a broken `base.html`, the
        // templates that extend it).
        assert!(
            run.stderr.contains(".html:"),
            "theme {what}: no template named\n{}",
            run.stderr
        );
        assert!(
            !site.path().join("public").exists(),
            "theme {what}: a site was written"
        );
    }
}

/// File names that are not UTF-8 are read (the name is shown lossily) and the page
/// path comes from the title, never from the name.
#[test]
fn non_utf8_file_names_build() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::sample();
    let name = std::ffi::OsStr::from_bytes(b"ep-\xff\xfe-caf\xe9.txt");
    let seed = std::fs::read_to_string(repo().join(SEED)).unwrap();
    std::fs::write(
        site.path().join("content").join(name),
        seed.replace(SEED_TITLE, "episode_title: Latin one name"),
    )
    .unwrap();
    let broken = std::ffi::OsStr::from_bytes(b"bad-\xff.txt");
    let run = site.run(&["check"]);
    run.expect_code(0);
    site.run(&["build"]).expect_code(0);
    assert!(
        site.path()
            .join("public/episodes/latin-one-name/index.html")
            .is_file()
    );
    std::fs::write(site.path().join("content").join(broken), "---\nnope\n").unwrap();
    let run = site.run(&["check"]);
    assert_diagnosed(&run, "broken file with a non-UTF-8 name");
    assert!(
        run.stderr.contains("content/bad-\u{fffd}.txt"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// Hostile sizes: they must build; bench/scale.sh measures how the time grows.

/// A 20 MB transcript (about 10,000 long turns) builds.
#[test]
fn a_20_mb_transcript_builds() {
    let site = Site::empty();
    let para = "Because you were a senior manager in big tech, you saw how the promotion \
                process works from the inside, and that shaped how you coach people. "
        .repeat(14);
    let mut text = format!("---\n{FRONT}---\nTranscript\n");
    let mut i = 0u32;
    while text.len() < 20 << 20 {
        if i.is_multiple_of(1000) {
            text.push_str(&format!("### Part {}\n", i / 1000 + 1));
        }
        let s = i * 3;
        text.push_str(&format!(
            "Ryan {:02}:{:02}:{:02}:\n\n{para}\n\n",
            s / 3600,
            s / 60 % 60,
            s % 60
        ));
        i += 1;
    }
    site.write("content/big.txt", &text);
    let run = site.run(&["build", "--no-minify"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("1 episode, 11 chapters"),
        "{}",
        run.stdout
    );
}

/// A file with 10,000 chapters builds, every chapter with its own anchor and topic.
#[test]
fn a_file_with_10000_chapters_builds() {
    let site = Site::empty();
    let mut text = format!("---\n{FRONT}---\n");
    for i in 0..10_000u32 {
        text.push_str(&format!(
            "### Chapter {i}\nRyan {:02}:{:02}:{:02}: Question {i}.\n\n",
            i / 3600,
            i / 60 % 60,
            i % 60
        ));
    }
    site.write("content/chapters.txt", &text);
    let run = site.run(&["build", "--no-minify"]);
    run.expect_code(0);
    assert!(run.stdout.contains("10000 chapters"), "{}", run.stdout);
    assert!(
        site.path()
            .join("public/topics/chapter-9999/index.html")
            .is_file()
    );
}

// ---------------------------------------------------------------------------
// Nothing from content executes in a browser

/// The theme's scripts build search results (and everything else they show) from text
/// nodes: no API that parses a string as HTML or code appears in them. The rendering
/// side is covered by build.rs `hostile_content_comes_out_inert` and the markdown and
/// render unit tests.
#[test]
fn theme_scripts_insert_content_as_text() {
    let dir = repo().join("themes/default/static");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let js = std::fs::read_to_string(&path).unwrap();
        for (n, line) in js.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
                "new Function",
                "setTimeout(\"",
                "createContextualFragment",
                "DOMParser",
            ] {
                assert!(
                    !code.contains(sink),
                    "{}:{}: {sink} in `{}`",
                    path.display(),
                    n + 1,
                    line.trim()
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 2, "no theme scripts found in {}", dir.display());
}

// ---------------------------------------------------------------------------
// Paths are derived, never trusted

/// Hostile `slug:` overrides and titles never name a path: every folder the build
/// writes is `[a-z0-9-]+` (or a fixed name), collisions get a suffix, and nothing
/// appears outside DEST.
#[test]
fn hostile_slugs_and_titles_stay_inside_dest() {
    let site = Site::empty();
    let hostile = [
        "../../../escaped",
        "/etc/passwd",
        "..",
        "",
        "CON",
        "a/b\\c",
        "%2e%2e%2fx",
        "\u{202e}evil",
        "東京",
        "-",
    ];
    for (i, slug) in hostile.iter().enumerate() {
        site.write(
            &format!("content/ep{i}.txt"),
            format!(
                "---\npodcast_name: '../{slug}'\nepisode_title: 'T {slug}'\nslug: '{slug}'\nhost_name: '../{slug}'\nguest_name: '{slug}/..'\nepisode_date: 2025-08-{:02}\ntopics: ['../{slug}']\n---\n### ../{slug}\nHost 00:00:01: Hi.\n",
                i + 1
            ),
        );
    }
    let outside = |s: &Site| {
        snapshot(s.path(), false, &|rel: &str| {
            rel == "public" || rel.starts_with(".public")
        })
    };
    let before = outside(&site);
    let run = site.run(&["build"]);
    assert_no_panic(&run, "hostile slugs");
    run.expect_code(0);
    assert_eq!(outside(&site), before, "something was written outside DEST");
    let parent = site.path().parent().unwrap();
    assert!(!parent.join("escaped").exists());
    let out = site.path().join("public");
    let pages = snapshot(&out, false, &no_skip);
    for rel in pages.keys() {
        for part in rel.split('/') {
            assert!(
                part.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(c))
                    && !part.is_empty()
                    && part != ".."
                    && part != ".",
                "output path {rel:?}"
            );
        }
    }
    // `episodes/<year>/` folders are year archives, not episodes.
    let episodes = std::fs::read_dir(out.join("episodes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !crate::support::is_year_dir(p))
        .count();
    assert_eq!(
        episodes,
        hostile.len(),
        "an episode was lost to a collision"
    );
}
