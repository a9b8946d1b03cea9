#!/usr/bin/env python3
"""Static checks of the installer sources that cannot run here (macOS pkg and profile, WiX MSI,
.reg files, Firefox/Chrome policies) and of the generated Linux/macOS outputs (golden plans):

- every XML file is well-formed (xmllint --noout too when it is installed); plists parse with
  plistlib; WiX references resolve; MSI payload files exist;
- the agent configuration (Linux conffile, examples, the profile's com.promptwall.agent payload)
  validates against docs/schemas/agent-config.schema.json;
- every managed-storage block (Chrome/Edge/Firefox, profile, .reg) validates against the
  extension's extension/static/managed_schema.json;
- force-install entries name one extension id (the PROMPTWALL_EXTENSION_ID placeholder or a real
  32-letter id) and the profile's per-extension payloads use that same id;
- the systemd unit carries the hardening the issue asks for.

Stdlib only. Exit status 1 with one line per problem.
"""
import json, plistlib, re, shutil, subprocess, sys, uuid
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INST = REPO / "installer"
PLACEHOLDER = "PROMPTWALL_EXTENSION_ID"
HOST = "com.promptwall.agent"
problems = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def rel(p):
    return str(Path(p).relative_to(REPO))


# ------------------------------------------------------------------ a small JSON-schema subset
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def type_ok(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def validate(v, schema, where):
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(type_ok(v, x) for x in ts):
            return problem(where, f"{v!r} is not of type {t}")
    if "enum" in schema and v not in schema["enum"]:
        problem(where, f"{v!r} is not one of {schema['enum']}")
    if isinstance(v, str):
        if "pattern" in schema and not re.search(schema["pattern"], v):
            problem(where, f"{v!r} does not match {schema['pattern']}")
        if len(v) < schema.get("minLength", 0):
            problem(where, f"{v!r} is too short")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in schema and v < schema["minimum"]:
            problem(where, f"{v} < minimum {schema['minimum']}")
        if "maximum" in schema and v > schema["maximum"]:
            problem(where, f"{v} > maximum {schema['maximum']}")
    if isinstance(v, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in v:
                problem(where, f"missing required {k!r}")
        for k, x in v.items():
            if k in props:
                validate(x, props[k], f"{where}.{k}")
            elif schema.get("additionalProperties") is False or props:
                # managed_schema.json has no additionalProperties, but an unknown key there is a typo
                problem(where, f"unknown key {k!r} (known: {', '.join(props)})")
    if isinstance(v, list) and "items" in schema:
        for i, x in enumerate(v):
            validate(x, schema["items"], f"{where}[{i}]")


AGENT_SCHEMA = json.loads((REPO / "docs/schemas/agent-config.schema.json").read_text())
MANAGED_PATH = REPO / "extension/static/managed_schema.json"
MANAGED_SCHEMA = json.loads(MANAGED_PATH.read_text()) if MANAGED_PATH.exists() else None
if MANAGED_SCHEMA is None:
    print("validate.py: NOTE: extension/static/managed_schema.json not found; managed storage unchecked", file=sys.stderr)


def check_agent_config(v, where):
    validate(v, AGENT_SCHEMA, where)


def check_managed(v, where):
    if MANAGED_SCHEMA is not None:
        validate(v, MANAGED_SCHEMA, where)


def check_forcelist(entries, where, ids):
    for e in entries:
        ext, _, url = e.partition(";")
        if not (ext == PLACEHOLDER or re.fullmatch(r"[a-p]{32}", ext)):
            problem(where, f"force-install entry {e!r}: bad extension id")
        if not url.startswith("https://"):
            problem(where, f"force-install entry {e!r}: update URL must be https")
        ids.add(ext)


# ------------------------------------------------------------------ XML well-formedness
xml_files = sorted(list(INST.rglob("*.wxs")) + list(INST.rglob("*.mobileconfig")) + list(INST.rglob("*.plist")))
for f in xml_files:
    try:
        ET.parse(f)
    except ET.ParseError as e:
        problem(rel(f), f"not well-formed XML: {e}")
if shutil.which("xmllint"):
    for f in xml_files:
        r = subprocess.run(["xmllint", "--noout", str(f)], capture_output=True, text=True)
        if r.returncode != 0:
            problem(rel(f), "xmllint: " + r.stderr.strip())
else:
    print("validate.py: NOTE: xmllint not installed (apt-get install libxml2-utils); parsed with ElementTree only", file=sys.stderr)


# ------------------------------------------------------------------ golden plans: embedded files
def plan_files(plan):
    """{path: content} of the `file` entries of a rendered install plan."""
    out, cur = {}, None
    for line in plan.read_text().splitlines():
        m = re.match(r"file \d{4} (.*?)   \[", line)
        if m:
            cur = m.group(1)
            out[cur] = []
        elif line.startswith("  | ") or line == "  |":
            out[cur].append(line[4:])
        else:
            cur = None
    return {k: "\n".join(v) + "\n" for k, v in out.items()}


for plan in sorted((INST / "golden").glob("*.plan")):
    for path, content in plan_files(plan).items():
        where = f"{rel(plan)} {path}"
        if path.endswith(f"{HOST}.json") or path.endswith(".chromium.json") or path.endswith(".firefox.json"):
            m = json.loads(content)
            if m.get("name") != HOST or m.get("type") != "stdio":
                problem(where, "host manifest name/type")
            if "windows" not in plan.name and not m["path"].startswith("/"):
                problem(where, "host path must be absolute")
            if not (m.get("allowed_origins") or m.get("allowed_extensions")):
                problem(where, "no allowed extension")
        elif path.endswith(".plist"):
            p = plistlib.loads(content.encode())
            if p.get("Label") != "com.promptwall.daemon" or p.get("ProgramArguments", [None])[-1] != "daemon":
                problem(where, "LaunchAgent Label/ProgramArguments")
            if not p["ProgramArguments"][0].startswith("/"):
                problem(where, "LaunchAgent program must be absolute")
            try:
                ET.fromstring(content)
            except ET.ParseError as e:
                problem(where, f"not well-formed: {e}")
        elif path.endswith(".service"):
            for d in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=read-only",
                      "ReadWritePaths=%h/.local/share/promptwall", "PrivateTmp=yes",
                      "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "CapabilityBoundingSet="]:
                if d not in content.splitlines():
                    problem(where, f"systemd unit lacks {d}")

# ------------------------------------------------------------------ agent configuration
for f in [INST / "linux/agent.json", INST / "examples/agent.json"]:
    check_agent_config(json.loads(f.read_text()), rel(f))

# ------------------------------------------------------------------ Chrome (Linux) and Firefox policies
ids = set()
f = INST / "examples/chrome-policy.json"
chrome = json.loads(f.read_text())
check_forcelist(chrome["ExtensionInstallForcelist"], rel(f), ids)
for ext, cfg in chrome["3rdparty"]["extensions"].items():
    ids.add(ext)
    check_managed(cfg, f"{rel(f)} 3rdparty.{ext}")
f = INST / "firefox/policies.json"
ff = json.loads(f.read_text())["policies"]
s = ff["ExtensionSettings"].get("promptwall@promptwall.invalid")
if not s or s.get("installation_mode") != "force_installed" or not s.get("install_url", "").startswith("https://"):
    problem(rel(f), "ExtensionSettings must force-install promptwall@promptwall.invalid from an https URL")
for ext, cfg in ff["3rdparty"]["Extensions"].items():
    if ext != "promptwall@promptwall.invalid":
        problem(rel(f), f"3rdparty for unknown add-on {ext}")
    check_managed(cfg, f"{rel(f)} 3rdparty.{ext}")

# ------------------------------------------------------------------ macOS configuration profile
f = INST / "macos/Promptwall.mobileconfig"
prof = plistlib.loads(f.read_bytes())
if prof.get("PayloadType") != "Configuration" or prof.get("PayloadScope") != "System":
    problem(rel(f), "top level must be a System-scoped Configuration")
seen_uuid, seen_ident = set(), set()
payloads = [prof] + prof.get("PayloadContent", [])
for p in payloads:
    w = f"{rel(f)} {p.get('PayloadIdentifier')}"
    for k in ["PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion"]:
        if k not in p:
            problem(w, f"missing {k}")
    try:
        uuid.UUID(p.get("PayloadUUID", ""))
    except ValueError:
        problem(w, "PayloadUUID is not a UUID")
    if p.get("PayloadUUID") in seen_uuid or p.get("PayloadIdentifier") in seen_ident:
        problem(w, "duplicate PayloadUUID/PayloadIdentifier")
    seen_uuid.add(p.get("PayloadUUID"))
    seen_ident.add(p.get("PayloadIdentifier"))
    if p is not prof and not p.get("PayloadIdentifier", "").startswith(prof["PayloadIdentifier"] + "."):
        problem(w, "payload identifier must extend the profile's")
    t = p.get("PayloadType", "")
    body = {k: v for k, v in p.items() if not k.startswith("Payload")}
    if t in ("com.google.Chrome", "com.microsoft.Edge"):
        check_forcelist(body.get("ExtensionInstallForcelist", []), w, ids)
    elif t.startswith("com.google.Chrome.extensions.") or t.startswith("com.microsoft.Edge.extensions."):
        ids.add(t.rsplit(".", 1)[1])
        check_managed(body, w)
    elif t == "org.mozilla.firefox":
        for ext, cfg in body["3rdparty"]["Extensions"].items():
            check_managed(cfg, f"{w} 3rdparty.{ext}")
        if body["ExtensionSettings"]["promptwall@promptwall.invalid"]["installation_mode"] != "force_installed":
            problem(w, "Firefox must force-install the add-on")
    elif t == "com.promptwall.agent":
        check_agent_config(body, w)
    elif p is not prof:
        problem(w, f"unexpected PayloadType {t}")

# ------------------------------------------------------------------ Windows: .reg files, WiX, payload
def parse_reg(f):
    text = f.read_text(encoding="utf-8")
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0] != "Windows Registry Editor Version 5.00":
        problem(rel(f), "first line must be the regedit 5 header")
    keys, cur = {}, None
    for n, line in enumerate(lines[1:], 2):
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r"\[(HKEY_(LOCAL_MACHINE|CURRENT_USER)\\[^\]]+)\]", line)
        if m:
            cur = keys.setdefault(m.group(1), {})
            continue
        m = re.fullmatch(r'(@|"[^"]+")=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))', line)
        if not m or cur is None:
            problem(f"{rel(f)}:{n}", f"not a key or value line: {line!r}")
            continue
        name = m.group(1).strip('"')
        cur[name] = int(m.group(3), 16) if m.group(3) else m.group(2).replace("\\\\", "\\")
    return keys


