//! Loading and validation: reads an organisation's intents and topology
//! (RON) and demand forecasts (CSV, Parquet) into the model, and reports
//! every problem with the place it was written.
//!
//! This is the only crate that knows RON and polars. It parses RON with
//! its own spanned parser (`ron.rs`) so that semantic errors,
//! not only syntax errors, point at the offending token.

mod decode;
mod forecast;
mod raw;
mod resolve;
mod ron;
mod scenario;
mod validate;

use std::path::{Path, PathBuf};

use headroom_diag::{Diagnostic, Diagnostics, SourceMap};
use headroom_model::{Organisation, SourceId};

pub use forecast::{columns, frame_bytes, is_csv, is_parquet, Column, LoadedForecast};
pub use scenario::load_scenarios;

/// What to load.
#[derive(Clone, Debug)]
pub struct Options {
    /// The directory that holds `topology/`, `intents/` and `data/`.
    pub root: PathBuf,
    /// Forecast files to read instead of `data/forecast*.{csv,parquet}`.
    pub forecasts: Vec<PathBuf>,
}

impl Options {
    /// The organisation at `root`, with its own forecasts.
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options { root: root.into(), forecasts: Vec::new() }
    }
}

/// The result of loading: the organisation if there was no error, and
/// every diagnostic (sorted) with the files they point into.
#[derive(Debug)]
pub struct Loaded {
    /// Every file read, for diagnostics to point into.
    pub sources: SourceMap,
    /// Every problem found, sorted.
    pub diagnostics: Diagnostics,
    /// The organisation; `None` if there was any error.
    pub org: Option<Organisation>,
    /// The directory read, as given (`Options::root`).
    pub root: PathBuf,
}

