//! HTML minification with minify-html, behind the `minify` cargo feature.
//!
//! Settings follow Zola's: CSS minified, JS left alone (minify-html's JS minifier
//! is known to break scripts), closing tags and `<html>`/`<head>` kept so the output
//! stays valid and readable by simple tools.
//!
//! minify-html-onepass (same rules, no DOM, ~40 % fewer instructions here) was
//! tried and is not used: its output is not valid HTML by the Nu checker (`=` left
//! in unquoted attribute values such as `href=/style.css?v=…`, no space between a
//! quoted value and the next attribute, raw `<` in text).

use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;

/// Whether this build can minify at all.
#[cfg(feature = "minify")]
pub(super) const AVAILABLE: bool = true;
/// Whether this build can minify at all.
#[cfg(not(feature = "minify"))]
pub(super) const AVAILABLE: bool = false;

#[cfg(feature = "minify")]
static CFG: std::sync::LazyLock<minify_html::Cfg> = std::sync::LazyLock::new(|| {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = false;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
});

/// Opens a fragment the renderer already wrote in minimal form (a chapter's turns):
/// [`page`] leaves it out of the minifier and splices it back verbatim. Content can
/// never produce this comment, since every `<` of content is escaped.
pub(super) const RAW_START: &str = "<!--cb:raw-->";
/// Closes a fragment opened by [`RAW_START`].
pub(super) const RAW_END: &str = "<!--cb:/raw-->";
/// Opens a fragment that comes out the same on many pages (the site header and
/// footer, the head's site-wide tags): [`page`] minifies each distinct one once per
/// render ([`Memo`]) and splices the result in. It must be whole elements whose
/// minified form does not depend on their neighbours (head or block elements).
pub(super) const SAME_START: &str = "<!--cb:same-->";
/// Closes a fragment opened by [`SAME_START`].
pub(super) const SAME_END: &str = "<!--cb:/same-->";
/// What every marker starts with.
const MARKER: &str = "<!--cb:";
/// Stands in for a fragment while the rest of the page is minified: an unknown
/// element, which minify-html keeps as is.
const HOLE: &str = "<cb-raw></cb-raw>";
/// How many distinct [`SAME_START`] fragments a [`Memo`] keeps: a theme that marks
/// text differing on every page gets no reuse, and must not fill memory either.
const MEMO_MAX: usize = 256;

/// The minified form of each distinct [`SAME_START`] fragment, shared by the
/// threads of one render.
#[derive(Default)]
pub(super) struct Memo {
    done: Mutex<FxHashMap<Box<str>, Arc<[u8]>>>,
}

impl Memo {
    /// `fragment` minified, from the memo when seen before.
    fn get(&self, fragment: &str) -> Arc<[u8]> {
        // A poisoned lock only means another page's render panicked; the map is intact.
        if let Some(hit) = self
            .done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(fragment)
        {
            return Arc::clone(hit);
        }
        let small: Arc<[u8]> = self::html(fragment.to_owned()).into();
        let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
        if done.len() < MEMO_MAX {
            done.insert(fragment.into(), Arc::clone(&small));
        }
        small
    }
}

/// A marked fragment of a page.
enum Fragment<'a> {
    /// Written minimal: kept verbatim ([`RAW_START`]).
    Raw(&'a str),
    /// Minified on its own, once per distinct text ([`SAME_START`]).
    Same(&'a str),
}

impl Fragment<'_> {
    /// The fragment's text as the page has it, markers aside.
    fn text(&self) -> &str {
        match self {
            Fragment::Raw(t) | Fragment::Same(t) => t,
        }
    }
}

/// Turns a rendered page into the bytes to write: minified when `minify` is set,
/// with [`RAW_START`]…[`RAW_END`] fragments kept out of the minifier (they are most
/// of an episode page, already compact, and minifying them cost ~2.5 s of CPU per
/// 1000 episodes for well under 1 % of the bytes), [`SAME_START`]…[`SAME_END`]
/// fragments minified once per render through `memo`, and their markers removed.
pub(super) fn page(html: String, minify: bool, memo: &Memo) -> Vec<u8> {
    if !html.contains(MARKER) {
        return if minify {
            self::html(html)
        } else {
            html.into_bytes()
        };
    }
    if !minify {
        return strip_markers(&html).into_bytes();
    }
    let (skeleton, fragments) = split(&html, HOLE);
    let small = self::html(skeleton);
    let parts: Vec<&[u8]> = split_bytes(&small, HOLE.as_bytes());
    if parts.len() != fragments.len() + 1 {
        // The minifier moved or merged a hole: minify the whole page instead.
        return self::html(strip_markers(&html));
    }
    // The fragments' source lengths: a bound on what they take once minified.
    let room = fragments.iter().map(|f| f.text().len()).sum::<usize>();
    let mut out = Vec::with_capacity(small.len() + room);
    for (part, fragment) in parts.iter().zip(fragments.iter().map(Some).chain([None])) {
        out.extend_from_slice(part);
        match fragment {
            Some(Fragment::Raw(raw)) => out.extend_from_slice(raw.as_bytes()),
            Some(Fragment::Same(text)) => out.extend_from_slice(&memo.get(text)),
            None => {}
        }
    }
    out
}

