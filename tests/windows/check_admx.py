#!/usr/bin/env python3
"""Checks installer/windows/admx/Promptwall.admx and en-US/Promptwall.adml without Microsoft's
XSD (PolicyDefinitionFiles.xsd is not shipped by any package reachable here, and its licence keeps
it out of this repository). It enforces the rules of that schema that decide whether the Group
Policy editor, GPMC and Intune's ADMX ingestion accept a template, as documented for the schema:

- both files are XML in the namespace http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions,
  root policyDefinitions / policyDefinitionResources, revision and schemaVersion as N.N;
- the ADMX's children in the schema's order (policyNamespaces, supersededAdm*, annotation*,
  resources, supportedOn?, categories?, policies?), policyNamespaces with exactly one target first
  and then using*, unique prefixes; resources with minRequiredRevision not above the ADML's revision;
- names (categories, policies, supportedOn definitions) match itemName and are unique; every
  parentCategory and supportedOn reference resolves (unprefixed or the target prefix: in this
  file; another prefix: declared by a using);
- each policy: class User/Machine/Both, displayName, key, children in order (parentCategory?,
  seeAlso*, keywords?, supportedOn, enabledValue?, disabledValue?, enabledList?, disabledList?,
  elements?), elements of the six known kinds with unique ids, a valueName on every non-list
  element, decimal minValue <= maxValue, enum items each with a displayName and one value;
- every $(string.X) and $(presentation.X) resolves in the ADML; every string and presentation of
  the ADML is used; ADML children in order (displayName, description, annotation*, resources with
  stringTable?, presentationTable?), ids unique and matching resourceID;
- every presentation control's refId names an element of its policy, with the control the kind
  needs (decimalTextBox-decimal, textBox/comboBox-text, dropdownList-enum, listBox-list,
  checkBox-boolean, multiTextBox-multiText), and every element has its control.

Then Promptwall's own rules, which tie the template to the agent (agent/core/src/config.rs):
every registry key is under SOFTWARE\\Policies\\Promptwall (Intune ingests third-party ADMX only
under SOFTWARE\\Policies), class Machine; the value names are exactly the properties of
docs/schemas/agent-config.schema.json (a new configuration field needs its policy), trusted_keys
a list under the trusted_keys subkey, decimal bounds and enum values as the schema says.

  check_admx.py [ADMX] [ADML]      check (defaults: the repository's files)
  check_admx.py --self-test        also check that broken copies are refused (one per rule family)
Prints `ok` lines; exits 1 with the problems otherwise."""
import copy
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NS = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
Q = "{%s}" % NS
VERSION = re.compile(r"^[0-9]{1,4}\.[0-9]{1,5}$")
ITEM = re.compile(r"^[\w]+$", re.UNICODE)  # (\p{L}|\p{N}|_)+
ITEM_REF = re.compile(r"^(\w+)(:(\w+))?$", re.UNICODE)
STRING_REF = re.compile(r"^\$\(string\.(\w+)\)$", re.UNICODE)
PRES_REF = re.compile(r"^\$\(presentation\.(\w+)\)$", re.UNICODE)
ANY_REF = re.compile(r"\$\((string|presentation)\.([^)]*)\)")
POLICY_KEY = "SOFTWARE\\Policies\\Promptwall"
CONTROL_FOR = {"decimal": {"decimalTextBox"}, "text": {"textBox", "comboBox"}, "enum": {"dropdownList"},
               "list": {"listBox"}, "boolean": {"checkBox"}, "multiText": {"multiTextBox"}}


def local(el):
    return el.tag[len(Q):] if el.tag.startswith(Q) else el.tag


def in_order(parent, order, where, errs):
    """Children of `parent` follow `order`: [(name, min, max)] (max None = unbounded)."""
    kids = [local(c) for c in parent]
    i = 0
    for name, lo, hi in order:
        n = 0
        while i < len(kids) and kids[i] == name:
            i += 1
            n += 1
        if n < lo:
            errs.append(f"{where}: <{name}> is required here (children: {kids})")
        if hi is not None and n > hi:
            errs.append(f"{where}: at most {hi} <{name}>")
    if i < len(kids):
        errs.append(f"{where}: <{kids[i]}> is not allowed here or out of order (children: {kids})")


