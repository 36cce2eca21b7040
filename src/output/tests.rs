// A failing unwrap is how a test reports an unexpected error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::fs::symlink;

use rayon::prelude::*;

use super::folders::{OLD_TAG, SPARE_TAG, STAGING_TAG, live, parse_tagged, tagged_name};
use super::*;

/// A site root with `content/` and a DEST path (`public/`) inside it.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        Site { dir }
    }
    fn root(&self) -> &Path {
        self.dir.path()
    }
    fn content(&self) -> PathBuf {
        self.root().join("content")
    }
    fn dest(&self) -> PathBuf {
        self.root().join("public")
    }
    fn check(&self, dest: &Path) -> anyhow::Result<()> {
        check_dest_with_home(self.root(), &self.content(), dest, None)
    }
    /// Every file and folder under `dir`, with file contents.
    fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let body = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
                (rel, body)
            })
            .collect()
    }
    /// Names in the root that look like staging or old folders.
    fn leftovers(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(STAGING_TAG) || n.contains(OLD_TAG))
            .collect();
        names.sort();
        names
    }
    fn spare(&self) -> PathBuf {
        self.root().join(format!(".public{SPARE_TAG}"))
    }
}

fn build(dest: &Path, pages: &[(&str, &str)]) {
    let staging = Staging::begin(dest).unwrap();
    for (rel, body) in pages {
        staging.write(rel, body.as_bytes()).unwrap();
    }
    staging.commit().unwrap();
}

fn assert_refused(result: anyhow::Result<()>, needle: &str) {
    let msg = result.expect_err("DEST should be refused").to_string();
    assert!(msg.contains("refusing"), "{msg}");
    assert!(msg.contains(needle), "expected {needle:?} in: {msg}");
}

#[test]
fn check_dest_accepts_public_inside_the_root() {
    let site = Site::new();
    site.check(&site.dest()).unwrap();
    site.check(&site.root().join("out/deeper/site")).unwrap();
    // A folder castbook wrote is fine, and so is an empty one.
    build(&site.dest(), &[("index.html", "x")]);
    site.check(&site.dest()).unwrap();
    fs::create_dir(site.root().join("empty")).unwrap();
    site.check(&site.root().join("empty")).unwrap();
}

#[test]
fn check_dest_refuses_the_filesystem_root_and_home() {
    let site = Site::new();
    assert_refused(site.check(Path::new("/")), "file-system root");
    let home = site.root().join("home");
    fs::create_dir(&home).unwrap();
    let home = fs::canonicalize(home).unwrap();
    let with_home = |d: &Path| check_dest_with_home(site.root(), &site.content(), d, Some(&home));
    assert_refused(with_home(&home), "is your home folder");
    // An unrelated site elsewhere is not affected by HOME.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir(other.path().join("content")).unwrap();
    check_dest_with_home(
        other.path(),
        &other.path().join("content"),
        &other.path().join("public"),
        Some(&home),
    )
    .unwrap();
}

#[test]
fn check_dest_refuses_the_root_content_and_their_parents() {
    let site = Site::new();
    assert_refused(site.check(site.root()), "is the site root");
    assert_refused(
        site.check(&site.root().join("public/..")),
        "is the site root",
    );
    assert_refused(site.check(&site.content()), "is the content folder");
    assert_refused(
        site.check(&site.content().join("out")),
        "is inside the content folder",
    );
    assert_refused(
        site.check(site.root().parent().unwrap()),
        "contains the site root",
    );
    // The content folder may live deeper than the root's children.
    let nested = site.root().join("src/content");
    fs::create_dir_all(&nested).unwrap();
    let r = check_dest_with_home(site.root(), &nested, &site.root().join("src"), None);
    assert_refused(r, "contains the content folder");
}

#[test]
fn check_dest_refuses_static_themes_and_git() {
    let site = Site::new();
    assert_refused(site.check(&site.root().join("static")), "static/");
    assert_refused(site.check(&site.root().join("themes/x/out")), "themes/");
    assert_refused(site.check(&site.root().join(".git/public")), ".git");
}

