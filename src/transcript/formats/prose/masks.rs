//! Where a text's word separators, line ends and possible sentence ends are, as bit
//! masks (one bit per byte, 64 bytes to a word), made in one pass of 16-byte vector
//! compares (the `wide` crate: SSE2 on x86-64, NEON on Arm, plain code elsewhere).
//!
//! [`super::Prose::push_plain`] walks these bits instead of searching the text again
//! for each sentence end, word end and line end: a search call costs more than the
//! ~60 bytes between two sentence ends it skips.

use wide::u8x16;

/// Bytes looked at together; one `u64` of each mask.
const BLOCK: usize = 64;

/// The masks of one block.
#[derive(Debug, Default, Clone, Copy)]
struct Bits {
    /// ` `, and `\n` when lines are read as one text.
    sep: u64,
    /// `\n`, when lines are read as one text.
    nl: u64,
    /// `.`, `!` and `?`.
    ends: u64,
    /// `.`.
    dots: u64,
}

/// The masks of one text, and what the same pass saw of the plain test's bytes.
#[derive(Debug, Default)]
pub(in crate::transcript::formats) struct Masks {
    blocks: Vec<Bits>,
    /// A control character, but a line end that separates words.
    pub(super) control: bool,
    /// A byte outside ASCII.
    pub(super) wide: bool,
    /// Two separators in a row.
    pub(super) double_sep: bool,
}

impl Masks {
    /// Masks `b`; with `NL`, `\n` separates words as a space does. Without `ends`
    /// (text whose sentences are not counted) no sentence end is marked.
    pub(super) fn scan<const NL: bool>(&mut self, b: &[u8], ends: bool) {
        if ends {
            self.scan_with::<NL, true>(b);
        } else {
            self.scan_with::<NL, false>(b);
        }
    }

    fn scan_with<const NL: bool, const ENDS: bool>(&mut self, b: &[u8]) {
        let mut control = u8x16::splat(0);
        let mut all = u8x16::splat(0);
        let mut chunks = b.chunks_exact(BLOCK);
        let rest = chunks.remainder();
        // One reservation for all the blocks (`ChunksExact` knows its length), no check
        // per block.
        self.blocks.clear();
        self.blocks.extend(
            (&mut chunks).map(|block| block_bits::<NL, ENDS>(block, &mut control, &mut all)),
        );
        if !rest.is_empty() {
            // Padded with a letter, which is none of the classes.
            let mut last = [b'a'; BLOCK];
            last[..rest.len()].copy_from_slice(rest);
            let bits = block_bits::<NL, ENDS>(&last, &mut control, &mut all);
            self.blocks.push(bits);
        }
        self.control = control.any();
        self.wide = all.any();
        let mut carry = 0;
        self.double_sep = self.blocks.iter().any(|b| {
            let twice = b.sep & ((b.sep << 1) | carry);
            carry = b.sep >> 63;
            twice != 0
        });
    }
}

/// The masks of one block of [`BLOCK`] bytes; `control` and `all` gather, byte for
/// byte, the control characters seen and the OR of all bytes.
fn block_bits<const NL: bool, const ENDS: bool>(
    block: &[u8],
    control: &mut u8x16,
    all: &mut u8x16,
) -> Bits {
    let (mut sep, mut nl, mut ends, mut dots) = (0u64, 0u64, 0u64, 0u64);
    for (k, bytes) in block.chunks_exact(16).enumerate() {
        let mut lane = [0u8; 16];
        lane.copy_from_slice(bytes);
        let v = u8x16::from(lane);
        let is_nl = v.simd_eq(u8x16::splat(b'\n'));
        let mut is_sep = v.simd_eq(u8x16::splat(b' '));
        let mut is_control = v.simd_lt(u8x16::splat(0x20));
        if NL {
            is_sep |= is_nl;
            is_control &= !is_nl;
        }
        let is_dot = v.simd_eq(u8x16::splat(b'.'));
        let is_end = is_dot | v.simd_eq(u8x16::splat(b'!')) | v.simd_eq(u8x16::splat(b'?'));
        *control |= is_control;
        *all |= v;
        let at = 16 * k;
        sep |= u64::from(is_sep.to_bitmask()) << at;
        if ENDS {
            ends |= u64::from(is_end.to_bitmask()) << at;
            dots |= u64::from(is_dot.to_bitmask()) << at;
        }
        if NL {
            nl |= u64::from(is_nl.to_bitmask()) << at;
        }
    }
    Bits {
        sep,
        nl,
        ends,
        dots,
    }
}

impl Masks {
    /// The first separator at or after `from`, if any.
    pub(super) fn sep_from(&self, from: usize) -> Option<usize> {
        first_from(&self.blocks, from, |b| b.sep)
    }

    /// The first `.`, `!` or `?` at or after `from`, if any.
    pub(super) fn end_from(&self, from: usize) -> Option<usize> {
        first_from(&self.blocks, from, |b| b.ends)
    }

