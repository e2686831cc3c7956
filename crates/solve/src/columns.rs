//! Column generation for linear programs (HiGHS only, `--lp columns`).
//!
//! Most of a model's columns are capacity variables z[o,c,t] — one per
//! demand origin, eligible cluster and period. The LP is solved over a few
//! of them first (each origin's clusters in its own region), and the rest
//! are priced with the duals: a column whose reduced cost c_j − Σ_i a_ij y_i
//! is negative could lower the cost, and is added. When none is, the
//! restricted optimum is the full LP's optimum — exactly, since every
//! column's reduced cost is non-negative. HiGHS keeps its basis when
//! columns are added, so each round starts where the last one stopped.
//!
//! Until enough columns are in, the restricted model may be unable to
//! cover demand: each cover row gets an artificial column that covers it
//! at a high cost. If an artificial is still used when no column prices
//! out, the full model is solved the usual way instead (it then says
//! whether the intents can be met at all); otherwise the artificials are
//! zero and the optimum is the model's own.
//!
//! Measured (bench/scale, release): it pays only where the optimum leaves
//! most columns at zero. On the easy medium organisation (nothing to
//! order) 2 rounds used 115,320 of 349,200 capacity columns: 7.4 s against
//! 9.4 s for one simplex solve. Where demand needs orders, N+k spreads
//! capacity over every eligible cluster (fewer spare machines), nearly
//! every column enters (8,888 of 9,120 on the planted small one, 4.6×
//! slower) and the planted medium one did not finish in 15 minutes either
//! way. So it is not chosen automatically.

use std::collections::HashMap;
use std::time::Instant;

use good_lp::{IntoAffineExpression, Variable};
use highs::{ColProblem, HighsModelStatus, Row, Sense};

use crate::backend::{Failure, Prepared, Settings, Solved};
use crate::model::Model;
use crate::stats::SolveRecord;

/// Whether `method` asks for column generation.
pub fn wanted(method: crate::backend::LpMethod) -> bool {
    method == crate::backend::LpMethod::Columns
}

/// A column prices out below this reduced cost (the model is scaled so
/// that costs are near 1; HiGHS's dual feasibility tolerance is 1e-7).
const PRICE_TOLERANCE: f64 = -1e-6;

/// Rounds before giving up on pricing and solving the whole model.
const MAX_ROUNDS: usize = 60;

/// What column generation did, for the record.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub rounds: usize,
    /// Capacity columns in the final restricted model, of all of them.
    pub active: usize,
    pub candidates: usize,
}

/// The model as arrays: columns with bounds and costs, rows as `Σ a·x ≤
/// rhs` (or `=`), and each column's entries.
struct Flat {
    lower: Vec<f64>,
    upper: Vec<f64>,
    cost: Vec<f64>,
    rows: Vec<(f64, f64)>,
    by_column: Vec<Vec<(u32, f64)>>,
}

fn flatten(p: &Prepared, all: &[Variable]) -> Flat {
    let index: HashMap<Variable, usize> = p.vars.iter_variables_with_def().enumerate().map(|(i, (v, _))| (v, i)).collect();
    debug_assert!(all.iter().enumerate().all(|(i, v)| index.get(v) == Some(&i)));
    let n = index.len();
    let (mut lower, mut upper) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (_, def) in p.vars.iter_variables_with_def() {
        lower.push(def.get_min());
        upper.push(def.get_max());
    }
    let mut cost = vec![0.0; n];
    for (v, a) in (&p.objective).linear_coefficients() {
        if let Some(&j) = index.get(&v) {
            cost[j] += a;
        }
    }
    let mut by_column: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    let mut rows = Vec::with_capacity(p.constraints.len());
    for (i, c) in p.constraints.iter().enumerate() {
        let e = c.expression();
        for (v, a) in e.linear_coefficients() {
            if a != 0.0 {
                if let Some(&j) = index.get(&v) {
                    by_column[j].push((i as u32, a));
                }
            }
        }
        let rhs = -e.constant();
        rows.push(if c.is_equality() { (rhs, rhs) } else { (f64::NEG_INFINITY, rhs) });
    }
    Flat { lower, upper, cost, rows, by_column }
}

fn option<V: highs::HighsOptionValue>(model: &mut highs::Model, name: &str, value: V) -> Result<(), Failure> {
    model.try_set_option(name, value).map_err(|e| Failure::Other(format!("HiGHS refused option {name}: {e:?}")))
}

