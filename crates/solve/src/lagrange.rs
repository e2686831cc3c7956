//! A proven lower bound on a linear program's optimum from any row duals.
//!
//! For `min c·x` subject to `L ≤ A·x ≤ U` and `l ≤ x ≤ u`, every `y` gives
//! the Lagrangian bound
//!
//! ```text
//! Σ_i (y_i > 0 ? y_i·L_i : y_i·U_i) + Σ_j (d_j > 0 ? d_j·l_j : d_j·u_j),   d = c − Aᵀy
//! ```
//!
//! which no feasible `x` can beat: it is the minimum of `c·x − yᵀ(A·x − s)`
//! over the box, with `s` the row activity taken anywhere in `[L, U]`. It
//! is the optimum where `y` is an optimal dual, and a little below it
//! where `y` is nearly one — as the duals of an interior point or
//! first-order method are: those methods stop within a tolerance, and
//! their own dual objective is a bound only up to it. Here the reduced
//! costs `d` are computed again from the matrix, never taken from the
//! solver, so the bound holds whatever the duals' errors.
//!
//! A term that would need an infinite bound is avoided where it can be: a
//! row dual whose sign would price an infinite row bound counts as 0, and
//! a column without a finite bound gets the bound every feasible point
//! keeps anyway, implied by a row whose other columns are bounded
//! ([`implied_bounds`]). In headroom's models every column is bounded
//! that way: a placement by its cluster's resources, an order by power,
//! space and deliveries. If a column is still unbounded where its reduced
//! cost prices that side, there is no finite bound from these duals.
//!
//! Before the bound is taken, the duals are raised by a coordinate ascent
//! ([`ascend`]): one row's dual at a time, to where the bound is highest
//! with the others held. Near-optimal duals leave many columns priced at
//! a loose implied bound by a reduced cost just below 0; moving their
//! row's dual by that much costs far less. Any duals give a bound, so the
//! ascent can only make it closer. On planted medium's relaxation
//! (optimum 229,556.58), PDLP's duals at a relative 1e-3 gave a bound
//! 1.15 % below it and 0.12 % after the ascent; at 1e-4, 0.053 % and
//! 0.0058 %. On planted large, at 1e-3, 1,412,999.7 → 1,422,801.5
//! (0.69 %), 1.4 s a sweep over its 22.9 M non-zeros.

/// HiGHS's `infinite_bound`: bounds of this size or more are infinite.
const INFINITE: f64 = 1e20;

/// Rounds of tightening by rows: each may bound columns that the next
/// uses to bound others (an order's count by its cluster's power, then a
/// placement by the machines that count allows).
const PASSES: usize = 3;

/// A linear program `min cost·x + offset` subject to `row_lower ≤ A·x ≤
/// row_upper` and `col_lower ≤ x ≤ col_upper`, with `A` by columns: the
/// entries of column `j` are `index[start[j]..start[j + 1]]` (rows) and
/// `value[..]`. Bounds of magnitude 1e20 or more are infinite.
pub struct Lp {
    pub offset: f64,
    pub cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    pub start: Vec<usize>,
    pub index: Vec<usize>,
    pub value: Vec<f64>,
}

fn finite(v: f64) -> Option<f64> {
    (v.abs() < INFINITE).then_some(v)
}

/// Activity bounds of a row: the finite part of its smallest (largest)
/// activity over the columns' bounds, and how many columns add an infinite
/// part to it.
#[derive(Clone, Copy, Default)]
struct Activity {
    low: f64,
    low_infinite: u32,
    high: f64,
    high_infinite: u32,
}

/// The smallest and largest of `a·x` over `x ∈ [l, u]`, `None` where
/// infinite.
fn term(a: f64, l: f64, u: f64) -> (Option<f64>, Option<f64>) {
    let (at_low, at_high) = if a > 0.0 { (l, u) } else { (u, l) };
    (finite(at_low).map(|x| a * x), finite(at_high).map(|x| a * x))
}

