//! The methods against values worked out by hand, and against synthetic
//! series whose true trend is known.

use headroom_forecast::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn assert_all_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w, tol), "got {got:?}, want {want:?}");
    }
}

/// Deterministic noise in [-1, 1] (a linear congruential generator).
fn noise(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

#[test]
fn linear_by_hand() {
    // y = 1 + 2t exactly: a = 1, b = 2; next two are 9 and 11.
    assert_eq!(least_squares(&[1.0, 3.0, 5.0, 7.0]), (1.0, 2.0));
    assert_eq!(Method::Linear.forecast(&[1.0, 3.0, 5.0, 7.0], 2).unwrap(), [9.0, 11.0]);
    // 4, 2, 0: the line goes below zero; demand stops at 0.
    assert_eq!(Method::Linear.forecast(&[4.0, 2.0, 0.0], 2).unwrap(), [0.0, 0.0]);
}

#[test]
fn log_linear_by_hand() {
    // 10 % a period: 100, 110, 121 → 133.1, 146.41.
    assert_all_close(&Method::LogLinear.forecast(&[100.0, 110.0, 121.0], 2).unwrap(), &[133.1, 146.41], 1e-9);
    assert!(Method::LogLinear.forecast(&[100.0, 0.0, 121.0], 1).is_err());
}

#[test]
fn holt_by_hand() {
    // y = 10, 12, 15, 16 with α = β = 0.5, φ = 0.9, worked out step by step:
    // l0 = 10, b0 = (16 − 10) / 3 = 2
    // t1: ŷ = 11.8,      l = 11.9,       b = 1.85,       e² = 0.04
    // t2: ŷ = 13.565,    l = 14.2825,    b = 2.02375,    e² = 2.059225
    // t3: ŷ = 16.103875, l = 16.0519375, b = 1.79540625, e² = 0.010790015625
    let y = [10.0, 12.0, 15.0, 16.0];
    let fit = holt_with(&y, 0.5, 0.5, 0.9);
    assert!(close(fit.level, 16.0519375, 1e-12) && close(fit.trend, 1.79540625, 1e-12), "{fit:?}");
    assert!(close(fit.sse, 2.110015015625, 1e-12), "{}", fit.sse);
    // h = 1: l + 0.9 b = 16.0519375 + 1.615865625;
    // h = 2: l + (0.9 + 0.81) b = 16.0519375 + 3.0701446875.
    assert_all_close(&fit.forecast(2), &[17.667803125, 19.1220821875], 1e-9);
}

#[test]
fn ses_and_theta_by_hand() {
    // SES with α = 1 on a line is the last value; theta adds half the
    // slope (1 per step here) times h − 1 + 1/α − (1 − α)^n / α = h.
    let y = [0.0, 2.0, 4.0, 6.0, 8.0];
    let fit = ses(&y);
    assert!(close(fit.alpha, 1.0, 1e-3) && close(fit.level, 8.0, 1e-2), "{fit:?}");
    assert_all_close(&theta(&y, 3), &[9.0, 10.0, 11.0], 0.05);
    // A flat series: every smoothing method forecasts the flat level.
    for method in [Method::Ses, Method::Holt, Method::Theta, Method::Ets, Method::Combination] {
        assert_all_close(&method.forecast(&[7.0; 12], 3).unwrap(), &[7.0; 3], 1e-6);
    }
}

#[test]
fn backtest_metrics_by_hand() {
    // Naive on 10, 12, 11, 13 with cutoffs from 2, up to 2 ahead:
    //   cutoff 2: forecast 12, 12 for 11, 13 → errors -1, +1
    //   cutoff 3: forecast 11 for 13        → error +2
    // MAE = 4/3; naive one-step changes 2, 1, 2 → scale 5/3; MASE = 0.8.
    // sMAPE = mean(200·1/23, 200·1/25, 200·2/24) = 11.1207729...
    let y = [10.0, 12.0, 11.0, 13.0];
    let b = backtest(&y, Method::Naive, None, None, 2, 2, mase_scale(&y, None)).unwrap();
    assert_eq!(b.forecasts, 3);
    assert!(close(b.mase.unwrap(), 0.8, 1e-12), "{:?}", b.mase);
    let smape = (200.0 / 23.0 + 200.0 / 25.0 + 400.0 / 24.0) / 3.0;
    assert!(close(b.smape, smape, 1e-12), "{} vs {smape}", b.smape);
    // Errors over the level at the cutoff (the mean of what came before:
    // 11 at both cutoffs), per horizon.
    assert_all_close(&b.residuals[0], &[-1.0 / 11.0, 2.0 / 11.0], 1e-12);
    assert_all_close(&b.residuals[1], &[1.0 / 11.0], 1e-12);
    // A history that never changes has no MASE scale.
    assert_eq!(backtest(&[5.0; 6], Method::Naive, None, None, 1, 3, 0.0).unwrap().mase, None);
    // The seasonal scale: changes one season back.
    let quarters = [10.0, 20.0, 30.0, 40.0, 12.0, 22.0, 32.0, 42.0];
    assert_eq!(mase_scale(&quarters, Some(4)), 2.0);
}

#[test]
fn quantile_interpolates_like_type_7() {
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.9), 3.7);
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.5), 2.5);
    assert_eq!(quantile(&[7.0], 0.95), 7.0);
}

