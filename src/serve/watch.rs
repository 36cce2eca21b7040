//! Watching the site's sources: file events → debounced [`ChangeSet`]s for the rebuild loop.
//!
//! Watched: `book.toml`, the content folder, `themes/` and `static/`. The site root itself
//! is watched non-recursively only, so the output folder, its staging siblings, `.git/` and
//! `target/` never cost an inotify watch or trigger a rebuild. Editor temp files are
//! ignored, but the rename that an editor's "safe write" ends with still names the real
//! file, so saves by rename or swap are seen.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::config::{CONFIG_FILE, LoadedConfig};

/// Quiet time before a burst of events is reported: long enough to merge an editor's
/// write-rename-chmod sequence, short enough not to matter next to a rebuild.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Which kind of source changed; decides how much a rebuild must redo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A transcript (or a folder of them) under the content folder.
    Content,
    /// A template or asset under `themes/`.
    Theme,
    /// A file under `static/`, copied verbatim.
    Static,
    /// `book.toml`: everything may change, including where the site is written and served.
    Config,
}

/// Everything that changed since the last rebuild, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The kinds of change seen.
    pub kinds: BTreeSet<ChangeKind>,
    /// The changed paths, for messages.
    pub paths: BTreeSet<PathBuf>,
}

impl ChangeSet {
    /// A change of `kind` with no path known.
    pub fn of_kind(kind: ChangeKind) -> ChangeSet {
        let mut set = ChangeSet::default();
        set.kinds.insert(kind);
        set
    }

    /// True when nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Adds another set's changes to this one (edits made during a rebuild coalesce).
    pub fn merge(&mut self, other: ChangeSet) {
        self.kinds.extend(other.kinds);
        self.paths.extend(other.paths);
    }

    /// True when this kind of change was seen.
    pub fn has(&self, kind: ChangeKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// The absolute paths that decide what an event means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchPaths {
    /// The site root (canonical).
    pub root: PathBuf,
    /// The content folder.
    pub content: PathBuf,
    /// `themes/`.
    pub themes: PathBuf,
    /// `static/`.
    pub static_dir: PathBuf,
    /// `book.toml`.
    pub config_file: PathBuf,
    /// The output folder, never a source.
    pub dest: PathBuf,
}

impl WatchPaths {
    /// The paths for a loaded configuration.
    pub fn new(config: &LoadedConfig) -> WatchPaths {
        WatchPaths {
            root: config.root.clone(),
            content: config.content_dir(),
            themes: config.root.join("themes"),
            static_dir: config.root.join("static"),
            config_file: config.root.join(CONFIG_FILE),
            dest: config.build_dir(),
        }
    }

    /// The folders watched recursively.
    fn trees(&self) -> [&Path; 3] {
        [&self.content, &self.themes, &self.static_dir]
    }

