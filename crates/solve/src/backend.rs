//! The solver backends behind one interface. Only this crate knows good_lp.

use std::collections::HashMap;

use good_lp::{IntoAffineExpression, Variable};

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
    /// Whether the search keeps each period's basis for growth headroom
    /// (`Found::bases`); without it, a chain keeps only the last one's.
    pub keep_bases: bool,
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
    /// The basis it ends on, where [`Settings::keep_basis`] asked.
    pub basis: Option<Basis>,
    /// A relaxation solved by PDLP: the tolerance of its answer.
    pub pdlp_tolerance: Option<f64>,
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
    /// Stopped by [`Settings::stop`]: its answer was no longer needed.
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    Stopped,
}

#[derive(Clone)]
pub struct Settings {
    /// Why the model is solved (for the record, see [`crate::stats`]).
    pub purpose: &'static str,
    /// Stop once the solution is within this relative gap of the bound.
    /// For a relaxation solved by PDLP, the gap the plan may have: its
    /// bound may take a third of it (0: as close as HiGHS's tolerance).
    pub mip_gap: f64,
    pub time_limit_seconds: Option<f64>,
    /// Branch and bound stops after this many nodes, with the best
    /// solution found if any (else `Failure::Other`): a limit that, unlike
    /// time, does not depend on the machine (microlp; HiGHS ignores it).
    pub node_limit: Option<u64>,
    /// Whether to ask for dual values (an LP only; backends without them
    /// ignore it).
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub duals: bool,
    /// A linear program: start from this basis, found on a model much
    /// like this one, by dual simplex (HiGHS; others ignore it).
    pub start: Option<std::sync::Arc<Basis>>,
    /// A linear program: return the basis it ends on ([`Solved::basis`];
    /// HiGHS only).
    pub keep_basis: bool,
    /// Stop the solve once this is set (HiGHS, a solve without `start`;
    /// others ignore it): its answer is no longer needed. It then ends in
    /// [`Failure::Stopped`].
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// A relaxation solved by PDLP where the plan may have a gap: the
    /// tolerance to start at, one of [`PDLP_LOOSE`] (none: the loosest).
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    pub pdlp_tolerance: Option<f64>,
}

impl Settings {
    /// A linear program solved to optimality.
    pub fn lp(purpose: &'static str) -> Settings {
        Settings {
            purpose,
            mip_gap: 0.0,
            time_limit_seconds: None,
            node_limit: None,
            duals: false,
            start: None,
            keep_basis: false,
            stop: None,
            pdlp_tolerance: None,
        }
    }
}

/// PDLP's relative tolerances where the plan may have a gap, loosest
/// first: a relaxation is solved at the first, and again at the next
/// where its bound is too far from its objective, or where the plan
/// rounded from it is outside the gap (`search`). Its bound does not
/// depend on the tolerance (it is the Lagrangian bound of its duals,
/// raised by a coordinate ascent: `lagrange`), only how close that bound
/// comes to the optimum, against how long PDLP runs. On the planted
/// relaxations (one thread), medium (optimum 229,556.58) and large:
///
/// | tolerance | medium: iterations, bound as given → raised | large |
/// |---|---|---|
/// | 1e-3 | 2,040; 1.15 % → 0.12 % below | 426 s; 0.78 % → 0.095 % below; the plan 0.497 % from the bound |
/// | 1e-4 | 12,160; 0.053 % → 0.0058 % below | 5,920 iterations, 657–893 s; 0.12 % below PDLP's objective as given; the plan 0.39 % from it |
/// | 1e-5 | 21,240; 0.0017 % below | |
/// | 1e-7 (HiGHS's default) | 23,640; 0.000002 % below | 1,554 s |
pub const PDLP_LOOSE: [f64; 2] = [1e-3, 1e-4];

/// The tolerance after `tolerance` in [`PDLP_LOOSE`], if any.
pub fn tighter_pdlp(tolerance: f64) -> Option<f64> {
    PDLP_LOOSE.iter().copied().find(|&t| t < tolerance)
}

/// A simplex basis, kept by the names of the columns and rows it was found
/// on, with a one-period model's period left out of them
/// ([`basis_keys`]): the next period's model, or the same period's with
/// other bounds or other columns, starts from it by simplex where a solve
/// from scratch takes interior point and crossover (a start that runs
/// long gives way to one from scratch). On planted medium (periods of
/// 36,589 columns) it took whole `plan` from 31–33 s to 25–28 s without
/// growth headroom, and from 64 s to 55–60 s with it.
///
/// Columns and rows the basis does not know start nonbasic and basic
/// (their slack in the basis). HiGHS takes a basis from outside as it
/// takes any: checked, and repaired where it is singular or has too few
/// or too many basic columns. A start is only where simplex begins: a
/// basis that fits the model badly costs iterations, never the optimum.
///
/// Names are kept as 64-bit hashes ([`name_key`]), shared by every basis
/// of one model, with a status per column and row in the model's order:
/// a basis of a period of planted large (about 600,000 columns and rows)
/// is 2.4 MB that way. A model with the same names in the same order
/// (the same job's program of the next period, in growth headroom)
/// takes the statuses as they are; any other looks them up by name.
/// Easy large: reading the bases of growth headroom's 460 programs into
/// maps by name took 31 s; as they are, under 1 s. Two names with the
/// same hash (about one chance in 10^7 among a million names) only make
/// a poorer start.
#[derive(Clone, Debug, Default)]
#[cfg_attr(not(feature = "highs"), allow(dead_code))]
pub struct Basis {
    keys: std::sync::Arc<Keys>,
    columns: Vec<i32>,
    rows: Vec<i32>,
    /// Only some feasible vertex: the program it solved cost the same at
    /// every feasible point (its optimum was its constant part), so
    /// nothing steered it toward where a program with costs ends. A
    /// start from it gets fewer iterations ([`with_highs`]'s
    /// `FEASIBLE_ONLY_ITERATIONS_PER_ROW`).
    pub feasible_only: bool,
    /// Of a program that decides every machine ordered by its period
    /// (`Build::by_then`, from the last period back): the next program
    /// (an earlier period, its fleet at most this one's) is further from
    /// it than a period is from the one before, and a start from it gets
    /// more iterations ([`with_highs`]'s `BY_THEN_ITERATIONS_PER_ROW`).
    pub by_then: bool,
}

/// The names a [`Basis`] keys a prepared model's columns and rows by (in
/// the backend's order): their names, with the period of a one-period
/// model taken out where it names that period (`z[web@eu|c1|2027Q1]` →
/// `z[web@eu|c1|]`), so that the next period's model finds them, hashed
/// ([`name_key`]). Order columns keep theirs: the period in an order's
/// name is when it is placed, which is the same order in every period's
/// model. (Where a period's arrivals stand for every machine ordered by
/// then, `Build::by_then`, they are named for that period, and it is
/// taken out like any other.)
#[derive(Debug, Default, PartialEq)]
#[cfg_attr(not(feature = "highs"), allow(dead_code))]
struct Keys {
    columns: Vec<u64>,
    rows: Vec<u64>,
}

fn basis_keys(model: &Model, prepared: &Prepared) -> std::sync::Arc<Keys> {
    let period = (model.window.len() == 1).then(|| model.period_name(model.window.start));
    let general = |name: &str| -> u64 {
        match &period {
            Some(period) => general_key(name, period),
            None => name_key(name),
        }
    };
    let orders: std::collections::HashSet<Variable> = model.orders.iter().map(|o| o.var).collect();
    let columns = prepared
        .vars
        .iter_variables_with_def()
        .map(
            |(v, d)| if orders.contains(&v) && d.get_name().starts_with("order[") { name_key(d.get_name()) } else { general(d.get_name()) },
        )
        .collect();
    let rows = prepared.constraints.iter().map(|c| general(c.name().unwrap_or(""))).collect();
    std::sync::Arc::new(Keys { columns, rows })
}

/// FNV-1a's start and step ([`name_key`]).
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;
fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// A name's 64-bit FNV-1a hash: fixed, so that the same model starts from
/// the same basis with every build.
fn name_key(name: &str) -> u64 {
    fnv(FNV_START, name.as_bytes())
}

/// [`name_key`] of `name` with `period` taken out where a field names it
/// (`|period]` → `|]`, `|period|` → `||`), without making the new name
/// (easy medium, sampled: building every model's keys 0.34 s → 0.07 s of
/// CPU).
fn general_key(name: &str, period: &str) -> u64 {
    let (name, period) = (name.as_bytes(), period.as_bytes());
    let (mut hash, mut from, mut i) = (FNV_START, 0, 0);
    while i < name.len() {
        let field =
            name[i] == b'|' && name[i + 1..].starts_with(period) && matches!(name.get(i + 1 + period.len()), Some(b']') | Some(b'|'));
        if field && !period.is_empty() {
            hash = fnv(hash, &name[from..=i]);
            i += 1 + period.len();
            from = i;
        } else {
            i += 1;
        }
    }
    fnv(hash, &name[from..])
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
    // The solver sees the preference among equal costs too (`Model::tie`).
    let mut objective = model.objective() + model.tie.clone();
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
        ended_seconds: 0.0,
    }
}

/// `settings` with no more time than the run has left at `now`
/// (`Using::deadline`); `TimeLimit` where none is left.
fn within_deadline(settings: &Settings, using: Using, now: Instant) -> Result<Settings, Failure> {
    let mut settings = settings.clone();
    if let Some(deadline) = using.deadline {
        let left = deadline.saturating_duration_since(now).as_secs_f64();
        if left <= 0.0 {
            return Err(Failure::TimeLimit);
        }
        settings.time_limit_seconds = Some(settings.time_limit_seconds.map_or(left, |limit| limit.min(left)));
    }
    Ok(settings)
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
    let settings = &within_deadline(settings, using, start)?;
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
            LpMethod::Pdlp => {
                record.method = match settings.pdlp_tolerance {
                    Some(tolerance) => format!("PDLP at {tolerance:e}"),
                    None => "PDLP".to_owned(),
                }
            }
            _ => {}
        }
    }
    // Only HiGHS keeps or takes a basis.
    let keys =
        (using.backend != Backend::Microlp && (settings.start.is_some() || settings.keep_basis)).then(|| basis_keys(model, &prepared));
    let all = &model.all;
    let result = solve_prepared(prepared, all, using, settings, warm, keys, start, &mut record)
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

/// What [`solve_holding`] ends on: the values `hold` took, and the basis
/// (where [`Settings::keep_basis`] asked).
pub type Settled = (HashMap<Variable, f64>, Option<Basis>);

/// One column of a [`sweep`]: its optimum (`None` where the backend
/// failed on it) and the basis it ended on (where the caller keeps
/// starts).
pub type Swept = (Option<f64>, Option<Basis>);