#[test]
fn quantiles_of_few_errors_are_read_higher_by_the_finite_sample_margin() {
    // q × (n + 1) / n: 0.9 of 9 errors is their largest; 0.9 of 29, the
    // 0.93 level; 0.95 of 19 and more, by hand.
    assert_eq!(finite_sample_level(0.9, 9), 1.0);
    assert!(close(finite_sample_level(0.9, 29), 0.931034, 1e-6));
    assert_eq!(finite_sample_level(0.95, 19), 1.0);
    assert!(close(finite_sample_level(0.95, 39), 0.974359, 1e-6));
    assert_eq!(finite_sample_level(0.9, 0), 0.9);
    // Of ten errors 1..=10, p90 reads 9.91, next to the largest, not 9.1.
    let errors: Vec<f64> = (1..=10).map(f64::from).collect();
    assert!(close(quantile(&errors, finite_sample_level(0.9, 10)), 9.91, 1e-9));
    assert!(close(quantile(&errors, 0.9), 9.1, 1e-9));
}

#[test]
fn a_noisy_line_is_recovered() {
    // y = 1000 + 50 t ± 2 %, 20 quarters.
    let mut e = noise(7);
    let y: Vec<f64> = (0..20).map(|t| (1000.0 + 50.0 * t as f64) * (1.0 + 0.02 * e())).collect();
    let (_, slope) = least_squares(&y);
    assert!(close(slope, 50.0, 3.0), "slope {slope}");
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 8, season: None }).unwrap();
    for (k, v) in f.p50.iter().enumerate() {
        let truth = 1000.0 + 50.0 * (20 + k) as f64;
        assert!((v / truth - 1.0).abs() < 0.04, "period {k}: {v} vs {truth} ({:?})", f.method);
    }
    // Quantiles are ordered and widen outwards.
    for k in 0..8 {
        assert!(f.p50[k] <= f.p90[k] && f.p90[k] <= f.p95[k], "{k}: {} {} {}", f.p50[k], f.p90[k], f.p95[k]);
    }
    assert!(f.p95[7] - f.p50[7] >= f.p95[0] - f.p50[0]);
    assert!(f.backtest.as_ref().unwrap().mase.unwrap() < 1.0, "beats the naive forecast");
}

#[test]
fn exponential_growth_is_recovered() {
    // 5 % a period ± 1 %, 24 periods: the log-linear fit finds the rate.
    let mut e = noise(11);
    let y: Vec<f64> = (0..24).map(|t| 200.0 * 1.05f64.powi(t) * (1.0 + 0.01 * e())).collect();
    let logs: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let (_, rate) = least_squares(&logs);
    assert!(close(rate.exp(), 1.05, 0.003), "growth {}", rate.exp());
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 8, season: None }).unwrap();
    for (k, v) in f.p50.iter().enumerate() {
        let truth = 200.0 * 1.05f64.powi(24 + k as i32);
        assert!((v / truth - 1.0).abs() < 0.04, "period {k}: {v} vs {truth} ({:?})", f.method);
    }
    // A straight line falls behind compounding growth.
    let linear = run(&y, &Options { choice: Choice::Method(Method::Linear), horizon: 8, season: None }).unwrap();
    assert!(linear.backtest.unwrap().mase > f.backtest.unwrap().mase);
}

