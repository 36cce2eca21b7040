//! Test helpers: copy a fixture site into a temporary folder and run castbook there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary folder that is removed when dropped.
pub struct Site {
    dir: tempfile::TempDir,
}

/// What one castbook run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Site {
    /// An empty site folder.
    pub fn empty() -> Site {
        Site {
            dir: tempfile::Builder::new()
                .prefix("castbook-test-")
                .tempdir()
                .unwrap(),
        }
    }

    /// A copy of `tests/fixtures/<name>` (a folder holding `content/` and maybe `book.toml`).
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_tree(&repo().join("tests/fixtures").join(name), site.path());
        site
    }

    /// A copy of the repository's own sample site (book.toml + content/).
    pub fn sample() -> Site {
        let site = Site::empty();
        std::fs::copy(repo().join("book.toml"), site.path().join("book.toml")).unwrap();
        copy_tree(&repo().join("content"), &site.path().join("content"));
        site
    }

    /// The site root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the site root.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Runs `castbook <args>` with the site root as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Runs the castbook binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_castbook"))
        .args(args)
        .current_dir(dir)
        .env_remove("CASTBOOK_LOG")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    /// The headline of every diagnostic printed (lines starting `error:` or `warning:`).
    pub fn headlines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
            .collect()
    }

    /// Panics with both streams unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// True for `episodes/<year>/`, a year's archive beside the episode folders.
pub fn is_year_dir(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Copies a folder recursively (fixtures are small).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `../shared/tools/gen-corpus`, which CI lays beside the clone (or the path in
/// `CASTBOOK_GEN_CORPUS`, for a clone elsewhere). Outside CI a missing tool skips the
/// caller's test; under `CI=true` it is a failure.
pub fn gen_corpus() -> Option<PathBuf> {
    let tool = std::env::var_os("CASTBOOK_GEN_CORPUS")
        .map_or_else(|| repo().join("../shared/tools/gen-corpus"), PathBuf::from);
    if tool.exists() {
        return Some(tool);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI=true but {} is missing",
        tool.display()
    );
    eprintln!("skipping: {} not found", tool.display());
    None
}

/// Every file and folder under `root` (folders as `None`), with file contents, except
/// castbook's record of the folder (`.castbook-record`): it holds modification times,
/// not site content.
pub fn tree(root: &Path) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
                out.insert(rel, None);
            } else if rel != castbook::output::record::RECORD {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Generates `n` transcripts with gen-corpus into `dir`.
pub fn generate(n: usize, dir: &Path) -> bool {
    let Some(tool) = gen_corpus() else {
        return false;
    };
    let status = Command::new("python3")
        .arg(tool)
        .args(["--episodes", &n.to_string(), "--seed", "1"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success(), "gen-corpus failed");
    true
}

// ---------------------------------------------------------------------------
// Browser and HTML-validator tests: external tools, a static file server, and
// the Node scripts in `e2e/`.

/// True under CI (`CI` set), where a missing external tool is a failure.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Reports that `what` is missing: under `CI=true` the test fails, elsewhere it is
/// skipped with a printed message. Returns `false` so callers can `return`.
pub fn tool_missing(what: &str) -> bool {
    assert!(!in_ci(), "CI=true but {what} (see .ci/run)");
    eprintln!("skipping: {what}");
    false
}

/// The Nu HTML Checker jar installed by `npm ci` in `e2e/`.
pub fn vnu_jar() -> PathBuf {
    repo().join("e2e/node_modules/vnu-jar/build/dist/vnu.jar")
}

/// True when `java` and the vnu jar are there; see [`tool_missing`] otherwise.
pub fn have_vnu() -> bool {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !java {
        return tool_missing("`java` is not on PATH");
    }
    if !vnu_jar().is_file() {
        return tool_missing(&format!(
            "{} is missing (run `npm ci` in e2e/)",
            vnu_jar().display()
        ));
    }
    true
}

/// The Chromium the browser tests drive (Debian's package).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// True when node (20 or later), playwright-core in `e2e/node_modules` and
/// Chromium are there; see [`tool_missing`] otherwise.
pub fn have_browser() -> bool {
    let node = Command::new("node").arg("--version").output();
    let Some(node) = node.ok().filter(|o| o.status.success()) else {
        return tool_missing("`node` is not on PATH");
    };
    let version = String::from_utf8_lossy(&node.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return tool_missing(&format!(
            "node {version} is too old (playwright-core needs 20+)"
        ));
    }
    if !repo()
        .join("e2e/node_modules/playwright-core/package.json")
        .is_file()
    {
        return tool_missing("e2e/node_modules/playwright-core is missing (run `npm ci` in e2e/)");
    }
    if !Path::new(CHROMIUM).is_file() {
        return tool_missing(&format!("{CHROMIUM} is missing (apt-get install chromium)"));
    }
    true
}

/// What one `node e2e/<script>` run printed (stdout and stderr interleaved).
pub struct NodeRun {
    /// The exit code; `None` when killed by a signal or the time limit.
    pub code: Option<i32>,
    pub output: String,
}

/// Runs `node e2e/<script> <args>` from `e2e/`, killing it after `limit`.
pub fn run_e2e(script: &str, args: &[&str], limit: std::time::Duration) -> NodeRun {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(repo().join("e2e"))
        .stdin(std::process::Stdio::null())
        .stdout(log.reopen().unwrap())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let output = String::from_utf8_lossy(&std::fs::read(log.path()).unwrap()).into_owned();
    NodeRun { code, output }
}

impl NodeRun {
    /// Panics with the script's output unless it exited 0.
    pub fn expect_success(&self, what: &str) {
        eprintln!("--- {what}\n{}", self.output);
        assert!(
            self.code == Some(0),
            "{what} failed (exit {:?})\n--- output\n{}",
            self.code,
            self.output
        );
    }
}

/// A plain static file server on 127.0.0.1 (a free port) for browser tests:
/// `root` is published at `prefix` (`/` or `/archive/`), a folder URL serves its
/// `index.html` (or redirects to add the slash), and a missing file under the
/// prefix gets `root/404.html` with status 404, as GitHub Pages does. Stopped
/// when dropped.
pub struct StaticServer {
    addr: std::net::SocketAddr,
    prefix: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    /// Starts serving `root` at `http://127.0.0.1:PORT{prefix}`.
    pub fn start(root: &Path, prefix: &str) -> StaticServer {
        assert!(prefix.starts_with('/') && prefix.ends_with('/'));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (root, pre, flag) = (root.to_path_buf(), prefix.to_owned(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, pre) = (root.clone(), pre.clone());
                std::thread::spawn(move || serve_one(stream, &root, &pre));
            }
        });
        StaticServer {
            addr,
            prefix: prefix.to_owned(),
            stop,
            thread: Some(thread),
        }
    }

    /// The site's address, e.g. `http://127.0.0.1:40123/archive/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers one request (HTTP/1.1, `Connection: close`).
fn serve_one(mut stream: std::net::TcpStream, root: &Path, prefix: &str) {
    use std::io::{Read, Write};
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (mut status, kind, mut body, location) = respond(root, prefix, path);
    // Byte ranges, as any real static host answers them: a media element cannot seek
    // in audio whose server ignores `Range`.
    let mut content_range = None;
    if status == "200 OK"
        && let Some(range) = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("range")
                .then(|| value.trim())
        })
    {
        match byte_range(range, body.len()) {
            Some((start, end)) => {
                content_range = Some(format!("bytes {start}-{end}/{}", body.len()));
                body = body[start..=end].to_vec();
                status = "206 Partial Content";
            }
            None => {
                content_range = Some(format!("bytes */{}", body.len()));
                body = Vec::new();
                status = "416 Range Not Satisfiable";
            }
        }
    }
    let mut reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(r) = content_range {
        reply.push_str(&format!("Content-Range: {r}\r\n"));
    }
    if let Some(l) = location {
        reply.push_str(&format!("Location: {l}\r\n"));
    }
    reply.push_str("\r\n");
    let _ = stream.write_all(reply.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
    let _ = stream.flush();
}

/// The inclusive byte range a single-range `Range` header asks of a `len`-byte body
/// (`bytes=0-`, `bytes=100-199`, `bytes=-500`); `None` when it cannot be satisfied.
fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let spec = header.strip_prefix("bytes=")?.split(',').next()?.trim();
    let (a, b) = spec.split_once('-')?;
    let last = len.checked_sub(1)?;
    let (start, end) = if a.is_empty() {
        let n: usize = b.parse().ok()?;
        (len.checked_sub(n.min(len))?, last)
    } else {
        let start: usize = a.parse().ok()?;
        let end = if b.is_empty() {
            last
        } else {
            b.parse::<usize>().ok()?.min(last)
        };
        (start, end)
    };
    (start <= end && start < len).then_some((start, end))
}

