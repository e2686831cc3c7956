//! `plan --emit-model` and `plan --stats`: the model file holds exactly
//! the model the solver got (as many rows and columns as the stats
//! record), in both formats; it is written even when no plan exists; a
//! wrong extension is a usage error.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

mod common;
use common::*;

fn case(name: &str) -> String {
    workspace().join("tests/plan").join(name).to_str().unwrap().to_owned()
}

/// Rows and distinct columns of a free MPS file (the objective excluded).
fn mps_size(text: &str) -> (usize, usize) {
    let mut section = "";
    let (mut rows, mut columns) = (0, BTreeSet::new());
    for line in text.lines() {
        if !line.starts_with(' ') {
            section = line.split_whitespace().next().unwrap_or("");
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        match section {
            "ROWS" if fields[0] != "N" => rows += 1,
            "COLUMNS" if fields[0] != "MARKER" => {
                columns.insert(fields[0].to_owned());
            }
            _ => {}
        }
    }
    (rows, columns.len())
}

fn stats(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_model_file_is_the_model_the_solver_got() {
    let tmp = tempfile::tempdir().unwrap();
    let (mps, lp, json) = (tmp.path().join("m.mps"), tmp.path().join("m.lp"), tmp.path().join("stats.json"));
    let plan = tmp.path().join("plan");
    let args = |model: &Path| {
        vec![
            "plan".to_owned(),
            "--root".into(),
            case("lead-time-single-cluster"),
            "-o".into(),
            plan.to_str().unwrap().into(),
            "--emit-model".into(),
            model.to_str().unwrap().into(),
            "--stats".into(),
            json.to_str().unwrap().into(),
        ]
    };
    let run = |a: Vec<String>| headroom(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let (code, stdout, stderr) = run(args(&mps));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let s = stats(&json);
    assert_eq!(s["format_version"], "1.2");
    assert_eq!(s["exit_code"], 0);
    for phase in ["total", "load", "build", "solve", "extract", "growth_bounds", "verify", "own"] {
        assert!(s["seconds"][phase].as_f64().is_some_and(|x| x >= 0.0), "{phase}: {s}");
    }
    let solves = s["solves"].as_array().unwrap();
    let relaxation = solves.iter().find(|r| r["purpose"] == "relaxation").expect("a relaxation is always solved");
    // A timeline: each solve ended after its own times since the run
    // started, and within the run.
    for r in solves {
        let ended = r["ended_seconds"].as_f64().unwrap();
        let took: f64 = ["handoff_seconds", "solve_seconds", "read_seconds"].iter().map(|k| r[*k].as_f64().unwrap()).sum();
        assert!(took <= ended + 1e-9 && ended <= s["seconds"]["total"].as_f64().unwrap(), "{r}");
    }
    let text = fs::read_to_string(&mps).unwrap();
    let (rows, columns) = mps_size(&text);
    assert_eq!(rows as u64, relaxation["constraints"].as_u64().unwrap());
    assert_eq!(columns as u64, relaxation["variables"].as_u64().unwrap());
    assert!(text.contains("'INTORG'"), "orders are whole machines in the file");
    let nonzeros = text
        .lines()
        .skip_while(|l| *l != "COLUMNS")
        .skip(1)
        .take_while(|l| *l != "RHS")
        .filter(|l| !l.contains("MARKER") && !l.contains(" cost "))
        .count();
    assert_eq!(nonzeros as u64, relaxation["nonzeros"].as_u64().unwrap());

    // The LP format: same rows, the same integer columns, and the same
    // bytes on a second run.
    let (code, stdout, stderr) = run(args(&lp));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let lp_text = fs::read_to_string(&lp).unwrap();
    let constraints =
        lp_text.lines().skip_while(|l| *l != "Subject To").skip(1).take_while(|l| *l != "Bounds").filter(|l| !l.starts_with("   ")).count();
    assert_eq!(constraints, rows);
    assert!(lp_text.contains("\nGeneral\n"));
    run(args(&mps));
    assert_eq!(fs::read_to_string(&mps).unwrap(), text, "same inputs, same model file");
}

#[test]
fn the_model_is_written_even_when_no_plan_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let mps = tmp.path().join("m.mps");
    let plan = tmp.path().join("plan");
    let (code, stdout, stderr) =
        headroom(&["plan", "--root", &case("lead-time-too-long"), "-o", plan.to_str().unwrap(), "--emit-model", mps.to_str().unwrap()]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(fs::read_to_string(&mps).unwrap().ends_with("ENDATA\n"));
    assert!(!plan.exists());
}

#[test]
fn a_model_file_must_be_mps_or_lp() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("m.txt");
    let (code, _, stderr) = headroom(&[
        "plan",
        "--root",
        &case("lead-time-single-cluster"),
        "-o",
        tmp.path().join("plan").to_str().unwrap(),
        "--emit-model",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(".mps") && stderr.contains(".lp"), "{stderr}");
    assert!(!bad.exists());
}
