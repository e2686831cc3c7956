//! `headroom synth`: what it writes is a valid organisation, the same for
//! a seed, and small ones plan end to end.

use std::fs;

mod common;
use common::*;

fn synth(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["synth", "-o", dir.to_str().unwrap()];
    all.extend(args);
    let (code, stdout, stderr) = headroom(&all);
    (code, format!("{stdout}{stderr}"))
}

/// A small planted organisation: 10 services, 6 clusters, 2 regions, 6
/// periods.
fn synth_planted(dir: &std::path::Path, tightness: &str, seed: &str) -> (i32, String) {
    let size = ["--services", "10", "--clusters", "6", "--regions", "2", "--periods", "6"];
    let mut args = vec!["--family", "planted", "--tightness", tightness, "--seed", seed];
    args.extend(size);
    synth(dir, &args)
}

#[test]
fn synthetic_organisations_check_and_are_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    for (seed, size) in [
        ("1", ["--services", "50", "--clusters", "12", "--regions", "3", "--periods", "8"]),
        ("7", ["--services", "120", "--clusters", "20", "--regions", "5", "--periods", "12"]),
    ] {
        let a = tmp.path().join(format!("a{seed}"));
        let mut args = vec!["--seed", seed];
        args.extend(size);
        let (code, out) = synth(&a, &args);
        assert_eq!(code, 0, "{out}");
        let (code, stdout, stderr) = headroom(&["check", "--root", a.to_str().unwrap()]);
        assert_eq!(code, 0, "seed {seed}: {stdout}{stderr}");
        let b = tmp.path().join(format!("b{seed}"));
        synth(&b, &args);
        for file in ["topology/clusters.ron", "intents/t00.ron", "data/forecast.csv"] {
            assert_eq!(fs::read(a.join(file)).unwrap(), fs::read(b.join(file)).unwrap(), "{file} differs for seed {seed}");
        }
    }
    // Another seed, another organisation.
    let c = tmp.path().join("c");
    synth(&c, &["--seed", "2"]);
    assert_ne!(fs::read(tmp.path().join("a1/data/forecast.csv")).unwrap(), fs::read(c.join("data/forecast.csv")).unwrap());
}

#[test]
fn a_small_synthetic_organisation_plans_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let (code, out) = synth(&root, &["--services", "12", "--clusters", "6", "--regions", "2", "--periods", "4", "--seed", "3"]);
    assert_eq!(code, 0, "{out}");
    let plan = tmp.path().join("plan");
    let a = plan_ok(&root, &plan, &[]);
    verify_ok(&plan, &root);
    // Its fleet serves everything: with the interior point method (HiGHS),
    // that is found per period before any relaxation, at the same cost.
    let ipm = tmp.path().join("ipm");
    let b = plan_ok(&root, &ipm, &["--lp", "ipm"]);
    assert_eq!(a["cost"]["total"], b["cost"]["total"]);
    assert!(a["orders"].as_array().unwrap().is_empty());
    if b["solver"]["backend"] == "highs" {
        assert_eq!(b["solver"]["method"], "nothing to order");
        assert_eq!(b["solver"]["status"], "optimal");
    }
    verify_ok(&ipm, &root);
}

/// The purposes of the models `plan --stats` says were solved, and the
/// plan.
fn solves(root: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> (Vec<String>, serde_json::Value) {
    let stats = out.with_extension("stats.json");
    let mut args = vec!["--stats", stats.to_str().unwrap()];
    args.extend(extra);
    let plan = plan_ok(root, out, &args);
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&stats).unwrap()).unwrap();
    (json["solves"].as_array().unwrap().iter().map(|s| s["purpose"].as_str().unwrap().to_owned()).collect(), plan)
}

/// Before a large model's relaxation, whether ordering nothing serves
/// every intent is tried by solving the last period on the fleet there
/// is, unless a count of resources already shows that fleet short of its
/// users' demand. The planted family's demand outgrows the fleet, so
/// there the count tells and nothing is solved to find out; where the
/// fleet is roomy the count cannot tell, the period is solved, and
/// nothing is ordered.
#[test]
fn a_fleet_short_by_count_is_not_solved_to_find_out() {
    let tmp = tempfile::tempdir().unwrap();
    let probe = "nothing to order?".to_owned();
    let roomy = tmp.path().join("roomy");
    let (code, out) = synth(&roomy, &["--services", "12", "--clusters", "6", "--regions", "2", "--periods", "4", "--seed", "3"]);
    assert_eq!(code, 0, "{out}");
    let short = tmp.path().join("short");
    let (code, out) = synth_planted(&short, "0.5", "5");
    assert_eq!(code, 0, "{out}");
    for (root, tried) in [(&roomy, true), (&short, false)] {
        let out = root.with_extension("plan");
        let (purposes, plan) = solves(root, &out, &["--lp", "ipm", "--no-growth"]);
        verify_ok(&out, root);
        if plan["solver"]["backend"] == "highs" {
            assert_eq!(purposes.contains(&probe), tried, "{}: {purposes:?}", root.display());
            assert_eq!(plan["solver"]["method"] == "nothing to order", tried, "{}", plan["solver"]);
        }
    }
}

