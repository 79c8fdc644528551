// The real kubelet back-off, once: the first restart is immediate, the second waits
// 10 s. (Every other test uses a short test-only base.)
import { afterAll, expect, it } from 'vitest';
import { parseManifestText } from '../src/manifest/parse.js';
import { applyManifests } from '../src/pod/apply.js';
import { KUBELET_BACKOFF } from '../src/pod/lifecycle/backoff.js';
import { findPodRecord, withDetails } from '../src/pod/records.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('backoff');
const supervisor = new Supervisor({
  scope: ns,
  namespace: ns,
  backoff: KUBELET_BACKOFF,
  tickMs: 250,
});

afterAll(async () => {
  await supervisor.stop();
  await cleanNamespace(ns);
});

it('waits the real 10 s before the second restart', async () => {
  const set = parseManifestText(
    `apiVersion: v1
kind: Pod
metadata: { name: loop }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'exit 1'] }
`,
    'test.yaml',
    { defaultNamespace: ns, validate: 'strict' },
  );
  await applyManifests(set, { supervise: ns });
  supervisor.start();
  const started = async (attempt: string) => {
    const record = await withDetails((await findPodRecord(ns, 'loop'))!);
    const info = record.containers.find((c) => c.Labels['io.podrun.attempt'] === attempt);
    const state = info && record.inspected?.get(info.Id)?.State;
    return state && Date.parse(state.StartedAt) > 0 && state;
  };
  // The first restart, while attempt 0 is still kept (as the previous instance).
  const zero = await waitFor(
    'attempt 0 exited',
    async () => {
      const state = await started('0');
      return state && state.Status === 'exited' && state;
    },
    20_000,
  );
  const one = await waitFor('attempt 1 started', () => started('1'), 20_000);
  const firstGap = Date.parse(one.StartedAt) - Date.parse(zero.FinishedAt);
  // Attempt 1 (the immediate first restart) and attempt 2 (after the back-off), by
  // their attempt labels, once attempt 2 has started.
  const [first, second] = await waitFor(
    'attempt 2 started',
    async () => {
      const [one, two] = [await started('1'), await started('2')];
      return one && two && ([one, two] as const);
    },
    30_000,
  );
  const gap = Date.parse(second.StartedAt) - Date.parse(first.FinishedAt);
  console.log(`real back-off: first restart after ${firstGap} ms, second after ${gap} ms`);
  // No back-off before the first restart: it did not wait a step.
  expect(firstGap).toBeLessThan(KUBELET_BACKOFF.baseMs);
  // The 10 s step, measured on the engine's own timestamps: at least 10 s, and not
  // the next step (20 s) of the sequence. No tighter bound: on a loaded machine the
  // restart itself (create, start) may take seconds on top.
  expect(gap).toBeGreaterThanOrEqual(KUBELET_BACKOFF.baseMs);
  expect(gap).toBeLessThan(2 * KUBELET_BACKOFF.baseMs);
}, 40_000);
