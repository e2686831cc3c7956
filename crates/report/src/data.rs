//! The plan's tables, summed into the series the charts draw.

use std::collections::BTreeMap;

use headroom_plan::Plan;

/// One service, per period, summed over its demand origins.
#[derive(Clone, Debug, Default)]
pub struct ServiceSeries {
    pub name: String,
    pub team: String,
    pub unit: String,
    /// "N+1 across failure domains", if the plan says.
    pub redundancy: String,
    pub organic: Vec<f64>,
    pub inorganic: Vec<f64>,
    pub induced: Vec<f64>,
    pub capacity: Vec<f64>,
    pub survivable: Vec<f64>,
    /// Demand not served (best-effort plans).
    pub unmet: Vec<f64>,
}

impl ServiceSeries {
    pub fn demand(&self, t: usize) -> f64 {
        self.organic[t] + self.inorganic[t] + self.induced[t]
    }
}

#[derive(Clone, Debug, Default)]
pub struct RegionSeries {
    pub name: String,
    pub organic: Vec<Option<f64>>,
    pub inorganic: Vec<Option<f64>>,
    pub cap: f64,
    /// The values are lower bounds (`Growth::at_least`).
    pub at_least: bool,
    /// Upper bounds where the values are lower bounds.
    pub organic_at_most: Vec<Option<f64>>,
    pub inorganic_at_most: Vec<Option<f64>>,
}

#[derive(Clone, Debug, Default)]
pub struct ClusterSeries {
    pub name: String,
    pub power_kw: Vec<f64>,
    pub power_cap_kw: Vec<f64>,
    pub machines: Vec<f64>,
    pub space_cap: Vec<f64>,
    /// Machines per type and period, types in name order.
    pub by_type: Vec<(String, Vec<f64>)>,
    /// Machines arriving per period (orders and orders in flight).
    pub arrivals: Vec<u32>,
}

pub struct Data {
    pub periods: Vec<String>,
    pub services: Vec<ServiceSeries>,
    pub regions: Vec<RegionSeries>,
    pub clusters: Vec<ClusterSeries>,
    /// Cost per team and period, teams in name order.
    pub team_cost: Vec<(String, Vec<f64>)>,
}

/// The largest amount a chart draws. A plan written by headroom never comes
/// near it; a damaged or hand-edited one may hold anything, and a chart
/// must still draw (values are clamped into 0..=MAX_VALUE).
pub const MAX_VALUE: f64 = 1e15;

fn clean(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, MAX_VALUE)
    } else {
        0.0
    }
}

impl Data {
    pub fn of(plan: &Plan) -> Data {
        let mut data = Data::summed(plan);
        let fix = |v: &mut Vec<f64>| v.iter_mut().for_each(|x| *x = clean(*x));
        for s in &mut data.services {
            for v in [&mut s.organic, &mut s.inorganic, &mut s.induced, &mut s.capacity, &mut s.survivable, &mut s.unmet] {
                fix(v);
            }
        }
        for r in &mut data.regions {
            for v in
                r.organic.iter_mut().chain(r.inorganic.iter_mut()).chain(r.organic_at_most.iter_mut()).chain(r.inorganic_at_most.iter_mut())
            {
                *v = v.map(clean);
            }
            r.cap = clean(r.cap);
        }
        for c in &mut data.clusters {
            for v in [&mut c.power_kw, &mut c.power_cap_kw, &mut c.machines, &mut c.space_cap] {
                fix(v);
            }
            c.by_type.iter_mut().for_each(|(_, v)| fix(v));
        }
        data.team_cost.iter_mut().for_each(|(_, v)| fix(v));
        data
    }

