//! Cues → chapters and turns.
//!
//! Rules (SPEC §2b, and where it is silent):
//! - Consecutive cues of one speaker join into one turn that starts at the first
//!   cue's start and ends at the latest end among them. A chapter start always opens
//!   a new turn, even for the same speaker.
//! - A chapter opens with the first cue that starts at or after its start, or with a
//!   cue that holds the chapter's start nearer its own beginning than its end.
//!   Cues before the first chapter form an untitled first section.
//! - A new paragraph starts after a pause of [`PAUSE_MS`] or more between cues and,
//!   unless the source marks its own paragraphs, every few sentences
//!   ([`super::prose`]).
//! - Cues with no speaker belong to the episode's host when it has exactly one,
//!   else to [`UNNAMED`]; neither is warned about.
//! - A cue that starts before the one above it is kept in place, with a warning (the
//!   exports keep starts in order).

use std::collections::HashSet;
use std::sync::Arc;

use super::prose::{Masks, Prose};
use super::{Cue, Cues, Locate, Where};
use crate::diag::Diagnostic;
use crate::model::{TimeSpan, Timestamp};
use crate::transcript::chapters::MetaChapter;
use crate::transcript::meta::SpeakerMap;
use crate::transcript::speakers::{self, Resolution};
use crate::transcript::{FrontMatter, ParsedChapter, ParsedTurn, SpeakerRef};

/// A pause between cues that starts a new paragraph.
pub(crate) const PAUSE_MS: u64 = 2000;

/// The speaker of cues that name nobody, when the episode has no single host.
pub(crate) const UNNAMED: &str = "Speaker";

/// Warnings of one kind about cues, per file, before the rest are counted in one line
/// (finding a position costs a scan of the file: this keeps a parse linear).
pub(crate) const MAX_WARNINGS: usize = 10;

/// What assembling needs besides the cues.
pub(in crate::transcript) struct Context<'a> {
    /// The transcript's display path.
    pub(in crate::transcript) file: &'a str,
    /// The transcript's text, which cues' [`super::SrcLines`] point into.
    pub(in crate::transcript) src: &'a str,
    /// The checked metadata, when it has no errors.
    pub(in crate::transcript) front: Option<&'a FrontMatter>,
    /// `speakers:`.
    pub(in crate::transcript) speakers: &'a SpeakerMap,
    /// Chapters from the metadata, sorted by start.
    pub(in crate::transcript) chapters: &'a [MetaChapter],
    /// Places positions for diagnostics.
    pub(in crate::transcript) locate: &'a dyn Locate,
    /// Reading the file met errors: cues may be missing, so a `speakers:` entry no
    /// cue uses is not worth a warning.
    pub(in crate::transcript) incomplete: bool,
}

/// A turn being built.
struct Open {
    speaker: Option<u32>,
    start: u64,
    end: u64,
    at: Where,
    prose: Prose,
}

