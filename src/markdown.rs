//! Markdown → HTML for turn bodies and episode descriptions (pulldown-cmark).
//!
//! Transcript text is untrusted, so one event filter enforces the site's rules on
//! every document:
//! - raw HTML (block and inline) becomes escaped text: transcripts hold literal
//!   `<inaudible>` and nothing from a transcript may become markup;
//! - link and image targets survive only when relative or `http`, `https`, `mailto`;
//!   any other link is dropped to its text, any other image to its alt text;
//! - headings render as strong paragraphs, so a body never breaks the page outline
//!   (pages own every `<h1>`–`<h6>`);
//! - footnote ids carry a per-document prefix (the turn anchor) plus `_`, which no
//!   slug or turn anchor contains, so several documents on one page never collide.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The pulldown-cmark options every castbook document is parsed with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders `src` to an HTML string; `id_prefix` namespaces footnote ids (e.g. the turn anchor).
pub fn to_html(src: &str, id_prefix: &str) -> String {
    let mut out = String::with_capacity(src.len() + src.len() / 4);
    push_html(&mut out, src, id_prefix);
    out
}

/// Appends the HTML of `src` to `out`; see [`to_html`].
pub fn push_html(out: &mut String, src: &str, id_prefix: &str) {
    if !push_plain(out, src) {
        push_parsed(out, src, id_prefix);
    }
}

/// [`push_html`] through pulldown-cmark and the [`Filter`].
fn push_parsed(out: &mut String, src: &str, id_prefix: &str) {
    let parser = Parser::new_ext(src, options());
    // Footnotes need a look-ahead (numbering, dangling references, backlinks), so
    // only documents that can contain one pay for buffering their events.
    if src.contains("[^") {
        let events: Vec<Event<'_>> = parser.collect();
        let mut filter = Filter::new(id_prefix, Footnotes::scan(&events));
        pulldown_cmark::html::push_html(out, events.into_iter().filter_map(|e| filter.map(e)));
    } else {
        let mut filter = Filter::new(id_prefix, Footnotes::default());
        pulldown_cmark::html::push_html(out, parser.filter_map(|e| filter.map(e)));
    }
}

/// The bytes plain prose may hold: nothing to escape, nothing that opens markup, a
/// link, an entity or a quote to curl (`'` is checked apart); `!`, `(`, `)` only mean
/// something after a `]`. A table, since the test runs on every byte of every turn.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c >= 0x80 || c.is_ascii_alphanumeric();
        b += 1;
    }
    let more = b" ,.;:?!()%/$@=+-\n'";
    let mut i = 0;
    while i < more.len() {
        t[more[i] as usize] = true;
        i += 1;
    }
    t
};

/// Appends the HTML of `src` and returns true when `src` is plain prose: lines of
/// text that Markdown reads nothing into and smart punctuation only curls apostrophes
/// in, split into paragraphs by blank lines. That is most transcript turns, and writing them here
/// takes a tenth of pulldown-cmark's work (it was a tenth of a whole build's) for the
/// very bytes it writes (`<p>…</p>` and a line break per paragraph, soft breaks as
/// line breaks), which a property test checks. Anything else returns false and
/// leaves `out` alone.
fn push_plain(out: &mut String, src: &str) -> bool {
    // One pass: plain bytes only, and no `--` or `..` (dashes and ellipses to make).
    let mut prev = 0u8;
    for b in src.bytes() {
        if !PLAIN[usize::from(b)] || (b == prev && (b == b'-' || b == b'.')) {
            return false;
        }
        prev = b;
    }
    // An apostrophe inside a word (`it's`) can neither open nor close a quote, so
    // smart punctuation always curls it to `’`; any other `'` needs the parser.
    let b = src.as_bytes();
    let inside_word = |i: usize| {
        i > 0
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    };
    if !memchr::memchr_iter(b'\'', b).all(inside_word) {
        return false;
    }
    let lines = src.split('\n');
    // A line opens no block (lists, headings, quotes, code by indentation, setext
    // underlines all start with something else) and ends in no hard break.
    let ok_line =
        |line: &str| {
            line.is_empty()
                || (line.chars().next().is_some_and(|c| {
                    c.is_ascii_alphabetic() || (!c.is_ascii() && !c.is_whitespace())
                }) && !line.ends_with(|c: char| c.is_whitespace()))
        };
    if !lines.clone().all(ok_line) {
        return false;
    }
    let mut open = false;
    for line in lines {
        match (line.is_empty(), open) {
            (true, true) => {
                out.push_str("</p>\n");
                open = false;
            }
            (true, false) => {}
            (false, true) => {
                out.push('\n');
                push_curled(out, line);
            }
            (false, false) => {
                out.push_str("<p>");
                push_curled(out, line);
                open = true;
            }
        }
    }
    if open {
        out.push_str("</p>\n");
    }
    true
}

