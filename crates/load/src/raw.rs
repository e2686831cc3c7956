//! The files as written: one struct per RON type, names not yet resolved.
//!
//! See the README's file format reference; field names here are the
//! contract with users' files.

use headroom_model::{Level, Name, Period, Quantile, Span};

use crate::decode::{Decoder, Fields};
use crate::ron::{Kind, Value};

/// A period with where it was written.
pub type At = (Period, Span);

#[derive(Debug, Default)]
pub struct TopologyFile {
    pub resources: Vec<RawResource>,
    pub machine_types: Vec<RawMachineType>,
    pub regions: Vec<Name>,
    pub clusters: Vec<RawCluster>,
    pub latency: Option<RawLatency>,
}

#[derive(Debug)]
pub struct RawResource {
    pub name: Name,
    pub unit: String,
}

#[derive(Debug)]
pub struct RawMachineType {
    pub name: Name,
    pub resources: Vec<(Name, f64)>,
    pub capital_cost: f64,
    pub running_cost_per_month: f64,
    pub power_kw: f64,
}

#[derive(Debug)]
pub struct RawCluster {
    pub name: Name,
    pub region: Name,
    pub failure_domain: Option<Name>,
    pub power_cap_kw: f64,
    pub power_cap_changes: Vec<(At, f64)>,
    pub space_cap: f64,
    pub space_cap_changes: Vec<(At, f64)>,
    pub fleet: Vec<(Name, u32)>,
    pub retirements: Vec<RawRetirement>,
    pub can_order: Vec<Name>,
    pub lead_time_months: u32,
    /// Machines a month (a decimal: `max_deliveries` of 50 a quarter is
    /// 16.67 a month).
    pub max_deliveries_per_month: Option<f64>,
    pub utilisation_target: f64,
}

#[derive(Debug)]
pub struct RawRetirement {
    pub period: At,
    pub machine_type: Name,
    pub count: u32,
    pub span: Span,
}

#[derive(Debug)]
pub struct RawLatency {
    pub span: Span,
    /// Inside a region, unless `within` gives that region's own.
    pub intra_region_ms: f64,
    pub within: Vec<(Name, f64, Span)>,
    pub between: Vec<(Name, Name, f64, Span)>,
}

#[derive(Debug)]
pub struct TeamFile {
    pub name: Name,
    pub services: Vec<RawService>,
}

#[derive(Debug)]
pub struct RawService {
    pub name: Name,
    pub demand: Option<Name>,
    pub unit: String,
    pub per_unit: Vec<(Name, f64)>,
    pub redundancy: (u32, Level),
    pub max_latency_ms: Option<f64>,
    pub allowed_regions: Option<Vec<Name>>,
    pub forbidden_regions: Vec<Name>,
    pub allowed_clusters: Option<Vec<Name>>,
    pub forbidden_clusters: Vec<Name>,
    pub max_region_share: Option<f64>,
    pub max_cluster_share: Option<f64>,
    pub depends_on: Vec<RawDependency>,
    pub priority: u32,
    pub events: Vec<RawEvent>,
    pub quantile: Option<Quantile>,
}

#[derive(Debug)]
pub struct RawDependency {
    pub service: Name,
    pub ratio: f64,
    pub max_latency_ms: Option<f64>,
    pub span: Span,
}

#[derive(Debug)]
pub struct RawEvent {
    pub name: Name,
    pub from: At,
    pub effect: headroom_model::Effect,
    pub ramp_periods: u32,
    pub region: Option<Name>,
    pub span: Span,
}

/// Default share of a cluster's resources that may be allocated.
pub const DEFAULT_UTILISATION_TARGET: f64 = 0.8;
/// Default priority of a service.
pub const DEFAULT_PRIORITY: u32 = 1;

/// Runs every decoder in a struct so all mistakes are reported, then
/// builds the value only if all succeeded.
macro_rules! all {
    ($($field:ident = $e:expr;)*) => {{
        $(let $field = $e;)*
        (|| Some(($($field?,)*)))()
    }};
}

