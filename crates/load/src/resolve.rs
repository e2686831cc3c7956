//! From the files as written to the model: every name looked up, every
//! duplicate and unknown name reported with the place it was written.

use std::collections::HashMap;

use headroom_diag::{did_you_mean, Diagnostic};
use headroom_model::*;

use crate::decode::{list, Partial};
use crate::forecast::LoadedForecast;
use crate::raw::*;

/// Names of one kind of item, in definition order.
pub struct Table {
    kind: &'static str,
    /// Names of items that were given but had errors (already reported).
    broken: Vec<String>,
    /// Some file that may define names of this kind could not be parsed:
    /// an unknown name may be defined there, so it is not reported.
    open: bool,
    /// Plural, for "the topology's regions are ...".
    plural: &'static str,
    names: Vec<Name>,
    index: HashMap<String, usize>,
}

impl Table {
    pub fn new(kind: &'static str, plural: &'static str, partial: &Partial) -> Table {
        let broken = partial.broken.iter().filter(|(k, _)| *k == kind).map(|(_, n)| n.clone()).collect();
        Table { kind, plural, broken, open: false, names: Vec::new(), index: HashMap::new() }
    }

    /// Defines a name; a second definition is reported with both places.
    pub fn define(&mut self, name: &Name, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        if let Some(&first) = self.index.get(&name.text) {
            diags.push(
                Diagnostic::error("duplicate-name", format!("{} `{}` is defined twice", self.kind, name.text))
                    .label(name.span, "defined again here")
                    .label(self.names[first].span, "first defined here")
                    .help(format!("rename or remove one of them: {} names are unique across all files", self.kind)),
            );
            return None;
        }
        self.index.insert(name.text.clone(), self.names.len());
        self.names.push(name.clone());
        Some(self.names.len() - 1)
    }

    /// Marks the table as possibly incomplete (see `open`).
    pub fn open(mut self, open: bool) -> Table {
        self.open = open;
        self
    }

    /// Whether every file that defines names of this kind was read.
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Looks a name up; an unknown one is reported with a suggestion.
    pub fn lookup(&self, name: &Name, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        if let Some(i) = self.get(&name.text) {
            return Some(i);
        }
        if self.open || self.broken.contains(&name.text) {
            return None;
        }
        // Items that had errors are still names the user wrote: suggest them.
        let known: Vec<&str> = self.names.iter().map(|n| n.text.as_str()).chain(self.broken.iter().map(String::as_str)).collect();
        diags.push(
            Diagnostic::error("unknown-name", format!("unknown {} `{}`", self.kind, name.text))
                .label(name.span, format!("no {} of this name", self.kind))
                .help(unknown_help(&name.text, self.kind, self.plural, &known)),
        );
        None
    }

    pub fn names(&self) -> &[Name] {
        &self.names
    }
}

/// What to say of a name that is not among `known` (of `kind`, `plural`
/// when many): the closest name, or which names there are.
pub fn unknown_help(name: &str, kind: &str, plural: &str, known: &[&str]) -> String {
    match did_you_mean(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => format!("no {kind} is defined"),
        None if known.len() <= 12 => format!("the {plural} are {}", list(known)),
        None => format!("there are {} {plural}; none is named like this", known.len()),
    }
}

/// Looks up every name of a list, reporting each unknown one.
fn lookup_all<T>(table: &Table, names: &[Name], diags: &mut Vec<Diagnostic>, id: fn(usize) -> T) -> Option<Vec<T>> {
    let found: Vec<Option<T>> = names.iter().map(|n| table.lookup(n, diags).map(id)).collect();
    found.into_iter().collect()
}

/// The topology, resolved: its name tables, and an organisation with no
/// intents or forecast yet, or `None` if there were errors (reported).
pub struct Topology {
    pub resources: Table,
    pub regions: Table,
    pub clusters: Table,
    pub model: Option<Organisation>,
}

/// `readable` says every topology file parsed; `complete` that they also
/// decoded without error: only then is a section no file defines reported
/// missing.
pub fn topology(files: &[TopologyFile], readable: bool, complete: bool, partial: &Partial, diags: &mut Vec<Diagnostic>) -> Topology {
    let errors = |d: &Vec<Diagnostic>| d.iter().filter(|x| x.is_error()).count();
    let before = errors(diags);
    let names = TopologyNames::define(files, readable, complete, partial, diags);
    let machine_types = machine_types(files, &names.resources, diags);
    let (clusters, failure_domains) = clusters(files, &names, diags);
    let latency = latency(files, &names.regions, complete, diags);
    let model = (errors(diags) == before).then(|| Organisation {
        resources: files.iter().flat_map(|f| &f.resources).map(|r| Resource { name: r.name.clone(), unit: r.unit.clone() }).collect(),
        machine_types,
        regions: names.regions.names().iter().map(|n| Region { name: n.clone() }).collect(),
        clusters,
        failure_domains,
        latency,
        teams: Vec::new(),
        services: Vec::new(),
        forecast: Forecast::default(),
    });
    Topology { resources: names.resources, regions: names.regions, clusters: names.clusters, model }
}

