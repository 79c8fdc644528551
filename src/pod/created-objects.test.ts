// Rollback against the fake engine: every recorded object is attempted, newest first,
// and the failures come back as one CleanupError instead of vanishing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngine } from '../docker/engine.js';
import { FakeEngine } from '../docker/fake-engine.js';
import { CleanupError } from '../errors.js';
import { CreatedObjects } from './created-objects.js';

const IMAGE = 'podrun-test/busybox:1';
const MANAGED = { 'io.podrun.managed': 'true' };
let fake: FakeEngine;

beforeEach(() => {
  fake = new FakeEngine();
  fake.addImage(IMAGE);
  useEngine(fake);
});

afterEach(() => useEngine(undefined));

describe('CreatedObjects.rollback', () => {
  it('removes everything it can and returns the rest as one CleanupError', async () => {
    const created = new CreatedObjects();
    await fake.createNetwork({ Name: 'podrun-ns', Labels: MANAGED });
    created.network('podrun-ns');
    await fake.createVolume({ Name: 'pod-vol', Labels: MANAGED });
    created.volume('pod-vol');
    const mounts = { Mounts: [{ Type: 'volume' as const, Source: 'pod-vol', Target: '/v' }] };
    const sandbox = await fake.createContainer({
      name: 'pod_POD',
      Image: IMAGE,
      HostConfig: { ...mounts, NetworkMode: 'podrun-ns' },
    });
    await fake.startContainer(sandbox);
    created.container(sandbox);
    const app = await fake.createContainer({ name: 'pod_app', Image: IMAGE });
    created.container(app);
    // The engine fails to remove the app container (e.g. it is shutting down).
    const gate = fake.hold('removeContainer', (id) => id === app);
    const rolling = created.rollback();
    await gate.reached;
    gate.fail(
      Object.assign(new Error('(HTTP code 500) server error - shutting down'), {
        statusCode: 500,
      }),
    );
    const failed = await rolling;
    expect(failed).toBeInstanceOf(CleanupError);
    expect(failed?.errors).toHaveLength(1);
    expect(failed?.message).toBe('rollback: (HTTP code 500) server error - shutting down');
    // Everything else went: the sandbox, then its volume and network.
    expect((await fake.listContainers({ all: true })).map((c) => c.Id)).toEqual([app]);
    expect(await fake.listVolumes({})).toEqual([]);
    expect(await fake.listNetworks({ name: ['podrun-ns'] })).toEqual([]);
    // Containers newest first.
    expect(fake.callLog(['removeContainer', 'removeVolume', 'removeNetwork'])).toEqual([
      `removeContainer ${app.slice(0, 12)}`,
      `removeContainer ${sandbox.slice(0, 12)}`,
      'removeVolume pod-vol',
      expect.stringMatching(/^removeNetwork [0-9a-f]{12}$/),
    ]);
  });

  it('returns undefined when everything was removed', async () => {
    const created = new CreatedObjects();
    created.container(await fake.createContainer({ name: 'c', Image: IMAGE }));
    expect(await created.rollback()).toBeUndefined();
    expect(await fake.listContainers({ all: true })).toEqual([]);
  });
});
