//! How turn text is stored: a word table and a preset dictionary, both taken from the
//! archive, shrink it before DEFLATE does (4.2× together on the generated corpus,
//! against 2.7× for DEFLATE alone on chunks of the same size).
//!
//! - Word replacement: the archive's most frequent words (ASCII letters, 2–16 of
//!   them, case kept) become codes of one byte (`0x80`–`0xBF`, the 64 best) or two
//!   (a lead byte `0xC1` or `0xF5`–`0xFF`, then any byte: 3,072 more). No
//!   well-formed UTF-8 starts a character with those bytes, so a decoder walking the
//!   text character by character tells codes from text without escapes; `0xC0`
//!   ([`END_OF_TEXT`]) ends a record's text the same way. DEFLATE then sees about half
//!   the bytes, and finds longer repeats in them.
//! - A preset dictionary (≤ 32 KiB, DEFLATE's window): pieces of the table-encoded
//!   sample, so each chunk starts with words and phrases to refer back to.
//!
//! Both come from a *sample*: the oldest episodes, up to [`SAMPLE_BYTES`] of text.
//! New episodes are added last in doc order and do not enter the sample, so
//! publishing one leaves the table, the dictionary and every older chunk file as
//! they were.
//!
//! `search/t.bin` is the [`deflate::prefix`] of the model's bytes:
//! `CBT1`, the word count (varint), each word (length byte, bytes), the dictionary
//! length (varint), the dictionary. The dictionary comes last, so it is the window
//! each chunk stream continues from.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::deflate;
use super::encode::{get_varint, put_varint};
use crate::model::Archive;

/// Magic of the decoded `search/t.bin`.
pub const MODEL_MAGIC: &[u8; 4] = b"CBT1";
/// Text sampled (from the oldest episodes) to choose the words and the dictionary.
pub const SAMPLE_BYTES: usize = 4 << 20;
/// Words given one-byte codes.
const ONE_BYTE: usize = 64;
/// Lead bytes of two-byte codes: never the first byte of a UTF-8 character.
const LEADS: [u8; 12] = [
    0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF,
];
/// Ends each record's text in a chunk: never the first byte of a UTF-8 character,
/// nor a code's lead.
pub const END_OF_TEXT: u8 = 0xC0;
/// Most words in the table.
pub const MAX_WORDS: usize = ONE_BYTE + LEADS.len() * 256;
/// Longest word in the table (it is keyed by its bytes packed into a `u128`).
const MAX_WORD: usize = 16;
/// A word must occur this often in the sample to be worth its place in the table.
const MIN_COUNT: u32 = 3;
/// Dictionary: this many pieces, spread evenly over the sample's turns…
const DICT_PIECES: usize = 256;
/// …of at most this many bytes each, from each turn's start.
const DICT_PIECE: usize = 128;
/// DEFLATE's window: more dictionary than this is never referred to.
const DICT_MAX: usize = 32 * 1024;

/// The word table and dictionary of one index.
#[derive(Debug, Default)]
pub struct TextModel {
    /// Words by code number.
    words: Vec<Box<[u8]>>,
    /// Packed word → code number.
    codes: FxHashMap<u128, u16>,
    /// The preset dictionary (table-encoded text).
    pub dict: Vec<u8>,
}

/// Calls `f(start, end)` for every run of ASCII letters in `bytes`.
#[inline]
fn letter_runs(bytes: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            f(start, i);
        } else {
            i += 1;
        }
    }
}

/// `word` packed little-endian into a `u128` (zero-padded; letters are never zero).
#[inline]
fn pack(word: &[u8]) -> u128 {
    let mut key = [0u8; 16];
    key[..word.len()].copy_from_slice(word);
    u128::from_le_bytes(key)
}