    fn summed(plan: &Plan) -> Data {
        let n = plan.periods.len();
        let index: BTreeMap<&str, usize> = plan.periods.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        let at = |p: &str| index.get(p).copied();

        let mut services: BTreeMap<&str, ServiceSeries> = BTreeMap::new();
        let blank = |name: &str| ServiceSeries {
            name: name.to_owned(),
            organic: vec![0.0; n],
            inorganic: vec![0.0; n],
            induced: vec![0.0; n],
            capacity: vec![0.0; n],
            survivable: vec![0.0; n],
            unmet: vec![0.0; n],
            ..ServiceSeries::default()
        };
        for h in &plan.headroom {
            let Some(t) = at(&h.period) else { continue };
            let s = services.entry(&h.service).or_insert_with(|| blank(&h.service));
            s.organic[t] += h.organic;
            s.inorganic[t] += h.inorganic;
            s.induced[t] += h.induced;
            s.capacity[t] += h.capacity;
            s.survivable[t] += h.survivable;
        }
        for u in &plan.unmet {
            if let (Some(s), Some(t)) = (services.get_mut(u.service.as_str()), at(&u.period)) {
                s.unmet[t] += u.unmet;
            }
        }
        for info in &plan.services {
            if let Some(s) = services.get_mut(info.name.as_str()) {
                s.team = info.team.clone();
                s.unit = info.unit.clone();
                s.redundancy = format!("N+{} across {}s", info.n_plus, info.across);
            }
        }

        let mut regions: Vec<RegionSeries> = Vec::new();
        for g in &plan.growth {
            let Some(t) = at(&g.period) else { continue };
            let i = match regions.iter().position(|r| r.name == g.region) {
                Some(i) => i,
                None => {
                    regions.push(RegionSeries {
                        name: g.region.clone(),
                        organic: vec![None; n],
                        inorganic: vec![None; n],
                        cap: g.cap,
                        at_least: g.at_least,
                        organic_at_most: vec![None; n],
                        inorganic_at_most: vec![None; n],
                    });
                    regions.len() - 1
                }
            };
            regions[i].organic[t] = g.organic;
            regions[i].inorganic[t] = g.inorganic;
            regions[i].organic_at_most[t] = g.organic_at_most;
            regions[i].inorganic_at_most[t] = g.inorganic_at_most;
        }

        let mut clusters: BTreeMap<&str, ClusterSeries> = BTreeMap::new();
        let blank_cluster = |name: &str| ClusterSeries {
            name: name.to_owned(),
            power_kw: vec![0.0; n],
            power_cap_kw: vec![0.0; n],
            machines: vec![0.0; n],
            space_cap: vec![0.0; n],
            by_type: Vec::new(),
            arrivals: vec![0; n],
        };
        for p in &plan.power_space {
            let Some(t) = at(&p.period) else { continue };
            let c = clusters.entry(&p.cluster).or_insert_with(|| blank_cluster(&p.cluster));
            c.power_kw[t] = p.power_kw;
            c.power_cap_kw[t] = p.power_cap_kw;
            c.machines[t] = p.machines as f64;
            c.space_cap[t] = p.space_cap;
        }
        let mut by_type: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
        for f in &plan.fleet {
            let Some(t) = at(&f.period) else { continue };
            by_type.entry((&f.cluster, &f.machine_type)).or_insert_with(|| vec![0.0; n])[t] += f.machines as f64;
        }
        for ((cluster, machine_type), series) in by_type {
            if let Some(c) = clusters.get_mut(cluster) {
                c.by_type.push((machine_type.to_owned(), series));
            }
        }
        for o in plan.orders.iter().chain(&plan.in_flight) {
            if let (Some(c), Some(t)) = (clusters.get_mut(o.cluster.as_str()), at(&o.arrives)) {
                c.arrivals[t] += o.count;
            }
        }

        let mut team_cost: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for c in &plan.cost.by_team {
            if let Some(t) = at(&c.period) {
                team_cost.entry(&c.team).or_insert_with(|| vec![0.0; n])[t] += c.cost;
            }
        }

        Data {
            periods: plan.periods.clone(),
            services: services.into_values().collect(),
            regions,
            clusters: clusters.into_values().collect(),
            team_cost: team_cost.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }
}
