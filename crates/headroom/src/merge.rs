//! `headroom merge-scenarios`: a fan-out's parts joined. Each CI job plans
//! some scenarios with `plan --scenario-only`; this reads the plan as is
//! and every part, checks that all were planned from the same inputs,
//! verifies each scenario plan again against the inputs its scenario
//! changes, and writes the directory one `plan --scenario ...` run would
//! write — the same bytes — with the same summary.

use std::path::PathBuf;

use headroom_run::{merge, text};

use crate::exit::Exit;
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

pub fn run(args: &MergeArgs) -> Exit {
    let mut loaded = args.inputs.load();
    if loaded.org.is_none() {
        print!("{}", headroom_diag::render(&loaded.diagnostics.list, &loaded.sources, headroom_diag::Format::Human { color: false }));
        eprintln!("error: the inputs have errors; nothing was merged");
        return Exit::InputError;
    }
    let digest = loaded.inputs_digest();
    let base = match crate::read_plan(&args.plan) {
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
        match merge::read_part(part, &digest) {
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
    let outputs =
        args.inputs.read_by_run(&loaded, &args.parts.iter().chain([&args.plan]).chain(&files).map(PathBuf::as_path).collect::<Vec<_>>());
    if let Err(why) = crate::output::check_dir(&args.output, &outputs, args.force) {
        return crate::refused(&args.output, why);
    }
    let whatifs = match merge::join(org, &base, &scenarios, &files, recorded) {
        Ok(whatifs) => whatifs,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::InputError;
        }
    };
    let out = headroom_run::plan::files(Some(&base), &whatifs, &digest, true);
    if let Err(e) = crate::output::write_dir(&args.output, &out) {
        return crate::output_failed(&args.output, e);
    }
    print!("{}", text::summary(&base, &args.output));
    print!("{}", text::scenario_summary(Some(&base), &whatifs, Some(&args.output)));
    // The exit code of the plan as is, as `plan` gives it.
    if base.unmet.is_empty() {
        Exit::Success
    } else {
        Exit::IntentsNotMet
    }
}
