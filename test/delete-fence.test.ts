// Deletion wins (issue 10): once a delete has begun, nothing creates an object of the
// pod again, a delete racing a sandbox rebuild exits 0 without an engine error, and
// concurrent podrun processes never make two networks of one namespace.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { killContainer, listPodrunContainers, waitContainer } from '../src/docker/containers.js';
import { listPodrunNetworks, NetworkLockLabels, networkLockName } from '../src/docker/networks.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { Labels } from '../src/plan/labels.js';
import { namespaceNetworkName, podVolumeDockerName } from '../src/plan/names.js';
import { PodDeletedError } from '../src/pod/lifecycle/fence.js';
import { TERMINATING_MARKER } from '../src/pod/lifecycle/labels.js';
import { launchContainer } from '../src/pod/lifecycle/launch.js';
import { createMarker } from '../src/pod/lifecycle/markers.js';
import { replanPod } from '../src/pod/lifecycle/replan.js';
import { ProbeResults } from '../src/pod/probes/results.js';
import { findPodRecord, podIPOf, withDetails } from '../src/pod/records.js';
import { startSandbox } from '../src/pod/start-sandbox.js';
import {
  applyYaml,
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
const lockNs = testNamespace('fencelock');
const files: string[] = [];

/**
 * Everything of a namespace podrun's own delete left: containers (markers and the
 * network lock included), volumes by label and by name (the engine makes unlabelled
 * ones), networks. Removed here, and returned so the suite fails naming them.
 */
async function leftovers(namespace: string): Promise<string[]> {
  const docker = await getDocker();
  const match = { [Labels.namespace]: namespace };
  const containers = await listPodrunContainers(match);
  const lock = await docker
    .getContainer(networkLockName(namespaceNetworkName(namespace)))
    .inspect()
    .catch(() => undefined);
  const volumes = new Set((await listPodrunVolumes(match)).map((v) => v.Name));
  const named = (await docker.listVolumes({ filters: { name: [`podrun_${namespace}_`] } })).Volumes;
  for (const v of named ?? []) if (v.Name.startsWith(`podrun_${namespace}_`)) volumes.add(v.Name);
  const networks = await listPodrunNetworks(match);
  const ids = new Set([...containers.map((c) => c.Id), ...(lock ? [lock.Id] : [])]);
  for (const id of ids)
    await docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => {});
  for (const name of volumes)
    await docker
      .getVolume(name)
      .remove()
      .catch(() => {});
  for (const n of networks)
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...(lock && !containers.some((c) => c.Id === lock.Id) ? [`container ${lock.Name}`] : []),
    ...[...volumes].map((name) => `volume ${name}`),
    ...networks.map((n) => `network ${n.Name}`),
  ];
}

afterAll(async () => {
  for (const namespace of [netNs, lockNs]) {
    await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: namespace });
  }
  for (const file of files) rmSync(file, { force: true });
  const left: string[] = [];
  for (const namespace of [ns, netNs, lockNs]) {
    await cleanNamespace(namespace);
    left.push(...(await leftovers(namespace)));
  }
  // podrun's own delete (cleanNamespace) must have left nothing; what it left is gone now.
  expect(left).toEqual([]);
});

/** A process of this host, SIGKILLed: its pid is gone, as a killed apply's is. */
async function killedPid(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const pid = child.pid!;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return pid;
}

/** The network lock exactly as a process SIGKILLed while it held it leaves it. */
async function leaveDeadLock(namespace: string): Promise<string> {
  const docker = await getDocker();
  const pid = await killedPid();
  const lock = await docker.createContainer({
    name: networkLockName(namespaceNetworkName(namespace)),
    Image: TEST_IMAGE,
    Entrypoint: ['podrun-network-lock'],
    Labels: {
      [Labels.managed]: 'true',
      [Labels.role]: 'marker',
      [Labels.namespace]: namespace,
      [NetworkLockLabels.pid]: String(pid),
      [NetworkLockLabels.host]: hostname(),
      [NetworkLockLabels.at]: String(Date.now()),
    },
    HostConfig: { NetworkMode: 'none' },
  });
  return lock.id;
}

async function lockOf(namespace: string): Promise<string[]> {
  const docker = await getDocker();
  const name = networkLockName(namespaceNetworkName(namespace));
  return (await docker.listContainers({ all: true, filters: { name: [name] } }))
    .filter((c) => c.Names.includes(`/${name}`))
    .map((c) => c.Id);
}

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

/** Volumes of the pod the engine made itself (no podrun labels): label filters miss them. */
async function unlabelledPodVolumes(namespace: string, name: string): Promise<string[]> {
  const docker = await getDocker();
  const prefix = podVolumeDockerName(namespace, name, '');
  const { Volumes } = await docker.listVolumes({ filters: { name: [prefix] } });
  return (Volumes ?? [])
    .filter((v) => v.Name.startsWith(prefix) && !v.Labels?.[Labels.managed])
    .map((v) => v.Name);
}

describe('the delete fence', () => {
  it('a pod volume the engine made without labels goes with the pod', async () => {
    // What a sandbox create racing the delete leaves: its mount of a pod volume the
    // deleter had just removed makes the engine create an unlabelled one, and the
    // creator's fence removes its sandbox only.
    await applyYaml(pod('stray'), ns);
    const docker = await getDocker();
    const volume = podVolumeDockerName(ns, 'stray', 'scratch2');
    const mounter = await docker.createContainer({
      Image: TEST_IMAGE,
      HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/v' }] },
    });
    await mounter.remove();
    expect(await unlabelledPodVolumes(ns, 'stray')).toEqual([volume]);
    const deleted = await podrun(['delete', 'pod', 'stray', '-n', ns]);
    expect(deleted.code).toBe(0);
    expect(await unlabelledPodVolumes(ns, 'stray')).toEqual([]);
    expect(await leftovers(ns)).toEqual([]);
  });

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
        expect(await unlabelledPodVolumes(ns, name)).toEqual([]);
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
    const mine = [1, 2, 3, 4, 5].map((index) => {
      const file = join(tmpdir(), `${netNs}-${index}.yaml`);
      writeFileSync(file, sleeperPod(`p${index}`));
      files.push(file);
      return file;
    });
    const results = await Promise.all(
      mine.map((file) =>
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
    const deleted = await podrun(['delete', 'pods', '--all', '-n', netNs], undefined, {
      PODRUN_SUPERVISOR_SCOPE: netNs,
    });
    expect(deleted.code).toBe(0);
    expect(await leftovers(netNs)).toEqual([]);
  });

  it('a lock a SIGKILLed process left: the next apply removes it, the last delete leaves none', async () => {
    const file = join(tmpdir(), `${lockNs}.yaml`);
    files.push(file);
    writeFileSync(file, sleeperPod('held'));
    const env = { PODRUN_SUPERVISOR_SCOPE: lockNs };
    // Killed before it created the network: the next creator takes the lock over.
    const first = await leaveDeadLock(lockNs);
    const applied = await podrun(['apply', '-f', file, '-n', lockNs], undefined, env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(await lockOf(lockNs)).toEqual([]);
    // Killed after it created the network (another pod's apply): the delete of the
    // namespace's last pod removes the network and the lock.
    const second = await leaveDeadLock(lockNs);
    expect(second).not.toBe(first);
    const deleted = await podrun(['delete', 'pod', 'held', '-n', lockNs], undefined, env);
    expect(deleted.code).toBe(0);
    expect(await lockOf(lockNs)).toEqual([]);
    expect(await leftovers(lockNs)).toEqual([]);
  });
});
