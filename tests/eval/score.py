#!/usr/bin/env python3
"""Score a detector that speaks Promptwall's scan contract against a labelled corpus.

    python3 tests/eval/score.py --cmd "target/release/promptwall scan --jsonl" --corpus target/corpus/test.jsonl
    python3 tests/eval/score.py --predictions preds.jsonl --corpus target/corpus/test.jsonl

The types, families, span rules and the JSONL contract are those of docs/taxonomy.md. The command
gets `{"id", "text"}` lines on stdin (never the labels) and answers with one line per document:
`{"id", "findings": [{"type", "start", "end", "score"}], "categories": [...]}`, offsets in UTF-8
bytes, end exclusive. Answers are matched to documents by id, so their order is free; lines that
are not JSON, lack an id or carry an unknown or repeated id, findings that are malformed or out of
range, and documents never answered are counted and reported, not fatal.

Span matching: a finding and a gold span pair up when their byte intersection over union is at
least --iou (0.5) and their types are equal (per-type figures) or of one family (family figures,
the headline). Pairing is one-to-one and greedy, best IoU first (ties: earlier gold span, then
earlier finding). Types outside the taxonomy (CUSTOM included) are false positives of the pseudo
family OTHER, or dropped with --ignore-unknown-types.

Documents: predicted sensitive when at least one finding is kept, unless the answer has a boolean
`sensitive` of its own. Categories are scored on answers that carry a `categories` list; an empty
list means ["none"].
"""
import argparse
import collections
import json
import subprocess
import sys
import time

# The taxonomy of docs/taxonomy.md, in its order (the report lists types in this order).
TAXONOMY = (
    ("PII", ("PERSON", "EMAIL", "PHONE", "ADDRESS", "DATE_OF_BIRTH", "US_SSN", "PASSPORT", "DRIVER_LICENSE",
             "NATIONAL_ID", "IP_ADDRESS")),
    ("FINANCIAL", ("CREDIT_CARD", "IBAN", "BANK_ACCOUNT", "US_ROUTING_NUMBER", "SWIFT_BIC")),
    ("SECRET", ("AWS_ACCESS_KEY", "AWS_SECRET_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN", "SLACK_TOKEN",
                "SLACK_WEBHOOK", "STRIPE_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "AZURE_KEY",
                "PRIVATE_KEY", "JWT", "PASSWORD", "CONNECTION_STRING", "GENERIC_SECRET")),
    ("HEALTH", ("MEDICAL_RECORD_NUMBER", "HEALTH_CONDITION")),
)
FAMILY_NAMES = [family for family, _ in TAXONOMY]
FAMILY_OF = {t: family for family, types in TAXONOMY for t in types}
OTHER = "OTHER"  # the pseudo family of predicted types outside the taxonomy
CATEGORIES = ("source_code", "credentials", "customer_data", "health", "financial", "hr", "legal", "none")

# The kinds of trouble counted while reading answers, in the order they are checked.
NON_JSON, NO_ID, UNKNOWN_ID, DUPLICATE_ID = "non_json_lines", "lines_without_id", "unknown_ids", "duplicate_ids"
NO_FINDINGS, MALFORMED, OUT_OF_RANGE = "lines_without_findings", "malformed_findings", "out_of_range_findings"
UNKNOWN_TYPE = "unknown_type_findings"


class Tally:
    """True positives, false positives and false negatives of one type, family or category."""

    __slots__ = ("tp", "fp", "fn")

    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, other):
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def prf(self):
        return prf(self.tp, self.fp, self.fn)


