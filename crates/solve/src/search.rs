//! Finding whole-machine orders: the LP relaxation gives a lower bound.
//! Backends with strong branch and bound (HiGHS) then solve the MIP. For
//! the others, a dive (round the earliest period's fractional orders up,
//! fix them, re-solve) gives whole machines quickly; only if that is
//! further from the bound than the requested gap does branch and bound
//! run, started from the dive's plan.
//!
//! The reported gap is always against a proven bound: a plan is called
//! optimal only when nothing cheaper can exist.

use std::collections::{BTreeMap, HashMap};

use headroom_model::{ClusterId, MachineTypeId, Organisation};

use crate::backend::{self, Failure, Settings, Using};
use crate::extract::Decisions;
use crate::model::{Build, ByThen, Model, OrderCounts, OrderKey, PartMask, COST_SCALE};
use crate::Options;

/// An order of a period rounded up to whole machines.
struct Rounded {
    key: OrderKey,
    var: good_lp::Variable,
    whole: f64,
    fraction: f64,
}

pub struct Found<'o> {
    /// The model the decisions are read against.
    pub model: Model<'o>,
    pub decisions: Decisions,
    /// Objective in dollars (penalties included).
    pub objective: f64,
    /// The best proven lower bound on the objective, in dollars: the LP
    /// relaxation's, or branch and bound's when that is higher.
    pub bound: f64,
    /// Relative gap to `bound` (0: proven optimal).
    pub gap: f64,
    /// How whole machines were found (`rounded up`, `branch and bound`,
    /// ...), after the relaxation's method.
    pub method: String,
    /// Size of the whole-machine model(s) solved.
    pub variables: usize,
    pub constraints: usize,
    /// Where the placements were solved one period at a time: each
    /// period's basis on the plan's fleet (period by period, the fleet
    /// before that period's arrivals were rounded up), for growth
    /// headroom to start from. Empty where there are none, or where
    /// growth headroom is not measured (`Using::keep_bases`).
    pub bases: Vec<Option<std::sync::Arc<backend::Basis>>>,
    /// Growth headroom, where it was measured beside the search on this
    /// plan's fleet.
    pub growth: Option<crate::growth::Measured>,
}

impl<'o> Found<'o> {
    fn new(model: Model<'o>, decisions: Decisions, objective: f64, bound: f64) -> Found<'o> {
        let (variables, constraints) = (model.all.len(), model.constraint_count);
        Found {
            model,
            decisions,
            objective,
            bound,
            gap: relative_gap(objective, bound),
            method: String::new(),
            variables,
            constraints,
            bases: Vec::new(),
            growth: None,
        }
    }

    /// How the plan was found.
    fn by(mut self, method: impl Into<String>) -> Found<'o> {
        self.method = method.into();
        self
    }

    /// A bound proven elsewhere (another search of the same model) holds
    /// for this plan too.
    fn proven(mut self, bound: f64) -> Found<'o> {
        self.bound = self.bound.max(bound);
        self.gap = relative_gap(self.objective, self.bound);
        self
    }
}

/// Whole machines, and the duals of the LP relaxation when the backend
/// gives them and the model has no baseline (then they are the physical
/// model's shadow prices, and no second LP is needed for them).
pub struct Searched<'o> {
    pub found: Found<'o>,
    pub relaxation: Option<(Vec<crate::model::LimitRef>, Vec<f64>)>,
}

pub fn whole_machines<'o>(org: &'o Organisation, build: &Build, options: &Options, using: Using) -> Result<Searched<'o>, Failure> {
    // Large models: first, whether the fleet there is already serves
    // everything. If so the plan is proven optimal, no limit binds (shadow
    // prices are all zero), and the relaxation need not be solved at all.
    let mut large = false;
    if let Some(skeleton) = interior_point(org, build, using) {
        let size = skeleton.capacity_and_orders();
        if let Some(found) = nothing_to_order(org, build, skeleton, using) {
            return Ok(Searched { found, relaxation: Some((Vec::new(), Vec::new())) });
        }
        // Only where `auto` chose the method for the model's size (small
        // models asked to use one keep their way, but in tests), and
        // where a period solves in seconds: on planted large (4.3 M
        // variables) each took 110-1,300 s, the relaxation waited for them
        // and the run passed 40 minutes, where without them it took 27.5.
        large = (using.lp == crate::backend::LpMethod::Auto && size <= PERIODS_MAX_VARIABLES)
            || std::env::var_os("HEADROOM_TEST_PERIODS_FIRST").is_some();
    } else if !using.backend.has_duals() {
        // microlp: its simplex takes the whole model's relaxation in
        // 15-50 s on the planted small organisations (6,700-7,100
        // capacity and order variables), and a period's program in
        // 0.1-0.3 s: whole machines and the bound period by period
        // first, from that size on (`--lp` asks HiGHS for a method, which
        // microlp does not have).
        let size = Model::skeleton(org, Build { integer: false, ..build.clone() }).capacity_and_orders();
        large = size > MICROLP_PERIODS_VARIABLES || std::env::var_os("HEADROOM_TEST_PERIODS_FIRST").is_some();
    }
    let duals = using.backend.has_duals() && build.stability.is_none();
    let relax = || lp_with(org, build, using, Settings { duals, mip_gap: options.mip_gap, ..Settings::lp("relaxation") });
    // Large models, first: whole machines period by period, each period
    // taking only what it needs (no floors from a relaxation), and beside
    // them a bound from one program per period and growth headroom
    // (`search_and_bound`). All are small programs, on both cores; the
    // relaxation is one large one that PDLP solves on one core for
    // minutes. Where the plan is within the
    // gap of that bound, it stands and the relaxation is never solved
    // (planted medium: 0.08 %, as against the relaxation's bound).
    // Otherwise the relaxation follows, that plan is kept if it is within
    // the gap of the relaxation's bound or cheaper than the search after
    // it, and the bound is the higher of the two.
    let mut before = None;
    let mut periods = None;
    if large && !build.best_effort && build.stability.is_none() {
        let (bound, found) = search_and_bound(org, build, using);
        periods = bound.as_ref().map(|(b, _)| *b);
        match (bound, found) {
            (Some((bound, duals)), Some(found)) if relative_gap(found.objective, bound) <= options.mip_gap => {
                let method = format!("{}; bound by period", found.method);
                return Ok(Searched { found: found.proven(bound).by(method), relaxation: duals });
            }
            (_, found) => before = found,
        }
    }
    let relaxed = relax();
    // Tests make the relaxation's time limit pass, which no small model's
    // does on its own.
    let relaxed = if before.is_some() && std::env::var_os("HEADROOM_TEST_RELAXATION_TIMES_OUT").is_some() {
        Err(Failure::TimeLimit)
    } else {
        relaxed
    };
    let (model, mut solved, bound) = match relaxed {
        Ok((model, solved, bound)) => (model, solved, bound.max(periods.unwrap_or(f64::NEG_INFINITY))),
        // The time limit passed in the relaxation, but whole machines were
        // found before it: that plan stands, its gap stated against the
        // periods' bound (or the existing fleet's running cost, which no
        // plan can cost less than).
        Err(Failure::TimeLimit) => match before {
            Some(found) => {
                let bound = match periods {
                    Some(_) => "bound by period",
                    None => "bound the existing fleet's running cost",
                };
                let method =
                    format!("{}; {bound}; the relaxation did not finish by the time limit, and there are no shadow prices", found.method);
                let found = found.proven(periods.unwrap_or(f64::NEG_INFINITY));
                return Ok(Searched { found: found.by(method), relaxation: Some((Vec::new(), Vec::new())) });
            }
            None => return Err(Failure::TimeLimit),
        },
        Err(e) => return Err(e),
    };
    let relaxation = solved.duals.take().map(|d| (model.limits.clone(), d));
    let lp = solved.method.clone();
    let size = (model.all.len(), model.constraint_count);
    let before = before.map(|mut found| {
        found.variables = size.0;
        found.constraints = size.1;
        let method = format!("{lp}; {}, before the relaxation", found.method);
        found.proven(bound).by(method)
    });
    // An integral relaxation is optimal as it is (`search` takes it).
    let before = match before {
        Some(found) if found.gap <= options.mip_gap && !integral(&model, &solved) => return Ok(Searched { found, relaxation }),
        other => other,
    };
    let tighter = solved.pdlp_tolerance.and_then(backend::tighter_pdlp);
    let searched = search(org, build, options, using, model, solved, bound);
    // Tests make the search's time limit pass, as the relaxation's above.
    let searched =
        if before.is_some() && std::env::var_os("HEADROOM_TEST_SEARCH_TIMES_OUT").is_some() { Err(Failure::TimeLimit) } else { searched };
    let found = match (searched, before) {
        (Ok(found), Some(other)) if other.objective < found.objective - 1e-6 => other,
        (Ok(found), _) => {
            let method = format!("{lp}; {}", found.method);
            found.by(method)
        }
        // The time limit passed in the search after the relaxation: the
        // plan found before it stands, with the relaxation's bound.
        (Err(Failure::TimeLimit), Some(other)) => {
            let method = format!("{}; the search after the relaxation did not finish by the time limit", other.method);
            other.by(method)
        }
        (Err(e), _) => return or_tighter(org, build, options, using, Err(e), tighter),
    };
    or_tighter(org, build, options, using, Ok(Searched { found, relaxation }), tighter)
}

