//! Seasonal ARIMA with its orders chosen from the data, as Hyndman and
//! Khandakar's automatic ARIMA (R's `auto.arima`, statsforecast's
//! `AutoARIMA`) chooses them:
//!
//! 1. **Differences.** One seasonal difference where the data has a
//!    season (the caller passes one only where it was detected); then
//!    first differences until the KPSS test (5 %) no longer rejects level
//!    stationarity, at most two differences in all.
//! 2. **Orders.** A stepwise search over p, q ≤ 3 and P, Q ≤ 1 (at most
//!    five terms), with a constant (a mean, or a drift after one
//!    difference) where the series is differenced at most once: start from
//!    four small models, move to the best neighbour (one order up or
//!    down, or the constant switched) while the corrected AIC falls.
//! 3. **Fit.** Conditional least squares: errors before the first fitted
//!    point are 0, and every model is scored on the same points so that
//!    their AICc compare. Autoregressive and moving-average polynomials
//!    are kept stationary and invertible by fitting their partial
//!    autocorrelations (each in (−0.98, 0.98)), as R's `arima` does; the
//!    mean is the differenced series' mean.
//!
//! The forecast sets future errors to 0 and undoes the differences.

use std::collections::BTreeMap;

use crate::smoothing::nelder_mead;

/// Largest non-seasonal autoregressive and moving-average orders searched.
const MAX_PQ: usize = 3;
/// Largest sum of the four orders (R's `max.order`).
const MAX_TERMS: usize = 5;
/// Largest number of differences in all.
const MAX_DIFFERENCES: usize = 2;
/// KPSS critical value for level stationarity at 5 % (Kwiatkowski et al.).
const KPSS_5_PERCENT: f64 = 0.463;
/// Each partial autocorrelation stays within this bound, away from a unit
/// root (the differences handle those).
const PACF_BOUND: f64 = 0.98;

/// A seasonal ARIMA model's orders: (p, d, q)(P, D, Q) with or without a
/// constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Order {
    /// Autoregressive order.
    pub p: usize,
    /// Differences.
    pub d: usize,
    /// Moving-average order.
    pub q: usize,
    /// Seasonal autoregressive order.
    pub sp: usize,
    /// Seasonal differences.
    pub sd: usize,
    /// Seasonal moving-average order.
    pub sq: usize,
    /// Whether the differenced series has a non-zero mean.
    pub constant: bool,
    /// Whether the model is of the series' logarithm.
    pub log: bool,
}

impl Order {
    fn terms(&self) -> usize {
        self.p + self.q + self.sp + self.sq
    }
}

/// A fitted model.
#[derive(Clone, Debug)]
struct Fit {
    aicc: f64,
    mean: f64,
    /// φ(B)Φ(Bᵐ) expanded: (lag, coefficient) of 1 − Σ a·Bˡᵃᵍ.
    ar: Vec<(usize, f64)>,
    /// θ(B)Θ(Bᵐ) expanded: (lag, coefficient) of 1 + Σ b·Bˡᵃᵍ.
    ma: Vec<(usize, f64)>,
}

/// Forecasts `h` values after `y` by the seasonal ARIMA model chosen for
/// it, with seasonal period `season` (none: a non-seasonal model). `None`
/// if the series is too short for any model.
pub fn auto_arima(y: &[f64], season: Option<usize>, h: usize) -> Option<(Vec<f64>, Order)> {
    if y.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let raw = search(y, season, h);
    if y.iter().any(|&v| v <= 0.0) {
        return raw.map(|c| (c.forecast, c.order));
    }
    // A positive series may be modelled on its logarithm (a season and
    // changes in proportion to the level). The likelihoods compare on the
    // original scale with the logarithm's Jacobian, Σ ln y over the points
    // scored; per point, since the two may difference differently.
    let logs: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let log = search(&logs, season, h).map(|c| {
        let jacobian: f64 = logs[logs.len() - c.scored..].iter().sum();
        Chosen {
            aicc: c.aicc + 2.0 * jacobian,
            forecast: c.forecast.into_iter().map(f64::exp).collect(),
            order: Order { log: true, ..c.order },
            ..c
        }
    });
    let per_point = |c: &Chosen| c.aicc / c.scored as f64;
    match (raw, log) {
        (Some(r), Some(l)) if per_point(&l) < per_point(&r) => Some((l.forecast, l.order)),
        (Some(r), _) => Some((r.forecast, r.order)),
        (None, l) => l.map(|c| (c.forecast, c.order)),
    }
}

