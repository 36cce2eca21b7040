//! Linking: parsed episodes → the [`Archive`] model.
//!
//! Groups episodes into podcasts, merges hosts and guests into one person each,
//! normalises chapter titles into topics, gathers taxonomy terms, hands out unique
//! slugs and anchors, and computes previous/next and related episodes. Names and
//! terms sort in the collation of the site's language. Runs once per build;
//! afterwards the archive is read-only.

mod related;
mod reuse;
mod taxonomy;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::{Config, TaxonomyConfig};
use crate::diag::Diagnostic;
use crate::model::{
    Archive, Chapter, ChapterRef, Episode, EpisodeId, Person, PersonFacts, PersonId, Podcast,
    PodcastId, Timestamp, Topic, TopicId, Turn,
};
use crate::slug::{SlugSet, slugify, try_slugify};
use crate::text::collate::Collation;
use crate::transcript::{ParsedEpisode, Place, Role};

/// Element ids the default theme uses on episode pages; chapter anchors avoid them.
pub const RESERVED_ANCHORS: &[&str] = &[
    "main",
    "top",
    "content",
    "chapters",
    "toc",
    "transcript",
    "related",
    "search",
    "nav",
];

/// How many related episodes each episode lists.
const RELATED_COUNT: usize = 5;

pub use crate::slug::normalise_title as normalise;
pub use reuse::{link_key, relink};

/// Person identity: case and spacing do not make two people.
fn person_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What linking takes from book.toml.
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    /// `[book] language`: the collation people, topics and terms are sorted in.
    pub language: String,
    /// `[[taxonomies]]`.
    pub taxonomies: Vec<TaxonomyConfig>,
}

impl LinkOptions {
    /// The options a site's configuration asks for.
    pub fn of(config: &Config) -> Self {
        LinkOptions {
            language: config.book.language.clone(),
            taxonomies: config.taxonomies.clone(),
        }
    }
}

/// [`link_with`] in the root collation and without taxonomies.
pub fn link(parsed: Vec<ParsedEpisode>) -> (Archive, Vec<Diagnostic>) {
    link_with(parsed, &LinkOptions::default())
}

/// Builds the archive from parsed episodes (drafts already filtered by the caller).
/// Slug collisions and similar cross-file problems come back as warnings; a
/// taxonomy field holding a mapping is an error.
pub fn link_with(mut parsed: Vec<ParsedEpisode>, opts: &LinkOptions) -> (Archive, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let collation = Collation::for_language(&opts.language);
    // Slugs are claimed in source-path order so adding a newer episode never renames an older one.
    parsed.sort_by(|a, b| a.source.cmp(&b.source));
    let slugs = episode_slugs(&parsed, &mut diags);
    let terms = taxonomy::collect(&parsed, &opts.taxonomies, &mut diags);
    let mut order: Vec<usize> = (0..parsed.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&parsed[a], &parsed[b]);
        y.front
            .date
            .cmp(&x.front.date)
            .then_with(|| x.front.podcast_name.cmp(&y.front.podcast_name))
            .then_with(|| x.front.episode_title.cmp(&y.front.episode_title))
            .then_with(|| x.source.cmp(&y.source))
    });

    let podcast_ids = Registry::build(
        order.iter().map(|&i| parsed[i].front.podcast_name.trim()),
        |s| s.to_owned(),
        &collation,
        "podcast",
    );
    let person_ids = Registry::build(
        order.iter().flat_map(|&i| {
            let f = &parsed[i].front;
            f.hosts.iter().chain(&f.guests).map(|s| s.trim())
        }),
        person_key,
        &collation,
        "person",
    );
    warn_fallback_slugs(&parsed, &podcast_ids, &person_ids, &mut diags);
    let topic_ids = Registry::build(
        order.iter().flat_map(|&i| {
            let p = &parsed[i];
            p.chapters
                .iter()
                .filter_map(|c| c.title.as_deref())
                .chain(p.front.topics.iter().map(String::as_str))
        }),
        normalise,
        &collation,
        "topic",
    );

    let mut archive = Archive {
        podcasts: podcast_ids.entries(|id, name, slug| Podcast {
            id: PodcastId(id),
            name,
            slug,
            episodes: Vec::new(),
            hosts: Vec::new(),
        }),
        episodes: Vec::with_capacity(parsed.len()),
        people: person_ids.entries(|id, name, slug| Person {
            id: PersonId(id),
            name,
            slug,
            facts: PersonFacts::default(),
            hosted: Vec::new(),
            guested: Vec::new(),
            terms: Vec::new(),
        }),
        topics: topic_ids.entries(|id, name, slug| Topic {
            id: TopicId(id),
            name,
            slug,
            chapters: Vec::new(),
            episodes: Vec::new(),
        }),
        taxonomies: Vec::with_capacity(opts.taxonomies.len()),
    };

    // `order` is newest first, so pushing in that order keeps every list newest first.
    let mut parsed: Vec<Option<ParsedEpisode>> = parsed.into_iter().map(Some).collect();
    let ordered: Vec<(usize, ParsedEpisode)> = order
        .iter()
        .filter_map(|&i| parsed.get_mut(i).and_then(Option::take).map(|p| (i, p)))
        .collect();
    // Each episode links on its own (chapter slugs, turn anchors, ids looked up in the
    // registries), so that part, most of the work, runs on every core; collecting keeps
    // the order, and the back-links below are made in it.
    let linked: Vec<(Episode, PersonFacts)> = ordered
        .into_par_iter()
        .enumerate()
        .map(|(pos, (i, p))| {
            let id = EpisodeId(crate::diag::to_u32(pos));
            let slug = slugs.get(i).cloned().unwrap_or_default();
            link_episode(p, id, slug, &podcast_ids, &person_ids, &topic_ids)
        })
        .collect();
    for (episode, facts) in linked {
        // The front matter's guest facts describe the (first) guest; newest episodes come
        // first, so each fact is taken from the newest episode that states it.
        if let Some(g) = episode.guests.first()
            && let Some(person) = archive.people.get_mut(g.index())
        {
            merge_facts(&mut person.facts, facts);
        }
        register(&mut archive, &episode);
        archive.episodes.push(episode);
    }
    for pod in &mut archive.podcasts {
        pod.hosts.sort_unstable();
    }
    taxonomy::gather(
        &mut archive,
        terms,
        &order,
        &opts.taxonomies,
        &collation,
        &mut diags,
    );
    link_neighbours(&mut archive);
    related::compute(&mut archive, RELATED_COUNT);
    (archive, diags)
}

