//! Organic demand forecasts from history, and how far to trust them.
//!
//! For one series of evenly spaced demand values: fit a trend method
//! ([`Method`]: linear, log-linear, damped Holt; seasonal by classical
//! multiplicative decomposition when the history is monthly and at least two
//! years long), backtest it by rolling origin (fit on the history up to a
//! cutoff, forecast the next periods, compare), and derive the quantiles
//! `p50`, `p90`, `p95` from the backtest's relative errors at each horizon.
//! `auto` picks, per series, the candidate with the lowest backtest MASE.
//!
//! Inorganic growth (launch events) is not here: it lives in intents. This
//! crate knows no files; the loader reads history and writes forecasts.

mod methods;

pub use methods::{holt, holt_fit, holt_state, least_squares, seasonal_indices, HoltParams, Method};
use serde::Serialize;

/// Seasonal period of monthly history.
pub const MONTHS_PER_YEAR: usize = 12;

/// Quantile estimates need at least this many backtest errors at a horizon.
pub const MIN_RESIDUALS: usize = 3;

/// What to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The candidate with the best backtest.
    Auto,
    Method(Method),
}

#[derive(Clone, Debug)]
pub struct Options {
    pub choice: Choice,
    /// Periods to forecast.
    pub horizon: usize,
    /// The seasonal period to try (12 for monthly history), if any.
    pub season: Option<usize>,
}

/// A method's rolling-origin backtest on one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    pub method: Method,
    pub seasonal: bool,
    /// Mean absolute error over the mean absolute one-step (or one-season)
    /// naive change in the history; `None` when the history never changes.
    pub mase: Option<f64>,
    /// Symmetric mean absolute percentage error, in percent (0 to 200).
    pub smape: f64,
    /// How many forecasts were compared with what happened.
    pub forecasts: usize,
    /// First cutoff: the shortest history a forecast was fitted on.
    pub min_train: usize,
    /// Relative errors (actual / forecast − 1) per horizon, 1-based index
    /// minus one.
    #[serde(skip)]
    pub residuals: Vec<Vec<f64>>,
}

/// The forecast of one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesForecast {
    pub method: Method,
    pub seasonal: bool,
    /// The method's forecast.
    pub point: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    pub p95: Vec<f64>,
    /// The chosen candidate's backtest, if the history was long enough.
    pub backtest: Option<Backtest>,
    /// Every candidate's backtest (for `auto`, what it chose among).
    pub candidates: Vec<Backtest>,
    /// Fallbacks taken, in words.
    pub notes: Vec<String>,
}

/// Fits `method` on `y` (deseasonalised by `indices` if given, whose phase
/// is t mod m from the first point) and forecasts `h` periods.
fn fit(y: &[f64], method: Method, indices: Option<&[f64]>, h: usize) -> Result<Vec<f64>, String> {
    match indices {
        None => method.forecast(y, h),
        Some(s) => {
            let m = s.len();
            let adjusted: Vec<f64> = y.iter().enumerate().map(|(t, v)| v / s[t % m]).collect();
            let f = method.forecast(&adjusted, h)?;
            Ok(f.iter().enumerate().map(|(k, v)| v * s[(y.len() + k) % m]).collect())
        }
    }
}

/// Forecast of `y` by `method`, seasonal with period `season` (indices
/// estimated from `y` itself).
pub fn forecast(y: &[f64], method: Method, season: Option<usize>, h: usize) -> Result<Vec<f64>, String> {
    match season {
        None => fit(y, method, None, h),
        Some(m) => {
            let s = seasonal_indices(y, m).ok_or_else(|| format!("seasonality needs two full seasons ({} points) of positive values", 2 * m))?;
            fit(y, method, Some(&s), h)
        }
    }
}

/// The shortest history a backtest fits on: half the series, and enough
/// for every trend method (and two seasons when seasonal), so that
/// candidates are compared on the same cutoffs.
pub fn min_train(n: usize, season: Option<usize>) -> usize {
    let trend = Method::TRENDS.iter().map(|m| m.min_points()).max().unwrap_or(1);
    (n / 2).max(trend).max(season.map_or(0, |m| 2 * m))
}

/// Rolling-origin backtest: for each cutoff c from `min_train` to n − 1,
/// fit on y[..c] and compare up to `h` forecasts with y[c..]. `None` if no
/// cutoff fits.
pub fn backtest(y: &[f64], method: Method, season: Option<usize>, h: usize, min_train: usize) -> Option<Backtest> {
    let n = y.len();
    let mut residuals = vec![Vec::new(); h];
    let (mut abs_sum, mut smape_sum, mut count) = (0.0, 0.0, 0usize);
    for c in min_train.max(1)..n {
        let Ok(f) = forecast(&y[..c], method, season, h.min(n - c)) else { continue };
        for (k, (&forecast, &actual)) in f.iter().zip(&y[c..]).enumerate() {
            let e = actual - forecast;
            abs_sum += e.abs();
            let denominator = actual.abs() + forecast.abs();
            smape_sum += if denominator > 0.0 { 200.0 * e.abs() / denominator } else { 0.0 };
            count += 1;
            if forecast > 0.0 {
                residuals[k].push(actual / forecast - 1.0);
            }
        }
    }
    if count == 0 {
        return None;
    }
    let lag = season.unwrap_or(1);
    let changes: Vec<f64> = (lag..n).map(|t| (y[t] - y[t - lag]).abs()).collect();
    let scale = changes.iter().sum::<f64>() / changes.len().max(1) as f64;
    let mae = abs_sum / count as f64;
    Some(Backtest {
        method,
        seasonal: season.is_some(),
        mase: (scale > 0.0).then(|| mae / scale),
        smape: smape_sum / count as f64,
        forecasts: count,
        min_train,
        residuals,
    })
}

