//! Writes the Parquet files used by the end-to-end `check` cases.
//! They are committed; run this to make them again:
//!
//!     cargo test -p headroom-load --test parquet_fixtures -- --ignored

use std::path::Path;

use polars::prelude::*;

type Rows = (Vec<&'static str>, Vec<&'static str>, Vec<Option<&'static str>>, Vec<f64>);

/// The same rows as `tests/check/base/data/forecast.csv`.
fn base_rows() -> Rows {
    let mut rows: Rows = Default::default();
    for (name, region, start, step) in
        [("frontend", Some("east"), 1000.0, 100.0), ("frontend", Some("west"), 500.0, 50.0), ("db", None, 100.0, 10.0)]
    {
        for (i, period) in ["2027Q1", "2027Q2", "2027Q3", "2027Q4"].into_iter().enumerate() {
            rows.0.push(name);
            rows.1.push(period);
            rows.2.push(region);
            rows.3.push(start + step * i as f64);
        }
    }
    rows
}

fn write(case: &str, mut df: DataFrame) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check/cases").join(case).join("data");
    std::fs::create_dir_all(&dir).unwrap();
    let mut file = std::fs::File::create(dir.join("forecast.parquet")).unwrap();
    ParquetWriter::new(&mut file).finish(&mut df).unwrap();
}

#[test]
#[ignore = "writes fixtures into tests/check/cases"]
fn write_parquet_fixtures() {
    let (service, period, region, demand) = base_rows();
    write("parquet-valid", df!("service" => &service, "period" => &period, "region" => &region, "demand" => &demand).unwrap());

    let mut negative = demand.clone();
    negative[2] = -5.0;
    write("parquet-negative", df!("service" => &service, "period" => &period, "region" => &region, "demand" => &negative).unwrap());

    let mut text: Vec<String> = demand.iter().map(|d| d.to_string()).collect();
    text[6] = "lots".into();
    write("parquet-text-demand", df!("service" => &service, "period" => &period, "region" => &region, "demand" => &text).unwrap());

    write("parquet-missing-column", df!("service" => &service, "quarter" => &period, "region" => &region, "demand" => &demand).unwrap());
}