#[test]
fn check_dest_refuses_a_file_a_symlink_and_a_foreign_folder() {
    let site = Site::new();
    let file = site.root().join("book.toml");
    fs::write(&file, "").unwrap();
    assert_refused(site.check(&file), "not a folder");

    let real = site.root().join("real");
    fs::create_dir(&real).unwrap();
    symlink(&real, site.dest()).unwrap();
    assert_refused(site.check(&site.dest()), "symlink");

    let foreign = site.root().join("docs");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("notes.md"), "mine").unwrap();
    assert_refused(site.check(&foreign), "castbook did not write it");
    // begin refuses it too, and leaves it alone.
    assert!(Staging::begin(&foreign).is_err());
    assert_eq!(fs::read(foreign.join("notes.md")).unwrap(), b"mine");
}

#[test]
fn check_dest_resolves_symlinked_paths_before_comparing() {
    let site = Site::new();
    symlink(site.root(), site.root().join("alias")).unwrap();
    assert_refused(
        site.check(&site.root().join("alias/content")),
        "content folder",
    );
    assert_refused(site.check(&site.root().join("alias")), "is the site root");
}

#[test]
fn write_rejects_unsafe_paths() {
    let site = Site::new();
    let staging = Staging::begin(&site.dest()).unwrap();
    for rel in [
        "",
        "/etc/passwd",
        "../x",
        "a/../../x",
        "a//b",
        "a/./b",
        ".",
        "a/",
        "a\\b",
        "a\0b",
        "é.html",
        "a b",
        "C:x",
        ".castbook-output",
    ] {
        let err = staging.write(rel, b"x").expect_err(rel);
        assert!(err.to_string().contains("invalid output path"), "{err}");
    }
    staging.write(".nojekyll", b"").unwrap();
    staging.write("CNAME", b"x").unwrap();
    staging.write("episodes/ep-1/index.html", b"x").unwrap();
    assert!(
        site.root()
            .parent()
            .unwrap()
            .join("x")
            .symlink_metadata()
            .is_err()
    );
}

#[test]
fn commit_replaces_dest_without_stale_files_and_leaves_the_marker() {
    let site = Site::new();
    build(
        &site.dest(),
        &[("index.html", "v1"), ("episodes/old/index.html", "old")],
    );
    assert!(site.dest().join(MARKER).is_file());
    build(
        &site.dest(),
        &[("index.html", "v2"), ("episodes/new/index.html", "new")],
    );
    let tree = Site::tree(&site.dest());
    let names: Vec<_> = tree.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".castbook-output",
            "episodes",
            "episodes/new",
            "episodes/new/index.html",
            "index.html"
        ]
    );
    assert_eq!(tree["index.html"].as_deref(), Some(&b"v2"[..]));
    let marker = fs::read_to_string(site.dest().join(MARKER)).unwrap();
    assert!(marker.contains("castbook") && marker.contains("safe to delete"));
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
    // The previous site is kept, hidden from git, for the next build to overwrite.
    let spare = Site::tree(&site.spare());
    assert_eq!(spare["index.html"].as_deref(), Some(&b"v1"[..]));
    assert!(spare.contains_key(".gitignore") && spare.contains_key(MARKER));
}

fn build_discarding(dest: &Path, pages: &[(&str, &str)]) {
    let staging = Staging::begin_with(dest, Spare::Discard).unwrap();
    for (rel, body) in pages {
        staging.write(rel, body.as_bytes()).unwrap();
    }
    staging.commit().unwrap();
}

