//! `headroom report` end to end: the files it writes, every chart decoded,
//! and the page opened in headless Chromium, which must load every image
//! and log no error; a screenshot of it must show something.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it
//! and sets HEADROOM_REQUIRE_CHROMIUM=1, so CI never skips). Without it the
//! browser part is skipped with a note; the file checks still run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::*;

/// Decodes a PNG; returns its size and how many distinct colours it has.
fn decode(bytes: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG pixels");
    let channels = info.color_type.samples();
    let colours: std::collections::BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    (info.width, info.height, colours.len())
}

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HEADROOM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if dir.join(name).is_file() {
                return Some(dir.join(name));
            }
        }
    }
    None
}

/// Plans `root` (with `extra` flags) and reports the plan; returns the
/// report directory.
fn report(tmp: &Path, root: &Path, extra: &[&str]) -> PathBuf {
    let plan = tmp.join("plan");
    let mut args = vec!["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap()];
    args.extend(extra);
    let (code, stdout, stderr) = headroom(&args);
    assert!(plan.join("plan.json").exists(), "plan failed ({code}): {stdout}{stderr}");
    let out = tmp.join("report");
    let (code, stdout, stderr) = headroom(&["report", plan.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    out
}

/// Every chart is there as SVG and PNG, and each PNG has something drawn.
fn check_charts(out: &Path, expected: &[&str]) -> usize {
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let mut stems: Vec<String> = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".svg").map(str::to_owned))
        .collect();
    stems.sort();
    for name in expected {
        assert!(stems.iter().any(|s| s == name), "chart {name} missing from {stems:?}");
    }
    for stem in &stems {
        let svg = fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<text") && svg.len() > 2000, "{stem}.svg is empty");
        let (w, h, colours) = decode(&fs::read(out.join(format!("charts/{stem}.png"))).unwrap());
        assert_eq!((w, h), (960, 440), "{stem}.png");
        assert!(colours > 20, "{stem}.png has {colours} colours: nothing drawn");
        assert!(html.contains(&format!("<figure id=\"{stem}\"><img src=\"data:image/png;base64,")), "{stem} is not inlined in the page");
    }
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "the page must need no network");
    stems.len()
}

/// Opens the page in headless Chromium: every image loads, nothing is
/// logged to the console, and a screenshot shows a page.
fn check_in_browser(out: &Path, images: usize) {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("HEADROOM_REQUIRE_CHROMIUM").is_none(), "HEADROOM_REQUIRE_CHROMIUM is set but no chromium was found");
        eprintln!("note: no chromium on PATH: the browser checks are skipped");
        return;
    };
    let url = format!("file://{}", out.join("index.html").display());
    let profile = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ];
        let dir = format!("--user-data-dir={}", profile.path().display());
        args.push(&dir);
        args.extend(extra);
        args.push(&url);
        let o = Command::new(&browser).args(&args).output().expect("chromium runs");
        (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (dom, log) = run(&["--dump-dom"]);
    assert!(
        dom.contains(&format!("data-images=\"{images}\"")),
        "the page did not load its {images} images:\n{}",
        &dom[..dom.len().min(400)]
    );
    assert!(dom.contains("data-broken-images=\"0\""), "images failed to load:\n{}", &dom[..dom.len().min(400)]);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page logged to the console:\n{}", console.join("\n"));

    let shot = out.join("screenshot.png");
    let arg = format!("--screenshot={}", shot.display());
    let _ = run(&[&arg, "--window-size=1100,2400"]);
    let (w, h, colours) = decode(&fs::read(&shot).expect("a screenshot"));
    assert_eq!((w, h), (1100, 2400));
    assert!(colours > 100, "the screenshot has {colours} colours: a blank page");
}

