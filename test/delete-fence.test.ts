// Deletion wins (issue 10): once a delete has begun, nothing creates an object of the
// pod again, a delete racing a sandbox rebuild exits 0 without an engine error, and
// concurrent podrun processes never make two networks of one namespace.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { killContainer, listPodrunContainers, waitContainer } from '../src/docker/containers.js';
import { networkLockName } from '../src/docker/networks.js';
import { Labels } from '../src/plan/labels.js';
import { namespaceNetworkName } from '../src/plan/names.js';
import { PodDeletedError } from '../src/pod/lifecycle/fence.js';
import { TERMINATING_MARKER } from '../src/pod/lifecycle/labels.js';
import { launchContainer } from '../src/pod/lifecycle/launch.js';
import { createMarker } from '../src/pod/lifecycle/markers.js';
import { replanPod } from '../src/pod/lifecycle/replan.js';
import { ProbeResults } from '../src/pod/probes/results.js';
import { findPodRecord, podIPOf, withDetails } from '../src/pod/records.js';
import { startSandbox } from '../src/pod/start-sandbox.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  sleeperPod,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('fence');
const netNs = testNamespace('fencenet');

afterAll(async () => {
  await cleanNamespace(ns);
  await cleanNamespace(netNs);
});

const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 0
  volumes: [{ name: scratch, emptyDir: {} }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      volumeMounts: [{ name: scratch, mountPath: /scratch }]
`;

describe('the delete fence', () => {
  it('a create after the deletion mark undoes itself: sandbox and container', async () => {
    const set = await superviseNamespace(ns, 200);
    try {
      await set.apply(pod('marked'));
      const record = await withDetails((await findPodRecord(ns, 'marked'))!);
      const plan = await replanPod(record, 0, podIPOf(record));
      await createMarker({
        namespace: ns,
        pod: 'marked',
        marker: TERMINATING_MARKER,
        image: record.sandbox!.Image,
      });
      const before = (
        await listPodrunContainers({ [Labels.pod]: 'marked', [Labels.namespace]: ns })
      ).length;
      const planned = plan.containers[0]!;
      await expect(
        launchContainer(
          {
            plan,
            sandboxId: record.sandbox!.Id,
            podIP: podIPOf(record),
            results: new ProbeResults(),
          },
          planned,
          {
            attempt: 5,
            sandboxAttempt: 0,
            streak: 0,
          },
        ),
      ).rejects.toBeInstanceOf(PodDeletedError);
      const rebuilt = await replanPod(record, 3);
      await expect(startSandbox(rebuilt, { reuseVolumes: true })).rejects.toBeInstanceOf(
        PodDeletedError,
      );
      const after = await listPodrunContainers({ [Labels.pod]: 'marked', [Labels.namespace]: ns });
      expect(after).toHaveLength(before);
      expect(after.map((c) => c.Labels[Labels.attempt])).not.toContain('5');
      expect(after.map((c) => c.Labels[Labels.attempt])).not.toContain('3');
    } finally {
      await set.stop();
      await cleanNamespace(ns);
    }
  });

  it('a delete racing a sandbox rebuild exits 0 and the pod does not come back', {
    timeout: 180_000,
  }, async () => {
    const set: SupervisedNamespace = await superviseNamespace(ns, 200);
    try {
      // The race measured in issue 10: delete 0.3-0.4 s after the pause container died.
      for (const delayMs of [0, 300, 400]) {
        const name = `rebuilt-${delayMs}`;
        await set.apply(pod(name));
        const record = (await findPodRecord(ns, name))!;
        await killContainer(record.sandbox!.Id);
        await waitContainer(record.sandbox!.Id);
        set.supervisor.poke();
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const deleted = await podrun(['delete', 'pod', name, '-n', ns], undefined, {
          PODRUN_SUPERVISOR_SCOPE: ns,
        });
        expect(deleted.stderr).not.toMatch(/HTTP code|conflict|in use/i);
        expect(deleted.code).toBe(0);
        const left = await listPodrunContainers({ [Labels.namespace]: ns });
        expect(left.map((c) => c.Names[0])).toEqual([]);
        expect(await objectsIn(ns)).toBe(0);
        // The supervisor has looked at the namespace since: still nothing.
        set.supervisor.poke();
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(await objectsIn(ns)).toBe(0);
      }
    } finally {
      await set.stop();
      await cleanNamespace(ns);
    }
  });
});

describe('the namespace network', () => {
  it('five processes applying at once make one network', async () => {
    const files = [1, 2, 3, 4, 5].map((index) => {
      const file = join(tmpdir(), `${netNs}-${index}.yaml`);
      writeFileSync(file, sleeperPod(`p${index}`));
      return file;
    });
    const results = await Promise.all(
      files.map((file) =>
        podrun(['apply', '-f', file, '-n', netNs], undefined, { PODRUN_SUPERVISOR_SCOPE: netNs }),
      ),
    );
    for (const result of results) {
      expect(result.stderr).not.toMatch(/ambiguous/);
      expect(result.code).toBe(0);
    }
    const docker = await getDocker();
    const networks = (
      await docker.listNetworks({ filters: { name: [namespaceNetworkName(netNs)] } })
    ).filter((network) => network.Name === namespaceNetworkName(netNs));
    expect(networks).toHaveLength(1);
    // Every pod is on it.
    await waitFor('five pods', async () => {
      const info = await docker.getNetwork(networks[0]!.Id).inspect();
      return Object.keys(info.Containers ?? {}).length === 5;
    });
    // The network lock is gone once the network exists.
    const locks = await docker.listContainers({
      all: true,
      filters: { name: [networkLockName(namespaceNetworkName(netNs))] },
    });
    expect(locks).toEqual([]);
    await podrun(['delete', 'pods', '--all', '-n', netNs], undefined, {
      PODRUN_SUPERVISOR_SCOPE: netNs,
    });
    await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: netNs });
  });
});
