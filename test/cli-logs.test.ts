// logs and exec the way kubectl users reach for them: --previous after a restart,
// --timestamps, --since, -f streaming, exec -i with stdin; get across namespaces.
import { type ChildProcess, spawn } from 'node:child_process';
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

// Two containers alternating stdout and stderr lines: out-1, err-1, out-2, err-2...
// stdout and stderr are separate pipes read by separate engine goroutines, so two
// writes in the same instant may be recorded in either order; the pause between
// writes makes the order the container wrote in the order the engine recorded.
const mixerScript =
  'i=0; while true; do i=$((i+1)); echo out-$i; sleep 0.1; echo err-$i >&2; sleep 0.1; done';
const mixer = `apiVersion: v1
kind: Pod
metadata:
  name: mixer
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: a
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "${mixerScript}"]
    - name: b
      image: ${TEST_IMAGE}
      command: ["sh", "-c", "${mixerScript}"]
`;

/** Run the CLI with its stderr discarded, as `podrun logs ... 2>/dev/null` does. */
function spawnStdoutOnly(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn('node', ['bin/podrun.js', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, PODRUN_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return { child, output: () => out };
}

async function stdoutOnly(args: string[]): Promise<string> {
  const { child, output } = spawnStdoutOnly(args);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  return output();
}

/** Position of a mixer line in the written sequence: out-1 → 0, err-1 → 1, out-2 → 2... */
function mixerIndex(line: string): number {
  const match = /^(out|err)-(\d+)$/.exec(line);
  if (!match) throw new Error(`not a mixer line: ${JSON.stringify(line)}`);
  return 2 * (Number(match[2]) - 1) + (match[1] === 'err' ? 1 : 0);
}

/** The sequence indices of a log's lines, asserting they run without gap or reorder. */
function expectConsecutive(lines: string[]): number[] {
  const indices = lines.map(mixerIndex);
  expect(lines.length).toBeGreaterThan(0);
  const first = indices[0]!;
  expect(indices).toEqual(indices.map((_, k) => first + k));
  return indices;
}

function linesOf(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** "2026-12-01T19:58:48.1234Z line" → [nanosecond-sortable stamp, "line"]. */
function splitStamp(line: string): [string, string] {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z (.*)$/.exec(line);
  if (!match) throw new Error(`no timestamp: ${JSON.stringify(line)}`);
  return [`${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`, match[3]!];
}

beforeAll(async () => {
  await applyYaml(pod, ns);
  await applyYaml(mixer, ns);
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
    // Wait until, by the engine's own clock, the first line is 3 s older than the
    // newest: a 2 s window from any later "now" then cannot reach back to it.
    const known = await waitFor(
      'three seconds of log',
      async () => {
        const lines = linesOf(
          (await podrun(['logs', 'talker', '-n', ns, '--timestamps'])).stdout,
        ).map((line) => splitStamp(line));
        const age = Date.parse(lines.at(-1)![0]) - Date.parse(lines[0]![0]);
        return age >= 3000 ? lines.map(([, text]) => text) : undefined;
      },
      30_000,
    );
    const newest = Number(known.at(-1)!.slice('line-'.length));
    // Lines come every 0.2 s, so a 2 s window holds some unless the machine stalls:
    // ask again then rather than assume.
    const windowed = await waitFor('lines in the last 2 s', async () => {
      const out = (await podrun(['logs', 'talker', '-n', ns, '--since', '2s'])).stdout;
      return out ? linesOf(out) : undefined;
    });
    expect(windowed.join('\n')).not.toContain('started-');
    const numbers = windowed.map((line) => Number(/^line-(\d+)$/.exec(line)?.[1]));
    expect(numbers).toEqual(numbers.map((_, k) => numbers[0]! + k)); // no gap inside the window
    expect(numbers[0]).toBeGreaterThan(1); // the oldest lines are left out
    // Everything from the cutoff to the request is in: at least up to the newest line
    // seen before the request.
    expect(numbers.at(-1)).toBeGreaterThanOrEqual(newest);
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

  it('-f keeps following across a restart: the new instance is streamed from its start', async () => {
    const { child, output } = spawnStdoutOnly(['logs', 'talker', '-n', ns, '-f', '--tail', '0']);
    try {
      await waitFor('streamed lines', async () => (output().match(/line-\d+/g)?.length ?? 0) >= 2);
      expect(output()).not.toContain('started-talker');
      await restartContainerByName(ns, 'talker', 'main');
      await waitFor('the new instance', async () => /^started-talker-\d+$/m.test(output()), 30_000);
      expect(child.exitCode).toBeNull(); // still following
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  });

  it('-l -f follows a pod of the selector created after it started', async () => {
    const { child, output } = spawnStdoutOnly(['logs', '-l', 'app=late', '-n', ns, '-f']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await applyYaml(
        `apiVersion: v1
kind: Pod
metadata: { name: late, labels: { app: late } }
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - { name: main, image: ${TEST_IMAGE}, command: [sh, -c, 'echo late-hello; sleep 600'] }
`,
        ns,
      );
      await waitFor("the late pod's line", async () => output() === 'late-hello\n', 30_000);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  });
});

describe('podrun logs prints stdout and stderr on stdout, in write order (kubectl)', () => {
  const logs = (...args: string[]) => stdoutOnly(['logs', 'mixer', '-n', ns, ...args]);

  it('plain, --timestamps, --tail and --since', async () => {
    await waitFor('a few lines', async () => (await logs('-c', 'a')).includes('err-3'));
    const plain = expectConsecutive(linesOf(await logs('-c', 'a')));
    expect(plain[0]).toBe(0);

    const stamped = linesOf(await logs('-c', 'a', '--timestamps')).map(splitStamp);
    expect(expectConsecutive(stamped.map(([, text]) => text))[0]).toBe(0);
    const stamps = stamped.map(([stamp]) => stamp);
    expect(stamps).toEqual([...stamps].sort()); // non-decreasing

    expect(expectConsecutive(linesOf(await logs('-c', 'a', '--tail', '2')))).toHaveLength(2);

    // --since keeps the merged order too; the first lines are older than the window.
    await waitFor('three seconds of log', async () => {
      const lines = linesOf(await logs('-c', 'a', '--timestamps')).map(splitStamp);
      return Date.parse(lines.at(-1)![0]) - Date.parse(lines[0]![0]) >= 3000;
    });
    const windowed = await waitFor('lines in the last 2 s', async () => {
      const out = await logs('-c', 'a', '--since', '2s');
      return out && linesOf(out).length >= 2 ? linesOf(out) : undefined;
    });
    expect(expectConsecutive(windowed)[0]).toBeGreaterThan(1);
  });

  it('--all-containers prefixes each line with [pod/mixer/<container>]', async () => {
    const lines = linesOf(await logs('--all-containers'));
    for (const container of ['a', 'b']) {
      const prefix = `[pod/mixer/${container}] `;
      const own = lines.filter((line) => line.startsWith(prefix));
      expect(expectConsecutive(own.map((line) => line.slice(prefix.length)))[0]).toBe(0);
    }
    expect(lines.every((line) => /^\[pod\/mixer\/[ab]\] /.test(line))).toBe(true);
  });

  it('-f streams both streams in order until interrupted', async () => {
    const { child, output } = spawnStdoutOnly([
      'logs',
      'mixer',
      '-n',
      ns,
      '-c',
      'b',
      '-f',
      '--tail',
      '0',
    ]);
    try {
      await waitFor(
        'streamed lines',
        async () => output().split('\n').filter(Boolean).length >= 6,
        30_000,
      );
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    const lines = output().split('\n');
    lines.pop(); // a line cut by the kill, or the empty rest after the last newline
    const indices = expectConsecutive(lines);
    expect(indices.length).toBeGreaterThanOrEqual(5);
    expect(indices[0]).toBeGreaterThan(0); // --tail 0: nothing from before
  });

  it('--previous after a restart', async () => {
    await restartContainerByName(ns, 'mixer', 'a');
    const previous = expectConsecutive(linesOf(await logs('-c', 'a', '--previous')));
    expect(previous[0]).toBe(0);
    expect(previous.length).toBeGreaterThanOrEqual(6);
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
