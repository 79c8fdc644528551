import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { type EndpointPod, serviceEndpoints } from '../plan/endpoints.js';
import { endpointServiceOf } from './endpoints-sync.js';
import { forwardedServicePort, pickEndpoint } from './forward-port.js';

const service: Service = {
  metadata: { name: 'web', namespace: 'ns' },
  spec: {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'admin', port: 9000, targetPort: 9001 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  },
};

function pod(name: string, ip: string, httpPort: number, ready = true): EndpointPod {
  return {
    name,
    namespace: 'ns',
    labels: { app: 'web' },
    ip,
    ready,
    ports: [{ name: 'http', containerPort: httpPort }],
  };
}

describe('port-forward to a Service', () => {
  it('finds the Service port by number or by name', () => {
    expect(forwardedServicePort(service, 80).name).toBe('http');
    expect(forwardedServicePort(service, 'admin').port).toBe(9000);
  });

  it('says in one line when the Service has no such port, or it is not TCP', () => {
    expect(() => forwardedServicePort(service, 81)).toThrow(
      'Service web does not have a service port 81',
    );
    expect(() => forwardedServicePort(service, 'grpc')).toThrow(
      'Service web does not have a service port named "grpc"',
    );
    expect(() => forwardedServicePort(service, 53)).toThrow(/TCP only: .* port 53 is UDP/);
  });

  it("maps the Service port to each pod's targetPort, named ones per pod", () => {
    const endpoints = serviceEndpoints(endpointServiceOf(service), [
      pod('a', '10.0.0.2', 8080),
      pod('b', '10.0.0.3', 8081),
    ]);
    expect(pickEndpoint(endpoints, 80)).toMatchObject({ pod: 'a', port: 8080 });
    expect(pickEndpoint(endpoints, 80, 'b')).toMatchObject({ pod: 'b', port: 8081 });
    expect(pickEndpoint(endpoints, 9000, 'b')).toMatchObject({ pod: 'b', port: 9001 });
  });

  it('picks only Ready pods, and leaves a previous pod that is no longer one', () => {
    const endpoints = serviceEndpoints(endpointServiceOf(service), [
      pod('a', '10.0.0.2', 8080),
      pod('b', '10.0.0.3', 8081, false),
    ]);
    expect(pickEndpoint(endpoints, 80, 'b')).toMatchObject({ pod: 'a' });
    const none = serviceEndpoints(endpointServiceOf(service), [pod('b', '10.0.0.3', 8081, false)]);
    expect(pickEndpoint(none, 80)).toBeUndefined();
  });
});
