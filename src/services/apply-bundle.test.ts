import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../manifest/errors.js';
import { parseManifestText } from '../manifest/parse.js';
import type { ServiceRecord } from '../pod/service-records.js';
import { planServices } from './apply-bundle.js';

const load = (text: string) =>
  parseManifestText(text, 'bundle.yaml', {
    defaultNamespace: 'shop',
    validate: 'strict',
    bundle: true,
  });

function svc(name: string, type: string, ports: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  type: ${type}
  selector: { app: ${name} }
  ports: ${ports}
`;
}

function stored(name: string, service: Partial<Service['spec']>, hostPorts: number[] = []) {
  return {
    namespace: 'shop',
    name,
    service: { metadata: { name, namespace: 'shop', uid: `uid-${name}` }, spec: service },
    hostPorts: hostPorts.map((hostPort) => ({
      port: hostPort,
      protocol: 'TCP',
      hostIP: '127.0.0.1',
      hostPort,
    })),
  } as unknown as ServiceRecord;
}

describe('planServices', () => {
  it('gives two new NodePort Services distinct node ports, never one a stored Service holds', () => {
    const set = load(
      [svc('a', 'NodePort', '[{ port: 80 }]'), svc('b', 'NodePort', '[{ port: 80 }]')].join(
        '---\n',
      ),
    );
    const holder = stored('old', { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] });
    // random() = 0 starts every search at 30000.
    const work = planServices(set, [holder], {}, () => 0);
    expect(work.map(({ plan }) => plan.ports[0]?.nodePort)).toEqual([30001, 30002]);
  });

  it('keeps a re-applied Service its node port and uid; the creation time stays out of the hash', () => {
    const set = load(svc('a', 'NodePort', '[{ port: 80 }]'));
    const previous = stored('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 31234 }] });
    const [first] = planServices(set, [previous], {}, Math.random);
    const [second] = planServices(set, [previous], {}, Math.random);
    expect(first?.plan.ports[0]?.nodePort).toBe(31234);
    expect(first?.plan.manifest.metadata?.uid).toBe('uid-a');
    expect(first?.plan.labels['io.podrun.spec-hash']).toBe(
      second?.plan.labels['io.podrun.spec-hash'],
    );
  });

  it('names file:line when a LoadBalancer port is already published by another Service', () => {
    const set = load(svc('a', 'LoadBalancer', '[{ port: 8080 }]'));
    const holder = stored('web', { type: 'LoadBalancer', ports: [{ port: 8080 }] }, [8080]);
    let error: unknown;
    try {
      planServices(set, [holder], {}, Math.random);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(
      /bundle\.yaml:7:\d+: .*127\.0\.0\.1:8080\/TCP is already published by Service "shop\/web"/,
    );
    // The library's random host ports never collide.
    expect(() =>
      planServices(set, [holder], { randomServiceHostPorts: true }, Math.random),
    ).not.toThrow();
  });
});
