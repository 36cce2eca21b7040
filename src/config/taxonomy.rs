//! `[[taxonomies]]`: browsing the archive by any front-matter field.
//!
//! In the spirit of Zola's `taxonomies = [{ name = "tags", feed = true }]` and Hugo's
//! `[taxonomies]`: each entry names a front-matter field and gets an index page
//! (`/<name>/`) and a page per term (`/<name>/<term>/`).
//!
//! ```toml
//! [[taxonomies]]
//! name = "company"            # URL segment and filter key
//! field = "current_company"   # front-matter key (scalar or list)
//! title = "Companies"         # heading of the index page
//! singular = "Company"        # label of one term
//! of = "guest"                # whose fact it is: "guest" or "episode"
//! range = 5                   # group whole numbers: 2000–2004, 2005–2009
//! feed = true                 # a feed.xml per term
//! ```

use anyhow::bail;
use serde::Deserialize;

use super::CONFIG_FILE;

/// Front-matter keys that describe an episode's (first) guest rather than the episode:
/// a taxonomy over one of them files its terms under that guest.
pub const GUEST_FIELDS: &[&str] = &[
    "biggest_role",
    "current_company",
    "company_size",
    "yoe-starting",
];

/// Top-level folders the site already uses, and the filter keys of the list pages:
/// a taxonomy named like one of them would overwrite pages or confuse filters.
pub const RESERVED_NAMES: &[&str] = &[
    "episodes", "guests", "hosts", "people", "topics", "podcasts", "search", "podcast", "host",
    "year",
];

/// Whose fact a taxonomy's field is.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyOf {
    /// The episode's first guest: the person carries the terms of every episode that
    /// states them about them.
    Guest,
    /// The episode: its guests carry its terms.
    Episode,
}

/// One `[[taxonomies]]` entry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct TaxonomyConfig {
    /// URL segment (`/company/`) and filter key: `[a-z0-9-]+`.
    pub name: String,
    /// The front-matter key whose values are the terms.
    pub field: String,
    /// Heading of the index page; defaults to `name` in sentence case.
    #[serde(default)]
    pub title: Option<String>,
    /// Label of one term ("Company: Meta"); defaults to the title.
    #[serde(default)]
    pub singular: Option<String>,
    /// Whose fact it is; defaults to `guest` for the guest facts (`biggest_role`,
    /// `current_company`, `company_size`, `yoe-starting`), else `episode`.
    #[serde(default)]
    pub of: Option<TaxonomyOf>,
    /// Groups whole numbers into ranges this wide, aligned on multiples of it.
    #[serde(default)]
    pub range: Option<u32>,
    /// Writes `/<name>/<term>/feed.xml` for every term.
    #[serde(default)]
    pub feed: bool,
    /// Line of this entry's `field` in book.toml, for warnings about it.
    #[serde(skip)]
    pub line: Option<u32>,
}

impl TaxonomyConfig {
    /// The index page's heading.
    pub fn title(&self) -> String {
        match &self.title {
            Some(t) if !t.trim().is_empty() => t.trim().to_owned(),
            _ => sentence_case(&self.name),
        }
    }

