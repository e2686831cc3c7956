//! `headroom history`: the demand history `forecast` reads, from a
//! Prometheus-compatible monitoring API.

use std::path::PathBuf;
use std::time::Duration;

use headroom_load::{columns, Column};
use headroom_model::{Period, Quantile};
use headroom_monitor::{Query, Statistic};

use crate::exit::Exit;

#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    /// The API's base URL, as Grafana takes it (`http://prometheus:9090`;
    /// Thanos, Mimir and VictoriaMetrics serve the same API).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The PromQL query: one series per service (and region), for example
    /// `sum by (service, region) (rate(http_requests_total[5m]))`.
    #[arg(long, value_name = "PROMQL")]
    pub query: String,
    /// First period of the history (`2024Q1`, or `2024-01` for months: the
    /// history's step).
    #[arg(long, value_name = "PERIOD", value_parser = period)]
    pub from: Period,
    /// Last period of the history, in the same step.
    #[arg(long, value_name = "PERIOD", value_parser = period)]
    pub to: Period,
    /// How a period's points become its demand: `mean`, `max`, or a
    /// quantile such as `p95` (capacity is planned for peaks: `p95` or
    /// `max` of a daily or hourly series).
    #[arg(long, default_value = "p95", value_name = "STAT", value_parser = statistic)]
    pub stat: Statistic,
    /// Seconds between the points evaluated (the query's `step`).
    #[arg(long, default_value_t = 3600, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=31_622_400))]
    pub step: u64,
    /// The label that names the service.
    #[arg(long, default_value = "service", value_name = "LABEL")]
    pub service_label: String,
    /// The label that names the region (`none`: the history has no region).
    #[arg(long, default_value = "region", value_name = "LABEL")]
    pub region_label: String,
    /// A request header, `Name: value` (repeatable): `X-Scope-OrgID: team`.
    #[arg(long = "header", value_name = "HEADER", value_parser = header)]
    pub headers: Vec<(String, String)>,
    /// Send `Authorization: Bearer TOKEN` with TOKEN read from this
    /// environment variable (a token on the command line would show in
    /// process lists and CI logs).
    #[arg(long, value_name = "VAR")]
    pub bearer_token_env: Option<String>,
    /// Seconds to wait for each request.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Where to write the history (`.csv` or `.parquet`), atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

fn period(text: &str) -> Result<Period, String> {
    Period::parse(text).map_err(|e| e.to_string())
}

fn statistic(text: &str) -> Result<Statistic, String> {
    match text {
        "mean" => Ok(Statistic::Mean),
        "max" => Ok(Statistic::Max),
        _ => text
            .strip_prefix('p')
            .and_then(|q| q.parse::<f64>().ok())
            .filter(|q| (0.0..=100.0).contains(q))
            .map(|q| Statistic::Quantile(q / 100.0))
            .ok_or_else(|| format!("`{text}` is not `mean`, `max` or a quantile such as `p95`")),
    }
}

fn header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() && !name.contains(char::is_whitespace) => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not a header: write `Name: value`")),
    }
}

pub fn run(args: &HistoryArgs) -> Exit {
    if !(headroom_load::is_csv(&args.output) || headroom_load::is_parquet(&args.output)) {
        eprintln!("error: the output must be a .csv or .parquet file, not {}", args.output.display());
        return Exit::Usage;
    }
    if args.from.granularity() != args.to.granularity() || args.to < args.from {
        eprintln!("error: --from {} and --to {} must be periods of one kind, the first not after the last", args.from, args.to);
        return Exit::Usage;
    }
    if let Err(why) = crate::output::check_file(&args.output, &crate::output::Inputs::new(Vec::<PathBuf>::new())) {
        return crate::refused(&args.output, why);
    }
    let mut headers = args.headers.clone();
    if let Some(var) = &args.bearer_token_env {
        match std::env::var(var) {
            Ok(token) if !token.trim().is_empty() => headers.push(("Authorization".into(), format!("Bearer {}", token.trim()))),
            _ => {
                eprintln!("error: --bearer-token-env {var}: the environment variable is not set");
                return Exit::Usage;
            }
        }
    }
    let query = Query {
        url: args.url.clone(),
        promql: args.query.clone(),
        from: args.from,
        to: args.to,
        step_seconds: args.step,
        headers,
        timeout: Duration::from_secs(args.timeout),
    };
    let series = match headroom_monitor::fetch(&query) {
        Ok(series) => series,
        Err(e) => {
            eprintln!("error: {}: {e}", args.url);
            return Exit::InputError;
        }
    };
    let region_label = (args.region_label != "none").then_some(args.region_label.as_str());
    let aggregated = match headroom_monitor::aggregate(&series, &query, args.stat, &args.service_label, region_label) {
        Ok(a) => a,
        Err(why) => {
            eprintln!("error: {why}");
            return Exit::InputError;
        }
    };
    for why in &aggregated.skipped {
        eprintln!("warning: left out {why}");
    }
    if aggregated.rows.is_empty() {
        eprintln!("error: the query returned no demand from {} to {}: check the query in the server's own UI, the range, and the labels (`--service-label`)", args.from, args.to);
        return Exit::InputError;
    }
    let rows = &aggregated.rows;
    let frame = vec![
        (columns::SERVICE, Column::Text(rows.iter().map(|r| r.service.clone()).collect())),
        (columns::PERIOD, Column::Text(rows.iter().map(|r| r.period.to_string()).collect())),
        (columns::REGION, Column::Text(rows.iter().map(|r| r.region.clone().unwrap_or_default()).collect())),
        (Quantile::Demand.column(), Column::Number(rows.iter().map(|r| r.demand).collect())),
    ];
    let bytes = match headroom_load::frame_bytes(&args.output, frame) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("internal error: cannot encode the history: {e}");
            return Exit::Internal;
        }
    };
    if let Err(e) = crate::output::write_files(&[(&args.output, &bytes)]) {
        return crate::output_failed(&args.output, e);
    }
    let series_count = rows.iter().map(|r| (&r.service, &r.region)).collect::<std::collections::BTreeSet<_>>().len();
    println!("Wrote {} rows of {series_count} series ({} to {}) to {}.", rows.len(), args.from, args.to, args.output.display());
    Exit::Success
}
