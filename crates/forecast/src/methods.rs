//! The forecasting methods, on one series of evenly spaced values.
//!
//! Each takes the history `y` (oldest first) and returns the next `h`
//! values. None of them invents data: each needs a minimum number of
//! points ([`Method::min_points`]) and says so otherwise.

use serde::Serialize;

use crate::smoothing;

/// A forecasting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// The last value, flat: the fallback for series too short for a trend.
    Naive,
    /// The last value plus the history's mean change per period (a random
    /// walk with drift).
    Drift,
    /// The value one season earlier (of the raw series, never adjusted).
    SeasonalNaive,
    /// Holt–Winters: damped trend and a multiplicative season that may
    /// change over time (of the raw series, never adjusted).
    HoltWinters,
    /// The airline model, ARIMA(0,1,1)(0,1,1) with the data's season, on
    /// the logarithm (a season in proportion to the level): of the raw
    /// series, never adjusted.
    Airline,
    /// Seasonal ARIMA with its differences and orders chosen from the data
    /// (Hyndman and Khandakar's stepwise search), of the raw series: with
    /// the data's season where one was found, non-seasonal otherwise.
    Arima,
    /// Least-squares straight line through time.
    Linear,
    /// Least-squares line through the logarithm: constant growth rate.
    LogLinear,
    /// Simple exponential smoothing (level only), α fitted.
    Ses,
    /// Holt's linear exponential smoothing with a damped trend, α, β and
    /// φ fitted.
    Holt,
    /// Damped Holt on the logarithm: a trend that grows by a rate, not an
    /// amount (positive series only).
    HoltLog,
    /// The Theta method: SES with half the linear trend as drift.
    Theta,
    /// ETS with additive errors, the trend (none, linear or damped) chosen
    /// by AIC.
    Ets,
    /// Croston's method with the Syntetos–Boylan correction, for demand
    /// that is mostly zero.
    Croston,
    /// The mean of SES, damped Holt and Theta: combined forecasts beat
    /// each of them on the M-competitions' series.
    Combination,
    /// `auto`'s forecast: the mean of the candidates with the best
    /// backtests (see `crate::ENSEMBLE`). Not a method of its own.
    Ensemble,
}

impl Method {
    /// The methods `auto` chooses among, simplest first (ties go to the
    /// simpler). Croston joins them for intermittent series, seasonal naive
    /// for seasonal ones.
    pub const CANDIDATES: [Method; 11] = [
        Method::Naive,
        Method::Drift,
        Method::Linear,
        Method::LogLinear,
        Method::Ses,
        Method::Holt,
        Method::HoltLog,
        Method::Theta,
        Method::Ets,
        Method::Arima,
        Method::Combination,
    ];

    /// Methods of the raw series with a season of their own, which the
    /// series is never adjusted for.
    pub fn own_season(self) -> bool {
        matches!(self, Method::SeasonalNaive | Method::HoltWinters | Method::Airline | Method::Arima)
    }

    /// Methods that use the data's seasonal period even where no season
    /// was found in the series (asked for by `--method`). ARIMA's seasonal
    /// part is only for a season that was found: without one it is a
    /// non-seasonal model.
    pub fn season_always(self) -> bool {
        self.own_season() && self != Method::Arima
    }

