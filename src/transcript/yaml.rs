//! The front matter as an untyped YAML tree whose every node keeps its position, and
//! the mapping of those positions back to lines of the transcript file.

use std::cell::OnceCell;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::diag::{Diagnostic, to_u32};

/// Where a front-matter value sits in the transcript file, for later diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Pos {
    /// 1-based line in the transcript file (0 when unknown).
    pub(super) line: u32,
    /// 1-based column in characters.
    pub(super) col: u32,
    /// Characters to underline.
    pub(super) len: u32,
    /// The source line, for the excerpt.
    pub(super) source: String,
}

impl Pos {
    /// Puts this position, when known, on a diagnostic.
    pub(super) fn apply(&self, d: Diagnostic) -> Diagnostic {
        if self.line == 0 {
            d
        } else {
            d.at(self.line, self.col)
                .with_source(self.source.as_str(), self.len)
        }
    }
}

/// A YAML node with the position of every child, so errors can point into the file.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    /// How the node is named in "must be X, not Y" messages.
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "empty",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(i128::try_from(v).map_or(Node::Float(v as f64), Node::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// The front matter text and how to map its positions back into the transcript file.
pub(super) struct Yaml<'a> {
    /// The transcript's display path.
    pub(super) file: &'a str,
    /// The YAML text.
    pub(super) text: &'a str,
    /// File line of the YAML's first line.
    pub(super) first_line: u32,
    /// Byte offsets of YAML line starts, built only when a diagnostic needs an excerpt.
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Yaml<'a> {
    /// The front matter `text` of `file`, whose first line is line `first_line` of the file.
    pub(super) fn new(file: &'a str, text: &'a str, first_line: u32) -> Self {
        Yaml {
            file,
            text,
            first_line,
            line_starts: OnceCell::new(),
        }
    }

    /// The YAML line `yaml_line` (1-based), without its line ending.
    fn line_text(&self, yaml_line: u32) -> &'a str {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let idx = (yaml_line as usize).saturating_sub(1);
        let Some(&start) = starts.get(idx) else {
            return "";
        };
        let end = starts.get(idx + 1).map_or(self.text.len(), |&e| e);
        let raw = self.text.get(start..end).unwrap_or("");
        raw.trim_end_matches('\n').trim_end_matches('\r')
    }

    /// Position in the file of a YAML location.
    pub(super) fn pos(&self, loc: &Location) -> Pos {
        let (Ok(line), Ok(col)) = (u32::try_from(loc.line()), u32::try_from(loc.column())) else {
            return Pos::default();
        };
        // YAML also breaks lines at a lone `\r`, the transcript file only at `\n`: where
        // the byte offset is known, count lines and columns the file's way, so a stray
        // carriage return cannot make a diagnostic name a line the file does not have.
        let (line, col) = self
            .line_col_at(loc)
            .or_else(|| self.file_line_col(line, col))
            .unwrap_or((line, col));
        if line == 0 {
            return Pos::default();
        }
        let source = self.line_text(line);
        let rest = source
            .chars()
            .count()
            .saturating_sub(col.saturating_sub(1) as usize);
        let len = usize::try_from(loc.span().len()).unwrap_or(usize::MAX);
        Pos {
            line: self.first_line.saturating_add(line - 1),
            col,
            len: to_u32(len.min(rest).min(80)),
            source: source.to_owned(),
        }
    }

    /// 1-based line (counting `\n` only) and column (in characters) of a location's
    /// byte offset in the YAML text; `None` when the offset is unknown or out of range.
    fn line_col_at(&self, loc: &Location) -> Option<(u32, u32)> {
        let offset = usize::try_from(loc.span().byte_offset()?).ok()?;
        self.line_col_of_offset(offset)
    }

    /// The file's line and column for YAML's own (`line`, `col`), where YAML counted
    /// `\n`, `\r\n` and a lone `\r` each as one line break. For errors without a byte offset.
    fn file_line_col(&self, line: u32, col: u32) -> Option<(u32, u32)> {
        let bytes = self.text.as_bytes();
        let mut start = 0;
        for _ in 1..line {
            let brk = bytes[start..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')?
                + start;
            start = if bytes[brk] == b'\r' && bytes.get(brk + 1) == Some(&b'\n') {
                brk + 2
            } else {
                brk + 1
            };
        }
        let skip = usize::try_from(col.saturating_sub(1)).ok()?;
        let offset = self.text[start..]
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(i, _)| start + i);
        self.line_col_of_offset(offset)
    }

    fn line_col_of_offset(&self, offset: usize) -> Option<(u32, u32)> {
        let before = self.text.get(..offset)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let col = before[line_start..].chars().count() + 1;
        Some((to_u32(line), to_u32(col)))
    }

    pub(super) fn error_at(&self, loc: &Location, msg: impl Into<String>) -> Diagnostic {
        self.pos(loc).apply(Diagnostic::error(self.file, msg))
    }

    /// A scalar as the author wrote it: `1.10` stays `1.10`, not `1.1`.
    pub(super) fn raw_scalar(&self, node: &Spanned<Node>) -> Option<String> {
        match &node.value {
            Node::Str(s) => Some(s.clone()),
            Node::Bool(_) | Node::Int(_) | Node::Float(_) => {
                // `defined`, so an alias (`*a`) shows the value it stands for.
                let span = node.defined.span();
                let written = span.byte_offset().zip(span.byte_len()).and_then(|(o, l)| {
                    let start = usize::try_from(o).ok()?;
                    let end = start.checked_add(usize::try_from(l).ok()?)?;
                    self.text.get(start..end)
                });
                Some(match (written, &node.value) {
                    (Some(w), _) if !w.is_empty() => w.to_owned(),
                    (_, Node::Bool(b)) => b.to_string(),
                    (_, Node::Int(i)) => i.to_string(),
                    (_, Node::Float(f)) => f.to_string(),
                    _ => String::new(),
                })
            }
            Node::Null | Node::Seq(_) | Node::Map(_) => None,
        }
    }
}

/// Unknown keys are kept for templates as JSON values.
pub(super) fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match node {
        Node::Null => J::Null,
        Node::Bool(b) => J::Bool(*b),
        Node::Int(i) => {
            if let Ok(n) = i64::try_from(*i) {
                J::from(n)
            } else if let Ok(n) = u64::try_from(*i) {
                J::from(n)
            } else {
                J::String(i.to_string())
            }
        }
        Node::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Node::Str(s) => J::String(s.clone()),
        Node::Seq(items) => J::Array(items.iter().map(|i| to_json(&i.value)).collect()),
        Node::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.value.clone(), to_json(&v.value)))
                .collect(),
        ),
    }
}
