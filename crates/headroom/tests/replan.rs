//! Stable replanning (`plan --baseline`) and `headroom diff`, end to end on
//! the real binary: hand-solved cases under `tests/replan/` (each README
//! works them out) and intent changes to the example organisation.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::*;

/// The example organisation in a fresh directory, to edit.
fn example(dir: &Path) -> PathBuf {
    let root = dir.join("org");
    for part in ["topology", "intents", "data"] {
        copy_dir(&workspace().join(part), &root.join(part), &[]);
    }
    root
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {}", file.display());
    fs::write(file, text.replace(from, to)).unwrap();
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let (code, stdout, stderr) = headroom(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn orders(plan: &Value, key: &str) -> Vec<String> {
    plan[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    format!(
                        "{} {} {} {} {}",
                        o["placed"].as_str().unwrap(),
                        o["arrives"].as_str().unwrap(),
                        o["cluster"].as_str().unwrap(),
                        o["machine_type"].as_str().unwrap(),
                        o["count"]
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Capacity of service `s` in `cluster` in `period`, over its origins.
fn capacity(plan: &Value, service: &str, cluster: &str, period: &str) -> f64 {
    plan["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["service"] == service && a["cluster"] == cluster && a["period"] == period)
        .map(|a| a["capacity"].as_f64().unwrap())
        .sum()
}

/// The organic growth headroom of a region, period by period.
fn growth(plan: &Value, region: &str) -> Vec<Option<f64>> {
    plan["growth"].as_array().unwrap().iter().filter(|g| g["region"] == region).map(|g| g["organic"].as_f64()).collect()
}

#[test]
fn orders_in_flight_from_the_baseline_arrive_and_are_not_charged() {
    let case = workspace().join("tests/replan/in-flight");
    let tmp = tempfile::tempdir().unwrap();
    let forecast = case.join("baseline-data/forecast.csv");
    let base = plan_ok(&case, &tmp.path().join("base"), &["--forecast", forecast.to_str().unwrap()]);
    assert_eq!(orders(&base, "orders"), ["2027Q1 2027Q2 c1 std 1", "2027Q3 2027Q4 c1 std 1"]);

    let base_dir = tmp.path().join("base");
    let new = plan_ok(&case, &tmp.path().join("new"), &["--baseline", base_dir.to_str().unwrap()]);
    assert_eq!(orders(&new, "in_flight"), ["2027Q1 2027Q2 c1 std 1"]);
    assert_eq!(orders(&new, "orders"), ["2027Q3 2027Q4 c1 std 1"]);
    assert_eq!(new["cost"]["total"], 1300.0);
    assert_eq!(new["cost"]["capital"], 1000.0);

    // The order in flight is the baseline's own: the diff shows no order change.
    let d = diff_json(&base_dir, &tmp.path().join("new"));
    assert_eq!(d["orders"], serde_json::json!([]), "{}", d["orders"]);
    assert_eq!(d["same_periods"], false);
    // Growth headroom by hand: 30, 30, 40 cpu for demand 20, 30, 40.
    assert_eq!(growth(&new, "r"), [Some(0.5), Some(0.0), Some(0.0)]);

    let alone = plan_ok(&case, &tmp.path().join("alone"), &[]);
    assert_eq!(alone["cost"]["total"], 2270.0);
    assert!(alone.get("in_flight").is_none(), "a plan without baseline lists no orders in flight");

    let (code, stdout, stderr) = headroom(&["verify", tmp.path().join("new").to_str().unwrap(), "--root", case.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_baseline_breaks_ties_and_keeps_placements() {
    let case = workspace().join("tests/replan/stable-tie");
    let tmp = tempfile::tempdir().unwrap();
    // The baseline: the same organisation with `s` allowed only in c2.
    let variant = tmp.path().join("variant");
    for part in ["topology", "data"] {
        copy_dir(&case.join(part), &variant.join(part), &[]);
    }
    copy_dir(&case.join("baseline-intents"), &variant.join("intents"), &[]);
    let base_dir = tmp.path().join("base");
    let base = plan_ok(&variant, &base_dir, &[]);
    assert_eq!(base["cost"]["total"], 1390.0);
    assert_eq!(orders(&base, "orders"), ["2027Q2 2027Q3 c2 std 1"]);

    let new = plan_ok(&case, &tmp.path().join("new"), &["--baseline", base_dir.to_str().unwrap()]);
    assert_eq!(new["cost"]["total"], 360.0);
    assert!(orders(&new, "orders").is_empty());
    for period in ["2027Q1", "2027Q2"] {
        assert_eq!(capacity(&new, "s", "c2", period), 15.0, "{period}");
        assert_eq!(capacity(&new, "s", "c1", period), 0.0, "{period}");
    }
    assert_eq!(capacity(&new, "s", "c2", "2027Q3"), 20.0);
    assert_eq!(capacity(&new, "s", "c1", "2027Q3"), 5.0);
    // Growth headroom by hand: 40 cpu for demand 15, 15, 25.
    assert_eq!(growth(&new, "r"), [Some(1.666667), Some(1.666667), Some(0.6)]);
    // The objective carries the change penalty; the plan's cost does not.
    assert!(new["solver"]["objective"].as_f64().unwrap() > 360.0);

    // With 2027Q2's orders done, the baseline's order stays, and so does
    // its cost: 1390. Freezing only 2027Q1 (no order there) changes nothing.
    let frozen = plan_ok(&case, &tmp.path().join("frozen"), &["--baseline", base_dir.to_str().unwrap(), "--freeze-through", "2027Q2"]);
    assert_eq!(orders(&frozen, "orders"), ["2027Q2 2027Q3 c2 std 1"]);
    assert_eq!(frozen["cost"]["total"], 1390.0);
    let early = plan_ok(&case, &tmp.path().join("early"), &["--baseline", base_dir.to_str().unwrap(), "--freeze-through", "2027Q1"]);
    assert_eq!(early["cost"]["total"], 360.0);
    let (code, _, stderr) = headroom(&[
        "plan",
        "--root",
        case.to_str().unwrap(),
        "-o",
        tmp.path().join("x").to_str().unwrap(),
        "--baseline",
        base_dir.to_str().unwrap(),
        "--freeze-through",
        "2027-05",
    ]);
    assert_eq!(code, 1, "a month for a quarterly plan: {stderr}");
    assert!(stderr.contains("--freeze-through `2027-05`"), "{stderr}");

    let d = diff_json(&base_dir, &tmp.path().join("new"));
    assert_eq!(d["changed"], true);
    assert_eq!(d["orders"].as_array().unwrap().len(), 1);
    assert_eq!(d["orders"][0]["change"], "-");
    let moved: Vec<&str> = d["placements"].as_array().unwrap().iter().map(|p| p["cluster"].as_str().unwrap()).collect();
    assert_eq!(moved, ["c1", "c2"], "only 2027Q3 moves: 5 units from c2 to c1");
}

#[test]
fn a_plan_diffed_with_itself_has_no_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = example(tmp.path());
    let dir = tmp.path().join("plan");
    plan_ok(&root, &dir, &[]);
    let p = dir.to_str().unwrap();
    for format in ["human", "markdown", "json"] {
        let (code, stdout, stderr) = headroom(&["diff", p, p, "--format", format, "--detailed-exitcode"]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert!(stdout.contains("no changes"), "{format}: {stdout}");
    }
    let d = diff_json(&dir, &dir);
    assert_eq!(d["changed"], false);
    assert_eq!(d["format_version"], "1.0");
}

/// Moving the EU launch of `recommendations` a quarter later, against the
/// example's plan: demand falls in 2027Q3, nothing more is ordered, and
/// little moves.
#[test]
fn a_launch_moved_later_lowers_demand_and_orders_nothing_new() {
    let tmp = tempfile::tempdir().unwrap();
    let root = example(tmp.path());
    let old = tmp.path().join("old");
    let base = plan_ok(&root, &old, &[]);
    edit(&root.join("intents/ml.ron"), r#"from: "2027Q3", add: 20000"#, r#"from: "2027Q4", add: 20000"#);
    let new_dir = tmp.path().join("new");
    let new = plan_ok(&root, &new_dir, &["--baseline", old.to_str().unwrap()]);

    let d = diff_json(&old, &new_dir);
    assert_eq!(d["changed"], true);
    assert!(new["cost"]["total"].as_f64().unwrap() <= base["cost"]["total"].as_f64().unwrap() + 0.01);
    // Nothing more is ordered; a solver may still trade a machine between
    // clusters where that saves more than the change penalty.
    assert!(d["new"]["machines_ordered"].as_u64() <= d["old"]["machines_ordered"].as_u64(), "{}", d["orders"]);
    assert!(d["orders"].as_array().unwrap().len() <= 2, "a small diff: {}", d["orders"]);
    let recommendations =
        d["demand"].as_array().unwrap().iter().find(|c| c["service"] == "recommendations").expect("recommendations' demand changed");
    assert_eq!(recommendations["from"], "2027Q3");
    assert!(recommendations["new"].as_f64() < recommendations["old"].as_f64());
    // Small: placements of few (service, cluster) pairs change. A search
    // may still take a saving the baseline's own gap left: HiGHS drops a
    // machine here ($21,000) and re-packs the last period, worth far more
    // than the change penalty.
    let pairs: std::collections::BTreeSet<(String, String)> = new["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["service"].as_str().unwrap().to_owned(), a["cluster"].as_str().unwrap().to_owned()))
        .collect();
    let moved = d["placements"].as_array().unwrap().len();
    assert!(moved * 4 <= pairs.len(), "a small diff: {moved} of {} placements moved", pairs.len());

    let (code, stdout, _) = headroom(&["diff", old.to_str().unwrap(), new_dir.to_str().unwrap(), "--detailed-exitcode"]);
    assert_eq!(code, 4, "{stdout}");
    let (_, markdown, _) = headroom(&["diff", old.to_str().unwrap(), new_dir.to_str().unwrap(), "--format", "markdown"]);
    assert!(markdown.starts_with("### headroom: "), "{markdown}");
    assert!(markdown.contains("- recommendations"), "{markdown}");
}

/// Raising `static-assets` from N+1 to N+2 across clusters: cost and
/// machines go up, orders change in few clusters, and against the baseline
/// fewer placements move than when replanning from scratch.
#[test]
fn n_plus_one_raised_to_n_plus_two_adds_machines_in_few_clusters() {
    let tmp = tempfile::tempdir().unwrap();
    let root = example(tmp.path());
    let old = tmp.path().join("old");
    plan_ok(&root, &old, &[]);
    let web = root.join("intents/web.ron");
    let text = fs::read_to_string(&web).unwrap();
    let at = text.find(r#"name: "static-assets""#).unwrap();
    let (head, tail) = text.split_at(at);
    fs::write(&web, format!("{head}{}", tail.replacen("n_plus: 1, across: Cluster", "n_plus: 2, across: Cluster", 1))).unwrap();

    let stable_dir = tmp.path().join("stable");
    plan_ok(&root, &stable_dir, &["--baseline", old.to_str().unwrap()]);
    let fresh_dir = tmp.path().join("fresh");
    plan_ok(&root, &fresh_dir, &[]);

    let stable = diff_json(&old, &stable_dir);
    let fresh = diff_json(&old, &fresh_dir);
    assert!(stable["new"]["cost"].as_f64() > stable["old"]["cost"].as_f64());
    assert!(stable["new"]["machines_ordered"].as_u64() > stable["old"]["machines_ordered"].as_u64());
    let clusters = |d: &Value| {
        d["orders"].as_array().unwrap().iter().map(|o| o["cluster"].as_str().unwrap().to_owned()).collect::<std::collections::BTreeSet<_>>()
    };
    assert!(clusters(&stable).len() <= 4, "orders change in few clusters: {:?}", clusters(&stable));
    let count = |d: &Value, key: &str| d[key].as_array().unwrap().len();
    // Which orders change is up to the search within the MIP gap, with or
    // without a baseline; placements are what the baseline holds still.
    assert!(
        count(&stable, "placements") <= count(&fresh, "placements"),
        "stable {} vs fresh {} placements",
        count(&stable, "placements"),
        count(&fresh, "placements")
    );
    eprintln!(
        "orders changed: {} with the baseline, {} without; placements {} vs {}",
        count(&stable, "orders"),
        count(&fresh, "orders"),
        count(&stable, "placements"),
        count(&fresh, "placements")
    );
    assert!(stable["summary"].as_str().unwrap().contains("cost +"), "{}", stable["summary"]);
}

#[test]
fn diff_and_baseline_refuse_bad_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let (code, _, stderr) = headroom(&["diff", missing.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("cannot read").count(), 2, "both plans are named: {stderr}");
    let (code, _, _) = headroom(&["plan", "--change-penalty", "0.5"]);
    assert_eq!(code, 2, "--change-penalty needs --baseline");
    let root = example(tmp.path());
    let (code, _, stderr) = headroom(&[
        "plan",
        "--root",
        root.to_str().unwrap(),
        "-o",
        tmp.path().join("p").to_str().unwrap(),
        "--baseline",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!tmp.path().join("p").exists());
}

#[test]
fn a_baseline_of_another_organisation_is_said_to_be_foreign() {
    let tmp = tempfile::tempdir().unwrap();
    let other = workspace().join("tests/plan/dependency-chain");
    let foreign = tmp.path().join("foreign");
    let (code, _, stderr) = headroom(&["plan", "--root", other.to_str().unwrap(), "-o", foreign.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let root = example(tmp.path());
    let (code, _, stderr) = headroom(&[
        "plan",
        "--root",
        root.to_str().unwrap(),
        "-o",
        tmp.path().join("p").to_str().unwrap(),
        "--baseline",
        foreign.to_str().unwrap(),
        "--no-growth",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("is it a plan of another organisation?"), "{stderr}");
}

/// A plan's growth table: region, period, organic, inorganic.
type GrowthTable = Vec<(String, String, Option<f64>, Option<f64>)>;

/// Plans `root` into `dir/name` with `env` set: its growth table and the
/// methods of its solves, one a line (from `dir/name.json`, its stats).
fn plan_growth(root: &Path, dir: &Path, name: &str, env: &[(&str, &str)]) -> (GrowthTable, String) {
    let out = dir.join(name);
    let stats = dir.join(format!("{name}.json"));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"));
    command
        .args(["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats", stats.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .envs(env.iter().copied());
    // Period by period first is for models `--lp auto` solves by PDLP.
    if env.iter().any(|(k, _)| *k == "HEADROOM_TEST_PERIODS_FIRST") {
        command.args(["--lp", "pdlp"]);
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let table = read_plan(&out)["growth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["region"].to_string(), g["period"].to_string(), g["organic"].as_f64(), g["inorganic"].as_f64()))
        .collect();
    let stats: Value = serde_json::from_str(&fs::read_to_string(stats).unwrap()).unwrap();
    let methods = stats["solves"].as_array().unwrap().iter().map(|s| s["method"].as_str().unwrap_or("")).collect::<Vec<_>>().join("\n");
    (table, methods)
}

/// Two growth tables agree to the solver's tolerance, and more than `at_least` values are known.
fn same_growth(warm: &GrowthTable, apart: &GrowthTable, at_least: usize) {
    assert_eq!(warm.len(), apart.len());
    assert!(warm.iter().filter(|g| g.2.is_some()).count() > at_least, "growth headroom to compare: {warm:?}");
    for (w, a) in warm.iter().zip(apart) {
        assert_eq!((&w.0, &w.1), (&a.0, &a.1));
        for (x, y) in [(w.2, a.2), (w.3, a.3)] {
            match (x, y) {
                (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-5, "{w:?} against {a:?}"),
                (x, y) => assert_eq!(x, y, "{w:?} against {a:?}"),
            }
        }
    }
}

/// Growth headroom's programs of one period are solved one after the other
/// from the last one's basis (HiGHS): the same optima as each solved on
/// its own, to the solver's tolerance. So too where the plan was found
/// period by period and each period's first program starts from that
/// period's basis, and where every such start gives way to a solve from
/// scratch after one iteration. Without growth headroom, period by
/// period still starts each period from the last one's basis, but for the
/// periods before any order can arrive.
#[test]
fn growth_headroom_from_the_last_basis_equals_each_program_solved_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = workspace();
    let read = |name: &str, env: &[(&str, &str)]| plan_growth(&root, tmp.path(), name, env);
    let same = |warm: &GrowthTable, apart: &GrowthTable| same_growth(warm, apart, 10);
    let apart = read("apart", &[("HEADROOM_TEST_GROWTH_APART", "1")]).0;
    let (warm, warm_methods) = read("warm", &[]);
    same(&warm, &apart);
    // Period by period is HiGHS's (other backends keep their own way).
    if read_plan(&tmp.path().join("apart"))["solver"]["backend"] != "highs" {
        return;
    }
    // Period by period (with `--lp pdlp`, whose programs solved apart
    // would be PDLP's, not a vertex's): the same orders as the default
    // plan, so the same growth headroom as solved apart above.
    let periods = ("HEADROOM_TEST_PERIODS_FIRST", "1");
    let (from_plan, methods) = read("periods", &[periods]);
    assert!(methods.contains("warm from a basis"), "{methods}");
    assert_eq!(read_plan(&tmp.path().join("periods"))["orders"], read_plan(&tmp.path().join("apart"))["orders"]);
    same(&from_plan, &apart);
    // There growth headroom was measured beside the search, as each
    // period's fleet was decided, and not again after it: as many
    // programs as where it is measured after the plan (not counting
    // where a period's basis from the search was settled first).
    let growth_programs = |stats: &str| -> usize {
        let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join(stats)).unwrap()).unwrap();
        let solves = stats["solves"].as_array().unwrap();
        solves.iter().filter(|s| s["purpose"] == "growth" && !s["method"].as_str().unwrap().contains("every column at 0")).count()
    };
    assert!(warm_methods.contains("primal simplex"), "{warm_methods}");
    let programs = growth_programs("warm.json");
    assert!(programs > 10, "{programs}");
    assert_eq!(growth_programs("periods.json"), programs);
    // Without growth headroom the search keeps only the last period's
    // basis: each period still starts from it, and the plan is the same.
    let (out, stats) = (tmp.path().join("periods-no-growth"), tmp.path().join("periods-no-growth.json"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats", stats.to_str().unwrap()])
        .args(["--lp", "pdlp", "--no-growth"])
        .env("NO_COLOR", "1")
        .env(periods.0, periods.1)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    // Each period's first solve (not those after holding orders down).
    let mut firsts = methods_of(&stats, "whole machines by period");
    firsts.retain(|m| !m.contains("after holding"));
    // The example's lead times are two quarters: the first two periods
    // have only the existing fleet and are solved side by side, from
    // scratch, and so is the third (the first two programs have no costs,
    // so their bases are no start for one that has); every later period
    // starts from the last one's basis.
    assert!(firsts.len() > 3 && firsts[..3].iter().all(|m| !m.contains("from a basis")), "{firsts:?}");
    assert!(firsts[3..].iter().all(|m| m.contains("from a basis")), "{firsts:?}");
    // The bound's programs of those two periods cost what the existing
    // fleet runs at, whatever is placed: they are not solved.
    let bound = methods_of(&stats, "bound by period");
    assert_eq!(bound.len(), firsts.len() - 2, "{bound:?}");
    assert_eq!(read_plan(&out)["orders"], read_plan(&tmp.path().join("periods"))["orders"]);
    let (scratch, methods) = read("periods-scratch", &[periods, ("HEADROOM_TEST_WARM_ITERATIONS", "1")]);
    assert!(methods.contains("from a basis, stopped after 1 iterations; then interior point"), "{methods}");
    same(&scratch, &apart);
}

/// After the plan, each region's growth programs form a chain through
/// the periods (HiGHS): where no machine arrives or retires, a program
/// starts from the basis its own program of the last period ended on.
/// The example's fleet changes every period, so a synthetic organisation
/// whose fleet stays: the same values as each program solved on its own.
#[test]
fn growth_headroom_chained_through_the_periods_equals_each_program_solved_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let (code, _, stderr) =
        headroom(&["synth", "-o", root.to_str().unwrap(), "--services", "20", "--clusters", "6", "--regions", "2", "--periods", "6"]);
    assert_eq!(code, 0, "{stderr}");
    let (apart, _) = plan_growth(&root, tmp.path(), "apart", &[("HEADROOM_TEST_GROWTH_APART", "1")]);
    let (chained, methods) = plan_growth(&root, tmp.path(), "chained", &[]);
    same_growth(&chained, &apart, 6);
    if read_plan(&tmp.path().join("apart"))["solver"]["backend"] == "highs" {
        assert!(methods.contains("its program's basis of the last period"), "{methods}");
        // The two chains (one region each) share each period's model:
        // six built, not twelve.
        let stats: Value = serde_json::from_str(&fs::read_to_string(tmp.path().join("chained.json")).unwrap()).unwrap();
        let built = stats["solves"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["purpose"] == "growth" && s["build_seconds"].as_f64().unwrap_or(0.0) > 0.0)
            .count();
        assert!((1..=6).contains(&built), "growth headroom built {built} models for 6 periods");
    }
}
