//! The domain model of headroom: periods, resources, machine types, regions
//! and clusters, latency, service intents and demand forecasts.
//!
//! This crate knows nothing of files, RON or data frames: the loader builds
//! an [`Organisation`] with every name resolved to a typed index, and the
//! solver, the verifier and the reports read it. Items keep the [`Span`] of
//! their definition so that later stages can point at the text a person
//! wrote.

mod forecast;
mod graph;
pub mod ids;
pub mod limits;
mod org;
pub mod period;
pub mod scenario;
pub mod span;

pub use forecast::{DirectDemand, Forecast, Origin, Series};
pub use graph::{DemandKind, DemandOrigin, Part};
pub use ids::*;
pub use org::*;
pub use period::{Granularity, Period, PeriodParseError};
pub use span::{SourceId, Span};
