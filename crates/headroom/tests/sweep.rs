//! Seeded mutation sweeps of what headroom reads.
//!
//! - The loader: valid RON and CSV files damaged in many small ways
//!   (bytes flipped, cut, repeated, tokens and long lines inserted). For
//!   every damaged input the loader must not panic, must render its
//!   diagnostics in every format, and must either load the organisation
//!   with no error or refuse it with at least one.
//! - The plan reader: a real plan's JSON damaged the same way, and edited
//!   in its structure (numbers set to extremes, names changed, rows
//!   dropped or repeated). Whatever reads as a plan must go through
//!   `verify`, `diff` and the markdown renderer without a panic, and a plan
//!   with any number changed must not verify unchanged.
//!
//! `SWEEP_CASES=N` sets the cases per file (default 60); a failure names
//! the seed, so `SWEEP_SEED=S SWEEP_CASES=1` replays it.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use headroom_diag::{render, Format};

/// xorshift64*: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "1e308",
    "-1",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "4294967296",
    "1e-320",
    "\n",
    "\r\n",
    "\u{feff}",
    "r#\"",
    "'",
    "\\",
    "\u{0}",
    "é",
    "Some(",
    "None",
    "true",
    "2027Q5",
    "2027-13",
    ",,,",
    "\"\",",
    "📈",
];

fn mutate(text: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            1 => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let end = (at + 1 + rng.below(200)).min(out.len());
                let copy = out[at.min(end)..end].to_vec();
                out.splice(at..at, copy);
            }
            3 => out.truncate(at),
            4 => {
                let long = "x".repeat(70_000 * (rng.below(2)));
                let token = if long.is_empty() { TOKENS[rng.below(TOKENS.len())].to_owned() } else { long };
                out.splice(at..at, token.into_bytes());
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.bytes());
            }
        }
    }
    out
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ron" || e == "csv") {
            out.push(path);
        }
    }
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn seeds() -> (u64, u64) {
    let cases: u64 = std::env::var("SWEEP_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let first: u64 = std::env::var("SWEEP_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    (first, cases)
}

#[test]
fn damaged_inputs_are_refused_without_a_panic() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (first, cases) = seeds();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for base in ["tests/check/base", "."] {
        let base = workspace.join(base);
        let root = tmp.path().join("org");
        let _ = fs::remove_dir_all(&root);
        for part in ["topology", "intents", "data"] {
            copy(&base.join(part), &root.join(part));
        }
        let mut targets = Vec::new();
        files(&root, &mut targets);
        targets.retain(|p| !p.ends_with("history.csv") && !p.ends_with("backtest-forecast.csv"));
        for target in targets {
            let original = fs::read(&target).unwrap();
            for seed in first..first + cases {
                let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ original.len() as u64 | 1);
                fs::write(&target, mutate(&original, &mut rng)).unwrap();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let loaded = headroom_load::load(&headroom_load::Options::new(&root));
                    for format in [Format::Human { color: false }, Format::Json, Format::Github] {
                        render(&loaded.diagnostics.list, &loaded.sources, format);
                    }
                    let errors = loaded.diagnostics.list.iter().filter(|d| d.is_error()).count();
                    match (&loaded.org, errors) {
                        (Some(_), 0) | (None, 1..) => None,
                        (Some(_), n) => Some(format!("an organisation was loaded despite {n} errors")),
                        (None, _) => Some("no organisation and no error".to_owned()),
                    }
                }));
                let problem = match outcome {
                    Ok(None) => continue,
                    Ok(Some(problem)) => problem,
                    Err(_) => "the loader panicked".to_owned(),
                };
                failures.push(format!("{} with seed {seed}: {problem}", target.strip_prefix(&root).unwrap().display()));
            }
            fs::write(&target, &original).unwrap();
        }
    }
    assert!(failures.is_empty(), "{} damaged inputs failed:\n{}", failures.len(), failures.join("\n"));
}

/// Numbers a hand-edited plan might hold.
const NUMBERS: &[f64] = &[0.0, -0.0, -1.0, 1e308, -1e308, 1e-300, 4294967295.0, 4294967296.0, 18446744073709551615.0, 0.5, 1e12];

/// Edits one leaf or row of a plan's JSON: walks down to a random place,
/// then drops or repeats a row there, or replaces the value.
fn edit(value: &mut serde_json::Value, rng: &mut Rng) {
    use serde_json::Value;
    let descend = rng.below(4) != 0;
    match value {
        Value::Object(map) if !map.is_empty() && descend => {
            let key = map.keys().nth(rng.below(map.len())).unwrap().clone();
            edit(map.get_mut(&key).unwrap(), rng);
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let i = rng.below(items.len());
            match rng.below(6) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.insert(i, copy);
                }
                _ => edit(&mut items[i], rng),
            }
        }
        Value::Number(_) | Value::Null => *value = serde_json::json!(NUMBERS[rng.below(NUMBERS.len())]),
        Value::String(s) => {
            *s = match rng.below(4) {
                0 => String::new(),
                1 => format!("{s}x"),
                2 => "2027Q9".to_owned(),
                _ => "x".repeat(300),
            }
        }
        Value::Bool(b) => *b = !*b,
        _ => *value = Value::Null,
    }
}

/// Equal up to the verifier's tolerances (a cent of cost, 10^-4 of a
/// quantity, a millionth of either's size).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 0.02 + 1e-6 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

#[test]
fn damaged_and_edited_plans_are_refused_without_a_panic() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let org =
        headroom_load::load(&headroom_load::Options::new(workspace.join("tests/check/base"))).org.expect("the base organisation loads");
    let plan = headroom_solve::plan(&org, "sweep", &headroom_solve::Options::default()).expect("the base organisation plans");
    assert!(headroom_verify::verify(&org, &plan).is_empty());
    let text = plan.to_json();
    let tree: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (first, cases) = seeds();
    let mut failures = Vec::new();
    for seed in first..first + 4 * cases {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let (damaged, structural) = if seed % 2 == 0 {
            (String::from_utf8_lossy(&mutate(text.as_bytes(), &mut rng)).into_owned(), false)
        } else {
            let mut tree = tree.clone();
            edit(&mut tree, &mut rng);
            (serde_json::to_string(&tree).unwrap(), true)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let Ok(edited) = headroom_plan::Plan::from_json(&damaged) else { return None };
            let violations = headroom_verify::verify(&org, &edited);
            let changes = headroom_diff::diff(&plan, &edited, &headroom_diff::Options::default());
            headroom_diff::markdown(&changes);
            headroom_diff::human(&changes, true);
            // A plan with something changed that still verifies must state
            // the same numbers: only solver-stated parts may differ.
            let mut a = edited.clone();
            let mut b = plan.clone();
            for p in [&mut a, &mut b] {
                p.solver = plan.solver.clone();
                p.shadow_prices.clear();
                p.growth.clear();
                p.explanations.clear();
                p.inputs_digest.clear();
                p.format_version.clear();
                p.mode = plan.mode;
                p.scenario = None;
            }
            let (a, b) = (serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());
            (structural && violations.is_empty() && !same(&a, &b)).then(|| format!("an edited plan verifies: {damaged}"))
        }));
        match outcome {
            Ok(None) => {}
            Ok(Some(problem)) => failures.push(format!("seed {seed}: {problem}")),
            Err(_) => failures.push(format!("seed {seed}: a panic")),
        }
    }
    assert!(failures.is_empty(), "{} damaged plans failed:\n{}", failures.len(), failures.join("\n"));
}
