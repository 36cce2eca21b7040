//! Caption text markup: what WebVTT and SubRip put around the words.
//!
//! WebVTT (W3C): tags `<c>`, `<i>`, `<b>`, `<u>`, `<ruby>`, `<rt>`, `<lang xx>`, voice
//! spans `<v Name>` (`<v.class Name>`), inline timestamps `<00:00:01.310>` (YouTube's
//! word timings); character references `&amp;`, `&lt;`, `&gt;`, `&nbsp;`, `&lrm;`,
//! `&rlm;`, `&quot;`, `&apos;` and numeric ones. SubRip: HTML-like `<i>`, `<b>`,
//! `<u>`, `<font …>` and ASS override blocks `{\an8}`. Tags are dropped, voice names
//! kept for the speaker; a `<` with no `>` after it on the line is text.

/// A voice span found in a line: where its text starts in the cleaned text, the
/// name, and the tag's column in the line (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Voice {
    /// Byte offset in the cleaned text where the voice's words start.
    pub(super) at: usize,
    /// The voice's name, whitespace normalised (may be empty: `<v>`).
    pub(super) name: String,
    /// Column of the `<v` in the source line.
    pub(super) col: u32,
}

/// What one cleaned line held besides its words.
#[derive(Debug, Default)]
pub(super) struct Marks {
    /// Voice spans, in order.
    pub(super) voices: Vec<Voice>,
    /// It had inline timestamps (`<00:00:01.310>`), the mark of YouTube's captions.
    pub(super) timed: bool,
}

/// Appends `line` without markup to `out` (WebVTT rules when `vtt`, else SubRip's).
pub(super) fn clean(line: &str, vtt: bool, out: &mut String, marks: &mut Marks) {
    if memchr::memchr3(b'<', b'&', b'{', line.as_bytes()).is_none() {
        out.push_str(line);
        return;
    }
    let mut rest = line;
    while let Some(i) = rest.find(['<', '&', '{']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let consumed = match tail.as_bytes()[0] {
            b'<' => tag(line, tail, vtt, out.len(), marks),
            b'&' if vtt => reference(tail, out),
            b'{' if !vtt => tail
                .strip_prefix("{\\")
                .and_then(|t| t.find('}'))
                .map(|j| j + 3),
            _ => None,
        };
        match consumed {
            Some(n) => rest = &tail[n..],
            None => {
                out.push(tail.as_bytes()[0] as char);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Handles the tag at the start of `tail`; returns its length, `None` when it is text.
fn tag(line: &str, tail: &str, vtt: bool, out_len: usize, marks: &mut Marks) -> Option<usize> {
    let end = tail.find('>')?;
    let inner = &tail[1..end];
    if inner.starts_with(|c: char| c.is_ascii_digit()) {
        marks.timed = true;
    } else if vtt
        && (inner == "v"
            || inner.starts_with("v ")
            || inner.starts_with("v.")
            || inner.starts_with("v\t"))
    {
        // `<v.loud Esme Wagner>`: classes, then whitespace, then the name.
        let name = inner[1..]
            .split_once([' ', '\t'])
            .map_or("", |(_, n)| n)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let offset = line.len() - tail.len();
        let col = line[..offset].chars().count() + 1;
        marks.voices.push(Voice {
            at: out_len,
            name: decode_all(&name),
            col: crate::diag::to_u32(col),
        });
    } else if !vtt && !is_srt_tag(inner) {
        return None;
    }
    Some(end + 1)
}

/// The tags SubRip files use; anything else in `<…>` is text (`<inaudible>`).
fn is_srt_tag(inner: &str) -> bool {
    let name = inner.trim_start_matches('/');
    let name = name.split([' ', '\t']).next().unwrap_or("");
    ["i", "b", "u", "s", "font"]
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
}

/// Decodes the character reference at the start of `tail`; its length, or `None`.
fn reference(tail: &str, out: &mut String) -> Option<usize> {
    let semi = tail.get(..tail.len().min(12))?.find(';')?;
    let name = &tail[1..semi];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "lrm" | "rlm" => None,
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
            Some(char::from_u32(code)?)
        }
    };
    if let Some(c) = c {
        out.push(c);
    }
    Some(semi + 1)
}

/// `s` with its character references decoded (for voice names).
fn decode_all(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut marks = Marks::default();
    clean(s, true, &mut out, &mut marks);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vtt(line: &str) -> (String, Marks) {
        let mut out = String::new();
        let mut marks = Marks::default();
        clean(line, true, &mut out, &mut marks);
        (out, marks)
    }

    #[test]
    fn vtt_markup_is_dropped_and_voices_kept() {
        let (text, marks) =
            vtt("<v.loud Esme  Wagner>It&apos;s <i>fine</i> &amp; <c.yellow>good</c>&lrm;");
        assert_eq!(text, "It's fine & good");
        assert_eq!(
            marks.voices,
            [Voice {
                at: 0,
                name: "Esme Wagner".into(),
                col: 1
            }]
        );
        let (text, marks) = vtt("so<00:00:00.539><c> today</c><00:00:00.780><c> we're</c>");
        assert_eq!(text, "so today we're");
        assert!(marks.timed);
        let (text, marks) = vtt("<v Bob>Hi</v> <v Alice>Hello 5 < 6 &unknown; &#233;");
        assert_eq!(text, "Hi Hello 5 < 6 &unknown; é");
        assert_eq!(marks.voices.len(), 2);
        assert_eq!(marks.voices[1].at, 3);
        assert_eq!(marks.voices[1].col, 15);
    }

    #[test]
    fn srt_markup_is_dropped_but_other_angles_stay() {
        let mut out = String::new();
        let mut marks = Marks::default();
        clean(
            "{\\an8}<i>Hello</i> <font color=\"red\">there</font> <inaudible> &amp;",
            false,
            &mut out,
            &mut marks,
        );
        assert_eq!(out, "Hello there <inaudible> &amp;");
    }
}
