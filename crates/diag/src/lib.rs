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
    Error,
    Warning,
}

impl Severity {
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
    pub span: Span,
    pub message: String,
}

/// A record of a data file (CSV or Parquet): 1-based data row (the header
/// is not counted) and column name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub row: Option<u64>,
    pub column: Option<String>,
}

/// One problem, with where it is and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case kind of problem (`unknown-name`, `syntax`, ...):
    /// documented in the README, safe to match on.
    pub code: &'static str,
    pub message: String,
    /// The file it is about, where there is one.
    pub source: Option<SourceId>,
    /// The first label is the primary location; others add context.
    pub labels: Vec<Label>,
    pub record: Option<Record>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, message: message.into(), source: None, labels: Vec::new(), record: None, help: None }
    }

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

    pub fn file(mut self, source: SourceId) -> Diagnostic {
        self.source = Some(source);
        self
    }

    pub fn record(mut self, row: Option<u64>, column: Option<&str>) -> Diagnostic {
        self.record = Some(Record { row, column: column.map(str::to_owned) });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn primary(&self) -> Option<&Label> {
        self.labels.first()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A growing list of diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

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
