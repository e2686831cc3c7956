//! The solver backends behind one interface. Only this crate knows good_lp.

use std::collections::HashMap;

use good_lp::{IntoAffineExpression, Solution, SolutionStatus, SolverModel, Variable, WithMipGap, WithTimeLimit};

use std::time::Instant;

use crate::model::Model;
use crate::stats::{Recorder, SolveRecord};

/// A solver compiled into this build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// microlp: pure Rust, always available; branch and bound for whole
    /// machines.
    Microlp,
    /// HiGHS (cargo feature `highs`): much faster on large models.
    #[cfg(feature = "highs")]
    Highs,
}

impl Backend {
    /// The backends compiled in, the default first.
    pub fn available() -> Vec<Backend> {
        vec![
            #[cfg(feature = "highs")]
            Backend::Highs,
            Backend::Microlp,
        ]
    }

    /// The preferred backend among those compiled in (HiGHS if present).
    pub fn default_backend() -> Backend {
        Backend::available()[0]
    }

    /// Its name, as `--solver` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            #[cfg(feature = "highs")]
            Backend::Highs => "highs",
        }
    }

    /// Whether the backend's branch and bound is strong enough to run
    /// directly on the whole model (otherwise a dive finds whole machines
    /// first).
    pub fn strong_mip(self) -> bool {
        self.has_duals()
    }

    /// Whether the backend gives dual values (for shadow prices).
    pub fn has_duals(self) -> bool {
        match self {
            Backend::Microlp => false,
            #[cfg(feature = "highs")]
            Backend::Highs => true,
        }
    }

    /// The backend of this name, if compiled in.
    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::available().into_iter().find(|b| b.name() == name)
    }
}

/// A backend, and where to record what solving cost.
#[derive(Clone, Copy, Debug)]
pub struct Using<'r> {
    pub backend: Backend,
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub lp: LpMethod,
    /// When the whole run must end (`--time-limit`): every solve gets the
    /// time left, and none starts after it.
    pub deadline: Option<Instant>,
    pub rec: &'r Recorder,
}

/// Beyond this many variables `LpMethod::Auto` solves linear programs
/// with PDLP, HiGHS's first-order method. Measured on bench/scale: the
/// planted medium organisation's relaxation (348,003 variables) took
/// 364 s by interior point and did not finish in 900 s by dual simplex;
/// PDLP solved it in 133–147 s. The example (2,730 variables) and the
/// planted small one (12,123) are faster with simplex.
pub const AUTO_IPM_VARIABLES: usize = 100_000;

/// Beyond this many variables (and up to [`AUTO_IPM_VARIABLES`])
/// `LpMethod::Auto` solves linear programs by interior point with
/// crossover: a vertex, as simplex gives, in far less time on these
/// models. Measured on one period of the planted medium organisation
/// (43,957 variables, orders fixed): 4.5–5.1 s against 40–55 s by dual
/// simplex. Every test model and the planted small one stay below it.
pub const AUTO_CROSSOVER_VARIABLES: usize = 20_000;

/// How linear programs are solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LpMethod {
    /// By size (HiGHS): simplex up to `AUTO_CROSSOVER_VARIABLES`
    /// variables, interior point with crossover up to
    /// `AUTO_IPM_VARIABLES`, PDLP beyond.
    #[default]
    Auto,
    /// One simplex solve of the whole model.
    Simplex,
    /// Column generation whatever the size (HiGHS; others ignore it).
    Columns,
    /// HiGHS's interior point method, without crossover (others ignore
    /// it): far faster than simplex on large models that need orders.
    Ipm,
    /// HiGHS's interior point method with crossover to a vertex (others
    /// ignore it): `auto` on mid-sized models.
    IpmCrossover,
    /// As `Auto`, but always a vertex: simplex, or interior point with
    /// crossover beyond `AUTO_CROSSOVER_VARIABLES` (for placements,
    /// which must hold exactly). Not offered on the command line.
    Vertex,
    /// A first-order method, PDLP (HiGHS; others ignore it): HiGHS's own
    /// (`hipdlp`) for at most 100,000 iterations, then cuPDLP-C. The
    /// fastest on the largest models; like `Ipm`, not a vertex, and its
    /// bound is the lower of its primal and dual objectives at HiGHS's
    /// tolerances.
    Pdlp,
}

