#!/usr/bin/env python3
"""Write the category classifier's weights as weights.bin (format PWCL 1), the file the agent reads.

    models/.cache/venv-train/bin/python models/categories/export_weights.py   # from the committed model.onnx

train.py calls `write_from_onnx` right after it writes model.onnx, so a retrain produces both, and
this script alone re-derives weights.bin from a committed model.onnx (same bytes either way: the
weights are read back from the graph's initializers, nothing is recomputed). The agent scores in
pure Rust from weights.bin (agent/ml/src/categories.rs) and never needs ONNX Runtime for it;
model.onnx stays in the repository as the reference the Rust scorer is checked against.

Format PWCL 1, all integers and floats little-endian:

    offset 0   magic  b"PWCL"
               u32    format (1)
               u32    dim: hash buckets, a power of two
               u32    L: labels
               u32    N: stored rows (buckets with a non-zero weight for some label)
               L x    (u16 byte length, UTF-8 category name), in output order
               L x    f32 threshold
               L x    f32 bias
               N x    u32 bucket index, strictly ascending, each < dim
               N x L  f32 weight, row by row (row i holds the L weights of bucket index[i])
               end of file: the length is exactly what the header implies

probability[l] = sigmoid(bias[l] + sum over the text's non-zero features (i, x) of W[i][l] * x);
buckets without a stored row weigh 0. The manifest's sha256 of this file is checked before it is
read; categories.rs refuses a short, long or inconsistent file with a typed error.
"""

import argparse
import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MAGIC = b"PWCL"
FORMAT = 1


def encode(w: np.ndarray, b: np.ndarray, labels, thresholds) -> bytes:
    """PWCL 1 bytes of W [dim, L], b [L]; deterministic for the same arrays."""
    w = np.ascontiguousarray(w, dtype="<f4")
    b = np.asarray(b, dtype="<f4").reshape(-1)
    dim, n_labels = w.shape
    if dim & (dim - 1) or len(labels) != n_labels or len(thresholds) != n_labels or b.shape != (n_labels,):
        raise ValueError(f"inconsistent shapes: W {w.shape}, b {b.shape}, {len(labels)} labels, {len(thresholds)} thresholds")
    rows = np.flatnonzero(np.any(w != 0, axis=1)).astype("<u4")
    out = bytearray(MAGIC)
    out += struct.pack("<IIII", FORMAT, dim, n_labels, len(rows))
    for name in labels:
        raw = name.encode("utf-8")
        out += struct.pack("<H", len(raw)) + raw
    out += np.asarray(thresholds, dtype="<f4").tobytes()
    out += b.tobytes()
    out += rows.tobytes()
    out += w[rows].tobytes()
    return bytes(out)


def onnx_arrays(model_path: Path):
    import onnx
    from onnx import numpy_helper
    init = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(model_path)).graph.initializer}
    return init["W"], init["b"]


def write_from_onnx(model_path: Path, labels, thresholds, out: Path) -> str:
    """Writes weights.bin from model.onnx's W and b; returns its sha256."""
    w, b = onnx_arrays(model_path)
    data = encode(w, b, labels, thresholds)
    out.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=HERE, help="folder with manifest.json and model.onnx")
    ap.add_argument("--check", action="store_true", help="fail if weights.bin differs from what model.onnx gives")
    args = ap.parse_args()
    manifest_path = args.dir / "manifest.json"
    m = json.loads(manifest_path.read_text())
    onnx_path = args.dir / m["files"]["onnx"]["path"]
    if hashlib.sha256(onnx_path.read_bytes()).hexdigest() != m["files"]["onnx"]["sha256"]:
        sys.exit(f"export_weights.py: {onnx_path} does not match its manifest")
    w, b = onnx_arrays(onnx_path)
    data = encode(w, b, m["labels"], m["settings"]["thresholds"])
    target = args.dir / m["files"]["weights"]["path"]
    sha = hashlib.sha256(data).hexdigest()
    if args.check:
        if not target.is_file() or target.read_bytes() != data or m["files"]["weights"]["sha256"] != sha:
            sys.exit(f"export_weights.py: {target} or its manifest entry is not what {onnx_path.name} gives")
        print(f"{target.name}: matches {onnx_path.name} ({sha})")
        return
    target.write_bytes(data)
    m["files"]["weights"]["sha256"] = sha
    manifest_path.write_text(json.dumps(m, indent=2) + "\n")
    print(f"{target.name}: {len(data)} bytes, sha256 {sha}")


if __name__ == "__main__":
    main()
