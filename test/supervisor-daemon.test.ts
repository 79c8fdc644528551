// The supervisor process itself: one per engine (its unix socket is the lock),
// woken by Docker events rather than its periodic tick, exits by itself when idle,
// and `podrun supervisor run` keeps it in the foreground. Each test uses a scope of
// its own (PODRUN_SUPERVISOR_SCOPE) so no other supervisor is touched.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killContainer } from '../src/docker/containers.js';
import { parseManifestText } from '../src/manifest/parse.js';
import { applyManifests } from '../src/pod/apply.js';
import { findPodRecord } from '../src/pod/records.js';
import { supervisorPaths } from '../src/supervisor/paths.js';
import { askSupervisor, type SupervisorStatus } from '../src/supervisor/protocol.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { cleanNamespace, podrun, TEST_IMAGE, testNamespace, waitFor } from './helpers/pods.js';

const ns = testNamespace('superd');
const children: ChildProcess[] = [];

afterEach(async () => {
  // Stop what this file started (by pid), gracefully so the socket file goes too.
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
});

afterAll(async () => {
  await cleanNamespace(ns);
});

interface Daemon {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(args: string[], scope: string, env: Record<string, string> = {}): Daemon {
  const child = spawn('node', args, {
    env: { ...process.env, PODRUN_SUPERVISOR_SCOPE: scope, PODRUN_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

const daemon = (scope: string, env: Record<string, string> = {}) =>
  startProcess(['dist/supervisor/daemon.js'], scope, env);

/** The supervisor answering on `scope`'s socket, if any. */
function statusOf(scope: string): Promise<SupervisorStatus | undefined> {
  const { socket } = supervisorPaths({ ...process.env, PODRUN_SUPERVISOR_SCOPE: scope });
  return askSupervisor<SupervisorStatus>({ op: 'status' }, { socket, timeoutMs: 1500 });
}

describe('one supervisor per engine', () => {
  it('of two supervisors started at once one stays; `supervisor start` finds it', async () => {
    const scope = `${ns}-lock`;
    const a = daemon(scope);
    const b = daemon(scope);
    const loser = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const winner = loser === a ? b : a;
    const status = await waitFor('the winner to answer', () => statusOf(scope));
    expect(status.pid).toBe(winner.child.pid);
    expect(winner.child.exitCode).toBeNull();
    // A third one started later sees the socket answer and leaves at once (exit 0).
    const late = daemon(scope);
    expect(await late.exited).toBe(0);
    expect(late.output()).toMatch(
      new RegExp(`a supervisor already runs \\(pid ${winner.child.pid}\\)`),
    );
    // And the CLI's on-demand start does not make another one either.
    const start = await podrun(['supervisor', 'start'], undefined, {
      PODRUN_SUPERVISOR_SCOPE: scope,
    });
    expect(start.stdout).toBe(`supervisor running (pid ${winner.child.pid})\n`);
    expect((await statusOf(scope))?.pid).toBe(winner.child.pid);
  });
});

describe('idle exit', () => {
  it('exits by itself after PODRUN_SUPERVISOR_IDLE_MS without supervised pods', async () => {
    const scope = `${ns}-idle`;
    const d = daemon(scope, { PODRUN_SUPERVISOR_IDLE_MS: '200' });
    expect(await d.exited).toBe(0);
    expect(d.output()).toMatch(/stopping: no supervised pods left/);
    expect(await statusOf(scope)).toBeUndefined();
  });
});

describe('podrun supervisor run', () => {
  it('runs the supervisor in the foreground, in the podrun process itself, until SIGTERM', async () => {
    const scope = `${ns}-run`;
    const fg = startProcess(['bin/podrun.js', 'supervisor', 'run'], scope);
    const status = await waitFor('the foreground supervisor to answer', () => statusOf(scope));
    expect(status.pid).toBe(fg.child.pid);
    expect(status.scope).toBe(scope);
    fg.child.kill('SIGTERM');
    expect(await fg.exited).toBe(0);
    expect(await statusOf(scope)).toBeUndefined();
  });
});

describe('Docker events wake the supervisor', () => {
  it('restarts a killed container although its periodic tick is an hour away', async () => {
    const scope = `${ns}-wake`;
    const set = parseManifestText(
      `apiVersion: v1
kind: Pod
metadata: { name: woken }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: app, image: ${TEST_IMAGE}, command: [sleep, '3600'] }
`,
      'test.yaml',
      { defaultNamespace: ns, validate: 'strict' },
    );
    await applyManifests(set, { supervise: scope });
    const supervisor = new Supervisor({ scope, namespace: ns, tickMs: 3_600_000 });
    const internals = supervisor as unknown as { eventStream?: unknown; ticking?: unknown };
    supervisor.start();
    try {
      // Its first ticks (at start, and when the event stream opened) are done; the
      // next periodic one is an hour away.
      await waitFor(
        'the supervisor to settle',
        async () =>
          supervisor.podCount === 1 &&
          internals.eventStream !== undefined &&
          internals.ticking === undefined,
      );
      const first = (await findPodRecord(ns, 'woken'))!.containers[0]!;
      await killContainer(first.Id);
      await waitFor(
        'a new instance started by the supervisor',
        async () => {
          const record = await findPodRecord(ns, 'woken');
          return record?.containers.some(
            (c) => c.Labels['io.podrun.attempt'] === '1' && c.State === 'running',
          );
        },
        20_000,
      );
    } finally {
      await supervisor.stop();
    }
  });
});
