//! The `headroom` command line: parses flags, calls the library crates and
//! maps the outcome to an exit code. No planning logic lives here.

mod check;
mod diff;
mod exit;
mod forecast;
mod history;
mod merge;
mod plan;
mod report;
mod synth;
mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use exit::Exit;
use headroom_run::output;

/// Intent-based capacity planner: turns service intents, fleet topology and
/// demand forecasts into the cheapest plan of machine orders and placements.
#[derive(Parser, Debug)]
#[command(name = "headroom", version, about, propagate_version = true)]
struct Cli {
    /// What to do; without one, `plan` with its defaults.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate every input and report all problems; no solve.
    Check(check::CheckArgs),
    /// Solve: write the least-cost plan that meets every intent.
    Plan(plan::PlanArgs),
    /// Check a plan against the inputs, independently of the solver.
    Verify(verify::VerifyArgs),
    /// Show what changed between two plans (for pull requests).
    Diff(diff::DiffArgs),
    /// Join scenario plans made apart (`plan --scenario-only`, one per CI
    /// job) to the plan as is: what one `plan --scenario ...` writes.
    MergeScenarios(merge::MergeArgs),
    /// Write an HTML report with charts of a plan (for planning meetings).
    Report(report::ReportArgs),
    /// Write the demand history `forecast` reads, from Prometheus or
    /// another server of its HTTP API.
    History(history::HistoryArgs),
    /// Forecast organic demand from its history, backtested.
    Forecast(forecast::ForecastArgs),
    /// Write a synthetic organisation of any size (benchmarks, tests).
    Synth(synth::SynthArgs),
}

/// Where the organisation lives.
#[derive(clap::Args, Debug, Clone)]
pub struct Inputs {
    /// Directory holding topology/, intents/ and data/.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Forecast file(s) to read instead of data/forecast*.{csv,parquet}.
    #[arg(long = "forecast", value_name = "FILE")]
    pub forecasts: Vec<PathBuf>,
}

impl Inputs {
    /// The same, as the run layer takes it.
    pub fn run(&self) -> headroom_run::Inputs {
        headroom_run::Inputs { root: self.root.clone(), forecasts: self.forecasts.clone() }
    }

    /// Reads and checks the organisation.
    pub fn load(&self) -> headroom_load::Loaded {
        self.run().load()
    }

    /// Everything a run over these inputs reads, to keep outputs off it:
    /// every file loaded, the input directories, and `extra` paths.
    pub fn read_by_run(&self, loaded: &headroom_load::Loaded, extra: &[&std::path::Path]) -> output::Inputs {
        self.run().read_by_run(loaded, extra)
    }
}

/// Says why an output path was refused.
pub fn refused(path: &std::path::Path, refused: output::Refused) -> Exit {
    eprintln!("error: refusing to write `{}`: {}; nothing was written", path.display(), refused.why);
    eprintln!("  hint: {}", refused.hint);
    Exit::Output
}

/// Reads a plan, or prints why not: the caller exits with the code.
pub fn read_plan(path: &std::path::Path) -> Result<headroom_plan::Plan, Exit> {
    headroom_plan::Plan::read(path).map_err(|message| {
        eprintln!("error: {message}");
        Exit::InputError
    })
}

/// Says why an output could not be written.
pub fn output_failed(path: &std::path::Path, e: std::io::Error) -> Exit {
    eprintln!("error: cannot write `{}`: {e}; nothing was changed there", path.display());
    Exit::Output
}

/// How diagnostics are printed.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DiagFormat {
    /// For people: the source line with a caret (colour on a terminal).
    #[default]
    Human,
    /// One JSON document with a `format_version`.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

impl DiagFormat {
    /// The library's format, with colour decided for this terminal.
    pub fn render(self) -> headroom_diag::Format {
        match self {
            DiagFormat::Human => headroom_diag::Format::Human { color: use_color() },
            DiagFormat::Json => headroom_diag::Format::Json,
            DiagFormat::Github => headroom_diag::Format::Github,
        }
    }
}

/// `"s"` unless there is exactly one.
pub fn plural(n: usize) -> &'static str {
    headroom_plan::text::plural(n as u64)
}

/// Colour only on a terminal, and never with `NO_COLOR` set.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn main() -> ExitCode {
    // A panic is a bug, never the user's fault: say so, with the internal
    // error exit code, instead of Rust's default 101.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("headroom: internal error: {info}");
        eprintln!("This is a bug in headroom; please report it with the command you ran.");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Usage.code() as u8 } else { Exit::Success.code() as u8 });
        }
    };
    let outcome = std::panic::catch_unwind(|| run(cli));
    let exit = outcome.unwrap_or(Exit::Internal);
    ExitCode::from(exit.code() as u8)
}

fn run(cli: Cli) -> Exit {
    match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Plan(args)) => plan::run(&args),
        Some(Command::Verify(args)) => verify::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::MergeScenarios(args)) => merge::run(&args),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::History(args)) => history::run(&args),
        Some(Command::Forecast(args)) => forecast::run(&args),
        Some(Command::Synth(args)) => synth::run(&args),
        // No subcommand: `plan` with the defaults its flags declare.
        None => match Cli::try_parse_from(["headroom", "plan"]) {
            Ok(Cli { command: Some(Command::Plan(args)) }) => plan::run(&args),
            _ => Exit::Internal,
        },
    }
}