impl LpMethod {
    /// Its name, as `--lp` takes it.
    pub fn name(self) -> &'static str {
        match self {
            LpMethod::Auto => "auto",
            LpMethod::Simplex => "simplex",
            LpMethod::Columns => "columns",
            LpMethod::Ipm => "ipm",
            LpMethod::IpmCrossover => "ipm-crossover",
            LpMethod::Pdlp => "pdlp",
            LpMethod::Vertex => "vertex",
        }
    }

    /// The method of this name, among those `--lp` offers.
    pub fn from_name(name: &str) -> Option<LpMethod> {
        [LpMethod::Auto, LpMethod::Simplex, LpMethod::Columns, LpMethod::Ipm, LpMethod::IpmCrossover, LpMethod::Pdlp]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// What a backend returns.
pub struct Solved {
    pub values: HashMap<Variable, f64>,
    /// Proven optimal; otherwise the best solution found within the gap
    /// or time limit.
    pub optimal: bool,
    /// Relative gap between the solution and the solver's best bound, when
    /// the solver reports it (infinite when it does not).
    pub mip_gap: f64,
    /// The solver's proven lower bound on the objective (in the model's
    /// units), when it reports one.
    pub bound: Option<f64>,
    /// Dual value of each constraint, where the backend gives them.
    pub duals: Option<Vec<f64>>,
    /// How it was solved (see [`SolveRecord::method`]).
    pub method: String,
    /// The solution is a vertex (simplex), not an interior point.
    pub vertex: bool,
}

/// Why a solve gave no solution.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Infeasible,
    /// Limits the existing fleet already breaks, found while building.
    Impossible(Vec<String>),
    /// The time limit passed before any solution was found.
    TimeLimit,
    /// Anything else the backend reports (unbounded, an internal error).
    Other(String),
}

#[derive(Clone)]
pub struct Settings {
    /// Why the model is solved (for the record, see [`crate::stats`]).
    pub purpose: &'static str,
    /// Stop once the solution is within this relative gap of the bound.
    pub mip_gap: f64,
    pub time_limit_seconds: Option<f64>,
    /// Whether to ask for dual values (an LP only; backends without them
    /// ignore it).
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub duals: bool,
}

impl Settings {
    /// A linear program solved to optimality.
    pub fn lp(purpose: &'static str) -> Settings {
        Settings { purpose, mip_gap: 0.0, time_limit_seconds: None, duals: false }
    }
}

/// The problem exactly as a backend gets it: good_lp's variables,
/// objective and constraints.
pub struct Prepared {
    pub vars: good_lp::ProblemVariables,
    pub objective: good_lp::Expression,
    pub constraints: Vec<good_lp::Constraint>,
}

/// Takes the model's variables and constraints; the rest of the model
/// stays to read the solution against.
pub fn prepare(model: &mut Model) -> Prepared {
    let mut objective = model.objective();
    let constraints = std::mem::take(&mut model.constraints);
    let mut vars = std::mem::replace(&mut model.vars, good_lp::ProblemVariables::new());
    // good_lp drops an objective's constant, so solvers would measure
    // their gap against the variable part alone (HiGHS then never reaches
    // a gap stated against the whole cost): carry it on a variable fixed
    // at 1.
    let constant = good_lp::IntoAffineExpression::constant(&objective);
    if constant != 0.0 {
        let one = vars.add(good_lp::variable().min(1).max(1).name("objective_constant"));
        objective = objective - constant + constant * one;
    }
    Prepared { vars, objective, constraints }
}

/// The record of a prepared model about to be solved: its size, and how
/// long building it took; the times of the solve are filled in as it goes.
fn record_of(prepared: &Prepared, purpose: &'static str, build_seconds: f64) -> SolveRecord {
    SolveRecord {
        purpose,
        integer: prepared.vars.iter_variables_with_def().any(|(_, d)| d.is_integer()),
        variables: prepared.vars.len(),
        constraints: prepared.constraints.len(),
        nonzeros: prepared.constraints.iter().map(|c| c.expression().linear_coefficients().count()).sum(),
        build_seconds,
        handoff_seconds: 0.0,
        solve_seconds: 0.0,
        read_seconds: 0.0,
        method: String::new(),
    }
}

/// Solves the model. Its variables and constraints are handed to the
/// backend; the rest of the model stays to read the solution against.
pub fn solve(model: &mut Model, using: Using, settings: &Settings) -> Result<Solved, Failure> {
    solve_from(model, using, settings, None)
}

