//! Demand forecasts from CSV and Parquet files, through polars' lazy API.
//!
//! Columns: `service`, `period`, optional `region` (where demand comes
//! from; empty for demand with no region) and at least one of `demand`,
//! `p50`, `p90`, `p95`. Other columns are ignored. Every cell is checked;
//! problems name the file, the row and the column, and for CSV files also
//! the line and column in the text, with a caret.

use std::collections::BTreeMap;
use std::path::Path;

use headroom_diag::{did_you_mean, Diagnostic, SourceMap};
use headroom_model::{Forecast, Origin, Period, Quantile, RegionId, Series, SourceId, Span};
use polars::prelude::*;

/// Where a forecast row was read: file and 1-based data row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowAt {
    pub source: SourceId,
    pub row: u64,
}

/// What the forecast loader found, with where each series starts for
/// later diagnostics.
#[derive(Debug, Default)]
pub struct LoadedForecast {
    /// The forecast, as the organisation holds it.
    pub forecast: Forecast,
    /// Quantile columns present, per series (a series that has `p90` in
    /// every row of every origin lists it).
    pub series_quantiles: BTreeMap<String, Vec<Quantile>>,
    /// Region names by `RegionId` index: those given, then (when regions
    /// are open) any new ones in the order first read.
    pub regions: Vec<String>,
    /// Where each series is first given.
    pub series_at: BTreeMap<String, RowAt>,
}

/// The columns of a forecast or history frame that say whose demand it is
/// and when. Demand itself is in one column per [`Quantile`]
/// ([`Quantile::column`]: `demand`, `p50`, `p90`, `p95`).
pub mod columns {
    /// The demand series (services name it in `demand`).
    pub const SERVICE: &str = "service";
    /// The period: `2027Q1` or `2027-01`.
    pub const PERIOD: &str = "period";
    /// The users' region; empty for demand from anywhere.
    pub const REGION: &str = "region";
}

const REQUIRED: [&str; 2] = [columns::SERVICE, columns::PERIOD];

/// Whether `name` is a column headroom reads (others are ignored).
fn known(name: &str) -> bool {
    [columns::SERVICE, columns::PERIOD, columns::REGION].contains(&name) || Quantile::ALL.iter().any(|q| q.column() == name)
}

/// One forecast file: makes diagnostics that point at a cell.
struct FileCtx {
    source: SourceId,
    csv: bool,
    header: Vec<String>,
    /// Byte ranges of CSV records (the header is record 0), computed the
    /// first time a diagnostic needs one.
    records: Option<Vec<(usize, usize)>>,
}

impl FileCtx {
    fn new(source: SourceId, sources: &SourceMap) -> FileCtx {
        let path = sources.get(source).map(|f| f.path.clone()).unwrap_or_default();
        let csv = is_csv(&path);
        FileCtx { source, csv, header: if csv { csv_header(&path) } else { Vec::new() }, records: None }
    }

    /// A diagnostic about a cell (`row` is 1-based; 0 is the header).
    fn at(&mut self, sources: &mut SourceMap, row: u64, column: Option<&str>, d: Diagnostic) -> Diagnostic {
        let d = d.file(self.source).record((row > 0).then_some(row), column);
        match self.cell_span(sources, row, column) {
            Some(span) => {
                let label = column.map_or_else(|| "this row".to_owned(), |c| format!("`{c}`"));
                d.label(span, label)
            }
            None => d,
        }
    }

    fn cell_span(&mut self, sources: &mut SourceMap, row: u64, column: Option<&str>) -> Option<Span> {
        if !self.csv {
            return None;
        }
        if self.records.is_none() {
            let path = sources.get(self.source)?.path.clone();
            let text = String::from_utf8_lossy(&std::fs::read(&path).ok()?).into_owned();
            self.records = Some(csv_records(&text));
            sources.set_text(self.source, text);
        }
        let text = sources.text(self.source)?;
        let &(start, end) = self.records.as_ref()?.get(row as usize)?;
        let Some(column) = column else {
            return Some(Span::new(self.source, start, end));
        };
        let index = self.header.iter().position(|h| h == column)?;
        let (s, e) = csv_fields(&text[start..end]).get(index).copied().unwrap_or((end - start, end - start));
        Some(Span::new(self.source, start + s, start + e))
    }

