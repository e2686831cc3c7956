//! `headroom check`: load and validate, print every diagnostic.

use headroom_diag::render;

use crate::exit::Exit;
use crate::{plural, DiagFormat, Inputs};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

pub fn run(args: &CheckArgs) -> Exit {
    let loaded = args.inputs.load();
    let list = &loaded.diagnostics.list;
    print!("{}", render(list, &loaded.sources, args.format.render()));
    if args.format == DiagFormat::Human {
        let errors = loaded.diagnostics.error_count();
        let warnings = list.len() - errors;
        match &loaded.org {
            Some(org) => {
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
            }
            None => println!("error: {errors} error{}, {warnings} warning{}", plural(errors), plural(warnings)),
        }
    }
    if loaded.org.is_some() {
        Exit::Success
    } else {
        Exit::InputError
    }
}