/// `searched` from PDLP's relaxation at a loose tolerance, where
/// `tighter` is the next: PDLP again at it ([`tighter_again`]) where the
/// plan is outside the gap, or none was found but for the time limit.
fn or_tighter<'o>(
    org: &'o Organisation,
    build: &Build,
    options: &Options,
    using: Using,
    searched: Result<Searched<'o>, Failure>,
    tighter: Option<f64>,
) -> Result<Searched<'o>, Failure> {
    match (searched, tighter) {
        (Ok(s), Some(tolerance)) if s.found.gap > options.mip_gap => tighter_again(org, build, options, using, Some(s), tolerance),
        (Err(e), Some(tolerance)) if e != Failure::TimeLimit => tighter_again(org, build, options, using, None, tolerance),
        (searched, _) => searched,
    }
}

/// The relaxation again by PDLP at the tighter `tolerance`, where the plan
/// rounded from a looser one is outside the gap, or none was found: the
/// cheaper plan is kept, with the higher of the two bounds, and so on to
/// the last of [`backend::PDLP_LOOSE`]. PDLP at 1e-3 takes a fraction of
/// the time it takes at 1e-4, and its duals, raised by the ascent in
/// `lagrange`, bound the optimum nearly as closely; its point is
/// further off, and rounding it up costs more (planted medium: 0.77 %
/// above the optimum where 1e-4 gave 0.50 %). Where the time limit or
/// the solver ends the tighter run, the plan found before stands.
fn tighter_again<'o>(
    org: &'o Organisation,
    build: &Build,
    options: &Options,
    using: Using,
    first: Option<Searched<'o>>,
    tolerance: f64,
) -> Result<Searched<'o>, Failure> {
    let duals = using.backend.has_duals() && build.stability.is_none();
    let settings = Settings { duals, mip_gap: options.mip_gap, pdlp_tolerance: Some(tolerance), ..Settings::lp("relaxation") };
    let (model, mut solved, bound) = match lp_with(org, build, using, settings) {
        Ok(relaxed) => relaxed,
        Err(e) => {
            return match first {
                Some(first) => {
                    let why = if e == Failure::TimeLimit { "the time limit passed" } else { "it failed" };
                    let method = format!("{}; PDLP again at {tolerance:e}, where {why}", first.found.method);
                    Ok(Searched { found: first.found.by(method), relaxation: first.relaxation })
                }
                None => Err(e),
            };
        }
    };
    let bound = first.as_ref().map_or(bound, |f| bound.max(f.found.bound));
    let relaxation = solved.duals.take().map(|d| (model.limits.clone(), d));
    let lp = solved.method.clone();
    let next = solved.pdlp_tolerance.and_then(backend::tighter_pdlp);
    let searched = search(org, build, options, using, model, solved, bound).map(|found| {
        let method = format!("{lp}; {}", found.method);
        Searched { found: found.by(method), relaxation }
    });
    let best = match (searched, first) {
        (Ok(now), Some(before)) if before.found.objective < now.found.objective - 1e-6 => {
            Searched { found: before.found.proven(bound), relaxation: before.relaxation }
        }
        (Ok(now), _) => now,
        (Err(e), Some(before)) => {
            let why = if e == Failure::TimeLimit { "the time limit passed" } else { "none was found" };
            let method = format!("{}; whole machines again from PDLP at {tolerance:e}, where {why}", before.found.method);
            Searched { found: before.found.proven(bound).by(method), relaxation: before.relaxation }
        }
        (Err(e), None) => return or_tighter(org, build, options, using, Err(e), next),
    };
    or_tighter(org, build, options, using, Ok(best), next)
}

/// Whole machines period by period (without floors), and beside them a
/// lower bound on the optimum from one linear program per period
/// ([`bound_period`]), each started from the basis the search's program
/// of that period ended on and solved on the other core while the search
/// goes on. The two programs of a period have the same rows; they differ
/// in the orders' costs and in which orders are free, so the search's
/// optimum is a few hundred iterations from the bound's, where the bound's
/// last period is thousands away when demand first outgrows the fleet
/// (planted medium: the bound's programs 13 s → 4.5 s of CPU, the second
/// 7.1 s from scratch → 0 iterations, the third 5.2 s → 0.5 s). Where the
/// search stops early (a period it cannot serve), the bound's remaining
/// periods are solved one after the other, each from the last one's
/// basis.
///
/// The bound comes with the periods' limits and duals, as the relaxation
/// gives them (one list, each period's rows after the last's), where the
/// backend has duals: the shadow prices of that decomposition. `None`
/// where a period cannot be solved.
///
/// Each period's growth headroom is measured beside it too, where it is
/// measured at all (see `growth.rs`), and kept in the plan found
/// ([`Found::growth`]).
#[allow(clippy::type_complexity)]
fn search_and_bound<'o>(
    org: &'o Organisation,
    build: &Build,
    using: Using,
) -> (Option<(f64, Option<(Vec<crate::model::LimitRef>, Vec<f64>)>)>, Option<Found<'o>>) {
    let horizon = org.forecast.periods.len();
    let bounded = !build.best_effort && build.stability.is_none();
    // Growth headroom of each period, measured beside the search as soon
    // as the search has decided that period's fleet (orders arriving
    // later do not change it): the plan found period by period usually
    // stands, and then it is that plan's. Not for a part of the
    // organisation: growth headroom is the whole organisation's.
    let jobs = (bounded && using.keep_bases && build.part.is_none())
        .then(|| crate::growth::jobs(org, &Model::skeleton(org, Build { integer: false, ..build.clone() })));
    let periods: Vec<std::sync::Mutex<Option<BoundPeriod>>> = (0..horizon).map(|_| std::sync::Mutex::new(None)).collect();
    let growth: Vec<std::sync::Mutex<Option<crate::growth::PeriodValues>>> = (0..horizon).map(|_| std::sync::Mutex::new(None)).collect();
    // Set when the search stops early: growth headroom not yet begun is
    // then not measured.
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let found = rayon::scope(|scope| {
        let (periods, growth, jobs, stopped) = (&periods, &growth, &jobs, &stopped);
        let mut beside = |t: usize, start: Option<std::sync::Arc<backend::Basis>>, decided: &OrderCounts| {
            if !bounded {
                return;
            }
            let from = start.clone();
            scope.spawn(move |_| {
                let solved = bound_period(org, build, t, start, using);
                *periods[t].lock().unwrap_or_else(|e| e.into_inner()) = Some(solved);
            });
            if let Some(jobs) = jobs {
                let decided = decided.clone();
                scope.spawn(move |_| {
                    if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let values = crate::growth::period(org, build, jobs, &decided, t, from.as_deref(), using);
                    *growth[t].lock().unwrap_or_else(|e| e.into_inner()) = Some(values);
                });
            }
        };
        // Tests skip period by period, to take the way from the last
        // period back wherever it leads.
        let found = if std::env::var_os("HEADROOM_TEST_LAST_PERIOD_BACK").is_some() {
            None
        } else {
            period_by_period(org, build, &OrderCounts::new(), None, f64::NEG_INFINITY, using, &mut beside)
        };
        if found.is_none() {
            stopped.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        found
    });
    let found = found.map(|mut found| {
        let periods: Option<Vec<_>> = growth.into_iter().map(|g| g.into_inner().unwrap_or_else(|e| e.into_inner())).collect();
        found.growth = jobs.zip(periods).map(|(jobs, periods)| crate::growth::Measured { jobs, periods });
        found
    });
    if !bounded {
        return (None, found);
    }
    // Where period by period could not serve a period, whole machines
    // from the last period back, beside the periods of the bound the
    // search did not reach, one after the other.
    let (found, solved) = rayon::join(
        || found.or_else(|| last_period_back(org, build, using)),
        || {
            let mut solved: Vec<BoundPeriod> = Vec::with_capacity(horizon);
            for (t, slot) in periods.into_iter().enumerate() {
                let period = match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
                    Some(period) => period,
                    None => {
                        let start = solved.last().and_then(|p| p.as_ref()).and_then(|p| p.basis.clone());
                        bound_period(org, build, t, start, using)
                    }
                };
                solved.push(period);
            }
            solved
        },
    );
    let (mut bound, mut limits, mut duals) = (0.0, Vec::new(), Some(Vec::new()));
    for period in solved {
        let Some(period) = period else { return (None, found) };
        bound += period.objective;
        if let (Some(all), Some(these)) = (duals.as_mut(), period.duals) {
            let offset = all.len();
            limits.extend(period.limits.into_iter().map(|l| crate::model::LimitRef { constraint: l.constraint + offset, ..l }));
            all.extend(these);
        } else {
            duals = None;
        }
    }
    (Some((bound, duals.map(|d| (limits, d)))), found)
}

/// One period's program of the bound by period ([`bound_period`]),
/// solved: its optimum in dollars, its limits and their duals, and the
/// basis it ended on. `None` where the period cannot be solved.
type BoundPeriod = Option<BoundSolved>;

struct BoundSolved {
    objective: f64,
    limits: Vec<crate::model::LimitRef>,
    duals: Option<Vec<f64>>,
    basis: Option<std::sync::Arc<backend::Basis>>,
}

