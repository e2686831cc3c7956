//! Synthetic organisations for tests and benchmarks: topology, intents and
//! a forecast of any size, deterministic for a seed, that `check` accepts
//! and `plan` can meet.
//!
//! Shape: regions with latency growing with their distance; clusters spread
//! over the regions, two per failure domain, with an existing fleet, power
//! and space for about 60 % more machines, lead times and delivery limits;
//! services in teams of 20, half front ends depending on the back ends
//! (one level, so induced demand stays bounded), mixed N+k at cluster,
//! failure-domain and region level, latency limits, launch events; demand
//! sized to the fleet and growing 1–4 % a period so that plans order
//! machines. Files are text this crate formats itself.

use std::fmt::Write;

mod planted;

/// What to make.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Services.
    pub services: usize,
    /// Clusters.
    pub clusters: usize,
    /// Regions.
    pub regions: usize,
    /// Planning periods (quarters).
    pub periods: usize,
    /// The seed: the same spec and seed write the same bytes.
    pub seed: u64,
    /// Demand × this. At 1, demand fills about half of what the existing
    /// fleet can give by the horizon's end and no machine needs ordering
    /// (the solver's easy case); around 3, small organisations need
    /// orders (branch and bound runs) and larger ones may need more than
    /// their caps allow.
    pub demand_scale: f64,
}

impl Spec {
    /// Why the spec cannot make a valid organisation, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.regions == 0 || self.services == 0 || self.periods == 0 {
            return Err("services, regions and periods must be at least 1".into());
        }
        if !(self.demand_scale.is_finite() && self.demand_scale > 0.0) {
            return Err(format!("demand scale {} must be a number > 0", self.demand_scale));
        }
        if self.clusters < 3 * self.regions {
            return Err(format!(
                "{} clusters for {} regions: each region needs at least 3 clusters (N+2 across clusters)",
                self.clusters, self.regions
            ));
        }
        if self.periods > headroom_model::limits::MAX_PERIODS {
            return Err(format!("at most {} periods", headroom_model::limits::MAX_PERIODS));
        }
        // Beyond these the files alone run to gigabytes.
        if self.services > 100_000 || self.clusters > 10_000 || self.regions > 1_000 {
            return Err(format!(
                "at most 100,000 services, 10,000 clusters and 1,000 regions (asked for {}, {} and {})",
                self.services, self.clusters, self.regions
            ));
        }
        if self.demand_scale > 1e6 {
            return Err(format!(
                "demand scale {:e} is over 1,000,000: demand would pass the largest number headroom accepts",
                self.demand_scale
            ));
        }
        Ok(())
    }
}

/// Which kind of organisation to make.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    /// Demand sized to the existing fleet (see [`Spec::demand_scale`]).
    Easy,
    /// Demand that outgrows the fleet, around a planted plan that meets
    /// every intent (`planted.rs`); `tightness` (0 to 1) takes the slack
    /// out of power, space and delivery limits.
    Planted {
        /// How much slack is taken out of the limits: 0 keeps it all, 1
        /// leaves the planted plan none.
        tightness: f64,
    },
}

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

pub(crate) fn region(i: usize) -> String {
    format!("r{i:02}")
}

pub(crate) fn cluster(i: usize) -> String {
    format!("c{i:03}")
}

pub(crate) fn service(i: usize) -> String {
    format!("s{i:04}")
}

/// One or two distinct back ends, by index among `backends`, for a front
/// end to depend on.
fn pick_backends(rng: &mut Rng, backends: usize) -> Vec<usize> {
    let first = rng.below(backends);
    let mut targets = vec![first];
    if backends > 1 && rng.below(2) == 0 {
        targets.push((first + 1 + rng.below(backends - 1)) % backends);
    }
    targets
}

pub(crate) fn period(t: usize) -> String {
    format!("{}Q{}", 2027 + t / 4, t % 4 + 1)
}

/// Machine types: (name, cpu, ram, ssd, capital, running per month, kW).
pub(crate) const TYPES: [(&str, f64, f64, f64, f64, f64, f64); 3] = [
    ("compute-old", 64.0, 256.0, 1.0, 14_000.0, 190.0, 0.55),
    ("compute", 96.0, 512.0, 2.0, 21_000.0, 210.0, 0.62),
    ("storage", 32.0, 384.0, 60.0, 34_000.0, 280.0, 0.78),
];

