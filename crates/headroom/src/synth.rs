//! `headroom synth`: a synthetic organisation of any size, for benchmarks
//! and tests. Deterministic for a seed.

use std::path::PathBuf;

use crate::exit::Exit;

#[derive(clap::Args, Debug)]
pub struct SynthArgs {
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub services: usize,
    #[arg(long, default_value_t = 12, value_name = "M")]
    pub clusters: usize,
    #[arg(long, default_value_t = 3, value_name = "R")]
    pub regions: usize,
    /// Quarters to forecast, from 2027Q1.
    #[arg(long, default_value_t = 8, value_name = "T")]
    pub periods: usize,
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Demand × this: at 1 the existing fleet suffices; around 3 small
    /// organisations need orders (and larger ones may not fit their caps).
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub demand_scale: f64,
    /// Directory to write topology/, intents/ and data/ to (replaced whole).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output even if it is a directory headroom did not write.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &SynthArgs) -> Exit {
    let spec = headroom_synth::Spec { services: args.services, clusters: args.clusters, regions: args.regions, periods: args.periods, seed: args.seed, demand_scale: args.demand_scale };
    if let Err(why) = crate::output::check_dir(&args.output, &crate::output::Inputs::default(), args.force) {
        return crate::refused(&args.output, why);
    }
    let files = match headroom_synth::generate(&spec) {
        Ok(files) => files,
        Err(why) => {
            eprintln!("error: {why}");
            return Exit::Usage;
        }
    };
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        return crate::output_failed(&args.output, e);
    }
    println!(
        "Wrote {}: {} services, {} clusters in {} regions, {} quarters (seed {}).",
        args.output.display(),
        args.services,
        args.clusters,
        args.regions,
        args.periods,
        args.seed
    );
    Exit::Success
}