/// Period `t`'s program of a lower bound on the optimum from one linear
/// program per period, each independent of the others: the relaxation
/// with a copy of the order variables for every period is the relaxation
/// itself once the copies agree. Splitting each order's capital among the
/// periods its machines exist in, and letting the copies differ, can only
/// lower the optimum (a Lagrangian relaxation of the copies' agreement
/// with multipliers that split the capital), so the sum of the periods'
/// optima is a proven bound, however each is started (`start`). The split
/// here puts all of it on the last period: machines are never retired,
/// so the last period has every machine ordered. Where demand grows, the
/// last period needs about every machine and the bound is close to the
/// relaxation's.
///
/// Also the period's limits and duals, as the relaxation gives them,
/// where the backend has duals: the shadow prices of that decomposition.
fn bound_period(org: &Organisation, build: &Build, t: usize, start: Option<std::sync::Arc<backend::Basis>>, using: Using) -> BoundPeriod {
    let vertex = Using { lp: crate::backend::LpMethod::Vertex, ..using };
    let settings = Settings { duals: using.backend.has_duals(), ..Settings::lp("bound by period") };
    let last = org.forecast.periods.len().checked_sub(1)?;
    let mut m = Model::new(org, Build { integer: false, period: Some(t), ..build.clone() });
    if !m.impossible.is_empty() {
        return None;
    }
    if t < last {
        m.capital = good_lp::Expression::default();
    }
    // Where no order can have arrived yet, the fleet is the existing one
    // and every placement costs the same: that is the period's optimum,
    // and its duals are all 0 (where nothing costs, no limit is worth
    // anything). If the fleet cannot serve the period, no plan exists and
    // any bound holds.
    if let Some(objective) = m.fixed_objective() {
        let duals = settings.duals.then(|| vec![0.0; m.constraint_count]);
        return Some(BoundSolved { objective, limits: m.limits, duals, basis: None });
    }
    let settings = Settings { start, keep_basis: true, ..settings };
    let solved = backend::solve(&mut m, vertex, &settings).ok()?;
    let objective = m.objective().eval_with(&solved.values) / COST_SCALE;
    Some(BoundSolved { objective, limits: m.limits, duals: solved.duals, basis: solved.basis.map(std::sync::Arc::new) })
}

/// Whole machines and a bound are found period by period before the
/// relaxation on models of at most this many capacity and order variables
/// (planted medium: 289,050).
pub(crate) const PERIODS_MAX_VARIABLES: usize = 1_000_000;

/// Tests set HEADROOM_TEST_AS_LARGE to take a small model's relaxation
/// the way of one too large for programs by period or branch and bound.
fn as_large() -> bool {
    std::env::var_os("HEADROOM_TEST_AS_LARGE").is_some()
}

/// With microlp, whole machines and a bound are found period by period
/// before the relaxation on models of more than this many capacity and
/// order variables. The example organisation has 1,410 and its optimum
/// by the relaxation and branch and bound in about a second; the planted
/// small ones 6,700-7,100, planned period by period in 1-2 s within
/// 0.05-0.19 % of the bound, where the relaxation and the dive took
/// 30-100 s (or passed the default time limit).
const MICROLP_PERIODS_VARIABLES: usize = 4_000;

/// As [`whole_machines`], one independent part of the organisation at a
/// time, in parallel: the parts share no variable and no constraint, so
/// the whole-organisation model is their block-diagonal union, its
/// optimum the sum of theirs, and each part's decisions are the whole
/// model's for its services and clusters. The bound of the sum is the sum
/// of theirs, so its gap is at most the largest part's.
/// the largest part's.
pub fn by_parts<'o>(
    org: &'o Organisation,
    build: &Build,
    options: &Options,
    using: Using,
    parts: &[headroom_model::Part],
) -> Result<Searched<'o>, Failure> {
    use rayon::prelude::*;
    let masks: Vec<std::sync::Arc<PartMask>> = parts.iter().map(|p| std::sync::Arc::new(PartMask::new(org, p))).collect();
    let results: Vec<Result<Searched<'o>, Failure>> =
        masks.par_iter().map(|mask| whole_machines(org, &Build { part: Some(mask.clone()), ..build.clone() }, options, using)).collect();
    // Limits no plan can keep, from every part; else the first failure.
    let impossible: Vec<String> = results
        .iter()
        .filter_map(|r| match r {
            Err(Failure::Impossible(limits)) => Some(limits.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    if !impossible.is_empty() {
        return Err(Failure::Impossible(impossible));
    }
    let mut searched = Vec::with_capacity(results.len());
    for r in results {
        searched.push(r?);
    }
    let skeleton = Model::skeleton(org, build.clone());
    let mut decisions =
        Decisions { orders: BTreeMap::new(), z: vec![Vec::new(); skeleton.origins.len()], unmet: vec![Vec::new(); skeleton.origins.len()] };
    let (mut objective, mut bound, mut variables, mut constraints) = (0.0, 0.0, 0, 0);
    let mut methods: Vec<String> = Vec::new();
    let mut relaxation: Option<(Vec<crate::model::LimitRef>, Vec<f64>)> = Some((Vec::new(), Vec::new()));
    for (mask, part) in masks.iter().zip(searched) {
        let mut found = part.found;
        // A part's origins are the whole model's origins of its services,
        // in the same order.
        let global: Vec<usize> = (0..skeleton.origins.len()).filter(|&o| mask.services[skeleton.origins[o].service.index()]).collect();
        if global.len() != found.model.origins.len() {
            return Err(Failure::Other(format!(
                "internal: a part has {} demand origins, the organisation {} for its services",
                found.model.origins.len(),
                global.len()
            )));
        }
        for (local, &o) in global.iter().enumerate() {
            decisions.z[o] = std::mem::take(&mut found.decisions.z[local]);
            decisions.unmet[o] = std::mem::take(&mut found.decisions.unmet[local]);
        }
        decisions.orders.extend(found.decisions.orders);
        objective += found.objective;
        bound += found.bound;
        if !methods.contains(&found.method) {
            methods.push(found.method.clone());
        }
        variables += found.variables;
        constraints += found.constraints;
        relaxation = match (relaxation, part.relaxation) {
            (Some((mut limits, mut duals)), Some((part_limits, part_duals))) => {
                let offset = duals.len();
                limits.extend(part_limits.into_iter().map(|l| crate::model::LimitRef { constraint: l.constraint + offset, ..l }));
                duals.extend(part_duals);
                Some((limits, duals))
            }
            _ => None,
        };
    }
    let found = Found {
        model: skeleton,
        decisions,
        objective,
        bound,
        gap: relative_gap(objective, bound),
        method: methods.join(" | "),
        variables,
        constraints,
        bases: Vec::new(),
        growth: None,
    };
    Ok(Searched { found, relaxation })
}

fn lp<'o>(org: &'o Organisation, build: &Build, using: Using, purpose: &'static str) -> Result<(Model<'o>, backend::Solved, f64), Failure> {
    lp_with(org, build, using, Settings::lp(purpose))
}

fn lp_with<'o>(
    org: &'o Organisation,
    build: &Build,
    using: Using,
    settings: Settings,
) -> Result<(Model<'o>, backend::Solved, f64), Failure> {
    let mut model = Model::new(org, Build { integer: false, ..build.clone() });
    if !model.impossible.is_empty() {
        return Err(Failure::Impossible(model.impossible));
    }
    let solved = backend::solve(&mut model, using, &settings)?;
    let objective = model.objective().eval_with(&solved.values) / COST_SCALE;
    // Off a vertex (interior point, PDLP) the primal objective may sit
    // above the optimum by the solver's tolerance, or below it where the
    // point breaks rows by as much: the bound is the Lagrangian bound of
    // its duals (`lagrange`), or none.
    let bound = match (solved.vertex, solved.bound) {
        (true, _) => objective,
        (false, Some(proven)) => objective.min(proven / COST_SCALE),
        (false, None) => f64::NEG_INFINITY,
    };
    Ok((model, solved, bound))
}

/// Whether every order of the solution is whole.
fn integral(model: &Model, solved: &backend::Solved) -> bool {
    model.orders.iter().all(|o| {
        let v = solved.values.get(&o.var).copied().unwrap_or(0.0);
        (v - v.round()).abs() <= 1e-6
    })
}

fn relative_gap(objective: f64, bound: f64) -> f64 {
    if objective <= bound + 1e-6 * objective.abs().max(1.0) {
        0.0
    } else {
        (objective - bound) / objective.abs().max(1e-9)
    }
}