for f in [INST / "windows/promptwall-hosts.reg", INST / "windows/browser-policies.reg"]:
    keys = parse_reg(f)
    for k, vals in keys.items():
        if k.endswith("\\" + HOST) and not vals.get("@", "").endswith(".json"):
            problem(rel(f), f"{k}: default value must name a manifest")
        if k.endswith("\\ExtensionInstallForcelist"):
            check_forcelist(list(vals.values()), f"{rel(f)} {k}", ids)
        m = re.search(r"\\3rdparty\\extensions\\([^\\]+)\\policy$", k)
        if m:
            ids.add(m.group(1))
            check_managed(vals, f"{rel(f)} {k}")

NS = {"w": "http://schemas.microsoft.com/wix/2006/wi"}
groups, refs = set(), set()
for f in sorted((INST / "windows").glob("*.wxs")):
    try:
        root = ET.parse(f).getroot()
    except ET.ParseError:
        continue  # reported above
    if root.tag != "{http://schemas.microsoft.com/wix/2006/wi}Wix":
        problem(rel(f), "root must be the WiX v3-schema <Wix> element (wixl builds it)")
    groups |= {g.get("Id") for g in root.iterfind(".//w:ComponentGroup", NS)}
    refs |= {g.get("Id") for g in root.iterfind(".//w:ComponentGroupRef", NS)}
    for file in root.iterfind(".//w:File", NS):
        src = file.get("Source", "")
        if src.startswith("payload\\") and not (INST / "windows" / src.replace("\\", "/")).is_file():
            problem(rel(f), f"File {src} does not exist in installer/windows/payload")
    for rv in root.iterfind(".//w:RegistryValue", NS):
        run = rv.get("Key") == "Software\\Microsoft\\Windows\\CurrentVersion\\Run" and " daemon" in rv.get("Value", "")
        if not run and not rv.get("Key", "").endswith("\\NativeMessagingHosts\\" + HOST):
            problem(rel(f), f"unexpected registry key {rv.get('Key')}")
for missing in refs - groups:
    problem("installer/windows", f"ComponentGroupRef {missing} has no ComponentGroup")
for f in sorted((INST / "windows/payload").glob("*.json")):
    m = json.loads(f.read_text())
    if m.get("name") != HOST or m.get("path") != "promptwall-native-host.cmd":
        problem(rel(f), "Windows manifest: name, and path relative to the manifest")

if len(ids) != 1:
    problem("installer", f"the force-install and managed-storage entries name different extension ids: {sorted(ids)}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    print(f"validate.py: {len(problems)} problem(s)", file=sys.stderr)
    sys.exit(1)
print(f"validate.py: installer sources ok ({len(xml_files)} XML files, {len(payloads) - 1} profile payloads)")
