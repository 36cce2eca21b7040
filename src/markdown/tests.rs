use super::*;

fn html(src: &str) -> String {
    to_html(src, "t-00-01-00")
}

/// Every tag in `out` is one Markdown produces, with no event handler and no
/// script-capable URL. Text may mention anything: it is escaped.
fn assert_inert(out: &str) {
    const TAGS: &[&str] = &[
        "p",
        "em",
        "strong",
        "del",
        "a",
        "img",
        "code",
        "pre",
        "sup",
        "div",
        "span",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "br",
    ];
    let mut rest = out;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
        let tag = rest[open + 1..close].to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(TAGS.contains(&name.as_str()), "tag <{tag}> in {out}");
        for (attr, value) in attributes(&tag[name.len()..]) {
            assert!(!attr.starts_with("on"), "handler {attr} in {out}");
            if attr == "href" || attr == "src" {
                assert!(is_safe_url(&value), "url {value} in {out}");
            }
        }
        rest = &rest[close..];
    }
}

/// `name="value"` pairs of a tag's attribute text, quotes respected.
fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if text.is_empty() {
            return out;
        }
        let end = text
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(text.len());
        let name = text[..end].to_owned();
        text = &text[end..];
        let mut value = String::new();
        if let Some(rest) = text.strip_prefix('=') {
            let (v, after) = match rest.strip_prefix('"') {
                Some(q) => q.split_once('"').unwrap_or((q, "")),
                None => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
            };
            value = v.to_owned();
            text = after;
        }
        out.push((name, value));
    }
}

#[test]
fn paragraphs_emphasis_and_smart_punctuation() {
    let out = html("It's \"fine\" -- *really* **so** ~~not~~.\n\nSecond.");
    assert_eq!(
        out,
        "<p>It’s “fine” – <em>really</em> <strong>so</strong> <del>not</del>.</p>\n<p>Second.</p>\n"
    );
}

#[test]
fn tables_render() {
    let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(
        out.contains("<table>") && out.contains("<td>2</td>"),
        "{out}"
    );
}

#[test]
fn inline_raw_html_is_escaped_text() {
    let out = html("We lost him there <inaudible> and then <b onclick=\"x()\">bold</b>.");
    assert_eq!(
        out,
        "<p>We lost him there &lt;inaudible&gt; and then &lt;b onclick=\"x()\"&gt;bold&lt;/b&gt;.</p>\n"
    );
}

#[test]
fn block_raw_html_is_an_escaped_paragraph() {
    let out = html("<crosstalk>\n\n<script>alert(1)</script>\n\n<div onmouseover=\"x\">hi</div>\n");
    assert!(out.contains("<p>&lt;crosstalk&gt;"), "{out}");
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{out}"
    );
    assert!(out.contains("&lt;div onmouseover"), "{out}");
    assert_inert(&out);
}

#[test]
fn comments_and_cdata_are_text() {
    let out = html("<!-- hidden --> and <![CDATA[x]]> and <?php echo 1 ?>");
    assert!(out.contains("&lt;!-- hidden --&gt;"), "{out}");
    assert!(!out.contains("<!--"), "{out}");
}

#[test]
fn allowed_link_schemes_survive() {
    for (src, href) in [
        (
            "[a](https://example.com/x?y=1&z=2)",
            "https://example.com/x?y=1&amp;z=2",
        ),
        ("[a](http://example.com)", "http://example.com"),
        ("[a](mailto:me@example.com)", "mailto:me@example.com"),
        ("[a](../other/#t-00-01-00)", "../other/#t-00-01-00"),
        ("[a](/episodes/x/)", "/episodes/x/"),
        ("[a](#t-00-02-00)", "#t-00-02-00"),
        ("[a](HTTPS://EXAMPLE.COM)", "HTTPS://EXAMPLE.COM"),
        ("<https://example.com>", "https://example.com"),
        ("<me@example.com>", "mailto:me@example.com"),
        ("[a](page:with/colon)", ""),
    ] {
        let out = html(src);
        if href.is_empty() {
            assert!(!out.contains("href"), "{src} → {out}");
        } else {
            assert!(out.contains(&format!("href=\"{href}\"")), "{src} → {out}");
        }
    }
}

#[test]
fn hostile_links_are_dropped_to_text() {
    for src in [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](< javascript:alert(1)>)",
        "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;&#x61;vascript&#58;alert(1))",
        "[click](javascript&colon;alert(1))",
        "[click](jav&#x09;ascript:alert(1))",
        "[click](jav&#10;ascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](file:///etc/passwd)",
        "[click][r]\n\n[r]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[click](\u{1}javascript:alert(1))",
    ] {
        let out = html(src);
        assert!(!out.contains("<a"), "{src:?} → {out}");
        assert!(
            out.contains("click") || out.contains("alert"),
            "{src:?} → {out}"
        );
        assert_inert(&out);
    }
}

