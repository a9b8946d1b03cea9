#!/usr/bin/env python3
"""The agent's real native-messaging messages against docs/schemas/native-messages.schema.json.

Starts `promptwall native-host` (no daemon, a private policy, data and runtime directory), sends
every kind of request over real native-messaging frames and validates, with the `jsonschema`
package (Draft 2020-12):

- every request sent, against `Request` (so the examples here are ones the schema allows);
- every reply, against `Response` and against the definition its `type` names; replies are
  checked with additional members forbidden, so a member the agent sends that the schema does
  not describe fails here (readers ignore unknown members, the published schema allows them);
- that every request and response type of the schema was seen (hello_ok, verdict, verdict_part,
  ack, status, error), and that the schema rejects a few wrong messages.

The extension's TypeScript types are generated from the same schema (extension/scripts/
gen-types.mjs), so the agent, this schema and the extension cannot drift apart unnoticed.

Usage: python3 tests/protocol/check_native_messages.py [--bin target/debug/promptwall]
Exit status 1 with one line per problem.
"""
import argparse, copy, json, os, struct, subprocess, sys, tempfile
from pathlib import Path

try:
    import jsonschema
except ImportError:
    sys.exit("check_native_messages.py: the `jsonschema` package is missing (python3 -m pip install jsonschema)")

REPO = Path(__file__).resolve().parent.parent.parent
SCHEMA = json.loads((REPO / "docs/schemas/native-messages.schema.json").read_text())
problems = []


def strict(schema):
    """The schema with additional members forbidden in every message object."""
    s = copy.deepcopy(schema)
    for d in s["$defs"].values():
        if d.get("type") == "object" and "properties" in d:
            d["additionalProperties"] = False
    return s


STRICT = strict(SCHEMA)


def validator(schema, name):
    root = {k: v for k, v in schema.items() if k != "oneOf"}
    root["$ref"] = f"#/$defs/{name}"
    jsonschema.Draft202012Validator.check_schema(root)
    return jsonschema.Draft202012Validator(root)


def errors(v, msg):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(message)'}: {e.message[:200]}" for e in v.iter_errors(msg)]


REQUEST = validator(SCHEMA, "Request")
RESPONSE = validator(STRICT, "Response")
BY_TYPE = {
    "hello_ok": "HelloOk", "verdict": "Verdict", "verdict_part": "VerdictPart", "ack": "Ack",
    "status": "StatusResponse", "error": "ErrorResponse", "false_alarm_ok": "FalseAlarmOk",
}
CODES = {"bad_frame": 1, "frame_too_large": 2, "bad_json": 3, "unsupported_version": 4, "unknown_type": 5,
         "invalid_request": 6, "internal": 7, "agent_unavailable": 8, "result_too_large": 9}
seen = set()


def check_reply(what, msg):
    seen.add(msg.get("type"))
    for e in errors(RESPONSE, msg):
        problems.append(f"{what}: reply {msg.get('type')!r} is not a Response: {e}")
    name = BY_TYPE.get(msg.get("type"))
    if name is None:
        problems.append(f"{what}: reply type {msg.get('type')!r} is not in the schema")
        return
    for e in errors(validator(STRICT, name), msg):
        problems.append(f"{what}: {msg.get('type')}: {e}")
    if msg.get("type") == "error" and CODES.get(msg.get("code")) != msg.get("code_number"):
        problems.append(f"{what}: error code {msg.get('code')} has number {msg.get('code_number')} (schema: {CODES.get(msg.get('code'))})")


