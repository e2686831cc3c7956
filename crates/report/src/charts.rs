//! The charts, drawn once for any plotters backend: SVG for the files,
//! a bitmap for the PNG files and the page.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::{ClusterSeries, Data, RegionSeries, ServiceSeries};

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 440;

/// The font family the charts ask for; registered with the font shipped in
/// the `dejavu` crate (see [`crate::register_fonts`]).
pub const FONT: &str = "sans-serif";

type Result<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

// Colours: a colour-blind-safe palette (Okabe–Ito).
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const RED: RGBColor = RGBColor(200, 30, 30);
const GREY: RGBColor = RGBColor(90, 90, 90);
const PALETTE: [RGBColor; 6] = [BLUE, ORANGE, GREEN, PURPLE, RGBColor(86, 180, 233), RGBColor(240, 228, 66)];

/// One chart of the report.
#[derive(Clone, Copy, Debug)]
pub enum Chart<'d> {
    Service(&'d ServiceSeries),
    Region(&'d RegionSeries),
    ClusterPowerSpace(&'d ClusterSeries),
    ClusterMachines(&'d ClusterSeries),
    Cost,
}

impl Chart<'_> {
    /// File name, without extension.
    pub fn file_stem(&self) -> String {
        match self {
            Chart::Service(s) => format!("service-{}", slug(&s.name)),
            Chart::Region(r) => format!("region-{}", slug(&r.name)),
            Chart::ClusterPowerSpace(c) => format!("cluster-{}-power-space", slug(&c.name)),
            Chart::ClusterMachines(c) => format!("cluster-{}-machines", slug(&c.name)),
            Chart::Cost => "cost-by-team".to_owned(),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Chart::Service(s) => {
                let team = if s.team.is_empty() { String::new() } else { format!(" ({})", s.team) };
                let redundancy = if s.redundancy.is_empty() { String::new() } else { format!(", {}", s.redundancy) };
                format!("{}{team}: demand and capacity{redundancy}", s.name)
            }
            Chart::Region(r) => format!("{}: growth the plan's fleet can absorb", r.name),
            Chart::ClusterPowerSpace(c) => format!("{}: power and space against their caps", c.name),
            Chart::ClusterMachines(c) => format!("{}: machines by type, order arrivals marked", c.name),
            Chart::Cost => "Cost per period by team".to_owned(),
        }
    }

    pub fn draw<DB: DrawingBackend>(&self, data: &Data, root: &DrawingArea<DB, Shift>) -> Result<DB> {
        root.fill(&WHITE)?;
        let titled = root.titled(&self.title(), (FONT, 22).into_font().style(FontStyle::Bold))?;
        match self {
            Chart::Service(s) => service(data, s, &titled),
            Chart::Region(r) => region(data, r, &titled),
            Chart::ClusterPowerSpace(c) => power_space(data, c, &titled),
            Chart::ClusterMachines(c) => machines(data, c, &titled),
            Chart::Cost => cost(data, &titled),
        }?;
        root.present()
    }
}

/// A name safe in a file name: lowercase letters, digits and `-`.
pub fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if s.is_empty() {
        "unnamed".to_owned()
    } else {
        s
    }
}

/// Axis numbers people read at a glance: 1.2M, 350k, 12, 0.5.
pub fn si(x: f64) -> String {
    let a = x.abs();
    let (value, suffix) = if a >= 1e9 {
        (x / 1e9, "G")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let text = if value.fract().abs() < 1e-9 { format!("{value:.0}") } else { format!("{value:.1}") };
    format!("{text}{suffix}")
}

/// The top of the y axis: the largest value, with room above it for a
/// legend of `legend_rows` rows so that the legend covers no data.
fn top(values: impl Iterator<Item = f64>, legend_rows: usize) -> f64 {
    let max = values.filter(|v| v.is_finite()).fold(0.0, f64::max);
    // The plotting area is about 330 px high; a legend row takes 20 px.
    let free = 1.0 - ((legend_rows as f64 * 20.0 + 24.0) / 330.0).min(0.6);
    if max > 0.0 {
        max / free
    } else {
        1.0
    }
}

type Period = SegmentValue<i32>;

fn at(t: usize) -> Period {
    SegmentValue::CenterOf(t as i32)
}

/// A chart over the periods, with the mesh and axis descriptions drawn.
fn frame<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    data: &'a Data,
    y_max: f64,
    y_desc: &str,
    y_format: &'a dyn Fn(&f64) -> String,
) -> std::result::Result<Cart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    // A segmented range has one segment per value, both ends included.
    let last = data.periods.len().max(1) as i32 - 1;
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d((0..last).into_segmented(), 0.0..y_max)?;
    let periods = &data.periods;
    // Period names are about 60 px wide: label every `step`-th so that
    // they never run into each other.
    let width_per_period = area.dim_in_pixel().0.saturating_sub(100) as f64 / periods.len().max(1) as f64;
    let step = (75.0 / width_per_period.max(1.0)).ceil().max(1.0) as usize;
    let label = move |v: &Period| match v {
        SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(step) => periods.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .x_labels(periods.len().max(1))
        .x_label_formatter(&label)
        .y_label_formatter(y_format)
        .x_desc("period")
        .y_desc(y_desc)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()?;
    Ok(chart)
}

type Cart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordi32>, plotters::coord::types::RangedCoordf64>,
>;

/// The area between two series, from period to period.
/// With one period there is no area between points: the band is a bar.
fn band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Cart<'a, DB>,
    lower: &[f64],
    upper: &[f64],
    style: ShapeStyle,
    label: Option<&str>,
) -> Result<DB> {
    let series = if upper.len() == 1 {
        let mut bar = Rectangle::new([(SegmentValue::Exact(0), lower[0]), (SegmentValue::Last, upper[0])], style);
        bar.set_margin(0, 0, 200, 200);
        chart.draw_series(std::iter::once(bar))?
    } else {
        let mut points: Vec<(Period, f64)> = upper.iter().enumerate().map(|(t, &y)| (at(t), y)).collect();
        points.extend(lower.iter().enumerate().rev().map(|(t, &y)| (at(t), y)));
        chart.draw_series(std::iter::once(Polygon::new(points, style)))?
    };
    if let Some(label) = label {
        series.label(label).legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], style));
    }
    Ok(())
}

