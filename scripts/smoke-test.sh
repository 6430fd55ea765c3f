#!/usr/bin/env bash
# Smoke test of a deployed environment, run by deploy.yml after each deploy (and by hand):
#   scripts/smoke-test.sh https://courzly.example.org [seconds to wait for it, default 120]
# Passes when the API is alive and ready (database and Redis reachable) and the web app is
# served with its security headers; a failure makes the deploy roll back.
set -euo pipefail

base=${1:?usage: smoke-test.sh BASE_URL [WAIT_SECONDS]}
base=${base%/}
wait_seconds=${2:-120}

fetch() {  # fetch URL OUTPUT_FILE -> the HTTP status (000 when unreachable)
    curl --silent --show-error --max-time 10 --output "$2" --dump-header "$2.headers" \
        --write-out '%{http_code}' "$1" || printf '000'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deadline=$((SECONDS + wait_seconds))
until [ "$(fetch "$base/readyz" "$work/ready")" = 200 ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "smoke test: $base/readyz did not answer 200 within ${wait_seconds}s" >&2
        cat "$work/ready" >&2 2>/dev/null || true
        exit 1
    fi
    sleep 3
done
echo "ok: $base/readyz"

status=$(fetch "$base/healthz" "$work/health")
[ "$status" = 200 ] || { echo "smoke test: $base/healthz answered $status" >&2; exit 1; }
echo "ok: $base/healthz"

status=$(fetch "$base/" "$work/index")
[ "$status" = 200 ] || { echo "smoke test: $base/ answered $status" >&2; exit 1; }
grep -qi '<div id="root">' "$work/index" || { echo "smoke test: $base/ is not the web app" >&2; exit 1; }
grep -qi '^x-content-type-options: nosniff' "$work/index.headers" \
    || { echo "smoke test: $base/ lacks X-Content-Type-Options" >&2; exit 1; }
echo "ok: $base/ (the web app)"

status=$(fetch "$base/api/v1/courses" "$work/courses")
[ "$status" = 401 ] || { echo "smoke test: $base/api/v1/courses answered $status, not 401" >&2; exit 1; }
echo "ok: $base/api/v1/courses refuses an anonymous caller"
echo "smoke test passed: $base"
