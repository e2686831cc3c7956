//! What changed between two plans: orders added, removed and changed,
//! capacity that moved between clusters, headroom that fell below a
//! threshold, and intents newly unmet — for a pull-request comment
//! (markdown), a program (JSON) or a person at a terminal.
//!
//! A diff compares what the plans *do*, not how they were made: two plans
//! from different inputs that order the same machines and place the same
//! capacity have no changes.

use std::collections::{BTreeMap, BTreeSet};

use headroom_plan::text::plural;
pub use headroom_plan::text::{money, thousands};
use headroom_plan::{Origin, Plan};
use serde::Serialize;

mod render;
pub use render::{human, markdown};

/// Version of the JSON diff format (see [`headroom_plan::FORMAT_VERSION`]
/// for the rules).
pub const FORMAT_VERSION: &str = "1.0";

/// How to compare.
#[derive(Clone, Debug)]
pub struct Options {
    /// Report headroom (survivable capacity less demand, as a share of
    /// demand, per service and period) that falls below this share.
    pub headroom_threshold: f64,
    /// Capacity in a cluster that changes by less than this share of the
    /// service's capacity in that period is not a move.
    pub placement_tolerance: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options { headroom_threshold: 0.05, placement_tolerance: 0.005 }
    }
}

/// What changed between two plans, compared by name: the `diff --format json` document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// [`FORMAT_VERSION`] of the diff document.
    pub format_version: String,
    /// Whether the plans order, place or leave unmet anything differently.
    pub changed: bool,
    /// One line: what a reviewer reads first.
    pub summary: String,
    /// Whether the plans were made from the same input files.
    pub same_inputs: bool,
    /// Whether the plans cover the same periods.
    pub same_periods: bool,
    /// The old plan's figures.
    pub old: Totals,
    /// The new plan's figures.
    pub new: Totals,
    /// Orders added, removed or changed in count.
    pub orders: Vec<OrderChange>,
    /// Services' capacity moved between clusters.
    pub placements: Vec<PlacementChange>,
    /// Users' demand (organic and inorganic) that changed: what an intent
    /// or forecast change asks of the plan. Demand induced by dependents
    /// follows their placement and is not listed.
    pub demand: Vec<DemandChange>,
    /// Services whose headroom fell below the threshold.
    pub headroom: Vec<HeadroomDrop>,
    /// Demand the new plan leaves unmet that the old one met.
    pub newly_unmet: Vec<UnmetChange>,
    /// Demand the old plan left unmet that the new one meets.
    pub now_met: Vec<UnmetChange>,
}

/// The figures of one plan that the summary compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    /// Total cost.
    pub cost: f64,
    /// Capital cost.
    pub capital: f64,
    /// Running cost.
    pub running: f64,
    /// Machines ordered over the horizon, orders in flight included.
    pub machines_ordered: u64,
    /// Unmet demand summed over services, origins and periods (units of
    /// each service's demand).
    pub unmet: f64,
    /// `optimal` or `feasible`.
    pub status: String,
    /// The solver backend that made the plan.
    pub backend: String,
}

/// How an item differs between the plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Change {
    /// Only in the new plan.
    #[serde(rename = "+")]
    Added,
    /// Only in the old plan.
    #[serde(rename = "-")]
    Removed,
    /// In both, different.
    #[serde(rename = "~")]
    Changed,
}

impl Change {
    /// The sign the text and markdown show for it.
    pub fn sign(self) -> &'static str {
        match self {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Changed => "~",
        }
    }

    fn of(old: f64, new: f64) -> Change {
        if old == 0.0 {
            Change::Added
        } else if new == 0.0 {
            Change::Removed
        } else {
            Change::Changed
        }
    }
}

/// One order (period placed, cluster, machine type) that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderChange {
    /// Added, removed or changed.
    pub change: Change,
    /// Period it is placed in.
    pub placed: String,
    /// Period its machines serve from.
    pub arrives: String,
    /// The cluster.
    pub cluster: String,
    /// The machine type.
    pub machine_type: String,
    /// Machines in the old plan (0 if none).
    pub old: u32,
    /// Machines in the new plan (0 if none).
    pub new: u32,
}

/// A service's capacity in one cluster, changed over a run of periods.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacementChange {
    /// Added, removed or changed.
    pub change: Change,
    /// The service.
    pub service: String,
    /// The cluster.
    pub cluster: String,
    /// When and how much the capacity changed.
    #[serde(flatten)]
    pub span: Span,
}

