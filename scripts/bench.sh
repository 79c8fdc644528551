#!/usr/bin/env bash
# `npm run bench [-- options]`: the benchmark (bench/run.mjs) on a machine set up the
# way the tests set it up (host packages, the engine, the build, the local images), so
# it runs on a fresh machine too; with --podman, bench/run.mjs also installs podman.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-host-packages.sh tools build images
bash scripts/ensure-docker.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
npx tsx scripts/build-images.ts
exec node bench/run.mjs "$@"
