//! Growth headroom: on the plan's fleet (orders fixed), how far can the
//! demand of each region's users grow before some intent breaks?
//!
//! With orders fixed, periods no longer share anything, so one small
//! linear program per region, kind and period finds that period's largest
//! growth: maximise g, where demand from the region becomes base + g ×
//! (its organic, or inorganic, part); placements are free to change, and
//! demand induced on dependencies grows with them. (One program over the
//! whole horizon gives the same values — its objective Σ_t g[t] is
//! separable — but costs far more: simplex time grows faster than size.)
//!
//! The programs of one period differ only in which demand grows. On a
//! backend that keeps a model between solves (HiGHS), each period is one
//! model with a growth variable per region and kind, each maximised in
//! turn with the others held at 0: the first from scratch, each next one
//! by primal simplex from the last one's basis. The values are the same
//! optima. On the planted medium organisation's 8 periods (highspy, same
//! HiGHS) the 115 programs took 73 s this way; solved each from scratch
//! they took 5–7 s apiece, 525 s of CPU in headroom.
//!
//! Where the search solved the plan's placements one period at a time
//! and kept each period's basis (`Found::bases`), a period's first
//! program starts from it instead of from scratch: the same rows, and
//! the growth columns at 0 (planted medium: each of the 8 periods' first
//! programs in 0.03–0.56 s, settling that basis and, where settling
//! stops, pushing the first column up from it; 3–6 s from scratch).
//! Before any order can arrive too: the search's program there has no
//! costs and places the least capacity it can (see `search.rs`), whose
//! basis is a start (planted medium's first program 5–7 s from it,
//! 8–11 s from scratch, where from some feasible vertex it took 11 s).
//!
//! Where whole machines are found period by period before any
//! relaxation (`search.rs`), each period's growth headroom is measured
//! beside the search, on the other core, as soon as the search has
//! decided that period's fleet: orders arriving later are held at 0 in a
//! period's programs, which makes them the same programs whether measured
//! then or after the plan. The plan found that way usually stands; where
//! it does not, the values are dropped and measured again on the plan
//! that does. Planted medium: whole `plan` 37 s → 30 s.
//!
//! Each push runs with a tenth of HiGHS's bound perturbation
//! (`backend::sweep`): planted medium's 122 programs 62 s → 28–34 s of
//! CPU, whole `plan` 55–60 s → 40–44 s.
//!
//! Where growth headroom is measured after the plan ([`growth`]), each
//! job's programs form a chain through the periods instead: where the
//! fleet is the last period's, a job's program starts from the basis its
//! own program of the last period ended on. The two differ only in the
//! period's demand, and where the value stays at the cap the start is a
//! few iterations from the optimum; a push from another job's basis
//! first undoes that job's growth. Where machines arrive or retire, the
//! last optimum is far, and the period's jobs are pushed as above. Jobs
//! are split between [`CHAINS`] chains by region, a fixed split, so that
//! every value comes from the same solves on every machine. Easy medium:
//! growth headroom 134 s → 59 s of CPU, whole `plan` 72 s → 38–40 s,
//! the same values to 1e-6. The chains share each period's model: the
//! first builds it with every job's column, hands it to the backend and
//! sweeps its jobs, then the second sweeps its own on the model the first
//! kept while the first goes on to the next period, so each period's
//! model is built and handed off once (easy large: 12 models of 360,000
//! columns where the chains built 24).
//!
//! Pushing every job's growth at once (maximise their sum; a job that
//! reaches the cap is not pushed again) was slower on easy medium (134 s
//! → 193 s of CPU): its regions share clusters, so few reach the cap
//! together.

use std::collections::BTreeMap;

use headroom_model::{MachineTypeId, Organisation};
use headroom_plan::Growth;
use rayon::prelude::*;

use crate::backend::{self, Settings, Using};
use crate::extract::{round6, Decisions};
use crate::model::{Build, GrowthOf, Kind, Model, OrderCounts, OrderKey, GROWTH_CAP};

/// What growth headroom measures: one job per region and kind of demand
/// that has demand of that kind at all, with the periods in which it has;
/// and every order's key with the period it arrives in.
pub struct Jobs {
    pub(crate) jobs: Vec<(GrowthOf, Vec<bool>)>,
    orders: Vec<(OrderKey, usize)>,
}

