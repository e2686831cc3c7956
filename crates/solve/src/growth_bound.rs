//! Growth headroom bounded from below and above, without solving: for organisations
//! whose growth programs take minutes each (planted large: the first of
//! some 460 took 471 s, the next ones about 290 s each).
//!
//! The plan's own placements are a start. Where a region's demand grows
//! by g, each origin's new demand (its users' growth, and what its
//! dependents' new capacity induces, in dependency order) gets capacity
//! of its own, spread over the origin's clusters in proportion to the
//! room the plan leaves there for the service, and scaled so that it
//! alone survives the loss of the service's k largest failure groups.
//! Every use of a cluster then grows linearly with g, and the largest g
//! that keeps every resource row and spread cap is a ratio test.
//!
//! Why the placements at that g keep every rule (`docs/plan-semantics.md`):
//!
//! - N+k (rule 3): what survives the loss of the k largest groups,
//!   Σ y − (the k largest y), is superadditive in the capacity y — the sum
//!   of the k largest is subadditive — so the plan's capacity, which
//!   covers the old demand, plus new capacity that alone covers the new
//!   demand, covers their sum;
//! - latency and placement rules (rules 1, 2): new capacity goes only to
//!   the origin's own clusters;
//! - spread caps (rule 4) and cluster resources (rule 6): linear in g,
//!   checked by the ratio test from the plan's own slack;
//! - power, space and deliveries (rules 7, 8): orders are fixed, as in
//!   the exact programs, so they do not change.
//!
//! So the value is the growth of one feasible placement: the largest
//! growth is at least that. It is a bound, said so in the plan
//! (`Growth::at_least`): where other regions' placements could move out
//! of the way, the exact program finds more. It is close where the plan
//! leaves room spread over the fleet, as PDLP's rounded-up plans do
//! (planted small planned that way: a median 83 % of the measured
//! value), and weak where the plan packs clusters, as whole machines
//! period by period do (planted medium: 8 of 115 values above 0).
//!
//! An upper bound comes with it (`Room::at_most`), from capacity alone:
//! loose, but it says where there is little room.

use rayon::prelude::*;

use headroom_model::{Organisation, RegionId, ServiceId};
use headroom_plan::Growth;

use crate::extract::Decisions;
use crate::growth::PeriodValues;
use crate::model::{Kind, Model, GROWTH_CAP};

/// What the plan's method says where growth headroom is bounded.
pub const METHOD: &str =
    "; growth headroom bounded (at least, from the room the plan leaves; at most, from the fleet's capacity): too large to measure exactly";

/// Whether growth headroom is bounded instead of measured: on a model too
/// large for programs by period whose search kept no period's basis to
/// start growth headroom's programs from (a plan from PDLP's relaxation;
/// planted large: the first program took 471 s from scratch, each next
/// one about 290 s, for some 460). Easy large, where the search solved
/// every period and kept its basis, is measured exactly.
pub fn instead(model: &Model, bases: &[Option<std::sync::Arc<crate::backend::Basis>>]) -> bool {
    // Tests set HEADROOM_TEST_GROWTH_BOUNDED to bound a small plan's.
    std::env::var_os("HEADROOM_TEST_GROWTH_BOUNDED").is_some()
        || (model.capacity_and_orders() > crate::search::PERIODS_MAX_VARIABLES && bases.iter().all(Option::is_none))
}

