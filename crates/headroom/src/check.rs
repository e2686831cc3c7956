//! `headroom check`: load and validate, print every diagnostic.

use headroom_diag::render;

use crate::exit::Exit;
use crate::{plural, DiagFormat, Inputs};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Also check this what-if scenario file (repeat for several).
    #[arg(long = "scenario", value_name = "FILE")]
    pub scenarios: Vec<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

pub fn run(args: &CheckArgs) -> Exit {
    let mut loaded = args.inputs.load();
    let scenarios = if args.scenarios.is_empty() { Some(Vec::new()) } else { headroom_load::load_scenarios(&mut loaded, &args.scenarios) };
    let list = &loaded.diagnostics.list;
    print!("{}", render(list, &loaded.sources, args.format.render()));
    if args.format == DiagFormat::Human {
        let errors = loaded.diagnostics.error_count();
        let warnings = list.len() - errors;
        match (&loaded.org, &scenarios) {
            (Some(org), Some(scenarios)) => {
                let periods = &org.forecast.periods;
                let span = match (periods.first(), periods.last()) {
                    (Some(a), Some(b)) => format!("{} {}s, {a} to {b}", periods.len(), a.granularity().name()),
                    _ => "no periods".to_owned(),
                };
                println!(
                    "ok: {} service{} of {} team{}, {} cluster{} in {} region{}, {} machine type{}; horizon {span}{}",
                    org.services.len(),
                    plural(org.services.len()),
                    org.teams.len(),
                    plural(org.teams.len()),
                    org.clusters.len(),
                    plural(org.clusters.len()),
                    org.regions.len(),
                    plural(org.regions.len()),
                    org.machine_types.len(),
                    plural(org.machine_types.len()),
                    if warnings > 0 { format!(" ({warnings} warning{})", plural(warnings)) } else { String::new() },
                );
                if !scenarios.is_empty() {
                    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
                    println!("ok: scenario{} {}", plural(names.len()), names.join(", "));
                }
            }
            _ => println!("error: {errors} error{}, {warnings} warning{}", plural(errors), plural(warnings)),
        }
    }
    if loaded.org.is_some() && scenarios.is_some() {
        Exit::Success
    } else {
        Exit::InputError
    }
}
