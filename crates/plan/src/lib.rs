//! The plan: what to order, where each service's capacity goes, and what
//! that leaves — as data, with its JSON and CSV formats.
//!
//! The solver writes a [`Plan`]; the verifier, `diff` and `report` read
//! one. Everything here is plain data named by strings, so a plan file can
//! be read without the inputs, and checked against them by name.
//!
//! JSON carries [`FORMAT_VERSION`]: the minor version grows with additions,
//! the major one with breaking changes; readers ignore unknown fields.

use serde::{Deserialize, Serialize};

mod tables;
pub mod text;
pub use tables::csv_tables;

/// Version of the plan file format.
pub const FORMAT_VERSION: &str = "1.4";

/// A plan: what to order and when, where each demand's capacity goes in each period, and every table that follows from them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`] when written; a reader refuses another major version.
    pub format_version: String,
    /// SHA-256 of the input files (names and contents), to tell whether a
    /// plan was made from the inputs at hand.
    pub inputs_digest: String,
    /// Whether unmet demand was allowed.
    pub mode: Mode,
    /// The what-if scenario this plan was made under (`plan --scenario`),
    /// if any: check it with `verify --scenario`. Since format 1.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Which solver found the plan, how, and how close to optimal it is.
    pub solver: SolverInfo,
    /// Planning periods, in order.
    pub periods: Vec<String>,
    /// The services planned, for readers without the intents. Since 1.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceInfo>,
    /// What the plan costs, in total, per period and per team.
    pub cost: Cost,
    /// Machines to order, by period placed, cluster and type.
    pub orders: Vec<Order>,
    /// Orders of a baseline plan placed before this plan's first period
    /// that arrive within it: fixed, their capital already committed (and
    /// not in `cost`). Since format 1.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_flight: Vec<Order>,
    /// Machines per cluster, type and period (after arrivals and retirements).
    pub fleet: Vec<FleetRow>,
    /// Capacity reserved for each demand origin of a service, per cluster.
    pub allocations: Vec<Allocation>,
    /// Demand per service, origin and period, and what survives the loss of
    /// the service's k largest failure domains.
    pub headroom: Vec<Headroom>,
    /// Resources used, allocatable and present, per cluster and period.
    pub utilisation: Vec<Utilisation>,
    /// Power, space and deliveries against their limits, per cluster and period.
    pub power_space: Vec<PowerSpace>,
    /// Demand the plan does not serve (best-effort mode only).
    pub unmet: Vec<Unmet>,
    /// Intents that cannot be met and the limits that cause it.
    pub explanations: Vec<Explanation>,
    /// Marginal values of binding limits, where the backend gives duals.
    pub shadow_prices: Vec<ShadowPrice>,
    /// How much more growth each region's users could bring before the
    /// plan's fleet runs out. Since format 1.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub growth: Vec<Growth>,
}

/// Growth headroom of one region in one period, on the plan's fleet (its
/// orders fixed, placements free to change, every intent kept).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// The period.
    pub period: String,
    /// The region whose users' demand grows.
    pub region: String,
    /// The largest share by which organic demand from the region's users
    /// (every service) can grow; `None` where there is none.
    pub organic: Option<f64>,
    /// The same for inorganic demand (launch events) from the region.
    pub inorganic: Option<f64>,
    /// Shares are measured up to this; a share equal to it means "at least".
    pub cap: f64,
    /// The shares are lower bounds, not the largest: the plan's fleet
    /// absorbs at least this much growth (on organisations too large to
    /// measure it exactly, see `docs/plan-semantics.md`). Since 1.4.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
    /// Where the shares are lower bounds: an upper bound on the largest
    /// organic growth, from capacity alone (`None` where there is none).
    /// Since 1.4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organic_at_most: Option<f64>,
    /// The same for inorganic growth. Since 1.4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inorganic_at_most: Option<f64>,
}

/// Whether a plan must meet every intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Every intent is met, or there is no plan.
    Strict,
    /// Unmet demand is allowed at a penalty weighted by priority.
    BestEffort,
}

/// How a plan was found, and how close to optimal it is proven to be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    /// Which backend solved the model (`microlp`, `highs`).
    pub backend: String,
    /// `optimal`, or `feasible` when the solver stopped within a gap or a
    /// time limit: never called optimal unless proven.
    pub status: String,
    /// Relative gap between the plan's cost and the best bound, when the
    /// solver stopped short of proving optimality; 0 when optimal.
    pub mip_gap: f64,
    /// The objective value, penalties for unmet demand included.
    pub objective: f64,
    /// Columns of the whole-machine model.
    pub variables: usize,
    /// Rows of the whole-machine model.
    pub constraints: usize,
    /// How the plan was found: the linear programs' method (`simplex`,
    /// `column generation`, `interior point`), then how whole machines
    /// were found (`integral`, `rounded up`, `dive`, `branch and bound`).
    /// Format 1.3; empty in older plans.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
}

