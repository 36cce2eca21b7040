//! The crate's layers, and the test that keeps every module importing only from
//! layers below its own.
//!
//! | layer | modules | what they are |
//! |---|---|---|
//! | 0 | `diag`, `slug`, `markdown`, `text`, `timeline` | leaves: diagnostics, slugs, Markdown, words, turn spans |
//! | 1 | `site`, `model` | shared vocabulary: URLs, file layout, output sink; the archive model |
//! | 2 | `config` | book.toml (which names files of the layout) |
//! | 3 | `transcript` | the parser and its input |
//! | 4 | `content` | walking and reading the content folder |
//! | 5 | `archive` | linking parsed episodes into the model |
//! | 6 | `theme` | templates and assets |
//! | 7 | `render`, `exports`, `search` | the three writers, side by side |
//! | 8 | `output` | staging folders and their swap |
//! | 9 | the crate root (`lib.rs` and `pipeline/`) | the pipeline and what it keeps between builds |
//! | 10 | `serve`, `init`, `import` | commands built on the pipeline |
//!
//! Modules of one layer never import each other either: render, exports and search
//! share only what `site` holds. Test files (`tests.rs`, `tests/`) may reach anywhere.

/// Layers from the bottom; `lib` stands for the crate root's own items.
const LAYERS: &[&[&str]] = &[
    &["diag", "slug", "markdown", "text", "timeline"],
    &["site", "model"],
    &["config"],
    &["transcript"],
    &["content"],
    &["archive"],
    &["theme"],
    &["render", "exports", "search"],
    &["output"],
    &["lib"],
    &["serve", "init", "import"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The crate-level names a source text refers to: `crate::x::…` gives `x`, and each
/// name of a `crate::{a, b::c}` group. Comment lines are skipped (doc links may point
/// anywhere).
fn crate_refs(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let preceded = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        rest = &rest[i + "crate::".len()..];
        if preceded {
            // `$crate::` in a macro or `other_crate::`: not this crate.
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut current = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        if !current.is_empty() {
                            names.push(std::mem::take(&mut current));
                        }
                        at_start = true;
                    }
                    c if depth == 1 && at_start && (c.is_alphanumeric() || c == '_') => {
                        current.push(c);
                    }
                    _ if depth == 1 && at_start && !current.is_empty() => {
                        names.push(std::mem::take(&mut current));
                        at_start = false;
                    }
                    _ => {}
                }
            }
            if !current.is_empty() {
                names.push(current);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

/// Modules that are part of the crate root: the pipeline's stages, split out of
/// `lib.rs` into files of their own.
const ROOT_PARTS: &[&str] = &["pipeline"];

/// Which module a crate-level name belongs to: a module by name, else the crate root.
fn module_of(name: &str) -> &str {
    if layer_of(name).is_some() && !ROOT_PARTS.contains(&name) {
        name
    } else {
        "lib"
    }
}

#[test]
fn every_module_imports_only_from_layers_below_it() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path.strip_prefix(&src).unwrap();
        let rel_s = rel.to_string_lossy().replace('\\', "/");
        if path.extension().is_none_or(|e| e != "rs")
            || rel_s.ends_with("tests.rs")
            || rel_s.contains("/tests/")
            || rel_s == "layers.rs"
            || rel_s == "main.rs"
            || rel_s == "cli.rs"
        {
            continue;
        }
        let top = rel_s.split('/').next().unwrap().trim_end_matches(".rs");
        let module = if top == "lib" || ROOT_PARTS.contains(&top) {
            "lib"
        } else {
            top
        };
        let Some(own) = layer_of(module) else {
            violations.push(format!("{rel_s}: module `{module}` has no layer in LAYERS"));
            continue;
        };
        seen += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for name in crate_refs(&text) {
            let target = module_of(&name);
            if target == module {
                continue;
            }
            let theirs = layer_of(target).unwrap();
            if theirs >= own {
                violations.push(format!(
                    "{rel_s}: `{module}` (layer {own}) uses `crate::{name}` (`{target}`, layer {theirs})"
                ));
            }
        }
    }
    assert!(
        seen > 40,
        "only {seen} source files found under {}",
        src.display()
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn references_are_read_from_paths_and_groups() {
    let text = "use crate::site::OutputSink;\n// crate::serve in a comment\n\
                use crate::{ArchiveStats, content::{self, X}, lap};\nlet x = $crate::y;";
    assert_eq!(
        crate_refs(text),
        ["site", "ArchiveStats", "content", "lap"].map(String::from)
    );
}
