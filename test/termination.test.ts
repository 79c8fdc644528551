// Termination as the README promises it: the image's STOPSIGNAL (else SIGTERM), SIGKILL
// when terminationGracePeriodSeconds runs out (not before), a 30 s default, and the
// stop order of a pod: apps, then sidecars in reverse order, the pause container last.
// The signal a process received is written by its trap into a hostPath directory (it
// outlives the deleted pod); what the engine did is read from its own events.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../src/docker/build-image.js';
import { inspectContainer } from '../src/docker/containers.js';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { findPodRecord } from '../src/pod/records.js';
import { EngineTracker, uniqueName } from './helpers/engine.js';
import { namespaceEvents } from './helpers/events.js';
import {
  applyYaml,
  cleanNamespace,
  podrun,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('term');
const tracker = new EngineTracker('termination');
const stopSignalImage = `podrun-test/${uniqueName('stopsignal')}:1`;
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), `${ns}-`));
  tracker.trackImage(stopSignalImage);
  await buildImage({
    tags: stopSignalImage,
    files: [{ path: 'Dockerfile', content: `FROM ${TEST_IMAGE}\nSTOPSIGNAL SIGUSR1\n` }],
  });
});

afterAll(async () => {
  await cleanNamespace(ns);
  await tracker.cleanup();
  rmSync(out, { recursive: true, force: true });
});

/** A container that records which of USR1/TERM it got into /out/<name>. */
function recorder(name: string, image: string, grace?: number): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
${grace === undefined ? '' : `  terminationGracePeriodSeconds: ${grace}\n`}  volumes: [{ name: out, hostPath: { path: ${out}, type: Directory } }]
  containers:
    - name: app
      image: ${image}
      command: [sh, -c, 'trap "echo USR1 > /out/${name}; exit 0" USR1; trap "echo TERM > /out/${name}; exit 0" TERM; touch /out/${name}.ready; while true; do sleep 0.1; done']
      volumeMounts: [{ name: out, mountPath: /out }]
`;
}

async function applyAndAwaitReady(yaml: string, name: string) {
  await applyYaml(yaml, ns);
  await waitFor(`${name} to set its traps`, async () => existsSync(join(out, `${name}.ready`)));
  const record = await findPodRecord(ns, name);
  if (!record) throw new Error(`pod ${name} is missing`);
  return record;
}

describe('the stop signal', () => {
  it("sends the image's STOPSIGNAL (SIGUSR1 here), not SIGTERM", async () => {
    const record = await applyAndAwaitReady(recorder('usr1', stopSignalImage, 10), 'usr1');
    const since = Date.now() - 1000;
    await deletePodRecord(record);
    expect(readFileSync(join(out, 'usr1'), 'utf8').trim()).toBe('USR1');
    const kills = (await namespaceEvents(ns, since)).filter(
      (e) => e.action === 'kill' && e.container === 'app' && e.attributes.signal,
    );
    expect(kills.map((e) => e.attributes.signal)).toEqual(['10']);
  });

  it('sends SIGTERM when the image names no STOPSIGNAL', async () => {
    const record = await applyAndAwaitReady(recorder('term', TEST_IMAGE, 10), 'term');
    await deletePodRecord(record);
    expect(readFileSync(join(out, 'term'), 'utf8').trim()).toBe('TERM');
  });
});

describe('the grace period', () => {
  it('kills a process that ignores SIGTERM with SIGKILL (137), not before the grace period ends', async () => {
    const grace = 2;
    await applyYaml(
      `apiVersion: v1
kind: Pod
metadata: { name: stubborn }
spec:
  terminationGracePeriodSeconds: ${grace}
  volumes: [{ name: out, hostPath: { path: ${out}, type: Directory } }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'trap "" TERM; touch /out/stubborn.ready; while true; do sleep 0.1; done']
      volumeMounts: [{ name: out, mountPath: /out }]