/// Solves the linear program `model` (`LpMethod::Vertex`: a vertex), then,
/// while `hold` asks, holds variables at values and solves again. The
/// model stays with the solver and each next solve is dual simplex from
/// the last basis: only bounds changed, so the last optimum stays dual
/// feasible (microlp: fixing each held variable in the solution it
/// keeps). `Ok(None)`: `hold` gave up. Where HiGHS ends a solve with an
/// error, the model is solved once more from scratch, with what `hold`
/// held so far.
pub fn solve_holding(model: &mut Model, using: Using, settings: &Settings, hold: &mut Hold) -> Result<Option<Settled>, Failure> {
    #[cfg(feature = "highs")]
    if using.backend == Backend::Highs {
        let start = Instant::now();
        if model.out_of_time || using.deadline.is_some_and(|d| start >= d) {
            return Err(Failure::TimeLimit);
        }
        let prepared = prepare(model);
        let keys = basis_keys(model, &prepared);
        let record = record_of(&prepared, settings.purpose, model.build_seconds);
        let mut held = Vec::new();
        let settled = with_highs::solve_holding(prepared, &model.all, using, settings, &keys, start, record, hold, &mut held, false);
        // HiGHS itself can end a solve with an error rather than a status
        // (planted medium at tightness 1: dual simplex from the last
        // basis, after holding orders down). The model once more then, to
        // a vertex from scratch, with every variable held where `hold`
        // held it: so `hold`, which keeps what it held, sees the model it
        // expects.
        if !matches!(settled, Err(Failure::Other(_))) {
            return settled;
        }
        let mut again = Model::new(model.org, model.build.clone());
        let prepared = prepare(&mut again);
        let keys = basis_keys(&again, &prepared);
        let record = record_of(&prepared, settings.purpose, again.build_seconds);
        return with_highs::solve_holding(prepared, &again.all, using, settings, &keys, Instant::now(), record, hold, &mut held, true);
    }
    let (prepared, settings, record, start) = to_microlp(model, using, settings)?;
    with_microlp::solve_holding(prepared, &model.all, using, &settings, start, record, hold)
}

/// Whole values of `integer` (variables of the linear program `model`)
/// found by a depth-first dive, on microlp: the variable whose value is
/// nearest its next whole number above is fixed there, and the program
/// solved again from where it was (`Solution::fix_var`, dual simplex);
/// where that has no solution, the same variable at the whole number
/// below; where neither has, the last fix before it takes its other
/// value. Fixed, not bounded: a variable is held at a whole number next
/// to its value, never moved far, so that each fix settles the variable
/// for good and the dive goes down the fewest levels. At most `solves`
/// programs are solved. `Ok(None)` where none was found within them (on
/// HiGHS always: its branch and bound is the way there).
pub fn dive(
    model: &mut Model,
    using: Using,
    settings: &Settings,
    integer: &[Variable],
    solves: usize,
) -> Result<Option<HashMap<Variable, f64>>, Failure> {
    if using.backend != Backend::Microlp {
        return Ok(None);
    }
    let (prepared, settings, record, start) = to_microlp(model, using, settings)?;
    with_microlp::dive(prepared, &model.all, using, &settings, start, record, integer, solves)
}