def prf(tp, fp, fn):
    """Precision, recall and F1; each 0 when undefined."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ratio(num, den):
    return num / den if den else 0.0


def span_iou(a, b):
    """Intersection over union of two (start, end) byte ranges; 0 when they do not overlap."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def pair_up(gold, found, compatible, threshold):
    """One-to-one greedy pairing of gold spans and findings, each a (type, start, end) tuple.

    Every compatible pair at or over `threshold` is a candidate; candidates are taken best IoU
    first (ties by gold index, then finding index) while neither side is taken yet. Returns the
    (gold index, finding index) pairs.
    """
    candidates = []
    for gi, (gtype, gs, ge) in enumerate(gold):
        for fi, (ftype, fs, fe) in enumerate(found):
            if compatible(gtype, ftype):
                overlap = span_iou((gs, ge), (fs, fe))
                if overlap >= threshold:
                    candidates.append((-overlap, gi, fi))
    candidates.sort()
    gold_taken, found_taken, pairs = set(), set(), []
    for _, gi, fi in candidates:
        if gi in gold_taken or fi in found_taken:
            continue
        gold_taken.add(gi)
        found_taken.add(fi)
        pairs.append((gi, fi))
    return pairs


def same_type(a, b):
    return a == b


def same_family(a, b):
    return FAMILY_OF.get(a) is not None and FAMILY_OF.get(a) == FAMILY_OF.get(b)


def canonical_type(name, type_map):
    """The taxonomy name for a predicted type: `type_map` first, then upper case with `_`."""
    if not isinstance(name, str):
        return None
    name = name.strip()
    if name in type_map:
        return type_map[name]
    name = name.upper().replace("-", "_").replace(" ", "_")
    return type_map.get(name, name)


def byte_offsets_of_chars(text):
    """Byte offset of every character index of `text`, one past the end included."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    return offsets


class Answer:
    """What the command said about one document."""

    __slots__ = ("findings", "categories", "sensitive")

    def __init__(self, findings=(), categories=None, sensitive=None):
        self.findings = list(findings)  # (type, start, end), byte offsets
        self.categories = categories  # set of names, or None when the answer had no list
        self.sensitive = sensitive  # explicit bool, or None


def read_answers(output, docs, opts, type_map, trouble):
    """Parses the command's stdout into {document id: Answer}, counting trouble as it goes."""
    answers = {}
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            trouble[NON_JSON] += 1
            continue
        if not isinstance(obj, dict) or "id" not in obj:
            trouble[NO_ID] += 1
            continue
        doc_id = str(obj["id"])
        if doc_id not in docs:
            trouble[UNKNOWN_ID] += 1
            continue
        if doc_id in answers:
            trouble[DUPLICATE_ID] += 1
            continue
        answers[doc_id] = read_answer(obj, docs[doc_id]["text"], opts, type_map, trouble)
    return answers


def read_answer(obj, text, opts, type_map, trouble):
    size = len(text.encode("utf-8"))
    char_to_byte = byte_offsets_of_chars(text) if opts.char_offsets else None
    raw = obj.get("findings")
    if not isinstance(raw, list):
        trouble[NO_FINDINGS] += 1
        raw = []
    findings = []
    for item in raw:
        if not isinstance(item, dict):
            trouble[MALFORMED] += 1
            continue
        kind = canonical_type(item.get("type"), type_map)
        try:
            start, end = int(item.get("start")), int(item.get("end"))
        except (TypeError, ValueError, OverflowError):
            trouble[MALFORMED] += 1
            continue
        if char_to_byte is not None:
            if not 0 <= start <= end < len(char_to_byte):
                trouble[OUT_OF_RANGE] += 1
                continue
            start, end = char_to_byte[start], char_to_byte[end]
        if kind is None or end <= start:
            trouble[MALFORMED] += 1
            continue
        if start < 0 or end > size:
            trouble[OUT_OF_RANGE] += 1
            continue
        score = item.get("score")
        if opts.min_score is not None and isinstance(score, (int, float)) and score < opts.min_score:
            continue
        if kind not in FAMILY_OF:
            trouble[UNKNOWN_TYPE] += 1
            trouble["unknown_types"][kind] += 1
            if opts.ignore_unknown_types:
                continue
        if opts.families and FAMILY_OF.get(kind) not in opts.families:
            continue
        findings.append((kind, start, end))
    categories = obj.get("categories")
    if isinstance(categories, list):
        categories = {c.strip().lower() for c in categories if isinstance(c, str)} or {"none"}
    else:
        categories = None
    sensitive = obj.get("sensitive")
    return Answer(findings, categories, sensitive if isinstance(sensitive, bool) else None)