/// As [`solve`], starting from known values of some variables (a feasible
/// plan makes branch and bound prune from the start).
pub fn solve_from(model: &mut Model, using: Using, settings: &Settings, warm: Option<Vec<(Variable, f64)>>) -> Result<Solved, Failure> {
    let start = Instant::now();
    if model.out_of_time {
        return Err(Failure::TimeLimit);
    }
    let mut settings = settings.clone();
    if let Some(deadline) = using.deadline {
        let left = deadline.saturating_duration_since(start).as_secs_f64();
        if left <= 0.0 {
            return Err(Failure::TimeLimit);
        }
        settings.time_limit_seconds = Some(settings.time_limit_seconds.map_or(left, |limit| limit.min(left)));
    }
    let settings = &settings;
    let prepared = prepare(model);
    let mut record = record_of(&prepared, settings.purpose, model.build_seconds);
    let lp = match using.lp {
        LpMethod::Auto if record.variables > AUTO_IPM_VARIABLES => LpMethod::Pdlp,
        LpMethod::Auto | LpMethod::Vertex if record.variables > AUTO_CROSSOVER_VARIABLES => LpMethod::IpmCrossover,
        LpMethod::Auto | LpMethod::Vertex => LpMethod::Simplex,
        other => other,
    };
    let using = Using { lp, ..using };
    record.method = if record.integer { "branch and bound" } else { "simplex" }.to_owned();
    // Large linear programs: column generation, exact, on HiGHS.
    #[cfg(feature = "highs")]
    if using.backend == Backend::Highs && !record.integer && crate::columns::wanted(using.lp) {
        match crate::columns::solve(&prepared, model, settings, start, &mut record) {
            Ok(Some((solved, generated))) => {
                record.method = format!(
                    "column generation: {} rounds, {} of {} capacity columns",
                    generated.rounds, generated.active, generated.candidates
                );
                using.rec.solve(record);
                return Ok(Solved { method: "column generation".to_owned(), ..solved });
            }
            Ok(None) => record.method = "simplex (column generation did not settle)".to_owned(),
            Err(e) => {
                using.rec.solve(record);
                return Err(e);
            }
        }
    }
    if !record.integer && using.backend != Backend::Microlp {
        match using.lp {
            LpMethod::Ipm => record.method = "interior point".to_owned(),
            LpMethod::IpmCrossover => record.method = "interior point with crossover".to_owned(),
            LpMethod::Pdlp => record.method = "PDLP".to_owned(),
            _ => {}
        }
    }
    let all = &model.all;
    let result = solve_prepared(prepared, all, using, settings, warm, start, &mut record)
        .map(|solved| Solved { method: record.method.clone(), ..solved });
    // Without crossover, HiGHS's interior point method can stop short of a
    // status (on degenerate models, where simplex is quick): simplex then.
    // So can PDLP (its iteration limit).
    if matches!(using.lp, LpMethod::Ipm | LpMethod::IpmCrossover | LpMethod::Pdlp)
        && !record.integer
        && matches!(result, Err(Failure::Other(_)))
    {
        using.rec.solve(record);
        let simplex = Using { lp: LpMethod::Simplex, ..using };
        let mut again = Model::new(model.org, model.build.clone());
        return solve_from(&mut again, simplex, settings, None).map(|solved| Solved {
            method: format!("simplex ({} did not finish)", if lp == LpMethod::Pdlp { "PDLP" } else { "interior point" }),
            ..solved
        });
    }
    using.rec.solve(record);
    result
}

/// What [`solve_holding`] does after each solve, given its values: hold
/// these variables at these values and solve again (`Some`, not empty),
/// take the values (`Some`, empty), or give up (`None`).
pub type Hold<'a> = dyn FnMut(&HashMap<Variable, f64>) -> Option<Vec<(Variable, f64)>> + 'a;

/// Solves the linear program `model` (`LpMethod::Vertex`: a vertex), then,
/// while `hold` asks, holds variables at values and solves again. The
/// model stays with the solver and each next solve is dual simplex from
/// the last basis: only bounds changed, so the last optimum stays dual
/// feasible. HiGHS only (the searches that use it start from HiGHS's
/// relaxations); other backends are refused. `Ok(None)`: `hold` gave up.
pub fn solve_holding(
    model: &mut Model,
    using: Using,
    settings: &Settings,
    hold: &mut Hold,
) -> Result<Option<HashMap<Variable, f64>>, Failure> {
    #[cfg(feature = "highs")]
    if using.backend == Backend::Highs {
        let start = Instant::now();
        if model.out_of_time || using.deadline.is_some_and(|d| start >= d) {
            return Err(Failure::TimeLimit);
        }
        let prepared = prepare(model);
        let record = record_of(&prepared, settings.purpose, model.build_seconds);
        return with_highs::solve_holding(prepared, &model.all, using, start, record, hold);
    }
    let _ = (model, settings, hold);
    Err(Failure::Other(format!("{} does not keep a model between solves", using.backend.name())))
}

