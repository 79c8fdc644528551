// The service-account volume (issue 11): every init and app container finds its
// namespace in /var/run/secrets/kubernetes.io/serviceaccount/namespace, as the
// kubelet's projected volume gives it (read-only, 0644, no token: podrun runs no API
// server); automountServiceAccountToken: false mounts nothing there.
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('sa');
const DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('the service-account namespace file', () => {
  it('is in every init and app container, read-only; absent when automount is off', async () => {
    await applyYaml(
      `apiVersion: v1
kind: Pod
metadata: { name: reader }
spec:
  terminationGracePeriodSeconds: 0
  volumes: [{ name: shared, emptyDir: {} }]
  initContainers:
    - name: init
      image: ${TEST_IMAGE}
      command: [sh, -c, 'cat ${DIR}/namespace > /shared/init-saw']
      volumeMounts: [{ name: shared, mountPath: /shared }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
      volumeMounts: [{ name: shared, mountPath: /shared }]
---
apiVersion: v1
kind: Pod
metadata: { name: opted-out }
spec:
  terminationGracePeriodSeconds: 0
  automountServiceAccountToken: false
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '3600']
`,
      ns,
    );
    const read = (script: string) =>
      waitFor(`reader: ${script}`, () => sh(ns, 'reader', 'app', script).catch(() => false));
    expect(await read(`cat ${DIR}/namespace`)).toBe(ns);
    expect(await read('cat /shared/init-saw')).toBe(ns);
    // Only the namespace file, 0644, on a read-only mount.
    expect(await read(`ls ${DIR}`)).toBe('namespace');
    expect(await read(`stat -c %a ${DIR}/namespace`)).toBe('644');
    const write = await execInPod(ns, 'reader', 'app', ['sh', '-c', `echo x > ${DIR}/namespace`]);
    expect(write.exitCode).not.toBe(0);
    expect(await read(`cat ${DIR}/namespace`)).toBe(ns);

    await waitFor('opted-out running', () =>
      sh(ns, 'opted-out', 'app', 'true').then(
        () => true,
        () => false,
      ),
    );
    const absent = await execInPod(ns, 'opted-out', 'app', ['test', '-e', DIR]);
    expect(absent.exitCode).toBe(1);
  });
});
