//! `headroom plan`: solve, write the plan directory, print a summary.

use std::path::PathBuf;

use headroom_diag::{render, Diagnostic, Severity};
use headroom_model::scenario::Scenario;
use headroom_model::Organisation;
use headroom_plan::text::{money, thousands};
use headroom_plan::{Mode, Plan};
use headroom_solve::{emit, Backend, Options, Recorder};
use std::time::Instant;

use crate::exit::Exit;
use crate::{DiagFormat, Inputs};

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Directory to write plan.json and the CSV tables to (replaced whole).
    #[arg(short, long, default_value = "plan", value_name = "DIR")]
    pub output: PathBuf,
    /// Fail if any intent cannot be met (the default).
    #[arg(long, conflicts_with = "best_effort")]
    pub strict: bool,
    /// Allow unmet demand at a penalty weighted by priority; exit 3 if any.
    #[arg(long)]
    pub best_effort: bool,
    /// Solver backend, among those compiled in.
    #[arg(long, value_name = "NAME", value_parser = backend_names())]
    pub solver: Option<String>,
    /// How linear programs are solved (HiGHS): `simplex`; `columns`,
    /// column generation (exact); `ipm`, interior point without crossover,
    /// or `pdlp`, HiGHS's first-order method, each with whole machines
    /// rounded up from it (large models that need orders);
    /// `ipm-crossover`, interior point to a vertex; `auto` picks by size.
    #[arg(long, value_name = "METHOD", default_value = "auto", value_parser = ["auto", "simplex", "columns", "ipm", "ipm-crossover", "pdlp"])]
    pub lp: String,
    /// Accept whole-machine orders within this relative gap of the best
    /// bound on cost (0: prove optimality, which can take long).
    #[arg(long, default_value_t = headroom_solve::DEFAULT_MIP_GAP, value_name = "GAP", value_parser = share)]
    pub mip_gap: f64,
    /// Planning ends after this many seconds, whatever it is doing:
    /// branch and bound keeps the best plan found and says how far from
    /// optimal it may be; with no plan yet, the run exits 6.
    #[arg(long, default_value_t = headroom_solve::DEFAULT_TIME_LIMIT_SECONDS, value_name = "SECONDS", value_parser = non_negative)]
    pub time_limit: f64,
    /// A plan to stay close to (a plan.json file or a plan directory): its
    /// orders placed before this plan's first period are fixed, and every
    /// other change to orders or placements costs a small penalty.
    #[arg(long, value_name = "PLAN")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: a machine ordered differently from the baseline
    /// costs this share of its capital cost; a machine's worth of capacity
    /// placed differently for one period, this share over the periods.
    #[arg(long, default_value_t = headroom_solve::baseline::DEFAULT_CHANGE_PENALTY, value_name = "SHARE", value_parser = share, requires = "baseline")]
    pub change_penalty: f64,
    /// With --baseline: the baseline's orders placed in or before this
    /// period are done (placed with vendors, or decided against) and are
    /// kept as they are; later periods' orders may change.
    #[arg(long, value_name = "PERIOD", requires = "baseline")]
    pub freeze_through: Option<String>,
    /// Do not measure growth headroom (how far each region's demand can
    /// grow on the plan's fleet): it costs two linear programs per region,
    /// often more than the plan itself on large organisations.
    #[arg(long)]
    pub no_growth: bool,
    /// Also write the whole-machine model the solver gets to this file:
    /// free MPS (`.mps`) or CPLEX LP (`.lp`), to solve with another solver
    /// and compare. Written before solving, so also when planning fails.
    #[arg(long, value_name = "FILE", value_parser = model_path)]
    pub emit_model: Option<PathBuf>,
    /// Write what planning cost to this JSON file: time to load, build,
    /// solve, extract and verify; every model solved (variables,
    /// constraints, non-zeros); peak memory. For benchmarks.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    /// Also plan this what-if scenario (a `Scenario(...)` RON file), in
    /// parallel with the plan as is; repeat for several. Each is written
    /// to DIR/scenarios/NAME/ and compared in DIR/scenarios.json. The exit
    /// code is that of the plan as is: a scenario that cannot be met is a
    /// finding, not a failure.
    #[arg(long = "scenario", value_name = "FILE")]
    pub scenarios: Vec<PathBuf>,
    /// With --scenario: plan the scenarios only, not the plan as is — one
    /// job of a fan-out over machines (a CI matrix). DIR gets
    /// scenarios/NAME/ and a scenarios.json of this part;
    /// `headroom merge-scenarios` joins the parts to the plan as is.
    #[arg(long, requires = "scenarios")]
    pub scenario_only: bool,
    /// Replace the output directory even if headroom did not write it.
    #[arg(long)]
    pub force: bool,
    /// How to print input errors.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiagFormat,
}