/// A service's direct (users') demand, changed over a run of periods.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DemandChange {
    /// The service.
    pub service: String,
    /// When and how much its demand changed.
    #[serde(flatten)]
    pub span: Span,
}

/// How a value changed over the periods: first and last period in which
/// it differs, and the period of the largest change with the values then.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// First period that differs.
    pub from: String,
    /// Last period that differs.
    pub to: String,
    /// Period of the largest change.
    pub peak: String,
    /// The old value in that period.
    pub old: f64,
    /// The new value in that period.
    pub new: f64,
}

/// A service whose headroom in a period fell below the threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeadroomDrop {
    /// The service.
    pub service: String,
    /// The period.
    pub period: String,
    /// Headroom as a share of demand, before.
    pub old: f64,
    /// Headroom as a share of demand, after.
    pub new: f64,
}

/// A service whose demand became unmet, or met, over a run of periods.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnmetChange {
    /// The service.
    pub service: String,
    /// Whose demand it is.
    pub origin: Origin,
    /// First period affected.
    pub from: String,
    /// Last period affected.
    pub to: String,
    /// The largest unmet demand in one period, in the plan that has it.
    pub unmet: f64,
    /// Why, from the plan's explanations of this service.
    pub explanations: Vec<String>,
}

impl Diff {
    /// The document as pretty JSON, with a final newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("a diff always serialises");
        out.push('\n');
        out
    }
}

/// Compares two plans.
pub fn diff(old: &Plan, new: &Plan, options: &Options) -> Diff {
    let orders = order_changes(old, new);
    let placements = placement_changes(old, new, options.placement_tolerance);
    let demand = demand_changes(old, new, options.placement_tolerance);
    let headroom = headroom_drops(old, new, options.headroom_threshold);
    let newly_unmet = unmet_changes(new, old);
    let now_met = unmet_changes(old, new);
    let (old_totals, new_totals) = (totals(old), totals(new));
    let cost_changed = (old_totals.cost - new_totals.cost).abs() >= 0.005;
    let changed = !orders.is_empty()
        || !placements.is_empty()
        || !demand.is_empty()
        || !newly_unmet.is_empty()
        || !now_met.is_empty()
        || cost_changed;
    let mut diff = Diff {
        format_version: FORMAT_VERSION.to_owned(),
        changed,
        summary: String::new(),
        same_inputs: old.inputs_digest == new.inputs_digest,
        same_periods: old.periods == new.periods,
        old: old_totals,
        new: new_totals,
        orders,
        placements,
        demand,
        headroom,
        newly_unmet,
        now_met,
    };
    diff.summary = summary(&diff);
    diff
}

fn totals(plan: &Plan) -> Totals {
    Totals {
        cost: plan.cost.total,
        capital: plan.cost.capital,
        running: plan.cost.running,
        machines_ordered: plan.orders.iter().chain(&plan.in_flight).map(|o| o.count as u64).sum(),
        unmet: plan.unmet.iter().map(|u| u.unmet).sum(),
        status: plan.solver.status.clone(),
        backend: plan.solver.backend.clone(),
    }
}

/// Orders keyed by (placed, cluster, machine type); period names sort
/// chronologically, so the changes come in period order.
fn order_changes(old: &Plan, new: &Plan) -> Vec<OrderChange> {
    type Key = (String, String, String);
    let index = |plan: &Plan| -> BTreeMap<Key, (u32, String)> {
        let mut map: BTreeMap<Key, (u32, String)> = BTreeMap::new();
        // An order in flight is the same order as in the plan that placed
        // it: compared as one, it is no change.
        for o in plan.orders.iter().chain(&plan.in_flight) {
            let entry = map.entry((o.placed.clone(), o.cluster.clone(), o.machine_type.clone())).or_insert((0, o.arrives.clone()));
            entry.0 += o.count;
        }
        map
    };
    let (before, after) = (index(old), index(new));
    let keys: BTreeSet<&Key> = before.keys().chain(after.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (o, arrives_old) = before.get(key).cloned().unwrap_or_default();
        let (n, arrives_new) = after.get(key).cloned().unwrap_or_default();
        if o == n {
            continue;
        }
        changes.push(OrderChange {
            change: Change::of(o as f64, n as f64),
            placed: key.0.clone(),
            arrives: if n > 0 { arrives_new } else { arrives_old },
            cluster: key.1.clone(),
            machine_type: key.2.clone(),
            old: o,
            new: n,
        });
    }
    changes
}

