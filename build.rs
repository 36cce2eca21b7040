//! Build script: puts the commit into `castbook --version` (see build/commit.rs).

#[path = "build/commit.rs"]
mod commit;

fn main() {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let found = commit::find(&dir);
    let version = env!("CARGO_PKG_VERSION");
    let long = match &found.commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_owned(),
    };
    println!("cargo::rustc-env=CASTBOOK_VERSION={long}");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/commit.rs");
    for path in &found.watch {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}
