// `podrun up`: foreground apply + prefixed logs + exit with the pod's result, and a
// graceful stop and removal on SIGTERM or --abort-on-container-exit; with workloads,
// an exit once every Job is done, and a Deployment running until stopped.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPodRecord, listPodRecords } from '../src/pod/records.js';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace } from './helpers/pods.js';

const ns = testNamespace('up');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;
process.env.PODRUN_BACKOFF_BASE_MS = '300';

afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
});

function up(
  yaml: string,
  extra: string[] = [],
  onOutput?: (text: string, kill: () => void) => void,
  signal: NodeJS.Signals = 'SIGTERM',
) {
  const file = join(tmpdir(), `${ns}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const child = spawn('node', ['bin/podrun.js', 'up', '-f', file, '-n', ns, ...extra], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    onOutput?.(stdout, () => child.kill(signal));
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('podrun up', () => {
  it('streams prefixed logs and exits with the result of a run-to-completion pod', async () => {
    const result = await up(`apiVersion: v1
kind: Pod
metadata: { name: job }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
    - { name: prep, image: ${TEST_IMAGE}, command: [echo, prepared] }
  containers:
    - { name: work, image: ${TEST_IMAGE}, command: [sh, -c, 'sleep 0.5; echo done; exit 3'] }
`);
    expect(result.stdout).toMatch(/^\[job\/prep\] prepared$/m);
    expect(result.stdout).toMatch(/^\[job\/work\] done$/m);
    expect(result.code).toBe(1);
    expect(await findPodRecord(ns, 'job')).toBeUndefined();
  });

  it('stops gracefully and removes everything on SIGTERM', async () => {
    let killed = false;
    const result = await up(
      `apiVersion: v1
kind: Pod
metadata: { name: server }
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'trap "echo bye; exit 0" TERM; echo hello; while true; do sleep 0.1; done']
`,
      [],
      (text, kill) => {
        if (!killed && text.includes('hello')) {
          killed = true;
          kill();
        }
      },
    );
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/\[server\/app\] bye/);
    expect(await findPodRecord(ns, 'server')).toBeUndefined();
  });

  it('--abort-on-container-exit stops everything with the exit code of the first container to exit', async () => {
    const result = await up(
      `apiVersion: v1
kind: Pod
metadata: { name: pair }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: quick, image: ${TEST_IMAGE}, command: [sh, -c, 'sleep 0.5; exit 7'] }
    - { name: slow, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
      ['--abort-on-container-exit'],
    );
    expect(result.code).toBe(7);
    expect(await findPodRecord(ns, 'pair')).toBeUndefined();
  });

  it('exits 0 when every pod Succeeded, streaming the logs of restarted instances too', async () => {
    // Fails twice (restartPolicy OnFailure restarts it), then succeeds.
    const result = await up(`apiVersion: v1
kind: Pod
metadata: { name: retry }
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 1
  volumes: [{ name: state, emptyDir: {} }]
  containers:
    - name: work
      image: ${TEST_IMAGE}
      command: [sh, -c, 'n=$(($(cat /state/n 2>/dev/null || echo 0) + 1)); echo $n > /state/n; sleep 0.3; echo attempt-$n; [ $n -ge 3 ]']
      volumeMounts: [{ name: state, mountPath: /state }]
---
apiVersion: v1
kind: Pod
metadata: { name: quick }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
    - { name: once, image: ${TEST_IMAGE}, command: [echo, once] }
`);
    expect(result.stdout).toMatch(/^\[retry\/work\] attempt-1$/m);
    expect(result.stdout).toMatch(/^\[retry\/work\] attempt-2$/m);
    expect(result.stdout).toMatch(/^\[retry\/work\] attempt-3$/m);
    expect(result.stdout).toMatch(/^\[quick\/once\] once$/m);
    expect(result.code).toBe(0);
    expect(await findPodRecord(ns, 'retry')).toBeUndefined();
    expect(await findPodRecord(ns, 'quick')).toBeUndefined();
  });

  it('exits 130 on SIGINT (Ctrl-C), after stopping and removing the pods', async () => {
    let interrupted = false;
    const result = await up(
      `apiVersion: v1
kind: Pod
metadata: { name: interactive }
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'trap "echo stopping; exit 0" TERM; echo hello; while true; do sleep 0.1; done']
`,
      [],
      (text, kill) => {
        if (!interrupted && text.includes('hello')) {
          interrupted = true;
          kill();
        }
      },
      'SIGINT',
    );
    expect(result.stderr).toMatch(/SIGINT received: stopping the pods gracefully/);
    expect(result.stdout).toMatch(/\[interactive\/app\] stopping/);
    expect(result.code).toBe(130);
    expect(await findPodRecord(ns, 'interactive')).toBeUndefined();
  });

  it('with Jobs only: logs their pods, exits 0 once every Job is Complete, and removes them', async () => {
    const result = await up(`apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  completions: 2
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
        - { name: work, image: ${TEST_IMAGE}, command: [sh, -c, 'echo migrated'] }
`);
    expect(result.stderr).toContain('job.batch/migrate created');
    const lines = result.stdout.split('\n').filter((line) => line.endsWith('/work] migrated'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\[migrate-[a-z0-9]{5}\/work\] migrated$/);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('stopping job.batch/migrate');
    expect((await podrun(['get', 'job', 'migrate', '-n', ns])).code).not.toBe(0);
    expect((await listPodRecords({ namespace: ns })).map((r) => r.name)).toEqual([]);
  }, 90_000);

  it('exits 1 naming the reason when a Job fails', async () => {
    const result = await up(`apiVersion: batch/v1
kind: Job
metadata: { name: broken }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
        - { name: work, image: ${TEST_IMAGE}, command: [sh, -c, 'echo failing; exit 2'] }
`);
    expect(result.stdout).toMatch(/^\[broken-[a-z0-9]{5}\/work\] failing$/m);
    expect(result.stderr).toContain('job.batch/broken failed: BackoffLimitExceeded');
    expect(result.code).toBe(1);
    expect((await listPodRecords({ namespace: ns })).map((r) => r.name)).toEqual([]);
  }, 90_000);

  it('runs a Deployment until stopped, then removes it with its pods', async () => {
    let killed = false;
    const result = await up(
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: ${TEST_IMAGE}
          command: [sh, -c, 'echo serving; exec sleep 600']
`,
      [],
      (text, kill) => {
        if (!killed && text.split('serving').length > 2) {
          killed = true;
          kill();
        }
      },
    );
    expect(result.stdout.match(/^\[web-[a-z0-9]+-[a-z0-9]{5}\/app\] serving$/gm)).toHaveLength(2);
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('stopping deployment.apps/web');
    expect((await podrun(['get', 'deployment', 'web', '-n', ns])).code).not.toBe(0);
    expect((await listPodRecords({ namespace: ns })).map((r) => r.name)).toEqual([]);
  }, 90_000);
});
