//! A diff for people: markdown for a pull-request comment, text (coloured
//! on a terminal) for a shell.

use std::fmt::Write;

use crate::{money, percent_change, plural, thousands, Change, Diff, Span};

/// Sections longer than this many lines are folded in `<details>`.
const FOLD_AFTER: usize = 12;

/// One line per changed order.
fn order_lines(d: &Diff) -> Vec<(Change, String)> {
    d.orders
        .iter()
        .map(|o| {
            let count = match o.change {
                Change::Added => format!("{}", o.new),
                Change::Removed => format!("{}", o.old),
                Change::Changed => format!("{} → {}", o.old, o.new),
            };
            (
                o.change,
                format!("{} {:<8} {:<20} {:<16} {count} (arrive {})", o.change.sign(), o.placed, o.cluster, o.machine_type, o.arrives),
            )
        })
        .collect()
}

fn placement_lines(d: &Diff) -> Vec<(Change, String)> {
    d.placements.iter().map(|p| (p.change, format!("{} {:<20} {:<20} {}", p.change.sign(), p.service, p.cluster, span(&p.span)))).collect()
}

fn demand_lines(d: &Diff) -> Vec<(Change, String)> {
    d.demand
        .iter()
        .map(|c| {
            let change = if c.span.new > c.span.old { Change::Added } else { Change::Removed };
            (change, format!("{} {:<20} {}", change.sign(), c.service, span(&c.span)))
        })
        .collect()
}

/// "2027Q2–2027Q4: 120 → 150 (+30 in 2027Q3)".
fn span(s: &Span) -> String {
    let delta = s.new - s.old;
    format!(
        "{}: {} → {} ({}{} in {})",
        range(&s.from, &s.to),
        units(s.old),
        units(s.new),
        if delta >= 0.0 { "+" } else { "-" },
        units(delta.abs()),
        s.peak
    )
}

/// "2027Q2–2027Q4", or one period.
fn range(from: &str, to: &str) -> String {
    if from == to {
        from.to_owned()
    } else {
        format!("{from}–{to}")
    }
}

/// Amounts of demand or capacity: whole numbers with thousands separators
/// from 100 up, one decimal below.
fn units(x: f64) -> String {
    let sign = if x < -0.05 { "-" } else { "" };
    let a = x.abs();
    if a >= 100.0 || (a - a.round()).abs() < 0.05 {
        format!("{sign}{}", thousands(a.round() as u64))
    } else {
        format!("{sign}{a:.1}")
    }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn totals_rows(d: &Diff) -> Vec<[String; 4]> {
    let (o, n) = (&d.old, &d.new);
    let money_delta = |a: f64, b: f64| {
        let delta = b - a;
        if delta.abs() < 0.5 {
            "±0".to_owned()
        } else {
            format!("{}{} ({})", if delta > 0.0 { "+" } else { "-" }, money(delta.abs()), percent_change(a, b))
        }
    };
    let count_delta = |a: f64, b: f64| {
        let delta = b - a;
        if delta.abs() < 1e-9 {
            "±0".to_owned()
        } else {
            format!("{}{}", if delta > 0.0 { "+" } else { "-" }, units(delta.abs()))
        }
    };
    vec![
        ["Cost over the horizon".into(), money(o.cost), money(n.cost), money_delta(o.cost, n.cost)],
        ["Capital (orders)".into(), money(o.capital), money(n.capital), money_delta(o.capital, n.capital)],
        ["Running (fleet)".into(), money(o.running), money(n.running), money_delta(o.running, n.running)],
        [
            "Machines ordered".into(),
            thousands(o.machines_ordered),
            thousands(n.machines_ordered),
            count_delta(o.machines_ordered as f64, n.machines_ordered as f64),
        ],
        ["Unmet demand (units)".into(), units(o.unmet), units(n.unmet), count_delta(o.unmet, n.unmet)],
    ]
}

/// Markdown for a pull-request comment: the summary as a heading, totals,
/// then each section, long ones folded.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### headroom: {}\n", d.summary);
    if !d.changed {
        return out;
    }
    if !d.newly_unmet.is_empty() {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> {} intent{} newly unmet: demand the new plan does not serve.\n",
            d.newly_unmet.len(),
            if d.newly_unmet.len() == 1 { " is" } else { "s are" }
        );
    }
    out.push_str("| | before | after | change |\n|:--|--:|--:|--:|\n");
    for row in totals_rows(d) {
        let _ = writeln!(out, "| {} | {} | {} | {} |", row[0], row[1], row[2], row[3]);
    }
    out.push('\n');
    if !d.same_periods {
        out.push_str("> The plans cover different periods; orders and placements are compared by period name.\n\n");
    }
    if !d.newly_unmet.is_empty() {
        out.push_str("#### Newly unmet intents\n\n");
        for u in &d.newly_unmet {
            let _ = writeln!(
                out,
                "- **{}** ({}), {}: up to {} units unmet",
                escape(&u.service),
                escape(&u.origin.to_string()),
                range(&u.from, &u.to),
                units(u.unmet)
            );
            for e in &u.explanations {
                let _ = writeln!(out, "  - {}", escape(e));
            }
        }
        out.push('\n');
    }
    section(&mut out, &format!("Orders ({} changed)", d.orders.len()), &order_lines(d));
    section(&mut out, &format!("Demand ({} service{} changed)", d.demand.len(), plural(d.demand.len() as u64)), &demand_lines(d));
    let services = d.placements.iter().map(|p| p.service.as_str()).collect::<std::collections::BTreeSet<_>>().len();
    section(
        &mut out,
        &format!(
            "Placements moved ({} service{}, {} cluster placement{})",
            services,
            plural(services as u64),
            d.placements.len(),
            plural(d.placements.len() as u64)
        ),
        &placement_lines(d),
    );
    if !d.headroom.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Headroom below threshold ({} row{})</summary>\n",
            d.headroom.len(),
            plural(d.headroom.len() as u64)
        );
        out.push_str("| service | period | before | after |\n|:--|:--|--:|--:|\n");
        for h in &d.headroom {
            let _ = writeln!(out, "| {} | {} | {} | {} |", escape(&h.service), h.period, pct(h.old), pct(h.new));
        }
        out.push_str("\n</details>\n\n");
    }
    if !d.now_met.is_empty() {
        out.push_str("#### Intents now met\n\n");
        for u in &d.now_met {
            let _ = writeln!(out, "- **{}** ({}), {}", escape(&u.service), escape(&u.origin.to_string()), range(&u.from, &u.to));
        }
        out.push('\n');
    }
    out
}