impl TextModel {
    /// Chooses the words and the dictionary from `sample` (turn texts).
    pub fn from_sample(sample: &[&str]) -> TextModel {
        // Counted in parallel (the build waits for the model before its pass over the
        // archive); sums do not depend on how the sample is split.
        let count = |texts: &[&str]| {
            let mut counts: FxHashMap<u128, (u32, u8)> = FxHashMap::default();
            for text in texts {
                let b = text.as_bytes();
                letter_runs(b, |s, e| {
                    if (2..=MAX_WORD).contains(&(e - s)) {
                        counts.entry(pack(&b[s..e])).or_insert((0, (e - s) as u8)).0 += 1;
                    }
                });
            }
            counts
        };
        let pieces = rayon::current_num_threads().clamp(1, 8);
        let counts = sample
            .par_chunks(sample.len().div_ceil(pieces).max(1))
            .map(count)
            .reduce(FxHashMap::default, |mut a, mut b| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                for (k, (n, len)) in b {
                    a.entry(k).or_insert((0, len)).0 += n;
                }
                a
            });
        let mut found: Vec<(u128, u32, usize)> = counts
            .into_iter()
            .filter(|(_, (n, _))| *n >= MIN_COUNT)
            .map(|(k, (n, len))| (k, n, usize::from(len)))
            .collect();
        // Bytes saved: one-byte codes first, then two-byte codes among the rest; ties
        // by the word's bytes, so the table does not depend on hash order.
        let gain = |n: u32, len: usize, code: usize| u64::from(n) * len.saturating_sub(code) as u64;
        let by = |code: usize| {
            move |a: &(u128, u32, usize), b: &(u128, u32, usize)| {
                gain(b.1, b.2, code)
                    .cmp(&gain(a.1, a.2, code))
                    .then(a.0.to_le_bytes().cmp(&b.0.to_le_bytes()))
            }
        };
        found.sort_unstable_by(by(1));
        let rest = found.split_off(found.len().min(ONE_BYTE));
        let mut rest: Vec<_> = rest.into_iter().filter(|w| w.2 > 2).collect();
        rest.sort_unstable_by(by(2));
        rest.truncate(MAX_WORDS - found.len());
        found.extend(rest);
        let words: Vec<Box<[u8]>> = found
            .iter()
            .map(|(k, _, len)| k.to_le_bytes()[..*len].into())
            .collect();
        let mut model = TextModel::with_words(words);
        let mut dict = Vec::with_capacity(DICT_MAX);
        let step = sample.len().div_ceil(DICT_PIECES).max(1);
        let mut encoded = Vec::new();
        for text in sample.iter().step_by(step) {
            encoded.clear();
            model.encode(text, &mut encoded);
            dict.extend_from_slice(&encoded[..encoded.len().min(DICT_PIECE)]);
        }
        dict.truncate(DICT_MAX);
        model.dict = dict;
        model
    }

    /// The model of `archive`: sampled from its oldest episodes.
    pub fn of(archive: &Archive) -> TextModel {
        let mut sample = Vec::new();
        let mut bytes = 0;
        'episodes: for e in archive.episodes.iter().rev() {
            for t in e.turns() {
                if bytes >= SAMPLE_BYTES {
                    break 'episodes;
                }
                bytes += t.body.len();
                sample.push(&*t.body);
            }
        }
        TextModel::from_sample(&sample)
    }

    fn with_words(words: Vec<Box<[u8]>>) -> TextModel {
        let codes = words
            .iter()
            .enumerate()
            .map(|(i, w)| (pack(w), i as u16))
            .collect();
        TextModel {
            words,
            codes,
            dict: Vec::new(),
        }
    }

    /// Words in the table.
    pub fn words(&self) -> usize {
        self.words.len()
    }

    /// Appends `text` to `out` with the table's words replaced by their codes.
    pub fn encode(&self, text: &str, out: &mut Vec<u8>) {
        let b = text.as_bytes();
        let mut copied = 0;
        letter_runs(b, |s, e| {
            if e - s < 2 || e - s > MAX_WORD {
                return;
            }
            if let Some(&code) = self.codes.get(&pack(&b[s..e])) {
                out.extend_from_slice(&b[copied..s]);
                self.push_code(code, out);
                copied = e;
            }
        });
        out.extend_from_slice(&b[copied..]);
    }

    /// The code of a word (its bytes packed little-endian into a `u128`).
    #[inline]
    pub fn code_of(&self, packed: u128) -> Option<u16> {
        self.codes.get(&packed).copied()
    }

    /// Appends the bytes of word code `code`.
    #[inline]
    pub fn push_code(&self, code: u16, out: &mut Vec<u8>) {
        let code = usize::from(code);
        if code < ONE_BYTE {
            out.push(0x80 + code as u8);
        } else {
            out.push(LEADS[(code - ONE_BYTE) / 256]);
            out.push(((code - ONE_BYTE) % 256) as u8);
        }
    }

    /// The text `encode` wrote as `bytes`.
    pub fn decode(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let mut out = Vec::with_capacity(bytes.len() * 2);
        let (at, ended) = self.decode_until_end(bytes, &mut out)?;
        anyhow::ensure!(!ended && at == bytes.len(), "end of text inside a text");
        Ok(String::from_utf8(out)?)
    }

    /// The texts of records written one after another, each followed by
    /// [`END_OF_TEXT`].
    pub fn decode_records(&self, mut bytes: &[u8]) -> anyhow::Result<Vec<String>> {
        let mut texts = Vec::new();
        while !bytes.is_empty() {
            let mut out = Vec::new();
            let (at, ended) = self.decode_until_end(bytes, &mut out)?;
            anyhow::ensure!(ended, "record text without its end");
            texts.push(String::from_utf8(out)?);
            bytes = &bytes[at..];
        }
        Ok(texts)
    }

    /// Decodes `bytes` into `out` up to an [`END_OF_TEXT`] or their end; returns the
    /// position after what was read and whether an end of text was.
    fn decode_until_end(&self, bytes: &[u8], out: &mut Vec<u8>) -> anyhow::Result<(usize, bool)> {
        let word = |code: usize| {
            self.words
                .get(code)
                .ok_or_else(|| anyhow::anyhow!("word code {code} is not in the table"))
        };
        let mut i = 0;
        while let Some(&c) = bytes.get(i) {
            match c {
                0x00..=0x7F => {
                    out.push(c);
                    i += 1;
                }
                0x80..=0xBF => {
                    out.extend_from_slice(word(usize::from(c - 0x80))?);
                    i += 1;
                }
                END_OF_TEXT => return Ok((i + 1, true)),
                0xC2..=0xF4 => {
                    let len = match c {
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        _ => 4,
                    };
                    let Some(ch) = bytes.get(i..i + len) else {
                        anyhow::bail!("truncated text");
                    };
                    out.extend_from_slice(ch);
                    i += len;
                }
                _ => {
                    let lead = LEADS.iter().position(|l| *l == c).unwrap_or(0);
                    let Some(&low) = bytes.get(i + 1) else {
                        anyhow::bail!("truncated word code");
                    };
                    out.extend_from_slice(word(ONE_BYTE + lead * 256 + usize::from(low))?);
                    i += 2;
                }
            }
        }
        Ok((i, false))
    }

    /// The decoded bytes of `search/t.bin` (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.words.len() * 8 + self.dict.len() + 16);
        out.extend_from_slice(MODEL_MAGIC);
        put_varint(&mut out, self.words.len() as u32);
        for w in &self.words {
            // Words are at most MAX_WORD bytes.
            out.push(w.len() as u8);
            out.extend_from_slice(w);
        }
        put_varint(&mut out, self.dict.len() as u32);
        out.extend_from_slice(&self.dict);
        out
    }

    /// `search/t.bin`: [`Self::to_bytes`] as a [`deflate::prefix`].
    pub fn file(&self) -> Vec<u8> {
        deflate::prefix(&self.to_bytes())
    }

    /// Reads the bytes [`Self::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<TextModel> {
        anyhow::ensure!(bytes.starts_with(MODEL_MAGIC), "not a castbook text model");
        let mut pos = MODEL_MAGIC.len();
        let n = get_varint(bytes, &mut pos)? as usize;
        anyhow::ensure!(n <= MAX_WORDS, "too many words");
        let mut words = Vec::with_capacity(n);
        for _ in 0..n {
            let len = usize::from(*bytes.get(pos).unwrap_or(&0));
            let Some(w) = bytes.get(pos + 1..pos + 1 + len) else {
                anyhow::bail!("truncated word table");
            };
            words.push(w.into());
            pos += 1 + len;
        }
        let len = get_varint(bytes, &mut pos)? as usize;
        let Some(dict) = bytes.get(pos..pos + len) else {
            anyhow::bail!("truncated dictionary");
        };
        let mut model = TextModel::with_words(words);
        model.dict = dict.to_vec();
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<&'static str> {
        let lines = [
            "The engineering manager said the promotion was hard.",
            "Café culture, naïvely: the manager’s team shipped it. 東京 😀",
            "I think the promotion process is hard for every engineering team.",
        ];
        lines.iter().cycle().take(30).copied().collect()
    }

    #[test]
    fn frequent_words_get_codes_and_every_text_round_trips() {
        let model = TextModel::from_sample(&sample());
        assert!(model.words() > 5, "{}", model.words());
        assert!(model.codes.contains_key(&pack(b"the")));
        assert!(model.codes.contains_key(&pack(b"engineering")));
        // Single letters never get a code; words below MIN_COUNT neither.
        assert!(!model.codes.contains_key(&pack(b"I")));
        for text in sample().into_iter().chain([
            "",
            "the",
            "thethe the",
            "naïve engineering\u{0}manager \u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}",
            "Engineering THE teamteam",
        ]) {
            let mut enc = Vec::new();
            model.encode(text, &mut enc);
            assert_eq!(model.decode(&enc).unwrap(), text);
        }
        let mut enc = Vec::new();
        model.encode("the engineering manager", &mut enc);
        assert!(enc.len() < 8, "{enc:?}");
    }

    #[test]
    fn the_model_file_round_trips_and_is_deterministic() {
        let a = TextModel::from_sample(&sample());
        let b = TextModel::from_sample(&sample());
        assert_eq!(a.to_bytes(), b.to_bytes());
        assert!(!a.dict.is_empty());
        let mut file = a.file();
        file.extend_from_slice(&deflate::END);
        let back = TextModel::from_bytes(&deflate::inflate(&file, 1 << 20).unwrap()).unwrap();
        assert_eq!(back.words, a.words);
        assert_eq!(back.dict, a.dict);
        assert!(TextModel::from_bytes(b"CBT1\x05").is_err());
        assert!(TextModel::from_bytes(b"nope").is_err());
    }

    #[test]
    fn two_byte_codes_cover_a_large_table() {
        // Every code: distinct words spelled from the code number in base 26.
        let words: Vec<Box<[u8]>> = (0..MAX_WORDS)
            .map(|mut i| {
                let mut w = vec![b'w'];
                loop {
                    w.push(b'a' + (i % 26) as u8);
                    i /= 26;
                    if i == 0 {
                        break;
                    }
                }
                w.into()
            })
            .collect();
        let model = TextModel::with_words(words.clone());
        let text: Vec<String> = words
            .iter()
            .map(|w| String::from_utf8(w.to_vec()).unwrap())
            .collect();
        let text = text.join(" ");
        let mut enc = Vec::new();
        model.encode(&text, &mut enc);
        assert_eq!(model.decode(&enc).unwrap(), text);
        assert!(model.decode(&[0xFF]).is_err());
        assert!(model.decode(&[0xE2, 0x80]).is_err());
        assert!(model.decode(&[b'a', END_OF_TEXT]).is_err());
        // Records: each text ends with END_OF_TEXT, even where a code's second byte is
        // that same byte value.
        let mut records = Vec::new();
        let high = String::from_utf8(words[ONE_BYTE + 0xC0].to_vec()).unwrap();
        for t in ["", high.as_str(), "x é", &text] {
            model.encode(t, &mut records);
            records.push(END_OF_TEXT);
        }
        let back = model.decode_records(&records).unwrap();
        assert_eq!(back, ["", high.as_str(), "x é", &text]);
        assert!(model.decode_records(&records[..records.len() - 1]).is_err());
    }
}
