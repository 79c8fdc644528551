// A long-running supervisor holds nothing of pods and instances that are gone:
// verdicts and probers of removed instances, BackOff notices of a crash loop's
// instances, and the events of deleted pods (the soak, scripts/soak.ts, measures
// the memory; this pins what must be forgotten).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeContainer } from '../src/docker/containers.js';
import { parseManifestText } from '../src/manifest/parse.js';
import { applyManifests } from '../src/pod/apply.js';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { findPodRecord } from '../src/pod/records.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('supmem');
const supervisor = new Supervisor({
  scope: ns,
  namespace: ns,
  backoff: { baseMs: 200, maxMs: 400, resetAfterMs: 600_000 },
  tickMs: 250,
  forgetPodsAfterMs: 0,
});

beforeAll(() => supervisor.start());

afterAll(async () => {
  await supervisor.stop();
  await cleanNamespace(ns);
});

async function apply(yaml: string): Promise<void> {
  const set = parseManifestText(yaml, 'test.yaml', { defaultNamespace: ns, validate: 'strict' });
  await applyManifests(set, { supervise: ns });
}

const appOf = async (name: string) =>
  (await findPodRecord(ns, name))?.containers.find((c) => c.State === 'running')?.Id;

it('forgets verdicts, notices and events of removed instances and deleted pods', async () => {
  await apply(`apiVersion: v1
kind: Pod
metadata: { name: probed }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      # Never ready: every probe records an Unhealthy event in the supervisor.
      readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 }
---
apiVersion: v1
kind: Pod
metadata: { name: loop }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'exit 1'] }
`);
  // The supervisor holds state of both: a prober and verdict, BackOff notices and events.
  await waitFor(
    'state of both pods',
    async () => {
      const held = supervisor.retained();
      return (
        held.probers === 1 && held.verdicts >= 1 && held.notices >= 1 && held.podsWithEvents === 2
      );
    },
    60_000,
  );
  // An instance removed while running (never listed as exited): the supervisor
  // starts a new one; the old one's verdict goes, so one verdict is left, not two.
  const first = await appOf('probed');
  if (!first) throw new Error('probed has no running container');
  await removeContainer(first);
  await waitFor(
    'a new instance, and the old verdict forgotten',
    async () => {
      const now = await appOf('probed');
      const held = supervisor.retained();
      return now !== undefined && now !== first && held.probers === 1 && held.verdicts === 1;
    },
    60_000,
  );
  for (const name of ['probed', 'loop']) {
    const record = await findPodRecord(ns, name);
    if (record) await deletePodRecord(record, 0);
  }
  await waitFor(
    'all of it forgotten',
    async () => {
      const held = supervisor.retained();
      return (
        held.probers === 0 && held.verdicts === 0 && held.notices === 0 && held.podsWithEvents === 0
      );
    },
    30_000,
  );
  expect(supervisor.retained()).toEqual({ probers: 0, verdicts: 0, notices: 0, podsWithEvents: 0 });
}, 180_000);
