//! Demand history from monitoring: a PromQL query against a
//! Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir,
//! VictoriaMetrics), its samples aggregated per planning period.
//!
//! One `query_range` per window of at most [`MAX_POINTS`] steps, because
//! servers refuse more (Prometheus: 11,000 points per series). Each series'
//! labels name its service and region; the samples in a period are reduced
//! to one value by a stated statistic. This crate knows HTTP and PromQL's
//! API, nothing of files or frames.

use std::collections::BTreeMap;
use std::time::Duration;

use headroom_model::{Granularity, Period};

/// At most this many steps per request.
pub const MAX_POINTS: u64 = 10_000;

/// What to ask and how.
#[derive(Clone, Debug)]
pub struct Query {
    /// The API's base URL, as for Grafana: `http://prometheus:9090`
    /// (`/api/v1/query_range` is appended).
    pub url: String,
    /// The PromQL expression: one series per service (and region).
    pub promql: String,
    /// The first period of the history.
    pub from: Period,
    /// The last period of the history.
    pub to: Period,
    /// Seconds between evaluated points.
    pub step_seconds: u64,
    /// Extra request headers (`Authorization`, `X-Scope-OrgID`, ...).
    pub headers: Vec<(String, String)>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// How the points in a period become its one value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Statistic {
    /// The mean of the points.
    Mean,
    /// The largest point.
    Max,
    /// The q-quantile (0 to 1) of the points, as R's type 7.
    Quantile(f64),
}

impl Statistic {
    fn reduce(self, values: &mut [f64]) -> f64 {
        values.sort_by(f64::total_cmp);
        match self {
            Statistic::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Statistic::Max => values[values.len() - 1],
            Statistic::Quantile(q) => {
                let position = q.clamp(0.0, 1.0) * (values.len() - 1) as f64;
                let (lo, hi) = (position.floor() as usize, position.ceil() as usize);
                values[lo] + (position - lo as f64) * (values[hi] - values[lo])
            }
        }
    }
}

/// One series the query returned: its labels and (unix seconds, value)
/// points in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The series' labels.
    pub labels: BTreeMap<String, String>,
    /// Its points: unix seconds and value, in time order.
    pub points: Vec<(i64, f64)>,
}

/// A failure, in words a user can act on.
#[derive(Debug, PartialEq)]
pub enum Error {
    /// The server could not be reached (or did not answer in time).
    Unreachable(String),
    /// The server answered with an error (a bad query, a refused token).
    Refused(String),
    /// The answer was not what the API documents.
    Malformed(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Unreachable(m) => write!(f, "cannot reach the server: {m}"),
            Error::Refused(m) => write!(f, "the server refused the query: {m}"),
            Error::Malformed(m) => write!(f, "the server's answer is not a Prometheus query result: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Unix seconds at the start of `period` (UTC).
pub fn period_start(period: Period) -> i64 {
    let month = period.start_month();
    let (year, m) = (month.div_euclid(12), month.rem_euclid(12) as u32 + 1);
    days_from_civil(year, m, 1) * 86_400
}

/// Unix seconds at the end of `period` (the start of the next).
pub fn period_end(period: Period) -> i64 {
    period_start(period.offset(1))
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The period of `granularity` that holds unix second `t`.
pub fn period_of(t: i64, granularity: Granularity) -> Option<Period> {
    let days = t.div_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    match granularity {
        Granularity::Month => Period::month(y, m),
        Granularity::Quarter => Period::quarter(y, (m - 1) / 3 + 1),
    }
}

/// Runs the query over the history's span, window by window.
pub fn fetch(query: &Query) -> Result<Vec<Series>, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Error::Unreachable(e.to_string()))?;
    runtime.block_on(fetch_async(query))
}

async fn fetch_async(query: &Query) -> Result<Vec<Series>, Error> {
    let client = reqwest::Client::builder().timeout(query.timeout).build().map_err(|e| Error::Unreachable(e.to_string()))?;
    let endpoint = format!("{}/api/v1/query_range", query.url.trim_end_matches('/'));
    let step = query.step_seconds.max(1) as i64;
    let (start, end) = (period_start(query.from), period_end(query.to));
    let mut merged: BTreeMap<BTreeMap<String, String>, Vec<(i64, f64)>> = BTreeMap::new();
    // Windows of at most MAX_POINTS steps, each ending a step before the
    // next starts, so that no point is fetched twice.
    let mut from = start;
    while from < end {
        let to = (from + step * (MAX_POINTS as i64 - 1)).min(end - 1);
        let mut request = client.get(&endpoint).query(&[
            ("query", query.promql.as_str()),
            ("start", &from.to_string()),
            ("end", &to.to_string()),
            ("step", &step.to_string()),
        ]);
        for (name, value) in &query.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| Error::Unreachable(describe(&e)))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| Error::Unreachable(describe(&e)))?;
        for series in parse(status.as_u16(), &body)? {
            merged.entry(series.labels).or_default().extend(series.points);
        }
        from = to + step;
    }
    Ok(merged.into_iter().map(|(labels, points)| Series { labels, points }).collect())
}

