//! The property serve stands on: after any sequence of edits, the folder it serves is
//! byte for byte what `castbook build --no-minify --site-url <its origin>` makes of
//! the same sources.
//!
//! Seeded random edits (words, timestamps, dates, chapter renames, speakers, guest
//! facts, descriptions, drafts, adds, deletes, renames, theme template and CSS edits,
//! `static/` files, book.toml edits, invalid saves and their fixes) are applied to a
//! small site and handed to a [`Session`] as the watcher would (saves by rename: a
//! new inode, so reading never waits); after each step, with the search index brought up to date,
//! the served tree is compared with a whole build of the same sources, or, when the
//! sources do not build, with what was served before the step. A failure prints the
//! seed and the step; `CASTBOOK_SERVE_SEED=<seed> CASTBOOK_SERVE_STEPS=<n>` replays it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::session::{Redo, Session};
use crate::pipeline::Settle;

/// SplitMix64: a tiny seeded generator, so a seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SHOWS: &[&str] = &["The Test Show", "Second Show"];
const HOSTS: &[&str] = &["Hana Host", "Hugo Host"];
const GUESTS: &[&str] = &["Ada Lovelace", "Bob Builder", "Cy Young", "Dee Dee Ramone"];
const OTHERS: &[&str] = &["Producer", "Caller"];
const TITLES: &[&str] = &[
    "Early career",
    "Early Career",
    "Growth",
    "Hiring",
    "Staff engineer",
    "Management",
    "Side projects",
    "Advice",
];
const WORDS: &[&str] = &[
    "growth",
    "career",
    "manager",
    "team",
    "staff",
    "promotion",
    "interview",
    "design",
    "systems",
    "scale",
    "hiring",
    "mentor",
    "feedback",
    "impact",
    "*really*",
    "`code`",
];
const ROLES: &[&str] = &["Staff Engineer", "Director", "CTO", "Founder"];
/// The site's override of the theme's base template.
const BASE: &str = "themes/default/templates/base.html";

#[derive(Clone)]
struct Turn {
    speaker: String,
    secs: u32,
    words: String,
}

#[derive(Clone)]
struct Chapter {
    title: String,
    turns: Vec<Turn>,
}

#[derive(Clone)]
struct Episode {
    file: String,
    show: usize,
    title: String,
    date: (u8, u8, u16),
    host: usize,
    guest: Option<usize>,
    role: String,
    description: String,
    draft: bool,
    chapters: Vec<Chapter>,
}

impl Episode {
    fn random(rng: &mut Rng, n: usize) -> Episode {
        let guest = rng.chance(85).then(|| rng.below(GUESTS.len()));
        let mut e = Episode {
            file: format!("content/ep{n}.txt"),
            show: rng.below(SHOWS.len()),
            title: format!("Episode {n} {}", rng.pick(WORDS).trim_matches(['*', '`'])),
            date: (
                1 + rng.below(28) as u8,
                1 + rng.below(12) as u8,
                2023 + rng.below(3) as u16,
            ),
            host: rng.below(HOSTS.len()),
            guest,
            role: rng.pick(ROLES).to_string(),
            description: sentence(rng, 6, 1),
            draft: false,
            chapters: Vec::new(),
        };
        let mut secs = 0;
        for _ in 0..1 + rng.below(3) {
            let mut turns = Vec::new();
            for _ in 0..1 + rng.below(4) {
                secs += 5 + rng.below(90) as u32;
                turns.push(Turn {
                    speaker: e.random_speaker(rng),
                    secs,
                    words: sentence(rng, 3, 12),
                });
            }
            e.chapters.push(Chapter {
                title: rng.pick(TITLES).to_string(),
                turns,
            });
        }
        e
    }

    fn random_speaker(&self, rng: &mut Rng) -> String {
        let first = |name: &str| name.split_whitespace().next().unwrap_or(name).to_owned();
        match (rng.below(10), self.guest) {
            (0, _) => rng.pick(OTHERS).to_string(),
            (1..=4, _) | (_, None) => first(HOSTS[self.host]),
            (_, Some(g)) => first(GUESTS[g]),
        }
    }

    fn text(&self) -> String {
        let (d, m, y) = self.date;
        let mut out = format!(
            "---\npodcast_name: {}\nepisode_title: {}\nhost_name: {}\nepisode_date: {d:02}/{m:02}/{y}\n\
             episode_description: \"{}\"\nepisode_duration: 30\n",
            SHOWS[self.show], self.title, HOSTS[self.host], self.description
        );
        if let Some(g) = self.guest {
            out.push_str(&format!(
                "guest_name: {}\nbiggest_role: {}\n",
                GUESTS[g], self.role
            ));
        }
        if self.draft {
            out.push_str("draft: true\n");
        }
        out.push_str("---\n");
        for c in &self.chapters {
            out.push_str(&format!("### {}\n", c.title));
            for t in &c.turns {
                let (h, m, s) = (t.secs / 3600, t.secs / 60 % 60, t.secs % 60);
                out.push_str(&format!(
                    "{} {h:02}:{m:02}:{s:02}:\n\n{}\n\n",
                    t.speaker, t.words
                ));
            }
        }
        out
    }
}

