// The library API as a test suite uses it: pods from a file, YAML or typed objects,
// unique names for parallel starts, host ports, exec/logs/events/restart, and
// `await using` disposal even when the test body throws.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { listPodrunVolumes } from '../src/docker/volumes.js';
import { startPod, startPods } from '../src/index.js';
import { Labels } from '../src/plan/labels.js';
import { findPodRecord } from '../src/pod/records.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('lib');

afterAll(async () => {
  await cleanNamespace(ns);
});

async function leftovers(pod: string): Promise<number> {
  const containers = await listPodrunContainers({ [Labels.namespace]: ns, [Labels.pod]: pod });
  const volumes = await listPodrunVolumes({ [Labels.namespace]: ns, [Labels.pod]: pod });
  return containers.length + volumes.length;
}

// A library start without a supervisor waits for Running, not for the server in
// the container to listen (nothing probes it): the first request after a start or
// restart retries until the server answers, with no bound on how fast that is.
async function fetchText(url: string): Promise<string> {
  return waitFor(
    `an answer from ${url}`,
    async () => {
      const response = await fetch(url);
      return response.ok && (await response.text()).trim();
    },
    30_000,
  );
}

const server: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'typed' },
  spec: {
    terminationGracePeriodSeconds: 0,
    volumes: [{ name: 'scratch', emptyDir: {} }],
    containers: [
      {
        name: 'web',
        image: TEST_IMAGE,
        command: [
          'sh',
          '-c',
          'mkdir -p /www && echo typed-ok > /www/index.html && exec httpd -f -p 8080 -h /www',
        ],
        ports: [{ containerPort: 8080 }],
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      },
    ],
  },
};

describe('startPod', () => {
  it('parallel starts of one manifest get their own pods and host ports', async () => {
    const pods = await Promise.all(
      [1, 2, 3].map(() => startPod('examples/localhost-pair.yaml', { namespace: ns })),
    );
    try {
      expect(new Set(pods.map((pod) => pod.name)).size).toBe(3);
      for (const pod of pods) expect(pod.name).toMatch(/^pair-[0-9a-f]{6}$/);
      const ports = pods.map((pod) => pod.hostPort(9000, 'server').port);
      expect(new Set(ports).size).toBe(3);
      for (const pod of pods) expect(await fetchText(pod.url(9000, '/ping'))).toBe('pong');
    } finally {
      await Promise.all(pods.map((pod) => pod.delete()));
    }
    for (const pod of pods) expect(await leftovers(pod.name)).toBe(0);
  });

  it('starts a typed Pod object; exec, logs, events, restart and the pod IP work', async () => {
    await using pod = await startPod(server, { namespace: ns });
    expect(pod.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await fetchText(pod.url(8080))).toBe('typed-ok');

    const ok = await pod.exec('web', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(ok).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await pod.exec('web', 'hostname')).stdout.trim()).toBe(pod.name);

    await pod.exec('web', 'touch /scratch/kept /tmp/lost');
    const before = await pod.containerId('web');
    await pod.restart('web');
    expect(await pod.containerId('web')).not.toBe(before);
    expect((await pod.exec('web', 'ls /scratch /tmp')).stdout).toContain('kept');
    expect((await pod.exec('web', 'ls /tmp')).stdout).not.toContain('lost');
    expect(await fetchText(pod.url(8080))).toBe('typed-ok');

    const reasons = (await pod.events()).map((event) => `${event.reason} ${event.object}`);
    expect(reasons).toContain('Started spec.containers{web}');
    expect(reasons).toContain('Killing spec.containers{web}');
    expect((await pod.status()).restarts).toBe(1);
  });

  it('reads logs from a YAML string, the previous instance too', async () => {
    await using pod = await startPod(
      `apiVersion: v1
kind: Pod
metadata: { name: talker }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: talk
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "echo hello-out; echo hello-err >&2; exec sleep 3600"]
`,
      { namespace: ns },
    );
    const expectLogs = async () => {
      for (let i = 0; i < 50; i++) {
        const text = await pod.logs('talk');
        if (text.includes('hello-err')) return text;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return pod.logs('talk');
    };
    // stdout and stderr are separate pipes: their relative order is not guaranteed.
    expect((await expectLogs()).split('\n').sort()).toEqual(['', 'hello-err', 'hello-out']);
    await pod.restart('talk');
    expect(await pod.logs('talk', { previous: true })).toContain('hello-out');
  });

  it('await using removes the pod and its volumes when the test body throws', async () => {
    let name = '';
    const body = async () => {
      await using pod = await startPod(server, { namespace: ns });
      name = pod.name;
      expect(await leftovers(name)).toBeGreaterThan(0);
      throw new Error('test failed on purpose');
    };
    await expect(body()).rejects.toThrow('test failed on purpose');
    expect(await findPodRecord(ns, name)).toBeUndefined();
    expect(await leftovers(name)).toBe(0);
  });

  it('a pod that cannot become ready fails the start and leaves nothing', async () => {
    const failing = structuredClone(server);
    failing.metadata = { name: 'broken' };
    failing.spec!.restartPolicy = 'Never';
    failing.spec!.initContainers = [
      { name: 'setup', image: TEST_IMAGE, command: ['sh', '-c', 'exit 4'] },
    ];
    await expect(startPod(failing, { namespace: ns, nameSuffix: '-x1' })).rejects.toThrow(
      /will not become ready/,
    );
    expect(await leftovers('broken-x1')).toBe(0);
  });

  it('startPods starts every pod of a manifest with its claim, suffixed', async () => {
    await using group = await startPods('examples/persistent-claim.yaml', { namespace: ns });
    const counter = group.get('counter');
    // Running is not "has logged yet": wait for the first line, then check it.
    const logged = await waitFor('the counter log', async () =>
      (await counter.logs('counter')).trim(),
    );
    expect(logged).toBe('this pod has started 1 time(s)');
    const claims = await listPodrunVolumes({ [Labels.namespace]: ns, [Labels.role]: 'pvc' });
    expect(claims.map((v) => v.Name)).toContain(
      `podrun-pvc_${ns}_visits${counter.name.slice('counter'.length)}`,
    );
  });
});
