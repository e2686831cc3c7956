//! Growth headroom: on the plan's fleet (orders fixed), how far can the
//! demand of each region's users grow before some intent breaks?
//!
//! With orders fixed, periods no longer share anything, so one linear
//! program per region and kind finds every period's largest growth at
//! once: maximise Σ_t g[t], where demand from the region becomes
//! base + g[t] × (its organic, or inorganic, part); placements are free to
//! change, and demand induced on dependencies grows with them.

use std::collections::BTreeMap;

use headroom_model::Organisation;
use headroom_plan::Growth;
use rayon::prelude::*;

use crate::backend::{self, Settings, Using};
use crate::extract::{round6, Decisions};
use crate::model::{Build, GrowthOf, Kind, Model, GROWTH_CAP};

pub fn growth(org: &Organisation, build: &Build, found: &Model, decisions: &Decisions, using: Using) -> Vec<Growth> {
    let fixed: BTreeMap<_, f64> = found.orders.iter().map(|o| {
        let key = (o.cluster, o.machine_type, o.placed);
        (key, decisions.orders.get(&key).copied().unwrap_or(0) as f64)
    }).collect();
    let horizon = org.forecast.periods.len();
    // One job per region and kind that has demand of that kind at all,
    // with the periods in which it has.
    let mut jobs = Vec::new();
    for region in org.region_ids() {
        for inorganic in [false, true] {
            let has: Vec<bool> = (0..horizon)
                .map(|t| {
                    found.origins.iter().any(|o| match &o.kind {
                        Kind::Direct { organic, inorganic: launches } if o.region == Some(region) => (if inorganic { launches[t] } else { organic[t] }) > 0.0,
                        _ => false,
                    })
                })
                .collect();
            if has.iter().any(|&h| h) {
                jobs.push((GrowthOf { region, inorganic }, has));
            }
        }
    }
    // The jobs are independent: solved in parallel, results in job order.
    let solved: Vec<Option<Vec<f64>>> = jobs
        .par_iter()
        .map(|(of, _)| {
            // In best-effort mode demand may already be unmet: unmet demand
            // stays allowed, at a penalty far above what growth is worth, so
            // growth never buys more of it.
            let mut model = Model::new(org, Build { integer: false, stability: None, fixed_orders: fixed.clone(), growth: Some(*of), ..build.clone() });
            let solved = backend::solve(&mut model, using, &Settings::lp("growth")).ok()?;
            Some(model.growth.iter().map(|g| solved.values.get(g).copied().unwrap_or(0.0)).collect())
        })
        .collect();
    let mut out: BTreeMap<(usize, usize), Growth> = BTreeMap::new();
    for ((of, has), values) in jobs.iter().zip(solved) {
        let Some(values) = values else { continue };
        for t in 0..horizon {
            let entry = out.entry((of.region.index(), t)).or_insert_with(|| Growth {
                period: org.forecast.periods[t].to_string(),
                region: org.region(of.region).name.text.clone(),
                organic: None,
                inorganic: None,
                cap: GROWTH_CAP,
            });
            if has[t] {
                let g = round6(values[t]).clamp(0.0, GROWTH_CAP);
                *(if of.inorganic { &mut entry.inorganic } else { &mut entry.organic }) = Some(g);
            }
        }
    }
    out.into_values().collect()
}
