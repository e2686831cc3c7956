//! No run loses a user's file: outputs pointed at inputs, at directories
//! headroom did not write, at files where directories go (and back), and
//! runs killed while writing. See `src/output.rs` for the promises.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{copy_dir, headroom, workspace};

/// Exit code of a refused or failed output (`exit.rs`).
const OUTPUT: i32 = 5;

/// Every file below `dir` with its bytes, sorted: to show nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if dir.is_file() {
        return vec![(dir.to_owned(), fs::read(dir).unwrap())];
    }
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.push((path.clone(), fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// A copy of a small organisation to point outputs at.
fn organisation() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("org");
    copy_dir(&workspace().join("tests/plan/dependency-chain"), &root, &[]);
    (tmp, root)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn an_output_over_an_input_is_refused_and_the_input_kept() {
    let (tmp, root) = organisation();
    let before = snapshot(&root);
    for out in
        [root.join("topology"), root.join("intents"), root.join("data"), root.clone(), tmp.path().to_owned(), root.join("topology/..")]
    {
        let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&out), "--force"]);
        assert_eq!(code, OUTPUT, "-o {out:?}: {stderr}");
        assert!(stderr.contains("input of this run"), "{stderr}");
    }
    // A forecast file given with --forecast, a stats file over an input.
    let forecast = root.join("data/forecast.csv");
    let (code, _, stderr) =
        headroom(&["plan", "--root", s(&root), "--forecast", s(&forecast), "-o", s(&tmp.path().join("p")), "--stats", s(&forecast)]);
    assert_eq!(code, OUTPUT, "{stderr}");
    assert_eq!(snapshot(&root), before, "the organisation is untouched");
    assert!(!tmp.path().join("p").exists(), "a refused run writes none of its outputs");

    // forecast over its history, report over its plan.
    let history = tmp.path().join("history.csv");
    fs::copy(workspace().join("data/history.csv"), &history).unwrap();
    let kept = fs::read(&history).unwrap();
    let (code, _, stderr) = headroom(&["forecast", "--history", s(&history), "-o", s(&history)]);
    assert_eq!(code, OUTPUT, "{stderr}");
    assert_eq!(fs::read(&history).unwrap(), kept);

    let plan = tmp.path().join("plan");
    let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&plan)]);
    assert_eq!(code, 0, "{stderr}");
    let planned = snapshot(&plan);
    for out in [plan.clone(), tmp.path().to_owned()] {
        let (code, _, stderr) = headroom(&["report", s(&plan), "-o", s(&out), "--force"]);
        assert_eq!(code, OUTPUT, "{stderr}");
    }
    let (code, _, stderr) = headroom(&["report", s(&plan.join("plan.json")), "-o", s(&plan)]);
    assert_eq!(code, OUTPUT, "{stderr}");
    assert_eq!(snapshot(&plan), planned);
}

#[test]
fn a_directory_headroom_did_not_write_is_replaced_only_with_force() {
    let (tmp, root) = organisation();
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "do not lose me").unwrap();
    for args in [
        vec!["plan", "--root", s(&root), "-o", s(&mine)],
        vec!["synth", "-o", s(&mine), "--services", "4", "--clusters", "3", "--regions", "1"],
        vec!["report", s(&root), "-o", s(&mine)],
    ] {
        let (code, _, stderr) = headroom(&args);
        // report's plan is not a plan: it may fail on that first, but never writes.
        assert!(code == OUTPUT || code == 1, "{args:?}: {code} {stderr}");
        assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "do not lose me", "{args:?}");
    }
    let (code, _, stderr) = headroom(&["synth", "-o", s(&mine), "--services", "4", "--clusters", "3", "--regions", "1"]);
    assert_eq!(code, OUTPUT);
    assert!(stderr.contains("--force") && stderr.contains("did not write"), "{stderr}");

    // A regular file where the plan directory goes stays a file.
    let notes = tmp.path().join("notes.txt");
    fs::write(&notes, "mine").unwrap();
    let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&notes)]);
    assert_eq!(code, OUTPUT, "{stderr}");
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine");
    // Below a regular file: "not a directory", not "file exists".
    let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&notes.join("plan"))]);
    assert_eq!(code, OUTPUT);
    assert!(stderr.contains("is not a directory"), "{stderr}");

    // With --force the directory is replaced, and marked as headroom's.
    let (code, _, stderr) = headroom(&["synth", "-o", s(&mine), "--services", "4", "--clusters", "3", "--regions", "1", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!mine.join("notes.txt").exists());
    assert!(mine.join(".headroom-output").is_file());
    // And from then on it is replaced without --force.
    let (code, _, stderr) = headroom(&["synth", "-o", s(&mine), "--services", "5", "--clusters", "3", "--regions", "1"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_refused_file_output_leaves_the_old_plan_as_it_was() {
    let (tmp, root) = organisation();
    let plan = tmp.path().join("plan");
    let (code, _, _) = headroom(&["plan", "--root", s(&root), "-o", s(&plan)]);
    assert_eq!(code, 0);
    let before = snapshot(&plan);
    // Directories where files go, named as each flag wants them.
    for (flag, name) in [("--stats", "stats"), ("--emit-model", "model.mps")] {
        let dir = tmp.path().join(name);
        fs::create_dir(&dir).unwrap();
        let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&plan), flag, s(&dir)]);
        assert_eq!(code, OUTPUT, "{flag}: {stderr}");
        assert!(stderr.contains("is a directory"), "{stderr}");
        assert_eq!(snapshot(&plan), before, "{flag}");
        fs::remove_dir(&dir).unwrap();
    }
    let leftovers: Vec<_> =
        fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Kills `plan` at many moments while it replaces an older plan: the plan
/// directory always holds one whole plan, old or new, and the next run
/// clears what the killed one left.
#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_plan() {
    let (tmp, root) = organisation();
    let plan = tmp.path().join("plan");
    let (code, _, _) = headroom(&["plan", "--root", s(&root), "-o", s(&plan)]);
    assert_eq!(code, 0);
    let whole = |dir: &Path| {
        let names: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.contains(&".headroom-output".to_owned())
            && fs::read_to_string(dir.join("plan.json")).is_ok_and(|t| t.trim_end().ends_with('}'))
            && names.len() >= 9
    };
    // How long a run takes here, to spread the kills over it.
    let start = Instant::now();
    let (code, _, _) = headroom(&["plan", "--root", s(&root), "-o", s(&plan)]);
    assert_eq!(code, 0);
    let run = start.elapsed();
    let kills = 24;
    for i in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(["plan", "--root", s(&root), "-o", s(&plan)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(run.mul_f64(1.2 * i as f64 / kills as f64));
        let _ = child.kill();
        let _ = child.wait();
        assert!(plan.is_dir() && whole(&plan), "after a kill at {i}/{kills} of a run, the plan directory is not a whole plan");
    }
    let (code, _, stderr) = headroom(&["plan", "--root", s(&root), "-o", s(&plan)]);
    assert_eq!(code, 0, "{stderr}");
    let leftovers: Vec<_> =
        fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "temporaries of killed runs are cleared: {leftovers:?}");
}
