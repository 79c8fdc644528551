// logs and exec the way kubectl users reach for them: --previous after a restart,
// --timestamps, --since, -f streaming, exec -i with stdin; get across namespaces.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartContainerByName } from '../src/pod/restart-container.js';
import {
  applyYaml,
  cleanNamespace,
  podrun,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const ns = testNamespace('logs');

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: talker
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "echo started-$(hostname)-$RANDOM; i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.2; done"]
`;

beforeAll(async () => {
  await applyYaml(pod, ns);
});

afterAll(async () => {
  await cleanNamespace(ns);
});

describe('podrun logs', () => {
  it('--timestamps prefixes RFC 3339 times and --since filters by age', async () => {
    await waitFor('a few lines', async () =>
      (await podrun(['logs', 'talker', '-n', ns])).stdout.includes('line-2'),
    );
    const stamped = await podrun(['logs', 'talker', '-n', ns, '--timestamps', '--tail', '1']);
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line-\d+\n$/);
    const recent = await podrun(['logs', 'talker', '-n', ns, '--since', '1h']);
    expect(recent.stdout).toContain('started-talker');
    const bad = await podrun(['logs', 'talker', '-n', ns, '--since', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: invalid duration "soon" (use e.g. 10s, 5m, 1h)\n');
  });

  it('-f streams new lines until interrupted', async () => {
    const child = spawn('node', ['bin/podrun.js', 'logs', 'talker', '-n', ns, '-f', '--tail', '0']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor('streamed lines', async () => (out.match(/line-\d+/g)?.length ?? 0) >= 3);
    child.kill('SIGINT');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(out).not.toContain('started-talker');
  });

  it('--previous shows the instance before a restart', async () => {
    const before = (await podrun(['logs', 'talker', '-n', ns])).stdout.split('\n')[0];
    expect(before).toMatch(/^started-talker-\d+$/);
    await restartContainerByName(ns, 'talker', 'main');
    const previous = await podrun(['logs', 'talker', '-n', ns, '--previous']);
    expect(previous.stdout.split('\n')[0]).toBe(before);
    const current = await waitFor('new instance output', async () => {
      const out = (await podrun(['logs', 'talker', '-n', ns])).stdout;
      return out.startsWith('started-') ? out : undefined;
    });
    expect(current.split('\n')[0]).not.toBe(before);
  });
});

describe('podrun exec and get', () => {
  it('exec -i passes stdin to the command', async () => {
    const result = await podrun(
      ['exec', '-i', 'talker', '-n', ns, '--', 'sh', '-c', 'tr a-z A-Z'],
      'shout this\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('SHOUT THIS\n');
  });

  it('get -A lists the namespace column and -o yaml a v1 List', async () => {
    const all = await podrun(['get', 'pods', '-A']);
    expect(all.stdout.split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    );
    expect(all.stdout).toMatch(new RegExp(`^${ns}\\s+talker\\s+1/1\\s+Running\\s+`, 'm'));
    const yaml = await podrun(['get', 'pods', '-n', ns, '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^apiVersion: v1\nkind: List\nitems:\n/);
    expect(yaml.stdout).toContain('phase: Running');
  });

  it('--log-level debug logs every Docker call with its duration; json format on request', async () => {
    const result = await podrun([
      'get',
      'pods',
      '-n',
      ns,
      '--log-level',
      'debug',
      '--log-format',
      'json',
    ]);
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; ms: number });
    expect(
      lines.some((line) => line.msg === 'list containers' && typeof line.ms === 'number'),
    ).toBe(true);
  });
});
