//! The record a whole build leaves in its output folder: every page and export file
//! with its fingerprint, length and modification time, so that the build which later
//! recycles that folder as its staging tree (it becomes the spare two builds on, see
//! the module docs of [`crate::output`]) renders and writes only the files whose
//! fingerprint moved, as `serve` does for a live folder.
//!
//! A file is trusted only while its length and modification time are what the record
//! says (a hand edit, a partial copy or a killed build rewrites it), and a record is
//! used only by the same castbook binary that wrote it ([`build_key`]): a new version
//! may render the same view differently. The staging folder drops its record as soon
//! as it is read, so a build that dies part-way leaves a spare without one, and the
//! next build writes everything. The search index is recorded whole, with the
//! fingerprint of its inputs ([`crate::pipeline::search_key`]): it is kept whole or
//! written whole. `static/` files are not recorded: every build copies them.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::site::manifest::{Group, Manifest, fingerprint};

/// Name of the record in the output folder. Hidden: GitHub's Pages upload leaves
/// dotfiles out, and it is 1.5 KB per 100 files written.
pub const RECORD: &str = ".castbook-record";

/// First line of a record: its format.
const HEADER: &str = "castbook-record 1";

/// Largest record read back (a corrupt or hostile length is not inflated past it).
const MAX_RECORD: u64 = 256 << 20;

/// One recorded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    fingerprint: u64,
    group: Group,
    len: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    modified: u128,
}

/// What the previous build left in a folder, checked against the folder.
#[derive(Debug, Default)]
pub struct Previous {
    /// The pages and exports still as recorded, for
    /// [`crate::site::manifest::Plan::Changed`].
    pub manifest: Manifest,
    /// Their lengths, for the size report of a build that keeps them.
    pub lens: FxHashMap<String, u64>,
    /// The search index, when every one of its files is still as recorded.
    pub search: Option<Index>,
}

/// A search index a previous build wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// The fingerprint of its inputs.
    pub key: u64,
    /// Its files: path, fingerprint of the bytes, length.
    pub files: Vec<(String, u64, u64)>,
}

/// The identity of this castbook binary: its version, and the length and modification
/// time of its executable, so a rebuilt binary with changed rendering code does not
/// trust its predecessor's record. (Hashing the executable instead would also trust a
/// release downloaded again, but costs ~10 ms per build, and seconds for a debug test
/// binary.)
pub fn build_key() -> u64 {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| (m.len(), m.modified().ok().map(nanos)))
        .ok();
    fingerprint(&(env!("CASTBOOK_VERSION"), exe))
}

fn nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn group_char(group: Group) -> char {
    match group {
        Group::Render => 'r',
        Group::Exports => 'e',
        Group::Search => 's',
        Group::Static => 'c',
    }
}

fn group_of(c: &str) -> Option<Group> {
    Some(match c {
        "r" => Group::Render,
        "e" => Group::Exports,
        "s" => Group::Search,
        "c" => Group::Static,
        _ => return None,
    })
}

/// The record of the pages, exports and search index of `manifest`, as now written
/// under `dir`, for a binary with `key`; `search_key` fingerprints the index's inputs
/// (none: not recorded). Files that cannot be looked at are left out (they will be
/// written again; a search index missing a file is not kept).
pub fn encode(dir: &Path, manifest: &Manifest, key: u64, search_key: Option<u64>) -> Vec<u8> {
    let groups: &[Group] = if search_key.is_some() {
        &[Group::Render, Group::Exports, Group::Search]
    } else {
        &[Group::Render, Group::Exports]
    };
    let mut files: Vec<(&str, Group, u64)> = groups
        .iter()
        .copied()
        .flat_map(|g| manifest.group(g).map(move |(rel, fp)| (rel, g, fp)))
        .collect();
    files.sort_unstable_by_key(|f| f.0);
    let lines: Vec<String> = files
        .par_iter()
        .filter_map(|&(rel, group, fp)| {
            let meta = std::fs::symlink_metadata(dir.join(rel)).ok()?;
            let modified = nanos(meta.modified().ok()?);
            Some(format!(
                "{fp:016x} {} {} {modified} {rel}\n",
                group_char(group),
                meta.len()
            ))
        })
        .collect();
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = writeln!(z, "{HEADER} {key:016x} {:016x}", search_key.unwrap_or(0));
    for line in lines {
        let _ = z.write_all(line.as_bytes());
    }
    z.finish().unwrap_or_default()
}