/// A path ending in .mps or .lp, or a usage error.
fn model_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match emit::Format::from_path(&path) {
        Some(_) => Ok(path),
        None => Err(format!("`{text}` must end in .mps (free MPS) or .lp (CPLEX LP)")),
    }
}

/// A number from 0 to 1, or a usage error.
fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a number from 0 to 1")),
    }
}

/// A finite number ≥ 0, or a usage error.
pub fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a number ≥ 0")),
    }
}

fn backend_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Backend::available().into_iter().map(|b| b.name()))
}

pub fn run(args: &PlanArgs) -> Exit {
    let start = Instant::now();
    let rec = Recorder::new();
    let mut phases = Phases::default();
    let exit = plan(args, &rec, &mut phases);
    phases.total = start.elapsed().as_secs_f64();
    if let Some(path) = &args.stats {
        let text = stats_json(&phases, &rec, exit).into_bytes();
        if exit == Exit::Output {
            return exit; // an output was refused or failed: write no other
        }
        if let Err(e) = crate::output::write_files(&[(path.as_path(), &text)]) {
            return crate::output_failed(path, e);
        }
    }
    exit
}

/// Wall time of the phases of `plan` that are not solving, in seconds.
#[derive(Default)]
struct Phases {
    load: f64,
    /// Writing the model file (`--emit-model`), not counted as own time:
    /// it is asked for on top of planning.
    emit: f64,
    verify: f64,
    write: f64,
    total: f64,
}

