// `podrun apply --wait`: exit 0 once every pod is Ready or Succeeded, otherwise a
// non-zero exit with the reason: a failed init container, a Failed pod, the timeout.
// (CrashLoopBackOff is covered in supervisor.test.ts.) Through the CLI, with a
// supervisor of this file's own scope.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopSupervisor } from '../src/supervisor/launch.js';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace } from './helpers/pods.js';

const ns = testNamespace('await');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;
process.env.PODRUN_BACKOFF_BASE_MS = '300';

afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
});

function applyWait(name: string, body: string, wait = '--wait=60s') {
  const file = join(tmpdir(), `${ns}-${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 0
${body}`,
  );
  return podrun(['apply', '-f', file, '-n', ns, wait]);
}

describe('apply --wait', () => {
  it('exits 0 when a run-to-completion pod Succeeded', async () => {
    // Never Ready while it runs (a running pod is Ready, and --wait would stop there,
    // as early as the machine is fast): the wait ends on Succeeded.
    const result = await applyWait(
      'done',
      `  restartPolicy: Never
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'sleep 0.3; echo finished']
      readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 }
`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pod\/done created$/m);
    expect(result.stdout).toMatch(/^pod\/done succeeded$/m);
  });

  it('fails with the exit code and log lines of a Failed pod', async () => {
    const result = await applyWait(
      'failed',
      `  restartPolicy: Never
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sh, -c, 'echo going-down; exit 3'] }
`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /pod\/failed will not become ready: pod failed \(Error\): container app exited with code 3 \(Error\); last log lines:\n.*going-down/,
    );
  });

  it('fails when an init container failed (restartPolicy Never: Init:Error)', async () => {
    const result = await applyWait(
      'initfail',
      `  restartPolicy: Never
  initContainers:
    - { name: setup, image: ${TEST_IMAGE}, command: [sh, -c, 'exit 4'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /init container setup exited with code 4; app containers not started/,
    );
    expect(result.stderr).toMatch(
      /pod\/initfail will not become ready: pod failed \(Init:Error\): container setup exited with code 4 \(Error\)/,
    );
  });

  it('fails when an init container keeps failing (Init:CrashLoopBackOff)', async () => {
    const result = await applyWait(
      'initloop',
      `  restartPolicy: Always
  initContainers:
    - { name: setup, image: ${TEST_IMAGE}, command: [sh, -c, 'echo not-yet; exit 5'] }
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /pod\/initloop will not become ready: Init:CrashLoopBackOff: container setup keeps failing \(last exit code 5, Error\)/,
    );
  });

  it('keeps waiting while a failed init container is retried (restartPolicy Always), exits 0 once Ready', async () => {
    const result = await applyWait(
      'initonce',
      `  restartPolicy: Always
  volumes: [{ name: state, emptyDir: {} }]
  initContainers:
    - name: setup
      image: ${TEST_IMAGE}
      command: [sh, -c, 'test -f /state/tried && exit 0; touch /state/tried; exit 1']
      volumeMounts: [{ name: state, mountPath: /state }]
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '600'] }
`,
    );
    expect(result.stderr).toMatch(/init container setup exited with code 1/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pod\/initonce ready$/m);
  });

  it('fails after the timeout when a pod never becomes ready', async () => {
    const result = await applyWait(
      'never-ready',
      `  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sleep, '600']
      readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 }
`,
      '--wait=2s',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /timed out after 2s waiting for pod\/never-ready \(Running, 0\/1 ready\)/,
    );
  });
});
