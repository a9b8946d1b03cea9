//! Policy integration tests: behaviour cases as data, precedence properties, signed bundles.

use promptwall_detect::Engine;
use promptwall_policy::*;
use serde_json::Value;

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::new().unwrap())
}

fn decide(policy: &CompiledPolicy, text: &str, host: &str, user: &str, groups: &[String]) -> Decision {
    let scan = engine().scan(text);
    evaluate(policy, text, &scan, &Context { host, user, groups })
}

#[test]
fn behaviour_cases_of_the_default_policy() {
    let policy = default_policy();
    let cases: Vec<Value> = serde_json::from_str(include_str!("cases/default.json")).unwrap();
    let mut failures = Vec::new();
    for c in &cases {
        let d = decide(&policy, c["text"].as_str().unwrap(), c["site"].as_str().unwrap(), "u", &[]);
        let e = &c["expect"];
        let mut ok = d.action.as_str() == e["action"].as_str().unwrap();
        if let Some(ids) = e.get("rule_ids") {
            ok &= serde_json::to_value(&d.rule_ids).unwrap() == *ids;
        }
        if let Some(j) = e.get("justification_required") {
            ok &= Value::Bool(d.justification_required) == *j;
        }
        if let Some(types) = e.get("redacted_types") {
            let got: Vec<&str> = d.redactions.iter().map(|r| r.type_name.as_str()).collect();
            ok &= serde_json::to_value(got).unwrap() == *types;
        }
        if !ok {
            failures.push(format!("{}: got {:?} {:?} {:?}", c["name"], d.action, d.rule_ids, d.reasons));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn policy_with(rules: Value) -> CompiledPolicy {
    let mut p: Value = serde_json::from_str(default_policy_json()).unwrap();
    p["rules"] = rules;
    parse_policy(&p.to_string()).unwrap()
}

fn rule(id: &str, types: &[&str], action: &str) -> Value {
    serde_json::json!({"id": id, "match": {"types": types}, "action": action, "message": format!("{id} message")})
}

#[test]
fn most_restrictive_action_wins_in_any_rule_order() {
    let text = "jane.doe@northwind.io card 4539 1488 0343 6467 key AKIAT4SYWB5WKH7DNSIP";
    let actions = ["allow", "warn", "redact", "block"];
    // Every assignment of actions to the three rules, in every order: the result is the maximum.
    for a in actions {
        for b in actions {
            for c in actions {
                let rules = [rule("email", &["EMAIL"], a), rule("card", &["CREDIT_CARD"], b), rule("aws", &["AWS_ACCESS_KEY"], c)];
                let want = [a, b, c].iter().map(|s| actions.iter().position(|x| x == s).unwrap()).max().unwrap();
                for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
                    let p = policy_with(Value::Array(order.iter().map(|&i| rules[i].clone()).collect()));
                    let d = decide(&p, text, "chatgpt.com", "u", &[]);
                    assert_eq!(d.action.as_str(), actions[want], "{a} {b} {c} order {order:?}");
                    let first = order.iter().map(|&i| &rules[i]).find(|r| r["action"] == actions[want]).unwrap();
                    if want > 0 {
                        assert_eq!(
                            d.message,
                            first["message"].as_str().unwrap(),
                            "message comes from the first rule with the winning action"
                        );
                    }
                    // Deterministic: the same inputs give the same decision.
                    assert_eq!(d, decide(&p, text, "chatgpt.com", "u", &[]));
                }
            }
        }
    }
}

#[test]
fn scopes_and_exceptions() {
    let mut r = rule("aws", &["AWS_ACCESS_KEY"], "block");
    r["groups"] = serde_json::json!(["engineering"]);
    r["sites"] = serde_json::json!(["*.openai.com", "chatgpt.com"]);
    let p = policy_with(Value::Array(vec![r]));
    let text = "AKIAT4SYWB5WKH7DNSIP";
    let eng = vec!["engineering".to_string()];
    assert_eq!(decide(&p, text, "chatgpt.com", "u", &eng).action, Action::Block);
    assert_eq!(decide(&p, text, "chatgpt.com", "u", &[]).action, Action::Allow, "group scope");
    assert_eq!(decide(&p, text, "claude.ai", "u", &eng).action, Action::Allow, "site scope");

    let mut v: Value = serde_json::from_str(default_policy_json()).unwrap();
    v["exceptions"] = serde_json::json!({"values": ["AKIAT4SYWB5WKH7DNSIP"], "users": ["ceo"], "sites": ["*.internal-ai.corp"]});
    v["sites"]["ai"] = serde_json::json!(["chat.internal-ai.corp"]);
    let p = parse_policy(&v.to_string()).unwrap();
    assert_eq!(decide(&p, "key AKIAT4SYWB5WKH7DNSIP", "chatgpt.com", "u", &[]).action, Action::Allow, "allowlisted value");
    assert_eq!(decide(&p, "key AKIAT4SYWB5WKH7DNSIQ", "chatgpt.com", "ceo", &[]).action, Action::Allow, "allowlisted user");
    assert_eq!(decide(&p, "key AKIAT4SYWB5WKH7DNSIQ", "chat.internal-ai.corp", "u", &[]).action, Action::Allow, "allowlisted site");

    v["sites"]["unknown_site_action"] = serde_json::json!("block");
    let p = parse_policy(&v.to_string()).unwrap();
    assert_eq!(decide(&p, "hello", "random.example", "u", &[]).action, Action::Block);
}

#[test]
fn lint_reports_every_problem_with_its_path() {
    let bad = r#"{"schema_version": 2, "name": "", "sites": {"ai": ["not a host!"]},
      "rules": [
        {"id": "a", "match": {"types": ["EMAILS"], "families": ["PI"], "min_score": 2}, "action": "warn"},
        {"id": "a", "match": {}, "action": "block", "message": "m", "link": "http://x"}
      ],
      "redaction": {"per_type": {"CARD": "mask"}}}"#;
    let problems = parse_policy(bad).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "schema_version",
        "name",
        "sites.ai[0]",
        "redaction.per_type.CARD",
        "rules[0].match.types[0]",
        "rules[0].match.families[0]",
        "rules[0].match.min_score",
        "rules[0].message",
        "rules[1].id",
        "rules[1].match",
        "rules[1].link",
    ] {
        assert!(paths.contains(&want), "missing {want} in {paths:?}");
    }
    let unknown_field = parse_policy(r#"{"schema_version": 1, "name": "x", "rules": [], "surprise": 1}"#).unwrap_err();
    assert!(unknown_field[0].message.contains("unknown field"), "{unknown_field:?}");
    assert!(parse_policy("{not json").unwrap_err()[0].path.starts_with("line 1"));
}

fn keys() -> (String, Vec<TrustedKey>) {
    let (sk, pk) = generate_key().unwrap();
    (sk, vec![TrustedKey { key_id: "k1".into(), public_key: pk }])
}

#[test]
fn bundles_verify_and_refuse_tampering_rollback_and_time() {
    let (sk, trusted) = keys();
    let policy: Value = serde_json::from_str(default_policy_json()).unwrap();
    let bundle = sign(&policy, 7, 1000, 2000, "k1", &["*".to_string()], &sk).unwrap();
    let bytes = serde_json::to_vec_pretty(&bundle).unwrap();
    let ok = verify(&bytes, &trusted, Some(6), 1500).unwrap();
    assert_eq!(ok.version, 7);
    assert!(verify(&bytes, &trusted, Some(7), 1500).is_ok(), "re-applying the version in force is fine");

    // Reformatting does not matter (canonical form is signed), changing content does.
    let compact = serde_json::to_vec(&bundle).unwrap();
    assert!(verify(&compact, &trusted, None, 1500).is_ok());
    let mut tampered = bundle.clone();
    tampered["policy"]["rules"][0]["action"] = Value::String("allow".into());
    assert_eq!(verify(&serde_json::to_vec(&tampered).unwrap(), &trusted, None, 1500).unwrap_err(), BundleError::BadSignature);
    let mut bumped = bundle.clone();
    bumped["version"] = Value::from(99);
    assert_eq!(verify(&serde_json::to_vec(&bumped).unwrap(), &trusted, None, 1500).unwrap_err(), BundleError::BadSignature);

    assert_eq!(verify(&bytes, &trusted, Some(8), 1500).unwrap_err(), BundleError::Rollback { got: 7, current: 8 });
    assert_eq!(verify(&bytes, &trusted, None, 999).unwrap_err(), BundleError::NotYetValid(1000, 999));
    assert_eq!(verify(&bytes, &trusted, None, 2000).unwrap_err(), BundleError::Expired(2000, 2000));

    let (_, other) = keys();
    let other = vec![TrustedKey { key_id: "k1".into(), public_key: other[0].public_key.clone() }];
    assert_eq!(verify(&bytes, &other, None, 1500).unwrap_err(), BundleError::BadSignature, "same id, different key");
    let mut unknown = bundle.clone();
    unknown["key_id"] = Value::String("k9".into());
    assert!(matches!(verify(&serde_json::to_vec(&unknown).unwrap(), &trusted, None, 1500), Err(BundleError::UnknownKey(_))));

    let mut unsigned = bundle.clone();
    unsigned.as_object_mut().unwrap().remove("signature");
    assert_eq!(verify(&serde_json::to_vec(&unsigned).unwrap(), &trusted, None, 1500).unwrap_err(), BundleError::Field("signature"));
    assert!(matches!(verify(b"{nope", &trusted, None, 1500), Err(BundleError::Json(_))));
    assert!(matches!(verify(&vec![b' '; bundle::MAX_BUNDLE_BYTES + 1], &trusted, None, 1500), Err(BundleError::TooLarge(_))));

    // A correctly signed but invalid policy is refused with the problems listed.
    let mut bad_policy = policy.clone();
    bad_policy["rules"][0]["match"]["types"] = serde_json::json!(["NOPE"]);
    let signed_bad = sign(&bad_policy, 8, 1000, 2000, "k1", &["*".to_string()], &sk).unwrap();
    assert!(matches!(verify(&serde_json::to_vec(&signed_bad).unwrap(), &trusted, None, 1500), Err(BundleError::Policy(_))));
}

#[test]
fn bundles_are_bound_to_their_audience() {
    let (sk, trusted) = keys();
    let policy: Value = serde_json::from_str(default_policy_json()).unwrap();
    let eng = sign(&policy, 3, 0, u64::MAX, "k1", &["engineering".to_string()], &sk).unwrap();
    let v = verify(&serde_json::to_vec(&eng).unwrap(), &trusted, None, 10).unwrap();
    assert!(v.admits(Some("engineering")));
    assert!(!v.admits(Some("sales")), "group A's bundle is refused by group B");
    assert!(!v.admits(None));
    assert!(matches!(v.check_audience(Some("sales")), Err(BundleError::Audience { .. })));
    // The audience is signed: widening it breaks the signature.
    let mut widened = eng.clone();
    widened["audience"]["groups"] = serde_json::json!(["*"]);
    assert_eq!(verify(&serde_json::to_vec(&widened).unwrap(), &trusted, None, 10).unwrap_err(), BundleError::BadSignature);
    // A bundle without an audience (or with an empty one) is refused.
    let mut none = eng.clone();
    none.as_object_mut().unwrap().remove("audience");
    assert_eq!(verify(&serde_json::to_vec(&none).unwrap(), &trusted, None, 10).unwrap_err(), BundleError::Field("audience.groups"));
    assert!(sign(&policy, 3, 0, 9, "k1", &[], &sk).is_err());
    let all = sign(&policy, 4, 0, u64::MAX, "k1", &["*".to_string()], &sk).unwrap();
    assert!(verify(&serde_json::to_vec(&all).unwrap(), &trusted, None, 10).unwrap().admits(Some("sales")));
}

#[test]
fn key_rotation_accepts_any_trusted_key() {
    let (sk_old, mut trusted) = keys();
    let (sk_new, new) = keys();
    trusted.push(TrustedKey { key_id: "k2".into(), public_key: new[0].public_key.clone() });
    let policy: Value = serde_json::from_str(default_policy_json()).unwrap();
    for (sk, id) in [(&sk_old, "k1"), (&sk_new, "k2")] {
        let b = sign(&policy, 1, 0, u64::MAX, id, &["*".to_string()], sk).unwrap();
        assert!(verify(&serde_json::to_vec(&b).unwrap(), &trusted, None, 10).is_ok());
    }
}

#[test]
fn json_schema_names_every_field_the_parser_reads() {
    let schema: Value = serde_json::from_str(include_str!("../../../docs/schemas/policy.schema.json")).unwrap();
    let props = schema["properties"].as_object().unwrap();
    let default: Value = serde_json::from_str(default_policy_json()).unwrap();
    for k in default.as_object().unwrap().keys() {
        assert!(props.contains_key(k), "schema lacks top-level `{k}`");
    }
    let rule_props = schema["$defs"]["rule"]["properties"].as_object().unwrap();
    for k in default["rules"][0].as_object().unwrap().keys() {
        assert!(rule_props.contains_key(k), "schema lacks rule field `{k}`");
    }
}

#[test]
fn site_adapters_are_validated_and_make_their_hosts_ai_sites() {
    let good = r#"{"schema_version": 1, "name": "x", "rules": [],
      "sites": {"adapters": [{"id": "acme-ai", "name": "Acme AI", "hosts": ["ai.acme.example", "*.acme-chat.example"],
        "paths": {"ai.acme.example": ["/chat"]}, "editor": "textarea", "composer": ["textarea#prompt"], "send": ["button.send"],
        "response": [".answers"]}]}}"#;
    let p = parse_policy(good).unwrap();
    assert!(p.ai_sites.iter().any(|h| h == "ai.acme.example"), "an adapter's host is an AI site");
    assert_eq!(p.policy.sites.adapters[0].editor, schema::EditorKind::Textarea);
    let bad = r#"{"schema_version": 1, "name": "x", "rules": [],
      "sites": {"adapters": [
        {"id": "a b", "name": "", "hosts": ["*"], "paths": {"other.example": ["chat"]}, "editor": "textarea", "composer": []},
        {"id": "ok", "name": "ok", "hosts": ["ok.example"], "editor": "quill", "composer": ["x} body {display:none"], "send": [""]}
      ]}}"#;
    let problems = parse_policy(bad).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "sites.adapters[0].id",
        "sites.adapters[0].name",
        "sites.adapters[0].hosts[0]",
        "sites.adapters[0].paths.other.example",
        "sites.adapters[0].paths.other.example[0]",
        "sites.adapters[0].composer",
        "sites.adapters[1].composer[0]",
        "sites.adapters[1].send[0]",
    ] {
        assert!(paths.contains(&want), "missing {want} in {paths:?}");
    }
    let unknown_editor = r#"{"schema_version": 1, "name": "x", "rules": [], "sites": {"adapters": [{"id": "a", "name": "a", "hosts": ["a.example"], "editor": "monaco", "composer": ["x"]}]}}"#;
    assert!(parse_policy(unknown_editor).is_err());
}

#[test]
fn redaction_styles_per_type_include_pseudonym() {
    let mut v: Value = serde_json::from_str(default_policy_json()).unwrap();
    v["redaction"] = serde_json::json!({"default_style": "hash", "per_type": {"PERSON": "pseudonym", "CREDIT_CARD": "mask"}});
    let p = parse_policy(&v.to_string()).unwrap();
    assert_eq!(p.policy.redaction.style_for("PERSON"), RedactionStyle::Pseudonym);
    assert_eq!(p.policy.redaction.style_for("EMAIL"), RedactionStyle::Hash);
    v["redaction"]["consistent_pseudonyms"] = true.into();
    let p = parse_policy(&v.to_string()).unwrap();
    assert_eq!(p.policy.redaction.style_for("EMAIL"), RedactionStyle::Pseudonym, "consistent_pseudonyms: every type without its own style");
    assert_eq!(p.policy.redaction.style_for("CREDIT_CARD"), RedactionStyle::Mask);
}