/// Bounds on every column that every feasible point keeps: the columns'
/// own, tightened row by row — in a row `Σ a_k·x_k ≤ U`, `a_j·x_j ≤ U −
/// Σ_{k≠j} min(a_k·x_k)` wherever the other columns' smallest terms are
/// finite (and likewise from `L` with the largest). Each new bound is
/// widened by a relative 1e-9 against rounding, so that it never cuts
/// off a feasible point.
pub fn implied_bounds(lp: &Lp) -> (Vec<f64>, Vec<f64>) {
    let (mut lower, mut upper) = (lp.col_lower.clone(), lp.col_upper.clone());
    let columns = lp.col_lower.len().min(lp.col_upper.len()).min(lp.start.len().saturating_sub(1));
    for _ in 0..PASSES {
        let mut rows = vec![Activity::default(); lp.row_lower.len()];
        for j in 0..columns {
            for k in lp.start[j]..lp.start[j + 1] {
                let Some((&i, &a)) = lp.index.get(k).zip(lp.value.get(k)) else { continue };
                let Some(row) = rows.get_mut(i) else { continue };
                let (low, high) = term(a, lower[j], upper[j]);
                match low {
                    Some(v) => row.low += v,
                    None => row.low_infinite += 1,
                }
                match high {
                    Some(v) => row.high += v,
                    None => row.high_infinite += 1,
                }
            }
        }
        let mut changed = false;
        for j in 0..columns {
            let (mut l, mut u) = (lower[j], upper[j]);
            for k in lp.start[j]..lp.start[j + 1] {
                let Some((&i, &a)) = lp.index.get(k).zip(lp.value.get(k)) else { continue };
                let Some((row, (&row_lower, &row_upper))) = rows.get(i).zip(lp.row_lower.get(i).zip(lp.row_upper.get(i))) else { continue };
                if a == 0.0 {
                    continue;
                }
                let (low, high) = term(a, lower[j], upper[j]);
                // The rest of the row: its activity bound without column j.
                let rest_low = match low {
                    Some(v) => (row.low_infinite == 0).then_some(row.low - v),
                    None => (row.low_infinite == 1).then_some(row.low),
                };
                let rest_high = match high {
                    Some(v) => (row.high_infinite == 0).then_some(row.high - v),
                    None => (row.high_infinite == 1).then_some(row.high),
                };
                // a·x_j ≤ U − rest_low and a·x_j ≥ L − rest_high.
                let most = finite(row_upper).zip(rest_low).map(|(up, rest)| up - rest);
                let least = finite(row_lower).zip(rest_high).map(|(lo, rest)| lo - rest);
                for (side, cap) in [(true, most), (false, least)] {
                    let Some(cap) = cap else { continue };
                    let bound = cap / a;
                    let slack = 1e-9 * bound.abs().max(1.0);
                    // Dividing by a negative coefficient turns the side.
                    if side == (a > 0.0) {
                        u = u.min(bound + slack);
                    } else {
                        l = l.max(bound - slack);
                    }
                }
            }
            if l > lower[j] || u < upper[j] {
                changed = true;
                lower[j] = l;
                upper[j] = u;
            }
        }
        if !changed {
            break;
        }
    }
    (lower, upper)
}

/// The Lagrangian bound of `row_dual` (HiGHS's signs for a minimisation:
/// positive at a lower row bound, negative at an upper one) once
/// [`ascend`] has raised them, proven whatever the duals' errors; `None`
/// where some column would need an infinite bound, or the duals do not
/// fit the program.
pub fn lower_bound(lp: &Lp, row_dual: &[f64]) -> Option<f64> {
    let columns = lp.cost.len();
    let fits = row_dual.len() == lp.row_lower.len()
        && lp.row_upper.len() == lp.row_lower.len()
        && lp.col_lower.len() == columns
        && lp.col_upper.len() == columns
        && lp.start.len() == columns + 1
        && lp.start.windows(2).all(|w| w[0] <= w[1])
        && lp.start.last().is_some_and(|&end| end == lp.index.len() && end == lp.value.len())
        && lp.index.iter().all(|&i| i < lp.row_lower.len());
    if !fits {
        return None;
    }
    let mut y = usable(lp, row_dual);
    let (lower, upper) = implied_bounds(lp);
    let mut d = reduced_costs(lp, &y);
    ascend(lp, &lower, &upper, &mut y, &mut d);
    lagrangian(lp, &y, &lower, &upper)
}

/// The duals with those that would price an infinite row bound at 0.
fn usable(lp: &Lp, row_dual: &[f64]) -> Vec<f64> {
    row_dual
        .iter()
        .zip(lp.row_lower.iter().zip(&lp.row_upper))
        .map(|(&y, (&lo, &up))| match y {
            y if y > 0.0 && finite(lo).is_some() => y,
            y if y < 0.0 && finite(up).is_some() => y,
            _ => 0.0,
        })
        .collect()
}

