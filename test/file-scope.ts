// Runs before each Docker-backed test file (vitest setupFiles): the file gets a
// supervisor scope of its own, so files run side by side without one stopping or
// restarting another's supervisor (scopedNamespace narrows it further to a
// namespace). Once the file is done (after its own afterAll hooks), its scope's
// supervisor is stopped.
import { basename } from 'node:path';
import { afterAll, expect } from 'vitest';
import { stopSupervisor } from '../src/supervisor/launch.js';

// A worker process runs several files in turn: each one's scope derives from the
// suite's (scripts/test.sh sets it), not from the file before it.
process.env.VITEST_SCOPE_BASE ??= process.env.PODRUN_SUPERVISOR_SCOPE ?? 'test';
const base = process.env.VITEST_SCOPE_BASE;
const file = basename(expect.getState().testPath ?? 'file')
  .replace(/\.test\.ts$/, '')
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, '-');
const scope = `${base}-${file}`.slice(0, 63).replace(/-+$/, '');
process.env.PODRUN_SUPERVISOR_SCOPE = scope;

afterAll(async () => {
  // The file's scope, and the namespace scope a scopedNamespace file moved to.
  for (const each of new Set([scope, process.env.PODRUN_SUPERVISOR_SCOPE])) {
    process.env.PODRUN_SUPERVISOR_SCOPE = each;
    await stopSupervisor();
  }
}, 40_000);
