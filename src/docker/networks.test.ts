// The namespace network lock against the fake engine: a lock whose holder is dead
// (SIGKILL while holding it) is removed by whoever next touches the network, a live
// holder's lock is left alone, and a removal takes out exactly the lock it inspected.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngine } from './engine.js';
import { FakeEngine } from './fake-engine.js';
import {
  ensureNetworkId,
  isSubnetTaken,
  LOCK_STALE_MS,
  NetworkLockLabels,
  networkLockName,
  removeDeadNetworkLock,
  removeNetworkIfUnused,
} from './networks.js';

const IMAGE = 'podrun-test/busybox:1';
const NET = 'podrun_ns';
const OPTIONS = { Name: NET, Labels: { 'io.podrun.managed': 'true', 'io.podrun.namespace': 'ns' } };
const GUARD = { image: IMAGE };
let fake: FakeEngine;

/** A pid that was a process of this host a moment ago and is gone now. */
const deadPid = (): number => spawnSync('true').pid!;

/** The lock container as its holder (`pid`, taken `ageMs` ago) left it. */
function leaveLock(pid: number, ageMs = 0, host = hostname()): Promise<string> {
  return fake.createContainer({
    name: networkLockName(NET),
    Image: IMAGE,
    Labels: {
      'io.podrun.managed': 'true',
      'io.podrun.role': 'marker',
      'io.podrun.namespace': 'ns',
      [NetworkLockLabels.pid]: String(pid),
      [NetworkLockLabels.host]: host,
      [NetworkLockLabels.at]: String(Date.now() - ageMs),
    },
    HostConfig: { NetworkMode: 'none' },
  });
}

async function lockIds(): Promise<string[]> {
  return (await fake.listContainers({ all: true, filters: { name: [networkLockName(NET)] } })).map(
    (c) => c.Id,
  );
}

beforeEach(() => {
  fake = new FakeEngine();
  fake.addImage(IMAGE);
  useEngine(fake);
});

afterEach(() => useEngine(undefined));

describe('the namespace network lock', () => {
  it('a dead holder with no network: the next ensure removes its lock and creates', async () => {
    await leaveLock(deadPid());
    const handle = await ensureNetworkId(OPTIONS, GUARD);
    expect(handle.created).toBe(true);
    expect(await lockIds()).toEqual([]);
  });

  it('a holder killed after its create: an ensure adopting the network removes the lock', async () => {
    await fake.createNetwork(OPTIONS);
    await leaveLock(deadPid());
    const handle = await ensureNetworkId(OPTIONS, GUARD);
    expect(handle.created).toBe(false);
    expect(await lockIds()).toEqual([]);
  });

  it('the delete of the last pod removes the network and a dead lock, not a live one', async () => {
    await fake.createNetwork(OPTIONS);
    await leaveLock(deadPid());
    await removeNetworkIfUnused(NET);
    expect(await fake.listNetworks({ name: [NET] })).toEqual([]);
    expect(await lockIds()).toEqual([]);
    // A live process (our parent) creating the network for a new pod keeps its lock.
    const live = await leaveLock(process.ppid);
    await removeNetworkIfUnused(NET);
    expect(await lockIds()).toEqual([live]);
  });

  it('a lock older than the bound is dead even if its pid lives (pid reuse, another host)', async () => {
    await leaveLock(process.ppid, LOCK_STALE_MS + 1000);
    expect(await removeDeadNetworkLock(NET)).toBeUndefined();
    expect(await lockIds()).toEqual([]);
    const remote = await leaveLock(12345, 1000, 'another-host');
    expect((await removeDeadNetworkLock(NET))?.Id).toBe(remote);
    expect(await lockIds()).toEqual([remote]);
  });

  it('two removers of one dead lock never take out a live lock made meanwhile', async () => {
    const dead = await leaveLock(deadPid());
    // The first remover has inspected the dead lock; its removal is held.
    const gate = fake.hold('removeContainer', (id) => id === dead);
    const first = removeDeadNetworkLock(NET);
    await gate.reached;
    // A second remover removes it (a second removeContainer of `dead`, not held) and
    // a live process takes the lock under the same name.
    await fake.removeContainer(dead, { force: true, v: false });
    const live = await leaveLock(process.ppid);
    gate.release();
    await first;
    expect(await lockIds()).toEqual([live]);
  });

  it('a loser of the lock waits for a live holder, then adopts its network', async () => {
    const live = await leaveLock(process.ppid);
    const looked = fake.hold('inspectContainer', (name) => name === networkLockName(NET), {
      when: 'after',
    });
    const waiting = ensureNetworkId(OPTIONS, GUARD);
    // The loser found the live holder's lock; the holder creates the network and
    // removes its lock.
    await looked.reached;
    expect(await lockIds()).toEqual([live]);
    looked.release();
    await fake.createNetwork(OPTIONS);
    await fake.removeContainer(live, { force: true, v: false });
    const handle = await waiting;
    expect(handle.created).toBe(false);
    expect(await fake.listNetworks({ name: [NET] })).toHaveLength(1);
  });
});

