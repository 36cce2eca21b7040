//! Taxonomies: the terms each `[[taxonomies]]` field takes across the archive.
//!
//! Values are read from the front matter before linking consumes it ([`collect`]),
//! then gathered like topics once episodes have their ids ([`gather`]): values that
//! normalise alike (case, punctuation, spacing) are one term shown in its most
//! common spelling; terms sort in the site language's collation, number ranges
//! ascending. A term belongs to episodes whose front matter states it and to their
//! guests: for a guest fact (`current_company`) only to the first guest, whom the
//! fact describes, for an episode field to every guest.

use std::collections::{BTreeSet, HashMap};

use crate::config::{CONFIG_FILE, TaxonomyConfig};
use crate::diag::{Diagnostic, to_u32};
use crate::model::{Archive, EpisodeId, PersonId, Taxonomy, Term, TermRef};
use crate::slug::{SlugSet, normalise_title, try_slugify};
use crate::text::collate::Collation;
use crate::transcript::{FrontMatter, ParsedEpisode};

/// The slug of a term whose name leaves nothing for a URL (only emoji, say).
const FALLBACK_SLUG: &str = "term";

/// Front-matter keys castbook reads itself, for "did you mean" hints.
const KNOWN_KEYS: &[&str] = &[
    "podcast_name",
    "episode_title",
    "host_name",
    "guest_name",
    "episode_date",
    "episode_duration",
    "episode_description",
    "guest_background",
    "biggest_role",
    "current_company",
    "company_size",
    "yoe-starting",
    "topics",
    "tags",
];

/// Front-matter values per taxonomy, per parsed episode (in the order given).
#[derive(Debug, Default)]
pub(super) struct Raw {
    values: Vec<Vec<Vec<String>>>,
}

/// Reads every taxonomy's field from every episode, reporting fields whose values
/// are mappings (errors at the value) and fields no transcript has (warnings at
/// book.toml's key).
pub(super) fn collect(
    parsed: &[ParsedEpisode],
    taxonomies: &[TaxonomyConfig],
    diags: &mut Vec<Diagnostic>,
) -> Raw {
    let mut values = Vec::with_capacity(taxonomies.len());
    for t in taxonomies {
        let mut any = false;
        let per_episode: Vec<Vec<String>> = parsed
            .iter()
            .map(|p| {
                if let Some(n) = p.front.nested_extra.iter().find(|n| n.key == t.field) {
                    any = true;
                    diags.push(n.problem.clone().with_help(format!(
                        "book.toml's taxonomy `{}` takes its terms from `{}`: write one \
                         value (`{}: Acme`) or a list of values (`{}: [Acme, Initech]`)",
                        t.name, t.field, t.field, t.field
                    )));
                }
                let v = field_values(&p.front, &t.field);
                any |= !v.is_empty();
                v
            })
            .collect();
        if !any && !parsed.is_empty() {
            diags.push(unknown_field(t, parsed));
        }
        values.push(per_episode);
    }
    Raw { values }
}

fn unknown_field(t: &TaxonomyConfig, parsed: &[ParsedEpisode]) -> Diagnostic {
    let fold = |k: &str| k.to_lowercase().replace('-', "_");
    let wanted = fold(&t.field);
    let mut keys: BTreeSet<&str> = KNOWN_KEYS.iter().copied().collect();
    keys.extend(
        parsed
            .iter()
            .flat_map(|p| p.front.extra.keys().map(String::as_str)),
    );
    let near = keys.iter().find(|k| fold(k) == wanted && **k != t.field);
    let help = match near {
        Some(k) => format!("the transcripts have `{k}`; write `field = \"{k}\"`"),
        None => "check the spelling of `field`: it must be a front-matter key of the \
                 transcripts"
            .to_owned(),
    };
    let d = Diagnostic::warning(
        CONFIG_FILE,
        format!(
            "`taxonomies.field = \"{}\"` (taxonomy `{}`): no transcript has this \
             front-matter field, so the taxonomy has no terms",
            t.field, t.name
        ),
    )
    .with_help(help);
    match t.line {
        Some(line) => d.at_line(line),
        None => d,
    }
}

