#!/usr/bin/env bash
# The long runs (test/stress/, `npm run test:stress`): the lifecycle races (Ctrl-C, SIGKILL,
# kill-the-pause-then-delete, concurrent applies and apply+delete, each repeated
# PODRUN_STRESS_REPS times (default 20) against the real engine), and a CronJob on the
# real clock (about two minutes of minute boundaries). CI runs it after
# `npm test` (.ci/run); it sets up what it needs itself, like test.sh, and fails if
# any podrun container, volume or network is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

bash scripts/prepare.sh

export PODRUN_STRESS=1
export PODRUN_SUPERVISOR_SCOPE="stress-$$"
mkdir -p .test
node scripts/leak-check.mjs snapshot .test/stress-objects-before.json
status=0
npx vitest run --project stress || status=$?
node bin/podrun.js supervisor stop >/dev/null 2>&1 || true
node scripts/leak-check.mjs check .test/stress-objects-before.json || status=1
echo "stress total time: $(( $(date +%s) - started ))s"
exit "$status"
