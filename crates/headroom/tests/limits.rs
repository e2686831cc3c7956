//! Numbers at the edges of what headroom accepts (`tests/limits/edges`):
//! each accepted edge plans and the plan verifies, with whichever backend
//! the build uses; each refused one is refused by `check` with its code.
//! Nothing the loader accepts may make the solver fail (exit 70).

mod common;

use std::fs;

use common::{copy_dir, headroom, workspace};

struct Edge {
    line: usize,
    expect: String,
    file: String,
    text: String,
    replacement: String,
}

fn edges() -> Vec<Edge> {
    let table = fs::read_to_string(workspace().join("tests/limits/edges")).unwrap();
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let parts: Vec<&str> = l.split(" | ").collect();
            assert_eq!(parts.len(), 4, "tests/limits/edges:{}: expected `expect | file | text | replacement`", i + 1);
            Edge { line: i + 1, expect: parts[0].into(), file: parts[1].into(), text: parts[2].into(), replacement: parts[3].into() }
        })
        .collect()
}

#[test]
fn numbers_at_the_edges_of_their_ranges() {
    let base = workspace().join("tests/check/base");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for edge in edges() {
        let root = tmp.path().join(format!("edge-{}", edge.line));
        copy_dir(&base, &root, &[]);
        let path = root.join(&edge.file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(&edge.text), "tests/limits/edges:{}: `{}` is not in {}", edge.line, edge.text, edge.file);
        fs::write(&path, text.replace(&edge.text, &edge.replacement)).unwrap();
        let root_arg = root.to_str().unwrap();
        let what = format!("tests/limits/edges:{} ({} → {})", edge.line, edge.text, edge.replacement);
        let (code, out, err) = headroom(&["check", "--root", root_arg]);
        let err = out + &err;
        if let Some(diagnostic) = edge.expect.strip_prefix("refused ") {
            if code != 1 || !err.contains(diagnostic) {
                failures.push(format!("{what}: expected `check` to refuse it with {diagnostic}; exit {code}\n{err}"));
            }
            continue;
        }
        assert_eq!(edge.expect, "plans", "tests/limits/edges:{}: unknown expectation", edge.line);
        if code != 0 {
            failures.push(format!("{what}: `check` exits {code}\n{err}"));
            continue;
        }
        let out = root.join("out");
        let out_arg = out.to_str().unwrap();
        let (code, _, err) = headroom(&["plan", "--root", root_arg, "-o", out_arg, "--no-growth"]);
        if code != 0 && code != 3 {
            failures.push(format!("{what}: `plan` exits {code}\n{err}"));
            continue;
        }
        if out.join("plan.json").exists() {
            let (code, _, err) = headroom(&["verify", "--root", root_arg, out_arg]);
            if code != 0 {
                failures.push(format!("{what}: the plan fails `verify` (exit {code})\n{err}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of the edges fail:\n\n{}", failures.len(), failures.join("\n\n"));
}
