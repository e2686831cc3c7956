//! What-if scenario files (`Scenario(...)` in RON): read, decoded and
//! resolved against a loaded organisation, every mistake reported with
//! its place.

use std::path::{Path, PathBuf};

use headroom_diag::{did_you_mean, Diagnostic};
use headroom_model::scenario::{Change, Scenario};
use headroom_model::{ClusterId, MachineTypeId, Name, Organisation, Period, RegionId, ServiceId, Span};

use crate::decode::{list, Decoder, Fields, Partial};
use crate::resolve::unknown_help;
use crate::ron::{Kind, Value};
use crate::Loaded;

/// The kinds of change a scenario can make, as written.
const CHANGES: &[&str] = &["Demand", "Event", "Cluster", "LeadTime", "MachineType"];

/// A scenario as written: names not yet resolved.
struct RawScenario {
    name: Option<Name>,
    description: Option<String>,
    changes: Vec<RawChange>,
}

enum RawChange {
    Demand {
        multiply: f64,
        services: Option<Vec<Name>>,
        regions: Option<Vec<Name>>,
        from: Option<(Period, Span)>,
    },
    Event {
        service: Name,
        event: Name,
        delay_periods: u32,
        scale: f64,
        cancel: bool,
        span: Span,
    },
    Cluster {
        name: Name,
        from: Option<(Period, Span)>,
        power_cap_kw: Option<f64>,
        space_cap: Option<f64>,
        can_order: Option<Vec<Name>>,
        lead_time_months: Option<u32>,
        max_deliveries_per_month: Option<f64>,
    },
    LeadTime {
        add_months: u32,
        clusters: Option<Vec<Name>>,
    },
    MachineType {
        name: Name,
        capital_cost: Option<f64>,
        running_cost_per_month: Option<f64>,
        power_kw: Option<f64>,
    },
}

/// Reads the scenario files at `paths` into `loaded`'s source map and
/// diagnostics (sorted again), and resolves them against its
/// organisation. `None` if any file has an error, or if there is no
/// organisation to resolve against (syntax and fields are still checked).
pub fn load_scenarios(loaded: &mut Loaded, paths: &[PathBuf]) -> Option<Vec<Scenario>> {
    let mut diags = Vec::new();
    let mut partial = Partial::default();
    let mut raws = Vec::new();
    for path in paths {
        let Some(id) = crate::add_file(path, path.display().to_string(), true, &mut loaded.sources, &mut diags) else { continue };
        let (raw, _) = crate::parse(id, &loaded.sources, &mut diags, &mut partial, scenario);
        if let Some(raw) = raw {
            raws.push((path.as_path(), id, raw));
        }
    }
    let mut scenarios = Vec::new();
    if let Some(org) = &loaded.org {
        let mut names: Vec<(String, Span)> = Vec::new();
        for (path, id, raw) in &raws {
            let resolved = resolve(org, path, *id, raw, &mut diags);
            if let Some(s) = resolved {
                let span = raw.name.as_ref().map_or(Span::new(*id, 0, 0), |n| n.span);
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == s.name) {
                    diags.push(
                        Diagnostic::error("duplicate-name", format!("scenario `{}` is given twice", s.name))
                            .label(span, "given again here")
                            .label(*first, "first given here")
                            .help("scenarios are written to directories named after them: give each its own `name`"),
                    );
                    continue;
                }
                names.push((s.name.clone(), span));
                scenarios.push(s);
            }
        }
    }
    let failed = diags.iter().any(Diagnostic::is_error) || loaded.org.is_none();
    loaded.diagnostics.list.extend(diags);
    loaded.diagnostics.sort(&loaded.sources);
    (!failed).then_some(scenarios)
}

/// Decodes what it can: a change or name with a mistake is reported and
/// left out, so the rest is still resolved and its mistakes shown too (the
/// run fails on any error).
fn scenario(d: &mut Decoder, v: &Value) -> Option<RawScenario> {
    let f = d.fields(v, "Scenario", &["name", "description", "changes"])?;
    let name = d.opt(&f, "name", Decoder::name).flatten();
    let description = d.opt(&f, "description", Decoder::string).flatten().map(|n| n.text);
    let changes = d.req(&f, "changes", |d, v| d.items(v, change)).unwrap_or_default();
    Some(RawScenario { name, description, changes })
}

