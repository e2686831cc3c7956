//! `headroom forecast` end to end: the example's forecast regenerated from
//! its history and planned on; bad histories refused with their place.

use std::fs;

mod common;
use common::*;

#[test]
fn the_example_forecast_regenerates_from_history_and_plans() {
    let tmp = tempfile::tempdir().unwrap();
    // The example's topology and intents, and data/ made by `forecast` alone.
    let root = tmp.path().join("org");
    for part in ["topology", "intents"] {
        copy_dir(&workspace().join(part), &root.join(part), &[]);
    }
    let out = root.join("data/forecast.csv");
    let history = workspace().join("data/history.csv");
    let (code, stdout, stderr) = headroom(&["forecast", "--history", history.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Overall: MASE"), "{stdout}");
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("service,period,region,demand,p50,p90,p95\n"), "{}", &text[..80]);
    // 35 series (service and region) of the history × 8 quarters.
    assert_eq!(text.lines().count(), 1 + 35 * 8);
    assert!(text.contains("web-frontend,2027Q1,us-east,") && text.contains("search-indexer,2028Q4,,"));
    let backtest = fs::read_to_string(root.join("data/backtest-forecast.csv")).unwrap();
    assert!(backtest.starts_with("service,region,method,members,seasonal,chosen,mase,smape_percent,forecasts\n"));
    assert_eq!(
        backtest.lines().filter(|l| l.contains(",no,yes,") || l.contains(",yes,yes,")).count(),
        35,
        "each series has one chosen method"
    );

    // The shipped example's forecast is exactly this command's output.
    assert_eq!(
        text,
        fs::read_to_string(workspace().join("data/forecast.csv")).unwrap(),
        "data/forecast.csv is stale: regenerate it (README)"
    );
    // The same bytes again: forecasts are deterministic.
    let again = tmp.path().join("again.csv");
    headroom(&["forecast", "--history", history.to_str().unwrap(), "-o", again.to_str().unwrap()]);
    assert_eq!(fs::read(&out).unwrap(), fs::read(&again).unwrap());

    // Planning on it works end to end, with the backtest beside it.
    let (code, stdout, stderr) = headroom(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let plan = tmp.path().join("plan");
    let (code, stdout, stderr) = headroom(&["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");

    // Parquet out, JSON summary.
    let parquet = tmp.path().join("f.parquet");
    let (code, stdout, stderr) = headroom(&[
        "forecast",
        "--history",
        history.to_str().unwrap(),
        "-o",
        parquet.to_str().unwrap(),
        "--periods",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["format_version"], "1.0");
    assert_eq!(doc["periods"].as_array().unwrap().len(), 4);
    assert!(doc["overall"]["mase"].as_f64().unwrap() < 1.0, "the example's trends beat the naive forecast");
    assert!(fs::read(&parquet).unwrap().starts_with(b"PAR1"));
}

/// Writes `history` and forecasts it; returns exit code and all output.
fn forecast(history: &str, extra: &[&str]) -> (i32, String, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("history.csv");
    fs::write(&file, history).unwrap();
    let out = tmp.path().join("out/forecast.csv");
    let mut args = vec!["forecast", "--history", file.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend(extra);
    let (code, stdout, stderr) = headroom(&args);
    (code, format!("{stdout}{stderr}"), out.exists())
}

#[test]
fn bad_histories_are_refused_with_their_place() {
    let cases = [
        // (history, what the output must say)
        ("service,period,region,demand\ns,2026Q1,r,10\ns,2026Q2,r,11\ns,2026Q4,r,13\n", "has no history from this region for 2026Q3"),
        // A series that stops before the others is a gap at its end.
        (
            "service,period,region,demand\ns,2026Q1,r,10\ns,2026Q2,r,11\ns,2026Q3,r,13\nt,2026Q1,r,10\nt,2026Q2,r,11\n",
            "`t` has no history from this region for 2026Q3",
        ),
        ("service,period,region,demand\ns,2026Q1,r,10\ns,2026Q1,r,11\ns,2026Q2,r,13\n", "a second row for service `s`"),
        ("service,period,region,demand\ns,2026Q1,r,10\ns,2026Q2,r,-4\ns,2026Q3,r,13\n", "demand cannot be negative"),
        ("service,period,region,demand\ns,2026Q1,r,10\ns,2026Q2,r,lots\ns,2026Q3,r,13\n", "`lots` is not a number"),
        ("service,period,region,demand\ns,2026Q1,r,10\ns,2026-05,r,11\n", "mixed"),
        ("service,quarter,region,demand\ns,2026Q1,r,10\n", "no `period` column"),
        ("service,period,region,demand,demand\ns,2026Q1,r,10,11\n", "the header names `demand` twice"),
    ];
    for (history, says) in cases {
        let (code, output, written) = forecast(history, &[]);
        assert_eq!(code, 1, "{history}\n{output}");
        assert!(output.contains(says), "expected `{says}` in:\n{output}");
        assert!(output.contains("history.csv:"), "the file and line are named:\n{output}");
        assert!(!written, "nothing is written for a bad history");
    }
}

/// Services launch at different times: each series is forecast from where
/// its data starts, never padded with zeros.
#[test]
fn ragged_histories_forecast_each_series_from_its_own_start() {
    let mut history = String::from("service,period,region,demand\n");
    for (i, p) in ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
        .iter()
        .enumerate()
    {
        history.push_str(&format!("old,{p},r,{}\n", 100 + 10 * i));
        // `new` launched in 2025Q3 at 1000 and grows by 50 a quarter.
        if i >= 6 {
            history.push_str(&format!("new,{p},r,{}\n", 1000 + 50 * (i - 6)));
        }
    }
    let (code, output, written) = forecast(&history, &["--format", "json"]);
    assert_eq!(code, 0, "{output}");
    assert!(written);
    let doc: serde_json::Value = serde_json::from_str(&output).unwrap();
    let new = doc["series"].as_array().unwrap().iter().find(|s| s["service"] == "new").unwrap();
    assert_eq!(new["points"], 6, "{new}");
    // Zeros before the launch would drag the forecast far below 1,250.
    let first = new["p50"][0].as_f64().unwrap();
    assert!(first > 1250.0 && first < 1400.0, "{first}");
}

#[test]
fn forecasts_keep_full_precision() {
    let mut history = String::from("service,period,region,demand\n");
    for (i, p) in ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"].iter().enumerate() {
        history.push_str(&format!("tiny,{p},r,{}\n", 0.04 + 0.001234567 * i as f64));
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("history.csv");
    fs::write(&file, history).unwrap();
    let out = tmp.path().join("forecast.csv");
    let (code, stdout, stderr) =
        headroom(&["forecast", "--history", file.to_str().unwrap(), "-o", out.to_str().unwrap(), "--method", "linear"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = fs::read_to_string(&out).unwrap();
    let first: f64 = text.lines().nth(1).unwrap().split(',').nth(3).unwrap().parse().unwrap();
    // The line continues: 0.04 + 0.001234567 × 8, not rounded to 0.05.
    assert!((first - (0.04 + 0.001234567 * 8.0)).abs() < 1e-12, "{first}");
}

#[test]
fn short_histories_error_or_fall_back_as_stated() {
    let three = "service,period,region,demand\ns,2026Q1,r,10\ns,2026Q2,r,11\ns,2026Q3,r,12\n";
    let (code, output, written) = forecast(three, &["--method", "holt"]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("holt needs at least 4 points, the series has 3"), "{output}");
    assert!(!written);
    let (code, output, written) = forecast(three, &[]);
    assert_eq!(code, 0, "{output}");
    assert!(written);
    assert!(output.contains("too few to backtest"), "{output}");
    assert!(output.contains("p50, p90 and p95 equal the forecast"), "{output}");
    let (code, output, _) = forecast(three, &["--periods", "0"]);
    assert_eq!(code, 2, "{output}");
}

#[test]
fn constant_and_all_zero_histories_write_no_nan_or_infinity() {
    let tmp = tempfile::tempdir().unwrap();
    let mut history = String::from("service,period,region,demand\n");
    for p in ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"] {
        history.push_str(&format!("zero,{p},r,0\nflat,{p},r,5\n"));
    }
    let file = tmp.path().join("history.csv");
    fs::write(&file, history).unwrap();
    let out = tmp.path().join("forecast.csv");
    let (code, stdout, stderr) = headroom(&["forecast", "--history", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    for written in [out.clone(), tmp.path().join("backtest-forecast.csv")] {
        let text = fs::read_to_string(&written).unwrap().to_lowercase();
        assert!(!text.contains("nan") && !text.contains("inf"), "{}:\n{text}", written.display());
    }
}

/// Every method the README's usage line names is one `--method` takes, and
/// forecasts a seasonal history (four years of quarters) it can fit.
#[test]
fn every_method_the_readme_names_forecasts() {
    let readme = fs::read_to_string(workspace().join("README.md")).unwrap();
    let usage = readme.lines().find(|l| l.contains("[--method ")).expect("the usage line names the methods");
    let list = usage.split("[--method ").nth(1).unwrap().split(']').next().unwrap();
    let methods: Vec<&str> = list.split('|').collect();
    assert!(methods.len() > 10 && methods.contains(&"airline"), "{methods:?}");
    let mut history = String::from("service,period,region,demand\n");
    for year in 0..4 {
        for (q, season) in [1.3, 0.8, 0.9, 1.0].iter().enumerate() {
            let t = (4 * year + q) as f64;
            history.push_str(&format!("s,{}Q{},r,{}\n", 2023 + year, q + 1, (100.0 + 5.0 * t) * season));
        }
    }
    for method in methods {
        let (code, output, written) = forecast(&history, &["--method", method]);
        assert_eq!(code, 0, "--method {method}:\n{output}");
        assert!(written, "--method {method}");
    }
}

/// A method that fits the history's earlier cutoffs but not the whole of
/// it (a logarithm, after a recent 0) is no candidate for `auto`: the
/// forecast is made, by a method that fits.
#[test]
fn auto_chooses_only_methods_that_fit_the_whole_history() {
    let mut history = String::from("service,period,region,demand\n");
    for i in 0..40 {
        let demand = if i == 39 { 0.0 } else { 100.0 * 1.03f64.powi(i) };
        history.push_str(&format!("s,{}Q{},r,{demand}\n", 2017 + i / 4, i % 4 + 1));
    }
    let (code, output, written) = forecast(&history, &["--format", "json"]);
    assert_eq!(code, 0, "{output}");
    assert!(written);
    let doc: serde_json::Value = serde_json::from_str(&output).unwrap();
    let series = &doc["series"][0];
    for candidate in series["candidates"].as_array().unwrap() {
        let method = candidate["method"].as_str().unwrap();
        assert!(!matches!(method, "log-linear" | "holt-log"), "{method} cannot fit a history with a 0: {series}");
    }
}
