//! The binary forms of the index: varints, postings lists and term shards.
//!
//! A posting is one record (doc id) holding a term, with how often it holds it (tf,
//! capped at 255). In memory a posting is packed in a `u32` as `doc << 8 | tf`.
//! On disk a postings list is its docs in the smallest of three forms, then the tf
//! section:
//! - `LIST`: per posting `varint(gap)`, the distance from the previous doc minus one
//!   (first: the doc);
//! - `RUNS`: `varint(n_runs)`, per run of consecutive docs `varint(start - previous
//!   run's end)`, `varint(length - 1)` (a podcast's or a chapter title word's turns
//!   are a few long runs);
//! - `BITMAP`: `varint(first byte)`, `varint(n_bytes)`, one bit per doc from that
//!   byte on (least significant bit first) (`the`: most turns).
//!
//! The tf section: `varint(k)`, the number of postings whose tf is above 1; when
//! `k > 0`, one flag bit per posting (least significant first, marking those), then
//! `varint(tf - 2)` for each flagged posting in order. Split so, DEFLATE codes the
//! flags, the gaps and the counts each with their own statistics. Words in more than
//! [`TF_DOCS_DIVISOR`]th of the records keep no tf: their weight is low, most of their
//! tfs would be above 1 (for `the`, 6× the bytes of its bitmap), and those tfs mostly
//! measure a turn's length, which the scores leave out on purpose.
//!
//! A shard file (`search/i/<n>.bin`) holds a sorted run of terms, each with its own
//! postings and the number of its stem group within the shard:
//! ```text
//! "CBI3"  varint n_terms
//!         n_terms × (varint shared_prefix, varint n_suffix, suffix, varint group,
//!                    varint df, u8 form, varint n_bytes, bytes)
//! ```
//! Terms are front-coded on their UTF-8 bytes. Forms of one stem (`promoted`,
//! `promotion`) have the same group, so the client finds every form of a word in
//! the word's own shard and needs no stemmer for words the index holds; keeping
//! each form's own postings lets an exact form rank above the others.

use anyhow::{bail, ensure};

/// Shard file magic and format version.
pub const SHARD_MAGIC: &[u8; 4] = b"CBI3";
/// Postings form: gap/tf varints.
pub const LIST: u8 = 0;
/// Postings form: runs of consecutive docs.
pub const RUNS: u8 = 1;
/// Postings form: a bitmap.
pub const BITMAP: u8 = 2;
/// Largest term frequency kept in a posting.
pub const MAX_TF: u32 = 255;
/// Terms in more than `1 / TF_DOCS_DIVISOR` of the records are written without tf.
pub const TF_DOCS_DIVISOR: u32 = 8;

/// Packs a posting.
pub fn posting(doc: u32, tf: u32) -> u32 {
    doc << 8 | tf.min(MAX_TF)
}

/// The doc of a packed posting.
pub fn doc_of(p: u32) -> u32 {
    p >> 8
}

/// The tf of a packed posting.
pub fn tf_of(p: u32) -> u32 {
    p & 0xFF
}

/// Appends `v` as a LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads the varint at `*pos`, advancing it.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> anyhow::Result<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let Some(&b) = bytes.get(*pos) else {
            bail!("truncated varint at byte {pos}");
        };
        *pos += 1;
        v |= u32::from(b & 0x7F).checked_shl(shift).unwrap_or(0);
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    bail!("overlong varint before byte {pos}")
}

/// Encodes sorted, distinct postings: the docs in their smallest form, then the tf
/// section. With `keep_tf` false every tf is taken as 1 (see the module docs).
pub fn encode_postings(postings: &[u32], keep_tf: bool) -> (u8, Vec<u8>) {
    let (form, mut out) = encode_docs(postings);
    if keep_tf {
        put_tf_section(&mut out, postings);
    } else {
        out.push(0);
    }
    (form, out)
}

fn encode_docs(postings: &[u32]) -> (u8, Vec<u8>) {
    // Short lists are LISTs whatever the sizes say: not worth sizing the others.
    if postings.len() < 8 {
        return (LIST, encode_list(postings));
    }
    let Sizes { list, runs, bitmap } = sizes(postings);
    if runs.min(bitmap) >= list {
        (LIST, encode_list(postings))
    } else if runs <= bitmap {
        (RUNS, encode_runs(postings))
    } else {
        (BITMAP, encode_bitmap(postings))
    }
}

/// Bytes of a varint by the number of leading zero bits of its value (one lookup: a
/// division per posting showed in the profile).
const VARINT_LEN: [u8; 33] = {
    let mut t = [1u8; 33];
    let mut zeros = 0;
    while zeros < 32 {
        t[zeros] = (32 - zeros).div_ceil(7) as u8;
        zeros += 1;
    }
    t
};