fn search<'o>(
    org: &'o Organisation,
    build: &Build,
    options: &Options,
    using: Using,
    model: Model<'o>,
    solved: backend::Solved,
    bound: f64,
) -> Result<Found<'o>, Failure> {
    if integral(&model, &solved) {
        let decisions = Decisions::read(&model, &solved.values);
        return Ok(Found::new(model, decisions, bound, bound).by("integral"));
    }
    // With a baseline, its own orders are a candidate: within the gap, a
    // search would otherwise stop at any plan as cheap, however far from
    // the baseline, since change penalties are far smaller than the gap.
    let candidate = baseline_candidate(org, build, &model, using, bound);
    let better = |found: Found<'o>, other: Option<Found<'o>>| match other {
        Some(o) if o.objective < found.objective - 1e-6 => o,
        _ => found,
    };
    // From an interior point, whole machines by rounding up: often within
    // the gap already, and otherwise where branch and bound starts.
    let candidate = match (!solved.vertex).then(|| rounded_up(org, build, &model, &solved, bound, options.mip_gap, using)).flatten() {
        Some(rounded) if rounded.gap <= options.mip_gap => return Ok(better(rounded, candidate)),
        Some(rounded) => Some(match candidate {
            Some(c) => better(c, Some(rounded)),
            None => rounded,
        }),
        None => candidate,
    };
    // On a model this large branch and bound does not finish here: HiGHS
    // first completes the starting plan by a simplex solve of the whole
    // relaxation, which on the planted medium organisation was still
    // running after 8 minutes. The rounded plan stands, its gap stated.
    if model.all.len() > backend::AUTO_IPM_VARIABLES || as_large() {
        if let Some(c) = candidate {
            let method = format!("{}; branch and bound not tried on {} variables", c.method, model.all.len());
            return Ok(c.by(method));
        }
        // Nothing rounded from PDLP at a loose tolerance: PDLP again,
        // tighter (the caller).
        if let Some(tolerance) = solved.pdlp_tolerance.filter(|&t| backend::tighter_pdlp(t).is_some()) {
            return Err(Failure::Other(format!("no whole machines rounded from PDLP at {tolerance:e}")));
        }
    }
    if using.backend.strong_mip() {
        return match branch_and_bound(org, build, options, using, bound, candidate.as_ref()) {
            Ok(found) => {
                let proven = found.bound;
                Ok(better(found, candidate).proven(proven))
            }
            // Out of time with nothing better: the relaxation's orders
            // rounded up still make a plan, with its gap stated.
            Err(e) => match candidate {
                Some(c) => Ok(c),
                None if solved.vertex => rounded_up(org, build, &model, &solved, bound, options.mip_gap, using).ok_or(e),
                None => Err(e),
            },
        };
    }

    // Dive: period by period, fix orders at whole numbers (fractional ones
    // rounded up) and re-solve the rest.
    let mut fixed: BTreeMap<_, f64> = build.fixed_orders.clone();
    let mut current = (model, solved);
    let horizon = org.forecast.periods.len();
    let mut dive_ok = true;
    for t in 0..horizon {
        let (model, solved) = &current;
        let in_period: Vec<_> = model.orders.iter().filter(|o| o.placed == t).collect();
        if in_period.is_empty() {
            continue;
        }
        let any_fractional = in_period.iter().any(|o| {
            let v = solved.values.get(&o.var).copied().unwrap_or(0.0);
            (v - v.round()).abs() > 1e-6
        });
        for o in &in_period {
            let v = solved.values.get(&o.var).copied().unwrap_or(0.0);
            let n = if (v - v.round()).abs() <= 1e-6 { v.round() } else { v.ceil() };
            fixed.insert(o.key(), n.max(0.0));
        }
        if !any_fractional {
            continue;
        }
        match lp(org, &Build { fixed_orders: fixed.clone(), ..build.clone() }, using, "dive") {
            Ok((m, s, _)) => current = (m, s),
            Err(Failure::TimeLimit) => return candidate.ok_or(Failure::TimeLimit),
            // Rounding up broke a cap, or the solver failed on the dive's
            // program (microlp 0.6's factorisation on planted small
            // organisations, where the relaxation had solved): the dive
            // gives up, not the plan; rounding up and branch and bound
            // below still search.
            Err(_) => {
                dive_ok = false;
                break;
            }
        }
    }
    let mut best: Option<Found> = candidate;
    if dive_ok && integral(&current.0, &current.1) {
        let (model, solved) = current;
        let objective = model.objective().eval_with(&solved.values) / COST_SCALE;
        let decisions = Decisions::read(&model, &solved.values);
        let dive = Found::new(model, decisions, objective, bound).by("dive");
        best = Some(better(dive, best));
    } else if best.is_none() {
        // The dive gave up with nothing found: the last program it
        // solved (the relaxation, or it with earlier periods' orders
        // whole), its orders rounded up, where their placements hold or
        // can be solved again. On planted small with microlp, 0.20 %
        // from the bound with 8 placement programs (3 s), where branch
        // and bound had found nothing in the default minute or, at best,
        // a plan 1.24 % from it; branch and bound starts from it.
        let (model, solved) = &current;
        best = rounded_up(org, build, model, solved, bound, options.mip_gap, using);
    }
    if let Some(good_enough) = best.take_if(|b| b.gap <= options.mip_gap) {
        return Ok(good_enough);
    }

    match branch_and_bound(org, build, options, using, bound, best.as_ref()) {
        Ok(found) if best.as_ref().is_none_or(|b| found.objective < b.objective - 1e-6) => Ok(found),
        Ok(found) => best.map(|b| b.proven(found.bound)).ok_or(Failure::Infeasible),
        Err(e) => best.ok_or(e),
    }
}

/// The relaxation's orders rounded up to whole machines. Cumulative orders
/// of each cluster and type are rounded up, so each adds at most one
/// machine. More machines only add capacity, so the relaxation's own
/// placements still meet every rule unless rounding breaks a power, space
/// or delivery limit — or the interior point's placements are off by more
/// than the tolerances: every row is checked again. If one fails, the
/// placements are solved again with the orders fixed: periods then share
/// nothing, so one small linear program per period, in parallel (strict
/// mode without a baseline, where the cost is that of the orders alone).
/// Before that, placements that break rows by about a first-order
/// method's tolerance are repaired in one pass (`repair`), where they can
/// be. Where rounding up passes the gap, whole machines are first found
/// period by period ([`period_by_period`]); the cheaper plan is kept.
fn rounded_up<'o>(
    org: &'o Organisation,
    build: &Build,
    model: &Model,
    solved: &backend::Solved,
    bound: f64,
    mip_gap: f64,
    using: Using,
) -> Option<Found<'o>> {
    let mut values = solved.values.clone();
    let mut rounded = BTreeMap::new();
    let mut fixed = BTreeMap::new();
    for (o, sum) in cumulative_orders(model, &solved.values) {
        let before: &mut f64 = rounded.entry((o.cluster, o.machine_type)).or_default();
        let whole = (sum - 1e-6).ceil().max(*before);
        values.insert(o.var, whole - *before);
        fixed.insert(o.key(), whole - *before);
        *before = whole;
    }
    // Tests set HEADROOM_TEST_SHORT_PLACEMENTS to a share by which every
    // placement falls short, as a first-order method's may.
    if let Some(share) = std::env::var("HEADROOM_TEST_SHORT_PLACEMENTS").ok().and_then(|s| s.parse::<f64>().ok()) {
        for o in 0..model.origins.len() {
            for &z in model.z_of(o).flatten() {
                values.entry(z).and_modify(|v| *v *= 1.0 - share);
            }
        }
    }
    let mut check = Model::new(org, Build { integer: false, ..build.clone() });
    if check.out_of_time {
        return None;
    }
    let cut = fit_limits(&check, &solved.values, &mut values, &mut fixed);
    let prepared = backend::prepare(&mut check);
    let holds = |values: &HashMap<good_lp::Variable, f64>| {
        prepared.constraints.iter().all(|c| {
            let e = c.expression().eval_with(values);
            if c.is_equality() {
                e.abs() <= 1e-6
            } else {
                e <= 1e-6
            }
        })
    };
    // Tests set HEADROOM_TEST_SOLVE_PLACEMENTS to take the third way.
    let solve_again = std::env::var_os("HEADROOM_TEST_SOLVE_PLACEMENTS").is_some();
    if holds(&values) && !solve_again {
        let objective = check.objective().eval_with(&values) / COST_SCALE;
        let decisions = Decisions::read(&check, &values);
        return Some(Found::new(check, decisions, objective, bound).by("rounded up"));
    }
    if build.best_effort || build.stability.is_some() {
        return None;
    }
    // What the rounded orders cost, whoever places them (below).
    let rounded_cost = (check.capital.eval_with(&values) + check.running.eval_with(&values)) / COST_SCALE;
    let unrepaired = check.objective().eval_with(&values) / COST_SCALE;
    // Off a vertex (PDLP) the placements may break rows by about the
    // solver's tolerance: repaired in one pass where they can be
    // (`repair`), which on a large model saves solving every period's
    // placements again. Within the gap that plan stands; otherwise whole
    // machines period by period may do better, and it is kept where they
    // do not.
    let mut repaired = None;
    if !solve_again {
        let mut point = values.clone();
        if let Some(done) = crate::repair::repair(&check, &prepared.constraints, &mut point).filter(|_| holds(&point)) {
            let objective = check.objective().eval_with(&point) / COST_SCALE;
            let decisions = Decisions::read(&check, &point);
            let method = format!(
                "rounded up, placements repaired ({} of {} origins' periods scaled up, {} machines more)",
                done.scaled,
                check.cover.len(),
                done.machines
            );
            let found = Found::new(check, decisions, objective, bound).by(method);
            if found.gap <= mip_gap {
                return Some(found);
            }
            repaired = Some(found);
        }
    }
    // PDLP at a loose tolerance on a model too large for programs by
    // period (minutes each on planted large): PDLP again, tighter (the
    // caller), comes first. Below that size, period by period after PDLP
    // at 1e-3 is quicker than PDLP at 1e-4 (planted medium: seconds
    // against 75 s), and closer to the bound.
    if (model.capacity_and_orders() > PERIODS_MAX_VARIABLES || as_large())
        && solved.pdlp_tolerance.and_then(backend::tighter_pdlp).is_some()
    {
        return repaired;
    }
    // Rounding every cluster's orders up costs at most a machine per
    // cluster and type, which on a fleet of many clusters can pass the
    // gap: then whole machines period by period first. So too where
    // fitting the limits took machines away: the relaxation used them,
    // so its placements no longer fit, and placements on that fleet may
    // not exist at all (planted small at tightness 1: 7 orders cut, no
    // placements; period by period 0.04 % from the bound, where branch
    // and bound stopped at 0.21 %), which on a large model takes the
    // interior point method minutes to find (planted medium at
    // tightness 1: 210 s without an answer).
    // The plan to beat: repaired where it could be, else the rounded
    // orders as they are.
    let objective = repaired.as_ref().map_or(unrepaired, |r: &Found| r.objective);
    let by_period = (relative_gap(objective, bound) > mip_gap || cut || std::env::var_os("HEADROOM_TEST_PERIOD_BY_PERIOD").is_some())
        .then(|| {
            period_by_period(
                org,
                build,
                &relaxation_floor(model, solved),
                Some((model.all.len(), model.constraint_count)),
                bound,
                using,
                &mut |_, _, _| {},
            )
        })
        .flatten();
    if by_period.as_ref().is_some_and(|f| f.gap <= mip_gap) {
        return by_period;
    }
    let rounded = repaired.or_else(|| {
        placements(org, build, &fixed, None, using, crate::backend::LpMethod::Vertex).map(|placed| {
            let mut found = Found::new(placed.skeleton, placed.decisions, rounded_cost, bound).by("rounded up, placements solved again");
            (found.variables, found.constraints) = (model.all.len(), model.constraint_count);
            found.bases = placed.bases;
            found
        })
    });
    match (rounded, by_period) {
        (Some(r), Some(p)) => Some(if p.objective < r.objective - 1e-6 { p } else { r }),
        (r, p) => r.or(p),
    }
}

