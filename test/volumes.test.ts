// Volume lifetimes: a PersistentVolumeClaim's data outlives the pod; an emptyDir's
// does not. configMap and secret volumes carry their data into the containers.
import { afterAll, describe, expect, it } from 'vitest';
import { inspectVolume } from '../src/docker/volumes.js';
import { claimVolumeDockerName } from '../src/plan/names.js';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { findPodRecord } from '../src/pod/records.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
} from './helpers/pods.js';

const ns = testNamespace('vol');

const manifests = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 100Mi
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: hello
  app.properties: |
    mode=test
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: s3cret
---
apiVersion: v1
kind: Pod
metadata:
  name: keeper
spec:
  terminationGracePeriodSeconds: 1
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
    - name: scratch
      emptyDir: {}
    - name: settings
      configMap:
        name: settings
    - name: creds
      secret:
        secretName: creds
        defaultMode: 0400
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      env:
        - name: GREETING
          valueFrom:
            configMapKeyRef: { name: settings, key: greeting }
      volumeMounts:
        - { name: data, mountPath: /data }
        - { name: scratch, mountPath: /scratch }
        - { name: settings, mountPath: /etc/settings }
        - { name: creds, mountPath: /etc/creds }
`;

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('volumes', () => {
  it('keep PVC data across pod delete and re-apply, but not emptyDir data', async () => {
    await applyYaml(manifests, ns);
    await sh(ns, 'keeper', 'main', 'echo persisted > /data/file && echo temporary > /scratch/file');

    await deletePodRecord((await findPodRecord(ns, 'keeper'))!, 0);
    expect(await findPodRecord(ns, 'keeper')).toBeUndefined();
    expect(await inspectVolume(claimVolumeDockerName(ns, 'data'))).toBeDefined();

    await applyYaml(manifests, ns);
    expect(await sh(ns, 'keeper', 'main', 'cat /data/file')).toBe('persisted');
    expect((await execInPod(ns, 'keeper', 'main', ['cat', '/scratch/file'])).exitCode).not.toBe(0);
  });

  it('deliver configMap and secret data as files and env', async () => {
    expect(await sh(ns, 'keeper', 'main', 'cat /etc/settings/greeting')).toBe('hello');
    expect(await sh(ns, 'keeper', 'main', 'cat /etc/settings/app.properties')).toBe('mode=test');
    expect(await sh(ns, 'keeper', 'main', 'cat /etc/creds/password')).toBe('s3cret');
    expect(await sh(ns, 'keeper', 'main', 'stat -L -c %a /etc/creds/password')).toBe('400');
    expect(await sh(ns, 'keeper', 'main', 'echo $GREETING')).toBe('hello');
    // Kubernetes mounts configMap volumes read-only.
    expect(
      (await execInPod(ns, 'keeper', 'main', ['sh', '-c', 'echo x > /etc/settings/new'])).exitCode,
    ).not.toBe(0);
  });
});