/// The files of the organisation: (path relative to the root, contents).
pub fn generate(spec: &Spec, family: Family) -> Result<Vec<(String, String)>, String> {
    match family {
        Family::Easy => easy(spec),
        Family::Planted { tightness } => planted::generate(spec, tightness),
    }
}

/// Regions and latency growing with their distance: the file, and the
/// latency between each two regions as written (1 ms within a region).
fn network(spec: &Spec, rng: &mut Rng) -> (String, Vec<Vec<f64>>) {
    let mut latency = vec![vec![1.0; spec.regions]; spec.regions];
    let mut pairs = Vec::new();
    let mut net = String::from("// Synthetic: regions and latency.\nTopology(\n    regions: [\n");
    for r in 0..spec.regions {
        let _ = writeln!(net, "        Region(name: \"{}\"),", region(r));
    }
    net.push_str("    ],\n    latency: Latency(\n        intra_region_ms: 1,\n        between: [\n");
    for a in 0..spec.regions {
        for b in a + 1..spec.regions {
            let ms = 20.0 + 15.0 * (b - a) as f64 + rng.range(0.0, 10.0);
            let _ = writeln!(net, "            (\"{}\", \"{}\", {ms:.0}),", region(a), region(b));
            pairs.push((a, b, format!("{ms:.0}").parse().unwrap_or(ms)));
        }
    }
    net.push_str("        ],\n    ),\n)\n");
    for (a, b, ms) in pairs {
        (latency[a][b], latency[b][a]) = (ms, ms);
    }
    (net, latency)
}

/// Resources and machine types.
fn machines() -> String {
    let mut machines = String::from("// Synthetic: resources and machine types.\nTopology(\n    resources: [\n        Resource(name: \"cpu\", unit: \"cores\"),\n        Resource(name: \"ram_gib\", unit: \"GiB\"),\n        Resource(name: \"ssd_tib\", unit: \"TiB\"),\n    ],\n    machine_types: [\n");
    for (name, cpu, ram, ssd, capital, running, kw) in TYPES {
        let _ = writeln!(
            machines,
            "        MachineType(name: \"{name}\", resources: {{\"cpu\": {cpu}, \"ram_gib\": {ram}, \"ssd_tib\": {ssd}}}, capital_cost: {capital}, running_cost_per_month: {running}, power_kw: {kw}),"
        );
    }
    machines.push_str("    ],\n)\n");
    machines
}

