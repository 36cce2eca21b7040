//! What a build wrote, by kind, and whether that fits where sites are published.
//!
//! GitHub Pages refuses a site over 1 GB, GitLab Pages over 1 GB or 200,000 files;
//! Cloudflare Pages stops at 20,000 files. A build past `[build] max-site-mb` or
//! `max-site-files` (GitHub's and GitLab's limits by default) warns, naming the keys
//! that shrink the site the most, before the host refuses a deploy.

use std::fmt;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::Diagnostic;
use crate::site::Tally;
pub use crate::text::thousands;

/// The site's bytes and files by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteSize {
    /// HTML pages, feeds and the sitemap.
    pub pages: Tally,
    /// Per-episode podcast files (`[output.exports]`).
    pub exports: Tally,
    /// The search index (`search/`).
    pub search: Tally,
    /// Theme assets, `static/`, `additional-css`/`-js`, robots.txt and the like.
    pub statics: Tally,
}

impl SiteSize {
    /// Everything written.
    pub fn total(&self) -> Tally {
        self.pages + self.exports + self.search + self.statics
    }

    /// Warnings for a site past the limits in `config` (`[build] max-site-mb`,
    /// `max-site-files`), naming what to turn off.
    pub fn check(&self, config: &Config) -> Vec<Diagnostic> {
        let total = self.total();
        let limits = &config.build;
        let mut out = Vec::new();
        let over_bytes = total.bytes > limits.max_site_mb.saturating_mul(MB);
        let over_files = total.files > limits.max_site_files;
        if !over_bytes && !over_files {
            return out;
        }
        let mut shrink = Vec::new();
        let exports = config.output.exports;
        let on: Vec<&str> = [
            ("srt", exports.srt),
            ("json", exports.json),
            ("vtt", exports.vtt),
            ("chapters", exports.chapters),
        ]
        .into_iter()
        .filter_map(|(k, on)| on.then_some(k))
        .collect();
        if !on.is_empty() {
            shrink.push(format!(
                "turn off export files under `[output.exports]` ({} {} on: {})",
                on.join(", "),
                if on.len() == 1 { "is" } else { "are" },
                mb(self.exports.bytes)
            ));
        }
        if config.output.html.search.enable {
            shrink.push(format!(
                "`[output.html.search] enable = false` ({})",
                mb(self.search.bytes)
            ));
        }
        if over_bytes {
            let d = Diagnostic::warning(
                CONFIG_FILE,
                format!(
                    "the site is {} (limit {}: `[build] max-site-mb`), over what GitHub and \
                     GitLab Pages publish (1 GB)",
                    mb(total.bytes),
                    mb(limits.max_site_mb.saturating_mul(MB)),
                ),
            );
            out.push(with_help(d, &shrink));
        }
        if over_files {
            let d = Diagnostic::warning(
                CONFIG_FILE,
                format!(
                    "the site has {} files (limit {}: `[build] max-site-files`), over what \
                     GitLab Pages publishes (200,000)",
                    thousands(total.files),
                    thousands(limits.max_site_files),
                ),
            );
            out.push(with_help(d, &shrink));
        }
        out
    }
}

fn with_help(d: Diagnostic, shrink: &[String]) -> Diagnostic {
    if shrink.is_empty() {
        d
    } else {
        d.with_help(format!("to shrink it: {}", shrink.join("; or ")))
    }
}

impl SiteSize {
    /// The line a build ends with: the site by kind and, when the build kept files of
    /// the previous one (`written` is less than the site), what it wrote itself.
    pub fn line(&self, written: Tally) -> String {
        let total = self.total();
        if written.files >= total.files {
            return self.to_string();
        }
        format!(
            "{self}; this build wrote {} in {} {} and kept the rest",
            mb(written.bytes),
            thousands(written.files),
            if written.files == 1 { "file" } else { "files" }
        )
    }
}

/// One line: `site 284.1 MB in 9,163 files: pages 181.2 MB (7,160), …`.
impl fmt::Display for SiteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        write!(
            f,
            "site {} in {} files: ",
            mb(total.bytes),
            thousands(total.files)
        )?;
        let parts = [
            ("pages", self.pages),
            ("exports", self.exports),
            ("search", self.search),
            ("static", self.statics),
        ];
        for (i, (name, t)) in parts.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name} {} ({})", mb(t.bytes), thousands(t.files))?;
        }
        Ok(())
    }
}

/// Bytes in a megabyte, as hosts count them.
const MB: u64 = 1_000_000;

/// `284.1 MB`, `0.2 MB`, `1.2 GB`.
pub fn mb(bytes: u64) -> String {
    if bytes >= 1000 * MB {
        format!("{:.1} GB", bytes as f64 / (1000 * MB) as f64)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(pages: u64, exports: u64, search: u64) -> SiteSize {
        SiteSize {
            pages: Tally {
                files: 7_000,
                bytes: pages,
            },
            exports: Tally {
                files: 2_000,
                bytes: exports,
            },
            search: Tally {
                files: 900,
                bytes: search,
            },
            statics: Tally {
                files: 6,
                bytes: 60_000,
            },
        }
    }

    #[test]
    fn the_line_names_every_kind() {
        let s = size(181_200_000, 97_000_000, 24_900_000);
        assert_eq!(
            s.to_string(),
            "site 303.2 MB in 9,906 files: pages 181.2 MB (7,000), exports 97.0 MB (2,000), \
             search 24.9 MB (900), static 0.1 MB (6)"
        );
        // A build that wrote every file says nothing more; one that kept some says so.
        assert_eq!(s.line(s.total()), s.to_string());
        let three = Tally {
            files: 3,
            bytes: 420_000,
        };
        assert_eq!(
            s.line(three),
            format!("{s}; this build wrote 0.4 MB in 3 files and kept the rest")
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(mb(1_200_000_000), "1.2 GB");
    }

    #[test]
    fn a_site_within_the_limits_gets_no_warning() {
        let config = Config::default();
        assert!(
            size(600_000_000, 300_000_000, 90_000_000)
                .check(&config)
                .is_empty()
        );
    }

    #[test]
    fn past_a_limit_the_warning_names_the_limit_and_the_keys() {
        let mut config = Config::default();
        config.output.exports.vtt = true;
        let warnings = size(600_000_000, 300_000_000, 200_000_000).check(&config);
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!(
            w.headline(),
            "warning: book.toml: the site is 1.1 GB (limit 1.0 GB: `[build] max-site-mb`), \
             over what GitHub and GitLab Pages publish (1 GB)"
        );
        let help = w.help.as_deref().unwrap_or_default();
        assert!(
            help.contains("`[output.exports]` (vtt, chapters are on: 300.0 MB)"),
            "{help}"
        );
        assert!(
            help.contains("`[output.html.search] enable = false` (200.0 MB)"),
            "{help}"
        );

        config.build.max_site_files = 5_000;
        config.output.html.search.enable = false;
        config.output.exports.vtt = false;
        let warnings = size(1, 1, 1).check(&config);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("9,906 files (limit 5,000"));
        let help = warnings[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("(chapters is on:"), "{help}");
        assert!(!help.contains("search"), "{help}");
    }
}