/// The values a front-matter field holds, trimmed, blanks dropped.
fn field_values(f: &FrontMatter, field: &str) -> Vec<String> {
    let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    let values = match field {
        "podcast_name" => vec![f.podcast_name.clone()],
        "episode_title" => vec![f.episode_title.clone()],
        "host_name" => f.hosts.clone(),
        "guest_name" => f.guests.clone(),
        "guest_background" => f.guest_background.clone(),
        "topics" | "tags" => f.topics.clone(),
        "biggest_role" => one(&f.biggest_role),
        "current_company" => one(&f.current_company),
        "company_size" => one(&f.company_size),
        "yoe-starting" => f.career_start.iter().map(i32::to_string).collect(),
        "episode_duration" => f.duration_minutes.iter().map(u32::to_string).collect(),
        "episode_date" => vec![f.date.to_string()],
        other => match f.extra.get(other) {
            Some(serde_json::Value::Array(items)) => items.iter().filter_map(scalar).collect(),
            Some(v) => scalar(v).into_iter().collect(),
            None => Vec::new(),
        },
    };
    values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// A scalar as text; mappings and lists hold no term.
fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One term while gathering: its spellings (with counts, first seen first) or its
/// range, and where it is used.
struct Pending {
    spellings: Vec<(String, usize)>,
    range_start: Option<i64>,
    /// Source of the newest episode using it, for warnings.
    source: String,
    episodes: Vec<EpisodeId>,
    people: Vec<PersonId>,
}

/// Builds `archive.taxonomies` and every episode's and person's terms. `order[i]` is
/// the index into `raw` of the episode with id `i`.
pub(super) fn gather(
    archive: &mut Archive,
    raw: Raw,
    order: &[usize],
    taxonomies: &[TaxonomyConfig],
    collation: &Collation,
    diags: &mut Vec<Diagnostic>,
) {
    for (ti, (cfg, per_parsed)) in taxonomies.iter().zip(raw.values).enumerate() {
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut pending: Vec<Pending> = Vec::new();
        for (pos, &i) in order.iter().enumerate() {
            let Some(values) = per_parsed.get(i) else {
                continue;
            };
            let Some(episode) = archive.episodes.get(pos) else {
                continue;
            };
            let id = EpisodeId(to_u32(pos));
            let people: &[PersonId] = if cfg.per_guest() {
                episode.guests.get(..1).unwrap_or(&[])
            } else {
                &episode.guests
            };
            let mut warned = false;
            for value in values {
                let (key, range_start) = match cfg.range {
                    Some(width) => match value.parse::<i64>() {
                        Ok(n) => {
                            let start = n.div_euclid(i64::from(width)) * i64::from(width);
                            (start.to_string(), Some(start))
                        }
                        Err(_) => {
                            if !warned {
                                warned = true;
                                diags.push(not_a_number(cfg, &episode.source, value));
                            }
                            continue;
                        }
                    },
                    None => {
                        let k = normalise_title(value);
                        // A value of only symbols (emoji) is still a term of its own.
                        let k = if k.is_empty() {
                            value.to_lowercase()
                        } else {
                            k
                        };
                        (k, None)
                    }
                };
                let at = *keys.entry(key).or_insert_with(|| {
                    pending.push(Pending {
                        spellings: Vec::new(),
                        range_start,
                        source: episode.source.clone(),
                        episodes: Vec::new(),
                        people: Vec::new(),
                    });
                    pending.len() - 1
                });
                let Some(term) = pending.get_mut(at) else {
                    continue;
                };
                match term.spellings.iter_mut().find(|(s, _)| s == value) {
                    Some((_, n)) => *n += 1,
                    None => term.spellings.push((value.clone(), 1)),
                }
                if term.episodes.last() != Some(&id) {
                    term.episodes.push(id);
                }
                term.people.extend_from_slice(people);
            }
        }
        let taxonomy = finish(cfg, pending, collation, diags);
        for (term_index, term) in taxonomy.terms.iter().enumerate() {
            let r = TermRef {
                taxonomy: to_u32(ti),
                term: to_u32(term_index),
            };
            for e in &term.episodes {
                if let Some(e) = archive.episodes.get_mut(e.index()) {
                    e.terms.push(r);
                }
            }
            for p in &term.people {
                if let Some(p) = archive.people.get_mut(p.index()) {
                    p.terms.push(r);
                }
            }
        }
        archive.taxonomies.push(taxonomy);
    }
}

/// Names, sorts and slugs the gathered terms of one taxonomy.
fn finish(
    cfg: &TaxonomyConfig,
    pending: Vec<Pending>,
    collation: &Collation,
    diags: &mut Vec<Diagnostic>,
) -> Taxonomy {
    let mut terms: Vec<(Term, Option<i64>, String)> = pending
        .into_iter()
        .map(|p| {
            let name = match (p.range_start, cfg.range) {
                (Some(start), Some(width)) => {
                    format!("{start}–{}", start + i64::from(width) - 1)
                }
                // The most common spelling; the newest wins a tie (first seen).
                _ => p
                    .spellings
                    .iter()
                    .rev()
                    .max_by_key(|(_, n)| *n)
                    .map(|(s, _)| s.clone())
                    .unwrap_or_default(),
            };
            let mut people = p.people;
            people.sort_unstable();
            people.dedup();
            let term = Term {
                name,
                slug: String::new(),
                people,
                episodes: p.episodes,
            };
            (term, p.range_start, p.source)
        })
        .collect();
    if cfg.range.is_some() {
        terms.sort_by_key(|(_, start, _)| *start);
    } else {
        collation.sort_by_name(&mut terms, |(t, _, _)| t.name.as_str());
    }
    let mut slugs = SlugSet::new();
    let terms = terms
        .into_iter()
        .map(|(mut term, _, source)| {
            let wanted = match try_slugify(&term.name) {
                Some(s) => s,
                None => {
                    let got = slugs.claim(FALLBACK_SLUG);
                    diags.push(
                        Diagnostic::warning(
                            source,
                            format!(
                                "{} \"{}\" (taxonomy `{}`) has no letters or digits to make \
                                 a URL of; its page is /{}/{got}/",
                                cfg.field, term.name, cfg.name, cfg.name
                            ),
                        )
                        .with_help("spell the value with letters or digits to get a readable URL"),
                    );
                    term.slug = got;
                    return term;
                }
            };
            term.slug = slugs.claim(&wanted);
            term
        })
        .collect();
    Taxonomy {
        name: cfg.name.clone(),
        title: cfg.title(),
        singular: cfg.singular(),
        field: cfg.field.clone(),
        per_guest: cfg.per_guest(),
        range: cfg.range,
        feed: cfg.feed,
        terms,
    }
}

fn not_a_number(cfg: &TaxonomyConfig, source: &str, value: &str) -> Diagnostic {
    Diagnostic::warning(
        source,
        format!(
            "`{}` is \"{value}\", not a whole number: taxonomy `{}` groups numbers into \
             ranges of {}, so this episode is left out of it",
            cfg.field,
            cfg.name,
            cfg.range.unwrap_or(1)
        ),
    )
    .with_help(format!(
        "write `{}` as a whole number, e.g. 2004",
        cfg.field
    ))
}