pub fn topology(d: &mut Decoder, v: &Value) -> Option<TopologyFile> {
    let f = d.fields(v, "Topology", &["resources", "machine_types", "regions", "clusters", "latency"])?;
    let (resources, machine_types, regions, clusters, latency) = all! {
        resources = d.opt(&f, "resources", |d, v| d.items(v, |d, v| d.named(v, "resource", resource)));
        machine_types = d.opt(&f, "machine_types", |d, v| d.items(v, |d, v| d.named(v, "machine type", machine_type)));
        regions = d.opt(&f, "regions", |d, v| d.items(v, |d, v| d.named(v, "region", region)));
        clusters = d.opt(&f, "clusters", |d, v| d.items(v, |d, v| d.named(v, "cluster", cluster)));
        latency = d.opt(&f, "latency", latency);
    }?;
    Some(TopologyFile {
        resources: resources.unwrap_or_default(),
        machine_types: machine_types.unwrap_or_default(),
        regions: regions.unwrap_or_default(),
        clusters: clusters.unwrap_or_default(),
        latency,
    })
}

fn resource(d: &mut Decoder, v: &Value) -> Option<RawResource> {
    let f = d.fields(v, "Resource", &["name", "unit"])?;
    let (name, unit) = all! {
        name = d.req(&f, "name", Decoder::name);
        unit = d.opt(&f, "unit", Decoder::string);
    }?;
    Some(RawResource { name, unit: unit.map(|u| u.text).unwrap_or_default() })
}

fn machine_type(d: &mut Decoder, v: &Value) -> Option<RawMachineType> {
    let f = d.fields(v, "MachineType", &["name", "resources", "capital_cost", "running_cost_per_month", "power_kw"])?;
    let (name, resources, capital_cost, running_cost_per_month, power_kw) = all! {
        name = d.req(&f, "name", Decoder::name);
        resources = d.req(&f, "resources", |d, v| d.map_of(v, "resource", Decoder::non_negative));
        capital_cost = d.req(&f, "capital_cost", Decoder::non_negative);
        running_cost_per_month = d.req(&f, "running_cost_per_month", Decoder::non_negative);
        power_kw = d.req(&f, "power_kw", Decoder::non_negative);
    }?;
    Some(RawMachineType { name, resources, capital_cost, running_cost_per_month, power_kw })
}

fn region(d: &mut Decoder, v: &Value) -> Option<Name> {
    let f = d.fields(v, "Region", &["name"])?;
    d.req(&f, "name", Decoder::name)
}

fn schedule(d: &mut Decoder, v: &Value) -> Option<Vec<(At, f64)>> {
    let Kind::Map(entries) = &v.kind else {
        d.error(
            v.span,
            "wrong-type",
            format!("expected a map `{{\"2027Q3\": value}}`, found {}", v.kind.describe()),
            "expected a map of period to value",
            None,
        );
        return None;
    };
    let decoded: Vec<Option<(At, f64)>> = entries
        .iter()
        .map(|(k, val)| {
            let (period, value) = (d.period(k), d.non_negative(val));
            Some((period?, value?))
        })
        .collect();
    let mut out: Vec<(At, f64)> = decoded.into_iter().collect::<Option<_>>()?;
    out.sort_by_key(|((p, _), _)| p.start_month());
    for pair in out.windows(2) {
        if pair[0].0 .0.start_month() == pair[1].0 .0.start_month() {
            d.error(
                pair[1].0 .1,
                "duplicate-key",
                format!("two changes from {}", pair[1].0 .0),
                "same period as another change",
                Some("keep one change per period".into()),
            );
            return None;
        }
    }
    Some(out)
}