    /// The first record with more fields than the header, for a CSV file
    /// polars rejected.
    fn ragged_row(&self, sources: &SourceMap) -> Option<(u64, String)> {
        let text = std::fs::read_to_string(&sources.get(self.source)?.path).ok()?;
        let records = csv_records(&text);
        let &(hs, he) = records.first()?;
        let width = csv_fields(&text[hs..he]).len();
        records.iter().enumerate().skip(1).find_map(|(i, &(s, e))| {
            let n = csv_fields(&text[s..e]).len();
            (n > width).then(|| (i as u64, format!("this row has {n} fields but the header has {width}")))
        })
    }
}

/// Byte ranges of the parts of `text` between `sep` bytes that are not
/// inside double quotes.
fn split_unquoted(text: &str, sep: u8) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, b) in text.bytes().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, text.len()));
    out
}

/// Byte ranges of CSV records (newlines inside quotes stay in the record),
/// without line endings.
fn csv_records(text: &str) -> Vec<(usize, usize)> {
    let mut records = split_unquoted(text, b'\n');
    if records.last().is_some_and(|&(s, e)| s == e) {
        records.pop();
    }
    for (s, e) in &mut records {
        if *e > *s && text.as_bytes()[*e - 1] == b'\r' {
            *e -= 1;
        }
    }
    records
}

/// Byte ranges of the fields of one CSV record.
fn csv_fields(record: &str) -> Vec<(usize, usize)> {
    split_unquoted(record, b',')
}

/// A row as read, before merging.
struct Row {
    at: RowAt,
    series: String,
    region: Option<RegionId>,
    period: Period,
    values: [Option<f64>; 4],
}

/// Reads one file's frame with the columns that matter, as strings.
fn read_frame(path: &Path, csv: bool) -> PolarsResult<DataFrame> {
    let plpath = PlRefPath::try_from_path(path)?;
    let lf = if csv {
        LazyCsvReader::new(plpath).with_has_header(true).with_infer_schema_length(Some(0)).finish()?
    } else {
        LazyFrame::scan_parquet(plpath, ScanArgsParquet::default())?
    };
    let schema = lf.clone().collect_schema()?;
    let wanted: Vec<Expr> = schema.iter_names().filter(|n| known(n.as_str())).map(|n| col(n.clone()).cast(DataType::String)).collect();
    let mut df = lf.select(wanted).collect()?;
    // Keep the full header (with ignored columns) for CSV cell positions.
    df.rechunk_mut_par();
    Ok(df)
}

/// The polars error as a person would read it: its first paragraph,
/// without polars' advice about its own options.
fn polars_message(e: &PolarsError) -> String {
    let text = e.to_string();
    text.split("\n\n").next().unwrap_or(&text).trim().to_owned()
}

/// Loads and merges forecast files. `regions` resolves the `region`
/// column; with `regions_open` (the topology could not all be read) an
/// unknown region is not reported. Returns `None` if any file had an
/// error (all are reported) or there was no file (reported by the caller).
/// Reads forecast (or history) files. A forecast covers one horizon: every
/// series has every period. A history is `ragged`: each series starts
/// where its data starts (services launch at different times) and runs to
/// the latest period; its values then cover only its own periods.
pub fn load(
    files: &[SourceId],
    regions: &[(String, RegionId)],
    regions_open: bool,
    ragged: bool,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<LoadedForecast> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut rows: Vec<Row> = Vec::new();
    let mut regions = regions.to_vec();
    for &source in files {
        read_file(source, &mut regions, regions_open, sources, diags, &mut rows);
    }
    if files.is_empty() {
        return None;
    }
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    let mut loaded = merge(rows, &regions, files, ragged, sources, diags)?;
    loaded.regions = regions.into_iter().map(|(name, _)| name).collect();
    Some(loaded)
}

/// A column of a frame to write. A number that is not finite, or an
/// empty text, is written as a missing value.
pub enum Column {
    /// Text, one value per row.
    Text(Vec<String>),
    /// Numbers, one per row.
    Number(Vec<f64>),
    /// Whole numbers, one per row.
    Count(Vec<u64>),
}

