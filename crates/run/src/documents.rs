//! The JSON documents a run writes besides the plan itself, as typed
//! structs. Each carries a `format_version` of its own: the minor version
//! grows with additions, the major one with breaking changes; readers
//! ignore unknown fields.
//!
//! Keys are written in alphabetical order at every level ([`to_json`]),
//! whatever the order of the fields here: the files keep the layout they
//! have always had.

use serde::{Deserialize, Serialize};

use headroom_plan::Plan;
use headroom_solve::stats::SolveRecord;
use headroom_solve::Recorder;

use crate::plan::{machines, WhatIf};

/// Version of `scenarios.json`.
pub const SCENARIOS_VERSION: &str = "1.0";
/// Version of the `plan --stats` document.
pub const STATS_VERSION: &str = "1.2";
/// Version of `forecast --format json`'s document.
pub const FORECAST_VERSION: &str = "1.0";

/// A document as pretty JSON with its keys sorted, and a final newline.
pub fn to_json<T: Serialize>(doc: &T) -> String {
    // Through a `Value`, whose maps keep their keys sorted.
    let value = serde_json::to_value(doc).unwrap_or_default();
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `scenarios.json`: each scenario's outcome and its change from the plan
/// as is, for CI and bots. A part of a fan-out (`plan --scenario-only`)
/// has no plan as is: `base` is null, changes are left out, and the
/// inputs' digest says what the part was planned from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenarios {
    /// [`SCENARIOS_VERSION`].
    pub format_version: String,
    /// The plan as is; null in a part of a fan-out.
    pub base: Option<Base>,
    /// Only in a part of a fan-out: the digest of the inputs planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs_digest: Option<String>,
    /// The scenarios, in the order they were given.
    pub scenarios: Vec<ScenarioOutcome>,
}

/// The plan as is, as `scenarios.json` compares scenarios with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Base {
    /// Its total cost.
    pub cost: f64,
    /// The machines it orders.
    pub machines_ordered: u32,
}

/// How planning one scenario went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A plan was made, verified and written.
    Planned,
    /// The intents cannot all be met under the scenario.
    IntentsNotMet,
    /// `--time-limit` passed before any plan was found.
    TimeLimit,
    /// The solver failed.
    SolverFailed,
}

/// One scenario in `scenarios.json`. Which fields are present depends on
/// the status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub name: String,
    /// The scenario file, as given.
    pub file: String,
    /// The scenario's description, or null.
    pub description: Option<String>,
    /// How planning it went.
    pub status: Status,
    /// Planned: its plan, relative to the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Planned: the plan's total cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Planned: the machines the plan orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machines_ordered: Option<u32>,
    /// Planned, beside the plan as is: cost minus its cost, to the cent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_change: Option<f64>,
    /// Planned, beside the plan as is: machines ordered minus its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machines_ordered_change: Option<i64>,
    /// Planned: service-periods with unmet demand (best effort).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmet: Option<usize>,
    /// Intents not met: why, each with its fixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanations: Option<Vec<Unmet>>,
    /// Solver failed: the solver's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An intent a scenario cannot meet, and what would fix it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmet {
    /// Which intent, and which limits.
    pub message: String,
    /// Changes that would let it be met.
    pub fixes: Vec<String>,
}

impl Scenarios {
    /// The document of `whatifs`, beside the plan as is (`base`) or, in a
    /// part of a fan-out, with the inputs' digest instead.
    pub fn new(base: Option<&Plan>, whatifs: &[WhatIf], digest: &str) -> Scenarios {
        Scenarios {
            format_version: SCENARIOS_VERSION.to_owned(),
            base: base.map(|b| Base { cost: b.cost.total, machines_ordered: machines(b) }),
            inputs_digest: if base.is_none() { Some(digest.to_owned()) } else { None },
            scenarios: whatifs.iter().map(|w| ScenarioOutcome::new(base, w)).collect(),
        }
    }
}

impl ScenarioOutcome {
    fn new(base: Option<&Plan>, w: &WhatIf) -> ScenarioOutcome {
        let mut out = ScenarioOutcome {
            name: w.scenario.name.clone(),
            file: w.file.display().to_string(),
            description: w.scenario.description.clone(),
            status: Status::Planned,
            plan: None,
            cost: None,
            machines_ordered: None,
            cost_change: None,
            machines_ordered_change: None,
            unmet: None,
            explanations: None,
            message: None,
        };
        match &w.result {
            Ok(p) => {
                out.plan = Some(format!("scenarios/{}/plan.json", w.scenario.name));
                out.cost = Some(p.cost.total);
                out.machines_ordered = Some(machines(p));
                if let Some(base) = base {
                    out.cost_change = Some(((p.cost.total - base.cost.total) * 100.0).round() / 100.0);
                    out.machines_ordered_change = Some(machines(p) as i64 - machines(base) as i64);
                }
                out.unmet = Some(p.unmet.len());
            }
            Err(headroom_solve::Error::IntentsNotMet(explanations)) => {
                out.status = Status::IntentsNotMet;
                out.explanations =
                    Some(explanations.iter().map(|e| Unmet { message: e.message.clone(), fixes: e.fixes.clone() }).collect());
            }
            Err(headroom_solve::Error::TimeLimit) => out.status = Status::TimeLimit,
            Err(headroom_solve::Error::Solver(message)) => {
                out.status = Status::SolverFailed;
                out.message = Some(message.clone());
            }
        }
        out
    }
}

