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
    /// `easy`: demand sized to the existing fleet (nothing to order at
    /// --demand-scale 1). `planted`: demand that outgrows the fleet, around
    /// a planted plan that meets every intent, written to
    /// DIR/planted/plan.json (its cost is an upper bound on the optimum).
    #[arg(long, value_enum, default_value_t)]
    pub family: FamilyArg,
    /// With --family planted: 0 leaves 50 % slack in power, space and
    /// deliveries over what the planted plan needs; 1 leaves none.
    #[arg(long, value_name = "T", default_value_t = 0.5, value_parser = tightness)]
    pub tightness: f64,
    /// Directory to write topology/, intents/ and data/ to (replaced whole).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output even if it is a directory headroom did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FamilyArg {
    #[default]
    Easy,
    Planted,
}

/// A number from 0 to 1, or a usage error.
fn tightness(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

pub fn run(args: &SynthArgs) -> Exit {
    let spec = headroom_synth::Spec {
        services: args.services,
        clusters: args.clusters,
        regions: args.regions,
        periods: args.periods,
        seed: args.seed,
        demand_scale: args.demand_scale,
    };
    let family = match args.family {
        FamilyArg::Easy => headroom_synth::Family::Easy,
        FamilyArg::Planted if args.demand_scale != 1.0 => {
            eprintln!("error: --demand-scale is for --family easy; the planted family's demand outgrows its fleet by construction");
            return Exit::Usage;
        }
        FamilyArg::Planted => headroom_synth::Family::Planted { tightness: args.tightness },
    };
    if let Err(why) = crate::output::check_dir(&args.output, &crate::output::Inputs::default(), args.force) {
        return crate::refused(&args.output, why);
    }
    let files = match headroom_synth::generate(&spec, family) {
        Ok(files) => files,
        Err(why) => {
            eprintln!("error: {why}");
            return Exit::Usage;
        }
    };
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        return crate::output_failed(&args.output, e);
    }
    let planted =
        files.iter().find(|(name, _)| name == "planted/plan.json").and_then(|(_, text)| headroom_plan::Plan::from_json(text).ok());
    println!(
        "Wrote {}: {} services, {} clusters in {} regions, {} quarters (seed {}).",
        args.output.display(),
        args.services,
        args.clusters,
        args.regions,
        args.periods,
        args.seed
    );
    if let Some(plan) = planted {
        let machines: u32 = plan.orders.iter().map(|o| o.count).sum();
        println!(
            "Planted plan: {machines} machines ordered, cost {}; written to {}/planted/plan.json. Replan exactly its orders with `plan --baseline {}/planted --freeze-through {}`.",
            headroom_plan::text::money(plan.cost.total),
            args.output.display(),
            args.output.display(),
            plan.periods.last().map_or("", String::as_str)
        );
    }
    Exit::Success
}
