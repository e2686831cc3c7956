//! Demand: the organic forecast as loaded, and the direct demand of each
//! service once its inorganic events are applied.

use crate::ids::{RegionId, ServiceId};
use crate::org::{Effect, Organisation, Quantile};
use crate::period::Period;

/// Organic demand of one series from one origin, per horizon period.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// Region the demand comes from; `None` for demand with no region.
    pub region: Option<RegionId>,
    /// `values[quantile][period]`; a quantile the forecast lacks is empty.
    /// In a history, the periods are the origin's own: from its first to
    /// the last of the history (services start at different times).
    pub values: [Vec<f64>; 4],
}

/// One demand series of the forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The series' name, as services' `demand` names it.
    pub name: String,
    /// Sorted by region, `None` first.
    pub origins: Vec<Origin>,
}

/// The organic demand forecast over the planning horizon.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Forecast {
    /// Contiguous, ascending, all of one granularity.
    pub periods: Vec<Period>,
    /// Which quantile columns the forecast has.
    pub quantiles: Vec<Quantile>,
    /// Sorted by name.
    pub series: Vec<Series>,
}

impl Forecast {
    /// The series of this name, if any.
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.binary_search_by(|s| s.name.as_str().cmp(name)).ok().map(|i| &self.series[i])
    }

    /// The position of `period` in the horizon, if it is in it (and of its granularity).
    pub fn period_index(&self, period: Period) -> Option<usize> {
        let first = *self.periods.first()?;
        if period.granularity() != first.granularity() {
            return None;
        }
        let i = first.steps_to(period);
        (i >= 0 && (i as usize) < self.periods.len()).then_some(i as usize)
    }

    /// Months per period: 3 for quarters, 1 for months (3 without periods).
    pub fn months_per_period(&self) -> u32 {
        self.periods.first().map_or(3, |p| p.granularity().months())
    }
}

/// Direct demand (organic plus inorganic, before demand induced by
/// dependents) of one service from one origin, per period.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectDemand {
    /// The users' region; `None` for demand from anywhere.
    pub region: Option<RegionId>,
    /// Organic (forecast) demand, per period.
    pub organic: Vec<f64>,
    /// What inorganic events add or remove, per period (never below zero in total).
    pub inorganic: Vec<f64>,
}

impl DirectDemand {
    /// All of it in period `t`.
    pub fn total(&self, t: usize) -> f64 {
        self.organic[t] + self.inorganic[t]
    }
}

impl Organisation {
    /// The direct demand of service `s` per origin, at its planning quantile.
    ///
    /// Inorganic events: `Add(x)` adds `x` units, ramped; with a region it
    /// goes to that origin (creating it if the forecast has none there),
    /// without one it is split over the origins in proportion to their
    /// organic demand in that period (evenly if all are zero).
    /// `Multiply(f)` adds `(f − 1) ×` organic demand, ramped, to every
    /// origin (or the one named). Events never make demand negative
    /// (the loader refuses events that would: [`Self::below_zero`]).
    pub fn direct_demand(&self, s: ServiceId) -> Vec<DirectDemand> {
        let mut out = self.direct_demand_unclamped(s);
        for d in &mut out {
            for t in 0..d.organic.len() {
                if d.organic[t] + d.inorganic[t] < 0.0 {
                    d.inorganic[t] = -d.organic[t];
                }
            }
        }
        out
    }

    /// The first period and origin in which service `s`'s events would take
    /// its demand below zero: (period index, region, demand without events,
    /// what the events change). `None` if they never do.
    pub fn below_zero(&self, s: ServiceId) -> Option<(usize, Option<RegionId>, f64, f64)> {
        let out = self.direct_demand_unclamped(s);
        (0..self.forecast.periods.len()).find_map(|t| {
            out.iter()
                .find(|d| d.organic[t] + d.inorganic[t] < -1e-9 * d.organic[t].abs().max(1.0))
                .map(|d| (t, d.region, d.organic[t], d.inorganic[t]))
        })
    }

    fn direct_demand_unclamped(&self, s: ServiceId) -> Vec<DirectDemand> {
        let service = self.service(s);
        let horizon = self.forecast.periods.len();
        let q = service.quantile.index();
        let mut out: Vec<DirectDemand> = match self.forecast.series(&service.demand.text) {
            Some(series) => series
                .origins
                .iter()
                .map(|o| DirectDemand {
                    region: o.region,
                    organic: if o.values[q].len() == horizon { o.values[q].clone() } else { vec![0.0; horizon] },
                    inorganic: vec![0.0; horizon],
                })
                .collect(),
            None => Vec::new(),
        };
        for event in &service.events {
            if let Some(region) = event.region {
                if !out.iter().any(|d| d.region == Some(region)) {
                    out.push(DirectDemand { region: Some(region), organic: vec![0.0; horizon], inorganic: vec![0.0; horizon] });
                }
            }
        }
        out.sort_by_key(|d| d.region);
        for event in &service.events {
            for (t, &period) in self.forecast.periods.iter().enumerate() {
                let share = event.ramp_share(period);
                if share == 0.0 {
                    continue;
                }
                let targets: Vec<usize> = (0..out.len()).filter(|&i| event.region.is_none() || out[i].region == event.region).collect();
                match event.effect {
                    Effect::Add(x) => {
                        let organic: f64 = targets.iter().map(|&i| out[i].organic[t]).sum();
                        for &i in &targets {
                            let weight = if organic > 0.0 { out[i].organic[t] / organic } else { 1.0 / targets.len() as f64 };
                            out[i].inorganic[t] += share * x * weight;
                        }
                    }
                    Effect::Multiply(f) => {
                        for &i in &targets {
                            out[i].inorganic[t] += share * (f - 1.0) * out[i].organic[t];
                        }
                    }
                }
            }
        }
        out
    }
}
