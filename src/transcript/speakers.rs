//! Checks that need both the front matter and the body: speaker labels resolved to
//! hosts and guests, and `guest_background` compared with the chapter headings.

use std::collections::{HashMap, HashSet};

use super::body::{Heading, LabelUse};
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

/// Fills every turn's `resolved`, warning once per label that does not resolve.
pub(super) fn resolve(
    file: &str,
    front: &FrontMatter,
    labels: &[LabelUse<'_>],
    chapters: &mut [ParsedChapter],
    diags: &mut Vec<Diagnostic>,
) {
    let mut resolved: HashMap<&str, SpeakerRef> = HashMap::with_capacity(labels.len());
    for used in labels {
        let warning = |msg: String| {
            Diagnostic::warning(file, msg)
                .at(used.line, 1)
                .with_source(used.source, to_u32(used.label.chars().count()))
        };
        match resolve_label(used.label, front) {
            Resolution::Person(r) => {
                resolved.insert(used.label, r);
            }
            Resolution::Ambiguous(names) => {
                let list = names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(" and ");
                diags.push(
                    warning(format!(
                        "speaker \"{}\" is ambiguous: it is the first name of {list}",
                        used.label
                    ))
                    .with_help("write the speaker's full name in the turn line"),
                );
            }
            Resolution::Unknown => diags.push(
                warning(format!(
                    "speaker \"{}\" is not a host or guest of this episode",
                    used.label
                ))
                .with_help(
                    "a label links to a person when it is their full or first name as \
                     written in `host_name` or `guest_name`",
                ),
            ),
        }
    }
    for turn in chapters.iter_mut().flat_map(|c| c.turns.iter_mut()) {
        turn.resolved = resolved.get(turn.speaker.as_str()).copied();
    }
}

/// How titles are compared: the same key topics use, so the cross-check and topic
/// pages never disagree about which titles are alike.
pub(super) fn normalize_title(s: &str) -> String {
    crate::slug::normalise_title(s)
}

/// Warns about `guest_background` titles without a heading and headings not listed.
pub(super) fn check_guest_background(
    file: &str,
    front: &FrontMatter,
    yaml: &Yaml<'_>,
    positions: &[serde_saphyr::Location],
    headings: &[Heading<'_>],
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
    let written: Vec<String> = headings.iter().map(|h| normalize_title(h.title)).collect();
    let listed_set: HashSet<&str> = listed.iter().map(String::as_str).collect();
    let written_set: HashSet<&str> = written.iter().map(String::as_str).collect();
    for (i, (title, norm)) in front.guest_background.iter().zip(&listed).enumerate() {
        if written_set.contains(norm.as_str()) {
            continue;
        }
        let d = Diagnostic::warning(
            file,
            format!("guest_background title \"{title}\" has no matching chapter heading"),
        );
        let d = match positions.get(i) {
            Some(loc) => yaml.pos(loc).apply(d),
            None => d,
        };
        diags.push(d);
    }
    for (h, norm) in headings.iter().zip(&written) {
        if listed_set.contains(norm.as_str()) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                file,
                format!("chapter \"{}\" is not listed in guest_background", h.title),
            )
            .at(h.line, h.col)
            .with_source(h.source, super::span_chars(h.title)),
        );
    }
}
