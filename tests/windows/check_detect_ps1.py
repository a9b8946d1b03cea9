#!/usr/bin/env python3
"""Checks installer/windows/intune/detect.ps1, the Intune Win32 app detection script, without
PowerShell: none runs here (pwsh is not packaged by Debian, Wine 8 ships no powershell.exe, and
the PowerShell SDK on NuGet needs a .NET SDK that this machine does not have).

What is checked, and with what:
- syntax: parsed by the tree-sitter PowerShell grammar (PyPI `tree-sitter-powershell`, a grammar
  of the PowerShell language, not PowerShell's own parser): no ERROR or MISSING node; a broken
  copy (a brace removed) must give one, so the parser is known to catch errors;
- Intune's contract, from the syntax tree: every `exit` is `exit 0` or `exit 1`, exactly one
  command writes to standard output (Write-Output) and it is followed by `exit 0`, nothing else
  writes to it (Write-Host, echo, Out-Host, Write-Information, a bare value);
- what it looks for is what the MSI writes: $MinimumVersion is the workspace version, the
  DisplayName/Publisher are Product.wxs's Name/Manufacturer, the host key and the Run value are
  the ones in NativeHosts.wxs/Product.wxs, and the registry is read in the 64-bit view.
scripts/test-windows.sh then checks, under Wine after `msiexec /i`, that the uninstall entry has
that DisplayName, Publisher and DisplayVersion (the running of the script itself needs Windows).
  check_detect_ps1.py [detect.ps1]
Exits 0 with `ok` lines, 1 with the problems; 3 when the grammar is not installed."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "installer/windows/intune/detect.ps1")

try:
    import tree_sitter
    import tree_sitter_powershell
    from importlib.metadata import version as pkg_version
except ImportError:
    print("check_detect_ps1.py: the grammar is missing: pip install tree-sitter==0.26.1 tree-sitter-powershell==0.26.4",
          file=sys.stderr)
    sys.exit(3)

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def problems_of(tree):
    out = []

    def walk(n):
        if n.type == "ERROR" or n.is_missing:
            out.append(f"line {n.start_point[0] + 1}: {'missing ' + n.type if n.is_missing else 'syntax error'}: "
                       f"{n.text.decode(errors='replace')[:60]!r}")
            return
        for c in n.children:
            walk(c)

    walk(tree.root_node)
    return out


def nodes(n, kind):
    if n.type == kind:
        yield n
    for c in n.children:
        yield from nodes(c, kind)


def main():
    src = open(PATH, "rb").read()
    errs = []
    tree = PARSER.parse(src)
    errs += problems_of(tree)
    # The parser must see a broken copy as broken (else "no error" would prove nothing).
    broken = src.replace(b"finally { $hklm.Close() }\n}", b"finally { $hklm.Close() \n}", 1)
    if broken == src or not problems_of(PARSER.parse(broken)):
        errs.append("the grammar did not flag a copy with a brace removed")

    text = src.decode("utf-8")
    # Intune's contract: exit codes and what reaches standard output.
    exits = [n.text.decode() for n in nodes(tree.root_node, "flow_control_statement") if n.text.startswith(b"exit")]
    if not exits or any(re.sub(r"\s+", " ", e) not in ("exit 0", "exit 1") for e in exits):
        errs.append(f"exits must be `exit 0` or `exit 1`: {exits}")
    commands = [n.child_by_field_name("command_name") for n in nodes(tree.root_node, "command")]
    names = [c.text.decode().lower() for c in commands if c is not None]
    writers = [n for n in names if n in ("write-output", "write-host", "echo", "out-host", "write-information", "out-default", "print")]
    if writers != ["write-output"]:
        errs.append(f"exactly one Write-Output and no other writer expected, found {writers}")
    if not re.search(r"Write-Output [^\n]+\n\s*exit 0\n", text):
        errs.append("Write-Output must be followed by `exit 0`")
    # Bare values at statement level would also reach standard output: every top-level statement
    # in the try block is an assignment, an if, a call into a variable or the output/exit.
    # (Functions return values to their callers, which assign them.)
    for n in nodes(tree.root_node, "pipeline"):
        if n.parent is not None and n.parent.type == "statement_list" and n.parent.parent is not None \
                and n.parent.parent.type == "statement_block" and n.parent.parent.parent is not None \
                and n.parent.parent.parent.type == "try_statement":
            t = n.text.decode()
            if not (t.startswith("$") and "=" in t) and not t.startswith("Write-Output"):
                errs.append(f"a statement in the try block may write to standard output: {t[:60]!r}")

    # What it looks for is what the MSI writes.
    cargo = open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8").read()
    version = re.search(r'^version = "(.*)"', cargo, re.M).group(1)
    m = re.search(r"\$MinimumVersion = \[version\]'([^']+)'", text)
    if not m or m.group(1) != version:
        errs.append(f"$MinimumVersion is {m and m.group(1)!r}, the workspace version is {version}")
    product = open(os.path.join(ROOT, "installer/windows/Product.wxs"), encoding="utf-8").read()
    hosts = open(os.path.join(ROOT, "installer/windows/NativeHosts.wxs"), encoding="utf-8").read()
    p = re.search(r'<Product [^>]*Name="([^"]+)"[^>]*Manufacturer="([^"]+)"', product)
    if not p or f"$displayName -eq '{p.group(1)}'" not in text or f"$publisher -eq '{p.group(2)}'" not in text:
        errs.append(f"DisplayName/Publisher differ from Product.wxs ({p and p.groups()})")
    if 'Name="PromptwallDaemon"' not in product or "'PromptwallDaemon'" not in text:
        errs.append("the Run value PromptwallDaemon is not the one Product.wxs writes")
    if r"Software\Google\Chrome\NativeMessagingHosts\com.promptwall.agent" not in hosts \
            or r"'SOFTWARE\Google\Chrome\NativeMessagingHosts\com.promptwall.agent'" not in text:
        errs.append("the Chrome host key is not the one NativeHosts.wxs writes")
    if "[Microsoft.Win32.RegistryView]::Registry64" not in text or "HKLM:" in text:
        errs.append("the registry must be read in the 64-bit view (OpenBaseKey Registry64), not through HKLM:")

    if errs:
        print("check_detect_ps1.py: FAIL:\n  " + "\n  ".join(errs), file=sys.stderr)
        sys.exit(1)
    print(f"test-windows.sh: ok: detect.ps1 parsed by the tree-sitter PowerShell grammar (tree-sitter-powershell "
          f"{pkg_version('tree-sitter-powershell')}; not PowerShell itself: none runs here) without error, a broken copy "
          f"flagged; exits only 0/1, one Write-Output then exit 0; looks for version >= {version}, Product.wxs's "
          "DisplayName/Publisher, the Chrome host key and the Run value, in the 64-bit registry view")


if __name__ == "__main__":
    main()