/// A sentence of `min` to `min + spread - 1` words.
fn sentence(rng: &mut Rng, min: usize, spread: usize) -> String {
    let n = min + rng.below(spread);
    let words: Vec<&str> = (0..n.max(1)).map(|_| *rng.pick(WORDS)).collect();
    format!("{}.", words.join(" "))
}

/// The sources of the test site, as the test believes them to be.
struct Site {
    root: PathBuf,
    episodes: Vec<Episode>,
    next_file: usize,
    title: String,
    search: bool,
    /// `[output.exports] vtt`: a format turned on and off adds and removes its files.
    vtt: bool,
    /// What `static/notes/hello.txt` holds, when it exists.
    static_file: Option<String>,
    /// Files saved invalid, with what fixes them.
    broken: BTreeMap<String, String>,
    /// What the site's `base.html` override holds (valid), if any.
    base: Option<String>,
}

/// What one step did to the sources.
#[derive(Default)]
struct Change {
    what: String,
    redo: Redo,
    config: bool,
}

impl Site {
    fn write(&self, rel: &str, text: &str) {
        // Saved the way editors do: a temporary file renamed over the original.
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let tmp = path.with_extension("castbook-test-tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    fn remove(&self, rel: &str) {
        let _ = std::fs::remove_file(self.root.join(rel));
    }

    fn write_config(&self, change: &mut Change) {
        let toml = format!(
            "[book]\ntitle = \"{}\"\n\n[output.html.search]\nenable = {}\n\n[output.exports]\nvtt = {}\n\n\
             [[taxonomies]]\nname = \"roles\"\nfield = \"biggest_role\"\nfeed = true\n",
            self.title, self.search, self.vtt
        );
        self.write("book.toml", &toml);
        change.config = true;
        change.redo.everything = true;
    }

    fn write_episode(&mut self, i: usize) {
        let e = &self.episodes[i];
        self.write(&e.file, &e.text());
        self.broken.remove(&e.file);
    }

    fn base_html(marker: &str) -> String {
        let base = crate::theme::DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == "templates/base.html")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap();
        assert!(
            base.contains("</footer>"),
            "base.html changed; update this test"
        );
        base.replace("</footer>", &format!("{marker}</footer>"))
    }