#[test]
fn impossible_sizes_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = synth(&tmp.path().join("x"), &["--clusters", "4", "--regions", "2"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("at least 3 clusters"), "{out}");
    assert!(!tmp.path().join("x").exists());
}

/// The planted family is feasible by construction: re-planning exactly the
/// planted orders meets every intent at exactly the planted cost, and the
/// optimal plan costs no more. Its demand outgrows the fleet: orders are
/// needed.
#[test]
fn a_planted_organisation_needs_orders_and_its_planted_plan_is_met() {
    let tmp = tempfile::tempdir().unwrap();
    for (seed, tightness) in [("1", "0"), ("5", "0.5"), ("7", "1")] {
        let root = tmp.path().join(format!("org{seed}"));
        let (code, out) = synth_planted(&root, tightness, seed);
        assert_eq!(code, 0, "{out}");
        let (code, stdout, stderr) = headroom(&["check", "--root", root.to_str().unwrap()]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        let planted = read_plan(&root.join("planted"));
        let planted_cost = planted["cost"]["total"].as_f64().unwrap();
        let last = planted["periods"].as_array().unwrap().last().unwrap().as_str().unwrap().to_owned();

        let frozen = tmp.path().join(format!("frozen{seed}"));
        let baseline = root.join("planted");
        let extra = ["--no-growth", "--baseline", baseline.to_str().unwrap(), "--freeze-through", &last];
        // The planted orders must meet the intents.
        plan_ok(&root, &frozen, &extra);
        // Cost, stated gap to the proven bound, machines ordered.
        let cost = |dir: &std::path::Path| -> (f64, f64, u64) {
            let plan = read_plan(dir);
            (
                plan["cost"]["total"].as_f64().unwrap(),
                plan["solver"]["mip_gap"].as_f64().unwrap(),
                plan["orders"].as_array().unwrap().iter().map(|o| o["count"].as_u64().unwrap()).sum(),
            )
        };
        assert!((cost(&frozen).0 - planted_cost).abs() < 0.01, "seed {seed}: frozen {} planted {planted_cost}", cost(&frozen).0);

        let plan = tmp.path().join(format!("plan{seed}"));
        plan_ok(&root, &plan, &["--no-growth"]);
        // The plan is within its stated gap of the optimum, which is at
        // most the planted cost.
        let (total, gap, machines) = cost(&plan);
        assert!(total * (1.0 - gap) <= planted_cost + 0.01, "seed {seed}: plan {total} (gap {gap}) above the planted {planted_cost}");
        assert!(machines > 0, "seed {seed}: the planted family must need orders");
        for dir in [&frozen, &plan] {
            verify_ok(dir, &root);
        }
    }
    // The same seed writes the same bytes.
    let again = tmp.path().join("again");
    synth_planted(&again, "0", "1");
    for file in ["topology/clusters.ron", "intents/t00.ron", "data/forecast.csv", "planted/plan.json"] {
        assert_eq!(fs::read(again.join(file)).unwrap(), fs::read(tmp.path().join("org1").join(file)).unwrap(), "{file}");
    }
}

/// Where limits have no slack, rounding the relaxation's orders up breaks
/// power or space limits, and fitting them takes machines away below what
/// the relaxation used: placements on that fleet may not exist (here
/// they did not, and branch and bound had to find the plan), and on a
/// large model finding that out took minutes. Whole machines are found
/// period by period from the relaxation's floors first, within the gap,
/// and no placements are solved on the cut fleet.
#[test]
fn where_fitting_the_limits_cuts_machines_whole_machines_come_period_by_period() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let (code, out) = synth_planted(&root, "1", "1");
    assert_eq!(code, 0, "{out}");
    let plan = tmp.path().join("plan");
    let (purposes, found) = solves(&root, &plan, &["--lp", "pdlp", "--no-growth"]);
    verify_ok(&plan, &root);
    let gap = found["solver"]["mip_gap"].as_f64().unwrap();
    assert!(gap <= 0.005, "{}", found["solver"]);
    let planted = read_plan(&root.join("planted"))["cost"]["total"].as_f64().unwrap();
    assert!(found["cost"]["total"].as_f64().unwrap() <= planted);
    if found["solver"]["backend"] == "highs" {
        assert_eq!(without_pdlp_again(found["solver"]["method"].as_str().unwrap()), "PDLP; period by period", "{purposes:?}");
        assert!(!purposes.iter().any(|p| p == "placements" || p == "mip"), "{purposes:?}");
    }
}

