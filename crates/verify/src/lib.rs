//! `headroom verify`: checks a plan against the inputs, rule by rule as
//! `docs/plan-semantics.md` states them, with its own arithmetic.
//!
//! It shares the model's definitions (which clusters may serve which
//! demand, a service's direct demand) but none of the solver's code: the
//! fleet, demand induced by dependents, survivable capacity, resource use
//! and cost are all recomputed here from the plan's orders and allocations,
//! and every table the plan states is compared with them (`stated.rs`).

use std::collections::{BTreeMap, HashMap};

use headroom_model::*;
use headroom_plan::{Mode, Plan, Rule};

mod stated;

/// One broken rule, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Which rule of `docs/plan-semantics.md` (printed by its name:
    /// `redundancy`, `tables`, ...).
    pub rule: Rule,
    /// What is wrong, with the numbers.
    pub message: String,
}

/// Values may differ by this much (absolute) plus [`RELATIVE`] of their size:
/// plans are written rounded to 6 decimals.
pub const ABSOLUTE: f64 = 1e-4;
/// See [`ABSOLUTE`].
pub const RELATIVE: f64 = 1e-6;

fn exceeds(value: f64, limit: f64) -> bool {
    value > limit + ABSOLUTE + RELATIVE * limit.abs().max(value.abs())
}

struct Check<'a> {
    org: &'a Organisation,
    plan: &'a Plan,
    out: Vec<Violation>,
}

impl Check<'_> {
    fn fail(&mut self, rule: Rule, message: String) {
        self.out.push(Violation { rule, message });
    }
}

/// All violations of the plan against the organisation (empty if valid).
pub fn verify(org: &Organisation, plan: &Plan) -> Vec<Violation> {
    let mut check = Check { org, plan, out: Vec::new() };
    let horizon: Vec<String> = org.forecast.periods.iter().map(|p| p.to_string()).collect();
    if plan.periods != horizon {
        check.fail(Rule::Periods, format!("the plan covers {:?}, the inputs' horizon is {:?}", plan.periods, horizon));
        return check.out;
    }
    let Some(fleet) = fleet(&mut check) else { return check.out };
    let x = allocations(&mut check);
    if let Some((x, z)) = &x {
        let demand = demands(org, x);
        redundancy(&mut check, &demand, z);
        spread(&mut check, x);
        resources(&mut check, x, &fleet.machines);
        stated::demand_tables(&mut check, &demand, z);
    }
    cost(&mut check, &fleet.machines);
    stated::fleet_tables(&mut check, &fleet, x.as_ref().map(|(x, _)| x));
    check.out
}

fn period_index(org: &Organisation, name: &str) -> Option<usize> {
    org.forecast.periods.iter().position(|p| p.to_string() == name)
}

/// Machines per cluster, type and period, and deliveries per cluster and
/// period, as the verifier counts them.
pub(crate) struct Fleet {
    pub machines: Vec<Vec<Vec<u64>>>,
    pub deliveries: Vec<Vec<u64>>,
    /// kW drawn and machines held, per cluster and period.
    pub power: Vec<Vec<f64>>,
    pub count: Vec<Vec<u64>>,
}

