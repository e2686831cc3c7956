//! `headroom merge-scenarios`: a fan-out's parts joined. Each CI job plans
//! some scenarios with `plan --scenario-only`; this reads the plan as is
//! and every part, checks that all were planned from the same inputs,
//! verifies each scenario plan again against the inputs its scenario
//! changes, and writes the directory one `plan --scenario ...` run would
//! write — the same bytes — with the same summary.

use std::path::PathBuf;

use headroom_plan::{Explanation, Plan};

use crate::exit::Exit;
use crate::plan::{scenario_files, scenario_summary, scenarios_json, summary, WhatIf};
use crate::Inputs;

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// The plan as is: the directory `headroom plan` wrote.
    #[arg(long, value_name = "DIR")]
    pub plan: PathBuf,
    /// Directories `plan --scenario-only` wrote, in the order the
    /// scenarios should be listed.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Where to write the plan with its scenarios (replaced whole).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output directory even if headroom did not write it.
    #[arg(long)]
    pub force: bool,
}

/// One scenario of a part, as its scenarios.json records it.
struct Recorded {
    name: String,
    file: PathBuf,
    result: Result<Plan, headroom_solve::Error>,
}

pub fn run(args: &MergeArgs) -> Exit {
    let mut loaded = args.inputs.load();
    if loaded.org.is_none() {
        print!("{}", headroom_diag::render(&loaded.diagnostics.list, &loaded.sources, headroom_diag::Format::Human { color: false }));
        eprintln!("error: the inputs have errors; nothing was merged");
        return Exit::InputError;
    }
    let digest = loaded.inputs_digest();
    let base = match crate::verify::read_plan_or_say(&args.plan) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    if base.inputs_digest != digest {
        eprintln!(
            "error: {} was planned from other inputs than those in {}; plan it again",
            args.plan.display(),
            args.inputs.root.display()
        );
        return Exit::InputError;
    }
    let mut recorded = Vec::new();
    for part in &args.parts {
        match read_part(part, &digest) {
            Ok(list) => recorded.extend(list),
            Err(message) => {
                eprintln!("error: {}: {message}", part.display());
                return Exit::InputError;
            }
        }
    }
    let files: Vec<PathBuf> = recorded.iter().map(|r| r.file.clone()).collect();
    let Some(scenarios) = headroom_load::load_scenarios(&mut loaded, &files) else {
        print!("{}", headroom_diag::render(&loaded.diagnostics.list, &loaded.sources, headroom_diag::Format::Human { color: false }));
        eprintln!("error: the scenario files have errors; nothing was merged");
        return Exit::InputError;
    };
    let Some(org) = &loaded.org else { return Exit::Internal };
    let mut names = std::collections::BTreeSet::new();
    for s in &scenarios {
        if !names.insert(s.name.as_str()) {
            eprintln!("error: scenario `{}` is in more than one part", s.name);
            return Exit::InputError;
        }
    }
    let outputs =
        args.inputs.read_by_run(&loaded, &args.parts.iter().chain([&args.plan]).chain(&files).map(PathBuf::as_path).collect::<Vec<_>>());
    if let Err(why) = crate::output::check_dir(&args.output, &outputs, args.force) {
        return crate::refused(&args.output, why);
    }
    // Every plan is checked again: the parts come from other machines.
    if let Some(v) = headroom_verify::verify(org, &base).first() {
        eprintln!("error: the plan as is fails verification: [{}] {}", v.rule, v.message);
        return Exit::InputError;
    }
    let mut whatifs = Vec::new();
    for ((scenario, r), file) in scenarios.iter().zip(recorded).zip(&files) {
        if scenario.name != r.name {
            eprintln!("error: {} names scenario `{}` now, `{}` when it was planned; plan it again", file.display(), scenario.name, r.name);
            return Exit::InputError;
        }
        if let Ok(plan) = &r.result {
            let violations = headroom_verify::verify(&scenario.apply(org), plan);
            if let Some(v) = violations.first() {
                eprintln!("error: the plan of scenario `{}` fails verification: [{}] {}", scenario.name, v.rule, v.message);
                return Exit::InputError;
            }
        }
        whatifs.push(WhatIf { scenario, file, result: r.result });
    }
    let mut out: Vec<(String, String)> = vec![("plan.json".into(), base.to_json())];
    out.extend(headroom_plan::csv_tables(&base).into_iter().map(|(name, text)| (name.to_owned(), text)));
    out.push(("scenarios.json".into(), scenarios_json(Some(&base), &whatifs, &digest)));
    out.extend(scenario_files(&whatifs));
    if let Err(e) = crate::output::write_dir(&args.output, &out) {
        return crate::output_failed(&args.output, e);
    }
    print!("{}", summary(&base, &args.output));
    print!("{}", scenario_summary(Some(&base), &whatifs, Some(&args.output)));
    // The exit code of the plan as is, as `plan` gives it.
    if base.unmet.is_empty() {
        Exit::Success
    } else {
        Exit::IntentsNotMet
    }
}

/// The scenarios one part recorded, in its order: each one's file and
/// outcome, with its plan read from the part.
fn read_part(part: &std::path::Path, digest: &str) -> Result<Vec<Recorded>, String> {
    let path = part.join("scenarios.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{} is not a scenarios.json: {e}", path.display()))?;
    if !doc["base"].is_null() || doc["inputs_digest"].as_str().is_none() {
        return Err("not a part written by `plan --scenario-only`".into());
    }
    if doc["inputs_digest"].as_str() != Some(digest) {
        return Err("planned from other inputs than these; plan it again".into());
    }
    let entries = doc["scenarios"].as_array().ok_or("scenarios.json lists no scenarios")?;
    let text_of =
        |v: &serde_json::Value, key: &str| v[key].as_str().map(str::to_owned).ok_or_else(|| format!("a scenario without `{key}`"));
    entries
        .iter()
        .map(|e| {
            let name = text_of(e, "name")?;
            let file = PathBuf::from(text_of(e, "file")?);
            let result = match e["status"].as_str() {
                Some("planned") => Ok(crate::verify::read_plan(&part.join("scenarios").join(&name))?),
                Some("intents_not_met") => {
                    let explanations = e["explanations"].as_array().map(Vec::as_slice).unwrap_or_default();
                    Err(headroom_solve::Error::IntentsNotMet(
                        explanations
                            .iter()
                            .map(|x| Explanation {
                                service: String::new(),
                                origin: None,
                                from: String::new(),
                                to: String::new(),
                                message: x["message"].as_str().unwrap_or_default().to_owned(),
                                fixes: x["fixes"]
                                    .as_array()
                                    .map(|f| f.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
                                    .unwrap_or_default(),
                            })
                            .collect(),
                    ))
                }
                Some("time_limit") => Err(headroom_solve::Error::TimeLimit),
                Some("solver_failed") => Err(headroom_solve::Error::Solver(e["message"].as_str().unwrap_or_default().to_owned())),
                other => return Err(format!("scenario `{name}` has an unknown status {other:?}")),
            };
            Ok(Recorded { name, file, result })
        })
        .collect()
}