/// Builds the chapters and turns of `cues`; see the module docs.
pub(in crate::transcript) fn assemble(
    cx: &Context<'_>,
    cues: Cues,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ParsedChapter> {
    let people = resolve_labels(cx, &cues.labels, diags);
    let unnamed = cx
        .front
        .filter(|f| f.hosts.len() == 1)
        .and_then(|f| f.hosts.first())
        .map_or((UNNAMED.to_owned(), None), |h| {
            (
                h.clone(),
                Some(SpeakerRef {
                    role: crate::transcript::Role::Host,
                    index: 0,
                }),
            )
        });
    let mut b = Builder {
        out: Vec::new(),
        chapter: ParsedChapter {
            title: None,
            line: 0,
            intro: String::new(),
            turns: Vec::new(),
        },
        meta: None,
        turn: None,
        people: &people,
        unnamed: &unnamed,
        src: cx.src,
        exact: cues.exact,
        auto: !cues.explicit_paragraphs,
        spare: String::new(),
        spare_masks: Masks::default(),
    };
    let mut next = 0;
    let mut latest: Option<u64> = None;
    let mut backwards = 0usize;
    for cue in cues.cues {
        if cue.lines.is_none() && cue.text.trim().is_empty() {
            continue;
        }
        if let Some(prev) = latest.filter(|&p| cue.start < p) {
            backwards += 1;
            if backwards > MAX_WARNINGS {
                continue;
            }
            diags.push(
                cx.locate.place(
                    cue.at,
                    Diagnostic::warning(
                        cx.file,
                        format!(
                            "cue starts at {}, before the cue above it ({})",
                            clock(cue.start),
                            clock(prev)
                        ),
                    )
                    .with_help(
                        "cues are read in file order, so its text stays where it is; correct \
                     the time if it is a typo, or move the cue to where it belongs",
                    ),
                ),
            );
        }
        latest = Some(latest.map_or(cue.start, |p| p.max(cue.start)));
        while let Some(ch) = cx.chapters.get(next).filter(|ch| opens(&cue, ch)) {
            b.finish_chapter(diags);
            b.meta = Some(ch);
            b.chapter.title = Some(ch.title.clone());
            next += 1;
        }
        b.push(cue);
    }
    b.finish_chapter(diags);
    if backwards > MAX_WARNINGS {
        diags.push(Diagnostic::warning(
            cx.file,
            format!(
                "and {} more cues that start before the cue above them",
                backwards - MAX_WARNINGS
            ),
        ));
    }
    for ch in cx.chapters.get(next..).unwrap_or_default() {
        diags.push(
            ch.warning(format!(
                "chapter \"{}\" starts after the transcript ends and is left out",
                ch.title
            ))
            .with_help("correct its start time, or remove it"),
        );
    }
    b.out
}

/// True when `cue` opens chapter `ch` (see the module docs).
fn opens(cue: &Cue, ch: &MetaChapter) -> bool {
    if cue.start >= ch.start {
        return true;
    }
    let end = cue.end.unwrap_or(cue.start);
    end > ch.start && ch.start - cue.start < end - ch.start
}

/// `H:MM:SS.mmm` for messages.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

struct Builder<'a> {
    out: Vec<ParsedChapter>,
    chapter: ParsedChapter,
    meta: Option<&'a MetaChapter>,
    turn: Option<Open>,
    /// Per label: the name shown and the person it is.
    people: &'a [(String, Option<SpeakerRef>)],
    unnamed: &'a (String, Option<SpeakerRef>),
    src: &'a str,
    exact: bool,
    auto: bool,
    /// The last turn's prose buffers, reused by the next turn.
    spare: String,
    spare_masks: Masks,
}

impl Builder<'_> {
    fn push(&mut self, cue: Cue) {
        let end = cue.end.unwrap_or(cue.start).max(cue.start);
        match &mut self.turn {
            Some(t) if t.speaker == cue.speaker => {
                if self.auto && cue.start >= t.end.saturating_add(PAUSE_MS) {
                    t.prose.paragraph();
                }
                t.end = t.end.max(end);
                push_text(&mut t.prose, &cue, self.src);
            }
            _ => {
                self.finish_turn();
                let buf = std::mem::take(&mut self.spare);
                let bytes = cue.lines.map_or(cue.text.len(), |l| l.to - l.from);
                let mut prose = Prose::with_buffer(self.auto, buf, bytes);
                prose.reuse_masks(std::mem::take(&mut self.spare_masks));
                push_text(&mut prose, &cue, self.src);
                self.turn = Some(Open {
                    speaker: cue.speaker,
                    start: cue.start,
                    end,
                    at: cue.at,
                    prose,
                });
            }
        }
    }

    fn finish_turn(&mut self) {
        let Some(t) = self.turn.take() else {
            return;
        };
        let (name, resolved) = t
            .speaker
            .and_then(|i| self.people.get(i as usize))
            .unwrap_or(self.unnamed);
        if self.chapter.turns.is_empty() {
            self.chapter.line = t.at.line();
        }
        self.chapter.turns.push(ParsedTurn {
            speaker: name.clone(),
            resolved: *resolved,
            start: Timestamp(u32::try_from(t.start / 1000).unwrap_or(u32::MAX)),
            times: self.exact.then_some(TimeSpan {
                start: t.start,
                end: t.end,
            }),
            body: {
                let (out, masks) = t.prose.finish_parts();
                let body = Arc::from(out.as_str());
                self.spare = out;
                self.spare_masks = masks;
                body
            },
            line: t.at.line(),
        });
    }

    fn finish_chapter(&mut self, diags: &mut Vec<Diagnostic>) {
        self.finish_turn();
        let chapter = std::mem::replace(
            &mut self.chapter,
            ParsedChapter {
                title: None,
                line: 0,
                intro: String::new(),
                turns: Vec::new(),
            },
        );
        if !chapter.turns.is_empty() {
            self.out.push(chapter);
        } else if let Some(meta) = self.meta {
            diags.push(meta.warning(format!(
                "chapter \"{}\" has no turns and is left out",
                meta.title
            )));
        }
        self.meta = None;
    }
}

