//! `.ci/advisories` against a snapshot of the RustSec database (`--snapshot`: the live
//! database is never fetched here): the real snapshot passes and says which one it
//! used, a snapshot with an advisory against a crate in Cargo.lock fails, and a
//! missing snapshot is a clear error. Needs cargo-deny (installed by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Site, repo, tool_missing};

/// What one `.ci/advisories --snapshot` run printed and returned.
struct ScriptRun {
    code: Option<i32>,
    output: String,
}

fn run_script(snapshot: &Path) -> ScriptRun {
    let out = Command::new("bash")
        .arg(repo().join(".ci/advisories"))
        .arg("--snapshot")
        .env("CASTBOOK_ADVISORY_SNAPSHOT", snapshot)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    ScriptRun {
        code: out.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn have_cargo_deny() -> bool {
    let ok = Command::new("cargo")
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok || tool_missing("cargo-deny is not installed (`cargo install cargo-deny --locked`)")
}

/// `cargo deny --offline` reads every crate of the graph (all targets) from cargo's
/// cache, which a run of `.ci/run`'s licence check fills.
fn crates_missing(run: &ScriptRun) -> bool {
    run.output.contains("--offline was specified")
        && tool_missing(
            "some crates are not in cargo's cache (run `cargo deny check licenses` once online)",
        )
}

/// The shared snapshot beside the repository, as `.ci/advisories` finds it.
fn shared_snapshot() -> Option<PathBuf> {
    let path = std::env::var_os("CASTBOOK_ADVISORY_SNAPSHOT")
        .map_or_else(|| repo().join("../shared/advisory-db"), PathBuf::from);
    if path.join("SNAPSHOT").is_file() {
        Some(path)
    } else {
        tool_missing(&format!(
            "no advisory snapshot at {} (set CASTBOOK_ADVISORY_SNAPSHOT)",
            path.display()
        ));
        None
    }
}

#[test]
fn the_shared_snapshot_passes_and_is_named_with_its_date() {
    if !have_cargo_deny() {
        return;
    }
    let Some(snapshot) = shared_snapshot() else {
        return;
    };
    let stamp = std::fs::read_to_string(snapshot.join("SNAPSHOT")).unwrap();
    let mut fields = stamp.split_whitespace();
    let (commit, date) = (fields.next().unwrap(), fields.next().unwrap());
    let run = run_script(&snapshot);
    if crates_missing(&run) {
        return;
    }
    assert_eq!(run.code, Some(0), "{}", run.output);
    let said = format!(
        "checked against the RustSec snapshot {} of {date}",
        &commit[..12]
    );
    assert!(run.output.contains(&said), "{}", run.output);
}

/// A snapshot holding one advisory, against every version of `walkdir` (in Cargo.lock).
fn snapshot_with_advisory(site: &Site) -> PathBuf {
    site.write(
        "db/SNAPSHOT",
        "0123456789abcdef0123456789abcdef01234567 2026-01-02\n",
    )
    .write(
        "db/crates/walkdir/RUSTSEC-2099-0001.md",
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"walkdir\"\n\
             date = \"2026-01-01\"\nurl = \"https://example.com/walkdir\"\n\
             categories = [\"memory-corruption\"]\n\n[versions]\npatched = []\n```\n\n\
             # A made-up hole in walkdir\n\nEvery version is affected.\n",
    );
    site.path().join("db")
}

#[test]
fn an_advisory_against_a_locked_crate_fails_the_check() {
    if !have_cargo_deny() {
        return;
    }
    let site = Site::empty();
    let run = run_script(&snapshot_with_advisory(&site));
    if crates_missing(&run) {
        return;
    }
    assert_eq!(run.code, Some(1), "{}", run.output);
    for needle in [
        "RUSTSEC-2099-0001",
        "walkdir",
        "against the RustSec snapshot 0123456789ab of 2026-01-02",
    ] {
        assert!(run.output.contains(needle), "{needle}:\n{}", run.output);
    }
    assert!(!run.output.contains("advisories ok:"), "{}", run.output);
}

#[test]
fn a_missing_snapshot_is_a_clear_error() {
    let site = Site::empty();
    let run = run_script(&site.path().join("nowhere"));
    assert_eq!(run.code, Some(1), "{}", run.output);
    assert!(
        run.output.contains("there is no snapshot of it at")
            && run.output.contains("nowhere")
            && run.output.contains("CASTBOOK_ADVISORY_SNAPSHOT"),
        "{}",
        run.output
    );
}