/// Whether the backend keeps a model between solves, so that [`sweep`]
/// can warm-start each from the last.
pub fn warm_starts(backend: Backend) -> bool {
    match backend {
        Backend::Microlp => false,
        #[cfg(feature = "highs")]
        Backend::Highs => true,
    }
}

/// Maximises each of `columns` in turn — variables whose cost is −1, each
/// bounded by `0..=upper` — while the others are held at 0, and returns
/// each one's optimum (`None` where the backend failed on that one).
/// The backend gets the model once: the first is solved by a vertex
/// method (simplex, or interior point with crossover on large models),
/// each next one by primal simplex from the last one's basis, since consecutive
/// models differ only in two columns' bounds. `Err(TimeLimit)` if the
/// time limit passed before all were solved; only for a backend that
/// [`warm_starts`].
#[cfg_attr(not(feature = "highs"), allow(unused_variables))]
pub fn sweep(
    model: &mut Model,
    using: Using,
    purpose: &'static str,
    columns: &[Variable],
    upper: f64,
) -> Result<Vec<Option<f64>>, Failure> {
    #[cfg(feature = "highs")]
    if using.backend == Backend::Highs {
        let start = Instant::now();
        if model.out_of_time || using.deadline.is_some_and(|d| start >= d) {
            return Err(Failure::TimeLimit);
        }
        let index: HashMap<Variable, usize> = model.all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let columns: Vec<usize> = columns.iter().filter_map(|v| index.get(v).copied()).collect();
        let prepared = prepare(model);
        let record = record_of(&prepared, purpose, model.build_seconds);
        let Prepared { vars, objective, constraints } = prepared;
        return with_highs::sweep(vars.minimise(objective), constraints, &columns, upper, using, start, record);
    }
    Err(Failure::Other(format!("{} does not keep a model between solves", using.backend.name())))
}

#[allow(clippy::too_many_arguments)]
fn solve_prepared(
    prepared: Prepared,
    all: &[Variable],
    using: Using,
    settings: &Settings,
    warm: Option<Vec<(Variable, f64)>>,
    start: Instant,
    record: &mut SolveRecord,
) -> Result<Solved, Failure> {
    let failure = |e: good_lp::ResolutionError| match e {
        good_lp::ResolutionError::Infeasible => Failure::Infeasible,
        // microlp's word for a time limit hit before any solution.
        good_lp::ResolutionError::Other(m) if m.starts_with("Time limit reached") => Failure::TimeLimit,
        other => Failure::Other(other.to_string()),
    };
    let Prepared { vars, objective, constraints } = prepared;
    #[cfg(feature = "highs")]
    let bounds = (using.backend == Backend::Highs && matches!(using.lp, LpMethod::Pdlp | LpMethod::Ipm))
        .then(|| with_highs::Bounds::of(&vars, &constraints));
    let problem = vars.minimise(objective);
    match using.backend {
        Backend::Microlp => {
            let mut p = problem.using(good_lp::microlp).with_mip_gap(settings.mip_gap as f32).map_err(|e| Failure::Other(e.to_string()))?;
            if let Some(limit) = settings.time_limit_seconds {
                p = p.with_time_limit(limit);
            }
            if let Some(warm) = warm {
                p = good_lp::WithInitialSolution::with_initial_solution(p, warm);
            }
            for c in constraints {
                p.add_constraint(c);
            }
            let solving = record.handoff(start);
            let solution = p.solve().map_err(failure);
            let reading = record.solved(solving);
            let solution = solution?;
            let values = all.iter().map(|&v| (v, solution.value(v))).collect();
            let status = solution.status();
            let gap = solution.into_inner().gap().unwrap_or(0.0);
            record.read(reading);
            Ok(Solved {
                values,
                optimal: matches!(status, SolutionStatus::Optimal),
                mip_gap: gap.max(0.0),
                bound: None,
                duals: None,
                method: String::new(),
                vertex: true,
            })
        }
        #[cfg(feature = "highs")]
        Backend::Highs => with_highs::solve(problem, constraints, bounds, all, using.lp, settings, warm, start, record),
    }
}

/// HiGHS, driven through its own API once good_lp has built the problem:
/// good_lp's `solve` hides the solver's proven bound, which the plan's
/// gap needs.
#[cfg(feature = "highs")]
mod with_highs {
    use std::collections::HashMap;
    use std::time::Instant;

    use good_lp::{SolverModel, Variable};
    use highs::HighsModelStatus;

    use super::{Failure, Settings, Solved};
    use crate::stats::SolveRecord;

    /// Row and column bounds of a problem as HiGHS gets it, to compute the
    /// dual objective of a solution that is not a vertex.
    pub struct Bounds {
        /// Each row is `linear part ≤ upper` (or `=` when `equality`).
        rows: Vec<(f64, bool)>,
        columns: Vec<(f64, f64)>,
    }