/// The easy family: demand sized to the existing fleet.
fn easy(spec: &Spec) -> Result<Vec<(String, String)>, String> {
    spec.check()?;
    let mut rng = Rng(spec.seed ^ 0x6865_6164_726F_6F6D);
    let mut files = vec![("topology/network.ron".to_owned(), network(spec, &mut rng).0), ("topology/machines.ron".to_owned(), machines())];

    // Clusters: round-robin over regions; within a region, two clusters
    // to a failure domain.
    let mut clusters = String::from("// Synthetic: clusters, two to a failure domain.\nTopology(\n    clusters: [\n");
    // Allocatable resources per region, for sizing demand.
    let mut allocatable = vec![[0.0f64; 3]; spec.regions];
    let mut per_region = vec![0usize; spec.regions];
    for c in 0..spec.clusters {
        let r = c % spec.regions;
        let k = per_region[r];
        per_region[r] += 1;
        let fleet = [rng.below(80) as f64, 60.0 + rng.below(120) as f64, 10.0 + rng.below(30) as f64];
        let count: f64 = fleet.iter().sum();
        let power: f64 = fleet.iter().zip(TYPES).map(|(n, t)| n * t.6).sum();
        for (i, t) in TYPES.iter().enumerate() {
            allocatable[r][0] += 0.8 * fleet[i] * t.1;
            allocatable[r][1] += 0.8 * fleet[i] * t.2;
            allocatable[r][2] += 0.8 * fleet[i] * t.3;
        }
        let _ = writeln!(
            clusters,
            "        Cluster(name: \"{}\", region: \"{}\", failure_domain: \"{}-fd{}\", power_cap_kw: {:.0}, space_cap: {:.0}, fleet: {{\"compute-old\": {}, \"compute\": {}, \"storage\": {}}}, can_order: [\"compute\", \"storage\"], lead_time_months: {}, max_deliveries_per_month: {}, utilisation_target: 0.8),",
            cluster(c),
            region(r),
            region(r),
            k / 2,
            power * 1.8 + 20.0,
            count * 1.8 + 20.0,
            fleet[0],
            fleet[1],
            fleet[2],
            3 + rng.below(4),
            20 + rng.below(40),
        );
    }
    clusters.push_str("    ],\n)\n");
    files.push(("topology/clusters.ron".to_owned(), clusters));

    // Services. Front ends (the first half) depend on back ends; back ends
    // depend on nothing.
    let backends = (spec.services / 2).max(1);
    let first_backend = spec.services - backends;
    let profiles: [[f64; 3]; 3] = [[1.0, 2.0, 0.01], [0.5, 6.0, 0.02], [0.2, 2.0, 0.8]]; // cpu-, memory-, storage-heavy per core
                                                                                         // Each service's share of the fleet, before redundancy and growth.
    let weights: Vec<f64> = (0..spec.services).map(|_| rng.range(0.3, 1.7)).collect();
    let total_weight: f64 = weights.iter().sum();
    let mut forecast = String::from("service,period,region,demand\n");
    let teams = spec.services.div_ceil(20);
    let growth_total = |g: f64| (1.0 + g).powi(spec.periods as i32);
    for team in 0..teams {
        let mut text = format!("// Synthetic team {team:02}.\nTeam(\n    name: \"t{team:02}\",\n    services: [\n");
        for s in team * 20..((team + 1) * 20).min(spec.services) {
            let profile = profiles[rng.below(3)];
            let unit_cpu = rng.range(0.001, 0.01);
            let per_unit: Vec<f64> = profile.iter().map(|p| p * unit_cpu).collect();
            let (k, level) = match rng.below(20) {
                0..=1 => (0, "Cluster"),
                2..=10 => (1, "Cluster"),
                11..=15 => (1, "FailureDomain"),
                // Back ends serve dependents within 5 ms: one region, so
                // only front ends survive a region.
                16..=17 if spec.regions >= 3 && s < first_backend => (1, "Region"),
                _ => (2, "Cluster"),
            };
            let growth = rng.range(0.01, 0.04);
            // Regions the service's users are in.
            let home = rng.below(spec.regions);
            let spread = 1 + rng.below(spec.regions.min(3));
            let regions: Vec<usize> = (0..spread).map(|i| (home + i) % spec.regions).collect();
            let _ = write!(
                text,
                "        Service(name: \"{}\", unit: \"qps\", per_unit: {{\"cpu\": {:.6}, \"ram_gib\": {:.6}, \"ssd_tib\": {:.6}}}, redundancy: (n_plus: {k}, across: {level}), max_latency_ms: {}, priority: {}",
                service(s),
                per_unit[0],
                per_unit[1],
                per_unit[2],
                if level == "Region" { 400 } else { 60 + rng.below(140) },
                1 + rng.below(10),
            );
            if s < first_backend {
                text.push_str(", depends_on: [");
                for target in pick_backends(&mut rng, backends) {
                    let _ = write!(
                        text,
                        "Dependency(service: \"{}\", ratio: {:.2}, max_latency_ms: 5), ",
                        service(first_backend + target),
                        rng.range(0.05, 0.3)
                    );
                }
                text.push(']');
            }
            if rng.below(10) == 0 && spec.periods > 2 {
                let from = 1 + rng.below(spec.periods - 1);
                let _ = write!(
                    text,
                    ", events: [Event(name: \"launch\", from: \"{}\", multiply: {:.2}, ramp_periods: 2)]",
                    period(from),
                    rng.range(1.1, 1.4)
                );
            }
            text.push_str("),\n");
            // Demand: the service's share of its regions' allocatable
            // resources (its bottleneck one), leaving room for redundancy
            // (up to ×3), induced demand and growth.
            for &r in &regions {
                let share = weights[s] / total_weight * spec.regions as f64 / regions.len() as f64;
                let fits = (0..3).map(|i| allocatable[r][i] / per_unit[i]).fold(f64::INFINITY, f64::min);
                let base = 0.4 * spec.demand_scale * share * fits / growth_total(growth).sqrt();
                for t in 0..spec.periods {
                    let noise = 1.0 + rng.range(-0.01, 0.01);
                    let _ = writeln!(
                        forecast,
                        "{},{},{},{:.1}",
                        service(s),
                        period(t),
                        region(r),
                        base * (1.0 + growth).powi(t as i32) * noise
                    );
                }
            }
        }
        text.push_str("    ],\n)\n");
        files.push((format!("intents/t{team:02}.ron"), text));
    }
    files.push(("data/forecast.csv".to_owned(), forecast));
    Ok(files)
}
