//! `headroom forecast`: the organic forecast frame `plan` reads, from a
//! history of demand, with a backtest of every series.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use headroom_diag::render;
use headroom_forecast::{Choice, Method, SeriesForecast, MONTHS_PER_YEAR, QUARTERS_PER_YEAR};
use headroom_load::{columns, Column};
use headroom_model::{Granularity, Quantile};

use crate::exit::Exit;
use crate::DiagFormat;

#[derive(clap::Args, Debug)]
pub struct ForecastArgs {
    /// The history: CSV or Parquet with `service`, `period`, optional
    /// `region` and `demand`, one row per service, region and period.
    #[arg(long, default_value = "data/history.csv", value_name = "FILE")]
    pub history: PathBuf,
    /// Where to write the forecast (`.csv` or `.parquet`); the backtest
    /// goes next to it as backtest-NAME.csv (a name `plan` does not read
    /// as a forecast).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Periods to forecast, in the history's own step (quarters or months).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=240))]
    pub periods: u32,
    /// The method; `auto` picks per series the one with the best backtest.
    #[arg(long, value_enum, default_value_t)]
    pub method: MethodArg,
    /// How to print errors in the history and the summary (`json`: one
    /// document with every series' backtest).
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MethodArg {
    /// Per series, the candidate with the lowest backtest MASE.
    #[default]
    Auto,
    /// The last value.
    Naive,
    /// The last value plus the history's mean change per period.
    Drift,
    /// The value one season back (a year, for months and quarters).
    SeasonalNaive,
    /// Holt–Winters: damped trend, multiplicative season.
    HoltWinters,
    /// The airline model, ARIMA(0,1,1)(0,1,1) on the logarithm.
    Airline,
    /// Seasonal ARIMA with its orders chosen from the data.
    Arima,
    /// A least-squares line.
    Linear,
    /// A line through the logarithm (constant growth rate).
    LogLinear,
    /// Simple exponential smoothing.
    Ses,
    /// Holt's method with a damped trend.
    Holt,
    /// Holt's damped trend on the logarithm (growth by a rate).
    HoltLog,
    /// The Theta method.
    Theta,
    /// ETS (additive errors), its trend chosen by AIC.
    Ets,
    /// Croston's method (SBA), for demand that is mostly zero.
    Croston,
    /// The mean of SES, damped Holt and Theta.
    Combination,
}

impl MethodArg {
    fn choice(self) -> Choice {
        let method = match self {
            MethodArg::Auto => return Choice::Auto,
            MethodArg::Naive => Method::Naive,
            MethodArg::Drift => Method::Drift,
            MethodArg::SeasonalNaive => Method::SeasonalNaive,
            MethodArg::Linear => Method::Linear,
            MethodArg::LogLinear => Method::LogLinear,
            MethodArg::Ses => Method::Ses,
            MethodArg::Holt => Method::Holt,
            MethodArg::HoltLog => Method::HoltLog,
            MethodArg::Theta => Method::Theta,
            MethodArg::Ets => Method::Ets,
            MethodArg::Croston => Method::Croston,
            MethodArg::Combination => Method::Combination,
            MethodArg::HoltWinters => Method::HoltWinters,
            MethodArg::Airline => Method::Airline,
            MethodArg::Arima => Method::Arima,
        };
        Choice::Method(method)
    }
}

/// One series' result, for the tables and the JSON summary.
#[derive(serde::Serialize)]
struct Row {
    service: String,
    region: String,
    points: usize,
    #[serde(flatten)]
    forecast: SeriesForecast,
}

/// `data/forecast.csv` → `data/backtest-forecast.csv`: beside it, but not
/// matching `data/forecast*`, which `plan` reads.
fn backtest_path(output: &Path) -> PathBuf {
    let stem = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "forecast".into());
    output.with_file_name(format!("backtest-{stem}.csv"))
}

/// Mean of the values that are there.
fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