def check(admx_path, adml_path, schema_path):
    errs = []
    try:
        admx = ET.parse(admx_path).getroot()
        adml = ET.parse(adml_path).getroot()
    except ET.ParseError as e:
        return [f"not well-formed XML: {e}"]
    for root, name, path in [(admx, "policyDefinitions", admx_path), (adml, "policyDefinitionResources", adml_path)]:
        if root.tag != Q + name:
            errs.append(f"{os.path.basename(path)}: root is {root.tag}, not {{{NS}}}{name}")
        for a in ["revision", "schemaVersion"]:
            if not VERSION.match(root.get(a, "")):
                errs.append(f"{os.path.basename(path)}: {a}={root.get(a)!r} is not a versionString (N.N)")
    if errs:
        return errs

    # --- ADMX structure
    in_order(admx, [("policyNamespaces", 1, 1), ("supersededAdm", 0, None), ("annotation", 0, None), ("resources", 1, 1),
                    ("supportedOn", 0, 1), ("categories", 0, 1), ("policies", 0, 1)], "policyDefinitions", errs)
    pn = admx.find(Q + "policyNamespaces")
    prefixes, target = {}, None
    if pn is not None:
        in_order(pn, [("target", 1, 1), ("using", 0, None)], "policyNamespaces", errs)
        for el in pn:
            p, ns = el.get("prefix", ""), el.get("namespace", "")
            if not ITEM.match(p) or not ns:
                errs.append(f"policyNamespaces/{local(el)}: prefix {p!r} and namespace {ns!r} are required")
            if p in prefixes:
                errs.append(f"policyNamespaces: prefix {p!r} declared twice")
            prefixes[p] = local(el)
            if local(el) == "target":
                target = p
    res = admx.find(Q + "resources")
    if res is not None:
        mrr = res.get("minRequiredRevision", "")
        if not VERSION.match(mrr):
            errs.append(f"resources: minRequiredRevision={mrr!r} is not N.N")
        elif tuple(map(int, mrr.split("."))) > tuple(map(int, adml.get("revision").split("."))):
            errs.append(f"resources: minRequiredRevision {mrr} is above the ADML's revision {adml.get('revision')}")

    def names(path, what):
        seen = set()
        for el in admx.iterfind(path):
            n = el.get("name", "")
            if not ITEM.match(n):
                errs.append(f"{what} name {n!r} is not an itemName")
            if n in seen:
                errs.append(f"{what} {n!r} defined twice")
            seen.add(n)
        return seen

    supported = names(f"{Q}supportedOn/{Q}definitions/{Q}definition", "supportedOn definition")
    supported |= names(f"{Q}supportedOn/{Q}products/{Q}product", "supportedOn product")
    categories = names(f"{Q}categories/{Q}category", "category")
    policies = list(admx.iterfind(f"{Q}policies/{Q}policy"))
    seen = set()
    for p in policies:
        n = p.get("name", "")
        if not ITEM.match(n) or n in seen:
            errs.append(f"policy name {n!r} is not an itemName or is defined twice")
        seen.add(n)

    def resolve(ref, local_names, what, where):
        m = ITEM_REF.match(ref or "")
        if not m:
            errs.append(f"{where}: {what} reference {ref!r} is malformed")
            return
        prefix, name = (m.group(1), m.group(3)) if m.group(3) else (None, m.group(1))
        if prefix is None or prefix == target:
            if name not in local_names:
                errs.append(f"{where}: {what} {ref!r} is not defined in this file")
        elif prefixes.get(prefix) != "using":
            errs.append(f"{where}: {what} {ref!r} uses prefix {prefix!r}, which no <using> declares")

    for c in admx.iterfind(f"{Q}categories/{Q}category"):
        in_order(c, [("parentCategory", 0, 1), ("seeAlso", 0, None), ("keywords", 0, 1)], f"category {c.get('name')}", errs)
        pc = c.find(Q + "parentCategory")
        if pc is not None:
            resolve(pc.get("ref"), categories, "parentCategory", f"category {c.get('name')}")

    elements_of = {}  # presentation id -> [(policy, {element id: kind})]
    for p in policies:
        where = f"policy {p.get('name')}"
        if p.get("class") not in ("User", "Machine", "Both"):
            errs.append(f"{where}: class={p.get('class')!r} is not User, Machine or Both")
        for a in ["displayName", "key"]:
            if not p.get(a):
                errs.append(f"{where}: {a} is required")
        in_order(p, [("parentCategory", 0, 1), ("seeAlso", 0, None), ("keywords", 0, 1), ("supportedOn", 1, 1),
                     ("enabledValue", 0, 1), ("disabledValue", 0, 1), ("enabledList", 0, 1), ("disabledList", 0, 1),
                     ("elements", 0, 1)], where, errs)
        pc = p.find(Q + "parentCategory")
        if pc is not None:
            resolve(pc.get("ref"), categories, "parentCategory", where)
        so = p.find(Q + "supportedOn")
        if so is not None:
            resolve(so.get("ref"), supported, "supportedOn", where)
        els = p.find(Q + "elements")
        kinds = {}
        if els is not None:
            if len(els) == 0:
                errs.append(f"{where}: <elements> needs at least one element")
            for e in els:
                kind, eid = local(e), e.get("id", "")
                if kind not in CONTROL_FOR:
                    errs.append(f"{where}: unknown element <{kind}>")
                    continue
                if not eid or eid in kinds:
                    errs.append(f"{where}: element id {eid!r} missing or repeated")
                kinds[eid] = kind
                if kind != "list" and not e.get("valueName"):
                    errs.append(f"{where}: element {eid!r} has no valueName")
                if not (e.get("key") or p.get("key")):
                    errs.append(f"{where}: element {eid!r} has no registry key")
                if kind == "decimal":
                    lo, hi = int(e.get("minValue", "0")), int(e.get("maxValue", "9999"))
                    if lo > hi or lo < 0 or hi > 0xFFFFFFFF:
                        errs.append(f"{where}: decimal {eid!r} bounds {lo}..{hi}")
                if kind == "enum":
                    items = list(e.iterfind(Q + "item"))
                    if not items:
                        errs.append(f"{where}: enum {eid!r} has no item")
                    for it in items:
                        v = it.find(Q + "value")
                        if not STRING_REF.match(it.get("displayName", "")) or v is None or len(v) != 1 \
                                or local(v[0]) not in ("string", "decimal", "delete"):
                            errs.append(f"{where}: enum {eid!r} item needs a $(string.X) displayName and one value")
            pres = PRES_REF.match(p.get("presentation", ""))
            if not pres:
                errs.append(f"{where}: a policy with elements needs presentation=\"$(presentation.X)\"")
            else:
                elements_of.setdefault(pres.group(1), []).append((p.get("name"), kinds))

    # --- ADML structure and references
    in_order(adml, [("displayName", 1, 1), ("description", 1, 1), ("annotation", 0, None), ("resources", 1, 1)],
             "policyDefinitionResources", errs)
    lres = adml.find(Q + "resources")
    strings, presentations = {}, {}
    if lres is not None:
        in_order(lres, [("stringTable", 0, 1), ("presentationTable", 0, 1)], "ADML resources", errs)
        for table, child, into in [("stringTable", "string", strings), ("presentationTable", "presentation", presentations)]:
            t = lres.find(Q + table)
            for el in (t if t is not None else []):
                if local(el) != child:
                    errs.append(f"{table}: <{local(el)}> is not allowed")
                    continue
                i = el.get("id", "")
                if not ITEM.match(i) or i in into:
                    errs.append(f"{table}: id {i!r} is not a resourceID or is repeated")
                into[i] = el
    used_strings, used_pres = set(), set()
    for el in admx.iter():
        for a, v in el.attrib.items():
            for kind, ident in ANY_REF.findall(v):
                full = f"$({kind}.{ident})"
                if not (STRING_REF if kind == "string" else PRES_REF).match(full):
                    errs.append(f"<{local(el)} {a}={v!r}>: malformed reference")
                elif kind == "string":
                    used_strings.add(ident)
                    if ident not in strings:
                        errs.append(f"<{local(el)} {a}>: $(string.{ident}) is not in the ADML's stringTable")
                else:
                    used_pres.add(ident)
                    if ident not in presentations:
                        errs.append(f"<{local(el)} {a}>: $(presentation.{ident}) is not in the ADML's presentationTable")
            if a in ("displayName", "explainText") and not STRING_REF.match(v):
                errs.append(f"<{local(el)} {a}={v!r}>: must be $(string.X)")
    for s in sorted(set(strings) - used_strings):
        errs.append(f"ADML string {s!r} is never used")
    for s in sorted(set(presentations) - used_pres):
        errs.append(f"ADML presentation {s!r} is never used")
    for pid, users in elements_of.items():
        pres = presentations.get(pid)
        if pres is None:
            continue
        controls = {}
        for c in pres:
            if local(c) == "text":
                continue
            ref = c.get("refId")
            if not ref:
                errs.append(f"presentation {pid}: <{local(c)}> has no refId")
                continue
            controls[ref] = local(c)
        for policy, kinds in users:
            for ref, control in controls.items():
                if ref not in kinds:
                    errs.append(f"presentation {pid}: refId {ref!r} is no element of policy {policy}")
                elif control not in CONTROL_FOR[kinds[ref]]:
                    errs.append(f"presentation {pid}: <{control}> cannot show the {kinds[ref]} element {ref!r}")
            for eid in kinds:
                if eid not in controls:
                    errs.append(f"presentation {pid}: element {eid!r} of policy {policy} has no control")

    # --- Promptwall's rules: the template is the agent's configuration
    schema = json.load(open(schema_path, encoding="utf-8"))
    props = schema["properties"]
    fields = {}
    for p in policies:
        if p.get("class") != "Machine":
            errs.append(f"policy {p.get('name')}: the agent's configuration is per machine (class=Machine)")
        for e in p.iterfind(f"{Q}elements/*"):
            key = e.get("key") or p.get("key", "")
            if not (key == POLICY_KEY or key.startswith(POLICY_KEY + "\\")):
                errs.append(f"policy {p.get('name')}: key {key!r} is not under {POLICY_KEY}")
            field = (e.get("valueName") if local(e) != "list" else key[len(POLICY_KEY) + 1:]) or ""
            if field in fields:
                errs.append(f"field {field!r} is set by two policies")
            fields[field] = (p.get("name"), e)
    for f in sorted(set(props) - set(fields)):
        errs.append(f"configuration field {f!r} (agent-config.schema.json) has no policy")
    for f, (pname, e) in sorted(fields.items()):
        if f not in props:
            errs.append(f"policy {pname}: {f!r} is not a configuration field")
            continue
        prop, kind = props[f], local(e)
        types = prop.get("type", [])
        types = [types] if isinstance(types, str) else types
        if kind == "list":
            if f != "trusted_keys" or e.get("explicitValue") != "true" or e.get("key") != POLICY_KEY + "\\trusted_keys":
                errs.append(f"policy {pname}: only trusted_keys is a list: explicitValue=true under {POLICY_KEY}\\trusted_keys")
        elif kind == "decimal":
            if "integer" not in types:
                errs.append(f"policy {pname}: {f} is not an integer field")
            lo, hi = int(e.get("minValue", "0")), int(e.get("maxValue", "9999"))
            if lo < prop.get("minimum", 0) or ("maximum" in prop and hi > prop["maximum"]):
                errs.append(f"policy {pname}: {f} bounds {lo}..{hi} outside the schema's")
        elif kind == "enum":
            values = sorted(it.find(f"{Q}value/{Q}string").text for it in e.iterfind(Q + "item"))
            if values != sorted(prop.get("enum", [])):
                errs.append(f"policy {pname}: {f} items {values} differ from the schema's {prop.get('enum')}")
        elif kind == "text":
            if "string" not in types:
                errs.append(f"policy {pname}: {f} is not a string field")
        else:
            errs.append(f"policy {pname}: <{kind}> has no meaning for the agent")
    return errs


