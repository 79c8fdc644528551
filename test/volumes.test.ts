// Volume lifetimes: a PersistentVolumeClaim's data outlives the pod; an emptyDir's
// does not. configMap and secret volumes carry their data into the containers. A
// missing subPath is made a directory; a claim with no PersistentVolumeClaim object
// gets its volume on first use.
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killContainer } from '../src/docker/containers.js';
import { inspectVolume, removeVolumeWhenFree } from '../src/docker/volumes.js';
import { claimVolumeDockerName } from '../src/plan/names.js';
import { OBJECT_LABEL } from '../src/pod/config-store.js';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { findPodRecord } from '../src/pod/records.js';
import { podStatus } from '../src/pod/status.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

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

describe('subPath', () => {
  // A directory of the host for the hostPath volume, removed after the test.
  let hostDir = '';

  afterAll(async () => {
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
  });

  it('creates a missing subPath (and subPathExpr) as a directory in hostPath and emptyDir', async () => {
    hostDir = await mkdtemp(join(tmpdir(), 'podrun-subpath-'));
    // The kubelet gives a created subPath directory the mode of the volume's root.
    await chmod(hostDir, 0o775);
    const manifest = `
apiVersion: v1
kind: Pod
metadata:
  name: subpaths
spec:
  terminationGracePeriodSeconds: 1
  volumes:
    - name: host
      hostPath:
        path: ${hostDir}
    - name: scratch
      emptyDir: {}
  containers:
    - name: writer
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      env:
        - name: POD_NAME
          valueFrom:
            fieldRef: { fieldPath: metadata.name }
      volumeMounts:
        - { name: host, mountPath: /host-sub, subPath: made/here }
        - { name: host, mountPath: /host-pod, subPathExpr: "pods/$(POD_NAME)" }
        - { name: scratch, mountPath: /scratch-sub, subPath: nested/dir }
        - { name: scratch, mountPath: /scratch-pod, subPathExpr: "logs/$(POD_NAME)" }
    - name: reader
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      volumeMounts:
        - { name: host, mountPath: /host }
        - { name: scratch, mountPath: /scratch }
`;
    await applyYaml(manifest, ns);
    await sh(
      ns,
      'subpaths',
      'writer',
      'for d in /host-sub /host-pod /scratch-sub /scratch-pod; do echo "$d" > "$d/file"; done',
    );
    expect(await sh(ns, 'subpaths', 'reader', 'cat /host/made/here/file')).toBe('/host-sub');
    expect(await sh(ns, 'subpaths', 'reader', 'cat /host/pods/subpaths/file')).toBe('/host-pod');
    expect(await sh(ns, 'subpaths', 'reader', 'cat /scratch/nested/dir/file')).toBe('/scratch-sub');
    expect(await sh(ns, 'subpaths', 'reader', 'cat /scratch/logs/subpaths/file')).toBe(
      '/scratch-pod',
    );
    // On the host too, with the hostPath's mode on every directory created.
    expect(await readFile(join(hostDir, 'made/here/file'), 'utf8')).toBe('/host-sub\n');
    for (const dir of ['made', 'made/here', 'pods', 'pods/subpaths']) {
      expect(((await stat(join(hostDir, dir))).mode & 0o7777).toString(8)).toBe('775');
    }
    // In the emptyDir: its root mode (0777).
    expect(
      await sh(ns, 'subpaths', 'reader', 'stat -c %a /scratch/nested /scratch/nested/dir'),
    ).toBe('777\n777');

    await deletePodRecord((await findPodRecord(ns, 'subpaths'))!, 0);
  });
});

describe('subPath across a sandbox rebuild', () => {
  const rebuildNs = testNamespace('volrb');
  let supervised: SupervisedNamespace | undefined;

  afterAll(async () => {
    await supervised?.stop();
    await cleanNamespace(rebuildNs);
  });

  it('leaves an existing subPath directory of a kept emptyDir as it is', async () => {
    supervised = await superviseNamespace(rebuildNs, 400);
    await supervised.apply(`
apiVersion: v1
kind: Pod
metadata: { name: rebuilt }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: scratch, emptyDir: {} }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      volumeMounts:
        - { name: scratch, mountPath: /scratch }
        - { name: scratch, mountPath: /owned, subPath: owned }
`);
    await sh(
      rebuildNs,
      'rebuilt',
      'app',
      'chown 1000:1000 /scratch/owned && chmod 700 /scratch/owned',
    );
    const oldSandbox = (await findPodRecord(rebuildNs, 'rebuilt'))!.sandbox!.Id;
    await killContainer(oldSandbox);
    await waitFor(
      'the rebuilt pod',
      async () => {
        const record = await findPodRecord(rebuildNs, 'rebuilt');
        if (!record?.sandbox || record.sandbox.Id === oldSandbox) return undefined;
        return podStatus(record).status === 'Running';
      },
      30_000,
    );
    expect(await sh(rebuildNs, 'rebuilt', 'app', 'stat -c "%u %a" /scratch/owned')).toBe(
      '1000 700',
    );
  });
});

describe('a claim without a PersistentVolumeClaim object', () => {
  const claimed = `
apiVersion: v1
kind: Pod
metadata:
  name: claimer
spec:
  terminationGracePeriodSeconds: 1
  volumes:
    - name: store
      persistentVolumeClaim:
        claimName: undeclared
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      volumeMounts:
        - { name: store, mountPath: /store }
`;
  const volumeName = () => claimVolumeDockerName(ns, 'undeclared');

  afterAll(async () => {
    const record = await findPodRecord(ns, 'claimer');
    if (record) await deletePodRecord(record, 0);
    await removeVolumeWhenFree(volumeName());
  });

  it('gets its volume on first use with one warning, and keeps it like a declared claim', async () => {
    const first = await applyYaml(claimed, ns);
    const pod = first.find((result) => result.kind === 'Pod')!;
    expect(pod.warnings).toEqual([
      `persistentVolumeClaim "undeclared" has no PersistentVolumeClaim object; created volume ${volumeName()}`,
    ]);
    await sh(ns, 'claimer', 'main', 'echo kept > /store/file');

    // Labelled as a declared claim's volume (the "data" claim of the first test).
    const declared = await inspectVolume(claimVolumeDockerName(ns, 'data'));
    const created = await inspectVolume(volumeName());
    expect(declared).toBeDefined();
    // Only the declared one has an object to show (`get pvc`: its spec).
    const { [OBJECT_LABEL]: described, ...declaredLabels } = declared?.Labels ?? {};
    expect(JSON.parse(described ?? '{}').spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect({ ...created?.Labels, 'io.podrun.name': 'data' }).toEqual(declaredLabels);

    await deletePodRecord((await findPodRecord(ns, 'claimer'))!, 0);
    expect(await inspectVolume(volumeName())).toBeDefined();

    const again = await applyYaml(claimed, ns);
    expect(again.find((result) => result.kind === 'Pod')?.warnings).toEqual([]);
    expect(await sh(ns, 'claimer', 'main', 'cat /store/file')).toBe('kept');
  });
});
