//! Publishing: the castbook action's install script (action/install.sh) and the GitLab
//! template's download steps, run against a local folder laid out like a GitHub release
//! and filled by the release packaging script (.github/scripts/package.sh). Cargo and
//! wget are stubs on PATH here: nothing is compiled, nothing leaves the machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::init::gitlab_ci;
use crate::support::{Site, repo, tool_missing};

/// The targets the release workflow builds, and the runners each one serves.
const RUNNERS: [(&str, &str, &str); 6] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
    ("macOS", "X64", "x86_64-apple-darwin"),
    ("macOS", "ARM64", "aarch64-apple-darwin"),
    ("Windows", "X64", "x86_64-pc-windows-msvc"),
    // Windows on Arm runs the x64 build through its emulation.
    ("Windows", "ARM64", "x86_64-pc-windows-msvc"),
];

/// Release targets, as .github/workflows/release.yml builds them.
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

/// True when the shell tools the scripts use are here (see [`tool_missing`]).
fn have_tools() -> bool {
    for tool in ["bash", "curl", "tar", "zip", "unzip", "sha256sum", "git"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return tool_missing(&format!("`{tool}` is not installed"));
        }
    }
    true
}

/// A folder laid out like `https://github.com/OWNER/NAME/releases`.
struct Releases {
    dir: tempfile::TempDir,
}

