//! Repairing placements that break rows by a solver's tolerance.
//!
//! A first-order method (PDLP) stops within a relative tolerance, so its
//! point may leave an origin's cover row or a cluster's resource row short
//! by about that share. With the orders rounded up to whole machines, the
//! placements are repaired here in one pass over the model, in linear
//! time, instead of solving every period's placements again (planted
//! large: 450–620 s a period by interior point with crossover):
//!
//! 1. In each period, origin by origin, services in dependency order (so
//!    that the demand a service induces on its back ends is final before
//!    they are repaired): where the capacity left after losing the k
//!    largest failure groups falls short of the demand, every placement of
//!    the origin is scaled up by the shortfall's factor (losing the k
//!    largest groups of a scaled placement loses the same share); where
//!    nothing survives to scale (a small demand left at zero), an equal
//!    share goes to the first cluster of every group. The
//!    cover row's other columns (the spare `w`, or the top-k `u` and
//!    `e_g`) are then set to the values that the placements imply.
//! 2. Cluster by cluster, where what the placements need of a resource
//!    passes what the fleet allows at the utilisation target, whole
//!    machines are ordered to arrive in that period: of the type that
//!    covers the shortfall at the least cost over the rest of the horizon
//!    and keeps the cluster's power, space and delivery limits in every
//!    later period.
//!
//! More capacity and more machines only add to what later periods have, so
//! periods are repaired in time order once each. Every row of the model is
//! checked again after the repair; where one still fails (a spread cap, a
//! limit no type keeps), the caller solves the placements instead.

use std::collections::HashMap;

use good_lp::{Constraint, Variable};
use headroom_model::*;

use crate::extract::survivable;
use crate::model::{Model, Survive};

/// Repaired rows hold by this relative margin, far inside the checks'
/// tolerances and far below any cost that matters.
const MARGIN: f64 = 1e-9;

/// A resource row counts as short past this, in the model's units (a
/// reference machine's worth of the resource): ten times tighter than the
/// check every row of a rounded plan passes (1e-6).
const SHORT: f64 = 1e-7;

/// What the repair changed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Repaired {
    /// Origins and periods whose placements were scaled up.
    pub scaled: usize,
    /// Machines ordered beyond the rounded orders.
    pub machines: f64,
}

/// Repairs `values` (a point of `model`'s columns, its orders whole) as
/// the module describes, machines ordered as changed orders in it. `constraints`
/// are the model's rows (it may have handed them on, `backend::prepare`),
/// for its power, space and delivery limits. `None` where a shortfall
/// cannot be repaired this way: an origin with no more than k failure
/// groups, a cluster where no order can arrive in time or none keeps its
/// limits, or dependencies in a cycle (which `check` rejects first).
pub fn repair(model: &Model, constraints: &[Constraint], values: &mut HashMap<Variable, f64>) -> Option<Repaired> {
    let org = model.org;
    let order = org.dependency_order().ok()?;
    let mut repaired = Repaired::default();
    for t in model.window.clone() {
        for &s in &order {
            for &o in &model.by_service[s.index()] {
                if cover(model, o, t, values)? {
                    repaired.scaled += 1;
                }
            }
        }
        for c in org.cluster_ids() {
            repaired.machines += resources(model, constraints, c, t, values)?;
        }
    }
    Some(repaired)
}

fn value(values: &HashMap<Variable, f64>, v: Variable) -> f64 {
    values.get(&v).copied().unwrap_or(0.0)
}

