//! Where a model item came from, as an opaque source number and byte range.
//!
//! The model knows nothing of files: a [`SourceId`] is only a number that the
//! loader maps to a file, so that diagnostics about model items (an unknown
//! cluster, a dependency cycle, an intent that cannot be met) point at the
//! text a person wrote.

/// A source the loader read (a file); meaningful only to the loader's map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SourceId(pub u32);

/// A byte range `start..end` in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span { source, start: start as u32, end: end.max(start) as u32 }
    }

    /// A span that stands for an item built in code, not read from a file.
    pub const NONE: Span = Span { source: SourceId(u32::MAX), start: 0, end: 0 };

    pub fn is_none(&self) -> bool {
        self.source.0 == u32::MAX
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}
