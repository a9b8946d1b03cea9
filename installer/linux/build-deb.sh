#!/usr/bin/env bash
# Builds the Promptwall .deb with dpkg-deb alone (no debhelper):
#   installer/linux/build-deb.sh [OUT_DIR]        (default OUT_DIR: target/deb)
#   PROMPTWALL_BIN=path   package this binary instead of building target/release/promptwall
#   PROMPTWALL_MODELS_SRC=dir   the ML models folder (default models/dist, when present)
#   PROMPTWALL_EXTENSION_IDS="id1 id2"   Chromium extension ids the host allows (required, or:)
#   PROMPTWALL_FIREFOX_IDS="id@x"        Firefox add-on ids the host allows
#   PROMPTWALL_DEV_EXTENSION=1           also trust the development build (test packages only)
#
# The package root is filled by `promptwall install --system --root STAGE --binary /usr/bin/promptwall`,
# the same table and code as a manual install (host manifests for every browser, the host
# wrapper, the daemon's hardened systemd user unit), plus the managed configuration (a conffile),
# examples, docs and the maintainer scripts in installer/linux/debian/.
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-target/deb}"
bin="${PROMPTWALL_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -p promptwall --locked
  bin=target/release/promptwall
fi
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
arch="$(dpkg --print-architecture)"
stage="$out/stage"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"

# The ML models (python3 models/fetch.py fills models/dist) go to /usr/share/promptwall/models,
# where the agent looks beside /usr/bin; without them it runs the structured detectors only.
models="${PROMPTWALL_MODELS_SRC:-models/dist}"
models_arg=()
if [ -f "$models/pii-tagger/manifest.json" ] || [ -f "$models/categories/manifest.json" ] || [ -f "$models/runtime/manifest.json" ]; then
  models_arg=(--models "$models")
else
  echo "build-deb.sh: NOTE: no models in $models (python3 models/fetch.py): packaging without them" >&2
fi
# Extension ids the host manifests allow (space-separated; default: the binary's built-in ids).
# IT adds its store id here rather than editing the manifests, which upgrades replace.
ids_arg=()
for id in ${PROMPTWALL_EXTENSION_IDS:-}; do ids_arg+=(--extension-id "$id"); done
for id in ${PROMPTWALL_FIREFOX_IDS:-}; do ids_arg+=(--firefox-id "$id"); done
[ "${PROMPTWALL_DEV_EXTENSION:-0}" = 1 ] && ids_arg+=(--dev-extension)
if [ ${#ids_arg[@]} -eq 0 ]; then
  echo "build-deb.sh: set PROMPTWALL_EXTENSION_IDS (and/or PROMPTWALL_FIREFOX_IDS) to the store ids IT deploys; PROMPTWALL_DEV_EXTENSION=1 trusts the development build (test packages only)" >&2
  exit 2
fi
"$bin" install --system --root "$stage" --binary /usr/bin/promptwall \
  ${models_arg[@]+"${models_arg[@]}"} ${ids_arg[@]+"${ids_arg[@]}"} >/dev/null
if command -v strip >/dev/null; then strip --strip-unneeded --remove-section=.comment "$stage/usr/bin/promptwall"; fi

install -Dm644 installer/linux/agent.json "$stage/etc/promptwall/agent.json"
install -Dm644 installer/examples/agent.json "$stage/usr/share/promptwall/examples/agent.json"
install -Dm644 installer/examples/chrome-policy.json "$stage/usr/share/promptwall/examples/chrome-policy.json"
install -Dm644 installer/firefox/policies.json "$stage/usr/share/promptwall/examples/firefox-policies.json"
install -Dm644 docs/schemas/agent-config.schema.json "$stage/usr/share/promptwall/agent-config.schema.json"
install -d "$stage/usr/share/doc/promptwall"
[ -f docs/deploy.md ] && install -m644 docs/deploy.md "$stage/usr/share/doc/promptwall/deploy.md"
cat > "$stage/usr/share/doc/promptwall/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: promptwall
Source: https://example.invalid/promptwall

Files: *
Copyright: 2026 The Promptwall authors
License: Apache-2.0
 On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.
COPY

printf 'promptwall (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- Promptwall <packages@promptwall.invalid>  %s\n' \
  "$version" "$version" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$stage/usr/share/doc/promptwall/changelog.gz"
# Reviewed lintian findings (see docs/deploy.md): the browsers' own manifest folders are fixed.
install -Dm644 installer/linux/lintian-overrides "$stage/usr/share/lintian/overrides/promptwall"

installed_kb="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: promptwall
Version: $version
Architecture: $arch
Maintainer: Promptwall <packages@promptwall.invalid>
Section: utils
Priority: optional
Depends: libc6
Installed-Size: $installed_kb
Homepage: https://example.invalid/promptwall
Description: data-loss-prevention guard for AI chat (agent and browser host)
 Finds sensitive data (keys, card numbers, personal data, source code) in
 text pasted into AI chat before it leaves the machine, and warns, redacts
 or blocks according to company policy. This package holds the agent, its
 native-messaging host registered for Chrome, Chromium, Edge, Brave and
 Firefox, and the per-user daemon (a systemd user unit).
CONTROL
echo /etc/promptwall/agent.json > "$stage/DEBIAN/conffiles"
for s in postinst prerm postrm; do
  install -m755 "installer/linux/debian/$s" "$stage/DEBIAN/$s"
done

deb="$out/promptwall_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group "$stage" "$deb" >/dev/null
echo "$deb"