    impl Bounds {
        pub fn of(vars: &good_lp::ProblemVariables, constraints: &[good_lp::Constraint]) -> Bounds {
            use good_lp::IntoAffineExpression;
            let rows = constraints.iter().map(|c| (-c.expression().constant(), c.is_equality())).collect();
            let columns = vars.iter_variables_with_def().map(|(_, d)| (d.get_min(), d.get_max())).collect();
            Bounds { rows, columns }
        }

        /// The dual objective of row duals `y` and reduced costs `r` (HiGHS's
        /// signs for a minimisation), at row activities `activity`: a lower
        /// bound on the optimum when they are dual feasible. Terms that
        /// would need an infinite bound (a dual of the wrong sign, within
        /// the solver's dual feasibility tolerance) count 0, as PDLP itself
        /// counts them. good_lp hands a `≥` row to HiGHS negated, with
        /// lower bound `−upper`; which way a row went is read from its
        /// activity, which sits at the bound its dual prices.
        pub fn dual_objective(&self, y: &[f64], r: &[f64], activity: &[f64]) -> f64 {
            let rows: f64 = self
                .rows
                .iter()
                .zip(y)
                .zip(activity)
                .map(|((&(upper, equality), &y), &a)| {
                    let negated = (a + upper).abs() < (a - upper).abs();
                    match (equality, negated) {
                        (true, _) => y * upper,
                        (false, false) if y < 0.0 => y * upper,
                        (false, true) if y > 0.0 => -y * upper,
                        _ => 0.0,
                    }
                })
                .sum();
            let columns: f64 = self
                .columns
                .iter()
                .zip(r)
                .map(|(&(lower, upper), &r)| {
                    let at = if r > 0.0 { lower } else { upper };
                    if at.is_finite() {
                        r * at
                    } else {
                        0.0
                    }
                })
                .sum();
            rows + columns
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn solve(
        problem: good_lp::variable::UnsolvedProblem,
        constraints: Vec<good_lp::Constraint>,
        bounds: Option<Bounds>,
        all: &[Variable],
        lp: super::LpMethod,
        settings: &Settings,
        warm: Option<Vec<(Variable, f64)>>,
        start: Instant,
        record: &mut SolveRecord,
    ) -> Result<Solved, Failure> {
        let mut model = hand_off(problem, constraints)?;
        option(&mut model, "mip_rel_gap", settings.mip_gap)?;
        // For linear programs solved by simplex presolve costs more than it
        // saves (medium's relaxation 14.5 s → 12.5 s without); branch and
        // bound needs it, and so do the interior point and PDLP on the
        // models they get.
        if !record.integer {
            match lp {
                super::LpMethod::Ipm => {
                    option(&mut model, "presolve", "off")?;
                    option(&mut model, "solver", "ipm")?;
                    option(&mut model, "run_crossover", "off")?;
                }
                super::LpMethod::IpmCrossover => {
                    option(&mut model, "solver", "ipm")?;
                    option(&mut model, "run_crossover", "on")?;
                }
                super::LpMethod::Pdlp => {
                    // HiGHS's own PDLP first: 79 s on the planted medium
                    // relaxation (22,000 iterations) against 136-143 s
                    // for cuPDLP-C. It ran 332 million iterations without
                    // stopping on one 7-variable test model, so it gets an
                    // iteration limit, and cuPDLP-C the model after it.
                    option(&mut model, "solver", "hipdlp")?;
                    option(&mut model, "pdlp_iteration_limit", HIPDLP_ITERATIONS)?;
                }
                _ => option(&mut model, "presolve", "off")?,
            }
        }
        if let Some(limit) = settings.time_limit_seconds {
            option(&mut model, "time_limit", limit)?;
        }
        // good_lp makes variable i column i; `all` lists the model's
        // variables in the order they were made (model.rs).
        if let Some(warm) = warm {
            let column: HashMap<Variable, usize> = all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
            let mut columns = vec![0.0; model.num_cols()];
            for (v, x) in warm {
                if let Some(c) = column.get(&v).and_then(|&i| columns.get_mut(i)) {
                    *c = x;
                }
            }
            model
                .try_set_solution(Some(&columns), None, None, None)
                .map_err(|e| Failure::Other(format!("HiGHS refused the starting solution: {e:?}")))?;
        }
        let solving = record.handoff(start);
        let mut solved = model.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")));
        // hipdlp stopped at its iteration limit: cuPDLP-C, in the time left.
        let stopped = matches!(&solved, Ok(s) if s.status() == HighsModelStatus::ReachedIterationLimit);
        if lp == super::LpMethod::Pdlp && !record.integer && stopped {
            let left = settings.time_limit_seconds.map(|limit| limit - solving.elapsed().as_secs_f64());
            solved = solved.and_then(|s| cupdlp(s.into(), left));
        }
        let reading = record.solved(solving);
        let solved = solved?;
        let timed_out = match solved.status() {
            HighsModelStatus::Optimal | HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => false,
            HighsModelStatus::ReachedTimeLimit
            | HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedInterrupt
            | HighsModelStatus::ReachedMemoryLimit => true,
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => return Err(Failure::Infeasible),
            other => return Err(Failure::Other(format!("HiGHS ended with status {other:?}"))),
        };
        if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
            return Err(if timed_out { Failure::TimeLimit } else { Failure::Other("HiGHS found no solution".into()) });
        }
        let solution = solved.get_solution();
        let columns = solution.columns();
        if columns.len() < all.len() {
            return Err(Failure::Other(format!("internal: HiGHS returned {} columns for {} variables", columns.len(), all.len())));
        }
        let values: HashMap<Variable, f64> = all.iter().zip(columns).map(|(&v, &x)| (v, x)).collect();
        let duals = settings.duals.then(|| solution.dual_rows().to_vec());
        // For a MIP, HiGHS's own gap and proven bound; an LP solved to
        // optimality is its own bound, or, if not at a vertex, its dual
        // objective.
        let (mip_gap, bound) = if record.integer {
            let gap = solved.mip_gap();
            let bound = solved.double_info_value(c"mip_dual_bound").ok().filter(|b| b.is_finite());
            (if gap.is_finite() { gap.max(0.0) } else { f64::INFINITY }, bound)
        } else {
            let dual =
                bounds.filter(|_| !timed_out).map(|b| b.dual_objective(solution.dual_rows(), solution.dual_columns(), solution.rows()));
            (if timed_out { f64::INFINITY } else { 0.0 }, dual)
        };
        let optimal = !timed_out && mip_gap == 0.0;
        record.read(reading);
        let vertex = record.integer || !matches!(lp, super::LpMethod::Ipm | super::LpMethod::Pdlp);
        Ok(Solved { values, optimal, mip_gap, bound, duals, method: String::new(), vertex })
    }