/// The names the topology defines, one table per kind.
struct TopologyNames {
    resources: Table,
    machine_types: Table,
    regions: Table,
    clusters: Table,
}

impl TopologyNames {
    /// Every name the files define (a duplicate reported), a section no
    /// file has reported missing when the files are `complete`, and names
    /// that items with errors refer to looked up.
    fn define(files: &[TopologyFile], readable: bool, complete: bool, partial: &Partial, diags: &mut Vec<Diagnostic>) -> TopologyNames {
        let mut resources = Table::new("resource", "resources", partial).open(!readable);
        let mut machine_types = Table::new("machine type", "machine types", partial).open(!readable);
        let mut regions = Table::new("region", "regions", partial).open(!readable);
        let mut clusters = Table::new("cluster", "clusters", partial).open(!readable);
        for f in files {
            for r in &f.resources {
                resources.define(&r.name, diags);
            }
            for m in &f.machine_types {
                machine_types.define(&m.name, diags);
            }
            for r in &f.regions {
                regions.define(r, diags);
            }
            for c in &f.clusters {
                clusters.define(&c.name, diags);
            }
        }
        let all = |what: fn(&TopologyFile) -> usize| files.iter().map(what).sum::<usize>();
        for (count, kind, example) in [
            (all(|f| f.resources.len()), "resources", "resources: [Resource(name: \"cpu\", unit: \"cores\")]"),
            (all(|f| f.machine_types.len()), "machine_types", "machine_types: [MachineType(name: ..., resources: {...}, ...)]"),
            (all(|f| f.regions.len()), "regions", "regions: [Region(name: \"us-east\")]"),
            (all(|f| f.clusters.len()), "clusters", "clusters: [Cluster(name: ..., region: ..., ...)]"),
        ] {
            if count == 0 && complete {
                diags.push(
                    Diagnostic::error("missing-section", format!("the topology defines no {}", kind.replace('_', " ")))
                        .help(format!("add `{example}` to a file in topology/")),
                );
            }
        }
        for (kind, name) in &partial.orphans {
            let table = match *kind {
                "resource" => &resources,
                "machine type" => &machine_types,
                "region" => &regions,
                _ => continue,
            };
            table.lookup(name, diags);
        }
        TopologyNames { resources, machine_types, regions, clusters }
    }
}

/// The machine types, their resources looked up in `resources`.
fn machine_types(files: &[TopologyFile], resources: &Table, diags: &mut Vec<Diagnostic>) -> Vec<MachineType> {
    let mut out = Vec::new();
    for f in files {
        for m in &f.machine_types {
            let mut capacity = vec![0.0; resources.names().len()];
            for (r, amount) in &m.resources {
                if let Some(i) = resources.lookup(r, diags) {
                    capacity[i] = *amount;
                }
            }
            out.push(MachineType {
                name: m.name.clone(),
                capacity,
                capital_cost: m.capital_cost,
                running_cost_per_month: m.running_cost_per_month,
                power_kw: m.power_kw,
            });
        }
    }
    out
}

