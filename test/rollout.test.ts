// `podrun rollout` against a Deployment behind a LoadBalancer Service, with a supervisor
// of this file's own scope: a rolling update while clients send requests through the
// Service loses none and ends on the new version; a crashing version makes `rollout
// status` fail naming the reason and the container's last log line while the old pods
// keep serving; `rollout undo` brings the previous version back; `rollout restart` makes
// new pods; `describe deployment` shows kubectl's layout with ScalingReplicaSet events;
// and the docs' nginx-deployment example (image swapped) rolls out unchanged.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { listServiceRecords } from '../src/pod/service-records.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { removeNamespaceIfUnused } from '../src/services/namespaces.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { freePort } from './helpers/net.js';
import { cleanNamespace, podrun, TEST_IMAGE, writeManifest } from './helpers/pods.js';
import { removeHolders, scopedNamespace } from './helpers/supervised.js';

const { ns, ok } = scopedNamespace('rollout');

// Not cleanUp(): this file has more to remove, in this order: its Deployments through
// the CLI first, its Service's records between the pods and the holders, and the
// namespace itself last.
afterAll(async () => {
  // The docs' nginx example sets no grace period: its busybox stand-in ignores SIGTERM
  // as PID 1, and the default 30 s would be the slowest part of this file.
  await podrun([
    'delete',
    'deployment',
    'web',
    'nginx-deployment',
    '--grace-period',
    '0',
    '-n',
    ns,
  ]);
  await stopSupervisor();
  await cleanNamespace(ns);
  for (const record of await listServiceRecords({ namespace: ns }))
    await deleteServiceRecord(record);
  await removeHolders(ns);
  await removeNamespaceIfUnused(ns);
});

const port = await freePort();