/// `model` made ready for one of microlp's drivers that take the model
/// whole ([`solve_holding`], [`dive`]): prepared, `settings` within the
/// time the run has left, and its record, from now. `TimeLimit` where no
/// time is left.
fn to_microlp(model: &mut Model, using: Using, settings: &Settings) -> Result<(Prepared, Settings, SolveRecord, Instant), Failure> {
    let start = Instant::now();
    if model.out_of_time {
        return Err(Failure::TimeLimit);
    }
    let settings = within_deadline(settings, using, start)?;
    let prepared = prepare(model);
    let record = record_of(&prepared, settings.purpose, model.build_seconds);
    Ok((prepared, settings, record, start))
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
/// each one's optimum (`None` where the backend failed on that one) and,
/// where `starts` is not empty, the basis it ended on (a start for the
/// same program of the next period). The backend gets the model once: a column with a basis in
/// `starts` is solved by primal simplex from it; otherwise the first is
/// solved by a vertex method (from `from` where given: see
/// `with_highs::sweep`), each next one by primal simplex from the last
/// one's basis, since consecutive models differ only in two columns'
/// bounds. `close` are held at 0 throughout besides `columns` (another
/// sweep's, of the same model). With `keep`, the backend keeps the model
/// after, every column of `columns` and `close` at 0, for
/// [`sweep_kept`]. `Err(TimeLimit)` if the time limit passed before all
/// were solved; only for a backend that [`warm_starts`].
#[cfg_attr(not(feature = "highs"), allow(unused_variables))]
#[allow(clippy::too_many_arguments)]
pub fn sweep(
    model: &mut Model,
    using: Using,
    purpose: &'static str,
    (columns, close): (&[Variable], &[Variable]),
    upper: f64,
    from: Option<&Basis>,
    starts: &[Option<&Basis>],
    keep: bool,
) -> Result<(Vec<Swept>, Option<Kept>), Failure> {
    #[cfg(feature = "highs")]
    if using.backend == Backend::Highs {
        let start = Instant::now();
        if model.out_of_time || using.deadline.is_some_and(|d| start >= d) {
            return Err(Failure::TimeLimit);
        }
        let index: HashMap<Variable, usize> = model.all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let (columns, close) = (columns_at(&index, columns), columns_at(&index, close));
        let prepared = prepare(model);
        let keys = basis_keys(model, &prepared);
        let record = record_of(&prepared, purpose, model.build_seconds);
        let Prepared { vars, objective, constraints } = prepared;
        let mut highs = with_highs::hand_off(vars.minimise(objective), constraints)?;
        for &c in &close {
            with_highs::close(&mut highs, c)?;
        }
        let (swept, highs, solved) = with_highs::sweep(highs, &columns, upper, (&keys, from, starts), using, start, record.clone(), false)?;
        let kept = keep.then(|| Kept { highs, keys, index, record: SolveRecord { build_seconds: 0.0, ..record }, solved });
        return Ok((swept, kept));
    }
    Err(Failure::Other(format!("{} does not keep a model between solves", using.backend.name())))
}

/// The backend's columns of `vars`, by the model's `index` of its
/// variables.
#[cfg(feature = "highs")]
fn columns_at(index: &HashMap<Variable, usize>, vars: &[Variable]) -> Vec<usize> {
    vars.iter().filter_map(|v| index.get(v).copied()).collect()
}

/// A model the backend kept after a [`sweep`] (see there).
pub struct Kept {
    #[cfg(feature = "highs")]
    highs: highs::Model,
    #[cfg(feature = "highs")]
    keys: std::sync::Arc<Keys>,
    #[cfg(feature = "highs")]
    index: HashMap<Variable, usize>,
    #[cfg(feature = "highs")]
    record: SolveRecord,
    /// Whether it was solved (else the first of the next sweep's columns
    /// is solved as a sweep's first is).
    #[cfg(feature = "highs")]
    solved: bool,
}

// SAFETY: a `Kept` owns its HiGHS instance outright, and whoever holds it
// is the only one to use it: it moves from the thread of one sweep to the
// thread of the next, never used from two at once. HiGHS ties nothing of
// an instance to the thread that made it: its only thread-local state is
// its task executor's, one per thread, not per instance
// (`HighsTaskExecutor.cpp`), which whichever thread solves joins; and
// every instance here solves on one thread (`threads` 1, `parallel` off).
#[cfg(feature = "highs")]
unsafe impl Send for Kept {}

/// [`sweep`] of more of a kept model's columns, where the last sweep left
/// it: no second hand-off of the same program.
#[cfg_attr(not(feature = "highs"), allow(unused_variables))]
pub fn sweep_kept(
    kept: Kept,
    using: Using,
    columns: &[Variable],
    upper: f64,
    from: Option<&Basis>,
    starts: &[Option<&Basis>],
) -> Result<Vec<Swept>, Failure> {
    #[cfg(feature = "highs")]
    {
        let start = Instant::now();
        if using.deadline.is_some_and(|d| start >= d) {
            return Err(Failure::TimeLimit);
        }
        let Kept { highs, keys, index, record, solved } = kept;
        let columns = columns_at(&index, columns);
        with_highs::sweep(highs, &columns, upper, (&keys, from, starts), using, start, record, solved).map(|(swept, _, _)| swept)
    }
    #[cfg(not(feature = "highs"))]
    Err(Failure::Other(format!("{} does not keep a model between solves", using.backend.name())))
}

#[allow(clippy::too_many_arguments)]
fn solve_prepared(
    prepared: Prepared,
    all: &[Variable],
    using: Using,
    settings: &Settings,
    warm: Option<Vec<(Variable, f64)>>,
    keys: Option<std::sync::Arc<Keys>>,
    start: Instant,
    record: &mut SolveRecord,
) -> Result<Solved, Failure> {
    match using.backend {
        Backend::Microlp => {
            let _ = keys;
            with_microlp::solve(prepared, all, settings, warm, start, record)
        }
        #[cfg(feature = "highs")]
        Backend::Highs => {
            let Prepared { vars, objective, constraints } = prepared;
            with_highs::solve(vars.minimise(objective), constraints, all, using.lp, settings, warm, keys, start, record)
        }
    }
}

/// microlp 0.7, driven directly from the prepared problem. good_lp 1.15
/// drives microlp 0.6, whose factorisation failed ("Singular matrix",
/// exit 70) on 8 of 12 planted small organisations (50 services, 8,667
/// variables; seeds 1-6 at tightness 0.5 and 1), and whose answer to one
/// relaxation, where reordering the rows let it finish, was 0.06 below
/// the optimum HiGHS and microlp 0.7 agree on (67,408.72 against
/// 67,408.78). 0.7 checks every solution against the rows as written
/// and answers an error rather than one it could not verify.
mod with_microlp {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};

    use good_lp::{IntoAffineExpression, Variable};
    use microlp::{
        ComparisonOp, Error, OptimizationDirection, Problem, Solution, SolutionStatus, SolveOptions, SolveOutcome, TerminationReason,
        VarDomain,
    };

    use super::{Failure, Prepared, Settings, Solved};
    use crate::stats::SolveRecord;

    /// The largest coefficient magnitude HiGHS drops from a constraint
    /// matrix (its default `small_matrix_value`).
    const SMALL_MATRIX_VALUE: f64 = 1e-9;

    /// An integer bound as microlp takes it: rounded inward, infinite
    /// ones (and any beyond i32) at i32's ends, where microlp treats them
    /// as bounds no plan reaches.
    fn integer_bound(x: f64, lower: bool) -> i32 {
        let x = if lower { x.ceil() } else { x.floor() };
        if x.is_nan() {
            return 0;
        }
        x.clamp(i32::MIN as f64, i32::MAX as f64) as i32
    }

    /// The prepared problem as microlp takes it, and each variable's
    /// column there.
    struct Built {
        problem: Problem,
        column: HashMap<Variable, microlp::Variable>,
    }

    fn build(prepared: Prepared) -> Result<Built, Failure> {
        let Prepared { vars, objective, constraints } = prepared;
        let costs: HashMap<Variable, f64> = objective.linear_coefficients().collect();
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let mut column: HashMap<Variable, microlp::Variable> = HashMap::with_capacity(vars.len());
        for (var, def) in vars.iter_variables_with_def() {
            let cost = costs.get(&var).copied().unwrap_or(0.0);
            let (min, max) = (def.get_min(), def.get_max());
            let v = if def.is_integer() {
                let (lo, hi) = (integer_bound(min, true), integer_bound(max, false));
                if lo > hi {
                    return Err(Failure::Infeasible);
                }
                problem.add_integer_var(cost, (lo, hi))
            } else {
                problem.add_var(cost, (min, max))
            };
            column.insert(var, v);
        }
        for c in &constraints {
            let e = c.expression();
            let mut terms = Vec::new();
            // Coefficients of at most 1e-9 are left out, as HiGHS leaves
            // them out (its `small_matrix_value`), so that both backends
            // solve the same matrix: beside coefficients near 1 they are
            // past what microlp's factorisation resolves (a dependency
            // ratio of 1e-300 made it fail). Where one mattered, `verify`,
            // which checks the plan against the inputs, says so.
            for (var, a) in e.linear_coefficients() {
                if a.abs() > SMALL_MATRIX_VALUE {
                    terms.push((*column.get(&var).ok_or_else(missing)?, a));
                }
            }
            let op = if c.is_equality() { ComparisonOp::Eq } else { ComparisonOp::Le };
            problem.add_constraint(terms, op, -e.constant());
        }
        Ok(Built { problem, column })
    }

    fn missing() -> Failure {
        Failure::Other("internal: a constraint names a variable the problem does not have".into())
    }

    fn options(settings: &Settings) -> SolveOptions {
        let mut options = SolveOptions::default();
        options.mip_gap = settings.mip_gap;
        // A limit too long for a `Duration` is none.
        options.time_limit = settings.time_limit_seconds.and_then(|limit| Duration::try_from_secs_f64(limit).ok());
        options.node_limit = settings.node_limit;
        options
    }

    /// The solution an outcome holds, or why there is none.
    fn solution_of(outcome: Result<SolveOutcome, Error>) -> Result<Solution, Failure> {
        match outcome {
            Ok(SolveOutcome::Solution(solution)) => Ok(solution),
            Ok(SolveOutcome::Interrupted(stopped)) => match stopped.termination_reason() {
                TerminationReason::NodeLimit => Err(Failure::Other("microlp: branch and bound found nothing within its nodes".into())),
                _ => Err(Failure::TimeLimit),
            },
            Err(Error::Infeasible) => Err(Failure::Infeasible),
            Err(e) => Err(Failure::Other(format!("microlp: {e}"))),
        }
    }

    /// Every variable's value. Integer values are reported within
    /// microlp's integrality tolerance of their integer: read exactly.
    fn values_of(solution: &Solution, all: &[Variable], column: &HashMap<Variable, microlp::Variable>) -> HashMap<Variable, f64> {
        let value = |var: &Variable| {
            let v = column[var];
            let x = solution.var_value(v);
            match solution.var_domain(v) {
                VarDomain::Integer | VarDomain::Boolean => x.round() + 0.0,
                VarDomain::Real => x,
            }
        };
        all.iter().map(|v| (*v, value(v))).collect()
    }

    pub(super) fn solve(
        prepared: Prepared,
        all: &[Variable],
        settings: &Settings,
        warm: Option<Vec<(Variable, f64)>>,
        start: Instant,
        record: &mut SolveRecord,
    ) -> Result<Solved, Failure> {
        let Built { problem, column } = build(prepared)?;
        let mut options = options(settings);
        if let Some(warm) = warm {
            let mut hint = Vec::with_capacity(warm.len());
            for (var, x) in warm {
                hint.push((*column.get(&var).ok_or_else(missing)?, x));
            }
            options.warm_start = Some(hint);
        }
        let solving = record.handoff(start);
        let outcome = problem.solve_with(options);
        let reading = record.solved(solving);
        let solution = solution_of(outcome)?;
        let values = values_of(&solution, all, &column);
        let optimal = matches!(solution.status(), SolutionStatus::Optimal);
        let stats = solution.stats();
        record.read(reading);
        Ok(Solved {
            values,
            optimal,
            mip_gap: solution.gap().unwrap_or(0.0).max(0.0),
            bound: stats.best_bound,
            duals: None,
            method: String::new(),
            vertex: true,
            basis: None,
            pdlp_tolerance: None,
        })
    }

    /// `solution` with each of `held` fixed at its value, one after the
    /// other, each solved again from the last. Each fix gets the whole
    /// limit the first solve had: the run's deadline is checked between.
    fn fix_all(
        mut solution: Solution,
        held: impl Iterator<Item = (microlp::Variable, f64)>,
        using: super::Using,
    ) -> Result<Solution, Failure> {
        for (v, x) in held {
            if using.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Failure::TimeLimit);
            }
            solution = solution_of(solution.fix_var(v, x))?;
        }
        Ok(solution)
    }

    /// [`super::dive`] on microlp.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn dive(
        prepared: Prepared,
        all: &[Variable],
        using: super::Using,
        settings: &Settings,
        start: Instant,
        mut record: SolveRecord,
        integer: &[Variable],
        solves: usize,
    ) -> Result<Option<HashMap<Variable, f64>>, Failure> {
        /// A fix the dive made: the solution before it, the variable, and
        /// the value it has yet to try there.
        struct Fix {
            before: Solution,
            var: microlp::Variable,
            other: Option<f64>,
        }
        let Built { problem, column } = build(prepared)?;
        let integer: Vec<microlp::Variable> =
            integer.iter().map(|v| column.get(v).copied().ok_or_else(missing)).collect::<Result<_, _>>()?;
        let solving = record.handoff(start);
        let root = solution_of(problem.solve_with(options(settings)));
        let (mut solved, mut fixes) = (1, 0);
        // The fractional variable nearest its next whole number above
        // (the first in `integer` of equals): its value.
        let next = |solution: &Solution| -> Option<(microlp::Variable, f64)> {
            let fraction = |x: f64| x - (x + 1e-6).floor();
            integer.iter().map(|&v| (v, solution.var_value(v))).filter(|&(_, x)| fraction(x) > 1e-6).fold(
                None,
                |best: Option<(microlp::Variable, f64)>, (v, x)| match best {
                    Some((_, y)) if fraction(y) >= fraction(x) => best,
                    _ => Some((v, x)),
                },
            )
        };
        let mut stack: Vec<Fix> = Vec::new();
        let found = (|| -> Result<Option<Solution>, Failure> {
            let mut current = root?;
            'dive: loop {
                let Some((var, x)) = next(&current) else {
                    return Ok(Some(current));
                };
                let mut value = (x - 1e-6).ceil();
                stack.push(Fix { before: current, var, other: Some((x + 1e-6).floor()) });
                loop {
                    if solved >= solves {
                        return Ok(None);
                    }
                    if using.deadline.is_some_and(|d| Instant::now() >= d) {
                        return Err(Failure::TimeLimit);
                    }
                    let Some(top) = stack.last() else {
                        return Ok(None);
                    };
                    solved += 1;
                    fixes = fixes.max(stack.len());
                    match solution_of(top.before.clone().fix_var(top.var, value)) {
                        Ok(after) => {
                            current = after;
                            continue 'dive;
                        }
                        Err(Failure::TimeLimit) => return Err(Failure::TimeLimit),
                        // No solution (or none microlp could find) this
                        // way: the other way, here or further up.
                        Err(_) => {}
                    }
                    value = loop {
                        let Some(top) = stack.last_mut() else {
                            return Ok(None);
                        };
                        if let Some(other) = top.other.take() {
                            break other;
                        }
                        stack.pop();
                    };
                }
            }
        })();
        let reading = record.solved(solving);
        record.method = match &found {
            Ok(Some(_)) => format!("dive: {solved} programs, {fixes} levels deep"),
            Ok(None) => format!("dive: nothing found in {solved} programs"),
            Err(Failure::Other(message)) => format!("dive failed: {message}"),
            Err(_) => "dive: no solution".to_owned(),
        };
        let values = found.map(|found| found.map(|solution| values_of(&solution, all, &column)));
        record.read(reading);
        using.rec.solve(record);
        values
    }

    /// [`super::solve_holding`] on microlp: the linear program is solved
    /// once, and each variable `hold` holds is fixed in the solution
    /// microlp keeps (`Solution::fix_var`), which solves again by dual
    /// simplex from where it was: only bounds changed, so the last
    /// optimum stays dual feasible. No basis is kept (microlp gives
    /// none).
    pub(super) fn solve_holding(
        prepared: Prepared,
        all: &[Variable],
        using: super::Using,
        settings: &Settings,
        start: Instant,
        template: SolveRecord,
        hold: &mut super::Hold,
    ) -> Result<Option<super::Settled>, Failure> {
        let Built { problem, column } = build(prepared)?;
        let mut since = start;
        let mut solution: Option<Solution> = None;
        let mut held: Vec<(microlp::Variable, f64)> = Vec::new();
        for round in 0.. {
            let mut record = SolveRecord {
                build_seconds: if round == 0 { template.build_seconds } else { 0.0 },
                method: if round == 0 { "simplex" } else { "dual simplex, warm after holding orders" }.to_owned(),
                ..template.clone()
            };
            let solving = record.handoff(since);
            let solved = match solution.take() {
                None => solution_of(problem.solve_with(options(settings))),
                Some(last) => fix_all(last, held.drain(..), using),
            };
            let reading = record.solved(solving);
            let solved = match solved {
                Ok(solved) => solved,
                Err(e) => {
                    if let Failure::Other(message) = &e {
                        record.method = format!("failed: {message}");
                    }
                    using.rec.solve(record);
                    return Err(e);
                }
            };
            let values = values_of(&solved, all, &column);
            record.read(reading);
            using.rec.solve(record);
            match hold(&values) {
                None => return Ok(None),
                Some(now) if now.is_empty() => return Ok(Some((values, None))),
                Some(now) => {
                    for (var, value) in now {
                        held.push((*column.get(&var).ok_or_else(missing)?, value));
                    }
                }
            }
            solution = Some(solved);
            since = Instant::now();
        }
        unreachable!("the rounds above end by returning")
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

    /// The linear program HiGHS holds, as [`crate::lagrange`] reads it:
    /// `None` where HiGHS does not give it back, or it is not a
    /// minimisation.
    pub(super) fn program(solved: &highs::SolvedModel) -> Option<crate::lagrange::Lp> {
        let highs = solved.as_ptr();
        // SAFETY: the pointer is the live HiGHS instance `solved` owns.
        let (cols, rows, nonzeros) =
            unsafe { (highs_sys::Highs_getNumCol(highs), highs_sys::Highs_getNumRow(highs), highs_sys::Highs_getNumNz(highs)) };
        let (n, m, nz) = (usize::try_from(cols).ok()?, usize::try_from(rows).ok()?, usize::try_from(nonzeros).ok()?);
        let (mut cost, mut col_lower, mut col_upper) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let (mut row_lower, mut row_upper) = (vec![0.0; m], vec![0.0; m]);
        let mut start: Vec<highs_sys::HighsInt> = vec![0; n + 1];
        let mut index: Vec<highs_sys::HighsInt> = vec![0; nz];
        let mut value = vec![0.0; nz];
        let (mut got_cols, mut got_rows, mut got_nz, mut sense, mut offset) = (0, 0, 0, 0, 0.0);
        // SAFETY: every array has room for what HiGHS writes: a value per
        // column, per row and per non-zero as counted above, and a start
        // per column (one more, which HiGHS leaves alone); integrality is
        // not asked for (null).
        let status = unsafe {
            highs_sys::Highs_getLp(
                highs,
                highs_sys::kHighsMatrixFormatColwise,
                &mut got_cols,
                &mut got_rows,
                &mut got_nz,
                &mut sense,
                &mut offset,
                cost.as_mut_ptr(),
                col_lower.as_mut_ptr(),
                col_upper.as_mut_ptr(),
                row_lower.as_mut_ptr(),
                row_upper.as_mut_ptr(),
                start.as_mut_ptr(),
                index.as_mut_ptr(),
                value.as_mut_ptr(),
                std::ptr::null_mut(),
            )
        };
        if status == highs_sys::STATUS_ERROR
            || (got_cols, got_rows, got_nz) != (cols, rows, nonzeros)
            || sense != highs_sys::OBJECTIVE_SENSE_MINIMIZE
        {
            return None;
        }
        start[n] = nonzeros;
        // Whether the starts and indices fit is checked where the program
        // is read (`lagrange::lower_bound`).
        let start = start.into_iter().map(usize::try_from).collect::<Result<Vec<_>, _>>().ok()?;
        let index = index.into_iter().map(usize::try_from).collect::<Result<Vec<_>, _>>().ok()?;
        Some(crate::lagrange::Lp { offset, cost, col_lower, col_upper, row_lower, row_upper, start, index, value })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn solve(
        problem: good_lp::variable::UnsolvedProblem,
        constraints: Vec<good_lp::Constraint>,
        all: &[Variable],
        lp: super::LpMethod,
        settings: &Settings,
        warm: Option<Vec<(Variable, f64)>>,
        keys: Option<std::sync::Arc<super::Keys>>,
        start: Instant,
        record: &mut SolveRecord,
    ) -> Result<Solved, Failure> {
        let mut model = hand_off(problem, constraints)?;
        option(&mut model, "mip_rel_gap", settings.mip_gap)?;
        // PDLP's tolerance, and the one HiGHS checks its answer at: loose
        // first where the plan may have a gap (`pdlp_tight_enough`).
        let pdlp_from = if settings.mip_gap > 0.0 { settings.pdlp_tolerance.unwrap_or(super::PDLP_LOOSE[0]) } else { PDLP_TIGHT };
        if !record.integer {
            lp_options(&mut model, lp)?;
            if lp == super::LpMethod::Pdlp {
                option(&mut model, "kkt_tolerance", pdlp_from)?;
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
        // A linear program solved to a vertex, with a basis to start from:
        // dual simplex from it first.
        let from = match (&settings.start, &keys) {
            (Some(basis), Some(keys)) if !record.integer && matches!(lp, super::LpMethod::Simplex | super::LpMethod::IpmCrossover) => {
                Some((&**keys, &**basis))
            }
            _ => None,
        };
        let stop = settings.stop.as_deref().map(|flag| stop_when(&mut model, flag));
        let solving = record.handoff(start);
        let mut solved = match from {
            Some(from) => {
                let crossover = lp == super::LpMethod::IpmCrossover;
                warm_first(model, from, DUAL_SIMPLEX, crossover).map(|(solved, method)| {
                    record.method = method;
                    solved
                })
            }
            None => try_solve(model),
        };
        // PDLP's bound where it checked it already, and its tolerance.
        let mut proven = None;
        let mut pdlp_tolerance = None;
        if lp == super::LpMethod::Pdlp && !record.integer {
            let left = || settings.time_limit_seconds.map(|limit| limit - solving.elapsed().as_secs_f64());
            solved = solved.and_then(|s| pdlp_tight_enough(s, settings.mip_gap, pdlp_from, left, record)).map(|(s, bound, tolerance)| {
                proven = bound;
                pdlp_tolerance = tolerance;
                s
            });
        }
        let reading = record.solved(solving);
        let solved = solved?;
        if let Some(set) = stop {
            // SAFETY: `solved` owns the instance and nothing else uses it
            // now; once stopped, HiGHS never reads the flag again.
            unsafe {
                for kind in STOPPING {
                    highs_sys::Highs_stopCallback(solved.as_ptr().cast_mut(), kind);
                }
            }
            let stopped = settings.stop.as_deref().is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed));
            if set && stopped && solved.status() == HighsModelStatus::ReachedInterrupt {
                record.method = format!("{}: stopped, no longer needed", record.method);
                record.read(reading);
                return Err(Failure::Stopped);
            }
        }
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
        let basis = match &keys {
            Some(keys) if settings.keep_basis && !record.integer && !timed_out => basis_of(&solved, keys),
            _ => None,
        };
        // For a MIP, HiGHS's own gap and proven bound; an LP solved to
        // optimality at a vertex is its own bound; off a vertex (interior
        // point without crossover, PDLP), the Lagrangian bound of its row
        // duals, proven whatever their errors (`lagrange`).
        let vertex = record.integer || !matches!(lp, super::LpMethod::Ipm | super::LpMethod::Pdlp);
        let (mip_gap, bound) = if record.integer {
            let gap = solved.mip_gap();
            let bound = solved.double_info_value(c"mip_dual_bound").ok().filter(|b| b.is_finite());
            (if gap.is_finite() { gap.max(0.0) } else { f64::INFINITY }, bound)
        } else {
            let dual = if timed_out || vertex {
                None
            } else if proven.is_some() {
                proven
            } else {
                // Where these duals leave a column priced at an infinite
                // bound, no duals at all still bound costs that are all
                // ≥ 0 (headroom's) by the objective's constant.
                program(&solved).and_then(|lp| {
                    crate::lagrange::lower_bound(&lp, solution.dual_rows())
                        .or_else(|| crate::lagrange::lower_bound(&lp, &vec![0.0; lp.row_lower.len()]))
                })
            };
            (if timed_out { f64::INFINITY } else { 0.0 }, dual)
        };
        let optimal = !timed_out && mip_gap == 0.0;
        record.read(reading);
        Ok(Solved { values, optimal, mip_gap, bound, duals, method: String::new(), vertex, basis, pdlp_tolerance })
    }

    /// The options for solving a linear program by `lp`. For linear
    /// programs solved by simplex presolve costs more than it saves
    /// (medium's relaxation 14.5 s → 12.5 s without); branch and bound
    /// needs it, and so do the interior point with crossover and PDLP on
    /// the models they get.
    fn lp_options(model: &mut highs::Model, lp: super::LpMethod) -> Result<(), Failure> {
        match lp {
            super::LpMethod::Ipm => {
                option(model, "presolve", "off")?;
                option(model, "solver", "ipm")?;
                option(model, "run_crossover", "off")?;
            }
            super::LpMethod::IpmCrossover => {
                option(model, "presolve", "choose")?;
                option(model, "solver", "ipm")?;
                option(model, "run_crossover", "on")?;
            }
            super::LpMethod::Pdlp => {
                // HiGHS's own PDLP first: 79 s on the planted medium
                // relaxation (22,000 iterations) against 136-143 s for
                // cuPDLP-C. It ran 332 million iterations without
                // stopping on one 7-variable test model, so it gets an
                // iteration limit, and cuPDLP-C the model after it.
                option(model, "solver", "hipdlp")?;
                option(model, "pdlp_iteration_limit", HIPDLP_ITERATIONS)?;
            }
            _ => option(model, "presolve", "off")?,
        }
        Ok(())
    }

    fn try_solve(model: highs::Model) -> Result<highs::SolvedModel, Failure> {
        model.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")))
    }

    /// `simplex_strategy` values.
    const DUAL_SIMPLEX: i32 = 1;
    const PRIMAL_SIMPLEX: i32 = 4;

    /// A start from a basis gets at most this many simplex iterations per
    /// row of the model before the model is solved from scratch by
    /// interior point with crossover instead. Measured on planted
    /// medium's periods (24,359 rows; from scratch 2.6–6.5 s): from the
    /// last period's basis most took 300–3,400 iterations (0.2–1.2 s),
    /// but where demand first outgrew the fleet 6,800 and 33,000–35,000
    /// (5 s and 25 s). Whole `plan --no-growth` there, by this share:
    /// 1/50 34 s, 1/25 33 s, 1/16 31 s, 1/12 24 s, 1/10 25–26 s, 1/8
    /// 27 s, 1/6 30 s, 1/4 32 s; from scratch every time, 31–33 s.
    const WARM_ITERATIONS_PER_ROW: f64 = 1.0 / 10.0;

    /// As [`WARM_ITERATIONS_PER_ROW`], from a basis that is only some
    /// feasible vertex ([`super::Basis::feasible_only`]): where the next
    /// program needs nothing more either, that start is a few hundred
    /// iterations from its optimum; where it needs orders, thousands.
    /// Planted medium: the first period that needs orders, after one
    /// that needed none, ran 2,436 iterations (about 2 s) from there
    /// before giving way to interior point (2.8 s).
    const FEASIBLE_ONLY_ITERATIONS_PER_ROW: f64 = 1.0 / 100.0;

    /// As [`WARM_ITERATIONS_PER_ROW`], from a basis of a program that
    /// decides every machine ordered by its period
    /// ([`super::Basis::by_then`]). Planted medium at tightness 1, from
    /// the last period back: at a tenth, five of its seven starts ran out
    /// and fell back to interior point with crossover (15–21 s each, once
    /// 124 s); at a third every start finishes warm, in 3–10 s, and
    /// `plan --no-growth` took 156 s against 178 s (gap 0.024 % against
    /// 0.030 %), seed 3 183 s against 213 s.
    const BY_THEN_ITERATIONS_PER_ROW: f64 = 1.0 / 3.0;

    /// A basis growth headroom starts from gets at most this many dual
    /// simplex iterations per row to settle with every growth column at
    /// 0 (see [`sweep`]): one of the same fleet takes none.
    const SETTLE_ITERATIONS_PER_ROW: f64 = 1.0 / 100.0;

    /// `per_row` iterations for each of the model's rows: at least one.
    fn iterations(model: &highs::Model, per_row: f64) -> i32 {
        i32::try_from((model.num_rows() as f64 * per_row).ceil() as i64).unwrap_or(i32::MAX).max(1)
    }

    /// Solves `model` from `basis` by `strategy` (dual or primal
    /// simplex). Where the model is large enough to be solved from
    /// scratch by interior point with crossover (`crossover`), that
    /// start gets [`WARM_ITERATIONS_PER_ROW`], and if it has not
    /// finished by then, the model is solved from scratch. Iterations,
    /// not seconds, so that the same model always ends at the same
    /// vertex. The solved model, and how it was solved.
    fn warm_first(
        mut model: highs::Model,
        (keys, basis): (&super::Keys, &super::Basis),
        strategy: i32,
        crossover: bool,
    ) -> Result<(highs::SolvedModel, String), Failure> {
        // Tests set HEADROOM_TEST_WARM_ITERATIONS to give every start that
        // many iterations, whatever the model's size.
        let test_limit = std::env::var("HEADROOM_TEST_WARM_ITERATIONS").ok().and_then(|v| v.parse::<i32>().ok());
        let crossover = crossover || test_limit.is_some();
        let cold = if crossover { "interior point with crossover" } else { "simplex" };
        if !start_from(&mut model, keys, basis)? {
            if crossover {
                lp_options(&mut model, super::LpMethod::IpmCrossover)?;
            }
            return Ok((try_solve(model)?, cold.to_owned()));
        }
        option(&mut model, "simplex_strategy", strategy)?;
        let which = if strategy == PRIMAL_SIMPLEX { "primal" } else { "dual" };
        if !crossover {
            return Ok((try_solve(model)?, format!("{which} simplex, warm from a basis")));
        }
        let per_row = match (basis.feasible_only, basis.by_then) {
            (true, _) => FEASIBLE_ONLY_ITERATIONS_PER_ROW,
            (false, true) => BY_THEN_ITERATIONS_PER_ROW,
            (false, false) => WARM_ITERATIONS_PER_ROW,
        };
        let limit = test_limit.unwrap_or(iterations(&model, per_row));
        option(&mut model, "simplex_iteration_limit", limit)?;
        let (solved, trouble) = guarded_solve(model)?;
        if solved.status() != HighsModelStatus::ReachedIterationLimit && !trouble {
            return Ok((solved, format!("{which} simplex, warm from a basis")));
        }
        let stopped = solved.simplex_iteration_count();
        let why = if trouble { " in numerical trouble" } else { "" };
        let mut model: highs::Model = solved.into();
        option(&mut model, "simplex_iteration_limit", i32::MAX)?;
        lp_options(&mut model, super::LpMethod::IpmCrossover)?;
        Ok((try_solve(model)?, format!("{which} simplex from a basis, stopped{why} after {stopped} iterations; then {cold}")))
    }

    /// What a simplex solve from a basis did, counted as HiGHS went
    /// ([`guarded_solve`]).
    #[derive(Debug, Default)]
    struct Progress {
        /// Simplex iterations so far.
        iterations: i32,
        /// The iteration count at the last rebuild.
        at_rebuild: i32,
        /// Rebuilds of the factorisation of the basis that came fewer
        /// than [`HURRIED`] iterations after the last one.
        hurried: u32,
    }

    /// A rebuild is hurried if it comes fewer than this many iterations
    /// after the last one. Every solve has a few (HiGHS checks at each
    /// start of a phase too).
    const HURRIED: i32 = 5;

    /// A simplex solve from a basis is in numerical trouble once it has
    /// rebuilt in a hurry this many times. Planted medium at tightness 1,
    /// seed 3: period by period's last period, by dual simplex from the
    /// period before's basis, rebuilt at almost every iteration (632
    /// rebuilds by iteration 2,045, most with no iteration between, 0.1–
    /// 0.2 s each; primal infeasibilities up to 1e13), short of its
    /// iteration limit (2,515) after 15 minutes. Stopped here, it falls
    /// back to interior point (38 s in all), and the organisation is
    /// planned. Healthy starts of the same organisations rebuild in a
    /// hurry 3–19 times; one that recovered, 155.
    const TROUBLE_HURRIED: u32 = 200;

    impl Progress {
        /// HiGHS checks once after each iteration and once after each
        /// rebuild: a check at the same iteration count as the last is a
        /// rebuild. Whether the solve is in numerical trouble, and stops.
        fn check(&mut self, iterations: i32) -> bool {
            if iterations == self.iterations {
                if iterations - self.at_rebuild < HURRIED {
                    self.hurried += 1;
                }
                self.at_rebuild = iterations;
            }
            self.iterations = iterations;
            self.in_trouble()
        }

        /// Whether it has rebuilt in a hurry [`TROUBLE_HURRIED`] times.
        fn in_trouble(&self) -> bool {
            self.hurried >= TROUBLE_HURRIED
        }
    }

    /// The checks HiGHS makes as it solves that [`stop_when`] answers: of
    /// the interior point method (IPX, with its crossover) and of simplex.
    const STOPPING: [std::os::raw::c_int; 2] =
        [highs_sys::kHighsCallbackIpmInterrupt as std::os::raw::c_int, highs_sys::kHighsCallbackSimplexInterrupt as std::os::raw::c_int];

    /// Makes `model`'s next solve stop once `flag` is set
    /// ([`Settings::stop`]); the caller keeps `flag` alive until the solve
    /// has ended and stops the checks then. Whether HiGHS took it.
    fn stop_when(model: &mut highs::Model, flag: &std::sync::atomic::AtomicBool) -> bool {
        let user: *const std::sync::atomic::AtomicBool = flag;
        // SAFETY: the pointer is the live HiGHS instance `model` owns; the
        // flag outlives the solve (it is held by the settings the caller
        // holds until after the checks are stopped), and is only read.
        unsafe {
            highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(on_stop_check), user.cast_mut().cast()) != highs_sys::STATUS_ERROR
                && STOPPING.iter().all(|&kind| highs_sys::Highs_startCallback(model.as_mut_ptr(), kind) != highs_sys::STATUS_ERROR)
        }
    }

    /// HiGHS's interrupt checks, on the flag `user` points to
    /// ([`stop_when`]).
    unsafe extern "C" fn on_stop_check(
        kind: std::os::raw::c_int,
        _message: *const std::os::raw::c_char,
        _out: *const highs_sys::HighsCallbackDataOut,
        input: *mut highs_sys::HighsCallbackDataIn,
        user: *mut std::os::raw::c_void,
    ) {
        if !STOPPING.contains(&kind) || input.is_null() || user.is_null() {
            return;
        }
        // SAFETY: HiGHS passes its own live input record, and `user` is
        // the flag `stop_when` was given, alive while HiGHS solves.
        let (input, flag) = unsafe { (&mut *input, &*user.cast_const().cast::<std::sync::atomic::AtomicBool>()) };
        if flag.load(std::sync::atomic::Ordering::Relaxed) {
            input.user_interrupt = 1;
        }
    }

    /// HiGHS's simplex interrupt check, on the [`Progress`] `user` points
    /// to.
    unsafe extern "C" fn on_simplex_check(
        kind: std::os::raw::c_int,
        _message: *const std::os::raw::c_char,
        out: *const highs_sys::HighsCallbackDataOut,
        input: *mut highs_sys::HighsCallbackDataIn,
        user: *mut std::os::raw::c_void,
    ) {
        if kind != highs_sys::kHighsCallbackSimplexInterrupt as std::os::raw::c_int || out.is_null() || input.is_null() || user.is_null() {
            return;
        }
        // SAFETY: HiGHS passes its own live output and input records, and
        // `user` is the `Progress` that `guarded_solve` keeps alive, and
        // does not touch, while HiGHS solves.
        let (out, input, progress) = unsafe { (&*out, &mut *input, &mut *user.cast::<Progress>()) };
        if progress.check(out.simplex_iteration_count) {
            input.user_interrupt = 1;
        }
    }

    /// Solves `model` by simplex from a basis with [`on_simplex_check`]
    /// watching: the solved model, and whether the check ended it for
    /// numerical trouble. Rebuilds are counted, not seconds, so that the
    /// same model always ends at the same point.
    fn guarded_solve(mut model: highs::Model) -> Result<(highs::SolvedModel, bool), Failure> {
        let mut progress = Box::new(Progress::default());
        let user: *mut Progress = &mut *progress;
        // SAFETY: the pointer is the live HiGHS instance `model` owns;
        // `progress` outlives the solve (the check is stopped below, or
        // the instance is gone on an error, before it is dropped), and
        // nothing else touches it meanwhile.
        let set = unsafe {
            highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(on_simplex_check), user.cast()) != highs_sys::STATUS_ERROR
                && highs_sys::Highs_startCallback(model.as_mut_ptr(), highs_sys::kHighsCallbackSimplexInterrupt) != highs_sys::STATUS_ERROR
        };
        let solved = try_solve(model)?;
        if set {
            // SAFETY: `solved` owns the instance and nothing else uses it
            // now; once stopped, HiGHS never reads `progress` again.
            unsafe {
                highs_sys::Highs_stopCallback(solved.as_ptr().cast_mut(), highs_sys::kHighsCallbackSimplexInterrupt);
            }
        }
        let trouble = progress.in_trouble() && solved.status() == HighsModelStatus::ReachedInterrupt;
        Ok((solved, trouble))
    }

    /// Sets `basis` on `model` (columns and rows by [`super::Keys`]), and
    /// the options to solve from it: simplex, no presolve. Whether HiGHS
    /// took it.
    fn start_from(model: &mut highs::Model, keys: &super::Keys, basis: &super::Basis) -> Result<bool, Failure> {
        use highs_sys::{kHighsBasisStatusBasic as BASIC, kHighsBasisStatusLower as LOWER};
        if keys.columns.len() != model.num_cols() || keys.rows.len() != model.num_rows() {
            return Ok(false);
        }
        // As they are where the model's names are the basis's, in the same
        // order; else by name.
        let same = std::ptr::eq(keys, &*basis.keys) || *keys == *basis.keys;
        let by_name = |keys: &[u64], of: &[u64], statuses: &[i32], unknown: i32| -> Vec<highs_sys::HighsInt> {
            let status: HashMap<u64, i32> = of.iter().copied().zip(statuses.iter().copied()).collect();
            keys.iter().map(|k| status.get(k).copied().unwrap_or(unknown)).collect()
        };
        let (columns, rows) = if same {
            (basis.columns.clone(), basis.rows.clone())
        } else {
            (by_name(&keys.columns, &basis.keys.columns, &basis.columns, LOWER), by_name(&keys.rows, &basis.keys.rows, &basis.rows, BASIC))
        };
        // SAFETY: the pointer is the live HiGHS instance `model` owns; the
        // two arrays have one status per column and per row (checked
        // above), and HiGHS copies them.
        let status = unsafe { highs_sys::Highs_setBasis(model.as_mut_ptr(), columns.as_ptr(), rows.as_ptr()) };
        if status == highs_sys::STATUS_ERROR {
            return Ok(false);
        }
        option(model, "solver", "simplex")?;
        option(model, "presolve", "off")?;
        Ok(true)
    }

    /// The basis a solved model ends on, by [`super::Keys`]; `None` where
    /// HiGHS has none (it stopped off a vertex).
    fn basis_of(solved: &highs::SolvedModel, keys: &std::sync::Arc<super::Keys>) -> Option<super::Basis> {
        let (n, m) = (keys.columns.len(), keys.rows.len());
        // SAFETY: the pointer is the live HiGHS instance `solved` owns.
        let (cols, rows) = unsafe { (highs_sys::Highs_getNumCol(solved.as_ptr()), highs_sys::Highs_getNumRow(solved.as_ptr())) };
        if usize::try_from(cols).ok() != Some(n) || usize::try_from(rows).ok() != Some(m) {
            return None;
        }
        let mut columns: Vec<highs_sys::HighsInt> = vec![0; n];
        let mut rows: Vec<highs_sys::HighsInt> = vec![0; m];
        // SAFETY: the pointer is the live HiGHS instance `solved` owns, and
        // the arrays have room for a status per column and per row
        // (checked above).
        let status = unsafe { highs_sys::Highs_getBasis(solved.as_ptr(), columns.as_mut_ptr(), rows.as_mut_ptr()) };
        if status == highs_sys::STATUS_ERROR {
            return None;
        }
        Some(super::Basis { keys: keys.clone(), columns, rows, feasible_only: false, by_then: false })
    }

    /// The problem handed to HiGHS, with the options every solve here
    /// shares.
    pub(super) fn hand_off(
        problem: good_lp::variable::UnsolvedProblem,
        constraints: Vec<good_lp::Constraint>,
    ) -> Result<highs::Model, Failure> {
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
    /// planted medium relaxation takes 12,000–24,000 (below).
    const HIPDLP_ITERATIONS: i32 = 100_000;

    /// PDLP's answer (hipdlp stopped at its iteration limit is followed by
    /// cuPDLP-C, [`cupdlp`]), with its bound where it was computed here and
    /// the tolerance it was found at. Where the plan may have a gap
    /// (`mip_gap` > 0), PDLP ran at `from`, one of [`super::PDLP_LOOSE`],
    /// and its bound must be within a third of that gap of its objective,
    /// so that most of the gap is left to whole machines; else PDLP runs
    /// again at the next tolerance, and after the last at HiGHS's own
    /// (relative 1e-7, `from` where there is no gap), in the time left.
    /// hipdlp takes no starting point,
    /// so each run starts from scratch; the looser ones cost a fraction of
    /// the next (planted medium: 2,040 iterations at 1e-3, 12,160 at
    /// 1e-4).
    fn pdlp_tight_enough(
        solved: highs::SolvedModel,
        mip_gap: f64,
        from: f64,
        left: impl Fn() -> Option<f64>,
        record: &mut SolveRecord,
    ) -> Result<(highs::SolvedModel, Option<f64>, Option<f64>), Failure> {
        // hipdlp stopped at its iteration limit: cuPDLP-C, in the time left.
        let finished = |s: highs::SolvedModel| {
            if s.status() == HighsModelStatus::ReachedIterationLimit {
                cupdlp(s.into(), left())
            } else {
                Ok(s)
            }
        };
        let mut solved = finished(solved)?;
        let mut tolerance = from;
        loop {
            if solved.status() != HighsModelStatus::Optimal || tolerance <= PDLP_TIGHT || mip_gap <= 0.0 {
                return Ok((solved, None, Some(tolerance)));
            }
            let objective = solved.objective_value();
            let bound = program(&solved).and_then(|lp| crate::lagrange::lower_bound(&lp, solved.get_solution().dual_rows()));
            let slack = bound.map_or(f64::INFINITY, |b| (objective - b) / objective.abs().max(1.0));
            if slack <= mip_gap / 3.0 {
                return Ok((solved, bound, Some(tolerance)));
            }
            tolerance = super::tighter_pdlp(tolerance).unwrap_or(PDLP_TIGHT);
            record.method = format!("PDLP (again at {tolerance:e})");
            let mut model: highs::Model = solved.into();
            option(&mut model, "kkt_tolerance", tolerance)?;
            if let Some(limit) = left() {
                if limit <= 0.0 {
                    return Err(Failure::TimeLimit);
                }
                time_limit(&mut model, limit)?;
            }
            solved = finished(try_solve(model)?)?;
        }
    }

    /// HiGHS's default tolerance, for PDLP run again
    /// ([`pdlp_tight_enough`]).
    const PDLP_TIGHT: f64 = 1e-7;

    /// The model solved again by cuPDLP-C, within `seconds`.
    fn cupdlp(mut model: highs::Model, seconds: Option<f64>) -> Result<highs::SolvedModel, Failure> {
        option(&mut model, "solver", "pdlp")?;
        option(&mut model, "pdlp_iteration_limit", i32::MAX)?;
        if let Some(limit) = seconds {
            if limit <= 0.0 {
                return Err(Failure::TimeLimit);
            }
            time_limit(&mut model, limit)?;
        }
        try_solve(model)
    }

    /// [`super::sweep`] on HiGHS, on a model handed off once: per column
    /// its bounds opened, a solve, its value read, its bounds closed
    /// again. `solved`: the model was solved before (by another sweep),
    /// and the first column goes on from where that left it. The model
    /// after, and whether it was solved.
    #[allow(clippy::too_many_arguments)]
    pub fn sweep(
        mut model: highs::Model,
        columns: &[usize],
        upper: f64,
        (keys, from, starts): (&std::sync::Arc<super::Keys>, Option<&super::Basis>, &[Option<&super::Basis>]),
        using: super::Using,
        start: Instant,
        template: SolveRecord,
        solved: bool,
    ) -> Result<(Vec<super::Swept>, highs::Model, bool), Failure> {
        for &c in columns {
            close(&mut model, c)?;
        }
        // Primal simplex perturbs the bounds it works against, to get past
        // degenerate vertices, and takes the perturbation out after. A
        // tenth of HiGHS's default is enough here: a push of a growth
        // column moves placements by little where the fleet is tight, and
        // the default perturbation cost more than the move. Planted
        // medium: growth headroom 62 s → 33 s of CPU (the pushes of the
        // tight periods 30 s → 9 s); easy medium 171 s → 151 s. A
        // hundredth did about as well (32 s, 144 s); none at all, 41 s.
        option(&mut model, "primal_simplex_bound_perturbation_multiplier", 0.1)?;
        let mut since = start;
        // From a basis of the same period's placements: first with every
        // growth column at 0, where that basis is optimal as it is if the
        // placements were solved on this very fleet (the objective is 0,
        // so any feasible basis is). Then primal simplex pushes each
        // column up from the last basis (below). Where the basis is of
        // another fleet (period by period's, before that period's
        // arrivals were rounded up), dual simplex would take thousands of
        // iterations to settle it, and the first column is instead pushed
        // up from it directly ([`first`]). Planted medium, growth
        // headroom's CPU: always settling 86 s, never 57 s; easy medium
        // (placements on its fleet): 152 s against 174 s.
        // Not where the first column has a start of its own.
        let (mut settled, mut build_seconds) = (solved, template.build_seconds);
        if let (Some(basis), None, false) = (from, starts.first().copied().flatten(), solved) {
            time_left(&mut model, using)?;
            if start_from(&mut model, keys, basis)? {
                option(&mut model, "simplex_strategy", DUAL_SIMPLEX)?;
                let limit = iterations(&model, SETTLE_ITERATIONS_PER_ROW);
                option(&mut model, "simplex_iteration_limit", limit)?;
                let mut record =
                    SolveRecord { method: "dual simplex, warm from a basis, every column at 0".to_owned(), ..template.clone() };
                let solving = record.handoff(since);
                let solved = try_solve(model);
                let reading = record.solved(solving);
                let solved = solved?;
                record.read(reading);
                settled = solved.status() == HighsModelStatus::Optimal;
                if !settled {
                    record.method = format!(
                        "dual simplex, warm from a basis, every column at 0: stopped after {} iterations",
                        solved.simplex_iteration_count()
                    );
                }
                using.rec.solve(record);
                build_seconds = 0.0;
                model = solved.into();
                simplex_from_here(&mut model, PRIMAL_SIMPLEX)?;
                since = Instant::now();
            }
        }
        // Whether the model has been solved, so that a column without a
        // start of its own goes on from the last basis.
        let mut going = settled;
        let mut out = Vec::with_capacity(columns.len());
        for (k, &c) in columns.iter().enumerate() {
            time_left(&mut model, using)?;
            set_bounds(&mut model, c, 0.0, upper)?;
            let mut record = SolveRecord { build_seconds, method: String::new(), ..template.clone() };
            let solving = record.handoff(since);
            // From its own start (its program's basis of the last
            // period), else from the last basis, else the first: from the
            // basis given, or from scratch.
            let own = match starts.get(k).copied().flatten() {
                Some(basis) => start_from(&mut model, keys, basis)?,
                None => false,
            };
            let solved = if own {
                option(&mut model, "simplex_strategy", PRIMAL_SIMPLEX)?;
                option(&mut model, "simplex_iteration_limit", i32::MAX)?;
                try_solve(model).map(|solved| (solved, "primal simplex, warm from its program's basis of the last period".to_owned()))
            } else if going {
                try_solve(model).map(|solved| (solved, "primal simplex, warm from the last basis".to_owned()))
            } else {
                first(model, from.map(|basis| (&**keys, basis)), PRIMAL_SIMPLEX, &template)
            };
            let solved = solved.map(|(solved, method)| {
                record.method = method;
                solved
            });
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
            // Only where the caller keeps starts: reading a basis costs.
            let basis = value.filter(|_| !starts.is_empty()).and_then(|_| basis_of(&solved, keys));
            record.read(reading);
            using.rec.solve(record);
            out.push((value, basis));
            model = solved.into();
            set_bounds(&mut model, c, 0.0, 0.0)?;
            if !going {
                // From here on primal simplex, from the basis the last
                // solve left: only the column just closed is out of its
                // bounds there, and the next one only has to be pushed
                // up. Measured on the planted medium organisation's
                // periods (highspy, same HiGHS): 0.05–1.8 s a solve,
                // where dual simplex took up to 31 s on one period and a
                // solve from scratch 5–7 s.
                simplex_from_here(&mut model, PRIMAL_SIMPLEX)?;
                going = true;
            }
            build_seconds = 0.0;
            since = Instant::now();
        }
        Ok((out, model, going))
    }

    /// Holds column `c` at 0.
    pub(super) fn close(model: &mut highs::Model, c: usize) -> Result<(), Failure> {
        set_bounds(model, c, 0.0, 0.0)
    }

    /// [`super::solve_holding`] on HiGHS: one hand-off; the first solve to
    /// a vertex ([`first_vertex`]), each next
    /// one by dual simplex after the held columns' bounds are set.
    #[allow(clippy::too_many_arguments)]
    pub fn solve_holding(
        prepared: super::Prepared,
        all: &[Variable],
        using: super::Using,
        settings: &Settings,
        keys: &std::sync::Arc<super::Keys>,
        start: Instant,
        template: SolveRecord,
        hold: &mut super::Hold,
        held: &mut Vec<(Variable, f64)>,
        again: bool,
    ) -> Result<Option<super::Settled>, Failure> {
        let column: HashMap<Variable, usize> = all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let column_of =
            |var: &Variable| column.get(var).copied().ok_or_else(|| Failure::Other("internal: a held variable is not in the model".into()));
        let super::Prepared { vars, objective, constraints } = prepared;
        let mut model = hand_off(vars.minimise(objective), constraints)?;
        // Solved again after an error: to a vertex from scratch, as a
        // first solve without a basis is (interior point with crossover
        // on large models: on planted medium at tightness 1, 5.9 s where
        // dual simplex took 98 s, and once ran 625 s to end in an error
        // again).
        let cold = match again {
            false => None,
            true => {
                for (var, value) in held.iter() {
                    set_bounds(&mut model, column_of(var)?, *value, *value)?;
                }
                let crossover = first_vertex(&mut model, &template)?;
                Some(if crossover { "interior point with crossover" } else { "simplex" })
            }
        };
        let mut since = start;
        // Tests make HiGHS fail at this round (0: the first solve), as it
        // rarely does on its own and never on a small model.
        let fail_at = std::env::var("HEADROOM_TEST_HIGHS_ERROR_AT_ROUND").ok().and_then(|v| v.parse::<usize>().ok()).filter(|_| !again);
        for round in 0.. {
            time_left(&mut model, using)?;
            let mut record = SolveRecord {
                build_seconds: if round == 0 { template.build_seconds } else { 0.0 },
                method: String::new(),
                ..template.clone()
            };
            let solving = record.handoff(since);
            let solved = if fail_at == Some(round) {
                Err(Failure::Other("HiGHS error while solving: Error (a test's)".into()))
            } else if let Some(method) = cold.filter(|_| round == 0) {
                try_solve(model).map(|solved| (solved, format!("{method}, after a HiGHS error")))
            } else if round == 0 {
                first(model, settings.start.as_deref().map(|basis| (&**keys, basis)), DUAL_SIMPLEX, &template)
            } else {
                try_solve(model).map(|solved| (solved, "dual simplex, warm after holding orders".to_owned()))
            };
            let solved = solved.map(|(solved, method)| {
                record.method = method;
                solved
            });
            let reading = record.solved(solving);
            let solved = match solved {
                Ok(solved) => solved,
                Err(e) => {
                    record.method = format!("failed: {e:?}");
                    using.rec.solve(record);
                    return Err(e);
                }
            };
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
            let held_now = match hold(&values) {
                None => return Ok(None),
                Some(held_now) if held_now.is_empty() => {
                    let basis = if settings.keep_basis { basis_of(&solved, keys) } else { None };
                    return Ok(Some((values, basis)));
                }
                Some(held_now) => held_now,
            };
            model = solved.into();
            for (var, value) in held_now {
                set_bounds(&mut model, column_of(&var)?, value, value)?;
                held.push((var, value));
            }
            if round == 0 {
                simplex_from_here(&mut model, DUAL_SIMPLEX)?;
            }
            since = Instant::now();
        }
        unreachable!("the rounds above end by returning")
    }

    /// The first solve of a model that is solved again after (a sweep, a
    /// hold): from `from`'s basis by `strategy` ([`warm_first`]), or to a
    /// vertex from scratch ([`first_vertex`]). The solved model, and how
    /// it was solved.
    fn first(
        mut model: highs::Model,
        from: Option<(&super::Keys, &super::Basis)>,
        strategy: i32,
        template: &SolveRecord,
    ) -> Result<(highs::SolvedModel, String), Failure> {
        if let Some(from) = from {
            return warm_first(model, from, strategy, template.variables > super::AUTO_CROSSOVER_VARIABLES);
        }
        let crossover = first_vertex(&mut model, template)?;
        Ok((try_solve(model)?, if crossover { "interior point with crossover" } else { "simplex" }.to_owned()))
    }

    /// The options for each next solve of a model, from the basis the last
    /// one left, by `strategy` (dual or primal simplex).
    fn simplex_from_here(model: &mut highs::Model, strategy: i32) -> Result<(), Failure> {
        option(model, "solver", "simplex")?;
        option(model, "presolve", "off")?;
        option(model, "simplex_strategy", strategy)?;
        option(model, "simplex_iteration_limit", i32::MAX)
    }

    /// A vertex to start from, as `LpMethod::Vertex` gives: simplex on
    /// small models, interior point with crossover past
    /// `AUTO_CROSSOVER_VARIABLES`. Whether it is the latter.
    fn first_vertex(model: &mut highs::Model, template: &SolveRecord) -> Result<bool, Failure> {
        // Tests set HEADROOM_TEST_CROSSOVER to take the large models' way
        // on small ones.
        let crossover = template.variables > super::AUTO_CROSSOVER_VARIABLES || std::env::var_os("HEADROOM_TEST_CROSSOVER").is_some();
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
            time_limit(model, left)?;
        }
        Ok(())
    }

    /// Gives the next solve of `model` `seconds`, counted from now.
    /// HiGHS holds its time limit against the time of every solve of
    /// the instance added up: its clocks are not reset when a solve
    /// starts (`Highs_zeroAllClocks` in its C API says so). A model
    /// solved again and again — a sweep of growth headroom, a period's
    /// holds — stopped with "time limit reached" long before the
    /// deadline once its solves so far took longer than what was left
    /// (easy medium's growth headroom was dropped at 45 s of a 60 s
    /// limit), so the clocks are zeroed first.
    fn time_limit(model: &mut highs::Model, seconds: f64) -> Result<(), Failure> {
        // SAFETY: the pointer is the live HiGHS instance `model` owns;
        // zeroing its clocks touches nothing else.
        let status = unsafe { highs_sys::Highs_zeroAllClocks(model.as_mut_ptr()) };
        if status == highs_sys::STATUS_ERROR {
            return Err(Failure::Other("HiGHS could not reset its clocks".into()));
        }
        option(model, "time_limit", seconds)
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

    #[cfg(test)]
    mod clocks {
        use super::*;
        use good_lp::{constraint, variable, Expression, ProblemVariables};

        /// min Σ c·x over an n × n grid of columns: each row's sum at
        /// least 1, each column's at most 1.5, handed to HiGHS.
        fn grid(n: usize) -> Result<highs::Model, Failure> {
            let (vars, objective, constraints, _) = grid_problem(n);
            hand_off(vars.minimise(objective), constraints)
        }

        /// [`grid`]'s problem, with its variables in order.
        fn grid_problem(n: usize) -> (ProblemVariables, Expression, Vec<good_lp::Constraint>, Vec<Variable>) {
            let mut vars = ProblemVariables::new();
            let x: Vec<Vec<Variable>> = (0..n).map(|_| (0..n).map(|_| vars.add(variable().min(0))).collect()).collect();
            let cost = |i: usize, j: usize| 1.0 + ((i * 7_919 + j * 104_729) % 1_000) as f64 / 1_000.0;
            let objective: Expression = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| cost(i, j) * x[i][j]).sum();
            let mut constraints = Vec::new();
            for i in 0..n {
                let row: Expression = x[i].iter().sum();
                constraints.push(constraint!(row >= 1));
                let column: Expression = x.iter().map(|r| r[i]).sum();
                constraints.push(constraint!(column <= 1.5));
            }
            let all = x.into_iter().flatten().collect();
            (vars, objective, constraints, all)
        }

        /// A solve whose answer is no longer needed ([`Settings::stop`]
        /// set) stops at HiGHS's first check, by interior point with
        /// crossover and by simplex, and says so; one still needed solves.
        #[test]
        fn a_solve_no_longer_needed_stops() {
            use std::sync::{atomic::AtomicBool, Arc};
            for (set, lp) in [
                (true, super::super::LpMethod::IpmCrossover),
                (true, super::super::LpMethod::Simplex),
                (false, super::super::LpMethod::IpmCrossover),
            ] {
                let (vars, objective, constraints, all) = grid_problem(200);
                let settings = Settings { stop: Some(Arc::new(AtomicBool::new(set))), ..Settings::lp("test") };
                let mut record = SolveRecord { method: lp.name().to_owned(), ..crate::backend::tests::record() };
                let solved =
                    super::solve(vars.minimise(objective), constraints, &all, lp, &settings, None, None, Instant::now(), &mut record);
                if set {
                    assert_eq!(solved.err(), Some(Failure::Stopped), "{lp:?}");
                    assert!(record.method.ends_with(": stopped, no longer needed"), "{}", record.method);
                } else {
                    assert!(solved.expect("solves").optimal, "{lp:?}");
                }
            }
        }

        /// The seconds HiGHS has counted on `model`'s clocks.
        fn run_time(model: &highs::SolvedModel) -> f64 {
            // SAFETY: the pointer is the live HiGHS instance `model` owns;
            // reading its clock changes nothing.
            unsafe { highs_sys::Highs_getRunTime(model.as_ptr()) }
        }

        /// A model solved for a while, then solved again after a column
        /// it uses is closed (a few iterations), with half that while to
        /// go: HiGHS alone stops at once, counting the first solve; with
        /// [`time_limit`] the second solve has its half to itself.
        #[test]
        fn a_time_limit_counts_from_the_solve_it_is_set_for() {
            // Large enough that the first solve takes a tenth of a second.
            let first = |n: usize| {
                let solved = try_solve(grid(n).expect("hands off")).expect("solves");
                assert_eq!(solved.status(), HighsModelStatus::Optimal);
                let seconds = run_time(&solved);
                (solved, seconds)
            };
            let mut n = 100;
            while first(n).1 < 0.1 && n < 1_600 {
                n *= 2;
            }
            let again = |zeroed: bool| {
                let (solved, seconds) = first(n);
                // A column the optimum uses: closing it leaves the last
                // basis short of optimal, so the solve has work to do.
                let used = solved.get_solution().columns().iter().position(|&x| x > 1e-6).expect("a column in use");
                let mut model: highs::Model = solved.into();
                set_bounds(&mut model, used, 0.0, 0.0).expect("bounds");
                if zeroed {
                    time_limit(&mut model, seconds / 2.0).expect("limit");
                } else {
                    option(&mut model, "time_limit", seconds / 2.0).expect("limit");
                }
                (try_solve(model).expect("solves").status(), seconds)
            };
            let (status, seconds) = again(false);
            assert_eq!(status, HighsModelStatus::ReachedTimeLimit, "HiGHS's own clocks, after {seconds} s at n = {n}");
            assert_eq!(again(true).0, HighsModelStatus::Optimal);
        }
    }

    #[cfg(test)]
    mod guard {
        use super::*;

        /// The interrupt checks of a solve: `iterations` after each
        /// iteration, the same count again after each rebuild.
        fn run(checks: impl IntoIterator<Item = i32>) -> (Progress, Option<usize>) {
            let mut progress = Progress::default();
            let stop = checks.into_iter().position(|i| progress.check(i));
            (progress, stop)
        }

        #[test]
        fn a_healthy_solve_goes_on() {
            // A few checks at the start, then a rebuild every 100
            // iterations, 10,000 iterations in all.
            let checks = [0, 0, 0].into_iter().chain((1..=10_000).flat_map(|i| if i % 100 == 0 { vec![i, i] } else { vec![i] }));
            let (progress, stop) = run(checks);
            assert_eq!(stop, None);
            assert_eq!(progress.iterations, 10_000);
            assert!(progress.hurried < 5, "{progress:?}");
        }

        #[test]
        fn a_solve_that_rebuilds_at_every_iteration_stops() {
            // Healthy for 1,000 iterations, then a rebuild after each one
            // and several without one.
            let healthy = (1..=1_000).flat_map(|i| if i % 100 == 0 { vec![i, i] } else { vec![i] });
            let trouble = (1_001..).flat_map(|i| vec![i, i, i, i]);
            let (progress, stop) = run(healthy.chain(trouble).take(100_000));
            let stop = stop.expect("stopped");
            assert!(progress.in_trouble() && progress.hurried == TROUBLE_HURRIED, "{progress:?}");
            // Each troubled iteration rebuilds three times.
            assert!(progress.iterations < 1_000 + TROUBLE_HURRIED as i32, "{progress:?}");
            assert!(stop > 1_000);
        }

        #[test]
        fn rebuilds_far_apart_are_not_hurried() {
            let checks = (1..=2_000).flat_map(|i| if i % HURRIED == 0 { vec![i, i] } else { vec![i] });
            let (progress, stop) = run(checks);
            assert_eq!((progress.hurried, stop), (0, None), "{progress:?}");
        }
    }
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use good_lp::{constraint, variable, ProblemVariables};

    /// min x + 2y s.t. x + y ≥ 2, x ≤ 1.5, x ≥ 0, 0 ≤ y ≤ 10: optimum 2.5
    /// at (1.5, 0.5), with duals 2 (the `≥` row) and −1 (the `≤` row).
    fn by_hand() -> (Prepared, Vec<Variable>) {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let y = vars.add(variable().min(0).max(10));
        let constraints = vec![constraint!(x + y >= 2), constraint!(x <= 1.5)];
        (Prepared { vars, objective: x + 2 * y, constraints }, vec![x, y])
    }

    /// A record for a solve of [`by_hand`].
    pub(super) fn record() -> SolveRecord {
        SolveRecord {
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
            ended_seconds: 0.0,
        }
    }

    #[test]
    fn the_program_read_back_from_highs_gives_the_optimum_at_the_optimal_duals() {
        let (prepared, all) = by_hand();
        let Prepared { vars, objective, constraints } = prepared;
        let model = with_highs::hand_off(vars.minimise(objective), constraints).expect("handed off");
        let solved = model.try_solve().expect("solves");
        let lp = with_highs::program(&solved).expect("the program");
        assert_eq!((lp.cost.len(), lp.row_lower.len(), lp.index.len()), (all.len(), 2, 3));
        // good_lp hands the `≥` row over as x + y ∈ [2, ∞) or negated;
        // either way HiGHS's own duals give the optimum back.
        let duals = solved.get_solution().dual_rows().to_vec();
        let bound = crate::lagrange::lower_bound(&lp, &duals).expect("a bound");
        assert!((bound - 2.5).abs() < 1e-9, "{bound} from {duals:?}");
    }

    #[test]
    fn off_a_vertex_the_bound_is_proven() {
        for lp in [LpMethod::Pdlp, LpMethod::Ipm] {
            let (prepared, all) = by_hand();
            let rec = Recorder::new();
            let using = Using { backend: Backend::Highs, lp, deadline: None, rec: &rec, keep_bases: false };
            let solved =
                solve_prepared(prepared, &all, using, &Settings::lp("test"), None, None, Instant::now(), &mut record()).expect("solves");
            assert!(!solved.vertex);
            let bound = solved.bound.expect("a Lagrangian bound");
            assert!(bound <= 2.5 + 1e-9 && bound > 2.5 - 1e-4, "{lp:?}: {bound}");
            assert!((solved.values[&all[0]] - 1.5).abs() < 1e-4, "{lp:?}");
        }
    }

    /// A basis is keyed by names with the period taken out; the key is
    /// computed without making the new name, and must be the same.
    #[test]
    fn a_name_keyed_without_its_period_is_the_name_with_the_period_taken_out() {
        let period = "2027Q1";
        let by_hand = |name: &str| name_key(&name.replace("|2027Q1]", "|]").replace("|2027Q1|", "||"));
        for name in [
            "z[web@eu|c1|2027Q1]",
            "resource[c1|cpu|2027Q1]",
            "cover[web@eu|2027Q1|g2]",
            "x[|2027Q1|2027Q1]",
            "z[web@eu|c1|2027Q10]",
            "z[web@eu|c1|2027Q]",
            "a|2027Q1",
            "|2027Q1]",
            "order[c1|m1|2027Q1]x",
            "",
            "plain",
        ] {
            assert_eq!(general_key(name, period), by_hand(name), "{name}");
        }
        assert_eq!(general_key("z[a|2027Q1]", ""), name_key("z[a|2027Q1]"));
    }

    /// The basis one solve ends on starts the next, of a model much like
    /// it, by name: here [`by_hand`] with `x ≤ 1` instead of `x ≤ 1.5`,
    /// and a row it did not have (`y ≤ 5`, its slack basic). The optimum
    /// is the new model's, x = 1, y = 1, 3, by dual simplex from the
    /// basis.
    #[test]
    fn a_kept_basis_starts_the_next_solve_by_name() {
        let rec = Recorder::new();
        let using = Using { backend: Backend::Highs, lp: LpMethod::Simplex, deadline: None, rec: &rec, keep_bases: false };
        let names = |rows: &[&str]| {
            std::sync::Arc::new(Keys { columns: vec![name_key("x"), name_key("y")], rows: rows.iter().map(|r| name_key(r)).collect() })
        };
        let (prepared, all) = by_hand();
        let keep = Settings { keep_basis: true, ..Settings::lp("test") };
        let first = solve_prepared(prepared, &all, using, &keep, None, Some(names(&["cover", "cap"])), Instant::now(), &mut record())
            .expect("solves");
        let basis = first.basis.expect("a basis kept");
        assert_eq!(basis.rows.len(), 2);

        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let y = vars.add(variable().min(0));
        let constraints = vec![constraint!(y <= 5), constraint!(x + y >= 2), constraint!(x <= 1)];
        let prepared = Prepared { vars, objective: x + 2 * y, constraints };
        let start = Settings { start: Some(std::sync::Arc::new(basis)), ..Settings::lp("test") };
        let mut next = record();
        let solved =
            solve_prepared(prepared, &[x, y], using, &start, None, Some(names(&["room", "cover", "cap"])), Instant::now(), &mut next)
                .expect("solves");
        assert_eq!(next.method, "dual simplex, warm from a basis");
        assert!((solved.values[&x] - 1.0).abs() < 1e-9 && (solved.values[&y] - 1.0).abs() < 1e-9, "{:?}", solved.values);
    }
}

