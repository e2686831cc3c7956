//! The report of a plan for a planning meeting: a self-contained
//! `index.html` (charts inlined, no network) and every chart as SVG and
//! PNG. This is the only crate that knows plotters.
//!
//! Charts draw text with DejaVu Sans, shipped in the `dejavu` crate and
//! registered with plotters' `ab_glyph` text: they look the same on a
//! machine with no fonts installed. The page shows the PNGs (their text is
//! already drawn); the SVG files are for slides and zooming.

mod charts;
mod data;
mod html;

use std::sync::OnceLock;

use headroom_plan::Plan;
use plotters::prelude::*;

use charts::{Chart, HEIGHT, WIDTH};
use data::Data;

/// A rendered file: its path inside the report directory, and contents.
pub type File = (String, Vec<u8>);

/// Why a report could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn register_fonts() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        let regular = plotters::style::register_font(charts::FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok();
        let bold = plotters::style::register_font(charts::FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        regular && bold
    });
    if ok {
        Ok(())
    } else {
        Err(Error("the shipped font could not be read".into()))
    }
}

/// The charts of a plan, in the order the page shows them.
fn charts(data: &Data) -> Vec<Chart<'_>> {
    let mut out = Vec::new();
    out.extend(data.services.iter().map(Chart::Service));
    out.extend(data.regions.iter().map(Chart::Region));
    for c in &data.clusters {
        out.push(Chart::ClusterPowerSpace(c));
        out.push(Chart::ClusterMachines(c));
    }
    if !data.team_cost.is_empty() {
        out.push(Chart::Cost);
    }
    out
}

/// A drawn chart, in both formats.
pub struct Drawn {
    /// The file name without extension.
    pub stem: String,
    /// The chart's title.
    pub title: String,
    /// The section of the page it belongs in.
    pub section: &'static str,
    /// The chart as SVG.
    pub svg: String,
    /// The chart as PNG.
    pub png: Vec<u8>,
}

fn draw(chart: &Chart, data: &Data) -> Result<Drawn, Error> {
    let fail = |what: &str, e: &dyn std::fmt::Debug| Error(format!("drawing {} ({what}): {e:?}", chart.file_stem()));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(data, &root).map_err(|e| fail("svg", &e))?;
    }
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(data, &root).map_err(|e| fail("png", &e))?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| fail("png", &e))?;
        writer.write_image_data(&pixels).map_err(|e| fail("png", &e))?;
    }
    let section = match chart {
        Chart::Service(_) => "services",
        Chart::Region(_) => "regions",
        Chart::ClusterPowerSpace(_) | Chart::ClusterMachines(_) => "clusters",
        Chart::Cost => "cost",
    };
    Ok(Drawn { stem: chart.file_stem(), title: chart.title(), section, svg, png })
}

/// Renders the report: `index.html`, `charts/NAME.svg` and `charts/NAME.png`.
pub fn render(plan: &Plan) -> Result<Vec<File>, Error> {
    register_fonts()?;
    let data = Data::of(plan);
    let mut drawn = Vec::new();
    let mut stems = std::collections::BTreeSet::new();
    for chart in charts(&data) {
        let mut d = draw(&chart, &data)?;
        // Names that differ only in punctuation share a slug: number them.
        let mut stem = d.stem.clone();
        let mut i = 2;
        while !stems.insert(stem.clone()) {
            stem = format!("{}-{i}", d.stem);
            i += 1;
        }
        d.stem = stem;
        drawn.push(d);
    }
    let mut files = vec![("index.html".to_owned(), html::page(plan, &drawn).into_bytes())];
    for d in drawn {
        files.push((format!("charts/{}.svg", d.stem), d.svg.into_bytes()));
        files.push((format!("charts/{}.png", d.stem), d.png));
    }
    Ok(files)
}