fn plan(args: &PlanArgs, rec: &Recorder, phases: &mut Phases) -> Exit {
    let start = Instant::now();
    let started = start;
    let mut loaded = args.inputs.load();
    // The digest of the organisation's own files: a plan is the same with
    // or without scenarios beside it.
    let digest = loaded.inputs_digest();
    let scenarios = if args.scenarios.is_empty() { Some(Vec::new()) } else { headroom_load::load_scenarios(&mut loaded, &args.scenarios) };
    phases.load = start.elapsed().as_secs_f64();
    if loaded.org.is_none() || !loaded.diagnostics.list.is_empty() {
        print!("{}", render(&loaded.diagnostics.list, &loaded.sources, args.format.render()));
    }
    let (Some(org), Some(scenarios)) = (&loaded.org, scenarios) else {
        eprintln!("error: the inputs have errors; nothing was planned");
        return Exit::InputError;
    };
    // Every output path is checked before any work, so that a refused one
    // leaves the others unwritten too.
    let mut extra: Vec<&std::path::Path> = args.scenarios.iter().map(PathBuf::as_path).collect();
    extra.extend(args.baseline.as_deref());
    let inputs = args.inputs.read_by_run(&loaded, &extra);
    let checked = crate::output::check_dir(&args.output, &inputs, args.force).map_err(|why| (&args.output, why)).and_then(|()| {
        args.emit_model.iter().chain(&args.stats).try_for_each(|file| crate::output::check_file(file, &inputs).map_err(|why| (file, why)))
    });
    if let Err((path, why)) = checked {
        return crate::refused(path, why);
    }
    let baseline = match &args.baseline {
        None => None,
        Some(path) => {
            let resolved = crate::verify::read_plan(path).and_then(|plan| {
                headroom_solve::baseline::resolve(org, &plan, args.change_penalty, args.freeze_through.as_deref())
                    .map_err(|e| format!("{}: {e}", path.display()))
            });
            match resolved {
                Ok(resolved) => {
                    for note in &resolved.notes {
                        eprintln!("warning: {note}");
                    }
                    Some(resolved)
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    return Exit::InputError;
                }
            }
        }
    };
    let backend = args.solver.as_deref().and_then(Backend::from_name).unwrap_or_else(Backend::default_backend);
    let options = Options {
        mode: if args.best_effort { Mode::BestEffort } else { Mode::Strict },
        backend,
        mip_gap: args.mip_gap,
        time_limit_seconds: Some(args.time_limit),
        baseline,
        growth: !args.no_growth,
        lp: headroom_solve::LpMethod::from_name(&args.lp).unwrap_or_default(),
        deadline: Some(started + std::time::Duration::from_secs_f64(args.time_limit)),
    };
    if backend == Backend::Microlp {
        let variables = headroom_solve::model_variables(org, &options);
        if variables > headroom_solve::MICROLP_PRACTICAL_VARIABLES {
            eprintln!(
                "note: this model has {} variables; the built-in solver (microlp) is practical up to about {}. \
                 For models this size build headroom with HiGHS (`cargo build --release --features highs`, needs cmake) and plan with `--solver highs`.",
                thousands(variables as u64),
                thousands(headroom_solve::MICROLP_PRACTICAL_VARIABLES as u64)
            );
        }
    }
    if let Some(path) = &args.emit_model {
        let start = Instant::now();
        let format = emit::Format::from_path(path).unwrap_or(emit::Format::Mps);
        if let Err(e) = crate::output::write_streamed(path, |out| headroom_solve::write_model(org, &options, format, out)) {
            return crate::output_failed(path, e);
        }
        phases.emit = start.elapsed().as_secs_f64();
    }
    let changed: Vec<Organisation> = scenarios.iter().map(|s| s.apply(org)).collect();
    let mut jobs: Vec<(&Organisation, &str)> = if args.scenario_only { Vec::new() } else { vec![(org, digest.as_str())] };
    jobs.extend(changed.iter().map(|o| (o, digest.as_str())));
    let mut results = headroom_solve::plan_each(&jobs, &options, rec).into_iter();
    let outcome = if args.scenario_only {
        Err(headroom_solve::Error::Solver("not planned".into()))
    } else {
        results.next().unwrap_or_else(|| Err(headroom_solve::Error::Solver("no result".into())))
    };
    let mut whatifs: Vec<WhatIf> =
        scenarios.iter().zip(&args.scenarios).zip(results).map(|((s, file), result)| WhatIf { scenario: s, file, result }).collect();
    // Scenario plans pass the same independent check as the plan as is.
    let start = Instant::now();
    for (w, changed) in whatifs.iter_mut().zip(&changed) {
        if let Ok(plan) = &mut w.result {
            plan.scenario = Some(w.scenario.name.clone());
            let violations = headroom_verify::verify(changed, plan);
            if !violations.is_empty() {
                eprintln!("internal error: the plan of scenario `{}` fails verification; nothing was written:", w.scenario.name);
                for v in &violations {
                    eprintln!("  [{}] {}", v.rule, v.message);
                }
                return Exit::Internal;
            }
        }
    }
    phases.verify = start.elapsed().as_secs_f64();
    if args.scenario_only {
        let mut files = vec![("scenarios.json".to_owned(), scenarios_json(None, &whatifs, &digest))];
        files.extend(scenario_files(&whatifs));
        if let Err(e) = crate::output::write_dir(&args.output, &files) {
            return crate::output_failed(&args.output, e);
        }
        print!("{}", scenario_summary(None, &whatifs, Some(&args.output)));
        return Exit::Success;
    }
    let plan = match outcome {
        Ok(plan) => plan,
        Err(headroom_solve::Error::IntentsNotMet(explanations)) => {
            eprintln!("error: the intents cannot all be met; no plan was written");
            if args.format == DiagFormat::Human {
                for e in &explanations {
                    eprintln!("  - {}", e.message);
                    for fix in &e.fixes {
                        eprintln!("      fix: {fix}");
                    }
                }
            } else {
                // For CI: each explanation at its intent's file, line and
                // column, with its fixes.
                let diags: Vec<Diagnostic> = explanations.iter().map(|e| unmet_intent(org, e, Severity::Error)).collect();
                print!("{}", render(&diags, &loaded.sources, args.format.render()));
            }
            eprintln!("Run with --best-effort to plan what can be met.");
            if !whatifs.is_empty() {
                eprint!("{}", scenario_summary(None, &whatifs, None));
            }
            return Exit::IntentsNotMet;
        }
        Err(headroom_solve::Error::TimeLimit) => {
            eprintln!("error: the time limit ({} s) passed before any plan was found; nothing was written", args.time_limit);
            eprintln!("Raise --time-limit, or see the README's \"At scale\" for what makes large organisations slow.");
            return Exit::TimeLimit;
        }
        Err(headroom_solve::Error::Solver(message)) => {
            eprintln!("error: the solver failed: {message}");
            return Exit::Internal;
        }
    };
    // The solver's plan must pass the independent check before anyone
    // orders hardware from it: a plan that does not is a bug.
    let start = Instant::now();
    let violations = headroom_verify::verify(org, &plan);
    phases.verify += start.elapsed().as_secs_f64();
    if !violations.is_empty() {
        eprintln!("internal error: the solver's plan fails verification; nothing was written:");
        for v in &violations {
            eprintln!("  [{}] {}", v.rule, v.message);
        }
        return Exit::Internal;
    }
    let start = Instant::now();
    let mut files: Vec<(String, String)> = vec![("plan.json".into(), plan.to_json())];
    files.extend(headroom_plan::csv_tables(&plan).into_iter().map(|(name, text)| (name.to_owned(), text)));
    if !whatifs.is_empty() {
        files.push(("scenarios.json".into(), scenarios_json(Some(&plan), &whatifs, &digest)));
        files.extend(scenario_files(&whatifs));
    }
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        return crate::output_failed(&args.output, e);
    }
    phases.write = start.elapsed().as_secs_f64();
    print!("{}", summary(&plan, &args.output));
    if !whatifs.is_empty() {
        print!("{}", scenario_summary(Some(&plan), &whatifs, Some(&args.output)));
    }
    // Best effort left demand unmet: in a pull request, a warning on each
    // intent's line (bots read the plan's `explanations`).
    if args.format == DiagFormat::Github && !plan.explanations.is_empty() {
        let diags: Vec<Diagnostic> = plan.explanations.iter().map(|e| unmet_intent(org, e, Severity::Warning)).collect();
        print!("{}", render(&diags, &loaded.sources, args.format.render()));
    }
    if plan.unmet.is_empty() {
        Exit::Success
    } else {
        Exit::IntentsNotMet
    }
}

