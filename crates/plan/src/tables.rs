//! The plan as CSV tables, for spreadsheets.

use std::fmt::Write as _;

use crate::{Origin, Plan};

/// Quotes a CSV field when it needs it.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn origin(o: &Origin) -> String {
    format!("{},{}", field(o.region.as_deref().unwrap_or("")), field(o.via.as_deref().unwrap_or("")))
}

/// File name and contents of each table.
pub fn csv_tables(plan: &Plan) -> Vec<(&'static str, String)> {
    let mut orders = String::from("placed,arrives,cluster,machine_type,count\n");
    for o in &plan.orders {
        writeln!(orders, "{},{},{},{},{}", o.placed, o.arrives, field(&o.cluster), field(&o.machine_type), o.count).unwrap();
    }
    let mut fleet = String::from("period,cluster,machine_type,machines\n");
    for f in &plan.fleet {
        writeln!(fleet, "{},{},{},{}", f.period, field(&f.cluster), field(&f.machine_type), f.machines).unwrap();
    }
    let mut allocations = String::from("period,service,region,via,cluster,capacity\n");
    for a in &plan.allocations {
        writeln!(allocations, "{},{},{},{},{}", a.period, field(&a.service), origin(&a.origin), field(&a.cluster), a.capacity).unwrap();
    }
    let mut headroom = String::from("period,service,region,via,organic,inorganic,induced,capacity,survivable,headroom\n");
    for h in &plan.headroom {
        writeln!(
            headroom,
            "{},{},{},{},{},{},{},{},{}",
            h.period,
            field(&h.service),
            origin(&h.origin),
            h.organic,
            h.inorganic,
            h.induced,
            h.capacity,
            h.survivable,
            h.headroom
        )
        .unwrap();
    }
    let mut utilisation = String::from("period,cluster,resource,used,allocatable,capacity\n");
    for u in &plan.utilisation {
        writeln!(utilisation, "{},{},{},{},{},{}", u.period, field(&u.cluster), field(&u.resource), u.used, u.allocatable, u.capacity)
            .unwrap();
    }
    let mut power = String::from("period,cluster,power_kw,power_cap_kw,machines,space_cap,deliveries,delivery_limit\n");
    for p in &plan.power_space {
        let limit = p.delivery_limit.map_or(String::new(), |l| l.to_string());
        writeln!(
            power,
            "{},{},{},{},{},{},{},{}",
            p.period,
            field(&p.cluster),
            p.power_kw,
            p.power_cap_kw,
            p.machines,
            p.space_cap,
            p.deliveries,
            limit
        )
        .unwrap();
    }
    let mut unmet = String::from("period,service,region,via,demand,unmet\n");
    for u in &plan.unmet {
        writeln!(unmet, "{},{},{},{},{}", u.period, field(&u.service), origin(&u.origin), u.demand, u.unmet).unwrap();
    }
    vec![
        ("orders.csv", orders),
        ("fleet.csv", fleet),
        ("allocations.csv", allocations),
        ("headroom.csv", headroom),
        ("utilisation.csv", utilisation),
        ("power_space.csv", power),
        ("unmet.csv", unmet),
    ]
}