/// The model chosen for a series: its forecast, its orders, its AICc and
/// how many of the series' last points that scores.
struct Chosen {
    forecast: Vec<f64>,
    order: Order,
    aicc: f64,
    scored: usize,
}

/// Hyndman and Khandakar's search on `y` as it is.
fn search(y: &[f64], season: Option<usize>, h: usize) -> Option<Chosen> {
    let m = season.filter(|&m| m >= 2 && y.len() >= 2 * m + 2);
    let sd = usize::from(m.is_some());
    let mut w = match m {
        Some(m) => difference(y, m),
        None => y.to_vec(),
    };
    let mut d = 0;
    while d + sd < MAX_DIFFERENCES && w.len() > 3 && !kpss_stationary(&w) {
        w = difference(&w, 1);
        d += 1;
    }
    let period = m.unwrap_or(1);
    // The largest orders the data supports: every model is scored on the
    // points after the largest autoregressive lag, and needs a few per
    // parameter.
    let mut max_sp = usize::from(m.is_some() && w.len() >= 3 * period + 8);
    let max_sq = usize::from(m.is_some() && w.len() >= 2 * period + 8);
    let mut max_pq = MAX_PQ;
    let start = |max_pq: usize, max_sp: usize| max_pq + period * max_sp;
    while max_sp > 0 && w.len() < start(max_pq, max_sp) + 3 * (max_pq + 3) {
        max_sp -= 1;
    }
    while max_pq > 0 && w.len() < start(max_pq, max_sp) + 3 * (max_pq + 3) {
        max_pq -= 1;
    }
    let first = start(max_pq, max_sp);
    if w.len() < first + 3 {
        return None;
    }
    let allow_constant = d + sd < 2;
    let fits = |o: &Order| o.p <= max_pq && o.q <= max_pq && o.sp <= max_sp && o.sq <= max_sq && o.terms() <= MAX_TERMS;
    let mut tried: BTreeMap<Order, Option<Fit>> = BTreeMap::new();
    let score = |o: Order, tried: &mut BTreeMap<Order, Option<Fit>>| -> f64 {
        if !fits(&o) || (o.constant && !allow_constant) {
            return f64::INFINITY;
        }
        tried.entry(o).or_insert_with(|| fit(&w, &o, period, first)).as_ref().map_or(f64::INFINITY, |f| f.aicc)
    };
    let order = |p, q, sp, sq, constant| Order { p, d, q, sp, sd, sq, constant, log: false };
    let seasonal = usize::from(m.is_some());
    let starts = [
        order(2, 2, seasonal, seasonal, allow_constant),
        order(0, 0, 0, 0, allow_constant),
        order(1, 0, seasonal, 0, allow_constant),
        order(0, 1, 0, seasonal, allow_constant),
        order(0, 0, 0, 0, false),
    ];
    let mut best = starts[0];
    let mut best_score = f64::INFINITY;
    for o in starts {
        let s = score(o, &mut tried);
        if s < best_score {
            (best, best_score) = (o, s);
        }
    }
    // Move to the best neighbour while it improves (a bounded number of
    // fits: R's stepwise search stops at 94 models).
    while tried.len() < 94 {
        let b = best;
        let up = |x: usize| x + 1;
        let down = |x: usize| x.checked_sub(1);
        let mut neighbours: Vec<Order> = Vec::new();
        let mut push = |p: Option<usize>, q: Option<usize>, sp: Option<usize>, sq: Option<usize>| {
            if let (Some(p), Some(q), Some(sp), Some(sq)) = (p, q, sp, sq) {
                neighbours.push(Order { p, q, sp, sq, ..b });
            }
        };
        let (p, q, sp, sq) = (Some(b.p), Some(b.q), Some(b.sp), Some(b.sq));
        push(down(b.p), q, sp, sq);
        push(Some(up(b.p)), q, sp, sq);
        push(p, down(b.q), sp, sq);
        push(p, Some(up(b.q)), sp, sq);
        push(down(b.p), down(b.q), sp, sq);
        push(Some(up(b.p)), Some(up(b.q)), sp, sq);
        push(down(b.p), Some(up(b.q)), sp, sq);
        push(Some(up(b.p)), down(b.q), sp, sq);
        push(p, q, down(b.sp), sq);
        push(p, q, Some(up(b.sp)), sq);
        push(p, q, sp, down(b.sq));
        push(p, q, sp, Some(up(b.sq)));
        push(p, q, down(b.sp), down(b.sq));
        push(p, q, Some(up(b.sp)), Some(up(b.sq)));
        neighbours.push(Order { constant: !b.constant, ..b });
        let mut moved = false;
        for o in neighbours {
            let s = score(o, &mut tried);
            if s < best_score {
                (best, best_score, moved) = (o, s, true);
            }
        }
        if !moved {
            break;
        }
    }
    let model = tried.get(&best)?.as_ref()?;
    let future = model.extend(&w, h);
    Some(Chosen { forecast: undifference(y, &future, d, m), order: best, aicc: model.aicc, scored: w.len() - first })
}