/// Appends `line` with each `'` as `’` (see [`push_plain`]).
fn push_curled(out: &mut String, line: &str) {
    let mut parts = line.split('\'');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push('’');
        out.push_str(part);
    }
}

/// Appends `text` to `out` escaped for HTML text and double- or single-quoted attributes.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// The first `max_words` words of `src` as plain text (markup dropped, raw HTML kept as
/// text), with `…` when cut. For topic-page excerpts and meta descriptions.
pub fn excerpt(src: &str, max_words: usize) -> String {
    let src = prefix_for_words(src, max_words);
    let mut out = String::new();
    let mut words = 0usize;
    let mut pending_space = false;
    for event in Parser::new_ext(src, options()) {
        let text = match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => t,
            Event::SoftBreak | Event::HardBreak => {
                pending_space = true;
                continue;
            }
            // Inline ends (emphasis, links) must not add a space before punctuation.
            Event::End(end) if is_block_end(end) => {
                pending_space = true;
                continue;
            }
            _ => continue,
        };
        if text.starts_with(char::is_whitespace) {
            pending_space = true;
        }
        for (i, word) in text.split_whitespace().enumerate() {
            if words == max_words {
                out.push('…');
                return out;
            }
            if !out.is_empty() && (pending_space || i > 0) {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(word);
            words += 1;
        }
        pending_space = text.ends_with(char::is_whitespace);
    }
    out
}

