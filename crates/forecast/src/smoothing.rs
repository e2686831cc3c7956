//! Exponential smoothing, fitted properly: parameters minimise the sum of
//! squared one-step errors (golden-section search for one parameter,
//! Nelder–Mead for more), as ETS estimation does with additive errors.
//!
//! All take a non-seasonal (or seasonally adjusted) series, oldest first.

/// Simple exponential smoothing fitted to `y`: the smoothing weight α,
/// the final level, and the sum of squared one-step errors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ses {
    /// The smoothing weight α of the level.
    pub alpha: f64,
    /// The final level.
    pub level: f64,
    /// The sum of squared one-step errors.
    pub sse: f64,
}

fn ses_run(y: &[f64], alpha: f64) -> (f64, f64) {
    let mut level = y[0];
    let mut sse = 0.0;
    for &v in &y[1..] {
        let e = v - level;
        sse += e * e;
        level += alpha * e;
    }
    (level, sse)
}

/// Fits SES: α in [0.0001, 1] by a grid, then golden-section search around
/// the best grid point.
pub fn ses(y: &[f64]) -> Ses {
    let cost = |a: f64| ses_run(y, a).1;
    let alpha = minimise_1d(cost, 1e-4, 1.0);
    let (level, sse) = ses_run(y, alpha);
    Ses { alpha, level, sse }
}

