//! `headroom plan`: solve, write the plan directory, print a summary.

use std::path::PathBuf;

use std::time::Instant;

use headroom_diag::{render, Diagnostic, Severity};
use headroom_model::Organisation;
use headroom_plan::text::thousands;
use headroom_plan::Mode;
use headroom_run::documents::{self, Phases};
use headroom_run::text;
use headroom_solve::{emit, Backend, Options, Recorder};

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
        let text = documents::to_json(&documents::Stats::new(&phases, &rec, exit.code())).into_bytes();
        if exit == Exit::Output {
            return exit; // an output was refused or failed: write no other
        }
        if let Err(e) = crate::output::write_files(&[(path.as_path(), &text)]) {
            return crate::output_failed(path, e);
        }
    }
    exit
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
        Some(path) => match headroom_run::plan::resolve_baseline(org, path, args.change_penalty, args.freeze_through.as_deref()) {
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
        },
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
        // A limit too far to reach (`--time-limit 1e300`) is none.
        deadline: std::time::Duration::try_from_secs_f64(args.time_limit).ok().and_then(|limit| started.checked_add(limit)),
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
    let planned = match headroom_run::plan::plan(org, &digest, &scenarios, &args.scenarios, args.scenario_only, &options, rec) {
        Ok(planned) => planned,
        Err(bad) => {
            match &bad.scenario {
                Some(name) => eprintln!("internal error: the plan of scenario `{name}` fails verification; nothing was written:"),
                None => eprintln!("internal error: the solver's plan fails verification; nothing was written:"),
            }
            for v in &bad.violations {
                eprintln!("  [{}] {}", v.rule, v.message);
            }
            return Exit::Internal;
        }
    };
    phases.verify = planned.verify_seconds;
    let whatifs = &planned.whatifs;
    let plan = match planned.plan {
        // --scenario-only: one part of a fan-out.
        None => {
            let files = headroom_run::plan::files(None, whatifs, &digest, true);
            if let Err(e) = crate::output::write_dir(&args.output, &files) {
                return crate::output_failed(&args.output, e);
            }
            print!("{}", text::scenario_summary(None, whatifs, Some(&args.output)));
            return Exit::Success;
        }
        Some(Ok(plan)) => plan,
        Some(Err(headroom_solve::Error::IntentsNotMet(explanations))) => {
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
                eprint!("{}", text::scenario_summary(None, whatifs, None));
            }
            return Exit::IntentsNotMet;
        }
        Some(Err(headroom_solve::Error::TimeLimit)) => {
            eprintln!("error: the time limit ({} s) passed before any plan was found; nothing was written", args.time_limit);
            eprintln!("Raise --time-limit, or see the README's \"At scale\" for what makes large organisations slow.");
            return Exit::TimeLimit;
        }
        Some(Err(headroom_solve::Error::Solver(message))) => {
            eprintln!("error: the solver failed: {message}; nothing was written");
            if backend == Backend::Microlp {
                // microlp's simplex can fail numerically on programs whose
                // limits leave no slack (planted small at tightness 1),
                // which HiGHS plans in seconds.
                eprintln!(
                    "The built-in solver (microlp) can fail numerically where power, space or delivery limits leave little slack. \
                     Build headroom with HiGHS (`cargo build --release --features highs`, needs cmake) and plan with `--solver highs`."
                );
            }
            return Exit::Internal;
        }
    };
    let start = Instant::now();
    let files = headroom_run::plan::files(Some(&plan), whatifs, &digest, !whatifs.is_empty());
    if let Err(e) = crate::output::write_dir(&args.output, &files) {
        return crate::output_failed(&args.output, e);
    }
    phases.write = start.elapsed().as_secs_f64();
    print!("{}", text::summary(&plan, &args.output));
    if !whatifs.is_empty() {
        print!("{}", text::scenario_summary(Some(&plan), whatifs, Some(&args.output)));
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
