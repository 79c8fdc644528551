// A pod's events are stored in the engine, next to the pod (its never-started
// EVENTS container): the first run's FailedPostStartHook is recorded by `apply`
// itself and outlives the supervisor; Created and Started outlive the engine's
// short event log; the store goes with the pod and never brings a deleted one back.
import { afterAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import {
  inspectContainer,
  listPodrunContainers,
  removeContainer,
} from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { containerDockerName } from '../src/plan/names.js';
import { PodEventStore } from '../src/pod/event-store.js';
import { EVENTS_STORE, TERMINATING_MARKER } from '../src/pod/lifecycle/labels.js';
import { createMarker } from '../src/pod/lifecycle/markers.js';
import { findPodRecord } from '../src/pod/records.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  objectsIn,
  podrun,
  sleeperPod,
  TEST_IMAGE,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('events');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;
process.env.PODRUN_BACKOFF_BASE_MS = '300';

function manifest(name: string, body: string): string {
  return writeManifest(ns, name, body);
}

async function describePod(name: string): Promise<string> {
  const result = await podrun(['describe', 'pod', name, '-n', ns]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.slice(result.stdout.indexOf('Events:'));
}

/** The engine's own events of a pod that its event log still holds. */
async function engineActions(pod: string): Promise<string[]> {
  const docker = await getDocker();
  const stream = (await docker.getEvents({
    since: Math.floor(Date.now() / 1000) - 3600,
    until: Math.floor(Date.now() / 1000) + 1,
    filters: {
      type: ['container'],
      event: ['create', 'start'],
      label: [`${Labels.namespace}=${ns}`, `${Labels.pod}=${pod}`],
    },
  })) as NodeJS.ReadableStream;
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { Action: string }).Action);
}

afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
  expect(await objectsIn(ns)).toBe(0);
});

describe('pod events in the engine', () => {
  it("the first run's FailedPostStartHook is shown, and still after a new supervisor", async () => {
    const file = manifest(
      'badhook',
      `apiVersion: v1
kind: Pod
metadata: { name: badhook }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      lifecycle: { postStart: { exec: { command: [sh, -c, 'echo hook-said-this; exit 1'] } } }
`,
    );
    const applied = await podrun(['apply', '-f', file, '-n', ns]);
    expect(applied.code).toBe(0);
    // restartPolicy Never: only apply's own first run ran the hook, no supervisor did.
    const before = await describePod('badhook');
    expect(before).toMatch(/Warning\s+FailedPostStartHook\s+\S+\s+podrun\s+PostStartHook failed/);
    expect(before).toMatch(/Normal\s+Started\s+.*Started container app/);
    // Only that the hook failed: its output can hold anything.
    expect(before).not.toContain('hook-said-this');

    expect((await podrun(['supervisor', 'stop'])).stdout).toMatch(/supervisor stopped/);
    expect((await podrun(['supervisor', 'start'])).code).toBe(0);
    expect(await describePod('badhook')).toMatch(/FailedPostStartHook/);
  });

  it("the supervisor's own events (BackOff) outlive the supervisor", async () => {
    const file = manifest(
      'crash',
      `apiVersion: v1
kind: Pod
metadata: { name: crash }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'exit 3'] }
`,
    );
    expect((await podrun(['apply', '-f', file, '-n', ns])).code).toBe(0);
    const record = await waitFor(
      'a stored BackOff',
      async () => {
        const r = await findPodRecord(ns, 'crash');
        return r?.eventStore && (await describePod('crash')).includes('BackOff') && r;
      },
      30_000,
    );
    expect(record.eventStore).toBeDefined();
    expect((await podrun(['supervisor', 'stop'])).stdout).toMatch(/supervisor stopped/);
    // No supervisor answers now: what describe shows comes from the store alone.
    const shown = await describePod('crash');
    expect(shown).toMatch(/Warning\s+BackOff/);
    expect(shown).toMatch(/Normal\s+Created\s+.*Created container app/);
    expect((await podrun(['delete', 'pod', 'crash', '-n', ns, '--grace-period', '0'])).code).toBe(
      0,
    );
  });

  it('Created and Started are shown after the engine event log has forgotten them', async () => {
    const file = manifest('steady', sleeperPod('steady'));
    expect((await podrun(['apply', '-f', file, '-n', ns])).code).toBe(0);
    expect(await engineActions('steady')).toContain('start');
    // The engine keeps its last 256 events: 3 per exec (create, start, die) push
    // the pod's create and start out (other engines' users only help).
    await waitFor(
      'the engine to forget the pod start',
      async () => {
        await Promise.all(
          Array.from({ length: 10 }, () => execInPod(ns, 'steady', 'main', ['true'])),
        );
        return (await engineActions('steady')).length === 0;
      },
      120_000,
    );
    // The store's wording (the engine's Created line would add the image in brackets).
    const shown = await describePod('steady');
    expect(shown).toMatch(/Normal\s+Created\s+\S+\s+podrun\s+Created container main$/m);
    expect(shown).toMatch(/Normal\s+Started\s+\S+\s+podrun\s+Started container main$/m);
  });

  it('delete removes the store with the pod', async () => {
    const store = containerDockerName(ns, 'steady', EVENTS_STORE);
    expect(await inspectContainer(store)).toBeDefined();
    expect((await podrun(['delete', 'pod', 'steady', '-n', ns, '--grace-period', '0'])).code).toBe(
      0,
    );
    expect(await inspectContainer(store)).toBeUndefined();
    expect(await findPodRecord(ns, 'steady')).toBeUndefined();
  });

  it('an event for a pod being deleted, or gone, creates no store', async () => {
    await applyYaml(sleeperPod('going'), ns);
    const record = (await findPodRecord(ns, 'going'))!;
    // The apply recorded its first run's events (Created, Started): start store-less.
    await removeContainer(containerDockerName(ns, 'going', EVENTS_STORE));
    const marker = await createMarker({
      namespace: ns,
      pod: 'going',
      marker: TERMINATING_MARKER,
      image: record.sandbox!.Image,
    });
    const writer = new PodEventStore();
    const event = { type: 'Normal', reason: 'Killing', object: 'x', message: 'y' } as const;
    writer.sink(ns, 'going', event);
    await writer.flush();
    expect(await inspectContainer(containerDockerName(ns, 'going', EVENTS_STORE))).toBeUndefined();
    await removeContainer(marker);

    writer.sink(ns, 'gone', event);
    await writer.flush();
    const left = await listPodrunContainers({ [Labels.namespace]: ns, [Labels.pod]: 'gone' });
    expect(left).toEqual([]);
    expect(await findPodRecord(ns, 'gone')).toBeUndefined();
    await podrun(['delete', 'pod', 'going', '-n', ns, '--grace-period', '0']);
  });
});