/// One period's growth: each job's value (`None` where the solver
/// failed); `Err` where `--time-limit` passed first.
pub type PeriodValues = Result<Vec<(usize, Option<f64>)>, ()>;

/// Growth headroom measured for each period ([`period`]), with the jobs
/// it measured.
pub struct Measured {
    pub jobs: Jobs,
    pub periods: Vec<PeriodValues>,
}

/// The jobs of `model`'s organisation (any model of it: its origins and
/// orders are the organisation's).
pub fn jobs(org: &Organisation, model: &Model) -> Jobs {
    let horizon = org.forecast.periods.len();
    let mut jobs = Vec::new();
    for region in org.region_ids() {
        for inorganic in [false, true] {
            let has: Vec<bool> = (0..horizon)
                .map(|t| {
                    model.origins.iter().flat_map(|o| o.regions.iter().zip(&o.kinds)).filter(|(r, _)| **r == Some(region)).any(|(_, k)| {
                        match k {
                            Kind::Direct { organic, inorganic: launches } => (if inorganic { launches[t] } else { organic[t] }) > 0.0,
                            Kind::Induced { .. } => false,
                        }
                    })
                })
                .collect();
            if has.iter().any(|&h| h) {
                jobs.push((GrowthOf { region, inorganic }, has));
            }
        }
    }
    let orders = model.orders.iter().map(|o| (o.key(), o.placed + model.lead(o.cluster))).collect();
    Jobs { jobs, orders }
}

/// The growth table, or `None` if `--time-limit` passed before every
/// program was solved (a partial table would read as "no headroom").
///
/// On a backend that keeps a model between solves, each job's programs
/// form a chain through the periods: a program starts from the basis
/// the same job's program of the last period ended on ([`CHAINS`]).
/// Otherwise the periods are measured side by side, each on its own.
pub fn growth(
    org: &Organisation,
    build: &Build,
    found: &Model,
    decisions: &Decisions,
    bases: &[Option<std::sync::Arc<backend::Basis>>],
    using: Using,
) -> Option<Vec<Growth>> {
    let orders: OrderCounts = decisions.orders.iter().map(|(&key, &n)| (key, n as f64)).collect();
    let jobs = jobs(org, found);
    let horizon = org.forecast.periods.len();
    let from = |t: usize| bases.get(t).and_then(|b| b.as_deref());
    if !chained(using) {
        let periods = (0..horizon).into_par_iter().map(|t| period(org, build, &jobs, &orders, t, from(t), using)).collect();
        return table(org, Measured { jobs, periods });
    }
    // Jobs by region, alternately: the chains' shares of the work come
    // out near even (a region's organic growth is the costly kind). The
    // split is fixed, not the machine's core count, so that every job's
    // chain, and with it every value, is the same on every machine.
    let chains: Vec<Vec<usize>> =
        (0..CHAINS).map(|i| (0..jobs.jobs.len()).filter(|&j| jobs.jobs[j].0.region.index() % CHAINS == i).collect()).collect();
    // The chains share each period's model, built and handed to the
    // backend once: the first chain builds it with every job's column and
    // sweeps its own jobs; the second sweeps its jobs on the model the
    // first kept, while the first goes on to the next period. Each model
    // sees the same solves in the same order on every machine. Easy
    // large: 24 models of 360,000 columns → 12, building and handing them
    // off 46 s → 24 s of CPU, the same plan byte for byte.
    let context = Context { org, build, found, jobs: &jobs, orders: &orders, bases, using };
    let (mut first, mut second) = (Chain::new(&chains[0], horizon), Chain::new(&chains[1], horizon));
    let mut pending: Option<(usize, Handed)> = None;
    for t in 0..=horizon {
        let handed = pending.take();
        let (next, ()) = rayon::join(
            || (t < horizon).then(|| first.lead(&context, t)),
            || {
                if let Some((t, handed)) = handed {
                    second.follow(&context, t, handed);
                }
            },
        );
        pending = next.map(|handed| (t, handed));
    }
    let measured = [first.out, second.out];
    let periods = (0..horizon)
        .map(|t| {
            let mut values = Vec::new();
            for chain in &measured {
                values.extend(chain[t].clone()?);
            }
            values.sort_by_key(|&(j, _)| j);
            Ok(values)
        })
        .collect();
    table(org, Measured { jobs, periods })
}

