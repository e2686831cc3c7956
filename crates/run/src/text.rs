//! What a run prints for people: the plan's summary and its scenarios'.

use std::path::Path;

use headroom_plan::text::{money, plural};
use headroom_plan::Plan;
use headroom_solve::Error;

use crate::plan::{machines, WhatIf};

/// The plan in a few lines: machines ordered and where, cost, how the
/// solver found it, every order, unmet demand and why, and where it was
/// written (`dir`).
pub fn summary(plan: &Plan, dir: &Path) -> String {
    let mut clusters: Vec<&str> = plan.orders.iter().map(|o| o.cluster.as_str()).collect();
    clusters.sort();
    clusters.dedup();
    let mut out = format!(
        "Plan: order {} machine{} in {} cluster{} over {} period{} ({} to {}); cost {} (capital {}, running {}).\n",
        machines(plan),
        plural(machines(plan).into()),
        clusters.len(),
        plural(clusters.len() as u64),
        plan.periods.len(),
        plural(plan.periods.len() as u64),
        plan.periods.first().map_or("-", String::as_str),
        plan.periods.last().map_or("-", String::as_str),
        money(plan.cost.total),
        money(plan.cost.capital),
        money(plan.cost.running),
    );
    out.push_str(&format!(
        "Solver: {}, {}{}; {} variables, {} constraints{}.\n",
        plan.solver.backend,
        plan.solver.status,
        if plan.solver.mip_gap > 0.0 { format!(" (gap {:.4} %)", plan.solver.mip_gap * 100.0) } else { String::new() },
        plan.solver.variables,
        plan.solver.constraints,
        if plan.solver.method.is_empty() { String::new() } else { format!("; {}", plan.solver.method) },
    ));
    for o in &plan.in_flight {
        out.push_str(&format!(
            "  = {:>4} × {:<12} in {:<8} in flight (placed {}), serving from {}\n",
            o.count, o.machine_type, o.cluster, o.placed, o.arrives
        ));
    }
    for o in &plan.orders {
        out.push_str(&format!(
            "  + {:>4} × {:<12} in {:<8} placed {}, serving from {}\n",
            o.count, o.machine_type, o.cluster, o.placed, o.arrives
        ));
    }
    if !plan.unmet.is_empty() {
        out.push_str(&format!("Unmet demand in {} service-period(s):\n", plan.unmet.len()));
        for u in &plan.unmet {
            out.push_str(&format!("  ! {} ({}) in {}: {} of {} unmet\n", u.service, u.origin, u.period, u.unmet, u.demand));
        }
        for e in &plan.explanations {
            out.push_str(&format!("  why: {}\n", e.message));
        }
    }
    out.push_str(&format!("Wrote {}/plan.json and CSV tables.\n", dir.display()));
    out
}

/// A signed amount of money: `+$1,200` or `-$300`.
fn signed_money(x: f64) -> String {
    let sign = if x < -0.005 { "-" } else { "+" };
    format!("{sign}{}", money(x.abs()))
}

/// The scenarios beside the plan as is (if there is one): each one's cost
/// and machines (and their change), or why it has no plan, and where it
/// was written (`dir`, if it was).
pub fn scenario_summary(base: Option<&Plan>, whatifs: &[WhatIf], dir: Option<&Path>) -> String {
    let mut out = format!("Scenarios{}:\n", if base.is_some() { " (change from the plan as is)" } else { "" });
    let width = whatifs.iter().map(|w| w.scenario.name.len()).max().unwrap_or(0);
    for w in whatifs {
        let name = &w.scenario.name;
        match &w.result {
            Ok(p) => {
                let (cost, count) = match base {
                    Some(b) => (
                        format!(" ({})", signed_money(p.cost.total - b.cost.total)),
                        format!(" ({:+})", machines(p) as i64 - machines(b) as i64),
                    ),
                    None => (String::new(), String::new()),
                };
                let unmet =
                    if p.unmet.is_empty() { String::new() } else { format!("; unmet demand in {} service-period(s)", p.unmet.len()) };
                let at = dir.map_or(String::new(), |d| format!("  → {}/scenarios/{name}/", d.display()));
                out.push_str(&format!(
                    "  {name:<width$}  cost {}{cost}, orders {} machines{count}{unmet}{at}\n",
                    money(p.cost.total),
                    machines(p)
                ));
            }
            Err(Error::IntentsNotMet(explanations)) => {
                out.push_str(&format!("  {name:<width$}  the intents cannot all be met\n"));
                for e in explanations {
                    out.push_str(&format!("  {:width$}    - {}\n", "", e.message));
                }
            }
            Err(Error::TimeLimit) => out.push_str(&format!("  {name:<width$}  the time limit passed before any plan was found\n")),
            Err(Error::Solver(message)) => out.push_str(&format!("  {name:<width$}  the solver failed: {message}\n")),
        }
    }
    out
}
