//! `diff` on small plans whose differences are known by construction, and
//! the rendered markdown and text of one against expected files
//! (`BLESS=1` rewrites them; review the change).

use headroom_diff::{diff, human, markdown, percent_change, Change, Options};
use headroom_plan::*;

fn origin(region: &str) -> Origin {
    Origin { region: Some(region.to_owned()), via: None }
}

/// A plan over 2027Q1–2027Q3 with the given orders (placed, cluster,
/// count), allocations (service, cluster, period, capacity) and cost.
fn plan(orders: &[(&str, &str, u32)], allocations: &[(&str, &str, &str, f64)], cost: f64) -> Plan {
    let periods: Vec<String> = ["2027Q1", "2027Q2", "2027Q3"].iter().map(|p| p.to_string()).collect();
    let mut headroom = Vec::new();
    for p in &periods {
        for service in ["a", "b"] {
            let capacity: f64 = allocations.iter().filter(|x| x.0 == service && x.2 == p).map(|x| x.3).sum();
            headroom.push(Headroom {
                period: p.clone(),
                service: service.into(),
                origin: origin("r"),
                organic: 100.0,
                inorganic: 0.0,
                induced: 0.0,
                capacity,
                survivable: capacity,
                headroom: capacity - 100.0,
            });
        }
    }
    Plan {
        format_version: FORMAT_VERSION.into(),
        inputs_digest: "d".into(),
        mode: Mode::BestEffort,
        scenario: None,
        solver: SolverInfo {
            backend: "microlp".into(),
            status: "optimal".into(),
            mip_gap: 0.0,
            objective: cost,
            variables: 1,
            constraints: 1,
            method: String::new(),
        },
        periods,
        services: Vec::new(),
        cost: Cost { total: cost, capital: cost / 2.0, running: cost / 2.0, by_period: Vec::new(), by_team: Vec::new() },
        orders: orders
            .iter()
            .map(|&(placed, cluster, count)| Order {
                placed: placed.into(),
                arrives: "2027Q3".into(),
                cluster: cluster.into(),
                machine_type: "m".into(),
                count,
            })
            .collect(),
        in_flight: Vec::new(),
        fleet: Vec::new(),
        allocations: allocations
            .iter()
            .map(|&(s, c, p, x)| Allocation { period: p.into(), service: s.into(), origin: origin("r"), cluster: c.into(), capacity: x })
            .collect(),
        headroom,
        utilisation: Vec::new(),
        power_space: Vec::new(),
        unmet: Vec::new(),
        explanations: Vec::new(),
        shadow_prices: Vec::new(),
        growth: Vec::new(),
    }
}

/// Both services fully in c1 with 20 % headroom, every period.
fn base_allocations() -> Vec<(&'static str, &'static str, &'static str, f64)> {
    let mut a = Vec::new();
    for p in ["2027Q1", "2027Q2", "2027Q3"] {
        a.push(("a", "c1", p, 120.0));
        a.push(("b", "c1", p, 120.0));
    }
    a
}

#[test]
fn the_same_plan_has_no_changes() {
    let p = plan(&[("2027Q1", "c1", 3)], &base_allocations(), 1000.0);
    let d = diff(&p, &p, &Options::default());
    assert!(!d.changed);
    assert!(d.summary.starts_with("no changes"));
    assert!(d.orders.is_empty() && d.placements.is_empty() && d.demand.is_empty() && d.headroom.is_empty());
    assert_eq!(markdown(&d), format!("### headroom: {}\n\n", d.summary));
}

#[test]
fn orders_are_added_removed_and_changed() {
    let old = plan(&[("2027Q1", "c1", 3), ("2027Q1", "c2", 2), ("2027Q2", "c1", 1)], &base_allocations(), 1000.0);
    let new = plan(&[("2027Q1", "c1", 5), ("2027Q2", "c1", 1), ("2027Q2", "c3", 4)], &base_allocations(), 1100.0);
    let d = diff(&old, &new, &Options::default());
    let got: Vec<(Change, &str, &str, u32, u32)> =
        d.orders.iter().map(|o| (o.change, o.placed.as_str(), o.cluster.as_str(), o.old, o.new)).collect();
    assert_eq!(
        got,
        [(Change::Changed, "2027Q1", "c1", 3, 5), (Change::Removed, "2027Q1", "c2", 2, 0), (Change::Added, "2027Q2", "c3", 0, 4)]
    );
    // +2 in c1, +4 in c3, -2 in c2; cost 1000 → 1100.
    assert_eq!(d.summary, "+6 -2 machines in 3 clusters, cost +10 %");
    assert_eq!((d.old.machines_ordered, d.new.machines_ordered), (6, 10));
}

