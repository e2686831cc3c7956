//! `headroom history` against a real Prometheus server: months of daily
//! samples backfilled with `promtool tsdb create-blocks-from openmetrics`,
//! served on a free loopback port, read back per quarter and forecast.
//! Skipped where Prometheus is not installed, unless
//! HEADROOM_REQUIRE_PROMETHEUS is set (as `.ci/run` does).

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::headroom;

/// A Prometheus server, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn installed(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = write!(stream, "GET /-/ready HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

/// Day d of 2025 (0-based) at 00:00 UTC.
fn day(d: i64) -> i64 {
    1_735_689_600 + d * 86_400
}

fn start(dir: &std::path::Path) -> Server {
    // web/eu grows by one a day from 100; api/us is 50 with one spike of 500
    // on 2025-05-01 (day 120).
    let mut metrics = String::from("# TYPE demand_qps gauge\n");
    for d in 0..365 {
        metrics.push_str(&format!("demand_qps{{service=\"web\",region=\"eu\"}} {} {}\n", 100 + d, day(d)));
        metrics.push_str(&format!("demand_qps{{service=\"api\",region=\"us\"}} {} {}\n", if d == 120 { 500 } else { 50 }, day(d)));
    }
    metrics.push_str("# EOF\n");
    let om = dir.join("metrics.om");
    fs::write(&om, metrics).unwrap();
    let data = dir.join("data");
    let out = Command::new("promtool").args(["tsdb", "create-blocks-from", "openmetrics"]).arg(&om).arg(&data).output().unwrap();
    assert!(out.status.success(), "promtool: {}", String::from_utf8_lossy(&out.stderr));
    let config = dir.join("prometheus.yml");
    fs::write(&config, "global:\n  scrape_interval: 1m\n").unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--storage.tsdb.retention.time=100y")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready(port) {
        assert!(Instant::now() < deadline, "Prometheus did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines().skip(1).map(|l| l.split(',').map(str::to_owned).collect()).collect()
}

#[test]
fn history_from_a_real_prometheus_server() {
    if !(installed("prometheus") && installed("promtool")) {
        assert!(std::env::var_os("HEADROOM_REQUIRE_PROMETHEUS").is_none(), "prometheus and promtool are required here");
        eprintln!("skipped: prometheus is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let server = start(tmp.path());
    let out = tmp.path().join("history.csv");
    let history = |query: &str, stat: &str, extra: &[&str]| {
        let mut args = vec![
            "history",
            "--url",
            &server.url,
            "--query",
            query,
            "--from",
            "2025Q1",
            "--to",
            "2025Q4",
            "--stat",
            stat,
            "--step",
            "86400",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        headroom(&args)
    };

    // Means per quarter, by hand: web/eu is 100 + d for days d of 2025;
    // Q1 holds days 0–89 (mean 144.5), Q2 90–180 (235), Q3 181–272 (326.5),
    // Q4 273–364 (418.5).
    let (code, stdout, stderr) = history("demand_qps", "mean", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("8 rows of 2 series"), "{stdout}");
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("service,period,region,demand\n"), "{text}");
    let web: Vec<(String, f64)> =
        rows(&text).into_iter().filter(|r| r[0] == "web").map(|r| (r[1].clone(), r[3].parse().unwrap())).collect();
    assert_eq!(web, [("2025Q1".into(), 144.5), ("2025Q2".into(), 235.0), ("2025Q3".into(), 326.5), ("2025Q4".into(), 418.5)]);

    // The peak: api's spike is in Q2 only; by month with a region label of none.
    let (code, stdout, stderr) = history("sum by (service) (demand_qps)", "max", &["--region-label", "none"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let api: Vec<(String, String, f64)> = rows(&fs::read_to_string(&out).unwrap())
        .into_iter()
        .filter(|r| r[0] == "api")
        .map(|r| (r[1].clone(), r[2].clone(), r[3].parse().unwrap()))
        .collect();
    assert_eq!(
        api,
        [
            ("2025Q1".into(), String::new(), 50.0),
            ("2025Q2".into(), String::new(), 500.0),
            ("2025Q3".into(), String::new(), 50.0),
            ("2025Q4".into(), String::new(), 50.0)
        ]
    );

    // The pipeline goes on: the history forecasts.
    let (code, stdout, stderr) = history("demand_qps", "p95", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let forecast = tmp.path().join("forecast.csv");
    let (code, stdout, stderr) =
        headroom(&["forecast", "--history", out.to_str().unwrap(), "-o", forecast.to_str().unwrap(), "--periods", "4"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(fs::read_to_string(&forecast).unwrap().contains("web,2026Q1,eu,"));

    // Failures say what went wrong, and write nothing.
    fs::remove_file(&out).unwrap();
    let (code, _, stderr) = history("sum by (service (demand_qps)", "mean", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("refused the query") && stderr.contains("parse error"), "{stderr}");
    let (code, _, stderr) = history("demand_qps{service=\"nobody\"}", "mean", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("returned no demand"), "{stderr}");
    let (code, _, stderr) = history("demand_qps", "mean", &["--service-label", "job"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("without label `job`"), "{stderr}");
    assert!(!out.exists());
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let one_quarter = |url: &str, extra: &[&str]| {
        let mut args = vec!["history", "--url", url, "--query", "up", "--from", "2025Q1", "--to", "2025Q1", "-o", out.to_str().unwrap()];
        args.extend(extra);
        headroom(&args)
    };
    let (code, _, stderr) = one_quarter(&format!("http://127.0.0.1:{closed}"), &["--timeout", "5"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot reach the server"), "{stderr}");
    let (code, _, stderr) = one_quarter(&server.url, &["--bearer-token-env", "HEADROOM_TEST_UNSET_TOKEN"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not set"), "{stderr}");
    assert!(!out.exists());
}