    /// The method's name, as `--method` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Method::Naive => "naive",
            Method::Drift => "drift",
            Method::SeasonalNaive => "seasonal-naive",
            Method::HoltWinters => "holt-winters",
            Method::Airline => "airline",
            Method::Arima => "arima",
            Method::Linear => "linear",
            Method::LogLinear => "log-linear",
            Method::Ses => "ses",
            Method::Holt => "holt",
            Method::HoltLog => "holt-log",
            Method::Theta => "theta",
            Method::Ets => "ets",
            Method::Croston => "croston",
            Method::Combination => "combination",
            Method::Ensemble => "ensemble",
        }
    }

    /// Fewest points the method fits with at least one degree of freedom
    /// (seasonal naive: one season, checked where the season is known).
    pub fn min_points(self) -> usize {
        match self {
            Method::Naive | Method::SeasonalNaive | Method::HoltWinters | Method::Airline => 1,
            Method::Ses | Method::Croston | Method::Drift => 2,
            Method::Linear | Method::LogLinear | Method::Theta | Method::Ets => 3,
            Method::Holt | Method::HoltLog | Method::Combination | Method::Ensemble => 4,
            // Its tests and order search need a few years of quarters.
            Method::Arima => 12,
        }
    }

    /// Fewest points the method fits with the data's seasonal period
    /// `season` (if it uses one): a season's worth more where it needs
    /// whole seasons.
    pub fn min_points_in(self, season: Option<usize>) -> usize {
        match (self, season) {
            (Method::SeasonalNaive, Some(m)) => m,
            (Method::HoltWinters, Some(m)) => 2 * m,
            // With a season found, ARIMA's seasonal difference is given, not
            // tested: two seasons and two points, as the airline model.
            (Method::Airline | Method::Arima, Some(m)) => 2 * m + 2,
            _ => self.min_points(),
        }
    }

    /// The next `h` values after `y`, or why the method cannot fit it.
    /// Seasonal naive, Holt–Winters and the airline model are not methods
    /// of a (seasonally adjusted) series: see `crate::forecast`.
    pub fn forecast(self, y: &[f64], h: usize) -> Result<Vec<f64>, String> {
        if y.len() < self.min_points() {
            return Err(format!("{} needs at least {} points, the series has {}", self.name(), self.min_points(), y.len()));
        }
        let out = match self {
            Method::Naive | Method::SeasonalNaive | Method::HoltWinters | Method::Airline => vec![y[y.len() - 1]; h],
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
            Method::Ses => vec![smoothing::ses(y).level; h],
            Method::Drift => {
                let (first, last) = (y[0], y[y.len() - 1]);
                let step = (last - first) / (y.len() - 1) as f64;
                (1..=h).map(|k| last + step * k as f64).collect()
            }
            Method::Holt => smoothing::holt(y, true).forecast(h),
            Method::HoltLog => {
                if let Some(x) = y.iter().find(|&&x| x <= 0.0) {
                    return Err(format!("holt-log needs positive values, the series has {x}"));
                }
                let logs: Vec<f64> = y.iter().map(|x| x.ln()).collect();
                smoothing::holt(&logs, true).forecast(h).into_iter().map(f64::exp).collect()
            }
            Method::Theta => smoothing::theta(y, h),
            Method::Ets => smoothing::ets(y, h).0,
            Method::Arima => crate::arima::auto_arima(y, None, h).ok_or("arima needs more points for any model")?.0,
            Method::Croston => smoothing::croston(y, h).ok_or("croston needs at least two non-zero values")?,
            Method::Ensemble => return Err("an ensemble is made of backtested candidates".into()),
            Method::Combination => {
                let parts = [Method::Ses.forecast(y, h)?, Method::Holt.forecast(y, h)?, Method::Theta.forecast(y, h)?];
                (0..h).map(|k| parts.iter().map(|p| p[k]).sum::<f64>() / parts.len() as f64).collect()
            }
        };
        // Demand is never negative: a falling line stops at zero.
        Ok(demand(out))
    }
}

/// Forecast values as demand: never negative (a falling line stops at
/// zero), never infinite.
pub(crate) fn demand(f: Vec<f64>) -> Vec<f64> {
    f.into_iter().map(|x| if x.is_finite() { x.max(0.0) } else { 0.0 }).collect()
}

/// Intercept and slope of the least-squares line through (t, y\[t\]),
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

/// Seasonal indices are estimated from at most this many of the latest
/// seasons. Measured on `bench/forecast`: from the last 5 seasons, mean
/// MASE 0.49 monthly and 1.90 quarterly; from the whole history, 0.53 and
/// 1.99 (seasons drift over decades).
pub const RECENT_SEASONS: usize = 5;