#[test]
fn moves_beyond_the_tolerance_are_reported_once_per_service_and_cluster() {
    let old = plan(&[], &base_allocations(), 1000.0);
    let mut moved = base_allocations();
    // a: 30 of 120 from c1 to c2 in 2027Q2 and 2027Q3.
    for p in ["2027Q2", "2027Q3"] {
        moved.retain(|x| !(x.0 == "a" && x.2 == p));
        moved.push(("a", "c1", p, 90.0));
        moved.push(("a", "c2", p, 30.0));
    }
    // b: 0.3 of 120 (0.25 %, under the 0.5 % tolerance) in 2027Q1.
    moved.retain(|x| !(x.0 == "b" && x.2 == "2027Q1"));
    moved.push(("b", "c1", "2027Q1", 119.7));
    moved.push(("b", "c2", "2027Q1", 0.3));
    let new = plan(&[], &moved, 1000.0);
    let d = diff(&old, &new, &Options::default());
    let got: Vec<(Change, &str, &str, &str, &str, f64, f64)> = d
        .placements
        .iter()
        .map(|p| (p.change, p.service.as_str(), p.cluster.as_str(), p.span.from.as_str(), p.span.to.as_str(), p.span.old, p.span.new))
        .collect();
    assert_eq!(
        got,
        [(Change::Changed, "a", "c1", "2027Q2", "2027Q3", 120.0, 90.0), (Change::Added, "a", "c2", "2027Q2", "2027Q3", 0.0, 30.0)]
    );
    assert_eq!(d.summary, "cost ±0 %, 1 service moved");
}

#[test]
fn headroom_below_the_threshold_and_unmet_intents() {
    let old = plan(&[], &base_allocations(), 1000.0);
    let mut new = plan(&[], &base_allocations(), 1000.0);
    // a's headroom in 2027Q3 falls from 20 % to 3 %; b's to 6 % (above 5 %).
    for h in &mut new.headroom {
        if h.period == "2027Q3" {
            h.headroom = if h.service == "a" { 3.0 } else { 6.0 };
        }
    }
    new.unmet.push(Unmet { period: "2027Q2".into(), service: "b".into(), origin: origin("r"), demand: 100.0, unmet: 20.0 });
    new.unmet.push(Unmet { period: "2027Q3".into(), service: "b".into(), origin: origin("r"), demand: 100.0, unmet: 35.0 });
    new.explanations.push(Explanation {
        service: "b".into(),
        origin: Some(origin("r")),
        from: "2027Q2".into(),
        to: "2027Q3".into(),
        message: "the power cap binds".into(),
        fixes: Vec::new(),
    });
    let d = diff(&old, &new, &Options::default());
    assert_eq!(d.headroom.len(), 1);
    assert_eq!((d.headroom[0].service.as_str(), d.headroom[0].period.as_str()), ("a", "2027Q3"));
    assert!((d.headroom[0].old - 0.2).abs() < 1e-9 && (d.headroom[0].new - 0.03).abs() < 1e-9);
    assert_eq!(d.newly_unmet.len(), 1);
    let u = &d.newly_unmet[0];
    assert_eq!((u.service.as_str(), u.from.as_str(), u.to.as_str(), u.unmet), ("b", "2027Q2", "2027Q3", 35.0));
    assert_eq!(u.explanations, ["the power cap binds"]);
    assert!(d.summary.ends_with("1 intent newly unmet"), "{}", d.summary);
    // And the other way round, the intent is now met.
    let back = diff(&new, &old, &Options::default());
    assert_eq!(back.now_met.len(), 1);
    assert!(back.newly_unmet.is_empty());
}

#[test]
fn percentages_read_at_a_glance() {
    assert_eq!(percent_change(1000.0, 1041.0), "+4.1 %");
    assert_eq!(percent_change(1000.0, 997.0), "-0.3 %");
    assert_eq!(percent_change(1000.0, 1000.0), "±0 %");
    assert_eq!(percent_change(100.0, 250.0), "+150 %");
    assert_eq!(percent_change(100000.0, 100001.0), "+0.00 %");
    assert_eq!(percent_change(0.0, 1200.0), "+$1,200");
}

/// Markdown and text of one diff with every section, against files.
#[test]
fn rendering_matches_the_expected_files() {
    let old = plan(&[("2027Q1", "c1", 3), ("2027Q1", "c2", 2)], &base_allocations(), 9_352_950.0);
    let mut moved = base_allocations();
    moved.retain(|x| !(x.0 == "a" && x.2 == "2027Q3"));
    moved.push(("a", "c1", "2027Q3", 60.0));
    moved.push(("a", "c3", "2027Q3", 60.0));
    let mut new = plan(&[("2027Q1", "c1", 4), ("2027Q2", "c3", 2)], &moved, 9_556_440.0);
    for h in &mut new.headroom {
        if h.service == "b" && h.period != "2027Q1" {
            h.organic = 150.0;
            h.headroom = 0.0;
        }
    }
    new.unmet.push(Unmet { period: "2027Q3".into(), service: "b".into(), origin: origin("r"), demand: 150.0, unmet: 30.0 });
    new.explanations.push(Explanation {
        service: "b".into(),
        origin: Some(origin("r")),
        from: "2027Q3".into(),
        to: "2027Q3".into(),
        message: "`b` cannot serve its demand (users in r) in 2027Q3: the lead time of orders is too long".into(),
        fixes: Vec::new(),
    });
    let d = diff(&old, &new, &Options::default());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected");
    for (name, text) in [("diff.md", markdown(&d)), ("diff.txt", human(&d, false)), ("diff.json", d.to_json())] {
        let path = dir.join(name);
        if std::env::var_os("BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(text, expected, "{name} differs (BLESS=1 rewrites it)");
    }
    assert!(human(&d, true).contains("\x1b[32m+ 2027Q2"), "added orders are green on a terminal");
}
