//! Independent parts of an organisation are planned each on its own, in
//! parallel: `tests/plan/two-independent-parts` (its hand-worked optimum
//! is checked with the other plan cases) splits into three — east, west,
//! and the cluster nobody may use — and the example organisation into one.

use std::fs;

mod common;
use common::*;

/// The purposes of the models `plan --stats` says were solved.
fn solves(root: &std::path::Path, extra: &[&str]) -> (i32, Vec<String>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stats) = (tmp.path().join("plan"), tmp.path().join("stats.json"));
    let mut args =
        vec!["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats", stats.to_str().unwrap(), "--no-growth"];
    args.extend(extra);
    let (code, stdout, stderr) = headroom(&args);
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(&stats).unwrap()).unwrap();
    let purposes = json["solves"].as_array().unwrap().iter().map(|s| s["purpose"].as_str().unwrap().to_owned()).collect();
    (code, purposes, format!("{stdout}{stderr}"))
}

#[test]
fn disconnected_parts_are_solved_apart_and_a_connected_organisation_whole() {
    let (code, purposes, out) = solves(&workspace().join("tests/plan/two-independent-parts"), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(purposes.iter().filter(|p| *p == "relaxation").count(), 3, "{purposes:?}");

    let (code, purposes, out) = solves(&workspace(), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(purposes.iter().filter(|p| *p == "relaxation").count(), 1, "{purposes:?}");
}

#[test]
fn an_intent_no_part_can_meet_is_explained_and_best_effort_sheds_it_in_its_part() {
    // West's demand grows past what its clusters can hold (power 2 kW
    // each); east is unaffected.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&workspace().join("tests/plan/two-independent-parts"), tmp.path(), &["expected", "README"]);
    let topology = tmp.path().join("topology/fleet.ron");
    let text = fs::read_to_string(&topology).unwrap().replace("region: \"west\", power_cap_kw: 1000", "region: \"west\", power_cap_kw: 2");
    fs::write(&topology, text).unwrap();

    let (code, _, out) = solves(tmp.path(), &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("`b` cannot serve its demand"), "{out}");

    let (code, _, out) = solves(tmp.path(), &["--best-effort"]);
    assert_eq!(code, 3, "{out}");
    // N+1 over three clusters of 2 machines: 40 of 60 survives; a is served.
    assert!(out.contains("! b (users in west) in 2027Q1: 20 of 60 unmet"), "{out}");
    assert!(!out.contains("! a "), "{out}");
}
