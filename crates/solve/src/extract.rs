//! From solver values to a [`Plan`]: rounded, ordered, and with every
//! derived table (fleet, headroom, utilisation, power and space, cost)
//! computed from the rounded decisions, so the plan is self-consistent.

use std::collections::BTreeMap;

use good_lp::Variable;
use headroom_model::*;
use headroom_plan as plan;

use crate::model::{Kind, Model};

/// Values below this are noise from the solver and read as 0.
const EPS: f64 = 1e-7;

/// Rounds to 6 decimals, cleaning solver noise.
pub fn round6(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    // Also turns -0.0 into 0.0, which would print as `-0.0`.
    if r.abs() < EPS {
        0.0
    } else {
        r
    }
}

/// Rounds to cents (2 decimals); never `-0.0`.
pub(crate) fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Sum of the capacity left after removing the `k` largest groups.
pub fn survivable(groups: &[f64], k: usize) -> f64 {
    let mut sorted = groups.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    sorted.iter().skip(k).sum()
}

/// A solution read back: orders and placements, rounded.
pub struct Decisions {
    /// Whole machines ordered: (cluster, type, placed) → count.
    pub orders: BTreeMap<(ClusterId, MachineTypeId, usize), u32>,
    /// Capacity placed, `z[origin][cluster index][period]` (the `z` of
    /// `docs/plan-semantics.md`), in units of demand, rounded.
    pub z: Vec<Vec<Vec<f64>>>,
    /// unmet[origin][period].
    pub unmet: Vec<Vec<f64>>,
}

impl Decisions {
    pub fn read(model: &Model, values: &std::collections::HashMap<Variable, f64>) -> Decisions {
        let v = |var: &Variable| values.get(var).copied().unwrap_or(0.0);
        let mut orders = BTreeMap::new();
        for o in &model.orders {
            let n = v(&o.var).round().max(0.0) as u32;
            if n > 0 {
                orders.insert(o.key(), n);
            }
        }
        // Back from the model's scaled units to units of demand.
        let unit = |o: usize| model.unit[model.origins[o].service.index()];
        let z = (0..model.origins.len())
            .map(|o| model.z_of(o).map(|t| t.iter().map(|var| round6(unit(o) * v(var)).max(0.0)).collect()).collect())
            .collect();
        let unmet = model
            .unmet
            .iter()
            .enumerate()
            .map(|(o, t)| t.iter().map(|u| u.map_or(0.0, |u| round6(unit(o) * v(&u)).max(0.0))).collect())
            .collect();
        Decisions { orders, z, unmet }
    }

    /// Machines of type `m` in cluster `c` in period `t` on the fleet these
    /// orders give: the existing fleet less retirements, the orders
    /// arrived by then and what is in flight.
    pub fn machines(&self, model: &Model, c: ClusterId, m: MachineTypeId, t: usize) -> u32 {
        let org = model.org;
        let cluster = org.cluster(c);
        let base = cluster.existing(m) as i64 - cluster.retired_by(m, org.forecast.periods[t]) as i64;
        let lead = model.lead(c);
        let ordered: u32 =
            self.orders.range((c, m, 0)..=(c, m, usize::MAX)).filter(|(&(_, _, placed), _)| placed + lead <= t).map(|(_, n)| n).sum();
        (base.max(0) as u32) + ordered + model.in_flight_by(c, m, t)
    }
}

/// The plan of `model`'s decisions `d`: orders, the fleet they give,
/// placements split back into each demand's rows, and every table derived
/// from them.
pub fn extract(model: &Model, d: &Decisions, mode: plan::Mode, solver: plan::SolverInfo, digest: &str) -> plan::Plan {
    let org = model.org;
    let periods: Vec<String> = (0..model.horizon).map(|t| model.period_name(t)).collect();
    let capacity = service_capacity(model, d);
    let (orders, in_flight) = order_rows(model, d, &periods);
    let fleet = fleet_rows(model, d, &capacity, &periods);
    let demand = demand_rows(model, d, &capacity, &periods);
    plan::Plan {
        format_version: plan::FORMAT_VERSION.to_owned(),
        inputs_digest: digest.to_owned(),
        mode,
        scenario: None,
        solver,
        services: org
            .services
            .iter()
            .map(|s| plan::ServiceInfo {
                name: s.name.text.clone(),
                team: org.team(s.team).name.text.clone(),
                unit: s.unit.clone(),
                n_plus: s.redundancy.k,
                across: s.redundancy.level.name().to_owned(),
            })
            .collect(),
        periods,
        cost: plan::Cost {
            total: round2(fleet.capital + fleet.running),
            capital: round2(fleet.capital),
            running: round2(fleet.running),
            by_period: fleet.by_period,
            by_team: fleet.by_team,
        },
        orders,
        in_flight,
        fleet: fleet.fleet,
        allocations: demand.allocations,
        headroom: demand.headroom,
        utilisation: fleet.utilisation,
        power_space: fleet.power_space,
        unmet: demand.unmet,
        explanations: Vec::new(),
        shadow_prices: Vec::new(),
        growth: Vec::new(),
    }
}