/// The Lagrangian bound of usable duals `y` as they are, with columns
/// bounded by `lower` and `upper`; its reduced costs computed from the
/// matrix, never carried over from [`ascend`].
fn lagrangian(lp: &Lp, y: &[f64], lower: &[f64], upper: &[f64]) -> Option<f64> {
    let d = reduced_costs(lp, y);
    let rows: f64 = y
        .iter()
        .zip(lp.row_lower.iter().zip(&lp.row_upper))
        .map(|(&y, (&lo, &up))| match y {
            y if y > 0.0 => y * finite(lo).unwrap_or(f64::NAN),
            y if y < 0.0 => y * finite(up).unwrap_or(f64::NAN),
            _ => 0.0,
        })
        .sum();
    let mut total = lp.offset + rows;
    for (j, &d) in d.iter().enumerate() {
        let at = match d {
            d if d > 0.0 => lower[j],
            d if d < 0.0 => upper[j],
            _ => continue,
        };
        total += d * finite(at)?;
    }
    total.is_finite().then_some(total)
}

/// `c − Aᵀy`, column by column.
fn reduced_costs(lp: &Lp, y: &[f64]) -> Vec<f64> {
    (0..lp.cost.len()).map(|j| lp.cost[j] - (lp.start[j]..lp.start[j + 1]).map(|k| lp.value[k] * y[lp.index[k]]).sum::<f64>()).collect()
}

/// Sweeps of [`ascend`] over every row: the first gains nearly all
/// (planted medium at 1e-3: 226,905.7 → 229,221.6, then 229,271.3 and
/// 229,273.3; twelve sweeps 229,273.5).
const SWEEPS: usize = 3;

/// Row `i`'s columns, `(j, a)`, in a by-rows copy of `A`.
struct Rows {
    start: Vec<usize>,
    column: Vec<u32>,
    value: Vec<f64>,
}

