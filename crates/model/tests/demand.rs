//! The model's arithmetic against values worked out by hand.

use headroom_model::*;

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn name(s: &str) -> Name {
    Name::new(s, Span::NONE)
}

fn service(n: &str, deps: Vec<usize>, events: Vec<Event>) -> Service {
    Service {
        name: name(n),
        team: TeamId(0),
        demand: name(n),
        unit: "qps".into(),
        per_unit: vec![1.0],
        redundancy: Redundancy { k: 1, level: Level::Cluster },
        max_latency_ms: None,
        allowed_regions: None,
        forbidden_regions: vec![],
        allowed_clusters: None,
        forbidden_clusters: vec![],
        max_region_share: None,
        max_cluster_share: None,
        dependencies: deps
            .into_iter()
            .map(|d| Dependency { service: ServiceId(d as u32), ratio: 1.0, max_latency_ms: None, span: Span::NONE })
            .collect(),
        priority: 1,
        events,
        quantile: Quantile::Demand,
    }
}

fn event(from: &str, effect: Effect, ramp: u32, region: Option<u32>) -> Event {
    Event { name: name("e"), from: p(from), effect, ramp_periods: ramp, region: region.map(RegionId), span: Span::NONE }
}

/// Two regions; service 0 has organic demand 100 (region 0) and 300
/// (region 1) in each of four quarters from 2027Q1.
fn org(services: Vec<Service>) -> Organisation {
    let periods: Vec<Period> = (0..4).map(|i| p("2027Q1").offset(i)).collect();
    let origin = |r: u32, v: f64| Origin { region: Some(RegionId(r)), values: [vec![v; 4], vec![], vec![], vec![]] };
    let series = services
        .iter()
        .map(|s| Series { name: s.name.text.clone(), origins: vec![origin(0, 100.0), origin(1, 300.0)] })
        .collect::<Vec<_>>();
    let mut sorted = series;
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    Organisation {
        resources: vec![Resource { name: name("cpu"), unit: "cores".into() }],
        machine_types: vec![],
        regions: vec![Region { name: name("a") }, Region { name: name("b") }],
        clusters: vec![],
        failure_domains: vec![],
        latency: Latency { intra_region_ms: 1.0, between: vec![vec![None, Some(50.0)], vec![Some(50.0), None]] },
        teams: vec![Team { name: name("t") }],
        services,
        forecast: Forecast { periods, quantiles: vec![Quantile::Demand], series: sorted },
    }
}

#[test]
fn an_added_launch_ramps_and_splits_by_organic_share() {
    // +400 from 2027Q2 over two quarters: 200 in Q2, 400 from Q3; split
    // 1:3 between the regions as their organic demand is.
    let o = org(vec![service("s", vec![], vec![event("2027Q2", Effect::Add(400.0), 2, None)])]);
    let d = o.direct_demand(ServiceId(0));
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].organic, vec![100.0; 4]);
    assert_eq!(d[0].inorganic, vec![0.0, 50.0, 100.0, 100.0]);
    assert_eq!(d[1].inorganic, vec![0.0, 150.0, 300.0, 300.0]);
    assert_eq!(d[1].total(3), 600.0);
}

#[test]
fn a_multiplier_scales_organic_demand_of_one_region() {
    // ×1.5 in region b from 2027Q3: +150 on 300.
    let o = org(vec![service("s", vec![], vec![event("2027Q3", Effect::Multiply(1.5), 1, Some(1))])]);
    let d = o.direct_demand(ServiceId(0));
    assert_eq!(d[0].inorganic, vec![0.0; 4]);
    assert_eq!(d[1].inorganic, vec![0.0, 0.0, 150.0, 150.0]);
}

#[test]
fn a_launch_in_a_new_region_creates_its_demand() {
    let mut o = org(vec![service("s", vec![], vec![event("2027Q4", Effect::Add(80.0), 1, Some(2))])]);
    o.regions.push(Region { name: name("c") });
    let d = o.direct_demand(ServiceId(0));
    assert_eq!(d.len(), 3);
    assert_eq!(d[2].region, Some(RegionId(2)));
    assert_eq!(d[2].organic, vec![0.0; 4]);
    assert_eq!(d[2].inorganic, vec![0.0, 0.0, 0.0, 80.0]);
}

#[test]
fn a_shrinking_event_never_makes_demand_negative() {
    let o = org(vec![service("s", vec![], vec![event("2027Q1", Effect::Add(-1000.0), 1, Some(0))])]);
    let d = o.direct_demand(ServiceId(0));
    assert_eq!(d[0].total(0), 0.0);
}

