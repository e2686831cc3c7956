//! The planner: turns an [`Organisation`] into the least-cost [`Plan`]
//! that meets every intent, as `docs/plan-semantics.md` defines a plan, or
//! explains why none exists.
//!
//! This is the only crate that knows good_lp. The model (`model.rs`) is a
//! mixed-integer program: continuous capacity per service, demand origin,
//! cluster and period; whole-machine orders. Backends are chosen at run
//! time among those compiled in ([`Backend`]).

mod backend;
pub mod baseline;
#[cfg(feature = "highs")]
mod columns;
pub mod emit;
mod explain;
mod extract;
mod growth;
mod growth_bound;
// Used by the HiGHS backend only (microlp gives no duals off a vertex).
#[cfg(any(feature = "highs", test))]
mod lagrange;
mod model;
mod repair;
mod search;
mod shadow;
pub mod stats;

use headroom_model::Organisation;
use headroom_plan::{Explanation, Mode, Plan, SolverInfo};

use backend::Using;
pub use backend::{Backend, LpMethod};
use model::Build;
pub use stats::Recorder;

/// The default relative gap: machine counts within 0.5 % of the best
/// possible cost are well inside forecast error.
pub const DEFAULT_MIP_GAP: f64 = 0.005;

/// Branch and bound stops after this long by default, keeping the best
/// plan found.
pub const DEFAULT_TIME_LIMIT_SECONDS: f64 = 60.0;

/// How to plan.
#[derive(Clone, Debug)]
pub struct Options {
    /// Whether demand may be left unmet.
    pub mode: Mode,
    /// Which solver.
    pub backend: Backend,
    /// Relative gap to the best bound at which the search for whole-machine
    /// orders may stop (0: prove optimality).
    pub mip_gap: f64,
    /// The time limit for the whole plan, in seconds.
    pub time_limit_seconds: Option<f64>,
    /// A plan to stay close to ([`baseline::resolve`]).
    pub baseline: Option<baseline::Resolved>,
    /// Measure growth headroom (two linear programs per region).
    pub growth: bool,
    /// How linear programs are solved.
    pub lp: LpMethod,
    /// When planning must end, whatever it is doing (`--time-limit`
    /// bounds the whole run). Branch and bound stops there with the best
    /// plan found; with none, planning fails with [`Error::TimeLimit`].
    pub deadline: Option<std::time::Instant>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Strict,
            backend: Backend::default_backend(),
            mip_gap: DEFAULT_MIP_GAP,
            time_limit_seconds: Some(DEFAULT_TIME_LIMIT_SECONDS),
            baseline: None,
            growth: true,
            lp: LpMethod::Auto,
            deadline: None,
        }
    }
}