`,
      ns,
    );
    await waitFor('stubborn to ignore TERM', async () => existsSync(join(out, 'stubborn.ready')));
    const record = (await findPodRecord(ns, 'stubborn'))!;
    const since = Date.now() - 1000;
    await deletePodRecord(record);
    // Only this pod's app: the event window (whole seconds) can reach the previous test's.
    const events = (await namespaceEvents(ns, since)).filter(
      (e) => e.container === 'app' && e.name.includes('_stubborn_'),
    );
    const term = events.find((e) => e.action === 'kill' && e.attributes.signal === '15');
    const kill = events.find((e) => e.action === 'kill' && e.attributes.signal === '9');
    const die = events.find((e) => e.action === 'die');
    expect(term, 'SIGTERM first').toBeDefined();
    expect(kill, 'then SIGKILL').toBeDefined();
    expect(die?.attributes.exitCode).toBe('137');
    // The engine's own clock: SIGKILL came only once the grace period had passed.
    expect(kill!.at - term!.at).toBeGreaterThanOrEqual(grace * 1000);
    expect(die!.at).toBeGreaterThan(kill!.at);
  });

  it('defaults to 30 s: planned as the StopTimeout and used by the stop call', async () => {
    const record = await applyAndAwaitReady(recorder('dflt', TEST_IMAGE), 'dflt');
    const app = record.containers.find((c) => c.Labels['io.podrun.container'] === 'app')!;
    const config = (await inspectContainer(app.Id))?.Config as { StopTimeout?: number } | undefined;
    expect(config?.StopTimeout).toBe(30);
    // The app exits on TERM at once, so this does not wait 30 s; the debug log shows
    // the timeout podrun passed to the engine's stop call.
    const result = await podrun(['delete', 'pod', 'dflt', '-n', ns, '--log-level', 'debug']);
    expect(result.code).toBe(0);
    const used = new RegExp(`stop container ${app.Id.slice(0, 12)} \\(grace ([\\d.]+)s\\)`).exec(
      result.stderr,
    );
    expect(used, result.stderr).not.toBeNull();
    expect(Math.round(Number(used![1]))).toBe(30);
    expect(readFileSync(join(out, 'dflt'), 'utf8').trim()).toBe('TERM');
  });
});

describe('stop order', () => {
  it('stops the apps, then the sidecars in reverse order, the pause container last', async () => {
    // Each one takes a moment to stop, so stopping them together would show as
    // an earlier death of the quick ones.
    const slowStop = (name: string) =>
      `[sh, -c, 'trap "sleep 0.5; exit 0" TERM; touch /out/${name}.ready; while true; do sleep 0.1; done']`;
    await applyYaml(
      `apiVersion: v1
kind: Pod
metadata: { name: ordered }
spec:
  terminationGracePeriodSeconds: 10
  volumes: [{ name: out, hostPath: { path: ${out}, type: Directory } }]
  initContainers:
    - name: first
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: [sh, -c, 'trap "exit 0" TERM; touch /out/first.ready; while true; do sleep 0.1; done']
      volumeMounts: [{ name: out, mountPath: /out }]
    - name: second
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: ${slowStop('second')}
      volumeMounts: [{ name: out, mountPath: /out }]
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ${slowStop('main')}
      volumeMounts: [{ name: out, mountPath: /out }]
`,
      ns,
    );
    await waitFor('all three to set their traps', async () =>
      ['first', 'second', 'main'].every((n) => existsSync(join(out, `${n}.ready`))),
    );
    const record = (await findPodRecord(ns, 'ordered'))!;
    const since = Date.now() - 1000;
    await deletePodRecord(record);
    const deaths = (await namespaceEvents(ns, since))
      .filter((e) => e.action === 'die' && e.attributes['io.podrun.pod'] === 'ordered')
      .sort((a, b) => a.at - b.at)
      .map((e) => (e.name.includes('_POD_') ? 'POD' : e.container));
    expect(deaths).toEqual(['main', 'second', 'first', 'POD']);
  });
});
