//! `castbook check`: parse and report, write nothing.

use crate::support::{Site, generate};

#[test]
fn sample_archive_is_clean() {
    let site = Site::sample();
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("1 podcast, 1 episode, 21 chapters, 84 turns, 2 people, 21 topics (0 errors"),
        "{}",
        run.stdout
    );
    // check writes nothing.
    assert!(!site.path().join("public").exists());
}

#[test]
fn generated_corpus_is_clean() {
    let site = Site::empty();
    if !generate(25, &site.path().join("content")) {
        return;
    }
    let run = site.run(&["check", "."]);
    run.expect_code(0);
    assert!(run.stdout.contains("25 episodes"), "{}", run.stdout);
    assert!(
        run.stdout.contains("(0 errors"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn wrong_config_type_is_a_usage_error_naming_the_key() {
    let site = Site::sample();
    site.write("book.toml", "[book]\ntitle = 5\n");
    let run = site.run(&["check"]);
    run.expect_code(2);
    assert!(run.stderr.contains("book.toml:2:9"), "{}", run.stderr);
    assert!(run.stderr.contains("`book.title`"), "{}", run.stderr);
}

#[test]
fn unknown_config_key_is_a_warning() {
    let site = Site::sample();
    site.write("book.toml", "[book]\ntitel = \"x\"\n");
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert_eq!(
        run.headlines(),
        ["warning: book.toml:2: unknown key `book.titel` is ignored"]
    );
}

#[test]
fn missing_content_folder_is_a_usage_error() {
    let site = Site::empty();
    let run = site.run(&["check"]);
    run.expect_code(2);
    assert!(run.stderr.contains("content"), "{}", run.stderr);
}

#[test]
fn missing_site_folder_is_a_usage_error() {
    let site = Site::empty();
    let run = site.run(&["check", "no/such/site"]);
    run.expect_code(2);
}

#[test]
fn unknown_command_is_a_usage_error() {
    let site = Site::empty();
    site.run(&["frobnicate"]).expect_code(2);
}

/// Each fixture's `expected.txt` lists the exact headlines `check` must print, in order.
fn assert_fixture(name: &str, code: i32) {
    let site = Site::fixture(name);
    let expected = std::fs::read_to_string(site.path().join("expected.txt")).unwrap();
    let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
    let run = site.run(&["check"]);
    run.expect_code(code);
    assert_eq!(run.headlines(), expected, "fixture {name}\n{}", run.stderr);
}

#[test]
fn every_error_class_has_its_exact_diagnostic() {
    for name in [
        "bad_date",
        "bad_timestamp",
        "bad_yaml",
        "empty_host",
        "front_matter_not_mapping",
        "missing_front_matter",
        "missing_required_field",
        "no_turns",
        "not_utf8",
        "unparseable_date",
        "unterminated_front_matter",
        "wrong_type",
    ] {
        assert_fixture(&format!("invalid/{name}"), 1);
    }
}

#[test]
fn several_broken_files_are_all_reported_in_one_run() {
    assert_fixture("invalid/multiple_files", 1);
}

#[test]
fn every_warning_class_has_its_exact_diagnostic_and_exits_zero() {
    for name in [
        "ambiguous_speaker",
        "clean",
        "crlf_bom",
        "empty_chapter",
        "guest_background_mismatch",
        "implicit_chapter",
        "text_before_first_turn",
        "timestamps_backwards",
        "unresolved_speaker",
    ] {
        assert_fixture(&format!("valid/{name}"), 0);
    }
}

#[test]
fn errors_come_with_a_source_excerpt() {
    let site = Site::fixture("invalid/bad_date");
    let run = site.run(&["check"]);
    assert!(
        run.stderr
            .contains("6 | episode_date: 31/02/2025\n  |               ^^^^^^^^^^"),
        "{}",
        run.stderr
    );
}

#[test]
fn names_without_letters_or_digits_are_reported_with_the_slug_chosen() {
    let site = Site::empty();
    site.write(
        "content/shows/odd.txt",
        "---\npodcast_name: Odd Show\nepisode_title: \"???\"\nhost_name: Ann Host\n\
         guest_name: [Real Guest, \"…\"]\nepisode_date: 2025-01-02\n---\n\
         Ann 00:00:01:\nHello.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    let says = "has no letters or digits to make a web address from";
    assert_eq!(
        run.headlines(),
        [
            format!(
                "warning: content/shows/odd.txt:3:16: episode_title \"???\" {says}; the \
                 episode is published at episodes/episode/"
            ),
            format!(
                "warning: content/shows/odd.txt:5:26: guest_name \"…\" {says}; this \
                 person's page is people/person/"
            ),
        ]
    );
    site.run(&["build"]).expect_code(0);
    assert!(
        site.path()
            .join("public/episodes/episode/index.html")
            .is_file()
    );
    assert!(
        site.path()
            .join("public/people/person/index.html")
            .is_file()
    );
}
