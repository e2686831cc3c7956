//! Every number a plan states is one the verifier computes itself: the
//! fleet, power and space, utilisation, costs per period and team, the
//! headroom and unmet tables, and the services' intents. A plan whose
//! tables were edited (or written by a buggy solver) fails with rule
//! `tables` (the fleet table: `fleet`; costs: `cost`), naming the row and
//! the number.
//!
//! Not recomputed, because only a solver can: `solver` (status, gap,
//! objective), `shadow_prices` and `growth`. The README says so.

use std::collections::{BTreeMap, HashMap};

use headroom_plan::Rule;

use crate::{survivable, ByOrigin, Capacity, Check, Demand, Fleet, OriginKey, ABSOLUTE, RELATIVE};

/// At most this many differences are listed per table; the rest are
/// counted.
const LISTED: usize = 10;

/// One table's rows as the verifier computes them: a key naming the row
/// in words, and its numbers with a tolerance scale (1 for most; a
/// dependency's ratio for induced demand, whose rounding it multiplies).
struct Table {
    name: &'static str,
    fields: &'static [&'static str],
    computed: BTreeMap<String, (Vec<f64>, f64)>,
    /// Rows the plan may leave out although not all their numbers are 0.
    optional: std::collections::BTreeSet<String>,
}

impl Table {
    fn new(name: &'static str, fields: &'static [&'static str]) -> Table {
        Table { name, fields, computed: BTreeMap::new(), optional: Default::default() }
    }

    fn row(&mut self, key: String, values: Vec<f64>, scale: f64) {
        self.computed.insert(key, (values, scale));
    }

    /// Compares the plan's rows with the computed ones. A row the plan
    /// leaves out stands for zeros; a row the verifier does not know, or
    /// gives twice, is wrong.
    fn compare(self, check: &mut Check, rule: Rule, stated: Vec<(String, Vec<f64>)>, tolerance: impl Fn(f64, f64) -> f64) {
        let mut problems = Vec::new();
        let mut seen: HashMap<String, Vec<f64>> = HashMap::new();
        for (key, values) in stated {
            if !self.computed.contains_key(&key) {
                problems.push(format!("the {} table has a row for {key}, which the plan's inputs do not have", self.name));
            } else if seen.insert(key.clone(), values).is_some() {
                problems.push(format!("the {} table gives {key} twice", self.name));
            }
        }
        for (key, (computed, scale)) in &self.computed {
            let stated = match seen.get(key) {
                Some(stated) => stated.clone(),
                None if self.optional.contains(key) => continue,
                None => vec![0.0; computed.len()],
            };
            for ((field, &have), &says) in self.fields.iter().zip(computed).zip(&stated) {
                if !says.is_finite() || (have - says).abs() > tolerance(have.abs().max(says.abs()), *scale) {
                    problems.push(format!(
                        "the {} table states {field} {says} for {key}; the plan's orders and allocations give {have}",
                        self.name
                    ));
                }
            }
        }
        let more = problems.len().saturating_sub(LISTED);
        for p in problems.into_iter().take(LISTED) {
            check.fail(rule, p);
        }
        if more > 0 {
            check.fail(rule, format!("the {} table differs in {more} more places", self.name));
        }
    }
}

/// Numbers written with 6 decimals.
fn six_decimals(size: f64, scale: f64) -> f64 {
    ABSOLUTE * scale.max(1.0) + RELATIVE * size
}

fn optional(limit: Option<u32>) -> f64 {
    limit.map_or(-1.0, f64::from)
}

/// Tables that follow from the fleet (and, for utilisation and team
/// costs, the allocations): `fleet` rows, `power_space`, `utilisation`,
/// `cost.by_period` and `cost.by_team`, and the services' intents.
pub(crate) fn fleet_tables(check: &mut Check, fleet: &Fleet, x: Option<&Capacity>) {
    let org = check.org;
    let plan = check.plan;
    let months = org.forecast.months_per_period();
    let periods: Vec<String> = org.forecast.periods.iter().map(ToString::to_string).collect();

    let mut rows = Table::new("fleet", &["machines"]);
    for c in org.cluster_ids() {
        for (m, mt) in org.machine_types.iter().enumerate() {
            for (t, period) in periods.iter().enumerate() {
                rows.row(format!("`{}` `{}` in {period}", org.cluster(c).name, mt.name), vec![fleet.machines[c.index()][m][t] as f64], 1.0);
            }
        }
    }
    let stated =
        plan.fleet.iter().map(|r| (format!("`{}` `{}` in {}", r.cluster, r.machine_type, r.period), vec![f64::from(r.machines)])).collect();
    rows.compare(check, Rule::Fleet, stated, |_, _| 0.0);

    let mut power =
        Table::new("power_space", &["power_kw", "power_cap_kw", "machines", "space_cap", "deliveries", "delivery_limit (-1: none)"]);
    for c in org.cluster_ids() {
        let cluster = org.cluster(c);
        for (t, period) in periods.iter().enumerate() {
            let at = org.forecast.periods[t];
            let values = vec![
                fleet.power[c.index()][t],
                cluster.power_cap_kw.at(at),
                fleet.count[c.index()][t] as f64,
                cluster.space_cap.at(at),
                fleet.deliveries[c.index()][t] as f64,
                optional(cluster.max_deliveries_per_period(months)),
            ];
            power.row(format!("`{}` in {period}", cluster.name), values, 1.0);
        }
    }
    let stated = plan
        .power_space
        .iter()
        .map(|r| {
            let values =
                vec![r.power_kw, r.power_cap_kw, f64::from(r.machines), r.space_cap, f64::from(r.deliveries), optional(r.delivery_limit)];
            (format!("`{}` in {}", r.cluster, r.period), values)
        })
        .collect();
    power.compare(check, Rule::Tables, stated, six_decimals);

    // Costs per period, and per team: each team pays its mean share of the
    // resources its cluster's fleet has, the rest is `(idle)`.
    let mut capital = vec![vec![0.0; periods.len()]; org.clusters.len()];
    for o in &plan.orders {
        if let (Some(c), Some(m), Some(t)) =
            (org.cluster_by_name(&o.cluster), org.machine_type_by_name(&o.machine_type), periods.iter().position(|p| *p == o.placed))
        {
            capital[c.index()][t] += org.machine_type(m).capital_cost * f64::from(o.count);
        }
    }
    let mut by_period = Table::new("cost by period", &["capital", "running"]);
    let mut by_team = Table::new("cost by team", &["cost"]);
    let mut teams: BTreeMap<(usize, String), f64> = BTreeMap::new();
    let mut utilisation = Table::new("utilisation", &["used", "allocatable", "capacity"]);
    let mut totals = Vec::new();
    for (t, period) in periods.iter().enumerate() {
        for team in org.teams.iter().map(|team| team.name.text.clone()).chain(["(idle)".to_owned()]) {
            teams.insert((t, team), 0.0);
        }
        let (mut capital_t, mut running_t) = (0.0, 0.0);
        for c in org.cluster_ids() {
            let cluster = org.cluster(c);
            let n = |m: usize| fleet.machines[c.index()][m][t] as f64;
            let running: f64 = org.machine_types.iter().enumerate().map(|(m, mt)| months as f64 * mt.running_cost_per_month * n(m)).sum();
            let capacity: Vec<f64> =
                (0..org.resources.len()).map(|r| org.machine_types.iter().enumerate().map(|(m, mt)| mt.capacity[r] * n(m)).sum()).collect();
            capital_t += capital[c.index()][t];
            running_t += running;
            let Some(x) = x else { continue };
            let present = capacity.iter().filter(|&&c| c > 0.0).count().max(1) as f64;
            let mut allocated = 0.0;
            for (r, resource) in org.resources.iter().enumerate() {
                let used: f64 = org.service_ids().map(|s| org.service(s).per_unit[r] * x[s.index()][c.index()][t]).sum();
                let values = vec![used, cluster.utilisation_target * capacity[r], capacity[r]];
                utilisation.row(format!("`{}` `{}` in {period}", cluster.name, resource.name), values, 1.0);
                if capacity[r] > 0.0 {
                    for s in org.service_ids() {
                        let share = org.service(s).per_unit[r] * x[s.index()][c.index()][t] / capacity[r] / present;
                        allocated += share;
                        *teams.entry((t, org.team(org.service(s).team).name.text.clone())).or_default() +=
                            share * (running + capital[c.index()][t]);
                    }
                }
            }
            *teams.entry((t, "(idle)".to_owned())).or_default() += (1.0 - allocated).max(0.0) * (running + capital[c.index()][t]);
        }
        by_period.row(period.clone(), vec![capital_t, running_t], 1.0);
        totals.push(capital_t + running_t);
    }
    let stated = plan.cost.by_period.iter().map(|r| (r.period.clone(), vec![r.capital, r.running])).collect();
    // Written to the cent; sums of many rows may differ by a cent each.
    by_period.compare(check, Rule::Cost, stated, |size, _| 0.01 + 1e-9 * size);
    if x.is_some() {
        let stated = plan
            .utilisation
            .iter()
            .map(|r| (format!("`{}` `{}` in {}", r.cluster, r.resource, r.period), vec![r.used, r.allocatable, r.capacity]))
            .collect();
        utilisation.compare(check, Rule::Tables, stated, six_decimals);
        for ((t, team), cost) in teams {
            by_team.row(format!("`{team}` in {}", periods[t]), vec![cost], totals[t]);
        }
        let stated = plan.cost.by_team.iter().map(|r| (format!("`{}` in {}", r.team, r.period), vec![r.cost])).collect();
        // Shares are of the plan's rounded allocations: a millionth of the
        // period's cost.
        by_team.compare(check, Rule::Cost, stated, |_, total| 0.01 + RELATIVE * total);
    }

    let mut services = Table::new("services", &["n_plus"]);
    for s in org.service_ids() {
        let service = org.service(s);
        let key = format!(
            "`{}` of team `{}` in `{}` across {}",
            service.name,
            org.team(service.team).name,
            service.unit,
            service.redundancy.level.name()
        );
        services.row(key, vec![f64::from(service.redundancy.k)], 1.0);
    }
    let stated = plan
        .services
        .iter()
        .map(|s| (format!("`{}` of team `{}` in `{}` across {}", s.name, s.team, s.unit, s.across), vec![f64::from(s.n_plus)]))
        .collect();
    services.compare(check, Rule::Tables, stated, |_, _| 0.0);
}

/// Tables that follow from demand and allocations: `headroom` and the
/// demand stated in `unmet`.
pub(crate) fn demand_tables(check: &mut Check, demand: &Demand, z: &ByOrigin) {
    let org = check.org;
    let name = |key: &OriginKey| {
        let origin = headroom_plan::Origin {
            region: key.region.map(|r| org.region(r).name.text.clone()),
            via: key.via.map(|v| org.service(v).name.text.clone()),
        };
        format!("`{}` ({origin})", org.service(key.service).name)
    };
    let ratio = |key: &OriginKey| {
        key.via.and_then(|v| org.service(v).dependencies.iter().find(|d| d.service == key.service)).map_or(1.0, |d| d.ratio)
    };
    let mut headroom = Table::new("headroom", &["organic", "inorganic", "induced", "capacity", "survivable", "headroom"]);
    let mut unmet = Table::new("unmet", &["demand"]);
    let keys: std::collections::BTreeSet<&OriginKey> = demand.keys().chain(z.keys()).collect();
    for key in keys {
        for (t, period) in org.forecast.periods.iter().enumerate() {
            let [organic, inorganic, induced] = demand.get(key).map_or([0.0; 3], |d| d[t]);
            let (capacity, survivable) = survivable(org, key, z, t);
            let values = vec![organic, inorganic, induced, capacity, survivable, survivable - (organic + inorganic + induced)];
            let row = format!("{} in {period}", name(key));
            // Rows with neither demand nor capacity may be left out (an
            // event that cancels a forecast leaves organic and inorganic).
            let demand = organic + inorganic + induced;
            if demand.abs() <= six_decimals(organic.abs(), ratio(key)) && capacity <= six_decimals(0.0, ratio(key)) {
                headroom.optional.insert(row.clone());
            }
            headroom.row(row.clone(), values, ratio(key));
            unmet.row(row, vec![organic + inorganic + induced], ratio(key));
        }
    }
    let stated = check
        .plan
        .headroom
        .iter()
        .map(|h| {
            (
                format!("`{}` ({}) in {}", h.service, h.origin, h.period),
                vec![h.organic, h.inorganic, h.induced, h.capacity, h.survivable, h.headroom],
            )
        })
        .collect();
    headroom.compare(check, Rule::Tables, stated, six_decimals);
    let stated: Vec<(String, Vec<f64>)> =
        check.plan.unmet.iter().map(|u| (format!("`{}` ({}) in {}", u.service, u.origin, u.period), vec![u.demand])).collect();
    // Only the stated rows: the unmet table lists demand left unmet. Looked
    // up in a set: a best-effort plan of a large organisation can leave
    // thousands of rows unmet among a million.
    let listed: std::collections::HashSet<&str> = stated.iter().map(|(key, _)| key.as_str()).collect();
    unmet.computed.retain(|key, _| listed.contains(key.as_str()));
    unmet.compare(check, Rule::Tables, stated, six_decimals);
    for u in &check.plan.unmet {
        if !(u.unmet >= 0.0 && u.unmet <= u.demand + ABSOLUTE + RELATIVE * u.demand) {
            check.fail(
                Rule::Unmet,
                format!("`{}` ({}) in {}: {} unmet of a demand of {}", u.service, u.origin, u.period, u.unmet, u.demand),
            );
        }
    }
}
