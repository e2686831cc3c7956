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
//! Each push runs with a tenth of HiGHS's bound perturbation
//! (`backend::sweep`): planted medium's 122 programs 62 s → 28–34 s of
//! CPU, whole `plan` 55–60 s → 40–44 s.

use std::collections::BTreeMap;

use headroom_model::Organisation;
use headroom_plan::Growth;
use rayon::prelude::*;

use crate::backend::{self, Settings, Using};
use crate::extract::{round6, Decisions};
use crate::model::{Build, GrowthOf, Kind, Model, GROWTH_CAP};

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
    let fixed: BTreeMap<_, f64> = found
        .orders
        .iter()
        .map(|o| {
            let key = (o.cluster, o.machine_type, o.placed);
            (key, decisions.orders.get(&key).copied().unwrap_or(0) as f64)
        })
        .collect();
    let horizon = org.forecast.periods.len();
    // One job per region and kind that has demand of that kind at all,
    // with the periods in which it has.
    let mut jobs = Vec::new();
    for region in org.region_ids() {
        for inorganic in [false, true] {
            let has: Vec<bool> = (0..horizon)
                .map(|t| {
                    found.origins.iter().flat_map(|o| o.regions.iter().zip(&o.kinds)).filter(|(r, _)| **r == Some(region)).any(|(_, k)| {
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
    let late = || using.deadline.is_some_and(|d| std::time::Instant::now() >= d);
    // In best-effort mode demand may already be unmet: unmet demand stays
    // allowed, at a penalty far above what growth is worth, so growth
    // never buys more of it.
    let model_of = |of: Vec<GrowthOf>, t: usize| {
        Model::new(
            org,
            Build { integer: false, stability: None, fixed_orders: fixed.clone(), growth: of, period: Some(t), ..build.clone() },
        )
    };
    // Each job and period's growth; Err: not solved because the time
    // limit passed.
    type Found = Result<Vec<((usize, usize), Option<f64>)>, ()>;
    // Tests set HEADROOM_TEST_GROWTH_APART to solve every program on its
    // own, to compare.
    let warm = backend::warm_starts(using.backend) && std::env::var_os("HEADROOM_TEST_GROWTH_APART").is_none();
    let solved: Vec<Found> = if warm {
        // One model per period, with a growth variable for every job that
        // has demand then; each is maximised in turn from the last one's
        // basis (see the module's comment). Periods in parallel.
        (0..horizon)
            .into_par_iter()
            .map(|t| {
                let here: Vec<usize> = (0..jobs.len()).filter(|&j| jobs[j].1[t]).collect();
                if here.is_empty() {
                    return Ok(Vec::new());
                }
                if late() {
                    return Err(());
                }
                let mut model = model_of(here.iter().map(|&j| jobs[j].0).collect(), t);
                let columns = model.growth.clone();
                let from = bases.get(t).and_then(|b| b.as_deref());
                match backend::sweep(&mut model, using, "growth", &columns, GROWTH_CAP, from) {
                    Ok(values) => Ok(here.iter().map(|&j| (j, t)).zip(values).collect()),
                    Err(backend::Failure::TimeLimit) => Err(()),
                    Err(_) => Ok(here.iter().map(|&j| ((j, t), None)).collect()),
                }
            })
            .collect()
    } else {
        // One model per job and period with demand of that kind: solved
        // in parallel, results in job order.
        let periods: Vec<(usize, usize)> =
            jobs.iter().enumerate().flat_map(|(j, (_, has))| (0..horizon).filter(|&t| has[t]).map(move |t| (j, t))).collect();
        periods
            .par_iter()
            .map(|&(j, t)| {
                // Past the deadline, not even the model is built.
                if late() {
                    return Err(());
                }
                let mut model = model_of(vec![jobs[j].0], t);
                match backend::solve(&mut model, using, &Settings::lp("growth")) {
                    Ok(solved) => {
                        Ok(vec![((j, t), Some(model.growth.first().map_or(0.0, |g| solved.values.get(g).copied().unwrap_or(0.0))))])
                    }
                    Err(backend::Failure::TimeLimit) => Err(()),
                    Err(_) => Ok(vec![((j, t), None)]),
                }
            })
            .collect()
    };
    let solved: Vec<Vec<_>> = solved.into_iter().collect::<Result<_, ()>>().ok()?;
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; horizon]; jobs.len()];
    for ((j, t), g) in solved.into_iter().flatten() {
        values[j][t] = g;
    }
    let mut out: BTreeMap<(usize, usize), Growth> = BTreeMap::new();
    for ((of, _), values) in jobs.iter().zip(values) {
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
