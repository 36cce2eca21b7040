//! otter.ai's text export: a speaker line `Full Name  M:SS` (two spaces before the
//! time; `H:MM:SS` past an hour), the paragraph, a blank line.
//!
//! - The label follows the rules of castbook's turn lines (starts with a letter or
//!   digit, at most 6 words and 60 characters, no colon); the time is `M:SS`,
//!   `MM:SS` or `H:MM:SS`, alone at the end of the line.
//! - Each text line of a turn is a paragraph. otter's closing line
//!   `Transcribed by https://otter.ai` is dropped; other text before the first
//!   speaker line is ignored with a warning.
//! - otter gives whole seconds and no end times: the exports estimate spans as for
//!   castbook's own format.

use super::{Cue, Cues, Where};
use crate::diag::{Diagnostic, to_u32};
use crate::transcript::{Line, lines, span_chars};

/// A speaker line: the label and the start in seconds.
fn head(line: &str) -> Option<(&str, u64)> {
    let line = line.trim_end();
    // Cheap rejections first: most lines are paragraphs, not speaker lines.
    if !line.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let gap = memchr::memmem::find(line.as_bytes(), b"  ")?;
    let label = &line[..gap];
    let time = line[gap..].trim_start();
    let first = label.chars().next()?;
    if !first.is_alphanumeric()
        || label.contains(':')
        || label.chars().count() > 60
        || label.split_whitespace().count() > 6
    {
        return None;
    }
    let mut parts = time.split(':');
    let fields = [parts.next(), parts.next(), parts.next(), parts.next()];
    let num = |p: &&str, max: usize| {
        (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
    };
    let secs = match fields {
        [Some(m), Some(s), None, None] if s.len() == 2 => {
            num(&m, 3)? * 60 + num(&s, 2).filter(|&s| s < 60)?
        }
        [Some(h), Some(m), Some(s), None] if m.len() == 2 && s.len() == 2 => {
            num(&h, 3)? * 3600
                + num(&m, 2).filter(|&m| m < 60)? * 60
                + num(&s, 2).filter(|&s| s < 60)?
        }
        _ => return None,
    };
    Some((label, secs))
}

/// True when the first non-blank line of `text` is an otter speaker line.
pub(in crate::transcript) fn is_otter(text: &str) -> bool {
    lines(text)
        .find(|l| !l.text.trim().is_empty())
        .is_some_and(|l| head(l.text).is_some())
}

/// The turns of an otter.ai export (from byte `from` of `text` on), as cues.
pub(in crate::transcript) fn read(
    file: &str,
    text: &str,
    from: usize,
    diags: &mut Vec<Diagnostic>,
) -> Cues {
    let mut cues = Cues {
        explicit_paragraphs: true,
        ..Cues::default()
    };
    let mut warned = false;
    let mut open: Option<Cue> = None;
    let flush = |open: &mut Option<Cue>, cues: &mut Cues| {
        if let Some(cue) = open.take() {
            cues.cues.push(cue);
        }
    };
    for line in lines(text).skip_while(|l| l.start < from) {
        let t = line.text.trim();
        if t.is_empty() || is_signature(t) {
            continue;
        }
        if let Some((label, secs)) = head(line.text) {
            flush(&mut open, &mut cues);
            let at = Where::Line {
                line: line.no,
                col: 1,
                len: to_u32(label.chars().count()),
            };
            let speaker = cues.label(label, at);
            open = Some(Cue {
                start: secs * 1000,
                end: None,
                speaker: Some(speaker),
                text: String::new(),
                at,
                lines: None,
            });
            continue;
        }
        match &mut open {
            Some(cue) => {
                if !cue.text.is_empty() {
                    cue.text.push('\n');
                }
                cue.text.push_str(t);
            }
            None if !warned => {
                warned = true;
                diags.push(ignored(file, line));
            }
            None => {}
        }
    }
    flush(&mut open, &mut cues);
    cues
}

fn is_signature(t: &str) -> bool {
    t.starts_with("Transcribed by") && t.contains("otter.ai")
}

fn ignored(file: &str, line: Line<'_>) -> Diagnostic {
    Diagnostic::warning(file, "text before the first speaker line is ignored")
        .at(line.no, 1)
        .with_source(line.text, span_chars(line.text))
        .with_help(
            "otter.ai's speaker lines look like `Full Name  1:23` (two spaces before the time)",
        )
}
