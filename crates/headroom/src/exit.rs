//! Exit codes: the one place they are defined. Documented in the README;
//! stable across releases.

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for was done (warnings allowed).
    Success = 0,
    /// The inputs are invalid: intents, topology, forecast, or a plan file.
    InputError = 1,
    /// The command line is wrong (unknown flag, missing argument).
    Usage = 2,
    /// The inputs are valid but the intents cannot all be met.
    IntentsNotMet = 3,
    /// `diff --detailed-exitcode`: the plans differ.
    Changes = 4,
    /// An output cannot be written, or would replace an input of the run
    /// or a directory headroom did not write: nothing was changed.
    Output = 5,
    /// `--time-limit` passed before any plan was found; nothing was
    /// written. More time (or a smaller model) may find one.
    TimeLimit = 6,
    /// A bug in headroom: please report it.
    Internal = 70,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}
