//! The binary forms of the index: varints, postings lists and term shards.
//!
//! A posting is one record (doc id) holding a term, with how often it holds it (tf,
//! capped at 255). In memory a posting is packed in a `u32` as `doc << 8 | tf`.
//! On disk a postings list takes the smallest of three forms:
//! - `LIST`: per posting `varint(gap << 1 | (tf > 1))`, then `varint(tf - 2)` when the
//!   flag is set; `gap` is the distance from the previous doc minus one (first: the doc);
//! - `RUNS`: per run of consecutive docs `varint(start - previous run's end)`,
//!   `varint(length - 1)`; tf is 1 (filters: a podcast's turns are a few long runs);
//! - `BITMAP`: `varint(first byte)`, then one bit per doc from that byte on (least
//!   significant bit first) to the last doc; tf is 1 (words in most turns: `the`).
//!
//! A shard file (`search/i/<n>.bin`) holds a sorted run of terms with their postings:
//! ```text
//! "CBI1"  varint n_lists  n_lists × (varint df, u8 form, varint n_bytes, bytes)
//!         varint n_terms  n_terms × (varint shared_prefix, varint n_suffix, suffix, varint list)
//! ```
//! Terms are front-coded on their UTF-8 bytes. Several terms may share one list:
//! the surface forms of one stem (`promoted`, `promotion`) point at the stem's list,
//! so the client needs no stemmer of its own.

use anyhow::{bail, ensure};

/// Shard file magic and format version.
pub const SHARD_MAGIC: &[u8; 4] = b"CBI1";
/// Postings form: gap/tf varints.
pub const LIST: u8 = 0;
/// Postings form: runs of consecutive docs.
pub const RUNS: u8 = 1;
/// Postings form: a bitmap.
pub const BITMAP: u8 = 2;
/// Largest term frequency kept in a posting.
pub const MAX_TF: u32 = 255;

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

/// Encodes sorted, distinct postings in their smallest form: `(form, bytes)`.
pub fn encode_postings(postings: &[u32]) -> (u8, Vec<u8>) {
    let list = encode_list(postings);
    let (runs, bitmap) = (encode_runs(postings), encode_bitmap(postings));
    // RUNS and BITMAP drop tf, which ranks rare words; take them only when every tf
    // is 1 or when they save at least half (dense, low-weight words).
    let flat = postings.iter().all(|p| tf_of(*p) <= 1);
    let (form, best) = if runs.len() <= bitmap.len() {
        (RUNS, runs)
    } else {
        (BITMAP, bitmap)
    };
    if best.len() < list.len() && (flat || best.len() * 2 <= list.len()) {
        (form, best)
    } else {
        (LIST, list)
    }
}

fn encode_list(postings: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut next = 0u32;
    for p in postings {
        let (doc, tf) = (doc_of(*p), tf_of(*p).max(1));
        let gap = doc.wrapping_sub(next);
        put_varint(&mut out, gap << 1 | u32::from(tf > 1));
        if tf > 1 {
            put_varint(&mut out, tf - 2);
        }
        next = doc + 1;
    }
    out
}

fn encode_runs(postings: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut end = 0u32; // end (exclusive) of the previous run
    let mut i = 0;
    while i < postings.len() {
        let start = doc_of(postings[i]);
        let mut len = 1;
        while i + len < postings.len() && doc_of(postings[i + len]) == start + len as u32 {
            len += 1;
        }
        put_varint(&mut out, start - end);
        put_varint(&mut out, len as u32 - 1);
        end = start + len as u32;
        i += len;
    }
    out
}

fn encode_bitmap(postings: &[u32]) -> Vec<u8> {
    let (Some(first), Some(last)) = (postings.first(), postings.last()) else {
        return Vec::new();
    };
    let first_byte = doc_of(*first) / 8;
    let mut out = Vec::new();
    put_varint(&mut out, first_byte);
    let header = out.len();
    out.resize(header + (doc_of(*last) / 8 - first_byte) as usize + 1, 0);
    for p in postings {
        let d = doc_of(*p);
        out[header + (d / 8 - first_byte) as usize] |= 1 << (d % 8);
    }
    out
}