/// The files of the record `bytes` that `dir` still holds as recorded; empty when
/// the record is damaged, of another format or from another binary than `key`.
pub fn previous(bytes: &[u8], dir: &Path, key: u64) -> Previous {
    let Some((search_key, lines)) = decode(bytes, key) else {
        return Previous::default();
    };
    let checked: Vec<(String, Line, bool)> = lines
        .into_par_iter()
        .map(|(rel, line)| {
            let intact = crate::output::check_rel(&rel).is_ok()
                && std::fs::symlink_metadata(dir.join(&rel)).is_ok_and(|m| {
                    m.is_file()
                        && m.len() == line.len
                        && m.modified().ok().map(nanos) == Some(line.modified)
                });
            (rel, line, intact)
        })
        .collect();
    let mut out = Previous::default();
    let mut index = (search_key != 0).then(|| Index {
        key: search_key,
        files: Vec::new(),
    });
    for (rel, line, intact) in checked {
        if line.group == Group::Search {
            if !intact {
                index = None;
            } else if let Some(index) = &mut index {
                index.files.push((rel, line.fingerprint, line.len));
            }
        } else if intact {
            out.manifest
                .extend(line.group, [(rel.clone(), line.fingerprint)]);
            out.lens.insert(rel, line.len);
        }
    }
    out.search = index.filter(|i| !i.files.is_empty());
    out
}

/// The search key and lines of a record written for `key`, or `None`.
fn decode(bytes: &[u8], key: u64) -> Option<(u64, Vec<(String, Line)>)> {
    let mut text = String::new();
    ZlibDecoder::new(bytes)
        .take(MAX_RECORD)
        .read_to_string(&mut text)
        .ok()?;
    let mut lines = text.lines();
    let (format, keys) = lines.next()?.split_at_checked(HEADER.len())?;
    let (written_for, search_key) = keys.trim_start().split_once(' ')?;
    if format != HEADER || u64::from_str_radix(written_for, 16).ok()? != key {
        return None;
    }
    let search_key = u64::from_str_radix(search_key, 16).ok()?;
    let lines = lines
        .map(|l| {
            let mut f = l.splitn(5, ' ');
            let fingerprint = u64::from_str_radix(f.next()?, 16).ok()?;
            let group = group_of(f.next()?)?;
            let len = f.next()?.parse().ok()?;
            let modified = f.next()?.parse().ok()?;
            let rel = f.next()?.to_owned();
            // Only what records hold: anything else means damage.
            (group != Group::Static).then_some((
                rel,
                Line {
                    fingerprint,
                    group,
                    len,
                    modified,
                },
            ))
        })
        .collect::<Option<_>>()?;
    Some((search_key, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(&str, Group, u64)]) -> Manifest {
        let mut m = Manifest::new();
        for (rel, g, fp) in files {
            m.extend(*g, [((*rel).to_owned(), *fp)]);
        }
        m
    }

    #[test]
    fn a_record_reads_back_only_for_its_binary_and_only_untouched_files() {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in [
            ("a.html", "aaa"),
            ("b/index.html", "bb"),
            ("c.vtt", "c"),
            ("search/i/0.bin", "iiii"),
            ("search/t.bin", "tt"),
        ] {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let m = manifest(&[
            ("a.html", Group::Render, 1),
            ("b/index.html", Group::Render, 2),
            ("c.vtt", Group::Exports, 3),
            ("search/i/0.bin", Group::Search, 4),
            ("search/t.bin", Group::Search, 44),
            ("robots.txt", Group::Static, 5),
            ("gone.html", Group::Render, 6),
        ]);
        let record = encode(dir.path(), &m, 7, Some(11));

        let back = previous(&record, dir.path(), 7);
        assert_eq!(
            back.manifest,
            manifest(&[
                ("a.html", Group::Render, 1),
                ("b/index.html", Group::Render, 2),
                ("c.vtt", Group::Exports, 3),
            ])
        );
        assert_eq!(back.lens.get("b/index.html"), Some(&2));
        assert_eq!(
            back.search,
            Some(Index {
                key: 11,
                files: vec![
                    ("search/i/0.bin".to_owned(), 4, 4),
                    ("search/t.bin".to_owned(), 44, 2)
                ],
            })
        );
        // Without a search key the index is not recorded.
        let unindexed = encode(dir.path(), &m, 7, None);
        assert_eq!(previous(&unindexed, dir.path(), 7).search, None);

        // Another binary, a damaged record: nothing is trusted.
        assert!(previous(&record, dir.path(), 8).manifest.is_empty());
        assert!(
            previous(&record[..record.len() - 3], dir.path(), 7)
                .manifest
                .is_empty()
        );
        assert!(previous(b"junk", dir.path(), 7).manifest.is_empty());

        // A file changed since (length or time) is no longer trusted; one search file
        // changed loses the whole index.
        std::fs::write(dir.path().join("a.html"), "aaaa").unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(dir.path().join("c.vtt"))
            .unwrap();
        f.set_modified(UNIX_EPOCH).unwrap();
        std::fs::remove_file(dir.path().join("search/t.bin")).unwrap();
        let back = previous(&record, dir.path(), 7);
        assert_eq!(
            back.manifest,
            manifest(&[("b/index.html", Group::Render, 2)])
        );
        assert_eq!(back.search, None);
    }
}
