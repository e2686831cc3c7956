//! The organisation: fleet topology and service intents, with every name
//! resolved to a typed index.

use std::collections::HashMap;

use crate::ids::*;
use crate::period::Period;
use crate::span::Span;
use crate::Forecast;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    /// The name.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

impl Name {
    /// A name written at `span`.
    pub fn new(text: impl Into<String>, span: Span) -> Name {
        Name { text: text.into(), span }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Names are at most this many characters.
    pub const MAX_LEN: usize = 64;

    /// Why `text` cannot be a name, and a name to write instead; `None` if
    /// it can. Names reach file and directory names, markdown, HTML, CSV
    /// and CI annotations, so they keep to ASCII letters, digits, `-`,
    /// `_` and `.` (not first), at most [`Name::MAX_LEN`] characters.
    pub fn problem(text: &str) -> Option<(String, String)> {
        let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        let why = if text.is_empty() {
            "is empty"
        } else if !text.chars().all(fine) {
            "has characters other than letters, digits, `-`, `_` and `.`"
        } else if text.starts_with('.') {
            "starts with `.`"
        } else if text.chars().count() > Name::MAX_LEN {
            "is longer than 64 characters"
        } else {
            return None;
        };
        // Each run of other characters becomes one `-`.
        let mut dashed = String::new();
        for c in text.chars() {
            let c = if fine(c) { c } else { '-' };
            if !(c == '-' && dashed.ends_with('-')) {
                dashed.push(c);
            }
        }
        let mut suggestion: String = dashed.trim_start_matches(['.', '-']).trim_end_matches('-').chars().take(Name::MAX_LEN).collect();
        if suggestion.is_empty() {
            suggestion = "name".to_owned();
        }
        Some((why.to_owned(), suggestion))
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A value that a schedule sets from a period on.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The first period in which it is in force.
    pub from: Period,
    /// The value from then on.
    pub value: f64,
    /// Where the change was written.
    pub span: Span,
}

/// A cap that starts at `initial` and changes from given periods on.
/// Changes are kept sorted by period.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// The value before the first change.
    pub initial: f64,
    /// The changes, in time order.
    pub changes: Vec<Change>,
}

impl Schedule {
    /// A schedule that never changes.
    pub fn constant(value: f64) -> Schedule {
        Schedule { initial: value, changes: Vec::new() }
    }

    /// The value in force during `period`: the last change that starts no
    /// later than the period starts. Works across granularities (a change
    /// from `2027Q3` is in force from `2027-07`).
    pub fn at(&self, period: Period) -> f64 {
        self.changes.iter().rev().find(|c| c.from.start_month() <= period.start_month()).map_or(self.initial, |c| c.value)
    }
}

/// A dimension of capacity such as `cpu` or `ram_gib`.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The resource's name.
    pub name: Name,
    /// Its unit (cores, GiB, ...): for people.
    pub unit: String,
}

/// A machine type (SKU).
#[derive(Clone, Debug, PartialEq)]
pub struct MachineType {
    /// The machine type's name.
    pub name: Name,
    /// Capacity per machine, indexed by [`ResourceId`].
    pub capacity: Vec<f64>,
    /// Capital cost of one machine, paid when it is ordered.
    pub capital_cost: f64,
    /// Running cost of one machine for one month (power, space, support).
    pub running_cost_per_month: f64,
    /// Power draw of one machine in kW.
    pub power_kw: f64,
}

/// A region: clusters near one another, and users near them.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// The region's name.
    pub name: Name,
}

/// A failure domain: the clusters that can fail together.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureDomain {
    /// Its name: the one given, or the name of its only cluster.
    pub name: String,
    /// Its clusters, in definition order.
    pub clusters: Vec<ClusterId>,
}

/// Machines leaving a cluster's fleet from a period on.
#[derive(Clone, Debug, PartialEq)]
pub struct Retirement {
    /// The first period without the machines.
    pub period: Period,
    /// Their machine type.
    pub machine_type: MachineTypeId,
    /// How many leave.
    pub count: u32,
    /// Where the retirement was written.
    pub span: Span,
}

/// A cluster: a fleet of machines in one region, with its power, space and delivery limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// The cluster's name.
    pub name: Name,
    /// The region it is in.
    pub region: RegionId,
    /// The failure domain it belongs to (its own, unless one is named).
    pub failure_domain: DomainId,
    /// Power cap in kW.
    pub power_cap_kw: Schedule,
    /// Space cap in machines.
    pub space_cap: Schedule,
    /// Machines in place at the start of the horizon, per machine type.
    pub fleet: Vec<(MachineTypeId, u32)>,
    /// Machines leaving the fleet, in time order.
    pub retirements: Vec<Retirement>,
    /// Machine types this cluster can order.
    pub orderable: Vec<MachineTypeId>,
    /// Months from placing an order to the machines serving.
    pub lead_time_months: u32,
    /// Most machines delivered in one month, if limited: a decimal, as a
    /// limit quoted per quarter (50) is 16.67 a month.
    pub max_deliveries_per_month: Option<f64>,
    /// Share of each resource that may be allocated (0, 1].
    pub utilisation_target: f64,
}

