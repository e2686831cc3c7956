//! The planted family: organisations whose demand outgrows the existing
//! fleet, feasible by construction, with a known plan to beat.
//!
//! A plan is planted first and the organisation built around it:
//!
//! 1. Demand grows 5–12 % a quarter (and launches add up to 40 %), so the
//!    early periods fit the fleet and later ones need orders.
//! 2. Capacity is placed in the users' own region only, spread evenly over
//!    the region's clusters so that losing the k largest failure groups
//!    leaves the demand (N+k holds); back ends get the demand their front
//!    ends' planted capacity induces, in the same region (the 5 ms
//!    dependency limit), the same way.
//! 3. Each cluster's existing fleet covers what it needs until an order
//!    placed in the first period can arrive (its lead time); whole machines
//!    are ordered, a lead time ahead, for every period after.
//! 4. Power, space and delivery limits are set to the planted fleet's needs
//!    plus a slack that `tightness` takes away: at 1, the planted fleet's
//!    power, space and busiest delivery period are exactly the caps.
//!
//! Every number is planted as it is written in the files (rounded first,
//! then used), and shares are rounded up, so the planted plan meets every
//! rule exactly as `plan` and `verify` read them. Its orders are written as
//! `planted/plan.json`: `plan --baseline DIR/planted --freeze-through LAST`
//! re-plans with exactly those orders, at exactly the planted cost, which
//! is the upper bound an optimal plan must not exceed.

use std::fmt::Write;

use headroom_plan::{Cost, Mode, Order, Plan, SolverInfo};

use crate::{cluster, network, period, region, service, Rng, Spec, TYPES};

// Latency within a region is 1 ms, within every limit; between regions it
// is 35 ms or more: users' capacity may sit in any region within the
// service's limit, a dependency's (5 ms) only in the dependent's region.

/// Utilisation target of every cluster.
const UTILISATION: f64 = 0.8;

/// Months in a period (quarters).
const MONTHS: f64 = 3.0;

/// `x` rounded as the files write it with `decimals`, and its text.
fn written(x: f64, decimals: usize) -> (f64, String) {
    let text = format!("{x:.decimals$}");
    (text.parse().unwrap_or(x), text)
}

/// One planted service.
struct Planted {
    per_unit: [f64; 3],
    k: u32,
    /// Redundancy across failure domains (else across clusters).
    domains: bool,
    /// Users' demand per region and period, as written, launches included
    /// at their full size from their first period (an upper bound).
    demand: Vec<(usize, Vec<f64>)>,
    /// (back end, ratio) this service depends on.
    depends_on: Vec<(usize, f64)>,
    /// Largest latency from its users, in ms.
    max_latency: f64,
}

