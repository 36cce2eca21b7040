//! Reading DEST's files for the server: whole, and provably one complete version.

use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;

/// A response carrying a whole file, typed by its extension.
pub(super) fn whole_file(path: &Path, bytes: Vec<u8>, is_head: bool) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Site files are UTF-8; saying so keeps browsers from guessing.
    let content_type = if mime.type_() == mime_guess::mime::TEXT
        || mime.essence_str() == "application/javascript"
        || mime.essence_str() == "image/svg+xml"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let len = bytes.len();
    let body = if is_head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut resp = Response::new(body);
    let headers = resp.headers_mut();
    if let Ok(value) = HeaderValue::try_from(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, len.into());
    resp
}

/// Files above this are streamed rather than read whole (audio, video).
const MAX_WHOLE: u64 = 16 * 1024 * 1024;

/// The outcome of [`read_consistent`].
#[derive(Debug)]
pub(super) enum Read {
    /// The file's content, as one complete version.
    Whole(Vec<u8>),
    /// Larger than [`MAX_WHOLE`]: stream it instead.
    TooLarge,
    /// Changed during every attempt (builds in quick succession).
    Unsettled,
}

/// Reads a file of DEST whole, proving it was one complete version of the live site.
///
/// A build never writes the live tree, but after a swap the previous tree becomes the
/// next build's spare and is overwritten in place (see `output`), so a file opened just
/// before a swap could change under a slow reader. So: the inode must be the one at the
/// path after reading (it is live), and its change time and length must be the same
/// before and after reading (nothing wrote it meanwhile; ctime cannot be set back).
pub(super) fn read_consistent(path: &Path) -> std::io::Result<Read> {
    use std::io::Read as _;
    for _ in 0..5 {
        let mut file = std::fs::File::open(path)?;
        let before = file.metadata()?;
        if before.len() > MAX_WHOLE {
            return Ok(Read::TooLarge);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        let at_path = std::fs::metadata(path)?;
        let after = file.metadata()?;
        if same_file(&before, &at_path) && unchanged(&before, &after) {
            return Ok(Read::Whole(bytes));
        }
    }
    Ok(Read::Unsettled)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(unix)]
fn unchanged(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.len() == b.len() && a.ctime() == b.ctime() && a.ctime_nsec() == b.ctime_nsec()
}

#[cfg(not(unix))]
fn unchanged(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_settled_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.html");
        std::fs::write(&path, "<p>hello</p>").unwrap();
        match read_consistent(&path).unwrap() {
            Read::Whole(bytes) => assert_eq!(bytes, b"<p>hello</p>"),
            other => panic!("{other:?}"),
        }
        assert!(read_consistent(&dir.path().join("missing.html")).is_err());
    }

    #[test]
    fn typed_with_charset() {
        let resp = whole_file(Path::new("a/index.html"), b"x".to_vec(), false);
        assert_eq!(
            resp.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/html; charset=utf-8"
        );
        let resp = whole_file(Path::new("a/logo.png"), b"x".to_vec(), true);
        assert_eq!(
            resp.headers().get(header::CONTENT_TYPE).unwrap(),
            "image/png"
        );
        assert_eq!(resp.headers().get(header::CONTENT_LENGTH).unwrap(), "1");
    }
}