impl Cluster {
    /// Machines of type `m` in place at the start of the horizon.
    pub fn existing(&self, m: MachineTypeId) -> u32 {
        self.fleet.iter().filter(|(t, _)| *t == m).map(|(_, n)| n).sum()
    }

    /// Machines of type `m` retired by (during or before) `period`.
    pub fn retired_by(&self, m: MachineTypeId, period: Period) -> u32 {
        self.retirements.iter().filter(|r| r.machine_type == m && r.period.start_month() <= period.start_month()).map(|r| r.count).sum()
    }

    /// Lead time in whole periods of the given length (rounded up: an order
    /// that takes four months arrives two quarters later).
    pub fn lead_time_periods(&self, months_per_period: u32) -> u32 {
        self.lead_time_months.div_ceil(months_per_period)
    }

    /// Delivery limit per period of the given length: whole machines, the
    /// monthly rate times the months, rounded down (50 a quarter is 50 a
    /// quarter and 16 a month; the tolerance absorbs 16.67 × 3 = 50.01).
    pub fn max_deliveries_per_period(&self, months_per_period: u32) -> Option<u32> {
        self.max_deliveries_per_month.map(|n| (n * f64::from(months_per_period) + 1e-9).floor().min(f64::from(u32::MAX)) as u32)
    }
}

/// Region-to-region latency, symmetric, with a default inside a region.
#[derive(Clone, Debug, PartialEq)]
pub struct Latency {
    /// Inside a region, where `between[a][a]` gives none of its own.
    pub intra_region_ms: f64,
    /// `between[a][b]` for regions `a != b`; `None` where the topology gives
    /// no figure (validation reports those gaps). `between[a][a]`: region
    /// a's own latency inside it, if the topology gives one (`within`).
    pub between: Vec<Vec<Option<f64>>>,
}

impl Latency {
    /// Latency in ms between regions `a` and `b` (inside `a` when they are the same); `None` where the topology gives none.
    pub fn ms(&self, a: RegionId, b: RegionId) -> Option<f64> {
        let given = self.between.get(a.index()).and_then(|row| row.get(b.index())).copied().flatten();
        if a == b {
            Some(given.unwrap_or(self.intra_region_ms))
        } else {
            given
        }
    }
}

/// The level at which failure domains are counted for N+k.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Each cluster fails alone.
    Cluster,
    /// The clusters of a failure domain fail together.
    FailureDomain,
    /// A whole region fails.
    Region,
}

impl Level {
    /// The level as written in intents and plans.
    pub fn name(self) -> &'static str {
        match self {
            Level::Cluster => "cluster",
            Level::FailureDomain => "failure domain",
            Level::Region => "region",
        }
    }
}

/// N+k: the service survives losing its `k` largest groups at `level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redundancy {
    /// How many groups must be survivable.
    pub k: u32,
    /// What a group is.
    pub level: Level,
}

/// Which forecast column a service plans for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quantile {
    /// The `demand` column (a point forecast).
    Demand,
    /// The median forecast.
    P50,
    /// The 90th percentile.
    P90,
    /// The 95th percentile.
    P95,
}

impl Quantile {
    /// Every quantile, in column order.
    pub const ALL: [Quantile; 4] = [Quantile::Demand, Quantile::P50, Quantile::P90, Quantile::P95];

    /// The forecast frame's column of this quantile.
    pub fn column(self) -> &'static str {
        match self {
            Quantile::Demand => "demand",
            Quantile::P50 => "p50",
            Quantile::P90 => "p90",
            Quantile::P95 => "p95",
        }
    }

    /// Position in [`Quantile::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a dependent service asks of one it depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependency {
    /// The service depended on.
    pub service: ServiceId,
    /// Units of the dependency's demand per unit of this service's capacity.
    pub ratio: f64,
    /// Largest latency between this service's cluster and the dependency's.
    pub max_latency_ms: Option<f64>,
    /// Where the dependency was written.
    pub span: Span,
}

/// How an inorganic event changes demand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    /// Adds this many units of demand.
    Add(f64),
    /// Multiplies organic demand by this factor.
    Multiply(f64),
}

