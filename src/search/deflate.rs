//! Raw DEFLATE (RFC 1951, no header or checksum), the one format every browser's
//! `DecompressionStream("deflate-raw")` reads, through `flate2` on the `zlib-rs`
//! backend (the only backend with preset dictionaries).
//!
//! A browser cannot be handed a preset dictionary, so one is emulated: the dictionary
//! is written once as a *prefix*, a stream that decodes to it and stops at a byte
//! boundary without ending ([`prefix`]); each record chunk is compressed as if that
//! dictionary preceded it ([`compress`] with a dictionary). The prefix followed by a
//! chunk is one valid stream: its output is the dictionary, then the chunk.

use anyhow::{Context as _, bail};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The five bytes of an empty final stored block: appended to a [`prefix`] to end
/// the stream when only the prefix's own output is wanted.
pub const END: [u8; 5] = [0x01, 0x00, 0x00, 0xFF, 0xFF];

/// A reusable compressor (its tables are allocated once per thread, not per file).
pub struct Deflater {
    z: Compress,
    level: u32,
}

impl Deflater {
    /// A raw-DEFLATE compressor at `level` (1–9).
    pub fn new(level: u32) -> Self {
        Deflater {
            z: Compress::new(Compression::new(level), false),
            level,
        }
    }

    /// `input` as a complete raw-DEFLATE stream; with `dict`, as if `dict` had been
    /// decoded just before it (at most its last 32 KiB count).
    pub fn compress(&mut self, input: &[u8], dict: &[u8]) -> Vec<u8> {
        self.z.reset();
        if !dict.is_empty() {
            // Only fails on a stream in the wrong state; `reset` just put it right.
            if self.z.set_dictionary(dict).is_err() {
                self.z = Compress::new(Compression::new(self.level), false);
            }
        }
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        run(&mut self.z, input, &mut out, FlushCompress::Finish);
        out
    }
}

/// Feeds all of `input` and flushes with `flush`, growing `out` as needed.
fn run(z: &mut Compress, input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let start = z.total_in();
    loop {
        let done = (z.total_in() - start) as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1024));
        }
        let status = z.compress_vec(&input[done..], out, flush);
        let consumed = (z.total_in() - start) as usize == input.len();
        match status {
            Ok(Status::StreamEnd) => return,
            // A sync flush is complete once the input is used up and output room is left.
            Ok(_) if consumed && flush != FlushCompress::Finish && out.len() < out.capacity() => {
                return;
            }
            Ok(_) => {}
            // Compressing into a Vec cannot fail but for a bug in the backend: the
            // output so far stays, and the client reports the bad stream.
            Err(_) => return,
        }
    }
}

/// `dict` as a stream that decodes to it and ends at a byte boundary without a final
/// block: a prefix for the chunks compressed with `dict` (see the module docs).
pub fn prefix(dict: &[u8]) -> Vec<u8> {
    let mut z = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(dict.len() / 2 + 64);
    run(&mut z, dict, &mut out, FlushCompress::Sync);
    out
}

/// Decodes a raw-DEFLATE stream (a [`prefix`] and a chunk, concatenated, or one
/// standalone stream); at most `limit` bytes of output.
pub fn inflate(input: &[u8], limit: usize) -> anyhow::Result<Vec<u8>> {
    let mut z = Decompress::new(false);
    let mut out = Vec::with_capacity(input.len() * 4 + 1024);
    loop {
        let before = (z.total_in(), z.total_out());
        let at = z.total_in() as usize;
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity());
        }
        let status = z
            .decompress_vec(&input[at..], &mut out, FlushDecompress::None)
            .context("corrupt compressed index file")?;
        if status == Status::StreamEnd {
            return Ok(out);
        }
        if out.len() > limit {
            bail!("compressed index file decodes to more than {limit} bytes");
        }
        if (z.total_in(), z.total_out()) == before && z.total_in() as usize == input.len() {
            bail!("truncated compressed index file");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_and_a_chunk_decode_to_the_dictionary_then_the_chunk() {
        let dict = b"the engineering manager said the promotion was hard to get".repeat(20);
        let chunk = b"a manager said the promotion came late; the engineering team agreed".to_vec();
        let p = prefix(&dict);
        let mut d = Deflater::new(4);
        let with = d.compress(&chunk, &dict);
        let without = d.compress(&chunk, &[]);
        assert!(
            with.len() < without.len(),
            "{} vs {}",
            with.len(),
            without.len()
        );
        let mut stream = p.clone();
        stream.extend_from_slice(&with);
        let out = inflate(&stream, 1 << 20).unwrap();
        assert_eq!(&out[..dict.len()], &dict[..]);
        assert_eq!(&out[dict.len()..], &chunk[..]);
        // Alone, a chunk compressed without a dictionary is a stream of its own.
        assert_eq!(inflate(&without, 1 << 20).unwrap(), chunk);
        // The prefix ended by an empty final block is the dictionary.
        let mut ended = p;
        ended.extend_from_slice(&END);
        assert_eq!(inflate(&ended, 1 << 20).unwrap(), dict);
    }

    #[test]
    fn bad_streams_are_errors() {
        let big = vec![b'x'; 100_000];
        let z = Deflater::new(6).compress(&big, &[]);
        assert!(inflate(&z[..z.len() / 2], 1 << 20).is_err());
        assert!(inflate(&z, 1000).is_err());
        assert!(inflate(&[0xFF, 0xFF, 0xFF], 1 << 20).is_err());
        assert_eq!(inflate(&z, 1 << 20).unwrap(), big);
    }
}
