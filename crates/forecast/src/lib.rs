//! Organic demand forecasts from history, and how far to trust them.
//!
//! For one series of evenly spaced demand values:
//!
//! - **Seasonality** is detected, not assumed: where the data has a
//!   seasonal period (12 for months, 4 for quarters), the series is long
//!   enough (three seasons) and positive, and its autocorrelation at that
//!   lag is significant, every method is fitted on the series adjusted by
//!   classical multiplicative decomposition and the forecast re-seasoned;
//!   seasonal naive, Holt–Winters and the airline model (of the raw
//!   series, with seasons of their own) join the candidates.
//! - **Candidates** ([`Method`]): naive, linear and log-linear trends,
//!   exponential smoothing (SES; damped Holt; ETS choosing its trend by
//!   AIC) with parameters fitted by least squares, Theta, seasonal ARIMA
//!   with its orders chosen by AICc (`arima`), the mean of SES, damped
//!   Holt and Theta, and Croston's method for intermittent series.
//! - **Backtest** by rolling origin over the last cutoffs: fit on the
//!   history up to a cutoff, forecast the next periods, compare. `auto`
//!   ranks the candidates by MASE (scaled by the in-sample seasonal naive
//!   error, as the M4 competition) and averages the best few with the
//!   ARIMA model.
//! - **Quantiles**: `p50` is the chosen method's forecast; `p90` and `p95`
//!   add the backtest's errors at each horizon (their 90th and 95th
//!   percentiles, relative to the level of the series at each cutoff).
//!
//! Inorganic growth (launch events) is not here: it lives in intents. This
//! crate knows no files; the loader reads history and writes forecasts.

mod arima;
mod methods;
mod smoothing;

pub use arima::{auto_arima, Order};
pub use methods::{is_seasonal, least_squares, seasonal_indices, Method};
use serde::Serialize;
pub use smoothing::{airline, croston, ets, holt, holt_winters, holt_with, nelder_mead, ses, theta, Holt, Ses};

/// Seasonal period of monthly history.
pub const MONTHS_PER_YEAR: usize = 12;

/// Seasonal period of quarterly history.
pub const QUARTERS_PER_YEAR: usize = 4;

/// The backtest uses at most this many cutoffs, the latest: enough errors
/// per horizon for the quantiles, and time linear in the history's length.
pub const MAX_CUTOFFS: usize = 36;

/// `auto` forecasts the mean of this many candidates, those with the
/// lowest backtest MASE, and of the ARIMA model if it is not among them.
/// Measured on `bench/forecast` (mean MASE, monthly and quarterly), before
/// ARIMA was a candidate: the best candidate alone 0.59 and 1.94; the
/// mean of the best 3, 0.49 and 1.90; of the best 5, 0.49 and 1.89. With
/// it: the best 2, 3, 4 or 5 alone 0.51 and 1.84, 0.48 and 1.85, 0.47 and
/// 1.84, 0.47 and 1.87; ARIMA alone 0.54 and 1.75; the best 2 and ARIMA
/// 0.49 and 1.80; the best 3 and ARIMA 0.48 and 1.82.
pub const ENSEMBLE: usize = 3;

/// A series with at least this share of zeros is intermittent: Croston's
/// method joins the candidates, and seasonality is not tried.
pub const INTERMITTENT_ZEROS: f64 = 0.3;

/// Quantile estimates need at least this many backtest errors at a horizon.
pub const MIN_RESIDUALS: usize = 3;

/// What to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The candidate with the best backtest.
    Auto,
    /// This method.
    Method(Method),
}

/// How to forecast one series.
#[derive(Clone, Debug)]
pub struct Options {
    /// Which method, or the best candidate.
    pub choice: Choice,
    /// Periods to forecast.
    pub horizon: usize,
    /// The data's seasonal period (12 for months, 4 for quarters), if
    /// any: seasonality is tested at this lag, and MASE is scaled by the
    /// naive error one period back.
    pub season: Option<usize>,
}

