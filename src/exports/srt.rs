//! `transcript.srt`: SubRip captions within the namespace's limits.
//!
//! The namespace's `transcripts.md` asks SRT transcripts for podcasts to keep to at
//! most 2 lines per cue and 32 characters per line, and to start a new cue when the
//! speaker changes, with the speaker's name and a colon. So:
//! - every turn starts a new cue whose text begins `Speaker Name:`;
//! - words fill lines of at most [`MAX_LINE`] characters, two lines to a cue; a word
//!   longer than a line is cut into line-sized pieces (the only way to keep the limit);
//! - a turn's cues share its span in proportion to their text (plus one, so a cue
//!   holding only a name gets a slice), back to back, the last ending with the turn;
//! - blocks are `N`, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the text, a blank line; numbers
//!   count from 1; line ends are `\n`.
//!
//! SRT has no escaping: text is written as is (it never holds a blank line, which is
//! the only thing that would break a block).

use super::{Segment, push_timestamp, push_uint, timeline, width};

/// The namespace's maximum characters per SRT line.
pub(crate) const MAX_LINE: usize = 32;
/// The namespace's maximum lines per SRT cue.
pub(crate) const MAX_LINES: usize = 2;

/// The `transcript.srt` of an episode's segments.
pub(super) fn render(segments: &[Segment<'_>]) -> String {
    let bytes: usize = segments.iter().map(|s| s.text.len() * 3 / 2 + 64).sum();
    let mut out = String::with_capacity(bytes);
    let mut cards = Cards::default();
    let mut number = 0u64;
    for s in segments {
        cards.clear();
        if !s.speaker.is_empty() {
            for word in s.speaker.split(' ') {
                cards.word(word, false);
            }
            cards.glue(":");
        }
        for word in s.text.split([' ', '\n']).filter(|w| !w.is_empty()) {
            cards.word(word, true);
        }
        cards.finish();
        let weights: Vec<u64> = cards.cards.iter().map(|c| c.weight + 1).collect();
        let times = timeline::split(s.span.start, s.span.end, &weights);
        for (card, (start, end)) in cards.cards.iter().zip(times) {
            number += 1;
            push_uint(&mut out, number);
            out.push('\n');
            push_timestamp(&mut out, start, ',');
            out.push_str(" --> ");
            push_timestamp(&mut out, end, ',');
            out.push('\n');
            out.push_str(&cards.text[card.from..card.to]);
            out.push_str("\n\n");
        }
    }
    out
}

/// One cue's text, as a range of [`Cards::text`].
#[derive(Debug, Clone, Copy)]
struct Card {
    from: usize,
    to: usize,
    /// Characters of spoken text (the speaker's name does not count).
    weight: u64,
}

/// Fills cues of [`MAX_LINES`] lines of [`MAX_LINE`] characters, word by word.
/// Reused across turns, so a long transcript allocates a handful of buffers.
#[derive(Default)]
struct Cards {
    text: String,
    cards: Vec<Card>,
    /// Start of the open card in `text`.
    from: usize,
    /// Lines finished in the open card.
    line: usize,
    /// Characters on the open line.
    len: usize,
    weight: u64,
}

impl Cards {
    fn clear(&mut self) {
        self.text.clear();
        self.cards.clear();
        self.from = 0;
        self.line = 0;
        self.len = 0;
        self.weight = 0;
    }

    /// Adds a word (`spoken`: counts toward the card's share of time).
    fn word(&mut self, word: &str, spoken: bool) {
        let w = width(word);
        if w <= MAX_LINE {
            self.piece(word, w, spoken);
            return;
        }
        // Cut at character boundaries into line-sized pieces.
        let mut rest = word;
        while !rest.is_empty() {
            let cut = rest
                .char_indices()
                .nth(MAX_LINE)
                .map_or(rest.len(), |(i, _)| i);
            let (piece, after) = rest.split_at(cut);
            self.piece(piece, width(piece), spoken);
            rest = after;
        }
    }

    fn piece(&mut self, piece: &str, w: usize, spoken: bool) {
        if self.len > 0 && self.len + 1 + w > MAX_LINE {
            self.line += 1;
            if self.line == MAX_LINES {
                self.finish();
            } else {
                self.text.push('\n');
            }
            self.len = 0;
        } else if self.len > 0 {
            self.text.push(' ');
            self.len += 1;
        }
        self.text.push_str(piece);
        self.len += w;
        if spoken {
            self.weight += w as u64;
        }
    }

    /// Appends `s` to the last word without a space (the colon after a name), moving
    /// that word to a new line when the line would overflow.
    fn glue(&mut self, s: &str) {
        let w = width(s);
        if self.len + w <= MAX_LINE {
            self.text.push_str(s);
            self.len += w;
            return;
        }
        // Rare: a name filling its line exactly. Put the colon on the next line with
        // nothing before it rather than break the limit.
        self.piece(s, w, false);
    }

    /// Closes the open card, if it holds anything.
    fn finish(&mut self) {
        if self.text.len() > self.from {
            self.cards.push(Card {
                from: self.from,
                to: self.text.len(),
                weight: self.weight,
            });
        }
        self.from = self.text.len();
        self.line = 0;
        self.len = 0;
        self.weight = 0;
    }
}
