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
use super::{FrontMatter, FrontPositions, NestedExtra, ParseOptions, Place};
use crate::diag::Diagnostic;

mod values;

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
    /// Index of the source `guest_background` came from (its positions are in it).
    pub(super) background_layer: usize,
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

/// A key and its value as read from one YAML source.
pub(super) type Entry = (Key, Value);

/// Reads one YAML source (`what` names it in messages: "front matter", "metadata")
/// into its top-level entries; `None` after an error. An empty source has none.
pub(super) fn load(yaml: &Yaml<'_>, what: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Entry>> {
    let (file, text, first_line) = (yaml.file, yaml.text, yaml.first_line);
    if text.len() > MAX_FRONT_MATTER_BYTES {
        diags.push(
            Diagnostic::error(file, format!("{what} is larger than 1 MiB"))
                .at_line(first_line)
                .with_help("keep long text such as notes in the transcript body"),
        );
        return None;
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
            diags.push(yaml_error(yaml, what, &err));
            return None;
        }
    };
    match root.value {
        Node::Null => Some(Vec::new()),
        Node::Map(entries) => Some(entries),
        other => {
            diags.push(
                yaml.error_at(
                    &root.referenced,
                    format!(
                        "{what} must be a mapping of keys to values, not {}",
                        other.kind()
                    ),
                )
                .with_help("write one `key: value` per line, e.g. `episode_title: My episode`"),
            );
            None
        }
    }
}

/// Where a missing required key should go, for the help of its error.
pub(super) enum MissingHelp {
    /// The transcript has front matter: add it there.
    FrontMatter,
    /// The metadata lives beside the transcript: name the sidecar to write.
    Sidecar(String),
}

/// Checks the merged entries of `transcript`'s metadata: each names the source in
/// `layers` it came from, and holds the one value of its key that counts.
pub(super) fn check(
    transcript: &str,
    layers: &[&Yaml<'_>],
    entries: Vec<(usize, Key, Value)>,
    opts: &ParseOptions,
    missing: &MissingHelp,
    diags: &mut Vec<Diagnostic>,
) -> Front {
    let none = Yaml::new(transcript, "", 1);
    let mut checker = Checker {
        yaml: layers.first().copied().unwrap_or(&none),
        transcript,
        opts,
        diags,
        errors: 0,
        missing,
    };
    checker.check(layers, entries)
}

fn yaml_error(yaml: &Yaml<'_>, what: &str, err: &serde_saphyr::Error) -> Diagnostic {
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
    let d = Diagnostic::error(yaml.file, format!("{what} is not valid YAML: {msg}"));
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
    background_layer: usize,
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

/// The keys every episode must have.
pub(super) const REQUIRED: [&str; 4] =
    ["podcast_name", "episode_title", "host_name", "episode_date"];

struct Checker<'a, 'y> {
    /// The source of the entry being checked.
    yaml: &'a Yaml<'y>,
    /// The transcript's display path, for problems that have no source line.
    transcript: &'a str,
    opts: &'a ParseOptions,
    diags: &'a mut Vec<Diagnostic>,
    errors: usize,
    missing: &'a MissingHelp,
}

type Key = Spanned<String>;
type Value = Spanned<Node>;

impl<'a, 'y> Checker<'a, 'y> {
    fn check(&mut self, layers: &[&'a Yaml<'y>], entries: Vec<(usize, Key, Value)>) -> Front {
        let mut f = Fields::default();
        let transcript = self.transcript;
        for (layer, key, value) in entries {
            let Some(yaml) = layers.get(layer) else {
                continue;
            };
            self.yaml = yaml;
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
                    f.background_layer = layer;
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
                let (place, has) = match self.missing {
                    MissingHelp::FrontMatter => ("the front matter".to_owned(), "the front matter"),
                    MissingHelp::Sidecar(sidecar) => (
                        format!("{sidecar} (beside the transcript) or to a _defaults.yml"),
                        "the metadata",
                    ),
                };
                let help = match near {
                    Some(k) => format!("{has} has `{k}`; the key is spelled `{name}`"),
                    None => format!("add a `{name}: ...` line to {place}"),
                };
                self.errors += 1;
                self.diags.push(
                    Diagnostic::error(transcript, format!("missing required field `{name}`"))
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
            background_layer: f.background_layer,
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
    fn line_col(&self, loc: &Location) -> Option<Place> {
        let pos = self.yaml.pos(loc);
        // A value from a sidecar or `_defaults.yml` is placed in that file.
        let file = (self.yaml.file != self.transcript).then(|| self.yaml.file.to_owned());
        (pos.line > 0).then_some(Place {
            file,
            line: pos.line,
            col: pos.col,
        })
    }

    /// [`Checker::line_col`] of each entry; unknown ones as (0, 0) to stay parallel.
    fn line_cols(&self, locs: &[Location]) -> Vec<Place> {
        locs.iter()
            .map(|l| self.line_col(l).unwrap_or_default())
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
}