/// A method's rolling-origin backtest on one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    /// The method.
    pub method: Method,
    /// Whether it was fitted to the seasonally adjusted series.
    pub seasonal: bool,
    /// For [`Method::Ensemble`]: the methods averaged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Method>,
    /// Mean absolute error over the mean absolute change in the history
    /// one season back (one step back without a season); `None` when the
    /// history never changes.
    pub mase: Option<f64>,
    /// Symmetric mean absolute percentage error, in percent (0 to 200).
    pub smape: f64,
    /// How many forecasts were compared with what happened.
    pub forecasts: usize,
    /// First cutoff: the shortest history a forecast was fitted on.
    pub min_train: usize,
    /// Errors (actual − forecast) over the series' level at the cutoff, per
    /// horizon (1-based index minus one).
    #[serde(skip)]
    pub residuals: Vec<Vec<f64>>,
}

/// The forecast of one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesForecast {
    /// The method chosen.
    pub method: Method,
    /// Whether it has a seasonal component.
    pub seasonal: bool,
    /// The method's forecast.
    pub point: Vec<f64>,
    /// The median: the method's forecast (`point`).
    pub p50: Vec<f64>,
    /// The 90th percentile, from the backtest's errors.
    pub p90: Vec<f64>,
    /// The 95th percentile, from the backtest's errors.
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

/// Forecast of `y` by `method`: seasonally adjusted with period `season`
/// (indices estimated from `y` itself), or for seasonal naive, the value
/// one `season` back.
pub fn forecast(y: &[f64], method: Method, season: Option<usize>, h: usize) -> Result<Vec<f64>, String> {
    match (method, season) {
        (Method::SeasonalNaive, Some(m)) if y.len() >= m => Ok((0..h).map(|k| y[y.len() - m + k % m]).collect()),
        (Method::SeasonalNaive, _) => Err("seasonal naive needs one full season of history".into()),
        (Method::HoltWinters, Some(m)) => smoothing::holt_winters(y, m, h)
            .map(methods::demand)
            .ok_or_else(|| format!("holt-winters needs two full seasons ({} points) of positive values", 2 * m)),
        (Method::HoltWinters, None) => Err("holt-winters needs a seasonal period".into()),
        (Method::Airline, Some(m)) => {
            if let Some(x) = y.iter().find(|&&x| x <= 0.0) {
                return Err(format!("airline needs positive values, the series has {x}"));
            }
            let logs: Vec<f64> = y.iter().map(|x| x.ln()).collect();
            smoothing::airline(&logs, m, h)
                .map(|f| methods::demand(f.into_iter().map(f64::exp).collect()))
                .ok_or_else(|| format!("airline needs two full seasons and two points ({} points)", 2 * m + 2))
        }
        (Method::Airline, None) => Err("airline needs a seasonal period".into()),
        (Method::Arima, season) => arima::auto_arima(y, season, h)
            .map(|(f, _)| methods::demand(f))
            .ok_or_else(|| format!("arima needs more points for any model ({})", Method::Arima.min_points_in(season))),
        (_, None) => fit(y, method, None, h),
        (_, Some(m)) => {
            let s = seasonal_indices(y, m)
                .ok_or_else(|| format!("seasonality needs two full seasons ({} points) of positive values", 2 * m))?;
            fit(y, method, Some(&s), h)
        }
    }
}

/// The level errors are measured against: the mean of the last season (at
/// least 4 points) of `y`.
fn level(y: &[f64], season: Option<usize>) -> f64 {
    let span = season.unwrap_or(1).max(4).min(y.len());
    y[y.len() - span..].iter().map(|v| v.abs()).sum::<f64>() / span.max(1) as f64
}

/// The MASE scale of `y`: the mean absolute change one season back (one
/// step back without a season, or if the series is too short).
pub fn mase_scale(y: &[f64], season: Option<usize>) -> f64 {
    let lag = season.filter(|&m| y.len() > m).unwrap_or(1);
    let changes: Vec<f64> = (lag..y.len()).map(|t| (y[t] - y[t - lag]).abs()).collect();
    changes.iter().sum::<f64>() / changes.len().max(1) as f64
}

/// The first cutoff of a backtest of `n` points: at least half the
/// series, at most [`MAX_CUTOFFS`] before its end, and no shorter than
/// `need` points (what every candidate needs to fit), so that candidates
/// are compared on the same cutoffs.
pub fn min_train(n: usize, need: usize) -> usize {
    (n / 2).max(n.saturating_sub(MAX_CUTOFFS)).max(need)
}

/// A method's forecasts at every cutoff of a rolling-origin backtest:
/// for each cutoff c from `min_train` to n − 1, fitted on y[..c], up to
/// `h` periods. Cutoffs where the method cannot fit are left out.
pub fn rolling(y: &[f64], method: Method, season: Option<usize>, h: usize, min_train: usize) -> Vec<(usize, Vec<f64>)> {
    let n = y.len();
    (min_train.max(1)..n).filter_map(|c| forecast(&y[..c], method, season, h.min(n - c)).ok().map(|f| (c, f))).collect()
}

