// A failing unwrap is how a test reports an unexpected error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::diag::Severity;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("content")).unwrap();
    dir
}

fn put(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

fn names(d: &Discovery) -> Vec<&str> {
    d.files.iter().map(|f| f.file.display.as_str()).collect()
}

fn run(root: &Path) -> Discovery {
    discover(root, &root.join("content")).unwrap()
}

/// Runs discovery on another thread so a hang fails the test instead of blocking it.
fn run_with_timeout(root: &Path) -> Discovery {
    let (tx, rx) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(run(&root));
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("discovery hung")
}

#[test]
fn missing_content_folder_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = discover(dir.path(), &dir.path().join("content")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("content") && msg.contains("does not exist"),
        "{msg}"
    );
    assert!(msg.contains("book.toml"), "{msg}");
}

#[test]
fn content_folder_that_is_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    put(&dir.path().join("content"), "x");
    assert!(discover(dir.path(), &dir.path().join("content")).is_err());
}

#[test]
fn finds_transcripts_sorted_by_display_path() {
    let dir = site();
    let c = dir.path().join("content");
    put(&c.join("b.txt"), "b");
    put(&c.join("a.md"), "a");
    put(&c.join("sub/deeper/z.txt"), "z");
    put(&c.join("sub/c.TXT"), "c");
    put(&c.join("a-b.Md"), "ab");
    let d = run(dir.path());
    assert_eq!(
        names(&d),
        [
            "content/a-b.Md",
            "content/a.md",
            "content/b.txt",
            "content/sub/c.TXT",
            "content/sub/deeper/z.txt"
        ]
    );
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert_eq!(d.files[2].file.bytes, b"b");
}