    /// The problem handed to HiGHS, with the options every solve here
    /// shares.
    fn hand_off(problem: good_lp::variable::UnsolvedProblem, constraints: Vec<good_lp::Constraint>) -> Result<highs::Model, Failure> {
        let mut p = problem.using(good_lp::highs);
        for c in constraints {
            p.add_constraint(c);
        }
        let mut model = p.try_into_inner().map_err(|e| Failure::Other(e.to_string()))?;
        model.make_quiet();
        // One thread: the same plan on every machine, and rayon runs
        // independent solves side by side.
        option(&mut model, "threads", 1i32)?;
        option(&mut model, "parallel", "off")?;
        // The model is scaled to keep its numbers near 1 (model.rs);
        // HiGHS's own scaling on top of that cost 1.6× the simplex time on
        // the medium benchmark's relaxation (37 s → 23 s off). Devex
        // pricing beats dual steepest edge on these models (medium's
        // relaxation 18.7 s → 15.6 s; small and the example unchanged).
        option(&mut model, "simplex_scale_strategy", 0i32)?;
        option(&mut model, "simplex_dual_edge_weight_strategy", 1i32)?;
        Ok(model)
    }

    /// hipdlp's iteration limit ([`solve`] with `LpMethod::Pdlp`): the
    /// planted medium relaxation takes 22,000.
    const HIPDLP_ITERATIONS: i32 = 100_000;

    /// The model solved again by cuPDLP-C, within `time_limit` seconds.
    fn cupdlp(mut model: highs::Model, time_limit: Option<f64>) -> Result<highs::SolvedModel, Failure> {
        option(&mut model, "solver", "pdlp")?;
        option(&mut model, "pdlp_iteration_limit", i32::MAX)?;
        if let Some(limit) = time_limit {
            if limit <= 0.0 {
                return Err(Failure::TimeLimit);
            }
            option(&mut model, "time_limit", limit)?;
        }
        model.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")))
    }