/// Why there is no plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Strict mode: no plan meets every intent. Each explanation says which
    /// intent and which limits.
    IntentsNotMet(Vec<Explanation>),
    /// `--time-limit` passed before any plan was found: not a bug, and not
    /// the inputs' fault; more time may find one.
    TimeLimit,
    /// The backend failed (a numerical failure); not the inputs' fault.
    Solver(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::IntentsNotMet(e) => write!(f, "{} intent(s) cannot be met", e.len()),
            Error::TimeLimit => write!(f, "the time limit passed before any plan was found"),
            Error::Solver(m) => write!(f, "the solver failed: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// How `options` ask for the model to be built.
fn build(options: &Options) -> Build {
    let mut build = Build { best_effort: options.mode == Mode::BestEffort, deadline: options.deadline, ..Build::default() };
    if let Some(baseline) = &options.baseline {
        build.in_flight = baseline.in_flight.clone();
        build.fixed_orders = baseline.frozen.clone();
        build.stability = Some(baseline.stability.clone());
    }
    build
}

/// The whole-machine model that planning `org` with `options` solves (the
/// one HiGHS gets directly; microlp first dives on its relaxation), as a
/// model file written to `out`.
pub fn write_model(org: &Organisation, options: &Options, format: emit::Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Written whole, however long it takes: a model file cut short by the
    // time limit would be a different model.
    let mut model = model::Model::new(org, Build { integer: true, deadline: None, ..build(options) });
    emit::write(&backend::prepare(&mut model), format, out)
}

/// Models with more variables than this take microlp minutes or fail
/// numerically (measured: see the README's benchmarks); HiGHS is then the
/// backend to use.
pub const MICROLP_PRACTICAL_VARIABLES: usize = 15_000;

/// About how many variables the model planning `org` with `options` has:
/// capacity per origin, eligible cluster and period, and orders (counted
/// without building the constraints, which grow with the horizon squared).
pub fn model_variables(org: &Organisation, options: &Options) -> usize {
    model::Model::skeleton(org, build(options)).capacity_and_orders()
}

/// Plans `org`. In strict mode, fails with explanations if the intents
/// cannot all be met; in best-effort mode, returns a plan whose `unmet`
/// and `explanations` say what is not served and why.
pub fn plan(org: &Organisation, inputs_digest: &str, options: &Options) -> Result<Plan, Error> {
    plan_recorded(org, inputs_digest, options, &Recorder::new())
}

/// Plans several organisations at once — the organisation as it is and
/// what-if scenarios of it — in parallel, each exactly as [`plan_recorded`]
/// would alone. Results are in the order of `jobs`: `(organisation,
/// inputs digest)`.
pub fn plan_each(jobs: &[(&Organisation, &str)], options: &Options, rec: &Recorder) -> Vec<Result<Plan, Error>> {
    use rayon::prelude::*;
    jobs.par_iter().map(|(org, digest)| plan_recorded(org, digest, options, rec)).collect()
}

/// As [`plan`], recording every model built and solved, and how long each
/// phase took, in `rec`.
pub fn plan_recorded(org: &Organisation, inputs_digest: &str, options: &Options, rec: &Recorder) -> Result<Plan, Error> {
    let using = Using { backend: options.backend, lp: options.lp, deadline: options.deadline, rec, keep_bases: options.growth };
    let best_effort = options.mode == Mode::BestEffort;
    let build = build(options);
    // Independent parts of the organisation are solved on their own, in
    // parallel. With a single part, as most organisations are, the model
    // is the whole organisation's.
    let start = std::time::Instant::now();
    let parts = org.parts();
    rec.phase("parts", start.elapsed().as_secs_f64());
    let searched = if parts.len() > 1 {
        search::by_parts(org, &build, options, using, &parts)
    } else {
        search::whole_machines(org, &build, options, using)
    };
    let search::Searched { found, relaxation } = match searched {
        Ok(searched) => searched,
        Err(backend::Failure::Impossible(limits)) => return Err(Error::IntentsNotMet(explain::impossible(&limits))),
        Err(backend::Failure::Infeasible) if !best_effort => return Err(Error::IntentsNotMet(explain::explain(org, using))),
        Err(backend::Failure::Infeasible) => return Err(Error::Solver("the best-effort model was infeasible".into())),
        Err(backend::Failure::TimeLimit) => return Err(Error::TimeLimit),
        Err(backend::Failure::Other(m)) => return Err(Error::Solver(m)),
        // Only solves whose answer is no longer needed are stopped.
        Err(backend::Failure::Stopped) => return Err(Error::Solver("internal: a solve was stopped that the plan needed".into())),
    };
    let info = SolverInfo {
        backend: options.backend.name().to_owned(),
        status: if found.gap <= 0.0 { "optimal".into() } else { "feasible".into() },
        mip_gap: extract::round6(found.gap),
        objective: extract::round2(found.objective),
        variables: found.variables,
        constraints: found.constraints,
        method: found.method.clone(),
    };
    let start = std::time::Instant::now();
    let mut plan = extract::extract(&found.model, &found.decisions, options.mode, info, inputs_digest);
    rec.phase("extract", start.elapsed().as_secs_f64());
    if !plan.unmet.is_empty() {
        plan.explanations = explain::explain(org, using);
    }
    // Shadow prices are what a limit is worth, not what staying close to
    // a baseline is: the change penalty stays out of them.
    let physical = Build { stability: None, ..build };
    plan.shadow_prices = match relaxation {
        Some((limits, duals)) => shadow::from_duals(org, &limits, &duals),
        None => shadow::prices(org, &physical, using),
    };
    if options.growth {
        // Measured beside the search where it could be (`search.rs`).
        let measured = if growth_bound::instead(&found.model, &found.bases) {
            let start = std::time::Instant::now();
            let bounded = growth_bound::bounded(org, &found.model, &found.decisions, best_effort);
            rec.phase("growth bounds", start.elapsed().as_secs_f64());
            if bounded.is_some() {
                plan.solver.method.push_str(growth_bound::METHOD);
            }
            bounded
        } else {
            match found.growth {
                Some(measured) => growth::table(org, measured),
                None => growth::growth(org, &physical, &found.model, &found.decisions, &found.bases, using),
            }
        };
        match measured {
            Some(growth) => plan.growth = growth,
            None => plan.solver.method.push_str("; growth headroom not measured: the time limit passed"),
        }
    }
    Ok(plan)
}