#[test]
fn ignores_other_extensions_hidden_entries_and_editor_leftovers() {
    let dir = site();
    let c = dir.path().join("content");
    put(&c.join("ep.txt"), "x");
    for name in [
        "cover.png",
        "notes.txt.bak",
        "README",
        ".hidden.txt",
        "ep.txt~",
        "#ep.txt#",
        ".ep.txt.swp",
        ".git/ep.txt",
        ".drafts/ep.txt",
        "__MACOSX/ep.txt",
        "node_modules/pkg/ep.md",
        "sub/.secret/ep.txt",
    ] {
        put(&c.join(name), "x");
    }
    let d = run(dir.path());
    assert_eq!(names(&d), ["content/ep.txt"]);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn bom_and_crlf_bytes_pass_through_untouched() {
    let dir = site();
    let raw = b"\xEF\xBB\xBF---\r\npodcast_name: X\r\n---\r\n";
    fs::write(dir.path().join("content/ep.txt"), raw).unwrap();
    let d = run(dir.path());
    assert_eq!(d.files[0].file.bytes, raw);
}

#[test]
fn non_utf8_file_name_is_shown_lossily_and_still_read() {
    let dir = site();
    let name = OsStr::from_bytes(b"ep\xFF.txt");
    fs::write(dir.path().join("content").join(name), "bytes").unwrap();
    let d = run(dir.path());
    assert_eq!(names(&d), ["content/ep\u{FFFD}.txt"]);
    assert_eq!(d.files[0].file.bytes, b"bytes");
}

#[test]
fn symlink_to_a_file_inside_the_root_is_followed() {
    let dir = site();
    put(&dir.path().join("shared/guest.txt"), "guest");
    symlink("../shared/guest.txt", dir.path().join("content/guest.txt")).unwrap();
    // A link named like a non-transcript is ignored like any other such file.
    symlink("../shared/guest.txt", dir.path().join("content/guest.png")).unwrap();
    let d = run(dir.path());
    assert_eq!(names(&d), ["content/guest.txt"]);
    assert_eq!(d.files[0].file.bytes, b"guest");
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn symlink_to_a_folder_inside_the_root_is_walked() {
    let dir = site();
    put(&dir.path().join("archive/2019/ep.txt"), "old");
    symlink("../archive", dir.path().join("content/old")).unwrap();
    let d = run(dir.path());
    assert_eq!(names(&d), ["content/old/2019/ep.txt"]);
}

#[test]
fn symlinks_leading_outside_the_root_are_not_followed_and_warned() {
    let outside = tempfile::tempdir().unwrap();
    put(&outside.path().join("secret.txt"), "secret");
    put(&outside.path().join("dir/ep.txt"), "secret");
    let dir = site();
    let c = dir.path().join("content");
    symlink(outside.path().join("dir"), c.join("elsewhere")).unwrap();
    symlink(outside.path().join("secret.txt"), c.join("secret.txt")).unwrap();
    let d = run(dir.path());
    assert!(d.files.is_empty(), "{:?}", names(&d));
    assert_eq!(d.diagnostics.len(), 2, "{:?}", d.diagnostics);
    assert_eq!(d.diagnostics[0].file, "content/elsewhere");
    assert_eq!(d.diagnostics[1].file, "content/secret.txt");
    for diag in &d.diagnostics {
        assert_eq!(diag.severity, Severity::Warning);
        assert!(
            diag.message.contains("outside the site root"),
            "{}",
            diag.message
        );
    }
}

#[test]
fn symlink_loops_are_reported_and_the_walk_ends() {
    let dir = site();
    let c = dir.path().join("content");
    put(&c.join("a/ep.txt"), "x");
    // A folder link back to an ancestor, a link chain in a circle, and a loop that
    // only closes through a second link.
    symlink("..", c.join("a/up")).unwrap();
    symlink("loop2.txt", c.join("loop1.txt")).unwrap();
    symlink("loop1.txt", c.join("loop2.txt")).unwrap();
    symlink("../content/a", dir.path().join("other")).unwrap();
    fs::create_dir(dir.path().join("b")).unwrap();
    symlink("../content/a", dir.path().join("b/back")).unwrap();
    symlink("../../b", c.join("a/side")).unwrap();
    let d = run_with_timeout(dir.path());
    assert_eq!(names(&d), ["content/a/ep.txt"]);
    let loops: Vec<_> = d
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("symlink loop"))
        .map(|d| d.file.as_str())
        .collect();
    assert_eq!(
        loops,
        [
            "content/a/side/back",
            "content/a/up",
            "content/loop1.txt",
            "content/loop2.txt"
        ],
        "{:?}",
        d.diagnostics
    );
    assert!(
        d.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn fifo_is_ignored_without_hanging() {
    let dir = site();
    let c = dir.path().join("content");
    put(&c.join("ep.txt"), "x");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        c.join("pipe.txt"),
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
    symlink("pipe.txt", c.join("link-to-pipe.txt")).unwrap();
    let d = run_with_timeout(dir.path());
    assert_eq!(names(&d), ["content/ep.txt"]);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn unreadable_file_is_an_error_diagnostic_not_a_failed_run() {
    // Root ignores file permissions, so the unreadable file is one that vanished (or
    // turned into a FIFO) between the walk and the read.
    let dir = tempfile::tempdir().unwrap();
    put(&dir.path().join("ok.txt"), "x");
    let pipe = dir.path().join("pipe.txt");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &pipe,
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
    let mut diagnostics = Vec::new();
    let files = read_all(
        dir.path(),
        vec![
            Listed::alone("content/gone.txt", dir.path().join("gone.txt")),
            Listed::alone("content/ok.txt", dir.path().join("ok.txt")),
            Listed::alone("content/pipe.txt", pipe),
        ],
        &mut diagnostics,
    );
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file.display, "content/ok.txt");
    let shown: Vec<_> = diagnostics.iter().map(|d| d.headline()).collect();
    assert_eq!(shown.len(), 2);
    assert!(
        shown[0].starts_with("error: content/gone.txt: cannot read file:"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("error: content/pipe.txt: cannot read file: not a regular"),
        "{shown:?}"
    );
}

#[test]
fn content_folder_may_be_the_root_or_a_symlink_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    put(&dir.path().join("ep.txt"), "x");
    put(&dir.path().join("transcripts/t.txt"), "t");
    let d = discover(dir.path(), dir.path()).unwrap();
    assert_eq!(names(&d), ["ep.txt", "transcripts/t.txt"]);

    symlink("transcripts", dir.path().join("content")).unwrap();
    let d = run(dir.path());
    assert_eq!(names(&d), ["content/t.txt"]);
}

#[test]
fn content_folder_resolving_outside_the_root_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path(), dir.path().join("content")).unwrap();
    let msg = discover(dir.path(), &dir.path().join("content"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("outside the site root"), "{msg}");
}