/// microlp as [`with_microlp`] drives it, on problems solved by hand.
#[cfg(test)]
mod microlp_tests {
    use super::*;
    use good_lp::{constraint, variable, ProblemVariables};

    fn solve(prepared: Prepared, all: &[Variable], settings: &Settings) -> Result<Solved, Failure> {
        let mut record = record_of(&prepared, "test", 0.0);
        with_microlp::solve(prepared, all, settings, None, Instant::now(), &mut record)
    }

    /// min x + 2y s.t. x + y ≥ 2, x ≤ 1.5, x, y ≥ 0: optimum 2.5 at
    /// (1.5, 0.5). With y whole, y = 0 leaves x ≥ 2 > 1.5, so y = 1 and
    /// x = 1: optimum 3.
    #[test]
    fn a_linear_and_an_integer_program_by_hand() {
        for integer in [false, true] {
            let mut vars = ProblemVariables::new();
            let x = vars.add(variable().min(0));
            let y = vars.add(if integer { variable().min(0).integer() } else { variable().min(0) });
            let constraints = vec![constraint!(x + y >= 2), constraint!(x <= 1.5)];
            let prepared = Prepared { vars, objective: x + 2 * y, constraints };
            let solved = solve(prepared, &[x, y], &Settings::lp("test")).expect("solves");
            let want = if integer { (1.0, 1.0) } else { (1.5, 0.5) };
            assert!((solved.values[&x] - want.0).abs() < 1e-9 && (solved.values[&y] - want.1).abs() < 1e-9, "{:?}", solved.values);
            assert!(solved.optimal && solved.vertex);
            // A whole number is read exactly.
            if integer {
                assert_eq!(solved.values[&y], 1.0);
            }
        }
    }