def self_test(admx_path, adml_path, schema_path, tmp):
    """Each mutation breaks one rule; the checker must refuse every one."""
    admx0, adml0 = ET.parse(admx_path), ET.parse(adml_path)
    ET.register_namespace("", NS)

    def first(tree, path):
        return tree.getroot().find(path)

    def m_root_ns(a, l):
        a.getroot().tag = "{http://schemas.microsoft.com/GroupPolicy/2006/07/Other}policyDefinitions"

    def m_order(a, l):
        r = a.getroot()
        res = r.find(Q + "resources")
        r.remove(res)
        r.append(res)

    def m_no_target(a, l):
        pn = first(a, Q + "policyNamespaces")
        pn.remove(pn.find(Q + "target"))

    def m_bad_category_ref(a, l):
        first(a, f"{Q}policies/{Q}policy/{Q}parentCategory").set("ref", "NoSuchCategory")

    def m_foreign_prefix(a, l):
        first(a, f"{Q}policies/{Q}policy/{Q}supportedOn").set("ref", "windows:SUPPORTED_Windows10")

    def m_no_supported_on(a, l):
        p = first(a, f"{Q}policies/{Q}policy")
        p.remove(p.find(Q + "supportedOn"))

    def m_missing_string(a, l):
        first(a, f"{Q}policies/{Q}policy").set("displayName", "$(string.NoSuchString)")

    def m_missing_presentation(a, l):
        first(a, f"{Q}policies/{Q}policy").set("presentation", "$(presentation.NoSuch)")

    def m_refid(a, l):
        first(l, f"{Q}resources/{Q}presentationTable/{Q}presentation/*").set("refId", "no_such_element")

    def m_control_kind(a, l):
        c = first(l, f"{Q}resources/{Q}presentationTable/{Q}presentation/{Q}decimalTextBox")
        c.tag = Q + "checkBox"

    def m_no_value_name(a, l):
        e = first(a, f"{Q}policies/{Q}policy/{Q}elements/{Q}decimal")
        del e.attrib["valueName"]

    def m_key_outside(a, l):
        for p in a.getroot().iterfind(f"{Q}policies/{Q}policy"):
            if p.get("name") == "ServerUrl":
                p.set("key", "SOFTWARE\\Promptwall")

    def m_unknown_field(a, l):
        first(a, f"{Q}policies/{Q}policy/{Q}elements/{Q}decimal").set("valueName", "sync_intervall_s")

    def m_schema_bounds(a, l):
        for e in a.getroot().iter(Q + "decimal"):
            if e.get("valueName") == "upload_batch_size":
                e.set("maxValue", "5000")

    def m_unused_string(a, l):
        st = first(l, f"{Q}resources/{Q}stringTable")
        s = ET.SubElement(st, Q + "string", id="Orphan")
        s.text = "never used"

    def m_revision(a, l):
        a.getroot().set("revision", "1")

    def m_duplicate_policy(a, l):
        ps = first(a, Q + "policies")
        ps.append(copy.deepcopy(ps[0]))

    mutations = [m_root_ns, m_order, m_no_target, m_bad_category_ref, m_foreign_prefix, m_no_supported_on,
                 m_missing_string, m_missing_presentation, m_refid, m_control_kind, m_no_value_name, m_key_outside,
                 m_unknown_field, m_schema_bounds, m_unused_string, m_revision, m_duplicate_policy]
    failed = []
    for m in mutations:
        a, l = copy.deepcopy(admx0), copy.deepcopy(adml0)
        m(a, l)
        pa, pl = os.path.join(tmp, "t.admx"), os.path.join(tmp, "t.adml")
        a.write(pa, encoding="utf-8", xml_declaration=True)
        l.write(pl, encoding="utf-8", xml_declaration=True)
        if not check(pa, pl, schema_path):
            failed.append(m.__name__)
    if failed:
        sys.exit(f"check_admx.py: FAIL: the checker accepted broken templates: {failed}")
    # The untouched files, rewritten the same way, still pass (the mutations are what fails).
    pa, pl = os.path.join(tmp, "t.admx"), os.path.join(tmp, "t.adml")
    admx0.write(pa, encoding="utf-8", xml_declaration=True)
    adml0.write(pl, encoding="utf-8", xml_declaration=True)
    errs = check(pa, pl, schema_path)
    if errs:
        sys.exit("check_admx.py: FAIL: a rewritten copy of the templates fails:\n  " + "\n  ".join(errs))
    print(f"test-windows.sh: ok: check_admx.py refuses each of {len(mutations)} broken copies of the templates "
          "(namespace, order, target, references, supportedOn, strings, presentations, controls, valueName, key, "
          "unknown field, schema bounds, unused string, revision, duplicate policy)")


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    admx = args[0] if args else os.path.join(ROOT, "installer/windows/admx/Promptwall.admx")
    adml = args[1] if len(args) > 1 else os.path.join(ROOT, "installer/windows/admx/en-US/Promptwall.adml")
    schema = os.path.join(ROOT, "docs/schemas/agent-config.schema.json")
    errs = check(admx, adml, schema)
    if errs:
        print("check_admx.py: FAIL:\n  " + "\n  ".join(errs), file=sys.stderr)
        sys.exit(1)
    admx_root = ET.parse(admx).getroot()
    n = len(list(admx_root.iterfind(f"{Q}policies/{Q}policy")))
    print(f"test-windows.sh: ok: ADMX/ADML checked against the PolicyDefinitions schema rules (structure, order, "
          f"references, presentations) and agent-config.schema.json: {n} machine policies under HKLM\\{POLICY_KEY}, "
          "every configuration field covered")
    if "--self-test" in sys.argv:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            self_test(admx, adml, schema, tmp)


if __name__ == "__main__":
    main()