impl Loaded {
    /// SHA-256 over the name and bytes of every input file, in order: the
    /// same inputs give the same digest on any machine. A file under the
    /// root is named by its path from the root, so that however the root
    /// is spelt (`.`, `./org`, an absolute path) the digest is the same:
    /// `verify` and `merge` compare it with the plan's.
    pub fn inputs_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for i in 0..self.sources.len() {
            let Some(file) = self.sources.get(SourceId(i as u32)) else { continue };
            let name = match file.path.strip_prefix(&self.root) {
                Ok(rel) if !self.root.as_os_str().is_empty() => {
                    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
                }
                _ => file.display.clone(),
            };
            hasher.update(name.as_bytes());
            hasher.update([0]);
            let bytes = std::fs::read(&file.path).unwrap_or_default();
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Reads and validates everything under `options.root`.
pub fn load(options: &Options) -> Loaded {
    let mut sources = SourceMap::new();
    let mut diags = Vec::new();
    let root = &options.root;

    let topology_files = ron_files(root, "topology", &mut sources, &mut diags);
    let intent_files = ron_files(root, "intents", &mut sources, &mut diags);
    let all_read = |files: &Option<(Vec<SourceId>, bool)>| files.as_ref().is_some_and(|(_, all)| *all);
    let (topology_read, intents_read) = (all_read(&topology_files), all_read(&intent_files));
    let (topology_files, intent_files) = (topology_files.map(|(ids, _)| ids), intent_files.map(|(ids, _)| ids));
    let forecast_files = if options.forecasts.is_empty() {
        data_files(root, &mut sources, &mut diags)
    } else {
        // The same file twice is read once, and said once: (file, as
        // first given, times given).
        let mut seen: Vec<(PathBuf, &PathBuf, usize)> = Vec::new();
        let mut ids = Vec::new();
        for p in &options.forecasts {
            let key = p.canonicalize().unwrap_or_else(|_| p.clone());
            if let Some((_, _, n)) = seen.iter_mut().find(|(k, _, _)| *k == key) {
                *n += 1;
                continue;
            }
            seen.push((key, p, 1));
            ids.extend(add_file(p, p.display().to_string(), false, &mut sources, &mut diags));
        }
        for (_, path, n) in seen.iter().filter(|(_, _, n)| *n > 1) {
            let id = sources.add(path, path.display().to_string(), None);
            diags.push(
                Diagnostic::warning("repeated-input", format!("--forecast {} is given {n} times; it is read once", path.display()))
                    .file(id)
                    .help("give each forecast file once"),
            );
        }
        ids
    };

    // Each file is decoded as far as it can be: a bad item is left out and
    // the rest still checked, so one run shows every mistake.
    // A file that does not parse defines names nobody can see: lookups of
    // that kind of name then stay quiet rather than flood the output.
    let mut partial = decode::Partial::default();
    let (topologies, topo_readable, topo_ok) = parse_all(topology_files, &sources, &mut diags, &mut partial, raw::topology);
    let (teams, intents_readable, intents_ok) = parse_all(intent_files, &sources, &mut diags, &mut partial, raw::team);
    let (topo_readable, topo_ok) = (topo_readable && topology_read, topo_ok && topology_read);
    let (intents_readable, intents_ok) = (intents_readable && intents_read, intents_ok && intents_read);

    let topo = resolve::topology(&topologies, topo_readable, topo_ok, &partial, &mut diags);
    let regions: Vec<(String, headroom_model::RegionId)> =
        topo.regions.names().iter().enumerate().map(|(i, n)| (n.text.clone(), headroom_model::RegionId::from_index(i))).collect();
    let forecast = forecast::load(&forecast_files, &regions, topo.regions.is_open(), false, &mut sources, &mut diags);
    // The model grows with the horizon squared (a fleet sums every earlier
    // order): a horizon past the limit is refused, not planned for hours.
    let forecast = forecast.filter(|f| {
        let periods = &f.forecast.periods;
        let fits = periods.len() <= headroom_model::limits::MAX_PERIODS;
        if !fits {
            let mut d = Diagnostic::error(
                "bad-value",
                format!(
                    "the forecast covers {} periods, {} to {}; headroom plans at most {}",
                    periods.len(),
                    periods[0],
                    periods[periods.len() - 1],
                    headroom_model::limits::MAX_PERIODS
                ),
            )
            .help("a capacity plan looks a few years ahead: leave out the periods past the ones you plan for");
            if let Some(&file) = forecast_files.first() {
                d = d.file(file);
            }
            diags.push(d);
        }
        fits
    });
    let intents = resolve::intents(&teams, intents_readable, intents_ok, &partial, &topo, forecast.as_ref(), &mut diags);
    // Only when everything else reads cleanly: a service whose definition
    // has an error is missing here, and its series is not unused.
    if let (Some(f), Some((_, services)), false) = (&forecast, &intents, diags.iter().any(Diagnostic::is_error)) {
        let used: Vec<&str> = services.iter().map(|s| s.demand.text.as_str()).collect();
        forecast::warn_unused(f, &used, &mut sources, &mut diags);
    }

    let errors = diags.iter().any(Diagnostic::is_error);
    let org = match (errors, topo.model, intents, forecast) {
        (false, Some(topology), Some((teams, services)), Some(f)) => {
            let org = Organisation { teams, services, forecast: f.forecast, ..topology };
            validate::validate(&org, &mut diags);
            (!diags.iter().any(Diagnostic::is_error)).then_some(org)
        }
        _ => None,
    };
    let mut diagnostics = Diagnostics { list: diags };
    diagnostics.sort(&sources);
    Loaded { sources, diagnostics, org, root: root.clone() }
}

/// A demand history read like a forecast (`service`, `period`, optional
/// `region`, `demand`), with the same checks: every cell, duplicates, gaps,
/// one granularity. Regions are not checked against a topology. Series may
/// start at different periods (each origin's values run from its own first
/// period to the latest of all); a gap inside a series is an error.
#[derive(Debug)]
pub struct History {
    /// The history file read, for diagnostics to point into.
    pub sources: SourceMap,
    /// Every problem found, sorted.
    pub diagnostics: Diagnostics,
    /// The history; `None` if there was any error.
    pub history: Option<LoadedForecast>,
}

/// Reads the demand history at `path` (CSV or Parquet) with the forecast's checks.
pub fn load_history(path: &Path) -> History {
    let mut sources = SourceMap::new();
    let mut diags = Vec::new();
    let history = add_file(path, path.display().to_string(), false, &mut sources, &mut diags)
        .and_then(|id| forecast::load(&[id], &[], true, true, &mut sources, &mut diags));
    let mut diagnostics = Diagnostics { list: diags };
    diagnostics.sort(&sources);
    let history = history.filter(|_| !diagnostics.list.iter().any(Diagnostic::is_error));
    History { sources, diagnostics, history }
}

/// How a path is named in messages: relative to the root as the user gave it.
fn display(root: &Path, rel: &Path) -> String {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        rel.display().to_string()
    } else {
        root.join(rel).display().to_string()
    }
}

/// The `.ron` files of `root/dir`, sorted, each added to the source map
/// with its text. `None` if the directory is missing or unreadable, or
/// holds no `.ron` file (reported).
/// The `.ron` files of `root/dir` that could be read, and whether all
/// could: one that cannot (not UTF-8, a pipe) defines names nobody can
/// see, like one that does not parse, so lookups of them stay quiet.
fn ron_files(root: &Path, dir: &str, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Option<(Vec<SourceId>, bool)> {
    let entries = list_dir(root, dir, sources, diags)?;
    let rons: Vec<PathBuf> = entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "ron")).collect();
    if rons.is_empty() {
        let example =
            if dir == "topology" { "fleet.ron holding `Topology(...)`" } else { "one `<team>.ron` per team, holding `Team(...)`" };
        let id = sources.add(&root.join(dir), display(root, Path::new(dir)), None);
        diags.push(
            Diagnostic::error("no-input-files", format!("no .ron files in {}", display(root, Path::new(dir))))
                .file(id)
                .help(format!("add {example}")),
        );
        return None;
    }
    let mut ids = Vec::new();
    let mut unread = false;
    for path in rons {
        let name = display(root, &Path::new(dir).join(path.file_name().unwrap_or_default()));
        let id = add_file(&path, name, true, sources, diags);
        unread |= id.is_none();
        ids.extend(id);
    }
    Some((ids, !unread))
}

