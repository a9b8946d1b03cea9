#!/usr/bin/env bash
# Builds Promptwall.msi from installer/windows/Product.wxs + NativeHosts.wxs with msitools' wixl
# (Debian: apt-get install wixl msitools), on Linux, from a Windows binary cross-built with
# x86_64-pc-windows-gnu. Prints the MSI's path on the last line.
#   build-msi.sh [OUT_DIR]                  (default target/msi)
#   PROMPTWALL_EXE=path/promptwall.exe      package this binary (default: a release build here)
#   AGENT_CONFIG=agent.json                 the managed configuration to build in
#                                           (default installer/linux/agent.json: the defaults)
# wixl ignores WiX's NeverOverwrite attribute, so the built MSI's Component table gets it here
# (msibuild): the managed agent.json must survive upgrades. scripts/test-windows.sh checks it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/msi}"
for tool in wixl msibuild msiinfo; do
  command -v "$tool" >/dev/null || { echo "build-msi.sh: $tool is missing (apt-get install wixl msitools)" >&2; exit 1; }
done
exe="${PROMPTWALL_EXE:-}"
if [ -z "$exe" ]; then
  cargo build --release --locked -p promptwall --target x86_64-pc-windows-gnu >&2
  exe="${CARGO_TARGET_DIR:-target}/x86_64-pc-windows-gnu/release/promptwall.exe"
fi
config="${AGENT_CONFIG:-installer/linux/agent.json}"
[ -f "$exe" ] || { echo "build-msi.sh: $exe not found" >&2; exit 1; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$config" || { echo "build-msi.sh: $config is not JSON" >&2; exit 1; }

# The MSI's version is the workspace's (Product.wxs must say the same).
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
grep -q "Version=\"$version\"" installer/windows/Product.wxs \
  || { echo "build-msi.sh: Product.wxs Version is not the workspace version $version" >&2; exit 1; }

# wixl resolves sources relative to the working directory and trips on absolute paths: stage.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
cp installer/windows/Product.wxs installer/windows/NativeHosts.wxs "$stage/"
cp -r installer/windows/payload "$stage/payload"
cp "$exe" "$stage/bin/promptwall.exe"
cp "$config" "$stage/agent.json"
(cd "$stage" && wixl -a x64 -D BinDir=bin -D AgentConfig=agent.json -o Promptwall.msi Product.wxs NativeHosts.wxs 2>&1 \
   | grep -v "has no property named 'NeverOverwrite'" | grep -v '^$' >&2 || true)
[ -s "$stage/Promptwall.msi" ] || { echo "build-msi.sh: wixl did not build the MSI" >&2; exit 1; }
# msidbComponentAttributes64bit (256) | msidbComponentAttributesNeverOverwrite (128).
msibuild "$stage/Promptwall.msi" -q "UPDATE \`Component\` SET \`Attributes\` = 384 WHERE \`Component\` = 'AgentConfig'"
mkdir -p "$out"
mv "$stage/Promptwall.msi" "$out/Promptwall.msi"
echo "$out/Promptwall.msi"
