#!/usr/bin/env python3
"""Recall on other projects' published secret examples (a dev-only measurement, not a CI step).

    python3 tests/eval/foreign_recall.py --gitleaks /path/to/gitleaks --trufflehog /path/to/trufflehog \
        --cmd "target/release/promptwall scan --jsonl --no-models" [--misses /tmp/misses.jsonl]

Reads the positive examples the two scanners publish with their rules, at run time, from a checkout
the caller supplies (nothing of theirs is stored in this repository):

* gitleaks: every rule in cmd/generate/config/rules/*.go carries true positives (`tps`): literal
  snippets, and secrets drawn from a regex (`secrets.NewSecret(utils.Hex("32"))`) placed into
  gitleaks' sample syntaxes (`utils.GenerateSampleSecret(s)`). The Go expressions are evaluated
  here: string literals, `+`, `fmt.Sprintf`, the `utils` regex helpers, and random strings drawn
  from a regex with a fixed seed (their generator uses its own randomness, so the drawn secrets
  differ, their shapes do not). A rule's false positives (`fps`) are counted too, for information.
* trufflehog: every pkg/detectors/**/*_test.go (integration tests left out) holds cases
  `{input: …, want: …}`; a case whose `want` is not empty is a positive example. `want` names the
  secret, so a hit must overlap it (a finding elsewhere in the input does not count).

A gitleaks example is found when Promptwall reports any SECRET-family finding in it. Prints recall
per rule/provider (worst first) and overall; --misses writes the examples not found, for review
(they are other projects' text: keep them out of the repository).
"""
import argparse, glob, json, os, random, re, shlex, subprocess, sys
from collections import defaultdict

try:
    import re._parser as sre_parse  # Python 3.11+
    import re._constants as sre_c
except ImportError:  # pragma: no cover
    import sre_parse
    import sre_constants as sre_c

SEED = 12

# ---------------------------------------------------------------- Go tokens and expressions

TOKEN = re.compile(r'''
    (?P<ws>[ \t\r\n]+) | (?P<lc>//[^\n]*) | (?P<bc>/\*.*?\*/)
  | (?P<raw>`[^`]*`) | (?P<str>"(?:[^"\\\n]|\\.)*") | (?P<rune>'(?:[^'\\\n]|\\.)+')
  | (?P<num>\d[\w.]*) | (?P<id>[A-Za-z_]\w*)
  | (?P<op>:=|\.\.\.|==|!=|<=|>=|&&|\|\||<-|\+\+|--|[-+*/%&|^<>=!:;,.(){}\[\]~])
''', re.S | re.X)


def tokenize(src):
    out, i = [], 0
    while i < len(src):
        m = TOKEN.match(src, i)
        if not m:
            i += 1
            continue
        i = m.end()
        kind = m.lastgroup
        if kind in ("ws", "lc", "bc"):
            continue
        out.append((kind, m.group()))
    return out


def go_unquote(lit):
    if lit.startswith("`"):
        return lit[1:-1].replace("\r", "")
    body = lit[1:-1]
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return bytes(body, "utf-8").decode("unicode_escape", "replace")


class Unknown:
    """A value this evaluator cannot compute (a struct, a call it does not know)."""


UNKNOWN = Unknown()


