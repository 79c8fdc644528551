// startManifests: a whole bundle (a Deployment of two behind a Service, a migration
// Job, a ConfigMap) as a test environment in a fresh namespace with its own
// in-process supervisor; ten at once without a collision; failures that reject with
// their reason and leave nothing; and the reaper after a SIGKILL. Durations are
// logged, never asserted (the machine is shared).
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { listPodrunNetworks } from '../src/docker/networks.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { type Environment, ownerSession, startManifests } from '../src/index.js';
import { Labels } from '../src/plan/labels.js';
import { TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';

/** Only a test timeout for the waits below, never an assertion about speed. */
const DEADLINE_MS = 60_000;

const bundle = (jobCommand = 'echo applying migration 0001; echo schema up to date') => `
apiVersion: v1
kind: ConfigMap
metadata: { name: site }
data: { index.html: "hello from web\\n" }
---
apiVersion: apps/v1
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
        - name: httpd
          image: ${TEST_IMAGE}
          command: ["httpd", "-f", "-p", "80", "-h", "/www"]
          ports: [{ name: http, containerPort: 80 }]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, timeoutSeconds: 5 }
          volumeMounts: [{ name: site, mountPath: /www }]
      volumes: [{ name: site, configMap: { name: site } }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 0
      containers:
        - name: migrate
          image: ${TEST_IMAGE}
          command: ["sh", "-c", "${jobCommand}"]
`;

/** Every podrun container, volume and network of namespaces starting with `prefix`. */
async function objectsOfPrefix(prefix: string): Promise<string[]> {
  const [containers, volumes, networks] = await Promise.all([
    listPodrunContainers({}),
    listPodrunVolumes({}),
    listPodrunNetworks({}),
  ]);
  const ours = (labels: Record<string, string> | null | undefined) =>
    (labels?.[Labels.namespace] ?? '').startsWith(`${prefix}-`);
  return [
    ...containers.filter((c) => ours(c.Labels)).map((c) => c.Names[0] ?? c.Id),
    ...volumes.filter((v) => ours(v.Labels)).map((v) => v.Name),
    ...networks.filter((n) => ours(n.Labels)).map((n) => n.Name),
  ];
}

async function objectsOf(namespace: string): Promise<string[]> {
  const filter = { [Labels.namespace]: namespace };
  const [containers, volumes, networks] = await Promise.all([
    listPodrunContainers(filter),
    listPodrunVolumes(filter),
    listPodrunNetworks(filter),
  ]);
  return [
    ...containers.map((c) => c.Names[0] ?? c.Id),
    ...volumes.map((v) => v.Name),
    ...networks.map((n) => n.Name),
  ];
}

async function page(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

afterAll(async () => {
  // Every test removed what it made: nothing of this process's owner session is left.
  const owner = { [Labels.owner]: ownerSession() };
  expect(await listPodrunContainers(owner)).toEqual([]);
  expect(await listPodrunVolumes(owner)).toEqual([]);
});

describe('startManifests', () => {
  it('brings up a Deployment of two behind a Service and a migration Job, usable at once', {
    timeout: 3 * DEADLINE_MS,
  }, async () => {
    const started = Date.now();
    const env = await startManifests(bundle(), { namespacePrefix: 'menv' });
    const took = Date.now() - started;
    console.log(`startManifests (Deployment x2 + Service + Job): ${took} ms`);
    try {
      expect(env.namespace).toMatch(/^menv-[0-9a-f]{8}$/);
      expect(await page(env.service('web').url(80))).toBe('hello from web\n');
      const { host, port } = env.service('web').hostPort(80);
      expect(host).toBe('127.0.0.1');
      expect(port).toBeGreaterThan(0);

      await env.wait('job/migrate');
      expect(await env.logs('job/migrate')).toBe('applying migration 0001\nschema up to date\n');

      const web = await env.pods('app=web');
      expect(web).toHaveLength(2);
      expect(web.map((pod) => pod.name)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^web-[a-z0-9]+-[a-z0-9]{5}$/)]),
      );
      expect((await env.pods({ app: 'web' })).map((p) => p.name)).toEqual(web.map((p) => p.name));
      for (const pod of web) expect((await pod.status()).ready).toBe(1);
      const one = await env.pod(web[0]!.name);
      const { stdout } = await one.exec('httpd', ['cat', '/www/index.html']);
      expect(stdout).toBe('hello from web\n');
      expect(await env.logs('deploy/web')).toBe('');

      // Everything the environment made carries this process's owner label (the reaper's).
      const containers = await listPodrunContainers({ [Labels.namespace]: env.namespace });
      expect(containers.length).toBeGreaterThan(0);
      for (const c of containers) expect(c.Labels[Labels.owner]).toBe(ownerSession());

      // Port-forwards from the test, relayed inside the pod serving each connection.
      const viaService = await env.forward('svc/web', 80);
      const viaDeployment = await env.forward('deploy/web', 'http');
      expect(viaService.url()).toBe(`http://127.0.0.1:${viaService.port}/`);
      expect(await page(viaService.url())).toBe('hello from web\n');
      expect(await page(viaDeployment.url('index.html'))).toBe('hello from web\n');
      await expect(env.forward('svc/db', 80)).rejects.toThrow(/services "db" not found/);

      // A replica deleted by hand comes back: the environment's supervisor runs the controllers.
      await one.delete({ gracePeriodSeconds: 0 });
      await env.wait('deploy/web');
      await waitFor('a replacement replica', async () => (await env.pods('app=web')).length === 2);
      expect((await env.pods('app=web')).map((p) => p.name)).not.toContain(one.name);
      // The forwards made before still answer: each connection finds a Ready pod again.
      for (let i = 0; i < 4; i++) {
        expect(await page(viaDeployment.url())).toBe('hello from web\n');
        expect(await page(viaService.url())).toBe('hello from web\n');
      }
      await viaService.close();
      await expect(fetch(viaService.url())).rejects.toThrow();
      expect(() => env.service('db')).toThrow(
        /no service db in this environment \(services: web\)/,
      );
    } finally {
      await env.stop();
    }
    expect(await objectsOf(env.namespace)).toEqual([]);
    await env.close(); // a second stop is a no-op
  });

  it(
    'runs ten environments of one bundle at once, each usable, and disposes them all',
    async () => {
      const file = writeManifest('menv10', 'bundle', bundle());
      const started = Date.now();
      // The start's own timeout is generous: ten bundles on a shared two-core machine.
      const starts = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          startManifests(file, { namespacePrefix: 'menv10', timeoutMs: 4 * DEADLINE_MS }),
        ),
      );
      console.log(`ten startManifests in parallel: ${Date.now() - started} ms`);
      const envs = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of starts) if (s.status === 'rejected') throw s.reason;
        expect(new Set(envs.map((env) => env.namespace)).size).toBe(10);
        const ports = envs.map((env) => env.service('web').hostPort(80).port);
        expect(new Set(ports).size).toBe(10);
        const pages = await Promise.all(envs.map((env) => page(env.service('web').url(80))));
        expect(pages).toEqual(Array(10).fill('hello from web\n'));
        for (const env of envs) expect(await env.pods('app=web')).toHaveLength(2);
      } finally {
        const stopping = Date.now();
        await Promise.all(envs.map(async (env: Environment) => env[Symbol.asyncDispose]()));
        console.log(`ten environments disposed in ${Date.now() - stopping} ms`);
      }
      expect(await objectsOfPrefix('menv10')).toEqual([]);
    },
    8 * DEADLINE_MS,
  );

  it('rejects a bundle whose Job fails, with its reason, and leaves nothing', {
    timeout: 3 * DEADLINE_MS,
  }, async () => {
    await expect(
      startManifests(bundle('echo cannot migrate; exit 3'), { namespacePrefix: 'mfail' }),
    ).rejects.toThrow(/job\.batch\/migrate failed: BackoffLimitExceeded/);
    expect(await objectsOfPrefix('mfail')).toEqual([]);
  });

  it('rejects a Deployment whose pod keeps crashing, naming the pod, and leaves nothing', {
    timeout: 3 * DEADLINE_MS,
  }, async () => {
    const crashing = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec:
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - { name: main, image: ${TEST_IMAGE}, command: ["sh", "-c", "echo no config; exit 1"] }
`;
    await expect(startManifests(crashing, { namespacePrefix: 'mcrash' })).rejects.toThrow(
      /deployment\.apps\/broken: pod\/broken-\S+ will not become ready: .*container main keeps failing.*no config/s,
    );
    expect(await objectsOfPrefix('mcrash')).toEqual([]);
  });

  it('rejects a template whose image is not there before anything exists', async () => {
    const missing = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ghost }
spec:
  selector: { matchLabels: { app: ghost } }
  template:
    metadata: { labels: { app: ghost } }
    spec:
      containers:
        - { name: main, image: podrun-test/no-such-image:1, imagePullPolicy: Never }
`;
    await expect(startManifests(missing, { namespacePrefix: 'mghost' })).rejects.toThrow(
      /podrun-test\/no-such-image:1/,
    );
    expect(await objectsOfPrefix('mghost')).toEqual([]);
  });
});

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('the reaper and an environment', () => {
  it(
    'removes everything of a SIGKILLed process environment (workloads, their pods, Services)',
    async () => {
      const file = writeManifest('mreap', 'bundle', bundle());
      const child: ChildProcess = spawn(
        process.execPath,
        ['--import', tsx, 'test/helpers/manifests-child.ts', file],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const { namespace, owner } = await new Promise<{ namespace: string; owner: string }>(
        (resolve, reject) => {
          let output = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const match = /ready (\S+) (\S+)\n/.exec(output);
            if (match) resolve({ namespace: match[1]!, owner: match[2]! });
          });
          child.once('exit', (code) => {
            if (!/ready /.test(output)) reject(new Error(`child exited with ${code} before ready`));
          });
        },
      );
      expect(owner).not.toBe(ownerSession());
      const before = await listPodrunContainers({ [Labels.namespace]: namespace });
      // Holders (Deployment, ReplicaSet, Job), pods of both, the Service's proxy.
      expect(before.filter((c) => c.Labels[Labels.role] === 'workload').length).toBeGreaterThan(2);
      expect(before.every((c) => c.Labels[Labels.owner] === owner)).toBe(true);

      const killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await waitFor(
        'the reaper',
        async () => (await objectsOf(namespace)).length === 0,
        DEADLINE_MS,
      );
      console.log(
        `reaper: nothing of the environment left ${Date.now() - killedAt} ms after SIGKILL`,
      );
    },
    2 * DEADLINE_MS,
  );
});
