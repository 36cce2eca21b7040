//! One pass over a turn's text that both finds its terms and writes its table-encoded
//! form (the two costliest things the index does, done together).
//!
//! The text is cut at ASCII bytes that are neither letters, digits nor an apostrophe.
//! [`crate::text::tokenize`] never joins a token across such a byte, so tokenizing
//! each piece gives the tokens of the whole. Most pieces are one plain ASCII word of
//! at most 16 bytes: it is looked up *as written* in a per-thread table that remembers
//! its term and its code in the [`TextModel`], one hash lookup for both. Any other
//! piece (an apostrophe, a non-ASCII letter, a long token) goes through
//! [`keyed_tokens`] and [`TextModel::encode`], the reference rules.

use rustc_hash::FxHashMap;

use super::text::TextModel;
use crate::text::tokenize::{MAX_TOKEN_BYTES, keyed_tokens};

/// No code in the model for a word.
const NO_CODE: u16 = u16::MAX;

/// Where the terms of the scanned text go.
pub(super) trait Terms {
    /// The term id of `term` (folded; `key`: its bytes packed when it is ASCII of at
    /// most 16 bytes, else 0), added when new.
    fn id(&mut self, key: u128, term: &str) -> u32;
    /// Counts one occurrence of term `id` in the record being scanned.
    fn add(&mut self, id: u32);
}

/// Words as written → (term id, code): what a thread has learnt so far.
///
/// A thread's table outgrows its core's cache (tens of thousands of forms), and a
/// lookup that misses it was the pass's largest cost, so the words met most often sit
/// in a small direct-mapped table in front of it (a few thousand slots; word
/// frequencies are Zipfian, so most lookups stop there).
pub(super) struct Surfaces {
    front: Box<[Slot]>,
    map: FxHashMap<u128, (u32, u16)>,
    /// Short ASCII pieces with an apostrophe (`don't`, `I'm`: one word in thirty in
    /// speech) → their term ids and encoded bytes, so the reference rules run once
    /// per distinct piece instead of once per occurrence.
    pieces: FxHashMap<u128, Piece>,
}

/// What a short ASCII piece with an apostrophe scans to.
struct Piece {
    ids: Box<[u32]>,
    encoded: Box<[u8]>,
}

/// One slot of [`Surfaces`]' front table; `key == [0, 0]` is empty (no word packs
/// to zero).
#[derive(Clone, Copy, Default)]
struct Slot {
    key: [u64; 2],
    id: u32,
    code: u16,
}

/// Slots in the front table: 2^12 × 24 bytes, well inside a core's L2 cache.
const FRONT_BITS: u32 = 12;

impl Default for Surfaces {
    fn default() -> Self {
        Surfaces {
            front: vec![Slot::default(); 1 << FRONT_BITS].into_boxed_slice(),
            map: FxHashMap::default(),
            pieces: FxHashMap::default(),
        }
    }
}

/// The front slot of a packed word.
#[inline]
fn slot(key: [u64; 2]) -> usize {
    let h = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - FRONT_BITS)) as usize
}

/// Bytes that end every token: ASCII, neither a letter, a digit nor `'`.
const fn separators() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = !(c.is_ascii_alphanumeric() || c == b'\'');
        b += 1;
    }
    t
}
static SEPARATOR: [bool; 256] = separators();

/// `bytes` (at most 16) packed little-endian into a `u128`, zero-padded.
#[inline]
fn pack(bytes: &[u8]) -> u128 {
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    u128::from_le_bytes(key)
}

/// The high bit of every byte.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// One in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `v` (bytes below 0x80) in `lo..=hi`. Adding to a byte
/// below 0x80 at most 0x80 never carries into the next one.
#[inline]
fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
    let at_least = v.wrapping_add(ONES * u64::from(0x80 - lo));
    let above = v.wrapping_add(ONES * u64::from(0x7F - hi));
    at_least & !above & HIGH
}

/// Per byte of `x`, as high bits: the bytes that are not separators (ASCII letters and
/// digits, `'`, every byte of a non-ASCII character), and among them those that keep
/// a piece from being a plain ASCII word (`'`, non-ASCII).
#[inline]
fn classes(x: u64) -> (u64, u64) {
    let high = x & HIGH;
    let v = x & !HIGH;
    // `| 0x20` lowercases ASCII letters and moves no other byte into `a..=z`.
    let letter = in_range(v | (ONES * 0x20), b'a', b'z');
    let digit = in_range(v, b'0', b'9');
    let odd = high | in_range(v, b'\'', b'\'');
    (letter | digit | odd, odd)
}

