//! Why intents cannot be met, found by solving relaxed variants of the
//! model, not by guessing.
//!
//! A best-effort LP finds what demand goes unserved. Then each kind of
//! limit is relaxed in turn (lead times, power caps, space caps, delivery
//! limits; per affected service its latency limit, redundancy, region and
//! cluster rules, spread caps) and the model solved again: a relaxation
//! that serves the demand is a cause, and the clusters where that limit
//! binds are named.

use std::collections::BTreeMap;

use good_lp::Variable;
use headroom_model::*;
use headroom_plan::Explanation;

use crate::backend::{self, Settings, Using};
use crate::model::{Build, Kind, Model};

/// Limits the existing fleet already breaks: no plan can help.
pub fn impossible(limits: &[String]) -> Vec<Explanation> {
    limits
        .iter()
        .map(|m| Explanation {
            service: String::new(),
            origin: None,
            from: String::new(),
            to: String::new(),
            message: m.clone(),
            fixes: vec!["raise the cap, or retire machines before the horizon".into()],
        })
        .collect()
}

/// A demand origin: service, region, and the dependent that induces it.
type Key = (ServiceId, Option<RegionId>, Option<ServiceId>);

/// Unmet demand of one origin: period index → (unmet, demand).
type Shortfall = BTreeMap<usize, (f64, f64)>;

struct Run<'o> {
    model: Model<'o>,
    values: std::collections::HashMap<Variable, f64>,
}

fn best_effort_lp<'o>(org: &'o Organisation, build: Build, using: Using) -> Option<Run<'o>> {
    let mut model = Model::new(org, Build { best_effort: true, integer: false, ..build });
    if !model.impossible.is_empty() {
        return None;
    }
    let settings = Settings::lp("explain");
    let solved = backend::solve(&mut model, using, &settings).ok()?;
    Some(Run { model, values: solved.values })
}

fn shortfalls(run: &Run) -> BTreeMap<Key, Shortfall> {
    let mut out: BTreeMap<Key, Shortfall> = BTreeMap::new();
    for (o, def) in run.model.origins.iter().enumerate() {
        let unit = run.model.unit[def.service.index()];
        for t in 0..run.model.horizon {
            let Some(var) = run.model.unmet(o, t) else { continue };
            let unmet = unit * run.values.get(&var).copied().unwrap_or(0.0);
            // An origin's demands share its unmet demand in proportion.
            let demands: Vec<f64> = (0..def.kinds.len()).map(|j| unit * run.model.kind_demand(o, j, t).eval_with(&run.values)).collect();
            let total: f64 = demands.iter().sum();
            for ((kind, &region), demand) in def.kinds.iter().zip(&def.regions).zip(demands) {
                let via = match kind {
                    Kind::Direct { .. } => None,
                    Kind::Induced { from, .. } => Some(*from),
                };
                let share = if total > 0.0 { unmet * demand / total } else { 0.0 };
                if share > 1e-6 * demand.max(1.0) {
                    let e = out.entry((def.service, region, via)).or_default().entry(t).or_insert((0.0, 0.0));
                    e.0 += share;
                    e.1 += demand;
                }
            }
        }
    }
    out
}

/// Whether a relaxed run serves what the base run left unserved for `key`.
fn serves(relaxed: &Option<Run>, key: &Key) -> bool {
    relaxed.as_ref().is_some_and(|run| !shortfalls(run).contains_key(key))
}

pub fn explain(org: &Organisation, using: Using) -> Vec<Explanation> {
    let Some(base) = best_effort_lp(org, Build::default(), using) else { return Vec::new() };
    let short = shortfalls(&base);
    if short.is_empty() {
        return vec![Explanation {
            service: String::new(),
            origin: None,
            from: String::new(),
            to: String::new(),
            message: "every intent can be met with fractions of machines, but not with whole machines: a cap or delivery limit leaves no room to round up".into(),
            fixes: vec!["raise the tightest power, space or delivery limit by one machine".into()],
        }];
    }
    let months = org.forecast.months_per_period();
    let relax = |build: Build| best_effort_lp(org, build, using);
    let no_lead = relax(Build { no_lead_times: true, ..Build::default() });
    let no_power = relax(Build { no_power_caps: true, ..Build::default() });
    let no_space = relax(Build { no_space_caps: true, ..Build::default() });
    let no_delivery = relax(Build { no_delivery_limits: true, ..Build::default() });

    let mut out = Vec::new();
    for (key, periods) in &short {
        let &(service_id, region, via) = key;
        let service = org.service(service_id);
        let first = *periods.keys().next().unwrap_or(&0);
        let last = *periods.keys().last().unwrap_or(&0);
        let (unmet, demand) = periods.values().fold((0.0f64, 0.0f64), |(u, d), (a, b)| (u.max(*a), d.max(*b)));
        let period = |t: usize| org.forecast.periods[t].to_string();
        let origin = headroom_plan::Origin {
            region: region.map(|r| org.region(r).name.text.clone()),
            via: via.map(|v| org.service(v).name.text.clone()),
        };
        let when = if first == last { period(first) } else { format!("{}–{}", period(first), period(last)) };
        let message = format!(
            "`{}` cannot serve its demand ({origin}) with N+{} across {}s in {when}: up to {} of {} {} unserved",
            service.name,
            service.redundancy.k,
            service.redundancy.level.name(),
            round(unmet),
            round(demand),
            service.unit
        );
        let eligible = org.origin_clusters(service_id, region, via);
        let mut fixes = Vec::new();
        if serves(&no_lead, key) {
            let late: Vec<String> = eligible
                .iter()
                .filter(|&&c| org.cluster(c).lead_time_periods(months) as usize > first)
                .map(|&c| {
                    let lead = org.cluster(c).lead_time_periods(months) as usize;
                    let serves = if lead < org.forecast.periods.len() {
                        format!("the first order serves from {}", period(lead))
                    } else {
                        "no order arrives within the horizon".into()
                    };
                    format!("`{}` ({} months: {serves})", org.cluster(c).name, org.cluster(c).lead_time_months)
                })
                .collect();
            fixes.push(format!(
                "the lead time of orders is too long for {}: {}; shorter lead times or capacity already in place would fix it",
                period(first),
                join(&late)
            ));
        }
        for (run, kind, limit) in [
            (&no_power, "power cap", "kW"),
            (&no_space, "space cap", "machine slots"),
            (&no_delivery, "delivery limit", "machines a period"),
        ] {
            if serves(run, key) {
                let binding = binding(&base, &eligible, periods, kind);
                fixes.push(format!("the {kind} binds in {}: raising it would fix it ({limit})", join(&binding)));
            }
        }
        fixes.extend(service_fixes(org, key, using));
        out.push(Explanation {
            service: service.name.text.clone(),
            origin: Some(origin),
            from: period(first),
            to: period(last),
            message,
            fixes,
        });
    }
    out
}

