// The first run of a pod is its sync loop (sync-loop.ts) run until the pod has
// started: driven here through `apply` on the fake engine, with container exits,
// probe and hook answers scripted by the test (the fake's exec scripts), no daemon.
import { describe, expect, it } from 'vitest';
import type { FakeEngine } from '../../docker/fake-engine.js';
import { FILLER_MARKER } from '../fill-volumes.js';
import { ProbeResults } from '../probes/results.js';
import { apply, engineObjects, IMAGE, manifests, podYaml, useFakePods } from '../test-helpers.js';
import { reconcilePodByName } from './reconcile.js';

const pods = useFakePods();
const BUSYBOX = `image: ${IMAGE}, imagePullPolicy: IfNotPresent`;
const full = (container: string, attempt = 0) => `podrun_default_web_${container}_${attempt}`;

/** Let the loop run (engine answers and the timer pump) until `done` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 5000; turn++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** Idle turns: the loop polls a few times (its waits run on the pumped fake clock). */
async function idle(turns = 50): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

const created = (fake: FakeEngine) =>
  fake
    .callLog(['createContainer'])
    .map((line) => line.replace('createContainer ', ''))
    .filter((name) => name.startsWith('podrun_default_web_'))
    // The volume filler (fill-volumes.ts) is no container of the pod.
    .filter((name) => !name.includes(`_${FILLER_MARKER}_`));
const running = (fake: FakeEngine, name: string) => fake.peek(name)?.status === 'running';