/// Whole machines period by period, from a relaxation that is not a
/// vertex. In period order, each period's placements are solved with the
/// orders arriving then free above the relaxation's cumulative orders
/// rounded down, and every earlier arrival fixed: a vertex puts the
/// missing fractions on few clusters, and they are rounded up. More
/// machines only add capacity, so each period's placements still hold.
/// Where rounding up breaks a power, space or delivery limit of a cluster,
/// that cluster's fractions are held at their floor and the period is
/// solved again, which moves what they would have served elsewhere. If
/// that does not settle, or a later period cannot be served: `None`.
/// Strict mode without a baseline only, where the cost is that of the
/// orders alone.
///
/// `floor`: cumulative orders below which no period's arrivals go (by
/// cluster, type and the period placed), the relaxation's rounded down
/// ([`relaxation_floor`]); empty, each period takes only what it needs
/// then. `size`: the whole-machine model's size, to report (none: the
/// periods' models added up). `bound`: a proven bound on the objective,
/// raised to the existing fleet's running cost if that is higher.
fn period_by_period<'o>(
    org: &'o Organisation,
    build: &Build,
    floor: &OrderCounts,
    size: Option<(usize, usize)>,
    bound: f64,
    using: Using,
    beside: &mut Beside<'_>,
) -> Option<Found<'o>> {
    if build.best_effort || build.stability.is_some() {
        return None;
    }
    let vertex = Using { lp: crate::backend::LpMethod::Vertex, ..using };
    let horizon = org.forecast.periods.len();
    let skeleton = Model::skeleton(org, Build { integer: false, ..build.clone() });
    let mut decided: OrderCounts = build.fixed_orders.clone();
    let mut z: Vec<Vec<Vec<f64>>> = skeleton.origins.iter().map(|o| vec![vec![0.0; horizon]; o.clusters.len()]).collect();
    // What no plan can cost less than, period by period: the running cost
    // of the fleet that is there anyway.
    let (mut running, mut fixed_cost) = (0.0, 0.0);
    let mut periods_size = (0, 0);
    // Each period starts from the basis the last one ended on (see
    // `backend::Basis`); growth headroom, where measured, from each
    // one's, kept in `bases`.
    let mut last: Option<std::sync::Arc<backend::Basis>> = None;
    let mut bases = Vec::new();
    // The periods before any order can arrive have the existing fleet:
    // they depend on nothing before them, and every placement there costs
    // the same. They are solved from scratch, and so is the first period
    // after them, beside them: it depends on nothing they decide, and
    // the optimum of a program without costs is no start for one with
    // costs (planted medium: the second period from the first's basis
    // and the third from the second's each ran out of their iterations
    // before giving way to a solve from scratch). A period solved from
    // scratch places the least capacity it can (`one_period`), so its
    // basis is a start for its growth headroom, which is measured beside
    // the search as soon as the period is solved; the first period after
    // them is solved on this core meanwhile, so that the search goes on
    // as soon as it is.
    let leading = skeleton.first_arrival();
    let (first, before) = rayon::join(
        || (leading < horizon).then(|| one_period(org, build, &skeleton, floor, &decided, leading, None, vertex)),
        || {
            let mut before = Vec::with_capacity(leading);
            for t in 0..leading {
                let step = one_period(org, build, &skeleton, floor, &decided, t, None, vertex);
                let Some(solved) = &step else {
                    before.push(step);
                    break;
                };
                beside(t, solved.basis.clone(), &decided);
                before.push(step);
            }
            before
        },
    );
    let mut ready = before.into_iter().chain(first);
    for t in 0..horizon {
        let mut step = match ready.next() {
            Some(step) => step?,
            None => one_period(org, build, &skeleton, floor, &decided, t, last.take(), vertex)?,
        };
        last = step.basis.take();
        if using.keep_bases {
            bases.push(last.clone());
        }
        let m = &step.model;
        fixed_cost += step.fixed_cost;
        periods_size = (periods_size.0 + m.all.len(), periods_size.1 + m.constraint_count);
        decided.extend(step.decided.iter().copied());
        if t >= leading {
            beside(t, last.clone(), &decided);
        }
        running += m.running.eval_with(&step.values) / COST_SCALE;
        copy_period(&mut z, &Decisions::read(m, &step.values), t);
    }
    let capital: f64 = decided.iter().map(|(&(_, m, _), &n)| n * org.machine_type(m).capital_cost).sum();
    let orders = decided.iter().filter(|(_, &n)| n > 0.0).map(|(&key, &n)| (key, n.round() as u32)).collect();
    let unmet = skeleton.origins.iter().map(|_| vec![0.0; horizon]).collect();
    let mut found = Found::new(skeleton, Decisions { orders, z, unmet }, capital + running, bound.max(fixed_cost)).by("period by period");
    (found.variables, found.constraints) = size.unwrap_or(periods_size);
    found.bases = bases;
    Some(found)
}

/// Whole machines from the last period back, where period by period
/// could not serve a period with the orders it had decided before it:
/// each period taking only what it needs can leave a later one short
/// where power, space or delivery limits bind, which takes orders ahead
/// of need, or types that fit the caps better than the cheapest.
///
/// Each period's program, from the last back, decides every machine
/// ordered by then: the orders arriving then stand for them all, and
/// earlier arrivals are held at 0 ([`Build::by_then`]). The last
/// period's program has the whole horizon's orders, within the delivery
/// limits of all its periods added up, so it settles the fleet that
/// serves the period where demand is highest. Each earlier period keeps
/// at most the next one's fleet of each type, and at least that fleet
/// less what the next period's delivery limit lets arrive then; what
/// it keeps arrives by then and the rest after. Each period's machines
/// are rounded up as period by period rounds them (held at their floor
/// where rounding breaks a limit); the next period's fleet is whole, so
/// rounding up stays within it. The periods before any order can arrive
/// are solved beside them. `None` where some period cannot be served
/// within those bounds (or where period by period would not run).
fn last_period_back<'o>(org: &'o Organisation, build: &Build, using: Using) -> Option<Found<'o>> {
    if build.best_effort || build.stability.is_some() || !build.fixed_orders.is_empty() {
        return None;
    }
    let vertex = Using { lp: crate::backend::LpMethod::Vertex, ..using };
    let horizon = org.forecast.periods.len();
    let skeleton = Model::skeleton(org, Build { integer: false, ..build.clone() });
    let leading = skeleton.first_arrival();
    if leading >= horizon {
        return None;
    }
    let none = OrderCounts::new();
    let types: std::collections::BTreeSet<(ClusterId, MachineTypeId)> =
        skeleton.orders.iter().map(|o| (o.cluster, o.machine_type)).collect();
    // What can arrive in cluster `c` in period `u`: nothing before its
    // lead time, its delivery limit less what arrives in flight then.
    let room = |c: ClusterId, u: usize| -> Option<f64> {
        if u < skeleton.lead(c) {
            return Some(0.0);
        }
        let limit = org.cluster(c).max_deliveries_per_period(skeleton.months_per_period)?;
        Some(limit.saturating_sub(skeleton.in_flight_arriving(c, u)) as f64)
    };
    let (before, back) = rayon::join(
        || (0..leading).map(|t| one_period(org, build, &skeleton, &none, &none, t, None, vertex)).collect::<Option<Vec<_>>>(),
        || {
            let mut steps = Vec::with_capacity(horizon - leading);
            let mut next: Option<BTreeMap<(ClusterId, MachineTypeId), f64>> = None;
            let mut start = None;
            for t in (leading..horizon).rev() {
                let mut by_then = ByThen::default();
                if let Some(next) = &next {
                    by_then.at_most = next.clone();
                    for (&(c, _), &n) in next {
                        *by_then.at_least.entry(c).or_default() += n;
                    }
                    by_then.at_least = by_then
                        .at_least
                        .into_iter()
                        .filter_map(|(c, n)| room(c, t + 1).map(|room| (c, n - room)).filter(|&(_, n)| n > 0.0))
                        .collect();
                }
                let earlier: OrderCounts =
                    skeleton.orders.iter().filter(|o| o.placed + skeleton.lead(o.cluster) < t).map(|o| (o.key(), 0.0)).collect();
                let b = Build { by_then: Some(std::sync::Arc::new(by_then)), ..build.clone() };
                let step = one_period(org, &b, &skeleton, &none, &earlier, t, start.take(), vertex)?;
                start = step.basis.clone();
                let mut fleet: BTreeMap<(ClusterId, MachineTypeId), f64> = types.iter().map(|&k| (k, 0.0)).collect();
                for &((c, m, _), n) in &step.decided {
                    fleet.insert((c, m), n);
                }
                next = Some(fleet);
                steps.push(step);
            }
            steps.reverse();
            Some(steps)
        },
    );
    let periods: Vec<Period> = before?.into_iter().chain(back?).collect();
    // Each period's fleet of each cluster and type, less the last one's,
    // arrives then.
    let mut orders = BTreeMap::new();
    let mut had: BTreeMap<(ClusterId, MachineTypeId), f64> = BTreeMap::new();
    for (t, period) in periods.iter().enumerate().skip(leading) {
        for &((c, m, placed), n) in &period.decided {
            let arriving = n - had.get(&(c, m)).copied().unwrap_or(0.0);
            if arriving < -1e-9 {
                return None;
            }
            debug_assert_eq!(placed + skeleton.lead(c), t);
            had.insert((c, m), n);
            if arriving > 0.5 {
                orders.insert((c, m, placed), arriving.round() as u32);
            }
        }
    }
    let capital: f64 = orders.iter().map(|(&(_, m, _), &n)| n as f64 * org.machine_type(m).capital_cost).sum();
    let mut z: Vec<Vec<Vec<f64>>> = skeleton.origins.iter().map(|o| vec![vec![0.0; horizon]; o.clusters.len()]).collect();
    let (mut running, mut fixed_cost, mut size) = (0.0, 0.0, (0, 0));
    let mut bases = Vec::new();
    for (t, period) in periods.into_iter().enumerate() {
        let m = &period.model;
        running += m.running.eval_with(&period.values) / COST_SCALE;
        fixed_cost += period.fixed_cost;
        size = (size.0 + m.all.len(), size.1 + m.constraint_count);
        copy_period(&mut z, &Decisions::read(m, &period.values), t);
        if using.keep_bases {
            bases.push(period.basis);
        }
    }
    let unmet = skeleton.origins.iter().map(|_| vec![0.0; horizon]).collect();
    let mut found = Found::new(skeleton, Decisions { orders, z, unmet }, capital + running, fixed_cost).by("from the last period back");
    (found.variables, found.constraints) = size;
    found.bases = bases;
    Some(found)
}

