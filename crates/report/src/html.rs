//! The page: figures first read in a meeting (cost, orders, unmet demand),
//! then the charts by section. Self-contained: CSS and images inline, no
//! network, one small script that marks images that failed to load.

use std::collections::BTreeSet;
use std::fmt::Write;

use base64::Engine;
use headroom_plan::text::{money, thousands};
use headroom_plan::{Mode, Plan};

use crate::Drawn;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
header, main { max-width: 1000px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 16px; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 16px 0; }
.figure { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; }
.figure b { display: block; font-size: 20px; }
.figure span { color: #555; font-size: 13px; }
.alert { background: #fdecea; border: 2px solid #d55e00; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.alert h2 { color: #a33; border: none; margin: 0 0 8px; }
.ok { background: #e8f5ee; border: 1px solid #009e73; border-radius: 6px; padding: 8px 14px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
nav a { margin-right: 14px; }
figure { margin: 0 0 22px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #555; padding-top: 4px; }
footer { color: #777; font-size: 12px; padding: 24px 0 40px; }
"#;

/// Marks the page once every image has loaded or failed: a test (or a
/// person) reads `data-images` and `data-broken-images` on <html>.
const SCRIPT: &str = r#"
window.addEventListener("load", function () {
  var images = document.querySelectorAll("img");
  var broken = 0;
  images.forEach(function (img) { if (!img.complete || img.naturalWidth === 0) { broken++; img.setAttribute("data-broken", "true"); } });
  document.documentElement.setAttribute("data-images", String(images.length));
  document.documentElement.setAttribute("data-broken-images", String(broken));
});
"#;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 0.005 {
        thousands(x.round().abs() as u64).to_string()
    } else {
        format!("{x:.2}")
    }
}

pub fn page(plan: &Plan, charts: &[Drawn]) -> String {
    let first = plan.periods.first().map_or("-", String::as_str);
    let last = plan.periods.last().map_or("-", String::as_str);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Capacity plan {first}–{last} · headroom</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n"
    );
    let machines: u64 = plan.orders.iter().map(|o| o.count as u64).sum();
    let clusters: BTreeSet<&str> = plan.orders.iter().map(|o| o.cluster.as_str()).collect();
    let gap = if plan.solver.mip_gap > 0.0 { format!(", within {:.2} % of optimal", plan.solver.mip_gap * 100.0) } else { String::new() };
    let mode = match plan.mode {
        Mode::Strict => "strict",
        Mode::BestEffort => "best effort",
    };
    let _ = writeln!(out, "<header>\n<h1>Capacity plan {first} – {last}</h1>");
    let _ = writeln!(
        out,
        "<p class=\"sub\">{} period{} · {} mode · solved by {} ({}{gap}) · inputs <code>{}</code></p>",
        plan.periods.len(),
        if plan.periods.len() == 1 { "" } else { "s" },
        mode,
        esc(&plan.solver.backend),
        esc(&plan.solver.status),
        esc(plan.inputs_digest.get(..12).unwrap_or(&plan.inputs_digest))
    );
    let _ = writeln!(out, "<div class=\"figures\">");
    for (value, label) in [
        (money(plan.cost.total), "cost over the horizon".to_owned()),
        (money(plan.cost.capital), "capital: machines ordered".to_owned()),
        (money(plan.cost.running), "running: the whole fleet".to_owned()),
        (thousands(machines), format!("machines ordered in {} cluster{}", clusters.len(), if clusters.len() == 1 { "" } else { "s" })),
    ] {
        let _ = writeln!(out, "<div class=\"figure\"><b>{}</b><span>{}</span></div>", esc(&value), esc(&label));
    }
    let _ = writeln!(out, "</div>");
    let _ = writeln!(out, "<nav><a href=\"#orders\">Orders</a><a href=\"#services\">Services</a><a href=\"#regions\">Regions</a><a href=\"#clusters\">Clusters</a><a href=\"#cost\">Cost</a></nav>\n</header>\n<main>");

    if !plan.unmet.is_empty() {
        let services: BTreeSet<&str> = plan.unmet.iter().map(|u| u.service.as_str()).collect();
        let _ = writeln!(
            out,
            "<section class=\"alert\" id=\"unmet\">\n<h2>⚠ Unmet demand: {} service{} not fully served</h2>",
            services.len(),
            if services.len() == 1 { " is" } else { "s are" }
        );
        let _ = writeln!(
            out,
            "<table>\n<tr><th>service</th><th>demand from</th><th>period</th><th class=\"n\">demand</th><th class=\"n\">unmet</th></tr>"
        );
        for u in &plan.unmet {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&u.service),
                esc(&u.origin.to_string()),
                esc(&u.period),
                num(u.demand),
                num(u.unmet)
            );
        }
        let _ = writeln!(out, "</table>");
        explanations(&mut out, plan);
        let _ = writeln!(out, "</section>");
    } else if !plan.explanations.is_empty() {
        let _ = writeln!(out, "<section class=\"alert\">\n<h2>Explanations</h2>");
        explanations(&mut out, plan);
        let _ = writeln!(out, "</section>");
    } else {
        let _ = writeln!(out, "<p class=\"ok\">Every intent is met in every period.</p>");
    }

    let _ = writeln!(out, "<h2 id=\"orders\">Orders</h2>");
    if plan.orders.is_empty() && plan.in_flight.is_empty() {
        let _ = writeln!(out, "<p>No machines to order: the existing fleet serves the horizon.</p>");
    } else {
        let _ = writeln!(
            out,
            "<table>\n<tr><th>placed</th><th>serving from</th><th>cluster</th><th>machine type</th><th class=\"n\">machines</th></tr>"
        );
        for o in &plan.in_flight {
            let _ = writeln!(
                out,
                "<tr><td>{} (in flight)</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&o.placed),
                esc(&o.arrives),
                esc(&o.cluster),
                esc(&o.machine_type),
                o.count
            );
        }
        for o in &plan.orders {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&o.placed),
                esc(&o.arrives),
                esc(&o.cluster),
                esc(&o.machine_type),
                o.count
            );
        }
        let _ = writeln!(out, "</table>");
    }

    for (section, title, note) in [
        ("services", "Services", "Demand stacked (organic, inorganic, induced by dependents) against the capacity that survives the loss of the service's k largest failure domains, and raw capacity. Green: headroom; red: unmet."),
        ("regions", "Regions", "How much more growth of each region's users the plan's fleet can absorb (orders fixed, placements free), as a share of that demand: organic (the forecast trend) and inorganic (launch events)."),
        ("clusters", "Clusters", "Power and space against their caps; machines by type, with the arrival of orders marked."),
        ("cost", "Cost", "Capital and running cost per period, shared out by each team's share of the resources allocated."),
    ] {
        let _ = writeln!(out, "<h2 id=\"{section}\">{title}</h2>\n<p class=\"sub\">{}</p>", esc(note));
        if section == "regions" && plan.growth.iter().any(|g| g.at_least) {
            let _ = writeln!(out, "<p>Growth headroom here is bounded, not measured: the organisation was too large to measure it exactly. Solid lines are lower bounds (each region's new demand placed in the room the plan leaves, the other placements held: the fleet absorbs at least this much), dashed lines, where every intent must be met, upper bounds (from the whole fleet's capacity: it absorbs no more). The largest growth lies between them.</p>");
        }
        for d in charts.iter().filter(|d| d.section == section) {
            let data = base64::engine::general_purpose::STANDARD.encode(&d.png);
            let _ = writeln!(
                out,
                "<figure id=\"{stem}\"><img src=\"data:image/png;base64,{data}\" width=\"{w}\" height=\"{h}\" alt=\"{title}\"><figcaption>As a file: <a href=\"charts/{stem}.svg\">SVG</a> · <a href=\"charts/{stem}.png\">PNG</a></figcaption></figure>",
                stem = d.stem,
                w = crate::WIDTH,
                h = crate::HEIGHT,
                title = esc(&d.title)
            );
        }
    }
    if section_is_empty(charts, "regions") {
        let _ = writeln!(out, "<p>This plan has no growth headroom: it was made by a headroom older than plan format 1.1.</p>");
    }

    if !plan.shadow_prices.is_empty() {
        let _ = writeln!(out, "<h2 id=\"shadow-prices\">What a limit costs</h2>\n<p class=\"sub\">Shadow prices: what one more unit of a binding limit would save over the horizon.</p>");
        let _ = writeln!(out, "<table>\n<tr><th>cluster</th><th>limit</th><th>period</th><th class=\"n\">saves per unit</th></tr>");
        for s in &plan.shadow_prices {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&s.cluster),
                esc(&s.limit),
                esc(&s.period),
                esc(&money(s.value))
            );
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(out, "</main>\n<footer><p>Made by headroom from plan format {}. Charts: SVG and PNG files in <code>charts/</code>.</p></footer>\n</body>\n</html>", esc(&plan.format_version));
    out
}

fn section_is_empty(charts: &[Drawn], section: &str) -> bool {
    !charts.iter().any(|d| d.section == section)
}

fn explanations(out: &mut String, plan: &Plan) {
    if plan.explanations.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>Why</h3>\n<ul>");
    for e in &plan.explanations {
        let _ = write!(out, "<li><b>{}</b> ({}–{}): {}", esc(&e.service), esc(&e.from), esc(&e.to), esc(&e.message));
        if !e.fixes.is_empty() {
            let _ = write!(out, "<ul>");
            for fix in &e.fixes {
                let _ = write!(out, "<li>fix: {}</li>", esc(fix));
            }
            let _ = write!(out, "</ul>");
        }
        let _ = writeln!(out, "</li>");
    }
    let _ = writeln!(out, "</ul>");
}
