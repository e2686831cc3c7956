//! The planning workflow in-process, on the example organisation: the plan
//! as is and a scenario planned together and verified, the files named as
//! `headroom plan` writes them, a fan-out's part merged back to the same
//! bytes, and the checks a merge makes of what it reads.

use std::path::{Path, PathBuf};

use headroom_run::documents::{Scenarios, Status};
use headroom_run::{merge, output, plan, Inputs};
use headroom_solve::{Options, Recorder};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn example() -> Inputs {
    Inputs { root: workspace(), forecasts: Vec::new() }
}

fn options() -> Options {
    Options { growth: false, ..Options::default() }
}

/// The file of `name` among a directory's files.
fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files.iter().find(|(n, _)| n == name).map(|(_, text)| text.as_str()).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn a_part_planned_apart_merges_to_the_bytes_of_one_run() {
    let inputs = example();
    let scenario_files = vec![workspace().join("scenarios/demand-surge.ron")];
    let mut loaded = inputs.load();
    let digest = loaded.inputs_digest();
    let scenarios = headroom_load::load_scenarios(&mut loaded, &scenario_files).expect("the scenario loads");
    let org = loaded.org.as_ref().expect("the example loads");
    let rec = Recorder::new();

    // One run: the plan as is and the scenario, both verified.
    let planned = plan::plan(org, &digest, &scenarios, &scenario_files, false, &options(), &rec).expect("every plan verifies");
    let base = planned.plan.expect("planned as is").expect("the example can be planned");
    let surge = planned.whatifs[0].result.as_ref().expect("the surge can be planned");
    assert_eq!(surge.scenario.as_deref(), Some("demand-surge"));
    let one_run = plan::files(Some(&base), &planned.whatifs, &digest, true);
    let names: Vec<&str> = one_run.iter().map(|(n, _)| n.as_str()).collect();
    for name in ["plan.json", "orders.csv", "scenarios.json", "scenarios/demand-surge/plan.json", "scenarios/demand-surge/orders.csv"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let doc: Scenarios = serde_json::from_str(file(&one_run, "scenarios.json")).unwrap();
    assert_eq!(doc.format_version, headroom_run::documents::SCENARIOS_VERSION);
    assert_eq!(doc.inputs_digest, None);
    let outcome = &doc.scenarios[0];
    assert_eq!(outcome.status, Status::Planned);
    assert_eq!(outcome.cost, Some(surge.cost.total));
    assert_eq!(outcome.cost_change, Some(((surge.cost.total - base.cost.total) * 100.0).round() / 100.0));
    assert!(outcome.machines_ordered_change.unwrap() > 0, "more demand, more machines: {outcome:?}");

    // A part of a fan-out: the scenario only, written where a CI job would.
    let part = plan::plan(org, &digest, &scenarios, &scenario_files, true, &options(), &rec).expect("every plan verifies");
    assert!(part.plan.is_none());
    let part_files = plan::files(None, &part.whatifs, &digest, true);
    assert!(!part_files.iter().any(|(n, _)| n == "plan.json"), "a part has no plan as is");
    let tmp = tempfile::tempdir().unwrap();
    let part_dir = tmp.path().join("part");
    output::write_dir(&part_dir, &part_files).unwrap();

    // Merged on another machine: read back, loaded again, checked, joined.
    let recorded = merge::read_part(&part_dir, &digest).expect("the part reads back");
    let recorded_files: Vec<PathBuf> = recorded.iter().map(|r| r.file.clone()).collect();
    assert_eq!(recorded_files, scenario_files);
    let mut again = inputs.load();
    let reloaded = headroom_load::load_scenarios(&mut again, &recorded_files).unwrap();
    let whatifs = merge::join(org, &base, &reloaded, &recorded_files, recorded).expect("the part joins");
    assert_eq!(plan::files(Some(&base), &whatifs, &digest, true), one_run, "merged, the files are those of one run");

    // A part whose scenario name would lead out of it is refused.
    let doc_path = part_dir.join("scenarios.json");
    let original = std::fs::read_to_string(&doc_path).unwrap();
    std::fs::write(&doc_path, original.replace("\"name\": \"demand-surge\"", "\"name\": \"../demand-surge\"")).unwrap();
    let refused = merge::read_part(&part_dir, &digest).unwrap_err();
    assert!(refused.contains("not a name headroom writes"), "{refused}");
    std::fs::write(&doc_path, original).unwrap();
    // A part planned from other inputs is refused.
    let refused = merge::read_part(&part_dir, "another digest").unwrap_err();
    assert!(refused.contains("other inputs"), "{refused}");
    // A plan as is that breaks a rule is refused before anything is joined.
    let mut broken = base.clone();
    broken.cost.total += 1_000.0;
    let recorded = merge::read_part(&part_dir, &digest).unwrap();
    let refused = merge::join(org, &broken, &reloaded, &recorded_files, recorded).unwrap_err();
    assert!(refused.contains("the plan as is fails verification"), "{refused}");
    // The same scenario in two parts is refused.
    let twice = [reloaded[0].clone(), reloaded[0].clone()];
    let files_twice = [recorded_files[0].clone(), recorded_files[0].clone()];
    let mut recorded = merge::read_part(&part_dir, &digest).unwrap();
    recorded.extend(merge::read_part(&part_dir, &digest).unwrap());
    let refused = merge::join(org, &base, &twice, &files_twice, recorded).unwrap_err();
    assert!(refused.contains("in more than one part"), "{refused}");
}

#[test]
fn a_scenario_that_cannot_be_met_is_recorded_not_fatal() {
    let inputs = example();
    let mut loaded = inputs.load();
    let digest = loaded.inputs_digest();
    let tmp = tempfile::tempdir().unwrap();
    // Three times the demand, and no order arrives within the horizon.
    let path = tmp.path().join("impossible.ron");
    let text = "Scenario(name: \"impossible\", description: \"three times the demand, nothing delivered\", changes: [Demand(multiply: 3.0), LeadTime(add_months: 60)])";
    std::fs::write(&path, text).unwrap();
    let paths = vec![path];
    let scenarios = headroom_load::load_scenarios(&mut loaded, &paths).expect("the scenario loads");
    let org = loaded.org.as_ref().unwrap();
    let planned = plan::plan(org, &digest, &scenarios, &paths, false, &options(), &Recorder::new()).unwrap();
    assert!(matches!(planned.plan, Some(Ok(_))), "the plan as is stands");
    let base = planned.plan.as_ref().unwrap().as_ref().unwrap();
    let files = plan::files(Some(base), &planned.whatifs, &digest, true);
    let doc: Scenarios = serde_json::from_str(file(&files, "scenarios.json")).unwrap();
    let outcome = &doc.scenarios[0];
    assert_eq!(outcome.status, Status::IntentsNotMet, "{outcome:?}");
    assert!(!outcome.explanations.as_ref().unwrap().is_empty());
    assert_eq!(outcome.plan, None);
}