/// Each service's capacity in each cluster per period, summed over its
/// origins: `[service][cluster][period]` (the `x` of
/// `docs/plan-semantics.md`), in units of its demand.
fn service_capacity(model: &Model, d: &Decisions) -> Vec<Vec<Vec<f64>>> {
    let org = model.org;
    let mut capacity = vec![vec![vec![0.0; model.horizon]; org.clusters.len()]; org.services.len()];
    for (o, def) in model.origins.iter().enumerate() {
        for (i, &c) in def.clusters.iter().enumerate() {
            for t in 0..model.horizon {
                capacity[def.service.index()][c.index()][t] += d.z[o][i][t];
            }
        }
    }
    capacity
}

/// The plan's orders (by period placed, cluster and type) and the orders
/// in flight from the baseline (by period placed, cluster and type).
fn order_rows(model: &Model, d: &Decisions, periods: &[String]) -> (Vec<plan::Order>, Vec<plan::Order>) {
    let org = model.org;
    let mut placed_orders: Vec<_> = d.orders.iter().collect();
    placed_orders.sort_by_key(|(&(c, m, placed), _)| (placed, &org.cluster(c).name.text, &org.machine_type(m).name.text));
    let orders = placed_orders
        .into_iter()
        .map(|(&(c, m, placed), &count)| plan::Order {
            placed: periods[placed].clone(),
            arrives: periods[placed + model.lead(c)].clone(),
            cluster: org.cluster(c).name.text.clone(),
            machine_type: org.machine_type(m).name.text.clone(),
            count,
        })
        .collect();
    let mut in_flight: Vec<plan::Order> = model
        .build
        .in_flight
        .iter()
        .map(|f| plan::Order {
            placed: f.placed.clone(),
            arrives: periods[f.arrives].clone(),
            cluster: org.cluster(f.cluster).name.text.clone(),
            machine_type: org.machine_type(f.machine_type).name.text.clone(),
            count: f.count,
        })
        .collect();
    in_flight.sort_by(|a, b| (&a.placed, &a.cluster, &a.machine_type).cmp(&(&b.placed, &b.cluster, &b.machine_type)));
    (orders, in_flight)
}

/// What the fleet is and costs, per period and cluster: the tables that
/// follow from the orders and from where capacity is placed.
struct FleetRows {
    fleet: Vec<plan::FleetRow>,
    power_space: Vec<plan::PowerSpace>,
    utilisation: Vec<plan::Utilisation>,
    by_period: Vec<plan::PeriodCost>,
    by_team: Vec<plan::TeamCost>,
    /// Capital cost over the horizon, unrounded.
    capital: f64,
    /// Running cost over the horizon, unrounded.
    running: f64,
}

