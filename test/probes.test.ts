// Probes and hooks against the real engine: httpGet and tcpSocket run through the
// pause binary's prober inside the pod's network namespace (the test image's
// busybox would have wget, but nothing here relies on it), exec in the container.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePodRecord } from '../src/pod/delete-pod.js';
import { podEvents } from '../src/pod/events.js';
import { findPodRecord } from '../src/pod/records.js';
import { waitForPod } from '../src/pod/wait.js';
import { supervisorProbes } from '../src/supervisor/client.js';
import { EngineTracker, engineEvents } from './helpers/engine.js';
import { cleanNamespace, sh, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';
import { buildTlsServerImage, buildUpstreamStylePause } from './helpers/probe-images.js';
import { recordingHttpd } from './helpers/probe-server.js';
import { type SupervisedNamespace, superviseNamespace } from './helpers/supervised.js';

const ns = testNamespace('probes');
let supervised: SupervisedNamespace;
const apply: SupervisedNamespace['apply'] = (yaml, options) => supervised.apply(yaml, options);
const status = (name: string) => supervised.status(name);
const hostDir = mkdtempSync(join(tmpdir(), 'podrun-probes-'));

beforeAll(async () => {
  supervised = await superviseNamespace(ns, 300);
});

afterAll(async () => {
  await supervised.stop();
  await cleanNamespace(ns);
  rmSync(hostDir, { recursive: true, force: true });
});

describe('readiness', () => {
  it('httpGet with a named port and headers gates Ready; failing readiness only unreadies', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: ${TEST_IMAGE}
      command: [sh, -c, ${JSON.stringify(recordingHttpd(8080, 1))}]
      ports: [{ name: http, containerPort: 8080 }]
      readinessProbe:
        httpGet: { path: /cgi-bin/probe, port: http, httpHeaders: [{ name: X-Probe, value: podrun }] }
        periodSeconds: 1
        failureThreshold: 1
`);
    expect((await status('web')).ready).toBe(0);
    await waitForPod(ns, 'web', { timeoutMs: 15_000, probes: supervisorProbes });
    // The header arrived, and the probe came from inside the pod (podrun's prober in
    // the pause container's network namespace), not from the host.
    const requests = (await sh(ns, 'web', 'web', 'cat /www/requests')).split('\n');
    expect(requests.length).toBeGreaterThan(0);
    for (const line of requests) expect(line).toMatch(/^podrun \S*127\.0\.0\.1\S* /);
    await sh(ns, 'web', 'web', 'rm /www/ready');
    await waitFor('not ready', async () => (await status('web')).ready === 0, 10_000);
    const s = await status('web');
    expect(s.restarts).toBe(0);
    expect(s.status).toBe('Running');
    expect(s.containers[0]?.state).toBe('running');
  });
});

describe('without the prober: a pause image like the upstream one, and HTTPS', () => {
  const engine = new EngineTracker('probes.test');
  afterAll(() => engine.cleanup());

  it('httpGet falls back to connecting from the host to the pod IP', async () => {
    const pauseImage = await buildUpstreamStylePause(engine);
    await apply(
      `
apiVersion: v1
kind: Pod
metadata: { name: upstream }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: ${TEST_IMAGE}
      command: [sh, -c, ${JSON.stringify(recordingHttpd(8080))}]
      readinessProbe:
        httpGet: { path: /cgi-bin/probe, port: 8080, httpHeaders: [{ name: X-Probe, value: host }] }
        periodSeconds: 1
        failureThreshold: 1
`,
      { pauseImage },
    );
    const record = (await findPodRecord(ns, 'upstream'))!;
    expect(record.sandbox?.Image).toBe(pauseImage);
    await waitForPod(ns, 'upstream', { timeoutMs: 20_000, probes: supervisorProbes });
    // Every request came from outside the pod (the host's address on the pod
    // network), none from 127.0.0.1: this pause could not have run the probe.
    const requests = (await sh(ns, 'upstream', 'web', 'cat /www/requests')).split('\n');
    expect(requests.length).toBeGreaterThan(0);
    for (const line of requests) {
      expect(line).toMatch(/^host \S+ kube-probe\/podrun$/);
      expect(line).not.toMatch(/127\.0\.0\.1/);
    }
  });

  it('an HTTPS httpGet probe reaches a TLS server in the pod', async () => {
    const tlsImage = await buildTlsServerImage(engine);
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: tls }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: tls
      image: ${tlsImage}
      args: ['8443']
      readinessProbe:
        httpGet: { path: /, port: 8443, scheme: HTTPS }
        periodSeconds: 1
        failureThreshold: 1
    - name: ctl
      image: ${TEST_IMAGE}
      command: [sleep, '600']
`);
    await waitForPod(ns, 'tls', { timeoutMs: 20_000, probes: supervisorProbes });
    expect((await status('tls')).ready).toBe(2);
  });
});

