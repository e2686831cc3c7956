//! Stable replanning: a baseline plan, matched to the organisation by name.
//!
//! Orders the baseline placed before this plan's first period are in
//! flight: they arrive as the baseline says and cannot be changed. The
//! rest of the baseline is a target: each machine ordered differently, and
//! each machine's worth of capacity placed differently, costs a small
//! penalty, so that a small change of intent yields a small change of plan.

use std::collections::BTreeMap;

use headroom_model::*;
use headroom_plan::Plan;

use crate::model::{InFlight, Stability};

/// The default change penalty: a machine ordered differently from the
/// baseline costs 1 % of its capital cost.
pub const DEFAULT_CHANGE_PENALTY: f64 = 0.01;

/// The baseline, resolved against `org`.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// Baseline orders placed before the first period that arrive within the horizon.
    pub in_flight: Vec<InFlight>,
    /// Orders of periods whose ordering is done (`--freeze-through`):
    /// every order of these periods, fixed to the baseline's count (0 where
    /// it ordered nothing).
    pub frozen: crate::model::OrderCounts,
    /// The change penalties.
    pub stability: Stability,
    /// Parts of the baseline that no longer apply (a cluster or service
    /// that is gone), for the user to know.
    pub notes: Vec<String>,
}

/// Resolves `baseline` against `org`. Orders of the periods up to
/// `freeze_through` (a period name) are fixed as well as those in flight.
pub fn resolve(org: &Organisation, baseline: &Plan, change_penalty: f64, freeze_through: Option<&str>) -> Result<Resolved, String> {
    let periods = &org.forecast.periods;
    let first = periods[0];
    let parse = |name: &str| -> Result<Period, String> {
        let p = Period::parse(name).map_err(|e| format!("the baseline's period `{name}`: {e}"))?;
        if p.granularity() != first.granularity() {
            return Err(format!(
                "the baseline plans in {}s and this plan in {}s: it cannot be a baseline",
                p.granularity().name(),
                first.granularity().name()
            ));
        }
        Ok(p)
    };
    let index = |p: Period| org.forecast.period_index(p);
    let mut notes = Vec::new();
    let mut in_flight = Vec::new();
    let mut orders = BTreeMap::new();
    for o in baseline.orders.iter().chain(&baseline.in_flight) {
        let (placed, arrives) = (parse(&o.placed)?, parse(&o.arrives)?);
        let (Some(c), Some(m)) = (org.cluster_by_name(&o.cluster), org.machine_type_by_name(&o.machine_type)) else {
            notes.push(format!(
                "the baseline's order of {} × `{}` in `{}` is ignored: no such cluster or machine type",
                o.count, o.machine_type, o.cluster
            ));
            continue;
        };
        if placed < first {
            // Placed already: it arrives whatever this plan says.
            match index(arrives) {
                Some(t) => in_flight.push(InFlight { cluster: c, machine_type: m, arrives: t, count: o.count, placed: o.placed.clone() }),
                None if arrives < first => notes.push(format!(
                    "the baseline's order of {} × `{}` in `{}` arrived in {} before this plan starts: the topology's fleet should include it",
                    o.count, o.machine_type, o.cluster, o.arrives
                )),
                None => {}
            }
        } else if let Some(t) = index(placed) {
            *orders.entry((c, m, t)).or_insert(0.0) += o.count as f64;
        }
    }
    let mut capacity = BTreeMap::new();
    let mut unknown = 0;
    // By index, not by scanning: a baseline of a large organisation has
    // millions of allocations.
    let names = org.names();
    for a in &baseline.allocations {
        let (Some(s), Some(c), Ok(p)) = (names.service(&a.service), names.cluster(&a.cluster), parse(&a.period)) else {
            unknown += 1;
            continue;
        };
        if let Some(t) = index(p) {
            *capacity.entry((s, c, t)).or_insert(0.0) += a.capacity;
        }
    }
    let mut frozen = BTreeMap::new();
    if let Some(name) = freeze_through {
        let last = Period::parse(name).map_err(|e| format!("--freeze-through `{name}`: {e}"))?;
        if last.granularity() != first.granularity() {
            return Err(format!(
                "--freeze-through `{name}` is a {} and this plan is in {}s",
                last.granularity().name(),
                first.granularity().name()
            ));
        }
        let months = org.forecast.months_per_period();
        for c in org.cluster_ids() {
            let cluster = org.cluster(c);
            let lead = cluster.lead_time_periods(months) as usize;
            for &m in &cluster.orderable {
                for (t, &p) in periods.iter().enumerate().take(periods.len().saturating_sub(lead)) {
                    if p <= last {
                        frozen.insert((c, m, t), orders.get(&(c, m, t)).copied().unwrap_or(0.0));
                    }
                }
            }
        }
    }
    notes.sort();
    notes.dedup();
    // A baseline of another organisation (or one far out of date) gives
    // no stability: say so rather than replan against a few stray names.
    if unknown * 2 > baseline.allocations.len() {
        notes.insert(
            0,
            format!(
                "the baseline places capacity of {unknown} of its {} allocations in services or clusters this organisation does not have: is it a plan of another organisation?",
                baseline.allocations.len()
            ),
        );
    }
    Ok(Resolved { in_flight, frozen, stability: Stability { orders, capacity, change_penalty }, notes })
}