/// A frame as the bytes of a CSV or Parquet file (by `path`'s extension),
/// for the caller to write atomically.
pub fn frame_bytes(path: &Path, columns: Vec<(&str, Column)>) -> Result<Vec<u8>, String> {
    let columns: Vec<polars::prelude::Column> = columns
        .into_iter()
        .map(|(name, c)| match c {
            // An empty text is a missing value: written as an empty field.
            Column::Text(v) => {
                polars::prelude::Column::new(name.into(), v.into_iter().map(|s| (!s.is_empty()).then_some(s)).collect::<Vec<_>>())
            }
            // NaN or infinity is no number: written as a missing value.
            Column::Number(v) => {
                polars::prelude::Column::new(name.into(), v.into_iter().map(|x| x.is_finite().then_some(x)).collect::<Vec<_>>())
            }
            Column::Count(v) => polars::prelude::Column::new(name.into(), v),
        })
        .collect();
    let height = columns.first().map_or(0, |c| c.len());
    let mut df = DataFrame::new(height, columns).map_err(|e| polars_message(&e))?;
    let mut bytes = Vec::new();
    if is_parquet(path) {
        ParquetWriter::new(&mut bytes).finish(&mut df).map_err(|e| polars_message(&e))?;
    } else {
        CsvWriter::new(&mut bytes).finish(&mut df).map_err(|e| polars_message(&e))?;
    }
    Ok(bytes)
}