/// What [`period_by_period`] hands on once a period is decided, to be
/// done beside it: the period, the basis the search ended on there, and
/// every order decided so far.
type Beside<'a> = dyn FnMut(usize, Option<std::sync::Arc<backend::Basis>>, &OrderCounts) + Send + 'a;

/// One period of [`period_by_period`], solved: its model, its values with
/// the orders arriving then rounded to whole machines, the basis it ended
/// on, what no plan can cost less than there, and the orders it decided.
struct Period<'o> {
    model: Model<'o>,
    values: HashMap<good_lp::Variable, f64>,
    basis: Option<std::sync::Arc<backend::Basis>>,
    fixed_cost: f64,
    decided: Vec<(OrderKey, f64)>,
}

/// Period `t` of [`period_by_period`], after the orders `decided` before
/// it, from the basis `start` (none: from scratch). `None` where it
/// cannot be served.
#[allow(clippy::too_many_arguments)]
fn one_period<'o>(
    org: &'o Organisation,
    build: &Build,
    skeleton: &Model,
    floor: &OrderCounts,
    decided: &OrderCounts,
    t: usize,
    start: Option<std::sync::Arc<backend::Basis>>,
    vertex: Using,
) -> Option<Period<'o>> {
    let (mut fixed, mut min) = (decided.clone(), OrderCounts::new());
    for o in &skeleton.orders {
        let key = o.key();
        if decided.contains_key(&key) {
            continue;
        }
        let arrives = o.placed + skeleton.lead(o.cluster);
        if arrives == t {
            let before: f64 = decided.range((o.cluster, o.machine_type, 0)..key).map(|(_, n)| n).sum();
            min.insert(key, (floor.get(&key).copied().unwrap_or(0.0) - before).max(0.0));
        } else if arrives > t {
            fixed.insert(key, 0.0);
        }
    }
    let period_build = Build { integer: false, fixed_orders: fixed, min_orders: min, period: Some(t), ..build.clone() };
    let from_scratch = start.is_none();
    // From scratch, interior point with crossover on larger models: where
    // placements cost nothing, the optimum is a face as large as the
    // feasible placements, the interior point method ends at its centre
    // and crossover pushes tens of thousands of columns to a vertex.
    // Preferring the least capacity makes the optimum (about) one vertex
    // (planted medium: the first period 5.6 s → 3.8 s, the second 9.6 s
    // → 6.8 s, the same orders). Not from a basis: dual simplex from the
    // last period's optimum is quick because placements cost nothing
    // there (with the preference, later periods took 2,436 iterations
    // and gave way to interior point).
    let period_model = |integer: bool| {
        let mut m = Model::new(org, Build { integer, ..period_build.clone() });
        if from_scratch {
            m.prefer_least_capacity();
        }
        m
    };
    let mut m = period_model(false);
    if !m.impossible.is_empty() {
        return None;
    }
    let fixed_cost = m.constant_bound();
    // The limits, by cluster, and the orders arriving in this period
    // (key, variable).
    let limits: Vec<(headroom_model::ClusterId, good_lp::Expression)> =
        m.limits.iter().map(|l| (l.cluster, m.constraints[l.constraint].expression().clone())).collect();
    let arriving_in = |m: &Model| -> Vec<(OrderKey, good_lp::Variable)> {
        m.orders.iter().filter(|o| !decided.contains_key(&o.key()) && o.placed + m.lead(o.cluster) == t).map(|o| (o.key(), o.var)).collect()
    };
    let mut arriving = arriving_in(&m);
    // Orders of this period held at their fraction rounded down,
    // where rounding up broke a limit of their cluster: the next
    // solve moves what they would have served elsewhere.
    let mut capped = OrderCounts::new();
    let mut hold = |values: &HashMap<good_lp::Variable, f64>| {
        let (rounded_values, rounded) = round_up_arrivals(values, &arriving, &capped);
        let broken: Vec<&(ClusterId, good_lp::Expression)> = limits.iter().filter(|(_, e)| e.eval_with(&rounded_values) > 1e-6).collect();
        if broken.is_empty() {
            return Some(Vec::new());
        }
        // Rounding up broke a limit: fractions rounded up in the clusters
        // where it did are held down, and the period is solved again,
        // which moves what they would have served elsewhere. Period by
        // period holds all of them at once. From the last period back,
        // where a period keeps within the next one's fleet, only the one
        // that adds the most to the broken limits, one at a time: all at
        // once can leave the cluster short where nothing else can serve
        // its demand (one cluster, where rounding up the power-hungry
        // type broke the cap). Period by period one at a time took
        // planted medium's `plan --no-growth` from 23 s to 37 s (other
        // vertices, poorer starts).
        let mut clusters: Vec<ClusterId> = broken.iter().map(|&&(c, _)| c).collect();
        clusters.sort();
        clusters.dedup();
        let all_at_once = build.by_then.is_none();
        let down: Vec<&Rounded> = clusters
            .iter()
            .flat_map(|&c| {
                if all_at_once {
                    return rounded.iter().filter(|r| r.key.0 == c && r.whole - r.fraction > 1e-6).collect();
                }
                let mut per_machine: HashMap<good_lp::Variable, f64> = HashMap::new();
                for (_, e) in broken.iter().filter(|(of, _)| *of == c) {
                    for (v, k) in good_lp::IntoAffineExpression::linear_coefficients(e.clone()) {
                        *per_machine.entry(v).or_default() += k;
                    }
                }
                let added = |r: &Rounded| per_machine.get(&r.var).copied().unwrap_or(0.0) * (r.whole - r.fraction);
                let candidates = rounded.iter().filter(|r| r.key.0 == c && r.whole - r.fraction > 1e-6);
                let most = candidates.map(|r| (r, added(r))).filter(|&(_, a)| a > 0.0).max_by(|a, b| a.1.total_cmp(&b.1));
                most.map(|(r, _)| r).into_iter().collect::<Vec<_>>()
            })
            .collect();
        if down.is_empty() || capped.len() >= MAX_CAPPED {
            return None;
        }
        let mut held = Vec::new();
        for r in down {
            let floor = (r.fraction + 1e-6).floor();
            capped.insert(r.key, floor);
            held.push((r.var, floor));
        }
        Some(held)
    };
    let settings = Settings { start, keep_basis: true, ..Settings::lp("whole machines by period") };
    let settled = backend::solve_holding(&mut m, vertex, &settings, &mut hold);
    let rounding_failed = match &settled {
        Ok(None) => true,
        Err(Failure::Infeasible) => !capped.is_empty(),
        _ => false,
    };
    let (values, mut basis) = match settled {
        Ok(Some(settled)) => settled,
        // Rounding up kept breaking limits, or what it held down left the
        // period short: where limits are tight (power, space and
        // deliveries at exactly what some plan needs) whole machines
        // that fit them are a knapsack that rounding does not find. The
        // period's own program with whole arrivals, by branch and bound,
        // then (planted small at tightness 1: period by period and from
        // the last period back failed on rounding for seeds 1-8; with
        // it, from the last period back planned 7 of them). Not where
        // the period cannot be served at all, with nothing held: branch
        // and bound would only find that again (planted medium at
        // tightness 1: 60 s). On microlp a dive comes first
        // ([`dive_period`]): its branch and bound dives the cheaper way
        // first, down, where a period short of machines has no solution,
        // and found none within its nodes on ten of eleven such planted
        // small organisations (tightness 1, seeds 1-12); the dive found
        // whole machines on four of them.
        _ if rounding_failed => {
            capped.clear();
            match dive_period(period_model(false), &arriving_in, vertex) {
                Some((dived, values)) => {
                    m = dived;
                    arriving = arriving_in(&m);
                    (values, None)
                }
                None => {
                    m = period_model(true);
                    arriving = arriving_in(&m);
                    let settings = Settings {
                        mip_gap: crate::DEFAULT_MIP_GAP,
                        node_limit: Some(PERIOD_NODES),
                        ..Settings::lp("whole machines by period, branch and bound")
                    };
                    (backend::solve(&mut m, vertex, &settings).ok()?.values, None)
                }
            }
        }
        _ => return None,
    };
    // Where the optimum is the period's constant part (nothing ordered,
    // and placements cost nothing), the basis is only some feasible
    // vertex.
    if let Some(basis) = basis.as_mut() {
        basis.feasible_only = m.objective().eval_with(&values) / COST_SCALE <= fixed_cost + 1e-9 * fixed_cost.abs().max(1.0);
        basis.by_then = build.by_then.is_some();
    }
    let (values, rounded) = round_up_arrivals(&values, &arriving, &capped);
    let mut decided: Vec<(OrderKey, f64)> = rounded.iter().map(|r| (r.key, r.whole)).collect();
    decided.extend(capped.iter().map(|(&k, &n)| (k, n)));
    Some(Period { model: m, values, basis: basis.map(std::sync::Arc::new), fixed_cost, decided })
}

