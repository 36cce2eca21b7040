//! The turns of a chapter as one HTML fragment, written straight from the model.
//!
//! A transcript is most of a site's bytes (about 20 chapters × dozens of turns per
//! episode), and running each turn through the template engine (a map per turn,
//! escaping through the VM) cost more than everything else on a page. So turns are
//! written here, with stable class names a theme styles in CSS:
//!
//! ```html
//! <div class="chapter-intro prose">…text before the first turn, if any…</div>
//! <div class="turn" id="t-00-01-33">
//! <p class="who"><a class="speaker" href="/people/x/">Stefan</a> <a class="ts" href="#t-00-01-33" data-t="93">00:01:33</a></p>
//! <div class="said prose">…Markdown…</div>
//! </div>
//! ```
//!
//! A theme that wants its own turn markup can loop over `chapter.turns` instead:
//! those structured views are built only when a template mentions `turns`.

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
        let start = turn.start.to_string();
        out.push_str("<div class=\"turn\" id=\"");
        escape_into(out, &turn.anchor);
        out.push_str("\"><p class=\"who\">");
        match turn.person.and_then(|p| shared.person(p)) {
            Some(person) => {
                out.push_str("<a class=\"speaker\" href=\"");
                escape_into(out, &person.url);
                out.push_str("\">");
                escape_into(out, &turn.speaker_label);
                out.push_str("</a>");
            }
            None => {
                out.push_str("<span class=\"speaker\">");
                escape_into(out, &turn.speaker_label);
                out.push_str("</span>");
            }
        }
        out.push_str(" <a class=\"ts\" href=\"#");
        escape_into(out, &turn.anchor);
        out.push_str("\" data-t=\"");
        out.push_str(&turn.start.seconds().to_string());
        out.push_str("\">");
        out.push_str(&start);
        out.push_str("</a></p><div class=\"said prose\">");
        push_html(out, &turn.body, &turn.anchor);
        out.push_str("</div></div>");
    }
    out.push_str(super::minify::RAW_END);
}

/// A generous size guess for a chapter's HTML, to allocate once.
pub(super) fn size_hint(chapter: &Chapter) -> usize {
    chapter.intro.len()
        + chapter
            .turns
            .iter()
            .map(|t| t.body.len() + t.body.len() / 8 + 200)
            .sum::<usize>()
}
