//! Rendering diagnostics for people, for machines and for GitHub.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::{Diagnostic, SourceMap};

/// How diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The source line with a caret.
    Human {
        /// Whether to use colours (on a terminal).
        color: bool,
    },
    /// One JSON document with a `format_version`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// Version of the JSON diagnostics format: minor for additions, major for
/// breaking changes. Readers ignore fields they do not know.
pub const JSON_FORMAT_VERSION: &str = "1.0";

/// Renders all diagnostics in the given format, ending with a newline.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Human { color } => human(diagnostics, sources, color),
        Format::Json => json(diagnostics, sources),
        Format::Github => github(diagnostics, sources),
    }
}

fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for d in diagnostics {
        let view = View::new(d, sources);
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&format!("{}: {}\n", d.severity.name(), d.message));
        }
    }
    out
}

/// A diagnostic as miette wants it: one source per diagnostic, so labels in
/// another file become related diagnostics.
struct View {
    severity: miette::Severity,
    code: &'static str,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl View {
    fn new(d: &Diagnostic, sources: &SourceMap) -> View {
        let severity = match d.severity {
            crate::Severity::Error => miette::Severity::Error,
            crate::Severity::Warning => miette::Severity::Warning,
        };
        let mut message = d.message.clone();
        let text = d.source.and_then(|s| sources.get(s)).and_then(|f| f.text.clone());
        // Lines too long to show (miette cannot draw past 64 KiB, and no
        // one reads them): the place is said in words instead.
        let text = text.filter(|t| {
            d.labels
                .iter()
                .filter(|l| Some(l.span.source) == d.source)
                .all(|l| longest_line_near(t, l.span.start as usize, l.span.end as usize) <= MAX_SHOWN_LINE)
        });
        // Without a source line to show, say where in words.
        if d.source.is_some() && (text.is_none() || d.labels.is_empty()) {
            message.push_str(&format!("\n  --> {}", location(d, sources)));
        }
        let mut labels = Vec::new();
        let mut related = Vec::new();
        for (i, label) in d.labels.iter().enumerate() {
            let span = SourceSpan::from((label.span.start as usize, label.span.len()));
            let text = (!label.message.is_empty()).then(|| label.message.clone());
            if Some(label.span.source) == d.source {
                labels.push(if i == 0 { LabeledSpan::new_primary_with_span(text, span) } else { LabeledSpan::new_with_span(text, span) });
            } else {
                let other = Diagnostic {
                    severity: d.severity,
                    code: "",
                    message: label.message.clone(),
                    source: Some(label.span.source),
                    labels: vec![crate::Label { span: label.span, message: String::new() }],
                    record: None,
                    help: None,
                };
                let mut view = View::new(&other, sources);
                view.severity = miette::Severity::Advice;
                related.push(view);
            }
        }
        let source = match (d.source, text) {
            (Some(id), Some(text)) if !labels.is_empty() => Some(NamedSource::new(sources.display(id), text)),
            _ => None,
        };
        if source.is_none() {
            labels.clear();
        }
        View { severity, code: d.code, message, help: d.help.clone(), source, labels, related }
    }
}

/// Longest source line that is shown in full; a diagnostic on a longer
/// one gives its place in words.
const MAX_SHOWN_LINE: usize = 2_000;

/// The longest of the lines from two before `start` to two after `end`
/// (the lines a diagnostic shows), in bytes.
fn longest_line_near(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let (start, end) = (start.min(bytes.len()), end.min(bytes.len()).max(start.min(bytes.len())));
    let mut from = start;
    for _ in 0..3 {
        from = bytes[..from].iter().rposition(|&b| b == b'\n').unwrap_or(0);
        if from == 0 {
            break;
        }
    }
    let mut to = end;
    for _ in 0..3 {
        to = bytes[to..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| to + p + 1);
        if to >= bytes.len() {
            break;
        }
    }
    bytes[from..to.min(bytes.len())].split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap_or(0)
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = _>>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|v| v as &dyn miette::Diagnostic)) as Box<dyn Iterator<Item = _>>)
    }
}

