//! When each turn starts and ends, in milliseconds, for every export.
//!
//! A text transcript only states whole-second start times, and not always sensibly, so:
//! - starts never go backwards: a turn stamped earlier than the one before it starts
//!   with it (WebVTT requires cue starts in order, players expect it);
//! - a turn ends where the next one starts, the last one at `episode_duration`;
//!   with no duration, or one not after the last start, the last turn gets an
//!   estimate of [`MS_PER_WORD`] per word (150 words a minute), at least a second;
//! - turns sharing a start second share the time until the next start, in
//!   proportion to their words (plus one, so an empty turn still gets a slice);
//!   the first of them keeps its stated start exactly;
//! - every span is at least 1 ms long (WebVTT needs end > start), even if that
//!   overlaps the next turn by a millisecond in a degenerate transcript.
//!
//! Cue-based sources (WebVTT, SRT, JSON) state each turn's start and end to the
//! millisecond: [`exact`] keeps them, with the same two guarantees.

/// Speech rate for estimates: 150 words a minute.
pub(crate) const MS_PER_WORD: u64 = 60_000 / 150;

/// A turn's place in time: `start < end`, starts never decreasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    /// Milliseconds from the start of the episode.
    pub(crate) start: u64,
    /// Milliseconds from the start of the episode; always after `start`.
    pub(crate) end: u64,
}

/// Spans for turns stated to start at `starts` (seconds), in transcript order.
/// `words(i)` counts turn `i`'s words; it is only asked for turns that share a start
/// second or end the episode. `duration` is the episode's length in seconds.
pub(crate) fn spans(
    starts: &[u32],
    words: impl Fn(usize) -> usize,
    duration: Option<u64>,
) -> Vec<Span> {
    let n = starts.len();
    let mut eff = Vec::with_capacity(n);
    let mut prev = 0u64;
    for &s in starts {
        prev = prev.max(u64::from(s) * 1000);
        eff.push(prev);
    }
    let weight = |i: usize| words(i) as u64 + 1;
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let start = eff[i];
        let mut j = i + 1;
        while j < n && eff[j] == start {
            j += 1;
        }
        let end = if j < n {
            eff[j]
        } else {
            let stated = duration.map(|d| d.saturating_mul(1000));
            match stated {
                Some(d) if d > start => d,
                _ => {
                    let words: u64 = (i..j).map(|k| words(k) as u64).sum();
                    start + (words * MS_PER_WORD).max(1000)
                }
            }
        };
        if j == i + 1 {
            out.push(Span { start, end });
        } else {
            let weights: Vec<u64> = (i..j).map(weight).collect();
            out.extend(
                split(start, end, &weights)
                    .into_iter()
                    .map(|(start, end)| Span { start, end }),
            );
        }
        i = j;
    }
    out
}

/// Spans for turns whose source stated exact times (cue formats): those times, made
/// valid as above (starts never going back, every span at least 1 ms long). `times`
/// are (start, end) in milliseconds.
pub(crate) fn exact(times: impl IntoIterator<Item = (u64, u64)>) -> Vec<Span> {
    let mut prev = 0u64;
    times
        .into_iter()
        .map(|(start, end)| {
            prev = prev.max(start);
            Span {
                start: prev,
                end: end.max(prev + 1),
            }
        })
        .collect()
}

/// Splits `[start, end)` into consecutive pieces proportional to `weights` (each at
/// least 1 ms: an end is never before its start + 1). Cumulative sums keep the
/// pieces free of rounding drift; the last piece ends exactly at `end` (or later by
/// the 1 ms floor).
pub(crate) fn split(start: u64, end: u64, weights: &[u64]) -> Vec<(u64, u64)> {
    let total: u64 = weights.iter().sum::<u64>().max(1);
    let len = end.saturating_sub(start);
    let at = |cum: u64| start + mul_div(len, cum, total);
    let mut cum = 0u64;
    let mut out = Vec::with_capacity(weights.len());
    for (k, &w) in weights.iter().enumerate() {
        let s = at(cum);
        cum += w;
        let e = if k + 1 == weights.len() { end } else { at(cum) };
        out.push((s, e.max(s + 1)));
    }
    out
}

/// `a * b / c` rounded down, without overflow; `c` of 0 counts as 1.
pub(crate) fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    let c = c.max(1);
    match a.checked_mul(b) {
        // The common case, and far cheaper than a 128-bit division (one per caption).
        Some(p) => p / c,
        None => {
            let r = u128::from(a) * u128::from(b) / u128::from(c);
            u64::try_from(r).unwrap_or(u64::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(start: u64, end: u64) -> Span {
        Span { start, end }
    }

    #[test]
    fn next_start_then_duration() {
        let got = spans(&[59, 93, 120], |_| 10, Some(600));
        assert_eq!(
            got,
            [s(59_000, 93_000), s(93_000, 120_000), s(120_000, 600_000)]
        );
    }

    #[test]
    fn last_turn_is_estimated_without_a_usable_duration() {
        // 30 words at 150 wpm = 12 s.
        for duration in [None, Some(100), Some(120)] {
            let got = spans(&[59, 120], |_| 30, duration);
            assert_eq!(got[1], s(120_000, 132_000), "{duration:?}");
        }
        // An empty last turn still lasts a second.
        assert_eq!(spans(&[5], |_| 0, None), [s(5000, 6000)]);
    }

    #[test]
    fn backwards_stamps_are_clamped_and_shared() {
        // 100, 90 (typo), 110: the second starts with the first and they share 10 s
        // in proportion to words + 1 (3 : 1).
        let words = [2, 0, 5];
        let got = spans(&[100, 90, 110], |i| words[i], Some(200));
        assert_eq!(
            got,
            [
                s(100_000, 107_500),
                s(107_500, 110_000),
                s(110_000, 200_000)
            ]
        );
    }

    #[test]
    fn spans_are_valid_even_when_degenerate() {
        let starts = [0, 0, 0, 0, 1, 1];
        let got = spans(&starts, |i| if i == 0 { 100_000 } else { 0 }, Some(0));
        let mut prev = 0;
        for sp in &got {
            assert!(sp.end > sp.start, "{got:?}");
            assert!(sp.start >= prev, "{got:?}");
            prev = sp.start;
        }
        assert_eq!(got[0].start, 0);
        assert!(spans(&[], |_| 0, None).is_empty());
    }

    #[test]
    fn exact_times_are_kept_and_made_valid() {
        let got = exact([(59_001, 93_499), (93_000, 93_000), (90_000, 95_000)]);
        assert_eq!(
            got,
            [s(59_001, 93_499), s(93_000, 93_001), s(93_000, 95_000)]
        );
    }

    #[test]
    fn mul_div_does_not_overflow() {
        assert_eq!(mul_div(u64::MAX, 3, 3), u64::MAX);
        assert_eq!(mul_div(u64::MAX, u64::MAX, 1), u64::MAX);
        assert_eq!(mul_div(10, 7, 0), 70);
    }

    #[test]
    fn split_is_proportional_and_exact() {
        assert_eq!(split(0, 100, &[1, 1, 2]), [(0, 25), (25, 50), (50, 100)]);
        assert_eq!(split(10, 11, &[5, 5]), [(10, 11), (10, 11)]);
        assert_eq!(split(0, 10, &[]), []);
    }
}
