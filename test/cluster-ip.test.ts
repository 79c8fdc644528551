// A Service's ClusterIP is podrun's (plan/network.ts, plan/service-address.ts): the
// namespace network has an engine-picked subnet whose upper half is reserved for
// Services; a Service gets the address its name hashes to there (or the next free
// one), fixed on its proxy, in the pods' service links, kept when a changed spec
// replaces the proxy, and never one another Service or container holds, also when
// two applies race for one address.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocker } from '../src/docker/client.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { Labels } from '../src/plan/labels.js';
import { namespaceNetworkName } from '../src/plan/names.js';
import { SERVICE_RANGE_LABEL } from '../src/plan/network.js';
import { inServiceRange, pickClusterIP } from '../src/plan/service-address.js';
import { findServiceRecord, listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { removeNamespaceIfUnused } from '../src/services/namespaces.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import {
  cleanNamespace,
  podrun,
  sh,
  TEST_IMAGE,
  testNamespace,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('hcip');
process.env.PODRUN_SUPERVISOR_SCOPE ??= ns;
/** A container of this file's own on the namespace network (removed in afterAll). */
const squatter = `hcip-squatter-${randomBytes(3).toString('hex')}`;

function service(name: string, port = 80): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  selector: { app: ${name} }
  ports: [{ port: ${port}, targetPort: 8080 }]
`;
}

const CLIENT = `apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`;

async function apply(name: string, yaml: string) {
  const result = await podrun(['apply', '-f', writeManifest(ns, name, yaml), '-n', ns]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

async function serviceRange(): Promise<string> {
  const [network] = (await listPodrunNetworks({ [Labels.namespace]: ns })).filter(
    (n) => n.Name === namespaceNetworkName(ns),
  );
  const range = network?.Labels?.[SERVICE_RANGE_LABEL];
  expect(range).toBeDefined();
  return range!;
}

afterAll(async () => {
  await (await getDocker())
    .getContainer(squatter)
    .remove({ force: true })
    .catch(() => undefined);
  await stopSupervisor();
  await cleanNamespace(ns);
  for (const record of await listServiceRecords({ namespace: ns }))
    await deleteServiceRecord(record);
  await removeNamespaceIfUnused(ns);
});

describe("a Service's ClusterIP", () => {
  let range = '';

  beforeAll(async () => {
    await apply('base', [service('web'), CLIENT].join('---\n'));
    range = await serviceRange();
  });

  it("is the address its name hashes to in the network's Service range, and the pods' links hold it", async () => {
    const [network] = await listPodrunNetworks({ [Labels.namespace]: ns });
    const config = network?.IPAM?.Config?.[0];
    // Pods get the lower half (the engine's IPRange), Services the upper.
    expect(config?.IPRange).toBeDefined();
    expect(inServiceRange(range, String(config?.Gateway))).toBe(false);
    const web = (await findServiceRecord(ns, 'web'))!;
    expect(web.clusterIP).toBe(pickClusterIP(range, ns, 'web', new Set()));
    expect(await sh(ns, 'client', 'c', 'echo $WEB_SERVICE_HOST')).toBe(web.clusterIP);
    const clientIP = await sh(ns, 'client', 'c', "hostname -i | awk '{print $1}'");
    expect(inServiceRange(range, clientIP)).toBe(false);
  });

  it('stays when a changed spec replaces the proxy', async () => {
    const before = (await findServiceRecord(ns, 'web'))!;
    const result = await apply('changed', service('web', 81));
    expect(result.stdout.trim()).toBe('service/web configured');
    const after = (await findServiceRecord(ns, 'web'))!;
    expect(after.containerId).not.toBe(before.containerId);
    expect(after.clusterIP).toBe(before.clusterIP);
  });

  it('goes past an address a container on the network holds', async () => {
    const wanted = pickClusterIP(range, ns, 'taken', new Set())!;
    const docker = await getDocker();
    const container = await docker.createContainer({
      name: squatter,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '600'],
      HostConfig: { NetworkMode: namespaceNetworkName(ns) },
      NetworkingConfig: {
        EndpointsConfig: { [namespaceNetworkName(ns)]: { IPAMConfig: { IPv4Address: wanted } } },
      },
    });
    await container.start();
    await apply('taken', service('taken'));
    const taken = (await findServiceRecord(ns, 'taken'))!;
    expect(taken.clusterIP).not.toBe(wanted);
    expect(inServiceRange(range, taken.clusterIP)).toBe(true);
    expect((await docker.getContainer(taken.containerId).inspect()).State.Running).toBe(true);
  });

  it('is never one address for two Services whose names hash alike, applied at once', async () => {
    // Two names that hash to one address in this range (a search, not a guess).
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < 100_000; i++) {
      const name = `s${i}`;
      const ip = pickClusterIP(range, ns, name, new Set())!;
      const other = seen.get(ip);
      if (other) pair = [other, name];
      seen.set(ip, name);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    await Promise.all([apply(a, service(a)), apply(b, service(b))]);
    const [first, second] = [(await findServiceRecord(ns, a))!, (await findServiceRecord(ns, b))!];
    expect(first.clusterIP).not.toBe(second.clusterIP);
    for (const record of [first, second]) {
      expect(inServiceRange(range, record.clusterIP)).toBe(true);
      const info = await (await getDocker()).getContainer(record.containerId).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.NetworkSettings.Networks[namespaceNetworkName(ns)]?.IPAddress).toBe(
        record.clusterIP,
      );
    }
  });
});
