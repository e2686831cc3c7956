//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! Every stage that reads or judges input reports [`Diagnostic`]s against a
//! [`SourceMap`] of the files it read; nothing here stops at the first
//! problem. This crate renders them three ways: for people (the source line
//! with a caret, through miette), as JSON for machines (with a
//! `format_version`), and as GitHub Actions workflow annotations.

mod render;
mod source;

pub use render::{render, Format};
pub use source::{LineCol, SourceFile, SourceMap};

use headroom_model::{SourceId, Span};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// An error: nothing is planned.
    Error,
    /// A warning: planning goes on.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a short note saying what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// A record of a data file (CSV or Parquet): 1-based data row (the header
/// is not counted) and column name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The data row, from 1, where known.
    pub row: Option<u64>,
    /// The column's name, where known.
    pub column: Option<String>,
}

/// One problem, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable, kebab-case kind of problem (`unknown-name`, `syntax`, ...):
    /// documented in the README, safe to match on.
    pub code: &'static str,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The file it is about, where there is one.
    pub source: Option<SourceId>,
    /// The first label is the primary location; others add context.
    pub labels: Vec<Label>,
    /// The data file's row and column, for a problem in a CSV or Parquet file.
    pub record: Option<Record>,
    /// How to fix it, where there is a fix to suggest.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error of kind `code`.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, message: message.into(), source: None, labels: Vec::new(), record: None, help: None }
    }

    /// A warning of kind `code`.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Adds a label; the first one added is the primary location and also
    /// names the file.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        if span.is_none() {
            return self;
        }
        if self.source.is_none() {
            self.source = Some(span.source);
        }
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// Names the file it is about, with no place in it.
    pub fn file(mut self, source: SourceId) -> Diagnostic {
        self.source = Some(source);
        self
    }

    /// Places it at a data file's row and column.
    pub fn record(mut self, row: Option<u64>, column: Option<&str>) -> Diagnostic {
        self.record = Some(Record { row, column: column.map(str::to_owned) });
        self
    }

    /// Adds how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Its primary location, if it has one.
    pub fn primary(&self) -> Option<&Label> {
        self.labels.first()
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A growing list of diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// The diagnostics, in the order found (sorted before printing).
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

    /// Adds diagnostics.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(other);
    }

    /// Sorts by file, position and message, and drops exact repeats, so
    /// output is the same whatever order the checks ran in.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.list.sort_by(|a, b| sort_key(a, sources).cmp(&sort_key(b, sources)));
        self.list.dedup();
    }
}

fn sort_key<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> impl Ord + 'a {
    let file = d.source.map(|s| sources.display(s));
    let (start, end) = d.primary().map_or((0, 0), |l| (l.span.start, l.span.end));
    let row = d.record.as_ref().and_then(|r| r.row);
    (file, start, row, end, d.severity, d.code, &d.message)
}

/// Suggests the known name closest to `unknown`, if one is close enough to
/// be a likely typo.
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in known {
        let score = strsim::jaro_winkler(unknown, candidate);
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let known = ["use1-a", "use1-b", "euw1-a"];
        assert_eq!(did_you_mean("use1-z", known), Some("use1-a"));
        assert_eq!(did_you_mean("euw1a", known), Some("euw1-a"));
        assert_eq!(did_you_mean("tokyo", known), None);
    }
}
