//! The planning model: variables and constraints exactly as
//! `docs/plan-semantics.md` defines a plan (rules cited by number), built
//! as a struct that owns them.
//!
//! Notation (per period t): z[o,c] capacity reserved in cluster c for
//! demand origin o; x[s,c] = Σ_o z[o,c] over the origins of service s;
//! orders[c,m,t'] whole machines ordered in t', serving from t' + lead time.
//!
//! Scaling: simplex codes check feasibility with absolute tolerances, so
//! the model keeps its numbers near 1. A service's capacity variables count
//! `unit[s]` units of its demand each — as much as fills the largest
//! machine's capacity of the service's bottleneck resource — resource rows
//! are divided by that largest capacity, and costs are in thousands.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use good_lp::{constraint, variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, Variable};
use headroom_model::*;

/// What one demand origin asks for (the model crate's definition).
pub use headroom_model::DemandKind as Kind;

/// One demand origin of one service: what must be covered, and by which
/// clusters.
///
/// Demands of a service that the same clusters may serve — its users' and
/// what each dependent induces, from one region or from several whose
/// latency admits the same clusters — are one origin: N+k of their sum
/// is N+k of each (a plan for the sum, split in proportion to each
/// demand, covers each: losing groups scales each share alike), spread
/// and resources see only the service's sum, and one origin instead of
/// several makes the model smaller. Extraction splits them back.
#[derive(Clone, Debug)]
pub struct OriginDef {
    pub service: ServiceId,
    /// Where each of `kinds` comes from.
    pub regions: Vec<Option<RegionId>>,
    /// What the demand is made of, in the order the demands were found.
    pub kinds: Vec<Kind>,
    /// For each of `kinds`, its place among all demands of the model in
    /// the order they were found (plan tables list demands in it).
    pub found: Vec<usize>,
    /// Eligible clusters, ascending.
    pub clusters: Vec<ClusterId>,
    /// Indices into `clusters`, one list per failure group at the service's
    /// redundancy level, in group order.
    pub groups: Vec<Vec<usize>>,
}

/// An organisation's demand origins, as every model of it (or of one
/// part of it) has them: made once per plan and shared by its models
/// ([`Build::origins`]). Finding them walks the services' demands and
/// dependencies and merges demands by eligible clusters: a quarter of
/// building a period's model of easy medium, where every period's model
/// and every growth model made them again.
#[derive(Debug)]
struct Origins {
    defs: Arc<Vec<OriginDef>>,
    by_service: Arc<Vec<Vec<usize>>>,
    at_cluster: Arc<Vec<Vec<(ServiceId, usize, usize)>>>,
    names: Arc<Vec<String>>,
}

impl Origins {
    /// The origins of the services `include` takes.
    fn make(org: &Organisation, include: impl Fn(ServiceId) -> bool) -> Origins {
        let mut defs: Vec<OriginDef> = Vec::new();
        let mut by_service = vec![Vec::new(); org.services.len()];
        // Origins by service and eligible clusters, while they are made.
        let mut index: HashMap<(ServiceId, Vec<ClusterId>), usize> = HashMap::new();
        for (found, origin) in org.demand_origins(include).into_iter().enumerate() {
            let (service, region, kind) = (origin.service, origin.region, origin.kind);
            let key = (service, origin.clusters);
            if let Some(&o) = index.get(&key) {
                defs[o].regions.push(region);
                defs[o].kinds.push(kind);
                defs[o].found.push(found);
                continue;
            }
            let clusters = key.1.clone();
            index.insert(key, defs.len());
            let level = org.service(service).redundancy.level;
            let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
            for (i, &c) in clusters.iter().enumerate() {
                groups.entry(org.group_of(c, level)).or_default().push(i);
            }
            by_service[service.index()].push(defs.len());
            defs.push(OriginDef {
                service,
                regions: vec![region],
                kinds: vec![kind],
                found: vec![found],
                clusters,
                groups: groups.into_values().collect(),
            });
        }
        let names = defs.iter().map(|def| Origins::name(org, def)).collect();
        let mut at_cluster = vec![Vec::new(); org.clusters.len()];
        for (o, def) in defs.iter().enumerate() {
            for (i, c) in def.clusters.iter().enumerate() {
                at_cluster[c.index()].push((def.service, o, i));
            }
        }
        // Stable: each service's origins stay in the order they were made.
        at_cluster.iter_mut().for_each(|origins| origins.sort_by_key(|&(s, _, _)| s));
        Origins { defs: Arc::new(defs), by_service: Arc::new(by_service), at_cluster: Arc::new(at_cluster), names: Arc::new(names) }
    }

    /// An origin's name: its first demand's service and region (and, for
    /// induced demand, the service that induces it), which no other
    /// origin has.
    fn name(org: &Organisation, def: &OriginDef) -> String {
        let region = def.regions[0].map_or("anywhere", |r| org.region(r).name.as_str());
        match def.kinds[0] {
            Kind::Direct { .. } => format!("{}@{region}", org.service(def.service).name),
            Kind::Induced { from, .. } => format!("{}@{region}<-{}", org.service(def.service).name, org.service(from).name),
        }
    }
}

/// The demand origins a plan's models share: for each organisation and
/// part, made by the first model that needs them (an organisation is
/// known by its address: every model of a plan borrows the same one).
/// Clones share them.
#[derive(Clone, Default)]
pub struct SharedOrigins(Arc<std::sync::Mutex<Vec<Made>>>);

/// Origins made, and whose.
type Made = (OriginsOf, Arc<Origins>);

/// Whose origins: an organisation's address, and the services of its part
/// (`None`: every service).
type OriginsOf = (usize, Option<Vec<bool>>);

impl SharedOrigins {
    /// The origins of `of`, made by `make` if no model made them yet.
    fn get_or_make(&self, of: OriginsOf, make: impl FnOnce() -> Origins) -> Arc<Origins> {
        // A poisoned lock only means another model's build panicked: what
        // it holds is whole either way.
        let mut made = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, origins)) = made.iter().find(|(made_of, _)| *made_of == of) {
            return origins.clone();
        }
        let origins = Arc::new(make());
        made.push((of, origins.clone()));
        origins
    }
}

impl std::fmt::Debug for SharedOrigins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedOrigins")
    }
}

/// The columns a cover row (rule 3) counts besides capacity: how much of
/// an origin's capacity survives the loss of its k largest failure groups
/// ([`Model::add_redundancy`]).
#[derive(Clone, Debug)]
pub enum Survive {
    /// k = 0: all of it.
    All,
    /// k = 1: `Σ y − demand`, which every group `y_g` is at most.
    Spare(Variable),
    /// k > 1: `Σ y − k·u − Σ e_g` with `e_g ≥ y_g − u`, one `e_g` per
    /// group: at its least, `u` is the k-th largest group.
    TopK { u: Variable, excess: Vec<Variable> },
}

