"""Unit tests of tests/eval/score.py (run: python3 -m unittest discover -s tests/eval -p 'test_*.py')."""
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

TEXT = "mail jane.doe@acme-corp.com or call +1 212 555 0100, key AKIA0123456789ABCDEF"
CORPUS = [
    {"id": "d1", "text": TEXT, "spans": [{"type": "EMAIL", "start": 5, "end": 27}, {"type": "PHONE", "start": 36, "end": 51},
                                         {"type": "AWS_ACCESS_KEY", "start": 57, "end": 77}],
     "categories": ["credentials", "customer_data"], "sensitive": True},
    {"id": "d2", "text": "nothing to see here", "spans": [], "categories": ["none"], "sensitive": False},
    {"id": "d3", "text": "café Zoë Ångström", "spans": [{"type": "PERSON", "start": 6, "end": 21}],
     "categories": ["customer_data"], "sensitive": True},
]


def finding(t, s, e):
    return {"type": t, "start": s, "end": e, "score": 0.9}


class Run:
    """Scores `answers` (a list of dicts or raw lines) against CORPUS through the CLI entry point."""

    def __init__(self, answers, *flags, corpus=CORPUS):
        with tempfile.TemporaryDirectory() as d:
            corpus_path, pred_path, json_path = (os.path.join(d, n) for n in ("c.jsonl", "p.jsonl", "r.json"))
            with open(corpus_path, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in corpus)
            with open(pred_path, "w", encoding="utf-8") as fh:
                fh.writelines((a if isinstance(a, str) else json.dumps(a)) + "\n" for a in answers)
            out = io.StringIO()
            score.main(["--corpus", corpus_path, "--predictions", pred_path, "--json-out", json_path, *flags], out)
            self.text = out.getvalue()
            with open(json_path, encoding="utf-8") as fh:
                self.json = json.load(fh)


class Matching(unittest.TestCase):
    def test_iou(self):
        self.assertEqual(score.span_iou((0, 10), (0, 10)), 1.0)
        self.assertEqual(score.span_iou((0, 10), (5, 15)), 5 / 15)
        self.assertEqual(score.span_iou((0, 5), (5, 10)), 0.0)

    def test_greedy_pairing_is_one_to_one_best_first(self):
        gold = [("EMAIL", 0, 10), ("EMAIL", 8, 20)]
        found = [("EMAIL", 0, 12), ("EMAIL", 1, 10)]
        # (1, 10) fits gold 0 best (0.9); (0, 12) then has no free gold span at IoU >= 0.5.
        self.assertEqual(score.pair_up(gold, found, score.same_type, 0.5), [(0, 1)])
        self.assertEqual(score.pair_up(gold, found, score.same_type, 0.95), [])

    def test_family_matching(self):
        self.assertTrue(score.same_family("NATIONAL_ID", "DRIVER_LICENSE"))
        self.assertFalse(score.same_family("EMAIL", "IBAN"))
        self.assertFalse(score.same_family("CUSTOM", "CUSTOM"))

    def test_type_names_are_normalised(self):
        self.assertEqual(score.canonical_type(" credit-card ", {}), "CREDIT_CARD")
        self.assertEqual(score.canonical_type("cc", {"cc": "CREDIT_CARD"}), "CREDIT_CARD")
        self.assertIsNone(score.canonical_type(3, {}))

    def test_taxonomy_has_33_types(self):
        self.assertEqual(len(score.FAMILY_OF), 33)


