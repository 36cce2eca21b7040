//! A link checker over a built site: every internal `href`/`src` must resolve to a
//! file the way a plain static file server would map it under the site's base path,
//! and every `#fragment` must be an `id` on the target page.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One broken link: the page it is on and the URL.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the fields are read through Debug in failure messages"
)]
pub struct Broken {
    pub page: String,
    pub url: String,
    pub why: &'static str,
}

/// Crawls every `.html` file under `out`, as published under `base` (`/` or `/archive/`).
/// Returns the broken links and how many internal links were checked.
pub fn crawl(out: &Path, base: &str) -> (Vec<Broken>, usize) {
    let mut pages = Vec::new();
    collect_html(out, &mut pages);
    let mut ids_cache: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let page_url = url_of(out, page, base);
        for raw in attr_values(&html, &["href", "src"]) {
            let url = decode_entities(&raw);
            if is_external(&url) {
                continue;
            }
            checked += 1;
            let (path_part, fragment) = match url.split_once('#') {
                Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                None => (url.clone(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or("").to_owned();
            let absolute = if path_part.is_empty() {
                page_url.clone()
            } else {
                resolve(&page_url, &path_part)
            };
            let Some(rel) = absolute.strip_prefix(base) else {
                broken.push(Broken {
                    page: page_url.clone(),
                    url,
                    why: "leaves the site's base path",
                });
                continue;
            };
            let mut file = out.join(percent_decode(rel));
            if rel.is_empty() || rel.ends_with('/') {
                file = file.join("index.html");
            }
            if !file.is_file() {
                broken.push(Broken {
                    page: page_url.clone(),
                    url,
                    why: "no such file",
                });
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let ids = ids_cache.entry(file.clone()).or_insert_with(|| {
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    attr_values(&text, &["id"]).into_iter().collect()
                });
                if !ids.contains(&percent_decode(&f)) {
                    broken.push(Broken {
                        page: page_url.clone(),
                        url,
                        why: "no element with that id",
                    });
                }
            }
        }
    }
    (broken, checked)
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            collect_html(&p, out);
        } else if p.extension().is_some_and(|e| e == "html") {
            out.push(p);
        }
    }
    out.sort();
}

/// The URL a static server would publish `file` at.
fn url_of(out: &Path, file: &Path, base: &str) -> String {
    let rel = file
        .strip_prefix(out)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let rel = rel.strip_suffix("index.html").unwrap_or(&rel).to_owned();
    format!("{base}{rel}")
}

fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("//")
        || lower.starts_with("data:")
}

/// RFC 3986 reference resolution for paths (no scheme/host handling needed here).
fn resolve(page_url: &str, reference: &str) -> String {
    let joined = if reference.starts_with('/') {
        reference.to_owned()
    } else {
        let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{reference}")
    };
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Values of the given attributes in every start tag (script and style bodies and
/// comments are skipped, so text that merely looks like markup is not a link).
pub fn attr_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[1..end];
        let tag_name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        for (name, value) in tag_attrs(tag) {
            if names.contains(&name.as_str()) {
                out.push(value);
            }
        }
        rest = &rest[(end + 1).min(rest.len())..];
        if tag_name == "script" || tag_name == "style" {
            let close = format!("</{tag_name}");
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
        }
    }
    out
}

/// `(name, value)` pairs of one tag's inside (`a href="x" class=y`).
fn tag_attrs(tag: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut chars = tag.char_indices().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == '/')
        {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        while chars
            .peek()
            .is_some_and(|(_, c)| !c.is_whitespace() && *c != '=' && *c != '/')
        {
            chars.next();
        }
        let name_end = chars.peek().map_or(tag.len(), |(i, _)| *i);
        let name = tag[start..name_end].to_ascii_lowercase();
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if name.is_empty() {
            break;
        }
        attrs.push((name, value));
    }
    attrs
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn resolve_follows_rfc3986() {
    assert_eq!(resolve("/a/b/", "../c/"), "/a/c/");
    assert_eq!(resolve("/a/b/", "x.css"), "/a/b/x.css");
    assert_eq!(resolve("/a/b/", "/z"), "/z");
    assert_eq!(resolve("/a/", "../../.."), "/");
}

#[test]
fn attributes_are_found_in_tags_only() {
    let v = attr_values(
        r#"<a href="/x" class=y>href="/no"</a><script>if (a<b) x = "<a href='/s'>"</script><img src='/i.png' alt=""><!-- <a href="/c"> --><p id=top>"#,
        &["href", "src", "id"],
    );
    assert_eq!(v, ["/x", "/i.png", "top"]);
}
