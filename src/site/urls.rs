//! The one place URLs are made: `site-url` → base path + optional origin.
//!
//! Every internal link is the base path joined with a site-relative path
//! (`/archive/` + `episodes/x/`), so a project site under `/<repo>/` works. The
//! origin, when known, makes feed, sitemap and canonical URLs absolute.

/// `site-url` resolved into the parts links are built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SiteUrls {
    /// Path every internal URL starts with; begins and ends with `/`.
    base: String,
    /// `https://host[:port]`, without a trailing slash, when known.
    origin: Option<String>,
}

impl SiteUrls {
    /// Resolves `site_url` (`/`, `/archive/`, `archive`, `https://user.github.io/repo/`);
    /// a path-only `site_url` takes its origin from `cname` (`https://<cname>`).
    pub fn new(site_url: &str, cname: Option<&str>) -> Self {
        let site_url = site_url.trim();
        let (origin, path) = match site_url.split_once("://") {
            Some((scheme, rest)) if !scheme.is_empty() && !scheme.contains('/') => {
                let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let host = &rest[..end];
                let path = rest[end..].split(['?', '#']).next().unwrap_or("");
                (
                    (!host.is_empty()).then(|| format!("{}://{host}", scheme.to_ascii_lowercase())),
                    path,
                )
            }
            _ => (None, site_url.split(['?', '#']).next().unwrap_or("")),
        };
        let origin = origin.or_else(|| {
            cname
                .filter(|c| !c.is_empty())
                .map(|c| format!("https://{c}"))
        });
        SiteUrls {
            base: normalise_base(path),
            origin,
        }
    }

    /// The base path: `/` or `/archive/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `https://host` when the site's address is known.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The URL path of a site-relative path: `episodes/x/` → `/archive/episodes/x/`.
    pub fn path(&self, rel: &str) -> String {
        let rel = rel.trim_start_matches('/');
        let mut out = String::with_capacity(self.base.len() + rel.len());
        out.push_str(&self.base);
        out.push_str(rel);
        out
    }

    /// The absolute URL of a site-relative path, when the origin is known.
    pub fn absolute(&self, rel: &str) -> Option<String> {
        self.origin
            .as_ref()
            .map(|o| format!("{o}{}", self.path(rel)))
    }

    /// The absolute URL when the origin is known, else the path (feeds and sitemaps
    /// of a site without a known address can do no better).
    pub fn absolute_or_path(&self, rel: &str) -> String {
        self.absolute(rel).unwrap_or_else(|| self.path(rel))
    }

    /// The URL of a resource named in front matter (`audio_url`), as a page links it:
    /// a full URL (`https://…`) or a root-relative path (`/media/x.mp3`) is kept; any
    /// other path is site-relative, like `brand.logo` (`static/` is copied to the
    /// output root, so `static/a.mp3` and `a.mp3` are both `<base>a.mp3`). `None`
    /// when the URL is unusable (an unsafe scheme, blank).
    pub fn resource(&self, url: &str) -> Option<String> {
        let url = url.trim();
        if url.is_empty() || !crate::markdown::is_safe_url(url) {
            return None;
        }
        if has_scheme(url) || url.starts_with('/') {
            // A protocol-relative `//host/x` stays as written too.
            return Some(url.to_owned());
        }
        Some(self.path(url.strip_prefix("static/").unwrap_or(url)))
    }

    /// [`Self::resource`] made absolute when the site's address is known (feeds,
    /// OpenGraph); a root-relative path stays one otherwise.
    pub fn resource_absolute(&self, url: &str) -> Option<String> {
        let r = self.resource(url)?;
        if has_scheme(&r) {
            return Some(r);
        }
        if let Some(rest) = r.strip_prefix("//") {
            // Feeds need a scheme; the site's own is the best guess.
            let scheme = self.origin.as_deref().and_then(|o| o.split_once("://"));
            return Some(format!("{}://{rest}", scheme.map_or("https", |s| s.0)));
        }
        Some(match &self.origin {
            Some(o) => format!("{o}{r}"),
            None => r,
        })
    }
}

/// Site-relative paths of each page, so the URL scheme lives in one place.
pub mod rel {
    /// `episodes/<slug>/`.
    pub fn episode(slug: &str) -> String {
        format!("episodes/{slug}/")
    }
    /// `people/<slug>/`.
    pub fn person(slug: &str) -> String {
        format!("people/{slug}/")
    }
    /// `topics/<slug>/`.
    pub fn topic(slug: &str) -> String {
        format!("topics/{slug}/")
    }
    /// `podcasts/<slug>/`.
    pub fn podcast(slug: &str) -> String {
        format!("podcasts/{slug}/")
    }
    /// `podcasts/<slug>/feed.xml`: a show's own feed, when the archive has several.
    pub fn podcast_feed(slug: &str) -> String {
        let mut p = podcast(slug);
        p.push_str("feed.xml");
        p
    }
    /// `<taxonomy>/`: a taxonomy's index of terms.
    pub fn taxonomy(name: &str) -> String {
        format!("{name}/")
    }
    /// `<taxonomy>/<term>/`.
    pub fn term(taxonomy: &str, slug: &str) -> String {
        format!("{taxonomy}/{slug}/")
    }
    /// `<taxonomy>/<term>/feed.xml`, when the taxonomy asks for feeds.
    pub fn term_feed(taxonomy: &str, slug: &str) -> String {
        let mut p = term(taxonomy, slug);
        p.push_str("feed.xml");
        p
    }
    /// `episodes/<year>/`: the episodes of one year.
    pub fn year(year: i16) -> String {
        format!("episodes/{year}/")
    }
    /// The file a page URL is served from: `episodes/x/` → `episodes/x/index.html`.
    pub fn file_of(rel_dir: &str) -> String {
        if rel_dir.is_empty() {
            "index.html".to_owned()
        } else if rel_dir.ends_with('/') {
            format!("{rel_dir}index.html")
        } else {
            rel_dir.to_owned()
        }
    }
}