/// Every period's growth headroom, bounded from below and above (see the
/// module's comment), as the plan's growth table: `None` where the
/// services' dependencies have a cycle (loading refuses those).
pub fn bounded(org: &Organisation, model: &Model, decisions: &Decisions, best_effort: bool) -> Option<Vec<Growth>> {
    let order = org.dependency_order().ok()?;
    let horizon = org.forecast.periods.len();
    let jobs = crate::growth::jobs(org, model);
    let (lower, upper): (Vec<PeriodValues>, Vec<PeriodValues>) = (0..horizon)
        .into_par_iter()
        .map(|t| {
            let room = Room::of(org, model, decisions, t);
            let here: Vec<usize> = (0..jobs.jobs.len()).filter(|&j| jobs.jobs[j].1[t]).collect();
            let (lower, upper) = here
                .iter()
                .map(|&j| {
                    let of = jobs.jobs[j].0;
                    let at_most = (!best_effort).then(|| room.at_most(org, model, &order, of.region, of.inorganic, t));
                    ((j, Some(room.growth(org, model, &order, of.region, of.inorganic, t))), (j, at_most))
                })
                .unzip();
            (Ok(lower), Ok(upper))
        })
        .unzip();
    let mut rows = crate::growth::table_of(org, &jobs, lower)?;
    let upper = crate::growth::table_of(org, &jobs, upper)?;
    for (row, upper) in rows.iter_mut().zip(upper) {
        row.at_least = true;
        // Both bounds hold; rounding must not cross them.
        row.organic_at_most = upper.organic.map(|u| u.max(row.organic.unwrap_or(0.0)));
        row.inorganic_at_most = upper.inorganic.map(|u| u.max(row.inorganic.unwrap_or(0.0)));
    }
    Some(rows)
}

/// What the plan leaves in one period: each cluster's slack in each
/// resource, and each service's capacity in each cluster, in units of
/// demand.
struct Room {
    /// have[cluster][resource]: what the fleet allows at the cluster's
    /// utilisation target.
    have: Vec<Vec<f64>>,
    /// slack[cluster][resource]: `have` less what the plan uses, at least 0.
    slack: Vec<Vec<f64>>,
    /// The plan's capacity, `z[origin][cluster index]`, this period.
    z: Vec<Vec<f64>>,
    /// Each service's dependents, with the demand each unit of their
    /// capacity induces on it.
    dependents: Vec<Vec<(ServiceId, f64)>>,
}

impl Room {
    fn of(org: &Organisation, model: &Model, decisions: &Decisions, t: usize) -> Room {
        let resources = org.resources.len();
        let mut slack = vec![vec![0.0; resources]; org.clusters.len()];
        for c in org.cluster_ids() {
            let cluster = org.cluster(c);
            for &m in model.cluster_types.get(c.index()).map_or(&[][..], |types| &types[..]) {
                let machines = decisions.machines(model, c, m, t) as f64;
                let capacity = &org.machine_type(m).capacity;
                slack[c.index()].iter_mut().zip(capacity).for_each(|(s, cap)| *s += cluster.utilisation_target * cap * machines);
            }
        }
        let have = slack.clone();
        let z: Vec<Vec<f64>> =
            (0..model.origins.len()).map(|o| decisions.z.get(o).map_or(Vec::new(), |z| z.iter().map(|z| z[t]).collect())).collect();
        for (o, def) in model.origins.iter().enumerate() {
            let per_unit = &org.service(def.service).per_unit;
            for (i, c) in def.clusters.iter().enumerate() {
                let placed = z[o].get(i).copied().unwrap_or(0.0);
                slack[c.index()].iter_mut().zip(per_unit).for_each(|(s, need)| *s -= need * placed);
            }
        }
        slack.iter_mut().flatten().for_each(|s| *s = s.max(0.0));
        let mut dependents = vec![Vec::new(); org.services.len()];
        for from in org.service_ids() {
            for dep in &org.service(from).dependencies {
                dependents[dep.service.index()].push((from, dep.ratio));
            }
        }
        Room { have, slack, z, dependents }
    }

