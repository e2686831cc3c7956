//! Checks on the resolved organisation that no single file shows: cycles,
//! redundancy that the eligible failure domains cannot give even in
//! principle, spread caps that cannot add up, resources nothing provides.
//!
//! These are necessary conditions only; the solver finds (and explains)
//! the rest.

use headroom_diag::Diagnostic;
use headroom_model::*;

use crate::decode::list;

pub fn validate(org: &Organisation, diags: &mut Vec<Diagnostic>) {
    cycles(org, diags);
    for s in org.service_ids() {
        redundancy(org, s, diags);
        spread(org, s, diags);
        resources(org, s, diags);
        events(org, s, diags);
    }
    size(org, diags);
}

fn cycles(org: &Organisation, diags: &mut Vec<Diagnostic>) {
    let Err(cycle) = org.dependency_order() else { return };
    let names: Vec<&str> = cycle.iter().map(|&s| org.service(s).name.as_str()).collect();
    let mut path = names.join(" → ");
    path.push_str(&format!(" → {}", names[0]));
    let mut d = Diagnostic::error("dependency-cycle", format!("services depend on each other in a cycle: {path}"))
        .help("the demand a service induces on its dependencies must end somewhere: remove one of these dependencies");
    for (i, &s) in cycle.iter().enumerate() {
        let next = cycle[(i + 1) % cycle.len()];
        if let Some(dep) = org.service(s).dependencies.iter().find(|d| d.service == next) {
            d = d.label(dep.span, format!("`{}` depends on `{}`", org.service(s).name, org.service(next).name));
        }
    }
    diags.push(d);
}

/// Distinct groups at `level` among `clusters`.
fn groups(org: &Organisation, clusters: &[ClusterId], level: Level) -> usize {
    let mut g: Vec<u32> = clusters.iter().map(|&c| org.group_of(c, level)).collect();
    g.sort_unstable();
    g.dedup();
    g.len()
}

fn plural(level: Level) -> &'static str {
    match level {
        Level::Cluster => "clusters",
        Level::FailureDomain => "failure domains",
        Level::Region => "regions",
    }
}

fn redundancy(org: &Organisation, s: ServiceId, diags: &mut Vec<Diagnostic>) {
    let service = org.service(s);
    let need = service.redundancy.k as usize + 1;
    let level = service.redundancy.level;
    let usable: Vec<ClusterId> = org.cluster_ids().filter(|&c| org.may_use(s, c)).collect();
    if usable.is_empty() {
        diags.push(
            Diagnostic::error("no-eligible-cluster", format!("`{}` may use no cluster", service.name))
                .label(service.name.span, "this service")
                .help("its allowed and forbidden regions and clusters exclude every cluster"),
        );
        return;
    }
    if groups(org, &usable, level) < need {
        diags.push(
            Diagnostic::error(
                "redundancy-impossible",
                format!(
                    "`{}` asks for N+{} across {}, but the {} it may use span only {} {}",
                    service.name,
                    service.redundancy.k,
                    plural(level),
                    plural(Level::Cluster),
                    groups(org, &usable, level),
                    plural(level)
                ),
            )
            .label(service.name.span, "this service")
            .help(format!(
                "N+{} needs at least {need} {}: allow more regions or clusters, or lower `n_plus`",
                service.redundancy.k,
                plural(level)
            )),
        );
        return;
    }
    for origin in org.direct_demand(s).iter().map(|d| d.region) {
        let serving: Vec<ClusterId> = usable.iter().copied().filter(|&c| org.serves(s, origin, c)).collect();
        let have = groups(org, &serving, level);
        if have >= need {
            continue;
        }
        let (Some(origin), Some(limit)) = (origin, service.max_latency_ms) else { continue };
        // The smallest latency limit that would reach enough groups.
        let mut by_latency: Vec<(f64, ClusterId)> =
            usable.iter().filter_map(|&c| org.latency.ms(origin, org.cluster(c).region).map(|ms| (ms, c))).collect();
        by_latency.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut reach = Vec::new();
        let mut needed = None;
        for (ms, c) in by_latency {
            reach.push(c);
            if groups(org, &reach, level) >= need {
                needed = Some(ms);
                break;
            }
        }
        let names: Vec<&str> = serving.iter().map(|&c| org.cluster(c).name.as_str()).collect();
        let within = if names.is_empty() {
            "none is".to_owned()
        } else {
            format!("only {have} ({}) {}", list(&names), if have == 1 { "is" } else { "are" })
        };
        let fix = match needed {
            Some(ms) => {
                format!("raise `max_latency_ms` to {ms}, allow more clusters near `{}`, or lower `n_plus`", org.region(origin).name)
            }
            None => "allow more clusters, or lower `n_plus`".to_owned(),
        };
        diags.push(
            Diagnostic::error(
                "redundancy-impossible",
                format!(
                    "`{}` cannot keep N+{} across {} for demand from `{}`: of the {} it may use, {within} within {limit} ms",
                    service.name,
                    service.redundancy.k,
                    plural(level),
                    org.region(origin).name,
                    plural(Level::Cluster)
                ),
            )
            .label(service.name.span, "this service")
            .help(fix),
        );
    }
    for dep in &service.dependencies {
        let d = org.service(dep.service);
        let need = d.redundancy.k as usize + 1;
        let ok = usable.iter().any(|&from| {
            let serving: Vec<ClusterId> = org.cluster_ids().filter(|&c| org.serves_dependency(dep, org.cluster(from).region, c)).collect();
            groups(org, &serving, d.redundancy.level) >= need
        });
        if !ok {
            let limit = dep.max_latency_ms.or(d.max_latency_ms).map_or(String::new(), |ms| format!(" within {ms} ms"));
            diags.push(
                Diagnostic::error(
                    "redundancy-impossible",
                    format!(
                        "`{}` depends on `{}`, but from no cluster `{}` may use are there {need} {} of `{}`{limit}",
                        service.name,
                        d.name,
                        service.name,
                        plural(d.redundancy.level),
                        d.name
                    ),
                )
                .label(dep.span, "this dependency")
                .help(format!(
                    "`{}` keeps N+{}: raise the dependency's `max_latency_ms`, or let the two services share more regions",
                    d.name, d.redundancy.k
                )),
            );
        }
    }
}