fn round(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn join(items: &[String]) -> String {
    if items.is_empty() {
        "its clusters".into()
    } else {
        items.join(", ")
    }
}

/// Clusters among `eligible` where a limit of `kind` is reached in the
/// affected periods of the base run.
fn binding(run: &Run, eligible: &[ClusterId], periods: &Shortfall, kind: &str) -> Vec<String> {
    let org = run.model.org;
    let mut out = Vec::new();
    for &c in eligible {
        let cluster = org.cluster(c);
        for &t in periods.keys() {
            let period = org.forecast.periods[t];
            let machines = |m: MachineTypeId| run.model.machines(c, m, t).eval_with(&run.values);
            let types = &run.model.cluster_types[c.index()];
            let (used, cap) = match kind {
                "power cap" => {
                    (types.iter().map(|&m| org.machine_type(m).power_kw * machines(m)).sum::<f64>(), cluster.power_cap_kw.at(period))
                }
                "space cap" => (types.iter().map(|&m| machines(m)).sum::<f64>(), cluster.space_cap.at(period)),
                _ => {
                    let Some(limit) = cluster.max_deliveries_per_period(org.forecast.months_per_period()) else { continue };
                    let lead = run.model.lead(c);
                    let arriving: f64 = run
                        .model
                        .cluster_orders(c)
                        .iter()
                        .filter(|o| o.placed + lead == t)
                        .map(|o| run.values.get(&o.var).copied().unwrap_or(0.0))
                        .sum();
                    (arriving, limit as f64)
                }
            };
            if used >= cap - 1e-6 * cap.max(1.0) {
                out.push(format!("`{}` ({} of {cap} in {period})", cluster.name, round(used)));
                break;
            }
        }
    }
    out
}

/// Relaxations of the service's own intent that would serve the demand.
fn service_fixes(org: &Organisation, key: &Key, using: Using) -> Vec<String> {
    let &(service_id, region, _) = key;
    let service = org.service(service_id);
    let mut fixes = Vec::new();
    let variant = |change: &dyn Fn(&mut Service)| {
        let mut relaxed = org.clone();
        change(&mut relaxed.services[service_id.index()]);
        best_effort_lp(&relaxed, Build::default(), using).map(|run| !shortfalls(&run).contains_key(key)).unwrap_or(false)
    };
    if let (Some(limit), Some(region)) = (service.max_latency_ms, region) {
        // The smallest larger limit that reaches another region and serves
        // the demand.
        let mut candidates: Vec<f64> = org.region_ids().filter_map(|r| org.latency.ms(region, r)).filter(|&ms| ms > limit).collect();
        candidates.sort_by(f64::total_cmp);
        candidates.dedup();
        for ms in candidates.into_iter().take(3) {
            if variant(&|svc: &mut Service| svc.max_latency_ms = Some(ms)) {
                fixes.push(format!("raising `max_latency_ms` of `{}` from {limit} to {ms} would fix it", service.name));
                break;
            }
        }
    }
    if service.redundancy.k > 0 && variant(&|svc: &mut Service| svc.redundancy.k -= 1) {
        fixes.push(format!("lowering `{}` from N+{} to N+{} would fix it", service.name, service.redundancy.k, service.redundancy.k - 1));
    }
    let restricted = service.allowed_regions.is_some()
        || !service.forbidden_regions.is_empty()
        || service.allowed_clusters.is_some()
        || !service.forbidden_clusters.is_empty();
    if restricted
        && variant(&|svc: &mut Service| {
            svc.allowed_regions = None;
            svc.forbidden_regions.clear();
            svc.allowed_clusters = None;
            svc.forbidden_clusters.clear();
        })
    {
        fixes.push(format!("allowing `{}` the regions and clusters its intent excludes would fix it", service.name));
    }
    if (service.max_region_share.is_some() || service.max_cluster_share.is_some())
        && variant(&|svc: &mut Service| {
            svc.max_region_share = None;
            svc.max_cluster_share = None;
        })
    {
        fixes.push(format!("dropping the spread caps of `{}` would fix it", service.name));
    }
    fixes
}
