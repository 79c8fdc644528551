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
  const times = async () => {
    const record = await withDetails((await findPodRecord(ns, 'loop'))!);
    return record.containers.map((info) => record.inspected?.get(info.Id)?.State);
  };
  await waitFor(
    'attempt 2',
    async () => {
      const record = await findPodRecord(ns, 'loop');
      return record?.containers.some((c) => c.Labels['io.podrun.attempt'] === '2');
    },
    20_000,
  );
  const [latest, previous] = await times();
  const gap = Date.parse(latest!.StartedAt) - Date.parse(previous!.FinishedAt);
  console.log(`real back-off before the second restart: ${gap} ms`);
  expect(gap).toBeGreaterThanOrEqual(10_000);
  expect(gap).toBeLessThan(12_000);
}, 40_000);
