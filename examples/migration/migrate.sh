#!/usr/bin/env sh
# A database migration step as CI scripts write it for kubectl, run with podrun
# instead: apply the Job, wait until it is complete, print its log, remove it.
# Usage: examples/migration/migrate.sh [namespace]   (KUBECTL=podrun by default)
set -eu
KUBECTL=${KUBECTL:-podrun}
NS=${1:-default}
HERE=$(dirname "$0")

$KUBECTL apply -f "$HERE/job.yaml" -n "$NS"
$KUBECTL wait --for=condition=complete job/migrator -n "$NS" --timeout=60s
$KUBECTL logs job/migrator -n "$NS"
$KUBECTL delete job migrator -n "$NS"