fn line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Cart<'a, DB>,
    values: &[Option<f64>],
    style: ShapeStyle,
    label: &str,
    dashed: bool,
) -> Result<DB> {
    // A line through each run of periods that have a value.
    let mut runs: Vec<Vec<(Period, f64)>> = vec![Vec::new()];
    for (t, v) in values.iter().enumerate() {
        match v {
            Some(y) => runs.last_mut().unwrap().push((at(t), *y)),
            None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
            None => {}
        }
    }
    let mut first = true;
    for run in runs.into_iter().filter(|r| !r.is_empty()) {
        let annotated = if dashed {
            chart.draw_series(DashedLineSeries::new(run.clone(), 8, 5, style))?
        } else {
            chart.draw_series(LineSeries::new(run.clone(), style))?
        };
        if first {
            annotated.label(label).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
            first = false;
        }
        chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, style.filled())))?;
    }
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Cart<'a, DB>, position: SeriesLabelPosition) -> Result<DB> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 14))
        .draw()
}

fn some(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|&v| Some(v)).collect()
}

/// Organic, inorganic and induced demand stacked, against survivable and
/// raw capacity; headroom (survivable above demand) shaded green, unmet
/// demand (below) red.
fn service<DB: DrawingBackend>(data: &Data, s: &ServiceSeries, area: &DrawingArea<DB, Shift>) -> Result<DB> {
    let n = data.periods.len();
    let demand: Vec<f64> = (0..n).map(|t| s.demand(t)).collect();
    let layers = 4
        + s.inorganic.iter().any(|&v| v > 0.0) as usize
        + s.induced.iter().any(|&v| v > 0.0) as usize
        + s.unmet.iter().any(|&v| v > 0.0) as usize;
    let y_max = top(demand.iter().chain(&s.capacity).chain(&s.survivable).copied(), layers);
    let unit = if s.unit.is_empty() { "units of demand".to_owned() } else { s.unit.clone() };
    let format = |y: &f64| si(*y);
    let mut chart = frame(area, data, y_max, &unit, &format)?;
    let zero = vec![0.0; n];
    let organic = s.organic.clone();
    let with_inorganic: Vec<f64> = (0..n).map(|t| organic[t] + s.inorganic[t]).collect();
    band(&mut chart, &zero, &organic, BLUE.mix(0.55).filled(), Some("organic demand"))?;
    if s.inorganic.iter().any(|&v| v > 0.0) {
        band(&mut chart, &organic, &with_inorganic, ORANGE.mix(0.6).filled(), Some("inorganic demand (launches)"))?;
    }
    if s.induced.iter().any(|&v| v > 0.0) {
        band(&mut chart, &with_inorganic, &demand, PURPLE.mix(0.5).filled(), Some("induced by dependents"))?;
    }
    let above: Vec<f64> = (0..n).map(|t| s.survivable[t].max(demand[t])).collect();
    band(&mut chart, &demand, &above, GREEN.mix(0.25).filled(), Some("headroom"))?;
    if s.unmet.iter().any(|&v| v > 0.0) {
        let served: Vec<f64> = (0..n).map(|t| demand[t] - s.unmet[t]).collect();
        band(&mut chart, &served, &demand, RED.mix(0.75).filled(), Some("unmet demand"))?;
    }
    line(&mut chart, &some(&s.survivable), GREEN.stroke_width(3), "survivable capacity (after losing k domains)", false)?;
    line(&mut chart, &some(&s.capacity), GREY.stroke_width(2), "raw capacity", true)?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// Organic and inorganic growth headroom of a region, as a share.
fn region<DB: DrawingBackend>(data: &Data, r: &RegionSeries, area: &DrawingArea<DB, Shift>) -> Result<DB> {
    let all = || r.organic.iter().chain(&r.inorganic).chain(&r.organic_at_most).chain(&r.inorganic_at_most).flatten();
    let values = all().map(|v| v * 100.0);
    // Shares at the cap mean "at least": show up to twice the largest
    // below it, so the rest stays readable.
    let below_cap = all().filter(|&&v| v < r.cap - 1e-9).map(|v| v * 100.0).fold(0.0, f64::max);
    let y_max = if below_cap > 0.0 { (below_cap * 2.0).min(top(values, 2)) } else { top(values, 2) };
    let format = |y: &f64| format!("{y:.0} %");
    let label = if r.at_least {
        "growth it can absorb, at least and at most (% of that demand)"
    } else {
        "growth it can absorb (% of that demand)"
    };
    let mut chart = frame(area, data, y_max, label, &format)?;
    let pct = |v: &[Option<f64>]| -> Vec<Option<f64>> { v.iter().map(|x| x.map(|x| (x * 100.0).min(y_max))).collect() };
    line(&mut chart, &pct(&r.organic), BLUE.stroke_width(3), "organic growth (forecast trend)", false)?;
    line(&mut chart, &pct(&r.inorganic), ORANGE.stroke_width(3), "inorganic growth (launch events)", false)?;
    // Where the values are lower bounds, their upper bounds, dashed.
    if r.organic_at_most.iter().any(Option::is_some) {
        line(&mut chart, &pct(&r.organic_at_most), BLUE.stroke_width(2), "organic growth, at most", true)?;
    }
    if r.inorganic_at_most.iter().any(Option::is_some) {
        line(&mut chart, &pct(&r.inorganic_at_most), ORANGE.stroke_width(2), "inorganic growth, at most", true)?;
    }
    // Growth is measured up to the cap, and the chart may clip it lower:
    // such points are "at least" that much.
    let n = data.periods.len().max(1);
    let at_least: Vec<(Period, f64, String)> = r
        .organic
        .iter()
        .chain(&r.inorganic)
        .enumerate()
        .filter_map(|(i, v)| {
            let x = (*v)?;
            if x >= r.cap - 1e-9 {
                Some((at(i % n), (x * 100.0).min(y_max), format!("≥ {:.0} %", r.cap * 100.0)))
            } else if x * 100.0 > y_max {
                Some((at(i % n), y_max, format!("{:.0} %", x * 100.0)))
            } else {
                None
            }
        })
        .collect();
    chart.draw_series(
        at_least.into_iter().map(|(p, y, text)| EmptyElement::at((p, y)) + Text::new(text, (8, -4), (FONT, 13).into_font().color(&GREY))),
    )?;
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// Power and space use against their caps, side by side.
fn power_space<DB: DrawingBackend>(data: &Data, c: &ClusterSeries, area: &DrawingArea<DB, Shift>) -> Result<DB> {
    let halves = area.split_evenly((1, 2));
    {
        let y_max = top(c.power_kw.iter().chain(&c.power_cap_kw).copied(), 2);
        let format = |y: &f64| si(*y);
        let mut chart = frame(&halves[0], data, y_max, "power (kW)", &format)?;
        line(&mut chart, &some(&c.power_kw), BLUE.stroke_width(3), "power drawn", false)?;
        line(&mut chart, &some(&c.power_cap_kw), RED.stroke_width(2), "power cap", true)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    }
    let y_max = top(c.machines.iter().chain(&c.space_cap).copied(), 2);
    let format = |y: &f64| si(*y);
    let mut chart = frame(&halves[1], data, y_max, "machine slots", &format)?;
    line(&mut chart, &some(&c.machines), BLUE.stroke_width(3), "machines", false)?;
    line(&mut chart, &some(&c.space_cap), RED.stroke_width(2), "space cap", true)?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// Machines by type, stacked, with order arrivals marked.
fn machines<DB: DrawingBackend>(data: &Data, c: &ClusterSeries, area: &DrawingArea<DB, Shift>) -> Result<DB> {
    let n = data.periods.len();
    let y_max = top(c.machines.iter().copied(), c.by_type.len() + 1);
    let format = |y: &f64| si(*y);
    let mut chart = frame(area, data, y_max, "machines", &format)?;
    let mut lower = vec![0.0; n];
    for (i, (name, series)) in c.by_type.iter().enumerate() {
        let upper: Vec<f64> = (0..n).map(|t| lower[t] + series[t]).collect();
        band(&mut chart, &lower, &upper, PALETTE[i % PALETTE.len()].mix(0.6).filled(), Some(name))?;
        lower = upper;
    }
    let arrivals: Vec<(Period, f64, u32)> = (0..n).filter(|&t| c.arrivals[t] > 0).map(|t| (at(t), lower[t], c.arrivals[t])).collect();
    if !arrivals.is_empty() {
        chart
            .draw_series(arrivals.into_iter().map(|(p, y, count)| {
                EmptyElement::at((p, y))
                    + TriangleMarker::new((0, -8), 7, RED.filled())
                    + Text::new(format!("+{count}"), (-10, -34), (FONT, 14).into_font().color(&RED))
            }))?
            .label("order arrives (+machines)")
            .legend(|(x, y)| TriangleMarker::new((x + 9, y), 6, RED.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// Cost per period, stacked by team.
fn cost<DB: DrawingBackend>(data: &Data, area: &DrawingArea<DB, Shift>) -> Result<DB> {
    let n = data.periods.len();
    let totals: Vec<f64> = (0..n).map(|t| data.team_cost.iter().map(|(_, v)| v[t]).sum()).collect();
    let y_max = top(totals.iter().copied(), data.team_cost.len());
    let format = |y: &f64| format!("${}", si(*y));
    let mut chart = frame(area, data, y_max, "cost (USD)", &format)?;
    let mut lower = vec![0.0; n];
    for (i, (team, series)) in data.team_cost.iter().enumerate() {
        let style = PALETTE[i % PALETTE.len()].mix(0.8).filled();
        let bars: Vec<Rectangle<(Period, f64)>> = (0..n)
            .map(|t| {
                let (x0, x1) = (SegmentValue::Exact(t as i32), SegmentValue::Exact(t as i32 + 1));
                let mut bar = Rectangle::new([(x0, lower[t]), (x1, lower[t] + series[t])], style);
                bar.set_margin(0, 0, 10, 10);
                bar
            })
            .collect();
        chart.draw_series(bars)?.label(team.as_str()).legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], style));
        for t in 0..n {
            lower[t] += series[t];
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}
