#!/usr/bin/env python3
"""Every file format's JSON Schema in docs/schemas/ checked with a real validator against real
instances made by the real binary, so a schema cannot drift from what the code writes:

- policy.schema.json        the built-in policy (`promptwall policy init`) and the behaviour cases' policies
- bundle.schema.json        a bundle signed by `promptwall policy sign` (its `policy` by reference)
- event.schema.json         the events a native host recorded (`promptwall events --json`)
- scan-jsonl.schema.json    `promptwall scan --jsonl` output lines (findings, errors)
- agent-config.schema.json  the installer's managed configuration files
- model-manifest.schema.json the model manifests under models/

Each schema also has to reject a wrong instance, so a schema that accepts anything fails too.
Usage: check_schemas.py --bin target/debug/promptwall
"""

import argparse
import base64
import json
import os
import pathlib
import struct
import subprocess
import sys
import tempfile

import regex
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource

# JSON Schema patterns are ECMA-262 regular expressions (with `\p{L}` and friends); Python's `re`
# lacks Unicode property classes, so patterns are matched with the `regex` module instead.
FORMATS = FormatChecker()


@FORMATS.checks("regex", raises=regex.error)
def _is_regex(instance):
    if isinstance(instance, str):
        regex.compile(instance)
    return True


def _pattern(validator, pattern, instance, schema):
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})

REPO = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "docs" / "schemas"


def registry():
    resources = []
    for p in SCHEMAS.glob("*.schema.json"):
        doc = json.loads(p.read_text())
        res = Resource.from_contents(doc)
        resources.append((p.name, res))
        if "$id" in doc:
            resources.append((doc["$id"], res))
    return Registry().with_resources(resources)


REG = registry()
problems = []
checked = {}


def validator(name):
    schema = json.loads((SCHEMAS / name).read_text())
    Validator(Validator.META_SCHEMA, format_checker=FORMATS).validate(schema)
    return Validator(schema, registry=REG)


def valid(name, instance, what):
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path))
    for e in errors[:5]:
        problems.append(f"{name}: {what}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message[:200]}")
    checked[name] = checked.get(name, 0) + 1


def invalid(name, instance, what):
    if not list(validator(name).iter_errors(instance)):
        problems.append(f"{name}: accepts a wrong instance ({what})")


def run(binary, *args, env=None, stdin=None):
    r = subprocess.run([binary, *args], input=stdin, capture_output=True, env=env, timeout=120)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.decode(errors='replace')[-400:]}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    binary = str(pathlib.Path(ap.parse_args().bin).resolve())
    with tempfile.TemporaryDirectory(prefix="pw-schemas-") as tmp:
        tmp = pathlib.Path(tmp)
        env = {**os.environ, "PROMPTWALL_DATA_DIR": str(tmp / "data"), "PROMPTWALL_RUNTIME_DIR": str(tmp / "run"),
               "PROMPTWALL_CONFIG": str(tmp / "absent.json"), "PROMPTWALL_MODELS": "off"}
        env.pop("PROMPTWALL_POLICY", None)

        # Policy: the built-in one, and every policy the behaviour cases carry.
        run(binary, "policy", "init", str(tmp / "policy.json"), env=env)
        policy = json.loads((tmp / "policy.json").read_text())
        valid("policy.schema.json", policy, "built-in policy")
        wrong = dict(policy, fail_mode="sometimes")
        invalid("policy.schema.json", wrong, "fail_mode sometimes")

        # Bundle: signed by the CLI, for a group.
        run(binary, "policy", "keygen", "k1", "--dir", str(tmp), env=env)
        run(binary, "policy", "sign", str(tmp / "policy.json"), "--key", str(tmp / "k1.key"), "--key-id", "k1",
            "--version", "3", "--group", "engineering", "-o", str(tmp / "bundle.json"), env=env)
        bundle = json.loads((tmp / "bundle.json").read_text())
        valid("bundle.schema.json", bundle, "signed bundle")
        invalid("bundle.schema.json", {k: v for k, v in bundle.items() if k != "audience"}, "bundle without audience")

        # Events: what a native host records for a block, a warning and the user's answer to it.
        def frame(o):
            b = json.dumps(o).encode()
            return struct.pack("=I", len(b)) + b
        msgs = [
            {"v": 2, "id": "k", "type": "inspect", "text": "aws_access_key_id = AKIAT4SYWB5WKH7DNSIP", "url": "https://chatgpt.com/", "trigger": "paste"},
            {"v": 2, "id": "w", "type": "inspect", "text": "Escalate to alice.lindgren@northwind.io and bruno.keller@northwind.io",
             "url": "https://claude.ai/", "trigger": "drop"},
            {"v": 2, "id": "f", "type": "uninspectable", "url": "https://claude.ai/", "trigger": "file", "reason": "binary_file", "size": 10},
        ]
        out = run(binary, "native-host", "chrome-extension://x/", env=env, stdin=b"".join(frame(m) for m in msgs))
        replies = []
        while len(out) >= 4:
            (n,) = struct.unpack("=I", out[:4])
            replies.append(json.loads(out[4:4 + n]))
            out = out[4 + n:]
        warn = next((r for r in replies if r.get("id") == "w"), {})
        if warn.get("event_id"):
            run(binary, "native-host", "chrome-extension://x/", env=env, stdin=frame(
                {"v": 2, "id": "d", "type": "user_decision", "event_id": warn["event_id"], "choice": "proceed_with_justification", "justification": "ticket 42"}))
        events = [json.loads(l) for l in run(binary, "events", "--json", env=env).decode().splitlines() if l.strip()]
        if len(events) < 3:
            problems.append(f"event.schema.json: expected at least 3 recorded events, got {len(events)}")
        for e in events:
            valid("event.schema.json", e, f"event {e.get('trigger')}/{e.get('action')}")
        if events:
            invalid("event.schema.json", dict(events[0], raw_text="4539 1488 0343 6467"), "an event with raw text")

        # scan --jsonl: findings, an error line for a bad input line.
        lines = [json.dumps({"id": 1, "text": "card 4539 1488 0343 6467 mail jane.doe@northwind.io"}), json.dumps({"id": "x", "text": 5}), "{not json"]
        for l in run(binary, "scan", "--jsonl", "--no-models", env=env, stdin="\n".join(lines).encode() + b"\n").decode().splitlines():
            valid("scan-jsonl.schema.json", json.loads(l), f"scan --jsonl line {l[:60]}")
        invalid("scan-jsonl.schema.json", {"id": 1, "findings": "none"}, "findings not a list")

        # Managed configuration as the installer ships it.
        for p in [REPO / "installer/linux/agent.json", REPO / "installer/examples/agent.json"]:
            valid("agent-config.schema.json", json.loads(p.read_text()), str(p.relative_to(REPO)))
        invalid("agent-config.schema.json", {"sync_intervall_s": 5}, "a misspelt field")

        # Model manifests.
        for p in sorted(REPO.glob("models/*/manifest.json")):
            valid("model-manifest.schema.json", json.loads(p.read_text()), str(p.relative_to(REPO)))

    for p in problems:
        print(f"check_schemas: {p}", file=sys.stderr)
    print(f"check_schemas: {sum(checked.values())} instances of {len(checked)} schemas checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
