#!/usr/bin/env bash
# The one test command (README, .ci/run): sets everything up on a bare machine, then
# type-checks, lints, runs unit and Docker-backed tests, and fails if any podrun
# container, volume or network is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

step() { printf '\n== %s\n' "$*"; }

step "host packages and Docker engine"
bash scripts/ensure-host-packages.sh tools build images registry
bash scripts/ensure-docker.sh

step "dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

step "build (TypeScript, pause binary)"
npm run --silent build

step "local images (pause, fixtures)"
npx tsx scripts/build-images.ts

step "type check"
npm run --silent typecheck

step "lint and format check (Biome)"
npx biome ci --colors=off .

step "tests (unit, then Docker-backed)"
# Pods the tests apply through the CLI get a supervisor of their own scope, so a
# developer's own supervisor (and the pods it keeps) is never touched; it is
# stopped below.
export PODRUN_SUPERVISOR_SCOPE="test-$$"
mkdir -p .test
node scripts/leak-check.mjs snapshot .test/objects-before.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.test/vitest.json || status=$?

node bin/podrun.js supervisor stop >/dev/null 2>&1 || true
# The test scopes' supervisor logs and probe memories (not the default scope's, a user's).
for dir in /run/podrun "${XDG_RUNTIME_DIR:-/nonexistent}/podrun"; do
  [ -d "$dir" ] || continue
  find "$dir" -maxdepth 1 \( -name 'supervisor-*-*.log' -o -name 'supervisor-*-*.probes.json' \) \
    -newer .test/objects-before.json -delete || true
done

step "leak check"
node scripts/leak-check.mjs check .test/objects-before.json || status=1

# The summary line; under CI=true a skipped or todo test fails the run, naming each:
# on CI every prerequisite (registry, second engine) comes from the scripts above.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".test/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A file that fails outside any test (a hook, an import) counts as one failure more.
  const failedOutside = r.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
  ).length;
  const failed = r.numFailedTests + failedOutside;
  console.log(`\ntests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  if (process.env.CI === "true" && skipped > 0) {
    const root = process.cwd() + "/";
    for (const file of r.testResults)
      for (const t of file.assertionResults)
        if (["pending", "skipped", "todo"].includes(t.status))
          console.log(`skipped under CI=true: ${file.name.replace(root, "")} > ${t.fullName}`);
    console.log(`CI=true: ${skipped} skipped test(s) fail the run; give each its prerequisite`);
    process.exit(1);
  }
' || status=1
echo "total time: $(( $(date +%s) - started ))s"
exit "$status"
