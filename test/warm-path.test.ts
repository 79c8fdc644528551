// The warm path: with a supervisor running, `podrun get` and `podrun describe` are
// run by it for the CLI process (src/cli/warm-client.ts, warm-serve.ts). What the user
// sees (stdout, stderr, exit code) must be exactly what the CLI prints doing the work
// itself (PODRUN_NO_WARM=1), and the supervisor's count of served verbs shows which
// path was taken.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supervisorPaths } from '../src/supervisor/paths.js';
import { askSupervisor, type SupervisorStatus } from '../src/supervisor/protocol.js';
import { podrun, sleeperPod, TEST_IMAGE, waitFor, writeManifest } from './helpers/pods.js';
import { scopedNamespace } from './helpers/supervised.js';

const { ns, ok, cleanUp } = scopedNamespace('warm');

async function served(): Promise<number> {
  const status = await askSupervisor<SupervisorStatus>({ op: 'status' });
  if (!status) throw new Error('no supervisor answers');
  return status.warmServed ?? 0;
}

/** Both paths of one command line: its result warm, then cold, and how many were served. */
async function bothPaths(args: string[]) {
  const before = await served();
  const warm = await podrun([...args, '-n', ns]);
  const between = await served();
  const cold = await podrun([...args, '-n', ns], undefined, { PODRUN_NO_WARM: '1' });
  const after = await served();
  return { warm, cold, warmServed: between - before, coldServed: after - between };
}

// AGE moves between the two runs; everything else must match byte for byte.
const ageless = (text: string) => text.replace(/\b\d+s\b/g, 'Ns');

beforeAll(async () => {
  const talker = `apiVersion: v1
kind: Pod
metadata: { name: talker }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: main
      image: ${TEST_IMAGE}
      command: [sh, -c, 'echo hello; printf "euro \\342\\202\\254 and back\\n"; exec sleep 3600']
`;
  const file = writeManifest(
    ns,
    'pods',
    `${sleeperPod('one')}---\n${sleeperPod('two')}---\n${talker}`,
  );
  await ok(['apply', '-f', file, '--wait']);
  // The supervisor the apply started answers from here on.
  await served();
}, 120_000);

afterAll(cleanUp);

