import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../manifest/parse.js';
import { withExtraPorts, withNameSuffix, withRandomHostPorts } from './sources.js';

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
