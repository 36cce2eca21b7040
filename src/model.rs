//! The archive model: podcasts, episodes, chapters, turns, people, topics and
//! taxonomies.
//!
//! Built once by [`crate::archive::link`] and never changed afterwards, so rendering
//! can read it from many threads without locks. Entities point at each other by
//! index ids, never by reference or by string key.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the archive's vector of this entity.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index of a [`Podcast`] in [`Archive::podcasts`].
    PodcastId
);
id_type!(
    /// Index of an [`Episode`] in [`Archive::episodes`].
    EpisodeId
);
id_type!(
    /// Index of a [`Person`] in [`Archive::people`].
    PersonId
);
id_type!(
    /// Index of a [`Topic`] in [`Archive::topics`].
    TopicId
);

/// A point in an episode, in whole seconds from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u32);

impl Timestamp {
    /// Seconds from the start of the episode.
    pub fn seconds(self) -> u32 {
        self.0
    }

    /// The fragment-safe form used in turn anchors: `t-00-41-12`.
    pub fn anchor(self) -> String {
        let (h, m, s) = self.hms();
        format!("t-{h:02}-{m:02}-{s:02}")
    }

    fn hms(self) -> (u32, u32, u32) {
        (self.0 / 3600, (self.0 / 60) % 60, self.0 % 60)
    }
}

/// Always `HH:MM:SS`, the form podcast players and the seed transcript use.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.hms();
        write!(f, "{h:02}:{m:02}:{s:02}")
    }
}

/// A stretch of an episode in milliseconds, as a cue-based source (WebVTT, SRT, JSON)
/// states it: kept so exports can write the source's own times, not estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TimeSpan {
    /// Milliseconds from the start of the episode.
    pub start: u64,
    /// Milliseconds from the start of the episode; not before `start`.
    pub end: u64,
}

/// Identifies the inputs an episode was read from (its file's bytes and path, the
/// parse options), so data derived from its content alone can be reused or
/// fingerprinted without reading that content again. [`SourceKey::UNKNOWN`] when not
/// tracked (archives built by hand): whoever needs a key then hashes the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SourceKey(pub u64);

impl SourceKey {
    /// Not tracked.
    pub const UNKNOWN: SourceKey = SourceKey(0);

    /// True for [`SourceKey::UNKNOWN`].
    pub fn is_unknown(self) -> bool {
        self == Self::UNKNOWN
    }
}

/// The whole linked archive, sorted for display.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// Shows, sorted by name.
    pub podcasts: Vec<Podcast>,
    /// Episodes, newest first (ties broken by podcast, then title, then source path).
    pub episodes: Vec<Episode>,
    /// Hosts and guests, sorted by name; one entry per person whatever their roles.
    pub people: Vec<Person>,
    /// Topics, sorted by display name (in the site language's collation).
    pub topics: Vec<Topic>,
    /// `[[taxonomies]]` of book.toml, in book.toml's order, with their terms.
    pub taxonomies: Vec<Taxonomy>,
}

impl Archive {
    /// The podcast with this id.
    pub fn podcast(&self, id: PodcastId) -> &Podcast {
        &self.podcasts[id.index()]
    }
    /// The episode with this id.
    pub fn episode(&self, id: EpisodeId) -> &Episode {
        &self.episodes[id.index()]
    }
    /// The person with this id.
    pub fn person(&self, id: PersonId) -> &Person {
        &self.people[id.index()]
    }
    /// The topic with this id.
    pub fn topic(&self, id: TopicId) -> &Topic {
        &self.topics[id.index()]
    }
    /// The term a [`TermRef`] points at.
    pub fn term(&self, r: TermRef) -> &Term {
        &self.taxonomies[r.taxonomy as usize].terms[r.term as usize]
    }
    /// The chapter a [`ChapterRef`] points at.
    pub fn chapter(&self, r: ChapterRef) -> &Chapter {
        &self.episode(r.episode).chapters[r.chapter as usize]
    }
    /// Total number of chapters across all episodes.
    pub fn chapter_count(&self) -> usize {
        self.episodes.iter().map(|e| e.chapters.len()).sum()
    }
    /// Total number of turns across all episodes.
    pub fn turn_count(&self) -> usize {
        self.episodes
            .iter()
            .flat_map(|e| e.chapters.iter())
            .map(|c| c.turns.len())
            .sum()
    }
}

/// A show. An archive may hold several.
#[derive(Debug, Clone)]
pub struct Podcast {
    /// This podcast's id.
    pub id: PodcastId,
    /// The show's name as written in `podcast_name`.
    pub name: String,
    /// URL slug, unique among podcasts.
    pub slug: String,
    /// Its episodes, newest first.
    pub episodes: Vec<EpisodeId>,
    /// Everyone who hosted at least one of its episodes, by name.
    pub hosts: Vec<PersonId>,
}