/// One change: a struct named after its kind.
fn change(d: &mut Decoder, v: &Value) -> Option<RawChange> {
    let kind = match &v.kind {
        Kind::Struct { name: Some(n), .. } | Kind::Tuple { name: Some(n), .. } => n,
        _ => {
            d.error(
                v.span,
                "wrong-type",
                format!("expected a change, found {}", v.kind.describe()),
                "not a change",
                Some(format!("a change is one of {}, written like `Demand(multiply: 1.2)`", list(CHANGES))),
            );
            return None;
        }
    };
    let clusters = |d: &mut Decoder, v: &Value| d.list(v, Decoder::name);
    match kind.text.as_str() {
        "Demand" => {
            let f = d.fields(v, "Demand", &["multiply", "services", "regions", "from"])?;
            let multiply = d.req(&f, "multiply", |d, v| d.between(v, 0.0, headroom_model::limits::MAX_MULTIPLY));
            let services = d.opt(&f, "services", |d, v| d.list(v, Decoder::name));
            let regions = d.opt(&f, "regions", |d, v| d.list(v, Decoder::name));
            let from = d.opt(&f, "from", Decoder::period);
            Some(RawChange::Demand { multiply: multiply?, services: services?, regions: regions?, from: from? })
        }
        "Event" => {
            let f = d.fields(v, "Event", &["service", "event", "delay_periods", "scale", "cancel"])?;
            let service = d.req(&f, "service", Decoder::name);
            let event = d.req(&f, "event", Decoder::name);
            let delay = d.opt(&f, "delay_periods", Decoder::count);
            let scale = d.opt(&f, "scale", Decoder::non_negative);
            let cancel = d.opt(&f, "cancel", boolean);
            let (service, event, delay, scale, cancel) = (service?, event?, delay?, scale?, cancel?.unwrap_or(false));
            if cancel && (delay.is_some() || scale.is_some()) {
                // Reported; the names are still resolved, so their mistakes
                // show in the same run (which fails).
                d.error(
                    f.span,
                    "bad-value",
                    format!("event `{}` is both cancelled and changed", event.text),
                    "cancelled and changed",
                    Some("remove `cancel: true`, or the other changes".into()),
                );
            }
            if !cancel && delay.is_none() && scale.is_none() {
                no_change(d, &f, "delay_periods: 2`, `scale: 1.5` or `cancel: true");
                return None;
            }
            Some(RawChange::Event { service, event, delay_periods: delay.unwrap_or(0), scale: scale.unwrap_or(1.0), cancel, span: v.span })
        }
        "Cluster" => {
            let f = d.fields(
                v,
                "Cluster",
                &["name", "from", "power_cap_kw", "space_cap", "can_order", "lead_time_months", "max_deliveries_per_month"],
            )?;
            let name = d.req(&f, "name", Decoder::name);
            let from = d.opt(&f, "from", Decoder::period);
            let power = d.opt(&f, "power_cap_kw", Decoder::non_negative);
            let space = d.opt(&f, "space_cap", Decoder::non_negative);
            let can_order = d.opt(&f, "can_order", |d, v| d.list(v, Decoder::name));
            let lead = d.opt(&f, "lead_time_months", Decoder::count);
            let deliveries = d.opt(&f, "max_deliveries_per_month", Decoder::non_negative);
            let (name, from, power, space, can_order, lead, deliveries) = (name?, from?, power?, space?, can_order?, lead?, deliveries?);
            if power.is_none() && space.is_none() && can_order.is_none() && lead.is_none() && deliveries.is_none() {
                no_change(
                    d,
                    &f,
                    "power_cap_kw: 800`, `space_cap: 200`, `can_order: []`, `lead_time_months: 9` or `max_deliveries_per_month: 20",
                );
                return None;
            }
            if let (Some((_, at)), None, None) = (from, power, space) {
                d.error(
                    at,
                    "bad-value",
                    "`from` applies to the power and space caps only",
                    "no cap given",
                    Some("add `power_cap_kw` or `space_cap`, or remove `from`".into()),
                );
            }
            Some(RawChange::Cluster {
                name,
                from,
                power_cap_kw: power,
                space_cap: space,
                can_order,
                lead_time_months: lead,
                max_deliveries_per_month: deliveries,
            })
        }
        "LeadTime" => {
            let f = d.fields(v, "LeadTime", &["add_months", "clusters"])?;
            let add = d.req(&f, "add_months", Decoder::count);
            let clusters = d.opt(&f, "clusters", clusters);
            Some(RawChange::LeadTime { add_months: add?, clusters: clusters? })
        }
        "MachineType" => {
            let f = d.fields(v, "MachineType", &["name", "capital_cost", "running_cost_per_month", "power_kw"])?;
            let name = d.req(&f, "name", Decoder::name);
            let capital = d.opt(&f, "capital_cost", Decoder::non_negative);
            let running = d.opt(&f, "running_cost_per_month", Decoder::non_negative);
            let power = d.opt(&f, "power_kw", Decoder::non_negative);
            let (name, capital, running, power) = (name?, capital?, running?, power?);
            if capital.is_none() && running.is_none() && power.is_none() {
                no_change(d, &f, "capital_cost: 12000`, `running_cost_per_month: 150` or `power_kw: 0.5");
                return None;
            }
            Some(RawChange::MachineType { name, capital_cost: capital, running_cost_per_month: running, power_kw: power })
        }
        other => {
            let help = did_you_mean(other, CHANGES.iter().copied())
                .map_or_else(|| format!("a change is one of {}", list(CHANGES)), |s| format!("did you mean `{s}`?"));
            d.error(kind.span, "unknown-variant", format!("unknown change `{other}`"), "not a kind of change", Some(help));
            None
        }
    }
}

