//! The `castbook` binary: parses the command line, runs the library, prints
//! diagnostics and maps the outcome to an exit code (0 ok, 1 content errors,
//! 2 usage or configuration errors).

mod cli;

// Rendering allocates many short-lived strings on every thread; glibc malloc's arena
// locking showed up as a fifth of a build's CPU time, mimalloc's thread caches do not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use castbook::diag::Diagnostics;
use castbook::{BuildOptions, LoadOptions, build, check};
use cli::{Cli, Command};

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for
/// them (`MADV_HUGEPAGE`), and every fault on such a region then zeroes 2 MB: at 1000
/// episodes that was a sixth of a build's CPU time (kernel `clear_page_erms`) and put
/// peak memory over 400 MB, for no gain, since a build touches its memory once.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer flag and touches no memory of ours;
    // on a kernel without it the call fails with EINVAL, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

const EXIT_CONTENT: u8 = 1;
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Check(args) => run_check(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => run_serve(&args),
        Command::Init(args) => run_init(&args),
        Command::Import(args) => run_import(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{msg}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn print_diagnostics(diags: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for d in diags.iter() {
        // A closed stderr must not turn into a panic.
        let _ = writeln!(err, "{d}");
    }
}

fn summary_counts(diags: &Diagnostics) -> String {
    let (e, w) = (diags.error_count(), diags.warning_count());
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}

fn run_check(args: &cli::CheckArgs) -> anyhow::Result<ExitCode> {
    let report = check(&LoadOptions {
        root: args.site.root.clone(),
        drafts: args.drafts,
    })?;
    print_diagnostics(&report.diagnostics);
    println!(
        "checked {} in {:.2?}: {} ({})",
        files(report.files),
        report.elapsed,
        report.stats,
        summary_counts(&report.diagnostics)
    );
    if args.timings {
        print_timings(&report.timings, report.elapsed, &[]);
    }
    Ok(exit_for(&report.diagnostics))
}

/// One stage a line, with what the writing stages wrote, on stderr so stdout's
/// summary lines stay the same for scripts.
fn print_timings(
    timings: &castbook::Timings,
    total: std::time::Duration,
    sizes: &[(&'static str, castbook::site::Tally)],
) {
    use castbook::output::size::{mb, thousands};
    let mut err = std::io::stderr().lock();
    for (stage, took) in timings {
        let wrote = sizes
            .iter()
            .find(|(s, _)| s == stage)
            .map(|(_, t)| {
                format!(
                    " {:>10} {:>7} {}",
                    mb(t.bytes),
                    thousands(t.files),
                    file_s(t.files)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            err,
            "{stage:>8} {:>9.1} ms{wrote}",
            took.as_secs_f64() * 1e3
        );
    }
    let written: castbook::site::Tally = sizes
        .iter()
        .fold(castbook::site::Tally::default(), |a, (_, t)| a + *t);
    let wrote = if sizes.is_empty() {
        String::new()
    } else {
        format!(
            " {:>10} {:>7} files",
            mb(written.bytes),
            thousands(written.files)
        )
    };
    let _ = writeln!(
        err,
        "{:>8} {:>9.1} ms{wrote}",
        "total",
        total.as_secs_f64() * 1e3
    );
}

fn run_build(args: &cli::BuildArgs) -> anyhow::Result<ExitCode> {
    let opts = BuildOptions {
        root: args.site.root.clone(),
        dest: args.dest.clone(),
        site_url: args.site_url.clone(),
        drafts: args.drafts,
        minify: !args.no_minify,
        live_reload: None,
    };
    // indicatif draws nothing when stderr is not a terminal, so pipes and CI stay quiet.
    let bar = indicatif::ProgressBar::new_spinner().with_message("rendering");
    if std::env::var_os("CI").is_some() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} files")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let progress = |n: u64| bar.inc(n);
    let report = build(&opts, &progress);
    bar.finish_and_clear();
    let report = report?;
    print_diagnostics(&report.diagnostics);
    if report.written {
        println!(
            "built {} in {:.2?}: {} files in {} ({})",
            report.stats,
            report.elapsed,
            report.files,
            report.dest.display(),
            summary_counts(&report.diagnostics)
        );
        let written = report
            .stage_sizes
            .iter()
            .fold(castbook::site::Tally::default(), |a, (_, t)| a + *t);
        println!("{}", report.size.line(written));
    } else {
        // A first build has no previous site to speak of.
        let kept = if report.dest.exists() {
            format!(
                "the previous site in {} was left untouched",
                report.dest.display()
            )
        } else {
            format!("nothing was written to {}", report.dest.display())
        };
        eprintln!(
            "build stopped: {}; {kept}",
            summary_counts(&report.diagnostics)
        );
    }
    if args.timings {
        print_timings(&report.timings, report.elapsed, &report.stage_sizes);
    }
    Ok(exit_for(&report.diagnostics))
}

fn file_s(n: u64) -> &'static str {
    if n == 1 { "file" } else { "files" }
}

fn files(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

fn exit_for(diags: &Diagnostics) -> ExitCode {
    if diags.has_errors() {
        ExitCode::from(EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_init(args: &cli::InitArgs) -> anyhow::Result<ExitCode> {
    use castbook::init::{InitOptions, SkipReason, init};
    let report = init(&InitOptions {
        dir: args.dir.clone(),
        theme: args.theme,
        ci: args.ci.into(),
    })?;
    // Paths as the user would type them from here: `podcast/book.toml`, or `book.toml`.
    let shown = |rel: &std::path::Path| {
        if args.dir == std::path::Path::new(".") {
            rel.display().to_string()
        } else {
            args.dir.join(rel).display().to_string()
        }
    };
    for rel in &report.created {
        println!("created {}", shown(rel));
    }
    for (rel, why) in &report.skipped {
        let why = match why {
            SkipReason::Exists => "exists, left unchanged",
            SkipReason::HasTranscripts => "the content folder already has transcripts",
            SkipReason::ContentUnusable => {
                "the content folder cannot be read; `castbook check` says why"
            }
        };
        println!("skipped {} ({why})", shown(rel));
    }
    if args.theme {
        println!(
            "\nThe theme is in {}: its files replace the built-in ones. Delete those you do \
             not change, so they keep following castbook's updates.",
            shown(std::path::Path::new("themes/default/"))
        );
    }
    let cd = if args.dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", args.dir.display())
    };
    let publish = match args.ci {
        cli::CiArg::Github => {
            "push to GitHub, then choose Settings → Pages → Source: GitHub Actions (a custom \
             domain is set there too)."
        }
        cli::CiArg::Gitlab => {
            "push to GitLab: the `pages` job publishes the site at the address shown under \
             Deploy → Pages."
        }
        cli::CiArg::None => {
            "`castbook build --site-url <the site's address>` and upload the output folder \
             to any static host."
        }
    };
    println!(
        "\nNext: `{cd}castbook serve` previews the archive at http://127.0.0.1:3000/ and \
         reloads it as you edit.\nTo publish: {publish}"
    );
    Ok(ExitCode::SUCCESS)
}

fn run_import(args: &cli::ImportArgs) -> anyhow::Result<ExitCode> {
    let report = castbook::import::import(&castbook::import::ImportOptions {
        files: args.files.clone(),
        out_dir: args.out_dir.clone(),
    })?;
    let mut diags = Diagnostics::new();
    diags.extend(report.diagnostics);
    print_diagnostics(&diags);
    for (from, to) in &report.written {
        println!("wrote {} (from {})", to.display(), from.display());
    }
    if !report.written.is_empty() {
        println!(
            "\nFill in the metadata block at the top of each file. If the originals are in \
             your content folder, move them out: an episode read twice is published twice."
        );
    }
    Ok(if report.failed > 0 {
        ExitCode::from(EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(feature = "serve")]
fn run_serve(args: &cli::ServeArgs) -> anyhow::Result<ExitCode> {
    use castbook::serve::{EventSink, ServeOptions, run};
    let root = std::fs::canonicalize(&args.site.root).unwrap_or_else(|_| args.site.root.clone());
    let events: EventSink = std::sync::Arc::new(move |event| print_serve_event(&root, event));
    run(
        &ServeOptions {
            root: args.site.root.clone(),
            host: args.host.clone(),
            port: args.port,
            open: args.open,
            drafts: args.drafts,
        },
        events,
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "serve")]
fn print_serve_event(root: &std::path::Path, event: castbook::serve::ServeEvent<'_>) {
    use castbook::serve::ServeEvent;
    match event {
        ServeEvent::Rebuilding(changes) => {
            let mut names: Vec<String> = changes
                .paths
                .iter()
                .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
                .collect();
            let more = names.len().saturating_sub(3);
            names.truncate(3);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let what = if names.is_empty() {
                "many files".to_owned()
            } else {
                names.join(", ")
            };
            println!("changed: {what}{more}; rebuilding");
        }
        ServeEvent::Built(report) => {
            print_diagnostics(&report.diagnostics);
            if report.written {
                println!(
                    "built {} in {:.2?}: {} ({})",
                    files(report.files),
                    report.elapsed,
                    report.stats,
                    summary_counts(&report.diagnostics)
                );
                // Where the time went, so a slow save can be traced to its stage.
                let stages: Vec<String> = report
                    .timings
                    .iter()
                    .map(|(name, took)| format!("{name} {:.1} ms", took.as_secs_f64() * 1e3))
                    .collect();
                println!("  stages: {}", stages.join(", "));
            } else {
                println!(
                    "not rebuilt ({}): still serving the last good site, with the errors shown \
                     on every page",
                    summary_counts(&report.diagnostics)
                );
            }
        }
        ServeEvent::Failed(e) => eprintln!("error: {e:#}"),
        ServeEvent::Listening { url, exposed } => {
            if exposed {
                eprintln!(
                    "warning: listening on a non-loopback address: anyone who can reach this \
                     machine (e.g. on the same Wi-Fi) can read the site, drafts included, while \
                     castbook serve runs; leave out -n to serve on 127.0.0.1 only"
                );
            }
            println!("serving {url} (Ctrl-C to stop)");
        }
        ServeEvent::SearchIndexed(took) => println!("search index updated in {took:.2?}"),
        ServeEvent::Warning(w) => eprintln!("warning: {w}"),
    }
}