fn spread(org: &Organisation, s: ServiceId, diags: &mut Vec<Diagnostic>) {
    let service = org.service(s);
    let usable: Vec<ClusterId> = org.cluster_ids().filter(|&c| org.may_use(s, c)).collect();
    for (share, level, field) in
        [(service.max_cluster_share, Level::Cluster, "max_cluster_share"), (service.max_region_share, Level::Region, "max_region_share")]
    {
        let Some(share) = share else { continue };
        let n = groups(org, &usable, level);
        if (n as f64) * share < 1.0 - 1e-9 {
            diags.push(
                Diagnostic::error(
                    "spread-impossible",
                    format!(
                        "`{}` allows at most {share} of its capacity in one {}, but may use only {n} {}: they can hold {} of it",
                        service.name,
                        level.name(),
                        plural(level),
                        n as f64 * share
                    ),
                )
                .label(service.name.span, "this service")
                .help(format!("raise `{field}` to at least {:.3}, or allow more {}", 1.0 / n.max(1) as f64, plural(level))),
            );
        }
    }
}

fn resources(org: &Organisation, s: ServiceId, diags: &mut Vec<Diagnostic>) {
    let service = org.service(s);
    for (r, &need) in service.per_unit.iter().enumerate() {
        if need <= 0.0 {
            continue;
        }
        let provided = org.cluster_ids().filter(|&c| org.may_use(s, c)).any(|c| {
            let cluster = org.cluster(c);
            cluster.fleet.iter().map(|(m, _)| *m).chain(cluster.orderable.iter().copied()).any(|m| org.machine_type(m).capacity[r] > 0.0)
        });
        if !provided {
            diags.push(
                Diagnostic::error(
                    "resource-unavailable",
                    format!(
                        "`{}` needs `{}`, but no cluster it may use has or can order machines with it",
                        service.name, org.resources[r].name
                    ),
                )
                .label(service.name.span, "this service")
                .help("let a cluster order a machine type that provides it, or allow more clusters"),
            );
        }
    }
}

/// An event that removes more demand than there is: a sign or a digit
/// typed wrong, which the plan would otherwise hide by stopping at zero.
fn events(org: &Organisation, s: ServiceId, diags: &mut Vec<Diagnostic>) {
    let Some((t, region, before, change)) = org.below_zero(s) else { return };
    let service = org.service(s);
    let period = org.forecast.periods[t];
    let place = match region {
        Some(r) => format!(" in `{}`", org.regions[r.index()].name),
        None => String::new(),
    };
    let mut d = Diagnostic::error(
        "event-below-zero",
        format!(
            "the events of `{}` take its demand below zero{place} in {period}: {before:.3} without them, {change:+.3} by them",
            service.name
        ),
    )
    .help("an event that removes demand may remove at most what is forecast: check the sign and the number of digits of `add`");
    for event in &service.events {
        if matches!(event.effect, Effect::Add(x) if x < 0.0) && event.ramp_share(period) > 0.0 {
            d = d.label(event.span, format!("`{}` removes demand", event.name));
        }
    }
    diags.push(d);
}

/// Demand that no fleet within the limits could serve: a unit mixed up.
fn size(org: &Organisation, diags: &mut Vec<Diagnostic>) {
    let peak = org.peak_demand();
    for s in org.service_ids() {
        let service = org.service(s);
        for (r, &need) in service.per_unit.iter().enumerate() {
            let largest = org.machine_types.iter().map(|m| m.capacity[r]).fold(0.0, f64::max);
            let machines = peak[s.index()] * need / largest;
            if need > 0.0 && largest > 0.0 && machines > headroom_model::limits::MAX_MACHINES_FOR_ONE_SERVICE {
                diags.push(
                    Diagnostic::error(
                        "demand-too-large",
                        format!(
                            "`{}` needs {machines:.3e} of the machines with the most `{}` at its peak (at most {:e} are planned)",
                            service.name,
                            org.resources[r].name,
                            headroom_model::limits::MAX_MACHINES_FOR_ONE_SERVICE
                        ),
                    )
                    .label(service.name.span, "this service")
                    .help("check the units of `per_unit`, of the machine types' resources and of the forecast"),
                );
                break;
            }
        }
    }
}
