//! The turns of a chapter as one HTML fragment, written straight from the model.
//!
//! A transcript is most of a site's bytes (about 20 chapters × dozens of turns per
//! episode, ~120,000 turns at 1000 episodes), and running each turn through the
//! template engine (a map per turn, escaping through the VM) cost more than
//! everything else on a page. So turns are written here, as few bytes as keep them
//! styleable and linkable: stable class names a theme styles in CSS, attribute values
//! unquoted where HTML allows it, and nothing a script can derive:
//!
//! ```html
//! <div class="chapter-intro prose">…text before the first turn, if any…</div>
//! <div class=turn id=t-00-01-33><p class=who><a href=/people/x/>Stefan</a> <a class=ts href=#t-00-01-33>00:01:33</a></p>…Markdown…</div>
//! ```
//!
//! - The speaker is the first child of `.who`: a link to their page, or a `<span>`
//!   for a speaker without one.
//! - What was said follows `.who` directly inside `.turn` (paragraphs, lists, …),
//!   without a wrapper.
//! - A turn's start second is in its id (`t-HH-MM-SS`, `-2`… added when two turns
//!   start in the same second), which `castbook.js` reads; chapter timestamps keep
//!   `data-t`.
//!
//! A theme that wants its own turn markup can loop over `chapter.turns` instead:
//! those structured views are built only when a template mentions `turns`.

use std::fmt::Write as _;

use crate::markdown::{escape_into, push_html};
use crate::model::Chapter;

use super::views::Shared;

/// Appends the HTML of the opening text (if any) and every turn of `chapter` to `out`.
pub(super) fn push_turns(out: &mut String, chapter: &Chapter, shared: &Shared<'_>) {
    // Written compact, so the minifier can skip it (see `minify::page`).
    out.push_str(super::minify::RAW_START);
    if !chapter.intro.is_empty() {
        // Text the transcript has outside any turn (warned about when parsing). The
        // chapter slug namespaces its footnotes: turn anchors never equal one.
        out.push_str("<div class=\"chapter-intro prose\">");
        push_html(out, &chapter.intro, &chapter.slug);
        out.push_str("</div>");
    }
    for turn in &chapter.turns {
        out.push_str("<div class=turn id=");
        push_attr(out, &turn.anchor);
        out.push_str("><p class=who>");
        match turn.person.and_then(|p| shared.person(p)) {
            Some(person) => {
                out.push_str("<a href=");
                push_attr(out, &person.url);
                out.push('>');
                escape_into(out, &turn.speaker_label);
                out.push_str("</a>");
            }
            None => {
                out.push_str("<span>");
                escape_into(out, &turn.speaker_label);
                out.push_str("</span>");
            }
        }
        out.push_str(" <a class=ts href=");
        push_attr_after(out, "#", &turn.anchor);
        out.push('>');
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", turn.start);
        out.push_str("</a></p>");
        push_html(out, &turn.body, &turn.anchor);
        out.push_str("</div>");
    }
    out.push_str(super::minify::RAW_END);
}

/// Appends an attribute value (after its `=`): bare when every byte may stand in an
/// unquoted value, else double-quoted and escaped.
fn push_attr(out: &mut String, value: &str) {
    push_attr_after(out, "", value);
}

/// [`push_attr`] of `prefix` + `value`, where `prefix` is plain ASCII that is safe
/// unquoted (`#`).
fn push_attr_after(out: &mut String, prefix: &str, value: &str) {
    let bare = !value.is_empty() && value.bytes().all(unquoted_byte);
    if !bare {
        out.push('"');
    }
    out.push_str(prefix);
    if bare {
        out.push_str(value);
    } else {
        escape_into(out, value);
        out.push('"');
    }
}

/// Bytes an unquoted attribute value may hold that need no escaping either: HTML
/// forbids whitespace, `"`, `'`, `=`, `<`, `>` and `` ` `` there, and `&` would need
/// an entity. Plain ASCII only, so a value is bare or not whatever its encoding.
fn unquoted_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:%~+,;@!$()*?#".contains(&b)
}

/// A generous size guess for a chapter's HTML, to allocate once.
pub(super) fn size_hint(chapter: &Chapter) -> usize {
    chapter.intro.len()
        + chapter
            .turns
            .iter()
            .map(|t| t.body.len() + t.body.len() / 8 + 160)
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::push_attr;

    fn attr(v: &str) -> String {
        let mut out = String::new();
        push_attr(&mut out, v);
        out
    }

    #[test]
    fn attribute_values_are_bare_only_when_html_allows_it() {
        assert_eq!(attr("t-00-01-33"), "t-00-01-33");
        assert_eq!(attr("/base/people/x/"), "/base/people/x/");
        assert_eq!(attr("/a%20b/"), "/a%20b/");
        assert_eq!(attr(""), "\"\"");
        for (v, quoted) in [
            ("a b", "\"a b\""),
            ("a=b", "\"a=b\""),
            ("a\"b", "\"a&quot;b\""),
            ("a'b", "\"a&#39;b\""),
            ("a<b>", "\"a&lt;b&gt;\""),
            ("a&b", "\"a&amp;b\""),
            ("a`b", "\"a`b\""),
            ("/pe\u{f6}ple/", "\"/pe\u{f6}ple/\""),
        ] {
            assert_eq!(attr(v), quoted, "{v:?}");
        }
    }
}
