//! Planning an organisation and its what-if scenarios: the baseline of
//! stable replanning read and resolved, every plan solved in parallel,
//! every plan checked by the independent verifier, and the files of the
//! output directory made only from plans that passed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use headroom_model::scenario::Scenario;
use headroom_model::Organisation;
use headroom_plan::Plan;
use headroom_solve::{baseline, Error, Options, Recorder};
use headroom_verify::Violation;

use crate::documents::{self, Scenarios};

/// A what-if scenario and how planning it went.
#[derive(Debug)]
pub struct WhatIf<'a> {
    /// The scenario, resolved.
    pub scenario: &'a Scenario,
    /// Its file, as given.
    pub file: &'a Path,
    /// Its plan, verified, or why there is none.
    pub result: Result<Plan, Error>,
}

/// The plans of one run, every one verified against the inputs it was
/// made from.
#[derive(Debug)]
pub struct Planned<'a> {
    /// The plan as is, or why there is none; `None` when only the
    /// scenarios were planned (one part of a fan-out).
    pub plan: Option<Result<Plan, Error>>,
    /// Each scenario, in the order given.
    pub whatifs: Vec<WhatIf<'a>>,
    /// Time spent verifying, in seconds.
    pub verify_seconds: f64,
}

/// A plan the solver made that the independent check rejects: a bug,
/// and nothing may be written.
#[derive(Debug)]
pub struct Unverified {
    /// The scenario the plan was made under; `None` for the plan as is.
    pub scenario: Option<String>,
    /// The rules it breaks.
    pub violations: Vec<Violation>,
}

/// Reads the plan at `path` (a plan.json or a plan directory) and resolves
/// it as the baseline of stable replanning for `org`: a change of orders
/// or placements from it costs `change_penalty`; its orders placed in or
/// before `freeze_through` are kept. The error names the file.
pub fn resolve_baseline(
    org: &Organisation,
    path: &Path,
    change_penalty: f64,
    freeze_through: Option<&str>,
) -> Result<baseline::Resolved, String> {
    let plan = Plan::read(path)?;
    baseline::resolve(org, &plan, change_penalty, freeze_through).map_err(|e| format!("{}: {e}", path.display()))
}

/// Plans `org` as is (unless `scenario_only`) and under each of
/// `scenarios` (read from `files`, in the same order), all in parallel,
/// and checks every plan made with the independent verifier, each against
/// the inputs its scenario changes.
pub fn plan<'a>(
    org: &Organisation,
    digest: &str,
    scenarios: &'a [Scenario],
    files: &'a [PathBuf],
    scenario_only: bool,
    options: &Options,
    rec: &Recorder,
) -> Result<Planned<'a>, Unverified> {
    let changed: Vec<Organisation> = scenarios.iter().map(|s| s.apply(org)).collect();
    let mut jobs: Vec<(&Organisation, &str)> = if scenario_only { Vec::new() } else { vec![(org, digest)] };
    jobs.extend(changed.iter().map(|o| (o, digest)));
    let mut results = headroom_solve::plan_each(&jobs, options, rec).into_iter();
    let plan = if scenario_only { None } else { Some(results.next().unwrap_or_else(|| Err(Error::Solver("no result".into())))) };
    let mut whatifs: Vec<WhatIf> =
        scenarios.iter().zip(files).zip(results).map(|((scenario, file), result)| WhatIf { scenario, file, result }).collect();
    let start = Instant::now();
    for (w, changed) in whatifs.iter_mut().zip(&changed) {
        if let Ok(plan) = &mut w.result {
            plan.scenario = Some(w.scenario.name.clone());
            check(changed, plan, Some(&w.scenario.name))?;
        }
    }
    if let Some(Ok(plan)) = &plan {
        check(org, plan, None)?;
    }
    Ok(Planned { plan, whatifs, verify_seconds: start.elapsed().as_secs_f64() })
}

/// The independent check of one plan.
pub(crate) fn check(org: &Organisation, plan: &Plan, scenario: Option<&str>) -> Result<(), Unverified> {
    let violations = headroom_verify::verify(org, plan);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Unverified { scenario: scenario.map(str::to_owned), violations })
    }
}

/// The files of an output directory, by path inside it: the plan as is
/// (`base`) with its CSV tables, then — when scenarios were asked for —
/// `scenarios.json` and each planned scenario's plan and tables under
/// `scenarios/NAME/`. Without a plan as is, the directory is one part of
/// a fan-out: `scenarios.json` and the scenarios only.
pub fn files(base: Option<&Plan>, whatifs: &[WhatIf], digest: &str, with_scenarios: bool) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    if let Some(base) = base {
        files.extend(plan_files(base, ""));
    }
    if with_scenarios || base.is_none() {
        files.push(("scenarios.json".into(), documents::to_json(&Scenarios::new(base, whatifs, digest))));
        for w in whatifs {
            if let Ok(p) = &w.result {
                files.extend(plan_files(p, &format!("scenarios/{}/", w.scenario.name)));
            }
        }
    }
    files
}

/// A plan's plan.json and CSV tables, under `dir` (empty, or ending in `/`).
fn plan_files(plan: &Plan, dir: &str) -> Vec<(String, String)> {
    // The JSON and the tables side by side: easy large's are 400 MB and
    // 80 MB of text.
    let (json, tables) = std::thread::scope(|scope| {
        let tables = scope.spawn(|| headroom_plan::csv_tables(plan));
        let json = plan.to_json();
        (json, tables.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let mut files = vec![(format!("{dir}plan.json"), json)];
    files.extend(tables.into_iter().map(|(name, text)| (format!("{dir}{name}"), text)));
    files
}

/// Machines a plan orders.
pub fn machines(plan: &Plan) -> u32 {
    plan.orders.iter().map(|o| o.count).sum()
}