#[test]
fn without_a_spare_builds_leave_nothing_beside_dest() {
    let site = Site::new();
    build_discarding(&site.dest(), &[("index.html", "v1")]);
    build_discarding(&site.dest(), &[("index.html", "v2"), ("a.html", "a")]);
    assert!(!site.spare().exists());
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
    let names: Vec<_> = Site::tree(&site.dest()).into_keys().collect();
    assert_eq!(names, [MARKER, "a.html", "index.html"]);
    // The rename fallback and a failed build leave no spare either.
    let mut staging = Staging::begin_with(&site.dest(), Spare::Discard).unwrap();
    staging.write("b.html", b"b").unwrap();
    staging.swap(false).unwrap();
    drop(staging);
    let before = Site::tree(&site.dest());
    assert!(before.contains_key("b.html"));
    {
        let staging = Staging::begin_with(&site.dest(), Spare::Discard).unwrap();
        staging.write("index.html", b"half").unwrap();
    }
    assert_eq!(Site::tree(&site.dest()), before);
    assert!(!site.spare().exists());
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
}

#[test]
fn turning_the_spare_off_uses_up_an_old_one_and_deletes_killed_builds_leftovers() {
    let site = Site::new();
    build(&site.dest(), &[("index.html", "v1")]);
    build(&site.dest(), &[("index.html", "v2")]);
    assert!(site.spare().join(MARKER).is_file());
    // What a build killed after its swap leaves: a marked old tree.
    let old = site
        .root()
        .join(tagged_name(OsStr::new("public"), OLD_TAG, u32::MAX - 1, 0));
    fs::create_dir_all(old.join("episodes")).unwrap();
    fs::write(old.join(MARKER), "").unwrap();
    let staging = Staging::begin_with(&site.dest(), Spare::Discard).unwrap();
    assert!(
        staging.recycled,
        "the old spare is still worth writing over"
    );
    staging.write("index.html", b"v3").unwrap();
    staging.commit().unwrap();
    assert!(!site.spare().exists() && !old.exists());
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
    assert_eq!(fs::read(site.dest().join("index.html")).unwrap(), b"v3");
}

#[test]
fn commit_without_exchange_uses_the_rename_fallback() {
    let site = Site::new();
    build(&site.dest(), &[("a.html", "1")]);
    let mut staging = Staging::begin(&site.dest()).unwrap();
    staging.write("b.html", b"2").unwrap();
    staging.swap(false).unwrap();
    drop(staging);
    let tree = Site::tree(&site.dest());
    assert!(tree.contains_key("b.html") && !tree.contains_key("a.html"));
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
}

#[test]
fn dropped_staging_leaves_dest_byte_identical_and_no_staging_behind() {
    let site = Site::new();
    build(
        &site.dest(),
        &[("index.html", "v1"), ("feed.xml", "<rss/>")],
    );
    let before = Site::tree(&site.dest());
    {
        let staging = Staging::begin(&site.dest()).unwrap();
        staging.write("index.html", b"half").unwrap();
        assert!(staging.path().starts_with(site.root()));
    }
    assert_eq!(Site::tree(&site.dest()), before);
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
    // The unfinished tree is kept as the spare; the next build still starts clean.
    assert!(site.spare().join(MARKER).is_file());
    build(&site.dest(), &[("other.html", "x")]);
    let names: Vec<_> = Site::tree(&site.dest()).into_keys().collect();
    assert_eq!(names, [MARKER, "other.html"]);
}

#[test]
fn first_build_creates_dest_and_its_parents() {
    let site = Site::new();
    let dest = site.root().join("out/site");
    build(&dest, &[("index.html", "x")]);
    assert!(dest.join("index.html").is_file());
    // An existing empty folder is replaced, too.
    let empty = site.root().join("empty");
    fs::create_dir(&empty).unwrap();
    build(&empty, &[("index.html", "x")]);
    assert!(empty.join(MARKER).is_file());
}