/// Rule 7 and 8: orders, the fleet they make, deliveries, power and space
/// (the plan's fleet table is compared in `stated.rs`).
fn fleet(check: &mut Check) -> Option<Fleet> {
    let org = check.org;
    let horizon = org.forecast.periods.len();
    let months = org.forecast.months_per_period();
    // Counts add up in u64: a u32 sum wraps (two orders of 2^31 read as 0).
    let mut arrived = vec![vec![vec![0u64; horizon]; org.machine_types.len()]; org.clusters.len()];
    let mut deliveries = vec![vec![0u64; horizon]; org.clusters.len()];
    let mut ok = true;
    for o in &check.plan.orders {
        let (Some(c), Some(m)) = (org.cluster_by_name(&o.cluster), org.machine_type_by_name(&o.machine_type).map(MachineTypeId::index))
        else {
            check.fail(Rule::Orders, format!("order of `{}` in `{}`: no such cluster or machine type", o.machine_type, o.cluster));
            ok = false;
            continue;
        };
        let cluster = org.cluster(c);
        if !cluster.orderable.contains(&MachineTypeId::from_index(m)) {
            check.fail(Rule::Orders, format!("`{}` cannot order `{}`", o.cluster, o.machine_type));
        }
        let (Some(placed), Some(arrives)) = (period_index(org, &o.placed), period_index(org, &o.arrives)) else {
            check.fail(Rule::Orders, format!("order in `{}` placed {} arriving {}: outside the horizon", o.cluster, o.placed, o.arrives));
            ok = false;
            continue;
        };
        let lead = cluster.lead_time_periods(months) as usize;
        if arrives != placed + lead {
            check.fail(
                Rule::Orders,
                format!(
                    "order in `{}` placed {} arrives {}, but the lead time is {} months ({lead} periods)",
                    o.cluster, o.placed, o.arrives, cluster.lead_time_months
                ),
            );
        }
        if o.count == 0 {
            check.fail(Rule::Orders, format!("order of 0 machines in `{}`", o.cluster));
        }
        arrived[c.index()][m][arrives] += u64::from(o.count);
        deliveries[c.index()][arrives] += u64::from(o.count);
    }
    // Orders in flight were placed before the horizon: they must arrive
    // within it, one lead time after they were placed.
    for o in &check.plan.in_flight {
        let (Some(c), Some(m)) = (org.cluster_by_name(&o.cluster), org.machine_type_by_name(&o.machine_type).map(MachineTypeId::index))
        else {
            check
                .fail(Rule::Orders, format!("order in flight of `{}` in `{}`: no such cluster or machine type", o.machine_type, o.cluster));
            ok = false;
            continue;
        };
        let cluster = org.cluster(c);
        let lead = cluster.lead_time_periods(months) as i32;
        let (Ok(placed), Some(arrives)) = (Period::parse(&o.placed), period_index(org, &o.arrives)) else {
            check.fail(
                Rule::Orders,
                format!(
                    "order in flight in `{}` placed {} arriving {}: not placed before the horizon and arriving within it",
                    o.cluster, o.placed, o.arrives
                ),
            );
            ok = false;
            continue;
        };
        if placed >= org.forecast.periods[0] || placed.offset(lead) != org.forecast.periods[arrives] {
            check.fail(Rule::Orders, format!("order in flight in `{}` placed {} arrives {}: it must be placed before the horizon, a lead time of {} months before it arrives", o.cluster, o.placed, o.arrives, cluster.lead_time_months));
        }
        arrived[c.index()][m][arrives] += u64::from(o.count);
        deliveries[c.index()][arrives] += u64::from(o.count);
    }
    if !ok {
        return None;
    }
    let mut machines = vec![vec![vec![0u64; horizon]; org.machine_types.len()]; org.clusters.len()];
    let (mut powers, mut counts) = (vec![vec![0.0; horizon]; org.clusters.len()], vec![vec![0u64; horizon]; org.clusters.len()]);
    for c in org.cluster_ids() {
        let cluster = org.cluster(c);
        for m in 0..org.machine_types.len() {
            let mut ordered = 0;
            for t in 0..horizon {
                ordered += arrived[c.index()][m][t];
                let id = MachineTypeId::from_index(m);
                let base = cluster.existing(id) as i64 - cluster.retired_by(id, org.forecast.periods[t]) as i64;
                machines[c.index()][m][t] = base.max(0) as u64 + ordered;
            }
        }
        for t in 0..horizon {
            let period = org.forecast.periods[t];
            if let Some(limit) = cluster.max_deliveries_per_period(months) {
                if deliveries[c.index()][t] > u64::from(limit) {
                    check.fail(
                        Rule::Deliveries,
                        format!("`{}` receives {} machines in {period}, over its limit of {limit}", cluster.name, deliveries[c.index()][t]),
                    );
                }
            }
            let power: f64 = (0..org.machine_types.len()).map(|m| org.machine_types[m].power_kw * machines[c.index()][m][t] as f64).sum();
            let count: u64 = (0..org.machine_types.len()).map(|m| machines[c.index()][m][t]).sum();
            (powers[c.index()][t], counts[c.index()][t]) = (power, count);
            if exceeds(power, cluster.power_cap_kw.at(period)) {
                check.fail(
                    Rule::Power,
                    format!("`{}` draws {power:.3} kW in {period}, over its cap of {}", cluster.name, cluster.power_cap_kw.at(period)),
                );
            }
            if exceeds(count as f64, cluster.space_cap.at(period)) {
                check.fail(
                    Rule::Space,
                    format!("`{}` holds {count} machines in {period}, over its space of {}", cluster.name, cluster.space_cap.at(period)),
                );
            }
        }
    }
    Some(Fleet { machines, deliveries, power: powers, count: counts })
}