/// HiGHS can end a solve with an error, not a status (planted medium at
/// tightness 1, one period's program). Period by period then solves that
/// period once more from scratch, with the fractions it had held down
/// still held, and goes on. Made to fail at the first solve of every
/// period, it ends on a plan found period by period at the same cost as
/// without the errors (without the retry, on branch and bound's dearer
/// one); made to fail at the solve after the first hold, on a plan that
/// verifies.
#[test]
fn a_highs_error_in_a_period_solves_that_period_again_from_scratch() {
    let tmp = tempfile::tempdir().unwrap();
    // The plan and the methods of the whole-machine programs by period,
    // planned with `env`.
    let run = |root: &std::path::Path, name: &str, env: &[(&str, &str)]| -> (serde_json::Value, Vec<String>) {
        let plan = tmp.path().join(name);
        let stats = tmp.path().join(format!("{name}.json"));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap(), "--stats", stats.to_str().unwrap()])
            .args(["--lp", "pdlp", "--no-growth"])
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        verify_ok(&plan, root);
        let found = read_plan(&plan);
        assert!(found["solver"]["mip_gap"].as_f64().unwrap() <= 0.005, "{}", found["solver"]);
        (found, methods_of(&stats, "whole machines by period"))
    };
    let retried = |methods: &[String]| {
        assert!(methods.iter().any(|m| m.starts_with("failed: ")), "{methods:?}");
        assert!(methods.iter().any(|m| m.ends_with(", after a HiGHS error")), "{methods:?}");
    };
    // Where the plan is the one found period by period (as in
    // `where_fitting_the_limits_cuts_machines_...`).
    let root = tmp.path().join("seed-1");
    let (code, out) = synth_planted(&root, "1", "1");
    assert_eq!(code, 0, "{out}");
    let (plain, _) = run(&root, "plain", &[]);
    if plain["solver"]["backend"] != "highs" {
        return;
    }
    assert_eq!(without_pdlp_again(plain["solver"]["method"].as_str().unwrap()), "PDLP; period by period");
    let (failed, methods) = run(&root, "error-at-0", &[("HEADROOM_TEST_HIGHS_ERROR_AT_ROUND", "0")]);
    retried(&methods);
    // From scratch, not from the last period's basis, the programs may
    // end on other vertices of the same cost.
    assert_eq!(failed["solver"]["method"], plain["solver"]["method"]);
    assert_eq!(failed["cost"]["total"], plain["cost"]["total"]);
    // Where periods hold fractions down, so there are rounds after the
    // first to fail in.
    let root = tmp.path().join("seed-5");
    let (code, out) = synth_planted(&root, "1", "5");
    assert_eq!(code, 0, "{out}");
    let forced = [("HEADROOM_TEST_PERIOD_BY_PERIOD", "1"), ("HEADROOM_TEST_SOLVE_PLACEMENTS", "1")];
    let (_, methods) = run(&root, "holding", &forced);
    assert!(methods.iter().any(|m| m.contains("after holding orders")), "{methods:?}");
    let (_, methods) = run(&root, "error-at-1", &[forced[0], forced[1], ("HEADROOM_TEST_HIGHS_ERROR_AT_ROUND", "1")]);
    retried(&methods);
}

/// Whole machines period by period (forced) on a planted organisation with
/// no slack: rounding up breaks power, space or delivery limits there, so
/// fractions are held down and periods solved again; whatever the search
/// ends with verifies.
#[test]
fn a_tight_planted_organisation_plans_whole_machines_period_by_period() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let (code, out) = synth_planted(&root, "1", "5");
    assert_eq!(code, 0, "{out}");
    for lp in ["ipm", "pdlp"] {
        let plan = tmp.path().join(format!("plan-{lp}"));
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"));
        command
            .args(["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap(), "--lp", lp, "--no-growth"])
            .env("HEADROOM_TEST_PERIOD_BY_PERIOD", "1")
            .env("HEADROOM_TEST_SOLVE_PLACEMENTS", "1");
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        verify_ok(&plan, &root);
        assert!(read_plan(&plan)["solver"]["mip_gap"].as_f64().unwrap() <= 0.005);
    }
    // Whole machines period by period without the relaxation's floors,
    // and a bound period by period, before it (as on large models): kept
    // if within the gap, else the search goes on from the relaxation.
    // Either way the plan verifies.
    let plan = tmp.path().join("plan-periods-first");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap(), "--lp", "pdlp", "--no-growth"])
        .env("HEADROOM_TEST_PERIODS_FIRST", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    verify_ok(&plan, &root);
    assert!(read_plan(&plan)["solver"]["mip_gap"].as_f64().unwrap() <= 0.005);
}