impl Rows {
    fn of(lp: &Lp) -> Option<Rows> {
        let rows = lp.row_lower.len();
        let columns = lp.cost.len();
        u32::try_from(columns).ok()?;
        let mut start = vec![0usize; rows + 1];
        for &i in &lp.index {
            start[i + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut column = vec![0u32; lp.index.len()];
        let mut value = vec![0.0; lp.index.len()];
        for j in 0..columns {
            for k in lp.start[j]..lp.start[j + 1] {
                let at = &mut next[lp.index[k]];
                column[*at] = j as u32;
                value[*at] = lp.value[k];
                *at += 1;
            }
        }
        Some(Rows { start, column, value })
    }
}

/// A kink of the bound as a function of one row's dual `t`: its slope is
/// `left` below `at` and `right` above (`left ≥ right`; `+∞` and `−∞`
/// where `t` cannot go that side of `at`).
#[derive(Clone, Copy)]
struct Kink {
    at: f64,
    left: f64,
    right: f64,
}

/// The dual of one row that maximises the bound with every other dual
/// held: the bound is concave and piecewise linear in it, with a kink
/// where each of the row's columns changes the bound its reduced cost
/// prices, and one at 0 where the row's own bound priced changes. `None`
/// where no finite maximum exists (the duals leave that row's side
/// unpriced) or it is not better than `now`.
fn best_dual(kinks: &mut [Kink], now: f64) -> Option<f64> {
    let lowest = kinks.iter().filter(|k| k.left == f64::INFINITY).map(|k| k.at).fold(f64::NEG_INFINITY, f64::max);
    let highest = kinks.iter().filter(|k| k.right == f64::NEG_INFINITY).map(|k| k.at).fold(f64::INFINITY, f64::min);
    if lowest > highest {
        return None;
    }
    if lowest == highest {
        return (lowest != now).then_some(lowest);
    }
    // The slope just above `lowest`.
    let mut slope: f64 = kinks.iter().map(|k| if k.at > lowest { k.left } else { k.right }).sum();
    if !slope.is_finite() {
        return None;
    }
    kinks.sort_unstable_by(|a, b| a.at.total_cmp(&b.at));
    let mut from = lowest;
    for k in kinks.iter().filter(|k| k.at > lowest && k.at < highest) {
        if slope <= 0.0 {
            break;
        }
        slope -= k.left - k.right;
        from = k.at;
    }
    let best = if slope > 0.0 { highest } else { from };
    (best.is_finite() && best != now).then_some(best)
}

/// Raises the Lagrangian bound of `y` (reduced costs `d`) by exact line
/// searches, one row's dual at a time with the others held, `SWEEPS` times
/// over every row. Each step raises the bound (up to rounding); any `y`
/// gives one, and [`lower_bound`] computes it again from the matrix.
/// Near-optimal duals from a first-order method leave many columns priced
/// at a bound their rows imply by a reduced cost just below 0; moving
/// the row's dual by that much costs the row's own bound times as much,
/// far less where the implied bound is loose.
fn ascend(lp: &Lp, lower: &[f64], upper: &[f64], y: &mut [f64], d: &mut [f64]) {
    let Some(rows) = Rows::of(lp) else { return };
    let mut kinks = Vec::new();
    for _ in 0..SWEEPS {
        for i in 0..y.len() {
            let span = rows.start[i]..rows.start[i + 1];
            kinks.clear();
            kinks.push(Kink {
                at: 0.0,
                left: finite(lp.row_upper[i]).unwrap_or(f64::INFINITY),
                right: finite(lp.row_lower[i]).unwrap_or(f64::NEG_INFINITY),
            });
            for k in span.clone() {
                let (j, a) = (rows.column[k] as usize, rows.value[k]);
                if a == 0.0 {
                    continue;
                }
                // d_j(t) = d_j − a·(t − y_i): priced at l_j where > 0.
                let at = y[i] + d[j] / a;
                let l = finite(lower[j]).unwrap_or(f64::NEG_INFINITY);
                let u = finite(upper[j]).unwrap_or(f64::INFINITY);
                // The term d_j(t)·(l_j or u_j) has slope −a·l_j where
                // d_j > 0: below `at` where a > 0, above it where a < 0.
                let (left, right) = if a > 0.0 { (-a * l, -a * u) } else { (-a * u, -a * l) };
                kinks.push(Kink { at, left, right });
            }
            let Some(best) = best_dual(&mut kinks, y[i]) else { continue };
            let step = best - y[i];
            y[i] = best;
            for k in span {
                d[rows.column[k] as usize] -= rows.value[k] * step;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    /// The bound of the duals as given, without [`ascend`].
    fn as_given(lp: &Lp, y: &[f64]) -> Option<f64> {
        let (lower, upper) = implied_bounds(lp);
        lagrangian(lp, &usable(lp, y), &lower, &upper)
    }

    /// min x + 2y s.t. x + y ≥ 2, x ≤ 1.5 (a row), x, y ≥ 0: optimum 2.5 at
    /// (1.5, 0.5), with row duals 2 and −1.
    fn by_hand() -> Lp {
        Lp {
            offset: 0.0,
            cost: vec![1.0, 2.0],
            col_lower: vec![0.0, 0.0],
            col_upper: vec![INF, INF],
            row_lower: vec![2.0, -INF],
            row_upper: vec![INF, 1.5],
            start: vec![0, 2, 3],
            index: vec![0, 1, 0],
            value: vec![1.0, 1.0, 1.0],
        }
    }

    #[test]
    fn the_optimal_duals_give_the_optimum() {
        let bound = lower_bound(&by_hand(), &[2.0, -1.0]).expect("a bound");
        assert!((bound - 2.5).abs() < 1e-12, "{bound}");
    }

    #[test]
    fn duals_near_the_optimum_give_a_bound_below_it() {
        // Reduced costs of x: 1 − 2.01 + 1.01 = 0; of y: 2 − 2.01 = −0.01,
        // which prices y at its upper bound: none of its own, but the row
        // x ≤ 1.5 does not bound y. No bound.
        assert_eq!(as_given(&by_hand(), &[2.01, -1.01]), None);
        // Below the optimal duals every reduced cost is ≥ 0: x's is 0, y's
        // 0.01 at y's lower bound, which the rows imply is 0.5 (x + y ≥ 2
        // with x ≤ 1.5): 1.99·2 − 0.99·1.5 + 0.01·0.5, the optimum again.
        let bound = as_given(&by_hand(), &[1.99, -0.99]).expect("a bound");
        assert!(bound <= 2.5 && bound > 2.5 - 1e-8, "{bound}");
    }

    #[test]
    fn duals_of_the_wrong_sign_price_nothing() {
        // −1 on the ≥ row and +1 on the ≤ row would price infinite bounds:
        // both count 0, and the reduced costs are the costs, at x = 0 and
        // at the y = 0.5 the rows imply: 2·0.5.
        let bound = as_given(&by_hand(), &[-1.0, 1.0]).expect("a bound");
        assert!(bound <= 1.0 && bound > 1.0 - 1e-8, "{bound}");
    }

    #[test]
    fn duals_or_a_matrix_that_do_not_fit_give_no_bound() {
        assert_eq!(lower_bound(&by_hand(), &[2.0]), None);
        let broken = Lp { start: vec![0, 2, 9], ..by_hand() };
        assert_eq!(lower_bound(&broken, &[2.0, -1.0]), None);
        let backwards = Lp { start: vec![0, 2, 1], ..by_hand() };
        assert_eq!(lower_bound(&backwards, &[2.0, -1.0]), None);
        let elsewhere = Lp { index: vec![0, 1, 2], ..by_hand() };
        assert_eq!(lower_bound(&elsewhere, &[2.0, -1.0]), None);
    }

    /// min −x − y s.t. x + 2y ≤ 4, y − z ≤ 0 (z ≤ 1), all ≥ 0: x and y have
    /// no bounds of their own, only those their rows imply.
    fn implied() -> Lp {
        Lp {
            offset: 10.0,
            cost: vec![-1.0, -1.0, 0.0],
            col_lower: vec![0.0, 0.0, 0.0],
            col_upper: vec![INF, INF, 1.0],
            row_lower: vec![-INF, -INF],
            row_upper: vec![4.0, 0.0],
            start: vec![0, 1, 3, 4],
            index: vec![0, 0, 1, 1],
            value: vec![1.0, 2.0, 1.0, -1.0],
        }
    }

    #[test]
    fn rows_bound_the_columns_they_hold() {
        let (lower, upper) = implied_bounds(&implied());
        assert_eq!(lower, vec![0.0, 0.0, 0.0]);
        // x ≤ 4 and y ≤ 2 from the first row; y ≤ z ≤ 1 from the second.
        assert!((upper[0] - 4.0).abs() < 1e-8 && (upper[1] - 1.0).abs() < 1e-8 && upper[2] == 1.0, "{upper:?}");
    }

    #[test]
    fn implied_bounds_make_any_duals_a_bound() {
        let lp = implied();
        // Optimum 10 − 4 = 6 at x = 4, y = 0 (y = 1 would cost x 2):
        // dual −1 on the first row prices x at 0 and y at 2 − 1 = 1 > 0.
        let optimal = as_given(&lp, &[-1.0, 0.0]).expect("a bound");
        assert!((optimal - 6.0).abs() < 1e-7, "{optimal}");
        // No duals at all: every column at the bound its cost prices,
        // x = 4 and y = 1 (both implied): 10 − 5 = 5, below the optimum.
        let none = as_given(&lp, &[0.0, 0.0]).expect("a bound");
        assert!((none - 5.0).abs() < 1e-7 && none <= optimal, "{none}");
    }
    #[test]
    fn the_ascent_raises_near_optimal_duals_to_the_optimum() {
        // Each of these duals, as given, prices some column at a loose or
        // missing bound (above); one row's dual moved at a time reaches
        // the optimum from each.
        for y in [[2.01, -1.01], [1.99, -0.99], [-1.0, 1.0], [0.0, 0.0]] {
            let bound = lower_bound(&by_hand(), &y).expect("a bound");
            assert!((bound - 2.5).abs() < 1e-8, "{y:?}: {bound}");
        }
        let bound = lower_bound(&implied(), &[0.0, 0.0]).expect("a bound");
        assert!((bound - 6.0).abs() < 1e-7, "{bound}");
    }

    #[test]
    fn the_ascent_never_lowers_a_bound_nor_passes_the_optimum() {
        // Duals on a grid, both signs, for both programs: the bound after
        // the ascent is at least the bound as given and at most the
        // optimum (2.5 and 6).
        for (lp, optimum) in [(by_hand(), 2.5), (implied(), 6.0)] {
            for a in -8..=8 {
                for b in -8..=8 {
                    let y = [f64::from(a) * 0.37, f64::from(b) * 0.29];
                    let after = lower_bound(&lp, &y).expect("a bound");
                    assert!(after <= optimum + 1e-9, "{y:?}: {after} above {optimum}");
                    if let Some(before) = as_given(&lp, &y) {
                        assert!(after >= before - 1e-9, "{y:?}: {after} below {before}");
                    }
                }
            }
        }
    }

    #[test]
    fn one_row_s_best_dual_is_at_the_kink_where_the_slope_turns() {
        // Slope 3 below 1, 1 between 1 and 2, −2 above 2: the best is 2.
        let mut kinks = vec![Kink { at: 1.0, left: 3.0, right: 1.0 }, Kink { at: 2.0, left: 0.0, right: -3.0 }];
        assert_eq!(best_dual(&mut kinks, 0.0), Some(2.0));
        // Already there: nothing to move.
        assert_eq!(best_dual(&mut kinks, 2.0), None);
        // A row's infinite bound keeps its dual on one side of 0.
        let mut walled = vec![Kink { at: 0.0, left: 1.0, right: f64::NEG_INFINITY }, Kink { at: 5.0, left: 2.0, right: 0.0 }];
        assert_eq!(best_dual(&mut walled, -1.0), Some(0.0));
        // Rising on both sides of every kink: no finite best.
        let mut open = vec![Kink { at: 1.0, left: 2.0, right: 1.0 }];
        assert_eq!(best_dual(&mut open, 0.0), None);
    }
}
