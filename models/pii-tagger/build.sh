#!/usr/bin/env bash
# Rebuilds the pii-tagger weights from scratch on CPU, deterministically (about a minute on two
# cores): the two generators and the real-text negatives with fixed seeds, then the averaged
# perceptron with a fixed seed; writes models/pii-tagger/tagger.bin and its sha256 into the manifest.
# The word lists the features read (agent/ml/data/tagger_*.txt) are committed; build_lexicon.py
# remakes them from pinned PyPI wheels and Debian's wamerican.
#
#     bash models/pii-tagger/build.sh
#
# The generated data is byte-identical everywhere; the real-text negatives (gen_realtext.py,
# gen_realprose.py) are whatever public code and translated messages this machine has, so on another
# machine the weights can differ slightly.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/pii-tagger
mkdir -p "$out"
python3 models/pii-tagger/gen_letters.py --seed 161 --count 10000 --out "$out/letters.jsonl"
python3 models/pii-tagger/gen_records.py --seed 162 --count 10000 --out "$out/records.jsonl"
python3 models/pii-tagger/gen_realtext.py --seed 163 --mb 4 --out "$out/realtext.jsonl"
python3 models/pii-tagger/gen_realprose.py --seed 164 --mb 1 --out "$out/realprose.jsonl"
# The independent generators' authors B (artefact kinds: HL7, payslips, leases, courier lists ...)
# and C (names in every form and position, 18 origins), training seed 11; author A and
# tests/corpus/generate.py stay unseen for validation (author C seed 1 is a seen-generator check).
python3 tests/corpus/independent --author b --seed 11 --count 3000 --out "$out/indep-b-train.jsonl"
python3 tests/corpus/independent --author c --seed 11 --count 3000 --out "$out/indep-c-train.jsonl"
cargo run --release --locked -q -p promptwall-ml --example train_tagger -- train \
    --out models/pii-tagger/tagger.bin --buckets 131072 --epochs 8 --seed 16 --lexicon-holdout 4 \
    "$out/letters.jsonl" "$out/records.jsonl" "$out/realtext.jsonl" "$out/realprose.jsonl" "$out/indep-b-train.jsonl" \
    "$out/indep-c-train.jsonl"
python3 - <<'PY'
import hashlib, json, pathlib
d = pathlib.Path("models/pii-tagger")
m = json.loads((d / "manifest.json").read_text())
m["files"]["model"]["sha256"] = hashlib.sha256((d / "tagger.bin").read_bytes()).hexdigest()
(d / "manifest.json").write_text(json.dumps(m, indent=2, ensure_ascii=False) + "\n")
print("pii-tagger: sha256", m["files"]["model"]["sha256"])
PY
