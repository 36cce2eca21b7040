//! Front matter: the YAML between the two `---` lines, checked into a [`FrontMatter`].
//!
//! The YAML is read into an untyped tree that keeps every node's position
//! ([`super::yaml`]), then each known key is checked by hand. Typed serde deserialization would stop at the first
//! wrong value; checking by hand reports every bad key with its line and column.
//!
//! Rules where the spec is silent:
//! - YAML 1.1 booleans (`yes`, `y`, `off`) stay strings, except that `draft` accepts
//!   `yes`/`no` as well as `true`/`false`.
//! - A number or boolean where text is expected is taken as written (`episode_title:
//!   1984` is the title "1984"); `episode_duration` and `yoe-starting` also accept a
//!   quoted whole number.
//! - Wrong types are reported at the key; bad list entries, dates and YAML syntax
//!   errors at the value. Missing required fields have no line.
//! - With no `date-format`, dates are `D/M/YYYY` (one or two digits for day and month)
//!   or exactly `YYYY-MM-DD`.
//! - Duplicate keys are a YAML error; the front matter is capped at 1 MiB.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_saphyr::{Location, MessageFormatter, Spanned};

use super::yaml::{Node, Yaml, to_json};
use super::{FrontMatter, FrontPositions, NestedExtra, ParseOptions};
use crate::diag::Diagnostic;

/// Front matter larger than this is refused before YAML parsing: no real episode needs
/// it, and it bounds the parser's work on hostile input.
pub(super) const MAX_FRONT_MATTER_BYTES: usize = 1 << 20;

/// The checked front matter, or `None` after an error, plus positions the body checks use.
#[derive(Debug, Default)]
pub(super) struct Front {
    /// The front matter when it has no error.
    pub(super) front: Option<FrontMatter>,
    /// Where each `guest_background` entry is, parallel to `front.guest_background`;
    /// turned into a [`Pos`] only if a warning needs it.
    pub(super) background_at: Vec<Location>,
}

/// Quotes a user value for a message, shortened so one line stays readable.
fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("{:?}…", short)
    } else {
        format!("{s:?}")
    }
}

/// Reads and checks the front matter.
pub(super) fn parse(yaml: &Yaml<'_>, opts: &ParseOptions, diags: &mut Vec<Diagnostic>) -> Front {
    let (file, text, first_line) = (yaml.file, yaml.text, yaml.first_line);
    if text.len() > MAX_FRONT_MATTER_BYTES {
        diags.push(
            Diagnostic::error(file, "front matter is larger than 1 MiB")
                .at_line(first_line)
                .with_help("keep long text such as notes in the transcript body"),
        );
        return Front::default();
    }
    let options = serde_saphyr::options! {
        // YAML 1.1 booleans would turn a list entry `y` or `no` into a bool.
        strict_booleans: true,
        with_snippet: false,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
    };
    let root = match serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options) {
        Ok(root) => root,
        Err(err) => {
            diags.push(yaml_error(yaml, &err));
            return Front::default();
        }
    };
    let entries = match root.value {
        Node::Null => Vec::new(),
        Node::Map(entries) => entries,
        other => {
            diags.push(
                yaml.error_at(
                    &root.referenced,
                    format!(
                        "front matter must be a mapping of keys to values, not {}",
                        other.kind()
                    ),
                )
                .with_help("write one `key: value` per line, e.g. `episode_title: My episode`"),
            );
            return Front::default();
        }
    };
    let mut checker = Checker {
        yaml,
        opts,
        diags,
        errors: 0,
    };
    checker.check(entries)
}

fn yaml_error(yaml: &Yaml<'_>, err: &serde_saphyr::Error) -> Diagnostic {
    let inner = err.without_snippet();
    let raw = serde_saphyr::DefaultMessageFormatter.format_message(inner);
    // The library's hint about its own options means nothing to a transcript author.
    let raw = raw
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or_default();
    let msg: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let d = Diagnostic::error(yaml.file, format!("front matter is not valid YAML: {msg}"));
    match err.location() {
        Some(loc) => yaml.pos(&loc).apply(d),
        None => d.at_line(yaml.first_line),
    }
}

/// Accumulates the checked values of the known keys.
#[derive(Default)]
struct Fields {
    podcast_name: Option<String>,
    episode_title: Option<String>,
    hosts: Option<Vec<String>>,
    guests: Vec<String>,
    date: Option<Date>,
    duration_minutes: Option<u32>,
    description: Option<String>,
    guest_background: Vec<String>,
    background_at: Vec<Location>,
    biggest_role: Option<String>,
    current_company: Option<String>,
    company_size: Option<String>,
    career_start: Option<i32>,
    slug: Option<String>,
    audio_url: Option<String>,
    topics: Vec<String>,
    tags: Vec<String>,
    draft: bool,
    extra: BTreeMap<String, serde_json::Value>,
    nested_extra: Vec<NestedExtra>,
    at: FrontPositions,
    /// Required keys that were present (even if their value was bad).
    seen_required: [bool; REQUIRED.len()],
}