describe('liveness and startup', () => {
  it('restarts a container whose tcpSocket liveness probe fails', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: deaf }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 2 }
`);
    await waitFor('a restart', async () => (await status('deaf')).restarts >= 1, 20_000);
    const record = await findPodRecord(ns, 'deaf');
    const live = [supervised.supervisor.store.live(ns, 'deaf')];
    const events = await podEvents(record!, { live });
    const messages = events.map((e) => `${e.reason}: ${e.message}`);
    expect(
      messages.some((m) => /Unhealthy: Liveness probe failed: connect 127.0.0.1:9999/.test(m)),
    ).toBe(true);
    expect(messages.some((m) => /Killing: Container app failed liveness probe/.test(m))).toBe(true);
  });

  it('holds liveness and readiness until the startup probe passes', async () => {
    // Each probe appends its name to one file: the order of the lines is the order
    // the probes ran in (no clocks). Startup fails until /tmp/up exists, which the
    // app makes once a startup probe has failed (however late probing began). A long
    // timeout: on a busy machine an exec can outlast the default 1 s, and a
    // startup-ok that timed out counts as a failure (as in Kubernetes), so it runs again.
    const probe = (line: string) => JSON.stringify(['sh', '-c', `echo ${line} >> /tmp/probes`]);
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: slow }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'until grep -q startup-fail /tmp/probes 2>/dev/null; do sleep 0.2; done; sleep 1; touch /tmp/up; exec sleep 600']
      startupProbe:
        exec: { command: [sh, -c, 'if [ -f /tmp/up ]; then echo startup-ok >> /tmp/probes; else echo startup-fail >> /tmp/probes; exit 1; fi'] }
        periodSeconds: 1
        failureThreshold: 10
        timeoutSeconds: 10
      livenessProbe: { exec: { command: ${probe('liveness')} }, periodSeconds: 1, timeoutSeconds: 10 }
      readinessProbe: { exec: { command: ${probe('readiness')} }, periodSeconds: 1, timeoutSeconds: 10 }
`);
    const lines = await waitFor(
      'liveness and readiness ran',
      async () => {
        const now = (await sh(ns, 'slow', 'app', 'cat /tmp/probes')).split('\n');
        return now.includes('liveness') && now.includes('readiness') && now;
      },
      20_000,
    );
    const passed = lines.indexOf('startup-ok');
    expect(lines.slice(0, passed).length).toBeGreaterThan(0);
    expect(new Set(lines.slice(0, passed))).toEqual(new Set(['startup-fail']));
    // After the startup probe passed it never runs again; before it, nothing else ran.
    expect(lines.slice(passed + 1).filter((line) => line.startsWith('startup'))).toEqual([]);
    expect(lines.indexOf('liveness')).toBeGreaterThan(passed);
    expect(lines.indexOf('readiness')).toBeGreaterThan(passed);
    await waitForPod(ns, 'slow', { timeoutMs: 10_000, probes: supervisorProbes });
    expect((await status('slow')).containers[0]?.started).toBe(true);
    const events = await podEvents((await findPodRecord(ns, 'slow'))!);
    const said = events.map((e) => `${e.reason}: ${e.message}`).join('; ');
    expect((await status('slow')).restarts, said).toBe(0);
  });
});

