#!/usr/bin/env bash
# Runs a command with a real, private Secret Service (gnome-keyring in its own D-Bus session), so
# the keychain tests exercise keytar exactly as on a Linux desktop, without touching the person's
# own keyring. Where dbus-run-session or gnome-keyring is missing, runs the command as it is and
# the keychain tests say they were skipped.
set -euo pipefail
if [ "$(uname -s)" != "Linux" ] || ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  exec "$@"
fi
keyring_home=$(mktemp -d)
runtime_dir=$(mktemp -d)
chmod 700 "$runtime_dir"
trap 'rm -rf "$keyring_home" "$runtime_dir"' EXIT
export KLING_TEST_KEYCHAIN=1
export XDG_RUNTIME_DIR="$runtime_dir"
# The keyring lives in a fresh data folder; HOME stays, so tools keep their caches.
export XDG_DATA_HOME="$keyring_home"
dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@" 2> >(grep -v "Failed to set fd limit" >&2)
