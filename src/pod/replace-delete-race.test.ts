// A re-apply of a changed pod (delete the old version, make the new one) against a
// `podrun delete` of the same pod (issue 10: deletion wins). Both raise an intent
// first and look for the other's afterwards (lifecycle/intents.ts); scripted on the
// fake engine at the two moments where the stress suite saw the new version survive
// the delete.
import { describe, expect, it } from 'vitest';
import { deletePodRecord } from './delete-pod.js';
import { PodDeletedError } from './lifecycle/fence.js';
import { findPodRecord } from './records.js';
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

const version = (command: string) =>
  manifests(
    podYaml(
      'web',
      `terminationGracePeriodSeconds: 0
containers:
- {name: app, image: ${IMAGE}, imagePullPolicy: IfNotPresent, command: [sh, -c, '${command}']}`,
    ),
  );

const NOTHING = { containers: [], volumes: [], networks: [] };
const named =
  (pattern: RegExp) =>
  (options: { name?: string }): boolean =>
    pattern.test(options.name ?? '');

async function deleteWeb(): Promise<{ byAnother: boolean }> {
  const record = await findPodRecord('default', 'web');
  if (!record) throw new Error('pod web not found');
  return deletePodRecord(record);
}

/** Whether `promise` is still pending once every ready callback and timer has run a while. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

describe('a re-apply replacing a pod against a delete of it', () => {
  it('makes no new version when the delete joins while the old one is being deleted', async () => {
    const { fake } = pods;
    await apply(pods, version('sleep 3600'));
    // The re-apply has marked the old version for deletion and holds there.
    const marked = fake.hold('createContainer', named(/_TERMINATING_0$/), { when: 'after' });
    const replacing = apply(pods, version('exec sleep 3601'));
    await marked.reached;
    // The delete finds the marker taken and deletes alongside: its request stands first.
    const requested = fake.hold('createContainer', named(/_DELETE-/), { when: 'after' });
    const deleting = deleteWeb();
    await requested.reached;
    requested.release();
    marked.release();
    expect(await rejection(replacing)).toBeInstanceOf(PodDeletedError);
    expect(await deleting).toEqual({ byAnother: true });
    expect(await engineObjects(fake)).toEqual(NOTHING);
    // The old bug: the new version's sandbox was created after the delete returned.
    expect(fake.callLog(['createContainer']).filter((c) => /_POD_0$/.test(c))).toHaveLength(1);
  });

  it('waits for the new version when the delete comes after the re-apply looked, and deletes it', async () => {
    const { fake } = pods;
    await apply(pods, version('sleep 3600'));
    // The re-apply has deleted the old version, found no delete request, and is
    // about to create the new sandbox: the pod is nothing but its REPLACING intent.
    const sandbox = fake.hold('createContainer', named(/_POD_0$/));
    const replacing = apply(pods, version('exec sleep 3601'));
    await sandbox.reached;
    const deleting = deleteWeb();
    // The delete finds the pod (the intent), marks it, and waits for the re-apply.
    expect(await pending(deleting)).toBe(true);
    sandbox.release();
    // The new sandbox meets the marker and undoes itself; the delete then finishes.
    expect(await rejection(replacing)).toBeInstanceOf(PodDeletedError);
    expect(await deleting).toEqual({ byAnother: false });
    expect(await engineObjects(fake)).toEqual(NOTHING);
  });

  it('lets a re-apply that comes after a finished delete create the pod anew', async () => {
    const { fake } = pods;
    await apply(pods, version('sleep 3600'));
    await deleteWeb();
    const [result] = await apply(pods, version('exec sleep 3601'));
    expect(result?.action).toBe('created');
    const containers = (await engineObjects(fake)).containers;
    expect(containers.filter((c) => /_DELETE-|_REPLACING-/.test(c))).toEqual([]);
    const record = await findPodRecord('default', 'web');
    if (record) await deletePodRecord(record);
  });
});

describe('two deletes of one pod', () => {
  it("the marker's owner returns only once its co-deleter has lowered its DELETE flag", async () => {
    const { fake } = pods;
    await apply(pods, version('sleep 3600'));
    // The first delete holds the pod's marker; the second finds it taken and deletes
    // alongside (a supervisor removing a Job's pod while `delete job` cascades).
    const marked = fake.hold('createContainer', named(/_TERMINATING_0$/), { when: 'after' });
    const owner = deleteWeb();
    await marked.reached;
    const requested = fake.hold('createContainer', named(/_DELETE-/), { when: 'after' });
    const coDeleter = deleteWeb();
    await requested.reached;
    requested.release();
    // The co-deleter's flag is the last object of the pod: hold its removal.
    const lowered = fake.hold('removeContainer', (id) =>
      /_DELETE-/.test(fake.peek(id)?.name ?? ''),
    );
    marked.release();
    await lowered.reached;
    expect(await pending(owner)).toBe(true);
    lowered.release();
    expect(await owner).toEqual({ byAnother: false });
    // The owner's return leaves nothing behind: the old bug left the co-deleter's flag.
    expect(await engineObjects(fake)).toEqual(NOTHING);
    expect(await coDeleter).toEqual({ byAnother: true });
  });
});
