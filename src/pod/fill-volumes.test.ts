// The volume filler against the fake engine: a fresh pod's volumes are written
// through a filler while the sandbox starts (the start does not wait for the
// upload), the filler is gone afterwards, and a filler that cannot be made (a killed
// process left one of that name) falls back to an upload into the running sandbox.
import { describe, expect, it } from 'vitest';
import { containerDockerName } from '../plan/names.js';
import { FILLER_MARKER } from './fill-volumes.js';
import { apply, engineObjects, manifests, podYaml, useFakePods } from './test-helpers.js';

const pods = useFakePods();

const POD = podYaml(
  'web',
  `volumes:
  - name: scratch
    emptyDir: {}
containers:
  - name: app
    image: podrun-test/busybox:1
    command: [sleep, '600']
    volumeMounts: [{ name: scratch, mountPath: /scratch }]`,
);
const sandbox = containerDockerName('default', 'web', 'POD');
const filler = containerDockerName('default', 'web', FILLER_MARKER);

/** "op name" of the uploads into and starts of these containers (by id), in order. */
function callsOn(ids: Record<string, string>): string[] {
  return pods.fake.calls
    .filter((call) => call.op === 'putArchive' || call.op === 'startContainer')
    .filter((call) => ids[call.args[0] as string])
    .map((call) => `${call.op} ${ids[call.args[0] as string]}`);
}

describe('filling a fresh pod’s volumes', () => {
  it('goes through a filler while the sandbox starts, and removes the filler', async () => {
    const upload = pods.fake.hold('putArchive');
    const applying = apply(pods, manifests(POD));
    const held = await upload.reached;
    const fillerId = held.args[0] as string;
    expect(pods.fake.peek(fillerId)?.name).toBe(filler);
    const sandboxId = pods.fake.peek(sandbox)!.id;
    const ids = { [fillerId]: filler, [sandboxId]: sandbox };
    // The sandbox start is not waiting for the upload to finish.
    await settleUntil(() => callsOn(ids).includes(`startContainer ${sandbox}`));
    upload.release();
    await applying;
    // One upload, into the filler; none into the sandbox.
    expect(callsOn(ids).sort()).toEqual([`putArchive ${filler}`, `startContainer ${sandbox}`]);
    expect(pods.fake.peek(filler)).toBeUndefined();
    // What it wrote is in the volume the app mounts: the service-account file.
    expect(pods.fake.fileContent(sandbox, '/.podrun/volumes/POD-serviceaccount/namespace')).toBe(
      'default',
    );
    const objects = await engineObjects(pods.fake);
    expect(objects.containers.some((c) => c.includes(FILLER_MARKER))).toBe(false);
  });

  it('falls back to the running sandbox when the filler’s name is taken', async () => {
    // A killed process's filler (a pod delete removes it; here it is in the way).
    await pods.fake.createContainer({
      name: filler,
      Image: 'podrun-test/pause:1',
      Labels: { 'io.podrun.managed': 'true' },
    });
    await apply(pods, manifests(POD));
    const ids = { [pods.fake.peek(sandbox)!.id]: sandbox };
    expect(callsOn(ids)).toEqual([`startContainer ${sandbox}`, `putArchive ${sandbox}`]);
    expect(pods.fake.fileContent(sandbox, '/.podrun/volumes/POD-serviceaccount/namespace')).toBe(
      'default',
    );
  });
});

/** Wait (on real setImmediate turns, which the fake timers leave alone) until `check`. */
async function settleUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('never happened');
}