/// A prefix of `src` long enough to hold `max_words` words and then some, cut at
/// whitespace: the parser's first pass reads its whole input, and a turn can be
/// pages long. A cut inside emphasis at worst leaves a literal `*` past the excerpt.
fn prefix_for_words(src: &str, max_words: usize) -> &str {
    let budget = max_words.saturating_mul(24).max(64);
    if src.len() <= budget {
        return src;
    }
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in src.char_indices() {
        if c.is_whitespace() {
            if in_word {
                words += 1;
                if words > max_words && i >= budget / 2 {
                    return &src[..i];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
        if i > budget * 4 && c.is_whitespace() {
            return &src[..i];
        }
    }
    src
}

fn is_block_end(end: TagEnd) -> bool {
    !matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// True when `url` may appear as a link or image target: relative (no scheme), or
/// `http`, `https`, `mailto`. Applies the browser's own clean-up first (tab/newline
/// removed anywhere, controls and spaces trimmed) so tricks like `java\tscript:` or
/// ` JAVASCRIPT:` cannot slip through; entities are already decoded by the parser.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c <= ' ');
    let Some(colon) = trimmed.find(':') else {
        return true;
    };
    let before = &trimmed[..colon];
    if before.contains(['/', '?', '#']) {
        return true;
    }
    // Anything before a colon counts as a scheme, even if browsers would not parse
    // it as one: rejecting `12:30` as a target is harmless, missing a scheme is not.
    matches!(
        before.to_ascii_lowercase().as_str(),
        "http" | "https" | "mailto"
    )
}

/// Footnote labels that are both referenced and defined, numbered in reading order.
#[derive(Default)]
struct Footnotes {
    number: HashMap<String, usize>,
    referenced: HashMap<String, bool>,
}

impl Footnotes {
    fn scan(events: &[Event<'_>]) -> Self {
        let mut defined = std::collections::HashSet::new();
        for e in events {
            if let Event::Start(Tag::FootnoteDefinition(label)) = e {
                defined.insert(key(label));
            }
        }
        let mut notes = Footnotes::default();
        for e in events {
            match e {
                Event::FootnoteReference(label) if defined.contains(&key(label)) => {
                    let n = notes.number.len() + 1;
                    notes.number.entry(key(label)).or_insert(n);
                    notes.referenced.insert(key(label), true);
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = notes.number.len() + 1;
                    notes.number.entry(key(label)).or_insert(n);
                }
                _ => {}
            }
        }
        notes
    }
}

/// GFM matches footnote labels case-insensitively.
fn key(label: &str) -> String {
    label.to_lowercase()
}

/// The per-document event rewriter; see the module docs for the rules.
struct Filter {
    /// `id_prefix` reduced to id-safe characters, since it lands in attributes unescaped.
    prefix: String,
    notes: Footnotes,
    /// One entry per open link/image: false when its tags were dropped.
    links: Vec<bool>,
    /// Footnotes whose first reference already carries the backlink target id.
    ref_ids_given: std::collections::HashSet<usize>,
}

impl Filter {
    fn new(prefix: &str, notes: Footnotes) -> Self {
        Filter {
            prefix: prefix
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .collect(),
            notes,
            links: Vec::new(),
            ref_ids_given: Default::default(),
        }
    }

    fn map<'a>(&mut self, event: Event<'a>) -> Option<Event<'a>> {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
            Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Heading { .. }) => {
                Some(Event::Html("<p class=\"md-heading\"><strong>".into()))
            }
            Event::End(TagEnd::Heading(_)) => Some(Event::Html("</strong></p>\n".into())),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.open_link(dest_url).map(|dest_url| {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.open_link(dest_url).map(|dest_url| {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                // An unbalanced end cannot come from pulldown-cmark; keep it rather than panic.
                let kept = self.links.pop().unwrap_or(true);
                kept.then_some(event)
            }
            Event::FootnoteReference(label) => Some(self.reference(&label)),
            Event::Start(Tag::FootnoteDefinition(label)) => Some(self.definition_start(&label)),
            Event::End(TagEnd::FootnoteDefinition) => Some(Event::Html("</div>\n".into())),
            other => Some(other),
        }
    }

    fn open_link<'a>(&mut self, dest: CowStr<'a>) -> Option<CowStr<'a>> {
        let safe = is_safe_url(&dest);
        self.links.push(safe);
        safe.then(|| {
            let trimmed = dest.trim_matches(|c: char| c <= ' ');
            if trimmed.len() == dest.len() {
                dest
            } else {
                CowStr::from(trimmed.to_owned())
            }
        })
    }

    fn reference<'a>(&mut self, label: &str) -> Event<'a> {
        let Some(&n) = self.notes.number.get(&key(label)) else {
            // A reference to a footnote that is never defined stays as written.
            return Event::Text(format!("[^{label}]").into());
        };
        let p = &self.prefix;
        let id = if self.ref_ids_given.insert(n) {
            format!(" id=\"{p}_ref{n}\"")
        } else {
            String::new()
        };
        Event::Html(
            format!("<sup class=\"fn-ref\"><a href=\"#{p}_fn{n}\"{id}>{n}</a></sup>").into(),
        )
    }

    fn definition_start<'a>(&mut self, label: &str) -> Event<'a> {
        let k = key(label);
        let n = self.notes.number.get(&k).copied().unwrap_or(0);
        let p = &self.prefix;
        let back = if self.notes.referenced.contains_key(&k) {
            format!(
                "<a class=\"fn-back\" href=\"#{p}_ref{n}\" aria-label=\"Back to reference {n}\">{n}.</a>"
            )
        } else {
            format!("<span class=\"fn-back\">{n}.</span>")
        };
        Event::Html(format!("<div class=\"footnote\" id=\"{p}_fn{n}\">{back}").into())
    }
}

#[cfg(test)]
mod tests;