#[test]
fn the_example_report_has_every_chart_and_opens_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = report(tmp.path(), &workspace(), &[]);
    let count = check_charts(
        &out,
        &[
            "service-web-frontend",
            "service-kv-store",
            "region-eu-west",
            "cluster-use1-a-power-space",
            "cluster-use1-a-machines",
            "cost-by-team",
        ],
    );
    // 14 services, 3 regions, 10 clusters × 2, cost.
    assert_eq!(count, 14 + 3 + 20 + 1);
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Every intent is met"));
    assert!(!html.contains("id=\"unmet\""));
    check_in_browser(&out, count);
}

#[test]
fn unmet_demand_comes_first_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = report(tmp.path(), &workspace().join("tests/plan/best-effort-priorities"), &["--best-effort"]);
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let unmet = html.find("id=\"unmet\"").expect("an unmet-demand section");
    let orders = html.find("id=\"orders\"").unwrap();
    let first_chart = html.find("<figure").unwrap();
    assert!(unmet < orders.min(first_chart), "unmet demand must come before orders and charts");
    assert!(html.contains("Unmet demand: 1 service is not fully served"), "{}", &html[unmet..unmet + 300]);
    assert!(html.contains("<td>lo</td>"), "the unmet service is named");
    let svg = fs::read_to_string(out.join("charts/service-lo.svg")).unwrap();
    assert!(svg.contains("unmet demand"), "the service's chart shows unmet demand");
    let count = check_charts(&out, &["service-lo", "service-hi"]);
    check_in_browser(&out, count);
}

#[test]
fn report_is_deterministic_and_refuses_bad_plans() {
    let tmp = tempfile::tempdir().unwrap();
    let case = workspace().join("tests/plan/lead-time-single-cluster");
    let a = report(&tmp.path().join("a"), &case, &[]);
    let b = report(&tmp.path().join("b"), &case, &[]);
    for name in ["index.html", "charts/service-s.svg", "charts/service-s.png", "charts/cluster-c1-machines.png"] {
        assert_eq!(fs::read(a.join(name)).unwrap(), fs::read(b.join(name)).unwrap(), "{name} differs between runs");
    }
    let bad = tmp.path().join("bad.json");
    fs::write(&bad, "{ \"format_version\": \"1.0\" }").unwrap();
    let out = tmp.path().join("r");
    let (code, _, stderr) = headroom(&["report", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("bad.json"), "{stderr}");
    assert!(!out.exists(), "a failed report writes nothing");
}

/// A hand-edited or damaged plan may hold any number: the report still
/// draws (values clamped), and never panics.
#[test]
fn extreme_values_in_a_plan_still_draw() {
    let tmp = tempfile::tempdir().unwrap();
    let case = workspace().join("tests/plan/lead-time-single-cluster");
    let plan_dir = tmp.path().join("plan");
    let (code, _, stderr) = headroom(&["plan", "--root", case.to_str().unwrap(), "-o", plan_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let mut plan: serde_json::Value = serde_json::from_str(&fs::read_to_string(plan_dir.join("plan.json")).unwrap()).unwrap();
    plan["headroom"][0]["organic"] = serde_json::json!(-5e12);
    plan["headroom"][1]["survivable"] = serde_json::json!(1e308);
    plan["power_space"][0]["power_cap_kw"] = serde_json::json!(1e300);
    plan["growth"][0]["organic"] = serde_json::json!(1e300);
    plan["cost"]["by_team"][0]["cost"] = serde_json::json!(-1e20);
    plan["orders"][0]["arrives"] = serde_json::json!("not a period");
    plan["fleet"][0]["machines"] = serde_json::json!(u32::MAX);
    let damaged = tmp.path().join("damaged.json");
    fs::write(&damaged, plan.to_string()).unwrap();
    let out = tmp.path().join("report");
    let (code, stdout, stderr) = headroom(&["report", damaged.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // With no periods at all, a page with no charts.
    plan["periods"] = serde_json::json!([]);
    fs::write(&damaged, plan.to_string()).unwrap();
    let (code, stdout, stderr) = headroom(&["report", damaged.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}
