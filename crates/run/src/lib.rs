//! One run of headroom, under the command line and above the stages it
//! joins (load, solve, verify): everything a command does except parsing
//! flags, printing and choosing the exit code.
//!
//! - [`Inputs`]: where an organisation lives, loading it, and the paths a
//!   run reads (which its outputs must never replace).
//! - [`plan`]: planning the organisation as is and its what-if scenarios
//!   in parallel, the baseline of stable replanning, and the independent
//!   check of every plan before any file is written.
//! - [`merge`]: scenario plans made on other machines joined to the plan
//!   as is, each checked again.
//! - [`documents`]: every JSON document a run writes besides the plan
//!   itself (`scenarios.json`, `--stats`, `forecast --format json`), as
//!   typed structs with a format version.
//! - [`text`]: the summaries printed for people.
//! - [`output`]: writing files and directories so that no run loses a
//!   user's file.

use std::path::{Path, PathBuf};

pub mod documents;
pub mod merge;
pub mod output;
pub mod plan;
pub mod text;

/// Where an organisation lives: the directory of its `topology/`,
/// `intents/` and `data/`, and forecast files read instead of
/// `data/forecast*`.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// The directory holding `topology/`, `intents/` and `data/`.
    pub root: PathBuf,
    /// Forecast files to read instead of `data/forecast*.{csv,parquet}`.
    pub forecasts: Vec<PathBuf>,
}

impl Inputs {
    /// Reads and checks the organisation (never fails: errors are in the
    /// diagnostics, and then there is no organisation).
    pub fn load(&self) -> headroom_load::Loaded {
        headroom_load::load(&headroom_load::Options { root: self.root.clone(), forecasts: self.forecasts.clone() })
    }

    /// Everything a run over these inputs reads, to keep outputs off it:
    /// every file loaded, the input directories, and `extra` paths.
    pub fn read_by_run(&self, loaded: &headroom_load::Loaded, extra: &[&Path]) -> output::Inputs {
        let files =
            (0..loaded.sources.len()).filter_map(|i| loaded.sources.get(headroom_model::SourceId(i as u32))).map(|f| f.path.clone());
        let dirs = ["topology", "intents", "data"].map(|d| self.root.join(d));
        output::Inputs::new(files.chain(dirs).chain(self.forecasts.iter().cloned()).chain(extra.iter().map(|p| p.to_path_buf())))
    }
}