/// An order variable.
#[derive(Clone, Copy, Debug)]
pub struct OrderVar {
    pub cluster: ClusterId,
    pub machine_type: MachineTypeId,
    /// Period index in which the order is placed.
    pub placed: usize,
    pub var: Variable,
}

impl OrderVar {
    /// The order's key in [`OrderCounts`] and [`Build::fixed_orders`].
    pub fn key(&self) -> OrderKey {
        (self.cluster, self.machine_type, self.placed)
    }
}

/// A capacity limit whose dual is a shadow price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    Power,
    Space,
    Deliveries,
}

#[derive(Clone, Copy, Debug)]
pub struct LimitRef {
    pub kind: LimitKind,
    pub cluster: ClusterId,
    pub period: usize,
    /// Index into `Model::constraints`.
    pub constraint: usize,
}

/// Machines ordered, by cluster, machine type and the period they are
/// placed in.
pub type OrderCounts = BTreeMap<OrderKey, f64>;

/// An order's cluster, machine type and the period it is placed in.
pub type OrderKey = (ClusterId, MachineTypeId, usize);

/// How the model is built: the mode, and relaxations used to explain why
/// intents cannot be met.
#[derive(Clone, Debug, Default)]
pub struct Build {
    /// Allow unmet demand at a penalty weighted by priority.
    pub best_effort: bool,
    /// Orders are whole machines (a MIP); off for the LP relaxation.
    pub integer: bool,
    /// Ignore power caps.
    pub no_power_caps: bool,
    /// Ignore space caps.
    pub no_space_caps: bool,
    /// Ignore delivery limits.
    pub no_delivery_limits: bool,
    /// Orders arrive in the period they are placed.
    pub no_lead_times: bool,
    /// Orders fixed to a number of machines: (cluster, type, placed).
    pub fixed_orders: OrderCounts,
    /// Orders of at least a number of machines (where not fixed).
    pub min_orders: OrderCounts,
    /// Orders placed before the horizon that arrive within it.
    pub in_flight: Vec<InFlight>,
    /// A baseline plan to stay close to.
    pub stability: Option<Stability>,
    /// Instead of the cheapest plan, find how far demand from a region can
    /// grow on a fixed fleet (see `growth.rs`): one growth variable for
    /// each of these, in the model's one period (`period`). Empty: no
    /// growth.
    pub growth: Vec<GrowthOf>,
    /// Only this period: with every order fixed, periods share nothing,
    /// so growth headroom solves one small model per period.
    pub period: Option<usize>,
    /// With `period`: the orders arriving then stand for every machine
    /// ordered by then, within these bounds (whole machines from the
    /// last period back, `search.rs`).
    pub by_then: Option<std::sync::Arc<ByThen>>,
    /// Only this independent part of the organisation
    /// (`Organisation::parts`); ids stay those of the whole organisation.
    pub part: Option<std::sync::Arc<PartMask>>,
    /// `--time-limit`: building stops here and the model is marked
    /// [`Model::out_of_time`] (building grows with the horizon squared).
    pub deadline: Option<std::time::Instant>,
    /// The demand origins every model of the plan shares (of this
    /// organisation only).
    pub origins: SharedOrigins,
}

/// Which services and clusters an independent part holds, by index.
#[derive(Clone, Debug)]
pub struct PartMask {
    pub services: Vec<bool>,
    pub clusters: Vec<bool>,
}

impl PartMask {
    pub fn new(org: &Organisation, part: &Part) -> PartMask {
        let mut mask = PartMask { services: vec![false; org.services.len()], clusters: vec![false; org.clusters.len()] };
        for s in &part.services {
            mask.services[s.index()] = true;
        }
        for c in &part.clusters {
            mask.clusters[c.index()] = true;
        }
        mask
    }
}

/// Which demand grows: users' demand from one region, organic (forecast)
/// or inorganic (launch events).
#[derive(Clone, Copy, Debug)]
pub struct GrowthOf {
    pub region: RegionId,
    pub inorganic: bool,
}

/// Growth is measured up to this share (200 %: three times the demand);
/// more reads "at least". Past that, how much more a region can absorb
/// tells a planning meeting nothing it acts on, and measuring it costs
/// most of growth headroom's time where the fleet is roomy: pushing a
/// region's demand towards 1000 % moves placements all over the fleet.
/// Easy medium (nothing ordered, most regions at the cap): 93 s of CPU
/// at 1000 %, its four costliest programs 10–18 s each (7,800–13,400
/// iterations), whole `plan` 61 s; 6.5 s of CPU at 200 %, whole `plan`
/// 11.8 s. Planted medium, whose regions mostly grow less than 100 %:
/// 46 s → 42 s, the same values below the cap.
pub const GROWTH_CAP: f64 = 2.0;

/// An order placed before the horizon (by a baseline plan), still to
/// arrive: fixed, and its capital already committed.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub cluster: ClusterId,
    pub machine_type: MachineTypeId,
    /// Period index of arrival.
    pub arrives: usize,
    pub count: u32,
    /// The period it was placed in, before the horizon.
    pub placed: String,
}

/// Bounds on the machines ordered by a one-period model's period, where
/// its arrivals stand for every machine ordered by then ([`Build::by_then`]):
/// the period's delivery limit gives way to the limits of every period
/// up to it added up, so that some split of them over those periods
/// keeps each one's.
#[derive(Clone, Debug, Default)]
pub struct ByThen {
    /// At most this many of each cluster and type: the next period's.
    pub at_most: BTreeMap<(ClusterId, MachineTypeId), f64>,
    /// At least this many of each cluster, of every type: the next
    /// period's, less what its delivery limit lets arrive then.
    pub at_least: BTreeMap<ClusterId, f64>,
}

/// What a baseline plan did, as targets that cost a penalty to leave.
#[derive(Clone, Debug, Default)]
pub struct Stability {
    /// Machines ordered: (cluster, type, placed).
    pub orders: OrderCounts,
    /// Capacity of each service per cluster and period, in units of demand.
    pub capacity: BTreeMap<(ServiceId, ClusterId, usize), f64>,
    /// A machine ordered differently costs this share of its capital cost;
    /// a machine's worth of capacity placed differently for one period,
    /// this share divided by the number of periods.
    pub change_penalty: f64,
}