/// Decodes postings written by [`encode_postings`] back to packed postings.
pub fn decode_postings(form: u8, bytes: &[u8]) -> anyhow::Result<Vec<u32>> {
    let mut out = Vec::new();
    let mut pos = 0;
    match form {
        LIST => {
            let mut next = 0u32;
            while pos < bytes.len() {
                let v = get_varint(bytes, &mut pos)?;
                let tf = if v & 1 == 1 {
                    get_varint(bytes, &mut pos)? + 2
                } else {
                    1
                };
                let doc = next.wrapping_add(v >> 1);
                out.push(posting(doc, tf));
                next = doc + 1;
            }
        }
        RUNS => {
            let mut end = 0u32;
            while pos < bytes.len() {
                let start = end + get_varint(bytes, &mut pos)?;
                let len = get_varint(bytes, &mut pos)? + 1;
                out.extend((start..start + len).map(|d| posting(d, 1)));
                end = start + len;
            }
        }
        BITMAP => {
            if bytes.is_empty() {
                return Ok(out);
            }
            let first = get_varint(bytes, &mut pos)?;
            for (i, b) in bytes[pos..].iter().enumerate() {
                for bit in 0..8 {
                    if b & (1 << bit) != 0 {
                        out.push(posting((first + i as u32) * 8 + bit, 1));
                    }
                }
            }
        }
        _ => bail!("unknown postings form {form}"),
    }
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

/// Writes a shard: `terms` (sorted, each with an index into `lists`) and the lists.
pub fn write_shard(terms: &[(&str, u32)], lists: &[&EncodedList]) -> Vec<u8> {
    let size = lists.iter().map(|l| l.size()).sum::<usize>() + terms.len() * 8;
    let mut out = Vec::with_capacity(size + 16);
    out.extend_from_slice(SHARD_MAGIC);
    put_varint(&mut out, lists.len() as u32);
    for l in lists {
        put_varint(&mut out, l.df);
        out.push(l.form);
        put_varint(&mut out, l.bytes.len() as u32);
        out.extend_from_slice(&l.bytes);
    }
    put_varint(&mut out, terms.len() as u32);
    let mut prev: &[u8] = &[];
    for (term, list) in terms {
        let t = term.as_bytes();
        let shared = prev.iter().zip(t).take_while(|(a, b)| a == b).count();
        put_varint(&mut out, shared as u32);
        put_varint(&mut out, (t.len() - shared) as u32);
        out.extend_from_slice(&t[shared..]);
        put_varint(&mut out, *list);
        prev = t;
    }
    out
}

/// A shard read back: terms in order, each with its list.
#[derive(Debug, Clone, Default)]
pub struct Shard {
    /// `(term, index into lists)`, sorted by term.
    pub terms: Vec<(String, u32)>,
    /// The postings lists.
    pub lists: Vec<EncodedList>,
}

/// Parses a shard file.
pub fn read_shard(bytes: &[u8]) -> anyhow::Result<Shard> {
    ensure!(bytes.starts_with(SHARD_MAGIC), "not a castbook index shard");
    let mut pos = SHARD_MAGIC.len();
    let n_lists = get_varint(bytes, &mut pos)?;
    let mut lists = Vec::new();
    for _ in 0..n_lists {
        let df = get_varint(bytes, &mut pos)?;
        let Some(&form) = bytes.get(pos) else {
            bail!("truncated shard");
        };
        pos += 1;
        let len = get_varint(bytes, &mut pos)? as usize;
        let Some(body) = bytes.get(pos..pos + len) else {
            bail!("truncated shard");
        };
        pos += len;
        lists.push(EncodedList {
            df,
            form,
            bytes: body.to_vec(),
        });
    }
    let n_terms = get_varint(bytes, &mut pos)?;
    let mut terms = Vec::new();
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..n_terms {
        let shared = get_varint(bytes, &mut pos)? as usize;
        let len = get_varint(bytes, &mut pos)? as usize;
        let (Some(head), Some(tail)) = (prev.get(..shared), bytes.get(pos..pos + len)) else {
            bail!("truncated shard");
        };
        let mut t = head.to_vec();
        t.extend_from_slice(tail);
        pos += len;
        let list = get_varint(bytes, &mut pos)?;
        ensure!((list as usize) < lists.len(), "term points past the lists");
        terms.push((String::from_utf8(t.clone())?, list));
        prev = t;
    }
    Ok(Shard { terms, lists })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(postings: &[u32]) -> u8 {
        let (form, bytes) = encode_postings(postings);
        assert_eq!(decode_postings(form, &bytes).unwrap(), postings);
        form
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
        // One long run (a podcast's turns): runs.
        let run: Vec<u32> = (1000..30_000).map(|d| posting(d, 1)).collect();
        assert_eq!(round_trip(&run), RUNS);
        // Every other doc: a bitmap.
        let dense: Vec<u32> = (0..20_000).step_by(2).map(|d| posting(d, 1)).collect();
        assert_eq!(round_trip(&dense), BITMAP);
        assert_eq!(round_trip(&[posting(0, 1)]), LIST);
    }

    #[test]
    fn shards_round_trip() {
        let a = EncodedList {
            df: 2,
            form: LIST,
            bytes: encode_postings(&[posting(1, 1), posting(5, 3)]).1,
        };
        let b = EncodedList {
            df: 1,
            form: LIST,
            bytes: encode_postings(&[posting(9, 1)]).1,
        };
        let bytes = write_shard(&[("promote", 0), ("promoted", 0), ("prompt", 1)], &[&a, &b]);
        let shard = read_shard(&bytes).unwrap();
        let names: Vec<&str> = shard.terms.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["promote", "promoted", "prompt"]);
        assert_eq!(shard.terms[1].1, 0);
        assert_eq!(shard.lists[1].df, 1);
        assert!(read_shard(&bytes[..bytes.len() - 2]).is_err());
        assert!(read_shard(b"nope").is_err());
    }
}