/// The forecast files of `root/data`: `forecast*.csv` and `forecast*.parquet`.
fn data_files(root: &Path, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Vec<SourceId> {
    let Some(entries) = list_dir(root, "data", sources, diags) else { return Vec::new() };
    let forecasts: Vec<PathBuf> = entries
        .into_iter()
        .filter(|p| {
            let stem = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            stem.starts_with("forecast") && (is_csv(p) || is_parquet(p))
        })
        .collect();
    if forecasts.is_empty() {
        let id = sources.add(&root.join("data"), display(root, Path::new("data")), None);
        diags.push(Diagnostic::error("no-input-files", format!("no forecast in {}", display(root, Path::new("data")))).file(id).help(
            "add data/forecast.csv (or .parquet) with columns service, period, region, demand; `headroom forecast` makes one from history",
        ));
    }
    forecasts
        .iter()
        .filter_map(|p| add_file(p, display(root, &Path::new("data").join(p.file_name().unwrap_or_default())), false, sources, diags))
        .collect()
}

/// Files of `root/dir`, sorted by name, or `None` (reported).
fn list_dir(root: &Path, dir: &str, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Vec<PathBuf>> {
    let path = root.join(dir);
    let shown = display(root, Path::new(dir));
    let read = std::fs::read_dir(&path).and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>());
    match read {
        Ok(mut paths) => {
            // Directories are skipped; anything else (a broken link too) is
            // kept, so that a file that cannot be read is reported.
            paths.retain(|p| !p.is_dir());
            paths.sort();
            Some(paths)
        }
        Err(e) => {
            let id = sources.add(&path, shown.clone(), None);
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "run headroom in the directory that holds topology/, intents/ and data/, or pass `--root DIR` (looked in {})",
                    root.display()
                )
            } else {
                "check the directory's permissions".to_owned()
            };
            diags.push(
                Diagnostic::error("unreadable-path", format!("cannot read directory {shown}: {}", io_message(&e))).file(id).help(help),
            );
            None
        }
    }
}