    /// How far demand from `region` (its inorganic part, or organic) can
    /// grow in period `t` with the new demand placed in the room the plan
    /// leaves: at least 0, at most [`GROWTH_CAP`].
    fn growth(&self, org: &Organisation, model: &Model, order: &[ServiceId], region: RegionId, inorganic: bool, t: usize) -> f64 {
        // New capacity per unit of growth, dz[origin][cluster index].
        let mut dz: Vec<Vec<f64>> = model.origins.iter().map(|def| vec![0.0; def.clusters.len()]).collect();
        for &s in order {
            let per_unit = &org.service(s).per_unit;
            let redundancy = org.service(s).redundancy.k as usize;
            for &o in &model.by_service[s.index()] {
                let def = &model.origins[o];
                let mut new = 0.0;
                for (j, kind) in def.kinds.iter().enumerate() {
                    match kind {
                        Kind::Direct { organic, inorganic: launches } if def.regions[j] == Some(region) => {
                            new += if inorganic { launches[t] } else { organic[t] };
                        }
                        Kind::Induced { from, ratio } => {
                            for &f in &model.by_service[from.index()] {
                                for (i, &c) in model.origins[f].clusters.iter().enumerate() {
                                    if Some(org.cluster(c).region) == def.regions[j] {
                                        new += ratio * dz[f][i];
                                    }
                                }
                            }
                        }
                        Kind::Direct { .. } => {}
                    }
                }
                // Less demand (launches that shrink it) needs no new
                // capacity: the plan's covers it.
                if new <= 0.0 {
                    continue;
                }
                // Room for the service in each of the origin's clusters.
                let weights: Vec<f64> = def
                    .clusters
                    .iter()
                    .map(|c| {
                        let slack = &self.slack[c.index()];
                        per_unit.iter().zip(slack).filter(|(need, _)| **need > 0.0).map(|(need, s)| s / need).fold(f64::INFINITY, f64::min)
                    })
                    .map(|w| if w.is_finite() { w } else { 1.0 })
                    .collect();
                let survives = survivable(&weights, &def.groups, redundancy);
                if survives <= 0.0 {
                    // No room that survives the loss of k groups.
                    return 0.0;
                }
                dz[o].iter_mut().zip(&weights).for_each(|(d, w)| *d = new * w / survives);
            }
        }
        self.ratio_test(org, model, &dz).clamp(0.0, GROWTH_CAP)
    }

    /// An upper bound on how far demand from `region` (its inorganic part,
    /// or organic) can grow in period `t`, whatever the placements, from
    /// the fleet's capacity alone. Each service places at least a lower
    /// bound of capacity, linear in g, found in dependency order: each of
    /// its origins at least G/(G − k) times its users' demand (what
    /// survives the loss of the k largest of G groups is at most
    /// (G − k)/G of the whole), and at least the smallest such factor of
    /// its origins times what its dependents' capacity induces (a
    /// dependent's capacity, wherever it is, induces ratio times it over
    /// the origins of its regions). Summed over services for each
    /// resource, that fits in what the whole fleet allows. Capped at
    /// [`GROWTH_CAP`]. Not in best-effort mode, where unmet demand may
    /// stand in for capacity.
    fn at_most(&self, org: &Organisation, model: &Model, order: &[ServiceId], region: RegionId, inorganic: bool, t: usize) -> f64 {
        // Each service's least capacity: at g = 0 and per unit of g.
        let mut least = vec![(0.0, 0.0); org.services.len()];
        for &s in order {
            let k = org.service(s).redundancy.k as usize;
            let (mut at0, mut per_g, mut factor_min) = (0.0, 0.0, f64::INFINITY);
            for &o in &model.by_service[s.index()] {
                let def = &model.origins[o];
                let groups = def.groups.len();
                // Where k groups are all there are, only no demand can be
                // met; it adds no capacity to count on.
                let factor = if groups > k { groups as f64 / (groups - k) as f64 } else { 1.0 };
                factor_min = factor_min.min(factor);
                for (kind, r) in def.kinds.iter().zip(&def.regions) {
                    if let Kind::Direct { organic, inorganic: launches } = kind {
                        at0 += factor * (organic[t] + launches[t]);
                        if *r == Some(region) {
                            per_g += factor * if inorganic { launches[t] } else { organic[t] };
                        }
                    }
                }
            }
            // What its dependents induce (they come first in `order`).
            let factor = if factor_min.is_finite() { factor_min } else { 1.0 };
            for &(from, ratio) in &self.dependents[s.index()] {
                let (a, b) = least[from.index()];
                at0 += factor * ratio * a;
                per_g += factor * ratio * b;
            }
            least[s.index()] = (at0, per_g);
        }
        let mut g = GROWTH_CAP;
        for r in 0..org.resources.len() {
            let have: f64 = self.have.iter().map(|h| h[r]).sum();
            let (mut base, mut rate) = (0.0, 0.0);
            for (s, &(a, b)) in least.iter().enumerate() {
                let need = org.services[s].per_unit[r];
                base += need * a;
                rate += need * b;
            }
            if rate > 0.0 {
                g = g.min(((have - base) / rate).max(0.0));
            }
        }
        g
    }