/// Whole arrivals of one period ([`one_period`]) by a dive
/// ([`backend::dive`], microlp only): the period's linear program `m`, each
/// arrival fixed at a whole number next to its value in turn, up first,
/// backtracking where neither way has a solution. Its model and values;
/// `None` where the dive found none (within [`DIVE_SOLVES`] programs, or
/// on HiGHS, whose branch and bound finds these in seconds).
fn dive_period<'o>(
    mut m: Model<'o>,
    arriving_in: &dyn Fn(&Model) -> Vec<(OrderKey, good_lp::Variable)>,
    vertex: Using,
) -> Option<(Model<'o>, HashMap<good_lp::Variable, f64>)> {
    let integer: Vec<good_lp::Variable> = arriving_in(&m).into_iter().map(|(_, v)| v).collect();
    let settings = Settings::lp("whole machines by period, dive");
    let values = backend::dive(&mut m, vertex, &settings, &integer, DIVE_SOLVES).ok()??;
    Some((m, values))
}

/// A period's dive ([`dive_period`]) stops after this many programs:
/// programs, not seconds, so that plans do not depend on the machine.
/// Planted small at tightness 1 (24 arrivals in its last period): the
/// dive found whole machines after 164-519 programs on seeds 4-6, ran
/// out of fixes to try after 175 and 1,913 on seeds 2 and 1, and had
/// found nothing after 1,000 (2-3 s) on seed 3, where branch and bound
/// then finds them.
const DIVE_SOLVES: usize = 1_000;

/// Branch and bound of one period ([`one_period`]) stops after this many
/// nodes (microlp; HiGHS's finishes in seconds). Where it has found
/// nothing by then, the period gives up and the search goes on another
/// way.
const PERIOD_NODES: u64 = 10_000;

/// The relaxation's cumulative orders of each cluster and type, by the
/// period they are placed in, rounded down: where [`period_by_period`]
/// starts each period's arrivals.
fn relaxation_floor(model: &Model, solved: &backend::Solved) -> OrderCounts {
    cumulative_orders(model, &solved.values).into_iter().map(|(o, sum)| (o.key(), (sum + 1e-6).floor())).collect()
}

/// The orders `arriving` in a period rounded up to whole machines in
/// `values` (but those `capped`, held at their floor): the values so
/// rounded, and each order rounded.
fn round_up_arrivals(
    values: &HashMap<good_lp::Variable, f64>,
    arriving: &[(OrderKey, good_lp::Variable)],
    capped: &OrderCounts,
) -> (HashMap<good_lp::Variable, f64>, Vec<Rounded>) {
    let mut values = values.clone();
    let mut rounded = Vec::new();
    for &(key, var) in arriving.iter().filter(|(key, _)| !capped.contains_key(key)) {
        let fraction = values.get(&var).copied().unwrap_or(0.0);
        let whole = (fraction - 1e-6).ceil().max(0.0);
        values.insert(var, whole);
        rounded.push(Rounded { key, var, whole, fraction });
    }
    (values, rounded)
}

/// Orders held down in one period of [`period_by_period`] before it gives
/// up: each costs a solve of the period.
const MAX_CAPPED: usize = 64;

/// Each order with the cumulative orders of its cluster and type up to and
/// including it, in `values`: in order of cluster, type and period placed.
fn cumulative_orders<'m>(
    model: &'m Model,
    values: &std::collections::HashMap<good_lp::Variable, f64>,
) -> Vec<(&'m crate::model::OrderVar, f64)> {
    let mut orders: Vec<&crate::model::OrderVar> = model.orders.iter().collect();
    orders.sort_by_key(|o| o.key());
    let (mut last, mut sum) = (None, 0.0);
    orders
        .into_iter()
        .map(|o| {
            if last != Some((o.cluster, o.machine_type)) {
                (last, sum) = (Some((o.cluster, o.machine_type)), 0.0);
            }
            sum += values.get(&o.var).copied().unwrap_or(0.0).max(0.0);
            (o, sum)
        })
        .collect()
}

/// Copies the placements of a one-period model's decisions into period
/// `t` of the whole horizon's `z` (a period's model holds only its own
/// period; origins are in the same order).
fn copy_period(z: &mut [Vec<Vec<f64>>], read: &Decisions, t: usize) {
    for (o, clusters) in read.z.iter().enumerate() {
        for (i, per_period) in clusters.iter().enumerate() {
            z[o][i][t] = per_period.first().copied().unwrap_or(0.0);
        }
    }
}

/// Placements for fixed orders: with every order fixed, periods share
/// nothing, so one small linear program per period, in parallel, each
/// solved to a vertex by `lp` (simplex, or `Vertex`: interior point with
/// crossover on larger models). `skeleton` is
/// the model the decisions are read against (built if not given). `None`
/// if some period cannot be served.
fn placements<'o>(
    org: &'o Organisation,
    build: &Build,
    fixed: &OrderCounts,
    skeleton: Option<Model<'o>>,
    using: Using,
    lp: crate::backend::LpMethod,
) -> Option<Placed<'o>> {
    use rayon::prelude::*;
    // Placements must hold exactly: `lp` is simplex, or any vertex method.
    debug_assert!(matches!(lp, crate::backend::LpMethod::Simplex | crate::backend::LpMethod::Vertex));
    let horizon = org.forecast.periods.len();
    // Latest first, where demand is highest: once one period cannot be
    // served, no further one is started.
    let mut periods: Vec<(Model<'o>, backend::Solved)> =
        (0..horizon).into_par_iter().rev().map(|t| placements_of(org, build, fixed, t, using, lp, "placements")).collect::<Option<_>>()?;
    periods.reverse();
    Some(Placed::new(org, build, fixed, skeleton, periods))
}

/// Placements of period `t` for fixed orders, solved to a vertex by `lp`
/// (`purpose` names the solve in `--stats`); `None` if the period cannot
/// be served.
fn placements_of<'o>(
    org: &'o Organisation,
    build: &Build,
    fixed: &OrderCounts,
    t: usize,
    using: Using,
    lp: crate::backend::LpMethod,
    purpose: &'static str,
) -> Option<(Model<'o>, backend::Solved)> {
    let mut m = Model::new(org, Build { integer: false, fixed_orders: fixed.clone(), period: Some(t), ..build.clone() });
    if !m.impossible.is_empty() {
        return None;
    }
    let solved = backend::solve(&mut m, Using { lp, ..using }, &Settings { keep_basis: using.keep_bases, ..Settings::lp(purpose) }).ok()?;
    Some((m, solved))
}

/// What [`placements`] found: the model the decisions are read against,
/// the decisions, the running cost in dollars, the periods' models'
/// variables and rows added up, and each period's basis.
struct Placed<'o> {
    skeleton: Model<'o>,
    decisions: Decisions,
    running: f64,
    size: (usize, usize),
    bases: Vec<Option<std::sync::Arc<backend::Basis>>>,
}

impl<'o> Placed<'o> {
    /// The plan of every period's placements, in time order; `skeleton` is
    /// the model the decisions are read against (built if not given).
    fn new(
        org: &'o Organisation,
        build: &Build,
        fixed: &OrderCounts,
        skeleton: Option<Model<'o>>,
        periods: Vec<(Model<'o>, backend::Solved)>,
    ) -> Placed<'o> {
        let horizon = org.forecast.periods.len();
        let skeleton = skeleton.unwrap_or_else(|| Model::skeleton(org, Build { integer: false, ..build.clone() }));
        let mut z: Vec<Vec<Vec<f64>>> = skeleton.origins.iter().map(|o| vec![vec![0.0; horizon]; o.clusters.len()]).collect();
        let (mut running, mut variables, mut constraints) = (0.0, 0, 0);
        let mut bases = Vec::with_capacity(horizon);
        for (t, (m, mut solved)) in periods.into_iter().enumerate() {
            bases.push(solved.basis.take().map(std::sync::Arc::new));
            running += m.running.eval_with(&solved.values) / COST_SCALE;
            (variables, constraints) = (variables + m.all.len(), constraints + m.constraint_count);
            copy_period(&mut z, &Decisions::read(&m, &solved.values), t);
        }
        let orders = fixed.iter().filter(|(_, &n)| n > 0.0).map(|(&key, &n)| (key, n.round() as u32)).collect();
        let unmet = skeleton.origins.iter().map(|_| vec![0.0; horizon]).collect();
        Placed { skeleton, decisions: Decisions { orders, z, unmet }, running, size: (variables, constraints), bases }
    }
}

/// The model's skeleton if its relaxation goes to a method that gives no
/// vertex (interior point without crossover, PDLP): asked for, or `auto`
/// on a model of more than [`backend::AUTO_IPM_VARIABLES`] variables
/// (counted on the skeleton, without building rows).
fn interior_point<'o>(org: &'o Organisation, build: &Build, using: Using) -> Option<Model<'o>> {
    use crate::backend::LpMethod;
    if !using.backend.has_duals() || !matches!(using.lp, LpMethod::Ipm | LpMethod::Pdlp | LpMethod::Auto) {
        return None;
    }
    let skeleton = Model::skeleton(org, Build { integer: false, ..build.clone() });
    let asked = matches!(using.lp, LpMethod::Ipm | LpMethod::Pdlp);
    (asked || skeleton.capacity_and_orders() > backend::AUTO_IPM_VARIABLES).then_some(skeleton)
}

