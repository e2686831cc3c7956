//! The plan as CSV tables, for spreadsheets.

use std::fmt::{self, Display, Write as _};

use crate::{Origin, Plan};

/// A CSV field, quoted when it needs it. Written straight into the table:
/// easy large's allocations table has 1.8 million rows of five names each.
struct Field<'a>(&'a str);

impl Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if !s.contains([',', '"', '\n', '\r']) {
            return f.write_str(s);
        }
        f.write_char('"')?;
        for (i, part) in s.split('"').enumerate() {
            if i > 0 {
                f.write_str("\"\"")?;
            }
            f.write_str(part)?;
        }
        f.write_char('"')
    }
}

fn field(s: &str) -> Field<'_> {
    Field(s)
}

/// An origin's two fields: region, via.
struct OriginFields<'a>(&'a Origin);

impl Display for OriginFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", field(self.0.region.as_deref().unwrap_or("")), field(self.0.via.as_deref().unwrap_or("")))
    }
}

fn origin(o: &Origin) -> OriginFields<'_> {
    OriginFields(o)
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
    let mut allocations = String::with_capacity(64 * (plan.allocations.len() + 1));
    allocations.push_str("period,service,region,via,cluster,capacity\n");
    for a in &plan.allocations {
        writeln!(allocations, "{},{},{},{},{}", a.period, field(&a.service), origin(&a.origin), field(&a.cluster), a.capacity).unwrap();
    }
    let mut headroom = String::with_capacity(128 * (plan.headroom.len() + 1));
    headroom.push_str("period,service,region,via,organic,inorganic,induced,capacity,survivable,headroom\n");
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

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_where_csv_needs_it() {
        let shown = |s: &str| field(s).to_string();
        assert_eq!(shown("c001"), "c001");
        assert_eq!(shown(""), "");
        assert_eq!(shown("a,b"), "\"a,b\"");
        assert_eq!(shown("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(shown("\"\""), "\"\"\"\"\"\"");
        assert_eq!(shown("two\nlines"), "\"two\nlines\"");
        assert_eq!(shown("cr\r"), "\"cr\r\"");
    }
}