    /// Applies one random edit; returns what it did. Invalid saves are fixed soon
    /// after (by rewriting the file, or by any later edit that rewrites it).
    fn edit(&mut self, rng: &mut Rng) -> Change {
        let mut c = Change::default();
        if !self.broken.is_empty() && rng.chance(50) {
            for (rel, text) in std::mem::take(&mut self.broken) {
                self.write(&rel, &text);
                c.redo.theme |= rel.starts_with("themes/");
            }
            c.what = "invalid saves fixed".into();
            return c;
        }
        let n = self.episodes.len();
        let i = rng.below(n);
        match rng.below(20) {
            0..=3 if n > 0 => {
                let e = &mut self.episodes[i];
                let ch = rng.below(e.chapters.len());
                let t = rng.below(e.chapters[ch].turns.len());
                e.chapters[ch].turns[t].words = sentence(rng, 2, 14);
                c.what = format!("words of {} chapter {ch} turn {t}", e.file);
                self.write_episode(i);
            }
            4 if n > 0 => {
                let e = &mut self.episodes[i];
                let ch = rng.below(e.chapters.len());
                let t = rng.below(e.chapters[ch].turns.len());
                let turn = &mut e.chapters[ch].turns[t];
                turn.secs = (turn.secs + rng.below(200) as u32).saturating_sub(100);
                c.what = format!("timestamp of {} chapter {ch} turn {t}", e.file);
                self.write_episode(i);
            }
            5 if n > 0 => {
                let e = &mut self.episodes[i];
                e.date = (
                    1 + rng.below(28) as u8,
                    1 + rng.below(12) as u8,
                    2023 + rng.below(3) as u16,
                );
                c.what = format!("date of {}", e.file);
                self.write_episode(i);
            }
            6 if n > 0 => {
                let e = &mut self.episodes[i];
                let ch = rng.below(e.chapters.len());
                e.chapters[ch].title = rng.pick(TITLES).to_string();
                c.what = format!("chapter {ch} of {} renamed", e.file);
                self.write_episode(i);
            }
            7 if n > 0 => {
                let e = &mut self.episodes[i];
                let ch = rng.below(e.chapters.len());
                let t = rng.below(e.chapters[ch].turns.len());
                let speaker = e.random_speaker(rng);
                e.chapters[ch].turns[t].speaker = speaker;
                c.what = format!("speaker of {} chapter {ch} turn {t}", e.file);
                self.write_episode(i);
            }
            8 if n > 0 => {
                let e = &mut self.episodes[i];
                match rng.below(4) {
                    0 => e.role = rng.pick(ROLES).to_string(),
                    1 => e.guest = rng.chance(80).then(|| rng.below(GUESTS.len())),
                    2 => e.description = sentence(rng, 5, 1),
                    _ => {
                        e.title =
                            format!("{} {}", e.title, rng.pick(WORDS).trim_matches(['*', '`']))
                    }
                }
                c.what = format!("front matter of {}", e.file);
                self.write_episode(i);
            }
            9 if n > 0 => {
                let e = &mut self.episodes[i];
                e.draft = !e.draft;
                c.what = format!("draft of {} now {}", e.file, e.draft);
                self.write_episode(i);
            }
            10 | 11 => {
                let e = Episode::random(rng, self.next_file);
                self.next_file += 1;
                c.what = format!("added {}", e.file);
                self.episodes.push(e);
                self.write_episode(self.episodes.len() - 1);
            }
            12 if n > 1 => {
                let e = self.episodes.remove(i);
                c.what = format!("deleted {}", e.file);
                self.remove(&e.file);
                self.broken.remove(&e.file);
            }
            13 if n > 0 => {
                let old = self.episodes[i].file.clone();
                self.episodes[i].file = format!("content/sub/renamed{}.txt", self.next_file);
                self.next_file += 1;
                std::fs::create_dir_all(self.root.join("content/sub")).unwrap();
                std::fs::rename(self.root.join(&old), self.root.join(&self.episodes[i].file))
                    .unwrap();
                c.what = format!("renamed {old} to {}", self.episodes[i].file);
                if let Some(fix) = self.broken.remove(&old) {
                    self.broken.insert(self.episodes[i].file.clone(), fix);
                }
            }
            14 => {
                let marker = format!("MARK{}", rng.below(1000));
                let base = Self::base_html(&marker);
                self.write(BASE, &base);
                self.broken.remove(BASE);
                self.base = Some(base);
                c.what = format!("base.html now shows {marker}");
                c.redo.theme = true;
            }
            15 => {
                let css = format!(".x{} {{ color: red; }}\n", rng.below(1000));
                let default = crate::theme::DEFAULT_THEME
                    .iter()
                    .find(|(p, _)| *p == "static/style.css")
                    .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                    .unwrap();
                self.write(
                    "themes/default/static/style.css",
                    &format!("{default}{css}"),
                );
                c.what = format!("style.css gets {}", css.trim());
                c.redo.theme = true;
            }
            16 => {
                if self.static_file.is_some() && rng.chance(40) {
                    self.remove("static/notes/hello.txt");
                    self.static_file = None;
                    c.what = "static file removed".into();
                } else {
                    let text = sentence(rng, 4, 1);
                    self.write("static/notes/hello.txt", &text);
                    c.what = format!("static file now {text}");
                    self.static_file = Some(text);
                }
                c.redo.everything = true;
            }
            17 => {
                if rng.chance(30) {
                    self.search = !self.search;
                } else if rng.chance(30) {
                    self.vtt = !self.vtt;
                } else {
                    self.title = format!("Archive {}", rng.below(1000));
                }
                c.what = format!(
                    "book.toml: title {}, search {}, vtt {}",
                    self.title, self.search, self.vtt
                );
                self.write_config(&mut c);
            }
            18 if n > 0 => {
                // An invalid save: a date that does not exist.
                let e = &self.episodes[i];
                let bad = e
                    .text()
                    .replacen("episode_date: ", "episode_date: 31/02/2024 #", 1);
                self.write(&e.file, &bad);
                c.what = format!("invalid save of {}", e.file);
                self.broken.insert(e.file.clone(), e.text());
            }
            19 => {
                self.write(BASE, &Self::base_html("{% if %}"));
                c.what = "broken base.html".into();
                c.redo.theme = true;
                let fix = self.base.clone().unwrap_or_else(|| Self::base_html(""));
                self.broken.insert(BASE.to_owned(), fix);
            }
            _ => {
                // The edit drawn does not apply (no episode left): add one.
                let e = Episode::random(rng, self.next_file);
                self.next_file += 1;
                c.what = format!("added {}", e.file);
                self.episodes.push(e);
                self.write_episode(self.episodes.len() - 1);
            }
        }
        c
    }
}