/// What every period's growth headroom is measured against.
struct Context<'a, 'o> {
    org: &'o Organisation,
    build: &'a Build,
    found: &'a Model<'o>,
    jobs: &'a Jobs,
    orders: &'a OrderCounts,
    bases: &'a [Option<std::sync::Arc<backend::Basis>>],
    using: Using<'a>,
}

impl Context<'_, '_> {
    fn from(&self, t: usize) -> Option<&backend::Basis> {
        self.bases.get(t).and_then(|b| b.as_deref())
    }
}

/// What the first chain hands the second for a period: the model it
/// kept, with each job's growth column in it (`None`: it kept none, and
/// the second builds its own); `Err` where the time limit passed.
type Handed = Result<Option<(backend::Kept, Vec<(usize, good_lp::Variable)>)>, ()>;

/// One chain of jobs through the periods: each job's basis of the last
/// period, and each period's values.
struct Chain<'c> {
    jobs: &'c [usize],
    last: BTreeMap<usize, backend::Basis>,
    out: Vec<PeriodValues>,
}

impl<'c> Chain<'c> {
    fn new(jobs: &'c [usize], horizon: usize) -> Self {
        Chain { jobs, last: BTreeMap::new(), out: Vec::with_capacity(horizon) }
    }

    /// The chain's jobs with demand in period `t`, and each one's start:
    /// its program's basis of the last period, where the fleet is the same.
    fn here(&self, cx: &Context, t: usize) -> (Vec<usize>, Vec<Option<&backend::Basis>>) {
        let here: Vec<usize> = self.jobs.iter().copied().filter(|&j| cx.jobs.jobs[j].1[t]).collect();
        let same = same_fleet(cx.org, cx.found, cx.jobs, cx.orders, t);
        let starts = here.iter().map(|j| self.last.get(j).filter(|_| same)).collect();
        (here, starts)
    }

    /// Keeps what a sweep of `here` found: each value, and each basis as
    /// the next period's start.
    fn record(&mut self, here: &[usize], swept: Result<Vec<backend::Swept>, ()>) {
        let values = swept.map(|swept| {
            here.iter()
                .zip(swept)
                .map(|(&j, (value, basis))| {
                    match basis {
                        Some(basis) => self.last.insert(j, basis),
                        None => self.last.remove(&j),
                    };
                    (j, value)
                })
                .collect()
        });
        self.out.push(values);
    }

    /// Period `t` for the first chain: the model with every job's column,
    /// its own jobs swept, and the model handed on.
    fn lead(&mut self, cx: &Context, t: usize) -> Handed {
        if self.out.last().is_some_and(|v| v.is_err()) || cx.using.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            self.out.push(Err(()));
            return Err(());
        }
        let every: Vec<usize> = (0..cx.jobs.jobs.len()).filter(|&j| cx.jobs.jobs[j].1[t]).collect();
        let (here, starts) = self.here(cx, t);
        if every.is_empty() {
            self.out.push(Ok(Vec::new()));
            return Ok(None);
        }
        let mut model = period_model(cx.org, cx.build, cx.jobs, cx.orders, t, &every);
        let column: Vec<(usize, good_lp::Variable)> = every.iter().copied().zip(model.growth.iter().copied()).collect();
        let all = model.growth.clone();
        let mine = columns_of(&column, &here);
        let (swept, kept) = match backend::sweep(&mut model, cx.using, "growth", (&mine, &all), GROWTH_CAP, cx.from(t), &starts, true) {
            Ok((swept, kept)) => (Ok(swept), kept),
            Err(e) => (Err(e), None),
        };
        let handed = if matches!(swept, Err(backend::Failure::TimeLimit)) { Err(()) } else { Ok(kept.map(|kept| (kept, column))) };
        self.record(&here, values(swept, &here));
        handed
    }

    /// Period `t` for the second chain: its jobs swept on the model the
    /// first handed on, or on a model of its own.
    fn follow(&mut self, cx: &Context, t: usize, handed: Handed) {
        if self.out.last().is_some_and(|v| v.is_err()) || handed.is_err() {
            self.out.push(Err(()));
            return;
        }
        let (here, starts) = self.here(cx, t);
        let swept = match handed {
            Ok(Some((kept, column))) if !here.is_empty() => {
                let mine = columns_of(&column, &here);
                values(backend::sweep_kept(kept, cx.using, &mine, GROWTH_CAP, cx.from(t), &starts), &here)
            }
            _ => solve_period(cx.org, cx.build, cx.jobs, cx.orders, t, &here, cx.from(t), &starts, cx.using),
        };
        self.record(&here, swept);
    }
}