fn cluster(d: &mut Decoder, v: &Value) -> Option<RawCluster> {
    const FIELDS: &[&str] = &[
        "name",
        "region",
        "failure_domain",
        "power_cap_kw",
        "power_cap_changes",
        "space_cap",
        "space_cap_changes",
        "fleet",
        "retirements",
        "can_order",
        "lead_time_months",
        "max_deliveries_per_month",
        "max_deliveries",
        "utilisation_target",
    ];
    let f = d.fields(v, "Cluster", FIELDS)?;
    let x = all! {
        name = d.req(&f, "name", Decoder::name);
        region = d.req(&f, "region", |d, v| d.reference(v, "region"));
        failure_domain = d.opt(&f, "failure_domain", Decoder::name);
        power_cap_kw = d.req(&f, "power_cap_kw", Decoder::non_negative);
        power_cap_changes = d.opt(&f, "power_cap_changes", schedule);
        space_cap = d.req(&f, "space_cap", Decoder::non_negative);
        space_cap_changes = d.opt(&f, "space_cap_changes", schedule);
        fleet = d.opt(&f, "fleet", |d, v| d.map_of(v, "machine type", Decoder::count));
        retirements = d.opt(&f, "retirements", |d, v| d.list(v, retirement));
        can_order = d.opt(&f, "can_order", |d, v| d.list(v, |d, v| d.reference(v, "machine type")));
        lead_time_months = d.req(&f, "lead_time_months", Decoder::count);
        max_deliveries_per_month = d.opt(&f, "max_deliveries_per_month", Decoder::non_negative);
        max_deliveries = d.opt(&f, "max_deliveries", deliveries);
        utilisation_target = d.opt(&f, "utilisation_target", Decoder::share);
    }?;
    let (
        name,
        region,
        failure_domain,
        power_cap_kw,
        power_cap_changes,
        space_cap,
        space_cap_changes,
        fleet,
        retirements,
        can_order,
        lead_time_months,
        max_deliveries_per_month,
        max_deliveries,
        utilisation_target,
    ) = x;
    let max_deliveries_per_month = match (max_deliveries_per_month, max_deliveries) {
        (Some(_), Some(_)) => {
            d.error(
                f.span,
                "bad-value",
                format!("cluster `{}` gives both `max_deliveries_per_month` and `max_deliveries`", name.text),
                "give one of them",
                Some("keep the one in the unit your vendor quotes".into()),
            );
            return None;
        }
        (per_month, None) => per_month,
        (None, Some((machines, months))) => Some(machines / months as f64),
    };
    Some(RawCluster {
        name,
        region,
        failure_domain,
        power_cap_kw,
        power_cap_changes: power_cap_changes.unwrap_or_default(),
        space_cap,
        space_cap_changes: space_cap_changes.unwrap_or_default(),
        fleet: fleet.unwrap_or_default(),
        retirements: retirements.unwrap_or_default(),
        can_order: can_order.unwrap_or_default(),
        lead_time_months,
        max_deliveries_per_month,
        utilisation_target: utilisation_target.unwrap_or(DEFAULT_UTILISATION_TARGET),
    })
}

/// `Deliveries(machines: 50, months: 3)`: at most 50 machines every three
/// months, as a quarterly planner writes it.
fn deliveries(d: &mut Decoder, v: &Value) -> Option<(f64, u32)> {
    let f = d.fields(v, "Deliveries", &["machines", "months"])?;
    let (machines, months) = all! {
        machines = d.req(&f, "machines", Decoder::count);
        months = d.req(&f, "months", Decoder::count);
    }?;
    if months == 0 {
        d.error(
            f.span,
            "bad-value",
            "deliveries over 0 months",
            "months must be at least 1",
            Some("write `months: 3` for a quarter".into()),
        );
        return None;
    }
    Some((f64::from(machines), months))
}

fn retirement(d: &mut Decoder, v: &Value) -> Option<RawRetirement> {
    let f = d.fields(v, "Retirement", &["period", "machine_type", "count"])?;
    let (period, machine_type, count) = all! {
        period = d.req(&f, "period", Decoder::period);
        machine_type = d.req(&f, "machine_type", |d, v| d.reference(v, "machine type"));
        count = d.req(&f, "count", Decoder::count);
    }?;
    Some(RawRetirement { period, machine_type, count, span: v.span })
}

fn latency(d: &mut Decoder, v: &Value) -> Option<RawLatency> {
    let f = d.fields(v, "Latency", &["intra_region_ms", "within", "between"])?;
    let (intra_region_ms, within, between) = all! {
        intra_region_ms = d.req(&f, "intra_region_ms", Decoder::non_negative);
        within = d.opt(&f, "within", |d, v| d.list(v, latency_within));
        between = d.opt(&f, "between", |d, v| d.list(v, latency_pair));
    }?;
    Some(RawLatency { span: f.span, intra_region_ms, within: within.unwrap_or_default(), between: between.unwrap_or_default() })
}

