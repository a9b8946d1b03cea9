#!/usr/bin/env python3
"""Train the document-category classifier and export it (models/categories/weights.bin and model.onnx).

    python3 models/fetch.py --retrain-categories        # in the pinned venv (recommended)
    python models/categories/train.py --bin target/release/promptwall

Data (categories-3): documents of three generators written apart from each other,
tests/corpus/generate.py (seeds 11, 12) and tests/corpus/independent authors B and C (seeds 11, 12), plus
real public documents pinned by hash in realdocs.json (licence texts for `legal`, manual pages as
`none`, crate sources as `source_code`; see realdocs.py), cut into paste-sized pieces. C, class
weights, whether to keep only features seen in two sources, and thresholds are chosen across
generators: fit on two generators (plus the real documents), score on the third's dev set (generate.py
seed 1, author B seed 1, author C seed 3), each way. Thresholds start at each label's best F1 and are
then moved one label at a time where that raises the exact match of the whole rule set on those
held-out predictions without lowering the lowest per-category recall (refine()). The final model is
then fitted on everything.
Author A of tests/corpus/independent is never trained or tuned on: its seed 1 is the validation set,
the figure of record (with generate.py's held-out seed 2 and author C's unseen seed 1 beside it).

Features: hashed words, word pairs, CJK character pairs, punctuation, line shapes and the
structured detectors' finding types (features.py, mirrored by agent/ml/src/features.rs); finding
types come from `promptwall scan --jsonl --no-models`, what the agent's classifier sees (PERSON
and ADDRESS are not features). Model: one L2-regularised logistic regression per category
(liblinear, deterministic). A topic head (every category but source_code) only decides on texts
that carry findings (the taxonomy's rules force `none`/`source_code` otherwise), so it learns from
generated documents with gold spans and from the real documents, whose topic is known; clean
generated documents train the source_code head only. Exported as one linear layer with sigmoid
outputs, twice with the same float32 weights: weights.bin (PWCL 1, see export_weights.py), which
the agent scores in pure Rust, and model.onnx, the reference graph the Rust scorer is tested
against when ONNX Runtime is present (agent/ml/tests/models.rs); the agent never loads it.

Rules (apply_rules, as agent/ml/src/categories.rs): SECRET/FINANCIAL/HEALTH findings force their
topic, no findings means only `source_code`/`none`, and a text with findings but no topic picked gets
the topic whose probability is nearest its threshold (in logits), not always `customer_data`.

Evaluation (eval.json): the taxonomy rules over the classifier's picks, with the findings that the
engine would have given a perfect name/address model: the structured detectors' finding types
plus the gold PERSON/ADDRESS spans. The end-to-end figure with the real models is measured by
tests/eval/score.py (models/README.md says how).
"""

import argparse
import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import export_weights  # noqa: E402
import realdocs  # noqa: E402
from features import FAMILY, vectorize_sparse  # noqa: E402

LABELS = ["source_code", "credentials", "customer_data", "health", "financial", "hr", "legal"]
GENERATORS = {
    "generate": [sys.executable, str(ROOT / "tests/corpus/generate.py")],
    "author_b": [sys.executable, str(ROOT / "tests/corpus/independent"), "--author", "b"],
    "author_c": [sys.executable, str(ROOT / "tests/corpus/independent"), "--author", "c"],
    "author_a": [sys.executable, str(ROOT / "tests/corpus/independent"), "--author", "a"],
}
TRAIN = [("generate", 11), ("generate", 12), ("author_b", 11), ("author_b", 12), ("author_c", 11), ("author_c", 12)]
# Author C's dev seed is 3: its seed 1 stays unseen documents of a seen generator (reported, never tuned on).
DEV = [("generate", 1), ("author_b", 1), ("author_c", 3)]
VALIDATION = ("author_a", 1)  # never trained or tuned on
TEST = ("generate", 2)
SEEN_C = ("author_c", 1)  # author C is trained on (seeds 11, 12) and tuned on (seed 3), never on seed 1
COUNT = 1500
DIM = 1 << 15
VERSION = "categories-3"
REAL_PIECES = 2  # pieces cut from each real document
C_GRID = (0.5, 2.0, 8.0)
WEIGHTS = (None, "balanced")
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
SHARED = (False,)  # keeping only features seen in two sources made no difference across generators

SAMPLES = [
    ("Fix it;\n  return x;\n}", ["EMAIL"]),
    ("Dear Ms. Weber,\nyour contract (NDA) is attached.\nRegards", ["PERSON"]),
    ("Patient: 佐藤 花子, MRN 00482913 — type 2 diabetes", ["MEDICAL_RECORD_NUMBER", "HEALTH_CONDITION"]),
    ("aws_access_key_id = AKIA...\n# deploy\n- step: build", ["AWS_ACCESS_KEY"]),
    ("Ünïcödé wörds, ÉTÉ; 12 Main St.\r\n\tnext line", []),
    ("给张伟的工资单：基本工资 8000 元。従業員の給与明細", ["PERSON"]),
    ("Die Mitarbeiterin kündigt; Überweisung an Konto, Klägerin vs. Beklagte", ["IBAN"]),
]