/// Where demand comes from, as the verifier keys it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OriginKey {
    service: ServiceId,
    region: Option<RegionId>,
    via: Option<ServiceId>,
}

/// Each origin's demand per period: organic, inorganic (events), induced
/// (by a dependent's capacity).
type Demand = BTreeMap<OriginKey, Vec<[f64; 3]>>;

/// Rule 2's demand: users' demand per region, and what each dependent's
/// capacity in a region induces there.
fn demands(org: &Organisation, x: &Capacity) -> Demand {
    let horizon = org.forecast.periods.len();
    let mut demand: Demand = BTreeMap::new();
    for s in org.service_ids() {
        for d in org.direct_demand(s) {
            demand.insert(
                OriginKey { service: s, region: d.region, via: None },
                (0..horizon).map(|t| [d.organic[t], d.inorganic[t], 0.0]).collect(),
            );
        }
    }
    for from in org.service_ids() {
        for dep in &org.service(from).dependencies {
            for r in org.region_ids() {
                let induced: Vec<[f64; 3]> = (0..horizon)
                    .map(|t| {
                        [
                            0.0,
                            0.0,
                            dep.ratio
                                * org
                                    .cluster_ids()
                                    .filter(|&c| org.cluster(c).region == r)
                                    .map(|c| x[from.index()][c.index()][t])
                                    .sum::<f64>(),
                        ]
                    })
                    .collect();
                if induced.iter().any(|d| d[2] > 0.0) {
                    demand.insert(OriginKey { service: dep.service, region: Some(r), via: Some(from) }, induced);
                }
            }
        }
    }
    demand
}

pub(crate) type Capacity = Vec<Vec<Vec<f64>>>;
pub(crate) type ByOrigin = BTreeMap<OriginKey, BTreeMap<ClusterId, Vec<f64>>>;