/// Solves the LP relaxation of `model` by column generation. Returns
/// `None` when the whole model must be solved instead (an artificial
/// column still in use, or pricing did not settle).
pub fn solve(
    prepared: &Prepared,
    model: &Model,
    settings: &Settings,
    start: Instant,
    record: &mut SolveRecord,
) -> Result<Option<(Solved, Generated)>, Failure> {
    let flat = flatten(prepared, &model.all);
    let n = flat.cost.len();
    // Candidates: capacity columns outside each origin's own region.
    let column: HashMap<Variable, usize> = model.all.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut active = vec![true; n];
    let mut candidate = vec![false; n];
    for (o, def) in model.origins.iter().enumerate() {
        let home: Vec<bool> =
            def.clusters.iter().map(|&c| def.regions.iter().any(|g| g.is_none_or(|r| model.org.cluster(c).region == r))).collect();
        // An origin with no cluster in its region starts with all.
        let any_home = home.iter().any(|&h| h);
        for (i, per_period) in model.z_of(o).enumerate() {
            for var in per_period {
                if let Some(&j) = column.get(var) {
                    candidate[j] = true;
                    active[j] = home[i] || !any_home;
                }
            }
        }
    }
    let cover = model.cover.clone();

    // The restricted model: every row, the active columns, an artificial
    // per cover row (strict mode; best effort has its unmet columns).
    // HiGHS's column k is the model's column cols[k], or an artificial.
    let mut problem = ColProblem::default();
    let rows: Vec<Row> = flat.rows.iter().map(|&(lo, hi)| problem.add_row(lo..=hi)).collect();
    let entries = |j: usize| -> Vec<(Row, f64)> { flat.by_column[j].iter().map(|&(i, a)| (rows[i as usize], a)).collect() };
    let mut cols: Vec<Option<usize>> = Vec::new();
    for j in (0..n).filter(|&j| active[j]) {
        problem.add_column(flat.cost[j], flat.lower[j]..=flat.upper[j], entries(j));
        cols.push(Some(j));
    }
    if !model.build.best_effort {
        let cost = artificial_cost(&flat);
        for &i in &cover {
            problem.add_column(cost, 0.0..=f64::INFINITY, [(rows[i], -1.0)]);
            cols.push(None);
        }
    }
    let mut highs = problem.try_optimise(Sense::Minimise).map_err(|e| Failure::Other(format!("HiGHS could not load the model: {e:?}")))?;
    highs.make_quiet();
    option(&mut highs, "threads", 1i32)?;
    option(&mut highs, "parallel", "off")?;
    option(&mut highs, "presolve", "off")?;
    option(&mut highs, "simplex_scale_strategy", 0i32)?;
    option(&mut highs, "simplex_dual_edge_weight_strategy", 1i32)?;
    if let Some(limit) = settings.time_limit_seconds {
        option(&mut highs, "time_limit", limit)?;
    }
    let solving = record.handoff(start);

    let mut rounds = 0;
    loop {
        rounds += 1;
        let solved = highs.try_solve().map_err(|e| Failure::Other(format!("HiGHS error while solving: {e:?}")))?;
        match solved.status() {
            HighsModelStatus::Optimal => {}
            // Only without artificials can the restricted model be
            // infeasible; the whole model decides then.
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => return Ok(None),
            // The limit was set once, before the first round: HiGHS holds
            // it against every round's time added up, the whole budget.
            HighsModelStatus::ReachedTimeLimit => return Err(Failure::TimeLimit),
            other => return Err(Failure::Other(format!("HiGHS ended with status {other:?} while generating columns"))),
        }
        let solution = solved.get_solution();
        let (values, duals) = (solution.columns(), solution.dual_rows());
        // Price every column not in the model.
        let mut priced: Vec<(f64, usize)> = (0..n)
            .filter(|&j| !active[j])
            .filter_map(|j| {
                let d = flat.cost[j] - flat.by_column[j].iter().map(|&(i, a)| a * duals[i as usize]).sum::<f64>();
                (d < PRICE_TOLERANCE).then_some((d, j))
            })
            .collect();
        if priced.is_empty() {
            if cols.iter().zip(values).any(|(c, &v)| c.is_none() && v > 1e-7) {
                return Ok(None);
            }
            let reading = record.solved(solving);
            let mut out: HashMap<Variable, f64> = model.all.iter().map(|&v| (v, 0.0)).collect();
            for (c, &v) in cols.iter().zip(values) {
                if let Some(&var) = c.and_then(|j| model.all.get(j)) {
                    out.insert(var, v);
                }
            }
            let duals = settings.duals.then(|| duals.to_vec());
            record.read(reading);
            let generated = Generated {
                rounds,
                active: (0..n).filter(|&j| candidate[j] && active[j]).count(),
                candidates: candidate.iter().filter(|&&c| c).count(),
            };
            return Ok(Some((
                Solved {
                    values: out,
                    optimal: true,
                    mip_gap: 0.0,
                    bound: None,
                    duals,
                    method: String::new(),
                    vertex: true,
                    basis: None,
                    pdlp_tolerance: None,
                },
                generated,
            )));
        }
        if rounds >= MAX_ROUNDS {
            return Ok(None);
        }
        // Deterministic: columns in index order.
        priced.sort_by_key(|&(_, j)| j);
        let mut next: highs::Model = solved.into();
        for &(_, j) in &priced {
            active[j] = true;
            next.try_add_column(flat.cost[j], flat.lower[j]..=flat.upper[j], entries(j))
                .map_err(|e| Failure::Other(format!("HiGHS refused a column: {e:?}")))?;
            cols.push(Some(j));
        }
        highs = next;
    }
}

/// What an artificial column costs: far more than any real way to cover
/// the row (the dearest column's cost times a large factor).
fn artificial_cost(flat: &Flat) -> f64 {
    let dearest = flat.cost.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    1e3 * dearest.max(1.0)
}