/// The growth columns of the jobs `here`, from each job's column.
fn columns_of(column: &[(usize, good_lp::Variable)], here: &[usize]) -> Vec<good_lp::Variable> {
    here.iter().filter_map(|j| column.iter().find(|(k, _)| k == j).map(|&(_, v)| v)).collect()
}

/// A sweep of the jobs `here` as a period's values: `Err` where the time
/// limit passed; no value for any of them where the backend failed.
fn values(swept: Result<Vec<backend::Swept>, backend::Failure>, here: &[usize]) -> Result<Vec<backend::Swept>, ()> {
    match swept {
        Ok(swept) => Ok(swept),
        Err(backend::Failure::TimeLimit) => Err(()),
        Err(_) => Ok(here.iter().map(|_| (None, None)).collect()),
    }
}

/// Whether period `t` has the fleet of period `t − 1`: no machine arrives
/// in it or retires at its start. Only then does a job's program start
/// from its program of the last period: where the fleet changes, the
/// last optimum is far from the next (planted medium, where orders
/// arrive every period: 18–30 s a period that way, against 2–3 s by
/// pushes from the last job's basis).
fn same_fleet(org: &Organisation, found: &Model, jobs: &Jobs, orders: &OrderCounts, t: usize) -> bool {
    t > 0
        && jobs.orders.iter().all(|&(key, arrives)| arrives != t || orders.get(&key).copied().unwrap_or(0.0) == 0.0)
        && org.cluster_ids().all(|c| {
            (0..org.machine_types.len())
                .map(MachineTypeId::from_index)
                .all(|m| found.fleet_before_orders(c, m, t) == found.fleet_before_orders(c, m, t - 1))
        })
}

/// How many chains of programs [`growth`] measures side by side. Each
/// job's programs start from its own programs' bases of the last period
/// (primal simplex): where its value stays at the cap, a few iterations
/// (easy medium: 0.03–0.3 s, where a push from another job's basis took
/// 0.25–1.4 s).
const CHAINS: usize = 2;
// [`growth`] pipes each period's model from the first chain to the second.
const _: () = assert!(CHAINS == 2);

/// Whether growth headroom's programs are solved in [`sweep`]s: on a
/// backend that keeps a model between solves, unless a test asks for
/// every program on its own.
fn chained(using: Using) -> bool {
    // Tests set HEADROOM_TEST_GROWTH_APART to solve every program on its
    // own, to compare.
    backend::warm_starts(using.backend) && std::env::var_os("HEADROOM_TEST_GROWTH_APART").is_none()
}

/// Period `t`'s growth on the fleet `orders` give (the plan's orders, or
/// any whose arrivals up to `t` are the plan's: later ones are held at 0,
/// so the model is the same either way), from the basis `from` of the
/// period's placements where there is one.
pub fn period(
    org: &Organisation,
    build: &Build,
    jobs: &Jobs,
    orders: &OrderCounts,
    t: usize,
    from: Option<&backend::Basis>,
    using: Using,
) -> PeriodValues {
    let here: Vec<usize> = (0..jobs.jobs.len()).filter(|&j| jobs.jobs[j].1[t]).collect();
    let solved = solve_period(org, build, jobs, orders, t, &here, from, &[], using)?;
    Ok(here.into_iter().zip(solved).map(|(j, (value, _))| (j, value)).collect())
}