/// Status line, content type, body and redirect target for a request path.
fn respond(
    root: &Path,
    prefix: &str,
    path: &str,
) -> (&'static str, &'static str, Vec<u8>, Option<String>) {
    let text = "text/plain; charset=utf-8";
    if format!("{path}/") == prefix {
        return (
            "301 Moved Permanently",
            text,
            Vec::new(),
            Some(prefix.to_owned()),
        );
    }
    let Some(rel) = path.strip_prefix(prefix) else {
        return ("404 Not Found", text, b"outside the site\n".to_vec(), None);
    };
    let rel = url_decode(rel);
    let safe = !rel
        .split('/')
        .any(|s| s == ".." || s.contains('\\') || s.contains('\0'));
    let file = root.join(&rel);
    if safe && file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            return (
                "301 Moved Permanently",
                text,
                Vec::new(),
                Some(format!("{path}/")),
            );
        }
        if let Ok(body) = std::fs::read(file.join("index.html")) {
            return ("200 OK", "text/html; charset=utf-8", body, None);
        }
    } else if safe && let Ok(body) = std::fs::read(&file) {
        return ("200 OK", content_type(&file), body, None);
    }
    match std::fs::read(root.join("404.html")) {
        Ok(body) => ("404 Not Found", "text/html; charset=utf-8", body, None),
        Err(_) => ("404 Not Found", text, b"not found\n".to_vec(), None),
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "srt" => "application/x-subrip",
        _ => "application/octet-stream",
    }
}

/// Percent-decodes a URL path (invalid escapes are kept as written).
fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET path` from a [`StaticServer`]: the status code and the body.
pub fn http_get(server: &StaticServer, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(server.addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, body.to_owned())
}
