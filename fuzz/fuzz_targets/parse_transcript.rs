//! Fuzzes the transcript parser: it must never panic, it returns an episode exactly
//! when it reports no error, and every diagnostic names a line the file has.

#![no_main]

use castbook::transcript::{ParseOptions, SourceFile, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The low bit of the first byte picks the date mode, so both date paths get fuzzed
    // without a second parse of every input.
    let date_format = match data.first() {
        Some(b) if b & 1 == 1 => Some("%d/%m/%Y".to_owned()),
        _ => None,
    };
    // Diagnostics must name a line the file has (lines end at `\n`).
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    let src = SourceFile {
        display: "content/fuzz.txt".to_owned(),
        bytes: data.to_vec(),
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
                line >= 1 && line as usize <= lines,
                "line {line} of {lines}"
            );
        }
    }
});
