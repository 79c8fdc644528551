// Two podrun processes acting on one pod at once, and a pod being deleted while a
// supervisor looks after it. The README's promises: the container names are
// deterministic, so the engine refuses the second create of a step (409) and the
// loser adopts the winner's container; a TERMINATING marker stops every restart.
// The reconcile step is the unit every driver (supervisor, `podrun up`) runs, so two
// concurrent steps are two processes racing.
import { afterAll, describe, expect, it } from 'vitest';
import { killContainer, removeContainer, waitContainer } from '../src/docker/containers.js';
import { parseManifestText } from '../src/manifest/parse.js';
import { Labels } from '../src/plan/labels.js';
import { applyManifests } from '../src/pod/apply.js';
import { EventLog } from '../src/pod/lifecycle/event-log.js';
import { TERMINATING_MARKER } from '../src/pod/lifecycle/labels.js';
import { launchContainer } from '../src/pod/lifecycle/launch.js';
import { createMarker } from '../src/pod/lifecycle/markers.js';
import { reconcilePod, reconcilePodByName } from '../src/pod/lifecycle/reconcile.js';
import { replanPod } from '../src/pod/lifecycle/replan.js';
import { ProbeResults } from '../src/pod/probes/results.js';
import { findPodRecord, type PodRecord, podIPOf, withDetails } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('race');
const scope = ns;

afterAll(async () => {
  await cleanNamespace(ns);
});

async function applySupervised(name: string): Promise<PodRecord> {
  const set = parseManifestText(
    `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`,
    'test.yaml',
    { defaultNamespace: ns, validate: 'strict' },
  );
  await applyManifests(set, { supervise: scope });
  return (await findPodRecord(ns, name))!;
}

/** Kill the app container and wait until the engine reports it exited. */
async function killApp(record: PodRecord): Promise<void> {
  const app = record.containers.find((c) => c.Labels[Labels.container] === 'app')!;
  await killContainer(app.Id);
  await waitContainer(app.Id);
}

const instancesOf = async (name: string) =>
  ((await findPodRecord(ns, name))?.containers ?? [])
    .filter((c) => c.Labels[Labels.container] === 'app')
    .map((c) => ({ attempt: c.Labels[Labels.attempt], state: c.State, id: c.Id }));

describe('two processes on one pod', () => {
  it('two reconcile steps at once restart a container once: the loser adopts (409)', async () => {
    const record = await applySupervised('raced');
    await killApp(record);
    const stale = await findPodRecord(ns, 'raced'); // both read the same facts
    const log = new EventLog();
    const deps = { events: log.sink, supervised: scope, results: new ProbeResults() };
    const decisions = await Promise.all([reconcilePod(stale!, deps), reconcilePod(stale!, deps)]);
    // Both decided to make the same restart...
    for (const decision of decisions) {
      expect(decision.actions).toMatchObject([
        { kind: 'start', attempt: 1, container: { name: 'app' } },
      ]);
    }
    // ...and there is exactly one new instance, started (by the winner).
    await waitFor('the restarted instance to run', async () => {
      const instances = await instancesOf('raced');
      return instances.some((i) => i.attempt === '1' && i.state === 'running');
    });
    const instances = await instancesOf('raced');
    expect(instances.filter((i) => i.attempt === '1')).toHaveLength(1);
    expect(instances.map((i) => i.attempt).sort()).toEqual(['0', '1']);
    // Only the winner reports the restart; the loser adopted silently.
    const started = log.events(ns, 'raced').filter((e) => e.reason === 'Started');
    expect(started).toHaveLength(1);
    expect(started[0]?.count ?? 1).toBe(1);
  });

  it('the losing create adopts the winning container: same id, adopted: true', async () => {
    const record = await withDetails((await findPodRecord(ns, 'raced'))!);
    const plan = await replanPod(record, 0, podIPOf(record));
    const planned = plan.containers.find((c) => c.name === 'app')!;
    const context = {
      plan,
      sandboxId: record.sandbox!.Id,
      podIP: podIPOf(record),
      results: new ProbeResults(),
    };
    const instance = { attempt: 7, sandboxAttempt: 0, streak: 0 };
    const [a, b] = await Promise.all([
      launchContainer(context, planned, instance),
      launchContainer(context, planned, instance),
    ]);
    expect(a.id).toBe(b.id);
    expect([a.adopted, b.adopted].sort()).toEqual([false, true]);
    const instances = await instancesOf('raced');
    expect(instances.filter((i) => i.attempt === '7')).toHaveLength(1);
    await removeContainer(a.id);
  });
});

describe('the TERMINATING marker', () => {
  it('stops every restart of a pod being deleted; get shows Terminating', async () => {
    const doomed = await applySupervised('doomed');
    const control = await applySupervised('control');
    const supervisor = new Supervisor({ scope, namespace: ns, tickMs: 200 });
    supervisor.start();
    let marker: string | undefined;
    try {
      // What a deletion does first of all.
      marker = await createMarker({
        namespace: ns,
        pod: 'doomed',
        marker: TERMINATING_MARKER,
        image: doomed.sandbox!.Image,
        supervised: scope,
      });
      await killApp(doomed);
      await killApp(control);
      // The control pod died after the doomed one: once it is restarted, the
      // supervisor has looked at both pods since both deaths.
      await waitFor(
        'the control pod restarted',
        async () => (await instancesOf('control')).some((i) => i.attempt === '1'),
        20_000,
      );
    } finally {
      await supervisor.stop(); // waits for the step in flight
    }
    expect((await instancesOf('doomed')).map((i) => i.attempt)).toEqual(['0']);
    const record = (await findPodRecord(ns, 'doomed'))!;
    expect(record.terminating).toBe(true);
    expect(podStatus(await withDetails(record)).status).toBe('Terminating');
    // A step on its own decides nothing while the marker exists...
    const deps = { events: new EventLog().sink, supervised: scope, results: new ProbeResults() };
    expect((await reconcilePodByName(ns, 'doomed', deps))?.actions).toEqual([]);
    // ...and without it restarts the container: the marker was what held it back.
    await removeContainer(marker!);
    expect((await reconcilePodByName(ns, 'doomed', deps))?.actions).toMatchObject([
      { kind: 'start', attempt: 1 },
    ]);
  });
});
