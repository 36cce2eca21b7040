//! Checks that need both the front matter and the body: speaker labels resolved to
//! hosts and guests, and `guest_background` compared with the chapter headings.

use std::collections::{HashMap, HashSet};

use super::body::{Heading, LabelUse};
use super::meta::{SpeakerEntry, SpeakerMap};
use super::yaml::Yaml;
use super::{FrontMatter, ParsedChapter, Role, SpeakerRef};
use crate::diag::{Diagnostic, to_u32};

/// Case-insensitive equality without allocating (full Unicode lower-casing).
fn eq_ci(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Equal word by word, ignoring case and how much whitespace separates the words.
fn words_eq_ci(a: &str, b: &str) -> bool {
    let mut x = a.split_whitespace();
    let mut y = b.split_whitespace();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if eq_ci(p, q) => {}
            _ => return false,
        }
    }
}

/// How a label resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolution {
    /// A host or guest.
    Person(SpeakerRef),
    /// The first name of several different people.
    Ambiguous(Vec<String>),
    /// Nobody of this episode.
    Unknown,
}

/// Resolves one label: a full-name match wins, then a unique first-name match.
pub(super) fn resolve_label(label: &str, front: &FrontMatter) -> Resolution {
    let people = || {
        let hosts = front
            .hosts
            .iter()
            .enumerate()
            .map(|(i, n)| (Role::Host, i, n));
        let guests = front
            .guests
            .iter()
            .enumerate()
            .map(|(i, n)| (Role::Guest, i, n));
        hosts.chain(guests)
    };
    if let Some((role, index, _)) = people().find(|(_, _, name)| words_eq_ci(label, name)) {
        return Resolution::Person(SpeakerRef { role, index });
    }
    let label = label.trim();
    let mut found: Option<SpeakerRef> = None;
    let mut names: Vec<String> = Vec::new();
    for (role, index, name) in people() {
        let first = name.split_whitespace().next().unwrap_or_default();
        if !eq_ci(label, first) {
            continue;
        }
        // The same person listed twice (say as host and guest) is not ambiguous.
        if names.iter().any(|n| words_eq_ci(n, name)) {
            continue;
        }
        names.push(name.clone());
        found.get_or_insert(SpeakerRef { role, index });
    }
    match (found, names.len()) {
        (Some(r), 1) => Resolution::Person(r),
        (Some(_), _) => Resolution::Ambiguous(names),
        (None, _) => Resolution::Unknown,
    }
}

/// What a label stands for: the name it maps to under `speakers:` (else itself),
/// how that name resolves, and the map entry used.
pub(super) fn lookup<'m>(
    label: &str,
    map: &'m SpeakerMap,
    front: &FrontMatter,
) -> (Option<&'m SpeakerEntry>, Resolution) {
    let entry = map.get(label);
    let name = entry.map_or(label, |e| e.name.as_str());
    (entry, resolve_label(name, front))
}

