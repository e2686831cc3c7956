//! The files a run read, and positions in them as line and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use headroom_model::SourceId;

/// A file the run read (or tried to).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path it was read from.
    pub path: PathBuf,
    /// How the file is named in messages: relative to where the user ran.
    pub display: String,
    /// The text, for files read as text; `None` for binary files and files
    /// that could not be read.
    pub text: Option<Arc<str>>,
    line_starts: Vec<u32>,
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// All files of a run, by [`SourceId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file; `text` is `None` for a file not read as text.
    pub fn add(&mut self, path: &Path, display: impl Into<String>, text: Option<String>) -> SourceId {
        let line_starts = text.as_deref().map(line_starts).unwrap_or_default();
        self.files.push(SourceFile { path: path.to_owned(), display: display.into(), text: text.map(Arc::from), line_starts });
        SourceId(self.files.len() as u32 - 1)
    }

    /// Attaches text to a file added without it (a CSV file whose text is
    /// only read once there is something to point at).
    pub fn set_text(&mut self, id: SourceId, text: String) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.line_starts = line_starts(&text);
            file.text = Some(Arc::from(text));
        }
    }

    /// The file `id` names.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// How file `id` is named in messages (empty if unknown).
    pub fn display(&self, id: SourceId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.display.as_str())
    }

    /// The text of file `id`, if it was read as text.
    pub fn text(&self, id: SourceId) -> Option<&str> {
        self.get(id)?.text.as_deref()
    }

    /// Line and column of a byte offset, or `None` if the file has no text.
    pub fn line_col(&self, id: SourceId, offset: u32) -> Option<LineCol> {
        let file = self.get(id)?;
        let text = file.text.as_deref()?;
        let offset = (offset as usize).min(text.len());
        let line = file.line_starts.partition_point(|&s| s as usize <= offset).max(1);
        let start = file.line_starts[line - 1] as usize;
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Some(LineCol { line, column })
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add(Path::new("a"), "a", Some("ab\nçd e\n".into()));
        assert_eq!(map.line_col(id, 0), Some(LineCol { line: 1, column: 1 }));
        assert_eq!(map.line_col(id, 3), Some(LineCol { line: 2, column: 1 }));
        // `ç` is two bytes: `e` is the 5th character of line 2.
        assert_eq!(map.line_col(id, 8), Some(LineCol { line: 2, column: 5 }));
        assert_eq!(map.line_col(id, 100), Some(LineCol { line: 3, column: 1 }));
    }
}