/// Step 1 for origin `o` in period `t`: whether its placements were scaled
/// up; `None` where they fall short and it has no more than k groups.
fn cover(model: &Model, o: usize, t: usize, values: &mut HashMap<Variable, f64>) -> Option<bool> {
    let def = &model.origins[o];
    let k = model.org.service(def.service).redundancy.k as usize;
    let demand = model.demand(o, t).eval_with(values);
    let group_sums = |values: &HashMap<Variable, f64>| -> Vec<f64> {
        def.groups.iter().map(|g| g.iter().map(|&i| value(values, model.z(o, i, t))).sum()).collect()
    };
    let mut groups = group_sums(values);
    let left = survivable(&groups, k);
    let target = demand * (1.0 + MARGIN);
    let scaled = demand > 0.0 && left < target;
    if scaled && left > 0.0 {
        let factor = target / left;
        for i in 0..def.clusters.len() {
            let z = model.z(o, i, t);
            values.insert(z, value(values, z) * factor);
        }
        groups = group_sums(values);
    } else if scaled {
        // Nothing survives to scale (a first-order method leaves a
        // small demand at zero): an equal share on the first cluster of
        // every group, so that losing any k leaves the demand.
        let live = def.groups.iter().filter(|g| !g.is_empty()).count();
        if live <= k {
            return None;
        }
        let share = target / (live - k) as f64;
        for g in def.groups.iter().filter(|g| !g.is_empty()) {
            let z = model.z(o, g[0], t);
            values.insert(z, value(values, z) + share);
        }
        groups = group_sums(values);
    }
    let index = o * model.window.len() + (t - model.window.start);
    match model.survive.get(index)? {
        Survive::All => {}
        Survive::Spare(w) => {
            let sum: f64 = groups.iter().sum();
            values.insert(*w, (sum - demand).max(0.0));
        }
        Survive::TopK { u, excess } => {
            let mut sorted = groups.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            // At the least `k·u + Σ max(0, y_g − u)`, the sum of the k
            // largest: u at the k-th largest (0 where there are no more
            // than k groups).
            let kth = if k <= sorted.len() { sorted[k - 1] } else { 0.0 };
            values.insert(*u, kth);
            for (&e, &y) in excess.iter().zip(&groups) {
                values.insert(e, (y - kth).max(0.0));
            }
        }
    }
    Some(scaled)
}

/// Step 2 for cluster `c` in period `t`: how many machines were ordered;
/// `None` where a resource stays short.
fn resources(model: &Model, constraints: &[Constraint], c: ClusterId, t: usize, values: &mut HashMap<Variable, f64>) -> Option<f64> {
    let org = model.org;
    let users = model.users_of(c);
    if users.is_empty() {
        return Some(0.0);
    }
    let cluster = org.cluster(c);
    let types = &model.cluster_types[c.index()];
    let allows = |m: MachineTypeId, r: usize| cluster.utilisation_target * org.machine_type(m).capacity[r] / model.reference[r];
    let mut ordered = 0.0;
    for r in 0..org.resources.len() {
        let need: f64 = users
            .iter()
            .map(|&(s, o, i)| org.service(s).per_unit[r] * model.unit[s.index()] / model.reference[r] * value(values, model.z(o, i, t)))
            .sum();
        let have: f64 = types.iter().map(|&m| allows(m, r) * model.machines(c, m, t).eval_with(values)).sum();
        let short = need - have;
        if short <= SHORT {
            continue;
        }
        let lead = model.lead(c);
        let placed = t.checked_sub(lead)?;
        // Each type that can arrive then, with the machines that cover
        // the shortfall and what they cost over the rest of the horizon.
        let months = model.months_per_period as f64 * (model.horizon - t) as f64;
        let mut candidates: Vec<(f64, f64, crate::model::OrderVar)> = model
            .cluster_orders(c)
            .iter()
            .filter(|v| v.placed == placed && allows(v.machine_type, r) > 0.0 && !model.build.fixed_orders.contains_key(&v.key()))
            .map(|v| {
                let n = ((short + MARGIN) / allows(v.machine_type, r)).ceil();
                let machine = org.machine_type(v.machine_type);
                (n * (machine.capital_cost + months * machine.running_cost_per_month), n, *v)
            })
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.machine_type.cmp(&b.2.machine_type)));
        let limits: Vec<&Constraint> =
            model.limits.iter().filter(|l| l.cluster == c && l.period >= t).map(|l| &constraints[l.constraint]).collect();
        let kept = candidates.into_iter().find(|&(_, n, v)| {
            let before = value(values, v.var);
            values.insert(v.var, before + n);
            let keeps = limits.iter().all(|row| row.expression().eval_with(&*values) <= 1e-6);
            if !keeps {
                values.insert(v.var, before);
            }
            keeps
        });
        let (_, n, _) = kept?;
        ordered += n;
    }
    Some(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_survives_is_all_but_the_k_largest_groups() {
        assert_eq!(survivable(&[3.0, 1.0, 2.0], 0), 6.0);
        assert_eq!(survivable(&[3.0, 1.0, 2.0], 1), 3.0);
        assert_eq!(survivable(&[3.0, 1.0, 2.0], 2), 1.0);
        assert_eq!(survivable(&[3.0, 1.0, 2.0], 5), 0.0);
    }
}
