//! Command-line interface: `castbook build | check | serve | init | import` and their options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// castbook turns a folder of podcast transcripts into a fast, cross-linked, searchable site.
#[derive(Debug, Parser)]
// `--version` names the commit (build.rs): `castbook 0.1.0 (4512783c70af 2026-11-26)`.
#[command(name = "castbook", version = env!("CASTBOOK_VERSION"), about, long_about = None)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (default `public/`).
    Build(BuildArgs),
    /// Parse every transcript and report problems; writes nothing.
    Check(CheckArgs),
    /// Preview the site at http://127.0.0.1:3000/, rebuilt and reloaded on every save.
    ///
    /// Content errors show in the page, over the last good site, until fixed.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Create a new archive (or what is missing of one); never overwrites a file.
    ///
    /// Writes book.toml, an example transcript, .gitignore and a GitHub Pages workflow
    /// (or, with `--ci gitlab`, a GitLab Pages pipeline).
    Init(InitArgs),
    /// Rewrite transcripts from other tools (.vtt, .srt, .json, otter.ai .txt) in
    /// castbook's own text format, to edit chapters and turns by hand.
    ///
    /// Each file is read with its metadata (NAME.yml, NAME.chapters.json,
    /// _defaults.yml) and written as NAME.txt, with a front matter block to fill in.
    /// Existing files are never overwritten.
    Import(ImportArgs),
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
pub(crate) struct SiteArgs {
    /// The site folder (holding book.toml and content/); defaults to the current folder.
    #[arg(default_value = ".")]
    pub(crate) root: PathBuf,
}

/// `castbook build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// Output folder (overrides `[build] build-dir`), relative to the current folder.
    #[arg(short = 'd', long = "dest-dir", value_name = "DEST")]
    pub(crate) dest: Option<PathBuf>,
    /// Where the site will be published, e.g. `/archive/` or `https://user.github.io/repo/`.
    #[arg(long, value_name = "URL")]
    pub(crate) site_url: Option<String>,
    /// Include episodes marked `draft: true`.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Write HTML as rendered, without minifying it.
    #[arg(long)]
    pub(crate) no_minify: bool,
    /// Print the time each stage took to stderr.
    #[arg(long)]
    pub(crate) timings: bool,
}

/// `castbook check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// Check episodes marked `draft: true` too.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Print the time each stage took to stderr.
    #[arg(long)]
    pub(crate) timings: bool,
}

/// `castbook init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Folder for the archive (created when missing); defaults to the current folder.
    #[arg(default_value = ".")]
    pub(crate) dir: PathBuf,
    /// Also copy the default theme into `themes/default/` for editing.
    #[arg(long)]
    pub(crate) theme: bool,
    /// Where the site is published from: the CI file to write.
    #[arg(long, value_enum, default_value_t = CiArg::Github)]
    pub(crate) ci: CiArg,
}

/// `castbook init --ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CiArg {
    /// GitHub Pages: .github/workflows/pages.yml
    Github,
    /// GitLab Pages: .gitlab-ci.yml
    Gitlab,
    /// No CI file: upload the built folder to any static host yourself
    None,
}

impl From<CiArg> for castbook::init::Ci {
    fn from(ci: CiArg) -> Self {
        match ci {
            CiArg::Github => Self::Github,
            CiArg::Gitlab => Self::Gitlab,
            CiArg::None => Self::None,
        }
    }
}

/// `castbook import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Transcript files to rewrite.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Folder for the written `.txt` files (created when missing).
    #[arg(short = 'o', long = "out-dir", value_name = "DIR", default_value = ".")]
    pub(crate) out_dir: PathBuf,
}

/// `castbook serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// Port to listen on; 0 picks a free one.
    #[arg(short = 'p', long, default_value_t = 3000)]
    pub(crate) port: u16,
    /// Address to listen on. Anything but loopback shows the site, drafts included, to
    /// every machine that can reach yours.
    #[arg(
        short = 'n',
        long = "hostname",
        value_name = "HOST",
        default_value = "127.0.0.1"
    )]
    pub(crate) host: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Include episodes marked `draft: true`.
    #[arg(long)]
    pub(crate) drafts: bool,
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