/// One service as planned, for readers without the intents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    /// The service's name.
    pub name: String,
    /// The team that owns it.
    pub team: String,
    /// Unit of demand (qps, Gbps, ...).
    pub unit: String,
    /// Failures to survive: k and the level ("cluster", "failure domain",
    /// "region").
    pub n_plus: u32,
    /// The level of `n_plus`: `cluster`, `failure domain` or `region`.
    pub across: String,
}

/// What a plan costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Capital plus running cost over the horizon.
    pub total: f64,
    /// Capital cost of the orders.
    pub capital: f64,
    /// Running cost of the whole fleet (existing and ordered) over the horizon.
    pub running: f64,
    /// Capital and running cost per period.
    pub by_period: Vec<PeriodCost>,
    /// Running cost shared out by each team's share of allocated resources,
    /// and capital by the same shares in the period the machines arrive.
    pub by_team: Vec<TeamCost>,
}

/// Cost in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodCost {
    /// The period.
    pub period: String,
    /// Capital cost of the orders placed in it.
    pub capital: f64,
    /// Running cost of the fleet in it.
    pub running: f64,
}

/// One team's share of the cost in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamCost {
    /// The team (`(idle)` for capacity no team uses).
    pub team: String,
    /// The period.
    pub period: String,
    /// Its share of capital and running cost.
    pub cost: f64,
}

/// Machines of one type ordered for one cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Period in which the order is placed.
    pub placed: String,
    /// Period from which the machines serve.
    pub arrives: String,
    /// The cluster they go to.
    pub cluster: String,
    /// Their machine type.
    pub machine_type: String,
    /// How many.
    pub count: u32,
}

/// Machines of one type in one cluster in one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetRow {
    /// The period.
    pub period: String,
    /// The cluster.
    pub cluster: String,
    /// The machine type.
    pub machine_type: String,
    /// How many serve in the period.
    pub machines: u32,
}

/// Where demand comes from: users in a region (or anywhere, with no
/// region), or a dependent service's capacity in a region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    /// The users' region; `None` for demand from anywhere.
    pub region: Option<String>,
    /// For demand induced by a dependent service: that service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let region = self.region.as_deref().unwrap_or("anywhere");
        match &self.via {
            Some(via) => write!(f, "{via} in {region}"),
            None => write!(f, "users in {region}"),
        }
    }
}

/// Capacity reserved in one cluster for one demand of a service in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// The period.
    pub period: String,
    /// The service.
    pub service: String,
    /// Whose demand it serves.
    pub origin: Origin,
    /// The cluster.
    pub cluster: String,
    /// Units of the service's demand.
    pub capacity: f64,
}

/// One demand of a service in one period: its parts, the capacity reserved for it, and what survives failures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Headroom {
    /// The period.
    pub period: String,
    /// The service.
    pub service: String,
    /// Whose demand it is.
    pub origin: Origin,
    /// Organic (forecast) demand.
    pub organic: f64,
    /// Inorganic demand (launch events).
    pub inorganic: f64,
    /// Demand induced by dependent services' capacity.
    pub induced: f64,
    /// Capacity reserved for this origin in all clusters.
    pub capacity: f64,
    /// Capacity left after losing the k largest failure domains.
    pub survivable: f64,
    /// Survivable capacity minus all demand (negative where demand is unmet).
    pub headroom: f64,
}

/// One resource of one cluster in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Utilisation {
    /// The period.
    pub period: String,
    /// The cluster.
    pub cluster: String,
    /// The resource.
    pub resource: String,
    /// Allocated to services.
    pub used: f64,
    /// What the utilisation target allows to allocate.
    pub allocatable: f64,
    /// All of the fleet's capacity.
    pub capacity: f64,
}

/// One cluster's power, space and deliveries in one period, against their limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PowerSpace {
    /// The period.
    pub period: String,
    /// The cluster.
    pub cluster: String,
    /// Power drawn by the fleet, in kW.
    pub power_kw: f64,
    /// The power cap in the period, in kW.
    pub power_cap_kw: f64,
    /// Machines in the fleet (the slots they take).
    pub machines: u32,
    /// The space cap in the period, in machine slots.
    pub space_cap: f64,
    /// Machines delivered this period, and the most that can be.
    pub deliveries: u32,
    /// The most machines that can be delivered in a period; `None` without a limit.
    pub delivery_limit: Option<u32>,
}

