//! Every built-in detector's own true- and false-positive examples, run through the full engine
//! (so prefilter anchors and overlap resolution are exercised too).

use promptwall_detect::Engine;

#[test]
fn every_detector_flags_its_true_positives() {
    let engine = Engine::new().expect("engine builds");
    let mut failures = Vec::new();
    for d in engine.detectors() {
        for (ty, text) in d.true_positives() {
            let found = engine.findings(text);
            if !found.iter().any(|f| f.entity == ty) {
                failures.push(format!(
                    "{}: missed {ty} in {text:?}; got {:?}",
                    d.id(),
                    found.iter().map(|f| (f.entity.as_str(), f.value(text))).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} misses:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_detector_stays_silent_on_its_false_positives() {
    let engine = Engine::new().expect("engine builds");
    let mut failures = Vec::new();
    for d in engine.detectors() {
        for text in d.false_positives() {
            let found: Vec<_> = engine.findings(text).into_iter().filter(|f| f.detector == d.id()).collect();
            if !found.is_empty() {
                failures.push(format!(
                    "{}: flagged {:?} in {text:?}",
                    d.id(),
                    found.iter().map(|f| (f.entity.as_str(), f.value(text))).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} false alarms:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_detector_has_examples() {
    let engine = Engine::new().expect("engine builds");
    for d in engine.detectors() {
        assert!(!d.true_positives().is_empty() || d.id() == "pii.kr_rrn", "{} has no true-positive examples", d.id());
    }
}

#[test]
fn names_stop_at_column_breaks_and_line_ends() {
    let engine = Engine::new().expect("engine builds");
    for (text, want) in [
        ("Signed: Hanneke Lindqvist            Signed: Tomasz Wolski", vec!["Hanneke Lindqvist", "Tomasz Wolski"]),
        ("Approved by: Maria Rossi\nStatus: Final", vec!["Maria Rossi"]),
    ] {
        let names: Vec<&str> = engine.findings(text).iter().filter(|f| f.entity.as_str() == "PERSON").map(|f| f.value(text)).collect();
        assert_eq!(names, want, "{text:?}");
    }
}

#[test]
fn names_in_source_attribution_comments_are_left_alone() {
    let engine = Engine::new().expect("engine builds");
    let person = |text: &str| engine.findings(text).iter().filter(|f| f.entity.as_str() == "PERSON").count();
    assert_eq!(person("// Copyright 2016 Hanneke Lindqvist\nfn main() {}\n"), 0);
    assert_eq!(person(" * Author: Maria Rossi\n */\n"), 0);
    assert_eq!(person("__author__ = 'Tomasz Wolski'\n"), 0);
    // An internal git log and prose still name people.
    assert_eq!(person("commit 3f2a9c1\nAuthor: Maria Rossi <m.rossi@northwind.io>\n"), 1);
    assert_eq!(person("Approved by: Maria Rossi\n"), 1);
}