/// True when `url` starts with a URL scheme (`https:`, `mailto:`).
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    })
}

/// `archive` → `/archive/`, `//a//b` → `/a/b/`; characters that cannot appear in a
/// URL path are percent-encoded so the base is safe in any attribute or XML.
fn normalise_base(path: &str) -> String {
    let mut out = String::from("/");
    for segment in path.split('/').filter(|s| !s.is_empty() && *s != ".") {
        for b in segment.bytes() {
            let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&b);
            if keep && b != b'\'' && b != b'&' {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_site() {
        let u = SiteUrls::new("/", None);
        assert_eq!(u.base(), "/");
        assert_eq!(u.path("episodes/x/"), "/episodes/x/");
        assert_eq!(u.path(""), "/");
        assert_eq!(u.absolute("x/"), None);
        assert_eq!(u.absolute_or_path("feed.xml"), "/feed.xml");
    }

    #[test]
    fn subpath_site() {
        for input in [
            "/archive/",
            "/archive",
            "archive",
            "archive/",
            "//archive//",
        ] {
            let u = SiteUrls::new(input, None);
            assert_eq!(u.base(), "/archive/", "{input}");
            assert_eq!(u.path("/episodes/x/"), "/archive/episodes/x/");
            assert_eq!(u.path(""), "/archive/");
        }
    }

    #[test]
    fn absolute_site() {
        let u = SiteUrls::new("https://user.github.io/repo/", None);
        assert_eq!(u.base(), "/repo/");
        assert_eq!(u.origin(), Some("https://user.github.io"));
        assert_eq!(
            u.absolute("episodes/x/").as_deref(),
            Some("https://user.github.io/repo/episodes/x/")
        );
        let u = SiteUrls::new("HTTP://localhost:8000", None);
        assert_eq!(u.base(), "/");
        assert_eq!(u.origin(), Some("http://localhost:8000"));
        let u = SiteUrls::new("https://h.example/a/b?x=1#y", Some("other.example"));
        assert_eq!(u.base(), "/a/b/");
        assert_eq!(u.origin(), Some("https://h.example"));
    }

    #[test]
    fn cname_gives_the_origin() {
        let u = SiteUrls::new("/", Some("transcripts.example.com"));
        assert_eq!(
            u.absolute("feed.xml").as_deref(),
            Some("https://transcripts.example.com/feed.xml")
        );
    }

    #[test]
    fn hostile_base_is_encoded() {
        let u = SiteUrls::new("/a b/\"><script>/", None);
        assert_eq!(u.base(), "/a%20b/%22%3E%3Cscript%3E/");
        assert!(!SiteUrls::new("/x'&y/", None).base().contains(['\'', '&']));
    }

    #[test]
    fn resources_from_front_matter() {
        let u = SiteUrls::new("https://h.example/archive/", None);
        let r = |x: &str| u.resource(x);
        assert_eq!(
            r("https://cdn.example/a.mp3").as_deref(),
            Some("https://cdn.example/a.mp3")
        );
        assert_eq!(r("/media/a.mp3").as_deref(), Some("/media/a.mp3"));
        assert_eq!(r("audio/a.mp3").as_deref(), Some("/archive/audio/a.mp3"));
        assert_eq!(r("static/a.mp3").as_deref(), Some("/archive/a.mp3"));
        assert_eq!(r("javascript:alert(1)"), None);
        assert_eq!(r("  "), None);
        assert_eq!(
            u.resource_absolute("a.mp3").as_deref(),
            Some("https://h.example/archive/a.mp3")
        );
        assert_eq!(
            u.resource_absolute("//cdn.example/a.mp3").as_deref(),
            Some("https://cdn.example/a.mp3")
        );
        let local = SiteUrls::new("/", None);
        assert_eq!(local.resource_absolute("a.mp3").as_deref(), Some("/a.mp3"));
    }

    #[test]
    fn files_of_pages() {
        assert_eq!(rel::file_of(""), "index.html");
        assert_eq!(rel::file_of("episodes/x/"), "episodes/x/index.html");
        assert_eq!(rel::file_of("feed.xml"), "feed.xml");
    }
}
