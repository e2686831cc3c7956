//! `headroom diff OLD NEW`: what changed between two plans.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::exit::Exit;
use crate::read_plan;

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The plan before the change: a plan.json file or a plan directory.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The plan after the change.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// How to print the diff.
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
    /// Report headroom (survivable capacity less demand, as a share of
    /// demand) that falls below this share.
    #[arg(long, default_value_t = headroom_diff::Options::default().headroom_threshold, value_name = "SHARE", value_parser = crate::plan::non_negative)]
    pub headroom_threshold: f64,
    /// Exit 0 when the plans do not differ, 4 when they do (like
    /// Terraform's -detailed-exitcode); without it, 0 either way.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DiffFormat {
    /// For a terminal (colour when it is one).
    #[default]
    Human,
    /// For a pull-request comment.
    Markdown,
    /// One JSON document with a `format_version`.
    Json,
}

pub fn run(args: &DiffArgs) -> Exit {
    // Both are read, so that both are reported if both are bad.
    let (old, new) = (read_plan(&args.old), read_plan(&args.new));
    let (Ok(old), Ok(new)) = (old, new) else {
        return Exit::InputError;
    };
    let options = headroom_diff::Options { headroom_threshold: args.headroom_threshold, ..headroom_diff::Options::default() };
    let diff = headroom_diff::diff(&old, &new, &options);
    let text = match args.format {
        DiffFormat::Human => headroom_diff::human(&diff, crate::use_color()),
        DiffFormat::Markdown => headroom_diff::markdown(&diff),
        DiffFormat::Json => diff.to_json(),
    };
    print!("{text}");
    if args.detailed_exitcode && diff.changed {
        Exit::Changes
    } else {
        Exit::Success
    }
}
