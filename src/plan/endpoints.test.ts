import { describe, expect, it } from 'vitest';
import {
  type EndpointPod,
  type EndpointService,
  resolveTargetPort,
  serviceEndpoints,
} from './endpoints.js';

const pod = (
  name: string,
  ip: string | undefined,
  ready: boolean,
  extra: Partial<EndpointPod> = {},
): EndpointPod => ({
  name,
  namespace: 'shop',
  labels: { app: 'web' },
  ip,
  ready,
  ports: [{ name: 'http', containerPort: 8080 }],
  ...extra,
});

const web: EndpointService = {
  namespace: 'shop',
  selector: { app: 'web' },
  ports: [
    { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
    { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 9100 },
  ],
};

describe('serviceEndpoints', () => {
  it('ready pods are endpoints of every port; not-ready ones listed apart', () => {
    const result = serviceEndpoints(web, [
      pod('b', '10.0.0.3', true),
      pod('a', '10.0.0.2', false),
      pod('c', '10.0.0.1', true),
    ]);
    expect(result.ports[0]).toEqual({
      name: 'http',
      servicePort: 80,
      protocol: 'TCP',
      ready: [
        { ip: '10.0.0.1', pod: 'c', port: 8080 },
        { ip: '10.0.0.3', pod: 'b', port: 8080 },
      ],
      notReady: [{ ip: '10.0.0.2', pod: 'a', port: 8080 }],
    });
    expect(result.ports[1]?.ready.map((t) => t.port)).toEqual([9100, 9100]);
    expect(result.ready.map((a) => a.pod)).toEqual(['c', 'b']);
    expect(result.notReady.map((a) => a.pod)).toEqual(['a']);
  });

  it('a pod without the named port is no endpoint for that port only', () => {
    const result = serviceEndpoints(web, [pod('x', '10.0.0.9', true, { ports: [] })]);
    expect(result.ports[0]?.ready).toEqual([]);
    expect(result.ports[1]?.ready).toEqual([{ ip: '10.0.0.9', pod: 'x', port: 9100 }]);
  });

  it('the named port must have the protocol of the Service port', () => {
    const udp = { ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }] };
    expect(resolveTargetPort('http', 'TCP', udp)).toBeUndefined();
    expect(resolveTargetPort('http', 'UDP', udp)).toBe(8080);
    expect(resolveTargetPort(8443, 'TCP', udp)).toBe(8443);
  });

  it('only matching pods of the namespace with an IP that are not terminating', () => {
    const result = serviceEndpoints(web, [
      pod('other-ns', '10.0.0.1', true, { namespace: 'dev' }),
      pod('other-app', '10.0.0.2', true, { labels: { app: 'db' } }),
      pod('no-ip', undefined, true),
      pod('leaving', '10.0.0.4', true, { terminating: true }),
      pod('more-labels', '10.0.0.5', true, { labels: { app: 'web', tier: 'front' } }),
    ]);
    expect(result.ready.map((a) => a.pod)).toEqual(['more-labels']);
    expect(result.notReady).toEqual([]);
  });

  it('no selector, or an empty one, gives no endpoints, as on a cluster', () => {
    const everyone = [pod('a', '10.0.0.1', true)];
    expect(serviceEndpoints({ ...web, selector: undefined }, everyone).ready).toEqual([]);
    expect(serviceEndpoints({ ...web, selector: {} }, everyone).ports[0]?.ready).toEqual([]);
  });

  it('publishNotReadyAddresses makes every matching pod ready', () => {
    const result = serviceEndpoints({ ...web, publishNotReadyAddresses: true }, [
      pod('a', '10.0.0.1', false),
    ]);
    expect(result.ports[0]?.ready).toEqual([{ ip: '10.0.0.1', pod: 'a', port: 8080 }]);
    expect(result.notReady).toEqual([]);
  });
});