class Host:
    def __init__(self, binary, env, *args):
        self.p = subprocess.Popen([binary, "native-host", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def send_raw(self, body: bytes):
        self.p.stdin.write(struct.pack("=I", len(body)) + body)
        self.p.stdin.flush()

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode())

    def read(self):
        head = self.p.stdout.read(4)
        if len(head) < 4:
            raise RuntimeError("the host closed its output")
        n = struct.unpack("=I", head)[0]
        return json.loads(self.p.stdout.read(n))

    def ask(self, what, req):
        """Sends a request (validated first); returns its replies up to the final one."""
        for e in errors(REQUEST, req):
            problems.append(f"{what}: request is not a Request: {e}")
        self.send(req)
        return self.replies(what)

    def replies(self, what):
        out = []
        while True:
            m = self.read()
            check_reply(what, m)
            out.append(m)
            if m.get("type") != "verdict_part":
                return out

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/debug/promptwall"))
    binary = ap.parse_args().bin
    with tempfile.TemporaryDirectory(prefix="pw-protocol-") as root:
        data, run = Path(root, "data"), Path(root, "run")
        data.mkdir(mode=0o700)
        run.mkdir(mode=0o700)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROMPTWALL_")}
        env.update(PROMPTWALL_DATA_DIR=str(data), PROMPTWALL_RUNTIME_DIR=str(run),
                   PROMPTWALL_CONFIG=str(Path(root, "agent-config.json")))
        h = Host(binary, env)
        url = "https://chatgpt.com/c/1"
        [hello] = h.ask("hello", {"v": 2, "id": "h1", "type": "hello", "client": "protocol-test", "client_version": "0"})
        if hello.get("protocol") != SCHEMA["x-protocol-version"]:
            problems.append(f"hello_ok.protocol is {hello.get('protocol')}, the schema describes {SCHEMA['x-protocol-version']}")
        h.ask("inspect allow", {"v": 1, "id": 2, "type": "inspect", "text": "hello there", "url": url, "trigger": "paste"})
        [red] = h.ask("inspect redact", {"v": 2, "id": "r", "type": "inspect", "text": "card 4539 1488 0343 6467", "url": url,
                                        "trigger": "submit", "conversation_id": "/c/1"})
        if red.get("action") != "redact" or not red.get("findings"):
            problems.append(f"inspect redact: expected a redact verdict with findings, got {red.get('action')}")
        [warn] = h.ask("inspect warn", {"v": 2, "id": "w", "type": "inspect", "url": url, "trigger": "drop",
                                       "text": "Patient DOB 1980-01-02, MRN 12345678, phone +1 415 555 0199"})
        if warn.get("action") == "warn" and warn.get("event_id"):
            h.ask("user_decision", {"v": 2, "id": "d", "type": "user_decision", "event_id": warn["event_id"],
                                    "choice": "proceed_with_justification", "justification": "customer asked"})
            # Protocol 3: "Not sensitive?" on the warning (the default policy takes reports).
            if warn.get("reportable") is not True:
                problems.append("inspect warn: expected `reportable: true` under the default policy")
            [fa] = h.ask("report_false_alarm", {"v": 3, "id": "fa", "type": "report_false_alarm", "event_id": warn["event_id"],
                                                "reason": "synthetic test record"})
            if fa.get("type") != "false_alarm_ok" or fa.get("let_through") is not False:
                problems.append(f"report_false_alarm: expected false_alarm_ok without let_through, got {fa}")
        else:
            problems.append(f"inspect warn: expected a warn verdict with an event id, got {warn.get('action')}")
        h.ask("user_decision unknown", {"v": 2, "id": "d2", "type": "user_decision", "event_id": "nope", "choice": "cancel"})
        h.ask("status", {"v": 2, "id": "s", "type": "status"})
        for reason in ("too_large", "binary_file", "unreadable"):
            h.ask(f"uninspectable {reason}", {"v": 2, "id": f"u-{reason}", "type": "uninspectable", "url": url, "trigger": "file",
                                              "reason": reason, "size": 123456, "name": "report.pdf", "conversation_id": "/c/1"})
        # Files by their bytes: a text file with a card (a file is blocked, not redacted), and bytes
        # that are no text at all (the uninspectable verdict).
        import base64
        for name, data in (("notes.txt", b"card 4539 1488 0343 6467\n"), ("blob.bin", b"%PDF-1.7\n\x00\x01\x02")):
            [fv] = h.ask(f"inspect_file {name}", {"v": 2, "id": f"f-{name}", "type": "inspect_file", "url": url, "trigger": "file",
                                                  "data": base64.b64encode(data).decode(), "name": name})
            if fv.get("action") not in ("block", "warn"):
                problems.append(f"inspect_file {name}: expected block or warn, got {fv.get('action')}")
        # A redacted text over the browsers' 1 MiB limit comes in verdict_part messages.
        big = ("card 4539 1488 0343 6467. " + "lorem ipsum " * 1000) * 100
        parts = h.ask("inspect in parts", {"v": 2, "id": "big", "type": "inspect", "text": big, "url": url, "trigger": "paste"})
        if len(parts) < 2:
            problems.append(f"inspect in parts: expected verdict_part messages before the verdict, got {[m.get('type') for m in parts]} ({parts[-1].get('action')})")
        # Errors.
        h.send_raw(b"{not json")
        h.replies("bad_json")
        h.send({"v": 99, "id": "e1", "type": "status"})
        h.replies("unsupported_version")
        h.send({"v": 2, "id": "e2", "type": "launch"})
        h.replies("unknown_type")
        h.send({"v": 2, "id": "e3", "type": "inspect", "text": 5})
        h.replies("invalid_request")
        h.close()
        # An oversized frame, on a host with a small cap.
        h = Host(binary, env, "--max-inbound", "4096")
        [ok] = h.ask("hello (small cap)", {"v": 2, "id": 1, "type": "hello"})
        if ok.get("max_request_bytes") != 4096:
            problems.append(f"hello_ok.max_request_bytes is {ok.get('max_request_bytes')}, the host was started with 4096")
        h.ask("frame_too_large", {"id": "big-1", "v": 2, "type": "inspect", "text": "x" * 10000, "url": url, "trigger": "paste"})
        h.close()
        # A policy with pseudonyms and a site adapter: hello_ok carries the adapter, a pseudonym
        # redaction carries its placeholders and values (issue 18).
        policy_file = Path(root, "policy.json")
        subprocess.run([binary, "policy", "init", str(policy_file)], env=env, check=True, capture_output=True)
        policy = json.loads(policy_file.read_text())
        policy["rules"].insert(0, {"id": "pseudo-email", "match": {"types": ["EMAIL"]}, "action": "redact", "message": "Addresses become placeholders."})
        policy.setdefault("redaction", {}).setdefault("per_type", {})["EMAIL"] = "pseudonym"
        policy.setdefault("sites", {})["adapters"] = [{"id": "acme", "name": "Acme AI", "hosts": ["ai.acme.example"],
                                                       "paths": {"ai.acme.example": ["/chat"]}, "editor": "textarea",
                                                       "composer": ["textarea#prompt"], "send": ["button.go"], "response": [".answers"]}]
        policy_file.write_text(json.dumps(policy))
        h = Host(binary, dict(env, PROMPTWALL_POLICY=str(policy_file)))
        [ph] = h.ask("hello (policy adapters)", {"v": 2, "id": "ph", "type": "hello"})
        if [a.get("id") for a in ph.get("site_adapters", [])] != ["acme"]:
            problems.append(f"hello_ok.site_adapters: expected the policy's adapter, got {ph.get('site_adapters')}")
        [pv] = h.ask("inspect pseudonyms", {"v": 2, "id": "pv", "type": "inspect", "url": "https://ai.acme.example/chat/1", "trigger": "paste",
                                            "text": "write to ana.lopez@contoso-mail.io", "conversation_id": "/chat/1"})
        if pv.get("redacted_text") != "write to [EMAIL_1]" or pv.get("pseudonyms") != [{"placeholder": "[EMAIL_1]", "value": "ana.lopez@contoso-mail.io"}]:
            problems.append(f"inspect pseudonyms: got {pv.get('action')} {pv.get('redacted_text')!r} {pv.get('pseudonyms')}")
        h.close()

    for t in BY_TYPE:
        if t not in seen:
            problems.append(f"no {t!r} reply was seen")
    # The schema says no to wrong messages.
    wrong = [
        ("a verdict with an unknown action", "Response", dict(red, action="maybe")),
        ("hello_ok of protocol 2 without max_request_bytes", "Response", {k: v for k, v in hello.items() if k != "max_request_bytes"}),
        ("an inspect without text", "Request", {"v": 2, "id": 1, "type": "inspect", "url": url, "trigger": "paste"}),
        ("an inspect with an unknown trigger", "Request", {"v": 2, "id": 1, "type": "inspect", "text": "", "url": url, "trigger": "typing"}),
        ("a request without v", "Request", {"id": 1, "type": "status"}),
    ]
    for what, name, msg in wrong:
        if not errors(REQUEST if name == "Request" else RESPONSE, msg):
            problems.append(f"the schema accepts {what}")

    for p in problems:
        print(p)
    print(f"check_native_messages: {len(seen)} reply types seen, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
