// Ctrl-C (the apply's AbortSignal) during a pod's first run: the pod is rolled back
// through the delete fence (delete-pod.ts), so a container another driver of the
// same pod (a supervisor's sync step) created meanwhile goes too. Scripted on the
// fake engine.

import { describe, expect, it } from 'vitest';
import { ApplyInterrupted } from './apply.js';
import { PodDeletedError, StaleReadingError } from './lifecycle/fence.js';
import { reconcilePodByName } from './lifecycle/reconcile.js';
import { ProbeResults } from './probes/results.js';
import {
  apply,
  engineObjects,
  IMAGE,
  manifests,
  podYaml,
  rejection,
  useFakePods,
} from './test-helpers.js';

const pods = useFakePods();
const BUSYBOX = `image: ${IMAGE}, imagePullPolicy: IfNotPresent`;
const POD = manifests(
  podYaml(
    'web',
    `terminationGracePeriodSeconds: 0
initContainers:
- {name: setup, ${BUSYBOX}}
containers:
- {name: app, ${BUSYBOX}}`,
  ),
);
const NOTHING = { containers: [], volumes: [], networks: [] };
const named = (name: string) => (options: { name?: string }) => options.name === name;

async function until(done: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 5000; turn++) {
    if (done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * The apply's first run waits on its init container; another driver's sync step
 * (a supervisor) sees the init container done and creates the app container, and is
 * held right after the engine made it (before its fence check).
 */
async function firstRunWithForeignCreate() {
  const { fake } = pods;
  const controller = new AbortController();
  const applying = apply(pods, POD, { signal: controller.signal });
  applying.catch(() => undefined);
  await until(() => fake.peek('podrun_default_web_setup_0')?.status === 'running', 'setup runs');
  // Keep the apply's own loop at its next read, so the other step is the one to create.
  const applyRead = fake.hold('listContainers');
  await applyRead.reached;
  fake.exit('podrun_default_web_setup_0', 0);
  const foreignCreate = fake.hold('createContainer', named('podrun_default_web_app_0'), {
    when: 'after',
  });
  const step = reconcilePodByName('default', 'web', {
    events: pods.sink,
    results: new ProbeResults(),
  });
  step.catch(() => undefined);
  const made = await foreignCreate.reached;
  expect(made.error).toBeUndefined();
  controller.abort(); // Ctrl-C
  applyRead.release();
  return { applying, step, foreignCreate };
}

describe('Ctrl-C during the first run of an apply', () => {
  it('rolls the pod back through the fence: a concurrent step that creates meanwhile undoes its own create', async () => {
    const { fake } = pods;
    const { applying, step, foreignCreate } = await firstRunWithForeignCreate();
    // The rollback marks the pod first; the other step checks its create after that.
    const marked = fake.hold('createContainer', named('podrun_default_web_TERMINATING_0'), {
      when: 'after',
    });
    await marked.reached;
    foreignCreate.release();
    expect(await rejection(step)).toBeInstanceOf(PodDeletedError);
    marked.release();
    const interrupted = await rejection(applying);
    expect(interrupted).toBeInstanceOf(ApplyInterrupted);
    expect((interrupted as Error).message).toBe(
      'interrupted: pod/web was rolled back: nothing of it is left',
    );
    expect(await engineObjects(fake)).toEqual(NOTHING);
    // The app container was never started by anyone.
    const app = fake.calls.find(
      (c) => c.op === 'createContainer' && named('podrun_default_web_app_0')(c.args[0] as object),
    );
    expect(app).toBeDefined();
    expect(fake.callLog(['startContainer'])).toHaveLength(2); // the sandbox and setup
  });

  it("rolls the pod back with the other step's container in it when that step checks only after the rollback", async () => {
    const { fake } = pods;
    const { applying, step, foreignCreate } = await firstRunWithForeignCreate();
    const interrupted = await rejection(applying);
    expect(interrupted).toBeInstanceOf(ApplyInterrupted);
    expect((interrupted as Error).message).toBe(
      'interrupted: pod/web was rolled back: nothing of it is left',
    );
    expect(await engineObjects(fake)).toEqual(NOTHING);
    // The other step goes on: its fence finds the sandbox gone and undoes its create.
    foreignCreate.release();
    expect(await rejection(step)).toBeInstanceOf(StaleReadingError);
    expect(await engineObjects(fake)).toEqual(NOTHING);
  });
});