class Scoring(unittest.TestCase):
    def test_perfect_answers(self):
        r = Run([{"id": "d1", "findings": [finding("EMAIL", 5, 27), finding("PHONE", 36, 51), finding("AWS_ACCESS_KEY", 57, 77)],
                  "categories": ["customer_data", "credentials"]},
                 {"id": "d2", "findings": [], "categories": []},
                 {"id": "d3", "findings": [finding("PERSON", 6, 21)], "categories": ["customer_data"]}]).json
        self.assertEqual(r["family_micro"]["f1"], 1.0)
        self.assertEqual(r["doc"], {"sensitive_precision": 1.0, "sensitive_recall": 1.0, "nonsensitive_precision": 1.0,
                                    "nonsensitive_recall": 1.0, "accuracy": 1.0, "tp": 2, "fp": 0, "fn": 0, "tn": 1})
        self.assertEqual(r["categories"]["exact_match_accuracy"], 1.0)  # [] is read as ["none"]
        self.assertEqual(r["meta"]["warnings"]["missing_ids"], 0)

    def test_type_errors_within_a_family_count_only_per_type(self):
        r = Run([{"id": "d1", "findings": [finding("PHONE", 5, 27)]}]).json
        self.assertEqual(r["per_type"]["EMAIL"]["fn"], 1)
        self.assertEqual(r["per_type"]["PHONE"]["fp"], 1)
        pii = r["families"]["PII"]
        self.assertEqual((pii["tp"], pii["fp"], pii["fn"]), (1, 0, 2))  # email matched by family; phone, person missed
        self.assertIsNone(r["categories"])  # no answer carried a list

    def test_unknown_types_and_trouble_are_counted(self):
        answers = ["not json", {"no": "id"}, {"id": "zz", "findings": []},
                   {"id": "d1", "findings": [finding("CUSTOM", 0, 4), finding("EMAIL", 9, 3), finding("EMAIL", 5, 999), "x"]},
                   {"id": "d1", "findings": []}, {"id": "d2"}]
        run = Run(answers)
        w = run.json["meta"]["warnings"]
        self.assertEqual(w, {"unknown_types": {"CUSTOM": 1}, "non_json_lines": 1, "lines_without_id": 1, "unknown_ids": 1,
                             "unknown_type_findings": 1, "malformed_findings": 2, "out_of_range_findings": 1,
                             "duplicate_ids": 1, "lines_without_findings": 1, "missing_ids": 1})
        self.assertEqual(run.json["families"]["OTHER"], {"fp": 1})
        self.assertEqual(run.json["unknown_type_fp"], {"CUSTOM": 1})
        self.assertIn("CUSTOM                (unknown)", run.text)
        ignored = Run(answers, "--ignore-unknown-types").json
        self.assertEqual(ignored["families"]["OTHER"], {"fp": 0})

    def test_families_filter_and_min_score(self):
        answers = [{"id": "d1", "findings": [finding("AWS_ACCESS_KEY", 57, 77), {"type": "EMAIL", "start": 5, "end": 27, "score": 0.2}]}]
        r = Run(answers, "--families", "secret").json
        self.assertEqual(r["family_micro"]["f1"], 1.0)
        self.assertEqual(r["doc"]["tp"], 1)  # only d1 has a SECRET span
        r = Run(answers, "--min-score", "0.5").json
        self.assertEqual(r["per_type"]["EMAIL"]["fn"], 1)

    def test_char_offsets_are_converted_to_bytes(self):
        chars = {"id": "d3", "findings": [finding("PERSON", 5, 17)]}  # "Zoë Ångström" in code points
        self.assertEqual(Run([chars], "--char-offsets", "--iou", "0.9").json["per_type"]["PERSON"]["tp"], 1)
        self.assertEqual(Run([chars], "--iou", "0.9").json["per_type"]["PERSON"]["tp"], 0)  # bytes 5..17: IoU 11/16

    def test_explicit_sensitive_overrides_findings(self):
        r = Run([{"id": "d2", "findings": [], "sensitive": True}]).json
        self.assertEqual(r["doc"]["fp"], 1)

    def test_report_and_summary_line(self):
        r = Run([{"id": "d1", "findings": [finding("EMAIL", 5, 27)], "categories": ["credentials"]}], "--errors", "5")
        self.assertIn("sample errors (family-level):\n  FN d1 PHONE [36:51] '+1 212 555 0100'", r.text)
        self.assertTrue(r.text.endswith("family_micro_f1=0.4000 doc_recall=0.5000 doc_precision=1.0000\n"), r.text[-200:])
        self.assertAlmostEqual(r.json["categories"]["mean_jaccard"], 0.5)


class Command(unittest.TestCase):
    def test_runs_a_command_speaking_the_contract(self):
        echo = ("import json,sys\n"
                "for l in sys.stdin:\n"
                "    d = json.loads(l); assert set(d) == {'id', 'text'}\n"
                "    i = d['text'].find('AKIA')\n"
                "    f = [{'type': 'AWS_ACCESS_KEY', 'start': i, 'end': i + 20, 'score': 1}] if i >= 0 else []\n"
                "    print(json.dumps({'id': d['id'], 'findings': f}))\n")
        with tempfile.TemporaryDirectory() as d:
            corpus, prog = os.path.join(d, "c.jsonl"), os.path.join(d, "echo.py")
            with open(corpus, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(doc) + "\n" for doc in CORPUS)
            with open(prog, "w", encoding="utf-8") as fh:
                fh.write(echo)
            out = io.StringIO()
            score.main(["--corpus", corpus, "--cmd", f"{sys.executable} {prog}", "--families", "SECRET"], out)
        self.assertIn("family_micro_f1=1.0000", out.getvalue())
        self.assertIn("exit code 0", out.getvalue())


if __name__ == "__main__":
    unittest.main()
