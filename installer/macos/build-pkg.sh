#!/usr/bin/env bash
# Builds Promptwall.pkg on a Mac (Xcode command-line tools + Rust):
#   installer/macos/build-pkg.sh [OUT_DIR]       (default: target/macos)
#   SIGN_IDENTITY="Developer ID Installer: …"    sign it (productsign) for Jamf/Intune
#   PROMPTWALL_EXTENSION_IDS="id1 id2"           Chromium extension ids the host allows (required;
#                                                PROMPTWALL_FIREFOX_IDS, PROMPTWALL_DEV_EXTENSION=1 as in build-deb.sh)
# The payload is what `promptwall install --os macos --system --root PAYLOAD` writes (the same
# table as Linux and Windows): /Library/Promptwall/bin/promptwall, the host wrapper, host manifests
# for every browser and the daemon's LaunchAgent; plus the default managed configuration.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/macos}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
rustup target add aarch64-apple-darwin x86_64-apple-darwin >/dev/null
cargo build --release --locked -p promptwall --target aarch64-apple-darwin
cargo build --release --locked -p promptwall --target x86_64-apple-darwin
mkdir -p "$out"
lipo -create -output "$out/promptwall" target/aarch64-apple-darwin/release/promptwall target/x86_64-apple-darwin/release/promptwall
payload="$out/payload"
rm -rf "$payload"
# ML models fetched on this Mac (python3 models/fetch.py: the macOS ONNX Runtime) go to
# /Library/Promptwall/share/promptwall/models, where the agent looks beside its binary.
models=()
{ [ -f models/dist/pii-tagger/manifest.json ] || [ -f models/dist/categories/manifest.json ] || [ -f models/dist/runtime/manifest.json ]; } && models=(--models models/dist)
ids=()
for id in ${PROMPTWALL_EXTENSION_IDS:-}; do ids+=(--extension-id "$id"); done
for id in ${PROMPTWALL_FIREFOX_IDS:-}; do ids+=(--firefox-id "$id"); done
[ "${PROMPTWALL_DEV_EXTENSION:-0}" = 1 ] && ids+=(--dev-extension)
"$out/promptwall" install --os macos --system --root "$payload" ${models[@]+"${models[@]}"} ${ids[@]+"${ids[@]}"}
mkdir -p "$payload/Library/Promptwall/share"
install -m 644 installer/linux/agent.json "$payload/Library/Promptwall/share/agent.json"
install -m 755 installer/macos/uninstall.sh "$payload/Library/Promptwall/share/uninstall.sh"
chmod 755 installer/macos/scripts/preinstall installer/macos/scripts/postinstall
pkgbuild --root "$payload" --scripts installer/macos/scripts --identifier com.promptwall.agent \
  --version "$version" --install-location / "$out/Promptwall-unsigned.pkg"
if [ -n "${SIGN_IDENTITY:-}" ]; then
  productsign --sign "$SIGN_IDENTITY" "$out/Promptwall-unsigned.pkg" "$out/Promptwall-$version.pkg"
else
  mv "$out/Promptwall-unsigned.pkg" "$out/Promptwall-$version.pkg"
fi
echo "$out/Promptwall-$version.pkg"