/// One transcript file, linked into the archive.
#[derive(Debug, Clone)]
pub struct Episode {
    /// This episode's id (its position in [`Archive::episodes`]).
    pub id: EpisodeId,
    /// Source path as shown in diagnostics (`content/ep1.txt`).
    pub source: String,
    /// The inputs it was read from.
    pub source_key: SourceKey,
    /// URL slug, unique among episodes: `/episodes/<slug>/`.
    pub slug: String,
    /// `episode_title`.
    pub title: String,
    /// The show it belongs to.
    pub podcast: PodcastId,
    /// `episode_date`.
    pub date: Date,
    /// `episode_duration`, in minutes.
    pub duration_minutes: Option<u32>,
    /// `episode_description`, as Markdown source.
    pub description: Option<String>,
    /// Hosts, in front-matter order.
    pub hosts: Vec<PersonId>,
    /// Guests, in front-matter order (may be empty).
    pub guests: Vec<PersonId>,
    /// Chapters in transcript order; shared, so an archive reassembled after an edit
    /// (see `archive::relink`) reuses the episodes it did not change without copies.
    pub chapters: Arc<[Chapter]>,
    /// Episode-level topics from `topics`/`tags`.
    pub topics: Vec<TopicId>,
    /// `audio_url`, when the episode has audio.
    pub audio_url: Option<String>,
    /// `draft: true` episodes only exist when built with `--drafts`.
    pub draft: bool,
    /// Front-matter keys castbook does not know, for templates (`episode.extra.<key>`).
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The same show's previous (older) episode.
    pub prev: Option<EpisodeId>,
    /// The same show's next (newer) episode.
    pub next: Option<EpisodeId>,
    /// Episodes that share topics or people with this one, most related first.
    pub related: Vec<EpisodeId>,
    /// Its terms in every taxonomy, sorted (by taxonomy, then term order).
    pub terms: Vec<TermRef>,
}

impl Episode {
    /// All turns of the episode in order.
    pub fn turns(&self) -> impl Iterator<Item = &Turn> {
        self.chapters.iter().flat_map(|c| &c.turns)
    }

    /// Each chapter's start in seconds, never before the previous chapter's: a chapter
    /// starts at its first turn, which a sloppy transcript may stamp earlier than the
    /// chapter before (a warning at parse time), while chapter lists and clips must
    /// ascend.
    pub fn chapter_starts(&self) -> Vec<u32> {
        let mut floor = 0u32;
        self.chapters
            .iter()
            .map(|c| {
                floor = floor.max(c.start.seconds());
                floor
            })
            .collect()
    }
}

/// Points at one chapter of one episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChapterRef {
    /// The episode.
    pub episode: EpisodeId,
    /// Index into that episode's chapters.
    pub chapter: u32,
}

/// A section of a transcript, opened by a Markdown heading.
#[derive(Debug, Clone, Hash)]
pub struct Chapter {
    /// The heading text; for the implicit first chapter (turns before any heading), the
    /// episode title is not repeated and this is "Introduction".
    pub title: String,
    /// Anchor id on the episode page, unique within the episode.
    pub slug: String,
    /// True for the implicit chapter holding turns before the first heading.
    pub implicit: bool,
    /// The first turn's timestamp; for a chapter without turns, the previous chapter's.
    pub start: Timestamp,
    /// The topic this chapter's title belongs to (none for the implicit chapter).
    pub topic: Option<TopicId>,
    /// Line of the heading in the source (or of the first turn or text for the implicit
    /// chapter).
    pub line: u32,
    /// Markdown text between the heading and the first turn (usually empty): shown
    /// before the turns so no word of the transcript is lost.
    pub intro: String,
    /// The turns, in order (none in a chapter kept only for its opening text).
    pub turns: Vec<Turn>,
}

impl Chapter {
    /// The Markdown a topic page quotes for this chapter: its first turn, or its
    /// opening text when it has no turn.
    pub fn excerpt_source(&self) -> &str {
        self.turns.first().map_or(&self.intro, |t| &t.body)
    }
}

/// One speaker's contribution, from its `Speaker HH:MM:SS:` line to the next turn or chapter.
#[derive(Debug, Clone, Hash)]
pub struct Turn {
    /// The label as written in the transcript (`Ryan`).
    pub speaker_label: String,
    /// The host or guest the label resolves to, if any.
    pub person: Option<PersonId>,
    /// When the turn starts.
    pub start: Timestamp,
    /// Exact start and end when the source had them (cue formats); `None` for the
    /// text format, whose whole-second starts the exports turn into spans themselves.
    pub times: Option<TimeSpan>,
    /// Anchor id on the episode page, unique within the episode (`t-00-41-12`, `t-00-41-12-2`).
    pub anchor: String,
    /// The turn's text as Markdown source, shared with the parse it came from.
    pub body: Arc<str>,
    /// Line of the `Speaker HH:MM:SS:` line in the source.
    pub line: u32,
}