/// Wall time of the phases of a plan run that are not solving, in
/// seconds, as the command measured them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
    /// Reading and checking the inputs.
    pub load: f64,
    /// Writing the model file (`--emit-model`), not counted as own time:
    /// it is asked for on top of planning.
    pub emit: f64,
    /// The independent check of every plan.
    pub verify: f64,
    /// Writing the output directory.
    pub write: f64,
    /// The whole run.
    pub total: f64,
}

/// The `plan --stats` document: headroom's own phases, every model
/// solved, and peak memory (Linux only; null elsewhere).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// [`STATS_VERSION`].
    pub format_version: String,
    /// The run's exit code.
    pub exit_code: i32,
    /// Where the time went.
    pub seconds: Seconds,
    /// The process's peak resident memory.
    pub peak_memory_bytes: Option<u64>,
    /// Every model built and solved, in order.
    pub solves: Vec<SolveRecord>,
}

/// Where a plan run's time went, in seconds of wall time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Seconds {
    /// The whole run.
    pub total: f64,
    /// Reading and checking the inputs.
    pub load: f64,
    /// Writing `--emit-model`'s file.
    pub emit_model: f64,
    /// Building every model, and finding the independent parts.
    pub build: f64,
    /// Handing models to the backend.
    pub handoff: f64,
    /// The backend solving.
    pub solve: f64,
    /// Reading solutions back.
    pub read: f64,
    /// Turning solutions into plans.
    pub extract: f64,
    /// Bounding growth headroom without solving (on models too large to
    /// measure it). Since 1.2.
    pub growth_bounds: f64,
    /// The independent check of every plan.
    pub verify: f64,
    /// Writing the output directory.
    pub write: f64,
    /// headroom's own time: everything but the backend, the hand-off and
    /// `--emit-model`.
    pub own: f64,
}

impl Stats {
    /// The document of a run that ended with `exit_code`: the command's
    /// own phases, and what `rec` recorded of every solve.
    pub fn new(phases: &Phases, rec: &Recorder, exit_code: i32) -> Stats {
        let solves = rec.solves();
        let sum = |f: fn(&SolveRecord) -> f64| solves.iter().map(f).sum::<f64>();
        let phase = |name: &str| -> f64 { rec.phases().iter().filter(|(n, _)| *n == name).map(|(_, s)| s).sum() };
        let extract = phase("extract");
        let growth_bounds = phase("growth bounds");
        // Building covers every model and finding the independent parts.
        let build = sum(|r| r.build_seconds) + phase("parts");
        let read = sum(|r| r.read_seconds);
        Stats {
            format_version: STATS_VERSION.to_owned(),
            exit_code,
            seconds: Seconds {
                total: phases.total,
                load: phases.load,
                emit_model: phases.emit,
                build,
                handoff: sum(|r| r.handoff_seconds),
                solve: sum(|r| r.solve_seconds),
                read,
                extract,
                growth_bounds,
                verify: phases.verify,
                write: phases.write,
                own: phases.load + build + read + extract + growth_bounds + phases.verify + phases.write,
            },
            peak_memory_bytes: peak_memory_bytes(),
            solves,
        }
    }
}

/// The process's peak resident memory, from /proc (Linux).
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `forecast --format json`: what was forecast from which history, the
/// overall backtest scores, and each series (`S`, the forecast's own
/// description of a series).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast<'a, S: Serialize> {
    /// [`FORECAST_VERSION`].
    pub format_version: String,
    /// The history read.
    pub history: String,
    /// The forecast file written.
    pub output: String,
    /// The periods forecast.
    pub periods: &'a [String],
    /// Means over the series' chosen backtests.
    pub overall: Overall,
    /// Each series forecast.
    pub series: &'a [S],
}

/// Mean backtest scores over the series (null when none could be scored).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Overall {
    /// Mean MASE.
    pub mase: Option<f64>,
    /// Mean sMAPE, in percent.
    pub smape_percent: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_of_a_fan_out_reads_back_as_written() {
        let doc = Scenarios {
            format_version: SCENARIOS_VERSION.into(),
            base: None,
            inputs_digest: Some("abc".into()),
            scenarios: vec![ScenarioOutcome {
                name: "surge".into(),
                file: "scenarios/surge.ron".into(),
                description: None,
                status: Status::IntentsNotMet,
                plan: None,
                cost: None,
                machines_ordered: None,
                cost_change: None,
                machines_ordered_change: None,
                unmet: None,
                explanations: Some(vec![Unmet { message: "too much".into(), fixes: vec!["less".into()] }]),
                message: None,
            }],
        };
        let text = to_json(&doc);
        assert!(text.starts_with("{\n  \"base\": null,\n  \"format_version\": \"1.0\",\n  \"inputs_digest\": \"abc\","), "{text}");
        assert!(text.contains("\"status\": \"intents_not_met\""), "{text}");
        let back: Scenarios = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
    }
}
