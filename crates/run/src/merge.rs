//! A fan-out's parts joined: each CI job plans some scenarios with
//! `plan --scenario-only`; the plan as is and every part are read, checked
//! to be planned from the same inputs, and each scenario plan is verified
//! again against the inputs its scenario changes (the parts come from
//! other machines). The result is what one `plan --scenario ...` run
//! would have planned, and [`crate::plan::files`] writes it as such.

use std::path::{Path, PathBuf};

use headroom_model::scenario::Scenario;
use headroom_model::Organisation;
use headroom_plan::{Explanation, Plan};
use headroom_solve::Error;

use crate::documents::{Scenarios, Status};
use crate::plan::WhatIf;

/// One scenario of a part, as its `scenarios.json` records it.
#[derive(Debug)]
pub struct Recorded {
    /// The scenario's name when it was planned.
    pub name: String,
    /// Its file, as given to the part's run.
    pub file: PathBuf,
    /// Its plan, read from the part, or why it has none.
    pub result: Result<Plan, Error>,
}

/// The scenarios one part recorded, in its order: each one's file and
/// outcome, with its plan read from the part. Refused if the part was not
/// written by `plan --scenario-only` from the inputs of `digest`.
pub fn read_part(part: &Path, digest: &str) -> Result<Vec<Recorded>, String> {
    let path = part.join("scenarios.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Scenarios = serde_json::from_str(&text).map_err(|e| format!("{} is not a scenarios.json: {e}", path.display()))?;
    let Some(planned_from) = doc.inputs_digest.filter(|_| doc.base.is_none()) else {
        return Err("not a part written by `plan --scenario-only`".into());
    };
    if planned_from != digest {
        return Err("planned from other inputs than these; plan it again".into());
    }
    doc.scenarios
        .into_iter()
        .map(|e| {
            // The name becomes a path below the part: only a name headroom
            // could have written.
            if let Some((why, _)) = headroom_model::Name::problem(&e.name) {
                return Err(format!("scenario name {:?} {why}: not a name headroom writes (was the part edited?)", e.name));
            }
            let result = match e.status {
                Status::Planned => Ok(Plan::read(&part.join("scenarios").join(&e.name))?),
                Status::IntentsNotMet => Err(Error::IntentsNotMet(
                    e.explanations
                        .unwrap_or_default()
                        .into_iter()
                        .map(|x| Explanation {
                            service: String::new(),
                            origin: None,
                            from: String::new(),
                            to: String::new(),
                            message: x.message,
                            fixes: x.fixes,
                        })
                        .collect(),
                )),
                Status::TimeLimit => Err(Error::TimeLimit),
                Status::SolverFailed => Err(Error::Solver(e.message.unwrap_or_default())),
            };
            Ok(Recorded { name: e.name, file: PathBuf::from(e.file), result })
        })
        .collect()
}

/// The plan as is (`base`) and the recorded scenarios, checked: every
/// scenario named once and as when it was planned, and every plan
/// verified against `org` as its scenario changes it. `scenarios` are the
/// recorded files loaded again, in the same order; `files` their paths.
pub fn join<'a>(
    org: &Organisation,
    base: &Plan,
    scenarios: &'a [Scenario],
    files: &'a [PathBuf],
    recorded: Vec<Recorded>,
) -> Result<Vec<WhatIf<'a>>, String> {
    let mut names = std::collections::BTreeSet::new();
    if let Some(twice) = scenarios.iter().find(|s| !names.insert(s.name.as_str())) {
        return Err(format!("scenario `{}` is in more than one part", twice.name));
    }
    if let Some(v) = headroom_verify::verify(org, base).first() {
        return Err(format!("the plan as is fails verification: [{}] {}", v.rule, v.message));
    }
    let mut whatifs = Vec::new();
    for ((scenario, r), file) in scenarios.iter().zip(recorded).zip(files) {
        if scenario.name != r.name {
            return Err(format!(
                "{} names scenario `{}` now, `{}` when it was planned; plan it again",
                file.display(),
                scenario.name,
                r.name
            ));
        }
        if let Ok(plan) = &r.result {
            if let Some(v) = headroom_verify::verify(&scenario.apply(org), plan).first() {
                return Err(format!("the plan of scenario `{}` fails verification: [{}] {}", scenario.name, v.rule, v.message));
            }
        }
        whatifs.push(WhatIf { scenario, file, result: r.result });
    }
    Ok(whatifs)
}
