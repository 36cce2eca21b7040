//! Fuzzes the Markdown renderer used for turn bodies and descriptions: whatever the
//! text, the output holds only the tags and attributes Markdown itself makes, and
//! every link or image target is relative or http(s)/mailto.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// Tags pulldown-cmark emits for the options castbook enables (headings are turned
/// into strong paragraphs, so none appear).
const TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "a",
    "img",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "hr",
    "br",
    "sup",
    "div",
    "section",
    "span",
];
const ATTRS: &[&str] = &[
    "href", "src", "alt", "title", "id", "class", "start", "style", "aria-label",
];

fuzz_target!(|text: &str| {
    let html = castbook::markdown::to_html(text, "t-");
    // Text is escaped, so every `<` left in the output opens real markup.
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        check_tag(&rest[at + 1..tag_end], &html);
        rest = &rest[tag_end.min(rest.len())..];
        if rest.starts_with('>') {
            rest = &rest[1..];
        }
    }
});

fn check_tag(tag: &str, html: &str) {
    let tag = tag.trim_start_matches('/').trim_end_matches('/');
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = &tag[..name_end];
    assert!(TAGS.contains(&name), "tag <{name}> in {html}");
    // Attributes: name="value", values quoted and escaped.
    let mut attrs = &tag[name_end..];
    while let Some(eq) = attrs.find("=\"") {
        let attr = attrs[..eq].trim();
        assert!(
            ATTRS.contains(&attr),
            "attribute {attr} on <{name}> in {html}"
        );
        let value_start = eq + 2;
        let value_end = attrs[value_start..]
            .find('"')
            .map_or(attrs.len(), |e| value_start + e);
        let value = &attrs[value_start..value_end];
        if attr == "href" || attr == "src" {
            check_url(value, html);
        }
        attrs = &attrs[(value_end + 1).min(attrs.len())..];
    }
}

fn check_url(url: &str, html: &str) {
    let lower = url.trim().to_ascii_lowercase();
    // A scheme is what comes before a `:` that precedes any `/`, `?` or `#`.
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']);
    if let Some(colon) = scheme_end
        && path_start.is_none_or(|p| colon < p)
    {
        let scheme = &lower[..colon];
        assert!(
            ["http", "https", "mailto"].contains(&scheme),
            "link scheme {scheme:?} in {html}"
        );
    }
}