    /// x ≥ 1, x ≤ 0: infeasible, said so; and an integer variable whose
    /// bounds hold no whole number.
    #[test]
    fn infeasible_programs_are_infeasible() {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let prepared = Prepared { vars, objective: x.into(), constraints: vec![constraint!(x >= 1), constraint!(x <= 0)] };
        assert_eq!(solve(prepared, &[x], &Settings::lp("test")).err(), Some(Failure::Infeasible));
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0.2).max(0.8).integer());
        let prepared = Prepared { vars, objective: x.into(), constraints: Vec::new() };
        assert_eq!(solve(prepared, &[x], &Settings::lp("test")).err(), Some(Failure::Infeasible));
    }

    /// Coefficients of at most 1e-9 are left out, as HiGHS leaves them
    /// out: min x s.t. x − 1e-10·y = 1, y = 1e6 gives x = 1, not
    /// 1.0001. (A dependency ratio of 1e-300, at the edge of what `check`
    /// accepts, made microlp fail without this: `tests/limits/edges`.)
    #[test]
    fn negligible_coefficients_are_left_out() {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0));
        let y = vars.add(variable().min(1e6).max(1e6));
        let constraints = vec![constraint!(x - 1e-10 * y == 1), constraint!(x - 1e-300 * y >= 0)];
        let prepared = Prepared { vars, objective: x.into(), constraints };
        let solved = solve(prepared, &[x, y], &Settings::lp("test")).expect("solves");
        assert!((solved.values[&x] - 1.0).abs() < 1e-9, "{:?}", solved.values);
    }

    /// Holding variables, as whole machines period by period holds
    /// orders: min x + 2y s.t. x + y ≥ 2, x ≤ 1.5 is 2.5 at (1.5, 0.5);
    /// with x held at 1, (1, 1); y held at 0.25 leaves x + y ≤ 1.75
    /// < 2, infeasible. And a hold that gives up is `None`.
    #[test]
    fn held_variables_are_solved_again_from_the_last_solution() {
        let program = || {
            let mut vars = ProblemVariables::new();
            let x = vars.add(variable().min(0));
            let y = vars.add(variable().min(0));
            let constraints = vec![constraint!(x + y >= 2), constraint!(x <= 1.5)];
            (Prepared { vars, objective: x + 2 * y, constraints }, x, y)
        };
        let rec = crate::stats::Recorder::new();
        let using = Using { backend: Backend::Microlp, lp: LpMethod::Auto, deadline: None, rec: &rec, keep_bases: false };
        let holding = |prepared: Prepared, all: &[Variable], hold: &mut Hold| {
            let record = record_of(&prepared, "test", 0.0);
            with_microlp::solve_holding(prepared, all, using, &Settings::lp("test"), Instant::now(), record, hold)
        };
        let (prepared, x, y) = program();
        let mut seen = Vec::new();
        let mut hold = |values: &HashMap<Variable, f64>| {
            seen.push((values[&x], values[&y]));
            Some(if seen.len() == 1 { vec![(x, 1.0)] } else { Vec::new() })
        };
        let (values, basis) = holding(prepared, &[x, y], &mut hold).expect("solves").expect("settles");
        assert!((values[&x] - 1.0).abs() < 1e-9 && (values[&y] - 1.0).abs() < 1e-9, "{values:?}");
        assert!(basis.is_none());
        assert_eq!(seen.len(), 2);
        assert!((seen[0].0 - 1.5).abs() < 1e-9 && (seen[0].1 - 0.5).abs() < 1e-9, "{seen:?}");
        let (prepared, x, y) = program();
        let mut hold = |_: &HashMap<Variable, f64>| Some(vec![(y, 0.25)]);
        assert_eq!(holding(prepared, &[x, y], &mut hold).err(), Some(Failure::Infeasible));
        let (prepared, x, y) = program();
        let mut hold = |_: &HashMap<Variable, f64>| None;
        assert!(holding(prepared, &[x, y], &mut hold).expect("solves").is_none());
        // One record a solve: two, then two, then one.
        assert_eq!(rec.solves().len(), 5);
    }

    /// The dive, by hand. min 2a + 3b s.t. 4a + 2b ≥ 5, a ≤ 1.2: the
    /// linear optimum is (1.2, 0.1). a is nearer its next whole number
    /// above, but a = 2 is past its bound; a = 1 leaves 2b ≥ 1, b = 0.5,
    /// and b = 1 is whole: (1, 1), cost 5, the integer optimum (a = 0
    /// needs b = 3, cost 9), in 4 programs. Allowed 2 programs, nothing.
    /// min a + 2b s.t. a + b = 1.5, a ≤ 1.2 has no whole solution: the
    /// dive tries b = 1 (then a = 1 and a = 0) and b = 0, and ends with
    /// nothing.
    #[test]
    fn a_dive_fixes_the_next_whole_number_up_then_down_and_backtracks() {
        let rec = crate::stats::Recorder::new();
        let using = Using { backend: Backend::Microlp, lp: LpMethod::Auto, deadline: None, rec: &rec, keep_bases: false };
        let dive = |prepared: Prepared, all: &[Variable], solves: usize| {
            let record = record_of(&prepared, "test", 0.0);
            with_microlp::dive(prepared, all, using, &Settings::lp("test"), Instant::now(), record, all, solves)
        };
        let cover = || {
            let mut vars = ProblemVariables::new();
            let a = vars.add(variable().min(0));
            let b = vars.add(variable().min(0));
            let constraints = vec![constraint!(4 * a + 2 * b >= 5), constraint!(a <= 1.2)];
            (Prepared { vars, objective: 2 * a + 3 * b, constraints }, a, b)
        };
        let (prepared, a, b) = cover();
        let values = dive(prepared, &[a, b], 1_000).expect("solves").expect("finds whole values");
        assert_eq!((values[&a].round(), values[&b].round()), (1.0, 1.0), "{values:?}");
        assert!((values[&a] - 1.0).abs() < 1e-9 && (values[&b] - 1.0).abs() < 1e-9, "{values:?}");
        assert_eq!(rec.solves().last().unwrap().method, "dive: 4 programs, 2 levels deep");
        let (prepared, a, b) = cover();
        assert_eq!(dive(prepared, &[a, b], 2).expect("solves"), None);
        assert_eq!(rec.solves().last().unwrap().method, "dive: nothing found in 2 programs");
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().min(0));
        let b = vars.add(variable().min(0));
        let constraints = vec![constraint!(a + b == 1.5), constraint!(a <= 1.2)];
        let prepared = Prepared { vars, objective: a + 2 * b, constraints };
        assert_eq!(dive(prepared, &[a, b], 1_000).expect("solves"), None);
        assert_eq!(rec.solves().last().unwrap().method, "dive: nothing found in 5 programs");
    }
}
