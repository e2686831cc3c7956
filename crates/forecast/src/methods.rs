//! The forecasting methods, on one series of evenly spaced values.
//!
//! Each takes the history `y` (oldest first) and returns the next `h`
//! values. None of them invents data: each needs a minimum number of
//! points ([`Method::min_points`]) and says so otherwise.

use serde::Serialize;

/// A forecasting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The last value, flat: the fallback for series too short for a trend.
    Naive,
    /// Least-squares straight line through time.
    Linear,
    /// Least-squares line through the logarithm: constant growth rate.
    LogLinear,
    /// Holt's linear exponential smoothing with a damped trend.
    Holt,
}

impl Method {
    /// The trend methods `auto` chooses among, simplest first (ties go to
    /// the simpler).
    pub const TRENDS: [Method; 3] = [Method::Linear, Method::LogLinear, Method::Holt];

    pub fn name(self) -> &'static str {
        match self {
            Method::Naive => "naive",
            Method::Linear => "linear",
            Method::LogLinear => "log-linear",
            Method::Holt => "holt",
        }
    }

    /// Fewest points the method fits with at least one degree of freedom.
    pub fn min_points(self) -> usize {
        match self {
            Method::Naive => 1,
            Method::Linear | Method::LogLinear => 3,
            Method::Holt => 4,
        }
    }

    /// The next `h` values after `y`, or why the method cannot fit it.
    pub fn forecast(self, y: &[f64], h: usize) -> Result<Vec<f64>, String> {
        if y.len() < self.min_points() {
            return Err(format!("{} needs at least {} points, the series has {}", self.name(), self.min_points(), y.len()));
        }
        let out = match self {
            Method::Naive => vec![y[y.len() - 1]; h],
            Method::Linear => {
                let (a, b) = least_squares(y);
                (0..h).map(|k| a + b * (y.len() + k) as f64).collect()
            }
            Method::LogLinear => {
                if let Some(x) = y.iter().find(|&&x| x <= 0.0) {
                    return Err(format!("log-linear needs positive values, the series has {x}"));
                }
                let logs: Vec<f64> = y.iter().map(|x| x.ln()).collect();
                let (a, b) = least_squares(&logs);
                (0..h).map(|k| (a + b * (y.len() + k) as f64).exp()).collect()
            }
            Method::Holt => {
                let p = holt_fit(y);
                holt(y, p, h)
            }
        };
        // Demand is never negative: a falling line stops at zero.
        Ok(out.into_iter().map(|x| x.max(0.0)).collect())
    }
}

/// Intercept and slope of the least-squares line through (t, y[t]),
/// t = 0, 1, ...
pub fn least_squares(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let t_mean = (n - 1.0) / 2.0;
    let y_mean = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (t, &v) in y.iter().enumerate() {
        let dt = t as f64 - t_mean;
        sxy += dt * (v - y_mean);
        sxx += dt * dt;
    }
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (y_mean - b * t_mean, b)
}

/// Holt's smoothing parameters: level α, trend β, damping φ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HoltParams {
    pub alpha: f64,
    pub beta: f64,
    pub phi: f64,
}

/// Level and trend after smoothing all of `y`, and the sum of squared
/// one-step errors from the third point on (the first two set the start).
///
/// l₀ = y₀, b₀ = y₁ − y₀; then for t ≥ 1, with the one-step forecast
/// ŷₜ = lₜ₋₁ + φ bₜ₋₁:
/// lₜ = α yₜ + (1 − α) ŷₜ, bₜ = β (lₜ − lₜ₋₁) + (1 − β) φ bₜ₋₁.
pub fn holt_state(y: &[f64], p: HoltParams) -> (f64, f64, f64) {
    let mut level = y[0];
    let mut trend = y[1] - y[0];
    let mut sse = 0.0;
    for (t, &v) in y.iter().enumerate().skip(1) {
        let predicted = level + p.phi * trend;
        if t >= 2 {
            sse += (v - predicted).powi(2);
        }
        let new_level = p.alpha * v + (1.0 - p.alpha) * predicted;
        trend = p.beta * (new_level - level) + (1.0 - p.beta) * p.phi * trend;
        level = new_level;
    }
    (level, trend, sse)
}

/// The forecast h steps on: l + (φ + φ² + … + φʰ) b.
pub fn holt(y: &[f64], p: HoltParams, h: usize) -> Vec<f64> {
    let (level, trend, _) = holt_state(y, p);
    let mut damp = 0.0;
    let mut phi_k = 1.0;
    (0..h)
        .map(|_| {
            phi_k *= p.phi;
            damp += phi_k;
            level + damp * trend
        })
        .collect()
}

/// Parameters with the least one-step squared error over a fixed grid
/// (deterministic; the first of equals wins).
pub fn holt_fit(y: &[f64]) -> HoltParams {
    const ALPHAS: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const BETAS: [f64; 6] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7];
    const PHIS: [f64; 5] = [0.8, 0.85, 0.9, 0.95, 0.98];
    let mut best = (f64::INFINITY, HoltParams { alpha: 0.5, beta: 0.1, phi: 0.98 });
    for &alpha in &ALPHAS {
        for &beta in &BETAS {
            for &phi in &PHIS {
                let p = HoltParams { alpha, beta, phi };
                let (_, _, sse) = holt_state(y, p);
                if sse < best.0 - 1e-12 * best.0.abs().max(1.0) {
                    best = (sse, p);
                }
            }
        }
    }
    best.1
}

/// Multiplicative seasonal indices of period `m` by classical
/// decomposition: each value over its centred moving average (2×m for even
/// m), averaged per season and normalised to mean 1. `None` if the series
/// is shorter than two full seasons or not positive.
pub fn seasonal_indices(y: &[f64], m: usize) -> Option<Vec<f64>> {
    if m < 2 || y.len() < 2 * m || y.iter().any(|&v| v <= 0.0) {
        return None;
    }
    let half = m / 2;
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..y.len() - half {
        let centred = if m.is_multiple_of(2) {
            (0.5 * y[t - half] + y[t - half + 1..t + half].iter().sum::<f64>() + 0.5 * y[t + half]) / m as f64
        } else {
            y[t - half..=t + half].iter().sum::<f64>() / m as f64
        };
        sums[t % m] += y[t] / centred;
        counts[t % m] += 1;
    }
    if counts.contains(&0) {
        return None;
    }
    let raw: Vec<f64> = sums.iter().zip(&counts).map(|(s, &c)| s / c as f64).collect();
    let mean = raw.iter().sum::<f64>() / m as f64;
    Some(raw.iter().map(|r| r / mean).collect())
}