#[test]
fn hostile_images_become_alt_text() {
    let out = html("![a cat](javascript:alert(1)) ![dog](data:image/png;base64,AAA)");
    assert_eq!(out, "<p>a cat dog</p>\n");
    let ok = html("![a cat](cat.png \"Title\")");
    assert!(
        ok.contains("<img src=\"cat.png\" alt=\"a cat\" title=\"Title\""),
        "{ok}"
    );
}

#[test]
fn link_inside_dropped_link_text_keeps_its_own_rule() {
    let out = html("[![x](https://e.com/i.png)](javascript:alert(1))");
    assert!(out.contains("<img src=\"https://e.com/i.png\""), "{out}");
    assert!(!out.contains("<a"), "{out}");
}

#[test]
fn attribute_breakouts_are_escaped() {
    let out = html("[x](https://e.com/\"onmouseover=alert(1) \"t\\\"itle\")");
    assert_inert(&out);
    let out = html("![x\" onerror=\"alert(1)](https://e.com/a.png)");
    assert_inert(&out);
    let out = to_html("![x\" onerror=\"alert(1)](https://e.com/a.png)", "");
    assert!(out.contains("alt=\"x“ onerror=“alert(1)\""), "{out}");
    let out = html("![`\"` onerror=`\"`](https://e.com/a.png)");
    assert!(out.contains("alt=\"&quot; onerror=&quot;\""), "{out}");
}

#[test]
fn headings_become_strong_paragraphs() {
    let out = html("# Big\n\nText\n\nSetext\n---\n");
    assert_eq!(
        out,
        "<p class=\"md-heading\"><strong>Big</strong></p>\n<p>Text</p>\n<p class=\"md-heading\"><strong>Setext</strong></p>\n"
    );
    assert!(!out.contains("<h"), "{out}");
}

#[test]
fn footnotes_are_prefixed_and_backlinked() {
    let a = to_html("Claim[^1] and again[^1].\n\n[^1]: Source.", "t-00-01-00");
    let b = to_html("Other[^1].\n\n[^1]: Else.", "t-00-02-00");
    assert!(
        a.contains(
            "<sup class=\"fn-ref\"><a href=\"#t-00-01-00_fn1\" id=\"t-00-01-00_ref1\">1</a></sup>"
        ),
        "{a}"
    );
    // The second reference to the same note must not repeat the id.
    assert_eq!(a.matches("id=\"t-00-01-00_ref1\"").count(), 1, "{a}");
    assert!(a.contains("<div class=\"footnote\" id=\"t-00-01-00_fn1\"><a class=\"fn-back\" href=\"#t-00-01-00_ref1\""), "{a}");
    assert!(b.contains("id=\"t-00-02-00_fn1\""), "{b}");
    assert!(!a.contains("id=\"1\"") && !b.contains("id=\"1\""));
}

#[test]
fn footnotes_are_numbered_in_reading_order_whatever_their_labels() {
    let out = html("A[^zeta] B[^Alpha].\n\n[^alpha]: second\n[^zeta]: first\n");
    assert!(
        out.contains("href=\"#t-00-01-00_fn1\" id=\"t-00-01-00_ref1\">1<"),
        "{out}"
    );
    assert!(
        out.contains("href=\"#t-00-01-00_fn2\" id=\"t-00-01-00_ref2\">2<"),
        "{out}"
    );
    assert!(
        out.contains("id=\"t-00-01-00_fn1\"><a class=\"fn-back\" href=\"#t-00-01-00_ref1\""),
        "{out}"
    );
}

#[test]
fn dangling_and_unreferenced_footnotes_make_no_broken_links() {
    let out = html("Missing[^nope] here.\n\n[^orphan]: never cited\n");
    assert!(!out.contains("#t-00-01-00_fnnope"), "{out}");
    assert!(!out.contains("_ref"), "{out}");
    assert!(out.contains("<span class=\"fn-back\">1.</span>"), "{out}");
}

#[test]
fn hostile_prefix_is_reduced_to_id_characters() {
    let out = to_html("x[^1]\n\n[^1]: y", "\"><script>");
    assert!(out.contains("id=\"script_fn1\""), "{out}");
    assert_inert(&out);
}