fn read_file(
    source: SourceId,
    regions: &mut Vec<(String, RegionId)>,
    regions_open: bool,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
    rows: &mut Vec<Row>,
) {
    let path = sources.get(source).map(|f| f.path.clone()).unwrap_or_default();
    let mut ctx = FileCtx::new(source, sources);
    let csv = ctx.csv;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
        let d = Diagnostic::error("empty-file", "the forecast file is empty")
            .help("a forecast has a header `service,period,region,demand` and one row per service, region and period");
        diags.push(ctx.at(sources, 0, None, d));
        return;
    }
    let df = match read_frame(&path, csv) {
        Ok(df) => df,
        Err(e) => {
            let d = match ctx.ragged_row(sources).filter(|_| csv) {
                Some((row, why)) => {
                    let d = Diagnostic::error("bad-data-file", why).help("every row needs as many fields as the header");
                    ctx.at(sources, row, None, d)
                }
                None => {
                    let kind = if csv { "CSV" } else { "Parquet" };
                    let d = Diagnostic::error("bad-data-file", format!("cannot read {kind}: {}", polars_message(&e)));
                    let d = if csv { d } else { d.help("is this a Parquet file? Export it again, or use CSV") };
                    ctx.at(sources, 0, None, d)
                }
            };
            diags.push(d);
            return;
        }
    };
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    // A column named twice: which one is meant cannot be told.
    let mut twice: Vec<String> =
        ctx.header.iter().enumerate().filter(|(i, h)| known(h.as_str()) && ctx.header[..*i].contains(h)).map(|(_, h)| h.clone()).collect();
    twice.dedup();
    if !twice.is_empty() {
        for name in twice {
            let d = Diagnostic::error("duplicate-column", format!("the header names `{name}` twice"))
                .help(format!("keep one `{name}` column; rename or remove the other"));
            diags.push(ctx.at(sources, 0, Some(name.as_str()), d));
        }
        return;
    }
    let mut missing = false;
    for required in REQUIRED {
        if !names.iter().any(|n| n == required) {
            missing = true;
            let all: Vec<&str> = if ctx.csv { ctx.header.iter().map(String::as_str).collect() } else { Vec::new() };
            let help = did_you_mean(required, all.iter().copied())
                .map(|s| {
                    if s.trim() == required {
                        format!("the header has spaces around `{required}`: remove them (columns are separated by a bare comma)")
                    } else {
                        format!("rename column `{s}` to `{required}`")
                    }
                })
                .unwrap_or_else(|| {
                    "a forecast has the columns `service`, `period`, optional `region`, and `demand` or `p50`/`p90`/`p95`".into()
                });
            diags.push(ctx.at(
                sources,
                0,
                None,
                Diagnostic::error("missing-column", format!("the forecast has no `{required}` column")).help(help),
            ));
        }
    }
    let quantiles: Vec<Quantile> = Quantile::ALL.into_iter().filter(|q| names.iter().any(|n| n == q.column())).collect();
    if quantiles.is_empty() {
        missing = true;
        // The header as written, trimmed: a demand column there that the
        // reader did not find had spaces around its name.
        let header: &[String] = if ctx.csv { &ctx.header } else { &[] };
        let spaced =
            header.iter().find(|n| n.as_str() == Quantile::Demand.column() || Quantile::ALL.iter().any(|q| q.column() == n.as_str()));
        let help = match spaced {
            Some(n) => format!("the header has spaces around `{n}`: remove them (columns are separated by a bare comma)"),
            None => "add a `demand` column, or quantile columns `p50`, `p90`, `p95`".to_owned(),
        };
        diags.push(ctx.at(sources, 0, None, Diagnostic::error("missing-column", "the forecast has no demand column").help(help)));
    }
    if missing {
        return;
    }
    let strings = |name: &str| -> Option<Vec<Option<String>>> {
        let column = df.column(name).ok()?;
        let ca = column.str().ok()?;
        Some(ca.iter().map(|v| v.map(str::to_owned)).collect())
    };
    let service = strings(columns::SERVICE).unwrap_or_default();
    let period = strings(columns::PERIOD).unwrap_or_default();
    let region = strings(columns::REGION);
    let values: Vec<(Quantile, Vec<Option<String>>)> = quantiles.iter().map(|&q| (q, strings(q.column()).unwrap_or_default())).collect();
    let known_regions: Vec<String> = regions.iter().map(|(n, _)| n.clone()).collect();
    let known_regions: Vec<&str> = known_regions.iter().map(String::as_str).collect();
    for i in 0..df.height() {
        let row = i as u64 + 1;
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&service[i])
            && blank(&period[i])
            && values.iter().all(|(_, v)| blank(&v[i]))
            && region.as_ref().is_none_or(|r| blank(&r[i]))
        {
            continue; // a blank line
        }
        let mut ok = true;
        let series = match service[i].as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => {
                diags.push(ctx.at(sources, row, Some(columns::SERVICE), Diagnostic::error("missing-value", "the row names no service")));
                ok = false;
                String::new()
            }
        };
        let period = match period[i].as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => match Period::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    diags.push(ctx.at(sources, row, Some(columns::PERIOD), Diagnostic::error("bad-period", e.message)));
                    None
                }
            },
            _ => {
                diags.push(ctx.at(sources, row, Some(columns::PERIOD), Diagnostic::error("missing-value", "the row has no period")));
                None
            }
        };
        let region = match region.as_ref().and_then(|r| r[i].as_deref()).map(str::trim) {
            None | Some("") => Some(None),
            Some(name) => match regions.iter().find(|(n, _)| n == name) {
                Some(&(_, id)) => Some(Some(id)),
                None if regions_open => {
                    let id = RegionId::from_index(regions.len());
                    regions.push((name.to_owned(), id));
                    Some(Some(id))
                }
                None => {
                    let help = did_you_mean(name, known_regions.iter().copied()).map_or_else(
                        || format!("the topology's regions are {}", crate::decode::list(&known_regions)),
                        |s| format!("did you mean `{s}`?"),
                    );
                    diags.push(ctx.at(
                        sources,
                        row,
                        Some(columns::REGION),
                        Diagnostic::error("unknown-name", format!("unknown region `{name}`")).help(help),
                    ));
                    None
                }
            },
        };
        let mut cells = [None; 4];
        for (q, column) in &values {
            match column[i].as_deref().map(str::trim) {
                None | Some("") => {
                    diags.push(
                        ctx.at(
                            sources,
                            row,
                            Some(q.column()),
                            Diagnostic::error("missing-value", format!("the row has no `{}` value", q.column()))
                                .help("every row needs a value in each demand column; write 0 for no demand"),
                        ),
                    );
                    ok = false;
                }
                Some(text) => match text.parse::<f64>() {
                    Ok(x) if x.is_finite() && x > headroom_model::limits::MAX_QUANTITY => {
                        diags.push(
                            ctx.at(
                                sources,
                                row,
                                Some(q.column()),
                                Diagnostic::error(
                                    "bad-value",
                                    format!("demand can be at most {:e}, found {x:e}", headroom_model::limits::MAX_QUANTITY),
                                )
                                .help("numbers this large are a typo or a mix-up of units; see the README's limits"),
                            ),
                        );
                        ok = false;
                    }
                    Ok(x) if x.is_finite() && x >= 0.0 => cells[q.index()] = Some(x),
                    Ok(x) if x.is_finite() => {
                        diags.push(ctx.at(
                            sources,
                            row,
                            Some(q.column()),
                            Diagnostic::error("bad-value", format!("demand cannot be negative, found {x}")),
                        ));
                        ok = false;
                    }
                    _ => {
                        diags.push(
                            ctx.at(
                                sources,
                                row,
                                Some(q.column()),
                                Diagnostic::error("bad-value", format!("`{text}` is not a number"))
                                    .help("demand is a plain number such as 1200 or 35.5"),
                            ),
                        );
                        ok = false;
                    }
                },
            }
        }
        if let (true, Some(period), Some(region)) = (ok, period, region) {
            rows.push(Row { at: RowAt { source, row }, series, region, period, values: cells });
        }
    }
}