#[test]
fn monthly_seasonality_is_recovered() {
    // Four years of months: trend × (1 + 0.2 sin(2πt/12)) ± 1 %.
    let season = |t: usize| 1.0 + 0.2 * (2.0 * std::f64::consts::PI * t as f64 / 12.0).sin();
    let mut e = noise(3);
    let y: Vec<f64> = (0..48).map(|t| (1000.0 + 10.0 * t as f64) * season(t) * (1.0 + 0.01 * e())).collect();
    let indices = seasonal_indices(&y, 12).unwrap();
    for (j, s) in indices.iter().enumerate() {
        assert!(close(*s, season(j), 0.03), "month {j}: {s} vs {}", season(j));
    }
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 12, season: Some(12) }).unwrap();
    assert!(f.seasonal, "auto keeps the seasonal candidate");
    for (k, v) in f.p50.iter().enumerate() {
        let t = 48 + k;
        let truth = (1000.0 + 10.0 * t as f64) * season(t);
        assert!((v / truth - 1.0).abs() < 0.05, "month {k}: {v} vs {truth}");
    }
    // Without seasonality the same series forecasts far worse.
    let flat = run(&y, &Options { choice: Choice::Auto, horizon: 12, season: None }).unwrap();
    let error =
        |p: &[f64]| p.iter().enumerate().map(|(k, v)| (v / ((1000.0 + 10.0 * (48 + k) as f64) * season(48 + k)) - 1.0).abs()).sum::<f64>();
    assert!(error(&f.p50) < error(&flat.p50) / 2.0, "{} vs {}", error(&f.p50), error(&flat.p50));
}

#[test]
fn quarterly_seasonality_is_found_and_a_trend_alone_is_not_seasonal() {
    // Ten years of quarters: a strong winter peak on a rising trend.
    let peak = [1.3, 0.9, 0.8, 1.0];
    let mut e = noise(5);
    let y: Vec<f64> = (0..40).map(|t| (500.0 + 8.0 * t as f64) * peak[t % 4] * (1.0 + 0.01 * e())).collect();
    assert!(is_seasonal(&y, 4));
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 8, season: Some(4) }).unwrap();
    assert!(f.seasonal, "{:?}", f.notes);
    for (k, v) in f.p50.iter().enumerate() {
        let truth = (500.0 + 8.0 * (40 + k) as f64) * peak[(40 + k) % 4];
        assert!((v / truth - 1.0).abs() < 0.05, "quarter {k}: {v} vs {truth}");
    }
    // A trend is autocorrelated at every lag; without it nothing is left.
    let line: Vec<f64> = (0..40).map(|t| (500.0 + 8.0 * t as f64) * (1.0 + 0.01 * e())).collect();
    assert!(!is_seasonal(&line, 4));
    let f = run(&line, &Options { choice: Choice::Auto, horizon: 4, season: Some(4) }).unwrap();
    assert!(!f.seasonal && f.notes.iter().any(|n| n.contains("no seasonality found at lag 4")), "{:?}", f.notes);
}

#[test]
fn p50_is_the_forecast_and_quantiles_do_not_explode() {
    // Shampoo-like: noisy growth. p50 is the method's forecast exactly;
    // p90 and p95 lie above it within a few times the series' level.
    let mut e = noise(13);
    let y: Vec<f64> = (0..36).map(|t| (150.0 + 10.0 * t as f64) * (1.0 + 0.25 * e())).collect();
    for choice in [Choice::Auto, Choice::Method(Method::Holt), Choice::Method(Method::Linear)] {
        let f = run(&y, &Options { choice, horizon: 12, season: Some(12) }).unwrap();
        assert_eq!(f.p50, f.point);
        for k in 0..12 {
            assert!(f.p50[k] <= f.p90[k] && f.p90[k] <= f.p95[k]);
            assert!(f.p95[k] < f.p50[k] + 3.0 * 600.0, "{choice:?} period {k}: {} {}", f.p50[k], f.p95[k]);
        }
    }
}

