#!/usr/bin/env bash
# `npm run bench [-- options]`: the benchmark (bench/run.mjs) on a machine set up the
# way the tests set it up (host packages, the engine, the build, the local images), so
# it runs on a fresh machine too; with --podman, bench/run.mjs also installs podman.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
exec node bench/run.mjs "$@"