fn latency_within(d: &mut Decoder, v: &Value) -> Option<(Name, f64, Span)> {
    match &v.kind {
        Kind::Tuple { name: None, items } if items.len() == 2 => {
            let (region, ms) = all! {
                region = d.name(&items[0]);
                ms = d.non_negative(&items[1]);
            }?;
            Some((region, ms, v.span))
        }
        _ => {
            d.error(
                v.span,
                "wrong-type",
                format!("expected a `(\"region\", ms)` pair, found {}", v.kind.describe()),
                "expected (region, milliseconds)",
                Some("write (\"us-east\", 2)".into()),
            );
            None
        }
    }
}

fn latency_pair(d: &mut Decoder, v: &Value) -> Option<(Name, Name, f64, Span)> {
    match &v.kind {
        Kind::Tuple { name: None, items } if items.len() == 3 => {
            let (a, b, ms) = all! {
                a = d.name(&items[0]);
                b = d.name(&items[1]);
                ms = d.non_negative(&items[2]);
            }?;
            Some((a, b, ms, v.span))
        }
        _ => {
            d.error(
                v.span,
                "wrong-type",
                format!("expected a `(\"region-a\", \"region-b\", ms)` triple, found {}", v.kind.describe()),
                "expected (region, region, milliseconds)",
                Some("write (\"us-east\", \"eu-west\", 75)".into()),
            );
            None
        }
    }
}

pub fn team(d: &mut Decoder, v: &Value) -> Option<TeamFile> {
    let f = d.fields(v, "Team", &["name", "services"])?;
    let (name, services) = all! {
        name = d.req(&f, "name", Decoder::name);
        services = d.req(&f, "services", |d, v| d.items(v, |d, v| d.named(v, "service", service)));
    }?;
    Some(TeamFile { name, services })
}

fn service(d: &mut Decoder, v: &Value) -> Option<RawService> {
    const FIELDS: &[&str] = &[
        "name",
        "demand",
        "unit",
        "per_unit",
        "redundancy",
        "max_latency_ms",
        "allowed_regions",
        "forbidden_regions",
        "allowed_clusters",
        "forbidden_clusters",
        "max_region_share",
        "max_cluster_share",
        "depends_on",
        "priority",
        "events",
        "quantile",
    ];
    let f = d.fields(v, "Service", FIELDS)?;
    let regions = |d: &mut Decoder, v: &Value| d.list(v, |d, v| d.reference(v, "region"));
    let clusters = |d: &mut Decoder, v: &Value| d.list(v, |d, v| d.reference(v, "cluster"));
    let x = all! {
        name = d.req(&f, "name", Decoder::name);
        demand = d.opt(&f, "demand", Decoder::name);
        unit = d.req(&f, "unit", Decoder::string);
        per_unit = d.req(&f, "per_unit", |d, v| d.map_of(v, "resource", Decoder::non_negative));
        redundancy = d.req(&f, "redundancy", redundancy);
        max_latency_ms = d.opt(&f, "max_latency_ms", Decoder::non_negative);
        allowed_regions = d.opt(&f, "allowed_regions", regions);
        forbidden_regions = d.opt(&f, "forbidden_regions", regions);
        allowed_clusters = d.opt(&f, "allowed_clusters", clusters);
        forbidden_clusters = d.opt(&f, "forbidden_clusters", clusters);
        max_region_share = d.opt(&f, "max_region_share", Decoder::share);
        max_cluster_share = d.opt(&f, "max_cluster_share", Decoder::share);
        depends_on = d.opt(&f, "depends_on", |d, v| d.list(v, dependency));
        priority = d.opt(&f, "priority", |d, v| d.between(v, 0.0, headroom_model::limits::MAX_PRIORITY as f64).and_then(|_| d.count(v)));
        events = d.opt(&f, "events", |d, v| d.list(v, event));
        quantile = d.opt(&f, "quantile", quantile);
    }?;
    let (
        name,
        demand,
        unit,
        per_unit,
        redundancy,
        max_latency_ms,
        allowed_regions,
        forbidden_regions,
        allowed_clusters,
        forbidden_clusters,
        max_region_share,
        max_cluster_share,
        depends_on,
        priority,
        events,
        quantile,
    ) = x;
    Some(RawService {
        name,
        demand,
        unit: unit.text,
        per_unit,
        redundancy,
        max_latency_ms,
        allowed_regions,
        forbidden_regions: forbidden_regions.unwrap_or_default(),
        allowed_clusters,
        forbidden_clusters: forbidden_clusters.unwrap_or_default(),
        max_region_share,
        max_cluster_share,
        depends_on: depends_on.unwrap_or_default(),
        priority: priority.unwrap_or(DEFAULT_PRIORITY),
        events: events.unwrap_or_default(),
        quantile,
    })
}

