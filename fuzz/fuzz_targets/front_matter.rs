//! Fuzzes front matter: arbitrary bytes between the `---` fences of an otherwise
//! valid transcript. The body always parses, so every input reaches the YAML reader
//! and the typed field checks (aliases, nesting, tags, odd scalars, huge keys).
//! It must never panic, and it returns an episode exactly when it reports no error;
//! every error must point inside the front matter, at a real line of the file.

#![no_main]

use castbook::transcript::{ParseOptions, SourceFile, parse};
use libfuzzer_sys::fuzz_target;

/// A body with one chapter and two turns: valid whatever the front matter says.
const BODY: &[u8] = b"---\nTranscript\n### Start\nRyan 00:00:01: Hello.\n\nEve 00:00:05:\n\nHi.\n";

fuzz_target!(|data: &[u8]| {
    let date_format = match data.first() {
        Some(b) if b & 1 == 1 => Some("%d/%m/%Y".to_owned()),
        _ => None,
    };
    let mut bytes = b"---\n".to_vec();
    bytes.extend_from_slice(data);
    if !data.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(BODY);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let src = SourceFile {
        display: "content/fuzz.txt".to_owned(),
        bytes,
    };
    let (episode, diagnostics) = parse(&src, &ParseOptions { date_format });
    assert_eq!(
        episode.is_some(),
        !diagnostics.iter().any(|d| d.is_error()),
        "an episode must come back exactly when there is no error"
    );
    for d in &diagnostics {
        assert!(!d.message.is_empty());
        assert!(d.span_len >= 1);
        if let Some(line) = d.line {
            assert!(
                line >= 1 && (line as usize) <= lines,
                "line {line} of {lines}"
            );
        }
    }
});