/// `bytes` cut at every `sep`.
fn split_bytes<'a>(bytes: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = memchr::memmem::find(rest, sep) {
        parts.push(&rest[..at]);
        rest = &rest[at + sep.len()..];
    }
    parts.push(rest);
    parts
}

/// The page with each marked fragment replaced by `hole`, and the fragments in order.
/// A marker without its end is left in place (and the minifier drops the comment).
fn split<'a>(html: &'a str, hole: &str) -> (String, Vec<Fragment<'a>>) {
    let mut skeleton = String::with_capacity(html.len() / 4);
    let mut fragments = Vec::new();
    let mut rest = html;
    let mut from = 0;
    while let Some(s) = rest[from..].find(MARKER).map(|i| from + i) {
        let tail = &rest[s..];
        let (start, end, raw) = if tail.starts_with(RAW_START) {
            (RAW_START, RAW_END, true)
        } else if tail.starts_with(SAME_START) {
            (SAME_START, SAME_END, false)
        } else {
            from = s + MARKER.len();
            continue;
        };
        let after = &tail[start.len()..];
        let Some(e) = after.find(end) else {
            from = s + start.len();
            continue;
        };
        skeleton.push_str(&rest[..s]);
        skeleton.push_str(hole);
        let text = &after[..e];
        fragments.push(if raw {
            Fragment::Raw(text)
        } else {
            Fragment::Same(text)
        });
        rest = &after[e + end.len()..];
        from = 0;
    }
    skeleton.push_str(rest);
    (skeleton, fragments)
}

/// The page without fragment markers.
fn strip_markers(html: &str) -> String {
    let mut out = html.to_owned();
    for marker in [RAW_START, RAW_END, SAME_START, SAME_END] {
        if out.contains(marker) {
            out = out.replace(marker, "");
        }
    }
    out
}

/// Minifies one HTML document.
#[cfg(feature = "minify")]
pub(super) fn html(src: String) -> Vec<u8> {
    let out = minify_html::minify(src.as_bytes(), &CFG);
    if escapes_lt(&src) { reescape(out) } else { out }
}

/// Without the feature, documents pass through unchanged.
#[cfg(not(feature = "minify"))]
pub(super) fn html(src: String) -> Vec<u8> {
    src.into_bytes()
}

/// Whether `html` writes `<` as a character reference anywhere (`&lt;`, `&LT;`,
/// `&#60;`, `&#x3C;`, …). The minifier turns references back into characters where
/// HTML allows it, so only then can its output hold a raw `<` that [`reescape`]
/// must escape again; most pages have none, and skip that scan (~12 % of minifying).
#[cfg_attr(not(feature = "minify"), allow(dead_code))]
fn escapes_lt(html: &str) -> bool {
    if html.contains("&lt") || html.contains("&LT") {
        return true;
    }
    let b = html.as_bytes();
    html.match_indices("&#").any(|(i, _)| {
        let rest = &b[i + 2..];
        let (radix, digits) = match rest.first() {
            Some(b'x' | b'X') => (16, &rest[1..]),
            _ => (10, rest),
        };
        let mut n: u32 = 0;
        for c in digits {
            let Some(d) = char::from(*c).to_digit(radix) else {
                break;
            };
            n = n.saturating_mul(radix).saturating_add(d);
        }
        n == u32::from(b'<')
    })
}