/// Unmet demand costs this many times what serving it could cost at most.
pub const UNMET_PENALTY_FACTOR: f64 = 10.0;

/// A unit of capacity placed costs the solver this share of the machine
/// it fills, where [`Model::prefer_least_capacity`] asks: far below any
/// order, and far above the solvers' relative tolerances (1e-7 to 1e-9).
pub const TIE_SHARE: f64 = 1e-4;

/// Costs enter the objective in thousands.
pub const COST_SCALE: f64 = 1e-3;

pub struct Model<'o> {
    pub org: &'o Organisation,
    pub build: Build,
    pub horizon: usize,
    /// The periods the model covers: the horizon, or one period
    /// (`Build::period`). Per-period variables are indexed from its start.
    pub window: std::ops::Range<usize>,
    pub months_per_period: u32,
    pub origins: Arc<Vec<OriginDef>>,
    /// Units of demand that one unit of a service's capacity variables
    /// stands for (see the module's note on scaling).
    pub unit: Vec<f64>,
    /// The largest capacity of each resource among machine types.
    pub reference: Vec<f64>,
    /// Origins of each service.
    pub by_service: Arc<Vec<Vec<usize>>>,
    /// Each cluster's eligible origins: (service, origin, the cluster's
    /// index among the origin's), by service, then origin.
    at_cluster: Arc<Vec<Vec<(ServiceId, usize, usize)>>>,
    /// Each origin's name ([`Origins::name`]), and each period's: made
    /// once, not for every variable and row that names them.
    origin_names: Arc<Vec<String>>,
    period_names: Vec<String>,
    pub vars: ProblemVariables,
    /// Every variable, in creation order.
    pub all: Vec<Variable>,
    /// The capacity variables, origin by origin, each origin's cluster by
    /// cluster, each cluster's period by period: one array, so that
    /// building a model finds a variable with one look-up instead of three
    /// (in easy medium's profile, building the resource rows went mostly to
    /// those three dependent loads); see [`Model::z`] and [`Model::z_of`].
    z: Vec<Variable>,
    /// Where each origin's capacity variables start in `z`.
    z_start: Vec<usize>,
    pub orders: Vec<OrderVar>,
    /// Where each cluster's orders lie in `orders` (they are made cluster
    /// by cluster).
    order_ranges: Vec<std::ops::Range<usize>>,
    /// Machine types a cluster has or can order, ascending.
    pub cluster_types: Vec<Vec<MachineTypeId>>,
    /// unmet[origin][period − window start], in best-effort mode.
    pub unmet: Vec<Vec<Option<Variable>>>,
    pub constraints: Vec<Constraint>,
    /// How many constraints the model has (they are handed to the backend
    /// when it solves).
    pub constraint_count: usize,
    pub limits: Vec<LimitRef>,
    /// Each origin's and period's cover row (rule 3: demand is covered
    /// after losing k groups), by index into `constraints`.
    pub cover: Vec<usize>,
    /// The columns each cover row counts besides capacity, in the order of
    /// [`Model::cover`].
    pub survive: Vec<Survive>,
    pub capital: Expression,
    pub running: Expression,
    pub penalty: Expression,
    /// The cost of leaving the baseline (with a baseline only).
    pub change: Expression,
    /// What the solver also minimises, below any cost: placed capacity
    /// ([`Model::prefer_least_capacity`]). The backend adds it to
    /// [`Model::objective`], which never includes it: no plan's cost,
    /// bound or gap does.
    pub tie: Expression,
    /// g[k]: the share by which demand `build.growth[k]` grows in the
    /// model's one period (growth only).
    pub growth: Vec<Variable>,
    /// Limits that the existing fleet already breaks: no plan can meet them.
    pub impossible: Vec<String>,
    /// How long building the model took.
    pub build_seconds: f64,
    /// The deadline passed while building: the model is incomplete and
    /// must not be solved or read (backend::solve refuses it).
    pub out_of_time: bool,
}

/// `parts` one after the other: how the model names its many variables and
/// rows, where `format!` cost a quarter of building a model (easy medium,
/// sampled).
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    out
}

/// A capacity variable counts at most this many times a service's peak
/// demand, so that its demand in the model's units is at least 1/1,000
/// and a solver's absolute tolerance (1e-7) stays far below what
/// verification allows.
const MAX_UNIT_OVER_PEAK: f64 = 1e3;

impl<'o> Model<'o> {
    pub fn new(org: &'o Organisation, build: Build) -> Model<'o> {
        let start = std::time::Instant::now();
        let reference: Vec<f64> = (0..org.resources.len())
            .map(|r| org.machine_types.iter().map(|m| m.capacity[r]).fold(0.0, f64::max))
            .map(|c| if c > 0.0 { c } else { 1.0 })
            .collect();
        let peak = org.peak_demand();
        let unit = org
            .services
            .iter()
            .zip(&peak)
            .map(|(s, &peak)| {
                let fill = s
                    .per_unit
                    .iter()
                    .zip(&reference)
                    .filter(|(need, _)| **need > 0.0)
                    .map(|(need, cap)| cap / need)
                    .fold(f64::INFINITY, f64::min);
                let fill = if fill.is_finite() { fill } else { 1.0 };
                // A service whose whole demand is a sliver of one machine
                // (a per_unit of 1e-12) would have demand rows far below the
                // solver's feasibility tolerance, met by placing nothing.
                if peak > 0.0 {
                    fill.min(MAX_UNIT_OVER_PEAK * peak)
                } else {
                    fill
                }
            })
            .collect();
        let horizon = org.forecast.periods.len();
        let window = match build.period {
            Some(t) => t.min(horizon)..(t + 1).min(horizon),
            None => 0..horizon,
        };
        let mut model = Model {
            org,
            build,
            horizon,
            window,
            months_per_period: org.forecast.months_per_period(),
            unit,
            reference,
            origins: Arc::default(),
            by_service: Arc::default(),
            at_cluster: Arc::default(),
            origin_names: Arc::default(),
            period_names: org.forecast.periods.iter().map(|p| p.to_string()).collect(),
            vars: ProblemVariables::new(),
            all: Vec::new(),
            z: Vec::new(),
            z_start: Vec::new(),
            orders: Vec::new(),
            order_ranges: Vec::new(),
            cluster_types: Vec::new(),
            unmet: Vec::new(),
            constraints: Vec::new(),
            constraint_count: 0,
            limits: Vec::new(),
            cover: Vec::new(),
            survive: Vec::new(),
            capital: Expression::default(),
            running: Expression::default(),
            penalty: Expression::default(),
            change: Expression::default(),
            tie: Expression::default(),
            growth: Vec::new(),
            impossible: Vec::new(),
            build_seconds: 0.0,
            out_of_time: false,
        };
        model.add_origins();
        model.add_capacity_variables();
        model.add_orders();
        model.add_fleet();
        if !model.build.growth.is_empty() {
            let period = model.period_name(model.window.start);
            model.growth = (0..model.build.growth.len())
                .map(|k| {
                    let of = model.build.growth[k];
                    let kind = if of.inorganic { "inorganic" } else { "organic" };
                    let name = format!("growth[{}|{kind}|{period}]", model.org.region(of.region).name);
                    model.var(variable().min(0).max(GROWTH_CAP).name(name))
                })
                .collect();
        }
        for phase in [Model::add_redundancy, Model::add_spread, Model::add_cluster_resources, Model::add_stability] {
            if model.late() {
                break;
            }
            phase(&mut model);
        }
        model.constraint_count = model.constraints.len();
        model.build_seconds = start.elapsed().as_secs_f64();
        model
    }

    /// Whether the build's deadline has passed; marks the model if so.
    fn late(&mut self) -> bool {
        if !self.out_of_time && self.build.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            self.out_of_time = true;
        }
        self.out_of_time
    }

