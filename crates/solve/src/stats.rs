//! What planning cost: one record per model built and solved, and the
//! time of the other phases, for `plan --stats` and the benchmarks.

use std::sync::Mutex;
use std::time::Instant;

/// One model handed to a backend: as `plan --stats` lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SolveRecord {
    /// Why it was solved: "relaxation", "dive", "mip", "shadow prices",
    /// "growth", "explain", ...
    pub purpose: &'static str,
    /// Whole-machine orders (a MIP) rather than an LP.
    pub integer: bool,
    /// Columns.
    pub variables: usize,
    /// Rows.
    pub constraints: usize,
    /// Non-zero coefficients in the constraints.
    pub nonzeros: usize,
    /// Building the model (headroom's own time).
    pub build_seconds: f64,
    /// Handing it to the backend (good_lp's translation).
    pub handoff_seconds: f64,
    /// The backend solving it.
    pub solve_seconds: f64,
    /// Reading the solution back (headroom's own time).
    pub read_seconds: f64,
    /// How it was solved: `simplex`, `branch and bound`, or `column
    /// generation` with its rounds and the capacity columns it used.
    pub method: String,
    /// When it was read back, in seconds since the [`Recorder`] was made
    /// (the run's start): with the three times before it, a timeline of
    /// the solves that ran side by side.
    pub ended_seconds: f64,
}

impl SolveRecord {
    /// The handoff ends now; returns when the solve starts.
    pub(crate) fn handoff(&mut self, since: Instant) -> Instant {
        let now = Instant::now();
        self.handoff_seconds = (now - since).as_secs_f64();
        now
    }

    /// The solve ends now; returns when reading starts.
    pub(crate) fn solved(&mut self, since: Instant) -> Instant {
        let now = Instant::now();
        self.solve_seconds = (now - since).as_secs_f64();
        now
    }

    pub(crate) fn read(&mut self, since: Instant) {
        self.read_seconds = since.elapsed().as_secs_f64();
    }
}

/// Collects records; shared by parts solved in parallel.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    solves: Mutex<Vec<SolveRecord>>,
    phases: Mutex<Vec<(&'static str, f64)>>,
}

impl Default for Recorder {
    fn default() -> Recorder {
        Recorder { start: Instant::now(), solves: Mutex::default(), phases: Mutex::default() }
    }
}

impl Recorder {
    /// An empty record; [`SolveRecord::ended_seconds`] counts from now.
    pub fn new() -> Recorder {
        Recorder::default()
    }

    pub(crate) fn solve(&self, mut record: SolveRecord) {
        record.ended_seconds = self.start.elapsed().as_secs_f64();
        self.solves.lock().unwrap_or_else(|e| e.into_inner()).push(record);
    }

    pub(crate) fn phase(&self, name: &'static str, seconds: f64) {
        self.phases.lock().unwrap_or_else(|e| e.into_inner()).push((name, seconds));
    }

    /// Every solve, in the order they finished.
    pub fn solves(&self) -> Vec<SolveRecord> {
        self.solves.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Other timed phases (extracting the plan), in order.
    pub fn phases(&self) -> Vec<(&'static str, f64)> {
        self.phases.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