fn redundancy(d: &mut Decoder, v: &Value) -> Option<(u32, Level)> {
    let f = d.fields(v, "Redundancy", &["n_plus", "across"])?;
    let (k, level) = all! {
        k = d.req(&f, "n_plus", Decoder::count);
        level = d.req(&f, "across", |d, v| d.variant(v, "redundancy level", &["Cluster", "FailureDomain", "Region"]));
    }?;
    let level = match level {
        "Cluster" => Level::Cluster,
        "FailureDomain" => Level::FailureDomain,
        _ => Level::Region,
    };
    Some((k, level))
}

fn quantile(d: &mut Decoder, v: &Value) -> Option<Quantile> {
    Some(match d.variant(v, "quantile", &["Demand", "P50", "P90", "P95"])? {
        "Demand" => Quantile::Demand,
        "P50" => Quantile::P50,
        "P90" => Quantile::P90,
        _ => Quantile::P95,
    })
}

fn dependency(d: &mut Decoder, v: &Value) -> Option<RawDependency> {
    let f = d.fields(v, "Dependency", &["service", "ratio", "max_latency_ms"])?;
    let (service, ratio, max_latency_ms) = all! {
        service = d.req(&f, "service", |d, v| d.reference(v, "service"));
        ratio = d.req(&f, "ratio", |d, v| d.between(v, 0.0, headroom_model::limits::MAX_RATIO));
        max_latency_ms = d.opt(&f, "max_latency_ms", Decoder::non_negative);
    }?;
    Some(RawDependency { service, ratio, max_latency_ms, span: v.span })
}

fn event(d: &mut Decoder, v: &Value) -> Option<RawEvent> {
    let f: Fields = d.fields(v, "Event", &["name", "from", "add", "multiply", "ramp_periods", "region"])?;
    let (name, from, add, multiply, ramp_periods, region) = all! {
        name = d.req(&f, "name", Decoder::name);
        from = d.req(&f, "from", Decoder::period);
        add = d.opt(&f, "add", |d, v| d.between(v, -headroom_model::limits::MAX_QUANTITY, headroom_model::limits::MAX_QUANTITY));
        multiply = d.opt(&f, "multiply", |d, v| d.between(v, 0.0, headroom_model::limits::MAX_MULTIPLY));
        ramp_periods = d.opt(&f, "ramp_periods", Decoder::count);
        region = d.opt(&f, "region", |d, v| d.reference(v, "region"));
    }?;
    let effect = match (add, multiply) {
        (Some(x), None) => headroom_model::Effect::Add(x),
        (None, Some(m)) => headroom_model::Effect::Multiply(m),
        (Some(_), Some(_)) => {
            d.error(
                f.span,
                "bad-value",
                format!("event `{}` gives both `add` and `multiply`", name.text),
                "give one of them",
                Some("split it into two events".into()),
            );
            return None;
        }
        (None, None) => {
            d.error(
                f.span,
                "missing-field",
                format!("event `{}` gives neither `add` nor `multiply`", name.text),
                "no effect",
                Some("add `add: 5000` (units of demand) or `multiply: 1.5` (× organic demand)".into()),
            );
            return None;
        }
    };
    let ramp_periods = ramp_periods.unwrap_or(1);
    if ramp_periods == 0 {
        let span = f.get("ramp_periods").map_or(f.span, |v| v.span);
        d.error(span, "bad-value", "`ramp_periods` must be at least 1", "0 periods", Some("1 means a step change in `from`".into()));
        return None;
    }
    Some(RawEvent { name, from, effect, ramp_periods, region, span: v.span })
}
