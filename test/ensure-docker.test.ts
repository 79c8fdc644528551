// README, requirements: scripts/ensure-docker.sh "never restarts or reconfigures an
// engine that is already running", and starts one only for the default socket. The
// default engine is never stopped here (other people's containers run there): the
// running case uses the second, podrun-owned engine of scripts/test-engine.sh through
// DOCKER_HOST, and the down case a DOCKER_HOST nothing listens on, for which the script
// must say so and exit 1 without trying to start any engine. `dockerd` is shadowed on
// PATH by a stub that records a call, so even a broken script cannot start a real one.
// (Starting an engine when the default socket is dead runs in scripts/test.sh on every
// bare CI machine; it is not reproduced here, as that would need the default engine down.)
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/net.js';

const run = promisify(execFile);
const TEST_ENGINE_PIDFILE = '/run/podrun/test-engine.pid';
const work = mkdtempSync(join(tmpdir(), 'podrun-ensure-docker-'));
const stubs = join(work, 'stubs');
const stubCalls = join(work, 'dockerd-calls');
const dockerdLog = join(work, 'dockerd.log');

mkdirSync(stubs);
writeFileSync(join(stubs, 'dockerd'), `#!/bin/sh\necho "dockerd $*" >> ${stubCalls}\nexit 1\n`);
chmodSync(join(stubs, 'dockerd'), 0o755);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Result {
  code: number;
  stderr: string;
}

/** Run ensure-docker.sh with DOCKER_HOST, the dockerd stub first on PATH, short waits. */
async function ensureDocker(dockerHost: string): Promise<Result> {
  const env = {
    ...process.env,
    DOCKER_HOST: dockerHost,
    PATH: `${stubs}:${process.env.PATH}`,
    PODRUN_DOCKERD_LOG: dockerdLog,
    PODRUN_DOCKERD_WAIT: '3',
  };
  try {
    const { stderr } = await run('bash', ['scripts/ensure-docker.sh'], { env });
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : 1,
      stderr: failure.stderr ?? '',
    };
  }
}

/** Every running dockerd with its start time (clock ticks since boot). */
function dockerds(): string[] {
  let pids: string[] = [];
  try {
    pids = execFileSync('pgrep', ['-x', 'dockerd'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    // none
  }
  return pids.map((pid) => `${pid}@${startTime(Number(pid))}`).sort();
}

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 22 (starttime), counted after the "(comm)" field, which may hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

function answers(socket: string): boolean {
  try {
    execFileSync(
      'curl',
      ['-fsS', '--max-time', '3', '--unix-socket', socket, 'http://localhost/_ping'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

function stubWasCalled(): string {
  return existsSync(stubCalls) ? readFileSync(stubCalls, 'utf8') : '';
}

describe('a DOCKER_HOST other than the default that does not answer', () => {
  it.each([
    ['a unix socket that does not exist', async () => `unix://${join(work, 'nothing.sock')}`],
    ['a tcp port nothing listens on', async () => `tcp://127.0.0.1:${await freePort()}`],
  ])('%s: one line, exit 1, no engine started', async (_what, host) => {
    const dockerHost = await host();
    const before = dockerds();
    const result = await ensureDocker(dockerHost);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `ensure-docker: no Docker engine answers on DOCKER_HOST=${dockerHost}; start it or unset DOCKER_HOST\n`,
    );
    expect(stubWasCalled()).toBe('');
    expect(existsSync(dockerdLog)).toBe(false);
    expect(dockerds()).toEqual(before);
  });
});

// Like test/engine-restart.test.ts: a second dockerd needs root; only outside CI may
// this part skip without it (under CI=true scripts/test.sh fails a skip).
function canRunTestEngine(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'command -v dockerd || command -v apt-get'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canRunTestEngine() && process.env.CI !== 'true')('a running engine', () => {
  let host = '';
  let startedHere = false;
  const testEngine = async (...args: string[]) =>
    (await run('bash', ['scripts/test-engine.sh', ...args], { env: process.env })).stdout.trim();

  beforeAll(async () => {
    host = await testEngine('host');
    const socket = host.replace(/^unix:\/\//, '');
    // Someone else's run may hold it (engine-restart.test.ts): then only borrow it.
    startedHere = !answers(socket);
    await testEngine('start');
  }, 120_000);

  afterAll(async () => {
    if (startedHere) await testEngine('stop');
  }, 120_000);

  it('is left alone: exit 0, the same dockerd process (pid and start time)', async () => {
    const pid = Number(readFileSync(TEST_ENGINE_PIDFILE, 'utf8').trim());
    const started = startTime(pid);
    const before = dockerds();
    expect(before).toContain(`${pid}@${started}`);

    const result = await ensureDocker(host);
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(Number(readFileSync(TEST_ENGINE_PIDFILE, 'utf8').trim())).toBe(pid);
    expect(startTime(pid)).toBe(started);
    expect(dockerds()).toEqual(before);
    expect(stubWasCalled()).toBe('');
    expect(existsSync(dockerdLog)).toBe(false);
  });
});
