#!/usr/bin/env python3
"""Quality gate: score `promptwall scan --jsonl` on the held-out corpus and fail when a headline
figure drops below its floor.

    python3 tests/eval/quality_gate.py --bin target/debug/promptwall --corpus target/corpus/test.jsonl

Scores with tests/eval/score.py (the matching rules are in docs/taxonomy.md). Floors are the
issue's aims for the structured detectors, a little under what the engine measures today, so a
regression fails CI while the figures in the closing note stay the real ones. Prints one line per
check and a closing 'N passed, N failed' line.

When the models are installed (models/fetch.py), the scan runs with them, the PII and family
floors of the model issue apply, and a second run with `--no-models` shows what the models add per
type. PROMPTWALL_REQUIRE_MODELS=1 (set by CI) fails the gate when the models did not load.
"""
import argparse, json, os, subprocess, sys, tempfile

STRUCTURED_PII = ["EMAIL", "PHONE", "DATE_OF_BIRTH", "US_SSN", "PASSPORT", "DRIVER_LICENSE", "NATIONAL_ID", "IP_ADDRESS"]


def micro(per_type, types):
    tp = sum(per_type[t]["tp"] for t in types if t in per_type)
    fp = sum(per_type[t]["fp"] for t in types if t in per_type)
    fn = sum(per_type[t]["fn"] for t in types if t in per_type)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--scorer", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "score.py"))
    a = ap.parse_args()
    def score(extra):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            cmd = [sys.executable, a.scorer, "--cmd", f"{a.bin} scan --jsonl{extra}", "--corpus", a.corpus, "--json-out", out]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            return json.load(open(out))

    verbose = subprocess.run([a.bin, "scan", "--verbose"], input=b"", capture_output=True).stderr.decode()
    # The names-and-addresses model: our tagger (default) or Rampart (PROMPTWALL_PII_MODEL=rampart).
    models_on = "models: pii-tagger" in verbose or "models: pii-ner" in verbose
    for line in verbose.splitlines():
        print(f"quality gate: {line.removeprefix('promptwall: ').strip()}")
    r = score("")
    fam = r["families"]
    checks = []
    if os.environ.get("PROMPTWALL_REQUIRE_MODELS") == "1":
        checks.append(("models loaded (PROMPTWALL_REQUIRE_MODELS=1)", models_on))
    if models_on:
        base = score(" --no-models")
        print("quality gate: what the models add (held-out F1, structured only -> with models):")
        for t in ["PERSON", "ADDRESS"]:
            b, m = base["per_type"].get(t, {}), r["per_type"].get(t, {})
            print(f"quality gate:   {t:<8} P {b.get('precision', 0):.3f} -> {m.get('precision', 0):.3f}  "
                  f"R {b.get('recall', 0):.3f} -> {m.get('recall', 0):.3f}  F1 {b.get('f1', 0):.3f} -> {m.get('f1', 0):.3f}")
        print(f"quality gate:   PII family F1 {base['families']['PII']['f1']:.3f} -> {fam['PII']['f1']:.3f}; "
              f"family micro-F1 {base['family_micro']['f1']:.3f} -> {r['family_micro']['f1']:.3f}")
        pii = fam["PII"]["f1"]
        # Floors raised with the pii-tagger (issue 16: 0.938/0.950 with Rampart, models/README.md -> 0.966/0.972 with the tagger).
        checks.append((f"PII family F1 with models {pii:.3f} >= 0.96", pii >= 0.96))
        micro_f1 = r["family_micro"]["f1"]
        checks.append((f"family micro-F1 with models {micro_f1:.3f} >= 0.97", micro_f1 >= 0.97))
    for name in ["SECRET", "FINANCIAL"]:
        p, rc, f = fam[name]["precision"], fam[name]["recall"], fam[name]["f1"]
        checks.append((f"{name} family F1 {f:.3f} >= 0.97", f >= 0.97))
        checks.append((f"{name} family precision {p:.3f} >= 0.98", p >= 0.98))
    p, rc, f = micro(r["per_type"], STRUCTURED_PII)
    checks.append((f"structured PII micro F1 {f:.3f} >= 0.97", f >= 0.97))
    checks.append((f"structured PII precision {p:.3f} >= 0.98", p >= 0.98))
    doc = r["doc"]
    checks.append((f"document recall {doc.get('sensitive_recall', doc.get('recall', 0)):.3f} >= 0.98",
                   doc.get("sensitive_recall", doc.get("recall", 0)) >= 0.98))
    passed = sum(ok for _, ok in checks)
    for text, ok in checks:
        print(f"quality gate: {'ok  ' if ok else 'FAIL'} {text}")
    print(f"{passed} passed, {len(checks) - passed} failed")
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
