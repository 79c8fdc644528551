// `podrun up -f bundle.yaml` takes what `apply` takes (a Namespace, a Service, a
// ConfigMap, an object of an ignored kind with its one warning, pods), the Service
// answers from another pod while up runs, and when up ends (Ctrl-C, or
// --abort-on-container-exit) nothing of the bundle is left: no pod, no proxy, no
// ConfigMap, no network.
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { Labels } from '../src/plan/labels.js';
import { listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { startPodrun } from './helpers/cli-process.js';
import {
  cleanNamespace,
  objectsIn,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('upbundle');
const abortNs = testNamespace('upbundle-abort');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;

afterAll(async () => {
  await stopSupervisor();
  for (const namespace of [ns, abortNs]) {
    await cleanNamespace(namespace);
    for (const record of await listServiceRecords({ namespace })) {
      await deleteServiceRecord(record);
    }
  }
});

async function networksOf(namespace: string): Promise<number> {
  return (await listPodrunNetworks({ [Labels.namespace]: namespace })).length;
}

function bundle(namespace: string, backendCommand: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: ${namespace} }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: page, namespace: ${namespace} }
data: { index.html: "from-configmap" }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: backend, namespace: ${namespace}, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: page, configMap: { name: page } }]
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: [sh, -c, '${backendCommand}']
      ports: [{ containerPort: 8080 }]
      volumeMounts: [{ name: page, mountPath: /www }]
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: ${namespace} }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`;
}

/** One HTTP/1.0 request from the client pod through the Service's name. */
async function throughService(namespace: string): Promise<string> {
  return sh(
    namespace,
    'client',
    'c',
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc web.${namespace} 80 | tail -n 1`,
  );
}

describe('podrun up of a bundle', () => {
  it('serves through its Service while it runs; after Ctrl-C nothing of it remains', async () => {
    const file = writeManifest(ns, 'bundle', bundle(ns, 'exec httpd -f -p 8080 -h /www'));
    const run = startPodrun(['up', '-f', file], { NO_COLOR: '1' });
    try {
      const answer = await waitFor(
        'the Service answering from the client pod',
        async () => (await throughService(ns)) === 'from-configmap',
        60_000,
      );
      expect(answer).toBe(true);
      expect((await listServiceRecords({ namespace: ns })).map((r) => r.name)).toEqual(['web']);
    } finally {
      run.signal('SIGINT');
    }
    const exit = await run.done;
    expect(exit.code).toBe(130);
    // One warning for the ignored kind, and no other warning line.
    const warnings = exit.stderr.split('\n').filter((line) => /ignored|warning/i.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ServiceAccount\/app ignored: /);
    expect(exit.stderr).toMatch(/^namespace\/\S+ created$/m);
    expect(exit.stderr).toMatch(/^service\/web created$/m);
    expect(exit.stderr).toMatch(/^configmap\/page created$/m);
    expect(exit.stderr).toMatch(/^removing service\/web$/m);
    expect(await objectsIn(ns)).toBe(0);
    expect(await listServiceRecords({ namespace: ns })).toEqual([]);
    expect(await networksOf(ns)).toBe(0);
  });

  it('--abort-on-container-exit removes the Service too', async () => {
    const file = writeManifest(
      abortNs,
      'bundle',
      bundle(abortNs, 'httpd -p 8080 -h /www; sleep 1; exit 4'),
    );
    const run = startPodrun(['up', '-f', file, '--abort-on-container-exit'], { NO_COLOR: '1' });
    const exit = await run.done;
    expect(exit.stderr).toMatch(/container httpd exited \(code 4\): aborting/);
    expect(exit.code).toBe(4);
    expect(exit.stderr).toMatch(/^removing service\/web$/m);
    expect(await objectsIn(abortNs)).toBe(0);
    expect(await listServiceRecords({ namespace: abortNs })).toEqual([]);
    expect(await networksOf(abortNs)).toBe(0);
  });
});