/// The files of a planted organisation.
pub fn generate(spec: &Spec, tightness: f64) -> Result<Vec<(String, String)>, String> {
    spec.check()?;
    if !(0.0..=1.0).contains(&tightness) {
        return Err(format!("tightness {tightness} must be between 0 and 1"));
    }
    let mut rng = Rng(spec.seed ^ 0x0070_6C61_6E74_6564); // "planted"
    let slack = 0.5 * (1.0 - tightness);
    let periods = spec.periods;
    let (net, latency) = network(spec, &mut rng);
    let mut files = vec![("topology/network.ron".to_owned(), net), ("topology/machines.ron".to_owned(), crate::machines())];

    // Clusters: round-robin over regions, two to a failure domain.
    let clusters_in: Vec<Vec<usize>> = (0..spec.regions).map(|r| (0..spec.clusters).filter(|c| c % spec.regions == r).collect()).collect();
    let domain = |c: usize| (c / spec.regions) / 2;
    let lead_months: Vec<u32> = (0..spec.clusters).map(|_| 3 * (1 + rng.below(2) as u32)).collect();

    // Services: the first half front ends, depending on one or two back ends.
    let backends = (spec.services / 2).max(1);
    let first_backend = spec.services - backends;
    let profiles: [[f64; 3]; 3] = [[1.0, 2.0, 0.01], [0.5, 6.0, 0.02], [0.2, 2.0, 0.8]];
    let weights: Vec<f64> = (0..spec.services).map(|_| rng.range(0.3, 1.7)).collect();
    let total_weight: f64 = weights.iter().sum();
    // Demand sized so that the first period needs about 120 machines' cpu
    // per cluster, redundancy and induced demand included (about ×2).
    let cpu_per_service = |s: usize| weights[s] / total_weight * spec.clusters as f64 * 120.0 * 96.0 * UTILISATION / 2.0;
    let mut services: Vec<Planted> = Vec::with_capacity(spec.services);
    let mut intents: Vec<String> = Vec::new();
    let mut forecast = String::from("service,period,region,demand\n");
    for s in 0..spec.services {
        let profile = profiles[rng.below(3)];
        let unit_cpu = rng.range(0.001, 0.01);
        let per_unit: [f64; 3] = [0, 1, 2].map(|i| written(profile[i] * unit_cpu, 6).0);
        let (k, domains) = match rng.below(20) {
            0..=1 => (0, false),
            2..=10 => (1, false),
            11..=15 => (1, true),
            _ => (2, false),
        };
        let growth = rng.range(0.05, 0.12);
        let home = rng.below(spec.regions);
        let spread = 1 + rng.below(spec.regions.min(2));
        let regions: Vec<usize> = (0..spread).map(|i| (home + i) % spec.regions).collect();
        let max_latency = 60 + rng.below(140);
        let mut text = format!(
            "        Service(name: \"{}\", unit: \"qps\", per_unit: {{\"cpu\": {:.6}, \"ram_gib\": {:.6}, \"ssd_tib\": {:.6}}}, redundancy: (n_plus: {k}, across: {}), max_latency_ms: {max_latency}, priority: {}",
            service(s),
            per_unit[0],
            per_unit[1],
            per_unit[2],
            if domains { "FailureDomain" } else { "Cluster" },
            1 + rng.below(10),
        );
        let mut depends_on = Vec::new();
        if s < first_backend {
            text.push_str(", depends_on: [");
            for target in crate::pick_backends(&mut rng, backends) {
                let (ratio, shown) = written(rng.range(0.05, 0.3), 2);
                let _ = write!(text, "Dependency(service: \"{}\", ratio: {shown}, max_latency_ms: 5), ", service(first_backend + target));
                depends_on.push((first_backend + target, ratio));
            }
            text.push(']');
        }
        // A launch: demand × multiply from a later period, ramped over two.
        let mut launch = None;
        if rng.below(10) == 0 && periods > 2 {
            let from = 1 + rng.below(periods - 1);
            let (multiply, shown) = written(rng.range(1.1, 1.4), 2);
            let _ = write!(text, ", events: [Event(name: \"launch\", from: \"{}\", multiply: {shown}, ramp_periods: 2)]", period(from));
            launch = Some((from, multiply));
        }
        text.push_str("),\n");
        intents.push(text);
        let base = cpu_per_service(s) / per_unit[0] / regions.len() as f64;
        let mut demand = Vec::new();
        for &r in &regions {
            let mut values = Vec::with_capacity(periods);
            for t in 0..periods {
                let noise = 1.0 + rng.range(-0.01, 0.01);
                let (organic, shown) = written(base * (1.0 + growth).powi(t as i32) * noise, 1);
                let _ = writeln!(forecast, "{},{},{},{shown}", service(s), period(t), region(r));
                let full = launch.filter(|&(from, _)| t >= from).map_or(1.0, |(_, m)| m);
                values.push(organic * full);
            }
            demand.push((r, values));
        }
        services.push(Planted { per_unit, k, domains, demand, depends_on, max_latency: max_latency as f64 });
    }
    for (team, chunk) in intents.chunks(20).enumerate() {
        let mut text = format!("// Synthetic team {team:02} (planted family).\nTeam(\n    name: \"t{team:02}\",\n    services: [\n");
        chunk.iter().for_each(|s| text.push_str(s));
        text.push_str("    ],\n)\n");
        files.push((format!("intents/t{team:02}.ron"), text));
    }
    files.push(("data/forecast.csv".to_owned(), forecast));

    // Planted capacity: x[s][c][t] in units of s's demand.
    let mut x = vec![vec![vec![0.0f64; periods]; spec.clusters]; spec.services];
    // Spreads `demand` of service `s` evenly over `members`, so that losing
    // the k largest groups loses k groups' shares and leaves the demand.
    let plant = |x: &mut Vec<Vec<Vec<f64>>>, s: usize, k: u32, domains: bool, members: &[usize], demand: &[f64]| {
        let mut sizes: Vec<usize> = if domains {
            // A failure domain is named by its region and number.
            let mut by: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
            members.iter().for_each(|&c| *by.entry((c % spec.regions, domain(c))).or_default() += 1);
            by.into_values().collect()
        } else {
            vec![1; members.len()]
        };
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        let lost: usize = sizes.iter().take(k as usize).sum();
        let keep = (members.len() - lost) as f64;
        for &c in members {
            for (t, d) in demand.iter().enumerate() {
                // Rounded up a hair, so that float sums never fall short.
                x[s][c][t] += d / keep * (1.0 + 1e-9);
            }
        }
    };
    // Users' demand: over every cluster within the service's latency limit
    // of the users' region.
    for (s, service) in services.iter().enumerate() {
        for (r, demand) in &service.demand {
            let members: Vec<usize> = (0..spec.clusters).filter(|&c| latency[*r][c % spec.regions] <= service.max_latency).collect();
            plant(&mut x, s, service.k, service.domains, &members, demand);
        }
    }
    // Induced demand: each front end's planted capacity in a region.
    for f in 0..first_backend {
        for &(b, ratio) in &services[f].depends_on {
            for members in &clusters_in {
                let induced: Vec<f64> = (0..periods).map(|t| ratio * members.iter().map(|&c| x[f][c][t]).sum::<f64>()).collect();
                if induced.iter().any(|&d| d > 0.0) {
                    plant(&mut x, b, services[b].k, services[b].domains, members, &induced);
                }
            }
        }
    }

    // Fleets and orders, cluster by cluster.
    let mut clusters_text = String::from("// Synthetic clusters (planted family): two to a failure domain.\nTopology(\n    clusters: [\n");
    let mut orders: Vec<Order> = Vec::new();
    let (mut capital, mut running) = (0.0, 0.0);
    for c in 0..spec.clusters {
        let r = c % spec.regions;
        let need: Vec<[f64; 3]> = (0..periods)
            .map(|t| [0, 1, 2].map(|i| (0..spec.services).map(|s| services[s].per_unit[i] * x[s][c][t]).sum::<f64>() / UTILISATION))
            .collect();
        let lead = (lead_months[c] as usize).div_ceil(MONTHS as usize);
        // The existing fleet: what the periods before the first arrival
        // need, with slack; a third of its cpu on the old type.
        let early = (0..lead.min(periods)).fold([0.0f64; 3], |m, t| [0, 1, 2].map(|i| m[i].max(need[t][i])));
        let early = early.map(|v| v * (1.0 + 0.2 * slack));
        let mut fleet = [0u32; 3];
        fleet[2] = (early[2] / TYPES[2].3).ceil() as u32;
        let old = ((early[0] / 3.0 - fleet[2] as f64 * TYPES[2].1) / TYPES[0].1).max(0.0).floor() as u32;
        fleet[0] = old;
        let cover = |fleet: &[u32; 3], want: &[f64; 3]| -> u32 {
            // Compute machines to add for cpu and ram.
            let have = |i: usize| fleet.iter().zip(TYPES).map(|(n, ty)| *n as f64 * [ty.1, ty.2, ty.3][i]).sum::<f64>();
            let cpu = ((want[0] - have(0)) / TYPES[1].1).max(0.0);
            let ram = ((want[1] - have(1)) / TYPES[1].2).max(0.0);
            cpu.max(ram).ceil() as u32
        };
        fleet[1] = cover(&fleet, &early);
        let existing = fleet;
        // Orders: whole machines a lead time ahead of each later period.
        let mut by_period: Vec<[u32; 3]> = vec![[0; 3]; periods];
        for t in lead..periods {
            let have_ssd = fleet.iter().zip(TYPES).map(|(n, ty)| *n as f64 * ty.3).sum::<f64>();
            let storage = ((need[t][2] - have_ssd) / TYPES[2].3).max(0.0).ceil() as u32;
            fleet[2] += storage;
            let compute = cover(&fleet, &need[t]);
            fleet[1] += compute;
            by_period[t] = [0, compute, storage];
        }
        let fleet_at = |t: usize| -> [u32; 3] { [0, 1, 2].map(|m| existing[m] + by_period[..=t].iter().map(|a| a[m]).sum::<u32>()) };
        for (t, arriving) in by_period.iter().enumerate() {
            for (m, &n) in arriving.iter().enumerate().filter(|(_, n)| **n > 0) {
                orders.push(Order {
                    placed: period(t - lead),
                    arrives: period(t),
                    cluster: cluster(c),
                    machine_type: TYPES[m].0.to_owned(),
                    count: n,
                });
                capital += n as f64 * TYPES[m].4;
            }
        }
        for t in 0..periods {
            running += fleet_at(t).iter().zip(TYPES).map(|(n, ty)| *n as f64 * ty.5 * MONTHS).sum::<f64>();
        }
        // Limits: the planted fleet's, plus slack.
        let last = fleet_at(periods - 1);
        let power: f64 = last.iter().zip(TYPES).map(|(n, ty)| *n as f64 * ty.6).sum();
        let count: u32 = last.iter().sum();
        let busiest = by_period.iter().map(|a| a.iter().sum::<u32>()).max().unwrap_or(0);
        let per_month = ((busiest as f64 / MONTHS) * (1.0 + slack)).ceil().max(1.0);
        let _ = writeln!(
            clusters_text,
            "        Cluster(name: \"{}\", region: \"{}\", failure_domain: \"{}-fd{}\", power_cap_kw: {:.2}, space_cap: {}, fleet: {{\"compute-old\": {}, \"compute\": {}, \"storage\": {}}}, can_order: [\"compute\", \"storage\"], lead_time_months: {}, max_deliveries_per_month: {per_month}, utilisation_target: {UTILISATION}),",
            cluster(c),
            region(r),
            region(r),
            domain(c),
            (power * (1.0 + slack) * 100.0).ceil() / 100.0,
            (count as f64 * (1.0 + slack)).ceil(),
            existing[0],
            existing[1],
            existing[2],
            lead_months[c],
        );
    }
    clusters_text.push_str("    ],\n)\n");
    files.insert(2, ("topology/clusters.ron".to_owned(), clusters_text));

    let period_names: Vec<String> = (0..periods).map(period).collect();
    let planted = Plan {
        format_version: headroom_plan::FORMAT_VERSION.to_owned(),
        inputs_digest: String::new(),
        mode: Mode::Strict,
        scenario: None,
        solver: SolverInfo {
            backend: "planted".into(),
            status: "feasible".into(),
            mip_gap: 0.0,
            objective: capital + running,
            variables: 0,
            constraints: 0,
            method: "planted".into(),
        },
        periods: period_names,
        services: Vec::new(),
        cost: Cost { total: capital + running, capital, running, by_period: Vec::new(), by_team: Vec::new() },
        orders,
        in_flight: Vec::new(),
        fleet: Vec::new(),
        allocations: Vec::new(),
        headroom: Vec::new(),
        utilisation: Vec::new(),
        power_space: Vec::new(),
        unmet: Vec::new(),
        explanations: Vec::new(),
        shadow_prices: Vec::new(),
        growth: Vec::new(),
    };
    files.push(("planted/plan.json".to_owned(), planted.to_json()));
    Ok(files)
}
