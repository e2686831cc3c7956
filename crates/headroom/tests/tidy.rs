//! Code and documents cite files of this repository that exist. A file
//! renamed or never added (a "DESIGN.md" the code once cited) is a dead end
//! for the next reader.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::workspace;

/// Directories a citation starts with.
const ROOTS: [&str; 11] =
    ["crates/", "docs/", "tests/", "bench/", "ci/", ".ci/", ".github/", "data/", "topology/", "intents/", "scenarios/"];

/// Files cited by name alone.
const NAMED: [&str; 4] = ["README.md", "ARCHITECTURE.md", "DESIGN.md", "action.yml"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !["target", ".git", "node_modules"].contains(&name.as_str()) {
                sources(&path, out);
            }
        } else if [".rs", ".md", ".yml", ".toml"].iter().any(|e| name.ends_with(e)) || name == "run" || name == "install-headroom" {
            out.push(path);
        }
    }
}

/// Paths a text cites: words starting with one of [`ROOTS`], or one of
/// [`NAMED`], up to the first character a path does not hold.
fn citations(text: &str) -> Vec<String> {
    let is_path = |c: char| c.is_ascii_alphanumeric() || "/._-".contains(c);
    let mut out = Vec::new();
    for (i, _) in text.char_indices() {
        let before = text[..i].chars().next_back();
        if before.is_some_and(is_path) {
            continue;
        }
        let rest = &text[i..];
        if ROOTS.iter().any(|r| rest.starts_with(r)) || NAMED.iter().any(|n| rest.starts_with(n)) {
            let end = rest.find(|c: char| !is_path(c)).unwrap_or(rest.len());
            let cited = rest[..end].trim_end_matches(['.', '/']);
            // Patterns and placeholders are not files.
            if !rest[end..].starts_with(['*', '{', '<']) && !cited.contains("NAME") && !cited.ends_with('-') {
                out.push(cited.to_owned());
            }
        }
    }
    out
}

#[test]
fn every_cited_file_exists() {
    let root = workspace();
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut missing = Vec::new();
    for file in &files {
        // This file names a missing file on purpose.
        if file.ends_with("crates/headroom/tests/tidy.rs") {
            continue;
        }
        let Ok(text) = fs::read_to_string(file) else { continue };
        for cited in citations(&text) {
            // Paths inside the example's and the tests' own trees are written
            // relative to their root (a check case's `intents/shop.ron`).
            // Code in a crate cites its own files from the crate's root.
            let crate_root = file.ancestors().find(|a| a.join("Cargo.toml").exists() && a.parent() == Some(&root.join("crates")));
            let mut candidates = vec![root.join(&cited), file.parent().unwrap().join(&cited)];
            candidates.extend(crate_root.map(|c| c.join(&cited)));
            let written_by_code =
                file.components().any(|c| c.as_os_str() == "tests" || c.as_os_str() == "src") && file.starts_with(root.join("crates"));
            if !candidates.iter().any(|p| p.exists()) && !relative_to_a_case(&root, &cited, written_by_code) {
                missing.push(format!("{}: cites {cited}", file.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "files cited but not in the repository:\n{}", missing.join("\n"));
}

/// `intents/t.ron` and the like, as the test cases under `tests/` hold
/// them, or as code writes an organisation somewhere else (a test's
/// temporary directory, `synth`'s output).
fn relative_to_a_case(root: &Path, cited: &str, written_by_code: bool) -> bool {
    let relative = ["data/", "topology/", "intents/", "scenarios/"].iter().any(|r| cited.starts_with(r));
    relative && (written_by_code || walk_has(&root.join("tests"), cited) || !cited.contains('.'))
}

fn walk_has(dir: &Path, cited: &str) -> bool {
    let Ok(entries) = fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        let p = e.path();
        p.join(cited).exists() || (p.is_dir() && walk_has(&p, cited))
    })
}