const REQUIRED: [&str; 4] = ["podcast_name", "episode_title", "host_name", "episode_date"];

struct Checker<'a, 'y> {
    yaml: &'a Yaml<'y>,
    opts: &'a ParseOptions,
    diags: &'a mut Vec<Diagnostic>,
    errors: usize,
}

type Key = Spanned<String>;
type Value = Spanned<Node>;

impl Checker<'_, '_> {
    fn check(&mut self, entries: Vec<(Key, Value)>) -> Front {
        let mut f = Fields::default();
        for (key, value) in entries {
            if let Some(i) = REQUIRED.iter().position(|r| *r == key.value)
                && let Some(seen) = f.seen_required.get_mut(i)
            {
                *seen = true;
            }
            match key.value.as_str() {
                "podcast_name" => {
                    f.podcast_name = self.required_string(&key, &value);
                    f.at.podcast_name = self.line_col(&value.referenced);
                }
                "episode_title" => {
                    f.episode_title = self.required_string(&key, &value);
                    f.at.episode_title = self.line_col(&value.referenced);
                }
                "host_name" => {
                    let (hosts, at) = self.hosts(&key, &value).unzip();
                    f.hosts = hosts;
                    f.at.hosts = self.line_cols(&at.unwrap_or_default());
                }
                "guest_name" => {
                    let (guests, at) = self.names(&key, &value);
                    f.guests = guests;
                    f.at.guests = self.line_cols(&at);
                }
                "episode_date" => f.date = self.date(&key, &value),
                "episode_duration" => f.duration_minutes = self.duration(&key, &value),
                "episode_description" => f.description = self.string(&key, &value),
                "guest_background" => {
                    (f.guest_background, f.background_at) = self.names(&key, &value);
                }
                "biggest_role" => f.biggest_role = self.string(&key, &value),
                "current_company" => f.current_company = self.string(&key, &value),
                "company_size" => f.company_size = self.string(&key, &value),
                "yoe-starting" => f.career_start = self.year(&key, &value),
                "slug" => {
                    f.slug = self.string(&key, &value);
                    f.at.slug = self.line_col(&value.referenced);
                }
                "audio_url" => f.audio_url = self.string(&key, &value),
                "topics" => f.topics = self.names(&key, &value).0,
                "tags" => f.tags = self.names(&key, &value).0,
                "draft" => f.draft = self.draft(&key, &value),
                _ => {
                    if let Some(problem) = self.nested(&key, &value) {
                        f.nested_extra.push(NestedExtra {
                            key: key.value.clone(),
                            problem,
                        });
                    }
                    f.extra.insert(key.value, to_json(&value.value));
                }
            }
        }
        for (name, seen) in REQUIRED.iter().zip(f.seen_required) {
            if !seen {
                // `Episode_Title` or `host-name` is a likely typo: name it in the help.
                let near = f.extra.keys().find(|k| {
                    k.len() == name.len()
                        && k.bytes()
                            .zip(name.bytes())
                            .all(|(a, b)| a.to_ascii_lowercase() == b || (a == b'-' && b == b'_'))
                });
                let help = match near {
                    Some(k) => format!("the front matter has `{k}`; the key is spelled `{name}`"),
                    None => format!("add a `{name}: ...` line to the front matter"),
                };
                self.errors += 1;
                self.diags.push(
                    Diagnostic::error(self.yaml.file, format!("missing required field `{name}`"))
                        .with_help(help),
                );
            }
        }
        let mut topics = f.topics;
        topics.extend(f.tags);
        let front = match (f.podcast_name, f.episode_title, f.hosts, f.date) {
            (Some(podcast_name), Some(episode_title), Some(hosts), Some(date))
                if self.errors == 0 =>
            {
                Some(FrontMatter {
                    podcast_name,
                    episode_title,
                    hosts,
                    guests: f.guests,
                    date,
                    duration_minutes: f.duration_minutes,
                    description: f.description,
                    guest_background: f.guest_background,
                    biggest_role: f.biggest_role,
                    current_company: f.current_company,
                    company_size: f.company_size,
                    career_start: f.career_start,
                    slug: f.slug,
                    audio_url: f.audio_url,
                    topics,
                    draft: f.draft,
                    extra: f.extra,
                    nested_extra: f.nested_extra,
                    at: f.at,
                })
            }
            _ => None,
        };
        Front {
            front,
            background_at: f.background_at,
        }
    }