/// The fleet tables of decisions `d`, whose services have `capacity`
/// (`[service][cluster][period]`).
fn fleet_rows(model: &Model, d: &Decisions, capacity: &[Vec<Vec<f64>>], periods: &[String]) -> FleetRows {
    let org = model.org;
    let months = model.months_per_period as f64;
    // Machines per cluster, type and period, from the rounded orders.
    let machines = |c: ClusterId, m: MachineTypeId, t: usize| d.machines(model, c, m, t);
    let mut out = FleetRows {
        fleet: Vec::new(),
        power_space: Vec::new(),
        utilisation: Vec::new(),
        by_period: Vec::new(),
        by_team: Vec::new(),
        capital: 0.0,
        running: 0.0,
    };
    let mut team_cost: BTreeMap<(usize, String), f64> = BTreeMap::new();
    for t in 0..model.horizon {
        let period = org.forecast.periods[t];
        let (mut capital_t, mut running_t) = (0.0, 0.0);
        for c in org.cluster_ids() {
            let cluster = org.cluster(c);
            let (mut power, mut count, mut running_c) = (0.0, 0u32, 0.0);
            let mut fleet_capacity = vec![0.0; org.resources.len()];
            for &m in &model.cluster_types[c.index()] {
                let n = machines(c, m, t);
                let mt = org.machine_type(m);
                out.fleet.push(plan::FleetRow {
                    period: periods[t].clone(),
                    cluster: cluster.name.text.clone(),
                    machine_type: mt.name.text.clone(),
                    machines: n,
                });
                power += mt.power_kw * n as f64;
                count += n;
                running_c += months * mt.running_cost_per_month * n as f64;
                for (r, cap) in fleet_capacity.iter_mut().enumerate() {
                    *cap += mt.capacity[r] * n as f64;
                }
            }
            let lead = model.lead(c);
            let of_cluster = || d.orders.range((c, MachineTypeId(0), 0)..=(c, MachineTypeId(u32::MAX), usize::MAX));
            let arriving: u32 = of_cluster().filter(|(&(_, _, placed), _)| placed + lead == t).map(|(_, n)| n).sum::<u32>()
                + model.in_flight_arriving(c, t);
            let capital_c: f64 = of_cluster()
                .filter(|(&(_, _, placed), _)| placed == t)
                .map(|(&(_, m, _), &n)| org.machine_type(m).capital_cost * n as f64)
                .sum();
            capital_t += capital_c;
            running_t += running_c;
            out.power_space.push(plan::PowerSpace {
                period: periods[t].clone(),
                cluster: cluster.name.text.clone(),
                power_kw: round6(power),
                power_cap_kw: cluster.power_cap_kw.at(period),
                machines: count,
                space_cap: cluster.space_cap.at(period),
                deliveries: arriving,
                delivery_limit: cluster.max_deliveries_per_period(model.months_per_period),
            });
            // Each team's share of the cluster: its mean share of the
            // resources the fleet has; the rest is idle.
            let mut shares: BTreeMap<String, f64> = BTreeMap::new();
            let resources_present = fleet_capacity.iter().filter(|&&c| c > 0.0).count().max(1) as f64;
            for r in 0..org.resources.len() {
                let used: f64 = org.service_ids().map(|s| org.service(s).per_unit[r] * capacity[s.index()][c.index()][t]).sum();
                if fleet_capacity[r] > 0.0 || used > 0.0 {
                    out.utilisation.push(plan::Utilisation {
                        period: periods[t].clone(),
                        cluster: cluster.name.text.clone(),
                        resource: org.resources[r].name.text.clone(),
                        used: round6(used),
                        allocatable: round6(cluster.utilisation_target * fleet_capacity[r]),
                        capacity: round6(fleet_capacity[r]),
                    });
                }
                if fleet_capacity[r] > 0.0 {
                    for s in org.service_ids() {
                        let share = org.service(s).per_unit[r] * capacity[s.index()][c.index()][t] / fleet_capacity[r] / resources_present;
                        *shares.entry(org.team(org.service(s).team).name.text.clone()).or_default() += share;
                    }
                }
            }
            let allocated: f64 = shares.values().sum();
            shares.insert("(idle)".into(), (1.0 - allocated).max(0.0));
            for (team, share) in shares {
                *team_cost.entry((t, team)).or_default() += share * (running_c + capital_c);
            }
        }
        out.capital += capital_t;
        out.running += running_t;
        out.by_period.push(plan::PeriodCost { period: periods[t].clone(), capital: round2(capital_t), running: round2(running_t) });
    }
    out.by_team =
        team_cost.into_iter().map(|((t, team), cost)| plan::TeamCost { team, period: periods[t].clone(), cost: round2(cost) }).collect();
    out
}

/// The rows of each demand: where its capacity is, its headroom, and what
/// of it is unmet.
struct DemandRows {
    allocations: Vec<plan::Allocation>,
    headroom: Vec<plan::Headroom>,
    unmet: Vec<plan::Unmet>,
}