/// A planted organisation with no slack, whole machines period by period
/// first (forced, as on large models). Taking only what each period
/// needs leaves a later period that cannot be served, so whole machines
/// are found from the last period back; there rounding the last period's
/// machines up keeps breaking power and space limits, which are exactly
/// what the planted fleet needs, and holding fractions down leaves the
/// period short. That period's program with whole arrivals, by branch
/// and bound, finds machines that fit (recorded in `--stats`). The plan
/// stands within the gap of the periods' bound and verifies.
#[test]
fn with_no_slack_whole_machines_from_the_last_period_back_by_branch_and_bound_where_rounding_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let (code, out) = synth(
        &root,
        &[
            "--family",
            "planted",
            "--tightness",
            "1",
            "--seed",
            "1",
            "--services",
            "50",
            "--clusters",
            "12",
            "--regions",
            "3",
            "--periods",
            "8",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let plan = tmp.path().join("plan");
    let stats = tmp.path().join("stats.json");
    let args = [
        "plan",
        "--root",
        root.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--lp",
        "pdlp",
        "--no-growth",
        "--stats",
        stats.to_str().unwrap(),
    ];
    // HiGHS's way only: on microlp neither the dive (below) nor branch
    // and bound finds whole machines for this organisation's last period
    // within their limits (the relaxation follows, past the time limit).
    let (code, help, _) = headroom(&["plan", "--help"]);
    if code != 0 || !help.contains("highs") {
        return;
    }
    let (code, stdout, stderr) = headroom_with(&args, &[("HEADROOM_TEST_PERIODS_FIRST", "1")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    verify_ok(&plan, &root);
    let plan = read_plan(&plan);
    if plan["solver"]["backend"] != "highs" {
        return;
    }
    assert_eq!(plan["solver"]["method"], "from the last period back; bound by period", "{}", plan["solver"]);
    assert!(plan["solver"]["mip_gap"].as_f64().unwrap() <= 0.005, "{}", plan["solver"]);
    let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let by_branch_and_bound =
        stats["solves"].as_array().unwrap().iter().filter(|s| s["purpose"] == "whole machines by period, branch and bound").count();
    assert!(by_branch_and_bound >= 1, "{stats}");
}

/// The same on microlp, the default backend, with another seed: rounding
/// the last period's machines up breaks power and space limits, and
/// holding fractions down leaves it short. A dive finds whole machines
/// that fit (one arrival at a time fixed at the whole number above, or
/// below where above has no solution, backtracking where neither has),
/// where microlp's branch and bound found none within its nodes and the
/// plan ran out of time (exit 6). The plan stands within the gap of the
/// periods' bound and verifies.
#[test]
fn with_no_slack_on_microlp_a_dive_finds_whole_machines_where_rounding_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let size = ["--services", "50", "--clusters", "12", "--regions", "3", "--periods", "8"];
    let (code, out) = synth(&root, &[&["--family", "planted", "--tightness", "1", "--seed", "4"][..], &size[..]].concat());
    assert_eq!(code, 0, "{out}");
    let plan = tmp.path().join("plan");
    let stats = tmp.path().join("stats.json");
    let (code, stdout, stderr) = headroom(&[
        "plan",
        "--root",
        root.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--solver",
        "microlp",
        "--no-growth",
        "--stats",
        stats.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    verify_ok(&plan, &root);
    let plan = read_plan(&plan);
    assert_eq!(plan["solver"]["backend"], "microlp");
    assert_eq!(plan["solver"]["method"], "from the last period back; bound by period", "{}", plan["solver"]);
    assert!(plan["solver"]["mip_gap"].as_f64().unwrap() <= 0.005, "{}", plan["solver"]);
    let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let dived = stats["solves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["purpose"] == "whole machines by period, dive" && s["method"].as_str().unwrap().ends_with("levels deep"))
        .count();
    assert!(dived >= 1, "{stats}");
}

/// On a model too large for programs by period or branch and bound (forced
/// here on planted small), PDLP solves the relaxation at 1e-3 first.
/// Where the plan rounded from it is outside the gap, the relaxation is
/// solved again at 1e-4 and the plan found from there stands; within the
/// gap, the first plan stands and PDLP runs once. Either plan verifies.
#[test]
fn pdlp_runs_again_tighter_where_the_plan_from_its_loose_answer_is_outside_the_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    let size = ["--services", "50", "--clusters", "12", "--regions", "3", "--periods", "8"];
    let mut args = vec!["--family", "planted", "--seed", "1"];
    args.extend(size);
    let (code, out) = synth(&root, &args);
    assert_eq!(code, 0, "{out}");
    let cases: [(&str, &[&str], &str); 2] = [
        ("0.005", &["PDLP", "PDLP at 1e-4"], "PDLP at 1e-4; period by period"),
        ("0.01", &["PDLP"], "PDLP; rounded up, placements repaired ("),
    ];
    for (gap, relaxations, method) in cases {
        let plan = tmp.path().join(format!("plan-{gap}"));
        let stats = tmp.path().join(format!("stats-{gap}.json"));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap(), "--stats", stats.to_str().unwrap()])
            .args(["--lp", "pdlp", "--no-growth", "--mip-gap", gap])
            .env("HEADROOM_TEST_AS_LARGE", "1")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        verify_ok(&plan, &root);
        let found = read_plan(&plan);
        let solver = &found["solver"];
        assert!(solver["mip_gap"].as_f64().unwrap() <= gap.parse::<f64>().unwrap(), "{solver}");
        if solver["backend"] == "highs" {
            assert_eq!(methods_of(&stats, "relaxation"), relaxations, "--mip-gap {gap}");
            assert!(solver["method"].as_str().unwrap().starts_with(method), "--mip-gap {gap}: {solver}");
        }
    }
}

/// Growth headroom bounded, as on organisations too large to measure it
/// exactly (forced here): on planted organisations, with dependencies,
/// spread caps and orders arriving over the horizon, planned as large ones
/// are (PDLP's relaxation rounded up, its placements repaired), the same
/// plan, and every value at most the one measured, which is at most its
/// upper bound. The lower bound is no empty promise there: of the values
/// measured above 0, it finds most above 0 too. (Where the plan packs
/// clusters, as whole machines found period by period do, it is weak:
/// planted medium, 8 of 115; so too with microlp, which has no PDLP.)
#[test]
fn growth_headroom_bounded_holds_the_measured_between_its_bounds() {
    let tmp = tempfile::tempdir().unwrap();
    for (seed, tightness) in [("1", "0.5"), ("4", "0.2")] {
        let root = tmp.path().join(format!("org{seed}"));
        let size = ["--services", "50", "--clusters", "12", "--regions", "3", "--periods", "8"];
        let mut args = vec!["--family", "planted", "--seed", seed, "--tightness", tightness];
        args.extend(size);
        let (code, out) = synth(&root, &args);
        assert_eq!(code, 0, "{out}");
        let plan = |out: &std::path::Path, env: &[(&str, &str)]| {
            let args = ["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--lp", "pdlp", "--mip-gap", "0.01"];
            let (code, stdout, stderr) = headroom_with(&args, env);
            assert_eq!(code, 0, "{stdout}{stderr}");
            verify_ok(out, &root);
            read_plan(out)
        };
        let (exact, bounded) = (tmp.path().join(format!("exact{seed}")), tmp.path().join(format!("bounded{seed}")));
        let measured = plan(&exact, &[("HEADROOM_TEST_AS_LARGE", "1")]);
        let bounds = plan(&bounded, &[("HEADROOM_TEST_AS_LARGE", "1"), ("HEADROOM_TEST_GROWTH_BOUNDED", "1")]);
        let failures = growth_within(&format!("seed {seed}"), &measured, &bounds);
        assert!(failures.is_empty(), "{failures}");
        assert!(bounds["solver"]["method"].as_str().unwrap().contains("growth headroom bounded (at least"), "{}", bounds["solver"]);
        let positive = |p: &serde_json::Value| -> Vec<bool> {
            let values = p["growth"].as_array().unwrap().iter().flat_map(|g| [g["organic"].as_f64(), g["inorganic"].as_f64()]);
            values.flatten().map(|v| v > 0.0).collect()
        };
        let (grows, bounded_grows) = (positive(&measured), positive(&bounds));
        let both = grows.iter().zip(&bounded_grows).filter(|(a, b)| **a && **b).count();
        let measured_grows = grows.iter().filter(|a| **a).count();
        // Only HiGHS has PDLP: microlp's plans pack clusters.
        let large_way = bounds["solver"]["backend"] == "highs";
        assert!(
            !large_way || 2 * both >= measured_grows,
            "seed {seed}: of {measured_grows} values measured above 0, {both} bounded above 0"
        );
    }
}