/// Assigns each episode (in source order) a unique slug, warning on collisions.
fn episode_slugs(parsed: &[ParsedEpisode], diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut set = SlugSet::new();
    let mut owner: HashMap<String, &str> = HashMap::new();
    parsed
        .iter()
        .map(|p| {
            let f = &p.front;
            let title = || try_slugify(&f.episode_title);
            // A `slug:` with nothing usable falls back to the title's slug, then to
            // "episode"; either way the user is told which key let them down.
            let (mut wanted, empty) = match &f.slug {
                Some(s) => match try_slugify(s) {
                    Some(w) => (w, None),
                    None => (
                        title().unwrap_or_else(|| "episode".to_owned()),
                        Some(("slug", s, f.at.slug.as_ref())),
                    ),
                },
                None => match title() {
                    Some(w) => (w, None),
                    None => (
                        "episode".to_owned(),
                        Some(("episode_title", &f.episode_title, f.at.episode_title.as_ref())),
                    ),
                },
            };
            // `/episodes/<year>/` is the year's archive: an episode titled "1984"
            // must not take its URL.
            if wanted.bytes().all(|b| b.is_ascii_digit()) {
                wanted.insert_str(0, "episode-");
            }
            let got = set.claim(&wanted);
            if let Some((key, value, at)) = empty {
                diags.push(
                    fallback_warning(
                        &p.source,
                        (key, value, at),
                        &format!("the episode is published at episodes/{got}/"),
                    )
                    .with_help("set `slug:` in the front matter to choose its web address"),
                );
            } else if got != wanted {
                let first = owner.get(&wanted).copied().unwrap_or("another episode");
                diags.push(
                    Diagnostic::warning(
                        &p.source,
                        format!(
                            "slug \"{wanted}\" is already used by {first}; this episode is published as \"{got}\""
                        ),
                    )
                    .with_help("set a distinct `slug:` in the front matter of one of them"),
                );
            } else {
                owner.insert(wanted, &p.source);
            }
            got
        })
        .collect()
}

