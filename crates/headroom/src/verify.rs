//! `headroom verify PLAN`: check a plan against the inputs, independently
//! of the solver.

use std::path::PathBuf;

use headroom_diag::render;

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

pub fn run(args: &VerifyArgs) -> Exit {
    let plan = match crate::read_plan(&args.plan) {
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
