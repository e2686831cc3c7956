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
    let mut rules: Vec<&'static str> = verify(org, plan).into_iter().map(|v| v.rule).collect();
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
    p.orders.push(Order { placed: "2027Q1".into(), arrives: "2027Q1".into(), cluster: "use1-a".into(), machine_type: "compute-v3".into(), count: 1 });
    assert_caught(&org, &p, "orders", "an order arriving before its lead time");

    let mut p = plan.clone();
    p.orders.push(Order { placed: "2027Q1".into(), arrives: "2027Q3".into(), cluster: "usw2-b".into(), machine_type: "storage-v2".into(), count: 1 });
    assert_caught(&org, &p, "orders", "a machine type the cluster cannot order");

    let mut p = plan.clone();
    p.orders.push(Order { placed: "2027Q1".into(), arrives: "2027Q3".into(), cluster: "use1-a".into(), machine_type: "compute-v3".into(), count: 300 });
    for rule in ["deliveries", "power", "space", "fleet"] {
        assert_caught(&org, &p, rule, "300 machines delivered at once");
    }

    // Two orders of 2^31 machines add up to 2^32, which a u32 sum wraps to
    // 0: the verifier counts in u64 and sees them.
    let mut p = plan.clone();
    for _ in 0..2 {
        p.orders.push(Order { placed: "2027Q1".into(), arrives: "2027Q3".into(), cluster: "use1-a".into(), machine_type: "compute-v3".into(), count: 1 << 31 });
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
    p.unmet.push(Unmet { period: "2027Q1".into(), service: "auth".into(), origin: Origin { region: Some("us-east".into()), via: None }, demand: 1.0, unmet: 1.0 });
    assert_caught(&org, &p, "unmet", "unmet demand in a strict plan");

    let mut p = plan.clone();
    p.allocations.retain(|a| !(a.service == "kv-store" && a.origin.via.as_deref() == Some("user-profile")));
    assert_caught(&org, &p, "redundancy", "demand induced by a dependent left unserved");
}
