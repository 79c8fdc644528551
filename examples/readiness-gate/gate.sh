#!/usr/bin/env sh
# A readiness gate as CI scripts write it for kubectl, run with podrun instead:
# apply, wait until every web pod is Ready, then read their names and IPs.
# Usage: examples/readiness-gate/gate.sh [namespace]   (KUBECTL=podrun by default)
set -eu
KUBECTL=${KUBECTL:-podrun}
NS=${1:-default}
HERE=$(dirname "$0")

$KUBECTL apply -f "$HERE/app.yaml" -n "$NS"
$KUBECTL wait --for=condition=ready pod -l app=web -n "$NS" --timeout=60s
first=$($KUBECTL get pods -l app=web -n "$NS" -o jsonpath='{.items[0].metadata.name}')
echo "first web pod: $first"
$KUBECTL get pods -l 'app in (web),tier=front' -n "$NS" \
  -o jsonpath='{range .items[*]}{.metadata.name} {.status.podIP}{"\n"}{end}'