/// A reqwest error without its URL-laden chain.
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// A `query_range` answer: its series, or the server's error.
pub fn parse(status: u16, body: &str) -> Result<Vec<Series>, Error> {
    let doc: serde_json::Value = match serde_json::from_str(body) {
        Ok(doc) => doc,
        Err(_) if status != 200 => return Err(Error::Refused(format!("HTTP {status}: {}", body.chars().take(300).collect::<String>()))),
        Err(e) => return Err(Error::Malformed(e.to_string())),
    };
    if doc["status"] != "success" {
        let kind = doc["errorType"].as_str().unwrap_or("error");
        let message = doc["error"].as_str().unwrap_or("no message");
        return Err(Error::Refused(format!("HTTP {status}, {kind}: {message}")));
    }
    if doc["data"]["resultType"] != "matrix" {
        return Err(Error::Malformed(format!("expected a matrix, found {}", doc["data"]["resultType"])));
    }
    let results = doc["data"]["result"].as_array().ok_or_else(|| Error::Malformed("no `data.result`".into()))?;
    results
        .iter()
        .map(|r| {
            let labels = r["metric"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default();
            let values = r["values"].as_array().ok_or_else(|| Error::Malformed("a series without `values`".into()))?;
            let points = values
                .iter()
                .map(|p| {
                    let t = p[0].as_f64().ok_or_else(|| Error::Malformed("a point without a time".into()))?;
                    let v: f64 =
                        p[1].as_str().and_then(|s| s.parse().ok()).ok_or_else(|| Error::Malformed("a point without a value".into()))?;
                    Ok((t.floor() as i64, v))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(Series { labels, points })
        })
        .collect()
}

/// One row of the history: a service's demand in a region (if any) and
/// period.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The service.
    pub service: String,
    /// The region, if the series has one.
    pub region: Option<String>,
    /// The period.
    pub period: Period,
    /// The demand in it.
    pub demand: f64,
}

/// Problems found while turning series into rows, each in words.
#[derive(Debug, Default, PartialEq)]
pub struct Aggregated {
    /// One row per service, region and period, sorted.
    pub rows: Vec<Row>,
    /// Series left out, and why.
    pub skipped: Vec<String>,
}

/// Reduces each series' points per period of `granularity` by `statistic`.
/// The service is the value of label `service_label`, the region that of
/// `region_label` if given. Points outside [from, to], not finite, or
/// negative are left out (demand is never negative); two series with the
/// same service and region are an error in the query (aggregate `by` those
/// labels).
pub fn aggregate(
    series: &[Series],
    query: &Query,
    statistic: Statistic,
    service_label: &str,
    region_label: Option<&str>,
) -> Result<Aggregated, String> {
    let granularity = query.from.granularity();
    let (start, end) = (period_start(query.from), period_end(query.to));
    let mut out = Aggregated::default();
    let mut seen: BTreeMap<(String, Option<String>), BTreeMap<String, String>> = BTreeMap::new();
    for s in series {
        let Some(service) = s.labels.get(service_label) else {
            out.skipped.push(format!(
                "a series without label `{service_label}` ({}): add `by ({service_label}{})` to the query",
                show(&s.labels),
                region_label.map_or(String::new(), |r| format!(", {r}"))
            ));
            continue;
        };
        let region = match region_label {
            Some(label) => match s.labels.get(label) {
                Some(r) => Some(r.clone()),
                None => {
                    out.skipped.push(format!("series `{service}` has no label `{label}` ({})", show(&s.labels)));
                    continue;
                }
            },
            None => None,
        };
        if let Some(first) = seen.insert((service.clone(), region.clone()), s.labels.clone()) {
            return Err(format!(
                "two series for `{service}`{}: {} and {}; aggregate them in the query (`sum by ({service_label}{}) (...)`)",
                region.as_ref().map_or(String::new(), |r| format!(" in `{r}`")),
                show(&first),
                show(&s.labels),
                region_label.map_or(String::new(), |r| format!(", {r}"))
            ));
        }
        let mut by_period: BTreeMap<Period, Vec<f64>> = BTreeMap::new();
        for &(t, v) in &s.points {
            if t < start || t >= end || !v.is_finite() || v < 0.0 {
                continue;
            }
            if let Some(p) = period_of(t, granularity) {
                by_period.entry(p).or_default().push(v);
            }
        }
        for (period, mut values) in by_period {
            out.rows.push(Row { service: service.clone(), region: region.clone(), period, demand: statistic.reduce(&mut values) });
        }
    }
    out.rows.sort_by(|a, b| (&a.service, &a.region, a.period).cmp(&(&b.service, &b.region, b.period)));
    Ok(out)
}

fn show(labels: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{{{}}}", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn periods_start_and_end_at_utc_midnight() {
        assert_eq!(period_start(p("1970-01")), 0);
        assert_eq!(period_start(p("2025Q1")), 1_735_689_600); // 2025-01-01T00:00:00Z
        assert_eq!(period_end(p("2025Q1")), 1_743_465_600); // 2025-04-01T00:00:00Z
        assert_eq!(period_of(1_743_465_599, Granularity::Quarter), Some(p("2025Q1")));
        assert_eq!(period_of(1_743_465_600, Granularity::Quarter), Some(p("2025Q2")));
        assert_eq!(period_of(951_782_400, Granularity::Month), Some(p("2000-02")));
        // 2000-02-29
    }

    #[test]
    fn statistics_reduce_by_hand() {
        assert_eq!(Statistic::Mean.reduce(&mut [1.0, 2.0, 6.0]), 3.0);
        assert_eq!(Statistic::Max.reduce(&mut [1.0, 7.0, 6.0]), 7.0);
        assert_eq!(Statistic::Quantile(0.9).reduce(&mut [4.0, 1.0, 3.0, 2.0]), 3.7);
    }

    #[test]
    fn a_server_error_is_reported_with_its_message() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}"#;
        let e = parse(400, body).unwrap_err();
        assert_eq!(e, Error::Refused("HTTP 400, bad_data: 1:5: parse error: unexpected end of input".into()));
        assert!(matches!(parse(502, "<html>Bad Gateway</html>"), Err(Error::Refused(m)) if m.starts_with("HTTP 502")));
        assert!(matches!(parse(200, "{}"), Err(Error::Refused(_))));
    }

    #[test]
    fn samples_aggregate_per_period_and_series_name_their_service() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"service":"web","region":"eu"},"values":[[1735689600,"10"],[1738368000,"20"],[1743465600,"5"]]},
            {"metric":{"region":"eu"},"values":[[1735689600,"1"]]}]}}"#;
        let series = parse(200, body).unwrap();
        let query = Query {
            url: String::new(),
            promql: String::new(),
            from: p("2025Q1"),
            to: p("2025Q2"),
            step_seconds: 86_400,
            headers: Vec::new(),
            timeout: Duration::from_secs(1),
        };
        let a = aggregate(&series, &query, Statistic::Mean, "service", Some("region")).unwrap();
        assert_eq!(a.rows.len(), 2);
        assert_eq!((a.rows[0].period, a.rows[0].demand), (p("2025Q1"), 15.0));
        assert_eq!((a.rows[1].period, a.rows[1].demand), (p("2025Q2"), 5.0));
        assert_eq!(a.skipped.len(), 1, "{:?}", a.skipped);
        // Two series for one service: the query must aggregate.
        let twice = vec![
            series[0].clone(),
            Series {
                labels: [("service".into(), "web".into()), ("region".into(), "eu".into()), ("pod".into(), "b".into())].into(),
                points: vec![],
            },
        ];
        assert!(aggregate(&twice, &query, Statistic::Mean, "service", Some("region")).unwrap_err().contains("sum by (service, region)"));
    }
}