/// Rows per demand, keyed by the order demands were found in, then
/// period: an origin's demands are split back apart, each with its share
/// of the origin's capacity and unmet demand in proportion to its demand
/// (N+k of the sum gives N+k of each share). Induced demand follows from
/// the dependent's `capacity` (`[service][cluster][period]`).
fn demand_rows(model: &Model, d: &Decisions, capacity: &[Vec<Vec<f64>>], periods: &[String]) -> DemandRows {
    let org = model.org;
    // The plan's origin of the `j`th demand of model origin `o`.
    let origin_of = |o: usize, j: usize| {
        let def = &model.origins[o];
        plan::Origin {
            region: def.regions[j].map(|r| org.region(r).name.text.clone()),
            via: match def.kinds[j] {
                Kind::Direct { .. } => None,
                Kind::Induced { from, .. } => Some(org.service(from).name.text.clone()),
            },
        }
    };
    let mut allocations = Vec::new();
    let mut headroom = Vec::new();
    let mut unmet = Vec::new();
    for (o, def) in model.origins.iter().enumerate() {
        let service = org.service(def.service);
        for t in 0..model.horizon {
            let demands: Vec<(f64, f64, f64)> = def
                .kinds
                .iter()
                .zip(&def.regions)
                .map(|(kind, &region)| match kind {
                    Kind::Direct { organic, inorganic } => (organic[t], inorganic[t], 0.0),
                    Kind::Induced { from, ratio } => {
                        let from_capacity: f64 = org
                            .cluster_ids()
                            .filter(|&c| Some(org.cluster(c).region) == region)
                            .map(|c| capacity[from.index()][c.index()][t])
                            .sum();
                        (0.0, 0.0, ratio * from_capacity)
                    }
                })
                .collect();
            let total: f64 = demands.iter().map(|(a, b, c)| a + b + c).sum();
            for (j, &(organic, inorganic, induced)) in demands.iter().enumerate() {
                let demand = organic + inorganic + induced;
                let share = match (def.kinds.len(), total > 0.0) {
                    (1, _) => 1.0,
                    (_, true) => demand / total,
                    // No demand at all: what capacity there is belongs to
                    // the first.
                    (_, false) => f64::from(j == 0),
                };
                let key = (def.found[j], t);
                let z = |i: usize| if share == 1.0 { d.z[o][i][t] } else { round6(d.z[o][i][t] * share) };
                for (i, &c) in def.clusters.iter().enumerate() {
                    if z(i) > 0.0 {
                        allocations.push((
                            key,
                            plan::Allocation {
                                period: periods[t].clone(),
                                service: service.name.text.clone(),
                                origin: origin_of(o, j),
                                cluster: org.cluster(c).name.text.clone(),
                                capacity: z(i),
                            },
                        ));
                    }
                }
                let groups: Vec<f64> = def.groups.iter().map(|g| g.iter().map(|&i| z(i)).sum()).collect();
                let placed: f64 = groups.iter().sum();
                let survivable = survivable(&groups, service.redundancy.k as usize);
                if demand > 0.0 || placed > 0.0 {
                    headroom.push((
                        key,
                        plan::Headroom {
                            period: periods[t].clone(),
                            service: service.name.text.clone(),
                            origin: origin_of(o, j),
                            organic: round6(organic),
                            inorganic: round6(inorganic),
                            induced: round6(induced),
                            capacity: round6(placed),
                            survivable: round6(survivable),
                            headroom: round6(survivable - demand),
                        },
                    ));
                }
                let short = if share == 1.0 { d.unmet[o][t] } else { round6(d.unmet[o][t] * share) };
                if short > 0.0 {
                    unmet.push((
                        key,
                        plan::Unmet {
                            period: periods[t].clone(),
                            service: service.name.text.clone(),
                            origin: origin_of(o, j),
                            demand: round6(demand),
                            unmet: short,
                        },
                    ));
                }
            }
        }
    }
    // Stable sorts: rows of one demand and period keep their cluster order.
    fn rows<T>(mut keyed: Vec<((usize, usize), T)>) -> Vec<T> {
        keyed.sort_by_key(|(key, _)| *key);
        keyed.into_iter().map(|(_, row)| row).collect()
    }
    DemandRows { allocations: rows(allocations), headroom: rows(headroom), unmet: rows(unmet) }
}