/// Demand of a service that the plan does not serve (best effort).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmet {
    /// The period.
    pub period: String,
    /// The service.
    pub service: String,
    /// Whose demand it is.
    pub origin: Origin,
    /// All of that demand.
    pub demand: f64,
    /// The part of it not served.
    pub unmet: f64,
}

/// An intent that cannot be met, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The service.
    pub service: String,
    /// Whose demand cannot be served, when one origin is at fault.
    pub origin: Option<Origin>,
    /// First and last period affected.
    pub from: String,
    /// Last period affected.
    pub to: String,
    /// Which intent and which limits, in a sentence.
    pub message: String,
    /// Changes that would let the intent be met, each found by solving the
    /// model with that limit relaxed.
    pub fixes: Vec<String>,
}

/// What one more unit of a binding limit would save.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShadowPrice {
    /// The period.
    pub period: String,
    /// The cluster.
    pub cluster: String,
    /// `power_kw`, `space` or `deliveries`.
    pub limit: String,
    /// Cost saved over the horizon by one more unit of the limit.
    pub value: f64,
}

/// Why a plan file cannot be read.
#[derive(Debug)]
pub struct ReadError {
    /// What is wrong.
    pub message: String,
    /// Line of the JSON, from 1.
    pub line: usize,
    /// Column of the JSON, from 1.
    pub column: usize,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl Plan {
    /// The plan as JSON: keys in a fixed order, numbers as computed (the
    /// solver rounds them), a final newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("a plan always serialises");
        out.push('\n');
        out
    }

    /// Reads a plan. A plan of another major format version is refused.
    pub fn from_json(text: &str) -> Result<Plan, ReadError> {
        // A byte-order mark, as some editors write, is not part of the JSON.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        #[derive(Deserialize)]
        struct Version {
            format_version: Option<String>,
        }
        let err = |e: serde_json::Error| {
            // serde appends the position, which the caller shows already.
            let text = e.to_string();
            let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m).to_owned();
            ReadError { message, line: e.line(), column: e.column() }
        };
        let version: Version = serde_json::from_str(text).map_err(err)?;
        let major = |v: &str| v.split('.').next().map(str::to_owned);
        match version.format_version {
            Some(v) if major(&v) == major(FORMAT_VERSION) => serde_json::from_str(text).map_err(err),
            Some(v) => Err(ReadError {
                message: format!("plan format {v} is not supported (this headroom reads {FORMAT_VERSION})"),
                line: 1,
                column: 1,
            }),
            None => Err(ReadError { message: "not a headroom plan: no `format_version`".into(), line: 1, column: 1 }),
        }
    }

    /// Reads a plan file, or `plan.json` in a directory. The error names
    /// the file (and the line and column where the JSON is wrong).
    ///
    /// Names reach markdown, HTML, file names and CI annotations: a plan
    /// whose names headroom could not have written (an edited file) is
    /// refused before any of them is rendered.
    pub fn read(path: &std::path::Path) -> Result<Plan, String> {
        let file = if path.is_dir() { path.join("plan.json") } else { path.to_owned() };
        let text = std::fs::read_to_string(&file).map_err(|e| {
            let reason = e.to_string();
            let reason = reason.split(" (os error").next().unwrap_or(&reason).to_owned();
            format!("cannot read {}: {reason}", file.display())
        })?;
        let plan = Plan::from_json(&text).map_err(|e| format!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message))?;
        if let Some((key, name, why)) = foreign_name(text.trim_start_matches('\u{FEFF}')) {
            return Err(format!(
                "{}: `{key}` {:?} {why}: not a name headroom writes (was the plan edited?)",
                file.display(),
                name.chars().take(80).collect::<String>()
            ));
        }
        Ok(plan)
    }
}

/// The first value of a name field (service, cluster, region, ...) that
/// is not a valid name, anywhere in a plan's JSON, in the order written.
/// `(idle)` is the cost of machines no team uses, in `cost.by_team`.
///
/// The text is walked, not built into a `serde_json::Value`: that took
/// ten times the text in memory (easy large's 400 MB plan: `verify` 4.3 GB
/// at its peak).
fn foreign_name(text: &str) -> Option<(String, String, String)> {
    let mut found = None;
    let mut json = serde_json::Deserializer::from_str(text);
    // An error is the walk stopping at the first foreign name, or JSON
    // that `Plan::from_json` has already read: either way, what was found.
    let _ = serde::de::DeserializeSeed::deserialize(Names { key: None, found: &mut found }, &mut json);
    found
}