def value_at(text, span):
    return text.encode("utf-8")[span[1]:span[2]].decode("utf-8", "replace")


def evaluate(corpus, answers, opts):
    """All figures for `corpus` (a list of documents) given `answers` ({id: Answer})."""
    by_type = collections.defaultdict(Tally)  # exact type matching
    by_family = collections.defaultdict(Tally)  # family matching; OTHER collects unknown types
    docs = collections.Counter()  # (gold sensitive, predicted sensitive) -> count
    by_category = collections.defaultdict(Tally)
    cat_docs, cat_exact, cat_jaccard = 0, 0, 0.0
    samples = []
    families = opts.families
    for doc in corpus:
        gold = []
        for s in doc.get("spans", []):
            if families and FAMILY_OF.get(s["type"]) not in families:
                continue
            if s["type"] not in FAMILY_OF:
                raise SystemExit(f"score.py: document {doc['id']}: span type {s['type']!r} is not in the taxonomy")
            gold.append((s["type"], s["start"], s["end"]))
        answer = answers.get(str(doc["id"])) or Answer()
        found = answer.findings

        paired = pair_up(gold, found, same_type, opts.iou)
        gold_hit, found_hit = {g for g, _ in paired}, {f for _, f in paired}
        for gi, g in enumerate(gold):
            if gi in gold_hit:
                by_type[g[0]].tp += 1
            else:
                by_type[g[0]].fn += 1
        for fi, f in enumerate(found):
            if fi not in found_hit:
                by_type[f[0]].fp += 1

        paired = pair_up(gold, found, same_family, opts.iou)
        gold_hit, found_hit = {g for g, _ in paired}, {f for _, f in paired}
        for gi, g in enumerate(gold):
            if gi in gold_hit:
                by_family[FAMILY_OF[g[0]]].tp += 1
            else:
                by_family[FAMILY_OF[g[0]]].fn += 1
        for fi, f in enumerate(found):
            if fi not in found_hit:
                by_family[FAMILY_OF.get(f[0], OTHER)].fp += 1
        if opts.errors and len(samples) < opts.errors:
            samples += [("FN", doc["id"], g, value_at(doc["text"], g)) for gi, g in enumerate(gold) if gi not in gold_hit]
            samples += [("FP", doc["id"], f, value_at(doc["text"], f)) for fi, f in enumerate(found) if fi not in found_hit]

        if families:
            gold_sensitive = bool(gold)
        else:
            gold_sensitive = bool(doc.get("sensitive", bool(gold)))
        predicted_sensitive = answer.sensitive if answer.sensitive is not None else bool(found)
        docs[(gold_sensitive, predicted_sensitive)] += 1

        if answer.categories is not None:
            gold_cats, said = set(doc.get("categories") or ["none"]), answer.categories
            cat_docs += 1
            cat_exact += gold_cats == said
            union = gold_cats | said
            cat_jaccard += len(gold_cats & said) / len(union) if union else 1.0
            for c in set(CATEGORIES) | said:
                if c in said:
                    if c in gold_cats:
                        by_category[c].tp += 1
                    else:
                        by_category[c].fp += 1
                elif c in gold_cats:
                    by_category[c].fn += 1
    return summarise(by_type, by_family, docs, by_category, cat_docs, cat_exact, cat_jaccard, samples)


def figures(tally):
    p, r, f = tally.prf()
    return {"tp": tally.tp, "fp": tally.fp, "fn": tally.fn, "precision": p, "recall": r, "f1": f}


