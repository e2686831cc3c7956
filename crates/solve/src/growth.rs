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
//! stops, pushing the first column up from it; 3–6 s from scratch). Not
//! before any order can arrive: the search's basis there is of a
//! program without costs, a poor start for a push (see `search.rs`).
//!
//! Where whole machines are found period by period before any
//! relaxation (`search.rs`), each period's growth headroom is measured
//! beside the search, on the other core, as soon as the search has
//! decided that period's fleet: orders arriving later are held at 0 in a
//! period's programs, which makes them the same programs whether measured
//! then or after the plan. The plan found that way usually stands; where
//! it does not, the values are dropped and measured again on the plan
//! that does. The periods before any order can arrive need nothing from
//! the search and start first. Planted medium: whole `plan` 37 s → 30 s.
//!
//! Each push runs with a tenth of HiGHS's bound perturbation
//! (`backend::sweep`): planted medium's 122 programs 62 s → 28–34 s of
//! CPU, whole `plan` 55–60 s → 40–44 s.

use std::collections::BTreeMap;

use headroom_model::Organisation;
use headroom_plan::Growth;
use rayon::prelude::*;

use crate::backend::{self, Settings, Using};
use crate::extract::{round6, Decisions};
use crate::model::{Build, GrowthOf, Kind, Model, OrderCounts, OrderKey, GROWTH_CAP};

/// What growth headroom measures: one job per region and kind of demand
/// that has demand of that kind at all, with the periods in which it has;
/// and every order's key with the period it arrives in.
pub struct Jobs {
    jobs: Vec<(GrowthOf, Vec<bool>)>,
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
    let periods = (0..org.forecast.periods.len())
        .into_par_iter()
        .map(|t| period(org, build, &jobs, &orders, t, bases.get(t).and_then(|b| b.as_deref()), using))
        .collect();
    table(org, Measured { jobs, periods })
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
    if here.is_empty() {
        return Ok(Vec::new());
    }
    // Past the deadline, not even the model is built.
    let late = || using.deadline.is_some_and(|d| std::time::Instant::now() >= d);
    if late() {
        return Err(());
    }
    let fixed: OrderCounts = jobs
        .orders
        .iter()
        .map(|&(key, arrives)| (key, if arrives <= t { orders.get(&key).copied().unwrap_or(0.0) } else { 0.0 }))
        .collect();
    // In best-effort mode demand may already be unmet: unmet demand stays
    // allowed, at a penalty far above what growth is worth, so growth
    // never buys more of it.
    let model_of = |of: Vec<GrowthOf>| {
        Model::new(
            org,
            Build { integer: false, stability: None, fixed_orders: fixed.clone(), growth: of, period: Some(t), ..build.clone() },
        )
    };
    // Tests set HEADROOM_TEST_GROWTH_APART to solve every program on its
    // own, to compare.
    let warm = backend::warm_starts(using.backend) && std::env::var_os("HEADROOM_TEST_GROWTH_APART").is_none();
    if warm {
        // One model with a growth variable for every job that has demand
        // then; each is maximised in turn from the last one's basis (see
        // the module's comment).
        let mut model = model_of(here.iter().map(|&j| jobs.jobs[j].0).collect());
        let columns = model.growth.clone();
        return match backend::sweep(&mut model, using, "growth", &columns, GROWTH_CAP, from) {
            Ok(values) => Ok(here.into_iter().zip(values).collect()),
            Err(backend::Failure::TimeLimit) => Err(()),
            Err(_) => Ok(here.into_iter().map(|j| (j, None)).collect()),
        };
    }
    // One model per job.
    let mut values = Vec::with_capacity(here.len());
    for j in here {
        if late() {
            return Err(());
        }
        let mut model = model_of(vec![jobs.jobs[j].0]);
        match backend::solve(&mut model, using, &Settings::lp("growth")) {
            Ok(solved) => values.push((j, Some(model.growth.first().map_or(0.0, |g| solved.values.get(g).copied().unwrap_or(0.0))))),
            Err(backend::Failure::TimeLimit) => return Err(()),
            Err(_) => values.push((j, None)),
        }
    }
    Ok(values)
}

/// The growth table of every period's values, or `None` if `--time-limit`
/// passed in any.
pub fn table(org: &Organisation, measured: Measured) -> Option<Vec<Growth>> {
    let Measured { jobs, periods } = measured;
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
            });
            if let Some(g) = value {
                let g = round6(g).clamp(0.0, GROWTH_CAP);
                *(if of.inorganic { &mut entry.inorganic } else { &mut entry.organic }) = Some(g);
            }
        }
    }
    Some(out.into_values().collect())
}