/// Re-escapes `<` where the minifier leaves it raw (inside `<title>`, RCDATA, and
/// inside quoted attribute values) or writes it as `&LT` without a semicolon (in
/// text, before a letter). The first are inert by the HTML spec, but a raw
/// `<script>` in a page title or `<meta content>` trips naive scanners, feed
/// readers and reviewers alike; the second is a parse error the Nu checker
/// reports. Minified pages show `&lt;` in both places. Returns the input untouched
/// (no copy) when there is nothing to do.
#[cfg_attr(not(feature = "minify"), allow(dead_code))]
pub(super) fn reescape(html: Vec<u8>) -> Vec<u8> {
    let b = &html[..];
    // Where `&lt;` goes, and how many bytes it replaces there (`<` or `&LT`).
    let mut fixes: Vec<(usize, usize)> = Vec::new();
    let upper_lts = |from: usize, to: usize, fixes: &mut Vec<(usize, usize)>| {
        let mut k = from;
        while let Some(p) = b[k..to].windows(3).position(|w| w == b"&LT") {
            fixes.push((k + p, 3));
            k += p + 3;
        }
    };
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|&c| c == b'<') {
        let t = i + lt;
        upper_lts(i, t, &mut fixes);
        let name_start = t + 1 + usize::from(b.get(t + 1) == Some(&b'/'));
        let name_end = b[name_start..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
            .map_or(b.len(), |p| name_start + p);
        let name = &b[name_start..name_end];
        if b.get(t + 1) == Some(&b'!') {
            i = b[t..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |p| t + p + 1);
            continue;
        }
        let mut j = name_end;
        let mut quote: Option<u8> = None;
        while j < b.len() {
            let c = b[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) if c == b'<' => fixes.push((j, 1)),
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == b'>' => break,
                None => {}
            }
            j += 1;
        }
        i = (j + 1).min(b.len());
        let opening = name_start == t + 1;
        let raw_end = |tag: &[u8], from: usize| -> usize {
            let mut k = from;
            while let Some(p) = b[k..].iter().position(|&c| c == b'<') {
                let at = k + p;
                let rest = &b[at..];
                if rest.len() >= tag.len() + 2
                    && rest[1] == b'/'
                    && rest[2..2 + tag.len()].eq_ignore_ascii_case(tag)
                {
                    return at;
                }
                k = at + 1;
            }
            b.len()
        };
        if opening
            && (name.eq_ignore_ascii_case(b"title") || name.eq_ignore_ascii_case(b"textarea"))
        {
            let end = raw_end(name, i);
            fixes.extend((i..end).filter(|&k| b[k] == b'<').map(|k| (k, 1)));
            upper_lts(i, end, &mut fixes);
            fixes.sort_unstable();
            i = end;
        } else if opening
            && (name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style"))
        {
            i = raw_end(name, i);
        }
    }
    upper_lts(i, b.len(), &mut fixes);
    if fixes.is_empty() {
        return html;
    }
    let mut out = Vec::with_capacity(html.len() + fixes.len() * 3);
    let mut copied = 0;
    for (at, len) in fixes {
        out.extend_from_slice(&html[copied..at]);
        out.extend_from_slice(b"&lt;");
        copied = at + len;
    }
    out.extend_from_slice(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{Memo, RAW_END, RAW_START, SAME_END, SAME_START, escapes_lt, reescape};

    fn page(html: String, minify: bool) -> Vec<u8> {
        super::page(html, minify, &Memo::default())
    }

    fn doc(body: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>T</title>\n</head>\n<body>\n\
             <section class=\"chapter\">\n  <h3 class=\"t\">A</h3>\n{body}\n</section>\n</body>\n</html>\n"
        )
    }

    #[test]
    fn raw_fragments_pass_verbatim_and_their_markers_go() {
        let raw = "<div class=\"turn\" id=\"t-1\"><p>Two  spaces\n kept</p></div>";
        let html = doc(&format!(
            "{RAW_START}{raw}{RAW_END}\n<p>x</p>\n{RAW_START}{raw}{RAW_END}"
        ));
        for minify in [false, true] {
            let out = String::from_utf8(page(html.clone(), minify)).unwrap();
            assert_eq!(out.matches(raw).count(), 2, "{out}");
            assert!(!out.contains("cb:raw") && !out.contains("cb-raw"), "{out}");
        }
        let plain = String::from_utf8(page(html.clone(), false)).unwrap();
        assert_eq!(plain, html.replace(RAW_START, "").replace(RAW_END, ""));
        #[cfg(feature = "minify")]
        {
            let small = String::from_utf8(page(html.clone(), true)).unwrap();
            assert!(small.len() < plain.len(), "{small}");
            // The skeleton around the fragments is minified.
            assert!(small.contains("<h3 class=t>A</h3>"), "{small}");
        }
    }

    #[test]
    fn pages_without_fragments_and_unclosed_markers_still_come_out_whole() {
        let html = doc("<p>a</p>");
        assert_eq!(page(html.clone(), false), html.as_bytes());
        let open = doc(&format!("{RAW_START}<p>never closed</p>"));
        let out = String::from_utf8(page(open, true)).unwrap();
        assert!(out.contains("never closed"), "{out}");
    }

    #[test]
    #[cfg(feature = "minify")]
    fn same_fragments_come_out_as_if_minified_in_place_and_are_minified_once() {
        let header = "<header class=\"site-header\">\n<div class=\"wrap\">\n<a href=\"/\">x</a> <span>y</span>\n</div>\n</header>";
        let head = "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
        let marked = |title: &str| {
            format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{SAME_START}{head}\n{SAME_END}<title>{title}</title>\n</head>\n\
                 <body>\n{SAME_START}{header}{SAME_END}\n<main>\n<p>{title}</p>\n</main>\n</body>\n</html>\n"
            )
        };
        let memo = Memo::default();
        for title in ["One", "Two"] {
            let html = marked(title);
            let whole = super::html(super::strip_markers(&html));
            assert_eq!(
                String::from_utf8(super::page(html, true, &memo)).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
        // Two pages, two distinct fragments: each minified once.
        assert_eq!(memo.done.lock().unwrap().len(), 2);
        let plain = String::from_utf8(page(marked("One"), false)).unwrap();
        assert!(!plain.contains("cb:"), "{plain}");
        assert!(plain.contains(header), "{plain}");
    }

    fn run(s: &str) -> String {
        String::from_utf8(reescape(s.as_bytes().to_vec())).unwrap_or_default()
    }

    #[test]
    fn raw_lt_in_title_and_attributes_is_escaped() {
        assert_eq!(
            run("<title>A <script>x</script></title><link title=\"B <b>\" href=/x>"),
            "<title>A &lt;script>x&lt;/script></title><link title=\"B &lt;b>\" href=/x>"
        );
        assert_eq!(run("<TITLE>a<b</TITLE>"), "<TITLE>a&lt;b</TITLE>");
        assert_eq!(run("<meta content='x<y'>"), "<meta content='x&lt;y'>");
        assert_eq!(
            run("<title>&LTb</title><p>&LTi>x &LT</p><script>'&LT'</script>"),
            "<title>&lt;b</title><p>&lt;i>x &lt;</p><script>'&LT'</script>"
        );
    }

    #[test]
    fn only_pages_escaping_lt_need_the_reescape_scan() {
        for yes in [
            "<title>a &lt;b</title>",
            "<a title='&LT;'>",
            "&#60;",
            "&#060;",
            "&#x3c;",
            "&#X3C;",
            "&#x003C",
        ] {
            assert!(escapes_lt(yes), "{yes}");
        }
        for no in [
            "<p>a &amp; b &#39;c&#x27; &#6; &#600; &#x3; &gt;</p>",
            "",
            "&#",
            "&#x",
        ] {
            assert!(!escapes_lt(no), "{no}");
        }
    }

    #[cfg(feature = "minify")]
    #[test]
    fn minified_pages_never_show_a_raw_lt_in_titles_or_attributes() {
        let page = "<!DOCTYPE html><html><head><title>A &lt;script> &#60;b</title></head>\
                    <body><p title=\"x &#x3c;y\">1 &lt; 2</p></body></html>";
        let out = String::from_utf8(super::html(page.to_owned())).unwrap();
        assert!(out.contains("<title>A &lt;script> &lt;b</title>"), "{out}");
        assert!(out.contains("title=\"x &lt;y\""), "{out}");
        assert!(!out.contains("&LT"), "{out}");
        // In text, `<` before a letter comes back as `&lt;` (the minifier's `&LT`
        // lacks the semicolon); elsewhere it may stay raw, as HTML allows.
        let text = "<!DOCTYPE html><html><head><title>T</title></head><body><p>a &lt;b&gt; c &lt; d</p></body></html>";
        let out = String::from_utf8(super::html(text.to_owned())).unwrap();
        assert!(out.contains("a &lt;b> c") && !out.contains("&LT"), "{out}");
    }

    #[test]
    fn everything_else_is_left_alone() {
        let page = "<!doctype html><html><head><title>Plain</title><script>if(a<b){}</script>\
                    <style>a>b{}</style></head><body><p>1 &lt; 2</p><a href=/x title=\"q\">y</a></body></html>";
        assert_eq!(run(page), page);
        assert_eq!(run(""), "");
        assert_eq!(run("<title>unterminated <x"), "<title>unterminated &lt;x");
        assert_eq!(run("<a title=\"open"), "<a title=\"open");
    }
}