    /// The largest g for which the plan's capacity plus g × `dz` keeps
    /// every cluster's resources and every service's spread caps.
    fn ratio_test(&self, org: &Organisation, model: &Model, dz: &[Vec<f64>]) -> f64 {
        let resources = org.resources.len();
        let mut more = vec![vec![0.0; resources]; org.clusters.len()];
        // Capacity per service and cluster: the plan's and new.
        let mut x = vec![Vec::new(); org.services.len()];
        let mut dx = vec![Vec::new(); org.services.len()];
        for (o, def) in model.origins.iter().enumerate() {
            let s = def.service.index();
            let per_unit = &org.service(def.service).per_unit;
            for (i, c) in def.clusters.iter().enumerate() {
                let d = dz[o][i];
                more[c.index()].iter_mut().zip(per_unit).for_each(|(m, need)| *m += need * d);
                if x[s].is_empty() {
                    x[s] = vec![0.0; org.clusters.len()];
                    dx[s] = vec![0.0; org.clusters.len()];
                }
                x[s][c.index()] += self.z[o].get(i).copied().unwrap_or(0.0);
                dx[s][c.index()] += d;
            }
        }
        let mut g = GROWTH_CAP;
        let mut within = |slack: f64, rate: f64| {
            if rate > 0.0 {
                g = g.min(slack.max(0.0) / rate);
            }
        };
        for (slack, more) in self.slack.iter().zip(&more) {
            slack.iter().zip(more).for_each(|(&s, &m)| within(s, m));
        }
        for (s, service) in org.services.iter().enumerate() {
            if x[s].is_empty() || (service.max_cluster_share.is_none() && service.max_region_share.is_none()) {
                continue;
            }
            let (total, more): (f64, f64) = (x[s].iter().sum(), dx[s].iter().sum());
            if let Some(share) = service.max_cluster_share {
                for c in 0..org.clusters.len() {
                    within(share * total - x[s][c], dx[s][c] - share * more);
                }
            }
            if let Some(share) = service.max_region_share {
                // The plan's and new capacity in each region, in one pass.
                let mut in_region = vec![(0.0, 0.0); org.regions.len()];
                for c in org.cluster_ids() {
                    let sums = &mut in_region[org.cluster(c).region.index()];
                    sums.0 += x[s][c.index()];
                    sums.1 += dx[s][c.index()];
                }
                for (placed, new) in in_region {
                    within(share * total - placed, new - share * more);
                }
            }
        }
        g
    }
}

/// What survives of capacity `y` over an origin's clusters after losing
/// its `k` largest failure groups (`groups`: indices into `y`).
fn survivable(y: &[f64], groups: &[Vec<usize>], k: usize) -> f64 {
    let sums: Vec<f64> = groups.iter().map(|g| g.iter().map(|&i| y[i]).sum()).collect();
    crate::extract::survivable(&sums, k)
}

#[cfg(test)]
mod tests {
    use super::survivable;

    #[test]
    fn what_survives_the_loss_of_the_k_largest_groups() {
        // Three clusters, each its own group: N+1 loses the 30.
        assert_eq!(survivable(&[10.0, 30.0, 20.0], &[vec![0], vec![1], vec![2]], 1), 30.0);
        // Two groups of two clusters: the group of 10 + 30 is the larger.
        assert_eq!(survivable(&[10.0, 30.0, 20.0, 5.0], &[vec![0, 1], vec![2, 3]], 1), 25.0);
        // N+2 over three groups keeps the smallest; N+0 keeps all.
        assert_eq!(survivable(&[10.0, 30.0, 20.0], &[vec![0], vec![1], vec![2]], 2), 10.0);
        assert_eq!(survivable(&[10.0, 30.0, 20.0], &[vec![0], vec![1], vec![2]], 0), 60.0);
        // As many groups lost as there are: nothing survives.
        assert_eq!(survivable(&[10.0, 30.0], &[vec![0], vec![1]], 2), 0.0);
    }
}
