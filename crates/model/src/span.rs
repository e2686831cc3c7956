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
    /// The source it is in.
    pub source: SourceId,
    /// Its first byte.
    pub start: u32,
    /// One past its last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end` in `source` (`end` no earlier than `start`).
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span { source, start: start as u32, end: end.max(start) as u32 }
    }

    /// A span that stands for an item built in code, not read from a file.
    pub const NONE: Span = Span { source: SourceId(u32::MAX), start: 0, end: 0 };

    /// Whether it stands for no place ([`Span::NONE`]).
    pub fn is_none(&self) -> bool {
        self.source.0 == u32::MAX
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}
