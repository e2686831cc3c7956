//! `headroom plan --scenario`: what-if scenarios planned beside the plan as
//! is, on `tests/plan/power-cap-forces-another-cluster` (solved by hand
//! in its README: c1 holds 3 machines of 10 cpu under a 3 kW cap, demand
//! is 50 cpu, so c2 gets 2 machines; 2 × 1000 capital + 5 × 10 × 3 months
//! running = 2150), and on the example organisation.

use std::fs;
use std::path::Path;

mod common;
use common::*;

/// Hand-worked: each scenario's cost, or `None` if no plan can meet it.
const SCENARIOS: &[(&str, &str, Option<f64>)] = &[
    // 100 cpu: c1 still 30, c2 needs 7 machines: 7000 + 10 × 30 = 7300.
    ("double", "Demand(multiply: 2)", Some(7300.0)),
    // The same 2 machines at 1500: 3000 + 150 = 3150.
    ("pricier", r#"MachineType(name: "std", capital_cost: 1500)"#, Some(3150.0)),
    // c1 may draw 5 kW and c2 cannot order: the 2 machines go to c1.
    ("c2-frozen", r#"Cluster(name: "c1", power_cap_kw: 5), Cluster(name: "c2", can_order: [])"#, Some(2150.0)),
    // Orders take a quarter; the horizon is one quarter: nothing arrives.
    ("slow-vendor", "LeadTime(add_months: 3)", None),
];

fn write_scenarios(dir: &Path) -> Vec<String> {
    fs::create_dir_all(dir).unwrap();
    SCENARIOS
        .iter()
        .map(|(name, changes, _)| {
            let path = dir.join(format!("{name}.ron"));
            fs::write(&path, format!("Scenario(changes: [{changes}])\n")).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect()
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            for (name, bytes) in files(&path) {
                out.push((format!("{}/{name}", path.file_name().unwrap().to_string_lossy()), bytes));
            }
        } else {
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn scenarios_plan_to_their_hand_worked_optimum_beside_an_unchanged_plan() {
    let case = workspace().join("tests/plan/power-cap-forces-another-cluster");
    let tmp = tempfile::tempdir().unwrap();
    let paths = write_scenarios(&tmp.path().join("what-if"));
    let alone = tmp.path().join("alone");
    let (code, _, stderr) = headroom(&["plan", "--root", case.to_str().unwrap(), "-o", alone.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");

    let with = tmp.path().join("with");
    let mut args = vec!["plan", "--root", case.to_str().unwrap(), "-o", with.to_str().unwrap()];
    for p in &paths {
        args.extend(["--scenario", p.as_str()]);
    }
    let (code, stdout, stderr) = headroom(&args);
    // A scenario no plan can meet is a finding, not a failure.
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("slow-vendor") && stdout.contains("cannot all be met"), "{stdout}");
    assert!(stdout.contains("double       cost $7,300 (+$5,150), orders 7 machines (+5)"), "{stdout}");

    // The plan as is: the same bytes with or without scenarios beside it.
    assert_eq!(fs::read(alone.join("plan.json")).unwrap(), fs::read(with.join("plan.json")).unwrap());

    let summary: serde_json::Value = serde_json::from_str(&fs::read_to_string(with.join("scenarios.json")).unwrap()).unwrap();
    assert_eq!(summary["base"]["cost"], 2150.0);
    let list = summary["scenarios"].as_array().unwrap();
    assert_eq!(list.len(), SCENARIOS.len());
    for ((name, _, cost), (entry, path)) in SCENARIOS.iter().zip(list.iter().zip(&paths)) {
        assert_eq!(entry["name"], *name);
        let dir = with.join("scenarios").join(name);
        match cost {
            Some(cost) => {
                assert_eq!(entry["status"], "planned", "{name}");
                assert_eq!(entry["cost"].as_f64(), Some(*cost), "{name}");
                assert_eq!(entry["cost_change"].as_f64(), Some(cost - 2150.0), "{name}");
                let plan: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
                assert_eq!(plan["scenario"], *name);
                assert_eq!(plan["cost"]["total"].as_f64(), Some(*cost));
                // Checked against the inputs the scenario changes, it passes...
                let (vcode, vout, verr) =
                    headroom(&["verify", dir.to_str().unwrap(), "--root", case.to_str().unwrap(), "--scenario", path]);
                assert_eq!(vcode, 0, "{name}: {vout}{verr}");
                assert!(verr.is_empty(), "{name}: {verr}");
            }
            None => {
                assert_eq!(entry["status"], "intents_not_met", "{name}");
                assert!(!entry["explanations"].as_array().unwrap().is_empty());
                assert!(!dir.exists());
            }
        }
    }
    // ...and against the inputs as they are, verify says which scenario it
    // was made under (doubled demand does not fit the plan as is' inputs
    // check, but its orders do meet them: only the warning is sure).
    let (_, _, verr) = headroom(&["verify", with.join("scenarios/double").to_str().unwrap(), "--root", case.to_str().unwrap()]);
    assert!(verr.contains("made under scenario `double`"), "{verr}");

    // Same inputs, same bytes: every file of the run.
    let again = tmp.path().join("again");
    args[4] = again.to_str().unwrap();
    assert_eq!(headroom(&args).0, 0);
    assert_eq!(files(&with), files(&again));
}

#[test]
fn the_exit_code_is_the_plan_as_is_and_nothing_is_written_when_it_fails() {
    // The plan as is cannot be met (lead time too long); a scenario that
    // shortens the lead time can, and is reported, but the run fails.
    let case = workspace().join("tests/plan/lead-time-too-long");
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("fast.ron");
    fs::write(&scenario, "Scenario(name: \"fast\", changes: [Cluster(name: \"c1\", lead_time_months: 0)])\n").unwrap();
    let out = tmp.path().join("plan");
    let (code, stdout, stderr) =
        headroom(&["plan", "--root", case.to_str().unwrap(), "-o", out.to_str().unwrap(), "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stderr.contains("fast") && stderr.contains("cost $"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn bad_scenario_files_stop_the_run_before_solving() {
    let case = workspace().join("tests/plan/power-cap-forces-another-cluster");
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("typo.ron");
    fs::write(&scenario, "Scenario(changes: [Cluster(name: \"c3\", power_cap_kw: 5)])\n").unwrap();
    let out = tmp.path().join("plan");
    let (code, stdout, stderr) =
        headroom(&["plan", "--root", case.to_str().unwrap(), "-o", out.to_str().unwrap(), "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("typo.ron:1:34") && stdout.contains("unknown cluster `c3`") && stdout.contains("the clusters are `c1` and `c2`"),
        "{stdout}"
    );
    assert!(!out.exists());
}

#[test]
fn the_example_scenarios_plan_and_verify() {
    let root = workspace();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let mut args = vec!["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-growth"];
    let names = ["demand-surge", "launch-slips", "supply-crunch"];
    let paths: Vec<String> = names.iter().map(|n| root.join(format!("scenarios/{n}.ron")).to_str().unwrap().to_owned()).collect();
    for p in &paths {
        args.extend(["--scenario", p.as_str()]);
    }
    let (code, stdout, stderr) = headroom(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    for (name, path) in names.iter().zip(&paths) {
        let dir = out.join("scenarios").join(name);
        let (vcode, vout, verr) = headroom(&["verify", dir.to_str().unwrap(), "--root", root.to_str().unwrap(), "--scenario", path]);
        assert_eq!(vcode, 0, "{name}: {vout}{verr}");
    }
}

/// Scenarios fanned out over machines (one `plan --scenario-only` per CI
/// job) and merged give the same directory, byte for byte, and the same
/// summary as one `plan --scenario ...`, including a scenario whose
/// intents cannot be met; a part from other inputs is refused.
#[test]
fn fanned_out_scenarios_merge_to_what_one_machine_writes() {
    let root = workspace();
    let tmp = tempfile::tempdir().unwrap();
    let at = |p: &str| tmp.path().join(p).to_str().unwrap().to_owned();
    let impossible = tmp.path().join("impossible.ron");
    fs::write(&impossible, "Scenario(name: \"impossible\", changes: [Demand(multiply: 50)])\n").unwrap();
    let mut files: Vec<String> =
        ["demand-surge", "launch-slips"].iter().map(|n| root.join(format!("scenarios/{n}.ron")).to_str().unwrap().to_owned()).collect();
    files.push(impossible.to_str().unwrap().to_owned());
    let root_arg = root.to_str().unwrap();

    let one = at("one");
    let mut args = vec!["plan", "--root", root_arg, "-o", &one, "--no-growth"];
    for f in &files {
        args.extend(["--scenario", f.as_str()]);
    }
    let (code, whole, stderr) = headroom(&args);
    assert_eq!(code, 0, "{whole}{stderr}");

    let base = at("base");
    assert_eq!(headroom(&["plan", "--root", root_arg, "-o", &base, "--no-growth"]).0, 0);
    let parts: Vec<String> = (0..files.len()).map(|i| at(&format!("part-{i}"))).collect();
    for (file, part) in files.iter().zip(&parts) {
        let (code, out, err) = headroom(&["plan", "--root", root_arg, "-o", part, "--no-growth", "--scenario", file, "--scenario-only"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(!std::path::Path::new(part).join("plan.json").exists(), "a part holds no plan as is");
    }
    // Merged into the same path as the single run wrote, so that the
    // summaries name the same directory.
    let kept = at("one-kept");
    fs::rename(&one, &kept).unwrap();
    let mut args = vec!["merge-scenarios", "--root", root_arg, "--plan", &base, "-o", &one];
    args.extend(parts.iter().map(String::as_str));
    let (code, merged, stderr) = headroom(&args);
    assert_eq!(code, 0, "{merged}{stderr}");
    assert_eq!(merged, whole, "the same summary");
    let mut listed = Vec::new();
    common::walk(std::path::Path::new(&kept), std::path::Path::new(&kept), &mut listed);
    let mut again = Vec::new();
    common::walk(std::path::Path::new(&one), std::path::Path::new(&one), &mut again);
    assert_eq!(listed, again, "the same files, byte for byte");
    let json = fs::read_to_string(std::path::Path::new(&one).join("scenarios.json")).unwrap();
    assert!(json.contains("\"intents_not_met\""), "{json}");

    // A part planned from other inputs is refused.
    let other = tmp.path().join("other");
    common::copy_dir(&root, &other, &["target", ".git"]);
    let machines = other.join("topology/machines.ron");
    let text = fs::read_to_string(&machines).unwrap().replacen("capital_cost: ", "capital_cost: 1", 1);
    fs::write(&machines, text).unwrap();
    let (code, _, stderr) =
        headroom(&["merge-scenarios", "--root", other.to_str().unwrap(), "--plan", &base, "-o", &at("refused"), &parts[0]]);
    assert_eq!(code, 1);
    assert!(stderr.contains("other inputs"), "{stderr}");
}