/// An inorganic growth event: a launch, a migration, a marketing event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's name.
    pub name: Name,
    /// The first period it changes demand in.
    pub from: Period,
    /// What it does to demand.
    pub effect: Effect,
    /// The effect grows linearly to its full size over this many periods
    /// (1: a step in `from`).
    pub ramp_periods: u32,
    /// Only demand from this region, if given.
    pub region: Option<RegionId>,
    /// Where the event was written.
    pub span: Span,
}

impl Event {
    /// The share of the full effect in force in `period` (0 before `from`).
    pub fn ramp_share(&self, period: Period) -> f64 {
        if period.start_month() < self.from.start_month() {
            return 0.0;
        }
        let months = (period.start_month() - self.from.start_month()) as f64;
        let step = (months / period.granularity().months() as f64).floor() + 1.0;
        (step / self.ramp_periods.max(1) as f64).min(1.0)
    }
}

/// A team: the owner of services.
#[derive(Clone, Debug, PartialEq)]
pub struct Team {
    /// The team's name.
    pub name: Name,
}

/// A service intent: what a team needs, not how to provide it.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// The service's name.
    pub name: Name,
    /// The team that owns it.
    pub team: TeamId,
    /// The forecast series this service serves.
    pub demand: Name,
    /// Unit of demand (qps, users, GB): for people, not for the solver.
    pub unit: String,
    /// Resources needed per unit of demand, indexed by [`ResourceId`].
    pub per_unit: Vec<f64>,
    /// Failures it must survive: N+k at a level.
    pub redundancy: Redundancy,
    /// Largest latency between users' region and a serving cluster.
    pub max_latency_ms: Option<f64>,
    /// If given, only clusters in these regions.
    pub allowed_regions: Option<Vec<RegionId>>,
    /// Never clusters in these regions.
    pub forbidden_regions: Vec<RegionId>,
    /// If given, only these clusters.
    pub allowed_clusters: Option<Vec<ClusterId>>,
    /// Never these clusters.
    pub forbidden_clusters: Vec<ClusterId>,
    /// Largest share of the service's capacity in one region.
    pub max_region_share: Option<f64>,
    /// Largest share of the service's capacity in one cluster.
    pub max_cluster_share: Option<f64>,
    /// Services it depends on, with the demand it induces on them.
    pub dependencies: Vec<Dependency>,
    /// Higher is more important; used only when not everything fits.
    pub priority: u32,
    /// Inorganic growth: launches and other events.
    pub events: Vec<Event>,
    /// Which forecast column it plans for.
    pub quantile: Quantile,
}

/// Fleet topology, intents and demand, all names resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    /// Dimensions of capacity, by [`ResourceId`].
    pub resources: Vec<Resource>,
    /// Machine types, by [`MachineTypeId`].
    pub machine_types: Vec<MachineType>,
    /// Regions, by [`RegionId`].
    pub regions: Vec<Region>,
    /// Clusters, by [`ClusterId`].
    pub clusters: Vec<Cluster>,
    /// Failure domains, by [`DomainId`].
    pub failure_domains: Vec<FailureDomain>,
    /// Latency between regions.
    pub latency: Latency,
    /// Teams, by [`TeamId`].
    pub teams: Vec<Team>,
    /// Service intents, by [`ServiceId`].
    pub services: Vec<Service>,
    /// Demand forecasts, with the periods planned.
    pub forecast: Forecast,
}

