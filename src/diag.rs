//! Diagnostics: compiler-style errors and warnings about a site's sources.
//!
//! Every stage that reads user input reports problems as [`Diagnostic`]s instead of
//! failing fast, so one run shows every problem. The binary prints them; the library
//! never does.

use std::fmt;

/// How bad a problem is: errors make a file unusable, warnings are suspicious but renderable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file (or config) cannot be used; the run exits 1 (content) or 2 (config).
    Error,
    /// Renderable but probably not what the author meant.
    Warning,
}

/// One problem found in a source file, with its location where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path as shown to the user: relative to the site root, `/`-separated
    /// (e.g. `content/ep1.txt`). Empty when the problem has no file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column in characters, when known (only meaningful with `line`).
    pub column: Option<u32>,
    /// What is wrong, in one sentence, without a trailing period.
    pub message: String,
    /// The offending source line, shown under the message with a caret.
    pub source_line: Option<String>,
    /// How many characters the caret underlines (at least 1).
    pub span_len: u32,
    /// What to do about it, when that is not obvious from the message.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error about `file`.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    /// A new warning about `file`.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, message)
    }

    fn new(severity: Severity, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
            span_len: 1,
            help: None,
        }
    }

    /// Sets the 1-based line.
    #[must_use]
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the 1-based line and column.
    #[must_use]
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Attaches the source line to excerpt and how many characters to underline from the column.
    #[must_use]
    pub fn with_source(mut self, source_line: impl Into<String>, span_len: u32) -> Self {
        self.source_line = Some(source_line.into());
        self.span_len = span_len.max(1);
        self
    }

    /// Attaches a hint on how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The one-line form: `error: content/ep1.txt:7:15: message`.
    pub fn headline(&self) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{level}: ");
        if !self.file.is_empty() {
            out.push_str(&self.file);
            if let Some(line) = self.line {
                out.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    out.push_str(&format!(":{col}"));
                }
            }
            out.push_str(": ");
        }
        out.push_str(&self.message);
        out
    }

    /// Sort key that makes output order independent of thread scheduling.
    fn sort_key(&self) -> (&str, u32, u32, Severity, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.severity,
            &self.message,
        )
    }
}

/// Renders the headline, then a rustc-style excerpt and help when present.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        if let (Some(src), Some(line)) = (&self.source_line, self.line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            // Tabs would misalign the caret, so excerpts show them as one space.
            let shown: String = src
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            write!(f, "\n{pad} |\n{num} | {shown}")?;
            if let Some(col) = self.column {
                let lead = " ".repeat(col.saturating_sub(1) as usize);
                let carets = "^".repeat(self.span_len.max(1) as usize);
                write!(f, "\n{pad} | {lead}{carets}")?;
            }
        }
        if let Some(help) = &self.help {
            let pad = " ".repeat(self.line.map_or(1, |l| l.to_string().len()));
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, kept in a deterministic order.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// True when any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Sorts by file, line, column so output never depends on scheduling.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
    }

    /// All diagnostics, in their current order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Turns a byte offset into a 1-based (line, column-in-chars) pair.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (to_u32(line), to_u32(col))
}

/// Saturating conversion for line and column numbers.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_matches_the_spec_form() {
        let d = Diagnostic::error(
            "content/ep1.txt",
            "episode_date \"31/02/2025\" is not a real date",
        )
        .at(7, 15);
        assert_eq!(
            d.headline(),
            "error: content/ep1.txt:7:15: episode_date \"31/02/2025\" is not a real date"
        );
    }

    #[test]
    fn excerpt_puts_the_caret_under_the_column() {
        let d = Diagnostic::warning("a.txt", "bad")
            .at(3, 5)
            .with_source("abc defg", 4)
            .with_help("fix it");
        assert_eq!(
            d.to_string(),
            "warning: a.txt:3:5: bad\n  |\n3 | abc defg\n  |     ^^^^\n  = help: fix it"
        );
    }

    #[test]
    fn sorting_is_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b", "x").at_line(1));
        ds.push(Diagnostic::warning("a", "y").at_line(9));
        ds.push(Diagnostic::error("a", "z").at_line(2));
        ds.sort();
        let order: Vec<_> = ds.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["z", "y", "x"]);
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "ab\néé x";
        assert_eq!(line_col(text, text.find('x').unwrap_or(0)), (2, 4));
        assert_eq!(line_col(text, 0), (1, 1));
    }
}