describe('hooks and sidecars', () => {
  it('starts the next init container only after a sidecar started (postStart, startupProbe)', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: sidecar }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  volumes: [{ name: data, emptyDir: {} }]
  initContainers:
    - name: proxy
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: [sh, -c, 'sleep 1; exec httpd -f -p 9000 -h /data']
      volumeMounts: [{ name: data, mountPath: /data }]
      lifecycle:
        postStart: { exec: { command: [sh, -c, 'sleep 0.5; echo poststart > /data/hook'] } }
      startupProbe: { tcpSocket: { port: 9000 }, periodSeconds: 1, failureThreshold: 10 }
    - name: check
      image: ${TEST_IMAGE}
      command: [wget, -q, -O-, 'http://127.0.0.1:9000/hook']
      volumeMounts: [{ name: data, mountPath: /data }]
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
`);
    const s = await status('sidecar');
    expect(s.containers.find((c) => c.name === 'check')).toMatchObject({ exitCode: 0 });
    expect(s.status).toBe('Running');
  });

  it('kills a container whose postStart hook fails', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: badhook }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      lifecycle: { postStart: { exec: { command: [sh, -c, 'exit 1'] } } }
`);
    await waitFor('a restart', async () => (await status('badhook')).restarts >= 1, 15_000);
    await waitFor('FailedPostStartHook', async () => {
      // The supervisor's newest events, as describe gets them over its socket.
      const live = [supervised.supervisor.store.live(ns, 'badhook')];
      const events = await podEvents((await findPodRecord(ns, 'badhook'))!, { live });
      return events.some((e) => e.reason === 'FailedPostStartHook');
    });
  });

  it('runs preStop inside the grace period, apps before sidecars, then SIGTERM', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: stopper }
spec:
  terminationGracePeriodSeconds: 5
  volumes: [{ name: out, hostPath: { path: ${hostDir}, type: Directory } }]
  initContainers:
    - name: side
      image: ${TEST_IMAGE}
      restartPolicy: Always
      command: [sh, -c, 'trap "echo side-term >> /out/log; exit 0" TERM; while true; do sleep 0.1; done']
      volumeMounts: [{ name: out, mountPath: /out }]
      lifecycle: { preStop: { exec: { command: [sh, -c, 'echo side-prestop >> /out/log'] } } }
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'trap "echo app-term >> /out/log; exit 0" TERM; while true; do sleep 0.1; done']
      volumeMounts: [{ name: out, mountPath: /out }]
      lifecycle: { preStop: { exec: { command: [sh, -c, 'echo app-prestop >> /out/log'] } } }
`);
    const record = await findPodRecord(ns, 'stopper');
    const since = Date.now();
    await deletePodRecord(record!);
    // Both containers ended by their TERM trap (exit 0), none by SIGKILL at the end
    // of the grace period (137): the engine's die events say so, not a stopwatch.
    const died = await engineEvents(since - 1000, Date.now() + 1000, {
      type: ['container'],
      event: ['die'],
      label: [`io.podrun.namespace=${ns}`, 'io.podrun.pod=stopper'],
    });
    const exits = new Map(
      died.map((e) => [e.Actor.Attributes['io.podrun.container'], e.Actor.Attributes.exitCode]),
    );
    expect(exits.get('app')).toBe('0');
    expect(exits.get('side')).toBe('0');
    expect(readFileSync(join(hostDir, 'log'), 'utf8').trim().split('\n')).toEqual([
      'app-prestop',
      'app-term',
      'side-prestop',
      'side-term',
    ]);
  });
});