/// `file:line:col`, or `file: row N, column `x`` for data files without
/// text, or just the file.
fn location(d: &Diagnostic, sources: &SourceMap) -> String {
    let Some(source) = d.source else { return String::new() };
    let mut out = sources.display(source).to_owned();
    if let Some(lc) = d.primary().and_then(|l| sources.line_col(l.span.source, l.span.start)) {
        out.push_str(&format!(":{}:{}", lc.line, lc.column));
    }
    if let Some(record) = &d.record {
        let mut parts = Vec::new();
        if let Some(row) = record.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &record.column {
            parts.push(format!("column `{column}`"));
        }
        if !parts.is_empty() {
            out.push_str(&format!(" ({})", parts.join(", ")));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: &'static str,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    row: Option<u64>,
    column_name: Option<&'a str>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
}

fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let report = JsonReport {
        format_version: JSON_FORMAT_VERSION,
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let primary = d.primary().map(|l| span_position(l.span, sources));
                let (start, end) = primary.unwrap_or((None, None));
                JsonDiagnostic {
                    severity: d.severity.name(),
                    code: d.code,
                    message: &d.message,
                    file: d.source.map(|s| sources.display(s)),
                    line: start.map(|p| p.line),
                    column: start.map(|p| p.column),
                    end_line: end.map(|p| p.line),
                    end_column: end.map(|p| p.column),
                    row: d.record.as_ref().and_then(|r| r.row),
                    column_name: d.record.as_ref().and_then(|r| r.column.as_deref()),
                    help: d.help.as_deref(),
                    labels: d
                        .labels
                        .iter()
                        .map(|l| {
                            let (start, end) = span_position(l.span, sources);
                            JsonLabel {
                                file: sources.display(l.span.source),
                                line: start.map(|p| p.line),
                                column: start.map(|p| p.column),
                                end_line: end.map(|p| p.line),
                                end_column: end.map(|p| p.column),
                                message: &l.message,
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

fn span_position(span: headroom_model::Span, sources: &SourceMap) -> (Option<crate::LineCol>, Option<crate::LineCol>) {
    (sources.line_col(span.source, span.start), sources.line_col(span.source, span.end))
}

fn github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let mut props = Vec::new();
        if let Some(source) = d.source {
            props.push(format!("file={}", escape_property(sources.display(source))));
        }
        if let Some(label) = d.primary() {
            let (start, end) = span_position(label.span, sources);
            if let Some(s) = start {
                props.push(format!("line={},col={}", s.line, s.column));
                if let Some(e) = end {
                    props.push(format!("endLine={},endColumn={}", e.line, e.column));
                }
            }
        }
        props.push(format!("title={}", escape_property(&format!("headroom {}", d.code))));
        let mut message = d.message.clone();
        if d.record.is_some() && d.primary().is_none() {
            message.push_str(&format!(" ({})", location(d, sources)));
        }
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!("::{} {}::{}\n", d.severity.name(), props.join(","), escape_data(&message)));
    }
    out
}

/// Escapes the message of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Diagnostic;
    use headroom_model::Span;
    use std::path::Path;

    fn sample() -> (SourceMap, Vec<Diagnostic>) {
        let mut map = SourceMap::new();
        let id = map.add(Path::new("t/a.ron"), "t/a.ron", Some("Cluster(\n  region: \"us-esat\",\n)\n".into()));
        let d = Diagnostic::error("unknown-name", "unknown region `us-esat`")
            .label(Span::new(id, 19, 28), "no region of this name")
            .help("did you mean `us-east`?");
        (map, vec![d])
    }

    #[test]
    fn a_line_too_long_to_show_is_placed_in_words() {
        // miette panicked drawing past 64 KiB of one line.
        let mut map = SourceMap::new();
        let text = format!("Team(name: \"{}\", servicess: [])\n", "x".repeat(70_000));
        let at = text.find("servicess").unwrap();
        let id = map.add(Path::new("t/long.ron"), "t/long.ron", Some(text));
        let d = Diagnostic::error("unknown-field", "unknown field `servicess`").label(Span::new(id, at, at + 9), "here");
        let out = render(&[d], &map, Format::Human { color: false });
        assert!(out.contains(&format!("t/long.ron:1:{}", at + 1)), "{}", &out[..out.len().min(500)]);
        assert!(out.len() < 2_000, "the line is not shown");
        // A short line next to it is still shown.
        assert_eq!(longest_line_near("a\nbb\nccc\n", 2, 3), 3);
    }

    #[test]
    fn human_output_shows_file_line_column_and_caret() {
        let (map, ds) = sample();
        let out = render(&ds, &map, Format::Human { color: false });
        assert!(out.contains("t/a.ron:2:11"), "{out}");
        assert!(out.contains("unknown region `us-esat`"), "{out}");
        assert!(out.contains("did you mean `us-east`?"), "{out}");
        assert!(out.contains("region: \"us-esat\""), "{out}");
    }

    #[test]
    fn github_output_is_one_escaped_workflow_command() {
        let (map, ds) = sample();
        let out = render(&ds, &map, Format::Github);
        assert_eq!(
            out,
            "::error file=t/a.ron,line=2,col=11,endLine=2,endColumn=20,title=headroom unknown-name::\
             unknown region `us-esat`%0Ahelp: did you mean `us-east`?\n"
        );
    }

    #[test]
    fn json_output_has_version_and_positions() {
        let (map, ds) = sample();
        let out = render(&ds, &map, Format::Json);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["format_version"], "1.0");
        assert_eq!(v["errors"], 1);
        let d = &v["diagnostics"][0];
        assert_eq!((d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()), (Some("t/a.ron"), Some(2), Some(11)));
    }
}