def corpus(gen: str, seed: int, cache: Path) -> Path:
    out = cache / f"categories-{gen}-seed{seed}-{COUNT}.jsonl"
    if not out.exists():
        tmp = out.with_suffix(".tmp")
        subprocess.run(GENERATORS[gen] + ["--seed", str(seed), "--count", str(COUNT), "--out", str(tmp)], check=True,
                       stdout=subprocess.DEVNULL)
        tmp.rename(out)
    return out


def scan(docs, binary: str):
    """Finding types of the structured detectors, per document id."""
    feed = "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs)
    res = subprocess.run([binary, "scan", "--jsonl", "--no-models"], input=feed.encode(), capture_output=True,
                         check=True)
    found = {}
    for line in res.stdout.decode().splitlines():
        r = json.loads(line)
        found[r["id"]] = [f["type"] for f in r.get("findings", [])]
    return found


def generated(sets, cache: Path):
    docs = []
    for gen, seed in sets:
        for d in map(json.loads, corpus(gen, seed, cache).open(encoding="utf-8")):
            d["id"] = f"{gen}:{d['id']}"
            d["topics"] = set(d["categories"]) - {"none"}
            d["real"] = False
            docs.append(d)
    return docs


def real_pieces():
    """Paste-sized pieces of the pinned real documents, cut where a line starts (fixed seed per file)."""
    out = []
    for i, (label, source, text) in enumerate(realdocs.load()):
        rng = random.Random(hashlib.sha256(text.encode()).hexdigest())
        starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
        for j in range(REAL_PIECES):
            size = int(rng.choice((300, 600, 1200, 2500, 5000)) * rng.uniform(0.7, 1.3))
            a = rng.choice(starts[: max(1, len(starts) // 2)]) if j else 0
            piece = text[a: a + size]
            if "\n" in piece[size // 2:] and a + size < len(text):
                piece = piece[: piece.rindex("\n") + 1]
            if len(piece.strip()) < 120:
                continue
            out.append({"id": f"real:{i}:{j}", "text": piece, "spans": [], "real": True,
                        "categories": [label] if label == "source_code" else ["none"],
                        "topics": {label} - {"none"}})
    return out


def matrix(docs, found):
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        for j, v in vectorize_sparse(d["text"], found.get(d["id"], []), DIM).items():
            rows.append(i)
            cols.append(j)
            vals.append(v)
    return csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(len(docs), DIM), dtype=np.float32)


def targets(docs):
    """Per label: (row mask, y). Topic heads learn where they decide: texts with findings, and real documents."""
    out = []
    for lab in LABELS:
        if lab == "source_code":
            mask = np.ones(len(docs), bool)
            y = np.array([lab in d["categories"] for d in docs], int)
        else:
            mask = np.array([d["real"] or bool(d["spans"]) for d in docs])
            y = np.array([lab in d["topics"] for d in docs], int)
        out.append((mask, y))
    return out


def types_for_rules(d, found):
    """Structured finding types plus the gold PERSON/ADDRESS spans (a perfect name/address model)."""
    return found.get(d["id"], []) + [s["type"] for s in d["spans"] if s["type"] in ("PERSON", "ADDRESS")]


TOPICS = (("credentials", "SECRET"), ("customer_data", None), ("health", "HEALTH"),
          ("financial", "FINANCIAL"), ("hr", None), ("legal", None))


def margin(p, t):
    """How far a probability is above its threshold, in logits (as categories.rs::margin)."""
    logit = lambda v: np.log(max(v, 1e-6)) - np.log(max(1.0 - v, 1e-6))  # noqa: E731
    return logit(p) - logit(t)


def apply_rules(types, margins):
    """The taxonomy rules on top of the classifier's margins (as categories.rs::apply_rules): a label
    is picked when its margin is >= 0. A text with findings but no topic gets the topic closest to
    its threshold (the taxonomy names no default topic)."""
    has = lambda fam: any(FAMILY.get(t) == fam for t in types)  # noqa: E731
    cats = ["source_code"] if margins["source_code"] >= 0 else []
    if not types:
        return cats or ["none"]
    for cat, fam in TOPICS:
        if (fam and has(fam)) or margins[cat] >= 0:
            cats.append(cat)
    if not any(c != "source_code" for c in cats):
        cats.append(max(["customer_data"] + [c for c, _ in TOPICS], key=lambda c: margins[c]))  # ties: customer_data
    return cats


def probabilities(models, x):
    return np.column_stack([m.predict_proba(x)[:, 1] for m in models])


def evaluate(probs, thresholds, docs, found):
    stats = {lab: [0, 0, 0] for lab in LABELS + ["none"]}
    exact = 0
    for i, d in enumerate(docs):
        margins = {lab: margin(probs[i, k], thresholds[k]) for k, lab in enumerate(LABELS)}
        pred = set(apply_rules(types_for_rules(d, found), margins))
        gold = set(d["categories"])
        exact += pred == gold
        for lab in stats:
            stats[lab][0] += lab in pred and lab in gold
            stats[lab][1] += lab in pred and lab not in gold
            stats[lab][2] += lab in gold and lab not in pred
    out = {}
    for lab, (tp, fp, fn) in stats.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[lab] = {"precision": round(p, 3), "recall": round(r, 3),
                    "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "support": tp + fn}
    out["exact_match"] = round(exact / len(docs), 3)
    out["docs"] = len(docs)
    return out


def fit(x, tgt, c, weight):
    models = []
    for mask, y in tgt:
        m = LogisticRegression(C=c, solver="liblinear", random_state=0, class_weight=weight)
        models.append(m.fit(x[mask], y[mask]))
    return models


def export(models, path: Path):
    """One linear layer over a sparse input: the non-zero feature indices (int64 [n]) and their values
    (float [n]) gather n rows of W, weighted and summed, then bias and sigmoid. Reading n rows
    instead of the whole [DIM, labels] matrix per text is what makes it cheap (a dense input costs
    a pass over all 0.9 MB of weights per call)."""
    w = np.column_stack([m.coef_[0] for m in models]).astype(np.float32)  # [DIM, labels]
    b = np.array([m.intercept_[0] for m in models], np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["W", "indices"], ["rows"], axis=0),
         helper.make_node("Unsqueeze", ["values", "axis1"], ["column"]),
         helper.make_node("Mul", ["rows", "column"], ["weighted"]),
         helper.make_node("ReduceSum", ["weighted", "axis0"], ["logits_nobias"], keepdims=1),
         helper.make_node("Add", ["logits_nobias", "b"], ["logits"]),
         helper.make_node("Sigmoid", ["logits"], ["probabilities"])],
        "promptwall_categories",
        [helper.make_tensor_value_info("indices", TensorProto.INT64, ["n"]),
         helper.make_tensor_value_info("values", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, len(LABELS)])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(np.array([1], np.int64), "axis1"),
         numpy_helper.from_array(np.array([0], np.int64), "axis0")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="promptwall")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target/release/promptwall"))
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    cache = ROOT / "models/.cache"
    cache.mkdir(parents=True, exist_ok=True)
    try:
        real = real_pieces()
    except realdocs.Missing as e:
        sys.exit(f"train.py: {e}")

    train_docs = generated(TRAIN, cache) + real
    train_found = scan(train_docs, args.bin)
    x_train, tgt = matrix(train_docs, train_found), targets(train_docs)
    dev_docs = generated(DEV, cache)
    dev_found = scan(dev_docs, args.bin)
    x_dev, dev_tgt = matrix(dev_docs, dev_found), targets(dev_docs)
    print(f"train: {len(train_docs)} documents ({len(real)} real pieces); dev: {len(dev_docs)}", flush=True)

    # Model choice across generators, never within one: fit on all generators but one (plus the
    # real documents), score on the left-out generator's dev set, each way. A choice made on a dev
    # set of a training generator rewards memorising its templates.
    source = np.array([d["id"].split(":")[0] for d in train_docs])
    dev_source = np.array([d["id"].split(":")[0] for d in dev_docs])
    gens = sorted({g for g, _ in TRAIN})

    def shared_columns(rows):
        """Hash buckets that occur in at least two training sources (generators, real documents)."""
        seen = []
        for src in sorted(set(source[rows])):
            seen.append(np.asarray((x_train[rows & (source == src)] != 0).sum(axis=0)).ravel() > 0)
        return np.sum(seen, axis=0) >= 2

    def restrict(x, cols):
        return x @ csr_matrix((cols.astype(np.float32), (np.arange(DIM), np.arange(DIM))), shape=(DIM, DIM))

    def tune(probs, dtgt):
        """Per-label threshold with the best F1 on the rows where that label decides."""
        out = []
        for k, (mask, y) in enumerate(dtgt):
            def f1(t):
                pred = probs[mask, k] >= t
                yy = y[mask] == 1
                tp, fp, fn = np.sum(pred & yy), np.sum(pred & ~yy), np.sum(~pred & yy)
                return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            out.append(max(THRESHOLDS, key=f1))
        return out

    def refine(probs, th):
        """The per-label F1 thresholds, then each label's threshold moved (in label order, once) where
        that raises the cross-generator exact match of the whole rule set. Per-label F1 cannot see
        the rules: a sensitive text with no topic picked gets the nearest one anyway, so a head that
        fires beside other topics (customer_data on wire instructions or HR minutes) can afford a
        higher threshold than its F1 alone suggests. A move never takes the lowest per-category
        recall below where the F1 thresholds left it (the aim is every category's recall, not only
        the exact match)."""
        def key(t):
            score = evaluate(probs, t, dev_docs, dev_found)
            return round(score["exact_match"], 3), min(score[lab]["recall"] for lab in LABELS + ["none"])
        th, best_key = list(th), key(th)
        floor = best_key[1]
        for k in range(len(LABELS)):
            for t in THRESHOLDS:
                trial = th[:k] + [t] + th[k + 1:]
                trial_key = key(trial)
                if trial_key[1] >= floor and trial_key > best_key:
                    th, best_key = trial, trial_key
        return th, best_key

    best = None
    for shared in SHARED:
        for weight in WEIGHTS:
            for c in C_GRID:
                probs = np.zeros((len(dev_docs), len(LABELS)))
                for g in gens:
                    rows = source != g
                    xt = restrict(x_train, shared_columns(np.ones(len(train_docs), bool))) if shared else x_train
                    sub = [(m & rows, y) for m, y in tgt]
                    models = fit(xt, sub, c, weight)
                    held = dev_source == g
                    probs[held] = probabilities(models, x_dev[held])
                th, key = refine(probs, tune(probs, dev_tgt))
                print(f"shared={shared} C={c} class_weight={weight}: cross-generator dev exact match "
                      f"{key[0]:.3f}, lowest recall {key[1]:.3f}, thresholds {th}", flush=True)
                if best is None or key > best[0]:
                    best = (key, shared, c, weight, th)
    _, shared, c, weight, thresholds = best
    cols = shared_columns(np.ones(len(train_docs), bool)) if shared else np.ones(DIM, bool)
    models = fit(restrict(x_train, cols) if shared else x_train, tgt, c, weight)

    reports = {}
    for name, sets in (("validation_author_a_seed_1_never_seen", [VALIDATION]), ("test_generate_seed_2_held_out", [TEST]),
                       ("author_c_seed_1_unseen_documents", [SEEN_C]), ("dev", DEV)):
        docs = generated(sets, cache)
        found = scan(docs, args.bin)
        reports[name] = evaluate(probabilities(models, matrix(docs, found)), thresholds, docs, found)
    report = {
        "version": VERSION, "C": c, "class_weight": weight, "shared_features_only": shared,
        "thresholds": dict(zip(LABELS, thresholds)),
        "train": {"generated": [f"{g} seed {s}" for g, s in TRAIN], "real_pieces": len(real),
                  "real_documents": "realdocs.json", "docs": len(train_docs)},
        "dev": [f"{g} seed {s}" for g, s in DEV],
        "rules_see": "structured findings (--no-models) + gold PERSON/ADDRESS spans",
        **reports,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    model_path = args.out / "model.onnx"
    export(models, model_path)
    # weights.bin (PWCL 1), what the agent reads: W and b read back from model.onnx, so both files
    # hold the same float32 weights (export_weights.py documents the format).
    weights_sha = export_weights.write_from_onnx(model_path, LABELS, thresholds, args.out / "weights.bin")
    (args.out / "eval.json").write_text(json.dumps(report, indent=2) + "\n")
    vectors = [{"text": t, "types": ty, "vector": {str(i): round(v, 5) for i, v in sorted(vectorize_sparse(t, ty, 1024).items())}}
               for t, ty in SAMPLES]
    (args.out / "feature_vectors.json").write_text(json.dumps({"dim": 1024, "samples": vectors}, indent=1, ensure_ascii=False) + "\n")
    manifest = {
        "format": 1, "name": "categories", "kind": "linear_multilabel", "version": VERSION,
        "description": "Document-category classifier of our own: hashed bag of features (agent/ml/src/features.rs) "
                       "into one logistic regression per category, trained by models/categories/train.py on "
                       "documents of three independent generators and real public documents.",
        "source": {"trained_by": "models/categories/train.py", "train": report["train"]["generated"],
                   "real_documents": len(real), "docs": len(train_docs)},
        "license": "Apache-2.0",
        "files": {"weights": {"path": "weights.bin", "sha256": weights_sha},
                  "onnx": {"path": "model.onnx", "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest()}},
        "labels": LABELS,
        "settings": {"dim": DIM, "thresholds": thresholds, "input": "sparse", "weights_format": "PWCL-1"},
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps({k: reports[k]["exact_match"] for k in reports}))
    print(json.dumps(reports["validation_author_a_seed_1_never_seen"], indent=1))


if __name__ == "__main__":
    main()
