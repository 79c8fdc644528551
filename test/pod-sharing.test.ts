// One pod = one network identity, one IPC namespace and shared volumes. Each test
// here checks one of those claims against the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContainer } from '../src/docker/containers.js';
import { findPodRecord } from '../src/pod/records.js';
import { restartContainerByName } from '../src/pod/restart-container.js';
import {
  applyYaml,
  cleanNamespace,
  execInPod,
  sh,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('share');

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: duo
spec:
  terminationGracePeriodSeconds: 1
  volumes:
    - name: shared
      emptyDir: {}
  containers:
    - name: server
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "mkdir -p /www; echo hello-from-server > /www/index.html; httpd -f -p 8080 -h /www & podtool unix-serve /shared/app.sock & i=0; while true; do i=$((i+1)); echo $i > /shared/heartbeat; sleep 0.2; done"]
      volumeMounts:
        - { name: shared, mountPath: /shared }
    - name: client
      image: ${TEST_IMAGE}
      command: ["sleep", "3600"]
      volumeMounts:
        - { name: shared, mountPath: /shared }
`;

beforeAll(async () => {
  await applyYaml(pod, ns);
});

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('containers of one pod', () => {
  it("see the same IP and hostname, and the IP is the sandbox container's", async () => {
    const record = await findPodRecord(ns, 'duo');
    const sandbox = await inspectContainer(record!.sandbox!.Id);
    const sandboxIP = Object.values(sandbox!.NetworkSettings.Networks)[0]!.IPAddress;
    expect(sandboxIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const ipScript = "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1";
    expect(await sh(ns, 'duo', 'server', ipScript)).toBe(sandboxIP);
    expect(await sh(ns, 'duo', 'client', ipScript)).toBe(sandboxIP);
    expect(await sh(ns, 'duo', 'server', 'hostname')).toBe('duo');
    expect(await sh(ns, 'duo', 'client', 'hostname')).toBe('duo');
  });

  it('talk TCP over localhost', async () => {
    const body = await waitFor('httpd on localhost:8080', async () =>
      sh(ns, 'duo', 'client', 'wget -q -O - http://localhost:8080/index.html'),
    );
    expect(body).toBe('hello-from-server');
  });

  it('talk over a unix domain socket in a shared emptyDir', async () => {
    const reply = await waitFor('unix socket server', async () =>
      sh(ns, 'duo', 'client', 'podtool unix-request /shared/app.sock ping'),
    );
    expect(reply).toContain('ping');
  });

  it('share System V shared memory and message queues', async () => {
    await sh(ns, 'duo', 'server', 'podtool shm-create 4242 4096');
    expect((await execInPod(ns, 'duo', 'client', ['podtool', 'shm-read', '4242'])).exitCode).toBe(
      0,
    );
    await sh(ns, 'duo', 'server', 'podtool msg-send 4343 across-containers');
    const received = await execInPod(ns, 'duo', 'client', ['podtool', 'msg-recv', '4343']);
    expect(received.exitCode).toBe(0);
    expect(received.stdout).toContain('across-containers');
  });

  it('share POSIX shared memory in /dev/shm (64 MiB tmpfs)', async () => {
    await sh(ns, 'duo', 'server', 'echo shm-payload > /dev/shm/podrun-test');
    expect(await sh(ns, 'duo', 'client', 'cat /dev/shm/podrun-test')).toBe('shm-payload');
    const size = await sh(ns, 'duo', 'client', "df -k /dev/shm | tail -1 | awk '{print $2}'");
    expect(Number(size)).toBe(65536);
  });

  it('share emptyDir files that survive a container restart with a fresh root filesystem', async () => {
    const before = await waitFor('heartbeat file', async () =>
      sh(ns, 'duo', 'client', 'cat /shared/heartbeat'),
    );
    await sh(ns, 'duo', 'client', 'echo from-client > /shared/note; echo scratch > /root-marker');
    await restartContainerByName(ns, 'duo', 'client');
    const record = await findPodRecord(ns, 'duo');
    const client = record!.containers.find((c) => c.Labels['io.podrun.container'] === 'client');
    expect(client!.Labels['io.podrun.attempt']).toBe('1');
    expect(await sh(ns, 'duo', 'client', 'cat /shared/note')).toBe('from-client');
    expect((await execInPod(ns, 'duo', 'client', ['cat', '/root-marker'])).exitCode).not.toBe(0);
    // The writer sidecar keeps writing; the restarted reader sees newer content.
    const after = await waitFor('newer heartbeat', async () => {
      const value = await sh(ns, 'duo', 'client', 'cat /shared/heartbeat');
      return value !== before ? value : undefined;
    });
    expect(Number(after)).toBeGreaterThan(Number(before));
  });
});