    /// The model's demand origins and orders, without capacity variables
    /// or constraints: what extraction reads decisions against, when they
    /// were found part by part.
    pub fn skeleton(org: &'o Organisation, build: Build) -> Model<'o> {
        let mut model = Model::new(
            org,
            Build {
                part: Some(std::sync::Arc::new(PartMask {
                    services: vec![false; org.services.len()],
                    clusters: vec![false; org.clusters.len()],
                })),
                ..build.clone()
            },
        );
        model.build = build;
        model.add_origins();
        model.add_orders();
        model
    }

    fn has_service(&self, s: ServiceId) -> bool {
        self.build.part.as_ref().is_none_or(|p| p.services[s.index()])
    }

    fn has_cluster(&self, c: ClusterId) -> bool {
        self.build.part.as_ref().is_none_or(|p| p.clusters[c.index()])
    }

    fn var(&mut self, def: good_lp::VariableDefinition) -> Variable {
        let v = self.vars.add(def);
        self.all.push(v);
        v
    }

    fn add(&mut self, c: Constraint, name: impl FnOnce() -> String) -> usize {
        self.constraints.push(c.set_name(name()));
        self.constraints.len() - 1
    }

    /// How many capacity variables (per origin, eligible cluster and
    /// period) and order variables the model has: its size, known on a
    /// skeleton, without building the rows.
    pub fn capacity_and_orders(&self) -> usize {
        self.origins.iter().map(|o| o.clusters.len() * self.horizon).sum::<usize>() + self.orders.len()
    }

    pub fn period_name(&self, t: usize) -> String {
        self.period_names[t].clone()
    }

    pub fn lead(&self, c: ClusterId) -> usize {
        if self.build.no_lead_times {
            0
        } else {
            self.org.cluster(c).lead_time_periods(self.months_per_period) as usize
        }
    }

    /// Demand origins: users' demand per region, then demand induced by each
    /// dependent service per region its capacity may sit in. The same for
    /// every model of an organisation's part, so made once and shared
    /// ([`Build::origins`]).
    fn add_origins(&mut self) {
        let of = (std::ptr::from_ref(self.org) as usize, self.build.part.as_ref().map(|p| p.services.clone()));
        let made = self.build.origins.get_or_make(of, || Origins::make(self.org, |s| self.has_service(s)));
        self.origins = made.defs.clone();
        self.by_service = made.by_service.clone();
        self.at_cluster = made.at_cluster.clone();
        self.origin_names = made.names.clone();
    }

    fn add_capacity_variables(&mut self) {
        for o in 0..self.origins.len() {
            self.z_start.push(self.z.len());
            for i in 0..self.origins[o].clusters.len() {
                let c = self.origins[o].clusters[i];
                for t in self.window.clone() {
                    let name =
                        concat(&["z[", &self.origin_names[o], "|", self.org.cluster(c).name.as_str(), "|", &self.period_names[t], "]"]);
                    let z = self.var(variable().min(0).name(name));
                    self.z.push(z);
                }
            }
            let unmet = self
                .window
                .clone()
                .map(|t| {
                    self.build.best_effort.then(|| {
                        let name = format!("unmet[{}|{}]", self.origin_names[o], self.period_names[t]);
                        self.var(variable().min(0).name(name))
                    })
                })
                .collect();
            self.unmet.push(unmet);
        }
    }

    /// Among plans of the same cost, prefer the one that places the least
    /// capacity: each unit of capacity costs the solver [`TIE_SHARE`] of
    /// the machine it fills ([`Model::unit_machine_cost`]), in
    /// [`Model::tie`]. For that to buy a machine, the machine would have
    /// to spare placing about ten thousand machines' worth of capacity.
    /// Only for programs whose optimum is a plan, never a bound: a bound
    /// found with it would hold for the cost plus the preference, not for
    /// the cost.
    pub fn prefer_least_capacity(&mut self) {
        let mut tie = Expression::default();
        for o in 0..self.origins.len() {
            let s = self.origins[o].service;
            let weight = TIE_SHARE * COST_SCALE * self.unit_machine_cost(s);
            if weight <= 0.0 {
                continue;
            }
            for &z in self.z_of(o).flatten() {
                tie.add_mul(weight, z);
            }
        }
        self.tie = tie;
    }

    /// The capacity variable of origin `o` in its `i`th cluster in period
    /// `t` (within the window).
    pub fn z(&self, o: usize, i: usize, t: usize) -> Variable {
        self.z[self.z_start[o] + i * self.window.len() + (t - self.window.start)]
    }

    /// The capacity variables of origin `o`: for each of its clusters in
    /// order, the variables of the window's periods.
    pub fn z_of(&self, o: usize) -> impl Iterator<Item = &[Variable]> + '_ {
        let (start, w) = (self.z_start[o], self.window.len());
        (0..self.origins[o].clusters.len()).map(move |i| &self.z[start + i * w..start + (i + 1) * w])
    }

    /// The unmet demand variable of origin `o` in period `t` (best effort).
    pub fn unmet(&self, o: usize, t: usize) -> Option<Variable> {
        self.unmet[o][t - self.window.start]
    }

    /// x[s,c,t]: all capacity of service `s` in cluster `c` in period `t`,
    /// in units of `unit[s]`.
    pub fn x(&self, s: ServiceId, c: ClusterId, t: usize) -> Expression {
        let at = self.at(s, c);
        let mut x = Expression::with_capacity(at.len());
        for &(_, o, i) in at {
            x += self.z(o, i, t);
        }
        x
    }