fn link_episode(
    p: ParsedEpisode,
    id: EpisodeId,
    slug: String,
    podcasts: &Registry,
    people: &Registry,
    topics: &Registry,
) -> (Episode, PersonFacts) {
    let f = p.front;
    let facts = PersonFacts {
        biggest_role: f.biggest_role,
        current_company: f.current_company,
        company_size: f.company_size,
        career_start: f.career_start,
    };
    let person = |n: &String| people.id(n.trim()).map(PersonId);
    let hosts: Vec<PersonId> = f.hosts.iter().filter_map(person).collect();
    let guests: Vec<PersonId> = f.guests.iter().filter_map(person).collect();
    let mut chapter_slugs = SlugSet::with_reserved(RESERVED_ANCHORS);
    let mut turn_anchors = SlugSet::new();
    // A chapter kept only for its opening text starts where the one before it did.
    let mut last_start = Timestamp(0);
    let chapters: Vec<Chapter> = p
        .chapters
        .into_iter()
        .map(|c| {
            let implicit = c.title.is_none();
            let title = c.title.unwrap_or_else(|| "Introduction".to_owned());
            let topic = if implicit {
                None
            } else {
                topics.id(&title).map(TopicId)
            };
            let mut wanted = slugify(&title, "chapter");
            // Turn anchors look like `t-00-41-12`; a chapter must never shadow one.
            if wanted.starts_with("t-") {
                wanted.insert_str(0, "ch-");
            }
            let turns: Vec<Turn> = c
                .turns
                .into_iter()
                .map(|t| Turn {
                    person: t.resolved.and_then(|r| match r.role {
                        Role::Host => hosts.get(r.index).copied(),
                        Role::Guest => guests.get(r.index).copied(),
                    }),
                    anchor: turn_anchors.claim(&t.start.anchor()),
                    speaker_label: t.speaker,
                    start: t.start,
                    times: t.times,
                    body: t.body,
                    line: t.line,
                })
                .collect();
            let start = turns.first().map_or(last_start, |t| t.start);
            last_start = start;
            Chapter {
                slug: chapter_slugs.claim(&wanted),
                start,
                title,
                implicit,
                topic,
                line: c.line,
                intro: c.intro,
                turns,
            }
        })
        .collect();
    let mut ep_topics: Vec<TopicId> = Vec::new();
    for t in f.topics.iter().filter_map(|t| topics.id(t)) {
        if !ep_topics.contains(&TopicId(t)) {
            ep_topics.push(TopicId(t));
        }
    }
    let episode = Episode {
        id,
        source: p.source,
        source_key: p.source_key,
        slug,
        title: f.episode_title,
        // Every podcast name was registered and the parser rejects empty ones.
        podcast: PodcastId(podcasts.id(f.podcast_name.trim()).unwrap_or(0)),
        date: f.date,
        duration_minutes: f.duration_minutes,
        description: f.description,
        hosts,
        guests,
        chapters: chapters.into(),
        topics: ep_topics,
        audio_url: f.audio_url,
        draft: f.draft,
        extra: f.extra,
        prev: None,
        next: None,
        related: Vec::new(),
        terms: Vec::new(),
    };
    (episode, facts)
}

/// Records back-links from podcasts, people and topics to a newly linked episode.
fn register(archive: &mut Archive, e: &Episode) {
    if let Some(pod) = archive.podcasts.get_mut(e.podcast.index()) {
        pod.episodes.push(e.id);
        for h in &e.hosts {
            if !pod.hosts.contains(h) {
                pod.hosts.push(*h);
            }
        }
    }
    for h in &e.hosts {
        if let Some(p) = archive.people.get_mut(h.index()) {
            push_unique(&mut p.hosted, e.id);
        }
    }
    for g in &e.guests {
        if let Some(p) = archive.people.get_mut(g.index()) {
            push_unique(&mut p.guested, e.id);
        }
    }
    for (ci, c) in e.chapters.iter().enumerate() {
        if let Some(t) = c.topic.and_then(|t| archive.topics.get_mut(t.index())) {
            t.chapters.push(ChapterRef {
                episode: e.id,
                chapter: crate::diag::to_u32(ci),
            });
        }
    }
    for t in &e.topics {
        if let Some(t) = archive.topics.get_mut(t.index()) {
            push_unique(&mut t.episodes, e.id);
        }
    }
}

fn merge_facts(into: &mut PersonFacts, from: PersonFacts) {
    into.biggest_role = into.biggest_role.take().or(from.biggest_role);
    into.current_company = into.current_company.take().or(from.current_company);
    into.company_size = into.company_size.take().or(from.company_size);
    into.career_start = into.career_start.or(from.career_start);
}

/// Previous/next link episodes of the same show in date order.
fn link_neighbours(archive: &mut Archive) {
    for pod in &archive.podcasts {
        // `pod.episodes` is newest first: the element after is older (prev).
        for (i, id) in pod.episodes.iter().enumerate() {
            let older = pod.episodes.get(i + 1).copied();
            let newer = i.checked_sub(1).and_then(|j| pod.episodes.get(j).copied());
            if let Some(e) = archive.episodes.get_mut(id.index()) {
                e.prev = older;
                e.next = newer;
            }
        }
    }
}

/// `KEY "value" has no letters or digits ...; what happened`, at the value when known.
fn fallback_warning(
    file: &str,
    (key, value, at): (&str, &str, Option<&Place>),
    outcome: &str,
) -> Diagnostic {
    let message =
        format!("{key} {value:?} has no letters or digits to make a web address from; {outcome}");
    match at {
        Some(p) if p.line > 0 => {
            Diagnostic::warning(p.file.as_deref().unwrap_or(file), message).at(p.line, p.col)
        }
        _ => Diagnostic::warning(file, message),
    }
}