describe('the namespace network subnet', () => {
  // The services layer asks for a subnet (a pod's network has none: see below).
  const FOR_SERVICES = { ...GUARD, serviceRange: true };
  const NAMESPACE_OPTIONS = {
    Name: NET,
    Driver: 'bridge',
    Labels: { ...OPTIONS.Labels, 'io.podrun.role': 'network' },
  };
  const realCreates = () =>
    fake.calls
      .filter((call) => call.op === 'createNetwork' && !call.error)
      .map((call) => call.args[0] as { Name: string; Internal?: boolean; IPAM?: unknown });

  it('is the one the engine gave a probe, split for pods and Services; the probe goes', async () => {
    const handle = await ensureNetworkId(NAMESPACE_OPTIONS, FOR_SERVICES);
    const [probe, real] = realCreates();
    expect(probe?.Name).toMatch(/^podrun_ns__subnet-[0-9a-f]{6}$/);
    expect(probe?.Internal).toBe(true);
    // The fake gives each network 10.89.N.0/24: the real one names the probe's.
    expect(fake.callLog(['inspectNetwork'])).toHaveLength(1);
    const ipam = real?.IPAM as { Config: Array<{ Subnet: string }> } | undefined;
    const subnet = ipam?.Config[0]?.Subnet ?? '';
    expect(subnet).toMatch(/^10\.89\.\d+\.0\/24$/);
    const base = subnet.replace(/\.0\/24$/, '');
    expect(real?.IPAM).toEqual({
      Driver: 'default',
      Config: [{ Subnet: subnet, Gateway: `${base}.1`, IPRange: `${base}.0/25` }],
    });
    expect(handle.serviceRange).toBe(`${base}.128/25`);
    expect(
      (await fake.listNetworks({ label: ['io.podrun.managed=true'] })).map((n) => n.Name),
    ).toEqual([NET]);
    // An adopter learns the range from the network's label.
    expect((await ensureNetworkId(NAMESPACE_OPTIONS, FOR_SERVICES)).serviceRange).toBe(
      `${base}.128/25`,
    );
  });

  it('probes again when another creator took the pool meanwhile', async () => {
    const gate = fake.hold('createNetwork', (options) => Boolean(options.IPAM));
    const handle = ensureNetworkId(NAMESPACE_OPTIONS, FOR_SERVICES);
    await gate.reached;
    gate.fail(
      Object.assign(new Error('Pool overlaps with other one on this address space'), {
        statusCode: 403,
      }),
    );
    expect((await handle).serviceRange).toBeDefined();
    expect(realCreates().filter((options) => options.Name.includes('__subnet-'))).toHaveLength(2);
    expect(
      (await fake.listNetworks({ label: ['io.podrun.managed=true'] })).map((n) => n.Name),
    ).toEqual([NET]);
  });

  it('a network made without one (an older podrun) is adopted with no Service range', async () => {
    await fake.createNetwork(NAMESPACE_OPTIONS);
    const handle = await ensureNetworkId(NAMESPACE_OPTIONS, FOR_SERVICES);
    expect(handle.serviceRange).toBeUndefined();
    expect(realCreates()).toHaveLength(1);
  });

  it('is not made for a pod: no probe, no IPAM, no Service range', async () => {
    const handle = await ensureNetworkId(NAMESPACE_OPTIONS, GUARD);
    expect(realCreates().map((options) => [options.Name, options.IPAM])).toEqual([
      [NET, undefined],
    ]);
    expect(handle.serviceRange).toBeUndefined();
  });
});

describe('isSubnetTaken', () => {
  it("knows both of the engine's words for a subnet another create took", () => {
    const engineError = (message: string) =>
      Object.assign(new Error(`(HTTP code 500) server error - ${message}`), {
        statusCode: 500,
        json: { message },
      });
    expect(isSubnetTaken(engineError('Pool overlaps with other one on this address space'))).toBe(
      true,
    );
    expect(
      isSubnetTaken(engineError('failed to allocate gateway (172.31.0.1): Address already in use')),
    ).toBe(true);
    expect(isSubnetTaken(engineError('network with name x already exists'))).toBe(false);
  });
});