/// Rolling-origin backtest of `method` ([`rolling`], scored by [`score`]).
/// `None` if no cutoff fits.
pub fn backtest(
    y: &[f64],
    method: Method,
    season: Option<usize>,
    period: Option<usize>,
    h: usize,
    min_train: usize,
    scale: f64,
) -> Option<Backtest> {
    let forecasts = rolling(y, method, season, h, min_train);
    score(y, &forecasts, period, h, scale).map(|s| Backtest {
        method,
        seasonal: season.is_some(),
        members: Vec::new(),
        min_train,
        forecasts: forecasts.iter().map(|(_, f)| f.len()).sum(),
        ..s
    })
}

/// Scores forecasts made at cutoffs against what followed: MASE (scaled
/// by `scale`, [`mase_scale`] of the whole series), sMAPE, and the errors
/// per horizon relative to the level at each cutoff.
pub fn score(y: &[f64], forecasts: &[(usize, Vec<f64>)], period: Option<usize>, h: usize, scale: f64) -> Option<Backtest> {
    let mut residuals = vec![Vec::new(); h];
    let (mut abs_sum, mut smape_sum, mut count) = (0.0, 0.0, 0usize);
    for (c, f) in forecasts {
        let at = level(&y[..*c], period);
        for (k, (&forecast, &actual)) in f.iter().zip(&y[*c..]).enumerate() {
            let e = actual - forecast;
            abs_sum += e.abs();
            let denominator = actual.abs() + forecast.abs();
            smape_sum += if denominator > 0.0 { 200.0 * e.abs() / denominator } else { 0.0 };
            count += 1;
            if at > 0.0 {
                residuals[k].push(e / at);
            }
        }
    }
    if count == 0 {
        return None;
    }
    let mae = abs_sum / count as f64;
    Some(Backtest {
        method: Method::Naive,
        seasonal: false,
        members: Vec::new(),
        mase: (scale > 0.0).then(|| mae / scale),
        smape: smape_sum / count as f64,
        forecasts: count,
        min_train: forecasts.first().map_or(0, |(c, _)| *c),
        residuals,
    })
}