/// The `--stats` document: headroom's own phases, every solve, and peak
/// memory (Linux only; null elsewhere).
fn stats_json(phases: &Phases, rec: &Recorder, exit: Exit) -> String {
    let solves = rec.solves();
    let sum = |f: fn(&headroom_solve::stats::SolveRecord) -> f64| solves.iter().map(f).sum::<f64>();
    let phase = |name: &str| -> f64 { rec.phases().iter().filter(|(n, _)| *n == name).map(|(_, s)| s).sum() };
    let extract = phase("extract");
    // Building covers every model and finding the independent parts.
    let build = sum(|r| r.build_seconds) + phase("parts");
    let read = sum(|r| r.read_seconds);
    let json = serde_json::json!({
        "format_version": "1.0",
        "exit_code": exit.code(),
        "seconds": {
            "total": phases.total,
            "load": phases.load,
            "emit_model": phases.emit,
            "build": build,
            "handoff": sum(|r| r.handoff_seconds),
            "solve": sum(|r| r.solve_seconds),
            "read": read,
            "extract": extract,
            "verify": phases.verify,
            "write": phases.write,
            "own": phases.load + build + read + extract + phases.verify + phases.write,
        },
        "peak_memory_bytes": peak_memory_bytes(),
        "solves": solves.iter().map(|r| serde_json::json!({
            "purpose": r.purpose,
            "integer": r.integer,
            "variables": r.variables,
            "constraints": r.constraints,
            "nonzeros": r.nonzeros,
            "build_seconds": r.build_seconds,
            "handoff_seconds": r.handoff_seconds,
            "solve_seconds": r.solve_seconds,
            "read_seconds": r.read_seconds,
            "method": r.method,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}

/// The process's peak resident memory, from /proc (Linux).
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub(crate) fn summary(plan: &Plan, dir: &std::path::Path) -> String {
    let machines: u32 = plan.orders.iter().map(|o| o.count).sum();
    let mut clusters: Vec<&str> = plan.orders.iter().map(|o| o.cluster.as_str()).collect();
    clusters.sort();
    clusters.dedup();
    let mut out = format!(
        "Plan: order {machines} machines in {} cluster{} over {} periods ({} to {}); cost {} (capital {}, running {}).\n",
        clusters.len(),
        crate::plural(clusters.len()),
        plan.periods.len(),
        plan.periods.first().map_or("-", String::as_str),
        plan.periods.last().map_or("-", String::as_str),
        money(plan.cost.total),
        money(plan.cost.capital),
        money(plan.cost.running),
    );
    out.push_str(&format!(
        "Solver: {}, {}{}; {} variables, {} constraints{}.\n",
        plan.solver.backend,
        plan.solver.status,
        if plan.solver.mip_gap > 0.0 { format!(" (gap {:.4} %)", plan.solver.mip_gap * 100.0) } else { String::new() },
        plan.solver.variables,
        plan.solver.constraints,
        if plan.solver.method.is_empty() { String::new() } else { format!("; {}", plan.solver.method) },
    ));
    for o in &plan.in_flight {
        out.push_str(&format!(
            "  = {:>4} × {:<12} in {:<8} in flight (placed {}), serving from {}\n",
            o.count, o.machine_type, o.cluster, o.placed, o.arrives
        ));
    }
    for o in &plan.orders {
        out.push_str(&format!(
            "  + {:>4} × {:<12} in {:<8} placed {}, serving from {}\n",
            o.count, o.machine_type, o.cluster, o.placed, o.arrives
        ));
    }
    if !plan.unmet.is_empty() {
        out.push_str(&format!("Unmet demand in {} service-period(s):\n", plan.unmet.len()));
        for u in &plan.unmet {
            out.push_str(&format!("  ! {} ({}) in {}: {} of {} unmet\n", u.service, u.origin, u.period, u.unmet, u.demand));
        }
        for e in &plan.explanations {
            out.push_str(&format!("  why: {}\n", e.message));
        }
    }
    out.push_str(&format!("Wrote {}/plan.json and CSV tables.\n", dir.display()));
    out
}

/// A what-if scenario and how planning it went.
pub(crate) struct WhatIf<'a> {
    pub scenario: &'a Scenario,
    pub file: &'a PathBuf,
    pub result: Result<Plan, headroom_solve::Error>,
}

/// Each planned scenario's plan.json and tables, under scenarios/NAME/.
pub(crate) fn scenario_files(whatifs: &[WhatIf]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for w in whatifs {
        if let Ok(p) = &w.result {
            let dir = format!("scenarios/{}", w.scenario.name);
            files.push((format!("{dir}/plan.json"), p.to_json()));
            files.extend(headroom_plan::csv_tables(p).into_iter().map(|(name, text)| (format!("{dir}/{name}"), text)));
        }
    }
    files
}

/// Machines the plan orders.
fn machines(plan: &Plan) -> u32 {
    plan.orders.iter().map(|o| o.count).sum()
}

/// A signed amount of money: `+$1,200` or `-$300`.
fn signed_money(x: f64) -> String {
    let sign = if x < -0.005 { "-" } else { "+" };
    format!("{sign}{}", money(x.abs()))
}

/// The scenarios beside the plan as is (if there is one), for people.
pub(crate) fn scenario_summary(base: Option<&Plan>, whatifs: &[WhatIf], dir: Option<&std::path::Path>) -> String {
    let mut out = format!("Scenarios{}:\n", if base.is_some() { " (change from the plan as is)" } else { "" });
    let width = whatifs.iter().map(|w| w.scenario.name.len()).max().unwrap_or(0);
    for w in whatifs {
        let name = &w.scenario.name;
        match &w.result {
            Ok(p) => {
                let (cost, count) = match base {
                    Some(b) => (
                        format!(" ({})", signed_money(p.cost.total - b.cost.total)),
                        format!(" ({:+})", machines(p) as i64 - machines(b) as i64),
                    ),
                    None => (String::new(), String::new()),
                };
                let unmet =
                    if p.unmet.is_empty() { String::new() } else { format!("; unmet demand in {} service-period(s)", p.unmet.len()) };
                let at = dir.map_or(String::new(), |d| format!("  → {}/scenarios/{name}/", d.display()));
                out.push_str(&format!(
                    "  {name:<width$}  cost {}{cost}, orders {} machines{count}{unmet}{at}\n",
                    money(p.cost.total),
                    machines(p)
                ));
            }
            Err(headroom_solve::Error::IntentsNotMet(explanations)) => {
                out.push_str(&format!("  {name:<width$}  the intents cannot all be met\n"));
                for e in explanations {
                    out.push_str(&format!("  {:width$}    - {}\n", "", e.message));
                }
            }
            Err(headroom_solve::Error::TimeLimit) => {
                out.push_str(&format!("  {name:<width$}  the time limit passed before any plan was found\n"))
            }
            Err(headroom_solve::Error::Solver(message)) => out.push_str(&format!("  {name:<width$}  the solver failed: {message}\n")),
        }
    }
    out
}

/// `scenarios.json`: each scenario's outcome and its change from the plan
/// as is, for CI and bots. Without the plan as is (`--scenario-only`, one
/// part of a fan-out), `base` is null, changes are left out, and the
/// inputs' digest says what the part was planned from.
pub(crate) fn scenarios_json(base: Option<&Plan>, whatifs: &[WhatIf], digest: &str) -> String {
    let list: Vec<serde_json::Value> = whatifs
        .iter()
        .map(|w| {
            let mut v = serde_json::json!({
                "name": w.scenario.name,
                "file": w.file.display().to_string(),
                "description": w.scenario.description,
            });
            match &w.result {
                Ok(p) => {
                    v["status"] = "planned".into();
                    v["plan"] = format!("scenarios/{}/plan.json", w.scenario.name).into();
                    v["cost"] = p.cost.total.into();
                    v["machines_ordered"] = machines(p).into();
                    if let Some(base) = base {
                        v["cost_change"] = (((p.cost.total - base.cost.total) * 100.0).round() / 100.0).into();
                        v["machines_ordered_change"] = (machines(p) as i64 - machines(base) as i64).into();
                    }
                    v["unmet"] = p.unmet.len().into();
                }
                Err(headroom_solve::Error::IntentsNotMet(explanations)) => {
                    v["status"] = "intents_not_met".into();
                    v["explanations"] = explanations
                        .iter()
                        .map(|e| serde_json::json!({ "message": e.message, "fixes": e.fixes }))
                        .collect::<Vec<_>>()
                        .into();
                }
                Err(headroom_solve::Error::TimeLimit) => {
                    v["status"] = "time_limit".into();
                }
                Err(headroom_solve::Error::Solver(message)) => {
                    v["status"] = "solver_failed".into();
                    v["message"] = message.clone().into();
                }
            }
            v
        })
        .collect();
    let json = match base {
        Some(base) => {
            serde_json::json!({ "format_version": "1.0", "base": { "cost": base.cost.total, "machines_ordered": machines(base) }, "scenarios": list })
        }
        None => serde_json::json!({ "format_version": "1.0", "base": null, "inputs_digest": digest, "scenarios": list }),
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}

/// An explanation of an intent that is not met, as a diagnostic at the
/// service's definition (for `--format json` and `github`): its message,
/// the periods and origin, and each fix on a line of the help.
fn unmet_intent(org: &Organisation, e: &headroom_plan::Explanation, severity: Severity) -> Diagnostic {
    let mut d = match severity {
        Severity::Error => Diagnostic::error("intent-not-met", e.message.clone()),
        Severity::Warning => Diagnostic::warning("intent-not-met", e.message.clone()),
    };
    if let Some(s) = org.service_by_name(&e.service) {
        let service = org.service(s);
        let origin = e.origin.as_ref().map_or(String::new(), |o| format!(" ({o})"));
        d = d.label(service.name.span, format!("`{}`{origin}, {} to {}", e.service, e.from, e.to));
    }
    if !e.fixes.is_empty() {
        d = d.help(e.fixes.iter().map(|f| format!("fix: {f}")).collect::<Vec<_>>().join("\n"));
    }
    d
}
