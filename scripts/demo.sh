#!/usr/bin/env bash
# The main job on a bare machine: engine, build, images, then run the web + sidecar
# example, fetch its page through the hostPort, show the pod, and clean up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
podrun() { node bin/podrun.js "$@"; }
trap 'podrun delete -f examples/web-sidecar.yaml --grace-period 1 >/dev/null 2>&1 || true' EXIT
podrun apply -f examples/web-sidecar.yaml --wait=60s
# The sidecar writes the page right after it starts: give it a moment.
for _ in $(seq 1 25); do
  if curl -fsS http://127.0.0.1:8080/ 2>/dev/null; then break; fi
  sleep 0.2
done
echo
podrun get pods -o wide
