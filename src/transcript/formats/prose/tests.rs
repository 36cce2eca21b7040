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
        "Verse 1:2: and so",
        "+ plus",
    ] {
        let body = md(text);
        assert_eq!(plain(&body), text, "{body}");
        let html = crate::markdown::to_html(&body, "t");
        assert!(html.starts_with("<p>"), "{text} → {html}");
    }
    assert_eq!(md("Sure 10:30: that works"), "Sure 10:30\\: that works");
    // A paragraph shaped like a turn line with a malformed time, which the text format
    // would warn about, is escaped too, so `castbook import` output reads back quietly.
    assert_eq!(md("Verse 1:2: and so"), "Verse 1:2\\: and so");
    assert_eq!(md("Step 1: begin"), "Step 1: begin");
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
fn abbreviations_are_the_listed_words_only() {
    for a in ABBREVIATIONS {
        assert!(is_abbreviation(a.as_bytes()), "{a}");
        assert!(!is_abbreviation(a.to_uppercase().as_bytes()), "{a}");
        assert!(!is_abbreviation(&a.as_bytes()[1..]), "{a}");
    }
    // A zero byte pads a key: a word holding one is not taken for a shorter one.
    for w in [
        "Mr",
        "mr.",
        "Mrss.",
        "etc",
        "U.S.",
        "approx..",
        "",
        ".",
        "Mr.\0",
        "approx.\0\0",
    ] {
        assert!(!is_abbreviation(w.as_bytes()), "{w}");
    }
}

#[test]
fn abbreviations_end_no_sentence_on_either_path() {
    // Four sentences, an abbreviation, then a word that would open a paragraph if the
    // abbreviation ended a fifth.
    for a in ABBREVIATIONS {
        let text = format!("One. Two. Three. Four. {a} Next one.");
        let mut p = Prose::with_buffer(true, String::new(), 0);
        p.push(&text);
        let fast = p.finish();
        assert_eq!(fast, slow(&text, true));
        assert_eq!(fast, text);
    }
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

/// [`Prose::push_lines`] as its docs say: the lines trimmed, empty ones skipped, joined
/// by a space and pushed as one text.
fn joined_then_pushed(lines: &str, auto: bool) -> (String, String) {
    let joined: Vec<&str> = lines
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let (mut a, mut b) = (
        Prose::with_buffer(auto, String::new(), 0),
        Prose::with_buffer(auto, String::new(), 0),
    );
    // Twice, so a second cue meets the state (sentences, a break due) the first left.
    for _ in 0..2 {
        a.push_lines(lines);
        b.push(&joined.join(" "));
    }
    (a.finish(), b.finish())
}

#[test]
fn lines_read_in_place_give_what_the_joined_text_does() {
    let long = "word after word with no end\n".repeat(60);
    let clean = [
        "One. Two! Three?\nFour. Five. six\nSeven. Mr. Smith\nsaid e.g. this.",
        "# first\n- second\n12. third",
        long.trim_end(),
        "P&L and snake_case\nwrapped “quoted” words’ end.",
    ];
    // These are read in one go (line ends as spaces), the rest line by line.
    for lines in clean {
        assert!(is_plain_in::<true>(lines.as_bytes()), "{lines:?}");
        for auto in [true, false] {
            let (a, b) = joined_then_pushed(lines, auto);
            assert_eq!(a, b, "{lines:?} {auto}");
        }
    }
    for lines in [
        "a \nb", "a\n b", "a\n\nb", "a\r\nb", "\na", "a\n", "a\tb\nc",
    ] {
        assert!(!is_plain_in::<true>(lines.as_bytes()), "{lines:?}");
    }
    for lines in [
        "One. Two!\n  Three? Four.\r\nFive. six\n\n \nSeven.",
        "wrapped caption\nline *with* markup\nand P&L & a_b _c",
        "# not a heading\n- nor a list\n12. nor this",
        "Sure\n10:30: ok",
        "ends.\n\"Quoted.\"\nnbsp\u{a0}here…",
    ] {
        for auto in [true, false] {
            let (a, b) = joined_then_pushed(lines, auto);
            assert_eq!(a, b, "{lines:?} {auto}");
        }
    }
}

proptest::proptest! {
    #[test]
    fn any_lines_read_in_place_give_what_the_joined_text_does(
        lines in proptest::collection::vec(
            "[a-zA-Z0-9 .!?:#*_&;<>\\-\"]{0,40}|[ \t\r]{0,2}|.{0,10}|[A-Za-z]{1,8}[.!?,]?( [A-Za-z1-9]{1,8}[.!?:]?){0,9}",
            0..8,
        ),
        auto in proptest::bool::ANY,
    ) {
        let lines = lines.join("\n");
        let (a, b) = joined_then_pushed(&lines, auto);
        proptest::prop_assert_eq!(a, b, "{:?}", lines);
    }
}

/// [`is_plain_in`] written byte by byte, as its docs define it.
fn plain_by_definition(b: &[u8], nl: bool) -> bool {
    let blank = |c: u8| c == b' ' || (nl && c == b'\n');
    let never = |c: u8| {
        (c < 0x20 && !(nl && c == b'\n')) || matches!(c, 0x7f | b'\\' | b'`' | b'*' | b'~' | b'[')
    };
    !(b.first().is_some_and(|&c| blank(c))
        || b.last().is_some_and(|&c| blank(c))
        || b.iter().any(|&c| never(c))
        || b.windows(2).any(|w| blank(w[0]) && blank(w[1]))
        || syntax_to_escape(b)
        || wide_space(b))
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(1024))]

    #[test]
    fn the_plain_test_is_its_definition(
        words in "[a-z]{1,8}([ \n][a-z.;]{1,8}){0,12}",
        odd in proptest::collection::vec(
            (
                0usize..200,
                proptest::sample::select(vec![
                    " ", "\n", "\t", "\r", "\u{1}", "\u{1f}", "\u{7f}", "\\", "`", "*", "~", "[",
                    "_", "&", "<", "\u{a0}", "…", "’", "\u{2028}", "\u{3000}", "\u{1680}",
                ]),
            ),
            0..3,
        ),
    ) {
        let mut s = words;
        for (at, c) in odd {
            let mut at = at % (s.len() + 1);
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            s.insert_str(at, c);
        }
        for nl in [false, true] {
            let fast = if nl { is_plain_in::<true>(s.as_bytes()) } else { is_plain(s.as_bytes()) };
            proptest::prop_assert_eq!(fast, plain_by_definition(s.as_bytes(), nl), "{:?} {}", s, nl);
        }
    }
}