/// Warns, once per show or person, at the first file (in source order) naming them,
/// when their name gave no slug and a fallback word was used instead.
fn warn_fallback_slugs(
    parsed: &[ParsedEpisode],
    podcasts: &Registry,
    people: &Registry,
    diags: &mut Vec<Diagnostic>,
) {
    let mut warned_shows = HashSet::new();
    let mut warned_people = HashSet::new();
    for p in parsed {
        let f = &p.front;
        if let Some(id) = podcasts.id(f.podcast_name.trim())
            && podcasts.fell_back(id)
            && warned_shows.insert(id)
        {
            diags.push(fallback_warning(
                &p.source,
                ("podcast_name", &f.podcast_name, f.at.podcast_name.as_ref()),
                &format!("the show's slug is \"{}\"", podcasts.slug(id)),
            ));
        }
        for (key, names, at) in [
            ("host_name", &f.hosts, &f.at.hosts),
            ("guest_name", &f.guests, &f.at.guests),
        ] {
            for (i, name) in names.iter().enumerate() {
                if let Some(id) = people.id(name.trim())
                    && people.fell_back(id)
                    && warned_people.insert(id)
                {
                    let d = fallback_warning(
                        &p.source,
                        (key, name, at.get(i)),
                        &format!("this person's page is people/{}/", people.slug(id)),
                    );
                    diags.push(d.with_help(
                        "web addresses are made of the letters and digits of a name (other \
                         scripts are transliterated); spell the name with some",
                    ));
                }
            }
        }
    }
}

/// Interns names under a normalising key, then hands out ids in display order.
struct Registry {
    /// key → final id.
    ids: HashMap<String, u32>,
    /// (display name, slug) by id.
    names: Vec<(String, String)>,
    /// Ids whose name gave no slug, so the fallback word was used.
    fell_back: HashSet<u32>,
    key: fn(&str) -> String,
}

impl Registry {
    /// Collects every spelling; the display name is the most common spelling of a key
    /// (the newest wins a tie, since callers pass names newest first).
    fn build<'a>(
        names: impl Iterator<Item = &'a str>,
        key: fn(&str) -> String,
        collation: &Collation,
        fallback: &str,
    ) -> Registry {
        let mut spellings: HashMap<String, Vec<(&'a str, usize)>> = HashMap::new();
        for name in names {
            let k = key(name);
            if k.is_empty() || name.trim().is_empty() {
                continue;
            }
            let list = spellings.entry(k).or_default();
            match list.iter_mut().find(|(s, _)| *s == name) {
                Some((_, n)) => *n += 1,
                None => list.push((name, 1)),
            }
        }
        let mut entries: Vec<(String, String)> = spellings
            .into_iter()
            .map(|(k, list)| {
                // max_by_key keeps the last maximum, so reverse to prefer the first seen.
                let display = list
                    .iter()
                    .rev()
                    .max_by_key(|(_, n)| *n)
                    .map_or(k.clone(), |(s, _)| (*s).to_owned());
                (k, display)
            })
            .collect();
        // Display names are distinct keys' spellings, so ties only come from keys
        // that differ in punctuation alone; the key then decides.
        entries.sort_by_cached_key(|(k, display)| {
            (collation.sort_key(display), display.clone(), k.clone())
        });
        let mut slugs = SlugSet::new();
        let mut ids = HashMap::with_capacity(entries.len());
        let mut out = Vec::with_capacity(entries.len());
        let mut fell_back = HashSet::new();
        for (i, (k, display)) in entries.into_iter().enumerate() {
            let id = crate::diag::to_u32(i);
            let wanted = try_slugify(&display).unwrap_or_else(|| {
                fell_back.insert(id);
                slugify(fallback, "x")
            });
            ids.insert(k, id);
            out.push((display, slugs.claim(&wanted)));
        }
        Registry {
            ids,
            names: out,
            fell_back,
            key,
        }
    }

    /// Whether the name of `id` gave no slug of its own.
    fn fell_back(&self, id: u32) -> bool {
        self.fell_back.contains(&id)
    }

    /// The slug handed to `id`.
    fn slug(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |(_, s)| s.as_str())
    }

    /// The id of a name given to `build`; `None` for names with an empty key.
    fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(&(self.key)(name)).copied()
    }

    /// Builds one entity per registered name, in id order.
    fn entries<T>(&self, mut make: impl FnMut(u32, String, String) -> T) -> Vec<T> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, (name, slug))| make(crate::diag::to_u32(i), name.clone(), slug.clone()))
            .collect()
    }
}

/// Episodes are registered one at a time, so a repeat can only be the last entry.
fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if v.last() != Some(&x) {
        v.push(x);
    }
}
