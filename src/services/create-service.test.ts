// The ClusterIP claim against the fake engine: two applies that pick one address for
// two Services (their names hash alike) both create their proxy before either sees
// the other; the younger proxy yields and takes another address, so the Services
// never share one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngine } from '../docker/engine.js';
import { FakeEngine } from '../docker/fake-engine.js';
import { planService } from '../plan/service.js';
import { pickClusterIP } from '../plan/service-address.js';
import { listServiceRecords } from '../pod/service-records.js';
import { ensureService } from './create-service.js';
import { ensureNamespace } from './namespaces.js';

const IMAGE = 'podrun/pause:test';
const NS = 'shop';
let fake: FakeEngine;

function plan(name: string) {
  return planService({
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS },
      spec: {
        type: 'ClusterIP',
        selector: { app: name },
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
        sessionAffinity: 'None',
      },
    },
    version: 'test',
    nodePortsInUse: new Set(),
    random: () => 0,
  });
}

beforeEach(() => {
  fake = new FakeEngine();
  fake.addImage(IMAGE);
  useEngine(fake);
});

afterEach(() => useEngine(undefined));

describe('a ClusterIP claim', () => {
  it('the younger of two proxies on one address yields and takes the next', async () => {
    const range = (await ensureNamespace(NS, { lockImage: IMAGE })).serviceRange!;
    expect(range).toBeDefined();
    // Two names that hash to one address (a search, not a guess).
    const byIp = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const ip = pickClusterIP(range, NS, `s${i}`, new Set())!;
      const other = byIp.get(ip);
      if (other) pair = [other, `s${i}`];
      byIp.set(ip, `s${i}`);
    }
    const [a, b] = pair.map(plan) as [ReturnType<typeof plan>, ReturnType<typeof plan>];
    const shared = pickClusterIP(range, NS, a.name, new Set());
    // A has picked and is about to create; B runs its whole claim meanwhile.
    const gate = fake.hold('createContainer', (options) => options.name === a.dockerName);
    const first = ensureService(a, { image: IMAGE });
    await gate.reached;
    const second = await ensureService(b, { image: IMAGE });
    await second.started;
    fake.advanceClock(1);
    gate.release();
    const made = await first;
    await made.started;
    const records = await listServiceRecords({ namespace: NS });
    const ips = Object.fromEntries(records.map((r) => [r.name, r.clusterIP]));
    expect(ips[b.name]).toBe(shared);
    expect(ips[a.name]).not.toBe(shared);
    expect(ips[a.name]).toBe(pickClusterIP(range, NS, a.name, new Set([shared!])));
    // A's first proxy went; one proxy each is left.
    expect(records).toHaveLength(2);
    expect(
      fake.callLog(['createContainer']).filter((line) => line.endsWith(a.dockerName)),
    ).toHaveLength(2);
  });
});