#[test]
fn code_is_escaped() {
    let out = html("`<script>` and\n\n```\n<img src=x onerror=alert(1)>\n```\n");
    assert!(out.contains("<code>&lt;script&gt;</code>"), "{out}");
    assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
}

#[test]
fn excerpt_is_plain_words() {
    let src =
        "So *this* is `code` and <inaudible> a [link](https://e.com).\n\nNext paragraph here.";
    assert_eq!(
        excerpt(src, 100),
        "So this is code and <inaudible> a link. Next paragraph here."
    );
    assert_eq!(excerpt(src, 3), "So this is…");
    assert_eq!(excerpt("", 5), "");
    assert_eq!(excerpt("one two", 2), "one two");
}

#[test]
fn safe_url_rules() {
    assert!(is_safe_url("https://x"));
    assert!(is_safe_url("relative/path"));
    assert!(is_safe_url("/abs?q=a:b"));
    assert!(is_safe_url("#frag:x"));
    assert!(is_safe_url("mailto:a@b"));
    assert!(!is_safe_url("javascript:x"));
    assert!(!is_safe_url(" \u{0}javascript:x"));
    assert!(!is_safe_url("java\nscript:x"));
    assert!(!is_safe_url("DATA:x"));
    assert!(!is_safe_url("vbscript:x"));
}

#[test]
fn excerpt_of_a_long_body_reads_only_its_start() {
    let body = "word ".repeat(10_000) + "*tail*";
    assert_eq!(excerpt(&body, 3), "word word word…");
    let long_word = "x".repeat(5000);
    assert_eq!(excerpt(&long_word, 3), long_word);
    assert_eq!(excerpt("a *b* c d", 3), "a b c…");
}

#[test]
fn escape_into_escapes_text_and_attributes() {
    let mut out = String::from(">");
    escape_into(&mut out, "a<b>&\"c'é");
    assert_eq!(out, ">a&lt;b&gt;&amp;&quot;c&#39;é");
}

/// What the short way and pulldown-cmark write for `src`, when the short way takes it.
fn short_way(src: &str) -> Option<(String, String)> {
    let mut fast = String::new();
    if !push_plain(&mut fast, src) {
        return None;
    }
    let mut slow = String::new();
    push_parsed(&mut slow, src, "t");
    Some((fast, slow))
}

#[test]
fn plain_prose_takes_the_short_way_with_the_same_bytes() {
    for src in [
        "So I joined Meta in 2019, and it was great.",
        "First paragraph here.\n\nSecond one, with 50% more words.\nAnd a soft break.",
        "“Quoted” words, an emoji 🤔 and a café.",
        "It's what you're saying: the team's 2nd try.",
        "",
        "\n\nLeading blank lines.\n\n\n",
    ] {
        let (fast, slow) = short_way(src).unwrap_or_else(|| panic!("{src:?}"));
        assert_eq!(fast, slow, "{src:?}");
    }
    for src in [
        "'tis",
        "the students' work",
        "a 'quote'",
        "a \"quote\"",
        "wait...",
        "a -- b",
        "1. a list",
        "- item",
        "# heading",
        "> quote",
        "    code",
        "trailing  ",
        "*em*",
        "a <b>",
        "AT&T",
        "[link](x)",
        "line\r\n",
        "Title\n===",
    ] {
        assert!(!push_plain(&mut String::new(), src), "{src:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// Whenever the short way takes a text, it writes what pulldown-cmark writes.
    #[test]
    fn the_short_way_agrees_with_pulldown_cmark(
        src in "(a|B|z|1|9| |  |\\.|,|:|;|\\?|!|\\(|\\)|%|/|\\$|@|=|\\+|-|\\n|\\n\\n|é|“|🤔|\u{a0}|http://x\\.y|1\\. |- |#|>|\\*|_|`|~|\\||'|\"|&|<|\\[|\\]|\\\\|\t|===){0,24}"
    ) {
        if let Some((fast, slow)) = short_way(&src) {
            proptest::prop_assert_eq!(fast, slow, "{:?}", src);
        }
    }

    /// The same with only what plain prose is made of, so the short way is taken often.
    #[test]
    fn the_short_way_agrees_on_prose_like_text(
        src in "(So|a|I|z|é|“|🤔|\u{a0}| |  |'|it's|s' | 'q|\\.|,|:|;|\\?|!|\\(|\\)|%|/|\\$|@|=|\\+|-|1|9|1\\. |- |\\+ |= |http://x\\.y|\\n|\\n\\n|\\n\\n\\n){0,24}"
    ) {
        if let Some((fast, slow)) = short_way(&src) {
            proptest::prop_assert_eq!(fast, slow, "{:?}", src);
        }
    }
}
