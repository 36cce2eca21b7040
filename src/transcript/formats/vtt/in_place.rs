//! The common WebVTT cue, read where it is: its words are left in the source
//! ([`SrcLines`]), and a cue whose payload is plain is found by a few searches over
//! its bytes instead of a look at each of its lines (a caption wraps every 60 or so
//! bytes: that look was most of the reading).
//!
//! Either way declines, with nothing done, any cue it is not sure of; the general way
//! ([`Reader::payload`], the line-by-line loop in [`super::read`]) reads it then.

use memchr::memmem::Finder;

use super::{Reader, plain_voice, skipped_block, timing_place, trim};
use crate::transcript::formats::{
    SrcLines, Where, has_arrow, speaker_prefix, text_ends_sentence, usual_timing,
};
use crate::transcript::{Cursor, Line};

/// The searcher for the empty line that ends a cue, built once a file.
pub(super) fn blank_line() -> Finder<'static> {
    Finder::new(b"\n\n")
}

/// How many `\n` and `\r` are in `b`, counted in one pass in blocks a byte counter
/// holds, which the compiler vectorises.
fn newlines_and_returns(b: &[u8]) -> (usize, usize) {
    b.chunks(255)
        .map(|c| {
            c.iter().fold((0u8, 0u8), |(n, r), &x| {
                (n + u8::from(x == b'\n'), r + u8::from(x == b'\r'))
            })
        })
        .fold((0, 0), |(n, r), (cn, cr)| {
            (n + usize::from(cn), r + usize::from(cr))
        })
}