/// Minimises `f` on [lo, hi]: the best of 20 grid points, then
/// golden-section search between its neighbours.
pub fn minimise_1d(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let steps = 20;
    let at = |i: usize| lo + (hi - lo) * i as f64 / steps as f64;
    let best = (0..=steps).min_by(|&a, &b| f(at(a)).total_cmp(&f(at(b)))).unwrap_or(0);
    let (mut a, mut b) = (at(best.saturating_sub(1)), at((best + 1).min(steps)));
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - ratio * (b - a), a + ratio * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..40 {
        if fc < fd {
            b = d;
            (d, fd) = (c, fc);
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            (c, fc) = (d, fd);
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    let x = (a + b) / 2.0;
    if f(x) <= f(at(best)) {
        x
    } else {
        at(best)
    }
}

/// Holt's linear trend, damped by φ (φ = 1: not damped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Holt {
    /// The smoothing weight α of the level.
    pub alpha: f64,
    /// The smoothing weight β of the trend.
    pub beta: f64,
    /// The damping φ of the trend.
    pub phi: f64,
    /// The final level.
    pub level: f64,
    /// The final trend.
    pub trend: f64,
    /// The sum of squared one-step errors.
    pub sse: f64,
}

/// Holt's method with given parameters: l₀ = y₀, b₀ the mean change over
/// the first (up to) four steps; then for each later point, with the
/// one-step forecast ŷ = l + φb and error e = y − ŷ:
/// l ← ŷ + αe, b ← φb + β(l_new − l − φb).
pub fn holt_with(y: &[f64], alpha: f64, beta: f64, phi: f64) -> Holt {
    let k = (y.len() - 1).min(4);
    let mut level = y[0];
    let mut trend = if k > 0 { (y[k] - y[0]) / k as f64 } else { 0.0 };
    let mut sse = 0.0;
    for &v in &y[1..] {
        let e = v - (level + phi * trend);
        sse += e * e;
        let previous = level;
        level = level + phi * trend + alpha * e;
        trend = phi * trend + beta * (level - previous - phi * trend);
    }
    Holt { alpha, beta, phi, level, trend, sse }
}

/// Fits Holt's method: α, β (at most α) and, if `damped`, φ in
/// [0.8, 0.98], by Nelder–Mead from a few starts.
pub fn holt(y: &[f64], damped: bool) -> Holt {
    // Parameters: α, β as a share of α, φ.
    let clamp = |x: &[f64]| -> (f64, f64, f64) {
        let alpha = x[0].clamp(1e-4, 0.9999);
        let beta = alpha * x[1].clamp(1e-4, 0.9999);
        let phi = if damped { x[2].clamp(0.8, 0.98) } else { 1.0 };
        (alpha, beta, phi)
    };
    let cost = |x: &[f64]| {
        let (a, b, p) = clamp(x);
        holt_with(y, a, b, p).sse
    };
    let dims = if damped { 3 } else { 2 };
    let starts: [[f64; 3]; 3] = [[0.5, 0.2, 0.95], [0.2, 0.1, 0.9], [0.9, 0.5, 0.98]];
    let best = starts
        .iter()
        .map(|s| nelder_mead(&cost, &s[..dims], 0.1, 200))
        .min_by(|a, b| cost(a).total_cmp(&cost(b)))
        .unwrap_or_else(|| starts[0][..dims].to_vec());
    let (a, b, p) = clamp(&best);
    holt_with(y, a, b, p)
}

impl Holt {
    /// The forecasts 1 to `h` periods ahead: the level plus the damped
    /// trend.
    pub fn forecast(&self, h: usize) -> Vec<f64> {
        let mut damping = 0.0;
        let mut factor = 1.0;
        (1..=h)
            .map(|_| {
                factor *= self.phi;
                damping += factor;
                self.level + damping * self.trend
            })
            .collect()
    }
}

/// Nelder–Mead simplex minimisation from `start` (initial step `step` in
/// each dimension), at most `iterations` steps. Deterministic.
pub fn nelder_mead(f: &impl Fn(&[f64]) -> f64, start: &[f64], step: f64, iterations: usize) -> Vec<f64> {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut x = start.to_vec();
            if i > 0 {
                x[i - 1] += step;
            }
            let v = f(&x);
            (x, v)
        })
        .collect();
    for _ in 0..iterations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        if (worst - best).abs() <= 1e-10 * (best.abs() + 1e-12) {
            break;
        }
        let centroid: Vec<f64> = (0..n).map(|j| simplex[..n].iter().map(|(x, _)| x[j]).sum::<f64>() / n as f64).collect();
        let towards = |t: f64| -> Vec<f64> { centroid.iter().zip(&simplex[n].0).map(|(c, w)| c + t * (w - c)).collect() };
        let reflected = towards(-1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = towards(-2.0);
            let fe = f(&expanded);
            simplex[n] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = towards(if fr < worst { -0.5 } else { 0.5 });
            let fc = f(&contracted);
            if fc < worst.min(fr) {
                simplex[n] = (contracted, fc);
            } else {
                let first = simplex[0].0.clone();
                for (x, v) in simplex.iter_mut().skip(1) {
                    for (xi, bi) in x.iter_mut().zip(&first) {
                        *xi = bi + 0.5 * (*xi - bi);
                    }
                    *v = f(x);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}

/// Holt–Winters: damped additive trend and multiplicative season of
/// period `m` (ETS(M,Ad,M)'s point forecasts), α, β, γ and φ fitted by
/// least squares. Starts from the classical decomposition's indices and
/// the first two seasons' levels. `None` for a series that is not
/// positive or shorter than two seasons.
pub fn holt_winters(y: &[f64], m: usize, h: usize) -> Option<Vec<f64>> {
    let indices = crate::methods::seasonal_indices(y, m)?;
    let season_mean = |k: usize| (k * m..(k + 1) * m).map(|t| y[t] / indices[t % m]).sum::<f64>() / m as f64;
    let trend0 = (season_mean(1) - season_mean(0)) / m as f64;
    let level0 = season_mean(0) - trend0 * (m as f64 + 1.0) / 2.0;
    let run = |alpha: f64, beta: f64, gamma: f64, phi: f64| {
        let (mut level, mut trend, mut season) = (level0, trend0, indices.clone());
        let mut sse = 0.0;
        for (t, &v) in y.iter().enumerate() {
            let s = season[t % m];
            let e = v - (level + phi * trend) * s;
            sse += e * e;
            let previous = level;
            level = alpha * v / s + (1.0 - alpha) * (level + phi * trend);
            trend = beta * (level - previous) + (1.0 - beta) * phi * trend;
            if level > 0.0 {
                season[t % m] = gamma * v / level + (1.0 - gamma) * s;
            }
        }
        (level, trend, season, sse)
    };
    let clamp = |x: &[f64]| {
        let alpha = x[0].clamp(1e-4, 0.9999);
        (alpha, alpha * x[1].clamp(1e-4, 0.9999), (1.0 - alpha) * x[2].clamp(1e-4, 0.9999), x[3].clamp(0.8, 0.98))
    };
    let cost = |x: &[f64]| {
        let (a, b, g, p) = clamp(x);
        let sse = run(a, b, g, p).3;
        if sse.is_finite() {
            sse
        } else {
            f64::MAX
        }
    };
    let best = [[0.3, 0.1, 0.1, 0.95], [0.1, 0.05, 0.3, 0.9], [0.7, 0.3, 0.2, 0.98]]
        .iter()
        .map(|s| nelder_mead(&cost, s, 0.1, 300))
        .min_by(|a, b| cost(a).total_cmp(&cost(b)))?;
    let (a, b, g, p) = clamp(&best);
    let (level, trend, season, _) = run(a, b, g, p);
    let n = y.len();
    let (mut damping, mut factor) = (0.0, 1.0);
    Some(
        (0..h)
            .map(|k| {
                factor *= p;
                damping += factor;
                (level + damping * trend) * season[(n + k) % m]
            })
            .collect(),
    )
}

/// The Theta method (Assimakopoulos and Nikolopoulos; as Hyndman and
/// Billah show, SES with drift of half the series' linear trend).
pub fn theta(y: &[f64], h: usize) -> Vec<f64> {
    let fit = ses(y);
    let (_, slope) = crate::methods::least_squares(y);
    let n = y.len() as i32;
    let a = fit.alpha;
    (1..=h).map(|k| fit.level + slope / 2.0 * ((k - 1) as f64 + 1.0 / a - (1.0 - a).powi(n) / a)).collect()
}

/// ETS with additive errors and no season, the trend chosen by AIC among
/// none (A,N,N), linear (A,A,N) and damped (A,Ad,N).
pub fn ets(y: &[f64], h: usize) -> (Vec<f64>, &'static str) {
    let n = (y.len() - 1).max(1) as f64;
    let aic = |sse: f64, k: f64| n * (sse.max(1e-300) / n).ln() + 2.0 * k;
    let simple = ses(y);
    let mut best = (aic(simple.sse, 2.0), vec![simple.level; h], "A,N,N");
    if y.len() >= 4 {
        for (damped, k, name) in [(false, 4.0, "A,A,N"), (true, 5.0, "A,Ad,N")] {
            let fit = holt(y, damped);
            let score = aic(fit.sse, k);
            if score < best.0 {
                best = (score, fit.forecast(h), name);
            }
        }
    }
    (best.1, best.2)
}

/// The airline model, ARIMA(0,1,1)(0,1,1)ₘ (Box and Jenkins' model of air
/// passengers, X-13's default): the series differenced once and once a
/// season back is w_t = e_t + θ·e_{t−1} + Θ·e_{t−m} + θΘ·e_{t−m−1}. θ and
/// Θ in (−1, 1) are fitted by conditional least squares (pre-sample errors
/// 0); the forecast sets future errors to 0 and undoes the differences.
/// `None` for fewer than two seasons and two points.
pub fn airline(y: &[f64], m: usize, h: usize) -> Option<Vec<f64>> {
    let n = y.len();
    if m < 2 || n < 2 * m + 2 {
        return None;
    }
    let w: Vec<f64> = (m + 1..n).map(|t| y[t] - y[t - 1] - y[t - m] + y[t - m - 1]).collect();
    // Errors of w under (θ, Θ); bounded so that the fit stays invertible.
    let errors = |theta: f64, seasonal: f64| {
        let mut e = vec![0.0; w.len()];
        for t in 0..w.len() {
            let back = |k: usize| if t >= k { e[t - k] } else { 0.0 };
            e[t] = w[t] - theta * back(1) - seasonal * back(m) - theta * seasonal * back(m + 1);
        }
        e
    };
    let bound = |x: f64| 0.98 * x.tanh();
    let cost = |x: &[f64]| {
        let sse: f64 = errors(bound(x[0]), bound(x[1])).iter().map(|e| e * e).sum();
        if sse.is_finite() {
            sse
        } else {
            f64::MAX
        }
    };
    let best = [[-0.4, -0.6], [0.2, -0.2], [-0.8, -0.9]]
        .iter()
        .map(|s| nelder_mead(&cost, s, 0.3, 200))
        .min_by(|a, b| cost(a).total_cmp(&cost(b)))?;
    let (theta, seasonal) = (bound(best[0]), bound(best[1]));
    let mut e = errors(theta, seasonal);
    let mut z = y.to_vec();
    for _ in 0..h {
        let t = e.len();
        let back = |k: usize| if t >= k { e[t - k] } else { 0.0 };
        let next_w = theta * back(1) + seasonal * back(m) + theta * seasonal * back(m + 1);
        let len = z.len();
        z.push(next_w + z[len - 1] + z[len - m] - z[len - m - 1]);
        e.push(0.0);
    }
    Some(z.split_off(n))
}

/// Croston's method with the Syntetos–Boylan correction, for intermittent
/// demand: smoothed non-zero sizes over smoothed intervals between them,
/// times 1 − α/2 (α = 0.1). `None` with fewer than two non-zero values.
pub fn croston(y: &[f64], h: usize) -> Option<Vec<f64>> {
    const ALPHA: f64 = 0.1;
    let demands: Vec<(usize, f64)> = y.iter().copied().enumerate().filter(|&(_, v)| v > 0.0).collect();
    if demands.len() < 2 {
        return None;
    }
    let mut size = demands[0].1;
    let mut interval = (demands[0].0 + 1) as f64;
    for w in demands.windows(2) {
        size += ALPHA * (w[1].1 - size);
        interval += ALPHA * ((w[1].0 - w[0].0) as f64 - interval);
    }
    Some(vec![(1.0 - ALPHA / 2.0) * size / interval; h])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_of_a_constant_series_is_that_constant() {
        let fit = ses(&[5.0; 12]);
        assert!((fit.level - 5.0).abs() < 1e-12 && fit.sse < 1e-20);
    }

    #[test]
    fn holt_continues_a_straight_line() {
        let y: Vec<f64> = (0..20).map(|t| 10.0 + 3.0 * t as f64).collect();
        let f = holt(&y, false).forecast(3);
        for (k, v) in f.iter().enumerate() {
            assert!((v - (10.0 + 3.0 * (20 + k) as f64)).abs() < 1e-6, "{f:?}");
        }
    }

    #[test]
    fn damped_holt_flattens_out() {
        let y: Vec<f64> = (0..20).map(|t| 10.0 + 3.0 * t as f64).collect();
        let f = holt(&y, true).forecast(40);
        let (early, late) = (f[1] - f[0], f[39] - f[38]);
        assert!(late < early && late > 0.0, "{f:?}");
    }

    #[test]
    fn theta_with_alpha_one_is_half_the_trend_from_the_last_value() {
        // A straight line: SES fits α = 1 (the level is the last value),
        // and theta adds half the slope per step.
        let y: Vec<f64> = (0..10).map(|t| 2.0 * t as f64).collect();
        let f = theta(&y, 2);
        assert!((f[0] - 19.0).abs() < 0.05 && (f[1] - 20.0).abs() < 0.05, "{f:?}");
    }

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let f = |x: &[f64]| (x[0] - 1.0).powi(2) + 10.0 * (x[1] + 2.0).powi(2);
        let x = nelder_mead(&f, &[0.0, 0.0], 0.5, 500);
        assert!((x[0] - 1.0).abs() < 1e-4 && (x[1] + 2.0).abs() < 1e-4, "{x:?}");
    }

    #[test]
    fn airline_continues_a_trend_and_its_season() {
        // A line plus a fixed season: differenced once and a season back it
        // is 0, so the fit forecasts the line and the season exactly.
        let season = [3.0, -1.0, 0.0, -2.0];
        let y: Vec<f64> = (0..24).map(|t| 100.0 + 2.0 * t as f64 + season[t % 4]).collect();
        let f = airline(&y, 4, 6).unwrap();
        for (k, v) in f.iter().enumerate() {
            let t = 24 + k;
            assert!((v - (100.0 + 2.0 * t as f64 + season[t % 4])).abs() < 1e-9, "{f:?}");
        }
        assert!(airline(&y[..9], 4, 1).is_none());
    }

    #[test]
    fn croston_forecasts_mean_demand_per_period() {
        // A demand of 4 every 4 periods: 1 per period, less the 5 % correction.
        let y: Vec<f64> = (0..40).map(|t| if t % 4 == 3 { 4.0 } else { 0.0 }).collect();
        let f = croston(&y, 2).unwrap();
        assert!((f[0] - 0.95).abs() < 1e-9, "{f:?}");
    }
}
