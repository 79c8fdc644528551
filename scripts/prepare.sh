#!/usr/bin/env bash
# What the demo, the bench and the stress runs need before they start, on a bare
# machine too: host packages, the Docker engine, node_modules when missing, the
# build and the local images. (scripts/test.sh does the same in named steps, with a
# fresh npm ci.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-host-packages.sh tools build images
bash scripts/ensure-docker.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
npx tsx scripts/build-images.ts
