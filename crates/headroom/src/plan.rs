//! `headroom plan`: solve, write the plan directory, print a summary.

use std::path::PathBuf;

use headroom_diag::render;
use headroom_plan::text::money;
use headroom_plan::{Mode, Plan};
use headroom_solve::{Backend, Options};

use crate::exit::Exit;
use crate::{DiagFormat, Inputs};

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Directory to write plan.json and the CSV tables to (replaced whole).
    #[arg(short, long, default_value = "plan", value_name = "DIR")]
    pub output: PathBuf,
    /// Fail if any intent cannot be met (the default).
    #[arg(long, conflicts_with = "best_effort")]
    pub strict: bool,
    /// Allow unmet demand at a penalty weighted by priority; exit 3 if any.
    #[arg(long)]
    pub best_effort: bool,
    /// Solver backend, among those compiled in.
    #[arg(long, value_name = "NAME", value_parser = backend_names())]
    pub solver: Option<String>,
    /// Accept whole-machine orders within this relative gap of the best
    /// bound on cost (0: prove optimality, which can take long).
    #[arg(long, default_value_t = headroom_solve::DEFAULT_MIP_GAP, value_name = "GAP", value_parser = non_negative)]
    pub mip_gap: f64,
    /// Stop branch and bound after this many seconds, keeping the best plan
    /// found and saying how far from optimal it may be.
    #[arg(long, default_value_t = headroom_solve::DEFAULT_TIME_LIMIT_SECONDS, value_name = "SECONDS", value_parser = non_negative)]
    pub time_limit: f64,
    /// A plan to stay close to (a plan.json file or a plan directory): its
    /// orders placed before this plan's first period are fixed, and every
    /// other change to orders or placements costs a small penalty.
    #[arg(long, value_name = "PLAN")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: a machine ordered differently from the baseline
    /// costs this share of its capital cost; a machine's worth of capacity
    /// placed differently for one period, this share over the periods.
    #[arg(long, default_value_t = headroom_solve::baseline::DEFAULT_CHANGE_PENALTY, value_name = "SHARE", value_parser = non_negative, requires = "baseline")]
    pub change_penalty: f64,
    /// With --baseline: the baseline's orders placed in or before this
    /// period are done (placed with vendors, or decided against) and are
    /// kept as they are; later periods' orders may change.
    #[arg(long, value_name = "PERIOD", requires = "baseline")]
    pub freeze_through: Option<String>,
    /// How to print input errors.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

/// A finite number ≥ 0, or a usage error.
pub fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a number ≥ 0")),
    }
}

fn backend_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Backend::available().into_iter().map(|b| b.name()))
}

pub fn run(args: &PlanArgs) -> Exit {
    let loaded = args.inputs.load();
    if loaded.org.is_none() || !loaded.diagnostics.list.is_empty() {
        print!("{}", render(&loaded.diagnostics.list, &loaded.sources, args.format.render()));
    }
    let Some(org) = &loaded.org else {
        eprintln!("error: the inputs have errors; nothing was planned");
        return Exit::InputError;
    };
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            let resolved = crate::verify::read_plan(path).and_then(|plan| headroom_solve::baseline::resolve(org, &plan, args.change_penalty, args.freeze_through.as_deref()).map_err(|e| format!("{}: {e}", path.display())));
            match resolved {
                Ok(resolved) => {
                    for note in &resolved.notes {
                        eprintln!("warning: {note}");
                    }
                    Some(resolved)
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    return Exit::InputError;
                }
            }
        }
    };
    let backend = args.solver.as_deref().and_then(Backend::from_name).unwrap_or_else(Backend::default_backend);
    let options = Options {
        mode: if args.best_effort { Mode::BestEffort } else { Mode::Strict },
        backend,
        mip_gap: args.mip_gap,
        time_limit_seconds: Some(args.time_limit),
        baseline,
    };
    let plan = match headroom_solve::plan(org, &loaded.inputs_digest(), &options) {
        Ok(plan) => plan,
        Err(headroom_solve::Error::IntentsNotMet(explanations)) => {
            eprintln!("error: the intents cannot all be met; no plan was written");
            for e in &explanations {
                eprintln!("  - {}", e.message);
                for fix in &e.fixes {
                    eprintln!("      fix: {fix}");
                }
            }
            eprintln!("Run with --best-effort to plan what can be met.");
            return Exit::IntentsNotMet;
        }
        Err(headroom_solve::Error::Solver(message)) => {
            eprintln!("error: the solver failed: {message}");
            return Exit::Internal;
        }
    };
    // The solver's plan must pass the independent check before anyone
    // orders hardware from it: a plan that does not is a bug.
    let violations = headroom_verify::verify(org, &plan);
    if !violations.is_empty() {
        eprintln!("internal error: the solver's plan fails verification; nothing was written:");
        for v in &violations {
            eprintln!("  [{}] {}", v.rule, v.message);
        }
        return Exit::Internal;
    }
    let mut files = vec![("plan.json", plan.to_json())];
    files.extend(headroom_plan::csv_tables(&plan));
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        eprintln!("error: cannot write {}: {e}", args.output.display());
        return Exit::InputError;
    }
    print!("{}", summary(&plan, &args.output));
    if plan.unmet.is_empty() {
        Exit::Success
    } else {
        Exit::IntentsNotMet
    }
}

fn summary(plan: &Plan, dir: &std::path::Path) -> String {
    let machines: u32 = plan.orders.iter().map(|o| o.count).sum();
    let mut clusters: Vec<&str> = plan.orders.iter().map(|o| o.cluster.as_str()).collect();
    clusters.sort();
    clusters.dedup();
    let mut out = format!(
        "Plan: order {machines} machines in {} cluster{} over {} periods ({} to {}); cost {} (capital {}, running {}).\n",
        clusters.len(),
        crate::plural(clusters.len()),
        plan.periods.len(),
        plan.periods.first().map_or("-", String::as_str),
        plan.periods.last().map_or("-", String::as_str),
        money(plan.cost.total),
        money(plan.cost.capital),
        money(plan.cost.running),
    );
    out.push_str(&format!(
        "Solver: {}, {}{}; {} variables, {} constraints.\n",
        plan.solver.backend,
        plan.solver.status,
        if plan.solver.mip_gap > 0.0 { format!(" (gap {:.4} %)", plan.solver.mip_gap * 100.0) } else { String::new() },
        plan.solver.variables,
        plan.solver.constraints
    ));
    for o in &plan.in_flight {
        out.push_str(&format!("  = {:>4} × {:<12} in {:<8} in flight (placed {}), serving from {}\n", o.count, o.machine_type, o.cluster, o.placed, o.arrives));
    }
    for o in &plan.orders {
        out.push_str(&format!("  + {:>4} × {:<12} in {:<8} placed {}, serving from {}\n", o.count, o.machine_type, o.cluster, o.placed, o.arrives));
    }
    if !plan.unmet.is_empty() {
        out.push_str(&format!("Unmet demand in {} service-period(s):\n", plan.unmet.len()));
        for u in &plan.unmet {
            out.push_str(&format!("  ! {} ({}) in {}: {} of {} unmet\n", u.service, u.origin, u.period, u.unmet, u.demand));
        }
        for e in &plan.explanations {
            out.push_str(&format!("  why: {}\n", e.message));
        }
    }
    out.push_str(&format!("Wrote {}/plan.json and CSV tables.\n", dir.display()));
    out
}
