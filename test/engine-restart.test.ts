// Restarts survive an engine restart. When dockerd stops, every container stops
// (podrun uses RestartPolicy "no": a pause container revived alone would strand its
// joiners); the detached supervisor keeps retrying the engine and, once it answers
// again, rebuilds each supervised pod: new sandbox, init containers again, apps.
// A Service comes back too (the supervisor starts its proxy again) on the same
// ClusterIP: podrun chose it from the namespace network's Service range and fixed it
// on the proxy (plan/network.ts), so the pods' service links still hold it. Workloads
// too: their holders (created, never started) outlive the daemon, so a Deployment is
// back to its replicas and a finished Job stays Complete without running again.
//
// The engine restarted here is never the default one (other people's containers run
// there): scripts/test-engine.sh starts a second, podrun-owned dockerd with its own
// socket, data-root and exec-root, this file points podrun at it with DOCKER_HOST
// (the CLI, the supervisor it spawns, and the in-process reads below), restarts that
// daemon, and finally stops it and deletes its data. It needs root; only outside CI
// may it skip when it cannot have one (under CI=true scripts/test.sh fails a skip).
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PAUSE_IMAGE } from '../src/docker/pause-image.js';
import { findPodRecord } from '../src/pod/records.js';
import {
  findServiceRecord,
  listServiceRecords,
  type ServiceRecord,
} from '../src/pod/service-records.js';
import { podStatus } from '../src/pod/status.js';
import { deleteServiceRecord } from '../src/services/delete-service.js';
import { cleanNamespace, podrun, sh, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const run = promisify(execFile);
const SCRIPT = 'scripts/test-engine.sh';
const PIDFILE = '/run/podrun/test-engine.pid';

// Every wait below is bounded, and the test's own timeout is their sum plus slack,
// so a slow engine fails with the wait that ran out, not with vitest's timeout.
const ENGINE_WAIT_S = 60; // each of: dockerd exit, dockerd answering /_ping
const APPLY_WAIT_S = 30;
const BACK_WAIT_MS = 90_000;
const SLACK_MS = 30_000;
const TEST_TIMEOUT_MS = APPLY_WAIT_S * 1000 + 2 * ENGINE_WAIT_S * 1000 + BACK_WAIT_MS + SLACK_MS;
const SETUP_TIMEOUT_MS = ENGINE_WAIT_S * 1000 + 60_000; // start + copying two images
const TEARDOWN_TIMEOUT_MS = ENGINE_WAIT_S * 1000 + 60_000; // supervisor stop, cleanup, stop

/** One HTTP/1.0 request from the Service case's client pod to HOST:80. */
function throughService(host: string): Promise<string> {
  return sh(
    svcNs,
    'client',
    'c',
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc ${host} 80 | tail -n 1`,
  );
}

/** Run scripts/test-engine.sh against the default engine's environment. */
async function testEngine(...args: string[]): Promise<string> {
  const env = { ...defaultEnv, PODRUN_TEST_ENGINE_WAIT: String(ENGINE_WAIT_S) };
  const { stdout } = await run('bash', [SCRIPT, ...args], { env, maxBuffer: 1 << 20 });
  return stdout.trim();
}

function enginePid(): number {
  return Number(readFileSync(PIDFILE, 'utf8').trim());
}

/** Whether test-engine.sh can run a dockerd here: root, and dockerd or apt-get to get it. */
function canRunTestEngine(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v dockerd || command -v apt-get'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Outside CI a machine that cannot run a second dockerd skips this file; under
// CI=true it runs and fails in beforeAll with test-engine.sh's reason.
const canRun = canRunTestEngine();
const defaultEnv = { ...process.env };
const ns = testNamespace('engine');
const svcNs = testNamespace('engine-svc');
const wlNs = testNamespace('engine-wl');
let engineHost = '';

describe.skipIf(!canRun && process.env.CI !== 'true')('an engine restart', () => {
  beforeAll(async () => {
    await testEngine('start');
    const images = [TEST_IMAGE, process.env.PODRUN_PAUSE_IMAGE ?? LOCAL_PAUSE_IMAGE];
    await testEngine('load', ...images);
    engineHost = await testEngine('host');
    // From here on, every engine call of this process goes to the test engine.
    process.env.DOCKER_HOST = engineHost;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (engineHost) {
        const env = { DOCKER_HOST: engineHost, PODRUN_SUPERVISOR_SCOPE: ns };
        // The workloads first, while their supervisor runs: nothing re-creates a pod after.
        await podrun(
          ['delete', 'deployment', 'web', '--grace-period', '0', '-n', wlNs],
          undefined,
          env,
        ).catch(() => {});
        await podrun(['delete', 'job', 'once', '-n', wlNs], undefined, env).catch(() => {});
        await podrun(['supervisor', 'stop'], undefined, env);
        for (const namespace of [ns, svcNs, wlNs]) {
          await cleanNamespace(namespace).catch(() => {});
          for (const record of await listServiceRecords({ namespace }).catch(() => [])) {
            await deleteServiceRecord(record).catch(() => {});
          }
        }
      }
    } finally {
      if (defaultEnv.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = defaultEnv.DOCKER_HOST;
      await testEngine('stop');
    }
  }, TEARDOWN_TIMEOUT_MS);

  it(
    'is survived: the supervisor rebuilds the pod, init containers run again',
    async () => {
      const env = { DOCKER_HOST: engineHost, PODRUN_SUPERVISOR_SCOPE: ns };
      const file = join(tmpdir(), `${ns}.yaml`);
      writeFileSync(
        file,
        `apiVersion: v1
kind: Pod
metadata: { name: survivor }
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{ name: data, emptyDir: {} }]
  initContainers:
    - { name: init, image: ${TEST_IMAGE}, command: [sh, -c, 'echo init >> /data/log'], volumeMounts: [{ name: data, mountPath: /data }] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'], volumeMounts: [{ name: data, mountPath: /data }] }
`,
      );
      const applied = await podrun(
        ['apply', '-f', file, '-n', ns, `--wait=${APPLY_WAIT_S}s`],
        undefined,
        env,
      );
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const before = (await findPodRecord(ns, 'survivor'))!;
      expect(before.sandbox?.State).toBe('running');

      const pidBefore = enginePid();
      await testEngine('restart');
      // A new daemon process, not the same one answering again.
      expect(enginePid()).not.toBe(pidBefore);

      const after = await waitFor(
        'the pod back in a new sandbox',
        async () => {
          const record = await findPodRecord(ns, 'survivor');
          const fresh = record?.sandbox && record.sandbox.Id !== before.sandbox?.Id;
          return fresh && podStatus(record).status === 'Running' ? record : undefined;
        },
        BACK_WAIT_MS,
      );
      expect(after.uid).toBe(before.uid);
      // The emptyDir outlived the engine restart; the init container ran a second time.
      expect(await sh(ns, 'survivor', 'app', 'cat /data/log')).toBe('init\ninit');
    },
    TEST_TIMEOUT_MS,
  );
  // Set by the Service case, read by the ClusterIP case after it (one restart for both).
  let serviceBefore: ServiceRecord | undefined;
  let serviceAfter: ServiceRecord | undefined;

  it(
    'brings a Service back: the supervisor starts the same proxy, which answers through its name',
    async () => {
      // The same supervisor scope as above: one supervisor, stopped in afterAll.
      const env = { DOCKER_HOST: engineHost, PODRUN_SUPERVISOR_SCOPE: ns };
      const file = join(tmpdir(), `${svcNs}.yaml`);
      writeFileSync(
        file,
        `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: Pod
metadata: { name: backend, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: httpd
      image: ${TEST_IMAGE}
      command: [sh, -c, 'mkdir -p /www && echo backend > /www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: c, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`,
      );
      const applied = await podrun(
        ['apply', '-f', file, '-n', svcNs, `--wait=${APPLY_WAIT_S}s`],
        undefined,
        env,
      );
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      serviceBefore = (await findServiceRecord(svcNs, 'web'))!;
      expect(serviceBefore.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await throughService(serviceBefore.clusterIP)).toBe('backend');

      await testEngine('restart');

      serviceAfter = await waitFor(
        'the Service answering through its name again',
        async () => {
          const record = await findServiceRecord(svcNs, 'web');
          if (record?.state !== 'running') return undefined;
          return (await throughService('web')) === 'backend' ? record : undefined;
        },
        BACK_WAIT_MS,
      );
      expect(serviceAfter.containerId).toBe(serviceBefore.containerId);
      console.log(
        `ClusterIP before the engine restart ${serviceBefore.clusterIP}, after ${serviceAfter.clusterIP}`,
      );
    },
    TEST_TIMEOUT_MS,
  );

  // The engine gives the proxy back its fixed address when it starts again; the
  // rebuilt pods could not take it first (they get addresses from the network's
  // IPRange only), and the client's service link, planned before the restart, holds it.
  it(
    "keeps the Service's ClusterIP across the restart, so the service links still hold it",
    async () => {
      expect(serviceBefore).toBeDefined();
      expect(serviceAfter).toBeDefined();
      if (!serviceBefore || !serviceAfter) return;
      expect(serviceAfter.clusterIP).toBe(serviceBefore.clusterIP);
      expect(await sh(svcNs, 'client', 'c', 'echo $WEB_SERVICE_HOST')).toBe(
        serviceBefore.clusterIP,
      );
      expect(await throughService(serviceBefore.clusterIP)).toBe('backend');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'brings a Deployment back to its replicas, and a finished Job stays Complete without running again',
    async () => {
      const env = { DOCKER_HOST: engineHost, PODRUN_SUPERVISOR_SCOPE: ns };
      const cli = async (...args: string[]) => {
        const result = await podrun([...args, '-n', wlNs], undefined, env);
        if (result.code !== 0) throw new Error(`podrun ${args.join(' ')}: ${result.stderr}`);
        return result.stdout;
      };
      const file = join(tmpdir(), `${wlNs}.yaml`);
      writeFileSync(
        file,
        `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - { name: app, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
---
apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - { name: work, image: ${TEST_IMAGE}, command: [echo, ran] }
`,
      );
      const applied = (await cli('apply', '-f', file, `--wait=${APPLY_WAIT_S}s`)).split('\n');
      // The two waits end in either order.
      expect(applied.sort()).toEqual([
        '',
        'deployment.apps/web available',
        'deployment.apps/web created',
        'job.batch/once complete',
        'job.batch/once created',
      ]);
      const jobPods = async () =>
        (await cli('get', 'pods', '-l', 'job-name=once', '-o', 'name')).split('\n').filter(Boolean);
      const before = await jobPods();
      expect(before).toHaveLength(1);

      await testEngine('restart');

      await waitFor(
        'the Deployment back to 2/2 Ready',
        async () => /^web\s+2\/2\s+2\s+2\s/m.test(await cli('get', 'deployment', 'web')),
        BACK_WAIT_MS,
      );
      expect((await cli('get', 'job', 'once')).split('\n')[1]).toMatch(/^once\s+Complete\s+1\/1\s/);
      expect(await jobPods()).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );
});