/// When each of `turns` is said: the times their source stated when every turn has
/// them (cue formats), else estimates from their start seconds
/// ([`crate::timeline::spans`]). `words(i)` counts turn `i`'s words; `duration` is the
/// episode's length in seconds.
pub(crate) fn turn_spans(
    turns: &[&Turn],
    words: impl Fn(usize) -> usize,
    duration: Option<u64>,
) -> Vec<crate::timeline::Span> {
    if turns.iter().all(|t| t.times.is_some()) {
        crate::timeline::exact(
            turns
                .iter()
                .filter_map(|t| t.times)
                .map(|t| (t.start, t.end)),
        )
    } else {
        let starts: Vec<u32> = turns.iter().map(|t| t.start.seconds()).collect();
        crate::timeline::spans(&starts, words, duration)
    }
}

/// Facts about a guest, from the front matter of their episodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PersonFacts {
    /// `biggest_role`.
    pub biggest_role: Option<String>,
    /// `current_company`.
    pub current_company: Option<String>,
    /// `company_size`.
    pub company_size: Option<String>,
    /// `yoe-starting`: the year their career started.
    pub career_start: Option<i32>,
}

/// A host or guest. Each person has exactly one page, whatever their roles across shows.
#[derive(Debug, Clone)]
pub struct Person {
    /// This person's id.
    pub id: PersonId,
    /// Full name as written in the front matter.
    pub name: String,
    /// URL slug: `/people/<slug>/`.
    pub slug: String,
    /// Facts from their most recent episode as a guest that states them.
    pub facts: PersonFacts,
    /// Episodes they hosted, newest first.
    pub hosted: Vec<EpisodeId>,
    /// Episodes they were a guest on, newest first.
    pub guested: Vec<EpisodeId>,
    /// Their terms in every taxonomy (as a guest), sorted like [`Episode::terms`].
    pub terms: Vec<TermRef>,
}

impl Person {
    /// True when they were a guest at least once.
    pub fn is_guest(&self) -> bool {
        !self.guested.is_empty()
    }
    /// True when they hosted at least once.
    pub fn is_host(&self) -> bool {
        !self.hosted.is_empty()
    }
}

/// A subject gathering chapters across the whole archive.
#[derive(Debug, Clone)]
pub struct Topic {
    /// This topic's id.
    pub id: TopicId,
    /// Display name: the most common spelling among the titles that share it.
    pub name: String,
    /// URL slug: `/topics/<slug>/`.
    pub slug: String,
    /// Chapters on this topic, newest episode first, then in chapter order.
    pub chapters: Vec<ChapterRef>,
    /// Episodes that list this topic in `topics`/`tags`, newest first.
    pub episodes: Vec<EpisodeId>,
}

impl Topic {
    /// How many distinct episodes this topic appears in, through chapters or tags.
    pub fn episode_count(&self) -> usize {
        let mut ids: Vec<EpisodeId> = self.chapters.iter().map(|c| c.episode).collect();
        ids.extend(&self.episodes);
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// Points at one term of one taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct TermRef {
    /// Index into [`Archive::taxonomies`].
    pub taxonomy: u32,
    /// Index into that taxonomy's terms.
    pub term: u32,
}

/// A way to browse the archive: one `[[taxonomies]]` entry of book.toml and the
/// terms its front-matter field takes across the transcripts.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `name`: URL segment (`/company/`) and filter key.
    pub name: String,
    /// Heading of the index page (`Companies`).
    pub title: String,
    /// Label of one term (`Company`).
    pub singular: String,
    /// The front-matter key the terms come from.
    pub field: String,
    /// True when the field describes the episode's first guest (else the episode).
    pub per_guest: bool,
    /// Width of the number ranges terms stand for, when set (`2000–2004`).
    pub range: Option<u32>,
    /// Whether each term has its own feed.
    pub feed: bool,
    /// Terms in display order: collation order, or ascending ranges.
    pub terms: Vec<Term>,
}

/// One value of a taxonomy's field, gathered across the archive like a topic: case,
/// punctuation and spacing do not make two terms.
#[derive(Debug, Clone)]
pub struct Term {
    /// Display name: the most common spelling (or `2000–2004` for a range).
    pub name: String,
    /// URL slug: `/<taxonomy>/<slug>/`.
    pub slug: String,
    /// Guests carrying it, in the order of [`Archive::people`].
    pub people: Vec<PersonId>,
    /// Episodes carrying it, newest first.
    pub episodes: Vec<EpisodeId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_forms() {
        let t = Timestamp(2472);
        assert_eq!(t.to_string(), "00:41:12");
        assert_eq!(t.anchor(), "t-00-41-12");
        assert_eq!(Timestamp(36_000 + 61).to_string(), "10:01:01");
    }
}