def summarise(by_type, by_family, docs, by_category, cat_docs, cat_exact, cat_jaccard, samples):
    per_type = {}
    for family, types in TAXONOMY:
        for t in types:
            tally = by_type[t]
            per_type[t] = {"family": family, "support": tally.tp + tally.fn, **figures(tally)}

    per_family = {}
    family_f1s = []
    for family, types in TAXONOMY:
        tally = by_family[family]
        strict = Tally()
        for t in types:
            strict.add(by_type[t])
        with_support = [per_type[t]["f1"] for t in types if per_type[t]["support"]]
        per_family[family] = {"support": tally.tp + tally.fn, **figures(tally),
                              "type_strict_micro_f1": strict.prf()[2],
                              "type_strict_macro_f1": sum(with_support) / len(with_support) if with_support else 0.0}
        if tally.tp + tally.fn:
            family_f1s.append(per_family[family]["f1"])
    per_family[OTHER] = {"fp": by_family[OTHER].fp}

    all_families = Tally()
    for tally in by_family.values():
        all_families.add(tally)
    all_types = Tally()
    for tally in by_type.values():
        all_types.add(tally)
    strict_micro = all_types.prf()
    type_f1s = [v["f1"] for v in per_type.values() if v["support"]]

    tp, fn, fp, tn = docs[(True, True)], docs[(True, False)], docs[(False, True)], docs[(False, False)]
    document = {"sensitive_precision": ratio(tp, tp + fp), "sensitive_recall": ratio(tp, tp + fn),
                "nonsensitive_precision": ratio(tn, tn + fn), "nonsensitive_recall": ratio(tn, tn + fp),
                "accuracy": (tp + tn) / max(1, tp + tn + fp + fn), "tp": tp, "fp": fp, "fn": fn, "tn": tn}

    categories = None
    if cat_docs:
        per_category = {}
        for c in CATEGORIES:
            p, r, f = by_category[c].prf()
            per_category[c] = {"precision": p, "recall": r, "f1": f, "support": by_category[c].tp + by_category[c].fn}
        unknown = {c: by_category[c].fp for c in sorted(c for c in by_category if c not in CATEGORIES)}
        categories = {"docs_with_categories": cat_docs, "exact_match_accuracy": cat_exact / cat_docs,
                      "mean_jaccard": cat_jaccard / cat_docs, "per_category": per_category,
                      "unknown_categories_predicted": unknown}

    return {
        "per_type": per_type,
        "families": per_family,
        "doc": document,
        "categories": categories,
        "errors": samples,
        "unknown_type_fp": {t: v.fp for t, v in by_type.items() if t not in FAMILY_OF},
        "family_micro": figures(all_families),
        "family_macro_f1": sum(family_f1s) / len(family_f1s) if family_f1s else 0.0,
        "type_strict_micro": dict(zip(("precision", "recall", "f1"), strict_micro)),
        "type_strict_macro_f1": sum(type_f1s) / len(type_f1s) if type_f1s else 0.0,
    }


def pct(x):
    return f"{100 * x:5.1f}"