#[test]
fn begin_restores_dest_after_a_swap_interrupted_between_renames() {
    let site = Site::new();
    build(&site.dest(), &[("index.html", "v1")]);
    let before = Site::tree(&site.dest());
    // What a kill between the fallback's two renames leaves: DEST moved aside, plus a
    // complete staging folder of a process that no longer exists.
    let dead_pid = u32::MAX - 1;
    let old = site
        .root()
        .join(tagged_name(OsStr::new("public"), OLD_TAG, dead_pid, 0));
    fs::rename(site.dest(), &old).unwrap();
    let stale = site
        .root()
        .join(tagged_name(OsStr::new("public"), STAGING_TAG, dead_pid, 1));
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join(MARKER), MARKER_TEXT).unwrap();
    fs::write(stale.join("index.html"), "v2").unwrap();

    let staging = Staging::begin(&site.dest()).unwrap();
    assert_eq!(Site::tree(&site.dest()), before);
    // The dead staging folder was recycled into the new one rather than deleted.
    assert_eq!(site.leftovers().len(), 1, "{:?}", site.leftovers());
    assert!(staging.recycled);
    drop(staging);
    assert!(site.leftovers().is_empty());
    assert_eq!(Site::tree(&site.dest()), before);
}

#[test]
fn begin_cleans_only_leftovers_that_are_provably_ours() {
    let site = Site::new();
    let dead = u32::MAX - 1;
    let name = |tag, n| {
        site.root()
            .join(tagged_name(OsStr::new("public"), tag, dead, n))
    };
    // Unmarked and non-empty: not provably ours, so kept.
    let foreign = name(STAGING_TAG, 0);
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("keep"), "x").unwrap();
    // Empty with our pattern: a build killed before writing its marker.
    fs::create_dir(name(STAGING_TAG, 1)).unwrap();
    // Marked old trees while DEST exists: kills after the swap. One becomes the
    // spare, the other is deleted.
    build(&site.dest(), &[("index.html", "x")]);
    for n in [2, 3] {
        let old = name(OLD_TAG, n);
        fs::create_dir_all(old.join("episodes")).unwrap();
        fs::write(old.join(MARKER), "").unwrap();
    }
    // Another dest's leftovers and a live build's staging are not touched.
    let other = site
        .root()
        .join(tagged_name(OsStr::new("docs"), STAGING_TAG, dead, 4));
    fs::create_dir(&other).unwrap();
    let live_one = site.root().join(tagged_name(
        OsStr::new("public"),
        STAGING_TAG,
        std::process::id(),
        99_999,
    ));
    fs::create_dir(&live_one).unwrap();
    live().push(live_one.clone());

    let staging = Staging::begin(&site.dest()).unwrap();
    assert!(staging.recycled);
    drop(staging);
    live().retain(|p| p != &live_one);
    let file_name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let mut expected = vec![file_name(&foreign), file_name(&live_one), file_name(&other)];
    expected.sort();
    assert_eq!(site.leftovers(), expected);
    assert!(other.is_dir());
    assert_eq!(fs::read(foreign.join("keep")).unwrap(), b"x");
    assert!(site.spare().join(MARKER).is_file());
}

#[test]
fn commit_refuses_to_replace_a_foreign_dest_that_appeared_meanwhile() {
    let site = Site::new();
    let staging = Staging::begin(&site.dest()).unwrap();
    fs::create_dir(site.dest()).unwrap();
    fs::write(site.dest().join("mine.txt"), "mine").unwrap();
    assert!(staging.commit().is_err());
    assert_eq!(fs::read(site.dest().join("mine.txt")).unwrap(), b"mine");
    assert!(site.leftovers().is_empty());
}

#[test]
fn tagged_names_parse_back() {
    let dest = OsStr::new("public");
    let name = tagged_name(dest, STAGING_TAG, 42, 7);
    assert_eq!(name, ".public.castbook-staging-42-7");
    assert_eq!(parse_tagged(&name, dest), Some((STAGING_TAG, 42)));
    let old = tagged_name(dest, OLD_TAG, 1, 0);
    assert_eq!(parse_tagged(&old, dest), Some((OLD_TAG, 1)));
    assert_eq!(parse_tagged(&name, OsStr::new("pub")), None);
    assert_eq!(
        parse_tagged(OsStr::new(".public.castbook-staging-x-1"), dest),
        None
    );
    assert_eq!(
        parse_tagged(OsStr::new(".public.castbook-staging-1-"), dest),
        None
    );
}

