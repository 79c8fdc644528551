// Pod lifecycle against the real engine, driven by an in-process supervisor scoped
// to this file's namespace (so it never touches other tests' pods) with a short
// test-only back-off base.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContainer, killContainer, removeContainer } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { podEvents } from '../src/pod/events.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import { cleanNamespace, podrun, sh, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('lifecycle');
const BASE_MS = 400;
let supervised: SupervisedNamespace;
const apply = (yaml: string) => supervised.apply(yaml);
const status = (name: string) => supervised.status(name);

beforeAll(async () => {
  supervised = await superviseNamespace(ns, BASE_MS);
});

afterAll(async () => {
  await supervised.stop();
  await cleanNamespace(ns);
});

describe('restartPolicy and back-off', () => {
  it('restarts a crashing container in a fresh container with back-off: CrashLoopBackOff', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: crasher }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: data, emptyDir: {} }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'ls /scratch 2>/dev/null && echo dirty; touch /scratch; echo run >> /data/runs; echo attempt-$(wc -l < /data/runs); sleep 0.3; exit 3']
      volumeMounts: [{ name: data, mountPath: /data }]
`);
    const seen = new Set<string>();
    const started = Date.now();
    await waitFor(
      'three restarts',
      async () => {
        const s = await status('crasher');
        seen.add(s.status);
        return s.restarts >= 3 && s;
      },
      20_000,
    );
    expect(seen).toContain('CrashLoopBackOff');
    // 0 s, 0.4 s, 0.8 s of back-off plus three short runs.
    expect(Date.now() - started).toBeGreaterThan(1000);
    const s = await status('crasher');
    const app = s.containers.find((c) => c.name === 'app')!;
    expect(app.lastState).toMatchObject({ exitCode: 3, reason: 'Error' });
    // The current instance and the previous one, kept for `logs --previous`; older
    // ones are pruned.
    const record = await findPodRecord(ns, 'crasher');
    const instances = record!.containers.filter((c) => c.Labels[Labels.container] === 'app');
    expect(instances).toHaveLength(2);
    // Each instance logs how many runs the emptyDir has counted, and "dirty" if its
    // root filesystem had the file an earlier run left: never, as each restart is a
    // fresh container, while the emptyDir keeps counting across them.
    const logs = async (...extra: string[]) => {
      const result = await podrun(['logs', 'crasher', '-n', ns, ...extra]);
      expect(result.stderr).toBe('');
      return result.stdout.trim() || undefined;
    };
    const previous = await waitFor('the previous log', () => logs('--previous'));
    const current = await waitFor('the current log', () => logs());
    expect(previous).toMatch(/^attempt-\d+$/);
    expect(current).toMatch(/^attempt-\d+$/);
    const runs = (line: string) => Number(line.slice('attempt-'.length));
    expect(runs(current)).toBeGreaterThanOrEqual(3);
    expect(runs(current)).toBeGreaterThan(runs(previous));
    // The supervisor's events not yet written to the store count too, as describe reads them.
    const events = await podEvents(record!, {
      live: [supervised.supervisor.store.live(ns, record!.name)],
    });
    expect(events.map((e) => e.reason)).toContain('BackOff');
  });
});

describe('init containers', () => {
  it('runs init containers in order before the apps; Init:Error and Failed under Never', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: init-never }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: ok, image: ${TEST_IMAGE}, command: ['true'] }
    - { name: bad, image: ${TEST_IMAGE}, command: [sh, -c, 'exit 4'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '60'] }
`);
    const s = await waitFor('Init:Error', async () => {
      const now = await status('init-never');
      return now.status === 'Init:Error' && now;
    });
    expect(s.phase).toBe('Failed');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = await status('init-never');
    expect(later.containers.find((c) => c.name === 'app')).toBeUndefined();
    expect(later.containers.find((c) => c.name === 'bad')?.restarts).toBe(0);
  });

  it('retries a failing init container with back-off (Init:CrashLoopBackOff), then starts the apps', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: init-retry }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: data, emptyDir: {} }]
  initContainers:
    - name: flaky
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo x >> /data/tries; [ $(wc -l < /data/tries) -ge 3 ]']
      volumeMounts: [{ name: data, mountPath: /data }]
    - name: second
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo second >> /data/order']
      volumeMounts: [{ name: data, mountPath: /data }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo app >> /data/order; sleep 600']
      volumeMounts: [{ name: data, mountPath: /data }]
`);
    const words = new Set<string>();
    await waitFor(
      'Running',
      async () => {
        const s = await status('init-retry');
        words.add(s.status);
        return s.status === 'Running' && s;
      },
      20_000,
    );
    expect(words).toContain('Init:CrashLoopBackOff');
    expect(await sh(ns, 'init-retry', 'app', 'cat /data/tries | wc -l; cat /data/order')).toBe(
      '3\nsecond\napp',
    );
  });
});

describe('sandbox death', () => {
  it('rebuilds the pod when the pause container dies: new sandbox, init containers again, apps', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: phoenix }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: data, emptyDir: {} }]
  initContainers:
    - name: init
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo init >> /data/log']
      volumeMounts: [{ name: data, mountPath: /data }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      volumeMounts: [{ name: data, mountPath: /data }]
`);
    const before = await findPodRecord(ns, 'phoenix');
    const oldSandbox = before!.sandbox!.Id;
    const killedAt = Date.now();
    await killContainer(oldSandbox);
    const back = await waitFor(
      'the pod back',
      async () => {
        const record = await findPodRecord(ns, 'phoenix');
        if (!record?.sandbox || record.sandbox.Id === oldSandbox) return undefined;
        const s = podStatus(record);
        return s.status === 'Running' && { record, s };
      },
      20_000,
    );
    const rebuildMs = Date.now() - killedAt;
    console.log(`sandbox rebuild: ${rebuildMs} ms`);
    expect(back.record.sandbox!.Labels['io.podrun.attempt']).toBe('1');
    expect(await sh(ns, 'phoenix', 'app', 'cat /data/log')).toBe('init\ninit');
    // The supervisor's events not yet written to the store count too, as describe reads them.
    const events = await podEvents(back.record, {
      live: [supervised.supervisor.store.live(ns, back.record.name)],
    });
    expect(events.map((e) => e.reason)).toContain('SandboxChanged');
  });

  it('rebuilds a pod whose sandbox was removed', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: orphan }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`);
    const before = await findPodRecord(ns, 'orphan');
    const oldApp = before!.containers[0]!.Id;
    await removeContainer(before!.sandbox!.Id);
    const record = await waitFor(
      'a new sandbox',
      async () => {
        const now = await findPodRecord(ns, 'orphan');
        return now?.sandbox && podStatus(now).status === 'Running' && now;
      },
      20_000,
    );
    // A new sandbox (next attempt), and a new app container that joined its network.
    expect(record.sandbox!.Id).not.toBe(before!.sandbox!.Id);
    expect(record.sandbox!.Labels[Labels.attempt]).toBe('1');
    const app = record.containers.find((c) => c.Labels[Labels.container] === 'app')!;
    expect(app.Id).not.toBe(oldApp);
    const inspected = await inspectContainer(app.Id);
    expect(inspected?.HostConfig.NetworkMode).toBe(`container:${record.sandbox!.Id}`);
    expect(inspected?.State.Running).toBe(true);
    const events = await podEvents(record, {
      live: [supervised.supervisor.store.live(ns, record.name)],
    });
    expect(events.map((e) => e.reason)).toContain('SandboxChanged');
  });
});

describe('run to completion', () => {
  it('reaches Succeeded under OnFailure and stops its sidecar', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: job }
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: side, image: ${TEST_IMAGE}, restartPolicy: Always, command: [sleep, '600'] }
  containers:
    - { name: work, image: ${TEST_IMAGE}, command: [sh, -c, 'sleep 0.5'] }
`);
    const s = await waitFor('Succeeded', async () => {
      const now = await status('job');
      return now.phase === 'Succeeded' && now;
    });
    expect(s.status).toBe('Completed');
    const side = await waitFor('the sidecar stopped', async () => {
      const now = (await status('job')).containers.find((c) => c.name === 'side');
      if (!now) throw new Error('no sidecar in the status');
      return now.state === 'terminated' && now;
    });
    expect(side.role).toBe('init');
    expect(side.restarts).toBe(0);
  });
});