/// Rule 1: every allocation is for a known origin, in a cluster that may
/// serve it. Returns x[service][cluster][period] and z by origin.
fn allocations(check: &mut Check) -> Option<(Capacity, ByOrigin)> {
    let org = check.org;
    let horizon = org.forecast.periods.len();
    let mut x = vec![vec![vec![0.0; horizon]; org.clusters.len()]; org.services.len()];
    let mut z: ByOrigin = BTreeMap::new();
    let mut ok = true;
    // Looked up by name once per allocation: by index, not by scanning
    // (easy large has 2,000 services and 2.6 million allocations).
    let names = org.names();
    // Periods are distinct (contiguous, ascending).
    let periods: HashMap<String, usize> = org.forecast.periods.iter().enumerate().map(|(t, p)| (p.to_string(), t)).collect();
    for a in &check.plan.allocations {
        let (s, c) = (names.service(&a.service), names.cluster(&a.cluster));
        let t = periods.get(a.period.as_str()).copied();
        let region = a.origin.region.as_deref().map(|r| names.region(r));
        let via = a.origin.via.as_deref().map(|v| names.service(v));
        let (Some(s), Some(c), Some(t)) = (s, c, t) else {
            check.fail(
                Rule::Allocation,
                format!("allocation of `{}` in `{}` in {}: unknown service, cluster or period", a.service, a.cluster, a.period),
            );
            ok = false;
            continue;
        };
        let (Some(region), Some(via)) = (region.map_or(Some(None), |r| r.map(Some)), via.map_or(Some(None), |v| v.map(Some))) else {
            check.fail(Rule::Allocation, format!("allocation of `{}`: unknown origin {}", a.service, a.origin));
            ok = false;
            continue;
        };
        if a.capacity < 0.0 || !a.capacity.is_finite() {
            check.fail(
                Rule::Allocation,
                format!("allocation of `{}` in `{}` in {}: capacity {}", a.service, a.cluster, a.period, a.capacity),
            );
        }
        let eligible = match via {
            None => org.serves(s, region, c),
            Some(from) => match (org.service(from).dependencies.iter().find(|d| d.service == s), region) {
                (Some(dep), Some(r)) => org.serves_dependency(dep, r, c),
                _ => {
                    check.fail(
                        Rule::Allocation,
                        format!("`{}` does not depend on `{}` (or the origin has no region)", org.service(from).name, a.service),
                    );
                    false
                }
            },
        };
        if !eligible {
            check.fail(
                Rule::Allocation,
                format!("`{}` may not serve {} from `{}` (latency or region and cluster rules)", a.service, a.origin, a.cluster),
            );
        }
        x[s.index()][c.index()][t] += a.capacity;
        let key = OriginKey { service: s, region, via };
        z.entry(key).or_default().entry(c).or_insert_with(|| vec![0.0; horizon])[t] += a.capacity;
    }
    ok.then_some((x, z))
}

/// Rules 2, 3 and 5: after losing its k largest groups, each origin's
/// capacity covers its demand (less what the plan declares unmet).
fn redundancy(check: &mut Check, demand: &Demand, z: &ByOrigin) {
    let org = check.org;
    let horizon = org.forecast.periods.len();
    let mut unmet: HashMap<(String, headroom_plan::Origin, String), f64> = HashMap::new();
    for u in &check.plan.unmet {
        if check.plan.mode == Mode::Strict {
            check.fail(Rule::Unmet, format!("a strict plan leaves demand of `{}` ({}) unmet in {}", u.service, u.origin, u.period));
        }
        unmet.insert((u.service.clone(), u.origin.clone(), u.period.clone()), u.unmet);
    }
    for (key, need) in demand {
        let service = org.service(key.service);
        let level = service.redundancy.level;
        let k = service.redundancy.k as usize;
        let origin = headroom_plan::Origin {
            region: key.region.map(|r| org.region(r).name.text.clone()),
            via: key.via.map(|v| org.service(v).name.text.clone()),
        };
        for t in 0..horizon {
            let (_, survivable) = survivable(org, key, z, t);
            let period = org.forecast.periods[t].to_string();
            let declared = unmet.get(&(service.name.text.clone(), origin.clone(), period.clone())).copied().unwrap_or(0.0);
            let need: f64 = need[t].iter().sum();
            if exceeds(need - declared, survivable) {
                check.fail(
                    Rule::Redundancy,
                    format!(
                        "`{}` ({origin}) in {period}: after losing its {k} largest {}s, {survivable:.3} remains for demand of {:.3}{}",
                        service.name,
                        level.name(),
                        need,
                        if declared > 0.0 { format!(" less {declared:.3} declared unmet") } else { String::new() }
                    ),
                );
            }
        }
    }
}