class Parser:
    def __init__(self, toks, env, rng, composites=None):
        self.t, self.i, self.env, self.rng = toks, 0, env, rng
        self.composites = composites if composites is not None else []

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", "")

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, v):
        if self.peek()[1] != v:
            raise SyntaxError(f"expected {v!r}, got {self.peek()[1]!r}")
        return self.take()

    def skip_balanced(self):
        """Skip a bracketed group starting at the current opening bracket."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack = [pairs[self.take()[1]]]
        while stack and self.peek()[0] != "eof":
            v = self.take()[1]
            if v in pairs:
                stack.append(pairs[v])
            elif v == stack[-1]:
                stack.pop()

    def parse_type(self):
        """A type in a composite literal or conversion; returns a short description."""
        k, v = self.peek()
        if v == "[":
            self.take()
            if self.peek()[1] != "]":
                self.take()
            self.expect("]")
            return "[]" + self.parse_type()
        if v == "map":
            self.take()
            self.expect("[")
            self.parse_type()
            self.expect("]")
            return "map:" + self.parse_type()
        if v == "*":
            self.take()
            return self.parse_type()
        if v in ("struct", "interface"):
            self.take()
            self.skip_balanced()
            return v
        if v == "func":
            self.take()
            self.skip_balanced()
            if self.peek()[1] == "(":
                self.skip_balanced()
            elif self.peek()[0] == "id":
                self.parse_type()
            return "func"
        if k == "id":
            self.take()
            name = v
            while self.peek()[1] == "." and self.peek(1)[0] == "id":
                self.take()
                name += "." + self.take()[1]
            return name
        raise SyntaxError(f"type at {v!r}")

    def parse_composite(self, typ):
        self.expect("{")
        keyed, items = {}, []
        while self.peek()[1] != "}":
            if self.peek()[0] == "eof":
                raise SyntaxError("eof in composite")
            if self.peek()[1] == "{":  # elided element type
                val = self.parse_composite(typ[2:] if typ.startswith("[]") else "?")
            else:
                val = self.parse_expr()
            if self.peek()[1] == ":":
                self.take()
                key = val
                if self.peek()[1] == "{":
                    val = self.parse_composite("?")
                else:
                    val = self.parse_expr()
                if isinstance(key, Ident):
                    keyed[key.name] = val
                else:
                    items.append(val)
            else:
                items.append(val.value if isinstance(val, Ident) else val)
            if self.peek()[1] == ",":
                self.take()
        self.expect("}")
        if keyed:
            self.composites.append(keyed)
            return keyed
        return items

    def parse_primary(self):
        k, v = self.peek()
        if k in ("str", "raw"):
            self.take()
            return go_unquote(v)
        if k == "num":
            self.take()
            try:
                return int(v)
            except ValueError:
                return UNKNOWN
        if k == "rune":
            self.take()
            return UNKNOWN
        if v == "(":
            self.take()
            val = self.parse_expr()
            self.expect(")")
            return val
        if v in ("[", "map", "struct") or (v == "*" and self.peek(1)[0] == "id"):
            typ = self.parse_type()
            if self.peek()[1] == "{":
                return self.parse_composite(typ)
            if self.peek()[1] == "(":  # conversion: []byte(x)
                self.take()
                val = self.parse_expr()
                self.expect(")")
                return val
            return UNKNOWN
        if v == "func":
            self.parse_type()
            if self.peek()[1] == "{":
                self.skip_balanced()
            return UNKNOWN
        if v == "&":
            self.take()
            return self.parse_primary()
        if v in ("-", "!"):
            self.take()
            self.parse_primary()
            return UNKNOWN
        if k == "id":
            self.take()
            name = v
            while self.peek()[1] == "." and self.peek(1)[0] == "id":
                self.take()
                name += "." + self.take()[1]
            if self.peek()[1] == "(":
                args = self.parse_args()
                return self.call(name, args)
            if self.peek()[1] == "{" and (name[:1].isupper() or "." in name):
                return self.parse_composite(name)
            return Ident(name, self.env.get(name, UNKNOWN))
        raise SyntaxError(f"primary at {v!r}")

    def parse_args(self):
        self.expect("(")
        args = []
        while self.peek()[1] != ")":
            if self.peek()[0] == "eof":
                raise SyntaxError("eof in args")
            a = self.parse_expr()
            args.append(a.value if isinstance(a, Ident) else a)
            if self.peek()[1] == "...":
                self.take()
            if self.peek()[1] == ",":
                self.take()
        self.expect(")")
        return args

    def parse_postfix(self):
        val = self.parse_primary()
        while True:
            v = self.peek()[1]
            if v == "[":
                self.skip_balanced()
                val = UNKNOWN
            elif v == "." and self.peek(1)[0] == "id":
                self.take()
                self.take()
                if self.peek()[1] == "(":
                    self.parse_args()
                val = UNKNOWN
            elif v == "(" and isinstance(val, Unknown):
                self.parse_args()
            else:
                return val

    def parse_expr(self):
        val = self.parse_postfix()
        while self.peek()[1] in ("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "|", "&", "^"):
            op = self.take()[1]
            rhs = self.parse_postfix()
            lv = val.value if isinstance(val, Ident) else val
            rv = rhs.value if isinstance(rhs, Ident) else rhs
            if op == "+" and isinstance(lv, str) and isinstance(rv, str):
                val = lv + rv
            elif op == "+" and isinstance(lv, int) and isinstance(rv, int):
                val = lv + rv
            else:
                val = UNKNOWN
        return val

    def call(self, name, args):
        base = name.rsplit(".", 1)[-1]
        s = [a for a in args]
        if base in REGEX_HELPERS and all(isinstance(a, str) for a in s):
            return REGEX_HELPERS[base](*s)
        if base == "NewSecret" and s and isinstance(s[0], str):
            return generate(s[0], self.rng)
        if base == "GenerateSampleSecret" and len(s) == 2 and all(isinstance(a, str) for a in s):
            return f'{s[0]}_api_token = "{s[1]}"'
        if base == "GenerateSampleSecrets" and len(s) == 2 and all(isinstance(a, str) for a in s):
            return [Sample(x, s[1]) for x in sample_secrets(s[0], s[1])]
        if base == "Sprintf" and s and isinstance(s[0], str):
            return sprintf(s[0], s[1:])
        if base == "Repeat" and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], int):
            return s[0] * s[1]
        if base in ("ToUpper", "ToLower") and s and isinstance(s[0], str):
            return s[0].upper() if base == "ToUpper" else s[0].lower()
        if base == "Join" and len(s) == 2 and isinstance(s[0], list) and isinstance(s[1], str):
            if all(isinstance(x, str) for x in s[0]):
                return s[1].join(s[0])
        if name == "append" and s and isinstance(s[0], list):
            out = list(s[0])
            for a in s[1:]:
                out.extend(a if isinstance(a, list) else [a])
            return out
        if name in ("string", "byte") and s:
            return s[0]
        return UNKNOWN


class Ident:
    def __init__(self, name, value):
        self.name, self.value = name, value


class Sample(str):
    """A gitleaks sample that knows the secret placed in it."""

    def __new__(cls, text, secret):
        obj = super().__new__(cls, text)
        obj.secret = secret
        return obj


def sprintf(fmt, args):
    out, ai = [], 0

    def sub(m):
        nonlocal ai
        if m.group() == "%%":
            return "%"
        a = args[ai] if ai < len(args) else UNKNOWN
        ai += 1
        if isinstance(a, (str, int)):
            return str(a)
        raise ValueError("unknown Sprintf argument")

    try:
        return re.sub(r"%[-+# 0]*\d*(?:\.\d+)?[svdqx%]", sub, fmt)
    except ValueError:
        return UNKNOWN


REGEX_HELPERS = {
    "Numeric": lambda n: f"[0-9]{{{n}}}",
    "Hex": lambda n: f"[a-f0-9]{{{n}}}",
    "AlphaNumeric": lambda n: f"[a-z0-9]{{{n}}}",
    "AlphaNumericExtendedShort": lambda n: f"[a-z0-9_-]{{{n}}}",
    "AlphaNumericExtended": lambda n: f"[a-z0-9=_\\-]{{{n}}}",
    "AlphaNumericExtendedLong": lambda n: f"[a-z0-9\\/=_\\+\\-]{{{n}}}",
    "Hex8_4_4_4_12": lambda: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
}

# gitleaks' sample syntaxes (utils.GenerateSampleSecrets): the forms, written again here.
SAMPLE_FORMS = [
    '{i}Token="{s}"', '{i}Token = "{s}"', '{i}Token={s}', '{i}Token = {s}',
    '{{\n    "{i}_token": "{s}"\n}}', '{{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}}',
    '<{i}Token>\n    {s}\n</{i}Token>', '{i}_token: {s}', "{i}_token: '{s}'", '{i}_token: "{s}"',
    'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"', '{i}Token := `{s}`',
    'String {i}Token = "{s}";', 'var {i}Token = "{s}"', '${i}Token .= "{s}"', "{i}Token = '{s}'",
    '{i}Token = "{s}"', 'System.setProperty("{I}_TOKEN", "{s}")', '  "{i}Token" => "{s}"',
    '{I}_TOKEN = "{s}"', '{I}_TOKEN := "{s}"', '{I}_TOKEN ::= "{s}"', '{I}_TOKEN :::= "{s}"', '{I}_TOKEN ?= "{s}"',
]


def sample_secrets(ident, secret):
    return [f.replace("{{", "\0").replace("}}", "\1").replace("{i}", ident).replace("{I}", ident.upper())
            .replace("{s}", secret).replace("\0", "{").replace("\1", "}") for f in SAMPLE_FORMS]


# ---------------------------------------------------------------- strings drawn from a regex

POSIX = {"alnum": "A-Za-z0-9", "alpha": "A-Za-z", "digit": "0-9", "xdigit": "0-9A-Fa-f", "upper": "A-Z",
         "lower": "a-z", "punct": "!-/:-@\\[-`{-~", "space": " \\t", "word": "A-Za-z0-9_"}
PRINTABLE = [chr(c) for c in range(33, 127)]


def go_to_python_regex(rx):
    rx = re.sub(r"\[:(\w+):\]", lambda m: POSIX.get(m.group(1), m.group()), rx)
    rx = re.sub(r"\(\?[imsU]+\)", "", rx)
    rx = re.sub(r"\(\?[imsU]+:", "(?:", rx)
    rx = re.sub(r"\(\?-[imsU]+:", "(?:", rx)
    return rx.replace("\\z", "").replace("\\A", "")


def category_chars(cat):
    name = str(cat)
    if "DIGIT" in name:
        chars = "0123456789"
    elif "SPACE" in name:
        chars = " "
    else:
        chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
    if "NOT" in name:
        return [c for c in PRINTABLE if c not in chars]
    return list(chars)


def class_chars(items):
    chars, negate = set(), False
    for op, av in items:
        if op == sre_c.NEGATE:
            negate = True
        elif op == sre_c.LITERAL:
            chars.add(chr(av))
        elif op == sre_c.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op == sre_c.CATEGORY:
            chars.update(category_chars(av))
    if negate:
        return [c for c in PRINTABLE if c not in chars]
    return sorted(chars)


def gen_nodes(nodes, rng, groups):
    out = []
    for op, av in nodes:
        if op == sre_c.LITERAL:
            out.append(chr(av))
        elif op == sre_c.NOT_LITERAL:
            out.append(rng.choice([c for c in PRINTABLE if c != chr(av)]))
        elif op == sre_c.ANY:
            out.append(rng.choice(PRINTABLE))
        elif op == sre_c.IN:
            out.append(rng.choice(class_chars(av)))
        elif op == sre_c.CATEGORY:
            out.append(rng.choice(category_chars(av)))
        elif op == sre_c.BRANCH:
            out.append(gen_nodes(rng.choice(av[1]), rng, groups))
        elif op == sre_c.SUBPATTERN:
            s = gen_nodes(av[-1], rng, groups)
            if av[0]:
                groups[av[0]] = s
            out.append(s)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
            lo, hi, sub = av
            hi = lo + 10 if hi == sre_c.MAXREPEAT else hi
            out.extend(gen_nodes(sub, rng, groups) for _ in range(rng.randint(lo, hi)))
        elif op == sre_c.GROUPREF:
            out.append(groups.get(av, ""))
        # AT (anchors, \b) and look-arounds draw nothing
    return "".join(out)


def generate(rx, rng):
    try:
        return gen_nodes(sre_parse.parse(go_to_python_regex(rx)), rng, {})
    except (re.error, RecursionError, ValueError, IndexError) as e:
        print(f"  cannot draw from regex {rx[:60]!r}: {e}", file=sys.stderr)
        return UNKNOWN


# ---------------------------------------------------------------- walking a Go file

def walk_assignments(toks, env, rng, composites):
    """Evaluate every `x := expr`, `x = expr`, `var x = expr` in order; other code is stepped over."""
    i = 0
    while i < len(toks):
        k, v = toks[i]
        if k == "id" and i + 1 < len(toks) and toks[i + 1][1] in (":=", "="):
            p = Parser(toks, env, rng, composites)
            p.i = i + 2
            try:
                val = p.parse_expr()
                env[v] = val.value if isinstance(val, Ident) else val
                i = p.i
                continue
            except (SyntaxError, RecursionError, IndexError):
                pass
        elif k == "id" and i + 2 < len(toks) and toks[i + 1][1] == "," and toks[i + 2][0] == "id":
            # `_, x := range …`, `a, b := …`: skip the left-hand side
            pass
        i += 1
    return env


def functions(toks):
    """(name, body tokens) for every top-level func."""
    out, i = [], 0
    while i < len(toks):
        if toks[i] == ("id", "func") and i + 1 < len(toks) and toks[i + 1][0] == "id":
            name = toks[i + 1][1]
            j = i + 2
            while j < len(toks) and toks[j][1] != "{":
                j += 1
            depth, start = 0, j
            while j < len(toks):
                if toks[j][1] == "{":
                    depth += 1
                elif toks[j][1] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append((name, toks[start + 1:j]))
            i = j
        i += 1
    return out


def strings_of(v):
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [x for item in v for x in strings_of(item)]
    if isinstance(v, dict):
        return [x for item in v.values() for x in strings_of(item)]
    return []


def gitleaks_examples(root, rng):
    files = sorted(glob.glob(os.path.join(root, "cmd/generate/config/rules/*.go")))
    if not files:
        sys.exit(f"no gitleaks rules under {root}/cmd/generate/config/rules")
    pos, neg = [], []
    for path in files:
        toks = tokenize(open(path, encoding="utf-8").read())
        for fname, body in functions(toks):
            env = walk_assignments(body, {}, rng, [])
            src = " ".join(v for _, v in body)
            m = re.search(r'RuleID\s*:\s*"([^"]+)"', src)
            rule = m.group(1) if m else fname
            for var, bucket in (("tps", pos), ("truePositives", pos), ("fps", neg), ("falsePositives", neg)):
                for s in strings_of(env.get(var)):
                    if s.strip():
                        bucket.append((rule, s, getattr(s, "secret", None)))
    return pos, neg


def trufflehog_examples(root, rng):
    files = sorted(p for p in glob.glob(os.path.join(root, "pkg/detectors/**/*_test.go"), recursive=True)
                   if "integration" not in os.path.basename(p))
    if not files:
        sys.exit(f"no detector tests under {root}/pkg/detectors")
    pos = []
    for path in files:
        provider = os.path.relpath(os.path.dirname(path), os.path.join(root, "pkg/detectors"))
        if provider == ".":
            continue
        toks = tokenize(open(path, encoding="utf-8", errors="replace").read())
        composites = []
        walk_assignments(toks, {}, rng, composites)
        for case in composites:
            if "input" not in case:
                continue
            inp, want = case["input"], case.get("want", UNKNOWN)
            inp = inp.value if isinstance(inp, Ident) else inp
            want = want.value if isinstance(want, Ident) else want
            if not isinstance(inp, str) or not inp.strip():
                continue
            if not isinstance(want, list) or not want:
                continue
            pos.append((provider, inp, [w for w in strings_of(want) if w]))
    return pos


# ---------------------------------------------------------------- scanning and scoring

def scan(cmd, texts):
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    res = subprocess.run(shlex.split(cmd), input=lines.encode(), capture_output=True, check=True)
    out = {}
    for line in res.stdout.decode().splitlines():
        d = json.loads(line)
        out[d["id"]] = d["findings"]
    return [out.get(i, []) for i in range(len(texts))]


def byte_spans(text, parts):
    b = text.encode()
    spans = []
    for p in parts:
        pb = p.encode()
        if len(pb) < 6:
            continue
        i = b.find(pb)
        while i >= 0:
            spans.append((i, i + len(pb)))
            i = b.find(pb, i + 1)
    return spans


def secret_parts(want):
    """Where the wanted secret lies: the whole string, or its pieces (`id:secret`, `key|secret`)."""
    parts = set()
    for w in want:
        parts.add(w)
        try:  # a structured secret: `{"accountName": "…", "accountKey": "…"}`
            obj = json.loads(w)
            if isinstance(obj, dict):
                parts.update(str(x) for x in obj.values() if len(str(x)) >= 6)
                continue
        except ValueError:
            pass
        parts.update(x for x in re.split(r"[:;|,\s]+", w) if len(x) >= 6)
    return parts


def hit(text, findings, want):
    secret = [f for f in findings if f.get("family") == "SECRET"]
    if not secret:
        return False
    if want is None:
        return True
    spans = byte_spans(text, secret_parts(want if isinstance(want, list) else [want]))
    if not spans:
        return True  # the wanted value is rebuilt from parts we cannot locate: any finding counts
    return any(f["start"] < e and s < f["end"] for f in secret for s, e in spans)


def report(title, examples, findings, misses, top):
    per = defaultdict(lambda: [0, 0])
    for (group, text, want), f in zip(examples, findings):
        ok = hit(text, f, want)
        per[group][0] += ok
        per[group][1] += 1
        if not ok and misses is not None:
            misses.write(json.dumps({"suite": title, "group": group, "text": text[:2000]}) + "\n")
    found = sum(a for a, _ in per.values())
    total = sum(n for _, n in per.values())
    macro = sum(a / n for a, n in per.values()) / max(1, len(per))
    print(f"\n== {title}: {found}/{total} examples found, recall {found / max(1, total):.3f}"
          f" (per-group macro {macro:.3f}, {len(per)} groups)")
    worst = sorted(per.items(), key=lambda kv: (kv[1][0] / kv[1][1], -kv[1][1], kv[0]))
    for group, (a, n) in worst[:top]:
        if a < n:
            print(f"  {a:4d}/{n:<4d} {a / n:5.2f}  {group}")
    return found / max(1, total)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gitleaks", help="path to a gitleaks checkout")
    ap.add_argument("--trufflehog", help="path to a trufflehog checkout")
    ap.add_argument("--cmd", default="target/release/promptwall scan --jsonl --no-models")
    ap.add_argument("--misses", help="write the examples not found here (JSONL)")
    ap.add_argument("--top", type=int, default=40, help="how many of the worst groups to list")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--bare", action="store_true",
                    help="gitleaks: also scan each drawn secret alone, without its key (what the format rules find)")
    args = ap.parse_args()
    if not args.gitleaks and not args.trufflehog:
        ap.error("give --gitleaks and/or --trufflehog")
    misses = open(args.misses, "w") if args.misses else None
    if args.gitleaks:
        pos, neg = gitleaks_examples(args.gitleaks, random.Random(args.seed))
        findings = scan(args.cmd, [t for _, t, _ in pos] + [t for _, t, _ in neg])
        report("gitleaks true positives", [(g, t, None) for g, t, _ in pos], findings[:len(pos)], misses, args.top)
        fp_hits = sum(any(f.get("family") == "SECRET" for f in fs) for fs in findings[len(pos):])
        if args.bare:
            bare = sorted({(g, sec) for g, _, sec in pos if sec})
            found = scan(args.cmd, [sec for _, sec in bare])
            report("gitleaks drawn secrets alone (no key word)", [(g, sec, None) for g, sec in bare], found, None, args.top)
        print(f"  (gitleaks' own false-positive examples flagged: {fp_hits}/{len(neg)}; many are real-looking"
              " values gitleaks skips for its own reasons, so this is information, not a target)")
    if args.trufflehog:
        pos = trufflehog_examples(args.trufflehog, random.Random(args.seed))
        findings = scan(args.cmd, [t for _, t, _ in pos])
        report("trufflehog detector tests (a hit must overlap the wanted secret)", pos, findings, misses, args.top)
    if misses:
        misses.close()


if __name__ == "__main__":
    main()