#[test]
fn copy_dir_copies_verbatim_except_junk_and_outside_links() {
    let site = Site::new();
    let s = site.root().join("static");
    fs::create_dir_all(s.join(".well-known")).unwrap();
    fs::create_dir_all(s.join(".git")).unwrap();
    fs::create_dir_all(s.join("img/empty")).unwrap();
    fs::write(s.join(".well-known/security.txt"), "sec").unwrap();
    fs::write(s.join(".git/HEAD"), "ref").unwrap();
    fs::write(s.join(".DS_Store"), "junk").unwrap();
    fs::write(s.join("img/logo.svg"), "<svg/>").unwrap();
    fs::write(s.join("favicon.ico"), [0u8, 1, 2]).unwrap();
    fs::write(site.root().join("shared.css"), "css").unwrap();
    symlink("../shared.css", s.join("style.css")).unwrap();
    symlink("..", s.join("loop")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret"), "secret").unwrap();
    symlink(outside.path().join("secret"), s.join("secret")).unwrap();

    let staging = Staging::begin(&site.dest()).unwrap();
    let copied = staging.copy_dir(&s, site.root()).unwrap();
    let diags = copied.diagnostics;
    staging.commit().unwrap();
    let tree = Site::tree(&site.dest());
    // security.txt, favicon.ico, logo.svg and style.css: "sec", 3, "<svg/>" and "css".
    assert_eq!((copied.files, copied.bytes), (4, 3 + 3 + 6 + 3));
    let names: Vec<_> = tree.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".castbook-output",
            ".well-known",
            ".well-known/security.txt",
            "favicon.ico",
            "img",
            "img/empty",
            "img/logo.svg",
            "style.css"
        ]
    );
    assert_eq!(tree["style.css"].as_deref(), Some(&b"css"[..]));
    let files: Vec<_> = diags.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["static/loop", "static/secret"], "{diags:?}");
    assert!(diags[0].message.contains("loop"));
    assert!(diags[1].message.contains("outside the site root"));
}

#[test]
fn copy_dir_of_a_missing_or_outside_folder_copies_nothing() {
    let site = Site::new();
    let staging = Staging::begin(&site.dest()).unwrap();
    assert!(
        staging
            .copy_dir(&site.root().join("static"), site.root())
            .unwrap()
            .diagnostics
            .is_empty()
    );
    let outside = tempfile::tempdir().unwrap();
    symlink(outside.path(), site.root().join("static")).unwrap();
    let diags = staging
        .copy_dir(&site.root().join("static"), site.root())
        .unwrap()
        .diagnostics;
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("outside the site root"));
}

#[test]
fn writes_from_many_threads_share_folders() {
    let site = Site::new();
    let staging = Staging::begin(&site.dest()).unwrap();
    (0..2000).into_par_iter().for_each(|i| {
        let rel = format!("episodes/ep-{}/part-{}.html", i % 50, i);
        staging.write(&rel, rel.as_bytes()).unwrap();
    });
    staging.commit().unwrap();
    let count = Site::tree(&site.dest())
        .values()
        .filter(|v| v.is_some())
        .count();
    assert_eq!(count, 2001);
}

#[test]
fn recycled_builds_match_fresh_ones() {
    let site = Site::new();
    // Two builds give a spare; the third overwrites it in place.
    build(
        &site.dest(),
        &[
            ("a", "file"),
            ("x/y/z.html", "deep"),
            ("long.html", "0123456789"),
        ],
    );
    build(&site.dest(), &[("index.html", "v2")]);
    let staging = Staging::begin(&site.dest()).unwrap();
    assert!(staging.recycled);
    // `a` was a file and is now a folder; `x` was a folder and is now a file; `long`
    // shrinks.
    staging.write("a/b.html", b"ab").unwrap();
    staging.write("x", b"x").unwrap();
    staging.write("long.html", b"short").unwrap();
    staging.write(".gitignore", b"mine").unwrap();
    staging.commit().unwrap();
    let tree = Site::tree(&site.dest());
    let names: Vec<_> = tree.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [MARKER, ".gitignore", "a", "a/b.html", "long.html", "x"]
    );
    assert_eq!(tree["long.html"].as_deref(), Some(&b"short"[..]));
    assert_eq!(tree[".gitignore"].as_deref(), Some(&b"mine"[..]));
    assert!(site.leftovers().is_empty());
}

