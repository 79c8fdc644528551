// README usage flags and knobs no other file pins: `exec -t` (a TTY only when stdin is
// one, as kubectl), `delete --grace-period`, `supervisor start` when none runs,
// `PODRUN_NO_BUNDLE=1` (the CLI runs from the tsc output) and
// `PODRUN_APPLY_CONCURRENCY` (how many pods of one apply start at once). What the
// engine did is read from its own events, by engine timestamps.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findPodRecord } from '../src/pod/records.js';
import { supervisorPaths } from '../src/supervisor/paths.js';
import { askSupervisor, type SupervisorStatus } from '../src/supervisor/protocol.js';
import { type ContainerEvent, namespaceEvents } from './helpers/events.js';
import {
  applyYaml,
  cleanNamespace,
  podrun,
  sleeperPod,
  TEST_IMAGE,
  testNamespace,
  waitFor,
} from './helpers/pods.js';

const run = promisify(execFile);
const ns = testNamespace('flags');
process.env.PODRUN_SUPERVISOR_SCOPE = ns;
const temps: string[] = [];

afterAll(async () => {
  await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: ns });
  await podrun(['supervisor', 'stop'], undefined, { PODRUN_SUPERVISOR_SCOPE: `${ns}-start` });
  await cleanNamespace(ns);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), `${ns}-`));
  temps.push(dir);
  return dir;
}

function statusOf(scope: string): Promise<SupervisorStatus | undefined> {
  const { socket } = supervisorPaths({ ...process.env, PODRUN_SUPERVISOR_SCOPE: scope });
  return askSupervisor<SupervisorStatus>({ op: 'status' }, { socket, timeoutMs: 1500 });
}

describe('podrun exec -t', () => {
  it('allocates a TTY when stdin is a terminal, and runs without one when it is not', async () => {
    await applyYaml(sleeperPod('tty'), ns);
    const probe = [
      'exec',
      'tty',
      '-n',
      ns,
      '-t',
      '--',
      'sh',
      '-c',
      '[ -t 1 ] && echo tty || echo notty',
    ];
    // A pseudo-terminal around the CLI: script(1) runs it with a pty as stdin/stdout.
    const cli = ['node', resolve('bin/podrun.js'), ...probe].map((a) => `'${a}'`).join(' ');
    const inPty = await run('script', ['-qec', cli, '/dev/null'], { env: process.env });
    expect(inPty.stdout.trim()).toBe('tty');
    // No terminal (a pipe): kubectl uses no TTY then either; the command still runs.
    const piped = await podrun(probe);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim()).toBe('notty');
  });
});