function web(version: string, extra: { crash?: boolean } = {}): string {
  const run = extra.crash
    ? `echo starting ${version}; echo boom-${version} >&2; exit 3`
    : `mkdir -p /www && echo ${version} > /www/index.html && exec httpd -f -p 8080 -h /www`;
  return writeManifest(
    ns,
    `web-${version}`,
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  progressDeadlineSeconds: 10
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: ${TEST_IMAGE}
          command: [sh, -c, '${run}']
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: ${port}, targetPort: 8080 }]
`,
  );
}

async function cli(args: string[]) {
  return podrun([...args, '-n', ns]);
}

function get(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(body.trim())
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Clients sending requests through the Service one after another until stopped. */
function clients(count: number) {
  const answers: string[] = [];
  const failures: string[] = [];
  let stopped = false;
  const loops = Array.from({ length: count }, async () => {
    while (!stopped) {
      try {
        answers.push(await get());
      } catch (error) {
        failures.push((error as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  return {
    answers,
    failures,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function podNames(): Promise<string[]> {
  const out = await ok(['get', 'pods', '-l', 'app=web']);
  return out
    .split('\n')
    .slice(1)
    .filter((line) => line && !line.includes('Terminating'))
    .map((line) => line.split(/\s+/)[0]!);
}

describe('podrun rollout', () => {
  it('rolls out v1, then updates to v2 through the Service losing no request', async () => {
    await ok(['apply', '-f', web('v1')]);
    const first = await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    expect(first.trim().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
    expect(await get()).toBe('v1');

    const load = clients(3);
    await settle(1000);
    await ok(['apply', '-f', web('v2')]);
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    await settle(2000);
    const before = load.answers.length;
    await settle(1500);
    await load.stop();
    expect(status).toMatch(/Waiting for deployment "web" rollout to finish: /);
    expect(status.trim().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
    expect(load.failures).toEqual([]);
    expect(load.answers.filter((a) => a === 'v1').length).toBeGreaterThan(0);
    // Once rolled out (and the proxy's list caught up) every answer is the new version.
    const after = load.answers.slice(before);
    expect(after.length).toBeGreaterThan(10);
    expect(new Set(after)).toEqual(new Set(['v2']));
  }, 240_000);

  it('fails rollout status on a crashing version, naming why, while v2 keeps serving', async () => {
    const load = clients(2);
    await ok(['apply', '-f', web('v3', { crash: true })]);
    const status = await cli(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    await load.stop();
    expect(status.code).not.toBe(0);
    expect(status.stderr).toMatch(/^error: deployment "web" exceeded its progress deadline$/m);
    expect(status.stderr, status.stderr).toMatch(/container app: (CrashLoopBackOff|Error)/);
    expect(status.stderr).toContain('boom-v3');
    expect(load.failures).toEqual([]);
    expect(new Set(load.answers)).toEqual(new Set(['v2']));
  }, 240_000);

  it('undoes to the previous version and keeps serving meanwhile', async () => {
    const load = clients(2);
    expect(await ok(['rollout', 'undo', 'deployment/web'])).toBe(
      'deployment.apps/web rolled back\n',
    );
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    expect(status).toContain('deployment "web" successfully rolled out');
    await settle(2000);
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(new Set(load.answers)).toEqual(new Set(['v2']));
    const history = await ok(['rollout', 'history', 'deployment/web']);
    expect(history.split('\n')[1]).toMatch(/^REVISION\s+CHANGE-CAUSE$/);
    // v1 (1), v3 (3), v2 again (4): undo moves v2's ReplicaSet to a new revision.
    expect(history.match(/^\d+/gm)).toEqual(['1', '3', '4']);
  }, 240_000);

  it('restarts every pod, and describe shows the deployment as kubectl does', async () => {
    const before = await podNames();
    expect(before).toHaveLength(3);
    expect(await ok(['rollout', 'restart', 'deployment/web'])).toBe(
      'deployment.apps/web restarted\n',
    );
    await ok(['rollout', 'status', 'deployment/web', '--timeout=120s']);
    const after = await podNames();
    expect(after).toHaveLength(3);
    expect(after.filter((name) => before.includes(name))).toEqual([]);

    const described = await ok(['describe', 'deployment', 'web']);
    expect(described).toMatch(/^Name:\s+web$/m);
    expect(described).toMatch(/^Namespace:\s+rollout-/m);
    expect(described).toMatch(/^Selector:\s+app=web$/m);
    expect(described).toMatch(
      /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m,
    );
    expect(described).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(described).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(described).toMatch(/kubectl\.kubernetes\.io\/restartedAt: \d{4}-/);
    expect(described).toMatch(/^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m);
    expect(described).toMatch(/^NewReplicaSet:\s+web-\w+ \(3\/3 replicas created\)$/m);
    expect(described).toMatch(/ScalingReplicaSet .*Scaled up replica set web-\w+ to 3/);
    expect(described).toMatch(/ScalingReplicaSet .*Scaled down replica set web-\w+ to 0/);

    const rs = described.match(/^NewReplicaSet:\s+(web-\w+)/m)![1]!;
    const describedRS = await ok(['describe', 'rs', rs]);
    expect(describedRS).toMatch(/^Controlled By:\s+Deployment\/web$/m);
    expect(describedRS).toMatch(/^Replicas:\s+3 current \/ 3 desired$/m);
    expect(describedRS).toMatch(
      /^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m,
    );
  }, 240_000);

  it("runs the docs' nginx-deployment example (local image) to 3 Ready pods", async () => {
    await ok(['apply', '-f', 'examples/nginx-deployment.yaml']);
    const status = await ok(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=120s']);
    expect(status).toContain('deployment "nginx-deployment" successfully rolled out');
    const table = await ok(['get', 'deployments', 'nginx-deployment']);
    expect(table.split('\n')[1]).toMatch(/^nginx-deployment\s+3\/3\s+3\s+3\s+/);
    const pods = await ok(['get', 'pods', '-l', 'app=nginx']);
    expect(pods.match(/\s1\/1\s+Running\s/g)).toHaveLength(3);
  }, 240_000);
});