    /// The error a taxonomy over an unknown key would meet: its value is a mapping, or
    /// a list holding a list or a mapping. Pointed at the first such value.
    fn nested(&self, key: &Key, value: &Value) -> Option<Diagnostic> {
        let (at, kind) = match &value.value {
            Node::Map(_) => (&value.referenced, "a mapping"),
            Node::Seq(items) => items.iter().find_map(|item| match &item.value {
                Node::Seq(_) => Some((&item.referenced, "a list inside a list")),
                Node::Map(_) => Some((&item.referenced, "a mapping inside a list")),
                _ => None,
            })?,
            _ => return None,
        };
        Some(self.yaml.error_at(
            at,
            format!(
                "`{}` holds {kind}, but a taxonomy's field must be a value or a list of values",
                key.value
            ),
        ))
    }

    /// (line, column) of a value in the file, when known.
    fn line_col(&self, loc: &Location) -> Option<(u32, u32)> {
        let pos = self.yaml.pos(loc);
        (pos.line > 0).then_some((pos.line, pos.col))
    }

    /// [`Checker::line_col`] of each entry; unknown ones as (0, 0) to stay parallel.
    fn line_cols(&self, locs: &[Location]) -> Vec<(u32, u32)> {
        locs.iter()
            .map(|l| self.line_col(l).unwrap_or((0, 0)))
            .collect()
    }

    fn error(&mut self, d: Diagnostic) {
        self.errors += 1;
        self.diags.push(d);
    }

    /// A wrong-type error, at the key so the message and the caret agree.
    fn type_error(&mut self, key: &Key, msg: String) {
        let d = self.yaml.error_at(&key.referenced, msg);
        self.error(d);
    }

    /// An optional text field; blank becomes `None`.
    fn string(&mut self, key: &Key, value: &Value) -> Option<String> {
        match &value.value {
            Node::Null => None,
            Node::Seq(_) | Node::Map(_) => {
                self.type_error(
                    key,
                    format!(
                        "`{}` must be a string, not {}",
                        key.value,
                        value.value.kind()
                    ),
                );
                None
            }
            _ => {
                let s = self.yaml.raw_scalar(value)?;
                let t = s.trim();
                if t.is_empty() {
                    None
                } else if t.len() == s.len() {
                    Some(s)
                } else {
                    Some(t.to_owned())
                }
            }
        }
    }

    fn required_string(&mut self, key: &Key, value: &Value) -> Option<String> {
        let bad_type = matches!(value.value, Node::Seq(_) | Node::Map(_));
        let s = self.string(key, value);
        if s.is_none() && !bad_type {
            let d = self.yaml.error_at(
                &key.referenced,
                format!("required field `{}` is empty", key.value),
            );
            self.error(d);
        }
        s
    }

    /// A string or a list of strings; blank entries are dropped. Also returns where
    /// each kept entry is.
    fn names(&mut self, key: &Key, value: &Value) -> (Vec<String>, Vec<Location>) {
        let mut names = Vec::new();
        let mut positions = Vec::new();
        match &value.value {
            Node::Null => {}
            Node::Map(_) => self.type_error(
                key,
                format!(
                    "`{}` must be a string or a list of strings, not a mapping",
                    key.value
                ),
            ),
            Node::Seq(items) => {
                for item in items {
                    match &item.value {
                        Node::Null => {}
                        Node::Seq(_) | Node::Map(_) => {
                            let d = self.yaml.error_at(
                                &item.referenced,
                                format!(
                                    "`{}` entries must be strings, not {}",
                                    key.value,
                                    item.value.kind()
                                ),
                            );
                            self.error(d);
                        }
                        _ => {
                            if let Some(s) = self.yaml.raw_scalar(item) {
                                let t = s.trim();
                                if !t.is_empty() {
                                    names.push(t.to_owned());
                                    positions.push(item.referenced);
                                }
                            }
                        }
                    }
                }
            }
            _ => {
                if let Some(s) = self.yaml.raw_scalar(value) {
                    let t = s.trim();
                    if !t.is_empty() {
                        names.push(t.to_owned());
                        positions.push(value.referenced);
                    }
                }
            }
        }
        (names, positions)
    }

    /// The hosts and where each is, or `None` after an error.
    fn hosts(&mut self, key: &Key, value: &Value) -> Option<(Vec<String>, Vec<Location>)> {
        let before = self.errors;
        let (names, at) = self.names(key, value);
        if self.errors != before {
            return None;
        }
        if names.is_empty() {
            let d = self
                .yaml
                .error_at(
                    &key.referenced,
                    "`host_name` has no names: at least one host is required",
                )
                .with_help(
                    "write `host_name: Full Name` or a list `host_name: [Name One, Name Two]`",
                );
            self.error(d);
            return None;
        }
        Some((names, at))
    }