describe('podrun delete --grace-period', () => {
  it('overrides terminationGracePeriodSeconds: SIGKILL after 1 s, not 30 s', async () => {
    await applyYaml(
      `apiVersion: v1
kind: Pod
metadata: { name: stubborn }
spec:
  terminationGracePeriodSeconds: 30
  containers:
    - name: app
      image: ${TEST_IMAGE}
      command: [sh, -c, 'trap "" TERM; touch /tmp/ready; while true; do sleep 0.1; done']
`,
      ns,
    );
    await waitFor('the TERM trap', async () => {
      const r = await podrun(['exec', 'stubborn', '-n', ns, '--', 'test', '-e', '/tmp/ready']);
      return r.code === 0;
    });
    const since = Date.now() - 1000;
    const result = await podrun(['delete', 'pod', 'stubborn', '-n', ns, '--grace-period', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(await findPodRecord(ns, 'stubborn')).toBeUndefined();
    const events = (await namespaceEvents(ns, since)).filter((e) => e.container === 'app');
    const term = events.find((e) => e.action === 'kill' && e.attributes.signal === '15');
    const kill = events.find((e) => e.action === 'kill' && e.attributes.signal === '9');
    expect(term, 'SIGTERM first').toBeDefined();
    expect(kill, 'then SIGKILL').toBeDefined();
    expect(events.find((e) => e.action === 'die')?.attributes.exitCode).toBe('137');
    // Engine clock: not before the 1 s override, and well before the pod's own 30 s.
    const gap = kill!.at - term!.at;
    expect(gap).toBeGreaterThanOrEqual(1000);
    expect(gap).toBeLessThan(30_000);
  });
});

describe('podrun supervisor start', () => {
  it('starts a detached supervisor when none runs, and reports its pid', async () => {
    const scope = `${ns}-start`;
    expect(await statusOf(scope)).toBeUndefined();
    const result = await podrun(['supervisor', 'start'], undefined, {
      PODRUN_SUPERVISOR_SCOPE: scope,
    });
    expect(result.code, result.stderr).toBe(0);
    const pid = Number(/^supervisor running \(pid (\d+)\)\n$/.exec(result.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // The CLI has exited; the supervisor it started still answers on its socket.
    const status = await statusOf(scope);
    expect(status?.pid).toBe(pid);
    expect(status?.scope).toBe(scope);
    // Its log: under $XDG_RUNTIME_DIR/podrun, or /run/podrun for root (README).
    const logDir = process.env.XDG_RUNTIME_DIR
      ? join(process.env.XDG_RUNTIME_DIR, 'podrun')
      : process.getuid?.() === 0
        ? '/run/podrun'
        : undefined;
    if (logDir) expect(dirname(status!.log)).toBe(logDir);
    expect(existsSync(status!.log)).toBe(true);
    const stop = await podrun(['supervisor', 'stop'], undefined, {
      PODRUN_SUPERVISOR_SCOPE: scope,
    });
    expect(stop.stdout).toBe(`supervisor stopped (pid ${pid})\n`);
  });
});

describe('PODRUN_NO_BUNDLE=1', () => {
  it('runs the CLI from the tsc output, not the bundle', async () => {
    // A copy of the package whose bundle cannot load: only the tsc output can answer.
    const root = tempDir();
    cpSync('bin', join(root, 'bin'), { recursive: true });
    cpSync('dist', join(root, 'dist'), { recursive: true });
    cpSync('package.json', join(root, 'package.json'));
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'dist/bundle/podrun.js'), 'throw new Error("the bundle ran");\n');
    const cli = join(root, 'bin/podrun.js');
    const env = { ...process.env, PODRUN_LOG_LEVEL: 'warn' };
    const args = [cli, 'get', 'pods', '-n', ns, '-o', 'name'];

    const bundled = await run('node', args, { env }).catch((error) => error);
    expect(String(bundled.stderr)).toContain('the bundle ran');

    const fromTsc = await run('node', args, { env: { ...env, PODRUN_NO_BUNDLE: '1' } });
    expect(fromTsc.stderr).toBe('');
    const file = join(root, 'pod.yaml');
    writeFileSync(file, sleeperPod('tsc-made'));
    const applied = await run('node', [cli, 'apply', '-f', file, '-n', ns], {
      env: { ...env, PODRUN_NO_BUNDLE: '1' },
    });
    expect(applied.stdout).toBe('pod/tsc-made created\n');
    expect(await findPodRecord(ns, 'tsc-made')).toBeDefined();
  });
});

describe('PODRUN_APPLY_CONCURRENCY', () => {
  const manifest = (prefix: string) =>
    [0, 1, 2, 3].map((i) => sleeperPod(`${prefix}${i}`)).join('---\n');

  /** Engine time span [first create, last start] of each pod's containers. */
  function spans(events: ContainerEvent[], prefix: string) {
    const byPod = new Map<string, number[]>();
    for (const e of events) {
      const pod = e.attributes['io.podrun.pod'] ?? '';
      if (!pod.startsWith(prefix) || !['create', 'start'].includes(e.action)) continue;
      // Markers and the event store (written a moment after the pod's first events,
      // off the start path) are not the pod's containers.
      if (e.attributes['io.podrun.role'] === 'marker') continue;
      byPod.set(pod, [...(byPod.get(pod) ?? []), e.at]);
    }
    return [...byPod.values()]
      .map((times) => ({ first: Math.min(...times), last: Math.max(...times) }))
      .sort((a, b) => a.first - b.first);
  }

  async function applyWith(prefix: string, env: Record<string, string>) {
    const file = join(tempDir(), `${prefix}.yaml`);
    writeFileSync(file, manifest(prefix));
    const since = Date.now() - 1000;
    const result = await podrun(['apply', '-f', file, '-n', ns], undefined, env);
    expect(result.code, result.stderr).toBe(0);
    const found = spans(await namespaceEvents(ns, since), prefix);
    expect(found).toHaveLength(4);
    return found;
  }

  it('=1 starts the pods of one apply one after another', async () => {
    const found = await applyWith('one', { PODRUN_APPLY_CONCURRENCY: '1' });
    // Each pod's containers were all started before the next pod's first create.
    for (let i = 1; i < found.length; i++) {
      expect(found[i]!.first).toBeGreaterThan(found[i - 1]!.last);
    }
  });

  it('by default starts them together (their create..start spans overlap)', async () => {
    const found = await applyWith('many', {});
    const overlapping = found.slice(1).some((span, i) => span.first < found[i]!.last);
    expect(overlapping).toBe(true);
  });
});

const ESC = String.fromCharCode(27);

describe('podrun up prefixes', () => {
  const job = `apiVersion: v1
kind: Pod
metadata: { name: job }
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
    - { name: one, image: ${TEST_IMAGE}, command: [echo, first] }
    - { name: two, image: ${TEST_IMAGE}, command: [sh, -c, 'sleep 0.5; echo second'] }
`;

  it('are coloured, one colour per container, unless NO_COLOR', async () => {
    const file = join(tempDir(), 'job.yaml');
    writeFileSync(file, job);
    const coloured = await podrun(['up', '-f', file, '-n', ns], undefined, { FORCE_COLOR: '1' });
    expect(coloured.code, coloured.stderr).toBe(0);
    const colourOf = (prefix: string, text: string) =>
      new RegExp(`${ESC}\\[(\\d+)m\\[${prefix}\\]${ESC}\\[0m ${text}$`, 'm').exec(
        coloured.stdout,
      )?.[1];
    const one = colourOf('job/one', 'first');
    const two = colourOf('job/two', 'second');
    expect(one, coloured.stdout).toBeDefined();
    expect(two, coloured.stdout).toBeDefined();
    expect(one).not.toBe(two);

    const plain = await podrun(['up', '-f', file, '-n', ns], undefined, { NO_COLOR: '1' });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^\[job\/one\] first$/m);
    expect(plain.stdout).not.toContain(`${ESC}[`);
  });
});
