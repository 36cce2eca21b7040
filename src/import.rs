//! `castbook import FILE…`: rewrites transcripts from other tools (WebVTT, SRT,
//! Podcasting 2.0 or Whisper JSON, otter.ai text) in castbook's own text format, for
//! editing chapters and turns by hand.
//!
//! Each file is read with the metadata beside it, as a build would: its sidecar
//! (`NAME.yml`), `NAME.chapters.json` (or the chapters file the sidecar names), and
//! the `_defaults.yml` of its folder and the folders above, up to the site root (the
//! folder holding book.toml; without one, only the file's own folder). The result,
//! `NAME.txt` in the output folder, starts with a front matter block holding that
//! metadata and the required keys still missing, empty, to fill in. An existing file
//! is never overwritten.

use std::path::{Path, PathBuf};

use crate::content::join_display;
use crate::diag::Diagnostic;
use crate::transcript::{MetaFile, MetaKind, ParseOptions, Source, SourceFile, to_text};

/// What to import, and where to.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Transcript files.
    pub files: Vec<PathBuf>,
    /// Folder for the `.txt` files (created when missing).
    pub out_dir: PathBuf,
}

/// What `import` did.
#[derive(Debug, Default)]
#[must_use]
pub struct ImportReport {
    /// `(input, output)` of each file written.
    pub written: Vec<(PathBuf, PathBuf)>,
    /// Problems, per file (sorted by file and line).
    pub diagnostics: Vec<Diagnostic>,
    /// Files not written.
    pub failed: usize,
}

/// Imports every file of `opts`; one that cannot be read or written does not stop
/// the others. `Err` only when the output folder cannot be made.
pub fn import(opts: &ImportOptions) -> anyhow::Result<ImportReport> {
    std::fs::create_dir_all(&opts.out_dir).map_err(|err| {
        anyhow::anyhow!(
            "cannot create the output folder `{}`: {err}",
            opts.out_dir.display()
        )
    })?;
    let mut report = ImportReport::default();
    for file in &opts.files {
        match import_one(file, &opts.out_dir, &mut report.diagnostics) {
            Some(out) => report.written.push((file.clone(), out)),
            None => report.failed += 1,
        }
    }
    let mut all = crate::diag::Diagnostics::new();
    all.extend(report.diagnostics);
    all.sort();
    report.diagnostics = all.iter().cloned().collect();
    Ok(report)
}

fn import_one(file: &Path, out_dir: &Path, diags: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    let display = if file.is_absolute() {
        file.display().to_string()
    } else {
        join_display("", file)
    };
    let bytes = match crate::content::read_regular(file) {
        Ok((bytes, _)) => bytes,
        Err(err) => {
            diags.push(Diagnostic::error(
                display,
                format!("cannot read file: {err}"),
            ));
            return None;
        }
    };
    let source = Source {
        file: SourceFile {
            display: display.clone(),
            bytes,
        },
        meta: metadata_of(file, &display),
    };
    let imported = to_text(&source, &ParseOptions::default());
    diags.extend(imported.diagnostics);
    let text = imported.text?;
    let stem = file.file_stem().unwrap_or_default();
    let out = out_dir.join(stem).with_extension("txt");
    let same = std::fs::canonicalize(&out).ok() == std::fs::canonicalize(file).ok();
    if same || out.exists() {
        diags.push(
            Diagnostic::error(
                display,
                format!("not written: {} already exists", out.display()),
            )
            .with_help("import never overwrites a file: remove it, or choose another folder with --out-dir"),
        );
        return None;
    }
    match std::fs::write(&out, text) {
        Ok(()) => Some(out),
        Err(err) => {
            diags.push(Diagnostic::error(
                display,
                format!("cannot write {}: {err}", out.display()),
            ));
            None
        }
    }
}

/// The metadata files of `file` (shown as `display`), as content discovery finds
/// them in a site; see the module docs for where defaults are looked for.
fn metadata_of(file: &Path, display: &str) -> Vec<MetaFile> {
    let dir = file.parent().unwrap_or(Path::new(""));
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let shown_dir = display.rsplit_once('/').map_or("", |(d, _)| d);
    let shown = |name: &str| {
        if shown_dir.is_empty() && !display.starts_with('/') {
            name.to_owned()
        } else {
            format!("{shown_dir}/{name}")
        }
    };
    let read = |kind: MetaKind, path: &Path, shown: String| -> Option<MetaFile> {
        let (bytes, _) = crate::content::read_regular(path).ok()?;
        Some(MetaFile {
            kind,
            display: shown,
            contents: Ok(bytes),
        })
    };
    let mut meta = Vec::new();
    let sidecar = ["yml", "yaml"].iter().find_map(|ext| {
        let name = format!("{stem}.{ext}");
        read(MetaKind::Sidecar, &dir.join(&name), shown(&name))
    });
    if let Some(sidecar) = sidecar {
        let named = sidecar
            .contents
            .as_ref()
            .ok()
            .and_then(|b| crate::transcript::chapters_reference(b))
            .and_then(|rel| crate::transcript::relative_display(&sidecar.display, &rel));
        if let Some(named) = named {
            let contents = crate::content::read_regular(Path::new(&named))
                .map(|(b, _)| b)
                .map_err(|e| e.to_string());
            meta.push(MetaFile {
                kind: MetaKind::Chapters,
                display: named,
                contents,
            });
        }
        meta.push(sidecar);
    }
    let chapters = format!("{stem}.chapters.json");
    meta.extend(read(
        MetaKind::Chapters,
        &dir.join(&chapters),
        shown(&chapters),
    ));
    for folder in default_folders(dir) {
        let found = ["_defaults.yml", "_defaults.yaml"].iter().find_map(|name| {
            let path = folder.join(name);
            read(MetaKind::Defaults, &path, shown_path(&path))
        });
        meta.extend(found);
    }
    meta
}

/// The folders whose `_defaults.yml` apply to a file in `dir`, nearest first: up to
/// the site root (not included), or `dir` alone outside a site.
fn default_folders(dir: &Path) -> Vec<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut folders = Vec::new();
    for folder in real.ancestors() {
        if folder.join("book.toml").is_file() {
            return folders;
        }
        folders.push(folder.to_path_buf());
    }
    // No site around the file: its own folder only.
    folders.truncate(1);
    folders
}

/// `path` as shown in messages: relative to the current folder when inside it.
fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => join_display("", rel),
        None => path.display().to_string(),
    }
}