/// If the fleet there is serves every intent, ordering nothing is optimal:
/// orders only add cost (capital, and running once they arrive). Tried on
/// large models before their relaxation (strict mode, no baseline), it
/// proves the plan in a few small simplex solves, one per period, where
/// the whole model's relaxation takes minutes.
fn nothing_to_order<'o>(org: &'o Organisation, build: &Build, skeleton: Model<'o>, using: Using) -> Option<Found<'o>> {
    if build.best_effort || build.stability.is_some() || !build.in_flight.is_empty() {
        return None;
    }
    // Where a count of resources already shows the fleet short, no solve
    // is needed to tell (planted medium: 1.8 s with a core idle; planted
    // large: 58 s).
    if skeleton.fleet_short_without_orders().is_some() {
        return None;
    }
    let fixed: OrderCounts = skeleton.orders.iter().map(|o| (o.key(), 0.0)).collect();
    let periods = without_orders(org, build, &fixed, using)?;
    let placed = Placed::new(org, build, &fixed, Some(skeleton), periods);
    let mut found = Found::new(placed.skeleton, placed.decisions, placed.running, placed.running).by("nothing to order");
    (found.variables, found.constraints) = placed.size;
    found.bases = placed.bases;
    Some(found)
}

/// Every period's placements with nothing ordered, in time order; `None`
/// if some period cannot be served.
///
/// Simplex is quick where the fleet serves everything (easy medium: 8
/// periods in 3.6 s, against 28 s of CPU by interior point with
/// crossover) and slow to find that it does not (planted medium: over 8
/// minutes). The interior point method with crossover tells in seconds, so
/// on one core it tries the last period, where demand is usually highest.
/// Its vertex is not kept: where placements cost nothing it is any
/// feasible one, and on easy medium it gave teams up to six times the
/// capacity they need in that period, where simplex from scratch gives
/// about what they need. On the other core simplex solves the periods in
/// time order, the first from scratch and each next one by dual simplex
/// from the basis the last one ended on: with orders fixed the periods'
/// programs differ only in demand, and where placements cost nothing any
/// basis is optimal once it is feasible (easy large: 0.5–0.9 s a period
/// that way, 13–26 s from scratch). Once they are done, served or not,
/// the probe's answer is no longer needed and it is stopped (easy large:
/// after 34 s of the 148 s it takes). A period the probe finds cannot be
/// served stops the periods after the solve they are in. The order is
/// fixed, so the plan does not depend on the machine.
fn without_orders<'o>(
    org: &'o Organisation,
    build: &Build,
    fixed: &OrderCounts,
    using: Using,
) -> Option<Vec<(Model<'o>, backend::Solved)>> {
    use crate::backend::LpMethod;
    use std::sync::atomic::{AtomicBool, Ordering};
    let last = org.forecast.periods.len().checked_sub(1)?;
    let failed = AtomicBool::new(false);
    let model = |t: usize| Model::new(org, Build { integer: false, fixed_orders: fixed.clone(), period: Some(t), ..build.clone() });
    // Every period in time order, each from the last one's basis.
    let in_order = || -> Option<Vec<(Model<'o>, backend::Solved)>> {
        let mut periods = Vec::with_capacity(last + 1);
        let mut start: Option<std::sync::Arc<backend::Basis>> = None;
        for t in 0..=last {
            if failed.load(Ordering::SeqCst) {
                return None;
            }
            let mut m = model(t);
            if !m.impossible.is_empty() {
                failed.store(true, Ordering::SeqCst);
                return None;
            }
            // Named as the probe: these solves ask the same question, and
            // where the answer is no, `--stats` shows no placements solved.
            let settings = Settings { start: start.take(), keep_basis: true, ..Settings::lp("nothing to order?") };
            let Ok(mut solved) = backend::solve(&mut m, Using { lp: LpMethod::Simplex, ..using }, &settings) else {
                failed.store(true, Ordering::SeqCst);
                return None;
            };
            start = solved.basis.take().map(std::sync::Arc::new);
            // Growth headroom starts from each period's basis too.
            if using.keep_bases {
                solved.basis = start.as_deref().cloned();
            }
            periods.push((m, solved));
        }
        Some(periods)
    };
    // The periods are done, served or not: the probe's answer is no
    // longer needed.
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let ((), periods) = rayon::join(
        || {
            // Only whether it is served: its model and vertex are dropped.
            let mut m = model(last);
            let probe = Using { keep_bases: false, lp: LpMethod::Vertex, ..using };
            let settings = Settings { stop: Some(done.clone()), ..Settings::lp("nothing to order?") };
            if !m.impossible.is_empty() || !matches!(backend::solve(&mut m, probe, &settings), Ok(_) | Err(Failure::Stopped)) {
                failed.store(true, Ordering::SeqCst);
            }
        },
        || {
            let periods = in_order();
            done.store(true, Ordering::SeqCst);
            periods
        },
    );
    if failed.into_inner() {
        return None;
    }
    periods
}

/// Rounding up may break a power, space or delivery limit where the
/// relaxation used it to the full: then, one machine at a time, the order
/// rounded up the most that the limit counts is rounded down instead
/// (the placements are solved again after). Returns whether any machine
/// was taken away.
fn fit_limits(
    model: &Model,
    relaxed: &std::collections::HashMap<good_lp::Variable, f64>,
    values: &mut std::collections::HashMap<good_lp::Variable, f64>,
    fixed: &mut OrderCounts,
) -> bool {
    use crate::model::LimitKind;
    let mut cut = false;
    for _ in 0..100_000 {
        let broken = model.limits.iter().find(|l| model.constraints[l.constraint].expression().eval_with(&*values) > 1e-6);
        let Some(limit) = broken else { return cut };
        let lead = model.lead(limit.cluster);
        // Orders the limit counts: those arrived by its period (power,
        // space), or arriving in it (deliveries).
        let counted = |o: &&crate::model::OrderVar| match limit.kind {
            LimitKind::Deliveries => o.placed + lead == limit.period,
            _ => o.placed + lead <= limit.period,
        };
        let excess = |o: &crate::model::OrderVar| values.get(&o.var).copied().unwrap_or(0.0) - relaxed.get(&o.var).copied().unwrap_or(0.0);
        let down = model
            .cluster_orders(limit.cluster)
            .iter()
            .filter(counted)
            .filter(|o| values.get(&o.var).copied().unwrap_or(0.0) >= 1.0 && !model.build.fixed_orders.contains_key(&o.key()))
            .max_by(|a, b| excess(a).total_cmp(&excess(b)).then(b.placed.cmp(&a.placed)));
        let Some(o) = down else { return cut };
        let n = values.get(&o.var).copied().unwrap_or(0.0) - 1.0;
        values.insert(o.var, n);
        fixed.insert(o.key(), n);
        cut = true;
    }
    cut
}

/// The baseline's orders, fixed, with placements re-solved: a whole-machine
/// plan if they still meet every intent.
fn baseline_candidate<'o>(org: &'o Organisation, build: &Build, model: &Model, using: Using, bound: f64) -> Option<Found<'o>> {
    let stability = build.stability.as_ref()?;
    let fixed = model
        .orders
        .iter()
        .map(|o| {
            let key = o.key();
            (key, stability.orders.get(&key).copied().unwrap_or(0.0))
        })
        .collect();
    let (model, solved, objective) = lp(org, &Build { fixed_orders: fixed, ..build.clone() }, using, "baseline").ok()?;
    let decisions = Decisions::read(&model, &solved.values);
    Some(Found::new(model, decisions, objective, bound).by("the baseline's orders"))
}

/// The MIP, started from `start` when given. `bound` is the LP bound.
fn branch_and_bound<'o>(
    org: &'o Organisation,
    build: &Build,
    options: &Options,
    using: Using,
    bound: f64,
    start: Option<&Found>,
) -> Result<Found<'o>, Failure> {
    let mut model = Model::new(org, Build { integer: true, ..build.clone() });
    let settings = Settings { mip_gap: options.mip_gap, time_limit_seconds: options.time_limit_seconds, ..Settings::lp("mip") };
    let warm = start.map(|b| warm_start(&model, b));
    let solved = backend::solve_from(&mut model, using, &settings, warm)?;
    let objective = model.objective().eval_with(&solved.values) / COST_SCALE;
    // The best proven bound is the largest of the LP relaxation's, the
    // solver's own from branch and bound, and what its own gap proves.
    let proven = if solved.optimal {
        objective
    } else {
        let from_gap = if solved.mip_gap.is_finite() { objective - solved.mip_gap * objective.abs() } else { f64::NEG_INFINITY };
        solved.bound.map_or(f64::NEG_INFINITY, |b| b / COST_SCALE).max(from_gap)
    };
    let decisions = Decisions::read(&model, &solved.values);
    Ok(Found::new(model, decisions, objective, bound.max(proven)).by("branch and bound"))
}

/// The dive's orders as starting values for the integer model's order
/// variables, matched by cluster, machine type and period.
fn warm_start(model: &Model, found: &Found) -> Vec<(good_lp::Variable, f64)> {
    let mut values = Vec::new();
    for o in &model.orders {
        let n = found.decisions.orders.get(&o.key()).copied().unwrap_or(0);
        values.push((o.var, n as f64));
    }
    values
}