    /// The origins that may place capacity in cluster `c`: each as
    /// `(service, origin, index of c among the origin's clusters)`, by
    /// service, then origin.
    pub fn users_of(&self, c: ClusterId) -> &[(ServiceId, usize, usize)] {
        self.at_cluster.get(c.index()).map_or(&[][..], |at| &at[..])
    }

    /// The origins of service `s` with capacity in cluster `c`: each as
    /// `(s, origin, index of c among the origin's clusters)`.
    fn at(&self, s: ServiceId, c: ClusterId) -> &[(ServiceId, usize, usize)] {
        let at = self.at_cluster.get(c.index()).map_or(&[][..], |at| &at[..]);
        let first = at.partition_point(|&(of, _, _)| of < s);
        let len = at[first..].partition_point(|&(of, _, _)| of == s);
        &at[first..first + len]
    }

    /// The demand an origin must cover in period `t`, in units of its
    /// service's `unit`.
    pub fn demand(&self, o: usize, t: usize) -> Expression {
        (0..self.origins[o].kinds.len()).map(|j| self.kind_demand(o, j, t)).sum()
    }

    /// The `j`th demand of origin `o` in period `t`, in units of its
    /// service's `unit`.
    pub fn kind_demand(&self, o: usize, j: usize, t: usize) -> Expression {
        let def = &self.origins[o];
        let unit = self.unit[def.service.index()];
        match &def.kinds[j] {
            Kind::Direct { organic, inorganic } => {
                let mut d = Expression::from((organic[t] + inorganic[t]) / unit);
                for (g, &var) in self.build.growth.iter().zip(&self.growth).filter(|(g, _)| Some(g.region) == def.regions[j]) {
                    let part = if g.inorganic { inorganic[t] } else { organic[t] };
                    d += (part / unit) * var;
                }
                d
            }
            Kind::Induced { from, ratio } => {
                let scale = ratio * self.unit[from.index()] / unit;
                // Term by term, not through `x`: building a model spends
                // much of its time on expressions made only to be added.
                let mut d = Expression::default();
                for &f in &self.by_service[from.index()] {
                    for (i, &c) in self.origins[f].clusters.iter().enumerate() {
                        if Some(self.org.cluster(c).region) == def.regions[j] {
                            d.add_mul(scale, self.z(f, i, t));
                        }
                    }
                }
                d
            }
        }
    }

    /// Machines of type `m` in cluster `c` in period `t`: the existing fleet,
    /// less retirements, plus orders that have arrived.
    pub fn machines(&self, c: ClusterId, m: MachineTypeId, t: usize) -> Expression {
        let mut e = Expression::default();
        self.add_machines(&mut e, 1.0, c, m, t);
        e
    }

    /// `coefficient` × [`Model::machines`], added to `into` term by term.
    fn add_machines(&self, into: &mut Expression, coefficient: f64, c: ClusterId, m: MachineTypeId, t: usize) {
        *into += coefficient * self.fleet_before_orders(c, m, t);
        let lead = self.lead(c);
        for o in self.cluster_orders(c).iter().filter(|o| o.machine_type == m && o.placed + lead <= t) {
            into.add_mul(coefficient, o.var);
        }
    }

    /// Machines of type `m` in cluster `c` at period `t` before any new
    /// order: the existing fleet, less retirements, plus in-flight arrivals.
    pub fn fleet_before_orders(&self, c: ClusterId, m: MachineTypeId, t: usize) -> f64 {
        let cluster = self.org.cluster(c);
        let period = self.org.forecast.periods[t];
        cluster.existing(m) as f64 - cluster.retired_by(m, period) as f64 + self.in_flight_by(c, m, t) as f64
    }

    /// In-flight machines of type `m` arrived in cluster `c` by period `t`.
    pub fn in_flight_by(&self, c: ClusterId, m: MachineTypeId, t: usize) -> u32 {
        self.build.in_flight.iter().filter(|f| f.cluster == c && f.machine_type == m && f.arrives <= t).map(|f| f.count).sum()
    }

    /// In-flight machines (all types) arriving in cluster `c` in period `t`.
    pub fn in_flight_arriving(&self, c: ClusterId, t: usize) -> u32 {
        self.build.in_flight.iter().filter(|f| f.cluster == c && f.arrives == t).map(|f| f.count).sum()
    }

    /// The order variables of cluster `c`.
    pub fn cluster_orders(&self, c: ClusterId) -> &[OrderVar] {
        self.order_ranges.get(c.index()).map_or(&[], |r| &self.orders[r.clone()])
    }

    /// Order variables (rule 7) and capital cost.
    fn add_orders(&mut self) {
        let org = self.org;
        self.cluster_types.clear();
        self.order_ranges.clear();
        for c in org.cluster_ids() {
            let cluster = org.cluster(c);
            let mut types: Vec<MachineTypeId> = cluster.fleet.iter().map(|(m, _)| *m).chain(cluster.orderable.iter().copied()).collect();
            types.sort();
            types.dedup();
            self.cluster_types.push(types);
            let lead = self.lead(c);
            let per_period = cluster.max_deliveries_per_period(self.months_per_period);
            let first = self.orders.len();
            let orderable: &[MachineTypeId] = if self.has_cluster(c) { &cluster.orderable } else { &[] };
            for &m in orderable {
                for placed in 0..self.horizon.saturating_sub(lead) {
                    // Where arrivals stand for every machine ordered by
                    // then, they are named for the period they arrive
                    // in, which a basis kept by name takes out (so that
                    // the next model finds them), and the limits of the
                    // periods up to then added up bound them instead of
                    // that period's (`add_fleet`).
                    let by_then = self.build.by_then.is_some() && placed + lead == self.window.start;
                    let (what, when) = if by_then { ("ordered_by", placed + lead) } else { ("order", placed) };
                    let name = format!("{what}[{}|{}|{}]", cluster.name, org.machine_type(m).name, self.period_names[when]);
                    let mut def = variable().min(0).name(name);
                    if let (Some(limit), false) = (per_period, by_then) {
                        def = def.max(limit as f64);
                    }
                    if let Some(&n) = self.build.fixed_orders.get(&(c, m, placed)) {
                        def = def.min(n).max(n);
                    } else if let Some(&n) = self.build.min_orders.get(&(c, m, placed)) {
                        def = def.min(per_period.map_or(n, |limit| n.min(limit as f64)));
                    }
                    if self.build.integer {
                        def = def.integer();
                    }
                    let var = self.var(def);
                    self.orders.push(OrderVar { cluster: c, machine_type: m, placed, var });
                    self.capital += (COST_SCALE * org.machine_type(m).capital_cost) * var;
                }
            }
            self.order_ranges.push(first..self.orders.len());
        }
    }