/// Warns about a `speakers:` entry whose name is not one person of the episode.
pub(super) fn warn_entry(
    entry: &SpeakerEntry,
    resolution: &Resolution,
    diags: &mut Vec<Diagnostic>,
) {
    let msg = match resolution {
        Resolution::Person(_) => return,
        Resolution::Ambiguous(names) => format!(
            "`speakers` maps \"{}\" to \"{}\", the first name of {}",
            entry.label,
            entry.name,
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Resolution::Unknown => format!(
            "`speakers` maps \"{}\" to \"{}\", who is not a host or guest of this episode",
            entry.label, entry.name
        ),
    };
    diags.push(
        entry
            .pos
            .apply(Diagnostic::warning(entry.file.as_str(), msg))
            .with_help("write the full name as `host_name` or `guest_name` lists it, or add the person there"),
    );
}

/// Warns about the front matter's or sidecar's `speakers:` entries no label used.
pub(super) fn warn_unused(map: &SpeakerMap, used: &HashSet<&str>, diags: &mut Vec<Diagnostic>) {
    for e in map
        .entries
        .iter()
        .filter(|e| e.own && !used.contains(e.label.as_str()))
    {
        diags.push(
            e.pos
                .apply(Diagnostic::warning(
                    e.file.as_str(),
                    format!(
                        "`speakers` label \"{}\" is not used in the transcript",
                        e.label
                    ),
                ))
                .with_help("check its spelling against the labels in the transcript, or remove it"),
        );
    }
}

/// Fills every turn's `resolved` (and, for a label mapped under `speakers:`, its
/// speaker, with the name), warning once per label that does not resolve.
pub(super) fn resolve(
    file: &str,
    front: &FrontMatter,
    map: &SpeakerMap,
    labels: &[LabelUse<'_>],
    chapters: &mut [ParsedChapter],
    diags: &mut Vec<Diagnostic>,
) {
    let mut resolved: HashMap<&str, SpeakerRef> = HashMap::with_capacity(labels.len());
    let mut renamed: HashMap<&str, &str> = HashMap::new();
    let mut used: HashSet<&str> = HashSet::new();
    for used_at in labels {
        let warning = |msg: String| {
            Diagnostic::warning(file, msg)
                .at(used_at.line, 1)
                .with_source(used_at.source, to_u32(used_at.label.chars().count()))
        };
        let (entry, resolution) = lookup(used_at.label, map, front);
        if let Some(e) = entry {
            used.insert(e.label.as_str());
            renamed.insert(used_at.label, e.name.as_str());
            warn_entry(e, &resolution, diags);
        }
        match resolution {
            Resolution::Person(r) => {
                resolved.insert(used_at.label, r);
            }
            _ if entry.is_some() => {}
            Resolution::Ambiguous(names) => {
                let list = names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(" and ");
                diags.push(
                    warning(format!(
                        "speaker \"{}\" is ambiguous: it is the first name of {list}",
                        used_at.label
                    ))
                    .with_help("write the speaker's full name in the turn line"),
                );
            }
            Resolution::Unknown => diags.push(
                warning(format!(
                    "speaker \"{}\" is not a host or guest of this episode",
                    used_at.label
                ))
                .with_help(
                    "a label links to a person when it is their full or first name as \
                     written in `host_name` or `guest_name`",
                ),
            ),
        }
    }
    warn_unused(map, &used, diags);
    for turn in chapters.iter_mut().flat_map(|c| c.turns.iter_mut()) {
        turn.resolved = resolved.get(turn.speaker.as_str()).copied();
        if let Some(name) = renamed.get(turn.speaker.as_str()) {
            turn.speaker = (*name).to_owned();
        }
    }
}

/// How titles are compared: the same key topics use, so the cross-check and topic
/// pages never disagree about which titles are alike.
pub(super) fn normalize_title(s: &str) -> String {
    crate::slug::normalise_title(s)
}

/// A chapter title as written somewhere: a heading in the transcript, or a chapter of
/// the metadata (sidecar list or chapters.json, where `line` may be 0: unknown).
#[derive(Debug, Clone, Copy)]
pub(super) struct Titled<'a> {
    /// The title.
    pub(super) title: &'a str,
    /// The file it is written in.
    pub(super) file: &'a str,
    /// 1-based line (0 when unknown).
    pub(super) line: u32,
    /// 1-based column of the title.
    pub(super) col: u32,
    /// The source line.
    pub(super) source: &'a str,
}

impl<'a> From<&'a Heading<'a>> for Titled<'a> {
    fn from(h: &'a Heading<'a>) -> Self {
        Titled {
            title: h.title,
            file: "",
            line: h.line,
            col: h.col,
            source: h.source,
        }
    }
}

/// Warns about `guest_background` titles without a chapter and chapters not listed.
/// `yaml` is the source `guest_background` is in, `file` the transcript (for titles
/// with no file of their own).
pub(super) fn check_guest_background(
    file: &str,
    front: &FrontMatter,
    yaml: &Yaml<'_>,
    positions: &[serde_saphyr::Location],
    titles: &[Titled<'_>],
    diags: &mut Vec<Diagnostic>,
) {
    if front.guest_background.is_empty() {
        return;
    }
    let listed: Vec<String> = front
        .guest_background
        .iter()
        .map(|t| normalize_title(t))
        .collect();
    let written: Vec<String> = titles.iter().map(|h| normalize_title(h.title)).collect();
    let listed_set: HashSet<&str> = listed.iter().map(String::as_str).collect();
    let written_set: HashSet<&str> = written.iter().map(String::as_str).collect();
    for (i, (title, norm)) in front.guest_background.iter().zip(&listed).enumerate() {
        if written_set.contains(norm.as_str()) {
            continue;
        }
        let d = Diagnostic::warning(
            yaml.file,
            format!("guest_background title \"{title}\" has no matching chapter heading"),
        );
        let d = match positions.get(i) {
            Some(loc) => yaml.pos(loc).apply(d),
            None => d,
        };
        diags.push(d);
    }
    for (h, norm) in titles.iter().zip(&written) {
        if listed_set.contains(norm.as_str()) {
            continue;
        }
        let in_file = if h.file.is_empty() { file } else { h.file };
        let d = Diagnostic::warning(
            in_file,
            format!("chapter \"{}\" is not listed in guest_background", h.title),
        );
        diags.push(if h.line == 0 {
            d
        } else {
            d.at(h.line, h.col)
                .with_source(h.source, super::span_chars(h.title))
        });
    }
}