fn no_change(d: &mut Decoder, f: &Fields, example: &str) {
    d.error(
        f.span,
        "missing-field",
        format!("this `{}` changes nothing", f.type_name),
        "nothing to change",
        Some(format!("give at least one of `{example}`")),
    );
}

fn boolean(d: &mut Decoder, v: &Value) -> Option<bool> {
    match v.kind {
        Kind::Bool(b) => Some(b),
        _ => {
            d.error(
                v.span,
                "wrong-type",
                format!("expected `true` or `false`, found {}", v.kind.describe()),
                "expected `true` or `false`",
                None,
            );
            None
        }
    }
}

/// Looks `name` up among `known` (by position), or reports it with a
/// suggestion.
fn lookup(name: &Name, kind: &str, plural: &str, known: &[&str], diags: &mut Vec<Diagnostic>) -> Option<usize> {
    if let Some(i) = known.iter().position(|k| *k == name.text) {
        return Some(i);
    }
    let help = unknown_help(&name.text, kind, plural, known);
    diags.push(
        Diagnostic::error("unknown-name", format!("unknown {kind} `{}`", name.text))
            .label(name.span, format!("no {kind} of this name"))
            .help(help),
    );
    None
}

fn lookup_all<T>(
    names: &[Name],
    kind: &str,
    plural: &str,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
    id: fn(usize) -> T,
) -> Option<Vec<T>> {
    let found: Vec<Option<T>> = names.iter().map(|n| lookup(n, kind, plural, known, diags).map(id)).collect();
    found.into_iter().collect()
}

/// A scenario's name: as given, or the file's stem; usable as a directory
/// name.
fn scenario_name(raw: &RawScenario, path: &Path, id: headroom_model::SourceId, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let (text, span) = match &raw.name {
        Some(n) => (n.text.clone(), n.span),
        None => (path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), Span::new(id, 0, 0)),
    };
    let Some((why, suggestion)) = Name::problem(&text) else { return Some(text) };
    diags.push(
        Diagnostic::error("bad-value", format!("scenario name `{text}` cannot name a directory: it {why}"))
            .label(span, "not a directory name")
            .help(format!("use letters, digits, `-`, `_` and `.` (not first), such as `name: \"{suggestion}\"`")),
    );
    None
}

