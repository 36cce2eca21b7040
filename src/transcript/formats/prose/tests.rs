//! The prose builder's rules: escaping, sentences and paragraphs, and the fast path
//! against the word-by-word one.

use super::*;

fn md(text: &str) -> String {
    let mut p = Prose::with_buffer(true, String::new(), 0);
    p.push(text);
    p.finish()
}

/// What the exports make of a body: Markdown → plain text.
fn plain(body: &str) -> String {
    crate::exports::text::plain_text(body)
}

#[test]
fn plain_text_is_copied() {
    assert_eq!(md("  Hello   there,\tfriend. "), "Hello there, friend.");
    assert_eq!(md("Q&A at AT&T, 5 < 6"), "Q&A at AT&T, 5 < 6");
    assert_eq!(md("snake_case stays"), "snake_case stays");
}

#[test]
fn markdown_syntax_is_escaped_and_reads_back_as_written() {
    for text in [
        "*laughs* and _sighs_ with `code` [link](x) ~strike~ \\back",
        "# not a heading",
        "- not a list",
        "> not a quote",
        "12. not a list either",
        "3) nor this",
        "&amp; stays &amp; and <b>tags</b> and <https://x.y>",
        "Sure 10:30: that works",
        "+ plus",
    ] {
        let body = md(text);
        assert_eq!(plain(&body), text, "{body}");
        let html = crate::markdown::to_html(&body, "t");
        assert!(html.starts_with("<p>"), "{text} → {html}");
    }
    assert_eq!(md("Sure 10:30: that works"), "Sure 10:30\\: that works");
    assert_eq!(md("12. x"), "12\\. x");
}

/// The word-by-word path, for comparison with the fast one.
fn slow(text: &str, auto: bool) -> String {
    let mut p = Prose::with_buffer(auto, String::new(), 0);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            p.paragraph();
        }
        for w in line.split_whitespace() {
            p.word(w);
        }
    }
    p.finish()
}

#[test]
fn the_fast_path_gives_what_word_by_word_does() {
    let long = "word ".repeat(450);
    let exact = "abc ".repeat(299) + "ab.";
    for text in [
        "One. Two! Three? Four. Five. six goes on. Seven. Eight.",
        "Mr. Smith met Dr. Jones at coinbase.com/jobs. It was 3.5 hours. Yes! Sure? OK. Then. More. x",
        "# heading-like start. 12. item. - dash. Sure 10:30: ok. A. B. C. D. E. F.",
        long.trim(),
        exact.as_str(),
        "ends with a dot.",
        "P&L and AT&T, 5 < 6 and a<b, snake_case, _edge_ and &amp; <b>tag</b>. Done.",
        ".",
        "a",
        "",
    ] {
        for auto in [true, false] {
            let mut p = Prose::with_buffer(auto, String::new(), 0);
            p.push(text);
            p.push(text);
            let fast = p.finish();
            assert_eq!(
                fast,
                slow(&format!("{text} {text}"), auto),
                "{text:?} {auto}"
            );
        }
    }
    assert!(is_plain(
        b"plain words, curly \xE2\x80\x99quotes\xE2\x80\x99 ok".as_slice()
    ));
    assert!(!is_plain("nbsp\u{a0}here".as_bytes()));
    assert!(!is_plain("ellipsis…".as_bytes()));
    assert!(!is_plain(b"two  spaces"));
    assert!(is_plain(b"snake_case"));
    assert!(!is_plain(b"_edge"));
    assert!(!is_plain(b"a &amp; b"));
    assert!(is_plain(b"P&L 5 < 6"));
    assert!(!is_plain(b"a <b>"));
}

#[test]
fn paragraphs_every_few_sentences_and_on_request() {
    let text = "One. Two! Three? Four. Five. six goes on. Seven. Eight.";
    assert_eq!(
        md(text),
        "One. Two! Three? Four. Five. six goes on.\n\nSeven. Eight."
    );
    // Abbreviations do not count.
    let abbrev = "Mr. Smith met Dr. Jones, e.g. at U.S. events, etc. and more. Yes.";
    assert_eq!(md(abbrev), abbrev);
    let mut p = Prose::with_buffer(false, String::new(), 0);
    p.push("One. Two. Three. Four. Five. Six.");
    p.paragraph();
    p.push("Next\nline");
    assert_eq!(
        p.finish(),
        "One. Two. Three. Four. Five. Six.\n\nNext\n\nline"
    );
}
