//! `transcript.json`: Podcasting 2.0 JSON transcript, version 1.0.0.
//!
//! Per the namespace's `transcripts.md`: `version` and `segments`, each segment with
//! `speaker`, `startTime`, `endTime` (seconds, float) and `body`. One segment per
//! turn (sentence-level fidelity, not word-level); `body` is the turn's plain text,
//! its paragraphs separated by `\n`.
//!
//! Written by hand rather than through serde: this is the biggest export, and
//! most strings need no escaping, which one vectorised scan proves before a plain
//! copy. Times are written from integer milliseconds as exact decimals (`59.0`,
//! `75.333`), so no float rounding can show.

use super::wrap::split_lines;
use super::{Segment, push_uint};

/// The `transcript.json` of an episode's segments (UTF-8, no whitespace).
pub(super) fn render(segments: &[Segment<'_>]) -> Vec<u8> {
    let bytes: usize = segments
        .iter()
        .map(|s| s.text.len() + s.speaker.len() + 64)
        .sum();
    let mut out = Vec::with_capacity(bytes + 40);
    out.extend_from_slice(br#"{"version":"1.0.0","segments":["#);
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(br#"{"speaker":"#);
        push_string(&mut out, &s.speaker);
        out.extend_from_slice(br#","startTime":"#);
        push_seconds(&mut out, s.span.start);
        out.extend_from_slice(br#","endTime":"#);
        push_seconds(&mut out, s.span.end);
        out.extend_from_slice(br#","body":"#);
        push_string(&mut out, &s.text);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

/// Appends `ms` milliseconds as seconds with at least one decimal: `59.0`, `75.3`,
/// `75.333`.
fn push_seconds(out: &mut Vec<u8>, ms: u64) {
    push_uint(out, ms / 1000);
    out.push(b'.');
    let frac = ms % 1000;
    let digits = [frac / 100, frac / 10 % 10, frac % 10];
    let keep = if frac.is_multiple_of(100) {
        1
    } else if frac.is_multiple_of(10) {
        2
    } else {
        3
    };
    out.extend(digits[..keep].iter().map(|&d| b'0' + d as u8));
}

/// Appends `s` as a JSON string (RFC 8259): quotes, `\"`, `\\`, and the control
/// characters escaped; everything else, all of Unicode included, as it is.
fn push_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // Paragraph breaks are the one escape most bodies need: cut there (memchr),
    // then copy each piece whole unless it needs escaping too.
    for (i, piece) in split_lines(s).enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\\n");
        }
        if needs_escape(piece.as_bytes()) {
            push_escaped(out, piece.as_bytes());
        } else {
            out.extend_from_slice(piece.as_bytes());
        }
    }
    out.push(b'"');
}

/// Appends `b` with `"`, `\\` and control characters escaped.
fn push_escaped(out: &mut Vec<u8>, b: &[u8]) {
    for &x in b {
        match x {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            x if x < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(x >> 4)]);
                out.push(HEX[usize::from(x & 0xF)]);
            }
            x => out.push(x),
        }
    }
}

/// True when `b` holds a byte a JSON string must escape. A branch-free loop with a
/// byte accumulator, which the compiler vectorises.
fn needs_escape(b: &[u8]) -> bool {
    let mut acc = 0u8;
    for &x in b {
        acc |= u8::from(x < 0x20) | u8::from(x == b'"') | u8::from(x == b'\\');
    }
    acc != 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn strings_round_trip_through_a_json_parser() {
        for s in [
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "lines\nand\ttabs\r\u{1}\u{1f}\u{7f}",
            "Unicode piñata 👍 \u{2028}",
            "</script>",
        ] {
            let mut out = Vec::new();
            push_string(&mut out, s);
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn seconds_are_exact_decimals() {
        let cases = [
            (0, "0.0"),
            (59_000, "59.0"),
            (75_300, "75.3"),
            (75_330, "75.33"),
            (75_333, "75.333"),
            (1_005, "1.005"),
            (3_723_050, "3723.05"),
        ];
        for (ms, want) in cases {
            let mut out = Vec::new();
            push_seconds(&mut out, ms);
            assert_eq!(String::from_utf8(out).unwrap(), want);
            let parsed: f64 = want.parse().unwrap();
            assert_eq!(parsed, ms as f64 / 1000.0);
        }
    }
}
