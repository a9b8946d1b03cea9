#!/bin/sh
# Removes Promptwall from a Mac (Jamf: run as a policy script; by hand: sudo sh uninstall.sh).
# The file list is what `promptwall install --os macos --system` writes (installer/golden/macos-system.plan)
# plus /etc/promptwall. Per-user data (~/.local/share/promptwall) is removed with --purge.
set -e
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }
LABEL=com.promptwall.daemon
for d in /Users/*; do
    u="$(basename "$d")"
    uid="$(id -u "$u" 2>/dev/null)" || continue
    launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
    [ "${1:-}" = --purge ] && rm -rf "$d/.local/share/promptwall"
done
rm -f /Library/LaunchAgents/$LABEL.plist
for dir in "/Library/Google/Chrome/NativeMessagingHosts" \
           "/Library/Application Support/Chromium/NativeMessagingHosts" \
           "/Library/Microsoft/Edge/NativeMessagingHosts" \
           "/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts" \
           "/Library/Application Support/Mozilla/NativeMessagingHosts"; do
    rm -f "$dir/com.promptwall.agent.json"
done
rm -rf /Library/Promptwall /etc/promptwall
pkgutil --forget com.promptwall.agent >/dev/null 2>&1 || true
echo "Promptwall removed."