describe('the first run (syncUntilStarted)', () => {
  it('runs init containers one at a time, in order, then the app', async () => {
    const { fake } = pods;
    const set = manifests(
      podYaml(
        'web',
        `initContainers:
- {name: init-a, ${BUSYBOX}}
- {name: init-b, ${BUSYBOX}}
containers:
- {name: app, ${BUSYBOX}}`,
      ),
    );
    const applying = apply(pods, set);
    await until(() => running(fake, full('init-a')), 'init-a running');
    await idle();
    // init-a runs: nothing after it was created, however often the loop looked.
    expect(created(fake)).toEqual([full('POD'), full('init-a')]);
    fake.exit(full('init-a'), 0);
    await until(() => running(fake, full('init-b')), 'init-b running');
    await idle();
    expect(created(fake)).toEqual([full('POD'), full('init-a'), full('init-b')]);
    fake.exit(full('init-b'), 0);
    const [result] = await applying;
    expect(result?.action).toBe('created');
    expect(result?.started?.initFailure).toBeUndefined();
    expect(created(fake)).toEqual([full('POD'), full('init-a'), full('init-b'), full('app')]);
    expect(running(fake, full('app'))).toBe(true);
  });

  it("holds the next init container until a native sidecar's startupProbe passes", async () => {
    const { fake } = pods;
    let probes = 0;
    let passAt = Number.POSITIVE_INFINITY;
    let passedSeq = 0;
    fake.onExec((call) => {
      if (call.cmd[0] !== 'probe-started') return undefined;
      probes++;
      if (probes < passAt) return { exitCode: 1, stderr: 'not yet' };
      passedSeq ||= fake.calls.length;
      return { exitCode: 0 };
    });
    const set = manifests(
      podYaml(
        'web',
        `initContainers:
- {name: proxy, ${BUSYBOX}, restartPolicy: Always, startupProbe: {exec: {command: [probe-started]}, periodSeconds: 1, failureThreshold: 30}}
- {name: init-b, ${BUSYBOX}}
containers:
- {name: app, ${BUSYBOX}}`,
      ),
    );
    const applying = apply(pods, set);
    await until(() => probes >= 3, 'three startup probes');
    // The sidecar runs but has not started: init-b waits.
    expect(created(fake)).toEqual([full('POD'), full('proxy')]);
    passAt = probes + 1;
    await until(() => running(fake, full('init-b')), 'init-b running');
    const initB = fake.calls.findIndex(
      (c) => c.op === 'createContainer' && (c.args[0] as { name?: string }).name === full('init-b'),
    );
    expect(initB + 1).toBeGreaterThan(passedSeq); // created only after the passing probe
    fake.exit(full('init-b'), 0);
    const [result] = await applying;
    expect(result?.action).toBe('created');
    expect(created(fake)).toEqual([full('POD'), full('proxy'), full('init-b'), full('app')]);
    expect(running(fake, full('proxy'))).toBe(true);
    // The failed probes were reported as Unhealthy; nothing was killed.
    expect(pods.events.filter((e) => e.reason === 'Unhealthy').length).toBeGreaterThanOrEqual(3);
    expect(pods.events.some((e) => e.reason === 'Killing')).toBe(false);
  });

  it('kills a sidecar whose startupProbe fails for good, itself, and never starts the next init container', async () => {
    const { fake } = pods;
    fake.onExec((call) =>
      call.cmd[0] === 'probe-started' ? { exitCode: 1, stderr: 'never' } : undefined,
    );
    const set = manifests(
      podYaml(
        'web',
        `terminationGracePeriodSeconds: 0
initContainers:
- {name: proxy, ${BUSYBOX}, restartPolicy: Always, startupProbe: {exec: {command: [probe-started]}, periodSeconds: 1, failureThreshold: 2}}
- {name: init-b, ${BUSYBOX}}
containers:
- {name: app, ${BUSYBOX}}`,
      ),
    );
    const [result] = await apply(pods, set);
    expect(result?.action).toBe('created');
    const proxy = fake.calls.find(
      (c) => c.op === 'createContainer' && (c.args[0] as { name?: string }).name === full('proxy'),
    );
    expect(proxy).toBeDefined();
    // The loop carried out the prober's kill verdict (the only process here).
    const killing = pods.events.find((e) => e.reason === 'Killing');
    expect(killing?.object).toBe('spec.initContainers{proxy}');
    expect(killing?.message).toMatch(/failed startup probe/);
    expect(fake.calls.some((c) => c.op === 'stopContainer')).toBe(true);
    expect(created(fake)).not.toContain(full('init-b'));
    expect(created(fake)).not.toContain(full('app'));
  });

  it('turns a failed postStart hook into a kill the loop carries out; the next step restarts it', async () => {
    const { fake } = pods;
    let hooks = 0;
    fake.onExec((call) => {
      if (call.cmd[0] !== 'post-start') return undefined;
      hooks++;
      return hooks === 1 ? { exitCode: 1, stderr: 'hook failed' } : { exitCode: 0 };
    });
    const set = manifests(
      podYaml(
        'web',
        `terminationGracePeriodSeconds: 0
containers:
- {name: app, ${BUSYBOX}, lifecycle: {postStart: {exec: {command: [post-start]}}}}`,
      ),
    );
    const [result] = await apply(pods, set);
    expect(result?.action).toBe('created');
    const reasons = pods.events.map((e) => e.reason);
    expect(reasons).toContain('FailedPostStartHook');
    expect(reasons.indexOf('Killing')).toBeGreaterThan(reasons.indexOf('FailedPostStartHook'));
    // The first instance was stopped (by this loop: nothing else runs) and replaced.
    const firstId = fake.calls.find(
      (c) => c.op === 'createContainer' && (c.args[0] as { name?: string }).name === full('app'),
    );
    expect(firstId?.error).toBeUndefined();
    const stops = fake.calls.filter((c) => c.op === 'stopContainer').length;
    expect(stops).toBe(1);
    expect(fake.peek(full('app'))?.status).toBe('exited');
    // The first run ends there (every app container was started once); the restart
    // is the next sync step's, as the supervisor runs it.
    expect(created(fake)).toEqual([full('POD'), full('app')]);
    await reconcilePodByName('default', 'web', { events: pods.sink, results: new ProbeResults() });
    expect(running(fake, full('app', 1))).toBe(true);
    expect(hooks).toBe(2);
  });

  it('ends the first run with initFailure when an init container fails', async () => {
    const { fake } = pods;
    const set = manifests(
      podYaml(
        'web',
        `restartPolicy: Never
initContainers:
- {name: init-a, ${BUSYBOX}}
containers:
- {name: app, ${BUSYBOX}}`,
      ),
    );
    const applying = apply(pods, set);
    await until(() => running(fake, full('init-a')), 'init-a running');
    fake.exit(full('init-a'), 3);
    const [result] = await applying;
    expect(result?.action).toBe('created');
    expect(result?.started?.initFailure).toEqual({ container: 'init-a', exitCode: 3 });
    expect(created(fake)).toEqual([full('POD'), full('init-a')]);
    // The pod stays (Init:Error), as kubectl shows it.
    expect((await engineObjects(fake)).containers).toEqual([
      `${full('POD')} running`,
      `${full('init-a')} exited`,
    ]);
  });
});