fn csv_header(path: &Path) -> Vec<String> {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else { return Vec::new() };
    let mut line = String::new();
    if std::io::BufReader::new(file).read_line(&mut line).is_err() {
        return Vec::new();
    }
    let line = line.trim_end_matches(['\n', '\r']);
    csv_fields(line).iter().map(|&(s, e)| line[s..e].trim().trim_matches('"').to_owned()).collect()
}

fn merge(
    rows: Vec<Row>,
    regions: &[(String, RegionId)],
    files: &[SourceId],
    ragged: bool,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<LoadedForecast> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let Some(first) = rows.first() else {
        let mut d = Diagnostic::error("empty-forecast", "the forecast has no rows").help("add one row per service, region and period");
        if let Some(&file) = files.first() {
            d = d.file(file);
        }
        diags.push(d);
        return None;
    };
    let granularity = first.period.granularity();
    let first_at = first.at;
    let mut files: BTreeMap<SourceId, FileCtx> = BTreeMap::new();
    let mut point = |at: RowAt, column: Option<&str>, d: Diagnostic, sources: &mut SourceMap| -> Diagnostic {
        let file = files.entry(at.source).or_insert_with(|| FileCtx::new(at.source, sources));
        file.at(sources, at.row, column, d)
    };
    // (series, region, period) -> row
    let mut cells: BTreeMap<(String, Option<RegionId>, Period), &Row> = BTreeMap::new();
    let mut bad_granularity = false;
    for row in &rows {
        if row.period.granularity() != granularity {
            let d = Diagnostic::error(
                "mixed-periods",
                format!(
                    "period {} is a {} but the forecast's first row is in {}s",
                    row.period,
                    row.period.granularity().name(),
                    granularity.name()
                ),
            )
            .help(format!(
                "write every period as a {} (first row: {} row {})",
                granularity.name(),
                sources.display(first_at.source),
                first_at.row
            ));
            diags.push(point(row.at, Some(columns::PERIOD), d, sources));
            bad_granularity = true;
            continue;
        }
        let key = (row.series.clone(), row.region, row.period);
        if let Some(first) = cells.get(&key) {
            let region = row.region.map_or(String::new(), |r| match regions.iter().find(|(_, id)| *id == r) {
                Some((name, _)) => format!(" in region `{name}`"),
                None => " in its region".to_owned(),
            });
            let mut d = Diagnostic::error("duplicate-row", format!("a second row for service `{}`{region} in {}", row.series, row.period))
                .help(format!("first given in {} row {}; keep one", sources.display(first.at.source), first.at.row));
            d = point(row.at, None, d, sources);
            let first_loc = point(first.at, None, Diagnostic::error("", ""), sources);
            if let Some(label) = first_loc.labels.first() {
                d = d.label(label.span, "first given here");
            }
            diags.push(d);
            continue;
        }
        cells.insert(key, row);
    }
    if bad_granularity {
        return None;
    }
    let lo = cells.keys().map(|k| k.2).min()?;
    let hi = cells.keys().map(|k| k.2).max()?;
    let periods: Vec<Period> = (0..=lo.steps_to(hi)).map(|i| lo.offset(i)).collect();
    // Group into series and origins.
    let mut grouped: BTreeMap<String, BTreeMap<Option<RegionId>, Vec<&Row>>> = BTreeMap::new();
    for ((series, region, _), row) in &cells {
        grouped.entry(series.clone()).or_default().entry(*region).or_default().push(row);
    }
    let mut out = LoadedForecast::default();
    out.forecast.periods = periods.clone();
    let mut all_quantiles: Option<Vec<Quantile>> = None;
    for (name, origins) in grouped {
        if origins.contains_key(&None) && origins.len() > 1 {
            let with_region = origins.iter().find(|(r, _)| r.is_some()).map(|(_, rows)| rows[0].at)?;
            let d = Diagnostic::error("mixed-regions", format!("service `{name}` has rows with a region and rows without one"))
                .help("give every row of a service a region, or none");
            diags.push(point(with_region, Some(columns::REGION), d, sources));
            continue;
        }
        if let Some(at) = origins.values().next().and_then(|rows| rows.first()).map(|r| r.at) {
            out.series_at.insert(name.clone(), at);
        }
        let mut series = Series { name: name.clone(), origins: Vec::new() };
        let mut quantiles: Vec<Quantile> = Quantile::ALL.to_vec();
        for (region, rows) in origins {
            // A history's series starts at its own first row.
            let first = if ragged { rows.iter().map(|r| r.period).min().unwrap_or(lo) } else { lo };
            let own = &periods[lo.steps_to(first) as usize..];
            let missing: Vec<String> = own.iter().filter(|p| !rows.iter().any(|r| r.period == **p)).map(|p| p.to_string()).collect();
            if !missing.is_empty() {
                let shown = if missing.len() > 6 {
                    format!("{} and {} more", missing[..6].join(", "), missing.len() - 6)
                } else {
                    missing.join(", ")
                };
                let from = region.map_or(String::new(), |_| " from this region".to_owned());
                let (what, help) = if ragged {
                    (
                        "history",
                        format!("a history runs without gaps from a series' first period ({first}) to the latest of all ({hi}): add the missing periods' demand from your monitoring, or start the series after the gap; do not write 0 for demand that was not measured"),
                    )
                } else {
                    ("demand", format!("the horizon is {lo} to {hi} (the span of all forecast rows): add the missing rows, with 0 where there is no demand"))
                };
                let d = Diagnostic::error("forecast-gap", format!("service `{name}` has no {what}{from} for {shown}")).help(help);
                diags.push(point(rows[0].at, None, d, sources));
                continue;
            }
            let mut values: [Vec<f64>; 4] = Default::default();
            for q in Quantile::ALL {
                let column: Option<Vec<f64>> =
                    own.iter().map(|p| rows.iter().find(|r| r.period == *p).and_then(|r| r.values[q.index()])).collect();
                match column {
                    Some(v) => values[q.index()] = v,
                    None => quantiles.retain(|x| *x != q),
                }
            }
            for (t, p) in own.iter().enumerate() {
                let v = |q: Quantile| values[q.index()].get(t).copied();
                if let (Some(a), Some(b), Some(c)) = (v(Quantile::P50), v(Quantile::P90), v(Quantile::P95)) {
                    if !(a <= b && b <= c) {
                        let row = rows.iter().find(|r| r.period == *p).map(|r| r.at)?;
                        let d = Diagnostic::warning(
                            "quantiles-cross",
                            format!("service `{name}` in {p}: p50 {a} ≤ p90 {b} ≤ p95 {c} does not hold"),
                        )
                        .help("quantiles should not decrease; check the forecast export");
                        diags.push(point(row, None, d, sources));
                    }
                }
            }
            series.origins.push(Origin { region, values });
        }
        all_quantiles = Some(match all_quantiles {
            None => quantiles.clone(),
            Some(mut all) => {
                all.retain(|q| quantiles.contains(q));
                all
            }
        });
        out.series_quantiles.insert(name, quantiles);
        out.forecast.series.push(series);
    }
    out.forecast.quantiles = all_quantiles.unwrap_or_default();
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    Some(out)
}