    fn date(&mut self, key: &Key, value: &Value) -> Option<Date> {
        let raw = match &value.value {
            Node::Seq(_) | Node::Map(_) => {
                self.type_error(
                    key,
                    format!("`episode_date` must be a date, not {}", value.value.kind()),
                );
                return None;
            }
            Node::Null => {
                let d = self
                    .yaml
                    .error_at(&key.referenced, "required field `episode_date` is empty");
                self.error(d);
                return None;
            }
            _ => self.yaml.raw_scalar(value).unwrap_or_default(),
        };
        let s = raw.trim();
        let at = |msg: String| self.yaml.error_at(&value.referenced, msg);
        let d = match &self.opts.date_format {
            None => match parse_default_date(s) {
                DateParse::Ok(date) => return Some(date),
                DateParse::NotReal => at(format!("episode_date {} is not a real date", quoted(s))),
                DateParse::NotADate => at(format!(
                    "episode_date {} is not a date: expected DD/MM/YYYY or YYYY-MM-DD",
                    quoted(s)
                ))
                .with_help("write the date like 15/08/2025 or 2025-08-15"),
            },
            Some(format) => match jiff::fmt::strtime::parse(format, s) {
                Ok(tm) => match tm.to_date() {
                    Ok(date) => return Some(date),
                    Err(err) => at(format!("episode_date {} is not a real date", quoted(s)))
                        .with_help(err.to_string()),
                },
                Err(err) => at(format!(
                    "episode_date {} does not match the date format {}",
                    quoted(s),
                    quoted(format)
                ))
                .with_help(format!(
                    "the format comes from `[content] date-format` in book.toml ({err})"
                )),
            },
        };
        self.error(d);
        None
    }

    /// A whole number written as a YAML integer or a string of digits.
    fn integer(&self, value: &Value) -> Option<i128> {
        match &value.value {
            Node::Int(i) => Some(*i),
            Node::Str(s) => {
                let t = s.trim();
                let digits = t.strip_prefix('-').unwrap_or(t);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse().ok()
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn shown(&self, value: &Value) -> String {
        match self.yaml.raw_scalar(value) {
            Some(s) => quoted(&s),
            None => value.value.kind().to_owned(),
        }
    }

    fn duration(&mut self, key: &Key, value: &Value) -> Option<u32> {
        if matches!(value.value, Node::Null) {
            return None;
        }
        if let Some(n) = self.integer(value).and_then(|i| u32::try_from(i).ok()) {
            return Some(n);
        }
        let msg = format!(
            "`episode_duration` must be a whole number of minutes, not {}",
            self.shown(value)
        );
        self.type_error(key, msg);
        None
    }

    fn year(&mut self, key: &Key, value: &Value) -> Option<i32> {
        if matches!(value.value, Node::Null) {
            return None;
        }
        if let Some(n) = self.integer(value).and_then(|i| i32::try_from(i).ok()) {
            return Some(n);
        }
        let msg = format!(
            "`yoe-starting` must be a year (a whole number), not {}",
            self.shown(value)
        );
        self.type_error(key, msg);
        None
    }

    fn draft(&mut self, key: &Key, value: &Value) -> bool {
        match &value.value {
            Node::Null => return false,
            Node::Bool(b) => return *b,
            Node::Str(s) => {
                let t = s.trim();
                for (word, b) in [
                    ("true", true),
                    ("yes", true),
                    ("false", false),
                    ("no", false),
                ] {
                    if t.eq_ignore_ascii_case(word) {
                        return b;
                    }
                }
            }
            _ => {}
        }
        let msg = format!("`draft` must be true or false, not {}", self.shown(value));
        self.type_error(key, msg);
        false
    }
}

enum DateParse {
    Ok(Date),
    /// Shaped like a date, but no such day exists (31/02/2025).
    NotReal,
    NotADate,
}

/// `DD/MM/YYYY` (one-digit day and month allowed) or ISO `YYYY-MM-DD`.
fn parse_default_date(s: &str) -> DateParse {
    fn num(part: &str, min_len: usize, max_len: usize) -> Option<i16> {
        let ok =
            (min_len..=max_len).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if ok { part.parse().ok() } else { None }
    }
    let ymd = if s.contains('/') {
        let mut it = s.split('/');
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(d), Some(m), Some(y), None) => num(y, 4, 4).zip(num(m, 1, 2)).zip(num(d, 1, 2)),
            _ => None,
        }
    } else {
        let mut it = s.split('-');
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(y), Some(m), Some(d), None) => num(y, 4, 4).zip(num(m, 2, 2)).zip(num(d, 2, 2)),
            _ => None,
        }
    };
    let Some(((y, m), d)) = ymd else {
        return DateParse::NotADate;
    };
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return DateParse::NotReal;
    };
    match Date::new(y, m, d) {
        Ok(date) => DateParse::Ok(date),
        Err(_) => DateParse::NotReal,
    }
}