/// Values per key and period.
type Series<K> = BTreeMap<K, BTreeMap<String, f64>>;

/// How one key's series changed; `None` if no period differs by more than
/// `tolerance` × `scale(period)`.
fn series_change(
    periods: &[&String],
    before: Option<&BTreeMap<String, f64>>,
    after: Option<&BTreeMap<String, f64>>,
    tolerance: f64,
    scale: impl Fn(&String) -> f64,
) -> Option<Span> {
    let value = |m: Option<&BTreeMap<String, f64>>, p: &String| m.and_then(|m| m.get(p)).copied().unwrap_or(0.0);
    let changed: Vec<(&String, f64, f64)> = periods
        .iter()
        .map(|&p| (p, value(before, p), value(after, p)))
        .filter(|&(p, o, n)| (n - o).abs() > tolerance * scale(p) + 1e-6)
        .collect();
    let peak = changed.iter().max_by(|x, y| (x.2 - x.1).abs().total_cmp(&(y.2 - y.1).abs()))?;
    Some(Span { from: changed[0].0.clone(), to: changed[changed.len() - 1].0.clone(), peak: peak.0.clone(), old: peak.1, new: peak.2 })
}

fn all_periods<'p>(old: &'p Plan, new: &'p Plan) -> Vec<&'p String> {
    let mut periods: Vec<&String> = old.periods.iter().chain(&new.periods).collect();
    periods.sort();
    periods.dedup();
    periods
}

fn placement_changes(old: &Plan, new: &Plan, tolerance: f64) -> Vec<PlacementChange> {
    let index = |plan: &Plan| -> Series<(String, String)> {
        let mut map: Series<(String, String)> = BTreeMap::new();
        for a in &plan.allocations {
            *map.entry((a.service.clone(), a.cluster.clone())).or_default().entry(a.period.clone()).or_default() += a.capacity;
        }
        map
    };
    // A move is measured against all of the service's capacity then.
    let totals = |plan: &Plan| -> BTreeMap<(String, String), f64> {
        let mut map = BTreeMap::new();
        for a in &plan.allocations {
            *map.entry((a.service.clone(), a.period.clone())).or_default() += a.capacity;
        }
        map
    };
    let (before, after) = (index(old), index(new));
    let (total_before, total_after) = (totals(old), totals(new));
    let periods = all_periods(old, new);
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let scale = |p: &String| {
            let k = (key.0.clone(), p.clone());
            total_before.get(&k).copied().unwrap_or(0.0).max(total_after.get(&k).copied().unwrap_or(0.0))
        };
        let Some(c) = series_change(&periods, before.get(key), after.get(key), tolerance, scale) else { continue };
        let sum = |m: Option<&BTreeMap<String, f64>>| m.map_or(0.0, |m| m.values().sum::<f64>());
        changes.push(PlacementChange {
            change: Change::of(sum(before.get(key)), sum(after.get(key))),
            service: key.0.clone(),
            cluster: key.1.clone(),
            span: c,
        });
    }
    changes
}

fn demand_changes(old: &Plan, new: &Plan, tolerance: f64) -> Vec<DemandChange> {
    let index = |plan: &Plan| -> Series<String> {
        let mut map: Series<String> = BTreeMap::new();
        for h in &plan.headroom {
            *map.entry(h.service.clone()).or_default().entry(h.period.clone()).or_default() += h.organic + h.inorganic;
        }
        map
    };
    let (before, after) = (index(old), index(new));
    let periods = all_periods(old, new);
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        let scale = |p: &String| b.and_then(|m| m.get(p)).copied().unwrap_or(0.0).max(a.and_then(|m| m.get(p)).copied().unwrap_or(0.0));
        if let Some(c) = series_change(&periods, b, a, tolerance, scale) {
            changes.push(DemandChange { service: key.clone(), span: c });
        }
    }
    changes
}

