// Services end to end through the CLI, with a supervisor of this file's own scope:
// the four DNS names and a named targetPort, readiness gating (a not-ready pod gets
// none of the requests), a stable address across a backend's delete and re-apply,
// LoadBalancer and NodePort from the host, a helm-style bundle with its ignored
// kinds, and a made-up kind that creates nothing. Plus the library's random host
// ports and its own endpoints loop.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from '../src/docker/archive.js';
import { getDocker } from '../src/docker/client.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { startPods } from '../src/lib/start-pod.js';
import { Labels } from '../src/plan/labels.js';
import { PROXY_CONFIG_PATH } from '../src/plan/service-proxy.js';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { reapOwner } from '../src/pod/reap-owner.js';
import { findPodRecord } from '../src/pod/records.js';
import { findServiceRecord, listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { startPodrun } from './helpers/cli-process.js';
import { freePort } from './helpers/net.js';
import {
  cleanNamespace,
  objectsIn,
  podrun,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
  writeManifest,
} from './helpers/pods.js';

const ns = testNamespace('hsvcobj');
const bundleNs = testNamespace('hsvcobj-helm');
const badNs = testNamespace('hsvcobj-bad');
const libNs = testNamespace('hsvcobj-lib');
const rollNs = testNamespace('hsvcobj-roll');
process.env.PODRUN_SUPERVISOR_SCOPE ??= ns;

async function removeNamespace(namespace: string): Promise<void> {
  await cleanNamespace(namespace);
  for (const record of await listServiceRecords({ namespace })) await deleteServiceRecord(record);
  await cleanNamespace(namespace);
}

async function networksOf(namespace: string): Promise<number> {
  return (await listPodrunNetworks({ [Labels.namespace]: namespace })).length;
}

/** An httpd pod answering its own name on 8080 (named `http`), labelled app=LABEL. */
function backend(name: string, label: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { app: ${label} } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: [sh, -c, 'mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www']
      ports: [{ name: http, containerPort: 8080 }]
${extra}`;
}

const CLIENT = `apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`;

function service(name: string, label: string, spec = ''): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  selector: { app: ${label} }
  ports: [{ name: web, port: 80, targetPort: http }]
${spec}`;
}

/** N HTTP/1.0 requests from the client pod; each line is the answering pod or FAIL. */
async function requests(host: string, n: number): Promise<string[]> {
  const out = await sh(
    ns,
    'client',
    'c',
    `for i in $(seq ${n}); do out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc ${host} 80 2>&1) && echo "$out" | tail -n 1 || echo FAIL; done`,
  );
  return out.split('\n');
}

function tally(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

async function apply(namespace: string, name: string, yaml: string) {
  return podrun(['apply', '-f', writeManifest(namespace, name, yaml), '-n', namespace]);
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(body.trim()));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

beforeAll(async () => {
  const result = await apply(
    ns,
    'base',
    [service('web', 'web'), backend('backend', 'web'), CLIENT].join('---\n'),
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // Services first, so pods created after them can get service links.
  expect(result.stdout.split('\n').slice(0, 3)).toEqual([
    'service/web created',
    'pod/backend created',
    'pod/client created',
  ]);
});

afterAll(async () => {
  await stopSupervisor();
  for (const namespace of [ns, bundleNs, badNs, libNs, rollNs]) await removeNamespace(namespace);
});

describe('a ClusterIP Service', () => {
  it('answers on all four names, port 80 reaching the named targetPort 8080', async () => {
    for (const name of ['web', `web.${ns}`, `web.${ns}.svc`, `web.${ns}.svc.cluster.local`]) {
      expect(await requests(name, 3), name).toEqual(['backend', 'backend', 'backend']);
    }
    const table = await podrun(['get', 'svc', '-n', ns, '-o', 'wide']);
    expect(table.stdout).toMatch(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\nweb\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web\n$/,
    );
    const ep = await podrun(['get', 'endpoints', '-n', ns]);
    expect(ep.stdout).toMatch(/^web\s+\d+\.\d+\.\d+\.\d+:8080\s+\S+$/m);
    const described = await podrun(['describe', 'svc', 'web', '-n', ns]);
    expect(described.stdout).toMatch(/^Selector:\s+app=web$/m);
    expect(described.stdout).toMatch(/^Port:\s+web {2}80\/TCP$/m);
    expect(described.stdout).toMatch(/^TargetPort:\s+http\/TCP$/m);
    expect(described.stdout).toMatch(/^Endpoints:\s+\d+\.\d+\.\d+\.\d+:8080$/m);
    expect(described.stdout).toMatch(/^Session Affinity:\s+None$/m);
    expect(described.stdout).toMatch(/^Events:\s+<none>$/m);
    // No name: every Service of the namespace; -l on the Service's own labels.
    const all = await podrun(['describe', 'svc', '-n', ns]);
    expect(all.stdout.match(/^Name:\s+\S+$/gm)).toContain('Name:                     web');
    const none = await podrun(['describe', 'svc', '-l', 'no-such=label', '-n', ns]);
    expect(none).toEqual({
      code: 0,
      stdout: '',
      stderr: `No resources found in ${ns} namespace.\n`,
    });
  });

  it('sends a pod failing readiness none of 100 requests, and some once it passes', async () => {
    const probe = `      readinessProbe:
        exec: { command: [test, -f, /tmp/ready] }
        periodSeconds: 1
        failureThreshold: 1
        timeoutSeconds: 10
`;
    const result = await apply(
      ns,
      'gated',
      [
        service('gated', 'gated'),
        backend('steady', 'gated'),
        backend('flaky', 'gated', probe),
      ].join('---\n'),
    );
    expect(result.code).toBe(0);
    // flaky runs but is not Ready: every request goes to steady.
    await waitFor('flaky running', async () =>
      (await podrun(['get', 'pods', 'flaky', '-n', ns])).stdout.includes('0/1     Running'),
    );
    const before = tally(await requests('gated', 100));
    expect(before).toEqual({ steady: 100 });

    await sh(ns, 'flaky', 'httpd', 'touch /tmp/ready');
    const passed = Date.now();
    await waitFor(
      'flaky in the endpoints',
      async () => (await requests('gated', 4)).includes('flaky'),
      30_000,
    );
    console.log(`readiness pass reached the proxy after ${Date.now() - passed} ms`);
    const after = tally(await requests('gated', 100));
    expect(after.flaky).toBeGreaterThan(0);
    expect(after.FAIL).toBeUndefined();
    console.log(`after passing: ${JSON.stringify(after)}`);

    await sh(ns, 'flaky', 'httpd', 'rm /tmp/ready');
    const failed = Date.now();
    await waitFor(
      'flaky out of the endpoints',
      async () => !(await requests('gated', 10)).includes('flaky'),
      30_000,
    );
    console.log(`readiness failure reached the proxy within ${Date.now() - failed} ms`);
    expect(tally(await requests('gated', 100))).toEqual({ steady: 100 });
  });

  it('keeps its address when the backend is deleted and re-applied', async () => {
    const ipOf = async () =>
      JSON.parse((await podrun(['get', 'svc', 'web', '-n', ns, '-o', 'json'])).stdout).spec
        .clusterIP as string;
    const ip = await ipOf();
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await requests(ip, 1))[0]).toBe('backend');

    expect((await podrun(['delete', 'pod', 'backend', '-n', ns])).code).toBe(0);
    expect(await requests(ip, 3)).toEqual(['FAIL', 'FAIL', 'FAIL']);
    // A re-apply of the whole file: the Service is unchanged, the pod comes back.
    const again = await apply(
      ns,
      'base',
      [service('web', 'web'), backend('backend', 'web'), CLIENT].join('---\n'),
    );
    expect(again.stdout).toMatch(/^service\/web unchanged$/m);
    expect(again.stdout).toMatch(/^pod\/backend created$/m);
    // The client that holds the address works again, without resolving anything.
    expect(await requests(ip, 3)).toEqual(['backend', 'backend', 'backend']);
    expect(await ipOf()).toBe(ip);
  });
});

describe('the supervisor', () => {
  it('restarts an exited proxy, which keeps serving', async () => {
    const before = await findServiceRecord(ns, 'web');
    await (await getDocker()).getContainer(before!.containerId).kill();
    const after = await waitFor('the proxy running again', async () => {
      const record = await findServiceRecord(ns, 'web');
      return record?.state === 'running' && record.clusterIP ? record : undefined;
    });
    expect(after.containerId).toBe(before!.containerId);
    expect(await requests('web', 3)).toEqual(['backend', 'backend', 'backend']);
  });
});

describe('LoadBalancer and NodePort', () => {
  it('answer from the host on 127.0.0.1:port and 127.0.0.1:nodePort', async () => {
    const port = await freePort();
    const result = await apply(
      ns,
      'lb',
      [
        `apiVersion: v1
kind: Service
metadata: { name: lb }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: ${port}, targetPort: 8080 }]
`,
        `apiVersion: v1
kind: Service
metadata: { name: np }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
`,
      ].join('---\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('service/lb created\nservice/np created\n');
    const lb = JSON.parse((await podrun(['get', 'svc', 'lb', '-n', ns, '-o', 'json'])).stdout);
    expect(lb.status.loadBalancer.ingress).toEqual([{ ip: '127.0.0.1' }]);
    const np = JSON.parse((await podrun(['get', 'svc', 'np', '-n', ns, '-o', 'json'])).stdout);
    const nodePort = np.spec.ports[0].nodePort as number;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);

    expect(await httpGet(port)).toBe('backend');
    expect(await httpGet(nodePort)).toBe('backend');
    expect(await httpGet(lb.spec.ports[0].nodePort)).toBe('backend');

    const table = (await podrun(['get', 'svc', '-n', ns])).stdout;
    expect(table).toMatch(
      new RegExp(
        `^lb\\s+LoadBalancer\\s+\\S+\\s+127\\.0\\.0\\.1\\s+${port}:${lb.spec.ports[0].nodePort}/TCP\\s`,
        'm',
      ),
    );
    expect(table).toMatch(
      new RegExp(`^np\\s+NodePort\\s+\\S+\\s+<none>\\s+80:${nodePort}/TCP\\s`, 'm'),
    );

    const deleted = await podrun(['delete', 'svc', 'lb', 'np', '-n', ns]);
    expect(deleted.stdout).toBe('service "lb" deleted\nservice "np" deleted\n');
    await expect(httpGet(port)).rejects.toThrow();
  });
});

describe('describe svc events', () => {
  it("records a LoadBalancer's load balancer being ensured, and its type change on a re-apply", async () => {
    const port = await freePort();
    const lb = (type: string) => `apiVersion: v1
kind: Service
metadata: { name: ev }
spec:
  type: ${type}
  selector: { app: web }
  ports: [{ port: ${port}, targetPort: 8080 }]
`;
    expect((await apply(ns, 'ev', lb('LoadBalancer'))).code).toBe(0);
    const first = (await podrun(['describe', 'svc', 'ev', '-n', ns])).stdout;
    expect(first).toMatch(/^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n/m);
    expect(first).toMatch(
      /^ {2}Normal\s+EnsuringLoadBalancer\s+\S+\s+podrun\s+Ensuring load balancer$/m,
    );
    expect(first).toMatch(
      /^ {2}Normal\s+EnsuredLoadBalancer\s+\S+\s+podrun\s+Ensured load balancer$/m,
    );

    // A changed spec replaces the proxy: its events go on with the Service.
    expect((await apply(ns, 'ev', lb('ClusterIP'))).stdout).toMatch(/^service\/ev configured$/m);
    const second = (await podrun(['describe', 'svc', 'ev', '-n', ns])).stdout;
    const reasons = [...second.matchAll(/^ {2}Normal\s+(\S+)\s/gm)].map((m) => m[1]);
    expect(reasons).toEqual([
      'EnsuringLoadBalancer',
      'EnsuredLoadBalancer',
      'Type',
      'DeletingLoadBalancer',
      'DeletedLoadBalancer',
    ]);
    expect(second).toMatch(/^ {2}Normal\s+Type\s+\S+\s+podrun\s+LoadBalancer -> ClusterIP$/m);
    expect((await podrun(['delete', 'svc', 'ev', '-n', ns])).code).toBe(0);
  });
});

describe('bundles', () => {
  const helm = `apiVersion: v1
kind: Namespace
metadata: { name: ${bundleNs} }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: app, namespace: ${bundleNs} }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: app, namespace: ${bundleNs} }
rules: [{ apiGroups: [''], resources: [pods], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: app, namespace: ${bundleNs} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: app }
subjects: [{ kind: ServiceAccount, name: app, namespace: ${bundleNs} }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: app, namespace: ${bundleNs} }
spec: { podSelector: {}, policyTypes: [Ingress] }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: app, namespace: ${bundleNs} }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: app }
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: app, namespace: ${bundleNs} }
spec: { minAvailable: 1, selector: { matchLabels: { app: app } } }
---
apiVersion: v1
kind: Service
metadata: { name: app, namespace: ${bundleNs} }
spec:
  selector: { app: app }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: ${bundleNs}, labels: { app: app } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`;

  it('applies a helm-style bundle with one warning per ignored object; delete -f leaves nothing', async () => {
    const file = writeManifest(bundleNs, 'helm', helm);
    const result = await podrun(['apply', '-f', file]);
    expect(result.code).toBe(0);
    const warnings = result.stderr.trim().split('\n');
    expect(warnings).toHaveLength(6);
    for (const kind of [
      'ServiceAccount',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]) {
      expect(warnings.filter((line) => line.includes(`: ${kind}/app ignored: `))).toHaveLength(1);
    }
    expect(result.stdout).toBe(
      `namespace/${bundleNs} created\nservice/app created\npod/app created\n`,
    );
    expect(await networksOf(bundleNs)).toBe(1);
    expect((await listServiceRecords({ namespace: bundleNs })).length).toBe(1);

    const deleted = await podrun(['delete', '-f', file]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(
      `pod "app" deleted\nservice "app" deleted\nnamespace "${bundleNs}" deleted\n`,
    );
    expect(await objectsIn(bundleNs)).toBe(0);
    expect(await networksOf(bundleNs)).toBe(0);
  });

  it('rejects a made-up kind and creates nothing', async () => {
    const file = writeManifest(
      badNs,
      'bad',
      `${service('web', 'web')}---
apiVersion: example.com/v1
kind: Frobnicator
metadata: { name: f }
---
${backend('backend', 'web')}`,
    );
    const result = await podrun(['apply', '-f', file, '-n', badNs]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Frobnicator/);
    expect(result.stdout).toBe('');
    expect(await objectsIn(badNs)).toBe(0);
    expect(await networksOf(badNs)).toBe(0);
  });
});

describe('rollback', () => {
  it('removes the Services of an apply whose pod fails', async () => {
    const result = await apply(
      rollNs,
      'fails',
      `${service('web', 'web')}---
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  containers:
    - { name: c, image: podrun-test/absent:0, imagePullPolicy: Never }
`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/podrun-test\/absent:0/);
    expect(await objectsIn(rollNs)).toBe(0);
    expect(await networksOf(rollNs)).toBe(0);
  });

  it('removes the Services of an apply interrupted before its report (Ctrl-C)', async () => {
    const file = writeManifest(
      rollNs,
      'slow',
      `${service('web', 'web')}---
apiVersion: v1
kind: Pod
metadata: { name: slow, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 0
  initContainers:
    - { name: wait, image: ${TEST_IMAGE}, command: [sleep, '60'] }
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`,
    );
    const run = startPodrun(['apply', '-f', file, '-n', rollNs]);
    // Ctrl-C once the Service's proxy exists (the pod's init container holds the apply).
    await waitFor(
      'the proxy',
      async () => (await listServiceRecords({ namespace: rollNs })).length > 0,
      60_000,
    );
    run.signal('SIGINT');
    const exit = await run.done;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toMatch(/interrupted: service\/web was rolled back/);
    expect(exit.stdout).toBe('');
    expect(await objectsIn(rollNs)).toBe(0);
    expect(await networksOf(rollNs)).toBe(0);
  });
});

describe('library Services', () => {
  it('publish on random host ports and keep their endpoints without a supervisor', async () => {
    const group = await startPods(
      [service('front', 'front', '  type: LoadBalancer\n'), backend('front', 'front')].join(
        '---\n',
      ),
      { namespace: libNs },
    );
    try {
      const port = group.serviceHostPort('front', 80);
      expect(port).not.toBe(80);
      expect(await httpGet(port)).toBe('front');
      // The pod goes: the process's own endpoints loop (no supervisor) empties the
      // proxy's list, which nothing else would write.
      const svc = group.service('front');
      const pod = await findPodRecord(libNs, group.pods[0]!.name);
      if (pod) await deletePodRecord(pod, 0);
      await waitFor(
        'the endpoint removed',
        async () => !(await readFile(svc.containerId, PROXY_CONFIG_PATH)).includes('\nto '),
      );
    } finally {
      await group.delete();
    }
    expect(await objectsIn(libNs)).toBe(0);
  });

  it("are removed by the reaper with their owner's pods", async () => {
    const group = await startPods(
      [service('gone', 'gone', '  type: NodePort\n'), backend('gone', 'gone')].join('---\n'),
      { namespace: libNs },
    );
    const owner = group.service('gone').owner;
    expect(owner).toBeTruthy();
    expect(await objectsIn(libNs)).toBeGreaterThan(0);
    // What the watchdog runs when the test process dies.
    await reapOwner(owner!);
    expect(await objectsIn(libNs)).toBe(0);
    expect(await networksOf(libNs)).toBe(0);
    await group.delete();
  });
});
