// testcontainers interop: a GenericContainer started inside a pod shares the pod's
// localhost, /dev/shm and (with shareProcessNamespace) PIDs, is reached from the host
// through the pod's published ports, and goes away with the pod. Also pins down which
// wait strategies work in a joined container.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

import { GenericContainer, Wait } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';
import { listPodrunContainers } from '../src/docker/containers.js';
import { startInPod, startPod } from '../src/index.js';
import { Labels } from '../src/plan/labels.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('tc');

afterAll(async () => {
  await cleanNamespace(ns);
});

const holder = (shareProcessNamespace: boolean) => `
apiVersion: v1
kind: Pod
metadata: { name: holder }
spec:
  shareProcessNamespace: ${shareProcessNamespace}
  terminationGracePeriodSeconds: 0
  volumes:
    - { name: scratch, emptyDir: {} }
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "echo from-pod > /dev/shm/token; mkdir -p /www; echo pod-web > /www/index.html; echo > /scratch/seen; exec httpd -f -p 8081 -h /www"]
      volumeMounts:
        - { name: scratch, mountPath: /scratch }
`;

const sleeper = () => new GenericContainer(TEST_IMAGE).withCommand(['sleep', '3600']);

describe('startInPod', () => {
  it('joins the pod: localhost, /dev/shm, volumes and PIDs are shared', async () => {
    await using pod = await startPod(holder(true), { namespace: ns });
    const tc = await startInPod(pod, sleeper(), {
      name: 'joiner',
      volumeMounts: [{ name: 'scratch', mountPath: '/mnt/scratch' }],
    });
    const run = async (command: string) => (await tc.exec(['sh', '-c', command])).output.trim();
    expect(await run('wget -q -O- http://localhost:8081/')).toBe('pod-web');
    expect(await run('cat /dev/shm/token')).toBe('from-pod');
    await tc.exec(['sh', '-c', 'echo from-joiner > /dev/shm/back']);
    expect((await pod.exec('main', 'cat /dev/shm/back')).stdout.trim()).toBe('from-joiner');
    expect(await run('ls /mnt/scratch')).toBe('seen');
    expect(await run('hostname')).toBe(pod.name);
    expect(await run('ps -o args')).toContain('httpd -f -p 8081');
    // podrun sees it as a container of the pod: exec and logs by name.
    expect((await pod.exec('joiner', 'echo hi')).stdout).toBe('hi\n');
    const labelled = await listPodrunContainers({ [Labels.pod]: pod.name });
    expect(labelled.map((c) => c.Labels[Labels.container])).toContain('joiner');
  });

  it('hostPort reaches a server in a joined container through the pause container', async () => {
    await using pod = await startPod(holder(false), { namespace: ns, publish: [8090] });
    await startInPod(
      pod,
      new GenericContainer(TEST_IMAGE)
        .withCommand([
          'sh',
          '-c',
          'mkdir -p /www && echo joined-web > /www/index.html && exec httpd -f -p 8090 -h /www',
        ])
        .withWaitStrategy(Wait.forSuccessfulCommand('wget -q -O- http://localhost:8090/')),
      { name: 'web' },
    );
    const response = await fetch(pod.url(8090));
    expect((await response.text()).trim()).toBe('joined-web');
    expect(pod.hostPort(8090, 'web').host).toBe('127.0.0.1');
    // A joiner's own separate PID namespace: it does not see the pod's processes here.
    expect((await pod.exec('web', 'ps -o args')).stdout).not.toContain('8081');
  });

  it('removes joiners with the pod, and refuses exposed ports', async () => {
    let name = '';
    {
      await using pod = await startPod(holder(false), { namespace: ns });
      name = pod.name;
      await startInPod(pod, sleeper(), { name: 'extra' });
      await expect(startInPod(pod, sleeper().withExposedPorts(80))).rejects.toThrow(
        /cannot expose ports/,
      );
    }
    expect(await listPodrunContainers({ [Labels.pod]: name })).toEqual([]);
  });

  it('wait strategies: log, health check, command and one-shot work; HTTP needs a mapped port', async () => {
    await using pod = await startPod(holder(false), { namespace: ns });
    const slowServer = (port: number) =>
      new GenericContainer(TEST_IMAGE).withCommand([
        'sh',
        '-c',
        `sleep 1; echo started; touch /tmp/ok; exec httpd -f -p ${port} -h /tmp`,
      ]);
    const timed = async (start: () => Promise<unknown>) => {
      const begin = Date.now();
      await start();
      return Date.now() - begin;
    };
    // Each of these really waits for the condition (about 1 s of sleep).
    expect(
      await timed(() =>
        startInPod(pod, slowServer(9001).withWaitStrategy(Wait.forLogMessage('started'))),
      ),
    ).toBeGreaterThanOrEqual(900);
    expect(
      await timed(() =>
        startInPod(
          pod,
          slowServer(9002)
            .withHealthCheck({
              test: ['CMD-SHELL', 'test -f /tmp/ok'],
              interval: 200,
              timeout: 1000,
              retries: 20,
            })
            .withWaitStrategy(Wait.forHealthCheck()),
        ),
      ),
    ).toBeGreaterThanOrEqual(900);
    expect(
      await timed(() =>
        startInPod(
          pod,
          slowServer(9003).withWaitStrategy(Wait.forSuccessfulCommand('test -f /tmp/ok')),
        ),
      ),
    ).toBeGreaterThanOrEqual(900);
    await startInPod(
      pod,
      new GenericContainer(TEST_IMAGE)
        .withCommand(['sh', '-c', 'sleep 1; exit 0'])
        .withWaitStrategy(Wait.forOneShotStartup()),
    );
    // The default (listening ports) has no ports to check in a joiner: no wait at all.
    // Shown by order, not by a stopwatch: this server cannot listen before the test
    // creates /tmp/go in it, which it can only do after startInPod has returned.
    const gated = await startInPod(
      pod,
      new GenericContainer(TEST_IMAGE).withCommand([
        'sh',
        '-c',
        'until [ -f /tmp/go ]; do sleep 0.1; done; touch /tmp/ok; exec httpd -f -p 9004 -h /tmp',
      ]),
    );
    expect((await pod.exec('main', 'wget -q -O- localhost:9004/ok')).exitCode).not.toBe(0);
    expect((await gated.exec(['touch', '/tmp/go'])).exitCode).toBe(0);
    const http = startInPod(
      pod,
      slowServer(9005).withWaitStrategy(Wait.forHttp('/', 9005).withStartupTimeout(1500)),
    );
    // It polls host:<mapped port>, and a joiner has none: "URL / not accessible".
    await expect(http).rejects.toThrow(/not accessible/);
    await waitFor(
      'the servers',
      async () => (await pod.exec('main', 'wget -q -O- localhost:9004/ok')).exitCode === 0,
    );
  });
});