def report(res, meta, out=sys.stdout):
    """The human-readable report."""
    only = meta.get("families_filter")
    lines = [f"\n== promptwall eval: {meta['n_docs']} docs, {meta['input_bytes'] / 1024:.0f} KiB, "
             f"command: {meta.get('cmd') or meta.get('predictions')}"]
    if only:
        lines.append(f"   (restricted to families: {', '.join(only)})")
    lines.append(f"\n{'type':<22}{'family':<10}{'support':>8}{'tp':>7}{'fp':>7}{'fn':>7}{'P%':>7}{'R%':>7}{'F1%':>7}")
    for t, v in res["per_type"].items():
        if not only or v["family"] in only:
            lines.append(f"{t:<22}{v['family']:<10}{v['support']:>8}{v['tp']:>7}{v['fp']:>7}{v['fn']:>7}"
                         f"{pct(v['precision']):>7}{pct(v['recall']):>7}{pct(v['f1']):>7}")
    for t, n in sorted(res["unknown_type_fp"].items()):
        lines.append(f"{t:<22}{'(unknown)':<10}{0:>8}{0:>7}{n:>7}{0:>7}")
    lines.append(f"\n{'family':<12}{'support':>8}{'tp':>7}{'fp':>7}{'fn':>7}{'P%':>7}{'R%':>7}{'F1%':>7}  "
                 f"{'strict-micro-F1%':>16}{'strict-macro-F1%':>17}")
    for family, v in res["families"].items():
        if family == OTHER or (only and family not in only):
            continue
        lines.append(f"{family:<12}{v['support']:>8}{v['tp']:>7}{v['fp']:>7}{v['fn']:>7}{pct(v['precision']):>7}"
                     f"{pct(v['recall']):>7}{pct(v['f1']):>7}  {pct(v['type_strict_micro_f1']):>16}"
                     f"{pct(v['type_strict_macro_f1']):>17}")
    other_fp = res["families"][OTHER]["fp"]
    if other_fp:
        lines.append(f"{OTHER:<12}{'':>8}{'':>7}{other_fp:>7}   (predictions with types outside the taxonomy)")
    m, s = res["family_micro"], res["type_strict_micro"]
    lines.append(f"\nfamily-level micro  P {pct(m['precision'])}  R {pct(m['recall'])}  F1 {pct(m['f1'])}   "
                 f"family macro F1 {pct(res['family_macro_f1'])}")
    lines.append(f"type-strict  micro  P {pct(s['precision'])}  R {pct(s['recall'])}  F1 {pct(s['f1'])}   "
                 f"type macro F1 {pct(res['type_strict_macro_f1'])} (over types with support)")
    d = res["doc"]
    lines.append(f"\ndocument level (sensitive = any finding): TP {d['tp']}  FP {d['fp']}  FN {d['fn']}  TN {d['tn']}")
    lines.append(f"  sensitive      precision {pct(d['sensitive_precision'])}  recall {pct(d['sensitive_recall'])}")
    lines.append(f"  non-sensitive  precision {pct(d['nonsensitive_precision'])}  recall "
                 f"{pct(d['nonsensitive_recall'])}   accuracy {pct(d['accuracy'])}")
    c = res["categories"]
    if c:
        lines.append(f"\ncategories ({c['docs_with_categories']} docs carried a list): exact-match "
                     f"{pct(c['exact_match_accuracy'])}  mean Jaccard {pct(c['mean_jaccard'])}")
        for name, v in c["per_category"].items():
            lines.append(f"  {name:<14} P {pct(v['precision'])}  R {pct(v['recall'])}  F1 {pct(v['f1'])}  "
                         f"support {v['support']}")
        if c["unknown_categories_predicted"]:
            lines.append(f"  unknown categories predicted: {c['unknown_categories_predicted']}")
    else:
        lines.append("\ncategories: not provided by the command")
    wall = meta.get("wall_s")
    if wall is not None:
        lines.append(f"\nthroughput: {meta['input_bytes'] / 1024 / wall:.1f} KB/s, {meta['n_docs'] / wall:.1f} docs/s "
                     f"(wall clock {wall:.2f}s incl. process start; exit code {meta['returncode']})")
    trouble = meta["warnings"]
    counted = {k: v for k, v in trouble.items() if v and k != "unknown_types"}
    if counted:
        lines.append(f"warnings: {counted}")
    if trouble["unknown_types"]:
        lines.append(f"unknown predicted types: {dict(trouble['unknown_types'])}")
    if res["errors"]:
        lines.append("\nsample errors (family-level):")
        for kind, doc_id, span, value in res["errors"]:
            lines.append(f"  {kind} {doc_id} {span[0]} [{span[1]}:{span[2]}] {value[:100]!r}")
    out.write("".join(line + "\n" for line in lines))