    /// What a change at `path` means, or `None` when it cannot affect the site.
    pub fn classify(&self, path: &Path) -> Option<ChangeKind> {
        if path == self.config_file {
            return Some(ChangeKind::Config);
        }
        // The output and its staging siblings are written by every build: never sources.
        if path.starts_with(&self.dest) || is_output_sibling(path, &self.dest) {
            return None;
        }
        let kind = if path.starts_with(&self.content) {
            ChangeKind::Content
        } else if path.starts_with(&self.themes) {
            ChangeKind::Theme
        } else if path.starts_with(&self.static_dir) {
            ChangeKind::Static
        } else {
            return None;
        };
        let name = path.file_name().unwrap_or(OsStr::new(""));
        // Hidden transcripts and theme files are never read; `static/` copies them
        // (`.well-known/`), so there they count.
        let hidden = kind != ChangeKind::Static && name.as_encoded_bytes().starts_with(b".");
        // A watched folder itself appearing or vanishing matters even if named oddly.
        if self.trees().contains(&path) || !(hidden || is_editor_temp(name)) {
            Some(kind)
        } else {
            None
        }
    }
}

/// `.public.castbook-staging-…` and `.public.castbook-old-…` beside DEST (see `output`).
fn is_output_sibling(path: &Path, dest: &Path) -> bool {
    let (Some(parent), Some(dest_name)) = (dest.parent(), dest.file_name()) else {
        return false;
    };
    let Ok(rel) = path.strip_prefix(parent) else {
        return false;
    };
    let Some(first) = rel.components().next() else {
        return false;
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(dest_name.as_encoded_bytes());
    prefix.extend_from_slice(b".castbook-");
    first.as_os_str().as_encoded_bytes().starts_with(&prefix)
}

/// Swap, backup and lock files editors write beside the real file. The real file's own
/// event (the rename onto it, or its write) still arrives and triggers the rebuild.
pub fn is_editor_temp(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with(".#") // emacs lock
        || name.starts_with(".goutputstream-") // gedit
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim's probe that it may create files in the folder
        || [
            ".swp", ".swo", ".swx", ".tmp", ".temp", ".crswap", ".kate-swp", ".part",
            "___jb_tmp___", "___jb_old___",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Whether an event kind can mean that a file's content or presence changed. Opening and
/// reading (which every build does to every transcript) must not trigger a rebuild.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

/// Turns one batch of debounced events into a change set.
pub fn changes_of(paths: &WatchPaths, events: &DebounceEventResult) -> ChangeSet {
    let mut set = ChangeSet::default();
    let Ok(events) = events else {
        return set;
    };
    for event in events {
        if event.need_rescan() {
            // The kernel queue overflowed: anything may have changed.
            set.kinds
                .extend([ChangeKind::Content, ChangeKind::Theme, ChangeKind::Static]);
            continue;
        }
        if !is_change(&event.kind) {
            continue;
        }
        for path in &event.paths {
            if let Some(kind) = paths.classify(path) {
                set.kinds.insert(kind);
                set.paths.insert(path.clone());
            }
        }
    }
    set
}

/// What a watcher reports to the rebuild loop.
#[derive(Debug)]
pub enum WatchMsg {
    /// Sources changed.
    Changed(ChangeSet),
    /// The watcher itself failed (e.g. too many inotify watches).
    Error(String),
    /// Not from the watcher: the search index built in the background is ready.
    Indexed,
    /// Serve is ending: stop after the current build.
    Stop,
}

/// A running watcher; dropping it stops watching.
pub struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Read by the event handler thread; replaced when book.toml moves the folders.
    paths: Arc<RwLock<WatchPaths>>,
    /// Folders currently watched recursively.
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    /// Starts watching the sources of `paths`, sending every relevant batch to `tx`.
    pub fn start(paths: WatchPaths, tx: Sender<WatchMsg>) -> anyhow::Result<Watch> {
        let root = paths.root.clone();
        let paths = Arc::new(RwLock::new(paths));
        let reader = Arc::clone(&paths);
        let handler = move |result: DebounceEventResult| {
            let msg = match &result {
                Err(errors) => {
                    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    WatchMsg::Error(text.join("; "))
                }
                Ok(_) => {
                    let set = changes_of(&read(&reader), &result);
                    if set.is_empty() {
                        return;
                    }
                    WatchMsg::Changed(set)
                }
            };
            // A closed channel means serve is shutting down: nobody is left to tell.
            let _ = tx.send(msg);
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler)?;
        // Non-recursive: sees book.toml and the source folders appearing, nothing deeper.
        debouncer.watch(&root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch {
            debouncer,
            paths,
            watched: BTreeSet::new(),
        };
        if let Some(err) = watch.refresh() {
            anyhow::bail!(err);
        }
        Ok(watch)
    }

    /// Watches source folders that appeared since the last call and forgets vanished ones
    /// (so a folder deleted and created again is watched again). Returns a failure message.
    pub fn refresh(&mut self) -> Option<String> {
        let trees: Vec<PathBuf> = read(&self.paths).trees().map(Path::to_path_buf).to_vec();
        let mut errors = Vec::new();
        for gone in self.watched.clone() {
            if !trees.contains(&gone) || !gone.is_dir() {
                // The kernel drops the watch of a deleted folder itself; this may fail then.
                let _ = self.debouncer.unwatch(&gone);
                self.watched.remove(&gone);
            }
        }
        for tree in trees {
            if tree.is_dir() && !self.watched.contains(&tree) {
                match self.debouncer.watch(&tree, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(tree);
                    }
                    Err(e) => errors.push(format!("cannot watch `{}`: {e}", tree.display())),
                }
            }
        }
        (!errors.is_empty()).then(|| errors.join("; "))
    }

    /// Follows a new configuration (book.toml may move the content or output folder).
    pub fn retarget(&mut self, paths: WatchPaths) -> Option<String> {
        *self
            .paths
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = paths;
        self.refresh()
    }
}

fn read(paths: &RwLock<WatchPaths>) -> WatchPaths {
    paths
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::Event;
    use notify::event::{CreateKind, ModifyKind, RenameMode};
    use notify_debouncer_full::DebouncedEvent;

    fn paths() -> WatchPaths {
        let root = PathBuf::from("/site");
        WatchPaths {
            content: root.join("content"),
            themes: root.join("themes"),
            static_dir: root.join("static"),
            config_file: root.join("book.toml"),
            dest: root.join("public"),
            root,
        }
    }

    #[test]
    fn classifies_sources() {
        let p = paths();
        let c = |s: &str| p.classify(Path::new(s));
        assert_eq!(c("/site/book.toml"), Some(ChangeKind::Config));
        assert_eq!(c("/site/content/a/ep.txt"), Some(ChangeKind::Content));
        assert_eq!(c("/site/content"), Some(ChangeKind::Content));
        assert_eq!(
            c("/site/themes/default/templates/base.html"),
            Some(ChangeKind::Theme)
        );
        assert_eq!(c("/site/static/logo.svg"), Some(ChangeKind::Static));
        assert_eq!(c("/site/static"), Some(ChangeKind::Static));
        assert_eq!(
            c("/site/static/.well-known/x.txt"),
            Some(ChangeKind::Static)
        );
        assert_eq!(c("/site/static/.nojekyll"), Some(ChangeKind::Static));
    }

    #[test]
    fn ignores_output_temp_files_and_other_things() {
        let p = paths();
        for path in [
            "/site/public/index.html",
            "/site/public",
            "/site/.public.castbook-staging-12-0",
            "/site/.public.castbook-staging-12-0/index.html",
            "/site/.public.castbook-old-12-3",
            "/site/README.md",
            "/site/.git/index",
            "/site/content/.ep.txt.swp",
            "/site/content/ep.txt~",
            "/site/content/#ep.txt#",
            "/site/content/.#ep.txt",
            "/site/content/4913",
            "/site/content/ep.txt.tmp",
            "/site/content/ep.txt___jb_tmp___",
            "/site/book.toml~",
            "/site/content/.hidden.txt",
            "/site/static/.x.swp",
            "/site/static/.#logo.svg",
        ] {
            assert_eq!(p.classify(Path::new(path)), None, "{path}");
        }
    }

    fn event(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        DebouncedEvent::new(e, std::time::Instant::now())
    }

    #[test]
    fn reading_is_not_a_change_but_a_save_by_rename_is() {
        let p = paths();
        let read = Ok(vec![
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Read)),
                &["/site/content/ep.txt"],
            ),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &["/site/content/ep.txt"],
            ),
        ]);
        assert!(changes_of(&p, &read).is_empty());
        let save = Ok(vec![
            event(
                EventKind::Create(CreateKind::File),
                &["/site/content/.ep.txt.swp"],
            ),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/site/content/ep.txt.tmp", "/site/content/ep.txt"],
            ),
        ]);
        let set = changes_of(&p, &save);
        assert_eq!(
            set.kinds.iter().copied().collect::<Vec<_>>(),
            [ChangeKind::Content]
        );
        assert_eq!(
            set.paths.iter().collect::<Vec<_>>(),
            [Path::new("/site/content/ep.txt")]
        );
    }

    #[test]
    fn change_sets_merge() {
        let mut a = ChangeSet::default();
        a.kinds.insert(ChangeKind::Content);
        let mut b = ChangeSet::default();
        b.kinds.insert(ChangeKind::Config);
        a.merge(b);
        assert!(a.has(ChangeKind::Content) && a.has(ChangeKind::Config));
    }
}