#[inline]
fn varint_len(v: u32) -> usize {
    usize::from(VARINT_LEN[v.leading_zeros() as usize])
}

/// Calls `f(start, length)` for every run of consecutive docs.
fn for_runs(postings: &[u32], mut f: impl FnMut(u32, u32)) {
    let mut i = 0;
    while i < postings.len() {
        let start = doc_of(postings[i]);
        let mut len = 1;
        while i + len < postings.len() && doc_of(postings[i + len]) == start + len as u32 {
            len += 1;
        }
        f(start, len as u32);
        i += len;
    }
}

/// The encoded sizes of each form of the docs of a postings list.
#[derive(Debug, PartialEq)]
struct Sizes {
    list: usize,
    runs: usize,
    bitmap: usize,
}

/// [`Sizes`] of `postings`, in one pass and without building any form (the postings
/// of the most frequent words are most of all postings, and were read three times).
fn sizes(postings: &[u32]) -> Sizes {
    let (Some(first), Some(last)) = (postings.first(), postings.last()) else {
        return Sizes {
            list: 0,
            runs: 1,
            bitmap: 2,
        };
    };
    let bytes = doc_of(*last) / 8 - doc_of(*first) / 8 + 1;
    let bitmap = varint_len(doc_of(*first) / 8) + varint_len(bytes) + bytes as usize;
    // LIST: a gap per doc. RUNS: a (start, length) pair per run; `start`, the open
    // run's first doc, is closed when a doc does not follow the one before it.
    let (mut list, mut runs, mut n) = (0, 0, 0);
    let (mut next, mut start, mut end) = (0u32, doc_of(*first), 0u32);
    for p in postings {
        let doc = doc_of(*p);
        list += varint_len(doc.wrapping_sub(next));
        if doc != next && doc != start {
            runs += varint_len(start - end) + varint_len(next - start - 1);
            n += 1;
            end = next;
            start = doc;
        }
        next = doc + 1;
    }
    runs += varint_len(start - end) + varint_len(next - start - 1);
    Sizes {
        list,
        runs: runs + varint_len(n + 1),
        bitmap,
    }
}

/// `varint(k)`, then when `k > 0` the flags (one bit per posting, tf above 1) and
/// `varint(tf - 2)` for each flagged posting.
fn put_tf_section(out: &mut Vec<u8>, postings: &[u32]) {
    let k = postings.iter().filter(|p| tf_of(**p) > 1).count();
    put_varint(out, k as u32);
    if k == 0 {
        return;
    }
    let flags = out.len();
    out.resize(flags + postings.len().div_ceil(8), 0);
    for (i, p) in postings.iter().enumerate() {
        if tf_of(*p) > 1 {
            out[flags + i / 8] |= 1 << (i % 8);
        }
    }
    for p in postings {
        if tf_of(*p) > 1 {
            put_varint(out, tf_of(*p) - 2);
        }
    }
}

fn encode_list(postings: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut next = 0u32;
    for p in postings {
        let doc = doc_of(*p);
        put_varint(&mut out, doc.wrapping_sub(next));
        next = doc + 1;
    }
    out
}

fn encode_runs(postings: &[u32]) -> Vec<u8> {
    let mut n = 0;
    for_runs(postings, |_, _| n += 1);
    let mut out = Vec::new();
    put_varint(&mut out, n);
    let mut end = 0u32; // end (exclusive) of the previous run
    for_runs(postings, |start, len| {
        put_varint(&mut out, start - end);
        put_varint(&mut out, len - 1);
        end = start + len;
    });
    out
}

fn encode_bitmap(postings: &[u32]) -> Vec<u8> {
    let (Some(first), Some(last)) = (postings.first(), postings.last()) else {
        return vec![0, 0];
    };
    let first_byte = doc_of(*first) / 8;
    let n_bytes = doc_of(*last) / 8 - first_byte + 1;
    let mut out = Vec::new();
    put_varint(&mut out, first_byte);
    put_varint(&mut out, n_bytes);
    let header = out.len();
    out.resize(header + n_bytes as usize, 0);
    for p in postings {
        let d = doc_of(*p);
        out[header + (d / 8 - first_byte) as usize] |= 1 << (d % 8);
    }
    out
}