def run_scanner(cmd, corpus, timeout):
    """Feeds `{"id", "text"}` lines to the shell command `cmd`; returns (stdout, exit code, seconds,
    stderr). The command is killed after `timeout` seconds."""
    payload = "".join(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n" for d in corpus)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = proc.communicate(payload.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    return stdout.decode("utf-8", errors="replace"), proc.returncode, wall, stderr


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmd", help="shell command speaking the JSONL contract on stdin/stdout")
    ap.add_argument("--predictions", help="score a saved output file instead of running --cmd")
    ap.add_argument("--corpus", required=True, help="labelled corpus (JSONL)")
    ap.add_argument("--json-out", help="also write the figures as JSON here")
    ap.add_argument("--save-predictions", help="save the command's stdout here")
    ap.add_argument("--iou", type=float, default=0.5, help="least intersection over union for a match (0.5)")
    ap.add_argument("--min-score", type=float, default=None, help="drop findings scoring below this")
    ap.add_argument("--families", default=None,
                    help="comma list, e.g. SECRET,FINANCIAL: score only these families (gold and findings)")
    ap.add_argument("--ignore-unknown-types", action="store_true",
                    help="drop predicted types outside the taxonomy instead of counting them as false positives")
    ap.add_argument("--type-map", default=None, help="JSON file mapping predicted type names to taxonomy names")
    ap.add_argument("--char-offsets", action="store_true",
                    help="the command reports character (code point) offsets; convert them to bytes")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents (for debugging)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before the command is killed")
    ap.add_argument("--errors", type=int, default=0, help="print about N sample false positives/negatives (family level)")
    opts = ap.parse_args(argv)
    if not opts.cmd and not opts.predictions:
        ap.error("give --cmd or --predictions")
    opts.families = [f.strip().upper() for f in opts.families.split(",")] if opts.families else None
    return opts


def main(argv=None, out=sys.stdout):
    opts = parse_args(argv)
    type_map = {}
    if opts.type_map:
        with open(opts.type_map, encoding="utf-8") as fh:
            type_map = json.load(fh)
    with open(opts.corpus, encoding="utf-8") as fh:
        corpus = [json.loads(line) for line in fh if line.strip()]
    if opts.limit:
        corpus = corpus[:opts.limit]
    docs = {str(d["id"]): d for d in corpus}
    input_bytes = sum(len(d["text"].encode("utf-8")) for d in corpus)
    meta = {"n_docs": len(corpus), "input_bytes": input_bytes, "cmd": opts.cmd, "predictions": opts.predictions,
            "families_filter": opts.families, "iou": opts.iou, "wall_s": None, "returncode": None}

    if opts.cmd:
        output, code, wall, stderr = run_scanner(opts.cmd, corpus, opts.timeout)
        meta["wall_s"], meta["returncode"] = wall, code
        if code != 0:
            tail = stderr[-2000:].decode("utf-8", "replace")
            print(f"warning: command exited with {code}; stderr tail:\n{tail}", file=sys.stderr)
        if opts.save_predictions:
            with open(opts.save_predictions, "w", encoding="utf-8") as fh:
                fh.write(output)
    else:
        with open(opts.predictions, encoding="utf-8") as fh:
            output = fh.read()

    trouble = collections.Counter()
    trouble["unknown_types"] = collections.Counter()
    answers = read_answers(output, docs, opts, type_map, trouble)
    trouble["missing_ids"] = len(corpus) - len(answers)
    meta["warnings"] = trouble
    res = evaluate(corpus, answers, opts)
    report(res, meta, out)

    if opts.json_out:
        data = {k: v for k, v in res.items() if k != "errors"}
        data["meta"] = {k: v for k, v in meta.items() if k != "warnings"}
        data["meta"]["warnings"] = {k: dict(v) if isinstance(v, collections.Counter) else v for k, v in trouble.items()}
        if meta["wall_s"]:
            data["throughput_kb_s"] = input_bytes / 1024 / meta["wall_s"]
            data["throughput_docs_s"] = len(corpus) / meta["wall_s"]
        with open(opts.json_out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
    d = res["doc"]
    out.write(f"family_micro_f1={res['family_micro']['f1']:.4f} doc_recall={d['sensitive_recall']:.4f} "
              f"doc_precision={d['sensitive_precision']:.4f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
