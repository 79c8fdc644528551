import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { Labels } from './labels.js';
import { allocateNodePort, NODE_PORT_MAX, NODE_PORT_MIN, planService } from './service.js';

const service = (spec: Service['spec'], name = 'web', namespace = 'shop'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { type: 'ClusterIP', sessionAffinity: 'None', ...spec },
});
const none = new Set<number>();
const at = (x: number) => () => x;

describe('planService', () => {
  it('names, ports, labels and the stored manifest of a ClusterIP Service', () => {
    const svc = service({
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
    });
    const plan = planService({
      service: svc,
      version: '1.2.3',
      nodePortsInUse: none,
      random: at(0),
    });
    expect(plan.aliases).toEqual(['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local']);
    expect(plan.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
    expect(plan.bindings).toEqual([]);
    expect(plan.headless).toBe(false);
    expect(plan.selector).toEqual({ app: 'web' });
    expect(plan.dockerName).toBe('podrun-svc_shop_web');
    expect(plan.network).toBe('podrun_shop');
    expect(plan.labels).toMatchObject({
      [Labels.managed]: 'true',
      [Labels.role]: 'service',
      [Labels.namespace]: 'shop',
      [Labels.service]: 'web',
      [Labels.version]: '1.2.3',
    });
    expect(JSON.parse(plan.labels[Labels.serviceManifest]!)).toEqual(svc);
  });

  it('NodePort: a written nodePort is kept, a missing one assigned from the range', () => {
    const svc = service({
      type: 'NodePort',
      ports: [
        { name: 'a', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30000 },
        { name: 'b', port: 81, protocol: 'TCP', targetPort: 81 },
      ],
    });
    // random 0 starts at 30000: taken by port a and by another Service's 30001.
    const plan = planService({
      service: svc,
      version: 'v',
      nodePortsInUse: new Set([30001]),
      random: at(0),
    });
    expect(plan.ports.map((p) => p.nodePort)).toEqual([30000, 30002]);
    expect(plan.bindings).toEqual([
      {
        hostIP: '127.0.0.1',
        hostPort: 30000,
        containerPort: 80,
        protocol: 'TCP',
        serves: 'nodePort',
      },
      {
        hostIP: '127.0.0.1',
        hostPort: 30002,
        containerPort: 81,
        protocol: 'TCP',
        serves: 'nodePort',
      },
    ]);
    expect(plan.manifest.spec?.ports?.[1]?.nodePort).toBe(30002);
    expect(svc.spec?.ports?.[1]?.nodePort).toBeUndefined(); // the input is not changed
  });

  it('LoadBalancer: the port on 127.0.0.1 and a node port; random host ports for the library', () => {
    const svc = service({
      type: 'LoadBalancer',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    const plan = planService({ service: svc, version: 'v', nodePortsInUse: none, random: at(0.5) });
    expect(plan.ports[0]?.nodePort).toBe(
      NODE_PORT_MIN + Math.floor(0.5 * (NODE_PORT_MAX - NODE_PORT_MIN + 1)),
    );
    expect(plan.bindings.map((b) => [b.hostPort, b.serves])).toEqual([
      [80, 'loadBalancer'],
      [plan.ports[0]?.nodePort, 'nodePort'],
    ]);
    const lib = planService({
      service: svc,
      version: 'v',
      nodePortsInUse: none,
      random: at(0.5),
      randomHostPorts: true,
    });
    expect(lib.bindings.map((b) => b.hostPort)).toEqual([0, 0]);
    const noNodePorts = service({ ...svc.spec, allocateLoadBalancerNodePorts: false });
    const plain = planService({
      service: noNodePorts,
      version: 'v',
      nodePortsInUse: none,
      random: at(0),
    });
    expect(plain.ports[0]?.nodePort).toBeUndefined();
    expect(plain.bindings.map((b) => b.serves)).toEqual(['loadBalancer']);
  });

  it('ClusterIP: published only when asked (library environments), never when headless', () => {
    const svc = service({ ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] });
    const base = { version: 'v', nodePortsInUse: none, random: at(0) };
    expect(planService({ ...base, service: svc }).bindings).toEqual([]);
    const env = planService({
      ...base,
      service: svc,
      publishClusterIP: true,
      randomHostPorts: true,
    });
    expect(env.type).toBe('ClusterIP');
    expect(env.ports[0]?.nodePort).toBeUndefined();
    expect(env.bindings).toEqual([
      { hostIP: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'TCP', serves: 'clusterIP' },
    ]);
    const headless = service({ ...svc.spec, clusterIP: 'None' });
    expect(
      planService({ ...base, service: headless, publishClusterIP: true, randomHostPorts: true })
        .bindings,
    ).toEqual([]);
  });

  it('a re-apply keeps the node ports the Service had; the spec hash ignores them', () => {
    const svc = service({
      type: 'NodePort',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    const first = planService({
      service: svc,
      version: 'v',
      nodePortsInUse: none,
      random: at(0.3),
    });
    const again = planService({
      service: svc,
      version: 'v',
      nodePortsInUse: new Set([first.ports[0]!.nodePort!]),
      random: at(0.9),
      previous: first.manifest,
    });
    expect(again.ports[0]?.nodePort).toBe(first.ports[0]?.nodePort);
    expect(again.labels[Labels.specHash]).toBe(first.labels[Labels.specHash]);
  });

  it('a nodePort another Service holds is an error; so is a full range', () => {
    const svc = service({
      type: 'NodePort',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
    });
    expect(() =>
      planService({ service: svc, version: 'v', nodePortsInUse: new Set([30080]), random: at(0) }),
    ).toThrow('spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const all = new Set(
      Array.from({ length: NODE_PORT_MAX - NODE_PORT_MIN + 1 }, (_, i) => NODE_PORT_MIN + i),
    );
    const open = service({
      type: 'NodePort',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(() =>
      planService({ service: open, version: 'v', nodePortsInUse: all, random: at(0) }),
    ).toThrow(PlanError);
  });

  it('a LoadBalancer port another Service publishes on 127.0.0.1 is an error', () => {
    const svc = service({
      type: 'LoadBalancer',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    const hostPortsInUse = new Map([['80/TCP', 'Service "dev/front"']]);
    expect(() =>
      planService({
        service: svc,
        version: 'v',
        nodePortsInUse: none,
        random: at(0),
        hostPortsInUse,
      }),
    ).toThrow('spec.ports[0].port: 127.0.0.1:80/TCP is already published by Service "dev/front"');
    const udp = new Map([['80/UDP', 'Service "dev/front"']]);
    expect(
      planService({
        service: svc,
        version: 'v',
        nodePortsInUse: none,
        random: at(0),
        hostPortsInUse: udp,
      }).bindings,
    ).toHaveLength(2);
    // The library's random host ports never collide.
    expect(
      planService({
        service: svc,
        version: 'v',
        nodePortsInUse: none,
        random: at(0),
        hostPortsInUse,
        randomHostPorts: true,
      }).bindings,
    ).toHaveLength(2);
  });

  it('headless: no proxy ports published', () => {
    const plan = planService({
      service: service({ clusterIP: 'None', selector: { app: 'db' } }),
      version: 'v',
      nodePortsInUse: none,
      random: at(0),
    });
    expect(plan.headless).toBe(true);
    expect(plan.ports).toEqual([]);
  });
});

describe('allocateNodePort', () => {
  it('wraps around from its random start', () => {
    expect(allocateNodePort(new Set([NODE_PORT_MAX]), at(0.99999999))).toBe(NODE_PORT_MIN);
    expect(allocateNodePort(new Set(), at(0))).toBe(NODE_PORT_MIN);
  });
});
