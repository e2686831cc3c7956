//! The ranges of numbers headroom accepts, in one place. The loader
//! refuses anything outside them with the file, line and column, so that
//! no number it accepts can make the solver fail (listed in the README).

/// Any quantity (demand, costs, resources, caps, latency): at most 10^12.
/// Larger numbers are typos or units mixed up, and in a linear program
/// beside numbers near 1 they make the solver fail.
pub const MAX_QUANTITY: f64 = 1e12;

/// A dependency's ratio (units of the dependency per unit of the
/// dependent): at most 1,000.
pub const MAX_RATIO: f64 = 1e3;

/// An event's or a scenario's demand multiplier: at most 1,000.
pub const MAX_MULTIPLY: f64 = 1e3;

/// A service's priority (best effort): at most 1,000.
pub const MAX_PRIORITY: u32 = 1_000;

/// A service's largest demand in one period may need at most this many of
/// the machines with the most of a resource it needs: more is a unit mixed
/// up (per-unit needs in cores where the machine counts millicores), and
/// beyond it the solver's numbers leave the range it can trust.
pub const MAX_MACHINES_FOR_ONE_SERVICE: f64 = 1e9;

/// The longest horizon planned: 400 periods (100 years of quarters). The
/// model's size grows with its square.
pub const MAX_PERIODS: usize = 400;
