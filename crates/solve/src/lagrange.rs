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
/// positive at a lower row bound, negative at an upper one), proven
/// whatever the duals' errors; `None` where some column would need an
/// infinite bound, or the duals do not fit the program.
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
    // A dual that would price an infinite row bound prices nothing.
    let y: Vec<f64> = row_dual
        .iter()
        .zip(lp.row_lower.iter().zip(&lp.row_upper))
        .map(|(&y, (&lo, &up))| match y {
            y if y > 0.0 && finite(lo).is_some() => y,
            y if y < 0.0 && finite(up).is_some() => y,
            _ => 0.0,
        })
        .collect();
    let rows: f64 = y
        .iter()
        .zip(lp.row_lower.iter().zip(&lp.row_upper))
        .map(|(&y, (&lo, &up))| match y {
            y if y > 0.0 => y * lo,
            y if y < 0.0 => y * up,
            _ => 0.0,
        })
        .sum();
    let (lower, upper) = implied_bounds(lp);
    let mut total = lp.offset + rows;
    for j in 0..columns {
        let priced: f64 = (lp.start[j]..lp.start[j + 1]).map(|k| lp.value[k] * y.get(lp.index[k]).copied().unwrap_or(0.0)).sum();
        let d = lp.cost[j] - priced;
        let at = match d {
            d if d > 0.0 => lower[j],
            d if d < 0.0 => upper[j],
            _ => continue,
        };
        total += d * finite(at)?;
    }
    total.is_finite().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

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
        assert_eq!(lower_bound(&by_hand(), &[2.01, -1.01]), None);
        // Below the optimal duals every reduced cost is ≥ 0: x's is 0, y's
        // 0.01 at y's lower bound, which the rows imply is 0.5 (x + y ≥ 2
        // with x ≤ 1.5): 1.99·2 − 0.99·1.5 + 0.01·0.5, the optimum again.
        let bound = lower_bound(&by_hand(), &[1.99, -0.99]).expect("a bound");
        assert!(bound <= 2.5 && bound > 2.5 - 1e-8, "{bound}");
    }

    #[test]
    fn duals_of_the_wrong_sign_price_nothing() {
        // −1 on the ≥ row and +1 on the ≤ row would price infinite bounds:
        // both count 0, and the reduced costs are the costs, at x = 0 and
        // at the y = 0.5 the rows imply: 2·0.5.
        let bound = lower_bound(&by_hand(), &[-1.0, 1.0]).expect("a bound");
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
        let optimal = lower_bound(&lp, &[-1.0, 0.0]).expect("a bound");
        assert!((optimal - 6.0).abs() < 1e-7, "{optimal}");
        // No duals at all: every column at the bound its cost prices,
        // x = 4 and y = 1 (both implied): 10 − 5 = 5, below the optimum.
        let none = lower_bound(&lp, &[0.0, 0.0]).expect("a bound");
        assert!((none - 5.0).abs() < 1e-7 && none <= optimal, "{none}");
    }
}