describe('the warm path', () => {
  it.each([
    [['get', 'pods']],
    [['get', 'pods', '-o', 'wide']],
    [['get', 'pods', '-o', 'yaml']],
    [['get', 'pod', 'one', '-o', 'jsonpath={.metadata.name} {.status.phase}']],
    [['get', 'pods,svc']],
    [['describe', 'pod', 'two']],
  ])('prints exactly what the CLI prints itself: %j', async (args) => {
    const { warm, cold, warmServed, coldServed } = await bothPaths(args);
    expect(warmServed).toBe(1);
    expect(coldServed).toBe(0);
    expect(cold.code).toBe(0);
    expect(warm.code).toBe(0);
    expect(ageless(warm.stdout)).toBe(ageless(cold.stdout));
    expect(warm.stderr).toBe(cold.stderr);
    expect(warm.stdout).toMatch(/one|two/);
  });

  it('passes on errors and exit codes: a missing pod, an unknown type, a bad flag', async () => {
    for (const args of [
      ['get', 'pod', 'nope'],
      ['get', 'bogus'],
      ['get', 'pods', '--bogus'],
      ['describe', 'pod', 'nope'],
    ]) {
      const { warm, cold, warmServed } = await bothPaths(args);
      expect(warmServed, args.join(' ')).toBe(1);
      expect(cold.code, args.join(' ')).not.toBe(0);
      expect({ code: warm.code, stdout: warm.stdout, stderr: warm.stderr }).toEqual({
        code: cold.code,
        stdout: cold.stdout,
        stderr: cold.stderr,
      });
    }
  });

  it('an empty namespace: the stderr line and exit 0, as kubectl', async () => {
    const before = await served();
    const warm = await podrun(['get', 'pods', '-n', `${ns}-empty`]);
    expect(await served()).toBe(before + 1);
    expect(warm).toEqual({
      code: 0,
      stdout: '',
      stderr: `No resources found in ${ns}-empty namespace.\n`,
    });
  });

  it('is refused when the CLI runs with other settings, and the CLI does the work', async () => {
    const before = await served();
    const result = await podrun(['get', 'pods', '-n', ns], undefined, { PODRUN_WARM_TEST_X: '1' });
    expect(await served()).toBe(before);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^one\s+1\/1\s+Running/m);
  });

  it('leaves verbs that change things, and help, to the CLI', async () => {
    const before = await served();
    expect((await podrun(['exec', 'one', '-n', ns, '--', 'true'])).code).toBe(0);
    expect((await podrun(['get', 'pods', '-n', ns, '--help'])).code).toBe(0);
    expect(await served()).toBe(before);
  });

  it('logs: the same bytes both ways (they travel as base64)', async () => {
    // (The engine's json-file log driver itself replaces bytes that are not UTF-8.)
    const raw = (env: Record<string, string>) =>
      promisify(execFile)('node', ['bin/podrun.js', 'logs', 'talker', '-n', ns, '--prefix'], {
        env: { ...process.env, PODRUN_LOG_LEVEL: 'warn', ...env },
        encoding: 'buffer',
      });
    const before = await served();
    const warm = await raw({});
    expect(await served()).toBe(before + 1);
    const cold = await raw({ PODRUN_NO_WARM: '1' });
    expect(await served()).toBe(before + 1);
    expect(warm.stdout.equals(cold.stdout)).toBe(true);
    expect(warm.stdout.toString('utf8')).toBe(
      '[pod/talker/main] hello\n[pod/talker/main] euro € and back\n',
    );
  });

  it('two at once, each gets its own output', async () => {
    const before = await served();
    const [a, b] = await Promise.all([
      podrun(['get', 'pod', 'one', '-o', 'name', '-n', ns]),
      podrun(['get', 'pod', 'two', '-o', 'name', '-n', ns]),
    ]);
    expect(await served()).toBe(before + 2);
    expect(a.stdout).toBe('pod/one\n');
    expect(b.stdout).toBe('pod/two\n');
  });
});

describe('a rebuild while a supervisor runs', () => {
  it('hands over to a supervisor of the new build, which serves the warm path', async () => {
    // A copy of the package, so that touching its build disturbs no other supervisor.
    const root = mkdtempSync(join(tmpdir(), 'podrun-warm-'));
    cpSync('bin', join(root, 'bin'), { recursive: true });
    cpSync('dist', join(root, 'dist'), { recursive: true });
    cpSync('package.json', join(root, 'package.json'));
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    const env = { ...process.env, PODRUN_SUPERVISOR_SCOPE: `${ns}-ho`, PODRUN_LOG_LEVEL: 'warn' };
    const socket = supervisorPaths(env).socket;
    const cli = (args: string[]) =>
      promisify(execFile)('node', [join(root, 'bin/podrun.js'), ...args], { env });
    const status = () => askSupervisor<SupervisorStatus>({ op: 'status' }, { socket });
    try {
      await cli(['supervisor', 'start']);
      const first = await status();
      expect(first?.warmServed).toBe(0);
      expect((await cli(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toBe(
        'pod/one\npod/talker\npod/two\n',
      );
      expect((await status())?.warmServed).toBe(1);
      // A rebuild: the build stamp's file (the compiled supervisor entry) moves on.
      const later = new Date(Date.now() + 5000);
      utimesSync(join(root, 'dist/supervisor/daemon.js'), later, later);
      // Until the hand-over, the old one refuses and the CLI answers itself.
      expect((await cli(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toBe(
        'pod/one\npod/talker\npod/two\n',
      );
      const next = await waitFor(
        'a supervisor of the new build',
        async () => {
          const now = await status();
          return now && now.pid !== first?.pid ? now : undefined;
        },
        30_000,
      );
      expect(next.warmServed).toBe(0);
      expect((await cli(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toBe(
        'pod/one\npod/talker\npod/two\n',
      );
      expect((await status())?.warmServed).toBe(1);
    } finally {
      await cli(['supervisor', 'stop']).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