impl<'a> Reader<'a, '_> {
    /// Reads the cue that `line`, the first of a block, opens when it is the common
    /// one: an optional identifier, a timing line in the usual form, then plain
    /// payload lines with no `\r`, no markup after the first line and no `-->`,
    /// closed by an empty line; [`Reader::src_cue`] takes its words. Returns the
    /// cursor at that empty line, or `None`, with nothing done, for any other block.
    /// `rest` is the cursor after `line`.
    pub(super) fn quick_cue(&mut self, line: Line<'a>, rest: Cursor<'a>) -> Option<Cursor<'a>> {
        if !self.in_place || self.rolling {
            return None;
        }
        // The timing line: this one, or the next after an identifier, as `block` finds it.
        let timing = if usual_timing(line.text.as_bytes()).is_some() {
            line
        } else {
            if has_arrow(line.text) || skipped_block(line.text) {
                return None;
            }
            let mut after = rest;
            after.next()?
        };
        let (start, end) = usual_timing(timing.text.as_bytes())?;
        if end < start {
            return None;
        }
        let src = self.src.as_bytes();
        let from = timing.end;
        // The `\n` ending the payload's last line, the first of the two that make the
        // empty line after it (the timing line's own `\n` counts for an empty payload).
        let gap = from
            .checked_sub(1)
            .and_then(|at| Some(at + self.blank.find(src.get(at..)?)?))?;
        if gap < from {
            return None;
        }
        let payload = src.get(from..gap)?;
        let (newlines, returns) = newlines_and_returns(payload);
        if returns > 0 {
            return None;
        }
        let first_end = memchr::memchr(b'\n', payload).map_or(gap, |i| from + i);
        // After the first payload line (after an identifier, from it on), a line
        // holding `-->` starts a new cue: no `>` at all rules that out.
        let after_first = src.get(first_end..gap).unwrap_or_default();
        if memchr::memchr3(b'<', b'&', b'>', after_first).is_some() {
            return None;
        }
        let first = Line {
            no: timing.no + 1,
            start: from,
            end: first_end + 1,
            text: self.src.get(from..first_end)?,
        };
        // (Without an identifier, the first payload line is never taken for a timing
        // line, but then it is no plain cue's either.)
        if has_arrow(first.text) {
            return None;
        }
        let count = crate::diag::to_u32(newlines + 1);
        let last_start = memchr::memrchr(b'\n', payload).map_or(from, |i| from + i + 1);
        let last = Line {
            no: timing.no + count,
            start: last_start,
            end: gap + 1,
            text: self.src.get(last_start..gap)?,
        };
        if !self.push_src_cue(start, end, timing_place(&timing), first, last) {
            return None;
        }
        Some(Cursor {
            text: self.src,
            pos: gap + 1,
            no: timing.no + count,
        })
    }

    /// The common cue, pushed with its words left in the source ([`SrcLines`]): no
    /// markup but a plain voice span opening its first line, no rolling captions, no
    /// `>>` and no `Name:` prefix. False, with nothing done, for any other cue, which
    /// [`Reader::payload`] reads the general way.
    pub(super) fn src_cue(
        &mut self,
        start: u64,
        end: u64,
        at: Where,
        payload: &[Line<'_>],
    ) -> bool {
        let (Some(&first), Some(&last)) = (payload.first(), payload.last()) else {
            return false;
        };
        if self.rolling {
            return false;
        }
        let src = self.src.as_bytes();
        if last.start != first.start
            && memchr::memchr2(b'<', b'&', src.get(first.end..last.end).unwrap_or(b"<")).is_some()
        {
            return false;
        }
        self.push_src_cue(start, end, at, first, last)
    }

    /// [`Reader::src_cue`] once the lines after the first are known to hold no markup.
    fn push_src_cue(
        &mut self,
        start: u64,
        end: u64,
        at: Where,
        first: Line<'_>,
        last: Line<'_>,
    ) -> bool {
        if self.rolling {
            return false;
        }
        let one_line = first.start == last.start;
        // A first line with markup or a reference is a plain voice span's or declined;
        // `plain_voice` looks for them itself after its `<v `.
        let voice = if first.text.starts_with("<v ") {
            match plain_voice(first.text) {
                Some((name, words)) => Some((name, trim(words))),
                None => return false,
            }
        } else if memchr::memchr2(b'<', b'&', first.text.as_bytes()).is_none() {
            None
        } else {
            return false;
        };
        // The words run from the first line's (after the voice) to the end of the last
        // line's; a cue with a first or last line without words (rare) is left to the
        // general way.
        let head = voice.map_or_else(|| trim(first.text), |(_, words)| words);
        let tail = if one_line { head } else { trim(last.text) };
        if head.is_empty() || tail.is_empty() || head.starts_with(">>") {
            return false;
        }
        let offset = |line: &Line<'_>, part: &str| {
            line.start + (part.as_ptr() as usize - line.text.as_ptr() as usize)
        };
        let from = offset(&first, head);
        let to = offset(&last, tail) + tail.len();
        let Some(text) = self.src.get(from..to) else {
            return false;
        };
        let speaker = match voice {
            Some((name, _)) => {
                let at = Where::Line {
                    line: first.no,
                    col: 1,
                    len: crate::diag::to_u32(name.chars().count() + 3),
                };
                Some(self.cues.label(name, at))
            }
            None => {
                // `speaker_prefix` looks at the first 64 bytes of the joined text: the
                // first line's, unless it is shorter and more lines follow.
                let joined_head = if head.len() >= 64 || one_line {
                    head
                } else {
                    self.cleaned.clear();
                    for line in text.split('\n') {
                        let line = line.trim();
                        if line.is_empty() {
                            continue;
                        }
                        if !self.cleaned.is_empty() {
                            self.cleaned.push(' ');
                        }
                        self.cleaned.push_str(line);
                        if self.cleaned.len() >= 64 {
                            break;
                        }
                    }
                    &self.cleaned
                };
                if speaker_prefix(joined_head, self.known, &self.cues).is_some() {
                    return false;
                }
                self.speaker
            }
        };
        self.speaker = speaker;
        self.cues.cues.push(crate::transcript::formats::Cue {
            start,
            end: Some(end),
            speaker,
            text: String::new(),
            at,
            lines: Some(SrcLines {
                from,
                to,
                ends_sentence: text_ends_sentence(text),
            }),
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_cursor_gives_the_lines_split_inclusive_does(
            text in "[a-z\n\r ]{0,40}",
            jumps in proptest::collection::vec(0usize..6, 0..4),
        ) {
            // What `lines` promises: `split_inclusive('\n')`, numbered, with offsets,
            // without the line end.
            let mut at = 0;
            let all: Vec<Line<'_>> = text
                .split_inclusive('\n')
                .zip(1..)
                .map(|(raw, no)| {
                    let start = at;
                    at += raw.len();
                    let t = raw.strip_suffix('\n').unwrap_or(raw);
                    Line { no, start, end: at, text: t.strip_suffix('\r').unwrap_or(t) }
                })
                .collect();
            let show = |l: &Line<'_>| (l.no, l.start, l.end, l.text.to_owned());
            let cursor = Cursor::new(&text);
            let mut seen = Vec::new();
            for l in cursor {
                seen.push(show(&l));
            }
            proptest::prop_assert_eq!(&seen, &all.iter().map(show).collect::<Vec<_>>());
            // A cursor made at a line's start, as `quick_cue` makes one, goes on from there.
            for j in jumps {
                if let Some(at) = all.get(j) {
                    let cursor = Cursor { text: &text, pos: at.start, no: at.no - 1 };
                    let rest: Vec<_> = cursor.map(|l| show(&l)).collect();
                    proptest::prop_assert_eq!(&rest[..], &seen[j..]);
                }
            }
        }
    }

    #[test]
    fn newlines_and_returns_are_counted_across_blocks() {
        for n in [0, 1, 254, 255, 256, 1000] {
            let text = "ab\n".repeat(n) + "c";
            assert_eq!(newlines_and_returns(text.as_bytes()), (n, 0));
            let text = "a\r\n".repeat(n);
            assert_eq!(newlines_and_returns(text.as_bytes()), (n, n));
        }
    }
}