/// The mean of several methods' forecasts, period by period.
fn mean_of(parts: &[Vec<f64>]) -> Vec<f64> {
    let h = parts.iter().map(Vec::len).min().unwrap_or(0);
    (0..h).map(|k| parts.iter().map(|p| p[k]).sum::<f64>() / parts.len() as f64).collect()
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

/// The level at which to read the q-quantile of `n` past errors so that a
/// new error falls below it with probability q: q × (n + 1) / n, capped
/// at one. The q-quantile of the sample itself is too low by a finite-sample
/// margin: of n + 1 exchangeable errors, the new one is equally likely to
/// take any rank (split conformal prediction's rank ⌈q(n + 1)⌉, read
/// here with the interpolation of [`quantile`]). With the 25–36 errors a
/// horizon has, p90 reads the 93rd–94th percentile and p95 the 98th–99th.
pub fn finite_sample_level(q: f64, n: usize) -> f64 {
    if n == 0 {
        return q;
    }
    (q * (n as f64 + 1.0) / n as f64).min(1.0)
}

/// Quantiles from the backtest's errors at each horizon: `p50` is the
/// forecast itself; `p90` and `p95` add the 90th and 95th percentiles of
/// the errors (relative to the series' level, times its level now), read
/// at [`finite_sample_level`]. Where
/// a horizon has fewer than [`MIN_RESIDUALS`] errors, those of the
/// furthest horizon that has enough are widened by √(k / k₀), as a random
/// walk's errors grow; a note says so. Margins never narrow with the
/// horizon, and are never negative.
fn quantiles(point: &[f64], now: f64, backtest: Option<&Backtest>, notes: &mut Vec<String>) -> [Vec<f64>; 3] {
    let usable = backtest.and_then(|b| b.residuals.iter().rposition(|r| r.len() >= MIN_RESIDUALS).map(|k0| (b, k0)));
    let Some((b, k0)) = usable else {
        notes.push(format!(
            "too short to measure forecast errors ({MIN_RESIDUALS} backtest forecasts at a horizon): p50, p90 and p95 equal the forecast"
        ));
        return [point.to_vec(), point.to_vec(), point.to_vec()];
    };
    if point.len() > k0 + 1 {
        notes.push(format!(
            "forecast errors measured up to {} period(s) ahead; further out they are widened by √(horizon / {})",
            k0 + 1,
            k0 + 1
        ));
    }
    let mut out: [Vec<f64>; 3] = Default::default();
    // Uncertainty does not shrink further out: a few errors per horizon
    // could make it, so each margin is at least the one before.
    let (mut margin90, mut margin95) = (0.0f64, 0.0f64);
    for (k, &f) in point.iter().enumerate() {
        let (residuals, widen) = if k <= k0 && b.residuals[k].len() >= MIN_RESIDUALS {
            (&b.residuals[k], 1.0)
        } else {
            (&b.residuals[k0], ((k + 1) as f64 / (k0 + 1) as f64).sqrt())
        };
        let n = residuals.len();
        margin90 = margin90.max(widen * now * quantile(residuals, finite_sample_level(0.9, n)));
        margin95 = margin95.max(widen * now * quantile(residuals, finite_sample_level(0.95, n))).max(margin90);
        let p90 = f + margin90;
        let p95 = f + margin95;
        out[0].push(f);
        out[1].push(p90);
        out[2].push(p95);
    }
    out
}

/// Forecasts one series.
pub fn run(y: &[f64], options: &Options) -> Result<SeriesForecast, String> {
    let n = y.len();
    let h = options.horizon;
    let mut notes = Vec::new();
    let zeros = y.iter().filter(|&&v| v == 0.0).count();
    let intermittent = n > 0 && zeros as f64 >= INTERMITTENT_ZEROS * n as f64 && zeros < n;
    // Seasonality: tested where the data has a period, on a long enough,
    // positive series.
    let season = match options.season {
        Some(_) if zeros > 0 => {
            notes.push(format!("seasonality not tried: it needs positive values, and the series has {zeros} zero(s) of {n}"));
            None
        }
        Some(m) if n < 3 * m => {
            notes.push(format!("seasonality not tried: it needs three full seasons ({} values)", 3 * m));
            None
        }
        Some(m) if !is_seasonal(y, m) => {
            notes.push(format!("no seasonality found at lag {m} (autocorrelation test at 90 %)"));
            None
        }
        other => other,
    };
    if intermittent {
        notes.push(format!("intermittent ({zeros} of {n} values are 0): Croston's method is a candidate"));
    }
    let methods: Vec<Method> = match options.choice {
        Choice::Auto => {
            let mut m = Method::CANDIDATES.to_vec();
            if season.is_some() {
                m.insert(1, Method::SeasonalNaive);
                m.insert(2, Method::HoltWinters);
                m.insert(3, Method::Airline);
            }
            if intermittent {
                m.push(Method::Croston);
            }
            m
        }
        Choice::Method(m) => {
            if n < m.min_points() {
                return Err(format!("{} needs at least {} points, the series has {}", m.name(), m.min_points(), n));
            }
            vec![m]
        }
    };
    // Seasonal naive always looks one season back; the others adjust for
    // a season only where one was found.
    let season_of = |method: Method| if method.season_always() { options.season } else { season };
    // A candidate must fit the whole history, not only the backtest's
    // shorter ones: a logarithm fits the cutoffs before a recent 0, and
    // would be chosen, then fail.
    // (Their forecasts are kept: an ensemble's members are among them.)
    let mut whole: Vec<(Method, Vec<f64>)> = Vec::new();
    let methods: Vec<Method> = match options.choice {
        Choice::Auto => {
            whole = methods.into_iter().filter_map(|m| forecast(y, m, season_of(m), h).ok().map(|f| (m, f))).collect();
            whole.iter().map(|(m, _)| *m).collect()
        }
        Choice::Method(_) => methods,
    };
    // ARIMA needs more points than the other candidates: for `auto` it
    // joins them only where their backtest leaves it enough, and never
    // shortens their backtest.
    let optional = |m: Method| m == Method::Arima && options.choice == Choice::Auto;
    let need = methods
        .iter()
        .filter(|&&m| !optional(m))
        .map(|&m| m.min_points_in(season_of(m)))
        .max()
        .unwrap_or(1)
        .max(season.map_or(0, |m| 2 * m));
    let train = min_train(n, need);
    let methods: Vec<Method> = methods
        .into_iter()
        .filter(|&m| {
            let enough = m.min_points_in(season_of(m)) <= train;
            if optional(m) && !enough {
                notes.push(format!(
                    "{} not tried: it needs {} points before the backtest's first cutoff, which is at {train}",
                    m.name(),
                    m.min_points_in(season_of(m))
                ));
            }
            enough || !optional(m)
        })
        .collect();
    let scale = mase_scale(y, options.season);
    let mut candidates = Vec::new();
    let mut rolled = Vec::new();
    for &method in &methods {
        let forecasts = rolling(y, method, season_of(method), h, train);
        if let Some(b) = score(y, &forecasts, options.season, h, scale) {
            candidates.push(Backtest { method, seasonal: season_of(method).is_some(), min_train: train, ..b });
            rolled.push(forecasts);
        }
    }
    // Lowest MASE (sMAPE where MASE is undefined); ties keep the simpler.
    let rank = |b: &Backtest| b.mase.unwrap_or(b.smape / 100.0);
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&i, &j| rank(&candidates[i]).total_cmp(&rank(&candidates[j])).then(i.cmp(&j)));
    // auto: the mean of the best few, backtested on the cutoffs they share.
    let mut members: Vec<usize> = order.iter().copied().take(ENSEMBLE).collect();
    let enough = members.len() == ENSEMBLE;
    // The ARIMA model chosen by its own information criterion joins them:
    // a backtest over a few dozen cutoffs of one series ranks close
    // candidates by chance, and a model selected in-sample hedges that
    // (measured on `bench/forecast`: see `ENSEMBLE`).
    if let Some(i) = candidates.iter().position(|b| b.method == Method::Arima) {
        if !members.contains(&i) {
            members.push(i);
        }
    }
    if options.choice == Choice::Auto && enough {
        let cutoffs: Vec<usize> =
            rolled[members[0]].iter().map(|(c, _)| *c).filter(|c| members.iter().all(|&i| rolled[i].iter().any(|(d, _)| d == c))).collect();
        let forecasts: Vec<(usize, Vec<f64>)> = cutoffs
            .iter()
            .map(|&c| {
                (
                    c,
                    mean_of(
                        &members
                            .iter()
                            .map(|&i| rolled[i].iter().find(|(d, _)| *d == c).map(|(_, f)| f.clone()).unwrap_or_default())
                            .collect::<Vec<_>>(),
                    ),
                )
            })
            .collect();
        if let Some(b) = score(y, &forecasts, options.season, h, scale) {
            let seasonal = members.iter().any(|&i| candidates[i].seasonal);
            candidates.push(Backtest {
                method: Method::Ensemble,
                seasonal,
                members: members.iter().map(|&i| candidates[i].method).collect(),
                min_train: train,
                ..b
            });
        }
    }
    let best = match options.choice {
        Choice::Auto if candidates.last().is_some_and(|b| b.method == Method::Ensemble) => Some(candidates.len() - 1),
        _ => order.first().copied(),
    };
    let (method, seasonal, backtest) = match best {
        Some(i) => {
            let b = &candidates[i];
            (b.method, b.seasonal, Some(b.clone()))
        }
        None => {
            let fallback = match options.choice {
                Choice::Method(m) => m,
                Choice::Auto if n >= Method::Linear.min_points() => Method::Linear,
                Choice::Auto => Method::Naive,
            };
            notes.push(format!(
                "{n} points are too few to backtest (a cutoff needs {train} before it): {} without a backtest",
                fallback.name()
            ));
            (fallback, fallback.own_season() && season_of(fallback).is_some(), None)
        }
    };
    let point = match &backtest {
        Some(b) if b.method == Method::Ensemble => {
            let parts = b
                .members
                .iter()
                .map(|&m| match whole.iter().find(|(w, _)| *w == m) {
                    Some((_, f)) => Ok(f.clone()),
                    None => forecast(y, m, season_of(m), h),
                })
                .collect::<Result<Vec<_>, _>>()?;
            mean_of(&parts)
        }
        _ => forecast(y, method, if seasonal || method.own_season() { season_of(method) } else { None }, h)?,
    };
    let [p50, p90, p95] = quantiles(&point, level(y, options.season), backtest.as_ref(), &mut notes);
    Ok(SeriesForecast { method, seasonal, point, p50, p90, p95, backtest, candidates, notes })
}