/// Multiplicative seasonal indices of period `m` by classical
/// decomposition over the last `RECENT_SEASONS` seasons: each value over
/// its centred moving average (2×m for even m), averaged per season and
/// normalised to mean 1. `None` if the series is shorter than two full
/// seasons or not positive.
pub fn seasonal_indices(y: &[f64], m: usize) -> Option<Vec<f64>> {
    if m < 2 || y.len() < 2 * m || y.iter().any(|&v| v <= 0.0) {
        return None;
    }
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    // Seasons change (a product's peak grows, a holiday moves): the
    // indices are those of the last seasons only.
    let from = y.len().saturating_sub(RECENT_SEASONS * m);
    for (t, ratio) in detrended(y, m).into_iter().filter(|&(t, _)| t >= from) {
        sums[t % m] += ratio;
        counts[t % m] += 1;
    }
    if counts.contains(&0) {
        return None;
    }
    let raw: Vec<f64> = sums.iter().zip(&counts).map(|(s, &c)| s / c as f64).collect();
    let mean = raw.iter().sum::<f64>() / m as f64;
    Some(raw.iter().map(|r| r / mean).collect())
}

/// Each value over its centred moving average of one season (2×m for
/// even m): the series without its trend, from half a season in to half
/// a season before the end, with each value's index.
fn detrended(y: &[f64], m: usize) -> Vec<(usize, f64)> {
    let half = m / 2;
    (half..y.len().saturating_sub(half))
        .map(|t| {
            let centred = if m.is_multiple_of(2) {
                (0.5 * y[t - half] + y[t - half + 1..t + half].iter().sum::<f64>() + 0.5 * y[t + half]) / m as f64
            } else {
                y[t - half..=t + half].iter().sum::<f64>() / m as f64
            };
            (t, y[t] / centred)
        })
        .collect()
}

/// A season explaining this share of the detrended variance is strong
/// (Wang, Smith and Hyndman's threshold).
pub const STRONG_SEASON: f64 = 0.64;

/// Whether positive `y` is seasonal with period `m`, without its trend
/// (each value over its centred moving average): its seasonal strength is
/// at least `STRONG_SEASON`, or its autocorrelation at lag m is
/// significant at 90 % (Bartlett's bound: the test of the M4
/// competition's benchmarks, which apply it before removing the trend, so
/// that any trend passes). Needs three full seasons.
pub fn is_seasonal(y: &[f64], m: usize) -> bool {
    if m < 2 || y.len() < 3 * m || y.iter().any(|&v| v <= 0.0) {
        return false;
    }
    let ratios = detrended(y, m);
    let strength = seasonal_strength(&ratios, m);
    let y: Vec<f64> = ratios.into_iter().map(|(_, r)| r).collect();
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let variance: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    if variance <= 0.0 {
        return false;
    }
    let acf = |k: usize| (k..n).map(|t| (y[t] - mean) * (y[t - k] - mean)).sum::<f64>() / variance;
    let earlier: f64 = (1..m).map(|k| acf(k).powi(2)).sum();
    let bound = 1.645 * ((1.0 + 2.0 * earlier) / n as f64).sqrt();
    // A smooth pattern (a sine over a year) is autocorrelated at every lag,
    // which widens Bartlett's bound past reach on short series: a strong
    // season with a lag-m autocorrelation above white noise's bound counts.
    acf(m).abs() > bound || (strength >= STRONG_SEASON && acf(m) > 1.645 / (n as f64).sqrt())
}

/// How much of the detrended series' variance its seasonal pattern
/// explains: 1 − Var(remainder) / Var(detrended), where the pattern is each
/// phase's mean (Wang, Smith and Hyndman's seasonal strength).
fn seasonal_strength(ratios: &[(usize, f64)], m: usize) -> f64 {
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for &(t, r) in ratios {
        sums[t % m] += r;
        counts[t % m] += 1;
    }
    let means: Vec<f64> = sums.iter().zip(&counts).map(|(s, &c)| if c > 0 { s / c as f64 } else { 0.0 }).collect();
    let n = ratios.len() as f64;
    let mean = ratios.iter().map(|(_, r)| r).sum::<f64>() / n;
    let total: f64 = ratios.iter().map(|(_, r)| (r - mean).powi(2)).sum::<f64>() / n;
    let remainder: f64 = ratios.iter().map(|&(t, r)| (r - means[t % m]).powi(2)).sum::<f64>() / n;
    if total > 0.0 {
        (1.0 - remainder / total).max(0.0)
    } else {
        0.0
    }
}