fn resolve(
    org: &Organisation,
    path: &Path,
    id: headroom_model::SourceId,
    raw: &RawScenario,
    diags: &mut Vec<Diagnostic>,
) -> Option<Scenario> {
    let services: Vec<&str> = org.services.iter().map(|s| s.name.text.as_str()).collect();
    let regions: Vec<&str> = org.regions.iter().map(|r| r.name.text.as_str()).collect();
    let clusters: Vec<&str> = org.clusters.iter().map(|c| c.name.text.as_str()).collect();
    let types: Vec<&str> = org.machine_types.iter().map(|m| m.name.text.as_str()).collect();
    let months = org.forecast.months_per_period();
    let name = scenario_name(raw, path, id, diags);
    let mut changes = Vec::new();
    let mut ok = true;
    for change in &raw.changes {
        let resolved = match change {
            RawChange::Demand { multiply, services: s, regions: r, from } => {
                let s = s.as_ref().map(|s| lookup_all(s, "service", "services", &services, diags, ServiceId::from_index));
                let r = r.as_ref().map(|r| lookup_all(r, "region", "regions", &regions, diags, RegionId::from_index));
                match (s, r) {
                    (Some(None), _) | (_, Some(None)) => None,
                    (s, r) => Some(Change::Demand { factor: *multiply, services: s.flatten(), regions: r.flatten(), from: from.map(|(p, _)| p) }),
                }
            }
            RawChange::Event { service, event, delay_periods, scale, cancel, span } => lookup(service, "service", "services", &services, diags).and_then(|s| {
                let events: Vec<&str> = org.services[s].events.iter().map(|e| e.name.text.as_str()).collect();
                let Some(e) = events.iter().position(|e| *e == event.text) else {
                    let help = if events.is_empty() {
                        format!("`{}` has no events (launches) in its intent", service.text)
                    } else {
                        unknown_help(&event.text, "event", &format!("events of `{}`", service.text), &events)
                    };
                    diags.push(Diagnostic::error("unknown-name", format!("service `{}` has no event `{}`", service.text, event.text)).label(event.span, "no event of this name").help(help));
                    return None;
                };
                let step = org.services[s].events[e].from.granularity().months();
                let delay_months = delay_periods * months;
                if !delay_months.is_multiple_of(step) {
                    diags.push(
                        Diagnostic::error("bad-value", format!("event `{}` starts in a {}; a delay of {delay_periods} period(s) of {months} month(s) does not move it by whole {}s", event.text, org.services[s].events[e].from.granularity().name(), org.services[s].events[e].from.granularity().name()))
                            .label(*span, "delay not a whole number of the event's periods")
                            .help(format!("delay by a multiple of {} period(s)", step / months.max(1))),
                    );
                    return None;
                }
                Some(Change::Event { service: ServiceId::from_index(s), event: event.text.clone(), delay_months, scale: *scale, cancel: *cancel })
            }),
            RawChange::Cluster { name, from, power_cap_kw, space_cap, can_order, lead_time_months, max_deliveries_per_month } => {
                let c = lookup(name, "cluster", "clusters", &clusters, diags);
                let types = can_order.as_ref().map(|t| lookup_all(t, "machine type", "machine types", &types, diags, MachineTypeId::from_index));
                match (c, types) {
                    (None, _) | (_, Some(None)) => None,
                    (Some(c), types) => Some(Change::Cluster {
                        cluster: ClusterId::from_index(c),
                        from: from.map(|(p, _)| p),
                        power_cap_kw: *power_cap_kw,
                        space_cap: *space_cap,
                        can_order: types.flatten(),
                        lead_time_months: *lead_time_months,
                        max_deliveries_per_month: *max_deliveries_per_month,
                    }),
                }
            }
            RawChange::LeadTime { add_months, clusters: cs } => match cs.as_ref().map(|cs| lookup_all(cs, "cluster", "clusters", &clusters, diags, ClusterId::from_index)) {
                Some(None) => None,
                cs => Some(Change::LeadTime { add_months: *add_months, clusters: cs.flatten() }),
            },
            RawChange::MachineType { name, capital_cost, running_cost_per_month, power_kw } => lookup(name, "machine type", "machine types", &types, diags)
                .map(|m| Change::MachineType { machine_type: MachineTypeId::from_index(m), capital_cost: *capital_cost, running_cost_per_month: *running_cost_per_month, power_kw: *power_kw }),
        };
        match resolved {
            Some(c) => changes.push(c),
            None => ok = false,
        }
    }
    let name = name?;
    ok.then(|| Scenario { name, description: raw.description.clone(), changes })
}