/// The q-quantile of `values` (linear interpolation between order
/// statistics, as R's type 7).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (position.floor() as usize, position.ceil() as usize);
    sorted[lo] + (position - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Quantiles from the backtest's relative errors at each horizon. Where a
/// horizon has fewer than [`MIN_RESIDUALS`] errors, those of the furthest
/// horizon that has enough are widened by √(k / k₀), as a random walk's
/// errors grow; a note says so.
fn quantiles(point: &[f64], backtest: Option<&Backtest>, notes: &mut Vec<String>) -> [Vec<f64>; 3] {
    let levels = [0.5, 0.9, 0.95];
    let usable = backtest.and_then(|b| b.residuals.iter().rposition(|r| r.len() >= MIN_RESIDUALS).map(|k0| (b, k0)));
    let Some((b, k0)) = usable else {
        notes.push(format!("too short to measure forecast errors ({MIN_RESIDUALS} backtest forecasts at a horizon): p50, p90 and p95 equal the forecast"));
        return [point.to_vec(), point.to_vec(), point.to_vec()];
    };
    if point.len() > k0 + 1 {
        notes.push(format!("forecast errors measured up to {} period(s) ahead; further out they are widened by √(horizon / {})", k0 + 1, k0 + 1));
    }
    let mut out: [Vec<f64>; 3] = Default::default();
    for (k, &f) in point.iter().enumerate() {
        let (residuals, widen) = if k <= k0 && b.residuals[k].len() >= MIN_RESIDUALS { (&b.residuals[k], 1.0) } else { (&b.residuals[k0], ((k + 1) as f64 / (k0 + 1) as f64).sqrt()) };
        let scaled: Vec<f64> = residuals.iter().map(|r| r * widen).collect();
        let mut previous = 0.0;
        for (i, &q) in levels.iter().enumerate() {
            // Quantiles of one sample never decrease; the max only guards
            // against rounding.
            let v = (f * (1.0 + quantile(&scaled, q))).max(0.0).max(previous);
            out[i].push(v);
            previous = v;
        }
    }
    out
}

/// Forecasts one series.
pub fn run(y: &[f64], options: &Options) -> Result<SeriesForecast, String> {
    let n = y.len();
    let h = options.horizon;
    let mut notes = Vec::new();
    // Seasonality is tried when the history holds two full seasons and a
    // backtest cutoff beyond them.
    let season = options.season.filter(|&m| seasonal_indices(y, m).is_some() && n > 2 * m);
    if options.season.is_some() && season.is_none() {
        notes.push(format!("no seasonality: it needs more than {} positive monthly values", 2 * options.season.unwrap_or(0)));
    }
    let train = min_train(n, season);
    let seasonal_options: Vec<Option<usize>> = match season {
        Some(m) => vec![None, Some(m)],
        None => vec![None],
    };
    let methods: Vec<Method> = match options.choice {
        Choice::Auto => Method::TRENDS.to_vec(),
        Choice::Method(m) => {
            if n < m.min_points() {
                return Err(format!("{} needs at least {} points, the series has {}", m.name(), m.min_points(), n));
            }
            vec![m]
        }
    };
    let mut candidates = Vec::new();
    for &method in &methods {
        for &s in &seasonal_options {
            if let Some(b) = backtest(y, method, s, h, train) {
                candidates.push(b);
            }
        }
    }
    // Lowest MASE (sMAPE where MASE is undefined); ties keep the simpler.
    let score = |b: &Backtest| b.mase.unwrap_or(b.smape / 100.0);
    let best = candidates.iter().enumerate().min_by(|(i, a), (j, b)| score(a).total_cmp(&score(b)).then(i.cmp(j))).map(|(i, _)| i);
    let (method, seasonal_period, backtest) = match best {
        Some(i) => {
            let b = &candidates[i];
            (b.method, b.seasonal.then_some(season).flatten(), Some(b.clone()))
        }
        None => {
            let fallback = match options.choice {
                Choice::Method(m) => m,
                Choice::Auto if n >= Method::Linear.min_points() => Method::Linear,
                Choice::Auto => Method::Naive,
            };
            notes.push(format!("{n} points are too few to backtest (a cutoff needs {train} before it): {} without a backtest", fallback.name()));
            (fallback, None, None)
        }
    };
    let point = forecast(y, method, seasonal_period, h)?;
    let [p50, p90, p95] = quantiles(&point, backtest.as_ref(), &mut notes);
    Ok(SeriesForecast { method, seasonal: seasonal_period.is_some(), point, p50, p90, p95, backtest, candidates, notes })
}