/// `y` differenced at `lag`: y[t] − y[t − lag].
fn difference(y: &[f64], lag: usize) -> Vec<f64> {
    (lag..y.len()).map(|t| y[t] - y[t - lag]).collect()
}

/// Continues `y` with `future` values of its differenced series (`d`
/// first differences after a seasonal one at `season`, if any).
fn undifference(y: &[f64], future: &[f64], d: usize, season: Option<usize>) -> Vec<f64> {
    // (1 − B)ᵈ(1 − Bᵐ)ᴰ as coefficients c of Bⁱ, c₀ = 1: the differenced
    // series is Σ cᵢ y[t − i], so y[t] = w[t] − Σ_{i≥1} cᵢ y[t − i].
    let mut c = vec![1.0];
    let mut multiply = |lag: usize| {
        let mut next = vec![0.0; c.len() + lag];
        for (i, &v) in c.iter().enumerate() {
            next[i] += v;
            next[i + lag] -= v;
        }
        c = next;
    };
    if let Some(m) = season {
        multiply(m);
    }
    for _ in 0..d {
        multiply(1);
    }
    let mut z = y.to_vec();
    for &w in future {
        let t = z.len();
        let v = w - c.iter().enumerate().skip(1).map(|(i, ci)| ci * z[t - i]).sum::<f64>();
        z.push(v);
    }
    z.split_off(y.len())
}

/// Whether the KPSS test does not reject level stationarity of `x` at
/// 5 % (Newey–West variance with ⌊4 (n/100)^¼⌋ lags, as R's `ndiffs`).
pub(crate) fn kpss_stationary(x: &[f64]) -> bool {
    let n = x.len();
    let mean = x.iter().sum::<f64>() / n as f64;
    let e: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let gamma = |k: usize| (k..n).map(|t| e[t] * e[t - k]).sum::<f64>() / n as f64;
    let lags = (4.0 * (n as f64 / 100.0).powf(0.25)).floor() as usize;
    let variance = gamma(0) + 2.0 * (1..=lags.min(n - 1)).map(|k| (1.0 - k as f64 / (lags + 1) as f64) * gamma(k)).sum::<f64>();
    if variance <= 1e-12 * (1.0 + mean * mean) {
        return true;
    }
    let mut partial = 0.0;
    let eta: f64 = e
        .iter()
        .map(|v| {
            partial += v;
            partial * partial
        })
        .sum::<f64>()
        / (n as f64 * n as f64);
    eta / variance < KPSS_5_PERCENT
}

/// Coefficients of a stationary polynomial 1 − Σ φ·Bⁱ from unconstrained
/// values: each a partial autocorrelation within ±`PACF_BOUND`, turned
/// into coefficients by the Durbin–Levinson recursion (R's `partrans`).
fn stationary(raw: &[f64]) -> Vec<f64> {
    let mut phi: Vec<f64> = raw.iter().map(|x| PACF_BOUND * x.tanh()).collect();
    let mut work = phi.clone();
    for j in 1..phi.len() {
        let a = phi[j];
        for k in 0..j {
            work[k] -= a * phi[j - k - 1];
        }
        phi[..j].copy_from_slice(&work[..j]);
    }
    phi
}

/// (lag, coefficient) of the product of a non-seasonal polynomial with
/// coefficients `a` and a seasonal one `s` at period `m`, both as
/// 1 + sign·Σ c·Bⁱ, expressed the same way.
fn expand(a: &[f64], s: &[f64], m: usize, sign: f64) -> Vec<(usize, f64)> {
    let mut out: BTreeMap<usize, f64> = BTreeMap::new();
    for (i, &ai) in a.iter().enumerate() {
        *out.entry(i + 1).or_default() += ai;
    }
    for (j, &sj) in s.iter().enumerate() {
        *out.entry(m * (j + 1)).or_default() += sj;
        for (i, &ai) in a.iter().enumerate() {
            // (1 + σa)(1 + σs) = 1 + σa + σs + a·s: the cross term over σ.
            *out.entry(m * (j + 1) + i + 1).or_default() += sign * ai * sj;
        }
    }
    out.into_iter().filter(|&(_, c)| c != 0.0).collect()
}