/// Every file and folder under `root` (hidden ones too, the build record aside), with
/// file contents.
fn tree(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // The record of what a build wrote holds modification times: not content.
        if rel == crate::output::record::RECORD {
            continue;
        }
        let content = entry
            .file_type()
            .is_file()
            .then(|| std::fs::read(entry.path()).unwrap());
        out.insert(rel, content);
    }
    out
}

/// What differs between two trees, for a failure message.
fn differences(
    served: &BTreeMap<String, Option<Vec<u8>>>,
    built: &BTreeMap<String, Option<Vec<u8>>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, content) in served {
        match built.get(rel) {
            None => out.push(format!("only served: {rel}")),
            Some(b) if b != content => {
                let show = |c: &Option<Vec<u8>>| {
                    c.as_ref()
                        .map(|b| {
                            String::from_utf8_lossy(b)
                                .chars()
                                .take(4000)
                                .collect::<String>()
                        })
                        .unwrap_or_else(|| "(folder)".into())
                };
                out.push(format!(
                    "differs: {rel}\n--- served\n{}\n--- built\n{}",
                    show(content),
                    show(b)
                ));
            }
            _ => {}
        }
    }
    for rel in built.keys().filter(|r| !served.contains_key(*r)) {
        out.push(format!("only built: {rel}"));
    }
    out
}

fn run(seed: u64, steps: usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap().join("site");
    let out = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed);
    let mut site = Site {
        root: root.clone(),
        episodes: Vec::new(),
        next_file: 0,
        title: "Archive".into(),
        search: true,
        vtt: false,
        static_file: None,
        broken: BTreeMap::new(),
        base: None,
    };
    let mut setup = Change::default();
    site.write_config(&mut setup);
    for _ in 0..4 {
        let e = Episode::random(&mut rng, site.next_file);
        site.next_file += 1;
        site.episodes.push(e);
        site.write_episode(site.episodes.len() - 1);
    }
    let config = crate::config::load(&root).unwrap();
    let mut session = Session::new(config, false, "http://127.0.0.1:4000".into());
    session.settle = Settle {
        vanish_grace: std::time::Duration::ZERO,
        ..Settle::default()
    };
    setup.redo.theme = true;
    let first = session.rebuild(&setup.redo).unwrap();
    assert!(first.report.written, "{:?}", first.report.diagnostics);
    let dest = root.join("public");
    let mut served = tree(&dest);
    let mut history = Vec::new();
    for step in 0..steps {
        let change = site.edit(&mut rng);
        history.push(format!("{step}: {}", change.what));
        let context = || {
            format!(
                "seed {seed}, step {step} ({}); replay with CASTBOOK_SERVE_SEED={seed} \
                 CASTBOOK_SERVE_STEPS={}\n{}",
                change.what,
                step + 1,
                history.join("\n")
            )
        };
        // What serve's rebuild loop does with the change.
        let mut rebuilt = true;
        if change.config {
            match crate::config::load(&root) {
                Ok(config) => session.set_config(config),
                Err(_) => rebuilt = false,
            }
        }
        // A broken theme fails the rebuild (serve shows the error); checked below.
        // A broken theme fails the rebuild (serve shows the error); checked below.
        if rebuilt && let Ok(r) = session.rebuild(&change.redo) {
            assert!(!r.retry, "nothing should wait: {}", context());
        }
        if session.search_stale() {
            session
                .reindex()
                .unwrap_or_else(|e| panic!("{e:#}: {}", context()));
        }
        // The same sources built whole, as `castbook build` would.
        let mut opts = session.build_options();
        opts.dest = Some(out.path().join("public"));
        let built = crate::build(&opts, &|_| {});
        let now = tree(&dest);
        match built {
            Ok(report) if report.written => {
                let expected = tree(&out.path().join("public"));
                let diff = differences(&now, &expected);
                assert!(
                    diff.is_empty(),
                    "served ≠ built: {}\n{}",
                    context(),
                    diff[..diff.len().min(6)].join("\n")
                );
            }
            // The sources do not build: the last good site stays.
            _ => {
                let diff = differences(&now, &served);
                assert!(
                    diff.is_empty(),
                    "a failed build changed what is served: {}\n{}",
                    context(),
                    diff[..diff.len().min(6)].join("\n")
                );
            }
        }
        served = now;
    }
}

#[test]
fn served_folder_equals_a_whole_build_after_every_edit() {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let steps = env("CASTBOOK_SERVE_STEPS").map_or(200, |s| s as usize);
    match env("CASTBOOK_SERVE_SEED") {
        Some(seed) => run(seed, steps),
        None => {
            for seed in [1, 2] {
                run(seed, steps / 2);
            }
        }
    }
}
