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

#[test]
fn synthetic_organisations_check_and_are_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    for (seed, size) in [("1", ["--services", "50", "--clusters", "12", "--regions", "3", "--periods", "8"]), ("7", ["--services", "120", "--clusters", "20", "--regions", "5", "--periods", "12"])] {
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
    let (code, stdout, stderr) = headroom(&["plan", "--root", root.to_str().unwrap(), "-o", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, stderr) = headroom(&["verify", plan.to_str().unwrap(), "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn impossible_sizes_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = synth(&tmp.path().join("x"), &["--clusters", "4", "--regions", "2"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("at least 3 clusters"), "{out}");
    assert!(!tmp.path().join("x").exists());
}
