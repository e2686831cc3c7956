//! `headroom check` on every case under `tests/check/cases/`, end to end.
//!
//! A case is a directory of files laid over the valid organisation in
//! `tests/check/base/`, with optional `args` (extra flags, one per line)
//! and `setup` (one action per line: `delete PATH`, `symlink LINK TARGET`,
//! `write PATH TEXT`, `bytes PATH HEX`, `fifo PATH`, `bom PATH`: a byte-order
//! mark before a file's text), and `expected`: the exit code and
//! each diagnostic as `severity code location message`, then its other
//! labelled places (`also`) and its help.
//! Run with `BLESS=1` to rewrite `expected` files (review the diff!).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::*;

const SPECIAL: [&str; 4] = ["expected", "args", "setup", "README"];

fn setup(dir: &Path, script: &str) {
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut parts = line.splitn(3, ' ');
        let (action, path) = (parts.next().unwrap(), dir.join(parts.next().unwrap()));
        let rest = parts.next().unwrap_or("");
        match action {
            "delete" if path.is_dir() => fs::remove_dir_all(&path).unwrap(),
            "delete" => fs::remove_file(&path).unwrap(),
            "symlink" => std::os::unix::fs::symlink(rest, &path).unwrap(),
            "write" => fs::write(&path, rest.replace("\\n", "\n")).unwrap(),
            "fifo" => assert!(Command::new("mkfifo").arg(&path).status().unwrap().success()),
            "bom" => {
                let text = fs::read(&path).unwrap();
                fs::write(&path, [&[0xEF, 0xBB, 0xBF][..], &text].concat()).unwrap();
            }
            "bytes" => {
                let bytes: Vec<u8> = (0..rest.len()).step_by(2).map(|i| u8::from_str_radix(&rest[i..i + 2], 16).unwrap()).collect();
                fs::write(&path, bytes).unwrap();
            }
            other => panic!("unknown setup action `{other}`"),
        }
    }
}

/// The JSON diagnostics as the lines of an `expected` file.
fn summarise(exit: i32, json: &serde_json::Value) -> String {
    let mut out = format!("exit {exit}\n");
    for d in json["diagnostics"].as_array().unwrap() {
        let s = |k: &str| d[k].as_str().map(str::to_owned);
        let n = |k: &str| d[k].as_u64();
        let mut location = s("file").unwrap_or_else(|| "-".into());
        if let (Some(line), Some(col)) = (n("line"), n("column")) {
            write!(location, ":{line}:{col}").unwrap();
        }
        if let Some(row) = n("row") {
            write!(location, " row {row}").unwrap();
        }
        if let Some(column) = s("column_name") {
            write!(location, " column {column}").unwrap();
        }
        writeln!(out, "{} {} {} {}", s("severity").unwrap(), s("code").unwrap(), location, s("message").unwrap()).unwrap();
        for label in d["labels"].as_array().unwrap().iter().skip(1) {
            let file = label["file"].as_str().unwrap();
            let (line, col) = (label["line"].as_u64().unwrap_or(0), label["column"].as_u64().unwrap_or(0));
            writeln!(out, "  also {file}:{line}:{col} {}", label["message"].as_str().unwrap()).unwrap();
        }
        if let Some(help) = s("help") {
            writeln!(out, "  help: {help}").unwrap();
        }
    }
    out
}

fn run(dir: &Path, args: &[String], format: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .current_dir(dir)
        .args(["check", "--format", format])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn check_reports_every_case_as_expected() {
    let root = workspace().join("tests/check");
    let mut cases: Vec<PathBuf> = fs::read_dir(root.join("cases")).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 30, "expected at least 30 cases, found {}", cases.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = String::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&root.join("base"), tmp.path(), &[]);
        copy_dir(case, tmp.path(), &SPECIAL);
        if let Ok(script) = fs::read_to_string(case.join("setup")) {
            setup(tmp.path(), &script);
        }
        let args: Vec<String> =
            fs::read_to_string(case.join("args")).unwrap_or_default().lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();

        let (code, stdout, stderr) = run(tmp.path(), &args, "json");
        let json: serde_json::Value = match serde_json::from_str(&stdout) {
            Ok(v) => v,
            Err(e) => {
                writeln!(failures, "--- {name}: output is not JSON ({e}):\n{stdout}\n{stderr}").unwrap();
                continue;
            }
        };
        let actual = summarise(code, &json);
        let expected_path = case.join("expected");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            writeln!(failures, "--- {name}: expected\n{expected}--- but got\n{actual}").unwrap();
        }
        if !stderr.is_empty() {
            writeln!(failures, "--- {name}: wrote to stderr:\n{stderr}").unwrap();
        }

        // The human format must agree: same exit code, every location shown
        // as file:line:col, and no panic.
        let (human_code, human, human_err) = run(tmp.path(), &args, "human");
        if human_code != code || human_err.contains("internal error") {
            writeln!(failures, "--- {name}: human format exited {human_code} (json: {code}):\n{human_err}").unwrap();
        }
        for d in json["diagnostics"].as_array().unwrap() {
            if let (Some(file), Some(line), Some(col)) = (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()) {
                let location = format!("{file}:{line}:{col}");
                if !human.contains(&location) {
                    writeln!(failures, "--- {name}: human output lacks {location}:\n{human}").unwrap();
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn the_example_organisation_checks_clean() {
    let (code, stdout, stderr) = run(&workspace(), &[], "human");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("ok: 14 services of 5 teams, 10 clusters in 3 regions"), "{stdout}");
}