    /// Fleet cost, power, space and delivery limits (rules 7, 8).
    fn add_fleet(&mut self) {
        let org = self.org;
        let months = self.months_per_period as f64;
        for c in org.cluster_ids().filter(|&c| self.has_cluster(c)).collect::<Vec<_>>() {
            let cluster = org.cluster(c);
            for t in self.window.clone() {
                if self.late() {
                    return;
                }
                let period = org.forecast.periods[t];
                let mut power = Expression::default();
                let mut space = Expression::default();
                for &m in &self.cluster_types[c.index()].clone() {
                    let n = self.machines(c, m, t);
                    let mt = org.machine_type(m);
                    self.running += (COST_SCALE * months * mt.running_cost_per_month) * n.clone();
                    power += mt.power_kw * n.clone();
                    space += n;
                }
                let (power_cap, space_cap) = (cluster.power_cap_kw.at(period), cluster.space_cap.at(period));
                if !self.build.no_power_caps {
                    self.limit(LimitKind::Power, c, t, power, power_cap, "kW of power");
                }
                if !self.build.no_space_caps {
                    self.limit(LimitKind::Space, c, t, space, space_cap, "machine slots");
                }
                if let (Some(limit), false) = (cluster.max_deliveries_per_period(self.months_per_period), self.build.no_delivery_limits) {
                    let lead = self.lead(c);
                    let mut arriving: Expression =
                        self.cluster_orders(c).iter().filter(|o| o.placed + lead == t).map(|o| Expression::from(o.var)).sum();
                    let in_flight = self.in_flight_arriving(c, t);
                    arriving += in_flight as f64;
                    if in_flight > limit {
                        self.impossible.push(format!("orders in flight from the baseline deliver {in_flight} machines to `{}` in {period}, over its limit of {limit}", cluster.name));
                    } else if let (true, Some(by_then)) = (t >= lead, self.build.by_then.clone()) {
                        self.add_by_then(c, t, limit, &by_then);
                    } else if t >= lead {
                        let i = self.add(constraint!(arriving <= limit as f64), || format!("deliveries[{}|{}]", cluster.name, period));
                        self.limits.push(LimitRef { kind: LimitKind::Deliveries, cluster: c, period: t, constraint: i });
                    }
                } else if let (Some(by_then), true) = (self.build.by_then.clone(), t >= self.lead(c)) {
                    self.add_by_then(c, t, u32::MAX, &by_then);
                }
            }
        }
    }

    /// Where the orders arriving in period `t` stand for every machine of
    /// cluster `c` ordered by then ([`Build::by_then`]): those machines
    /// within the delivery limits of the periods up to then added up
    /// (each less what arrives in flight then; `u32::MAX`: no limit), and
    /// within `by_then`'s bounds.
    fn add_by_then(&mut self, c: ClusterId, t: usize, limit: u32, by_then: &ByThen) {
        let (name, lead) = (self.org.cluster(c).name.clone(), self.lead(c));
        let by_t: Vec<(MachineTypeId, Variable)> =
            self.cluster_orders(c).iter().filter(|o| o.placed + lead <= t).map(|o| (o.machine_type, o.var)).collect();
        let ordered = |m: Option<MachineTypeId>| -> Expression {
            by_t.iter().filter(|(of, _)| m.is_none_or(|m| *of == m)).map(|&(_, v)| Expression::from(v)).sum()
        };
        if limit < u32::MAX {
            let room: f64 = (lead..=t).map(|u| limit.saturating_sub(self.in_flight_arriving(c, u)) as f64).sum();
            let all = ordered(None);
            let period = self.period_name(t);
            let i = self.add(constraint!(all <= room), || format!("deliveries_by[{name}|{period}]"));
            self.limits.push(LimitRef { kind: LimitKind::Deliveries, cluster: c, period: t, constraint: i });
        }
        if let Some(&n) = by_then.at_least.get(&c) {
            let all = ordered(None);
            self.add(constraint!(all >= n), || format!("ordered_at_least[{name}]"));
        }
        for (&(_, m), &n) in by_then.at_most.range((c, MachineTypeId(0))..).take_while(|((of, _), _)| *of == c) {
            let these = ordered(Some(m));
            let machine = &self.org.machine_type(m).name;
            self.add(constraint!(these <= n), || format!("ordered_at_most[{name}|{machine}]"));
        }
    }

    /// `used <= cap`, or a note if the existing fleet alone breaks it:
    /// orders only add machines, so then no plan can keep the cap.
    fn limit(&mut self, kind: LimitKind, c: ClusterId, t: usize, used: Expression, cap: f64, what: &str) {
        let cluster = self.org.cluster(c);
        let period = self.org.forecast.periods[t];
        let existing = used.constant();
        if existing > cap + 1e-9 {
            self.impossible
                .push(format!("the existing fleet of `{}` uses {existing} {what} in {period}, over its cap of {cap}", cluster.name));
            return;
        }
        if used.clone().linear_coefficients().next().is_none() {
            return; // nothing can change it
        }
        let name = format!("{}[{}|{}]", if kind == LimitKind::Power { "power" } else { "space" }, cluster.name, period);
        let i = self.add(constraint!(used <= cap), || name);
        self.limits.push(LimitRef { kind, cluster: c, period: t, constraint: i });
    }