/// A `diff` code block (GitHub colours `+` and `-` lines), folded when long.
fn section(out: &mut String, title: &str, lines: &[(Change, String)]) {
    if lines.is_empty() {
        return;
    }
    let fold = lines.len() > FOLD_AFTER;
    if fold {
        let _ = writeln!(out, "<details><summary>{title}</summary>\n");
    } else {
        let _ = writeln!(out, "#### {title}\n");
    }
    out.push_str("```diff\n");
    for (_, line) in lines {
        out.push_str(&code_line(line));
        out.push('\n');
    }
    out.push_str("```\n");
    if fold {
        out.push_str("\n</details>\n");
    }
    out.push('\n');
}

/// Text for a terminal: `+` green, `-` red, `~` yellow when `color`.
pub fn human(d: &Diff, color: bool) -> String {
    let paint = |change: Change, text: &str| -> String {
        if !color {
            return text.to_owned();
        }
        let code = match change {
            Change::Added => "32",
            Change::Removed => "31",
            Change::Changed => "33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let bold = |text: &str| if color { format!("\x1b[1m{text}\x1b[0m") } else { text.to_owned() };
    let mut out = String::new();
    let _ = writeln!(out, "{}", bold(&d.summary));
    if !d.changed {
        return out;
    }
    out.push('\n');
    for row in totals_rows(d) {
        let _ = writeln!(out, "  {:<24} {:>14} → {:<14} {}", row[0], row[1], row[2], row[3]);
    }
    if !d.same_periods {
        out.push_str("\nnote: the plans cover different periods; orders and placements are compared by period name\n");
    }
    for u in &d.newly_unmet {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                Change::Removed,
                &format!("newly unmet: {} ({}), {}: up to {} units", u.service, u.origin, range(&u.from, &u.to), units(u.unmet))
            )
        );
        for e in &u.explanations {
            let _ = writeln!(out, "  {e}");
        }
    }
    for (title, lines) in [("Orders", order_lines(d)), ("Demand", demand_lines(d)), ("Placements moved", placement_lines(d))] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", bold(title));
        for (change, line) in lines {
            let _ = writeln!(out, "  {}", paint(change, &line));
        }
    }
    if !d.headroom.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Headroom below threshold"));
        for h in &d.headroom {
            let _ = writeln!(out, "  {} {}: {} → {}", h.service, h.period, pct(h.old), pct(h.new));
        }
    }
    for u in &d.now_met {
        let _ = writeln!(out, "\n{}", paint(Change::Added, &format!("now met: {} ({}), {}", u.service, u.origin, range(&u.from, &u.to))));
    }
    out
}

/// Names and messages are safe in a table cell or list item: one line, no
/// HTML, links or images. Names are restricted at load to a set that needs
/// none of this; the renderer escapes anyway, since a plan file can come
/// from anywhere.
fn escape(text: &str) -> String {
    one_line(text).replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace('[', "\\[").replace(']', "\\]")
}

/// A line that stays inside a code block: no line break, no backtick that
/// could close the fence.
fn code_line(text: &str) -> String {
    one_line(text).replace('`', "'")
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name from a hand-made plan cannot end the code block or the list
    /// item it is in, nor start a link, an image or HTML.
    #[test]
    fn text_from_a_plan_cannot_break_out_of_its_markdown() {
        let hostile = "svc\n```\n# Approved ![x](https://e.invalid/a.png) <img src=x> | [link](https://e.invalid)\r\n";
        let item = escape(hostile);
        assert!(!item.contains('\n') && !item.contains('\r'), "{item}");
        for markup in ["<img", "[x](", "[link](", " | "] {
            assert!(!item.contains(markup), "{markup} in {item}");
        }
        let line = code_line(hostile);
        assert!(!line.contains('\n') && !line.contains('`'), "{line}");
        let mut out = String::new();
        section(&mut out, "Orders", &[(Change::Added, format!("+ 1 × std in {hostile}"))]);
        assert_eq!(out.matches("```").count(), 2, "one fence opened and closed:\n{out}");
    }
}