/// The clusters whose names all resolve, and the failure domains (a
/// cluster without one is a domain of its own), in definition order.
fn clusters(files: &[TopologyFile], names: &TopologyNames, diags: &mut Vec<Diagnostic>) -> (Vec<Cluster>, Vec<FailureDomain>) {
    let machine_types = &names.machine_types;
    let mut domains: Vec<FailureDomain> = Vec::new();
    let mut out = Vec::new();
    for f in files {
        for c in &f.clusters {
            let id = ClusterId::from_index(out.len());
            let region = names.regions.lookup(&c.region, diags).map(RegionId::from_index);
            let label = c.failure_domain.as_ref().map_or(&c.name.text, |d| &d.text);
            let domain = match domains.iter().position(|d| &d.name == label) {
                Some(i) => i,
                None => {
                    domains.push(FailureDomain { name: label.clone(), clusters: Vec::new() });
                    domains.len() - 1
                }
            };
            domains[domain].clusters.push(id);
            let fleet: Option<Vec<(MachineTypeId, u32)>> = c
                .fleet
                .iter()
                .map(|(m, n)| machine_types.lookup(m, diags).map(|i| (MachineTypeId::from_index(i), *n)))
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let retirements: Option<Vec<Retirement>> = c
                .retirements
                .iter()
                .map(|r| {
                    machine_types.lookup(&r.machine_type, diags).map(|i| Retirement {
                        period: r.period.0,
                        machine_type: MachineTypeId::from_index(i),
                        count: r.count,
                        span: r.span,
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let orderable = lookup_all(machine_types, &c.can_order, diags, MachineTypeId::from_index);
            let schedule = |initial: f64, changes: &[(At, f64)]| Schedule {
                initial,
                changes: changes.iter().map(|((p, span), v)| Change { from: *p, value: *v, span: *span }).collect(),
            };
            if let (Some(fleet), Some(mut retirements)) = (fleet, retirements) {
                retirements.sort_by_key(|r| (r.period.start_month(), r.machine_type));
                check_retirements(c, &fleet, &retirements, machine_types, diags);
                if let (Some(region), Some(orderable)) = (region, orderable) {
                    out.push(Cluster {
                        name: c.name.clone(),
                        region,
                        failure_domain: DomainId::from_index(domain),
                        power_cap_kw: schedule(c.power_cap_kw, &c.power_cap_changes),
                        space_cap: schedule(c.space_cap, &c.space_cap_changes),
                        fleet,
                        retirements,
                        orderable,
                        lead_time_months: c.lead_time_months,
                        max_deliveries_per_month: c.max_deliveries_per_month,
                        utilisation_target: c.utilisation_target,
                    });
                }
            }
        }
    }
    (out, domains)
}

/// A cluster retires no more machines of a type than its fleet has, and
/// none of a type it has none of. `retirements` are in time order.
fn check_retirements(
    c: &RawCluster,
    fleet: &[(MachineTypeId, u32)],
    retirements: &[Retirement],
    machine_types: &Table,
    diags: &mut Vec<Diagnostic>,
) {
    for (m, existing) in fleet.iter().copied() {
        let mut retired = 0u64;
        for r in retirements.iter().filter(|r| r.machine_type == m) {
            retired += r.count as u64;
            if retired > existing as u64 {
                diags.push(
                    Diagnostic::error(
                        "bad-value",
                        format!(
                            "cluster `{}` retires {retired} machines of type `{}` by {}, but has {existing}",
                            c.name.text,
                            machine_types.names()[m.index()].text,
                            r.period
                        ),
                    )
                    .label(r.span, "more than the fleet has")
                    .help("retire no more machines than the existing fleet holds"),
                );
                break;
            }
        }
    }
    for r in retirements {
        if !fleet.iter().any(|(m, _)| *m == r.machine_type) {
            diags.push(
                Diagnostic::error(
                    "bad-value",
                    format!(
                        "cluster `{}` retires machines of type `{}` but has none",
                        c.name.text,
                        machine_types.names()[r.machine_type.index()].text
                    ),
                )
                .label(r.span, "not in this cluster's fleet")
                .help("add them to `fleet`, or remove the retirement"),
            );
        }
    }
}

/// The latency between regions (symmetric; a region's own latency inside
/// it on the diagonal), from the topology's one `latency` section: a pair
/// given twice or not at all is reported.
fn latency(files: &[TopologyFile], regions: &Table, complete: bool, diags: &mut Vec<Diagnostic>) -> Latency {
    let latencies: Vec<&RawLatency> = files.iter().filter_map(|f| f.latency.as_ref()).collect();
    let n = regions.names().len();
    let mut between = vec![vec![None; n]; n];
    let mut intra = 0.0;
    match latencies.as_slice() {
        [] if complete => diags.push(
            Diagnostic::error("missing-section", "the topology gives no latency between regions")
                .help("add `latency: Latency(intra_region_ms: 1, between: [(\"us-east\", \"eu-west\", 75), ...])` to a file in topology/"),
        ),
        [] => {}
        [one, rest @ ..] => {
            for other in rest {
                diags.push(
                    Diagnostic::error("duplicate-name", "latency is given twice")
                        .label(other.span, "given again here")
                        .label(one.span, "first given here")
                        .help("keep one `latency` section in the topology"),
                );
            }
            intra = one.intra_region_ms;
            let mut seen: HashMap<(usize, usize), Span> = HashMap::new();
            // A region's own latency inside it, on the diagonal.
            for (region, ms, span) in &one.within {
                let Some(i) = regions.lookup(region, diags) else { continue };
                if let Some(first) = seen.insert((i, i), *span) {
                    diags.push(
                        Diagnostic::error("duplicate-name", format!("the latency inside `{}` is given twice", region.text))
                            .label(*span, "given again here")
                            .label(first, "first given here")
                            .help("give each region once in `within`"),
                    );
                    continue;
                }
                between[i][i] = Some(*ms);
            }
            for (a, b, ms, span) in &one.between {
                let (ia, ib) = (regions.lookup(a, diags), regions.lookup(b, diags));
                let (Some(ia), Some(ib)) = (ia, ib) else { continue };
                if ia == ib {
                    diags.push(
                        Diagnostic::error("bad-value", format!("latency from `{}` to itself", a.text))
                            .label(*span, "same region twice")
                            .help("the latency inside a region is `intra_region_ms`"),
                    );
                    continue;
                }
                let key = (ia.min(ib), ia.max(ib));
                if let Some(first) = seen.get(&key) {
                    diags.push(
                        Diagnostic::error("duplicate-name", format!("latency between `{}` and `{}` is given twice", a.text, b.text))
                            .label(*span, "given again here")
                            .label(*first, "first given here")
                            .help("latency is symmetric: give each pair once"),
                    );
                    continue;
                }
                seen.insert(key, *span);
                between[ia][ib] = Some(*ms);
                between[ib][ia] = Some(*ms);
            }
            for ia in 0..n {
                for ib in ia + 1..n {
                    if between[ia][ib].is_none() {
                        let (a, b) = (&regions.names()[ia].text, &regions.names()[ib].text);
                        diags.push(
                            Diagnostic::error("latency-gap", format!("no latency between regions `{a}` and `{b}`"))
                                .label(one.span, "this latency section")
                                .help(format!("add `(\"{a}\", \"{b}\", <ms>)` to `between`")),
                        );
                    }
                }
            }
        }
    }
    Latency { intra_region_ms: intra, between }
}

/// The intents, resolved against the topology and the forecast.
/// `readable` and `complete` are as for [`topology`], for intent files.
pub fn intents(
    files: &[TeamFile],
    readable: bool,
    complete: bool,
    partial: &Partial,
    topo: &Topology,
    forecast: Option<&LoadedForecast>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Vec<Team>, Vec<Service>)> {
    let errors = |d: &Vec<Diagnostic>| d.iter().filter(|x| x.is_error()).count();
    let before = errors(diags);
    let mut teams = Table::new("team", "teams", partial).open(!readable);
    let mut services = Table::new("service", "services", partial).open(!readable);
    for f in files {
        teams.define(&f.name, diags);
        for s in &f.services {
            services.define(&s.name, diags);
        }
    }
    for (kind, name) in &partial.orphans {
        match *kind {
            "service" => services.lookup(name, diags),
            "cluster" => topo.clusters.lookup(name, diags),
            _ => None,
        };
    }
    let series_names: Vec<&str> = forecast.map(|f| f.forecast.series.iter().map(|s| s.name.as_str()).collect()).unwrap_or_default();
    // Services others depend on: without a series of their own, they serve
    // only what their dependents induce (a database behind an API).
    let depended_on: std::collections::BTreeSet<&str> =
        files.iter().flat_map(|f| &f.services).flat_map(|s| &s.depends_on).map(|d| d.service.text.as_str()).collect();
    let periods = forecast.map(|f| f.forecast.periods.as_slice()).unwrap_or(&[]);
    let mut out = Vec::new();
    let mut team_list = Vec::new();
    for f in files {
        let team = TeamId::from_index(team_list.len());
        team_list.push(Team { name: f.name.clone() });
        for s in &f.services {
            let region = |n: &Name, d: &mut Vec<Diagnostic>| topo.regions.lookup(n, d).map(RegionId::from_index);
            let mut per_unit = vec![0.0; topo.resources.names().len()];
            let mut ok = true;
            for (r, amount) in &s.per_unit {
                match topo.resources.lookup(r, diags) {
                    Some(i) => per_unit[i] = *amount,
                    None => ok = false,
                }
            }
            let allowed_regions = s.allowed_regions.as_ref().map(|l| lookup_all(&topo.regions, l, diags, RegionId::from_index));
            let forbidden_regions = lookup_all(&topo.regions, &s.forbidden_regions, diags, RegionId::from_index);
            let allowed_clusters = s.allowed_clusters.as_ref().map(|l| lookup_all(&topo.clusters, l, diags, ClusterId::from_index));
            let forbidden_clusters = lookup_all(&topo.clusters, &s.forbidden_clusters, diags, ClusterId::from_index);
            let mut dependencies = Vec::new();
            for dep in &s.depends_on {
                match services.lookup(&dep.service, diags) {
                    Some(i) => dependencies.push(Dependency {
                        service: ServiceId::from_index(i),
                        ratio: dep.ratio,
                        max_latency_ms: dep.max_latency_ms,
                        span: dep.span,
                    }),
                    None => ok = false,
                }
            }
            let mut events = Vec::new();
            for e in &s.events {
                let event_region = match &e.region {
                    Some(n) => match region(n, diags) {
                        Some(r) => Some(r),
                        None => {
                            ok = false;
                            None
                        }
                    },
                    None => None,
                };
                let (from, from_span) = e.from;
                if let (Some(first), Some(last)) = (periods.first(), periods.last()) {
                    if from.start_month() >= last.end_month() || from.start_month() < first.start_month() {
                        let when = if from.start_month() < first.start_month() { "before" } else { "after" };
                        diags.push(
                            Diagnostic::error(
                                "event-outside-horizon",
                                format!(
                                    "event `{}` of `{}` starts in {from}, {when} the horizon ({first} to {last})",
                                    e.name.text, s.name.text
                                ),
                            )
                            .label(from_span, "outside the horizon")
                            .help(if when == "before" {
                                "growth that has already happened is in the organic forecast: remove the event, or move it into the horizon"
                                    .to_owned()
                            } else {
                                format!("extend the forecast past {from}, or move the event to {last} or earlier")
                            }),
                        );
                        ok = false;
                    }
                }
                events.push(Event {
                    name: e.name.clone(),
                    from,
                    effect: e.effect,
                    ramp_periods: e.ramp_periods,
                    region: event_region,
                    span: e.span,
                });
            }
            let demand = s.demand.clone().unwrap_or_else(|| s.name.clone());
            let mut quantile = s.quantile.unwrap_or(Quantile::Demand);
            if let Some(f) = forecast {
                match f.series_quantiles.get(&demand.text) {
                    None if s.demand.is_none() && depended_on.contains(s.name.text.as_str()) => {}
                    None => {
                        let help = match did_you_mean(&demand.text, series_names.iter().copied()) {
                            Some(x) => format!("did you mean `{x}`?"),
                            None if s.demand.is_none() => format!(
                                "add rows for `{}` to the forecast in data/, or set `demand: \"<series>\"` (a service that others depend on needs no rows of its own)",
                                demand.text
                            ),
                            None => format!("add rows for `{}` to the forecast in data/", demand.text),
                        };
                        diags.push(
                            Diagnostic::error("unknown-name", format!("the forecast has no demand for `{}`", demand.text))
                                .label(demand.span, "no forecast rows for this series")
                                .help(help),
                        );
                        ok = false;
                    }
                    Some(available) => {
                        if s.quantile.is_none() && !available.contains(&Quantile::Demand) && available.contains(&Quantile::P50) {
                            quantile = Quantile::P50;
                        }
                        if !available.contains(&quantile) {
                            let have: Vec<&str> = available.iter().map(|q| q.column()).collect();
                            diags.push(
                                Diagnostic::error(
                                    "missing-column",
                                    format!(
                                        "`{}` plans for the `{}` column, which the forecast of `{}` lacks",
                                        s.name.text,
                                        quantile.column(),
                                        demand.text
                                    ),
                                )
                                .label(s.name.span, "this service")
                                .help(format!("the forecast has {}: set `quantile` to one of them, or add the column", list(&have))),
                            );
                            ok = false;
                        }
                    }
                }
            }
            let regions_ok = allowed_regions.as_ref().is_none_or(Option::is_some) && allowed_clusters.as_ref().is_none_or(Option::is_some);
            if let (true, true, Some(forbidden_regions), Some(forbidden_clusters)) = (ok, regions_ok, forbidden_regions, forbidden_clusters)
            {
                out.push(Service {
                    name: s.name.clone(),
                    team,
                    demand,
                    unit: s.unit.clone(),
                    per_unit,
                    redundancy: Redundancy { k: s.redundancy.0, level: s.redundancy.1 },
                    max_latency_ms: s.max_latency_ms,
                    allowed_regions: allowed_regions.flatten(),
                    forbidden_regions,
                    allowed_clusters: allowed_clusters.flatten(),
                    forbidden_clusters,
                    max_region_share: s.max_region_share,
                    max_cluster_share: s.max_cluster_share,
                    dependencies,
                    priority: s.priority,
                    events,
                    quantile,
                });
            }
        }
    }
    if complete && files.iter().all(|f| f.services.is_empty()) {
        diags.push(
            Diagnostic::error("missing-section", "no service intents are defined")
                .help("add `Team(name: ..., services: [Service(...)])` files to intents/"),
        );
    }
    (errors(diags) == before).then_some((team_list, out))
}
