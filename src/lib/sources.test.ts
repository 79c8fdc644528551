import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../manifest/parse.js';
import { intoNamespace, withExtraPorts, withNameSuffix, withRandomHostPorts } from './sources.js';

const text = `
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { mode: fast }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Mi } } }
---
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  volumes:
    - { name: data, persistentVolumeClaim: { claimName: data } }
    - { name: conf, configMap: { name: settings } }
    - { name: other, configMap: { name: elsewhere } }
  containers:
    - name: main
      image: busybox:1.35
      ports: [{ containerPort: 80, hostPort: 8080 }]
      env:
        - name: MODE
          valueFrom: { configMapKeyRef: { name: settings, key: mode } }
`;

const set = () =>
  parseManifestText(text, 't.yaml', { defaultNamespace: 'default', validate: 'ignore' });

describe('withNameSuffix', () => {
  it('renames every object and the references to objects of the set only', () => {
    const renamed = withNameSuffix(set(), '-abc123');
    const pod = renamed.pods[0]!.object;
    expect(pod.metadata?.name).toBe('web-abc123');
    expect(renamed.configMaps[0]!.object.metadata?.name).toBe('settings-abc123');
    expect(renamed.persistentVolumeClaims[0]!.object.metadata?.name).toBe('data-abc123');
    const volumes = pod.spec?.volumes ?? [];
    expect(volumes[0]!.persistentVolumeClaim?.claimName).toBe('data-abc123');
    expect(volumes[1]!.configMap?.name).toBe('settings-abc123');
    expect(volumes[2]!.configMap?.name).toBe('elsewhere');
    expect(pod.spec?.containers[0]?.env?.[0]?.valueFrom?.configMapKeyRef?.name).toBe(
      'settings-abc123',
    );
  });

  it('leaves the original set untouched', () => {
    const original = set();
    withNameSuffix(original, '-x');
    expect(original.pods[0]!.object.metadata?.name).toBe('web');
  });
});

describe('ports', () => {
  it('drops fixed hostPorts and declares extra ports once', () => {
    const pod = withExtraPorts(withRandomHostPorts(set()), [80, 9090]).pods[0]!.object;
    expect(pod.spec?.containers[0]?.ports).toEqual([
      { containerPort: 80 },
      { containerPort: 9090, protocol: 'TCP' },
    ]);
  });
});

const bundle = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: busybox:1.35, ports: [{ containerPort: 80, hostPort: 8080 }] }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { mode: fast }
`;

const bundleSet = () =>
  parseManifestText(bundle, 'b.yaml', {
    defaultNamespace: 'default',
    validate: 'ignore',
    bundle: true,
    workloads: true,
  });

describe('intoNamespace', () => {
  it('moves every object into the one namespace and drops Namespace objects', () => {
    const moved = intoNamespace(bundleSet(), 'env-1');
    expect(moved.namespaces).toEqual([]);
    const namespaces = [...moved.services, ...moved.workloads, ...moved.configMaps].map(
      (entry) => entry.object.metadata?.namespace,
    );
    expect(namespaces).toEqual(['env-1', 'env-1', 'env-1']);
    expect(moved.services[0]!.object.metadata?.name).toBe('web');
  });

  it('leaves the original set untouched', () => {
    const original = bundleSet();
    intoNamespace(original, 'env-1');
    expect(original.services[0]!.object.metadata?.namespace).toBe('shop');
    expect(original.namespaces).toHaveLength(1);
  });
});

describe('workload templates', () => {
  it('lose their fixed hostPorts too (two environments share no host port)', () => {
    const workload = withRandomHostPorts(bundleSet()).workloads[0]!.object;
    const spec = workload.kind === 'Deployment' ? workload.spec?.template.spec : undefined;
    expect(spec?.containers[0]?.ports).toEqual([{ containerPort: 80 }]);
  });
});
