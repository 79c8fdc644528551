import { describe, expect, it } from 'vitest';
import { type EndpointPod, type EndpointService, serviceEndpoints } from './endpoints.js';
import {
  endpointsTableRows,
  formatEndpoints,
  formatServicePorts,
  type ServiceRowInput,
  serviceTableRows,
} from './service-table.js';

const row = (extra: Partial<ServiceRowInput>): ServiceRowInput => ({
  name: 'web',
  namespace: 'shop',
  type: 'ClusterIP',
  clusterIP: '172.18.0.5',
  ports: [{ name: '', port: 80, protocol: 'TCP', targetPort: 8080 }],
  selector: { app: 'web' },
  age: '5s',
  ...extra,
});

describe('get svc', () => {
  it("kubectl's columns and PORT(S)", () => {
    const rows = serviceTableRows([
      row({}),
      row({
        name: 'dns',
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31234 },
          { name: 'b', port: 53, protocol: 'UDP', targetPort: 53 },
        ],
      }),
      row({
        name: 'lb',
        type: 'LoadBalancer',
        ports: [{ name: '', port: 443, protocol: 'TCP', targetPort: 443, nodePort: 30443 }],
      }),
      row({ name: 'peers', clusterIP: 'None', ports: [] }),
    ]);
    expect(rows).toEqual([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['web', 'ClusterIP', '172.18.0.5', '<none>', '80/TCP', '5s'],
      ['dns', 'NodePort', '172.18.0.5', '<none>', '80:31234/TCP,53/UDP', '5s'],
      ['lb', 'LoadBalancer', '172.18.0.5', '127.0.0.1', '443:30443/TCP', '5s'],
      ['peers', 'ClusterIP', 'None', '<none>', '<none>', '5s'],
    ]);
  });

  it('-o wide adds SELECTOR, -A a NAMESPACE column', () => {
    expect(
      serviceTableRows(
        [
          row({ selector: { tier: 'front', app: 'web' } }),
          row({ name: 'x', selector: undefined, clusterIP: undefined }),
        ],
        { wide: true, allNamespaces: true },
      ),
    ).toEqual([
      ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
      ['shop', 'web', 'ClusterIP', '172.18.0.5', '<none>', '80/TCP', '5s', 'app=web,tier=front'],
      ['shop', 'x', 'ClusterIP', '<none>', '<none>', '80/TCP', '5s', '<none>'],
    ]);
    expect(formatServicePorts([])).toBe('<none>');
  });
});

const service: EndpointService = {
  namespace: 'shop',
  selector: { app: 'web' },
  ports: [{ name: '', port: 80, protocol: 'TCP', targetPort: 8080 }],
};
const pod = (i: number, ready = true): EndpointPod => ({
  name: `web-${i}`,
  namespace: 'shop',
  labels: { app: 'web' },
  ip: `10.0.0.${i}`,
  ready,
  ports: [],
});

describe('get endpoints', () => {
  it("ip:targetPort, kubectl's + N more... after three", () => {
    expect(
      formatEndpoints(
        serviceEndpoints(
          service,
          [1, 2].map((i) => pod(i)),
        ),
      ),
    ).toBe('10.0.0.1:8080,10.0.0.2:8080');
    expect(
      formatEndpoints(
        serviceEndpoints(
          service,
          [1, 2, 3, 4, 5].map((i) => pod(i)),
        ),
      ),
    ).toBe('10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...');
  });

  it('<none> without endpoints; empty when all are not ready; IPs for headless without ports', () => {
    expect(formatEndpoints(serviceEndpoints(service, []))).toBe('<none>');
    expect(formatEndpoints(serviceEndpoints(service, [pod(1, false)]))).toBe('');
    expect(formatEndpoints(serviceEndpoints({ ...service, ports: [] }, [pod(1), pod(2)]))).toBe(
      '10.0.0.1,10.0.0.2',
    );
  });

  it('NAME ENDPOINTS AGE; a Service without selector has no Endpoints object', () => {
    const endpoints = serviceEndpoints(service, [pod(1)]);
    const manual = { ...service, selector: undefined };
    expect(
      endpointsTableRows([
        { name: 'web', namespace: 'shop', service, endpoints, age: '1m' },
        {
          name: 'manual',
          namespace: 'shop',
          service: manual,
          endpoints: serviceEndpoints(manual, [pod(1)]),
          age: '1m',
        },
      ]),
    ).toEqual([
      ['NAME', 'ENDPOINTS', 'AGE'],
      ['web', '10.0.0.1:8080', '1m'],
    ]);
  });
});