    /// [`super::sweep`] on HiGHS: one hand-off, then per column its bounds
    /// opened, a solve, its value read, its bounds closed again.
    pub fn sweep(
        problem: good_lp::variable::UnsolvedProblem,
        constraints: Vec<good_lp::Constraint>,
        columns: &[usize],
        upper: f64,
        using: super::Using,
        start: Instant,
        template: SolveRecord,
    ) -> Result<Vec<Option<f64>>, Failure> {
        let mut model = hand_off(problem, constraints)?;
        let crossover = first_vertex(&mut model, &template)?;
        for &c in columns {
            set_bounds(&mut model, c, 0.0, 0.0)?;
        }
        let mut out = Vec::with_capacity(columns.len());
        let mut since = start;
        for (k, &c) in columns.iter().enumerate() {
            time_left(&mut model, using)?;
            set_bounds(&mut model, c, 0.0, upper)?;
            let mut record = SolveRecord {
                build_seconds: if k == 0 { template.build_seconds } else { 0.0 },
                method: if k > 0 {
                    "primal simplex, warm from the last basis"
                } else if crossover {
                    "interior point with crossover"
                } else {
                    "simplex"
                }
                .to_owned(),
                ..template.clone()
            };
            let solving = record.handoff(since);
            let solved = model.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")));
            let reading = record.solved(solving);
            let solved = solved?;
            let value = match solved.status() {
                HighsModelStatus::Optimal => solved.get_solution().columns().get(c).copied(),
                HighsModelStatus::ReachedTimeLimit | HighsModelStatus::ReachedInterrupt => {
                    using.rec.solve(record);
                    return Err(Failure::TimeLimit);
                }
                _ => None,
            };
            record.read(reading);
            using.rec.solve(record);
            out.push(value);
            model = solved.into();
            set_bounds(&mut model, c, 0.0, 0.0)?;
            if k == 0 {
                // From here on primal simplex, from the basis the last
                // solve left: only the column just closed is out of its
                // bounds there, and the next one only has to be pushed
                // up. Measured on the planted medium organisation's
                // periods (highspy, same HiGHS): 0.05–1.8 s a solve,
                // where dual simplex took up to 31 s on one period and a
                // solve from scratch 5–7 s.
                option(&mut model, "solver", "simplex")?;
                option(&mut model, "presolve", "off")?;
                option(&mut model, "simplex_strategy", 4i32)?;
            }
            since = Instant::now();
        }
        Ok(out)
    }

    /// [`super::solve_holding`] on HiGHS: one hand-off; the first solve to
    /// a vertex ([`first_vertex`]), each next
    /// one by dual simplex after the held columns' bounds are set.
    pub fn solve_holding(
        prepared: super::Prepared,
        all: &[Variable],
        using: super::Using,
        start: Instant,
        template: SolveRecord,
        hold: &mut super::Hold,
    ) -> Result<Option<HashMap<Variable, f64>>, Failure> {
        let column: HashMap<Variable, usize> = all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let super::Prepared { vars, objective, constraints } = prepared;
        let mut model = hand_off(vars.minimise(objective), constraints)?;
        let crossover = first_vertex(&mut model, &template)?;
        let mut since = start;
        for round in 0.. {
            time_left(&mut model, using)?;
            let mut record = SolveRecord {
                build_seconds: if round == 0 { template.build_seconds } else { 0.0 },
                method: match (round, crossover) {
                    (0, true) => "interior point with crossover",
                    (0, false) => "simplex",
                    _ => "dual simplex, warm after holding orders",
                }
                .to_owned(),
                ..template.clone()
            };
            let solving = record.handoff(since);
            let solved = model.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")));
            let reading = record.solved(solving);
            let solved = solved?;
            match solved.status() {
                HighsModelStatus::Optimal => {}
                HighsModelStatus::ReachedTimeLimit | HighsModelStatus::ReachedInterrupt => {
                    using.rec.solve(record);
                    return Err(Failure::TimeLimit);
                }
                HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                    using.rec.solve(record);
                    return Err(Failure::Infeasible);
                }
                other => {
                    using.rec.solve(record);
                    return Err(Failure::Other(format!("HiGHS ended with status {other:?}")));
                }
            }
            let values: HashMap<Variable, f64> = all.iter().zip(solved.get_solution().columns()).map(|(&v, &x)| (v, x)).collect();
            record.read(reading);
            using.rec.solve(record);
            let held = match hold(&values) {
                None => return Ok(None),
                Some(held) if held.is_empty() => return Ok(Some(values)),
                Some(held) => held,
            };
            model = solved.into();
            for (var, value) in held {
                let c = column.get(&var).copied().ok_or_else(|| Failure::Other("internal: a held variable is not in the model".into()))?;
                set_bounds(&mut model, c, value, value)?;
            }
            if round == 0 {
                option(&mut model, "solver", "simplex")?;
                option(&mut model, "presolve", "off")?;
                option(&mut model, "simplex_strategy", 1i32)?;
            }
            since = Instant::now();
        }
        unreachable!("the rounds above end by returning")
    }