/// The jobs `here` of period `t` (see [`period`]), each from its start in
/// `starts` where it has one: each one's value and, in a [`sweep`], the
/// basis its program ended on. `Err` where `--time-limit` passed first.
#[allow(clippy::too_many_arguments)]
fn solve_period(
    org: &Organisation,
    build: &Build,
    jobs: &Jobs,
    orders: &OrderCounts,
    t: usize,
    here: &[usize],
    from: Option<&backend::Basis>,
    starts: &[Option<&backend::Basis>],
    using: Using,
) -> Result<Vec<backend::Swept>, ()> {
    if here.is_empty() {
        return Ok(Vec::new());
    }
    // Past the deadline, not even the model is built.
    let late = || using.deadline.is_some_and(|d| std::time::Instant::now() >= d);
    if late() {
        return Err(());
    }
    if chained(using) {
        // One model with a growth variable for every job here; each is
        // maximised in turn (see the module's comment).
        let mut model = period_model(org, build, jobs, orders, t, here);
        let columns = model.growth.clone();
        let swept = backend::sweep(&mut model, using, "growth", (&columns, &[]), GROWTH_CAP, from, starts, false);
        return values(swept.map(|(swept, _)| swept), here);
    }
    // One model per job.
    let mut values = Vec::with_capacity(here.len());
    for &j in here {
        if late() {
            return Err(());
        }
        let mut model = period_model(org, build, jobs, orders, t, &[j]);
        match backend::solve(&mut model, using, &Settings::lp("growth")) {
            Ok(solved) => values.push((Some(model.growth.first().map_or(0.0, |g| solved.values.get(g).copied().unwrap_or(0.0))), None)),
            Err(backend::Failure::TimeLimit) => return Err(()),
            Err(_) => values.push((None, None)),
        }
    }
    Ok(values)
}

/// Period `t`'s program of growth headroom for the jobs `here`, one
/// growth column each, in their order: the plan's orders arriving by then
/// fixed, later ones at 0. In best-effort mode demand may already be
/// unmet: unmet demand stays allowed, at a penalty far above what growth
/// is worth, so growth never buys more of it.
fn period_model<'o>(org: &'o Organisation, build: &Build, jobs: &Jobs, orders: &OrderCounts, t: usize, here: &[usize]) -> Model<'o> {
    let fixed: OrderCounts = jobs
        .orders
        .iter()
        .map(|&(key, arrives)| (key, if arrives <= t { orders.get(&key).copied().unwrap_or(0.0) } else { 0.0 }))
        .collect();
    let growth = here.iter().map(|&j| jobs.jobs[j].0).collect();
    Model::new(org, Build { integer: false, stability: None, fixed_orders: fixed, growth, period: Some(t), ..build.clone() })
}

/// The growth table of every period's values, or `None` if `--time-limit`
/// passed in any.
pub fn table(org: &Organisation, measured: Measured) -> Option<Vec<Growth>> {
    table_of(org, &measured.jobs, measured.periods)
}

/// The growth table of `jobs`' values in each of `periods` (see [`table`]).
pub fn table_of(org: &Organisation, jobs: &Jobs, periods: Vec<PeriodValues>) -> Option<Vec<Growth>> {
    let horizon = org.forecast.periods.len();
    let periods: Vec<Vec<(usize, Option<f64>)>> = periods.into_iter().collect::<Result<_, ()>>().ok()?;
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; horizon]; jobs.jobs.len()];
    for (t, period) in periods.into_iter().enumerate() {
        for (j, g) in period {
            values[j][t] = g;
        }
    }
    let mut out: BTreeMap<(usize, usize), Growth> = BTreeMap::new();
    for ((of, _), values) in jobs.jobs.iter().zip(values) {
        for (t, value) in values.into_iter().enumerate() {
            let entry = out.entry((of.region.index(), t)).or_insert_with(|| Growth {
                period: org.forecast.periods[t].to_string(),
                region: org.region(of.region).name.text.clone(),
                organic: None,
                inorganic: None,
                cap: GROWTH_CAP,
                at_least: false,
                organic_at_most: None,
                inorganic_at_most: None,
            });
            if let Some(g) = value {
                let g = round6(g).clamp(0.0, GROWTH_CAP);
                *(if of.inorganic { &mut entry.inorganic } else { &mut entry.organic }) = Some(g);
            }
        }
    }
    Some(out.into_values().collect())
}
