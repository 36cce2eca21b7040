//! What the serve tests share: a running `castbook serve` on a free loopback port and
//! a raw HTTP/1.1 client over `TcpStream`, so paths go out exactly as written, never
//! normalised. Nothing is timed: every wait polls until a generous deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::Site;

/// Generous: a debug build on a busy CI machine; only a hang ever reaches it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A running `castbook serve`, killed when dropped (also when a test fails).
pub struct Server {
    child: Child,
    pub port: u16,
    /// Base path of the served site, e.g. `/` or `/show/`.
    pub base: String,
    /// Everything printed so far, both streams, for failure messages.
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `castbook serve -p 0` in `site` and waits for the URL it prints.
    pub fn start(site: &Site) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_castbook"))
            .args(["serve", ".", "-p", "0"])
            .current_dir(site.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn castbook serve");
        let log = Arc::new(Mutex::new(String::new()));
        let url = Arc::new(Mutex::new(None::<String>));
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        for (stream, is_stdout) in [
            (Box::new(stdout) as Box<dyn Read + Send>, true),
            (Box::new(stderr), false),
        ] {
            let (log, url) = (Arc::clone(&log), Arc::clone(&url));
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if is_stdout && let Some(at) = line.find("http://127.0.0.1:") {
                        let found = line[at..].split_whitespace().next().unwrap_or("");
                        url.lock().unwrap().get_or_insert(found.to_owned());
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut server = Server {
            child,
            port: 0,
            base: String::new(),
            log,
        };
        let url = server.poll("the URL printed by serve", |_| url.lock().unwrap().clone());
        let rest = url.trim_start_matches("http://127.0.0.1:");
        let (port, base) = rest.split_at(rest.find('/').expect("URL has a path"));
        server.port = port.parse().expect("port");
        server.base = base.to_owned();
        server
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Calls `f` until it returns `Some`, failing (with the server's output) at the deadline.
    pub fn poll<T>(&mut self, what: &str, mut f: impl FnMut(&Server) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "castbook serve exited ({status}) while waiting for {what}\n{}",
                    self.log()
                );
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}\n--- server output\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `GET <target>` with the target sent verbatim.
    pub fn get(&self, target: &str) -> Response {
        get(self.port, target)
    }

    /// Sends `request` bytes as they are and reads the answer until the server closes.
    pub fn raw(&self, request: &str) -> Response {
        raw(self.port, request.as_bytes())
    }

    /// Polls `target` until its response satisfies `ok`.
    pub fn wait_for(
        &mut self,
        target: &str,
        what: &str,
        ok: impl Fn(&Response) -> bool,
    ) -> Response {
        self.poll(what, |server| Some(server.get(target)).filter(|r| ok(r)))
    }

    /// Fails the test unless the server still answers `page` with a whole page.
    pub fn assert_alive(&mut self, page: &str, after: &str) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("serve died ({status}) after {after}\n{}", self.log());
        }
        let r = self.get(page);
        assert!(
            r.is_whole_page(),
            "after {after}: {} {}\n{}",
            r.status,
            r.head,
            self.log()
        );
    }
}

/// An HTTP answer as received.
pub struct Response {
    pub status: u16,
    pub head: String,
    /// The body, decoded lossily.
    pub body: String,
    /// Bytes after the head, as received.
    pub body_len: usize,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n");
        let (head, body) = match split {
            Some(at) => (&bytes[..at], &bytes[at + 4..]),
            None => (bytes, &[][..]),
        };
        let head = String::from_utf8_lossy(head).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Response {
            status,
            head,
            body: String::from_utf8_lossy(body).into_owned(),
            body_len: body.len(),
        }
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// 200, exactly Content-Length bytes, and an HTML page that ends.
    pub fn is_whole_page(&self) -> bool {
        let length: Option<usize> = self.header("content-length").and_then(|v| v.parse().ok());
        self.status == 200 && length == Some(self.body_len) && self.body.contains("</html>")
    }
}

/// Sends `request` verbatim and reads until the server closes (or resets). Write
/// errors are expected: a server may close before a huge request is sent.
pub fn raw(port: u16, request: &[u8]) -> Response {
    try_raw(port, request).expect("connection refused")
}

/// [`raw`], with a refused connection as an error instead of a panic.
pub fn try_raw(port: u16, request: &[u8]) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(DEADLINE))?;
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    // A reset after a refused request still leaves what was read.
    let _ = stream.read_to_end(&mut bytes);
    Ok(Response::parse(&bytes))
}

/// A plain `GET` of `target`, sent verbatim, closing the connection after.
pub fn request(port: u16, target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

/// `GET <target>` on `port`.
pub fn get(port: u16, target: &str) -> Response {
    raw(port, &request(port, target))
}

/// Rewrites a file the way many editors save: a temp file renamed over the original.
pub fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("txt.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
