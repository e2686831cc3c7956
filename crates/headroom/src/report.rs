//! `headroom report PLAN -o DIR`: the plan as a page for a planning
//! meeting, with every chart as SVG and PNG.

use std::path::PathBuf;

use crate::exit::Exit;
use crate::read_plan;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The plan: a plan.json file or the directory `plan` wrote.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Directory to write index.html and charts/ to (replaced whole).
    #[arg(short, long, default_value = "report", value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output even if it is a directory headroom did not write.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &ReportArgs) -> Exit {
    if let Err(why) = crate::output::check_dir(&args.output, &crate::output::Inputs::new([&args.plan]), args.force) {
        return crate::refused(&args.output, why);
    }
    let plan = match read_plan(&args.plan) {
        Ok(plan) => plan,
        Err(exit) => return exit,
    };
    let files = match headroom_report::render(&plan) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("internal error: {e}");
            return Exit::Internal;
        }
    };
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        return crate::output_failed(&args.output, e);
    }
    let charts = files.iter().filter(|(name, _)| name.ends_with(".svg")).count();
    println!("Wrote {}/index.html and {charts} charts (SVG and PNG) in {}/charts.", args.output.display(), args.output.display());
    if !plan.unmet.is_empty() {
        println!("The plan leaves demand unmet: the report shows it first.");
    }
    Exit::Success
}