    /// A vertex to start from, as `LpMethod::Vertex` gives: simplex on
    /// small models, interior point with crossover past
    /// `AUTO_CROSSOVER_VARIABLES`. Whether it is the latter.
    fn first_vertex(model: &mut highs::Model, template: &SolveRecord) -> Result<bool, Failure> {
        let crossover = template.variables > super::AUTO_CROSSOVER_VARIABLES;
        if crossover {
            option(model, "solver", "ipm")?;
            option(model, "run_crossover", "on")?;
        } else {
            option(model, "presolve", "off")?;
        }
        Ok(crossover)
    }

    /// The next solve's time limit: what is left of the run's (none
    /// left: `TimeLimit`).
    fn time_left(model: &mut highs::Model, using: super::Using) -> Result<(), Failure> {
        if let Some(deadline) = using.deadline {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
            if left <= 0.0 {
                return Err(Failure::TimeLimit);
            }
            option(model, "time_limit", left)?;
        }
        Ok(())
    }

    /// Sets column `c`'s bounds to `lower..=upper`, keeping HiGHS's basis.
    fn set_bounds(model: &mut highs::Model, c: usize, lower: f64, upper: f64) -> Result<(), Failure> {
        if c >= model.num_cols() {
            return Err(Failure::Other(format!("internal: no column {c} in a model of {}", model.num_cols())));
        }
        let column = highs_sys::HighsInt::try_from(c).map_err(|_| Failure::Other(format!("internal: column {c} out of range")))?;
        // SAFETY: the pointer is the live HiGHS instance `model` owns, and
        // `column` is one of its columns (checked above); HiGHS copies the
        // two numbers.
        let status = unsafe { highs_sys::Highs_changeColBounds(model.as_mut_ptr(), column, lower, upper) };
        if status == highs_sys::STATUS_ERROR {
            return Err(Failure::Other(format!("HiGHS refused the bounds of column {c}")));
        }
        Ok(())
    }

    fn option<V: highs::HighsOptionValue>(model: &mut highs::Model, name: &str, value: V) -> Result<(), Failure> {
        model.try_set_option(name, value).map_err(|e| Failure::Other(format!("HiGHS refused option {name}: {e:?}")))
    }
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use good_lp::{constraint, variable, ProblemVariables};

    /// min x + 2y s.t. x + y ≥ 2, x ≤ 1.5, x, y ≥ 0: optimum 2.5 at
    /// (1.5, 0.5), with duals 2 (the `≥` row) and −1 (the `≤` row).
    fn by_hand() -> (Prepared, Vec<Variable>) {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let y = vars.add(variable().min(0));
        let constraints = vec![constraint!(x + y >= 2), constraint!(x <= 1.5)];
        (Prepared { vars, objective: x + 2 * y, constraints }, vec![x, y])
    }

    #[test]
    fn the_dual_objective_of_the_optimal_duals_is_the_optimum() {
        let (prepared, _) = by_hand();
        let bounds = with_highs::Bounds::of(&prepared.vars, &prepared.constraints);
        // good_lp hands the `≥` row to HiGHS as x + y ∈ [2, ∞).
        let objective = bounds.dual_objective(&[2.0, -1.0], &[0.0, 0.0], &[2.0, 1.5]);
        assert!((objective - 2.5).abs() < 1e-12, "{objective}");
        // Duals of the wrong sign price nothing.
        assert_eq!(bounds.dual_objective(&[-1.0, 1.0], &[0.0, 0.0], &[2.0, 1.5]), 0.0);
    }

    #[test]
    fn off_a_vertex_the_bound_is_the_dual_objective() {
        for lp in [LpMethod::Pdlp, LpMethod::Ipm] {
            let (prepared, all) = by_hand();
            let rec = Recorder::new();
            let using = Using { backend: Backend::Highs, lp, deadline: None, rec: &rec };
            let mut record = SolveRecord {
                purpose: "test",
                integer: false,
                variables: 2,
                constraints: 2,
                nonzeros: 3,
                build_seconds: 0.0,
                handoff_seconds: 0.0,
                solve_seconds: 0.0,
                read_seconds: 0.0,
                method: String::new(),
            };
            let solved = solve_prepared(prepared, &all, using, &Settings::lp("test"), None, Instant::now(), &mut record).expect("solves");
            assert!(!solved.vertex);
            let bound = solved.bound.expect("a dual objective");
            assert!((bound - 2.5).abs() < 1e-4, "{lp:?}: {bound}");
            assert!((solved.values[&all[0]] - 1.5).abs() < 1e-4, "{lp:?}");
        }
    }
}