    /// N+k (rule 3), exactly: the capacity left after losing the k largest
    /// groups covers demand. With y_g the capacity in group g, the sum of
    /// the k largest is min over u of k·u + Σ_g max(0, y_g − u), so
    /// Σ y_g − k·u − Σ e_g ≥ demand with e_g ≥ y_g − u, e_g ≥ 0, u ≥ 0.
    fn add_redundancy(&mut self) {
        for o in 0..self.origins.len() {
            let def = self.origins[o].clone();
            let k = self.org.service(def.service).redundancy.k as f64;
            let priority = self.org.service(def.service).priority;
            let penalty = COST_SCALE * self.unit_penalty(def.service, priority) * self.unit[def.service.index()];
            for t in self.window.clone() {
                let sum = |clusters: &mut dyn Iterator<Item = &usize>, len: usize| {
                    let mut e = Expression::with_capacity(len);
                    clusters.for_each(|&i| e += self.z(o, i, t));
                    e
                };
                let ys: Vec<Expression> = def.groups.iter().map(|g| sum(&mut g.iter(), g.len())).collect();
                let mut survivable = sum(&mut def.groups.iter().flatten(), def.clusters.len());
                let tag = concat(&[&self.origin_names[o], "|", &self.period_names[t]]);
                if k == 1.0 {
                    // N+1, the common case, needs no top-k terms: losing the
                    // largest group leaves enough iff every group y_g ≤ w,
                    // with w = Σ y − demand (+ unmet). One variable and G
                    // two-term rows instead of G + 1 variables.
                    let w = self.var(variable().min(0).name(concat(&["spare[", &tag, "]"])));
                    if let Some(unmet) = self.unmet(o, t) {
                        survivable += unmet;
                        self.penalty += penalty * unmet;
                    }
                    let demand = self.demand(o, t);
                    let row = self.add(constraint!(w == survivable - demand), || concat(&["cover[", &tag, "]"]));
                    self.cover.push(row);
                    self.survive.push(Survive::Spare(w));
                    for (g, y) in ys.into_iter().enumerate() {
                        self.add(constraint!(y <= w), || concat(&["n1[", &tag, "|", &g.to_string(), "]"]));
                    }
                    continue;
                }
                let mut survive = Survive::All;
                if k > 0.0 {
                    let u = self.var(variable().min(0).name(format!("u[{tag}]")));
                    survivable -= k * u;
                    let mut excess = Vec::with_capacity(ys.len());
                    for (g, y) in ys.into_iter().enumerate() {
                        let e = self.var(variable().min(0).name(format!("e[{tag}|{g}]")));
                        survivable -= e;
                        excess.push(e);
                        self.add(constraint!(e >= y - u), || format!("topk[{tag}|{g}]"));
                    }
                    survive = Survive::TopK { u, excess };
                }
                if let Some(unmet) = self.unmet(o, t) {
                    survivable += unmet;
                    self.penalty += penalty * unmet;
                }
                let demand = self.demand(o, t);
                let row = self.add(constraint!(survivable >= demand), || concat(&["cover[", &tag, "]"]));
                self.cover.push(row);
                self.survive.push(survive);
            }
        }
    }

    /// What one unit of unmet demand of `s` costs (in dollars, per unit of
    /// demand) in best-effort mode: more
    /// than serving it could ever cost (capital and running cost over the
    /// horizon of the dearest machine for each resource it needs, divided by
    /// the smallest utilisation target, times k+1 for redundancy), times
    /// [`UNMET_PENALTY_FACTOR`] and 1 + priority, so that lower priorities
    /// are shed first.
    pub fn unit_penalty(&self, s: ServiceId, priority: u32) -> f64 {
        let org = self.org;
        let service = org.service(s);
        let months = (self.months_per_period as usize * self.horizon) as f64;
        let util = org.clusters.iter().map(|c| c.utilisation_target).fold(1.0, f64::min);
        let mut cost = 0.0;
        for (r, &need) in service.per_unit.iter().enumerate() {
            let dearest = org
                .machine_types
                .iter()
                .filter(|m| m.capacity[r] > 0.0)
                .map(|m| (m.capital_cost + m.running_cost_per_month * months) / m.capacity[r])
                .fold(0.0, f64::max);
            cost += need * dearest;
        }
        let cost = (cost / util * (service.redundancy.k as f64 + 1.0)).max(1.0);
        cost * UNMET_PENALTY_FACTOR * (1.0 + priority as f64)
    }

    /// Spread caps (rule 4): capacity in one region or cluster is at most a
    /// share of the service's capacity.
    fn add_spread(&mut self) {
        let org = self.org;
        for s in org.service_ids().filter(|&s| self.has_service(s)).collect::<Vec<_>>() {
            let service = org.service(s);
            if service.max_cluster_share.is_none() && service.max_region_share.is_none() {
                continue;
            }
            let clusters: Vec<ClusterId> = org.cluster_ids().filter(|&c| org.may_use(s, c)).collect();
            for t in self.window.clone() {
                let xs: Vec<Expression> = clusters.iter().map(|&c| self.x(s, c, t)).collect();
                let total: Expression = xs.iter().cloned().sum();
                if let Some(share) = service.max_cluster_share {
                    for (&c, x) in clusters.iter().zip(&xs) {
                        let x = x.clone();
                        let name = format!("cluster_share[{}|{}|{}]", service.name, org.cluster(c).name, self.period_names[t]);
                        self.add(constraint!(x <= share * total.clone()), || name);
                    }
                }
                if let Some(share) = service.max_region_share {
                    for r in org.region_ids() {
                        let in_region: Expression =
                            clusters.iter().zip(&xs).filter(|(&c, _)| org.cluster(c).region == r).map(|(_, x)| x.clone()).sum();
                        let name = format!("region_share[{}|{}|{}]", service.name, org.region(r).name, self.period_names[t]);
                        self.add(constraint!(in_region <= share * total.clone()), || name);
                    }
                }
            }
        }
    }

    /// Cluster resources (rule 6): what services need fits in the share of
    /// the fleet's capacity that the utilisation target allows.
    fn add_cluster_resources(&mut self) {
        let org = self.org;
        for c in org.cluster_ids().filter(|&c| self.has_cluster(c)).collect::<Vec<_>>() {
            let cluster = org.cluster(c);
            if self.at_cluster[c.index()].is_empty() {
                continue;
            }
            for t in self.window.clone() {
                if self.late() {
                    return;
                }
                // Term by term, not through `x` and `machines`: building a
                // model spends much of its time on expressions made only to
                // be added.
                let at = &self.at_cluster[c.index()];
                let mut rows = Vec::with_capacity(org.resources.len());
                for r in 0..org.resources.len() {
                    let reference = self.reference[r];
                    let per_unit = |s: ServiceId| org.service(s).per_unit[r];
                    let needs = || at.iter().filter(|&&(s, _, _)| per_unit(s) > 0.0);
                    let terms = needs().count();
                    if terms == 0 {
                        continue;
                    }
                    let mut need = Expression::with_capacity(terms);
                    for &(s, o, i) in needs() {
                        need.add_mul(per_unit(s) * self.unit[s.index()] / reference, self.z(o, i, t));
                    }
                    let mut have = Expression::default();
                    for &m in &self.cluster_types[c.index()] {
                        self.add_machines(&mut have, cluster.utilisation_target * org.machine_type(m).capacity[r] / reference, c, m, t);
                    }
                    let name =
                        concat(&["resource[", cluster.name.as_str(), "|", org.resources[r].name.as_str(), "|", &self.period_names[t], "]"]);
                    rows.push((constraint!(need <= have), name));
                }
                for (row, name) in rows {
                    self.add(row, || name);
                }
            }
        }
    }