#[test]
fn fresh_builds_leave_no_gitignore_in_dest() {
    let site = Site::new();
    build(&site.dest(), &[("index.html", "x")]);
    assert!(!site.dest().join(".gitignore").exists());
}

#[test]
fn conflicting_writes_of_one_build_are_errors() {
    let site = Site::new();
    build(&site.dest(), &[("i", "1")]);
    build(&site.dest(), &[("i", "2")]);
    let staging = Staging::begin(&site.dest()).unwrap();
    assert!(staging.recycled);
    staging.write("a", b"file").unwrap();
    let err = staging.write("a/b", b"x").unwrap_err();
    assert!(err.to_string().contains("a"), "{err}");
    assert_eq!(fs::read(staging.path().join("a")).unwrap(), b"file");
}

#[test]
fn a_recycled_tree_never_leads_writes_outside_or_into_other_links() {
    let site = Site::new();
    build(&site.dest(), &[("i", "1")]);
    build(
        &site.dest(),
        &[("episodes/e/index.html", "2"), ("shared.html", "keep")],
    );
    // Tamper with the site that will become the spare: a folder link to the outside
    // and a hard link to a file that must not change.
    let outside = tempfile::tempdir().unwrap();
    fs::remove_dir_all(site.dest().join("episodes")).unwrap();
    symlink(outside.path(), site.dest().join("episodes")).unwrap();
    let backup = site.root().join("backup.html");
    fs::hard_link(site.dest().join("shared.html"), &backup).unwrap();
    build(&site.dest(), &[("i", "3")]);

    let staging = Staging::begin(&site.dest()).unwrap();
    assert!(staging.recycled);
    staging.write("episodes/e/index.html", b"new").unwrap();
    staging.write("shared.html", b"changed").unwrap();
    staging.commit().unwrap();
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(fs::read(&backup).unwrap(), b"keep");
    assert_eq!(
        fs::read(site.dest().join("episodes/e/index.html")).unwrap(),
        b"new"
    );
}

#[test]
fn copy_dir_skips_unchanged_files_and_recopies_changed_ones() {
    let site = Site::new();
    let s = site.root().join("static");
    fs::create_dir(&s).unwrap();
    fs::write(s.join("logo.svg"), "v1").unwrap();
    let copy = || {
        let staging = Staging::begin(&site.dest()).unwrap();
        assert!(
            staging
                .copy_dir(&s, site.root())
                .unwrap()
                .diagnostics
                .is_empty()
        );
        staging.commit().unwrap();
        fs::read(site.dest().join("logo.svg")).unwrap()
    };
    assert_eq!(copy(), b"v1");
    assert_eq!(copy(), b"v1");
    assert_eq!(copy(), b"v1");
    let src_time = fs::metadata(s.join("logo.svg"))
        .unwrap()
        .modified()
        .unwrap();
    let dst_time = fs::metadata(site.dest().join("logo.svg"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(src_time, dst_time);
    fs::write(s.join("logo.svg"), "v2").unwrap();
    assert_eq!(copy(), b"v2");
    assert_eq!(copy(), b"v2");
}

#[cfg(target_os = "linux")]
#[test]
fn exchange_swaps_two_folders_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fs::create_dir(&a).unwrap();
    fs::create_dir(&b).unwrap();
    fs::write(a.join("from-a"), "").unwrap();
    assert!(super::folders::exchange(&a, &b).unwrap());
    assert!(b.join("from-a").exists() && !a.join("from-a").exists());
}