/// Decodes the `df` postings written by [`encode_postings`] back to packed postings.
pub fn decode_postings(form: u8, df: u32, bytes: &[u8]) -> anyhow::Result<Vec<u32>> {
    let mut out = Vec::with_capacity(df as usize);
    let mut pos = 0;
    match form {
        LIST => {
            let mut next = 0u32;
            for _ in 0..df {
                let doc = next.wrapping_add(get_varint(bytes, &mut pos)?);
                out.push(posting(doc, 1));
                next = doc.wrapping_add(1);
            }
        }
        RUNS => {
            let n = get_varint(bytes, &mut pos)?;
            let mut end = 0u32;
            for _ in 0..n {
                let start = end.saturating_add(get_varint(bytes, &mut pos)?);
                let len = get_varint(bytes, &mut pos)?.saturating_add(1);
                ensure!(
                    start.saturating_add(len) <= 1 << 24,
                    "run past the last doc"
                );
                out.extend((start..start + len).map(|d| posting(d, 1)));
                end = start + len;
            }
        }
        BITMAP => {
            let first = get_varint(bytes, &mut pos)?;
            let n = get_varint(bytes, &mut pos)? as usize;
            let Some(bits) = bytes.get(pos..pos + n) else {
                bail!("truncated bitmap");
            };
            pos += n;
            for (i, b) in bits.iter().enumerate() {
                for bit in 0..8 {
                    if b & (1 << bit) != 0 {
                        out.push(posting((first + i as u32) * 8 + bit, 1));
                    }
                }
            }
        }
        _ => bail!("unknown postings form {form}"),
    }
    ensure!(out.len() == df as usize, "{} postings, not {df}", out.len());
    let k = get_varint(bytes, &mut pos)?;
    if k > 0 {
        let Some(flags) = bytes.get(pos..pos + out.len().div_ceil(8)) else {
            bail!("truncated tf flags");
        };
        pos += flags.len();
        let mut seen = 0;
        for (i, p) in out.iter_mut().enumerate() {
            if flags[i / 8] & (1 << (i % 8)) != 0 {
                *p = posting(doc_of(*p), get_varint(bytes, &mut pos)? + 2);
                seen += 1;
            }
        }
        ensure!(seen == k, "{seen} tf flags, not {k}");
    }
    ensure!(pos == bytes.len(), "bytes after the postings");
    Ok(out)
}

/// One encoded postings list, ready to go into a shard.
#[derive(Debug, Clone)]
pub struct EncodedList {
    /// Number of docs in the list.
    pub df: u32,
    /// [`LIST`], [`RUNS`] or [`BITMAP`].
    pub form: u8,
    /// The encoded postings.
    pub bytes: Vec<u8>,
}

impl EncodedList {
    /// Bytes this list takes in a shard.
    pub fn size(&self) -> usize {
        self.bytes.len() + 8
    }
}

/// One term of a shard: its text, its stem group (numbered within the shard) and
/// its postings.
#[derive(Debug, Clone)]
pub struct ShardTerm<T> {
    /// The term.
    pub term: T,
    /// Terms of one shard with the same group share a stem.
    pub group: u32,
    /// Its postings.
    pub list: EncodedList,
}

/// Writes a shard of `terms` (sorted by term).
pub fn write_shard<T: AsRef<str>>(terms: &[ShardTerm<T>]) -> Vec<u8> {
    let size = terms.iter().map(|t| t.list.size() + 8).sum::<usize>();
    let mut out = Vec::with_capacity(size + 16);
    out.extend_from_slice(SHARD_MAGIC);
    put_varint(&mut out, terms.len() as u32);
    let mut prev: &[u8] = &[];
    for t in terms {
        let text = t.term.as_ref().as_bytes();
        let shared = prev.iter().zip(text).take_while(|(a, b)| a == b).count();
        put_varint(&mut out, shared as u32);
        put_varint(&mut out, (text.len() - shared) as u32);
        out.extend_from_slice(&text[shared..]);
        put_varint(&mut out, t.group);
        put_varint(&mut out, t.list.df);
        out.push(t.list.form);
        put_varint(&mut out, t.list.bytes.len() as u32);
        out.extend_from_slice(&t.list.bytes);
        prev = text;
    }
    out
}