/// Appends the words of `cue` to `prose`, from the cue or from `src`.
fn push_text(prose: &mut Prose, cue: &Cue, src: &str) {
    match cue.lines {
        Some(l) => prose.push_lines(src.get(l.from..l.to).unwrap_or_default()),
        None => prose.push(&cue.text),
    }
}

/// The name and person of each label, with a warning for each that resolves to nobody.
fn resolve_labels(
    cx: &Context<'_>,
    labels: &[(String, Where)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Option<SpeakerRef>)> {
    let mut used: HashSet<&str> = HashSet::new();
    let mut unmapped = 0usize;
    let out = labels
        .iter()
        .map(|(label, at)| {
            let Some(front) = cx.front else {
                let name = cx.speakers.get(label).map_or(label, |e| &e.name);
                return (name.clone(), None);
            };
            let (entry, resolution) = speakers::lookup(label, cx.speakers, front);
            if let Some(e) = entry {
                used.insert(e.label.as_str());
                speakers::warn_entry(e, &resolution, diags);
            } else if !matches!(resolution, Resolution::Person(_)) {
                unmapped += 1;
                if unmapped > MAX_WARNINGS {
                    let name = label.clone();
                    return (name, None);
                }
                let sidecar = super::super::sidecar_name(cx.file);
                diags.push(
                    cx.locate
                        .place(
                            *at,
                            Diagnostic::warning(
                                cx.file,
                                format!(
                                    "speaker \"{label}\" is not a host or guest of this episode and has no mapping in `speakers:`"
                                ),
                            ),
                        )
                        .with_help(format!(
                            "map the label to a person in {sidecar}: `speakers: {{{label}: Full Name}}`"
                        )),
                );
            }
            let name = entry.map_or(label, |e| &e.name);
            let person = match resolution {
                Resolution::Person(r) => Some(r),
                _ => None,
            };
            (name.clone(), person)
        })
        .collect();
    if unmapped > MAX_WARNINGS {
        diags.push(Diagnostic::warning(
            cx.file,
            format!(
                "and {} more speakers that are not hosts or guests and have no mapping",
                unmapped - MAX_WARNINGS
            ),
        ));
    }
    if cx.front.is_some() && !cx.incomplete {
        speakers::warn_unused(cx.speakers, &used, diags);
    }
    out
}

/// Puts the turns of a text transcript without headings into the metadata's chapters,
/// by start time; turns before the first chapter stay in an untitled first section.
pub(in crate::transcript) fn distribute(
    chapters: Vec<ParsedChapter>,
    meta: &[MetaChapter],
    diags: &mut Vec<Diagnostic>,
) -> Vec<ParsedChapter> {
    let turns = chapters.into_iter().flat_map(|c| c.turns);
    let mut out: Vec<ParsedChapter> = Vec::new();
    let mut current = ParsedChapter {
        title: None,
        line: 0,
        intro: String::new(),
        turns: Vec::new(),
    };
    let mut next = 0;
    let flush = |c: ParsedChapter, out: &mut Vec<ParsedChapter>| {
        if !c.turns.is_empty() {
            out.push(c);
        }
    };
    for turn in turns {
        let start = turn
            .times
            .map_or(u64::from(turn.start.seconds()) * 1000, |t| t.start);
        while let Some(ch) = meta.get(next).filter(|ch| start >= ch.start) {
            let done = std::mem::replace(
                &mut current,
                ParsedChapter {
                    title: Some(ch.title.clone()),
                    line: turn.line,
                    intro: String::new(),
                    turns: Vec::new(),
                },
            );
            if done.title.is_some() && done.turns.is_empty() {
                let title = done.title.as_deref().unwrap_or_default();
                if let Some(m) = meta.iter().find(|m| m.title == title) {
                    diags.push(
                        m.warning(format!("chapter \"{title}\" has no turns and is left out")),
                    );
                }
            }
            flush(done, &mut out);
            next += 1;
        }
        if current.turns.is_empty() {
            current.line = turn.line;
        }
        current.turns.push(turn);
    }
    flush(current, &mut out);
    for ch in meta.get(next..).unwrap_or_default() {
        diags.push(
            ch.warning(format!(
                "chapter \"{}\" starts after the transcript ends and is left out",
                ch.title
            ))
            .with_help("correct its start time, or remove it"),
        );
    }
    out
}
