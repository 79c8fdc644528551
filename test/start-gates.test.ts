// What holds a container back, or kills it, as it starts: a failing startupProbe
// kills the container and the restart policy applies; postStart httpGet and sleep
// handlers finish before the next container starts. Driven by an in-process
// supervisor scoped to this file's namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectContainer } from '../src/docker/containers.js';
import { Labels } from '../src/plan/labels.js';
import { podEvents } from '../src/pod/events.js';
import { findPodRecord } from '../src/pod/records.js';
import { cleanNamespace, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('gates');
let supervised: SupervisedNamespace;

beforeAll(async () => {
  supervised = await superviseNamespace(ns, 300);
});

afterAll(async () => {
  await supervised.stop();
  await cleanNamespace(ns);
});

const failingStartup = `      command: [sleep, '3600']
      startupProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 }
`;

describe('startupProbe failure', () => {
  it('kills the container and restartPolicy Always restarts it', async () => {
    await supervised.apply(`apiVersion: v1
kind: Pod
metadata: { name: never-starts }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
${failingStartup}`);
    const status = await waitFor(
      'a restart after the startup probe failed',
      async () => {
        const s = await supervised.status('never-starts');
        return s.restarts >= 1 && s;
      },
      30_000,
    );
    const app = status.containers.find((c) => c.name === 'app')!;
    // SIGKILL (grace 0) by the prober, not an exit of its own: sleep 3600 never ends.
    expect(app.lastState?.exitCode).toBe(137);
    // The supervisor writes its events to the pod's store a moment after they happen
    // (at most every 5 s): wait for the write, not for luck.
    const events = await waitFor(
      'the Killing event in the store',
      async () => {
        const list = await podEvents((await findPodRecord(ns, 'never-starts'))!);
        return (
          list.some((e) => e.message === 'Container app failed startup probe, will be restarted') &&
          list
        );
      },
      15_000,
    );
    expect(
      events.some((e) => e.reason === 'Unhealthy' && /Startup probe failed/.test(e.message)),
    ).toBe(true);
  });

  it('kills the container and, under restartPolicy Never, the pod fails', async () => {
    await supervised.apply(`apiVersion: v1
kind: Pod
metadata: { name: never-starts-once }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: ${TEST_IMAGE}
${failingStartup}`);
    const status = await waitFor(
      'the pod to fail',
      async () => {
        const s = await supervised.status('never-starts-once');
        return s.phase === 'Failed' && s;
      },
      30_000,
    );
    const app = status.containers.find((c) => c.name === 'app')!;
    expect(app).toMatchObject({ state: 'terminated', exitCode: 137, restarts: 0 });
  });
});

async function startedAt(pod: string, container: string): Promise<number> {
  const record = (await findPodRecord(ns, pod))!;
  const info = record.containers.find((c) => c.Labels[Labels.container] === container)!;
  const details = await inspectContainer(info.Id);
  return Date.parse(details!.State.StartedAt);
}

describe('postStart handlers hold back the next container', () => {
  it('sleep: the next init container starts only after the hook slept', async () => {
    await supervised.apply(`apiVersion: v1
kind: Pod
metadata: { name: hook-sleep }
spec:
  terminationGracePeriodSeconds: 0
  initContainers:
    - name: sidecar
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: [sleep, '3600']
      lifecycle: { postStart: { sleep: { seconds: 2 } } }
    - { name: next, image: ${TEST_IMAGE}, command: ['true'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`);
    await waitFor(
      'the pod to run',
      async () => (await supervised.status('hook-sleep')).status === 'Running',
    );
    // Engine timestamps: "next" started no earlier than 2 s after the sidecar.
    const gap =
      (await startedAt('hook-sleep', 'next')) - (await startedAt('hook-sleep', 'sidecar'));
    expect(gap).toBeGreaterThanOrEqual(2000);
  });

  it('httpGet: the request has been served before the next init container starts', async () => {
    // "web" serves a CGI that takes a second and then leaves a file in the shared
    // volume; "hooked" calls it from its postStart hook; "check" fails the pod
    // (restartPolicy Never) unless the file is already there when it starts.
    await supervised.apply(`apiVersion: v1
kind: Pod
metadata: { name: hook-http }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  volumes: [{ name: shared, emptyDir: {} }]
  initContainers:
    - name: web
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command:
        - sh
        - -c
        - |
          mkdir -p /www/cgi-bin
          printf '#!/bin/sh\\nsleep 1\\ntouch /shared/hooked\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\nok\\\\n"\\n' > /www/cgi-bin/hook
          chmod +x /www/cgi-bin/hook
          exec httpd -f -p 8080 -h /www
      startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 30 }
      volumeMounts: [{ name: shared, mountPath: /shared }]
    - name: hooked
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: [sleep, '3600']
      lifecycle: { postStart: { httpGet: { path: /cgi-bin/hook, port: 8080 } } }
    - name: check
      image: ${TEST_IMAGE}
      command: [sh, -c, 'test -f /shared/hooked']
      volumeMounts: [{ name: shared, mountPath: /shared }]
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`);
    const status = await waitFor(
      'the pod to run or fail',
      async () => {
        const s = await supervised.status('hook-http');
        return (s.status === 'Running' || s.phase === 'Failed') && s;
      },
      30_000,
    );
    expect(status.containers.find((c) => c.name === 'check')).toMatchObject({
      state: 'terminated',
      exitCode: 0,
    });
    expect(status.status).toBe('Running');
  });
});