/// An origin's capacity in period `t`, and what remains of it after
/// losing its service's k largest failure groups (Rule 3).
fn survivable(org: &Organisation, key: &OriginKey, z: &ByOrigin, t: usize) -> (f64, f64) {
    let service = org.service(key.service);
    let mut groups: BTreeMap<u32, f64> = BTreeMap::new();
    if let Some(by_cluster) = z.get(key) {
        for (&c, per_period) in by_cluster {
            *groups.entry(org.group_of(c, service.redundancy.level)).or_default() += per_period[t];
        }
    }
    let mut sizes: Vec<f64> = groups.into_values().collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    (sizes.iter().sum(), sizes.iter().skip(service.redundancy.k as usize).sum())
}

/// Rule 4: spread caps.
fn spread(check: &mut Check, x: &Capacity) {
    let org = check.org;
    for s in org.service_ids() {
        let service = org.service(s);
        for t in 0..org.forecast.periods.len() {
            let total: f64 = org.cluster_ids().map(|c| x[s.index()][c.index()][t]).sum();
            let period = org.forecast.periods[t];
            if let Some(share) = service.max_cluster_share {
                for c in org.cluster_ids() {
                    if exceeds(x[s.index()][c.index()][t], share * total) {
                        check.fail(
                            Rule::Spread,
                            format!(
                                "`{}` has {:.3} of {total:.3} in `{}` in {period}, over its share of {share}",
                                service.name,
                                x[s.index()][c.index()][t],
                                org.cluster(c).name
                            ),
                        );
                    }
                }
            }
            if let Some(share) = service.max_region_share {
                for r in org.region_ids() {
                    let in_region: f64 =
                        org.cluster_ids().filter(|&c| org.cluster(c).region == r).map(|c| x[s.index()][c.index()][t]).sum();
                    if exceeds(in_region, share * total) {
                        check.fail(
                            Rule::Spread,
                            format!(
                                "`{}` has {in_region:.3} of {total:.3} in `{}` in {period}, over its share of {share}",
                                service.name,
                                org.region(r).name
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// Rule 6: what services need fits the allocatable share of the fleet.
fn resources(check: &mut Check, x: &Capacity, machines: &[Vec<Vec<u64>>]) {
    let org = check.org;
    for c in org.cluster_ids() {
        let cluster = org.cluster(c);
        for t in 0..org.forecast.periods.len() {
            for r in 0..org.resources.len() {
                let need: f64 = org.service_ids().map(|s| org.service(s).per_unit[r] * x[s.index()][c.index()][t]).sum();
                let have: f64 =
                    (0..org.machine_types.len()).map(|m| org.machine_types[m].capacity[r] * machines[c.index()][m][t] as f64).sum::<f64>()
                        * cluster.utilisation_target;
                if exceeds(need, have) {
                    check.fail(
                        Rule::Resources,
                        format!(
                            "`{}` needs {need:.3} {} in {}, over the {have:.3} its fleet allows at {} utilisation",
                            cluster.name, org.resources[r].name, org.forecast.periods[t], cluster.utilisation_target
                        ),
                    );
                }
            }
        }
    }
}

/// The plan's cost is what its orders and fleet cost.
fn cost(check: &mut Check, machines: &[Vec<Vec<u64>>]) {
    let org = check.org;
    let months = org.forecast.months_per_period() as f64;
    let mut capital = 0.0;
    for o in &check.plan.orders {
        if let Some(m) = org.machine_types.iter().find(|m| m.name.text == o.machine_type) {
            capital += m.capital_cost * o.count as f64;
        }
    }
    let mut running = 0.0;
    for c in org.cluster_ids() {
        for m in 0..org.machine_types.len() {
            for t in 0..org.forecast.periods.len() {
                running += months * org.machine_types[m].running_cost_per_month * machines[c.index()][m][t] as f64;
            }
        }
    }
    for (what, computed, stated) in [
        ("capital", capital, check.plan.cost.capital),
        ("running", running, check.plan.cost.running),
        ("total", capital + running, check.plan.cost.total),
    ] {
        if (computed - stated).abs() > 0.01 + 1e-9 * computed.abs() {
            check.fail(Rule::Cost, format!("the plan states a {what} cost of {stated:.2}, its orders and fleet cost {computed:.2}"));
        }
    }
}