/// Parses a shard file.
pub fn read_shard(bytes: &[u8]) -> anyhow::Result<Vec<ShardTerm<String>>> {
    ensure!(bytes.starts_with(SHARD_MAGIC), "not a castbook index shard");
    let mut pos = SHARD_MAGIC.len();
    let n = get_varint(bytes, &mut pos)?;
    let mut terms = Vec::new();
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..n {
        let shared = get_varint(bytes, &mut pos)? as usize;
        let len = get_varint(bytes, &mut pos)? as usize;
        let (Some(head), Some(tail)) = (prev.get(..shared), bytes.get(pos..pos + len)) else {
            bail!("truncated shard");
        };
        let mut text = head.to_vec();
        text.extend_from_slice(tail);
        pos += len;
        let group = get_varint(bytes, &mut pos)?;
        let df = get_varint(bytes, &mut pos)?;
        let Some(&form) = bytes.get(pos) else {
            bail!("truncated shard");
        };
        pos += 1;
        let n_bytes = get_varint(bytes, &mut pos)? as usize;
        let Some(body) = bytes.get(pos..pos + n_bytes) else {
            bail!("truncated shard");
        };
        pos += n_bytes;
        terms.push(ShardTerm {
            term: String::from_utf8(text.clone())?,
            group,
            list: EncodedList {
                df,
                form,
                bytes: body.to_vec(),
            },
        });
        prev = text;
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(postings: &[u32]) -> u8 {
        let (form, bytes) = encode_postings(postings, true);
        let df = postings.len() as u32;
        assert_eq!(decode_postings(form, df, &bytes).unwrap(), postings);
        // Without tf: the same docs, each with tf 1.
        let (form2, bytes) = encode_postings(postings, false);
        assert_eq!(form2, form);
        let docs: Vec<u32> = postings.iter().map(|p| posting(doc_of(*p), 1)).collect();
        assert_eq!(decode_postings(form, df, &bytes).unwrap(), docs);
        assert!(decode_postings(form, df + 1, &bytes).is_err());
        form
    }

    #[test]
    fn sizes_are_computed_exactly() {
        for postings in [
            vec![posting(0, 1)],
            vec![
                posting(300, 1),
                posting(301, 4),
                posting(90_000, 1),
                posting(90_001, 9),
            ],
            (0..5000).step_by(3).map(|d| posting(d, 1)).collect(),
            // Runs from doc 0, single docs between them, a long run last.
            [0, 1, 2, 5, 9, 10, 300, 301, 302, 303]
                .into_iter()
                .chain(20_000..20_300)
                .map(|d| posting(d, 1))
                .collect(),
            (0..3000)
                .filter(|d| (d * 7919) % 13 < 9)
                .map(|d| posting(d, 1))
                .collect(),
        ] {
            let Sizes { list, runs, bitmap } = sizes(&postings);
            assert_eq!(list, encode_list(&postings).len());
            assert_eq!(runs, encode_runs(&postings).len());
            assert_eq!(bitmap, encode_bitmap(&postings).len());
        }
        for v in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            assert_eq!(varint_len(v), buf.len(), "{v}");
        }
    }

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        for v in [0, 1, 127, 128, 300, 1 << 21, u32::MAX] {
            buf.clear();
            put_varint(&mut buf, v);
            let mut pos = 0;
            assert_eq!(get_varint(&buf, &mut pos).unwrap(), v);
            assert_eq!(pos, buf.len());
        }
        assert!(get_varint(&[0x80], &mut 0).is_err());
    }

    #[test]
    fn postings_pick_the_smallest_form() {
        // Sparse with tf: a list.
        assert_eq!(
            round_trip(&[posting(3, 1), posting(900, 7), posting(70_000, 255)]),
            LIST
        );
        // One long run (a podcast's turns), some with tf: runs, tf kept.
        let mut run: Vec<u32> = (1000..30_000).map(|d| posting(d, 1)).collect();
        run[0] = posting(1000, 3);
        run[7] = posting(1007, 2);
        run[29_000 - 1] = posting(29_999, 200);
        assert_eq!(round_trip(&run), RUNS);
        // Every other doc: a bitmap, tf kept.
        let mut dense: Vec<u32> = (0..20_000).step_by(2).map(|d| posting(d, 1)).collect();
        dense[5] = posting(10, 9);
        assert_eq!(round_trip(&dense), BITMAP);
        assert_eq!(round_trip(&[posting(0, 1)]), LIST);
        assert_eq!(round_trip(&[]), LIST);
    }

    #[test]
    fn shards_round_trip() {
        let list = |p: &[u32]| {
            let (form, bytes) = encode_postings(p, true);
            EncodedList {
                df: p.len() as u32,
                form,
                bytes,
            }
        };
        let terms = [
            ShardTerm {
                term: "promote",
                group: 0,
                list: list(&[posting(1, 1), posting(5, 3)]),
            },
            ShardTerm {
                term: "promoted",
                group: 0,
                list: list(&[posting(9, 1)]),
            },
            ShardTerm {
                term: "prompt",
                group: 1,
                list: list(&[posting(2, 1)]),
            },
        ];
        let bytes = write_shard(&terms);
        let back = read_shard(&bytes).unwrap();
        let names: Vec<&str> = back.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(names, ["promote", "promoted", "prompt"]);
        assert_eq!(back[1].group, 0);
        assert_eq!(back[2].group, 1);
        assert_eq!(back[0].list.df, 2);
        assert_eq!(
            decode_postings(back[0].list.form, 2, &back[0].list.bytes).unwrap(),
            [posting(1, 1), posting(5, 3)]
        );
        assert!(read_shard(&bytes[..bytes.len() - 2]).is_err());
        assert!(read_shard(b"nope").is_err());
    }
}