impl Releases {
    fn new() -> Releases {
        Releases {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The base URL install.sh takes in `CASTBOOK_RELEASES`.
    fn url(&self) -> String {
        format!("file://{}", self.dir.path().display())
    }

    /// Where the assets of `tag` ("v1.2.3", or "latest") are.
    fn assets(&self, tag: &str) -> PathBuf {
        if tag == "latest" {
            self.dir.path().join("latest/download")
        } else {
            self.dir.path().join("download").join(tag)
        }
    }

    /// Packs `binary` for `target` into `tag`'s assets with the release script.
    fn publish(&self, tag: &str, target: &str, binary: &Path) {
        let out = Command::new("bash")
            .arg(repo().join(".github/scripts/package.sh"))
            .arg(target)
            .arg(binary)
            .arg(self.assets(tag))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "package.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A release `tag` of stand-in binaries that print `castbook <label> (<target>)`.
    fn publish_fakes(&self, tag: &str, label: &str) {
        let bins = tempfile::tempdir().unwrap();
        for target in TARGETS {
            let bin = bins.path().join(target);
            std::fs::write(
                &bin,
                format!("#!/bin/sh\necho 'castbook {label} ({target})'\n"),
            )
            .unwrap();
            self.publish(tag, target, &bin);
        }
    }
}

/// One run of install.sh: its exit status, output and the runner files it appended to.
struct Install {
    ok: bool,
    stdout: String,
    stderr: String,
    outputs: BTreeMap<String, String>,
    path: Vec<String>,
}

/// The runner's files and the install folder, shared by the runs of one scenario.
struct Runner {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Runner {
    fn new(releases: &Releases) -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let env = vec![
            ("CASTBOOK_RELEASES".to_owned(), releases.url()),
            (
                "CASTBOOK_DIR".to_owned(),
                dir.path().join("castbook").display().to_string(),
            ),
            (
                "GITHUB_OUTPUT".to_owned(),
                dir.path().join("output").display().to_string(),
            ),
            (
                "GITHUB_PATH".to_owned(),
                dir.path().join("path").display().to_string(),
            ),
        ];
        Runner { dir, env }
    }

    fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Runner {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.into()));
        self
    }

    fn install_dir(&self) -> PathBuf {
        self.dir.path().join("castbook")
    }

    /// Runs `install.sh <mode>`; the runner's files are read back and emptied.
    fn run(&self, mode: &str) -> Install {
        let mut cmd = Command::new("bash");
        cmd.arg(repo().join("action/install.sh")).arg(mode);
        // Whatever runner this test itself runs on must not leak into the scenario.
        for var in [
            "RUNNER_OS",
            "RUNNER_ARCH",
            "RUNNER_TEMP",
            "ImageOS",
            "GITHUB_ACTION_PATH",
            "CASTBOOK_VERSION",
            "CASTBOOK_ACTION_REF",
            "CASTBOOK_REPOSITORY",
            "CASTBOOK_GIT",
            "CASTBOOK_CARGO_REF",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().unwrap();
        let read = |name: &str| {
            let path = self.dir.path().join(name);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let _ = std::fs::remove_file(&path);
            text
        };
        let outputs = read("output")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let path = read("path").lines().map(str::to_owned).collect();
        Install {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs,
            path,
        }
    }
}

impl Install {
    fn expect_ok(&self) -> &Install {
        assert!(
            self.ok,
            "install.sh failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn expect_error(&self, what: &str) -> &Install {
        assert!(!self.ok, "install.sh succeeded\n{}", self.stdout);
        assert!(
            self.stderr.contains(what),
            "no `{what}` in stderr:\n{}",
            self.stderr
        );
        self
    }

    fn output(&self, key: &str) -> &str {
        self.outputs.get(key).map_or("", String::as_str)
    }
}

#[test]
fn the_action_installs_the_release_built_for_each_runner() {
    if !have_tools() {
        return;
    }
    let releases = Releases::new();
    releases.publish_fakes("v9.9.9", "9.9.9");
    for (os, arch, target) in RUNNERS {
        let mut runner = Runner::new(&releases);
        runner
            .set("RUNNER_OS", os)
            .set("RUNNER_ARCH", arch)
            .set("CASTBOOK_VERSION", "9.9.9");
        let run = runner.run("release");
        run.expect_ok();
        let bin = runner.install_dir().join("bin");
        assert_eq!(run.output("version"), format!("castbook 9.9.9 ({target})"));
        assert_eq!(run.output("source"), "release");
        assert_eq!(run.path, [bin.display().to_string()], "{os} {arch}");
        let exe = if os == "Windows" {
            "castbook.exe"
        } else {
            "castbook"
        };
        assert!(bin.join(exe).is_file(), "{os} {arch}: no {exe}");
        assert!(run.stdout.contains("sha256"), "{}", run.stdout);
        assert!(!run.outputs.contains_key("fallback"));
    }
}

#[test]
fn the_action_installs_the_version_it_is_pinned_to() {
    if !have_tools() {
        return;
    }
    let releases = Releases::new();
    releases.publish_fakes("v9.9.9", "9.9.9");
    releases.publish_fakes("latest", "latest");
    let cases: [(&[(&str, &str)], &str); 7] = [
        // `uses: castbook/castbook@v9.9.9`, as the runner checks the action out.
        (
            &[(
                "GITHUB_ACTION_PATH",
                "/home/runner/work/_actions/castbook/castbook/v9.9.9",
            )],
            "9.9.9",
        ),
        (
            &[(
                "GITHUB_ACTION_PATH",
                r"D:\a\_actions\castbook\castbook\v9.9.9",
            )],
            "9.9.9",
        ),
        // github.action_ref, when the path says nothing.
        (&[("CASTBOOK_ACTION_REF", "v9.9.9")], "9.9.9"),
        // A branch pin has no release of its own.
        (
            &[(
                "GITHUB_ACTION_PATH",
                "/home/runner/work/_actions/castbook/castbook/main",
            )],
            "latest",
        ),
        (&[], "latest"),
        // The input wins over the pin.
        (
            &[
                ("CASTBOOK_VERSION", "latest"),
                ("CASTBOOK_ACTION_REF", "v9.9.9"),
            ],
            "latest",
        ),
        (&[("CASTBOOK_VERSION", "v9.9.9")], "9.9.9"),
    ];
    for (env, want) in cases {
        let mut runner = Runner::new(&releases);
        runner.set("RUNNER_OS", "Linux").set("RUNNER_ARCH", "X64");
        for (k, v) in env {
            runner.set(k, *v);
        }
        let run = runner.run("release");
        run.expect_ok();
        assert_eq!(
            run.output("version"),
            format!("castbook {want} (x86_64-unknown-linux-musl)"),
            "{env:?}"
        );
    }
    for bad in ["9.9", "1.2.3; rm -rf /", "../v9.9.9", "main"] {
        let mut runner = Runner::new(&releases);
        runner.set("CASTBOOK_VERSION", bad);
        runner.run("release").expect_error("version: expected");
    }
}

#[test]
fn the_action_refuses_an_archive_that_fails_its_checksum() {
    if !have_tools() {
        return;
    }
    let releases = Releases::new();
    releases.publish_fakes("v9.9.9", "9.9.9");
    let assets = releases.assets("v9.9.9");
    // One byte more in the Linux archive; the Windows archive loses its checksum file.
    let linux = assets.join("castbook-x86_64-unknown-linux-musl.tar.gz");
    let mut bytes = std::fs::read(&linux).unwrap();
    bytes.push(0);
    std::fs::write(&linux, bytes).unwrap();
    std::fs::remove_file(assets.join("castbook-x86_64-pc-windows-msvc.zip.sha256")).unwrap();

    for (os, arch, error) in [
        ("Linux", "X64", "checksum mismatch"),
        ("Windows", "X64", "cannot be checked"),
    ] {
        let mut runner = Runner::new(&releases);
        runner
            .set("RUNNER_OS", os)
            .set("RUNNER_ARCH", arch)
            .set("CASTBOOK_VERSION", "9.9.9");
        let run = runner.run("release");
        run.expect_error(error);
        // Refused outright: nothing installed, no fallback to a build either.
        assert!(!runner.install_dir().join("bin").exists());
        assert!(run.outputs.is_empty(), "{:?}", run.outputs);
        assert!(run.path.is_empty());
    }
    // The untouched archive next to them still installs.
    let mut runner = Runner::new(&releases);
    runner
        .set("RUNNER_OS", "macOS")
        .set("RUNNER_ARCH", "ARM64")
        .set("CASTBOOK_VERSION", "9.9.9");
    runner.run("release").expect_ok();
}

/// A git repository standing in for github.com/castbook/castbook, with these tags.
fn git_repo(tags: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
            .args(["-c", "commit.gpgSign=false"])
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    git(&["commit", "-q", "--allow-empty", "-m", "first"]);
    for tag in tags {
        git(&["tag", tag]);
    }
    dir
}

fn head_of(repo: &Path) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A `cargo` that records its arguments and "installs" a castbook that prints them.
fn cargo_stub() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("cargo.log");
    let script = format!(
        r#"#!/bin/sh
echo "$@" >> '{log}'
root=""
while [ $# -gt 0 ]; do
    if [ "$1" = --root ]; then root=$2; fi
    shift
done
mkdir -p "$root/bin"
printf '#!/bin/sh\necho "castbook built by cargo"\n' > "$root/bin/castbook"
chmod +x "$root/bin/castbook"
"#,
        log = log.display()
    );
    let path = dir.path().join("cargo");
    std::fs::write(&path, script).unwrap();
    let status = Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    assert!(status.success());
    dir
}

fn with_path(first: &Path) -> String {
    format!(
        "{}:{}",
        first.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn cargo_log(stub: &tempfile::TempDir) -> String {
    std::fs::read_to_string(stub.path().join("cargo.log")).unwrap_or_default()
}

#[test]
fn without_a_matching_release_the_action_builds_with_cargo_once() {
    if !have_tools() {
        return;
    }
    let releases = Releases::new();
    releases.publish_fakes("v9.9.9", "9.9.9");
    let git = git_repo(&["v9.9.8", "v9.9.9"]);
    let cargo = cargo_stub();

    // v9.9.8 is tagged but has no release archives.
    let mut runner = Runner::new(&releases);
    runner
        .set("RUNNER_OS", "Linux")
        .set("RUNNER_ARCH", "X64")
        .set("ImageOS", "ubuntu24")
        .set("CASTBOOK_VERSION", "9.9.8")
        .set("CASTBOOK_GIT", git.path().display().to_string())
        .set("PATH", with_path(cargo.path()));
    let run = runner.run("release");
    run.expect_ok();
    assert!(run.stdout.contains("no release archive"), "{}", run.stdout);
    assert_eq!(run.output("fallback"), "true");
    assert_eq!(run.output("cargo-ref"), "--tag v9.9.8");
    assert_eq!(
        run.output("cache-key"),
        "castbook-cargo-v9.9.8-ubuntu24-x86_64"
    );
    let root = runner.install_dir().join("cargo");
    assert_eq!(run.output("cargo-root"), root.display().to_string());
    assert!(!run.outputs.contains_key("source"), "{:?}", run.outputs);
    assert!(cargo_log(&cargo).is_empty(), "the release step ran cargo");

    // The cargo step, as action.yml runs it after restoring the (empty) cache.
    runner.set("CASTBOOK_CARGO_REF", run.output("cargo-ref"));
    let built = runner.run("cargo");
    built.expect_ok();
    assert_eq!(
        cargo_log(&cargo).trim(),
        format!(
            "install --locked --root {} --git {} --tag v9.9.8 castbook",
            root.display(),
            git.path().display()
        )
    );
    assert_eq!(built.output("source"), "cargo");
    assert_eq!(built.output("version"), "castbook built by cargo");
    assert_eq!(built.path, [root.join("bin").display().to_string()]);

    // Next run: the cache restored the binary, so cargo is not called again.
    let cached = runner.run("cargo");
    cached.expect_ok();
    assert!(cached.stdout.contains("restored from the cache"));
    assert_eq!(cargo_log(&cargo).lines().count(), 1);
    assert_eq!(cached.output("source"), "cargo");
}

#[test]
fn a_runner_without_a_build_gets_the_newest_release_tag_or_the_default_branch() {
    if !have_tools() {
        return;
    }
    let releases = Releases::new();
    releases.publish_fakes("latest", "latest");
    let cargo = cargo_stub();
    // 32-bit Arm Linux: no release is built for it.
    let tagged = git_repo(&["v1.2.0", "v1.10.0", "v1.9.3", "v2.0.0-rc.1", "nightly"]);
    let untagged = git_repo(&[]);
    for (git, want) in [
        (&tagged, "--tag v1.10.0".to_owned()),
        (&untagged, format!("--rev {}", head_of(untagged.path()))),
    ] {
        let mut runner = Runner::new(&releases);
        runner
            .set("RUNNER_OS", "Linux")
            .set("RUNNER_ARCH", "ARM")
            .set("CASTBOOK_GIT", git.path().display().to_string())
            .set("PATH", with_path(cargo.path()));
        let run = runner.run("release");
        run.expect_ok();
        assert!(
            run.stdout
                .contains("no castbook release is built for linux/arm"),
            "{}",
            run.stdout
        );
        assert_eq!(run.output("fallback"), "true");
        assert_eq!(run.output("cargo-ref"), want);
    }

    // A version that exists nowhere is an error, not a build of something else.
    let mut runner = Runner::new(&releases);
    runner
        .set("RUNNER_OS", "Linux")
        .set("RUNNER_ARCH", "X64")
        .set("CASTBOOK_VERSION", "9.9.7")
        .set("CASTBOOK_GIT", tagged.path().display().to_string());
    runner
        .run("release")
        .expect_error("castbook v9.9.7 does not exist");

    // The cargo step takes only a `--tag`/`--rev` and a plain name.
    let mut runner = Runner::new(&releases);
    runner
        .set("CASTBOOK_CARGO_REF", "--tag v1.0.0 --config evil")
        .set("PATH", with_path(cargo.path()));
    runner.run("cargo").expect_error("CASTBOOK_CARGO_REF");
    assert!(cargo_log(&cargo).is_empty());
}

/// The host's castbook, when this machine is one a release is built for.
fn host_target() -> Option<&'static str> {
    cfg!(all(target_os = "linux", target_arch = "x86_64")).then_some("x86_64-unknown-linux-musl")
}

#[test]
fn the_real_binary_survives_packaging_and_installing() {
    if !have_tools() {
        return;
    }
    let Some(target) = host_target() else {
        eprintln!("skipping: no release target runs on this host");
        return;
    };
    let releases = Releases::new();
    releases.publish("v9.9.9", target, Path::new(env!("CARGO_BIN_EXE_castbook")));
    let archive = releases
        .assets("v9.9.9")
        .join(format!("castbook-{target}.tar.gz"));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let listing = String::from_utf8(listing.stdout).unwrap();
    for file in ["castbook", "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(
            listing
                .lines()
                .any(|l| l == format!("castbook-{target}/{file}")),
            "{file} missing from\n{listing}"
        );
    }
    // No RUNNER_OS/RUNNER_ARCH: the script asks uname, as it does outside GitHub.
    let mut runner = Runner::new(&releases);
    runner.set("CASTBOOK_VERSION", "9.9.9");
    let run = runner.run("release");
    run.expect_ok();
    let real = Command::new(env!("CARGO_BIN_EXE_castbook"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        run.output("version"),
        String::from_utf8(real.stdout).unwrap().trim()
    );
}

/// A `wget` that copies from a local path (the GitLab job's only download tool).
fn wget_stub() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"#!/bin/sh
out="" url=""
while [ $# -gt 0 ]; do
    case "$1" in
    -q) ;;
    -O) out=$2; shift ;;
    *) url=$1 ;;
    esac
    shift
done
[ -f "$url" ] || { echo "wget: server returned error: HTTP/1.1 404 Not Found" >&2; exit 8; }
cp "$url" "$out"
"#;
    let path = dir.path().join("wget");
    std::fs::write(&path, script).unwrap();
    assert!(
        Command::new("chmod")
            .arg("+x")
            .arg(&path)
            .status()
            .unwrap()
            .success()
    );
    dir
}

/// Runs the `pages` job's script the way a GitLab runner does (one shell, line after
/// line, stopping at the first failure), with the release in `download`.
fn run_pages_job(site: &Path, download: &Path, pages_url: &str) -> std::process::Output {
    let ci = gitlab_ci(site);
    let job = &ci["pages"];
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let wget = wget_stub();
    let mut cmd = Command::new("sh");
    cmd.arg("-e")
        .arg("-c")
        .arg(script.join("\n"))
        .current_dir(site);
    for (k, v) in job["variables"].as_object().unwrap() {
        cmd.env(k, v.as_str().unwrap());
    }
    cmd.env("CASTBOOK_DOWNLOAD", download)
        .env("CI_PAGES_URL", pages_url)
        .env("PATH", with_path(wget.path()));
    cmd.output().unwrap()
}

#[test]
fn the_gitlab_job_installs_the_release_and_builds_for_the_pages_url() {
    if !have_tools() {
        return;
    }
    let Some(target) = host_target() else {
        eprintln!("skipping: no release target runs on this host");
        return;
    };
    let site = Site::empty();
    site.run(&["init", "--ci", "gitlab"]).expect_code(0);
    let version = env!("CARGO_PKG_VERSION");
    let tag = format!("v{version}");
    let releases = Releases::new();
    releases.publish(&tag, target, Path::new(env!("CARGO_BIN_EXE_castbook")));

    // GitLab's CI_PAGES_URL has no trailing slash; allow one all the same.
    for pages_url in [
        "https://castbook-demo.gitlab.io/show",
        "https://castbook-demo.gitlab.io/show/",
    ] {
        let _ = std::fs::remove_dir_all(site.path().join("public"));
        let out = run_pages_job(
            site.path(),
            &releases.dir.path().join("download"),
            pages_url,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "pages job failed:\n{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("castbook {version}")), "{stdout}");
        let sitemap = std::fs::read_to_string(site.path().join("public/sitemap.xml")).unwrap();
        assert!(
            sitemap.contains("<loc>https://castbook-demo.gitlab.io/show/episodes/"),
            "{sitemap}"
        );
        assert!(!sitemap.contains("show//"), "{sitemap}");
        assert!(site.path().join("public/index.html").is_file());
    }

    // A damaged download stops the job before anything is built.
    let _ = std::fs::remove_dir_all(site.path().join("public"));
    let _ = std::fs::remove_dir_all(site.path().join(".castbook"));
    let archive = releases
        .assets(&tag)
        .join(format!("castbook-{target}.tar.gz"));
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let out = run_pages_job(
        site.path(),
        &releases.dir.path().join("download"),
        "https://castbook-demo.gitlab.io/show",
    );
    assert!(!out.status.success());
    assert!(!site.path().join("public").exists());
}

/// A YAML file of the repository, as JSON.
fn repo_yaml(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn the_release_workflow_builds_what_the_installers_download() {
    let release = repo_yaml(".github/workflows/release.yml");
    let jobs = &release["jobs"];
    let built: Vec<&str> = jobs["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(built, TARGETS);
    // Every target the action picks is built, and every build is picked by a runner.
    for (_, _, target) in RUNNERS {
        assert!(TARGETS.contains(&target));
    }
    let tags = &release["on"]["push"]["tags"][0];
    assert_eq!(tags.as_str(), Some("v[0-9]+.[0-9]+.[0-9]+*"));
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    assert!(text.contains("bash .github/scripts/package.sh"));
    assert!(
        text.contains("-eq 5"),
        "the release job counts the archives"
    );
    // The published release is installed through the action on each kind of runner.
    let verify = &jobs["verify"];
    assert_eq!(verify["needs"].as_str(), Some("release"));
    let oses = verify["strategy"]["matrix"]["os"].as_array().unwrap();
    assert_eq!(oses.len(), 5, "{oses:?}");
    let uses: Vec<&str> = verify["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    assert!(uses.contains(&"./"), "{uses:?}");

    // The GitLab template downloads the same archive names from the same releases.
    let gitlab = std::fs::read_to_string(repo().join("src/init/gitlab-ci.yml")).unwrap();
    assert!(gitlab.contains("castbook-$(uname -m)-unknown-linux-musl.tar.gz"));
    assert!(TARGETS.contains(&"x86_64-unknown-linux-musl"));
    assert!(TARGETS.contains(&"aarch64-unknown-linux-musl"));
}

#[test]
fn the_action_passes_the_install_script_what_it_needs() {
    let action = repo_yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_array().unwrap();
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert_eq!(
        runs,
        [
            "bash \"$GITHUB_ACTION_PATH/action/install.sh\" release",
            "bash \"$GITHUB_ACTION_PATH/action/install.sh\" cargo",
        ]
    );
    // The outputs the release step writes (checked in the fallback test above).
    for output in [
        "fallback",
        "cargo-root",
        "cache-key",
        "cargo-ref",
        "version",
        "source",
    ] {
        assert!(
            text.contains(&format!("steps.release.outputs.{output}")),
            "action.yml never reads `{output}`"
        );
    }
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert_eq!(
        cache["with"]["path"].as_str(),
        Some("${{ steps.release.outputs.cargo-root }}")
    );
}
