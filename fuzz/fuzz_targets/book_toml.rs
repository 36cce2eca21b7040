//! Fuzzes book.toml: any text gives settings or an error, never a panic, and an
//! error names book.toml.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(err) = castbook::config::parse(text) {
        let msg = format!("{err:#}");
        assert!(msg.contains("book.toml"), "{msg}");
    }
});