pub fn run(args: &ForecastArgs) -> Exit {
    if !(headroom_load::is_csv(&args.output) || headroom_load::is_parquet(&args.output)) {
        eprintln!("error: the output must be a .csv or .parquet file, not {}", args.output.display());
        return Exit::Usage;
    }
    // Both outputs are checked before any work: never over the history.
    let inputs = crate::output::Inputs::new([&args.history]);
    let backtest_file = backtest_path(&args.output);
    for file in [&args.output, &backtest_file] {
        if let Err(why) = crate::output::check_file(file, &inputs) {
            return crate::refused(file, why);
        }
    }
    let loaded = headroom_load::load_history(&args.history);
    if !loaded.diagnostics.list.is_empty() {
        print!("{}", render(&loaded.diagnostics.list, &loaded.sources, args.format.render()));
    }
    let Some(history) = loaded.history else {
        eprintln!("error: the history has errors; nothing was forecast");
        return Exit::InputError;
    };
    let history_periods = &history.forecast.periods;
    let Some(&last) = history_periods.last() else {
        eprintln!("error: the history has no periods");
        return Exit::InputError;
    };
    let season = match last.granularity() {
        Granularity::Month => MONTHS_PER_YEAR,
        Granularity::Quarter => QUARTERS_PER_YEAR,
    };
    let season = Some(season);
    let options = headroom_forecast::Options { choice: args.method.choice(), horizon: args.periods as usize, season };
    let periods: Vec<String> = (1..=args.periods as i32).map(|k| last.offset(k).to_string()).collect();

    let mut rows = Vec::new();
    let mut failed = false;
    for series in &history.forecast.series {
        for origin in &series.origins {
            let region = origin.region.map_or(String::new(), |r| history.regions.get(r.index()).cloned().unwrap_or_default());
            // The `demand` column, or `p50` if the history only has that.
            let values = [Quantile::Demand, Quantile::P50]
                .iter()
                .map(|q| &origin.values[q.index()])
                .find(|v| !v.is_empty())
                .cloned()
                .unwrap_or_default();
            match headroom_forecast::run(&values, &options) {
                Ok(forecast) => rows.push(Row { service: series.name.clone(), region, points: values.len(), forecast }),
                Err(why) => {
                    let of = if region.is_empty() { String::new() } else { format!(" in {region}") };
                    eprintln!("error: {}: `{}`{of}: {why}", args.history.display(), series.name);
                    failed = true;
                }
            }
        }
    }
    if failed {
        eprintln!("hint: use --method auto, which falls back to simpler methods for short series");
        return Exit::InputError;
    }

    // The forecast frame: one row per series, region and period.
    let (mut service, mut period, mut region) = (Vec::new(), Vec::new(), Vec::new());
    let (mut demand, mut p50, mut p90, mut p95) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        for (k, name) in periods.iter().enumerate() {
            service.push(row.service.clone());
            period.push(name.clone());
            region.push(row.region.clone());
            demand.push(row.forecast.p50[k]);
            p50.push(row.forecast.p50[k]);
            p90.push(row.forecast.p90[k]);
            p95.push(row.forecast.p95[k]);
        }
    }
    let frame = vec![
        (columns::SERVICE, Column::Text(service)),
        (columns::PERIOD, Column::Text(period)),
        (columns::REGION, Column::Text(region)),
        (Quantile::Demand.column(), Column::Number(demand)),
        (Quantile::P50.column(), Column::Number(p50)),
        (Quantile::P90.column(), Column::Number(p90)),
        (Quantile::P95.column(), Column::Number(p95)),
    ];
    // The backtest: every candidate of every series, the chosen one marked.
    let candidates: Vec<(&Row, &headroom_forecast::Backtest)> =
        rows.iter().flat_map(|r| r.forecast.candidates.iter().map(move |c| (r, c))).collect();
    let text = |f: &dyn Fn(&Row, &headroom_forecast::Backtest) -> String| Column::Text(candidates.iter().map(|(r, c)| f(r, c)).collect());
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let backtest = vec![
        ("service", text(&|r, _| r.service.clone())),
        ("region", text(&|r, _| r.region.clone())),
        ("method", text(&|_, c| c.method.name().to_owned())),
        ("members", text(&|_, c| c.members.iter().map(|m| m.name()).collect::<Vec<_>>().join(" "))),
        ("seasonal", text(&|_, c| yes_no(c.seasonal))),
        ("chosen", text(&|r, c| yes_no(r.forecast.backtest.as_ref() == Some(c)))),
        ("mase", Column::Number(candidates.iter().map(|(_, c)| c.mase.map_or(f64::NAN, |m| (m * 1e4).round() / 1e4)).collect())),
        ("smape_percent", Column::Number(candidates.iter().map(|(_, c)| (c.smape * 1e4).round() / 1e4).collect())),
        ("forecasts", Column::Count(candidates.iter().map(|(_, c)| c.forecasts as u64).collect())),
    ];
    let bytes =
        headroom_load::frame_bytes(&args.output, frame).and_then(|f| Ok((f, headroom_load::frame_bytes(&backtest_file, backtest)?)));
    let (forecast_bytes, backtest_bytes) = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("internal error: cannot encode the forecast: {e}");
            return Exit::Internal;
        }
    };
    if let Err(e) = crate::output::write_files(&[(&args.output, &forecast_bytes), (&backtest_file, &backtest_bytes)]) {
        return crate::output_failed(&args.output, e);
    }

    let overall_mase = mean(rows.iter().filter_map(|r| r.forecast.backtest.as_ref().and_then(|b| b.mase)));
    let overall_smape = mean(rows.iter().filter_map(|r| r.forecast.backtest.as_ref().map(|b| b.smape)));
    if args.format == DiagFormat::Json {
        let doc = headroom_run::documents::Forecast {
            format_version: headroom_run::documents::FORECAST_VERSION.to_owned(),
            history: args.history.display().to_string(),
            output: args.output.display().to_string(),
            periods: &periods,
            overall: headroom_run::documents::Overall { mase: overall_mase, smape_percent: overall_smape },
            series: &rows,
        };
        print!("{}", headroom_run::documents::to_json(&doc));
    } else {
        print!("{}", summary(&rows, &periods, overall_mase, overall_smape));
        println!("Wrote {} and {}.", args.output.display(), backtest_file.display());
    }
    Exit::Success
}

