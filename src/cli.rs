//! Command-line interface: `castbook build | check` and their options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// castbook turns a folder of podcast transcripts into a fast, cross-linked, searchable site.
#[derive(Debug, Parser)]
#[command(name = "castbook", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default `public/`).
    Build(BuildArgs),
    /// Parse every transcript and report problems; writes nothing.
    Check(CheckArgs),
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder (holding book.toml and content/); defaults to the current folder.
    #[arg(default_value = ".")]
    pub root: PathBuf,
}

/// `castbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (overrides `[build] build-dir`), relative to the current folder.
    #[arg(short = 'd', long = "dest-dir", value_name = "DEST")]
    pub dest: Option<PathBuf>,
    /// Where the site will be published, e.g. `/archive/` or `https://user.github.io/repo/`.
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,
    /// Include episodes marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Write HTML as rendered, without minifying it.
    #[arg(long)]
    pub no_minify: bool,
}

/// `castbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Check episodes marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
