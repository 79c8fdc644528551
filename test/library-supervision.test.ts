// Library pods run once: without `supervise` nothing labels them for a supervisor,
// so nobody restarts or probes them (a running container counts as ready);
// `supervise: <scope>` opts in, and a supervisor of that scope restarts them.
import { afterAll, describe, expect, it } from 'vitest';
import { killContainer, waitContainer } from '../src/docker/containers.js';
import {
  applyManifests,
  findPodRecord,
  parseManifestText,
  podStatus,
  startPod,
} from '../src/index.js';
import { Labels } from '../src/plan/labels.js';
import { LifecycleLabels } from '../src/pod/lifecycle/labels.js';
import { listSupervisedRecords, type PodRecord, withDetails } from '../src/pod/records.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('libsup');
const scope = ns;

afterAll(async () => {
  await cleanNamespace(ns);
});

const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 }
`;

const apply = (name: string, supervise?: string) =>
  applyManifests(
    parseManifestText(pod(name), 'test.yaml', { defaultNamespace: ns, validate: 'strict' }),
    supervise ? { supervise } : {},
  );

/** The supervise label of the pod's sandbox and containers (not its event store's). */
const supervisedLabels = (record: PodRecord) =>
  [record.sandbox!, ...record.containers].map((c) => c.Labels[LifecycleLabels.supervised]);

async function killApp(name: string): Promise<void> {
  const record = (await findPodRecord(ns, name))!;
  const app = record.containers.find((c) => c.Labels[Labels.container] === 'app')!;
  await killContainer(app.Id);
  await waitContainer(app.Id);
}

const attempts = async (name: string) =>
  ((await findPodRecord(ns, name))?.containers ?? []).map((c) => c.Labels[Labels.attempt]);

describe('library pods and supervision', () => {
  it('startPod and applyManifests without supervise label nothing for a supervisor', async () => {
    await using started = await startPod(pod('fixture'), { namespace: ns, reaper: false });
    const fixture = (await findPodRecord(ns, started.name))!;
    expect(supervisedLabels(fixture).every((value) => value === undefined)).toBe(true);
    await apply('plain');
    const plain = (await findPodRecord(ns, 'plain'))!;
    expect(supervisedLabels(plain).every((value) => value === undefined)).toBe(true);
    // Nobody probes it, so its running container counts as ready (the probe would fail).
    expect(podStatus(await withDetails(plain))).toMatchObject({ ready: 1, total: 1 });
  });

  it('supervise: <scope> opts in; a supervisor of that scope restarts only those pods', async () => {
    await apply('opted-in', scope);
    const optedIn = (await findPodRecord(ns, 'opted-in'))!;
    expect(supervisedLabels(optedIn).every((value) => value === scope)).toBe(true);
    expect((await listSupervisedRecords(scope, ns)).map((r) => r.name)).toEqual(['opted-in']);
    // Supervised, the failing readiness probe counts: not ready until probed.
    expect(podStatus(await withDetails(optedIn))).toMatchObject({ ready: 0, total: 1 });

    const supervisor = new Supervisor({ scope, namespace: ns, tickMs: 200 });
    supervisor.start();
    try {
      await killApp('plain'); // first the library pod...
      await killApp('opted-in'); // ...then the supervised one
      await waitFor(
        'the supervised pod restarted',
        async () => (await attempts('opted-in')).includes('1'),
        20_000,
      );
    } finally {
      await supervisor.stop();
    }
    // The supervisor has reconciled since both deaths; the library pod stayed down.
    expect(await attempts('plain')).toEqual(['0']);
    const plain = podStatus(await withDetails((await findPodRecord(ns, 'plain'))!));
    expect(plain.containers[0]).toMatchObject({ state: 'terminated', exitCode: 137, restarts: 0 });
  });
});