/// Per service and period: survivable capacity less demand, summed over
/// the service's demand origins, as a share of its demand. (Per origin,
/// spare capacity that the solver assigns to one origin or another would
/// make noise.)
fn headroom_drops(old: &Plan, new: &Plan, threshold: f64) -> Vec<HeadroomDrop> {
    let shares = |plan: &Plan| -> BTreeMap<(String, String), f64> {
        let mut sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        for h in &plan.headroom {
            let entry = sums.entry((h.service.clone(), h.period.clone())).or_default();
            entry.0 += h.headroom;
            entry.1 += h.organic + h.inorganic + h.induced;
        }
        sums.into_iter().filter(|(_, (_, demand))| *demand > 0.0).map(|(k, (headroom, demand))| (k, headroom / demand)).collect()
    };
    let (before, after) = (shares(old), shares(new));
    let mut drops = Vec::new();
    for ((service, period), now) in after {
        let Some(&was) = before.get(&(service.clone(), period.clone())) else { continue };
        if now < threshold - 1e-9 && was >= threshold - 1e-9 {
            drops.push(HeadroomDrop { service, period, old: was, new: now });
        }
    }
    drops
}

/// Service and origin pairs with unmet demand in `has` but not in `had`.
fn unmet_changes(has: &Plan, had: &Plan) -> Vec<UnmetChange> {
    let before: BTreeSet<(&str, &Origin)> = had.unmet.iter().filter(|u| u.unmet > 0.0).map(|u| (u.service.as_str(), &u.origin)).collect();
    let mut found: BTreeMap<(&str, &Origin), UnmetChange> = BTreeMap::new();
    for u in has.unmet.iter().filter(|u| u.unmet > 0.0) {
        let key = (u.service.as_str(), &u.origin);
        if before.contains(&key) {
            continue;
        }
        let entry = found.entry(key).or_insert_with(|| UnmetChange {
            service: u.service.clone(),
            origin: u.origin.clone(),
            from: u.period.clone(),
            to: u.period.clone(),
            unmet: 0.0,
            explanations: has
                .explanations
                .iter()
                .filter(|e| e.service == u.service && e.origin.as_ref().is_none_or(|o| o == &u.origin))
                .map(|e| e.message.clone())
                .collect(),
        });
        entry.to = u.period.clone();
        entry.unmet = entry.unmet.max(u.unmet);
    }
    found.into_values().collect()
}

/// "+120 machines in 3 clusters, cost +4.1 %, 1 intent newly unmet".
fn summary(d: &Diff) -> String {
    if !d.changed {
        return "no changes: the plans order the same machines and place the same capacity".to_owned();
    }
    let mut parts = Vec::new();
    let added: u64 = d.orders.iter().map(|o| o.new.saturating_sub(o.old) as u64).sum();
    let removed: u64 = d.orders.iter().map(|o| o.old.saturating_sub(o.new) as u64).sum();
    let clusters: BTreeSet<&str> = d.orders.iter().map(|o| o.cluster.as_str()).collect();
    let machines = match (added, removed) {
        (0, 0) => None,
        (a, 0) => Some(format!("+{a} machine{}", plural(a))),
        (0, r) => Some(format!("-{r} machine{}", plural(r))),
        (a, r) => Some(format!("+{a} -{r} machines")),
    };
    if let Some(m) = machines {
        parts.push(format!("{m} in {} cluster{}", clusters.len(), plural(clusters.len() as u64)));
    }
    parts.push(format!("cost {}", percent_change(d.old.cost, d.new.cost)));
    if !d.demand.is_empty() {
        parts.push(format!("demand of {} service{} changed", d.demand.len(), plural(d.demand.len() as u64)));
    }
    let moved: BTreeSet<&str> = d.placements.iter().map(|p| p.service.as_str()).collect();
    if !moved.is_empty() {
        parts.push(format!("{} service{} moved", moved.len(), plural(moved.len() as u64)));
    }
    if !d.newly_unmet.is_empty() {
        parts.push(format!("{} intent{} newly unmet", d.newly_unmet.len(), plural(d.newly_unmet.len() as u64)));
    }
    if !d.now_met.is_empty() {
        parts.push(format!("{} intent{} now met", d.now_met.len(), plural(d.now_met.len() as u64)));
    }
    parts.join(", ")
}

/// "+4.1 %", "-0.3 %", "±0 %", or an absolute change when the old value is 0.
pub fn percent_change(old: f64, new: f64) -> String {
    let delta = new - old;
    if delta.abs() < 0.005 {
        return "±0 %".to_owned();
    }
    if old.abs() < 0.005 {
        return format!("{}{}", if delta > 0.0 { "+" } else { "-" }, money(delta.abs()));
    }
    let pct = delta / old * 100.0;
    let digits = if pct.abs() >= 10.0 {
        0
    } else if pct.abs() >= 0.1 {
        1
    } else {
        2
    };
    format!("{}{:.*} %", if delta > 0.0 { "+" } else { "-" }, digits, pct.abs())
}