/// Words of every kind [`Prose`] treats apart, and what may separate them.
fn text_with_odd_words() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let word = prop_oneof![
        4 => "[a-z]{1,8}",
        2 => "[A-Z][a-z]{0,6}[.!?,]",
        1 => "[a-z]{0,4}[*_\\[`~<&\\\\][a-z;/]{0,4}",
        1 => "[a-z]{1,3}(…|\u{a0}|’|\\.\\)|\\.”)",
        1 => "(e\\.g\\.|Mr\\.|U\\.S\\.|approx\\.|etc\\.|Inc\\.|12\\.|3\\)|#|-|>|10:30:)",
    ];
    let sep = prop_oneof![8 => Just(" "), 1 => Just("  "), 1 => Just("\n"), 1 => Just(" \n "), 1 => Just("\t")];
    proptest::collection::vec((word, sep), 0..200).prop_map(|ws| {
        ws.into_iter()
            .flat_map(|(w, s)| [w, s.to_owned()])
            .collect::<String>()
    })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(512))]

    #[test]
    fn long_texts_with_odd_words_read_as_word_by_word(
        text in text_with_odd_words(),
        auto in proptest::bool::ANY,
    ) {
        // As a cue's text (lines are paragraphs) and as a cue's lines in the source.
        let mut p = Prose::with_buffer(auto, String::new(), 0);
        p.push(&text);
        p.push(&text);
        proptest::prop_assert_eq!(p.finish(), slow(&format!("{text} {text}"), auto));
        let joined: Vec<&str> = text.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect();
        let joined = joined.join(" ");
        let mut p = Prose::with_buffer(auto, String::new(), 0);
        p.push_lines(&text);
        p.push_lines(&text);
        proptest::prop_assert_eq!(p.finish(), slow(&format!("{joined} {joined}"), auto));
    }
}

#[test]
fn pieces_are_cut_at_separators_past_the_piece_length() {
    let text = "abcdefghi ".repeat(40);
    let cut: Vec<&str> = pieces(&text, b' ').collect();
    assert!(cut.len() > 2, "{cut:?}");
    assert_eq!(cut.join(" "), text);
    assert!(cut[..cut.len() - 1].iter().all(|p| p.len() >= PIECE));
    assert_eq!(pieces("short", b' ').collect::<Vec<_>>(), ["short"]);
}