    /// The label of one term.
    pub fn singular(&self) -> String {
        match &self.singular {
            Some(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => self.title(),
        }
    }

    /// True when the field describes the episode's first guest.
    pub fn per_guest(&self) -> bool {
        match self.of {
            Some(of) => of == TaxonomyOf::Guest,
            None => GUEST_FIELDS.contains(&self.field.as_str()),
        }
    }
}

/// `company-size` → `Company size`.
fn sentence_case(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Checks every entry; an error names the entry's key in book.toml.
pub(super) fn validate(list: &[TaxonomyConfig]) -> anyhow::Result<()> {
    for (i, t) in list.iter().enumerate() {
        let key = format!("taxonomies[{i}]");
        if !crate::slug::is_valid(&t.name) {
            bail!(
                "{CONFIG_FILE}: `{key}.name` is `{}`; a taxonomy's name is its URL segment: \
                 use lower-case letters, digits and hyphens (e.g. `company`)",
                t.name
            );
        }
        if RESERVED_NAMES.contains(&t.name.as_str()) {
            bail!(
                "{CONFIG_FILE}: `{key}.name` is `{}`, which the site already uses; choose \
                 another name (reserved: {})",
                t.name,
                RESERVED_NAMES.join(", ")
            );
        }
        if list[..i].iter().any(|o| o.name == t.name) {
            bail!(
                "{CONFIG_FILE}: `{key}.name`: two taxonomies are named `{}`",
                t.name
            );
        }
        if t.field.trim().is_empty() {
            bail!("{CONFIG_FILE}: `{key}.field` is empty; name a front-matter key");
        }
        if t.range == Some(0) {
            bail!("{CONFIG_FILE}: `{key}.range` must be at least 1 (e.g. 5 for 5-year cohorts)");
        }
    }
    Ok(())
}

/// Sets each entry's `line` to the line of its `field` key: the n-th `[[taxonomies]]`
/// table's `field = …` line (entries written as inline tables keep `None`).
pub(super) fn find_lines(text: &str, list: &mut [TaxonomyConfig]) {
    let mut entry: Option<usize> = None;
    let mut tables = 0;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t.split('#').next().unwrap_or("").trim();
            entry = if header.replace(' ', "") == "[[taxonomies]]" {
                tables += 1;
                Some(tables - 1)
            } else {
                None
            };
            continue;
        }
        let Some(n) = entry else { continue };
        let is_field = t
            .strip_prefix("field")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_field && let Some(tax) = list.get_mut(n) {
            tax.line = Some(crate::diag::to_u32(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    #[test]
    fn entries_parse_with_defaults_and_lines() {
        let text = "[book]\ntitle = \"x\"\n\n[[taxonomies]]\nname = \"company-size\"\nfield = \"company_size\"\n\n[[taxonomies]]\nname = \"format\"\n# a comment\nfield = \"format\"\nrange = 5\nfeed = true\ntitle = \"Formats\"\nsingular = \"Format\"\n";
        let (c, d) = parse(text).unwrap();
        assert!(d.is_empty(), "{d:?}");
        let [size, format] = c.taxonomies.as_slice() else {
            panic!("{:?}", c.taxonomies)
        };
        assert_eq!(size.title(), "Company size");
        assert_eq!(size.singular(), "Company size");
        assert!(size.per_guest());
        assert_eq!(size.line, Some(6));
        assert!(!format.per_guest());
        assert_eq!(
            (format.range, format.feed, format.line),
            (Some(5), true, Some(11))
        );
        assert_eq!(format.singular(), "Format");
    }

    #[test]
    fn bad_entries_are_errors_naming_the_key() {
        let err = |t: &str| parse(t).unwrap_err().to_string();
        let e = err("[[taxonomies]]\nname = \"Big Co\"\nfield = \"x\"\n");
        assert!(e.contains("`taxonomies[0].name`"), "{e}");
        let e = err("[[taxonomies]]\nname = \"guests\"\nfield = \"x\"\n");
        assert!(e.contains("already uses"), "{e}");
        let e = err(
            "[[taxonomies]]\nname = \"a\"\nfield = \"x\"\n[[taxonomies]]\nname = \"a\"\nfield = \"y\"\n",
        );
        assert!(e.contains("`taxonomies[1].name`"), "{e}");
        let e = err("[[taxonomies]]\nname = \"a\"\nfield = \" \"\n");
        assert!(e.contains("`taxonomies[0].field`"), "{e}");
        let e = err("[[taxonomies]]\nname = \"a\"\nfield = \"x\"\nrange = 0\n");
        assert!(e.contains("`taxonomies[0].range`"), "{e}");
        let e = err("[[taxonomies]]\nname = \"a\"\nfield = \"x\"\nof = \"host\"\n");
        assert!(e.contains("of"), "{e}");
        let e = err("[[taxonomies]]\nname = \"a\"\n");
        assert!(e.contains("field"), "{e}");
    }

    #[test]
    fn unknown_keys_in_an_entry_warn() {
        let (_, d) = parse("[[taxonomies]]\nname = \"a\"\nfield = \"x\"\ncolour = 1\n").unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("colour"), "{d:?}");
    }
}