/// The piece starting at `b[i]` (not a separator) read eight bytes at a time, when it
/// is at most 15 bytes and 16 bytes can be read from `i`: its length, its bytes
/// packed as by [`pack`] (as two halves), and whether it is plain ASCII letters and
/// digits. Most words are found so, without a loop over their bytes.
#[inline]
fn short_piece(b: &[u8], i: usize) -> Option<(usize, [u64; 2], bool)> {
    let v = u128::from_le_bytes(*b.get(i..)?.first_chunk::<16>()?);
    let (lo, hi) = (v as u64, (v >> 64) as u64);
    let (word_lo, odd_lo) = classes(lo);
    let end_lo = !word_lo & HIGH;
    if end_lo != 0 {
        // `b[i]` is not a separator, so the piece has 1 to 7 bytes here.
        let len = (end_lo.trailing_zeros() / 8) as usize;
        let mask = (1u64 << (8 * len)) - 1;
        return Some((len, [lo & mask, 0], odd_lo & mask == 0));
    }
    let (word_hi, odd_hi) = classes(hi);
    let end_hi = !word_hi & HIGH;
    if end_hi == 0 {
        return None;
    }
    let len = (end_hi.trailing_zeros() / 8) as usize;
    let mask = (1u64 << (8 * len)) - 1;
    Some((8 + len, [lo, hi & mask], odd_lo == 0 && odd_hi & mask == 0))
}

/// Appends `bytes` to `out`: the text between two encoded words is mostly a byte or
/// two, for which a call to `memcpy` costs more than the copy.
#[inline]
fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() <= 4 {
        for &c in bytes {
            out.push(c);
        }
    } else {
        out.extend_from_slice(bytes);
    }
}

impl Surfaces {
    /// Reserves room for about `n` words.
    pub(super) fn with_capacity(n: usize) -> Self {
        let mut surfaces = Surfaces::default();
        surfaces.map.reserve(n);
        surfaces
    }

    /// The term id and code of the plain ASCII word `word` (at most 16 bytes), whose
    /// [`pack`] is `halves`.
    #[inline]
    fn lookup(
        &mut self,
        word: &[u8],
        halves: [u64; 2],
        model: &TextModel,
        terms: &mut impl Terms,
    ) -> (u32, u16) {
        let key = u128::from(halves[0]) | u128::from(halves[1]) << 64;
        let at = slot(halves);
        // In bounds: `slot` returns FRONT_BITS bits.
        if let Some(s) = self.front.get(at).filter(|s| s.key == halves) {
            return (s.id, s.code);
        }
        let (id, code) = match self.map.get(&key) {
            Some(&found) => found,
            None => {
                let lower = word.to_ascii_lowercase();
                // ASCII alphanumerics: valid UTF-8.
                let term = std::str::from_utf8(&lower).unwrap_or_default();
                let id = terms.id(pack(&lower), term);
                let code = if word.iter().all(u8::is_ascii_alphabetic) {
                    model.code_of(key).unwrap_or(NO_CODE)
                } else {
                    NO_CODE
                };
                self.map.insert(key, (id, code));
                (id, code)
            }
        };
        if let Some(s) = self.front.get_mut(at) {
            *s = Slot {
                key: halves,
                id,
                code,
            };
        }
        (id, code)
    }