/// Adds a file to the source map; with `text`, reads it as UTF-8 text.
/// Reports and returns `None` if it cannot be read.
fn add_file(path: &Path, name: String, text: bool, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Option<SourceId> {
    // Only regular files: opening a FIFO or a device would block or never end.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            let id = sources.add(path, name.clone(), None);
            let what = if meta.is_dir() { "a directory" } else { "not a regular file (a pipe, socket or device)" };
            diags.push(
                Diagnostic::error("unreadable-path", format!("cannot read {name}: it is {what}"))
                    .file(id)
                    .help("inputs must be regular files; move it out of the input directory"),
            );
            return None;
        }
    }
    let content = if text { std::fs::read(path).map(Some) } else { std::fs::File::open(path).map(|_| None) };
    match content {
        Ok(None) => Some(sources.add(path, name, None)),
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            // A byte-order mark, as some editors write, is not part of the text.
            Ok(s) => Some(sources.add(path, name, Some(s.strip_prefix('\u{FEFF}').map(str::to_owned).unwrap_or(s)))),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                let id = sources.add(path, name, Some(valid.clone()));
                diags.push(
                    Diagnostic::error("not-utf8", format!("the file is not UTF-8 text (byte {at})"))
                        .label(headroom_model::Span::new(id, valid.len(), valid.len()), "invalid UTF-8 from here")
                        .help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            let id = sources.add(path, name.clone(), None);
            diags.push(
                Diagnostic::error("unreadable-path", format!("cannot read {name}: {}", io_message(&e)))
                    .file(id)
                    .help("check that the file exists and is readable"),
            );
            None
        }
    }
}

/// An I/O error without Rust's "(os error N)" suffix.
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Parses and decodes every file of a kind, keeping what decodes. Also
/// says whether every file parsed (`readable`: its names are all known)
/// and whether there was no error at all (`complete`). A missing
/// directory (`None`) is neither.
fn parse_all<T>(
    ids: Option<Vec<SourceId>>,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
    partial: &mut decode::Partial,
    decode: fn(&mut decode::Decoder, &ron::Value) -> Option<T>,
) -> (Vec<T>, bool, bool) {
    // A file that does not parse defines names nobody can see: lookups of
    // that kind of name then stay quiet rather than flood the output.
    let (mut readable, mut complete) = (ids.is_some(), ids.is_some());
    let mut out = Vec::new();
    for id in ids.unwrap_or_default() {
        let (file, ok) = parse(id, sources, diags, partial, decode);
        readable &= file.is_some();
        complete &= ok;
        out.extend(file);
    }
    (out, readable, complete)
}

/// Parses a RON file and decodes what it can; the flag says whether it
/// had no error (every error is reported).
fn parse<T>(
    id: SourceId,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
    partial: &mut decode::Partial,
    decode: fn(&mut decode::Decoder, &ron::Value) -> Option<T>,
) -> (Option<T>, bool) {
    let Some(text) = sources.text(id) else { return (None, false) };
    match ron::parse(id, text) {
        Ok(value) => {
            let before = diags.len();
            let decoded = decode(&mut decode::Decoder::new(diags, partial), &value);
            let ok = diags.len() == before;
            (decoded, ok)
        }
        Err(e) => {
            let mut d = Diagnostic::error("syntax", e.message).label(e.span, "here");
            if let Some((span, label)) = e.related {
                d = d.label(span, label);
            }
            if let Some(help) = e.help {
                d = d.help(help);
            }
            diags.push(d);
            (None, false)
        }
    }
}