fn summary(rows: &[Row], periods: &[String], mase: Option<f64>, smape: Option<f64>) -> String {
    let mut out = format!(
        "Forecast of {} series for {} period{} ({} to {}), backtested by rolling origin:\n",
        rows.len(),
        periods.len(),
        crate::plural(periods.len()),
        periods.first().map_or("-", String::as_str),
        periods.last().map_or("-", String::as_str)
    );
    out.push_str(&format!("  {:<20} {:<10} {:<36} {:>7} {:>8} {:>9}\n", "service", "region", "method", "MASE", "sMAPE %", "backtests"));
    for row in rows {
        let f = &row.forecast;
        let members: Vec<&str> = f.backtest.as_ref().map_or(Vec::new(), |b| b.members.iter().map(|m| m.name()).collect());
        let name = if members.is_empty() { f.method.name().to_owned() } else { format!("mean({})", members.join(",")) };
        let method = format!("{name}{}", if f.seasonal { "+seasonal" } else { "" });
        let (m, s, n) = match &f.backtest {
            Some(b) => (b.mase.map_or("-".into(), |m| format!("{m:.3}")), format!("{:.2}", b.smape), b.forecasts.to_string()),
            None => ("-".into(), "-".into(), "0".into()),
        };
        out.push_str(&format!(
            "  {:<20} {:<10} {:<36} {:>7} {:>8} {:>9}\n",
            row.service,
            if row.region.is_empty() { "-" } else { &row.region },
            method,
            m,
            s,
            n
        ));
    }
    // Notes once each, with how many series they concern.
    let mut notes: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for note in rows.iter().flat_map(|r| &r.forecast.notes) {
        *notes.entry(note).or_default() += 1;
    }
    for (note, n) in notes {
        out.push_str(&format!("note ({n} series): {note}\n"));
    }
    out.push_str(&format!(
        "Overall: MASE {}, sMAPE {} (means over series; MASE below 1 beats the naive forecast one season back, in-sample).\n",
        mase.map_or("-".into(), |m| format!("{m:.3}")),
        smape.map_or("-".into(), |s| format!("{s:.2} %"))
    ));
    out
}
