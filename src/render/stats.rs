//! Speaker statistics: who talks how long, in how many words and turns.
//!
//! Talk time comes from the turns' timestamps through the same timeline as the
//! transcript exports ([`crate::timeline`]): a turn lasts until the next
//! one starts, the last one until `episode_duration` (estimated from its words
//! when the duration is unknown). Words are counted on the Markdown source split
//! at whitespace, which is close enough to the rendered words for a statistic and
//! far cheaper than rendering. Computed for every episode (see `derived.rs`), then
//! read by episode pages and summed on person pages.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Episode, PersonId};
use crate::text::thousands;
use crate::timeline;

/// One speaker's share of one episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpeakerStat {
    /// The person the speaker label resolves to, if any.
    pub(crate) person: Option<PersonId>,
    /// The label as first written (for unresolved speakers).
    pub(crate) label: String,
    /// Talk time in milliseconds.
    pub(crate) ms: u64,
    /// Words said.
    pub(crate) words: u64,
    /// Turns taken.
    pub(crate) turns: u32,
}

/// The statistics of one episode: speakers by talk time, longest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EpisodeStats {
    /// One entry per speaker.
    pub(crate) speakers: Vec<SpeakerStat>,
    /// Sum of every speaker's talk time, in milliseconds.
    pub(crate) total_ms: u64,
}

/// The statistics of one episode.
pub(crate) fn episode(e: &Episode) -> EpisodeStats {
    let turns: Vec<_> = e.turns().collect();
    let words: Vec<u64> = turns
        .iter()
        .map(|t| crate::text::word_count(&t.body) as u64)
        .collect();
    let duration = e.duration_minutes.map(|m| u64::from(m) * 60);
    let spans = crate::model::turn_spans(&turns, |i| words[i] as usize, duration);
    let mut index: FxHashMap<SpeakerKey<'_>, usize> = FxHashMap::default();
    let mut speakers: Vec<SpeakerStat> = Vec::new();
    for ((turn, span), w) in turns.iter().zip(&spans).zip(&words) {
        let key = match turn.person {
            Some(p) => SpeakerKey::Person(p),
            None => SpeakerKey::Label(turn.speaker_label.trim()),
        };
        let i = *index.entry(key).or_insert_with(|| {
            speakers.push(SpeakerStat {
                person: turn.person,
                label: turn.speaker_label.trim().to_owned(),
                ms: 0,
                words: 0,
                turns: 0,
            });
            speakers.len() - 1
        });
        let s = &mut speakers[i];
        s.ms += span.end.saturating_sub(span.start);
        s.words += w;
        s.turns += 1;
    }
    // Longest first; ties keep first-speaker order (the sort is stable).
    speakers.sort_by_key(|s| std::cmp::Reverse(s.ms));
    EpisodeStats {
        total_ms: speakers.iter().map(|s| s.ms).sum(),
        speakers,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SpeakerKey<'a> {
    Person(PersonId),
    Label(&'a str),
}

/// What a template shows of one speaker's statistics: numbers, written out (talk
/// time, share, words) only when the page renders, so building the views of every
/// page for their fingerprints stays cheap.
#[derive(Debug, Hash)]
pub(crate) struct StatView<'a> {
    /// Display name: the person's full name, or the label.
    pub(crate) name: &'a str,
    /// The person's page, when the speaker is a known person.
    pub(crate) url: Option<&'a str>,
    /// Talk time in milliseconds.
    pub(crate) ms: u64,
    /// The talk time it is a share of.
    pub(crate) total_ms: u64,
    /// Words said.
    pub(crate) words: u64,
    /// Turns taken (not `turns`: a template mentioning that word makes every
    /// episode page build structured turn views, see `Theme::wants_turn_views`).
    pub(crate) turn_count: u32,
    /// Episodes counted (person totals only; 1 on an episode).
    pub(crate) episodes: usize,
}

impl<'a> StatView<'a> {
    /// A view of `ms` out of `total_ms` talk time.
    pub(crate) fn new(
        name: &'a str,
        url: Option<&'a str>,
        ms: u64,
        total_ms: u64,
        words: u64,
    ) -> Self {
        StatView {
            name,
            url,
            ms,
            total_ms,
            words,
            turn_count: 0,
            episodes: 1,
        }
    }

    /// The share of the talk time in permille.
    fn permille(&self) -> u64 {
        timeline::mul_div(self.ms, 1000, self.total_ms)
    }

    /// Share of the talk time in whole percent, for text.
    pub(crate) fn share(&self) -> u64 {
        (self.permille() + 5) / 10
    }

    /// Share of the talk time with one decimal, for the bar's CSS width.
    pub(crate) fn bar(&self) -> String {
        let permille = self.permille();
        format!("{}.{}", permille / 10, permille % 10)
    }
}

/// Templates see `name`, `url`, `time` (`24 min`), `time_iso` (`PT24M10S`), `share`
/// (whole percent), `bar` (percent with one decimal), `words` (with thousands
/// separators), `turn_count` and `episodes`.
impl Serialize for StatView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("StatView", 9)?;
        out.serialize_field("name", self.name)?;
        out.serialize_field("url", &self.url)?;
        out.serialize_field("time", &talk_time(self.ms))?;
        out.serialize_field("time_iso", &talk_time_iso(self.ms))?;
        out.serialize_field("share", &self.share())?;
        out.serialize_field("bar", &self.bar())?;
        out.serialize_field("words", &thousands(self.words))?;
        out.serialize_field("turn_count", &self.turn_count)?;
        out.serialize_field("episodes", &self.episodes)?;
        out.end()
    }
}

/// `45 s`, `24 min`, `1 h 3 min` (seconds dropped past a minute: a statistic).
pub(crate) fn talk_time(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    if s < 60 {
        return format!("{s} s");
    }
    let m = (s + 30) / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `PT1H3M20S`.
pub(crate) fn talk_time_iso(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(talk_time(44_600), "45 s");
        assert_eq!(talk_time(24 * 60_000 + 10_000), "24 min");
        assert_eq!(talk_time(63 * 60_000), "1 h 3 min");
        assert_eq!(talk_time(120 * 60_000), "2 h");
        assert_eq!(talk_time_iso(3_800_000), "PT1H3M20S");
        assert_eq!(talk_time_iso(0), "PT0S");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn shares() {
        let v = StatView::new("A", None, 1, 3, 7);
        assert_eq!((v.share(), v.bar().as_str()), (33, "33.3"));
        let v = StatView::new("A", None, 0, 0, 0);
        assert_eq!((v.share(), v.bar().as_str()), (0, "0.0"));
    }
}
