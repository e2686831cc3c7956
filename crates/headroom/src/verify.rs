//! `headroom verify PLAN`: check a plan against the inputs, independently
//! of the solver.

use std::path::PathBuf;

use headroom_diag::render;
use headroom_plan::Plan;

use crate::exit::Exit;
use crate::{DiagFormat, Inputs};

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The plan: a plan.json file, or the directory `plan` wrote.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    #[command(flatten)]
    pub inputs: Inputs,
    /// The what-if scenario file the plan was made under (`plan
    /// --scenario`): the plan is checked against the inputs it changes.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// How to print input errors.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

/// Reads a plan file (or `plan.json` in a directory), or says why not.
pub fn read_plan(path: &std::path::Path) -> Result<Plan, String> {
    let file = if path.is_dir() { path.join("plan.json") } else { path.to_owned() };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        let reason = e.to_string();
        let reason = reason.split(" (os error").next().unwrap_or(&reason).to_owned();
        format!("cannot read {}: {reason}", file.display())
    })?;
    let plan = Plan::from_json(&text).map_err(|e| format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message))?;
    // Names reach markdown, HTML, file names and CI annotations: a plan
    // whose names headroom could not have written (an edited file) is
    // refused before any of them is rendered.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{FEFF}')) {
        if let Some((key, name, why)) = foreign_name(&value) {
            return Err(format!(
                "{}: `{key}` {:?} {why}: not a name headroom writes (was the plan edited?)",
                file.display(),
                name.chars().take(80).collect::<String>()
            ));
        }
    }
    Ok(plan)
}

/// The first value of a name field (service, cluster, region, ...) that
/// is not a valid name, anywhere in a plan's JSON. `(idle)` is the cost
/// of machines no team uses, in `cost.by_team`.
fn foreign_name(value: &serde_json::Value) -> Option<(String, String, String)> {
    const NAMES: [&str; 8] = ["service", "cluster", "region", "machine_type", "team", "via", "name", "scenario"];
    match value {
        serde_json::Value::Object(map) => map.iter().find_map(|(key, v)| match v {
            serde_json::Value::String(text) if key == "team" && text == "(idle)" => None,
            serde_json::Value::String(text) if NAMES.contains(&key.as_str()) => {
                headroom_model::Name::problem(text).map(|(why, _)| (key.clone(), text.clone(), why))
            }
            other => foreign_name(other),
        }),
        serde_json::Value::Array(items) => items.iter().find_map(foreign_name),
        _ => None,
    }
}

/// Reads a plan, or prints why not: the caller exits with the code.
pub fn read_plan_or_say(path: &std::path::Path) -> Result<Plan, Exit> {
    read_plan(path).map_err(|message| {
        eprintln!("error: {message}");
        Exit::InputError
    })
}

pub fn run(args: &VerifyArgs) -> Exit {
    let plan = match read_plan_or_say(&args.plan) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let mut loaded = args.inputs.load();
    let digest = loaded.inputs_digest();
    let scenario = match &args.scenario {
        None => Some(None),
        Some(path) => headroom_load::load_scenarios(&mut loaded, std::slice::from_ref(path)).map(|mut s| s.pop()),
    };
    let (Some(org), Some(scenario)) = (&loaded.org, scenario) else {
        print!("{}", render(&loaded.diagnostics.list, &loaded.sources, args.format.render()));
        eprintln!("error: the inputs have errors; the plan cannot be checked against them");
        return Exit::InputError;
    };
    if plan.inputs_digest != digest {
        eprintln!("warning: the plan was made from other inputs than these (inputs digest differs)");
    }
    match (&plan.scenario, &scenario) {
        (Some(made), None) => eprintln!(
            "warning: the plan was made under scenario `{made}`; pass its file with --scenario to check it against the inputs it changes"
        ),
        (Some(made), Some(s)) if *made != s.name => eprintln!("warning: the plan was made under scenario `{made}`, not `{}`", s.name),
        (None, Some(s)) => eprintln!("warning: the plan was made without a scenario; checking it against scenario `{}`", s.name),
        _ => {}
    }
    let changed = scenario.as_ref().map(|s| s.apply(org));
    let violations = headroom_verify::verify(changed.as_ref().unwrap_or(org), &plan);
    if violations.is_empty() {
        println!("ok: the plan meets every rule ({} orders, {} allocations checked)", plan.orders.len(), plan.allocations.len());
        return Exit::Success;
    }
    for v in &violations {
        println!("violation [{}]: {}", v.rule, v.message);
    }
    println!("error: {} violation{}", violations.len(), crate::plural(violations.len()));
    Exit::InputError
}
