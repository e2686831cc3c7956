//! What-if scenarios: changes to an organisation — demand, launches,
//! clusters, supply, prices — to plan beside the organisation as it is.
//!
//! A scenario never adds or removes an item, so every id of the
//! organisation means the same in the changed one: plans of scenarios
//! compare with the plan as is by name and by id.

use crate::ids::*;
use crate::org::{Change as CapChange, Organisation, Schedule};
use crate::period::Period;
use crate::span::Span;
use crate::Series;

/// A named set of changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Its name, unique among the scenarios of a run.
    pub name: String,
    /// What it is about, for people.
    pub description: Option<String>,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
}

/// One change, with every name resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Organic (forecast) demand × `factor`: of the services given (all if
    /// none), from the regions given (all, and demand with no region, if
    /// none), in `from` and later periods (all if none).
    Demand {
        /// What organic demand is multiplied by.
        factor: f64,
        /// The services changed; all if `None`.
        services: Option<Vec<ServiceId>>,
        /// The users' regions changed; all if `None`.
        regions: Option<Vec<RegionId>>,
        /// The first period changed; all if `None`.
        from: Option<Period>,
    },
    /// A launch (an inorganic event of a service) moved later by
    /// `delay_months`, its effect × `scale`, or cancelled.
    Event {
        /// The service whose event it is.
        service: ServiceId,
        /// The event's name.
        event: String,
        /// Months it moves later.
        delay_months: u32,
        /// What its effect is multiplied by.
        scale: f64,
        /// Whether it is removed.
        cancel: bool,
    },
    /// A cluster's limits and supply changed. Caps given with `from`
    /// change from that period on (earlier changes stay); without, for the
    /// whole horizon.
    Cluster {
        /// The cluster changed.
        cluster: ClusterId,
        /// The first period of the new caps; the whole horizon if `None`.
        from: Option<Period>,
        /// The new power cap, in kW.
        power_cap_kw: Option<f64>,
        /// The new space cap, in machine slots.
        space_cap: Option<f64>,
        /// The machine types it can order instead.
        can_order: Option<Vec<MachineTypeId>>,
        /// The new lead time.
        lead_time_months: Option<u32>,
        /// The new delivery limit per month.
        max_deliveries_per_month: Option<f64>,
    },
    /// Every order (of the clusters given, all if none) takes this many
    /// months longer to arrive.
    LeadTime {
        /// Months added to the lead time.
        add_months: u32,
        /// The clusters changed; all if `None`.
        clusters: Option<Vec<ClusterId>>,
    },
    /// A machine type's price or power draw changed.
    MachineType {
        /// The machine type changed.
        machine_type: MachineTypeId,
        /// Its new capital cost per machine.
        capital_cost: Option<f64>,
        /// Its new running cost per machine and month.
        running_cost_per_month: Option<f64>,
        /// Its new power draw per machine, in kW.
        power_kw: Option<f64>,
    },
}

impl Scenario {
    /// The organisation with every change applied, in order.
    pub fn apply(&self, org: &Organisation) -> Organisation {
        let mut out = org.clone();
        for change in &self.changes {
            change.apply(&mut out);
        }
        out
    }
}

/// A series name no forecast file can hold: a service's own copy of a
/// series it shares with services a change leaves alone.
fn private_series(series: &str, service: &str) -> String {
    format!("{series}\u{0}{service}")
}

