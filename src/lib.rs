//! castbook: a static site generator for podcast transcript archives.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`config`] (book.toml) → [`content`] (walk and read) → [`transcript`] (parse, in
//! parallel) → [`archive`] (link into the [`model`]) → render → [`output`] (stage and
//! swap in). [`load`] runs the first four stages (all `castbook check` needs);
//! [`build`] runs them all.

pub mod archive;
pub mod config;
pub mod content;
pub mod diag;
pub mod model;
pub mod output;
pub mod slug;
pub mod transcript;