#[test]
fn intermittent_demand_gets_croston_and_says_why_there_is_no_season() {
    // Mostly zero, a few units now and then, four years of months.
    let y: Vec<f64> = (0..48)
        .map(|t| {
            if t % 5 == 0 {
                2.0
            } else if t % 7 == 0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 6, season: Some(12) }).unwrap();
    assert!(f.candidates.iter().any(|c| c.method == Method::Croston), "{:?}", f.candidates);
    assert!(f.notes.iter().any(|n| n.contains("intermittent")), "{:?}", f.notes);
    assert!(f.notes.iter().any(|n| n.contains("seasonality not tried: it needs positive values")), "{:?}", f.notes);
    assert!(f.p50.iter().all(|v| v.is_finite() && *v >= 0.0 && *v < 2.0), "{:?}", f.p50);
}

#[test]
fn short_series_fall_back_and_say_so() {
    let options = |choice| Options { choice, horizon: 4, season: None };
    // Two points: no trend method fits; auto is naive, unbacktested.
    let f = run(&[5.0, 6.0], &options(Choice::Auto)).unwrap();
    assert_eq!(f.method, Method::Naive);
    assert_eq!(f.p50, [6.0; 4]);
    assert!(f.backtest.is_none());
    assert!(f.notes.iter().any(|n| n.contains("too few to backtest")), "{:?}", f.notes);
    assert!(f.notes.iter().any(|n| n.contains("p50, p90 and p95 equal the forecast")), "{:?}", f.notes);
    // Asked for Holt on three points: an error, not a guess.
    let err = run(&[5.0, 6.0, 7.0], &options(Choice::Method(Method::Holt))).unwrap_err();
    assert!(err.contains("holt needs at least 4 points"), "{err}");
    // Monthly but one year only: no seasonality, and a note.
    let f = run(&[10.0; 14], &Options { choice: Choice::Auto, horizon: 2, season: Some(12) }).unwrap();
    assert!(!f.seasonal);
    assert!(f.notes.iter().any(|n| n.contains("seasonality not tried: it needs three full seasons (36 values)")), "{:?}", f.notes);
}

#[test]
fn arima_joins_the_ensemble_and_never_shortens_the_backtest() {
    // Ten years of quarters with a season: ARIMA is a candidate, and the
    // ensemble averages it with the best of the backtest.
    let peak = [1.3, 0.9, 0.8, 1.0];
    let mut e = noise(17);
    let y: Vec<f64> = (0..40).map(|t| (500.0 + 8.0 * t as f64) * peak[t % 4] * (1.0 + 0.02 * e())).collect();
    let f = run(&y, &Options { choice: Choice::Auto, horizon: 8, season: Some(4) }).unwrap();
    let ensemble = f.backtest.as_ref().unwrap();
    assert_eq!(ensemble.method, Method::Ensemble);
    assert!(ensemble.members.contains(&Method::Arima), "{:?}", ensemble.members);
    assert!(ensemble.members.len() == ENSEMBLE || ensemble.members.len() == ENSEMBLE + 1);
    let arima = f.candidates.iter().find(|c| c.method == Method::Arima).unwrap();
    assert!(arima.seasonal && arima.min_train == 20, "{arima:?}");
    // Alone, on the same series, it follows the season within a few
    // percent.
    let alone = run(&y, &Options { choice: Choice::Method(Method::Arima), horizon: 8, season: Some(4) }).unwrap();
    for (k, v) in alone.p50.iter().enumerate() {
        let truth = (500.0 + 8.0 * (40 + k) as f64) * peak[(40 + k) % 4];
        assert!((v / truth - 1.0).abs() < 0.06, "quarter {k}: {v} vs {truth}");
    }
    // Twelve points: the others' backtest starts at 6, before ARIMA could
    // fit; it is left out with a note rather than moving that start.
    let short: Vec<f64> = (0..12).map(|t| 100.0 + 3.0 * t as f64).collect();
    let f = run(&short, &Options { choice: Choice::Auto, horizon: 4, season: None }).unwrap();
    assert!(f.candidates.iter().all(|c| c.method != Method::Arima && c.min_train == 6), "{:?}", f.candidates);
    assert!(f.notes.iter().any(|n| n.contains("arima not tried: it needs 12 points")), "{:?}", f.notes);
    // Asked for on its own, it says how many points it needs.
    let err = run(&short[..8], &Options { choice: Choice::Method(Method::Arima), horizon: 4, season: None }).unwrap_err();
    assert!(err.contains("arima needs at least 12 points"), "{err}");
}
