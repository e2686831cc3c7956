//! The verifier catches each rule broken on purpose in a real plan of the
//! example organisation, and passes the plan as the solver wrote it.

use std::path::Path;

use headroom_model::Organisation;
use headroom_plan::{Allocation, Order, Origin, Plan, Unmet};
use headroom_verify::verify;

fn example() -> (Organisation, Plan) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let loaded = headroom_load::load(&headroom_load::Options::new(root));
    let org = loaded.org.expect("the example loads");
    let plan = headroom_solve::plan(&org, "test", &headroom_solve::Options::default()).expect("the example plans");
    (org, plan)
}

fn rules(org: &Organisation, plan: &Plan) -> Vec<&'static str> {
    let mut rules: Vec<&'static str> = verify(org, plan).into_iter().map(|v| v.rule.name()).collect();
    rules.dedup();
    rules
}

fn assert_caught(org: &Organisation, plan: &Plan, rule: &str, what: &str) {
    let found = rules(org, plan);
    assert!(found.contains(&rule), "{what}: expected a `{rule}` violation, found {found:?}");
}

fn largest_allocation(plan: &Plan, service: &str) -> usize {
    (0..plan.allocations.len())
        .filter(|&i| plan.allocations[i].service == service)
        .max_by(|&a, &b| plan.allocations[a].capacity.total_cmp(&plan.allocations[b].capacity))
        .expect("the service has allocations")
}

#[test]
fn every_broken_rule_is_reported() {
    let (org, plan) = example();
    assert_eq!(verify(&org, &plan), vec![], "the solver's plan verifies");

    let mut p = plan.clone();
    p.periods.pop();
    assert_caught(&org, &p, "periods", "a period dropped");

    let mut p = plan.clone();
    p.orders.push(Order {
        placed: "2027Q1".into(),
        arrives: "2027Q1".into(),
        cluster: "use1-a".into(),
        machine_type: "compute-v3".into(),
        count: 1,
    });
    assert_caught(&org, &p, "orders", "an order arriving before its lead time");

    let mut p = plan.clone();
    p.orders.push(Order {
        placed: "2027Q1".into(),
        arrives: "2027Q3".into(),
        cluster: "usw2-b".into(),
        machine_type: "storage-v2".into(),
        count: 1,
    });
    assert_caught(&org, &p, "orders", "a machine type the cluster cannot order");

    let mut p = plan.clone();
    p.orders.push(Order {
        placed: "2027Q1".into(),
        arrives: "2027Q3".into(),
        cluster: "use1-a".into(),
        machine_type: "compute-v3".into(),
        count: 300,
    });
    for rule in ["deliveries", "power", "space", "fleet"] {
        assert_caught(&org, &p, rule, "300 machines delivered at once");
    }

    // Two orders of 2^31 machines add up to 2^32, which a u32 sum wraps to
    // 0: the verifier counts in u64 and sees them.
    let mut p = plan.clone();
    for _ in 0..2 {
        p.orders.push(Order {
            placed: "2027Q1".into(),
            arrives: "2027Q3".into(),
            cluster: "use1-a".into(),
            machine_type: "compute-v3".into(),
            count: 1 << 31,
        });
    }
    for rule in ["deliveries", "power", "space", "fleet"] {
        assert_caught(&org, &p, rule, "two orders of 2^31 machines");
    }

    let mut p = plan.clone();
    p.fleet[0].machines += 1;
    assert_caught(&org, &p, "fleet", "a fleet row that does not follow from the orders");

    let mut p = plan.clone();
    let i = largest_allocation(&p, "payments-api");
    p.allocations.push(Allocation { cluster: "usw2-a".into(), ..p.allocations[i].clone() });
    assert_caught(&org, &p, "allocation", "capacity in a region the intent forbids");

    let mut p = plan.clone();
    let i = largest_allocation(&p, "web-frontend");
    p.allocations[i].capacity *= 0.5;
    assert_caught(&org, &p, "redundancy", "the largest domain of a service halved");

    let mut p = plan.clone();
    let i = largest_allocation(&p, "ledger-db");
    p.allocations[i].capacity *= 3.0;
    assert_caught(&org, &p, "spread", "most of ledger-db in one cluster");

    let mut p = plan.clone();
    let i = largest_allocation(&p, "search-index");
    p.allocations[i].capacity *= 50.0;
    assert_caught(&org, &p, "resources", "a cluster given far more than its fleet holds");

    let mut p = plan.clone();
    p.cost.total += 1000.0;
    assert_caught(&org, &p, "cost", "a cost that does not add up");

    let mut p = plan.clone();
    p.unmet.push(Unmet {
        period: "2027Q1".into(),
        service: "auth".into(),
        origin: Origin { region: Some("us-east".into()), via: None },
        demand: 1.0,
        unmet: 1.0,
    });
    assert_caught(&org, &p, "unmet", "unmet demand in a strict plan");

    let mut p = plan.clone();
    p.allocations.retain(|a| !(a.service == "kv-store" && a.origin.via.as_deref() == Some("user-profile")));
    assert_caught(&org, &p, "redundancy", "demand induced by a dependent left unserved");
}

/// Every number a plan states is recomputed: an edit to any derived table
/// is caught, naming the table.
#[test]
fn every_stated_number_is_recomputed() {
    let (org, plan) = example();

    let mut p = plan.clone();
    for h in &mut p.headroom {
        h.survivable *= 10.0;
    }
    assert_caught(&org, &p, "tables", "the headroom table at 10× the survivable capacity");

    let mut p = plan.clone();
    p.headroom[3].headroom += 1.0;
    assert_caught(&org, &p, "tables", "one headroom figure");

    let mut p = plan.clone();
    p.headroom.remove(0);
    assert_caught(&org, &p, "tables", "a headroom row left out");

    let mut p = plan.clone();
    let row = p.headroom[0].clone();
    p.headroom.push(row);
    assert_caught(&org, &p, "tables", "a headroom row given twice");

    let mut p = plan.clone();
    for row in &mut p.power_space {
        row.power_kw = 0.0;
    }
    assert_caught(&org, &p, "tables", "power at 0 everywhere");

    let mut p = plan.clone();
    p.power_space[1].deliveries += 1;
    assert_caught(&org, &p, "tables", "a delivery count");

    let mut p = plan.clone();
    p.power_space[2].space_cap *= 2.0;
    assert_caught(&org, &p, "tables", "a space cap");

    let mut p = plan.clone();
    p.utilisation[0].used /= 2.0;
    assert_caught(&org, &p, "tables", "resources used");

    let mut p = plan.clone();
    let mut extra = p.utilisation[0].clone();
    extra.cluster = "nowhere".into();
    p.utilisation.push(extra);
    assert_caught(&org, &p, "tables", "a row for a cluster the inputs do not have");

    let mut p = plan.clone();
    p.cost.by_period[0].running += 1000.0;
    assert_caught(&org, &p, "cost", "one period's running cost");

    let mut p = plan.clone();
    let moved = p.cost.by_team[0].cost / 2.0;
    p.cost.by_team[0].cost -= moved;
    p.cost.by_team[1].cost += moved;
    assert_caught(&org, &p, "cost", "cost moved from one team to another");

    let mut p = plan.clone();
    p.services[0].n_plus += 1;
    assert_caught(&org, &p, "tables", "a service's stated redundancy");

    let mut p = plan.clone();
    p.headroom[0].organic = f64::NAN;
    assert_caught(&org, &p, "tables", "a number that is not a number");
}