    /// The last separator before `to`, if any.
    pub(super) fn sep_before(&self, to: usize) -> Option<usize> {
        let mut i = to / BLOCK;
        // The bits below `to` in its block (none when `to` starts one).
        let below = |bits: u64| bits & ((1u64 << (to % BLOCK)) - 1);
        let mut bits = self.blocks.get(i).map_or(0, |b| below(b.sep));
        while bits == 0 {
            i = i.checked_sub(1)?;
            bits = self.blocks.get(i)?.sep;
        }
        Some(i * BLOCK + 63 - bits.leading_zeros() as usize)
    }

    /// True when a `.` is at or after `from` and before `to`.
    pub(super) fn dot_within(&self, from: usize, to: usize) -> bool {
        first_from(&self.blocks, from, |b| b.dots).is_some_and(|at| at < to)
    }

    /// The first line end at or after `from` and before `to`, if any (none without `NL`).
    pub(super) fn nl_within(&self, from: usize, to: usize) -> Option<usize> {
        first_from(&self.blocks, from, |b| b.nl).filter(|&at| at < to)
    }
}

/// The first byte at or after `from` whose bit `mask` sets, as an offset.
fn first_from(blocks: &[Bits], from: usize, mask: impl Fn(&Bits) -> u64) -> Option<usize> {
    let mut i = from / BLOCK;
    let mut bits = mask(blocks.get(i)?) & (u64::MAX << (from % BLOCK));
    while bits == 0 {
        i += 1;
        bits = mask(blocks.get(i)?);
    }
    Some(i * BLOCK + bits.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every position `at_or_after` finds, walked from the start.
    fn all(find: impl Fn(usize) -> Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = find(from) {
            out.push(at);
            from = at + 1;
        }
        out
    }

    #[test]
    fn two_separators_are_found_across_a_block_boundary() {
        let mut m = Masks::default();
        for at in [0, 1, 62, 63, 64, 65, 126, 127, 128] {
            for pair in [" \n", "\n\n", "  ", "\n "] {
                let text = "a".repeat(at) + pair + "bc";
                m.scan::<true>(text.as_bytes(), true);
                assert!(m.double_sep, "{at} {pair:?}");
                m.scan::<false>(text.as_bytes(), false);
                assert_eq!(m.double_sep, pair == "  ", "{at} {pair:?}");
            }
            let text = "a".repeat(at) + " a b";
            m.scan::<true>(text.as_bytes(), false);
            assert!(!m.double_sep, "{at}");
            assert_eq!(m.sep_before(text.len()), Some(at + 2));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_masks_mark_the_bytes_they_name(
            text in "[a-z .!?\n\t\u{1}\u{7f}é]{0,300}",
            from in 0usize..320,
        ) {
            let b = text.as_bytes();
            let at = |f: &dyn Fn(u8) -> bool| {
                b.iter().enumerate().filter(|(_, c)| f(**c)).map(|(i, _)| i).collect::<Vec<_>>()
            };
            let mut m = Masks::default();
            m.scan::<true>(b, true);
            proptest::prop_assert_eq!(all(|i| m.sep_from(i)), at(&|c| c == b' ' || c == b'\n'));
            proptest::prop_assert_eq!(all(|i| m.end_from(i)), at(&|c| matches!(c, b'.' | b'!' | b'?')));
            proptest::prop_assert_eq!(all(|i| m.nl_within(i, b.len())), at(&|c| c == b'\n'));
            proptest::prop_assert_eq!(m.control, b.iter().any(|&c| c < 0x20 && c != b'\n'));
            proptest::prop_assert_eq!(m.wide, !text.is_ascii());
            let blank = |c: u8| c == b' ' || c == b'\n';
            proptest::prop_assert_eq!(m.double_sep, b.windows(2).any(|w| blank(w[0]) && blank(w[1])));
            let next = b.iter().skip(from).position(|&c| c == b'.' || c == b'!' || c == b'?');
            proptest::prop_assert_eq!(m.end_from(from), next.map(|i| i + from));
            let to = from.min(b.len());
            let before = b[..to].iter().rposition(|&c| c == b' ' || c == b'\n');
            proptest::prop_assert_eq!(m.sep_before(to), before);
            for start in [0, to / 2, to.saturating_sub(3)] {
                proptest::prop_assert_eq!(m.dot_within(start, to), b[start..to].contains(&b'.'));
            }

            m.scan::<false>(b, false);
            proptest::prop_assert_eq!(all(|i| m.sep_from(i)), at(&|c| c == b' '));
            proptest::prop_assert_eq!(all(|i| m.nl_within(i, b.len())), Vec::<usize>::new());
            proptest::prop_assert_eq!(m.end_from(0), None);
            proptest::prop_assert_eq!(m.control, b.iter().any(|&c| c < 0x20));
            proptest::prop_assert_eq!(m.double_sep, b.windows(2).any(|w| w == b"  "));
        }
    }
}