    /// Adds the terms of `text` to `terms` and appends its table-encoded form to `out`.
    pub(super) fn scan(
        &mut self,
        text: &str,
        model: &TextModel,
        terms: &mut impl Terms,
        out: &mut Vec<u8>,
    ) {
        let b = text.as_bytes();
        // The encoded text is never longer than the text: no growing on the way.
        out.reserve(b.len());
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            if SEPARATOR[usize::from(b[i])] {
                i += 1;
                continue;
            }
            let start = i;
            let (plain, key) = match short_piece(b, i) {
                Some((len, key, plain)) => {
                    i += len;
                    (plain, Some(key))
                }
                None => {
                    let mut plain = true;
                    while i < b.len() && !SEPARATOR[usize::from(b[i])] {
                        plain &= b[i].is_ascii_alphanumeric();
                        i += 1;
                    }
                    (plain, None)
                }
            };
            let word = &b[start..i];
            if plain && word.len() <= 16 {
                let halves = key.unwrap_or_else(|| {
                    let k = pack(word);
                    [k as u64, (k >> 64) as u64]
                });
                let (id, code) = self.lookup(word, halves, model, terms);
                terms.add(id);
                if code != NO_CODE {
                    push_bytes(out, &b[copied..start]);
                    model.push_code(code, out);
                    copied = i;
                }
            } else if plain {
                if word.len() <= MAX_TOKEN_BYTES {
                    let lower = word.to_ascii_lowercase();
                    let id = terms.id(0, std::str::from_utf8(&lower).unwrap_or_default());
                    terms.add(id);
                }
            } else if word.len() <= 16 && word.is_ascii() {
                let key = pack(word);
                // Pieces start and end at ASCII bytes or the text's ends: char boundaries.
                let piece = &text[start..i];
                let found = match self.pieces.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let mut ids = Vec::new();
                        keyed_tokens(piece, |key, w| ids.push(terms.id(key, w)));
                        let mut encoded = Vec::new();
                        model.encode(piece, &mut encoded);
                        e.insert(Piece {
                            ids: ids.into(),
                            encoded: encoded.into(),
                        })
                    }
                };
                for &id in &*found.ids {
                    terms.add(id);
                }
                out.extend_from_slice(&b[copied..start]);
                out.extend_from_slice(&found.encoded);
                copied = i;
            } else {
                // Pieces start and end at ASCII bytes or the text's ends: char boundaries.
                let piece = &text[start..i];
                keyed_tokens(piece, |key, w| {
                    let id = terms.id(key, w);
                    terms.add(id);
                });
                out.extend_from_slice(&b[copied..start]);
                model.encode(piece, out);
                copied = i;
            }
        }
        out.extend_from_slice(&b[copied..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::{ascii_key, token_list};

    #[derive(Default)]
    struct Collect {
        names: Vec<String>,
        tokens: Vec<String>,
    }

    impl Terms for Collect {
        fn id(&mut self, key: u128, term: &str) -> u32 {
            if let Some(k) = ascii_key(term) {
                assert!(key == 0 || key == k, "{term}: key {key:x}");
            }
            match self.names.iter().position(|n| n == term) {
                Some(i) => i as u32,
                None => {
                    self.names.push(term.to_owned());
                    self.names.len() as u32 - 1
                }
            }
        }

        fn add(&mut self, id: u32) {
            self.tokens.push(self.names[id as usize].clone());
        }
    }

    #[test]
    fn tokens_and_encoding_match_the_reference_rules() {
        let model = TextModel::from_sample(&["The manager said the manager's team, THE team"; 4]);
        for text in [
            "The manager's team don't; 'quoted' rock'n'roll it's",
            "Café culture, naïvely — the Manager’s team ʼok. 東京タワー and 😀 the",
            "abc123 ABC123 a1 x 1.5 e.g. M2 M2's",
            "averyveryverylongwordthatisover16 and thisoneisexactly40bytesxxxxxxxxxxxxxxxxxx!",
            "thisoneisover40bytesxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx the end'",
            "'' ' '' manager''s ’’ THE\u{0}the\ttab\nnew",
            "don't don't Don't I'm I'm 'twas a''b a''b rock'n'roll the'",
            "",
        ] {
            let mut c = Collect::default();
            let mut out = Vec::new();
            let mut surfaces = Surfaces::default();
            surfaces.scan(text, &model, &mut c, &mut out);
            assert_eq!(c.tokens, token_list(text), "{text}");
            assert_eq!(model.decode(&out).unwrap(), text);
            let mut reference = Vec::new();
            model.encode(text, &mut reference);
            assert!(out.len() <= reference.len() + 2, "{text}");
        }
    }

    #[test]
    fn words_read_eight_bytes_at_a_time_match_the_reference_rules() {
        let model = TextModel::from_sample(&["the manager said the team's manager left"; 4]);
        // Pieces of every length around 8 and 16 bytes, with capitals, digits, an
        // apostrophe or a non-ASCII letter at each place, between every separator.
        let parts = [
            "the",
            "Manager",
            "managers",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "x",
            "M2",
            "don't",
            "team's",
            "naïve",
            "tea’m",
            "ok'",
            "ZZ9",
            "7",
            "said",
            "abcdefg'",
            "abcdefgh'ij",
            "é",
            "MANAGER",
        ];
        let seps = [
            " ", ", ", ".", " — ", "\n", "!?", "@", "\u{0}", "`", "[", "{", "~",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..next(40) {
                text.push_str(parts[next(parts.len())]);
                text.push_str(seps[next(seps.len())]);
            }
            let mut c = Collect::default();
            let mut out = Vec::new();
            Surfaces::default().scan(&text, &model, &mut c, &mut out);
            assert_eq!(c.tokens, token_list(&text), "{text}");
            assert_eq!(model.decode(&out).unwrap(), text);
        }
        // Every byte value as a piece's first, middle and last byte.
        for byte in 1..=255u8 {
            let bytes = [
                b'a', b'b', byte, b'c', b'd', b'e', b'f', b'g', byte, b'h', b' ',
            ];
            let (len, key, plain) = short_piece(&[&bytes[..], &[b' '; 16]].concat(), 0)
                .unwrap_or_else(|| panic!("{byte}"));
            let word_byte = byte >= 0x80 || byte.is_ascii_alphanumeric() || byte == b'\'';
            let want = if word_byte { 10 } else { 2 };
            assert_eq!(len, want, "{byte}");
            let k = pack(&bytes[..len]);
            assert_eq!(key, [k as u64, (k >> 64) as u64], "{byte}");
            assert_eq!(plain, !word_byte || byte.is_ascii_alphanumeric(), "{byte}");
        }
    }
}