impl Change {
    fn apply(&self, org: &mut Organisation) {
        match self {
            Change::Demand { factor, services, regions, from } => {
                let chosen: Vec<ServiceId> = services.clone().unwrap_or_else(|| org.service_ids().collect());
                let mut scaled: Vec<String> = Vec::new();
                for &s in &chosen {
                    let series = org.service(s).demand.text.clone();
                    if scaled.contains(&series) {
                        continue;
                    }
                    // A series other services plan from too is copied for
                    // this one, so the change stays with the services named.
                    let shared = org.service_ids().any(|o| !chosen.contains(&o) && org.service(o).demand.text == series);
                    let target = if shared {
                        let name = private_series(&series, &org.service(s).name.text);
                        let Some(copy) = org.forecast.series(&series).cloned() else { continue };
                        insert_series(&mut org.forecast.series, Series { name: name.clone(), ..copy });
                        org.services[s.index()].demand.text = name.clone();
                        name
                    } else {
                        scaled.push(series.clone());
                        series
                    };
                    let periods = org.forecast.periods.clone();
                    let Ok(i) = org.forecast.series.binary_search_by(|x| x.name.as_str().cmp(&target)) else { continue };
                    for origin in &mut org.forecast.series[i].origins {
                        if regions.as_ref().is_some_and(|r| !origin.region.is_some_and(|o| r.contains(&o))) {
                            continue;
                        }
                        for values in &mut origin.values {
                            for (t, v) in values.iter_mut().enumerate() {
                                if from.is_none_or(|f| periods.get(t).is_some_and(|p| p.start_month() >= f.start_month())) {
                                    *v *= factor;
                                }
                            }
                        }
                    }
                }
            }
            Change::Event { service, event, delay_months, scale, cancel } => {
                let events = &mut org.services[service.index()].events;
                let Some(i) = events.iter().position(|e| e.name.text == *event) else { return };
                if *cancel {
                    events.remove(i);
                    return;
                }
                let e = &mut events[i];
                let step = e.from.granularity().months();
                e.from = e.from.offset((*delay_months / step) as i32);
                e.effect = match e.effect {
                    crate::Effect::Add(x) => crate::Effect::Add(x * scale),
                    crate::Effect::Multiply(f) => crate::Effect::Multiply(1.0 + (f - 1.0) * scale),
                };
            }
            Change::Cluster { cluster, from, power_cap_kw, space_cap, can_order, lead_time_months, max_deliveries_per_month } => {
                let c = &mut org.clusters[cluster.index()];
                if let Some(cap) = power_cap_kw {
                    set_cap(&mut c.power_cap_kw, *cap, *from);
                }
                if let Some(cap) = space_cap {
                    set_cap(&mut c.space_cap, *cap, *from);
                }
                if let Some(types) = can_order {
                    c.orderable = types.clone();
                }
                if let Some(months) = lead_time_months {
                    c.lead_time_months = *months;
                }
                if let Some(n) = max_deliveries_per_month {
                    c.max_deliveries_per_month = Some(*n);
                }
            }
            Change::LeadTime { add_months, clusters } => {
                for (i, c) in org.clusters.iter_mut().enumerate() {
                    if clusters.as_ref().is_none_or(|cs| cs.contains(&ClusterId::from_index(i))) {
                        c.lead_time_months = c.lead_time_months.saturating_add(*add_months);
                    }
                }
            }
            Change::MachineType { machine_type, capital_cost, running_cost_per_month, power_kw } => {
                let m = &mut org.machine_types[machine_type.index()];
                if let Some(x) = capital_cost {
                    m.capital_cost = *x;
                }
                if let Some(x) = running_cost_per_month {
                    m.running_cost_per_month = *x;
                }
                if let Some(x) = power_kw {
                    m.power_kw = *x;
                }
            }
        }
    }
}

/// Keeps the forecast's series sorted by name (its lookups search them).
fn insert_series(series: &mut Vec<Series>, new: Series) {
    match series.binary_search_by(|s| s.name.cmp(&new.name)) {
        Ok(i) => series[i] = new,
        Err(i) => series.insert(i, new),
    }
}

/// A cap set to `value`: from `from` on (replacing the schedule's later
/// changes), or for the whole horizon.
fn set_cap(schedule: &mut Schedule, value: f64, from: Option<Period>) {
    match from {
        None => *schedule = Schedule::constant(value),
        Some(from) => {
            schedule.changes.retain(|c| c.from.start_month() < from.start_month());
            schedule.changes.push(CapChange { from, value, span: Span::NONE });
        }
    }
}
