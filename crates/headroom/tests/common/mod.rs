//! Helpers the end-to-end tests share: where the workspace is, running the
//! real binary, planning and verifying, reading a plan, copying an
//! organisation to edit.
#![allow(dead_code)] // each test file uses its own subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs `headroom ARGS` without colour: exit code, stdout, stderr.
pub fn headroom(args: &[&str]) -> (i32, String, String) {
    headroom_with(args, &[])
}

/// As [`headroom`], with these environment variables set.
pub fn headroom_with(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).envs(env.iter().copied()).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The plan.json in a plan directory, as JSON.
pub fn read_plan(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap()
}

/// Plans the organisation at `root` into `out` with `extra` flags,
/// expecting success; returns plan.json.
pub fn plan_ok(root: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["plan", "--root", root.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend(extra);
    let (code, stdout, stderr) = headroom(&args);
    assert_eq!(code, 0, "plan {args:?} failed:\n{stdout}\n{stderr}");
    read_plan(out)
}

/// Checks the plan in `plan` against the organisation at `root`,
/// expecting it to pass.
pub fn verify_ok(plan: &Path, root: &Path) {
    let (code, stdout, stderr) = headroom(&["verify", plan.to_str().unwrap(), "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "verify {} failed:\n{stdout}{stderr}", plan.display());
}

/// Copies a directory tree, leaving out the top-level entries in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by path relative to `base`,
/// sorted: two trees are equal when these are.
pub fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(base, &path, out);
        } else {
            out.push((path.strip_prefix(base).unwrap().to_path_buf(), fs::read(&path).unwrap()));
        }
    }
}

/// A plan's solver method without PDLP's " (again at 1e-…)": PDLP runs
/// again at a tighter tolerance where its bound is too loose, which
/// depends on the case, not on the way the test forces.
pub fn without_pdlp_again(method: &str) -> String {
    match (method.find(" (again at "), method.find(");")) {
        (Some(from), Some(to)) if from < to => format!("{}{}", &method[..from], &method[to + 1..]),
        _ => method.to_owned(),
    }
}

/// The methods of the solves for `purpose` in a `--stats` file, in order.
pub fn methods_of(stats: &Path, purpose: &str) -> Vec<String> {
    let stats: serde_json::Value = serde_json::from_str(&fs::read_to_string(stats).unwrap()).unwrap();
    let solves = stats["solves"].as_array().unwrap().iter().filter(|s| s["purpose"] == purpose);
    solves.map(|s| s["method"].as_str().unwrap().to_owned()).collect()
}

/// Where `bounded` is `plan`'s organisation planned with growth headroom
/// bounded from below: the same plan, and each growth value marked "at
/// least" and at most the one `plan` measured, which is at most the upper
/// bound given with it. What is wrong, or nothing.
pub fn growth_within(name: &str, plan: &serde_json::Value, bounded: &serde_json::Value) -> String {
    let mut failures = String::new();
    let without_growth = |p: &serde_json::Value| {
        let mut p = p.clone();
        p["growth"] = serde_json::Value::Null;
        p["solver"]["method"] = serde_json::Value::Null;
        p
    };
    if without_growth(plan) != without_growth(bounded) {
        failures.push_str(&format!("--- {name}: with growth bounded, another plan\n"));
    }
    let (exact, bounds) = (plan["growth"].as_array().unwrap(), bounded["growth"].as_array().unwrap());
    if exact.len() != bounds.len() {
        failures.push_str(&format!("--- {name}: {} growth rows bounded, {} measured\n", bounds.len(), exact.len()));
    }
    for (e, b) in exact.iter().zip(bounds) {
        if b["at_least"] != true || e.get("at_least").is_some() {
            failures.push_str(&format!("--- {name}: `at_least` wrong: measured {e}, bounded {b}\n"));
        }
        // An upper bound wherever demand must be met.
        let strict = plan["mode"] == "strict";
        for kind in ["organic", "inorganic"] {
            let at_most = b[format!("{kind}_at_most")].as_f64();
            match (e[kind].as_f64(), b[kind].as_f64(), at_most) {
                (Some(e), Some(b), Some(u)) if strict && (0.0..=e + 1e-6).contains(&b) && e <= u + 1e-6 => {}
                (Some(e), Some(b), None) if !strict && (0.0..=e + 1e-6).contains(&b) => {}
                (None, None, None) => {}
                _ => failures.push_str(&format!("--- {name}: {kind} growth bounded {b}, measured {e}\n")),
            }
        }
    }
    failures
}