    /// Stable replanning: |order − baseline| and |capacity − baseline|
    /// cost a penalty, each linearised as d ≥ v − b, d ≥ b − v.
    fn add_stability(&mut self) {
        let Some(stability) = self.build.stability.clone() else { return };
        let org = self.org;
        let share = COST_SCALE * stability.change_penalty;
        for i in 0..self.orders.len() {
            let o = self.orders[i];
            let b = stability.orders.get(&o.key()).copied().unwrap_or(0.0);
            let tag = format!("{}|{}|{}", org.cluster(o.cluster).name, org.machine_type(o.machine_type).name, self.period_name(o.placed));
            let d = self.var(variable().min(0).name(format!("order_change[{tag}]")));
            self.add(constraint!(d >= o.var - b), || format!("order_change_up[{tag}]"));
            self.add(constraint!(d >= b - o.var), || format!("order_change_down[{tag}]"));
            self.change += (share * org.machine_type(o.machine_type).capital_cost) * d;
        }
        for s in org.service_ids().filter(|&s| self.has_service(s)).collect::<Vec<_>>() {
            let unit = self.unit[s.index()];
            let per_period = share * self.unit_machine_cost(s) / self.horizon.max(1) as f64;
            for c in org.cluster_ids() {
                for t in self.window.clone() {
                    let x = self.x(s, c, t);
                    let b = stability.capacity.get(&(s, c, t)).copied().unwrap_or(0.0) / unit;
                    if x.clone().linear_coefficients().next().is_none() {
                        continue; // the service cannot be here now
                    }
                    let tag = format!("{}|{}|{}", org.service(s).name, org.cluster(c).name, self.period_name(t));
                    let d = self.var(variable().min(0).name(format!("move[{tag}]")));
                    self.add(constraint!(d >= x.clone() - b), || format!("move_up[{tag}]"));
                    self.add(constraint!(d >= b - x), || format!("move_down[{tag}]"));
                    self.change += per_period * d;
                }
            }
        }
    }

    /// The capital cost of the machine that one unit of a service's
    /// capacity variables fills: the cheapest type with the largest
    /// capacity of the service's bottleneck resource.
    pub fn unit_machine_cost(&self, s: ServiceId) -> f64 {
        let service = self.org.service(s);
        let bottleneck = (0..self.reference.len())
            .filter(|&r| service.per_unit[r] > 0.0)
            .min_by(|&a, &b| (self.reference[a] / service.per_unit[a]).total_cmp(&(self.reference[b] / service.per_unit[b])));
        let Some(r) = bottleneck else { return 0.0 };
        self.org.machine_types.iter().filter(|m| m.capacity[r] >= self.reference[r]).map(|m| m.capital_cost).reduce(f64::min).unwrap_or(0.0)
    }

    /// A lower bound on any plan's objective, in dollars, without solving:
    /// every variable is non-negative, so where no cost coefficient is
    /// negative no plan costs less than the objective's constant (the
    /// running cost of the machines already there or on their way).
    pub fn constant_bound(&self) -> f64 {
        let objective = self.objective();
        if objective.clone().linear_coefficients().any(|(_, c)| c < 0.0) {
            f64::NEG_INFINITY
        } else {
            objective.constant() / COST_SCALE
        }
    }

    /// The first period an order can arrive in (one the build does not
    /// fix), or the horizon if none can: until then the fleet is the
    /// existing one, whatever is ordered.
    pub fn first_arrival(&self) -> usize {
        self.orders
            .iter()
            .filter(|o| !self.build.fixed_orders.contains_key(&o.key()))
            .map(|o| o.placed + self.lead(o.cluster))
            .min()
            .map_or(self.horizon, |t| t.min(self.horizon))
    }

    /// A period in which the fleet there is without new orders (existing,
    /// less retirements, plus what is in flight) cannot serve its users'
    /// demand, by a count that needs no solve: for some resource, the
    /// users' demand of every service needs more than every cluster
    /// allows at its utilisation target. The count can only prove the
    /// fleet short: N+k needs at least the demand (k = 0), dependents
    /// induce more, and latency confines each demand to some clusters.
    /// So where it falls short no plan without orders exists, and where
    /// it does not, one still may not. `None` where the count says
    /// nothing.
    pub fn fleet_short_without_orders(&self) -> Option<usize> {
        let org = self.org;
        let resources = org.resources.len();
        self.window.clone().find(|&t| {
            let mut need = vec![0.0; resources];
            for def in self.origins.iter() {
                let direct: f64 = def
                    .kinds
                    .iter()
                    .map(|kind| match kind {
                        Kind::Direct { organic, inorganic } => organic[t] + inorganic[t],
                        Kind::Induced { .. } => 0.0,
                    })
                    .sum();
                let per_unit = &org.service(def.service).per_unit;
                need.iter_mut().zip(per_unit).for_each(|(n, p)| *n += p * direct.max(0.0));
            }
            let mut have = vec![0.0; resources];
            for c in org.cluster_ids().filter(|&c| self.has_cluster(c)) {
                let cluster = org.cluster(c);
                for &m in self.cluster_types.get(c.index()).map_or(&[][..], |types| &types[..]) {
                    let machines = self.fleet_before_orders(c, m, t);
                    let capacity = &org.machine_type(m).capacity;
                    have.iter_mut().zip(capacity).for_each(|(h, cap)| *h += cluster.utilisation_target * cap * machines.max(0.0));
                }
            }
            need.iter().zip(&have).any(|(n, h)| *n > h * (1.0 + 1e-6) + 1e-9)
        })
    }

    /// The objective's value (in dollars) where every variable in it is
    /// held at one value by the build (orders in `fixed_orders`): every
    /// solution then costs the same. `None` where some may cost less than
    /// others.
    pub fn fixed_objective(&self) -> Option<f64> {
        let held: HashMap<Variable, f64> =
            self.orders.iter().filter_map(|o| self.build.fixed_orders.get(&o.key()).map(|&n| (o.var, n))).collect();
        let objective = self.objective();
        let mut value = objective.constant();
        for (var, coefficient) in objective.linear_coefficients() {
            if coefficient != 0.0 {
                value += coefficient * held.get(&var)?;
            }
        }
        Some(value / COST_SCALE)
    }

    pub fn objective(&self) -> Expression {
        let growth: Expression = self.growth.iter().map(|&g| Expression::from(g)).sum();
        self.capital.clone() + self.running.clone() + self.penalty.clone() + self.change.clone() - growth
    }
}
