// `podrun wait` and `get -l ... -o jsonpath` (issue 13), through the CLI with a
// supervisor of this file's scope (it runs the readiness probes), and the
// readiness-gate and migration example scripts run with podrun in place of kubectl.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stopSupervisor } from '../src/supervisor/launch.js';
import {
  cleanNamespace,
  podrun,
  sleeperPod,
  testNamespace,
  writeManifest,
} from './helpers/pods.js';

const execFileAsync = promisify(execFile);
const ns = testNamespace('wait');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;

afterAll(async () => {
  await stopSupervisor();
  await cleanNamespace(ns);
});

describe('podrun wait', () => {
  it('runs the readiness-gate example: wait -l, then get -l -o jsonpath', async () => {
    // The example names busybox:1.35, which `npm run images` tags locally.
    const { stdout, stderr } = await execFileAsync('sh', ['examples/readiness-gate/gate.sh', ns], {
      env: { ...process.env, KUBECTL: 'node bin/podrun.js' },
      timeout: 120_000,
    });
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('pod/web-1 condition met');
    expect(lines).toContain('pod/web-2 condition met');
    expect(lines).toContain('pod/db created');
    expect(lines).not.toContain('pod/db condition met');
    expect(lines).toContain('first web pod: web-1');
    const ips = lines.filter((line) => /^web-\d \d+\.\d+\.\d+\.\d+$/.test(line));
    expect(ips.map((line) => line.split(' ')[0])).toEqual(['web-1', 'web-2']);
    // Both web pods are Ready now, as the wait said.
    const ready = await podrun([
      'get',
      'pods',
      '-l',
      'app=web',
      '-n',
      ns,
      '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}',
    ]);
    expect(ready.stdout).toBe('True True ');
  });

  it('runs the migration example: apply a Job, wait --for=condition=complete, logs job/x', async () => {
    const { stdout, stderr } = await execFileAsync('sh', ['examples/migration/migrate.sh', ns], {
      env: { ...process.env, KUBECTL: 'node bin/podrun.js' },
      timeout: 120_000,
    });
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'job.batch/migrator created',
        'job.batch/migrator condition met',
        'migrating to schema 42',
        'done',
        'job.batch "migrator" deleted',
        '',
      ].join('\n'),
    );
  });

  it("times out with kubectl's line on a pod that never gets Ready", async () => {
    const file = writeManifest(
      ns,
      'never',
      sleeperPod('never', {
        extra: '      readinessProbe: { exec: { command: ["false"] }, periodSeconds: 1 }\n',
      }),
    );
    expect((await podrun(['apply', '-f', file, '-n', ns])).code).toBe(0);
    const result = await podrun([
      'wait',
      '--for=condition=Ready',
      'pod/never',
      '-n',
      ns,
      '--timeout=2s',
    ]);
    expect(result.stderr).toBe('error: timed out waiting for the condition on pods/never\n');
    expect(result.code).toBe(1);
    // It is Running, though: a jsonpath wait for the phase is met.
    const phase = await podrun([
      'wait',
      '--for=jsonpath={.status.phase}=Running',
      'pod/never',
      '-n',
      ns,
      '--timeout=30s',
    ]);
    expect(phase).toMatchObject({ code: 0, stdout: 'pod/never condition met\n' });
    // Checked once with --timeout=0.
    const once = await podrun([
      'wait',
      '--for=condition=Ready',
      'pods',
      'never',
      '-n',
      ns,
      '--timeout=0',
    ]);
    expect(once.stderr).toBe('error: condition not met for pods/never\n');
  });

  it('waits for a delete, and counts a pod that is not there as deleted', async () => {
    const file = writeManifest(ns, 'doomed', sleeperPod('doomed'));
    expect((await podrun(['apply', '-f', file, '-n', ns])).code).toBe(0);
    const waiting = podrun(['wait', '--for=delete', 'pod/doomed', '-n', ns, '--timeout=60s']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await podrun(['delete', 'pod', 'doomed', '-n', ns])).code).toBe(0);
    expect(await waiting).toMatchObject({ code: 0, stdout: 'pod/doomed condition met\n' });
    const gone = await podrun(['wait', '--for=delete', 'pod/doomed', '-n', ns, '--timeout=5s']);
    expect(gone).toMatchObject({ code: 0, stdout: 'pod/doomed condition met\n' });
  });

  it('fails at once on what cannot be waited for', async () => {
    const missing = await podrun(['wait', '--for=condition=Ready', 'pod/nope', '-n', ns]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: `error: pods "nope" not found in namespace ${ns}\n`,
    });
    const none = await podrun([
      'wait',
      '--for=condition=Ready',
      'pods',
      '-l',
      'app=nothing',
      '-n',
      ns,
    ]);
    expect(none).toMatchObject({ code: 1, stderr: 'error: no matching resources found\n' });
    const bad = await podrun(['wait', '--for=ready', 'pod/x', '-n', ns]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: unrecognized condition: "ready" .*\n$/);
    const selector = await podrun(['get', 'pods', '-l', 'app in web', '-n', ns]);
    expect(selector.code).toBe(1);
    expect(selector.stderr).toMatch(/^error: unable to parse selector "app in web": .*\n$/);
  });

  it('takes -l on logs, describe and delete too', async () => {
    const talker = (name: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, labels: { role: talker } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: busybox:1.35, command: [sh, -c, 'echo hi from ${name}; exec sleep 3600'] }
`;
    const file = writeManifest(ns, 'talkers', `${talker('talk-a')}---\n${talker('talk-b')}`);
    expect((await podrun(['apply', '-f', file, '-n', ns, '--wait=60s'])).code).toBe(0);
    const logs = await podrun(['logs', '-l', 'role=talker', '--prefix', '-n', ns]);
    expect(logs).toMatchObject({
      code: 0,
      stdout: '[pod/talk-a/app] hi from talk-a\n[pod/talk-b/app] hi from talk-b\n',
    });
    const described = await podrun(['describe', 'pods', '-l', 'role=talker', '-n', ns]);
    expect(described.code).toBe(0);
    // One description per pod, in name order, a blank line between them.
    expect(described.stdout.match(/^Name: +\S+$/gm)).toEqual([
      'Name:             talk-a',
      'Name:             talk-b',
    ]);
    expect(described.stdout).toMatch(/\n\nName: +talk-b\n/);
    const deleted = await podrun(['delete', 'pods', '-l', 'role in (talker)', '-n', ns]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'pod "talk-a" deleted',
      'pod "talk-b" deleted',
    ]);
    const left = await podrun(['get', 'pods', '-l', 'role=talker', '-n', ns]);
    expect(left.stderr).toBe(`No resources found in ${ns} namespace.\n`);
    // The web pods of the first test were not selected.
    const web = await podrun(['get', 'pods', '-l', 'app=web', '-n', ns, '-o', 'name']);
    expect(web.stdout).toBe('pod/web-1\npod/web-2\n');
  });
});
