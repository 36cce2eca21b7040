//! Where a JSON path such as `segments[3].speaker` sits in the text, for diagnostics.

use super::super::{Locate, Where};
use crate::diag::Diagnostic;

/// Places JSON positions: `segments[3].speaker` in the message, and the line and
/// column of that value, found by a small scan of the text (only for diagnostics).
pub(in crate::transcript) struct Json<'a>(pub(in crate::transcript) &'a str);

impl Locate for Json<'_> {
    fn place(&self, at: Where, d: Diagnostic) -> Diagnostic {
        let Where::Segment { index, field } = at else {
            return d;
        };
        let path = if field.is_empty() {
            format!("segments[{index}]")
        } else {
            format!("segments[{index}].{field}")
        };
        let mut d = d;
        d.message = format!("{path}: {}", d.message);
        match locate(self.0, index, field) {
            Some(offset) => {
                let (line, col) = crate::diag::line_col(self.0, offset);
                let source = self.0[..offset]
                    .rsplit('\n')
                    .next()
                    .unwrap_or("")
                    .to_owned()
                    + self.0[offset..].split('\n').next().unwrap_or("");
                d.at(line, col)
                    .with_source(source.trim_end_matches('\r'), 1)
            }
            None => d,
        }
    }
}

/// Byte offset of `segments[index]` (or of its `field`'s value) in a JSON text.
fn locate(text: &str, index: usize, field: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = find_key(b, i + 1, "segments")?;
    i = skip_ws(b, i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    for _ in 0..index {
        i = skip_value(b, skip_ws(b, i))?;
        i = skip_ws(b, i);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i += 1;
    }
    i = skip_ws(b, i);
    let field = field.split('.').next().unwrap_or("");
    if field.is_empty() || b.get(i) != Some(&b'{') {
        return Some(i);
    }
    find_key(b, i + 1, field).map(|v| skip_ws(b, v)).or(Some(i))
}

/// After the `{` of an object at `i`: the offset just past `"key":` of `key`.
fn find_key(b: &[u8], mut i: usize, key: &str) -> Option<usize> {
    loop {
        i = skip_ws(b, i);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let end = skip_string(b, i)?;
        let name = b.get(i + 1..end - 1)?;
        i = skip_ws(b, end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        if name == key.as_bytes() {
            return Some(i);
        }
        i = skip_value(b, skip_ws(b, i))?;
        i = skip_ws(b, i);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i += 1;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The offset past the string starting at `i` (a `"`).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The offset past the value starting at `i`.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}