impl Fit {
    /// One-step errors of `z` (the series less its mean), 0 before the
    /// first point with all its autoregressive lags.
    fn errors(ar: &[(usize, f64)], ma: &[(usize, f64)], z: &[f64]) -> Vec<f64> {
        let from = ar.last().map_or(0, |&(lag, _)| lag);
        let mut e = vec![0.0; z.len()];
        for t in from..z.len() {
            let mut v = z[t];
            for &(lag, a) in ar {
                v -= a * z[t - lag];
            }
            for &(lag, b) in ma {
                if lag <= t {
                    v -= b * e[t - lag];
                }
            }
            e[t] = v;
        }
        e
    }

    /// The next `h` values of the differenced series `w`.
    fn extend(&self, w: &[f64], h: usize) -> Vec<f64> {
        let mut z: Vec<f64> = w.iter().map(|v| v - self.mean).collect();
        let mut e = Self::errors(&self.ar, &self.ma, &z);
        for _ in 0..h {
            let t = z.len();
            let ar: f64 = self.ar.iter().filter(|(lag, _)| *lag <= t).map(|&(lag, a)| a * z[t - lag]).sum();
            let ma: f64 = self.ma.iter().filter(|(lag, _)| *lag <= t).map(|&(lag, b)| b * e[t - lag]).sum();
            z.push(ar + ma);
            e.push(0.0);
        }
        z.split_off(w.len()).into_iter().map(|v| v + self.mean).collect()
    }
}