/// The fields whose values are names.
const NAME_FIELDS: [&str; 8] = ["service", "cluster", "region", "machine_type", "team", "via", "name", "scenario"];

/// A walk of one JSON value for [`foreign_name`]: `key` is the name field
/// it is the value of, if any.
struct Names<'a> {
    key: Option<&'static str>,
    found: &'a mut Option<(String, String, String)>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Names<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Names<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a plan's JSON")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        let Some(key) = self.key else { return Ok(()) };
        if key == "team" && text == "(idle)" {
            return Ok(());
        }
        match headroom_model::Name::problem(text) {
            Some((why, _)) => {
                *self.found = Some((key.to_owned(), text.to_owned(), why));
                Err(E::custom("a foreign name"))
            }
            None => Ok(()),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(NameField)? {
            map.next_value_seed(Names { key, found: &mut *self.found })?;
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while items.next_element_seed(Names { key: None, found: &mut *self.found })?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A key of a JSON object, as the name field it is ([`NAME_FIELDS`]) or
/// `None`, without keeping it.
struct NameField;

impl<'de> serde::de::DeserializeSeed<'de> for NameField {
    type Value = Option<&'static str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NameField {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(NAME_FIELDS.iter().copied().find(|&field| field == key))
    }
}

/// A rule of what a plan means (`docs/plan-semantics.md`), as the solver's
/// model cites it and `verify` reports a broken one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The plan covers exactly the inputs' periods.
    Periods,
    /// Rule 1: capacity only where the service may use the cluster.
    Allocation,
    /// Rules 2, 3 and 5: demand (with what dependents induce) survives
    /// losing the k largest failure groups.
    Redundancy,
    /// Rule 4: spread caps.
    Spread,
    /// Rule 6: cluster resources under the utilisation target.
    Resources,
    /// Rule 7: orders are whole machines of types the cluster offers,
    /// arriving one lead time after they are placed.
    Orders,
    /// Rule 7: the fleet the orders make.
    Fleet,
    /// Rule 7: delivery limits.
    Deliveries,
    /// Rule 8: power caps.
    Power,
    /// Rule 8: space caps.
    Space,
    /// Rule 9: cost.
    Cost,
    /// Rule 10: a strict plan leaves nothing unmet; unmet demand is at most
    /// the demand.
    Unmet,
    /// Rule 11: every number the plan states follows from its orders and
    /// allocations.
    Tables,
}

impl Rule {
    /// The name `verify` prints (`[redundancy]`) and the document uses.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Periods => "periods",
            Rule::Allocation => "allocation",
            Rule::Redundancy => "redundancy",
            Rule::Spread => "spread",
            Rule::Resources => "resources",
            Rule::Orders => "orders",
            Rule::Fleet => "fleet",
            Rule::Deliveries => "deliveries",
            Rule::Power => "power",
            Rule::Space => "space",
            Rule::Cost => "cost",
            Rule::Unmet => "unmet",
            Rule::Tables => "tables",
        }
    }

    /// The rule's number in `docs/plan-semantics.md` (none for the horizon,
    /// which the document states before the rules).
    pub fn number(self) -> Option<u8> {
        match self {
            Rule::Periods => None,
            Rule::Allocation => Some(1),
            Rule::Redundancy => Some(3),
            Rule::Spread => Some(4),
            Rule::Resources => Some(6),
            Rule::Orders | Rule::Fleet | Rule::Deliveries => Some(7),
            Rule::Power | Rule::Space => Some(8),
            Rule::Cost => Some(9),
            Rule::Unmet => Some(10),
            Rule::Tables => Some(11),
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::foreign_name;

    #[test]
    fn a_foreign_name_is_found_wherever_it_is_and_the_first_one_written_wins() {
        let fine = r#"{"cost": {"by_team": [{"team": "(idle)", "x": 1.5}]}, "fleet": [{"cluster": "c-1", "n": [1, 2, null, true]}]}"#;
        assert_eq!(foreign_name(fine), None);
        let nested = r#"{"a": [{"b": {"cluster": "ok"}}, {"b": {"service": "no way"}}], "z": {"region": ""}}"#;
        let (key, name, why) = foreign_name(nested).expect("a foreign name");
        assert_eq!((key.as_str(), name.as_str()), ("service", "no way"));
        assert!(why.contains("characters"), "{why}");
        // Only a name field's own value is a name: not strings in a list
        // under it, nor other fields.
        assert_eq!(foreign_name(r#"{"service": ["a b"], "note": "a b", "team": {"name": "t"}}"#), None);
        assert_eq!(foreign_name(r#"{"team": {"name": ".t"}}"#).map(|(key, _, _)| key), Some("name".to_owned()));
    }
}
