#!/usr/bin/env bash
# Create the virtualenv; on a bare Debian, install python3-venv first (needs root).
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if [ -x "$venv/bin/python" ]; then exit 0; fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Courzly needs Python 3.11 or newer; $python is $("$python" --version 2>&1)." >&2
  exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  "$(dirname "$0")/ensure-packages.sh" python3-venv
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