/// Fits `order` to the differenced series `w` by conditional least
/// squares, scored on the points from `first` on. `None` if too few
/// points remain for its parameters.
fn fit(w: &[f64], order: &Order, m: usize, first: usize) -> Option<Fit> {
    let n = (w.len() - first) as f64;
    let k = order.terms() + usize::from(order.constant) + 1;
    if n <= k as f64 + 1.0 {
        return None;
    }
    let mean = if order.constant { w.iter().sum::<f64>() / w.len() as f64 } else { 0.0 };
    let z: Vec<f64> = w.iter().map(|v| v - mean).collect();
    let split = |x: &[f64]| {
        let (p, rest) = x.split_at(order.p);
        let (q, rest) = rest.split_at(order.q);
        let (sp, sq) = rest.split_at(order.sp);
        let ar = expand(&stationary(p), &stationary(sp), m, -1.0);
        // Invertible 1 + Σθ·Bⁱ: minus a stationary polynomial's φ.
        let negated = |v: Vec<f64>| v.into_iter().map(|c| -c).collect::<Vec<f64>>();
        let ma = expand(&negated(stationary(q)), &negated(stationary(sq)), m, 1.0);
        (ar, ma)
    };
    let sse = |x: &[f64]| {
        let (ar, ma) = split(x);
        let s: f64 = Fit::errors(&ar, &ma, &z)[first..].iter().map(|e| e * e).sum();
        if s.is_finite() {
            s
        } else {
            f64::MAX
        }
    };
    let dims = order.terms();
    let x = if dims == 0 {
        Vec::new()
    } else {
        let x = nelder_mead(&sse, &vec![0.0; dims], 0.3, 150 * dims);
        // A restart from the first answer: Nelder–Mead can stall.
        nelder_mead(&sse, &x, 0.1, 100 * dims)
    };
    let s = sse(&x).max(1e-300 * n);
    let kf = k as f64;
    let aicc = n * (s / n).ln() + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (n - kf - 1.0);
    let (ar, ma) = split(&x);
    Some(Fit { aicc, mean, ar, ma })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of standard normal values (a linear
    /// congruential generator and Box–Muller).
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        let mut uniform = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..n).map(|_| (-2.0 * uniform().ln()).sqrt() * (2.0 * std::f64::consts::PI * uniform()).cos()).collect()
    }

    #[test]
    fn partial_autocorrelations_make_stationary_coefficients() {
        // One coefficient is its partial autocorrelation.
        let phi = stationary(&[0.5]);
        assert!((phi[0] - PACF_BOUND * 0.5f64.tanh()).abs() < 1e-12);
        // Two: φ₁ = r₁(1 − r₂), φ₂ = r₂.
        let (r1, r2) = (PACF_BOUND * 0.3f64.tanh(), PACF_BOUND * (-0.7f64).tanh());
        let phi = stationary(&[0.3, -0.7]);
        assert!((phi[0] - r1 * (1.0 - r2)).abs() < 1e-12 && (phi[1] - r2).abs() < 1e-12, "{phi:?}");
    }

    #[test]
    fn seasonal_polynomials_multiply() {
        // (1 − 0.5B)(1 − 0.4B⁴) = 1 − 0.5B − 0.4B⁴ + 0.2B⁵: as 1 − Σ a·Bⁱ,
        // a = 0.5, 0.4 and −0.2.
        let ar = expand(&[0.5], &[0.4], 4, -1.0);
        assert_eq!(ar.len(), 3);
        assert!(ar[0] == (1, 0.5) && ar[1] == (4, 0.4) && (ar[2].0 == 5 && (ar[2].1 + 0.2).abs() < 1e-12), "{ar:?}");
        // (1 + 0.5B)(1 + 0.4B⁴) = 1 + 0.5B + 0.4B⁴ + 0.2B⁵.
        let ma = expand(&[0.5], &[0.4], 4, 1.0);
        assert!(ma[2].0 == 5 && (ma[2].1 - 0.2).abs() < 1e-12, "{ma:?}");
    }

    #[test]
    fn kpss_tells_a_random_walk_from_white_noise() {
        let e = noise(200, 7);
        assert!(kpss_stationary(&e));
        let walk: Vec<f64> = e
            .iter()
            .scan(0.0, |s, v| {
                *s += v;
                Some(*s)
            })
            .collect();
        assert!(!kpss_stationary(&walk));
    }

    #[test]
    fn an_autoregression_is_found_and_continued() {
        // y[t] = 10 + 0.7 (y[t−1] − 10) + e[t]: stationary, order (1, 0, 0)
        // with a mean; its forecast decays to the mean.
        let e = noise(300, 3);
        let mut y = vec![10.0];
        for t in 1..300 {
            y.push(10.0 + 0.7 * (y[t - 1] - 10.0) + 0.5 * e[t]);
        }
        let (f, order) = auto_arima(&y, None, 40).unwrap();
        assert_eq!((order.d, order.constant), (0, true), "{order:?}");
        assert!(order.p >= 1, "{order:?}");
        let last = y[299] - 10.0;
        assert!((f[0] - 10.0 - 0.7 * last).abs() < 0.2 * last.abs() + 0.15, "{} after {}", f[0], y[299]);
        assert!((f[39] - 10.0).abs() < 0.3, "{}", f[39]);
    }

    #[test]
    fn a_line_plus_a_season_is_continued_exactly() {
        let season = [3.0, -1.0, 4.0, -6.0];
        let y: Vec<f64> = (0..40).map(|t| 100.0 + 2.0 * t as f64 + season[t % 4]).collect();
        let (f, order) = auto_arima(&y, Some(4), 8).unwrap();
        assert_eq!(order.sd, 1);
        for (k, v) in f.iter().enumerate() {
            let t = 40 + k;
            assert!((v - (100.0 + 2.0 * t as f64 + season[t % 4])).abs() < 1e-6, "{k}: {v}");
        }
    }

    #[test]
    fn compounding_growth_with_a_season_is_modelled_on_its_logarithm() {
        // 3 % a quarter times a season: a line plus a season on the
        // logarithm, which fits it exactly; the raw series does not.
        let season = [1.2, 0.9, 0.8, 1.1];
        let y: Vec<f64> = (0..40).map(|t| 50.0 * 1.03f64.powi(t as i32) * season[t % 4]).collect();
        let (f, order) = auto_arima(&y, Some(4), 8).unwrap();
        assert!(order.log && order.sd == 1, "{order:?}");
        for (k, v) in f.iter().enumerate() {
            let t = 40 + k;
            let truth = 50.0 * 1.03f64.powi(t as i32) * season[t % 4];
            assert!((v / truth - 1.0).abs() < 1e-6, "{k}: {v} vs {truth}");
        }
        // A series with a 0 has no logarithm.
        let mut with_zero = y.clone();
        with_zero[3] = 0.0;
        assert!(!auto_arima(&with_zero, Some(4), 8).unwrap().1.log);
    }

    #[test]
    fn too_short_a_series_has_no_model() {
        assert!(auto_arima(&[1.0, 2.0], None, 3).is_none());
        assert!(auto_arima(&[1.0, 2.0, f64::NAN, 4.0, 5.0, 6.0, 7.0, 8.0], None, 3).is_none());
    }
}