#[test]
fn ramps_count_whole_periods_even_for_monthly_starts() {
    let e = event("2027-02", Effect::Add(1.0), 3, None);
    // Monthly: Feb 1/3, Mar 2/3, Apr 3/3.
    assert_eq!(e.ramp_share(p("2027-01")), 0.0);
    assert!((e.ramp_share(p("2027-02")) - 1.0 / 3.0).abs() < 1e-12);
    assert!((e.ramp_share(p("2027-03")) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(e.ramp_share(p("2027-06")), 1.0);
}

#[test]
fn schedules_change_from_their_period_on_across_granularities() {
    let s = Schedule {
        initial: 100.0,
        changes: vec![
            Change { from: p("2027Q3"), value: 200.0, span: Span::NONE },
            Change { from: p("2028-02"), value: 50.0, span: Span::NONE },
        ],
    };
    assert_eq!(s.at(p("2027Q2")), 100.0);
    assert_eq!(s.at(p("2027Q3")), 200.0);
    assert_eq!(s.at(p("2027-07")), 200.0);
    assert_eq!(s.at(p("2027-06")), 100.0);
    // A change in February is not in force for all of 2028Q1.
    assert_eq!(s.at(p("2028Q1")), 200.0);
    assert_eq!(s.at(p("2028Q2")), 50.0);
}

#[test]
fn lead_times_round_up_to_whole_periods() {
    let mut c = Cluster {
        name: name("c"),
        region: RegionId(0),
        failure_domain: DomainId(0),
        power_cap_kw: Schedule::constant(1.0),
        space_cap: Schedule::constant(1.0),
        fleet: vec![(MachineTypeId(0), 10)],
        retirements: vec![Retirement { period: p("2027Q2"), machine_type: MachineTypeId(0), count: 4, span: Span::NONE }],
        orderable: vec![],
        lead_time_months: 4,
        max_deliveries_per_month: Some(5.0),
        utilisation_target: 0.8,
    };
    assert_eq!(c.lead_time_periods(3), 2);
    assert_eq!(c.lead_time_periods(1), 4);
    c.lead_time_months = 0;
    assert_eq!(c.lead_time_periods(3), 0);
    assert_eq!(c.max_deliveries_per_period(3), Some(15));
    assert_eq!(c.retired_by(MachineTypeId(0), p("2027Q1")), 0);
    assert_eq!(c.retired_by(MachineTypeId(0), p("2027Q2")), 4);
    assert_eq!(c.retired_by(MachineTypeId(0), p("2027-05")), 4);
}

#[test]
fn dependency_order_puts_dependents_first_and_finds_cycles() {
    // 0 → 1 → 2, and 3 → 1.
    let o = org(vec![
        service("a", vec![1], vec![]),
        service("b", vec![2], vec![]),
        service("c", vec![], vec![]),
        service("d", vec![1], vec![]),
    ]);
    let order = o.dependency_order().unwrap();
    let pos = |s: u32| order.iter().position(|x| x.0 == s).unwrap();
    assert!(pos(0) < pos(1) && pos(3) < pos(1) && pos(1) < pos(2));

    let o = org(vec![service("a", vec![1], vec![]), service("b", vec![2], vec![]), service("c", vec![0], vec![])]);
    let cycle = o.dependency_order().unwrap_err();
    assert_eq!(cycle, vec![ServiceId(0), ServiceId(1), ServiceId(2)]);
}

// What-if scenarios, applied to the same fixture.

use headroom_model::scenario::{Change as What, Scenario};

fn scenario(changes: Vec<What>) -> Scenario {
    Scenario { name: "w".into(), description: None, changes }
}

#[test]
fn a_demand_scenario_scales_organic_demand_of_the_regions_and_periods_named() {
    // ×1.5 from 2027Q3 in region a only: 100 → 150 there; b stays 300.
    let o = org(vec![service("s", vec![], vec![])]);
    let w =
        scenario(vec![What::Demand { factor: 1.5, services: None, regions: Some(vec![RegionId(0)]), from: Some(p("2027Q3")) }]).apply(&o);
    let d = w.direct_demand(ServiceId(0));
    assert_eq!(d[0].organic, vec![100.0, 100.0, 150.0, 150.0]);
    assert_eq!(d[1].organic, vec![300.0; 4]);
    // The organisation itself is untouched.
    assert_eq!(o.direct_demand(ServiceId(0))[0].organic, vec![100.0; 4]);
}

#[test]
fn a_demand_scenario_for_one_service_leaves_a_service_sharing_its_series_alone() {
    let mut b = service("b", vec![], vec![]);
    b.demand = name("a");
    let mut o = org(vec![service("a", vec![], vec![]), b]);
    o.forecast.series.retain(|s| s.name == "a");
    let w = scenario(vec![What::Demand { factor: 2.0, services: Some(vec![ServiceId(1)]), regions: None, from: None }]).apply(&o);
    assert_eq!(w.direct_demand(ServiceId(0))[1].organic, vec![300.0; 4]);
    assert_eq!(w.direct_demand(ServiceId(1))[1].organic, vec![600.0; 4]);
    // Both named: one series, scaled once.
    let w = scenario(vec![What::Demand { factor: 2.0, services: None, regions: None, from: None }]).apply(&o);
    assert_eq!(w.direct_demand(ServiceId(0))[0].organic, vec![200.0; 4]);
    assert_eq!(w.direct_demand(ServiceId(1))[0].organic, vec![200.0; 4]);
    assert_eq!(w.forecast.series.len(), 1);
}

#[test]
fn an_event_scenario_delays_scales_or_cancels_a_launch() {
    // +400 from 2027Q2 (split 1:3), moved 6 months and doubled: +800 from 2027Q4.
    let o = org(vec![service("s", vec![], vec![event("2027Q2", Effect::Add(400.0), 1, None)])]);
    let w = scenario(vec![What::Event { service: ServiceId(0), event: "e".into(), delay_months: 6, scale: 2.0, cancel: false }]).apply(&o);
    assert_eq!(w.direct_demand(ServiceId(0))[1].inorganic, vec![0.0, 0.0, 0.0, 600.0]);
    // A multiplier's effect scales as its excess: ×1.5 at half is ×1.25.
    let o = org(vec![service("s", vec![], vec![event("2027Q1", Effect::Multiply(1.5), 1, None)])]);
    let w = scenario(vec![What::Event { service: ServiceId(0), event: "e".into(), delay_months: 0, scale: 0.5, cancel: false }]).apply(&o);
    assert_eq!(w.direct_demand(ServiceId(0))[0].inorganic, vec![25.0; 4]);
    let w = scenario(vec![What::Event { service: ServiceId(0), event: "e".into(), delay_months: 0, scale: 1.0, cancel: true }]).apply(&o);
    assert_eq!(w.direct_demand(ServiceId(0))[0].inorganic, vec![0.0; 4]);
}

#[test]
fn cluster_supply_and_price_scenarios_change_what_they_name() {
    let mut o = org(vec![service("s", vec![], vec![])]);
    let cluster = |n: &str| Cluster {
        name: name(n),
        region: RegionId(0),
        failure_domain: DomainId(0),
        power_cap_kw: Schedule { initial: 100.0, changes: vec![Change { from: p("2027Q4"), value: 300.0, span: Span::NONE }] },
        space_cap: Schedule::constant(50.0),
        fleet: vec![],
        retirements: vec![],
        orderable: vec![MachineTypeId(0)],
        lead_time_months: 3,
        max_deliveries_per_month: None,
        utilisation_target: 0.8,
    };
    o.clusters = vec![cluster("x"), cluster("y")];
    o.machine_types =
        vec![MachineType { name: name("m"), capacity: vec![1.0], capital_cost: 10.0, running_cost_per_month: 1.0, power_kw: 0.5 }];
    let w = scenario(vec![
        What::Cluster {
            cluster: ClusterId(0),
            from: Some(p("2027Q2")),
            power_cap_kw: Some(80.0),
            space_cap: None,
            can_order: Some(vec![]),
            lead_time_months: None,
            max_deliveries_per_month: Some(4.0),
        },
        What::Cluster {
            cluster: ClusterId(1),
            from: None,
            power_cap_kw: None,
            space_cap: Some(20.0),
            can_order: None,
            lead_time_months: Some(9),
            max_deliveries_per_month: None,
        },
        What::LeadTime { add_months: 3, clusters: None },
        What::MachineType { machine_type: MachineTypeId(0), capital_cost: Some(12.0), running_cost_per_month: None, power_kw: None },
    ])
    .apply(&o);
    let (x, y) = (&w.clusters[0], &w.clusters[1]);
    // From 2027Q2 on, 80 kW: the later change to 300 is replaced.
    assert_eq!([p("2027Q1"), p("2027Q2"), p("2028Q1")].map(|q| x.power_cap_kw.at(q)), [100.0, 80.0, 80.0]);
    assert_eq!([p("2027Q1"), p("2028Q1")].map(|q| y.power_cap_kw.at(q)), [100.0, 300.0]);
    assert_eq!((x.space_cap.at(p("2027Q1")), y.space_cap.at(p("2027Q1"))), (50.0, 20.0));
    assert!(x.orderable.is_empty());
    assert_eq!((x.max_deliveries_per_month, y.max_deliveries_per_month), (Some(4.0), None));
    assert_eq!((x.lead_time_months, y.lead_time_months), (6, 12));
    assert_eq!((w.machine_types[0].capital_cost, w.machine_types[0].running_cost_per_month), (12.0, 1.0));
}