/// Whether `path` names a CSV file (by its extension).
pub fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Whether `path` names a Parquet file (`.parquet` or `.pq`).
pub fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

/// Warns of each forecast series no service uses: a typo in a service's
/// name or `demand` leaves that demand unplanned without a word.
pub fn warn_unused(loaded: &LoadedForecast, used: &[&str], sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) {
    let mut files: BTreeMap<SourceId, FileCtx> = BTreeMap::new();
    for series in &loaded.forecast.series {
        if used.contains(&series.name.as_str()) {
            continue;
        }
        let Some(&at) = loaded.series_at.get(&series.name) else { continue };
        let help = match did_you_mean(&series.name, used.iter().copied()) {
            Some(name) => format!("did you mean `{name}`? A service plans the series its `demand` names (by default, its own name)"),
            None => "a service plans the series its `demand` names (by default, its own name); remove the rows if no service needs them"
                .to_owned(),
        };
        let d = Diagnostic::warning("unused-series", format!("no service plans forecast series `{}`", series.name)).help(help);
        let file = files.entry(at.source).or_insert_with(|| FileCtx::new(at.source, sources));
        diags.push(file.at(sources, at.row, Some(columns::SERVICE), d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_and_fields_respect_quotes() {
        let text = "a,b\r\n\"x,\ny\",2\n\n3,";
        let records = csv_records(text);
        assert_eq!(records, vec![(0, 3), (5, 13), (14, 14), (15, 17)]);
        assert_eq!(csv_fields(&text[5..13]), vec![(0, 6), (7, 8)]);
        assert_eq!(csv_fields("3,"), vec![(0, 1), (2, 2)]);
    }
}