impl Organisation {
    /// The resource `id` names.
    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.index()]
    }
    /// The machine type `id` names.
    pub fn machine_type(&self, id: MachineTypeId) -> &MachineType {
        &self.machine_types[id.index()]
    }
    /// The region `id` names.
    pub fn region(&self, id: RegionId) -> &Region {
        &self.regions[id.index()]
    }
    /// The cluster `id` names.
    pub fn cluster(&self, id: ClusterId) -> &Cluster {
        &self.clusters[id.index()]
    }
    /// The service `id` names.
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }
    /// The team `id` names.
    pub fn team(&self, id: TeamId) -> &Team {
        &self.teams[id.index()]
    }

    /// Every cluster, in index order.
    pub fn cluster_ids(&self) -> impl Iterator<Item = ClusterId> + '_ {
        (0..self.clusters.len()).map(ClusterId::from_index)
    }
    /// Every service, in index order.
    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> + '_ {
        (0..self.services.len()).map(ServiceId::from_index)
    }
    /// Every region, in index order.
    pub fn region_ids(&self) -> impl Iterator<Item = RegionId> + '_ {
        (0..self.regions.len()).map(RegionId::from_index)
    }

    /// Services, clusters and regions by name in constant time, for
    /// looking up many names at once (a plan's allocations: millions on a
    /// large organisation), where `*_by_name` scans.
    pub fn names(&self) -> Names<'_> {
        fn index<'o, I>(names: impl Iterator<Item = &'o str>, id: impl Fn(usize) -> I) -> HashMap<&'o str, I> {
            let mut index = HashMap::new();
            for (i, name) in names.enumerate() {
                // The first of a name, as `*_by_name` finds it.
                index.entry(name).or_insert_with(|| id(i));
            }
            index
        }
        Names {
            services: index(self.services.iter().map(|s| s.name.text.as_str()), ServiceId::from_index),
            clusters: index(self.clusters.iter().map(|c| c.name.text.as_str()), ClusterId::from_index),
            regions: index(self.regions.iter().map(|r| r.name.text.as_str()), RegionId::from_index),
        }
    }

    /// The service of this name, if any.
    pub fn service_by_name(&self, name: &str) -> Option<ServiceId> {
        self.services.iter().position(|s| s.name.text == name).map(ServiceId::from_index)
    }
    /// The cluster of this name, if any.
    pub fn cluster_by_name(&self, name: &str) -> Option<ClusterId> {
        self.clusters.iter().position(|c| c.name.text == name).map(ClusterId::from_index)
    }
    /// The region of this name, if any.
    pub fn region_by_name(&self, name: &str) -> Option<RegionId> {
        self.regions.iter().position(|r| r.name.text == name).map(RegionId::from_index)
    }
    /// The machine type of this name, if any.
    pub fn machine_type_by_name(&self, name: &str) -> Option<MachineTypeId> {
        self.machine_types.iter().position(|m| m.name.text == name).map(MachineTypeId::from_index)
    }

    /// Whether service `s` may place capacity in cluster `c` by its region
    /// and cluster rules (latency is decided per demand region, see
    /// [`Organisation::serves`]).
    pub fn may_use(&self, s: ServiceId, c: ClusterId) -> bool {
        let service = self.service(s);
        let cluster = self.cluster(c);
        let region = cluster.region;
        if service.forbidden_clusters.contains(&c) || service.forbidden_regions.contains(&region) {
            return false;
        }
        if let Some(allowed) = &service.allowed_regions {
            if !allowed.contains(&region) {
                return false;
            }
        }
        if let Some(allowed) = &service.allowed_clusters {
            if !allowed.contains(&c) {
                return false;
            }
        }
        true
    }

    /// Whether cluster `c` may serve demand of `s` that originates in
    /// `origin` (`None`: demand with no region, which any cluster may serve).
    pub fn serves(&self, s: ServiceId, origin: Option<RegionId>, c: ClusterId) -> bool {
        self.may_use(s, c) && within(self.service(s).max_latency_ms, origin, self.cluster(c).region, &self.latency)
    }

    /// The group of cluster `c` at redundancy level `level`, as a number
    /// that is equal for clusters in the same group.
    pub fn group_of(&self, c: ClusterId, level: Level) -> u32 {
        let cluster = self.cluster(c);
        match level {
            Level::Cluster => c.0,
            Level::FailureDomain => cluster.failure_domain.0,
            Level::Region => cluster.region.0,
        }
    }

    /// Whether cluster `c` may serve the demand that a dependent service's
    /// capacity in region `from` induces for dependency `dep`: clusters the
    /// depended-on service may use, within the dependency's latency limit
    /// (or, if it gives none, the depended-on service's own) of `from`.
    pub fn serves_dependency(&self, dep: &Dependency, from: RegionId, c: ClusterId) -> bool {
        let limit = dep.max_latency_ms.or(self.service(dep.service).max_latency_ms);
        self.may_use(dep.service, c) && within(limit, Some(from), self.cluster(c).region, &self.latency)
    }
}

fn within(limit: Option<f64>, origin: Option<RegionId>, region: RegionId, latency: &Latency) -> bool {
    match (limit, origin) {
        (Some(limit), Some(origin)) => latency.ms(origin, region).is_some_and(|ms| ms <= limit),
        _ => true,
    }
}

/// An organisation's services, clusters and regions by name
/// ([`Organisation::names`]).
pub struct Names<'o> {
    services: HashMap<&'o str, ServiceId>,
    clusters: HashMap<&'o str, ClusterId>,
    regions: HashMap<&'o str, RegionId>,
}

impl Names<'_> {
    /// The service of this name, if any.
    pub fn service(&self, name: &str) -> Option<ServiceId> {
        self.services.get(name).copied()
    }
    /// The cluster of this name, if any.
    pub fn cluster(&self, name: &str) -> Option<ClusterId> {
        self.clusters.get(name).copied()
    }
    /// The region of this name, if any.
    pub fn region(&self, name: &str) -> Option<RegionId> {
        self.regions.get(name).copied()
    }
}
