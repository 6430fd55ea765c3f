#!/usr/bin/env bash
# Install Debian packages that are missing (only as root; otherwise say what to install).
# --no-start: the packages' services must not start on this machine (the tests only need
# their tools): a policy-rc.d refusing every start is in place for the install.
set -euo pipefail
no_start=false
if [ "${1:-}" = "--no-start" ]; then no_start=true; shift; fi
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
if $no_start && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Written by Courzly'"'"'s ensure-packages.sh for one install.\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
